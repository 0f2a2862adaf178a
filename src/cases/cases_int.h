/*
 * cases_int.h — what the files of the cases module share: who the acting person
 * is, bureaus and scope, sealing and masking of personal data, and the calendar of
 * a case's bureau. The helpers live in cases.c.
 */
#ifndef LZ_CASES_INT_H
#define LZ_CASES_INT_H

#include "cases/cases.h"

#define LZ_CASES_LIST_MAX 200
#define LZ_CASES_SEALED_MAX 300 /* bytes of a sealed value: 254 + overhead, rounded */

/* Clamps a page size to 1..LZ_CASES_LIST_MAX. */
int lz_cases__limit(int limit);

/*
 * A place in a work queue (complaints, assistance requests) ordered as people work
 * it: the open items first, by due time, then the finished ones; ties by id. The
 * cursor is "DONE.DUE.ID" as the last item of a page gives it. A queue's SQL orders by
 * (done, due, id) and keeps the rows after the place with QUEUE_AFTER(done, due, id),
 * binding done, done, due, due, id.
 */
typedef struct {
	int64_t done, due, id;
} lz_cases__queue_pos;

#define LZ_CASES_QUEUE_START                                                                                 \
	{                                                                                                    \
		0, INT64_MIN / 2, 0                                                                          \
	}
#define QUEUE_AFTER(done, due, id)                                                                           \
	"(" done " > ? OR (" done " = ? AND (" due " > ? OR (" due " = ? AND " id " > ?)))) "

/* Reads a cursor; NULL or "" is the start; anything this list did not give is
 * LZ_EINVALID naming "cursor". */
int lz_cases__queue_cursor(lz_cases__queue_pos *out, const char *cursor) LZ_MUST_USE;
/* The cursor of the page after 'last' as JSON text, or null when the page was short. */
json_t *lz_cases__queue_next(const lz_cases__queue_pos *last, bool full);

/*
 * The staff record the acting account is linked to. The system, the public and
 * accounts without a staff record are LZ_EFORBIDDEN naming 'what'.
 */
int lz_cases__person(int64_t *out_staff_id, lz_ctx *ctx, const char *what) LZ_MUST_USE;
/* The staff record of the acting account, or 0 (system, public, unlinked). */
int64_t lz_cases__person_or_0(lz_ctx *ctx);

/* The path and code of bureau 'id' (LZ_ENOTFOUND naming 'field'), whatever the scope. */
int lz_cases__bureau(char path[128], char code[8], lz_conn *conn, int64_t id, const char *field) LZ_MUST_USE;
/* The same, but out of the actor's scope reads as missing. */
int lz_cases__bureau_in_scope(char path[128], lz_ctx *ctx, lz_conn *conn, int64_t id,
                              const char *field) LZ_MUST_USE;

/* The prefix for `b.path LIKE (CAST(? AS TEXT) || '%')` selecting the bureaus in
 * scope: the actor's (org's rule), or "" for the public reading published figures. */
const char *lz_cases__scope_prefix(const lz_ctx *ctx);

/*
 * Checks that staff 'staff_id' is active and belongs to a bureau whose path starts
 * with 'path' (for the case's bureau: exactly that bureau's path). LZ_EINVALID
 * naming 'field' otherwise.
 */
int lz_cases__staff_check(lz_conn *conn, int64_t staff_id, int64_t bureau_id, const char *field) LZ_MUST_USE;

/* Seals 'text' (may be NULL or "": binds NULL) and binds it as parameter 'idx'. */
int lz_cases__bind_sealed(lz_stmt *s, int idx, lz_ctx *ctx, const char *text) LZ_MUST_USE;
/* Opens a sealed column as text into out (cap bytes); "" for NULL. */
int lz_cases__open(char *out, size_t cap, const lz_ctx *ctx, lz_stmt *s, int col,
                   const char *field) LZ_MUST_USE;

/* Masks: a name (first character, then '*' for the others, at most 3), an e-mail
 * (first character, "***", the domain), an ID or passport number. */
void lz_cases__mask_name(char *out, size_t cap, const char *name);
void lz_cases__mask_email(char *out, size_t cap, const char *email);
void lz_cases__mask_document(char *out, size_t cap, const char *number);

/* Validates and normalises (digits only) a phone number into out (21 bytes). */
int lz_cases__phone(char out[21], const char *field, const char *phone) LZ_MUST_USE;

/* Loads the calendar of a bureau on the context's connection. */
int lz_cases__calendar(lz_calendar *out, lz_conn *conn, int64_t bureau_id) LZ_MUST_USE;

/* One calendar kept across the rows of a page: most rows share a bureau. Zeroed
 * to start; lz_calendar_dispose(&cache.cal) at the end. */
typedef struct {
	int64_t bureau_id;
	lz_calendar cal;
	bool loaded;
} lz_cases__cal_cache;

/* Where a row holds what its clock is read from: the case's clock_used,
 * clock_mark, paused, decided_at, due_at and bureau_id, its type's sla_hours and
 * clock_kind. */
typedef struct {
	int used, mark, paused, decided, due, bureau, sla, clock_kind;
} lz_cases__clock_cols;

/* The clock at 'now' of the case in the current row of 's', read from its stored
 * columns (the inbox's and the list's reading; lz_case_recompute replays events). */
int lz_cases__row_clock(lz_case_clock *out, lz_cases__cal_cache *cc, lz_conn *conn, lz_stmt *s,
                        const lz_cases__clock_cols *cols, int64_t now) LZ_MUST_USE;

/*
 * The stored derived columns of case 'id' with its clock at 'at' (0: now), in scope
 * when 'scoped', whatever the scope otherwise (for the public, who proved the
 * check code). No permission check.
 */
int lz_case__stored(lz_case_derived *out, lz_ctx *ctx, int64_t id, int64_t at, bool scoped) LZ_MUST_USE;

/*
 * After a change to the working calendar of the bureaus under 'path' on a day
 * starting at 'from': replays every open case there on a working clock that is due
 * at or after 'from', and stores what moved (its due time), each audited as a
 * case.recompute "because" "calendar". Inside the caller's write; no permission
 * check (the caller's act is the calendar change). *moved counts the cases.
 */
int lz_case__refresh_working(int64_t *moved, lz_ctx *ctx, const char *path, int64_t from) LZ_MUST_USE;

/* The check of lz_case_lookup, for the other public actions: *out_id the case
 * when receipt and code match; the same LZ_ENOTFOUND otherwise. */
int lz_case__verify_code(int64_t *out_id, lz_ctx *ctx, const char *receipt_no,
                         const char *check_code) LZ_MUST_USE;

/* A time as RFC 3339 JSON, null for 0. */
json_t *lz_cases__time(int64_t t);

#endif
