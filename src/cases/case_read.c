/*
 * case_read.c — reading cases (see cases.h): the public lookup by receipt number
 * and check code (equal work on every path), the stored and the replayed derived
 * columns, a case as JSON with personal data masked, and the blind-index search.
 */
#include "cases/case_int.h"

#include "audit/audit.h"
#include "auth/auth.h"
#include "base/buf.h"
#include "base/crypto.h"
#include "base/json.h"
#include "base/pdata.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- lookup */

int lz_case__verify_code(int64_t *out_id, lz_ctx *ctx, const char *receipt_no, const char *check_code)
{
	static const uint8_t nothing[LZ_PDATA_INDEX_LEN];
	uint8_t hash[LZ_PDATA_INDEX_LEN];
	const void *stored = nothing;
	size_t len = 0;
	int64_t id = 0, decoy;
	lz_conn *conn;
	lz_stmt *s = NULL;
	bool ok, same_receipt = false;
	int error;

	*out_id = 0;
	/* The same work on every path: hash the code, read a case row by receipt (or a
	 * decoy row picked by the hash when there is no such receipt), compare. */
	lz_case__code_hash(hash, ctx, check_code);
	decoy = 1 + (int64_t)(((uint32_t)hash[0] << 16 | (uint32_t)hash[1] << 8 | hash[2]) % 1000000);
	receipt_no = receipt_no && strlen(receipt_no) < LZ_CASE_RECEIPT_MAX ? receipt_no : "";
	if ((error = lz_ctx_conn(&conn, ctx)) < 0 ||
	    (error = lz_stmt_prepare(&s, conn, lz_case__sql[Q_BY_RECEIPT])) < 0)
		return error;
	if ((error = lz_stmt_bindv(s, "ti", receipt_no, decoy)) < 0 || (error = lz_stmt_step(s)) < 0)
		goto done;
	if (error == LZ_ROW) {
		id = lz_stmt_int(s, 0);
		stored = lz_stmt_blob(s, 1, &len);
		if (len != LZ_PDATA_INDEX_LEN)
			stored = nothing;
		same_receipt = strcmp(lz_stmt_text(s, 2), receipt_no) == 0;
	}
	ok = lz_memeq(hash, stored, LZ_PDATA_INDEX_LEN) && same_receipt && id > 0 && check_code &&
	     strlen(check_code) == LZ_CASE_CODE_LEN;
	error = ok ? 0 : lz_error_set(LZ_ENOTFOUND, NULL, "no case has this receipt number and check code");
	if (ok)
		*out_id = id;
done:
	lz_stmt_finish(s);
	return error;
}

int lz_case_lookup(json_t **out, lz_ctx *ctx, const char *receipt_no, const char *check_code)
{
	int64_t id = 0;
	lz_conn *conn;
	lz_stmt *s = NULL;
	int error;

	*out = NULL;
	if (!lz_role_may(ctx->actor.role, LZ_PERM_CASE_LOOKUP) &&
	    (error = lz_auth_require(ctx, LZ_PERM_CASE_READ)) < 0)
		return error;
	if ((error = lz_case__verify_code(&id, ctx, receipt_no, check_code)) < 0)
		return error;
	if ((error = lz_ctx_conn(&conn, ctx)) < 0 ||
	    (error = lz_stmt_prepare(&s, conn, lz_case__sql[Q_CASE_GET])) < 0 ||
	    (error = lz_stmt_bindv(s, "i", id)) < 0)
		goto done;
	if ((error = lz_stmt_step(s)) == LZ_ROW) {
		int state = (int)lz_stmt_int(s, C_STATE), outcome = (int)lz_stmt_int(s, C_OUTCOME);
		*out = json_pack("{s:s, s:I, s:s, s:s, s:s, s:o, s:o, s:o, s:b}", "receipt_no",
		                 lz_stmt_text(s, C_RECEIPT), "type_id", (json_int_t)lz_stmt_int(s, C_TYPE),
		                 "type_code", lz_stmt_text(s, C_TYPE_CODE), "state",
		                 lz_case_state_name(state), "outcome", lz_case_outcome_name(outcome),
		                 "received_at", lz_json_time(lz_stmt_int(s, C_RECEIVED)), "due_at",
		                 lz_json_time(lz_stmt_int(s, C_DUE)), "decided_at",
		                 lz_cases__time(lz_stmt_int(s, C_DECIDED)), "waiting_for_applicant",
		                 (int)(state == LZ_CASE_EVIDENCE_REQUESTED));
		if (outcome == LZ_OUTCOME_REFUSED)
			json_object_set_new(*out, "reasons", json_string(lz_stmt_text(s, C_REASONS)));
		error = 0;
	} else if (error >= 0) {
		error = lz_case__not_found(id);
	}
done:
	lz_stmt_finish(s);
	return error;
}

