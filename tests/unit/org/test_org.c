/* test_org.c — bureaus, departments and staff: rules, tenancy, lists and audit. */
#include "helpers.h"

#include "auth/auth.h"
#include "base/json.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Every test starts from a fresh store holding two provinces with a city and a
 * county each, under the national bureau:
 *
 *	100000 national
 *	├── 420000 Hubei (a)     ── 420500 Yichang (a1)  ── 420527 Zigui (a11)
 *	└── 330000 Zhejiang (b)  ── 330100 Hangzhou (b1) ── 330122 Tonglu (b11)
 */
typedef struct {
	lz_test_env env;
	lz_ctx ctx;
	int64_t national, a, a1, a11, b, b1, b11;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	lz_test_env_setup(&f->env);
	lz_test_ctx(&f->ctx, &f->env);
	f->national = lz_test_bureau(&f->ctx, "100000", "国家移民管理局", "national", 0);
	f->a = lz_test_bureau(&f->ctx, "420000", "湖北省移民局", "province", f->national);
	f->a1 = lz_test_bureau(&f->ctx, "420500", "宜昌市移民局", "city", f->a);
	f->a11 = lz_test_bureau(&f->ctx, "420527", "秭归县移民局", "county", f->a1);
	f->b = lz_test_bureau(&f->ctx, "330000", "浙江省移民局", "province", f->national);
	f->b1 = lz_test_bureau(&f->ctx, "330100", "杭州市移民局", "city", f->b);
	f->b11 = lz_test_bureau(&f->ctx, "330122", "桐庐县移民局", "county", f->b1);
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

/* Makes ctx act as a user of 'role' in 'bureau_id' (0 and LZ_ROLE_SYSTEM: the system). */
static void act_as(fixture *f, lz_role role, int64_t bureau_id, const char *login)
{
	lz_bureau b;
	lz_ctx_act_as_system(&f->ctx, "test");
	if (role == LZ_ROLE_SYSTEM)
		return;
	if (bureau_id)
		assert_ok(lz_bureau_get(&b, &f->ctx, bureau_id));
	memset(&f->ctx.actor, 0, sizeof(f->ctx.actor));
	f->ctx.actor.user_id = 1000 + bureau_id;
	f->ctx.actor.role = role;
	f->ctx.actor.bureau_id = bureau_id;
	if (bureau_id)
		snprintf(f->ctx.actor.bureau_path, sizeof(f->ctx.actor.bureau_path), "%s", b.path);
	snprintf(f->ctx.actor.login, sizeof(f->ctx.actor.login), "%s", login);
}

static int64_t count(fixture *f, const char *sql)
{
	lz_conn *c;
	int64_t n = -1;
	assert_ok(lz_ctx_conn(&c, &f->ctx));
	assert_ok(lz_exec_int(&n, c, sql, true, NULL));
	return n;
}

/* The number of rows of every table the org module writes, to tell that nothing was. */
static int64_t rows(fixture *f)
{
	return count(f, "SELECT (SELECT count(*) FROM bureau) + (SELECT count(*) FROM department) + "
			"(SELECT count(*) FROM staff) + (SELECT count(*) FROM audit_log)");
}

static int64_t make_department(fixture *f, int64_t bureau_id, const char *name)
{
	int64_t id = 0;
	assert_ok(lz_department_create(&id, &f->ctx, bureau_id, name));
	return id;
}

static int64_t make_staff(fixture *f, int64_t bureau_id, int64_t department_id, const char *employee_no,
			  const char *name, const char *post)
{
	lz_staff_input in = {0};
	int64_t id = 0;
	in.bureau_id = bureau_id;
	in.department_id = department_id;
	in.employee_no = employee_no;
	in.name = name;
	in.post = post;
	assert_ok(lz_staff_create(&id, &f->ctx, &in));
	return id;
}

/* ---------------------------------------------------------------- bureaus */

static void test_org__hierarchy_has_paths_and_levels(void **state)
{
	fixture *f = *state;
	lz_bureau n, a, a11;
	char want[128];

	assert_ok(lz_bureau_get(&n, &f->ctx, f->national));
	assert_ok(lz_bureau_get(&a, &f->ctx, f->a));
	assert_ok(lz_bureau_by_code(&a11, &f->ctx, "420527"));
	snprintf(want, sizeof(want), "/%lld/", (long long)f->national);
	assert_string_equal(n.path, want);
	snprintf(want, sizeof(want), "/%lld/%lld/", (long long)f->national, (long long)f->a);
	assert_string_equal(a.path, want);
	snprintf(want, sizeof(want), "/%lld/%lld/%lld/%lld/", (long long)f->national, (long long)f->a,
		 (long long)f->a1, (long long)f->a11);
	assert_string_equal(a11.path, want);
	assert_int_equal(n.level, LZ_LEVEL_NATIONAL);
	assert_int_equal(a11.level, LZ_LEVEL_COUNTY);
	assert_int_equal(a11.parent_id, f->a1);
	assert_string_equal(a11.name, "秭归县移民局");

	json_t *j = lz_bureau_json(&n);
	assert_true(json_is_null(json_object_get(j, "parent_id")));
	assert_string_equal(json_string_value(json_object_get(j, "level")), "national");
	assert_string_equal(json_string_value(json_object_get(j, "code")), "100000");
	assert_string_equal(json_string_value(json_object_get(j, "name_en")), "");
	assert_int_equal(json_object_size(j), 6);
	json_decref(j);
	j = lz_bureau_json(&a11);
	assert_int_equal(json_integer_value(json_object_get(j, "parent_id")), f->a1);
	assert_string_equal(json_string_value(json_object_get(j, "level")), "county");
	json_decref(j);

	assert_int_equal(count(f, "SELECT count(*) FROM audit_log WHERE action = 'bureau.create'"), 7);
	assert_int_equal(lz_level_parse("city"), LZ_LEVEL_CITY);
	assert_int_equal(lz_level_parse("state"), 0);
	assert_string_equal(lz_level_name(LZ_LEVEL_PROVINCE), "province");
}

static void test_org__level_is_one_below_the_parent(void **state)
{
	fixture *f = *state;
	lz_bureau_input in = {"421000", "荆州市移民局", NULL, "county", f->a};
	int64_t before = rows(f), id = 0;

	expect_error(lz_bureau_create(&id, &f->ctx, &in), LZ_EINVALID, "level");
	in.level = "city";
	in.parent_id = f->national;
	expect_error(lz_bureau_create(&id, &f->ctx, &in), LZ_EINVALID, "level");
	in.level = "county";
	in.parent_id = f->a11; /* nothing below a county */
	expect_error(lz_bureau_create(&id, &f->ctx, &in), LZ_EINVALID, "level");
	in.level = "province";
	in.parent_id = 0; /* a second top bureau */
	expect_error(lz_bureau_create(&id, &f->ctx, &in), LZ_ECONFLICT, "parent_id");
	in.level = "national";
	in.parent_id = f->a;
	expect_error(lz_bureau_create(&id, &f->ctx, &in), LZ_EINVALID, "parent_id");
	in.parent_id = 0;
	expect_error(lz_bureau_create(&id, &f->ctx, &in), LZ_ECONFLICT, "parent_id"); /* only one */
	in.level = "state";
	expect_error(lz_bureau_create(&id, &f->ctx, &in), LZ_EINVALID, "level");
	in.level = "city";
	in.parent_id = 999999;
	expect_error(lz_bureau_create(&id, &f->ctx, &in), LZ_ENOTFOUND, "parent_id");
	assert_int_equal(id, 0);
	assert_int_equal(rows(f), before);

	in.parent_id = f->a;
	assert_ok(lz_bureau_create(&id, &f->ctx, &in));
	assert_true(id > 0);
}

static void test_org__duplicate_code_is_a_conflict(void **state)
{
	fixture *f = *state;
	lz_bureau_input in = {"420500", "另一个宜昌", NULL, "city", f->a};
	int64_t before = rows(f);

	expect_error(lz_bureau_create(NULL, &f->ctx, &in), LZ_ECONFLICT, "code");
	in.parent_id = f->b; /* taken anywhere, not only under the same parent */
	expect_error(lz_bureau_create(NULL, &f->ctx, &in), LZ_ECONFLICT, "code");
	assert_int_equal(rows(f), before);
}

static void test_org__invalid_codes_are_refused(void **state)
{
	fixture *f = *state;
	static const char *const bad[] = {"12345", "12a456", "1234567", "", " 42050", "42050 ", "４２０５００",
					  "-42050"};
	lz_bureau_input in = {NULL, "某市移民局", NULL, "city", f->a};
	int64_t before = rows(f);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		in.code = bad[i];
		expect_error(lz_bureau_create(NULL, &f->ctx, &in), LZ_EINVALID, "code");
	}
	in.code = NULL;
	expect_error(lz_bureau_create(NULL, &f->ctx, &in), LZ_EINVALID, "code");
	assert_int_equal(rows(f), before);
}

