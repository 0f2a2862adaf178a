/*
 * staff.c — the staff of each bureau: who they are, their department, post and
 * status.
 *
 * Invariants kept here:
 * - A staff member belongs to one bureau for good; the employee number is unique in
 *   that bureau and the department, when there is one, is a department of it.
 * - Reads and lists show only staff of bureaus in the actor's scope; a record out of
 *   scope reads exactly as a missing one.
 * - The list is one prepared statement per page (staff joined to bureau and
 *   department), never a query per row: it is the module's hot path.
 */
#include "org/org_int.h"

#include "audit/audit.h"
#include "auth/auth.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/json.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

enum {
	Q_STAFF_GET,
	Q_STAFF_LIST,          /* the order of these four is that of list_query() */
	Q_STAFF_LIST_Q,
	Q_STAFF_LIST_COUNTY,
	Q_STAFF_LIST_COUNTY_Q,
	Q_STAFF_BY_EMPLOYEE_NO,
	Q_STAFF_INSERT,
	Q_STAFF_UPDATE,
};

/*
 * The columns every staff read returns, in the order of the C_ constants. The list
 * names staff first and bureau by its key with CROSS JOIN, which SQLite takes as
 * "scan staff in id order, look the bureau up": a page then reads about 'limit'
 * rows of a wide scope instead of sorting all of it (PostgreSQL plans CROSS JOIN …
 * WHERE like any inner join). A county has nothing below it, so its scope is one
 * bureau, read through the staff_bureau index in id order.
 */
#define STAFF_SELECT                                                                                 \
	"SELECT s.id, s.bureau_id, b.name, s.department_id, d.name, s.employee_no, s.name, s.post, " \
	"s.status, s.hired_on, s.created_at, s.updated_at, b.path "                                  \
	"FROM staff s CROSS JOIN bureau b LEFT JOIN department d ON d.id = s.department_id "          \
	"WHERE b.id = s.bureau_id "
#define SCOPE_PATH "AND b.path LIKE (CAST(? AS TEXT) || '%') "
#define SCOPE_COUNTY "AND s.bureau_id = ? "
#define FILTERS "AND s.id > ? AND (? = 0 OR s.department_id = ?) AND (? = 0 OR s.status = ?) "
#define SEARCH                                                                                       \
	"AND (s.name LIKE ? ESCAPE '\\' OR s.employee_no LIKE ? ESCAPE '\\' "                            \
	"OR s.post LIKE ? ESCAPE '\\') "
#define PAGE "ORDER BY s.id LIMIT ?"

enum { C_ID, C_BUREAU_ID, C_BUREAU_NAME, C_DEPT_ID, C_DEPT_NAME, C_EMPLOYEE_NO, C_NAME, C_POST, C_STATUS,
       C_HIRED_ON, C_CREATED_AT, C_UPDATED_AT, C_PATH };

static const char *const sql[] = {
	[Q_STAFF_GET] = STAFF_SELECT "AND s.id = ?",
	[Q_STAFF_LIST] = STAFF_SELECT SCOPE_PATH FILTERS PAGE,
	[Q_STAFF_LIST_Q] = STAFF_SELECT SCOPE_PATH FILTERS SEARCH PAGE,
	[Q_STAFF_LIST_COUNTY] = STAFF_SELECT SCOPE_COUNTY FILTERS PAGE,
	[Q_STAFF_LIST_COUNTY_Q] = STAFF_SELECT SCOPE_COUNTY FILTERS SEARCH PAGE,
	[Q_STAFF_BY_EMPLOYEE_NO] = "SELECT id FROM staff WHERE bureau_id = ? AND employee_no = ?",
	[Q_STAFF_INSERT] = "INSERT INTO staff(bureau_id, department_id, employee_no, name, post, status, "
			   "hired_on, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
			   "RETURNING id",
	[Q_STAFF_UPDATE] = "UPDATE staff SET department_id = ?, employee_no = ?, name = ?, post = ?, "
			   "status = ?, hired_on = ?, updated_at = ? WHERE id = ?",
};

#define Q_MAX 64 /* characters of a search string */

static const char *const status_names[] = {
	[LZ_STAFF_ACTIVE] = "active",
	[LZ_STAFF_LEAVE] = "leave",
	[LZ_STAFF_LEFT] = "left",
};

