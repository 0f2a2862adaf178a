/*
 * server.c — the libmicrohttpd daemon and the life of one request.
 *
 * libmicrohttpd calls on_request several times per request: once when the headers
 * are in (we set up the request: id, context, language), once per piece of body (we
 * keep it, up to the body limit), and once more when the request is complete (we
 * route it, run its handler and queue the answer). Answering on that last call, never
 * on the first, is what keeps keep-alive connections alive. on_completed then logs
 * the request and frees it.
 *
 * A body over the limit is never kept: its bytes are counted and dropped. When the
 * Content-Length already says it is too big, the 413 goes out on the first call if
 * the client waits for it (Expect: 100-continue) or if the body would be absurd to
 * read through (DRAIN_FACTOR times the limit); libmicrohttpd then closes the
 * connection. Otherwise the body is read through and dropped, and the 413 answered at
 * its end: a client still writing to a connection closed under it often sees only
 * the reset and never the answer.
 *
 * Invariants kept here:
 * - Every answer carries X-Request-Id and the security headers, whatever its status.
 * - A request's store connection is given back as soon as its answer is queued.
 * - No more than opts.body_limit bytes of a body are ever held in memory, or
 *   LZ_HTTP_UPLOAD_LIMIT for a route that takes a file (LZ_ROUTE_RAW) from a client
 *   that presents credentials (the session itself is checked once the body is in).
 * - On SIGTERM or SIGINT the listening socket is closed to new connections, the
 *   requests in flight finish (within the grace time), then the daemon stops.
 */
#include "http/http_int.h"

#include "base/log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CONNECTION_MEMORY (16 * 1024) /* per connection: request headers and I/O buffers */
#define CONNECTION_TIMEOUT 30         /* seconds of silence before an idle connection is closed */
#define LISTEN_BACKLOG 1024
#define DRAIN_FACTOR 8        /* bodies declared up to 8 times the limit are read through, then refused */
#define REPLY_SIZE_GUESS 4096 /* a JSON reply's first buffer; lists grow it a few times */

/* Sent with every answer. The policy suits the console as Vite builds it. */
static const struct {
	const char *name;
	const char *value;
} security_headers[] = {
    {"X-Content-Type-Options", "nosniff"},
    {"Referrer-Policy", "same-origin"},
    {"X-Frame-Options", "DENY"},
    {"Content-Security-Policy",
     "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'"},
};

#define JSON_TYPE "application/json; charset=utf-8"

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* ---------------------------------------------------------------- a request begins */

/* Copies 'src' for the log, cut to size, with control characters made harmless. */
static void log_copy(char *dst, size_t size, const char *src)
{
	size_t i = 0;

	for (; src[i] && i + 1 < size; i++)
		dst[i] = (unsigned char)src[i] < 0x20 || src[i] == 0x7f ? '?' : src[i];
	dst[i] = '\0';
}

/* True for 127.0.0.0/8 and ::1: a proxy on the same machine. */
static bool is_loopback(const struct sockaddr *sa)
{
	static const struct in6_addr v6_loopback = IN6ADDR_LOOPBACK_INIT;

	if (sa->sa_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
	return sa->sa_family == AF_INET6 &&
	       memcmp(&((const struct sockaddr_in6 *)sa)->sin6_addr, &v6_loopback, sizeof(v6_loopback)) == 0;
}

/*
 * The client's address, for throttling and the audit log. Behind the reverse proxy
 * of a deployment every connection comes from loopback, so there (and only there)
 * the proxy's X-Real-IP names the client, when it holds an address.
 */
static void client_address(char out[INET6_ADDRSTRLEN], struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *info =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = info ? info->client_addr : NULL;
	const char *real;
	struct in6_addr addr;

	snprintf(out, INET6_ADDRSTRLEN, "unknown");
	if (!sa)
		return;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, INET6_ADDRSTRLEN);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out, INET6_ADDRSTRLEN);
	if (is_loopback(sa) && (real = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Real-IP"))) {
		if (inet_pton(AF_INET, real, &addr) == 1)
			inet_ntop(AF_INET, &addr, out, INET6_ADDRSTRLEN);
		else if (inet_pton(AF_INET6, real, &addr) == 1)
			inet_ntop(AF_INET6, &addr, out, INET6_ADDRSTRLEN);
	}
}