/* ---------------------------------------------------------------- reading */

/* Whether the stored columns say what the events say. */
static bool same_derived(const lz_case_derived *a, const lz_case_derived *b)
{
	return a->state == b->state && a->outcome == b->outcome &&
	       a->assignee_staff_id == b->assignee_staff_id && a->clock_used == b->clock_used &&
	       a->clock_mark == b->clock_mark && a->due_at == b->due_at && a->decided_at == b->decided_at &&
	       a->clock_seconds == b->clock_seconds && a->closed_at == b->closed_at &&
	       a->paused == b->paused && a->event_count == b->event_count;
}

/* Replays case 'id' and stores what differs, inside the caller's write; 'because'
 * (may be NULL) says in the audit entry what moved it. */
static int recompute_stored(lz_case_derived *out, bool *changed, lz_ctx *ctx, int64_t id, const char *because)
{
	lz_case_derived stored;
	lz_case__row c;
	int64_t now = lz_ctx_now(ctx);
	int error;

	if ((error = lz_case__load(&c, ctx, id)) < 0 ||
	    (error = lz_case__derive(out, ctx->conn, &c, now)) < 0 ||
	    (error = lz_case__stored(&stored, ctx, id, now, true)) < 0)
		return error;
	if (!same_derived(&stored, out)) {
		json_t *a =
		    json_pack("{s:s, s:s}", "receipt_no", c.receipt, "state", lz_case_state_name(out->state));
		if (because)
			json_object_set_new(a, "because", json_string(because));
		if (changed)
			*changed = true;
		if ((error = lz_case__store_derived(ctx->conn, &c, out, now)) == 0)
			error = lz_audit_append(ctx, "case.recompute", "case", c.id, c.bureau_id, NULL, a);
		json_decref(a);
	}
	return error;
}

int lz_case_recompute(lz_case_derived *out, bool *changed, lz_ctx *ctx, int64_t id, bool write)
{
	lz_write tx = LZ_WRITE_INIT;
	lz_case__row c;
	int error;

	if (changed)
		*changed = false;
	if ((error = lz_auth_require(ctx, write ? LZ_PERM_CASE_HANDLE : LZ_PERM_CASE_READ)) < 0)
		return error;
	if (!write) {
		if ((error = lz_case__load(&c, ctx, id)) < 0)
			return error;
		return lz_case__derive(out, ctx->conn, &c, lz_ctx_now(ctx));
	}
	if ((error = lz_write_begin(&tx, ctx)) == 0)
		error = recompute_stored(out, changed, ctx, id, NULL);
	return lz_write_end(&tx, ctx, error);
}

