/*
 * errors.c — the one table from error codes to HTTP statuses, and the error body:
 *
 *	{"error":{"code":"not_found","message":"…","field":null}}
 *
 * The message is in the request's language. English passes the domain's message
 * through. zh-CN (the default) uses the table's generic message for the code, and
 * for an invalid or taken field says which, by the field's name on the forms. A 5xx answer never shows the
 * internal message: it says "internal error" with the request id, and the message
 * goes to the log under that id.
 */
#include "http/http_int.h"

#include "auth/auth.h"

#include "base/log.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct {
	int code;
	int status;
	const char *name; /* NULL: lz_error_name(code) */
	const char *zh;   /* the zh-CN message */
	const char *en;   /* the English message when the error carries none */
	int retry_after;  /* seconds for the Retry-After header, 0 for none */
} err_row;

static const err_row rows[] = {
    {LZ_EINVALID, 422, NULL, "字段无效", "invalid field", 0},
    {LZ_EMALFORMED, 400, NULL, "请求格式错误", "malformed request", 0},
    {LZ_ENOTFOUND, 404, NULL, "记录不存在或无权访问", "not found", 0},
    {LZ_ECONFLICT, 409, NULL, "操作与现有数据冲突", "the request conflicts with existing data", 0},
    {LZ_EFORBIDDEN, 403, NULL, "当前角色无权执行此操作", "your role may not do this", 0},
    {LZ_EAUTH, 401, NULL, "请先登录", "sign in first", 0},
    {LZ_ETHROTTLED, 429, NULL, "尝试次数过多，请稍后再试", "too many attempts; try again later",
     LZ_SIGNIN_THROTTLE_WINDOW},
    {LZ_ETOOBIG, 413, NULL, "请求体过大", "the request body is too large", 0},
    {LZ_ETAMPERED, 409, NULL, "记录的历史未通过校验，操作被拒绝", "the recorded history does not verify", 0},
    {LZ_EUNAVAILABLE, 503, NULL, "服务暂不可用，请稍后再试", "service unavailable; try again later", 5},
    {LZ_HTTP_EMETHOD, 405, "method_not_allowed", "不支持该请求方法", "method not allowed", 0},
    {LZ_HTTP_EMEDIA, 415, "unsupported_media_type", "请求体须为 JSON（Content-Type: application/json）",
     "the body must be JSON (Content-Type: application/json)", 0},
    {LZ_HTTP_ECSRF, 403, "csrf", "缺少或错误的 CSRF 令牌，请刷新页面后重试",
     "missing or wrong X-CSRF-Token header", 0},
};

/* Every other code: the store failed, the history does not verify, a bug. */
static const err_row internal = {LZ_EINTERNAL, 500, "internal", "内部错误", "internal error", 0};

static const err_row *row_of(int code)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (rows[i].code == code)
			return &rows[i];
	return &internal;
}

/* ---------------------------------------------------------------- Accept-Language */

/* The q value of one Accept-Language item ("en-US;q=0.8" → 0.8), 1 when absent. */
double lz_http__accept_q(const char *item, size_t n)
{
	const char *q = memchr(item, ';', n);

	if (!q)
		return 1.0;
	while (q < item + n && (*q == ';' || *q == ' '))
		q++;
	if (item + n - q < 2 || strncasecmp(q, "q=", 2) != 0)
		return 1.0;
	return strtod(q + 2, NULL);
}

lz_lang lz_http__lang(const char *accept_language)
{
	static const struct {
		const char *prefix;
		lz_lang lang;
	} known[] = {{"zh", LZ_LANG_ZH}, {"en", LZ_LANG_EN}};
	lz_lang best = LZ_LANG_ZH;
	double best_q = 0;
	const char *s = accept_language;

	while (s && *s) {
		size_t n = strcspn(s, ",");
		const char *tag = s;
		while (tag < s + n && isspace((unsigned char)*tag))
			tag++;
		for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
			double q = lz_http__accept_q(tag, (size_t)(s + n - tag));
			if (strncasecmp(tag, known[i].prefix, 2) == 0 && !isalpha((unsigned char)tag[2]) &&
			    q > best_q) {
				best = known[i].lang;
				best_q = q;
			}
		}
		s += n + (s[n] == ',');
	}
	return best;
}

