/*
 * test_cases_list.c — the staff's list of cases (lz_case_list) and the public's
 * list of bureaus that take applications: every filter, the scope (a bureau out of
 * scope is missing, its cases invisible), keyset pages across cases received in the
 * same second with no duplicates and no gaps, nothing personal in the items, and
 * each bad filter refused naming its field.
 */
#include "helpers.h"

#include "auth/auth.h"
#include "base/idcard.h"
#include "base/json.h"
#include "cases/cases.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 *	100000 national ── 420000 Hubei ── 420500 Yichang ─┬─ 420527 Zigui
 *	               │                                   └─ 420506 Yiling
 *	               └── 330000 Zhejiang ── 330100 Hangzhou ── 330122 Tonglu
 */
enum { P_DIRECTOR, P_ZIGUI, P_YILING, P_TONGLU, P_COUNT };

static const struct {
	const char *login, *role, *bureau;
} people[P_COUNT] = {
    [P_DIRECTOR] = {"hubei.director", "director", "420000"},
    [P_ZIGUI] = {"zigui.clerk", "clerk", "420527"},
    [P_YILING] = {"yiling.clerk", "clerk", "420506"},
    [P_TONGLU] = {"tonglu.clerk", "clerk", "330122"},
};

typedef struct {
	lz_test_env env;
	lz_ctx ctx;
	int64_t national, hubei, yichang, zigui, yiling, zhejiang, hangzhou, tonglu;
	int64_t staff[P_COUNT], user[P_COUNT];
	int64_t short_type, long_type, yiling_type, tonglu_type;
	int64_t t0;
	char id_number[19];
} fixture;

static void as(fixture *f, int who)
{
	assert_ok(lz_auth_act_as(&f->ctx, f->user[who]));
}

static int64_t make_type(fixture *f, int64_t bureau, const char *code, int64_t sla, bool active)
{
	json_t *names = json_pack("{s:s}", "zh-CN", "移民安置证明");
	lz_case_type_input in = {bureau, code, names, NULL, sla, "elapsed", 1, false, active};
	int64_t id = 0;
	lz_ctx_act_as_system(&f->ctx, "test");
	assert_ok(lz_case_type_create(&id, &f->ctx, &in));
	json_decref(names);
	return id;
}

static int64_t receive(fixture *f, int who, int64_t type)
{
	lz_case_input in = {type, "window", 0, "张三丰", f->id_number, "13800138000", NULL, "证明", 0, {{{0}, 0, NULL}}};
	lz_case_receipt r;
	as(f, who);
	assert_ok(lz_case_receive(&r, &f->ctx, &in));
	return r.id;
}

/*
 * Zigui: 5 cases of a 24-hour type at t0 (the same second), 3 of a 100-hour type
 * at t0 + 1 h, two of the first assigned to the clerk. Yiling: 4 at t0 + 2 h.
 * Tonglu: 2 at t0. Then 30 hours pass: the 24-hour cases are overdue.
 */