static void test_org__bureau_names_are_checked(void **state)
{
	fixture *f = *state;
	char en[200];
	lz_bureau_input in = {"420600", NULL, NULL, "city", f->a};
	int64_t before = rows(f);

	expect_error(lz_bureau_create(NULL, &f->ctx, &in), LZ_EINVALID, "name");
	in.name = "   ";
	expect_error(lz_bureau_create(NULL, &f->ctx, &in), LZ_EINVALID, "name");
	in.name = "襄阳市移民局";
	memset(en, 'x', 129);
	en[129] = '\0';
	in.name_en = en;
	expect_error(lz_bureau_create(NULL, &f->ctx, &in), LZ_EINVALID, "name_en");
	assert_int_equal(rows(f), before);
	en[128] = '\0';
	assert_ok(lz_bureau_create(NULL, &f->ctx, &in));
}

/* ---------------------------------------------------------------- validation */

static void test_org__huge_name_is_refused_and_writes_nothing(void **state)
{
	fixture *f = *state;
	size_t n = 10000;
	char *huge = malloc(n + 1);
	lz_staff_input in = {0};
	int64_t dept = make_department(f, f->a, "综合科"), before;
	lz_bureau_input bin = {"420600", NULL, NULL, "city", f->a};

	memset(huge, 'a', n);
	huge[n] = '\0';
	before = rows(f);
	in.bureau_id = f->a;
	in.employee_no = "A-001";
	in.name = huge;
	expect_error(lz_staff_create(NULL, &f->ctx, &in), LZ_EINVALID, "name");
	expect_error(lz_department_create(NULL, &f->ctx, f->a, huge), LZ_EINVALID, "name");
	bin.name = huge;
	expect_error(lz_bureau_create(NULL, &f->ctx, &bin), LZ_EINVALID, "name");
	in.name = "王伟";
	in.post = huge;
	expect_error(lz_staff_create(NULL, &f->ctx, &in), LZ_EINVALID, "post");
	in.post = NULL;
	in.employee_no = huge;
	expect_error(lz_staff_create(NULL, &f->ctx, &in), LZ_EINVALID, "employee_no");
	assert_int_equal(rows(f), before);

	/* On update too: the stored record is untouched. */
	int64_t id = make_staff(f, f->a, dept, "A-001", "王伟", "科员");
	lz_staff_input up = {0};
	up.has_name = true;
	up.name = huge;
	before = rows(f);
	expect_error(lz_staff_update(&f->ctx, id, &up), LZ_EINVALID, "name");
	assert_int_equal(rows(f), before);
	json_t *j;
	assert_ok(lz_staff_get_json(&j, &f->ctx, id));
	assert_string_equal(json_string_value(json_object_get(j, "name")), "王伟");
	json_decref(j);

	/* 64 characters is the limit, counted in characters, not bytes. */
	char name[64 * 3 + 1] = "";
	for (int i = 0; i < 64; i++)
		strcat(name, "王");
	in.employee_no = "A-002";
	in.name = name;
	assert_ok(lz_staff_create(NULL, &f->ctx, &in));
	char longer[65 * 3 + 1];
	snprintf(longer, sizeof(longer), "%s王", name);
	in.employee_no = "A-003";
	in.name = longer;
	expect_error(lz_staff_create(NULL, &f->ctx, &in), LZ_EINVALID, "name");
	free(huge);
}

