/*
 * test_funds.c — allocations, projects, on-site acceptance and project payments:
 * every rule of funds.h, the bad input of issue 4, tenancy, and many approvals in
 * parallel against one budget line.
 */
#include "helpers.h"

#include "auth/auth.h"
#include "base/json.h"
#include "files/files.h"
#include "funds/funds.h"
#include "ledger/ledger.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * Every test starts from a fresh store with the hierarchy
 *
 *	100000 national ── 420000 Hubei (a) ── 420500 Yichang (a1) ── 420527 Zigui (a11)
 *	               └── 330000 Zhejiang (b) ── 330100 Hangzhou (b1) ── 330122 Tonglu (b11)
 *
 * money allocated from 中央财政 down to Zigui (alloc_county) and a budget line of it
 * (line), staff and accounts in Zigui, and a stored evidence photo.
 */
enum {
	P_OWNER,
	P_REVIEWER1,
	P_REVIEWER2,
	P_INSPECTOR,
	P_MAKER,
	P_CHECKER,
	P_DIRECTOR,
	P_CLERK,
	P_OTHER_FINANCE,
	P_COUNT
};

static const struct {
	const char *login, *role;
} people[P_COUNT] = {
    [P_OWNER] = {"owner", "director"},
    [P_REVIEWER1] = {"reviewer1", "reviewer"},
    [P_REVIEWER2] = {"reviewer2", "reviewer"},
    [P_INSPECTOR] = {"inspector", "inspector"},
    [P_MAKER] = {"maker", "finance"},
    [P_CHECKER] = {"checker", "finance"},
    [P_DIRECTOR] = {"director", "director"},
    [P_CLERK] = {"clerk", "clerk"},
    [P_OTHER_FINANCE] = {"tonglu.finance", "finance"},
};

typedef struct {
	lz_test_env env;
	lz_ctx ctx;
	int64_t national, a, a1, a11, b, b1, b11;
	int64_t alloc_national, alloc_province, alloc_city, alloc_county, line;
	int64_t staff[P_COUNT], user[P_COUNT];
	char photo[65], photo2[65];
} fixture;

/* The site of the test projects: 秭归, near the Three Gorges dam. */
#define SITE_LAT 30825000
#define SITE_LON 110978000
#define MILLION INT64_C(1000000)

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

static int64_t count(fixture *f, const char *sql)
{
	lz_conn *c;
	int64_t n = -1;
	assert_ok(lz_ctx_conn(&c, &f->ctx));
	assert_ok(lz_exec_int(&n, c, sql, true, NULL));
	return n;
}

/* Rows of every table the funds module writes, plus the audit log. */
static int64_t rows(fixture *f)
{
	return count(
	    f, "SELECT (SELECT count(*) FROM allocation) + (SELECT count(*) FROM project) + "
	       "(SELECT count(*) FROM project_stage) + (SELECT count(*) FROM inspection) + "
	       "(SELECT count(*) FROM inspection_evidence) + (SELECT count(*) FROM acceptance_signature) + "
	       "(SELECT count(*) FROM payment) + (SELECT count(*) FROM payment_event) + "
	       "(SELECT count(*) FROM audit_log)");
}

static int64_t ledger_size(fixture *f, int64_t bureau)
{
	lz_actor saved = f->ctx.actor;
	int64_t n = -1;
	as_system(f);
	assert_ok(lz_ledger_size(&n, &f->ctx, bureau));
	f->ctx.actor = saved;
	return n;
}