static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	char first17[] = "42052719800101001";

	lz_test_env_setup(&f->env);
	lz_test_ctx(&f->ctx, &f->env);
	assert_ok(lz_time_parse(&f->t0, "2026-10-12T10:00:00+08:00"));
	f->env.clock.fixed = f->t0;
	lz_ctx_act_as_system(&f->ctx, "test");
	f->national = lz_test_bureau(&f->ctx, "100000", "国家移民管理局", "national", 0);
	f->hubei = lz_test_bureau(&f->ctx, "420000", "湖北省移民局", "province", f->national);
	f->yichang = lz_test_bureau(&f->ctx, "420500", "宜昌市移民局", "city", f->hubei);
	f->zigui = lz_test_bureau(&f->ctx, "420527", "秭归县移民局", "county", f->yichang);
	f->yiling = lz_test_bureau(&f->ctx, "420506", "夷陵区移民局", "county", f->yichang);
	f->zhejiang = lz_test_bureau(&f->ctx, "330000", "浙江省移民局", "province", f->national);
	f->hangzhou = lz_test_bureau(&f->ctx, "330100", "杭州市移民局", "city", f->zhejiang);
	f->tonglu = lz_test_bureau(&f->ctx, "330122", "桐庐县移民局", "county", f->hangzhou);
	for (int i = 0; i < P_COUNT; i++) {
		lz_staff_input in = {0};
		char no[16];
		lz_bureau bu;
		assert_ok(lz_bureau_by_code(&bu, &f->ctx, people[i].bureau));
		snprintf(no, sizeof(no), "L%03d", i);
		in.bureau_id = bu.id;
		in.employee_no = no;
		in.name = people[i].login;
		assert_ok(lz_staff_create(&f->staff[i], &f->ctx, &in));
		assert_ok(lz_user_add(&f->user[i], &f->ctx, people[i].login, people[i].role, people[i].bureau,
		                      "a-long-passphrase", f->staff[i]));
	}
	snprintf(f->id_number, sizeof(f->id_number), "%s%c", first17, lz_idcard_check_char(first17));
	f->short_type = make_type(f, f->zigui, "short", 24, true);
	f->long_type = make_type(f, f->zigui, "long", 100, true);
	f->yiling_type = make_type(f, f->yiling, "yiling", 100, true);
	f->tonglu_type = make_type(f, f->tonglu, "tonglu", 100, true);
	(void)make_type(f, f->zhejiang, "retired", 100, false);

	for (int i = 0; i < 5; i++) {
		int64_t id = receive(f, P_ZIGUI, f->short_type);
		if (i < 2) {
			assert_ok(lz_case_accept(&f->ctx, id, NULL));
			assert_ok(lz_case_assign(&f->ctx, id, f->staff[P_ZIGUI], NULL));
		}
	}
	for (int i = 0; i < 2; i++)
		(void)receive(f, P_TONGLU, f->tonglu_type);
	f->env.clock.fixed = f->t0 + 3600;
	for (int i = 0; i < 3; i++)
		(void)receive(f, P_ZIGUI, f->long_type);
	f->env.clock.fixed = f->t0 + 7200;
	for (int i = 0; i < 4; i++)
		(void)receive(f, P_YILING, f->yiling_type);
	f->env.clock.fixed = f->t0 + 30 * 3600;
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

/* Every page of query 'q' (its cursor followed), checking the order and that no
 * case comes twice; answers the count and, in ids[], the ids. */
static size_t all_pages(fixture *f, lz_case_query q, int64_t *ids, size_t cap)
{
	size_t n = 0;
	int64_t prev_received = INT64_MAX, prev_id = INT64_MAX;

	for (int pages = 0;; pages++) {
		json_t *page = NULL, *item;
		const char *cursor;
		size_t i;
		assert_true(pages < 100);
		assert_ok(lz_case_list(&page, &f->ctx, &q));
		json_array_foreach(json_object_get(page, "items"), i, item)
		{
			int64_t id = json_integer_value(json_object_get(item, "id")), received = 0;
			assert_ok(lz_time_parse(&received,
			                        json_string_value(json_object_get(item, "received_at"))));
			assert_true(received < prev_received || (received == prev_received && id < prev_id));
			prev_received = received;
			prev_id = id;
			for (size_t k = 0; k < n; k++)
				assert_true(ids[k] != id);
			assert_true(n < cap);
			ids[n++] = id;
		}
		cursor = json_string_value(json_object_get(page, "next_cursor"));
		if (!cursor) {
			json_decref(page);
			return n;
		}
		assert_ok(lz_case_list_cursor(&q, cursor));
		json_decref(page);
	}
}

static size_t count(fixture *f, lz_case_query q)
{
	int64_t ids[64];
	return all_pages(f, q, ids, 64);
}

static void test_cases_list__pages_newest_first_without_duplicates(void **state)
{
	fixture *f = *state;
	lz_case_query q = LZ_CASE_QUERY_INIT;
	int64_t ids[64], seen[64];

	as(f, P_DIRECTOR);
	/* Pages of 1, 2, 3 and 50 over the same twelve cases of Hubei, ties included. */
	assert_int_equal(all_pages(f, q, seen, 64), 12);
	for (int limit = 1; limit <= 3; limit++) {
		q.limit = limit;
		assert_int_equal(all_pages(f, q, ids, 64), 12);
		assert_memory_equal(ids, seen, sizeof(int64_t) * 12);
	}
	/* A case received meanwhile comes on no later page of a list already started. */
	{
		json_t *page = NULL;
		q = (lz_case_query)LZ_CASE_QUERY_INIT;
		q.limit = 4;
		assert_ok(lz_case_list(&page, &f->ctx, &q));
		assert_ok(lz_case_list_cursor(&q, json_string_value(json_object_get(page, "next_cursor"))));
		json_decref(page);
		(void)receive(f, P_ZIGUI, f->long_type);
		as(f, P_DIRECTOR);
		assert_int_equal(all_pages(f, q, ids, 64), 8);
		assert_memory_equal(ids, seen + 4, sizeof(int64_t) * 8);
	}
}