/* ---------------------------------------------------------------- zh-CN field messages */

/* What each field is called on the console's forms (organisation, funds, support, files). */
static const struct {
	const char *field, *zh;
} labels[] = {
    {"login", "账号"},
    {"password", "密码"},
    {"name", "名称"},
    {"name_en", "英文名称"},
    {"employee_no", "工号"},
    {"post", "岗位"},
    {"status", "状态"},
    {"hired_on", "入职日期"},
    {"department_id", "部门"},
    {"bureau_id", "所属机构"},
    {"bureau_code", "机构代码"},
    {"code", "区划代码"},
    {"level", "层级"},
    {"parent_id", "上级机构"},
    {"role", "角色"},
    {"staff_id", "关联人员"},
    {"limit", "每页条数"},
    {"cursor", "分页位置"},
    {"from", "开始时间"},
    {"to", "结束时间"},
    {"q", "查询条件"},
    {"action", "操作"},
    {"entity_type", "对象类型"},
    {"entity_id", "对象编号"},
    {"actor", "操作人"},
    {"source", "资金来源"},
    {"year", "年度"},
    {"purpose", "用途"},
    {"amount_fen", "金额"},
    {"allocation_id", "资金指标"},
    {"kind", "项目类型"},
    {"site_lat", "项目地点纬度"},
    {"site_lon", "项目地点经度"},
    {"site_radius_m", "核查半径"},
    {"budget_fen", "预算"},
    {"owner_staff_id", "项目负责人"},
    {"contractor", "承建单位"},
    {"stages", "阶段"},
    {"share_bp", "预算占比"},
    {"criteria", "验收标准"},
    {"note", "审查意见"},
    {"inspected_at", "核查时间"},
    {"lat", "核查地点纬度"},
    {"lon", "核查地点经度"},
    {"completion_pct", "完成比例"},
    {"findings", "核查发现"},
    {"evidence", "证据文件"},
    {"project_id", "项目"},
    {"stage_id", "阶段"},
    {"payee", "收款单位"},
    {"idempotency_key", "幂等键"},
    {"reference", "银行流水号"},
    {"reason", "原因"},
    {"media_type", "文件类型"},
    {"bytes", "文件内容"},
    {"sha256", "文件哈希"},
    {"programme_id", "扶持项目"},
    {"amount_per_year_fen", "每人每年标准"},
    {"years", "扶持年限"},
    {"frequency", "发放频次"},
    {"id_number", "身份证号码"},
    {"village", "安置村（点）"},
    {"household_id", "户编号"},
    {"relocated_on", "搬迁日期"},
    {"bank_account", "银行账号"},
    {"since", "生效日期"},
    {"period_start", "发放期起"},
    {"period_end", "发放期止"},
    /* service cases, complaints, case assistance */
    {"names", "事项名称"},
    {"materials", "申请材料"},
    {"sla_hours", "承诺时限（小时）"},
    {"clock_kind", "计时方式"},
    {"approval_levels", "审批层级"},
    {"pauses_on_applicant", "补正期间暂停计时"},
    {"active", "是否启用"},
    {"date", "日期"},
    {"type_id", "办理事项"},
    {"channel", "受理渠道"},
    {"proxy_staff_id", "代办人员"},
    {"phone", "联系电话"},
    {"email", "电子邮箱"},
    {"summary", "申请事由"},
    {"outcome", "办理结果"},
    {"reasons", "不予批准理由"},
    {"agree", "审批意见"},
    {"figure", "统计指标"},
    {"state", "办理状态"},
    {"category", "投诉类别"},
    {"case_id", "关联办件"},
    {"receipt_no", "受理编号"},
    {"receipt", "受理编号"},
    {"check_code", "查询码"},
    {"description", "投诉内容"},
    {"contact_name", "联系人"},
    {"contact_phone", "联系电话"},
    {"reply", "答复内容"},
    {"satisfaction", "满意度"},
    {"deadline", "办结期限"},
    {"cause_key", "问题成因"},
};

/* Fields whose name means something else on some paths (the path contains 'key'):
 * the first match wins over the table above. */
