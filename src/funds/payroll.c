/*
 * payroll.c — payroll runs (see payroll.h): prepare a frozen batch of a period's
 * support payments in one set-based statement, then approve it as a second person.
 *
 *   prepared ──approve──▶ approved
 *
 * Invariants kept here:
 * - The lines come from LZ_BENEFICIARY_PAYABLE_SQL in one INSERT … SELECT; the
 *   exclusions are the programme's other beneficiaries, each with the reason
 *   lz_beneficiary_payable gives (they are few, so a loop is fine).
 * - Lines are never deleted or re-priced: approval only writes the reason on a line
 *   no longer payable. The run's status moves by a conditional UPDATE from prepared.
 * - The debit, the ledger entry, the audit entry and the exclusions found at
 *   approval commit together or not at all (lz_write).
 * - The ledger entry holds ids, counts, fen and a digest of commitments: the digest
 *   is SHA-256 over the 32-byte commitments of the paid lines, in line id order.
 */
#include "funds/payroll.h"

#include "audit/audit.h"
#include "auth/auth.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/crypto.h"
#include "base/json.h"
#include "base/mem.h"
#include "funds/beneficiary_int.h"
#include "funds/funds_int.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	Q_RUN_INSERT,
	Q_RUN_GET,
	Q_RUN_TOTALS,
	Q_RUN_MOVE,
	Q_RUN_APPROVED,
	Q_LINES_INSERT,
	Q_LINES_COUNT,
	Q_NOT_LINED,
	Q_EXCLUSION_INSERT,
	Q_EXCLUSION_LIST,
	Q_LINES_NO_LONGER,
	Q_LINE_EXCLUDE,
	Q_LINES_PAID_COUNT,
	Q_LINES_PAID_COMMITS,
	Q_LINES_PAGE,
	Q_STAFF_NAME,
};

#define RUN_COLS                                                                                             \
	"r.id, r.bureau_id, r.programme_id, r.allocation_id, r.period_start, r.period_end, r.amount_fen, "   \
	"r.status, r.line_count, r.total_fen, r.excluded_count, r.maker_staff_id, r.maker_user_id, "         \
	"r.created_at, r.checker_staff_id, r.checker_user_id, r.approved_at, r.approved_count, "             \
	"r.approved_fen, r.lines_digest, r.ledger_index, b.path "

