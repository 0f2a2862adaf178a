/* test_ledger.c — the fund ledger: the tree against RFC 6962 vectors and an
 * independent recursive implementation, every proof of small trees, signed
 * checkpoints, tampering done directly on the database, the parent's
 * countersignature catching a rewritten history, and the export checked with no
 * database. */
#include "helpers.h"

#include "base/buf.h"
#include "base/crypto.h"
#include "ledger/ledger.h"
#include "org/org.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static lz_test_env env;
static int64_t nat, hubei, zhejiang;

static int setup(void **state)
{
	lz_ctx ctx;
	(void)state;
	lz_test_env_setup(&env);
	lz_test_ctx(&ctx, &env);
	lz_bureau_input in = {"100000", "国家移民管理局", "", "national", 0};
	assert_ok(lz_bureau_create(&nat, &ctx, &in));
	lz_bureau_input hb = {"420000", "湖北省移民局", "", "province", nat};
	assert_ok(lz_bureau_create(&hubei, &ctx, &hb));
	lz_bureau_input zj = {"330000", "浙江省移民局", "", "province", nat};
	assert_ok(lz_bureau_create(&zhejiang, &ctx, &zj));
	lz_ctx_done(&ctx);
	assert_int_equal(hubei, 2); /* the tampering SQL below names them */
	assert_int_equal(zhejiang, 3);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	lz_test_env_teardown(&env);
	return 0;
}

/* ---------------------------------------------------------------- an independent tree */

/* RFC 6962 section 2.1, written straight from the text, with OpenSSL through lz_sha256. */
typedef struct {
	const uint8_t *p;
	size_t n;
} leaf;

static void ref_leaf(uint8_t out[32], const leaf *l)
{
	uint8_t *b = malloc(l->n + 1);
	b[0] = 0;
	memcpy(b + 1, l->p, l->n);
	lz_sha256(out, b, l->n + 1);
	free(b);
}

static void ref_node(uint8_t out[32], const uint8_t a[32], const uint8_t b[32])
{
	uint8_t buf[65];
	buf[0] = 1;
	memcpy(buf + 1, a, 32);
	memcpy(buf + 33, b, 32);
	lz_sha256(out, buf, 65);
}

static int64_t split(int64_t n)
{
	int64_t k = 1;
	while (2 * k < n)
		k *= 2;
	return k;
}

static void ref_mth(uint8_t out[32], const leaf *d, int64_t n)
{
	uint8_t l[32], r[32];
	if (n == 0) {
		lz_sha256(out, "", 0);
		return;
	}
	if (n == 1) {
		ref_leaf(out, d);
		return;
	}
	int64_t k = split(n);
	ref_mth(l, d, k);
	ref_mth(r, d + k, n - k);
	ref_node(out, l, r);
}

/* Rebuilds the root from a leaf and its audit path by following PATH's recursion
 * backwards: the last hash of the path is the sibling at the top. */
static void ref_root_from_path(uint8_t out[32], const uint8_t leafh[32], int64_t m, int64_t n,
                               const lz_ledger_proof *p, int len)
{
	uint8_t sub[32];
	if (n == 1) {
		assert_int_equal(len, 0);
		memcpy(out, leafh, 32);
		return;
	}
	assert_true(len > 0);
	int64_t k = split(n);
	if (m < k) {
		ref_root_from_path(sub, leafh, m, k, p, len - 1);
		ref_node(out, sub, p->hash[len - 1]);
	} else {
		ref_root_from_path(sub, leafh, m - k, n - k, p, len - 1);
		ref_node(out, p->hash[len - 1], sub);
	}
}

/* SUBPROOF of RFC 6962 2.1.2, on the leaves in memory. */
static void ref_subproof(lz_ledger_proof *p, int64_t m, const leaf *d, int64_t n, bool b)
{
	if (m == n) {
		if (!b)
			ref_mth(p->hash[p->n++], d, n);
		return;
	}
	int64_t k = split(n);
	if (m <= k) {
		ref_subproof(p, m, d, k, b);
		ref_mth(p->hash[p->n++], d + k, n - k);
	} else {
		ref_subproof(p, m - k, d + k, n - k, false);
		ref_mth(p->hash[p->n++], d, k);
	}
}

/* ---------------------------------------------------------------- helpers */

static void append_n(int64_t bureau_id, int n, int from)
{
	lz_ctx ctx;
	lz_test_ctx(&ctx, &env);
	assert_ok(lz_tx_begin(&ctx, LZ_TX_WRITE));
	for (int i = 0; i < n; i++) {
		int64_t index;
		json_t *data = json_pack("{sisIss}", "payment_id", from + i, "amount_fen",
		                         (json_int_t)60000 + i, "payee", "commitment-of-someone");
		assert_ok(lz_ledger_append(&index, &ctx, bureau_id, "payment.pay", data));
		json_decref(data);
	}
	assert_ok(lz_tx_commit(&ctx));
	lz_ctx_done(&ctx);
}

