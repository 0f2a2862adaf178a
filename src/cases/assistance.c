/*
 * assistance.c — case assistance by the ombudsman (see assistance.h): requests on
 * cases past their target, the action asked of the bureau, the outcome, systemic
 * causes, and the handoff to supervision.
 */
#include "cases/assistance.h"
#include "cases/cases_int.h"

#include "audit/audit.h"
#include "auth/auth.h"
#include "base/buf.h"
#include "base/json.h"
#include "org/org.h"

#include <stdio.h>
#include <string.h>

enum {
	Q_OPEN_FOR_CASE,
	Q_INSERT,
	Q_GET,
	Q_ASK,
	Q_CONCLUDE,
	Q_LIST,
	Q_CAUSE_COUNT,
	Q_ISSUE_UPSERT,
	Q_ISSUES,
	Q_ISSUE_GET,
	Q_ISSUE_HAND,
	Q_HANDOFF_INSERT,
	Q_HANDOFFS,
	Q_CASE_BUREAU,
};

#define DONE "(CASE WHEN a.state = 3 THEN 1 ELSE 0 END)"
#define DUE "COALESCE(a.action_deadline, a.received_at)"
#define REQUEST_SELECT                                                                                       \
	"SELECT a.id, a.bureau_id, a.case_id, a.reason, a.state, a.received_at, a.action, "                  \
	"a.action_deadline, "                                                                                \
	"a.outcome, a.outcome_note, a.cause_key, a.concluded_at, b.path, c.receipt_no, c.state "             \
	"FROM assistance_request a JOIN bureau b ON b.id = a.bureau_id JOIN service_case c ON c.id = "       \
	"a.case_id "

enum {
	C_ID,
	C_BUREAU,
	C_CASE,
	C_REASON,
	C_STATE,
	C_RECEIVED,
	C_ACTION,
	C_DEADLINE,
	C_OUTCOME,
	C_NOTE,
	C_CAUSE,
	C_CONCLUDED,
	C_PATH,
	C_RECEIPT,
	C_CASE_STATE
};

static const char *const sql[] = {
    [Q_OPEN_FOR_CASE] = "SELECT COUNT(*) FROM assistance_request WHERE case_id = ? AND state < 3",
    [Q_INSERT] = "INSERT INTO assistance_request(bureau_id, case_id, reason, state, received_at, updated_at) "
                 "VALUES (?, ?, ?, 1, ?, ?) RETURNING id",
    [Q_GET] = REQUEST_SELECT "WHERE a.id = ?",
    [Q_ASK] = "UPDATE assistance_request SET state = 2, asked_by = ?, asked_at = ?, action = ?, "
              "action_deadline = ?, updated_at = ? WHERE id = ?",
    [Q_CONCLUDE] = "UPDATE assistance_request SET state = 3, outcome = ?, outcome_note = ?, cause_key = ?, "
                   "concluded_by = ?, concluded_at = ?, updated_at = ? WHERE id = ?",
    /* The queue: open requests first — waiting on the bureau by the deadline it was
     * given, not yet asked by the time received — then the concluded ones. */
    [Q_LIST] = REQUEST_SELECT "WHERE b.path LIKE (CAST(? AS TEXT) || '%') AND (? = 0 OR a.state = ?) "
                              "AND " QUEUE_AFTER(DONE, DUE, "a.id") "ORDER BY " DONE ", " DUE ", a.id LIMIT ?",
    [Q_CAUSE_COUNT] = "SELECT COUNT(*), MIN(a.concluded_at), MAX(a.concluded_at) FROM assistance_request a "
                      "JOIN bureau b ON b.id = a.bureau_id WHERE a.cause_key = ? AND a.state = 3 "
                      "AND b.path LIKE (CAST(? AS TEXT) || '%')",
    [Q_ISSUE_UPSERT] =
        "INSERT INTO systemic_issue(bureau_id, cause_key, request_count, status, first_at, last_at) "
        "VALUES (?, ?, ?, 1, ?, ?) ON CONFLICT (bureau_id, cause_key) DO UPDATE SET "
        "request_count = excluded.request_count, last_at = excluded.last_at RETURNING id",
    [Q_ISSUES] =
        "SELECT i.id, i.bureau_id, i.cause_key, i.request_count, i.status, i.first_at, i.last_at, "
        "i.handed_at FROM systemic_issue i JOIN bureau b ON b.id = i.bureau_id "
        "WHERE b.path LIKE (CAST(? AS TEXT) || '%') AND (? = 0 OR i.status = ?) ORDER BY i.id LIMIT 500",
    [Q_ISSUE_GET] =
        "SELECT i.bureau_id, i.cause_key, i.request_count, i.status, b.path FROM systemic_issue i "
        "JOIN bureau b ON b.id = i.bureau_id WHERE i.id = ?",
    [Q_ISSUE_HAND] = "UPDATE systemic_issue SET status = 2, handed_at = ? WHERE id = ? AND status = 1",
    [Q_HANDOFF_INSERT] =
        "INSERT INTO supervision_handoff(bureau_id, source_kind, source_id, status, summary, "
        "handed_by, handed_at) VALUES (?, 'systemic_issue', ?, 'handed_to_supervision', ?, ?, ?) "
        "RETURNING id",
    [Q_HANDOFFS] =
        "SELECT h.id, h.bureau_id, h.source_kind, h.source_id, h.status, h.summary, h.handed_by, "
        "h.handed_at, h.consumed_at FROM supervision_handoff h JOIN bureau b ON b.id = h.bureau_id "
        "WHERE b.path LIKE (CAST(? AS TEXT) || '%') AND (? = '' OR h.status = ?) ORDER BY h.id LIMIT 500",
    [Q_CASE_BUREAU] = "SELECT bureau_id FROM service_case WHERE id = ?",
};