static const char *const sql[] = {
    [Q_RUN_INSERT] = "INSERT INTO payroll_run(bureau_id, programme_id, allocation_id, period_start, "
                     "period_end, amount_fen, status, maker_staff_id, maker_user_id, created_at) "
                     "VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?) RETURNING id",
    [Q_RUN_GET] = "SELECT " RUN_COLS "FROM payroll_run r JOIN bureau b ON b.id = r.bureau_id WHERE r.id = ?",
    [Q_RUN_TOTALS] = "UPDATE payroll_run SET line_count = ?, total_fen = ?, excluded_count = ? "
                     "WHERE id = ? RETURNING id",
    [Q_RUN_MOVE] = "UPDATE payroll_run SET status = 2, checker_staff_id = ?, checker_user_id = ?, "
                   "approved_at = ?, approved_count = ?, approved_fen = ?, lines_digest = ?, "
                   "ledger_index = ? WHERE id = ? AND status = 1 RETURNING id",
    [Q_RUN_APPROVED] = "SELECT COUNT(*) FROM payroll_run WHERE programme_id = ? AND status = 2 "
                       "AND period_start <= ? AND period_end >= ?",
    /* The one set-based statement of a preparation. */
    [Q_LINES_INSERT] = "INSERT INTO payroll_line(bureau_id, run_id, beneficiary_id, amount_fen, commitment) "
                       "SELECT b.bureau_id, ?, b.id, ?, b.id_number_commit FROM (" LZ_BENEFICIARY_PAYABLE_SQL
                       ") e JOIN beneficiary b ON b.id = e.id",
    [Q_LINES_COUNT] = "SELECT COUNT(*) FROM payroll_line WHERE run_id = ?",
    [Q_NOT_LINED] = "SELECT b.id FROM beneficiary b WHERE b.programme_id = ? AND NOT EXISTS "
                    "(SELECT 1 FROM payroll_line l WHERE l.run_id = ? AND l.beneficiary_id = b.id) "
                    "ORDER BY b.id",
    [Q_EXCLUSION_INSERT] = "INSERT INTO payroll_exclusion(bureau_id, run_id, beneficiary_id, kind, reason) "
                           "VALUES (?, ?, ?, ?, ?) RETURNING id",
    [Q_EXCLUSION_LIST] = "SELECT beneficiary_id, kind, reason FROM payroll_exclusion WHERE run_id = ? "
                         "ORDER BY beneficiary_id",
    /* Lines of a run whose beneficiary the rule no longer pays (usually none). */
    [Q_LINES_NO_LONGER] =
        "SELECT l.id, l.beneficiary_id FROM payroll_line l WHERE l.run_id = ? "
        "AND l.excluded_reason = '' AND l.beneficiary_id NOT IN (" LZ_BENEFICIARY_PAYABLE_SQL
        ") ORDER BY l.id",
    [Q_LINE_EXCLUDE] = "UPDATE payroll_line SET excluded_reason = ?, excluded_at = ? WHERE id = ? "
                       "AND excluded_reason = '' RETURNING id",
    [Q_LINES_PAID_COUNT] = "SELECT COUNT(*) FROM payroll_line WHERE run_id = ? AND excluded_reason = ''",
    [Q_LINES_PAID_COMMITS] = "SELECT commitment, amount_fen FROM payroll_line WHERE run_id = ? "
                             "AND excluded_reason = '' ORDER BY id",
    [Q_LINES_PAGE] = "SELECT id, beneficiary_id, amount_fen, excluded_reason FROM payroll_line "
                     "WHERE run_id = ? AND id > ? ORDER BY id LIMIT ?",
    [Q_STAFF_NAME] = "SELECT name FROM staff WHERE id = ?",
};

enum {
	C_ID,
	C_BUREAU_ID,
	C_PROGRAMME_ID,
	C_ALLOCATION_ID,
	C_PERIOD_START,
	C_PERIOD_END,
	C_AMOUNT,
	C_STATUS,
	C_LINE_COUNT,
	C_TOTAL,
	C_EXCLUDED,
	C_MAKER_STAFF,
	C_MAKER_USER,
	C_CREATED_AT,
	C_CHECKER_STAFF,
	C_CHECKER_USER,
	C_APPROVED_AT,
	C_APPROVED_COUNT,
	C_APPROVED_FEN,
	C_DIGEST,
	C_LEDGER_INDEX,
	C_PATH
};

#define LINES_PAGE_MAX 500

/* The kinds of exclusion, by the first words of the rule's reason (beneficiary.c). */
static const struct {
	const char *prefix, *kind;
} reason_kinds[] = {
    {"deceased", "deceased"},
    {"moved", "moved"},
    {"suspended", "suspended"},
    {"support ended", "support_ended"},
    {"relocated on", "relocated_after_period"},
    {"not enrolled", "not_enrolled"},
    {"registered in another", "other_bureau"},
    {"no status", "no_status"},
};

static const char *reason_kind(const char *reason)
{
	for (size_t i = 0; i < sizeof(reason_kinds) / sizeof(reason_kinds[0]); i++)
		if (strncmp(reason, reason_kinds[i].prefix, strlen(reason_kinds[i].prefix)) == 0)
			return reason_kinds[i].kind;
	return "other";
}

typedef struct {
	int64_t id, bureau_id, programme_id, allocation_id, amount_fen, status;
	int32_t period_start, period_end;
	int64_t line_count, total_fen, excluded_count, maker_staff_id, maker_user_id, created_at;
	int64_t checker_staff_id, checker_user_id, approved_at, approved_count, approved_fen, ledger_index;
	bool approved_null;
	char digest[65];
	char path[128];
} run_row;