/* The exact leaf bytes of entries [0, n), read back through the API. */
static leaf *read_leaves(int64_t bureau_id, int64_t n)
{
	leaf *d = calloc((size_t)n, sizeof(*d));
	json_t *items;
	lz_ctx ctx;
	lz_test_ctx(&ctx, &env);
	assert_ok(lz_ledger_entries(&items, &ctx, bureau_id, 0, n));
	assert_int_equal(json_array_size(items), n);
	for (int64_t i = 0; i < n; i++) {
		json_t *e = json_array_get(items, (size_t)i);
		const char *b64 = json_string_value(json_object_get(e, "data"));
		uint8_t *buf = malloc(strlen(b64));
		size_t len;
		assert_int_equal(json_integer_value(json_object_get(e, "index")), i);
		assert_int_equal(sodium_base642bin(buf, strlen(b64), b64, strlen(b64), NULL, &len, NULL,
		                                   sodium_base64_VARIANT_ORIGINAL),
		                 0);
		d[i] = (leaf){buf, len};
	}
	json_decref(items);
	lz_ctx_done(&ctx);
	return d;
}

static void free_leaves(leaf *d, int64_t n)
{
	for (int64_t i = 0; i < n; i++)
		free((void *)d[i].p);
	free(d);
}

static lz_ledger_report verify(int64_t bureau_id)
{
	lz_ledger_report r;
	lz_ctx ctx;
	lz_test_ctx(&ctx, &env);
	assert_ok(lz_ledger_verify(&r, &ctx, bureau_id));
	lz_ctx_done(&ctx);
	return r;
}

/* ---------------------------------------------------------------- the tree */

static void test_ledger__rfc6962_vectors(void **state)
{
	/* The inputs and roots of the RFC 6962 test tree (Certificate Transparency's
	 * merkle_tree_test), and the audit path of leaf 0 in the tree of 8. */
	static const char *const inputs[] = {"",
	                                     "00",
	                                     "10",
	                                     "2021",
	                                     "3031",
	                                     "40414243",
	                                     "5051525354555657",
	                                     "606162636465666768696a6b6c6d6e6f"};
	static const char *const roots[] = {
	    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
	    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
	    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
	    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
	    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
	};
	static const char *const path0[] = {
	    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
	    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
	};
	uint8_t bytes[8][16], want[32], got[32], h[8][32];
	leaf d[8];
	(void)state;

	for (int i = 0; i < 8; i++) {
		size_t n = strlen(inputs[i]) / 2;
		if (n)
			assert_ok(lz_unhex(bytes[i], n, inputs[i]));
		d[i] = (leaf){bytes[i], n};
		lz_ledger_leaf_hash(h[i], bytes[i], n);
	}
	for (int n = 1; n <= 8; n++) {
		assert_ok(lz_unhex(want, 32, roots[n - 1]));
		ref_mth(got, d, n);
		assert_memory_equal(got, want, 32);
	}
	/* The module's hashing gives the same tree. */
	uint8_t l01[32], l23[32], l0123[32], l45[32], l67[32], l4567[32], root[32];
	lz_ledger_node_hash(l01, h[0], h[1]);
	lz_ledger_node_hash(l23, h[2], h[3]);
	lz_ledger_node_hash(l0123, l01, l23);
	lz_ledger_node_hash(l45, h[4], h[5]);
	lz_ledger_node_hash(l67, h[6], h[7]);
	lz_ledger_node_hash(l4567, l45, l67);
	lz_ledger_node_hash(root, l0123, l4567);
	assert_ok(lz_unhex(want, 32, roots[7]));
	assert_memory_equal(root, want, 32);
	/* The known audit path verifies with the module's checker. */
	lz_ledger_proof p = {0};
	for (int i = 0; i < 3; i++)
		assert_ok(lz_unhex(p.hash[p.n++], 32, path0[i]));
	assert_true(lz_ledger_inclusion_ok(h[0], 0, 8, root, &p));
	assert_false(lz_ledger_inclusion_ok(h[1], 0, 8, root, &p));
	assert_false(lz_ledger_inclusion_ok(h[0], 1, 8, root, &p));
}

static void test_ledger__every_proof_of_small_trees(void **state)
{
	enum { N = 21 };
	lz_ctx ctx;
	(void)state;

	append_n(hubei, N, 1);
	leaf *d = read_leaves(hubei, N);
	lz_test_ctx(&ctx, &env);
	for (int64_t size = 0; size <= N; size++) {
		uint8_t root[32], want[32];
		ref_mth(want, d, size);
		assert_ok(lz_ledger_root(root, &ctx, hubei, size));
		assert_memory_equal(root, want, 32);
		for (int64_t m = 0; m < size; m++) {
			lz_ledger_proof p;
			uint8_t lh[32], rebuilt[32];
			ref_leaf(lh, &d[m]);
			assert_ok(lz_ledger_inclusion(&p, &ctx, hubei, m, size));
			ref_root_from_path(rebuilt, lh, m, size, &p, p.n);
			assert_memory_equal(rebuilt, want, 32);
			assert_true(lz_ledger_inclusion_ok(lh, m, size, want, &p));
			assert_true(p.reads <= 2 * 6);
			if (p.n > 0) {
				p.hash[0][0] ^= 1;
				assert_false(lz_ledger_inclusion_ok(lh, m, size, want, &p));
			}
		}
		for (int64_t first = 0; first <= size; first++) {
			lz_ledger_proof p, ref = {0};
			uint8_t r1[32];
			ref_mth(r1, d, first);
			assert_ok(lz_ledger_consistency(&p, &ctx, hubei, first, size));
			if (first > 0 && first < size)
				ref_subproof(&ref, first, d, size, true);
			assert_int_equal(p.n, ref.n);
			for (int i = 0; i < p.n; i++)
				assert_memory_equal(p.hash[i], ref.hash[i], 32);
			assert_true(lz_ledger_consistency_ok(first, r1, size, want, &p));
			if (p.n > 0) {
				p.hash[p.n - 1][5] ^= 0x80;
				assert_false(lz_ledger_consistency_ok(first, r1, size, want, &p));
			}
		}
	}
	lz_ctx_done(&ctx);
	free_leaves(d, N);
}