#define STATUS_COUNT (sizeof(status_names) / sizeof(status_names[0]))

static const char *status_name(int64_t status)
{
	return status > 0 && (size_t)status < STATUS_COUNT ? status_names[status] : "unknown";
}

static int status_parse(int *out, const char *s)
{
	for (size_t i = 1; s && i < STATUS_COUNT; i++)
		if (strcmp(status_names[i], s) == 0) {
			*out = (int)i;
			return 0;
		}
	return lz_error_set(LZ_EINVALID, "status", "status must be active, leave or left");
}

/* ---------------------------------------------------------------- JSON */

/*
 * Values that repeat from row to row of a page — the bureau's and department's
 * names, the status, the creation and update times (imports and the demo share
 * them) — are made once per page and shared by the rows' objects: jansson values are
 * reference-counted and luzhi never changes a value in place. This halves the
 * allocations of a page, which are most of its cost.
 */
typedef struct {
	int64_t key;
	json_t *value;
} shared_value;

typedef struct {
	shared_value bureau_name, department_name, status, time[2];
	int next_time;
} row_cache;

/* Takes ownership of 'v'; returns the cached value, to be given away by json_object_set. */
static json_t *cache_put(shared_value *slot, int64_t key, json_t *v)
{
	json_decref(slot->value);
	slot->key = key;
	slot->value = v;
	return v;
}

static json_t *cached_text(shared_value *slot, int64_t key, lz_stmt *s, int col)
{
	if (slot->value && slot->key == key)
		return slot->value;
	return cache_put(slot, key, json_string_nocheck(lz_stmt_text(s, col)));
}

static json_t *cached_time(row_cache *c, int64_t t)
{
	char text[21];
	int i;

	for (i = 0; i < 2; i++)
		if (c->time[i].value && c->time[i].key == t)
			return c->time[i].value;
	i = c->next_time;
	c->next_time ^= 1;
	lz_time_format(text, t);
	return cache_put(&c->time[i], t, json_stringn_nocheck(text, 20));
}

static void row_cache_dispose(row_cache *c)
{
	json_decref(c->bureau_name.value);
	json_decref(c->department_name.value);
	json_decref(c->status.value);
	json_decref(c->time[0].value);
	json_decref(c->time[1].value);
}

/*
 * The staff record of the current row as the API shows it. Text read back from the
 * store was checked when written, so it is taken without a second UTF-8 scan.
 */
static json_t *staff_row_json(lz_stmt *s, row_cache *c)
{
	json_t *o = json_object();
	int64_t status = lz_stmt_int(s, C_STATUS);
	char date[11];

	json_object_set_new_nocheck(o, "id", json_integer(lz_stmt_int(s, C_ID)));
	json_object_set_new_nocheck(o, "bureau_id", json_integer(lz_stmt_int(s, C_BUREAU_ID)));
	json_object_set_nocheck(o, "bureau_name",
				cached_text(&c->bureau_name, lz_stmt_int(s, C_BUREAU_ID), s, C_BUREAU_NAME));
	if (lz_stmt_is_null(s, C_DEPT_ID)) {
		json_object_set_new_nocheck(o, "department_id", json_null());
		json_object_set_new_nocheck(o, "department_name", json_null());
	} else {
		json_t *name = cached_text(&c->department_name, lz_stmt_int(s, C_DEPT_ID), s, C_DEPT_NAME);
		json_object_set_new_nocheck(o, "department_id", json_integer(lz_stmt_int(s, C_DEPT_ID)));
		json_object_set_nocheck(o, "department_name", name);
	}
	json_object_set_new_nocheck(o, "employee_no", json_string_nocheck(lz_stmt_text(s, C_EMPLOYEE_NO)));
	json_object_set_new_nocheck(o, "name", json_string_nocheck(lz_stmt_text(s, C_NAME)));
	json_object_set_new_nocheck(o, "post", json_string_nocheck(lz_stmt_text(s, C_POST)));
	if (!c->status.value || c->status.key != status)
		cache_put(&c->status, status, json_string_nocheck(status_name(status)));
	json_object_set_nocheck(o, "status", c->status.value);
	if (lz_stmt_is_null(s, C_HIRED_ON)) {
		json_object_set_new_nocheck(o, "hired_on", json_null());
	} else {
		lz_date_format(date, (int32_t)lz_stmt_int(s, C_HIRED_ON));
		json_object_set_new_nocheck(o, "hired_on", json_stringn_nocheck(date, 10));
	}
	json_object_set_nocheck(o, "created_at", cached_time(c, lz_stmt_int(s, C_CREATED_AT)));
	json_object_set_nocheck(o, "updated_at", cached_time(c, lz_stmt_int(s, C_UPDATED_AT)));
	return o;
}

