/*
 * beneficiary.c — the beneficiaries register and the support programmes (see
 * beneficiary.h): registration with sealed personal data, status changes with
 * their history, masked reads and lists, and the eligibility rule, once per person
 * here and once as set-based SQL in beneficiary.h — the two must agree, and a test
 * checks that they do.
 */
#include "funds/beneficiary_int.h"

#include "audit/audit.h"
#include "auth/auth.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/idcard.h"
#include "base/json.h"
#include "base/pdata.h"
#include "org/org.h"

#include <stdio.h>
#include <string.h>

const char lz_beneficiary__payable_sql[] = LZ_BENEFICIARY_PAYABLE_SQL;

enum {
	Q_BENEFICIARY_GET,
	Q_BENEFICIARY_LIST,
	Q_BENEFICIARY_BY_INDEX,
	Q_BENEFICIARY_INSERT,
	Q_BENEFICIARY_SET_STATUS,
	Q_BENEFICIARY_COMMIT,
	Q_STATUS_INSERT,
	Q_STATUS_HISTORY,
	Q_STATUS_AT,
	Q_BENEFICIARY_ERASE,
};

#define BENEFICIARY_SELECT                                                                                   \
	"SELECT x.id, x.bureau_id, x.programme_id, x.name, x.village, x.household_id, x.relocated_on, "      \
	"x.support_ends_on, x.status, x.status_since, x.status_reason, x.id_number_sealed, "                 \
	"x.bank_account_sealed, x.created_at, x.updated_at, bu.path "                                        \
	"FROM beneficiary x JOIN bureau bu ON bu.id = x.bureau_id "

enum {
	C_ID,
	C_BUREAU_ID,
	C_PROGRAMME_ID,
	C_NAME,
	C_VILLAGE,
	C_HOUSEHOLD,
	C_RELOCATED_ON,
	C_SUPPORT_ENDS_ON,
	C_STATUS,
	C_STATUS_SINCE,
	C_STATUS_REASON,
	C_ID_SEALED,
	C_BANK_SEALED,
	C_CREATED_AT,
	C_UPDATED_AT,
	C_PATH
};

static const char *const sql[] = {
    [Q_BENEFICIARY_GET] = BENEFICIARY_SELECT "WHERE x.id = ?",
    [Q_BENEFICIARY_LIST] = BENEFICIARY_SELECT
    "WHERE bu.path LIKE (CAST(? AS TEXT) || '%') AND x.id > ? AND (? = 0 OR x.programme_id = ?) "
    "AND (? = 0 OR x.status = ?) AND (? = 0 OR x.village = ?) AND (? = 0 OR x.name LIKE ? ESCAPE '\\') "
    "AND (? = 0 OR x.id_number_index = ?) ORDER BY x.id LIMIT ?",
    [Q_BENEFICIARY_BY_INDEX] = "SELECT id FROM beneficiary WHERE programme_id = ? AND id_number_index = ?",
    [Q_BENEFICIARY_INSERT] =
        "INSERT INTO beneficiary(bureau_id, programme_id, name, village, household_id, relocated_on, "
        "support_ends_on, status, status_since, status_reason, id_number_sealed, id_number_index, "
        "id_number_commit, pd_salt, bank_account_sealed, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, '', ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    [Q_BENEFICIARY_SET_STATUS] = "UPDATE beneficiary SET status = ?, status_since = ?, status_reason = ?, "
                                 "updated_at = ? WHERE id = ?",
    [Q_BENEFICIARY_COMMIT] = "SELECT id_number_commit FROM beneficiary WHERE id = ?",
    [Q_STATUS_INSERT] = "INSERT INTO beneficiary_status(bureau_id, beneficiary_id, status, since, reason, "
                        "actor, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    [Q_STATUS_HISTORY] = "SELECT status, since, reason, actor, at FROM beneficiary_status "
                         "WHERE beneficiary_id = ? ORDER BY since, id",
    [Q_STATUS_AT] = "SELECT status, since, reason FROM beneficiary_status WHERE beneficiary_id = ? "
                    "AND since <= ? ORDER BY since DESC, id DESC LIMIT 1",
    /* The commitment stays: ledger proofs and payroll digests are made of it. */
    [Q_BENEFICIARY_ERASE] =
        "UPDATE beneficiary SET name = ?, id_number_sealed = NULL, id_number_index = NULL, "
        "pd_salt = NULL, bank_account_sealed = NULL, updated_at = ? "
        "WHERE id = ? AND id_number_sealed IS NOT NULL RETURNING id",
};