static void test_org__sql_metacharacters_are_stored_verbatim(void **state)
{
	fixture *f = *state;
	static const char *const names[] = {"Robert'); DROP TABLE staff;--", "O'Brien \"Bob\"", "x%_\\y",
					    "1 OR 1=1; --"};
	json_t *j;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char no[16];
		snprintf(no, sizeof(no), "Q-%zu", i);
		int64_t id = make_staff(f, f->a, 0, no, names[i], names[i]);
		assert_ok(lz_staff_get_json(&j, &f->ctx, id));
		assert_string_equal(json_string_value(json_object_get(j, "name")), names[i]);
		assert_string_equal(json_string_value(json_object_get(j, "post")), names[i]);
		json_decref(j);
	}
	int64_t dept = make_department(f, f->a, "Robert'); DROP TABLE department;--");
	assert_ok(lz_department_list(&j, &f->ctx, f->a));
	assert_int_equal(json_integer_value(json_object_get(json_array_get(j, 0), "id")), dept);
	assert_string_equal(json_string_value(json_object_get(json_array_get(j, 0), "name")),
			    "Robert'); DROP TABLE department;--");
	json_decref(j);
	assert_int_equal(count(f, "SELECT count(*) FROM staff"), 4);
	assert_int_equal(count(f, "SELECT count(*) FROM department"), 1);
}

static void test_org__control_characters_are_refused(void **state)
{
	fixture *f = *state;
	static const char *const bad[] = {"张\n三", "a\tb", "\r", "x\x1b[31m", "del\x7f", "\xff\xfe", "王\xe4"};
	lz_staff_input in = {0};
	lz_bureau_input bin = {"420600", NULL, NULL, "city", f->a};
	int64_t before = rows(f);

	in.bureau_id = f->a;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		in.employee_no = "C-1";
		in.name = bad[i];
		expect_error(lz_staff_create(NULL, &f->ctx, &in), LZ_EINVALID, "name");
		in.name = "张三";
		in.employee_no = bad[i];
		expect_error(lz_staff_create(NULL, &f->ctx, &in), LZ_EINVALID, "employee_no");
		in.employee_no = "C-1";
		in.post = bad[i];
		expect_error(lz_staff_create(NULL, &f->ctx, &in), LZ_EINVALID, "post");
		in.post = NULL;
		expect_error(lz_department_create(NULL, &f->ctx, f->a, bad[i]), LZ_EINVALID, "name");
		bin.name = bad[i];
		expect_error(lz_bureau_create(NULL, &f->ctx, &bin), LZ_EINVALID, "name");
	}
	assert_int_equal(rows(f), before);
}

static void test_org__department_of_another_bureau_is_refused(void **state)
{
	fixture *f = *state;
	int64_t dept_a = make_department(f, f->a, "综合科"), dept_b = make_department(f, f->b, "综合科");
	lz_staff_input in = {0};
	int64_t before = rows(f), id;

	in.bureau_id = f->a;
	in.employee_no = "D-1";
	in.name = "李娜";
	in.department_id = dept_b;
	expect_error(lz_staff_create(NULL, &f->ctx, &in), LZ_EINVALID, "department_id");
	in.department_id = 424242;
	expect_error(lz_staff_create(NULL, &f->ctx, &in), LZ_EINVALID, "department_id");
	in.department_id = -1;
	expect_error(lz_staff_create(NULL, &f->ctx, &in), LZ_EINVALID, "department_id");
	/* Even a department of the bureau's own county is another bureau's. */
	in.department_id = make_department(f, f->a11, "安置科");
	before = rows(f);
	expect_error(lz_staff_create(NULL, &f->ctx, &in), LZ_EINVALID, "department_id");
	assert_int_equal(rows(f), before);

	id = make_staff(f, f->a, dept_a, "D-1", "李娜", "科员");
	lz_staff_input up = {0};
	up.has_department = true;
	up.department_id = dept_b;
	expect_error(lz_staff_update(&f->ctx, id, &up), LZ_EINVALID, "department_id");
	up.department_id = 0; /* none is allowed */
	assert_ok(lz_staff_update(&f->ctx, id, &up));
	json_t *j;
	assert_ok(lz_staff_get_json(&j, &f->ctx, id));
	assert_true(json_is_null(json_object_get(j, "department_id")));
	assert_true(json_is_null(json_object_get(j, "department_name")));
	json_decref(j);
}

static void test_org__names_are_unique_where_they_must_be(void **state)
{
	fixture *f = *state;
	int64_t before, id;

	make_department(f, f->a, "财务科");
	before = rows(f);
	expect_error(lz_department_create(NULL, &f->ctx, f->a, "财务科"), LZ_ECONFLICT, "name");
	expect_error(lz_department_create(NULL, &f->ctx, 999999, "财务科"), LZ_ENOTFOUND, "bureau_id");
	assert_int_equal(rows(f), before);
	make_department(f, f->b, "财务科"); /* another bureau may have one */

	id = make_staff(f, f->a, 0, "E-1", "赵敏", NULL);
	make_staff(f, f->a, 0, "E-2", "钱进", NULL);
	before = rows(f);
	lz_staff_input in = {0};
	in.bureau_id = f->a;
	in.employee_no = "E-1";
	in.name = "孙立";
	expect_error(lz_staff_create(NULL, &f->ctx, &in), LZ_ECONFLICT, "employee_no");
	lz_staff_input up = {0};
	up.has_employee_no = true;
	up.employee_no = "E-2";
	expect_error(lz_staff_update(&f->ctx, id, &up), LZ_ECONFLICT, "employee_no");
	assert_int_equal(rows(f), before);
	up.employee_no = "E-1"; /* its own number is not a conflict */
	assert_ok(lz_staff_update(&f->ctx, id, &up));
	in.bureau_id = f->b; /* nor is the same number in another bureau */
	assert_ok(lz_staff_create(NULL, &f->ctx, &in));
}

