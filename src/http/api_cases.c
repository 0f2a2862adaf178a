/*
 * api_cases.c — service cases for staff (cases.h, complaint.h, assistance.h):
 *
 *	GET   /api/v1/case-types                    ?bureau_id=&active=true
 *	POST  /api/v1/case-types                    {bureau_id, code, names, materials, sla_hours,
 *	                                            clock_kind, approval_levels, pauses_on_applicant, active}
 *	GET   /api/v1/case-types/{id}
 *	PATCH /api/v1/case-types/{id}               only the fields given change (code and bureau never)
 *	GET   /api/v1/bureaus/{id}/calendar         ?from=&to= (YYYY-MM-DD)
 *	PUT   /api/v1/bureaus/{id}/calendar/{date}  {kind: holiday|workday|default, name}
 *	POST  /api/v1/cases                         received at the window, by phone, or as proxy
 *	GET   /api/v1/cases                         ?bureau_id=&state=&type_id=&assignee=&overdue=
 *	                                            &from=&to=&cursor=&limit= : newest first, masked
 *	GET   /api/v1/cases/{id}                    masked, with clock, events and approvals
 *	POST  /api/v1/cases/{id}/accept | start-review | evidence-received | close   {note}
 *	POST  /api/v1/cases/{id}/request-evidence   {note} (required: what is needed)
 *	POST  /api/v1/cases/{id}/assign             {staff_id, note}
 *	POST  /api/v1/cases/{id}/decide             {outcome, reasons}
 *	POST  /api/v1/cases/{id}/approve            {agree (default true), note}
 *	GET   /api/v1/inbox                         ?staff_id=&limit=&cursor=
 *	GET   /api/v1/processing-times              ?bureau_id=&type_id=&from=&to=
 *	GET   /api/v1/processing-times/cases        the same, &figure=&cursor=&limit=
 *	GET   /api/v1/staff/{id}/cases-summary      ?from=&to=
 *	GET   /api/v1/complaints                    ?bureau_id=&state=&category=&cursor=&limit=
 *	POST  /api/v1/complaints                    taken by staff (complaint.h's fields)
 *	GET   /api/v1/complaints/analytics          ?bureau_id=&from=&to=
 *	GET   /api/v1/complaints/{id}
 *	POST  /api/v1/complaints/{id}/assign        {staff_id}
 *	POST  /api/v1/complaints/{id}/reply         {reply}
 *	POST  /api/v1/complaints/{id}/rate          {satisfaction}
 *	GET   /api/v1/assistance                    ?state=&cursor=&limit=
 *	GET   /api/v1/assistance/systemic-issues    ?status=
 *	POST  /api/v1/assistance/systemic-issues/{issue}/handoff  {summary}; the issue's id or cause key
 *	GET   /api/v1/assistance/{id}
 *	POST  /api/v1/assistance/{id}/ask-bureau    {deadline, note}
 *	POST  /api/v1/assistance/{id}/conclude      {outcome, note, cause_key}
 *
 * Every rule (states, clocks, permissions, scope, masking) is the cases module's;
 * a transition answers the case as it now reads.
 */
#include "http/http_int.h"

#include "base/json.h"
#include "cases/assistance.h"
#include "cases/cases.h"
#include "cases/complaint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PERIOD_DEFAULT (365 * 86400) /* statistics without ?from= look back a year */

/* ---------------------------------------------------------------- helpers */

/* ?limit= alone (1..200, default 50), for lists whose cursor is not an id. */
static int query_limit(int *out, const lz_req *r)
{
	const char *v = lz_http__query(r, "limit");
	char *end;
	long n;

	*out = 50;
	if (!v)
		return 0;
	n = strtol(v, &end, 10);
	if (*end || n < 1 || n > 200)
		return lz_error_set(LZ_EINVALID, "limit", "limit must be an integer from 1 to 200");
	*out = (int)n;
	return 0;
}

/* A body's optional bureau_id (a positive integer), 0 when absent. */
static int body_bureau(int64_t *out, json_t *body)
{
	bool present = false;
	int error;

	*out = 0;
	if ((error = lz_json_int(out, &present, body, "bureau_id", false)) < 0)
		return error;
	if (present && *out <= 0)
		return lz_error_set(LZ_EINVALID, "bureau_id", "bureau_id must be a positive integer id");
	return 0;
}

