/*
 * demo_funds.c — the funds part of the demonstration data set (see demo_int.h).
 *
 * What it loads, all through the domain functions so that the fund ledger and the
 * audit log hold real entries and verify:
 * - allocations for 2025 and 2026: 中央财政 at the national bureau, then every
 *   province, city and county of the demo, then two budget lines in Tonglu, Zigui
 *   and Linli (support payments, projects); children never exceed their parent;
 * - support programmes in those three counties (600 yuan a person a year for 20
 *   years: Tonglu quarterly, Zigui annually, Linli monthly) with their households
 *   of beneficiaries, a few of them deceased, moved or suspended on a date with a
 *   reason, and a few whose 20 years have run out;
 * - a year of payroll runs (October 2025 to September 2026), each prepared by one
 *   finance person and approved by another, and Zigui's 2026 run prepared and
 *   waiting for its checker; in Tonglu's third quarter one person is suspended
 *   between preparation and approval, so the approval excludes the line;
 * - projects in several states: Tonglu's water project accepted on site and paid;
 *   Zigui's road with stage 1 paid and stage 2 inspected with one signature of two;
 *   Tonglu's road and a Linli orchard project just registered; and the
 *   unfinished-project case: Tonglu's housing repair, whose materials claim it is
 *   finished but which nobody has visited — signing its acceptance and preparing
 *   the 286,600-yuan payment are both refused, with the module's reasons, and it
 *   stays open for a visitor to see why.
 *
 * Dates are fixed (nothing later than 2026-10-01), so the data set is the same on
 * every run; the generator is demo.c's splitmix64 with a seed of its own. Evidence
 * photos are small PNG images made here, byte for byte.
 */
#include "demo/demo_int.h"

#include "auth/auth.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/idcard.h"
#include "files/files.h"
#include "funds/beneficiary.h"
#include "funds/funds.h"
#include "funds/payroll.h"
#include "ledger/ledger.h"
#include "org/org.h"

#include <sodium.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define YUAN INT64_C(100)

/* ---------------------------------------------------------------- allocations */

/* Bureaus receiving money in 2026 (yuan); 2025 had 96% of it. Parents come first. */
static const struct {
	const char *code;
	int parent; /* index in this table; -1 for the national bureau (中央财政) */
	int64_t yuan;
} tree[] = {
    {"100000", -1, 60000000}, {"330000", 0, 9000000},  {"330100", 1, 4500000},  {"330122", 2, 2600000},
    {"330127", 2, 1500000},   {"420000", 0, 14000000}, {"420500", 5, 6000000},  {"420527", 6, 3000000},
    {"420526", 6, 1600000},   {"420300", 5, 3000000},  {"420381", 9, 2000000},  {"420100", 5, 1000000},
    {"429006", 5, 800000},    {"430000", 0, 8000000},  {"430700", 13, 3500000}, {"430724", 14, 1600000},
    {"430725", 14, 1200000},  {"520000", 0, 5000000},  {"520300", 17, 2000000}, {"520381", 18, 1200000},
    {"510000", 0, 6000000},   {"511500", 20, 2500000}, {"511529", 21, 1500000},
};

#define N_TREE COUNT(tree)

/* The three counties with programmes and projects, and their budget lines (yuan, 2026). */
enum { C_TONGLU, C_ZIGUI, C_LINLI, N_COUNTIES };

static const struct {
	const char *code, *short_name;
	int tree_index;
	int64_t support_yuan, projects_yuan;
	const char *programme, *frequency;
	int beneficiaries;
	const char *relocated_from, *relocated_to; /* the range of relocation dates */
	const char *villages[8];
} counties[N_COUNTIES] = {
    [C_TONGLU] = {"330122",
                  "桐庐县",
                  3,
                  1000000,
                  1400000,
                  "富春江水库移民后期扶持",
                  "quarterly",
                  1100,
                  "2006-03-01",
                  "2016-12-31",
                  {"富春江镇芦茨村", "富春江镇茆坪村", "分水镇后岩村", "江南镇环溪村", "桐君街道梅林村",
                   "瑶琳镇东琳村", "百江镇联盟村", "钟山乡歌舞村"}},
    [C_ZIGUI] = {"420527",
                 "秭归县",
                 7,
                 1200000,
                 1500000,
                 "三峡库区移民后期扶持",
                 "annual",
                 1200,
                 "2006-06-01",
                 "2012-10-31",
                 {"茅坪镇九里村", "茅坪镇银杏沱村", "归州镇香溪村", "郭家坝镇烟灯堡村", "屈原镇西陵峡村",
                  "沙镇溪镇范家坪村", "水田坝乡王家岭村", "泄滩乡陈家湾村"}},
    [C_LINLI] = {"430724",
                 "临澧县",
                 15,
                 900000,
                 500000,
                 "青山水库移民后期扶持",
                 "monthly",
                 700,
                 "2009-01-01",
                 "2015-12-31",
                 {"安福镇青山村", "合口镇道水村", "新安镇龙凤村", "佘市桥镇蒋家村", "四新岗镇复兴村",
                  "烽火乡烽火村", "停弦渡镇双溪村", "望城乡九里村"}},
};

/* ---------------------------------------------------------------- people */

/*
 * Who acts. The first six have demo logins (demo.c); the others are staff of the
 * counties and cities whose accounts exist for these acts only and are disabled
 * afterwards, so nobody signs in as them.
 */