static void test_org__staff_fields_are_validated(void **state)
{
	fixture *f = *state;
	lz_staff_input in = {0};
	int64_t before = rows(f), id;

	in.bureau_id = f->a;
	in.name = "周杰";
	expect_error(lz_staff_create(NULL, &f->ctx, &in), LZ_EINVALID, "employee_no");
	in.employee_no = "F-1";
	in.name = "";
	expect_error(lz_staff_create(NULL, &f->ctx, &in), LZ_EINVALID, "name");
	in.name = "周杰";
	in.status = "retired";
	expect_error(lz_staff_create(NULL, &f->ctx, &in), LZ_EINVALID, "status");
	in.status = NULL;
	in.hired_on = "2023-02-29";
	expect_error(lz_staff_create(NULL, &f->ctx, &in), LZ_EINVALID, "hired_on");
	in.hired_on = "2023-2-1";
	expect_error(lz_staff_create(NULL, &f->ctx, &in), LZ_EINVALID, "hired_on");
	in.hired_on = NULL;
	in.bureau_id = 0;
	expect_error(lz_staff_create(NULL, &f->ctx, &in), LZ_ENOTFOUND, "bureau_id");
	in.bureau_id = 999999;
	expect_error(lz_staff_create(NULL, &f->ctx, &in), LZ_ENOTFOUND, "bureau_id");
	assert_int_equal(rows(f), before);

	in.bureau_id = f->a;
	in.hired_on = "2019-07-01";
	assert_ok(lz_staff_create(&id, &f->ctx, &in));
	json_t *j;
	assert_ok(lz_staff_get_json(&j, &f->ctx, id));
	static const char *const keys[] = {"id",          "bureau_id", "bureau_name", "department_id",
					   "department_name", "employee_no", "name",   "post",
					   "status",      "hired_on",  "created_at", "updated_at"};
	assert_int_equal(json_object_size(j), sizeof(keys) / sizeof(keys[0]));
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!json_object_get(j, keys[i]))
			fail_msg("staff JSON has no '%s'", keys[i]);
	assert_int_equal(json_integer_value(json_object_get(j, "id")), id);
	assert_int_equal(json_integer_value(json_object_get(j, "bureau_id")), f->a);
	assert_string_equal(json_string_value(json_object_get(j, "bureau_name")), "湖北省移民局");
	assert_string_equal(json_string_value(json_object_get(j, "status")), "active"); /* the default */
	assert_string_equal(json_string_value(json_object_get(j, "post")), "");
	assert_string_equal(json_string_value(json_object_get(j, "hired_on")), "2019-07-01");
	assert_string_equal(json_string_value(json_object_get(j, "created_at")), "2026-10-26T07:33:20Z");
	json_decref(j);

	/* An update of some fields leaves the others alone and clears what is set to null. */
	lz_staff_input up = {0};
	up.has_status = true;
	up.status = "leave";
	up.has_hired_on = true;
	up.hired_on = NULL;
	up.has_post = true;
	up.post = "副科长";
	f->env.clock.fixed += 3600;
	assert_ok(lz_staff_update(&f->ctx, id, &up));
	assert_ok(lz_staff_get_json(&j, &f->ctx, id));
	assert_string_equal(json_string_value(json_object_get(j, "status")), "leave");
	assert_true(json_is_null(json_object_get(j, "hired_on")));
	assert_string_equal(json_string_value(json_object_get(j, "post")), "副科长");
	assert_string_equal(json_string_value(json_object_get(j, "name")), "周杰");
	assert_string_equal(json_string_value(json_object_get(j, "employee_no")), "F-1");
	assert_string_equal(json_string_value(json_object_get(j, "created_at")), "2026-10-26T07:33:20Z");
	assert_string_equal(json_string_value(json_object_get(j, "updated_at")), "2026-10-26T08:33:20Z");
	json_decref(j);

	memset(&up, 0, sizeof(up));
	up.has_name = true;
	up.name = NULL;
	expect_error(lz_staff_update(&f->ctx, id, &up), LZ_EINVALID, "name");
	memset(&up, 0, sizeof(up));
	up.bureau_id = f->b;
	expect_error(lz_staff_update(&f->ctx, id, &up), LZ_EINVALID, "bureau_id");
	expect_error(lz_staff_update(&f->ctx, 999999, &up), LZ_ENOTFOUND, NULL);
}

static json_t *parse(const char *text)
{
	json_t *o;
	assert_ok(lz_json_parse_object(&o, text, strlen(text)));
	return o;
}

