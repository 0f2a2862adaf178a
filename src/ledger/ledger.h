/*
 * ledger.h — the tamper-evident fund ledger: one append-only Merkle log per bureau,
 * as in RFC 6962 / RFC 9162, with signed tree heads a third party can check.
 *
 * Exactly which bytes are hashed:
 *
 *   entry bytes = the canonical JSON (compact, keys sorted, lz_audit_canonical) of
 *                 {"at": "<RFC 3339 UTC>", "bureau": "<6-digit code>",
 *                  "data": <the caller's object>, "type": "<type>"}
 *   leaf hash   = SHA-256(0x00 || entry bytes)
 *   node hash   = SHA-256(0x01 || left || right)
 *   tree hash   = MTH of RFC 9162 section 2.1.1 (the empty tree: SHA-256 of nothing)
 *
 * The entry bytes are stored as they were hashed (ledger_entry.data) and are what
 * the API and the export hand out, so anyone can rehash them.
 *
 * Entries never hold personal data in clear: callers pass ids and salted
 * commitments only (say SHA-256(salt || ID number), the salt kept with the
 * encrypted record). Erasing a person's record then leaves every entry, and every
 * proof, valid.
 *
 * Storage keeps the hashes of the complete perfect subtrees of heights 0, 8, 16, …
 * in tiles of 256 (ledger_tile: level, idx, the hashes concatenated), as C2SP
 * tlog-tiles lays them out, and, per bureau, the roots of the perfect subtrees that
 * make up the whole tree (the frontier). The rightmost tile of each level is partial
 * and grows. Appending reads the head and the partial leaf tile and writes the
 * entry, the tile and the head (O(log n) hashing; a second tile once every 256
 * entries). A subtree of another height is recomputed from one tile (at most 255
 * hashes), so a proof reads O(log n) rows — about log n / 8 tiles, fewer with the
 * last tile kept — and verifying reads the entries and n / 256 rows of hashes.
 *
 * Signed tree heads are C2SP tlog checkpoints (c2sp.org/tlog-checkpoint) in the
 * signed-note format (c2sp.org/signed-note):
 *
 *   luzhi/ledger/<code>\n<size>\n<base64 root>\n\n— <key name> <base64(key id || sig)>\n
 *
 * signed by the bureau's Ed25519 key, derived from the installation's ledger seed
 * and the bureau's code; the key name is the origin and the key id is the first 4
 * bytes of SHA-256(name || "\n" || 0x01 || public key). The parent bureau adds a
 * second signature line when it countersigns. A checkpoint is issued when
 * LZ_LEDGER_CHECKPOINT_EVERY entries or LZ_LEDGER_CHECKPOINT_SECONDS have passed
 * since the last one (checked at each append), and on request.
 */
#ifndef LZ_LEDGER_LEDGER_H
#define LZ_LEDGER_LEDGER_H

#include "core/ctx.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#define LZ_LEDGER_CHECKPOINT_EVERY 1000
#define LZ_LEDGER_CHECKPOINT_SECONDS 3600
#define LZ_LEDGER_PAGE_MAX 1000 /* entries in one page of lz_ledger_entries */
#define LZ_LEDGER_PROOF_MAX 128 /* hashes in a proof; log2 of any size is below 64 */
#define LZ_LEDGER_NOTE_MAX 1024 /* bytes of a checkpoint note with two signatures */
#define LZ_LEDGER_VKEY_MAX 160  /* bytes of a verifier key string */

/*
 * Appends {type, bureau, at, data} to the bureau's ledger and sets *out_index (may
 * be NULL) to its 0-based index. Must be called inside the caller's write
 * transaction, so the entry commits or vanishes with the change it records. 'type'
 * is 1–32 characters of a-z, 0-9, '.' and '_' ("payment.approve"); 'data' an object
 * (NULL for {}) of ids and commitments, never personal data in clear. May issue a
 * checkpoint (see above). Errors: LZ_EINVALID naming the field, LZ_ENOTFOUND for an
 * unknown bureau, LZ_EDB.
 */
int lz_ledger_append(int64_t *out_index, lz_ctx *ctx, int64_t bureau_id, const char *type,
                     const json_t *data) LZ_MUST_USE;

