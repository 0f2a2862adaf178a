/*
 * funds_int.h — what the files of the funds module share: the write-transaction
 * bracket, field checks, who the acting person is, the fund ledger call, and the
 * allocation debit that payments make. The shared helpers live in allocation.c.
 */
#ifndef LZ_FUNDS_INT_H
#define LZ_FUNDS_INT_H

#include "funds/funds.h"

#define LZ_FUNDS_NAME_MAX 128
#define LZ_FUNDS_TEXT_MAX 2000

/* Checks an amount: 1 … LZ_FEN_MAX. LZ_EINVALID naming 'field'. */
int lz_funds__check_amount(const char *field, int64_t fen) LZ_MUST_USE;

/*
 * The person acting: the staff record the acting account is linked to. The system
 * actor and accounts without a staff record are LZ_EFORBIDDEN, naming 'what' ("sign
 * acceptance"): rules that compare people need one. Must run inside a transaction.
 */
int lz_funds__person(int64_t *out_staff_id, lz_ctx *ctx, const char *what) LZ_MUST_USE;

/* The materialised path of bureau 'id' into out (LZ_ENOTFOUND naming 'field'). */
int lz_funds__bureau_path(char out[128], lz_conn *conn, int64_t id, const char *field) LZ_MUST_USE;

/* LZ_ENOTFOUND for a record of kind 'what' ("payment"), naming 'field' (may be NULL). */
int lz_funds__not_found(const char *field, const char *what, int64_t id);

/*
 * Appends a money event to the bureau's fund ledger, inside the caller's
 * transaction. Takes ownership of 'data', which holds ids and amounts only.
 * *out_index (may be NULL) receives the entry's index.
 */
int lz_funds__ledger(int64_t *out_index, lz_ctx *ctx, int64_t bureau_id, const char *type,
                     json_t *data) LZ_MUST_USE;

/*
 * Moves 'fen' into (debit) or out of (credit) the spent total of allocation 'id'
 * with one conditional UPDATE, so that two transactions can never both take the
 * last of a balance: a debit needs that much free balance, a credit that much spent.
 * LZ_ECONFLICT naming allocation_id otherwise.
 */
int lz_funds__allocation_debit(lz_conn *conn, int64_t id, int64_t fen) LZ_MUST_USE;
int lz_funds__allocation_credit(lz_conn *conn, int64_t id, int64_t fen) LZ_MUST_USE;

/* A stored allocation, whatever the scope (the caller checks it). */
typedef struct {
	lz_allocation a;
	char path[128]; /* of its bureau */
} lz_funds_allocation_row;

int lz_funds__allocation_load(lz_funds_allocation_row *out, lz_conn *conn, int64_t id,
                              const char *field) LZ_MUST_USE;

/* True when allocation 'id' is 'ancestor' or lies below it. */
int lz_funds__allocation_descends(bool *out, lz_conn *conn, int64_t id, int64_t ancestor) LZ_MUST_USE;

/* A stored project with its bureau's path. */
typedef struct {
	int64_t id, bureau_id, kind, site_lat, site_lon, site_radius_m, budget_fen;
	int64_t owner_staff_id, allocation_id;
	char contractor[512];
	char path[128];
} lz_funds_project_row;

/* Reads project 'id' when it is in the actor's scope (LZ_ENOTFOUND otherwise). */
int lz_funds__project_load(lz_funds_project_row *out, lz_ctx *ctx, lz_conn *conn, int64_t id,
                           const char *field) LZ_MUST_USE;

/* A stored stage. accepted_inspection_id is 0 while the stage is not accepted. */
typedef struct {
	int64_t id, bureau_id, project_id, seq, share_bp;
	int64_t materials_at, accepted_inspection_id, verified_pct, accepted_at;
} lz_funds_stage_row;

int lz_funds__stage_load(lz_funds_stage_row *out, lz_conn *conn, int64_t id, const char *field) LZ_MUST_USE;

/*
 * The acceptance gate of one stage, recomputed from the stored records: the stage's
 * accepted inspection exists, lies within the site's radius, has evidence, and
 * carries two signatures by two different people, neither the owner. *out_payable
 * is budget × share × verified completion, rounded down. LZ_ECONFLICT saying which
 * part is missing otherwise.
 */
int lz_funds__stage_gate(int64_t *out_payable, lz_conn *conn, const lz_funds_project_row *p,
                         const lz_funds_stage_row *st) LZ_MUST_USE;

/* budget × share_bp × pct / 1 000 000, rounded down, without overflow. */
int64_t lz_funds__stage_payable(int64_t budget_fen, int64_t share_bp, int64_t pct);

#endif
