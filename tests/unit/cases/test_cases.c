/*
 * test_cases.c — service cases, complaints and case assistance (issue 5): the
 * working calendar across China's 2026 National Day week and its make-up working
 * days, case-type validation, every out-of-order action of the state machine, the
 * clock's pause and resume, multi-level approval by distinct people, the public
 * lookup, nearest-rank percentiles against a brute-force computation, complaints'
 * target and repeats, and assistance with systemic issues and the handoff seam.
 */
#include "helpers.h"

#include "audit/audit.h"
#include "auth/auth.h"
#include "base/idcard.h"
#include "base/json.h"
#include "cases/assistance.h"
#include "cases/cases.h"
#include "cases/complaint.h"
#include "org/org.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 *	100000 national ── 420000 Hubei (a) ── 420500 Yichang (a1) ── 420527 Zigui (a11)
 *	               └── 330000 Zhejiang (b) ── 330100 Hangzhou (b1) ── 330122 Tonglu (b11)
 *
 * People in Zigui, the ombudsman in Hubei, one clerk in Tonglu.
 */
enum { P_CLERK, P_CLERK2, P_REVIEWER, P_DIRECTOR1, P_DIRECTOR2, P_OMBUDSMAN, P_OTHER_CLERK, P_COUNT };

static const struct {
	const char *login, *role, *bureau;
} people[P_COUNT] = {
    [P_CLERK] = {"clerk", "clerk", "420527"},
    [P_CLERK2] = {"clerk2", "clerk", "420527"},
    [P_REVIEWER] = {"reviewer", "reviewer", "420527"},
    [P_DIRECTOR1] = {"director1", "director", "420527"},
    [P_DIRECTOR2] = {"director2", "director", "420527"},
    [P_OMBUDSMAN] = {"ombudsman", "ombudsman", "420000"},
    [P_OTHER_CLERK] = {"tonglu.clerk", "clerk", "330122"},
};

typedef struct {
	lz_test_env env;
	lz_ctx ctx;
	int64_t national, a, a1, a11, b, b1, b11;
	int64_t staff[P_COUNT], user[P_COUNT];
	char id_number[19];
} fixture;

static void expect_message(const char *part)
{
	if (!strstr(lz_error_last()->message, part))
		fail_msg("'%s' does not say '%s'", lz_error_last()->message, part);
}

static int64_t t_of(const char *rfc3339)
{
	int64_t t = 0;
	assert_int_equal(lz_time_parse(&t, rfc3339), 0);
	return t;
}

static void set_now(fixture *f, const char *rfc3339)
{
	f->env.clock.fixed = t_of(rfc3339);
}

static void later(fixture *f, int64_t seconds)
{
	f->env.clock.fixed += seconds;
}

static void as_system(fixture *f)
{
	lz_ctx_act_as_system(&f->ctx, "test");
}

