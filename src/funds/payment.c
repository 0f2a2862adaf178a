/*
 * payment.c — project payments (资金拨付) with maker and checker (经办, 复核).
 *
 *   prepared ──approve──▶ approved ──pay──▶ paid ──reverse──▶ reversed
 *       └──────cancel──────────┴──cancel──▶ cancelled
 *
 * Invariants kept here:
 * - Four eyes (DESIGN invariant 3): the maker never approves; nor does anyone who
 *   signed an acceptance of the project (see funds.h for that reading).
 * - Approval re-checks the acceptance gate from the records (invariant 2) and keeps
 *   the approved total of the stage, and of the project, within what accepted stages
 *   make payable; it debits the allocation in the same transaction with a
 *   conditional UPDATE (invariant 4).
 * - Payments are never edited: each step is a payment_event row (one per kind), the
 *   payment's status moves only by a conditional UPDATE from the status the step
 *   expects, and a cancel or reversal gives the amount back to the allocation.
 * - Creation is idempotent by key: the same key and body answer the same payment;
 *   the same key with another body is refused.
 * - Every money event goes to the fund ledger (ids and amounts only) and every step
 *   to the audit log, in the step's transaction.
 */
#include "funds/funds_int.h"

#include "audit/audit.h"
#include "auth/auth.h"
#include "base/buf.h"
#include "base/crypto.h"
#include "base/json.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	Q_PAYMENT_GET,
	Q_PAYMENT_BY_KEY,
	Q_PAYMENT_INSERT,
	Q_PAYMENT_MOVE,
	Q_EVENT_INSERT,
	Q_EVENT_LIST,
	Q_STAGE_APPROVED,
	Q_PROJECT_APPROVED,
	Q_PROJECT_STAGES,
	Q_SIGNED_PROJECT,
};

#define PAYMENT_COLS                                                                                         \
	"p.id, p.bureau_id, p.project_id, p.stage_id, p.allocation_id, p.amount_fen, p.status, "             \
	"p.maker_staff_id, p.maker_user_id, p.payee, p.idempotency_key, p.created_at, b.path, "              \
	"p.body_digest "

static const char *const sql[] = {
    [Q_PAYMENT_GET] =
        "SELECT " PAYMENT_COLS "FROM payment p JOIN bureau b ON b.id = p.bureau_id WHERE p.id = ?",
    [Q_PAYMENT_BY_KEY] = "SELECT id FROM payment WHERE bureau_id = ? AND idempotency_key = ?",
    [Q_PAYMENT_INSERT] =
        "INSERT INTO payment(bureau_id, project_id, stage_id, allocation_id, payee, amount_fen, "
        "idempotency_key, body_digest, status, maker_staff_id, maker_user_id, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?) RETURNING id",
    [Q_PAYMENT_MOVE] = "UPDATE payment SET status = ? WHERE id = ? AND status = ? RETURNING id",
    [Q_EVENT_INSERT] =
        "INSERT INTO payment_event(bureau_id, payment_id, kind, staff_id, user_id, at, detail, "
        "ledger_index) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    [Q_EVENT_LIST] = "SELECT kind, staff_id, user_id, at, detail, ledger_index FROM payment_event "
                     "WHERE payment_id = ? ORDER BY id",
    /* project_id first, so that the index payment_project serves it: by stage_id
     * alone every payment of the store is read. */
    [Q_STAGE_APPROVED] = "SELECT COALESCE(SUM(amount_fen), 0) FROM payment WHERE project_id = ? AND "
                         "stage_id = ? AND status IN (2, 3)",
    [Q_PROJECT_APPROVED] = "SELECT COALESCE(SUM(amount_fen), 0) FROM payment WHERE project_id = ? "
                           "AND status IN (2, 3)",
    [Q_PROJECT_STAGES] = "SELECT id FROM project_stage WHERE project_id = ? ORDER BY seq",
    [Q_SIGNED_PROJECT] = "SELECT COUNT(*) FROM acceptance_signature WHERE project_id = ? AND staff_id = ?",
};