static void test_org__staff_input_from_json_names_the_field(void **state)
{
	(void)state;
	lz_staff_input in;
	json_t *o;

	o = parse("{\"bureau_id\":3,\"name\":\"张伟\",\"employee_no\":\"H-1\",\"post\":\"科员\","
		  "\"status\":\"active\",\"hired_on\":\"2020-01-02\",\"department_id\":null}");
	assert_ok(lz_staff_input_from_json(&in, o, true));
	assert_int_equal(in.bureau_id, 3);
	assert_string_equal(in.name, "张伟");
	assert_string_equal(in.employee_no, "H-1");
	assert_string_equal(in.hired_on, "2020-01-02");
	assert_true(in.has_department);
	assert_int_equal(in.department_id, 0);
	json_decref(o);

	static const struct {
		const char *body;
		bool create;
		const char *field;
	} bad[] = {
		{"{\"bureau_id\":3,\"name\":\"张伟\",\"employee_no\":\"H-1\",\"salary\":1}", true, "salary"},
		{"{\"name\":\"张伟\",\"employee_no\":\"H-1\"}", true, "bureau_id"},
		{"{\"bureau_id\":\"3\",\"name\":\"张伟\",\"employee_no\":\"H-1\"}", true, "bureau_id"},
		{"{\"bureau_id\":3,\"name\":5,\"employee_no\":\"H-1\"}", true, "name"},
		{"{\"bureau_id\":3,\"employee_no\":\"H-1\"}", true, "name"},
		{"{\"bureau_id\":3,\"name\":\"张伟\"}", true, "employee_no"},
		{"{\"bureau_id\":3,\"name\":\"张伟\",\"employee_no\":\"H-1\",\"department_id\":\"x\"}", true,
		 "department_id"},
		{"{\"bureau_id\":3,\"name\":\"张伟\",\"employee_no\":\"H-1\",\"status\":true}", true, "status"},
		{"{\"bureau_id\":3,\"name\":\"张伟\",\"employee_no\":\"H-1\",\"hired_on\":20200102}", true,
		 "hired_on"},
		{"{\"bureau_id\":3,\"name\":\"张伟\",\"employee_no\":\"H-1\",\"post\":[]}", true, "post"},
		{"{\"bureau_id\":3}", false, "bureau_id"},
		{"{\"name\":null}", false, "name"},
		{"{\"status\":null}", false, "status"},
		{"{\"id\":7}", false, "id"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		o = parse(bad[i].body);
		int rc = lz_staff_input_from_json(&in, o, bad[i].create);
		if (rc != LZ_EINVALID || strcmp(lz_error_last()->field, bad[i].field) != 0)
			fail_msg("%s: %d, field '%s' (%s)", bad[i].body, rc, lz_error_last()->field,
				 lz_error_last()->message);
		json_decref(o);
	}
	o = json_array();
	assert_int_equal(lz_staff_input_from_json(&in, o, true), LZ_EMALFORMED);
	json_decref(o);

	o = parse("{\"post\":null,\"hired_on\":null}");
	assert_ok(lz_staff_input_from_json(&in, o, false));
	assert_true(in.has_post && in.has_hired_on);
	assert_false(in.has_name || in.has_status || in.has_department || in.has_employee_no);
	assert_null(in.post);
	json_decref(o);
}

/* ---------------------------------------------------------------- tenancy */

static size_t list_count(fixture *f, const lz_staff_query *q)
{
	json_t *j;
	int64_t next;
	assert_ok(lz_staff_list(&j, &next, &f->ctx, q));
	size_t n = json_array_size(j);
	json_decref(j);
	return n;
}


static void test_org__tenancy_hides_other_provinces(void **state)
{
	fixture *f = *state;
	int64_t dept_b = make_department(f, f->b, "综合科"), dept_a11 = make_department(f, f->a11, "安置科");
	int64_t staff_b = make_staff(f, f->b, dept_b, "B-1", "刘洋", "科员");
	int64_t staff_b11 = make_staff(f, f->b11, 0, "B11-1", "陈静", "科员");
	int64_t staff_a = make_staff(f, f->a, 0, "A-1", "黄磊", "局长");
	int64_t staff_a11 = make_staff(f, f->a11, dept_a11, "A11-1", "杨帆", "科员");
	lz_bureau b;
	json_t *j = NULL;
	int64_t next;
	char missing[512], hidden[512];

	act_as(f, LZ_ROLE_DIRECTOR, f->a, "director-a");

	/* Single reads of B: exactly like a record that does not exist. */
	expect_error(lz_bureau_get(&b, &f->ctx, 999999), LZ_ENOTFOUND, NULL);
	snprintf(missing, sizeof(missing), "%s", lz_error_last()->message);
	expect_error(lz_bureau_get(&b, &f->ctx, f->b), LZ_ENOTFOUND, NULL);
	snprintf(hidden, sizeof(hidden), "%s", lz_error_last()->message);
	assert_string_equal(missing, "bureau 999999 not found");
	snprintf(missing, sizeof(missing), "bureau %lld not found", (long long)f->b);
	assert_string_equal(hidden, missing);
	expect_error(lz_bureau_get(&b, &f->ctx, f->b11), LZ_ENOTFOUND, NULL);
	expect_error(lz_bureau_get(&b, &f->ctx, f->national), LZ_ENOTFOUND, NULL); /* not upwards either */
	expect_error(lz_bureau_by_code(&b, &f->ctx, "330000"), LZ_ENOTFOUND, NULL);
	assert_string_equal(lz_error_last()->message, "bureau 330000 not found");
	expect_error(lz_bureau_by_code(&b, &f->ctx, "999999"), LZ_ENOTFOUND, NULL);
	assert_string_equal(lz_error_last()->message, "bureau 999999 not found");
	expect_error(lz_department_list(&j, &f->ctx, f->b), LZ_ENOTFOUND, "bureau_id");
	expect_error(lz_staff_get_json(&j, &f->ctx, staff_b), LZ_ENOTFOUND, NULL);
	snprintf(missing, sizeof(missing), "staff %lld not found", (long long)staff_b);
	assert_string_equal(lz_error_last()->message, missing);
	expect_error(lz_staff_get_json(&j, &f->ctx, staff_b11), LZ_ENOTFOUND, NULL);

	/* Lists of B and writes to B. */
	lz_staff_query q = LZ_STAFF_QUERY_INIT;
	q.bureau_id = f->b;
	expect_error(lz_staff_list(&j, &next, &f->ctx, &q), LZ_ENOTFOUND, "bureau_id");
	int64_t before = rows(f);
	lz_staff_input up = {0};
	up.has_name = true;
	up.name = "改名";
	expect_error(lz_staff_update(&f->ctx, staff_b, &up), LZ_ENOTFOUND, NULL);
	lz_staff_input in = {0};
	in.bureau_id = f->b;
	in.employee_no = "X-1";
	in.name = "闯入者";
	expect_error(lz_staff_create(NULL, &f->ctx, &in), LZ_ENOTFOUND, "bureau_id");
	in.bureau_id = f->a;
	in.department_id = dept_b;
	expect_error(lz_staff_create(NULL, &f->ctx, &in), LZ_EINVALID, "department_id");
	expect_error(lz_department_create(NULL, &f->ctx, f->b, "渗透科"), LZ_ENOTFOUND, "bureau_id");
	act_as(f, LZ_ROLE_ADMIN, f->a, "admin-a");
	lz_bureau_input bin = {"330200", "宁波市移民局", NULL, "city", f->b};
	expect_error(lz_bureau_create(NULL, &f->ctx, &bin), LZ_ENOTFOUND, "parent_id");
	act_as(f, LZ_ROLE_DIRECTOR, f->a, "director-a");
	assert_int_equal(rows(f), before);

	/* A sees itself and what is below it. */
	assert_ok(lz_bureau_get(&b, &f->ctx, f->a));
	assert_ok(lz_bureau_get(&b, &f->ctx, f->a11));
	assert_ok(lz_bureau_by_code(&b, &f->ctx, "420527"));
	assert_ok(lz_staff_get_json(&j, &f->ctx, staff_a11));
	json_decref(j);
	assert_ok(lz_department_list(&j, &f->ctx, f->a11));
	assert_int_equal(json_array_size(j), 1);
	json_decref(j);
	assert_ok(lz_bureau_list(&j, &next, &f->ctx, 0, 50));
	assert_int_equal(json_array_size(j), 3);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(j, 0), "id")), f->a);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(j, 2), "id")), f->a11);
	assert_int_equal(next, 0);
	json_decref(j);
	q.bureau_id = 0;
	assert_ok(lz_staff_list(&j, &next, &f->ctx, &q));
	assert_int_equal(json_array_size(j), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(j, 0), "id")), staff_a);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(j, 1), "id")), staff_a11);
	json_decref(j);
	q.bureau_id = f->a1; /* a city and below: the county's staff, not the province's */
	assert_ok(lz_staff_list(&j, &next, &f->ctx, &q));
	assert_int_equal(json_array_size(j), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(j, 0), "id")), staff_a11);
	json_decref(j);
	q.bureau_id = f->a11; /* a county: nothing below it */
	assert_ok(lz_staff_list(&j, &next, &f->ctx, &q));
	assert_int_equal(json_array_size(j), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(j, 0), "id")), staff_a11);
	json_decref(j);
	q.q = "杨";
	assert_int_equal(list_count(f, &q), 1);
	q.q = "黄";
	assert_int_equal(list_count(f, &q), 0);
	q.q = NULL;
	assert_ok(lz_staff_update(&f->ctx, staff_a11, &up));

	/* The county sees neither its province nor its city. */
	act_as(f, LZ_ROLE_DIRECTOR, f->a11, "director-a11");
	expect_error(lz_bureau_get(&b, &f->ctx, f->a), LZ_ENOTFOUND, NULL);
	expect_error(lz_staff_get_json(&j, &f->ctx, staff_a), LZ_ENOTFOUND, NULL);
	expect_error(lz_staff_update(&f->ctx, staff_a, &up), LZ_ENOTFOUND, NULL);
	assert_ok(lz_bureau_list(&j, &next, &f->ctx, 0, 50));
	assert_int_equal(json_array_size(j), 1);
	json_decref(j);
	q.bureau_id = 0;
	assert_ok(lz_staff_list(&j, &next, &f->ctx, &q));
	assert_int_equal(json_array_size(j), 1);
	json_decref(j);
	q.q = "黄"; /* the province's staff member, not found from the county */
	assert_int_equal(list_count(f, &q), 0);
	q.q = NULL;
	q.bureau_id = f->a;
	expect_error(lz_staff_list(&j, &next, &f->ctx, &q), LZ_ENOTFOUND, "bureau_id");
	q.bureau_id = 0;

	/* B's director, symmetrically, sees none of A. */
	act_as(f, LZ_ROLE_DIRECTOR, f->b, "director-b");
	expect_error(lz_staff_get_json(&j, &f->ctx, staff_a), LZ_ENOTFOUND, NULL);
	expect_error(lz_department_list(&j, &f->ctx, f->a11), LZ_ENOTFOUND, "bureau_id");
	assert_ok(lz_staff_list(&j, &next, &f->ctx, &q));
	assert_int_equal(json_array_size(j), 2);
	json_decref(j);

	/* A user who is not the system and has no bureau sees nothing at all. */
	act_as(f, LZ_ROLE_AUDITOR, 0, "nobody");
	assert_ok(lz_bureau_list(&j, &next, &f->ctx, 0, 50));
	assert_int_equal(json_array_size(j), 0);
	json_decref(j);
	assert_ok(lz_staff_list(&j, &next, &f->ctx, &q));
	assert_int_equal(json_array_size(j), 0);
	json_decref(j);
	expect_error(lz_bureau_get(&b, &f->ctx, f->national), LZ_ENOTFOUND, NULL);

	/* The system and the national bureau see everything. */
	act_as(f, LZ_ROLE_DIRECTOR, f->national, "director-n");
	assert_ok(lz_staff_list(&j, &next, &f->ctx, &q));
	assert_int_equal(json_array_size(j), 4);
	json_decref(j);
	assert_ok(lz_bureau_list(&j, &next, &f->ctx, 0, 50));
	assert_int_equal(json_array_size(j), 7);
	json_decref(j);
}

