/*
 * cases.c — what the files of the cases module share (see cases_int.h): the acting
 * person, bureaus and scope, staff checks, sealing, opening and masking personal
 * data.
 */
#include "cases/cases_int.h"

#include "base/buf.h"
#include "base/json.h"
#include "base/pdata.h"
#include "org/org.h"

#include <stdio.h>
#include <string.h>

enum { Q_PERSON, Q_BUREAU, Q_STAFF };

static const char *const sql[] = {
    [Q_PERSON] = "SELECT COALESCE(u.staff_id, 0) FROM user_account u WHERE u.id = ? AND u.active = 1",
    [Q_BUREAU] = "SELECT path, code FROM bureau WHERE id = ?",
    [Q_STAFF] = "SELECT COUNT(*) FROM staff WHERE id = ? AND bureau_id = ? AND status = 1",
};

int lz_cases__limit(int limit)
{
	return limit < 1 ? 50 : limit > LZ_CASES_LIST_MAX ? LZ_CASES_LIST_MAX : limit;
}

int lz_cases__queue_cursor(lz_cases__queue_pos *out, const char *cursor)
{
	long long done, due, id;
	int used = 0;

	*out = (lz_cases__queue_pos)LZ_CASES_QUEUE_START;
	if (!cursor || !*cursor)
		return 0;
	if (sscanf(cursor, "%lld.%lld.%lld%n", &done, &due, &id, &used) != 3 || cursor[used] != '\0' ||
	    (done != 0 && done != 1) || id <= 0)
		return lz_error_set(LZ_EINVALID, "cursor", "cursor is not one this list gave");
	*out = (lz_cases__queue_pos){done, due, id};
	return 0;
}

json_t *lz_cases__queue_next(const lz_cases__queue_pos *last, bool full)
{
	char text[72];

	if (!full)
		return json_null();
	snprintf(text, sizeof text, "%lld.%lld.%lld", (long long)last->done, (long long)last->due,
	         (long long)last->id);
	return json_string(text);
}

int lz_cases__person(int64_t *out_staff_id, lz_ctx *ctx, const char *what)
{
	int64_t staff_id = 0;
	int error;
	lz_conn *conn;

	*out_staff_id = 0;
	if (ctx->actor.user_id <= 0)
		return lz_error_set(LZ_EFORBIDDEN, NULL, "only a person may %s: act as a user account", what);
	if ((error = lz_ctx_conn(&conn, ctx)) < 0 ||
	    (error = lz_exec_int(&staff_id, conn, sql[Q_PERSON], false, "i", ctx->actor.user_id)) < 0)
		return error;
	if (staff_id <= 0)
		return lz_error_set(LZ_EFORBIDDEN, NULL,
		                    "only a person may %s: this account is not linked to a staff record",
		                    what);
	*out_staff_id = staff_id;
	return 0;
}

int64_t lz_cases__person_or_0(lz_ctx *ctx)
{
	int64_t staff_id = 0;
	lz_conn *conn;

	if (ctx->actor.user_id <= 0 || lz_ctx_conn(&conn, ctx) < 0 ||
	    lz_exec_int(&staff_id, conn, sql[Q_PERSON], false, "i", ctx->actor.user_id) < 0)
		return 0;
	return staff_id;
}

int lz_cases__bureau(char path[128], char code[8], lz_conn *conn, int64_t id, const char *field)
{
	lz_stmt *s;
	int error;

	if ((error = lz_stmt_prepare(&s, conn, sql[Q_BUREAU])) < 0)
		return error;
	if ((error = lz_stmt_bindv(s, "i", id)) == 0 && (error = lz_stmt_step(s)) == LZ_ROW) {
		if (path)
			snprintf(path, 128, "%s", lz_stmt_text(s, 0));
		if (code)
			snprintf(code, 8, "%s", lz_stmt_text(s, 1));
		error = 0;
	} else if (error == LZ_DONE) {
		error = lz_error_set(LZ_ENOTFOUND, field, "bureau %lld not found", (long long)id);
	}
	lz_stmt_finish(s);
	return error;
}

int lz_cases__bureau_in_scope(char path[128], lz_ctx *ctx, lz_conn *conn, int64_t id, const char *field)
{
	int error = lz_cases__bureau(path, NULL, conn, id, field);
	if (error == 0 && !lz_org_in_scope(ctx, path))
		error = lz_error_set(LZ_ENOTFOUND, field, "bureau %lld not found", (long long)id);
	return error;
}

const char *lz_cases__scope_prefix(const lz_ctx *ctx)
{
	if (ctx->actor.role == LZ_ROLE_SYSTEM || ctx->actor.role == LZ_ROLE_PUBLIC)
		return "";
	if (ctx->actor.bureau_path[0] && memchr(ctx->actor.bureau_path, '\0', sizeof(ctx->actor.bureau_path)))
		return ctx->actor.bureau_path;
	return "none";
}

int lz_cases__staff_check(lz_conn *conn, int64_t staff_id, int64_t bureau_id, const char *field)
{
	int64_t n = 0;
	int error;

	if (staff_id <= 0)
		return lz_error_set(LZ_EINVALID, field, "%s is required", field);
	if ((error = lz_exec_int(&n, conn, sql[Q_STAFF], true, "ii", staff_id, bureau_id)) < 0)
		return error;
	if (n == 0)
		return lz_error_set(LZ_EINVALID, field,
		                    "%s must be an active staff member of the bureau that handles it", field);
	return 0;
}

