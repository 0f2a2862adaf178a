/*
 * calendar.c — the working calendar (see cases.h): the default week, dated
 * holidays and make-up working days per bureau, inherited from the bureaus above,
 * and the two computations every working clock needs: working seconds between two
 * instants, and the instant a number of working seconds after a start. Both walk
 * the days once, keeping a cursor into the calendar's sorted rows, so they cost
 * O(days) and never look a day up twice.
 */
#include "cases/cases_int.h"

#include "audit/audit.h"
#include "auth/auth.h"
#include "base/buf.h"
#include "base/json.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { Q_LOAD, Q_UPSERT, Q_DELETE, Q_LIST };

/* Rows at several levels for one day: the deepest bureau (longest path) first. */
#define LEVELS 6
static const char *const sql[] = {
    [Q_LOAD] = "SELECT c.day, c.kind FROM work_calendar_day c JOIN bureau b ON b.id = c.bureau_id "
               "WHERE c.bureau_id IN (?, ?, ?, ?, ?, ?) ORDER BY c.day, length(b.path) DESC",
    [Q_UPSERT] =
        "INSERT INTO work_calendar_day(bureau_id, day, kind, name, created_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (bureau_id, day) DO UPDATE SET kind = excluded.kind, name = excluded.name",
    [Q_DELETE] = "DELETE FROM work_calendar_day WHERE bureau_id = ? AND day = ?",
    [Q_LIST] = "SELECT c.day, c.kind, c.name, c.bureau_id FROM work_calendar_day c JOIN bureau b ON "
               "b.id = c.bureau_id WHERE c.bureau_id IN (?, ?, ?, ?, ?, ?) AND c.day >= ? AND c.day <= ? "
               "ORDER BY c.day, length(b.path) DESC",
};

#define CAL_NAME_MAX 32
#define CAL_MAX_ROWS 20000  /* more than a century of holidays at every level */
#define WALK_MAX_DAYS 40000 /* a bound on the walk: no calendar is all holidays for a century */

static int32_t floor_div(int64_t a, int64_t b)
{
	return (int32_t)(a >= 0 ? a / b : -((-a + b - 1) / b));
}

int32_t lz_calendar_local_day(int64_t t)
{
	return floor_div(t + LZ_CAL_UTC_OFFSET, 86400);
}

/* The UTC instant of local midnight of 'day'. */
static int64_t day_start(int32_t day)
{
	return (int64_t)day * 86400 - LZ_CAL_UTC_OFFSET;
}

static bool weekday(int32_t day)
{
	int dow = (int)(((int64_t)day + 4) % 7); /* 1970-01-01 was a Thursday; 0 = Sunday */
	if (dow < 0)
		dow += 7;
	return dow >= 1 && dow <= 5;
}

/* Moves *cursor to the first row at or after 'day' and answers the day's kind. */
static bool workday_at(const lz_calendar *c, size_t *cursor, int32_t day)
{
	if (c) {
		while (*cursor < c->n && c->days[*cursor].day < day)
			(*cursor)++;
		if (*cursor < c->n && c->days[*cursor].day == day)
			return c->days[*cursor].kind == LZ_CAL_WORKDAY;
	}
	return weekday(day);
}

