/*
 * verify.c — `luzhi ledger verify`: recomputes each bureau's tree from the stored
 * entry bytes and compares it with everything stored about it — the tiles of leaf
 * and subtree hashes, the head, and every checkpoint and countersignature (root and
 * signatures) — and names the first entry that was changed, deleted, inserted or
 * reordered.
 *
 * One bureau is read in one read transaction (a snapshot), at the speed of hashing:
 * the stored hashes come in tiles of 256 (n / 256 rows), and a second thread reads
 * the entries in batches (keyset pages in index order) into contiguous buffers,
 * already prefixed with 0x00, while this thread hashes the previous batch; once the
 * entries are read it checks the signatures of the signed heads. The roots the
 * heads sign are taken from the tree recomputed in memory, not from the store.
 * Memory: the leaf hashes of the entries and of the tiles (72 bytes an entry), one
 * level of the tree at a time above them.
 */
#include "ledger/ledger_int.h"

#include "auth/auth.h"
#include "base/mem.h"

#include <pthread.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *lz_ledger_problem_name(lz_ledger_problem p)
{
	static const char *const names[] = {"ok",        "changed", "deleted", "inserted",
	                                    "reordered", "tree",    "signed"};
	return p <= LZ_LEDGER_SIGNED ? names[p] : "unknown";
}

