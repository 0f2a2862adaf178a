/*
 * ledger.c — appending to a bureau's Merkle log, and reading it back: entries,
 * roots and proofs from the stored tiles of subtree hashes (see ledger.h for the
 * bytes, ledger_int.h and migration 006 for the tiles).
 *
 * Appends happen inside the caller's write transaction, and write transactions are
 * serialised by the store (SQLite's single write lock taken at BEGIN IMMEDIATE;
 * PostgreSQL's transaction-scoped advisory lock), so reading the head and appending
 * after it cannot interleave with another append; UNIQUE (bureau_id, idx) backs it.
 */
#include "ledger/ledger_int.h"

#include "audit/audit.h"
#include "auth/auth.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/crypto.h"
#include "base/json.h"

#include <stdlib.h>
#include <string.h>

const char *const lz_ledger__sql[LQ_COUNT] = {
    [LQ_HEAD] =
        "SELECT code, size, frontier, checkpoint_size, checkpoint_at FROM ledger_head WHERE bureau_id = ?",
    [LQ_HEAD_INSERT] =
        "INSERT INTO ledger_head(bureau_id, code, size, frontier, checkpoint_size, checkpoint_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
    [LQ_HEAD_SET] = "UPDATE ledger_head SET size = ?, frontier = ? WHERE bureau_id = ?",
    [LQ_HEAD_CHECKPOINTED] =
        "UPDATE ledger_head SET checkpoint_size = ?, checkpoint_at = ? WHERE bureau_id = ?",
    [LQ_BUREAU_CODE] = "SELECT code FROM bureau WHERE id = ?",
    [LQ_ENTRY_INSERT] = "INSERT INTO ledger_entry(bureau_id, idx, type, at, data) VALUES (?, ?, ?, ?, ?)",
    [LQ_TILE_INSERT] = "INSERT INTO ledger_tile(bureau_id, level, idx, hashes) VALUES (?, ?, ?, ?)",
    [LQ_TILE_GET] = "SELECT hashes FROM ledger_tile WHERE bureau_id = ? AND level = ? AND idx = ?",
    [LQ_TILE_SET] = "UPDATE ledger_tile SET hashes = ? WHERE bureau_id = ? AND level = ? AND idx = ?",
    [LQ_CHECKPOINT_INSERT] =
        "INSERT INTO ledger_checkpoint(bureau_id, size, root, at, note) VALUES (?, ?, ?, ?, ?)",
    [LQ_CHECKPOINT_LATEST] = "SELECT size, root, at, note FROM ledger_checkpoint WHERE bureau_id = ? "
                             "ORDER BY size DESC LIMIT 1",
    [LQ_CHECKPOINT_ALL] = "SELECT size, root, note FROM ledger_checkpoint WHERE bureau_id = ? ORDER BY size",
    [LQ_ENTRIES] =
        "SELECT idx, type, at, data FROM ledger_entry WHERE bureau_id = ? AND idx >= ? AND idx < ? "
        "ORDER BY idx",
    [LQ_ENTRIES_DATA] = "SELECT idx, data FROM ledger_entry WHERE bureau_id = ? ORDER BY idx",
    [LQ_ENTRIES_AFTER] = "SELECT idx, data FROM ledger_entry WHERE bureau_id = ? AND idx > ? ORDER BY idx "
                         "LIMIT ?",
    [LQ_TILES] = "SELECT level, idx, hashes FROM ledger_tile WHERE bureau_id = ? ORDER BY level, idx",
    [LQ_TILES_ABOVE] = "SELECT level, idx, hashes FROM ledger_tile WHERE bureau_id = ? AND level > 0 "
                       "ORDER BY level, idx",
    [LQ_LEAF_TILES_AFTER] = "SELECT idx, hashes FROM ledger_tile WHERE bureau_id = ? AND level = 0 AND idx > ? "
                            "ORDER BY idx LIMIT ?",
    [LQ_HEADS_ALL] = "SELECT b.id, b.path FROM bureau b WHERE EXISTS (SELECT 1 FROM ledger_head h WHERE "
                     "h.bureau_id = b.id) OR EXISTS (SELECT 1 FROM ledger_entry e WHERE e.bureau_id = b.id) "
                     "ORDER BY b.id",
    [LQ_COUNTERSIGN_LAST] = "SELECT size, root FROM ledger_countersign WHERE bureau_id = ? AND parent_id = ? "
                            "AND ok = 1 ORDER BY id DESC LIMIT 1",
    [LQ_COUNTERSIGN_INSERT] =
        "INSERT INTO ledger_countersign(bureau_id, parent_id, size, root, at, ok, note, "
        "reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    [LQ_COUNTERSIGN_ALL] =
        "SELECT c.size, c.root, c.note, b.code FROM ledger_countersign c "
        "JOIN bureau b ON b.id = c.parent_id WHERE c.bureau_id = ? AND c.ok = 1 ORDER BY c.id",
};

