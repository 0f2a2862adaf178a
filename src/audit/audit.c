/*
 * audit.c — the hash-chained audit log (see audit.h for exactly what is hashed).
 *
 * Appends happen inside the caller's write transaction. On SQLite a write
 * transaction holds the database's single write lock (BEGIN IMMEDIATE), so reading
 * the head and appending after it cannot interleave with another writer.
 */
#include "audit/audit.h"

#include "auth/auth.h"
#include "base/buf.h"
#include "base/json.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	Q_HEAD,
	Q_BUREAU_PATH,
	Q_INSERT,
	Q_HEAD_SET,
	Q_ALL,
	Q_LIST,
};

static const char *const sql[] = {
	[Q_HEAD] = "SELECT count, hash FROM audit_head WHERE id = 1",
	[Q_BUREAU_PATH] = "SELECT path FROM bureau WHERE id = ?",
	[Q_INSERT] = "INSERT INTO audit_log(seq, at, bureau_id, bureau_path, actor, origin, action, entity_type, "
		     "entity_id, before_digest, after_digest, request_id, prev_hash, hash) "
		     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[Q_HEAD_SET] = "INSERT INTO audit_head(id, count, hash) VALUES (1, ?, ?) "
		       "ON CONFLICT (id) DO UPDATE SET count = excluded.count, hash = excluded.hash",
	[Q_ALL] = "SELECT seq, at, bureau_id, actor, origin, action, entity_type, entity_id, before_digest, "
		  "after_digest, request_id, prev_hash, hash FROM audit_log ORDER BY seq",
	[Q_LIST] = "SELECT seq, at, bureau_id, actor, origin, action, entity_type, entity_id, before_digest, "
		   "after_digest, request_id, hash FROM audit_log "
		   "WHERE bureau_path LIKE ? AND seq < ? AND at >= ? AND at <= ? "
		   "AND (? = '' OR action = ? OR action LIKE ? ESCAPE '\\') "
		   "AND (? = '' OR entity_type = ?) AND (? = '' OR entity_id = ?) AND (? = '' OR actor = ?) "
		   "ORDER BY seq DESC LIMIT ?",
};

char *lz_audit_canonical(const json_t *v)
{
	return json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
}

/* Hex SHA-256 of a value's canonical bytes, or NULL for no value. */
static void digest(char out[65], const json_t *v)
{
	uint8_t h[LZ_SHA256_LEN];
	char *bytes = lz_audit_canonical(v);
	lz_sha256(h, bytes, strlen(bytes));
	lz_hex(out, h, sizeof(h));
	free(bytes);
}

typedef struct {
	int64_t at, bureau_id;
	const char *actor, *origin, *action, *entity_type, *entity_id, *before, *after, *request_id;
} entry;

/* hash = SHA-256(prev || canonical JSON of the entry without its seq). */
static void entry_hash(uint8_t out[LZ_SHA256_LEN], const uint8_t prev[LZ_SHA256_LEN], const entry *e)
{
	json_t *o = json_pack("{sI so ss ss ss ss ss so so ss}", "at", (json_int_t)e->at, "bureau_id",
			      e->bureau_id ? json_integer(e->bureau_id) : json_null(), "actor", e->actor, "origin",
			      e->origin, "action", e->action, "entity_type", e->entity_type, "entity_id",
			      e->entity_id, "before_digest", lz_json_str_or_null(e->before), "after_digest",
			      lz_json_str_or_null(e->after), "request_id", e->request_id);
	char *bytes = lz_audit_canonical(o);
	lz_sha256_ctx *c = lz_sha256_begin();
	lz_sha256_update(c, prev, LZ_SHA256_LEN);
	lz_sha256_update(c, bytes, strlen(bytes));
	lz_sha256_end(c, out);
	free(bytes);
	json_decref(o);
}

/* Reads the head: how many entries and the last hash (zeros when empty). */
static int read_head(int64_t *count, uint8_t hash[LZ_SHA256_LEN], lz_conn *c)
{
	lz_stmt *s;
	int error;

	*count = 0;
	memset(hash, 0, LZ_SHA256_LEN);
	if ((error = lz_stmt_prepare(&s, c, sql[Q_HEAD])) < 0)
		return error;
	if ((error = lz_stmt_step(s)) == LZ_ROW) {
		size_t n;
		const void *h = lz_stmt_blob(s, 1, &n);
		*count = lz_stmt_int(s, 0);
		if (n == LZ_SHA256_LEN)
			memcpy(hash, h, n);
		error = 0;
	}
	lz_stmt_finish(s);
	return error;
}