/* Trees past one tile (256 leaves) and past 256 × 256 entries' worth of tile levels
 * are not built here, but past the first: proofs whose hashes come from tiles of
 * level 1, recomputed inside a tile, and from the partial tiles at the right edge. */
static void test_ledger__proofs_across_tiles(void **state)
{
	enum { N = 700 };
	static const int64_t sizes[] = {255, 256, 257, 511, 512, 513, 640, 699, 700};
	lz_ctx ctx;
	(void)state;

	append_n(hubei, N, 1);
	leaf *d = read_leaves(hubei, N);
	lz_test_ctx(&ctx, &env);
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		int64_t size = sizes[k];
		uint8_t root[32], want[32];
		ref_mth(want, d, size);
		assert_ok(lz_ledger_root(root, &ctx, hubei, size));
		assert_memory_equal(root, want, 32);
		for (int64_t m = 0; m < size; m += 37) {
			lz_ledger_proof p, ref = {0};
			uint8_t lh[32], r1[32];
			ref_leaf(lh, &d[m]);
			assert_ok(lz_ledger_inclusion(&p, &ctx, hubei, m, size));
			assert_true(lz_ledger_inclusion_ok(lh, m, size, want, &p));
			assert_true(p.reads <= 2 * 10);
			ref_mth(r1, d, m + 1);
			assert_ok(lz_ledger_consistency(&p, &ctx, hubei, m + 1, size));
			if (m + 1 < size)
				ref_subproof(&ref, m + 1, d, size, true);
			assert_int_equal(p.n, ref.n);
			for (int i = 0; i < p.n; i++)
				assert_memory_equal(p.hash[i], ref.hash[i], 32);
			assert_true(lz_ledger_consistency_ok(m + 1, r1, size, want, &p));
		}
	}
	lz_ctx_done(&ctx);
	free_leaves(d, N);
	lz_ledger_report r = verify(hubei);
	if (!r.ok)
		fail_msg("%s", r.message);
	assert_int_equal(r.entries, N);
}

static void test_ledger__proof_errors_name_the_field(void **state)
{
	lz_ledger_proof p;
	lz_ctx ctx;
	(void)state;

	append_n(hubei, 4, 1);
	lz_test_ctx(&ctx, &env);
	assert_int_equal(lz_ledger_inclusion(&p, &ctx, hubei, 4, 4), LZ_EINVALID);
	assert_string_equal(lz_error_last()->field, "index");
	assert_int_equal(lz_ledger_inclusion(&p, &ctx, hubei, 0, 5), LZ_EINVALID);
	assert_string_equal(lz_error_last()->field, "size");
	assert_int_equal(lz_ledger_consistency(&p, &ctx, hubei, 3, 2), LZ_EINVALID);
	assert_string_equal(lz_error_last()->field, "first");
	assert_int_equal(lz_ledger_consistency(&p, &ctx, hubei, 1, 5), LZ_EINVALID);
	assert_string_equal(lz_error_last()->field, "second");
	json_t *items;
	assert_int_equal(lz_ledger_entries(&items, &ctx, hubei, 5, 6), LZ_EINVALID);
	assert_string_equal(lz_error_last()->field, "start");
	/* An empty ledger has no entry to prove. */
	assert_int_equal(lz_ledger_inclusion(&p, &ctx, zhejiang, 0, 0), LZ_EINVALID);
	lz_ctx_done(&ctx);
}

