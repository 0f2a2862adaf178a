/*
 * api_user.c — user accounts:
 *
 *	GET  /api/v1/users   the accounts in scope, a page at a time
 *	POST /api/v1/users   {login, role, bureau_code, password, staff_id?}
 *
 * The password travels in the body only; it is never logged or echoed.
 */
#include "http/http_int.h"

#include "base/json.h"

#include <stdlib.h>

static json_t *user_row_json(const lz_user *u)
{
	return json_pack("{s:I,s:s,s:s,s:I,s:s,s:o,s:b,s:o}", "id", (json_int_t)u->id, "login", u->login,
	                 "role", lz_role_name(u->role), "bureau_id", (json_int_t)u->bureau_id, "bureau_code",
	                 u->bureau_code, "staff_id", u->staff_id ? json_integer(u->staff_id) : json_null(),
	                 "active", u->active, "created_at", lz_json_time(u->created_at));
}

int api_user_list(lz_reply *out, lz_req *r)
{
	lz_user *users = NULL;
	size_t count = 0;
	json_t *items;
	int64_t cursor;
	int limit, error;

	if ((error = lz_http__page(&limit, &cursor, r)) < 0 ||
	    (error = lz_user_list(&users, &count, &r->ctx, cursor, limit)) < 0)
		return error;
	items = json_array();
	for (size_t i = 0; i < count; i++)
		json_array_append_new(items, user_row_json(&users[i]));
	/* A full page may have a next one; the page after the last is empty. */
	lz_http__json(out, 200, lz_http__list(items, count == (size_t)limit ? users[count - 1].id : 0));
	free(users);
	return 0;
}

int api_user_create(lz_reply *out, lz_req *r)
{
	static const char *const known[] = {"login", "role", "bureau_code", "password", "staff_id", NULL};
	const char *login, *role, *bureau_code, *password;
	json_t *body = NULL, *user;
	int64_t staff_id = 0, id;
	int error;

	if ((error = lz_http__body(&body, r)) < 0 || (error = lz_json_only(body, known)) < 0 ||
	    (error = lz_json_str(&login, body, "login", false, LZ_HTTP_ANY_LEN)) < 0 ||
	    (error = lz_json_str(&role, body, "role", false, LZ_HTTP_ANY_LEN)) < 0 ||
	    (error = lz_json_str(&bureau_code, body, "bureau_code", false, LZ_HTTP_ANY_LEN)) < 0 ||
	    (error = lz_json_str(&password, body, "password", false, LZ_HTTP_ANY_LEN)) < 0 ||
	    (error = lz_json_int(&staff_id, NULL, body, "staff_id", false)) < 0 ||
	    (error = lz_user_add(&id, &r->ctx, login, role, bureau_code, password, staff_id)) < 0 ||
	    (error = lz_user_json(&user, &r->ctx, id)) < 0)
		goto done;
	lz_http__json(out, 201, user);
done:
	json_decref(body);
	return error;
}
