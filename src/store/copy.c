/*
 * copy.c — moves a whole store between backends (`luzhi copy`). Tables are copied
 * parents first, rows in key order, in batches of BATCH rows per transaction on the
 * target; every value keeps its kind (integer, text, blob, NULL). The list of tables
 * is the one place that must grow with the migrations: a source table missing from
 * it stops the copy before anything is written.
 */
#include "store/store_int.h"

#include <string.h>

#define BATCH 5000

typedef struct {
	const char *table, *key;
	const char *select; /* every column, in key order */
	const char *insert; /* the same columns */
	const char *count;
} copy_table;

#define T(name, key, cols, marks)                                                                         \
	{name, key, "SELECT " cols " FROM " name " ORDER BY " key,                                        \
	 "INSERT INTO " name "(" cols ") VALUES (" marks ")", "SELECT COUNT(*) FROM " name}

static const copy_table tables[] = {
	T("bureau", "id", "id, code, name, name_en, level, parent_id, path, created_at, updated_at",
	  "?, ?, ?, ?, ?, ?, ?, ?, ?"),
	T("department", "id", "id, bureau_id, name, created_at", "?, ?, ?, ?"),
	T("staff", "id",
	  "id, bureau_id, department_id, employee_no, name, post, status, hired_on, created_at, updated_at",
	  "?, ?, ?, ?, ?, ?, ?, ?, ?, ?"),
	T("user_account", "id", "id, bureau_id, login, password_hash, role, staff_id, active, created_at, updated_at",
	  "?, ?, ?, ?, ?, ?, ?, ?, ?"),
	T("session", "id", "id, bureau_id, user_id, token_hash, csrf_token, created_at, last_seen_at, expires_at, ended_at",
	  "?, ?, ?, ?, ?, ?, ?, ?, ?"),
	T("login_failure", "id", "id, login, address, at", "?, ?, ?, ?"),
	T("audit_log", "seq",
	  "seq, at, bureau_id, bureau_path, actor, origin, action, entity_type, entity_id, before_digest, "
	  "after_digest, request_id, prev_hash, hash",
	  "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"),
	T("audit_head", "id", "id, count, hash", "?, ?, ?"),
	/* the fund ledger */
	T("ledger_entry", "id", "id, bureau_id, idx, type, at, data", "?, ?, ?, ?, ?, ?"),
	T("ledger_tile", "id", "id, bureau_id, level, idx, hashes", "?, ?, ?, ?, ?"),
	T("ledger_head", "id", "id, bureau_id, code, size, frontier, checkpoint_size, checkpoint_at",
	  "?, ?, ?, ?, ?, ?, ?"),
	T("ledger_checkpoint", "id", "id, bureau_id, size, root, at, note", "?, ?, ?, ?, ?, ?"),
	T("ledger_countersign", "id", "id, bureau_id, parent_id, size, root, at, ok, note, reason",
	  "?, ?, ?, ?, ?, ?, ?, ?, ?"),
	T("evidence_file", "id",
	  "id, bureau_id, sha256, size, media_type, name, uploaded_by, uploaded_by_login, created_at",
	  "?, ?, ?, ?, ?, ?, ?, ?, ?"),
	T("programme", "id", "id, bureau_id, name, amount_per_year_fen, years, periods_per_year, created_at",
	  "?, ?, ?, ?, ?, ?, ?"),
	T("beneficiary", "id",
	  "id, bureau_id, programme_id, name, village, household_id, relocated_on, support_ends_on, status, "
	  "status_since, status_reason, id_number_sealed, id_number_index, id_number_commit, pd_salt, "
	  "bank_account_sealed, created_at, updated_at",
	  "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"),
	T("beneficiary_status", "id", "id, bureau_id, beneficiary_id, status, since, reason, actor, at",
	  "?, ?, ?, ?, ?, ?, ?, ?"),
	/* funds: parents before children (an allocation's parent has a smaller id) */
	T("allocation", "id",
	  "id, bureau_id, parent_id, source, year, purpose, amount_fen, children_fen, spent_fen, created_by, created_at",
	  "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"),
	T("project", "id",
	  "id, bureau_id, name, kind, site_lat, site_lon, site_radius_m, budget_fen, owner_staff_id, contractor, "
	  "allocation_id, created_by, created_at",
	  "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"),
	T("project_stage", "id",
	  "id, bureau_id, project_id, seq, name, criteria, share_bp, materials_note, materials_by, materials_at, "
	  "accepted_inspection_id, verified_pct, accepted_at",
	  "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"),
	T("inspection", "id",
	  "id, bureau_id, project_id, stage_id, inspector_staff_id, inspector_user_id, inspected_at, lat, lon, "
	  "distance_m, completion_pct, findings, recorded_at",
	  "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"),
	T("inspection_evidence", "id", "id, bureau_id, inspection_id, sha256", "?, ?, ?, ?"),
	T("acceptance_signature", "id", "id, bureau_id, project_id, stage_id, inspection_id, staff_id, user_id, signed_at",
	  "?, ?, ?, ?, ?, ?, ?, ?"),
	T("payment", "id",
	  "id, bureau_id, project_id, stage_id, allocation_id, payee, amount_fen, idempotency_key, body_digest, "
	  "status, maker_staff_id, maker_user_id, created_at",
	  "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"),
	T("payment_event", "id", "id, bureau_id, payment_id, kind, staff_id, user_id, at, detail, ledger_index",
	  "?, ?, ?, ?, ?, ?, ?, ?, ?"),
	T("payroll_run", "id", "id, bureau_id, programme_id, allocation_id, period_start, period_end, amount_fen, status, line_count, total_fen, excluded_count, maker_staff_id, maker_user_id, created_at, checker_staff_id, checker_user_id, approved_at, approved_count, approved_fen, lines_digest, ledger_index", "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"),
	T("payroll_line", "id", "id, bureau_id, run_id, beneficiary_id, amount_fen, commitment, excluded_reason, excluded_at", "?, ?, ?, ?, ?, ?, ?, ?"),
	T("payroll_exclusion", "id", "id, bureau_id, run_id, beneficiary_id, kind, reason", "?, ?, ?, ?, ?, ?"),
	/* service cases, complaints, case assistance (008) */
	T("work_calendar_day", "id", "id, bureau_id, day, kind, name, created_at", "?, ?, ?, ?, ?, ?"),
	T("case_type", "id",
	  "id, bureau_id, code, names, materials, sla_hours, clock_kind, approval_levels, pauses_on_applicant, "
	  "active, created_at, updated_at",
	  "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"),
	T("case_receipt_seq", "id", "id, bureau_id, day, last", "?, ?, ?, ?"),
	T("service_case", "id",
	  "id, bureau_id, type_id, receipt_no, check_hash, channel, proxy_staff_id, applicant_name_sealed, "
	  "applicant_id_sealed, applicant_id_index, applicant_phone_sealed, applicant_phone_index, "
	  "applicant_email_sealed, summary, state, outcome, reasons, assignee_staff_id, open, received_at, clock_used, "
	  "clock_mark, paused, due_at, decided_at, clock_seconds, closed_at, proposal_outcome, proposal_reasons, "
	  "approvals, event_count, updated_at, sla_hours, clock_kind, pauses_on_applicant",
	  "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"),
	T("case_event", "id",
	  "id, bureau_id, case_id, seq, kind, from_state, to_state, actor_staff_id, actor_user_id, actor_login, at, "
	  "assignee_staff_id, outcome, note",
	  "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"),
	T("case_approval", "id", "id, bureau_id, case_id, round, level, staff_id, user_id, role, at",
	  "?, ?, ?, ?, ?, ?, ?, ?, ?"),
	T("complaint", "id",
	  "id, bureau_id, category, case_id, staff_id, description, contact_name_sealed, contact_phone_sealed, "
	  "contact_index, state, assignee_staff_id, received_at, due_at, reply, replied_at, replied_by, satisfaction, "
	  "repeat_of, month, updated_at",
	  "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"),
	T("assistance_request", "id",
	  "id, bureau_id, case_id, reason, state, received_at, asked_by, asked_at, action, action_deadline, outcome, "
	  "outcome_note, cause_key, concluded_by, concluded_at, updated_at",
	  "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"),
	T("systemic_issue", "id", "id, bureau_id, cause_key, request_count, status, first_at, last_at, handed_at",
	  "?, ?, ?, ?, ?, ?, ?, ?"),
	T("supervision_handoff", "id",
	  "id, bureau_id, source_kind, source_id, status, summary, handed_by, handed_at, consumed_at",
	  "?, ?, ?, ?, ?, ?, ?, ?, ?"),
	/* the files of an application (009) */
	T("case_attachment", "id", "id, case_id, sha256, material, name, created_at", "?, ?, ?, ?, ?, ?"),
};

