/*
 * beneficiary.h — the beneficiaries register (扶持对象) and the post-relocation
 * support programmes (后期扶持) they are enrolled in, with the eligibility rule the
 * payroll applies.
 *
 * Invariants kept here:
 * - A beneficiary belongs to the bureau of its programme (county level, mostly),
 *   and tenancy is that of org: out of scope reads as missing (LZ_ENOTFOUND).
 * - The ID number is validated (GB 11643), then kept only sealed (secretbox under
 *   keys.pd_key), as a blind index (keys.pd_index_key) that makes it unique per
 *   programme and findable, and as a salted commitment (the only form the fund
 *   ledger may carry). The bank account is kept only sealed. Both are shown masked;
 *   neither appears in clear in the store, the audit log or an error message.
 *   Names are shown to staff and stored in clear, but never go into ledger entries.
 * - A status (active, deceased, moved, suspended) has the date it took effect and
 *   a reason; every status a person had stays in the history, and a new status
 *   never takes effect before the current one (history runs forward).
 * - Money is int64 fen.
 *
 * Eligibility for a period [start, end] (days since the epoch, both included):
 * the beneficiary is enrolled in the programme and registered in its bureau, was
 * relocated on or before 'end', support has not ended before 'start' (support runs
 * from the relocation date for the programme's years: relocated on 2025-06-01 with
 * 20 years, support ends on 2045-05-31), and the status in effect on the later of
 * 'start' and the relocation date is active. Someone who dies during a period is
 * paid for it; someone suspended before it is not.
 *
 * Amount of a period: amount_per_year_fen / periods_per_year, in whole fen; the
 * remainder of that division is paid in the period that contains 31 December, so
 * a full year always pays exactly amount_per_year_fen.
 */
#ifndef LZ_FUNDS_BENEFICIARY_H
#define LZ_FUNDS_BENEFICIARY_H

#include "core/ctx.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#define LZ_PROGRAMME_DEFAULT_AMOUNT_FEN 60000 /* 600 yuan per person per year */
#define LZ_PROGRAMME_DEFAULT_YEARS 20

/* ---------------------------------------------------------------- programmes */

typedef enum { LZ_PAY_ANNUAL = 1, LZ_PAY_QUARTERLY = 4, LZ_PAY_MONTHLY = 12 } lz_pay_frequency;

typedef struct {
	int64_t bureau_id;
	const char *name;            /* required, ≤ 64 characters, unique in the bureau */
	int64_t amount_per_year_fen; /* 0 = the default, 60000 */
	int years;                   /* 0 = the default, 20 */
	const char *frequency;       /* annual | quarterly | monthly; NULL = annual */
} lz_programme_input;

typedef struct {
	int64_t id;
	int64_t bureau_id;
	char name[256];
	int64_t amount_per_year_fen;
	int years;
	int periods_per_year;
} lz_programme;

/* Creates a programme in a bureau in scope. Requires LZ_PERM_PROGRAMME_WRITE. Audited. */
int lz_programme_create(int64_t *out_id, lz_ctx *ctx, const lz_programme_input *in) LZ_MUST_USE;
/* Reads a programme in scope. Requires LZ_PERM_BENEFICIARY_READ. */
int lz_programme_get(lz_programme *out, lz_ctx *ctx, int64_t id) LZ_MUST_USE;
json_t *lz_programme_json(const lz_programme *p);
/*
 * A page of the programmes of a bureau and those below (0 = the whole scope) by id
 * (query.c): lz_programme_json with created_at, bureau_name and the number of
 * beneficiaries. Requires LZ_PERM_BENEFICIARY_READ.
 */
int lz_programme_list(json_t **out, int64_t *next_after, lz_ctx *ctx, int64_t bureau_id, int64_t after_id,
                      int limit) LZ_MUST_USE;
/*
 * The amount of the period [period_start_day, period_end_day] of a programme: the
 * yearly amount divided by the periods of a year, plus the remainder when the
 * period contains 31 December (see above).
 */