int lz_ledger__bureau(lz_bureau *b, lz_ctx *ctx, int64_t bureau_id)
{
	int error;
	if ((error = lz_auth_require(ctx, LZ_PERM_LEDGER_READ)) < 0)
		return error;
	return lz_bureau_get(b, ctx, bureau_id);
}

int lz_ledger__head_read(lz_ledger__head *out, lz_conn *c, int64_t bureau_id)
{
	lz_stmt *s;
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = lz_stmt_prepare(&s, c, lz_ledger__sql[LQ_HEAD])) < 0)
		return error;
	if ((error = lz_stmt_bindv(s, "i", bureau_id)) == 0 && (error = lz_stmt_step(s)) == LZ_ROW) {
		size_t n;
		const void *f = lz_stmt_blob(s, 2, &n);
		out->exists = true;
		snprintf(out->code, sizeof(out->code), "%s", lz_stmt_text(s, 0));
		out->size = lz_stmt_int(s, 1);
		out->checkpoint_size = lz_stmt_int(s, 3);
		out->checkpoint_at = lz_stmt_int(s, 4);
		if (n % 32 != 0 || n / 32 > LZ_LEDGER_FRONTIER_MAX ||
		    (int)(n / 32) != __builtin_popcountll((unsigned long long)out->size)) {
			error = lz_error_set(LZ_ETAMPERED, NULL, "the ledger head of bureau %lld is damaged",
			                     (long long)bureau_id);
		} else {
			out->nfrontier = (int)(n / 32);
			if (n)
				memcpy(out->frontier, f, n);
			error = 0;
		}
	}
	lz_stmt_finish(s);
	if (error < 0 || out->exists)
		return error;
	/* No head yet: the bureau's code, size 0. */
	if ((error = lz_stmt_prepare(&s, c, lz_ledger__sql[LQ_BUREAU_CODE])) < 0)
		return error;
	if ((error = lz_stmt_bindv(s, "i", bureau_id)) == 0 && (error = lz_stmt_step(s)) == LZ_ROW) {
		snprintf(out->code, sizeof(out->code), "%s", lz_stmt_text(s, 0));
		error = 0;
	} else if (error == LZ_DONE) {
		error = lz_error_set(LZ_ENOTFOUND, "bureau", "no bureau %lld", (long long)bureau_id);
	}
	lz_stmt_finish(s);
	return error;
}

static bool valid_type(const char *t)
{
	size_t n = t ? strlen(t) : 0;
	if (n < 1 || n > 32)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= '0' && t[i] <= '9') || t[i] == '.' ||
		      t[i] == '_'))
			return false;
	return true;
}

/* Reads tile (level, idx) into 'buf' (LZ_LEDGER__TILE_WIDTH hashes); *n its bytes,
 * 0 when there is no such tile. */
