/*
 * api_files.c — evidence files of a bureau (addressed by id or division code):
 *
 *	POST /api/v1/bureaus/{id}/files            the body is the file itself; Content-Type is
 *	                                           its media type, X-File-Name its name
 *	                                           (percent-encoded UTF-8) → 201 {sha256, size,
 *	                                           media_type, name, bureau_id}
 *	GET  /api/v1/bureaus/{id}/files/{sha256}   the bytes, as an attachment
 *
 * The files module checks everything (type against the magic number, size, name,
 * scope, rights) and re-hashes what it reads. This route's body limit is the file
 * limit, not the JSON one (LZ_ROUTE_UPLOAD in routes.def).
 */
#include "http/http_int.h"

#include "files/files.h"

#include <ctype.h>
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(LZ_HTTP_UPLOAD_LIMIT == LZ_FILE_MAX_BYTES, "the upload route takes exactly the largest file");

#define MEDIA_TYPE_MAX 64
#define NAME_HEADER_MAX (LZ_FILE_NAME_MAX * 4 * 3) /* 255 characters of 4 bytes, each byte %XX */

static int hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Decodes the percent-encoded X-File-Name into the request's pool; the module checks the text. */
static int file_name(const char **out, lz_req *r)
{
	const char *v = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-File-Name");
	size_t n;
	char *name, *w;

	*out = NULL;
	if (!v || !*v)
		return lz_error_set(LZ_EINVALID, "name", "name is required (the X-File-Name header)");
	if ((n = strlen(v)) > NAME_HEADER_MAX)
		return lz_error_set(LZ_EINVALID, "name", "name is longer than %d characters",
		                    LZ_FILE_NAME_MAX);
	w = name = lz_pool_alloc(r->ctx.pool, n + 1);
	for (size_t i = 0; i < n; i++) {
		if (v[i] != '%') {
			*w++ = v[i];
			continue;
		}
		if (i + 2 >= n || hex_value(v[i + 1]) < 0 || hex_value(v[i + 2]) < 0)
			return lz_error_set(LZ_EINVALID, "name", "name must be percent-encoded UTF-8");
		*w++ = (char)(hex_value(v[i + 1]) * 16 + hex_value(v[i + 2]));
		i += 2;
	}
	*w = '\0';
	if ((size_t)(w - name) != strlen(name))
		return lz_error_set(LZ_EINVALID, "name", "name must not contain NUL");
	*out = name;
	return 0;
}

/* The media type of Content-Type without parameters, lower-cased ("" when absent). */
static const char *media_type(lz_req *r)
{
	const char *v = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	size_t n;
	char *out;

	if (!v)
		return "";
	while (*v == ' ')
		v++;
	n = strcspn(v, "; ");
	if (n > MEDIA_TYPE_MAX)
		n = MEDIA_TYPE_MAX;
	out = lz_pool_strndup(r->ctx.pool, v, n);
	for (char *p = out; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return out;
}

int api_file_put(lz_reply *out, lz_req *r)
{
	char sha[65];
	const char *name, *type;
	int64_t bureau_id;
	int error;

	if ((error = lz_http__param_bureau(&bureau_id, r, "id")) < 0 || (error = file_name(&name, r)) < 0)
		return error;
	type = media_type(r);
	if ((error = lz_file_put(sha, &r->ctx, bureau_id, name, type, r->body.ptr ? r->body.ptr : "",
	                         r->body.len)) < 0)
		return error;
	out->location =
	    lz_pool_printf(r->ctx.pool, "/api/v1/bureaus/%lld/files/%s", (long long)bureau_id, sha);
	lz_http__json(out, 201,
	              json_pack("{ss sI ss ss sI}", "sha256", sha, "size", (json_int_t)r->body.len,
	                        "media_type", type, "name", name, "bureau_id", (json_int_t)bureau_id));
	return 0;
}

/* Content-Disposition with the name as RFC 8187 ext-value (attr-chars kept, the rest %XX). */
static const char *disposition(lz_req *r, const char *name)
{
	static const char keep[] = "!#$&+-.^_`|~";
	static const char hex[] = "0123456789ABCDEF";
	static const char head[] = "attachment; filename*=UTF-8''";
	size_t n = strlen(name);
	char *out = lz_pool_alloc(r->ctx.pool, sizeof(head) + 3 * n), *w;

	memcpy(out, head, sizeof(head) - 1);
	w = out + sizeof(head) - 1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if ((c < 0x80 && isalnum(c)) || (c && strchr(keep, c))) {
			*w++ = (char)c;
		} else {
			*w++ = '%';
			*w++ = hex[c >> 4];
			*w++ = hex[c & 15];
		}
	}
	*w = '\0';
	return out;
}

int api_file_get(lz_reply *out, lz_req *r)
{
	lz_buf bytes = LZ_BUF_INIT;
	lz_file_info info;
	int64_t bureau_id;
	int error;

	if ((error = lz_http__param_bureau(&bureau_id, r, "id")) < 0 ||
	    (error = lz_file_get(&bytes, &info, &r->ctx, bureau_id, lz_http__param(r, "sha256"))) < 0) {
		lz_buf_dispose(&bytes);
		return error;
	}
	out->status = 200;
	out->len = bytes.len;
	out->data = bytes.len ? lz_buf_detach(&bytes) : "";
	out->data_owned = out->len > 0;
	out->content_type = lz_pool_strndup(r->ctx.pool, info.media_type, strlen(info.media_type));
	out->disposition = disposition(r, info.name);
	out->cache_control = "private, max-age=3600";
	lz_buf_dispose(&bytes);
	return 0;
}
