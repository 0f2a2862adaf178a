/*
 * tree_head.c — signed tree heads: each bureau's Ed25519 key (derived, never
 * stored), C2SP checkpoints as signed notes, their issue and the parent bureau's
 * countersignature. See ledger.h for the exact text that is signed.
 */
#include "ledger/ledger_int.h"

#include "audit/audit.h"
#include "auth/auth.h"
#include "base/buf.h"
#include "base/crypto.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EM_DASH "\xe2\x80\x94"

void lz_ledger_origin(char out[64], const char *code)
{
	snprintf(out, 64, "luzhi/ledger/%s", code);
}

/*
 * The key pair is a function of the installation's ledger seed and the bureau's
 * code: seed = BLAKE2b-256 keyed with the ledger seed over the origin, then
 * Ed25519's seed key pair. Rotating the ledger seed therefore rotates every key.
 */
void lz_ledger__keypair(uint8_t pk[crypto_sign_PUBLICKEYBYTES], uint8_t sk[crypto_sign_SECRETKEYBYTES],
                        const lz_app *app, const char *code)
{
	uint8_t seed[crypto_sign_SEEDBYTES];
	char name[64];

	lz_ledger_origin(name, code);
	crypto_generichash(seed, sizeof(seed), (const uint8_t *)name, strlen(name), app->keys.ledger_seed,
	                   sizeof(app->keys.ledger_seed));
	crypto_sign_seed_keypair(pk, sk, seed);
	sodium_memzero(seed, sizeof(seed));
}

/* Key id: the first 4 bytes of SHA-256(name || "\n" || 0x01 || public key). */
static void key_id(uint8_t out[4], const char *name, const uint8_t pk[32])
{
	uint8_t h[32];
	lz_sha256_ctx *c = lz_sha256_begin();
	lz_sha256_update(c, name, strlen(name));
	lz_sha256_update(c, "\n\x01", 2);
	lz_sha256_update(c, pk, 32);
	lz_sha256_end(c, h);
	memcpy(out, h, 4);
}

void lz_ledger_verifier_key(char out[LZ_LEDGER_VKEY_MAX], const lz_app *app, const char *code)
{
	uint8_t pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES], id[4], keydata[33];
	char name[64], idhex[9], b64[sodium_base64_ENCODED_LEN(33, sodium_base64_VARIANT_ORIGINAL)];

	lz_ledger__keypair(pk, sk, app, code);
	sodium_memzero(sk, sizeof(sk));
	lz_ledger_origin(name, code);
	key_id(id, name, pk);
	lz_hex(idhex, id, 4);
	keydata[0] = 0x01;
	memcpy(keydata + 1, pk, 32);
	lz_ledger__b64(b64, sizeof(b64), keydata, sizeof(keydata));
	snprintf(out, LZ_LEDGER_VKEY_MAX, "%s+%s+%s", name, idhex, b64);
}

/* Appends "— name base64(key id || signature)\n" over 'text' to 'out'. */
static void sign_line(lz_buf *out, const char *text, size_t text_len, const lz_app *app, const char *code)
{
	uint8_t pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES], sig[4 + crypto_sign_BYTES];
	char name[64], b64[sodium_base64_ENCODED_LEN(4 + crypto_sign_BYTES, sodium_base64_VARIANT_ORIGINAL)];

	lz_ledger__keypair(pk, sk, app, code);
	lz_ledger_origin(name, code);
	key_id(sig, name, pk);
	crypto_sign_detached(sig + 4, NULL, (const uint8_t *)text, text_len, sk);
	sodium_memzero(sk, sizeof(sk));
	lz_ledger__b64(b64, sizeof(b64), sig, sizeof(sig));
	lz_buf_printf(out, EM_DASH " %s %s\n", name, b64);
}

