/*
 * bench/cases.c — the speed of service cases (bench_cases):
 *
 *   1. loads a province of 1,000,000 cases in bulk SQL, in the real schema: one
 *      province, 10 cities, 100 counties, 3 case types and 50 staff per county, one
 *      case a minute over about 23 months, each county in turn, with receipt numbers
 *      as the server makes them (county code, local day, the county's number of the
 *      day: 420101-20250101-0001) and the receipt sequences that go with them; 3%
 *      still open (in review, assigned to a staff member), the others decided with a
 *      clock between one hour and ten days (not timed as a goal; printed);
 *   2. the staff inbox (lz_case_inbox, the first page of 50) of 1,000 staff drawn
 *      at random: median, p99 and max — goal p99 < 20 ms;
 *   3. the processing-time statistics of the province for a year (lz_case_stats
 *      over the 110 bureaus, 2026), three times: wall and CPU time — goal < 1 s.
 *
 * usage: bench_cases [-k FILE] [STORE-URL]
 *        bench_cases -k FILE -c KEYFILE -o OUT [-n N]
 * The store is a new SQLite file in a temporary directory unless a URL is given
 * (an empty PostgreSQL database: the benchmark migrates and loads it). -k FILE
 * (SQLite only) keeps the loaded store in FILE and starts from it when it holds
 * cases already. Exits 1 when a goal is missed.
 *
 * With -c, nothing is measured: for bench/public_lookup, N cases (default 10,000)
 * spread evenly through the store get check codes of their own, hashed as the
 * server hashes them (lz_case__code_hash) under the index key in KEYFILE (a data
 * directory's keys/personal-data-index.key), and OUT gets one "RECEIPT CODE" line
 * for each. The other cases keep hashes that no code matches.
 */
#include "base/crypto.h"
#include "base/log.h"
#include "base/pdata.h"
#include "cases/case_int.h"
#include "cases/cases.h"
#include "core/ctx.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define INBOX_RUNS 1000
#define STAFF 5000
#define YEAR_2026 INT64_C(1767196800) /* 2026-01-01T00:00:00Z */
#define YEAR_2027 INT64_C(1798732800)
#define NOW INT64_C(1795737600) /* 2026-11-27 */

