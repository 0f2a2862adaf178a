/*
 * case.c — service cases (see cases.h): receipt with sealed personal data, the
 * state machine as one table, the event history, and the clock replayed from the
 * events. Every write appends its event and then replays the whole history of the
 * case into the derived columns of its row, so the row can never say something the
 * events do not (lz_case_recompute does the same replay on demand).
 */
#include "cases/cases_int.h"

#include "audit/audit.h"
#include "auth/auth.h"
#include "base/buf.h"
#include "base/crypto.h"
#include "base/idcard.h"
#include "base/json.h"
#include "base/pdata.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	Q_CASE_GET,
	Q_CASE_INSERT,
	Q_CASE_DERIVED,
	Q_CASE_PROPOSAL,
	Q_SEQ,
	Q_EVENT_INSERT,
	Q_EVENTS,
	Q_APPROVAL_INSERT,
	Q_APPROVALS,
	Q_APPROVAL_ROUND,
	Q_APPROVED_BY,
	Q_BY_RECEIPT,
	Q_BY_APPLICANT,
	Q_PROPOSAL_REASONS,
};

#define CASE_SELECT                                                                                          \
	"SELECT c.id, c.bureau_id, c.type_id, c.receipt_no, c.channel, c.proxy_staff_id, c.state, "          \
	"c.outcome, "                                                                                        \
	"c.reasons, c.assignee_staff_id, c.received_at, c.clock_used, c.clock_mark, c.paused, c.due_at, "    \
	"c.decided_at, c.clock_seconds, c.closed_at, c.proposal_outcome, c.proposal_reasons, c.approvals, "  \
	"c.event_count, c.summary, b.path, t.sla_hours, t.clock_kind, t.approval_levels, "                   \
	"t.pauses_on_applicant, "                                                                            \
	"t.code, c.applicant_name_sealed, c.applicant_id_sealed, c.applicant_phone_sealed, "                 \
	"c.applicant_email_sealed FROM service_case c JOIN bureau b ON b.id = c.bureau_id "                  \
	"JOIN case_type t ON t.id = c.type_id "

enum {
	C_ID,
	C_BUREAU,
	C_TYPE,
	C_RECEIPT,
	C_CHANNEL,
	C_PROXY,
	C_STATE,
	C_OUTCOME,
	C_REASONS,
	C_ASSIGNEE,
	C_RECEIVED,
	C_USED,
	C_MARK,
	C_PAUSED,
	C_DUE,
	C_DECIDED,
	C_CLOCK_SECONDS,
	C_CLOSED,
	C_PROPOSAL,
	C_PROPOSAL_REASONS,
	C_APPROVALS,
	C_EVENTS,
	C_SUMMARY,
	C_PATH,
	C_SLA,
	C_CLOCK_KIND,
	C_LEVELS,
	C_PAUSES,
	C_TYPE_CODE,
	C_NAME_SEALED,
	C_ID_SEALED,
	C_PHONE_SEALED,
	C_EMAIL_SEALED,
};

static const char *const sql[] = {
    [Q_CASE_GET] = CASE_SELECT "WHERE c.id = ?",
    [Q_CASE_INSERT] =
        "INSERT INTO service_case(bureau_id, type_id, receipt_no, check_hash, channel, proxy_staff_id, "
        "applicant_name_sealed, applicant_id_sealed, applicant_id_index, applicant_phone_sealed, "
        "applicant_phone_index, applicant_email_sealed, summary, state, open, received_at, clock_mark, "
        "due_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 1, ?, ?, ?, ?) RETURNING id",
    [Q_CASE_DERIVED] =
        "UPDATE service_case SET state = ?, outcome = ?, assignee_staff_id = ?, open = ?, clock_used = ?, "
        "clock_mark = ?, paused = ?, due_at = ?, decided_at = ?, clock_seconds = ?, closed_at = ?, "
        "event_count = ?, updated_at = ? WHERE id = ?",
    [Q_CASE_PROPOSAL] = "UPDATE service_case SET proposal_outcome = ?, proposal_reasons = ?, approvals = ?, "
                        "reasons = ? WHERE id = ?",
    [Q_SEQ] =
        "INSERT INTO case_receipt_seq(bureau_id, day, last) VALUES (?, ?, 1) ON CONFLICT (bureau_id, day) "
        "DO UPDATE SET last = case_receipt_seq.last + 1 RETURNING last",
    [Q_EVENT_INSERT] = "INSERT INTO case_event(bureau_id, case_id, seq, kind, from_state, to_state, "
                       "actor_staff_id, actor_user_id, actor_login, at, assignee_staff_id, outcome, note) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    [Q_EVENTS] =
        "SELECT seq, kind, from_state, to_state, actor_staff_id, actor_login, at, assignee_staff_id, "
        "outcome, note FROM case_event WHERE case_id = ? ORDER BY seq",
    [Q_APPROVAL_INSERT] =
        "INSERT INTO case_approval(bureau_id, case_id, round, level, staff_id, user_id, role, "
        "at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    [Q_APPROVALS] = "SELECT round, level, staff_id, role, at FROM case_approval WHERE case_id = ? "
                    "ORDER BY round, level",
    [Q_APPROVAL_ROUND] = "SELECT COALESCE(MAX(round), 0) FROM case_approval WHERE case_id = ?",
    [Q_APPROVED_BY] = "SELECT COUNT(*) FROM case_approval WHERE case_id = ? AND round = ? AND staff_id = ?",
    [Q_BY_RECEIPT] = "SELECT id, check_hash FROM service_case WHERE receipt_no = ?",
    [Q_BY_APPLICANT] = "SELECT c.id, c.receipt_no, c.state, c.received_at, b.path FROM service_case c "
                       "JOIN bureau b ON b.id = c.bureau_id WHERE c.applicant_id_index = ? "
                       "ORDER BY c.id DESC LIMIT 200",
    [Q_PROPOSAL_REASONS] = "SELECT proposal_reasons FROM service_case WHERE id = ?",
};

/* ---------------------------------------------------------------- names */

static const char *const state_names[] = {
    [0] = "none",
    [LZ_CASE_RECEIVED] = "received",
    [LZ_CASE_ACCEPTED] = "accepted",
    [LZ_CASE_ASSIGNED] = "assigned",
    [LZ_CASE_IN_REVIEW] = "in_review",
    [LZ_CASE_EVIDENCE_REQUESTED] = "evidence_requested",
    [LZ_CASE_DECIDED] = "decided",
    [LZ_CASE_CLOSED] = "closed",
};
static const char *const channel_names[] = {[LZ_CHANNEL_ONLINE] = "online",
                                            [LZ_CHANNEL_WINDOW] = "window",
                                            [LZ_CHANNEL_PHONE] = "phone",
                                            [LZ_CHANNEL_PROXY] = "proxy"};
