/* test_demo.c — the demonstration data set: what it holds, its logins, its report. */
#include "helpers.h"

#include "auth/auth.h"
#include "base/buf.h"
#include "base/json.h"
#include "audit/audit.h"
#include "cases/assistance.h"
#include "cases/cases.h"
#include "demo/demo.h"
#include "funds/funds.h"
#include "ledger/ledger.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PASSWORD "demo-pass-2026"

typedef struct {
	lz_test_env env;
	lz_ctx ctx;
	char *report; /* of the demo, in the tests that share one loaded store */
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	lz_test_env_setup(&f->env);
	lz_test_ctx(&f->ctx, &f->env);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	lz_ctx_done(&f->ctx);
	lz_test_env_teardown(&f->env);
	free(f->report);
	free(f);
	return 0;
}

static char *load(lz_ctx *ctx);

/* One store with the demo loaded, shared by the tests that only read it (loading
 * takes seconds under the sanitizers, and more on PostgreSQL). */
static int loaded_setup(void **state)
{
	fixture *f;
	setup(state);
	f = *state;
	f->report = load(&f->ctx);
	return 0;
}

/* Each shared test starts as the system, whoever the one before acted as. */
static int as_system(void **state)
{
	fixture *f = *state;
	lz_ctx_act_as_system(&f->ctx, "test");
	return 0;
}

static int64_t count(lz_ctx *ctx, const char *sql)
{
	lz_conn *c;
	int64_t n = -1;
	assert_ok(lz_ctx_conn(&c, ctx));
	assert_ok(lz_exec_int(&n, c, sql, true, NULL));
	return n;
}

static int64_t rows(lz_ctx *ctx)
{
	return count(ctx, "SELECT (SELECT count(*) FROM bureau) + (SELECT count(*) FROM department) + "
			  "(SELECT count(*) FROM staff) + (SELECT count(*) FROM user_account) + "
			  "(SELECT count(*) FROM audit_log)");
}

/* A count with one id parameter. */
static int64_t count_for(lz_ctx *ctx, const char *sql, int64_t id)
{
	lz_conn *c;
	int64_t n = -1;
	assert_ok(lz_ctx_conn(&c, ctx));
	assert_ok(lz_exec_int(&n, c, sql, true, "i", id));
	return n;
}

/* Loads the demo, returning the report (caller frees). */
static char *load(lz_ctx *ctx)
{
	char *text = NULL;
	size_t len = 0;
	FILE *report = open_memstream(&text, &len);
	assert_non_null(report);
	assert_ok(lz_demo_load(ctx, PASSWORD, report));
	fclose(report);
	return text;
}

