/* test_beneficiary.c — the beneficiaries register: validation, personal data never
 * in clear, masks, status history, eligibility for each reason, and the set-based
 * eligibility SQL agreeing with the per-person rule. */
#include "helpers.h"

#include "auth/auth.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/idcard.h"
#include "base/json.h"
#include "funds/beneficiary.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Every test starts from a fresh store (the clock says 2026-10-27):
 *
 *	100000 national
 *	├── 420000 Hubei (a)    ── 420500 Yichang (a1)  ── 420527 Zigui (a11): programme "prog"
 *	└── 330000 Zhejiang (b) ── 330100 Hangzhou (b1) ── 330122 Tonglu (b11): programme "prog_b"
 */
typedef struct {
	lz_test_env env;
	lz_ctx ctx;
	int64_t national, a, a1, a11, b, b1, b11;
	int64_t prog, prog_b;
} fixture;

static int64_t make_programme(fixture *f, int64_t bureau_id, const char *name, int64_t amount, int years,
							  const char *frequency)
{
	lz_programme_input in = {bureau_id, name, amount, years, frequency};
	int64_t id = 0;
	assert_ok(lz_programme_create(&id, &f->ctx, &in));
	return id;
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	lz_test_env_setup(&f->env);
	lz_test_ctx(&f->ctx, &f->env);
	f->national = lz_test_bureau(&f->ctx, "100000", "国家移民管理局", "national", 0);
	f->a = lz_test_bureau(&f->ctx, "420000", "湖北省移民局", "province", f->national);
	f->a1 = lz_test_bureau(&f->ctx, "420500", "宜昌市移民局", "city", f->a);
	f->a11 = lz_test_bureau(&f->ctx, "420527", "秭归县移民局", "county", f->a1);
	f->b = lz_test_bureau(&f->ctx, "330000", "浙江省移民局", "province", f->national);
	f->b1 = lz_test_bureau(&f->ctx, "330100", "杭州市移民局", "city", f->b);
	f->b11 = lz_test_bureau(&f->ctx, "330122", "桐庐县移民局", "county", f->b1);
	f->prog = make_programme(f, f->a11, "三峡移民后期扶持", 0, 0, NULL);
	f->prog_b = make_programme(f, f->b11, "富春江水库移民后期扶持", 0, 0, "quarterly");
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

static void act_as(fixture *f, lz_role role, int64_t bureau_id)
{
	lz_bureau b;
	lz_ctx_act_as_system(&f->ctx, "test");
	if (role == LZ_ROLE_SYSTEM)
		return;
	assert_ok(lz_bureau_get(&b, &f->ctx, bureau_id));
	memset(&f->ctx.actor, 0, sizeof(f->ctx.actor));
	f->ctx.actor.user_id = 1000 + bureau_id;
	f->ctx.actor.role = role;
	f->ctx.actor.bureau_id = bureau_id;
	snprintf(f->ctx.actor.bureau_path, sizeof(f->ctx.actor.bureau_path), "%s", b.path);
	snprintf(f->ctx.actor.login, sizeof(f->ctx.actor.login), "%s-%lld", lz_role_name(role),
	         (long long)bureau_id);
}

static int64_t count(fixture *f, const char *sql)
{
	lz_conn *c;
	int64_t n = -1;
	assert_ok(lz_ctx_conn(&c, &f->ctx));
	assert_ok(lz_exec_int(&n, c, sql, true, NULL));
	return n;
}

static int64_t rows(fixture *f)
{
	return count(
	    f, "SELECT (SELECT count(*) FROM beneficiary) + (SELECT count(*) FROM beneficiary_status) + "
	       "(SELECT count(*) FROM programme) + (SELECT count(*) FROM audit_log)");
}

static int32_t day(const char *s)
{
	int32_t d = 0;
	assert_ok(lz_date_parse(&d, s));
	return d;
}

/* A valid ID number of Zigui county from a birth date and a sequence. */
static void make_id(char out[19], const char *birth_yyyymmdd, int seq)
{
	char first[32];
	snprintf(first, sizeof(first), "420527%.8s%03d", birth_yyyymmdd, seq % 1000);
	memcpy(out, first, 17);
	out[17] = lz_idcard_check_char(first);
	out[18] = '\0';
}

static int64_t make_beneficiary(fixture *f, int64_t programme, const char *id_number, const char *name,
								const char *village, const char *relocated_on)
{
	lz_beneficiary_input in = {0};
	int64_t id = 0;
	in.programme_id = programme;
	in.id_number = id_number;
	in.name = name;
	in.village = village;
	in.household_id = "H-001";
	in.relocated_on = relocated_on;
	in.bank_account = "6222 0212 3456 7896 789";
	assert_ok(lz_beneficiary_create(&id, &f->ctx, &in));
	return id;
}

static const char *jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	if (!s)
		fail_msg("no string '%s'", key);
	return s;
}

