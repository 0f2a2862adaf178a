/*
 * ledger_int.h — what the files of the ledger module share: the statement table,
 * reading a bureau's head and its stored subtrees, keys and notes. Nothing outside
 * src/ledger/ includes it.
 */
#ifndef LZ_LEDGER_LEDGER_INT_H
#define LZ_LEDGER_LEDGER_INT_H

#include "ledger/ledger.h"

#include "org/org.h"

#include <sodium.h>

#define LZ_LEDGER_FRONTIER_MAX 64

enum {
	LQ_HEAD,
	LQ_HEAD_INSERT,
	LQ_HEAD_SET,
	LQ_HEAD_CHECKPOINTED,
	LQ_BUREAU_CODE,
	LQ_ENTRY_INSERT,
	LQ_TILE_INSERT,
	LQ_TILE_GET,
	LQ_TILE_SET,
	LQ_CHECKPOINT_INSERT,
	LQ_CHECKPOINT_LATEST,
	LQ_CHECKPOINT_ALL,
	LQ_ENTRIES,
	LQ_ENTRIES_DATA,
	LQ_ENTRIES_AFTER,
	LQ_TILES,
	LQ_TILES_ABOVE,
	LQ_LEAF_TILES_AFTER,
	LQ_HEADS_ALL,
	LQ_COUNTERSIGN_LAST,
	LQ_COUNTERSIGN_INSERT,
	LQ_COUNTERSIGN_ALL,
	LQ_COUNT
};

extern const char *const lz_ledger__sql[LQ_COUNT];

/* A bureau's head row. 'exists' is false for a bureau that never appended. */
typedef struct {
	bool exists;
	char code[8];
	int64_t size;
	int nfrontier;
	uint8_t frontier[LZ_LEDGER_FRONTIER_MAX][32];
	int64_t checkpoint_size, checkpoint_at;
} lz_ledger__head;

/* Reads the head of a bureau; when there is none, the bureau's code and size 0. */
int lz_ledger__head_read(lz_ledger__head *out, lz_conn *c, int64_t bureau_id) LZ_MUST_USE;

/* The root of a tree from its frontier (the empty tree's for none). */
void lz_ledger__frontier_root(uint8_t out[32], const uint8_t (*frontier)[32], int n);

/*
 * Hashes are stored in tiles of LZ_LEDGER__TILE_WIDTH (as C2SP tlog-tiles): tile
 * (level L, idx i) holds the hashes of the perfect subtrees of height 8L numbered
 * 256i … 256i + 255, concatenated; the rightmost tile of a level is partial and
 * grows. A subtree of any other height is recomputed from one tile.
 */
#define LZ_LEDGER__TILE_HEIGHT 8
#define LZ_LEDGER__TILE_WIDTH 256

/* SHA-256 for the hot paths; see below. */
typedef struct {
	struct evp_md_st *md;
	struct evp_md_ctx_st *c;
} lz_ledger__hasher;

/*
 * Reads subtree hashes of one bureau from its tiles, keeping the last tile read
 * (a proof's hashes near the leaves come from the same tile). 'reads' counts the
 * rows read. Set up with lz_ledger__tiles_init, release with lz_ledger__tiles_done.
 */
typedef struct {
	lz_conn *c;
	int64_t bureau_id;
	int reads;
	bool cached;
	int level;
	int64_t idx;
	size_t n; /* bytes of 'hashes' */
	uint8_t hashes[LZ_LEDGER__TILE_WIDTH * 32];
	lz_ledger__hasher hs;
} lz_ledger__tiles;

void lz_ledger__tiles_init(lz_ledger__tiles *t, lz_conn *c, int64_t bureau_id);
void lz_ledger__tiles_done(lz_ledger__tiles *t);

/* MTH(D[a:b]) from the stored tiles; a is aligned as RFC 9162's recursion makes it. */
int lz_ledger__mth(uint8_t out[32], lz_ledger__tiles *t, int64_t a, int64_t b) LZ_MUST_USE;
/* Consistency proof from the store, no permission check. */
int lz_ledger__consistency(lz_ledger_proof *out, lz_conn *c, int64_t bureau_id, int64_t first,
                           int64_t second) LZ_MUST_USE;

/* The bureau in scope with read permission; fills *b. */
int lz_ledger__bureau(lz_bureau *b, lz_ctx *ctx, int64_t bureau_id) LZ_MUST_USE;

/* The Ed25519 key pair of a bureau, derived from the installation's ledger seed. */
void lz_ledger__keypair(uint8_t pk[crypto_sign_PUBLICKEYBYTES], uint8_t sk[crypto_sign_SECRETKEYBYTES],
                        const lz_app *app, const char *code);
/* Signs the checkpoint text of (origin of 'code', size, root) into a note. */
void lz_ledger__note_sign(char out[LZ_LEDGER_NOTE_MAX], const lz_app *app, const char *code, int64_t size,
                          const uint8_t root[32]);
/* Appends to 'note' (a signed note) a signature line by the key of 'code'. */
int lz_ledger__note_cosign(char note[LZ_LEDGER_NOTE_MAX], const lz_app *app, const char *code) LZ_MUST_USE;

/* Issues a checkpoint of the head's tree inside the open write transaction. */
int lz_ledger__issue(lz_ctx *ctx, lz_conn *c, int64_t bureau_id, lz_ledger__head *h) LZ_MUST_USE;

/*
 * SHA-256 for the hot paths (appending, verifying, proofs): OpenSSL's EVP with the
 * algorithm fetched once and one context reused (lz_ledger__hasher, above), which
 * is faster for short inputs than a fresh one-shot digest each time. One per thread.
 */
void lz_ledger__hasher_init(lz_ledger__hasher *h);
void lz_ledger__hasher_done(lz_ledger__hasher *h);
/* SHA-256(0x00 || data) and SHA-256(0x01 || left || right), as the public ones. */
void lz_ledger__leaf(lz_ledger__hasher *h, uint8_t out[32], const void *data, size_t n);
void lz_ledger__node(lz_ledger__hasher *h, uint8_t out[32], const uint8_t left[32], const uint8_t right[32]);
/* SHA-256 of 'n' bytes that already begin with their prefix byte. */
void lz_ledger__digest(lz_ledger__hasher *h, uint8_t out[32], const void *data, size_t n);

/* Base64 (RFC 4648 standard alphabet). 'out' needs sodium_base64_ENCODED_LEN bytes. */
void lz_ledger__b64(char *out, size_t outlen, const void *in, size_t n);

#endif
