/*
 * test_schema.c — the migrations make the same schema on SQLite and on PostgreSQL:
 * the same tables, columns (type, nullability), unique constraints, foreign keys,
 * CHECK constraints (counted) and indexes. It runs in the PostgreSQL pass of the
 * suite, where both backends are at hand; in the SQLite pass it checks that the
 * SQLite description itself is complete (every table has columns and a key).
 */
#include "helpers.h"

#include "base/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	char **items;
	size_t n, cap;
} strlist;

static void add(strlist *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(strlist *l, const char *fmt, ...)
{
	char buf[16384]; /* whole CREATE statements pass through here */
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->items = realloc(l->items, l->cap * sizeof(char *));
	}
	l->items[l->n++] = strdup(buf);
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_list(strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->items[i]);
	free(l->items);
}

/* Runs a query and hands each row's text columns to 'row'. */
static void each(lz_conn *c, const char *sql, const char *arg, void (*row)(strlist *, lz_stmt *), strlist *out)
{
	lz_stmt *s;
	int rc;
	assert_ok(lz_stmt_prepare(&s, c, sql));
	if (arg)
		assert_ok(lz_stmt_bindv(s, "t", arg));
	while ((rc = lz_stmt_step(s)) == LZ_ROW)
		row(out, s);
	assert_int_equal(rc, LZ_DONE);
	lz_stmt_finish(s);
}

static const char *norm_type(const char *t)
{
	if (strcasecmp(t, "INTEGER") == 0 || strcasecmp(t, "bigint") == 0)
		return "int";
	if (strcasecmp(t, "TEXT") == 0 || strcasecmp(t, "text") == 0)
		return "text";
	if (strcasecmp(t, "BLOB") == 0 || strcasecmp(t, "bytea") == 0)
		return "blob";
	return t;
}

/* ---------------------------------------------------------------- SQLite */

static const char sq_tables[] = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
				"ORDER BY name";
static const char sq_columns[] = "SELECT name, type, \"notnull\", pk FROM pragma_table_info(?)";
static const char sq_fks[] = "SELECT \"from\", \"table\", \"to\" FROM pragma_foreign_key_list(?)";
static const char sq_uniques[] = "SELECT il.name, (SELECT group_concat(name, ',') FROM "
				 "(SELECT name FROM pragma_index_info(il.name) ORDER BY seqno)) "
				 "FROM pragma_index_list(?) il WHERE il.origin = 'u'";
static const char sq_indexes[] = "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL";
static const char sq_index_cols[] = "SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_index_info(?) "
				    "ORDER BY seqno)";
static const char sq_sql[] = "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?";

static void row_name(strlist *l, lz_stmt *s)
{
	add(l, "%s", lz_stmt_text(s, 0));
}

static const char *cur_table;

static void row_sq_column(strlist *l, lz_stmt *s)
{
	/* An INTEGER PRIMARY KEY is NOT NULL on both. */
	bool notnull = lz_stmt_int(s, 2) || lz_stmt_int(s, 3);
	add(l, "column %s.%s %s%s", cur_table, lz_stmt_text(s, 0), norm_type(lz_stmt_text(s, 1)),
	    notnull ? " not null" : "");
}

static void row_sq_fk(strlist *l, lz_stmt *s)
{
	add(l, "fk %s.%s -> %s.%s", cur_table, lz_stmt_text(s, 0), lz_stmt_text(s, 1), lz_stmt_text(s, 2));
}

static void row_sq_unique(strlist *l, lz_stmt *s)
{
	add(l, "unique %s(%s)", cur_table, lz_stmt_text(s, 1));
}

static void row_pair(strlist *l, lz_stmt *s)
{
	add(l, "%s\t%s", lz_stmt_text(s, 0), lz_stmt_text(s, 1));
}

static int count_checks(const char *sql)
{
	int n = 0;
	for (const char *p = sql; (p = strstr(p, "CHECK")); p += 5)
		n++;
	return n;
}

