/*
 * case_query.c — the reads that must stay fast at a million cases (see cases.h):
 * the staff inbox (one range of service_case_inbox), processing-time statistics
 * (one range of service_case_decided per bureau in scope, grouped and ranked in memory with
 * nearest-rank percentiles), their drill-down to the cases behind each figure, and
 * the page of one staff member.
 */
#include "cases/cases_int.h"

#include "auth/auth.h"
#include "base/json.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	Q_STAFF_PATH,
	Q_INBOX,
	Q_TYPES,
	Q_DECIDED,
	Q_RECEIVED,
	Q_PENDING,
	F_DECIDED,
	F_WITHIN,
	F_OVER,
	F_PENDING,
	F_RECEIVED,
	Q_STAFF_OPEN,
	Q_STAFF_DECIDED,
};

/* The bureaus in scope, for `c.bureau_id IN (…)`: each is one range of an index. */
#define IN_SCOPE "c.bureau_id IN (SELECT b.id FROM bureau b WHERE b.path LIKE (CAST(? AS TEXT) || '%')) "
#define TYPE_FILTER "AND (? = 0 OR c.type_id = ?) "

#define INBOX_SELECT                                                                                         \
	"SELECT c.id, c.receipt_no, c.type_id, t.code, c.state, c.clock_used, c.clock_mark, c.paused, "      \
	"c.due_at, c.received_at, c.bureau_id, c.sla_hours, c.clock_kind, c.pauses_on_applicant, "           \
	"c.decided_at, c.channel "                                                                           \
	"FROM service_case c JOIN case_type t ON t.id = c.type_id "

enum {
	I_ID,
	I_RECEIPT,
	I_TYPE,
	I_CODE,
	I_STATE,
	I_USED,
	I_MARK,
	I_PAUSED,
	I_DUE,
	I_RECEIVED,
	I_BUREAU,
	I_SLA,
	I_CLOCK,
	I_PAUSES,
	I_DECIDED,
	I_CHANNEL
};

#define DRILL_SELECT                                                                                         \
	"SELECT c.id, c.receipt_no, c.type_id, c.state, c.received_at, c.decided_at, c.clock_seconds, "      \
	"c.sla_hours FROM service_case c "