enum {
	C_ID,
	C_BUREAU_ID,
	C_PROJECT_ID,
	C_STAGE_ID,
	C_ALLOCATION_ID,
	C_AMOUNT,
	C_STATUS,
	C_MAKER_STAFF,
	C_MAKER_USER,
	C_PAYEE,
	C_KEY,
	C_CREATED_AT,
	C_PATH,
	C_DIGEST
};

#define KEY_MIN 8
#define KEY_MAX 128
#define REFERENCE_MAX 64
#define REASON_MAX 500

static const char *const status_names[] = {
    [LZ_PAYMENT_PREPARED] = "prepared",   [LZ_PAYMENT_APPROVED] = "approved", [LZ_PAYMENT_PAID] = "paid",
    [LZ_PAYMENT_CANCELLED] = "cancelled", [LZ_PAYMENT_REVERSED] = "reversed",
};

/* The events, by kind: kind 1 prepares, and kind k > 1 leads to status k. */
static const char *const event_names[] = {
    [1] = "prepare", [2] = "approve", [3] = "pay", [4] = "cancel", [5] = "reverse",
};

const char *lz_payment_status_name(lz_payment_status s)
{
	return s >= LZ_PAYMENT_PREPARED && s <= LZ_PAYMENT_REVERSED ? status_names[s] : "unknown";
}

typedef struct {
	int64_t id, bureau_id, project_id, stage_id, allocation_id, amount_fen, status;
	int64_t maker_staff_id, maker_user_id, created_at;
	char payee[512];
	char key[KEY_MAX + 1];
	char digest[65];
	char path[128];
} payment_row;

/* ---------------------------------------------------------------- loading */

/* Reads payment 'id' when it is in the actor's scope (LZ_ENOTFOUND otherwise). */
static int payment_load(payment_row *out, lz_ctx *ctx, lz_conn *conn, int64_t id)
{
	lz_stmt *s;
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = lz_stmt_prepare(&s, conn, sql[Q_PAYMENT_GET])) < 0)
		return error;
	if ((error = lz_stmt_bindv(s, "i", id)) == 0 && (error = lz_stmt_step(s)) == LZ_ROW) {
		out->id = lz_stmt_int(s, C_ID);
		out->bureau_id = lz_stmt_int(s, C_BUREAU_ID);
		out->project_id = lz_stmt_int(s, C_PROJECT_ID);
		out->stage_id = lz_stmt_int(s, C_STAGE_ID);
		out->allocation_id = lz_stmt_int(s, C_ALLOCATION_ID);
		out->amount_fen = lz_stmt_int(s, C_AMOUNT);
		out->status = lz_stmt_int(s, C_STATUS);
		out->maker_staff_id = lz_stmt_int(s, C_MAKER_STAFF);
		out->maker_user_id = lz_stmt_int(s, C_MAKER_USER);
		out->created_at = lz_stmt_int(s, C_CREATED_AT);
		snprintf(out->payee, sizeof(out->payee), "%s", lz_stmt_text(s, C_PAYEE));
		snprintf(out->key, sizeof(out->key), "%s", lz_stmt_text(s, C_KEY));
		snprintf(out->path, sizeof(out->path), "%s", lz_stmt_text(s, C_PATH));
		snprintf(out->digest, sizeof(out->digest), "%s", lz_stmt_text(s, C_DIGEST));
		error = lz_org_in_scope(ctx, out->path) ? 0 : lz_funds__not_found(NULL, "payment", id);
	} else if (error == LZ_DONE) {
		error = lz_funds__not_found(NULL, "payment", id);
	}
	lz_stmt_finish(s);
	return error;
}

static json_t *payment_json(const payment_row *p)
{
	return json_pack("{sI sI sI sI sI ss sI ss ss sI sI so}", "id", (json_int_t)p->id, "bureau_id",
	                 (json_int_t)p->bureau_id, "project_id", (json_int_t)p->project_id, "stage_id",
	                 (json_int_t)p->stage_id, "allocation_id", (json_int_t)p->allocation_id, "payee",
	                 p->payee, "amount_fen", (json_int_t)p->amount_fen, "status",
	                 lz_payment_status_name((int)p->status), "idempotency_key", p->key, "maker_staff_id",
	                 (json_int_t)p->maker_staff_id, "maker_user_id", (json_int_t)p->maker_user_id,
	                 "created_at", lz_json_time(p->created_at));
}