static void as(fixture *f, int who)
{
	assert_ok(lz_auth_act_as(&f->ctx, f->user[who]));
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	char first17[] = "42052719800101001";

	lz_test_env_setup(&f->env);
	lz_test_ctx(&f->ctx, &f->env);
	set_now(f, "2026-09-28T10:00:00+08:00");
	f->national = lz_test_bureau(&f->ctx, "100000", "国家移民管理局", "national", 0);
	f->a = lz_test_bureau(&f->ctx, "420000", "湖北省移民局", "province", f->national);
	f->a1 = lz_test_bureau(&f->ctx, "420500", "宜昌市移民局", "city", f->a);
	f->a11 = lz_test_bureau(&f->ctx, "420527", "秭归县移民局", "county", f->a1);
	f->b = lz_test_bureau(&f->ctx, "330000", "浙江省移民局", "province", f->national);
	f->b1 = lz_test_bureau(&f->ctx, "330100", "杭州市移民局", "city", f->b);
	f->b11 = lz_test_bureau(&f->ctx, "330122", "桐庐县移民局", "county", f->b1);
	for (int i = 0; i < P_COUNT; i++) {
		lz_staff_input in = {0};
		char no[16];
		lz_bureau bu;
		assert_ok(lz_bureau_by_code(&bu, &f->ctx, people[i].bureau));
		snprintf(no, sizeof(no), "E%03d", i);
		in.bureau_id = bu.id;
		in.employee_no = no;
		in.name = people[i].login;
		assert_ok(lz_staff_create(&f->staff[i], &f->ctx, &in));
		assert_ok(lz_user_add(&f->user[i], &f->ctx, people[i].login, people[i].role, people[i].bureau,
		                      "a-long-passphrase", f->staff[i]));
	}
	snprintf(f->id_number, sizeof(f->id_number), "%s%c", first17, lz_idcard_check_char(first17));
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

/* A type of Zigui: 'sla' hours of 'clock', 'levels' approvals, pausing or not. */
static int64_t make_type(fixture *f, const char *code, int64_t sla, const char *clock, int levels,
                         bool pauses)
{
	json_t *names = json_pack("{s:s, s:s}", "zh-CN", "移民安置证明", "en", "Resettlement certificate");
	json_t *materials = json_pack("[s, s]", "身份证", "安置协议");
	lz_case_type_input in = {f->a11, code, names, materials, sla, clock, levels, pauses, true};
	int64_t id = 0;
	as_system(f);
	assert_ok(lz_case_type_create(&id, &f->ctx, &in));
	json_decref(names);
	json_decref(materials);
	return id;
}

/* Receives a case at the window (as the clerk). */
static lz_case_receipt receive(fixture *f, int64_t type)
{
	lz_case_input in = {type, "window", 0, "张三丰", f->id_number, "138 0013 8000", "zhang@example.cn",
	                    "证明", 0, {{{0}, 0, NULL}}};
	lz_case_receipt r;
	as(f, P_CLERK);
	assert_ok(lz_case_receive(&r, &f->ctx, &in));
	return r;
}

/* received → in_review, assigned to the clerk. */
static void to_review(fixture *f, int64_t id)
{
	as(f, P_CLERK);
	assert_ok(lz_case_accept(&f->ctx, id, NULL));
	assert_ok(lz_case_assign(&f->ctx, id, f->staff[P_CLERK], NULL));
	assert_ok(lz_case_start_review(&f->ctx, id, NULL));
}

/* The stored derived columns equal what the events replay to. */
static void assert_derived_consistent(fixture *f, int64_t id)
{
	lz_case_derived stored, replayed;
	as_system(f);
	assert_ok(lz_case_stored(&stored, &f->ctx, id, 0));
	assert_ok(lz_case_recompute(&replayed, NULL, &f->ctx, id, false));
	assert_int_equal(stored.state, replayed.state);
	assert_int_equal(stored.outcome, replayed.outcome);
	assert_int_equal(stored.assignee_staff_id, replayed.assignee_staff_id);
	assert_int_equal(stored.clock_used, replayed.clock_used);
	assert_int_equal(stored.clock_mark, replayed.clock_mark);
	assert_int_equal(stored.due_at, replayed.due_at);
	assert_int_equal(stored.decided_at, replayed.decided_at);
	assert_int_equal(stored.clock_seconds, replayed.clock_seconds);
	assert_int_equal(stored.paused, replayed.paused);
	assert_int_equal(stored.event_count, replayed.event_count);
	assert_int_equal(stored.clock.used, replayed.clock.used);
	assert_int_equal(stored.clock.overdue, replayed.clock.overdue);
}

/* ---------------------------------------------------------------- calendar */

/* China's 2026 National Day arrangement as this test sets it: 1–7 October off
 * (the weekdays among them holidays), Sunday 20 September and Saturday 10 October
 * make-up working days. */
static void national_day_2026(fixture *f, int64_t bureau)
{
	static const char *const holidays[] = {"2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06",
	                                       "2026-10-07"};
	as_system(f);
	for (size_t i = 0; i < sizeof(holidays) / sizeof(holidays[0]); i++)
		assert_ok(lz_calendar_set_day(&f->ctx, bureau, holidays[i], "holiday", "国庆节", NULL));
	assert_ok(lz_calendar_set_day(&f->ctx, bureau, "2026-09-20", "workday", "调休", NULL));
	assert_ok(lz_calendar_set_day(&f->ctx, bureau, "2026-10-10", "workday", "调休", NULL));
}

static void test_cases__calendar_across_national_day_2026(void **state)
{
	fixture *f = *state;
	lz_calendar cal;
	json_t *list;
	int32_t day;

	/* Set at the province: Zigui inherits it. */
	national_day_2026(f, f->a);
	assert_ok(lz_calendar_load(&cal, &f->ctx, f->a11));
	assert_ok(lz_date_parse(&day, "2026-10-01"));
	assert_false(lz_calendar_is_workday(&cal, day));
	assert_false(lz_calendar_is_workday(&cal, day + 2)); /* Saturday 3 October: a weekend */
	assert_true(lz_calendar_is_workday(&cal, day + 7));  /* Thursday 8 October */
	assert_true(lz_calendar_is_workday(&cal, day + 9));  /* Saturday 10 October: make-up */
	assert_ok(lz_date_parse(&day, "2026-09-20"));
	assert_true(lz_calendar_is_workday(&cal, day));
	assert_false(lz_calendar_is_workday(NULL, day)); /* the default week: a Sunday */

	/* 30 September 09:00 to 9 October 17:00: three working days. */
	assert_int_equal(lz_calendar_working_seconds(&cal, t_of("2026-09-30T09:00:00+08:00"),
	                                             t_of("2026-10-09T17:00:00+08:00")),
	                 24 * 3600);
	/* …and the make-up Saturday adds one. */
	assert_int_equal(lz_calendar_working_seconds(&cal, t_of("2026-09-30T09:00:00+08:00"),
	                                             t_of("2026-10-10T17:00:00+08:00")),
	                 32 * 3600);
	/* Evenings and nights count nothing; parts of days count their part. */
	assert_int_equal(lz_calendar_working_seconds(&cal, t_of("2026-09-30T16:30:00+08:00"),
	                                             t_of("2026-10-08T09:45:00+08:00")),
	                 30 * 60 + 45 * 60);
	assert_int_equal(lz_calendar_working_seconds(&cal, t_of("2026-10-01T10:00:00+08:00"),
	                                             t_of("2026-10-07T18:00:00+08:00")),
	                 0);
	/* Two working hours from 30 September 16:00 fall on 8 October 10:00. */
	assert_int_equal(lz_calendar_add_working(&cal, t_of("2026-09-30T16:00:00+08:00"), 2 * 3600),
	                 t_of("2026-10-08T10:00:00+08:00"));
	/* Eight from Friday 9 October 12:00: five that day, three on the make-up Saturday. */
	assert_int_equal(lz_calendar_add_working(&cal, t_of("2026-10-09T12:00:00+08:00"), 8 * 3600),
	                 t_of("2026-10-10T12:00:00+08:00"));
	/* An amount that ends at 17:00 answers 17:00; from a night, work starts at 09:00. */
	assert_int_equal(lz_calendar_add_working(&cal, t_of("2026-10-08T09:00:00+08:00"), 8 * 3600),
	                 t_of("2026-10-08T17:00:00+08:00"));
	assert_int_equal(lz_calendar_add_working(&cal, t_of("2026-10-07T23:00:00+08:00"), 1),
	                 t_of("2026-10-08T09:00:01+08:00"));
	/* Round trip: adding what was measured lands where the measure ended. */
	for (int h = 1; h < 60; h += 7) {
		int64_t from = t_of("2026-09-18T11:15:00+08:00");
		int64_t to = lz_calendar_add_working(&cal, from, (int64_t)h * 3600);
		assert_int_equal(lz_calendar_working_seconds(&cal, from, to), (int64_t)h * 3600);
	}
	/* The 2nd working day after 30 September is 9 October (8 October is the 1st). */
	assert_int_equal(lz_calendar_working_days_after(&cal, t_of("2026-09-30T12:00:00+08:00"), 2),
	                 t_of("2026-10-09T17:00:00+08:00"));
	lz_calendar_dispose(&cal);

	/* Zigui keeps 8 October as a local holiday: its own row wins; Hubei's does not change. */
	assert_ok(lz_calendar_set_day(&f->ctx, f->a11, "2026-10-08", "holiday", "地方", NULL));
	assert_ok(lz_calendar_load(&cal, &f->ctx, f->a11));
	assert_int_equal(lz_calendar_add_working(&cal, t_of("2026-09-30T16:00:00+08:00"), 2 * 3600),
	                 t_of("2026-10-09T10:00:00+08:00"));
	lz_calendar_dispose(&cal);
	assert_ok(lz_calendar_load(&cal, &f->ctx, f->a));
	assert_int_equal(lz_calendar_add_working(&cal, t_of("2026-09-30T16:00:00+08:00"), 2 * 3600),
	                 t_of("2026-10-08T10:00:00+08:00"));
	lz_calendar_dispose(&cal);

	assert_ok(lz_calendar_list(&list, &f->ctx, f->a11, "2026-09-01", "2026-10-31"));
	assert_int_equal(json_array_size(list), 8);
	json_decref(list);
	expect_error(lz_calendar_set_day(&f->ctx, f->a11, "2026-13-01", "holiday", NULL, NULL), LZ_EINVALID,
	             "date");
	expect_error(lz_calendar_set_day(&f->ctx, f->a11, "2026-10-01", "party", NULL, NULL), LZ_EINVALID, "kind");
	as(f, P_OTHER_CLERK);
	expect_error(lz_calendar_set_day(&f->ctx, f->a11, "2026-10-01", "holiday", NULL, NULL), LZ_EFORBIDDEN,
	             NULL);
}

/* ---------------------------------------------------------------- types */

static void test_cases__type_validation_names_the_field(void **state)
{
	fixture *f = *state;
	json_t *names = json_pack("{s:s}", "zh-CN", "居住登记");
	json_t *en_only = json_pack("{s:s}", "en", "Residence registration");
	json_t *bad_materials = json_pack("[i]", 3);
	lz_case_type_input ok = {f->a11, "residence", names, NULL, 72, "elapsed", 1, false, true};
	lz_case_type_input in;
	lz_case_type t;
	json_t *obj, *list;
	int64_t id = 0;

	as_system(f);
	in = ok, in.code = "";
	expect_error(lz_case_type_create(&id, &f->ctx, &in), LZ_EINVALID, "code");
	in = ok, in.code = "Residence!";
	expect_error(lz_case_type_create(&id, &f->ctx, &in), LZ_EINVALID, "code");
	in = ok, in.names = en_only;
	expect_error(lz_case_type_create(&id, &f->ctx, &in), LZ_EINVALID, "names.zh-CN");
	in = ok, in.names = NULL;
	expect_error(lz_case_type_create(&id, &f->ctx, &in), LZ_EINVALID, "names");
	in = ok, in.materials = bad_materials;
	expect_error(lz_case_type_create(&id, &f->ctx, &in), LZ_EINVALID, "materials[0]");
	in = ok, in.sla_hours = 0;
	expect_error(lz_case_type_create(&id, &f->ctx, &in), LZ_EINVALID, "sla_hours");
	in = ok, in.sla_hours = 9000;
	expect_error(lz_case_type_create(&id, &f->ctx, &in), LZ_EINVALID, "sla_hours");
	in = ok, in.clock_kind = "lunar";
	expect_error(lz_case_type_create(&id, &f->ctx, &in), LZ_EINVALID, "clock_kind");
	in = ok, in.approval_levels = 4;
	expect_error(lz_case_type_create(&id, &f->ctx, &in), LZ_EINVALID, "approval_levels");
	in = ok, in.bureau_id = 9999;
	expect_error(lz_case_type_create(&id, &f->ctx, &in), LZ_ENOTFOUND, "bureau_id");

	assert_ok(lz_case_type_create(&id, &f->ctx, &ok));
	expect_error(lz_case_type_create(NULL, &f->ctx, &ok), LZ_ECONFLICT, "code");
	assert_ok(lz_case_type_get(&t, &f->ctx, id));
	assert_int_equal(t.sla_hours, 72);
	assert_int_equal(t.clock_kind, LZ_CLOCK_ELAPSED);

	/* From JSON: unknown keys and wrong types are refused, naming the field. */
	assert_ok(lz_json_parse_object(
	    &obj, "{\"code\":\"x1\",\"names\":{\"zh-CN\":\"甲\"},\"sla_hours\":8,\"colour\":1}",
	    strlen("{\"code\":\"x1\",\"names\":{\"zh-CN\":\"甲\"},\"sla_hours\":8,\"colour\":1}")));
	expect_error(lz_case_type_input_from_json(&in, obj), LZ_EINVALID, NULL);
	json_decref(obj);
	{
		const char *text = "{\"code\":\"x1\",\"names\":{\"zh-CN\":\"甲\"},\"sla_hours\":8,\"clock_"
		                   "kind\":\"working\","
		                   "\"approval_levels\":2,\"pauses_on_applicant\":\"yes\"}";
		assert_ok(lz_json_parse_object(&obj, text, strlen(text)));
		expect_error(lz_case_type_input_from_json(&in, obj), LZ_EINVALID, "pauses_on_applicant");
		json_decref(obj);
	}

	/* Update keeps the code; the public sees active types only. */
	in = ok, in.sla_hours = 48, in.active = false;
	assert_ok(lz_case_type_update(&f->ctx, id, &in));
	assert_ok(lz_case_type_get(&t, &f->ctx, id));
	assert_int_equal(t.sla_hours, 48);
	lz_auth_act_as_public(&f->ctx);
	expect_error(lz_case_type_get(&t, &f->ctx, id), LZ_ENOTFOUND, NULL);
	assert_ok(lz_case_type_list(&list, &f->ctx, f->a11, false));
	assert_int_equal(json_array_size(list), 0);
	json_decref(list);
	/* Another bureau's staff do not see it. */
	as(f, P_OTHER_CLERK);
	expect_error(lz_case_type_get(&t, &f->ctx, id), LZ_ENOTFOUND, NULL);
	json_decref(names);
	json_decref(en_only);
	json_decref(bad_materials);
}

/* A case keeps the target it was received under: lowering the type's target from
 * 72 to 24 hours moves neither the due time of a case received before, nor whether
 * it was decided within target, and replaying it finds nothing changed; a case
 * received after the change runs on 24 hours. */
static void test_cases__a_changed_target_applies_to_later_cases(void **state)
{
	fixture *f = *state;
	int64_t type = make_type(f, "permit", 72, "elapsed", 1, true), checked = 0, changed = 0;
	json_t *names = json_pack("{s:s}", "zh-CN", "移民安置证明");
	lz_case_type_input in = {f->a11, "permit", names, NULL, 24, "elapsed", 1, true, true};
	lz_case_receipt before = receive(f, type), after;
	lz_case_stats_query q = {f->a11, 0, 0, 0};
	json_t *stats, *fig;

	to_review(f, before.id);
	later(f, 30 * 3600); /* decided after 30 hours: within 72, not within 24 */
	as(f, P_REVIEWER);
	assert_ok(lz_case_decide(&f->ctx, before.id, "approved", NULL));

	as_system(f);
	assert_ok(lz_case_type_update(&f->ctx, type, &in));
	after = receive(f, type);
	assert_int_equal(after.due_at - lz_ctx_now(&f->ctx), 24 * 3600);
	assert_derived_consistent(f, before.id);
	assert_derived_consistent(f, after.id);
	as_system(f);
	assert_ok(lz_case_recompute_all(&checked, &changed, &f->ctx, 0, NULL, NULL));
	assert_int_equal(changed, 0);
	{
		lz_case_derived d;
		assert_ok(lz_case_stored(&d, &f->ctx, before.id, 0));
		assert_int_equal(d.due_at, before.due_at); /* the promise on the receipt stands */
	}

	/* The statistics: within its own target of 72 hours. */
	as(f, P_DIRECTOR1);
	q.from = lz_ctx_now(&f->ctx) - 86400 * 30;
	q.to = lz_ctx_now(&f->ctx) + 86400;
	assert_ok(lz_case_stats(&stats, &f->ctx, &q));
	fig = json_object_get(stats, "total");
	assert_int_equal(json_integer_value(json_object_get(fig, "decided")), 1);
	assert_int_equal(json_integer_value(json_object_get(fig, "within_target")), 1);
	json_decref(stats);
	json_decref(names);
}

/* ---------------------------------------------------------------- state machine */

/* Every action that is not allowed in the case's present state. */
static void all_out_of_order(fixture *f, int64_t id, const char *state_name)
{
	struct {
		int which;
		bool allowed;
	} acts[8];
	lz_case_derived d;
	int state;

	as_system(f);
	assert_ok(lz_case_stored(&d, &f->ctx, id, 0));
	state = d.state;
	for (int i = 0; i < 8; i++) {
		int rc;
		acts[i].which = i;
		switch (i) {
		case 0:
			if (state == LZ_CASE_RECEIVED)
				continue;
			as(f, P_CLERK);
			rc = lz_case_accept(&f->ctx, id, NULL);
			break;
		case 1:
			if (state >= LZ_CASE_ACCEPTED && state <= LZ_CASE_EVIDENCE_REQUESTED)
				continue;
			as(f, P_CLERK);
			rc = lz_case_assign(&f->ctx, id, f->staff[P_CLERK2], NULL);
			break;
		case 2:
			if (state == LZ_CASE_ASSIGNED)
				continue;
			as(f, P_CLERK);
			rc = lz_case_start_review(&f->ctx, id, NULL);
			break;
		case 3:
			if (state == LZ_CASE_IN_REVIEW)
				continue;
			as(f, P_CLERK);
			rc = lz_case_request_evidence(&f->ctx, id, "the resettlement agreement");
			break;
		case 4:
			if (state == LZ_CASE_EVIDENCE_REQUESTED)
				continue;
			as(f, P_CLERK);
			rc = lz_case_evidence_received(&f->ctx, id, NULL);
			break;
		case 5:
			if (state == LZ_CASE_IN_REVIEW)
				continue;
			as(f, P_REVIEWER);
			rc = lz_case_decide(&f->ctx, id, "approved", NULL);
			break;
		case 6:
			as(f, P_DIRECTOR1);
			rc = lz_case_approve(&f->ctx, id, true, NULL);
			break;
		default:
			if (state == LZ_CASE_DECIDED)
				continue;
			as(f, P_CLERK);
			rc = lz_case_close(&f->ctx, id, NULL);
		}
		expect_error(rc, LZ_ECONFLICT, "state");
		expect_message(state_name);
	}
	(void)acts;
}

static void test_cases__every_action_out_of_order_is_a_conflict(void **state)
{
	fixture *f = *state;
	int64_t type = make_type(f, "permit", 72, "elapsed", 1, true);
	lz_case_receipt r = receive(f, type);
	json_t *c;

	assert_non_null(strstr(r.receipt_no, "420527-20260928-0001"));
	assert_int_equal(strlen(r.check_code), LZ_CASE_CODE_LEN);
	all_out_of_order(f, r.id, "is received");
	/* Deciding a case not yet accepted: 409 that says where it is and what is needed. */
	as(f, P_REVIEWER);
	expect_error(lz_case_decide(&f->ctx, r.id, "approved", NULL), LZ_ECONFLICT, "state");
	expect_message("needs a case in review");

	as(f, P_CLERK);
	assert_ok(lz_case_accept(&f->ctx, r.id, "materials complete"));
	all_out_of_order(f, r.id, "is accepted");
	as(f, P_CLERK);
	expect_error(lz_case_assign(&f->ctx, r.id, f->staff[P_OTHER_CLERK], NULL), LZ_EINVALID, "staff_id");
	assert_ok(lz_case_assign(&f->ctx, r.id, f->staff[P_CLERK], NULL));
	all_out_of_order(f, r.id, "is assigned");
	as(f, P_CLERK);
	assert_ok(lz_case_assign(&f->ctx, r.id, f->staff[P_CLERK2], "reassigned: leave")); /* reassignment */
	expect_error(lz_case_assign(&f->ctx, r.id, f->staff[P_CLERK2], NULL), LZ_ECONFLICT, "staff_id");
	assert_ok(lz_case_start_review(&f->ctx, r.id, NULL));
	all_out_of_order(f, r.id, "is in_review");
	as(f, P_CLERK);
	expect_error(lz_case_request_evidence(&f->ctx, r.id, ""), LZ_EINVALID, "note");
	assert_ok(lz_case_request_evidence(&f->ctx, r.id, "the resettlement agreement"));
	all_out_of_order(f, r.id, "is evidence_requested");
	as(f, P_CLERK);
	assert_ok(lz_case_evidence_received(&f->ctx, r.id, NULL));
	/* A clerk may not decide; a refusal needs reasons. */
	expect_error(lz_case_decide(&f->ctx, r.id, "approved", NULL), LZ_EFORBIDDEN, NULL);
	as(f, P_REVIEWER);
	expect_error(lz_case_decide(&f->ctx, r.id, "refused", ""), LZ_EINVALID, "reasons");
	expect_error(lz_case_decide(&f->ctx, r.id, "maybe", NULL), LZ_EINVALID, "outcome");
	assert_ok(lz_case_decide(&f->ctx, r.id, "refused", "不符合安置条件"));
	all_out_of_order(f, r.id, "is decided");
	as(f, P_CLERK);
	assert_ok(lz_case_close(&f->ctx, r.id, NULL));
	all_out_of_order(f, r.id, "is closed");

	as(f, P_CLERK);
	assert_ok(lz_case_get_json(&c, &f->ctx, r.id));
	assert_string_equal(json_string_value(json_object_get(c, "state")), "closed");
	assert_string_equal(json_string_value(json_object_get(c, "outcome")), "refused");
	assert_int_equal(json_array_size(json_object_get(c, "events")), 9);
	/* Personal data masked. */
	assert_string_equal(json_string_value(json_object_get(json_object_get(c, "applicant"), "name")),
	                    "张**");
	{
		char mask[32], *dump = json_dumps(c, 0);
		snprintf(mask, sizeof(mask), "420527********%s", f->id_number + 14);
		assert_string_equal(
		    json_string_value(json_object_get(json_object_get(c, "applicant"), "id_number")), mask);
		assert_null(strstr(dump, f->id_number));
		free(dump);
	}
	assert_string_equal(json_string_value(json_object_get(json_object_get(c, "applicant"), "phone")),
	                    "138****8000");
	assert_string_equal(json_string_value(json_object_get(json_object_get(c, "applicant"), "email")),
	                    "z***@example.cn");
	json_decref(c);
	assert_derived_consistent(f, r.id);
	/* Other bureaus read it as missing. */
	as(f, P_OTHER_CLERK);
	expect_error(lz_case_get_json(&c, &f->ctx, r.id), LZ_ENOTFOUND, NULL);
	expect_error(lz_case_accept(&f->ctx, r.id, NULL), LZ_ENOTFOUND, NULL);
}

static void test_cases__receipt_input_is_checked(void **state)
{
	fixture *f = *state;
	int64_t type = make_type(f, "permit", 72, "elapsed", 1, true);
	lz_case_input ok = {type, "window", 0, "李四", f->id_number, NULL, NULL, NULL, 0, {{{0}, 0, NULL}}};
	lz_case_input in;
	lz_case_receipt r;
	json_t *found;

	as(f, P_CLERK);
	in = ok, in.name = "";
	expect_error(lz_case_receive(&r, &f->ctx, &in), LZ_EINVALID, "name");
	in = ok, in.id_number = "420527198001010012"; /* wrong check character */
	if (strcmp(in.id_number, f->id_number) != 0)
		expect_error(lz_case_receive(&r, &f->ctx, &in), LZ_EINVALID, "id_number");
	in = ok, in.id_number = "E1234";
	assert_ok(lz_case_receive(&r, &f->ctx, &in)); /* a passport number */
	in = ok, in.id_number = "E12-34";
	expect_error(lz_case_receive(&r, &f->ctx, &in), LZ_EINVALID, "id_number");
	in = ok, in.phone = "12ab";
	expect_error(lz_case_receive(&r, &f->ctx, &in), LZ_EINVALID, "phone");
	in = ok, in.email = "not-an-address";
	expect_error(lz_case_receive(&r, &f->ctx, &in), LZ_EINVALID, "email");
	in = ok, in.channel = "online";
	expect_error(lz_case_receive(&r, &f->ctx, &in), LZ_EINVALID, "channel");
	in = ok, in.type_id = 12345;
	expect_error(lz_case_receive(&r, &f->ctx, &in), LZ_EINVALID, "type_id");
	/* From JSON: unknown keys and wrong types are refused, naming the field. */
	{
		static const char bad[] = "{\"type_id\":\"1\",\"name\":\"x\",\"id_number\":\"E1234\"}";
		static const char extra[] =
		    "{\"type_id\":1,\"name\":\"x\",\"id_number\":\"E1234\",\"age\":3}";
		json_t *obj;
		char good[160];
		assert_ok(lz_json_parse_object(&obj, bad, strlen(bad)));
		expect_error(lz_case_input_from_json(&in, obj), LZ_EINVALID, "type_id");
		json_decref(obj);
		assert_ok(lz_json_parse_object(&obj, extra, strlen(extra)));
		expect_error(lz_case_input_from_json(&in, obj), LZ_EINVALID, NULL);
		json_decref(obj);
		snprintf(
		    good, sizeof(good),
		    "{\"type_id\":%lld,\"channel\":\"phone\",\"name\":\"赵六\",\"id_number\":\"G1234567\"}",
		    (long long)type);
		assert_ok(lz_json_parse_object(&obj, good, strlen(good)));
		assert_ok(lz_case_input_from_json(&in, obj));
		assert_ok(lz_case_receive(&r, &f->ctx, &in));
		json_decref(obj);
	}
	/* Proxy at the window: the helping staff member is recorded. */
	in = ok, in.channel = "proxy";
	assert_ok(lz_case_receive(&r, &f->ctx, &in));
	{
		json_t *c;
		assert_ok(lz_case_get_json(&c, &f->ctx, r.id));
		assert_int_equal(json_integer_value(json_object_get(c, "proxy_staff_id")), f->staff[P_CLERK]);
		assert_string_equal(json_string_value(json_object_get(c, "channel")), "proxy");
		json_decref(c);
	}
	in = ok, in.channel = "proxy", in.proxy_staff_id = f->staff[P_OTHER_CLERK];
	expect_error(lz_case_receive(&r, &f->ctx, &in), LZ_EINVALID, "proxy_staff_id");
	/* The public applies online only, and may not read cases. */
	lz_auth_act_as_public(&f->ctx);
	in = ok;
	expect_error(lz_case_receive(&r, &f->ctx, &in), LZ_EINVALID, "channel");
	in.channel = NULL;
	assert_ok(lz_case_receive(&r, &f->ctx, &in));
	{
		json_t *c;
		expect_error(lz_case_get_json(&c, &f->ctx, r.id), LZ_EFORBIDDEN, NULL);
	}
	/* The blind index finds the applicant's cases. */
	as(f, P_CLERK);
	assert_ok(lz_case_find_by_applicant(&found, &f->ctx, f->id_number));
	assert_int_equal(json_array_size(found), 2); /* the proxy case and the online one */
	json_decref(found);
}

/* ---------------------------------------------------------------- the clock */

/* lz_case_changed_fn of the recompute test: the id it was told of, and how many times. */
static void note_changed(void *arg, int64_t id, const char *receipt_no)
{
	int64_t *named = arg;

	named[0] = id;
	named[1] += receipt_no && *receipt_no;
}

static void test_cases__clock_pauses_while_waiting_for_the_applicant(void **state)
{
	fixture *f = *state;
	int64_t pausing = make_type(f, "pausing", 24, "elapsed", 1, true);
	int64_t running = make_type(f, "running", 24, "elapsed", 1, false);
	lz_case_receipt p, r;
	lz_case_derived d;
	int64_t t0;

	set_now(f, "2026-09-28T10:00:00+08:00");
	t0 = f->env.clock.fixed;
	p = receive(f, pausing);
	r = receive(f, running);
	assert_int_equal(p.due_at, t0 + 24 * 3600);
	later(f, 2 * 3600);
	to_review(f, p.id);
	to_review(f, r.id);
	later(f, 3600);
	as(f, P_CLERK);
	assert_ok(lz_case_request_evidence(&f->ctx, p.id, "proof of address"));
	assert_ok(lz_case_request_evidence(&f->ctx, r.id, "proof of address"));
	later(f, 10 * 3600);
	as_system(f);
	assert_ok(lz_case_stored(&d, &f->ctx, p.id, 0));
	assert_true(d.clock.paused);
	assert_int_equal(d.clock.used, 3 * 3600);
	assert_ok(lz_case_stored(&d, &f->ctx, r.id, 0));
	assert_int_equal(d.clock.used, 13 * 3600);
	as(f, P_CLERK);
	assert_ok(lz_case_evidence_received(&f->ctx, p.id, NULL));
	assert_ok(lz_case_evidence_received(&f->ctx, r.id, NULL));
	later(f, 3600);
	as_system(f);
	assert_ok(lz_case_stored(&d, &f->ctx, p.id, 0));
	assert_false(d.clock.paused);
	assert_int_equal(d.clock.used, 4 * 3600);
	assert_int_equal(d.due_at, t0 + 34 * 3600); /* moved by the ten paused hours */
	assert_false(d.clock.overdue);
	assert_derived_consistent(f, p.id);
	assert_derived_consistent(f, r.id);
	/* Past the target: overdue; the decision freezes the clock. */
	later(f, 21 * 3600);
	assert_ok(lz_case_stored(&d, &f->ctx, p.id, 0));
	assert_true(d.clock.overdue);
	assert_int_equal(d.due_at, t0 + 34 * 3600);
	as(f, P_REVIEWER);
	assert_ok(lz_case_decide(&f->ctx, p.id, "approved", NULL));
	later(f, 5 * 3600);
	as_system(f);
	assert_ok(lz_case_stored(&d, &f->ctx, p.id, 0));
	assert_int_equal(d.clock_seconds, 25 * 3600);
	assert_int_equal(d.clock.used, 25 * 3600);
	assert_true(d.clock.overdue);
	assert_derived_consistent(f, p.id);

	/* The derived columns are rebuilt from the events when someone changed them. */
	{
		bool changed = false;
		char sql[160];
		snprintf(sql, sizeof(sql),
		         "UPDATE service_case SET clock_used = 1, due_at = 2 WHERE id = %lld",
		         (long long)r.id);
		lz_test_sql(&f->env, sql);
		assert_ok(lz_case_recompute(&d, &changed, &f->ctx, r.id, true));
		assert_true(changed);
		assert_derived_consistent(f, r.id);
		assert_ok(lz_case_recompute(&d, &changed, &f->ctx, r.id, true));
		assert_false(changed);
		/* The same over the whole bureau. */
		{
			int64_t checked = 0, moved = 0;
			lz_test_sql(&f->env, sql);
			int64_t named[2] = {0, 0};
			lz_test_sql(&f->env, sql);
			assert_ok(lz_case_recompute_all(&checked, &moved, &f->ctx, f->a11, note_changed, named));
			assert_int_equal(checked, 2);
			assert_int_equal(moved, 1);
			assert_int_equal(named[0], r.id); /* the changed case is named, once */
			assert_int_equal(named[1], 1);
			assert_derived_consistent(f, r.id);
		}
	}

	/* A receipt number finds its case in scope, and only there. */
	{
		int64_t id = 0;
		assert_ok(lz_case_find_by_receipt(&id, &f->ctx, r.receipt_no));
		assert_int_equal(id, r.id);
		expect_error(lz_case_find_by_receipt(&id, &f->ctx, "NO-SUCH-RECEIPT"), LZ_ENOTFOUND, "receipt_no");
		expect_error(lz_case_find_by_receipt(&id, &f->ctx, ""), LZ_EINVALID, "receipt_no");
		as(f, P_OTHER_CLERK);
		expect_error(lz_case_find_by_receipt(&id, &f->ctx, r.receipt_no), LZ_ENOTFOUND, "receipt_no");
	}
}

static void test_cases__working_clock_skips_the_holiday_week(void **state)
{
	fixture *f = *state;
	int64_t type = make_type(f, "working", 16, "working", 1, false);
	lz_case_receipt r;
	lz_case_derived d;
	json_t *inbox;

	national_day_2026(f, f->a);
	set_now(f, "2026-09-30T13:00:00+08:00");
	r = receive(f, type);
	/* 4 hours on 30 September, 8 on 8 October, 4 on 9 October. */
	assert_int_equal(r.due_at, t_of("2026-10-09T13:00:00+08:00"));
	/* A holiday declared later moves the open case's due time at once (to the make-up
	 * Saturday); one after the due time moves nothing; taking it back moves it back. */
	{
		int64_t moved = -1;
		as_system(f);
		assert_ok(lz_calendar_set_day(&f->ctx, f->a, "2026-10-08", "holiday", "防汛", &moved));
		assert_int_equal(moved, 1);
		assert_ok(lz_case_stored(&d, &f->ctx, r.id, 0));
		assert_int_equal(d.due_at, t_of("2026-10-10T13:00:00+08:00"));
		assert_derived_consistent(f, r.id);
		assert_ok(lz_calendar_set_day(&f->ctx, f->a, "2026-10-20", "holiday", "x", &moved));
		assert_int_equal(moved, 0);
		assert_ok(lz_calendar_set_day(&f->ctx, f->a, "2026-10-08", "default", NULL, &moved));
		assert_int_equal(moved, 1);
		assert_ok(lz_case_stored(&d, &f->ctx, r.id, 0));
		assert_int_equal(d.due_at, t_of("2026-10-09T13:00:00+08:00"));
		assert_ok(lz_calendar_set_day(&f->ctx, f->a, "2026-10-20", "default", NULL, &moved));
	}
	to_review(f, r.id);
	set_now(f, "2026-10-08T10:00:00+08:00");
	as_system(f);
	assert_ok(lz_case_stored(&d, &f->ctx, r.id, 0));
	assert_int_equal(d.clock.used, 5 * 3600);
	assert_false(d.clock.overdue);
	set_now(f, "2026-10-09T13:00:01+08:00");
	assert_ok(lz_case_stored(&d, &f->ctx, r.id, 0));
	assert_true(d.clock.overdue);
	as(f, P_CLERK);
	assert_ok(lz_case_inbox(&inbox, &f->ctx, &(lz_case_inbox_query)LZ_CASE_INBOX_QUERY_INIT));
	assert_int_equal(json_array_size(json_object_get(inbox, "items")), 1);
	assert_true(
	    json_is_true(json_object_get(json_array_get(json_object_get(inbox, "items"), 0), "overdue")));
	json_decref(inbox);
	assert_derived_consistent(f, r.id);
}

/* ---------------------------------------------------------------- approval */

static void test_cases__three_levels_need_three_distinct_people(void **state)
{
	fixture *f = *state;
	int64_t type = make_type(f, "three", 72, "elapsed", 3, false);
	lz_case_receipt r = receive(f, type);
	lz_case_derived d;
	json_t *c;

	to_review(f, r.id);
	as(f, P_REVIEWER);
	assert_ok(lz_case_decide(&f->ctx, r.id, "approved", NULL));
	expect_error(lz_case_decide(&f->ctx, r.id, "approved", NULL), LZ_ECONFLICT, "state");
	/* A reviewer may not give the higher levels. */
	expect_error(lz_case_approve(&f->ctx, r.id, true, NULL), LZ_EFORBIDDEN, NULL);
	/* Evidence cannot be requested while a decision awaits approval. */
	as(f, P_CLERK);
	expect_error(lz_case_request_evidence(&f->ctx, r.id, "more"), LZ_ECONFLICT, "state");
	as(f, P_DIRECTOR1);
	assert_ok(lz_case_approve(&f->ctx, r.id, true, NULL));
	expect_error(lz_case_approve(&f->ctx, r.id, true, NULL), LZ_ECONFLICT, NULL);
	expect_message("level 3 of 3 needs another person");
	as_system(f);
	assert_ok(lz_case_stored(&d, &f->ctx, r.id, 0));
	assert_int_equal(d.state, LZ_CASE_IN_REVIEW);
	as(f, P_DIRECTOR2);
	assert_ok(lz_case_approve(&f->ctx, r.id, true, NULL));
	as_system(f);
	assert_ok(lz_case_stored(&d, &f->ctx, r.id, 0));
	assert_int_equal(d.state, LZ_CASE_DECIDED);
	assert_int_equal(d.outcome, LZ_OUTCOME_APPROVED);
	assert_ok(lz_case_get_json(&c, &f->ctx, r.id));
	assert_int_equal(json_array_size(json_object_get(c, "approval_history")), 3);
	json_decref(c);
	assert_derived_consistent(f, r.id);

	/* A declined proposal starts again at level 1; the same people may approve the new one. */
	{
		lz_case_receipt r2 = receive(f, type);
		to_review(f, r2.id);
		as(f, P_DIRECTOR1);
		assert_ok(lz_case_decide(&f->ctx, r2.id, "refused", "材料不全"));
		as(f, P_DIRECTOR2);
		expect_error(lz_case_approve(&f->ctx, r2.id, false, NULL), LZ_EINVALID, "note");
		assert_ok(lz_case_approve(&f->ctx, r2.id, false, "reasons do not hold"));
		expect_error(lz_case_approve(&f->ctx, r2.id, true, NULL), LZ_ECONFLICT, "state");
		as(f, P_REVIEWER);
		assert_ok(lz_case_decide(&f->ctx, r2.id, "approved", NULL));
		as(f, P_DIRECTOR2);
		assert_ok(lz_case_approve(&f->ctx, r2.id, true, NULL));
		as(f, P_DIRECTOR1);
		assert_ok(lz_case_approve(&f->ctx, r2.id, true, NULL));
		as_system(f);
		assert_ok(lz_case_stored(&d, &f->ctx, r2.id, 0));
		assert_int_equal(d.outcome, LZ_OUTCOME_APPROVED);
		/* The system is no person: it cannot decide. */
		expect_error(lz_case_decide(&f->ctx, r2.id, "approved", NULL), LZ_EFORBIDDEN, NULL);
	}
}

/* ---------------------------------------------------------------- lookup */

static void test_cases__lookup_by_receipt_and_check_code(void **state)
{
	fixture *f = *state;
	int64_t type = make_type(f, "permit", 72, "elapsed", 1, false);
	lz_case_receipt r = receive(f, type), other = receive(f, type);
	json_t *status = NULL;
	char lower[LZ_CASE_CODE_LEN + 1], wrong[LZ_CASE_CODE_LEN + 1], msg1[512];

	lz_auth_act_as_public(&f->ctx);
	assert_ok(lz_case_lookup(&status, &f->ctx, r.receipt_no, r.check_code));
	assert_string_equal(json_string_value(json_object_get(status, "state")), "received");
	assert_null(json_object_get(status, "applicant"));
	{
		char *dump = json_dumps(status, 0);
		assert_null(strstr(dump, "张"));
		free(dump);
	}
	json_decref(status);
	for (int i = 0; i <= LZ_CASE_CODE_LEN; i++)
		lower[i] = (char)(r.check_code[i] >= 'A' && r.check_code[i] <= 'Z' ? r.check_code[i] + 32
		                                                                   : r.check_code[i]);
	assert_ok(lz_case_lookup(&status, &f->ctx, r.receipt_no, lower));
	json_decref(status);

	memcpy(wrong, r.check_code, sizeof(wrong));
	wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
	expect_error(lz_case_lookup(&status, &f->ctx, r.receipt_no, wrong), LZ_ENOTFOUND, NULL);
	snprintf(msg1, sizeof(msg1), "%s", lz_error_last()->message);
	expect_error(lz_case_lookup(&status, &f->ctx, "420527-20260928-9999", r.check_code), LZ_ENOTFOUND,
	             NULL);
	assert_string_equal(lz_error_last()->message, msg1);
	/* Another case's code does not open this one. */
	expect_error(lz_case_lookup(&status, &f->ctx, r.receipt_no, other.check_code), LZ_ENOTFOUND, NULL);
	expect_error(lz_case_lookup(&status, &f->ctx, r.receipt_no, ""), LZ_ENOTFOUND, NULL);
	expect_error(lz_case_lookup(&status, &f->ctx, NULL, NULL), LZ_ENOTFOUND, NULL);
	assert_null(status);

	/* A refusal shows its reasons. */
	to_review(f, r.id);
	as(f, P_REVIEWER);
	assert_ok(lz_case_decide(&f->ctx, r.id, "refused", "不在安置范围"));
	lz_auth_act_as_public(&f->ctx);
	assert_ok(lz_case_lookup(&status, &f->ctx, r.receipt_no, r.check_code));
	assert_string_equal(json_string_value(json_object_get(status, "outcome")), "refused");
	assert_string_equal(json_string_value(json_object_get(status, "reasons")), "不在安置范围");
	json_decref(status);
	/* The check code is stored only as a hash. */
	{
		lz_conn *c;
		int64_t n = -1;
		assert_ok(lz_ctx_conn(&c, &f->ctx));
		assert_ok(lz_exec_int(
		    &n, c, "SELECT COUNT(*) FROM service_case WHERE length(check_hash) = 32", true, NULL));
		assert_int_equal(n, 2);
	}
}

/* ---------------------------------------------------------------- statistics */

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* The brute force: sort, then the ceil(p·n)-th smallest, computed in floating point. */
static int64_t brute_rank(int64_t *v, size_t n, double p)
{
	size_t k = (size_t)ceil(p * (double)n - 1e-9);
	qsort(v, n, sizeof(*v), cmp64);
	return v[(k < 1 ? 1 : k) - 1];
}

static void test_cases__percentiles_match_a_brute_force(void **state)
{
	fixture *f = *state;
	int64_t types[2] = {make_type(f, "fast", 8, "elapsed", 1, false),
	                    make_type(f, "slow", 72, "elapsed", 1, false)};
	int64_t clocks[2][40], ids[2][40], from, to;
	size_t n[2] = {0, 0};
	int64_t within[2] = {0, 0}, pending = 0;
	json_t *stats, *page;
	unsigned seed = 20261001;

	/* Pure ranks first: random arrays of every small size. */
	for (size_t len = 1; len < 60; len++) {
		int64_t v[60], sorted[60];
		for (size_t i = 0; i < len; i++)
			v[i] = rand_r(&seed) % 1000;
		memcpy(sorted, v, sizeof(v));
		qsort(sorted, len, sizeof(int64_t), cmp64);
		assert_int_equal(lz_nearest_rank(sorted, len, 500), brute_rank(v, len, 0.5));
		assert_int_equal(lz_nearest_rank(sorted, len, 800), brute_rank(v, len, 0.8));
		assert_int_equal(lz_nearest_rank(sorted, len, 930), brute_rank(v, len, 0.93));
	}

	set_now(f, "2026-09-01T09:00:00+08:00");
	from = f->env.clock.fixed;
	for (int i = 0; i < 50; i++) {
		int t = rand_r(&seed) % 2;
		lz_case_receipt r = receive(f, types[t]);
		later(f, 60);
		if (i % 10 == 9) { /* some stay pending */
			pending++;
			continue;
		}
		to_review(f, r.id);
		later(f, (int64_t)(rand_r(&seed) % (t ? 100 : 12)) * 3600 + rand_r(&seed) % 3600);
		as(f, P_REVIEWER);
		assert_ok(lz_case_decide(&f->ctx, r.id, "approved", NULL));
		{
			lz_case_derived d;
			as_system(f);
			assert_ok(lz_case_stored(&d, &f->ctx, r.id, 0));
			clocks[t][n[t]] = d.clock_seconds;
			ids[t][n[t]++] = r.id;
			within[t] += d.clock_seconds <= (t ? 72 : 8) * 3600;
		}
		later(f, 1800);
	}
	to = f->env.clock.fixed + 1;
	(void)ids;

	as(f, P_DIRECTOR1);
	{
		lz_case_stats_query q = {0, 0, from, to};
		json_t *arr, *tot;
		size_t i;
		json_t *t;
		assert_ok(lz_case_stats(&stats, &f->ctx, &q));
		arr = json_object_get(stats, "types");
		assert_int_equal(json_array_size(arr), 2);
		json_array_foreach(arr, i, t)
		{
			json_t *fig = json_object_get(t, "figures");
			int k = json_integer_value(json_object_get(t, "type_id")) == types[0] ? 0 : 1;
			int64_t copy[40];
			assert_int_equal(json_integer_value(json_object_get(fig, "decided")), n[k]);
			assert_int_equal(json_integer_value(json_object_get(fig, "within_target")),
			                 within[k]);
			memcpy(copy, clocks[k], sizeof(copy));
			assert_int_equal(json_integer_value(json_object_get(fig, "median_seconds")),
			                 brute_rank(copy, n[k], 0.5));
			assert_int_equal(json_integer_value(json_object_get(fig, "p80_seconds")),
			                 brute_rank(copy, n[k], 0.8));
			assert_int_equal(json_integer_value(json_object_get(fig, "p93_seconds")),
			                 brute_rank(copy, n[k], 0.93));
		}
		tot = json_object_get(stats, "total");
		assert_int_equal(json_integer_value(json_object_get(tot, "decided")), n[0] + n[1]);
		assert_int_equal(json_integer_value(json_object_get(tot, "pending")), pending);
		assert_int_equal(json_integer_value(json_object_get(tot, "received")), 50);
		{
			int64_t all[80];
			memcpy(all, clocks[0], n[0] * sizeof(int64_t));
			memcpy(all + n[0], clocks[1], n[1] * sizeof(int64_t));
			assert_int_equal(json_integer_value(json_object_get(tot, "median_seconds")),
			                 brute_rank(all, n[0] + n[1], 0.5));
		}
		/* Drill-down: the decided cases, in pages, and within + over = decided. */
		{
			int64_t seen = 0, after = 0;
			do {
				json_t *next;
				assert_ok(lz_case_stats_cases(&page, &f->ctx, &q, "decided", after, 7));
				seen += (int64_t)json_array_size(json_object_get(page, "items"));
				next = json_object_get(page, "next_cursor");
				after = json_is_integer(next) ? json_integer_value(next) : 0;
				json_decref(page);
			} while (after);
			assert_int_equal(seen, n[0] + n[1]);
			assert_ok(lz_case_stats_cases(&page, &f->ctx, &q, "within_target", 0, 200));
			seen = (int64_t)json_array_size(json_object_get(page, "items"));
			json_decref(page);
			assert_int_equal(seen, within[0] + within[1]);
			assert_ok(lz_case_stats_cases(&page, &f->ctx, &q, "over_target", 0, 200));
			seen += (int64_t)json_array_size(json_object_get(page, "items"));
			json_decref(page);
			assert_int_equal(seen, n[0] + n[1]);
			assert_ok(lz_case_stats_cases(&page, &f->ctx, &q, "pending", 0, 200));
			assert_int_equal(json_array_size(json_object_get(page, "items")), pending);
			json_decref(page);
			{
				int64_t by_age = 0;
				json_t *ages =
				    json_object_get(json_object_get(stats, "total"), "pending_ages");
				for (int b = 0; b < 4; b++) {
					char fig[32];
					snprintf(fig, sizeof(fig), "pending_age_%d", b);
					assert_ok(lz_case_stats_cases(&page, &f->ctx, &q, fig, 0, 200));
					assert_int_equal(json_array_size(json_object_get(page, "items")),
					                 json_integer_value(json_array_get(ages, (size_t)b)));
					by_age += (int64_t)json_array_size(json_object_get(page, "items"));
					json_decref(page);
				}
				assert_int_equal(by_age, pending);
			}
			expect_error(lz_case_stats_cases(&page, &f->ctx, &q, "pending_age_9", 0, 200),
			             LZ_EINVALID, "figure");
		}
		json_decref(stats);
		/* The median's case is one of the cases and has that clock. */
		{
			lz_case_stats_query q0 = {0, types[0], from, to};
			json_t *fig;
			lz_case_derived d;
			assert_ok(lz_case_stats(&stats, &f->ctx, &q0));
			fig = json_object_get(json_array_get(json_object_get(stats, "types"), 0), "figures");
			assert_ok(lz_case_stored(
			    &d, &f->ctx, json_integer_value(json_object_get(fig, "median_case_id")), 0));
			assert_int_equal(d.clock_seconds,
			                 json_integer_value(json_object_get(fig, "median_seconds")));
			json_decref(stats);
		}
		/* The published figures carry no ids. */
		lz_auth_act_as_public(&f->ctx);
		assert_ok(lz_case_stats(&stats, &f->ctx, &q));
		assert_null(json_object_get(json_object_get(stats, "total"), "median_case_id"));
		json_decref(stats);
		expect_error(lz_case_stats_cases(&page, &f->ctx, &q, "decided", 0, 10), LZ_EFORBIDDEN, NULL);
		/* Another province's figures are empty for its staff. */
		as(f, P_OTHER_CLERK);
		assert_ok(lz_case_stats(&stats, &f->ctx, &q));
		assert_int_equal(
		    json_integer_value(json_object_get(json_object_get(stats, "total"), "decided")), 0);
		json_decref(stats);
	}
	/* The clerk's page: every decided case was theirs; the pending ones were never assigned. */
	as(f, P_DIRECTOR1);
	assert_ok(lz_case_staff_page(&page, &f->ctx, f->staff[P_CLERK], from, to));
	assert_int_equal(json_integer_value(json_object_get(page, "open")), 0);
	assert_int_equal(json_integer_value(json_object_get(page, "decided")), n[0] + n[1]);
	json_decref(page);
}

/* Many decided cases with many equal clocks, written straight into the store: the
 * selection of ranks agrees with sorting, per type and in total. */
static void test_cases__percentiles_over_many_ties(void **state)
{
	static const char insert[] = "INSERT INTO service_case(bureau_id, type_id, receipt_no, check_hash, "
	                             "channel, state, outcome, open, "
	                             "received_at, clock_used, clock_mark, due_at, decided_at, "
	                             "clock_seconds, event_count, updated_at, sla_hours, clock_kind, "
	                             "pauses_on_applicant) "
	                             "VALUES (?, ?, ?, ?, 2, 6, 1, 0, ?, ?, ?, ?, ?, ?, 2, ?, ?, 1, 0)";
	fixture *f = *state;
	int64_t types[2] = {make_type(f, "ta", 8, "elapsed", 1, false),
	                    make_type(f, "tb", 72, "elapsed", 1, false)},
	        hours[2] = {8, 72};
	enum { N = 1500 };
	int64_t *clocks[3], n[3] = {0, 0, 0}, from = t_of("2026-01-01T00:00:00+08:00"),
	                    to = from + 365 * 86400;
	unsigned seed = 93;
	lz_conn *c;
	json_t *stats;
	int64_t checked = 0, changed = 0;

	for (int k = 0; k < 3; k++)
		clocks[k] = calloc(N, sizeof(int64_t));
	as_system(f);
	assert_ok(lz_ctx_conn(&c, &f->ctx));
	assert_ok(lz_tx_begin(&f->ctx, LZ_TX_WRITE));
	for (int i = 0; i < N; i++) {
		int k = rand_r(&seed) % 2;
		int64_t clock = (int64_t)(rand_r(&seed) % 200) * 600,
		        received = from + rand_r(&seed) % (300 * 86400);
		char receipt[32];
		lz_stmt *s;
		snprintf(receipt, sizeof(receipt), "T-%06d", i);
		assert_ok(lz_stmt_prepare(&s, c, insert));
		assert_ok(lz_stmt_bindv(s, "iitbiiiiiiii", f->a11, types[k], receipt,
		                        "0123456789abcdef0123456789abcdef", (size_t)32, received, clock,
		                        received + clock, received + 86400, received + clock, clock,
		                        received + clock, hours[k]));
		assert_int_equal(lz_stmt_step(s), LZ_DONE);
		lz_stmt_finish(s);
		clocks[k][n[k]++] = clock;
		clocks[2][n[2]++] = clock;
	}
	assert_ok(lz_tx_commit(&f->ctx));

	as(f, P_DIRECTOR1);
	{
		lz_case_stats_query q = {f->a11, 0, from, to};
		json_t *t;
		size_t i;
		assert_ok(lz_case_stats(&stats, &f->ctx, &q));
		json_array_foreach(json_object_get(stats, "types"), i, t)
		{
			json_t *fig = json_object_get(t, "figures");
			int k = json_integer_value(json_object_get(t, "type_id")) == types[0] ? 0 : 1;
			assert_int_equal(json_integer_value(json_object_get(fig, "decided")), n[k]);
			assert_int_equal(json_integer_value(json_object_get(fig, "median_seconds")),
			                 brute_rank(clocks[k], n[k], 0.5));
			assert_int_equal(json_integer_value(json_object_get(fig, "p80_seconds")),
			                 brute_rank(clocks[k], n[k], 0.8));
			assert_int_equal(json_integer_value(json_object_get(fig, "p93_seconds")),
			                 brute_rank(clocks[k], n[k], 0.93));
		}
		t = json_object_get(stats, "total");
		assert_int_equal(json_integer_value(json_object_get(t, "median_seconds")),
		                 brute_rank(clocks[2], n[2], 0.5));
		assert_int_equal(json_integer_value(json_object_get(t, "p80_seconds")),
		                 brute_rank(clocks[2], n[2], 0.8));
		assert_int_equal(json_integer_value(json_object_get(t, "p93_seconds")),
		                 brute_rank(clocks[2], n[2], 0.93));
		json_decref(stats);
	}
	/* These rows have no events: recomputing refuses them as tampered. */
	as(f, P_CLERK);
	expect_error(lz_case_recompute_all(&checked, &changed, &f->ctx, 0, NULL, NULL), LZ_ETAMPERED, NULL);
	assert_int_equal(checked, 0);
	for (int k = 0; k < 3; k++)
		free(clocks[k]);
}

static void test_cases__inbox_orders_by_due_and_pages(void **state)
{
	fixture *f = *state;
	int64_t slow = make_type(f, "slow", 72, "elapsed", 1, false),
	        fast = make_type(f, "fast", 4, "elapsed", 1, false);
	int64_t order[6];
	json_t *inbox, *items;
	lz_case_inbox_query q = LZ_CASE_INBOX_QUERY_INIT;
	char cursor[64];

	for (int i = 0; i < 6; i++) {
		lz_case_receipt r = receive(f, i % 2 ? fast : slow);
		to_review(f, r.id);
		order[i] = r.id;
		later(f, 60);
	}
	later(f, 5 * 3600);
	as(f, P_CLERK);
	q.limit = 4;
	assert_ok(lz_case_inbox(&inbox, &f->ctx, &q));
	items = json_object_get(inbox, "items");
	assert_int_equal(json_array_size(items), 4);
	/* The three fast ones (odd) first, overdue, then the first slow one. */
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "id")), order[1]);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 2), "id")), order[5]);
	assert_true(json_is_true(json_object_get(json_array_get(items, 0), "overdue")));
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 3), "id")), order[0]);
	assert_false(json_is_true(json_object_get(json_array_get(items, 3), "overdue")));
	snprintf(cursor, sizeof(cursor), "%s", json_string_value(json_object_get(inbox, "next_cursor")));
	json_decref(inbox);
	expect_error(lz_case_inbox_cursor(&q, "12.x"), LZ_EINVALID, "cursor");
	assert_ok(lz_case_inbox_cursor(&q, cursor));
	assert_ok(lz_case_inbox(&inbox, &f->ctx, &q));
	items = json_object_get(inbox, "items");
	assert_int_equal(json_array_size(items), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(items, 0), "id")), order[2]);
	assert_true(json_is_null(json_object_get(inbox, "next_cursor")));
	json_decref(inbox);
	/* The staff page counts them. */
	as(f, P_DIRECTOR1);
	assert_ok(lz_case_staff_page(&inbox, &f->ctx, f->staff[P_CLERK], 0, f->env.clock.fixed + 1));
	assert_int_equal(json_integer_value(json_object_get(inbox, "open")), 6);
	assert_int_equal(json_integer_value(json_object_get(inbox, "overdue")), 3);
	json_decref(inbox);
	/* Someone else's inbox in another province is out of scope. */
	as(f, P_OTHER_CLERK);
	q = (lz_case_inbox_query)LZ_CASE_INBOX_QUERY_INIT;
	q.staff_id = f->staff[P_CLERK];
	expect_error(lz_case_inbox(&inbox, &f->ctx, &q), LZ_ENOTFOUND, "staff_id");
}

