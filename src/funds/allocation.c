/*
 * allocation.c — money allocated down the hierarchy (资金下达), and what the funds
 * module's files share (see funds_int.h).
 *
 * Invariants kept here:
 * - An allocation's children plus what was spent from it never exceed its amount:
 *   every change of children_fen or spent_fen is one conditional UPDATE that only
 *   matches when the balance allows it, and the table's CHECK says the same.
 * - A child allocation goes to its parent's bureau (a budget line) or a bureau below
 *   it; both must be in the actor's scope.
 * - Allocations are never edited or deleted once made.
 */
#include "funds/funds_int.h"

#include "audit/audit.h"
#include "auth/auth.h"
#include "base/buf.h"
#include "base/json.h"
#include "ledger/ledger.h"
#include "org/org.h"

#include <stdio.h>
#include <string.h>

enum {
	Q_ALLOC_GET,
	Q_ALLOC_TEXT,
	Q_ALLOC_INSERT,
	Q_ALLOC_TAKE_CHILD,
	Q_ALLOC_DEBIT,
	Q_ALLOC_CREDIT,
	Q_ALLOC_PARENT,
	Q_BUREAU_PATH,
	Q_PERSON,
};

static const char *const sql[] = {
    [Q_ALLOC_GET] =
        "SELECT a.id, a.bureau_id, a.parent_id, a.year, a.amount_fen, a.children_fen, a.spent_fen, "
        "b.path FROM allocation a JOIN bureau b ON b.id = a.bureau_id WHERE a.id = ?",
    [Q_ALLOC_TEXT] = "SELECT source, purpose, created_at FROM allocation WHERE id = ?",
    [Q_ALLOC_INSERT] = "INSERT INTO allocation(bureau_id, parent_id, source, year, purpose, amount_fen, "
                       "created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    [Q_ALLOC_TAKE_CHILD] = "UPDATE allocation SET children_fen = children_fen + ? "
                           "WHERE id = ? AND amount_fen - children_fen - spent_fen >= ? RETURNING id",
    [Q_ALLOC_DEBIT] = "UPDATE allocation SET spent_fen = spent_fen + ? "
                      "WHERE id = ? AND amount_fen - children_fen - spent_fen >= ? RETURNING id",
    [Q_ALLOC_CREDIT] = "UPDATE allocation SET spent_fen = spent_fen - ? WHERE id = ? AND spent_fen >= ? "
                       "RETURNING id",
    [Q_ALLOC_PARENT] = "SELECT COALESCE(parent_id, 0) FROM allocation WHERE id = ?",
    [Q_BUREAU_PATH] = "SELECT path FROM bureau WHERE id = ?",
    [Q_PERSON] = "SELECT COALESCE(u.staff_id, 0) FROM user_account u WHERE u.id = ? AND u.active = 1",
};

#define SOURCE_MAX 64
#define PURPOSE_MAX 200


int lz_funds__check_amount(const char *field, int64_t fen)
{
	if (fen <= 0)
		return lz_error_set(LZ_EINVALID, field, "%s must be a positive number of fen", field);
	if (fen > LZ_FEN_MAX)
		return lz_error_set(LZ_EINVALID, field, "%s is more than %lld fen", field,
		                    (long long)LZ_FEN_MAX);
	return 0;
}

int lz_funds__person(int64_t *out_staff_id, lz_ctx *ctx, const char *what)
{
	int64_t staff_id = 0;
	int error;

	*out_staff_id = 0;
	if (ctx->actor.user_id <= 0)
		return lz_error_set(LZ_EFORBIDDEN, NULL, "only a person may %s: act as a user account", what);
	if ((error = lz_exec_int(&staff_id, ctx->conn, sql[Q_PERSON], false, "i", ctx->actor.user_id)) < 0)
		return error;
	if (staff_id <= 0)
		return lz_error_set(LZ_EFORBIDDEN, NULL,
		                    "only a person may %s: this account is not linked to a staff record",
		                    what);
	*out_staff_id = staff_id;
	return 0;
}

