/*
 * ctx.h — the context every domain call takes. lz_app is the process: configuration,
 * the store, the clock, the random source; it is built once at start-up and is
 * read-only after. lz_ctx is one unit of work (an HTTP request, a CLI command, an
 * import): who is acting, in which bureau, its pool, its connection and request id.
 * There is no other global mutable state.
 */
#ifndef LZ_CORE_CTX_H
#define LZ_CORE_CTX_H

#include "base/clock.h"
#include "base/crypto.h"
#include "base/mem.h"
#include "store/store.h"

#include <stdbool.h>
#include <stdint.h>

/* The roles of DESIGN.md, plus admin (who runs the installation). */
typedef enum {
	LZ_ROLE_NONE = 0,
	LZ_ROLE_ADMIN,
	LZ_ROLE_CLERK,
	LZ_ROLE_REVIEWER,
	LZ_ROLE_FINANCE,
	LZ_ROLE_DIRECTOR,
	LZ_ROLE_INSPECTOR,
	LZ_ROLE_DISCIPLINE,
	LZ_ROLE_OMBUDSMAN,
	LZ_ROLE_AUDITOR,
	LZ_ROLE_SYSTEM, /* the operator at the CLI, or a job: every bureau */
	LZ_ROLE_PUBLIC, /* the public at the portal: no account, no bureau (see lz_auth_act_as_public) */
	LZ_ROLE_COUNT
} lz_role;

typedef struct {
	int64_t user_id;   /* 0 for the system */
	int64_t bureau_id; /* 0 for the system: no limit */
	char bureau_path[128];
	lz_role role;
	char login[64];
} lz_actor;

/*
 * The installation's secrets, loaded once at start-up from the key files in the
 * data folder (see docs/operator-guide.md). Never logged, never in the store.
 */
typedef struct {
	uint8_t ledger_seed[32];    /* each bureau's Ed25519 ledger key is derived from it */
	uint8_t pd_key[32];         /* secretbox key of personal data at rest */
	uint8_t pd_index_key[32];   /* key of the blind index (keyed hash) of personal data */
} lz_keys;

typedef struct {
	lz_db *db;
	lz_keys keys;
	const lz_clock *clock;
	const lz_random *random;
	lz_pw_cost pw_cost;
	int session_ttl;          /* seconds of idle time before a session expires */
	int session_max_age;      /* absolute lifetime of a session, seconds */
	const char *data_dir;     /* evidence files and key files live here */
} lz_app;

typedef struct lz_ctx {
	const lz_app *app;
	lz_conn *conn;            /* acquired by lz_ctx_conn, released by lz_ctx_done */
	lz_pool *pool;
	lz_actor actor;
	const char *origin;       /* "http", "cli", "import" */
	const char *request_id;
	const char *address;      /* the client address, for throttling and the audit log */
} lz_ctx;

/* Starts a unit of work acting as the system (the CLI). */
void lz_ctx_init(lz_ctx *ctx, const lz_app *app, const char *origin, const char *request_id);
/* Releases the connection and the pool. */
void lz_ctx_done(lz_ctx *ctx);
/* The context's connection, acquired on first use. */
int lz_ctx_conn(lz_conn **out, lz_ctx *ctx) LZ_MUST_USE;
int64_t lz_ctx_now(const lz_ctx *ctx);

/* Transactions on the context's connection. */
int lz_tx_begin(lz_ctx *ctx, lz_tx_mode mode) LZ_MUST_USE;
int lz_tx_commit(lz_ctx *ctx) LZ_MUST_USE;
void lz_tx_rollback(lz_ctx *ctx);

/*
 * The write bracket every domain write uses: lz_write_begin starts a write
 * transaction on the context's connection, or, when the caller already holds one,
 * joins it under a savepoint; lz_write_end commits (or releases the savepoint) when
 * 'error' is 0, and otherwise undoes exactly this operation's writes, keeping the
 * failure's message, and returns the final result.
 *
 *	lz_write w = LZ_WRITE_INIT;
 *	if ((error = lz_write_begin(&w, ctx)) < 0)
 *		goto done;
 *	…
 * done:
 *	error = lz_write_end(&w, ctx, error);
 */
typedef struct {
	bool begun;
	bool joined;
} lz_write;

#define LZ_WRITE_INIT {false, false}

int lz_write_begin(lz_write *w, lz_ctx *ctx) LZ_MUST_USE;
int lz_write_end(lz_write *w, lz_ctx *ctx, int error) LZ_MUST_USE;

/* Acts as the system, with every bureau in scope (CLI operator, demo loader). */
void lz_ctx_act_as_system(lz_ctx *ctx, const char *who);

#endif