/* ?from=&to= as a period; from defaults to a year before 'to', to to now. */
static int query_period(int64_t *from, int64_t *to, lz_req *r)
{
	int error;

	if ((error = lz_http__query_time(from, r, "from")) < 0 ||
	    (error = lz_http__query_time(to, r, "to")) < 0)
		return error;
	if (!*to)
		*to = lz_ctx_now(&r->ctx) + 1;
	if (!*from)
		*from = *to - PERIOD_DEFAULT;
	if (*from >= *to)
		return lz_error_set(LZ_EINVALID, "from", "from must be before to");
	return 0;
}

/* Answers the case 'id' as it reads now. */
static int answer_case(lz_reply *out, lz_req *r, int64_t id, int status)
{
	json_t *c;
	int error;

	if ((error = lz_case_get_json(&c, &r->ctx, id)) < 0)
		return error;
	lz_http__json(out, status, c);
	return 0;
}

/* ---------------------------------------------------------------- case types */

int api_case_type_list(lz_reply *out, lz_req *r)
{
	const char *active = lz_http__query(r, "active");
	int64_t bureau_id;
	json_t *items;
	int error;

	if ((error = lz_http__query_id(&bureau_id, r, "bureau_id")) < 0)
		return error;
	if (!bureau_id)
		bureau_id = r->ctx.actor.bureau_id;
	if (active && strcmp(active, "true") != 0 && strcmp(active, "false") != 0)
		return lz_error_set(LZ_EINVALID, "active", "active must be true or false");
	if ((error = lz_case_type_list(&items, &r->ctx, bureau_id, active && strcmp(active, "true") == 0)) <
	    0)
		return error;
	lz_http__json(out, 200, lz_http__list(items, 0));
	return 0;
}

int api_case_type_create(lz_reply *out, lz_req *r)
{
	lz_case_type_input in;
	json_t *body = NULL, *type;
	int64_t id;
	int error;

	if ((error = lz_http__body(&body, r)) < 0 || (error = lz_case_type_input_from_json(&in, body)) < 0 ||
	    (error = body_bureau(&in.bureau_id, body)) < 0)
		goto done;
	if (!in.bureau_id)
		in.bureau_id = r->ctx.actor.bureau_id;
	if ((error = lz_case_type_create(&id, &r->ctx, &in)) < 0 ||
	    (error = lz_case_type_get_json(&type, &r->ctx, id)) < 0)
		goto done;
	out->location = lz_pool_printf(r->ctx.pool, "/api/v1/case-types/%lld", (long long)id);
	lz_http__json(out, 201, type);
done:
	json_decref(body);
	return error;
}

int api_case_type_get(lz_reply *out, lz_req *r)
{
	json_t *type;
	int64_t id;
	int error;

	if ((error = lz_http__param_id(&id, r, "id")) < 0 ||
	    (error = lz_case_type_get_json(&type, &r->ctx, id)) < 0)
		return error;
	lz_http__json(out, 200, type);
	return 0;
}

/*
 * The type as it is, with the body's fields laid over it: the module's update
 * replaces every field, a PATCH changes only those given. code and bureau_id are
 * fixed; sending them is refused by the module only when they differ.
 */
int api_case_type_update(lz_reply *out, lz_req *r)
{
	static const char *const derived[] = {"id", "path", NULL};
	lz_case_type_input in;
	json_t *body = NULL, *merged = NULL, *type;
	int64_t id;
	int error;

	if ((error = lz_http__param_id(&id, r, "id")) < 0 || (error = lz_http__body(&body, r)) < 0 ||
	    (error = lz_case_type_get_json(&merged, &r->ctx, id)) < 0)
		goto done;
	for (int i = 0; derived[i]; i++)
		json_object_del(merged, derived[i]);
	for (const char *k = "code"; k; k = strcmp(k, "code") == 0 ? "bureau_id" : NULL)
		if (json_object_get(body, k) &&
		    !json_equal(json_object_get(body, k), json_object_get(merged, k))) {
			error = lz_error_set(LZ_EINVALID, k, "%s cannot be changed", k);
			goto done;
		}
	/* Unknown keys in the body are refused by the module's reader after the merge. */
	json_object_update(merged, body);
	if ((error = lz_case_type_input_from_json(&in, merged)) < 0 ||
	    (error = lz_case_type_update(&r->ctx, id, &in)) < 0 ||
	    (error = lz_case_type_get_json(&type, &r->ctx, id)) < 0)
		goto done;
	lz_http__json(out, 200, type);
done:
	json_decref(merged);
	json_decref(body);
	return error;
}