static const char *const sql[] = {
    [Q_STAFF_PATH] =
        "SELECT b.path, s.bureau_id FROM staff s JOIN bureau b ON b.id = s.bureau_id WHERE s.id = ?",
    [Q_INBOX] = INBOX_SELECT "WHERE c.assignee_staff_id = ? AND c.open = 1 AND "
                             "(c.due_at > ? OR (c.due_at = ? AND c.id > ?)) ORDER BY c.due_at, c.id LIMIT ?",
    [Q_TYPES] =
        "SELECT t.id, t.code, t.names, t.sla_hours, t.clock_kind FROM case_type t JOIN bureau b ON "
        "b.id = t.bureau_id WHERE b.path LIKE (CAST(? AS TEXT) || '%') AND (? = 0 OR t.id = ?) ORDER BY t.id",
    [Q_DECIDED] = "SELECT c.type_id, c.clock_seconds, c.id, c.sla_hours FROM service_case c WHERE " IN_SCOPE
                  "AND c.decided_at >= ? AND c.decided_at < ? " TYPE_FILTER,
    /* One range count of service_case_type_received per type in scope: a type's
     * cases are in the type's bureau, so the type's bureau is the scope test. */
    [Q_RECEIVED] =
        "SELECT t.id, (SELECT COUNT(*) FROM service_case c WHERE c.type_id = t.id AND "
        "c.received_at >= ? AND c.received_at < ?) FROM case_type t JOIN bureau b ON b.id = t.bureau_id "
        "WHERE b.path LIKE (CAST(? AS TEXT) || '%') AND (? = 0 OR t.id = ?) ORDER BY t.id",
    [Q_PENDING] = "SELECT c.type_id, c.received_at FROM service_case c WHERE " IN_SCOPE
                  "AND c.decided_at IS NULL AND c.received_at < ? " TYPE_FILTER
                  "UNION ALL SELECT c.type_id, c.received_at FROM service_case c WHERE " IN_SCOPE
                  "AND c.decided_at >= ? AND c.received_at < ? " TYPE_FILTER,
    [F_DECIDED] = DRILL_SELECT "WHERE " IN_SCOPE "AND c.decided_at >= ? AND c.decided_at < ? " TYPE_FILTER
                               "AND c.id > ? ORDER BY c.id LIMIT ?",
    [F_WITHIN] = DRILL_SELECT "WHERE " IN_SCOPE "AND c.decided_at >= ? AND c.decided_at < ? " TYPE_FILTER
                              "AND c.clock_seconds <= c.sla_hours * 3600 AND c.id > ? ORDER BY c.id LIMIT ?",
    [F_OVER] = DRILL_SELECT "WHERE " IN_SCOPE "AND c.decided_at >= ? AND c.decided_at < ? " TYPE_FILTER
                            "AND c.clock_seconds > c.sla_hours * 3600 AND c.id > ? ORDER BY c.id LIMIT ?",
    [F_PENDING] =
        DRILL_SELECT "WHERE " IN_SCOPE "AND (c.decided_at IS NULL OR c.decided_at >= ?) "
                     "AND c.received_at < ? AND c.received_at > ? AND c.received_at <= ? " TYPE_FILTER
                     "AND c.id > ? ORDER BY c.id LIMIT ?",
    [F_RECEIVED] = DRILL_SELECT "WHERE " IN_SCOPE "AND c.received_at >= ? AND c.received_at < ? " TYPE_FILTER
                                "AND c.id > ? ORDER BY c.id LIMIT ?",
    [Q_STAFF_OPEN] =
        INBOX_SELECT "WHERE c.assignee_staff_id = ? AND c.open = 1 ORDER BY c.due_at, c.id LIMIT 10000",
    [Q_STAFF_DECIDED] =
        "SELECT c.clock_seconds, c.id FROM service_case c WHERE c.assignee_staff_id = ? "
        "AND c.open = 0 AND c.decided_at >= ? AND c.decided_at < ? ORDER BY c.clock_seconds, c.id",
};

/* ---------------------------------------------------------------- percentiles */

size_t lz_nearest_rank_index(size_t n, int permille)
{
	size_t k;

	if (n == 0)
		return 0;
	k = ((size_t)permille * n + 999) / 1000; /* ceil(p·n) */
	if (k < 1)
		k = 1;
	if (k > n)
		k = n;
	return k - 1;
}

int64_t lz_nearest_rank(const int64_t *sorted, size_t n, int permille)
{
	return n ? sorted[lz_nearest_rank_index(n, permille)] : 0;
}

/* ---------------------------------------------------------------- clocks of rows */

/* The clock columns of INBOX_SELECT. */
static const lz_cases__clock_cols inbox_cols = {I_USED, I_MARK,   I_PAUSED, I_DECIDED,
                                                I_DUE,  I_BUREAU, I_SLA,    I_CLOCK};

static json_t *inbox_row(lz_stmt *s, const lz_case_clock *k)
{
	return json_pack("{s:I, s:s, s:s, s:I, s:s, s:s, s:o, s:o, s:I, s:I, s:b, s:b}", "id",
	                 (json_int_t)lz_stmt_int(s, I_ID), "receipt_no", lz_stmt_text(s, I_RECEIPT), "channel",
	                 lz_case_channel_name((int)lz_stmt_int(s, I_CHANNEL)),
	                 "type_id", (json_int_t)lz_stmt_int(s, I_TYPE), "type_code", lz_stmt_text(s, I_CODE),
	                 "state", lz_case_state_name((int)lz_stmt_int(s, I_STATE)), "received_at",
	                 lz_json_time(lz_stmt_int(s, I_RECEIVED)), "due_at", lz_json_time(k->due_at),
	                 "clock_seconds", (json_int_t)k->used, "remaining_seconds", (json_int_t)k->remaining,
	                 "paused", (int)k->paused, "overdue", (int)k->overdue);
}