int lz_case__refresh_working(int64_t *moved, lz_ctx *ctx, const char *path, int64_t from)
{
	int64_t ids[500], after = 0;
	int error;

	*moved = 0;
	for (;;) {
		lz_stmt *s = NULL;
		int n = 0;
		if ((error = lz_stmt_prepare(&s, ctx->conn, lz_case__sql[Q_OPEN_WORKING])) < 0 ||
		    (error = lz_stmt_bindv(s, "iiti", (int64_t)LZ_CLOCK_WORKING, from, path, after)) < 0) {
			lz_stmt_finish(s);
			return error;
		}
		while (n < 500 && (error = lz_stmt_step(s)) == LZ_ROW)
			ids[n++] = lz_stmt_int(s, 0);
		lz_stmt_finish(s);
		if (error < 0)
			return error;
		for (int i = 0; i < n; i++) {
			lz_case_derived d;
			bool changed = false;
			if ((error = recompute_stored(&d, &changed, ctx, ids[i], "calendar")) < 0)
				return error;
			*moved += changed;
		}
		if (n < 500)
			return 0;
		after = ids[n - 1];
	}
}

int lz_case_recompute_all(int64_t *checked, int64_t *changed, lz_ctx *ctx, int64_t bureau_id,
                          lz_case_changed_fn *on_changed, void *arg)
{
	char path[128], receipts[500][LZ_CASE_RECEIPT_MAX];
	const char *prefix = lz_cases__scope_prefix(ctx);
	int64_t ids[500], after = 0;
	lz_conn *conn;
	int error;

	*checked = *changed = 0;
	if ((error = lz_auth_require(ctx, LZ_PERM_CASE_HANDLE)) < 0 || (error = lz_ctx_conn(&conn, ctx)) < 0)
		return error;
	if (bureau_id) {
		if ((error = lz_cases__bureau_in_scope(path, ctx, conn, bureau_id, "bureau_id")) < 0)
			return error;
		prefix = path;
	}
	for (;;) {
		lz_stmt *s = NULL;
		int n = 0;
		if ((error = lz_stmt_prepare(&s, conn, lz_case__sql[Q_IDS_IN_SCOPE])) < 0 ||
		    (error = lz_stmt_bindv(s, "ti", prefix, after)) < 0) {
			lz_stmt_finish(s);
			return error;
		}
		while (n < 500 && (error = lz_stmt_step(s)) == LZ_ROW) {
			ids[n] = lz_stmt_int(s, 0);
			snprintf(receipts[n++], LZ_CASE_RECEIPT_MAX, "%s", lz_stmt_text(s, 1));
		}
		lz_stmt_finish(s);
		if (error < 0)
			return error;
		for (int i = 0; i < n; i++) {
			lz_case_derived d;
			bool moved = false;
			if ((error = lz_case_recompute(&d, &moved, ctx, ids[i], true)) < 0)
				return error;
			++*checked;
			*changed += moved;
			if (moved && on_changed)
				on_changed(arg, ids[i], receipts[i]);
		}
		if (n < 500)
			return 0;
		after = ids[n - 1];
	}
}

int lz_case_find_by_receipt(int64_t *out_id, lz_ctx *ctx, const char *receipt_no)
{
	lz_conn *conn;
	int error;

	*out_id = 0;
	if ((error = lz_auth_require(ctx, LZ_PERM_CASE_READ)) < 0)
		return error;
	if (!receipt_no || !*receipt_no || strlen(receipt_no) >= LZ_CASE_RECEIPT_MAX)
		return lz_error_set(LZ_EINVALID, "receipt_no", "a receipt number is 1 to 31 characters");
	if ((error = lz_ctx_conn(&conn, ctx)) < 0)
		return error;
	error = lz_exec_int(out_id, conn, lz_case__sql[Q_RECEIPT_IN_SCOPE], true, "tt", receipt_no,
	                    lz_cases__scope_prefix(ctx));
	if (error == LZ_ENOTFOUND)
		return lz_error_set(LZ_ENOTFOUND, "receipt_no", "no case in scope has this receipt number");
	return error;
}

int lz_case_stored(lz_case_derived *out, lz_ctx *ctx, int64_t id, int64_t at)
{
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = lz_auth_require(ctx, LZ_PERM_CASE_READ)) < 0)
		return error;
	return lz_case__stored(out, ctx, id, at, true);
}

