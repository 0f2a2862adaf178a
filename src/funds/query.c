/*
 * query.c — the scoped lists of the funds module: allocations, projects, project
 * payments, programmes and payroll runs, a page at a time by id.
 *
 * Invariants kept here:
 * - Every list is scoped like every read: rows of bureaus whose path starts with the
 *   actor's (or with that of the bureau_id filter, which must itself be in scope).
 *   Lists bind the prefix to `bu.path LIKE (CAST(? AS TEXT) || '%')`.
 * - Filters are bound parameters; an absent filter binds 0 (or '') and a flag that
 *   switches its condition off, so each list is one static statement.
 * - A page asks for one row more than it shows, to know whether there is a next.
 * - Amounts shown are the stored integers of fen; a project's payable amount is the
 *   same integer arithmetic as project.c (lz_funds__stage_payable).
 */
#include "funds/funds_int.h"

#include "auth/auth.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/json.h"
#include "funds/beneficiary.h"
#include "funds/payroll.h"
#include "org/org.h"

#include <stdio.h>
#include <string.h>

enum {
	Q_ALLOCATIONS,
	Q_PROJECTS,
	Q_PROJECT_STAGES,
	Q_PROJECT_APPROVED,
	Q_PAYMENTS,
	Q_PROGRAMMES,
	Q_RUNS,
};

static const char *const sql[] = {
    [Q_ALLOCATIONS] = "SELECT a.id, a.bureau_id, a.parent_id, a.source, a.year, a.purpose, a.amount_fen, "
                      "a.children_fen, a.spent_fen, a.created_at, bu.name, bu.code "
                      "FROM allocation a JOIN bureau bu ON bu.id = a.bureau_id "
                      "WHERE bu.path LIKE (CAST(? AS TEXT) || '%') AND a.id > ? AND (? = 0 OR a.year = ?) "
                      "AND (? = 0 OR a.parent_id = ?) ORDER BY a.id LIMIT ?",
    [Q_PROJECTS] =
        "SELECT p.id, p.bureau_id, bu.name, p.name, p.kind, p.budget_fen, p.owner_staff_id, "
        "COALESCE(s.name, ''), p.contractor, p.allocation_id, p.created_at "
        "FROM project p JOIN bureau bu ON bu.id = p.bureau_id LEFT JOIN staff s ON s.id = p.owner_staff_id "
        "WHERE bu.path LIKE (CAST(? AS TEXT) || '%') AND p.id > ? AND (? = 0 OR p.kind = ?) "
        "AND (? = 0 OR p.name LIKE ? ESCAPE '\\') ORDER BY p.id LIMIT ?",
    [Q_PROJECT_STAGES] = "SELECT share_bp, COALESCE(accepted_inspection_id, 0), COALESCE(verified_pct, 0) "
                         "FROM project_stage WHERE project_id = ? ORDER BY seq",
    [Q_PROJECT_APPROVED] = "SELECT COALESCE(SUM(amount_fen), 0) FROM payment WHERE project_id = ? "
                           "AND status IN (2, 3)",
    [Q_PAYMENTS] =
        "SELECT p.id, p.bureau_id, p.project_id, pr.name, p.stage_id, st.seq, st.name, p.allocation_id, "
        "p.amount_fen, p.payee, p.status, p.maker_staff_id, COALESCE(ms.name, ''), "
        "COALESCE(ae.staff_id, 0), COALESCE(aps.name, ''), p.created_at, pe.detail "
        "FROM payment p JOIN bureau bu ON bu.id = p.bureau_id JOIN project pr ON pr.id = p.project_id "
        "JOIN project_stage st ON st.id = p.stage_id LEFT JOIN staff ms ON ms.id = p.maker_staff_id "
        "LEFT JOIN payment_event ae ON ae.payment_id = p.id AND ae.kind = 2 "
        "LEFT JOIN staff aps ON aps.id = ae.staff_id "
        "LEFT JOIN payment_event pe ON pe.payment_id = p.id AND pe.kind = 3 "
        "WHERE bu.path LIKE (CAST(? AS TEXT) || '%') AND p.id > ? AND (? = 0 OR p.project_id = ?) "
        "AND (? = 0 OR p.status = ?) ORDER BY p.id LIMIT ?",
    [Q_PROGRAMMES] =
        "SELECT g.id, g.bureau_id, g.name, g.amount_per_year_fen, g.years, g.periods_per_year, "
        "g.created_at, bu.name, (SELECT COUNT(*) FROM beneficiary x WHERE x.programme_id = g.id) "
        "FROM programme g JOIN bureau bu ON bu.id = g.bureau_id "
        "WHERE bu.path LIKE (CAST(? AS TEXT) || '%') AND g.id > ? ORDER BY g.id LIMIT ?",
    [Q_RUNS] =
        "SELECT r.id, r.bureau_id, r.programme_id, g.name, r.allocation_id, r.period_start, r.period_end, "
        "r.amount_fen, r.status, r.line_count, r.total_fen, r.excluded_count, r.approved_count, "
        "r.approved_fen, r.maker_staff_id, COALESCE(ms.name, ''), COALESCE(r.checker_staff_id, 0), "
        "COALESCE(cs.name, ''), r.created_at, r.approved_at "
        "FROM payroll_run r JOIN bureau bu ON bu.id = r.bureau_id JOIN programme g ON g.id = r.programme_id "
        "LEFT JOIN staff ms ON ms.id = r.maker_staff_id LEFT JOIN staff cs ON cs.id = r.checker_staff_id "
        "WHERE bu.path LIKE (CAST(? AS TEXT) || '%') AND r.id > ? AND (? = 0 OR r.programme_id = ?) "
        "ORDER BY r.id LIMIT ?",
};