/*
 * Reads staff 'id' as JSON (caller owns) when it is in scope; LZ_ENOTFOUND, the same
 * for missing and out of scope, otherwise.
 */
static int staff_fetch(json_t **out, lz_ctx *ctx, lz_conn *conn, int64_t id)
{
	row_cache cache = {0};
	lz_stmt *s = NULL;
	int error;

	*out = NULL;
	if ((error = lz_stmt_prepare(&s, conn, sql[Q_STAFF_GET])) < 0)
		return error;
	if ((error = lz_stmt_bind_int(s, 1, id)) == 0 && (error = lz_stmt_step(s)) == LZ_ROW &&
	    lz_org_in_scope(ctx, lz_stmt_text(s, C_PATH))) {
		*out = staff_row_json(s, &cache);
		error = 0;
	} else if (error >= 0) {
		error = lz_error_set(LZ_ENOTFOUND, NULL, "staff %lld not found", (long long)id);
	}
	lz_stmt_finish(s);
	row_cache_dispose(&cache);
	return error;
}

int lz_staff_get_json(json_t **out, lz_ctx *ctx, int64_t id)
{
	lz_conn *conn;
	int error;

	*out = NULL;
	if ((error = lz_auth_require(ctx, LZ_PERM_ORG_READ)) < 0 || (error = lz_ctx_conn(&conn, ctx)) < 0)
		return error;
	return staff_fetch(out, ctx, conn, id);
}

/* ---------------------------------------------------------------- input */

static const char *const input_keys[] = {"bureau_id", "department_id", "employee_no", "name",
					 "post", "status", "hired_on", NULL};

int lz_staff_input_from_json(lz_staff_input *in, json_t *obj, bool create)
{
	int error;

	memset(in, 0, sizeof(*in));
	if (!json_is_object(obj))
		return lz_error_set(LZ_EMALFORMED, NULL, "the body must be a JSON object");
	if ((error = lz_json_only(obj, input_keys)) < 0)
		return error;
	if (!create && json_object_get(obj, "bureau_id"))
		return lz_error_set(LZ_EINVALID, "bureau_id", "bureau_id cannot be changed");
	if (create && (error = lz_json_int(&in->bureau_id, NULL, obj, "bureau_id", true)) < 0)
		return error;

	/* A key that is present counts for an update, even as null (which clears the
	 * optional fields and is refused for the required ones). */
	in->has_department = json_object_get(obj, "department_id") != NULL;
	in->has_employee_no = json_object_get(obj, "employee_no") != NULL;
	in->has_name = json_object_get(obj, "name") != NULL;
	in->has_post = json_object_get(obj, "post") != NULL;
	in->has_status = json_object_get(obj, "status") != NULL;
	in->has_hired_on = json_object_get(obj, "hired_on") != NULL;
	if ((error = lz_json_int(&in->department_id, NULL, obj, "department_id", false)) < 0 ||
	    (error = lz_json_str(&in->employee_no, obj, "employee_no", create || in->has_employee_no,
				 LZ_ORG_EMPLOYEE_NO_MAX)) < 0 ||
	    (error = lz_json_str(&in->name, obj, "name", create || in->has_name, LZ_ORG_NAME_MAX)) < 0 ||
	    (error = lz_json_str(&in->post, obj, "post", false, LZ_ORG_POST_MAX)) < 0 ||
	    (error = lz_json_str(&in->status, obj, "status", in->has_status, SIZE_MAX)) < 0 ||
	    (error = lz_json_str(&in->hired_on, obj, "hired_on", false, SIZE_MAX)) < 0)
		return error;
	return 0;
}

