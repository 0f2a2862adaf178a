/*
 * test_trace.c — traceability (funds.h, trace.c): a payment leads back to its
 * acceptance and the chain of allocations it came from, as far as the reader's
 * scope reaches; an allocation's trace accounts for every fen, recomputed from the
 * rows, with a Sankey chart whose flows add up; and a row altered directly in the
 * store (a cached total, a payment's amount, a child's amount, a payroll run) is
 * reported as a mismatch naming the allocation and the field. The lists of
 * query.c are checked for scope and filters on the same data.
 */
#include "helpers.h"

#include "auth/auth.h"
#include "base/idcard.h"
#include "base/json.h"
#include "files/files.h"
#include "funds/beneficiary.h"
#include "funds/funds.h"
#include "funds/payroll.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Every test starts from a fresh store with
 *
 *	100000 national ── 420000 Hubei ── 420500 Yichang ── 420527 Zigui (county)
 *	               └── 330000 Zhejiang
 *
 * money from 中央财政 down to Zigui (county) and a budget line of it (line), a
 * project funded by the county's allocation whose first stage is accepted and paid
 * 30 million fen from the line, and a payroll run of three people approved against
 * the county's allocation.
 */
enum { P_OWNER, P_REVIEWER1, P_REVIEWER2, P_MAKER, P_CHECKER, P_ZHEJIANG, P_COUNT };

static const struct {
	const char *login, *role;
} people[P_COUNT] = {
    [P_OWNER] = {"owner", "director"},         [P_REVIEWER1] = {"reviewer1", "reviewer"},
    [P_REVIEWER2] = {"reviewer2", "reviewer"}, [P_MAKER] = {"maker", "finance"},
    [P_CHECKER] = {"checker", "finance"},      [P_ZHEJIANG] = {"zhejiang", "finance"},
};

#define SITE_LAT 30825000
#define SITE_LON 110978000
#define MILLION INT64_C(1000000)
#define PAID (30 * MILLION)
#define PAYROLL (3 * 60000)

typedef struct {
	lz_test_env env;
	lz_ctx ctx;
	int64_t national, a, a1, a11, b;
	int64_t alloc_national, alloc_province, alloc_city, alloc_county, line;
	int64_t staff[P_COUNT], user[P_COUNT];
	int64_t project, stage, payment, programme, run;
	char photo[65];
} fixture;

static int64_t make_allocation(fixture *f, int64_t bureau, int64_t parent, int64_t fen)
{
	lz_allocation_input in = {bureau, parent, "中央财政", 2026, "大中型水库移民后期扶持", fen};
	int64_t id = 0;
	assert_ok(lz_allocation_create(&id, &f->ctx, &in));
	return id;
}

static void as_system(fixture *f)
{
	lz_ctx_act_as_system(&f->ctx, "test");
}

static void as(fixture *f, int who)
{
	assert_ok(lz_auth_act_as(&f->ctx, f->user[who]));
}

static int64_t jint(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_integer(v))
		fail_msg("no integer '%s'", key);
	return json_integer_value(v);
}

/* A valid ID number of Zigui for sequence 'seq'. */
static void make_id(char out[19], int seq)
{
	char first[32];
	snprintf(first, sizeof(first), "42052719600307%03d", seq);
	memcpy(out, first, 17);
	out[17] = lz_idcard_check_char(first);
	out[18] = '\0';
}

