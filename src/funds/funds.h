/*
 * funds.h — money down the hierarchy and out to resettlement projects: allocations
 * (资金下达), projects and their stages (移民项目, 阶段), on-site inspection and
 * acceptance (实地核查, 验收), and project payments with maker and checker (经办, 复核).
 *
 * Invariants kept here (DESIGN.md 1–4):
 * - Money is int64 fen. Every amount is positive and at most LZ_FEN_MAX; sums are
 *   checked before they are made. JSON amounts must be integers.
 * - An allocation's children and the payments approved against it never exceed its
 *   amount. The debit is a conditional UPDATE in the approval's transaction, and the
 *   store's CHECK constraint repeats the rule, so no concurrency can overdraw a line.
 * - No project payment is approved unless the stage it pays for was accepted on an
 *   on-site inspection (inspector, time, location within the site radius, evidence
 *   files) and two signatures by two different people, neither the project's owner.
 *   Approval re-checks all of it from the stored records, and the total approved for
 *   a stage never exceeds budget × the stage's share × its verified completion.
 * - Four eyes: the maker of a payment never approves it; a person who signed an
 *   acceptance of the project never approves its payments (DESIGN: "whoever approves
 *   a payment never signed that project's acceptance alone" — read as: the approver
 *   must be a third person, independent of the acceptance, so no one person holds
 *   both the acceptance of the work and the release of its money).
 * - Payments are never edited: approval, payment, cancellation and reversal are
 *   events (payment_event rows); the payment row keeps its fields and only follows
 *   the events in its status. Every money event goes to the fund ledger and every
 *   change to the audit log, in the same transaction.
 * - Tenancy as in org: records of bureaus out of the actor's scope read as missing.
 *
 * Signing, inspecting, preparing and approving are done by people: the acting account
 * must be linked to a staff record (the person), and that person is who the rules
 * compare.
 */
#ifndef LZ_FUNDS_FUNDS_H
#define LZ_FUNDS_FUNDS_H

#include "core/ctx.h"

#include <jansson.h>

/* The largest amount luzhi takes in one field: 10^13 fen (100 billion yuan). */
#define LZ_FEN_MAX INT64_C(10000000000000)

/* ---------------------------------------------------------------- allocations */

typedef struct {
	int64_t bureau_id;   /* the bureau that receives the money */
	int64_t parent_id;   /* the allocation it comes from; 0 for money from outside (中央财政) */
	const char *source;  /* ≤ 64 characters, e.g. 中央财政 */
	int64_t year;        /* 2000–2100 */
	const char *purpose; /* ≤ 200 characters */
	int64_t amount_fen;  /* 1 … LZ_FEN_MAX */
} lz_allocation_input;

/* Reads an allocation from JSON (keys as the fields), refusing unknown keys and
 * amounts that are not integers. 'in' borrows strings from 'obj'. */
int lz_allocation_input_from_json(lz_allocation_input *in, json_t *obj) LZ_MUST_USE;

/*
 * Allocates money. With a parent, the receiving bureau is the parent's bureau (a
 * budget line) or one below it, and the amount comes out of the parent's free
 * balance (amount − children − spent) in the same transaction, or LZ_ECONFLICT.
 * Requires LZ_PERM_ALLOCATION_WRITE and both bureaus in scope. Audited; a ledger
 * entry "allocation" in the receiving bureau.
 */
int lz_allocation_create(int64_t *out_id, lz_ctx *ctx, const lz_allocation_input *in) LZ_MUST_USE;

typedef struct {
	int64_t id, bureau_id, parent_id, year;
	int64_t amount_fen, children_fen, spent_fen;
	int64_t free_fen; /* amount − children − spent */
} lz_allocation;

/* Reads an allocation in scope (LZ_ENOTFOUND otherwise). Requires LZ_PERM_FUNDS_READ. */
int lz_allocation_get(lz_allocation *out, lz_ctx *ctx, int64_t id) LZ_MUST_USE;
/* The same as JSON, with source and purpose (caller owns). */
int lz_allocation_get_json(json_t **out, lz_ctx *ctx, int64_t id) LZ_MUST_USE;

/* ---------------------------------------------------------------- projects */

#define LZ_PROJECT_STAGES_MAX 20

typedef struct {
	const char *name;     /* ≤ 64 */
	const char *criteria; /* the acceptance criteria, ≤ 2000 */
	int64_t share_bp;     /* share of the budget in basis points; the stages sum to 10000 */
} lz_stage_input;

