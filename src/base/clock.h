/*
 * clock.h — time and randomness are injected (lz_ctx carries them), so tests can fix
 * the clock and the random source and be deterministic. Times in luzhi are int64
 * seconds since the Unix epoch, UTC; the API speaks RFC 3339.
 */
#ifndef LZ_BASE_CLOCK_H
#define LZ_BASE_CLOCK_H

#include <stddef.h>
#include <stdint.h>

typedef struct lz_clock {
	int64_t (*now)(const struct lz_clock *self);
	int64_t fixed; /* used by the fixed clock of tests */
} lz_clock;

typedef struct lz_random {
	void (*fill)(const struct lz_random *self, void *buf, size_t n);
} lz_random;

extern const lz_clock lz_system_clock;   /* the wall clock */
extern const lz_random lz_system_random; /* libsodium's randombytes */

int64_t lz_clock_now(const lz_clock *c);
int64_t lz_fixed_clock_now(const lz_clock *c);
void lz_random_fill(const lz_random *r, void *buf, size_t n);

/* Writes "2026-11-27T21:06:39Z" (21 bytes with NUL) for t. */
void lz_time_format(char out[21], int64_t t);
/* Parses RFC 3339 (with Z or a ±hh:mm offset; fractional seconds dropped). */
int lz_time_parse(int64_t *out, const char *s);
/* Parses a calendar date YYYY-MM-DD (proleptic Gregorian) into days since epoch. */
int lz_date_parse(int32_t *out_days, const char *s);
void lz_date_format(char out[11], int32_t days);

#endif
