/*
 * trace.c — traceability (资金追溯): for a payment, the chain back to the money it
 * came from and the acceptance that allowed it; for an allocation, where every fen
 * went and what remains, with conservation checked and a Sankey chart of the flow.
 *
 * Invariants kept here:
 * - Reads only, and scoped: the traced record must be in the actor's scope, and a
 *   payment's chain stops where the actor's scope ends (the allocations of a bureau
 *   above are not shown, only that the money came from above).
 * - Conservation is recomputed from the rows, not taken from the cached columns: an
 *   allocation's children are the sum of its child allocations' amounts, its spent
 *   total the sum of the approved or paid payments and the approved payroll runs
 *   debited to it. A cached column that disagrees, or a free balance below zero,
 *   is reported as a mismatch naming the allocation and the field.
 * - Bounded: at most LZ_TRACE_NODES_MAX chart nodes and LZ_TRACE_DEPTH_MAX levels
 *   are expanded; beyond that the answer says "truncated". The totals of every
 *   allocation shown are exact whatever is cut.
 */
#include "funds/funds_int.h"

#include "auth/auth.h"
#include "base/clock.h"
#include "base/json.h"
#include "base/mem.h"
#include "funds/beneficiary.h"
#include "funds/payroll.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	Q_INSPECTION,
	Q_EVIDENCE,
	Q_SIGNATURES,
	Q_CHAIN_ROW,
	Q_CHILDREN,
	Q_CHILDREN_SUM,
	Q_PAYMENTS_SUM,
	Q_RUNS_SUM,
	Q_BY_PROJECT,
	Q_RUNS,
	Q_PAYMENTS,
};

#define ALLOC_COLS                                                                                           \
	"a.id, a.bureau_id, a.parent_id, a.source, a.year, a.purpose, a.amount_fen, a.children_fen, "        \
	"a.spent_fen, a.created_at, b.name, b.code, b.path "

static const char *const sql[] = {
    [Q_INSPECTION] = "SELECT i.id, i.inspector_staff_id, COALESCE(s.name, ''), i.inspected_at, i.lat, i.lon, "
                     "i.distance_m, i.completion_pct, i.findings, i.recorded_at "
                     "FROM inspection i LEFT JOIN staff s ON s.id = i.inspector_staff_id WHERE i.id = ?",
    [Q_EVIDENCE] = "SELECT sha256 FROM inspection_evidence WHERE inspection_id = ? ORDER BY id",
    [Q_SIGNATURES] = "SELECT a.staff_id, COALESCE(s.name, ''), a.signed_at FROM acceptance_signature a "
                     "LEFT JOIN staff s ON s.id = a.staff_id WHERE a.inspection_id = ? ORDER BY a.id",
    [Q_CHAIN_ROW] =
        "SELECT " ALLOC_COLS "FROM allocation a JOIN bureau b ON b.id = a.bureau_id WHERE a.id = ?",
    [Q_CHILDREN] =
        "SELECT " ALLOC_COLS
        "FROM allocation a JOIN bureau b ON b.id = a.bureau_id WHERE a.parent_id = ? ORDER BY a.id",
    [Q_CHILDREN_SUM] = "SELECT COALESCE(SUM(amount_fen), 0) FROM allocation WHERE parent_id = ?",
    [Q_PAYMENTS_SUM] = "SELECT COALESCE(SUM(amount_fen), 0) FROM payment WHERE allocation_id = ? "
                       "AND status IN (2, 3)",
    [Q_RUNS_SUM] =
        "SELECT COALESCE(SUM(approved_fen), 0) FROM payroll_run WHERE allocation_id = ? AND status = 2",
    [Q_BY_PROJECT] =
        "SELECT p.project_id, pr.name, SUM(p.amount_fen), COUNT(*) FROM payment p "
        "JOIN project pr ON pr.id = p.project_id WHERE p.allocation_id = ? AND p.status IN (2, 3) "
        "GROUP BY p.project_id, pr.name ORDER BY p.project_id",
    [Q_RUNS] =
        "SELECT r.id, g.name, r.period_start, r.period_end, COALESCE(r.approved_fen, 0), "
        "COALESCE(r.approved_count, 0), r.programme_id FROM payroll_run r "
        "JOIN programme g ON g.id = r.programme_id WHERE r.allocation_id = ? AND r.status = 2 ORDER BY r.id",
    [Q_PAYMENTS] = "SELECT p.id, p.project_id, pr.name, p.stage_id, p.amount_fen, p.status, p.payee, "
                   "p.created_at FROM payment p JOIN project pr ON pr.id = p.project_id "
                   "WHERE p.allocation_id = ? AND p.status IN (2, 3) ORDER BY p.id LIMIT ?",
};

