/*
 * api_public.c — the public portal's API, /public/v1: no account, the public actor
 * (lz_auth_act_as_public) for every call, so the cases module grants exactly what
 * the public may do.
 *
 *	GET  /public/v1/languages               the portal's languages (name in itself, dir)
 *	GET  /public/v1/bureaus                 the bureaus with an active case type, by code
 *	GET  /public/v1/case-types              ?bureau_id=&lang= : active types, each with
 *	                                        its name and materials in the language asked
 *	GET  /public/v1/processing-times        ?bureau_id=&type_id=&from=&to= : published
 *	                                        figures, no drill-down
 *	POST /public/v1/applications            an online application → {receipt, check_code}
 *	GET  /public/v1/cases/{receipt}?code=&lang=  the status, with the type's name:
 *	                                        nothing personal
 *	POST /public/v1/complaints              complaint.h's fields (a case by receipt + code)
 *	POST /public/v1/assistance-requests     {receipt, code, reason}
 *
 * Throttling (throttle.c): every public call but languages spends a token of its
 * client address — reads from the lookup table, writes from the stricter submit
 * table — before any work, so a flood gets 429 with Retry-After and costs nothing.
 * The shell bounds public bodies to LZ_HTTP_PUBLIC_BODY_LIMIT (413).
 *
 * A status lookup with a wrong check code and one with an unknown receipt number do
 * the same work in the module and answer the same 404 body here: the message is the
 * same fixed text for both, whatever the module's says.
 *
 * Error messages are in zh-CN by default and English for a request that prefers
 * English — or any of the portal's other languages: a visitor reading the portal in
 * Russian is better served by English than by Chinese.
 *
 * Names and materials of case types come in the language asked: the query's lang
 * when given, else the best of the portal's languages in Accept-Language (by q;
 * "fr-CA" reads French), else English for a header that names only other
 * languages, else zh-CN. Where a type has no text in that language the module's
 * rule (lz_case_type_text) gives English, then Chinese.
 */
#include "http/http_int.h"

#include "base/json.h"
#include "cases/assistance.h"
#include "cases/cases.h"
#include "cases/complaint.h"
#include "files/files.h"

#include <ctype.h>
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The portal's languages, in the order the picker shows them; the catalogue of
 * web/ has one file per tag. */
static const struct {
	const char *tag, *name, *dir;
} languages[] = {
    {"zh-CN", "简体中文", "ltr"}, {"en", "English", "ltr"}, {"ru", "Русский", "ltr"},
    {"ja", "日本語", "ltr"},      {"ko", "한국어", "ltr"},  {"vi", "Tiếng Việt", "ltr"},
    {"fr", "Français", "ltr"},    {"ar", "العربية", "rtl"},
};

#define STATS_PERIOD (365 * 86400)

/*
 * True when an Accept-Language header names a language and none of its items is
 * Chinese ("ru", "fr-CA,en;q=0.5"); "*" and headers that include zh are false.
 */
static bool prefers_foreign(const char *al)
{
	bool named = false;

	while (*al) {
		size_t n = strcspn(al, ",");
		const char *tag = al;
		while (tag < al + n && *tag == ' ')
			tag++;
		if (tag < al + n && ((*tag | 0x20) >= 'a' && (*tag | 0x20) <= 'z')) {
			if ((tag[0] | 0x20) == 'z' && tag + 1 < al + n && (tag[1] | 0x20) == 'h')
				return false;
			named = true;
		}
		al += n + (al[n] == ',');
	}
	return named;
}

/* The portal's language for the tag at 'tag' of 'n' bytes: the same tag, else the
 * same primary subtag ("fr-CA" → fr, "zh-TW" → zh-CN); NULL for none. */
