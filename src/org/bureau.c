/*
 * bureau.c — bureaus: the tenants of luzhi, in a four-level hierarchy.
 *
 * Invariants kept here:
 * - A bureau's code is six ASCII digits and unique; its level is one below its
 *   parent's. The first bureau of an installation is its root and has no parent: the
 *   national bureau, or a province's (or a city's, a county's) when luzhi serves only
 *   that. There is exactly one root, and only the system creates it.
 * - A bureau's path is its parent's path followed by its own id and '/' ("/1/4/9/"),
 *   set in the same transaction that inserts it, so scope is a prefix test.
 * - A bureau out of the actor's scope reads as missing (LZ_ENOTFOUND).
 */
#include "base/buf.h"
#include "org/org_int.h"

#include "audit/audit.h"
#include "auth/auth.h"

#include <stdio.h>
#include <string.h>

enum {
	Q_BUREAU_GET,
	Q_BUREAU_BY_CODE,
	Q_BUREAU_LIST,
	Q_BUREAU_COUNT,
	Q_BUREAU_INSERT,
	Q_BUREAU_SET_PATH,
};

#define BUREAU_COLUMNS "SELECT b.id, b.code, b.name, b.name_en, b.level, b.parent_id, b.path FROM bureau b "

static const char *const sql[] = {
	[Q_BUREAU_GET] = BUREAU_COLUMNS "WHERE b.id = ?",
	[Q_BUREAU_BY_CODE] = BUREAU_COLUMNS "WHERE b.code = ?",
	[Q_BUREAU_LIST] = BUREAU_COLUMNS "WHERE b.path LIKE (CAST(? AS TEXT) || '%') AND b.id > ? "
					 "ORDER BY b.id LIMIT ?",
	[Q_BUREAU_COUNT] = "SELECT count(*) FROM bureau",
	/* The path is unique and known only once the id is: a placeholder derived from the
	 * (unique) code stands in until Q_BUREAU_SET_PATH, in the same transaction. */
	[Q_BUREAU_INSERT] = "INSERT INTO bureau(code, name, name_en, level, parent_id, path, created_at, "
			    "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
	[Q_BUREAU_SET_PATH] = "UPDATE bureau SET path = ? WHERE id = ?",
};

static void bureau_from_row(lz_bureau *out, lz_stmt *s)
{
	memset(out, 0, sizeof(*out));
	out->id = lz_stmt_int(s, 0);
	snprintf(out->code, sizeof(out->code), "%s", lz_stmt_text(s, 1));
	snprintf(out->name, sizeof(out->name), "%s", lz_stmt_text(s, 2));
	snprintf(out->name_en, sizeof(out->name_en), "%s", lz_stmt_text(s, 3));
	out->level = (lz_level)lz_stmt_int(s, 4);
	out->parent_id = lz_stmt_is_null(s, 5) ? 0 : lz_stmt_int(s, 5);
	snprintf(out->path, sizeof(out->path), "%s", lz_stmt_text(s, 6));
}

/* Runs a one-row bureau query by id, or by 'code' when it is not NULL; *found says
 * whether a row came back. */
static int bureau_query(lz_bureau *out, bool *found, lz_conn *conn, int64_t id, const char *code)
{
	lz_stmt *s = NULL;
	int error;

	*found = false;
	if ((error = lz_stmt_prepare(&s, conn, sql[code ? Q_BUREAU_BY_CODE : Q_BUREAU_GET])) < 0)
		return error;
	error = code ? lz_stmt_bind_text(s, 1, code) : lz_stmt_bind_int(s, 1, id);
	if (error == 0 && (error = lz_stmt_step(s)) == LZ_ROW) {
		bureau_from_row(out, s);
		*found = true;
		error = 0;
	}
	lz_stmt_finish(s);
	return error;
}

int lz_org__bureau_load(lz_bureau *out, lz_conn *conn, int64_t id, const char *field)
{
	bool found;
	int error;

	if ((error = bureau_query(out, &found, conn, id, NULL)) < 0)
		return error;
	if (!found)
		return lz_error_set(LZ_ENOTFOUND, field, "bureau %lld not found", (long long)id);
	return 0;
}