int lz_funds__bureau_path(char out[128], lz_conn *conn, int64_t id, const char *field)
{
	lz_stmt *s;
	int error;

	out[0] = '\0';
	if ((error = lz_stmt_prepare(&s, conn, sql[Q_BUREAU_PATH])) < 0)
		return error;
	if ((error = lz_stmt_bindv(s, "i", id)) == 0 && (error = lz_stmt_step(s)) == LZ_ROW) {
		snprintf(out, 128, "%s", lz_stmt_text(s, 0));
		error = 0;
	} else if (error == LZ_DONE) {
		error = lz_error_set(LZ_ENOTFOUND, field, "bureau %lld not found", (long long)id);
	}
	lz_stmt_finish(s);
	return error;
}

int lz_funds__not_found(const char *field, const char *what, int64_t id)
{
	return lz_error_set(LZ_ENOTFOUND, field, "%s %lld not found", what, (long long)id);
}

int lz_funds__ledger(int64_t *out_index, lz_ctx *ctx, int64_t bureau_id, const char *type, json_t *data)
{
	int64_t index = 0;
	int error = lz_ledger_append(&index, ctx, bureau_id, type, data);

	json_decref(data);
	if (out_index)
		*out_index = error == 0 ? index : 0;
	return error;
}

/* Runs a conditional UPDATE … RETURNING id; no row back means the condition failed. */
static int conditional_update(bool *out_matched, lz_conn *conn, int q, int64_t id, int64_t fen)
{
	int64_t got = 0;
	int error = lz_exec_int(&got, conn, sql[q], false, "iii", fen, id, fen);

	*out_matched = error == 0 && got == id;
	return error;
}

int lz_funds__allocation_debit(lz_conn *conn, int64_t id, int64_t fen)
{
	bool matched;
	int error;

	if ((error = lz_funds__check_amount("amount_fen", fen)) < 0 ||
	    (error = conditional_update(&matched, conn, Q_ALLOC_DEBIT, id, fen)) < 0)
		return error;
	if (!matched)
		return lz_error_set(
		    LZ_ECONFLICT, "allocation_id",
		    "allocation %lld has less than %lld fen left: a budget line is never overdrawn",
		    (long long)id, (long long)fen);
	return 0;
}

int lz_funds__allocation_credit(lz_conn *conn, int64_t id, int64_t fen)
{
	bool matched;
	int error;

	if ((error = lz_funds__check_amount("amount_fen", fen)) < 0 ||
	    (error = conditional_update(&matched, conn, Q_ALLOC_CREDIT, id, fen)) < 0)
		return error;
	if (!matched)
		return lz_error_set(LZ_ECONFLICT, "allocation_id",
		                    "allocation %lld has not spent %lld fen to give back", (long long)id,
		                    (long long)fen);
	return 0;
}

int lz_funds__allocation_load(lz_funds_allocation_row *out, lz_conn *conn, int64_t id, const char *field)
{
	lz_stmt *s;
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = lz_stmt_prepare(&s, conn, sql[Q_ALLOC_GET])) < 0)
		return error;
	if ((error = lz_stmt_bindv(s, "i", id)) == 0 && (error = lz_stmt_step(s)) == LZ_ROW) {
		lz_allocation *a = &out->a;
		a->id = lz_stmt_int(s, 0);
		a->bureau_id = lz_stmt_int(s, 1);
		a->parent_id = lz_stmt_is_null(s, 2) ? 0 : lz_stmt_int(s, 2);
		a->year = lz_stmt_int(s, 3);
		a->amount_fen = lz_stmt_int(s, 4);
		a->children_fen = lz_stmt_int(s, 5);
		a->spent_fen = lz_stmt_int(s, 6);
		a->free_fen = a->amount_fen - a->children_fen - a->spent_fen;
		snprintf(out->path, sizeof(out->path), "%s", lz_stmt_text(s, 7));
		error = 0;
	} else if (error == LZ_DONE) {
		error = lz_funds__not_found(field, "allocation", id);
	}
	lz_stmt_finish(s);
	return error;
}

int lz_funds__allocation_descends(bool *out, lz_conn *conn, int64_t id, int64_t ancestor)
{
	int error;

	*out = false;
	/* Allocations form a tree no deeper than the hierarchy and its lines; the bound
	 * only guards against a corrupted store. */
	for (int depth = 0; id && depth < 64; depth++) {
		if (id == ancestor) {
			*out = true;
			return 0;
		}
		if ((error = lz_exec_int(&id, conn, sql[Q_ALLOC_PARENT], true, "i", id)) < 0)
			return error;
	}
	return 0;
}