static int64_t allocation_spent(fixture *f, int64_t id)
{
	lz_actor saved = f->ctx.actor;
	lz_allocation a;
	as_system(f);
	assert_ok(lz_allocation_get(&a, &f->ctx, id));
	f->ctx.actor = saved;
	return a.spent_fen;
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	static const unsigned char jpeg[] = {0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 'J',
	                                     'F',  'I',  'F',  0x00, 1,    2,    3};
	unsigned char jpeg2[sizeof(jpeg)];

	lz_test_env_setup(&f->env);
	lz_test_ctx(&f->ctx, &f->env);
	f->national = lz_test_bureau(&f->ctx, "100000", "国家移民管理局", "national", 0);
	f->a = lz_test_bureau(&f->ctx, "420000", "湖北省移民局", "province", f->national);
	f->a1 = lz_test_bureau(&f->ctx, "420500", "宜昌市移民局", "city", f->a);
	f->a11 = lz_test_bureau(&f->ctx, "420527", "秭归县移民局", "county", f->a1);
	f->b = lz_test_bureau(&f->ctx, "330000", "浙江省移民局", "province", f->national);
	f->b1 = lz_test_bureau(&f->ctx, "330100", "杭州市移民局", "city", f->b);
	f->b11 = lz_test_bureau(&f->ctx, "330122", "桐庐县移民局", "county", f->b1);

	for (int i = 0; i < P_COUNT; i++) {
		lz_staff_input in = {0};
		char no[16];
		snprintf(no, sizeof(no), "E%03d", i);
		in.bureau_id = i == P_OTHER_FINANCE ? f->b11 : f->a11;
		in.employee_no = no;
		in.name = people[i].login;
		assert_ok(lz_staff_create(&f->staff[i], &f->ctx, &in));
		assert_ok(lz_user_add(&f->user[i], &f->ctx, people[i].login, people[i].role,
		                      i == P_OTHER_FINANCE ? "330122" : "420527", "a-long-passphrase",
		                      f->staff[i]));
	}

	f->alloc_national = make_allocation(f, f->national, 0, 1000000 * MILLION);
	f->alloc_province = make_allocation(f, f->a, f->alloc_national, 100000 * MILLION);
	f->alloc_city = make_allocation(f, f->a1, f->alloc_province, 10000 * MILLION);
	f->alloc_county = make_allocation(f, f->a11, f->alloc_city, 1000 * MILLION);
	f->line = make_allocation(f, f->a11, f->alloc_county, 100 * MILLION);

	assert_ok(lz_file_put(f->photo, &f->ctx, f->a11, "site.jpg", "image/jpeg", jpeg, sizeof(jpeg)));
	memcpy(jpeg2, jpeg, sizeof(jpeg));
	jpeg2[sizeof(jpeg2) - 1] = 9;
	assert_ok(lz_file_put(f->photo2, &f->ctx, f->a11, "site2.jpg", "image/jpeg", jpeg2, sizeof(jpeg2)));
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

/* A project in Zigui funded by alloc_county, owned by P_OWNER, with two stages
 * (40% and 60% of the budget). */
static int64_t make_project(fixture *f, int64_t budget_fen)
{
	lz_project_input in = {0};
	int64_t id = 0;

	in.bureau_id = f->a11;
	in.name = "茅坪移民安置点道路工程";
	in.kind = "infrastructure";
	in.site_lat = SITE_LAT;
	in.site_lon = SITE_LON;
	in.site_radius_m = 500;
	in.budget_fen = budget_fen;
	in.owner_staff_id = f->staff[P_OWNER];
	in.contractor = "宜昌路桥建设有限公司";
	in.allocation_id = f->alloc_county;
	in.nstages = 2;
	in.stages[0] = (lz_stage_input){"路基", "路基压实度≥95%", 4000};
	in.stages[1] = (lz_stage_input){"路面", "路面平整, 排水畅通", 6000};
	as_system(f);
	assert_ok(lz_project_create(&id, &f->ctx, &in));
	return id;
}

static int64_t stage_of(fixture *f, int64_t project, int seq)
{
	lz_actor saved = f->ctx.actor;
	int64_t id = 0;
	as_system(f);
	assert_ok(lz_project_stage_id(&id, &f->ctx, project, seq));
	f->ctx.actor = saved;
	return id;
}

static lz_inspection_input inspection_at(fixture *f, int64_t lat, int64_t lon, int64_t pct)
{
	lz_inspection_input in = {0};
	in.inspected_at = f->env.clock.fixed - 3600;
	in.lat = lat;
	in.lon = lon;
	in.completion_pct = pct;
	in.findings = "路基已完成, 抽检压实度 96%";
	in.nevidence = 1;
	in.evidence[0] = f->photo;
	return in;
}

/* Takes a stage through materials review, an inspection on site at 'pct' % and two
 * signatures, as the rules want. */
static void accept_stage(fixture *f, int64_t stage, int64_t pct)
{
	lz_inspection_input in = inspection_at(f, SITE_LAT + 1000, SITE_LON - 1000, pct); /* ≈ 150 m away */
	bool accepted = true;
	int64_t id;

	as(f, P_REVIEWER1);
	assert_ok(lz_stage_review_materials(&f->ctx, stage, "合同、监理日志、质检报告齐全"));
	as(f, P_INSPECTOR);
	assert_ok(lz_inspection_record(&id, &f->ctx, stage, &in));
	as(f, P_REVIEWER1);
	assert_ok(lz_acceptance_sign(&accepted, &f->ctx, stage));
	assert_false(accepted);
	as(f, P_REVIEWER2);
	assert_ok(lz_acceptance_sign(&accepted, &f->ctx, stage));
	assert_true(accepted);
	as_system(f);
}

static int64_t prepare(fixture *f, int64_t project, int64_t stage, int64_t fen, const char *key)
{
	lz_payment_input in = {project, stage, f->line, fen, NULL, key};
	int64_t id = 0;
	as(f, P_MAKER);
	assert_ok(lz_payment_prepare(&id, NULL, &f->ctx, &in));
	as_system(f);
	return id;
}

static const char *payment_status(fixture *f, int64_t id)
{
	static char status[16];
	json_t *j;
	as_system(f);
	assert_ok(lz_payment_get_json(&j, &f->ctx, id));
	snprintf(status, sizeof(status), "%s", json_string_value(json_object_get(j, "status")));
	json_decref(j);
	return status;
}

/* ---------------------------------------------------------------- allocations */

static void test_funds__allocations_flow_down_and_never_exceed_the_parent(void **state)
{
	fixture *f = *state;
	lz_allocation a;
	int64_t id = 0, before;

	assert_ok(lz_allocation_get(&a, &f->ctx, f->alloc_county));
	assert_int_equal(a.amount_fen, 1000 * MILLION);
	assert_int_equal(a.children_fen, 100 * MILLION);
	assert_int_equal(a.free_fen, 900 * MILLION);
	assert_int_equal(a.parent_id, f->alloc_city);

	/* Another line of 900 million fits exactly; one more fen does not. */
	before = rows(f);
	lz_allocation_input in = {f->a11, f->alloc_county, "省级配套", 2026, "道路维修", 900 * MILLION + 1};
	expect_error(lz_allocation_create(&id, &f->ctx, &in), LZ_ECONFLICT, "amount_fen");
	assert_int_equal(rows(f), before);
	in.amount_fen = 900 * MILLION;
	assert_ok(lz_allocation_create(&id, &f->ctx, &in));
	assert_ok(lz_allocation_get(&a, &f->ctx, f->alloc_county));
	assert_int_equal(a.free_fen, 0);
	in.amount_fen = 1;
	expect_error(lz_allocation_create(&id, &f->ctx, &in), LZ_ECONFLICT, "amount_fen");

	/* Money goes down, never sideways or up. */
	before = rows(f);
	lz_allocation_input sideways = {f->b11, f->alloc_city, "中央财政", 2026, "挪用", 1000};
	expect_error(lz_allocation_create(&id, &f->ctx, &sideways), LZ_EINVALID, "bureau_id");
	lz_allocation_input up = {f->a, f->alloc_county, "中央财政", 2026, "上划", 1000};
	expect_error(lz_allocation_create(&id, &f->ctx, &up), LZ_EINVALID, "bureau_id");
	lz_allocation_input year = {f->a11, f->alloc_city, "中央财政", 2025, "跨年", 1000};
	expect_error(lz_allocation_create(&id, &f->ctx, &year), LZ_EINVALID, "year");
	lz_allocation_input missing = {f->a11, 999999, "中央财政", 2026, "无", 1000};
	expect_error(lz_allocation_create(&id, &f->ctx, &missing), LZ_ENOTFOUND, "parent_id");
	assert_int_equal(rows(f), before);

	/* Each allocation is audited and in its bureau's ledger. */
	assert_int_equal(count(f, "SELECT count(*) FROM audit_log WHERE action = 'allocation.create'"), 6);
	assert_int_equal(ledger_size(f, f->a11), 3);
	assert_int_equal(ledger_size(f, f->national), 1);

	json_t *j;
	assert_ok(lz_allocation_get_json(&j, &f->ctx, f->line));
	assert_string_equal(json_string_value(json_object_get(j, "source")), "中央财政");
	assert_int_equal(json_integer_value(json_object_get(j, "amount_fen")), 100 * MILLION);
	json_decref(j);
}

static void test_funds__amounts_are_positive_bounded_integers(void **state)
{
	fixture *f = *state;
	lz_allocation_input in;
	json_t *obj;
	int64_t id = 0, before = rows(f);

	static const int64_t bad[] = {0, -1, -100 * MILLION, LZ_FEN_MAX + 1, INT64_MAX, INT64_MIN};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		in = (lz_allocation_input){f->a11, f->alloc_county, "中央财政", 2026, "扶持", bad[i]};
		expect_error(lz_allocation_create(&id, &f->ctx, &in), LZ_EINVALID, "amount_fen");
	}
	assert_int_equal(rows(f), before);

	/* From JSON: integers only. A real, a string, or a number past 64 bits is refused. */
	static const char *const texts[] = {
	    "{\"bureau_id\":1,\"source\":\"x\",\"year\":2026,\"purpose\":\"y\",\"amount_fen\":1.5}",
	    "{\"bureau_id\":1,\"source\":\"x\",\"year\":2026,\"purpose\":\"y\",\"amount_fen\":100.0}",
	    "{\"bureau_id\":1,\"source\":\"x\",\"year\":2026,\"purpose\":\"y\",\"amount_fen\":\"100\"}",
	    "{\"bureau_id\":1,\"source\":\"x\",\"year\":2026,\"purpose\":\"y\",\"amount_fen\":1e3}",
	};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		assert_ok(lz_json_parse_object(&obj, texts[i], strlen(texts[i])));
		expect_error(lz_allocation_input_from_json(&in, obj), LZ_EINVALID, "amount_fen");
		json_decref(obj);
	}
	const char *huge = "{\"amount_fen\":99999999999999999999}";
	assert_int_equal(lz_json_parse_object(&obj, huge, strlen(huge)), LZ_EMALFORMED);
	const char *extra =
	    "{\"bureau_id\":1,\"source\":\"x\",\"year\":2026,\"purpose\":\"y\",\"amount_fen\":5,\"x\":1}";
	assert_ok(lz_json_parse_object(&obj, extra, strlen(extra)));
	assert_true(lz_allocation_input_from_json(&in, obj) < 0);
	json_decref(obj);

	char good[200];
	snprintf(
	    good, sizeof(good),
	    "{\"bureau_id\":%lld,\"parent_id\":%lld,\"source\":\"中央财政\",\"year\":2026,\"purpose\":\"y\","
	    "\"amount_fen\":12345}",
	    (long long)f->a11, (long long)f->alloc_county);
	assert_ok(lz_json_parse_object(&obj, good, strlen(good)));
	assert_ok(lz_allocation_input_from_json(&in, obj));
	assert_ok(lz_allocation_create(&id, &f->ctx, &in));
	json_decref(obj);

	/* A sum that would pass the parent (or overflow) is refused before it is made. */
	in = (lz_allocation_input){f->a11, f->line, "中央财政", 2026, "扶持", LZ_FEN_MAX};
	expect_error(lz_allocation_create(&id, &f->ctx, &in), LZ_ECONFLICT, "amount_fen");

	/* The same bounds hold for projects and payments. */
	int64_t project = make_project(f, 10 * MILLION);
	int64_t stage = stage_of(f, project, 1);
	accept_stage(f, stage, 100);
	as(f, P_MAKER);
	before = rows(f);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		lz_payment_input p = {project, stage, f->line, bad[i], NULL, "key-amount-bad"};
		expect_error(lz_payment_prepare(&id, NULL, &f->ctx, &p), LZ_EINVALID, "amount_fen");
	}
	assert_int_equal(rows(f), before);
	const char *pay = "{\"project_id\":1,\"stage_id\":1,\"allocation_id\":1,\"amount_fen\":10.5}";
	assert_ok(lz_json_parse_object(&obj, pay, strlen(pay)));
	lz_payment_input pin;
	expect_error(lz_payment_input_from_json(&pin, obj), LZ_EINVALID, "amount_fen");
	json_decref(obj);
}

