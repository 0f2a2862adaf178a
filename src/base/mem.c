/* mem.c — aborting allocators and the request pool. */
#include "base/mem.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(size_t n)
{
	fprintf(stderr, "luzhi: out of memory allocating %zu bytes\n", n);
	abort();
}

void *lz_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *lz_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom(n * size);
	return p;
}

void *lz_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom(n);
	return q;
}

char *lz_xstrndup(const char *s, size_t n)
{
	char *d = lz_xmalloc(n + 1);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *lz_xstrdup(const char *s)
{
	return lz_xstrndup(s, strlen(s));
}

/* ---------------------------------------------------------------- pool */

#define POOL_BLOCK 8192

typedef struct block {
	struct block *next;
	size_t used, size;
	max_align_t data[];
} block;

typedef struct cleanup {
	struct cleanup *next;
	lz_cleanup_fn fn;
	void *arg;
} cleanup;

struct lz_pool {
	block *head;
	cleanup *cleanups;
};

lz_pool *lz_pool_new(void)
{
	return lz_xcalloc(1, sizeof(lz_pool));
}

void lz_pool_free(lz_pool *p)
{
	if (!p)
		return;
	for (cleanup *c = p->cleanups; c; c = c->next)
		c->fn(c->arg);
	for (block *b = p->head, *next; b; b = next) {
		next = b->next;
		free(b);
	}
	free(p);
}

void *lz_pool_alloc(lz_pool *p, size_t n)
{
	size_t align = sizeof(max_align_t);
	n = (n + align - 1) & ~(align - 1);
	if (!p->head || p->head->size - p->head->used < n) {
		size_t size = n > POOL_BLOCK ? n : POOL_BLOCK;
		block *b = lz_xmalloc(sizeof(block) + size);
		b->used = 0;
		b->size = size;
		b->next = p->head;
		p->head = b;
	}
	void *r = (char *)p->head->data + p->head->used;
	p->head->used += n;
	return r;
}

char *lz_pool_strndup(lz_pool *p, const char *s, size_t n)
{
	char *d = lz_pool_alloc(p, n + 1);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *lz_pool_strdup(lz_pool *p, const char *s)
{
	return lz_pool_strndup(p, s, strlen(s));
}

char *lz_pool_printf(lz_pool *p, const char *fmt, ...)
{
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *d = lz_pool_alloc(p, (size_t)n + 1);
	vsnprintf(d, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	return d;
}

void lz_pool_cleanup(lz_pool *p, lz_cleanup_fn fn, void *arg)
{
	cleanup *c = lz_pool_alloc(p, sizeof(cleanup));
	c->fn = fn;
	c->arg = arg;
	c->next = p->cleanups;
	p->cleanups = c;
}