#define VILLAGE_MAX 64
#define HOUSEHOLD_MAX 32
#define REASON_MAX 200
#define Q_MAX 64
#define LIST_MAX 200
#define ACCOUNT_MIN 8
#define ACCOUNT_MAX 32

static const char *const status_names[] = {
	[LZ_BENEFICIARY_ACTIVE] = "active",
	[LZ_BENEFICIARY_DECEASED] = "deceased",
	[LZ_BENEFICIARY_MOVED] = "moved",
	[LZ_BENEFICIARY_SUSPENDED] = "suspended",
};

#define STATUS_COUNT (int)(sizeof(status_names) / sizeof(status_names[0]))

const char *lz_beneficiary_status_name(int status)
{
	return status > 0 && status < STATUS_COUNT ? status_names[status] : "unknown";
}

static int status_parse(int *out, const char *s)
{
	for (int i = 1; s && i < STATUS_COUNT; i++)
		if (strcmp(status_names[i], s) == 0) {
			*out = i;
			return 0;
		}
	return lz_error_set(LZ_EINVALID, "status", "status must be active, deceased, moved or suspended");
}


static int32_t today(const lz_ctx *ctx)
{
	int64_t now = lz_ctx_now(ctx);
	return (int32_t)(now >= 0 ? now / 86400 : (now - 86399) / 86400);
}

/* Parses a required date that is not after today, naming 'field'. */
static int check_date(int32_t *out, const lz_ctx *ctx, const char *field, const char *s)
{
	if (!s || !*s)
		return lz_error_set(LZ_EINVALID, field, "%s is required", field);
	if (lz_date_parse(out, s) < 0)
		return lz_error_set(LZ_EINVALID, field, "%s must be a date (YYYY-MM-DD)", field);
	if (*out > today(ctx))
		return lz_error_set(LZ_EINVALID, field, "%s is in the future", field);
	return 0;
}

/*
 * The last day of support: 'years' years after 'day', less a day (relocated on
 * 2025-06-01 for 20 years: 2045-05-31). From 29 February to a year without one,
 * support runs to 28 February.
 */
static int32_t support_end(int32_t day, int years)
{
	char text[11], next[32];
	int y, m, d;
	int32_t end;

	lz_date_format(text, day);
	if (sscanf(text, "%d-%d-%d", &y, &m, &d) != 3)
		return day;
	y += years;
	if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) {
		snprintf(next, sizeof(next), "%04d-02-28", y);
		return lz_date_parse(&end, next) < 0 ? day : end;
	}
	snprintf(next, sizeof(next), "%04d-%02d-%02d", y, m, d);
	return lz_date_parse(&end, next) < 0 ? day : end - 1;
}

/* The bank account's digits (spaces dropped) into 'out' (ACCOUNT_MAX + 1 bytes). */
static int normalise_account(char *out, const char *s)
{
	size_t n = 0;

	for (; *s; s++) {
		if (*s == ' ')
			continue;
		if (*s < '0' || *s > '9')
			return lz_error_set(LZ_EINVALID, "bank_account", "bank_account must be digits");
		if (n == ACCOUNT_MAX)
			return lz_error_set(LZ_EINVALID, "bank_account",
			                    "bank_account has more than %d digits", ACCOUNT_MAX);
		out[n++] = *s;
	}
	out[n] = '\0';
	if (n < ACCOUNT_MIN)
		return lz_error_set(LZ_EINVALID, "bank_account", "bank_account has fewer than %d digits",
		                    ACCOUNT_MIN);
	return 0;
}

/* ---------------------------------------------------------------- reading */

/*
 * Opens a sealed column as text into 'out' (cap bytes); "" when the column is NULL
 * (erased). LZ_ETAMPERED when it does not authenticate.
 */
static int open_text(char *out, size_t cap, const lz_ctx *ctx, lz_stmt *s, int col, const char *field)
{
	const void *blob;
	size_t n = 0, len = 0;
	uint8_t plain[64];
	int error;

	out[0] = '\0';
	if (lz_stmt_is_null(s, col))
		return 0;
	blob = lz_stmt_blob(s, col, &len);
	if (len > sizeof(plain) + LZ_PDATA_OVERHEAD || len - LZ_PDATA_OVERHEAD >= cap)
		return lz_error_set(LZ_ETAMPERED, field, "a sealed %s has an impossible length", field);
	if ((error = lz_pdata_open(plain, &n, ctx->app->keys.pd_key, blob, len, field)) < 0)
		return error;
	memcpy(out, plain, n);
	out[n] = '\0';
	lz_pdata_wipe(plain, sizeof(plain));
	return 0;
}