/* ---------------------------------------------------------------- projects */

static void test_funds__project_stages_share_the_whole_budget(void **state)
{
	fixture *f = *state;
	lz_project_input in = {0};
	json_t *obj, *j;
	int64_t id = 0, before = rows(f);
	char text[1024];

	snprintf(
	    text, sizeof(text),
	    "{\"bureau_id\":%lld,\"name\":\"安置房\",\"kind\":\"housing\",\"site_lat\":%d,\"site_lon\":%d,"
	    "\"site_radius_m\":300,\"budget_fen\":500000000,\"owner_staff_id\":%lld,\"contractor\":"
	    "\"某建筑公司\","
	    "\"allocation_id\":%lld,\"stages\":[{\"name\":\"主体\",\"criteria\":\"封顶\",\"share_bp\":7000},"
	    "{\"name\":\"装修\",\"criteria\":\"入住\",\"share_bp\":2000}]}",
	    (long long)f->a11, SITE_LAT, SITE_LON, (long long)f->staff[P_OWNER], (long long)f->alloc_county);
	assert_ok(lz_json_parse_object(&obj, text, strlen(text)));
	assert_ok(lz_project_input_from_json(&in, obj));
	expect_error(lz_project_create(&id, &f->ctx, &in), LZ_EINVALID, "stages.share_bp");
	in.stages[1].share_bp = 3000;

	lz_project_input bad = in;
	bad.kind = "bridge";
	expect_error(lz_project_create(&id, &f->ctx, &bad), LZ_EINVALID, "kind");
	bad = in;
	bad.site_lat = 91000000;
	expect_error(lz_project_create(&id, &f->ctx, &bad), LZ_EINVALID, "site_lat");
	bad = in;
	bad.site_radius_m = 0;
	expect_error(lz_project_create(&id, &f->ctx, &bad), LZ_EINVALID, "site_radius_m");
	bad = in;
	bad.budget_fen = -5;
	expect_error(lz_project_create(&id, &f->ctx, &bad), LZ_EINVALID, "budget_fen");
	bad = in;
	bad.owner_staff_id = f->staff[P_OTHER_FINANCE]; /* of Tonglu */
	expect_error(lz_project_create(&id, &f->ctx, &bad), LZ_EINVALID, "owner_staff_id");
	bad = in;
	bad.allocation_id = f->alloc_city; /* not Zigui's money */
	expect_error(lz_project_create(&id, &f->ctx, &bad), LZ_EINVALID, "allocation_id");
	assert_int_equal(rows(f), before);

	assert_ok(lz_project_create(&id, &f->ctx, &in));
	assert_ok(lz_project_get_json(&j, &f->ctx, id));
	assert_string_equal(json_string_value(json_object_get(j, "kind")), "housing");
	assert_int_equal(json_array_size(json_object_get(j, "stages")), 2);
	assert_int_equal(json_integer_value(json_object_get(j, "payable_fen")), 0);
	json_t *st = json_array_get(json_object_get(j, "stages"), 0);
	assert_int_equal(json_integer_value(json_object_get(st, "share_bp")), 7000);
	assert_false(json_boolean_value(json_object_get(st, "accepted")));
	json_decref(j);

	/* A clerk registers projects; an inspector does not. */
	as(f, P_CLERK);
	assert_ok(lz_project_create(&id, &f->ctx, &in));
	as(f, P_INSPECTOR);
	expect_error(lz_project_create(&id, &f->ctx, &in), LZ_EFORBIDDEN, NULL);
	json_decref(obj);
}