static void describe_sqlite(strlist *out, lz_conn *c)
{
	strlist tables = {0}, idx = {0};
	each(c, sq_tables, NULL, row_name, &tables);
	for (size_t i = 0; i < tables.n; i++) {
		cur_table = tables.items[i];
		add(out, "table %s", cur_table);
		each(c, sq_columns, cur_table, row_sq_column, out);
		each(c, sq_fks, cur_table, row_sq_fk, out);
		each(c, sq_uniques, cur_table, row_sq_unique, out);
		strlist sql = {0};
		each(c, sq_sql, cur_table, row_name, &sql);
		add(out, "checks %s %d", cur_table, count_checks(sql.items[0]));
		free_list(&sql);
	}
	each(c, sq_indexes, NULL, row_pair, &idx);
	for (size_t i = 0; i < idx.n; i++) {
		char *tab = strchr(idx.items[i], '\t');
		*tab++ = '\0';
		strlist cols = {0};
		each(c, sq_index_cols, idx.items[i], row_name, &cols);
		add(out, "index %s on %s(%s)", idx.items[i], tab, cols.items[0]);
		free_list(&cols);
	}
	free_list(&idx);
	free_list(&tables);
}

/* ---------------------------------------------------------------- PostgreSQL */

static const char pg_tables[] = "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
				"ORDER BY table_name";
static const char pg_columns[] = "SELECT column_name, data_type, is_nullable FROM information_schema.columns "
				 "WHERE table_schema = 'public' AND table_name = ?";
static const char pg_constraints[] =
	"SELECT c.contype, pg_get_constraintdef(c.oid) FROM pg_constraint c "
	"JOIN pg_class t ON t.oid = c.conrelid WHERE t.relname = ? AND c.contype IN ('f', 'u', 'c')";
static const char pg_indexes[] =
	"SELECT i.relname, t.relname || '(' || (SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM "
	"unnest(x.indkey) WITH ORDINALITY AS k(attnum, n) JOIN pg_attribute a ON a.attrelid = t.oid AND "
	"a.attnum = k.attnum) || ')' FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
	"JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace ns ON ns.oid = t.relnamespace "
	"WHERE ns.nspname = 'public' AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)";

static void row_pg_column(strlist *l, lz_stmt *s)
{
	add(l, "column %s.%s %s%s", cur_table, lz_stmt_text(s, 0), norm_type(lz_stmt_text(s, 1)),
	    strcmp(lz_stmt_text(s, 2), "NO") == 0 ? " not null" : "");
}

static int pg_checks;

/* "FOREIGN KEY (bureau_id) REFERENCES bureau(id)" / "UNIQUE (bureau_id, name)" */
static void row_pg_constraint(strlist *l, lz_stmt *s)
{
	const char *type = lz_stmt_text(s, 0), *def = lz_stmt_text(s, 1);
	char a[128], b[128], cref[128];
	if (type[0] == 'c') {
		pg_checks++;
	} else if (type[0] == 'f' && sscanf(def, "FOREIGN KEY (%127[^)]) REFERENCES %127[^(](%127[^)])", a, b, cref) == 3) {
		add(l, "fk %s.%s -> %s.%s", cur_table, a, b, cref);
	} else if (type[0] == 'u' && sscanf(def, "UNIQUE (%127[^)])", a) == 1) {
		char cols[128];
		size_t j = 0;
		for (size_t i = 0; a[i] && j + 1 < sizeof(cols); i++)
			if (a[i] != ' ')
				cols[j++] = a[i];
		cols[j] = '\0';
		add(l, "unique %s(%s)", cur_table, cols);
	} else {
		add(l, "unparsed %s %s", type, def);
	}
}

static void row_pg_index(strlist *l, lz_stmt *s)
{
	add(l, "index %s on %s", lz_stmt_text(s, 0), lz_stmt_text(s, 1));
}