int lz_cases__bind_sealed(lz_stmt *s, int idx, lz_ctx *ctx, const char *text)
{
	uint8_t sealed[LZ_CASES_SEALED_MAX];
	size_t n = text ? strlen(text) : 0;

	if (n == 0)
		return lz_stmt_bind_null(s, idx);
	if (n + LZ_PDATA_OVERHEAD > sizeof(sealed))
		return lz_error_set(LZ_EINVALID, NULL, "a personal field is too long");
	lz_pdata_seal(sealed, ctx->app->keys.pd_key, ctx->app->random, text, n);
	return lz_stmt_bind_blob(s, idx, sealed, n + LZ_PDATA_OVERHEAD);
}

int lz_cases__open(char *out, size_t cap, const lz_ctx *ctx, lz_stmt *s, int col, const char *field)
{
	uint8_t plain[LZ_CASES_SEALED_MAX];
	const void *blob;
	size_t len = 0, n = 0;
	int error;

	out[0] = '\0';
	if (lz_stmt_is_null(s, col))
		return 0;
	blob = lz_stmt_blob(s, col, &len);
	if (len < LZ_PDATA_OVERHEAD || len > sizeof(plain) || len - LZ_PDATA_OVERHEAD >= cap)
		return lz_error_set(LZ_ETAMPERED, field, "a sealed %s has an impossible length", field);
	if ((error = lz_pdata_open(plain, &n, ctx->app->keys.pd_key, blob, len, field)) < 0)
		return error;
	memcpy(out, plain, n);
	out[n] = '\0';
	lz_pdata_wipe(plain, sizeof(plain));
	return 0;
}

/* Bytes of the UTF-8 sequence starting with 'c'. */
static size_t utf8_width(unsigned char c)
{
	return c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
}

void lz_cases__mask_name(char *out, size_t cap, const char *name)
{
	size_t w, n, stars;

	if (!name || !*name || cap < 8) {
		snprintf(out, cap, "%s", "*");
		return;
	}
	w = utf8_width((unsigned char)name[0]);
	n = lz_utf8_len(name, strlen(name));
	stars = n <= 1 ? 1 : n - 1 > 3 ? 3 : n - 1;
	snprintf(out, cap, "%.*s%.*s", (int)w, name, (int)stars, "***");
}

void lz_cases__mask_email(char *out, size_t cap, const char *email)
{
	const char *at = email ? strchr(email, '@') : NULL;

	if (!email || !*email || !at || at == email)
		snprintf(out, cap, "%s", email && *email ? "***" : "");
	else
		snprintf(out, cap, "%c***%s", email[0], at);
}

void lz_cases__mask_document(char *out, size_t cap, const char *number)
{
	size_t n = number ? strlen(number) : 0;

	if (n == 18)
		lz_pdata_mask_id(out, cap, number);
	else if (n >= 5)
		snprintf(out, cap, "%c****%s", number[0], number + n - 2);
	else
		snprintf(out, cap, "*****");
}

int lz_cases__phone(char out[21], const char *field, const char *phone)
{
	size_t n = 0;

	for (const char *p = phone; *p; p++) {
		if (*p == ' ' || *p == '-' || (*p == '+' && p == phone))
			continue;
		if (*p < '0' || *p > '9')
			return lz_error_set(LZ_EINVALID, field,
			                    "%s must be digits (with +, spaces or dashes)", field);
		if (n == 20)
			return lz_error_set(LZ_EINVALID, field, "%s has more than 20 digits", field);
		out[n++] = *p;
	}
	out[n] = '\0';
	if (n < 7)
		return lz_error_set(LZ_EINVALID, field, "%s has fewer than 7 digits", field);
	return 0;
}

json_t *lz_cases__time(int64_t t)
{
	return t ? lz_json_time(t) : json_null();
}

int lz_cases__row_clock(lz_case_clock *out, lz_cases__cal_cache *cc, lz_conn *conn, lz_stmt *s,
                        const lz_cases__clock_cols *cols, int64_t now)
{
	int64_t used = lz_stmt_int(s, cols->used), mark = lz_stmt_int(s, cols->mark),
	        target = lz_stmt_int(s, cols->sla) * 3600, cur = used;
	bool paused = lz_stmt_int(s, cols->paused) != 0,
	     running = !paused && lz_stmt_is_null(s, cols->decided);
	int error;

	if (running && now > mark) {
		if (lz_stmt_int(s, cols->clock_kind) == LZ_CLOCK_WORKING) {
			int64_t bureau = lz_stmt_int(s, cols->bureau);
			if (!cc->loaded || cc->bureau_id != bureau) {
				lz_calendar_dispose(&cc->cal);
				cc->loaded = false;
				if ((error = lz_cases__calendar(&cc->cal, conn, bureau)) < 0)
					return error;
				cc->loaded = true;
				cc->bureau_id = bureau;
			}
			cur += lz_calendar_working_seconds(&cc->cal, mark, now);
		} else {
			cur += now - mark;
		}
	}
	*out = (lz_case_clock){cur,     target, target - cur, lz_stmt_int(s, cols->due),
	                       running, paused, cur > target};
	return 0;
}
