/*
 * case_clock.c — a case's row and its clock: loading a case in scope, and
 * replaying its event history into the derived columns (state, assignee, clock
 * used, due time, decision) that the row keeps for the inbox and the statistics.
 * The history is the source of truth; see cases.h for the readings of due_at and
 * overdue.
 */
#include "cases/case_int.h"

#include "audit/audit.h"
#include "auth/auth.h"
#include "base/buf.h"
#include "base/crypto.h"
#include "base/json.h"
#include "base/pdata.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- the case row */

void lz_case__row_read(lz_case__row *out, lz_stmt *s)
{
	memset(out, 0, sizeof(*out));
	out->id = lz_stmt_int(s, C_ID);
	out->bureau_id = lz_stmt_int(s, C_BUREAU);
	out->type_id = lz_stmt_int(s, C_TYPE);
	snprintf(out->receipt, sizeof(out->receipt), "%s", lz_stmt_text(s, C_RECEIPT));
	out->channel = (int)lz_stmt_int(s, C_CHANNEL);
	out->proxy = lz_stmt_int(s, C_PROXY);
	out->state = (int)lz_stmt_int(s, C_STATE);
	out->outcome = (int)lz_stmt_int(s, C_OUTCOME);
	out->assignee = lz_stmt_int(s, C_ASSIGNEE);
	out->received_at = lz_stmt_int(s, C_RECEIVED);
	out->due_at = lz_stmt_int(s, C_DUE);
	out->decided_at = lz_stmt_int(s, C_DECIDED);
	out->proposal = (int)lz_stmt_int(s, C_PROPOSAL);
	out->approvals = (int)lz_stmt_int(s, C_APPROVALS);
	out->event_count = (int)lz_stmt_int(s, C_EVENTS);
	snprintf(out->path, sizeof(out->path), "%s", lz_stmt_text(s, C_PATH));
	out->type.id = out->type_id;
	out->type.bureau_id = out->bureau_id;
	out->type.sla_hours = lz_stmt_int(s, C_SLA);
	out->type.clock_kind = (lz_clock_kind)lz_stmt_int(s, C_CLOCK_KIND);
	out->type.approval_levels = (int)lz_stmt_int(s, C_LEVELS);
	out->type.pauses_on_applicant = lz_stmt_int(s, C_PAUSES) != 0;
	snprintf(out->type.code, sizeof(out->type.code), "%s", lz_stmt_text(s, C_TYPE_CODE));
	out->levels = out->type.approval_levels;
}

int lz_case__not_found(int64_t id)
{
	return lz_error_set(LZ_ENOTFOUND, NULL, "case %lld not found", (long long)id);
}

/* Reads case 'id' in the actor's scope (missing otherwise). */
int lz_case__load(lz_case__row *out, lz_ctx *ctx, int64_t id)
{
	lz_conn *conn;
	lz_stmt *s = NULL;
	int error;

	if ((error = lz_ctx_conn(&conn, ctx)) < 0 ||
	    (error = lz_stmt_prepare(&s, conn, lz_case__sql[Q_CASE_GET])) < 0 ||
	    (error = lz_stmt_bindv(s, "i", id)) < 0)
		goto done;
	if ((error = lz_stmt_step(s)) == LZ_ROW && lz_org_in_scope(ctx, lz_stmt_text(s, C_PATH))) {
		lz_case__row_read(out, s);
		error = 0;
	} else if (error >= 0) {
		error = lz_case__not_found(id);
	}
done:
	lz_stmt_finish(s);
	return error;
}

/* ---------------------------------------------------------------- the clock */

typedef struct {
	int from, to, outcome;
	int64_t at, assignee;
} replay_event;

int64_t lz_case__measure(const lz_case_type *t, const lz_calendar *cal, int64_t a, int64_t b)
{
	if (b <= a)
		return 0;
	return t->clock_kind == LZ_CLOCK_WORKING ? lz_calendar_working_seconds(cal, a, b) : b - a;
}

static int64_t advance(const lz_case_type *t, const lz_calendar *cal, int64_t from, int64_t seconds)
{
	if (seconds <= 0)
		return from;
	return t->clock_kind == LZ_CLOCK_WORKING ? lz_calendar_add_working(cal, from, seconds)
	                                         : from + seconds;
}

/*
 * Replays a case's events (the first is its receipt) into the derived columns and
 * the clock at 'now' (see cases.h for the readings of due_at and overdue).
 */