/* ---------------------------------------------------------------- calendar */

int api_calendar_list(lz_reply *out, lz_req *r)
{
	json_t *items;
	int64_t bureau_id;
	int error;

	if ((error = lz_http__param_bureau(&bureau_id, r, "id")) < 0 ||
	    (error = lz_calendar_list(&items, &r->ctx, bureau_id, lz_http__query(r, "from"),
	                              lz_http__query(r, "to"))) < 0)
		return error;
	lz_http__json(out, 200, lz_http__list(items, 0));
	return 0;
}

int api_calendar_set(lz_reply *out, lz_req *r)
{
	static const char *const known[] = {"kind", "name", NULL};
	const char *kind, *name, *date = lz_http__param(r, "date");
	json_t *body = NULL;
	int64_t bureau_id, moved = 0;
	int error;

	if ((error = lz_http__param_bureau(&bureau_id, r, "id")) < 0 ||
	    (error = lz_http__body(&body, r)) < 0 || (error = lz_json_only(body, known)) < 0 ||
	    (error = lz_json_str(&kind, body, "kind", true, 16)) < 0 ||
	    (error = lz_json_str(&name, body, "name", false, LZ_HTTP_ANY_LEN)) < 0 ||
	    (error = lz_calendar_set_day(&r->ctx, bureau_id, date, kind, name, &moved)) < 0)
		goto done;
	lz_http__json(out, 200,
	              json_pack("{s:I,s:s,s:s,s:o,s:I}", "bureau_id", (json_int_t)bureau_id, "date", date, "kind",
	                        kind, "name", lz_json_str_or_null(name), "open_cases_moved", (json_int_t)moved));
done:
	json_decref(body);
	return error;
}

/* ---------------------------------------------------------------- cases */

int api_case_create(lz_reply *out, lz_req *r)
{
	lz_case_input in;
	lz_case_receipt rc;
	json_t *body = NULL, *c;
	int error;

	if ((error = lz_http__body(&body, r)) < 0 || (error = lz_case_input_from_json(&in, body)) < 0 ||
	    (error = lz_case_receive(&rc, &r->ctx, &in)) < 0 ||
	    (error = lz_case_get_json(&c, &r->ctx, rc.id)) < 0)
		goto done;
	/* The check code is shown this once, to be handed to the applicant. */
	json_object_set_new(c, "check_code", json_string(rc.check_code));
	out->location = lz_pool_printf(r->ctx.pool, "/api/v1/cases/%lld", (long long)rc.id);
	lz_http__json(out, 201, c);
done:
	json_decref(body);
	return error;
}

int api_case_get(lz_reply *out, lz_req *r)
{
	int64_t id;
	int error;

	if ((error = lz_http__param_id(&id, r, "id")) < 0)
		return error;
	return answer_case(out, r, id, 200);
}

/* The transitions that take only a note, as a table. */
typedef int (*note_action)(lz_ctx *, int64_t, const char *);

static int run_note_action(lz_reply *out, lz_req *r, note_action act)
{
	static const char *const known[] = {"note", NULL};
	json_t *body = NULL;
	const char *note = NULL;
	int64_t id;
	int error;

	if ((error = lz_http__param_id(&id, r, "id")) < 0)
		return error;
	if (r->body.len &&
	    ((error = lz_http__body(&body, r)) < 0 || (error = lz_json_only(body, known)) < 0 ||
	     (error = lz_json_str(&note, body, "note", false, LZ_HTTP_ANY_LEN)) < 0))
		goto done;
	if ((error = act(&r->ctx, id, note)) < 0)
		goto done;
	error = answer_case(out, r, id, 200);
done:
	json_decref(body);
	return error;
}

int api_case_accept(lz_reply *out, lz_req *r)
{
	return run_note_action(out, r, lz_case_accept);
}