static double ms_between(struct timespec a, struct timespec b)
{
	return (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void die(const char *what)
{
	fprintf(stderr, "bench_cases: %s: %s\n", what, lz_error_last()->message);
	exit(1);
}

/* The load, in SQLite's dialect and in PostgreSQL's: the same rows. */
static const char *const load_sqlite[] = {
    "INSERT INTO bureau(id, code, name, level, parent_id, path, created_at, updated_at) "
    "VALUES (1, '420000', 'p', 2, NULL, '/1/', 0, 0)",
    "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 9) "
    "INSERT INTO bureau(id, code, name, level, parent_id, path, created_at, updated_at) "
    "SELECT 2 + i, printf('42%02d00', i + 1), 'c', 3, 1, printf('/1/%d/', 2 + i), 0, 0 FROM n",
    "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 99) "
    "INSERT INTO bureau(id, code, name, level, parent_id, path, created_at, updated_at) "
    "SELECT 12 + i, printf('42%02d%02d', i / 10 + 1, i % 10 + 1), 'x', 4, 2 + i / 10, "
    "printf('/1/%d/%d/', 2 + i / 10, 12 + i), 0, 0 FROM n",
    "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 299) "
    "INSERT INTO case_type(id, bureau_id, code, names, materials, sla_hours, clock_kind, approval_levels, "
    "pauses_on_applicant, active, created_at, updated_at) SELECT 1 + i, 12 + i / 3, printf('t%d', i % 3), "
    "'{\"zh-CN\":\"x\"}', '[]', CASE i % 3 WHEN 0 THEN 72 WHEN 1 THEN 240 ELSE 24 END, 1 + (i % 3 = 1), 1, 1, "
    "1, 0, 0 FROM n",
    "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 4999) "
    "INSERT INTO staff(id, bureau_id, employee_no, name, status, created_at, updated_at) "
    "SELECT 1 + i, 12 + i / 50, printf('E%d', i), 's', 1, 0, 0 FROM n",
    "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 999999), "
    "r AS MATERIALIZED (SELECT i, i % 100 AS county, abs(random()) % 3 AS k, abs(random()) % 50 AS s, "
    "1735660800 + i * 60 AS rec, abs(random()) % 1000 AS u FROM n) "
    "INSERT INTO service_case(id, bureau_id, type_id, receipt_no, check_hash, channel, summary, state, outcome, "
    "assignee_staff_id, open, received_at, clock_used, clock_mark, paused, due_at, decided_at, clock_seconds, "
    "event_count, updated_at, sla_hours, clock_kind, pauses_on_applicant) "
    "SELECT i + 1, 12 + county, 1 + county * 3 + k, "
    "printf('42%02d%02d-%s-%04d', county / 10 + 1, county % 10 + 1, "
    "strftime('%Y%m%d', rec + 28800, 'unixepoch'), (i % 1440) / 100 + 1), randomblob(32), 2, '', "
    "CASE WHEN u < 30 THEN 4 ELSE 7 END, CASE WHEN u < 30 THEN 0 ELSE 1 END, 1 + county * 50 + s, "
    "CASE WHEN u < 30 THEN 1 ELSE 0 END, rec, "
    "CASE WHEN u < 30 THEN 0 ELSE (u * u * 37) % 900000 + 3600 END, rec, 0, rec + 86400 * 3, "
    "CASE WHEN u < 30 THEN NULL ELSE rec + (u * u * 37) % 900000 + 3600 END, "
    "CASE WHEN u < 30 THEN NULL ELSE (u * u * 37) % 900000 + 3600 END, 5, rec, "
    /* the target of its type (k: 72, 240 working or 24 hours), kept with the case */
    "CASE k WHEN 0 THEN 72 WHEN 1 THEN 240 ELSE 24 END, 1 + (k = 1), 1 FROM r",
    /* The receipt sequences as the server keeps them: the last number of each bureau's local day. */
    "INSERT INTO case_receipt_seq(bureau_id, day, last) SELECT bureau_id, (received_at + 28800) / 86400, "
    "COUNT(*) FROM service_case GROUP BY 1, 2",
    "ANALYZE",
    NULL,
};

static const char *const load_pg[] = {
    "INSERT INTO bureau(id, code, name, level, parent_id, path, created_at, updated_at) "
    "VALUES (1, '420000', 'p', 2, NULL, '/1/', 0, 0)",
    "INSERT INTO bureau(id, code, name, level, parent_id, path, created_at, updated_at) "
    "SELECT 2 + i, '42' || lpad((i + 1)::text, 2, '0') || '00', 'c', 3, 1, '/1/' || (2 + i) || '/', 0, 0 "
    "FROM generate_series(0, 9) i",
    "INSERT INTO bureau(id, code, name, level, parent_id, path, created_at, updated_at) "
    "SELECT 12 + i, '42' || lpad((i / 10 + 1)::text, 2, '0') || lpad((i % 10 + 1)::text, 2, '0'), 'x', 4, "
    "2 + i / 10, '/1/' || (2 + i / 10) || '/' || (12 + i) || '/', 0, 0 FROM generate_series(0, 99) i",
    "INSERT INTO case_type(id, bureau_id, code, names, materials, sla_hours, clock_kind, approval_levels, "
    "pauses_on_applicant, active, created_at, updated_at) SELECT 1 + i, 12 + i / 3, 't' || (i % 3), "
    "'{\"zh-CN\":\"x\"}', '[]', CASE i % 3 WHEN 0 THEN 72 WHEN 1 THEN 240 ELSE 24 END, "
    "CASE WHEN i % 3 = 1 THEN 2 ELSE 1 END, 1, 1, 1, 0, 0 FROM generate_series(0, 299) i",
    "INSERT INTO staff(id, bureau_id, employee_no, name, status, created_at, updated_at) "
    "SELECT 1 + i, 12 + i / 50, 'E' || i, 's', 1, 0, 0 FROM generate_series(0, 4999) i",
    "INSERT INTO service_case(id, bureau_id, type_id, receipt_no, check_hash, channel, summary, state, outcome, "
    "assignee_staff_id, open, received_at, clock_used, clock_mark, paused, due_at, decided_at, clock_seconds, "
    "event_count, updated_at, sla_hours, clock_kind, pauses_on_applicant) "
    "SELECT i + 1, 12 + county, 1 + county * 3 + k, '42' || lpad((county / 10 + 1)::text, 2, '0') || "
    "lpad((county % 10 + 1)::text, 2, '0') || '-' || to_char(to_timestamp(rec + 28800) AT TIME ZONE 'UTC', "
    "'YYYYMMDD') || '-' || lpad(((i % 1440) / 100 + 1)::text, 4, '0'), '\\x00'::bytea, 2, '', "
    "CASE WHEN u < 30 THEN 4 ELSE 7 END, CASE WHEN u < 30 THEN 0 ELSE 1 END, 1 + county * 50 + s, "
    "CASE WHEN u < 30 THEN 1 ELSE 0 END, rec, "
    "CASE WHEN u < 30 THEN 0 ELSE (u * u * 37) % 900000 + 3600 END, rec, 0, rec + 86400 * 3, "
    "CASE WHEN u < 30 THEN NULL ELSE rec + (u * u * 37) % 900000 + 3600 END, "
    "CASE WHEN u < 30 THEN NULL ELSE (u * u * 37) % 900000 + 3600 END, 5, rec, "
    "CASE k WHEN 0 THEN 72 WHEN 1 THEN 240 ELSE 24 END, CASE WHEN k = 1 THEN 2 ELSE 1 END, 1 "
    "FROM (SELECT i, i % 100 AS county, floor(random() * 3)::int AS k, "
    "floor(random() * 50)::int AS s, 1735660800 + i * 60::bigint AS rec, "
    "floor(random() * 1000)::bigint AS u FROM generate_series(0, 999999) i) r",
    /* The receipt sequences as the server keeps them: the last number of each bureau's local day. */
    "INSERT INTO case_receipt_seq(bureau_id, day, last) SELECT bureau_id, (received_at + 28800) / 86400, "
    "COUNT(*) FROM service_case GROUP BY 1, 2",
    /* As after any bulk load: the visibility map lets the statistics read the index alone. */
    "VACUUM ANALYZE",
    NULL,
};

static void load(lz_db *db, bool pg)
{
	const char *const *sql = pg ? load_pg : load_sqlite;
	struct timespec a, b;
	lz_conn *c;

	clock_gettime(CLOCK_MONOTONIC, &a);
	if (lz_db_acquire(&c, db) < 0)
		die("acquire");
	if (lz_conn_exec(c, "BEGIN") < 0)
		die("begin");
	for (int i = 0; sql[i]; i++) {
		if (strstr(sql[i], "ANALYZE") && lz_conn_exec(c, "COMMIT") < 0)
			die("commit");
		if (lz_conn_exec(c, sql[i]) < 0)
			die(sql[i]);
	}
	lz_db_release(db, c);
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("load: 1,000,000 cases, 5,000 staff, 111 bureaus in %.1f s\n", ms_between(a, b) / 1e3);
}

/* The number of cases in the store. */
static int64_t count_cases(lz_db *db)
{
	int64_t n = 0;
	lz_conn *c;

	if (lz_db_acquire(&c, db) < 0 || lz_exec_int(&n, c, "SELECT COUNT(*) FROM service_case", true, NULL) < 0)
		die("count");
	lz_db_release(db, c);
	return n;
}

/*
 * Gives 'n' cases check codes of their own, one drawn from each of 'n' equal runs
 * of ids 1 … 1,000,000 (a fixed seed: the same cases each time, every county and day):
 * a random code from the server's alphabet, its keyed hash as the server makes it
 * (lz_case__code_hash under app->keys.pd_index_key) stored as the case's check_hash.
 * Writes "RECEIPT CODE" lines to 'out_path'.
 */
static void give_codes(lz_ctx *ctx, int n, const char *out_path)
{
	static const char alphabet[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"; /* case.c's */
	const int64_t step = 1000000 / n;
	unsigned seed = 7;
	uint8_t hash[LZ_PDATA_INDEX_LEN], rnd[LZ_CASE_CODE_LEN];
	char code[LZ_CASE_CODE_LEN + 1];
	lz_conn *c;
	FILE *f;

	if (!(f = fopen(out_path, "w"))) {
		perror(out_path);
		exit(1);
	}
	if (lz_ctx_conn(&c, ctx) < 0 || lz_conn_exec(c, "BEGIN") < 0)
		die("begin");
	for (int j = 0; j < n; j++) {
		lz_stmt *s = NULL;
		lz_random_fill(ctx->app->random, rnd, sizeof(rnd));
		for (int i = 0; i < LZ_CASE_CODE_LEN; i++)
			code[i] = alphabet[rnd[i] & 31];
		code[LZ_CASE_CODE_LEN] = '\0';
		lz_case__code_hash(hash, ctx, code);
		if (lz_stmt_prepare(
		        &s, c, "UPDATE service_case SET check_hash = ? WHERE id = ? RETURNING receipt_no") <
		        0 ||
		    lz_stmt_bindv(s, "bi", hash, sizeof(hash), 1 + j * step + rand_r(&seed) % step) < 0 ||
		    lz_stmt_step(s) != LZ_ROW)
			die("check code");
		fprintf(f, "%s %s\n", lz_stmt_text(s, 0), code);
		lz_stmt_finish(s);
	}
	if (lz_conn_exec(c, "COMMIT") < 0)
		die("commit");
	if (fclose(f) != 0) {
		perror(out_path);
		exit(1);
	}
	printf("check codes: %d cases, one in %lld, listed in %s\n", n, (long long)step, out_path);
}

/* Reads a 32-byte key file into 'out'. */
static void read_key(uint8_t out[32], const char *path)
{
	FILE *f = fopen(path, "rb");
	size_t got = f ? fread(out, 1, 32, f) : 0;

	if (!f || got != 32 || fgetc(f) != EOF) {
		fprintf(stderr, "bench_cases: %s is not a 32-byte key file\n", path);
		exit(1);
	}
	fclose(f);
}

int main(int argc, char **argv)
{
	const char *keep = NULL, *url = NULL, *keyfile = NULL, *codes = NULL;
	char dir[] = "/tmp/bench_cases.XXXXXX", path[1100];
	lz_db_opts o = LZ_DB_OPTS_INIT;
	lz_clock clk = {lz_fixed_clock_now, NOW};
	lz_app app;
	lz_ctx ctx;
	lz_db *db;
	bool pg, failed = false;
	int opt, ncodes = 10000;
	int64_t n;

	while ((opt = getopt(argc, argv, "k:c:o:n:")) != -1) {
		switch (opt) {
		case 'k':
			keep = optarg;
			break;
		case 'c':
			keyfile = optarg;
			break;
		case 'o':
			codes = optarg;
			break;
		case 'n':
			ncodes = atoi(optarg);
			break;
		default:
			goto usage;
		}
	}
	if (optind < argc)
		url = argv[optind];
	if (!keyfile != !codes || ncodes < 1 || ncodes > 1000000)
		goto usage;
	lz_log_set_level(LZ_LOG_WARN);
	if (lz_crypto_init() < 0)
		die("crypto");
	if (!url) {
		if (keep) {
			snprintf(path, sizeof(path), "%s", keep);
		} else {
			if (!mkdtemp(dir))
				return 1;
			snprintf(path, sizeof(path), "%s/cases.db", dir);
		}
		url = path;
	}
	pg = strncmp(url, "postgres", 8) == 0;
	if (lz_db_open(&db, url, &o) < 0 || lz_db_migrate(db, NULL) < 0)
		die("open");
	memset(&app, 0, sizeof(app));
	app.db = db;
	app.clock = &clk;
	app.random = &lz_system_random;
	if ((n = count_cases(db)) == 0)
		load(db, pg);
	else
		printf("load: from %s (%lld cases)\n", path, (long long)n);

	lz_ctx_init(&ctx, &app, "bench", "bench");
	lz_ctx_act_as_system(&ctx, "bench");
	if (keyfile) {
		read_key(app.keys.pd_index_key, keyfile);
		give_codes(&ctx, ncodes, codes);
		goto done;
	}

	/* The inbox of 1,000 staff drawn at random (a fixed seed: the same staff each run). */
	static double t[INBOX_RUNS];
	size_t items = 0;
	srand(7);
	for (int i = 0; i < INBOX_RUNS; i++) {
		lz_case_inbox_query q = LZ_CASE_INBOX_QUERY_INIT;
		struct timespec a, b;
		json_t *out;
		q.staff_id = 1 + rand() % STAFF;
		clock_gettime(CLOCK_MONOTONIC, &a);
		if (lz_case_inbox(&out, &ctx, &q) < 0)
			die("inbox");
		clock_gettime(CLOCK_MONOTONIC, &b);
		t[i] = ms_between(a, b);
		items += json_array_size(json_object_get(out, "items"));
		json_decref(out);
	}
	qsort(t, INBOX_RUNS, sizeof(double), cmp_double);
	double p99 = t[INBOX_RUNS * 99 / 100];
	printf("inbox (%d staff, %.1f open cases each): median %.2f ms, p99 %.2f ms, max %.2f ms — goal p99 < 20 ms: "
	       "%s\n",
	       INBOX_RUNS, (double)items / INBOX_RUNS, t[INBOX_RUNS / 2], p99, t[INBOX_RUNS - 1],
	       p99 < 20 ? "met" : "MISSED");
	failed |= p99 >= 20;

	/* The province's statistics for 2026, three times. */
	double best = 1e9;
	for (int k = 0; k < 3; k++) {
		lz_case_stats_query q = {1, 0, YEAR_2026, YEAR_2027};
		struct timespec a, b, ca, cb;
		json_t *out, *total;
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ca);
		clock_gettime(CLOCK_MONOTONIC, &a);
		if (lz_case_stats(&out, &ctx, &q) < 0)
			die("stats");
		clock_gettime(CLOCK_MONOTONIC, &b);
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cb);
		total = json_object_get(out, "total");
		printf("stats, province-year 2026 #%d: %.0f ms (cpu %.0f ms; %lld decided, %lld pending)\n", k + 1,
		       ms_between(a, b), ms_between(ca, cb),
		       (long long)json_integer_value(json_object_get(total, "decided")),
		       (long long)json_integer_value(json_object_get(total, "pending")));
		if (ms_between(a, b) < best)
			best = ms_between(a, b);
		json_decref(out);
	}
	printf("stats, province-year: best %.0f ms — goal < 1 s: %s\n", best, best < 1000 ? "met" : "MISSED");
	failed |= best >= 1000;

done:
	lz_ctx_done(&ctx);
	lz_db_close(db);
	if (!keep && !pg) {
		char f[1200];
		static const char *const suffix[] = {"", "-wal", "-shm"};
		for (int i = 0; i < 3; i++) {
			snprintf(f, sizeof(f), "%s/cases.db%s", dir, suffix[i]);
			unlink(f);
		}
		rmdir(dir);
	}
	return failed ? 1 : 0;
usage:
	fprintf(stderr, "usage: bench_cases [-k FILE] [STORE-URL]\n"
	                "       bench_cases -k FILE -c KEYFILE -o OUT [-n N]\n");
	return 2;
}