static void test_demo__loads_a_realistic_organisation(void **state)
{
	fixture *f = *state;
	lz_bureau b, parent;

	/* (The demo was loaded once for this group of tests: see loaded_setup.) */

	assert_true(count(&f->ctx, "SELECT count(*) FROM bureau") >= 15);
	assert_true(count(&f->ctx, "SELECT count(*) FROM staff") >= 200);
	/* One login per role, two more for Tonglu's path, and the disabled accounts of
	 * the people who act in the funds data (6) and the cases data (4) without a login. */
	assert_int_equal(count(&f->ctx, "SELECT count(*) FROM user_account WHERE active = 1"), 11);
	assert_int_equal(count(&f->ctx, "SELECT count(*) FROM user_account WHERE active = 0"), 10);
	/* Every bureau has its four departments, and counties a fifth. */
	assert_int_equal(count(&f->ctx, "SELECT count(*) FROM bureau b WHERE (SELECT count(*) "
					"FROM department d WHERE d.bureau_id = b.id) <> "
					"CASE WHEN b.level = 4 THEN 5 ELSE 4 END"),
			 0);
	/* Between 8 and 25 staff in every bureau. */
	assert_int_equal(count(&f->ctx, "SELECT count(*) FROM bureau b WHERE (SELECT count(*) FROM staff s "
					"WHERE s.bureau_id = b.id) NOT BETWEEN 8 AND 25"),
			 0);
	/* Mostly active, some on leave or gone. */
	int64_t active = count(&f->ctx, "SELECT count(*) FROM staff WHERE status = 1");
	int64_t other = count(&f->ctx, "SELECT count(*) FROM staff WHERE status <> 1");
	assert_true(other > 0 && active > 8 * other);
	assert_int_equal(count(&f->ctx, "SELECT count(*) FROM staff WHERE post = '局长'"),
			 count(&f->ctx, "SELECT count(*) FROM bureau"));

	assert_ok(lz_bureau_by_code(&b, &f->ctx, "100000"));
	assert_string_equal(b.name, "国家移民管理局");
	assert_string_equal(b.name_en, "National Immigration Administration");
	assert_int_equal(b.level, LZ_LEVEL_NATIONAL);

	/* Tianmen: a county-level city under the province, modelled as a city. */
	assert_ok(lz_bureau_by_code(&b, &f->ctx, "429006"));
	assert_string_equal(b.name, "天门市移民局");
	assert_int_equal(b.level, LZ_LEVEL_CITY);
	assert_ok(lz_bureau_get(&parent, &f->ctx, b.parent_id));
	assert_string_equal(parent.code, "420000");

	assert_ok(lz_bureau_by_code(&b, &f->ctx, "330122"));
	assert_string_equal(b.name, "桐庐县移民局");
	assert_int_equal(b.level, LZ_LEVEL_COUNTY);
	assert_ok(lz_bureau_get(&parent, &f->ctx, b.parent_id));
	assert_string_equal(parent.code, "330100");
	assert_ok(lz_bureau_get(&parent, &f->ctx, parent.parent_id));
	assert_string_equal(parent.code, "330000");

	assert_ok(lz_bureau_by_code(&b, &f->ctx, "420527"));
	assert_ok(lz_bureau_get(&parent, &f->ctx, b.parent_id));
	assert_string_equal(parent.code, "420500");

	/* It all went through the org and auth modules: one audit entry per row. */
	assert_int_equal(count(&f->ctx, "SELECT count(*) FROM audit_log WHERE action IN ('bureau.create', "
					"'department.create', 'staff.create', 'user.create')"),
			 count(&f->ctx, "SELECT (SELECT count(*) FROM bureau) + "
					"(SELECT count(*) FROM department) + (SELECT count(*) FROM staff) + "
					"(SELECT count(*) FROM user_account)"));
	assert_string_equal(f->ctx.actor.login, "test");
	assert_int_equal(f->ctx.actor.role, LZ_ROLE_SYSTEM);
}

static void test_demo__logins_are_linked_and_reported(void **state)
{
	fixture *f = *state;
	static const char *const logins[] = {"admin",     "director",   "clerk",     "reviewer",
					     "finance",   "inspector",  "discipline", "ombudsman",
					     "auditor",   "inspector.zj", "director.zj"};
	const char *report = f->report;
	lz_session session;

	for (size_t i = 0; i < sizeof(logins) / sizeof(logins[0]); i++) {
		char line[64];
		snprintf(line, sizeof(line), "\n%-14s", logins[i]);
		if (!strstr(report, line))
			fail_msg("the report does not name '%s':\n%s", logins[i], report);
	}
	assert_non_null(strstr(report, PASSWORD));
	assert_non_null(strstr(report, "桐庐县移民局"));
	assert_non_null(strstr(report, "330122"));

	/* Each login is linked to an active staff member of its own bureau. */
	assert_int_equal(count(&f->ctx, "SELECT count(*) FROM user_account u "
					"JOIN staff s ON s.id = u.staff_id "
					"WHERE s.bureau_id = u.bureau_id AND s.status = 1"),
			 21);
	assert_int_equal(count(&f->ctx, "SELECT count(*) FROM user_account u "
					"JOIN staff s ON s.id = u.staff_id "
					"JOIN bureau b ON b.id = u.bureau_id "
					"WHERE u.login = 'director' AND s.post = '局长' AND b.code = '420000'"),
			 1);
	assert_int_equal(count(&f->ctx, "SELECT count(*) FROM user_account u "
					"JOIN bureau b ON b.id = u.bureau_id "
					"WHERE (u.login IN ('clerk', 'reviewer') AND b.code = '330122') "
					"OR (u.login = 'finance' AND b.code = '330100') "
					"OR (u.login = 'inspector.zj' AND b.code = '330000' AND u.role = 6) "
					"OR (u.login = 'director.zj' AND b.code = '330100' AND u.role = 5)"),
			 5);

	/* And the logins work. */
	assert_ok(lz_session_create(&session, &f->ctx, "clerk", PASSWORD));
	assert_int_equal(f->ctx.actor.role, LZ_ROLE_CLERK);
	lz_bureau b;
	assert_ok(lz_bureau_by_code(&b, &f->ctx, "330122"));
	assert_int_equal(lz_bureau_by_code(&b, &f->ctx, "330127"), LZ_ENOTFOUND);
	lz_ctx_act_as_system(&f->ctx, "test");
}

