/*
 * case_int.h — what the files of cases share about one case (case.c, case_clock.c,
 * case_read.c): the statement table, the columns of a case row, loading a case in
 * scope, and replaying its events into the derived columns.
 */
#ifndef LZ_CASES_CASE_INT_H
#define LZ_CASES_CASE_INT_H

#include "cases/cases_int.h"

/* The statements about cases, defined once in case.c (the store caches statements
 * by the address of their text). */
enum {
	Q_CASE_GET,
	Q_CASE_INSERT,
	Q_CASE_DERIVED,
	Q_CASE_PROPOSAL,
	Q_SEQ,
	Q_EVENT_INSERT,
	Q_EVENTS,
	Q_APPROVAL_INSERT,
	Q_APPROVALS,
	Q_APPROVAL_ROUND,
	Q_APPROVED_BY,
	Q_BY_RECEIPT,
	Q_BY_APPLICANT,
	Q_PROPOSAL_REASONS,
	Q_IDS_IN_SCOPE,
	Q_RECEIPT_IN_SCOPE,
	Q_OPEN_WORKING,
	Q_TYPE_MATERIALS,
	Q_FILE_OF_BUREAU,
	Q_ATTACHMENT_INSERT,
	Q_ATTACHMENTS,
};
extern const char *const lz_case__sql[];

/* The columns of lz_case__sql[Q_CASE_GET]. */
enum {
	C_ID,
	C_BUREAU,
	C_TYPE,
	C_RECEIPT,
	C_CHANNEL,
	C_PROXY,
	C_STATE,
	C_OUTCOME,
	C_REASONS,
	C_ASSIGNEE,
	C_RECEIVED,
	C_USED,
	C_MARK,
	C_PAUSED,
	C_DUE,
	C_DECIDED,
	C_CLOCK_SECONDS,
	C_CLOSED,
	C_PROPOSAL,
	C_PROPOSAL_REASONS,
	C_APPROVALS,
	C_EVENTS,
	C_SUMMARY,
	C_PATH,
	C_SLA,
	C_CLOCK_KIND,
	C_LEVELS,
	C_PAUSES,
	C_TYPE_CODE,
	C_NAME_SEALED,
	C_ID_SEALED,
	C_PHONE_SEALED,
	C_EMAIL_SEALED,
};

/* A case as the rules read it. */
typedef struct {
	int64_t id, bureau_id, type_id, proxy, assignee, received_at, due_at, decided_at;
	int state, outcome, channel, proposal, approvals, event_count, levels;
	char receipt[LZ_CASE_RECEIPT_MAX];
	char path[128];
	lz_case_type type;
} lz_case__row;

/* Reads the current row of a Q_CASE_GET statement. */
void lz_case__row_read(lz_case__row *out, lz_stmt *s);
/* Reads case 'id' in the actor's scope (LZ_ENOTFOUND otherwise, as for a missing one). */
int lz_case__load(lz_case__row *out, lz_ctx *ctx, int64_t id) LZ_MUST_USE;
int lz_case__not_found(int64_t id);
/* Seconds of the type's clock in [a, b) ('cal' is used by working clocks). */
int64_t lz_case__measure(const lz_case_type *t, const lz_calendar *cal, int64_t a, int64_t b);
/* Replays case 'c' from its stored events at 'now' (see cases.h for the readings). */
int lz_case__derive(lz_case_derived *out, lz_conn *conn, const lz_case__row *c, int64_t now) LZ_MUST_USE;
/* Writes the derived columns of 'd' to the case row. */
int lz_case__store_derived(lz_conn *conn, const lz_case__row *c, const lz_case_derived *d,
                           int64_t now) LZ_MUST_USE;
/* The keyed hash of a check code (upper-cased, at most 32 bytes read). */
void lz_case__code_hash(uint8_t out[32], const lz_ctx *ctx, const char *code);
/* Validates an ID or passport number into 'out' (normalised: upper case), naming id_number. */
int lz_case__document(char out[24], const lz_ctx *ctx, const char *s) LZ_MUST_USE;

#endif