/* ---------------------------------------------------------------- complaints */

static void test_cases__complaint_target_and_repeats(void **state)
{
	fixture *f = *state;
	int64_t type = make_type(f, "permit", 72, "elapsed", 1, false);
	lz_case_receipt r = receive(f, type);
	lz_complaint_input in = {"cumbersome_procedure", 0, 0, NULL, NULL, 0, "材料要交三次", "王五",
	                         "13900139000"};
	lz_complaint_receipt c1, c2, c3, c4, bad;
	json_t *a, *list;

	national_day_2026(f, f->a);
	set_now(f, "2026-09-28T15:00:00+08:00");
	lz_auth_act_as_public(&f->ctx);
	in.receipt_no = r.receipt_no;
	in.check_code = "WRONGWRONG";
	expect_error(lz_complaint_file(&c1, &f->ctx, &in), LZ_ENOTFOUND, NULL);
	in.check_code = r.check_code;
	assert_ok(lz_complaint_file(&c1, &f->ctx, &in));
	/* 20 working days after Monday 28 September: 29, 30 Sep, 8, 9, 10 (make-up) Oct, then
	 * 12–16, 19–23, 26–30 October: the 20th is Friday 30 October, 17:00. */
	assert_int_equal(c1.due_at, t_of("2026-10-30T17:00:00+08:00"));
	assert_int_equal(c1.repeat_of, 0);
	/* The same phone about the bureau: a repeat of the first. */
	in.receipt_no = NULL, in.check_code = NULL, in.bureau_id = f->a11, in.category = "delay";
	in.contact_phone = "139-0013-9000";
	assert_ok(lz_complaint_file(&c2, &f->ctx, &in));
	assert_int_equal(c2.repeat_of, c1.id);
	/* Anonymous, about a staff member: not a repeat. */
	in.contact_phone = NULL, in.contact_name = NULL, in.staff_id = f->staff[P_CLERK],
	in.category = "attitude";
	assert_ok(lz_complaint_file(&c3, &f->ctx, &in));
	assert_int_equal(c3.repeat_of, 0);
	/* A clerk at the window files one about the same case for someone else: a repeat by case. */
	as(f, P_CLERK);
	{
		char text[200];
		json_t *obj;
		snprintf(text, sizeof(text),
		         "{\"category\":\"delay\",\"case_id\":%lld,\"description\":\"还没办好\",\"contact_"
		         "phone\":\"13700137000\"}",
		         (long long)r.id);
		assert_ok(lz_json_parse_object(&obj, text, strlen(text)));
		assert_ok(lz_complaint_input_from_json(&in, obj));
		assert_ok(lz_complaint_file(&c4, &f->ctx, &in));
		json_decref(obj);
	}
	assert_int_equal(c4.repeat_of, c1.id);
	/* Bad input. */
	in.category = "noise";
	expect_error(lz_complaint_file(&bad, &f->ctx, &in), LZ_EINVALID, "category");
	in = (lz_complaint_input){"other", f->b11, 0, NULL, NULL, 0, "x", NULL, NULL};
	expect_error(lz_complaint_file(&bad, &f->ctx, &in), LZ_EINVALID, "bureau_id");
	in = (lz_complaint_input){"other", f->a11, 0, NULL, NULL, f->staff[P_OTHER_CLERK], "x", NULL, NULL};
	expect_error(lz_complaint_file(&bad, &f->ctx, &in), LZ_EINVALID, "staff_id");

	/* Handling, in order. */
	as(f, P_DIRECTOR1);
	expect_error(lz_complaint_reply(&f->ctx, c1.id, "已简化"), LZ_ECONFLICT, "state");
	expect_error(lz_complaint_rate(&f->ctx, c1.id, 4), LZ_ECONFLICT, "state");
	assert_ok(lz_complaint_assign(&f->ctx, c1.id, f->staff[P_DIRECTOR1]));
	set_now(f, "2026-10-09T10:00:00+08:00");
	assert_ok(lz_complaint_reply(&f->ctx, c1.id, "已将材料合并为一次提交"));
	expect_error(lz_complaint_reply(&f->ctx, c1.id, "again"), LZ_ECONFLICT, "state");
	expect_error(lz_complaint_rate(&f->ctx, c1.id, 6), LZ_EINVALID, "satisfaction");
	assert_ok(lz_complaint_rate(&f->ctx, c1.id, 4));
	expect_error(lz_complaint_rate(&f->ctx, c1.id, 5), LZ_ECONFLICT, "state");
	assert_ok(lz_complaint_get_json(&a, &f->ctx, c1.id));
	assert_string_equal(json_string_value(json_object_get(json_object_get(a, "contact"), "phone")),
	                    "139****9000");
	assert_string_equal(json_string_value(json_object_get(json_object_get(a, "contact"), "name")), "王*");
	assert_false(json_is_true(json_object_get(a, "overdue")));
	json_decref(a);

	assert_ok(lz_complaint_analytics(&a, &f->ctx, 0, t_of("2026-09-01T00:00:00+08:00"),
	                                 t_of("2026-11-01T00:00:00+08:00")));
	assert_int_equal(json_integer_value(json_object_get(a, "total")), 4);
	assert_int_equal(json_integer_value(json_object_get(a, "repeats")), 2);
	assert_int_equal(json_integer_value(json_object_get(a, "replied_on_time")), 1);
	{
		json_t *cat = json_array_get(json_object_get(a, "by_category"), 0);
		assert_string_equal(json_string_value(json_object_get(cat, "category")),
		                    "cumbersome_procedure");
		assert_int_equal(json_integer_value(json_object_get(cat, "permille")), 250);
		assert_string_equal(json_string_value(json_object_get(
		                        json_array_get(json_object_get(a, "by_month"), 0), "month")),
		                    "2026-09");
	}
	json_decref(a);
	/* The queue: the open ones by due time, the replied one last — page by page too. */
	{
		lz_complaint_query q = LZ_COMPLAINT_QUERY_INIT;
		int64_t want[4] = {c2.id, c3.id, c4.id, c1.id};
		char cursor[72] = "";

		assert_ok(lz_complaint_list(&list, &f->ctx, &q));
		assert_int_equal(json_array_size(json_object_get(list, "items")), 4);
		for (size_t i = 0; i < 4; i++) {
			json_t *row = json_array_get(json_object_get(list, "items"), i);
			assert_int_equal(json_integer_value(json_object_get(row, "id")), want[i]);
		}
		json_decref(list);
		q.limit = 1;
		for (size_t i = 0; i < 4; i++) {
			q.cursor = i ? cursor : NULL;
			assert_ok(lz_complaint_list(&list, &f->ctx, &q));
			assert_int_equal(json_array_size(json_object_get(list, "items")), 1);
			assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(list, "items"), 0), "id")),
			                 want[i]);
			snprintf(cursor, sizeof cursor, "%s", json_string_value(json_object_get(list, "next_cursor")));
			json_decref(list);
		}
		q.cursor = cursor;
		assert_ok(lz_complaint_list(&list, &f->ctx, &q));
		assert_int_equal(json_array_size(json_object_get(list, "items")), 0);
		assert_true(json_is_null(json_object_get(list, "next_cursor")));
		json_decref(list);
		q.cursor = "5";
		expect_error(lz_complaint_list(&list, &f->ctx, &q), LZ_EINVALID, "cursor");
		q.cursor = "2.0.1";
		expect_error(lz_complaint_list(&list, &f->ctx, &q), LZ_EINVALID, "cursor");
	}
	/* Nobody in Tonglu sees them; the public cannot read them. */
	as(f, P_OTHER_CLERK);
	expect_error(lz_complaint_get_json(&a, &f->ctx, c1.id), LZ_EFORBIDDEN, NULL);
	lz_auth_act_as_public(&f->ctx);
	expect_error(lz_complaint_list(&list, &f->ctx, &(lz_complaint_query)LZ_COMPLAINT_QUERY_INIT),
	             LZ_EFORBIDDEN, NULL);
}

