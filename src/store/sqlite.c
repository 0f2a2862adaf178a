/*
 * sqlite.c — the SQLite backend. WAL journal, foreign keys on, a busy timeout, and
 * synchronous=FULL: in WAL mode NORMAL may lose the last commits on power loss, and
 * luzhi acknowledges a write only once it is durable (DESIGN.md invariant 8).
 * Write transactions start with BEGIN IMMEDIATE so that two writers never deadlock
 * upgrading read locks; SQLite serialises them, which also makes the hash chains'
 * "read the head, append after it" safe.
 */
#include "store/store_int.h"

#include "base/log.h"
#include "base/mem.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#define CACHE_SIZE 128

typedef struct sq_stmt {
	lz_stmt base;
	sqlite3_stmt *st;
	const char *sql; /* cache key: the address of the statement's text */
	bool busy;
} sq_stmt;

typedef struct {
	lz_conn base;
	sqlite3 *db;
	sq_stmt *cache[CACHE_SIZE];
	int ncache;
} sq_conn;

static int db_error(sqlite3 *db, const char *what)
{
	int code = sqlite3_extended_errcode(db);
	const char *msg = sqlite3_errmsg(db);

	if ((code & 0xff) == SQLITE_CONSTRAINT) {
		lz_log(LZ_LOG_DEBUG, NULL, "sqlite: %s: %s", what, msg);
		return lz_error_set(LZ_ECONFLICT, NULL, "the change conflicts with stored data (%s)", msg);
	}
	if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED) {
		lz_log(LZ_LOG_WARN, NULL, "sqlite: %s: %s", what, msg);
		return lz_error_set(LZ_EUNAVAILABLE, NULL, "the store is busy; try again");
	}
	lz_log(LZ_LOG_ERROR, NULL, "sqlite: %s: %s (code %d)", what, msg, code);
	return lz_error_set(LZ_EDB, NULL, "store error: %s", msg);
}