static const char *const outcome_names[] = {
    [LZ_OUTCOME_NONE] = "none", [LZ_OUTCOME_APPROVED] = "approved", [LZ_OUTCOME_REFUSED] = "refused"};

const char *lz_case_state_name(int state)
{
	return state >= 0 && state <= LZ_CASE_CLOSED ? state_names[state] : "unknown";
}

const char *lz_case_channel_name(int channel)
{
	return channel >= LZ_CHANNEL_ONLINE && channel <= LZ_CHANNEL_PROXY ? channel_names[channel]
	                                                                   : "unknown";
}

const char *lz_case_outcome_name(int outcome)
{
	return outcome >= 0 && outcome <= LZ_OUTCOME_REFUSED ? outcome_names[outcome] : "unknown";
}

/* ---------------------------------------------------------------- the transitions */

typedef enum {
	A_ACCEPT,
	A_ASSIGN,
	A_REASSIGN,
	A_START_REVIEW,
	A_REQUEST_EVIDENCE,
	A_EVIDENCE_RECEIVED,
	A_CLOSE,
} action;

#define S(st) (1u << (st))

/* The state machine: from which states an action may start, where it leads (0:
 * the state is kept), and what to say when the case is elsewhere. */
static const struct {
	const char *kind; /* the event's kind */
	unsigned from;
	int to;
	const char *needs;
} actions[] = {
    [A_ACCEPT] = {"accepted", S(LZ_CASE_RECEIVED), LZ_CASE_ACCEPTED, "accepting needs a received case"},
    [A_ASSIGN] = {"assigned", S(LZ_CASE_ACCEPTED), LZ_CASE_ASSIGNED, "assigning needs an accepted case"},
    [A_REASSIGN] = {"reassigned", S(LZ_CASE_ASSIGNED) | S(LZ_CASE_IN_REVIEW) | S(LZ_CASE_EVIDENCE_REQUESTED),
                    0, "reassigning needs an assigned case not yet decided"},
    [A_START_REVIEW] = {"review_started", S(LZ_CASE_ASSIGNED), LZ_CASE_IN_REVIEW,
                        "starting the review needs an assigned case"},
    [A_REQUEST_EVIDENCE] = {"evidence_requested", S(LZ_CASE_IN_REVIEW), LZ_CASE_EVIDENCE_REQUESTED,
                            "requesting evidence needs a case in review"},
    [A_EVIDENCE_RECEIVED] = {"evidence_received", S(LZ_CASE_EVIDENCE_REQUESTED), LZ_CASE_IN_REVIEW,
                             "recording evidence received needs a case waiting for evidence"},
    [A_CLOSE] = {"closed", S(LZ_CASE_DECIDED), LZ_CASE_CLOSED, "closing needs a decided case"},
};

/* ---------------------------------------------------------------- the case row */

typedef struct {
	int64_t id, bureau_id, type_id, proxy, assignee, received_at, due_at, decided_at;
	int state, outcome, channel, proposal, approvals, event_count, levels;
	char receipt[LZ_CASE_RECEIPT_MAX];
	char path[128];
	lz_case_type type;
} case_row;

static void row_case(case_row *out, lz_stmt *s)
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

static int not_found(int64_t id)
{
	return lz_error_set(LZ_ENOTFOUND, NULL, "case %lld not found", (long long)id);
}