/* ---------------------------------------------------------------- programmes */

static void test_beneficiary__programme_defaults_and_amounts(void **state)
{
	fixture *f = *state;
	lz_programme p;
	int64_t id, total = 0;
	const char *starts[] = {"2026-01-01", "2026-04-01", "2026-07-01", "2026-10-01"};
	const char *ends[] = {"2026-03-31", "2026-06-30", "2026-09-30", "2026-12-31"};

	assert_ok(lz_programme_get(&p, &f->ctx, f->prog));
	assert_int_equal(p.amount_per_year_fen, 60000);
	assert_int_equal(p.years, 20);
	assert_int_equal(p.periods_per_year, 1);
	assert_int_equal(lz_programme_period_amount(&p, day("2026-01-01"), day("2026-12-31")), 60000);

	/* 600.01 yuan a year, quarterly: three quarters of 15000 fen and a last of 15001. */
	id = make_programme(f, f->a11, "试点", 60001, 10, "quarterly");
	assert_ok(lz_programme_get(&p, &f->ctx, id));
	for (int i = 0; i < 4; i++) {
		int64_t amount = lz_programme_period_amount(&p, day(starts[i]), day(ends[i]));
		assert_int_equal(amount, i == 3 ? 15001 : 15000);
		total += amount;
	}
	assert_int_equal(total, 60001);

	/* Bad input names the field and writes nothing. */
	int64_t before = rows(f);
	lz_programme_input in = {f->a11, "坏", -5, 0, NULL};
	expect_error(lz_programme_create(NULL, &f->ctx, &in), LZ_EINVALID, "amount_per_year_fen");
	in.amount_per_year_fen = 0;
	in.years = 101;
	expect_error(lz_programme_create(NULL, &f->ctx, &in), LZ_EINVALID, "years");
	in.years = 0;
	in.frequency = "weekly";
	expect_error(lz_programme_create(NULL, &f->ctx, &in), LZ_EINVALID, "frequency");
	in.frequency = NULL;
	in.name = "试点";
	expect_error(lz_programme_create(NULL, &f->ctx, &in), LZ_ECONFLICT, "name");
	in.name = "";
	expect_error(lz_programme_create(NULL, &f->ctx, &in), LZ_EINVALID, "name");
	assert_int_equal(rows(f), before);
	/* Only finance, directors and admins create programmes. */
	act_as(f, LZ_ROLE_CLERK, f->a11);
	in.name = "clerk's";
	expect_error(lz_programme_create(NULL, &f->ctx, &in), LZ_EFORBIDDEN, NULL);
	act_as(f, LZ_ROLE_FINANCE, f->b11);
	in.name = "elsewhere";
	expect_error(lz_programme_create(NULL, &f->ctx, &in), LZ_ENOTFOUND, NULL);
}

/* ---------------------------------------------------------------- registration */