int api_case_start_review(lz_reply *out, lz_req *r)
{
	return run_note_action(out, r, lz_case_start_review);
}

int api_case_request_evidence(lz_reply *out, lz_req *r)
{
	return run_note_action(out, r, lz_case_request_evidence);
}

int api_case_evidence_received(lz_reply *out, lz_req *r)
{
	return run_note_action(out, r, lz_case_evidence_received);
}

int api_case_close(lz_reply *out, lz_req *r)
{
	return run_note_action(out, r, lz_case_close);
}

int api_case_assign(lz_reply *out, lz_req *r)
{
	static const char *const known[] = {"staff_id", "note", NULL};
	json_t *body = NULL;
	const char *note;
	int64_t id, staff_id;
	int error;

	if ((error = lz_http__param_id(&id, r, "id")) < 0 || (error = lz_http__body(&body, r)) < 0 ||
	    (error = lz_json_only(body, known)) < 0 ||
	    (error = lz_json_int(&staff_id, NULL, body, "staff_id", true)) < 0 ||
	    (error = lz_json_str(&note, body, "note", false, LZ_HTTP_ANY_LEN)) < 0 ||
	    (error = lz_case_assign(&r->ctx, id, staff_id, note)) < 0)
		goto done;
	error = answer_case(out, r, id, 200);
done:
	json_decref(body);
	return error;
}

int api_case_decide(lz_reply *out, lz_req *r)
{
	static const char *const known[] = {"outcome", "reasons", NULL};
	json_t *body = NULL;
	const char *outcome, *reasons;
	int64_t id;
	int error;

	if ((error = lz_http__param_id(&id, r, "id")) < 0 || (error = lz_http__body(&body, r)) < 0 ||
	    (error = lz_json_only(body, known)) < 0 ||
	    (error = lz_json_str(&outcome, body, "outcome", true, 16)) < 0 ||
	    (error = lz_json_str(&reasons, body, "reasons", false, LZ_HTTP_ANY_LEN)) < 0 ||
	    (error = lz_case_decide(&r->ctx, id, outcome, reasons)) < 0)
		goto done;
	error = answer_case(out, r, id, 200);
done:
	json_decref(body);
	return error;
}

int api_case_approve(lz_reply *out, lz_req *r)
{
	static const char *const known[] = {"agree", "note", NULL};
	json_t *body = NULL, *agree;
	const char *note = NULL;
	int64_t id;
	int error;

	if ((error = lz_http__param_id(&id, r, "id")) < 0)
		return error;
	if ((error = lz_http__body(&body, r)) < 0 || (error = lz_json_only(body, known)) < 0 ||
	    (error = lz_json_str(&note, body, "note", false, LZ_HTTP_ANY_LEN)) < 0)
		goto done;
	agree = json_object_get(body, "agree");
	if (agree && !json_is_null(agree) && !json_is_boolean(agree)) {
		error = lz_error_set(LZ_EINVALID, "agree", "agree must be true or false");
		goto done;
	}
	if ((error = lz_case_approve(&r->ctx, id, !agree || !json_is_false(agree), note)) < 0)
		goto done;
	error = answer_case(out, r, id, 200);
done:
	json_decref(body);
	return error;
}

/* ---------------------------------------------------------------- inbox, figures, staff page */

int api_inbox(lz_reply *out, lz_req *r)
{
	lz_case_inbox_query q = LZ_CASE_INBOX_QUERY_INIT;
	const char *cursor = lz_http__query(r, "cursor");
	json_t *page;
	int error;

	if ((error = lz_http__query_id(&q.staff_id, r, "staff_id")) < 0 ||
	    (error = query_limit(&q.limit, r)) < 0 ||
	    (cursor && (error = lz_case_inbox_cursor(&q, cursor)) < 0) ||
	    (error = lz_case_inbox(&page, &r->ctx, &q)) < 0)
		return error;
	lz_http__json(out, 200, page);
	return 0;
}