typedef struct {
	int64_t bureau_id;
	const char *name;       /* ≤ 128 */
	const char *kind;       /* infrastructure | housing | production_support */
	int64_t site_lat;       /* micro-degrees, −90e6 … 90e6 */
	int64_t site_lon;       /* micro-degrees, −180e6 … 180e6 */
	int64_t site_radius_m;  /* 1 … 50000 */
	int64_t budget_fen;     /* 1 … LZ_FEN_MAX */
	int64_t owner_staff_id; /* a staff member of the project's bureau */
	const char *contractor; /* ≤ 128: the payee of the project's payments */
	int64_t allocation_id;  /* the allocation that funds it, held by the project's bureau */
	size_t nstages;         /* 1 … LZ_PROJECT_STAGES_MAX */
	lz_stage_input stages[LZ_PROJECT_STAGES_MAX];
} lz_project_input;

/* Reads a project from JSON; "stages" is an array of {name, criteria, share_bp}.
 * 'in' borrows strings from 'obj'. */
int lz_project_input_from_json(lz_project_input *in, json_t *obj) LZ_MUST_USE;

/* Creates a project and its stages (numbered 1…n in the given order). Requires
 * LZ_PERM_PROJECT_WRITE. Audited. */
int lz_project_create(int64_t *out_id, lz_ctx *ctx, const lz_project_input *in) LZ_MUST_USE;

/*
 * The project as JSON (caller owns): its fields, its stages (with their ids,
 * materials review, acceptance and payable amount), "payable_fen" (what accepted
 * stages allow in all) and "approved_fen" (approved and paid, net of reversals).
 * Each stage carries its latest inspection ("inspection": inspector, time, place,
 * distance, completion, findings, evidence; null when none) and the signatures on it.
 */
int lz_project_get_json(json_t **out, lz_ctx *ctx, int64_t id) LZ_MUST_USE;

/* The id of stage number 'seq' (1…n) of a project in scope. */
int lz_project_stage_id(int64_t *out, lz_ctx *ctx, int64_t project_id, int seq) LZ_MUST_USE;

/* ---------------------------------------------------------------- acceptance */

#define LZ_EVIDENCE_MAX 20

typedef struct {
	int64_t inspected_at;                  /* when the inspector was there; not in the future */
	int64_t lat, lon;                      /* where, in micro-degrees */
	int64_t completion_pct;                /* the verified completion, 0 … 100 */
	const char *findings;                  /* ≤ 2000, required */
	size_t nevidence;                      /* 1 … LZ_EVIDENCE_MAX */
	const char *evidence[LZ_EVIDENCE_MAX]; /* SHA-256 (hex) of stored files */
} lz_inspection_input;

/* Reads an inspection from JSON: inspected_at in RFC 3339, "evidence" an array of
 * hashes. 'in' borrows strings from 'obj'. */
int lz_inspection_input_from_json(lz_inspection_input *in, json_t *obj) LZ_MUST_USE;

/* Records that the stage's materials were reviewed, with a note (≤ 2000). Requires
 * LZ_PERM_INSPECT and a person. Audited. */
int lz_stage_review_materials(lz_ctx *ctx, int64_t stage_id, const char *note) LZ_MUST_USE;

/*
 * Records an on-site inspection of a stage by the acting person. The location must
 * lie within the site's radius and every evidence hash must be a stored file of the
 * bureau (LZ_ECONFLICT otherwise). A stage already accepted takes no more
 * inspections. A new inspection supersedes the earlier ones: signatures count only
 * on the latest. Requires LZ_PERM_INSPECT. Audited.
 */
int lz_inspection_record(int64_t *out_id, lz_ctx *ctx, int64_t stage_id,
                         const lz_inspection_input *in) LZ_MUST_USE;

/*
 * Signs the acceptance of a stage as the acting person, on its latest inspection.
 * LZ_ECONFLICT when the materials were not reviewed, when no on-site inspection is
 * recorded, when the person is the project's owner, has signed already, or the stage
 * is accepted. The second signature accepts the stage (*out_accepted, may be NULL):
 * its verified completion is the inspection's, and a ledger entry "acceptance" is
 * appended. Requires LZ_PERM_ACCEPT_SIGN. Audited.
 */