/* The first row at or after 'day' (binary search), for a walk's start. */
static size_t seek(const lz_calendar *c, int32_t day)
{
	size_t lo = 0, hi = c ? c->n : 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->days[mid].day < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

bool lz_calendar_is_workday(const lz_calendar *c, int32_t day)
{
	size_t cursor = seek(c, day);
	return workday_at(c, &cursor, day);
}

int64_t lz_calendar_working_seconds(const lz_calendar *c, int64_t from, int64_t to)
{
	int64_t total = 0;
	int32_t d, last;
	size_t cursor;

	if (to <= from)
		return 0;
	d = lz_calendar_local_day(from);
	last = lz_calendar_local_day(to);
	cursor = seek(c, d);
	for (; d <= last; d++) {
		int64_t ws, we;
		if (!workday_at(c, &cursor, d))
			continue;
		ws = day_start(d) + LZ_CAL_DAY_START;
		we = day_start(d) + LZ_CAL_DAY_END;
		if (ws < from)
			ws = from;
		if (we > to)
			we = to;
		if (we > ws)
			total += we - ws;
	}
	return total;
}

int64_t lz_calendar_add_working(const lz_calendar *c, int64_t from, int64_t seconds)
{
	int32_t d = lz_calendar_local_day(from);
	size_t cursor = seek(c, d);

	if (seconds <= 0)
		return from;
	for (int i = 0; i < WALK_MAX_DAYS; i++, d++) {
		int64_t ws, we;
		if (!workday_at(c, &cursor, d))
			continue;
		ws = day_start(d) + LZ_CAL_DAY_START;
		we = day_start(d) + LZ_CAL_DAY_END;
		if (ws < from)
			ws = from;
		if (we <= ws)
			continue;
		if (seconds <= we - ws)
			return ws + seconds;
		seconds -= we - ws;
	}
	return INT64_MAX / 2;
}

int64_t lz_calendar_working_days_after(const lz_calendar *c, int64_t from, int n)
{
	int32_t d = lz_calendar_local_day(from);
	size_t cursor = seek(c, d + 1);

	for (int i = 0; i < WALK_MAX_DAYS && n > 0; i++) {
		d++;
		if (workday_at(c, &cursor, d))
			n--;
	}
	return day_start(d) + LZ_CAL_DAY_END;
}

/* ---------------------------------------------------------------- the store */

/* The ids on a bureau's path ("/1/4/9/"), padded with 0. */
static void path_ids(int64_t ids[LEVELS], const char *path)
{
	int n = 0;
	memset(ids, 0, sizeof(int64_t) * LEVELS);
	for (const char *p = path; *p && n < LEVELS;) {
		if (*p == '/') {
			p++;
			continue;
		}
		ids[n++] = strtoll(p, (char **)&p, 10);
	}
}

int lz_cases__calendar(lz_calendar *out, lz_conn *conn, int64_t bureau_id)
{
	char path[128];
	int64_t ids[LEVELS];
	lz_stmt *s = NULL;
	size_t cap = 0;
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = lz_cases__bureau(path, NULL, conn, bureau_id, "bureau_id")) < 0)
		return error;
	path_ids(ids, path);
	if ((error = lz_stmt_prepare(&s, conn, sql[Q_LOAD])) < 0 ||
	    (error = lz_stmt_bindv(s, "iiiiii", ids[0], ids[1], ids[2], ids[3], ids[4], ids[5])) < 0)
		goto done;
	while ((error = lz_stmt_step(s)) == LZ_ROW) {
		int32_t day = (int32_t)lz_stmt_int(s, 0);
		if (out->n && out->days[out->n - 1].day == day)
			continue; /* a higher bureau's row for a day the lower one set */
		if (out->n == CAL_MAX_ROWS)
			break;
		if (out->n == cap) {
			cap = cap ? cap * 2 : 64;
			out->days = lz_xrealloc(out->days, cap * sizeof(*out->days));
		}
		out->days[out->n].day = day;
		out->days[out->n].kind = (int8_t)lz_stmt_int(s, 1);
		out->n++;
	}
	if (error > 0)
		error = 0;
done:
	lz_stmt_finish(s);
	if (error < 0)
		lz_calendar_dispose(out);
	return error;
}

int lz_calendar_load(lz_calendar *out, lz_ctx *ctx, int64_t bureau_id)
{
	lz_conn *conn;
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = lz_ctx_conn(&conn, ctx)) < 0)
		return error;
	return lz_cases__calendar(out, conn, bureau_id);
}

void lz_calendar_dispose(lz_calendar *c)
{
	if (!c)
		return;
	free(c->days);
	c->days = NULL;
	c->n = 0;
}

static const char *const kind_names[] = {[LZ_CAL_HOLIDAY] = "holiday", [LZ_CAL_WORKDAY] = "workday"};

