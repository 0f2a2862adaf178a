/*
 * pg.c — the PostgreSQL backend, through libpq.
 *
 * Domain SQL is portable: '?' placeholders, INTEGER/TEXT/BLOB, RETURNING. This file
 * translates it, never the domain code:
 * - placeholders '?' become $1, $2, … (outside quoted literals);
 * - LIKE becomes ILIKE, so that text search is case-insensitive as it is on SQLite;
 * - in migrations (exec), INTEGER becomes BIGINT (ids, money and times are 64-bit),
 *   "INTEGER PRIMARY KEY" an identity column, and BLOB becomes BYTEA.
 * Parameters travel as text, blobs as binary; results come back as text and bytea is
 * unescaped. Each statement is prepared once per connection (named s<N>).
 *
 * Transactions: a write transaction takes a transaction-scoped advisory lock, so
 * writers are serialised exactly as SQLite's BEGIN IMMEDIATE serialises them. The
 * audit log is one hash chain, so its appends must be serialised anyway; holding the
 * lock from the start means no write transaction ever fails on a serialization
 * conflict or a deadlock halfway. Read transactions run at REPEATABLE READ, one
 * snapshot for all their statements.
 *
 * A connection that breaks (server restart, network) answers LZ_EUNAVAILABLE (503)
 * and is reset the next time the pool hands it out.
 */
#include "store/store_int.h"

#include "base/buf.h"
#include "base/log.h"
#include "base/mem.h"

#include <ctype.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_PARAMS 32
/* Every connection's settings: quiet notices, UTC, and a bound on how long a writer
 * waits for the writers' lock (a stuck writer must not hang every request). */
#define SESSION_SETUP "SET client_min_messages = warning; SET TIME ZONE 'UTC'; SET lock_timeout = '10s'"

/* Any constant: the key of the advisory lock that write transactions hold. */
#define LOCK_KEY_TEXT "7303385"

typedef struct pg_stmt {
	lz_stmt base;
	const char *sql; /* cache key: the address of the portable text */
	char name[16];
	int nparams;
	bool busy;
	/* parameters of the next execution */
	char *values[MAX_PARAMS];
	int lengths[MAX_PARAMS], formats[MAX_PARAMS];
	/* the current result */
	PGresult *res;
	int row, nrows;
	/* unescaped bytea values of the current row: valid, as on SQLite, until the
	 * next step or finish */
	unsigned char *blobs[MAX_PARAMS];
	int nblobs;
	struct pg_stmt *next;
} pg_stmt;

typedef struct {
	lz_conn base;
	PGconn *pg;
	pg_stmt *stmts;
	int nstmts;
	bool prepared_ok; /* false after a reset: statements must be prepared again */
} pg_conn;

static int pg_fail(pg_conn *c, PGresult *res, const char *what)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(c->pg);
	char clean[300];
	snprintf(clean, sizeof(clean), "%s", msg ? msg : "");
	clean[strcspn(clean, "\n")] = '\0';

	if (PQstatus(c->pg) != CONNECTION_OK || (state && strncmp(state, "08", 2) == 0) ||
	    (state && strncmp(state, "57P", 3) == 0)) {
		lz_log(LZ_LOG_WARN, NULL, "postgres: %s: connection lost: %s", what, clean);
		return lz_error_set(LZ_EUNAVAILABLE, NULL, "the store is unavailable; try again");
	}
	if (state && strncmp(state, "23", 2) == 0) {
		lz_log(LZ_LOG_DEBUG, NULL, "postgres: %s: %s", what, clean);
		return lz_error_set(LZ_ECONFLICT, NULL, "the change conflicts with stored data (%s)", clean);
	}
	if (state && (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 || strcmp(state, "55P03") == 0)) {
		lz_log(LZ_LOG_WARN, NULL, "postgres: %s: %s", what, clean);
		return lz_error_set(LZ_EUNAVAILABLE, NULL, "the store is busy; try again");
	}
	lz_log(LZ_LOG_ERROR, NULL, "postgres: %s: %s (SQLSTATE %s)", what, clean, state ? state : "-");
	return lz_error_set(LZ_EDB, NULL, "store error: %s", clean);
}