int lz_acceptance_sign(bool *out_accepted, lz_ctx *ctx, int64_t stage_id) LZ_MUST_USE;

/* The great-circle distance in whole metres (rounded up) between two points given
 * in micro-degrees. Geometry only: never used for money. */
int64_t lz_geo_distance_m(int64_t lat1, int64_t lon1, int64_t lat2, int64_t lon2);

/* ---------------------------------------------------------------- payments */

typedef enum {
	LZ_PAYMENT_PREPARED = 1,
	LZ_PAYMENT_APPROVED,
	LZ_PAYMENT_PAID,
	LZ_PAYMENT_CANCELLED,
	LZ_PAYMENT_REVERSED,
} lz_payment_status;

const char *lz_payment_status_name(lz_payment_status s);

typedef struct {
	int64_t project_id;
	int64_t stage_id;            /* an accepted stage of the project */
	int64_t allocation_id;       /* the line debited: the project's allocation or one below it */
	int64_t amount_fen;          /* 1 … LZ_FEN_MAX */
	const char *payee;           /* optional; when given it must be the project's contractor */
	const char *idempotency_key; /* 8 … 128 printable ASCII; the shells take it from Idempotency-Key */
} lz_payment_input;

/* Reads project_id, stage_id, allocation_id, amount_fen and payee from JSON (not the
 * idempotency key, which comes with the request). */
int lz_payment_input_from_json(lz_payment_input *in, json_t *obj) LZ_MUST_USE;

/*
 * Prepares a payment as maker. The same idempotency key with the same body gives
 * back the same payment (nothing written) and sets *out_replayed (may be NULL); with
 * a different body, LZ_ECONFLICT. The stage must be accepted. Requires
 * LZ_PERM_PAYMENT_PREPARE and a person. Audited.
 */
int lz_payment_prepare(int64_t *out_id, bool *out_replayed, lz_ctx *ctx, const lz_payment_input *in) LZ_MUST_USE;

/*
 * Approves a prepared payment as checker: a person other than the maker and other
 * than anyone who signed an acceptance of the project. In one transaction it
 * re-checks the acceptance gate from the records, checks that the approved totals of
 * the stage and of the project stay within what their accepted stages make payable
 * (budget × share × verified completion), debits the allocation (LZ_ECONFLICT when
 * its free balance is short), and appends "payment.approve" to the ledger.
 * Requires LZ_PERM_PAYMENT_APPROVE. Audited.
 */
int lz_payment_approve(lz_ctx *ctx, int64_t id) LZ_MUST_USE;

/* Records that an approved payment was paid, with the bank's reference (≤ 64).
 * Requires LZ_PERM_PAYMENT_SETTLE. Ledger "payment.pay". Audited. */
int lz_payment_mark_paid(lz_ctx *ctx, int64_t id, const char *reference) LZ_MUST_USE;
/* Cancels a payment not yet paid, with a reason (≤ 500); an approved one gives its
 * amount back to the allocation. Requires LZ_PERM_PAYMENT_SETTLE. Ledger
 * "payment.cancel" (with "released_fen"). Audited. */
int lz_payment_cancel(lz_ctx *ctx, int64_t id, const char *reason) LZ_MUST_USE;
/* Reverses a paid payment (the money came back), with a reason; the amount returns
 * to the allocation. Requires LZ_PERM_PAYMENT_SETTLE. Ledger "payment.reverse".
 * Audited. */
int lz_payment_reverse(lz_ctx *ctx, int64_t id, const char *reason) LZ_MUST_USE;

/* The payment as JSON with its events (caller owns). Requires LZ_PERM_FUNDS_READ. */
int lz_payment_get_json(json_t **out, lz_ctx *ctx, int64_t id) LZ_MUST_USE;

/* ---------------------------------------------------------------- lists (query.c) */

/*
 * Filters and page of a funds list. Each list reads the filters it knows and
 * ignores the others. Lists are scoped like reads: only records of bureaus in the
 * actor's scope, and a bureau_id out of scope is LZ_ENOTFOUND naming "bureau_id".
 */