static void test_beneficiary__invalid_id_number_is_refused_and_writes_nothing(void **state)
{
	fixture *f = *state;
	lz_beneficiary_input in = {0};
	char id[19];
	int64_t before = rows(f);

	make_id(id, "19900307", 123);
	in.programme_id = f->prog;
	in.name = "王大山";
	in.relocated_on = "2003-06-01";
	in.id_number = "42052719900307123"; /* 17 characters */
	expect_error(lz_beneficiary_create(NULL, &f->ctx, &in), LZ_EINVALID, "id_number");
	assert_non_null(strstr(lz_error_last()->message, "18 characters"));
	id[17] = id[17] == '0' ? '1' : '0';
	in.id_number = id;
	expect_error(lz_beneficiary_create(NULL, &f->ctx, &in), LZ_EINVALID, "id_number");
	assert_non_null(strstr(lz_error_last()->message, "check character"));
	assert_null(strstr(lz_error_last()->message, "4205271990"));
	make_id(id, "19900230", 123);
	expect_error(lz_beneficiary_create(NULL, &f->ctx, &in), LZ_EINVALID, "id_number");
	assert_non_null(strstr(lz_error_last()->message, "birth date"));

	/* Other fields. */
	make_id(id, "19900307", 123);
	in.relocated_on = "2027-01-01";
	expect_error(lz_beneficiary_create(NULL, &f->ctx, &in), LZ_EINVALID, "relocated_on");
	in.relocated_on = "2003-02-30";
	expect_error(lz_beneficiary_create(NULL, &f->ctx, &in), LZ_EINVALID, "relocated_on");
	in.relocated_on = "2003-06-01";
	in.bank_account = "6222-0212";
	expect_error(lz_beneficiary_create(NULL, &f->ctx, &in), LZ_EINVALID, "bank_account");
	in.bank_account = "1234";
	expect_error(lz_beneficiary_create(NULL, &f->ctx, &in), LZ_EINVALID, "bank_account");
	in.bank_account = NULL;
	in.name = " ";
	expect_error(lz_beneficiary_create(NULL, &f->ctx, &in), LZ_EINVALID, "name");
	in.name = "王大山";
	in.bureau_id = f->a1;
	expect_error(lz_beneficiary_create(NULL, &f->ctx, &in), LZ_EINVALID, "bureau_id");
	in.bureau_id = 0;
	in.programme_id = 999999;
	expect_error(lz_beneficiary_create(NULL, &f->ctx, &in), LZ_ENOTFOUND, "programme_id");
	assert_int_equal(rows(f), before);
}

static void test_beneficiary__duplicate_id_in_a_programme_is_a_conflict(void **state)
{
	fixture *f = *state;
	lz_beneficiary_input in = {0};
	char id[19], lower[19];
	int64_t other, before;

	make_id(id, "19851111", 457);
	make_beneficiary(f, f->prog, id, "李秀英", "茅坪村", "2002-09-15");
	before = rows(f);
	in.programme_id = f->prog;
	in.id_number = id;
	in.name = "李秀英";
	in.relocated_on = "2002-09-15";
	expect_error(lz_beneficiary_create(NULL, &f->ctx, &in), LZ_ECONFLICT, "id_number");
	assert_int_equal(rows(f), before);

	/* The same person in another programme of the bureau is another enrolment. */
	other = make_programme(f, f->a11, "小水电移民扶持", 0, 0, NULL);
	in.programme_id = other;
	assert_ok(lz_beneficiary_create(NULL, &f->ctx, &in));

	/* A lower-case x matches the upper-case one. */
	char xid[19] = "";
	for (int seq = 0; seq < 1000 && !xid[0]; seq++) {
		make_id(lower, "19700101", seq);
		if (lower[17] == 'X')
			memcpy(xid, lower, 19);
	}
	assert_true(xid[0] != '\0');
	make_beneficiary(f, f->prog, xid, "张三", "茅坪村", "2002-09-15");
	xid[17] = 'x';
	in.programme_id = f->prog;
	in.id_number = xid;
	expect_error(lz_beneficiary_create(NULL, &f->ctx, &in), LZ_ECONFLICT, "id_number");
}

/* Nothing the store holds for a beneficiary contains the number, its digits after
 * the division code, or the bank account. */