int lz_audit_append(lz_ctx *ctx, const char *action, const char *entity_type, int64_t entity_id,
		    int64_t bureau_id, const json_t *before, const json_t *after)
{
	uint8_t prev[LZ_SHA256_LEN], hash[LZ_SHA256_LEN];
	char before_hex[65], after_hex[65], id[24], path[160] = "";
	int64_t count;
	lz_conn *c;
	lz_stmt *s;
	entry e;
	int error;

	if ((error = lz_ctx_conn(&c, ctx)) < 0)
		return error;
	if (!lz_conn_in_tx(c))
		return lz_error_set(LZ_EINTERNAL, NULL, "audit entries are appended inside the change's transaction");
	if (bureau_id) {
		if ((error = lz_stmt_prepare(&s, c, sql[Q_BUREAU_PATH])) < 0)
			return error;
		if ((error = lz_stmt_bindv(s, "i", bureau_id)) == 0 && (error = lz_stmt_step(s)) == LZ_ROW) {
			snprintf(path, sizeof(path), "%s", lz_stmt_text(s, 0));
			error = 0;
		}
		lz_stmt_finish(s);
		if (error < 0)
			return error;
	}
	if ((error = read_head(&count, prev, c)) < 0)
		return error;
	snprintf(id, sizeof(id), "%lld", (long long)entity_id);
	if (before)
		digest(before_hex, before);
	if (after)
		digest(after_hex, after);
	e = (entry){
		.at = lz_ctx_now(ctx),
		.bureau_id = bureau_id,
		.actor = ctx->actor.login[0] ? ctx->actor.login : "-",
		.origin = ctx->origin ? ctx->origin : "-",
		.action = action,
		.entity_type = entity_type,
		.entity_id = id,
		.before = before ? before_hex : NULL,
		.after = after ? after_hex : NULL,
		.request_id = ctx->request_id ? ctx->request_id : "-",
	};
	entry_hash(hash, prev, &e);
	if ((error = lz_exec_int(NULL, c, sql[Q_INSERT], false, "iiItttttttttbb", count + 1, e.at, e.bureau_id, path,
				 e.actor, e.origin, e.action, e.entity_type, e.entity_id, e.before, e.after,
				 e.request_id, prev, sizeof(prev), hash, sizeof(hash))) < 0)
		return error;
	return lz_exec_int(NULL, c, sql[Q_HEAD_SET], false, "ib", count + 1, hash, sizeof(hash));
}

const char *lz_audit_problem_name(lz_audit_problem p)
{
	static const char *const names[] = {"ok", "altered", "missing", "reordered"};
	return p <= LZ_AUDIT_REORDERED ? names[p] : "unknown";
}

static void bad(lz_audit_report *r, int64_t seq, lz_audit_problem p, const char *why)
{
	r->ok = false;
	r->first_bad_seq = seq;
	r->problem = p;
	snprintf(r->message, sizeof(r->message), "entry %lld %s", (long long)seq, why);
}

int lz_audit_verify(lz_audit_report *out, lz_ctx *ctx)
{
	uint8_t running[LZ_SHA256_LEN] = {0}, head_hash[LZ_SHA256_LEN], h[LZ_SHA256_LEN];
	int64_t head_count, expected = 1;
	lz_stmt *s = NULL;
	lz_conn *c;
	int error;

	memset(out, 0, sizeof(*out));
	out->ok = true;
	if ((error = lz_auth_require(ctx, LZ_PERM_AUDIT_READ)) < 0)
		return error;
	/* One read transaction: the head and the rows are one snapshot. */
	if ((error = lz_tx_begin(ctx, LZ_TX_READ)) < 0 || (error = lz_ctx_conn(&c, ctx)) < 0 ||
	    (error = read_head(&head_count, head_hash, c)) < 0 || (error = lz_stmt_prepare(&s, c, sql[Q_ALL])) < 0)
		goto done;
	while (out->ok && (error = lz_stmt_step(s)) == LZ_ROW) {
		int64_t seq = lz_stmt_int(s, 0);
		size_t prev_len, hash_len;
		const void *prev = lz_stmt_blob(s, 11, &prev_len);
		const void *stored = lz_stmt_blob(s, 12, &hash_len);
		entry e = {
			.at = lz_stmt_int(s, 1),
			.bureau_id = lz_stmt_int(s, 2),
			.actor = lz_stmt_text(s, 3),
			.origin = lz_stmt_text(s, 4),
			.action = lz_stmt_text(s, 5),
			.entity_type = lz_stmt_text(s, 6),
			.entity_id = lz_stmt_text(s, 7),
			.before = lz_stmt_text_or_null(s, 8),
			.after = lz_stmt_text_or_null(s, 9),
			.request_id = lz_stmt_text(s, 10),
		};
		if (seq != expected) {
			bad(out, expected, LZ_AUDIT_MISSING, "is missing");
			break;
		}
		if (prev_len != LZ_SHA256_LEN || hash_len != LZ_SHA256_LEN) {
			bad(out, seq, LZ_AUDIT_ALTERED, "has been altered (bad hash length)");
			break;
		}
		entry_hash(h, prev, &e);
		if (memcmp(h, stored, LZ_SHA256_LEN) != 0) {
			bad(out, seq, LZ_AUDIT_ALTERED, "has been altered: its content does not match its hash");
			break;
		}
		if (memcmp(prev, running, LZ_SHA256_LEN) != 0) {
			bad(out, seq, LZ_AUDIT_REORDERED,
			    "is out of order: it was chained after a different entry than the one before it");
			break;
		}
		memcpy(running, stored, LZ_SHA256_LEN);
		out->count = seq;
		expected++;
	}
	if (error < 0)
		goto done;
	error = 0;
	if (out->ok && out->count < head_count)
		bad(out, out->count + 1, LZ_AUDIT_MISSING, "and those after it are missing (the log was truncated)");
	else if (out->ok && (out->count > head_count || memcmp(running, head_hash, LZ_SHA256_LEN) != 0))
		bad(out, out->count, LZ_AUDIT_ALTERED, "does not match the recorded head of the log");
	memcpy(out->head, running, LZ_SHA256_LEN);
done:
	lz_stmt_finish(s);
	lz_tx_rollback(ctx);
	return error;
}