typedef struct {
	int64_t bureau_id;    /* that bureau and those below; 0 = the whole scope */
	int64_t year;         /* allocations: 0 = any */
	int64_t parent_id;    /* allocations: 0 = any */
	const char *kind;     /* projects: infrastructure | housing | production_support; NULL = any */
	const char *q;        /* projects: a substring of the name (≤ 64 characters) */
	int64_t project_id;   /* payments: 0 = any */
	const char *status;   /* payments: prepared | approved | paid | cancelled | reversed */
	int64_t programme_id; /* payroll runs: 0 = any */
	int64_t after_id;     /* the cursor: records with a larger id */
	int limit;            /* 1 … 200 */
} lz_funds_query;

/* clang-format off */
#define LZ_FUNDS_QUERY_INIT {0, 0, 0, NULL, NULL, 0, NULL, 0, 0, 50}
/* clang-format on */

/*
 * A page of allocations by id: *out a JSON array (caller owns) of the objects of
 * lz_allocation_get_json with bureau_name and bureau_code; *next_after the cursor
 * of the next page or 0. Requires LZ_PERM_FUNDS_READ.
 */
int lz_allocation_list(json_t **out, int64_t *next_after, lz_ctx *ctx, const lz_funds_query *q) LZ_MUST_USE;

/*
 * A page of projects by id: {id, bureau_id, bureau_name, name, kind, budget_fen,
 * payable_fen, approved_fen, stages, accepted, owner_staff_id, owner_name,
 * contractor, allocation_id, created_at}. Requires LZ_PERM_FUNDS_READ.
 */
int lz_project_list(json_t **out, int64_t *next_after, lz_ctx *ctx, const lz_funds_query *q) LZ_MUST_USE;

/*
 * A page of project payments by id: {id, bureau_id, project_id, project_name,
 * stage_id, stage_seq, stage_name, allocation_id, amount_fen, payee, status,
 * maker {staff_id, name}, approver {staff_id, name} | null, created_at,
 * reference | null}. Requires LZ_PERM_FUNDS_READ.
 */
int lz_payment_list(json_t **out, int64_t *next_after, lz_ctx *ctx, const lz_funds_query *q) LZ_MUST_USE;

/* ---------------------------------------------------------------- traceability (trace.c) */

#define LZ_TRACE_NODES_MAX 2000 /* allocations, projects and runs in one allocation trace */
#define LZ_TRACE_DEPTH_MAX 16   /* levels of allocations below the traced one */

/*
 * Where a payment's money came from and why it could be paid, as JSON (caller
 * owns): {payment, project, stage, acceptance: {inspection: {id, inspector
 * {staff_id, name}, inspected_at, lat, lon, distance_m, completion_pct, findings,
 * evidence [sha256…]} | null, signatures [{staff_id, name, signed_at}]}, chain:
 * [the allocation paid from, its parent, … up to the root, each {id, bureau_id,
 * bureau_name, bureau_code, source, year, purpose, amount_fen}]}. The chain stops
 * at the actor's scope: an allocation of a bureau above it is not shown, and the
 * last shown then has "from_above": true. Requires LZ_PERM_FUNDS_READ.
 */
int lz_payment_trace_json(json_t **out, lz_ctx *ctx, int64_t payment_id) LZ_MUST_USE;

/*
 * Where every fen of an allocation went, recomputed from the rows (caller owns):
 * {allocation, totals {amount_fen, children_fen, spent_fen, free_fen}, children
 * [the same shape, recursively, each with its own totals and "conserved"],
 * payments [approved or paid project payments against it], payroll_runs [approved
 * runs debited to it], conserved, mismatches [{allocation_id, field, cached,
 * actual}], sankey {nodes [{name, kind, id}], links [{source, target, value}]},
 * truncated}.
 *
 * children_fen is the sum of the child allocations' amounts and spent_fen the sum
 * of the approved, not cancelled or reversed, payments and approved payroll runs,
 * both read from those rows; the cached columns of each allocation are compared
 * with them, and an allocation is conserved when they agree and its free balance
 * (amount − children − spent) is not negative. The Sankey chart (ECharts' format,
 * values in fen) links each allocation to its children, its projects, its payroll
 * runs and, for a free balance, to the sink "未使用/unspent". At most
 * LZ_TRACE_NODES_MAX nodes and LZ_TRACE_DEPTH_MAX levels are expanded; beyond that
 * "truncated" is true (the totals of every shown allocation stay exact).
 * Requires LZ_PERM_FUNDS_READ.
 */
int lz_allocation_trace_json(json_t **out, lz_ctx *ctx, int64_t allocation_id) LZ_MUST_USE;

#endif