/* The accepted stage 1 of a project and a payment of PAID from the line, paid. */
static void make_paid_project(fixture *f)
{
	lz_project_input in = {0};
	lz_inspection_input insp = {0};
	lz_payment_input pay = {0};
	bool accepted = false;
	int64_t id;

	in.bureau_id = f->a11;
	in.name = "茅坪移民安置点道路工程";
	in.kind = "infrastructure";
	in.site_lat = SITE_LAT;
	in.site_lon = SITE_LON;
	in.site_radius_m = 500;
	in.budget_fen = 100 * MILLION;
	in.owner_staff_id = f->staff[P_OWNER];
	in.contractor = "宜昌路桥建设有限公司";
	in.allocation_id = f->alloc_county;
	in.nstages = 2;
	in.stages[0] = (lz_stage_input){"路基", "路基压实度≥95%", 4000};
	in.stages[1] = (lz_stage_input){"路面", "路面平整", 6000};
	assert_ok(lz_project_create(&f->project, &f->ctx, &in));
	assert_ok(lz_project_stage_id(&f->stage, &f->ctx, f->project, 1));

	insp.inspected_at = f->env.clock.fixed - 3600;
	insp.lat = SITE_LAT + 1000;
	insp.lon = SITE_LON - 1000;
	insp.completion_pct = 100;
	insp.findings = "路基已完成";
	insp.nevidence = 1;
	insp.evidence[0] = f->photo;
	as(f, P_REVIEWER1);
	assert_ok(lz_stage_review_materials(&f->ctx, f->stage, "资料齐全"));
	assert_ok(lz_inspection_record(&id, &f->ctx, f->stage, &insp));
	assert_ok(lz_acceptance_sign(&accepted, &f->ctx, f->stage));
	as(f, P_REVIEWER2);
	assert_ok(lz_acceptance_sign(&accepted, &f->ctx, f->stage));
	assert_true(accepted);

	pay.project_id = f->project;
	pay.stage_id = f->stage;
	pay.allocation_id = f->line;
	pay.amount_fen = PAID;
	pay.idempotency_key = "trace-payment-0001";
	as(f, P_MAKER);
	assert_ok(lz_payment_prepare(&f->payment, NULL, &f->ctx, &pay));
	as(f, P_CHECKER);
	assert_ok(lz_payment_approve(&f->ctx, f->payment));
	assert_ok(lz_payment_mark_paid(&f->ctx, f->payment, "BANK-0001"));
	as_system(f);
}