static json_t *date_json(int64_t day)
{
	char text[11];

	lz_date_format(text, (int32_t)day);
	return json_stringn(text, 10);
}

/* The current row as the API shows it: masked, without history. */
static int row_json(json_t **out, const lz_ctx *ctx, lz_stmt *s)
{
	char id[LZ_IDCARD_LEN + 8], account[ACCOUNT_MAX + 8], masked[40];
	json_t *o;
	int error;

	*out = NULL;
	if ((error = open_text(id, sizeof(id), ctx, s, C_ID_SEALED, "id_number")) < 0 ||
	    (error = open_text(account, sizeof(account), ctx, s, C_BANK_SEALED, "bank_account")) < 0)
		goto done;
	o = json_object();
	json_object_set_new_nocheck(o, "id", json_integer(lz_stmt_int(s, C_ID)));
	json_object_set_new_nocheck(o, "bureau_id", json_integer(lz_stmt_int(s, C_BUREAU_ID)));
	json_object_set_new_nocheck(o, "programme_id", json_integer(lz_stmt_int(s, C_PROGRAMME_ID)));
	json_object_set_new_nocheck(o, "name", json_string(lz_stmt_text(s, C_NAME)));
	if (id[0]) {
		lz_pdata_mask_id(masked, sizeof(masked), id);
		json_object_set_new_nocheck(o, "id_number", json_string(masked));
	} else {
		json_object_set_new_nocheck(o, "id_number", json_null());
	}
	if (account[0]) {
		lz_pdata_mask_account(masked, sizeof(masked), account);
		json_object_set_new_nocheck(o, "bank_account", json_string(masked));
	} else {
		json_object_set_new_nocheck(o, "bank_account", json_null());
	}
	json_object_set_new_nocheck(o, "erased", json_boolean(lz_stmt_is_null(s, C_ID_SEALED)));
	json_object_set_new_nocheck(o, "village", json_string(lz_stmt_text(s, C_VILLAGE)));
	json_object_set_new_nocheck(o, "household_id", json_string(lz_stmt_text(s, C_HOUSEHOLD)));
	json_object_set_new_nocheck(o, "relocated_on", date_json(lz_stmt_int(s, C_RELOCATED_ON)));
	json_object_set_new_nocheck(o, "support_ends_on", date_json(lz_stmt_int(s, C_SUPPORT_ENDS_ON)));
	json_object_set_new_nocheck(o, "status",
	                            json_string(lz_beneficiary_status_name((int)lz_stmt_int(s, C_STATUS))));
	json_object_set_new_nocheck(o, "status_since", date_json(lz_stmt_int(s, C_STATUS_SINCE)));
	json_object_set_new_nocheck(o, "status_reason", json_string(lz_stmt_text(s, C_STATUS_REASON)));
	json_object_set_new_nocheck(o, "created_at", lz_json_time(lz_stmt_int(s, C_CREATED_AT)));
	json_object_set_new_nocheck(o, "updated_at", lz_json_time(lz_stmt_int(s, C_UPDATED_AT)));
	*out = o;
done:
	lz_pdata_wipe(id, sizeof(id));
	lz_pdata_wipe(account, sizeof(account));
	return error;
}

static int history_json(json_t **out, lz_conn *conn, int64_t id)
{
	lz_stmt *s = NULL;
	json_t *items = json_array();
	int error, rc;

	*out = NULL;
	if ((error = lz_stmt_prepare(&s, conn, sql[Q_STATUS_HISTORY])) < 0 ||
	    (error = lz_stmt_bind_int(s, 1, id)) < 0)
		goto done;
	while ((rc = lz_stmt_step(s)) == LZ_ROW) {
		json_t *h = json_object();
		json_object_set_new_nocheck(h, "status",
		                            json_string(lz_beneficiary_status_name((int)lz_stmt_int(s, 0))));
		json_object_set_new_nocheck(h, "since", date_json(lz_stmt_int(s, 1)));
		json_object_set_new_nocheck(h, "reason", json_string(lz_stmt_text(s, 2)));
		json_object_set_new_nocheck(h, "actor", json_string(lz_stmt_text(s, 3)));
		json_object_set_new_nocheck(h, "at", lz_json_time(lz_stmt_int(s, 4)));
		json_array_append_new(items, h);
	}
	error = rc < 0 ? rc : 0;
done:
	lz_stmt_finish(s);
	if (error == 0) {
		*out = items;
		items = NULL;
	}
	json_decref(items);
	return error;
}