/* ---------------------------------------------------------------- lists */

static void test_org__staff_pages_have_no_gaps_or_duplicates(void **state)
{
	fixture *f = *state;
	const int64_t bureaus[] = {f->a, f->b, f->a11, f->a1, f->b11};
	int64_t ids[137], seen[137];
	size_t n_ids = 0, n_seen = 0, pages = 0;
	json_t *j;
	int64_t next = 0;

	for (size_t i = 0; i < 137; i++) {
		char no[16], name[32];
		snprintf(no, sizeof(no), "P-%03zu", i);
		snprintf(name, sizeof(name), "职员%zu", i);
		ids[n_ids++] = make_staff(f, bureaus[i % 5], 0, no, name, "科员");
	}
	lz_staff_query q = LZ_STAFF_QUERY_INIT;
	q.limit = 10;
	do {
		q.after_id = next;
		assert_ok(lz_staff_list(&j, &next, &f->ctx, &q));
		assert_true(json_array_size(j) <= 10);
		for (size_t i = 0; i < json_array_size(j); i++)
			seen[n_seen++] = json_integer_value(json_object_get(json_array_get(j, i), "id"));
		if (next)
			assert_int_equal(next, seen[n_seen - 1]);
		json_decref(j);
		pages++;
	} while (next && pages < 100);
	assert_int_equal(pages, 14);
	assert_int_equal(n_seen, n_ids);
	for (size_t i = 0; i < n_ids; i++)
		assert_int_equal(seen[i], ids[i]);

	/* A full last page ends the list without an empty page after it. */
	q.after_id = ids[126];
	assert_ok(lz_staff_list(&j, &next, &f->ctx, &q));
	assert_int_equal(json_array_size(j), 10);
	assert_int_equal(next, 0);
	json_decref(j);

	/* Within a province's scope: the pages hold exactly its staff, in order. */
	act_as(f, LZ_ROLE_DIRECTOR, f->a, "director-a");
	q.limit = 7;
	n_seen = 0;
	next = 0;
	do {
		q.after_id = next;
		assert_ok(lz_staff_list(&j, &next, &f->ctx, &q));
		for (size_t i = 0; i < json_array_size(j); i++) {
			json_t *row = json_array_get(j, i);
			int64_t b = json_integer_value(json_object_get(row, "bureau_id"));
			assert_true(b == f->a || b == f->a1 || b == f->a11);
			seen[n_seen++] = json_integer_value(json_object_get(row, "id"));
		}
		json_decref(j);
	} while (next);
	size_t k = 0;
	for (size_t i = 0; i < n_ids; i++)
		if (bureaus[i % 5] != f->b && bureaus[i % 5] != f->b11)
			assert_int_equal(seen[k++], ids[i]);
	assert_int_equal(k, n_seen);

	/* The page size is clamped to 1..200. */
	q.after_id = 0;
	q.limit = 0;
	assert_ok(lz_staff_list(&j, &next, &f->ctx, &q));
	assert_int_equal(json_array_size(j), 1);
	json_decref(j);
	act_as(f, LZ_ROLE_SYSTEM, 0, "test");
	q.limit = 100000;
	assert_ok(lz_staff_list(&j, &next, &f->ctx, &q));
	assert_int_equal(json_array_size(j), 137);
	json_decref(j);
	assert_ok(lz_bureau_list(&j, &next, &f->ctx, 0, 3));
	assert_int_equal(json_array_size(j), 3);
	assert_int_equal(next, f->a1);
	json_decref(j);
	assert_ok(lz_bureau_list(&j, &next, &f->ctx, next, 3));
	assert_int_equal(json_array_size(j), 3);
	assert_int_equal(next, f->b1);
	json_decref(j);
	assert_ok(lz_bureau_list(&j, &next, &f->ctx, next, 3));
	assert_int_equal(json_array_size(j), 1);
	assert_int_equal(next, 0);
	json_decref(j);
}

