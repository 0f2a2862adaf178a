/* ctx.c — units of work. */
#include "core/ctx.h"

#include <stdio.h>
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