/* The payment's JSON with its events. */
static int payment_fetch(json_t **out, lz_conn *conn, const payment_row *p)
{
	lz_stmt *s = NULL;
	json_t *o, *events;
	int error, rc;

	*out = NULL;
	o = payment_json(p);
	events = json_array();
	json_object_set_new(o, "events", events);
	if ((error = lz_stmt_prepare(&s, conn, sql[Q_EVENT_LIST])) < 0 ||
	    (error = lz_stmt_bindv(s, "i", p->id)) < 0)
		goto done;
	while ((rc = lz_stmt_step(s)) == LZ_ROW) {
		int64_t kind = lz_stmt_int(s, 0);
		json_array_append_new(
		    events,
		    json_pack("{ss sI sI so ss so}", "kind",
		              kind >= 1 && kind <= 5 ? event_names[kind] : "unknown", "staff_id",
		              (json_int_t)lz_stmt_int(s, 1), "user_id", (json_int_t)lz_stmt_int(s, 2), "at",
		              lz_json_time(lz_stmt_int(s, 3)), "detail", lz_stmt_text(s, 4), "ledger_index",
		              lz_stmt_is_null(s, 5) ? json_null() : json_integer(lz_stmt_int(s, 5))));
	}
	error = rc < 0 ? rc : 0;
done:
	lz_stmt_finish(s);
	if (error == 0) {
		*out = o;
		o = NULL;
	}
	json_decref(o);
	return error;
}

/* ---------------------------------------------------------------- input */

int lz_payment_input_from_json(lz_payment_input *in, json_t *obj)
{
	static const char *const known[] = {"project_id", "stage_id", "allocation_id",
	                                    "amount_fen", "payee",    NULL};
	int error;

	memset(in, 0, sizeof(*in));
	if ((error = lz_json_only(obj, known)) < 0 ||
	    (error = lz_json_int(&in->project_id, NULL, obj, "project_id", true)) < 0 ||
	    (error = lz_json_int(&in->stage_id, NULL, obj, "stage_id", true)) < 0 ||
	    (error = lz_json_int(&in->allocation_id, NULL, obj, "allocation_id", true)) < 0 ||
	    (error = lz_json_int(&in->amount_fen, NULL, obj, "amount_fen", true)) < 0 ||
	    (error = lz_json_str(&in->payee, obj, "payee", false, LZ_FUNDS_NAME_MAX)) < 0)
		return error;
	return 0;
}

static int check_key(const char *key)
{
	size_t n = key ? strlen(key) : 0;

	if (n < KEY_MIN || n > KEY_MAX)
		return lz_error_set(LZ_EINVALID, "idempotency_key",
		                    "an idempotency key of %d to %d characters is required", KEY_MIN,
		                    KEY_MAX);
	for (size_t i = 0; i < n; i++)
		if (key[i] < 0x21 || key[i] > 0x7e)
			return lz_error_set(LZ_EINVALID, "idempotency_key",
			                    "the idempotency key must be printable ASCII");
	return 0;
}

/* SHA-256 (hex) of the request's body as canonical JSON: what a retry must repeat. */
static void body_digest(char out[65], const lz_payment_input *in)
{
	uint8_t h[LZ_SHA256_LEN];
	json_t *o =
	    json_pack("{sI sI sI sI so}", "project_id", (json_int_t)in->project_id, "stage_id",
	              (json_int_t)in->stage_id, "allocation_id", (json_int_t)in->allocation_id, "amount_fen",
	              (json_int_t)in->amount_fen, "payee", lz_json_str_or_null(in->payee));
	char *bytes = lz_audit_canonical(o);

	lz_sha256(h, bytes, strlen(bytes));
	lz_hex(out, h, sizeof(h));
	free(bytes);
	json_decref(o);
}

