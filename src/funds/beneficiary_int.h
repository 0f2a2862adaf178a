/*
 * beneficiary_int.h — what beneficiary.c and programme.c share: the field check
 * and reading a programme in scope.
 */
#ifndef LZ_FUNDS_BENEFICIARY_INT_H
#define LZ_FUNDS_BENEFICIARY_INT_H

#include "funds/beneficiary.h"

#define LZ_BENEFICIARY_NAME_MAX 64 /* characters of a person's or a programme's name */

/*
 * Checks a text field: present and not blank when 'required' (NULL or "" is absent),
 * well-formed UTF-8, no control characters, at most 'max_chars' code points.
 * LZ_EINVALID naming 'field' otherwise.
 */
int lz_beneficiary__check_text(const char *field, const char *s, bool required, size_t max_chars) LZ_MUST_USE;

/*
 * Reads programme 'id' on the context's connection when its bureau is in scope;
 * LZ_ENOTFOUND naming 'field' (may be NULL) otherwise, alike for missing.
 */
int lz_programme__load(lz_programme *out, lz_ctx *ctx, int64_t id, const char *field) LZ_MUST_USE;

#endif