/* Reads case 'id' in the actor's scope (missing otherwise). */
static int case_load(case_row *out, lz_ctx *ctx, int64_t id)
{
	lz_conn *conn;
	lz_stmt *s = NULL;
	int error;

	if ((error = lz_ctx_conn(&conn, ctx)) < 0 ||
	    (error = lz_stmt_prepare(&s, conn, sql[Q_CASE_GET])) < 0 ||
	    (error = lz_stmt_bindv(s, "i", id)) < 0)
		goto done;
	if ((error = lz_stmt_step(s)) == LZ_ROW && lz_org_in_scope(ctx, lz_stmt_text(s, C_PATH))) {
		row_case(out, s);
		error = 0;
	} else if (error >= 0) {
		error = not_found(id);
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

static int64_t measure(const lz_case_type *t, const lz_calendar *cal, int64_t a, int64_t b)
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
			int64_t seg = measure(t, cal, out->clock_mark, e->at);
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
	cur = out->clock_used + (running ? measure(t, cal, out->clock_mark, now) : 0);
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
	if ((error = lz_stmt_prepare(&s, conn, sql[Q_EVENTS])) < 0 || (error = lz_stmt_bindv(s, "i", id)) < 0)
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
static int derive(lz_case_derived *out, lz_conn *conn, const case_row *c, int64_t now)
{
	lz_calendar cal = {0};
	replay_event *ev = NULL;
	int n = 0, error;

	if ((error = events_load(&ev, &n, conn, c->id)) < 0 ||
	    (c->type.clock_kind == LZ_CLOCK_WORKING &&
	     (error = lz_cases__calendar(&cal, conn, c->bureau_id)) < 0))
		goto done;
	replay(out, &c->type, &cal, ev, n, now);
done:
	free(ev);
	lz_calendar_dispose(&cal);
	return error;
}

static int derived_store(lz_conn *conn, const case_row *c, const lz_case_derived *d, int64_t now)
{
	return lz_exec_int(NULL, conn, sql[Q_CASE_DERIVED], false, "iiIiiiiiIIIiii", (int64_t)d->state,
	                   (int64_t)d->outcome, d->assignee_staff_id, (int64_t)(d->state < LZ_CASE_DECIDED),
	                   d->clock_used, d->clock_mark, (int64_t)d->paused, d->due_at, d->decided_at,
	                   d->decided_at ? d->clock_seconds : 0, d->closed_at, (int64_t)d->event_count, now,
	                   c->id);
}

/*
 * Appends event 'kind' (from → to) to case 'c', then replays the history into the
 * row. The sequence number comes from the row's event count, and (case_id, seq) is
 * unique, so two writers racing on one case cannot both append.
 */
static int append_event(lz_ctx *ctx, case_row *c, const char *kind, int to, int64_t assignee, int outcome,
                        const char *note)
{
	lz_case_derived d;
	int64_t now = lz_ctx_now(ctx), staff = lz_cases__person_or_0(ctx);
	int error;

	if ((error = lz_exec_int(NULL, ctx->conn, sql[Q_EVENT_INSERT], false, "iiitiiIitiIit", c->bureau_id,
	                         c->id, (int64_t)c->event_count + 1, kind, (int64_t)c->state, (int64_t)to,
	                         staff, ctx->actor.user_id, ctx->actor.login, now, assignee, (int64_t)outcome,
	                         note ? note : "")) < 0 ||
	    (error = derive(&d, ctx->conn, c, now)) < 0 || (error = derived_store(ctx->conn, c, &d, now)) < 0)
		return error;
	c->event_count++;
	c->state = to;
	return 0;
}

/* What the audit log keeps of a transition: no personal data. */
static json_t *audit_state(const case_row *c, int state, int64_t assignee)
{
	return json_pack("{s:s, s:s, s:I}", "receipt_no", c->receipt, "state", lz_case_state_name(state),
	                 "assignee_staff_id", (json_int_t)assignee);
}

static int audit_transition(lz_ctx *ctx, const char *action, const case_row *before, int to, int64_t assignee)
{
	json_t *b = audit_state(before, before->state, before->assignee);
	json_t *a = audit_state(before, to, assignee);
	int error = lz_audit_append(ctx, action, "case", before->id, before->bureau_id, b, a);
	json_decref(b);
	json_decref(a);
	return error;
}

static int conflict(const case_row *c, const char *needs)
{
	return lz_error_set(LZ_ECONFLICT, "state", "case %s is %s; %s", c->receipt,
	                    lz_case_state_name(c->state), needs);
}

/* Runs one action of the table on case 'id'. */
static int transition(lz_ctx *ctx, int64_t id, action a, int64_t staff_id, const char *note,
                      bool note_required)
{
	lz_write tx = LZ_WRITE_INIT;
	case_row c;
	int to, error;
	int64_t assignee;
	char audit_action[48];

	if ((error = lz_auth_require(ctx, LZ_PERM_CASE_HANDLE)) < 0 ||
	    (error = lz_text_check("note", note, note_required, LZ_CASE_NOTE_MAX, 0)) < 0)
		return error;
	if ((error = lz_write_begin(&tx, ctx)) < 0 || (error = case_load(&c, ctx, id)) < 0)
		goto done;
	if (!(actions[a].from & S(c.state))) {
		error = conflict(&c, actions[a].needs);
		goto done;
	}
	if (a == A_REQUEST_EVIDENCE && c.proposal) {
		error = conflict(
		    &c, "a decision awaits approval: approve or decline it before requesting evidence");
		goto done;
	}
	if ((a == A_ASSIGN || a == A_REASSIGN) &&
	    (error = lz_cases__staff_check(ctx->conn, staff_id, c.bureau_id, "staff_id")) < 0)
		goto done;
	if (a == A_REASSIGN && staff_id == c.assignee) {
		error = lz_error_set(LZ_ECONFLICT, "staff_id", "case %s is assigned to this person already",
		                     c.receipt);
		goto done;
	}
	to = actions[a].to ? actions[a].to : c.state;
	assignee = staff_id ? staff_id : c.assignee;
	snprintf(audit_action, sizeof(audit_action), "case.%s", actions[a].kind);
	{
		case_row before = c;
		if ((error = append_event(ctx, &c, actions[a].kind, to, staff_id, 0, note)) < 0 ||
		    (error = audit_transition(ctx, audit_action, &before, to, assignee)) < 0)
			goto done;
	}
done:
	return lz_write_end(&tx, ctx, error);
}

int lz_case_accept(lz_ctx *ctx, int64_t id, const char *note)
{
	return transition(ctx, id, A_ACCEPT, 0, note, false);
}

int lz_case_assign(lz_ctx *ctx, int64_t id, int64_t staff_id, const char *note)
{
	case_row c;
	int error;

	if ((error = lz_auth_require(ctx, LZ_PERM_CASE_HANDLE)) < 0 || (error = case_load(&c, ctx, id)) < 0)
		return error;
	return transition(ctx, id,
	                  c.state == LZ_CASE_ACCEPTED || c.state < LZ_CASE_ASSIGNED ||
	                          c.state >= LZ_CASE_DECIDED
	                      ? A_ASSIGN
	                      : A_REASSIGN,
	                  staff_id, note, false);
}

int lz_case_start_review(lz_ctx *ctx, int64_t id, const char *note)
{
	return transition(ctx, id, A_START_REVIEW, 0, note, false);
}

int lz_case_request_evidence(lz_ctx *ctx, int64_t id, const char *note)
{
	return transition(ctx, id, A_REQUEST_EVIDENCE, 0, note, true);
}

int lz_case_evidence_received(lz_ctx *ctx, int64_t id, const char *note)
{
	return transition(ctx, id, A_EVIDENCE_RECEIVED, 0, note, false);
}

int lz_case_close(lz_ctx *ctx, int64_t id, const char *note)
{
	return transition(ctx, id, A_CLOSE, 0, note, false);
}

/* ---------------------------------------------------------------- decisions */

/*
 * Records approval 'level' of the current round by the acting person, and decides
 * the case when it is the last level.
 */
static int record_approval(lz_ctx *ctx, case_row *c, int64_t person, int round, int level, int outcome,
                           const char *reasons)
{
	int64_t now = lz_ctx_now(ctx), seen = 0;
	case_row before = *c;
	int error;

	if ((error = lz_exec_int(&seen, ctx->conn, sql[Q_APPROVED_BY], true, "iii", c->id, (int64_t)round,
	                         person)) < 0)
		return error;
	if (seen)
		return lz_error_set(
		    LZ_ECONFLICT, NULL,
		    "case %s: you approved this decision already; level %d of %d needs another person",
		    c->receipt, level, c->levels);
	if ((error = lz_exec_int(NULL, ctx->conn, sql[Q_APPROVAL_INSERT], false, "iiiiiiii", c->bureau_id,
	                         c->id, (int64_t)round, (int64_t)level, person, ctx->actor.user_id,
	                         (int64_t)ctx->actor.role, now)) < 0)
		return error;
	if (level >= c->levels) {
		if ((error = append_event(ctx, c, "decided", LZ_CASE_DECIDED, 0, outcome, reasons)) < 0 ||
		    (error = lz_exec_int(NULL, ctx->conn, sql[Q_CASE_PROPOSAL], false, "ititi", (int64_t)0,
		                         "", (int64_t)0, reasons ? reasons : "", c->id)) < 0)
			return error;
		{
			json_t *b = audit_state(&before, before.state, before.assignee);
			json_t *a = json_pack("{s:s, s:s, s:I, s:s}", "receipt_no", c->receipt, "state",
			                      "decided", "assignee_staff_id", (json_int_t)c->assignee,
			                      "outcome", lz_case_outcome_name(outcome));
			error = lz_audit_append(ctx, "case.decide", "case", c->id, c->bureau_id, b, a);
			json_decref(b);
			json_decref(a);
		}
		return error;
	}
	if ((error = append_event(ctx, c, level == 1 ? "decision_proposed" : "approved", c->state, 0, outcome,
	                          level == 1 ? reasons : NULL)) < 0 ||
	    (error = lz_exec_int(NULL, ctx->conn, sql[Q_CASE_PROPOSAL], false, "ititi", (int64_t)outcome,
	                         reasons ? reasons : "", (int64_t)level, "", c->id)) < 0)
		return error;
	{
		json_t *a = json_pack("{s:s, s:s, s:i, s:i, s:s}", "receipt_no", c->receipt, "state",
		                      lz_case_state_name(c->state), "level", level, "levels", c->levels,
		                      "outcome", lz_case_outcome_name(outcome));
		error = lz_audit_append(ctx, level == 1 ? "case.propose" : "case.approve", "case", c->id,
		                        c->bureau_id, NULL, a);
		json_decref(a);
	}
	return error;
}

int lz_case_decide(lz_ctx *ctx, int64_t id, const char *outcome, const char *reasons)
{
	lz_write tx = LZ_WRITE_INIT;
	case_row c;
	int64_t person = 0, round = 0;
	int o, error;

	if ((error = lz_auth_require(ctx, LZ_PERM_CASE_DECIDE)) < 0)
		return error;
	if (outcome && strcmp(outcome, "approved") == 0)
		o = LZ_OUTCOME_APPROVED;
	else if (outcome && strcmp(outcome, "refused") == 0)
		o = LZ_OUTCOME_REFUSED;
	else
		return lz_error_set(LZ_EINVALID, "outcome", "outcome must be approved or refused");
	if ((error = lz_text_check("reasons", reasons, o == LZ_OUTCOME_REFUSED, LZ_CASE_NOTE_MAX, 0)) < 0)
		return error;
	if ((error = lz_write_begin(&tx, ctx)) < 0 || (error = case_load(&c, ctx, id)) < 0 ||
	    (error = lz_cases__person(&person, ctx, "decide a case")) < 0)
		goto done;
	if (c.state != LZ_CASE_IN_REVIEW) {
		error = conflict(&c, "a decision needs a case in review");
		goto done;
	}
	if (c.proposal) {
		error = conflict(
		    &c, c.levels > 1 ? "a decision is proposed already and awaits approval at the next level"
		                     : "a decision is proposed already");
		goto done;
	}
	if ((error = lz_exec_int(&round, ctx->conn, sql[Q_APPROVAL_ROUND], true, "i", c.id)) < 0 ||
	    (error = record_approval(ctx, &c, person, (int)round + 1, 1, o, reasons)) < 0)
		goto done;
done:
	return lz_write_end(&tx, ctx, error);
}

int lz_case_approve(lz_ctx *ctx, int64_t id, bool agree, const char *note)
{
	lz_write tx = LZ_WRITE_INIT;
	case_row c;
	int64_t person = 0, round = 0;
	char proposal_reasons[LZ_CASE_NOTE_MAX * 4 + 1] = "";
	int error;

	if ((error = lz_auth_require(ctx, LZ_PERM_CASE_APPROVE)) < 0 ||
	    (error = lz_text_check("note", note, !agree, LZ_CASE_NOTE_MAX, 0)) < 0)
		return error;
	if ((error = lz_write_begin(&tx, ctx)) < 0 || (error = case_load(&c, ctx, id)) < 0 ||
	    (error = lz_cases__person(&person, ctx, "approve a decision")) < 0)
		goto done;
	if (c.state != LZ_CASE_IN_REVIEW || !c.proposal) {
		error = conflict(&c, "approval needs a decision proposed on a case in review");
		goto done;
	}
	if ((error = lz_exec_int(&round, ctx->conn, sql[Q_APPROVAL_ROUND], true, "i", c.id)) < 0)
		goto done;
	if (!agree) {
		json_t *a;
		if ((error = append_event(ctx, &c, "approval_declined", c.state, 0, 0, note)) < 0 ||
		    (error = lz_exec_int(NULL, ctx->conn, sql[Q_CASE_PROPOSAL], false, "ititi", (int64_t)0,
		                         "", (int64_t)0, "", c.id)) < 0)
			goto done;
		a = json_pack("{s:s, s:s}", "receipt_no", c.receipt, "state", lz_case_state_name(c.state));
		error = lz_audit_append(ctx, "case.decline", "case", c.id, c.bureau_id, NULL, a);
		json_decref(a);
		goto done;
	}
	{
		lz_conn *conn = ctx->conn;
		lz_stmt *s = NULL;
		if ((error = lz_stmt_prepare(&s, conn, sql[Q_PROPOSAL_REASONS])) == 0 &&
		    (error = lz_stmt_bindv(s, "i", c.id)) == 0 && (error = lz_stmt_step(s)) == LZ_ROW) {
			snprintf(proposal_reasons, sizeof(proposal_reasons), "%s", lz_stmt_text(s, 0));
			error = 0;
		}
		lz_stmt_finish(s);
		if (error < 0)
			goto done;
	}
	error = record_approval(ctx, &c, person, (int)round, c.approvals + 1, c.proposal, proposal_reasons);
done:
	return lz_write_end(&tx, ctx, error);
}

/* ---------------------------------------------------------------- receipt */

/* 32 symbols without 0/O, 1/I: five bits each. */
static const char code_alphabet[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

/* The keyed hash of a check code (upper-cased, at most 32 bytes read). */
static void code_hash(uint8_t out[LZ_PDATA_INDEX_LEN], const lz_ctx *ctx, const char *code)
{
	char norm[33];
	size_t n = 0;

	for (const char *p = code ? code : ""; *p && n < sizeof(norm) - 1; p++)
		norm[n++] = (*p >= 'a' && *p <= 'z') ? (char)(*p - 32) : *p;
	norm[n] = '\0';
	lz_pdata_index(out, ctx->app->keys.pd_index_key, "check_code", norm, n);
}

/* Validates an ID or passport number into 'out' (normalised: upper case). */
static int document_check(char out[24], const lz_ctx *ctx, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0)
		return lz_error_set(LZ_EINVALID, "id_number", "id_number is required");
	if (n == LZ_IDCARD_LEN && strspn(s, "0123456789") >= 17) {
		lz_idcard card;
		int64_t now = lz_ctx_now(ctx);
		int error = lz_idcard_parse(&card, s, (int32_t)(now / 86400), "id_number");
		if (error == 0)
			snprintf(out, 24, "%s", card.number);
		lz_pdata_wipe(&card, sizeof(card));
		return error;
	}
	if (n < 5 || n > 20)
		return lz_error_set(LZ_EINVALID, "id_number",
		                    "id_number must be a resident ID (18 characters) or a passport number (5 "
		                    "to 20 letters and digits)");
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (ch >= 'a' && ch <= 'z')
			ch = (char)(ch - 32);
		if (!((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')))
			return lz_error_set(LZ_EINVALID, "id_number",
			                    "a passport number has only letters and digits");
		out[i] = ch;
	}
	out[n] = '\0';
	return 0;
}

static int email_check(const char *s)
{
	const char *at;

	if (!s || !*s)
		return 0;
	if (strlen(s) > 254)
		return lz_error_set(LZ_EINVALID, "email", "email has more than 254 characters");
	at = strchr(s, '@');
	if (!at || at == s || strchr(at + 1, '@') || !strchr(at + 1, '.') || strpbrk(s, " \t\r\n<>\""))
		return lz_error_set(LZ_EINVALID, "email", "email must be an address such as name@example.cn");
	return lz_text_check("email", s, false, 254, 254);
}

static int channel_parse(const char *s)
{
	for (int i = LZ_CHANNEL_ONLINE; s && i <= LZ_CHANNEL_PROXY; i++)
		if (strcmp(channel_names[i], s) == 0)
			return i;
	return 0;
}

int lz_case_receive(lz_case_receipt *out, lz_ctx *ctx, const lz_case_input *in)
{
	lz_write tx = LZ_WRITE_INIT;
	bool public = ctx->actor.role == LZ_ROLE_PUBLIC;
	char doc[24] = "", phone[21] = "", bureau_code[8], receipt[LZ_CASE_RECEIPT_MAX], date[11], path[128];
	char code[LZ_CASE_CODE_LEN + 1], masked_name[32], masked_doc[32];
	uint8_t hash[LZ_PDATA_INDEX_LEN], doc_index[LZ_PDATA_INDEX_LEN], phone_index[LZ_PDATA_INDEX_LEN];
	uint8_t rnd[LZ_CASE_CODE_LEN];
	lz_case_type type;
	lz_calendar cal = {0};
	lz_stmt *s = NULL;
	int64_t now = lz_ctx_now(ctx), id = 0, seq = 0, proxy = 0, due;
	int channel, error;
	json_t *after = NULL;
	case_row c;

	memset(out, 0, sizeof(*out));
	if ((error = lz_auth_require(ctx, public ? LZ_PERM_CASE_APPLY : LZ_PERM_CASE_HANDLE)) < 0)
		return error;
	channel = channel_parse(in->channel ? in->channel : public ? "online" : "window");
	if (!channel)
		return lz_error_set(LZ_EINVALID, "channel", "channel must be online, window, phone or proxy");
	if (public && channel != LZ_CHANNEL_ONLINE)
		return lz_error_set(LZ_EINVALID, "channel", "the public applies online");
	if (!public && channel == LZ_CHANNEL_ONLINE)
		return lz_error_set(LZ_EINVALID, "channel", "online applications come through the portal");
	if ((error = lz_text_check("name", in->name, true, 64, 0)) < 0 ||
	    (error = document_check(doc, ctx, in->id_number)) < 0 ||
	    (in->phone && *in->phone && (error = lz_cases__phone(phone, "phone", in->phone)) < 0) ||
	    (error = email_check(in->email)) < 0 ||
	    (error = lz_text_check("summary", in->summary, false, LZ_CASE_SUMMARY_MAX, 0)) < 0)
		goto done;
	if (in->type_id <= 0) {
		error = lz_error_set(LZ_EINVALID, "type_id", "type_id is required");
		goto done;
	}
	if ((error = lz_write_begin(&tx, ctx)) < 0)
		goto done;
	if ((error = lz_case_type_get(&type, ctx, in->type_id)) < 0) {
		/* an unknown type is a bad field, not a missing resource */
		if (error == LZ_ENOTFOUND)
			error = lz_error_set(LZ_EINVALID, "type_id", "there is no such case type");
		goto done;
	}
	if (!type.active) {
		error = lz_error_set(LZ_EINVALID, "type_id", "this case type is not taken at present");
		goto done;
	}
	if (channel == LZ_CHANNEL_PROXY) {
		proxy = in->proxy_staff_id;
		if (!proxy && (error = lz_cases__person(&proxy, ctx, "help an applicant as proxy")) < 0)
			goto done;
		if ((error = lz_cases__staff_check(ctx->conn, proxy, type.bureau_id, "proxy_staff_id")) < 0)
			goto done;
	} else if (in->proxy_staff_id) {
		error = lz_error_set(LZ_EINVALID, "proxy_staff_id",
		                     "proxy_staff_id is only for the proxy channel");
		goto done;
	}
	if ((error = lz_cases__bureau(path, bureau_code, ctx->conn, type.bureau_id, "bureau_id")) < 0 ||
	    (error = lz_exec_int(&seq, ctx->conn, sql[Q_SEQ], true, "ii", type.bureau_id,
	                         (int64_t)lz_calendar_local_day(now))) < 0)
		goto done;
	lz_date_format(date, lz_calendar_local_day(now));
	snprintf(receipt, sizeof(receipt), "%s-%.4s%.2s%.2s-%04lld", bureau_code, date, date + 5, date + 8,
	         (long long)seq);
	lz_random_fill(ctx->app->random, rnd, sizeof(rnd));
	for (int i = 0; i < LZ_CASE_CODE_LEN; i++)
		code[i] = code_alphabet[rnd[i] & 31];
	code[LZ_CASE_CODE_LEN] = '\0';
	code_hash(hash, ctx, code);
	lz_pdata_index(doc_index, ctx->app->keys.pd_index_key, "id_number", doc, strlen(doc));
	if (phone[0])
		lz_pdata_index(phone_index, ctx->app->keys.pd_index_key, "phone", phone, strlen(phone));
	if (type.clock_kind == LZ_CLOCK_WORKING &&
	    (error = lz_cases__calendar(&cal, ctx->conn, type.bureau_id)) < 0)
		goto done;
	due = type.clock_kind == LZ_CLOCK_WORKING ? lz_calendar_add_working(&cal, now, type.sla_hours * 3600)
	                                          : now + type.sla_hours * 3600;

	if ((error = lz_stmt_prepare(&s, ctx->conn, sql[Q_CASE_INSERT])) < 0 ||
	    (error = lz_stmt_bindv(s, "iitbiI", type.bureau_id, type.id, receipt, hash, sizeof(hash),
	                           (int64_t)channel, proxy)) < 0 ||
	    (error = lz_cases__bind_sealed(s, 7, ctx, in->name)) < 0 ||
	    (error = lz_cases__bind_sealed(s, 8, ctx, doc)) < 0 ||
	    (error = lz_stmt_bind_blob(s, 9, doc_index, sizeof(doc_index))) < 0 ||
	    (error = lz_cases__bind_sealed(s, 10, ctx, phone)) < 0 ||
	    (error = phone[0] ? lz_stmt_bind_blob(s, 11, phone_index, sizeof(phone_index))
	                      : lz_stmt_bind_null(s, 11)) < 0 ||
	    (error = lz_cases__bind_sealed(s, 12, ctx, in->email)) < 0 ||
	    (error = lz_stmt_bind_text(s, 13, in->summary ? in->summary : "")) < 0 ||
	    (error = lz_stmt_bind_int(s, 14, now)) < 0 || (error = lz_stmt_bind_int(s, 15, now)) < 0 ||
	    (error = lz_stmt_bind_int(s, 16, due)) < 0 || (error = lz_stmt_bind_int(s, 17, now)) < 0)
		goto done;
	if ((error = lz_stmt_step(s)) != LZ_ROW) {
		if (error >= 0)
			error = lz_error_set(LZ_EDB, NULL, "the store gave no id for the new case");
		goto done;
	}
	id = lz_stmt_int(s, 0);
	lz_stmt_finish(s);
	s = NULL;

	memset(&c, 0, sizeof(c));
	c.id = id;
	c.bureau_id = type.bureau_id;
	c.type = type;
	c.state = 0;
	snprintf(c.receipt, sizeof(c.receipt), "%s", receipt);
	if ((error = append_event(ctx, &c, "received", LZ_CASE_RECEIVED, 0, 0,
	                          channel == LZ_CHANNEL_PROXY ? "received by proxy at the window" : NULL)) <
	    0)
		goto done;
	lz_cases__mask_name(masked_name, sizeof(masked_name), in->name);
	lz_cases__mask_document(masked_doc, sizeof(masked_doc), doc);
	after = json_pack("{s:s, s:I, s:s, s:s, s:{s:s, s:s}}", "receipt_no", receipt, "type_id",
	                  (json_int_t)type.id, "channel", channel_names[channel], "state", "received",
	                  "applicant", "name", masked_name, "id_number", masked_doc);
	if (proxy)
		json_object_set_new(after, "proxy_staff_id", json_integer(proxy));
	if ((error = lz_audit_append(ctx, "case.receive", "case", id, type.bureau_id, NULL, after)) < 0)
		goto done;
	out->id = id;
	snprintf(out->receipt_no, sizeof(out->receipt_no), "%s", receipt);
	memcpy(out->check_code, code, sizeof(code));
	out->due_at = due;
done:
	lz_stmt_finish(s);
	lz_calendar_dispose(&cal);
	json_decref(after);
	lz_pdata_wipe(doc, sizeof(doc));
	lz_pdata_wipe(phone, sizeof(phone));
	error = lz_write_end(&tx, ctx, error);
	if (error < 0)
		memset(out, 0, sizeof(*out));
	return error;
}

/* ---------------------------------------------------------------- lookup */

int lz_case__verify_code(int64_t *out_id, lz_ctx *ctx, const char *receipt_no, const char *check_code)
{
	static const uint8_t nothing[LZ_PDATA_INDEX_LEN];
	uint8_t hash[LZ_PDATA_INDEX_LEN];
	const void *stored = nothing;
	size_t len = 0;
	int64_t id = 0;
	lz_conn *conn;
	lz_stmt *s = NULL;
	bool ok;
	int error;

	*out_id = 0;
	/* The same work on every path: hash the code, read by receipt, compare. */
	code_hash(hash, ctx, check_code);
	if ((error = lz_ctx_conn(&conn, ctx)) < 0 ||
	    (error = lz_stmt_prepare(&s, conn, sql[Q_BY_RECEIPT])) < 0)
		return error;
	if ((error = lz_stmt_bind_text(
	         s, 1, receipt_no && strlen(receipt_no) < LZ_CASE_RECEIPT_MAX ? receipt_no : "")) < 0 ||
	    (error = lz_stmt_step(s)) < 0)
		goto done;
	if (error == LZ_ROW) {
		id = lz_stmt_int(s, 0);
		stored = lz_stmt_blob(s, 1, &len);
		if (len != LZ_PDATA_INDEX_LEN)
			stored = nothing;
	}
	ok = lz_memeq(hash, stored, LZ_PDATA_INDEX_LEN) && id > 0 && check_code &&
	     strlen(check_code) == LZ_CASE_CODE_LEN;
	error = ok ? 0 : lz_error_set(LZ_ENOTFOUND, NULL, "no case has this receipt number and check code");
	if (ok)
		*out_id = id;
done:
	lz_stmt_finish(s);
	return error;
}

int lz_case_lookup(json_t **out, lz_ctx *ctx, const char *receipt_no, const char *check_code)
{
	int64_t id = 0;
	lz_conn *conn;
	lz_stmt *s = NULL;
	int error;

	*out = NULL;
	if (!lz_role_may(ctx->actor.role, LZ_PERM_CASE_LOOKUP) &&
	    (error = lz_auth_require(ctx, LZ_PERM_CASE_READ)) < 0)
		return error;
	if ((error = lz_case__verify_code(&id, ctx, receipt_no, check_code)) < 0)
		return error;
	if ((error = lz_ctx_conn(&conn, ctx)) < 0 ||
	    (error = lz_stmt_prepare(&s, conn, sql[Q_CASE_GET])) < 0 ||
	    (error = lz_stmt_bindv(s, "i", id)) < 0)
		goto done;
	if ((error = lz_stmt_step(s)) == LZ_ROW) {
		int state = (int)lz_stmt_int(s, C_STATE), outcome = (int)lz_stmt_int(s, C_OUTCOME);
		*out = json_pack("{s:s, s:I, s:s, s:s, s:s, s:o, s:o, s:o, s:b}", "receipt_no",
		                 lz_stmt_text(s, C_RECEIPT), "type_id", (json_int_t)lz_stmt_int(s, C_TYPE),
		                 "type_code", lz_stmt_text(s, C_TYPE_CODE), "state",
		                 lz_case_state_name(state), "outcome", lz_case_outcome_name(outcome),
		                 "received_at", lz_json_time(lz_stmt_int(s, C_RECEIVED)), "due_at",
		                 lz_json_time(lz_stmt_int(s, C_DUE)), "decided_at",
		                 lz_cases__time(lz_stmt_int(s, C_DECIDED)), "waiting_for_applicant",
		                 (int)(state == LZ_CASE_EVIDENCE_REQUESTED));
		if (outcome == LZ_OUTCOME_REFUSED)
			json_object_set_new(*out, "reasons", json_string(lz_stmt_text(s, C_REASONS)));
		error = 0;
	} else if (error >= 0) {
		error = not_found(id);
	}
done:
	lz_stmt_finish(s);
	return error;
}

/* ---------------------------------------------------------------- reading */

/* Whether the stored columns say what the events say. */
static bool same_derived(const lz_case_derived *a, const lz_case_derived *b)
{
	return a->state == b->state && a->outcome == b->outcome &&
	       a->assignee_staff_id == b->assignee_staff_id && a->clock_used == b->clock_used &&
	       a->clock_mark == b->clock_mark && a->due_at == b->due_at && a->decided_at == b->decided_at &&
	       a->clock_seconds == b->clock_seconds && a->closed_at == b->closed_at &&
	       a->paused == b->paused && a->event_count == b->event_count;
}

int lz_case_recompute(lz_case_derived *out, bool *changed, lz_ctx *ctx, int64_t id, bool write)
{
	lz_write tx = LZ_WRITE_INIT;
	lz_case_derived stored;
	case_row c;
	int64_t now = lz_ctx_now(ctx);
	int error;

	if (changed)
		*changed = false;
	if ((error = lz_auth_require(ctx, write ? LZ_PERM_CASE_HANDLE : LZ_PERM_CASE_READ)) < 0)
		return error;
	if (!write) {
		if ((error = case_load(&c, ctx, id)) < 0)
			return error;
		return derive(out, ctx->conn, &c, now);
	}
	if ((error = lz_write_begin(&tx, ctx)) < 0 || (error = case_load(&c, ctx, id)) < 0 ||
	    (error = derive(out, ctx->conn, &c, now)) < 0 ||
	    (error = lz_case_stored(&stored, ctx, id, now)) < 0)
		goto done;
	if (!same_derived(&stored, out)) {
		json_t *a =
		    json_pack("{s:s, s:s}", "receipt_no", c.receipt, "state", lz_case_state_name(out->state));
		if (changed)
			*changed = true;
		if ((error = derived_store(ctx->conn, &c, out, now)) == 0)
			error = lz_audit_append(ctx, "case.recompute", "case", c.id, c.bureau_id, NULL, a);
		json_decref(a);
	}
done:
	return lz_write_end(&tx, ctx, error);
}

int lz_case_stored(lz_case_derived *out, lz_ctx *ctx, int64_t id, int64_t at)
{
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = lz_auth_require(ctx, LZ_PERM_CASE_READ)) < 0)
		return error;
	return lz_case__stored(out, ctx, id, at, true);
}

int lz_case__stored(lz_case_derived *out, lz_ctx *ctx, int64_t id, int64_t at, bool scoped)
{
	lz_conn *conn;
	lz_stmt *s = NULL;
	lz_calendar cal = {0};
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = lz_ctx_conn(&conn, ctx)) < 0 ||
	    (error = lz_stmt_prepare(&s, conn, sql[Q_CASE_GET])) < 0 ||
	    (error = lz_stmt_bindv(s, "i", id)) < 0)
		goto done;
	if ((error = lz_stmt_step(s)) != LZ_ROW ||
	    (scoped && !lz_org_in_scope(ctx, lz_stmt_text(s, C_PATH)))) {
		error = error < 0 ? error : not_found(id);
		goto done;
	}
	{
		case_row c;
		bool running;
		int64_t target, cur;
		row_case(&c, s);
		out->state = c.state;
		out->outcome = c.outcome;
		out->assignee_staff_id = c.assignee;
		out->clock_used = lz_stmt_int(s, C_USED);
		out->clock_mark = lz_stmt_int(s, C_MARK);
		out->paused = lz_stmt_int(s, C_PAUSED) != 0;
		out->due_at = c.due_at;
		out->decided_at = c.decided_at;
		out->clock_seconds = lz_stmt_int(s, C_CLOCK_SECONDS);
		out->closed_at = lz_stmt_int(s, C_CLOSED);
		out->event_count = c.event_count;
		running = !out->paused && !out->decided_at;
		lz_stmt_finish(s);
		s = NULL;
		if (running && c.type.clock_kind == LZ_CLOCK_WORKING &&
		    (error = lz_cases__calendar(&cal, conn, c.bureau_id)) < 0)
			goto done;
		target = c.type.sla_hours * 3600;
		cur = out->clock_used +
		      (running ? measure(&c.type, &cal, out->clock_mark, at ? at : lz_ctx_now(ctx)) : 0);
		out->clock = (lz_case_clock){cur,     target,      target - cur, out->due_at,
		                             running, out->paused, cur > target};
		error = 0;
	}
done:
	lz_stmt_finish(s);
	lz_calendar_dispose(&cal);
	return error;
}