/* ---------------------------------------------------------------- loading */

/* Reads run 'id' when it is in the actor's scope (LZ_ENOTFOUND otherwise). */
static int run_load(run_row *out, lz_ctx *ctx, lz_conn *conn, int64_t id)
{
	lz_stmt *s;
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = lz_stmt_prepare(&s, conn, sql[Q_RUN_GET])) < 0)
		return error;
	if ((error = lz_stmt_bindv(s, "i", id)) == 0 && (error = lz_stmt_step(s)) == LZ_ROW) {
		out->id = lz_stmt_int(s, C_ID);
		out->bureau_id = lz_stmt_int(s, C_BUREAU_ID);
		out->programme_id = lz_stmt_int(s, C_PROGRAMME_ID);
		out->allocation_id = lz_stmt_int(s, C_ALLOCATION_ID);
		out->period_start = (int32_t)lz_stmt_int(s, C_PERIOD_START);
		out->period_end = (int32_t)lz_stmt_int(s, C_PERIOD_END);
		out->amount_fen = lz_stmt_int(s, C_AMOUNT);
		out->status = lz_stmt_int(s, C_STATUS);
		out->line_count = lz_stmt_int(s, C_LINE_COUNT);
		out->total_fen = lz_stmt_int(s, C_TOTAL);
		out->excluded_count = lz_stmt_int(s, C_EXCLUDED);
		out->maker_staff_id = lz_stmt_int(s, C_MAKER_STAFF);
		out->maker_user_id = lz_stmt_int(s, C_MAKER_USER);
		out->created_at = lz_stmt_int(s, C_CREATED_AT);
		out->approved_null = lz_stmt_is_null(s, C_APPROVED_AT);
		out->checker_staff_id = lz_stmt_int(s, C_CHECKER_STAFF);
		out->checker_user_id = lz_stmt_int(s, C_CHECKER_USER);
		out->approved_at = lz_stmt_int(s, C_APPROVED_AT);
		out->approved_count = lz_stmt_int(s, C_APPROVED_COUNT);
		out->approved_fen = lz_stmt_int(s, C_APPROVED_FEN);
		out->ledger_index = lz_stmt_int(s, C_LEDGER_INDEX);
		snprintf(out->digest, sizeof(out->digest), "%s", lz_stmt_text(s, C_DIGEST));
		snprintf(out->path, sizeof(out->path), "%s", lz_stmt_text(s, C_PATH));
		error = lz_org_in_scope(ctx, out->path) ? 0 : lz_funds__not_found(NULL, "payroll run", id);
	} else if (error == LZ_DONE) {
		error = lz_funds__not_found(NULL, "payroll run", id);
	}
	lz_stmt_finish(s);
	return error;
}

static json_t *date_json(int32_t day)
{
	char d[11];
	lz_date_format(d, day);
	return json_string(d);
}

/* The run's fields as JSON, without its exclusions. */
static json_t *run_json(const run_row *r)
{
	json_t *o = json_pack(
	    "{sI sI sI sI so so sI ss sI sI sI sI sI so}", "id", (json_int_t)r->id, "bureau_id",
	    (json_int_t)r->bureau_id, "programme_id", (json_int_t)r->programme_id, "allocation_id",
	    (json_int_t)r->allocation_id, "period_start", date_json(r->period_start), "period_end",
	    date_json(r->period_end), "amount_fen", (json_int_t)r->amount_fen, "status",
	    r->status == LZ_PAYROLL_APPROVED ? "approved" : "prepared", "count", (json_int_t)r->line_count,
	    "total_fen", (json_int_t)r->total_fen, "excluded_count", (json_int_t)r->excluded_count,
	    "maker_staff_id", (json_int_t)r->maker_staff_id, "maker_user_id", (json_int_t)r->maker_user_id,
	    "created_at", lz_json_time(r->created_at));

	if (r->status == LZ_PAYROLL_APPROVED && !r->approved_null) {
		json_object_set_new(o, "checker_staff_id", json_integer(r->checker_staff_id));
		json_object_set_new(o, "checker_user_id", json_integer(r->checker_user_id));
		json_object_set_new(o, "approved_at", lz_json_time(r->approved_at));
		json_object_set_new(o, "approved_count", json_integer(r->approved_count));
		json_object_set_new(o, "approved_fen", json_integer(r->approved_fen));
		json_object_set_new(o, "excluded_at_approval",
		                    json_integer(r->line_count - r->approved_count));
		json_object_set_new(o, "lines_digest", json_string(r->digest));
		json_object_set_new(o, "ledger_index", json_integer(r->ledger_index));
	}
	return o;
}

