/* test_payroll.c — payroll runs: a prepared run agrees with the per-person rule,
 * stays frozen, is approved only by a second person, re-checks its lines at
 * approval, never overdraws its allocation, and leaves one ledger entry. */
#include "helpers.h"

#include "auth/auth.h"
#include "base/clock.h"
#include "base/idcard.h"
#include "base/json.h"
#include "funds/beneficiary.h"
#include "funds/funds.h"
#include "funds/payroll.h"
#include "ledger/ledger.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Every test starts from a fresh store (the clock says 2026-10-27) with
 *
 *	100000 national ── 420000 Hubei ── 420500 Yichang ── 420527 Zigui (county)
 *
 * money allocated from 中央财政 down to Zigui and a budget line of it (line), a
 * programme of Zigui (600 yuan a year, annual), finance staff maker and checker, a
 * clerk, and NBEN beneficiaries of mixed fortunes; runs pay the year 2025.
 */
enum { P_MAKER, P_CHECKER, P_CLERK, P_COUNT };

static const struct {
	const char *login, *role;
} people[P_COUNT] = {
    [P_MAKER] = {"maker", "finance"},
    [P_CHECKER] = {"checker", "finance"},
    [P_CLERK] = {"clerk", "clerk"},
};

#define NBEN 300
#define MILLION INT64_C(1000000)
#define PERIOD_START "2025-01-01"
#define PERIOD_END "2025-12-31"

typedef struct {
	lz_test_env env;
	lz_ctx ctx;
	int64_t national, a, a1, a11;
	int64_t alloc_national, alloc_province, alloc_city, alloc_county, line;
	int64_t prog;
	int64_t staff[P_COUNT], user[P_COUNT];
	int64_t ben[NBEN];
} fixture;

static int64_t make_allocation(fixture *f, int64_t bureau, int64_t parent, int64_t fen)
{
	lz_allocation_input in = {bureau, parent, "中央财政", 2025, "大中型水库移民后期扶持", fen};
	int64_t id = 0;
	assert_ok(lz_allocation_create(&id, &f->ctx, &in));
	return id;
}

static void as_system(fixture *f)
{
	lz_ctx_act_as_system(&f->ctx, "test");
}

static void as(fixture *f, int who)
{
	assert_ok(lz_auth_act_as(&f->ctx, f->user[who]));
}

static int64_t count(fixture *f, const char *sql)
{
	lz_conn *c;
	int64_t n = -1;
	assert_ok(lz_ctx_conn(&c, &f->ctx));
	assert_ok(lz_exec_int(&n, c, sql, true, NULL));
	return n;
}

/* Rows of every table a payroll approval writes, plus the audit log. */
static int64_t rows(fixture *f)
{
	return count(f, "SELECT (SELECT count(*) FROM payroll_run WHERE status = 2) + "
	                "(SELECT count(*) FROM payroll_line WHERE excluded_reason <> '') + "
	                "(SELECT count(*) FROM audit_log) + (SELECT count(*) FROM ledger_entry) + "
	                "(SELECT COALESCE(SUM(spent_fen), 0) FROM allocation)");
}

static int64_t ledger_size(fixture *f, int64_t bureau)
{
	lz_actor saved = f->ctx.actor;
	int64_t n = -1;
	as_system(f);
	assert_ok(lz_ledger_size(&n, &f->ctx, bureau));
	f->ctx.actor = saved;
	return n;
}

static int64_t allocation_spent(fixture *f, int64_t id)
{
	lz_actor saved = f->ctx.actor;
	lz_allocation a;
	as_system(f);
	assert_ok(lz_allocation_get(&a, &f->ctx, id));
	f->ctx.actor = saved;
	return a.spent_fen;
}

/* A valid ID number of Zigui county for sequence 'seq'. */
static void make_id(char out[19], int seq)
{
	char first[32];
	snprintf(first, sizeof(first), "420527%04d0307%03d", 1950 + seq / 1000, seq % 1000);
	memcpy(out, first, 17);
	out[17] = lz_idcard_check_char(first);
	out[18] = '\0';
}

