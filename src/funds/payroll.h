/*
 * payroll.h — payroll runs (批量发放): one action prepares a period's support
 * payments for every payable beneficiary of a programme, as a frozen batch that a
 * second person approves as a whole.
 *
 * Invariants kept here:
 * - Preparing is set-based: the lines are written by one INSERT … SELECT over the
 *   eligibility SQL of beneficiary.h (LZ_BENEFICIARY_PAYABLE_SQL); each line holds
 *   the period's amount (lz_programme_period_amount) and the person's salted
 *   commitment. The programme's other beneficiaries are recorded as exclusions
 *   with the rule's reason (lz_beneficiary_payable).
 * - A run is frozen: its lines are copies, and later changes to the register never
 *   alter them. Approval re-checks every line against the register as it then
 *   stands (same rule, same period); a line no longer payable is excluded, with
 *   the reason written on it, and is not paid.
 * - Four eyes, read as for payments: the maker (staff record or account) never
 *   approves the run (LZ_ECONFLICT). Preparing and approving are done by people.
 * - Approval debits the allocation by the total of the remaining lines with the
 *   conditional UPDATE of allocations, in the approval's transaction (LZ_ECONFLICT
 *   and nothing written when the line cannot cover it), and appends ONE ledger
 *   entry "payroll.approve": run id, count, total and the SHA-256 of the remaining
 *   lines' commitments in line order — no personal data.
 * - No two approved runs of a programme cover the same day.
 * - Money is int64 fen; every row has its bureau; tenancy as in org.
 */
#ifndef LZ_FUNDS_PAYROLL_H
#define LZ_FUNDS_PAYROLL_H

#include "core/ctx.h"

#include <jansson.h>
#include <stdint.h>

typedef enum { LZ_PAYROLL_PREPARED = 1, LZ_PAYROLL_APPROVED } lz_payroll_status;

/*
 * Prepares the run of programme 'programme_id' for the period [period_start,
 * period_end] (YYYY-MM-DD, both included), to be paid from 'allocation_id' (an
 * allocation of the programme's bureau). Writes the run, its lines and its
 * exclusions; sets *out_run_id. LZ_EINVALID naming the field for bad input,
 * LZ_ENOTFOUND out of scope, LZ_ECONFLICT when an approved run of the programme
 * covers a day of the period or the period pays nothing. Requires
 * LZ_PERM_PAYMENT_PREPARE and a person. Audited ("payroll.prepare").
 */
int lz_payroll_prepare(int64_t *out_run_id, lz_ctx *ctx, int64_t programme_id, const char *period_start,
                       const char *period_end, int64_t allocation_id) LZ_MUST_USE;

/*
 * Approves a prepared run as checker (a person other than its maker): re-checks
 * each line, excludes those no longer payable, debits the allocation by what
 * remains and appends "payroll.approve" to the ledger, in one transaction.
 * Requires LZ_PERM_PAYMENT_APPROVE. Audited.
 */
int lz_payroll_approve(lz_ctx *ctx, int64_t run_id) LZ_MUST_USE;

/*
 * The run's summary as JSON (caller owns): ids, period, status, per-line amount,
 * "count" and "total_fen" as prepared, "exclusions" {"count", "by_reason"
 * {kind: n}, "items" [{beneficiary_id, kind, reason}]}, and once approved
 * "approved_count", "approved_fen", "excluded_at_approval", "lines_digest",
 * "ledger_index". Requires LZ_PERM_FUNDS_READ.
 */
int lz_payroll_get_json(json_t **out, lz_ctx *ctx, int64_t run_id) LZ_MUST_USE;

/*
 * A page of the run's lines by id after 'after_id' (0 for the first), at most
 * 'limit' (1…500): a JSON array (caller owns) of {id, beneficiary_id, amount_fen,
 * excluded_reason}; *next_after the cursor of the next page, or 0.
 * Requires LZ_PERM_FUNDS_READ.
 */
int lz_payroll_lines_json(json_t **out, int64_t *next_after, lz_ctx *ctx, int64_t run_id, int64_t after_id,
                          int limit) LZ_MUST_USE;

/*
 * Where a payroll run's money came from (trace.c): {run (as lz_payroll_get_json),
 * programme, chain [the allocation debited, its parent, … as lz_payment_trace_json
 * gives them, up to the root or the actor's scope]}. Requires LZ_PERM_FUNDS_READ.
 */
int lz_payroll_trace_json(json_t **out, lz_ctx *ctx, int64_t run_id) LZ_MUST_USE;

/*
 * A page of payroll runs of a bureau and those below (0 = the whole scope), of one
 * programme or all (0), by id (query.c): {id, bureau_id, programme_id,
 * programme_name, allocation_id, period_start, period_end, amount_fen, status,
 * count, total_fen, excluded_count, approved_count, approved_fen, maker {staff_id,
 * name}, approver, created_at, approved_at}. Requires LZ_PERM_FUNDS_READ.
 */
int lz_payroll_list(json_t **out, int64_t *next_after, lz_ctx *ctx, int64_t bureau_id, int64_t programme_id,
                    int64_t after_id, int limit) LZ_MUST_USE;

#endif