static const struct {
	const char *key, *field, *zh;
} path_labels[] = {
    {"/api/v1/case-types", "code", "事项编码"}, {"/calendar/", "kind", "日期类型"},
    {"/calendar/", "name", "节假日名称"},       {"/api/v1/cases", "name", "申请人姓名"},
    {"/api/v1/cases", "note", "办理意见"},      {"/public/v1/applications", "name", "申请人姓名"},
    {"/api/v1/assistance", "note", "说明"},     {"/assign", "staff_id", "承办人员"},
};

static const char *label_of(const char *path, const char *field)
{
	for (size_t i = 0; path && i < sizeof(path_labels) / sizeof(path_labels[0]); i++)
		if (strstr(path, path_labels[i].key) && strcmp(field, path_labels[i].field) == 0)
			return path_labels[i].zh;
	for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (strcmp(labels[i].field, field) == 0)
			return labels[i].zh;
	return field;
}

/*
 * The label of a field as the forms name it, into out: a plain field from the
 * tables above; an item of a list ("materials[2]") as the list's label and the
 * item's number counted from 1 ("申请材料第 3 项"); a text in one language
 * ("names.en", "materials[2].en") with the language after it ("事项名称（en）").
 */
static void label_into(char *out, size_t n, const char *path, const char *field)
{
	char base[64];
	const char *bracket = strchr(field, '['), *dot = strchr(field, '.'), *end = bracket ? bracket : dot;
	unsigned long item = 0;
	int used = 0;

	if (!end || (size_t)(end - field) >= sizeof(base)) {
		snprintf(out, n, "%s", label_of(path, field));
		return;
	}
	snprintf(base, sizeof(base), "%.*s", (int)(end - field), field);
	if (bracket && sscanf(bracket, "[%lu]%n", &item, &used) == 1 && used > 0) {
		const char *rest = bracket + used;
		if (*rest == '.' && rest[1])
			snprintf(out, n, "%s第 %lu 项（%s）", label_of(path, base), item + 1, rest + 1);
		else
			snprintf(out, n, "%s第 %lu 项", label_of(path, base), item + 1);
	} else if (!bracket && dot[1]) {
		snprintf(out, n, "%s（%s）", label_of(path, base), dot + 1);
	} else {
		snprintf(out, n, "%s", label_of(path, field));
	}
}

/*
 * The zh-CN message of an invalid field. The domain's messages follow a few fixed
 * forms ("X is required", "X is longer than N characters", "X must be …", "unknown
 * field"); each has its Chinese form here, and anything else is "X 填写有误".
 */
static void zh_invalid(char *out, size_t n, const char *path, const char *field, const char *msg)
{
	char label[160];
	const char *p;
	unsigned long limit;

	label_into(label, sizeof(label), path, field);
	if (strstr(msg, "unknown field"))
		snprintf(out, n, "不支持的字段“%s”", field);
	else if (strstr(msg, " is required"))
		snprintf(out, n, "%s为必填项", label);
	else if ((p = strstr(msg, "longer than ")) && sscanf(p, "longer than %lu", &limit) == 1)
		snprintf(out, n, "%s不能超过 %lu 个字符", label, limit);
	else if (strstr(msg, "must be an active staff member of the bureau that handles it"))
		snprintf(out, n, "%s必须是承办机构的在岗人员", label);
	else if (strstr(msg, " must be ") || strstr(msg, " is not "))
		snprintf(out, n, "%s格式或取值不正确", label);
	else
		snprintf(out, n, "%s填写有误", label);
}

/* ---------------------------------------------------------------- rule refusals (409) */

/*
 * The zh-CN sentence of a rule's refusal. The domain refuses in English, in a fixed
 * sentence per rule; each has its Chinese form here. "{}" in a pattern takes any
 * text up to what follows it; the captures go into the Chinese form in order, each
 * put into Chinese first when it is a known word (a state or status). A refusal not
 * in the table is shown as "操作被拒绝：" and the English sentence, so the reason is
 * never lost.
 */
