/*
 * api_beneficiary.c — post-relocation support: programmes, the beneficiaries
 * register and payroll runs:
 *
 *	GET  /api/v1/programmes                  ?bureau_id=&after=&limit=
 *	POST /api/v1/programmes                  {bureau_id, name, amount_per_year_fen?, years?, frequency?}
 *	GET  /api/v1/programmes/{id}
 *	GET  /api/v1/beneficiaries               ?bureau_id=&programme_id=&status=&village=&q=&id_number=
 *	POST /api/v1/beneficiaries               the fields of lz_beneficiary_input
 *	GET  /api/v1/beneficiaries/{id}          masked, with the status history
 *	POST /api/v1/beneficiaries/{id}/status   {status, since, reason}
 *	POST /api/v1/beneficiaries/{id}/erase    {reason}
 *	GET  /api/v1/payroll-runs                ?bureau_id=&programme_id=&after=&limit=
 *	POST /api/v1/payroll-runs                {programme_id, period_start, period_end, allocation_id}
 *	GET  /api/v1/payroll-runs/{id}           the summary: count, total, exclusions, maker, approver
 *	GET  /api/v1/payroll-runs/{id}/lines     ?after=&limit=
 *	GET  /api/v1/payroll-runs/{id}/trace     the run, its programme, the chain of allocations
 *	POST /api/v1/payroll-runs/{id}/approve   {}
 *
 * Only JSON types are read here; lengths, formats (GB 11643, dates), scope, rights
 * and every rule of eligibility and four eyes are the funds module's.
 */
#include "http/http_int.h"

#include "base/json.h"
#include "funds/beneficiary.h"
#include "funds/payroll.h"

/* ---------------------------------------------------------------- programmes */

int api_programme_list(lz_reply *out, lz_req *r)
{
	json_t *items;
	int64_t bureau_id, after, next;
	int limit, error;

	if ((error = lz_http__query_id(&bureau_id, r, "bureau_id")) < 0 ||
	    (error = lz_http__page(&limit, &after, r)) < 0 ||
	    (error = lz_programme_list(&items, &next, &r->ctx, bureau_id, after, limit)) < 0)
		return error;
	lz_http__json(out, 200, lz_http__list(items, next));
	return 0;
}

int api_programme_create(lz_reply *out, lz_req *r)
{
	static const char *const known[] = {"bureau_id", "name",      "amount_per_year_fen",
	                                    "years",     "frequency", NULL};
	lz_programme_input in = {0};
	lz_programme p;
	json_t *body = NULL;
	int64_t years = 0, id;
	int error;

	if ((error = lz_http__body(&body, r)) < 0 || (error = lz_json_only(body, known)) < 0 ||
	    (error = lz_json_int(&in.bureau_id, NULL, body, "bureau_id", true)) < 0 ||
	    (error = lz_json_str(&in.name, body, "name", false, LZ_HTTP_ANY_LEN)) < 0 ||
	    (error = lz_json_int(&in.amount_per_year_fen, NULL, body, "amount_per_year_fen", false)) < 0 ||
	    (error = lz_json_int(&years, NULL, body, "years", false)) < 0 ||
	    (error = lz_json_str(&in.frequency, body, "frequency", false, LZ_HTTP_ANY_LEN)) < 0)
		goto done;
	if (years < 0 || years > 100) {
		error = lz_error_set(LZ_EINVALID, "years", "years must be between 1 and 100");
		goto done;
	}
	in.years = (int)years;
	if ((error = lz_programme_create(&id, &r->ctx, &in)) < 0 ||
	    (error = lz_programme_get(&p, &r->ctx, id)) < 0)
		goto done;
	out->location = lz_pool_printf(r->ctx.pool, "/api/v1/programmes/%lld", (long long)id);
	lz_http__json(out, 201, lz_programme_json(&p));
done:
	json_decref(body);
	return error;
}

int api_programme_get(lz_reply *out, lz_req *r)
{
	lz_programme p;
	int64_t id;
	int error;

	if ((error = lz_http__param_id(&id, r, "id")) < 0 || (error = lz_programme_get(&p, &r->ctx, id)) < 0)
		return error;
	lz_http__json(out, 200, lz_programme_json(&p));
	return 0;
}

/* ---------------------------------------------------------------- beneficiaries */

