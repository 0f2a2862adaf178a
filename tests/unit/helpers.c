/* helpers.c — temporary stores for unit tests. */
#include "helpers.h"

#include "base/crypto.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lz_test_env_setup(lz_test_env *env)
{
	lz_db *db;
	lz_db_opts opts = LZ_DB_OPTS_INIT;

	memset(env, 0, sizeof(*env));
	snprintf(env->dir, sizeof(env->dir), "%s/luzhi-test-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(env->dir));
	snprintf(env->db_path, sizeof(env->db_path), "%s/luzhi.db", env->dir);
	assert_ok(lz_crypto_init());
	opts.pool_size = 2;
	assert_ok(lz_db_open(&db, env->db_path, &opts));
	assert_ok(lz_db_migrate(db, NULL));
	env->clock.now = lz_fixed_clock_now;
	env->clock.fixed = 1793000000; /* 2026-10-27 */
	env->app.db = db;
	env->app.clock = &env->clock;
	env->app.random = &lz_system_random;
	env->app.pw_cost = LZ_PW_COST_MIN;
	env->app.session_ttl = 3600;
	env->app.session_max_age = 12 * 3600;
}

void lz_test_env_teardown(lz_test_env *env)
{
	char cmd[400];
	lz_db_close(env->app.db);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", env->dir);
	assert_int_equal(system(cmd), 0);
}

void lz_test_ctx(lz_ctx *ctx, lz_test_env *env)
{
	lz_ctx_init(ctx, &env->app, "test", "test");
	lz_ctx_act_as_system(ctx, "test");
}

void lz_test_sql(lz_test_env *env, const char *sql)
{
	sqlite3 *db;
	char *err = NULL;
	assert_int_equal(sqlite3_open(env->db_path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", sql, err);
	sqlite3_close(db);
}