static int64_t make_beneficiary(fixture *f, int seq, const char *relocated_on)
{
	lz_beneficiary_input in = {0};
	char id_number[19], name[32];
	int64_t id = 0;

	make_id(id_number, seq);
	snprintf(name, sizeof(name), "移民%03d", seq);
	in.programme_id = f->prog;
	in.id_number = id_number;
	in.name = name;
	in.village = "茅坪村";
	in.relocated_on = relocated_on;
	assert_ok(lz_beneficiary_create(&id, &f->ctx, &in));
	return id;
}

/*
 * Beneficiary i's fortune, by i % 10: 0 died before 2025, 1 moved away before it,
 * 2 suspended before it, 3 died during it (paid), 4 relocated after it, 5 support
 * ended in 2024, 6 suspended during it (paid), others active.
 */
static void make_register(fixture *f)
{
	for (int i = 0; i < NBEN; i++) {
		const char *relocated = i % 10 == 4   ? "2026-02-01"
		                        : i % 10 == 5 ? "2004-06-01"
		                                      : "2010-05-01";
		f->ben[i] = make_beneficiary(f, i, relocated);
		switch (i % 10) {
		case 0:
			assert_ok(
			    lz_beneficiary_set_status(&f->ctx, f->ben[i], "deceased", "2024-08-09", "病故"));
			break;
		case 1:
			assert_ok(
			    lz_beneficiary_set_status(&f->ctx, f->ben[i], "moved", "2023-03-01", "迁往外省"));
			break;
		case 2:
			assert_ok(lz_beneficiary_set_status(&f->ctx, f->ben[i], "suspended", "2024-11-30",
			                                    "身份核查中"));
			break;
		case 3:
			assert_ok(
			    lz_beneficiary_set_status(&f->ctx, f->ben[i], "deceased", "2025-03-02", "病故"));
			break;
		case 6:
			assert_ok(
			    lz_beneficiary_set_status(&f->ctx, f->ben[i], "suspended", "2025-07-01", "核查"));
			break;
		default:
			break;
		}
	}
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	lz_programme_input prog = {0};

	lz_test_env_setup(&f->env);
	lz_test_ctx(&f->ctx, &f->env);
	f->national = lz_test_bureau(&f->ctx, "100000", "国家移民管理局", "national", 0);
	f->a = lz_test_bureau(&f->ctx, "420000", "湖北省移民局", "province", f->national);
	f->a1 = lz_test_bureau(&f->ctx, "420500", "宜昌市移民局", "city", f->a);
	f->a11 = lz_test_bureau(&f->ctx, "420527", "秭归县移民局", "county", f->a1);
	for (int i = 0; i < P_COUNT; i++) {
		lz_staff_input in = {0};
		char no[16];
		snprintf(no, sizeof(no), "E%03d", i);
		in.bureau_id = f->a11;
		in.employee_no = no;
		in.name = people[i].login;
		assert_ok(lz_staff_create(&f->staff[i], &f->ctx, &in));
		assert_ok(lz_user_add(&f->user[i], &f->ctx, people[i].login, people[i].role, "420527",
		                      "a-long-passphrase", f->staff[i]));
	}
	f->alloc_national = make_allocation(f, f->national, 0, 1000000 * MILLION);
	f->alloc_province = make_allocation(f, f->a, f->alloc_national, 100000 * MILLION);
	f->alloc_city = make_allocation(f, f->a1, f->alloc_province, 10000 * MILLION);
	f->alloc_county = make_allocation(f, f->a11, f->alloc_city, 1000 * MILLION);
	f->line = make_allocation(f, f->a11, f->alloc_county, 100 * MILLION);
	prog.bureau_id = f->a11;
	prog.name = "三峡移民后期扶持";
	assert_ok(lz_programme_create(&f->prog, &f->ctx, &prog));
	make_register(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	lz_ctx_done(&f->ctx);
	lz_test_env_teardown(&f->env);
	free(f);
	return 0;
}

static int32_t day(const char *s)
{
	int32_t d = 0;
	assert_ok(lz_date_parse(&d, s));
	return d;
}

static int64_t jint(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_integer(v))
		fail_msg("no integer '%s'", key);
	return json_integer_value(v);
}

