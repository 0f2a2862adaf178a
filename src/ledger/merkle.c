/*
 * merkle.c — the hashing of RFC 6962 / RFC 9162 and the checking of its proofs,
 * with no store: leaf hash SHA-256(0x00 || bytes), node hash SHA-256(0x01 || left
 * || right), the root of a tree from its frontier, and the verification algorithms
 * of RFC 9162 sections 2.1.3.2 (inclusion) and 2.1.4.2 (consistency).
 */
#include "ledger/ledger_int.h"

#include "base/crypto.h"
#include "base/mem.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

void lz_ledger_leaf_hash(uint8_t out[32], const void *data, size_t n)
{
	uint8_t stack[512];
	uint8_t *b = n + 1 <= sizeof(stack) ? stack : lz_xmalloc(n + 1);

	b[0] = 0x00;
	memcpy(b + 1, data, n);
	lz_sha256(out, b, n + 1);
	if (b != stack)
		free(b);
}

void lz_ledger_node_hash(uint8_t out[32], const uint8_t left[32], const uint8_t right[32])
{
	uint8_t b[65];

	b[0] = 0x01;
	memcpy(b + 1, left, 32);
	memcpy(b + 33, right, 32);
	lz_sha256(out, b, sizeof(b));
}

void lz_ledger__hasher_init(lz_ledger__hasher *h)
{
	h->md = EVP_MD_fetch(NULL, "SHA256", NULL);
	h->c = EVP_MD_CTX_new();
	if (!h->md || !h->c)
		abort(); /* out of memory, as lz_xmalloc */
}

void lz_ledger__hasher_done(lz_ledger__hasher *h)
{
	EVP_MD_CTX_free(h->c);
	EVP_MD_free(h->md);
}

static void digest2(lz_ledger__hasher *h, uint8_t out[32], uint8_t prefix, const void *a, size_t na,
                    const void *b, size_t nb)
{
	unsigned len;
	EVP_DigestInit_ex2(h->c, h->md, NULL);
	EVP_DigestUpdate(h->c, &prefix, 1);
	EVP_DigestUpdate(h->c, a, na);
	if (nb)
		EVP_DigestUpdate(h->c, b, nb);
	EVP_DigestFinal_ex(h->c, out, &len);
}

void lz_ledger__digest(lz_ledger__hasher *h, uint8_t out[32], const void *data, size_t n)
{
	unsigned len;
	EVP_DigestInit_ex2(h->c, h->md, NULL);
	EVP_DigestUpdate(h->c, data, n);
	EVP_DigestFinal_ex(h->c, out, &len);
}

void lz_ledger__leaf(lz_ledger__hasher *h, uint8_t out[32], const void *data, size_t n)
{
	digest2(h, out, 0x00, data, n, NULL, 0);
}

void lz_ledger__node(lz_ledger__hasher *h, uint8_t out[32], const uint8_t left[32], const uint8_t right[32])
{
	uint8_t b[65];

	b[0] = 0x01;
	memcpy(b + 1, left, 32);
	memcpy(b + 33, right, 32);
	lz_ledger__digest(h, out, b, sizeof(b));
}

void lz_ledger__frontier_root(uint8_t out[32], const uint8_t (*frontier)[32], int n)
{
	if (n == 0) {
		lz_sha256(out, "", 0);
		return;
	}
	memcpy(out, frontier[n - 1], 32);
	for (int i = n - 2; i >= 0; i--)
		lz_ledger_node_hash(out, frontier[i], out);
}

void lz_ledger__b64(char *out, size_t outlen, const void *in, size_t n)
{
	sodium_bin2base64(out, outlen, in, n, sodium_base64_VARIANT_ORIGINAL);
}

bool lz_ledger_inclusion_ok(const uint8_t leaf[32], int64_t index, int64_t size, const uint8_t root[32],
                            const lz_ledger_proof *proof)
{
	uint64_t fn, sn;
	uint8_t r[32];

	if (index < 0 || index >= size)
		return false;
	fn = (uint64_t)index;
	sn = (uint64_t)size - 1;
	memcpy(r, leaf, 32);
	for (int i = 0; i < proof->n; i++) {
		if (sn == 0)
			return false;
		if ((fn & 1) || fn == sn) {
			lz_ledger_node_hash(r, proof->hash[i], r);
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			lz_ledger_node_hash(r, r, proof->hash[i]);
		}
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && memcmp(r, root, 32) == 0;
}

bool lz_ledger_consistency_ok(int64_t first, const uint8_t root1[32], int64_t second, const uint8_t root2[32],
                              const lz_ledger_proof *proof)
{
	const uint8_t(*path)[32] = proof->hash;
	uint8_t fr[32], sr[32];
	uint64_t fn, sn;
	int n = proof->n, i = 0;

	if (first < 0 || second < first)
		return false;
	if (first == second)
		return n == 0 && memcmp(root1, root2, 32) == 0;
	if (first == 0)
		return n == 0; /* the empty tree is a prefix of every tree */
	/* When 'first' is a power of two its root is the first node of the path. */
	if ((first & (first - 1)) == 0) {
		memcpy(fr, root1, 32);
	} else {
		if (n == 0)
			return false;
		memcpy(fr, path[0], 32);
		i = 1;
	}
	memcpy(sr, fr, 32);
	fn = (uint64_t)first - 1;
	sn = (uint64_t)second - 1;
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	for (; i < n; i++) {
		if (sn == 0)
			return false;
		if ((fn & 1) || fn == sn) {
			lz_ledger_node_hash(fr, path[i], fr);
			lz_ledger_node_hash(sr, path[i], sr);
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			lz_ledger_node_hash(sr, sr, path[i]);
		}
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && memcmp(fr, root1, 32) == 0 && memcmp(sr, root2, 32) == 0;
}
