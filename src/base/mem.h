/*
 * mem.h — allocation that never returns NULL: running out of memory aborts, as in
 * Redis, tmux and h2o, so no caller checks. And the request pool (an arena): what is
 * allocated while serving one request comes from it and is released at once.
 */
#ifndef LZ_BASE_MEM_H
#define LZ_BASE_MEM_H

#include <stddef.h>

void *lz_xmalloc(size_t n);
void *lz_xcalloc(size_t n, size_t size);
void *lz_xrealloc(void *p, size_t n);
char *lz_xstrdup(const char *s);
char *lz_xstrndup(const char *s, size_t n);

typedef struct lz_pool lz_pool;
typedef void (*lz_cleanup_fn)(void *arg);

lz_pool *lz_pool_new(void);
/* Runs the registered cleanups (last first) and frees every block. Accepts NULL. */
void lz_pool_free(lz_pool *p);
void *lz_pool_alloc(lz_pool *p, size_t n);
char *lz_pool_strdup(lz_pool *p, const char *s);
char *lz_pool_strndup(lz_pool *p, const char *s, size_t n);
char *lz_pool_printf(lz_pool *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Registers fn(arg) to run when the pool is freed. */
void lz_pool_cleanup(lz_pool *p, lz_cleanup_fn fn, void *arg);

#endif