static const struct {
	const char *en, *zh;
} refusals[] = {
    {"no on-site inspection is recorded for this stage: acceptance needs someone to go there",
     "该阶段没有实地核查记录：验收必须有人到现场核查"},
    {"the materials of this stage have not been reviewed: review them before signing",
     "该阶段的材料尚未审核：请先审核材料再签字"},
    {"the project's owner may not sign its acceptance", "项目负责人不得签署本项目的验收"},
    {"the project's owner signed the stage's acceptance", "项目负责人签署了该阶段的验收，验收无效"},
    {"you have signed this acceptance already: the second signature must be someone else's",
     "您已签署过此验收：第二个签字须由另一人完成"},
    {"the stage's acceptance needs two signatures by two different people", "该阶段验收需要两名不同人员签字"},
    {"the stage's inspection has no evidence files", "该阶段的实地核查没有证据文件"},
    {"the stage's inspection was made {} m from the site, outside its radius of {} m",
     "该阶段的核查地点距项目现场 {} 米，超出现场半径 {} 米"},
    {"the inspection's location is {} m from the site, outside its radius of {} m",
     "核查地点距项目现场 {} 米，超出现场半径 {} 米"},
    {"stage {} of the project is not accepted", "项目第 {} 阶段尚未验收，不能付款"},
    {"stage {} is already accepted", "第 {} 阶段已经验收"},
    {"the materials of stage {} were reviewed already", "第 {} 阶段的材料已审核过"},
    {"evidence file {} is not stored: upload it first", "证据文件 {} 尚未上传：请先上传"},
    {"the maker of a payment may not approve it: a second person must",
     "付款的经办人不得复核该付款：须由另一人复核"},
    {"the maker of a payroll run may not approve it: a second person must",
     "发放批次的经办人不得审批该批次：须由另一人审批"},
    {"you signed this project's acceptance: its payments are approved by someone else",
     "您签署过该项目的验收：其付款须由他人复核"},
    {"allocation {} has less than {} fen left: a budget line is never overdrawn",
     "资金指标 {} 的余额不足 {} 分：预算指标不得超支"},
    {"allocation {} has {} fen left to allocate, less than {}",
     "资金指标 {} 可下达的余额为 {} 分，少于 {} 分"},
    {"allocation {} has not spent {} fen to give back", "资金指标 {} 没有可退回的 {} 分支出"},
    {"stage {} may have {} fen more approved (budget × share × verified completion, less what is approved), "
     "not {}",
     "第 {} 阶段最多还可批准 {} 分（预算 × 份额 × 核实完成比例，减去已批准金额），不能批准 {} 分"},
    {"the project may have {} fen more approved (its accepted, verified work), not {}",
     "该项目最多还可批准 {} 分（按已验收并核实的工程量），不能批准 {} 分"},
    {"this idempotency key was used for a different payment", "该幂等键已用于另一笔不同的付款"},
    {"only a prepared payment can be approved; this one is {}", "只有待复核的付款可以复核；该付款{}"},
    {"only a paid payment can be reversed; this one is {}", "只有已支付的付款可以冲回；该付款{}"},
    {"a {} payment cannot be cancelled: reverse it instead", "{}的付款不能取消：请改为冲回"},
    {"a {} payment cannot be cancelled", "{}的付款不能取消"},
    {"the payment is {}, not {}", "该付款{}，而不是{}"},
    {"only a prepared payroll run can be approved", "只有待审批的发放批次可以审批"},
    {"an approved payroll run of this programme covers part of this period",
     "该扶持项目已有审批通过的发放批次覆盖此期间的一部分"},
    {"the programme pays nothing for this period", "该扶持项目在此期间没有应发金额"},
    {"a deceased beneficiary's status cannot change", "已故扶持对象的状态不能再更改"},
    {"the beneficiary is {} already", "该扶持对象已经{}"},
    {"an active beneficiary's data is still needed: end or suspend the support first",
     "在册扶持对象的数据仍用于发放：请先终止或暂停扶持"},
    {"beneficiary {}'s data is erased already", "扶持对象 {} 的个人信息已删除"},
    {"this person is registered in the programme already", "此人已在该扶持项目中登记"},
    {"the bureau has a programme of that name", "本单位已有同名的扶持项目"},
    {"case {}: you approved this decision already; level {} of {} needs another person",
     "办件 {}：您已批准过此决定；第 {} 级（共 {} 级）审批须由另一人完成"},
    {"case {} is within its target: {}", "办件 {} 尚未超过办理时限，暂不能申请协助"},
    {"case {} is decided: assistance is for cases still waiting",
     "办件 {} 已作出决定：协助申请仅适用于仍在等待的办件"},
    {"case {} has an assistance request under way already", "办件 {} 已有进行中的协助申请"},
    {"case {} is assigned to this person already", "办件 {} 已分配给此人"},
    {"case {} is {}; {}", "办件 {} {}；{}"},
    {"assistance can be asked once it is past its target", "办件超过办理时限后才能申请协助"},
    {"assistance request {} is {}; {}", "协助申请 {} {}；{}"},
    {"complaint {} is {}; {}", "投诉 {} {}；{}"},
    {"systemic issue {} is handed to supervision already", "系统性问题 {} 已移交监督"},
    {"the bureau has a case type with this code already", "本单位已有此代码的办件类型"},
};

