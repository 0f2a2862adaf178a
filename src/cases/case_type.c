/*
 * case_type.c — the kinds of application a bureau handles (事项), with their
 * targets, clocks, approval levels and required materials (see cases.h).
 *
 * names and materials are stored as JSON text, as given once checked: names an
 * object of texts by language tag, materials an array whose items are plain
 * strings (the same text in every language) or objects like names. Both are read
 * back for a language by lz_case_type_text, one rule for every reader.
 */
#include "cases/cases_int.h"

#include "audit/audit.h"
#include "auth/auth.h"
#include "base/buf.h"
#include "base/json.h"
#include "org/org.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

enum { Q_INSERT, Q_UPDATE, Q_GET, Q_LIST, Q_BY_CODE, Q_NAMES };

#define TYPE_SELECT                                                                                          \
	"SELECT t.id, t.bureau_id, t.code, t.names, t.materials, t.sla_hours, t.clock_kind, "                \
	"t.approval_levels, "                                                                                \
	"t.pauses_on_applicant, t.active, b.path FROM case_type t JOIN bureau b ON b.id = t.bureau_id "

enum { C_ID, C_BUREAU, C_CODE, C_NAMES, C_MATERIALS, C_SLA, C_CLOCK, C_LEVELS, C_PAUSES, C_ACTIVE, C_PATH };

static const char *const sql[] = {
    [Q_INSERT] = "INSERT INTO case_type(bureau_id, code, names, materials, sla_hours, clock_kind, "
                 "approval_levels, pauses_on_applicant, active, created_at, updated_at) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    [Q_UPDATE] = "UPDATE case_type SET names = ?, materials = ?, sla_hours = ?, clock_kind = ?, "
                 "approval_levels = ?, pauses_on_applicant = ?, active = ?, updated_at = ? WHERE id = ?",
    [Q_GET] = TYPE_SELECT "WHERE t.id = ?",
    [Q_LIST] = TYPE_SELECT "WHERE t.bureau_id = ? AND (? = 0 OR t.active = 1) ORDER BY t.code",
    [Q_BY_CODE] = "SELECT COUNT(*) FROM case_type WHERE bureau_id = ? AND code = ?",
    [Q_NAMES] = "SELECT names FROM case_type WHERE id = ?",
};

static const char *const clock_names[] = {[LZ_CLOCK_ELAPSED] = "elapsed", [LZ_CLOCK_WORKING] = "working"};

static int clock_parse(const char *s)
{
	if (s && strcmp(s, "elapsed") == 0)
		return LZ_CLOCK_ELAPSED;
	if (s && strcmp(s, "working") == 0)
		return LZ_CLOCK_WORKING;
	return 0;
}

/* A language tag as BCP 47 writes the ones we use: letters, digits and '-', 2–16. */
static bool lang_tag(const char *s)
{
	size_t n = strlen(s);
	if (n < 2 || n > 16)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '-'))
			return false;
	return true;
}

/*
 * Checks an object of texts by language tag — a type's names, or one material: at
 * most LZ_CASE_TYPE_LANGS_MAX keys, each a language tag with a text of 1 to 'max'
 * characters, and zh-CN among them. 'field' names the object ("names",
 * "materials[2]"), and a bad text is named with its tag ("materials[2].en").
 */
static int texts_check(const json_t *texts, const char *field, size_t max)
{
	const char *key;
	json_t *v;
	char sub[64];
	int error;

	if (json_object_size(texts) > LZ_CASE_TYPE_LANGS_MAX)
		return lz_error_set(LZ_EINVALID, field, "%s has more than %d languages", field,
		                    LZ_CASE_TYPE_LANGS_MAX);
	json_object_foreach((json_t *)texts, key, v)
	{
		if (!lang_tag(key))
			return lz_error_set(LZ_EINVALID, field, "%s has a key that is not a language tag",
			                    field);
		snprintf(sub, sizeof(sub), "%s.%s", field, key);
		if (!json_is_string(v))
			return lz_error_set(LZ_EINVALID, sub, "%s must be a string", sub);
		if ((error = lz_text_check(sub, json_string_value(v), true, max, 0)) < 0)
			return error;
	}
	if (!json_object_get(texts, "zh-CN")) {
		snprintf(sub, sizeof(sub), "%s.zh-CN", field);
		return lz_error_set(LZ_EINVALID, sub, "%s is required", sub);
	}
	return 0;
}

