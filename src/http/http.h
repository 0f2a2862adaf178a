/*
 * http.h — the HTTP shell: a libmicrohttpd server that translates requests into calls
 * of the domain modules and their results into JSON answers. It holds no business
 * rule: permissions, scope and validation are the domains' (DESIGN.md, "HTTP API
 * conventions"). The routes are the table in routes.def; the OpenAPI document that
 * describes them is openapi.json, served at /api/v1/openapi.json.
 */
#ifndef LZ_HTTP_HTTP_H
#define LZ_HTTP_HTTP_H

#include "core/ctx.h"

#include <stddef.h>

typedef struct {
	const char *listen;    /* "127.0.0.1:8080" or "[::1]:8080" */
	int threads;           /* the libmicrohttpd thread pool size, default 2 */
	size_t body_limit;     /* largest request body in bytes, default 1 MiB */
	int shutdown_grace_ms; /* how long requests in flight may take to finish on a signal */
} lz_http_opts;

#define LZ_HTTP_OPTS_INIT                                                                                    \
	{                                                                                                    \
		"127.0.0.1:8080", 2, 1 << 20, 10000                                                          \
	}

/*
 * Serves 'app' until SIGTERM or SIGINT. On the signal the server stops accepting
 * connections, lets the requests in flight finish (up to opts->shutdown_grace_ms),
 * then stops. The store of 'app' should have a pool of at least opts->threads + 2
 * connections. Returns 0, or a negative code: LZ_EIO when the address cannot be
 * bound (the message names the address), LZ_EINVALID for a malformed 'listen'.
 */
int lz_http_serve(const lz_app *app, const lz_http_opts *opts) LZ_MUST_USE;

#endif
