/*
 * api_staff.c — staff records:
 *
 *	GET   /api/v1/staff        ?q=&bureau_id=&department_id=&status=&limit=&cursor=
 *	GET   /api/v1/staff/{id}
 *	POST  /api/v1/staff        the fields of lz_staff_input_from_json
 *	PATCH /api/v1/staff/{id}   only the fields given change
 *
 * The org module reads the body (lz_staff_input_from_json) and keeps every rule.
 */
#include "http/http_int.h"

#include "org/org.h"

int api_staff_list(lz_reply *out, lz_req *r)
{
	lz_staff_query q = LZ_STAFF_QUERY_INIT;
	json_t *items;
	int64_t next;
	int error;

	q.q = lz_http__query(r, "q");
	q.status = lz_http__query(r, "status");
	if ((error = lz_http__query_id(&q.bureau_id, r, "bureau_id")) < 0 ||
	    (error = lz_http__query_id(&q.department_id, r, "department_id")) < 0 ||
	    (error = lz_http__page(&q.limit, &q.after_id, r)) < 0 ||
	    (error = lz_staff_list(&items, &next, &r->ctx, &q)) < 0)
		return error;
	lz_http__json(out, 200, lz_http__list(items, next));
	return 0;
}

int api_staff_get(lz_reply *out, lz_req *r)
{
	json_t *staff;
	int64_t id;
	int error;

	if ((error = lz_http__param_id(&id, r, "id")) < 0 ||
	    (error = lz_staff_get_json(&staff, &r->ctx, id)) < 0)
		return error;
	lz_http__json(out, 200, staff);
	return 0;
}

int api_staff_create(lz_reply *out, lz_req *r)
{
	lz_staff_input in;
	json_t *body = NULL, *staff;
	int64_t id;
	int error;

	if ((error = lz_http__body(&body, r)) < 0 ||
	    (error = lz_staff_input_from_json(&in, body, true)) < 0 ||
	    (error = lz_staff_create(&id, &r->ctx, &in)) < 0 ||
	    (error = lz_staff_get_json(&staff, &r->ctx, id)) < 0)
		goto done;
	out->location = lz_pool_printf(r->ctx.pool, "/api/v1/staff/%lld", (long long)id);
	lz_http__json(out, 201, staff);
done:
	json_decref(body);
	return error;
}

int api_staff_update(lz_reply *out, lz_req *r)
{
	lz_staff_input in;
	json_t *body = NULL, *staff;
	int64_t id;
	int error;

	if ((error = lz_http__param_id(&id, r, "id")) < 0 || (error = lz_http__body(&body, r)) < 0 ||
	    (error = lz_staff_input_from_json(&in, body, false)) < 0 ||
	    (error = lz_staff_update(&r->ctx, id, &in)) < 0 ||
	    (error = lz_staff_get_json(&staff, &r->ctx, id)) < 0)
		goto done;
	lz_http__json(out, 200, staff);
done:
	json_decref(body);
	return error;
}
