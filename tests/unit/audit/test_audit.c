/* test_audit.c — the hash-chained audit log: appends, verification of every kind of
 * tampering done directly on the database file, filtered listing and scope. */
#include "helpers.h"

#include "audit/audit.h"
#include "base/buf.h"
#include "org/org.h"

#include <string.h>

static lz_test_env env;

static int setup(void **state)
{
	(void)state;
	lz_test_env_setup(&env);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	lz_test_env_teardown(&env);
	return 0;
}

/* Appends n entries, each in its own transaction, as the system. */
static void append_n(int n, const char *action, int64_t bureau_id)
{
	lz_ctx ctx;
	lz_test_ctx(&ctx, &env);
	for (int i = 0; i < n; i++) {
		json_t *after = json_pack("{si}", "i", i);
		assert_ok(lz_tx_begin(&ctx, LZ_TX_WRITE));
		assert_ok(lz_audit_append(&ctx, action, "thing", i + 1, bureau_id, NULL, after));
		assert_ok(lz_tx_commit(&ctx));
		json_decref(after);
	}
	lz_ctx_done(&ctx);
}

static lz_audit_report verify(void)
{
	lz_audit_report r;
	lz_ctx ctx;
	lz_test_ctx(&ctx, &env);
	assert_ok(lz_audit_verify(&r, &ctx));
	lz_ctx_done(&ctx);
	return r;
}

static void test_audit__intact_chain_verifies(void **state)
{
	(void)state;
	append_n(5, "thing.create", 0);
	lz_audit_report r = verify();
	assert_true(r.ok);
	assert_int_equal(r.count, 5);
	uint8_t zero[32] = {0};
	assert_memory_not_equal(r.head, zero, 32);
}

static void test_audit__empty_log_verifies(void **state)
{
	(void)state;
	lz_audit_report r = verify();
	assert_true(r.ok);
	assert_int_equal(r.count, 0);
}

static void test_audit__altered_entry_is_named(void **state)
{
	(void)state;
	append_n(5, "thing.create", 0);
	lz_test_sql(&env, "UPDATE audit_log SET actor = 'someone-else' WHERE seq = 3");
	lz_audit_report r = verify();
	assert_false(r.ok);
	assert_int_equal(r.first_bad_seq, 3);
	assert_int_equal(r.problem, LZ_AUDIT_ALTERED);
}

static void test_audit__altered_digest_is_named(void **state)
{
	(void)state;
	append_n(4, "thing.create", 0);
	lz_test_sql(&env, "UPDATE audit_log SET after_digest = '00' WHERE seq = 2");
	lz_audit_report r = verify();
	assert_false(r.ok);
	assert_int_equal(r.first_bad_seq, 2);
	assert_int_equal(r.problem, LZ_AUDIT_ALTERED);
}

static void test_audit__deleted_entry_is_missing(void **state)
{
	(void)state;
	append_n(5, "thing.create", 0);
	lz_test_sql(&env, "DELETE FROM audit_log WHERE seq = 2");
	lz_audit_report r = verify();
	assert_false(r.ok);
	assert_int_equal(r.first_bad_seq, 2);
	assert_int_equal(r.problem, LZ_AUDIT_MISSING);
}

static void test_audit__truncated_tail_is_missing(void **state)
{
	(void)state;
	append_n(5, "thing.create", 0);
	lz_test_sql(&env, "DELETE FROM audit_log WHERE seq >= 4");
	lz_audit_report r = verify();
	assert_false(r.ok);
	assert_int_equal(r.first_bad_seq, 4);
	assert_int_equal(r.problem, LZ_AUDIT_MISSING);
}

static void test_audit__swapped_entries_are_reordered(void **state)
{
	(void)state;
	append_n(5, "thing.create", 0);
	lz_test_sql(&env, "UPDATE audit_log SET seq = 100 WHERE seq = 2;"
			  "UPDATE audit_log SET seq = 2 WHERE seq = 3;"
			  "UPDATE audit_log SET seq = 3 WHERE seq = 100;");
	lz_audit_report r = verify();
	assert_false(r.ok);
	assert_int_equal(r.first_bad_seq, 2);
	assert_int_equal(r.problem, LZ_AUDIT_REORDERED);
}

static void test_audit__rewritten_history_does_not_match_head(void **state)
{
	(void)state;
	/* Someone recomputes every hash after changing an entry, but cannot update the
	 * head without also being caught: here they forgot the head. */
	append_n(3, "thing.create", 0);
	lz_test_sql(&env, "UPDATE audit_head SET hash = (SELECT prev_hash FROM audit_log WHERE seq = 1)");
	lz_audit_report r = verify();
	assert_false(r.ok);
	assert_int_equal(r.problem, LZ_AUDIT_ALTERED);
}