/* The staff member 'id' when in scope: their bureau. */
static int staff_in_scope(int64_t *bureau_id, lz_ctx *ctx, lz_conn *conn, int64_t id)
{
	lz_stmt *s = NULL;
	int error;

	if ((error = lz_stmt_prepare(&s, conn, sql[Q_STAFF_PATH])) < 0 ||
	    (error = lz_stmt_bindv(s, "i", id)) < 0)
		goto done;
	if ((error = lz_stmt_step(s)) == LZ_ROW && lz_org_in_scope(ctx, lz_stmt_text(s, 0))) {
		if (bureau_id)
			*bureau_id = lz_stmt_int(s, 1);
		error = 0;
	} else if (error >= 0) {
		error = lz_error_set(LZ_ENOTFOUND, "staff_id", "staff %lld not found", (long long)id);
	}
done:
	lz_stmt_finish(s);
	return error;
}

int lz_case_inbox_cursor(lz_case_inbox_query *q, const char *cursor)
{
	long long due, id;
	int used = 0;

	if (!cursor || sscanf(cursor, "%lld.%lld%n", &due, &id, &used) != 2 || cursor[used] != '\0' ||
	    id <= 0)
		return lz_error_set(LZ_EINVALID, "cursor", "cursor is not one this list gave");
	q->after_due = due;
	q->after_id = id;
	return 0;
}

int lz_case_inbox(json_t **out, lz_ctx *ctx, const lz_case_inbox_query *q)
{
	lz_conn *conn;
	lz_stmt *s = NULL;
	lz_cases__cal_cache cc = {0};
	json_t *items = NULL;
	int64_t staff = q->staff_id, now = lz_ctx_now(ctx), last_due = 0, last_id = 0;
	int limit = lz_cases__limit(q->limit), n = 0, error;

	*out = NULL;
	if ((error = lz_auth_require(ctx, LZ_PERM_CASE_READ)) < 0)
		return error;
	if (!staff && (error = lz_cases__person(&staff, ctx, "have an inbox")) < 0)
		return error;
	if ((error = lz_ctx_conn(&conn, ctx)) < 0 || (error = staff_in_scope(NULL, ctx, conn, staff)) < 0)
		return error;
	if ((error = lz_stmt_prepare(&s, conn, sql[Q_INBOX])) < 0 ||
	    (error = lz_stmt_bindv(s, "iiiii", staff, q->after_id ? q->after_due : INT64_MIN / 2,
	                           q->after_id ? q->after_due : INT64_MIN / 2, q->after_id, (int64_t)limit)) <
	        0)
		goto done;
	items = json_array();
	while ((error = lz_stmt_step(s)) == LZ_ROW) {
		lz_case_clock k;
		if ((error = lz_cases__row_clock(&k, &cc, conn, s, &inbox_cols, now)) < 0)
			goto done;
		json_array_append_new(items, inbox_row(s, &k));
		last_due = lz_stmt_int(s, I_DUE);
		last_id = lz_stmt_int(s, I_ID);
		n++;
	}
	if (error < 0)
		goto done;
	error = 0;
	*out = json_pack("{s:o, s:o}", "items", items, "next_cursor",
	                 n == limit ? json_string(lz_pool_printf(ctx->pool, "%lld.%lld", (long long)last_due,
	                                                         (long long)last_id))
	                            : json_null());
	items = NULL;
done:
	lz_stmt_finish(s);
	lz_calendar_dispose(&cc.cal);
	json_decref(items);
	return error;
}

/* ---------------------------------------------------------------- statistics */

typedef struct {
	int64_t type_id, clock, id;
	int64_t target; /* the case's own target in seconds (the one it was received under) */
} decided_row;

/* (clock, id): a total order, so the k-th smallest is one case. */
static bool before(const decided_row *x, const decided_row *y)
{
	return x->clock < y->clock || (x->clock == y->clock && x->id < y->id);
}

