/*
 * buf.h — owned growable text (lz_buf) and borrowed slices (lz_str).
 */
#ifndef LZ_BASE_BUF_H
#define LZ_BASE_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
	const char *ptr;
	size_t len;
} lz_str;

#define LZ_STR(lit) ((lz_str){(lit), sizeof(lit) - 1})

typedef struct {
	char *ptr; /* always NUL-terminated once anything was added */
	size_t len, cap;
} lz_buf;

#define LZ_BUF_INIT {NULL, 0, 0}

void lz_buf_grow(lz_buf *b, size_t extra);
void lz_buf_put(lz_buf *b, const void *data, size_t n);
void lz_buf_puts(lz_buf *b, const char *s);
void lz_buf_printf(lz_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void lz_buf_clear(lz_buf *b);
/* Frees the contents; the buffer may be reused after. */
void lz_buf_dispose(lz_buf *b);
/* Hands the text to the caller (free() it) and leaves the buffer empty. */
char *lz_buf_detach(lz_buf *b);

bool lz_str_eq(lz_str a, const char *b);

/* True when 's' (n bytes) is well-formed UTF-8 with no NUL and no overlong forms. */
bool lz_utf8_valid(const char *s, size_t n);
/*
 * Checks a text field as every domain does: present and not blank when 'required'
 * (NULL or "" is absent), well-formed UTF-8, no control characters, at most
 * 'max_chars' code points and, when 'max_bytes' is not 0, at most that many bytes.
 * LZ_EINVALID naming 'field' otherwise.
 */
int lz_text_check(const char *field, const char *s, bool required, size_t max_chars, size_t max_bytes)
	__attribute__((warn_unused_result));

/* Number of code points in well-formed UTF-8 text. */
size_t lz_utf8_len(const char *s, size_t n);

/* Lower-case hex of n bytes into out (2n+1 bytes). */
void lz_hex(char *out, const uint8_t *in, size_t n);
/* Parses 2n hex digits; returns 0 or LZ_EINVALID. */
int lz_unhex(uint8_t *out, size_t n, const char *hex);

#endif