static void test_demo__loading_twice_is_refused_and_adds_nothing(void **state)
{
	fixture *f = *state;
	char *text = NULL;
	size_t len = 0;

	/* (Loaded once already, by loaded_setup.) */
	int64_t before = rows(&f->ctx);
	FILE *report = open_memstream(&text, &len);
	assert_int_equal(lz_demo_load(&f->ctx, PASSWORD, report), LZ_ECONFLICT);
	fclose(report);
	assert_int_equal(len, 0);
	assert_int_equal(rows(&f->ctx), before);
	free(text);
}

static void test_demo__bad_password_writes_nothing(void **state)
{
	fixture *f = *state;

	assert_int_equal(lz_demo_load(&f->ctx, "short", NULL), LZ_EINVALID);
	assert_string_equal(lz_error_last()->field, "password");
	assert_int_equal(lz_demo_load(&f->ctx, NULL, NULL), LZ_EINVALID);
	assert_int_equal(rows(&f->ctx), 0);
}

/* Every staff record as JSON, in id order. Caller frees. */
static char *all_staff(lz_ctx *ctx)
{
	lz_buf out = LZ_BUF_INIT;
	lz_staff_query q = LZ_STAFF_QUERY_INIT;
	int64_t next = 0;
	q.limit = 200;
	do {
		json_t *page;
		q.after_id = next;
		assert_ok(lz_staff_list(&page, &next, ctx, &q));
		lz_json_dump(&out, page);
		json_decref(page);
	} while (next);
	return lz_buf_detach(&out);
}

/* The rows of a query of four columns (text, int, int, int) as one text. Caller frees. */
static char *text_of(lz_ctx *ctx, const char *sql)
{
	lz_buf out = LZ_BUF_INIT;
	lz_conn *c;
	lz_stmt *s;
	char line[96];
	assert_ok(lz_ctx_conn(&c, ctx));
	assert_ok(lz_stmt_prepare(&s, c, sql));
	while (lz_stmt_step(s) == LZ_ROW) {
		snprintf(line, sizeof(line), "%.32s:%lld:%lld:%lld,", lz_stmt_text(s, 0), (long long)lz_stmt_int(s, 1),
			 (long long)lz_stmt_int(s, 2), (long long)lz_stmt_int(s, 3));
		lz_buf_puts(&out, line);
	}
	lz_stmt_finish(s);
	return lz_buf_detach(&out);
}

static void test_demo__is_the_same_every_time(void **state)
{
	fixture *f = *state;
	lz_test_env other;
	lz_ctx ctx2;

	free(load(&f->ctx));
	lz_test_env_setup(&other);
	lz_test_ctx(&ctx2, &other);
	/* Even when the caller acts as someone else. */
	ctx2.actor.role = LZ_ROLE_CLERK;
	snprintf(ctx2.actor.login, sizeof(ctx2.actor.login), "someone");
	free(load(&ctx2));
	assert_int_equal(ctx2.actor.role, LZ_ROLE_CLERK);
	lz_ctx_act_as_system(&ctx2, "test");

	/* The cases too (the same clock: the same two years). */
	static const char sql_cases[] = "SELECT receipt_no, state, clock_used, due_at FROM service_case ORDER BY id";
	char *ca = text_of(&f->ctx, sql_cases), *cb = text_of(&ctx2, sql_cases);
	assert_true(ca && strlen(ca) > 1000);
	assert_string_equal(ca, cb);
	free(ca);
	free(cb);

	char *a = all_staff(&f->ctx), *b = all_staff(&ctx2);
	assert_true(strlen(a) > 10000);
	assert_string_equal(a, b);
	assert_non_null(strstr(a, "\"employee_no\":\"330122-001\""));
	free(a);
	free(b);
	lz_ctx_done(&ctx2);
	lz_test_env_teardown(&other);
}

