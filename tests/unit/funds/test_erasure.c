/*
 * test_erasure.c — erasing a beneficiary's personal data (lz_beneficiary_erase), as
 * personal-information law requires: the ledger entry of a payroll approval that
 * paid the person still has a valid inclusion proof in the bureau's tree, the
 * run's commitments still hash to the digest in that entry, and the store holds no
 * trace of the person's ID number, bank account or name — not in clear, not sealed,
 * not as the blind index (on SQLite the bytes of the database file are searched).
 * Erasure needs its own permission, refuses an active beneficiary, and writes an
 * audit entry.
 */
#include "helpers.h"

#include "auth/auth.h"
#include "base/buf.h"
#include "base/crypto.h"
#include "base/idcard.h"
#include "base/json.h"
#include "base/pdata.h"
#include "funds/beneficiary.h"
#include "funds/funds.h"
#include "funds/payroll.h"
#include "ledger/ledger.h"
#include "org/org.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { P_MAKER, P_CHECKER, P_CLERK, P_DIRECTOR, P_COUNT };

static const struct {
	const char *login, *role;
} people[P_COUNT] = {
    [P_MAKER] = {"maker", "finance"},
    [P_CHECKER] = {"checker", "finance"},
    [P_CLERK] = {"clerk", "clerk"},
    [P_DIRECTOR] = {"director", "director"},
};

#define NBEN 3
#define NAME "张秀英"
#define ACCOUNT "6217000012345678901"
#define MILLION INT64_C(1000000)

typedef struct {
	lz_test_env env;
	lz_ctx ctx;
	int64_t national, a, a1, a11, alloc, programme, run;
	int64_t staff[P_COUNT], user[P_COUNT];
	int64_t ben[NBEN];
	char id_number[19];
} fixture;

static void as(fixture *f, int who)
{
	assert_ok(lz_auth_act_as(&f->ctx, f->user[who]));
}

static void make_id(char out[19], int seq)
{
	char first[32];
	snprintf(first, sizeof(first), "42052719580611%03d", seq);
	memcpy(out, first, 17);
	out[17] = lz_idcard_check_char(first);
	out[18] = '\0';
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	lz_programme_input prog = {0};
	lz_allocation_input alloc = {0};

	lz_test_env_setup(&f->env);
	lz_test_ctx(&f->ctx, &f->env);
	f->national = lz_test_bureau(&f->ctx, "100000", "国家移民管理局", "national", 0);
	f->a = lz_test_bureau(&f->ctx, "420000", "湖北省移民局", "province", f->national);
	f->a1 = lz_test_bureau(&f->ctx, "420500", "宜昌市移民局", "city", f->a);
	f->a11 = lz_test_bureau(&f->ctx, "420527", "秭归县移民局", "county", f->a1);
	for (int i = 0; i < P_COUNT; i++) {
		lz_staff_input in = {0};
		char no[16];
		snprintf(no, sizeof(no), "E%03d", i);
		in.bureau_id = f->a11;
		in.employee_no = no;
		in.name = people[i].login;
		assert_ok(lz_staff_create(&f->staff[i], &f->ctx, &in));
		assert_ok(lz_user_add(&f->user[i], &f->ctx, people[i].login, people[i].role, "420527",
		                      "a-long-passphrase", f->staff[i]));
	}
	alloc = (lz_allocation_input){f->a11, 0, "中央财政", 2025, "后期扶持", 10 * MILLION};
	assert_ok(lz_allocation_create(&f->alloc, &f->ctx, &alloc));
	prog.bureau_id = f->a11;
	prog.name = "三峡移民后期扶持";
	assert_ok(lz_programme_create(&f->programme, &f->ctx, &prog));
	for (int i = 0; i < NBEN; i++) {
		lz_beneficiary_input in = {0};
		char id_number[19], name[32];
		make_id(id_number, 100 + i);
		if (i == 0)
			snprintf(name, sizeof(name), "%s", NAME);
		else
			snprintf(name, sizeof(name), "移民%d", i);
		in.programme_id = f->programme;
		in.id_number = id_number;
		in.name = name;
		in.village = "茅坪村";
		in.relocated_on = "2010-05-01";
		in.bank_account = i == 0 ? ACCOUNT : NULL;
		assert_ok(lz_beneficiary_create(&f->ben[i], &f->ctx, &in));
		if (i == 0)
			memcpy(f->id_number, id_number, sizeof(id_number));
	}
	as(f, P_MAKER);
	assert_ok(lz_payroll_prepare(&f->run, &f->ctx, f->programme, "2025-01-01", "2025-12-31", f->alloc));
	as(f, P_CHECKER);
	assert_ok(lz_payroll_approve(&f->ctx, f->run));
	lz_ctx_act_as_system(&f->ctx, "test");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	lz_ctx_done(&f->ctx);
	lz_test_env_teardown(&f->env);
	free(f);
	return 0;
}

