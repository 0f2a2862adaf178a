/*
 * demo.c — the demonstration data set (see demo.h).
 *
 * The organisation is declared in tables below: bureaus (parents before children),
 * departments, the posts each department's staff hold, the pools of surnames and
 * given names, and the logins. A splitmix64 generator with a fixed seed turns them
 * into staff, so every load produces the same people.
 *
 * Chongqing is left out on purpose: a municipality's districts are county level
 * directly under the province level, and luzhi's rule is that a bureau is exactly one
 * level below its parent.
 */
#include "demo/demo.h"

#include "demo/demo_int.h"

#include "auth/auth.h"
#include "base/buf.h"
#include "base/clock.h"
#include "org/org.h"

#include <stdint.h>
#include <string.h>

/* ---------------------------------------------------------------- the organisation */

typedef struct {
	const char *code, *name, *name_en, *level, *parent_code;
} demo_bureau;

static const demo_bureau bureaus[] = {
	{"100000", "国家移民管理局", "National Immigration Administration", "national", NULL},

	{"420000", "湖北省移民局", "Hubei Provincial Immigration Bureau", "province", "100000"},
	{"420100", "武汉市移民局", "Wuhan Municipal Immigration Bureau", "city", "420000"},
	{"420300", "十堰市移民局", "Shiyan Municipal Immigration Bureau", "city", "420000"},
	{"420381", "丹江口市移民局", "Danjiangkou Municipal Immigration Bureau", "county", "420300"},
	{"420500", "宜昌市移民局", "Yichang Municipal Immigration Bureau", "city", "420000"},
	{"420526", "兴山县移民局", "Xingshan County Immigration Bureau", "county", "420500"},
	{"420527", "秭归县移民局", "Zigui County Immigration Bureau", "county", "420500"},
	/* A county-level city administered by the province: modelled as a city under it. */
	{"429006", "天门市移民局", "Tianmen Municipal Immigration Bureau", "city", "420000"},

	{"330000", "浙江省移民局", "Zhejiang Provincial Immigration Bureau", "province", "100000"},
	{"330100", "杭州市移民局", "Hangzhou Municipal Immigration Bureau", "city", "330000"},
	{"330122", "桐庐县移民局", "Tonglu County Immigration Bureau", "county", "330100"},
	{"330127", "淳安县移民局", "Chun'an County Immigration Bureau", "county", "330100"},

	{"430000", "湖南省移民局", "Hunan Provincial Immigration Bureau", "province", "100000"},
	{"430700", "常德市移民局", "Changde Municipal Immigration Bureau", "city", "430000"},
	{"430724", "临澧县移民局", "Linli County Immigration Bureau", "county", "430700"},
	{"430725", "桃源县移民局", "Taoyuan County Immigration Bureau", "county", "430700"},

	{"520000", "贵州省移民局", "Guizhou Provincial Immigration Bureau", "province", "100000"},
	{"520300", "遵义市移民局", "Zunyi Municipal Immigration Bureau", "city", "520000"},
	{"520381", "赤水市移民局", "Chishui Municipal Immigration Bureau", "county", "520300"},

	{"510000", "四川省移民局", "Sichuan Provincial Immigration Bureau", "province", "100000"},
	{"511500", "宜宾市移民局", "Yibin Municipal Immigration Bureau", "city", "510000"},
	{"511529", "屏山县移民局", "Pingshan County Immigration Bureau", "county", "511500"},
};

#define N_BUREAUS (sizeof(bureaus) / sizeof(bureaus[0]))

/* Departments of every bureau; counties also run resettlement on the ground. */
enum { D_GENERAL, D_PLANNING, D_FINANCE, D_SUPERVISION, D_RESETTLEMENT, N_DEPARTMENTS };

static const struct {
	const char *name;
	const char *posts[3]; /* what its other staff do, the first most often */
} departments[N_DEPARTMENTS] = {
	[D_GENERAL] = {"综合科", {"科员", "办事员", "科员"}},
	[D_PLANNING] = {"规划科", {"科员", "副主任科员", "办事员"}},
	[D_FINANCE] = {"财务科", {"会计", "出纳", "科员"}},
	[D_SUPERVISION] = {"监督科", {"督查专员", "科员", "督查专员"}},
	[D_RESETTLEMENT] = {"安置科", {"科员", "办事员", "科员"}},
};

/* Staff per bureau: base + up to spread more, by level (national, province, city, county). */
static const struct {
	int base, spread;
} sizes[] = {{0, 0}, {21, 4}, {17, 5}, {12, 4}, {8, 4}};

