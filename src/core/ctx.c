/* ctx.c — units of work. */
#include "core/ctx.h"

#include <stdio.h>
#include "base/error.h"
#include <string.h>

void lz_ctx_init(lz_ctx *ctx, const lz_app *app, const char *origin, const char *request_id)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->app = app;
	ctx->pool = lz_pool_new();
	ctx->origin = origin;
	ctx->request_id = request_id;
}

void lz_ctx_act_as_system(lz_ctx *ctx, const char *who)
{
	memset(&ctx->actor, 0, sizeof(ctx->actor));
	ctx->actor.role = LZ_ROLE_SYSTEM;
	snprintf(ctx->actor.login, sizeof(ctx->actor.login), "%s", who);
}

void lz_ctx_done(lz_ctx *ctx)
{
	if (ctx->conn)
		lz_db_release(ctx->app->db, ctx->conn);
	ctx->conn = NULL;
	lz_pool_free(ctx->pool);
	ctx->pool = NULL;
}

int lz_ctx_conn(lz_conn **out, lz_ctx *ctx)
{
	int error;
	if (!ctx->conn && (error = lz_db_acquire(&ctx->conn, ctx->app->db)) < 0)
		return error;
	*out = ctx->conn;
	return 0;
}

int64_t lz_ctx_now(const lz_ctx *ctx)
{
	return lz_clock_now(ctx->app->clock);
}

int lz_tx_begin(lz_ctx *ctx, lz_tx_mode mode)
{
	lz_conn *c;
	int error;
	if ((error = lz_ctx_conn(&c, ctx)) < 0)
		return error;
	return lz_conn_begin(c, mode);
}

int lz_tx_commit(lz_ctx *ctx)
{
	return lz_conn_commit(ctx->conn);
}

void lz_tx_rollback(lz_ctx *ctx)
{
	if (ctx->conn)
		lz_conn_rollback(ctx->conn);
}

/* ---------------------------------------------------------------- the write bracket */

static const char sql_savepoint[] = "SAVEPOINT lz_write";
static const char sql_release[] = "RELEASE SAVEPOINT lz_write";
static const char sql_rollback_to[] = "ROLLBACK TO SAVEPOINT lz_write";

int lz_write_begin(lz_write *w, lz_ctx *ctx)
{
	lz_conn *conn;
	int error;

	if ((error = lz_ctx_conn(&conn, ctx)) < 0)
		return error;
	if (lz_conn_in_tx(conn)) {
		if ((error = lz_conn_exec(conn, sql_savepoint)) < 0)
			return error;
		w->joined = true;
	} else if ((error = lz_tx_begin(ctx, LZ_TX_WRITE)) < 0) {
		return error;
	}
	w->begun = true;
	return 0;
}

int lz_write_end(lz_write *w, lz_ctx *ctx, int error)
{
	lz_error saved;

	if (!w->begun)
		return error;
	w->begun = false;
	if (error == 0)
		return w->joined ? lz_conn_exec(ctx->conn, sql_release) : lz_tx_commit(ctx);
	/* Undoing must not replace the message of the failure that caused it. */
	saved = *lz_error_last();
	if (!w->joined) {
		lz_tx_rollback(ctx);
	} else if (lz_conn_exec(ctx->conn, sql_rollback_to) < 0 || lz_conn_exec(ctx->conn, sql_release) < 0) {
		/* The savepoint is beyond repair; so is the caller's transaction. */
		lz_tx_rollback(ctx);
	}
	lz_error_set(saved.code, saved.field[0] ? saved.field : NULL, "%s", saved.message);
	return error;
}