int lz_case__stored(lz_case_derived *out, lz_ctx *ctx, int64_t id, int64_t at, bool scoped)
{
	lz_conn *conn;
	lz_stmt *s = NULL;
	lz_calendar cal = {0};
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = lz_ctx_conn(&conn, ctx)) < 0 ||
	    (error = lz_stmt_prepare(&s, conn, lz_case__sql[Q_CASE_GET])) < 0 ||
	    (error = lz_stmt_bindv(s, "i", id)) < 0)
		goto done;
	if ((error = lz_stmt_step(s)) != LZ_ROW ||
	    (scoped && !lz_org_in_scope(ctx, lz_stmt_text(s, C_PATH)))) {
		error = error < 0 ? error : lz_case__not_found(id);
		goto done;
	}
	{
		lz_case__row c;
		bool running;
		int64_t target, cur;
		lz_case__row_read(&c, s);
		out->state = c.state;
		out->outcome = c.outcome;
		out->assignee_staff_id = c.assignee;
		out->clock_used = lz_stmt_int(s, C_USED);
		out->clock_mark = lz_stmt_int(s, C_MARK);
		out->paused = lz_stmt_int(s, C_PAUSED) != 0;
		out->due_at = c.due_at;
		out->decided_at = c.decided_at;
		out->clock_seconds = lz_stmt_int(s, C_CLOCK_SECONDS);
		out->closed_at = lz_stmt_int(s, C_CLOSED);
		out->event_count = c.event_count;
		running = !out->paused && !out->decided_at;
		lz_stmt_finish(s);
		s = NULL;
		if (running && c.type.clock_kind == LZ_CLOCK_WORKING &&
		    (error = lz_cases__calendar(&cal, conn, c.bureau_id)) < 0)
			goto done;
		target = c.type.sla_hours * 3600;
		cur = out->clock_used +
		      (running ? lz_case__measure(&c.type, &cal, out->clock_mark, at ? at : lz_ctx_now(ctx))
		               : 0);
		out->clock = (lz_case_clock){cur,     target,      target - cur, out->due_at,
		                             running, out->paused, cur > target};
		error = 0;
	}
done:
	lz_stmt_finish(s);
	lz_calendar_dispose(&cal);
	return error;
}

static json_t *clock_json(const lz_case_clock *k)
{
	return json_pack("{s:I, s:I, s:I, s:o, s:b, s:b, s:b}", "used_seconds", (json_int_t)k->used,
	                 "target_seconds", (json_int_t)k->target, "remaining_seconds",
	                 (json_int_t)k->remaining, "due_at", lz_json_time(k->due_at), "running",
	                 (int)k->running, "paused", (int)k->paused, "overdue", (int)k->overdue);
}

