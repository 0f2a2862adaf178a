/*
 * api_bureau.c — bureaus and their departments:
 *
 *	GET  /api/v1/bureaus                    the bureaus in scope, a page at a time
 *	GET  /api/v1/bureaus/{id}               by id, or by its six-digit division code
 *	POST /api/v1/bureaus                    {code, name, name_en?, level, parent_id?}
 *	GET  /api/v1/bureaus/{id}/departments   a bureau's departments
 *	POST /api/v1/departments                {bureau_id, name}
 *
 * Field rules (lengths, levels, scope) are the org module's; here only JSON types.
 */
#include "http/http_int.h"

#include "base/json.h"
#include "org/org.h"

#include <string.h>

/* True for six ASCII digits: a division code rather than an id. */
static bool is_code(const char *s)
{
	if (!s || strlen(s) != 6)
		return false;
	for (int i = 0; i < 6; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* The bureau the {id} segment names, in the actor's scope. */
static int bureau_of_path(lz_bureau *out, lz_req *r)
{
	const char *v = lz_http__param(r, "id");
	int64_t id;
	int error;

	if (is_code(v))
		return lz_bureau_by_code(out, &r->ctx, v);
	if ((error = lz_http__param_id(&id, r, "id")) < 0)
		return error;
	return lz_bureau_get(out, &r->ctx, id);
}

int api_bureau_list(lz_reply *out, lz_req *r)
{
	json_t *items;
	int64_t cursor, next;
	int limit, error;

	if ((error = lz_http__page(&limit, &cursor, r)) < 0 ||
	    (error = lz_bureau_list(&items, &next, &r->ctx, cursor, limit)) < 0)
		return error;
	lz_http__json(out, 200, lz_http__list(items, next));
	return 0;
}

int api_bureau_get(lz_reply *out, lz_req *r)
{
	lz_bureau b;
	int error;

	if ((error = bureau_of_path(&b, r)) < 0)
		return error;
	lz_http__json(out, 200, lz_bureau_json(&b));
	return 0;
}

int api_bureau_create(lz_reply *out, lz_req *r)
{
	static const char *const known[] = {"code", "name", "name_en", "level", "parent_id", NULL};
	lz_bureau_input in = {0};
	lz_bureau b;
	json_t *body = NULL;
	int64_t id;
	int error;

	if ((error = lz_http__body(&body, r)) < 0 || (error = lz_json_only(body, known)) < 0 ||
	    (error = lz_json_str(&in.code, body, "code", false, LZ_HTTP_ANY_LEN)) < 0 ||
	    (error = lz_json_str(&in.name, body, "name", false, LZ_HTTP_ANY_LEN)) < 0 ||
	    (error = lz_json_str(&in.name_en, body, "name_en", false, LZ_HTTP_ANY_LEN)) < 0 ||
	    (error = lz_json_str(&in.level, body, "level", false, LZ_HTTP_ANY_LEN)) < 0 ||
	    (error = lz_json_int(&in.parent_id, NULL, body, "parent_id", false)) < 0 ||
	    (error = lz_bureau_create(&id, &r->ctx, &in)) < 0 || (error = lz_bureau_get(&b, &r->ctx, id)) < 0)
		goto done;
	out->location = lz_pool_printf(r->ctx.pool, "/api/v1/bureaus/%lld", (long long)id);
	lz_http__json(out, 201, lz_bureau_json(&b));
done:
	json_decref(body);
	return error;
}

int api_department_list(lz_reply *out, lz_req *r)
{
	lz_bureau b;
	json_t *items;
	int error;

	if ((error = bureau_of_path(&b, r)) < 0 || (error = lz_department_list(&items, &r->ctx, b.id)) < 0)
		return error;
	lz_http__json(out, 200, lz_http__list(items, 0));
	return 0;
}

int api_department_create(lz_reply *out, lz_req *r)
{
	static const char *const known[] = {"bureau_id", "name", NULL};
	const char *name;
	json_t *body = NULL;
	int64_t bureau_id = 0, id;
	int error;

	if ((error = lz_http__body(&body, r)) < 0 || (error = lz_json_only(body, known)) < 0 ||
	    (error = lz_json_int(&bureau_id, NULL, body, "bureau_id", true)) < 0 ||
	    (error = lz_json_str(&name, body, "name", false, LZ_HTTP_ANY_LEN)) < 0 ||
	    (error = lz_department_create(&id, &r->ctx, bureau_id, name)) < 0)
		goto done;
	lz_http__json(out, 201,
	              json_pack("{s:I,s:I,s:s}", "id", (json_int_t)id, "bureau_id", (json_int_t)bureau_id,
	                        "name", name));
done:
	json_decref(body);
	return error;
}
