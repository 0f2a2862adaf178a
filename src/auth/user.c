/*
 * user.c — user accounts. A user belongs to one bureau and has one role; it may be
 * linked to a staff record of the same bureau. Passwords are hashed (argon2id)
 * before the write transaction starts, so the slow hash never holds the store's
 * write lock. The hash itself never leaves this file: not in JSON, not in the audit
 * digests' inputs, not in logs.
 */
#include "auth/auth.h"

#include "audit/audit.h"
#include "base/json.h"
#include "org/org.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	Q_INSERT,
	Q_STAFF_BUREAU,
	Q_BY_LOGIN,
	Q_SET_PASSWORD,
	Q_SET_ACTIVE,
	Q_END_SESSIONS,
	Q_LIST,
	Q_JSON,
};

static const char *const sql[] = {
	[Q_INSERT] = "INSERT INTO user_account(bureau_id, login, password_hash, role, staff_id, active, created_at, "
		     "updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?) RETURNING id",
	[Q_STAFF_BUREAU] = "SELECT bureau_id FROM staff WHERE id = ?",
	[Q_BY_LOGIN] = "SELECT u.id, u.bureau_id, b.path, u.active FROM user_account u "
		       "JOIN bureau b ON b.id = u.bureau_id WHERE u.login = ?",
	[Q_SET_PASSWORD] = "UPDATE user_account SET password_hash = ?, updated_at = ? WHERE id = ?",
	[Q_SET_ACTIVE] = "UPDATE user_account SET active = ?, updated_at = ? WHERE id = ?",
	[Q_END_SESSIONS] = "UPDATE session SET ended_at = ? WHERE user_id = ? AND ended_at IS NULL",
	[Q_LIST] = "SELECT u.id, u.bureau_id, b.code, u.login, u.role, u.staff_id, u.active, u.created_at "
		   "FROM user_account u JOIN bureau b ON b.id = u.bureau_id "
		   "WHERE b.path LIKE ? AND u.id > ? ORDER BY u.id LIMIT ?",
	[Q_JSON] = "SELECT u.id, u.login, u.role, b.id, b.code, b.name, b.name_en, s.id, s.name, b.path "
		   "FROM user_account u JOIN bureau b ON b.id = u.bureau_id "
		   "LEFT JOIN staff s ON s.id = u.staff_id WHERE u.id = ?",
};