static void bad(lz_ledger_report *r, int64_t index, lz_ledger_problem p, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void bad(lz_ledger_report *r, int64_t index, lz_ledger_problem p, const char *fmt, ...)
{
	va_list ap;
	int n;

	r->ok = false;
	r->first_bad_index = index;
	r->problem = p;
	n = snprintf(r->message, sizeof(r->message), "bureau %s: ", r->bad_bureau_code);
	va_start(ap, fmt);
	vsnprintf(r->message + n, sizeof(r->message) - (size_t)n, fmt, ap);
	va_end(ap);
}

/* ---------------------------------------------------------------- what is read */

/* The entries as read: stored index and rehashed leaf, in index order. */
typedef struct {
	int64_t n, cap;
	int64_t *idx;
	uint8_t (*hash)[32];
} rows;

static void rows_free(rows *r)
{
	free(r->idx);
	free(r->hash);
}

static void rows_reserve(rows *r, int64_t n)
{
	if (n <= r->cap)
		return;
	r->cap = n > 2 * r->cap ? n : 2 * r->cap;
	r->idx = lz_xrealloc(r->idx, (size_t)r->cap * sizeof(*r->idx));
	r->hash = lz_xrealloc(r->hash, (size_t)r->cap * 32);
}

/* A stored tile of hashes. */
typedef struct {
	int level;
	int64_t idx;
	size_t n; /* bytes */
	uint8_t *hashes;
} tile;

/* A signed head: the bureau's checkpoint, or the parent's countersignature of one. */
typedef struct {
	int64_t size;
	uint8_t root[32]; /* as stored beside the note */
	char *note;
	char *cosigner;     /* the parent's code, for a countersignature */
	bool own_ok, co_ok; /* signatures (the reader thread checks them) */
	bool has;           /* mth computed */
	uint8_t mth[32];    /* the recomputed tree's root at 'size' */
} signed_head;

typedef struct {
	tile *tiles;
	int64_t ntiles;
	signed_head *heads;
	int64_t nheads;
	uint8_t (*leaves)[32]; /* the stored leaf hashes, from the tiles of level 0 */
	int64_t nleaves;       /* contiguous from entry 0 */
	int64_t tiles0;        /* tiles of level 0 used for 'leaves' */
} stored;

static void stored_free(stored *st)
{
	for (int64_t i = 0; i < st->ntiles; i++)
		free(st->tiles[i].hashes);
	for (int64_t i = 0; i < st->nheads; i++) {
		free(st->heads[i].note);
		free(st->heads[i].cosigner);
	}
	free(st->tiles);
	free(st->heads);
	free(st->leaves);
}

/* Reads the signed heads of a bureau and its tiles: all of them ('leaves', the
 * stored leaf hashes gathered from level 0), or those above level 0. */
static int load_stored(stored *st, lz_conn *c, int64_t bureau_id, bool leaves)
{
	int64_t cap = 0, capl = 0, caph = 0;
	lz_stmt *s;
	int error;

	if ((error = lz_stmt_prepare(&s, c, lz_ledger__sql[leaves ? LQ_TILES : LQ_TILES_ABOVE])) < 0)
		return error;
	if ((error = lz_stmt_bindv(s, "i", bureau_id)) < 0)
		goto done;
	while ((error = lz_stmt_step(s)) == LZ_ROW) {
		size_t n;
		const void *h = lz_stmt_blob(s, 2, &n);
		if (st->ntiles == cap) {
			cap = cap ? cap * 2 : 64;
			st->tiles = lz_xrealloc(st->tiles, (size_t)cap * sizeof(*st->tiles));
		}
		tile *t = &st->tiles[st->ntiles++];
		t->level = (int)lz_stmt_int(s, 0);
		t->idx = lz_stmt_int(s, 1);
		t->n = h ? n : 0;
		t->hashes = lz_xmalloc(t->n ? t->n : 1);
		if (t->n)
			memcpy(t->hashes, h, t->n);
		/* Leaf hashes, as long as the tiles of level 0 follow each other. */
		if (t->level == 0 && st->tiles0 == st->ntiles - 1 &&
		    t->idx * LZ_LEDGER__TILE_WIDTH == st->nleaves && t->n % 32 == 0 &&
		    (st->nleaves % LZ_LEDGER__TILE_WIDTH == 0)) {
			int64_t w = (int64_t)(t->n / 32);
			if (st->nleaves + w > capl) {
				capl = (st->nleaves + w) * 2;
				st->leaves = lz_xrealloc(st->leaves, (size_t)capl * 32);
			}
			memcpy(st->leaves[st->nleaves], t->hashes, t->n);
			st->nleaves += w;
			st->tiles0++;
		}
	}
	lz_stmt_finish(s);
	if (error != LZ_DONE)
		return error;
	for (int pass = 0; pass < 2; pass++) {
		if ((error = lz_stmt_prepare(
		         &s, c, lz_ledger__sql[pass ? LQ_COUNTERSIGN_ALL : LQ_CHECKPOINT_ALL])) < 0)
			return error;
		if ((error = lz_stmt_bindv(s, "i", bureau_id)) < 0)
			goto done;
		while ((error = lz_stmt_step(s)) == LZ_ROW) {
			size_t n;
			const void *root = lz_stmt_blob(s, 1, &n);
			if (st->nheads == caph) {
				caph = caph ? caph * 2 : 64;
				st->heads = lz_xrealloc(st->heads, (size_t)caph * sizeof(*st->heads));
			}
			signed_head *sh = &st->heads[st->nheads++];
			memset(sh, 0, sizeof(*sh));
			sh->size = lz_stmt_int(s, 0);
			if (root && n == 32)
				memcpy(sh->root, root, 32);
			sh->note = lz_xstrdup(lz_stmt_text(s, 2));
			if (pass)
				sh->cosigner = lz_xstrdup(lz_stmt_text(s, 3));
		}
		lz_stmt_finish(s);
		if (error != LZ_DONE)
			return error;
	}
	return 0;
done:
	lz_stmt_finish(s);
	return error;
}

/* ---------------------------------------------------------------- the reader thread */

#define BATCH_ROWS 32768  /* entries handed over at a time (few hand-overs: each may wait for a core) */
#define BATCHES 3         /* batches in flight: the reader may run ahead of the hashing */
#define QUERY_ROWS 65536  /* entries per query (keyset pages bound PostgreSQL's result) */
#define TILE_PAGE 256     /* tiles of leaf hashes per query */

typedef struct {
	int64_t n;
	int64_t idx[BATCH_ROWS];
	size_t off[BATCH_ROWS + 1]; /* entry i is buf[off[i] .. off[i + 1]) */
	uint8_t *buf;               /* 0x00 || entry bytes, one after the other */
	size_t cap;
	/* streaming: the stored leaf hash of the same position, when there is one */
	bool has[BATCH_ROWS];
	uint8_t leaf[BATCH_ROWS][32];
} batch;

typedef struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	batch b[BATCHES];
	bool full[BATCHES];
	bool done;
	int error;
	char message[512];
	/* what the reader reads and checks; the connection is its own until done */
	lz_conn *c;
	int64_t bureau_id;
	signed_head *heads;
	int64_t nheads;
	const lz_app *app;
	const char *code;
	/* streaming: the stored leaf hashes are read beside the entries */
	bool streaming;
	bool extra_leaves; /* stored leaf hashes left over after the last entry */
	lz_stmt *ts;       /* the current page of tiles of level 0 */
	int64_t page_rows, ts_last, tile_idx;
	bool tiles_end;
	uint8_t tile[LZ_LEDGER__TILE_WIDTH * 32];
	size_t tile_n, tile_pos; /* bytes */
	bool tiles_broken;       /* a gap or a damaged tile: nothing more is handed out */
} pipeline;

