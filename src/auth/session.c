/*
 * session.c — signing in, resuming and ending sessions, and sign-in throttling.
 *
 * A token is 32 random bytes, base64url without padding (43 characters). The store
 * keeps SHA-256(token) only, so a copy of the database does not hand out sessions.
 * A session ends when signed out, after session_ttl seconds without use, or
 * session_max_age seconds after sign-in, whichever comes first; last_seen_at is
 * written at most once a minute so that reads stay reads.
 *
 * Throttling counts failed sign-ins in the last THROTTLE_WINDOW seconds: more than
 * MAX_PER_LOGIN for one login, or MAX_PER_ADDRESS from one client address, answers
 * LZ_ETHROTTLED without checking the password. Failures are written in their own
 * transaction, so they count even though the sign-in itself writes nothing.
 */
#include "auth/auth.h"

#include "audit/audit.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define THROTTLE_WINDOW LZ_SIGNIN_THROTTLE_WINDOW
#define MAX_PER_LOGIN 5
#define MAX_PER_ADDRESS 30
#define TOUCH_EVERY 60

enum {
	Q_FAILURES_LOGIN,
	Q_FAILURES_ADDRESS,
	Q_FAILURE_ADD,
	Q_FAILURES_CLEAR,
	Q_USER_BY_LOGIN,
	Q_SESSION_ADD,
	Q_SESSION_BY_HASH,
	Q_SESSION_TOUCH,
	Q_SESSION_END,
	Q_ACTOR,
};

static const char *const sql[] = {
	[Q_FAILURES_LOGIN] = "SELECT COUNT(*) FROM login_failure WHERE login = ? AND at > ?",
	[Q_FAILURES_ADDRESS] = "SELECT COUNT(*) FROM login_failure WHERE address = ? AND at > ?",
	[Q_FAILURE_ADD] = "INSERT INTO login_failure(login, address, at) VALUES (?, ?, ?)",
	[Q_FAILURES_CLEAR] = "DELETE FROM login_failure WHERE login = ?",
	[Q_USER_BY_LOGIN] = "SELECT id, password_hash, bureau_id FROM user_account WHERE login = ? AND active = 1",
	[Q_SESSION_ADD] = "INSERT INTO session(bureau_id, user_id, token_hash, csrf_token, created_at, last_seen_at, "
			  "expires_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
	[Q_SESSION_BY_HASH] = "SELECT s.id, s.user_id, s.csrf_token, s.last_seen_at, s.expires_at, u.role, u.bureau_id, "
			      "u.login, b.path FROM session s JOIN user_account u ON u.id = s.user_id "
			      "JOIN bureau b ON b.id = u.bureau_id "
			      "WHERE s.token_hash = ? AND s.ended_at IS NULL AND u.active = 1",
	[Q_SESSION_TOUCH] = "UPDATE session SET last_seen_at = ? WHERE id = ?",
	[Q_SESSION_END] = "UPDATE session SET ended_at = ? WHERE token_hash = ? AND ended_at IS NULL RETURNING id, "
			  "bureau_id",
	[Q_ACTOR] = "SELECT u.role, u.bureau_id, u.login, b.path FROM user_account u "
		    "JOIN bureau b ON b.id = u.bureau_id WHERE u.id = ?",
};