static const char *const state_names[] = {[1] = "received", [2] = "bureau_asked", [3] = "concluded"};
static const char *const outcome_names[] = {[0] = "none", [1] = "resolved", [2] = "not_resolved"};

static int state_parse(const char *s)
{
	for (int i = 1; s && i <= 3; i++)
		if (strcmp(state_names[i], s) == 0)
			return i;
	return 0;
}

/* ---------------------------------------------------------------- asking */

int lz_assistance_ask(int64_t *out_id, lz_ctx *ctx, const char *receipt_no, const char *check_code,
                      const char *reason)
{
	lz_write tx = LZ_WRITE_INIT;
	lz_case_derived d;
	int64_t case_id = 0, bureau_id = 0, open = 0, id = 0, now = lz_ctx_now(ctx);
	json_t *after = NULL;
	int error;

	if (out_id)
		*out_id = 0;
	if ((error = lz_auth_require(ctx, LZ_PERM_ASSISTANCE_ASK)) < 0 ||
	    (error = lz_text_check("reason", reason, true, LZ_ASSISTANCE_TEXT_MAX, 0)) < 0)
		return error;
	if ((error = lz_write_begin(&tx, ctx)) < 0 ||
	    (error = lz_case__verify_code(&case_id, ctx, receipt_no, check_code)) < 0 ||
	    (error = lz_case__stored(&d, ctx, case_id, now, false)) < 0)
		goto done;
	if (d.decided_at) {
		error = lz_error_set(LZ_ECONFLICT, NULL,
		                     "case %s is decided: assistance is for cases still waiting", receipt_no);
		goto done;
	}
	if (!d.clock.overdue) {
		char due[21];
		lz_time_format(due, d.due_at);
		error = lz_error_set(
		    LZ_ECONFLICT, NULL,
		    "case %s is within its target: %lld hours %lld minutes of its clock remain%s (due %s); "
		    "assistance can be asked once it is past its target",
		    receipt_no, (long long)(d.clock.remaining / 3600),
		    (long long)(d.clock.remaining % 3600 / 60),
		    d.clock.paused ? " while it waits for the applicant" : "", due);
		goto done;
	}
	if ((error = lz_exec_int(&open, ctx->conn, sql[Q_OPEN_FOR_CASE], true, "i", case_id)) < 0)
		goto done;
	if (open) {
		error = lz_error_set(LZ_ECONFLICT, NULL,
		                     "case %s has an assistance request under way already", receipt_no);
		goto done;
	}
	if ((error = lz_exec_int(&bureau_id, ctx->conn, sql[Q_CASE_BUREAU], true, "i", case_id)) < 0 ||
	    (error = lz_exec_int(&id, ctx->conn, sql[Q_INSERT], true, "iitii", bureau_id, case_id, reason,
	                         now, now)) < 0)
		goto done;
	after = json_pack("{s:I, s:s, s:I}", "case_id", (json_int_t)case_id, "state", "received",
	                  "overdue_seconds", (json_int_t)-d.clock.remaining);
	if ((error = lz_audit_append(ctx, "assistance.ask", "assistance_request", id, bureau_id, NULL,
	                             after)) < 0)
		goto done;
	if (out_id)
		*out_id = id;
done:
	json_decref(after);
	return lz_write_end(&tx, ctx, error);
}