/* The logins, one per role. A NULL post links the login to the head of the bureau. */
static const struct {
	const char *login, *role, *bureau_code;
	int department;
	const char *post;
} logins[] = {
	{"admin", "admin", "100000", D_GENERAL, "信息化专员"},
	{"director", "director", "420000", D_GENERAL, NULL},
	{"clerk", "clerk", "330122", D_GENERAL, "办事员"},
	{"reviewer", "reviewer", "330122", D_RESETTLEMENT, "科员"},
	{"finance", "finance", "330100", D_FINANCE, "会计"},
	{"inspector", "inspector", "420000", D_SUPERVISION, "督查专员"},
	{"discipline", "discipline", "430000", D_SUPERVISION, "纪检专员"},
	{"ombudsman", "ombudsman", "100000", D_SUPERVISION, "监督专员"},
	{"auditor", "auditor", "100000", D_FINANCE, "审计专员"},
	/* Tonglu's acceptance and payment path needs two more people (funds.h). */
	{"inspector.zj", "inspector", "330000", D_SUPERVISION, "督查专员"},
	{"director.zj", "director", "330100", D_GENERAL, NULL},
};

#define N_LOGINS (sizeof(logins) / sizeof(logins[0]))

/* The commonest surnames first: the generator favours the front of the list. */
static const char *const surnames[] = {
	"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡",
	"郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
	"彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏",
	"魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金",
	"石", "廖", "贾", "夏", "韦", "付", "方", "白", "邹", "孟", "熊", "秦", "邱", "江", "尹",
};