static int tile_read(uint8_t *buf, size_t *n, lz_conn *c, int64_t bureau_id, int level, int64_t idx)
{
	lz_stmt *s;
	int error;

	*n = 0;
	if ((error = lz_stmt_prepare(&s, c, lz_ledger__sql[LQ_TILE_GET])) < 0)
		return error;
	if ((error = lz_stmt_bindv(s, "iii", bureau_id, (int64_t)level, idx)) == 0 &&
	    (error = lz_stmt_step(s)) == LZ_ROW) {
		size_t len;
		const void *h = lz_stmt_blob(s, 0, &len);
		if (!h || len == 0 || len % 32 != 0 || len > LZ_LEDGER__TILE_WIDTH * 32) {
			error = lz_error_set(LZ_ETAMPERED, NULL, "the ledger's tile (%d, %lld) is damaged", level,
			                     (long long)idx);
		} else {
			memcpy(buf, h, len);
			*n = len;
			error = 0;
		}
	} else if (error == LZ_DONE) {
		error = 0;
	}
	lz_stmt_finish(s);
	return error;
}

/* Adds hash number 'index' of height 8 * 'level' to its tile: a new row for the
 * first hash of a tile, else the tile read, extended and written back. */
static int tile_push(lz_conn *c, int64_t bureau_id, int level, int64_t index, const uint8_t h[32])
{
	uint8_t buf[LZ_LEDGER__TILE_WIDTH * 32];
	int64_t idx = index / LZ_LEDGER__TILE_WIDTH;
	size_t pos = (size_t)(index % LZ_LEDGER__TILE_WIDTH), n;
	int error;

	if (pos == 0)
		return lz_exec_int(NULL, c, lz_ledger__sql[LQ_TILE_INSERT], false, "iiib", bureau_id,
		                   (int64_t)level, idx, h, (size_t)32);
	if ((error = tile_read(buf, &n, c, bureau_id, level, idx)) < 0)
		return error;
	if (n != pos * 32)
		return lz_error_set(LZ_ETAMPERED, NULL,
		                    "the ledger's tile (%d, %lld) holds %zu hashes where %zu were appended",
		                    level, (long long)idx, n / 32, pos);
	memcpy(buf + n, h, 32);
	return lz_exec_int(NULL, c, lz_ledger__sql[LQ_TILE_SET], false, "biii", buf, n + 32, bureau_id,
	                   (int64_t)level, idx);
}

int lz_ledger_append(int64_t *out_index, lz_ctx *ctx, int64_t bureau_id, const char *type, const json_t *data)
{
	lz_ledger__hasher hs = {0};
	uint8_t cur[32];
	char at[21];
	lz_ledger__head h;
	int64_t now = lz_ctx_now(ctx), index;
	json_t *entry;
	char *bytes;
	lz_conn *c;
	int error;

	if (!valid_type(type))
		return lz_error_set(LZ_EINVALID, "type",
		                    "a ledger entry type is 1-32 characters of a-z, 0-9, '.', '_'");
	if (data && !json_is_object(data))
		return lz_error_set(LZ_EINVALID, "data", "a ledger entry's data is a JSON object");
	if ((error = lz_ctx_conn(&c, ctx)) < 0)
		return error;
	if (!lz_conn_in_tx(c))
		return lz_error_set(LZ_EINTERNAL, NULL,
		                    "ledger entries are appended inside the change's transaction");
	if ((error = lz_ledger__head_read(&h, c, bureau_id)) < 0)
		return error;
	if (h.size >= (INT64_C(1) << 62))
		return lz_error_set(LZ_EINVALID, "bureau", "the ledger is full");

	lz_time_format(at, now);
	entry = json_pack("{sssssoss}", "at", at, "bureau", h.code, "data",
	                  data ? json_incref((json_t *)data) : json_object(), "type", type);
	bytes = lz_audit_canonical(entry);
	json_decref(entry);

	index = h.size;
	lz_ledger__hasher_init(&hs);
	lz_ledger__leaf(&hs, cur, bytes, strlen(bytes));
	if ((error = lz_exec_int(NULL, c, lz_ledger__sql[LQ_ENTRY_INSERT], false, "iitib", bureau_id, index,
	                         type, now, bytes, strlen(bytes))) < 0 ||
	    (error = tile_push(c, bureau_id, 0, index, cur)) < 0)
		goto done;
	/* Each trailing 1 bit of the old size is a perfect subtree this leaf completes;
	 * those of a height that is a multiple of 8 go to the tiles of the next level. */
	for (int level = 1; (index >> (level - 1)) & 1; level++) {
		lz_ledger__node(&hs, cur, h.frontier[--h.nfrontier], cur);
		if (level % LZ_LEDGER__TILE_HEIGHT == 0 &&
		    (error = tile_push(c, bureau_id, level / LZ_LEDGER__TILE_HEIGHT,
		                       ((index + 1) >> level) - 1, cur)) < 0)
			goto done;
	}
	memcpy(h.frontier[h.nfrontier++], cur, 32);
	h.size = index + 1;
	if (!h.exists) {
		error = lz_exec_int(NULL, c, lz_ledger__sql[LQ_HEAD_INSERT], false, "itibii", bureau_id,
		                    h.code, h.size, h.frontier, (size_t)h.nfrontier * 32, (int64_t)0, now);
		h.exists = true;
		h.checkpoint_at = now;
	} else {
		error = lz_exec_int(NULL, c, lz_ledger__sql[LQ_HEAD_SET], false, "ibi", h.size, h.frontier,
		                    (size_t)h.nfrontier * 32, bureau_id);
	}
	if (error < 0)
		goto done;
	if (h.size - h.checkpoint_size >= LZ_LEDGER_CHECKPOINT_EVERY ||
	    now - h.checkpoint_at >= LZ_LEDGER_CHECKPOINT_SECONDS)
		error = lz_ledger__issue(ctx, c, bureau_id, &h);
	if (error == 0 && out_index)
		*out_index = index;
done:
	lz_ledger__hasher_done(&hs);
	free(bytes);
	return error;
}