int api_beneficiary_list(lz_reply *out, lz_req *r)
{
	lz_beneficiary_query q = LZ_BENEFICIARY_QUERY_INIT;
	json_t *items;
	int64_t next;
	int error;

	q.status = lz_http__query(r, "status");
	q.village = lz_http__query(r, "village");
	q.q = lz_http__query(r, "q");
	q.id_number = lz_http__query(r, "id_number");
	if ((error = lz_http__query_id(&q.bureau_id, r, "bureau_id")) < 0 ||
	    (error = lz_http__query_id(&q.programme_id, r, "programme_id")) < 0 ||
	    (error = lz_http__page(&q.limit, &q.after_id, r)) < 0 ||
	    (error = lz_beneficiary_list(&items, &next, &r->ctx, &q)) < 0)
		return error;
	lz_http__json(out, 200, lz_http__list(items, next));
	return 0;
}

int api_beneficiary_create(lz_reply *out, lz_req *r)
{
	static const char *const known[] = {"programme_id", "bureau_id",    "id_number",    "name", "village",
	                                    "household_id", "relocated_on", "bank_account", NULL};
	lz_beneficiary_input in = {0};
	json_t *body = NULL, *b;
	int64_t id;
	int error;

	if ((error = lz_http__body(&body, r)) < 0 || (error = lz_json_only(body, known)) < 0 ||
	    (error = lz_json_int(&in.programme_id, NULL, body, "programme_id", true)) < 0 ||
	    (error = lz_json_int(&in.bureau_id, NULL, body, "bureau_id", false)) < 0 ||
	    (error = lz_json_str(&in.id_number, body, "id_number", true, LZ_HTTP_ANY_LEN)) < 0 ||
	    (error = lz_json_str(&in.name, body, "name", false, LZ_HTTP_ANY_LEN)) < 0 ||
	    (error = lz_json_str(&in.village, body, "village", false, LZ_HTTP_ANY_LEN)) < 0 ||
	    (error = lz_json_str(&in.household_id, body, "household_id", false, LZ_HTTP_ANY_LEN)) < 0 ||
	    (error = lz_json_str(&in.relocated_on, body, "relocated_on", false, LZ_HTTP_ANY_LEN)) < 0 ||
	    (error = lz_json_str(&in.bank_account, body, "bank_account", false, LZ_HTTP_ANY_LEN)) < 0 ||
	    (error = lz_beneficiary_create(&id, &r->ctx, &in)) < 0 ||
	    (error = lz_beneficiary_get_json(&b, &r->ctx, id)) < 0)
		goto done;
	out->location = lz_pool_printf(r->ctx.pool, "/api/v1/beneficiaries/%lld", (long long)id);
	lz_http__json(out, 201, b);
done:
	json_decref(body);
	return error;
}

int api_beneficiary_get(lz_reply *out, lz_req *r)
{
	json_t *b;
	int64_t id;
	int error;

	if ((error = lz_http__param_id(&id, r, "id")) < 0 ||
	    (error = lz_beneficiary_get_json(&b, &r->ctx, id)) < 0)
		return error;
	lz_http__json(out, 200, b);
	return 0;
}

int api_beneficiary_status(lz_reply *out, lz_req *r)
{
	static const char *const known[] = {"status", "since", "reason", NULL};
	const char *status, *since, *reason;
	json_t *body = NULL, *b;
	int64_t id;
	int error;

	if ((error = lz_http__param_id(&id, r, "id")) < 0 || (error = lz_http__body(&body, r)) < 0 ||
	    (error = lz_json_only(body, known)) < 0 ||
	    (error = lz_json_str(&status, body, "status", true, LZ_HTTP_ANY_LEN)) < 0 ||
	    (error = lz_json_str(&since, body, "since", false, LZ_HTTP_ANY_LEN)) < 0 ||
	    (error = lz_json_str(&reason, body, "reason", false, LZ_HTTP_ANY_LEN)) < 0 ||
	    (error = lz_beneficiary_set_status(&r->ctx, id, status, since, reason)) < 0 ||
	    (error = lz_beneficiary_get_json(&b, &r->ctx, id)) < 0)
		goto done;
	lz_http__json(out, 200, b);
done:
	json_decref(body);
	return error;
}