static const char *const given_names[] = {
	"伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇",
	"艳", "杰", "娟", "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "建华",
	"建国", "建军", "志强", "志明", "海燕", "晓东", "晓燕", "丹", "萍", "鹏", "辉", "玲",
	"斌", "宇", "浩", "凯", "鑫", "婷", "雪", "琳", "健", "波", "俊", "帆",
	"亮", "晨", "欣怡", "颖", "倩", "宁", "峰", "文博", "子涵", "思远", "雨欣", "嘉怡",
	"佳琪", "梓轩", "浩然", "宇航", "俊杰", "国庆", "红梅", "春梅", "玉兰", "桂芳", "永刚", "卫东",
	"立新", "德华", "振华", "文静", "丽娟", "秀珍", "凤英", "淑珍", "玉梅", "海涛", "云飞", "晓峰",
	"少华", "永强", "建平", "国华", "光明", "家豪", "一鸣", "天宇", "雅婷", "诗涵", "梦洁", "静怡",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const char *const *const lz_demo__surnames = surnames;
const size_t lz_demo__nsurnames = COUNT(surnames);
const char *const *const lz_demo__given_names = given_names;
const size_t lz_demo__ngiven_names = COUNT(given_names);

#define rng_below lz_demo__rng_below

/* ---------------------------------------------------------------- one bureau */

typedef struct {
	lz_ctx *ctx;
	lz_demo_rng rng;
	int32_t epoch1990, epoch2000, last_hire; /* days */
	int64_t bureau_ids[N_BUREAUS];
	int64_t login_staff[N_LOGINS];
	int staff, departments;
} loader;

/* The bureau being staffed. */
typedef struct {
	const demo_bureau *d;
	int64_t id;
	int64_t departments[N_DEPARTMENTS];
	char names[64][32]; /* of its staff so far, to give no two the same */
	int n_staff;
} roster;

/* A name not yet used in this bureau: a common surname and a given name. */
static void make_name(loader *l, char out[32], const roster *r)
{
	for (;;) {
		/* The smaller of two draws leans towards the common surnames. */
		uint32_t a = rng_below(&l->rng, COUNT(surnames)), b = rng_below(&l->rng, COUNT(surnames));
		snprintf(out, 32, "%s%s", surnames[a < b ? a : b],
			 given_names[rng_below(&l->rng, COUNT(given_names))]);
		bool taken = false;
		for (int i = 0; i < r->n_staff && !taken; i++)
			taken = strcmp(r->names[i], out) == 0;
		if (!taken)
			return;
	}
}

/* A hire date from 'from' on, as YYYY-MM-DD. */
static void make_date(loader *l, char out[11], int32_t from)
{
	int32_t span = l->last_hire - from;
	lz_date_format(out, from + (span > 0 ? (int32_t)rng_below(&l->rng, (uint32_t)span) : 0));
}

/* What the next staff member does. */
typedef struct {
	int department; /* D_ */
	const char *post;
	int32_t hired_from; /* days */
	bool always_active;
} role_slot;

static int add_staff(int64_t *out_id, loader *l, roster *r, const role_slot *slot)
{
	lz_staff_input in = {0};
	char employee_no[16], hired[11], *name = r->names[r->n_staff];
	uint32_t roll = rng_below(&l->rng, 100);

	make_name(l, name, r);
	make_date(l, hired, slot->hired_from);
	snprintf(employee_no, sizeof(employee_no), "%s-%03d", r->d->code, r->n_staff + 1);
	in.bureau_id = r->id;
	in.department_id = r->departments[slot->department];
	in.employee_no = employee_no;
	in.name = name;
	in.post = slot->post;
	in.status = slot->always_active || roll >= 8 ? "active" : roll < 5 ? "leave" : "left";
	in.hired_on = hired;
	r->n_staff++;
	l->staff++;
	return lz_staff_create(out_id, l->ctx, &in);
}

/*
 * Creates bureau 'i' with its departments and staff: the head (局长) and one or two
 * deputies, a head of each department (科长), the staff the logins of this bureau
 * are linked to, and others spread over the departments.
 */
static int load_bureau(loader *l, size_t i)
{
	roster r = {.d = &bureaus[i]};
	lz_level level = lz_level_parse(r.d->level);
	lz_bureau_input in = {r.d->code, r.d->name, r.d->name_en, r.d->level, 0};
	int n_departments = level == LZ_LEVEL_COUNTY ? N_DEPARTMENTS : D_RESETTLEMENT;
	int target = sizes[level].base + (int)rng_below(&l->rng, (uint32_t)sizes[level].spread + 1);
	int64_t head = 0;
	int error, fill = 0;

	for (size_t p = 0; r.d->parent_code && p < i; p++)
		if (strcmp(bureaus[p].code, r.d->parent_code) == 0)
			in.parent_id = l->bureau_ids[p];
	if ((error = lz_bureau_create(&r.id, l->ctx, &in)) < 0)
		return error;
	l->bureau_ids[i] = r.id;
	for (int k = 0; k < n_departments; k++) {
		if ((error = lz_department_create(&r.departments[k], l->ctx, r.id, departments[k].name)) < 0)
			return error;
		l->departments++;
	}

	role_slot slot = {D_GENERAL, "局长", l->epoch1990, true};
	if ((error = add_staff(&head, l, &r, &slot)) < 0)
		return error;
	slot.post = "副局长";
	for (int k = 0; k < (target >= 14 ? 2 : 1); k++)
		if ((error = add_staff(NULL, l, &r, &slot)) < 0)
			return error;
	slot.post = "科长";
	slot.hired_from = l->epoch1990 + 5 * 365;
	for (slot.department = 0; slot.department < n_departments; slot.department++)
		if ((error = add_staff(NULL, l, &r, &slot)) < 0)
			return error;

	slot.hired_from = l->epoch2000;
	for (size_t k = 0; k < N_LOGINS; k++) {
		if (strcmp(logins[k].bureau_code, r.d->code) != 0)
			continue;
		if (!logins[k].post) {
			l->login_staff[k] = head;
			continue;
		}
		slot.department = logins[k].department;
		slot.post = logins[k].post;
		if ((error = add_staff(&l->login_staff[k], l, &r, &slot)) < 0)
			return error;
	}

	slot.always_active = false;
	while (r.n_staff < target) {
		slot.department = fill % n_departments;
		/* In larger bureaus each department's first extra hand is its deputy head. */
		if (target >= 14 && fill < n_departments)
			slot.post = "副科长";
		else
			slot.post = departments[slot.department].posts[rng_below(&l->rng, 3)];
		fill++;
		if ((error = add_staff(NULL, l, &r, &slot)) < 0)
			return error;
	}
	return 0;
}

/* ---------------------------------------------------------------- the report */

/* Columns on a terminal: CJK characters take two. */
static size_t display_width(const char *s)
{
	size_t w = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p & 0xc0) != 0x80)
			w += *p >= 0xe1 ? 2 : 1; /* U+1000 and above: the CJK range and its kin */
	return w;
}

static void print_padded(FILE *f, const char *s, size_t width)
{
	size_t w = display_width(s);
	fputs(s, f);
	for (; w < width; w++)
		fputc(' ', f);
}

