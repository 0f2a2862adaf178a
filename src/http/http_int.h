/*
 * http_int.h — what the files of the HTTP shell share: the request and reply of one
 * exchange, the route table, and the helpers handlers use to read a request and
 * shape an answer. Nothing outside src/http/ includes it.
 *
 * A handler is a thin translation: it reads parameters, calls one domain function and
 * puts the result in the reply. It returns 0, or the domain's negative error code
 * unchanged; the shell turns that code into a status and an error body (errors.c).
 *
 *	int api_staff_get(lz_reply *out, lz_req *r)
 *	{
 *		json_t *staff;
 *		int64_t id;
 *		int error;
 *
 *		if ((error = lz_http__param_id(&id, r, "id")) < 0 ||
 *		    (error = lz_staff_get_json(&staff, &r->ctx, id)) < 0)
 *			return error;
 *		lz_http__json(out, 200, staff);
 *		return 0;
 *	}
 */
#ifndef LZ_HTTP_HTTP_INT_H
#define LZ_HTTP_HTTP_INT_H

#include "auth/auth.h"
#include "base/buf.h"
#include "core/ctx.h"
#include "http/http.h"

#include <jansson.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

struct MHD_Connection;
struct MHD_Daemon;

/* Error codes only the HTTP layer produces; errors.c maps them like the domains' codes. */
enum {
	LZ_HTTP_EMETHOD = -100, /* 405 method_not_allowed */
	LZ_HTTP_EMEDIA = -101,  /* 415 unsupported_media_type */
	LZ_HTTP_ECSRF = -102,   /* 403 csrf */
};

typedef enum { LZ_LANG_ZH, LZ_LANG_EN } lz_lang;

/* Route flags (the last column of routes.def). */
#define LZ_ROUTE_PUBLIC 0u  /* no session needed */
#define LZ_ROUTE_SESSION 1u /* a valid session is required; the actor is its user */
#define LZ_ROUTE_RAW 2u     /* the body is raw bytes (a file), not JSON, up to LZ_HTTP_UPLOAD_LIMIT */
#define LZ_ROUTE_UPLOAD (LZ_ROUTE_SESSION | LZ_ROUTE_RAW)
#define LZ_ROUTE_PUBLIC_UPLOAD LZ_ROUTE_RAW /* a file from the public, up to LZ_HTTP_PUBLIC_UPLOAD_LIMIT */

/* The body limit of LZ_ROUTE_RAW routes: the evidence file limit (files.h); the JSON
 * routes keep the server's own (lz_http_opts.body_limit). */
#define LZ_HTTP_UPLOAD_LIMIT (20u * 1024u * 1024u)
#define LZ_HTTP_PUBLIC_UPLOAD_LIMIT (10u * 1024u * 1024u) /* LZ_FILE_APPLICATION_MAX_BYTES */

/* Files embedded at build time by tools/embed.c. */
typedef struct {
	const char *path;
	const unsigned char *data;
	size_t len;
} lz_embedded;

extern const lz_embedded lz_web_files[]; /* the console, from web/dist */
extern const int lz_web_files_count;
extern const lz_embedded lz_http_files[]; /* openapi.json */
extern const int lz_http_files_count;

/* ---------------------------------------------------------------- the exchange */

/*
 * The answer to one request. Exactly one of 'json' (owned by the reply, serialised
 * once when it is sent) or 'data' (borrowed bytes that live as long as the process:
 * embedded files, replies built at start-up) is set, or neither for an empty body.
 */
typedef struct {
	int status;
	json_t *json;
	const void *data;
	size_t len;
	bool data_owned;           /* 'data' was malloc'd for this reply and is freed with it */
	const char *content_type;  /* for 'data'; JSON replies have their own */
	const char *disposition;   /* Content-Disposition, allocated in the request's pool */
	const char *cache_control; /* NULL: "no-store" for JSON, none otherwise */
	const char *allow;         /* the Allow header of a 405 */
	const char *set_cookie;    /* allocated in the request's pool */
	const char *location;      /* of a 201, allocated in the request's pool */
	int retry_after;           /* seconds, for 429; 0 for none */
} lz_reply;