static int sq_exec(lz_conn *c, const char *sql)
{
	sq_conn *sc = (sq_conn *)c;
	if (sqlite3_exec(sc->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_error(sc->db, "exec");
	return 0;
}

static int sq_open(lz_conn **out, const char *target, const lz_db_opts *opts)
{
	sq_conn *c = lz_xcalloc(1, sizeof(*c));
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (opts->create ? SQLITE_OPEN_CREATE : 0);
	int error;

	*out = NULL;
	c->base.ops = &lz_sqlite_ops;
	if (sqlite3_open_v2(target, &c->db, flags, NULL) != SQLITE_OK) {
		error = lz_error_set(LZ_EDB, "db", "cannot open the store '%s': %s", target,
				     c->db ? sqlite3_errmsg(c->db) : "out of memory");
		sqlite3_close(c->db);
		free(c);
		return error;
	}
	sqlite3_busy_timeout(c->db, opts->acquire_timeout_ms > 0 ? opts->acquire_timeout_ms : 5000);
	sqlite3_extended_result_codes(c->db, 1);
	/* Keep each statement's plan: without this SQLite re-plans a statement whenever a
	 * parameter used by LIKE is rebound, which every scoped list does. */
	sqlite3_db_config(c->db, SQLITE_DBCONFIG_ENABLE_QPSG, 1, (int *)NULL);
	/* secure_delete: deleted and overwritten content is zeroed, so erased personal
	 * data (lz_beneficiary_erase) leaves no bytes behind in free space. Debian's
	 * SQLite has it on by default; saying so keeps it on with any build.
	 * mmap_size: reads map the file (up to 1 GiB) instead of copying pages out of the
	 * OS cache with pread — a fifth of the public lookup's time at a million cases.
	 * Writes still go through the journal and write(), so durability is unchanged. */
	if ((error = sq_exec(&c->base, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
				       "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY; "
				       "PRAGMA cache_size=-16000; PRAGMA secure_delete=ON; "
				       "PRAGMA mmap_size=1073741824")) < 0) {
		sqlite3_close(c->db);
		free(c);
		return error;
	}
	*out = &c->base;
	return 0;
}

static void sq_close(lz_conn *c)
{
	sq_conn *sc = (sq_conn *)c;
	for (int i = 0; i < sc->ncache; i++) {
		sqlite3_finalize(sc->cache[i]->st);
		free(sc->cache[i]);
	}
	sqlite3_close(sc->db);
	free(sc);
}

static int sq_prepare(lz_stmt **out, lz_conn *c, const char *sql)
{
	sq_conn *sc = (sq_conn *)c;
	sq_stmt *s = NULL;

	for (int i = 0; i < sc->ncache; i++)
		if (sc->cache[i]->sql == sql && !sc->cache[i]->busy) {
			s = sc->cache[i];
			break;
		}
	if (!s) {
		s = lz_xcalloc(1, sizeof(*s));
		s->base.ops = &lz_sqlite_ops;
		s->base.conn = c;
		s->sql = sql;
		if (sqlite3_prepare_v3(sc->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->st, NULL) != SQLITE_OK) {
			int error = db_error(sc->db, "prepare");
			free(s);
			return error;
		}
		if (sc->ncache < CACHE_SIZE)
			sc->cache[sc->ncache++] = s;
		else
			s->sql = NULL; /* uncached: finished for good in sq_finish */
	}
	s->busy = true;
	*out = &s->base;
	return 0;
}

static int bind_rc(lz_stmt *s, int rc)
{
	if (rc != SQLITE_OK)
		return db_error(((sq_conn *)s->conn)->db, "bind");
	return 0;
}

static int sq_bind_int(lz_stmt *s, int idx, int64_t v)
{
	return bind_rc(s, sqlite3_bind_int64(((sq_stmt *)s)->st, idx, v));
}

static int sq_bind_text(lz_stmt *s, int idx, const char *v, size_t n)
{
	return bind_rc(s, sqlite3_bind_text(((sq_stmt *)s)->st, idx, v, (int)n, SQLITE_TRANSIENT));
}

static int sq_bind_blob(lz_stmt *s, int idx, const void *v, size_t n)
{
	return bind_rc(s, sqlite3_bind_blob(((sq_stmt *)s)->st, idx, v, (int)n, SQLITE_TRANSIENT));
}

static int sq_bind_null(lz_stmt *s, int idx)
{
	return bind_rc(s, sqlite3_bind_null(((sq_stmt *)s)->st, idx));
}

static int sq_step(lz_stmt *s)
{
	int rc = sqlite3_step(((sq_stmt *)s)->st);
	if (rc == SQLITE_ROW)
		return LZ_ROW;
	if (rc == SQLITE_DONE)
		return LZ_DONE;
	return db_error(((sq_conn *)s->conn)->db, "step");
}

static int sq_column_count(lz_stmt *s)
{
	return sqlite3_column_count(((sq_stmt *)s)->st);
}

static bool sq_is_null(lz_stmt *s, int col)
{
	return sqlite3_column_type(((sq_stmt *)s)->st, col) == SQLITE_NULL;
}

static int64_t sq_column_int(lz_stmt *s, int col)
{
	return sqlite3_column_int64(((sq_stmt *)s)->st, col);
}

static const char *sq_column_text(lz_stmt *s, int col)
{
	return (const char *)sqlite3_column_text(((sq_stmt *)s)->st, col);
}

static const void *sq_column_blob(lz_stmt *s, int col, size_t *len)
{
	sqlite3_stmt *st = ((sq_stmt *)s)->st;
	const void *p = sqlite3_column_blob(st, col);
	*len = (size_t)sqlite3_column_bytes(st, col);
	return p;
}

static void sq_finish(lz_stmt *s)
{
	sq_stmt *ss = (sq_stmt *)s;
	sqlite3_reset(ss->st);
	sqlite3_clear_bindings(ss->st);
	ss->busy = false;
	if (!ss->sql) {
		sqlite3_finalize(ss->st);
		free(ss);
	}
}

static int sq_begin(lz_conn *c, lz_tx_mode mode)
{
	return sq_exec(c, mode == LZ_TX_WRITE ? "BEGIN IMMEDIATE" : "BEGIN");
}

static int sq_commit(lz_conn *c)
{
	return sq_exec(c, "COMMIT");
}

static void sq_rollback(lz_conn *c)
{
	sq_conn *sc = (sq_conn *)c;
	if (!sqlite3_get_autocommit(sc->db))
		sqlite3_exec(sc->db, "ROLLBACK", NULL, NULL, NULL);
}

static bool sq_table_exists(lz_conn *c, const char *table)
{
	sq_conn *sc = (sq_conn *)c;
	return sqlite3_table_column_metadata(sc->db, NULL, table, NULL, NULL, NULL, NULL, NULL, NULL) ==
	       SQLITE_OK;
}

static char sq_column_kind(lz_stmt *s, int col)
{
	switch (sqlite3_column_type(((sq_stmt *)s)->st, col)) {
	case SQLITE_INTEGER:
		return 'i';
	case SQLITE_TEXT:
		return 't';
	case SQLITE_BLOB:
		return 'b';
	case SQLITE_NULL:
		return 'n';
	default:
		return 't'; /* luzhi stores no floating point */
	}
}

static int sq_sync_ids(lz_conn *c, const char *table, const char *column)
{
	(void)c;
	(void)table;
	(void)column; /* SQLite's rowids continue after the largest by themselves */
	return 0;
}

const lz_store_ops lz_sqlite_ops = {
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.exec = sq_exec,
	.prepare = sq_prepare,
	.bind_int = sq_bind_int,
	.bind_text = sq_bind_text,
	.bind_blob = sq_bind_blob,
	.bind_null = sq_bind_null,
	.step = sq_step,
	.column_count = sq_column_count,
	.is_null = sq_is_null,
	.column_int = sq_column_int,
	.column_text = sq_column_text,
	.column_blob = sq_column_blob,
	.finish = sq_finish,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.table_exists = sq_table_exists,
	.column_kind = sq_column_kind,
	.sync_ids = sq_sync_ids,
};
