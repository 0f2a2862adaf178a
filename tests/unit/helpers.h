/*
 * helpers.h — what every unit test needs: a fresh temporary store with the
 * migrations applied, an app with a fixed clock, and a context acting as someone.
 */
#ifndef LZ_TEST_HELPERS_H
#define LZ_TEST_HELPERS_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/ctx.h"

typedef struct {
	char dir[256];
	char db_path[300]; /* the SQLite file, or empty on PostgreSQL */
	char url[600];     /* what lz_db_open takes: the file, or a postgres:// URL */
	char pg_db[64];    /* the throw-away database on PostgreSQL */
	lz_clock clock;
	lz_app app;
} lz_test_env;

/*
 * Creates a temporary directory and a fresh migrated store: a SQLite file in the
 * directory, or, when LUZHI_TEST_PG holds a server's base URL
 * ("postgres://luzhi@127.0.0.1:PORT/"), a new database on that server.
 */
void lz_test_env_setup(lz_test_env *env);
/* Closes the store and removes the directory. */
void lz_test_env_teardown(lz_test_env *env);
/* A context acting as the system. Call lz_ctx_done after. */
void lz_test_ctx(lz_ctx *ctx, lz_test_env *env);
/* Runs SQL directly on the store, past every rule (to tamper with it, say). */
void lz_test_sql(lz_test_env *env, const char *sql);
/* True when the tests run on PostgreSQL. */
bool lz_test_on_pg(void);

/* Fails the test unless 'expr' answered the error 'code' and, when 'field' is not
 * NULL, blamed that field; the failure names the caller's line. */
#define expect_error(expr, code, field) lz_test_expect_error((expr), (code), (field), __FILE__, __LINE__)
void lz_test_expect_error(int rc, int code, const char *field, const char *file, int line);
/* Creates a bureau (a code, a name, a level such as "county", its parent or 0) as
 * the context's actor and answers its id. */
int64_t lz_test_bureau(lz_ctx *ctx, const char *code, const char *name, const char *level, int64_t parent);

#define assert_ok(expr) do { int rc_ = (expr); if (rc_ != 0) fail_msg("%s = %d: %s", #expr, rc_, lz_error_last()->message); } while (0)

#endif
