/*
 * department.c — the departments (科室) of a bureau. A department's name is unique in
 * its bureau; a department is seen by whoever sees its bureau.
 */
#include "base/buf.h"
#include "org/org_int.h"

#include "audit/audit.h"
#include "auth/auth.h"

enum {
	Q_DEPARTMENT_BY_NAME,
	Q_DEPARTMENT_INSERT,
	Q_DEPARTMENT_LIST,
	Q_DEPARTMENT_BUREAU,
};

static const char *const sql[] = {
	[Q_DEPARTMENT_BY_NAME] = "SELECT id FROM department WHERE bureau_id = ? AND name = ?",
	[Q_DEPARTMENT_INSERT] = "INSERT INTO department(bureau_id, name, created_at) VALUES (?, ?, ?) "
				"RETURNING id",
	[Q_DEPARTMENT_LIST] = "SELECT id, bureau_id, name FROM department WHERE bureau_id = ? ORDER BY id",
	[Q_DEPARTMENT_BUREAU] = "SELECT bureau_id FROM department WHERE id = ?",
};

static json_t *department_json(int64_t id, int64_t bureau_id, const char *name)
{
	json_t *o = json_object();

	json_object_set_new_nocheck(o, "id", json_integer(id));
	json_object_set_new_nocheck(o, "bureau_id", json_integer(bureau_id));
	json_object_set_new_nocheck(o, "name", json_string(name));
	return o;
}

int lz_department_create(int64_t *out_id, lz_ctx *ctx, int64_t bureau_id, const char *name)
{
	lz_write tx = LZ_WRITE_INIT;
	lz_bureau bureau;
	int64_t id = 0, existing = 0;
	json_t *after = NULL;
	int error;

	if (out_id)
		*out_id = 0;
	if ((error = lz_auth_require(ctx, LZ_PERM_ORG_WRITE)) < 0 ||
	    (error = lz_text_check("name", name, true, LZ_ORG_NAME_MAX, 0)) < 0 ||
	    (error = lz_write_begin(&tx, ctx)) < 0)
		goto done;
	if ((error = lz_org__scope_check(&bureau, ctx, ctx->conn, bureau_id, "bureau_id")) < 0 ||
	    (error = lz_exec_int(&existing, ctx->conn, sql[Q_DEPARTMENT_BY_NAME], false, "it", bureau_id,
				 name)) < 0)
		goto done;
	if (existing) {
		error = lz_error_set(LZ_ECONFLICT, "name", "the bureau has a department '%.200s'", name);
		goto done;
	}
	if ((error = lz_exec_int(&id, ctx->conn, sql[Q_DEPARTMENT_INSERT], true, "iti", bureau_id, name,
				 lz_ctx_now(ctx))) < 0)
		goto done;
	after = department_json(id, bureau_id, name);
	error = lz_audit_append(ctx, "department.create", "department", id, bureau_id, NULL, after);
done:
	error = lz_write_end(&tx, ctx, error);
	if (error == 0 && out_id)
		*out_id = id;
	json_decref(after);
	return error;
}

int lz_department_list(json_t **out, lz_ctx *ctx, int64_t bureau_id)
{
	lz_bureau bureau;
	lz_conn *conn;
	lz_stmt *s = NULL;
	json_t *items = NULL;
	int error, rc;

	*out = NULL;
	if ((error = lz_auth_require(ctx, LZ_PERM_ORG_READ)) < 0 || (error = lz_ctx_conn(&conn, ctx)) < 0 ||
	    (error = lz_org__scope_check(&bureau, ctx, conn, bureau_id, "bureau_id")) < 0 ||
	    (error = lz_stmt_prepare(&s, conn, sql[Q_DEPARTMENT_LIST])) < 0 ||
	    (error = lz_stmt_bind_int(s, 1, bureau_id)) < 0)
		goto done;
	items = json_array();
	while ((rc = lz_stmt_step(s)) == LZ_ROW) {
		json_t *d = department_json(lz_stmt_int(s, 0), lz_stmt_int(s, 1), lz_stmt_text(s, 2));
		json_array_append_new(items, d);
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
	return error;
}

int lz_org__department_check(lz_conn *conn, int64_t department_id, int64_t bureau_id)
{
	int64_t owner = 0;
	int error = lz_exec_int(&owner, conn, sql[Q_DEPARTMENT_BUREAU], false, "i", department_id);

	if (error < 0)
		return error;
	if (owner != bureau_id)
		return lz_error_set(LZ_EINVALID, "department_id", "department %lld is not one of this bureau",
				    (long long)department_id);
	return 0;
}
