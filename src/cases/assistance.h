/*
 * assistance.h — case assistance (协调请求): the ombudsman (监督专员), independent of
 * the bureaus, unsticks cases that are past their target, and finds the causes
 * that keep recurring.
 *
 * Rules and the readings chosen:
 * - The public asks, with the case's receipt number and check code (a wrong pair is
 *   the lookup's LZ_ENOTFOUND). A case still within its target, or already decided,
 *   is refused (LZ_ECONFLICT) with the reason: how much time remains and when it
 *   falls due, or that it is decided. One open request per case.
 * - The ombudsman sees requests on cases of its bureau and the bureaus below (the
 *   bureaus it oversees); others read as missing.
 * - States: received → bureau_asked (the action asked of the bureau, with a
 *   deadline in the future) → concluded (outcome resolved | not_resolved, a note,
 *   and optionally a cause key). A request may be concluded straight from received.
 * - Cause keys are short codes ("missing_form_guidance", 2–64 of a-z 0-9 _ . -).
 *   When a concluding ombudsman records a cause that now appears on
 *   LZ_SYSTEMIC_MIN_REQUESTS or more concluded requests within its bureau's scope,
 *   the cause becomes a systemic issue of that bureau (one row per bureau and cause,
 *   its count kept up to date).
 *
 * The seam to supervision (the rectification loop, a later module):
 * - lz_assistance_systemic_issues lists the issues (open or handed over);
 * - lz_assistance_handoff hands an open issue over: it writes one
 *   supervision_handoff row (source_kind "systemic_issue", source_id the issue,
 *   status "handed_to_supervision", a summary, who and when) and marks the issue
 *   handed, in one transaction, audited;
 * - lz_assistance_handoffs lists handoff rows by status. The rectification module
 *   consumes rows whose status is "handed_to_supervision": it sets its own status
 *   and consumed_at on the row (and only it writes them). Nothing here depends on
 *   that module.
 */
#ifndef LZ_CASES_ASSISTANCE_H
#define LZ_CASES_ASSISTANCE_H

#include "core/ctx.h"

#include <jansson.h>

#define LZ_SYSTEMIC_MIN_REQUESTS 2
#define LZ_ASSISTANCE_TEXT_MAX 2000

/* The public asks for assistance on its case (LZ_PERM_ASSISTANCE_ASK). Audited. */
int lz_assistance_ask(int64_t *out_id, lz_ctx *ctx, const char *receipt_no, const char *check_code,
                      const char *reason) LZ_MUST_USE;

/* received → bureau_asked: 'action' (required, ≤ 2000) to be done by 'deadline'
 * (after now). A person with LZ_PERM_ASSISTANCE_HANDLE. Audited. */
int lz_assistance_ask_bureau(lz_ctx *ctx, int64_t id, const char *action, int64_t deadline) LZ_MUST_USE;

/* received or bureau_asked → concluded ("resolved" | "not_resolved"), with a note
 * (required) and a cause key (optional). May mark a systemic issue (above). */
int lz_assistance_conclude(lz_ctx *ctx, int64_t id, const char *outcome, const char *note,
                           const char *cause_key) LZ_MUST_USE;

/* One request in scope as JSON, with its case's receipt, state and clock. */
int lz_assistance_get_json(json_t **out, lz_ctx *ctx, int64_t id) LZ_MUST_USE;

/* Requests in scope as a queue: the open ones first — those waiting on their bureau
 * by the deadline it was given, those not yet asked by the time received — then the
 * concluded ones: {"items":[…],"next_cursor":"…"|null}; 'cursor' NULL = the first
 * page. 'state' NULL = any. Requires LZ_PERM_ASSISTANCE_HANDLE. */
int lz_assistance_list(json_t **out, lz_ctx *ctx, const char *state, const char *cursor,
                       int limit) LZ_MUST_USE;

/* Systemic issues of the bureaus in scope; 'status' "open", "handed_to_supervision"
 * or NULL (any). Each with its cause, request count, first and last time. */
int lz_assistance_systemic_issues(json_t **out, lz_ctx *ctx, const char *status) LZ_MUST_USE;

/* Hands an open systemic issue in scope to supervision ('summary' required, ≤ 2000).
 * *out_id (may be NULL) receives the handoff row's id. LZ_ECONFLICT when handed already. */
int lz_assistance_handoff(int64_t *out_id, lz_ctx *ctx, int64_t issue_id, const char *summary) LZ_MUST_USE;

/* Handoff rows of the bureaus in scope with 'status' (NULL = any), by id. */
int lz_assistance_handoffs(json_t **out, lz_ctx *ctx, const char *status) LZ_MUST_USE;

#endif