static void test_ledger__append_checks_its_input(void **state)
{
	json_t *arr = json_array(), *data = json_object();
	int64_t index = -1, size;
	lz_ctx ctx;
	(void)state;

	lz_test_ctx(&ctx, &env);
	assert_int_equal(lz_ledger_append(&index, &ctx, hubei, "allocation", data), LZ_EINTERNAL);
	assert_ok(lz_tx_begin(&ctx, LZ_TX_WRITE));
	assert_int_equal(lz_ledger_append(&index, &ctx, hubei, "Payment Pay", data), LZ_EINVALID);
	assert_string_equal(lz_error_last()->field, "type");
	assert_int_equal(lz_ledger_append(&index, &ctx, hubei, "allocation", arr), LZ_EINVALID);
	assert_string_equal(lz_error_last()->field, "data");
	assert_int_equal(lz_ledger_append(&index, &ctx, 999999, "allocation", data), LZ_ENOTFOUND);
	assert_ok(lz_ledger_append(&index, &ctx, hubei, "allocation", NULL));
	assert_int_equal(index, 0);
	assert_ok(lz_ledger_append(&index, &ctx, hubei, "acceptance", data));
	assert_int_equal(index, 1);
	/* Rolled back with the change it recorded: nothing stays. */
	lz_tx_rollback(&ctx);
	assert_ok(lz_ledger_size(&size, &ctx, hubei));
	assert_int_equal(size, 0);
	/* Indices are per bureau. */
	assert_ok(lz_tx_begin(&ctx, LZ_TX_WRITE));
	assert_ok(lz_ledger_append(&index, &ctx, hubei, "allocation", data));
	assert_int_equal(index, 0);
	assert_ok(lz_ledger_append(&index, &ctx, zhejiang, "allocation", data));
	assert_int_equal(index, 0);
	assert_ok(lz_ledger_append(&index, &ctx, hubei, "payroll.approve", data));
	assert_int_equal(index, 1);
	assert_ok(lz_tx_commit(&ctx));
	/* The leaf bytes are the canonical JSON of {at, bureau, data, type}. */
	json_t *items;
	assert_ok(lz_ledger_entries(&items, &ctx, hubei, 0, 10));
	assert_int_equal(json_array_size(items), 2);
	const char *b64 = json_string_value(json_object_get(json_array_get(items, 0), "data"));
	char bytes[256];
	size_t n;
	assert_int_equal(sodium_base642bin((uint8_t *)bytes, sizeof(bytes) - 1, b64, strlen(b64), NULL, &n,
	                                   NULL, sodium_base64_VARIANT_ORIGINAL),
	                 0);
	bytes[n] = '\0';
	assert_string_equal(
	    bytes,
	    "{\"at\":\"2026-10-26T07:33:20Z\",\"bureau\":\"420000\",\"data\":{},\"type\":\"allocation\"}");
	json_decref(items);
	lz_ctx_done(&ctx);
	json_decref(arr);
	json_decref(data);
	lz_ledger_report r = verify(0);
	assert_true(r.ok);
	assert_int_equal(r.entries, 3);
	assert_int_equal(r.bureaus, 2);
}

/* ---------------------------------------------------------------- signed heads */

/* Checks a note's first signature line with libsodium directly, from the verifier key. */
static void check_signature_by_hand(const char *note, const char *vkey, const char *name)
{
	char keyname[64], want_prefix[80];
	uint8_t keydata[33], sig[68], h[32];
	size_t n;
	const char *p1 = strchr(vkey, '+'), *p2 = strchr(p1 + 1, '+');

	memcpy(keyname, vkey, (size_t)(p1 - vkey));
	keyname[p1 - vkey] = '\0';
	assert_string_equal(keyname, name);
	assert_int_equal(sodium_base642bin(keydata, sizeof(keydata), p2 + 1, strlen(p2 + 1), NULL, &n, NULL,
	                                   sodium_base64_VARIANT_ORIGINAL),
	                 0);
	assert_int_equal(n, 33);
	assert_int_equal(keydata[0], 1);
	/* key id = SHA-256(name || "\n" || 0x01 || key)[:4], in hex in the key string */
	lz_buf b = LZ_BUF_INIT;
	lz_buf_printf(&b, "%s\n", name);
	lz_buf_put(&b, keydata, 33);
	lz_sha256(h, b.ptr, b.len);
	lz_buf_dispose(&b);
	char idhex[9];
	lz_hex(idhex, h, 4);
	assert_memory_equal(p1 + 1, idhex, 8);
	/* the line "— name sig" after the blank line */
	const char *blank = strstr(note, "\n\n");
	assert_non_null(blank);
	snprintf(want_prefix, sizeof(want_prefix), "\xe2\x80\x94 %s ", name);
	const char *line = strstr(blank + 2, want_prefix);
	assert_non_null(line);
	const char *sigb64 = line + strlen(want_prefix), *nl = strchr(sigb64, '\n');
	assert_int_equal(sodium_base642bin(sig, sizeof(sig), sigb64, (size_t)(nl - sigb64), NULL, &n, NULL,
	                                   sodium_base64_VARIANT_ORIGINAL),
	                 0);
	assert_int_equal(n, 68);
	assert_memory_equal(sig, h, 4);
	assert_int_equal(crypto_sign_verify_detached(sig + 4, (const uint8_t *)note,
	                                             (size_t)(blank - note) + 1, keydata + 1),
	                 0);
}