/* A staff record's stored fields, as validated for writing. */
typedef struct {
	int64_t department_id; /* 0 = none */
	const char *employee_no, *name, *post;
	int status;
	bool has_hired_on;
	int32_t hired_on;
} staff_fields;

static int check_hired_on(staff_fields *f, const char *s)
{
	f->has_hired_on = s != NULL;
	if (s && lz_date_parse(&f->hired_on, s) < 0)
		return lz_error_set(LZ_EINVALID, "hired_on", "hired_on must be a date (YYYY-MM-DD)");
	return 0;
}

static int check_department_id(int64_t id)
{
	if (id < 0)
		return lz_error_set(LZ_EINVALID, "department_id", "department_id must be a department's id");
	return 0;
}

static int check_employee_no(const char *s)
{
	return lz_text_check("employee_no", s, true, LZ_ORG_EMPLOYEE_NO_MAX, 0);
}

static int check_name(const char *s)
{
	return lz_text_check("name", s, true, LZ_ORG_NAME_MAX, 0);
}

static int check_post(const char *s)
{
	return lz_text_check("post", s, false, LZ_ORG_POST_MAX, 0);
}

/*
 * The rules that involve other rows: the department belongs to the bureau, and the
 * employee number is not used by another staff member of the bureau ('self' is the
 * record being updated, 0 on creation).
 */
static int check_relations(lz_conn *conn, int64_t bureau_id, int64_t self, const staff_fields *f,
			   bool department_changed, bool employee_no_changed)
{
	int64_t other = 0;
	int error;

	if (department_changed && f->department_id &&
	    (error = lz_org__department_check(conn, f->department_id, bureau_id)) < 0)
		return error;
	if (!employee_no_changed)
		return 0;
	if ((error = lz_exec_int(&other, conn, sql[Q_STAFF_BY_EMPLOYEE_NO], false, "it", bureau_id,
				 f->employee_no)) < 0)
		return error;
	if (other && other != self)
		return lz_error_set(LZ_ECONFLICT, "employee_no", "employee number '%s' is taken",
				    f->employee_no);
	return 0;
}

/* Binds department_id, employee_no, name, post, status and hired_on from 'first' on. */
static int bind_fields(lz_stmt *s, int first, const staff_fields *f)
{
	int error;

	if ((error = f->department_id ? lz_stmt_bind_int(s, first, f->department_id)
				      : lz_stmt_bind_null(s, first)) < 0 ||
	    (error = lz_stmt_bind_text(s, first + 1, f->employee_no)) < 0 ||
	    (error = lz_stmt_bind_text(s, first + 2, f->name)) < 0 ||
	    (error = lz_stmt_bind_text(s, first + 3, f->post)) < 0 ||
	    (error = lz_stmt_bind_int(s, first + 4, f->status)) < 0)
		return error;
	if (!f->has_hired_on)
		return lz_stmt_bind_null(s, first + 5);
	return lz_stmt_bind_int(s, first + 5, f->hired_on);
}

/* ---------------------------------------------------------------- writes */

int lz_staff_create(int64_t *out_id, lz_ctx *ctx, const lz_staff_input *in)
{
	lz_write tx = LZ_WRITE_INIT;
	staff_fields f = {0};
	lz_bureau bureau;
	lz_stmt *s = NULL;
	json_t *after = NULL;
	int64_t id = 0, now = lz_ctx_now(ctx);
	int error;

	if (out_id)
		*out_id = 0;
	f.department_id = in->department_id;
	f.employee_no = in->employee_no;
	f.name = in->name;
	f.post = in->post ? in->post : "";
	f.status = LZ_STAFF_ACTIVE;
	if ((error = lz_auth_require(ctx, LZ_PERM_ORG_WRITE)) < 0 || (error = check_name(f.name)) < 0 ||
	    (error = check_employee_no(f.employee_no)) < 0 || (error = check_post(f.post)) < 0 ||
	    (in->status && (error = status_parse(&f.status, in->status)) < 0) ||
	    (error = check_hired_on(&f, in->hired_on)) < 0 ||
	    (error = check_department_id(f.department_id)) < 0)
		goto done;
	if ((error = lz_write_begin(&tx, ctx)) < 0 ||
	    (error = lz_org__scope_check(&bureau, ctx, ctx->conn, in->bureau_id, "bureau_id")) < 0 ||
	    (error = check_relations(ctx->conn, in->bureau_id, 0, &f, true, true)) < 0)
		goto done;

	if ((error = lz_stmt_prepare(&s, ctx->conn, sql[Q_STAFF_INSERT])) < 0 ||
	    (error = lz_stmt_bind_int(s, 1, in->bureau_id)) < 0 || (error = bind_fields(s, 2, &f)) < 0 ||
	    (error = lz_stmt_bind_int(s, 8, now)) < 0 || (error = lz_stmt_bind_int(s, 9, now)) < 0)
		goto done;
	if ((error = lz_stmt_step(s)) != LZ_ROW) {
		if (error >= 0)
			error = lz_error_set(LZ_EDB, NULL, "the store gave no id for the new staff record");
		goto done;
	}
	id = lz_stmt_int(s, 0);
	lz_stmt_finish(s);
	s = NULL;

	if ((error = staff_fetch(&after, ctx, ctx->conn, id)) < 0 ||
	    (error = lz_audit_append(ctx, "staff.create", "staff", id, in->bureau_id, NULL, after)) < 0)
		goto done;
done:
	lz_stmt_finish(s);
	error = lz_write_end(&tx, ctx, error);
	if (error == 0 && out_id)
		*out_id = id;
	json_decref(after);
	return error;
}

