/*
 * request.c — reading a request (route parameters, the query, the body) and shaping
 * a JSON answer, the same way for every handler. Query values are checked once for
 * the whole request (lz_http__check_query) before any handler runs, so handlers take
 * them as valid UTF-8 of bounded length.
 */
#include "http/http_int.h"

#include "base/json.h"
#include "org/org.h"

#include <errno.h>
#include <inttypes.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIMIT_DEFAULT 50
#define LIMIT_MAX 200

const char *lz_http__param(const lz_req *r, const char *name)
{
	size_t n = strlen(name);

	for (int i = 0; i < r->nparams; i++)
		if (r->params[i].name_len == n && memcmp(r->params[i].name, name, n) == 0)
			return r->params[i].value;
	return NULL;
}

/* Parses a positive decimal id with nothing around it. */
static bool parse_id(int64_t *out, const char *s)
{
	char *end;
	long long v;

	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v <= 0)
		return false;
	*out = v;
	return true;
}

int lz_http__param_id(int64_t *out, const lz_req *r, const char *name)
{
	const char *v = lz_http__param(r, name);

	if (!parse_id(out, v))
		return lz_error_set(LZ_ENOTFOUND, NULL, "no such record: %.40s", v ? v : "");
	return 0;
}

const char *lz_http__query(const lz_req *r, const char *name)
{
	const char *v = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);

	return v && *v ? v : NULL;
}

int lz_http__query_id(int64_t *out, const lz_req *r, const char *name)
{
	const char *v = lz_http__query(r, name);

	*out = 0;
	if (v && !parse_id(out, v))
		return lz_error_set(LZ_EINVALID, name, "%s must be a positive integer id", name);
	return 0;
}

int lz_http__query_time(int64_t *out, const lz_req *r, const char *name)
{
	const char *v = lz_http__query(r, name);

	*out = 0;
	if (v && lz_time_parse(out, v) < 0)
		return lz_error_set(LZ_EINVALID, name, "%s must be an RFC 3339 time (2026-01-31T08:00:00Z)",
		                    name);
	return 0;
}

int lz_http__page(int *limit, int64_t *cursor, const lz_req *r)
{
	const char *v = lz_http__query(r, "limit");
	int64_t n = LIMIT_DEFAULT;
	int error;

	if (v && (!parse_id(&n, v) || n > LIMIT_MAX))
		return lz_error_set(LZ_EINVALID, "limit", "limit must be an integer from 1 to %d", LIMIT_MAX);
	if ((error = lz_http__query_id(cursor, r, "cursor")) < 0)
		return error;
	if (!*cursor && (error = lz_http__query_id(cursor, r, "after")) < 0)
		return error;
	*limit = (int)n;
	return 0;
}

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

int lz_http__param_bureau(int64_t *out, lz_req *r, const char *name)
{
	const char *v = lz_http__param(r, name);
	lz_bureau b;
	int64_t id;
	int error;

	*out = 0;
	if (is_code(v))
		error = lz_bureau_by_code(&b, &r->ctx, v);
	else if ((error = lz_http__param_id(&id, r, name)) == 0)
		error = lz_bureau_get(&b, &r->ctx, id);
	if (error == 0)
		*out = b.id;
	return error;
}

int lz_http__body(json_t **out, const lz_req *r)
{
	*out = NULL;
	if (r->body.len == 0)
		return lz_error_set(LZ_EMALFORMED, NULL, "a JSON object is required as the request body");
	return lz_json_parse_object(out, r->body.ptr, r->body.len);
}

/* ---------------------------------------------------------------- the query */

typedef struct {
	int error;
} query_check;

static enum MHD_Result check_value(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_size,
                                   const char *value, size_t value_size)
{
	query_check *qc = cls;

	(void)kind;
	if (!lz_utf8_valid(key, key_size) || (value && !lz_utf8_valid(value, value_size))) {
		qc->error = lz_error_set(LZ_EMALFORMED, NULL, "the query string is not valid UTF-8");
		return MHD_NO;
	}
	if (key_size > LZ_HTTP_QUERY_MAX || value_size > LZ_HTTP_QUERY_MAX) {
		qc->error = lz_error_set(LZ_EINVALID, key_size > 60 ? NULL : key,
		                         "query parameters are limited to %d bytes", LZ_HTTP_QUERY_MAX);
		return MHD_NO;
	}
	return MHD_YES;
}

int lz_http__check_query(lz_req *r)
{
	query_check qc = {0};

	MHD_get_connection_values_n(r->conn, MHD_GET_ARGUMENT_KIND, check_value, &qc);
	return qc.error;
}

/* ---------------------------------------------------------------- answers */

void lz_http__json(lz_reply *out, int status, json_t *body)
{
	out->status = status;
	out->json = body;
}

json_t *lz_http__list(json_t *items, int64_t next)
{
	char cursor[24];

	snprintf(cursor, sizeof(cursor), "%" PRId64, next);
	return json_pack("{s:o,s:o}", "items", items, "next_cursor",
	                 next > 0 ? json_string(cursor) : json_null());
}