/* ---------------------------------------------------------------- acceptance */

static void test_funds__acceptance_needs_someone_on_site_and_two_people(void **state)
{
	fixture *f = *state;
	int64_t project = make_project(f, 100 * MILLION), stage = stage_of(f, project, 1), id = 0, before;
	lz_inspection_input in;
	bool accepted = true;
	json_t *j;

	/* No signature before the materials are reviewed, none before an inspection. */
	as(f, P_REVIEWER1);
	expect_error(lz_acceptance_sign(&accepted, &f->ctx, stage), LZ_ECONFLICT, NULL);
	assert_ok(lz_stage_review_materials(&f->ctx, stage, "材料齐全"));
	expect_error(lz_stage_review_materials(&f->ctx, stage, "again"), LZ_ECONFLICT, NULL);
	before = rows(f);
	expect_error(lz_acceptance_sign(&accepted, &f->ctx, stage), LZ_ECONFLICT, NULL);
	assert_string_equal(
	    lz_error_last()->message,
	    "no on-site inspection is recorded for this stage: acceptance needs someone to go there");
	assert_int_equal(rows(f), before);

	/* The inspection must be made at the site, with stored evidence. */
	as(f, P_INSPECTOR);
	in = inspection_at(f, SITE_LAT + 9000, SITE_LON, 80); /* 1 km north */
	expect_error(lz_inspection_record(&id, &f->ctx, stage, &in), LZ_ECONFLICT, "lat");
	in = inspection_at(f, SITE_LAT, SITE_LON, 80);
	in.evidence[0] = "0000000000000000000000000000000000000000000000000000000000000000";
	expect_error(lz_inspection_record(&id, &f->ctx, stage, &in), LZ_ECONFLICT, "evidence");
	in.evidence[0] = "not-a-hash";
	expect_error(lz_inspection_record(&id, &f->ctx, stage, &in), LZ_EINVALID, "evidence");
	in.nevidence = 0;
	expect_error(lz_inspection_record(&id, &f->ctx, stage, &in), LZ_EINVALID, "evidence");
	in = inspection_at(f, SITE_LAT, SITE_LON, 101);
	expect_error(lz_inspection_record(&id, &f->ctx, stage, &in), LZ_EINVALID, "completion_pct");
	in = inspection_at(f, SITE_LAT, SITE_LON, 80);
	in.inspected_at = f->env.clock.fixed + 60;
	expect_error(lz_inspection_record(&id, &f->ctx, stage, &in), LZ_EINVALID, "inspected_at");
	in = inspection_at(f, SITE_LAT, SITE_LON, 80);
	in.findings = "";
	expect_error(lz_inspection_record(&id, &f->ctx, stage, &in), LZ_EINVALID, "findings");
	assert_int_equal(rows(f), before);

	in = inspection_at(f, SITE_LAT + 2000, SITE_LON + 2000, 80); /* ≈ 290 m: inside 500 m */
	in.nevidence = 2;
	in.evidence[1] = f->photo2;
	assert_ok(lz_inspection_record(&id, &f->ctx, stage, &in));
	assert_true(id > 0);
	assert_int_equal(count(f, "SELECT count(*) FROM inspection_evidence"), 2);
	assert_int_equal(count(f, "SELECT distance_m FROM inspection"),
	                 lz_geo_distance_m(SITE_LAT, SITE_LON, SITE_LAT + 2000, SITE_LON + 2000));

	/* Two different people, neither the owner; nobody twice. */
	as(f, P_OWNER);
	expect_error(lz_acceptance_sign(&accepted, &f->ctx, stage), LZ_ECONFLICT, NULL);
	as(f, P_REVIEWER1);
	assert_ok(lz_acceptance_sign(&accepted, &f->ctx, stage));
	assert_false(accepted);
	before = rows(f);
	expect_error(lz_acceptance_sign(&accepted, &f->ctx, stage), LZ_ECONFLICT, NULL);
	assert_int_equal(rows(f), before);
	as(f, P_MAKER); /* finance does not sign acceptance */
	expect_error(lz_acceptance_sign(&accepted, &f->ctx, stage), LZ_EFORBIDDEN, NULL);
	as_system(f); /* nor does the system, which is no person */
	expect_error(lz_acceptance_sign(&accepted, &f->ctx, stage), LZ_EFORBIDDEN, NULL);
	int64_t unlinked = 0; /* an account that is nobody in particular */
	assert_ok(
	    lz_user_add(&unlinked, &f->ctx, "shared.reviewer", "reviewer", "420527", "a-long-passphrase", 0));
	assert_ok(lz_auth_act_as(&f->ctx, unlinked));
	expect_error(lz_acceptance_sign(&accepted, &f->ctx, stage), LZ_EFORBIDDEN, NULL);
	assert_non_null(strstr(lz_error_last()->message, "not linked to a staff record"));
	as(f, P_INSPECTOR);
	assert_ok(lz_acceptance_sign(&accepted, &f->ctx, stage));
	assert_true(accepted);

	/* Accepted: payable up to budget × 40 % × 80 %, and final. */
	as_system(f);
	assert_ok(lz_project_get_json(&j, &f->ctx, project));
	assert_int_equal(json_integer_value(json_object_get(j, "payable_fen")),
	                 100 * MILLION * 40 / 100 * 80 / 100);
	json_t *st = json_array_get(json_object_get(j, "stages"), 0);
	assert_true(json_boolean_value(json_object_get(st, "accepted")));
	assert_int_equal(json_integer_value(json_object_get(st, "verified_pct")), 80);
	json_decref(j);
	as(f, P_REVIEWER2);
	expect_error(lz_acceptance_sign(&accepted, &f->ctx, stage), LZ_ECONFLICT, NULL);
	as(f, P_INSPECTOR);
	in = inspection_at(f, SITE_LAT, SITE_LON, 100);
	expect_error(lz_inspection_record(&id, &f->ctx, stage, &in), LZ_ECONFLICT, NULL);

	assert_int_equal(count(f, "SELECT count(*) FROM audit_log WHERE action = 'acceptance.sign'"), 2);
	assert_int_equal(count(f, "SELECT count(*) FROM audit_log WHERE action = 'stage.accept'"), 1);
	assert_int_equal(ledger_size(f, f->a11), 3); /* two allocations, one acceptance */
}