#define LIST_MAX 200
#define Q_MAX 64

static const char *const kind_names[] = {"", "infrastructure", "housing", "production_support"};
static const char *const payment_statuses[] = {"", "prepared", "approved", "paid", "cancelled", "reversed"};

#define NAMES_COUNT(a) (int64_t)(sizeof(a) / sizeof((a)[0]))

/* The index of 's' in 'names' (from 1), or LZ_EINVALID naming 'field'. */
static int name_parse(int64_t *out, const char *const *names, int64_t n, const char *s, const char *field,
                      const char *choices)
{
	*out = 0;
	if (!s || !*s)
		return 0;
	for (int64_t i = 1; i < n; i++)
		if (strcmp(names[i], s) == 0) {
			*out = i;
			return 0;
		}
	return lz_error_set(LZ_EINVALID, field, "%s must be %s", field, choices);
}

/* ---------------------------------------------------------------- scope and pages */

/*
 * The path prefix a list matches: the bureau_id filter's path (in scope), else the
 * actor's scope. An actor with no bureau sees nothing (paths begin with '/').
 */
static int scope_prefix(char out[128], lz_ctx *ctx, int64_t bureau_id)
{
	lz_bureau b;
	int error;

	out[0] = '\0';
	if (bureau_id < 0)
		return lz_error_set(LZ_EINVALID, "bureau_id", "bureau_id must be a positive integer id");
	if (bureau_id) {
		if ((error = lz_bureau_get(&b, ctx, bureau_id)) < 0) {
			lz_error_set(LZ_ENOTFOUND, "bureau_id", "bureau %lld not found",
			             (long long)bureau_id);
			return LZ_ENOTFOUND;
		}
		snprintf(out, 128, "%s", b.path);
	} else if (ctx->actor.role == LZ_ROLE_SYSTEM) {
		out[0] = '\0';
	} else if (ctx->actor.bureau_path[0]) {
		snprintf(out, 128, "%s", ctx->actor.bureau_path);
	} else {
		snprintf(out, 128, "none");
	}
	return 0;
}

static int clamp_limit(int limit)
{
	return limit < 1 ? 1 : limit > LIST_MAX ? LIST_MAX : limit;
}

/* Starts a list: permission, connection, scope. */
static int list_begin(lz_conn **conn, char prefix[128], lz_ctx *ctx, lz_perm perm, int64_t bureau_id)
{
	int error;

	if ((error = lz_auth_require(ctx, perm)) < 0 || (error = lz_ctx_conn(conn, ctx)) < 0 ||
	    (error = scope_prefix(prefix, ctx, bureau_id)) < 0)
		return error;
	return 0;
}