static void test_beneficiary__personal_data_never_stored_in_clear(void **state)
{
	fixture *f = *state;
	static const char sql_row[] =
	    "SELECT name, village, household_id, status_reason, id_number_sealed, id_number_index, "
	    "id_number_commit, pd_salt, bank_account_sealed FROM beneficiary WHERE id = ?";
	static const char sql_status[] =
	    "SELECT reason, actor FROM beneficiary_status WHERE beneficiary_id = ?";
	static const char sql_audit[] =
	    "SELECT action, entity_type, entity_id, before_digest, after_digest FROM audit_log";
	const char *needles[] = {NULL, NULL, "62220212345678967", "6222021234567896789"};
	char id[19];
	lz_conn *c;
	lz_stmt *s;
	int64_t b;
	int rc;

	make_id(id, "19620704", 881);
	needles[0] = id;
	needles[1] = id + 6;
	b = make_beneficiary(f, f->prog, id, "陈建国", "郭家坝村", "1998-04-01");
	assert_ok(lz_beneficiary_set_status(&f->ctx, b, "suspended", "2026-01-05", "核查中"));
	assert_ok(lz_ctx_conn(&c, &f->ctx));

	assert_ok(lz_stmt_prepare(&s, c, sql_row));
	assert_ok(lz_stmt_bindv(s, "i", b));
	assert_int_equal(lz_stmt_step(s), LZ_ROW);
	for (int col = 0; col < 9; col++) {
		size_t len = 0;
		const void *v = col < 4 ? lz_stmt_text(s, col) : lz_stmt_blob(s, col, &len);
		if (col < 4)
			len = strlen(v);
		assert_true(col == 8 || len > 0);
		for (size_t k = 0; k < 4; k++)
			if (len && memmem(v, len, needles[k], strlen(needles[k])))
				fail_msg("column %d holds personal data in clear", col);
	}
	assert_int_equal(lz_stmt_step(s), LZ_DONE);
	lz_stmt_finish(s);

	assert_ok(lz_stmt_prepare(&s, c, sql_status));
	assert_ok(lz_stmt_bindv(s, "i", b));
	while ((rc = lz_stmt_step(s)) == LZ_ROW)
		for (int col = 0; col < 2; col++)
			for (size_t k = 0; k < 4; k++)
				assert_null(strstr(lz_stmt_text(s, col), needles[k]));
	assert_int_equal(rc, LZ_DONE);
	lz_stmt_finish(s);

	assert_ok(lz_stmt_prepare(&s, c, sql_audit));
	while ((rc = lz_stmt_step(s)) == LZ_ROW)
		for (int col = 0; col < 5; col++)
			for (size_t k = 0; k < 4; k++)
				assert_null(strstr(lz_stmt_text(s, col), needles[k]));
	assert_int_equal(rc, LZ_DONE);
	lz_stmt_finish(s);

	/* The commitment is SHA-256(salt || number), and stays fixed. */
	uint8_t commit[32], commit2[32];
	assert_ok(lz_beneficiary_commitment(commit, &f->ctx, b));
	assert_ok(lz_beneficiary_commitment(commit2, &f->ctx, b));
	assert_memory_equal(commit, commit2, 32);
}

static void test_beneficiary__output_is_masked(void **state)
{
	fixture *f = *state;
	json_t *j = NULL, *list = NULL;
	char id[19], want[19];
	int64_t b, next;
	lz_beneficiary_query q = LZ_BENEFICIARY_QUERY_INIT;
	lz_buf dump = LZ_BUF_INIT;

	make_id(id, "19760212", 314);
	b = make_beneficiary(f, f->prog, id, "刘翠兰", "屈原镇", "2004-03-10");
	snprintf(want, sizeof(want), "420527********%.4s", id + 14);
	assert_ok(lz_beneficiary_get_json(&j, &f->ctx, b));
	assert_string_equal(jstr(j, "id_number"), want);
	assert_string_equal(jstr(j, "bank_account"), "****6789");
	assert_string_equal(jstr(j, "name"), "刘翠兰");
	assert_string_equal(jstr(j, "village"), "屈原镇");
	assert_string_equal(jstr(j, "relocated_on"), "2004-03-10");
	assert_string_equal(jstr(j, "support_ends_on"), "2024-03-09");
	assert_string_equal(jstr(j, "status"), "active");
	assert_int_equal(json_array_size(json_object_get(j, "history")), 1);
	lz_json_dump(&dump, j);
	assert_null(strstr(dump.ptr, id));
	assert_null(strstr(dump.ptr, "6222021234567896789"));

	assert_ok(lz_beneficiary_list(&list, &next, &f->ctx, &q));
	assert_int_equal(json_array_size(list), 1);
	assert_string_equal(jstr(json_array_get(list, 0), "id_number"), want);
	lz_buf_clear(&dump);
	lz_json_dump(&dump, list);
	assert_null(strstr(dump.ptr, id));
	json_decref(j);
	json_decref(list);
	lz_buf_dispose(&dump);
}

/* ---------------------------------------------------------------- status */