/* ---------------------------------------------------------------- the ombudsman */

typedef struct {
	int64_t id, bureau_id, case_id;
	int state;
} request_row;

static int request_load(request_row *out, lz_ctx *ctx, int64_t id)
{
	lz_conn *conn;
	lz_stmt *s = NULL;
	int error;

	if ((error = lz_ctx_conn(&conn, ctx)) < 0 || (error = lz_stmt_prepare(&s, conn, sql[Q_GET])) < 0 ||
	    (error = lz_stmt_bindv(s, "i", id)) < 0)
		goto done;
	if ((error = lz_stmt_step(s)) == LZ_ROW && lz_org_in_scope(ctx, lz_stmt_text(s, C_PATH))) {
		out->id = id;
		out->bureau_id = lz_stmt_int(s, C_BUREAU);
		out->case_id = lz_stmt_int(s, C_CASE);
		out->state = (int)lz_stmt_int(s, C_STATE);
		error = 0;
	} else if (error >= 0) {
		error = lz_error_set(LZ_ENOTFOUND, NULL, "assistance request %lld not found", (long long)id);
	}
done:
	lz_stmt_finish(s);
	return error;
}

static int request_conflict(const request_row *r, const char *needs)
{
	return lz_error_set(LZ_ECONFLICT, "state", "assistance request %lld is %s; %s", (long long)r->id,
	                    state_names[r->state >= 1 && r->state <= 3 ? r->state : 1], needs);
}

int lz_assistance_ask_bureau(lz_ctx *ctx, int64_t id, const char *action, int64_t deadline)
{
	lz_write tx = LZ_WRITE_INIT;
	request_row r;
	int64_t person = 0, now = lz_ctx_now(ctx);
	json_t *a = NULL;
	int error;

	if ((error = lz_auth_require(ctx, LZ_PERM_ASSISTANCE_HANDLE)) < 0 ||
	    (error = lz_text_check("action", action, true, LZ_ASSISTANCE_TEXT_MAX, 0)) < 0)
		return error;
	if (deadline <= now)
		return lz_error_set(LZ_EINVALID, "deadline", "deadline must be in the future");
	if ((error = lz_write_begin(&tx, ctx)) < 0 || (error = request_load(&r, ctx, id)) < 0 ||
	    (error = lz_cases__person(&person, ctx, "ask a bureau to act")) < 0)
		goto done;
	if (r.state != 1) {
		error = request_conflict(&r, "the bureau is asked once, on a received request");
		goto done;
	}
	a = json_pack("{s:s, s:o}", "state", "bureau_asked", "deadline", lz_json_time(deadline));
	if ((error = lz_exec_int(NULL, ctx->conn, sql[Q_ASK], false, "iitiii", person, now, action, deadline,
	                         now, id)) < 0 ||
	    (error = lz_audit_append(ctx, "assistance.ask_bureau", "assistance_request", id, r.bureau_id,
	                             NULL, a)) < 0)
		goto done;
done:
	json_decref(a);
	return lz_write_end(&tx, ctx, error);
}

static int cause_check(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0)
		return 0;
	if (n < 2 || n > 64)
		return lz_error_set(LZ_EINVALID, "cause_key", "cause_key must have 2 to 64 characters");
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' ||
		      *p == '-'))
			return lz_error_set(LZ_EINVALID, "cause_key",
			                    "cause_key may hold only a-z, 0-9, '_', '.' and '-'");
	return 0;
}

/* Marks 'cause' systemic for the acting ombudsman's bureau when it recurs. */
static int systemic_check(lz_ctx *ctx, const char *cause)
{
	lz_stmt *s = NULL;
	int64_t count = 0, first = 0, last = 0, issue = 0;
	int error;

	if ((error = lz_stmt_prepare(&s, ctx->conn, sql[Q_CAUSE_COUNT])) < 0 ||
	    (error = lz_stmt_bindv(s, "tt", cause, lz_cases__scope_prefix(ctx))) < 0 ||
	    (error = lz_stmt_step(s)) < 0)
		goto done;
	if (error == LZ_ROW) {
		count = lz_stmt_int(s, 0);
		first = lz_stmt_int(s, 1);
		last = lz_stmt_int(s, 2);
	}
	lz_stmt_finish(s);
	s = NULL;
	error = 0;
	if (count < LZ_SYSTEMIC_MIN_REQUESTS || ctx->actor.bureau_id <= 0)
		goto done;
	if ((error = lz_exec_int(&issue, ctx->conn, sql[Q_ISSUE_UPSERT], true, "itiii", ctx->actor.bureau_id,
	                         cause, count, first, last)) < 0)
		goto done;
	{
		json_t *a = json_pack("{s:s, s:I, s:s}", "cause_key", cause, "request_count",
		                      (json_int_t)count, "status", "open");
		error = lz_audit_append(ctx, "systemic_issue.mark", "systemic_issue", issue,
		                        ctx->actor.bureau_id, NULL, a);
		json_decref(a);
	}
done:
	lz_stmt_finish(s);
	return error;
}

