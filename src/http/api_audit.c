/*
 * api_audit.c — the audit log:
 *
 *	GET /api/v1/audit-log          ?action=&entity_type=&entity_id=&actor=&from=&to=&limit=&cursor=
 *	GET /api/v1/audit-log/verify   {"ok","count","head"} and, when it fails, "first_bad"
 *
 * Entries come newest first; the cursor is a sequence number.
 */
#include "http/http_int.h"

#include "audit/audit.h"

int api_audit_list(lz_reply *out, lz_req *r)
{
	lz_audit_query q = LZ_AUDIT_QUERY_INIT;
	json_t *items;
	int64_t next;
	int error;

	q.action = lz_http__query(r, "action");
	q.entity_type = lz_http__query(r, "entity_type");
	q.entity_id = lz_http__query(r, "entity_id");
	q.actor = lz_http__query(r, "actor");
	if ((error = lz_http__query_time(&q.from, r, "from")) < 0 ||
	    (error = lz_http__query_time(&q.to, r, "to")) < 0 ||
	    (error = lz_http__page(&q.limit, &q.after_seq, r)) < 0 ||
	    (error = lz_audit_list(&items, &next, &r->ctx, &q)) < 0)
		return error;
	lz_http__json(out, 200, lz_http__list(items, next));
	return 0;
}

int api_audit_verify(lz_reply *out, lz_req *r)
{
	lz_audit_report rep;
	char head[2 * sizeof(rep.head) + 1];
	json_t *body;
	int error;

	if ((error = lz_audit_verify(&rep, &r->ctx)) < 0)
		return error;
	lz_hex(head, rep.head, sizeof(rep.head));
	body = json_pack("{s:b,s:I,s:s}", "ok", rep.ok, "count", (json_int_t)rep.count, "head", head);
	if (!rep.ok)
		json_object_set_new(body, "first_bad",
		                    json_pack("{s:I,s:s,s:s}", "seq", (json_int_t)rep.first_bad_seq,
		                              "problem", lz_audit_problem_name(rep.problem), "message",
		                              rep.message));
	lz_http__json(out, 200, body);
	return 0;
}