#define NTABLES (int)(sizeof(tables) / sizeof(tables[0]))

/* Tables a store has that the copy handles otherwise or not at all. */
static const char *const skipped[] = {"schema_migration", NULL};

static const char sql_sqlite_tables[] =
	"SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
static const char sql_pg_tables[] =
	"SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()";

static bool known(const char *name)
{
	for (int i = 0; i < NTABLES; i++)
		if (strcmp(tables[i].table, name) == 0)
			return true;
	for (const char *const *s = skipped; *s; s++)
		if (strcmp(*s, name) == 0)
			return true;
	return false;
}

/* Refuses a source with tables this version does not know how to copy. */
static int check_tables(lz_conn *c)
{
	lz_stmt *s;
	int error;
	const char *sql = strcmp(c->ops->name, "sqlite") == 0 ? sql_sqlite_tables : sql_pg_tables;

	if ((error = lz_stmt_prepare(&s, c, sql)) < 0)
		return error;
	while ((error = lz_stmt_step(s)) == LZ_ROW) {
		if (!known(lz_stmt_text(s, 0))) {
			error = lz_error_set(LZ_ECONFLICT, NULL, "this luzhi does not know how to copy the table '%s'",
					     lz_stmt_text(s, 0));
			break;
		}
	}
	lz_stmt_finish(s);
	return error < 0 ? error : 0;
}