static void test_audit__append_needs_a_transaction(void **state)
{
	(void)state;
	lz_ctx ctx;
	lz_test_ctx(&ctx, &env);
	assert_int_equal(lz_audit_append(&ctx, "x.y", "x", 1, 0, NULL, NULL), LZ_EINTERNAL);
	lz_ctx_done(&ctx);
	assert_int_equal(verify().count, 0);
}

static void test_audit__rolled_back_change_leaves_no_entry(void **state)
{
	(void)state;
	lz_ctx ctx;
	lz_test_ctx(&ctx, &env);
	assert_ok(lz_tx_begin(&ctx, LZ_TX_WRITE));
	assert_ok(lz_audit_append(&ctx, "x.y", "x", 1, 0, NULL, NULL));
	lz_tx_rollback(&ctx);
	lz_ctx_done(&ctx);
	lz_audit_report r = verify();
	assert_true(r.ok);
	assert_int_equal(r.count, 0);
}

static void test_audit__list_filters_and_pages(void **state)
{
	(void)state;
	append_n(3, "staff.create", 0);
	append_n(2, "staff.update", 0);
	append_n(4, "user.create", 0);
	lz_ctx ctx;
	lz_test_ctx(&ctx, &env);
	lz_audit_query q = LZ_AUDIT_QUERY_INIT;
	json_t *items;
	int64_t next;

	q.action = "staff.";
	assert_ok(lz_audit_list(&items, &next, &ctx, &q));
	assert_int_equal(json_array_size(items), 5);
	assert_int_equal(next, 0);
	json_decref(items);

	q.action = "staff.update";
	assert_ok(lz_audit_list(&items, &next, &ctx, &q));
	assert_int_equal(json_array_size(items), 2);
	json_decref(items);

	/* Newest first, in pages of 4 with a cursor; no entry twice, none lost. */
	q.action = NULL;
	q.limit = 4;
	int seen = 0;
	int64_t last = INT64_MAX;
	do {
		assert_ok(lz_audit_list(&items, &next, &ctx, &q));
		for (size_t i = 0; i < json_array_size(items); i++) {
			int64_t seq = json_integer_value(json_object_get(json_array_get(items, i), "seq"));
			assert_true(seq < last);
			last = seq;
			seen++;
		}
		json_decref(items);
		q.after_seq = next;
	} while (next);
	assert_int_equal(seen, 9);

	q.limit = 0;
	assert_int_equal(lz_audit_list(&items, &next, &ctx, &q), LZ_EINVALID);
	assert_string_equal(lz_error_last()->field, "limit");
	lz_ctx_done(&ctx);
}

static void test_audit__list_is_scoped_and_needs_the_right(void **state)
{
	(void)state;
	lz_ctx ctx;
	int64_t nat, hubei, zhejiang;
	lz_test_ctx(&ctx, &env);
	lz_bureau_input in = {"100000", "国家移民管理局", "", "national", 0};
	assert_ok(lz_bureau_create(&nat, &ctx, &in));
	lz_bureau_input hb = {"420000", "湖北省移民局", "", "province", nat};
	assert_ok(lz_bureau_create(&hubei, &ctx, &hb));
	lz_bureau_input zj = {"330000", "浙江省移民局", "", "province", nat};
	assert_ok(lz_bureau_create(&zhejiang, &ctx, &zj));
	lz_ctx_done(&ctx);
	append_n(2, "thing.hubei", hubei);
	append_n(3, "thing.zhejiang", zhejiang);

	lz_bureau b;
	lz_test_ctx(&ctx, &env);
	assert_ok(lz_bureau_get(&b, &ctx, hubei));
	ctx.actor.role = LZ_ROLE_AUDITOR;
	ctx.actor.bureau_id = hubei;
	snprintf(ctx.actor.bureau_path, sizeof(ctx.actor.bureau_path), "%s", b.path);
	lz_audit_query q = LZ_AUDIT_QUERY_INIT;
	q.action = "thing.";
	json_t *items;
	int64_t next;
	assert_ok(lz_audit_list(&items, &next, &ctx, &q));
	assert_int_equal(json_array_size(items), 2);
	for (size_t i = 0; i < json_array_size(items); i++)
		assert_string_equal(json_string_value(json_object_get(json_array_get(items, i), "action")),
				    "thing.hubei");
	json_decref(items);

	ctx.actor.role = LZ_ROLE_CLERK;
	assert_int_equal(lz_audit_list(&items, &next, &ctx, &q), LZ_EFORBIDDEN);
	lz_audit_report r;
	assert_int_equal(lz_audit_verify(&r, &ctx), LZ_EFORBIDDEN);
	lz_ctx_done(&ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_audit__intact_chain_verifies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit__empty_log_verifies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit__altered_entry_is_named, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit__altered_digest_is_named, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit__deleted_entry_is_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit__truncated_tail_is_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit__swapped_entries_are_reordered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit__rewritten_history_does_not_match_head, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit__append_needs_a_transaction, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit__rolled_back_change_leaves_no_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit__list_filters_and_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit__list_is_scoped_and_needs_the_right, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