/*
 * Steps a bound statement and makes one JSON item per row with 'item', up to
 * 'limit'; sets *next_after when there are more rows. Consumes 's'.
 */
static int collect(json_t **out, int64_t *next_after, lz_conn *conn, lz_stmt *s, int limit,
                   int (*item)(json_t **, lz_conn *, lz_stmt *))
{
	json_t *items = json_array(), *o;
	int64_t last = 0;
	int error = 0, rc, n = 0;

	while ((rc = lz_stmt_step(s)) == LZ_ROW) {
		if (n == limit) {
			*next_after = last;
			break;
		}
		last = lz_stmt_int(s, 0);
		if ((error = item(&o, conn, s)) < 0)
			break;
		json_array_append_new(items, o);
		n++;
	}
	if (error == 0 && rc < 0)
		error = rc;
	lz_stmt_finish(s);
	if (error < 0) {
		*next_after = 0;
		json_decref(items);
		return error;
	}
	*out = items;
	return 0;
}

static json_t *person_json(int64_t staff_id, const char *name)
{
	if (!staff_id)
		return json_null();
	return json_pack("{sI ss}", "staff_id", (json_int_t)staff_id, "name", name);
}

static json_t *date_json(int64_t day)
{
	char text[11];

	lz_date_format(text, (int32_t)day);
	return json_stringn(text, 10);
}

/* ---------------------------------------------------------------- allocations */

static int allocation_item(json_t **out, lz_conn *conn, lz_stmt *s)
{
	json_t *o = json_object();
	int64_t amount = lz_stmt_int(s, 6), children = lz_stmt_int(s, 7), spent = lz_stmt_int(s, 8);

	(void)conn;
	json_object_set_new(o, "id", json_integer(lz_stmt_int(s, 0)));
	json_object_set_new(o, "bureau_id", json_integer(lz_stmt_int(s, 1)));
	json_object_set_new(o, "parent_id",
	                    lz_stmt_is_null(s, 2) ? json_null() : json_integer(lz_stmt_int(s, 2)));
	json_object_set_new(o, "source", json_string(lz_stmt_text(s, 3)));
	json_object_set_new(o, "year", json_integer(lz_stmt_int(s, 4)));
	json_object_set_new(o, "purpose", json_string(lz_stmt_text(s, 5)));
	json_object_set_new(o, "amount_fen", json_integer(amount));
	json_object_set_new(o, "children_fen", json_integer(children));
	json_object_set_new(o, "spent_fen", json_integer(spent));
	json_object_set_new(o, "free_fen", json_integer(amount - children - spent));
	json_object_set_new(o, "created_at", lz_json_time(lz_stmt_int(s, 9)));
	json_object_set_new(o, "bureau_name", json_string(lz_stmt_text(s, 10)));
	json_object_set_new(o, "bureau_code", json_string(lz_stmt_text(s, 11)));
	*out = o;
	return 0;
}

int lz_allocation_list(json_t **out, int64_t *next_after, lz_ctx *ctx, const lz_funds_query *q)
{
	char prefix[128];
	lz_conn *conn;
	lz_stmt *s = NULL;
	int limit = clamp_limit(q->limit);
	int error;

	*out = NULL;
	*next_after = 0;
	if ((error = list_begin(&conn, prefix, ctx, LZ_PERM_FUNDS_READ, q->bureau_id)) < 0)
		return error;
	if (q->year < 0 || q->parent_id < 0)
		return lz_error_set(LZ_EINVALID, q->year < 0 ? "year" : "parent_id", "%s must be positive",
		                    q->year < 0 ? "year" : "parent_id");
	if ((error = lz_stmt_prepare(&s, conn, sql[Q_ALLOCATIONS])) < 0)
		return error;
	if ((error = lz_stmt_bindv(s, "tiiiiii", prefix, q->after_id, q->year, q->year, q->parent_id,
	                           q->parent_id, (int64_t)limit + 1)) < 0) {
		lz_stmt_finish(s);
		return error;
	}
	return collect(out, next_after, conn, s, limit, allocation_item);
}