static void test_funds__a_new_inspection_needs_new_signatures(void **state)
{
	fixture *f = *state;
	int64_t project = make_project(f, 100 * MILLION), stage = stage_of(f, project, 2), id;
	lz_inspection_input in = inspection_at(f, SITE_LAT, SITE_LON, 50);
	bool accepted = true;

	as(f, P_REVIEWER1);
	assert_ok(lz_stage_review_materials(&f->ctx, stage, "材料齐全"));
	as(f, P_INSPECTOR);
	assert_ok(lz_inspection_record(&id, &f->ctx, stage, &in));
	as(f, P_REVIEWER1);
	assert_ok(lz_acceptance_sign(&accepted, &f->ctx, stage));
	as(f, P_INSPECTOR);
	in.completion_pct = 70;
	assert_ok(lz_inspection_record(&id, &f->ctx, stage, &in));
	/* Reviewer 1's signature was on the earlier inspection: one signature is not two. */
	as(f, P_REVIEWER2);
	assert_ok(lz_acceptance_sign(&accepted, &f->ctx, stage));
	assert_false(accepted);
	as(f, P_REVIEWER1);
	assert_ok(lz_acceptance_sign(&accepted, &f->ctx, stage));
	assert_true(accepted);
	as_system(f);
	json_t *j;
	assert_ok(lz_project_get_json(&j, &f->ctx, project));
	assert_int_equal(json_integer_value(json_object_get(j, "payable_fen")),
	                 100 * MILLION * 60 / 100 * 70 / 100);
	json_decref(j);
}

static void test_funds__geo_distance_is_great_circle_metres(void **state)
{
	(void)state;
	assert_int_equal(lz_geo_distance_m(SITE_LAT, SITE_LON, SITE_LAT, SITE_LON), 0);
	/* One degree of latitude is about 111.2 km. */
	int64_t d = lz_geo_distance_m(30000000, 110000000, 31000000, 110000000);
	assert_true(d > 111000 && d < 111400);
	/* Across the antimeridian it is short, not half the world. */
	d = lz_geo_distance_m(0, 179999000, 0, -179999000);
	assert_true(d > 200 && d < 250);
}

/* ---------------------------------------------------------------- payments */

static void test_funds__the_maker_never_approves_nor_does_a_signer(void **state)
{
	fixture *f = *state;
	int64_t project = make_project(f, 100 * MILLION), stage = stage_of(f, project, 1), pay, before;
	bool accepted;
	lz_inspection_input in = inspection_at(f, SITE_LAT, SITE_LON, 100);
	int64_t id;

	/* The director signs this acceptance (with reviewer 1). */
	as(f, P_REVIEWER1);
	assert_ok(lz_stage_review_materials(&f->ctx, stage, "材料齐全"));
	as(f, P_INSPECTOR);
	assert_ok(lz_inspection_record(&id, &f->ctx, stage, &in));
	as(f, P_REVIEWER1);
	assert_ok(lz_acceptance_sign(&accepted, &f->ctx, stage));
	as(f, P_DIRECTOR);
	assert_ok(lz_acceptance_sign(&accepted, &f->ctx, stage));
	assert_true(accepted);

	pay = prepare(f, project, stage, 10 * MILLION, "pay-0001-four-eyes");
	before = rows(f);
	as(f, P_MAKER);
	expect_error(lz_payment_approve(&f->ctx, pay), LZ_ECONFLICT, NULL);
	as(f, P_DIRECTOR);
	expect_error(lz_payment_approve(&f->ctx, pay), LZ_ECONFLICT, NULL);
	as(f, P_CLERK);
	expect_error(lz_payment_approve(&f->ctx, pay), LZ_EFORBIDDEN, NULL);
	as(f, P_REVIEWER1);
	expect_error(lz_payment_approve(&f->ctx, pay), LZ_EFORBIDDEN, NULL);
	as_system(f);
	expect_error(lz_payment_approve(&f->ctx, pay), LZ_EFORBIDDEN, NULL);
	assert_int_equal(rows(f), before);
	assert_int_equal(allocation_spent(f, f->line), 0);
	assert_string_equal(payment_status(f, pay), "prepared");

	as(f, P_CHECKER);
	assert_ok(lz_payment_approve(&f->ctx, pay));
	assert_string_equal(payment_status(f, pay), "approved");
	assert_int_equal(allocation_spent(f, f->line), 10 * MILLION);
	as(f, P_CHECKER);
	expect_error(lz_payment_approve(&f->ctx, pay), LZ_ECONFLICT, "status");
	assert_int_equal(allocation_spent(f, f->line), 10 * MILLION);
}

static void test_funds__an_idempotency_key_answers_the_same_payment(void **state)
{
	fixture *f = *state;
	int64_t project = make_project(f, 100 * MILLION), stage = stage_of(f, project, 1), first, again = 0,
	        before;

	accept_stage(f, stage, 100);
	first = prepare(f, project, stage, 5 * MILLION, "retry-key-0001");
	before = rows(f);
	again = prepare(f, project, stage, 5 * MILLION, "retry-key-0001");
	assert_int_equal(again, first);
	assert_int_equal(rows(f), before);
	/* The caller is told it was a replay (the API answers 200 instead of 201). */
	bool replayed = false;
	as(f, P_MAKER);
	lz_payment_input same = {project, stage, f->line, 5 * MILLION, NULL, "retry-key-0001"};
	assert_ok(lz_payment_prepare(&again, &replayed, &f->ctx, &same));
	assert_true(replayed);
	assert_int_equal(again, first);

	as(f, P_MAKER);
	lz_payment_input other = {project, stage, f->line, 6 * MILLION, NULL, "retry-key-0001"};
	expect_error(lz_payment_prepare(&again, NULL, &f->ctx, &other), LZ_ECONFLICT, "idempotency_key");
	other.amount_fen = 5 * MILLION;
	other.payee = "宜昌路桥建设有限公司"; /* a body with a payee is another body */
	expect_error(lz_payment_prepare(&again, NULL, &f->ctx, &other), LZ_ECONFLICT, "idempotency_key");
	other.idempotency_key = "short";
	expect_error(lz_payment_prepare(&again, NULL, &f->ctx, &other), LZ_EINVALID, "idempotency_key");
	other.idempotency_key = NULL;
	expect_error(lz_payment_prepare(&again, NULL, &f->ctx, &other), LZ_EINVALID, "idempotency_key");
	other.idempotency_key = "retry-key-0002";
	other.payee = "别的公司";
	expect_error(lz_payment_prepare(&again, NULL, &f->ctx, &other), LZ_EINVALID, "payee");
	assert_int_equal(rows(f), before);
	other.payee = "宜昌路桥建设有限公司";
	assert_ok(lz_payment_prepare(&again, NULL, &f->ctx, &other));
	assert_true(again != first);
}