/* Reads every id a one-column query gives into a growing array (caller frees). */
static int collect_ids(int64_t **out, size_t *n, lz_stmt *s)
{
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	while ((rc = lz_stmt_step(s)) == LZ_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			*out = lz_xrealloc(*out, cap * sizeof(**out));
		}
		(*out)[(*n)++] = lz_stmt_int(s, 0);
	}
	return rc < 0 ? rc : 0;
}

/* ---------------------------------------------------------------- prepare */

/*
 * Records the exclusions of a run just lined: the programme's beneficiaries without
 * a line, each with the rule's reason. *out_n receives how many.
 */
static int record_exclusions(int64_t *out_n, lz_ctx *ctx, const run_row *r)
{
	lz_stmt *s = NULL;
	int64_t *ids = NULL;
	size_t n = 0;
	int error;

	*out_n = 0;
	if ((error = lz_stmt_prepare(&s, ctx->conn, sql[Q_NOT_LINED])) < 0)
		return error;
	if ((error = lz_stmt_bindv(s, "ii", r->programme_id, r->id)) == 0)
		error = collect_ids(&ids, &n, s);
	lz_stmt_finish(s);
	for (size_t i = 0; error == 0 && i < n; i++) {
		char reason[160];
		int64_t amount = 0;
		bool ok = false;

		if ((error = lz_beneficiary_payable(&ok, reason, &amount, ctx, ids[i], r->programme_id,
		                                    r->period_start, r->period_end)) < 0)
			break;
		if (ok) /* the two forms of the rule disagree: keep the person out, and say so */
			snprintf(reason, sizeof(reason), "not payable by the set-based rule");
		error = lz_exec_int(NULL, ctx->conn, sql[Q_EXCLUSION_INSERT], true, "iiitt", r->bureau_id,
		                    r->id, ids[i], reason_kind(reason), reason);
	}
	free(ids);
	if (error == 0)
		*out_n = (int64_t)n;
	return error;
}

static int check_period(int32_t *start, int32_t *end, const char *period_start, const char *period_end)
{
	if (!period_start || lz_date_parse(start, period_start) < 0)
		return lz_error_set(LZ_EINVALID, "period_start",
		                    "the period's start must be a date YYYY-MM-DD");
	if (!period_end || lz_date_parse(end, period_end) < 0)
		return lz_error_set(LZ_EINVALID, "period_end", "the period's end must be a date YYYY-MM-DD");
	if (*end < *start)
		return lz_error_set(LZ_EINVALID, "period_end", "the period ends before it starts");
	if (*end - *start > 366)
		return lz_error_set(LZ_EINVALID, "period_end", "a payroll period is at most a year");
	return 0;
}

/* An approved run of the programme covering a day of [start, end] is a conflict. */
static int check_not_paid(lz_conn *conn, int64_t programme_id, int32_t start, int32_t end)
{
	int64_t n = 0;
	int error;

	if ((error = lz_exec_int(&n, conn, sql[Q_RUN_APPROVED], true, "iii", programme_id, (int64_t)end,
	                         (int64_t)start)) < 0)
		return error;
	if (n > 0)
		return lz_error_set(LZ_ECONFLICT, "period_start",
		                    "an approved payroll run of this programme covers part of this period");
	return 0;
}

