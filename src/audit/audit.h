/*
 * audit.h — the hash-chained audit log. Every state-changing action, from any entry
 * point, appends one entry in the same transaction as the change:
 *
 *   hash(n) = SHA-256( hash(n-1) || canonical bytes of entry n )
 *
 * where hash(0) is 32 zero bytes and the canonical bytes are the compact JSON, keys
 * sorted, of {at, bureau_id, actor, action, entity_type, entity_id, before_digest,
 * after_digest, request_id, origin} (digests in hex or null). Each row also keeps
 * hash(n-1) as prev_hash, so a row that verifies on its own but sits after the
 * wrong predecessor is told apart (reordered) from a row whose content changed
 * (altered) and from a gap in the sequence numbers (missing). The
 * before/after digests are SHA-256 of the canonical JSON of the entity before and
 * after the change. A separate head row (count and last hash) is updated with each
 * append, so truncating the tail is caught as well.
 *
 * lz_audit_verify recomputes the chain and names the first entry that was altered,
 * is missing, or is out of order.
 */
#ifndef LZ_AUDIT_AUDIT_H
#define LZ_AUDIT_AUDIT_H

#include "core/ctx.h"

#include <jansson.h>

/*
 * Appends an entry for an action on an entity. Must be called inside the write
 * transaction that makes the change. 'before' and 'after' may be NULL (creation,
 * deletion, or actions without an entity state). 'bureau_id' is the bureau whose
 * data changed (0 for none).
 */
int lz_audit_append(lz_ctx *ctx, const char *action, const char *entity_type, int64_t entity_id,
		    int64_t bureau_id, const json_t *before, const json_t *after) LZ_MUST_USE;

typedef enum { LZ_AUDIT_OK, LZ_AUDIT_ALTERED, LZ_AUDIT_MISSING, LZ_AUDIT_REORDERED } lz_audit_problem;

typedef struct {
	bool ok;
	int64_t count;           /* entries checked */
	uint8_t head[32];        /* hash of the last entry */
	int64_t first_bad_seq;   /* when !ok */
	lz_audit_problem problem;
	char message[200];
} lz_audit_report;

/* Verifies the whole chain. Returns 0 whether or not it verifies (see the report);
 * a negative code only when the store cannot be read. Requires LZ_PERM_AUDIT_READ. */
int lz_audit_verify(lz_audit_report *out, lz_ctx *ctx) LZ_MUST_USE;
const char *lz_audit_problem_name(lz_audit_problem p);

typedef struct {
	const char *action;      /* exact, or a prefix ending in '.' ("staff.") */
	const char *entity_type;
	const char *entity_id;
	const char *actor;       /* login */
	int64_t from, to;        /* times, 0 for open */
	int64_t after_seq;       /* cursor */
	int limit;
} lz_audit_query;

#define LZ_AUDIT_QUERY_INIT {NULL, NULL, NULL, NULL, 0, 0, 0, 50}

/*
 * Lists entries in the actor's scope (entries about their bureau and those below;
 * the system and national users see all), newest first. *out is a JSON array the
 * caller owns; *next_seq is the cursor for the next page or 0.
 */
int lz_audit_list(json_t **out, int64_t *next_seq, lz_ctx *ctx, const lz_audit_query *q) LZ_MUST_USE;

/* Canonical bytes of a JSON value (compact, keys sorted). Caller frees. */
char *lz_audit_canonical(const json_t *v);

#endif