static const char *portal_language(const char *tag, size_t n)
{
	size_t primary = 0;

	while (primary < n && tag[primary] != '-' && tag[primary] != ';' && tag[primary] != ' ')
		primary++;
	for (size_t i = 0; i < sizeof(languages) / sizeof(languages[0]); i++) {
		size_t len = strlen(languages[i].tag);
		if (len <= n && strncasecmp(tag, languages[i].tag, len) == 0 &&
		    (len == n || tag[len] == ';' || tag[len] == ' '))
			return languages[i].tag;
	}
	for (size_t i = 0; i < sizeof(languages) / sizeof(languages[0]); i++)
		if (strcspn(languages[i].tag, "-") == primary &&
		    strncasecmp(tag, languages[i].tag, primary) == 0)
			return languages[i].tag;
	return NULL;
}

/*
 * The language a public read asks for (see the top of this file): '?lang=' — a
 * language tag, or LZ_EINVALID naming "lang" — else Accept-Language. A lang given
 * also sets the language of the errors: zh-CN for Chinese, English otherwise.
 */
static int public_lang(const char **out, lz_req *r)
{
	const char *lang = lz_http__query(r, "lang"), *best = NULL;
	const char *al =
	    MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_LANGUAGE);
	double best_q = 0;

	if (lang) {
		size_t n = strlen(lang);
		bool ok = n >= 2 && n <= 16;
		for (size_t i = 0; ok && i < n; i++)
			ok = isalnum((unsigned char)lang[i]) || lang[i] == '-';
		r->lang = strncasecmp(lang, "zh", 2) == 0 ? LZ_LANG_ZH : LZ_LANG_EN;
		if (!ok)
			return lz_error_set(LZ_EINVALID, "lang",
			                    "lang must be a language tag, such as en or zh-CN");
		*out = lang;
		return 0;
	}
	for (const char *s = al; s && *s;) {
		size_t n = strcspn(s, ",");
		const char *tag = s, *found;
		while (tag < s + n && *tag == ' ')
			tag++;
		found = portal_language(tag, (size_t)(s + n - tag));
		if (found) {
			double q = lz_http__accept_q(tag, (size_t)(s + n - tag));
			if (q > best_q) {
				best = found;
				best_q = q;
			}
		}
		s += n + (s[n] == ',');
	}
	*out = best ? best : al && prefers_foreign(al) ? "en" : "zh-CN";
	return 0;
}

/*
 * Starts every public call: the public actor, the language of its errors, and a
 * token from 'bucket' (NULL: none taken).
 */
static int public_begin(lz_req *r, lz_throttle *bucket)
{
	const char *al =
	    MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_LANGUAGE);

	lz_auth_act_as_public(&r->ctx);
	/* A visitor who asks for no Chinese gets English rather than the zh-CN default. */
	if (al && prefers_foreign(al))
		r->lang = LZ_LANG_EN;
	if (bucket)
		return lz_throttle_take(bucket, r->address, &r->retry_after);
	return 0;
}

int api_public_languages(lz_reply *out, lz_req *r)
{
	json_t *items = json_array();
	int error;

	if ((error = public_begin(r, NULL)) < 0) {
		json_decref(items);
		return error;
	}
	for (size_t i = 0; i < sizeof(languages) / sizeof(languages[0]); i++)
		json_array_append_new(items, json_pack("{s:s,s:s,s:s}", "tag", languages[i].tag, "name",
		                                       languages[i].name, "dir", languages[i].dir));
	lz_http__json(out, 200, json_pack("{s:o,s:s}", "items", items, "default", "zh-CN"));
	out->cache_control = "public, max-age=3600";
	return 0;
}

int api_public_bureaus(lz_reply *out, lz_req *r)
{
	json_t *items;
	int error;

	if ((error = public_begin(r, r->srv->public_lookup)) < 0 ||
	    (error = lz_case_bureaus_offering(&items, &r->ctx)) < 0)
		return error;
	lz_http__json(out, 200, lz_http__list(items, 0));
	return 0;
}

