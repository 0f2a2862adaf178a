/*
 * api_funds.c — allocations, projects, acceptance and payments:
 *
 *	GET  /api/v1/allocations                 ?bureau_id=&year=&parent_id=&after=&limit=
 *	POST /api/v1/allocations                 the fields of lz_allocation_input_from_json
 *	GET  /api/v1/allocations/{id}
 *	GET  /api/v1/allocations/{id}/trace      where every fen went; conservation; Sankey
 *	GET  /api/v1/projects                    ?bureau_id=&kind=&q=&after=&limit=
 *	POST /api/v1/projects                    the fields of lz_project_input_from_json
 *	GET  /api/v1/projects/{id}               with its stages, payable_fen and approved_fen
 *	POST /api/v1/stages/{id}/materials-review {note}
 *	POST /api/v1/stages/{id}/inspections     the fields of lz_inspection_input_from_json
 *	POST /api/v1/stages/{id}/signatures      {} → {stage_id, accepted}
 *	GET  /api/v1/payments                    ?bureau_id=&project_id=&status=&after=&limit=
 *	POST /api/v1/payments                    Idempotency-Key header; project_id, stage_id,
 *	                                         allocation_id, amount_fen, payee
 *	GET  /api/v1/payments/{id}               with its events
 *	GET  /api/v1/payments/{id}/trace         acceptance and the chain of allocations
 *	POST /api/v1/payments/{id}/approve       {}
 *	POST /api/v1/payments/{id}/pay           {reference}
 *	POST /api/v1/payments/{id}/cancel        {reason}
 *	POST /api/v1/payments/{id}/reverse       {reason}
 *
 * The funds module reads the bodies and keeps every rule: the acceptance gate, four
 * eyes, the balances, idempotency. A replayed payment (same key, same body) answers
 * 200 with the payment; a new one 201.
 */
#include "http/http_int.h"

#include "base/json.h"
#include "base/clock.h"
#include "funds/funds.h"

#include <microhttpd.h>
#include <string.h>

/* ---------------------------------------------------------------- lists */

typedef int (*funds_lister)(json_t **, int64_t *, lz_ctx *, const lz_funds_query *);

/* A funds list: the common filters and page from the query, then the module's list. */
static int list_run(lz_reply *out, lz_req *r, funds_lister list)
{
	lz_funds_query q = LZ_FUNDS_QUERY_INIT;
	json_t *items;
	int64_t next;
	int error;

	q.kind = lz_http__query(r, "kind");
	q.q = lz_http__query(r, "q");
	q.status = lz_http__query(r, "status");
	if ((error = lz_http__query_id(&q.bureau_id, r, "bureau_id")) < 0 ||
	    (error = lz_http__query_id(&q.year, r, "year")) < 0 ||
	    (error = lz_http__query_id(&q.parent_id, r, "parent_id")) < 0 ||
	    (error = lz_http__query_id(&q.project_id, r, "project_id")) < 0 ||
	    (error = lz_http__page(&q.limit, &q.after_id, r)) < 0 ||
	    (error = list(&items, &next, &r->ctx, &q)) < 0)
		return error;
	lz_http__json(out, 200, lz_http__list(items, next));
	return 0;
}

int api_allocation_list(lz_reply *out, lz_req *r)
{
	return list_run(out, r, lz_allocation_list);
}

int api_project_list(lz_reply *out, lz_req *r)
{
	return list_run(out, r, lz_project_list);
}

int api_payment_list(lz_reply *out, lz_req *r)
{
	return list_run(out, r, lz_payment_list);
}

/* ---------------------------------------------------------------- traces */

static int trace_run(lz_reply *out, lz_req *r, int (*trace)(json_t **, lz_ctx *, int64_t))
{
	json_t *t;
	int64_t id;
	int error;

	if ((error = lz_http__param_id(&id, r, "id")) < 0 || (error = trace(&t, &r->ctx, id)) < 0)
		return error;
	lz_http__json(out, 200, t);
	return 0;
}

int api_allocation_trace(lz_reply *out, lz_req *r)
{
	return trace_run(out, r, lz_allocation_trace_json);
}