/* A checkpoint as stored. */
typedef struct {
	int64_t size;
	uint8_t root[32];
	int64_t at;
	char note[LZ_LEDGER_NOTE_MAX];
} lz_ledger_checkpoint_t;

/*
 * Issues a checkpoint of the bureau's current tree unless one of that size exists,
 * and reads the latest into *out (may be NULL). Runs in its own write transaction
 * unless one is open. An empty ledger has a checkpoint of size 0 (the root of the
 * empty tree). Requires LZ_PERM_LEDGER_READ and the bureau in scope.
 */
int lz_ledger_checkpoint(lz_ledger_checkpoint_t *out, lz_ctx *ctx, int64_t bureau_id) LZ_MUST_USE;

/* The bureau's current tree size. Requires LZ_PERM_LEDGER_READ and scope. */
int lz_ledger_size(int64_t *out, lz_ctx *ctx, int64_t bureau_id) LZ_MUST_USE;

/*
 * Entries [start, end) as a JSON array (caller owns) of {index, type, at, data}
 * where data is the base64 of the exact leaf bytes. 'end' is clamped to the tree
 * size; at most LZ_LEDGER_PAGE_MAX entries. LZ_EINVALID naming "start" or "end".
 */
int lz_ledger_entries(json_t **out, lz_ctx *ctx, int64_t bureau_id, int64_t start, int64_t end) LZ_MUST_USE;

typedef struct {
	int n;
	uint8_t hash[LZ_LEDGER_PROOF_MAX][32];
	int reads; /* store rows read to build it */
} lz_ledger_proof;

/*
 * The RFC 9162 inclusion proof (audit path) of entry 'index' in the tree of 'size'
 * entries. LZ_EINVALID naming "index" when index ≥ size, "size" when size exceeds
 * the tree. Requires LZ_PERM_LEDGER_READ and scope.
 */
int lz_ledger_inclusion(lz_ledger_proof *out, lz_ctx *ctx, int64_t bureau_id, int64_t index,
                        int64_t size) LZ_MUST_USE;
/* The RFC 9162 consistency proof between the trees of 'first' and 'second' entries.
 * LZ_EINVALID naming "first" (first > second) or "second" (past the tree). */
int lz_ledger_consistency(lz_ledger_proof *out, lz_ctx *ctx, int64_t bureau_id, int64_t first,
                          int64_t second) LZ_MUST_USE;

/* The root of the tree of 'size' entries (O(log n) reads). */
int lz_ledger_root(uint8_t out[32], lz_ctx *ctx, int64_t bureau_id, int64_t size) LZ_MUST_USE;

/* ---------------------------------------------------------------- keys and notes */

/* The origin line and key name of a bureau's ledger: "luzhi/ledger/<code>". */
void lz_ledger_origin(char out[64], const char *code);
/* The bureau's note verifier key "<name>+<8 hex key id>+<base64(0x01 || public key)>". */
void lz_ledger_verifier_key(char out[LZ_LEDGER_VKEY_MAX], const lz_app *app, const char *code);
/* The verifier key of a bureau in scope. Requires LZ_PERM_LEDGER_READ. */
int lz_ledger_pubkey(char out[LZ_LEDGER_VKEY_MAX], lz_ctx *ctx, int64_t bureau_id) LZ_MUST_USE;

/*
 * Checks a checkpoint note: that a signature line by the key 'vkey' verifies over
 * the note's text, and reads the origin, size and root from the text. LZ_ETAMPERED
 * when no line of that key verifies, LZ_EINVALID when the note is malformed.
 * Needs no store: the offline verifier uses it.
 */
int lz_ledger_note_verify(int64_t *size, uint8_t root[32], char origin[64], const char *note,
                          const char *vkey) LZ_MUST_USE;

/* ---------------------------------------------------------------- proofs (pure) */

void lz_ledger_leaf_hash(uint8_t out[32], const void *data, size_t n);
void lz_ledger_node_hash(uint8_t out[32], const uint8_t left[32], const uint8_t right[32]);
/* True when 'proof' shows the leaf hash at 'index' in the tree of 'size' and 'root'. */
bool lz_ledger_inclusion_ok(const uint8_t leaf[32], int64_t index, int64_t size, const uint8_t root[32],
                            const lz_ledger_proof *proof);