enum {
	A_REVIEWER,     /* reviewer, 桐庐: reviews, inspects and signs in Tonglu */
	A_FINANCE,      /* finance, 杭州: prepares Tonglu's payments and runs */
	A_INSPECTOR_ZJ, /* inspector, 浙江: the second signature in Tonglu */
	A_DIRECTOR_ZJ,  /* director, 杭州: approves Tonglu's project payments */
	A_INSPECTOR,    /* inspector, 湖北: inspects and signs in Zigui */
	A_DIRECTOR,     /* director, 湖北: approves Zigui's project payments */
	A_TONGLU_FIN,   /* hidden: 桐庐 财务科, approves Tonglu's runs */
	A_ZIGUI_REV,    /* hidden: 秭归 安置科, the second signature in Zigui */
	A_ZIGUI_FIN,    /* hidden: 秭归 财务科, prepares Zigui's payments and runs */
	A_YICHANG_FIN,  /* hidden: 宜昌 财务科, approves Zigui's runs */
	A_LINLI_FIN,    /* hidden: 临澧 财务科, prepares Linli's runs */
	A_CHANGDE_FIN,  /* hidden: 常德 财务科, approves Linli's runs */
	N_ACTORS
};

static const struct {
	const char *login, *role, *bureau_code, *department;
} actors[N_ACTORS] = {
    [A_REVIEWER] = {"reviewer", NULL, NULL, NULL},
    [A_FINANCE] = {"finance", NULL, NULL, NULL},
    [A_INSPECTOR_ZJ] = {"inspector.zj", NULL, NULL, NULL},
    [A_DIRECTOR_ZJ] = {"director.zj", NULL, NULL, NULL},
    [A_INSPECTOR] = {"inspector", NULL, NULL, NULL},
    [A_DIRECTOR] = {"director", NULL, NULL, NULL},
    [A_TONGLU_FIN] = {"tonglu.cashier", "finance", "330122", "财务科"},
    [A_ZIGUI_REV] = {"zigui.resettle", "reviewer", "420527", "安置科"},
    [A_ZIGUI_FIN] = {"zigui.finance", "finance", "420527", "财务科"},
    [A_YICHANG_FIN] = {"yichang.finance", "finance", "420500", "财务科"},
    [A_LINLI_FIN] = {"linli.finance", "finance", "430724", "财务科"},
    [A_CHANGDE_FIN] = {"changde.finance", "finance", "430700", "财务科"},
};

/* ---------------------------------------------------------------- the loader */

typedef struct {
	lz_ctx *ctx;
	lz_actor system;
	lz_demo_rng rng;
	lz_demo_funds_summary *sum;
	int64_t user[N_ACTORS];
	int64_t alloc[2][N_TREE];            /* [2025, 2026][tree index] */
	int64_t support_line[2][N_COUNTIES]; /* budget lines */
	int64_t projects_line[2][N_COUNTIES];
	int64_t bureau[N_COUNTIES], programme[N_COUNTIES];
	int64_t *beneficiaries[N_COUNTIES]; /* ids in order of registration */
	int nbeneficiaries[N_COUNTIES];
	int32_t today;
} loader;

static void as_system(loader *l)
{
	l->ctx->actor = l->system;
}

static int as(loader *l, int who)
{
	return lz_auth_act_as(l->ctx, l->user[who]);
}

static int day_of(int32_t *out, const char *date)
{
	return lz_date_parse(out, date);
}

/* Seconds since the epoch of a Beijing time on 'date' (hh:mm, UTC+8). */
static int64_t beijing(const char *date, int hh, int mm)
{
	int32_t d = 0;
	if (lz_date_parse(&d, date) < 0)
		return 0;
	return (int64_t)d * 86400 + (hh - 8) * 3600 + mm * 60;
}

static const char sql_bureau_id[] = "SELECT id FROM bureau WHERE code = ?";
static const char sql_login_user[] = "SELECT id FROM user_account WHERE login = ?";
/* An active staff member of the bureau not yet holding an account and not a head
 * (so never the owner of a project), from the department when it has one. */
static const char sql_free_staff[] = "SELECT s.id FROM staff s JOIN department d ON d.id = s.department_id "
                                     "JOIN bureau b ON b.id = s.bureau_id WHERE b.code = ? AND s.status = 1 "
                                     "AND s.post NOT IN ('科长', '局长') AND NOT EXISTS (SELECT 1 FROM "
                                     "user_account u WHERE u.staff_id = s.id) "
                                     "ORDER BY CASE WHEN d.name = ? THEN 0 ELSE 1 END, s.id LIMIT 1";
/* The head of a county's resettlement department: the owner of its projects. */
static const char sql_owner[] = "SELECT s.id FROM staff s JOIN department d ON d.id = s.department_id "
                                "WHERE s.bureau_id = ? AND d.name = '安置科' AND s.post = '科长' "
                                "ORDER BY s.id LIMIT 1";

static int find_id(int64_t *out, loader *l, const char *sql, const char *fmt, const char *a, const char *b)
{
	lz_conn *c;
	int error;
	if ((error = lz_ctx_conn(&c, l->ctx)) < 0)
		return error;
	if (b)
		return lz_exec_int(out, c, sql, true, fmt, a, b);
	return lz_exec_int(out, c, sql, true, fmt, a);
}

/*
 * The accounts of the people who act: the demo logins by name; for the others an
 * account linked to a free staff member of their department, with a random
 * password nobody is told.
 */
static int make_actors(loader *l)
{
	/* Their passwords are 144 random bits that nobody is told, so the cheapest
	 * password hashing loses nothing, and saves a second per load. */
	const lz_app *app = l->ctx->app;
	lz_app cheap = *app;
	int error = 0;

	cheap.pw_cost = LZ_PW_COST_MIN;
	for (int i = 0; i < N_ACTORS && error == 0; i++) {
		if (!actors[i].role) {
			error = find_id(&l->user[i], l, sql_login_user, "t", actors[i].login, NULL);
			continue;
		}
		uint8_t raw[18];
		char password[40];
		int64_t staff = 0;
		lz_random_fill(app->random, raw, sizeof(raw));
		lz_hex(password, raw, sizeof(raw));
		if ((error = find_id(&staff, l, sql_free_staff, "tt", actors[i].bureau_code,
		                     actors[i].department)) < 0)
			break;
		l->ctx->app = &cheap;
		error = lz_user_add(&l->user[i], l->ctx, actors[i].login, actors[i].role,
		                    actors[i].bureau_code, password, staff);
		l->ctx->app = app;
		sodium_memzero(password, sizeof(password));
		if (error == 0)
			l->sum->persons++;
	}
	sodium_memzero(&cheap, sizeof(cheap));
	return error;
}