static void test_funds__approval_stays_within_verified_completion(void **state)
{
	fixture *f = *state;
	int64_t project = make_project(f, 100 * MILLION), stage1 = stage_of(f, project, 1);
	int64_t stage2 = stage_of(f, project, 2), p1, p2, id = 0,
	        payable = 100 * MILLION * 40 / 100 * 60 / 100;

	/* Stage 2 is not accepted: nothing can be prepared against it. */
	as(f, P_MAKER);
	lz_payment_input in = {project, stage2, f->line, 1000, NULL, "stage-two-early"};
	expect_error(lz_payment_prepare(&id, NULL, &f->ctx, &in), LZ_ECONFLICT, NULL);

	accept_stage(f, stage1, 60);
	as(f, P_MAKER);
	in = (lz_payment_input){project, stage1, f->line, payable + 1, NULL, "over-the-work"};
	expect_error(lz_payment_prepare(&id, NULL, &f->ctx, &in), LZ_ECONFLICT, "amount_fen");
	in = (lz_payment_input){project, stage1, f->alloc_city, 1000, NULL, "not-our-money"};
	expect_error(lz_payment_prepare(&id, NULL, &f->ctx, &in), LZ_EINVALID, "allocation_id");
	in = (lz_payment_input){project, 999999, f->line, 1000, NULL, "no-such-stage"};
	expect_error(lz_payment_prepare(&id, NULL, &f->ctx, &in), LZ_ENOTFOUND, "stage_id");

	/* Each fits alone; together they pass the verified work, so the second approval fails. */
	p1 = prepare(f, project, stage1, payable - 1000, "within-work-1");
	p2 = prepare(f, project, stage1, 2000, "within-work-2");
	as(f, P_CHECKER);
	assert_ok(lz_payment_approve(&f->ctx, p1));
	int64_t before = rows(f);
	expect_error(lz_payment_approve(&f->ctx, p2), LZ_ECONFLICT, "amount_fen");
	assert_int_equal(rows(f), before);
	assert_int_equal(allocation_spent(f, f->line), payable - 1000);
	assert_string_equal(payment_status(f, p2), "prepared");
	/* Cancelling the first frees the room. */
	as(f, P_CHECKER);
	assert_ok(lz_payment_cancel(&f->ctx, p1, "金额有误"));
	assert_int_equal(allocation_spent(f, f->line), 0);
	assert_ok(lz_payment_approve(&f->ctx, p2));
	assert_int_equal(allocation_spent(f, f->line), 2000);
}

static void test_funds__a_budget_line_is_never_overdrawn(void **state)
{
	fixture *f = *state;
	int64_t project = make_project(f, 1000 * MILLION), stage = stage_of(f, project, 2), small, p1, p2;
	lz_allocation_input in = {f->a11, f->alloc_county, "中央财政", 2026, "小额专项", 3000};

	as_system(f);
	assert_ok(lz_allocation_create(&small, &f->ctx, &in));
	accept_stage(f, stage, 100);
	as(f, P_MAKER);
	lz_payment_input a = {project, stage, small, 2000, NULL, "small-line-1"};
	lz_payment_input b = {project, stage, small, 2000, NULL, "small-line-2"};
	assert_ok(lz_payment_prepare(&p1, NULL, &f->ctx, &a));
	assert_ok(lz_payment_prepare(&p2, NULL, &f->ctx, &b));
	as(f, P_CHECKER);
	assert_ok(lz_payment_approve(&f->ctx, p1));
	expect_error(lz_payment_approve(&f->ctx, p2), LZ_ECONFLICT, "allocation_id");
	assert_int_equal(allocation_spent(f, small), 2000);
	/* And the store itself refuses an overdrawn row, whatever the code does. */
	lz_conn *c;
	assert_ok(lz_ctx_conn(&c, &f->ctx));
	assert_true(lz_conn_exec(c,
	                         "UPDATE allocation SET spent_fen = amount_fen + 1 WHERE source = '中央财政' "
	                         "AND purpose = '小额专项'") < 0);
	assert_int_equal(allocation_spent(f, small), 2000);
}

static void test_funds__payments_are_paid_cancelled_and_reversed_by_new_entries(void **state)
{
	fixture *f = *state;
	int64_t project = make_project(f, 100 * MILLION), stage = stage_of(f, project, 1), p1, p2, p3;
	int64_t ledger0;
	json_t *j;

	accept_stage(f, stage, 100);
	ledger0 = ledger_size(f, f->a11);
	p1 = prepare(f, project, stage, 1 * MILLION, "life-0001");
	p2 = prepare(f, project, stage, 2 * MILLION, "life-0002");
	p3 = prepare(f, project, stage, 3 * MILLION, "life-0003");
	as(f, P_CHECKER);
	assert_ok(lz_payment_approve(&f->ctx, p1));
	assert_ok(lz_payment_approve(&f->ctx, p2));
	expect_error(lz_payment_reverse(&f->ctx, p1, "未付不能冲正"), LZ_ECONFLICT, "status");
	expect_error(lz_payment_mark_paid(&f->ctx, p3, "BANK-3"), LZ_ECONFLICT, "status");
	expect_error(lz_payment_mark_paid(&f->ctx, p1, ""), LZ_EINVALID, "reference");
	assert_ok(lz_payment_mark_paid(&f->ctx, p1, "BANK-20261027-0001"));
	expect_error(lz_payment_cancel(&f->ctx, p1, "已付"), LZ_ECONFLICT, "status");
	assert_int_equal(allocation_spent(f, f->line), 3 * MILLION);
	as(f, P_CHECKER);
	assert_ok(lz_payment_reverse(&f->ctx, p1, "收款账户错误, 资金退回"));
	assert_ok(lz_payment_cancel(&f->ctx, p2, "重复申请"));
	assert_ok(lz_payment_cancel(&f->ctx, p3, "项目调整"));
	expect_error(lz_payment_cancel(&f->ctx, p3, "again"), LZ_ECONFLICT, "status");
	expect_error(lz_payment_reverse(&f->ctx, p1, "again"), LZ_ECONFLICT, "status");
	assert_int_equal(allocation_spent(f, f->line), 0);

	assert_string_equal(payment_status(f, p1), "reversed");
	assert_string_equal(payment_status(f, p2), "cancelled");
	assert_string_equal(payment_status(f, p3), "cancelled");
	as_system(f);
	assert_ok(lz_payment_get_json(&j, &f->ctx, p1));
	json_t *ev = json_object_get(j, "events");
	assert_int_equal(json_array_size(ev), 4);
	assert_string_equal(json_string_value(json_object_get(json_array_get(ev, 0), "kind")), "prepare");
	assert_string_equal(json_string_value(json_object_get(json_array_get(ev, 2), "kind")), "pay");
	assert_string_equal(json_string_value(json_object_get(json_array_get(ev, 2), "detail")),
	                    "BANK-20261027-0001");
	assert_string_equal(json_string_value(json_object_get(json_array_get(ev, 3), "kind")), "reverse");
	assert_int_equal(json_integer_value(json_object_get(j, "amount_fen")), 1 * MILLION);
	json_decref(j);

	/* The amounts were never changed: the history is in the events. */
	assert_int_equal(count(f, "SELECT SUM(amount_fen) FROM payment"), 6 * MILLION);
	assert_int_equal(count(f, "SELECT count(*) FROM payment_event"), 3 + 2 + 1 + 1 + 2);
	/* approve ×2, pay, reverse, cancel ×2 */
	assert_int_equal(ledger_size(f, f->a11), ledger0 + 6);
	static const char *const types[] = {"payment.approve", "payment.approve", "payment.pay",
	                                    "payment.reverse", "payment.cancel",  "payment.cancel"};
	as_system(f);
	assert_ok(lz_ledger_entries(&j, &f->ctx, f->a11, ledger0, ledger0 + 6));
	assert_int_equal(json_array_size(j), 6);
	for (size_t i = 0; i < 6; i++)
		assert_string_equal(json_string_value(json_object_get(json_array_get(j, i), "type")),
		                    types[i]);
	json_decref(j);
	assert_int_equal(count(f, "SELECT count(*) FROM audit_log WHERE entity_type = 'payment'"), 9);
}

