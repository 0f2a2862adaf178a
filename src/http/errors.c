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
static double item_q(const char *item, size_t n)
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
			double q = item_q(tag, (size_t)(s + n - tag));
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
    {"/api/v1/case-types", "code", "事项编码"},
    {"/calendar/", "kind", "日期类型"},
    {"/calendar/", "name", "节假日名称"},
    {"/api/v1/cases", "name", "申请人姓名"},
    {"/api/v1/cases", "note", "办理意见"},
    {"/public/v1/applications", "name", "申请人姓名"},
    {"/api/v1/assistance", "note", "说明"},
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
 * The zh-CN message of an invalid field. The domain's messages follow a few fixed
 * forms ("X is required", "X is longer than N characters", "X must be …", "unknown
 * field"); each has its Chinese form here, and anything else is "X 填写有误".
 */
static void zh_invalid(char *out, size_t n, const char *path, const char *field, const char *msg)
{
	const char *label = label_of(path, field), *p;
	unsigned long limit;

	if (strstr(msg, "unknown field"))
		snprintf(out, n, "不支持的字段“%s”", field);
	else if (strstr(msg, " is required"))
		snprintf(out, n, "%s为必填项", label);
	else if ((p = strstr(msg, "longer than ")) && sscanf(p, "longer than %lu", &limit) == 1)
		snprintf(out, n, "%s不能超过 %lu 个字符", label, limit);
	else if (strstr(msg, " must be ") || strstr(msg, " is not "))
		snprintf(out, n, "%s格式或取值不正确", label);
	else
		snprintf(out, n, "%s填写有误", label);
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
	} else if (code == LZ_ECONFLICT && own && field[0]) {
		/* A conflict on a field is a value that must be unique and is taken. */
		snprintf(message, sizeof(message), "%s已被使用", label_of(r->log_path, field));
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
