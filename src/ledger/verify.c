/*
 * verify.c — `luzhi ledger verify`: recomputes each bureau's tree from the stored
 * entry bytes and compares it with everything stored about it — the leaf hashes,
 * every subtree hash, the head, and every checkpoint and countersignature (root and
 * signatures) — and names the first entry that was changed, deleted, inserted or
 * reordered.
 *
 * One bureau is read in one read transaction (a snapshot). The leaf hashes of the
 * entries and of the store are held in memory (64 bytes an entry), one level of the
 * tree at a time above them.
 */
#include "ledger/ledger_int.h"

#include "auth/auth.h"
#include "base/mem.h"

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

typedef struct {
	int64_t n;           /* rows */
	int64_t *idx;        /* stored index of each row, in order */
	uint8_t (*hash)[32]; /* computed (entries) or stored (leaves) */
} rows;

static void rows_free(rows *r)
{
	free(r->idx);
	free(r->hash);
}

static void rows_add(rows *r, int64_t *cap, int64_t idx, const uint8_t h[32])
{
	if (r->n == *cap) {
		*cap = *cap ? *cap * 2 : 1024;
		r->idx = lz_xrealloc(r->idx, (size_t)*cap * sizeof(*r->idx));
		r->hash = lz_xrealloc(r->hash, (size_t)*cap * 32);
	}
	r->idx[r->n] = idx;
	memcpy(r->hash[r->n++], h, 32);
}

/* Entries rehashed from their bytes (hashing = 1), or the stored leaf hashes. */
static int load(rows *out, lz_ledger__hasher *hs, lz_conn *c, int64_t bureau_id, bool hashing)
{
	int64_t cap = 0;
	lz_stmt *s;
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = lz_stmt_prepare(&s, c, lz_ledger__sql[hashing ? LQ_ENTRIES_DATA : LQ_LEAVES])) < 0)
		return error;
	if ((error = lz_stmt_bindv(s, "i", bureau_id)) < 0)
		goto done;
	while ((error = lz_stmt_step(s)) == LZ_ROW) {
		uint8_t h[32] = {0};
		size_t n;
		const void *p = lz_stmt_blob(s, 1, &n);
		if (hashing)
			lz_ledger__leaf(hs, h, p ? p : "", n);
		else if (p && n == 32)
			memcpy(h, p, 32);
		rows_add(out, &cap, lz_stmt_int(s, 0), h);
	}
	if (error == LZ_DONE)
		error = 0;
done:
	lz_stmt_finish(s);
	return error;
}

static int64_t find(const rows *r, const uint8_t h[32], int64_t not )
{
	for (int64_t q = 0; q < r->n; q++)
		if (q != not &&memcmp(r->hash[q], h, 32) == 0)
			return r->idx[q];
	return -1;
}

/* Compares the rehashed entries with the stored leaves; names the first difference. */
static void check_leaves(lz_ledger_report *rep, const rows *e, const rows *l, int64_t size)
{
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
		if (p >= l->n || l->idx[p] != p) {
			bad(rep, p, LZ_LEDGER_TREE, "the leaf hash of entry %lld is missing", (long long)p);
			return;
		}
		if (memcmp(e->hash[p], l->hash[p], 32) == 0)
			continue;
		/* The entry at p differs from leaf p: say how. */
		int64_t q = find(l, e->hash[p], p);
		if (q >= 0 && q < e->n && memcmp(e->hash[q], l->hash[p], 32) == 0)
			bad(rep, p, LZ_LEDGER_REORDERED, "entry %lld was swapped with entry %lld",
			    (long long)p, (long long)q);
		else if (q == p + 1)
			bad(rep, p, LZ_LEDGER_DELETED,
			    "entry %lld was deleted (the entries after it moved up)", (long long)p);
		else if (q >= 0)
			bad(rep, p, LZ_LEDGER_REORDERED, "entry %lld holds what was appended as entry %lld",
			    (long long)p, (long long)q);
		else if (p + 1 < e->n && memcmp(e->hash[p + 1], l->hash[p], 32) == 0)
			bad(rep, p, LZ_LEDGER_INSERTED,
			    "entry %lld was inserted (the entries after it moved down)", (long long)p);
		else
			bad(rep, p, LZ_LEDGER_CHANGED,
			    "entry %lld was changed: its bytes do not match its leaf hash", (long long)p);
		return;
	}
	if (l->n > size)
		bad(rep, size, LZ_LEDGER_TREE, "there are leaf hashes past the tree size %lld",
		    (long long)size);
}