static void like_prefix(char *out, size_t n, const char *action)
{
	size_t j = 0;
	for (size_t i = 0; action[i] && j + 3 < n; i++) {
		if (action[i] == '%' || action[i] == '_' || action[i] == '\\')
			out[j++] = '\\';
		out[j++] = action[i];
	}
	out[j++] = '%';
	out[j] = '\0';
}

int lz_audit_list(json_t **out, int64_t *next_seq, lz_ctx *ctx, const lz_audit_query *q)
{
	char scope[140], prefix[140] = "";
	const char *action = q->action ? q->action : "", *et = q->entity_type ? q->entity_type : "",
		   *eid = q->entity_id ? q->entity_id : "", *actor = q->actor ? q->actor : "";
	size_t alen = strlen(action);
	int64_t last = 0;
	json_t *items = NULL;
	lz_stmt *s = NULL;
	lz_conn *c;
	int error, n = 0;

	*out = NULL;
	*next_seq = 0;
	if ((error = lz_auth_require(ctx, LZ_PERM_AUDIT_READ)) < 0)
		return error;
	if (q->limit < 1 || q->limit > 200)
		return lz_error_set(LZ_EINVALID, "limit", "limit must be between 1 and 200");
	if (alen > 64 || strlen(et) > 64 || strlen(eid) > 64 || strlen(actor) > 64)
		return lz_error_set(LZ_EINVALID, NULL, "filters are at most 64 characters");
	/* An action ending in '.' is a prefix ("staff." → every staff action). */
	if (alen && action[alen - 1] == '.')
		like_prefix(prefix, sizeof(prefix), action);
	/* National users and the system see every entry; others their bureau's subtree. */
	snprintf(scope, sizeof(scope), "%s%%", ctx->actor.bureau_path);
	if ((error = lz_ctx_conn(&c, ctx)) < 0 || (error = lz_stmt_prepare(&s, c, sql[Q_LIST])) < 0 ||
	    (error = lz_stmt_bindv(s, "tiiittttttttti", scope, q->after_seq ? q->after_seq : INT64_MAX, q->from,
				   q->to ? q->to : INT64_MAX, action, prefix[0] ? "" : action, prefix, et, et, eid,
				   eid, actor, actor, (int64_t)q->limit + 1)) < 0)
		goto done;
	items = json_array();
	while ((error = lz_stmt_step(s)) == LZ_ROW) {
		if (++n > q->limit) {
			*next_seq = last;
			break;
		}
		char hash[65];
		size_t hl;
		const void *hb = lz_stmt_blob(s, 11, &hl);
		lz_hex(hash, hb, hl == LZ_SHA256_LEN ? hl : 0);
		last = lz_stmt_int(s, 0);
		json_array_append_new(
			items, json_pack("{sI so so ss ss ss ss ss so so ss ss}", "seq", (json_int_t)last, "at",
					 lz_json_time(lz_stmt_int(s, 1)), "bureau_id",
					 lz_stmt_is_null(s, 2) ? json_null() : json_integer(lz_stmt_int(s, 2)), "actor",
					 lz_stmt_text(s, 3), "origin", lz_stmt_text(s, 4), "action", lz_stmt_text(s, 5),
					 "entity_type", lz_stmt_text(s, 6), "entity_id", lz_stmt_text(s, 7),
					 "before_digest", lz_json_str_or_null(lz_stmt_text_or_null(s, 8)),
					 "after_digest", lz_json_str_or_null(lz_stmt_text_or_null(s, 9)),
					 "request_id", lz_stmt_text(s, 10), "hash", hash));
	}
	if (error == LZ_DONE || error == LZ_ROW)
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
