/*
 * case_list.c — the staff's list of cases (see cases.h, lz_case_list) and the
 * public's list of bureaus that take applications (lz_case_bureaus_offering).
 *
 * The list reads cases of the bureaus in scope (the actor's, or a bureau in scope
 * and those below it), newest first by (received_at, id) — a total order, so the
 * keyset cursor "<received_at>.<id>" of the last row read gives pages without
 * duplicates or gaps whatever is received meanwhile. Items carry nothing personal:
 * receipt, type, state, assignee and the clock, as the inbox does.
 *
 * A page reads, for each bureau in question, at most 'limit' rows of one range of
 * the index service_case_received (bureau_id, received_at) after the cursor, and
 * merges them here: O(bureaus × limit) rows, where one query over every bureau in
 * scope would sort all of a province's cases for its first page. A type or an
 * assignee belongs to one bureau, so with either filter only that bureau is read.
 *
 * 'overdue' is filtered in SQL from the stored clock columns (a running clock is
 * overdue when now is past due_at; a paused or stopped one when its used time
 * exceeds the target) and checked again against the clock computed for the item,
 * so an item never contradicts the filter; the cursor follows the rows read, so a
 * page may then hold fewer items than the limit while next_cursor is not null.
 */
#include "cases/cases_int.h"

#include "auth/auth.h"
#include "base/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { Q_LIST_BUREAUS, Q_LIST, Q_BUREAUS };

static const char *const sql[] = {
    /* The bureaus to read: in scope, and the type's and the assignee's when given. */
    [Q_LIST_BUREAUS] =
        "SELECT b.id FROM bureau b WHERE b.path LIKE (CAST(? AS TEXT) || '%') "
        "AND (? = 0 OR b.id IN (SELECT t.bureau_id FROM case_type t WHERE t.id = ?)) "
        "AND (? = 0 OR b.id IN (SELECT s.bureau_id FROM staff s WHERE s.id = ?)) ORDER BY b.id",
    [Q_LIST] = "SELECT c.id, c.receipt_no, c.type_id, t.code, c.state, c.clock_used, c.clock_mark, "
               "c.paused, c.due_at, c.received_at, c.bureau_id, c.sla_hours, c.clock_kind, "
               "c.assignee_staff_id, c.decided_at "
               "FROM service_case c JOIN case_type t ON t.id = c.type_id "
               "WHERE c.bureau_id = ? "
               "AND (? = 0 OR c.state = ?) AND (? = 0 OR c.type_id = ?) "
               "AND (? = 0 OR c.assignee_staff_id = ?) AND c.received_at >= ? AND c.received_at < ? "
               "AND (? < 0 OR ? = CASE WHEN c.paused = 0 AND c.decided_at IS NULL "
               "THEN (CASE WHEN c.due_at < ? THEN 1 ELSE 0 END) "
               "WHEN c.clock_used > c.sla_hours * 3600 THEN 1 ELSE 0 END) "
               "AND c.received_at <= ? AND (c.received_at < ? OR (c.received_at = ? AND c.id < ?)) "
               "ORDER BY c.received_at DESC, c.id DESC LIMIT ?",
    [Q_BUREAUS] =
        "SELECT b.id, b.code, b.name, p.code FROM bureau b LEFT JOIN bureau p ON p.id = b.parent_id "
        "WHERE EXISTS (SELECT 1 FROM case_type t WHERE t.bureau_id = b.id AND t.active = 1) "
        "ORDER BY b.code",
};

/* The columns of Q_LIST. */
enum {
	L_ID,
	L_RECEIPT,
	L_TYPE,
	L_CODE,
	L_STATE,
	L_USED,
	L_MARK,
	L_PAUSED,
	L_DUE,
	L_RECEIVED,
	L_BUREAU,
	L_SLA,
	L_CLOCK,
	L_ASSIGNEE,
	L_DECIDED
};

#define NO_BOUND (INT64_MAX / 4)

/* The state named 'name' (0 for NULL or ""), LZ_EINVALID naming "state" otherwise. */
static int state_of(int *out, const char *name)
{
	*out = 0;
	if (!name || !*name)
		return 0;
	for (int s = LZ_CASE_RECEIVED; s <= LZ_CASE_CLOSED; s++)
		if (strcmp(name, lz_case_state_name(s)) == 0) {
			*out = s;
			return 0;
		}
	return lz_error_set(LZ_EINVALID, "state", "there is no case state '%.40s'", name);
}