#define CHAIN_MAX 64     /* allocations above one another; deeper means a corrupted store */
#define PAYMENTS_MAX 500 /* payments listed individually under the traced allocation */
#define UNSPENT "未使用/unspent"

/* An allocation row with its bureau. */
typedef struct {
	int64_t id, bureau_id, parent_id, year, amount_fen, children_fen, spent_fen, created_at;
	char source[256], purpose[800], bureau_name[256], bureau_code[8], path[128];
} alloc_row;

static void alloc_read(alloc_row *a, lz_stmt *s)
{
	a->id = lz_stmt_int(s, 0);
	a->bureau_id = lz_stmt_int(s, 1);
	a->parent_id = lz_stmt_is_null(s, 2) ? 0 : lz_stmt_int(s, 2);
	snprintf(a->source, sizeof(a->source), "%s", lz_stmt_text(s, 3));
	a->year = lz_stmt_int(s, 4);
	snprintf(a->purpose, sizeof(a->purpose), "%s", lz_stmt_text(s, 5));
	a->amount_fen = lz_stmt_int(s, 6);
	a->children_fen = lz_stmt_int(s, 7);
	a->spent_fen = lz_stmt_int(s, 8);
	a->created_at = lz_stmt_int(s, 9);
	snprintf(a->bureau_name, sizeof(a->bureau_name), "%s", lz_stmt_text(s, 10));
	snprintf(a->bureau_code, sizeof(a->bureau_code), "%s", lz_stmt_text(s, 11));
	snprintf(a->path, sizeof(a->path), "%s", lz_stmt_text(s, 12));
}

/* Reads allocation 'id' whatever the scope; *found false when there is none. */
static int alloc_load(alloc_row *a, bool *found, lz_conn *conn, int64_t id)
{
	lz_stmt *s;
	int error;

	*found = false;
	memset(a, 0, sizeof(*a));
	if ((error = lz_stmt_prepare(&s, conn, sql[Q_CHAIN_ROW])) < 0)
		return error;
	if ((error = lz_stmt_bindv(s, "i", id)) == 0 && (error = lz_stmt_step(s)) == LZ_ROW) {
		alloc_read(a, s);
		*found = true;
	}
	lz_stmt_finish(s);
	return error < 0 ? error : 0;
}

static json_t *alloc_json(const alloc_row *a)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(a->id));
	json_object_set_new(o, "bureau_id", json_integer(a->bureau_id));
	json_object_set_new(o, "bureau_name", json_string(a->bureau_name));
	json_object_set_new(o, "bureau_code", json_string(a->bureau_code));
	json_object_set_new(o, "parent_id", a->parent_id ? json_integer(a->parent_id) : json_null());
	json_object_set_new(o, "source", json_string(a->source));
	json_object_set_new(o, "year", json_integer(a->year));
	json_object_set_new(o, "purpose", json_string(a->purpose));
	json_object_set_new(o, "amount_fen", json_integer(a->amount_fen));
	json_object_set_new(o, "children_fen", json_integer(a->children_fen));
	json_object_set_new(o, "spent_fen", json_integer(a->spent_fen));
	json_object_set_new(o, "free_fen", json_integer(a->amount_fen - a->children_fen - a->spent_fen));
	json_object_set_new(o, "created_at", lz_json_time(a->created_at));
	return o;
}