/* Disables the accounts that exist only for the demo's acts. */
static int retire_actors(loader *l)
{
	int error;
	for (int i = 0; i < N_ACTORS; i++)
		if (actors[i].role && (error = lz_user_set_active(l->ctx, actors[i].login, false)) < 0)
			return error;
	return 0;
}

/* ---------------------------------------------------------------- allocations */

static int allocate(int64_t *out, loader *l, int64_t bureau, int64_t parent, int year, const char *purpose,
                    int64_t fen)
{
	lz_allocation_input in = {bureau, parent, "中央财政", year, purpose, fen};
	int error = lz_allocation_create(out, l->ctx, &in);
	if (error == 0)
		l->sum->allocations++;
	return error;
}

static int load_allocations(loader *l)
{
	int64_t bureau[N_TREE];
	char purpose[160];
	int error;

	for (size_t i = 0; i < N_TREE; i++)
		if ((error = find_id(&bureau[i], l, sql_bureau_id, "t", tree[i].code, NULL)) < 0)
			return error;
	for (int y = 0; y < 2; y++) {
		int year = 2025 + y;
		for (size_t i = 0; i < N_TREE; i++) {
			int64_t fen = tree[i].yuan * YUAN * (y ? 100 : 96) / 100;
			int64_t parent = tree[i].parent < 0 ? 0 : l->alloc[y][tree[i].parent];
			snprintf(purpose, sizeof(purpose), "%d年度大中型水库移民后期扶持资金", year);
			if ((error = allocate(&l->alloc[y][i], l, bureau[i], parent, year, purpose, fen)) < 0)
				return error;
			if (tree[i].parent < 0)
				l->sum->central_fen[y] = fen;
		}
		for (int c = 0; c < N_COUNTIES; c++) {
			int64_t county = l->alloc[y][counties[c].tree_index];
			int64_t b = bureau[counties[c].tree_index];
			snprintf(purpose, sizeof(purpose), "%d年%s移民后期扶持直补资金", year,
			         counties[c].short_name);
			if ((error = allocate(&l->support_line[y][c], l, b, county, year, purpose,
			                      counties[c].support_yuan * YUAN * (y ? 100 : 96) / 100)) < 0)
				return error;
			snprintf(purpose, sizeof(purpose), "%d年%s移民安置项目扶持资金", year,
			         counties[c].short_name);
			if ((error = allocate(&l->projects_line[y][c], l, b, county, year, purpose,
			                      counties[c].projects_yuan * YUAN * (y ? 100 : 96) / 100)) < 0)
				return error;
		}
	}
	for (int c = 0; c < N_COUNTIES; c++)
		l->bureau[c] = bureau[counties[c].tree_index];
	return 0;
}

/* ---------------------------------------------------------------- beneficiaries */

/* A status some beneficiaries take, by their place in the county's register. */
static const struct {
	int county, index;
	const char *status, *since, *reason;
} statuses[] = {
    {C_TONGLU, 37, "deceased", "2026-03-02", "病故（村委会出具死亡证明）"},
    {C_TONGLU, 211, "moved", "2025-11-15", "户口迁往杭州市西湖区，迁出本县"},
    {C_TONGLU, 388, "suspended", "2026-05-06", "未按期参加年度资格认证，暂停发放"},
    {C_TONGLU, 702, "deceased", "2025-12-20", "病故（卫生院出具死亡医学证明）"},
    {C_TONGLU, 1013, "suspended", "2026-03-01", "银行账户冻结，待本人核实"},
    {C_ZIGUI, 55, "deceased", "2025-09-14", "病故（卫生院出具死亡医学证明）"},
    {C_ZIGUI, 400, "moved", "2026-02-10", "随子女迁往宜昌市夷陵区"},
    {C_ZIGUI, 802, "suspended", "2026-04-01", "疑似重复享受扶持，待核查"},
    {C_ZIGUI, 1122, "deceased", "2026-06-30", "意外身故"},
    {C_LINLI, 19, "deceased", "2026-01-08", "病故"},
    {C_LINLI, 333, "moved", "2026-07-20", "户口迁往常德市武陵区"},
    {C_LINLI, 640, "suspended", "2026-03-15", "未按期参加年度资格认证，暂停发放"},
};

/* The one suspended between the preparation and the approval of Tonglu's third quarter. */
#define LATE_SUSPENSION_INDEX 900

/* Whether (birth day, sequence) was given already in this county: no two the same. */
static bool taken(const int64_t *used, int n, int64_t key)
{
	for (int i = 0; i < n; i++)
		if (used[i] == key)
			return true;
	return false;
}

/* A valid GB 11643 number of the county, born on 'birth', unique among 'used'. */
static void make_id_number(char out[19], loader *l, const char *division, int32_t birth, bool male,
                           int64_t *used, int *nused)
{
	char ymd[11];
	int seq;
	for (;;) {
		seq = 1 + 2 * (int)lz_demo__rng_below(&l->rng, 499) + (male ? 0 : 1); /* odd for men */
		if (!taken(used, *nused, (int64_t)birth * 1000 + seq))
			break;
		birth++;
	}
	used[(*nused)++] = (int64_t)birth * 1000 + seq;
	lz_date_format(ymd, birth);
	memcpy(out, division, 6);
	memcpy(out + 6, ymd, 4);
	memcpy(out + 10, ymd + 5, 2);
	memcpy(out + 12, ymd + 8, 2);
	out[14] = (char)('0' + seq / 100);
	out[15] = (char)('0' + seq / 10 % 10);
	out[16] = (char)('0' + seq % 10);
	out[17] = lz_idcard_check_char(out);
	out[18] = '\0';
}