/* Every line of a run, through the pages: how many, their total, and how many excluded. */
static void all_lines(fixture *f, int64_t run, int64_t *n, int64_t *total, int64_t *excluded)
{
	int64_t after = 0, next = 0;

	*n = *total = *excluded = 0;
	do {
		json_t *page = NULL, *line;
		size_t i;
		assert_ok(lz_payroll_lines_json(&page, &next, &f->ctx, run, after, 70));
		assert_true(json_array_size(page) <= 70);
		json_array_foreach(page, i, line)
		{
			(*n)++;
			if (json_string_value(json_object_get(line, "excluded_reason"))[0])
				(*excluded)++;
			else
				*total += jint(line, "amount_fen");
		}
		json_decref(page);
		after = next;
	} while (next);
}

static int64_t prepare(fixture *f, int64_t allocation)
{
	int64_t run = 0;
	as(f, P_MAKER);
	assert_ok(lz_payroll_prepare(&run, &f->ctx, f->prog, PERIOD_START, PERIOD_END, allocation));
	assert_true(run > 0);
	return run;
}

/* ---------------------------------------------------------------- prepare */

static void test_payroll__prepare_agrees_with_the_per_person_rule(void **state)
{
	fixture *f = *state;
	json_t *run = NULL, *ex, *by;
	int64_t id, want_n = 0, want_total = 0, n, total, excluded;

	id = prepare(f, f->line);
	for (int i = 0; i < NBEN; i++) {
		char reason[160];
		int64_t amount = 0;
		bool ok = false;
		assert_ok(lz_beneficiary_payable(&ok, reason, &amount, &f->ctx, f->ben[i], f->prog,
		                                 day(PERIOD_START), day(PERIOD_END)));
		want_n += ok;
		want_total += amount;
	}
	assert_int_equal(want_n, NBEN / 2); /* 3, 6, 7, 8 and 9 of each ten */
	assert_ok(lz_payroll_get_json(&run, &f->ctx, id));
	assert_string_equal(json_string_value(json_object_get(run, "status")), "prepared");
	assert_int_equal(jint(run, "count"), want_n);
	assert_int_equal(jint(run, "total_fen"), want_total);
	assert_int_equal(jint(run, "amount_fen"), 60000);
	ex = json_object_get(run, "exclusions");
	assert_int_equal(jint(ex, "count"), NBEN - want_n);
	assert_int_equal(json_array_size(json_object_get(ex, "items")), NBEN - want_n);
	by = json_object_get(ex, "by_reason");
	assert_int_equal(jint(by, "deceased"), NBEN / 10);
	assert_int_equal(jint(by, "moved"), NBEN / 10);
	assert_int_equal(jint(by, "suspended"), NBEN / 10);
	assert_int_equal(jint(by, "relocated_after_period"), NBEN / 10);
	assert_int_equal(jint(by, "support_ended"), NBEN / 10);
	assert_non_null(strstr(
	    json_string_value(json_object_get(json_array_get(json_object_get(ex, "items"), 0), "reason")),
	    "deceased on 2024-08-09"));
	all_lines(f, id, &n, &total, &excluded);
	assert_int_equal(n, want_n);
	assert_int_equal(total, want_total);
	assert_int_equal(excluded, 0);
	/* Preparing writes no ledger entry and spends nothing. */
	assert_int_equal(allocation_spent(f, f->line), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM audit_log WHERE action = 'payroll.prepare'"), 1);
	json_decref(run);
}

static void test_payroll__bad_input_and_roles_are_refused(void **state)
{
	fixture *f = *state;
	int64_t before = count(f, "SELECT count(*) FROM payroll_run");

	as(f, P_CLERK);
	expect_error(lz_payroll_prepare(NULL, &f->ctx, f->prog, PERIOD_START, PERIOD_END, f->line),
	             LZ_EFORBIDDEN, NULL);
	as(f, P_MAKER);
	expect_error(lz_payroll_prepare(NULL, &f->ctx, f->prog, "2025-13-01", PERIOD_END, f->line),
	             LZ_EINVALID, "period_start");
	expect_error(lz_payroll_prepare(NULL, &f->ctx, f->prog, PERIOD_END, PERIOD_START, f->line),
	             LZ_EINVALID, "period_end");
	expect_error(lz_payroll_prepare(NULL, &f->ctx, 999999, PERIOD_START, PERIOD_END, f->line),
	             LZ_ENOTFOUND, "programme_id");
	/* The allocation must be of the programme's bureau. */
	expect_error(lz_payroll_prepare(NULL, &f->ctx, f->prog, PERIOD_START, PERIOD_END, f->alloc_city),
	             LZ_ENOTFOUND, "allocation_id");
	assert_int_equal(count(f, "SELECT count(*) FROM payroll_run"), before);
}

/* ---------------------------------------------------------------- frozen */

static void test_payroll__a_prepared_run_is_frozen(void **state)
{
	fixture *f = *state;
	json_t *a = NULL, *b = NULL, *la = NULL, *lb = NULL;
	int64_t id, next = 0;

	id = prepare(f, f->line);
	assert_ok(lz_payroll_get_json(&a, &f->ctx, id));
	assert_ok(lz_payroll_lines_json(&la, &next, &f->ctx, id, 0, 500));
	/* The register changes: a newcomer, someone reinstated, someone suspended. */
	as_system(f);
	(void)make_beneficiary(f, 900, "2012-01-01");
	assert_ok(lz_beneficiary_set_status(&f->ctx, f->ben[2], "active", "2025-01-01", NULL));
	assert_ok(lz_beneficiary_set_status(&f->ctx, f->ben[7], "suspended", "2024-12-31", "核查"));
	as(f, P_MAKER);
	assert_ok(lz_payroll_get_json(&b, &f->ctx, id));
	assert_ok(lz_payroll_lines_json(&lb, &next, &f->ctx, id, 0, 500));
	assert_true(json_equal(a, b));
	assert_true(json_equal(la, lb));
	json_decref(a);
	json_decref(b);
	json_decref(la);
	json_decref(lb);
}

/* ---------------------------------------------------------------- approve */

static void test_payroll__the_maker_may_not_approve(void **state)
{
	fixture *f = *state;
	int64_t id = prepare(f, f->line), before = rows(f);

	as(f, P_MAKER);
	expect_error(lz_payroll_approve(&f->ctx, id), LZ_ECONFLICT, NULL);
	assert_non_null(strstr(lz_error_last()->message, "maker"));
	as(f, P_CLERK);
	expect_error(lz_payroll_approve(&f->ctx, id), LZ_EFORBIDDEN, NULL);
	assert_int_equal(rows(f), before);
}

static void test_payroll__approval_excludes_who_is_no_longer_payable(void **state)
{
	fixture *f = *state;
	json_t *run = NULL, *entries = NULL, *entry;
	int64_t id, prepared_total, size, n, total, excluded;
	const char *data;

	id = prepare(f, f->line);
	assert_ok(lz_payroll_get_json(&run, &f->ctx, id));
	prepared_total = jint(run, "total_fen");
	json_decref(run);
	/* ben[7] was paid; a death before the period is reported after the preparation. */
	as_system(f);
	assert_ok(lz_beneficiary_set_status(&f->ctx, f->ben[7], "deceased", "2024-12-20", "病故（补报）"));
	size = ledger_size(f, f->a11);

	as(f, P_CHECKER);
	assert_ok(lz_payroll_approve(&f->ctx, id));
	assert_ok(lz_payroll_get_json(&run, &f->ctx, id));
	assert_string_equal(json_string_value(json_object_get(run, "status")), "approved");
	assert_int_equal(jint(run, "approved_count"), jint(run, "count") - 1);
	assert_int_equal(jint(run, "approved_fen"), prepared_total - 60000);
	assert_int_equal(jint(run, "excluded_at_approval"), 1);
	assert_int_equal(allocation_spent(f, f->line), prepared_total - 60000);
	all_lines(f, id, &n, &total, &excluded);
	assert_int_equal(excluded, 1);
	assert_int_equal(total, prepared_total - 60000);
	assert_int_equal(count(f, "SELECT count(*) FROM payroll_line WHERE excluded_reason LIKE "
	                          "'deceased on 2024-12-20%'"),
	                 1);

	/* One ledger entry, with ids, count, total and digest — no personal data. */
	assert_int_equal(ledger_size(f, f->a11), size + 1);
	as_system(f);
	assert_ok(lz_ledger_entries(&entries, &f->ctx, f->a11, size, size + 1));
	entry = json_array_get(json_is_array(entries) ? entries : json_object_get(entries, "entries"), 0);
	assert_non_null(entry);
	data = json_dumps(entry, JSON_COMPACT);
	assert_null(strstr(data, "420527"));
	assert_null(strstr(data, "移民"));
	free((void *)data);
	assert_int_equal(count(f, "SELECT count(*) FROM audit_log WHERE action = 'payroll.approve'"), 1);
	assert_int_equal(jint(run, "ledger_index"), size);
	assert_int_equal(strlen(json_string_value(json_object_get(run, "lines_digest"))), 64);
	json_decref(run);
	json_decref(entries);

	/* Approved once: a second approval or a new run of the same period is a conflict. */
	as(f, P_CHECKER);
	expect_error(lz_payroll_approve(&f->ctx, id), LZ_ECONFLICT, "status");
	as(f, P_MAKER);
	expect_error(lz_payroll_prepare(NULL, &f->ctx, f->prog, "2025-06-01", "2025-06-30", f->line),
	             LZ_ECONFLICT, "period_start");
}

static void test_payroll__a_short_allocation_is_a_conflict_and_writes_nothing(void **state)
{
	fixture *f = *state;
	json_t *run = NULL;
	int64_t small, id, before, size;

	as_system(f);
	small = make_allocation(f, f->a11, f->alloc_county, 60000 * 10); /* ten people's worth */
	id = prepare(f, small);
	/* A death reported late would be written at approval; the refusal undoes it too. */
	as_system(f);
	assert_ok(lz_beneficiary_set_status(&f->ctx, f->ben[8], "deceased", "2024-12-20", "病故"));
	before = rows(f);
	size = ledger_size(f, f->a11);
	as(f, P_CHECKER);
	expect_error(lz_payroll_approve(&f->ctx, id), LZ_ECONFLICT, "allocation_id");
	assert_int_equal(rows(f), before);
	assert_int_equal(ledger_size(f, f->a11), size);
	assert_int_equal(allocation_spent(f, small), 0);
	assert_ok(lz_payroll_get_json(&run, &f->ctx, id));
	assert_string_equal(json_string_value(json_object_get(run, "status")), "prepared");
	json_decref(run);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_payroll__prepare_agrees_with_the_per_person_rule, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_payroll__bad_input_and_roles_are_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_payroll__a_prepared_run_is_frozen, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_payroll__the_maker_may_not_approve, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_payroll__approval_excludes_who_is_no_longer_payable, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_payroll__a_short_allocation_is_a_conflict_and_writes_nothing,
	                                    setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