static void test_ledger__checkpoints_are_signed_notes(void **state)
{
	lz_ledger_checkpoint_t cp;
	char vkey[LZ_LEDGER_VKEY_MAX], other[LZ_LEDGER_VKEY_MAX], origin[64], text[200];
	uint8_t root[32], want[32];
	int64_t size;
	lz_ctx ctx;
	(void)state;

	lz_test_ctx(&ctx, &env);
	/* The empty tree's head. */
	assert_ok(lz_ledger_checkpoint(&cp, &ctx, hubei));
	assert_int_equal(cp.size, 0);
	lz_sha256(want, "", 0);
	assert_memory_equal(cp.root, want, 32);
	lz_ctx_done(&ctx);

	append_n(hubei, 7, 1);
	lz_test_ctx(&ctx, &env);
	assert_ok(lz_ledger_checkpoint(&cp, &ctx, hubei));
	assert_int_equal(cp.size, 7);
	assert_ok(lz_ledger_root(want, &ctx, hubei, 7));
	char b64[64];
	sodium_bin2base64(b64, sizeof(b64), want, 32, sodium_base64_VARIANT_ORIGINAL);
	snprintf(text, sizeof(text), "luzhi/ledger/420000\n7\n%s\n\n\xe2\x80\x94 luzhi/ledger/420000 ", b64);
	assert_memory_equal(cp.note, text, strlen(text));
	assert_ok(lz_ledger_pubkey(vkey, &ctx, hubei));
	assert_ok(lz_ledger_pubkey(other, &ctx, zhejiang));
	assert_string_not_equal(vkey, other);
	check_signature_by_hand(cp.note, vkey, "luzhi/ledger/420000");
	assert_ok(lz_ledger_note_verify(&size, root, origin, cp.note, vkey));
	assert_int_equal(size, 7);
	assert_memory_equal(root, want, 32);
	assert_string_equal(origin, "luzhi/ledger/420000");
	/* Another bureau's key, or a changed size, does not verify. */
	assert_int_equal(lz_ledger_note_verify(&size, root, origin, cp.note, other), LZ_ETAMPERED);
	char forged[LZ_LEDGER_NOTE_MAX];
	snprintf(forged, sizeof(forged), "%s", cp.note);
	forged[strlen("luzhi/ledger/420000\n")] = '8';
	assert_int_equal(lz_ledger_note_verify(&size, root, origin, forged, vkey), LZ_ETAMPERED);
	/* Asking again without new entries gives the same head. */
	lz_ledger_checkpoint_t again;
	assert_ok(lz_ledger_checkpoint(&again, &ctx, hubei));
	assert_string_equal(again.note, cp.note);
	/* Keys follow the seed. */
	lz_app app2 = env.app;
	memset(app2.keys.ledger_seed, 0x12, 32);
	lz_ledger_verifier_key(other, &app2, "420000");
	assert_string_not_equal(vkey, other);
	lz_ctx_done(&ctx);
}

static void test_ledger__checkpoint_every_n_entries_and_t_seconds(void **state)
{
	lz_ledger_checkpoint_t cp;
	lz_ctx ctx;
	(void)state;

	append_n(hubei, LZ_LEDGER_CHECKPOINT_EVERY + 3, 1);
	lz_test_sql(&env, "DELETE FROM ledger_checkpoint WHERE size > 1000");
	/* The automatic head is at exactly N entries. */
	lz_ledger_report r = verify(hubei);
	if (!r.ok)
		fail_msg("%s", r.message);
	assert_int_equal(r.checkpoints, 1);
	/* Time passing: the next append signs. */
	env.clock.fixed += LZ_LEDGER_CHECKPOINT_SECONDS;
	append_n(hubei, 1, 5000);
	lz_test_ctx(&ctx, &env);
	lz_conn *c;
	assert_ok(lz_ctx_conn(&c, &ctx));
	int64_t n;
	assert_ok(lz_exec_int(&n, c, "SELECT COUNT(*) FROM ledger_checkpoint WHERE size = 1004", true, NULL));
	assert_int_equal(n, 1);
	assert_ok(lz_ledger_checkpoint(&cp, &ctx, hubei));
	assert_int_equal(cp.size, LZ_LEDGER_CHECKPOINT_EVERY + 4);
	lz_ctx_done(&ctx);
}

/* ---------------------------------------------------------------- tampering */

static void tamper_case(const char *sql, int64_t index, lz_ledger_problem problem)
{
	append_n(hubei, 9, 1);
	append_n(zhejiang, 3, 1);
	lz_ledger_report r = verify(0);
	assert_true(r.ok);
	lz_test_sql(&env, sql);
	r = verify(0);
	if (r.ok)
		fail_msg("not caught: %s", sql);
	assert_int_equal(r.bad_bureau_id, hubei);
	assert_string_equal(r.bad_bureau_code, "420000");
	if (r.first_bad_index != index || r.problem != problem)
		fail_msg("%s: got index %lld, %s (%s)", sql, (long long)r.first_bad_index,
		         lz_ledger_problem_name(r.problem), r.message);
}

static void test_ledger__changed_entry_is_named(void **state)
{
	(void)state;
	tamper_case("UPDATE ledger_entry SET data = data || data WHERE idx = 4 AND bureau_id = 2", 4,
	            LZ_LEDGER_CHANGED);
}

static void test_ledger__deleted_entry_is_named(void **state)
{
	(void)state;
	tamper_case("DELETE FROM ledger_entry WHERE idx = 3 AND bureau_id = 2", 3, LZ_LEDGER_DELETED);
}

static void test_ledger__deleted_and_renumbered_entry_is_named(void **state)
{
	(void)state;
	tamper_case("DELETE FROM ledger_entry WHERE idx = 3 AND bureau_id = 2;"
	            "UPDATE ledger_entry SET idx = -idx - 100 WHERE idx > 3 AND bureau_id = 2;"
	            "UPDATE ledger_entry SET idx = -idx - 101 WHERE idx < 0 AND bureau_id = 2;",
	            3, LZ_LEDGER_DELETED);
}

static void test_ledger__truncated_tail_is_named(void **state)
{
	(void)state;
	tamper_case("DELETE FROM ledger_entry WHERE idx >= 7 AND bureau_id = 2", 7, LZ_LEDGER_DELETED);
}