/* The facts the rules need about one beneficiary. */
typedef struct {
	int64_t id, bureau_id, programme_id;
	int32_t relocated_on, support_ends_on, status_since;
	int status;
	char reason[REASON_MAX * 4 + 1];
} beneficiary_facts;

/*
 * Reads beneficiary 'id' in scope: its facts and, when 'json' is not NULL, its
 * masked JSON with history. LZ_ENOTFOUND alike for missing and out of scope.
 */
static int beneficiary_fetch(beneficiary_facts *facts, json_t **json, lz_ctx *ctx, int64_t id)
{
	lz_stmt *s = NULL;
	json_t *o = NULL, *history = NULL;
	int error;

	if (json)
		*json = NULL;
	if ((error = lz_stmt_prepare(&s, ctx->conn, sql[Q_BENEFICIARY_GET])) < 0)
		return error;
	if ((error = lz_stmt_bind_int(s, 1, id)) < 0 || (error = lz_stmt_step(s)) < 0)
		goto done;
	if (error != LZ_ROW || !lz_org_in_scope(ctx, lz_stmt_text(s, C_PATH))) {
		error = lz_error_set(LZ_ENOTFOUND, NULL, "beneficiary %lld not found", (long long)id);
		goto done;
	}
	error = 0;
	if (facts) {
		memset(facts, 0, sizeof(*facts));
		facts->id = id;
		facts->bureau_id = lz_stmt_int(s, C_BUREAU_ID);
		facts->programme_id = lz_stmt_int(s, C_PROGRAMME_ID);
		facts->relocated_on = (int32_t)lz_stmt_int(s, C_RELOCATED_ON);
		facts->support_ends_on = (int32_t)lz_stmt_int(s, C_SUPPORT_ENDS_ON);
		facts->status = (int)lz_stmt_int(s, C_STATUS);
		facts->status_since = (int32_t)lz_stmt_int(s, C_STATUS_SINCE);
		snprintf(facts->reason, sizeof(facts->reason), "%s", lz_stmt_text(s, C_STATUS_REASON));
	}
	if (json && (error = row_json(&o, ctx, s)) < 0)
		goto done;
	lz_stmt_finish(s);
	s = NULL;
	if (json) {
		if ((error = history_json(&history, ctx->conn, id)) < 0)
			goto done;
		json_object_set_new_nocheck(o, "history", history);
		*json = o;
		o = NULL;
	}
done:
	lz_stmt_finish(s);
	json_decref(o);
	return error;
}

int lz_beneficiary_get_json(json_t **out, lz_ctx *ctx, int64_t id)
{
	lz_conn *conn;
	int error;

	*out = NULL;
	if ((error = lz_auth_require(ctx, LZ_PERM_BENEFICIARY_READ)) < 0 ||
	    (error = lz_ctx_conn(&conn, ctx)) < 0)
		return error;
	return beneficiary_fetch(NULL, out, ctx, id);
}

int lz_beneficiary_commitment(uint8_t out[32], lz_ctx *ctx, int64_t id)
{
	lz_conn *conn;
	lz_stmt *s = NULL;
	const void *blob;
	size_t len = 0;
	int error;

	if ((error = lz_auth_require(ctx, LZ_PERM_BENEFICIARY_READ)) < 0 ||
	    (error = lz_ctx_conn(&conn, ctx)) < 0 || (error = beneficiary_fetch(NULL, NULL, ctx, id)) < 0 ||
	    (error = lz_stmt_prepare(&s, conn, sql[Q_BENEFICIARY_COMMIT])) < 0)
		return error;
	if ((error = lz_stmt_bind_int(s, 1, id)) == 0 && (error = lz_stmt_step(s)) == LZ_ROW) {
		blob = lz_stmt_blob(s, 0, &len);
		error = 0;
		if (len != LZ_PDATA_COMMIT_LEN)
			error = lz_error_set(LZ_ETAMPERED, NULL, "beneficiary %lld has a damaged commitment",
			                     (long long)id);
		else
			memcpy(out, blob, len);
	} else if (error >= 0) {
		error = lz_error_set(LZ_ENOTFOUND, NULL, "beneficiary %lld not found", (long long)id);
	}
	lz_stmt_finish(s);
	return error;
}

/* ---------------------------------------------------------------- registration */