int api_beneficiary_erase(lz_reply *out, lz_req *r)
{
	static const char *const known[] = {"reason", NULL};
	const char *reason;
	json_t *body = NULL, *b;
	int64_t id;
	int error;

	if ((error = lz_http__param_id(&id, r, "id")) < 0 || (error = lz_http__body(&body, r)) < 0 ||
	    (error = lz_json_only(body, known)) < 0 ||
	    (error = lz_json_str(&reason, body, "reason", false, LZ_HTTP_ANY_LEN)) < 0 ||
	    (error = lz_beneficiary_erase(&r->ctx, id, reason)) < 0 ||
	    (error = lz_beneficiary_get_json(&b, &r->ctx, id)) < 0)
		goto done;
	lz_http__json(out, 200, b);
done:
	json_decref(body);
	return error;
}

/* ---------------------------------------------------------------- payroll runs */

int api_payroll_list(lz_reply *out, lz_req *r)
{
	json_t *items;
	int64_t bureau_id, programme_id, after, next;
	int limit, error;

	if ((error = lz_http__query_id(&bureau_id, r, "bureau_id")) < 0 ||
	    (error = lz_http__query_id(&programme_id, r, "programme_id")) < 0 ||
	    (error = lz_http__page(&limit, &after, r)) < 0 ||
	    (error = lz_payroll_list(&items, &next, &r->ctx, bureau_id, programme_id, after, limit)) < 0)
		return error;
	lz_http__json(out, 200, lz_http__list(items, next));
	return 0;
}

int api_payroll_create(lz_reply *out, lz_req *r)
{
	static const char *const known[] = {"programme_id", "period_start", "period_end", "allocation_id",
	                                    NULL};
	const char *start, *end;
	json_t *body = NULL, *run;
	int64_t programme_id = 0, allocation_id = 0, id;
	int error;

	if ((error = lz_http__body(&body, r)) < 0 || (error = lz_json_only(body, known)) < 0 ||
	    (error = lz_json_int(&programme_id, NULL, body, "programme_id", true)) < 0 ||
	    (error = lz_json_str(&start, body, "period_start", true, LZ_HTTP_ANY_LEN)) < 0 ||
	    (error = lz_json_str(&end, body, "period_end", true, LZ_HTTP_ANY_LEN)) < 0 ||
	    (error = lz_json_int(&allocation_id, NULL, body, "allocation_id", true)) < 0 ||
	    (error = lz_payroll_prepare(&id, &r->ctx, programme_id, start, end, allocation_id)) < 0 ||
	    (error = lz_payroll_get_json(&run, &r->ctx, id)) < 0)
		goto done;
	out->location = lz_pool_printf(r->ctx.pool, "/api/v1/payroll-runs/%lld", (long long)id);
	lz_http__json(out, 201, run);
done:
	json_decref(body);
	return error;
}

int api_payroll_get(lz_reply *out, lz_req *r)
{
	json_t *run;
	int64_t id;
	int error;

	if ((error = lz_http__param_id(&id, r, "id")) < 0 ||
	    (error = lz_payroll_get_json(&run, &r->ctx, id)) < 0)
		return error;
	lz_http__json(out, 200, run);
	return 0;
}

int api_payroll_lines(lz_reply *out, lz_req *r)
{
	json_t *items;
	int64_t id, after, next;
	int limit, error;

	if ((error = lz_http__param_id(&id, r, "id")) < 0 || (error = lz_http__page(&limit, &after, r)) < 0 ||
	    (error = lz_payroll_lines_json(&items, &next, &r->ctx, id, after, limit)) < 0)
		return error;
	lz_http__json(out, 200, lz_http__list(items, next));
	return 0;
}

int api_payroll_trace(lz_reply *out, lz_req *r)
{
	json_t *t;
	int64_t id;
	int error;

	if ((error = lz_http__param_id(&id, r, "id")) < 0 ||
	    (error = lz_payroll_trace_json(&t, &r->ctx, id)) < 0)
		return error;
	lz_http__json(out, 200, t);
	return 0;
}

int api_payroll_approve(lz_reply *out, lz_req *r)
{
	static const char *const known[] = {NULL};
	json_t *body = NULL, *run;
	int64_t id;
	int error;

	if ((error = lz_http__param_id(&id, r, "id")) < 0 || (error = lz_http__body(&body, r)) < 0 ||
	    (error = lz_json_only(body, known)) < 0 || (error = lz_payroll_approve(&r->ctx, id)) < 0 ||
	    (error = lz_payroll_get_json(&run, &r->ctx, id)) < 0)
		goto done;
	lz_http__json(out, 200, run);
done:
	json_decref(body);
	return error;
}