json_t *lz_bureau_json(const lz_bureau *b)
{
	json_t *o = json_object();

	json_object_set_new_nocheck(o, "id", json_integer(b->id));
	json_object_set_new_nocheck(o, "code", json_string(b->code));
	json_object_set_new_nocheck(o, "name", json_string(b->name));
	json_object_set_new_nocheck(o, "name_en", json_string(b->name_en));
	json_object_set_new_nocheck(o, "level", json_string(lz_level_name(b->level)));
	json_object_set_new_nocheck(o, "parent_id", b->parent_id ? json_integer(b->parent_id) : json_null());
	return o;
}

/* ---------------------------------------------------------------- reads */

int lz_bureau_get(lz_bureau *out, lz_ctx *ctx, int64_t id)
{
	lz_conn *conn;
	int error;

	if ((error = lz_auth_require(ctx, LZ_PERM_ORG_READ)) < 0 || (error = lz_ctx_conn(&conn, ctx)) < 0)
		return error;
	return lz_org__scope_check(out, ctx, conn, id, NULL);
}

int lz_bureau_by_code(lz_bureau *out, lz_ctx *ctx, const char *code)
{
	lz_conn *conn;
	bool found = false;
	int error;

	if ((error = lz_auth_require(ctx, LZ_PERM_ORG_READ)) < 0 || (error = lz_ctx_conn(&conn, ctx)) < 0)
		return error;
	if (code && (error = bureau_query(out, &found, conn, 0, code)) < 0)
		return error;
	if (!found || !lz_org_in_scope(ctx, out->path))
		return lz_error_set(LZ_ENOTFOUND, NULL, "bureau %.16s not found", code ? code : "");
	return 0;
}

int lz_bureau_list(json_t **out, int64_t *next_after, lz_ctx *ctx, int64_t after_id, int limit)
{
	const char *prefix;
	lz_conn *conn;
	lz_stmt *s = NULL;
	json_t *items = NULL;
	int64_t last = 0;
	int error, rc, n = 0;

	*out = NULL;
	*next_after = 0;
	if ((error = lz_auth_require(ctx, LZ_PERM_ORG_READ)) < 0 || (error = lz_ctx_conn(&conn, ctx)) < 0)
		return error;
	limit = lz_org__clamp_limit(limit);
	prefix = lz_org__scope_prefix(ctx, NULL);
	/* One row past the page tells whether there is a next page. */
	if ((error = lz_stmt_prepare(&s, conn, sql[Q_BUREAU_LIST])) < 0 ||
	    (error = lz_stmt_bindv(s, "tii", prefix, after_id, (int64_t)limit + 1)) < 0)
		goto done;
	items = json_array();
	while ((rc = lz_stmt_step(s)) == LZ_ROW) {
		lz_bureau b;
		if (n == limit) {
			*next_after = last;
			break;
		}
		bureau_from_row(&b, s);
		json_array_append_new(items, lz_bureau_json(&b));
		last = b.id;
		n++;
	}
	if (rc < 0) {
		error = rc;
		goto done;
	}
	*out = items;
	items = NULL;
done:
	lz_stmt_finish(s);
	json_decref(items);
	if (error < 0)
		*next_after = 0;
	return error;
}

/* ---------------------------------------------------------------- creation */

static int check_code(const char *code)
{
	if (!code || !*code)
		return lz_error_set(LZ_EINVALID, "code", "code is required");
	for (size_t i = 0; i < 6; i++)
		if (code[i] < '0' || code[i] > '9')
			return lz_error_set(LZ_EINVALID, "code", "code must be six digits (a division code)");
	if (code[6] != '\0')
		return lz_error_set(LZ_EINVALID, "code", "code must be six digits (a division code)");
	return 0;
}