static void swap_rows(decided_row *a, decided_row *b)
{
	decided_row t = *a;
	*a = *b;
	*b = t;
}

/*
 * Moves the k-th smallest of a[0..n) to a[k], the smaller ones before it and the
 * larger after (Hoare's selection, median-of-three pivots): O(n) on average, where
 * sorting a province-year of decisions cost most of the statistics' time.
 */
static void select_k(decided_row *a, size_t n, size_t k)
{
	size_t lo = 0, hi = n - 1;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2, i = lo, j = hi;
		decided_row pivot;
		if (before(&a[mid], &a[lo]))
			swap_rows(&a[mid], &a[lo]);
		if (before(&a[hi], &a[lo]))
			swap_rows(&a[hi], &a[lo]);
		if (before(&a[hi], &a[mid]))
			swap_rows(&a[hi], &a[mid]);
		pivot = a[mid];
		while (i <= j) {
			while (before(&a[i], &pivot))
				i++;
			while (before(&pivot, &a[j]))
				j--;
			if (i <= j) {
				swap_rows(&a[i], &a[j]);
				i++;
				if (j == 0)
					break;
				j--;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			break;
	}
}

/* The figures of one group (a type, or every type). */
typedef struct {
	int64_t type_id, target;
	int64_t decided, within, received, pending, ages[4];
	decided_row ranked[3]; /* the cases at the median, p80 and p93 */
} figures;

static const int rank_permille[3] = {500, 800, 930};

/* Finds the cases at the three ranks among the group's n rows (reordering them). */
static void rank_group(figures *f, decided_row *rows, size_t n)
{
	size_t from = 0;

	f->decided = (int64_t)n;
	for (int r = 0; r < 3 && n; r++) {
		size_t k = lz_nearest_rank_index(n, rank_permille[r]);
		if (k >= from) { /* the ranks ascend: the part below k is settled */
			select_k(rows + from, n - from, k - from);
			from = k;
		}
		f->ranked[r] = rows[k];
	}
}

static const int64_t age_bounds[5] = {0, 7 * 86400, 30 * 86400, 90 * 86400, INT64_MAX / 4};

static int age_bucket(int64_t age)
{
	for (int i = 0; i < 3; i++)
		if (age < age_bounds[i + 1])
			return i;
	return 3;
}

/* The index of the group of 'type_id' (groups sorted by type), or n. */
static size_t group_of(const figures *groups, size_t n, int64_t type_id)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (groups[mid].type_id < type_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && groups[lo].type_id == type_id ? lo : n;
}

static json_t *figures_json(const figures *f, int64_t period, bool drill)
{
	static const struct {
		const char *name;
	} ranks[] = {{"median"}, {"p80"}, {"p93"}};
	double monthly = period > 0 ? (double)f->received * (30.0 * 86400.0) / (double)period : 0;
	json_t *o =
	    json_pack("{s:I, s:I, s:I, s:I, s:[I, I, I, I], s:f}", "decided", (json_int_t)f->decided,
	              "within_target", (json_int_t)f->within, "received", (json_int_t)f->received, "pending",
	              (json_int_t)f->pending, "pending_ages", (json_int_t)f->ages[0], (json_int_t)f->ages[1],
	              (json_int_t)f->ages[2], (json_int_t)f->ages[3], "monthly_receipts", monthly);

	json_object_set_new(o, "within_target_permille",
	                    f->decided ? json_integer((f->within * 1000 + f->decided / 2) / f->decided)
	                               : json_null());
	json_object_set_new(o, "cycle_months",
	                    monthly > 0 ? json_real((double)f->pending / monthly) : json_null());
	for (size_t i = 0; i < sizeof(ranks) / sizeof(ranks[0]); i++) {
		char key[32];
		snprintf(key, sizeof(key), "%s_seconds", ranks[i].name);
		json_object_set_new(o, key, f->decided ? json_integer(f->ranked[i].clock) : json_null());
		if (drill) {
			snprintf(key, sizeof(key), "%s_case_id", ranks[i].name);
			json_object_set_new(o, key, f->decided ? json_integer(f->ranked[i].id) : json_null());
		}
	}
	if (f->target)
		json_object_set_new(o, "target_seconds", json_integer(f->target));
	if (drill)
		json_object_set_new(o, "drill_down",
		                    json_pack("{s:s, s:s, s:s, s:s, s:[s, s, s, s], s:s}", "decided",
		                              "decided", "within_target", "within_target", "over_target",
		                              "over_target", "pending", "pending", "pending_ages",
		                              "pending_age_0", "pending_age_1", "pending_age_2",
		                              "pending_age_3", "received", "received"));
	return o;
}

/* The scope prefix of a statistics query: its bureau, or the actor's scope. */
static int stats_prefix(const char **out, lz_ctx *ctx, lz_conn *conn, const lz_case_stats_query *q)
{
	char path[128];
	int error;

	*out = lz_cases__scope_prefix(ctx);
	if (q->to <= q->from)
		return lz_error_set(LZ_EINVALID, "to", "the period must end after it starts");
	if (q->to - q->from > 5 * 366 * INT64_C(86400))
		return lz_error_set(LZ_EINVALID, "to", "a period is at most five years");
	if (!q->bureau_id)
		return 0;
	if ((error = ctx->actor.role == LZ_ROLE_PUBLIC
	                 ? lz_cases__bureau(path, NULL, conn, q->bureau_id, "bureau_id")
	                 : lz_cases__bureau_in_scope(path, ctx, conn, q->bureau_id, "bureau_id")) < 0)
		return error;
	*out = lz_pool_strdup(ctx->pool, path);
	return 0;
}

static int stats_require(lz_ctx *ctx)
{
	return ctx->actor.role == LZ_ROLE_PUBLIC ? 0 : lz_auth_require(ctx, LZ_PERM_CASE_READ);
}

int lz_case_stats(json_t **out, lz_ctx *ctx, const lz_case_stats_query *q)
{
	lz_conn *conn;
	lz_stmt *s = NULL;
	const char *prefix;
	decided_row *rows = NULL, *grouped = NULL;
	size_t *starts = NULL;
	figures *groups = NULL, total;
	size_t nrows = 0, caprows = 0, ngroups = 0;
	json_t *types = NULL, *result = NULL;
	int64_t now = lz_ctx_now(ctx), as_of = q->to < now ? q->to : now;
	bool drill = ctx->actor.role != LZ_ROLE_PUBLIC;
	int error;

	*out = NULL;
	memset(&total, 0, sizeof(total));
	if ((error = stats_require(ctx)) < 0 || (error = lz_ctx_conn(&conn, ctx)) < 0 ||
	    (error = stats_prefix(&prefix, ctx, conn, q)) < 0)
		return error;

	/* The types in scope, each a group. */
	types = json_array();
	if ((error = lz_stmt_prepare(&s, conn, sql[Q_TYPES])) < 0 ||
	    (error = lz_stmt_bindv(s, "tii", prefix, q->type_id, q->type_id)) < 0)
		goto done;
	while ((error = lz_stmt_step(s)) == LZ_ROW) {
		json_t *names = json_loads(lz_stmt_text(s, 2), 0, NULL);
		groups = lz_xrealloc(groups, (ngroups + 1) * sizeof(*groups));
		memset(&groups[ngroups], 0, sizeof(*groups));
		groups[ngroups].type_id = lz_stmt_int(s, 0);
		groups[ngroups].target = lz_stmt_int(s, 3) * 3600;
		json_array_append_new(
		    types, json_pack("{s:I, s:s, s:o, s:I, s:s}", "type_id", (json_int_t)lz_stmt_int(s, 0),
		                     "code", lz_stmt_text(s, 1), "names", names ? names : json_object(),
		                     "sla_hours", (json_int_t)lz_stmt_int(s, 3), "clock_kind",
		                     lz_stmt_int(s, 4) == LZ_CLOCK_WORKING ? "working" : "elapsed"));
		ngroups++;
	}
	lz_stmt_finish(s);
	s = NULL;
	if (error < 0)
		goto done;

	/* Decided in the period: one index range per bureau, sorted here. */
	if ((error = lz_stmt_prepare(&s, conn, sql[Q_DECIDED])) < 0 ||
	    (error = lz_stmt_bindv(s, "tiiii", prefix, q->from, q->to, q->type_id, q->type_id)) < 0)
		goto done;
	while ((error = lz_stmt_step(s)) == LZ_ROW) {
		if (nrows == caprows) {
			caprows = caprows ? caprows * 2 : 1024;
			rows = lz_xrealloc(rows, caprows * sizeof(*rows));
		}
		rows[nrows++] = (decided_row){lz_stmt_int(s, 0), lz_stmt_int(s, 1), lz_stmt_int(s, 2),
		                              lz_stmt_int(s, 3) * 3600};
	}
	lz_stmt_finish(s);
	s = NULL;
	if (error < 0)
		goto done;
	/* Group by type with a counting pass (types are sorted by id), then rank. */
	grouped = lz_xmalloc((nrows ? nrows : 1) * sizeof(*grouped));
	starts = lz_xcalloc(ngroups + 1, sizeof(*starts));
	for (size_t i = 0; i < nrows; i++) {
		size_t g = group_of(groups, ngroups, rows[i].type_id);
		rows[i].type_id = (int64_t)g; /* from here on: the group's index */
		if (g < ngroups)
			starts[g + 1]++;
	}
	for (size_t g = 0; g < ngroups; g++)
		starts[g + 1] += starts[g];
	{
		size_t *at = lz_xmalloc((ngroups + 1) * sizeof(*at));
		memcpy(at, starts, (ngroups + 1) * sizeof(*at));
		for (size_t i = 0; i < nrows; i++)
			if ((size_t)rows[i].type_id < ngroups)
				grouped[at[rows[i].type_id]++] = rows[i];
		free(at);
	}
	for (size_t g = 0; g < ngroups; g++) {
		size_t n = starts[g + 1] - starts[g];
		for (size_t i = starts[g]; i < starts[g + 1]; i++)
			groups[g].within += grouped[i].clock <= grouped[i].target;
		rank_group(&groups[g], grouped + starts[g], n);
	}

	/* Received in the period. */
	if ((error = lz_stmt_prepare(&s, conn, sql[Q_RECEIVED])) < 0 ||
	    (error = lz_stmt_bindv(s, "iitii", q->from, q->to, prefix, q->type_id, q->type_id)) < 0)
		goto done;
	while ((error = lz_stmt_step(s)) == LZ_ROW)
		for (size_t g = 0; g < ngroups; g++)
			if (groups[g].type_id == lz_stmt_int(s, 0))
				groups[g].received += lz_stmt_int(s, 1);
	lz_stmt_finish(s);
	s = NULL;
	if (error < 0)
		goto done;

	/* Pending as of min(now, end of period). */
	if ((error = lz_stmt_prepare(&s, conn, sql[Q_PENDING])) < 0 ||
	    (error = lz_stmt_bindv(s, "tiiitiiii", prefix, as_of, q->type_id, q->type_id, prefix, as_of,
	                           as_of, q->type_id, q->type_id)) < 0)
		goto done;
	while ((error = lz_stmt_step(s)) == LZ_ROW) {
		int64_t type = lz_stmt_int(s, 0);
		int b = age_bucket(as_of - lz_stmt_int(s, 1));
		for (size_t g = 0; g < ngroups; g++)
			if (groups[g].type_id == type) {
				groups[g].pending++;
				groups[g].ages[b]++;
				break;
			}
	}
	lz_stmt_finish(s);
	s = NULL;
	if (error < 0)
		goto done;

	/* Every type together: the same figures over all rows, sorted by clock. */
	for (size_t g = 0; g < ngroups; g++) {
		total.decided += groups[g].decided;
		total.within += groups[g].within;
		total.received += groups[g].received;
		total.pending += groups[g].pending;
		for (int b = 0; b < 4; b++)
			total.ages[b] += groups[g].ages[b];
	}
	{
		size_t i = 0;
		json_t *t;
		json_array_foreach(types, i, t)
		    json_object_set_new(t, "figures", figures_json(&groups[i], q->to - q->from, drill));
	}
	rank_group(&total, grouped, starts[ngroups]);
	result = json_pack("{s:o, s:o, s:o, s:o, s:o}", "from", lz_json_time(q->from), "to",
	                   lz_json_time(q->to), "as_of", lz_json_time(as_of), "types", types, "total",
	                   figures_json(&total, q->to - q->from, drill));
	types = NULL;
	*out = result;
	error = 0;
done:
	lz_stmt_finish(s);
	free(rows);
	free(grouped);
	free(starts);
	free(groups);
	json_decref(types);
	return error;
}

int lz_case_stats_cases(json_t **out, lz_ctx *ctx, const lz_case_stats_query *q, const char *figure,
                        int64_t after_id, int limit)
{
	lz_conn *conn;
	lz_stmt *s = NULL;
	const char *prefix;
	json_t *items = NULL;
	int64_t now = lz_ctx_now(ctx), as_of = q->to < now ? q->to : now, last = 0;
	int n = 0, error;

	*out = NULL;
	limit = lz_cases__limit(limit);
	if ((error = lz_auth_require(ctx, LZ_PERM_CASE_READ)) < 0 || (error = lz_ctx_conn(&conn, ctx)) < 0 ||
	    (error = stats_prefix(&prefix, ctx, conn, q)) < 0)
		return error;
	if (!figure)
		figure = "";
	if (strcmp(figure, "decided") == 0 || strcmp(figure, "within_target") == 0 ||
	    strcmp(figure, "over_target") == 0 || strcmp(figure, "received") == 0) {
		int which = strcmp(figure, "decided") == 0         ? F_DECIDED
		            : strcmp(figure, "within_target") == 0 ? F_WITHIN
		            : strcmp(figure, "over_target") == 0   ? F_OVER
		                                                   : F_RECEIVED;
		if ((error = lz_stmt_prepare(&s, conn, sql[which])) < 0 ||
		    (error = lz_stmt_bindv(s, "tiiiiii", prefix, q->from, q->to, q->type_id, q->type_id,
		                           after_id, (int64_t)limit)) < 0)
			goto done;
	} else if (strncmp(figure, "pending", 7) == 0) {
		int64_t lo = -1, hi = INT64_MAX / 4; /* age bounds: received in (as_of - hi, as_of - lo] */
		if (figure[7] == '\0') {
			lo = INT64_MIN / 4;
		} else if (strncmp(figure + 7, "_age_", 5) == 0 && figure[12] >= '0' && figure[12] <= '3' &&
		           figure[13] == '\0') {
			int b = figure[12] - '0';
			lo = age_bounds[b];
			hi = age_bounds[b + 1];
		} else {
			error = lz_error_set(LZ_EINVALID, "figure", "there is no figure '%.40s'", figure);
			goto done;
		}
		/* age = as_of - received_at, in [lo, hi) ⇔ received_at in (as_of - hi, as_of - lo] */
		if ((error = lz_stmt_prepare(&s, conn, sql[F_PENDING])) < 0 ||
		    (error = lz_stmt_bindv(s, "tiiiiiiii", prefix, as_of, as_of, as_of - hi,
		                           lo == INT64_MIN / 4 ? as_of : as_of - lo, q->type_id, q->type_id,
		                           after_id, (int64_t)limit)) < 0)
			goto done;
	} else {
		error = lz_error_set(LZ_EINVALID, "figure", "there is no figure '%.40s'", figure);
		goto done;
	}
	items = json_array();
	while ((error = lz_stmt_step(s)) == LZ_ROW) {
		json_array_append_new(
		    items,
		    json_pack("{s:I, s:s, s:I, s:s, s:o, s:o, s:o, s:I}", "id", (json_int_t)lz_stmt_int(s, 0),
		              "receipt_no", lz_stmt_text(s, 1), "type_id", (json_int_t)lz_stmt_int(s, 2),
		              "state", lz_case_state_name((int)lz_stmt_int(s, 3)), "received_at",
		              lz_json_time(lz_stmt_int(s, 4)), "decided_at",
		              lz_cases__time(lz_stmt_int(s, 5)), "clock_seconds",
		              lz_stmt_is_null(s, 6) ? json_null() : json_integer(lz_stmt_int(s, 6)),
		              /* the target the case is timed against: its own, from its receipt */
		              "target_seconds", (json_int_t)lz_stmt_int(s, 7) * 3600));
		last = lz_stmt_int(s, 0);
		n++;
	}
	if (error < 0)
		goto done;
	error = 0;
	*out = json_pack("{s:o, s:o}", "items", items, "next_cursor",
	                 n == limit ? json_integer(last) : json_null());
	items = NULL;
done:
	lz_stmt_finish(s);
	json_decref(items);
	return error;
}

/* ---------------------------------------------------------------- staff page */

int lz_case_staff_page(json_t **out, lz_ctx *ctx, int64_t staff_id, int64_t from, int64_t to)
{
	lz_conn *conn;
	lz_stmt *s = NULL;
	lz_cases__cal_cache cc = {0};
	int64_t now = lz_ctx_now(ctx), open = 0, overdue = 0, *clocks = NULL, *ids = NULL;
	size_t n = 0, cap = 0;
	int error;

	*out = NULL;
	if ((error = lz_auth_require(ctx, LZ_PERM_CASE_READ)) < 0)
		return error;
	if (to <= from)
		return lz_error_set(LZ_EINVALID, "to", "the period must end after it starts");
	if ((error = lz_ctx_conn(&conn, ctx)) < 0 || (error = staff_in_scope(NULL, ctx, conn, staff_id)) < 0)
		return error;
	if ((error = lz_stmt_prepare(&s, conn, sql[Q_STAFF_OPEN])) < 0 ||
	    (error = lz_stmt_bindv(s, "i", staff_id)) < 0)
		goto done;
	while ((error = lz_stmt_step(s)) == LZ_ROW) {
		lz_case_clock k;
		if ((error = lz_cases__row_clock(&k, &cc, conn, s, &inbox_cols, now)) < 0)
			goto done;
		open++;
		overdue += k.overdue;
	}
	lz_stmt_finish(s);
	s = NULL;
	if (error < 0)
		goto done;
	if ((error = lz_stmt_prepare(&s, conn, sql[Q_STAFF_DECIDED])) < 0 ||
	    (error = lz_stmt_bindv(s, "iii", staff_id, from, to)) < 0)
		goto done;
	while ((error = lz_stmt_step(s)) == LZ_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			clocks = lz_xrealloc(clocks, cap * sizeof(*clocks));
			ids = lz_xrealloc(ids, cap * sizeof(*ids));
		}
		clocks[n] = lz_stmt_int(s, 0);
		ids[n++] = lz_stmt_int(s, 1);
	}
	if (error < 0)
		goto done;
	error = 0;
	*out =
	    json_pack("{s:I, s:I, s:I, s:I, s:o, s:o}", "staff_id", (json_int_t)staff_id, "open",
	              (json_int_t)open, "overdue", (json_int_t)overdue, "decided", (json_int_t)n,
	              "median_seconds", n ? json_integer(lz_nearest_rank(clocks, n, 500)) : json_null(),
	              "median_case_id", n ? json_integer(ids[lz_nearest_rank_index(n, 500)]) : json_null());
done:
	lz_stmt_finish(s);
	lz_calendar_dispose(&cc.cal);
	free(clocks);
	free(ids);
	return error;
}