static void test_cases_list__scope_hides_other_bureaus(void **state)
{
	fixture *f = *state;
	lz_case_query q = LZ_CASE_QUERY_INIT;
	json_t *page = NULL;

	as(f, P_ZIGUI);
	assert_int_equal(count(f, q), 8);
	q.bureau_id = f->yiling;
	expect_error(lz_case_list(&page, &f->ctx, &q), LZ_ENOTFOUND, "bureau_id");
	q.bureau_id = f->hubei;
	expect_error(lz_case_list(&page, &f->ctx, &q), LZ_ENOTFOUND, "bureau_id");
	q.bureau_id = 0;
	q.type_id = f->tonglu_type; /* another province's type: nothing, not an error */
	assert_int_equal(count(f, q), 0);

	as(f, P_DIRECTOR);
	q = (lz_case_query)LZ_CASE_QUERY_INIT;
	q.bureau_id = f->zigui;
	assert_int_equal(count(f, q), 8);
	q.bureau_id = f->hubei;
	assert_int_equal(count(f, q), 12);
	q.bureau_id = f->tonglu;
	expect_error(lz_case_list(&page, &f->ctx, &q), LZ_ENOTFOUND, "bureau_id");

	as(f, P_TONGLU);
	q = (lz_case_query)LZ_CASE_QUERY_INIT;
	assert_int_equal(count(f, q), 2);

	lz_auth_act_as_public(&f->ctx);
	q = (lz_case_query)LZ_CASE_QUERY_INIT;
	expect_error(lz_case_list(&page, &f->ctx, &q), LZ_EFORBIDDEN, NULL);
	assert_null(page);
}

static void test_cases_list__filters(void **state)
{
	fixture *f = *state;
	lz_case_query q = LZ_CASE_QUERY_INIT;
	json_t *page = NULL, *item;
	size_t i;

	as(f, P_DIRECTOR);
	q.state = "assigned";
	assert_int_equal(count(f, q), 2);
	q.state = "received";
	assert_int_equal(count(f, q), 10);
	q = (lz_case_query)LZ_CASE_QUERY_INIT;
	q.assignee_staff_id = f->staff[P_ZIGUI];
	assert_int_equal(count(f, q), 2);
	q.assignee_staff_id = f->staff[P_YILING];
	assert_int_equal(count(f, q), 0);
	q = (lz_case_query)LZ_CASE_QUERY_INIT;
	q.type_id = f->long_type;
	assert_int_equal(count(f, q), 3);
	q.type_id = f->short_type;
	q.state = "assigned";
	assert_int_equal(count(f, q), 2);

	/* Received in [from, to). */
	q = (lz_case_query)LZ_CASE_QUERY_INIT;
	q.from = f->t0 + 3600;
	assert_int_equal(count(f, q), 7);
	q.to = f->t0 + 7200;
	assert_int_equal(count(f, q), 3);
	q.from = 0;
	assert_int_equal(count(f, q), 8);

	/* Overdue now: the 24-hour cases after 30 hours, and the items say so. */
	q = (lz_case_query)LZ_CASE_QUERY_INIT;
	q.overdue = 1;
	assert_ok(lz_case_list(&page, &f->ctx, &q));
	assert_int_equal(json_array_size(json_object_get(page, "items")), 5);
	json_array_foreach(json_object_get(page, "items"), i, item)
	{
		assert_true(json_is_true(json_object_get(item, "overdue")));
		assert_int_equal(json_integer_value(json_object_get(item, "type_id")), f->short_type);
		assert_true(json_integer_value(json_object_get(item, "remaining_seconds")) < 0);
	}
	json_decref(page);
	q.overdue = 0;
	assert_int_equal(count(f, q), 7);
	q.overdue = 1;
	f->env.clock.fixed = f->t0 + 3600; /* an hour after receipt: nothing is overdue */
	assert_int_equal(count(f, q), 0);
}