int lz_assistance_conclude(lz_ctx *ctx, int64_t id, const char *outcome, const char *note,
                           const char *cause_key)
{
	lz_write tx = LZ_WRITE_INIT;
	request_row r;
	int64_t person = 0, now = lz_ctx_now(ctx);
	int o, error;
	json_t *a = NULL;

	if ((error = lz_auth_require(ctx, LZ_PERM_ASSISTANCE_HANDLE)) < 0)
		return error;
	if (outcome && strcmp(outcome, "resolved") == 0)
		o = 1;
	else if (outcome && strcmp(outcome, "not_resolved") == 0)
		o = 2;
	else
		return lz_error_set(LZ_EINVALID, "outcome", "outcome must be resolved or not_resolved");
	if ((error = lz_text_check("note", note, true, LZ_ASSISTANCE_TEXT_MAX, 0)) < 0 ||
	    (error = cause_check(cause_key)) < 0)
		return error;
	if ((error = lz_write_begin(&tx, ctx)) < 0 || (error = request_load(&r, ctx, id)) < 0 ||
	    (error = lz_cases__person(&person, ctx, "conclude an assistance request")) < 0)
		goto done;
	if (r.state == 3) {
		error = request_conflict(&r, "it is concluded already");
		goto done;
	}
	a = json_pack("{s:s, s:s, s:s}", "state", "concluded", "outcome", outcome_names[o], "cause_key",
	              cause_key ? cause_key : "");
	if ((error = lz_exec_int(NULL, ctx->conn, sql[Q_CONCLUDE], false, "ittiiii", (int64_t)o, note,
	                         cause_key ? cause_key : "", person, now, now, id)) < 0 ||
	    (error = lz_audit_append(ctx, "assistance.conclude", "assistance_request", id, r.bureau_id, NULL,
	                             a)) < 0 ||
	    (cause_key && *cause_key && (error = systemic_check(ctx, cause_key)) < 0))
		goto done;
done:
	json_decref(a);
	return lz_write_end(&tx, ctx, error);
}

/* ---------------------------------------------------------------- reading */

static json_t *request_json(lz_stmt *s)
{
	int state = (int)lz_stmt_int(s, C_STATE), outcome = (int)lz_stmt_int(s, C_OUTCOME);
	return json_pack(
	    "{s:I, s:I, s:I, s:s, s:s, s:s, s:o, s:s, s:o, s:s, s:s, s:s, s:o}", "id",
	    (json_int_t)lz_stmt_int(s, C_ID), "bureau_id", (json_int_t)lz_stmt_int(s, C_BUREAU), "case_id",
	    (json_int_t)lz_stmt_int(s, C_CASE), "receipt_no", lz_stmt_text(s, C_RECEIPT), "case_state",
	    lz_case_state_name((int)lz_stmt_int(s, C_CASE_STATE)), "reason", lz_stmt_text(s, C_REASON),
	    "received_at", lz_json_time(lz_stmt_int(s, C_RECEIVED)), "state",
	    state_names[state >= 1 && state <= 3 ? state : 1], "action_deadline",
	    lz_cases__time(lz_stmt_int(s, C_DEADLINE)), "action", lz_stmt_text(s, C_ACTION), "outcome",
	    outcome_names[outcome >= 0 && outcome <= 2 ? outcome : 0], "cause_key", lz_stmt_text(s, C_CAUSE),
	    "concluded_at", lz_cases__time(lz_stmt_int(s, C_CONCLUDED)));
}