static void test_org__search_treats_wildcards_literally(void **state)
{
	fixture *f = *state;
	int64_t dept = make_department(f, f->a, "财务科");

	make_staff(f, f->a, 0, "S-1", "王_明", "科员");
	make_staff(f, f->a, 0, "S-2", "王a明", "科员");
	make_staff(f, f->a, dept, "S-3", "百分之100%", "会计");
	make_staff(f, f->a, 0, "S-4", "1000", "出纳");
	make_staff(f, f->a, 0, "S-5", "back\\slash", "科员");
	make_staff(f, f->b, 0, "S_6", "王小明", "督查专员");

	lz_staff_query q = LZ_STAFF_QUERY_INIT;
	q.q = "_";
	assert_int_equal(list_count(f, &q), 2); /* 王_明 and the employee number S_6 */
	q.q = "王_明";
	assert_int_equal(list_count(f, &q), 1);
	q.q = "%";
	assert_int_equal(list_count(f, &q), 1);
	q.q = "100%";
	assert_int_equal(list_count(f, &q), 1);
	q.q = "\\";
	assert_int_equal(list_count(f, &q), 1);
	q.q = "王";
	assert_int_equal(list_count(f, &q), 3);
	q.q = "明";
	assert_int_equal(list_count(f, &q), 3);
	q.q = "S-";
	assert_int_equal(list_count(f, &q), 5); /* employee numbers */
	q.q = "督查";
	assert_int_equal(list_count(f, &q), 1); /* posts */
	q.q = "'; DROP TABLE staff; --";
	assert_int_equal(list_count(f, &q), 0);
	q.q = "";
	assert_int_equal(list_count(f, &q), 6);

	/* Filters combine with the search and the scope. */
	q.q = "明";
	q.bureau_id = f->a;
	assert_int_equal(list_count(f, &q), 2);
	q.q = NULL;
	q.department_id = dept;
	assert_int_equal(list_count(f, &q), 1);
	q.department_id = 0;
	q.status = "leave";
	assert_int_equal(list_count(f, &q), 0);
	q.status = "active";
	assert_int_equal(list_count(f, &q), 5);

	json_t *j;
	int64_t next;
	q.status = "gone";
	expect_error(lz_staff_list(&j, &next, &f->ctx, &q), LZ_EINVALID, "status");
	q.status = NULL;
	q.q = "\xff";
	expect_error(lz_staff_list(&j, &next, &f->ctx, &q), LZ_EINVALID, "q");
	q.q = NULL;
	q.bureau_id = 999999;
	expect_error(lz_staff_list(&j, &next, &f->ctx, &q), LZ_ENOTFOUND, "bureau_id");
}

/* ---------------------------------------------------------------- audit, roles */