static void test_beneficiary__status_changes_keep_a_history(void **state)
{
	fixture *f = *state;
	json_t *j = NULL, *h;
	char id[19];
	int64_t b, before;

	make_id(id, "19550101", 12);
	b = make_beneficiary(f, f->prog, id, "赵老汉", "沙镇溪", "2000-01-01");
	act_as(f, LZ_ROLE_CLERK, f->a11);
	assert_ok(lz_beneficiary_set_status(&f->ctx, b, "suspended", "2025-03-01", "外出务工，待核实"));
	assert_ok(lz_beneficiary_set_status(&f->ctx, b, "active", "2025-06-01", NULL));
	before = rows(f);
	/* Refused: the same status, a date before the current one, no reason, an unknown status, the future.
	 */
	expect_error(lz_beneficiary_set_status(&f->ctx, b, "active", "2025-07-01", NULL), LZ_ECONFLICT,
	             "status");
	expect_error(lz_beneficiary_set_status(&f->ctx, b, "moved", "2025-05-31", "迁出"), LZ_EINVALID,
	             "since");
	expect_error(lz_beneficiary_set_status(&f->ctx, b, "deceased", "2026-03-02", ""), LZ_EINVALID,
	             "reason");
	expect_error(lz_beneficiary_set_status(&f->ctx, b, "gone", "2026-03-02", "x"), LZ_EINVALID, "status");
	expect_error(lz_beneficiary_set_status(&f->ctx, b, "deceased", "2026-12-02", "x"), LZ_EINVALID,
	             "since");
	assert_int_equal(rows(f), before);
	assert_ok(lz_beneficiary_set_status(&f->ctx, b, "deceased", "2026-03-02", "病故"));
	/* Death is final. */
	expect_error(lz_beneficiary_set_status(&f->ctx, b, "active", "2026-04-01", NULL), LZ_ECONFLICT,
	             "status");

	assert_ok(lz_beneficiary_get_json(&j, &f->ctx, b));
	assert_string_equal(jstr(j, "status"), "deceased");
	assert_string_equal(jstr(j, "status_since"), "2026-03-02");
	assert_string_equal(jstr(j, "status_reason"), "病故");
	h = json_object_get(j, "history");
	assert_int_equal(json_array_size(h), 4);
	assert_string_equal(jstr(json_array_get(h, 0), "status"), "active");
	assert_string_equal(jstr(json_array_get(h, 0), "since"), "2000-01-01");
	assert_string_equal(jstr(json_array_get(h, 1), "status"), "suspended");
	assert_string_equal(jstr(json_array_get(h, 1), "reason"), "外出务工，待核实");
	assert_string_equal(jstr(json_array_get(h, 2), "status"), "active");
	assert_string_equal(jstr(json_array_get(h, 3), "since"), "2026-03-02");
	char login[64];
	snprintf(login, sizeof(login), "clerk-%lld", (long long)f->a11);
	assert_string_equal(jstr(json_array_get(h, 3), "actor"), login);
	json_decref(j);
	assert_int_equal(count(f, "SELECT count(*) FROM audit_log WHERE action = 'beneficiary.status'"), 3);
	assert_int_equal(count(f, "SELECT count(*) FROM audit_log WHERE action = 'beneficiary.create'"), 1);
}

/* ---------------------------------------------------------------- eligibility */

static void expect_payable(fixture *f, int64_t b, int64_t prog, const char *start, const char *end,
						   bool want_ok, const char *want_reason, int64_t want_amount)
{
	bool ok = !want_ok;
	char reason[160];
	int64_t amount = -1;

	assert_ok(lz_beneficiary_payable(&ok, reason, &amount, &f->ctx, b, prog, day(start), day(end)));
	if (ok != want_ok)
		fail_msg("payable %s..%s: expected %d, got %d (%s)", start, end, want_ok, ok, reason);
	assert_int_equal(amount, want_amount);
	if (want_reason && !strstr(reason, want_reason))
		fail_msg("reason '%s' does not say '%s'", reason, want_reason);
	if (want_ok)
		assert_string_equal(reason, "");
}

