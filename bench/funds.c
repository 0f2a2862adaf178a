/*
 * bench/funds.c — the speed of money (bench_funds; run through bench/funds):
 *
 *   1. a payroll run of N beneficiaries: lz_payroll_prepare by the maker, then
 *      lz_payroll_approve by the checker (each line re-checked, the allocation
 *      debited, one ledger entry), timed apart and together;
 *   2. single durable payment writes, each its own transaction acknowledged once on
 *      disk, as the server runs them (a context per request, the acting user read
 *      from the store, a pooled connection): W lz_payment_prepare, then W
 *      lz_payment_approve, ten to each of W / 10 accepted projects — beside the
 *      reference measured in the same run, in alternating rounds: a plain sqlite3
 *      program inserting one row per transaction (WAL, synchronous=FULL) into a
 *      file in the same directory as the store.
 *
 * usage: bench_funds [-n BENEFICIARIES] [-w WRITES] [-s] [-k FILE] [STORE-URL]
 * The store is a new SQLite file in a temporary directory unless a URL is given
 * (an empty PostgreSQL database: the benchmark migrates it; the reference file then
 * goes to the temporary directory). -s skips the payroll run. -k FILE (SQLite only)
 * keeps a copy of the store with its register in FILE, and starts from that copy
 * when FILE exists: registering a million people takes minutes and is not timed. Exits 1 when a goal
 * is missed: payroll (prepare + approve) under 60 s, payment prepare at 50% or more
 * of the reference's rate.
 */
#include "auth/auth.h"
#include "base/crypto.h"
#include "base/idcard.h"
#include "base/log.h"
#include "core/ctx.h"
#include "files/files.h"
#include "funds/beneficiary.h"
#include "funds/funds.h"
#include "funds/payroll.h"
#include "org/org.h"

#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MILLION INT64_C(1000000)
#define SITE_LAT 30825000
#define SITE_LON 110978000
#define PER_STAGE 10 /* payments to each project's accepted stage */
#define ROUNDS 4     /* turns of the reference and the subject */

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, int error)
{
	fprintf(stderr, "bench_funds: %s: %d %s\n", what, error, lz_error_last()->message);
	exit(1);
}

#define CHECK(what, expr)                                                                                    \
	do {                                                                                                 \
		int rc_ = (expr);                                                                            \
		if (rc_ < 0)                                                                                 \
			die(what, rc_);                                                                      \
	} while (0)

enum { P_OWNER, P_REVIEWER1, P_REVIEWER2, P_INSPECTOR, P_MAKER, P_CHECKER, P_COUNT };

static const struct {
	const char *login, *role;
} people[P_COUNT] = {
    [P_OWNER] = {"owner", "director"},       [P_REVIEWER1] = {"reviewer1", "reviewer"},
    [P_REVIEWER2] = {"reviewer2", "reviewer"}, [P_INSPECTOR] = {"inspector", "inspector"},
    [P_MAKER] = {"maker", "finance"},        [P_CHECKER] = {"checker", "finance"},
};

static lz_app app;
static int64_t user[P_COUNT], staff[P_COUNT];

static void as(lz_ctx *ctx, int who)
{
	CHECK("act as", lz_auth_act_as(ctx, user[who]));
}

static int64_t make_bureau(lz_ctx *ctx, const char *code, const char *name, const char *level, int64_t parent)
{
	lz_bureau_input in = {code, name, NULL, level, parent};
	int64_t id = 0;
	CHECK("bureau", lz_bureau_create(&id, ctx, &in));
	return id;
}

static int64_t make_allocation(lz_ctx *ctx, int64_t bureau, int64_t parent, int64_t fen)
{
	lz_allocation_input in = {bureau, parent, "中央财政", 2025, "大中型水库移民后期扶持", fen};
	int64_t id = 0;
	CHECK("allocation", lz_allocation_create(&id, ctx, &in));
	return id;
}

/* A valid, distinct ID number of Zigui county for each 'seq' < 10,000,000: the
 * birth date moves a day every thousand people. */
