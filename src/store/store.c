/*
 * store.c — the backend-neutral part of the store: the connection pool, the
 * convenience binders and the migration runner. Every call is forwarded to the
 * backend through its operations table.
 */
#include "store/store_int.h"

#include "base/log.h"
#include "base/mem.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>

struct lz_db {
	const lz_store_ops *ops;
	lz_db_opts opts;
	pthread_mutex_t lock;
	pthread_cond_t freed;
	lz_conn *free_list;
	lz_conn **all;
	int count;
};

static const lz_store_ops *backend_for(const char **target, const char *url)
{
	if (strncmp(url, "sqlite:", 7) == 0) {
		*target = url + 7;
		return &lz_sqlite_ops;
	}
	if (strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0) {
		*target = url;
		return &lz_pg_ops;
	}
	*target = url;
	return &lz_sqlite_ops;
}

int lz_db_open(lz_db **out, const char *url, const lz_db_opts *opts)
{
	lz_db_opts defaults = LZ_DB_OPTS_INIT;
	const char *target = NULL;
	const lz_store_ops *ops = backend_for(&target, url);
	lz_db *db;
	int error = 0;

	*out = NULL;
	db = lz_xcalloc(1, sizeof(*db));
	db->ops = ops;
	db->opts = opts ? *opts : defaults;
	if (db->opts.pool_size < 1)
		db->opts.pool_size = 1;
	pthread_mutex_init(&db->lock, NULL);
	pthread_cond_init(&db->freed, NULL);
	db->all = lz_xcalloc((size_t)db->opts.pool_size, sizeof(lz_conn *));
	for (int i = 0; i < db->opts.pool_size; i++) {
		lz_conn *c;
		if ((error = ops->open(&c, target, &db->opts)) < 0) {
			lz_db_close(db);
			return error;
		}
		db->all[db->count++] = c;
		c->next_free = db->free_list;
		db->free_list = c;
	}
	*out = db;
	return 0;
}

void lz_db_close(lz_db *db)
{
	if (!db)
		return;
	for (int i = 0; i < db->count; i++)
		db->ops->close(db->all[i]);
	free(db->all);
	pthread_mutex_destroy(&db->lock);
	pthread_cond_destroy(&db->freed);
	free(db);
}

const char *lz_db_backend(const lz_db *db)
{
	return db->ops->name;
}

int lz_db_acquire(lz_conn **out, lz_db *db)
{
	struct timespec deadline;
	int rc = 0;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += db->opts.acquire_timeout_ms / 1000;
	deadline.tv_nsec += (long)(db->opts.acquire_timeout_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&db->lock);
	while (!db->free_list && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&db->freed, &db->lock, &deadline);
	*out = db->free_list;
	if (*out)
		db->free_list = (*out)->next_free;
	pthread_mutex_unlock(&db->lock);
	if (!*out)
		return lz_error_set(LZ_EUNAVAILABLE, NULL, "every store connection is busy; try again");
	if (db->ops->check && (rc = db->ops->check(*out)) < 0) {
		lz_db_release(db, *out);
		*out = NULL;
		return rc;
	}
	return 0;
}

void lz_db_release(lz_db *db, lz_conn *c)
{
	if (!c)
		return;
	if (c->in_tx)
		lz_conn_rollback(c);
	pthread_mutex_lock(&db->lock);
	c->next_free = db->free_list;
	db->free_list = c;
	pthread_cond_signal(&db->freed);
	pthread_mutex_unlock(&db->lock);
}

/* ---------------------------------------------------------------- connections */

int lz_conn_exec(lz_conn *c, const char *sql)
{
	return c->ops->exec(c, sql);
}

int lz_conn_begin(lz_conn *c, lz_tx_mode mode)
{
	int error;
	if (c->in_tx)
		return lz_error_set(LZ_EINTERNAL, NULL, "a transaction is already open");
	if ((error = c->ops->begin(c, mode)) < 0)
		return error;
	c->in_tx = true;
	return 0;
}