static lz_req *req_begin(lz_server *srv, struct MHD_Connection *conn, const char *url, const char *method)
{
	lz_req *r = lz_xcalloc(1, sizeof(*r));
	uint8_t raw[8];

	atomic_fetch_add(&srv->in_flight, 1);
	r->srv = srv;
	r->conn = conn;
	r->started_us = now_us();
	lz_random_fill(srv->app->random, raw, sizeof(raw));
	lz_hex(r->id, raw, sizeof(raw));
	client_address(r->address, conn);
	log_copy(r->method, sizeof(r->method), method);
	log_copy(r->log_path, sizeof(r->log_path), url);
	lz_ctx_init(&r->ctx, srv->app, "http", r->id);
	r->ctx.address = r->address;
	r->ctx_live = true;
	r->lang = lz_http__lang(
	    MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_LANGUAGE));
	return r;
}

/* Gives back the store connection and the pool. */
static void req_release(lz_req *r)
{
	if (r->ctx_live)
		lz_ctx_done(&r->ctx);
	r->ctx_live = false;
	lz_buf_dispose(&r->body);
}

/* ---------------------------------------------------------------- answering */

static void add_header(struct MHD_Response *resp, const char *name, const char *value)
{
	if (value)
		MHD_add_response_header(resp, name, value);
}

/* Queues the reply 'rep' (consuming its JSON) and releases the request's context. */
static enum MHD_Result answer(lz_req *r, lz_reply *rep)
{
	struct MHD_Response *resp;
	enum MHD_Result queued;
	lz_buf out = LZ_BUF_INIT;
	char *text = NULL, retry[16];
	size_t len = 0;

	if (rep->json) {
		lz_buf_grow(&out, REPLY_SIZE_GUESS);
		lz_http__json_text(&out, rep->json);
		json_decref(rep->json);
		rep->json = NULL;
		len = out.len;
		text = lz_buf_detach(&out);
		resp = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
		add_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, JSON_TYPE);
		add_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
		           rep->cache_control ? rep->cache_control : "no-store");
	} else {
		len = rep->len;
		resp = MHD_create_response_from_buffer(
		    len, (void *)rep->data, rep->data_owned ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
		rep->data = NULL; /* an owned buffer is libmicrohttpd's now */
		add_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, rep->content_type);
		add_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, rep->cache_control);
		add_header(resp, MHD_HTTP_HEADER_CONTENT_DISPOSITION, rep->disposition);
	}
	add_header(resp, "X-Request-Id", r->id);
	for (size_t i = 0; i < sizeof(security_headers) / sizeof(security_headers[0]); i++)
		add_header(resp, security_headers[i].name, security_headers[i].value);
	add_header(resp, MHD_HTTP_HEADER_ALLOW, rep->allow);
	add_header(resp, MHD_HTTP_HEADER_SET_COOKIE, rep->set_cookie);
	add_header(resp, MHD_HTTP_HEADER_LOCATION, rep->location);
	if (rep->retry_after > 0) {
		snprintf(retry, sizeof(retry), "%d", rep->retry_after);
		add_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, retry);
	}
	if (atomic_load_explicit(&r->srv->stopping, memory_order_relaxed))
		add_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");

	r->status = rep->status;
	r->bytes = len;
	queued = MHD_queue_response(r->conn, (unsigned int)rep->status, resp);
	MHD_destroy_response(resp);
	r->answered = queued == MHD_YES;
	req_release(r);
	return queued;
}

/* ---------------------------------------------------------------- dispatch */

/* True when the Content-Type header names JSON (parameters such as charset allowed). */
static bool is_json(const char *type)
{
	static const char json[] = "application/json";

	if (!type)
		return false;
	while (*type == ' ')
		type++;
	return strncasecmp(type, json, sizeof(json) - 1) == 0 &&
	       strchr(" ;", type[sizeof(json) - 1]) != NULL; /* also matches the terminating NUL */
}

static int check_body(const lz_req *r)
{
	if (r->body.len == 0 || (r->route->flags & LZ_ROUTE_RAW))
		return 0;
	if (!is_json(MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE)))
		return lz_error_set(LZ_HTTP_EMEDIA, NULL,
		                    "the body must be sent as Content-Type: application/json");
	if (!lz_utf8_valid(r->body.ptr, r->body.len))
		return lz_error_set(LZ_EMALFORMED, NULL, "the body is not valid UTF-8 text");
	return 0;
}

/* True when 'path' is 'dir' or below it. */
static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