static void describe_pg(strlist *out, lz_conn *c)
{
	strlist tables = {0};
	each(c, pg_tables, NULL, row_name, &tables);
	for (size_t i = 0; i < tables.n; i++) {
		cur_table = tables.items[i];
		add(out, "table %s", cur_table);
		each(c, pg_columns, cur_table, row_pg_column, out);
		pg_checks = 0;
		each(c, pg_constraints, cur_table, row_pg_constraint, out);
		add(out, "checks %s %d", cur_table, pg_checks);
	}
	each(c, pg_indexes, NULL, row_pg_index, out);
	free_list(&tables);
}

/* ---------------------------------------------------------------- tests */

static lz_test_env env;

static int setup(void **state)
{
	(void)state;
	lz_test_env_setup(&env);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	lz_test_env_teardown(&env);
	return 0;
}

static void describe_fresh_sqlite(strlist *out)
{
	char path[400];
	lz_db *db;
	lz_conn *c;
	lz_db_opts opts = LZ_DB_OPTS_INIT;
	opts.pool_size = 1;
	snprintf(path, sizeof(path), "%s/schema.db", env.dir);
	assert_ok(lz_db_open(&db, path, &opts));
	assert_ok(lz_db_migrate(db, NULL));
	assert_ok(lz_db_acquire(&c, db));
	describe_sqlite(out, c);
	lz_db_release(db, c);
	lz_db_close(db);
}

static void test_schema__sqlite_description_is_complete(void **state)
{
	(void)state;
	strlist sq = {0};
	describe_fresh_sqlite(&sq);
	size_t tables = 0, columns = 0, fks = 0, indexes = 0;
	for (size_t i = 0; i < sq.n; i++) {
		tables += strncmp(sq.items[i], "table ", 6) == 0;
		columns += strncmp(sq.items[i], "column ", 7) == 0;
		fks += strncmp(sq.items[i], "fk ", 3) == 0;
		indexes += strncmp(sq.items[i], "index ", 6) == 0;
	}
	assert_true(tables >= 9);
	assert_true(columns > tables * 3);
	assert_true(fks >= 5);
	assert_true(indexes >= 5);
	free_list(&sq);
}

static void test_schema__postgres_matches_sqlite(void **state)
{
	(void)state;
	strlist sq = {0}, pg = {0};
	lz_conn *c;
	describe_fresh_sqlite(&sq);
	assert_ok(lz_db_acquire(&c, env.app.db));
	describe_pg(&pg, c);
	lz_db_release(env.app.db, c);
	qsort(sq.items, sq.n, sizeof(char *), cmp);
	qsort(pg.items, pg.n, sizeof(char *), cmp);
	size_t i = 0, j = 0, differences = 0;
	while (i < sq.n || j < pg.n) {
		int d = i == sq.n ? 1 : j == pg.n ? -1 : strcmp(sq.items[i], pg.items[j]);
		if (d == 0) {
			i++, j++;
			continue;
		}
		differences++;
		if (d < 0)
			print_message("only on SQLite:     %s\n", sq.items[i++]);
		else
			print_message("only on PostgreSQL: %s\n", pg.items[j++]);
	}
	print_message("%zu schema facts on each side\n", sq.n);
	assert_int_equal(differences, 0);
	assert_true(sq.n > 50);
	free_list(&sq);
	free_list(&pg);
}

int main(void)
{
	const struct CMUnitTest sqlite_tests[] = {
		cmocka_unit_test_setup_teardown(test_schema__sqlite_description_is_complete, setup, teardown),
	};
	const struct CMUnitTest pg_tests[] = {
		cmocka_unit_test_setup_teardown(test_schema__sqlite_description_is_complete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_schema__postgres_matches_sqlite, setup, teardown),
	};
	if (lz_test_on_pg())
		return cmocka_run_group_tests(pg_tests, NULL, NULL);
	return cmocka_run_group_tests(sqlite_tests, NULL, NULL);
}