static int validate(int *state, const lz_case_query *q)
{
	if (q->limit < 1 || q->limit > LZ_CASES_LIST_MAX)
		return lz_error_set(LZ_EINVALID, "limit", "limit must be an integer from 1 to %d",
		                    LZ_CASES_LIST_MAX);
	if (q->bureau_id < 0)
		return lz_error_set(LZ_EINVALID, "bureau_id", "bureau_id must be a positive integer id");
	if (q->type_id < 0)
		return lz_error_set(LZ_EINVALID, "type_id", "type_id must be a positive integer id");
	if (q->assignee_staff_id < 0)
		return lz_error_set(LZ_EINVALID, "assignee", "assignee must be a positive integer id");
	if (q->overdue < -1 || q->overdue > 1)
		return lz_error_set(LZ_EINVALID, "overdue", "overdue must be true or false");
	if (q->from && q->to && q->to <= q->from)
		return lz_error_set(LZ_EINVALID, "to", "to must be after from");
	if (q->after_id < 0)
		return lz_error_set(LZ_EINVALID, "cursor", "cursor is not one this list gave");
	return state_of(state, q->state);
}

/* The clock columns of the list's rows. */
static const lz_cases__clock_cols list_cols = {L_USED, L_MARK,   L_PAUSED, L_DECIDED,
                                               L_DUE,  L_BUREAU, L_SLA,    L_CLOCK};

static json_t *list_row(lz_stmt *s, const lz_case_clock *k)
{
	return json_pack("{s:I, s:I, s:s, s:I, s:s, s:s, s:o, s:o, s:o, s:I, s:I, s:b, s:b}", "id",
	                 (json_int_t)lz_stmt_int(s, L_ID), "bureau_id", (json_int_t)lz_stmt_int(s, L_BUREAU),
	                 "receipt_no", lz_stmt_text(s, L_RECEIPT), "type_id",
	                 (json_int_t)lz_stmt_int(s, L_TYPE), "type_code", lz_stmt_text(s, L_CODE), "state",
	                 lz_case_state_name((int)lz_stmt_int(s, L_STATE)), "assignee_staff_id",
	                 lz_stmt_is_null(s, L_ASSIGNEE) ? json_null()
	                                                : json_integer(lz_stmt_int(s, L_ASSIGNEE)),
	                 "received_at", lz_json_time(lz_stmt_int(s, L_RECEIVED)), "due_at",
	                 lz_json_time(k->due_at), "clock_seconds", (json_int_t)k->used, "remaining_seconds",
	                 (json_int_t)k->remaining, "paused", (int)k->paused, "overdue", (int)k->overdue);
}

int lz_case_list_cursor(lz_case_query *q, const char *cursor)
{
	long long received, id;
	int used = 0;

	if (!cursor || sscanf(cursor, "%lld.%lld%n", &received, &id, &used) != 2 || cursor[used] != '\0' ||
	    id <= 0 || received <= -NO_BOUND || received >= NO_BOUND)
		return lz_error_set(LZ_EINVALID, "cursor", "cursor is not one this list gave");
	q->after_received = received;
	q->after_id = id;
	return 0;
}

/* A row read: its place in the order, and its item (NULL when the clock says it
 * does not match the overdue filter). */
typedef struct {
	int64_t received, id;
	json_t *item;
} list_row_read;

/* Newest first: received_at, then id, descending. */
static int newest_first(const void *a, const void *b)
{
	const list_row_read *x = a, *y = b;

	if (x->received != y->received)
		return x->received < y->received ? 1 : -1;
	return x->id < y->id ? 1 : x->id > y->id ? -1 : 0;
}

/* The ids of the bureaus to read (caller frees *out). */
static int list_bureaus(int64_t **out, size_t *n, lz_conn *conn, const char *prefix, const lz_case_query *q)
{
	lz_stmt *s = NULL;
	size_t cap = 0;
	int error;

	*out = NULL;
	*n = 0;
	if ((error = lz_stmt_prepare(&s, conn, sql[Q_LIST_BUREAUS])) < 0 ||
	    (error = lz_stmt_bindv(s, "tiiii", prefix, q->type_id, q->type_id, q->assignee_staff_id,
	                           q->assignee_staff_id)) < 0)
		goto done;
	while ((error = lz_stmt_step(s)) == LZ_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*out = lz_xrealloc(*out, cap * sizeof(**out));
		}
		(*out)[(*n)++] = lz_stmt_int(s, 0);
	}
	if (error > 0)
		error = 0;
done:
	lz_stmt_finish(s);
	return error;
}