int lz_ledger_size(int64_t *out, lz_ctx *ctx, int64_t bureau_id)
{
	lz_ledger__head h;
	lz_bureau b;
	lz_conn *c;
	int error;

	if ((error = lz_ledger__bureau(&b, ctx, bureau_id)) < 0 || (error = lz_ctx_conn(&c, ctx)) < 0 ||
	    (error = lz_ledger__head_read(&h, c, bureau_id)) < 0)
		return error;
	*out = h.size;
	return 0;
}

int lz_ledger_pubkey(char out[LZ_LEDGER_VKEY_MAX], lz_ctx *ctx, int64_t bureau_id)
{
	lz_bureau b;
	int error;

	if ((error = lz_ledger__bureau(&b, ctx, bureau_id)) < 0)
		return error;
	lz_ledger_verifier_key(out, ctx->app, b.code);
	return 0;
}

int lz_ledger_entries(json_t **out, lz_ctx *ctx, int64_t bureau_id, int64_t start, int64_t end)
{
	int64_t size;
	json_t *items = NULL;
	lz_stmt *s = NULL;
	lz_conn *c;
	int error;

	*out = NULL;
	if ((error = lz_ledger_size(&size, ctx, bureau_id)) < 0)
		return error;
	if (start < 0 || start > size)
		return lz_error_set(LZ_EINVALID, "start", "start must be between 0 and the tree size (%lld)",
		                    (long long)size);
	if (end < start)
		return lz_error_set(LZ_EINVALID, "end", "end must not be before start");
	if (end - start > LZ_LEDGER_PAGE_MAX)
		end = start + LZ_LEDGER_PAGE_MAX;
	if (end > size)
		end = size;
	if ((error = lz_ctx_conn(&c, ctx)) < 0 ||
	    (error = lz_stmt_prepare(&s, c, lz_ledger__sql[LQ_ENTRIES])) < 0 ||
	    (error = lz_stmt_bindv(s, "iii", bureau_id, start, end)) < 0)
		goto done;
	items = json_array();
	while ((error = lz_stmt_step(s)) == LZ_ROW) {
		size_t n;
		const void *d = lz_stmt_blob(s, 3, &n);
		size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
		char *b64 = lz_xmalloc(cap);
		lz_ledger__b64(b64, cap, d ? d : "", n);
		json_array_append_new(items, json_pack("{sIsssoss}", "index", (json_int_t)lz_stmt_int(s, 0),
		                                       "type", lz_stmt_text(s, 1), "at",
		                                       lz_json_time(lz_stmt_int(s, 2)), "data", b64));
		free(b64);
	}
	if (error == LZ_DONE)
		error = 0;
done:
	lz_stmt_finish(s);
	if (error < 0) {
		json_decref(items);
		return error;
	}
	*out = items;
	return 0;
}