/* Checks the materials: an array of ≤ 30 items, each a text or texts by language. */
static int materials_check(const json_t *materials)
{
	json_t *v;
	size_t i;
	char field[32];
	int error;

	if (!materials)
		return 0;
	if (!json_is_array(materials))
		return lz_error_set(LZ_EINVALID, "materials",
		                    "materials must be an array of texts or of texts by language");
	if (json_array_size(materials) > LZ_CASE_TYPE_MATERIALS_MAX)
		return lz_error_set(LZ_EINVALID, "materials", "materials has more than %d items",
		                    LZ_CASE_TYPE_MATERIALS_MAX);
	json_array_foreach(materials, i, v)
	{
		snprintf(field, sizeof(field), "materials[%zu]", i);
		if (json_is_string(v))
			error =
			    lz_text_check(field, json_string_value(v), true, LZ_CASE_TYPE_MATERIAL_MAX, 0);
		else if (json_is_object(v))
			error = texts_check(v, field, LZ_CASE_TYPE_MATERIAL_MAX);
		else
			error = lz_error_set(LZ_EINVALID, field,
			                     "%s must be a text or an object of texts by language", field);
		if (error < 0)
			return error;
	}
	return 0;
}

int lz_case_type_validate(const lz_case_type_input *in)
{
	size_t n;
	int error;

	n = in->code ? strlen(in->code) : 0;
	if (n == 0)
		return lz_error_set(LZ_EINVALID, "code", "code is required");
	if (n < 2 || n > LZ_CASE_TYPE_CODE_MAX)
		return lz_error_set(LZ_EINVALID, "code", "code must have 2 to %d characters",
		                    LZ_CASE_TYPE_CODE_MAX);
	for (const char *p = in->code; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
			return lz_error_set(LZ_EINVALID, "code", "code may hold only a-z, 0-9, '_' and '-'");
	if (!in->names || !json_is_object(in->names))
		return lz_error_set(LZ_EINVALID, "names", "names must be an object of names by language");
	if ((error = texts_check(in->names, "names", LZ_CASE_TYPE_NAME_MAX)) < 0 ||
	    (error = materials_check(in->materials)) < 0)
		return error;
	if (in->sla_hours < 1 || in->sla_hours > LZ_CASE_TYPE_SLA_MAX)
		return lz_error_set(LZ_EINVALID, "sla_hours", "sla_hours must be 1 to %d",
		                    LZ_CASE_TYPE_SLA_MAX);
	if (!clock_parse(in->clock_kind))
		return lz_error_set(LZ_EINVALID, "clock_kind", "clock_kind must be elapsed or working");
	if (in->approval_levels < 1 || in->approval_levels > 3)
		return lz_error_set(LZ_EINVALID, "approval_levels", "approval_levels must be 1, 2 or 3");
	return 0;
}

int lz_case_type_input_from_json(lz_case_type_input *in, json_t *obj)
{
	static const char *const known[] = {"code",
	                                    "names",
	                                    "materials",
	                                    "sla_hours",
	                                    "clock_kind",
	                                    "approval_levels",
	                                    "pauses_on_applicant",
	                                    "active",
	                                    "bureau_id",
	                                    NULL};
	json_t *v;
	int error;

	if ((error = lz_json_only(obj, known)) < 0 ||
	    (error = lz_json_str(&in->code, obj, "code", false, 64)) < 0 ||
	    (error = lz_json_str(&in->clock_kind, obj, "clock_kind", false, 16)) < 0 ||
	    (error = lz_json_int(&in->sla_hours, NULL, obj, "sla_hours", true)) < 0)
		return error;
	in->approval_levels = 1;
	if ((error = lz_json_int(&in->approval_levels, NULL, obj, "approval_levels", false)) < 0)
		return error;
	if ((v = json_object_get(obj, "approval_levels")) && json_is_null(v))
		in->approval_levels = 1;
	in->names = json_object_get(obj, "names");
	in->materials = json_object_get(obj, "materials");
	if (in->materials && json_is_null(in->materials))
		in->materials = NULL;
	in->pauses_on_applicant = false;
	in->active = true;
	if ((v = json_object_get(obj, "pauses_on_applicant")) && !json_is_null(v)) {
		if (!json_is_boolean(v))
			return lz_error_set(LZ_EINVALID, "pauses_on_applicant",
			                    "pauses_on_applicant must be true or false");
		in->pauses_on_applicant = json_is_true(v);
	}
	if ((v = json_object_get(obj, "active")) && !json_is_null(v)) {
		if (!json_is_boolean(v))
			return lz_error_set(LZ_EINVALID, "active", "active must be true or false");
		in->active = json_is_true(v);
	}
	return 0;
}

static void row_type(lz_case_type *out, lz_stmt *s)
{
	memset(out, 0, sizeof(*out));
	out->id = lz_stmt_int(s, C_ID);
	out->bureau_id = lz_stmt_int(s, C_BUREAU);
	snprintf(out->code, sizeof(out->code), "%s", lz_stmt_text(s, C_CODE));
	out->sla_hours = lz_stmt_int(s, C_SLA);
	out->clock_kind = (lz_clock_kind)lz_stmt_int(s, C_CLOCK);
	out->approval_levels = (int)lz_stmt_int(s, C_LEVELS);
	out->pauses_on_applicant = lz_stmt_int(s, C_PAUSES) != 0;
	out->active = lz_stmt_int(s, C_ACTIVE) != 0;
	snprintf(out->path, sizeof(out->path), "%s", lz_stmt_text(s, C_PATH));
}

static json_t *row_json(lz_stmt *s)
{
	json_t *names = json_loads(lz_stmt_text(s, C_NAMES), 0, NULL);
	json_t *materials = json_loads(lz_stmt_text(s, C_MATERIALS), 0, NULL);
	int clock = (int)lz_stmt_int(s, C_CLOCK);

	return json_pack(
	    "{s:I, s:I, s:s, s:o, s:o, s:I, s:s, s:I, s:b, s:b}", "id", (json_int_t)lz_stmt_int(s, C_ID),
	    "bureau_id", (json_int_t)lz_stmt_int(s, C_BUREAU), "code", lz_stmt_text(s, C_CODE), "names",
	    names ? names : json_object(), "materials", materials ? materials : json_array(), "sla_hours",
	    (json_int_t)lz_stmt_int(s, C_SLA), "clock_kind",
	    clock_names[clock == LZ_CLOCK_WORKING ? LZ_CLOCK_WORKING : LZ_CLOCK_ELAPSED], "approval_levels",
	    (json_int_t)lz_stmt_int(s, C_LEVELS), "pauses_on_applicant", (int)(lz_stmt_int(s, C_PAUSES) != 0),
	    "active", (int)(lz_stmt_int(s, C_ACTIVE) != 0));
}

/* Reads type 'id' visible to the actor: in scope for staff, active for the public. */
static int fetch(lz_case_type *out, json_t **json, lz_ctx *ctx, int64_t id, const char *field)
{
	lz_conn *conn;
	lz_stmt *s = NULL;
	int error;

	if ((error = lz_ctx_conn(&conn, ctx)) < 0 || (error = lz_stmt_prepare(&s, conn, sql[Q_GET])) < 0 ||
	    (error = lz_stmt_bindv(s, "i", id)) < 0)
		goto done;
	if ((error = lz_stmt_step(s)) == LZ_ROW) {
		bool visible = ctx->actor.role == LZ_ROLE_PUBLIC
		                   ? lz_stmt_int(s, C_ACTIVE) != 0
		                   : lz_org_in_scope(ctx, lz_stmt_text(s, C_PATH));
		if (visible) {
			if (out)
				row_type(out, s);
			if (json)
				*json = row_json(s);
			error = 0;
			goto done;
		}
		error = LZ_DONE;
	}
	if (error == LZ_DONE)
		error = lz_error_set(LZ_ENOTFOUND, field, "case type %lld not found", (long long)id);
done:
	lz_stmt_finish(s);
	return error;
}

int lz_case_type_get(lz_case_type *out, lz_ctx *ctx, int64_t id)
{
	int error;

	if (ctx->actor.role != LZ_ROLE_PUBLIC && (error = lz_auth_require(ctx, LZ_PERM_CASE_READ)) < 0)
		return error;
	return fetch(out, NULL, ctx, id, "type_id");
}

int lz_case_type_get_json(json_t **out, lz_ctx *ctx, int64_t id)
{
	int error;

	*out = NULL;
	if (ctx->actor.role != LZ_ROLE_PUBLIC && (error = lz_auth_require(ctx, LZ_PERM_CASE_READ)) < 0)
		return error;
	return fetch(NULL, out, ctx, id, NULL);
}

/* What the audit log keeps of a type: every field (none is personal). */
static int snapshot(json_t **out, lz_ctx *ctx, int64_t id)
{
	return fetch(NULL, out, ctx, id, NULL);
}

static int write_type(int64_t *out_id, lz_ctx *ctx, int64_t id, const lz_case_type_input *in)
{
	lz_write tx = LZ_WRITE_INIT;
	char path[128];
	char *names = NULL, *materials = NULL;
	json_t *before = NULL, *after = NULL, *empty = NULL;
	lz_case_type old;
	int64_t now = lz_ctx_now(ctx), n = 0, bureau_id = in->bureau_id;
	int error;

	if ((error = lz_auth_require(ctx, LZ_PERM_CASE_TYPE_WRITE)) < 0)
		return error;
	if (id) {
		lz_case_type_input copy = *in;
		if ((error = fetch(&old, &before, ctx, id, NULL)) < 0)
			return error;
		copy.code = old.code;
		bureau_id = old.bureau_id;
		if ((error = lz_case_type_validate(&copy)) < 0)
			goto done;
	} else if ((error = lz_case_type_validate(in)) < 0) {
		return error;
	}
	names = json_dumps(in->names, JSON_COMPACT | JSON_SORT_KEYS);
	materials =
	    json_dumps(in->materials ? in->materials : (empty = json_array()), JSON_COMPACT | JSON_SORT_KEYS);
	if ((error = lz_write_begin(&tx, ctx)) < 0)
		goto done;
	if (!id) {
		if ((error = lz_cases__bureau_in_scope(path, ctx, ctx->conn, bureau_id, "bureau_id")) < 0 ||
		    (error = lz_exec_int(&n, ctx->conn, sql[Q_BY_CODE], true, "it", bureau_id, in->code)) < 0)
			goto done;
		if (n) {
			error = lz_error_set(LZ_ECONFLICT, "code",
			                     "the bureau has a case type with this code already");
			goto done;
		}
		if ((error = lz_exec_int(
		         &id, ctx->conn, sql[Q_INSERT], true, "itttiiiiiii", bureau_id, in->code, names,
		         materials, in->sla_hours, (int64_t)clock_parse(in->clock_kind), in->approval_levels,
		         (int64_t)in->pauses_on_applicant, (int64_t)in->active, now, now)) < 0)
			goto done;
	} else if ((error =
	                lz_exec_int(NULL, ctx->conn, sql[Q_UPDATE], false, "ttiiiiiii", names, materials,
	                            in->sla_hours, (int64_t)clock_parse(in->clock_kind), in->approval_levels,
	                            (int64_t)in->pauses_on_applicant, (int64_t)in->active, now, id)) < 0) {
		goto done;
	}
	if ((error = snapshot(&after, ctx, id)) < 0 ||
	    (error = lz_audit_append(ctx, before ? "case_type.update" : "case_type.create", "case_type", id,
	                             bureau_id, before, after)) < 0)
		goto done;
	if (out_id)
		*out_id = id;
done:
	error = lz_write_end(&tx, ctx, error);
	free(names);
	free(materials);
	json_decref(empty);
	json_decref(before);
	json_decref(after);
	return error;
}

int lz_case_type_create(int64_t *out_id, lz_ctx *ctx, const lz_case_type_input *in)
{
	if (out_id)
		*out_id = 0;
	return write_type(out_id, ctx, 0, in);
}

int lz_case_type_update(lz_ctx *ctx, int64_t id, const lz_case_type_input *in)
{
	if (id <= 0)
		return lz_error_set(LZ_ENOTFOUND, NULL, "case type %lld not found", (long long)id);
	return write_type(NULL, ctx, id, in);
}

int lz_case_type_list(json_t **out, lz_ctx *ctx, int64_t bureau_id, bool active_only)
{
	char path[128];
	lz_conn *conn;
	lz_stmt *s = NULL;
	json_t *list = NULL;
	bool public = ctx->actor.role == LZ_ROLE_PUBLIC;
	int error;

	*out = NULL;
	if (!public && (error = lz_auth_require(ctx, LZ_PERM_CASE_READ)) < 0)
		return error;
	if ((error = lz_ctx_conn(&conn, ctx)) < 0)
		return error;
	if ((error = public ? lz_cases__bureau(path, NULL, conn, bureau_id, "bureau_id")
	                    : lz_cases__bureau_in_scope(path, ctx, conn, bureau_id, "bureau_id")) < 0)
		return error;
	if ((error = lz_stmt_prepare(&s, conn, sql[Q_LIST])) < 0 ||
	    (error = lz_stmt_bindv(s, "ii", bureau_id, (int64_t)(active_only || public))) < 0)
		goto done;
	list = json_array();
	while ((error = lz_stmt_step(s)) == LZ_ROW)
		json_array_append_new(list, row_json(s));
	if (error >= 0) {
		error = 0;
		*out = list;
		list = NULL;
	}
done:
	lz_stmt_finish(s);
	json_decref(list);
	return error;
}

/* ---------------------------------------------------------------- languages */

/* True when tags 'a' and 'b' have the same primary subtag ("fr-CA", "fr"). */
static bool same_primary(const char *a, const char *b)
{
	size_t n = strcspn(a, "-");
	return n == strcspn(b, "-") && strncasecmp(a, b, n) == 0;
}

const char *lz_case_type_text(const json_t *texts, const char *lang)
{
	static const char *const fallbacks[] = {"en", "zh-CN"};
	const char *key, *near = NULL;
	json_t *v;

	if (json_is_string(texts))
		return json_string_value(texts);
	if (!json_is_object(texts))
		return NULL;
	if (lang && *lang) {
		json_object_foreach((json_t *)texts, key, v)
		{
			if (!json_is_string(v))
				continue;
			if (strcasecmp(key, lang) == 0)
				return json_string_value(v);
			if (!near && same_primary(key, lang))
				near = json_string_value(v);
		}
		if (near)
			return near;
	}
	for (size_t i = 0; i < sizeof(fallbacks) / sizeof(fallbacks[0]); i++)
		if (json_is_string(v = json_object_get(texts, fallbacks[i])))
			return json_string_value(v);
	return NULL;
}

json_t *lz_case_type_localize(const json_t *type, const char *lang)
{
	json_t *out = json_deep_copy(type), *materials = json_array(), *m;
	const char *name = lz_case_type_text(json_object_get(type, "names"), lang);
	const char *code = json_string_value(json_object_get(type, "code"));
	size_t i;

	json_array_foreach(json_object_get(type, "materials"), i, m)
	{
		const char *text = lz_case_type_text(m, lang);
		if (text)
			json_array_append_new(materials, json_string(text));
	}
	json_object_set_new(out, "name", json_string(name ? name : code ? code : ""));
	json_object_set_new(out, "materials", materials);
	return out;
}

int lz_case_type_name(char *out, lz_ctx *ctx, int64_t id, const char *lang)
{
	lz_conn *conn;
	lz_stmt *s = NULL;
	json_t *names = NULL;
	const char *name;
	int error;

	out[0] = '\0';
	if ((error = lz_ctx_conn(&conn, ctx)) < 0 || (error = lz_stmt_prepare(&s, conn, sql[Q_NAMES])) < 0 ||
	    (error = lz_stmt_bindv(s, "i", id)) < 0)
		goto done;
	if ((error = lz_stmt_step(s)) == LZ_ROW) {
		names = json_loads(lz_stmt_text(s, 0), 0, NULL);
		name = lz_case_type_text(names, lang);
		snprintf(out, LZ_CASE_TYPE_NAME_BYTES, "%s", name ? name : "");
		error = 0;
	} else if (error == LZ_DONE) {
		error = lz_error_set(LZ_ENOTFOUND, "type_id", "case type %lld not found", (long long)id);
	}
done:
	lz_stmt_finish(s);
	json_decref(names);
	return error;
}