int lz_case_get_json(json_t **out, lz_ctx *ctx, int64_t id)
{
	lz_case_derived d;
	lz_stmt *s = NULL;
	lz_case__row c;
	json_t *obj = NULL, *events = NULL, *approvals = NULL, *attachments = NULL;
	char name[80], doc[24], phone[24], email[256], m_name[32], m_doc[32], m_phone[32], m_email[300];
	int error;

	*out = NULL;
	if ((error = lz_auth_require(ctx, LZ_PERM_CASE_READ)) < 0 ||
	    (error = lz_case__load(&c, ctx, id)) < 0 || (error = lz_case_stored(&d, ctx, id, 0)) < 0)
		return error;
	if ((error = lz_stmt_prepare(&s, ctx->conn, lz_case__sql[Q_CASE_GET])) < 0 ||
	    (error = lz_stmt_bindv(s, "i", id)) < 0 || (error = lz_stmt_step(s)) != LZ_ROW) {
		error = error < 0 ? error : lz_case__not_found(id);
		goto done;
	}
	if ((error = lz_cases__open(name, sizeof(name), ctx, s, C_NAME_SEALED, "name")) < 0 ||
	    (error = lz_cases__open(doc, sizeof(doc), ctx, s, C_ID_SEALED, "id_number")) < 0 ||
	    (error = lz_cases__open(phone, sizeof(phone), ctx, s, C_PHONE_SEALED, "phone")) < 0 ||
	    (error = lz_cases__open(email, sizeof(email), ctx, s, C_EMAIL_SEALED, "email")) < 0)
		goto done;
	lz_cases__mask_name(m_name, sizeof(m_name), name);
	lz_cases__mask_document(m_doc, sizeof(m_doc), doc);
	if (phone[0])
		lz_pdata_mask_phone(m_phone, sizeof(m_phone), phone);
	else
		m_phone[0] = '\0';
	lz_cases__mask_email(m_email, sizeof(m_email), email);
	lz_pdata_wipe(name, sizeof(name));
	lz_pdata_wipe(doc, sizeof(doc));
	lz_pdata_wipe(phone, sizeof(phone));
	lz_pdata_wipe(email, sizeof(email));
	obj = json_pack(
	    "{s:I, s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:i, s:i, s:{s:s, s:s, "
	    "s:s, s:s}}",
	    "id", (json_int_t)c.id, "bureau_id", (json_int_t)c.bureau_id, "type_id", (json_int_t)c.type_id,
	    "type_code", c.type.code, "receipt_no", c.receipt, "channel", lz_case_channel_name(c.channel),
	    "state", lz_case_state_name(c.state), "outcome", lz_case_outcome_name(c.outcome), "reasons",
	    lz_stmt_text(s, C_REASONS), "received_at", lz_json_time(c.received_at), "decided_at",
	    lz_cases__time(c.decided_at), "assignee_staff_id",
	    c.assignee ? json_integer(c.assignee) : json_null(), "proxy_staff_id",
	    c.proxy ? json_integer(c.proxy) : json_null(), "approval_levels", c.levels, "approvals",
	    c.approvals, "applicant", "name", m_name, "id_number", m_doc, "phone", m_phone, "email", m_email);
	json_object_set_new(obj, "summary", json_string(lz_stmt_text(s, C_SUMMARY)));
	json_object_set_new(obj, "proposal",
	                    c.proposal ? json_string(lz_case_outcome_name(c.proposal)) : json_null());
	json_object_set_new(obj, "clock", clock_json(&d.clock));
	lz_stmt_finish(s);
	s = NULL;

	events = json_array();
	if ((error = lz_stmt_prepare(&s, ctx->conn, lz_case__sql[Q_EVENTS])) < 0 ||
	    (error = lz_stmt_bindv(s, "i", id)) < 0)
		goto done;
	while ((error = lz_stmt_step(s)) == LZ_ROW) {
		json_t *e = json_pack(
		    "{s:I, s:s, s:s, s:s, s:o, s:s, s:o, s:s}", "seq", (json_int_t)lz_stmt_int(s, 0), "kind",
		    lz_stmt_text(s, 1), "from", lz_case_state_name((int)lz_stmt_int(s, 2)), "to",
		    lz_case_state_name((int)lz_stmt_int(s, 3)), "actor_staff_id",
		    lz_stmt_is_null(s, 4) ? json_null() : json_integer(lz_stmt_int(s, 4)), "actor",
		    lz_stmt_text(s, 5), "at", lz_json_time(lz_stmt_int(s, 6)), "note", lz_stmt_text(s, 9));
		if (!lz_stmt_is_null(s, 7))
			json_object_set_new(e, "assignee_staff_id", json_integer(lz_stmt_int(s, 7)));
		if (lz_stmt_int(s, 8))
			json_object_set_new(e, "outcome",
			                    json_string(lz_case_outcome_name((int)lz_stmt_int(s, 8))));
		json_array_append_new(events, e);
	}
	lz_stmt_finish(s);
	s = NULL;
	if (error < 0)
		goto done;
	approvals = json_array();
	if ((error = lz_stmt_prepare(&s, ctx->conn, lz_case__sql[Q_APPROVALS])) < 0 ||
	    (error = lz_stmt_bindv(s, "i", id)) < 0)
		goto done;
	while ((error = lz_stmt_step(s)) == LZ_ROW)
		json_array_append_new(approvals, json_pack("{s:I, s:I, s:I, s:s, s:o}", "round",
		                                           (json_int_t)lz_stmt_int(s, 0), "level",
		                                           (json_int_t)lz_stmt_int(s, 1), "staff_id",
		                                           (json_int_t)lz_stmt_int(s, 2), "role",
		                                           lz_role_name((lz_role)lz_stmt_int(s, 3)), "at",
		                                           lz_json_time(lz_stmt_int(s, 4))));
	if (error < 0)
		goto done;
	lz_stmt_finish(s);
	s = NULL;
	attachments = json_array();
	if ((error = lz_stmt_prepare(&s, ctx->conn, lz_case__sql[Q_ATTACHMENTS])) < 0 ||
	    (error = lz_stmt_bindv(s, "i", id)) < 0)
		goto done;
	while ((error = lz_stmt_step(s)) == LZ_ROW)
		json_array_append_new(
		    attachments,
		    json_pack("{s:s, s:o, s:s, s:I, s:s}", "file", lz_stmt_text(s, 0), "material",
		              lz_stmt_is_null(s, 1) ? json_null() : json_integer(lz_stmt_int(s, 1)), "name",
		              lz_stmt_text(s, 2), "size", (json_int_t)lz_stmt_int(s, 3), "media_type",
		              lz_stmt_text(s, 4)));
	if (error < 0)
		goto done;
	error = 0;
	json_object_set_new(obj, "events", events);
	json_object_set_new(obj, "approval_history", approvals);
	json_object_set_new(obj, "attachments", attachments);
	events = approvals = attachments = NULL;
	*out = obj;
	obj = NULL;
done:
	lz_stmt_finish(s);
	json_decref(obj);
	json_decref(events);
	json_decref(approvals);
	json_decref(attachments);
	return error;
}