int lz_beneficiary_create(int64_t *out_id, lz_ctx *ctx, const lz_beneficiary_input *in)
{
	lz_write tx = LZ_WRITE_INIT;
	lz_programme prog;
	lz_idcard card;
	lz_stmt *s = NULL;
	beneficiary_facts facts;
	char account[ACCOUNT_MAX + 1] = "";
	uint8_t id_sealed[LZ_IDCARD_LEN + LZ_PDATA_OVERHEAD], index[LZ_PDATA_INDEX_LEN];
	uint8_t salt[LZ_PDATA_SALT_LEN], commit[LZ_PDATA_COMMIT_LEN],
	    bank_sealed[ACCOUNT_MAX + LZ_PDATA_OVERHEAD];
	size_t bank_len = 0;
	int32_t relocated_on = 0;
	int64_t id = 0, other = 0, now = lz_ctx_now(ctx);
	json_t *after = NULL;
	int error;

	if (out_id)
		*out_id = 0;
	memset(&card, 0, sizeof(card));
	if ((error = lz_auth_require(ctx, LZ_PERM_BENEFICIARY_WRITE)) < 0 ||
	    (error = lz_idcard_parse(&card, in->id_number, today(ctx), "id_number")) < 0 ||
	    (error = lz_text_check("name", in->name, true, LZ_BENEFICIARY_NAME_MAX, 0)) < 0 ||
	    (error = lz_text_check("village", in->village, false, VILLAGE_MAX, 0)) < 0 ||
	    (error = lz_text_check("household_id", in->household_id, false, HOUSEHOLD_MAX, 0)) < 0 ||
	    (error = check_date(&relocated_on, ctx, "relocated_on", in->relocated_on)) < 0 ||
	    (in->bank_account && *in->bank_account &&
	     (error = normalise_account(account, in->bank_account)) < 0))
		goto done;
	if ((error = lz_write_begin(&tx, ctx)) < 0 ||
	    (error = lz_programme__load(&prog, ctx, in->programme_id, "programme_id")) < 0)
		goto done;
	if (in->bureau_id && in->bureau_id != prog.bureau_id) {
		error = lz_error_set(LZ_EINVALID, "bureau_id", "bureau_id must be the programme's bureau");
		goto done;
	}

	lz_pdata_index(index, ctx->app->keys.pd_index_key, "id_number", card.number, LZ_IDCARD_LEN);
	if ((error = lz_exec_int(&other, ctx->conn, sql[Q_BENEFICIARY_BY_INDEX], false, "ib", prog.id, index,
	                         sizeof(index))) < 0)
		goto done;
	if (other) {
		error = lz_error_set(LZ_ECONFLICT, "id_number",
		                     "this person is registered in the programme already");
		goto done;
	}
	lz_pdata_seal(id_sealed, ctx->app->keys.pd_key, ctx->app->random, card.number, LZ_IDCARD_LEN);
	lz_random_fill(ctx->app->random, salt, sizeof(salt));
	lz_pdata_commit(commit, salt, card.number, LZ_IDCARD_LEN);
	if (account[0]) {
		bank_len = strlen(account) + LZ_PDATA_OVERHEAD;
		lz_pdata_seal(bank_sealed, ctx->app->keys.pd_key, ctx->app->random, account, strlen(account));
	}

	if ((error = lz_stmt_prepare(&s, ctx->conn, sql[Q_BENEFICIARY_INSERT])) < 0 ||
	    (error = lz_stmt_bindv(s, "iitttiiibbbb", prog.bureau_id, prog.id, in->name,
	                           in->village ? in->village : "", in->household_id ? in->household_id : "",
	                           (int64_t)relocated_on, (int64_t)support_end(relocated_on, prog.years),
	                           (int64_t)relocated_on, id_sealed, sizeof(id_sealed), index, sizeof(index),
	                           commit, sizeof(commit), salt, sizeof(salt))) < 0 ||
	    (error = bank_len ? lz_stmt_bind_blob(s, 13, bank_sealed, bank_len) : lz_stmt_bind_null(s, 13)) <
	        0 ||
	    (error = lz_stmt_bind_int(s, 14, now)) < 0 || (error = lz_stmt_bind_int(s, 15, now)) < 0)
		goto done;
	if ((error = lz_stmt_step(s)) != LZ_ROW) {
		if (error >= 0)
			error = lz_error_set(LZ_EDB, NULL, "the store gave no id for the new beneficiary");
		goto done;
	}
	id = lz_stmt_int(s, 0);
	lz_stmt_finish(s);
	s = NULL;
	if ((error = lz_exec_int(NULL, ctx->conn, sql[Q_STATUS_INSERT], false, "iiiitti", prog.bureau_id, id,
	                         (int64_t)LZ_BENEFICIARY_ACTIVE, (int64_t)relocated_on, "registered",
	                         ctx->actor.login, now)) < 0 ||
	    (error = beneficiary_fetch(&facts, &after, ctx, id)) < 0 ||
	    (error = lz_audit_append(ctx, "beneficiary.create", "beneficiary", id, prog.bureau_id, NULL,
	                             after)) < 0)
		goto done;
done:
	lz_stmt_finish(s);
	error = lz_write_end(&tx, ctx, error);
	if (error == 0 && out_id)
		*out_id = id;
	lz_pdata_wipe(&card, sizeof(card));
	lz_pdata_wipe(account, sizeof(account));
	json_decref(after);
	return error;
}