/* Paths that belong to an API: anything else is the console. */
static bool is_api(const char *path)
{
	return under(path, "/api") || under(path, "/public");
}

static int run_api(lz_reply *rep, lz_req *r, char *allow, size_t allow_size)
{
	int error;

	if ((error = lz_http__route(r, r->http_method, r->path, allow, allow_size)) < 0 ||
	    (error = lz_http__check_query(r)) < 0 || (error = check_body(r)) < 0)
		return error;
	if ((r->route->flags & LZ_ROUTE_SESSION) && (error = lz_http__session(r)) < 0)
		return error;
	if ((error = r->route->handler(rep, r)) < 0)
		return error;
	if (rep->status == 0 || (rep->status != 204 && !rep->json && !rep->data))
		return lz_error_set(LZ_EINTERNAL, NULL, "%s answered nothing", r->log_path);
	return 0;
}

static int run_console(lz_reply *rep, lz_req *r, char *allow, size_t allow_size)
{
	if (strcmp(r->http_method, "GET") != 0 && strcmp(r->http_method, "HEAD") != 0) {
		snprintf(allow, allow_size, "GET, HEAD");
		return lz_error_set(LZ_HTTP_EMETHOD, NULL, "the console is read with GET");
	}
	return lz_http__static(rep, r);
}

static enum MHD_Result dispatch(lz_req *r)
{
	lz_reply rep = {0};
	char allow[64] = "";
	int error;

	lz_error_clear();
	if (r->too_big)
		error = lz_error_set(LZ_ETOOBIG, NULL, "the request body is larger than %zu bytes",
		                     r->body_limit);
	else if (is_api(r->path))
		error = run_api(&rep, r, allow, sizeof(allow));
	else
		error = run_console(&rep, r, allow, sizeof(allow));
	if (error < 0) {
		json_decref(rep.json);
		lz_http__error(&rep, r, error);
		if (error == LZ_HTTP_EMETHOD)
			rep.allow = allow;
		if (error == LZ_ETHROTTLED && r->retry_after > 0)
			rep.retry_after = r->retry_after;
	}
	return answer(r, &rep);
}

/* ---------------------------------------------------------------- libmicrohttpd callbacks */

/* The Content-Length of the request, or 0 when it has none. */
static uint64_t declared_length(const lz_req *r)
{
	const char *cl =
	    MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);

	return cl ? strtoull(cl, NULL, 10) : 0; /* an overflow reads as ULLONG_MAX: too big */
}

/*
 * The body limit of the request's route: the server's, or the upload limit for a
 * route that takes a file. Routing here, before the body arrives, is only for the
 * limit: dispatch routes the request again once it is complete.
 */
static size_t body_limit_of(lz_req *r, const char *url, const char *method)
{
	char allow[64];
	size_t limit = r->srv->opts.body_limit;

	bool public = under(url, "/public");

	if (public && limit > LZ_HTTP_PUBLIC_BODY_LIMIT)
		limit = LZ_HTTP_PUBLIC_BODY_LIMIT;

	/* A file: from the public (an application's), or from a signed-in client. */
	if (is_api(url) && lz_http__route(r, method, url, allow, sizeof(allow)) == 0 &&
	    (r->route->flags & LZ_ROUTE_RAW)) {
		if (public)
			limit = LZ_HTTP_PUBLIC_UPLOAD_LIMIT;
		else if (MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
		                                     MHD_HTTP_HEADER_AUTHORIZATION) ||
		         MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_COOKIE))
			limit = LZ_HTTP_UPLOAD_LIMIT;
	}
	r->route = NULL;
	r->nparams = 0;
	lz_error_clear();
	return limit;
}

/* True when a body declared too big is refused before it is read (see the top of the file). */
static bool refuse_at_once(const lz_req *r, uint64_t declared)
{
	const char *expect = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_EXPECT);

	return (expect && strcasecmp(expect, "100-continue") == 0) || declared / DRAIN_FACTOR > r->body_limit;
}

