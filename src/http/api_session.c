/*
 * api_session.c — sessions over HTTP: which token a request presents, the CSRF check
 * of cookie sessions, and signing in and out (/api/v1/session).
 *
 * A client presents its session either as `Authorization: Bearer TOKEN` (API
 * clients) or as the cookie lz_session (the console). A browser sends the cookie by
 * itself, so a cookie session must also prove on every write that the page knows
 * the session's CSRF token (header X-CSRF-Token); a Bearer token is never sent by
 * the browser unasked, so it needs no such proof. The Bearer header wins when both
 * are present.
 */
#include "http/http_int.h"

#include "base/json.h"

#include <microhttpd.h>
#include <string.h>
#include <strings.h>

#define COOKIE_NAME "lz_session"
#define COOKIE_ATTRS "Path=/; HttpOnly; SameSite=Strict"

static bool is_write(const char *method)
{
	static const char *const safe[] = {"GET", "HEAD", "OPTIONS"};

	for (size_t i = 0; i < sizeof(safe) / sizeof(safe[0]); i++)
		if (strcmp(method, safe[i]) == 0)
			return false;
	return true;
}

int lz_http__session(lz_req *r)
{
	const char *auth =
	    MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	const char *token = NULL, *sent;
	int error;

	if (auth && strncasecmp(auth, "Bearer ", 7) == 0) {
		token = auth + 7;
		while (*token == ' ')
			token++;
	} else if ((token = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, COOKIE_NAME))) {
		r->cookie_session = true;
	}
	if (!token || !*token)
		return lz_error_set(LZ_EAUTH, NULL, "sign in first: the request carries no session");
	if ((error = lz_session_resume(&r->ctx, token, r->csrf)) < 0)
		return error;
	r->token = token;
	if (r->cookie_session && is_write(r->http_method)) {
		sent = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-CSRF-Token");
		if (!sent || strlen(sent) != strlen(r->csrf) || !lz_memeq(sent, r->csrf, strlen(r->csrf)))
			return lz_error_set(
			    LZ_HTTP_ECSRF, NULL,
			    "a cookie session must send its CSRF token in the X-CSRF-Token header");
	}
	return 0;
}

/* True when the request reached the proxy in front of us over TLS. */
static bool via_https(const lz_req *r)
{
	const char *proto = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-Forwarded-Proto");

	return proto && strcasecmp(proto, "https") == 0;
}

/* POST /api/v1/session {login, password} → the session, as a token and as a cookie. */
int api_session_create(lz_reply *out, lz_req *r)
{
	static const char *const known[] = {"login", "password", NULL};
	const char *login, *password;
	lz_session s;
	json_t *body = NULL, *user = NULL;
	int error;

	if ((error = lz_http__body(&body, r)) < 0 || (error = lz_json_only(body, known)) < 0 ||
	    (error = lz_json_str(&login, body, "login", true, 64)) < 0 ||
	    (error = lz_json_str(&password, body, "password", true, LZ_PASSWORD_MAX)) < 0 ||
	    (error = lz_session_create(&s, &r->ctx, login, password)) < 0 ||
	    (error = lz_user_json(&user, &r->ctx, s.user_id)) < 0)
		goto done;
	out->set_cookie =
	    lz_pool_printf(r->ctx.pool, COOKIE_NAME "=%s; " COOKIE_ATTRS "; Max-Age=%d%s", s.token,
	                   r->ctx.app->session_max_age, via_https(r) ? "; Secure" : "");
	lz_http__json(out, 200,
	              json_pack("{s:s,s:s,s:o}", "token", s.token, "csrf_token", s.csrf, "user", user));
	user = NULL;
done:
	json_decref(user);
	json_decref(body);
	return error;
}

/* GET /api/v1/session → the signed-in user and the session's CSRF token. */
int api_session_get(lz_reply *out, lz_req *r)
{
	json_t *user;
	int error;

	if ((error = lz_user_json(&user, &r->ctx, r->ctx.actor.user_id)) < 0)
		return error;
	lz_http__json(out, 200, json_pack("{s:s,s:o}", "csrf_token", r->csrf, "user", user));
	return 0;
}

/* DELETE /api/v1/session → signs out and clears the cookie. */
int api_session_delete(lz_reply *out, lz_req *r)
{
	int error;

	if ((error = lz_session_end(&r->ctx, r->token)) < 0)
		return error;
	out->status = 204;
	out->set_cookie = COOKIE_NAME "=; " COOKIE_ATTRS "; Max-Age=0";
	return 0;
}
