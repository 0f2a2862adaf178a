/*
 * bench/ledger.c — the fund ledger's speed (bench_ledger; run through bench/ledger):
 *
 *   1. appends N entries to one bureau's ledger, in transactions of B entries;
 *   2. verifies the ledger (lz_ledger_verify) and, as the reference in the same
 *      run, hashes the same leaves and nodes with OpenSSL's SHA-256 and nothing else;
 *   3. builds inclusion and consistency proofs at random and counts the rows read.
 *
 * usage: bench_ledger [-n ENTRIES] [-b BATCH] [-p PROOFS] [STORE-URL]
 * The store is a new SQLite file in a temporary directory unless a URL is given
 * (it must be empty: the benchmark migrates it).
 */
#include "base/buf.h"
#include "base/crypto.h"
#include "base/log.h"
#include "core/ctx.h"
#include "ledger/ledger.h"
#include "org/org.h"

#include <jansson.h>
#include <math.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, int error)
{
	fprintf(stderr, "bench_ledger: %s: %d %s\n", what, error, lz_error_last()->message);
	exit(1);
}

#define CHECK(what, expr)                                                                                    \
	do {                                                                                                 \
		int rc_ = (expr);                                                                            \
		if (rc_ < 0)                                                                                 \
			die(what, rc_);                                                                      \
	} while (0)

