/*
 * complaint.c — complaints (see complaint.h): filing with sealed contact data and
 * repeat detection, the handling target on the working calendar, assignment,
 * reply, satisfaction, and the analytics.
 */
#include "cases/complaint.h"
#include "cases/cases_int.h"

#include "audit/audit.h"
#include "auth/auth.h"
#include "base/buf.h"
#include "base/json.h"
#include "base/pdata.h"
#include "org/org.h"

#include <stdio.h>
#include <string.h>

enum {
	Q_INSERT,
	Q_GET,
	Q_REPEAT,
	Q_CASE_BUREAU,
	Q_STAFF_BUREAU,
	Q_ASSIGN,
	Q_REPLY,
	Q_RATE,
	Q_LIST,
	Q_BY_CATEGORY,
	Q_BY_BUREAU,
	Q_BY_MONTH,
	Q_TOTALS,
	Q_SATISFACTION,
};

#define COMPLAINT_SELECT                                                                                     \
	"SELECT x.id, x.bureau_id, x.category, x.case_id, x.staff_id, x.description, x.state, "              \
	"x.assignee_staff_id, x.received_at, x.due_at, x.reply, x.replied_at, x.satisfaction, x.repeat_of, " \
	"x.contact_name_sealed, x.contact_phone_sealed, b.path, x.replied_by FROM complaint x "              \
	"JOIN bureau b ON b.id = x.bureau_id "

enum {
	C_ID,
	C_BUREAU,
	C_CATEGORY,
	C_CASE,
	C_STAFF,
	C_DESCRIPTION,
	C_STATE,
	C_ASSIGNEE,
	C_RECEIVED,
	C_DUE,
	C_REPLY,
	C_REPLIED_AT,
	C_SATISFACTION,
	C_REPEAT,
	C_NAME_SEALED,
	C_PHONE_SEALED,
	C_PATH,
	C_REPLIED_BY
};

#define DONE "(CASE WHEN x.state = 3 THEN 1 ELSE 0 END)"
#define IN_SCOPE "x.bureau_id IN (SELECT b.id FROM bureau b WHERE b.path LIKE (CAST(? AS TEXT) || '%')) "
#define PERIOD "AND x.received_at >= ? AND x.received_at < ? "

static const char *const sql[] = {
    [Q_INSERT] =
        "INSERT INTO complaint(bureau_id, category, case_id, staff_id, description, contact_name_sealed, "
        "contact_phone_sealed, contact_index, state, received_at, due_at, repeat_of, month, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?) RETURNING id",
    [Q_GET] = COMPLAINT_SELECT "WHERE x.id = ?",
    [Q_REPEAT] = "SELECT COALESCE(MIN(id), 0) FROM complaint WHERE (contact_index = ? OR case_id = ?)",
    [Q_CASE_BUREAU] = "SELECT c.bureau_id, b.path FROM service_case c JOIN bureau b ON b.id = c.bureau_id "
                      "WHERE c.id = ?",
    [Q_STAFF_BUREAU] = "SELECT bureau_id FROM staff WHERE id = ?",
    [Q_ASSIGN] = "UPDATE complaint SET state = 2, assignee_staff_id = ?, updated_at = ? WHERE id = ?",
    [Q_REPLY] = "UPDATE complaint SET state = 3, reply = ?, replied_at = ?, replied_by = ?, updated_at = ? "
                "WHERE id = ? AND state = 2",
    [Q_RATE] = "UPDATE complaint SET satisfaction = ?, updated_at = ? WHERE id = ? AND satisfaction IS NULL",
    /* The queue: open complaints by due time, then the replied ones. */
    [Q_LIST] = COMPLAINT_SELECT "WHERE b.path LIKE (CAST(? AS TEXT) || '%') AND (? = 0 OR x.state = ?) "
                                "AND (? = 0 OR x.category = ?) AND " QUEUE_AFTER(DONE, "x.due_at", "x.id")
                                "ORDER BY " DONE ", x.due_at, x.id LIMIT ?",
    [Q_BY_CATEGORY] = "SELECT x.category, COUNT(*) FROM complaint x WHERE " IN_SCOPE PERIOD
                      "GROUP BY x.category ORDER BY x.category",
    [Q_BY_BUREAU] = "SELECT x.bureau_id, COUNT(*) FROM complaint x WHERE " IN_SCOPE PERIOD
                    "GROUP BY x.bureau_id ORDER BY x.bureau_id",
    [Q_BY_MONTH] = "SELECT x.month, COUNT(*) FROM complaint x WHERE " IN_SCOPE PERIOD
                   "GROUP BY x.month ORDER BY x.month",
    [Q_TOTALS] =
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN x.repeat_of IS NOT NULL THEN 1 ELSE 0 END), 0), "
        "COALESCE(SUM(CASE WHEN x.replied_at IS NOT NULL THEN 1 ELSE 0 END), 0), "
        "COALESCE(SUM(CASE WHEN x.replied_at IS NOT NULL AND x.replied_at <= x.due_at THEN 1 ELSE 0 END), 0) "
        "FROM complaint x WHERE " IN_SCOPE PERIOD,
    [Q_SATISFACTION] = "SELECT x.satisfaction, COUNT(*) FROM complaint x WHERE " IN_SCOPE PERIOD
                       "AND x.satisfaction IS NOT NULL GROUP BY x.satisfaction ORDER BY x.satisfaction",
};

