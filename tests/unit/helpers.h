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
	char db_path[300];
	lz_clock clock;
	lz_app app;
} lz_test_env;

/* Creates a temporary directory and a migrated store in it. */
void lz_test_env_setup(lz_test_env *env);
/* Closes the store and removes the directory. */
void lz_test_env_teardown(lz_test_env *env);
/* A context acting as the system. Call lz_ctx_done after. */
void lz_test_ctx(lz_ctx *ctx, lz_test_env *env);
/* Runs a SQL statement directly on the store file (to tamper with it, say). */
void lz_test_sql(lz_test_env *env, const char *sql);

#define assert_ok(expr) do { int rc_ = (expr); if (rc_ != 0) fail_msg("%s = %d: %s", #expr, rc_, lz_error_last()->message); } while (0)

#endif