int64_t lz_programme_period_amount(const lz_programme *p, int32_t period_start_day, int32_t period_end_day);

/* ---------------------------------------------------------------- beneficiaries */

typedef enum {
	LZ_BENEFICIARY_ACTIVE = 1,
	LZ_BENEFICIARY_DECEASED,
	LZ_BENEFICIARY_MOVED,
	LZ_BENEFICIARY_SUSPENDED,
} lz_beneficiary_status;

const char *lz_beneficiary_status_name(int status);

typedef struct {
	int64_t programme_id;     /* required; the beneficiary's bureau is the programme's */
	int64_t bureau_id;        /* optional: when given, must be the programme's bureau */
	const char *id_number;    /* GB 11643, required */
	const char *name;         /* required, ≤ 64 characters */
	const char *village;      /* ≤ 64, optional */
	const char *household_id; /* ≤ 32, optional: groups a household */
	const char *relocated_on; /* YYYY-MM-DD, required, not in the future */
	const char *bank_account; /* 8–32 digits (spaces allowed), optional */
} lz_beneficiary_input;

/*
 * Registers a beneficiary, active since the relocation date. Requires
 * LZ_PERM_BENEFICIARY_WRITE. LZ_EINVALID naming the field for bad input,
 * LZ_ECONFLICT (field "id_number") when the programme has that person already.
 * Audited (the entry holds the masked values only).
 */
int lz_beneficiary_create(int64_t *out_id, lz_ctx *ctx, const lz_beneficiary_input *in) LZ_MUST_USE;

/*
 * Changes a beneficiary's status as of 'since' (YYYY-MM-DD: not before the current
 * status took effect, not in the future) with a reason (required unless the new
 * status is active, ≤ 200 characters). Writes a history row. Requires
 * LZ_PERM_BENEFICIARY_WRITE. Audited with before and after.
 */
int lz_beneficiary_set_status(lz_ctx *ctx, int64_t id, const char *status, const char *since,
                              const char *reason) LZ_MUST_USE;

/*
 * One beneficiary in scope as JSON (caller owns), with the ID number and bank
 * account masked and the status history, oldest first. Requires
 * LZ_PERM_BENEFICIARY_READ.
 */
int lz_beneficiary_get_json(json_t **out, lz_ctx *ctx, int64_t id) LZ_MUST_USE;

typedef struct {
	int64_t bureau_id;     /* that bureau and those below; 0 = the whole scope */
	int64_t programme_id;  /* 0 = any */
	const char *status;    /* NULL = any */
	const char *village;   /* exact; NULL = any */
	const char *q;         /* substring of the name */
	const char *id_number; /* exact, through the blind index; NULL = any */
	int64_t after_id;      /* cursor */
	int limit;             /* 1..200 */
} lz_beneficiary_query;

/* clang-format off */
#define LZ_BENEFICIARY_QUERY_INIT {0, 0, NULL, NULL, NULL, NULL, 0, 50}
/* clang-format on */

/*
 * Lists beneficiaries in scope by id (masked, without history). *out is a JSON
 * array (caller owns); *next_after the cursor of the next page or 0. An
 * id_number that is not a valid GB 11643 number is LZ_EINVALID.
 */
int lz_beneficiary_list(json_t **out, int64_t *next_after, lz_ctx *ctx,
                        const lz_beneficiary_query *q) LZ_MUST_USE;

/*
 * Whether beneficiary 'beneficiary_id' is to be paid by programme 'programme_id'
 * for the period [period_start_day, period_end_day] (see the rule above). *ok and
 * *amount_fen (0 when not payable) answer; when not, 'reason' says why in a
 * sentence such as "deceased on 2026-03-02", "support ended on 2045-05-31" or
 * "suspended: …". Both records must be in scope (LZ_ENOTFOUND otherwise).
 * Requires LZ_PERM_BENEFICIARY_READ.
 */
int lz_beneficiary_payable(bool *ok, char reason[160], int64_t *amount_fen, lz_ctx *ctx,
                           int64_t beneficiary_id, int64_t programme_id, int32_t period_start_day,
                           int32_t period_end_day) LZ_MUST_USE;