static void make_account(char out[20], loader *l)
{
	static const char *const bins[] = {"621700", "622848", "623059", "621799"};
	snprintf(out, 20, "%s%013llu", bins[lz_demo__rng_below(&l->rng, COUNT(bins))],
	         (unsigned long long)(lz_demo__rng_next(&l->rng) % 10000000000000ULL));
}

static int load_beneficiaries(loader *l, int c)
{
	const int n = counties[c].beneficiaries;
	int32_t from, to, born_from;
	int64_t *used = lz_xmalloc(sizeof(int64_t) * (size_t)n);
	int nused = 0, household = 0, error = 0;

	l->beneficiaries[c] = lz_xmalloc(sizeof(int64_t) * (size_t)n);
	if ((error = day_of(&from, counties[c].relocated_from)) < 0 ||
	    (error = day_of(&to, counties[c].relocated_to)) < 0 ||
	    (error = day_of(&born_from, "1938-01-01")) < 0)
		goto done;
	while (l->nbeneficiaries[c] < n && error == 0) {
		/* A household: its head, a spouse, children and grandparents, moved together. */
		char hh[32], relocated[11], id_number[19], account[20], name[32];
		const char *village = counties[c].villages[lz_demo__rng_below(&l->rng, 8)];
		uint32_t a = lz_demo__rng_below(&l->rng, (uint32_t)lz_demo__nsurnames),
		         b = lz_demo__rng_below(&l->rng, (uint32_t)lz_demo__nsurnames);
		const char *surname = lz_demo__surnames[a < b ? a : b];
		int size = 1 + (int)lz_demo__rng_below(&l->rng, 5);
		/* The first households of Tonglu moved in 2006: their 20 years run out in 2026. */
		int32_t moved = household < 4 && c == C_TONGLU
		                    ? from + 30 * household
		                    : from + (int32_t)lz_demo__rng_below(&l->rng, (uint32_t)(to - from));
		household++;
		snprintf(hh, sizeof(hh), "%s-%04d", counties[c].code, household);
		lz_date_format(relocated, moved);
		for (int k = 0; k < size && l->nbeneficiaries[c] < n; k++) {
			lz_beneficiary_input in = {0};
			/* Adults born 1938–1980, children up to the year before the move. */
			int32_t span = k < 2 ? 42 * 365 : (moved - 365) - (born_from + 42 * 365);
			int32_t birth = (k < 2 ? born_from : born_from + 42 * 365) +
			                (int32_t)lz_demo__rng_below(&l->rng, (uint32_t)(span > 1 ? span : 1));
			bool male =
			    k == 0 ? lz_demo__rng_below(&l->rng, 10) < 8 : lz_demo__rng_below(&l->rng, 2);
			const char *given = lz_demo__given_names[lz_demo__rng_below(
			    &l->rng, (uint32_t)lz_demo__ngiven_names)];
			int64_t id = 0;

			if (k == 1) { /* the spouse keeps her or his own surname */
				uint32_t s = lz_demo__rng_below(&l->rng, (uint32_t)lz_demo__nsurnames);
				snprintf(name, sizeof(name), "%s%s", lz_demo__surnames[s], given);
				male = !male;
			} else {
				snprintf(name, sizeof(name), "%s%s", surname, given);
			}
			make_id_number(id_number, l, counties[c].code, birth, male, used, &nused);
			make_account(account, l);
			in.programme_id = l->programme[c];
			in.id_number = id_number;
			in.name = name;
			in.village = village;
			in.household_id = hh;
			in.relocated_on = relocated;
			in.bank_account = account;
			if ((error = lz_beneficiary_create(&id, l->ctx, &in)) < 0)
				break;
			l->beneficiaries[c][l->nbeneficiaries[c]++] = id;
			l->sum->beneficiaries++;
		}
	}
	for (size_t i = 0; i < COUNT(statuses) && error == 0; i++) {
		if (statuses[i].county != c || statuses[i].index >= l->nbeneficiaries[c])
			continue;
		error = lz_beneficiary_set_status(l->ctx, l->beneficiaries[c][statuses[i].index],
		                                  statuses[i].status, statuses[i].since, statuses[i].reason);
		if (error == 0)
			l->sum->inactive++;
	}
done:
	free(used);
	return error;
}

static int load_programmes(loader *l)
{
	int error;
	for (int c = 0; c < N_COUNTIES; c++) {
		lz_programme_input in = {l->bureau[c], counties[c].programme, 0, 0, counties[c].frequency};
		if ((error = lz_programme_create(&l->programme[c], l->ctx, &in)) < 0 ||
		    (error = load_beneficiaries(l, c)) < 0)
			return error;
		l->sum->programmes++;
	}
	return 0;
}

/* ---------------------------------------------------------------- payroll */

/* Prepares a run as 'maker' and, when 'checker' is not -1, approves it as the checker. */
static int payroll(int64_t *out_run, loader *l, int c, const char *start, const char *end, int year,
                   int maker, int checker)
{
	int64_t run = 0;
	int error;

	if ((error = as(l, maker)) < 0 ||
	    (error = lz_payroll_prepare(&run, l->ctx, l->programme[c], start, end,
	                                l->support_line[year - 2025][c])) < 0)
		return error;
	if (out_run)
		*out_run = run;
	if (checker < 0) {
		l->sum->runs_prepared++;
		return 0;
	}
	if ((error = as(l, checker)) < 0 || (error = lz_payroll_approve(l->ctx, run)) < 0)
		return error;
	l->sum->runs_approved++;
	return 0;
}