int api_public_case_types(lz_reply *out, lz_req *r)
{
	json_t *items, *localized, *list, *type;
	const char *lang;
	int64_t bureau_id;
	size_t i;
	int error;

	if ((error = public_begin(r, r->srv->public_lookup)) < 0 ||
	    (error = lz_http__query_id(&bureau_id, r, "bureau_id")) < 0)
		return error;
	if (!bureau_id)
		return lz_error_set(LZ_EINVALID, "bureau_id", "bureau_id is required");
	if ((error = public_lang(&lang, r)) < 0 ||
	    (error = lz_case_type_list(&items, &r->ctx, bureau_id, true)) < 0)
		return error;
	localized = json_array();
	json_array_foreach(items, i, type)
	{
		json_array_append_new(localized, lz_case_type_localize(type, lang));
	}
	json_decref(items);
	list = lz_http__list(localized, 0);
	json_object_set_new(list, "lang", json_string(lang));
	lz_http__json(out, 200, list);
	return 0;
}

int api_public_processing_times(lz_reply *out, lz_req *r)
{
	lz_case_stats_query q = {0};
	json_t *stats;
	int error;

	if ((error = public_begin(r, r->srv->public_lookup)) < 0 ||
	    (error = lz_http__query_id(&q.bureau_id, r, "bureau_id")) < 0 ||
	    (error = lz_http__query_id(&q.type_id, r, "type_id")) < 0 ||
	    (error = lz_http__query_time(&q.from, r, "from")) < 0 ||
	    (error = lz_http__query_time(&q.to, r, "to")) < 0)
		return error;
	if (!q.to)
		q.to = lz_ctx_now(&r->ctx) + 1;
	if (!q.from)
		q.from = q.to - STATS_PERIOD;
	if (q.from >= q.to)
		return lz_error_set(LZ_EINVALID, "from", "from must be before to");
	if ((error = lz_case_stats(&stats, &r->ctx, &q)) < 0)
		return error;
	lz_http__json(out, 200, stats);
	return 0;
}

int api_public_apply(lz_reply *out, lz_req *r)
{
	lz_case_input in;
	lz_case_receipt rc;
	json_t *body = NULL;
	char due[21];
	int error;

	if ((error = public_begin(r, r->srv->public_submit)) < 0 || (error = lz_http__body(&body, r)) < 0 ||
	    (error = lz_case_input_from_json(&in, body)) < 0)
		goto done;
	if (!in.channel)
		in.channel = "online";
	if ((error = lz_case_receive(&rc, &r->ctx, &in)) < 0)
		goto done;
	lz_time_format(due, rc.due_at);
	out->location = lz_pool_printf(r->ctx.pool, "/public/v1/cases/%s", rc.receipt_no);
	/* Shown once: only a keyed hash of the check code is stored. */
	lz_http__json(
	    out, 201,
	    json_pack("{s:s,s:s,s:s}", "receipt", rc.receipt_no, "check_code", rc.check_code, "due_at", due));
done:
	json_decref(body);
	return error;
}

int api_public_case_status(lz_reply *out, lz_req *r)
{
	const char *code = lz_http__query(r, "code"), *lang;
	char name[LZ_CASE_TYPE_NAME_BYTES];
	json_t *status;
	int error;

	if ((error = public_begin(r, r->srv->public_lookup)) < 0 || (error = public_lang(&lang, r)) < 0)
		return error;
	/* One read transaction for the check, the case and its type's name: one snapshot,
	 * and the cost of starting and ending a transaction paid once per lookup. */
	if ((error = lz_tx_begin(&r->ctx, LZ_TX_READ)) < 0)
		return error;
	/* No code is a wrong code: the module still does the whole lookup. */
	if ((error = lz_case_lookup(&status, &r->ctx, lz_http__param(r, "receipt"), code ? code : "")) < 0) {
		if (error == LZ_ENOTFOUND)
			error = lz_error_set(LZ_ENOTFOUND, NULL,
			                     "no case with this receipt number and check code");
		goto done;
	}
	if ((error = lz_case_type_name(name, &r->ctx, json_integer_value(json_object_get(status, "type_id")),
	                               lang)) < 0) {
		json_decref(status);
		goto done;
	}
	json_object_set_new(status, "type_name", json_string(name));
	lz_http__json(out, 200, status);
done:
	lz_tx_rollback(&r->ctx); /* it wrote nothing */
	return error;
}