/* The stored fields of a staff record, from its JSON (which owns the strings). */
static int fields_from_json(staff_fields *f, json_t *o)
{
	json_t *dept = json_object_get(o, "department_id");
	const char *hired = json_string_value(json_object_get(o, "hired_on"));

	f->department_id = json_is_integer(dept) ? json_integer_value(dept) : 0;
	f->employee_no = json_string_value(json_object_get(o, "employee_no"));
	f->name = json_string_value(json_object_get(o, "name"));
	f->post = json_string_value(json_object_get(o, "post"));
	f->has_hired_on = hired != NULL;
	if (status_parse(&f->status, json_string_value(json_object_get(o, "status"))) < 0 ||
	    (hired && lz_date_parse(&f->hired_on, hired) < 0))
		return lz_error_set(LZ_EINTERNAL, NULL, "a stored staff record cannot be read back");
	return 0;
}

int lz_staff_update(lz_ctx *ctx, int64_t id, const lz_staff_input *in)
{
	lz_write tx = LZ_WRITE_INIT;
	staff_fields f = {0};
	lz_stmt *s = NULL;
	json_t *before = NULL, *after = NULL;
	int64_t bureau_id;
	int error;

	if ((error = lz_auth_require(ctx, LZ_PERM_ORG_WRITE)) < 0 ||
	    (in->has_name && (error = check_name(in->name)) < 0) ||
	    (in->has_employee_no && (error = check_employee_no(in->employee_no)) < 0) ||
	    (in->has_post && (error = check_post(in->post)) < 0) ||
	    (in->has_department && (error = check_department_id(in->department_id)) < 0))
		goto done;
	if ((error = lz_write_begin(&tx, ctx)) < 0 ||
	    (error = staff_fetch(&before, ctx, ctx->conn, id)) < 0 ||
	    (error = fields_from_json(&f, before)) < 0)
		goto done;
	bureau_id = json_integer_value(json_object_get(before, "bureau_id"));
	if (in->bureau_id && in->bureau_id != bureau_id) {
		error = lz_error_set(LZ_EINVALID, "bureau_id", "bureau_id cannot be changed");
		goto done;
	}

	if (in->has_department)
		f.department_id = in->department_id;
	if (in->has_employee_no)
		f.employee_no = in->employee_no;
	if (in->has_name)
		f.name = in->name;
	if (in->has_post)
		f.post = in->post ? in->post : "";
	if ((in->has_status && (error = status_parse(&f.status, in->status)) < 0) ||
	    (in->has_hired_on && (error = check_hired_on(&f, in->hired_on)) < 0) ||
	    (error = check_relations(ctx->conn, bureau_id, id, &f, in->has_department,
				     in->has_employee_no)) < 0)
		goto done;

	if ((error = lz_stmt_prepare(&s, ctx->conn, sql[Q_STAFF_UPDATE])) < 0 ||
	    (error = bind_fields(s, 1, &f)) < 0 || (error = lz_stmt_bind_int(s, 7, lz_ctx_now(ctx))) < 0 ||
	    (error = lz_stmt_bind_int(s, 8, id)) < 0 || (error = lz_stmt_step(s)) < 0)
		goto done;
	lz_stmt_finish(s);
	s = NULL;

	if ((error = staff_fetch(&after, ctx, ctx->conn, id)) < 0 ||
	    (error = lz_audit_append(ctx, "staff.update", "staff", id, bureau_id, before, after)) < 0)
		goto done;
done:
	lz_stmt_finish(s);
	error = lz_write_end(&tx, ctx, error);
	json_decref(before);
	json_decref(after);
	return error;
}