static json_t *person_json(int64_t staff_id, const char *name)
{
	return json_pack("{sI ss}", "staff_id", (json_int_t)staff_id, "name", name);
}

static json_t *date_json(int64_t day)
{
	char text[11];

	lz_date_format(text, (int32_t)day);
	return json_stringn(text, 10);
}

/* ================================================================ a payment */

/* The inspection 'id' with its evidence: what the acceptance rests on. */
static int inspection_json(json_t **out, lz_conn *conn, int64_t id)
{
	lz_stmt *s = NULL;
	json_t *o = NULL, *evidence;
	int error, rc;

	*out = NULL;
	if ((error = lz_stmt_prepare(&s, conn, sql[Q_INSPECTION])) < 0 ||
	    (error = lz_stmt_bindv(s, "i", id)) < 0)
		goto done;
	if ((rc = lz_stmt_step(s)) != LZ_ROW) {
		error = rc < 0 ? rc : 0; /* none: null */
		goto done;
	}
	o = json_object();
	json_object_set_new(o, "id", json_integer(lz_stmt_int(s, 0)));
	json_object_set_new(o, "inspector", person_json(lz_stmt_int(s, 1), lz_stmt_text(s, 2)));
	json_object_set_new(o, "inspected_at", lz_json_time(lz_stmt_int(s, 3)));
	json_object_set_new(o, "lat", json_integer(lz_stmt_int(s, 4)));
	json_object_set_new(o, "lon", json_integer(lz_stmt_int(s, 5)));
	json_object_set_new(o, "distance_m", json_integer(lz_stmt_int(s, 6)));
	json_object_set_new(o, "completion_pct", json_integer(lz_stmt_int(s, 7)));
	json_object_set_new(o, "findings", json_string(lz_stmt_text(s, 8)));
	json_object_set_new(o, "recorded_at", lz_json_time(lz_stmt_int(s, 9)));
	lz_stmt_finish(s);
	s = NULL;
	evidence = json_array();
	json_object_set_new(o, "evidence", evidence);
	if ((error = lz_stmt_prepare(&s, conn, sql[Q_EVIDENCE])) < 0 ||
	    (error = lz_stmt_bindv(s, "i", id)) < 0)
		goto done;
	while ((rc = lz_stmt_step(s)) == LZ_ROW)
		json_array_append_new(evidence, json_string(lz_stmt_text(s, 0)));
	error = rc < 0 ? rc : 0;
done:
	lz_stmt_finish(s);
	if (error == 0) {
		*out = o ? o : json_null();
		o = NULL;
	}
	json_decref(o);
	return error;
}