int lz_conn_commit(lz_conn *c)
{
	int error = c->ops->commit(c);
	if (error < 0)
		c->ops->rollback(c);
	c->in_tx = false;
	return error;
}

void lz_conn_rollback(lz_conn *c)
{
	if (!c->in_tx)
		return;
	c->ops->rollback(c);
	c->in_tx = false;
}

bool lz_conn_in_tx(const lz_conn *c)
{
	return c->in_tx;
}

/* ---------------------------------------------------------------- statements */

int lz_stmt_prepare(lz_stmt **out, lz_conn *c, const char *sql)
{
	return c->ops->prepare(out, c, sql);
}

int lz_stmt_bind_int(lz_stmt *s, int idx, int64_t v)
{
	return s->ops->bind_int(s, idx, v);
}

int lz_stmt_bind_text(lz_stmt *s, int idx, const char *v)
{
	return v ? s->ops->bind_text(s, idx, v, strlen(v)) : s->ops->bind_null(s, idx);
}

int lz_stmt_bind_blob(lz_stmt *s, int idx, const void *v, size_t n)
{
	return v ? s->ops->bind_blob(s, idx, v, n) : s->ops->bind_null(s, idx);
}

int lz_stmt_bind_null(lz_stmt *s, int idx)
{
	return s->ops->bind_null(s, idx);
}

static int bindva(lz_stmt *s, const char *fmt, va_list ap)
{
	int error = 0;
	for (int i = 0; fmt[i] && error == 0; i++) {
		int idx = i + 1;
		switch (fmt[i]) {
		case 'i':
			error = s->ops->bind_int(s, idx, va_arg(ap, int64_t));
			break;
		case 'I': {
			int64_t v = va_arg(ap, int64_t);
			error = v ? s->ops->bind_int(s, idx, v) : s->ops->bind_null(s, idx);
			break;
		}
		case 't':
			error = lz_stmt_bind_text(s, idx, va_arg(ap, const char *));
			break;
		case 'b': {
			const void *p = va_arg(ap, const void *);
			size_t n = va_arg(ap, size_t);
			error = lz_stmt_bind_blob(s, idx, p, n);
			break;
		}
		case 'n':
			error = s->ops->bind_null(s, idx);
			break;
		default:
			error = lz_error_set(LZ_EINTERNAL, NULL, "bad bind format '%c'", fmt[i]);
		}
	}
	return error;
}

int lz_stmt_bindv(lz_stmt *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int error = bindva(s, fmt, ap);
	va_end(ap);
	return error;
}

int lz_stmt_step(lz_stmt *s)
{
	return s->ops->step(s);
}

bool lz_stmt_is_null(lz_stmt *s, int col)
{
	return s->ops->is_null(s, col);
}

int64_t lz_stmt_int(lz_stmt *s, int col)
{
	return s->ops->column_int(s, col);
}

const char *lz_stmt_text(lz_stmt *s, int col)
{
	const char *t = s->ops->column_text(s, col);
	return t ? t : "";
}

const char *lz_stmt_text_or_null(lz_stmt *s, int col)
{
	return s->ops->is_null(s, col) ? NULL : s->ops->column_text(s, col);
}

const void *lz_stmt_blob(lz_stmt *s, int col, size_t *len)
{
	return s->ops->column_blob(s, col, len);
}

void lz_stmt_finish(lz_stmt *s)
{
	if (s)
		s->ops->finish(s);
}

int lz_exec_int(int64_t *out, lz_conn *c, const char *sql, bool want_row, const char *fmt, ...)
{
	lz_stmt *s;
	va_list ap;
	int error;

	if ((error = lz_stmt_prepare(&s, c, sql)) < 0)
		return error;
	va_start(ap, fmt);
	error = bindva(s, fmt ? fmt : "", ap);
	va_end(ap);
	if (error == 0)
		error = lz_stmt_step(s);
	if (error == LZ_ROW) {
		if (out)
			*out = lz_stmt_int(s, 0);
		error = 0;
	} else if (error == LZ_DONE) {
		error = want_row ? lz_error_set(LZ_ENOTFOUND, NULL, "no such record") : 0;
	}
	lz_stmt_finish(s);
	return error;
}