static void test_ledger__inserted_entry_is_named(void **state)
{
	(void)state;
	tamper_case("UPDATE ledger_entry SET idx = -idx - 100 WHERE idx >= 5 AND bureau_id = 2;"
	            "UPDATE ledger_entry SET idx = -idx - 99 WHERE idx < 0 AND bureau_id = 2;"
	            "INSERT INTO ledger_entry(bureau_id, idx, type, at, data) SELECT bureau_id, 5, type, at, "
	            "data || data FROM ledger_entry WHERE idx = 0 AND bureau_id = 2;",
	            5, LZ_LEDGER_INSERTED);
}

static void test_ledger__appended_entry_is_named(void **state)
{
	(void)state;
	tamper_case("INSERT INTO ledger_entry(bureau_id, idx, type, at, data) SELECT bureau_id, 9, type, at, "
	            "data || data FROM ledger_entry WHERE idx = 0 AND bureau_id = 2;",
	            9, LZ_LEDGER_INSERTED);
}

static void test_ledger__reordered_entries_are_named(void **state)
{
	(void)state;
	tamper_case("UPDATE ledger_entry SET idx = -1 WHERE idx = 2 AND bureau_id = 2;"
	            "UPDATE ledger_entry SET idx = 2 WHERE idx = 6 AND bureau_id = 2;"
	            "UPDATE ledger_entry SET idx = 6 WHERE idx = -1 AND bureau_id = 2;",
	            2, LZ_LEDGER_REORDERED);
}

/* The stored hashes live in tiles of 256 (ledger_tile): an edited hash of a
 * subtree is caught and its first entry named; an edited leaf hash names its entry. */
static void test_ledger__changed_subtree_hash_is_caught(void **state)
{
	lz_ledger_report r;
	(void)state;

	append_n(hubei, 600, 1);
	r = verify(hubei);
	if (!r.ok)
		fail_msg("%s", r.message);
	/* The root of entries 256..511 (tile level 1, hash 1) replaced by that of 0..255. */
	lz_test_sql(&env, "UPDATE ledger_tile SET hashes = CAST(substr(hashes, 1, 32) || substr(hashes, 1, 32) AS "
	                  "BLOB) WHERE level = 1 AND idx = 0 AND bureau_id = 2");
	r = verify(hubei);
	assert_false(r.ok);
	assert_int_equal(r.problem, LZ_LEDGER_TREE);
	assert_int_equal(r.first_bad_index, 256);
	/* A tile of level 1 the tree does not have. */
	lz_test_sql(&env, "UPDATE ledger_tile SET hashes = CAST(substr(hashes, 1, 32) AS BLOB) WHERE level = 1 AND "
	                  "idx = 0 AND bureau_id = 2");
	r = verify(hubei);
	assert_false(r.ok);
	assert_int_equal(r.problem, LZ_LEDGER_TREE);
}

static void test_ledger__changed_leaf_hash_is_caught(void **state)
{
	(void)state;
	/* Leaf hash 4 replaced by leaf hash 0: entry 4 no longer matches it. */
	tamper_case("UPDATE ledger_tile SET hashes = CAST(substr(hashes, 1, 128) || substr(hashes, 1, 32) || "
	            "substr(hashes, 161) AS BLOB) WHERE level = 0 AND idx = 0 AND bureau_id = 2",
	            4, LZ_LEDGER_CHANGED);
}

static void test_ledger__missing_tile_is_caught(void **state)
{
	(void)state;
	tamper_case("DELETE FROM ledger_tile WHERE level = 0 AND bureau_id = 2", 0, LZ_LEDGER_TREE);
}

static void test_ledger__rewritten_history_breaks_the_checkpoints(void **state)
{
	lz_ctx ctx;
	(void)state;

	append_n(hubei, 6, 1);
	lz_test_ctx(&ctx, &env);
	assert_ok(lz_ledger_checkpoint(NULL, &ctx, hubei));
	lz_ctx_done(&ctx);
	/* Someone with the database (and the server) rebuilds the tree with other entries. */
	lz_test_sql(
	    &env, "DELETE FROM ledger_entry WHERE bureau_id = 2; DELETE FROM ledger_tile WHERE bureau_id = 2;"
	          "DELETE FROM ledger_head WHERE bureau_id = 2;");
	append_n(hubei, 8, 100);
	lz_ledger_report r = verify(hubei);
	assert_false(r.ok);
	assert_int_equal(r.problem, LZ_LEDGER_SIGNED);
	assert_int_equal(r.first_bad_index, 0);
}

/* ---------------------------------------------------------------- countersigning */