/* ---------------------------------------------------------------- subtrees and proofs */

static int64_t largest_pow2_below(int64_t n)
{
	int64_t k = 1;
	while (k << 1 < n)
		k <<= 1;
	return k;
}

void lz_ledger__tiles_init(lz_ledger__tiles *t, lz_conn *c, int64_t bureau_id)
{
	t->c = c;
	t->bureau_id = bureau_id;
	t->reads = 0;
	t->cached = false;
	t->hs.md = NULL;
	t->hs.c = NULL;
}

void lz_ledger__tiles_done(lz_ledger__tiles *t)
{
	if (t->hs.c)
		lz_ledger__hasher_done(&t->hs);
	t->hs.c = NULL;
}

/* The hash of the perfect subtree (height 'level', number 'idx'): read from the
 * tile of level level / 8 and hashed up the remaining level % 8 heights. */
static int node_get(uint8_t out[32], lz_ledger__tiles *t, int level, int64_t idx)
{
	uint8_t work[LZ_LEDGER__TILE_WIDTH / 2][32];
	int tl = level / LZ_LEDGER__TILE_HEIGHT, up = level % LZ_LEDGER__TILE_HEIGHT;
	int64_t first = idx << up, tile = first / LZ_LEDGER__TILE_WIDTH;
	size_t pos = (size_t)(first % LZ_LEDGER__TILE_WIDTH), count = (size_t)1 << up;
	int error;

	if (!t->cached || t->level != tl || t->idx != tile) {
		t->cached = false;
		t->reads++;
		if ((error = tile_read(t->hashes, &t->n, t->c, t->bureau_id, tl, tile)) < 0)
			return error;
		t->cached = true;
		t->level = tl;
		t->idx = tile;
	}
	if ((pos + count) * 32 > t->n)
		return lz_error_set(LZ_ETAMPERED, NULL, "the ledger's subtree (%d, %lld) is missing", level,
		                    (long long)idx);
	if (count == 1) {
		memcpy(out, t->hashes + pos * 32, 32);
		return 0;
	}
	if (!t->hs.c)
		lz_ledger__hasher_init(&t->hs);
	for (size_t j = 0; j < count / 2; j++)
		lz_ledger__node(&t->hs, work[j], t->hashes + (pos + 2 * j) * 32, t->hashes + (pos + 2 * j + 1) * 32);
	for (count /= 2; count > 1; count /= 2)
		for (size_t j = 0; j < count / 2; j++)
			lz_ledger__node(&t->hs, work[j], work[2 * j], work[2 * j + 1]);
	memcpy(out, work[0], 32);
	return 0;
}

int lz_ledger__mth(uint8_t out[32], lz_ledger__tiles *t, int64_t a, int64_t b)
{
	int64_t n = b - a, k;
	uint8_t left[32], right[32];
	int error;

	if (n <= 0) {
		lz_sha256(out, "", 0);
		return 0;
	}
	if ((n & (n - 1)) == 0 && a % n == 0)
		return node_get(out, t, __builtin_ctzll((unsigned long long)n), a / n);
	k = largest_pow2_below(n);
	if ((error = lz_ledger__mth(left, t, a, a + k)) < 0 || (error = lz_ledger__mth(right, t, a + k, b)) < 0)
		return error;
	lz_ledger_node_hash(out, left, right);
	return 0;
}

static int push(lz_ledger_proof *p, lz_ledger__tiles *t, int64_t a, int64_t b)
{
	int error;
	if (p->n >= LZ_LEDGER_PROOF_MAX)
		return lz_error_set(LZ_EINTERNAL, NULL, "proof too long");
	error = lz_ledger__mth(p->hash[p->n++], t, a, b);
	p->reads = t->reads;
	return error;
}

