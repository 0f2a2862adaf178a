/* test_store.c — the store interface on SQLite: migrations, transactions, typed
 * columns, constraint errors, the connection pool, and durability when the process
 * is killed in the middle of writing. */
#include "helpers.h"

#include "audit/audit.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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

static const char sql_make[] = "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, "
			       "n INTEGER, b BLOB)";
static const char sql_insert[] = "INSERT INTO t(name, n, b) VALUES (?, ?, ?) RETURNING id";
static const char sql_get[] = "SELECT name, n, b FROM t WHERE id = ?";
static const char sql_count[] = "SELECT COUNT(*) FROM t";

static void test_store__migrations_apply_once(void **state)
{
	(void)state;
	int version, applied = -1;
	assert_ok(lz_db_version(env.app.db, &version));
	assert_int_equal(version, lz_migrations_latest());
	assert_true(version >= 1);
	assert_ok(lz_db_migrate(env.app.db, &applied));
	assert_int_equal(applied, 0);
}

static void test_store__typed_round_trip_and_nulls(void **state)
{
	(void)state;
	lz_ctx ctx;
	lz_conn *c;
	lz_stmt *s;
	int64_t id;
	const char weird[] = "Robert'); DROP TABLE t;-- 张三";
	uint8_t blob[4] = {0, 1, 2, 255};

	lz_test_ctx(&ctx, &env);
	assert_ok(lz_ctx_conn(&c, &ctx));
	assert_ok(lz_conn_exec(c, sql_make));
	assert_ok(lz_exec_int(&id, c, sql_insert, true, "tib", weird, (int64_t)INT64_MAX, blob, sizeof(blob)));
	assert_ok(lz_stmt_prepare(&s, c, sql_get));
	assert_ok(lz_stmt_bindv(s, "i", id));
	assert_int_equal(lz_stmt_step(s), LZ_ROW);
	assert_string_equal(lz_stmt_text(s, 0), weird);
	assert_true(lz_stmt_int(s, 1) == INT64_MAX);
	size_t n;
	const void *b = lz_stmt_blob(s, 2, &n);
	assert_int_equal(n, 4);
	assert_memory_equal(b, blob, 4);
	assert_int_equal(lz_stmt_step(s), LZ_DONE);
	lz_stmt_finish(s);

	/* 'I' binds 0 as NULL. */
	assert_ok(lz_exec_int(&id, c, sql_insert, true, "tIn", "nulls", (int64_t)0));
	assert_ok(lz_stmt_prepare(&s, c, sql_get));
	assert_ok(lz_stmt_bindv(s, "i", id));
	assert_int_equal(lz_stmt_step(s), LZ_ROW);
	assert_true(lz_stmt_is_null(s, 1));
	assert_null(lz_stmt_text_or_null(s, 2));
	lz_stmt_finish(s);
	lz_ctx_done(&ctx);
}

static void test_store__constraint_is_a_conflict_and_rollback_undoes(void **state)
{
	(void)state;
	lz_ctx ctx;
	lz_conn *c;
	int64_t n;

	lz_test_ctx(&ctx, &env);
	assert_ok(lz_ctx_conn(&c, &ctx));
	assert_ok(lz_conn_exec(c, sql_make));
	assert_ok(lz_exec_int(NULL, c, sql_insert, true, "tin", "a", (int64_t)1));
	assert_int_equal(lz_exec_int(NULL, c, sql_insert, true, "tin", "a", (int64_t)2), LZ_ECONFLICT);

	assert_ok(lz_tx_begin(&ctx, LZ_TX_WRITE));
	assert_int_equal(lz_tx_begin(&ctx, LZ_TX_WRITE), LZ_EINTERNAL);
	assert_ok(lz_exec_int(NULL, c, sql_insert, true, "tin", "b", (int64_t)1));
	lz_tx_rollback(&ctx);
	assert_ok(lz_exec_int(&n, c, sql_count, true, NULL));
	assert_int_equal(n, 1);
	lz_ctx_done(&ctx);
}

static void test_store__pool_exhaustion_is_unavailable_not_a_hang(void **state)
{
	(void)state;
	lz_db *db;
	lz_conn *a, *b;
	lz_db_opts opts = LZ_DB_OPTS_INIT;
	opts.pool_size = 1;
	opts.acquire_timeout_ms = 100;
	assert_ok(lz_db_open(&db, env.url, &opts));
	assert_ok(lz_db_acquire(&a, db));
	assert_int_equal(lz_db_acquire(&b, db), LZ_EUNAVAILABLE);
	lz_db_release(db, a);
	assert_ok(lz_db_acquire(&b, db));
	lz_db_release(db, b);
	lz_db_close(db);
}

static void test_store__unknown_backend_and_missing_file_are_clear(void **state)
{
	(void)state;
	lz_db *db;
	lz_db_opts opts = LZ_DB_OPTS_INIT;
	/* A PostgreSQL server that is not there: a clear message naming the store. */
	assert_int_equal(lz_db_open(&db, "postgres://luzhi@127.0.0.1:1/luzhi?connect_timeout=2", &opts),
			 LZ_EUNAVAILABLE);
	assert_string_equal(lz_error_last()->field, "db");
	assert_non_null(strstr(lz_error_last()->message, "PostgreSQL"));
	opts.create = false;
	char path[400];
	snprintf(path, sizeof(path), "%s/nope/none.db", env.dir);
	assert_int_equal(lz_db_open(&db, path, &opts), LZ_EDB);
	assert_non_null(strstr(lz_error_last()->message, "none.db"));
}