int lz_beneficiary_set_status(lz_ctx *ctx, int64_t id, const char *status, const char *since,
							  const char *reason)
{
	lz_write tx = LZ_WRITE_INIT;
	beneficiary_facts facts;
	json_t *before = NULL, *after = NULL;
	int32_t day = 0;
	int64_t now = lz_ctx_now(ctx);
	int error, st = 0;
	char date[11];

	if ((error = lz_auth_require(ctx, LZ_PERM_BENEFICIARY_WRITE)) < 0 ||
	    (error = status_parse(&st, status)) < 0 || (error = check_date(&day, ctx, "since", since)) < 0 ||
	    (error = lz_text_check("reason", reason, st != LZ_BENEFICIARY_ACTIVE, REASON_MAX, 0)) < 0)
		goto done;
	if ((error = lz_write_begin(&tx, ctx)) < 0 || (error = beneficiary_fetch(&facts, &before, ctx, id)) < 0)
		goto done;
	if (facts.status == LZ_BENEFICIARY_DECEASED) {
		error = lz_error_set(LZ_ECONFLICT, "status", "a deceased beneficiary's status cannot change");
		goto done;
	}
	if (facts.status == st) {
		error = lz_error_set(LZ_ECONFLICT, "status", "the beneficiary is %s already",
		                     lz_beneficiary_status_name(st));
		goto done;
	}
	if (day < facts.status_since) {
		lz_date_format(date, facts.status_since);
		error = lz_error_set(LZ_EINVALID, "since",
		                     "since must not be before %s, when the current status began", date);
		goto done;
	}
	if ((error = lz_exec_int(NULL, ctx->conn, sql[Q_BENEFICIARY_SET_STATUS], false, "iitii", (int64_t)st,
	                         (int64_t)day, reason ? reason : "", now, id)) < 0 ||
	    (error = lz_exec_int(NULL, ctx->conn, sql[Q_STATUS_INSERT], false, "iiiitti", facts.bureau_id, id,
	                         (int64_t)st, (int64_t)day, reason ? reason : "", ctx->actor.login, now)) <
	        0 ||
	    (error = beneficiary_fetch(NULL, &after, ctx, id)) < 0 ||
	    (error = lz_audit_append(ctx, "beneficiary.status", "beneficiary", id, facts.bureau_id, before,
	                             after)) < 0)
		goto done;
done:
	error = lz_write_end(&tx, ctx, error);
	json_decref(before);
	json_decref(after);
	return error;
}

/* ---------------------------------------------------------------- erasure */

int lz_beneficiary_erase(lz_ctx *ctx, int64_t id, const char *reason)
{
	lz_write tx = LZ_WRITE_INIT;
	beneficiary_facts facts;
	json_t *after = NULL;
	int64_t erased = 0, now = lz_ctx_now(ctx);
	int error;

	if ((error = lz_auth_require(ctx, LZ_PERM_BENEFICIARY_ERASE)) < 0 ||
	    (error = lz_text_check("reason", reason, true, REASON_MAX, 0)) < 0 ||
	    (error = lz_write_begin(&tx, ctx)) < 0 || (error = beneficiary_fetch(&facts, NULL, ctx, id)) < 0)
		goto done;
	if (facts.status == LZ_BENEFICIARY_ACTIVE) {
		error = lz_error_set(
		    LZ_ECONFLICT, "status",
		    "an active beneficiary's data is still needed: end or suspend the support first");
		goto done;
	}
	if ((error = lz_exec_int(&erased, ctx->conn, sql[Q_BENEFICIARY_ERASE], false, "tii",
	                         LZ_BENEFICIARY_ERASED_NAME, now, id)) < 0)
		goto done;
	if (erased != id) {
		error = lz_error_set(LZ_ECONFLICT, NULL, "beneficiary %lld's data is erased already",
		                     (long long)id);
		goto done;
	}
	/* The audit entry names the record and the reason, nothing of the person. */
	after = json_pack("{sI sb ss}", "id", (json_int_t)id, "erased", 1, "reason", reason);
	error = lz_audit_append(ctx, "beneficiary.erase", "beneficiary", id, facts.bureau_id, NULL, after);
done:
	error = lz_write_end(&tx, ctx, error);
	json_decref(after);
	return error;
}