int api_payment_trace(lz_reply *out, lz_req *r)
{
	return trace_run(out, r, lz_payment_trace_json);
}

/* ---------------------------------------------------------------- allocations */

int api_allocation_create(lz_reply *out, lz_req *r)
{
	lz_allocation_input in;
	json_t *body = NULL, *alloc;
	int64_t id;
	int error;

	if ((error = lz_http__body(&body, r)) < 0 || (error = lz_allocation_input_from_json(&in, body)) < 0 ||
	    (error = lz_allocation_create(&id, &r->ctx, &in)) < 0 ||
	    (error = lz_allocation_get_json(&alloc, &r->ctx, id)) < 0)
		goto done;
	out->location = lz_pool_printf(r->ctx.pool, "/api/v1/allocations/%lld", (long long)id);
	lz_http__json(out, 201, alloc);
done:
	json_decref(body);
	return error;
}

int api_allocation_get(lz_reply *out, lz_req *r)
{
	json_t *alloc;
	int64_t id;
	int error;

	if ((error = lz_http__param_id(&id, r, "id")) < 0 ||
	    (error = lz_allocation_get_json(&alloc, &r->ctx, id)) < 0)
		return error;
	lz_http__json(out, 200, alloc);
	return 0;
}

/* ---------------------------------------------------------------- projects */

int api_project_create(lz_reply *out, lz_req *r)
{
	lz_project_input in;
	json_t *body = NULL, *project;
	int64_t id;
	int error;

	if ((error = lz_http__body(&body, r)) < 0 || (error = lz_project_input_from_json(&in, body)) < 0 ||
	    (error = lz_project_create(&id, &r->ctx, &in)) < 0 ||
	    (error = lz_project_get_json(&project, &r->ctx, id)) < 0)
		goto done;
	out->location = lz_pool_printf(r->ctx.pool, "/api/v1/projects/%lld", (long long)id);
	lz_http__json(out, 201, project);
done:
	json_decref(body);
	return error;
}

int api_project_get(lz_reply *out, lz_req *r)
{
	json_t *project;
	int64_t id;
	int error;

	if ((error = lz_http__param_id(&id, r, "id")) < 0 ||
	    (error = lz_project_get_json(&project, &r->ctx, id)) < 0)
		return error;
	lz_http__json(out, 200, project);
	return 0;
}

/* ---------------------------------------------------------------- acceptance */

int api_stage_review_materials(lz_reply *out, lz_req *r)
{
	static const char *const known[] = {"note", NULL};
	json_t *body = NULL;
	const char *note;
	int64_t id;
	int error;

	if ((error = lz_http__param_id(&id, r, "id")) < 0 || (error = lz_http__body(&body, r)) < 0 ||
	    (error = lz_json_only(body, known)) < 0 ||
	    (error = lz_json_str(&note, body, "note", false, LZ_HTTP_ANY_LEN)) < 0 ||
	    (error = lz_stage_review_materials(&r->ctx, id, note)) < 0)
		goto done;
	lz_http__json(out, 200, json_pack("{sIsb}", "stage_id", (json_int_t)id, "reviewed", 1));
done:
	json_decref(body);
	return error;
}

int api_stage_inspection_create(lz_reply *out, lz_req *r)
{
	lz_inspection_input in;
	json_t *body = NULL;
	int64_t stage_id, id;
	int error;

	if ((error = lz_http__param_id(&stage_id, r, "id")) < 0 || (error = lz_http__body(&body, r)) < 0 ||
	    (error = lz_inspection_input_from_json(&in, body)) < 0 ||
	    (error = lz_inspection_record(&id, &r->ctx, stage_id, &in)) < 0)
		goto done;
	lz_http__json(out, 201, json_pack("{sIsI}", "id", (json_int_t)id, "stage_id", (json_int_t)stage_id));
done:
	json_decref(body);
	return error;
}

