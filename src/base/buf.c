/* buf.c — growable text, UTF-8 checks, hex. */
#include "base/buf.h"

#include "base/error.h"
#include "base/mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lz_buf_grow(lz_buf *b, size_t extra)
{
	if (b->len + extra + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + extra + 1)
		cap *= 2;
	b->ptr = lz_xrealloc(b->ptr, cap);
	b->cap = cap;
}

void lz_buf_put(lz_buf *b, const void *data, size_t n)
{
	lz_buf_grow(b, n);
	memcpy(b->ptr + b->len, data, n);
	b->len += n;
	b->ptr[b->len] = '\0';
}

void lz_buf_puts(lz_buf *b, const char *s)
{
	lz_buf_put(b, s, strlen(s));
}

void lz_buf_printf(lz_buf *b, const char *fmt, ...)
{
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	lz_buf_grow(b, (size_t)n);
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	b->len += (size_t)n;
}

void lz_buf_clear(lz_buf *b)
{
	b->len = 0;
	if (b->ptr)
		b->ptr[0] = '\0';
}

void lz_buf_dispose(lz_buf *b)
{
	free(b->ptr);
	b->ptr = NULL;
	b->len = b->cap = 0;
}

char *lz_buf_detach(lz_buf *b)
{
	char *p = b->ptr ? b->ptr : lz_xstrdup("");
	b->ptr = NULL;
	b->len = b->cap = 0;
	return p;
}

bool lz_str_eq(lz_str a, const char *b)
{
	size_t n = strlen(b);
	return a.len == n && memcmp(a.ptr, b, n) == 0;
}

bool lz_utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i];
		size_t need;
		unsigned cp;
		if (c == 0)
			return false;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			need = 1;
			cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			need = 2;
			cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			need = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (i + need >= n)
			return false;
		for (size_t k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((need == 1 && cp < 0x80) || (need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += need + 1;
	}
	return true;
}

int lz_text_check(const char *field, const char *s, bool required, size_t max_chars, size_t max_bytes)
{
	size_t n;
	bool blank = true;

	if (!s || !*s)
		return required ? lz_error_set(LZ_EINVALID, field, "%s is required", field) : 0;
	n = strlen(s);
	if (!lz_utf8_valid(s, n))
		return lz_error_set(LZ_EINVALID, field, "%s is not valid UTF-8", field);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			return lz_error_set(LZ_EINVALID, field, "%s contains a control character", field);
		if (c != ' ')
			blank = false;
	}
	if (required && blank)
		return lz_error_set(LZ_EINVALID, field, "%s is required", field);
	if (lz_utf8_len(s, n) > max_chars)
		return lz_error_set(LZ_EINVALID, field, "%s is longer than %zu characters", field, max_chars);
	if (max_bytes && n > max_bytes)
		return lz_error_set(LZ_EINVALID, field, "%s is longer than %zu bytes", field, max_bytes);
	return 0;
}

size_t lz_utf8_len(const char *s, size_t n)
{
	size_t count = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			count++;
	return count;
}

void lz_hex(char *out, const uint8_t *in, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int lz_unhex(uint8_t *out, size_t n, const char *hex)
{
	for (size_t i = 0; i < n; i++) {
		int hi = hexval(hex[2 * i]), lo = hi < 0 ? -1 : hexval(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return lz_error_set(LZ_EINVALID, NULL, "not a hex string of %zu bytes", n);
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	if (hex[2 * n] != '\0')
		return lz_error_set(LZ_EINVALID, NULL, "not a hex string of %zu bytes", n);
	return 0;
}
