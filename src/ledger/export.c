/*
 * export.c — a bureau's ledger as a file an outside auditor can check with nothing
 * but the file and the bureau's verifier key (no store, no luzhi installation
 * beyond this code). JSON lines:
 *
 *	{"format":"luzhi-ledger-export/1","origin":…,"bureau":…,"size":N,"verifier_key":…}
 *	{"checkpoint":"<signed note>"}            one per signed head, by size
 *	{"index":0,"data":"<base64 leaf bytes>"}  one per entry, in order
 *
 * Verification rehashes the entries into a tree (keeping only its frontier) and
 * compares the root at each checkpoint's size with the root the checkpoint signs.
 */
#include "ledger/ledger_int.h"

#include "base/buf.h"
#include "base/json.h"
#include "base/mem.h"

#include <assert.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT_FORMAT "luzhi-ledger-export/1"

/* Writes one value and a newline. Takes ownership of 'v'. */
static int put_line(FILE *f, json_t *v)
{
	int rc;

	assert(v); /* json_pack of a constant format */
	rc = json_dumpf(v, f, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(v);
	if (rc != 0 || fputc('\n', f) == EOF)
		return lz_error_set(LZ_EIO, NULL, "cannot write the export");
	return 0;
}

int lz_ledger_export(lz_ctx *ctx, int64_t bureau_id, FILE *f)
{
	char vkey[LZ_LEDGER_VKEY_MAX], origin[64];
	lz_ledger__head h;
	lz_bureau b;
	lz_stmt *s = NULL;
	lz_conn *c;
	char *b64 = NULL;
	size_t b64cap = 0;
	int error;

	if ((error = lz_ledger_checkpoint(NULL, ctx, bureau_id)) < 0 ||
	    (error = lz_ledger__bureau(&b, ctx, bureau_id)) < 0)
		return error;
	if ((error = lz_tx_begin(ctx, LZ_TX_READ)) < 0 || (error = lz_ctx_conn(&c, ctx)) < 0 ||
	    (error = lz_ledger__head_read(&h, c, bureau_id)) < 0)
		goto done;
	lz_ledger_verifier_key(vkey, ctx->app, b.code);
	lz_ledger_origin(origin, b.code);
	if ((error =
	         put_line(f, json_pack("{sssssssIss}", "format", EXPORT_FORMAT, "origin", origin, "bureau",
	                               b.code, "size", (json_int_t)h.size, "verifier_key", vkey))) < 0)
		goto done;
	/* Checkpoints, with the parent's countersignature where there is one. */
	if ((error = lz_stmt_prepare(&s, c, lz_ledger__sql[LQ_CHECKPOINT_ALL])) < 0 ||
	    (error = lz_stmt_bindv(s, "i", bureau_id)) < 0)
		goto done;
	while ((error = lz_stmt_step(s)) == LZ_ROW)
		if ((error = put_line(f, json_pack("{ss}", "checkpoint", lz_stmt_text(s, 2)))) < 0)
			goto done;
	lz_stmt_finish(s);
	s = NULL;
	if (error < 0 || (error = lz_stmt_prepare(&s, c, lz_ledger__sql[LQ_COUNTERSIGN_ALL])) < 0 ||
	    (error = lz_stmt_bindv(s, "i", bureau_id)) < 0)
		goto done;
	while ((error = lz_stmt_step(s)) == LZ_ROW)
		if ((error = put_line(f, json_pack("{ss}", "checkpoint", lz_stmt_text(s, 2)))) < 0)
			goto done;
	lz_stmt_finish(s);
	s = NULL;
	if (error < 0 || (error = lz_stmt_prepare(&s, c, lz_ledger__sql[LQ_ENTRIES_DATA])) < 0 ||
	    (error = lz_stmt_bindv(s, "i", bureau_id)) < 0)
		goto done;
	while ((error = lz_stmt_step(s)) == LZ_ROW) {
		size_t n;
		const void *d = lz_stmt_blob(s, 1, &n);
		size_t need = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
		if (need > b64cap) {
			b64cap = need * 2;
			b64 = lz_xrealloc(b64, b64cap);
		}
		lz_ledger__b64(b64, b64cap, d ? d : "", n);
		if ((error = put_line(
		         f, json_pack("{sIss}", "index", (json_int_t)lz_stmt_int(s, 0), "data", b64))) < 0)
			goto done;
	}
	if (error == LZ_DONE)
		error = fflush(f) == 0 ? 0 : lz_error_set(LZ_EIO, NULL, "cannot write the export");
done:
	free(b64);
	lz_stmt_finish(s);
	lz_tx_rollback(ctx);
	return error;
}

/* ---------------------------------------------------------------- verifying an export */

typedef struct {
	int64_t size;
	uint8_t root[32];
} signed_head;

static int by_size(const void *a, const void *b)
{
	int64_t x = ((const signed_head *)a)->size, y = ((const signed_head *)b)->size;
	return (x > y) - (x < y);
}

static void report_bad(lz_ledger_report *r, int64_t index, lz_ledger_problem p, const char *fmt, ...)
    LZ_PRINTF(4, 5);

static void report_bad(lz_ledger_report *r, int64_t index, lz_ledger_problem p, const char *fmt, ...)
{
	va_list ap;

	r->ok = false;
	r->first_bad_index = index;
	r->problem = p;
	va_start(ap, fmt);
	vsnprintf(r->message, sizeof(r->message), fmt, ap);
	va_end(ap);
}

int lz_ledger_verify_export(lz_ledger_report *out, FILE *f, const char *vkey)
{
	uint8_t frontier[LZ_LEDGER_FRONTIER_MAX][32], root[32];
	signed_head *heads = NULL;
	int64_t nheads = 0, capheads = 0, count = 0, next = 0, vouched = 0, line_no = 0;
	char *line = NULL, origin[64] = "";
	size_t cap = 0;
	uint8_t *bytes = NULL;
	size_t bytes_cap = 0;
	int nf = 0, error = 0;
	ssize_t len;

	memset(out, 0, sizeof(*out));
	out->ok = true;
	out->first_bad_index = -1;
	while ((len = getline(&line, &cap, f)) > 0) {
		json_t *o;
		const char *note, *data;
		int64_t index;
		bool has;

		line_no++;
		if ((error = lz_json_parse_object(&o, line, (size_t)len)) < 0)
			goto done;
		if (line_no == 1) {
			const char *format, *bureau;
			if ((error = lz_json_str(&format, o, "format", true, 64)) == 0 &&
			    strcmp(format, EXPORT_FORMAT) != 0)
				error = lz_error_set(LZ_EINVALID, "format", "not a luzhi ledger export");
			if (error == 0 && (error = lz_json_str(&bureau, o, "bureau", true, 6)) == 0) {
				snprintf(out->bad_bureau_code, sizeof(out->bad_bureau_code), "%s", bureau);
				lz_ledger_origin(origin, bureau);
			}
			json_decref(o);
			if (error < 0)
				goto done;
			continue;
		}
		if ((error = lz_json_str(&note, o, "checkpoint", false, LZ_LEDGER_NOTE_MAX)) == 0 && note) {
			signed_head sh;
			char norigin[64];
			if (count > 0) {
				json_decref(o);
				error = lz_error_set(LZ_EINVALID, "checkpoint",
				                     "line %lld: checkpoints come before entries",
				                     (long long)line_no);
				goto done;
			}
			error = lz_ledger_note_verify(&sh.size, sh.root, norigin, note, vkey);
			json_decref(o);
			if (error == LZ_ETAMPERED || (error == 0 && strcmp(norigin, origin) != 0)) {
				report_bad(
				    out, -1, LZ_LEDGER_SIGNED,
				    "the checkpoint on line %lld is not signed by this key for this ledger",
				    (long long)line_no);
				error = 0;
				goto done;
			}
			if (error < 0)
				goto done;
			if (nheads == capheads) {
				capheads = capheads ? capheads * 2 : 64;
				heads = lz_xrealloc(heads, (size_t)capheads * sizeof(*heads));
			}
			heads[nheads++] = sh;
			continue;
		}
		if (error == 0 && count == 0 && nheads > 1)
			qsort(heads, (size_t)nheads, sizeof(*heads), by_size);
		if (error < 0 || (error = lz_json_int(&index, &has, o, "index", true)) < 0 ||
		    (error = lz_json_str(&data, o, "data", true, SIZE_MAX)) < 0) {
			json_decref(o);
			goto done;
		}
		if (index != count) {
			json_decref(o);
			report_bad(out, count, index > count ? LZ_LEDGER_DELETED : LZ_LEDGER_REORDERED,
			           "entry %lld is not where it should be (found index %lld)",
			           (long long)count, (long long)index);
			goto done;
		}
		size_t dlen = strlen(data), n;
		if (dlen > bytes_cap) {
			bytes_cap = dlen;
			bytes = lz_xrealloc(bytes, bytes_cap);
		}
		if (sodium_base642bin(bytes, bytes_cap, data, dlen, NULL, &n, NULL,
		                      sodium_base64_VARIANT_ORIGINAL) != 0) {
			json_decref(o);
			error = lz_error_set(LZ_EINVALID, "data", "line %lld: data is not base64",
			                     (long long)line_no);
			goto done;
		}
		json_decref(o);
		/* Fold the leaf into the frontier. */
		lz_ledger_leaf_hash(root, bytes, n);
		for (int level = 0; (count >> level) & 1; level++)
			lz_ledger_node_hash(root, frontier[--nf], root);
		memcpy(frontier[nf++], root, 32);
		count++;
		/* Every checkpoint of this size must sign this root. */
		while (next < nheads && heads[next].size <= count) {
			if (heads[next].size == count) {
				lz_ledger__frontier_root(root, (const uint8_t(*)[32])frontier, nf);
				if (memcmp(root, heads[next].root, 32) != 0) {
					report_bad(out, vouched, LZ_LEDGER_CHANGED,
					           "entries %lld..%lld do not hash to the root their "
					           "checkpoint signs",
					           (long long)vouched, (long long)count - 1);
					goto done;
				}
				vouched = count;
			}
			next++;
		}
	}
	if (ferror(f)) {
		error = lz_error_set(LZ_EIO, NULL, "cannot read the export");
		goto done;
	}
	if (line_no == 0) {
		error = lz_error_set(LZ_EINVALID, "export", "the export is empty");
		goto done;
	}
	if (count == 0 && nheads > 1)
		qsort(heads, (size_t)nheads, sizeof(*heads), by_size);
	if (next < nheads && heads[next].size == 0) {
		uint8_t empty[32];
		lz_ledger__frontier_root(empty, NULL, 0);
		if (count == 0 && memcmp(empty, heads[next].root, 32) != 0)
			report_bad(out, 0, LZ_LEDGER_SIGNED, "the empty tree's checkpoint is wrong");
		while (next < nheads && heads[next].size == 0)
			next++;
	}
	if (out->ok && next < nheads)
		report_bad(out, count, LZ_LEDGER_DELETED,
		           "a checkpoint signs %lld entries; the export holds %lld",
		           (long long)heads[next].size, (long long)count);
	else if (out->ok && vouched < count)
		report_bad(out, vouched, LZ_LEDGER_INSERTED,
		           "entries %lld..%lld are not covered by any checkpoint", (long long)vouched,
		           (long long)count - 1);
	if (out->ok) {
		out->entries = count;
		out->checkpoints = nheads;
		out->bureaus = 1;
	}
done:
	free(line);
	free(bytes);
	free(heads);
	return error;
}