/* The next tile of level 0, read in order in keyset pages: 1 with the row in
 * p->tile, 0 when there is no more, or an error. */
static int next_tile(pipeline *p)
{
	int rc;

	for (;;) {
		if (p->tiles_end)
			return 0;
		if (!p->ts) {
			if ((rc = lz_stmt_prepare(&p->ts, p->c, lz_ledger__sql[LQ_LEAF_TILES_AFTER])) < 0)
				return rc;
			if ((rc = lz_stmt_bindv(p->ts, "iii", p->bureau_id, p->ts_last, (int64_t)TILE_PAGE)) < 0)
				return rc;
			p->page_rows = 0;
		}
		if ((rc = lz_stmt_step(p->ts)) < 0)
			return rc;
		if (rc == LZ_ROW)
			break;
		lz_stmt_finish(p->ts);
		p->ts = NULL;
		if (p->page_rows < TILE_PAGE)
			p->tiles_end = true;
	}
	size_t n;
	const void *h = lz_stmt_blob(p->ts, 1, &n);
	p->page_rows++;
	p->ts_last = lz_stmt_int(p->ts, 0);
	if (p->ts_last != p->tile_idx || !h || n == 0 || n % 32 || n > sizeof(p->tile)) {
		p->tiles_broken = true;
		n = 0;
	} else {
		memcpy(p->tile, h, n);
	}
	p->tile_n = n;
	p->tile_pos = 0;
	p->tile_idx++;
	return 1;
}

/* The next stored leaf hash: 1 when there is one, 0 when there is none (or the
 * tiles are out of order or damaged), or an error. */
static int next_leaf(uint8_t out[32], pipeline *p)
{
	int rc;

	while (p->tile_pos >= p->tile_n) {
		/* Only the last tile may be partial. */
		if (p->tiles_broken || (p->tile_n && p->tile_n != sizeof(p->tile)))
			return 0;
		if ((rc = next_tile(p)) <= 0)
			return rc;
	}
	memcpy(out, p->tile + p->tile_pos, 32);
	p->tile_pos += 32;
	return 1;
}

static batch *take_empty(pipeline *p, int k)
{
	pthread_mutex_lock(&p->lock);
	while (p->full[k])
		pthread_cond_wait(&p->cond, &p->lock);
	pthread_mutex_unlock(&p->lock);
	p->b[k].n = 0;
	p->b[k].off[0] = 0;
	return &p->b[k];
}