/*
 * A child writes rows, each in its own audited transaction, and reports each one
 * after its commit returned (the acknowledgement). The parent kills it with SIGKILL
 * at an arbitrary moment. Every acknowledged row must be there, and the audit chain
 * must verify.
 */
static void test_store__killed_writer_loses_no_acknowledged_write(void **state)
{
	(void)state;
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		/* SQLite connections must not cross fork(): the child opens its own. */
		lz_app app = env.app;
		lz_db_opts opts = LZ_DB_OPTS_INIT;
		opts.pool_size = 1;
		if (lz_db_open(&app.db, env.url, &opts) < 0)
			_exit(1);
		lz_ctx ctx;
		lz_conn *c;
		lz_ctx_init(&ctx, &app, "test", "child");
		lz_ctx_act_as_system(&ctx, "child");
		if (lz_ctx_conn(&c, &ctx) < 0 || lz_conn_exec(c, sql_make) < 0)
			_exit(1);
		for (int64_t i = 0;; i++) {
			char name[32];
			int64_t id;
			snprintf(name, sizeof(name), "row-%lld", (long long)i);
			if (lz_tx_begin(&ctx, LZ_TX_WRITE) < 0 ||
			    lz_exec_int(&id, c, sql_insert, true, "tin", name, i) < 0 ||
			    lz_audit_append(&ctx, "t.create", "t", id, 0, NULL, NULL) < 0 || lz_tx_commit(&ctx) < 0)
				_exit(1);
			if (write(fds[1], &i, sizeof(i)) != sizeof(i))
				_exit(1);
		}
	}
	close(fds[1]);
	int64_t acked = -1, v;
	while (acked < 40 && read(fds[0], &v, sizeof(v)) == sizeof(v))
		acked = v;
	kill(pid, SIGKILL);
	while (read(fds[0], &v, sizeof(v)) == sizeof(v))
		acked = v;
	close(fds[0]);
	int status;
	waitpid(pid, &status, 0);
	assert_true(WIFSIGNALED(status));

	/* Reopen the store as a fresh process would. */
	lz_db_close(env.app.db);
	lz_db_opts opts = LZ_DB_OPTS_INIT;
	assert_ok(lz_db_open(&env.app.db, env.url, &opts));
	lz_ctx ctx;
	lz_conn *c;
	int64_t rows;
	lz_test_ctx(&ctx, &env);
	assert_ok(lz_ctx_conn(&c, &ctx));
	assert_ok(lz_exec_int(&rows, c, sql_count, true, NULL));
	assert_true(rows >= acked + 1);
	lz_audit_report r;
	assert_ok(lz_audit_verify(&r, &ctx));
	assert_true(r.ok);
	assert_int_equal(r.count, rows);
	lz_ctx_done(&ctx);
}

/*
 * PostgreSQL: a writer that cannot get the writers' lock in time is retried a bounded
 * number of times, then answers LZ_EUNAVAILABLE (503), and works again once the
 * lock is free. Another session holds the lock meanwhile.
 */
static void test_store__pg_lock_wait_is_bounded_then_unavailable(void **state)
{
	(void)state;
	lz_ctx ctx;
	lz_conn *c, *holder;
	lz_db *other;
	lz_db_opts opts = LZ_DB_OPTS_INIT;
	opts.pool_size = 1;
	assert_ok(lz_db_open(&other, env.url, &opts));
	assert_ok(lz_db_acquire(&holder, other));
	assert_ok(lz_conn_exec(holder, "SELECT pg_advisory_lock(7303385)"));

	lz_test_ctx(&ctx, &env);
	assert_ok(lz_ctx_conn(&c, &ctx));
	assert_ok(lz_conn_exec(c, "SET lock_timeout = '100ms'"));
	assert_int_equal(lz_tx_begin(&ctx, LZ_TX_WRITE), LZ_EUNAVAILABLE);
	assert_false(lz_conn_in_tx(c));
	/* Readers never wait for writers. */
	assert_ok(lz_tx_begin(&ctx, LZ_TX_READ));
	lz_tx_rollback(&ctx);

	assert_ok(lz_conn_exec(holder, "SELECT pg_advisory_unlock(7303385)"));
	assert_ok(lz_tx_begin(&ctx, LZ_TX_WRITE));
	lz_tx_rollback(&ctx);
	lz_ctx_done(&ctx);
	lz_db_release(other, holder);
	lz_db_close(other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_store__migrations_apply_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store__typed_round_trip_and_nulls, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store__constraint_is_a_conflict_and_rollback_undoes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store__pool_exhaustion_is_unavailable_not_a_hang, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store__unknown_backend_and_missing_file_are_clear, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store__killed_writer_loses_no_acknowledged_write, setup, teardown),
	};
	const struct CMUnitTest pg_tests[] = {
		cmocka_unit_test_setup_teardown(test_store__pg_lock_wait_is_bounded_then_unavailable, setup, teardown),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	if (lz_test_on_pg())
		failed += cmocka_run_group_tests(pg_tests, NULL, NULL);
	return failed;
}
