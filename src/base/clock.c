/* clock.c — the system clock and random source; RFC 3339 times. */
#include "base/clock.h"

#include "base/error.h"

#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static int64_t system_now(const lz_clock *self)
{
	(void)self;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec;
}

int64_t lz_fixed_clock_now(const lz_clock *c)
{
	return c->fixed;
}

static void system_fill(const lz_random *self, void *buf, size_t n)
{
	(void)self;
	randombytes_buf(buf, n);
}

const lz_clock lz_system_clock = {system_now, 0};
const lz_random lz_system_random = {system_fill};

int64_t lz_clock_now(const lz_clock *c)
{
	return c->now(c);
}

void lz_random_fill(const lz_random *r, void *buf, size_t n)
{
	r->fill(r, buf, n);
}

/* Days from civil date (Howard Hinnant's algorithm), valid for all int32 years used. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t yy = (int64_t)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yy + (*m <= 2));
}

static int days_in_month(int y, unsigned m)
{
	static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : dim[m - 1];
}

/* Writes 'n' decimal digits of v, zero-padded (hot: every listed row has times). */
static void put_digits(char *out, int v, int n)
{
	for (int i = n - 1; i >= 0; i--, v /= 10)
		out[i] = (char)('0' + v % 10);
}

void lz_time_format(char out[21], int64_t t)
{
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int secs = (int)(t - days * 86400);
	int y;
	unsigned m, d;
	civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999)
		y = y < 0 ? 0 : 9999;
	memcpy(out, "0000-00-00T00:00:00Z", 21);
	put_digits(out, y, 4);
	put_digits(out + 5, (int)m, 2);
	put_digits(out + 8, (int)d, 2);
	put_digits(out + 11, secs / 3600, 2);
	put_digits(out + 14, secs / 60 % 60, 2);
	put_digits(out + 17, secs % 60, 2);
}

static int parse_digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

static int parse_ymd(const char *s, int *y, int *mo, int *d)
{
	if (parse_digits(s, 4, y) || s[4] != '-' || parse_digits(s + 5, 2, mo) || s[7] != '-' ||
	    parse_digits(s + 8, 2, d) || *mo < 1 || *mo > 12 || *d < 1 ||
	    *d > days_in_month(*y, (unsigned)*mo))
		return -1;
	return 0;
}

int lz_time_parse(int64_t *out, const char *s)
{
	int y, mo, d, h, mi, se, oh = 0, om = 0;
	const char *p;

	if (strlen(s) < 20 || parse_ymd(s, &y, &mo, &d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
	    parse_digits(s + 11, 2, &h) || s[13] != ':' || parse_digits(s + 14, 2, &mi) || s[16] != ':' ||
	    parse_digits(s + 17, 2, &se) || h > 23 || mi > 59 || se > 60)
		goto bad;
	p = s + 19;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			goto bad;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
		/* UTC */
	} else if ((*p == '+' || *p == '-') && !parse_digits(p + 1, 2, &oh) && p[3] == ':' &&
		   !parse_digits(p + 4, 2, &om) && p[6] == '\0' && oh < 24 && om < 60) {
		int sign = *p == '+' ? 1 : -1;
		oh *= sign;
		om *= sign;
	} else {
		goto bad;
	}
	*out = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + se -
	       (oh * 3600 + om * 60);
	return 0;
bad:
	return lz_error_set(LZ_EINVALID, NULL, "'%.40s' is not an RFC 3339 time", s);
}

int lz_date_parse(int32_t *out_days, const char *s)
{
	int y, mo, d;
	if (strlen(s) != 10 || parse_ymd(s, &y, &mo, &d))
		return lz_error_set(LZ_EINVALID, NULL, "'%.40s' is not a date (YYYY-MM-DD)", s);
	*out_days = (int32_t)days_from_civil(y, (unsigned)mo, (unsigned)d);
	return 0;
}

void lz_date_format(char out[11], int32_t days)
{
	int y;
	unsigned m, d;
	civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999)
		y = y < 0 ? 0 : 9999;
	memcpy(out, "0000-00-00", 11);
	put_digits(out, y, 4);
	put_digits(out + 5, (int)m, 2);
	put_digits(out + 8, (int)d, 2);
}