/* ---------------------------------------------------------------- projects */

static int project_item(json_t **out, lz_conn *conn, lz_stmt *s)
{
	lz_stmt *st = NULL;
	json_t *o;
	int64_t id = lz_stmt_int(s, 0), budget = lz_stmt_int(s, 5), kind = lz_stmt_int(s, 4);
	int64_t payable = 0, approved = 0, stages = 0, accepted = 0;
	int error, rc;

	*out = NULL;
	if ((error = lz_stmt_prepare(&st, conn, sql[Q_PROJECT_STAGES])) < 0)
		return error;
	if ((error = lz_stmt_bindv(st, "i", id)) == 0) {
		while ((rc = lz_stmt_step(st)) == LZ_ROW) {
			stages++;
			if (lz_stmt_int(st, 1)) {
				accepted++;
				payable +=
				    lz_funds__stage_payable(budget, lz_stmt_int(st, 0), lz_stmt_int(st, 2));
			}
		}
		error = rc < 0 ? rc : 0;
	}
	lz_stmt_finish(st);
	if (error < 0 || (error = lz_exec_int(&approved, conn, sql[Q_PROJECT_APPROVED], true, "i", id)) < 0)
		return error;
	o = json_object();
	json_object_set_new(o, "id", json_integer(id));
	json_object_set_new(o, "bureau_id", json_integer(lz_stmt_int(s, 1)));
	json_object_set_new(o, "bureau_name", json_string(lz_stmt_text(s, 2)));
	json_object_set_new(o, "name", json_string(lz_stmt_text(s, 3)));
	json_object_set_new(
	    o, "kind",
	    json_string(kind > 0 && kind < NAMES_COUNT(kind_names) ? kind_names[kind] : "unknown"));
	json_object_set_new(o, "budget_fen", json_integer(budget));
	json_object_set_new(o, "payable_fen", json_integer(payable));
	json_object_set_new(o, "approved_fen", json_integer(approved));
	json_object_set_new(o, "stages", json_integer(stages));
	json_object_set_new(o, "accepted", json_integer(accepted));
	json_object_set_new(o, "owner_staff_id", json_integer(lz_stmt_int(s, 6)));
	json_object_set_new(o, "owner_name", json_string(lz_stmt_text(s, 7)));
	json_object_set_new(o, "contractor", json_string(lz_stmt_text(s, 8)));
	json_object_set_new(o, "allocation_id", json_integer(lz_stmt_int(s, 9)));
	json_object_set_new(o, "created_at", lz_json_time(lz_stmt_int(s, 10)));
	*out = o;
	return 0;
}

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

int lz_project_list(json_t **out, int64_t *next_after, lz_ctx *ctx, const lz_funds_query *q)
{
	lz_buf like = LZ_BUF_INIT;
	char prefix[128];
	lz_conn *conn;
	lz_stmt *s = NULL;
	int64_t kind = 0;
	bool search = q->q && q->q[0];
	int limit = clamp_limit(q->limit);
	int error;

	*out = NULL;
	*next_after = 0;
	if ((error = list_begin(&conn, prefix, ctx, LZ_PERM_FUNDS_READ, q->bureau_id)) < 0 ||
	    (error = name_parse(&kind, kind_names, NAMES_COUNT(kind_names), q->kind, "kind",
	                        "infrastructure, housing or production_support")) < 0 ||
	    (error = lz_text_check("q", q->q, false, Q_MAX, 0)) < 0)
		return error;
	if (search)
		like_pattern(&like, q->q);
	if ((error = lz_stmt_prepare(&s, conn, sql[Q_PROJECTS])) < 0)
		goto done;
	if ((error = lz_stmt_bindv(s, "tiiiiti", prefix, q->after_id, kind, kind, (int64_t)search,
	                           search ? like.ptr : "", (int64_t)limit + 1)) < 0) {
		lz_stmt_finish(s);
		goto done;
	}
	error = collect(out, next_after, conn, s, limit, project_item);
done:
	lz_buf_dispose(&like);
	return error;
}

/* ---------------------------------------------------------------- payments */

