/*
 * store.h — the storage interface every domain module writes to. It is backend
 * neutral: a domain prepares portable SQL with '?' placeholders, binds, steps and
 * reads typed columns, inside transactions. The SQLite backend (sqlite.c) is the
 * default; a PostgreSQL backend plugs in through the same operations table.
 *
 * Usage:
 *	lz_stmt *s;
 *	if ((error = lz_stmt_prepare(&s, conn, sql[Q_STAFF_GET])) < 0)
 *		goto done;
 *	lz_stmt_bindv(s, "ii", bureau_id, id);
 *	while ((rc = lz_stmt_step(s)) == LZ_ROW)
 *		name = lz_stmt_text(s, 0);
 *	lz_stmt_finish(s);
 *
 * Statements are cached per connection, keyed by the address of their SQL text, so
 * SQL must live in static tables (which is where it belongs anyway).
 */
#ifndef LZ_STORE_STORE_H
#define LZ_STORE_STORE_H

#include "base/error.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct lz_db lz_db;
typedef struct lz_conn lz_conn;
typedef struct lz_stmt lz_stmt;

#define LZ_ROW 1
#define LZ_DONE 0

typedef enum { LZ_TX_READ, LZ_TX_WRITE } lz_tx_mode;

typedef struct {
	int pool_size;       /* connections; one per request in flight */
	int acquire_timeout_ms;
	bool create;         /* create the store when it does not exist */
} lz_db_opts;

#define LZ_DB_OPTS_INIT {8, 5000, true}

/* The operations a backend provides; see sqlite.c. */
typedef struct lz_store_ops {
	const char *name;
	int (*open)(lz_conn **out, const char *target, const lz_db_opts *opts);
	void (*close)(lz_conn *c);
	int (*check)(lz_conn *c); /* optional: revive a broken connection before use */
	int (*exec)(lz_conn *c, const char *sql);
	int (*prepare)(lz_stmt **out, lz_conn *c, const char *sql);
	int (*bind_int)(lz_stmt *s, int idx, int64_t v);
	int (*bind_text)(lz_stmt *s, int idx, const char *v, size_t n);
	int (*bind_blob)(lz_stmt *s, int idx, const void *v, size_t n);
	int (*bind_null)(lz_stmt *s, int idx);
	int (*step)(lz_stmt *s);
	int (*column_count)(lz_stmt *s);
	bool (*is_null)(lz_stmt *s, int col);
	int64_t (*column_int)(lz_stmt *s, int col);
	const char *(*column_text)(lz_stmt *s, int col);
	const void *(*column_blob)(lz_stmt *s, int col, size_t *len);
	void (*finish)(lz_stmt *s);
	int (*begin)(lz_conn *c, lz_tx_mode mode);
	int (*commit)(lz_conn *c);
	void (*rollback)(lz_conn *c);
	bool (*table_exists)(lz_conn *c, const char *table);
	/* The kind of a result column's value: 'n' null, 'i' integer, 't' text, 'b' blob. */
	char (*column_kind)(lz_stmt *s, int col);
	/* After rows were inserted with explicit ids: let new ids continue after them. */
	int (*sync_ids)(lz_conn *c, const char *table, const char *column);
} lz_store_ops;

/*
 * Opens a store. 'url' is "sqlite:PATH", a plain PATH (SQLite), or
 * "postgres://…" / "postgresql://…" (PostgreSQL, any libpq URI). Applies no migrations: call
 * lz_db_migrate. The caller owns *out.
 */
int lz_db_open(lz_db **out, const char *url, const lz_db_opts *opts) LZ_MUST_USE;
void lz_db_close(lz_db *db);
const char *lz_db_backend(const lz_db *db);

/* Takes a connection from the pool, waiting up to the configured time (then
 * LZ_EUNAVAILABLE). Give it back with lz_db_release. */
int lz_db_acquire(lz_conn **out, lz_db *db) LZ_MUST_USE;
void lz_db_release(lz_db *db, lz_conn *c);

/* Applies the embedded migrations that are not yet applied, each in its own
 * transaction. *applied (may be NULL) receives how many were applied. */
int lz_db_migrate(lz_db *db, int *applied) LZ_MUST_USE;
/* The schema version of the store (0 when empty). */
int lz_db_version(lz_db *db, int *out) LZ_MUST_USE;
int lz_migrations_latest(void);

int lz_conn_exec(lz_conn *c, const char *sql) LZ_MUST_USE;
int lz_conn_begin(lz_conn *c, lz_tx_mode mode) LZ_MUST_USE;
int lz_conn_commit(lz_conn *c) LZ_MUST_USE;
void lz_conn_rollback(lz_conn *c);
bool lz_conn_in_tx(const lz_conn *c);

int lz_stmt_prepare(lz_stmt **out, lz_conn *c, const char *sql) LZ_MUST_USE;
/*
 * Binds parameters 1..n from a format: 'i' int64_t, 'I' int64_t where 0 means NULL
 * (optional ids), 't' const char * (NULL binds NULL), 'b' const void *, size_t
 * (a blob), 'n' NULL.
 */
int lz_stmt_bindv(lz_stmt *s, const char *fmt, ...) LZ_MUST_USE;
int lz_stmt_bind_int(lz_stmt *s, int idx, int64_t v) LZ_MUST_USE;
int lz_stmt_bind_text(lz_stmt *s, int idx, const char *v) LZ_MUST_USE;
int lz_stmt_bind_blob(lz_stmt *s, int idx, const void *v, size_t n) LZ_MUST_USE;
int lz_stmt_bind_null(lz_stmt *s, int idx) LZ_MUST_USE;
/* LZ_ROW, LZ_DONE, or a negative error. */
int lz_stmt_step(lz_stmt *s) LZ_MUST_USE;
bool lz_stmt_is_null(lz_stmt *s, int col);
int64_t lz_stmt_int(lz_stmt *s, int col);
/* Borrowed until the next step or finish; "" for NULL. */
const char *lz_stmt_text(lz_stmt *s, int col);
/* NULL for a NULL column. */
const char *lz_stmt_text_or_null(lz_stmt *s, int col);
const void *lz_stmt_blob(lz_stmt *s, int col, size_t *len);
/* Resets the statement and returns it to the connection's cache. Accepts NULL. */
void lz_stmt_finish(lz_stmt *s);

/* ---------------------------------------------------------------- copying */

typedef struct {
	const char *table;
	int64_t rows;
} lz_copy_count;

/*
 * Copies every table of a store into another, empty, migrated store of any
 * backend, in batches, rows in key order, and checks the counts on both sides.
 * 'counts' (may be NULL) receives one entry per table, up to 'max'; *ncounts how
 * many. Refuses (LZ_ECONFLICT) a target that holds data or a source with a table
 * this version does not know. Progress lines go to 'progress' (may be NULL).
 */
int lz_store_copy(lz_db *from, lz_db *to, lz_copy_count *counts, int max, int *ncounts, FILE *progress) LZ_MUST_USE;

/*
 * Runs a statement that returns at most one row and no columns of interest,
 * or one integer (RETURNING id, COUNT(*)). *out may be NULL. LZ_ENOTFOUND when
 * 'want_row' and no row came back.
 */
int lz_exec_int(int64_t *out, lz_conn *c, const char *sql, bool want_row, const char *fmt, ...) LZ_MUST_USE;

#endif