int api_case_list(lz_reply *out, lz_req *r)
{
	lz_case_query q = LZ_CASE_QUERY_INIT;
	const char *cursor = lz_http__query(r, "cursor"), *overdue = lz_http__query(r, "overdue");
	json_t *page;
	int error;

	if (overdue && strcmp(overdue, "true") != 0 && strcmp(overdue, "false") != 0)
		return lz_error_set(LZ_EINVALID, "overdue", "overdue must be true or false");
	if (overdue)
		q.overdue = strcmp(overdue, "true") == 0;
	q.state = lz_http__query(r, "state");
	if ((error = lz_http__query_id(&q.bureau_id, r, "bureau_id")) < 0 ||
	    (error = lz_http__query_id(&q.type_id, r, "type_id")) < 0 ||
	    (error = lz_http__query_id(&q.assignee_staff_id, r, "assignee")) < 0 ||
	    (error = lz_http__query_time(&q.from, r, "from")) < 0 ||
	    (error = lz_http__query_time(&q.to, r, "to")) < 0 || (error = query_limit(&q.limit, r)) < 0 ||
	    (cursor && (error = lz_case_list_cursor(&q, cursor)) < 0) ||
	    (error = lz_case_list(&page, &r->ctx, &q)) < 0)
		return error;
	lz_http__json(out, 200, page);
	return 0;
}

static int stats_query(lz_case_stats_query *q, lz_req *r)
{
	int error;

	memset(q, 0, sizeof(*q));
	if ((error = lz_http__query_id(&q->bureau_id, r, "bureau_id")) < 0 ||
	    (error = lz_http__query_id(&q->type_id, r, "type_id")) < 0 ||
	    (error = query_period(&q->from, &q->to, r)) < 0)
		return error;
	return 0;
}

int api_processing_times(lz_reply *out, lz_req *r)
{
	lz_case_stats_query q;
	json_t *stats;
	int error;

	if ((error = stats_query(&q, r)) < 0 || (error = lz_case_stats(&stats, &r->ctx, &q)) < 0)
		return error;
	lz_http__json(out, 200, stats);
	return 0;
}

int api_processing_times_cases(lz_reply *out, lz_req *r)
{
	lz_case_stats_query q;
	const char *figure = lz_http__query(r, "figure");
	json_t *page;
	int64_t after;
	int limit, error;

	if (!figure)
		return lz_error_set(LZ_EINVALID, "figure", "figure is required");
	if ((error = stats_query(&q, r)) < 0 || (error = lz_http__page(&limit, &after, r)) < 0 ||
	    (error = lz_case_stats_cases(&page, &r->ctx, &q, figure, after, limit)) < 0)
		return error;
	lz_http__json(out, 200, page);
	return 0;
}

int api_staff_cases_summary(lz_reply *out, lz_req *r)
{
	json_t *page;
	int64_t id, from, to;
	int error;

	if ((error = lz_http__param_id(&id, r, "id")) < 0 || (error = query_period(&from, &to, r)) < 0 ||
	    (error = lz_case_staff_page(&page, &r->ctx, id, from, to)) < 0)
		return error;
	lz_http__json(out, 200, page);
	return 0;
}

/* ---------------------------------------------------------------- complaints */

int api_complaint_list(lz_reply *out, lz_req *r)
{
	lz_complaint_query q = LZ_COMPLAINT_QUERY_INIT;
	json_t *page;
	int error;

	q.state = lz_http__query(r, "state");
	q.category = lz_http__query(r, "category");
	q.cursor = lz_http__query(r, "cursor");
	if ((error = lz_http__query_id(&q.bureau_id, r, "bureau_id")) < 0 ||
	    (error = query_limit(&q.limit, r)) < 0 || (error = lz_complaint_list(&page, &r->ctx, &q)) < 0)
		return error;
	lz_http__json(out, 200, page);
	return 0;
}

int api_complaint_create(lz_reply *out, lz_req *r)
{
	lz_complaint_input in;
	lz_complaint_receipt rc;
	json_t *body = NULL;
	int error;

	/* The receipt only: a clerk who takes a complaint may not read complaints back. */
	if ((error = lz_http__body(&body, r)) < 0 || (error = lz_complaint_input_from_json(&in, body)) < 0 ||
	    (error = lz_complaint_file(&rc, &r->ctx, &in)) < 0)
		goto done;
	out->location = lz_pool_printf(r->ctx.pool, "/api/v1/complaints/%lld", (long long)rc.id);
	lz_http__json(out, 201,
	              json_pack("{s:I,s:o,s:o}", "id", (json_int_t)rc.id, "due_at", lz_json_time(rc.due_at),
	                        "repeat_of", rc.repeat_of ? json_integer(rc.repeat_of) : json_null()));
done:
	json_decref(body);
	return error;
}

