/* json.c — jansson, with luzhi's validation errors. */
#include "base/json.h"

#include "base/clock.h"

#include <string.h>

int lz_json_parse_object(json_t **out, const char *text, size_t len)
{
	json_error_t err;
	json_t *v = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);

	*out = NULL;
	if (!v)
		return lz_error_set(LZ_EMALFORMED, NULL, "malformed JSON at line %d, column %d: %s", err.line,
				    err.column, err.text);
	if (!json_is_object(v)) {
		json_decref(v);
		return lz_error_set(LZ_EMALFORMED, NULL, "the body must be a JSON object");
	}
	*out = v;
	return 0;
}

int lz_json_str(const char **out, json_t *obj, const char *key, bool required, size_t max_chars)
{
	json_t *v = json_object_get(obj, key);

	*out = NULL;
	if (!v || json_is_null(v)) {
		if (required)
			return lz_error_set(LZ_EINVALID, key, "%s is required", key);
		return 0;
	}
	if (!json_is_string(v))
		return lz_error_set(LZ_EINVALID, key, "%s must be a string", key);
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);
	if (memchr(s, '\0', n))
		return lz_error_set(LZ_EINVALID, key, "%s must not contain NUL characters", key);
	if (required && n == 0)
		return lz_error_set(LZ_EINVALID, key, "%s is required", key);
	if (lz_utf8_len(s, n) > max_chars)
		return lz_error_set(LZ_EINVALID, key, "%s is longer than %zu characters", key, max_chars);
	*out = s;
	return 0;
}

int lz_json_int(int64_t *out, bool *present, json_t *obj, const char *key, bool required)
{
	json_t *v = json_object_get(obj, key);

	if (present)
		*present = false;
	if (!v || json_is_null(v)) {
		if (required)
			return lz_error_set(LZ_EINVALID, key, "%s is required", key);
		return 0;
	}
	if (!json_is_integer(v))
		return lz_error_set(LZ_EINVALID, key, "%s must be an integer", key);
	*out = json_integer_value(v);
	if (present)
		*present = true;
	return 0;
}

int lz_json_only(json_t *obj, const char *const *known)
{
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v) {
		bool ok = false;
		for (const char *const *k = known; *k; k++)
			if (strcmp(*k, key) == 0)
				ok = true;
		if (!ok)
			return lz_error_set(LZ_EINVALID, key, "unknown field '%.64s'", key);
	}
	return 0;
}

static int dump_cb(const char *buffer, size_t size, void *data)
{
	lz_buf_put(data, buffer, size);
	return 0;
}

void lz_json_dump(lz_buf *b, const json_t *v)
{
	json_dump_callback(v, dump_cb, b, JSON_COMPACT);
}

json_t *lz_json_str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *lz_json_time(int64_t t)
{
	char buf[21];
	lz_time_format(buf, t);
	return json_string(buf);
}
