/*
 * beneficiary_int.h — what beneficiary.c and programme.c share: reading a
 * programme in scope.
 */
#ifndef LZ_FUNDS_BENEFICIARY_INT_H
#define LZ_FUNDS_BENEFICIARY_INT_H

#include "funds/beneficiary.h"

#define LZ_BENEFICIARY_NAME_MAX 64 /* characters of a person's or a programme's name */

/*
 * Reads programme 'id' on the context's connection when its bureau is in scope;
 * LZ_ENOTFOUND naming 'field' (may be NULL) otherwise, alike for missing.
 */
int lz_programme__load(lz_programme *out, lz_ctx *ctx, int64_t id, const char *field) LZ_MUST_USE;

#endif