static const char *const category_names[] = {
    [1] = "cumbersome_procedure", [2] = "delay",  [3] = "attitude",
    [4] = "corruption",           [5] = "policy", [6] = "other",
};
#define CATEGORY_COUNT 7

static const char *const state_names[] = {[1] = "received", [2] = "assigned", [3] = "replied"};

const char *lz_complaint_category_name(int category)
{
	return category > 0 && category < CATEGORY_COUNT ? category_names[category] : "unknown";
}

static int category_parse(const char *s)
{
	for (int i = 1; s && i < CATEGORY_COUNT; i++)
		if (strcmp(category_names[i], s) == 0)
			return i;
	return 0;
}

static int state_parse(const char *s)
{
	for (int i = 1; s && i <= 3; i++)
		if (strcmp(state_names[i], s) == 0)
			return i;
	return 0;
}

/* The local month of 't' as YYYYMM. */
static int64_t local_month(int64_t t)
{
	char d[11];
	lz_date_format(d, lz_calendar_local_day(t));
	return (int64_t)((d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0')) * 100 +
	       (d[5] - '0') * 10 + (d[6] - '0');
}

/* ---------------------------------------------------------------- filing */

/* The bureau of a complaint from what it links (see complaint.h). */
static int resolve_bureau(int64_t *bureau_id, int64_t *case_id, lz_ctx *ctx, const lz_complaint_input *in)
{
	bool public = ctx->actor.role == LZ_ROLE_PUBLIC;
	char path[128];
	lz_stmt *s = NULL;
	int64_t b = 0, staff_bureau = 0;
	int error;

	*case_id = 0;
	if (public && in->receipt_no && *in->receipt_no) {
		if ((error = lz_case__verify_code(case_id, ctx, in->receipt_no, in->check_code)) < 0)
			return error;
	} else if (public && in->case_id) {
		return lz_error_set(LZ_EINVALID, "case_id",
		                    "the public links its case by receipt number and check code");
	} else if (in->case_id) {
		*case_id = in->case_id;
	}
	if (*case_id) {
		if ((error = lz_stmt_prepare(&s, ctx->conn, sql[Q_CASE_BUREAU])) < 0 ||
		    (error = lz_stmt_bindv(s, "i", *case_id)) < 0)
			goto done;
		if ((error = lz_stmt_step(s)) == LZ_ROW &&
		    (public || lz_org_in_scope(ctx, lz_stmt_text(s, 1)))) {
			b = lz_stmt_int(s, 0);
			error = 0;
		} else if (error >= 0) {
			error = lz_error_set(LZ_EINVALID, "case_id", "there is no such case");
			goto done;
		}
		lz_stmt_finish(s);
		s = NULL;
	}
	if (in->staff_id) {
		if ((error = lz_exec_int(&staff_bureau, ctx->conn, sql[Q_STAFF_BUREAU], false, "i",
		                         in->staff_id)) < 0)
			goto done;
		if (!staff_bureau || (b && staff_bureau != b) ||
		    (in->bureau_id && staff_bureau != in->bureau_id)) {
			error = lz_error_set(LZ_EINVALID, "staff_id",
			                     "staff_id must be a staff member of the bureau concerned");
			goto done;
		}
		if (!b)
			b = staff_bureau;
	}
	if (in->bureau_id && b && in->bureau_id != b) {
		error = lz_error_set(LZ_EINVALID, "bureau_id",
		                     "bureau_id must be the bureau of the case or staff member");
		goto done;
	}
	if (!b)
		b = in->bureau_id;
	if (!b) {
		error = lz_error_set(LZ_EINVALID, "bureau_id", "name the bureau, a case or a staff member");
		goto done;
	}
	error = public ? lz_cases__bureau(path, NULL, ctx->conn, b, "bureau_id")
	               : lz_cases__bureau_in_scope(path, ctx, ctx->conn, b, "bureau_id");
	if (error == LZ_ENOTFOUND)
		error = lz_error_set(LZ_EINVALID, "bureau_id", "there is no such bureau");
	*bureau_id = b;
done:
	lz_stmt_finish(s);
	return error;
}

int lz_complaint_input_from_json(lz_complaint_input *in, json_t *obj)
{
	static const char *const known[] = {"category",      "bureau_id", "case_id",     "receipt_no",
	                                    "check_code",    "staff_id",  "description", "contact_name",
	                                    "contact_phone", NULL};
	int error;

	memset(in, 0, sizeof(*in));
	if ((error = lz_json_only(obj, known)) < 0 ||
	    (error = lz_json_str(&in->category, obj, "category", true, 32)) < 0 ||
	    (error = lz_json_int(&in->bureau_id, NULL, obj, "bureau_id", false)) < 0 ||
	    (error = lz_json_int(&in->case_id, NULL, obj, "case_id", false)) < 0 ||
	    (error = lz_json_str(&in->receipt_no, obj, "receipt_no", false, LZ_CASE_RECEIPT_MAX)) < 0 ||
	    (error = lz_json_str(&in->check_code, obj, "check_code", false, 32)) < 0 ||
	    (error = lz_json_int(&in->staff_id, NULL, obj, "staff_id", false)) < 0 ||
	    (error = lz_json_str(&in->description, obj, "description", true, LZ_COMPLAINT_TEXT_MAX)) < 0 ||
	    (error = lz_json_str(&in->contact_name, obj, "contact_name", false, 64)) < 0 ||
	    (error = lz_json_str(&in->contact_phone, obj, "contact_phone", false, 32)) < 0)
		return error;
	return 0;
}

int lz_complaint_file(lz_complaint_receipt *out, lz_ctx *ctx, const lz_complaint_input *in)
{
	lz_write tx = LZ_WRITE_INIT;
	char phone[21] = "";
	uint8_t index[LZ_PDATA_INDEX_LEN];
	lz_calendar cal = {0};
	lz_stmt *s = NULL;
	int64_t now = lz_ctx_now(ctx), bureau_id = 0, case_id = 0, repeat = 0, due, id = 0;
	int category, error;
	json_t *after = NULL;

	memset(out, 0, sizeof(*out));
	if ((error = lz_auth_require(ctx, LZ_PERM_COMPLAINT_FILE)) < 0)
		return error;
	if (!(category = category_parse(in->category)))
		return lz_error_set(
		    LZ_EINVALID, "category",
		    "category must be cumbersome_procedure, delay, attitude, corruption, policy or other");
	if ((error = lz_text_check("description", in->description, true, LZ_COMPLAINT_TEXT_MAX, 0)) < 0 ||
	    (error = lz_text_check("contact_name", in->contact_name, false, 64, 0)) < 0 ||
	    (in->contact_phone && *in->contact_phone &&
	     (error = lz_cases__phone(phone, "contact_phone", in->contact_phone)) < 0))
		goto done;
	if ((error = lz_write_begin(&tx, ctx)) < 0 ||
	    (error = resolve_bureau(&bureau_id, &case_id, ctx, in)) < 0 ||
	    (error = lz_cases__calendar(&cal, ctx->conn, bureau_id)) < 0)
		goto done;
	due = lz_calendar_working_days_after(&cal, now, LZ_COMPLAINT_TARGET_WORKING_DAYS);
	if (phone[0])
		lz_pdata_index(index, ctx->app->keys.pd_index_key, "phone", phone, strlen(phone));
	if ((phone[0] || case_id) && (error = lz_exec_int(&repeat, ctx->conn, sql[Q_REPEAT], true, "bI",
	                                                  phone[0] ? (const void *)index : (const void *)"",
	                                                  phone[0] ? sizeof(index) : (size_t)0, case_id)) < 0)
		goto done;
	if ((error = lz_stmt_prepare(&s, ctx->conn, sql[Q_INSERT])) < 0 ||
	    (error = lz_stmt_bindv(s, "iiIIt", bureau_id, (int64_t)category, case_id, in->staff_id,
	                           in->description)) < 0 ||
	    (error = lz_cases__bind_sealed(s, 6, ctx, in->contact_name)) < 0 ||
	    (error = lz_cases__bind_sealed(s, 7, ctx, phone)) < 0 ||
	    (error = phone[0] ? lz_stmt_bind_blob(s, 8, index, sizeof(index)) : lz_stmt_bind_null(s, 8)) <
	        0 ||
	    (error = lz_stmt_bind_int(s, 9, now)) < 0 || (error = lz_stmt_bind_int(s, 10, due)) < 0 ||
	    (error = repeat ? lz_stmt_bind_int(s, 11, repeat) : lz_stmt_bind_null(s, 11)) < 0 ||
	    (error = lz_stmt_bind_int(s, 12, local_month(now))) < 0 ||
	    (error = lz_stmt_bind_int(s, 13, now)) < 0)
		goto done;
	if ((error = lz_stmt_step(s)) != LZ_ROW) {
		if (error >= 0)
			error = lz_error_set(LZ_EDB, NULL, "the store gave no id for the new complaint");
		goto done;
	}
	id = lz_stmt_int(s, 0);
	lz_stmt_finish(s);
	s = NULL;
	after = json_pack("{s:s, s:I, s:I, s:I, s:b, s:I}", "category", category_names[category], "bureau_id",
	                  (json_int_t)bureau_id, "case_id", (json_int_t)case_id, "staff_id",
	                  (json_int_t)in->staff_id, "contact_given", (int)(phone[0] != 0), "repeat_of",
	                  (json_int_t)repeat);
	if ((error = lz_audit_append(ctx, "complaint.file", "complaint", id, bureau_id, NULL, after)) < 0)
		goto done;
	out->id = id;
	out->due_at = due;
	out->repeat_of = repeat;
done:
	lz_stmt_finish(s);
	lz_calendar_dispose(&cal);
	lz_pdata_wipe(phone, sizeof(phone));
	json_decref(after);
	error = lz_write_end(&tx, ctx, error);
	if (error < 0)
		memset(out, 0, sizeof(*out));
	return error;
}

/* ---------------------------------------------------------------- handling */

typedef struct {
	int64_t id, bureau_id, assignee;
	int state;
	bool rated;
} complaint_row;

static int complaint_load(complaint_row *out, lz_ctx *ctx, int64_t id)
{
	lz_stmt *s = NULL;
	lz_conn *conn;
	int error;

	if ((error = lz_ctx_conn(&conn, ctx)) < 0 || (error = lz_stmt_prepare(&s, conn, sql[Q_GET])) < 0 ||
	    (error = lz_stmt_bindv(s, "i", id)) < 0)
		goto done;
	if ((error = lz_stmt_step(s)) == LZ_ROW && lz_org_in_scope(ctx, lz_stmt_text(s, C_PATH))) {
		out->id = id;
		out->bureau_id = lz_stmt_int(s, C_BUREAU);
		out->assignee = lz_stmt_int(s, C_ASSIGNEE);
		out->state = (int)lz_stmt_int(s, C_STATE);
		out->rated = !lz_stmt_is_null(s, C_SATISFACTION);
		error = 0;
	} else if (error >= 0) {
		error = lz_error_set(LZ_ENOTFOUND, NULL, "complaint %lld not found", (long long)id);
	}
done:
	lz_stmt_finish(s);
	return error;
}

static int complaint_conflict(const complaint_row *c, const char *needs)
{
	return lz_error_set(LZ_ECONFLICT, "state", "complaint %lld is %s; %s", (long long)c->id,
	                    state_names[c->state >= 1 && c->state <= 3 ? c->state : 1], needs);
}

static int audit_state(lz_ctx *ctx, const char *action, const complaint_row *c, int to, int64_t assignee)
{
	json_t *b = json_pack("{s:s, s:I}", "state", state_names[c->state], "assignee_staff_id",
	                      (json_int_t)c->assignee);
	json_t *a =
	    json_pack("{s:s, s:I}", "state", state_names[to], "assignee_staff_id", (json_int_t)assignee);
	int error = lz_audit_append(ctx, action, "complaint", c->id, c->bureau_id, b, a);
	json_decref(b);
	json_decref(a);
	return error;
}

int lz_complaint_assign(lz_ctx *ctx, int64_t id, int64_t staff_id)
{
	lz_write tx = LZ_WRITE_INIT;
	complaint_row c;
	int error;

	if ((error = lz_auth_require(ctx, LZ_PERM_COMPLAINT_HANDLE)) < 0)
		return error;
	if ((error = lz_write_begin(&tx, ctx)) < 0 || (error = complaint_load(&c, ctx, id)) < 0)
		goto done;
	if (c.state == 3) {
		error = complaint_conflict(&c, "a replied complaint is not assigned again");
		goto done;
	}
	if ((error = lz_cases__staff_check(ctx->conn, staff_id, c.bureau_id, "staff_id")) < 0 ||
	    (error = lz_exec_int(NULL, ctx->conn, sql[Q_ASSIGN], false, "iii", staff_id, lz_ctx_now(ctx),
	                         id)) < 0 ||
	    (error = audit_state(ctx, "complaint.assign", &c, 2, staff_id)) < 0)
		goto done;
done:
	return lz_write_end(&tx, ctx, error);
}

int lz_complaint_reply(lz_ctx *ctx, int64_t id, const char *reply)
{
	lz_write tx = LZ_WRITE_INIT;
	complaint_row c;
	int64_t person = 0, now = lz_ctx_now(ctx);
	int error;

	if ((error = lz_auth_require(ctx, LZ_PERM_COMPLAINT_HANDLE)) < 0 ||
	    (error = lz_text_check("reply", reply, true, LZ_COMPLAINT_TEXT_MAX, 0)) < 0)
		return error;
	if ((error = lz_write_begin(&tx, ctx)) < 0 || (error = complaint_load(&c, ctx, id)) < 0 ||
	    (error = lz_cases__person(&person, ctx, "reply to a complaint")) < 0)
		goto done;
	if (c.state != 2) {
		error = complaint_conflict(&c, "a reply needs an assigned complaint");
		goto done;
	}
	if ((error = lz_exec_int(NULL, ctx->conn, sql[Q_REPLY], false, "tiiii", reply, now, person, now,
	                         id)) < 0 ||
	    (error = audit_state(ctx, "complaint.reply", &c, 3, c.assignee)) < 0)
		goto done;
done:
	return lz_write_end(&tx, ctx, error);
}

int lz_complaint_rate(lz_ctx *ctx, int64_t id, int satisfaction)
{
	lz_write tx = LZ_WRITE_INIT;
	complaint_row c;
	json_t *a = NULL;
	int error;

	if ((error = lz_auth_require(ctx, LZ_PERM_COMPLAINT_HANDLE)) < 0)
		return error;
	if (satisfaction < 1 || satisfaction > 5)
		return lz_error_set(LZ_EINVALID, "satisfaction", "satisfaction must be 1 to 5");
	if ((error = lz_write_begin(&tx, ctx)) < 0 || (error = complaint_load(&c, ctx, id)) < 0)
		goto done;
	if (c.state != 3) {
		error = complaint_conflict(&c, "satisfaction is recorded after the reply");
		goto done;
	}
	if (c.rated) {
		error = complaint_conflict(&c, "its satisfaction is recorded already");
		goto done;
	}
	a = json_pack("{s:i}", "satisfaction", satisfaction);
	if ((error = lz_exec_int(NULL, ctx->conn, sql[Q_RATE], false, "iii", (int64_t)satisfaction,
	                         lz_ctx_now(ctx), id)) < 0 ||
	    (error = lz_audit_append(ctx, "complaint.rate", "complaint", id, c.bureau_id, NULL, a)) < 0)
		goto done;
done:
	json_decref(a);
	return lz_write_end(&tx, ctx, error);
}

/* ---------------------------------------------------------------- reading */

static json_t *row_json(lz_ctx *ctx, lz_stmt *s, bool contact)
{
	int state = (int)lz_stmt_int(s, C_STATE);
	int64_t now = lz_ctx_now(ctx), due = lz_stmt_int(s, C_DUE);
	int64_t replied = lz_stmt_int(s, C_REPLIED_AT);
	json_t *o = json_pack(
	    "{s:I, s:I, s:s, s:o, s:o, s:s, s:s, s:o, s:o, s:o, s:s, s:o, s:o, s:o, s:b}", "id",
	    (json_int_t)lz_stmt_int(s, C_ID), "bureau_id", (json_int_t)lz_stmt_int(s, C_BUREAU), "category",
	    lz_complaint_category_name((int)lz_stmt_int(s, C_CATEGORY)), "case_id",
	    lz_stmt_is_null(s, C_CASE) ? json_null() : json_integer(lz_stmt_int(s, C_CASE)), "staff_id",
	    lz_stmt_is_null(s, C_STAFF) ? json_null() : json_integer(lz_stmt_int(s, C_STAFF)), "description",
	    lz_stmt_text(s, C_DESCRIPTION), "state", state_names[state >= 1 && state <= 3 ? state : 1],
	    "assignee_staff_id",
	    lz_stmt_is_null(s, C_ASSIGNEE) ? json_null() : json_integer(lz_stmt_int(s, C_ASSIGNEE)),
	    "received_at", lz_json_time(lz_stmt_int(s, C_RECEIVED)), "due_at", lz_json_time(due), "reply",
	    lz_stmt_text(s, C_REPLY), "replied_at", lz_cases__time(replied), "satisfaction",
	    lz_stmt_is_null(s, C_SATISFACTION) ? json_null() : json_integer(lz_stmt_int(s, C_SATISFACTION)),
	    "repeat_of", lz_stmt_is_null(s, C_REPEAT) ? json_null() : json_integer(lz_stmt_int(s, C_REPEAT)),
	    "overdue", (int)(replied ? replied > due : now > due));

	if (contact) {
		char name[80], phone[24], m_name[32], m_phone[32] = "";
		if (lz_cases__open(name, sizeof(name), ctx, s, C_NAME_SEALED, "contact_name") < 0 ||
		    lz_cases__open(phone, sizeof(phone), ctx, s, C_PHONE_SEALED, "contact_phone") < 0) {
			json_object_set_new(o, "contact", json_null());
			return o;
		}
		if (name[0])
			lz_cases__mask_name(m_name, sizeof(m_name), name);
		else
			m_name[0] = '\0';
		if (phone[0])
			lz_pdata_mask_phone(m_phone, sizeof(m_phone), phone);
		lz_pdata_wipe(name, sizeof(name));
		lz_pdata_wipe(phone, sizeof(phone));
		json_object_set_new(o, "contact", json_pack("{s:s, s:s}", "name", m_name, "phone", m_phone));
	}
	return o;
}

int lz_complaint_get_json(json_t **out, lz_ctx *ctx, int64_t id)
{
	lz_conn *conn;
	lz_stmt *s = NULL;
	int error;

	*out = NULL;
	if ((error = lz_auth_require(ctx, LZ_PERM_COMPLAINT_HANDLE)) < 0 ||
	    (error = lz_ctx_conn(&conn, ctx)) < 0 || (error = lz_stmt_prepare(&s, conn, sql[Q_GET])) < 0 ||
	    (error = lz_stmt_bindv(s, "i", id)) < 0)
		goto done;
	if ((error = lz_stmt_step(s)) == LZ_ROW && lz_org_in_scope(ctx, lz_stmt_text(s, C_PATH))) {
		*out = row_json(ctx, s, true);
		error = 0;
	} else if (error >= 0) {
		error = lz_error_set(LZ_ENOTFOUND, NULL, "complaint %lld not found", (long long)id);
	}
done:
	lz_stmt_finish(s);
	return error;
}

/* The prefix of a bureau filter or of the scope. */
static int prefix_of(const char **out, lz_ctx *ctx, lz_conn *conn, int64_t bureau_id)
{
	char path[128];
	int error;

	*out = lz_cases__scope_prefix(ctx);
	if (!bureau_id)
		return 0;
	if ((error = lz_cases__bureau_in_scope(path, ctx, conn, bureau_id, "bureau_id")) < 0)
		return error;
	*out = lz_pool_strdup(ctx->pool, path);
	return 0;
}

int lz_complaint_list(json_t **out, lz_ctx *ctx, const lz_complaint_query *q)
{
	lz_conn *conn;
	lz_stmt *s = NULL;
	const char *prefix;
	json_t *items = NULL;
	lz_cases__queue_pos at;
	int limit = lz_cases__limit(q->limit), n = 0, state = 0, category = 0, error;

	*out = NULL;
	if ((error = lz_auth_require(ctx, LZ_PERM_COMPLAINT_HANDLE)) < 0 ||
	    (error = lz_cases__queue_cursor(&at, q->cursor)) < 0 || (error = lz_ctx_conn(&conn, ctx)) < 0 ||
	    (error = prefix_of(&prefix, ctx, conn, q->bureau_id)) < 0)
		return error;
	if (q->state && !(state = state_parse(q->state)))
		return lz_error_set(LZ_EINVALID, "state", "state must be received, assigned or replied");
	if (q->category && !(category = category_parse(q->category)))
		return lz_error_set(LZ_EINVALID, "category", "there is no such category");
	if ((error = lz_stmt_prepare(&s, conn, sql[Q_LIST])) < 0 ||
	    (error = lz_stmt_bindv(s, "tiiiiiiiiii", prefix, (int64_t)state, (int64_t)state, (int64_t)category,
	                           (int64_t)category, at.done, at.done, at.due, at.due, at.id, (int64_t)limit)) < 0)
		goto done;
	items = json_array();
	while ((error = lz_stmt_step(s)) == LZ_ROW) {
		json_array_append_new(items, row_json(ctx, s, false));
		at = (lz_cases__queue_pos){lz_stmt_int(s, C_STATE) == 3, lz_stmt_int(s, C_DUE), lz_stmt_int(s, C_ID)};
		n++;
	}
	if (error < 0)
		goto done;
	error = 0;
	*out = json_pack("{s:o, s:o}", "items", items, "next_cursor", lz_cases__queue_next(&at, n == limit));
	items = NULL;
done:
	lz_stmt_finish(s);
	json_decref(items);
	return error;
}

/* Runs one of the grouped queries into an array of {key: …, count: …}. */
static int grouped(json_t *into, lz_conn *conn, int which, const char *prefix, int64_t from, int64_t to,
                   const char *key, int64_t total)
{
	lz_stmt *s = NULL;
	int error;

	if ((error = lz_stmt_prepare(&s, conn, sql[which])) < 0 ||
	    (error = lz_stmt_bindv(s, "tii", prefix, from, to)) < 0)
		goto done;
	while ((error = lz_stmt_step(s)) == LZ_ROW) {
		int64_t k = lz_stmt_int(s, 0), n = lz_stmt_int(s, 1);
		json_t *kv;
		if (which == Q_BY_CATEGORY)
			kv = json_string(lz_complaint_category_name((int)k));
		else if (which == Q_BY_MONTH) {
			char m[48];
			snprintf(m, sizeof(m), "%04lld-%02lld", (long long)(k / 100), (long long)(k % 100));
			kv = json_string(m);
		} else
			kv = json_integer(k);
		json_array_append_new(
		    into, json_pack("{s:o, s:I, s:I}", key, kv, "count", (json_int_t)n, "permille",
		                    (json_int_t)(total ? (n * 1000 + total / 2) / total : 0)));
	}
	if (error > 0)
		error = 0;
done:
	lz_stmt_finish(s);
	return error;
}

int lz_complaint_analytics(json_t **out, lz_ctx *ctx, int64_t bureau_id, int64_t from, int64_t to)
{
	lz_conn *conn;
	lz_stmt *s = NULL;
	const char *prefix;
	int64_t total = 0, repeats = 0, replied = 0, on_time = 0, rated = 0, score_sum = 0;
	json_t *cats = NULL, *bureaus = NULL, *months = NULL, *scores = NULL;
	int error;

	*out = NULL;
	if ((error = lz_auth_require(ctx, LZ_PERM_COMPLAINT_HANDLE)) < 0 ||
	    (error = lz_ctx_conn(&conn, ctx)) < 0 || (error = prefix_of(&prefix, ctx, conn, bureau_id)) < 0)
		return error;
	if (to <= from)
		return lz_error_set(LZ_EINVALID, "to", "the period must end after it starts");
	if ((error = lz_stmt_prepare(&s, conn, sql[Q_TOTALS])) < 0 ||
	    (error = lz_stmt_bindv(s, "tii", prefix, from, to)) < 0 || (error = lz_stmt_step(s)) < 0)
		goto done;
	if (error == LZ_ROW) {
		total = lz_stmt_int(s, 0);
		repeats = lz_stmt_int(s, 1);
		replied = lz_stmt_int(s, 2);
		on_time = lz_stmt_int(s, 3);
	}
	lz_stmt_finish(s);
	s = NULL;
	cats = json_array();
	bureaus = json_array();
	months = json_array();
	scores = json_array();
	if ((error = grouped(cats, conn, Q_BY_CATEGORY, prefix, from, to, "category", total)) < 0 ||
	    (error = grouped(bureaus, conn, Q_BY_BUREAU, prefix, from, to, "bureau_id", total)) < 0 ||
	    (error = grouped(months, conn, Q_BY_MONTH, prefix, from, to, "month", total)) < 0)
		goto done;
	if ((error = lz_stmt_prepare(&s, conn, sql[Q_SATISFACTION])) < 0 ||
	    (error = lz_stmt_bindv(s, "tii", prefix, from, to)) < 0)
		goto done;
	while ((error = lz_stmt_step(s)) == LZ_ROW) {
		int64_t score = lz_stmt_int(s, 0), n = lz_stmt_int(s, 1);
		rated += n;
		score_sum += score * n;
		json_array_append_new(
		    scores, json_pack("{s:I, s:I}", "score", (json_int_t)score, "count", (json_int_t)n));
	}
	if (error < 0)
		goto done;
	error = 0;
	*out = json_pack("{s:I, s:I, s:I, s:I, s:o, s:o, s:o, s:{s:I, s:I, s:o}}", "total", (json_int_t)total,
	                 "repeats", (json_int_t)repeats, "replied", (json_int_t)replied, "replied_on_time",
	                 (json_int_t)on_time, "by_category", cats, "by_bureau", bureaus, "by_month", months,
	                 "satisfaction", "count", (json_int_t)rated, "sum", (json_int_t)score_sum, "by_score",
	                 scores);
	cats = bureaus = months = scores = NULL;
done:
	lz_stmt_finish(s);
	json_decref(cats);
	json_decref(bureaus);
	json_decref(months);
	json_decref(scores);
	return error;
}