void lz_ledger__note_sign(char out[LZ_LEDGER_NOTE_MAX], const lz_app *app, const char *code, int64_t size,
                          const uint8_t root[32])
{
	char origin[64], b64[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL)];
	lz_buf b = LZ_BUF_INIT;
	size_t text_len;

	lz_ledger_origin(origin, code);
	lz_ledger__b64(b64, sizeof(b64), root, 32);
	lz_buf_printf(&b, "%s\n%" PRId64 "\n%s\n", origin, size, b64);
	text_len = b.len;
	lz_buf_puts(&b, "\n");
	sign_line(&b, b.ptr, text_len, app, code);
	snprintf(out, LZ_LEDGER_NOTE_MAX, "%s", b.ptr);
	lz_buf_dispose(&b);
}

/* The length of a note's text (with its final newline), or 0 when it has no
 * signature block. The text ends at the last blank line. */
static size_t text_length(const char *note)
{
	const char *sep = NULL;
	for (const char *p = strstr(note, "\n\n"); p; p = strstr(p + 1, "\n\n"))
		sep = p;
	return sep ? (size_t)(sep - note) + 1 : 0;
}

int lz_ledger__note_cosign(char note[LZ_LEDGER_NOTE_MAX], const lz_app *app, const char *code)
{
	size_t text_len = text_length(note);
	lz_buf b = LZ_BUF_INIT;
	int error = 0;

	if (!text_len)
		return lz_error_set(LZ_EINVALID, "note", "the checkpoint is not a signed note");
	lz_buf_puts(&b, note);
	sign_line(&b, note, text_len, app, code);
	if (b.len >= LZ_LEDGER_NOTE_MAX)
		error = lz_error_set(LZ_EINVALID, "note", "the note has too many signatures");
	else
		memcpy(note, b.ptr, b.len + 1);
	lz_buf_dispose(&b);
	return error;
}