int api_complaint_get(lz_reply *out, lz_req *r)
{
	json_t *c;
	int64_t id;
	int error;

	if ((error = lz_http__param_id(&id, r, "id")) < 0 ||
	    (error = lz_complaint_get_json(&c, &r->ctx, id)) < 0)
		return error;
	lz_http__json(out, 200, c);
	return 0;
}

/* The complaint actions: one body field each, then the complaint as it now reads. */
static int complaint_action(lz_reply *out, lz_req *r, const char *field)
{
	const char *const known[] = {field, NULL};
	json_t *body = NULL, *c;
	const char *text;
	int64_t id, n;
	int error;

	if ((error = lz_http__param_id(&id, r, "id")) < 0 || (error = lz_http__body(&body, r)) < 0 ||
	    (error = lz_json_only(body, known)) < 0)
		goto done;
	if (strcmp(field, "reply") == 0) {
		if ((error = lz_json_str(&text, body, field, true, LZ_HTTP_ANY_LEN)) == 0)
			error = lz_complaint_reply(&r->ctx, id, text);
	} else if ((error = lz_json_int(&n, NULL, body, field, true)) == 0) {
		if (strcmp(field, "staff_id") == 0)
			error = lz_complaint_assign(&r->ctx, id, n);
		else if (n < 1 || n > 5) /* before the cast to int; the module checks the range too */
			error = lz_error_set(LZ_EINVALID, field, "%s must be from 1 to 5", field);
		else
			error = lz_complaint_rate(&r->ctx, id, (int)n);
	}
	if (error < 0 || (error = lz_complaint_get_json(&c, &r->ctx, id)) < 0)
		goto done;
	lz_http__json(out, 200, c);
done:
	json_decref(body);
	return error;
}

int api_complaint_assign(lz_reply *out, lz_req *r)
{
	return complaint_action(out, r, "staff_id");
}

int api_complaint_reply(lz_reply *out, lz_req *r)
{
	return complaint_action(out, r, "reply");
}

int api_complaint_rate(lz_reply *out, lz_req *r)
{
	return complaint_action(out, r, "satisfaction");
}

int api_complaint_analytics(lz_reply *out, lz_req *r)
{
	json_t *a;
	int64_t bureau_id, from, to;
	int error;

	if ((error = lz_http__query_id(&bureau_id, r, "bureau_id")) < 0 ||
	    (error = query_period(&from, &to, r)) < 0 ||
	    (error = lz_complaint_analytics(&a, &r->ctx, bureau_id, from, to)) < 0)
		return error;
	lz_http__json(out, 200, a);
	return 0;
}

/* ---------------------------------------------------------------- assistance */

int api_assistance_list(lz_reply *out, lz_req *r)
{
	json_t *page;
	int limit, error;

	if ((error = query_limit(&limit, r)) < 0 ||
	    (error = lz_assistance_list(&page, &r->ctx, lz_http__query(r, "state"), lz_http__query(r, "cursor"),
	                                limit)) < 0)
		return error;
	lz_http__json(out, 200, page);
	return 0;
}

int api_assistance_get(lz_reply *out, lz_req *r)
{
	json_t *a;
	int64_t id;
	int error;

	if ((error = lz_http__param_id(&id, r, "id")) < 0 ||
	    (error = lz_assistance_get_json(&a, &r->ctx, id)) < 0)
		return error;
	lz_http__json(out, 200, a);
	return 0;
}