int lz_case_find_by_applicant(json_t **out, lz_ctx *ctx, const char *id_number)
{
	char doc[24];
	uint8_t index[LZ_PDATA_INDEX_LEN];
	lz_conn *conn;
	lz_stmt *s = NULL;
	json_t *list = NULL;
	int error, n = 0;

	*out = NULL;
	if ((error = lz_auth_require(ctx, LZ_PERM_CASE_READ)) < 0 ||
	    (error = lz_case__document(doc, ctx, id_number)) < 0)
		return error;
	lz_pdata_index(index, ctx->app->keys.pd_index_key, "id_number", doc, strlen(doc));
	lz_pdata_wipe(doc, sizeof(doc));
	if ((error = lz_ctx_conn(&conn, ctx)) < 0 ||
	    (error = lz_stmt_prepare(&s, conn, lz_case__sql[Q_BY_APPLICANT])) < 0 ||
	    (error = lz_stmt_bindv(s, "b", index, sizeof(index))) < 0)
		goto done;
	list = json_array();
	while ((error = lz_stmt_step(s)) == LZ_ROW) {
		if (!lz_org_in_scope(ctx, lz_stmt_text(s, 4)) || n >= 50)
			continue;
		n++;
		json_array_append_new(
		    list, json_pack("{s:I, s:s, s:s, s:o}", "id", (json_int_t)lz_stmt_int(s, 0), "receipt_no",
		                    lz_stmt_text(s, 1), "state", lz_case_state_name((int)lz_stmt_int(s, 2)),
		                    "received_at", lz_json_time(lz_stmt_int(s, 3))));
	}
	if (error >= 0) {
		error = 0;
		*out = list;
		list = NULL;
	}
done:
	lz_stmt_finish(s);
	json_decref(list);
	return error;
}