int lz_case_list(json_t **out, lz_ctx *ctx, const lz_case_query *q)
{
	char path[128];
	const char *prefix;
	lz_conn *conn;
	lz_stmt *s = NULL;
	lz_cases__cal_cache cc = {0};
	list_row_read *rows = NULL;
	int64_t *bureaus = NULL, now = lz_ctx_now(ctx), upto;
	size_t nbureaus = 0, nrows = 0, caprows = 0, taken;
	json_t *items = NULL;
	int state, error;

	*out = NULL;
	if ((error = lz_auth_require(ctx, LZ_PERM_CASE_READ)) < 0 || (error = validate(&state, q)) < 0 ||
	    (error = lz_ctx_conn(&conn, ctx)) < 0)
		return error;
	prefix = lz_cases__scope_prefix(ctx);
	if (q->bureau_id) {
		if ((error = lz_cases__bureau_in_scope(path, ctx, conn, q->bureau_id, "bureau_id")) < 0)
			return error;
		prefix = path;
	}
	if ((error = list_bureaus(&bureaus, &nbureaus, conn, prefix, q)) < 0)
		goto done;
	/* The first 'limit' rows after the cursor of each bureau: the page is among them. */
	upto = q->after_id ? q->after_received : NO_BOUND;
	for (size_t b = 0; b < nbureaus; b++) {
		if ((error = lz_stmt_prepare(&s, conn, sql[Q_LIST])) < 0 ||
		    (error = lz_stmt_bindv(s, "iiiiiiiiiiiiiiiii", bureaus[b], (int64_t)state, (int64_t)state,
		                           q->type_id, q->type_id, q->assignee_staff_id, q->assignee_staff_id,
		                           q->from ? q->from : -NO_BOUND, q->to ? q->to : NO_BOUND,
		                           (int64_t)q->overdue, (int64_t)q->overdue, now, upto, upto, upto,
		                           q->after_id, (int64_t)q->limit)) < 0)
			goto done;
		while ((error = lz_stmt_step(s)) == LZ_ROW) {
			lz_case_clock k;
			if ((error = lz_cases__row_clock(&k, &cc, conn, s, &list_cols, now)) < 0)
				goto done;
			if (nrows == caprows) {
				caprows = caprows ? caprows * 2 : 64;
				rows = lz_xrealloc(rows, caprows * sizeof(*rows));
			}
			rows[nrows++] = (list_row_read){
			    lz_stmt_int(s, L_RECEIVED), lz_stmt_int(s, L_ID),
			    q->overdue < 0 || (int)k.overdue == q->overdue ? list_row(s, &k) : NULL};
		}
		lz_stmt_finish(s);
		s = NULL;
		if (error < 0)
			goto done;
	}
	error = 0;
	if (nrows)
		qsort(rows, nrows, sizeof(*rows), newest_first);
	taken = nrows < (size_t)q->limit ? nrows : (size_t)q->limit;
	items = json_array();
	for (size_t i = 0; i < taken; i++)
		if (rows[i].item)
			json_array_append(items, rows[i].item);
	*out = json_pack(
	    "{s:o, s:o}", "items", items, "next_cursor",
	    taken == (size_t)q->limit
	        ? json_string(lz_pool_printf(ctx->pool, "%lld.%lld", (long long)rows[taken - 1].received,
	                                     (long long)rows[taken - 1].id))
	        : json_null());
	items = NULL;
done:
	lz_stmt_finish(s);
	lz_calendar_dispose(&cc.cal);
	for (size_t i = 0; i < nrows; i++)
		json_decref(rows[i].item);
	free(rows);
	free(bureaus);
	json_decref(items);
	return error;
}

/* ---------------------------------------------------------------- bureaus offering types */

int lz_case_bureaus_offering(json_t **out, lz_ctx *ctx)
{
	lz_conn *conn;
	lz_stmt *s = NULL;
	json_t *items = NULL;
	int error;

	*out = NULL;
	if (ctx->actor.role != LZ_ROLE_PUBLIC && (error = lz_auth_require(ctx, LZ_PERM_CASE_READ)) < 0)
		return error;
	if ((error = lz_ctx_conn(&conn, ctx)) < 0 || (error = lz_stmt_prepare(&s, conn, sql[Q_BUREAUS])) < 0)
		goto done;
	items = json_array();
	while ((error = lz_stmt_step(s)) == LZ_ROW)
		json_array_append_new(
		    items, json_pack("{s:I, s:s, s:s, s:o}", "id", (json_int_t)lz_stmt_int(s, 0), "code",
		                     lz_stmt_text(s, 1), "name", lz_stmt_text(s, 2), "parent_code",
		                     lz_stmt_is_null(s, 3) ? json_null() : json_string(lz_stmt_text(s, 3))));
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