int lz_payroll_prepare(int64_t *out_run_id, lz_ctx *ctx, int64_t programme_id, const char *period_start,
                       const char *period_end, int64_t allocation_id)
{
	lz_write tx = LZ_WRITE_INIT;
	lz_programme prog;
	lz_funds_allocation_row alloc;
	lz_stmt *s = NULL;
	run_row r;
	json_t *after = NULL;
	int64_t person, id = 0, lines = 0, excluded = 0, amount, now = lz_ctx_now(ctx);
	int32_t start = 0, end = 0;
	int error;

	if (out_run_id)
		*out_run_id = 0;
	if ((error = lz_auth_require(ctx, LZ_PERM_PAYMENT_PREPARE)) < 0 ||
	    (error = check_period(&start, &end, period_start, period_end)) < 0 ||
	    (error = lz_write_begin(&tx, ctx)) < 0 ||
	    (error = lz_funds__person(&person, ctx, "prepare a payroll run")) < 0 ||
	    (error = lz_programme__load(&prog, ctx, programme_id, "programme_id")) < 0 ||
	    (error = lz_funds__allocation_load(&alloc, ctx->conn, allocation_id, "allocation_id")) < 0)
		goto done;
	if (!lz_org_in_scope(ctx, alloc.path)) {
		error = lz_funds__not_found("allocation_id", "allocation", allocation_id);
		goto done;
	}
	if (alloc.a.bureau_id != prog.bureau_id) {
		error = lz_error_set(LZ_EINVALID, "allocation_id",
		                     "a payroll is paid from an allocation of the programme's bureau");
		goto done;
	}
	amount = lz_programme_period_amount(&prog, start, end);
	if (amount <= 0) {
		error =
		    lz_error_set(LZ_ECONFLICT, "period_end", "the programme pays nothing for this period");
		goto done;
	}
	if ((error = check_not_paid(ctx->conn, prog.id, start, end)) < 0 ||
	    (error = lz_exec_int(&id, ctx->conn, sql[Q_RUN_INSERT], true, "iiiiiiiii", prog.bureau_id,
	                         prog.id, allocation_id, (int64_t)start, (int64_t)end, amount, person,
	                         ctx->actor.user_id, now)) < 0)
		goto done;

	/* The lines: one statement, whatever the size of the register. */
	if ((error = lz_stmt_prepare(&s, ctx->conn, sql[Q_LINES_INSERT])) < 0)
		goto done;
	if ((error = lz_stmt_bind_int(s, 1, id)) < 0 || (error = lz_stmt_bind_int(s, 2, amount)) < 0 ||
	    (error = lz_beneficiary_payable_bind(s, 3, prog.id, start, end)) < 0 ||
	    (error = lz_stmt_step(s)) < 0)
		goto done;
	lz_stmt_finish(s);
	s = NULL;
	error = 0;

	if ((error = lz_exec_int(&lines, ctx->conn, sql[Q_LINES_COUNT], true, "i", id)) < 0 ||
	    (error = run_load(&r, ctx, ctx->conn, id)) < 0 ||
	    (error = record_exclusions(&excluded, ctx, &r)) < 0)
		goto done;
	if (lines > LZ_FEN_MAX / amount) {
		error =
		    lz_error_set(LZ_EINVALID, "programme_id", "the run's total is beyond what luzhi takes");
		goto done;
	}
	if ((error = lz_exec_int(NULL, ctx->conn, sql[Q_RUN_TOTALS], true, "iiii", lines, lines * amount,
	                         excluded, id)) < 0 ||
	    (error = lz_payroll_get_json(&after, ctx, id)) < 0)
		goto done;
	/* The audit keeps the summary; the exclusions' sentences stay in the store. */
	json_object_del(json_object_get(after, "exclusions"), "items");
	error = lz_audit_append(ctx, "payroll.prepare", "payroll_run", id, prog.bureau_id, NULL, after);
done:
	lz_stmt_finish(s);
	error = lz_write_end(&tx, ctx, error);
	if (error == 0 && out_run_id)
		*out_run_id = id;
	json_decref(after);
	return error;
}