static int signatures_json(json_t **out, lz_conn *conn, int64_t inspection_id)
{
	lz_stmt *s = NULL;
	json_t *items = json_array();
	int error, rc;

	*out = NULL;
	if ((error = lz_stmt_prepare(&s, conn, sql[Q_SIGNATURES])) < 0 ||
	    (error = lz_stmt_bindv(s, "i", inspection_id)) < 0)
		goto done;
	while ((rc = lz_stmt_step(s)) == LZ_ROW)
		json_array_append_new(
		    items, json_pack("{sI ss so}", "staff_id", (json_int_t)lz_stmt_int(s, 0), "name",
		                     lz_stmt_text(s, 1), "signed_at", lz_json_time(lz_stmt_int(s, 2))));
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

/* The allocations from 'id' up to the root, as far as the actor's scope reaches. */
static int chain_json(json_t **out, lz_ctx *ctx, lz_conn *conn, int64_t id)
{
	json_t *chain = json_array(), *last = NULL;
	alloc_row a;
	bool found;
	int error = 0;

	for (int depth = 0; id && depth < CHAIN_MAX; depth++) {
		if ((error = alloc_load(&a, &found, conn, id)) < 0)
			break;
		if (!found) {
			error = lz_error_set(LZ_ETAMPERED, NULL, "allocation %lld of the chain is missing",
			                     (long long)id);
			break;
		}
		if (!lz_org_in_scope(ctx, a.path)) {
			if (last)
				json_object_set_new(last, "from_above", json_true());
			break;
		}
		last = alloc_json(&a);
		json_object_set_new(last, "from_above", json_false());
		json_array_append_new(chain, last);
		id = a.parent_id;
	}
	if (error < 0) {
		json_decref(chain);
		return error;
	}
	*out = chain;
	return 0;
}

int lz_payment_trace_json(json_t **out, lz_ctx *ctx, int64_t payment_id)
{
	lz_funds_stage_row st;
	lz_conn *conn;
	json_t *payment = NULL, *project = NULL, *stage = NULL, *inspection = NULL, *signatures = NULL,
	       *chain = NULL, *v;
	int64_t project_id, stage_id, allocation_id;
	size_t i;
	int error;

	*out = NULL;
	if ((error = lz_payment_get_json(&payment, ctx, payment_id)) < 0 ||
	    (error = lz_ctx_conn(&conn, ctx)) < 0)
		goto done;
	project_id = json_integer_value(json_object_get(payment, "project_id"));
	stage_id = json_integer_value(json_object_get(payment, "stage_id"));
	allocation_id = json_integer_value(json_object_get(payment, "allocation_id"));
	if ((error = lz_project_get_json(&project, ctx, project_id)) < 0 ||
	    (error = lz_funds__stage_load(&st, conn, stage_id, NULL)) < 0)
		goto done;
	json_array_foreach(json_object_get(project, "stages"), i,
	                   v) if (json_integer_value(json_object_get(v, "id")) == stage_id) stage =
	    json_deep_copy(v);
	if ((error = inspection_json(&inspection, conn, st.accepted_inspection_id)) < 0 ||
	    (error = signatures_json(&signatures, conn, st.accepted_inspection_id)) < 0 ||
	    (error = chain_json(&chain, ctx, conn, allocation_id)) < 0)
		goto done;
	*out = json_pack("{so so so s{so so} so}", "payment", payment, "project", project, "stage",
	                 stage ? stage : json_null(), "acceptance", "inspection", inspection, "signatures",
	                 signatures, "chain", chain);
	payment = project = stage = inspection = signatures = chain = NULL;
done:
	json_decref(payment);
	json_decref(project);
	json_decref(stage);
	json_decref(inspection);
	json_decref(signatures);
	json_decref(chain);
	return error;
}

/* ================================================================ a payroll run */

int lz_payroll_trace_json(json_t **out, lz_ctx *ctx, int64_t run_id)
{
	lz_programme prog;
	lz_conn *conn;
	json_t *run = NULL, *chain = NULL;
	int error;

	*out = NULL;
	if ((error = lz_payroll_get_json(&run, ctx, run_id)) < 0 || (error = lz_ctx_conn(&conn, ctx)) < 0 ||
	    (error = lz_programme_get(&prog, ctx, json_integer_value(json_object_get(run, "programme_id")))) <
	        0 ||
	    (error = chain_json(&chain, ctx, conn,
	                        json_integer_value(json_object_get(run, "allocation_id")))) < 0) {
		json_decref(run);
		return error;
	}
	*out = json_pack("{so so so}", "run", run, "programme", lz_programme_json(&prog), "chain", chain);
	return 0;
}

/* ================================================================ an allocation */

/* What one allocation trace collects as it walks down the tree. */
typedef struct {
	lz_conn *conn;
	json_t *nodes, *links; /* the Sankey chart */
	json_t *names;         /* the chart's node names so far (a set) */
	json_t *mismatches;
	int64_t count; /* chart nodes */
	bool truncated, conserved;
} tracer;

/* Adds a chart node once; false when the bound is reached (the node is not added). */
static bool add_node(tracer *t, const char *name, const char *kind, int64_t id)
{
	if (json_object_get(t->names, name))
		return true;
	if (t->count >= LZ_TRACE_NODES_MAX) {
		t->truncated = true;
		return false;
	}
	json_object_set_new(t->names, name, json_true());
	json_array_append_new(t->nodes,
	                      json_pack("{ss ss sI}", "name", name, "kind", kind, "id", (json_int_t)id));
	t->count++;
	return true;
}

static void add_link(tracer *t, const char *source, const char *target, int64_t value)
{
	if (value > 0)
		json_array_append_new(t->links, json_pack("{ss ss sI}", "source", source, "target", target,
		                                          "value", (json_int_t)value));
}

static void alloc_name(char *out, size_t n, const alloc_row *a)
{
	snprintf(out, n, "%s · %s #%lld", a->bureau_name, a->source, (long long)a->id);
}

static void mismatch(tracer *t, int64_t id, const char *field, int64_t cached, int64_t actual)
{
	t->conserved = false;
	json_array_append_new(t->mismatches,
	                      json_pack("{sI ss sI sI}", "allocation_id", (json_int_t)id, "field", field,
	                                "cached", (json_int_t)cached, "actual", (json_int_t)actual));
}

/* The approved payments of an allocation, grouped by project, as chart nodes and a list. */
static int projects_of(json_t **out, tracer *t, const alloc_row *a, const char *name)
{
	lz_stmt *s = NULL;
	json_t *items = json_array();
	char node[400];
	int error, rc;

	*out = NULL;
	if ((error = lz_stmt_prepare(&s, t->conn, sql[Q_BY_PROJECT])) < 0 ||
	    (error = lz_stmt_bindv(s, "i", a->id)) < 0)
		goto done;
	while ((rc = lz_stmt_step(s)) == LZ_ROW) {
		int64_t project_id = lz_stmt_int(s, 0), fen = lz_stmt_int(s, 2);
		json_array_append_new(items,
		                      json_pack("{sI ss sI sI}", "project_id", (json_int_t)project_id, "name",
		                                lz_stmt_text(s, 1), "spent_fen", (json_int_t)fen, "payments",
		                                (json_int_t)lz_stmt_int(s, 3)));
		snprintf(node, sizeof(node), "项目 #%lld %s", (long long)project_id, lz_stmt_text(s, 1));
		if (add_node(t, node, "project", project_id))
			add_link(t, name, node, fen);
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

/* The approved payroll runs debited to an allocation, as chart nodes and a list. */
static int runs_of(json_t **out, tracer *t, const alloc_row *a, const char *name)
{
	lz_stmt *s = NULL;
	json_t *items = json_array();
	char node[400];
	int error, rc;

	*out = NULL;
	if ((error = lz_stmt_prepare(&s, t->conn, sql[Q_RUNS])) < 0 ||
	    (error = lz_stmt_bindv(s, "i", a->id)) < 0)
		goto done;
	while ((rc = lz_stmt_step(s)) == LZ_ROW) {
		int64_t run_id = lz_stmt_int(s, 0), fen = lz_stmt_int(s, 4);
		json_array_append_new(
		    items, json_pack("{sI sI ss so so sI sI}", "id", (json_int_t)run_id, "programme_id",
		                     (json_int_t)lz_stmt_int(s, 6), "programme_name", lz_stmt_text(s, 1),
		                     "period_start", date_json(lz_stmt_int(s, 2)), "period_end",
		                     date_json(lz_stmt_int(s, 3)), "approved_fen", (json_int_t)fen,
		                     "approved_count", (json_int_t)lz_stmt_int(s, 5)));
		snprintf(node, sizeof(node), "发放 #%lld %s", (long long)run_id, lz_stmt_text(s, 1));
		if (add_node(t, node, "payroll_run", run_id))
			add_link(t, name, node, fen);
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

/* Reads the child allocations of 'id' (caller frees *out). */
static int children_of(alloc_row **out, size_t *n, lz_conn *conn, int64_t id)
{
	lz_stmt *s = NULL;
	size_t cap = 0;
	int error, rc;

	*out = NULL;
	*n = 0;
	if ((error = lz_stmt_prepare(&s, conn, sql[Q_CHILDREN])) < 0)
		return error;
	if ((error = lz_stmt_bindv(s, "i", id)) == 0) {
		while ((rc = lz_stmt_step(s)) == LZ_ROW) {
			if (*n == cap) {
				cap = cap ? cap * 2 : 8;
				*out = lz_xrealloc(*out, cap * sizeof(**out));
			}
			alloc_read(&(*out)[(*n)++], s);
		}
		error = rc < 0 ? rc : 0;
	}
	lz_stmt_finish(s);
	return error;
}

/*
 * Traces allocation 'a' (already a chart node named 'name') and, recursively, the
 * allocations below it, into *out: {allocation, totals, conserved, children,
 * projects, payroll_runs}.
 */
static int trace_node(json_t **out, tracer *t, const alloc_row *a, const char *name, int depth)
{
	alloc_row *kids = NULL;
	size_t nkids = 0;
	json_t *o = NULL, *children, *projects = NULL, *runs = NULL;
	int64_t kids_fen = 0, paid_fen = 0, runs_fen = 0, spent, free_fen;
	bool own = true, before = t->conserved;
	int error;

	*out = NULL;
	if ((error = lz_exec_int(&kids_fen, t->conn, sql[Q_CHILDREN_SUM], true, "i", a->id)) < 0 ||
	    (error = lz_exec_int(&paid_fen, t->conn, sql[Q_PAYMENTS_SUM], true, "i", a->id)) < 0 ||
	    (error = lz_exec_int(&runs_fen, t->conn, sql[Q_RUNS_SUM], true, "i", a->id)) < 0)
		return error;
	spent = paid_fen + runs_fen;
	free_fen = a->amount_fen - kids_fen - spent;
	t->conserved = true;
	if (kids_fen != a->children_fen)
		mismatch(t, a->id, "children_fen", a->children_fen, kids_fen);
	if (spent != a->spent_fen)
		mismatch(t, a->id, "spent_fen", a->spent_fen, spent);
	if (free_fen < 0)
		mismatch(t, a->id, "free_fen", a->amount_fen - a->children_fen - a->spent_fen, free_fen);
	own = t->conserved;
	t->conserved = before && own;

	o = json_object();
	json_object_set_new(o, "allocation", alloc_json(a));
	json_object_set_new(o, "totals",
	                    json_pack("{sI sI sI sI}", "amount_fen", (json_int_t)a->amount_fen,
	                              "children_fen", (json_int_t)kids_fen, "spent_fen", (json_int_t)spent,
	                              "free_fen", (json_int_t)free_fen));
	json_object_set_new(o, "conserved", json_boolean(own));
	children = json_array();
	json_object_set_new(o, "children", children);

	if ((error = children_of(&kids, &nkids, t->conn, a->id)) < 0)
		goto done;
	for (size_t i = 0; i < nkids; i++) {
		char kid_name[600];
		json_t *kid;
		alloc_name(kid_name, sizeof(kid_name), &kids[i]);
		if (depth + 1 > LZ_TRACE_DEPTH_MAX || !add_node(t, kid_name, "allocation", kids[i].id)) {
			t->truncated = true;
			break;
		}
		add_link(t, name, kid_name, kids[i].amount_fen);
		if ((error = trace_node(&kid, t, &kids[i], kid_name, depth + 1)) < 0)
			goto done;
		json_array_append_new(children, kid);
	}
	if ((error = projects_of(&projects, t, a, name)) < 0 || (error = runs_of(&runs, t, a, name)) < 0)
		goto done;
	json_object_set_new(o, "projects", projects);
	json_object_set_new(o, "payroll_runs", runs);
	projects = runs = NULL;
	if (free_fen > 0 && add_node(t, UNSPENT, "unspent", 0))
		add_link(t, name, UNSPENT, free_fen);
done:
	free(kids);
	json_decref(projects);
	json_decref(runs);
	if (error == 0) {
		*out = o;
		o = NULL;
	}
	json_decref(o);
	return error;
}

/* The approved or paid payments against allocation 'id', one by one (bounded). */
static int payments_json(json_t **out, bool *more, lz_conn *conn, int64_t id)
{
	lz_stmt *s = NULL;
	json_t *items = json_array();
	int error, rc, n = 0;

	*out = NULL;
	*more = false;
	if ((error = lz_stmt_prepare(&s, conn, sql[Q_PAYMENTS])) < 0 ||
	    (error = lz_stmt_bindv(s, "ii", id, (int64_t)PAYMENTS_MAX + 1)) < 0)
		goto done;
	while ((rc = lz_stmt_step(s)) == LZ_ROW) {
		if (n++ == PAYMENTS_MAX) {
			*more = true;
			break;
		}
		json_array_append_new(
		    items,
		    json_pack("{sI sI ss sI sI ss ss so}", "id", (json_int_t)lz_stmt_int(s, 0), "project_id",
		              (json_int_t)lz_stmt_int(s, 1), "project_name", lz_stmt_text(s, 2), "stage_id",
		              (json_int_t)lz_stmt_int(s, 3), "amount_fen", (json_int_t)lz_stmt_int(s, 4),
		              "status", lz_payment_status_name((lz_payment_status)lz_stmt_int(s, 5)), "payee",
		              lz_stmt_text(s, 6), "created_at", lz_json_time(lz_stmt_int(s, 7))));
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

int lz_allocation_trace_json(json_t **out, lz_ctx *ctx, int64_t allocation_id)
{
	tracer t = {0};
	alloc_row a;
	lz_allocation check;
	json_t *root = NULL, *payments = NULL;
	char name[600];
	bool found, more = false;
	int error;

	*out = NULL;
	if ((error = lz_allocation_get(&check, ctx, allocation_id)) < 0 ||
	    (error = lz_ctx_conn(&t.conn, ctx)) < 0 ||
	    (error = alloc_load(&a, &found, t.conn, allocation_id)) < 0)
		return error;
	if (!found)
		return lz_funds__not_found(NULL, "allocation", allocation_id);
	t.nodes = json_array();
	t.links = json_array();
	t.names = json_object();
	t.mismatches = json_array();
	t.conserved = true;
	alloc_name(name, sizeof(name), &a);
	add_node(&t, name, "allocation", a.id);
	if ((error = trace_node(&root, &t, &a, name, 0)) < 0 ||
	    (error = payments_json(&payments, &more, t.conn, a.id)) < 0)
		goto done;
	json_object_set_new(root, "payments", payments);
	json_object_set_new(root, "payments_truncated", json_boolean(more));
	json_object_set_new(root, "conserved", json_boolean(t.conserved));
	json_object_set_new(root, "mismatches", t.mismatches);
	json_object_set_new(root, "sankey", json_pack("{so so}", "nodes", t.nodes, "links", t.links));
	json_object_set_new(root, "truncated", json_boolean(t.truncated));
	t.mismatches = t.nodes = t.links = NULL;
	*out = root;
	root = NULL;
done:
	json_decref(root);
	json_decref(t.nodes);
	json_decref(t.links);
	json_decref(t.names);
	json_decref(t.mismatches);
	return error;
}