static void take_body(lz_req *r, const char *data, size_t n)
{
	if (r->too_big)
		return;
	if (r->body.len + n > r->body_limit) {
		r->too_big = true;
		lz_buf_dispose(&r->body);
		return;
	}
	lz_buf_put(&r->body, data, n);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
	lz_req *r = *con_cls;
	uint64_t declared;

	(void)version;
	if (!r) {
		*con_cls = r = req_begin(cls, conn, url, method);
		r->body_limit = body_limit_of(r, url, method);
		declared = declared_length(r);
		r->too_big = declared > r->body_limit;
		if (r->too_big && refuse_at_once(r, declared)) {
			r->path = url;
			r->http_method = method;
			if (dispatch(r) == MHD_YES)
				return MHD_YES;
			/* Could not answer yet: the body is dropped and the 413 goes at its end. */
		}
		return MHD_YES;
	}
	r->path = url;
	r->http_method = method;
	if (*upload_data_size) {
		take_body(r, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (r->answered)
		return MHD_YES;
	return dispatch(r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	lz_server *srv = cls;
	lz_req *r = *con_cls;

	(void)conn;
	if (!r)
		return;
	lz_log(LZ_LOG_INFO, r->id, "%s %s %d %zu %lluus%s", r->method, r->log_path, r->status, r->bytes,
	       (unsigned long long)(now_us() - r->started_us),
	       toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (not completed)");
	req_release(r);
	free(r);
	*con_cls = NULL;
	atomic_fetch_sub(&srv->in_flight, 1);
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char line[512];
	size_t n;

	(void)cls;
	vsnprintf(line, sizeof(line), fmt, ap);
	n = strlen(line);
	while (n && line[n - 1] == '\n')
		line[--n] = '\0';
	lz_log(LZ_LOG_WARN, NULL, "http: %s", line);
}

/* ---------------------------------------------------------------- the test clock */

/*
 * For tests only: when LUZHI_TEST_NOW_FILE names a file, the server's clock is the
 * wall clock plus the number of seconds that file holds (read on every reading; a
 * missing or empty file is 0), so that an API test can let days pass for the
 * clocks of cases. Never set it in production: every deadline follows the file.
 */
typedef struct {
	lz_clock base; /* first: the domain sees an lz_clock */
	char path[512];
} test_clock;

static int64_t test_clock_now(const lz_clock *self)
{
	const test_clock *tc = (const test_clock *)self;
	char text[32] = "";
	FILE *f = fopen(tc->path, "r");
	long long offset = 0;

	if (f) {
		if (fgets(text, sizeof(text), f))
			offset = strtoll(text, NULL, 10);
		fclose(f);
	}
	return (int64_t)time(NULL) + (int64_t)offset;
}

/* ---------------------------------------------------------------- start and stop */

/*
 * Opens the listening socket for "host:port" or "[v6]:port" ourselves rather than
 * letting libmicrohttpd do it, so that a failure can say why.
 */
static int open_listener(int *out, bool *ipv6, const char *listen_on)
{
	struct addrinfo hints = {0}, *ai = NULL;
	char host[256];
	const char *port, *end;
	int fd = -1, one = 1, rc, error = 0;

	*out = -1;
	if (listen_on[0] == '[' && (end = strchr(listen_on, ']')) && end[1] == ':') {
		port = end + 2;
		snprintf(host, sizeof(host), "%.*s", (int)(end - listen_on - 1), listen_on + 1);
	} else if ((end = strrchr(listen_on, ':')) && !memchr(listen_on, ':', (size_t)(end - listen_on))) {
		port = end + 1;
		snprintf(host, sizeof(host), "%.*s", (int)(end - listen_on), listen_on);
	} else {
		return lz_error_set(LZ_EINVALID, "listen",
		                    "listen address '%s' is not HOST:PORT or [IPV6]:PORT", listen_on);
	}
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((rc = getaddrinfo(host[0] ? host : NULL, port, &hints, &ai)) != 0)
		return lz_error_set(LZ_EINVALID, "listen", "cannot listen on %s: %s", listen_on,
		                    gai_strerror(rc));
	*ipv6 = ai->ai_family == AF_INET6;
	if ((fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    (*ipv6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0) ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, LISTEN_BACKLOG) < 0) {
		error = lz_error_set(LZ_EIO, "listen", "cannot listen on %s: %s", listen_on, strerror(errno));
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	*out = fd;
	return error;
}

/* Waits for SIGTERM or SIGINT (blocked in every thread, so only this wait sees them). */
static int wait_for_signal(const sigset_t *stop)
{
	int sig;

	do
		sig = sigwaitinfo(stop, NULL);
	while (sig < 0 && errno == EINTR);
	return sig;
}

/* Lets the requests in flight finish, up to the grace time. */
static void drain(lz_server *srv)
{
	uint64_t deadline = now_us() + (uint64_t)srv->opts.shutdown_grace_ms * 1000u;
	struct timespec tick = {0, 10 * 1000 * 1000};

	while (atomic_load(&srv->in_flight) > 0 && now_us() < deadline)
		nanosleep(&tick, NULL);
	if (atomic_load(&srv->in_flight) > 0)
		lz_log(LZ_LOG_WARN, NULL, "stopping with %d requests unfinished after %d ms",
		       atomic_load(&srv->in_flight), srv->opts.shutdown_grace_ms);
}

static char *health_reply(size_t *len)
{
	json_t *v = json_pack("{s:s,s:s}", "status", "ok", "version", LUZHI_VERSION);
	char *text = json_dumps(v, JSON_COMPACT);

	json_decref(v);
	*len = strlen(text);
	return text;
}

int lz_http_serve(const lz_app *app, const lz_http_opts *opts)
{
	lz_server srv = {.app = app, .opts = *opts};
	const char *test_now = getenv("LUZHI_TEST_NOW_FILE");
	test_clock tclock = {.base = {.now = test_clock_now}};
	lz_app tapp;
	unsigned int flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG;
	sigset_t stop, old;
	MHD_socket quiesced = MHD_INVALID_SOCKET;
	bool ipv6 = false, masked = false;
	int fd = -1, error, sig;

	if (srv.opts.threads < 1)
		srv.opts.threads = 2;
	if (srv.opts.body_limit == 0)
		srv.opts.body_limit = 1 << 20;
	if (srv.opts.shutdown_grace_ms < 0)
		srv.opts.shutdown_grace_ms = 0;
	atomic_init(&srv.in_flight, 0);
	atomic_init(&srv.stopping, false);
	srv.health = health_reply(&srv.health_len);
	srv.public_lookup = lz_throttle_new("lookup", "LUZHI_PUBLIC_LOOKUP", 60, 20);
	srv.public_submit = lz_throttle_new("submit", "LUZHI_PUBLIC_SUBMIT", 2, 5);
	srv.public_upload = lz_throttle_new("upload", "LUZHI_PUBLIC_UPLOAD", 20, 30);
	if (test_now && *test_now) {
		snprintf(tclock.path, sizeof(tclock.path), "%s", test_now);
		tapp = *app;
		tapp.clock = &tclock.base;
		srv.app = &tapp;
		lz_log(LZ_LOG_WARN, NULL, "LUZHI_TEST_NOW_FILE is set: the clock follows %s (for tests only)",
		       test_now);
	}

	/* Block the stop signals before libmicrohttpd starts its threads, which inherit the mask. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	if ((error = open_listener(&fd, &ipv6, srv.opts.listen)) < 0)
		goto done;
	pthread_sigmask(SIG_BLOCK, &stop, &old);
	masked = true;
	if (ipv6)
		flags |= MHD_USE_IPv6;
	srv.daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, &srv, MHD_OPTION_EXTERNAL_LOGGER,
	                              on_mhd_log, &srv, MHD_OPTION_LISTEN_SOCKET, fd,
	                              MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)srv.opts.threads,
	                              MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY,
	                              MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)CONNECTION_TIMEOUT,
	                              MHD_OPTION_NOTIFY_COMPLETED, on_completed, &srv, MHD_OPTION_END);
	if (!srv.daemon) {
		error = lz_error_set(LZ_EIO, "listen", "cannot start the HTTP server on %s", srv.opts.listen);
		goto done;
	}
	fd = -1; /* the daemon's now */
	lz_log(LZ_LOG_INFO, NULL, "listening on %s with %d threads", srv.opts.listen, srv.opts.threads);

	sig = wait_for_signal(&stop);
	lz_log(LZ_LOG_INFO, NULL, "%s: finishing %d requests in flight, then stopping", strsignal(sig),
	       atomic_load(&srv.in_flight));
	atomic_store(&srv.stopping, true);
	quiesced = MHD_quiesce_daemon(srv.daemon);
	drain(&srv);
	error = 0;
done:
	if (srv.daemon)
		MHD_stop_daemon(srv.daemon);
	if (quiesced != MHD_INVALID_SOCKET)
		close(quiesced);
	if (fd >= 0)
		close(fd);
	if (masked)
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	free(srv.health);
	lz_throttle_free(srv.public_lookup);
	lz_throttle_free(srv.public_submit);
	lz_throttle_free(srv.public_upload);
	return error;
}