static json_t *clock_json(const lz_case_clock *k)
{
	return json_pack("{s:I, s:I, s:I, s:o, s:b, s:b, s:b}", "used_seconds", (json_int_t)k->used,
	                 "target_seconds", (json_int_t)k->target, "remaining_seconds",
	                 (json_int_t)k->remaining, "due_at", lz_json_time(k->due_at), "running",
	                 (int)k->running, "paused", (int)k->paused, "overdue", (int)k->overdue);
}

int lz_case_get_json(json_t **out, lz_ctx *ctx, int64_t id)
{
	lz_case_derived d;
	lz_stmt *s = NULL;
	case_row c;
	json_t *obj = NULL, *events = NULL, *approvals = NULL;
	char name[80], doc[24], phone[24], email[256], m_name[32], m_doc[32], m_phone[32], m_email[300];
	int error;

	*out = NULL;
	if ((error = lz_auth_require(ctx, LZ_PERM_CASE_READ)) < 0 || (error = case_load(&c, ctx, id)) < 0 ||
	    (error = lz_case_stored(&d, ctx, id, 0)) < 0)
		return error;
	if ((error = lz_stmt_prepare(&s, ctx->conn, sql[Q_CASE_GET])) < 0 ||
	    (error = lz_stmt_bindv(s, "i", id)) < 0 || (error = lz_stmt_step(s)) != LZ_ROW) {
		error = error < 0 ? error : not_found(id);
		goto done;
	}
	if ((error = lz_cases__open(name, sizeof(name), ctx, s, C_NAME_SEALED, "name")) < 0 ||
	    (error = lz_cases__open(doc, sizeof(doc), ctx, s, C_ID_SEALED, "id_number")) < 0 ||
	    (error = lz_cases__open(phone, sizeof(phone), ctx, s, C_PHONE_SEALED, "phone")) < 0 ||
	    (error = lz_cases__open(email, sizeof(email), ctx, s, C_EMAIL_SEALED, "email")) < 0)
		goto done;
	lz_cases__mask_name(m_name, sizeof(m_name), name);
	lz_cases__mask_document(m_doc, sizeof(m_doc), doc);
	if (phone[0])
		lz_pdata_mask_phone(m_phone, sizeof(m_phone), phone);
	else
		m_phone[0] = '\0';
	lz_cases__mask_email(m_email, sizeof(m_email), email);
	lz_pdata_wipe(name, sizeof(name));
	lz_pdata_wipe(doc, sizeof(doc));
	lz_pdata_wipe(phone, sizeof(phone));
	lz_pdata_wipe(email, sizeof(email));
	obj = json_pack(
	    "{s:I, s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:i, s:i, s:{s:s, s:s, "
	    "s:s, s:s}}",
	    "id", (json_int_t)c.id, "bureau_id", (json_int_t)c.bureau_id, "type_id", (json_int_t)c.type_id,
	    "type_code", c.type.code, "receipt_no", c.receipt, "channel", lz_case_channel_name(c.channel),
	    "state", lz_case_state_name(c.state), "outcome", lz_case_outcome_name(c.outcome), "reasons",
	    lz_stmt_text(s, C_REASONS), "received_at", lz_json_time(c.received_at), "decided_at",
	    lz_cases__time(c.decided_at), "assignee_staff_id",
	    c.assignee ? json_integer(c.assignee) : json_null(), "proxy_staff_id",
	    c.proxy ? json_integer(c.proxy) : json_null(), "approval_levels", c.levels, "approvals",
	    c.approvals, "applicant", "name", m_name, "id_number", m_doc, "phone", m_phone, "email", m_email);
	json_object_set_new(obj, "summary", json_string(lz_stmt_text(s, C_SUMMARY)));
	json_object_set_new(obj, "proposal",
	                    c.proposal ? json_string(lz_case_outcome_name(c.proposal)) : json_null());
	json_object_set_new(obj, "clock", clock_json(&d.clock));
	lz_stmt_finish(s);
	s = NULL;

	events = json_array();
	if ((error = lz_stmt_prepare(&s, ctx->conn, sql[Q_EVENTS])) < 0 ||
	    (error = lz_stmt_bindv(s, "i", id)) < 0)
		goto done;
	while ((error = lz_stmt_step(s)) == LZ_ROW) {
		json_t *e = json_pack(
		    "{s:I, s:s, s:s, s:s, s:o, s:s, s:o, s:s}", "seq", (json_int_t)lz_stmt_int(s, 0), "kind",
		    lz_stmt_text(s, 1), "from", lz_case_state_name((int)lz_stmt_int(s, 2)), "to",
		    lz_case_state_name((int)lz_stmt_int(s, 3)), "actor_staff_id",
		    lz_stmt_is_null(s, 4) ? json_null() : json_integer(lz_stmt_int(s, 4)), "actor",
		    lz_stmt_text(s, 5), "at", lz_json_time(lz_stmt_int(s, 6)), "note", lz_stmt_text(s, 9));
		if (!lz_stmt_is_null(s, 7))
			json_object_set_new(e, "assignee_staff_id", json_integer(lz_stmt_int(s, 7)));
		if (lz_stmt_int(s, 8))
			json_object_set_new(e, "outcome",
			                    json_string(lz_case_outcome_name((int)lz_stmt_int(s, 8))));
		json_array_append_new(events, e);
	}
	lz_stmt_finish(s);
	s = NULL;
	if (error < 0)
		goto done;
	approvals = json_array();
	if ((error = lz_stmt_prepare(&s, ctx->conn, sql[Q_APPROVALS])) < 0 ||
	    (error = lz_stmt_bindv(s, "i", id)) < 0)
		goto done;
	while ((error = lz_stmt_step(s)) == LZ_ROW)
		json_array_append_new(approvals, json_pack("{s:I, s:I, s:I, s:s, s:o}", "round",
		                                           (json_int_t)lz_stmt_int(s, 0), "level",
		                                           (json_int_t)lz_stmt_int(s, 1), "staff_id",
		                                           (json_int_t)lz_stmt_int(s, 2), "role",
		                                           lz_role_name((lz_role)lz_stmt_int(s, 3)), "at",
		                                           lz_json_time(lz_stmt_int(s, 4))));
	if (error < 0)
		goto done;
	error = 0;
	json_object_set_new(obj, "events", events);
	json_object_set_new(obj, "approval_history", approvals);
	events = approvals = NULL;
	*out = obj;
	obj = NULL;
done:
	lz_stmt_finish(s);
	json_decref(obj);
	json_decref(events);
	json_decref(approvals);
	return error;
}

