/* helpers.c — fresh stores for unit tests, on SQLite or on PostgreSQL. */
#include "helpers.h"

#include "base/crypto.h"
#include "org/org.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * The PostgreSQL server's base URL: $LUZHI_TEST_PG, or the first line of the file
 * named by $LUZHI_TEST_PG_FILE (written by scripts/pg-test-cluster for ctest).
 */
static const char *pg_base(void)
{
	static char base[256];
	const char *env = getenv("LUZHI_TEST_PG"), *file = getenv("LUZHI_TEST_PG_FILE");
	if (env && *env)
		return env;
	if (!base[0] && file && *file) {
		FILE *f = fopen(file, "r");
		if (!f)
			fail_msg("cannot read %s: is the test cluster running?", file);
		if (fgets(base, sizeof(base), f))
			base[strcspn(base, "\n")] = '\0';
		fclose(f);
	}
	return base[0] ? base : NULL;
}

bool lz_test_on_pg(void)
{
	return pg_base() != NULL;
}

/* Runs one statement on the server's maintenance database. */
static void pg_admin(const char *sql)
{
	char url[600];
	snprintf(url, sizeof(url), "%spostgres", pg_base());
	PGconn *c = PQconnectdb(url);
	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("cannot reach the test PostgreSQL at %s: %s", url, PQerrorMessage(c));
	PGresult *r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		fail_msg("%s: %s", sql, PQresultErrorMessage(r));
	PQclear(r);
	PQfinish(c);
}

void lz_test_env_setup(lz_test_env *env)
{
	static int serial;
	lz_db *db;
	lz_db_opts opts = LZ_DB_OPTS_INIT;

	memset(env, 0, sizeof(*env));
	snprintf(env->dir, sizeof(env->dir), "%s/luzhi-test-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(env->dir));
	if (lz_test_on_pg()) {
		char sql[128];
		snprintf(env->pg_db, sizeof(env->pg_db), "luzhi_t%d_%d", (int)getpid(), ++serial);
		snprintf(sql, sizeof(sql), "CREATE DATABASE %s", env->pg_db);
		pg_admin(sql);
		snprintf(env->url, sizeof(env->url), "%s%s", pg_base(), env->pg_db);
	} else {
		snprintf(env->db_path, sizeof(env->db_path), "%s/luzhi.db", env->dir);
		snprintf(env->url, sizeof(env->url), "%s", env->db_path);
	}
	assert_ok(lz_crypto_init());
	opts.pool_size = 2;
	assert_ok(lz_db_open(&db, env->url, &opts));
	assert_ok(lz_db_migrate(db, NULL));
	env->clock.now = lz_fixed_clock_now;
	env->clock.fixed = 1793000000; /* 2026-10-27 */
	env->app.db = db;
	env->app.clock = &env->clock;
	env->app.random = &lz_system_random;
	env->app.pw_cost = LZ_PW_COST_MIN;
	env->app.session_ttl = 3600;
	env->app.session_max_age = 12 * 3600;
	env->app.data_dir = env->dir;
	/* Fixed keys: tests are reproducible. */
	memset(env->app.keys.ledger_seed, 0x11, 32);
	memset(env->app.keys.pd_key, 0x22, 32);
	memset(env->app.keys.pd_index_key, 0x33, 32);
}

void lz_test_env_teardown(lz_test_env *env)
{
	char cmd[400];
	lz_db_close(env->app.db);
	env->app.db = NULL;
	if (env->pg_db[0]) {
		snprintf(cmd, sizeof(cmd), "DROP DATABASE %s", env->pg_db);
		pg_admin(cmd);
	}
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
	lz_db *db;
	lz_conn *c;
	lz_db_opts opts = LZ_DB_OPTS_INIT;
	opts.pool_size = 1;
	assert_ok(lz_db_open(&db, env->url, &opts));
	assert_ok(lz_db_acquire(&c, db));
	if (lz_conn_exec(c, sql) < 0)
		fail_msg("%s: %s", sql, lz_error_last()->message);
	lz_db_release(db, c);
	lz_db_close(db);
}

void lz_test_expect_error(int rc, int code, const char *field, const char *file, int line)
{
	if (rc != code)
		fail_msg("%s:%d: expected error %d, got %d: %s", file, line, code, rc, lz_error_last()->message);
	if (field && strcmp(lz_error_last()->field, field) != 0)
		fail_msg("%s:%d: expected the field '%s', got '%s': %s", file, line, field, lz_error_last()->field,
		         lz_error_last()->message);
}

int64_t lz_test_bureau(lz_ctx *ctx, const char *code, const char *name, const char *level, int64_t parent)
{
	lz_bureau_input in = {code, name, NULL, level, parent};
	int64_t id = 0;

	assert_ok(lz_bureau_create(&id, ctx, &in));
	assert_true(id > 0);
	return id;
}