/* True when 'proof' shows the tree (first, root1) is a prefix of (second, root2). */
bool lz_ledger_consistency_ok(int64_t first, const uint8_t root1[32], int64_t second, const uint8_t root2[32],
                              const lz_ledger_proof *proof);

/* ---------------------------------------------------------------- countersigning */

/*
 * The parent bureau countersigns the child's current checkpoint: it checks the
 * child's signature, and that the child's tree is consistent with the last head the
 * parent countersigned (a consistency proof read from the store); then adds its own
 * signature line and stores the note. A failed check is recorded (ledger_countersign
 * with ok = 0, and the audit log) and answered LZ_ETAMPERED. Requires
 * LZ_PERM_LEDGER_COUNTERSIGN and the parent in the actor's scope (else
 * LZ_EFORBIDDEN). *out (may be NULL) receives the countersigned note.
 */
int lz_ledger_countersign(lz_ledger_checkpoint_t *out, lz_ctx *ctx, int64_t child_bureau_id) LZ_MUST_USE;

/* ---------------------------------------------------------------- verification */

typedef enum {
	LZ_LEDGER_OK,
	LZ_LEDGER_CHANGED,   /* an entry's bytes no longer match its leaf hash */
	LZ_LEDGER_DELETED,   /* an entry is missing */
	LZ_LEDGER_INSERTED,  /* an entry was added that was never appended */
	LZ_LEDGER_REORDERED, /* an entry sits at another entry's place */
	LZ_LEDGER_TREE,      /* a stored subtree hash or the head does not match the entries */
	LZ_LEDGER_SIGNED,    /* a checkpoint's signature or root does not match */
} lz_ledger_problem;

const char *lz_ledger_problem_name(lz_ledger_problem p);

typedef struct {
	bool ok;
	int bureaus;           /* ledgers checked */
	int64_t entries;       /* entries checked */
	int64_t checkpoints;   /* signed heads checked (countersignatures included) */
	int64_t bad_bureau_id; /* when !ok */
	char bad_bureau_code[8];
	int64_t first_bad_index; /* the first entry to blame, -1 when none can be named */
	lz_ledger_problem problem;
	char message[256];
} lz_ledger_report;

/*
 * Recomputes, for one bureau in scope or every bureau in scope (bureau_id 0), each
 * leaf hash from the stored bytes, every stored subtree hash, the head, and every
 * stored checkpoint's and countersignature's root and signatures, and names the
 * first entry changed, deleted, inserted or reordered. Returns 0 whether or not it
 * verifies (see the report); a negative code only when it cannot read. Requires
 * LZ_PERM_LEDGER_READ.
 */
int lz_ledger_verify(lz_ledger_report *out, lz_ctx *ctx, int64_t bureau_id) LZ_MUST_USE;

/* ---------------------------------------------------------------- export */

/*
 * Writes a bureau's ledger to 'f' as JSON lines: a header {"format":
 * "luzhi-ledger-export/1", "origin", "bureau", "size", "verifier_key"}, then one
 * {"checkpoint": note} per signed head (countersigned ones with both lines), then
 * one {"index", "data"} per entry (data: base64 of the leaf bytes). Issues a
 * checkpoint of the current tree first, so every entry is covered. Requires
 * LZ_PERM_LEDGER_READ and scope.
 */
int lz_ledger_export(lz_ctx *ctx, int64_t bureau_id, FILE *f) LZ_MUST_USE;

/*
 * Verifies an export with no store: every checkpoint's signature by 'vkey', every
 * entry's index, and the root of the rehashed entries at every checkpoint's size;
 * entries past the last checkpoint are refused as unsigned. Fills the report like
 * lz_ledger_verify (first_bad_index is the first entry of the failing span). Returns
 * 0 whether or not it verifies; LZ_EINVALID / LZ_EMALFORMED for a file that is not
 * an export, LZ_EIO when it cannot be read.
 */
int lz_ledger_verify_export(lz_ledger_report *out, FILE *f, const char *vkey) LZ_MUST_USE;

#endif