/* ---------------------------------------------------------------- list */

/* The list statement for a scope that is one county or a path, with or without a search. */
static int list_query(bool county, bool search)
{
	return Q_STAFF_LIST + (county ? 2 : 0) + (search ? 1 : 0);
}

/* '%' + q with \, % and _ escaped + '%', for LIKE … ESCAPE '\'. */
static void like_pattern(lz_buf *b, const char *q)
{
	lz_buf_puts(b, "%");
	for (; *q; q++) {
		if (*q == '\\' || *q == '%' || *q == '_')
			lz_buf_put(b, "\\", 1);
		lz_buf_put(b, q, 1);
	}
	lz_buf_puts(b, "%");
}

int lz_staff_list(json_t **out, int64_t *next_after, lz_ctx *ctx, const lz_staff_query *q)
{
	const char *prefix, *base = NULL;
	lz_buf like = LZ_BUF_INIT;
	lz_bureau bureau;
	lz_conn *conn;
	lz_stmt *s = NULL;
	json_t *items = NULL;
	row_cache cache = {0};
	bool search = q->q && q->q[0];
	int64_t last = 0, county;
	int error, rc, status = 0, limit = lz_org__clamp_limit(q->limit), n = 0, p = 7;

	*out = NULL;
	*next_after = 0;
	if ((error = lz_auth_require(ctx, LZ_PERM_ORG_READ)) < 0 || (error = lz_ctx_conn(&conn, ctx)) < 0)
		goto done;
	if (q->status && q->status[0] && (error = status_parse(&status, q->status)) < 0)
		goto done;
	if (search) {
		size_t len = strlen(q->q);
		if (!lz_utf8_valid(q->q, len)) {
			error = lz_error_set(LZ_EINVALID, "q", "q is not valid UTF-8");
			goto done;
		}
		if (lz_utf8_len(q->q, len) > Q_MAX) {
			error = lz_error_set(LZ_EINVALID, "q", "q is longer than %d characters", Q_MAX);
			goto done;
		}
		like_pattern(&like, q->q);
	}
	if (q->bureau_id) {
		if ((error = lz_org__scope_check(&bureau, ctx, conn, q->bureau_id, "bureau_id")) < 0)
			goto done;
		base = bureau.path;
	}
	prefix = lz_org__scope_prefix(ctx, base);
	county = lz_org__county_of(prefix);

	if ((error = lz_stmt_prepare(&s, conn, sql[list_query(county != 0, search)])) < 0)
		goto done;
	error = county ? lz_stmt_bindv(s, "iiiiii", county, q->after_id, q->department_id, q->department_id,
				       (int64_t)status, (int64_t)status)
		       : lz_stmt_bindv(s, "tiiiii", prefix, q->after_id, q->department_id, q->department_id,
				       (int64_t)status, (int64_t)status);
	if (error < 0)
		goto done;
	if (search) {
		for (int i = 0; i < 3; i++)
			if ((error = lz_stmt_bind_text(s, p++, like.ptr)) < 0)
				goto done;
	}
	/* One row past the page tells whether there is a next one. */
	if ((error = lz_stmt_bind_int(s, p, (int64_t)limit + 1)) < 0)
		goto done;

	items = json_array();
	while ((rc = lz_stmt_step(s)) == LZ_ROW) {
		if (n == limit) {
			*next_after = last;
			break;
		}
		last = lz_stmt_int(s, C_ID);
		json_array_append_new(items, staff_row_json(s, &cache));
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
	lz_buf_dispose(&like);
	row_cache_dispose(&cache);
	json_decref(items);
	if (error < 0)
		*next_after = 0;
	return error;
}
