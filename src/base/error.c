/* error.c — the thread-local last error. */
#include "base/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local lz_error last;

int lz_error_set(int code, const char *field, const char *fmt, ...)
{
	va_list ap;

	last.code = code;
	if (field)
		snprintf(last.field, sizeof(last.field), "%s", field);
	else
		last.field[0] = '\0';
	va_start(ap, fmt);
	vsnprintf(last.message, sizeof(last.message), fmt, ap);
	va_end(ap);
	return code;
}

const lz_error *lz_error_last(void)
{
	return &last;
}

void lz_error_clear(void)
{
	memset(&last, 0, sizeof(last));
}

static const char *const names[] = {
	[0] = "ok",
	[-LZ_EINVALID] = "invalid_field",
	[-LZ_EMALFORMED] = "malformed",
	[-LZ_ENOTFOUND] = "not_found",
	[-LZ_ECONFLICT] = "conflict",
	[-LZ_EFORBIDDEN] = "forbidden",
	[-LZ_EAUTH] = "unauthenticated",
	[-LZ_ETHROTTLED] = "throttled",
	[-LZ_ETOOBIG] = "too_large",
	[-LZ_ETAMPERED] = "tampered",
	[-LZ_EDB] = "store_error",
	[-LZ_EIO] = "io_error",
	[-LZ_EUNAVAILABLE] = "unavailable",
	[-LZ_EINTERNAL] = "internal",
};

const char *lz_error_name(int code)
{
	if (code > 0 || -code >= (int)(sizeof(names) / sizeof(names[0])) || !names[-code])
		return "internal";
	return names[-code];
}