static void make_id(char out[19], int64_t seq)
{
	char first[64];
	time_t t = (time_t)(-631152000 + (seq / 1000) * 86400); /* from 1950-01-01 */
	struct tm tm;
	gmtime_r(&t, &tm);
	snprintf(first, sizeof(first), "420527%04d%02d%02d%03d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
	         (int)(seq % 1000));
	memcpy(out, first, 17);
	out[17] = lz_idcard_check_char(first);
	out[18] = '\0';
}

/* The register: n beneficiaries, 10,000 to a transaction; one in a hundred died
 * in 2024 (excluded from the run with the reason). */
static void make_register(lz_ctx *ctx, int64_t prog, int64_t n)
{
	double t0 = now();
	for (int64_t i = 0; i < n;) {
		CHECK("begin", lz_tx_begin(ctx, LZ_TX_WRITE));
		for (int64_t j = 0; j < 10000 && i < n; j++, i++) {
			lz_beneficiary_input in = {0};
			char id_number[19], name[32];
			int64_t id;
			make_id(id_number, i);
			snprintf(name, sizeof(name), "移民%07lld", (long long)i);
			in.programme_id = prog;
			in.id_number = id_number;
			in.name = name;
			in.village = "茅坪村";
			in.relocated_on = "2010-05-01";
			CHECK("beneficiary", lz_beneficiary_create(&id, ctx, &in));
			if (i % 100 == 99)
				CHECK("status",
				      lz_beneficiary_set_status(ctx, id, "deceased", "2024-08-09", "病故"));
		}
		CHECK("commit", lz_tx_commit(ctx));
		if (i % 100000 == 0 || i == n) {
			printf("  register: %lld of %lld (%.0f s)\n", (long long)i, (long long)n, now() - t0);
			fflush(stdout);
		}
	}
}

/* A project of the county with its first stage accepted on site, as the rules want
 * ('photo': the evidence file of the inspection). */
static void accepted_project(lz_ctx *ctx, int64_t county, int64_t alloc, const char *photo, int64_t *project,
                             int64_t *stage)
{
	lz_project_input in = {0};
	lz_inspection_input insp = {0};
	bool accepted = false;
	int64_t id;

	in.bureau_id = county;
	in.name = "茅坪移民安置点道路工程";
	in.kind = "infrastructure";
	in.site_lat = SITE_LAT;
	in.site_lon = SITE_LON;
	in.site_radius_m = 500;
	in.budget_fen = 10000 * MILLION;
	in.owner_staff_id = staff[P_OWNER];
	in.contractor = "宜昌路桥建设有限公司";
	in.allocation_id = alloc;
	in.nstages = 2;
	in.stages[0] = (lz_stage_input){"路基", "路基压实度≥95%", 4000};
	in.stages[1] = (lz_stage_input){"路面", "路面平整, 排水畅通", 6000};
	CHECK("project", lz_project_create(project, ctx, &in));
	CHECK("stage", lz_project_stage_id(stage, ctx, *project, 1));
	insp.inspected_at = lz_ctx_now(ctx) - 3600;
	insp.lat = SITE_LAT + 1000;
	insp.lon = SITE_LON - 1000;
	insp.completion_pct = 100;
	insp.findings = "路基已完成, 抽检压实度 96%";
	insp.nevidence = 1;
	insp.evidence[0] = photo;
	as(ctx, P_REVIEWER1);
	CHECK("materials", lz_stage_review_materials(ctx, *stage, "合同、监理日志、质检报告齐全"));
	as(ctx, P_INSPECTOR);
	CHECK("inspection", lz_inspection_record(&id, ctx, *stage, &insp));
	as(ctx, P_REVIEWER1);
	CHECK("sign", lz_acceptance_sign(&accepted, ctx, *stage));
	as(ctx, P_REVIEWER2);
	CHECK("sign", lz_acceptance_sign(&accepted, ctx, *stage));
	if (!accepted)
		die("acceptance", LZ_EINTERNAL);
	lz_ctx_act_as_system(ctx, "bench");
}

/* The reference: one-row transactions of a plain sqlite3 program, WAL and
 * synchronous=FULL, in a file of 'dir'. */
typedef struct {
	char path[600];
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t rows;
} reference;