/* ---------------------------------------------------------------- the gate */

/*
 * What stage 'st' and the whole project may still have approved: the payable
 * amounts of the stages that pass the acceptance gate, less what is approved
 * already. The gate of 'st' itself must pass (its refusal is returned as is).
 */
static int room(int64_t *stage_room, int64_t *project_room, lz_conn *conn, const lz_funds_project_row *p,
                const lz_funds_stage_row *st)
{
	lz_stmt *s = NULL;
	int64_t payable = 0, stage_payable = 0, stage_approved = 0, project_approved = 0,
	        ids[LZ_PROJECT_STAGES_MAX];
	int error, rc, n = 0;

	if ((error = lz_funds__stage_gate(&stage_payable, conn, p, st)) < 0)
		return error;
	if ((error = lz_stmt_prepare(&s, conn, sql[Q_PROJECT_STAGES])) < 0)
		return error;
	if ((error = lz_stmt_bindv(s, "i", p->id)) == 0) {
		while ((rc = lz_stmt_step(s)) == LZ_ROW && n < LZ_PROJECT_STAGES_MAX)
			ids[n++] = lz_stmt_int(s, 0);
		error = rc < 0 ? rc : 0;
	}
	lz_stmt_finish(s);
	if (error < 0)
		return error;
	for (int i = 0; i < n; i++) {
		lz_funds_stage_row other;
		int64_t v = 0;
		if ((error = lz_funds__stage_load(&other, conn, ids[i], NULL)) < 0)
			return error;
		/* A stage that does not pass the gate makes nothing payable. */
		if (other.accepted_inspection_id) {
			error = lz_funds__stage_gate(&v, conn, p, &other);
			if (error == LZ_ECONFLICT) {
				v = 0;
				lz_error_clear();
			} else if (error < 0) {
				return error;
			}
		}
		payable += v; /* each ≤ budget × share: the sum ≤ budget */
	}
	if ((error = lz_exec_int(&stage_approved, conn, sql[Q_STAGE_APPROVED], true, "ii", p->id, st->id)) < 0 ||
	    (error = lz_exec_int(&project_approved, conn, sql[Q_PROJECT_APPROVED], true, "i", p->id)) < 0)
		return error;
	*stage_room = stage_payable - stage_approved;
	*project_room = payable - project_approved;
	return 0;
}

static int check_room(lz_conn *conn, const lz_funds_project_row *p, const lz_funds_stage_row *st,
                      int64_t amount)
{
	int64_t stage_room = 0, project_room = 0;
	int error;

	if ((error = room(&stage_room, &project_room, conn, p, st)) < 0)
		return error;
	if (amount > stage_room)
		return lz_error_set(
		    LZ_ECONFLICT, "amount_fen",
		    "stage %lld may have %lld fen more approved (budget × share × verified completion, "
		    "less what is approved), not %lld",
		    (long long)st->seq, (long long)(stage_room > 0 ? stage_room : 0), (long long)amount);
	if (amount > project_room)
		return lz_error_set(
		    LZ_ECONFLICT, "amount_fen",
		    "the project may have %lld fen more approved (its accepted, verified work), not %lld",
		    (long long)(project_room > 0 ? project_room : 0), (long long)amount);
	return 0;
}

/* ---------------------------------------------------------------- prepare */