/* Words the refusals carry, in Chinese: states of payments, beneficiaries, cases,
 * complaints and assistance requests, and what an act needs. */
static const struct {
	const char *en, *zh;
} refusal_words[] = {
    {"prepared", "待复核"},
    {"approved", "已复核"},
    {"paid", "已支付"},
    {"cancelled", "已取消"},
    {"reversed", "已冲回"},
    {"active", "在册"},
    {"deceased", "已故"},
    {"moved", "已迁出"},
    {"suspended", "已暂停"},
    {"received", "为已接收状态"},
    {"accepted", "为已受理状态"},
    {"assigned", "为已分派状态"},
    {"in_review", "为审查中状态"},
    {"evidence_requested", "为待补正材料状态"},
    {"decided", "为已决定状态"},
    {"closed", "为已办结状态"},
    {"replied", "为已答复状态"},
    {"bureau_asked", "为已督促承办单位状态"},
    {"concluded", "为已办结状态"},
    {"accepting needs a received case", "只有已接收的办件可以受理"},
    {"assigning needs an accepted case", "只有已受理的办件可以分派"},
    {"reassigning needs an assigned case not yet decided", "只有已分派且尚未决定的办件可以改派"},
    {"starting the review needs an assigned case", "只有已分派的办件可以开始审查"},
    {"requesting evidence needs a case in review", "只有审查中的办件可以要求补正材料"},
    {"recording evidence received needs a case waiting for evidence",
     "只有待补正材料的办件可以登记材料已收到"},
    {"closing needs a decided case", "只有已作出决定的办件可以办结"},
    {"a decision needs a case in review", "只有审查中的办件可以作出决定"},
    {"approval needs a decision proposed on a case in review", "只有审查中且已提出决定的办件可以审批"},
    {"a replied complaint is not assigned again", "已答复的投诉不能再分派"},
    {"a reply needs an assigned complaint", "只有已分派的投诉可以答复"},
    {"satisfaction is recorded after the reply", "答复之后才能记录满意度"},
    {"its satisfaction is recorded already", "满意度已记录"},
    {"the bureau is asked once, on a received request", "只能对已接收的申请督促承办单位一次"},
    {"it is concluded already", "已经办结"},
};

static const char *refusal_word(const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof(refusal_words) / sizeof(refusal_words[0]); i++)
		if (strlen(refusal_words[i].en) == n && memcmp(refusal_words[i].en, s, n) == 0)
			return refusal_words[i].zh;
	return NULL;
}

/* Matches 'msg' against 'pattern' and, when it matches, writes 'zh' with the
 * captures into 'out'. */