static void test_beneficiary__payable_for_each_reason(void **state)
{
	fixture *f = *state;
	char id[19];
	int64_t active, dead, moved, suspended, ended, late, other_prog, feb29;

	make_id(id, "19600101", 1);
	active = make_beneficiary(f, f->prog, id, "甲", "A", "2010-05-01");
	make_id(id, "19600101", 2);
	dead = make_beneficiary(f, f->prog, id, "乙", "A", "2010-05-01");
	assert_ok(lz_beneficiary_set_status(&f->ctx, dead, "deceased", "2026-03-02", "病故"));
	make_id(id, "19600101", 3);
	moved = make_beneficiary(f, f->prog, id, "丙", "A", "2010-05-01");
	assert_ok(lz_beneficiary_set_status(&f->ctx, moved, "moved", "2025-12-20", "迁往宜昌"));
	make_id(id, "19600101", 4);
	suspended = make_beneficiary(f, f->prog, id, "丁", "A", "2010-05-01");
	assert_ok(lz_beneficiary_set_status(&f->ctx, suspended, "suspended", "2025-11-11", "身份核查"));
	make_id(id, "19600101", 5);
	ended = make_beneficiary(f, f->prog, id, "戊", "A", "2005-06-01");
	make_id(id, "19600101", 6);
	late = make_beneficiary(f, f->prog, id, "己", "A", "2026-08-15");
	make_id(id, "19600101", 7);
	feb29 = make_beneficiary(f, f->prog, id, "庚", "A", "2004-02-29");
	other_prog = make_programme(f, f->a11, "另一项目", 0, 0, NULL);

	expect_payable(f, active, f->prog, "2026-01-01", "2026-12-31", true, NULL, 60000);
	/* Died during 2026: paid for 2026 (active on its first day), not for 2027. */
	expect_payable(f, dead, f->prog, "2026-01-01", "2026-12-31", true, NULL, 60000);
	expect_payable(f, dead, f->prog, "2027-01-01", "2027-12-31", false, "deceased on 2026-03-02", 0);
	expect_payable(f, moved, f->prog, "2026-01-01", "2026-12-31", false, "moved away on 2025-12-20", 0);
	expect_payable(f, moved, f->prog, "2025-01-01", "2025-12-31", true, NULL, 60000);
	expect_payable(f, suspended, f->prog, "2026-01-01", "2026-12-31", false, "suspended: 身份核查", 0);
	/* Relocated 2005-06-01 for 20 years: support ended on 2025-05-31. */
	expect_payable(f, ended, f->prog, "2026-01-01", "2026-12-31", false, "support ended on 2025-05-31",
	               0);
	expect_payable(f, ended, f->prog, "2025-01-01", "2025-12-31", true, NULL, 60000);
	/* Relocated after the period, and during it. */
	expect_payable(f, late, f->prog, "2025-01-01", "2025-12-31", false, "relocated on 2026-08-15", 0);
	expect_payable(f, late, f->prog, "2026-01-01", "2026-12-31", true, NULL, 60000);
	/* 29 February 2004 + 20 years: support to 2024-02-28. */
	expect_payable(f, feb29, f->prog, "2024-02-28", "2024-02-29", true, NULL, 60000);
	expect_payable(f, feb29, f->prog, "2024-02-29", "2024-12-31", false, "support ended on 2024-02-28",
	               0);
	/* Not this programme's. */
	expect_payable(f, active, other_prog, "2026-01-01", "2026-12-31", false, "not enrolled", 0);

	/* A bad period, and a programme or beneficiary out of scope. */
	bool ok;
	char reason[160];
	int64_t amount;
	expect_error(lz_beneficiary_payable(&ok, reason, &amount, &f->ctx, active, f->prog, day("2026-02-01"),
	                                    day("2026-01-01")),
	             LZ_EINVALID, "period_end_day");
	act_as(f, LZ_ROLE_FINANCE, f->b11);
	expect_error(lz_beneficiary_payable(&ok, reason, &amount, &f->ctx, active, f->prog, day("2026-01-01"),
	                                    day("2026-12-31")),
	             LZ_ENOTFOUND, NULL);
}

/* ---------------------------------------------------------------- lists and tenancy */