int lz_assistance_get_json(json_t **out, lz_ctx *ctx, int64_t id)
{
	lz_conn *conn;
	lz_stmt *s = NULL;
	int error;

	*out = NULL;
	if ((error = lz_auth_require(ctx, LZ_PERM_ASSISTANCE_HANDLE)) < 0 ||
	    (error = lz_ctx_conn(&conn, ctx)) < 0 || (error = lz_stmt_prepare(&s, conn, sql[Q_GET])) < 0 ||
	    (error = lz_stmt_bindv(s, "i", id)) < 0)
		goto done;
	if ((error = lz_stmt_step(s)) == LZ_ROW && lz_org_in_scope(ctx, lz_stmt_text(s, C_PATH))) {
		*out = request_json(s);
		error = 0;
	} else if (error >= 0) {
		error = lz_error_set(LZ_ENOTFOUND, NULL, "assistance request %lld not found", (long long)id);
	}
done:
	lz_stmt_finish(s);
	return error;
}

int lz_assistance_list(json_t **out, lz_ctx *ctx, const char *state, const char *cursor, int limit)
{
	lz_conn *conn;
	lz_stmt *s = NULL;
	json_t *items = NULL;
	lz_cases__queue_pos at;
	int st = 0, n = 0, error;

	*out = NULL;
	limit = lz_cases__limit(limit);
	if ((error = lz_auth_require(ctx, LZ_PERM_ASSISTANCE_HANDLE)) < 0 ||
	    (error = lz_cases__queue_cursor(&at, cursor)) < 0)
		return error;
	if (state && !(st = state_parse(state)))
		return lz_error_set(LZ_EINVALID, "state",
		                    "state must be received, bureau_asked or concluded");
	if ((error = lz_ctx_conn(&conn, ctx)) < 0 || (error = lz_stmt_prepare(&s, conn, sql[Q_LIST])) < 0 ||
	    (error = lz_stmt_bindv(s, "tiiiiiiii", lz_cases__scope_prefix(ctx), (int64_t)st, (int64_t)st, at.done,
	                           at.done, at.due, at.due, at.id, (int64_t)limit)) < 0)
		goto done;
	items = json_array();
	while ((error = lz_stmt_step(s)) == LZ_ROW) {
		json_array_append_new(items, request_json(s));
		at.done = lz_stmt_int(s, C_STATE) == 3;
		at.due = lz_stmt_is_null(s, C_DEADLINE) ? lz_stmt_int(s, C_RECEIVED) : lz_stmt_int(s, C_DEADLINE);
		at.id = lz_stmt_int(s, C_ID);
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

int lz_assistance_systemic_issues(json_t **out, lz_ctx *ctx, const char *status)
{
	lz_conn *conn;
	lz_stmt *s = NULL;
	json_t *items = NULL;
	int st = 0, error;

	*out = NULL;
	if ((error = lz_auth_require(ctx, LZ_PERM_ASSISTANCE_HANDLE)) < 0)
		return error;
	if (status && strcmp(status, "open") == 0)
		st = 1;
	else if (status && strcmp(status, "handed_to_supervision") == 0)
		st = 2;
	else if (status)
		return lz_error_set(LZ_EINVALID, "status", "status must be open or handed_to_supervision");
	if ((error = lz_ctx_conn(&conn, ctx)) < 0 || (error = lz_stmt_prepare(&s, conn, sql[Q_ISSUES])) < 0 ||
	    (error = lz_stmt_bindv(s, "tii", lz_cases__scope_prefix(ctx), (int64_t)st, (int64_t)st)) < 0)
		goto done;
	items = json_array();
	while ((error = lz_stmt_step(s)) == LZ_ROW)
		json_array_append_new(
		    items,
		    json_pack("{s:I, s:I, s:s, s:I, s:s, s:o, s:o, s:o}", "id", (json_int_t)lz_stmt_int(s, 0),
		              "bureau_id", (json_int_t)lz_stmt_int(s, 1), "cause_key", lz_stmt_text(s, 2),
		              "request_count", (json_int_t)lz_stmt_int(s, 3), "status",
		              lz_stmt_int(s, 4) == 2 ? "handed_to_supervision" : "open", "first_at",
		              lz_json_time(lz_stmt_int(s, 5)), "last_at", lz_json_time(lz_stmt_int(s, 6)),
		              "handed_at", lz_cases__time(lz_stmt_int(s, 7))));
	if (error < 0)
		goto done;
	error = 0;
	*out = items;
	items = NULL;
done:
	lz_stmt_finish(s);
	json_decref(items);
	return error;
}

int lz_assistance_handoff(int64_t *out_id, lz_ctx *ctx, int64_t issue_id, const char *summary)
{
	lz_write tx = LZ_WRITE_INIT;
	lz_stmt *s = NULL;
	int64_t person = 0, bureau_id = 0, status = 0, count = 0, id = 0, now = lz_ctx_now(ctx);
	char cause[72] = "";
	json_t *a = NULL;
	int error;

	if (out_id)
		*out_id = 0;
	if ((error = lz_auth_require(ctx, LZ_PERM_ASSISTANCE_HANDLE)) < 0 ||
	    (error = lz_text_check("summary", summary, true, LZ_ASSISTANCE_TEXT_MAX, 0)) < 0)
		return error;
	if ((error = lz_write_begin(&tx, ctx)) < 0 ||
	    (error = lz_cases__person(&person, ctx, "hand an issue to supervision")) < 0 ||
	    (error = lz_stmt_prepare(&s, ctx->conn, sql[Q_ISSUE_GET])) < 0 ||
	    (error = lz_stmt_bindv(s, "i", issue_id)) < 0)
		goto done;
	if ((error = lz_stmt_step(s)) == LZ_ROW && lz_org_in_scope(ctx, lz_stmt_text(s, 4))) {
		bureau_id = lz_stmt_int(s, 0);
		snprintf(cause, sizeof(cause), "%s", lz_stmt_text(s, 1));
		count = lz_stmt_int(s, 2);
		status = lz_stmt_int(s, 3);
		error = 0;
	} else if (error >= 0) {
		error =
		    lz_error_set(LZ_ENOTFOUND, NULL, "systemic issue %lld not found", (long long)issue_id);
	}
	lz_stmt_finish(s);
	s = NULL;
	if (error < 0)
		goto done;
	if (status != 1) {
		error =
		    lz_error_set(LZ_ECONFLICT, "status",
		                 "systemic issue %lld is handed to supervision already", (long long)issue_id);
		goto done;
	}
	a = json_pack("{s:s, s:I, s:s}", "cause_key", cause, "request_count", (json_int_t)count, "status",
	              "handed_to_supervision");
	if ((error = lz_exec_int(NULL, ctx->conn, sql[Q_ISSUE_HAND], false, "ii", now, issue_id)) < 0 ||
	    (error = lz_exec_int(&id, ctx->conn, sql[Q_HANDOFF_INSERT], true, "iitii", bureau_id, issue_id,
	                         summary, person, now)) < 0)
		goto done;
	json_object_set_new(a, "handoff_id", json_integer(id));
	if ((error = lz_audit_append(ctx, "systemic_issue.handoff", "systemic_issue", issue_id, bureau_id,
	                             NULL, a)) < 0)
		goto done;
	if (out_id)
		*out_id = id;
done:
	lz_stmt_finish(s);
	json_decref(a);
	return lz_write_end(&tx, ctx, error);
}

int lz_assistance_handoffs(json_t **out, lz_ctx *ctx, const char *status)
{
	lz_conn *conn;
	lz_stmt *s = NULL;
	json_t *items = NULL;
	int error;

	*out = NULL;
	if ((error = lz_auth_require(ctx, LZ_PERM_ASSISTANCE_HANDLE)) < 0)
		return error;
	if ((error = lz_ctx_conn(&conn, ctx)) < 0 ||
	    (error = lz_stmt_prepare(&s, conn, sql[Q_HANDOFFS])) < 0 ||
	    (error = lz_stmt_bindv(s, "ttt", lz_cases__scope_prefix(ctx), status ? status : "",
	                           status ? status : "")) < 0)
		goto done;
	items = json_array();
	while ((error = lz_stmt_step(s)) == LZ_ROW)
		json_array_append_new(
		    items,
		    json_pack("{s:I, s:I, s:s, s:I, s:s, s:s, s:I, s:o, s:o}", "id",
		              (json_int_t)lz_stmt_int(s, 0), "bureau_id", (json_int_t)lz_stmt_int(s, 1),
		              "source_kind", lz_stmt_text(s, 2), "source_id", (json_int_t)lz_stmt_int(s, 3),
		              "status", lz_stmt_text(s, 4), "summary", lz_stmt_text(s, 5), "handed_by",
		              (json_int_t)lz_stmt_int(s, 6), "handed_at", lz_json_time(lz_stmt_int(s, 7)),
		              "consumed_at", lz_cases__time(lz_stmt_int(s, 8))));
	if (error < 0)
		goto done;
	error = 0;
	*out = items;
	items = NULL;
done:
	lz_stmt_finish(s);
	json_decref(items);
	return error;
}