/* ================================================================ allocations */

int lz_allocation_input_from_json(lz_allocation_input *in, json_t *obj)
{
	static const char *const known[] = {"bureau_id", "parent_id",  "source", "year",
	                                    "purpose",   "amount_fen", NULL};
	int error;

	memset(in, 0, sizeof(*in));
	if ((error = lz_json_only(obj, known)) < 0 ||
	    (error = lz_json_int(&in->bureau_id, NULL, obj, "bureau_id", true)) < 0 ||
	    (error = lz_json_int(&in->parent_id, NULL, obj, "parent_id", false)) < 0 ||
	    (error = lz_json_str(&in->source, obj, "source", true, SOURCE_MAX)) < 0 ||
	    (error = lz_json_int(&in->year, NULL, obj, "year", true)) < 0 ||
	    (error = lz_json_str(&in->purpose, obj, "purpose", true, PURPOSE_MAX)) < 0 ||
	    (error = lz_json_int(&in->amount_fen, NULL, obj, "amount_fen", true)) < 0)
		return error;
	return 0;
}

static json_t *allocation_json(const lz_allocation *a, const char *source, const char *purpose,
                               int64_t created_at)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(a->id));
	json_object_set_new(o, "bureau_id", json_integer(a->bureau_id));
	json_object_set_new(o, "parent_id", a->parent_id ? json_integer(a->parent_id) : json_null());
	json_object_set_new(o, "source", json_string(source));
	json_object_set_new(o, "year", json_integer(a->year));
	json_object_set_new(o, "purpose", json_string(purpose));
	json_object_set_new(o, "amount_fen", json_integer(a->amount_fen));
	json_object_set_new(o, "children_fen", json_integer(a->children_fen));
	json_object_set_new(o, "spent_fen", json_integer(a->spent_fen));
	json_object_set_new(o, "free_fen", json_integer(a->free_fen));
	json_object_set_new(o, "created_at", lz_json_time(created_at));
	return o;
}

/* The allocation's JSON, whatever the scope. */
static int allocation_fetch(json_t **out, lz_conn *conn, int64_t id)
{
	lz_funds_allocation_row row;
	lz_stmt *s = NULL;
	int error;

	*out = NULL;
	if ((error = lz_funds__allocation_load(&row, conn, id, NULL)) < 0 ||
	    (error = lz_stmt_prepare(&s, conn, sql[Q_ALLOC_TEXT])) < 0 ||
	    (error = lz_stmt_bindv(s, "i", id)) < 0)
		goto done;
	if ((error = lz_stmt_step(s)) != LZ_ROW) {
		if (error >= 0)
			error = lz_funds__not_found(NULL, "allocation", id);
		goto done;
	}
	*out = allocation_json(&row.a, lz_stmt_text(s, 0), lz_stmt_text(s, 1), lz_stmt_int(s, 2));
	error = 0;
done:
	lz_stmt_finish(s);
	return error;
}

/* True when 'path' is 'base' or a bureau below it. */
static bool path_within(const char *path, const char *base)
{
	return strncmp(path, base, strlen(base)) == 0;
}