static void test_cases_list__items_hold_nothing_personal(void **state)
{
	fixture *f = *state;
	lz_case_query q = LZ_CASE_QUERY_INIT;
	json_t *page = NULL, *first;
	char *text;

	as(f, P_ZIGUI);
	q.state = "assigned";
	assert_ok(lz_case_list(&page, &f->ctx, &q));
	text = json_dumps(page, 0);
	assert_null(strstr(text, "张"));
	assert_null(strstr(text, f->id_number));
	assert_null(strstr(text, "13800138000"));
	free(text);
	first = json_array_get(json_object_get(page, "items"), 0);
	assert_non_null(first);
	assert_null(json_object_get(first, "applicant"));
	assert_int_equal(json_integer_value(json_object_get(first, "assignee_staff_id")), f->staff[P_ZIGUI]);
	assert_int_equal(json_integer_value(json_object_get(first, "bureau_id")), f->zigui);
	assert_string_equal(json_string_value(json_object_get(first, "type_code")), "short");
	assert_non_null(json_object_get(first, "due_at"));
	assert_non_null(json_object_get(first, "clock_seconds"));
	json_decref(page);
}

static void test_cases_list__bad_filters_name_the_field(void **state)
{
	fixture *f = *state;
	lz_case_query q;
	json_t *page = NULL;

	as(f, P_DIRECTOR);
	q = (lz_case_query)LZ_CASE_QUERY_INIT;
	q.limit = 0;
	expect_error(lz_case_list(&page, &f->ctx, &q), LZ_EINVALID, "limit");
	q.limit = 201;
	expect_error(lz_case_list(&page, &f->ctx, &q), LZ_EINVALID, "limit");
	q = (lz_case_query)LZ_CASE_QUERY_INIT;
	q.state = "lost";
	expect_error(lz_case_list(&page, &f->ctx, &q), LZ_EINVALID, "state");
	q = (lz_case_query)LZ_CASE_QUERY_INIT;
	q.overdue = 2;
	expect_error(lz_case_list(&page, &f->ctx, &q), LZ_EINVALID, "overdue");
	q = (lz_case_query)LZ_CASE_QUERY_INIT;
	q.type_id = -1;
	expect_error(lz_case_list(&page, &f->ctx, &q), LZ_EINVALID, "type_id");
	q = (lz_case_query)LZ_CASE_QUERY_INIT;
	q.assignee_staff_id = -1;
	expect_error(lz_case_list(&page, &f->ctx, &q), LZ_EINVALID, "assignee");
	q = (lz_case_query)LZ_CASE_QUERY_INIT;
	q.from = f->t0;
	q.to = f->t0;
	expect_error(lz_case_list(&page, &f->ctx, &q), LZ_EINVALID, "to");
	q = (lz_case_query)LZ_CASE_QUERY_INIT;
	q.bureau_id = 999999;
	expect_error(lz_case_list(&page, &f->ctx, &q), LZ_ENOTFOUND, "bureau_id");
	q = (lz_case_query)LZ_CASE_QUERY_INIT;
	expect_error(lz_case_list_cursor(&q, "x"), LZ_EINVALID, "cursor");
	expect_error(lz_case_list_cursor(&q, "12.0"), LZ_EINVALID, "cursor");
	expect_error(lz_case_list_cursor(&q, "12.5x"), LZ_EINVALID, "cursor");
	assert_null(page);
}

static void test_cases_list__bureaus_offering_active_types(void **state)
{
	fixture *f = *state;
	json_t *list = NULL, *b;
	const char *codes[] = {"330122", "420506", "420527"};
	size_t i;

	lz_auth_act_as_public(&f->ctx);
	assert_ok(lz_case_bureaus_offering(&list, &f->ctx));
	assert_int_equal(json_array_size(list), 3); /* Zhejiang's only type is inactive */
	json_array_foreach(list, i, b)
	{
		assert_string_equal(json_string_value(json_object_get(b, "code")), codes[i]);
		assert_non_null(json_string_value(json_object_get(b, "name")));
		assert_true(json_integer_value(json_object_get(b, "id")) > 0);
	}
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "parent_code")),
	                    "330100");
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 2), "parent_code")),
	                    "420500");
	json_decref(list);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_cases_list__pages_newest_first_without_duplicates, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_cases_list__scope_hides_other_bureaus, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cases_list__filters, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cases_list__items_hold_nothing_personal, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cases_list__bad_filters_name_the_field, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cases_list__bureaus_offering_active_types, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