/*
 * Recomputes every level above the leaves and compares it with the stored subtree
 * hashes, and the head's frontier. 'level0' is taken (freed here).
 */
static int check_nodes(lz_ledger_report *rep, lz_ledger__hasher *hs, lz_conn *c, int64_t bureau_id,
                       uint8_t (*level0)[32], const lz_ledger__head *h)
{
	uint8_t(*prev)[32] = level0, (*cur)[32] = NULL;
	uint8_t frontier[LZ_LEDGER_FRONTIER_MAX][32];
	int nf = 0, error, rc;
	int64_t n = h->size;
	lz_stmt *s = NULL;

	if (n & 1)
		memcpy(frontier[nf++], prev[n - 1], 32);
	if ((error = lz_stmt_prepare(&s, c, lz_ledger__sql[LQ_NODES_ABOVE])) < 0 ||
	    (error = lz_stmt_bindv(s, "i", bureau_id)) < 0)
		goto done;
	rc = lz_stmt_step(s);
	for (int level = 1; rep->ok && (n >> level) > 0; level++) {
		int64_t m = n >> level;
		cur = lz_xmalloc((size_t)m * 32);
		for (int64_t j = 0; j < m; j++)
			lz_ledger__node(hs, cur[j], prev[2 * j], prev[2 * j + 1]);
		for (int64_t j = 0; j < m; j++) {
			size_t len;
			const void *hash;
			if (rc < 0) {
				error = rc;
				goto done;
			}
			if (rc != LZ_ROW || lz_stmt_int(s, 0) != level || lz_stmt_int(s, 1) != j) {
				bad(rep, j << level, LZ_LEDGER_TREE,
				    "the hash of subtree (%d, %lld) is missing", level, (long long)j);
				break;
			}
			hash = lz_stmt_blob(s, 2, &len);
			if (!hash || len != 32 || memcmp(hash, cur[j], 32) != 0) {
				bad(rep, j << level, LZ_LEDGER_TREE,
				    "the hash of subtree (%d, %lld) does not match entries %lld..%lld", level,
				    (long long)j, (long long)(j << level),
				    (long long)(((j + 1) << level) - 1));
				break;
			}
			rc = lz_stmt_step(s);
		}
		if ((m & 1) && nf < LZ_LEDGER_FRONTIER_MAX)
			memcpy(frontier[nf++], cur[m - 1], 32);
		free(prev);
		prev = cur;
		cur = NULL;
	}
	if (rc < 0) {
		error = rc;
		goto done;
	}
	if (rep->ok && rc == LZ_ROW)
		bad(rep, n, LZ_LEDGER_TREE, "there is a subtree hash (%lld, %lld) the tree does not have",
		    (long long)lz_stmt_int(s, 0), (long long)lz_stmt_int(s, 1));
	/* The head keeps the frontier largest first; it was collected smallest first. */
	if (rep->ok) {
		bool same = nf == h->nfrontier;
		for (int i = 0; same && i < nf; i++)
			same = memcmp(frontier[nf - 1 - i], h->frontier[i], 32) == 0;
		if (!same)
			bad(rep, n ? n - 1 : -1, LZ_LEDGER_TREE,
			    "the ledger head does not match the entries");
	}
	error = 0;
done:
	lz_stmt_finish(s);
	free(prev);
	free(cur);
	return error;
}

/* Checks one signed note of the bureau: the signatures of 'code' (and of
 * 'cosigner' when not NULL), and that its root is the tree's at its size. */