int lz_allocation_create(int64_t *out_id, lz_ctx *ctx, const lz_allocation_input *in)
{
	lz_write tx = LZ_WRITE_INIT;
	lz_funds_allocation_row parent;
	char path[128];
	json_t *after = NULL;
	bool matched;
	int64_t id = 0;
	int error;

	if (out_id)
		*out_id = 0;
	if ((error = lz_auth_require(ctx, LZ_PERM_ALLOCATION_WRITE)) < 0 ||
	    (error = lz_text_check("source", in->source, true, SOURCE_MAX, 0)) < 0 ||
	    (error = lz_text_check("purpose", in->purpose, true, PURPOSE_MAX, 0)) < 0 ||
	    (error = lz_funds__check_amount("amount_fen", in->amount_fen)) < 0)
		goto done;
	if (in->year < 2000 || in->year > 2100) {
		error = lz_error_set(LZ_EINVALID, "year", "year must be between 2000 and 2100");
		goto done;
	}
	if (in->parent_id < 0) {
		error = lz_error_set(LZ_EINVALID, "parent_id", "parent_id must be an allocation's id");
		goto done;
	}
	if ((error = lz_write_begin(&tx, ctx)) < 0 ||
	    (error = lz_funds__bureau_path(path, ctx->conn, in->bureau_id, "bureau_id")) < 0)
		goto done;
	if (!lz_org_in_scope(ctx, path)) {
		error = lz_error_set(LZ_ENOTFOUND, "bureau_id", "bureau %lld not found",
		                     (long long)in->bureau_id);
		goto done;
	}
	if (in->parent_id) {
		if ((error = lz_funds__allocation_load(&parent, ctx->conn, in->parent_id, "parent_id")) < 0)
			goto done;
		if (!lz_org_in_scope(ctx, parent.path)) {
			error = lz_funds__not_found("parent_id", "allocation", in->parent_id);
			goto done;
		}
		if (!path_within(path, parent.path)) {
			error =
			    lz_error_set(LZ_EINVALID, "bureau_id",
			                 "an allocation goes to its parent's bureau or a bureau below it");
			goto done;
		}
		if (parent.a.year != in->year) {
			error =
			    lz_error_set(LZ_EINVALID, "year", "an allocation has its parent's year (%lld)",
			                 (long long)parent.a.year);
			goto done;
		}
		if ((error = conditional_update(&matched, ctx->conn, Q_ALLOC_TAKE_CHILD, in->parent_id,
		                                in->amount_fen)) < 0)
			goto done;
		if (!matched) {
			error = lz_error_set(LZ_ECONFLICT, "amount_fen",
			                     "allocation %lld has %lld fen left to allocate, less than %lld",
			                     (long long)in->parent_id, (long long)parent.a.free_fen,
			                     (long long)in->amount_fen);
			goto done;
		}
	}
	if ((error = lz_exec_int(&id, ctx->conn, sql[Q_ALLOC_INSERT], true, "iItitiii", in->bureau_id,
	                         in->parent_id, in->source, in->year, in->purpose, in->amount_fen,
	                         ctx->actor.user_id, lz_ctx_now(ctx))) < 0)
		goto done;
	if ((error = allocation_fetch(&after, ctx->conn, id)) < 0 ||
	    (error = lz_audit_append(ctx, "allocation.create", "allocation", id, in->bureau_id, NULL,
	                             after)) < 0 ||
	    (error = lz_funds__ledger(NULL, ctx, in->bureau_id, "allocation",
	                              json_pack("{sI sI so sI sI}", "allocation_id", (json_int_t)id,
	                                        "bureau_id", (json_int_t)in->bureau_id, "parent_id",
	                                        in->parent_id ? json_integer(in->parent_id) : json_null(),
	                                        "year", (json_int_t)in->year, "amount_fen",
	                                        (json_int_t)in->amount_fen))) < 0)
		goto done;
done:
	error = lz_write_end(&tx, ctx, error);
	if (error == 0 && out_id)
		*out_id = id;
	json_decref(after);
	return error;
}

int lz_allocation_get(lz_allocation *out, lz_ctx *ctx, int64_t id)
{
	lz_funds_allocation_row row;
	lz_conn *conn;
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = lz_auth_require(ctx, LZ_PERM_FUNDS_READ)) < 0 || (error = lz_ctx_conn(&conn, ctx)) < 0 ||
	    (error = lz_funds__allocation_load(&row, conn, id, NULL)) < 0)
		return error;
	if (!lz_org_in_scope(ctx, row.path))
		return lz_funds__not_found(NULL, "allocation", id);
	*out = row.a;
	return 0;
}

int lz_allocation_get_json(json_t **out, lz_ctx *ctx, int64_t id)
{
	lz_allocation a;
	lz_conn *conn;
	int error;

	*out = NULL;
	if ((error = lz_allocation_get(&a, ctx, id)) < 0 || (error = lz_ctx_conn(&conn, ctx)) < 0)
		return error;
	return allocation_fetch(out, conn, id);
}