int main(int argc, char **argv)
{
	int64_t n = 100000, batch = 10000, proofs = 1000, bureau;
	char dir[] = "/tmp/bench-ledger-XXXXXX", url[600];
	lz_db_opts opts = LZ_DB_OPTS_INIT;
	lz_app app = {0};
	lz_ctx ctx;
	int c;

	bool existing = false;

	while ((c = getopt(argc, argv, "n:b:p:x")) != -1) {
		if (c == 'n')
			n = atoll(optarg);
		else if (c == 'b')
			batch = atoll(optarg);
		else if (c == 'p')
			proofs = atoll(optarg);
		else if (c == 'x')
			existing = true;
		else
			return 2;
	}
	if (n < 2 || batch < 1)
		return 2;
	if (optind < argc) {
		snprintf(url, sizeof(url), "%s", argv[optind]);
	} else {
		if (!mkdtemp(dir))
			die("mkdtemp", LZ_EIO);
		snprintf(url, sizeof(url), "%s/luzhi.db", dir);
	}
	lz_log_set_level(LZ_LOG_WARN);
	CHECK("crypto", lz_crypto_init());
	opts.pool_size = 2;
	CHECK("open", lz_db_open(&app.db, url, &opts));
	CHECK("migrate", lz_db_migrate(app.db, NULL));
	app.clock = &lz_system_clock;
	app.random = &lz_system_random;
	memset(app.keys.ledger_seed, 0x5a, sizeof(app.keys.ledger_seed));

	lz_ctx_init(&ctx, &app, "bench", "bench");
	lz_ctx_act_as_system(&ctx, "bench");
	lz_bureau_input in = {"100000", "国家移民管理局", "", "national", 0};
	if (existing) /* -x: the store holds a ledger from an earlier run of bureau 1 */
		bureau = 1;
	else
		CHECK("bureau", lz_bureau_create(&bureau, &ctx, &in));

	/* 1. appends */
	printf("store: %s (%s)\nentries: %lld in transactions of %lld\n", url, lz_db_backend(app.db),
	       (long long)n, (long long)batch);
	double t0 = now();
	for (int64_t i = 0; i < n && !existing;) {
		CHECK("begin", lz_tx_begin(&ctx, LZ_TX_WRITE));
		for (int64_t j = 0; j < batch && i < n; j++, i++) {
			char commit[65];
			uint8_t h[32];
			lz_sha256(h, &i, sizeof(i));
			lz_hex(commit, h, sizeof(h));
			json_t *data =
			    json_pack("{sIsIsIss}", "payment_id", (json_int_t)i + 1, "allocation_id",
			              (json_int_t)7, "amount_fen", (json_int_t)60000, "payee", commit);
			CHECK("append", lz_ledger_append(NULL, &ctx, bureau, "payment.pay", data));
			json_decref(data);
		}
		CHECK("commit", lz_tx_commit(&ctx));
	}
	double t_append = now() - t0;
	printf("append:   %8.2f s  %10.0f entries/s   (goal >= 20,000/s)\n", t_append, (double)n / t_append);

	/* 2. verify, and the reference: the same hashing with nothing around it. The
	 * store is closed and opened again first, as `luzhi ledger verify` runs in a
	 * process of its own on a store the server wrote. */
	lz_ctx_done(&ctx);
	lz_db_close(app.db);
	CHECK("open", lz_db_open(&app.db, url, &opts));
	lz_ctx_init(&ctx, &app, "bench", "bench");
	lz_ctx_act_as_system(&ctx, "bench");
	lz_ledger_report rep;
	t0 = now();
	CHECK("verify", lz_ledger_verify(&rep, &ctx, bureau));
	double t_verify = now() - t0;
	if (!rep.ok) {
		fprintf(stderr, "bench_ledger: the ledger does not verify: %s\n", rep.message);
		return 1;
	}

	/* The leaf bytes, read (untimed) into memory. */
	lz_conn *conn;
	lz_stmt *s;
	uint8_t **bytes = calloc((size_t)n, sizeof(*bytes));
	size_t *lens = calloc((size_t)n, sizeof(*lens));
	static const char q_leaves[] = "SELECT idx, data FROM ledger_entry WHERE bureau_id = ? ORDER BY idx";
	CHECK("conn", lz_ctx_conn(&conn, &ctx));
	CHECK("prepare", lz_stmt_prepare(&s, conn, q_leaves));
	CHECK("bind", lz_stmt_bindv(s, "i", bureau));
	while (lz_stmt_step(s) == LZ_ROW) {
		int64_t i = lz_stmt_int(s, 0);
		size_t len;
		const void *p = lz_stmt_blob(s, 1, &len);
		bytes[i] = malloc(len + 1);
		bytes[i][0] = 0x00;
		memcpy(bytes[i] + 1, p, len);
		lens[i] = len + 1;
	}
	lz_stmt_finish(s);
	uint8_t(*level)[32] = malloc((size_t)n * 32);
	/* OpenSSL's SHA-256 at its fastest for short inputs: the algorithm fetched
	 * once, one context reused (EVP_DigestInit_ex2 / Update / Final). */
	EVP_MD *md = EVP_MD_fetch(NULL, "SHA256", NULL);
	EVP_MD_CTX *mc = EVP_MD_CTX_new();
	unsigned dlen;
	t0 = now();
	for (int64_t i = 0; i < n; i++) {
		EVP_DigestInit_ex2(mc, md, NULL);
		EVP_DigestUpdate(mc, bytes[i], lens[i]);
		EVP_DigestFinal_ex(mc, level[i], &dlen);
	}
	int64_t hashed = n;
	for (int64_t m = n; m > 1; m /= 2) {
		for (int64_t j = 0; j < m / 2; j++) {
			uint8_t buf[65];
			buf[0] = 0x01;
			memcpy(buf + 1, level[2 * j], 64);
			EVP_DigestInit_ex2(mc, md, NULL);
			EVP_DigestUpdate(mc, buf, sizeof(buf));
			EVP_DigestFinal_ex(mc, level[j], &dlen);
			hashed++;
		}
	}
	double t_raw = now() - t0;
	printf("verify:   %8.2f s  (%lld entries, %lld signed heads)\n", t_verify, (long long)rep.entries,
	       (long long)rep.checkpoints);
	printf("raw SHA-256 of the same %lld leaves and nodes: %8.2f s\n", (long long)hashed, t_raw);
	printf("verify / raw = %.2f   (goal < 2)\n", t_verify / t_raw);

	/* 3. proofs */
	int max_incl = 0, max_cons = 0;
	double sum_incl = 0, sum_cons = 0;
	srand(42);
	t0 = now();
	for (int64_t k = 0; k < proofs; k++) {
		lz_ledger_proof p;
		int64_t size = 1 + (int64_t)(((double)rand() / RAND_MAX) * (double)(n - 1));
		int64_t index = (int64_t)(((double)rand() / RAND_MAX) * (double)(size - 1));
		CHECK("inclusion", lz_ledger_inclusion(&p, &ctx, bureau, index, size));
		sum_incl += p.reads;
		if (p.reads > max_incl)
			max_incl = p.reads;
		CHECK("consistency", lz_ledger_consistency(&p, &ctx, bureau, index + 1, size));
		sum_cons += p.reads;
		if (p.reads > max_cons)
			max_cons = p.reads;
	}
	double t_proofs = now() - t0;
	printf("proofs:   %lld inclusion + %lld consistency in %.2f s (%.0f µs a pair)\n", (long long)proofs,
	       (long long)proofs, t_proofs, t_proofs / (double)proofs * 1e6);
	printf("rows read: inclusion avg %.1f max %d; consistency avg %.1f max %d; log2(n) = %.1f\n",
	       sum_incl / (double)proofs, max_incl, sum_cons / (double)proofs, max_cons, log2((double)n));

	for (int64_t i = 0; i < n; i++)
		free(bytes[i]);
	free(bytes);
	free(lens);
	free(level);
	EVP_MD_CTX_free(mc);
	EVP_MD_free(md);
	lz_ctx_done(&ctx);
	lz_db_close(app.db);
	if (optind >= argc) {
		char cmd[128];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			return 1;
	}
	return (double)n / t_append >= 20000 && t_verify < 2 * t_raw ? 0 : 1;
}