static void test_funds__other_bureaus_read_as_missing(void **state)
{
	fixture *f = *state;
	int64_t project = make_project(f, 100 * MILLION), stage = stage_of(f, project, 1), pay, id = 0;
	lz_allocation a;
	json_t *j = NULL;

	accept_stage(f, stage, 100);
	pay = prepare(f, project, stage, 1000, "scope-0001");

	as(f, P_OTHER_FINANCE); /* Tonglu, in Zhejiang */
	expect_error(lz_project_get_json(&j, &f->ctx, project), LZ_ENOTFOUND, NULL);
	expect_error(lz_payment_get_json(&j, &f->ctx, pay), LZ_ENOTFOUND, NULL);
	expect_error(lz_allocation_get(&a, &f->ctx, f->line), LZ_ENOTFOUND, NULL);
	expect_error(lz_payment_approve(&f->ctx, pay), LZ_ENOTFOUND, NULL);
	lz_payment_input in = {project, stage, f->line, 1000, NULL, "scope-0002"};
	expect_error(lz_payment_prepare(&id, NULL, &f->ctx, &in), LZ_ENOTFOUND, "project_id");
	lz_allocation_input al = {f->b11, f->line, "中央财政", 2026, "挪用", 1000};
	expect_error(lz_allocation_create(&id, &f->ctx, &al), LZ_ENOTFOUND, "parent_id");
	assert_null(j);

	/* Zigui's own finance sees them. */
	as(f, P_CHECKER);
	assert_ok(lz_payment_get_json(&j, &f->ctx, pay));
	json_decref(j);
	assert_ok(lz_allocation_get(&a, &f->ctx, f->line));
}

/* ---------------------------------------------------------------- concurrency */

#define WORKERS 4
#define PER_WORKER 6
#define EACH_FEN 100000
#define LINE_FEN (EACH_FEN * 10)

/*
 * Four processes, each with its own store connection, approve six payments each
 * against one line that holds ten of them. Exactly ten are approved, and the line's
 * spent total is their sum.
 */
static void test_funds__parallel_approvals_never_overdraw_a_line(void **state)
{
	fixture *f = *state;
	int64_t project = make_project(f, 1000 * MILLION), stage = stage_of(f, project, 2), line;
	int64_t pays[WORKERS * PER_WORKER];
	lz_allocation_input in = {f->a11, f->alloc_county, "中央财政", 2026, "并发测试", LINE_FEN};
	pid_t pids[WORKERS];

	as_system(f);
	assert_ok(lz_allocation_create(&line, &f->ctx, &in));
	accept_stage(f, stage, 100);
	as(f, P_MAKER);
	for (int i = 0; i < WORKERS * PER_WORKER; i++) {
		char key[32];
		snprintf(key, sizeof(key), "parallel-%04d", i);
		lz_payment_input p = {project, stage, line, EACH_FEN, NULL, key};
		assert_ok(lz_payment_prepare(&pays[i], NULL, &f->ctx, &p));
	}
	/* Connections must not cross fork(): give ours back first. */
	lz_ctx_done(&f->ctx);
	lz_test_ctx(&f->ctx, &f->env);

	for (int w = 0; w < WORKERS; w++) {
		pids[w] = fork();
		assert_true(pids[w] >= 0);
		if (pids[w] == 0) {
			lz_app app = f->env.app;
			lz_db_opts opts = LZ_DB_OPTS_INIT;
			lz_ctx ctx;
			int approved = 0;
			opts.pool_size = 1;
			opts.acquire_timeout_ms = 30000;
			if (lz_db_open(&app.db, f->env.url, &opts) < 0)
				_exit(100);
			lz_ctx_init(&ctx, &app, "test", "worker");
			if (lz_auth_act_as(&ctx, f->user[w % 2 ? P_CHECKER : P_DIRECTOR]) < 0)
				_exit(101);
			for (int i = 0; i < PER_WORKER; i++) {
				int rc = lz_payment_approve(&ctx, pays[i * WORKERS + w]);
				if (rc == 0)
					approved++;
				else if (rc != LZ_ECONFLICT)
					_exit(102);
			}
			lz_ctx_done(&ctx);
			lz_db_close(app.db);
			_exit(approved);
		}
	}
	int total = 0;
	for (int w = 0; w < WORKERS; w++) {
		int status;
		assert_int_equal(waitpid(pids[w], &status, 0), pids[w]);
		assert_true(WIFEXITED(status));
		assert_true(WEXITSTATUS(status) <= PER_WORKER);
		total += WEXITSTATUS(status);
	}
	assert_int_equal(total, LINE_FEN / EACH_FEN);
	assert_int_equal(allocation_spent(f, line), LINE_FEN);
	assert_int_equal(count(f, "SELECT COALESCE(SUM(amount_fen), 0) FROM payment WHERE status = 2"),
	                 LINE_FEN);
	assert_int_equal(count(f, "SELECT count(*) FROM payment WHERE status = 1"),
	                 WORKERS * PER_WORKER - total);
}