static void test_ledger__parent_countersigns_and_catches_a_rewrite(void **state)
{
	lz_ledger_checkpoint_t cp;
	char child_key[LZ_LEDGER_VKEY_MAX], parent_key[LZ_LEDGER_VKEY_MAX], origin[64];
	uint8_t root[32];
	int64_t size, n;
	lz_conn *c;
	lz_ctx ctx;
	(void)state;

	append_n(hubei, 5, 1);
	lz_test_ctx(&ctx, &env);
	assert_ok(lz_ledger_countersign(&cp, &ctx, hubei));
	assert_int_equal(cp.size, 5);
	assert_ok(lz_ledger_pubkey(child_key, &ctx, hubei));
	assert_ok(lz_ledger_pubkey(parent_key, &ctx, nat));
	/* One note, two signature lines, each verifies with its own key. */
	assert_ok(lz_ledger_note_verify(&size, root, origin, cp.note, child_key));
	assert_ok(lz_ledger_note_verify(&size, root, origin, cp.note, parent_key));
	assert_string_equal(origin, "luzhi/ledger/420000");
	check_signature_by_hand(cp.note, parent_key, "luzhi/ledger/100000");
	/* The national bureau has no parent. */
	assert_int_equal(lz_ledger_countersign(&cp, &ctx, nat), LZ_EINVALID);
	lz_ctx_done(&ctx);

	/* Growth is consistent with what was countersigned. */
	append_n(hubei, 6, 10);
	lz_test_ctx(&ctx, &env);
	assert_ok(lz_ledger_countersign(&cp, &ctx, hubei));
	assert_int_equal(cp.size, 11);
	lz_ctx_done(&ctx);

	/* The child's own director may not countersign for the parent. */
	lz_bureau b;
	lz_test_ctx(&ctx, &env);
	assert_ok(lz_bureau_get(&b, &ctx, hubei));
	ctx.actor.role = LZ_ROLE_DIRECTOR;
	ctx.actor.bureau_id = hubei;
	snprintf(ctx.actor.bureau_path, sizeof(ctx.actor.bureau_path), "%s", b.path);
	assert_int_equal(lz_ledger_countersign(&cp, &ctx, hubei), LZ_EFORBIDDEN);
	ctx.actor.role = LZ_ROLE_AUDITOR;
	assert_int_equal(lz_ledger_countersign(&cp, &ctx, hubei), LZ_EFORBIDDEN);
	lz_ctx_done(&ctx);

	/* History rewritten from entry 0, with its own checkpoints removed: the child's
	 * tree is self-consistent and freshly signed — only the parent can tell. */
	lz_test_sql(
	    &env, "DELETE FROM ledger_entry WHERE bureau_id = 2; DELETE FROM ledger_tile WHERE bureau_id = 2;"
	          "DELETE FROM ledger_head WHERE bureau_id = 2; DELETE FROM ledger_checkpoint WHERE "
	          "bureau_id = 2;");
	append_n(hubei, 14, 500);
	lz_test_ctx(&ctx, &env);
	assert_int_equal(lz_ledger_countersign(&cp, &ctx, hubei), LZ_ETAMPERED);
	assert_non_null(strstr(lz_error_last()->message, "rewritten"));
	assert_ok(lz_ctx_conn(&c, &ctx));
	assert_ok(lz_exec_int(&n, c, "SELECT COUNT(*) FROM ledger_countersign WHERE ok = 0", true, NULL));
	assert_int_equal(n, 1);
	assert_ok(lz_exec_int(
	    &n, c, "SELECT COUNT(*) FROM audit_log WHERE action = 'ledger.countersign_refused'", true, NULL));
	assert_int_equal(n, 1);
	lz_ctx_done(&ctx);
	/* And the stored countersignatures no longer match: verify says so. */
	lz_ledger_report r = verify(hubei);
	assert_false(r.ok);
	assert_int_equal(r.problem, LZ_LEDGER_SIGNED);
}

static void test_ledger__parent_refuses_a_shrunk_ledger(void **state)
{
	lz_ledger_checkpoint_t cp;
	lz_ctx ctx;
	(void)state;

	append_n(zhejiang, 6, 1);
	lz_test_ctx(&ctx, &env);
	assert_ok(lz_ledger_countersign(&cp, &ctx, zhejiang));
	lz_ctx_done(&ctx);
	lz_test_sql(
	    &env, "DELETE FROM ledger_entry WHERE bureau_id = 3; DELETE FROM ledger_tile WHERE bureau_id = 3;"
	          "DELETE FROM ledger_head WHERE bureau_id = 3; DELETE FROM ledger_checkpoint WHERE "
	          "bureau_id = 3;");
	append_n(zhejiang, 3, 1);
	lz_test_ctx(&ctx, &env);
	assert_int_equal(lz_ledger_countersign(&cp, &ctx, zhejiang), LZ_ETAMPERED);
	assert_non_null(strstr(lz_error_last()->message, "shrank"));
	lz_ctx_done(&ctx);
}

/* ---------------------------------------------------------------- export */

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = malloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static lz_ledger_report verify_file(const char *path, const char *vkey)
{
	lz_ledger_report r;
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	assert_ok(lz_ledger_verify_export(&r, f, vkey));
	fclose(f);
	return r;
}