/* ---------------------------------------------------------------- assistance */

static void test_cases__assistance_after_the_target_and_systemic_causes(void **state)
{
	fixture *f = *state;
	int64_t type = make_type(f, "permit", 24, "elapsed", 1, true);
	lz_case_receipt r1 = receive(f, type), r2 = receive(f, type), r3 = receive(f, type);
	int64_t q1 = 0, q2 = 0, q3 = 0, handoff = 0;
	json_t *list;

	lz_auth_act_as_public(&f->ctx);
	expect_error(lz_assistance_ask(&q1, &f->ctx, r1.receipt_no, r1.check_code, "还没消息"), LZ_ECONFLICT,
	             NULL);
	expect_message("within its target");
	expect_error(lz_assistance_ask(&q1, &f->ctx, r1.receipt_no, "AAAAAAAAAA", "还没消息"), LZ_ENOTFOUND,
	             NULL);
	later(f, 25 * 3600);
	assert_ok(lz_assistance_ask(&q1, &f->ctx, r1.receipt_no, r1.check_code, "还没消息"));
	expect_error(lz_assistance_ask(NULL, &f->ctx, r1.receipt_no, r1.check_code, "again"), LZ_ECONFLICT,
	             NULL);
	assert_ok(lz_assistance_ask(&q2, &f->ctx, r2.receipt_no, r2.check_code, "超时"));
	assert_ok(lz_assistance_ask(&q3, &f->ctx, r3.receipt_no, r3.check_code, "超时"));

	/* The ombudsman of Hubei sees them; Tonglu's clerk may not. */
	as(f, P_OMBUDSMAN);
	assert_ok(lz_assistance_list(&list, &f->ctx, NULL, NULL, 50));
	assert_int_equal(json_array_size(json_object_get(list, "items")), 3);
	json_decref(list);
	expect_error(lz_assistance_ask_bureau(&f->ctx, q1, "请三日内办结", f->env.clock.fixed - 1),
	             LZ_EINVALID, "deadline");
	assert_ok(lz_assistance_ask_bureau(&f->ctx, q1, "请三日内办结", f->env.clock.fixed + 3 * 86400));
	/* The queue: those not yet asked by the time received, then q1 by its deadline. */
	assert_ok(lz_assistance_list(&list, &f->ctx, NULL, NULL, 50));
	assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(list, "items"), 0), "id")), q2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(list, "items"), 1), "id")), q3);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(list, "items"), 2), "id")), q1);
	json_decref(list);
	assert_ok(lz_assistance_list(&list, &f->ctx, NULL, NULL, 2));
	{
		char cursor[72];
		snprintf(cursor, sizeof cursor, "%s", json_string_value(json_object_get(list, "next_cursor")));
		json_decref(list);
		assert_ok(lz_assistance_list(&list, &f->ctx, NULL, cursor, 2));
		assert_int_equal(json_array_size(json_object_get(list, "items")), 1);
		assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(list, "items"), 0), "id")), q1);
		json_decref(list);
	}
	expect_error(lz_assistance_list(&list, &f->ctx, NULL, "x", 2), LZ_EINVALID, "cursor");
	expect_error(lz_assistance_ask_bureau(&f->ctx, q1, "again", f->env.clock.fixed + 86400), LZ_ECONFLICT,
	             "state");
	expect_error(lz_assistance_conclude(&f->ctx, q1, "resolved", "办结", "Bad Key!"), LZ_EINVALID,
	             "cause_key");
	assert_ok(lz_assistance_conclude(&f->ctx, q1, "resolved", "已办结", "no_materials_guidance"));
	expect_error(lz_assistance_conclude(&f->ctx, q1, "resolved", "again", NULL), LZ_ECONFLICT, "state");
	assert_ok(lz_assistance_systemic_issues(&list, &f->ctx, NULL));
	assert_int_equal(json_array_size(list), 0); /* once is not a pattern */
	json_decref(list);
	assert_ok(
	    lz_assistance_conclude(&f->ctx, q2, "not_resolved", "材料指引缺失", "no_materials_guidance"));
	assert_ok(lz_assistance_conclude(&f->ctx, q3, "resolved", "已办结", "no_materials_guidance"));
	assert_ok(lz_assistance_systemic_issues(&list, &f->ctx, "open"));
	assert_int_equal(json_array_size(list), 1);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(list, 0), "request_count")), 3);
	{
		int64_t issue = json_integer_value(json_object_get(json_array_get(list, 0), "id"));
		json_decref(list);
		expect_error(lz_assistance_handoff(&handoff, &f->ctx, issue, ""), LZ_EINVALID, "summary");
		assert_ok(
		    lz_assistance_handoff(&handoff, &f->ctx, issue, "办事指南缺少材料清单，三个案件超时"));
		assert_true(handoff > 0);
		expect_error(lz_assistance_handoff(NULL, &f->ctx, issue, "again"), LZ_ECONFLICT, "status");
	}
	assert_ok(lz_assistance_handoffs(&list, &f->ctx, "handed_to_supervision"));
	assert_int_equal(json_array_size(list), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "source_kind")),
	                    "systemic_issue");
	json_decref(list);
	assert_ok(lz_assistance_systemic_issues(&list, &f->ctx, "handed_to_supervision"));
	assert_int_equal(json_array_size(list), 1);
	json_decref(list);

	/* A decided case gets no assistance. */
	to_review(f, r1.id);
	as(f, P_REVIEWER);
	assert_ok(lz_case_decide(&f->ctx, r1.id, "approved", NULL));
	lz_auth_act_as_public(&f->ctx);
	expect_error(lz_assistance_ask(NULL, &f->ctx, r1.receipt_no, r1.check_code, "x"), LZ_ECONFLICT, NULL);
	expect_message("is decided");
	as(f, P_OTHER_CLERK);
	expect_error(lz_assistance_list(&list, &f->ctx, NULL, NULL, 50), LZ_EFORBIDDEN, NULL);
}