/* Binds the current row of 'from' as the parameters of 'to'. */
static int bind_row(lz_stmt *to, lz_stmt *from, int ncols)
{
	int error = 0;
	for (int col = 0; col < ncols && error == 0; col++) {
		switch (from->ops->column_kind(from, col)) {
		case 'n':
			error = lz_stmt_bind_null(to, col + 1);
			break;
		case 'i':
			error = lz_stmt_bind_int(to, col + 1, lz_stmt_int(from, col));
			break;
		case 'b': {
			size_t n;
			const void *p = lz_stmt_blob(from, col, &n);
			error = to->ops->bind_blob(to, col + 1, p ? p : "", n);
			break;
		}
		default:
			error = lz_stmt_bind_text(to, col + 1, lz_stmt_text(from, col));
		}
	}
	return error;
}

static int copy_one(int64_t *copied, lz_conn *src, lz_conn *dst, const copy_table *t, FILE *progress)
{
	lz_stmt *rows = NULL, *ins = NULL;
	int64_t n = 0;
	int error, ncols;

	if ((error = lz_conn_begin(src, LZ_TX_READ)) < 0)
		return error;
	if ((error = lz_stmt_prepare(&rows, src, t->select)) < 0 || (error = lz_conn_begin(dst, LZ_TX_WRITE)) < 0)
		goto done;
	while ((error = lz_stmt_step(rows)) == LZ_ROW) {
		ncols = rows->ops->column_count(rows);
		if ((error = lz_stmt_prepare(&ins, dst, t->insert)) < 0 || (error = bind_row(ins, rows, ncols)) < 0 ||
		    (error = lz_stmt_step(ins)) < 0)
			goto done;
		lz_stmt_finish(ins);
		ins = NULL;
		if (++n % BATCH == 0) {
			if ((error = lz_conn_commit(dst)) < 0 || (error = lz_conn_begin(dst, LZ_TX_WRITE)) < 0)
				goto done;
			if (progress)
				fprintf(progress, "  %s: %lld rows\r", t->table, (long long)n);
		}
	}
	if (error < 0 || (error = dst->ops->sync_ids(dst, t->table, t->key)) < 0 || (error = lz_conn_commit(dst)) < 0)
		goto done;
	*copied = n;
done:
	lz_stmt_finish(ins);
	lz_stmt_finish(rows);
	lz_conn_rollback(dst);
	lz_conn_rollback(src);
	return error < 0 ? error : 0;
}

int lz_store_copy(lz_db *from, lz_db *to, lz_copy_count *counts, int max, int *ncounts, FILE *progress)
{
	lz_conn *src = NULL, *dst = NULL;
	int error;

	*ncounts = 0;
	if ((error = lz_db_acquire(&src, from)) < 0 || (error = lz_db_acquire(&dst, to)) < 0 ||
	    (error = check_tables(src)) < 0)
		goto done;
	for (int i = 0; i < NTABLES; i++) {
		int64_t there = 0;
		if ((error = lz_exec_int(&there, dst, tables[i].count, true, NULL)) < 0)
			goto done;
		if (there > 0) {
			error = lz_error_set(LZ_ECONFLICT, "to", "the target store is not empty (table %s has %lld rows)",
					     tables[i].table, (long long)there);
			goto done;
		}
	}
	for (int i = 0; i < NTABLES; i++) {
		int64_t copied = 0, in_src = 0, in_dst = 0;
		if ((error = copy_one(&copied, src, dst, &tables[i], progress)) < 0 ||
		    (error = lz_exec_int(&in_src, src, tables[i].count, true, NULL)) < 0 ||
		    (error = lz_exec_int(&in_dst, dst, tables[i].count, true, NULL)) < 0)
			goto done;
		if (in_src != in_dst || copied != in_src) {
			error = lz_error_set(LZ_EDB, NULL, "table %s: %lld rows in the source, %lld copied, %lld in the target",
					     tables[i].table, (long long)in_src, (long long)copied, (long long)in_dst);
			goto done;
		}
		if (progress)
			fprintf(progress, "  %-14s %10lld rows\n", tables[i].table, (long long)copied);
		if (counts && *ncounts < max)
			counts[(*ncounts)++] = (lz_copy_count){tables[i].table, copied};
	}
done:
	lz_db_release(from, src);
	lz_db_release(to, dst);
	return error;
}