/* ---------------------------------------------------------------- SQL translation */

static bool word_at(const char *p, const char *start, const char *word)
{
	size_t n = strlen(word);
	if (strncasecmp(p, word, n) != 0)
		return false;
	bool left = p == start || !(isalnum((unsigned char)p[-1]) || p[-1] == '_');
	bool right = !(isalnum((unsigned char)p[n]) || p[n] == '_');
	return left && right;
}

/*
 * Translates portable SQL for PostgreSQL. 'ddl' also maps column types. Returns a
 * malloc'd string; *nparams receives the number of placeholders.
 */
char *lz_pg__translate(const char *sql, bool ddl, int *nparams)
{
	lz_buf b = LZ_BUF_INIT;
	int n = 0;
	char quote = 0;

	for (const char *p = sql; *p;) {
		if (quote) {
			lz_buf_put(&b, p, 1);
			if (*p == quote)
				quote = 0;
			p++;
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
			lz_buf_put(&b, p++, 1);
		} else if (*p == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				lz_buf_put(&b, p++, 1);
		} else if (*p == '?') {
			lz_buf_printf(&b, "$%d", ++n);
			p++;
		} else if (word_at(p, sql, "LIKE")) {
			lz_buf_puts(&b, "ILIKE");
			p += 4;
		} else if (ddl && word_at(p, sql, "INTEGER PRIMARY KEY")) {
			lz_buf_puts(&b, "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
			p += strlen("INTEGER PRIMARY KEY");
		} else if (ddl && word_at(p, sql, "INTEGER")) {
			lz_buf_puts(&b, "BIGINT");
			p += 7;
		} else if (ddl && word_at(p, sql, "BLOB")) {
			lz_buf_puts(&b, "BYTEA");
			p += 4;
		} else {
			lz_buf_put(&b, p++, 1);
		}
	}
	if (nparams)
		*nparams = n;
	return lz_buf_detach(&b);
}

/* ---------------------------------------------------------------- connections */

static int pg_open(lz_conn **out, const char *target, const lz_db_opts *opts)
{
	pg_conn *c = lz_xcalloc(1, sizeof(*c));
	(void)opts;

	*out = NULL;
	c->base.ops = &lz_pg_ops;
	c->pg = PQconnectdb(target);
	if (PQstatus(c->pg) != CONNECTION_OK) {
		char msg[300];
		snprintf(msg, sizeof(msg), "%s", PQerrorMessage(c->pg));
		msg[strcspn(msg, "\n")] = '\0';
		PQfinish(c->pg);
		free(c);
		return lz_error_set(LZ_EUNAVAILABLE, "db", "cannot connect to PostgreSQL: %s", msg);
	}
	PGresult *r = PQexec(c->pg, SESSION_SETUP);
	PQclear(r);
	c->prepared_ok = true;
	*out = &c->base;
	return 0;
}

static void free_blobs(pg_stmt *s)
{
	for (int i = 0; i < s->nblobs; i++)
		PQfreemem(s->blobs[i]);
	s->nblobs = 0;
}

static void stmt_clear_result(pg_stmt *s)
{
	PQclear(s->res);
	s->res = NULL;
	free_blobs(s);
	s->row = -1;
	s->nrows = 0;
}

static void stmt_clear_params(pg_stmt *s)
{
	for (int i = 0; i < MAX_PARAMS; i++) {
		free(s->values[i]);
		s->values[i] = NULL;
		s->lengths[i] = s->formats[i] = 0;
	}
}

static void pg_close(lz_conn *conn)
{
	pg_conn *c = (pg_conn *)conn;
	for (pg_stmt *s = c->stmts, *next; s; s = next) {
		next = s->next;
		stmt_clear_result(s);
		stmt_clear_params(s);
		free(s);
	}
	PQfinish(c->pg);
	free(c);
}

static int pg_exec(lz_conn *conn, const char *sql)
{
	pg_conn *c = (pg_conn *)conn;
	char *t = lz_pg__translate(sql, true, NULL);
	PGresult *r = PQexec(c->pg, t);
	int error = 0;
	ExecStatusType st = PQresultStatus(r);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		error = pg_fail(c, r, "exec");
	PQclear(r);
	free(t);
	return error;
}

/* A connection that broke is reset when the pool hands it out again. */
static int pg_check(lz_conn *conn)
{
	pg_conn *c = (pg_conn *)conn;
	if (PQstatus(c->pg) == CONNECTION_OK)
		return 0;
	PQreset(c->pg);
	if (PQstatus(c->pg) != CONNECTION_OK)
		return lz_error_set(LZ_EUNAVAILABLE, NULL, "the store is unavailable; try again");
	lz_log(LZ_LOG_INFO, NULL, "postgres: connection re-established");
	c->prepared_ok = false;
	PGresult *r = PQexec(c->pg, SESSION_SETUP);
	PQclear(r);
	return 0;
}

/* ---------------------------------------------------------------- statements */

static int prepare_on_server(pg_conn *c, pg_stmt *s)
{
	int n;
	char *t = lz_pg__translate(s->sql, false, &n);
	PGresult *r = PQprepare(c->pg, s->name, t, n, NULL);
	int error = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : pg_fail(c, r, "prepare");
	PQclear(r);
	free(t);
	s->nparams = n;
	return error;
}

static int pg_prepare(lz_stmt **out, lz_conn *conn, const char *sql)
{
	pg_conn *c = (pg_conn *)conn;
	pg_stmt *s;
	int error;

	if (!c->prepared_ok) {
		/* After a reset the server forgot every prepared statement. */
		for (s = c->stmts; s; s = s->next)
			s->nparams = -1;
		c->prepared_ok = true;
	}
	for (s = c->stmts; s; s = s->next)
		if (s->sql == sql && !s->busy)
			break;
	if (!s) {
		s = lz_xcalloc(1, sizeof(*s));
		s->base.ops = &lz_pg_ops;
		s->base.conn = conn;
		s->sql = sql;
		s->nparams = -1;
		snprintf(s->name, sizeof(s->name), "s%d", c->nstmts++);
		s->next = c->stmts;
		c->stmts = s;
	}
	if (s->nparams < 0 && (error = prepare_on_server(c, s)) < 0)
		return error;
	if (s->nparams > MAX_PARAMS)
		return lz_error_set(LZ_EINTERNAL, NULL, "a statement has more than %d parameters", MAX_PARAMS);
	s->busy = true;
	s->row = -1;
	*out = &s->base;
	return 0;
}

static int set_param(lz_stmt *st, int idx, char *value, int len, int format)
{
	pg_stmt *s = (pg_stmt *)st;
	if (idx < 1 || idx > MAX_PARAMS) {
		free(value);
		return lz_error_set(LZ_EINTERNAL, NULL, "parameter %d out of range", idx);
	}
	free(s->values[idx - 1]);
	s->values[idx - 1] = value;
	s->lengths[idx - 1] = len;
	s->formats[idx - 1] = format;
	return 0;
}

static int pg_bind_int(lz_stmt *s, int idx, int64_t v)
{
	char buf[24];
	int n = snprintf(buf, sizeof(buf), "%lld", (long long)v);
	return set_param(s, idx, lz_xstrndup(buf, (size_t)n), n, 0);
}

static int pg_bind_text(lz_stmt *s, int idx, const char *v, size_t n)
{
	return set_param(s, idx, lz_xstrndup(v, n), (int)n, 0);
}

static int pg_bind_blob(lz_stmt *s, int idx, const void *v, size_t n)
{
	char *copy = lz_xmalloc(n ? n : 1);
	memcpy(copy, v, n);
	return set_param(s, idx, copy, (int)n, 1);
}

static int pg_bind_null(lz_stmt *s, int idx)
{
	return set_param(s, idx, NULL, 0, 0);
}

static int pg_step(lz_stmt *st)
{
	pg_stmt *s = (pg_stmt *)st;
	pg_conn *c = (pg_conn *)st->conn;

	if (!s->res) {
		s->res = PQexecPrepared(c->pg, s->name, s->nparams, (const char *const *)s->values, s->lengths,
					s->formats, 0);
		ExecStatusType rs = PQresultStatus(s->res);
		if (rs != PGRES_TUPLES_OK && rs != PGRES_COMMAND_OK) {
			int error = pg_fail(c, s->res, "step");
			PQclear(s->res);
			s->res = NULL;
			return error;
		}
		s->nrows = rs == PGRES_TUPLES_OK ? PQntuples(s->res) : 0;
		s->row = -1;
	}
	free_blobs(s);
	if (++s->row < s->nrows)
		return LZ_ROW;
	s->row = s->nrows;
	return LZ_DONE;
}

static int pg_column_count(lz_stmt *st)
{
	pg_stmt *s = (pg_stmt *)st;
	return s->res ? PQnfields(s->res) : 0;
}

static bool pg_is_null(lz_stmt *st, int col)
{
	pg_stmt *s = (pg_stmt *)st;
	return !s->res || s->row < 0 || s->row >= s->nrows || PQgetisnull(s->res, s->row, col);
}

static int64_t pg_column_int(lz_stmt *st, int col)
{
	pg_stmt *s = (pg_stmt *)st;
	if (pg_is_null(st, col))
		return 0;
	const char *v = PQgetvalue(s->res, s->row, col);
	if (v[0] == 't' && v[1] == '\0') /* booleans from comparisons */
		return 1;
	if (v[0] == 'f' && v[1] == '\0')
		return 0;
	return strtoll(v, NULL, 10);
}

static const char *pg_column_text(lz_stmt *st, int col)
{
	pg_stmt *s = (pg_stmt *)st;
	return pg_is_null(st, col) ? NULL : PQgetvalue(s->res, s->row, col);
}

static const void *pg_column_blob(lz_stmt *st, int col, size_t *len)
{
	pg_stmt *s = (pg_stmt *)st;
	*len = 0;
	if (pg_is_null(st, col))
		return NULL;
	const char *v = PQgetvalue(s->res, s->row, col);
	if (PQftype(s->res, col) != 17 /* BYTEAOID */) {
		*len = (size_t)PQgetlength(s->res, s->row, col);
		return v;
	}
	if (s->nblobs == MAX_PARAMS)
		free_blobs(s);
	unsigned char *b = PQunescapeBytea((const unsigned char *)v, len);
	s->blobs[s->nblobs++] = b;
	return b;
}

static void pg_finish(lz_stmt *st)
{
	pg_stmt *s = (pg_stmt *)st;
	stmt_clear_result(s);
	stmt_clear_params(s);
	s->busy = false;
}

/* ---------------------------------------------------------------- transactions */

/*
 * Starts a transaction. A write transaction waits for the writers' advisory lock at
 * most lock_timeout (set at connect); a wait that times out (55P03) or a deadlock or
 * serialization failure at this point (40P01, 40001) is retried, BEGIN_TRIES times
 * in all, each retry logged, before the request answers 503. Nothing has been done
 * in the transaction yet, so a retry here is always safe.
 */
#define BEGIN_TRIES 3

static int pg_begin(lz_conn *conn, lz_tx_mode mode)
{
	static const char write_sql[] = "BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock(" LOCK_KEY_TEXT ")";
	static const char read_sql[] = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
	pg_conn *c = (pg_conn *)conn;
	int error = 0;

	for (int attempt = 1; attempt <= BEGIN_TRIES; attempt++) {
		PGresult *r = PQexec(c->pg, mode == LZ_TX_WRITE ? write_sql : read_sql);
		ExecStatusType st = PQresultStatus(r);
		const char *code = PQresultErrorField(r, PG_DIAG_SQLSTATE);
		char state[8]; /* copied: the result is cleared before the log line */
		snprintf(state, sizeof(state), "%s", code ? code : "");
		bool retry = strcmp(state, "55P03") == 0 || strcmp(state, "40P01") == 0 || strcmp(state, "40001") == 0;
		error = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? 0 : pg_fail(c, r, "begin");
		PQclear(r);
		if (error == 0)
			return 0;
		PGresult *rb = PQexec(c->pg, "ROLLBACK");
		PQclear(rb);
		if (!retry)
			break;
		lz_log(LZ_LOG_WARN, NULL, "postgres: begin: attempt %d of %d failed (SQLSTATE %s)%s", attempt,
		       BEGIN_TRIES, state, attempt < BEGIN_TRIES ? "; retrying" : "");
	}
	return error;
}

static int pg_commit(lz_conn *conn)
{
	pg_conn *c = (pg_conn *)conn;
	PGresult *r = PQexec(c->pg, "COMMIT");
	int error = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : pg_fail(c, r, "commit");
	/* COMMIT of a failed transaction answers ROLLBACK without an error. */
	if (error == 0 && strcmp(PQcmdStatus(r), "ROLLBACK") == 0)
		error = lz_error_set(LZ_EDB, NULL, "the transaction was rolled back by the store");
	PQclear(r);
	return error;
}

static void pg_rollback(lz_conn *conn)
{
	pg_conn *c = (pg_conn *)conn;
	if (PQtransactionStatus(c->pg) == PQTRANS_IDLE)
		return;
	PGresult *r = PQexec(c->pg, "ROLLBACK");
	PQclear(r);
}

static bool pg_table_exists(lz_conn *conn, const char *table)
{
	pg_conn *c = (pg_conn *)conn;
	const char *params[1] = {table};
	PGresult *r = PQexecParams(c->pg, "SELECT to_regclass($1) IS NOT NULL", 1, NULL, params, NULL, NULL, 0);
	bool yes = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 && PQgetvalue(r, 0, 0)[0] == 't';
	PQclear(r);
	return yes;
}

static char pg_column_kind(lz_stmt *st, int col)
{
	pg_stmt *s = (pg_stmt *)st;
	if (pg_is_null(st, col))
		return 'n';
	switch (PQftype(s->res, col)) {
	case 16: /* bool */
	case 20: /* int8 */
	case 21: /* int2 */
	case 23: /* int4 */
		return 'i';
	case 17: /* bytea */
		return 'b';
	default:
		return 't';
	}
}

/* Moves the identity sequence of table.column past its largest value. */
static int pg_sync_ids(lz_conn *conn, const char *table, const char *column)
{
	pg_conn *c = (pg_conn *)conn;
	char text[512];
	const char *params[2] = {table, column};
	int error = 0;

	/* The names come from the copy's own table list, never from input; they are
	 * quoted as identifiers all the same. */
	char *t = PQescapeIdentifier(c->pg, table, strlen(table));
	char *col = PQescapeIdentifier(c->pg, column, strlen(column));
	snprintf(text, sizeof(text),
		 "SELECT setval(pg_get_serial_sequence($1, $2), (SELECT COALESCE(MAX(%s), 0) + 1 FROM %s), false)",
		 col, t);
	PQfreemem(t);
	PQfreemem(col);
	PGresult *r = PQexecParams(c->pg, text, 2, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		error = pg_fail(c, r, "sync ids");
	PQclear(r);
	return error;
}

const lz_store_ops lz_pg_ops = {
	.name = "postgres",
	.open = pg_open,
	.close = pg_close,
	.check = pg_check,
	.exec = pg_exec,
	.prepare = pg_prepare,
	.bind_int = pg_bind_int,
	.bind_text = pg_bind_text,
	.bind_blob = pg_bind_blob,
	.bind_null = pg_bind_null,
	.step = pg_step,
	.column_count = pg_column_count,
	.is_null = pg_is_null,
	.column_int = pg_column_int,
	.column_text = pg_column_text,
	.column_blob = pg_column_blob,
	.finish = pg_finish,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.table_exists = pg_table_exists,
	.column_kind = pg_column_kind,
	.sync_ids = pg_sync_ids,
};