int lz_payment_prepare(int64_t *out_id, bool *out_replayed, lz_ctx *ctx, const lz_payment_input *in)
{
	lz_write tx = LZ_WRITE_INIT;
	lz_funds_project_row p;
	lz_funds_stage_row st;
	lz_funds_allocation_row alloc;
	payment_row row;
	json_t *after = NULL;
	char digest[65];
	int64_t person, id = 0, existing = 0, now = lz_ctx_now(ctx);
	bool funds;
	int error;

	if (out_id)
		*out_id = 0;
	if (out_replayed)
		*out_replayed = false;
	if ((error = lz_auth_require(ctx, LZ_PERM_PAYMENT_PREPARE)) < 0 ||
	    (error = check_key(in->idempotency_key)) < 0 ||
	    (error = lz_funds__check_amount("amount_fen", in->amount_fen)) < 0 ||
	    (error = lz_text_check("payee", in->payee, false, LZ_FUNDS_NAME_MAX, 0)) < 0)
		goto done;
	body_digest(digest, in);
	if ((error = lz_write_begin(&tx, ctx)) < 0 ||
	    (error = lz_funds__person(&person, ctx, "prepare a payment")) < 0 ||
	    (error = lz_funds__project_load(&p, ctx, ctx->conn, in->project_id, "project_id")) < 0)
		goto done;

	/* A retry: the same key answers the same payment, when the body is the same. */
	if ((error = lz_exec_int(&existing, ctx->conn, sql[Q_PAYMENT_BY_KEY], false, "it", p.bureau_id,
	                         in->idempotency_key)) < 0)
		goto done;
	if (existing) {
		if ((error = payment_load(&row, ctx, ctx->conn, existing)) < 0)
			goto done;
		if (strcmp(row.digest, digest) != 0) {
			error = lz_error_set(LZ_ECONFLICT, "idempotency_key",
			                     "this idempotency key was used for a different payment");
			goto done;
		}
		id = existing;
		if (out_replayed)
			*out_replayed = true;
		goto done;
	}

	if ((error = lz_funds__stage_load(&st, ctx->conn, in->stage_id, "stage_id")) < 0)
		goto done;
	if (st.project_id != p.id) {
		error = lz_error_set(LZ_EINVALID, "stage_id", "stage %lld is not a stage of project %lld",
		                     (long long)in->stage_id, (long long)p.id);
		goto done;
	}
	if (in->payee && strcmp(in->payee, p.contractor) != 0) {
		error = lz_error_set(LZ_EINVALID, "payee", "a project's payments go to its contractor");
		goto done;
	}
	if ((error = lz_funds__allocation_load(&alloc, ctx->conn, in->allocation_id, "allocation_id")) < 0 ||
	    (error = lz_funds__allocation_descends(&funds, ctx->conn, in->allocation_id, p.allocation_id)) <
	        0)
		goto done;
	if (!funds || alloc.a.bureau_id != p.bureau_id) {
		error = lz_error_set(
		    LZ_EINVALID, "allocation_id",
		    "the allocation must be the project's or a budget line of it, in the project's bureau");
		goto done;
	}
	if ((error = check_room(ctx->conn, &p, &st, in->amount_fen)) < 0)
		goto done;

	if ((error = lz_exec_int(&id, ctx->conn, sql[Q_PAYMENT_INSERT], true, "iiiitittiii", p.bureau_id,
	                         p.id, st.id, in->allocation_id, p.contractor, in->amount_fen,
	                         in->idempotency_key, digest, person, ctx->actor.user_id, now)) < 0 ||
	    (error = lz_exec_int(NULL, ctx->conn, sql[Q_EVENT_INSERT], true, "iiiiiitn", p.bureau_id, id,
	                         (int64_t)1, person, ctx->actor.user_id, now, "")) < 0 ||
	    (error = payment_load(&row, ctx, ctx->conn, id)) < 0)
		goto done;
	after = payment_json(&row);
	error = lz_audit_append(ctx, "payment.prepare", "payment", id, p.bureau_id, NULL, after);
done:
	error = lz_write_end(&tx, ctx, error);
	if (error == 0 && out_id)
		*out_id = id;
	json_decref(after);
	return error;
}

/* ---------------------------------------------------------------- the steps */

/*
 * One step of a payment after its preparation: moves its status from 'from' (or
 * 'from2', when not 0) to 'to' by a conditional UPDATE, records the event with its
 * ledger entry, and audits it. 'ledger_data' is owned and consumed.
 */