static void hand_over(pipeline *p, int k)
{
	pthread_mutex_lock(&p->lock);
	p->full[k] = true;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

static int read_entries(pipeline *p)
{
	int64_t after = INT64_MIN, got;
	int k = 0, error;
	batch *b = take_empty(p, k);

	do {
		lz_stmt *s;
		got = 0;
		if ((error = lz_stmt_prepare(&s, p->c, lz_ledger__sql[LQ_ENTRIES_AFTER])) < 0)
			return error;
		if ((error = lz_stmt_bindv(s, "iii", p->bureau_id, after, (int64_t)QUERY_ROWS)) < 0) {
			lz_stmt_finish(s);
			return error;
		}
		while ((error = lz_stmt_step(s)) == LZ_ROW) {
			size_t n, at = b->off[b->n];
			const void *d = lz_stmt_blob(s, 1, &n);
			if (at + 1 + n > b->cap) {
				b->cap = (at + 1 + n) * 2 > 1 << 20 ? (at + 1 + n) * 2 : 1 << 20;
				b->buf = lz_xrealloc(b->buf, b->cap);
			}
			b->buf[at] = 0x00;
			if (n)
				memcpy(b->buf + at + 1, d, n);
			after = b->idx[b->n] = lz_stmt_int(s, 0);
			if (p->streaming) {
				int rc = next_leaf(b->leaf[b->n], p);
				if (rc < 0) {
					lz_stmt_finish(s);
					return rc;
				}
				b->has[b->n] = rc == 1;
			}
			b->off[++b->n] = at + 1 + n;
			got++;
			if (b->n == BATCH_ROWS) {
				hand_over(p, k);
				k = (k + 1) % BATCHES;
				b = take_empty(p, k);
			}
		}
		lz_stmt_finish(s);
		if (error < 0)
			return error;
	} while (got == QUERY_ROWS);
	if (b->n > 0)
		hand_over(p, k);
	if (p->streaming) {
		/* Nothing may be left: no hash in the last tile, no tile after it. */
		p->extra_leaves = p->tiles_broken || p->tile_pos < p->tile_n;
		if (!p->extra_leaves && (error = next_tile(p)) < 0)
			return error;
		p->extra_leaves = p->extra_leaves || error == 1;
	}
	return 0;
}

/* The signatures of every signed head: the bureau's own (with the size and root
 * stored beside it), and the parent's on a countersignature. */
static void check_signatures(pipeline *p)
{
	char vkey[LZ_LEDGER_VKEY_MAX], covkey[LZ_LEDGER_VKEY_MAX], cocode[8] = "", origin[64], want[64];
	uint8_t nroot[32];
	int64_t nsize;

	lz_ledger_verifier_key(vkey, p->app, p->code);
	lz_ledger_origin(want, p->code);
	for (int64_t i = 0; i < p->nheads; i++) {
		signed_head *h = &p->heads[i];
		h->own_ok = lz_ledger_note_verify(&nsize, nroot, origin, h->note, vkey) == 0 && nsize == h->size &&
		            memcmp(nroot, h->root, 32) == 0 && strcmp(origin, want) == 0;
		if (!h->cosigner)
			continue;
		if (strcmp(cocode, h->cosigner) != 0) {
			snprintf(cocode, sizeof(cocode), "%s", h->cosigner);
			lz_ledger_verifier_key(covkey, p->app, cocode);
		}
		h->co_ok = lz_ledger_note_verify(&nsize, nroot, origin, h->note, covkey) == 0;
	}
}

static void *reader(void *arg)
{
	pipeline *p = arg;
	int error = read_entries(p);

	lz_stmt_finish(p->ts);
	p->ts = NULL;
	if (error == 0)
		check_signatures(p);
	pthread_mutex_lock(&p->lock);
	p->done = true;
	p->error = error;
	if (error < 0)
		snprintf(p->message, sizeof(p->message), "%s", lz_error_last()->message);
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

typedef void (*consumer)(void *arg, const batch *b);

/* Reads the entries on a second thread (with the stored leaf hashes beside them
 * when 'streaming') and hands each batch to 'consume' on this one. Sets
 * *extra_leaves when stored leaf hashes were left over. */
static int read_all(bool *extra_leaves, lz_conn *c, int64_t bureau_id, bool streaming, stored *st,
                    const lz_app *app, const char *code, consumer consume, void *arg)
{
	pipeline *p = lz_xcalloc(1, sizeof(*p));
	pthread_t t;
	int k = 0, error;

	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	p->c = c;
	p->bureau_id = bureau_id;
	p->heads = st->heads;
	p->nheads = st->nheads;
	p->app = app;
	p->code = code;
	p->streaming = streaming;
	p->ts_last = -1;
	if (pthread_create(&t, NULL, reader, p) != 0)
		abort(); /* out of resources, as lz_xmalloc */
	for (;;) {
		pthread_mutex_lock(&p->lock);
		while (!p->full[k] && !p->done)
			pthread_cond_wait(&p->cond, &p->lock);
		bool have = p->full[k];
		pthread_mutex_unlock(&p->lock);
		if (!have)
			break;
		consume(arg, &p->b[k]);
		pthread_mutex_lock(&p->lock);
		p->full[k] = false;
		pthread_cond_broadcast(&p->cond);
		pthread_mutex_unlock(&p->lock);
		k = (k + 1) % BATCHES;
	}
	pthread_join(t, NULL);
	*extra_leaves = p->extra_leaves;
	error = p->error < 0 ? lz_error_set(p->error, NULL, "%s", p->message) : 0;
	for (int i = 0; i < BATCHES; i++)
		free(p->b[i].buf);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->cond);
	free(p);
	return error;
}

/* ---------------------------------------------------------------- all in memory */

typedef struct {
	rows *e;
	lz_ledger__hasher *hs;
} rehash;

/* Rehashes a batch into the rows. */
static void consume_rows(void *arg, const batch *b)
{
	rehash *r = arg;
	rows *e = r->e;

	rows_reserve(e, e->n + b->n);
	for (int64_t i = 0; i < b->n; i++, e->n++) {
		e->idx[e->n] = b->idx[i];
		lz_ledger__digest(r->hs, e->hash[e->n], b->buf + b->off[i], b->off[i + 1] - b->off[i]);
	}
}

/* ---------------------------------------------------------------- the checks */

static int64_t find(uint8_t (*h)[32], int64_t n, const uint8_t want[32], int64_t not )
{
	for (int64_t q = 0; q < n; q++)
		if (q != not &&memcmp(h[q], want, 32) == 0)
			return q;
	return -1;
}

/* Compares the rehashed entries with the stored leaf hashes; names the first difference. */
static void check_leaves(lz_ledger_report *rep, const rows *e, const stored *st, int64_t size)
{
	uint8_t(*l)[32] = st->leaves;
	for (int64_t p = 0; p < e->n || p < size; p++) {
		if (p >= e->n) {
			bad(rep, p, LZ_LEDGER_DELETED, "entry %lld and those after it are missing",
			    (long long)p);
			return;
		}
		if (e->idx[p] != p) {
			bad(rep, p, LZ_LEDGER_DELETED, "entry %lld is missing", (long long)p);
			return;
		}
		if (p >= size) {
			bad(rep, p, LZ_LEDGER_INSERTED, "entry %lld was never appended (the tree has %lld)",
			    (long long)p, (long long)size);
			return;
		}
		if (p >= st->nleaves) {
			bad(rep, p, LZ_LEDGER_TREE, "the leaf hash of entry %lld is missing", (long long)p);
			return;
		}
		if (memcmp(e->hash[p], l[p], 32) == 0)
			continue;
		/* The entry at p differs from leaf p: say how. */
		int64_t q = find(l, st->nleaves, e->hash[p], p);
		if (q >= 0 && q < e->n && memcmp(e->hash[q], l[p], 32) == 0)
			bad(rep, p, LZ_LEDGER_REORDERED, "entry %lld was swapped with entry %lld",
			    (long long)p, (long long)q);
		else if (q == p + 1)
			bad(rep, p, LZ_LEDGER_DELETED,
			    "entry %lld was deleted (the entries after it moved up)", (long long)p);
		else if (q >= 0)
			bad(rep, p, LZ_LEDGER_REORDERED, "entry %lld holds what was appended as entry %lld",
			    (long long)p, (long long)q);
		else if (p + 1 < e->n && memcmp(e->hash[p + 1], l[p], 32) == 0)
			bad(rep, p, LZ_LEDGER_INSERTED,
			    "entry %lld was inserted (the entries after it moved down)", (long long)p);
		else
			bad(rep, p, LZ_LEDGER_CHANGED,
			    "entry %lld was changed: its bytes do not match its leaf hash", (long long)p);
		return;
	}
	if (st->nleaves > size)
		bad(rep, size, LZ_LEDGER_TREE, "there are leaf hashes past the tree size %lld",
		    (long long)size);
}

/* Compares the tiles of level 'tl' with the recomputed hashes of height 'height'
 * ('m' of them); *ti walks the stored tiles in (level, idx) order. */
static bool check_tiles(lz_ledger_report *rep, const stored *st, int64_t *ti, int tl, int height,
                        uint8_t (*lvl)[32], int64_t m)
{
	const int64_t W = LZ_LEDGER__TILE_WIDTH;

	if (*ti < st->ntiles && st->tiles[*ti].level < tl) {
		bad(rep, -1, LZ_LEDGER_TREE, "there is a tile (%d, %lld) the tree does not have",
		    st->tiles[*ti].level, (long long)st->tiles[*ti].idx);
		return false;
	}
	for (int64_t i = 0; i * W < m; i++, (*ti)++) {
		int64_t w = m - i * W < W ? m - i * W : W;
		const tile *t = *ti < st->ntiles ? &st->tiles[*ti] : NULL;
		if (!t || t->level != tl || t->idx != i || t->n != (size_t)w * 32) {
			bad(rep, (i * W) << height, LZ_LEDGER_TREE,
			    "the tile (%d, %lld) of subtree hashes is missing or of the wrong size", tl,
			    (long long)i);
			return false;
		}
		for (int64_t j = 0; j < w; j++) {
			int64_t k = i * W + j;
			if (memcmp(t->hashes + j * 32, lvl[k], 32) != 0) {
				bad(rep, k << height, LZ_LEDGER_TREE,
				    "the hash of subtree (%d, %lld) does not match entries %lld..%lld", height,
				    (long long)k, (long long)(k << height),
				    (long long)(((k + 1) << height) - 1));
				return false;
			}
		}
	}
	return true;
}

/* Folds the perfect subtree of each signed head's size at this height into the
 * root of the tree of that size (smallest subtree first, as the frontier). */
static void fold_heads(lz_ledger__hasher *hs, stored *st, int height, uint8_t (*lvl)[32], int64_t n)
{
	for (int64_t i = 0; i < st->nheads; i++) {
		signed_head *h = &st->heads[i];
		if (h->size > n || h->size <= 0 || !((h->size >> height) & 1))
			continue;
		const uint8_t *x = lvl[(h->size >> height) - 1];
		if (h->has) {
			lz_ledger__node(hs, h->mth, x, h->mth);
		} else {
			memcpy(h->mth, x, 32);
			h->has = true;
		}
	}
}

/*
 * Recomputes every height above the leaves, compares the heights kept in tiles and
 * the head's frontier, and computes the root at each signed head's size. 'leaves'
 * are the entries' (checked equal to the stored ones).
 */
static void check_tree(lz_ledger_report *rep, lz_ledger__hasher *hs, uint8_t (*leaves)[32], stored *st,
                       const lz_ledger__head *h)
{
	uint8_t(*prev)[32] = leaves, (*cur)[32] = NULL;
	uint8_t frontier[LZ_LEDGER_FRONTIER_MAX][32];
	int64_t n = h->size, ti = st->tiles0;
	int nf = 0;

	if (n & 1)
		memcpy(frontier[nf++], prev[n - 1], 32);
	fold_heads(hs, st, 0, prev, n);
	for (int level = 1; rep->ok && (n >> level) > 0; level++) {
		int64_t m = n >> level;
		cur = lz_xmalloc((size_t)m * 32);
		for (int64_t j = 0; j < m; j++)
			lz_ledger__node(hs, cur[j], prev[2 * j], prev[2 * j + 1]);
		fold_heads(hs, st, level, cur, n);
		if (level % LZ_LEDGER__TILE_HEIGHT == 0)
			check_tiles(rep, st, &ti, level / LZ_LEDGER__TILE_HEIGHT, level, cur, m);
		if ((m & 1) && nf < LZ_LEDGER_FRONTIER_MAX)
			memcpy(frontier[nf++], cur[m - 1], 32);
		if (prev != leaves)
			free(prev);
		prev = cur;
		cur = NULL;
	}
	if (prev != leaves)
		free(prev);
	if (rep->ok && ti < st->ntiles)
		bad(rep, n, LZ_LEDGER_TREE, "there is a tile (%d, %lld) the tree does not have",
		    st->tiles[ti].level, (long long)st->tiles[ti].idx);
	/* The head keeps the frontier largest first; it was collected smallest first. */
	if (rep->ok) {
		bool same = nf == h->nfrontier;
		for (int i = 0; same && i < nf; i++)
			same = memcmp(frontier[nf - 1 - i], h->frontier[i], 32) == 0;
		if (!same)
			bad(rep, n ? n - 1 : -1, LZ_LEDGER_TREE,
			    "the ledger head does not match the entries");
	}
}

/* Checks the signed heads in order (the bureau's checkpoints by size, then the
 * countersignatures): signatures, then that the root is the tree's at its size. */
static void check_heads(lz_ledger_report *rep, const stored *st, int64_t tree_size)
{
	int64_t vouched = 0;
	uint8_t empty[32];

	lz_ledger__frontier_root(empty, NULL, 0);
	for (int64_t i = 0; rep->ok && i < st->nheads; i++) {
		const signed_head *h = &st->heads[i];
		if (!h->own_ok) {
			bad(rep, vouched, LZ_LEDGER_SIGNED,
			    "the signature on the checkpoint of size %lld does not verify", (long long)h->size);
			return;
		}
		if (h->cosigner && !h->co_ok) {
			bad(rep, vouched, LZ_LEDGER_SIGNED,
			    "the countersignature of %s on the checkpoint of size %lld does not verify",
			    h->cosigner, (long long)h->size);
			return;
		}
		if (h->size > tree_size) {
			bad(rep, tree_size, LZ_LEDGER_DELETED, "a checkpoint signed %lld entries; the tree has %lld",
			    (long long)h->size, (long long)tree_size);
			return;
		}
		if (memcmp(h->size > 0 ? h->mth : empty, h->root, 32) != 0) {
			bad(rep, vouched, LZ_LEDGER_SIGNED,
			    "the tree of %lld entries no longer has the root signed in its checkpoint: entries "
			    "from %lld were rewritten",
			    (long long)h->size, (long long)vouched);
			return;
		}
		if (!h->cosigner && h->size > vouched)
			vouched = h->size;
		rep->checkpoints++;
	}
}

/* ---------------------------------------------------------------- streaming */

/*
 * The usual case, a ledger that verifies, is checked as the entries stream past:
 * each rehashed leaf against the stored one beside it, folded into the frontier
 * (every node hash of the tree computed once), each completed subtree of a tiled
 * height against its tile, and the root at each signed head's size taken from the
 * frontier. Nothing is held per entry. At the first difference the stream only
 * notes it; the bureau is then checked again all in memory, which names the entry.
 */
typedef struct {
	lz_ledger__hasher *hs;
	const stored *st;
	int64_t first[LZ_LEDGER_FRONTIER_MAX / LZ_LEDGER__TILE_HEIGHT + 1]; /* first tile of each level */
	signed_head **order; /* signed heads by size */
	int64_t next;
	int64_t size, count;
	uint8_t frontier[LZ_LEDGER_FRONTIER_MAX][32];
	int nf;
	bool broken;
} stream;

static int by_size(const void *a, const void *b)
{
	int64_t x = (*(signed_head *const *)a)->size, y = (*(signed_head *const *)b)->size;
	return (x > y) - (x < y);
}

/* Whether the stored hash number 'k' of tile level 'tl' is 'h'. */
static bool tiled_ok(const stream *s, int tl, int64_t k, const uint8_t h[32])
{
	int64_t i = s->first[tl] + k / LZ_LEDGER__TILE_WIDTH;
	size_t at = (size_t)(k % LZ_LEDGER__TILE_WIDTH) * 32;

	if (s->first[tl] < 0 || i >= s->st->ntiles)
		return false;
	const tile *t = &s->st->tiles[i];
	return t->level == tl && t->idx == k / LZ_LEDGER__TILE_WIDTH && at + 32 <= t->n &&
	       memcmp(t->hashes + at, h, 32) == 0;
}

static void consume_stream(void *arg, const batch *b)
{
	stream *s = arg;
	uint8_t h[32];

	for (int64_t i = 0; i < b->n && !s->broken; i++) {
		if (b->idx[i] != s->count || s->count >= s->size || !b->has[i]) {
			s->broken = true;
			return;
		}
		lz_ledger__digest(s->hs, h, b->buf + b->off[i], b->off[i + 1] - b->off[i]);
		if (memcmp(h, b->leaf[i], 32) != 0) {
			s->broken = true;
			return;
		}
		for (int level = 1; (s->count >> (level - 1)) & 1; level++) {
			lz_ledger__node(s->hs, h, s->frontier[--s->nf], h);
			if (level % LZ_LEDGER__TILE_HEIGHT == 0 &&
			    !tiled_ok(s, level / LZ_LEDGER__TILE_HEIGHT, ((s->count + 1) >> level) - 1, h)) {
				s->broken = true;
				return;
			}
		}
		memcpy(s->frontier[s->nf++], h, 32);
		s->count++;
		for (; s->order[s->next] && s->order[s->next]->size <= s->count; s->next++) {
			signed_head *sh = s->order[s->next];
			if (sh->size != s->count)
				continue;
			memcpy(sh->mth, s->frontier[s->nf - 1], 32);
			for (int j = s->nf - 2; j >= 0; j--)
				lz_ledger__node(s->hs, sh->mth, s->frontier[j], sh->mth);
			sh->has = true;
		}
	}
}

/* Whether the tiles above level 0 are exactly those of a tree of 'size'. */
static bool tiles_shaped(const stored *st, int64_t size)
{
	const int64_t W = LZ_LEDGER__TILE_WIDTH;
	int64_t i = 0;

	for (int tl = 1; (size >> (tl * LZ_LEDGER__TILE_HEIGHT)) > 0; tl++) {
		int64_t m = size >> (tl * LZ_LEDGER__TILE_HEIGHT);
		for (int64_t k = 0; k * W < m; k++, i++) {
			int64_t w = m - k * W < W ? m - k * W : W;
			if (i >= st->ntiles || st->tiles[i].level != tl || st->tiles[i].idx != k ||
			    st->tiles[i].n != (size_t)w * 32)
				return false;
		}
	}
	return i == st->ntiles;
}

/* Checks a bureau in one pass; *clean tells whether everything stored matched. */
static int verify_streaming(bool *clean, stored *st, lz_ledger__hasher *hs, lz_conn *c, int64_t bureau_id,
                            const lz_ledger__head *h, const lz_app *app)
{
	stream s;
	bool extra;
	int error;

	*clean = false;
	memset(&s, 0, sizeof(s));
	if ((error = load_stored(st, c, bureau_id, false)) < 0)
		return error;
	s.hs = hs;
	s.st = st;
	s.size = h->size;
	for (size_t i = 0; i < sizeof(s.first) / sizeof(s.first[0]); i++)
		s.first[i] = -1;
	for (int64_t i = st->ntiles - 1; i >= 0; i--)
		if (st->tiles[i].level >= 0 && (size_t)st->tiles[i].level < sizeof(s.first) / sizeof(s.first[0]))
			s.first[st->tiles[i].level] = i;
	s.order = lz_xcalloc((size_t)st->nheads + 1, sizeof(*s.order));
	for (int64_t i = 0; i < st->nheads; i++)
		s.order[i] = &st->heads[i];
	qsort(s.order, (size_t)st->nheads, sizeof(*s.order), by_size);
	error = read_all(&extra, c, bureau_id, true, st, app, h->code, consume_stream, &s);
	free(s.order);
	if (error < 0)
		return error;
	*clean = !s.broken && !extra && s.count == h->size && s.nf == h->nfrontier && memcmp(s.frontier, h->frontier, (size_t)s.nf * 32) == 0 &&
	         tiles_shaped(st, h->size);
	return 0;
}

static int verify_one(lz_ledger_report *rep, lz_ctx *ctx, lz_conn *c, int64_t bureau_id)
{
	lz_ledger__hasher hs = {0};
	lz_ledger__head h;
	stored st = {0};
	rows e = {0};
	bool clean, extra;
	int error;

	rep->bad_bureau_id = bureau_id;
	rep->bad_bureau_code[0] = '\0';
	if ((error = lz_ledger__head_read(&h, c, bureau_id)) == LZ_ETAMPERED) {
		bad(rep, -1, LZ_LEDGER_TREE, "%s", lz_error_last()->message);
		return 0;
	}
	if (error < 0)
		return error;
	snprintf(rep->bad_bureau_code, sizeof(rep->bad_bureau_code), "%s", h.code);
	lz_ledger__hasher_init(&hs);
	if ((error = verify_streaming(&clean, &st, &hs, c, bureau_id, &h, ctx->app)) < 0)
		goto done;
	if (!clean) {
		/* Something differs: everything again, in memory, to name it. */
		stored_free(&st);
		memset(&st, 0, sizeof(st));
		rehash r = {&e, &hs};
		if ((error = load_stored(&st, c, bureau_id, true)) < 0 ||
		    (error = read_all(&extra, c, bureau_id, false, &st, ctx->app, h.code, consume_rows, &r)) < 0)
			goto done;
		if (!h.exists && e.n > 0) {
			bad(rep, 0, LZ_LEDGER_TREE, "the ledger head is missing");
			goto done;
		}
		check_leaves(rep, &e, &st, h.size);
		if (rep->ok)
			check_tree(rep, &hs, e.hash, &st, &h);
	}
	if (rep->ok)
		check_heads(rep, &st, h.size);
	if (rep->ok) {
		rep->entries += h.size;
		rep->bureaus++;
	}
done:
	lz_ledger__hasher_done(&hs);
	stored_free(&st);
	rows_free(&e);
	return error;
}

int lz_ledger_verify(lz_ledger_report *out, lz_ctx *ctx, int64_t bureau_id)
{
	int64_t *ids = NULL, n = 0, cap = 0;
	lz_bureau b;
	lz_stmt *s = NULL;
	lz_conn *c;
	int error;

	memset(out, 0, sizeof(*out));
	out->ok = true;
	out->first_bad_index = -1;
	if ((error = lz_auth_require(ctx, LZ_PERM_LEDGER_READ)) < 0)
		return error;
	if (bureau_id && (error = lz_bureau_get(&b, ctx, bureau_id)) < 0)
		return error;
	if ((error = lz_tx_begin(ctx, LZ_TX_READ)) < 0 || (error = lz_ctx_conn(&c, ctx)) < 0)
		goto done;
	if (bureau_id) {
		ids = lz_xmalloc(sizeof(*ids));
		ids[n++] = bureau_id;
	} else {
		if ((error = lz_stmt_prepare(&s, c, lz_ledger__sql[LQ_HEADS_ALL])) < 0)
			goto done;
		while ((error = lz_stmt_step(s)) == LZ_ROW) {
			if (!lz_org_in_scope(ctx, lz_stmt_text(s, 1)))
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 16;
				ids = lz_xrealloc(ids, (size_t)cap * sizeof(*ids));
			}
			ids[n++] = lz_stmt_int(s, 0);
		}
		lz_stmt_finish(s);
		s = NULL;
		if (error < 0)
			goto done;
		error = 0;
	}
	for (int64_t i = 0; i < n && out->ok; i++)
		if ((error = verify_one(out, ctx, c, ids[i])) < 0)
			goto done;
	if (out->ok) {
		out->bad_bureau_id = 0;
		out->bad_bureau_code[0] = '\0';
	}
done:
	lz_stmt_finish(s);
	free(ids);
	lz_tx_rollback(ctx);
	return error;
}