/* POST /public/v1/files?bureau_id=&name= — a file for an application (raw bytes,
 * Content-Type image/jpeg, image/png or application/pdf), throttled by a bucket of
 * its own: an application may bring up to 20 files. */
int api_public_file(lz_reply *out, lz_req *r)
{
	const char *name = lz_http__query(r, "name"),
	           *ct = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	char sha[65];
	const char *type;
	int64_t bureau_id = 0;
	int error;

	if ((error = public_begin(r, r->srv->public_upload)) < 0 ||
	    (error = lz_http__query_id(&bureau_id, r, "bureau_id")) < 0)
		return error;
	if (!bureau_id)
		return lz_error_set(LZ_EINVALID, "bureau_id", "bureau_id is required");
	while (ct && *ct == ' ')
		ct++;
	type = ct ? lz_pool_strndup(r->ctx.pool, ct, strcspn(ct, "; ")) : "";
	if ((error = lz_file_put_for_application(sha, &r->ctx, bureau_id, name ? name : "", type,
	                                         r->body.ptr ? r->body.ptr : "", r->body.len)) < 0)
		return error;
	lz_http__json(out, 201,
	              json_pack("{ss sI ss ss}", "file", sha, "size", (json_int_t)r->body.len, "media_type",
	                        type, "name", name ? name : ""));
	return 0;
}

int api_public_complaint(lz_reply *out, lz_req *r)
{
	lz_complaint_input in;
	lz_complaint_receipt rc;
	json_t *body = NULL;
	char due[21];
	int error;

	if ((error = public_begin(r, r->srv->public_submit)) < 0 || (error = lz_http__body(&body, r)) < 0 ||
	    (error = lz_complaint_input_from_json(&in, body)) < 0)
		goto done;
	if ((error = lz_complaint_file(&rc, &r->ctx, &in)) < 0) {
		if (error == LZ_ENOTFOUND && in.receipt_no)
			error = lz_error_set(LZ_ENOTFOUND, NULL,
			                     "no case with this receipt number and check code");
		goto done;
	}
	lz_time_format(due, rc.due_at);
	lz_http__json(out, 201, json_pack("{s:I,s:s}", "id", (json_int_t)rc.id, "due_at", due));
done:
	json_decref(body);
	return error;
}

int api_public_assistance(lz_reply *out, lz_req *r)
{
	static const char *const known[] = {"receipt", "code", "reason", NULL};
	json_t *body = NULL;
	const char *receipt, *code, *reason;
	int64_t id;
	int error;

	if ((error = public_begin(r, r->srv->public_submit)) < 0 || (error = lz_http__body(&body, r)) < 0 ||
	    (error = lz_json_only(body, known)) < 0 ||
	    (error = lz_json_str(&receipt, body, "receipt", true, LZ_CASE_RECEIPT_MAX)) < 0 ||
	    (error = lz_json_str(&code, body, "code", true, 32)) < 0 ||
	    (error = lz_json_str(&reason, body, "reason", true, LZ_HTTP_ANY_LEN)) < 0)
		goto done;
	if ((error = lz_assistance_ask(&id, &r->ctx, receipt, code, reason)) < 0) {
		if (error == LZ_ENOTFOUND)
			error = lz_error_set(LZ_ENOTFOUND, NULL,
			                     "no case with this receipt number and check code");
		goto done;
	}
	lz_http__json(out, 201, json_pack("{s:I,s:s}", "id", (json_int_t)id, "state", "received"));
done:
	json_decref(body);
	return error;
}