static void reference_open(reference *r, const char *dir)
{
	snprintf(r->path, sizeof(r->path), "%s/reference.db", dir);
	unlink(r->path);
	if (sqlite3_open(r->path, &r->db) != SQLITE_OK ||
	    sqlite3_exec(r->db,
	                 "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE t(id INTEGER PRIMARY "
	                 "KEY, bureau_id INTEGER NOT NULL, amount_fen INTEGER NOT NULL, payee TEXT NOT NULL)",
	                 NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(r->db, "INSERT INTO t(bureau_id, amount_fen, payee) VALUES (?, ?, ?)", -1, &r->st,
	                       NULL) != SQLITE_OK) {
		fprintf(stderr, "bench_funds: reference: %s\n", sqlite3_errmsg(r->db));
		exit(1);
	}
}

/* 'n' one-row transactions; the seconds they took. */
static double reference_run(reference *r, int64_t n)
{
	double t0 = now();
	for (int64_t i = 0; i < n; i++, r->rows++) {
		sqlite3_bind_int64(r->st, 1, 4);
		sqlite3_bind_int64(r->st, 2, 100 + r->rows);
		sqlite3_bind_text(r->st, 3, "宜昌路桥建设有限公司", -1, SQLITE_STATIC);
		if (sqlite3_step(r->st) != SQLITE_DONE) {
			fprintf(stderr, "bench_funds: reference: %s\n", sqlite3_errmsg(r->db));
			exit(1);
		}
		sqlite3_reset(r->st);
	}
	return now() - t0;
}

static void reference_close(reference *r)
{
	sqlite3_finalize(r->st);
	sqlite3_close(r->db);
	unlink(r->path);
}

int main(int argc, char **argv)
{
	int64_t n = 1000000, writes = 2000;
	char dir[] = "/tmp/bench-funds-XXXXXX", url[600];
	lz_db_opts opts = LZ_DB_OPTS_INIT;
	bool skip_payroll = false, ok = true, reuse = false;
	const char *keep = NULL;
	lz_ctx ctx;
	int c;

	while ((c = getopt(argc, argv, "n:w:sk:")) != -1) {
		if (c == 'n')
			n = atoll(optarg);
		else if (c == 'w')
			writes = atoll(optarg);
		else if (c == 's')
			skip_payroll = true;
		else if (c == 'k')
			keep = optarg;
		else
			return 2;
	}
	if (n < 1 || writes < 1 || !mkdtemp(dir))
		return 2;
	if (optind < argc)
		snprintf(url, sizeof(url), "%s", argv[optind]);
	else
		snprintf(url, sizeof(url), "%s/luzhi.db", dir);
	if (keep && optind < argc)
		return 2;
	if (keep && access(keep, R_OK) == 0) {
		char cmd[1400];
		snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", keep, url);
		if (system(cmd) != 0)
			return 1;
		reuse = true;
	}
	lz_log_set_level(LZ_LOG_WARN);
	CHECK("crypto", lz_crypto_init());
	opts.pool_size = 4;
	CHECK("open", lz_db_open(&app.db, url, &opts));
	CHECK("migrate", lz_db_migrate(app.db, NULL));
	app.clock = &lz_system_clock;
	app.random = &lz_system_random;
	app.pw_cost = LZ_PW_COST_MIN;
	app.data_dir = dir;
	memset(app.keys.ledger_seed, 0x5a, sizeof(app.keys.ledger_seed));
	memset(app.keys.pd_key, 0x22, sizeof(app.keys.pd_key));
	memset(app.keys.pd_index_key, 0x33, sizeof(app.keys.pd_index_key));
	printf("store: %s (%s)\n", url, lz_db_backend(app.db));

	/* The bureaus, the people, the money and the programme, as in the unit tests;
	 * made in the same order on a fresh store, so a kept copy has the same ids. */
	lz_ctx_init(&ctx, &app, "bench", "bench");
	lz_ctx_act_as_system(&ctx, "bench");
	int64_t national, a, a1, county, alloc_county, line, prog;
	if (reuse) {
		char path[1300];
		snprintf(path, sizeof(path), "%s.ids", keep);
		FILE *f = fopen(path, "r");
		if (!f || fscanf(f, "%" SCNd64 " %" SCNd64 " %" SCNd64 " %" SCNd64 " %" SCNd64 " %" SCNd64
		                    " %" SCNd64,
		                 &national, &a, &a1, &county, &alloc_county, &line, &prog) != 7)
			die("the ids of the kept store", LZ_EIO);
		for (int i = 0; i < P_COUNT; i++)
			if (fscanf(f, "%" SCNd64 " %" SCNd64, &staff[i], &user[i]) != 2)
				die("the ids of the kept store", LZ_EIO);
		fclose(f);
		goto made;
	}
	national = make_bureau(&ctx, "100000", "国家移民管理局", "national", 0);
	a = make_bureau(&ctx, "420000", "湖北省移民局", "province", national);
	a1 = make_bureau(&ctx, "420500", "宜昌市移民局", "city", a);
	county = make_bureau(&ctx, "420527", "秭归县移民局", "county", a1);
	for (int i = 0; i < P_COUNT; i++) {
		lz_staff_input in = {0};
		char no[16];
		snprintf(no, sizeof(no), "E%03d", i);
		in.bureau_id = county;
		in.employee_no = no;
		in.name = people[i].login;
		CHECK("staff", lz_staff_create(&staff[i], &ctx, &in));
		CHECK("user", lz_user_add(&user[i], &ctx, people[i].login, people[i].role, "420527",
		                          "a-long-passphrase", staff[i]));
	}
	int64_t alloc = make_allocation(&ctx, national, 0, 10000000 * MILLION);
	alloc = make_allocation(&ctx, a, alloc, 1000000 * MILLION);
	alloc = make_allocation(&ctx, a1, alloc, 500000 * MILLION);
	alloc_county = make_allocation(&ctx, county, alloc, 200000 * MILLION);
	line = make_allocation(&ctx, county, alloc_county, 100000 * MILLION);
	lz_programme_input pin = {0};
	pin.bureau_id = county;
	pin.name = "三峡移民后期扶持";
	CHECK("programme", lz_programme_create(&prog, &ctx, &pin));
made:;

	/* 1. payroll */
	double t_prepare = 0, t_approve = 0;
	if (!skip_payroll) {
		if (reuse) {
			printf("register: from %s\n", keep);
		} else {
			printf("register: %lld beneficiaries (setup, not timed)\n", (long long)n);
			make_register(&ctx, prog, n);
		}
		if (keep && !reuse) {
			lz_conn *conn;
			lz_stmt *st;
			unlink(keep);
			CHECK("conn", lz_ctx_conn(&conn, &ctx));
			CHECK("keep", lz_stmt_prepare(&st, conn, "VACUUM INTO ?"));
			CHECK("keep", lz_stmt_bindv(st, "t", keep));
			CHECK("keep", lz_stmt_step(st));
			lz_stmt_finish(st);
			char path[1300];
			snprintf(path, sizeof(path), "%s.ids", keep);
			FILE *f = fopen(path, "w");
			if (!f)
				die("the ids of the kept store", LZ_EIO);
			fprintf(f, "%" PRId64 " %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64 "\n",
			        national, a, a1, county, alloc_county, line, prog);
			for (int i = 0; i < P_COUNT; i++)
				fprintf(f, "%" PRId64 " %" PRId64 "\n", staff[i], user[i]);
			if (fclose(f) != 0)
				die("the ids of the kept store", LZ_EIO);
			lz_ctx_done(&ctx);
			lz_ctx_init(&ctx, &app, "bench", "bench");
		}
		int64_t run;
		json_t *j;
		as(&ctx, P_MAKER);
		double t0 = now();
		CHECK("payroll prepare", lz_payroll_prepare(&run, &ctx, prog, "2025-01-01", "2025-12-31", line));
		t_prepare = now() - t0;
		printf("payroll prepare: %8.2f s\n", t_prepare);
		fflush(stdout);
		as(&ctx, P_CHECKER);
		t0 = now();
		CHECK("payroll approve", lz_payroll_approve(&ctx, run));
		t_approve = now() - t0;
		printf("payroll approve: %8.2f s\n", t_approve);
		CHECK("payroll get", lz_payroll_get_json(&j, &ctx, run));
		printf("payroll run: %lld lines paid, %lld fen, %lld excluded; prepare + approve %.2f s (goal < 60 s)\n",
		       (long long)json_integer_value(json_object_get(j, "approved_count")),
		       (long long)json_integer_value(json_object_get(j, "approved_fen")),
		       (long long)json_integer_value(json_object_get(j, "excluded_count")), t_prepare + t_approve);
		json_decref(j);
		ok = ok && t_prepare + t_approve < 60;
	}

	/* 2. durable single writes */
	/* Payments go to PER_STAGE of them to a project: a project's stage has a few
	 * payments, and preparing or approving one sums those already approved. */
	static const unsigned char jpeg[] = {0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00, 1, 2, 3};
	int64_t nprojects = (writes + PER_STAGE - 1) / PER_STAGE;
	int64_t *project = calloc((size_t)nprojects, sizeof(*project)), *stage = calloc((size_t)nprojects, sizeof(*stage));
	char photo[65];
	lz_ctx_act_as_system(&ctx, "bench");
	CHECK("begin", lz_tx_begin(&ctx, LZ_TX_WRITE));
	CHECK("file", lz_file_put(photo, &ctx, county, "site.jpg", "image/jpeg", jpeg, sizeof(jpeg)));
	for (int64_t k = 0; k < nprojects; k++)
		accepted_project(&ctx, county, alloc_county, photo, &project[k], &stage[k]);
	CHECK("commit", lz_tx_commit(&ctx));
	lz_ctx_done(&ctx);
	/* The payroll run above leaves a large write-ahead log behind; SQLite moves it
	 * into the database at the next commit that crosses its threshold. That is the
	 * payroll's cost, paid once, not a payment's: it is paid here, before timing. */
	if (strcmp(lz_db_backend(app.db), "sqlite") == 0) {
		lz_conn *c;
		CHECK("acquire", lz_db_acquire(&c, app.db));
		CHECK("checkpoint", lz_conn_exec(c, "PRAGMA wal_checkpoint(TRUNCATE)"));
		lz_db_release(app.db, c);
	}
	/* The reference and the subject take turns, ROUNDS times, so that both see the
	 * same disk as its load changes; each rate is over all its rounds. */
	int64_t *ids = calloc((size_t)writes, sizeof(*ids));
	double t_ref = 0, t_prep = 0, t_appr = 0;
	reference ref;
	reference_open(&ref, dir);
	for (int r = 0; r < ROUNDS; r++) {
		int64_t from = writes * r / ROUNDS, to = writes * (r + 1) / ROUNDS;
		t_ref += reference_run(&ref, to - from);
		double t0 = now();
		for (int64_t i = from; i < to; i++) {
			char key[32];
			snprintf(key, sizeof(key), "bench-%012lld", (long long)i);
			lz_payment_input in = {project[i % nprojects], stage[i % nprojects], line, 100 + i, NULL, key};
			lz_ctx_init(&ctx, &app, "bench", "bench");
			as(&ctx, P_MAKER);
			CHECK("payment prepare", lz_payment_prepare(&ids[i], NULL, &ctx, &in));
			lz_ctx_done(&ctx);
		}
		t_prep += now() - t0;
		t0 = now();
		for (int64_t i = from; i < to; i++) {
			lz_ctx_init(&ctx, &app, "bench", "bench");
			as(&ctx, P_CHECKER);
			CHECK("payment approve", lz_payment_approve(&ctx, ids[i]));
			lz_ctx_done(&ctx);
		}
		t_appr += now() - t0;
	}
	reference_close(&ref);
	double ref_rate = writes / t_ref, prepare_rate = writes / t_prep, approve_rate = writes / t_appr;
	printf("durable writes, %lld of each, one transaction each, in %d alternating rounds:\n", (long long)writes,
	       ROUNDS);
	printf("  reference (sqlite3, one-row INSERT, WAL, synchronous=FULL): %8.0f/s\n", ref_rate);
	printf("  lz_payment_prepare: %8.0f/s = %5.1f%% of the reference (goal >= 50%%)\n", prepare_rate,
	       100 * prepare_rate / ref_rate);
	printf("  lz_payment_approve: %8.0f/s = %5.1f%% of the reference\n", approve_rate,
	       100 * approve_rate / ref_rate);
	ok = ok && prepare_rate >= 0.5 * ref_rate;

	free(ids);
	free(project);
	free(stage);
	lz_db_close(app.db);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		return 1;
	return ok ? 0 : 1;
}