typedef struct lz_server lz_server;
typedef struct lz_route lz_route;

/* For lz_json_str on fields whose length the domain checks (the body limit bounds it here). */
#define LZ_HTTP_ANY_LEN SIZE_MAX

#define LZ_HTTP_MAX_PARAMS 4
#define LZ_HTTP_QUERY_MAX 256 /* bytes in one query value */

typedef struct {
	const char *name; /* points into the route's pattern, after '{' */
	size_t name_len;
	const char *value; /* NUL-terminated, in the request's pool */
} lz_param;

/*
 * One request, from its headers to the completion of its answer. Allocated when
 * libmicrohttpd first calls the handler and freed when it reports the request
 * completed; the context's connection and pool are released as soon as the answer
 * is queued, so a slow client does not hold a store connection.
 */
typedef struct lz_req {
	lz_server *srv;
	struct MHD_Connection *conn;
	lz_ctx ctx;
	bool ctx_live;
	char id[17];                    /* request id, 16 hex characters */
	char address[INET6_ADDRSTRLEN]; /* client address */
	char method[12];
	char log_path[160];      /* the path without query, cut for the log */
	const char *path;        /* libmicrohttpd's decoded path; valid during handler calls */
	const char *http_method; /* libmicrohttpd's; valid during handler calls */
	lz_lang lang;
	uint64_t started_us;

	lz_buf body;
	size_t body_limit; /* of this request's route: the server's, or LZ_HTTP_UPLOAD_LIMIT */
	bool too_big;      /* the body passed the limit: it is discarded */
	bool answered; /* a response is queued */

	const lz_route *route;
	lz_param params[LZ_HTTP_MAX_PARAMS];
	int nparams;

	const char *token;             /* the session token presented, if any */
	bool cookie_session;           /* the token came in the cookie (CSRF applies) */
	char csrf[LZ_TOKEN_CHARS + 1]; /* the session's CSRF token, once resumed */

	int status; /* of the queued answer, for the access log */
	size_t bytes;
	int retry_after; /* seconds, set by a throttled handler: overrides the error table's */
} lz_req;

typedef int (*lz_handler)(lz_reply *out, lz_req *r);

struct lz_route {
	const char *method;
	const char *pattern;
	lz_handler handler;
	unsigned flags;
};

/* ---------------------------------------------------------------- throttle.c */

/*
 * A per-address token bucket table of fixed size (bounded memory, whatever the
 * number of clients): 'rate_per_min' tokens a minute up to 'burst'. Thread-safe.
 */
typedef struct lz_throttle lz_throttle;

/* A table configured from the environment: ENV_PREFIX_PER_MIN and ENV_PREFIX_BURST
 * override the defaults given. Aborts when memory runs out, like lz_xmalloc. */
lz_throttle *lz_throttle_new(const char *name, const char *env_prefix, double per_min, double burst);
void lz_throttle_free(lz_throttle *t);
/* Takes one token for 'address'. 0, or LZ_ETHROTTLED with *retry_after the seconds
 * until a token is back. */
int lz_throttle_take(lz_throttle *t, const char *address, int *retry_after) LZ_MUST_USE;

/* The server of a running lz_http_serve. Read-only once started, but for the counters. */
struct lz_server {
	const lz_app *app;
	lz_http_opts opts;
	struct MHD_Daemon *daemon;
	atomic_int in_flight; /* requests begun and not yet completed */
	atomic_bool stopping; /* a signal came: answers close their connection */
	char *health;         /* the health reply, built once */
	size_t health_len;
	lz_throttle *public_lookup; /* /public/v1 reads: status lookups, published figures */
	lz_throttle *public_submit; /* /public/v1 writes: applications, complaints, assistance */
	lz_throttle *public_upload; /* /public/v1/files: an application's files, up to 20 each */
};

/* The body limit of /public/v1 routes, whatever the server's. */
#define LZ_HTTP_PUBLIC_BODY_LIMIT (16u * 1024u)

/* ---------------------------------------------------------------- handlers (routes.def) */

#define ROUTE(method, pattern, handler, flags) int handler(lz_reply *out, lz_req *r);
#include "http/routes.def"
#undef ROUTE