static int payment_item(json_t **out, lz_conn *conn, lz_stmt *s)
{
	json_t *o = json_object();
	int64_t status = lz_stmt_int(s, 10);

	(void)conn;
	json_object_set_new(o, "id", json_integer(lz_stmt_int(s, 0)));
	json_object_set_new(o, "bureau_id", json_integer(lz_stmt_int(s, 1)));
	json_object_set_new(o, "project_id", json_integer(lz_stmt_int(s, 2)));
	json_object_set_new(o, "project_name", json_string(lz_stmt_text(s, 3)));
	json_object_set_new(o, "stage_id", json_integer(lz_stmt_int(s, 4)));
	json_object_set_new(o, "stage_seq", json_integer(lz_stmt_int(s, 5)));
	json_object_set_new(o, "stage_name", json_string(lz_stmt_text(s, 6)));
	json_object_set_new(o, "allocation_id", json_integer(lz_stmt_int(s, 7)));
	json_object_set_new(o, "amount_fen", json_integer(lz_stmt_int(s, 8)));
	json_object_set_new(o, "payee", json_string(lz_stmt_text(s, 9)));
	json_object_set_new(o, "status", json_string(lz_payment_status_name((lz_payment_status)status)));
	json_object_set_new(o, "maker", person_json(lz_stmt_int(s, 11), lz_stmt_text(s, 12)));
	json_object_set_new(o, "maker_name", json_string(lz_stmt_text(s, 12)));
	json_object_set_new(o, "approver", person_json(lz_stmt_int(s, 13), lz_stmt_text(s, 14)));
	json_object_set_new(o, "approver_name",
	                    lz_stmt_int(s, 13) ? json_string(lz_stmt_text(s, 14)) : json_null());
	json_object_set_new(o, "created_at", lz_json_time(lz_stmt_int(s, 15)));
	json_object_set_new(o, "reference", lz_json_str_or_null(lz_stmt_text_or_null(s, 16)));
	*out = o;
	return 0;
}

int lz_payment_list(json_t **out, int64_t *next_after, lz_ctx *ctx, const lz_funds_query *q)
{
	char prefix[128];
	lz_conn *conn;
	lz_stmt *s = NULL;
	int64_t status = 0;
	int limit = clamp_limit(q->limit);
	int error;

	*out = NULL;
	*next_after = 0;
	if ((error = list_begin(&conn, prefix, ctx, LZ_PERM_FUNDS_READ, q->bureau_id)) < 0 ||
	    (error = name_parse(&status, payment_statuses, NAMES_COUNT(payment_statuses), q->status, "status",
	                        "prepared, approved, paid, cancelled or reversed")) < 0)
		return error;
	if (q->project_id < 0)
		return lz_error_set(LZ_EINVALID, "project_id", "project_id must be a positive integer id");
	if ((error = lz_stmt_prepare(&s, conn, sql[Q_PAYMENTS])) < 0)
		return error;
	if ((error = lz_stmt_bindv(s, "tiiiiii", prefix, q->after_id, q->project_id, q->project_id, status,
	                           status, (int64_t)limit + 1)) < 0) {
		lz_stmt_finish(s);
		return error;
	}
	return collect(out, next_after, conn, s, limit, payment_item);
}

/* ---------------------------------------------------------------- programmes */

static int programme_item(json_t **out, lz_conn *conn, lz_stmt *s)
{
	lz_programme p;
	json_t *o;

	(void)conn;
	memset(&p, 0, sizeof(p));
	p.id = lz_stmt_int(s, 0);
	p.bureau_id = lz_stmt_int(s, 1);
	snprintf(p.name, sizeof(p.name), "%s", lz_stmt_text(s, 2));
	p.amount_per_year_fen = lz_stmt_int(s, 3);
	p.years = (int)lz_stmt_int(s, 4);
	p.periods_per_year = (int)lz_stmt_int(s, 5);
	o = lz_programme_json(&p);
	json_object_set_new(o, "created_at", lz_json_time(lz_stmt_int(s, 6)));
	json_object_set_new(o, "bureau_name", json_string(lz_stmt_text(s, 7)));
	json_object_set_new(o, "beneficiaries", json_integer(lz_stmt_int(s, 8)));
	*out = o;
	return 0;
}

