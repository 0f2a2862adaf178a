/*
 * idcard.h — resident identity card numbers (公民身份号码) as GB 11643-1999 defines
 * them: 18 characters, a 6-digit administrative division code, an 8-digit birth
 * date (YYYYMMDD), a 3-digit sequence (odd for men, even for women) and a check
 * character computed with ISO 7064 MOD 11-2 over the first 17 digits.
 *
 * Errors name the caller's field and say what is wrong (length, characters, date,
 * check character) but never repeat the number: it is personal data.
 */
#ifndef LZ_BASE_IDCARD_H
#define LZ_BASE_IDCARD_H

#include "base/error.h"

#include <stdbool.h>
#include <stdint.h>

#define LZ_IDCARD_LEN 18

typedef struct {
	char number[LZ_IDCARD_LEN + 1]; /* normalised: a lower-case 'x' becomes 'X' */
	char division[7];               /* the six-digit division code */
	int32_t birth_day;              /* days since 1970-01-01 */
	int sequence;                   /* 0..999 */
	bool male;                      /* an odd sequence */
} lz_idcard;

/*
 * Validates and normalises 's' into 'out'. The birth date must be a calendar date
 * no later than 'today' (days since the epoch) and not before 1800-01-01 (the
 * standard's own example was born in 1880). Leading and trailing spaces are not
 * accepted. LZ_EINVALID naming 'field' (may be NULL: "id_number" in the message)
 * otherwise.
 */
int lz_idcard_parse(lz_idcard *out, const char *s, int32_t today, const char *field) LZ_MUST_USE;

/* The check character ('0'..'9' or 'X') for 17 digits. */
char lz_idcard_check_char(const char *first17);

#endif