/* ---------------------------------------------------------------- list */

/* '%' + q with \, % and _ escaped + '%', for LIKE … ESCAPE '\'. */
static void like_pattern(lz_buf *b, const char *q)
{
	lz_buf_puts(b, "%");
	for (; *q; q++) {
		if (*q == '\\' || *q == '%' || *q == '_')
			lz_buf_put(b, "\\", 1);
		lz_buf_put(b, q, 1);
	}
	lz_buf_puts(b, "%");
}

int lz_beneficiary_list(json_t **out, int64_t *next_after, lz_ctx *ctx, const lz_beneficiary_query *q)
{
	lz_buf like = LZ_BUF_INIT;
	lz_bureau bureau;
	lz_idcard card;
	lz_conn *conn;
	lz_stmt *s = NULL;
	json_t *items = NULL, *row;
	uint8_t index[LZ_PDATA_INDEX_LEN] = {0};
	const char *prefix;
	bool search = q->q && q->q[0], by_village = q->village && q->village[0],
	     by_id = q->id_number && q->id_number[0];
	int64_t last = 0;
	int error, rc, status = 0, n = 0,
	               limit = q->limit < 1          ? 1
	                       : q->limit > LIST_MAX ? LIST_MAX
	                                             : q->limit;

	*out = NULL;
	*next_after = 0;
	if ((error = lz_auth_require(ctx, LZ_PERM_BENEFICIARY_READ)) < 0 ||
	    (error = lz_ctx_conn(&conn, ctx)) < 0)
		goto done;
	if ((q->status && q->status[0] && (error = status_parse(&status, q->status)) < 0) ||
	    (error = lz_text_check("q", q->q, false, Q_MAX, 0)) < 0 ||
	    (error = lz_text_check("village", q->village, false, VILLAGE_MAX, 0)) < 0)
		goto done;
	if (by_id) {
		if ((error = lz_idcard_parse(&card, q->id_number, today(ctx), "id_number")) < 0)
			goto done;
		lz_pdata_index(index, ctx->app->keys.pd_index_key, "id_number", card.number, LZ_IDCARD_LEN);
		lz_pdata_wipe(&card, sizeof(card));
	}
	if (search)
		like_pattern(&like, q->q);
	prefix = NULL;
	if (q->bureau_id) {
		if ((error = lz_bureau_get(&bureau, ctx, q->bureau_id)) < 0)
			goto done;
		prefix = bureau.path;
	} else if (ctx->actor.role == LZ_ROLE_SYSTEM) {
		prefix = "";
	} else if (ctx->actor.bureau_path[0]) {
		prefix = ctx->actor.bureau_path;
	} else {
		prefix = "none"; /* no bureau: sees nothing (paths begin with '/') */
	}

	if ((error = lz_stmt_prepare(&s, conn, sql[Q_BENEFICIARY_LIST])) < 0 ||
	    (error = lz_stmt_bindv(s, "tiiiiiititibi", prefix, q->after_id, q->programme_id, q->programme_id,
	                           (int64_t)status, (int64_t)status, (int64_t)by_village,
	                           by_village ? q->village : "", (int64_t)search, search ? like.ptr : "",
	                           (int64_t)by_id, index, sizeof(index), (int64_t)limit + 1)) < 0)
		goto done;
	items = json_array();
	while ((rc = lz_stmt_step(s)) == LZ_ROW) {
		if (n == limit) {
			*next_after = last;
			break;
		}
		if ((error = row_json(&row, ctx, s)) < 0)
			goto done;
		last = lz_stmt_int(s, C_ID);
		json_array_append_new(items, row);
		n++;
	}
	if (rc < 0) {
		error = rc;
		goto done;
	}
	*out = items;
	items = NULL;
done:
	lz_stmt_finish(s);
	lz_buf_dispose(&like);
	json_decref(items);
	if (error < 0)
		*next_after = 0;
	return error;
}

