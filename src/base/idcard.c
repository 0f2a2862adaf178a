/*
 * idcard.c — GB 11643 identity numbers: syntax, birth date and the ISO 7064
 * MOD 11-2 check character (see idcard.h).
 */
#include "base/idcard.h"

#include "base/clock.h"

#include <stdio.h>
#include <string.h>

/* ISO 7064 MOD 11-2: the weights are 2^(17-i) mod 11 for positions 0..16. */
static const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
static const char check_chars[11] = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};

char lz_idcard_check_char(const char *first17)
{
	int sum = 0;

	for (int i = 0; i < 17; i++)
		sum += (first17[i] - '0') * weights[i];
	return check_chars[sum % 11];
}

int lz_idcard_parse(lz_idcard *out, const char *s, int32_t today, const char *field)
{
	const char *f = field ? field : "id_number";
	char date[11];
	int32_t day, earliest;
	size_t n = s ? strlen(s) : 0;

	memset(out, 0, sizeof(*out));
	if (n == 0)
		return lz_error_set(LZ_EINVALID, field, "%s is required", f);
	if (n != LZ_IDCARD_LEN)
		return lz_error_set(LZ_EINVALID, field, "%s must be 18 characters long (it has %zu)", f, n);
	for (size_t i = 0; i < 17; i++)
		if (s[i] < '0' || s[i] > '9')
			return lz_error_set(LZ_EINVALID, field, "%s must have digits in its first 17 places",
			                    f);
	if (!((s[17] >= '0' && s[17] <= '9') || s[17] == 'X' || s[17] == 'x'))
		return lz_error_set(LZ_EINVALID, field, "%s must end in a digit or X", f);

	/* The birth date, through the same calendar code as every other date. */
	snprintf(date, sizeof(date), "%.4s-%.2s-%.2s", s + 6, s + 10, s + 12);
	if (lz_date_parse(&day, date) < 0)
		return lz_error_set(LZ_EINVALID, field, "%s has an invalid birth date (places 7 to 14)", f);
	if (lz_date_parse(&earliest, "1800-01-01") < 0)
		return lz_error_set(LZ_EINTERNAL, NULL, "the calendar cannot read its own date");
	if (day > today)
		return lz_error_set(LZ_EINVALID, field, "%s has a birth date in the future", f);
	if (day < earliest)
		return lz_error_set(LZ_EINVALID, field, "%s has a birth date before 1800", f);

	if (lz_idcard_check_char(s) != (s[17] == 'x' ? 'X' : s[17]))
		return lz_error_set(LZ_EINVALID, field, "%s has a wrong check character (the 18th)", f);

	memcpy(out->number, s, LZ_IDCARD_LEN);
	out->number[17] = s[17] == 'x' ? 'X' : s[17];
	memcpy(out->division, s, 6);
	out->birth_day = day;
	out->sequence = (s[14] - '0') * 100 + (s[15] - '0') * 10 + (s[16] - '0');
	out->male = out->sequence % 2 == 1;
	return 0;
}