static void test_beneficiary__list_filters_pages_and_lookup(void **state)
{
	fixture *f = *state;
	lz_beneficiary_query q = LZ_BENEFICIARY_QUERY_INIT;
	json_t *page = NULL;
	char id[19], find[19];
	int64_t next = 0, seen = 0, b;

	for (int i = 0; i < 25; i++) {
		char name[32];
		make_id(id, "19800101", 100 + i);
		if (i == 7)
			memcpy(find, id, 19);
		snprintf(name, sizeof(name), "%s%d", i % 2 ? "王" : "周", i);
		b = make_beneficiary(f, f->prog, id, name, i % 3 ? "茅坪村" : "中岭村", "2003-01-01");
		if (i % 5 == 0)
			assert_ok(lz_beneficiary_set_status(&f->ctx, b, "suspended", "2026-01-01", "核查"));
	}
	make_id(id, "19800101", 900);
	assert_ok(lz_tx_begin(&f->ctx, LZ_TX_WRITE));
	lz_beneficiary_input in = {0};
	in.programme_id = f->prog_b;
	in.id_number = id;
	in.name = "浙江人";
	in.relocated_on = "2010-01-01";
	assert_ok(lz_beneficiary_create(NULL, &f->ctx, &in));
	assert_ok(lz_tx_commit(&f->ctx));

	/* Pages of 10 cover all 26 exactly once. */
	q.limit = 10;
	do {
		q.after_id = next;
		assert_ok(lz_beneficiary_list(&page, &next, &f->ctx, &q));
		seen += (int64_t)json_array_size(page);
		json_decref(page);
	} while (next);
	assert_int_equal(seen, 26);

	q = (lz_beneficiary_query)LZ_BENEFICIARY_QUERY_INIT;
	q.status = "suspended";
	assert_ok(lz_beneficiary_list(&page, &next, &f->ctx, &q));
	assert_int_equal(json_array_size(page), 5);
	json_decref(page);
	q.status = NULL;
	q.village = "中岭村";
	assert_ok(lz_beneficiary_list(&page, &next, &f->ctx, &q));
	assert_int_equal(json_array_size(page), 9);
	json_decref(page);
	q.village = NULL;
	q.q = "王";
	assert_ok(lz_beneficiary_list(&page, &next, &f->ctx, &q));
	assert_int_equal(json_array_size(page), 12);
	json_decref(page);
	q.q = "%";
	assert_ok(lz_beneficiary_list(&page, &next, &f->ctx, &q));
	assert_int_equal(json_array_size(page), 0);
	json_decref(page);
	q.q = NULL;
	q.id_number = find;
	assert_ok(lz_beneficiary_list(&page, &next, &f->ctx, &q));
	assert_int_equal(json_array_size(page), 1);
	assert_string_equal(jstr(json_array_get(page, 0), "name"), "王7");
	json_decref(page);
	q.id_number = "420527198001011";
	expect_error(lz_beneficiary_list(&page, &next, &f->ctx, &q), LZ_EINVALID, "id_number");
	q.id_number = NULL;
	q.bureau_id = f->b;
	assert_ok(lz_beneficiary_list(&page, &next, &f->ctx, &q));
	assert_int_equal(json_array_size(page), 1);
	json_decref(page);

	/* Zhejiang's staff see only Zhejiang's beneficiaries, and Hubei's read as missing. */
	act_as(f, LZ_ROLE_AUDITOR, f->b1);
	q = (lz_beneficiary_query)LZ_BENEFICIARY_QUERY_INIT;
	assert_ok(lz_beneficiary_list(&page, &next, &f->ctx, &q));
	assert_int_equal(json_array_size(page), 1);
	json_decref(page);
	q.id_number = find;
	assert_ok(lz_beneficiary_list(&page, &next, &f->ctx, &q));
	assert_int_equal(json_array_size(page), 0);
	json_decref(page);
	expect_error(lz_beneficiary_get_json(&page, &f->ctx, b), LZ_ENOTFOUND, NULL);
	q.id_number = NULL;
	q.bureau_id = f->a;
	expect_error(lz_beneficiary_list(&page, &next, &f->ctx, &q), LZ_ENOTFOUND, NULL);
	expect_error(lz_beneficiary_set_status(&f->ctx, b, "moved", "2026-05-01", "x"), LZ_EFORBIDDEN, NULL);
	act_as(f, LZ_ROLE_CLERK, f->b11);
	expect_error(lz_beneficiary_set_status(&f->ctx, b, "moved", "2026-05-01", "x"), LZ_ENOTFOUND, NULL);
	/* Roles: an ombudsman does not read the register; a reviewer reads but does not write. */
	act_as(f, LZ_ROLE_OMBUDSMAN, f->a11);
	expect_error(lz_beneficiary_get_json(&page, &f->ctx, b), LZ_EFORBIDDEN, NULL);
	act_as(f, LZ_ROLE_REVIEWER, f->a11);
	assert_ok(lz_beneficiary_get_json(&page, &f->ctx, b));
	json_decref(page);
	in.programme_id = f->prog;
	make_id(id, "19800101", 901);
	in.id_number = id;
	expect_error(lz_beneficiary_create(NULL, &f->ctx, &in), LZ_EFORBIDDEN, NULL);
}

/* ---------------------------------------------------------------- set-based rule */

static uint32_t rng(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 8) & 0xffffff;
}

/* The payable ids by the set-based statement, in order, into 'out'. */
static size_t payable_by_sql(int64_t *out, size_t cap, fixture *f, int64_t prog, int32_t start, int32_t end)
{
	lz_conn *c;
	lz_stmt *s;
	size_t n = 0;
	int rc;

	assert_ok(lz_ctx_conn(&c, &f->ctx));
	assert_ok(lz_stmt_prepare(&s, c, lz_beneficiary__payable_sql));
	assert_ok(lz_beneficiary_payable_bind(s, 1, prog, start, end));
	while ((rc = lz_stmt_step(s)) == LZ_ROW) {
		assert_true(n < cap);
		out[n++] = lz_stmt_int(s, 0);
	}
	assert_int_equal(rc, LZ_DONE);
	lz_stmt_finish(s);
	return n;
}