/* ---------------------------------------------------------------- helpers */

/* A blob column of beneficiary 'id' into out (cap bytes); its length, 0 for NULL. */
static size_t blob_of(fixture *f, const char *column, int64_t id, uint8_t *out, size_t cap)
{
	static const char *const sql[] = {
	    "SELECT id_number_sealed FROM beneficiary WHERE id = ?",
	    "SELECT id_number_index FROM beneficiary WHERE id = ?",
	    "SELECT bank_account_sealed FROM beneficiary WHERE id = ?",
	    "SELECT pd_salt FROM beneficiary WHERE id = ?",
	    "SELECT id_number_commit FROM beneficiary WHERE id = ?",
	};
	static const char *const columns[] = {"id_number_sealed", "id_number_index", "bank_account_sealed",
	                                      "pd_salt", "id_number_commit"};
	lz_conn *c;
	lz_stmt *s;
	size_t n = 0;
	int q = -1;

	for (int i = 0; i < 5; i++)
		if (strcmp(columns[i], column) == 0)
			q = i;
	assert_true(q >= 0);
	assert_ok(lz_ctx_conn(&c, &f->ctx));
	assert_ok(lz_stmt_prepare(&s, c, sql[q]));
	assert_ok(lz_stmt_bindv(s, "i", id));
	assert_int_equal(lz_stmt_step(s), LZ_ROW);
	if (!lz_stmt_is_null(s, 0)) {
		const void *b = lz_stmt_blob(s, 0, &n);
		assert_true(n <= cap);
		memcpy(out, b, n);
	}
	lz_stmt_finish(s);
	return n;
}

static int64_t count(fixture *f, const char *sql)
{
	lz_conn *c;
	int64_t n = -1;
	assert_ok(lz_ctx_conn(&c, &f->ctx));
	assert_ok(lz_exec_int(&n, c, sql, true, NULL));
	return n;
}

static bool contains(const uint8_t *hay, size_t n, const void *needle, size_t len)
{
	for (size_t i = 0; len && i + len <= n; i++)
		if (memcmp(hay + i, needle, len) == 0)
			return true;
	return false;
}

/* Appends the bytes of 'path' (if it exists) to 'b'. */
static void read_file(lz_buf *b, const char *path)
{
	FILE *fp = fopen(path, "rb");
	char chunk[65536];
	size_t n;

	if (!fp)
		return;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		lz_buf_put(b, chunk, n);
	fclose(fp);
}

/* The bytes of a SQLite store: its file and its write-ahead log. */
static void store_bytes(fixture *f, lz_buf *b)
{
	char wal[400];

	read_file(b, f->env.db_path);
	snprintf(wal, sizeof(wal), "%s-wal", f->env.db_path);
	read_file(b, wal);
}

/* The run's ledger entry: its index, its leaf bytes (caller frees) and the tree size. */
static void run_entry(fixture *f, int64_t *index, uint8_t **leaf, size_t *leaf_len, int64_t *size)
{
	json_t *run = NULL, *entries = NULL;
	const char *data;
	size_t cap;

	assert_ok(lz_payroll_get_json(&run, &f->ctx, f->run));
	*index = json_integer_value(json_object_get(run, "ledger_index"));
	json_decref(run);
	assert_ok(lz_ledger_size(size, &f->ctx, f->a11));
	assert_ok(lz_ledger_entries(&entries, &f->ctx, f->a11, *index, *index + 1));
	data = json_string_value(json_object_get(json_array_get(entries, 0), "data"));
	cap = strlen(data);
	*leaf = malloc(cap);
	assert_int_equal(sodium_base642bin(*leaf, cap, data, strlen(data), NULL, leaf_len, NULL,
	                                   sodium_base64_VARIANT_ORIGINAL),
	                 0);
	json_decref(entries);
}