/* Acts as the demo account 'login'. */
static void as_login(lz_ctx *ctx, const char *login)
{
	lz_conn *c;
	int64_t id = 0;
	assert_ok(lz_ctx_conn(&c, ctx));
	assert_ok(lz_exec_int(&id, c, "SELECT id FROM user_account WHERE login = ?", true, "t", login));
	assert_ok(lz_auth_act_as(ctx, id));
}

static void test_demo__funds_verify_conserve_and_refuse_the_unfinished_project(void **state)
{
	fixture *f = *state;
	lz_ledger_report lr;
	lz_audit_report ar;
	const char *report = f->report;

	/* The money went through the funds module: the ledger and the audit log verify. */
	assert_ok(lz_ledger_verify(&lr, &f->ctx, 0));
	if (!lr.ok)
		fail_msg("ledger: %s", lr.message);
	assert_true(lr.entries >= 80);
	assert_true(lr.checkpoints >= 45); /* every head signed, and countersigned by its parent */
	assert_ok(lz_audit_verify(&ar, &f->ctx));
	if (!ar.ok)
		fail_msg("audit: %s", ar.message);

	/* Allocations conserve: children and spending within the amount, children_fen
	 * the sum of the children, for 2025 and 2026 from 中央财政 down to budget lines. */
	assert_int_equal(count(&f->ctx, "SELECT count(*) FROM allocation WHERE children_fen + spent_fen > amount_fen"),
			 0);
	assert_int_equal(count(&f->ctx, "SELECT count(*) FROM allocation a WHERE children_fen <> "
					"(SELECT COALESCE(SUM(c.amount_fen), 0) FROM allocation c WHERE c.parent_id = a.id)"),
			 0);
	assert_int_equal(count(&f->ctx, "SELECT count(*) FROM allocation WHERE parent_id IS NULL"), 2);
	assert_int_equal(count(&f->ctx, "SELECT count(DISTINCT year) FROM allocation"), 2);
	assert_true(count(&f->ctx, "SELECT count(*) FROM allocation") >= 50);

	/* Counts as designed. */
	assert_int_equal(count(&f->ctx, "SELECT count(*) FROM programme"), 3);
	assert_int_equal(count(&f->ctx, "SELECT count(*) FROM beneficiary"), 3000);
	assert_int_equal(count(&f->ctx, "SELECT count(*) FROM beneficiary WHERE status <> 1"), 13);
	assert_int_equal(count(&f->ctx, "SELECT count(*) FROM payroll_run WHERE status = 2"), 17);
	assert_int_equal(count(&f->ctx, "SELECT count(*) FROM payroll_run WHERE status = 1"), 1);
	assert_int_equal(count(&f->ctx, "SELECT count(*) FROM payroll_run WHERE maker_staff_id = checker_staff_id"), 0);
	/* The person suspended between preparation and approval is left out by the approval. */
	assert_int_equal(count(&f->ctx, "SELECT count(*) FROM payroll_line WHERE excluded_reason <> ''"), 1);
	assert_int_equal(count(&f->ctx, "SELECT count(*) FROM project"), 5);
	assert_int_equal(count(&f->ctx, "SELECT count(*) FROM payment WHERE status = 3"), 3);
	assert_int_equal(count(&f->ctx, "SELECT count(*) FROM project_stage WHERE accepted_inspection_id IS NOT NULL"),
			 3);
	assert_int_equal(count(&f->ctx, "SELECT count(*) FROM evidence_file WHERE sha256 NOT IN "
					"(SELECT sha256 FROM case_attachment)"),
			 8);
	/* Every ID number is stored sealed, with its blind index; no clear digits anywhere. */
	assert_int_equal(count(&f->ctx, "SELECT count(*) FROM beneficiary WHERE length(id_number_index) = 0"), 0);

	/* The unfinished-project case: materials reviewed, nobody on site, nothing paid. */
	int64_t project = count(&f->ctx, "SELECT id FROM project WHERE name = '茆坪村移民安置房屋修缮工程'");
	int64_t stage = 0;
	assert_true(project > 0);
	assert_ok(lz_project_stage_id(&stage, &f->ctx, project, 1));
	/* (The store caches statements by their text's address: one literal per query.) */
	assert_int_equal(count_for(&f->ctx, "SELECT count(*) FROM project_stage WHERE id = ? AND materials_at IS NOT NULL",
				   stage),
			 1);
	assert_int_equal(count_for(&f->ctx, "SELECT count(*) FROM inspection WHERE stage_id = ?", stage), 0);
	assert_int_equal(count_for(&f->ctx, "SELECT count(*) FROM acceptance_signature WHERE stage_id = ?", stage), 0);
	assert_int_equal(count_for(&f->ctx, "SELECT count(*) FROM payment WHERE project_id = ?", project), 0);
	assert_non_null(strstr(report, "286,600.00 yuan — refused (409"));

	/* And it stays refused, with the module's reasons. */
	as_login(&f->ctx, "reviewer");
	assert_int_equal(lz_acceptance_sign(NULL, &f->ctx, stage), LZ_ECONFLICT);
	assert_non_null(strstr(lz_error_last()->message, "on-site inspection"));
	as_login(&f->ctx, "finance");
	int64_t line = count(&f->ctx, "SELECT allocation_id FROM project WHERE name = '茆坪村移民安置房屋修缮工程'");
	lz_payment_input in = {project, stage, line, 28660000, NULL, "unit-test-repair-1"};
	int64_t id = 0;
	assert_int_equal(lz_payment_prepare(&id, NULL, &f->ctx, &in), LZ_ECONFLICT);
	assert_non_null(strstr(lz_error_last()->message, "not accepted"));
	lz_ctx_act_as_system(&f->ctx, "test");

}