int api_stage_sign(lz_reply *out, lz_req *r)
{
	static const char *const known[] = {NULL};
	json_t *body = NULL;
	bool accepted = false;
	int64_t id;
	int error;

	if ((error = lz_http__param_id(&id, r, "id")) < 0 || (error = lz_http__body(&body, r)) < 0 ||
	    (error = lz_json_only(body, known)) < 0 ||
	    (error = lz_acceptance_sign(&accepted, &r->ctx, id)) < 0)
		goto done;
	lz_http__json(out, 200, json_pack("{sIsb}", "stage_id", (json_int_t)id, "accepted", accepted));
done:
	json_decref(body);
	return error;
}

/* ---------------------------------------------------------------- payments */

/* Prepares a payment: 201 for a new one, 200 for a replay of the same request. */
int api_payment_create(lz_reply *out, lz_req *r)
{
	lz_payment_input in;
	json_t *body = NULL, *payment;
	bool replayed;
	int64_t id;
	int error;

	if ((error = lz_http__body(&body, r)) < 0 || (error = lz_payment_input_from_json(&in, body)) < 0)
		goto done;
	in.idempotency_key = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Idempotency-Key");
	if ((error = lz_payment_prepare(&id, &replayed, &r->ctx, &in)) < 0 ||
	    (error = lz_payment_get_json(&payment, &r->ctx, id)) < 0)
		goto done;
	out->location = lz_pool_printf(r->ctx.pool, "/api/v1/payments/%lld", (long long)id);
	lz_http__json(out, replayed ? 200 : 201, payment);
done:
	json_decref(body);
	return error;
}

int api_payment_get(lz_reply *out, lz_req *r)
{
	json_t *payment;
	int64_t id;
	int error;

	if ((error = lz_http__param_id(&id, r, "id")) < 0 ||
	    (error = lz_payment_get_json(&payment, &r->ctx, id)) < 0)
		return error;
	lz_http__json(out, 200, payment);
	return 0;
}

typedef enum { ACT_APPROVE, ACT_PAY, ACT_CANCEL, ACT_REVERSE } payment_act;

/* The one text field each payment action reads from its body. */
static const struct {
	const char *field; /* the one body field, or NULL for {} */
	bool required;
} acts[] = {
    [ACT_APPROVE] = {NULL, false},
    [ACT_PAY] = {"reference", true},
    [ACT_CANCEL] = {"reason", true},
    [ACT_REVERSE] = {"reason", true},
};

/* One event on payment {id}: reads the body, makes the call, answers the payment. */
static int payment_act_run(lz_reply *out, lz_req *r, payment_act act)
{
	const char *known[2] = {acts[act].field, NULL};
	const char *text = NULL;
	json_t *body = NULL, *payment;
	int64_t id;
	int error;

	if ((error = lz_http__param_id(&id, r, "id")) < 0 || (error = lz_http__body(&body, r)) < 0 ||
	    (error = lz_json_only(body, known)) < 0)
		goto done;
	if (acts[act].field &&
	    (error = lz_json_str(&text, body, acts[act].field, acts[act].required, LZ_HTTP_ANY_LEN)) < 0)
		goto done;
	switch (act) {
	case ACT_APPROVE:
		error = lz_payment_approve(&r->ctx, id);
		break;
	case ACT_PAY:
		error = lz_payment_mark_paid(&r->ctx, id, text);
		break;
	case ACT_CANCEL:
		error = lz_payment_cancel(&r->ctx, id, text);
		break;
	case ACT_REVERSE:
		error = lz_payment_reverse(&r->ctx, id, text);
		break;
	}
	if (error < 0 || (error = lz_payment_get_json(&payment, &r->ctx, id)) < 0)
		goto done;
	lz_http__json(out, 200, payment);
done:
	json_decref(body);
	return error;
}

int api_payment_approve(lz_reply *out, lz_req *r)
{
	return payment_act_run(out, r, ACT_APPROVE);
}

int api_payment_pay(lz_reply *out, lz_req *r)
{
	return payment_act_run(out, r, ACT_PAY);
}

int api_payment_cancel(lz_reply *out, lz_req *r)
{
	return payment_act_run(out, r, ACT_CANCEL);
}

int api_payment_reverse(lz_reply *out, lz_req *r)
{
	return payment_act_run(out, r, ACT_REVERSE);
}