/* The checks that need no store: the fields' own syntax. */
static int check_input(lz_level *level, const lz_bureau_input *in)
{
	int error;

	if ((error = check_code(in->code)) < 0 ||
	    (error = lz_text_check("name", in->name, true, LZ_ORG_NAME_MAX,
					sizeof(((lz_bureau *)0)->name) - 1)) < 0 ||
	    (error = lz_text_check("name_en", in->name_en, false, LZ_ORG_NAME_EN_MAX,
					sizeof(((lz_bureau *)0)->name_en) - 1)) < 0)
		return error;
	if (!in->level || !*in->level)
		return lz_error_set(LZ_EINVALID, "level", "level is required");
	if (!(*level = lz_level_parse(in->level)))
		return lz_error_set(LZ_EINVALID, "level", "level must be national, province, city or county");
	if (*level == LZ_LEVEL_NATIONAL && in->parent_id != 0)
		return lz_error_set(LZ_EINVALID, "parent_id", "the national bureau has no parent");
	if (in->parent_id < 0)
		return lz_error_set(LZ_EINVALID, "parent_id", "parent_id must be a bureau id");
	return 0;
}

int lz_bureau_create(int64_t *out_id, lz_ctx *ctx, const lz_bureau_input *in)
{
	lz_write tx = LZ_WRITE_INIT;
	lz_bureau parent, created;
	lz_level level = 0;
	bool taken;
	char path[sizeof(created.path)], pending[16];
	int64_t id = 0, bureaus = 0;
	json_t *after = NULL;
	int error, n;

	if (out_id)
		*out_id = 0;
	if ((error = lz_auth_require(ctx, LZ_PERM_BUREAU_WRITE)) < 0 || (error = check_input(&level, in)) < 0)
		goto done;
	if (in->parent_id == 0 && ctx->actor.role != LZ_ROLE_SYSTEM) {
		error = lz_error_set(LZ_EFORBIDDEN, "parent_id", "only the system creates the top bureau");
		goto done;
	}
	if ((error = lz_write_begin(&tx, ctx)) < 0)
		goto done;

	if (in->parent_id == 0) {
		error = lz_exec_int(&bureaus, ctx->conn, sql[Q_BUREAU_COUNT], true, NULL);
		if (error < 0)
			goto done;
		if (bureaus > 0) {
			error = lz_error_set(LZ_ECONFLICT, "parent_id",
					     "the installation has its top bureau already; give parent_id");
			goto done;
		}
	} else {
		if ((error = lz_org__scope_check(&parent, ctx, ctx->conn, in->parent_id, "parent_id")) < 0)
			goto done;
		if (parent.level == LZ_LEVEL_COUNTY) {
			error = lz_error_set(LZ_EINVALID, "level", "no bureau can be below a county");
			goto done;
		}
		if ((int)parent.level + 1 != (int)level) {
			error = lz_error_set(LZ_EINVALID, "level", "a bureau under a %s bureau must be a %s",
					     lz_level_name(parent.level),
					     lz_level_name((lz_level)(parent.level + 1)));
			goto done;
		}
	}
	if ((error = bureau_query(&created, &taken, ctx->conn, 0, in->code)) < 0)
		goto done;
	if (taken) {
		error = lz_error_set(LZ_ECONFLICT, "code", "code %s is taken by another bureau", in->code);
		goto done;
	}

	snprintf(pending, sizeof(pending), "pending:%s", in->code);
	if ((error = lz_exec_int(&id, ctx->conn, sql[Q_BUREAU_INSERT], true, "tttiItii", in->code, in->name,
				 in->name_en ? in->name_en : "", (int64_t)level, in->parent_id, pending,
				 lz_ctx_now(ctx), lz_ctx_now(ctx))) < 0)
		goto done;
	n = snprintf(path, sizeof(path), "%s%lld/", in->parent_id == 0 ? "/" : parent.path,
		     (long long)id);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		error = lz_error_set(LZ_EINVALID, "parent_id", "the hierarchy is too deep");
		goto done;
	}
	if ((error = lz_exec_int(NULL, ctx->conn, sql[Q_BUREAU_SET_PATH], false, "ti", path, id)) < 0 ||
	    (error = lz_org__bureau_load(&created, ctx->conn, id, NULL)) < 0)
		goto done;
	after = lz_bureau_json(&created);
	if ((error = lz_audit_append(ctx, "bureau.create", "bureau", id, id, NULL, after)) < 0)
		goto done;
done:
	error = lz_write_end(&tx, ctx, error);
	if (error == 0 && out_id)
		*out_id = id;
	json_decref(after);
	return error;
}
