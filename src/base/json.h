/*
 * json.h — one thin wrapper over jansson. Parsing reports where the text is broken;
 * field readers validate type, presence and length and name the field on error, so
 * every entry point rejects bad input the same way.
 */
#ifndef LZ_BASE_JSON_H
#define LZ_BASE_JSON_H

#include "base/buf.h"
#include "base/error.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* Parses a JSON object. LZ_EMALFORMED (with line and column) for broken text,
 * invalid UTF-8 or a value that is not an object. The caller owns *out. */
int lz_json_parse_object(json_t **out, const char *text, size_t len) LZ_MUST_USE;

/*
 * Reads obj[key] as a string of at most 'max_chars' code points (no NUL: jansson
 * refuses "\u0000" only with JSON_ALLOW_NUL off, which is how we parse). When the key
 * is absent or null, *out is NULL and it is an error only if 'required'. The string is
 * borrowed from obj. Empty strings count as absent when 'required'.
 */
int lz_json_str(const char **out, json_t *obj, const char *key, bool required, size_t max_chars) LZ_MUST_USE;
/* Reads obj[key] as an integer. *present says whether it was given (may be NULL when required). */
int lz_json_int(int64_t *out, bool *present, json_t *obj, const char *key, bool required) LZ_MUST_USE;
/* Refuses keys of obj that are not in the NULL-terminated list 'known'. */
int lz_json_only(json_t *obj, const char *const *known) LZ_MUST_USE;

/* Serialises compactly into b (appending). */
void lz_json_dump(lz_buf *b, const json_t *v);

/* json_string for a value that might be NULL (→ null). */
json_t *lz_json_str_or_null(const char *s);
/* RFC 3339 string for a time. */
json_t *lz_json_time(int64_t t);

#endif