static void test_beneficiary__set_based_sql_agrees_with_the_rule(void **state)
{
	fixture *f = *state;
	enum { N = 300 };
	static const char *const statuses[] = {"suspended", "moved", "deceased", "active"};
	static const char *const periods[][2] = {
	    {"2026-01-01", "2026-12-31"}, {"2026-01-01", "2026-03-31"}, {"2026-07-01", "2026-09-30"},
	    {"2025-01-01", "2025-12-31"}, {"2024-04-01", "2024-06-30"}, {"2015-01-01", "2015-12-31"},
	    {"2026-10-01", "2026-10-31"}, {"1999-01-01", "1999-12-31"}, {"2030-01-01", "2030-12-31"},
	};
	int64_t ids[N], *by_sql = calloc(N, sizeof(int64_t)), progs[2];
	uint32_t seed = 20261027;
	int32_t lo = day("1995-01-01"), hi = day("2026-10-27");
	size_t payable_total = 0, refused_total = 0;

	progs[0] = f->prog;
	progs[1] = make_programme(f, f->a11, "五年期", 0, 5, "quarterly");
	/* A large batch, in one transaction as an importer would. */
	assert_ok(lz_tx_begin(&f->ctx, LZ_TX_WRITE));
	for (int i = 0; i < N; i++) {
		char id[19], date[11], name[16];
		int32_t relocated = lo + (int32_t)(rng(&seed) % (uint32_t)(hi - lo + 1)), since = relocated;
		lz_beneficiary_input in = {0};
		make_id(id, "19700101", i);
		lz_date_format(date, relocated);
		snprintf(name, sizeof(name), "p%d", i);
		in.programme_id = progs[i % 2];
		in.id_number = id;
		in.name = name;
		in.relocated_on = date;
		assert_ok(lz_beneficiary_create(&ids[i], &f->ctx, &in));
		/* Up to three status changes at increasing dates. */
		int changes = (int)(rng(&seed) % 4), current = 0; /* index in statuses; 3 = active */
		current = 3;
		for (int k = 0; k < changes && since < hi; k++) {
			int next = (int)(rng(&seed) % 4);
			if (next == current)
				continue;
			since += (int32_t)(rng(&seed) % (uint32_t)(hi - since + 1));
			lz_date_format(date, since);
			assert_ok(lz_beneficiary_set_status(&f->ctx, ids[i], statuses[next], date, "test"));
			current = next;
			if (next == 2)
				break; /* deceased is final */
		}
	}
	assert_ok(lz_tx_commit(&f->ctx));

	for (size_t p = 0; p < sizeof(periods) / sizeof(periods[0]); p++) {
		int32_t start = day(periods[p][0]), end = day(periods[p][1]);
		for (int g = 0; g < 2; g++) {
			size_t n = payable_by_sql(by_sql, N, f, progs[g], start, end), k = 0;
			for (int i = 0; i < N; i++) {
				bool ok;
				char reason[160];
				int64_t amount;
				assert_ok(lz_beneficiary_payable(&ok, reason, &amount, &f->ctx, ids[i],
				                                 progs[g], start, end));
				bool in_sql = k < n && by_sql[k] == ids[i];
				if (in_sql)
					k++;
				if (ok != in_sql)
					fail_msg("beneficiary %lld, programme %lld, %s..%s: rule says %d "
					         "(%s), SQL says %d",
					         (long long)ids[i], (long long)progs[g], periods[p][0],
					         periods[p][1], ok, reason, in_sql);
				payable_total += ok;
				refused_total += !ok && i % 2 == g;
			}
			assert_int_equal(k, n);
		}
	}
	/* The sample exercised both answers in earnest. */
	assert_true(payable_total > 300);
	assert_true(refused_total > 300);
	free(by_sql);
}

#define T(test) cmocka_unit_test_setup_teardown(test, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_beneficiary__programme_defaults_and_amounts),
	    T(test_beneficiary__invalid_id_number_is_refused_and_writes_nothing),
	    T(test_beneficiary__duplicate_id_in_a_programme_is_a_conflict),
	    T(test_beneficiary__personal_data_never_stored_in_clear),
	    T(test_beneficiary__output_is_masked),
	    T(test_beneficiary__status_changes_keep_a_history),
	    T(test_beneficiary__payable_for_each_reason),
	    T(test_beneficiary__list_filters_pages_and_lookup),
	    T(test_beneficiary__set_based_sql_agrees_with_the_rule),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