/* ---------------------------------------------------------------- issue 4 */

/*
 * Issue 4: a county paid 286,600 yuan for a resettlement project that was never
 * finished, because its acceptance was signed without anyone going on site. Here the
 * same story is tried at every step, and every step refuses.
 */
static void test_funds__issue4_286600_yuan_paid_without_a_site_visit(void **state)
{
	fixture *f = *state;
	const int64_t fen = 28660000; /* 286,600 yuan */
	int64_t project = make_project(f, 2 * fen), stage = stage_of(f, project, 1), id = 0, before;
	bool accepted = true;
	char sql[512];

	/* 1. Materials reviewed, then two signatures with nobody on site: refused. */
	as(f, P_REVIEWER1);
	assert_ok(lz_stage_review_materials(&f->ctx, stage, "竣工报告一份"));
	before = rows(f);
	expect_error(lz_acceptance_sign(&accepted, &f->ctx, stage), LZ_ECONFLICT, NULL);
	assert_non_null(strstr(lz_error_last()->message, "acceptance needs someone to go there"));
	as(f, P_REVIEWER2);
	expect_error(lz_acceptance_sign(&accepted, &f->ctx, stage), LZ_ECONFLICT, NULL);
	assert_int_equal(rows(f), before);

	/* 2. A payment cannot even be prepared for the unaccepted stage. */
	as(f, P_MAKER);
	lz_payment_input in = {project, stage, f->line, fen, NULL, "county-286600"};
	expect_error(lz_payment_prepare(&id, NULL, &f->ctx, &in), LZ_ECONFLICT, NULL);

	/* 3. An "inspection" from the county office, 30 km away: refused. */
	as(f, P_INSPECTOR);
	lz_inspection_input far = inspection_at(f, SITE_LAT + 270000, SITE_LON, 100); /* 0.27° ≈ 30 km */
	expect_error(lz_inspection_record(&id, &f->ctx, stage, &far), LZ_ECONFLICT, "lat");
	assert_non_null(strstr(lz_error_last()->message, "outside its radius"));
	assert_int_equal(rows(f), before);

	/* 4. Paper signatures and a payment written straight into the store, past every
	 *    rule (as an old system or an importer might): approval still refuses. */
	lz_conn *c;
	assert_ok(lz_ctx_conn(&c, &f->ctx));
	snprintf(
	    sql, sizeof(sql),
	    "UPDATE project_stage SET accepted_inspection_id = 424242, verified_pct = 100, accepted_at = 1 "
	    "WHERE id = %lld",
	    (long long)stage);
	assert_ok(lz_conn_exec(c, sql));
	snprintf(
	    sql, sizeof(sql),
	    "INSERT INTO payment(bureau_id, project_id, stage_id, allocation_id, payee, amount_fen, "
	    "idempotency_key, body_digest, status, maker_staff_id, maker_user_id, created_at) VALUES "
	    "(%lld, %lld, %lld, %lld, '宜昌路桥建设有限公司', %lld, 'legacy-286600', 'x', 1, %lld, %lld, 1)",
	    (long long)f->a11, (long long)project, (long long)stage, (long long)f->line, (long long)fen,
	    (long long)f->staff[P_MAKER], (long long)f->user[P_MAKER]);
	assert_ok(lz_conn_exec(c, sql));
	int64_t legacy = count(f, "SELECT id FROM payment WHERE idempotency_key = 'legacy-286600'");
	as(f, P_CHECKER);
	before = rows(f);
	expect_error(lz_payment_approve(&f->ctx, legacy), LZ_ECONFLICT, NULL);
	assert_non_null(strstr(lz_error_last()->message, "acceptance needs someone to go there"));
	as(f, P_DIRECTOR);
	expect_error(lz_payment_approve(&f->ctx, legacy), LZ_ECONFLICT, NULL);
	assert_int_equal(rows(f), before);
	assert_int_equal(allocation_spent(f, f->line), 0);
	assert_string_equal(payment_status(f, legacy), "prepared");
	snprintf(
	    sql, sizeof(sql),
	    "UPDATE project_stage SET accepted_inspection_id = NULL, verified_pct = NULL, accepted_at = NULL "
	    "WHERE id = %lld",
	    (long long)stage);
	assert_ok(lz_conn_exec(c, sql));

	/* 5. Done properly: someone goes there and finds the work 30 % done. The stage
	 *    (40 % of the budget) then allows 30 % of its share, far less than 286,600 yuan. */
	as(f, P_INSPECTOR);
	lz_inspection_input there = inspection_at(f, SITE_LAT, SITE_LON, 30);
	assert_ok(lz_inspection_record(&id, &f->ctx, stage, &there));
	as(f, P_REVIEWER1);
	assert_ok(lz_acceptance_sign(&accepted, &f->ctx, stage));
	as(f, P_REVIEWER2);
	assert_ok(lz_acceptance_sign(&accepted, &f->ctx, stage));
	assert_true(accepted);
	as(f, P_MAKER);
	expect_error(lz_payment_prepare(&id, NULL, &f->ctx, &in), LZ_ECONFLICT, "amount_fen");
	as(f, P_CHECKER);
	expect_error(lz_payment_approve(&f->ctx, legacy), LZ_ECONFLICT, "amount_fen");
	assert_int_equal(allocation_spent(f, f->line), 0);
	int64_t payable = 2 * fen * 40 / 100 * 30 / 100;
	int64_t honest = prepare(f, project, stage, payable, "county-286600-30pct");
	as(f, P_CHECKER);
	assert_ok(lz_payment_approve(&f->ctx, honest));
	assert_int_equal(allocation_spent(f, f->line), payable);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_funds__allocations_flow_down_and_never_exceed_the_parent,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_funds__amounts_are_positive_bounded_integers, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_funds__project_stages_share_the_whole_budget, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_funds__acceptance_needs_someone_on_site_and_two_people,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_funds__a_new_inspection_needs_new_signatures, setup,
	                                    teardown),
	    cmocka_unit_test(test_funds__geo_distance_is_great_circle_metres),
	    cmocka_unit_test_setup_teardown(test_funds__the_maker_never_approves_nor_does_a_signer, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_funds__an_idempotency_key_answers_the_same_payment, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_funds__approval_stays_within_verified_completion, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_funds__a_budget_line_is_never_overdrawn, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_funds__payments_are_paid_cancelled_and_reversed_by_new_entries, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_funds__other_bureaus_read_as_missing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_funds__parallel_approvals_never_overdraw_a_line, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_funds__issue4_286600_yuan_paid_without_a_site_visit, setup,
	                                    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