static int check_note(lz_ledger_report *rep, lz_ctx *ctx, lz_conn *c, int64_t bureau_id, int64_t tree_size,
                      int64_t *vouched, int64_t size, const uint8_t *root, const char *note,
                      const char *cosigner)
{
	char vkey[LZ_LEDGER_VKEY_MAX], origin[64], want[64];
	uint8_t nroot[32], mth[32];
	int64_t nsize;
	int reads = 0, error;

	lz_ledger_verifier_key(vkey, ctx->app, rep->bad_bureau_code);
	lz_ledger_origin(want, rep->bad_bureau_code);
	if (lz_ledger_note_verify(&nsize, nroot, origin, note, vkey) < 0 || nsize != size ||
	    memcmp(nroot, root, 32) != 0 || strcmp(origin, want) != 0) {
		bad(rep, *vouched, LZ_LEDGER_SIGNED,
		    "the signature on the checkpoint of size %lld does not verify", (long long)size);
		return 0;
	}
	if (cosigner) {
		lz_ledger_verifier_key(vkey, ctx->app, cosigner);
		if (lz_ledger_note_verify(&nsize, nroot, origin, note, vkey) < 0) {
			bad(rep, *vouched, LZ_LEDGER_SIGNED,
			    "the countersignature of %s on the checkpoint of size %lld does not verify",
			    cosigner, (long long)size);
			return 0;
		}
	}
	if (size > tree_size) {
		bad(rep, tree_size, LZ_LEDGER_DELETED, "a checkpoint signed %lld entries; the tree has %lld",
		    (long long)size, (long long)tree_size);
		return 0;
	}
	if ((error = lz_ledger__mth(mth, c, bureau_id, 0, size, &reads)) < 0)
		return error;
	if (memcmp(mth, root, 32) != 0) {
		bad(rep, *vouched, LZ_LEDGER_SIGNED,
		    "the tree of %lld entries no longer has the root signed in its checkpoint: entries from "
		    "%lld "
		    "were rewritten",
		    (long long)size, (long long)*vouched);
		return 0;
	}
	if (!cosigner && size > *vouched)
		*vouched = size;
	rep->checkpoints++;
	return 0;
}

static int check_notes(lz_ledger_report *rep, lz_ctx *ctx, lz_conn *c, int64_t bureau_id, int64_t tree_size)
{
	int64_t vouched = 0;
	lz_stmt *s;
	int error;

	for (int pass = 0; pass < 2 && rep->ok; pass++) {
		if ((error = lz_stmt_prepare(
		         &s, c, lz_ledger__sql[pass ? LQ_COUNTERSIGN_ALL : LQ_CHECKPOINT_ALL])) < 0)
			return error;
		if ((error = lz_stmt_bindv(s, "i", bureau_id)) < 0)
			goto next;
		while (rep->ok && (error = lz_stmt_step(s)) == LZ_ROW) {
			size_t n;
			const void *root = lz_stmt_blob(s, 1, &n);
			uint8_t r[32] = {0};
			char *note = lz_xstrdup(lz_stmt_text(s, 2)), *cosigner = NULL;
			if (root && n == 32)
				memcpy(r, root, 32);
			if (pass)
				cosigner = lz_xstrdup(lz_stmt_text(s, 3));
			/* check_note reads nodes with other statements: this row's text is copied. */
			error = check_note(rep, ctx, c, bureau_id, tree_size, &vouched, lz_stmt_int(s, 0), r,
			                   note, cosigner);
			free(note);
			free(cosigner);
			if (error < 0)
				goto next;
		}
		if (error == LZ_DONE || error == LZ_ROW)
			error = 0;
	next:
		lz_stmt_finish(s);
		if (error < 0)
			return error;
	}
	return 0;
}

static int verify_one(lz_ledger_report *rep, lz_ctx *ctx, lz_conn *c, int64_t bureau_id)
{
	lz_ledger__hasher hs = {0};
	lz_ledger__head h;
	rows e = {0}, l = {0};
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
	if ((error = load(&e, &hs, c, bureau_id, true)) < 0 ||
	    (error = load(&l, &hs, c, bureau_id, false)) < 0)
		goto done;
	if (!h.exists && e.n > 0) {
		bad(rep, 0, LZ_LEDGER_TREE, "the ledger head is missing");
		goto done;
	}
	check_leaves(rep, &e, &l, h.size);
	if (rep->ok) {
		error = check_nodes(rep, &hs, c, bureau_id, l.hash, &h);
		l.hash = NULL;
	}
	if (error == 0 && rep->ok)
		error = check_notes(rep, ctx, c, bureau_id, h.size);
	if (error == 0 && rep->ok) {
		rep->entries += h.size;
		rep->bureaus++;
	}
done:
	lz_ledger__hasher_done(&hs);
	rows_free(&e);
	rows_free(&l);
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