int lz_programme_list(json_t **out, int64_t *next_after, lz_ctx *ctx, int64_t bureau_id, int64_t after_id,
                      int limit)
{
	char prefix[128];
	lz_conn *conn;
	lz_stmt *s = NULL;
	int error;

	*out = NULL;
	*next_after = 0;
	limit = clamp_limit(limit);
	if ((error = list_begin(&conn, prefix, ctx, LZ_PERM_BENEFICIARY_READ, bureau_id)) < 0 ||
	    (error = lz_stmt_prepare(&s, conn, sql[Q_PROGRAMMES])) < 0)
		return error;
	if ((error = lz_stmt_bindv(s, "tii", prefix, after_id, (int64_t)limit + 1)) < 0) {
		lz_stmt_finish(s);
		return error;
	}
	return collect(out, next_after, conn, s, limit, programme_item);
}

/* ---------------------------------------------------------------- payroll runs */

static int run_item(json_t **out, lz_conn *conn, lz_stmt *s)
{
	json_t *o = json_object();
	bool approved = lz_stmt_int(s, 8) == LZ_PAYROLL_APPROVED;

	(void)conn;
	json_object_set_new(o, "id", json_integer(lz_stmt_int(s, 0)));
	json_object_set_new(o, "bureau_id", json_integer(lz_stmt_int(s, 1)));
	json_object_set_new(o, "programme_id", json_integer(lz_stmt_int(s, 2)));
	json_object_set_new(o, "programme_name", json_string(lz_stmt_text(s, 3)));
	json_object_set_new(o, "allocation_id", json_integer(lz_stmt_int(s, 4)));
	json_object_set_new(o, "period_start", date_json(lz_stmt_int(s, 5)));
	json_object_set_new(o, "period_end", date_json(lz_stmt_int(s, 6)));
	json_object_set_new(o, "amount_fen", json_integer(lz_stmt_int(s, 7)));
	json_object_set_new(o, "status", json_string(approved ? "approved" : "prepared"));
	json_object_set_new(o, "count", json_integer(lz_stmt_int(s, 9)));
	json_object_set_new(o, "total_fen", json_integer(lz_stmt_int(s, 10)));
	json_object_set_new(o, "excluded_count", json_integer(lz_stmt_int(s, 11)));
	json_object_set_new(o, "approved_count", approved ? json_integer(lz_stmt_int(s, 12)) : json_null());
	json_object_set_new(o, "approved_fen", approved ? json_integer(lz_stmt_int(s, 13)) : json_null());
	json_object_set_new(o, "maker", person_json(lz_stmt_int(s, 14), lz_stmt_text(s, 15)));
	json_object_set_new(o, "maker_name", json_string(lz_stmt_text(s, 15)));
	json_object_set_new(o, "approver", person_json(lz_stmt_int(s, 16), lz_stmt_text(s, 17)));
	json_object_set_new(o, "approver_name",
	                    lz_stmt_int(s, 16) ? json_string(lz_stmt_text(s, 17)) : json_null());
	json_object_set_new(o, "created_at", lz_json_time(lz_stmt_int(s, 18)));
	json_object_set_new(o, "approved_at", approved ? lz_json_time(lz_stmt_int(s, 19)) : json_null());
	*out = o;
	return 0;
}

int lz_payroll_list(json_t **out, int64_t *next_after, lz_ctx *ctx, int64_t bureau_id, int64_t programme_id,
                    int64_t after_id, int limit)
{
	char prefix[128];
	lz_conn *conn;
	lz_stmt *s = NULL;
	int error;

	*out = NULL;
	*next_after = 0;
	limit = clamp_limit(limit);
	if ((error = list_begin(&conn, prefix, ctx, LZ_PERM_FUNDS_READ, bureau_id)) < 0 ||
	    (error = lz_stmt_prepare(&s, conn, sql[Q_RUNS])) < 0)
		return error;
	if ((error = lz_stmt_bindv(s, "tiiii", prefix, after_id, programme_id, programme_id,
	                           (int64_t)limit + 1)) < 0) {
		lz_stmt_finish(s);
		return error;
	}
	return collect(out, next_after, conn, s, limit, run_item);
}