/* A programme of Zigui with three active people and their 2025 run, approved. */
static void make_payroll(fixture *f)
{
	lz_programme_input prog = {0};

	prog.bureau_id = f->a11;
	prog.name = "三峡移民后期扶持";
	assert_ok(lz_programme_create(&f->programme, &f->ctx, &prog));
	for (int i = 0; i < 3; i++) {
		lz_beneficiary_input in = {0};
		char id_number[19], name[16];
		int64_t id;
		make_id(id_number, i + 1);
		snprintf(name, sizeof(name), "移民%d", i);
		in.programme_id = f->programme;
		in.id_number = id_number;
		in.name = name;
		in.relocated_on = "2010-05-01";
		assert_ok(lz_beneficiary_create(&id, &f->ctx, &in));
	}
	as(f, P_MAKER);
	assert_ok(
	    lz_payroll_prepare(&f->run, &f->ctx, f->programme, "2025-01-01", "2025-12-31", f->alloc_county));
	as(f, P_CHECKER);
	assert_ok(lz_payroll_approve(&f->ctx, f->run));
	as_system(f);
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	static const unsigned char jpeg[] = {0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 'J',
	                                     'F',  'I',  'F',  0x00, 1,    2,    3};

	lz_test_env_setup(&f->env);
	lz_test_ctx(&f->ctx, &f->env);
	f->national = lz_test_bureau(&f->ctx, "100000", "国家移民管理局", "national", 0);
	f->a = lz_test_bureau(&f->ctx, "420000", "湖北省移民局", "province", f->national);
	f->a1 = lz_test_bureau(&f->ctx, "420500", "宜昌市移民局", "city", f->a);
	f->a11 = lz_test_bureau(&f->ctx, "420527", "秭归县移民局", "county", f->a1);
	f->b = lz_test_bureau(&f->ctx, "330000", "浙江省移民局", "province", f->national);
	for (int i = 0; i < P_COUNT; i++) {
		lz_staff_input in = {0};
		char no[16];
		snprintf(no, sizeof(no), "E%03d", i);
		in.bureau_id = i == P_ZHEJIANG ? f->b : f->a11;
		in.employee_no = no;
		in.name = people[i].login;
		assert_ok(lz_staff_create(&f->staff[i], &f->ctx, &in));
		assert_ok(lz_user_add(&f->user[i], &f->ctx, people[i].login, people[i].role,
		                      i == P_ZHEJIANG ? "330000" : "420527", "a-long-passphrase",
		                      f->staff[i]));
	}
	f->alloc_national = make_allocation(f, f->national, 0, 1000000 * MILLION);
	f->alloc_province = make_allocation(f, f->a, f->alloc_national, 100000 * MILLION);
	f->alloc_city = make_allocation(f, f->a1, f->alloc_province, 10000 * MILLION);
	f->alloc_county = make_allocation(f, f->a11, f->alloc_city, 1000 * MILLION);
	f->line = make_allocation(f, f->a11, f->alloc_county, 100 * MILLION);
	assert_ok(lz_file_put(f->photo, &f->ctx, f->a11, "site.jpg", "image/jpeg", jpeg, sizeof(jpeg)));
	make_paid_project(f);
	make_payroll(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	lz_ctx_done(&f->ctx);
	lz_test_env_teardown(&f->env);
	free(f);
	return 0;
}

/* The trace node of allocation 'id' in a trace tree, or NULL. */
static json_t *node_of(json_t *node, int64_t id)
{
	json_t *kid, *found;
	size_t i;

	if (jint(json_object_get(node, "allocation"), "id") == id)
		return node;
	json_array_foreach(json_object_get(node, "children"), i,
	                   kid) if ((found = node_of(kid, id))) return found;
	return NULL;
}

static json_t *trace(fixture *f, int64_t id)
{
	json_t *t = NULL;
	assert_ok(lz_allocation_trace_json(&t, &f->ctx, id));
	return t;
}

/* Whether the trace reports a mismatch of 'field' on allocation 'id'. */
static bool has_mismatch(json_t *t, int64_t id, const char *field)
{
	json_t *m;
	size_t i;

	json_array_foreach(json_object_get(t, "mismatches"), i,
	                   m) if (jint(m, "allocation_id") == id &&
	                          strcmp(json_string_value(json_object_get(m, "field")), field) ==
	                              0) return true;
	return false;
}

/* ---------------------------------------------------------------- allocation traces */

static void test_trace__every_fen_is_accounted_for(void **state)
{
	fixture *f = *state;
	json_t *t = trace(f, f->alloc_national), *n, *totals, *nodes, *links, *link, *names = json_object();
	int64_t unspent = 0;
	size_t i, j;

	assert_true(json_is_true(json_object_get(t, "conserved")));
	assert_int_equal(json_array_size(json_object_get(t, "mismatches")), 0);
	assert_true(json_is_false(json_object_get(t, "truncated")));

	/* The county gave 100 million to the line and paid the run; the line paid the project. */
	n = node_of(t, f->alloc_county);
	assert_non_null(n);
	totals = json_object_get(n, "totals");
	assert_int_equal(jint(totals, "amount_fen"), 1000 * MILLION);
	assert_int_equal(jint(totals, "children_fen"), 100 * MILLION);
	assert_int_equal(jint(totals, "spent_fen"), PAYROLL);
	assert_int_equal(jint(totals, "free_fen"), 900 * MILLION - PAYROLL);
	assert_int_equal(json_array_size(json_object_get(n, "payroll_runs")), 1);
	assert_int_equal(jint(json_array_get(json_object_get(n, "payroll_runs"), 0), "approved_fen"),
	                 PAYROLL);
	n = node_of(t, f->line);
	assert_non_null(n);
	assert_int_equal(jint(json_object_get(n, "totals"), "spent_fen"), PAID);
	assert_int_equal(jint(json_array_get(json_object_get(n, "projects"), 0), "project_id"), f->project);
	assert_true(json_is_true(json_object_get(n, "conserved")));

	/* The chart: unique names; each allocation's outflows are its amount; the sink takes the free. */
	nodes = json_object_get(json_object_get(t, "sankey"), "nodes");
	links = json_object_get(json_object_get(t, "sankey"), "links");
	json_array_foreach(nodes, i, n)
	{
		const char *name = json_string_value(json_object_get(n, "name"));
		assert_null(json_object_get(names, name));
		json_object_set_new(names, name, json_true());
	}
	assert_int_equal(json_array_size(nodes), 5 + 1 + 1 + 1); /* allocations, project, run, sink */
	json_array_foreach(nodes, i, n)
	{
		const char *name = json_string_value(json_object_get(n, "name"));
		int64_t out = 0, amount;
		lz_allocation a;
		if (strcmp(json_string_value(json_object_get(n, "kind")), "allocation") != 0)
			continue;
		json_array_foreach(
		    links, j, link) if (strcmp(json_string_value(json_object_get(link, "source")), name) == 0)
		    out += jint(link, "value");
		assert_ok(lz_allocation_get(&a, &f->ctx, jint(n, "id")));
		amount = a.amount_fen;
		assert_int_equal(out, amount);
	}
	json_array_foreach(links, j, link)
	{
		assert_non_null(json_object_get(names, json_string_value(json_object_get(link, "source"))));
		assert_non_null(json_object_get(names, json_string_value(json_object_get(link, "target"))));
		if (strcmp(json_string_value(json_object_get(link, "target")), "未使用/unspent") == 0)
			unspent += jint(link, "value");
	}
	/* Everything that left 中央财政 and was not spent is unspent somewhere. */
	assert_int_equal(unspent, 1000000 * MILLION - PAID - PAYROLL);

	/* The line's own trace lists the payment one by one. */
	json_decref(t);
	t = trace(f, f->line);
	assert_int_equal(json_array_size(json_object_get(t, "payments")), 1);
	assert_int_equal(jint(json_array_get(json_object_get(t, "payments"), 0), "id"), f->payment);
	json_decref(t);
	json_decref(names);
}

static void test_trace__a_row_altered_directly_is_a_mismatch(void **state)
{
	fixture *f = *state;
	char sql[200];
	json_t *t;

	/* The line's cached spent total, lowered behind the module's back. */
	snprintf(sql, sizeof(sql), "UPDATE allocation SET spent_fen = spent_fen - 5 WHERE id = %lld",
	         (long long)f->line);
	lz_test_sql(&f->env, sql);
	t = trace(f, f->alloc_national);
	assert_true(json_is_false(json_object_get(t, "conserved")));
	assert_true(has_mismatch(t, f->line, "spent_fen"));
	assert_true(json_is_false(json_object_get(node_of(t, f->line), "conserved")));
	assert_true(json_is_true(json_object_get(node_of(t, f->alloc_county), "conserved")));
	assert_int_equal(json_array_size(json_object_get(t, "mismatches")), 1);
	json_decref(t);
	snprintf(sql, sizeof(sql), "UPDATE allocation SET spent_fen = spent_fen + 5 WHERE id = %lld",
	         (long long)f->line);
	lz_test_sql(&f->env, sql);
	t = trace(f, f->alloc_national);
	assert_true(json_is_true(json_object_get(t, "conserved")));
	json_decref(t);

	/* A payment's amount changed: the cached total no longer matches the payments. */
	snprintf(sql, sizeof(sql), "UPDATE payment SET amount_fen = amount_fen + 100 WHERE id = %lld",
	         (long long)f->payment);
	lz_test_sql(&f->env, sql);
	t = trace(f, f->line);
	assert_true(json_is_false(json_object_get(t, "conserved")));
	assert_true(has_mismatch(t, f->line, "spent_fen"));
	json_decref(t);

	/* A child's amount raised: its parent's children total no longer adds up. */
	snprintf(sql, sizeof(sql), "UPDATE allocation SET amount_fen = amount_fen + 7 WHERE id = %lld",
	         (long long)f->line);
	lz_test_sql(&f->env, sql);
	t = trace(f, f->alloc_city);
	assert_true(has_mismatch(t, f->alloc_county, "children_fen"));
	json_decref(t);

	/* An approved payroll run's total changed. */
	snprintf(sql, sizeof(sql), "UPDATE payroll_run SET approved_fen = approved_fen - 1 WHERE id = %lld",
	         (long long)f->run);
	lz_test_sql(&f->env, sql);
	t = trace(f, f->alloc_county);
	assert_true(has_mismatch(t, f->alloc_county, "spent_fen"));
	json_decref(t);
}

static void test_trace__scope_and_rights(void **state)
{
	fixture *f = *state;
	json_t *t = NULL;

	/* Zigui's finance sees the county's allocations, not the city's. */
	as(f, P_MAKER);
	assert_ok(lz_allocation_trace_json(&t, &f->ctx, f->alloc_county));
	json_decref(t);
	expect_error(lz_allocation_trace_json(&t, &f->ctx, f->alloc_city), LZ_ENOTFOUND, NULL);
	as(f, P_ZHEJIANG);
	expect_error(lz_allocation_trace_json(&t, &f->ctx, f->alloc_county), LZ_ENOTFOUND, NULL);
	expect_error(lz_payment_trace_json(&t, &f->ctx, f->payment), LZ_ENOTFOUND, NULL);
	as_system(f);
	expect_error(lz_allocation_trace_json(&t, &f->ctx, 999999), LZ_ENOTFOUND, NULL);
	expect_error(lz_payment_trace_json(&t, &f->ctx, 999999), LZ_ENOTFOUND, NULL);
}

static void test_trace__deep_trees_are_cut_and_say_so(void **state)
{
	fixture *f = *state;
	int64_t parent = f->line, ids[LZ_TRACE_DEPTH_MAX + 2];
	json_t *t, *n;
	int depth = 0;

	/* Budget lines within lines, deeper than a trace expands. */
	for (int i = 0; i < LZ_TRACE_DEPTH_MAX + 2; i++)
		parent = ids[i] = make_allocation(f, f->a11, parent, 1000 - i);
	t = trace(f, f->alloc_county);
	assert_true(json_is_true(json_object_get(t, "truncated")));
	assert_true(json_is_true(json_object_get(t, "conserved")));
	for (n = t; json_array_size(json_object_get(n, "children")); depth++)
		n = json_array_get(json_object_get(n, "children"), 0);
	assert_int_equal(depth, LZ_TRACE_DEPTH_MAX);
	assert_null(node_of(t, ids[LZ_TRACE_DEPTH_MAX + 1]));
	/* The last one shown still has its exact totals, its children counted. */
	assert_int_equal(jint(json_object_get(n, "totals"), "children_fen"),
	                 jint(json_object_get(n, "allocation"), "children_fen"));
	json_decref(t);
}

/* ---------------------------------------------------------------- payment traces */

static void test_trace__a_payment_leads_back_to_its_acceptance_and_source(void **state)
{
	fixture *f = *state;
	json_t *t = NULL, *insp, *chain, *sig;
	int64_t ids[] = {f->line, f->alloc_county, f->alloc_city, f->alloc_province, f->alloc_national};
	size_t i;

	assert_ok(lz_payment_trace_json(&t, &f->ctx, f->payment));
	assert_int_equal(jint(json_object_get(t, "payment"), "id"), f->payment);
	assert_int_equal(jint(json_object_get(t, "project"), "id"), f->project);
	assert_int_equal(jint(json_object_get(t, "stage"), "id"), f->stage);
	insp = json_object_get(json_object_get(t, "acceptance"), "inspection");
	assert_int_equal(jint(insp, "completion_pct"), 100);
	assert_true(jint(insp, "distance_m") > 0 && jint(insp, "distance_m") <= 500);
	assert_string_equal(json_string_value(json_array_get(json_object_get(insp, "evidence"), 0)),
	                    f->photo);
	assert_int_equal(jint(json_object_get(insp, "inspector"), "staff_id"), f->staff[P_REVIEWER1]);
	sig = json_object_get(json_object_get(t, "acceptance"), "signatures");
	assert_int_equal(json_array_size(sig), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(sig, 1), "name")), "reviewer2");
	chain = json_object_get(t, "chain");
	assert_int_equal(json_array_size(chain), 5);
	for (i = 0; i < 5; i++) {
		assert_int_equal(jint(json_array_get(chain, i), "id"), ids[i]);
		assert_true(json_is_false(json_object_get(json_array_get(chain, i), "from_above")));
	}
	assert_string_equal(json_string_value(json_object_get(json_array_get(chain, 4), "bureau_code")),
	                    "100000");
	assert_string_equal(json_string_value(json_object_get(json_array_get(chain, 4), "source")),
	                    "中央财政");
	json_decref(t);

	/* A payroll run's chain starts at the allocation it was paid from. */
	assert_ok(lz_payroll_trace_json(&t, &f->ctx, f->run));
	chain = json_object_get(t, "chain");
	assert_int_equal(json_array_size(chain), 4);
	assert_int_equal(jint(json_array_get(chain, 0), "id"), f->alloc_county);
	assert_int_equal(jint(json_object_get(t, "programme"), "id"), f->programme);
	assert_string_equal(json_string_value(json_object_get(json_object_get(t, "run"), "approver_name")),
	                    "checker");
	json_decref(t);

	/* In the county, the chain ends at the county: the money came from above. */
	as(f, P_CHECKER);
	assert_ok(lz_payment_trace_json(&t, &f->ctx, f->payment));
	chain = json_object_get(t, "chain");
	assert_int_equal(json_array_size(chain), 2);
	assert_true(json_is_true(json_object_get(json_array_get(chain, 1), "from_above")));
	json_decref(t);
}