static int step(lz_ctx *ctx, const payment_row *p, int64_t person, int64_t from, int64_t to, const char *type,
                const char *detail, json_t *ledger_data)
{
	payment_row now_row;
	json_t *before = NULL, *after = NULL;
	int64_t got = 0, index = 0;
	int error;

	if ((error = lz_exec_int(&got, ctx->conn, sql[Q_PAYMENT_MOVE], false, "iii", to, p->id, from)) < 0)
		goto done;
	if (got != p->id) {
		error =
		    lz_error_set(LZ_ECONFLICT, "status", "the payment is %s, not %s",
		                 lz_payment_status_name((int)p->status), lz_payment_status_name((int)from));
		goto done;
	}
	error = lz_funds__ledger(&index, ctx, p->bureau_id, type, ledger_data);
	ledger_data = NULL;
	if (error < 0 ||
	    (error =
	         lz_exec_int(NULL, ctx->conn, sql[Q_EVENT_INSERT], true, "iiiiiiti", p->bureau_id, p->id, to,
	                     person, ctx->actor.user_id, lz_ctx_now(ctx), detail ? detail : "", index)) < 0 ||
	    (error = payment_load(&now_row, ctx, ctx->conn, p->id)) < 0)
		goto done;
	before = payment_json(p);
	after = payment_json(&now_row);
	error = lz_audit_append(ctx, type, "payment", p->id, p->bureau_id, before, after);
done:
	json_decref(ledger_data);
	json_decref(before);
	json_decref(after);
	return error;
}

static json_t *ledger_data(const payment_row *p)
{
	return json_pack("{sI sI sI sI sI}", "payment_id", (json_int_t)p->id, "project_id",
	                 (json_int_t)p->project_id, "stage_id", (json_int_t)p->stage_id, "allocation_id",
	                 (json_int_t)p->allocation_id, "amount_fen", (json_int_t)p->amount_fen);
}

/* Starts a step: permission, transaction, person, the payment in scope. */
static int begin_step(lz_write *tx, int64_t *person, payment_row *p, lz_ctx *ctx, int64_t id, lz_perm perm,
                      const char *what)
{
	int error;

	if ((error = lz_auth_require(ctx, perm)) < 0 || (error = lz_write_begin(tx, ctx)) < 0 ||
	    (error = lz_funds__person(person, ctx, what)) < 0 ||
	    (error = payment_load(p, ctx, ctx->conn, id)) < 0)
		return error;
	return 0;
}

int lz_payment_approve(lz_ctx *ctx, int64_t id)
{
	lz_write tx = LZ_WRITE_INIT;
	lz_funds_project_row proj;
	lz_funds_stage_row st;
	payment_row p;
	int64_t person, signed_acceptance = 0;
	int error;

	if ((error = begin_step(&tx, &person, &p, ctx, id, LZ_PERM_PAYMENT_APPROVE, "approve a payment")) < 0)
		goto done;
	if (p.status != LZ_PAYMENT_PREPARED) {
		error = lz_error_set(LZ_ECONFLICT, "status",
		                     "only a prepared payment can be approved; this one is %s",
		                     lz_payment_status_name((int)p.status));
		goto done;
	}
	if (person == p.maker_staff_id || ctx->actor.user_id == p.maker_user_id) {
		error = lz_error_set(LZ_ECONFLICT, NULL,
		                     "the maker of a payment may not approve it: a second person must");
		goto done;
	}
	if ((error = lz_exec_int(&signed_acceptance, ctx->conn, sql[Q_SIGNED_PROJECT], true, "ii",
	                         p.project_id, person)) < 0)
		goto done;
	if (signed_acceptance) {
		error = lz_error_set(
		    LZ_ECONFLICT, NULL,
		    "you signed this project's acceptance: its payments are approved by someone else");
		goto done;
	}
	if ((error = lz_funds__project_load(&proj, ctx, ctx->conn, p.project_id, NULL)) < 0 ||
	    (error = lz_funds__stage_load(&st, ctx->conn, p.stage_id, NULL)) < 0 ||
	    (error = check_room(ctx->conn, &proj, &st, p.amount_fen)) < 0 ||
	    (error = lz_funds__allocation_debit(ctx->conn, p.allocation_id, p.amount_fen)) < 0 ||
	    (error = step(ctx, &p, person, LZ_PAYMENT_PREPARED, LZ_PAYMENT_APPROVED, "payment.approve", NULL,
	                  ledger_data(&p))) < 0)
		goto done;
done:
	return lz_write_end(&tx, ctx, error);
}