/* The open cases of a login's inbox that are overdue. */
static int overdue_in_inbox(lz_ctx *ctx, const char *login)
{
	lz_case_inbox_query q = LZ_CASE_INBOX_QUERY_INIT;
	json_t *page = NULL, *item;
	size_t i;
	int n = 0;

	as_login(ctx, login);
	q.limit = 200;
	assert_ok(lz_case_inbox(&page, ctx, &q));
	json_array_foreach(json_object_get(page, "items"), i, item)
		n += json_is_true(json_object_get(item, "overdue"));
	json_decref(page);
	lz_ctx_act_as_system(ctx, "test");
	return n;
}

static void test_demo__cases_two_years_reproducible_from_events(void **state)
{
	fixture *f = *state;
	int64_t checked = 0, changed = -1;
	int64_t now = lz_ctx_now(&f->ctx);
	json_t *issues = NULL;
	const char *report = f->report;

	/* Types of five bureaus in eight languages; the 2025–2026 holidays and make-up days. */
	assert_int_equal(count(&f->ctx, "SELECT count(*) FROM case_type"), 11);
	assert_int_equal(count(&f->ctx, "SELECT count(*) FROM case_type WHERE names LIKE '%\"ar\"%' "
					"AND names LIKE '%\"ru\"%' AND names LIKE '%\"en\"%'"),
			 11);
	assert_int_equal(count(&f->ctx, "SELECT count(*) FROM work_calendar_day"), 72);
	assert_int_equal(count(&f->ctx, "SELECT count(DISTINCT approval_levels) FROM case_type"), 2);

	/* Every planned case was received, across the channels and the two years. */
	assert_int_equal(count(&f->ctx, "SELECT count(*) FROM service_case"), LZ_DEMO_CASES_SMALL);
	assert_int_equal(count(&f->ctx, "SELECT count(DISTINCT channel) FROM service_case"), 4);
	assert_true(count(&f->ctx, "SELECT max(received_at) - min(received_at) FROM service_case") > 700 * 86400);
	assert_null(strstr(report, "skipped"));
	/* Some online applications came with a scan of their first material, a file of the
	 * case's bureau; none at the window. */
	assert_true(count(&f->ctx, "SELECT count(*) FROM case_attachment") > 10);
	assert_int_equal(count(&f->ctx, "SELECT count(*) FROM case_attachment a JOIN service_case c ON c.id = a.case_id "
					"LEFT JOIN evidence_file e ON e.bureau_id = c.bureau_id AND e.sha256 = a.sha256 "
					"WHERE e.id IS NULL OR c.channel <> 1 OR a.material <> 0"),
			 0);

	/* Most decided within target, a tail late, some refused, some open. */
	int64_t decided = count(&f->ctx, "SELECT count(*) FROM service_case WHERE decided_at IS NOT NULL");
	int64_t late = count(&f->ctx, "SELECT count(*) FROM service_case c JOIN case_type t ON t.id = c.type_id "
				      "WHERE c.decided_at IS NOT NULL AND c.clock_seconds > t.sla_hours * 3600");
	assert_true(late > decided / 50 && late < decided / 5);
	assert_true(count(&f->ctx, "SELECT count(*) FROM service_case WHERE outcome = 2 AND reasons <> ''") > 0);
	assert_true(count(&f->ctx, "SELECT count(*) FROM service_case WHERE open = 1") > 0);
	assert_true(count(&f->ctx, "SELECT count(*) FROM case_event WHERE kind = 'evidence_requested'") > 0);
	assert_int_equal(count_for(&f->ctx, "SELECT count(*) FROM case_event WHERE at > ?", now), 0);

	/* Recomputing every case's clock from its events changes nothing. */
	assert_ok(lz_case_recompute_all(&checked, &changed, &f->ctx, 0, NULL, NULL));
	assert_int_equal(checked, LZ_DEMO_CASES_SMALL);
	assert_int_equal(changed, 0);

	/* The demo logins' inboxes hold overdue open cases. */
	assert_true(overdue_in_inbox(&f->ctx, "clerk") + overdue_in_inbox(&f->ctx, "reviewer") > 0);
	assert_true(count(&f->ctx, "SELECT count(*) FROM service_case c JOIN user_account u "
				   "ON u.staff_id = c.assignee_staff_id WHERE u.login = 'director' AND c.open = 1") > 0);

	/* Complaints in every category, about a third cumbersome procedure, replied and rated. */
	int64_t complaints = count(&f->ctx, "SELECT count(*) FROM complaint");
	int64_t cumbersome = count(&f->ctx, "SELECT count(*) FROM complaint WHERE category = 1");
	assert_true(complaints >= 15);
	assert_true(cumbersome * 100 >= complaints * 20 && cumbersome * 100 <= complaints * 55);
	assert_true(count(&f->ctx, "SELECT count(*) FROM complaint WHERE state = 3") > complaints / 2);
	assert_true(count(&f->ctx, "SELECT count(*) FROM complaint WHERE satisfaction IS NOT NULL") > 0);
	assert_true(count(&f->ctx, "SELECT count(*) FROM complaint WHERE repeat_of IS NOT NULL") > 0);

	/* Case assistance on late cases; a recurring cause became a systemic issue. */
	assert_true(count(&f->ctx, "SELECT count(*) FROM assistance_request WHERE state = 3") >= 2);
	assert_ok(lz_assistance_systemic_issues(&issues, &f->ctx, "open"));
	assert_true(json_array_size(json_is_array(issues) ? issues : json_object_get(issues, "items")) >= 1);
	json_decref(issues);
	assert_non_null(strstr(report, "Cases: 11 types"));
}

#define T(test) cmocka_unit_test_setup_teardown(test, setup, teardown)

int main(void)
{
	const struct CMUnitTest shared[] = {
		cmocka_unit_test_setup(test_demo__loads_a_realistic_organisation, as_system),
		cmocka_unit_test_setup(test_demo__logins_are_linked_and_reported, as_system),
		cmocka_unit_test_setup(test_demo__loading_twice_is_refused_and_adds_nothing, as_system),
		cmocka_unit_test_setup(test_demo__funds_verify_conserve_and_refuse_the_unfinished_project, as_system),
		cmocka_unit_test_setup(test_demo__cases_two_years_reproducible_from_events, as_system),
	};
	const struct CMUnitTest fresh[] = {
		T(test_demo__bad_password_writes_nothing),
		T(test_demo__is_the_same_every_time),
	};
	int failed = cmocka_run_group_tests_name("test_demo (one loaded store)", shared, loaded_setup, teardown);
	return failed + cmocka_run_group_tests_name("test_demo (fresh stores)", fresh, NULL, NULL);
}