static void new_token(const lz_ctx *ctx, char out[LZ_TOKEN_CHARS + 1])
{
	unsigned char raw[32];
	lz_random_fill(ctx->app->random, raw, sizeof(raw));
	sodium_bin2base64(out, LZ_TOKEN_CHARS + 1, raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

static void set_actor(lz_ctx *ctx, int64_t user_id, int64_t role, int64_t bureau_id, const char *login,
		      const char *path)
{
	memset(&ctx->actor, 0, sizeof(ctx->actor));
	ctx->actor.user_id = user_id;
	ctx->actor.role = (lz_role)role;
	ctx->actor.bureau_id = bureau_id;
	snprintf(ctx->actor.login, sizeof(ctx->actor.login), "%s", login);
	snprintf(ctx->actor.bureau_path, sizeof(ctx->actor.bureau_path), "%s", path);
}

int lz_auth_act_as(lz_ctx *ctx, int64_t user_id)
{
	bool found = false;
	lz_stmt *s;
	lz_conn *c;
	int error;

	if ((error = lz_ctx_conn(&c, ctx)) < 0 || (error = lz_stmt_prepare(&s, c, sql[Q_ACTOR])) < 0)
		return error;
	if ((error = lz_stmt_bindv(s, "i", user_id)) == 0 && (error = lz_stmt_step(s)) == LZ_ROW) {
		set_actor(ctx, user_id, lz_stmt_int(s, 0), lz_stmt_int(s, 1), lz_stmt_text(s, 2), lz_stmt_text(s, 3));
		found = true;
	}
	lz_stmt_finish(s);
	if (error < 0)
		return error;
	return found ? 0 : lz_error_set(LZ_ENOTFOUND, NULL, "no such user");
}

/* Counts recent failures; LZ_ETHROTTLED when either limit is reached. */
static int check_throttle(lz_ctx *ctx, lz_conn *c, const char *login, const char *address)
{
	int64_t since = lz_ctx_now(ctx) - THROTTLE_WINDOW, n = 0;
	int error;

	if ((error = lz_exec_int(&n, c, sql[Q_FAILURES_LOGIN], true, "ti", login, since)) < 0)
		return error;
	if (n >= MAX_PER_LOGIN)
		return lz_error_set(LZ_ETHROTTLED, NULL, "too many failed sign-ins for this account; wait %d minutes",
				    THROTTLE_WINDOW / 60);
	if ((error = lz_exec_int(&n, c, sql[Q_FAILURES_ADDRESS], true, "ti", address, since)) < 0)
		return error;
	if (n >= MAX_PER_ADDRESS)
		return lz_error_set(LZ_ETHROTTLED, NULL, "too many failed sign-ins from this address; wait %d minutes",
				    THROTTLE_WINDOW / 60);
	return 0;
}

static int record_failure(lz_ctx *ctx, lz_conn *c, const char *login, const char *address)
{
	int error;
	if ((error = lz_conn_begin(c, LZ_TX_WRITE)) < 0)
		return error;
	if ((error = lz_exec_int(NULL, c, sql[Q_FAILURE_ADD], false, "tti", login, address, lz_ctx_now(ctx))) < 0) {
		lz_conn_rollback(c);
		return error;
	}
	return lz_conn_commit(c);
}

int lz_session_create(lz_session *out, lz_ctx *ctx, const char *login, const char *password)
{
	const char *address = ctx->address ? ctx->address : "local";
	char hash[LZ_PW_HASH_MAX] = "";
	uint8_t token_hash[LZ_SHA256_LEN];
	int64_t user_id = 0, bureau_id = 0, now = lz_ctx_now(ctx);
	lz_stmt *s;
	lz_conn *c;
	int error, found;

	memset(out, 0, sizeof(*out));
	if (!login || !*login)
		return lz_error_set(LZ_EINVALID, "login", "login is required");
	if (!password || !*password)
		return lz_error_set(LZ_EINVALID, "password", "password is required");
	if (strlen(login) > 64 || strlen(password) > LZ_PASSWORD_MAX)
		return lz_error_set(LZ_EAUTH, NULL, "wrong login or password");
	if ((error = lz_ctx_conn(&c, ctx)) < 0 || (error = check_throttle(ctx, c, login, address)) < 0)
		return error;

	if ((error = lz_stmt_prepare(&s, c, sql[Q_USER_BY_LOGIN])) < 0)
		return error;
	if ((error = lz_stmt_bindv(s, "t", login)) == 0 && (error = lz_stmt_step(s)) == LZ_ROW) {
		user_id = lz_stmt_int(s, 0);
		snprintf(hash, sizeof(hash), "%s", lz_stmt_text(s, 1));
		bureau_id = lz_stmt_int(s, 2);
		error = 0;
	}
	lz_stmt_finish(s);
	if (error < 0)
		return error;
	found = user_id != 0;
	/* An unknown login costs a hash too, so timing does not tell which logins exist. */
	if (!found && lz_password_hash(hash, password, ctx->app->pw_cost) < 0)
		return lz_error_last()->code;
	if (!found || lz_password_verify(hash, password) < 0) {
		sodium_memzero(hash, sizeof(hash));
		if ((error = record_failure(ctx, c, login, address)) < 0)
			return error;
		return lz_error_set(LZ_EAUTH, NULL, "wrong login or password");
	}
	sodium_memzero(hash, sizeof(hash));

	new_token(ctx, out->token);
	new_token(ctx, out->csrf);
	lz_sha256(token_hash, out->token, strlen(out->token));
	out->user_id = user_id;
	out->expires_at = now + ctx->app->session_max_age;
	if ((error = lz_auth_act_as(ctx, user_id)) < 0 || (error = lz_tx_begin(ctx, LZ_TX_WRITE)) < 0)
		goto fail;
	int64_t sid;
	if ((error = lz_exec_int(&sid, c, sql[Q_SESSION_ADD], true, "iibtiii", bureau_id, user_id, token_hash,
				 sizeof(token_hash), out->csrf, now, now, out->expires_at)) < 0 ||
	    (error = lz_exec_int(NULL, c, sql[Q_FAILURES_CLEAR], false, "t", login)) < 0 ||
	    (error = lz_audit_append(ctx, "session.create", "session", sid, bureau_id, NULL, NULL)) < 0 ||
	    (error = lz_tx_commit(ctx)) < 0)
		goto fail;
	return 0;
fail:
	lz_tx_rollback(ctx);
	sodium_memzero(out, sizeof(*out));
	return error;
}

int lz_session_resume(lz_ctx *ctx, const char *token, char csrf_out[LZ_TOKEN_CHARS + 1])
{
	uint8_t token_hash[LZ_SHA256_LEN];
	int64_t now = lz_ctx_now(ctx), sid = 0, last_seen = 0;
	bool valid = false;
	lz_stmt *s;
	lz_conn *c;
	int error;

	if (!token || strlen(token) != LZ_TOKEN_CHARS)
		return lz_error_set(LZ_EAUTH, NULL, "no valid session; sign in");
	lz_sha256(token_hash, token, LZ_TOKEN_CHARS);
	if ((error = lz_ctx_conn(&c, ctx)) < 0 || (error = lz_stmt_prepare(&s, c, sql[Q_SESSION_BY_HASH])) < 0)
		return error;
	if ((error = lz_stmt_bindv(s, "b", token_hash, sizeof(token_hash))) == 0 &&
	    (error = lz_stmt_step(s)) == LZ_ROW) {
		last_seen = lz_stmt_int(s, 3);
		/* Expired sessions are not found: past their absolute age, or idle too long. */
		if (now < lz_stmt_int(s, 4) && now - last_seen < ctx->app->session_ttl) {
			valid = true;
			sid = lz_stmt_int(s, 0);
			if (csrf_out)
				snprintf(csrf_out, LZ_TOKEN_CHARS + 1, "%s", lz_stmt_text(s, 2));
			set_actor(ctx, lz_stmt_int(s, 1), lz_stmt_int(s, 5), lz_stmt_int(s, 6), lz_stmt_text(s, 7),
				  lz_stmt_text(s, 8));
		}
		error = 0;
	}
	lz_stmt_finish(s);
	if (error < 0)
		return error;
	if (!valid)
		return lz_error_set(LZ_EAUTH, NULL, "no valid session; sign in");
	if (now - last_seen >= TOUCH_EVERY)
		error = lz_exec_int(NULL, c, sql[Q_SESSION_TOUCH], false, "ii", now, sid);
	return error;
}

int lz_session_end(lz_ctx *ctx, const char *token)
{
	uint8_t token_hash[LZ_SHA256_LEN];
	lz_stmt *s = NULL;
	lz_conn *c;
	int64_t sid = 0, bureau_id = 0;
	int error;

	if (!token || strlen(token) != LZ_TOKEN_CHARS)
		return lz_error_set(LZ_EAUTH, NULL, "no valid session; sign in");
	lz_sha256(token_hash, token, LZ_TOKEN_CHARS);
	if ((error = lz_tx_begin(ctx, LZ_TX_WRITE)) < 0 || (error = lz_ctx_conn(&c, ctx)) < 0 ||
	    (error = lz_stmt_prepare(&s, c, sql[Q_SESSION_END])) < 0 ||
	    (error = lz_stmt_bindv(s, "ib", lz_ctx_now(ctx), token_hash, sizeof(token_hash))) < 0)
		goto done;
	if ((error = lz_stmt_step(s)) == LZ_ROW) {
		sid = lz_stmt_int(s, 0);
		bureau_id = lz_stmt_int(s, 1);
		error = 0;
	} else if (error == LZ_DONE) {
		error = lz_error_set(LZ_EAUTH, NULL, "no valid session; sign in");
	}
	lz_stmt_finish(s);
	s = NULL;
	if (error < 0 || (error = lz_audit_append(ctx, "session.end", "session", sid, bureau_id, NULL, NULL)) < 0)
		goto done;
	error = lz_tx_commit(ctx);
done:
	lz_stmt_finish(s);
	if (error < 0)
		lz_tx_rollback(ctx);
	return error;
}