int lz_payment_mark_paid(lz_ctx *ctx, int64_t id, const char *reference)
{
	lz_write tx = LZ_WRITE_INIT;
	payment_row p;
	int64_t person;
	json_t *data;
	int error;

	if ((error = lz_text_check("reference", reference, true, REFERENCE_MAX, 0)) < 0 ||
	    (error = begin_step(&tx, &person, &p, ctx, id, LZ_PERM_PAYMENT_SETTLE, "record a payment")) < 0)
		goto done;
	data = ledger_data(&p);
	error = step(ctx, &p, person, LZ_PAYMENT_APPROVED, LZ_PAYMENT_PAID, "payment.pay", reference, data);
done:
	return lz_write_end(&tx, ctx, error);
}

int lz_payment_cancel(lz_ctx *ctx, int64_t id, const char *reason)
{
	lz_write tx = LZ_WRITE_INIT;
	payment_row p;
	int64_t person, released = 0;
	json_t *data;
	int error;

	if ((error = lz_text_check("reason", reason, true, REASON_MAX, 0)) < 0 ||
	    (error = begin_step(&tx, &person, &p, ctx, id, LZ_PERM_PAYMENT_SETTLE, "cancel a payment")) < 0)
		goto done;
	if (p.status != LZ_PAYMENT_PREPARED && p.status != LZ_PAYMENT_APPROVED) {
		error = lz_error_set(LZ_ECONFLICT, "status", "a %s payment cannot be cancelled%s",
		                     lz_payment_status_name((int)p.status),
		                     p.status == LZ_PAYMENT_PAID ? ": reverse it instead" : "");
		goto done;
	}
	if (p.status == LZ_PAYMENT_APPROVED) {
		if ((error = lz_funds__allocation_credit(ctx->conn, p.allocation_id, p.amount_fen)) < 0)
			goto done;
		released = p.amount_fen;
	}
	data = ledger_data(&p);
	json_object_set_new(data, "released_fen", json_integer(released));
	error = step(ctx, &p, person, p.status, LZ_PAYMENT_CANCELLED, "payment.cancel", reason, data);
done:
	return lz_write_end(&tx, ctx, error);
}

int lz_payment_reverse(lz_ctx *ctx, int64_t id, const char *reason)
{
	lz_write tx = LZ_WRITE_INIT;
	payment_row p;
	int64_t person;
	json_t *data;
	int error;

	if ((error = lz_text_check("reason", reason, true, REASON_MAX, 0)) < 0 ||
	    (error = begin_step(&tx, &person, &p, ctx, id, LZ_PERM_PAYMENT_SETTLE, "reverse a payment")) < 0)
		goto done;
	if (p.status != LZ_PAYMENT_PAID) {
		error = lz_error_set(LZ_ECONFLICT, "status",
		                     "only a paid payment can be reversed; this one is %s",
		                     lz_payment_status_name((int)p.status));
		goto done;
	}
	if ((error = lz_funds__allocation_credit(ctx->conn, p.allocation_id, p.amount_fen)) < 0)
		goto done;
	data = ledger_data(&p);
	error = step(ctx, &p, person, LZ_PAYMENT_PAID, LZ_PAYMENT_REVERSED, "payment.reverse", reason, data);
done:
	return lz_write_end(&tx, ctx, error);
}

/* ---------------------------------------------------------------- reads */

int lz_payment_get_json(json_t **out, lz_ctx *ctx, int64_t id)
{
	payment_row p;
	lz_conn *conn;
	int error;

	*out = NULL;
	if ((error = lz_auth_require(ctx, LZ_PERM_FUNDS_READ)) < 0 || (error = lz_ctx_conn(&conn, ctx)) < 0 ||
	    (error = payment_load(&p, ctx, conn, id)) < 0)
		return error;
	return payment_fetch(out, conn, &p);
}