static void test_ledger__export_verifies_without_the_database(void **state)
{
	char path[400], bad_path[400], vkey[LZ_LEDGER_VKEY_MAX], other[LZ_LEDGER_VKEY_MAX];
	lz_ctx ctx;
	FILE *f;
	(void)state;

	append_n(hubei, 13, 1);
	lz_test_ctx(&ctx, &env);
	assert_ok(lz_ledger_checkpoint(NULL, &ctx, hubei));
	lz_ctx_done(&ctx);
	append_n(hubei, 4, 100);
	lz_test_ctx(&ctx, &env);
	assert_ok(lz_ledger_countersign(NULL, &ctx, hubei));
	snprintf(path, sizeof(path), "%s/hubei.ledger", env.dir);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_ok(lz_ledger_export(&ctx, hubei, f));
	fclose(f);
	assert_ok(lz_ledger_pubkey(vkey, &ctx, hubei));
	assert_ok(lz_ledger_pubkey(other, &ctx, zhejiang));
	lz_ctx_done(&ctx);

	/* Checked with the file and the key only: the store is closed first. */
	lz_db_close(env.app.db);
	env.app.db = NULL;
	lz_ledger_report r = verify_file(path, vkey);
	if (!r.ok)
		fail_msg("%s", r.message);
	assert_int_equal(r.entries, 17);
	assert_true(r.checkpoints >= 2);
	r = verify_file(path, other);
	assert_false(r.ok);
	assert_int_equal(r.problem, LZ_LEDGER_SIGNED);

	/* One character of entry 5's bytes changed. */
	size_t len;
	char *text = slurp(path, &len);
	char *line = strstr(text, "\"index\":5}");
	assert_non_null(line);
	while (line > text && line[-1] != '\n')
		line--;
	char *data = strstr(line, "\"data\":\"") + 8, was = data[10];
	data[10] = was == 'A' ? 'B' : 'A';
	snprintf(bad_path, sizeof(bad_path), "%s/bad.ledger", env.dir);
	f = fopen(bad_path, "wb");
	fwrite(text, 1, len, f);
	fclose(f);
	r = verify_file(bad_path, vkey);
	assert_false(r.ok);
	assert_int_equal(r.problem, LZ_LEDGER_CHANGED);
	assert_true(r.first_bad_index <= 5);
	data[10] = was;

	/* Entry lines 3 and 4 swapped. */
	char *l3 = strstr(text, "\"index\":3}"), *l4 = strstr(text, "\"index\":4}");
	while (l3[-1] != '\n')
		l3--;
	while (l4[-1] != '\n')
		l4--;
	char *end4 = strchr(l4, '\n') + 1;
	size_t n3 = (size_t)(l4 - l3), n4 = (size_t)(end4 - l4);
	char *tmp = malloc(n3);
	memcpy(tmp, l3, n3);
	memmove(l3, l4, n4);
	memcpy(l3 + n4, tmp, n3);
	free(tmp);
	f = fopen(bad_path, "wb");
	fwrite(text, 1, len, f);
	fclose(f);
	r = verify_file(bad_path, vkey);
	assert_false(r.ok);
	assert_int_equal(r.first_bad_index, 3);
	free(text);

	/* Reopen for teardown. */
	lz_db_opts opts = LZ_DB_OPTS_INIT;
	opts.pool_size = 2;
	assert_ok(lz_db_open(&env.app.db, env.url, &opts));
}

/* ---------------------------------------------------------------- scope */

static void test_ledger__scope_and_rights(void **state)
{
	char vkey[LZ_LEDGER_VKEY_MAX];
	lz_ledger_report r;
	lz_bureau b;
	int64_t size;
	lz_ctx ctx;
	(void)state;

	append_n(hubei, 2, 1);
	append_n(zhejiang, 2, 1);
	lz_test_ctx(&ctx, &env);
	assert_ok(lz_bureau_get(&b, &ctx, hubei));
	ctx.actor.role = LZ_ROLE_AUDITOR;
	ctx.actor.bureau_id = hubei;
	snprintf(ctx.actor.bureau_path, sizeof(ctx.actor.bureau_path), "%s", b.path);
	assert_ok(lz_ledger_size(&size, &ctx, hubei));
	assert_int_equal(size, 2);
	assert_int_equal(lz_ledger_size(&size, &ctx, zhejiang), LZ_ENOTFOUND);
	assert_int_equal(lz_ledger_pubkey(vkey, &ctx, nat), LZ_ENOTFOUND);
	assert_ok(lz_ledger_verify(&r, &ctx, 0));
	assert_true(r.ok);
	assert_int_equal(r.bureaus, 1);
	assert_int_equal(lz_ledger_verify(&r, &ctx, zhejiang), LZ_ENOTFOUND);
	ctx.actor.role = LZ_ROLE_CLERK;
	assert_int_equal(lz_ledger_size(&size, &ctx, hubei), LZ_EFORBIDDEN);
	assert_int_equal(lz_ledger_verify(&r, &ctx, 0), LZ_EFORBIDDEN);
	lz_ctx_done(&ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_ledger__rfc6962_vectors, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ledger__every_proof_of_small_trees, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ledger__proofs_across_tiles, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ledger__proof_errors_name_the_field, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ledger__append_checks_its_input, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ledger__checkpoints_are_signed_notes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ledger__checkpoint_every_n_entries_and_t_seconds, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_ledger__changed_entry_is_named, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ledger__deleted_entry_is_named, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ledger__deleted_and_renumbered_entry_is_named, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_ledger__truncated_tail_is_named, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ledger__inserted_entry_is_named, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ledger__appended_entry_is_named, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ledger__reordered_entries_are_named, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ledger__changed_subtree_hash_is_caught, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ledger__changed_leaf_hash_is_caught, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ledger__missing_tile_is_caught, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ledger__rewritten_history_breaks_the_checkpoints, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_ledger__parent_countersigns_and_catches_a_rewrite, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_ledger__parent_refuses_a_shrunk_ledger, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_ledger__export_verifies_without_the_database, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_ledger__scope_and_rights, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
