/* test_copy.c — a whole store copied into another (SQLite → the suite's backend):
 * every row, every value kind, counts checked, the audit chain intact, new ids
 * continuing after the copied ones; a non-empty target refused. */
#include "helpers.h"

#include "audit/audit.h"
#include "auth/auth.h"
#include "org/org.h"

#include <stdio.h>
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

/* A SQLite source with an organisation, accounts, a session and audit entries. */
static lz_db *make_source(lz_app *app)
{
	char path[400];
	lz_db_opts opts = LZ_DB_OPTS_INIT;
	lz_ctx ctx;
	int64_t nat, hb, staff;
	lz_session s;

	snprintf(path, sizeof(path), "%s/source.db", env.dir);
	*app = env.app;
	assert_ok(lz_db_open(&app->db, path, &opts));
	assert_ok(lz_db_migrate(app->db, NULL));
	lz_ctx_init(&ctx, app, "test", "src");
	lz_ctx_act_as_system(&ctx, "test");
	lz_bureau_input in = {"100000", "国家移民管理局", "National", "national", 0};
	assert_ok(lz_bureau_create(&nat, &ctx, &in));
	lz_bureau_input h = {"420000", "湖北省移民局", "Hubei", "province", nat};
	assert_ok(lz_bureau_create(&hb, &ctx, &h));
	lz_staff_input st = {.bureau_id = hb, .has_employee_no = true, .employee_no = "HB-001",
			     .has_name = true, .name = "王芳", .has_post = true, .post = "科长",
			     .has_status = true, .status = "active"};
	assert_ok(lz_staff_create(&staff, &ctx, &st));
	assert_ok(lz_user_add(NULL, &ctx, "wang.fang", "director", "420000", "a-password-1", staff));
	ctx.address = "127.0.0.1";
	assert_ok(lz_session_create(&s, &ctx, "wang.fang", "a-password-1"));
	lz_ctx_done(&ctx);
	return app->db;
}

static int64_t count(lz_db *db, const char *sql)
{
	lz_conn *c;
	int64_t n = -1;
	assert_ok(lz_db_acquire(&c, db));
	assert_ok(lz_exec_int(&n, c, sql, true, NULL));
	lz_db_release(db, c);
	return n;
}

static void test_copy__everything_arrives_and_verifies(void **state)
{
	(void)state;
	lz_app src;
	lz_copy_count counts[64];
	int n;

	make_source(&src);
	assert_ok(lz_store_copy(src.db, env.app.db, counts, 64, &n, NULL));
	/* Every table of the schema was copied (all but the migrations' own). */
	assert_int_equal(n, count(env.app.db, lz_test_on_pg()
						      ? "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "
							"current_schema() AND table_name <> 'schema_migration'"
						      : "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name NOT "
							"LIKE 'sqlite_%' AND name <> 'schema_migration'"));
	assert_true(n >= 8);
	static const char *const sql[] = {"SELECT COUNT(*) FROM bureau", "SELECT COUNT(*) FROM staff",
					  "SELECT COUNT(*) FROM user_account", "SELECT COUNT(*) FROM session",
					  "SELECT COUNT(*) FROM audit_log"};
	for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
		int64_t a = count(src.db, sql[i]);
		assert_true(a > 0);
		assert_int_equal(count(env.app.db, sql[i]), a);
	}
	/* Text, blobs and NULLs kept their kinds and bytes. */
	assert_int_equal(count(env.app.db, "SELECT COUNT(*) FROM bureau WHERE name = '湖北省移民局' AND parent_id = 1"), 1);
	assert_int_equal(count(env.app.db, "SELECT COUNT(*) FROM bureau WHERE parent_id IS NULL"), 1);
	assert_int_equal(count(env.app.db, "SELECT COUNT(*) FROM session WHERE length(token_hash) = 32"), 1);

	/* The chain verifies on the copy, with the same head. */
	lz_ctx ctx;
	lz_audit_report a, b;
	lz_ctx_init(&ctx, &src, "test", "t");
	lz_ctx_act_as_system(&ctx, "test");
	assert_ok(lz_audit_verify(&a, &ctx));
	lz_ctx_done(&ctx);
	lz_test_ctx(&ctx, &env);
	assert_ok(lz_audit_verify(&b, &ctx));
	assert_true(b.ok);
	assert_int_equal(a.count, b.count);
	assert_memory_equal(a.head, b.head, 32);

	/* New rows get ids after the copied ones, and the session still works. */
	int64_t id;
	lz_bureau_input zj = {"330000", "浙江省移民局", "", "province", 1};
	assert_ok(lz_bureau_create(&id, &ctx, &zj));
	assert_int_equal(id, 3);
	lz_session s;
	assert_ok(lz_session_create(&s, &ctx, "wang.fang", "a-password-1"));
	assert_ok(lz_audit_verify(&b, &ctx));
	assert_true(b.ok);
	lz_ctx_done(&ctx);
	lz_db_close(src.db);
}

static void test_copy__refuses_a_target_that_holds_data(void **state)
{
	(void)state;
	lz_app src;
	lz_copy_count counts[64];
	int n;
	make_source(&src);
	assert_ok(lz_store_copy(src.db, env.app.db, counts, 64, &n, NULL));
	int64_t before = count(env.app.db, "SELECT COUNT(*) FROM audit_log");
	assert_int_equal(lz_store_copy(src.db, env.app.db, counts, 32, &n, NULL), LZ_ECONFLICT);
	assert_string_equal(lz_error_last()->field, "to");
	assert_int_equal(count(env.app.db, "SELECT COUNT(*) FROM audit_log"), before);
	lz_db_close(src.db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_copy__everything_arrives_and_verifies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy__refuses_a_target_that_holds_data, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