int lz_case_find_by_applicant(json_t **out, lz_ctx *ctx, const char *id_number)
{
	char doc[24];
	uint8_t index[LZ_PDATA_INDEX_LEN];
	lz_conn *conn;
	lz_stmt *s = NULL;
	json_t *list = NULL;
	int error, n = 0;

	*out = NULL;
	if ((error = lz_auth_require(ctx, LZ_PERM_CASE_READ)) < 0 ||
	    (error = document_check(doc, ctx, id_number)) < 0)
		return error;
	lz_pdata_index(index, ctx->app->keys.pd_index_key, "id_number", doc, strlen(doc));
	lz_pdata_wipe(doc, sizeof(doc));
	if ((error = lz_ctx_conn(&conn, ctx)) < 0 ||
	    (error = lz_stmt_prepare(&s, conn, sql[Q_BY_APPLICANT])) < 0 ||
	    (error = lz_stmt_bindv(s, "b", index, sizeof(index))) < 0)
		goto done;
	list = json_array();
	while ((error = lz_stmt_step(s)) == LZ_ROW) {
		if (!lz_org_in_scope(ctx, lz_stmt_text(s, 4)) || n >= 50)
			continue;
		n++;
		json_array_append_new(
		    list, json_pack("{s:I, s:s, s:s, s:o}", "id", (json_int_t)lz_stmt_int(s, 0), "receipt_no",
		                    lz_stmt_text(s, 1), "state", lz_case_state_name((int)lz_stmt_int(s, 2)),
		                    "received_at", lz_json_time(lz_stmt_int(s, 3))));
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