int api_assistance_ask_bureau(lz_reply *out, lz_req *r)
{
	static const char *const known[] = {"deadline", "note", NULL};
	json_t *body = NULL, *a;
	const char *deadline_text, *note;
	int64_t id, deadline;
	int error;

	if ((error = lz_http__param_id(&id, r, "id")) < 0 || (error = lz_http__body(&body, r)) < 0 ||
	    (error = lz_json_only(body, known)) < 0 ||
	    (error = lz_json_str(&deadline_text, body, "deadline", true, 40)) < 0 ||
	    (error = lz_json_str(&note, body, "note", false, LZ_HTTP_ANY_LEN)) < 0)
		goto done;
	if (lz_time_parse(&deadline, deadline_text) < 0) {
		error = lz_error_set(LZ_EINVALID, "deadline", "deadline must be an RFC 3339 time");
		goto done;
	}
	if ((error = lz_assistance_ask_bureau(&r->ctx, id, note, deadline)) < 0 ||
	    (error = lz_assistance_get_json(&a, &r->ctx, id)) < 0)
		goto done;
	lz_http__json(out, 200, a);
done:
	json_decref(body);
	return error;
}

int api_assistance_conclude(lz_reply *out, lz_req *r)
{
	static const char *const known[] = {"outcome", "note", "cause_key", NULL};
	json_t *body = NULL, *a;
	const char *outcome, *note, *cause;
	int64_t id;
	int error;

	if ((error = lz_http__param_id(&id, r, "id")) < 0 || (error = lz_http__body(&body, r)) < 0 ||
	    (error = lz_json_only(body, known)) < 0 ||
	    (error = lz_json_str(&outcome, body, "outcome", true, 16)) < 0 ||
	    (error = lz_json_str(&note, body, "note", false, LZ_HTTP_ANY_LEN)) < 0 ||
	    (error = lz_json_str(&cause, body, "cause_key", false, 64)) < 0 ||
	    (error = lz_assistance_conclude(&r->ctx, id, outcome, note, cause)) < 0 ||
	    (error = lz_assistance_get_json(&a, &r->ctx, id)) < 0)
		goto done;
	lz_http__json(out, 200, a);
done:
	json_decref(body);
	return error;
}

int api_systemic_issue_list(lz_reply *out, lz_req *r)
{
	json_t *items;
	int error;

	if ((error = lz_assistance_systemic_issues(&items, &r->ctx, lz_http__query(r, "status"))) < 0)
		return error;
	lz_http__json(out, 200, json_is_array(items) ? lz_http__list(items, 0) : items);
	return 0;
}

/*
 * The issue named by the path: its id, or its cause key when exactly one open issue
 * in scope has that cause (the same cause in two bureaus needs the id: 409).
 */
static int issue_param(int64_t *out, lz_req *r)
{
	const char *v = lz_http__param(r, "issue");
	json_t *open = NULL, *item;
	size_t i, found = 0;
	int error;

	*out = 0;
	if (v && *v >= '0' && *v <= '9')
		return lz_http__param_id(out, r, "issue");
	if ((error = lz_assistance_systemic_issues(&open, &r->ctx, "open")) < 0)
		return error;
	json_array_foreach(open, i, item)
	{
		const char *cause = json_string_value(json_object_get(item, "cause_key"));
		if (cause && v && strcmp(cause, v) == 0) {
			*out = json_integer_value(json_object_get(item, "id"));
			found++;
		}
	}
	json_decref(open);
	if (found == 0)
		return lz_error_set(LZ_ENOTFOUND, NULL, "no open systemic issue has the cause %.64s",
		                    v ? v : "");
	if (found > 1)
		return lz_error_set(LZ_ECONFLICT, NULL,
		                    "%zu bureaus have an open issue with this cause: hand one over by its id",
		                    found);
	return 0;
}

int api_systemic_issue_handoff(lz_reply *out, lz_req *r)
{
	static const char *const known[] = {"summary", NULL};
	json_t *body = NULL;
	const char *summary;
	int64_t id, handoff = 0;
	int error;

	if ((error = issue_param(&id, r)) < 0 || (error = lz_http__body(&body, r)) < 0 ||
	    (error = lz_json_only(body, known)) < 0 ||
	    (error = lz_json_str(&summary, body, "summary", false, LZ_HTTP_ANY_LEN)) < 0 ||
	    (error = lz_assistance_handoff(&handoff, &r->ctx, id, summary)) < 0)
		goto done;
	lz_http__json(out, 201,
	              json_pack("{s:I,s:I,s:s}", "issue_id", (json_int_t)id, "handoff_id",
	                        (json_int_t)handoff, "status", "handed_to_supervision"));
done:
	json_decref(body);
	return error;
}
