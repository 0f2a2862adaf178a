/* log.c — line-at-a-time logging to standard error. */
#include "base/log.h"

#include "base/clock.h"

#include <stdarg.h>
#include <stdio.h>

static lz_log_level min_level = LZ_LOG_INFO;

void lz_log_set_level(lz_log_level level)
{
	min_level = level;
}

void lz_log(lz_log_level level, const char *request_id, const char *fmt, ...)
{
	static const char *const names[] = {"debug", "info", "warn", "error"};
	char line[1024], when[21];
	va_list ap;
	int n;

	if (level < min_level)
		return;
	lz_time_format(when, lz_clock_now(&lz_system_clock));
	n = snprintf(line, sizeof(line), "%s %s [%s] ", when, names[level], request_id ? request_id : "-");
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	/* One fputs per line: stdio locks the stream, so lines never interleave. */
	fprintf(stderr, "%s\n", line);
}