static void test_org__writes_are_audited(void **state)
{
	fixture *f = *state;
	int64_t dept, id, entries;

	dept = make_department(f, f->a, "监督科");
	id = make_staff(f, f->a, dept, "G-1", "吴刚", "科员");
	assert_int_equal(count(f, "SELECT count(*) FROM audit_log WHERE action = 'department.create'"), 1);
	assert_int_equal(count(f, "SELECT count(*) FROM audit_log WHERE action = 'staff.create' AND "
				  "entity_type = 'staff' AND before_digest IS NULL AND "
				  "after_digest IS NOT NULL"),
			 1);

	entries = count(f, "SELECT count(*) FROM audit_log");
	lz_staff_input up = {0};
	up.has_post = true;
	up.post = "督查专员";
	act_as(f, LZ_ROLE_DIRECTOR, f->a, "director-a");
	assert_ok(lz_staff_update(&f->ctx, id, &up));
	assert_int_equal(count(f, "SELECT count(*) FROM audit_log"), entries + 1);
	assert_int_equal(count(f, "SELECT count(*) FROM audit_log WHERE action = 'staff.update' AND "
				  "actor = 'director-a' AND before_digest IS NOT NULL AND "
				  "after_digest IS NOT NULL AND before_digest <> after_digest"),
			 1);

	/* A refused update leaves no entry. */
	up.has_status = true;
	up.status = "fired";
	expect_error(lz_staff_update(&f->ctx, id, &up), LZ_EINVALID, "status");
	assert_int_equal(count(f, "SELECT count(*) FROM audit_log"), entries + 1);
	json_t *j;
	assert_ok(lz_staff_get_json(&j, &f->ctx, id));
	assert_string_equal(json_string_value(json_object_get(j, "post")), "督查专员");
	assert_string_equal(json_string_value(json_object_get(j, "department_name")), "监督科");
	json_decref(j);
}

static void test_org__roles_limit_who_writes(void **state)
{
	fixture *f = *state;
	lz_staff_input in = {0};
	lz_bureau_input bin = {"420600", "襄阳市移民局", NULL, "city", f->a};
	int64_t before = rows(f);
	json_t *j;
	int64_t next;

	in.bureau_id = f->a;
	in.employee_no = "R-1";
	in.name = "郑爽";
	act_as(f, LZ_ROLE_CLERK, f->a, "clerk-a");
	expect_error(lz_staff_create(NULL, &f->ctx, &in), LZ_EFORBIDDEN, NULL);
	expect_error(lz_department_create(NULL, &f->ctx, f->a, "规划科"), LZ_EFORBIDDEN, NULL);
	expect_error(lz_bureau_create(NULL, &f->ctx, &bin), LZ_EFORBIDDEN, NULL);
	lz_staff_query q = LZ_STAFF_QUERY_INIT;
	assert_ok(lz_staff_list(&j, &next, &f->ctx, &q)); /* but reads */
	json_decref(j);

	act_as(f, LZ_ROLE_DIRECTOR, f->a, "director-a");
	expect_error(lz_bureau_create(NULL, &f->ctx, &bin), LZ_EFORBIDDEN, NULL);
	act_as(f, LZ_ROLE_ADMIN, f->a, "admin-a");
	bin.level = "national";
	bin.parent_id = 0;
	bin.code = "000000";
	expect_error(lz_bureau_create(NULL, &f->ctx, &bin), LZ_EFORBIDDEN, "parent_id");
	assert_int_equal(rows(f), before);

	act_as(f, LZ_ROLE_DIRECTOR, f->a, "director-a");
	assert_ok(lz_staff_create(NULL, &f->ctx, &in));
	act_as(f, LZ_ROLE_ADMIN, f->a, "admin-a");
	bin.level = "city";
	bin.parent_id = f->a;
	bin.code = "420600";
	assert_ok(lz_bureau_create(NULL, &f->ctx, &bin));
}

/* Inside a caller's transaction a failed write undoes only itself. */
static void test_org__writes_join_a_callers_transaction(void **state)
{
	fixture *f = *state;
	int64_t before = rows(f), dept = 0;
	lz_staff_input in = {0};

	assert_ok(lz_tx_begin(&f->ctx, LZ_TX_WRITE));
	assert_ok(lz_department_create(&dept, &f->ctx, f->a, "综合科"));
	expect_error(lz_department_create(NULL, &f->ctx, f->a, "综合科"), LZ_ECONFLICT, "name");
	in.bureau_id = f->a;
	in.department_id = dept;
	in.employee_no = "T-1";
	in.name = "冯巩";
	assert_ok(lz_staff_create(NULL, &f->ctx, &in));
	expect_error(lz_staff_create(NULL, &f->ctx, &in), LZ_ECONFLICT, "employee_no");
	assert_ok(lz_tx_commit(&f->ctx));
	/* Two rows, and an audit entry each. */
	assert_int_equal(rows(f), before + 4);

	before = rows(f);
	assert_ok(lz_tx_begin(&f->ctx, LZ_TX_WRITE));
	assert_ok(lz_department_create(NULL, &f->ctx, f->a, "规划科"));
	lz_tx_rollback(&f->ctx);
	assert_int_equal(rows(f), before);
}

#define T(test) cmocka_unit_test_setup_teardown(test, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_org__hierarchy_has_paths_and_levels),
		T(test_org__level_is_one_below_the_parent),
		T(test_org__duplicate_code_is_a_conflict),
		T(test_org__invalid_codes_are_refused),
		T(test_org__bureau_names_are_checked),
		T(test_org__huge_name_is_refused_and_writes_nothing),
		T(test_org__sql_metacharacters_are_stored_verbatim),
		T(test_org__control_characters_are_refused),
		T(test_org__department_of_another_bureau_is_refused),
		T(test_org__names_are_unique_where_they_must_be),
		T(test_org__staff_fields_are_validated),
		T(test_org__staff_input_from_json_names_the_field),
		T(test_org__tenancy_hides_other_provinces),
		T(test_org__staff_pages_have_no_gaps_or_duplicates),
		T(test_org__search_treats_wildcards_literally),
		T(test_org__writes_are_audited),
		T(test_org__roles_limit_who_writes),
		T(test_org__writes_join_a_callers_transaction),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