static void replay(lz_case_derived *out, const lz_case_type *t, const lz_calendar *cal,
                   const replay_event *ev, int n, int64_t now)
{
	int64_t target = t->sla_hours * 3600, crossed = 0, cur;
	bool running = true;

	memset(out, 0, sizeof(*out));
	if (n == 0)
		return;
	out->state = ev[0].to;
	out->clock_mark = ev[0].at;
	out->due_at = advance(t, cal, ev[0].at, target);
	for (int i = 1; i < n; i++) {
		const replay_event *e = &ev[i];
		bool stop = e->to == LZ_CASE_DECIDED && e->from != LZ_CASE_DECIDED;
		bool pause = t->pauses_on_applicant && e->to == LZ_CASE_EVIDENCE_REQUESTED &&
		             e->from != LZ_CASE_EVIDENCE_REQUESTED;
		bool resume = t->pauses_on_applicant && e->from == LZ_CASE_EVIDENCE_REQUESTED &&
		              e->to != LZ_CASE_EVIDENCE_REQUESTED;

		if (running && (stop || pause)) {
			int64_t seg = lz_case__measure(t, cal, out->clock_mark, e->at);
			if (!crossed && out->clock_used + seg > target) {
				crossed = advance(t, cal, out->clock_mark, target - out->clock_used);
				out->due_at = crossed;
			}
			out->clock_used += seg;
			out->clock_mark = e->at;
			running = false;
			out->paused = pause;
		} else if (!running && resume && !out->decided_at) {
			running = true;
			out->paused = false;
			out->clock_mark = e->at;
			out->due_at = crossed ? crossed : advance(t, cal, e->at, target - out->clock_used);
		}
		if (stop) {
			out->decided_at = e->at;
			out->clock_seconds = out->clock_used;
			out->outcome = e->outcome;
			out->paused = false;
		}
		if (e->to == LZ_CASE_CLOSED)
			out->closed_at = e->at;
		if (e->assignee)
			out->assignee_staff_id = e->assignee;
		out->state = e->to;
	}
	out->event_count = n;
	cur = out->clock_used + (running ? lz_case__measure(t, cal, out->clock_mark, now) : 0);
	out->clock.used = cur;
	out->clock.target = target;
	out->clock.remaining = target - cur;
	out->clock.due_at = out->due_at;
	out->clock.running = running;
	out->clock.paused = out->paused;
	out->clock.overdue = cur > target;
}

/* Reads the events of case 'id' for replay; *out is the caller's (free). */
static int events_load(replay_event **out, int *n, lz_conn *conn, int64_t id)
{
	lz_stmt *s = NULL;
	int error, cap = 0;

	*out = NULL;
	*n = 0;
	if ((error = lz_stmt_prepare(&s, conn, lz_case__sql[Q_EVENTS])) < 0 ||
	    (error = lz_stmt_bindv(s, "i", id)) < 0)
		goto done;
	while ((error = lz_stmt_step(s)) == LZ_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*out = lz_xrealloc(*out, (size_t)cap * sizeof(**out));
		}
		(*out)[*n] = (replay_event){(int)lz_stmt_int(s, 2), (int)lz_stmt_int(s, 3),
		                            (int)lz_stmt_int(s, 8), lz_stmt_int(s, 6), lz_stmt_int(s, 7)};
		(*n)++;
	}
	if (error > 0)
		error = 0;
done:
	lz_stmt_finish(s);
	return error;
}

/* Replays case 'c' from the store at 'now'. */
int lz_case__derive(lz_case_derived *out, lz_conn *conn, const lz_case__row *c, int64_t now)
{
	lz_calendar cal = {0};
	replay_event *ev = NULL;
	int n = 0, error;

	if ((error = events_load(&ev, &n, conn, c->id)) < 0 ||
	    (c->type.clock_kind == LZ_CLOCK_WORKING &&
	     (error = lz_cases__calendar(&cal, conn, c->bureau_id)) < 0))
		goto done;
	if (n == 0 || ev[0].to != LZ_CASE_RECEIVED) {
		error = lz_error_set(LZ_ETAMPERED, NULL,
		                     "case %s has no history that begins with its receipt", c->receipt);
		goto done;
	}
	replay(out, &c->type, &cal, ev, n, now);
done:
	free(ev);
	lz_calendar_dispose(&cal);
	return error;
}

int lz_case__store_derived(lz_conn *conn, const lz_case__row *c, const lz_case_derived *d, int64_t now)
{
	/* clock_seconds is NULL while the case is open, and a number once decided — 0
	 * included (decided within a second, or outside working hours on a working
	 * clock): 'I' would store that 0 as NULL, and the drill-downs that compare it
	 * with the target would lose the case the statistics count. */
	return lz_exec_int(NULL, conn, lz_case__sql[Q_CASE_DERIVED], false,
	                   d->decided_at ? "iiIiiiiiIiIiii" : "iiIiiiiiIIIiii",
	                   (int64_t)d->state, (int64_t)d->outcome, d->assignee_staff_id,
	                   (int64_t)(d->state < LZ_CASE_DECIDED), d->clock_used, d->clock_mark,
	                   (int64_t)d->paused, d->due_at, d->decided_at, d->decided_at ? d->clock_seconds : 0,
	                   d->closed_at, (int64_t)d->event_count, now, c->id);
}