static int load_payroll(loader *l)
{
	static const char *const months[][2] = {
	    {"2025-10-01", "2025-10-31"}, {"2025-11-01", "2025-11-30"}, {"2025-12-01", "2025-12-31"},
	    {"2026-01-01", "2026-01-31"}, {"2026-02-01", "2026-02-28"}, {"2026-03-01", "2026-03-31"},
	    {"2026-04-01", "2026-04-30"}, {"2026-05-01", "2026-05-31"}, {"2026-06-01", "2026-06-30"},
	    {"2026-07-01", "2026-07-31"}, {"2026-08-01", "2026-08-31"}, {"2026-09-01", "2026-09-30"},
	};
	static const char *const quarters[][2] = {
	    {"2025-10-01", "2025-12-31"},
	    {"2026-01-01", "2026-03-31"},
	    {"2026-04-01", "2026-06-30"},
	};
	int64_t run = 0;
	int error;

	if ((error =
	         payroll(NULL, l, C_ZIGUI, "2025-01-01", "2025-12-31", 2025, A_ZIGUI_FIN, A_YICHANG_FIN)) < 0)
		return error;
	for (size_t i = 0; i < COUNT(quarters); i++)
		if ((error = payroll(NULL, l, C_TONGLU, quarters[i][0], quarters[i][1], i ? 2026 : 2025,
		                     A_FINANCE, A_TONGLU_FIN)) < 0)
			return error;
	for (size_t i = 0; i < COUNT(months); i++)
		if ((error = payroll(NULL, l, C_LINLI, months[i][0], months[i][1], i < 3 ? 2025 : 2026,
		                     A_LINLI_FIN, A_CHANGDE_FIN)) < 0)
			return error;

	/* Tonglu's third quarter: someone is suspended after the run was prepared; the
	 * approval re-checks every line and leaves that one out, with the reason. */
	if ((error = payroll(&run, l, C_TONGLU, "2026-07-01", "2026-09-30", 2026, A_FINANCE, -1)) < 0)
		return error;
	l->sum->runs_prepared--;
	as_system(l);
	if ((error = lz_beneficiary_set_status(l->ctx, l->beneficiaries[C_TONGLU][LATE_SUSPENSION_INDEX],
	                                       "suspended", "2026-07-01",
	                                       "外出务工，未按期参加资格认证（复核时发现）")) < 0)
		return error;
	l->sum->inactive++;
	if ((error = as(l, A_TONGLU_FIN)) < 0 || (error = lz_payroll_approve(l->ctx, run)) < 0)
		return error;
	l->sum->runs_approved++;

	/* Zigui's 2026 run is prepared and waits for its checker (the director may approve it). */
	if ((error = payroll(NULL, l, C_ZIGUI, "2026-01-01", "2026-12-31", 2026, A_ZIGUI_FIN, -1)) < 0)
		return error;

	as_system(l);
	lz_conn *c;
	int64_t paid = 0;
	if ((error = lz_ctx_conn(&c, l->ctx)) < 0 ||
	    (error = lz_exec_int(&paid, c,
	                         "SELECT COALESCE(SUM(approved_fen), 0) FROM payroll_run WHERE status = 2",
	                         true, NULL)) < 0)
		return error;
	l->sum->payroll_fen = paid;
	return 0;
}

/* ---------------------------------------------------------------- evidence photos */

static uint32_t crc32_of(uint32_t crc, const uint8_t *p, size_t n)
{
	crc = ~crc;
	while (n--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
	}
	return ~crc;
}