/* ---------------------------------------------------------------- lists */

static void test_trace__lists_are_scoped_and_filtered(void **state)
{
	fixture *f = *state;
	lz_funds_query q = LZ_FUNDS_QUERY_INIT;
	json_t *items = NULL;
	int64_t next = 0;

	q.parent_id = f->alloc_county;
	assert_ok(lz_allocation_list(&items, &next, &f->ctx, &q));
	assert_int_equal(json_array_size(items), 1);
	assert_int_equal(jint(json_array_get(items, 0), "id"), f->line);
	json_decref(items);

	q = (lz_funds_query)LZ_FUNDS_QUERY_INIT;
	q.limit = 2;
	assert_ok(lz_allocation_list(&items, &next, &f->ctx, &q));
	assert_int_equal(json_array_size(items), 2);
	assert_int_equal(next, jint(json_array_get(items, 1), "id"));
	json_decref(items);

	q = (lz_funds_query)LZ_FUNDS_QUERY_INIT;
	q.status = "paid";
	assert_ok(lz_payment_list(&items, &next, &f->ctx, &q));
	assert_int_equal(json_array_size(items), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "reference")),
	                    "BANK-0001");
	json_decref(items);
	q.status = "owed";
	expect_error(lz_payment_list(&items, &next, &f->ctx, &q), LZ_EINVALID, "status");

	q = (lz_funds_query)LZ_FUNDS_QUERY_INIT;
	q.q = "茅坪";
	assert_ok(lz_project_list(&items, &next, &f->ctx, &q));
	assert_int_equal(json_array_size(items), 1);
	assert_int_equal(jint(json_array_get(items, 0), "approved_fen"), PAID);
	assert_int_equal(jint(json_array_get(items, 0), "payable_fen"), 40 * MILLION);
	json_decref(items);

	assert_ok(lz_payroll_list(&items, &next, &f->ctx, f->a11, 0, 0, 50));
	assert_int_equal(json_array_size(items), 1);
	json_decref(items);

	/* Zhejiang sees none of it, and Zigui's bureau as a filter is missing to it. */
	as(f, P_ZHEJIANG);
	q = (lz_funds_query)LZ_FUNDS_QUERY_INIT;
	assert_ok(lz_allocation_list(&items, &next, &f->ctx, &q));
	assert_int_equal(json_array_size(items), 0);
	json_decref(items);
	assert_ok(lz_payment_list(&items, &next, &f->ctx, &q));
	assert_int_equal(json_array_size(items), 0);
	json_decref(items);
	q.bureau_id = f->a11;
	expect_error(lz_project_list(&items, &next, &f->ctx, &q), LZ_ENOTFOUND, "bureau_id");
	expect_error(lz_payroll_list(&items, &next, &f->ctx, f->a11, 0, 0, 50), LZ_ENOTFOUND, "bureau_id");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_trace__every_fen_is_accounted_for, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_trace__a_row_altered_directly_is_a_mismatch, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_trace__scope_and_rights, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_trace__deep_trees_are_cut_and_say_so, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_trace__a_payment_leads_back_to_its_acceptance_and_source,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_trace__lists_are_scoped_and_filtered, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
