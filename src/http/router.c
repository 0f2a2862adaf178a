/*
 * router.c — the route table (built from routes.def) and the matcher. A pattern is
 * compared with the decoded path byte by byte; "{name}" takes one non-empty path
 * segment. The table is small, so a linear scan is the whole algorithm; the first
 * route whose pattern and method match wins.
 */
#include "http/http_int.h"

#include <stdio.h>
#include <string.h>

static const lz_route routes[] = {
#define ROUTE(method, pattern, handler, flags) {#method, pattern, handler, LZ_ROUTE_##flags},
#include "http/routes.def"
#undef ROUTE
};

#define NROUTES (sizeof(routes) / sizeof(routes[0]))

/*
 * Matches 'path' against 'pattern'. On success returns the number of parameters and
 * fills 'names' and 'values' (slices of the pattern and the path); -1 otherwise.
 */
static int match(lz_str *names, lz_str *values, const char *pattern, const char *path)
{
	const char *p = pattern, *s = path;
	int n = 0;

	while (*p && *s) {
		if (*p == '{') {
			const char *end = strchr(p, '}'), *seg = s;
			while (*s && *s != '/')
				s++;
			if (s == seg || n == LZ_HTTP_MAX_PARAMS)
				return -1;
			names[n] = (lz_str){p + 1, (size_t)(end - p - 1)};
			values[n] = (lz_str){seg, (size_t)(s - seg)};
			n++;
			p = end + 1;
		} else if (*p++ != *s++) {
			return -1;
		}
	}
	return *p || *s ? -1 : n;
}

static bool method_is(const lz_route *rt, const char *method)
{
	return strcmp(rt->method, method) == 0 ||
	       (strcmp(method, "HEAD") == 0 && strcmp(rt->method, "GET") == 0);
}

static void allow_add(char *allow, size_t allow_size, const char *method)
{
	size_t n = strlen(allow);

	if (strstr(allow, method))
		return;
	snprintf(allow + n, allow_size - n, "%s%s", n ? ", " : "", method);
}

int lz_http__route(lz_req *r, const char *method, const char *path, char *allow, size_t allow_size)
{
	lz_str names[LZ_HTTP_MAX_PARAMS], values[LZ_HTTP_MAX_PARAMS];
	bool path_known = false;

	allow[0] = '\0';
	for (size_t i = 0; i < NROUTES; i++) {
		int n = match(names, values, routes[i].pattern, path);
		if (n < 0)
			continue;
		path_known = true;
		if (!method_is(&routes[i], method)) {
			allow_add(allow, allow_size, routes[i].method);
			if (strcmp(routes[i].method, "GET") == 0)
				allow_add(allow, allow_size, "HEAD");
			continue;
		}
		r->route = &routes[i];
		r->nparams = n;
		for (int k = 0; k < n; k++) {
			r->params[k].name = names[k].ptr;
			r->params[k].name_len = names[k].len;
			r->params[k].value = lz_pool_strndup(r->ctx.pool, values[k].ptr, values[k].len);
		}
		return 0;
	}
	if (path_known)
		return lz_error_set(LZ_HTTP_EMETHOD, NULL, "%s is not allowed here; allowed: %s", method,
		                    allow);
	return lz_error_set(LZ_ENOTFOUND, NULL, "no such resource: %.200s", path);
}