static void put32(lz_buf *b, uint32_t v)
{
	uint8_t x[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
	lz_buf_put(b, x, 4);
}

static void chunk(lz_buf *b, const char type[4], const uint8_t *data, size_t n)
{
	put32(b, (uint32_t)n);
	size_t at = b->len;
	lz_buf_put(b, type, 4);
	if (n)
		lz_buf_put(b, data, n);
	put32(b, crc32_of(0, (const uint8_t *)b->ptr + at, n + 4));
}

#define PNG_W 64
#define PNG_H 40
#define PNG_RAW (PNG_H * (1 + PNG_W * 3))

/*
 * A small photograph-like PNG (sky, hills, ground in the colours of 'seed'): RGB,
 * 8 bits, the pixels in one stored (uncompressed) deflate block inside a zlib
 * stream — valid PNG bytes with no compression library.
 */
void lz_demo__png(lz_buf *out, uint32_t seed)
{
	static uint8_t raw[PNG_RAW];
	uint8_t ihdr[13] = {0, 0, 0, PNG_W, 0, 0, 0, PNG_H, 8, 2, 0, 0, 0};
	lz_buf z = LZ_BUF_INIT;
	uint32_t s1 = 1, s2 = 0;

	for (int y = 0; y < PNG_H; y++) {
		uint8_t *row = raw + y * (1 + PNG_W * 3);
		row[0] = 0; /* filter: none */
		for (int x = 0; x < PNG_W; x++) {
			int hill = 18 + (int)((seed >> (x % 8)) & 7) + (x * (int)(seed % 5)) / 16;
			uint8_t *px = row + 1 + x * 3;
			if (y < hill - 6) { /* sky */
				px[0] = (uint8_t)(120 + y * 2);
				px[1] = (uint8_t)(170 + y);
				px[2] = 235;
			} else if (y < hill) { /* hills */
				px[0] = (uint8_t)(40 + (seed & 31));
				px[1] = (uint8_t)(110 + ((seed >> 5) & 63));
				px[2] = 60;
			} else { /* the site */
				px[0] = (uint8_t)(150 + ((x + y + (int)seed) & 31));
				px[1] = (uint8_t)(130 + ((seed >> 3) & 31));
				px[2] = (uint8_t)(100 + (y & 15));
			}
		}
	}
	for (size_t i = 0; i < PNG_RAW; i++) {
		s1 = (s1 + raw[i]) % 65521;
		s2 = (s2 + s1) % 65521;
	}
	uint8_t head[7] = {0x78,
	                   0x01,
	                   0x01,
	                   PNG_RAW & 0xff,
	                   PNG_RAW >> 8,
	                   (uint8_t) ~(PNG_RAW & 0xff),
	                   (uint8_t) ~(PNG_RAW >> 8)};
	lz_buf_put(&z, head, sizeof(head));
	lz_buf_put(&z, raw, PNG_RAW);
	put32(&z, (s2 << 16) | s1);

	lz_buf_put(out, "\x89PNG\r\n\x1a\n", 8);
	chunk(out, "IHDR", ihdr, sizeof(ihdr));
	chunk(out, "IDAT", (const uint8_t *)z.ptr, z.len);
	chunk(out, "IEND", NULL, 0);
	lz_buf_dispose(&z);
}

/* Stores a photo of a site as evidence of 'bureau'; its hash into 'out'. */
static int photo(char out[65], loader *l, int64_t bureau, const char *name, uint32_t seed)
{
	lz_buf png = LZ_BUF_INIT;
	lz_demo__png(&png, seed);
	int error = lz_file_put(out, l->ctx, bureau, name, "image/png", png.ptr, png.len);
	lz_buf_dispose(&png);
	if (error == 0)
		l->sum->files++;
	return error;
}

/* ---------------------------------------------------------------- projects */

typedef struct {
	int county;
	const char *name, *kind, *contractor;
	int64_t lat, lon, radius_m, budget_yuan;
	size_t nstages;
	lz_stage_input stages[3];
} demo_project;

static const demo_project projects[] = {
#define P_WATER 0
    {C_TONGLU,
     "芦茨村移民安置点饮水安全工程",
     "infrastructure",
     "桐庐县水利水电建设有限公司",
     29716400,
     119669800,
     400,
     420000,
     2,
     {{"管网铺设", "主管及入户管网铺设完成，打压试验合格，入户率100%", 6000},
      {"蓄水池及净水设施", "200立方米蓄水池及净水设备安装完成，水质检测达到生活饮用水卫生标准", 4000}}},
#define P_ROAD 1
    {C_ZIGUI,
     "茅坪镇九里村移民安置点道路工程",
     "infrastructure",
     "宜昌三峡路桥建设有限公司",
     30836200,
     110985400,
     600,
     1200000,
     2,
     {{"路基", "路基压实度≥95%，边沟及挡土墙完成", 4000},
      {"路面及排水", "水泥混凝土路面4.5米宽、全长2.3公里，排水畅通，交通标志齐全", 6000}}},
#define P_REPAIR 2
    {C_TONGLU,
     "茆坪村移民安置房屋修缮工程",
     "housing",
     "桐庐县富春建筑工程有限公司",
     29735600,
     119702300,
     300,
     573200,
     2,
     {{"主体修缮", "32户安置房屋顶翻修、墙体加固完成，经结构安全鉴定合格", 5000},
      {"配套及环境整治", "化粪池、排水沟、房前屋后硬化及绿化完成", 5000}}},
#define P_FARM_ROAD 3
    {C_TONGLU,
     "分水镇后岩村产业路硬化工程",
     "infrastructure",
     "杭州桐江交通工程有限公司",
     29934100,
     119427700,
     800,
     350000,
     2,
     {{"路基及涵洞", "路基成型，涵洞3处完成", 4500}, {"路面", "3.5米宽水泥路面1.8公里，养护期满", 5500}}},
#define P_ORCHARD 4
    {C_LINLI,
     "安福镇青山村柑橘产业扶持项目",
     "production_support",
     "临澧县青山果业专业合作社",
     29440800,
     111647300,
     1500,
     260000,
     3,
     {{"苗木采购及栽植", "优质柑橘苗木12000株栽植完成，成活率≥90%", 5000},
      {"滴灌设施", "滴灌系统覆盖200亩", 3000},
      {"技术培训", "移民户技术培训4期、200人次", 2000}}},
};

static int create_project(int64_t *out, loader *l, const demo_project *d)
{
	lz_project_input in = {0};
	int error;

	in.bureau_id = l->bureau[d->county];
	in.name = d->name;
	in.kind = d->kind;
	in.site_lat = d->lat;
	in.site_lon = d->lon;
	in.site_radius_m = d->radius_m;
	in.budget_fen = d->budget_yuan * YUAN;
	in.contractor = d->contractor;
	in.allocation_id = l->projects_line[1][d->county];
	in.nstages = d->nstages;
	for (size_t i = 0; i < d->nstages; i++)
		in.stages[i] = d->stages[i];
	as_system(l);
	lz_conn *c;
	if ((error = lz_ctx_conn(&c, l->ctx)) < 0 ||
	    (error = lz_exec_int(&in.owner_staff_id, c, sql_owner, true, "i", in.bureau_id)) < 0 ||
	    (error = lz_project_create(out, l->ctx, &in)) < 0)
		return error;
	l->sum->projects++;
	return 0;
}

static int stage_id(int64_t *out, loader *l, int64_t project, int seq)
{
	lz_actor saved = l->ctx->actor;
	as_system(l);
	int error = lz_project_stage_id(out, l->ctx, project, seq);
	l->ctx->actor = saved;
	return error;
}

/*
 * An on-site inspection of a stage by 'inspector', 'dm' micro-degrees from the
 * site's centre (about 0.11 m each), at 'pct' % complete, with two photos.
 */
static int inspect(loader *l, const demo_project *d, int64_t stage, int inspector, const char *date, int pct,
                   const char *findings, uint32_t seed, int64_t dm)
{
	char a[65], b[65], name[96];
	lz_inspection_input in = {0};
	int64_t id = 0;
	int error;

	as_system(l);
	snprintf(name, sizeof(name), "现场照片-%s-1.png", date);
	if ((error = photo(a, l, l->bureau[d->county], name, seed)) < 0)
		return error;
	snprintf(name, sizeof(name), "现场照片-%s-2.png", date);
	if ((error = photo(b, l, l->bureau[d->county], name, seed * 2654435761u + 1)) < 0)
		return error;
	in.inspected_at = beijing(date, 10, 30);
	in.lat = d->lat + dm;
	in.lon = d->lon - dm;
	in.completion_pct = pct;
	in.findings = findings;
	in.nevidence = 2;
	in.evidence[0] = a;
	in.evidence[1] = b;
	if ((error = as(l, inspector)) < 0)
		return error;
	return lz_inspection_record(&id, l->ctx, stage, &in);
}

static int review(loader *l, int64_t stage, int who, const char *note)
{
	int error;
	if ((error = as(l, who)) < 0)
		return error;
	return lz_stage_review_materials(l->ctx, stage, note);
}

static int sign(loader *l, int64_t stage, int who)
{
	int error;
	if ((error = as(l, who)) < 0)
		return error;
	return lz_acceptance_sign(NULL, l->ctx, stage);
}

/* A project payment for a stage: prepared by 'maker', approved by 'checker', paid. */
static int pay(loader *l, int64_t project, int64_t stage, int county, int64_t fen, const char *key, int maker,
               int checker, const char *reference)
{
	lz_payment_input in = {project, stage, l->projects_line[1][county], fen, NULL, key};
	int64_t id = 0;
	int error;

	if ((error = as(l, maker)) < 0 || (error = lz_payment_prepare(&id, NULL, l->ctx, &in)) < 0 ||
	    (error = as(l, checker)) < 0 || (error = lz_payment_approve(l->ctx, id)) < 0 ||
	    (error = as(l, maker)) < 0 || (error = lz_payment_mark_paid(l->ctx, id, reference)) < 0)
		return error;
	l->sum->payments_paid++;
	l->sum->projects_paid_fen += fen;
	return 0;
}

static void yuan(char out[40], int64_t fen)
{
	char digits[24], grouped[40];
	int n = snprintf(digits, sizeof(digits), "%lld", (long long)(fen / 100)), k = 0;
	for (int i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			grouped[k++] = ',';
		grouped[k++] = digits[i];
	}
	grouped[k] = '\0';
	snprintf(out, 40, "%.30s.%02d", grouped, (int)(fen % 100));
}

/* The unfinished-project case: the materials say the repairs are done; nobody went. */
static int unfinished_case(loader *l, int64_t project, int64_t stage)
{
	const int64_t fen = 286600 * YUAN;
	lz_payment_input in = {project, stage, l->projects_line[1][C_TONGLU],
	                       fen,     NULL,  "demo-tonglu-repair-1"};
	char amount[40], sign_reason[512];
	int64_t id = 0;
	int error;

	if ((error = review(l, stage, A_REVIEWER,
	                    "施工单位报送完工报告、监理签证单及竣工照片，称32户主体修缮已全部完成；"
	                    "材料齐全，待实地核查")) < 0)
		return error;
	/* Signing without anyone on site: refused. */
	if ((error = sign(l, stage, A_REVIEWER)) != LZ_ECONFLICT)
		return error < 0
		           ? error
		           : lz_error_set(LZ_ECONFLICT, NULL, "the demo's refused acceptance was signed");
	snprintf(sign_reason, sizeof(sign_reason), "%.300s", lz_error_last()->message);
	/* And the payment request of 286,600 yuan for it: refused too. */
	if ((error = as(l, A_FINANCE)) < 0)
		return error;
	if ((error = lz_payment_prepare(&id, NULL, l->ctx, &in)) != LZ_ECONFLICT)
		return error < 0
		           ? error
		           : lz_error_set(LZ_ECONFLICT, NULL, "the demo's refused payment was prepared");
	yuan(amount, fen);
	snprintf(
	    l->sum->refused, sizeof(l->sum->refused),
	    "%s «%s»: acceptance signed without a site visit — refused (409: %.300s); payment request of "
	    "%s yuan — refused (409: %.300s)",
	    counties[C_TONGLU].short_name, projects[P_REPAIR].name, sign_reason, amount,
	    lz_error_last()->message);
	lz_error_clear();
	return 0;
}

static int load_projects(loader *l)
{
	int64_t id[COUNT(projects)], st[3];
	int error;

	for (size_t i = 0; i < COUNT(projects); i++)
		if ((error = create_project(&id[i], l, &projects[i])) < 0)
			return error;

	/* Tonglu's water project: both stages inspected on site, signed by two, paid. */
	const demo_project *w = &projects[P_WATER];
	if ((error = stage_id(&st[0], l, id[P_WATER], 1)) < 0 ||
	    (error = stage_id(&st[1], l, id[P_WATER], 2)) < 0 ||
	    (error = review(l, st[0], A_REVIEWER, "施工合同、监理日志、管材质检报告及打压试验记录齐全")) <
	        0 ||
	    (error = inspect(l, w, st[0], A_REVIEWER, "2026-04-16", 100,
	                     "现场抽查入户管网12户，打压试验合格，龙头出水正常", 11, 900)) < 0 ||
	    (error = sign(l, st[0], A_REVIEWER)) < 0 || (error = sign(l, st[0], A_INSPECTOR_ZJ)) < 0 ||
	    (error = pay(l, id[P_WATER], st[0], C_TONGLU, 252000 * YUAN, "demo-tonglu-water-1", A_FINANCE,
	                 A_DIRECTOR_ZJ, "ZJRC-2026-0423-0017")) < 0 ||
	    (error = review(l, st[1], A_REVIEWER, "蓄水池验收记录、水质检测报告（桐庐县疾控中心）齐全")) <
	        0 ||
	    (error = inspect(l, w, st[1], A_REVIEWER, "2026-06-09", 100,
	                     "蓄水池无渗漏，净水设备运行正常，现场取水检测浊度0.6NTU", 12, -1200)) < 0 ||
	    (error = sign(l, st[1], A_REVIEWER)) < 0 || (error = sign(l, st[1], A_INSPECTOR_ZJ)) < 0 ||
	    (error = pay(l, id[P_WATER], st[1], C_TONGLU, 168000 * YUAN, "demo-tonglu-water-2", A_FINANCE,
	                 A_DIRECTOR_ZJ, "ZJRC-2026-0618-0042")) < 0)
		return error;

	/* Zigui's road: stage 1 accepted and paid; stage 2 inspected at 85 %, one signature of two. */
	const demo_project *r = &projects[P_ROAD];
	if ((error = stage_id(&st[0], l, id[P_ROAD], 1)) < 0 ||
	    (error = stage_id(&st[1], l, id[P_ROAD], 2)) < 0 ||
	    (error = review(l, st[0], A_ZIGUI_REV, "施工日志、压实度检测报告、隐蔽工程验收记录齐全")) < 0 ||
	    (error = inspect(l, r, st[0], A_INSPECTOR, "2026-05-21", 100,
	                     "路基全线贯通，抽检压实度96%，挡土墙无裂缝", 21, 1500)) < 0 ||
	    (error = sign(l, st[0], A_INSPECTOR)) < 0 || (error = sign(l, st[0], A_ZIGUI_REV)) < 0 ||
	    (error = pay(l, id[P_ROAD], st[0], C_ZIGUI, 480000 * YUAN, "demo-zigui-road-1", A_ZIGUI_FIN,
	                 A_DIRECTOR, "HBNX-2026-0605-0231")) < 0 ||
	    (error = review(l, st[1], A_ZIGUI_REV, "路面施工记录、混凝土试块强度报告齐全")) < 0 ||
	    (error = inspect(l, r, st[1], A_INSPECTOR, "2026-09-24", 85,
	                     "路面已浇筑约1.95公里，末段350米未完成，排水沟部分未贯通", 22, -2000)) < 0 ||
	    (error = sign(l, st[1], A_INSPECTOR)) < 0)
		return error;

	/* Tonglu's housing repair: the unfinished-project case. */
	if ((error = stage_id(&st[0], l, id[P_REPAIR], 1)) < 0 ||
	    (error = unfinished_case(l, id[P_REPAIR], st[0])) < 0)
		return error;
	as_system(l);
	return 0;
}

/* ---------------------------------------------------------------- signed heads */

/*
 * Signs every bureau's ledger head (countersign_ledgers then has each parent
 * countersign its children's), so the ledger explorer opens on signed heads.
 */
static int sign_ledgers(loader *l)
{
	int64_t bureau[N_TREE];
	int error;

	as_system(l);
	for (size_t i = 0; i < N_TREE; i++)
		if ((error = find_id(&bureau[i], l, sql_bureau_id, "t", tree[i].code, NULL)) < 0 ||
		    (error = lz_ledger_checkpoint(NULL, l->ctx, bureau[i])) < 0)
			return error;
	l->sum->heads = (int)N_TREE;
	return 0;
}

/* The parents' countersignatures, each in its own transaction (after the commit). */
static int countersign_ledgers(loader *l)
{
	int64_t bureau = 0;
	int error;

	as_system(l);
	for (size_t i = 0; i < N_TREE; i++)
		if (tree[i].parent >= 0 &&
		    ((error = find_id(&bureau, l, sql_bureau_id, "t", tree[i].code, NULL)) < 0 ||
		     (error = lz_ledger_countersign(NULL, l->ctx, bureau)) < 0))
			return error;
	return 0;
}

/* ---------------------------------------------------------------- loading */

int lz_demo__funds(lz_demo_funds_summary *out, lz_ctx *ctx)
{
	loader l;
	int error;

	memset(out, 0, sizeof(*out));
	memset(&l, 0, sizeof(l));
	l.ctx = ctx;
	l.system = ctx->actor;
	l.sum = out;
	l.rng.state = 0x66756e6473ULL; /* "funds" */

	if ((error = make_actors(&l)) < 0)
		goto done;
	as_system(&l);
	/* Everything else in one transaction: all of it, or none of it. */
	if ((error = lz_tx_begin(ctx, LZ_TX_WRITE)) < 0)
		goto done;
	if ((error = load_allocations(&l)) < 0 || (error = load_programmes(&l)) < 0 ||
	    (error = load_payroll(&l)) < 0 || (error = load_projects(&l)) < 0 ||
	    (error = sign_ledgers(&l)) < 0) {
		as_system(&l);
		lz_tx_rollback(ctx);
		goto done;
	}
	as_system(&l);
	if ((error = lz_tx_commit(ctx)) < 0)
		goto done;
	if ((error = countersign_ledgers(&l)) < 0)
		goto done;
	error = retire_actors(&l);
done:
	as_system(&l);
	for (int c = 0; c < N_COUNTIES; c++)
		free(l.beneficiaries[c]);
	return error;
}

void lz_demo__funds_report(FILE *f, const lz_demo_funds_summary *s)
{
	char a[40], b[40], p[40], q[40];
	yuan(a, s->central_fen[0]);
	yuan(b, s->central_fen[1]);
	yuan(p, s->payroll_fen);
	yuan(q, s->projects_paid_fen);
	fprintf(
	    f,
	    "Funds: %d allocations (中央财政 2025: %s yuan, 2026: %s yuan); %d projects; %d evidence files;\n"
	    "  %d programmes with %d beneficiaries (%d deceased, moved or suspended);\n"
	    "  %d payroll runs approved (%s yuan), %d waiting for approval; %d project payments paid (%s "
	    "yuan);\n"
	    "  %d ledgers with signed heads, countersigned by their parents.\n"
	    "  Refused: %s.\n\n",
	    s->allocations, a, b, s->projects, s->files, s->programmes, s->beneficiaries, s->inactive,
	    s->runs_approved, p, s->runs_prepared, s->payments_paid, q, s->heads, s->refused);
}