static bool refusal_match(char *out, size_t n, const char *pattern, const char *zh, const char *msg)
{
	const char *cap[4];
	size_t caplen[4], ncap = 0;
	const char *p = pattern, *m = msg;

	for (;;) {
		const char *hole = strstr(p, "{}");
		size_t lit = hole ? (size_t)(hole - p) : strlen(p);

		if (strncmp(p, m, lit) != 0)
			return false;
		m += lit;
		if (!hole)
			break;
		p = hole + 2;
		/* The hole runs to the next literal part (or to the end, when last). */
		const char *next = strstr(p, "{}");
		size_t nextlen = next ? (size_t)(next - p) : strlen(p);
		const char *end;
		if (nextlen == 0) {
			end = m + strlen(m);
		} else {
			char want[128];
			if (nextlen >= sizeof(want))
				return false;
			memcpy(want, p, nextlen);
			want[nextlen] = '\0';
			/* The last hole takes the longest run, the others the shortest. */
			end = NULL;
			for (const char *q = strstr(m, want); q; q = strstr(q + 1, want)) {
				end = q;
				if (next)
					break;
			}
			if (!end)
				return false;
		}
		if (ncap == 4 || end == m)
			return false;
		cap[ncap] = m;
		caplen[ncap++] = (size_t)(end - m);
		m = end;
	}
	if (*m)
		return false;

	size_t used = 0, k = 0;
	for (const char *z = zh; *z && used + 1 < n;) {
		if (z[0] == '{' && z[1] == '}' && k < ncap) {
			const char *word = refusal_word(cap[k], caplen[k]);
			int w = word ? snprintf(out + used, n - used, "%s", word)
			             : snprintf(out + used, n - used, "%.*s", (int)caplen[k], cap[k]);
			used += w > 0 ? (size_t)w : 0;
			if (used >= n)
				used = n - 1;
			k++;
			z += 2;
		} else {
			out[used++] = *z++;
		}
	}
	out[used] = '\0';
	return true;
}

static bool zh_refusal(char *out, size_t n, const char *msg)
{
	for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++)
		if (refusal_match(out, n, refusals[i].en, refusals[i].zh, msg))
			return true;
	return false;
}

/* ---------------------------------------------------------------- the error reply */

/* Cuts 's' back to valid UTF-8: messages are cut to size by bytes, maybe mid-character. */
static void utf8_cut(char *s)
{
	size_t n = strlen(s);

	while (n && !lz_utf8_valid(s, n))
		n--;
	s[n] = '\0';
}

void lz_http__error(lz_reply *out, lz_req *r, int code)
{
	const lz_error *e = lz_error_last();
	const err_row *row = row_of(code);
	bool own = e->code == code && e->message[0]; /* the error set for this code */
	char message[700], field[sizeof(e->field)];

	snprintf(field, sizeof(field), "%s", own ? e->field : "");
	utf8_cut(field);
	if (row->status >= 500) {
		lz_log(LZ_LOG_ERROR, r->id, "%s %s: %s: %s", r->method, r->log_path, lz_error_name(code),
		       own ? e->message : "(no message)");
		snprintf(message, sizeof(message),
		         r->lang == LZ_LANG_EN ? "%s; request id %s" : "%s；请求编号 %s",
		         r->lang == LZ_LANG_EN ? row->en : row->zh, r->id);
	} else if (r->lang == LZ_LANG_EN) {
		snprintf(message, sizeof(message), "%s", own ? e->message : row->en);
	} else if (code == LZ_EINVALID && own && field[0]) {
		zh_invalid(message, sizeof(message), r->log_path, field, e->message);
	} else if (code == LZ_ECONFLICT && own && zh_refusal(message, sizeof(message), e->message)) {
		/* a rule's refusal, in its Chinese sentence */
	} else if (code == LZ_ECONFLICT && own && field[0] &&
	           (strstr(e->message, "taken") || strstr(e->message, "already") ||
	            strstr(e->message, " has a "))) {
		/* A conflict on a field is a value that must be unique and is taken. */
		snprintf(message, sizeof(message), "%s已被使用", label_of(r->log_path, field));
	} else if (code == LZ_ECONFLICT && own) {
		/* A refusal without its Chinese sentence yet: the reason is never lost. */
		snprintf(message, sizeof(message), "操作被拒绝：%s", e->message);
	} else if (code == LZ_EAUTH && strcmp(r->method, "POST") == 0 &&
	           strcmp(r->log_path, "/api/v1/session") == 0) {
		snprintf(message, sizeof(message), "账号或密码错误");
	} else {
		snprintf(message, sizeof(message), "%s", row->zh);
	}

	utf8_cut(message);
	memset(out, 0, sizeof(*out));
	out->status = row->status;
	out->retry_after = row->retry_after;
	out->json =
	    json_pack("{s:{s:s,s:s,s:o}}", "error", "code", row->name ? row->name : lz_error_name(code),
	              "message", message, "field", field[0] ? json_string(field) : json_null());
}