/* ---------------------------------------------------------------- audit */

static void test_cases__audit_entries_hold_no_personal_data(void **state)
{
	fixture *f = *state;
	int64_t type = make_type(f, "permit", 24, "elapsed", 1, true);
	lz_case_receipt r = receive(f, type);
	json_t *entries;
	lz_audit_query q = LZ_AUDIT_QUERY_INIT;
	char *dump;

	(void)r;
	as_system(f);
	q.limit = 200;
	int64_t next = 0;
	assert_ok(lz_audit_list(&entries, &next, &f->ctx, &q));
	dump = json_dumps(entries, 0);
	assert_non_null(strstr(dump, "case.receive"));
	assert_null(strstr(dump, f->id_number));
	assert_null(strstr(dump, "13800138000"));
	assert_null(strstr(dump, "张三丰"));
	free(dump);
	json_decref(entries);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_cases__calendar_across_national_day_2026, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cases__type_validation_names_the_field, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cases__a_changed_target_applies_to_later_cases, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_cases__every_action_out_of_order_is_a_conflict, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_cases__receipt_input_is_checked, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cases__clock_pauses_while_waiting_for_the_applicant, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_cases__working_clock_skips_the_holiday_week, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_cases__three_levels_need_three_distinct_people, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_cases__lookup_by_receipt_and_check_code, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cases__percentiles_match_a_brute_force, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cases__percentiles_over_many_ties, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cases__inbox_orders_by_due_and_pages, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cases__complaint_target_and_repeats, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cases__assistance_after_the_target_and_systemic_causes,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cases__audit_entries_hold_no_personal_data, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