/* ---------------------------------------------------------------- router.c */

/*
 * Finds the route of 'method' and 'path' and fills r->route and r->params. Returns 0,
 * LZ_ENOTFOUND when no pattern matches the path, or LZ_HTTP_EMETHOD when patterns
 * match but not the method; then 'allow' (of 'allow_size' bytes) lists the methods
 * that would. HEAD is served by GET routes.
 */
int lz_http__route(lz_req *r, const char *method, const char *path, char *allow, size_t allow_size);

/* ---------------------------------------------------------------- errors.c */

/* The language of a request from its Accept-Language header (zh-CN unless it prefers en). */
lz_lang lz_http__lang(const char *accept_language);
/* The q value of one Accept-Language item of 'n' bytes ("en-US;q=0.8" → 0.8), 1 when absent. */
double lz_http__accept_q(const char *item, size_t n);

/*
 * Turns a negative error code into the error reply: status from the table, body
 * {"error":{"code","message","field"}} with the message of this thread's last error
 * in the request's language. 5xx answers carry a generic message with the request
 * id; the real one is logged.
 */
void lz_http__error(lz_reply *out, lz_req *r, int code);

/* ---------------------------------------------------------------- request.c (reading and shaping) */

/* The value of route parameter 'name' ({name} in the pattern), or NULL. */
const char *lz_http__param(const lz_req *r, const char *name);
/* Parameter 'name' as a positive id; a parameter that is not one is LZ_ENOTFOUND. */
int lz_http__param_id(int64_t *out, const lz_req *r, const char *name) LZ_MUST_USE;
/* A query value (validated UTF-8 of at most LZ_HTTP_QUERY_MAX bytes), or NULL. */
const char *lz_http__query(const lz_req *r, const char *name);
/* Parameter 'name' as a bureau in scope: a six-digit division code or an id (LZ_ENOTFOUND otherwise). */
int lz_http__param_bureau(int64_t *out, lz_req *r, const char *name) LZ_MUST_USE;
/* An optional positive id in the query: *out is 0 when absent, LZ_EINVALID naming it when not an id. */
int lz_http__query_id(int64_t *out, const lz_req *r, const char *name) LZ_MUST_USE;
/* An optional RFC 3339 time in the query: *out is 0 when absent. */
int lz_http__query_time(int64_t *out, const lz_req *r, const char *name) LZ_MUST_USE;
/* ?limit= (1..200, default 50) and ?cursor= or ?after= (an id or sequence number, 0 when absent). */
int lz_http__page(int *limit, int64_t *cursor, const lz_req *r) LZ_MUST_USE;
/* The request body as a JSON object (caller owns), LZ_EMALFORMED when it is not one. */
int lz_http__body(json_t **out, const lz_req *r) LZ_MUST_USE;
/* Checks every query value of the request (UTF-8, length); 0 or an error naming it. */
int lz_http__check_query(lz_req *r) LZ_MUST_USE;

/* Sets a JSON reply. Takes ownership of 'body'. */
void lz_http__json(lz_reply *out, int status, json_t *body);
/* {"items": items, "next_cursor": "<next>" | null}. Takes ownership of 'items'. */
json_t *lz_http__list(json_t *items, int64_t next);

/* ---------------------------------------------------------------- json_out.c */

/* Appends the text of 'v' to 'b': exactly json_dumps(v, JSON_COMPACT), faster. */
void lz_http__json_text(lz_buf *b, const json_t *v);

/* ---------------------------------------------------------------- api_session.c */

/*
 * Resumes the session the request presents (Bearer token, else the lz_session
 * cookie), making its user the actor, and checks the CSRF header of cookie sessions
 * on writes. LZ_EAUTH when there is no valid session, LZ_HTTP_ECSRF for a bad token.
 */
int lz_http__session(lz_req *r) LZ_MUST_USE;

/* ---------------------------------------------------------------- static.c */

/* Serves the console: the embedded file at r->path, else index.html; the public
 * portal's paths (/portal, /portal/…) get portal.html (404 when it is not built in). */
int lz_http__static(lz_reply *out, lz_req *r) LZ_MUST_USE;

#endif