int lz_calendar_set_day(lz_ctx *ctx, int64_t bureau_id, const char *date, const char *kind, const char *name,
                        int64_t *moved)
{
	lz_write tx = LZ_WRITE_INIT;
	char path[128];
	int32_t day = 0;
	int64_t n = 0;
	int k = 0;
	json_t *after = NULL;
	int error;

	if ((error = lz_auth_require(ctx, LZ_PERM_CASE_TYPE_WRITE)) < 0)
		return error;
	if (!date || lz_date_parse(&day, date) < 0)
		return lz_error_set(LZ_EINVALID, "date", "date must be a date (YYYY-MM-DD)");
	if (kind && strcmp(kind, "holiday") == 0)
		k = LZ_CAL_HOLIDAY;
	else if (kind && strcmp(kind, "workday") == 0)
		k = LZ_CAL_WORKDAY;
	else if (!kind || strcmp(kind, "default") != 0)
		return lz_error_set(LZ_EINVALID, "kind", "kind must be holiday, workday or default");
	if ((error = lz_text_check("name", name, false, CAL_NAME_MAX, 0)) < 0)
		return error;
	if ((error = lz_write_begin(&tx, ctx)) < 0 ||
	    (error = lz_cases__bureau_in_scope(path, ctx, ctx->conn, bureau_id, "bureau_id")) < 0)
		goto done;
	if (k)
		error = lz_exec_int(NULL, ctx->conn, sql[Q_UPSERT], false, "iiiti", bureau_id, (int64_t)day,
		                    (int64_t)k, name ? name : "", lz_ctx_now(ctx));
	else
		error = lz_exec_int(NULL, ctx->conn, sql[Q_DELETE], false, "ii", bureau_id, (int64_t)day);
	if (error < 0 || (error = lz_case__refresh_working(&n, ctx, path, day_start(day))) < 0)
		goto done;
	if (moved)
		*moved = n;
	after = json_pack("{s:s, s:s, s:s, s:I}", "date", date, "kind", k ? kind_names[k] : "default", "name",
	                  name ? name : "", "open_cases_moved", (json_int_t)n);
	error = lz_audit_append(ctx, "calendar.set_day", "bureau", bureau_id, bureau_id, NULL, after);
done:
	json_decref(after);
	return lz_write_end(&tx, ctx, error);
}

int lz_calendar_list(json_t **out, lz_ctx *ctx, int64_t bureau_id, const char *from, const char *to)
{
	char path[128], text[11];
	int64_t ids[LEVELS];
	int32_t d0 = 0, d1 = 0, last = INT32_MIN;
	lz_conn *conn;
	lz_stmt *s = NULL;
	json_t *list = NULL;
	int error;

	*out = NULL;
	if ((error = lz_auth_require(ctx, LZ_PERM_CASE_READ)) < 0)
		return error;
	if (!from || lz_date_parse(&d0, from) < 0)
		return lz_error_set(LZ_EINVALID, "from", "from must be a date (YYYY-MM-DD)");
	if (!to || lz_date_parse(&d1, to) < 0 || d1 < d0 || d1 - d0 > 3660)
		return lz_error_set(LZ_EINVALID, "to",
		                    "to must be a date (YYYY-MM-DD) within ten years after from");
	if ((error = lz_ctx_conn(&conn, ctx)) < 0 ||
	    (error = lz_cases__bureau_in_scope(path, ctx, conn, bureau_id, "bureau_id")) < 0)
		return error;
	path_ids(ids, path);
	if ((error = lz_stmt_prepare(&s, conn, sql[Q_LIST])) < 0 ||
	    (error = lz_stmt_bindv(s, "iiiiiiii", ids[0], ids[1], ids[2], ids[3], ids[4], ids[5], (int64_t)d0,
	                           (int64_t)d1)) < 0)
		goto done;
	list = json_array();
	while ((error = lz_stmt_step(s)) == LZ_ROW) {
		int32_t day = (int32_t)lz_stmt_int(s, 0);
		int kind = (int)lz_stmt_int(s, 1);
		if (day == last)
			continue;
		last = day;
		lz_date_format(text, day);
		json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:I}", "date", text, "kind",
		                                      kind == LZ_CAL_WORKDAY ? "workday" : "holiday", "name",
		                                      lz_stmt_text(s, 2), "bureau_id",
		                                      (json_int_t)lz_stmt_int(s, 3)));
	}
	if (error >= 0) {
		error = 0;
		*out = list;
		list = NULL;
	}
done:
	lz_stmt_finish(s);
	json_decref(list);
	return error;
}