/* ---------------------------------------------------------------- migrations */

static const char sql_version_table[] =
	"CREATE TABLE IF NOT EXISTS schema_migration ("
	" version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)";
static const char sql_version[] = "SELECT COALESCE(MAX(version), 0) FROM schema_migration";
static const char sql_applied[] = "SELECT version FROM schema_migration ORDER BY version";
static const char sql_record[] = "INSERT INTO schema_migration(version, name, applied_at) VALUES (?, ?, ?)";

static int migration_version(const lz_embedded *m)
{
	return atoi(m->path);
}

int lz_migrations_latest(void)
{
	return lz_migration_files_count ? migration_version(&lz_migration_files[lz_migration_files_count - 1]) : 0;
}

int lz_db_version(lz_db *db, int *out)
{
	lz_conn *c;
	int64_t v = 0;
	int error;

	if ((error = lz_db_acquire(&c, db)) < 0)
		return error;
	if (c->ops->table_exists(c, "schema_migration"))
		error = lz_exec_int(&v, c, sql_version, true, NULL);
	lz_db_release(db, c);
	*out = (int)v;
	return error;
}

/* Whether 'version' is among the 'n' applied versions (ascending). */
static bool applied_has(const int64_t *done, int n, int version)
{
	for (int i = 0; i < n; i++)
		if (done[i] == version)
			return true;
	return false;
}

/*
 * Migrations are numbered as they are written, and may land in another order than
 * their numbers (006 after 008): each one not yet recorded in schema_migration is
 * applied, in number order, not only those above the largest applied.
 */
int lz_db_migrate(lz_db *db, int *applied)
{
	lz_conn *c;
	lz_stmt *s = NULL;
	int64_t *done = NULL;
	int error, count = 0, ndone = 0, cap = 0;

	if ((error = lz_db_acquire(&c, db)) < 0)
		return error;
	if ((error = lz_conn_begin(c, LZ_TX_WRITE)) < 0 || (error = lz_conn_exec(c, sql_version_table)) < 0 ||
	    (error = lz_stmt_prepare(&s, c, sql_applied)) < 0)
		goto done;
	while ((error = lz_stmt_step(s)) == LZ_ROW) {
		if (ndone == cap) {
			cap = cap ? cap * 2 : 32;
			done = lz_xrealloc(done, (size_t)cap * sizeof(*done));
		}
		done[ndone++] = lz_stmt_int(s, 0);
	}
	lz_stmt_finish(s);
	s = NULL;
	if (error < 0 || (error = lz_conn_commit(c)) < 0)
		goto done;
	for (int i = 0; i < lz_migration_files_count; i++) {
		const lz_embedded *m = &lz_migration_files[i];
		int version = migration_version(m);
		if (applied_has(done, ndone, version))
			continue;
		if ((error = lz_conn_begin(c, LZ_TX_WRITE)) < 0)
			goto done;
		if ((error = lz_conn_exec(c, (const char *)m->data)) < 0 ||
		    (error = lz_exec_int(NULL, c, sql_record, false, "iti", (int64_t)version, m->path,
					 (int64_t)time(NULL))) < 0 ||
		    (error = lz_conn_commit(c)) < 0) {
			lz_conn_rollback(c);
			goto done;
		}
		lz_log(LZ_LOG_INFO, NULL, "store: applied migration %s", m->path);
		count++;
	}
done:
	lz_stmt_finish(s);
	free(done);
	if (error < 0)
		lz_conn_rollback(c);
	lz_db_release(db, c);
	if (applied)
		*applied = count;
	return error;
}
