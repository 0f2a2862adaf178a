/* store_int.h — what the generic store layer and its backends share. */
#ifndef LZ_STORE_INT_H
#define LZ_STORE_INT_H

#include "store/store.h"

/* Every backend's connection and statement begin with these headers. */
struct lz_conn {
	const lz_store_ops *ops;
	bool in_tx;
	struct lz_conn *next_free;
};

struct lz_stmt {
	const lz_store_ops *ops;
	lz_conn *conn;
};

extern const lz_store_ops lz_sqlite_ops;
extern const lz_store_ops lz_pg_ops;

/* Translates portable SQL for PostgreSQL (pg.c); 'ddl' also maps column types.
 * Returns a malloc'd string and the number of placeholders. */
char *lz_pg__translate(const char *sql, bool ddl, int *nparams);

/* Generated at build time (tools/embed.c) from src/store/migrations/NNN_name.sql:
 * the version is the file's number, the name its file name. */
typedef struct {
	const char *path;
	const unsigned char *data;
	size_t len;
} lz_embedded;

extern const lz_embedded lz_migration_files[];
extern const int lz_migration_files_count;

#endif