/* Parses "name+hex8+base64(0x01 || key)". */
static int parse_vkey(char name[64], uint8_t id[4], uint8_t pk[32], const char *vkey)
{
	const char *p1 = strchr(vkey, '+'), *p2 = p1 ? strchr(p1 + 1, '+') : NULL;
	uint8_t keydata[64], want[4];
	char hex[9] = "";
	size_t n;

	if (p1 && p2 && p2 - p1 == 9)
		memcpy(hex, p1 + 1, 8);
	if (!p1 || !p2 || p1 == vkey || (size_t)(p1 - vkey) >= 64 || p2 - p1 != 9 || lz_unhex(id, 4, hex) < 0)
		return lz_error_set(LZ_EINVALID, "pubkey",
		                    "the key is not a note verifier key (name+id+key)");
	memcpy(name, vkey, (size_t)(p1 - vkey));
	name[p1 - vkey] = '\0';
	if (sodium_base642bin(keydata, sizeof(keydata), p2 + 1, strlen(p2 + 1), NULL, &n, NULL,
	                      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    n != 33 || keydata[0] != 0x01)
		return lz_error_set(LZ_EINVALID, "pubkey", "the verifier key is not an Ed25519 key");
	memcpy(pk, keydata + 1, 32);
	key_id(want, name, pk);
	if (memcmp(want, id, 4) != 0)
		return lz_error_set(LZ_EINVALID, "pubkey", "the verifier key's id does not match its key");
	return 0;
}

/* Reads "origin\nsize\nbase64 root\n" (further lines are extensions). */
static int parse_text(int64_t *size, uint8_t root[32], char origin[64], const char *text, size_t len)
{
	const char *nl1 = memchr(text, '\n', len), *nl2, *nl3;
	char num[24], b64[64];
	size_t n;
	char *end;

	if (!nl1 || nl1 == text || (size_t)(nl1 - text) >= 64)
		goto bad;
	nl2 = memchr(nl1 + 1, '\n', len - (size_t)(nl1 + 1 - text));
	if (!nl2 || nl2 - nl1 - 1 < 1 || nl2 - nl1 - 1 >= (ptrdiff_t)sizeof(num))
		goto bad;
	nl3 = memchr(nl2 + 1, '\n', len - (size_t)(nl2 + 1 - text));
	if (!nl3 || nl3 - nl2 - 1 != 44)
		goto bad;
	memcpy(origin, text, (size_t)(nl1 - text));
	origin[nl1 - text] = '\0';
	memcpy(num, nl1 + 1, (size_t)(nl2 - nl1 - 1));
	num[nl2 - nl1 - 1] = '\0';
	if (num[0] < '0' || num[0] > '9' || (num[0] == '0' && num[1]))
		goto bad;
	*size = strtoll(num, &end, 10);
	if (*end || *size < 0)
		goto bad;
	memcpy(b64, nl2 + 1, 44);
	b64[44] = '\0';
	if (sodium_base642bin(root, 32, b64, 44, NULL, &n, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    n != 32)
		goto bad;
	return 0;
bad:
	return lz_error_set(LZ_EINVALID, "note", "the checkpoint text is not origin, size and root hash");
}

int lz_ledger_note_verify(int64_t *size, uint8_t root[32], char origin[64], const char *note,
                          const char *vkey)
{
	char name[64];
	uint8_t id[4], pk[32];
	size_t text_len = text_length(note);
	const char *line;
	int error;

	if ((error = parse_vkey(name, id, pk, vkey)) < 0)
		return error;
	if (!text_len)
		return lz_error_set(LZ_EINVALID, "note", "the checkpoint is not a signed note");
	if ((error = parse_text(size, root, origin, note, text_len)) < 0)
		return error;
	/* Signature lines: "— name base64\n"; any line by this key that verifies will do. */
	for (line = note + text_len + 1; *line;) {
		const char *nl = strchr(line, '\n'), *sp;
		uint8_t sig[128];
		size_t n, nlen = strlen(name);

		if (!nl || strncmp(line, EM_DASH " ", 4) != 0)
			return lz_error_set(LZ_EINVALID, "note", "a signature line of the note is malformed");
		sp = line + 4;
		if ((size_t)(nl - sp) > nlen && strncmp(sp, name, nlen) == 0 && sp[nlen] == ' ' &&
		    sodium_base642bin(sig, sizeof(sig), sp + nlen + 1,
		                      (size_t)(nl - sp - (ptrdiff_t)nlen - 1), NULL, &n, NULL,
		                      sodium_base64_VARIANT_ORIGINAL) == 0 &&
		    n == 4 + crypto_sign_BYTES && memcmp(sig, id, 4) == 0 &&
		    crypto_sign_verify_detached(sig + 4, (const uint8_t *)note, text_len, pk) == 0)
			return 0;
		line = nl + 1;
	}
	return lz_error_set(LZ_ETAMPERED, "note", "no signature by %s verifies on the checkpoint", name);
}

/* ---------------------------------------------------------------- issuing checkpoints */

int lz_ledger__issue(lz_ctx *ctx, lz_conn *c, int64_t bureau_id, lz_ledger__head *h)
{
	char note[LZ_LEDGER_NOTE_MAX];
	uint8_t root[32];
	int64_t now = lz_ctx_now(ctx);
	int error;

	lz_ledger__frontier_root(root, (const uint8_t(*)[32])h->frontier, h->nfrontier);
	lz_ledger__note_sign(note, ctx->app, h->code, h->size, root);
	if ((error = lz_exec_int(NULL, c, lz_ledger__sql[LQ_CHECKPOINT_INSERT], false, "iibit", bureau_id,
	                         h->size, root, (size_t)32, now, note)) < 0)
		return error;
	h->checkpoint_size = h->size;
	h->checkpoint_at = now;
	if (h->exists)
		return lz_exec_int(NULL, c, lz_ledger__sql[LQ_HEAD_CHECKPOINTED], false, "iii", h->size, now,
		                   bureau_id);
	/* An empty ledger gets its head row with its first checkpoint. */
	h->exists = true;
	return lz_exec_int(NULL, c, lz_ledger__sql[LQ_HEAD_INSERT], false, "itibii", bureau_id, h->code,
	                   h->size, "", (size_t)0, h->checkpoint_size, h->checkpoint_at);
}

static int read_latest(lz_ledger_checkpoint_t *out, lz_conn *c, int64_t bureau_id)
{
	lz_stmt *s;
	int error;

	if ((error = lz_stmt_prepare(&s, c, lz_ledger__sql[LQ_CHECKPOINT_LATEST])) < 0)
		return error;
	if ((error = lz_stmt_bindv(s, "i", bureau_id)) == 0 && (error = lz_stmt_step(s)) == LZ_ROW) {
		size_t n;
		const void *root = lz_stmt_blob(s, 1, &n);
		out->size = lz_stmt_int(s, 0);
		memset(out->root, 0, 32);
		if (root && n == 32)
			memcpy(out->root, root, 32);
		out->at = lz_stmt_int(s, 2);
		snprintf(out->note, sizeof(out->note), "%s", lz_stmt_text(s, 3));
		error = 0;
	} else if (error == LZ_DONE) {
		error = lz_error_set(LZ_ENOTFOUND, NULL, "the ledger has no checkpoint");
	}
	lz_stmt_finish(s);
	return error;
}

int lz_ledger_checkpoint(lz_ledger_checkpoint_t *out, lz_ctx *ctx, int64_t bureau_id)
{
	lz_ledger__head h;
	lz_bureau b;
	lz_conn *c;
	bool own_tx;
	int error;

	if ((error = lz_ledger__bureau(&b, ctx, bureau_id)) < 0 || (error = lz_ctx_conn(&c, ctx)) < 0)
		return error;
	own_tx = !lz_conn_in_tx(c);
	if (own_tx && (error = lz_tx_begin(ctx, LZ_TX_WRITE)) < 0)
		return error;
	if ((error = lz_ledger__head_read(&h, c, bureau_id)) < 0)
		goto done;
	if ((!h.exists || h.checkpoint_size != h.size) &&
	    (error = lz_ledger__issue(ctx, c, bureau_id, &h)) < 0)
		goto done;
	if (out && (error = read_latest(out, c, bureau_id)) < 0)
		goto done;
	if (own_tx)
		error = lz_tx_commit(ctx);
done:
	if (own_tx && error < 0)
		lz_tx_rollback(ctx);
	return error;
}

/* ---------------------------------------------------------------- countersigning */

/* Records a refusal in the countersign table and the audit log (the caller commits). */
static int refuse(lz_ctx *ctx, lz_conn *c, const lz_bureau *child, const lz_bureau *parent,
                  const lz_ledger_checkpoint_t *cp, const char *reason)
{
	json_t *after = json_pack("{sIsssIss}", "child_bureau_id", (json_int_t)child->id, "child",
	                          child->code, "size", (json_int_t)cp->size, "reason", reason);
	int error;

	if ((error = lz_exec_int(NULL, c, lz_ledger__sql[LQ_COUNTERSIGN_INSERT], false, "iiibiitt", child->id,
	                         parent->id, cp->size, cp->root, (size_t)32, lz_ctx_now(ctx), (int64_t)0, "",
	                         reason)) == 0)
		error = lz_audit_append(ctx, "ledger.countersign_refused", "ledger", child->id, parent->id,
		                        NULL, after);
	json_decref(after);
	return error;
}

int lz_ledger_countersign(lz_ledger_checkpoint_t *out, lz_ctx *ctx, int64_t child_bureau_id)
{
	lz_ledger_checkpoint_t cp;
	lz_bureau child, parent;
	char vkey[LZ_LEDGER_VKEY_MAX], origin[64], want_origin[64], reason[200] = "";
	uint8_t root[32], last_root[32];
	int64_t size, last_size = -1;
	lz_stmt *s = NULL;
	lz_conn *c;
	json_t *after;
	int error;

	if ((error = lz_auth_require(ctx, LZ_PERM_LEDGER_COUNTERSIGN)) < 0 ||
	    (error = lz_ledger__bureau(&child, ctx, child_bureau_id)) < 0)
		return error;
	if (!child.parent_id)
		return lz_error_set(LZ_EINVALID, "bureau",
		                    "bureau %s has no parent to countersign its ledger", child.code);
	if (lz_bureau_get(&parent, ctx, child.parent_id) < 0)
		return lz_error_set(LZ_EFORBIDDEN, NULL,
		                    "only the parent bureau may countersign the ledger of %s", child.code);
	/* The child's current head, signed by the child (issued now if the tree grew). */
	if ((error = lz_tx_begin(ctx, LZ_TX_WRITE)) < 0 || (error = lz_ctx_conn(&c, ctx)) < 0 ||
	    (error = lz_ledger_checkpoint(&cp, ctx, child.id)) < 0)
		goto done;
	lz_ledger_verifier_key(vkey, ctx->app, child.code);
	lz_ledger_origin(want_origin, child.code);
	if (lz_ledger_note_verify(&size, root, origin, cp.note, vkey) < 0 || size != cp.size ||
	    memcmp(root, cp.root, 32) != 0 || strcmp(origin, want_origin) != 0)
		snprintf(reason, sizeof(reason), "the checkpoint of size %lld is not validly signed by %s",
		         (long long)cp.size, child.code);
	/* The last head this parent countersigned. */
	if (!reason[0]) {
		if ((error = lz_stmt_prepare(&s, c, lz_ledger__sql[LQ_COUNTERSIGN_LAST])) < 0 ||
		    (error = lz_stmt_bindv(s, "ii", child.id, parent.id)) < 0)
			goto done;
		if ((error = lz_stmt_step(s)) == LZ_ROW) {
			size_t n;
			const void *r = lz_stmt_blob(s, 1, &n);
			last_size = lz_stmt_int(s, 0);
			memset(last_root, 0, 32);
			if (r && n == 32)
				memcpy(last_root, r, 32);
		}
		lz_stmt_finish(s);
		s = NULL;
		if (error < 0)
			goto done;
	}
	if (!reason[0] && last_size >= 0) {
		lz_ledger_proof proof;
		if (cp.size < last_size) {
			snprintf(reason, sizeof(reason),
			         "the ledger of %s shrank from %lld entries (countersigned) to %lld: history "
			         "was rewritten",
			         child.code, (long long)last_size, (long long)cp.size);
		} else if ((error = lz_ledger__consistency(&proof, c, child.id, last_size, cp.size)) < 0) {
			goto done;
		} else if (!lz_ledger_consistency_ok(last_size, last_root, cp.size, cp.root, &proof)) {
			snprintf(reason, sizeof(reason),
			         "the ledger of %s at %lld entries is not consistent with the head of %lld "
			         "entries "
			         "countersigned before: history was rewritten",
			         child.code, (long long)cp.size, (long long)last_size);
		}
	}
	if (reason[0]) {
		if ((error = refuse(ctx, c, &child, &parent, &cp, reason)) < 0 ||
		    (error = lz_tx_commit(ctx)) < 0)
			goto done;
		error = lz_error_set(LZ_ETAMPERED, NULL, "%s", reason);
		goto done;
	}
	if ((error = lz_ledger__note_cosign(cp.note, ctx->app, parent.code)) < 0 ||
	    (error = lz_exec_int(NULL, c, lz_ledger__sql[LQ_COUNTERSIGN_INSERT], false, "iiibiitt", child.id,
	                         parent.id, cp.size, cp.root, (size_t)32, lz_ctx_now(ctx), (int64_t)1,
	                         cp.note, "")) < 0)
		goto done;
	after = json_pack("{sIsssI}", "child_bureau_id", (json_int_t)child.id, "child", child.code, "size",
	                  (json_int_t)cp.size);
	error = lz_audit_append(ctx, "ledger.countersign", "ledger", child.id, parent.id, NULL, after);
	json_decref(after);
	if (error < 0 || (error = lz_tx_commit(ctx)) < 0)
		goto done;
	if (out)
		*out = cp;
done:
	lz_stmt_finish(s);
	lz_tx_rollback(ctx);
	return error;
}