/* SHA-256 (hex) over the run's paid lines' commitments in line order, as payroll.c hashes them. */
static void lines_digest(fixture *f, char out[65])
{
	lz_sha256_ctx *h = lz_sha256_begin();
	lz_conn *c;
	lz_stmt *s;
	uint8_t d[LZ_SHA256_LEN];
	size_t n;

	assert_ok(lz_ctx_conn(&c, &f->ctx));
	assert_ok(
	    lz_stmt_prepare(&s, c,
	                    "SELECT commitment FROM payroll_line WHERE run_id = ? AND excluded_reason = '' "
	                    "ORDER BY id"));
	assert_ok(lz_stmt_bindv(s, "i", f->run));
	while (lz_stmt_step(s) == LZ_ROW) {
		const void *b = lz_stmt_blob(s, 0, &n);
		lz_sha256_update(h, b, n);
	}
	lz_stmt_finish(s);
	lz_sha256_end(h, d);
	lz_hex(out, d, sizeof(d));
}

/* ---------------------------------------------------------------- tests */

static void test_erasure__proofs_stay_valid_and_no_trace_of_the_person_remains(void **state)
{
	fixture *f = *state;
	uint8_t sealed[128], index[64], bank[128], salt[64], commit[64], commit_after[64], leaf_hash[32],
	    root[32], root_now[32], person_commit[32];
	size_t sealed_n, index_n, bank_n, salt_n, commit_n, leaf_len, leaf2_len;
	uint8_t *leaf = NULL, *leaf2 = NULL;
	int64_t entry, size, entry2, size2;
	lz_ledger_proof proof;
	char digest[65];
	json_t *entry_json, *b = NULL, *items = NULL;
	lz_beneficiary_query q = LZ_BENEFICIARY_QUERY_INIT;
	int64_t next;

	/* What the store holds of the person before: sealed, indexed, committed. */
	sealed_n = blob_of(f, "id_number_sealed", f->ben[0], sealed, sizeof(sealed));
	index_n = blob_of(f, "id_number_index", f->ben[0], index, sizeof(index));
	bank_n = blob_of(f, "bank_account_sealed", f->ben[0], bank, sizeof(bank));
	salt_n = blob_of(f, "pd_salt", f->ben[0], salt, sizeof(salt));
	commit_n = blob_of(f, "id_number_commit", f->ben[0], commit, sizeof(commit));
	assert_true(sealed_n > 0 && index_n > 0 && bank_n > 0 && salt_n > 0 && commit_n == 32);
	if (!lz_test_on_pg()) { /* so that the search below means something */
		lz_buf bytes = LZ_BUF_INIT;
		store_bytes(f, &bytes);
		assert_true(contains((uint8_t *)bytes.ptr, bytes.len, sealed, sealed_n));
		assert_true(contains((uint8_t *)bytes.ptr, bytes.len, index, index_n));
		assert_true(contains((uint8_t *)bytes.ptr, bytes.len, NAME, strlen(NAME)));
		lz_buf_dispose(&bytes);
	}

	/* The approval that paid the person is in the ledger, and proved so. */
	run_entry(f, &entry, &leaf, &leaf_len, &size);
	lz_ledger_leaf_hash(leaf_hash, leaf, leaf_len);
	assert_ok(lz_ledger_root(root, &f->ctx, f->a11, size));
	assert_ok(lz_ledger_inclusion(&proof, &f->ctx, f->a11, entry, size));
	assert_true(lz_ledger_inclusion_ok(leaf_hash, entry, size, root, &proof));
	entry_json = json_loadb((const char *)leaf, leaf_len, 0, NULL);
	assert_non_null(entry_json);
	lines_digest(f, digest);
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(entry_json, "data"), "lines_digest")), digest);
	json_decref(entry_json);

	/* Erase: rights, the active refusal, then for real (after the person died). */
	as(f, P_CLERK);
	expect_error(lz_beneficiary_erase(&f->ctx, f->ben[0], "申请删除"), LZ_EFORBIDDEN, NULL);
	as(f, P_DIRECTOR);
	expect_error(lz_beneficiary_erase(&f->ctx, f->ben[0], "申请删除"), LZ_ECONFLICT, "status");
	expect_error(lz_beneficiary_erase(&f->ctx, f->ben[0], ""), LZ_EINVALID, "reason");
	as(f, P_CLERK);
	assert_ok(lz_beneficiary_set_status(&f->ctx, f->ben[0], "deceased", "2026-03-02", "病故"));
	as(f, P_DIRECTOR);
	assert_ok(lz_beneficiary_erase(&f->ctx, f->ben[0], "扶持终止，依法删除个人信息"));
	expect_error(lz_beneficiary_erase(&f->ctx, f->ben[0], "再次删除"), LZ_ECONFLICT, NULL);
	lz_ctx_act_as_system(&f->ctx, "test");

	/* The row stays, masked data gone, the commitment kept. */
	assert_ok(lz_beneficiary_get_json(&b, &f->ctx, f->ben[0]));
	assert_string_equal(json_string_value(json_object_get(b, "name")), LZ_BENEFICIARY_ERASED_NAME);
	assert_true(json_is_null(json_object_get(b, "id_number")));
	assert_true(json_is_null(json_object_get(b, "bank_account")));
	assert_true(json_is_true(json_object_get(b, "erased")));
	assert_string_equal(json_string_value(json_object_get(b, "status")), "deceased");
	assert_int_equal(json_array_size(json_object_get(b, "history")), 2);
	json_decref(b);
	assert_int_equal(blob_of(f, "id_number_sealed", f->ben[0], sealed + 64, 64), 0);
	assert_int_equal(blob_of(f, "id_number_index", f->ben[0], index + 32, 32), 0);
	assert_int_equal(blob_of(f, "bank_account_sealed", f->ben[0], bank + 64, 64), 0);
	assert_int_equal(blob_of(f, "pd_salt", f->ben[0], salt + 32, 32), 0);
	assert_int_equal(blob_of(f, "id_number_commit", f->ben[0], commit_after, sizeof(commit_after)), 32);
	assert_memory_equal(commit, commit_after, 32);
	assert_ok(lz_beneficiary_commitment(person_commit, &f->ctx, f->ben[0]));
	assert_memory_equal(commit, person_commit, 32);
	q.id_number = f->id_number;
	assert_ok(lz_beneficiary_list(&items, &next, &f->ctx, &q));
	assert_int_equal(json_array_size(items), 0);
	json_decref(items);

	/* The same entry, the same proof, the same root: and the run's digest still holds. */
	run_entry(f, &entry2, &leaf2, &leaf2_len, &size2);
	assert_int_equal(entry2, entry);
	assert_int_equal(leaf2_len, leaf_len);
	assert_memory_equal(leaf2, leaf, leaf_len);
	assert_ok(lz_ledger_root(root_now, &f->ctx, f->a11, size));
	assert_memory_equal(root_now, root, 32);
	assert_ok(lz_ledger_inclusion(&proof, &f->ctx, f->a11, entry, size2));
	assert_ok(lz_ledger_root(root_now, &f->ctx, f->a11, size2));
	assert_true(lz_ledger_inclusion_ok(leaf_hash, entry, size2, root_now, &proof));
	{
		char after[65];
		lines_digest(f, after);
		assert_string_equal(after, digest);
	}
	assert_int_equal(count(f, "SELECT count(*) FROM audit_log WHERE action = 'beneficiary.erase'"), 1);

	/* No trace of the person in the store's bytes (SQLite: the file and its WAL). */
	if (!lz_test_on_pg()) {
		lz_buf bytes = LZ_BUF_INIT;

		lz_ctx_done(&f->ctx);
		lz_db_close(f->env.app.db); /* checkpoints the WAL into the file */
		f->env.app.db = NULL;
		store_bytes(f, &bytes);
		assert_true(bytes.len > 0);
		assert_false(contains((uint8_t *)bytes.ptr, bytes.len, f->id_number, 18));
		assert_false(
		    contains((uint8_t *)bytes.ptr, bytes.len, f->id_number + 6, 8)); /* the birth date */
		assert_false(contains((uint8_t *)bytes.ptr, bytes.len, ACCOUNT, strlen(ACCOUNT)));
		assert_false(contains((uint8_t *)bytes.ptr, bytes.len, NAME, strlen(NAME)));
		assert_false(contains((uint8_t *)bytes.ptr, bytes.len, sealed, sealed_n));
		assert_false(contains((uint8_t *)bytes.ptr, bytes.len, index, index_n));
		assert_false(contains((uint8_t *)bytes.ptr, bytes.len, bank, bank_n));
		assert_false(contains((uint8_t *)bytes.ptr, bytes.len, salt, salt_n));
		/* The commitment is there (the ledger's proofs rest on it). */
		assert_true(contains((uint8_t *)bytes.ptr, bytes.len, commit, 32));
		lz_buf_dispose(&bytes);
		lz_test_ctx(&f->ctx, &f->env); /* for teardown */
	}
	free(leaf);
	free(leaf2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(
	        test_erasure__proofs_stay_valid_and_no_trace_of_the_person_remains, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