static int check_login(const char *login)
{
	size_t n = login ? strlen(login) : 0;
	if (n == 0)
		return lz_error_set(LZ_EINVALID, "login", "login is required");
	if (n < 3 || n > 32)
		return lz_error_set(LZ_EINVALID, "login", "login must be 3 to 32 characters");
	for (size_t i = 0; i < n; i++) {
		char c = login[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			return lz_error_set(LZ_EINVALID, "login",
					    "login may hold only lower-case letters, digits, '.', '_' and '-'");
	}
	return 0;
}

static int check_password(const char *password)
{
	size_t n = password ? strlen(password) : 0;
	if (n < LZ_PASSWORD_MIN)
		return lz_error_set(LZ_EINVALID, "password", "password must be at least %d characters",
				    LZ_PASSWORD_MIN);
	if (n > LZ_PASSWORD_MAX)
		return lz_error_set(LZ_EINVALID, "password", "password must be at most %d bytes", LZ_PASSWORD_MAX);
	if (!lz_utf8_valid(password, n))
		return lz_error_set(LZ_EINVALID, "password", "password must be valid UTF-8");
	return 0;
}

/* The account as the audit log digests it: no password hash. */
static json_t *audit_view(int64_t id, const char *login, lz_role role, int64_t bureau_id, int64_t staff_id,
			  bool active)
{
	return json_pack("{sI ss ss sI so sb}", "id", (json_int_t)id, "login", login, "role", lz_role_name(role),
			 "bureau_id", (json_int_t)bureau_id, "staff_id",
			 staff_id ? json_integer(staff_id) : json_null(), "active", active);
}

int lz_user_add(int64_t *out_id, lz_ctx *ctx, const char *login, const char *role_name, const char *bureau_code,
		const char *password, int64_t staff_id)
{
	char hash[LZ_PW_HASH_MAX];
	lz_bureau bureau;
	lz_conn *c;
	lz_role role;
	int64_t id = 0, staff_bureau;
	json_t *after = NULL;
	int error;

	if ((error = lz_auth_require(ctx, LZ_PERM_USER_WRITE)) < 0 || (error = check_login(login)) < 0)
		return error;
	if ((role = lz_role_parse(role_name)) == LZ_ROLE_NONE)
		return lz_error_set(LZ_EINVALID, "role",
				    "role must be one of admin, clerk, reviewer, finance, director, inspector, "
				    "discipline, ombudsman, auditor");
	if (!bureau_code || !*bureau_code)
		return lz_error_set(LZ_EINVALID, "bureau_code", "bureau_code is required");
	if ((error = check_password(password)) < 0 ||
	    (error = lz_password_hash(hash, password, ctx->app->pw_cost)) < 0)
		return error;

	if ((error = lz_tx_begin(ctx, LZ_TX_WRITE)) < 0 || (error = lz_ctx_conn(&c, ctx)) < 0)
		goto done;
	if ((error = lz_bureau_by_code(&bureau, ctx, bureau_code)) < 0) {
		error = lz_error_set(error, "bureau_code", "no bureau with code '%.16s' in your scope", bureau_code);
		goto done;
	}
	if (staff_id) {
		error = lz_exec_int(&staff_bureau, c, sql[Q_STAFF_BUREAU], true, "i", staff_id);
		if (error == LZ_ENOTFOUND || (error == 0 && staff_bureau != bureau.id)) {
			error = lz_error_set(LZ_EINVALID, "staff_id", "staff_id must be a staff member of bureau %s",
					     bureau.code);
			goto done;
		}
		if (error < 0)
			goto done;
	}
	error = lz_exec_int(&id, c, sql[Q_INSERT], true, "ittiIii", bureau.id, login, hash, (int64_t)role, staff_id,
			    lz_ctx_now(ctx), lz_ctx_now(ctx));
	if (error == LZ_ECONFLICT) {
		error = lz_error_set(LZ_ECONFLICT, "login", "the login '%s' is taken", login);
		goto done;
	}
	if (error < 0)
		goto done;
	after = audit_view(id, login, role, bureau.id, staff_id, true);
	if ((error = lz_audit_append(ctx, "user.create", "user", id, bureau.id, NULL, after)) < 0 ||
	    (error = lz_tx_commit(ctx)) < 0)
		goto done;
	if (out_id)
		*out_id = id;
done:
	if (error < 0)
		lz_tx_rollback(ctx);
	json_decref(after);
	sodium_memzero(hash, sizeof(hash));
	return error;
}

/*
 * Finds an account by login within the actor's scope (LZ_ENOTFOUND otherwise).
 * A user may always find themselves.
 */
static int find_in_scope(int64_t *id, int64_t *bureau_id, bool *active, lz_ctx *ctx, const char *login)
{
	bool found = false;
	lz_stmt *s;
	lz_conn *c;
	int error;

	if ((error = lz_ctx_conn(&c, ctx)) < 0 || (error = lz_stmt_prepare(&s, c, sql[Q_BY_LOGIN])) < 0)
		return error;
	if ((error = lz_stmt_bindv(s, "t", login ? login : "")) == 0 && (error = lz_stmt_step(s)) == LZ_ROW) {
		*id = lz_stmt_int(s, 0);
		*bureau_id = lz_stmt_int(s, 1);
		*active = lz_stmt_int(s, 3) != 0;
		found = *id == ctx->actor.user_id || lz_org_in_scope(ctx, lz_stmt_text(s, 2));
		error = 0;
	}
	lz_stmt_finish(s);
	if (error < 0)
		return error;
	if (!found)
		return lz_error_set(LZ_ENOTFOUND, "login", "no user '%.32s' in your scope", login ? login : "");
	return 0;
}

int lz_user_passwd(lz_ctx *ctx, const char *login, const char *password)
{
	char hash[LZ_PW_HASH_MAX];
	int64_t id, bureau_id, now = lz_ctx_now(ctx);
	bool active;
	lz_conn *c;
	int error;

	if ((error = check_password(password)) < 0 ||
	    (error = lz_password_hash(hash, password, ctx->app->pw_cost)) < 0)
		return error;
	if ((error = lz_tx_begin(ctx, LZ_TX_WRITE)) < 0 || (error = lz_ctx_conn(&c, ctx)) < 0 ||
	    (error = find_in_scope(&id, &bureau_id, &active, ctx, login)) < 0)
		goto done;
	/* Others' passwords need the right to manage accounts; one's own does not. */
	if (id != ctx->actor.user_id && (error = lz_auth_require(ctx, LZ_PERM_USER_WRITE)) < 0)
		goto done;
	if ((error = lz_exec_int(NULL, c, sql[Q_SET_PASSWORD], false, "tii", hash, now, id)) < 0 ||
	    (error = lz_exec_int(NULL, c, sql[Q_END_SESSIONS], false, "ii", now, id)) < 0 ||
	    (error = lz_audit_append(ctx, "user.passwd", "user", id, bureau_id, NULL, NULL)) < 0)
		goto done;
	error = lz_tx_commit(ctx);
done:
	if (error < 0)
		lz_tx_rollback(ctx);
	sodium_memzero(hash, sizeof(hash));
	return error;
}

int lz_user_set_active(lz_ctx *ctx, const char *login, bool active)
{
	int64_t id, bureau_id, now = lz_ctx_now(ctx);
	bool was;
	lz_conn *c;
	json_t *before = NULL, *after = NULL;
	int error;

	if ((error = lz_auth_require(ctx, LZ_PERM_USER_WRITE)) < 0)
		return error;
	if ((error = lz_tx_begin(ctx, LZ_TX_WRITE)) < 0 || (error = lz_ctx_conn(&c, ctx)) < 0 ||
	    (error = find_in_scope(&id, &bureau_id, &was, ctx, login)) < 0)
		goto done;
	before = json_pack("{sI sb}", "id", (json_int_t)id, "active", was);
	after = json_pack("{sI sb}", "id", (json_int_t)id, "active", active);
	if ((error = lz_exec_int(NULL, c, sql[Q_SET_ACTIVE], false, "iii", (int64_t)active, now, id)) < 0 ||
	    (!active && (error = lz_exec_int(NULL, c, sql[Q_END_SESSIONS], false, "ii", now, id)) < 0) ||
	    (error = lz_audit_append(ctx, active ? "user.enable" : "user.disable", "user", id, bureau_id, before,
				     after)) < 0)
		goto done;
	error = lz_tx_commit(ctx);
done:
	if (error < 0)
		lz_tx_rollback(ctx);
	json_decref(before);
	json_decref(after);
	return error;
}

int lz_user_list(lz_user **out, size_t *count, lz_ctx *ctx, int64_t after_id, int limit)
{
	lz_user *users = NULL;
	size_t n = 0;
	lz_stmt *s = NULL;
	lz_conn *c;
	char scope[140];
	int error;

	*out = NULL;
	*count = 0;
	if ((error = lz_auth_require(ctx, LZ_PERM_USER_READ)) < 0)
		return error;
	if (limit < 1 || limit > 200)
		return lz_error_set(LZ_EINVALID, "limit", "limit must be between 1 and 200");
	snprintf(scope, sizeof(scope), "%s%%", ctx->actor.bureau_path);
	if ((error = lz_ctx_conn(&c, ctx)) < 0 || (error = lz_stmt_prepare(&s, c, sql[Q_LIST])) < 0 ||
	    (error = lz_stmt_bindv(s, "tii", scope, after_id, (int64_t)limit)) < 0)
		goto done;
	users = lz_xcalloc((size_t)limit, sizeof(lz_user));
	while ((error = lz_stmt_step(s)) == LZ_ROW) {
		lz_user *u = &users[n++];
		u->id = lz_stmt_int(s, 0);
		u->bureau_id = lz_stmt_int(s, 1);
		snprintf(u->bureau_code, sizeof(u->bureau_code), "%s", lz_stmt_text(s, 2));
		snprintf(u->login, sizeof(u->login), "%s", lz_stmt_text(s, 3));
		u->role = (lz_role)lz_stmt_int(s, 4);
		u->staff_id = lz_stmt_int(s, 5);
		u->active = lz_stmt_int(s, 6) != 0;
		u->created_at = lz_stmt_int(s, 7);
	}
done:
	lz_stmt_finish(s);
	if (error < 0) {
		free(users);
		return error;
	}
	*out = users;
	*count = n;
	return 0;
}

int lz_user_json(json_t **out, lz_ctx *ctx, int64_t user_id)
{
	lz_stmt *s;
	lz_conn *c;
	int error;

	*out = NULL;
	if ((error = lz_ctx_conn(&c, ctx)) < 0 || (error = lz_stmt_prepare(&s, c, sql[Q_JSON])) < 0)
		return error;
	if ((error = lz_stmt_bindv(s, "i", user_id)) == 0 && (error = lz_stmt_step(s)) == LZ_ROW) {
		error = 0;
		if (user_id == ctx->actor.user_id || lz_org_in_scope(ctx, lz_stmt_text(s, 9))) {
			json_t *staff = lz_stmt_is_null(s, 7)
						? json_null()
						: json_pack("{sI ss}", "id", (json_int_t)lz_stmt_int(s, 7), "name",
							    lz_stmt_text(s, 8));
			*out = json_pack("{sI ss ss s{sI ss ss ss} so}", "id", (json_int_t)lz_stmt_int(s, 0), "login",
					 lz_stmt_text(s, 1), "role", lz_role_name((lz_role)lz_stmt_int(s, 2)),
					 "bureau", "id", (json_int_t)lz_stmt_int(s, 3), "code", lz_stmt_text(s, 4),
					 "name", lz_stmt_text(s, 5), "name_en", lz_stmt_text(s, 6), "staff", staff);
		}
	}
	lz_stmt_finish(s);
	if (error < 0)
		return error;
	return *out ? 0 : lz_error_set(LZ_ENOTFOUND, NULL, "no such user");
}