/* ---------------------------------------------------------------- eligibility */

int lz_beneficiary_payable_bind(lz_stmt *s, int first, int64_t programme_id, int32_t period_start_day,
								int32_t period_end_day)
{
	int error;

	if ((error = lz_stmt_bind_int(s, first, programme_id)) < 0 ||
	    (error = lz_stmt_bind_int(s, first + 1, period_end_day)) < 0)
		return error;
	for (int i = 2; i < LZ_BENEFICIARY_PAYABLE_PARAMS; i++)
		if ((error = lz_stmt_bind_int(s, first + i, period_start_day)) < 0)
			return error;
	return 0;
}

/* The status in effect on 'day' from the history: *status 0 when there is none. */
static int status_at(int *status, int32_t *since, char *reason, size_t cap, lz_conn *conn, int64_t id,
					 int32_t day)
{
	lz_stmt *s = NULL;
	int error;

	*status = 0;
	if ((error = lz_stmt_prepare(&s, conn, sql[Q_STATUS_AT])) < 0)
		return error;
	if ((error = lz_stmt_bindv(s, "ii", id, (int64_t)day)) == 0 && (error = lz_stmt_step(s)) == LZ_ROW) {
		*status = (int)lz_stmt_int(s, 0);
		*since = (int32_t)lz_stmt_int(s, 1);
		snprintf(reason, cap, "%s", lz_stmt_text(s, 2));
	}
	lz_stmt_finish(s);
	return error < 0 ? error : 0;
}

int lz_beneficiary_payable(bool *ok, char reason[160], int64_t *amount_fen, lz_ctx *ctx,
						   int64_t beneficiary_id, int64_t programme_id, int32_t period_start_day,
						   int32_t period_end_day)
{
	beneficiary_facts b;
	lz_programme prog;
	lz_conn *conn;
	char date[11], why[REASON_MAX * 4 + 1];
	int32_t effective, since;
	int error, status;

	*ok = false;
	*amount_fen = 0;
	reason[0] = '\0';
	if ((error = lz_auth_require(ctx, LZ_PERM_BENEFICIARY_READ)) < 0 ||
	    (error = lz_ctx_conn(&conn, ctx)) < 0)
		return error;
	if (period_end_day < period_start_day)
		return lz_error_set(LZ_EINVALID, "period_end_day", "the period ends before it starts");
	if ((error = beneficiary_fetch(&b, NULL, ctx, beneficiary_id)) < 0 ||
	    (error = lz_programme__load(&prog, ctx, programme_id, "programme_id")) < 0)
		return error;

	if (b.programme_id != prog.id) {
		snprintf(reason, 160, "not enrolled in programme %lld", (long long)prog.id);
		return 0;
	}
	if (b.bureau_id != prog.bureau_id) {
		snprintf(reason, 160, "registered in another bureau than the programme's");
		return 0;
	}
	if (b.relocated_on > period_end_day) {
		lz_date_format(date, b.relocated_on);
		snprintf(reason, 160, "relocated on %s, after the period", date);
		return 0;
	}
	if (b.support_ends_on < period_start_day) {
		lz_date_format(date, b.support_ends_on);
		snprintf(reason, 160, "support ended on %s", date);
		return 0;
	}
	/* The status in effect when the period (or, for a late relocation, support) began. */
	effective = b.relocated_on > period_start_day ? b.relocated_on : period_start_day;
	status = b.status;
	since = b.status_since;
	snprintf(why, sizeof(why), "%s", b.reason);
	if (b.status_since > effective &&
	    (error = status_at(&status, &since, why, sizeof(why), conn, b.id, effective)) < 0)
		return error;
	lz_date_format(date, since);
	switch (status) {
	case LZ_BENEFICIARY_ACTIVE:
		*ok = true;
		*amount_fen = lz_programme_period_amount(&prog, period_start_day, period_end_day);
		return 0;
	case LZ_BENEFICIARY_DECEASED:
		snprintf(reason, 160, "deceased on %s", date);
		return 0;
	case LZ_BENEFICIARY_MOVED:
		snprintf(reason, 160, "moved away on %s", date);
		return 0;
	case LZ_BENEFICIARY_SUSPENDED:
		if (why[0])
			snprintf(reason, 160, "suspended: %.120s (since %s)", why, date);
		else
			snprintf(reason, 160, "suspended since %s", date);
		return 0;
	default:
		lz_date_format(date, effective);
		snprintf(reason, 160, "no status recorded on %s", date);
		return 0;
	}
}