/*
 * The same rule as one set-based statement, for payroll runs over millions of
 * beneficiaries: a SELECT of the ids (column "id", ascending) of every payable
 * beneficiary of a programme for a period. It is a string literal, so a caller can
 * embed it in its own static SQL, e.g.
 *
 *	static const char sql_stage[] =
 *		"INSERT INTO payroll_line(run_id, beneficiary_id) "
 *		"SELECT ?, e.id FROM (" LZ_BENEFICIARY_PAYABLE_SQL ") e";
 *
 * Its parameters, in order (all integers): programme_id, period_end_day, then
 * period_start_day seven times (binding the same day again keeps it portable:
 * '?' placeholders only). lz_beneficiary_payable_bind binds them all.
 *
 * It reads the programme's rows once: most are decided by the current status and
 * the date it took effect; only those whose status changed after the period began
 * look into the history, through the index beneficiary_status_at (a million
 * beneficiaries take well under a second on SQLite). It does not check scope or
 * permissions: the caller checks the programme with lz_programme_get.
 */
#define LZ_BENEFICIARY_PAYABLE_SQL                                                                           \
	"SELECT b.id FROM beneficiary b JOIN programme p ON p.id = b.programme_id "                          \
	"WHERE b.programme_id = ? AND b.bureau_id = p.bureau_id AND b.relocated_on <= ? "                    \
	"AND b.support_ends_on >= ? AND ("                                                                   \
	"(b.status_since <= CASE WHEN b.relocated_on > ? THEN b.relocated_on ELSE CAST(? AS INTEGER) END "   \
	"AND b.status = 1) OR "                                                                              \
	"(b.status_since > CASE WHEN b.relocated_on > ? THEN b.relocated_on ELSE CAST(? AS INTEGER) END "    \
	"AND (SELECT h.status FROM beneficiary_status h WHERE h.beneficiary_id = b.id AND h.since <= "       \
	"CASE WHEN b.relocated_on > ? THEN b.relocated_on ELSE CAST(? AS INTEGER) END "                      \
	"ORDER BY h.since DESC, h.id DESC LIMIT 1) = 1)) ORDER BY b.id"

/* The SQL above, for callers that want it as a value. */
extern const char lz_beneficiary__payable_sql[];

/* Binds the parameters of LZ_BENEFICIARY_PAYABLE_SQL to 's', from parameter 'first' on. */
int lz_beneficiary_payable_bind(lz_stmt *s, int first, int64_t programme_id, int32_t period_start_day,
                                int32_t period_end_day) LZ_MUST_USE;
#define LZ_BENEFICIARY_PAYABLE_PARAMS 9

/*
 * Erases a beneficiary's personal data, as personal-information law requires once
 * it is no longer needed: the sealed ID number and bank account, the blind index
 * and the commitment's salt are removed and the name is replaced by
 * LZ_BENEFICIARY_ERASED_NAME. The row, its status history, its payroll lines and
 * its salted commitment stay, so every count, payment and ledger proof that covers
 * the person still verifies; without the salt the commitment can no longer be
 * linked to a number. A beneficiary still active is refused (LZ_ECONFLICT, field
 * "status": end or suspend the support first), as is one already erased. 'reason'
 * is required (≤ 200 characters). Requires LZ_PERM_BENEFICIARY_ERASE. Audited
 * ("beneficiary.erase") with no personal data.
 */
int lz_beneficiary_erase(lz_ctx *ctx, int64_t id, const char *reason) LZ_MUST_USE;

#define LZ_BENEFICIARY_ERASED_NAME "（已删除）"

/*
 * The salted commitment to a beneficiary's ID number (SHA-256(salt || number)), the
 * only form in which the person may appear in the fund ledger. Requires
 * LZ_PERM_BENEFICIARY_READ; LZ_ENOTFOUND out of scope.
 */
int lz_beneficiary_commitment(uint8_t out[32], lz_ctx *ctx, int64_t id) LZ_MUST_USE;

#endif