/* ---------------------------------------------------------------- approve */

/*
 * Re-checks the run's lines against the register as it stands: each line whose
 * beneficiary the rule no longer pays gets the rule's reason.
 */
static int recheck_lines(lz_ctx *ctx, const run_row *r, int64_t now)
{
	lz_stmt *s = NULL;
	int64_t *pairs = NULL;
	size_t n = 0, cap = 0;
	int error, rc;

	if ((error = lz_stmt_prepare(&s, ctx->conn, sql[Q_LINES_NO_LONGER])) < 0)
		return error;
	if ((error = lz_stmt_bind_int(s, 1, r->id)) == 0 &&
	    (error = lz_beneficiary_payable_bind(s, 2, r->programme_id, r->period_start, r->period_end)) ==
	        0) {
		while ((rc = lz_stmt_step(s)) == LZ_ROW) {
			if (n + 2 > cap) {
				cap = cap ? cap * 2 : 64;
				pairs = lz_xrealloc(pairs, cap * sizeof(*pairs));
			}
			pairs[n++] = lz_stmt_int(s, 0);
			pairs[n++] = lz_stmt_int(s, 1);
		}
		error = rc < 0 ? rc : 0;
	}
	lz_stmt_finish(s);
	for (size_t i = 0; error == 0 && i < n; i += 2) {
		char reason[160];
		int64_t amount = 0;
		bool ok = false;

		if ((error = lz_beneficiary_payable(&ok, reason, &amount, ctx, pairs[i + 1], r->programme_id,
		                                    r->period_start, r->period_end)) < 0)
			break;
		if (ok)
			snprintf(reason, sizeof(reason), "not payable by the set-based rule");
		error = lz_exec_int(NULL, ctx->conn, sql[Q_LINE_EXCLUDE], true, "tii", reason, now, pairs[i]);
	}
	free(pairs);
	return error;
}

/* The count, total and commitment digest (hex) of the lines still to be paid. */
static int paid_lines(int64_t *count, int64_t *total, char digest[65], lz_conn *conn, int64_t run_id)
{
	lz_sha256_ctx *h = lz_sha256_begin();
	lz_stmt *s = NULL;
	uint8_t d[LZ_SHA256_LEN];
	int error, rc;

	*count = 0;
	*total = 0;
	if ((error = lz_stmt_prepare(&s, conn, sql[Q_LINES_PAID_COMMITS])) < 0 ||
	    (error = lz_stmt_bindv(s, "i", run_id)) < 0)
		goto done;
	while ((rc = lz_stmt_step(s)) == LZ_ROW) {
		size_t len = 0;
		const void *c = lz_stmt_blob(s, 0, &len);
		int64_t amount = lz_stmt_int(s, 1);

		if (len != LZ_SHA256_LEN) {
			rc = lz_error_set(LZ_ETAMPERED, NULL,
			                  "a line of payroll run %lld has a damaged commitment",
			                  (long long)run_id);
			break;
		}
		if (amount > LZ_FEN_MAX - *total) {
			rc = lz_error_set(LZ_EINVALID, NULL, "the run's total is beyond what luzhi takes");
			break;
		}
		lz_sha256_update(h, c, len);
		*total += amount;
		(*count)++;
	}
	error = rc < 0 ? rc : 0;
done:
	lz_stmt_finish(s);
	lz_sha256_end(h, d);
	lz_hex(digest, d, sizeof(d));
	return error;
}

