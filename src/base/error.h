/*
 * error.h — luzhi's error model (libgit2's): a fallible function returns 0 or a
 * negative lz_error_code, and sets a thread-local message once, where the failure
 * is found, naming the offending field for validation errors. Callers pass the
 * code up unchanged; the shells (http/, cli/) map codes to statuses and exit codes
 * through one table each.
 */
#ifndef LZ_BASE_ERROR_H
#define LZ_BASE_ERROR_H

#include <stddef.h>

#define LZ_MUST_USE __attribute__((warn_unused_result))
#define LZ_PRINTF(a, b) __attribute__((format(printf, a, b)))

typedef enum {
	LZ_OK = 0,
	LZ_EINVALID = -1,   /* a field is invalid (422) */
	LZ_EMALFORMED = -2, /* the request cannot be parsed (400) */
	LZ_ENOTFOUND = -3,  /* missing or out of scope (404) */
	LZ_ECONFLICT = -4,  /* a rule refused it (409) */
	LZ_EFORBIDDEN = -5, /* the role may not do this (403) */
	LZ_EAUTH = -6,      /* no valid session or wrong credentials (401) */
	LZ_ETHROTTLED = -7, /* too many attempts (429) */
	LZ_ETOOBIG = -8,    /* input over its limit (413) */
	LZ_ETAMPERED = -9,  /* stored history does not verify */
	LZ_EDB = -10,       /* the store failed */
	LZ_EIO = -11,       /* a file or socket failed */
	LZ_EUNAVAILABLE = -12, /* a dependency is down or saturated (503) */
	LZ_EINTERNAL = -13, /* anything else */
} lz_error_code;

/* The last error set on this thread. 'field' is NULL unless a field is to blame. */
typedef struct {
	int code;
	char field[64];
	char message[512];
} lz_error;

/*
 * Sets this thread's error and returns 'code', so that a failure reads
 * `return lz_error_set(LZ_EINVALID, "name", "name is required");`.
 * 'field' may be NULL.
 */
int lz_error_set(int code, const char *field, const char *fmt, ...) LZ_PRINTF(3, 4);

/* This thread's last error (never NULL; code 0 when none is set). */
const lz_error *lz_error_last(void);

void lz_error_clear(void);

/* A stable snake_case name for a code, used in API error bodies and logs. */
const char *lz_error_name(int code);

#endif
