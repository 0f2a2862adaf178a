/*
 * api_meta.c — the API about itself, public and without store access:
 *
 *	GET /api/v1/health         {"status":"ok","version":"…"}, built once at start-up
 *	GET /api/v1/openapi.json   the OpenAPI 3.1 document (src/http/openapi.json, embedded)
 */
#include "http/http_int.h"

#include <string.h>

int api_health(lz_reply *out, lz_req *r)
{
	out->status = 200;
	out->data = r->srv->health;
	out->len = r->srv->health_len;
	out->content_type = "application/json";
	out->cache_control = "no-store";
	return 0;
}

int api_openapi(lz_reply *out, lz_req *r)
{
	(void)r;
	for (int i = 0; i < lz_http_files_count; i++) {
		if (strcmp(lz_http_files[i].path, "openapi.json") != 0)
			continue;
		out->status = 200;
		out->data = lz_http_files[i].data;
		out->len = lz_http_files[i].len;
		out->content_type = "application/json";
		out->cache_control = "no-cache";
		return 0;
	}
	return lz_error_set(LZ_EINTERNAL, NULL, "openapi.json is not embedded in this binary");
}