int lz_payroll_approve(lz_ctx *ctx, int64_t run_id)
{
	lz_write tx = LZ_WRITE_INIT;
	run_row r, now_row;
	json_t *before = NULL, *after = NULL, *data;
	char digest[65];
	int64_t person, count = 0, total = 0, index = 0, moved = 0, now = lz_ctx_now(ctx);
	int error;

	if ((error = lz_auth_require(ctx, LZ_PERM_PAYMENT_APPROVE)) < 0 ||
	    (error = lz_write_begin(&tx, ctx)) < 0 ||
	    (error = lz_funds__person(&person, ctx, "approve a payroll run")) < 0 ||
	    (error = run_load(&r, ctx, ctx->conn, run_id)) < 0)
		goto done;
	if (r.status != LZ_PAYROLL_PREPARED) {
		error = lz_error_set(LZ_ECONFLICT, "status", "only a prepared payroll run can be approved");
		goto done;
	}
	if (person == r.maker_staff_id || ctx->actor.user_id == r.maker_user_id) {
		error = lz_error_set(LZ_ECONFLICT, NULL,
		                     "the maker of a payroll run may not approve it: a second person must");
		goto done;
	}
	if ((error = check_not_paid(ctx->conn, r.programme_id, r.period_start, r.period_end)) < 0 ||
	    (error = recheck_lines(ctx, &r, now)) < 0 ||
	    (error = paid_lines(&count, &total, digest, ctx->conn, r.id)) < 0)
		goto done;
	if (total > 0 && (error = lz_funds__allocation_debit(ctx->conn, r.allocation_id, total)) < 0)
		goto done;
	data =
	    json_pack("{sI sI sI sI so so sI sI sI ss}", "run_id", (json_int_t)r.id, "programme_id",
	              (json_int_t)r.programme_id, "allocation_id", (json_int_t)r.allocation_id, "amount_fen",
	              (json_int_t)r.amount_fen, "period_start", date_json(r.period_start), "period_end",
	              date_json(r.period_end), "count", (json_int_t)count, "total_fen", (json_int_t)total,
	              "excluded", (json_int_t)(r.line_count - count), "lines_digest", digest);
	if ((error = lz_funds__ledger(&index, ctx, r.bureau_id, "payroll.approve", data)) < 0 ||
	    (error = lz_exec_int(&moved, ctx->conn, sql[Q_RUN_MOVE], false, "iiiiitii", person,
	                         ctx->actor.user_id, now, count, total, digest, index, r.id)) < 0)
		goto done;
	if (moved != r.id) {
		error = lz_error_set(LZ_ECONFLICT, "status", "only a prepared payroll run can be approved");
		goto done;
	}
	if ((error = run_load(&now_row, ctx, ctx->conn, r.id)) < 0)
		goto done;
	before = run_json(&r);
	after = run_json(&now_row);
	error = lz_audit_append(ctx, "payroll.approve", "payroll_run", r.id, r.bureau_id, before, after);
done:
	json_decref(before);
	json_decref(after);
	return lz_write_end(&tx, ctx, error);
}

/* ---------------------------------------------------------------- reads */

/* {staff_id, name} of a person, or null for staff id 0. */
static int person_json(json_t **out, lz_conn *conn, int64_t staff_id)
{
	lz_stmt *s = NULL;
	int error;

	*out = json_null();
	if (!staff_id)
		return 0;
	if ((error = lz_stmt_prepare(&s, conn, sql[Q_STAFF_NAME])) < 0)
		return error;
	if ((error = lz_stmt_bindv(s, "i", staff_id)) == 0 && (error = lz_stmt_step(s)) == LZ_ROW) {
		*out = json_pack("{sI ss}", "staff_id", (json_int_t)staff_id, "name", lz_stmt_text(s, 0));
		error = 0;
	}
	lz_stmt_finish(s);
	return error < 0 ? error : 0;
}