static void print_report(FILE *f, const loader *l, const lz_demo_funds_summary *funds,
			 const lz_demo_cases_summary *cases, const char *password)
{
	fprintf(f, "Demo data loaded: %zu bureaus, %d departments, %d staff, %zu logins.\n", N_BUREAUS,
		l->departments, l->staff, N_LOGINS);
	lz_demo__funds_report(f, funds);
	lz_demo__cases_report(f, cases);
	fprintf(f, "%-14s%-12s%-8s", "login", "role", "bureau");
	print_padded(f, "name", 18);
	fprintf(f, "password\n");
	for (size_t k = 0; k < N_LOGINS; k++) {
		const char *name = "";
		for (size_t i = 0; i < N_BUREAUS; i++)
			if (strcmp(bureaus[i].code, logins[k].bureau_code) == 0)
				name = bureaus[i].name;
		fprintf(f, "%-14s%-12s%-8s", logins[k].login, logins[k].role, logins[k].bureau_code);
		print_padded(f, name, 18);
		fprintf(f, "%s\n", password);
	}
}

/* ---------------------------------------------------------------- loading */

static const char sql_bureau_count[] = "SELECT count(*) FROM bureau";

static int load(loader *l, const char *password, FILE *report, const lz_demo_opts *opts)
{
	lz_demo_funds_summary funds;
	lz_demo_cases_summary cases;
	int64_t existing = 0;
	size_t n = password ? strlen(password) : 0;
	int error;

	if (n < LZ_PASSWORD_MIN || n > LZ_PASSWORD_MAX || !lz_utf8_valid(password, n))
		return lz_error_set(LZ_EINVALID, "password", "the password must be %d to %d bytes of UTF-8",
				    LZ_PASSWORD_MIN, LZ_PASSWORD_MAX);
	if ((error = lz_date_parse(&l->epoch1990, "1990-03-01")) < 0 ||
	    (error = lz_date_parse(&l->epoch2000, "2000-09-01")) < 0 ||
	    (error = lz_date_parse(&l->last_hire, "2024-07-01")) < 0)
		return error;

	/* The organisation in one transaction: all of it, or none of it. */
	if ((error = lz_tx_begin(l->ctx, LZ_TX_WRITE)) < 0)
		return error;
	if ((error = lz_exec_int(&existing, l->ctx->conn, sql_bureau_count, true, NULL)) < 0)
		goto done;
	if (existing > 0) {
		error = lz_error_set(LZ_ECONFLICT, NULL,
				     "the store holds %lld bureaus already; "
				     "the demo loads only into an empty store",
				     (long long)existing);
		goto done;
	}
	for (size_t i = 0; i < N_BUREAUS; i++)
		if ((error = load_bureau(l, i)) < 0)
			goto done;
	if ((error = lz_tx_commit(l->ctx)) < 0)
		goto done;

	/* Accounts each in their own transaction, as lz_user_add makes them. */
	for (size_t k = 0; k < N_LOGINS; k++)
		if ((error = lz_user_add(NULL, l->ctx, logins[k].login, logins[k].role, logins[k].bureau_code,
					 password, l->login_staff[k])) < 0)
			goto done;
	/* Then the money: allocations, projects, beneficiaries and a year of payments. */
	if ((error = lz_demo__funds(&funds, l->ctx)) < 0)
		goto done;
	/* Then the service cases of two years, complaints and case assistance. */
	if ((error = lz_demo__cases(&cases, l->ctx, opts->cases)) < 0)
		goto done;
	if (report)
		print_report(report, l, &funds, &cases, password);
done:
	if (error < 0)
		lz_tx_rollback(l->ctx);
	return error;
}

int lz_demo_load(lz_ctx *ctx, const char *password, FILE *report)
{
	return lz_demo_load_opts(ctx, password, report, NULL);
}

int lz_demo_load_opts(lz_ctx *ctx, const char *password, FILE *report, const lz_demo_opts *opts)
{
	static const lz_demo_opts defaults = LZ_DEMO_OPTS_INIT;
	lz_actor saved = ctx->actor;
	loader l;
	int error;

	memset(&l, 0, sizeof(l));
	l.ctx = ctx;
	l.rng.state = 0x6c757a6869ULL; /* "luzhi" */
	lz_ctx_act_as_system(ctx, saved.login[0] ? saved.login : "demo");
	error = load(&l, password, report, opts ? opts : &defaults);
	ctx->actor = saved;
	return error;
}