/* PATH(m, D[a : a+n]) of RFC 9162 2.1.3.1. */
static int path(lz_ledger_proof *p, lz_ledger__tiles *t, int64_t m, int64_t a, int64_t n)
{
	int64_t k;
	int error;

	if (n <= 1)
		return 0;
	k = largest_pow2_below(n);
	if (m < k)
		return (error = path(p, t, m, a, k)) < 0 ? error
		                                                    : push(p, t, a + k, a + n);
	return (error = path(p, t, m - k, a + k, n - k)) < 0 ? error
	                                                                : push(p, t, a, a + k);
}

/* SUBPROOF(m, D[a : a+n], b) of RFC 9162 2.1.4.1. */
static int subproof(lz_ledger_proof *p, lz_ledger__tiles *t, int64_t m, int64_t a, int64_t n,
                    bool b)
{
	int64_t k;
	int error;

	if (m == n)
		return b ? 0 : push(p, t, a, a + n);
	k = largest_pow2_below(n);
	if (m <= k)
		return (error = subproof(p, t, m, a, k, b)) < 0
		           ? error
		           : push(p, t, a + k, a + n);
	return (error = subproof(p, t, m - k, a + k, n - k, false)) < 0
	           ? error
	           : push(p, t, a, a + k);
}

int lz_ledger__consistency(lz_ledger_proof *out, lz_conn *c, int64_t bureau_id, int64_t first, int64_t second)
{
	lz_ledger__tiles t;
	int error;

	memset(out, 0, sizeof(*out));
	if (first <= 0 || first >= second)
		return 0;
	lz_ledger__tiles_init(&t, c, bureau_id);
	error = subproof(out, &t, first, 0, second, true);
	lz_ledger__tiles_done(&t);
	return error;
}

int lz_ledger_inclusion(lz_ledger_proof *out, lz_ctx *ctx, int64_t bureau_id, int64_t index, int64_t size)
{
	int64_t tree;
	lz_conn *c;
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = lz_ledger_size(&tree, ctx, bureau_id)) < 0)
		return error;
	if (size < 0 || size > tree)
		return lz_error_set(LZ_EINVALID, "size", "size must be between 1 and the tree size (%lld)",
		                    (long long)tree);
	if (index < 0 || index >= size)
		return lz_error_set(LZ_EINVALID, "index", "index must be below size (%lld)", (long long)size);
	if ((error = lz_ctx_conn(&c, ctx)) < 0)
		return error;
	lz_ledger__tiles t;
	lz_ledger__tiles_init(&t, c, bureau_id);
	error = path(out, &t, index, 0, size);
	lz_ledger__tiles_done(&t);
	return error;
}

int lz_ledger_consistency(lz_ledger_proof *out, lz_ctx *ctx, int64_t bureau_id, int64_t first, int64_t second)
{
	int64_t tree;
	lz_conn *c;
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = lz_ledger_size(&tree, ctx, bureau_id)) < 0)
		return error;
	if (second < 0 || second > tree)
		return lz_error_set(LZ_EINVALID, "second",
		                    "second must be between 0 and the tree size (%lld)", (long long)tree);
	if (first < 0 || first > second)
		return lz_error_set(LZ_EINVALID, "first", "first must be between 0 and second");
	if ((error = lz_ctx_conn(&c, ctx)) < 0)
		return error;
	return lz_ledger__consistency(out, c, bureau_id, first, second);
}

int lz_ledger_root(uint8_t out[32], lz_ctx *ctx, int64_t bureau_id, int64_t size)
{
	int64_t tree;
	lz_ledger__tiles t;
	lz_conn *c;
	int error;

	if ((error = lz_ledger_size(&tree, ctx, bureau_id)) < 0)
		return error;
	if (size < 0 || size > tree)
		return lz_error_set(LZ_EINVALID, "size", "size must be between 0 and the tree size (%lld)",
		                    (long long)tree);
	if ((error = lz_ctx_conn(&c, ctx)) < 0)
		return error;
	lz_ledger__tiles_init(&t, c, bureau_id);
	error = lz_ledger__mth(out, &t, 0, size);
	lz_ledger__tiles_done(&t);
	return error;
}