int lz_payroll_get_json(json_t **out, lz_ctx *ctx, int64_t run_id)
{
	lz_conn *conn;
	lz_stmt *s = NULL;
	run_row r;
	json_t *o = NULL, *by = NULL, *items = NULL, *ex, *maker, *approver;
	int error, rc;

	*out = NULL;
	if ((error = lz_auth_require(ctx, LZ_PERM_FUNDS_READ)) < 0 || (error = lz_ctx_conn(&conn, ctx)) < 0 ||
	    (error = run_load(&r, ctx, conn, run_id)) < 0)
		return error;
	o = run_json(&r);
	if ((error = person_json(&maker, conn, r.maker_staff_id)) < 0 ||
	    (error = person_json(&approver, conn, r.status == LZ_PAYROLL_APPROVED ? r.checker_staff_id : 0)) <
	        0) {
		json_decref(o);
		return error;
	}
	json_object_set_new(
	    o, "maker_name",
	    json_incref(json_is_object(maker) ? json_object_get(maker, "name") : json_null()));
	json_object_set_new(
	    o, "approver_name",
	    json_incref(json_is_object(approver) ? json_object_get(approver, "name") : json_null()));
	json_object_set_new(o, "maker", maker);
	json_object_set_new(o, "approver", approver);
	by = json_object();
	items = json_array();
	ex = json_pack("{sI so so}", "count", (json_int_t)r.excluded_count, "by_reason", by, "items", items);
	json_object_set_new(o, "exclusions", ex);
	if ((error = lz_stmt_prepare(&s, conn, sql[Q_EXCLUSION_LIST])) < 0 ||
	    (error = lz_stmt_bindv(s, "i", r.id)) < 0)
		goto done;
	while ((rc = lz_stmt_step(s)) == LZ_ROW) {
		const char *kind = lz_stmt_text(s, 1);
		json_int_t n = json_integer_value(json_object_get(by, kind));

		json_object_set_new(by, kind, json_integer(n + 1));
		json_array_append_new(items,
		                      json_pack("{sI ss ss}", "beneficiary_id", (json_int_t)lz_stmt_int(s, 0),
		                                "kind", kind, "reason", lz_stmt_text(s, 2)));
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

int lz_payroll_lines_json(json_t **out, int64_t *next_after, lz_ctx *ctx, int64_t run_id, int64_t after_id,
                          int limit)
{
	lz_conn *conn;
	lz_stmt *s = NULL;
	run_row r;
	json_t *items = NULL;
	int64_t last = 0;
	int error, rc, n = 0;

	*out = NULL;
	*next_after = 0;
	if (limit < 1 || limit > LINES_PAGE_MAX)
		return lz_error_set(LZ_EINVALID, "limit", "limit must be 1 to %d", LINES_PAGE_MAX);
	if ((error = lz_auth_require(ctx, LZ_PERM_FUNDS_READ)) < 0 || (error = lz_ctx_conn(&conn, ctx)) < 0 ||
	    (error = run_load(&r, ctx, conn, run_id)) < 0)
		return error;
	items = json_array();
	/* One row more than asked says whether there is a next page. */
	if ((error = lz_stmt_prepare(&s, conn, sql[Q_LINES_PAGE])) < 0 ||
	    (error = lz_stmt_bindv(s, "iii", r.id, after_id, (int64_t)limit + 1)) < 0)
		goto done;
	while ((rc = lz_stmt_step(s)) == LZ_ROW) {
		if (n == limit) {
			*next_after = last;
			break;
		}
		last = lz_stmt_int(s, 0);
		json_array_append_new(items, json_pack("{sI sI sI ss}", "id", (json_int_t)last,
		                                       "beneficiary_id", (json_int_t)lz_stmt_int(s, 1),
		                                       "amount_fen", (json_int_t)lz_stmt_int(s, 2),
		                                       "excluded_reason", lz_stmt_text(s, 3)));
		n++;
	}
	error = rc < 0 ? rc : 0;
done:
	lz_stmt_finish(s);
	if (error == 0) {
		*out = items;
		items = NULL;
	} else {
		*next_after = 0;
	}
	json_decref(items);
	return error;
}
