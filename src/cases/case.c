/*
 * case.c — service cases (see cases.h): receipt with sealed personal data, the
 * state machine as one table, decisions with their approvals, and the event
 * history (the clock replayed from the events is in case_clock.c, the reads in
 * case_read.c). Every write appends its event and then replays the whole history of the
 * case into the derived columns of its row, so the row can never say something the
 * events do not (lz_case_recompute does the same replay on demand).
 */
#include "cases/case_int.h"

#include "audit/audit.h"
#include "auth/auth.h"
#include "base/buf.h"
#include "base/crypto.h"
#include "base/idcard.h"
#include "base/json.h"
#include "base/pdata.h"
#include "files/files.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CASE_SELECT                                                                                          \
	"SELECT c.id, c.bureau_id, c.type_id, c.receipt_no, c.channel, c.proxy_staff_id, c.state, "          \
	"c.outcome, "                                                                                        \
	"c.reasons, c.assignee_staff_id, c.received_at, c.clock_used, c.clock_mark, c.paused, c.due_at, "    \
	"c.decided_at, c.clock_seconds, c.closed_at, c.proposal_outcome, c.proposal_reasons, c.approvals, "  \
	"c.event_count, c.summary, b.path, c.sla_hours, c.clock_kind, t.approval_levels, "                   \
	"c.pauses_on_applicant, "                                                                            \
	"t.code, c.applicant_name_sealed, c.applicant_id_sealed, c.applicant_phone_sealed, "                 \
	"c.applicant_email_sealed FROM service_case c JOIN bureau b ON b.id = c.bureau_id "                  \
	"JOIN case_type t ON t.id = c.type_id "

const char *const lz_case__sql[] = {
    [Q_CASE_GET] = CASE_SELECT "WHERE c.id = ?",
    [Q_CASE_INSERT] =
        "INSERT INTO service_case(bureau_id, type_id, receipt_no, check_hash, channel, proxy_staff_id, "
        "applicant_name_sealed, applicant_id_sealed, applicant_id_index, applicant_phone_sealed, "
        "applicant_phone_index, applicant_email_sealed, summary, state, open, received_at, clock_mark, "
        "due_at, updated_at, sla_hours, clock_kind, pauses_on_applicant) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 1, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
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
    /* The case of a receipt number, or else a decoy row, so that an unknown receipt
     * number costs what a wrong check code costs: one probe of the receipt index and
     * one read of a case row (the caller compares the receipt number too). */
    [Q_BY_RECEIPT] = "SELECT c.id, c.check_hash, c.receipt_no FROM service_case c WHERE c.id = "
                     "COALESCE((SELECT r.id FROM service_case r WHERE r.receipt_no = ?), ?)",
    [Q_BY_APPLICANT] = "SELECT c.id, c.receipt_no, c.state, c.received_at, b.path FROM service_case c "
                       "JOIN bureau b ON b.id = c.bureau_id WHERE c.applicant_id_index = ? "
                       "ORDER BY c.id DESC LIMIT 200",
    [Q_PROPOSAL_REASONS] = "SELECT proposal_reasons FROM service_case WHERE id = ?",
    [Q_IDS_IN_SCOPE] =
        "SELECT c.id, c.receipt_no FROM service_case c WHERE c.bureau_id IN (SELECT b.id FROM bureau b WHERE "
        "b.path LIKE (CAST(? AS TEXT) || '%')) AND c.id > ? ORDER BY c.id LIMIT 500",
    /* The open cases on a working clock in bureaus under a path, due at or after a time. */
    [Q_OPEN_WORKING] = "SELECT c.id FROM service_case c "
                       "WHERE c.open = 1 AND c.clock_kind = ? AND c.due_at >= ? AND c.bureau_id IN "
                       "(SELECT b.id FROM bureau b WHERE b.path LIKE (CAST(? AS TEXT) || '%')) "
                       "AND c.id > ? ORDER BY c.id LIMIT 500",
    [Q_TYPE_MATERIALS] = "SELECT materials FROM case_type WHERE id = ?",
    [Q_FILE_OF_BUREAU] = "SELECT COUNT(*) FROM evidence_file WHERE bureau_id = ? AND sha256 = ?",
    [Q_ATTACHMENT_INSERT] =
        "INSERT INTO case_attachment(case_id, sha256, material, name, created_at) VALUES (?, ?, ?, ?, ?)",
    [Q_ATTACHMENTS] = "SELECT a.sha256, a.material, CASE WHEN a.name <> '' THEN a.name ELSE f.name END, f.size, "
                      "f.media_type FROM case_attachment a "
                      "JOIN service_case c ON c.id = a.case_id "
                      "JOIN evidence_file f ON f.bureau_id = c.bureau_id AND f.sha256 = a.sha256 "
                      "WHERE a.case_id = ? ORDER BY a.id",
    [Q_RECEIPT_IN_SCOPE] = "SELECT c.id FROM service_case c JOIN bureau b ON b.id = c.bureau_id "
                           "WHERE c.receipt_no = ? AND b.path LIKE (CAST(? AS TEXT) || '%')",
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

/*
 * Appends event 'kind' (from → to) to case 'c', then replays the history into the
 * row. The sequence number comes from the row's event count, and (case_id, seq) is
 * unique, so two writers racing on one case cannot both append.
 */
static int append_event(lz_ctx *ctx, lz_case__row *c, const char *kind, int to, int64_t assignee, int outcome,
                        const char *note)
{
	lz_case_derived d;
	int64_t now = lz_ctx_now(ctx), staff = lz_cases__person_or_0(ctx);
	int error;

	if ((error = lz_exec_int(NULL, ctx->conn, lz_case__sql[Q_EVENT_INSERT], false, "iiitiiIitiIit",
	                         c->bureau_id, c->id, (int64_t)c->event_count + 1, kind, (int64_t)c->state,
	                         (int64_t)to, staff, ctx->actor.user_id, ctx->actor.login, now, assignee,
	                         (int64_t)outcome, note ? note : "")) < 0 ||
	    (error = lz_case__derive(&d, ctx->conn, c, now)) < 0 ||
	    (error = lz_case__store_derived(ctx->conn, c, &d, now)) < 0)
		return error;
	c->event_count++;
	c->state = to;
	return 0;
}

/* What the audit log keeps of a transition: no personal data. */
static json_t *audit_state(const lz_case__row *c, int state, int64_t assignee)
{
	return json_pack("{s:s, s:s, s:I}", "receipt_no", c->receipt, "state", lz_case_state_name(state),
	                 "assignee_staff_id", (json_int_t)assignee);
}

static int audit_transition(lz_ctx *ctx, const char *action, const lz_case__row *before, int to,
                            int64_t assignee)
{
	json_t *b = audit_state(before, before->state, before->assignee);
	json_t *a = audit_state(before, to, assignee);
	int error = lz_audit_append(ctx, action, "case", before->id, before->bureau_id, b, a);
	json_decref(b);
	json_decref(a);
	return error;
}

static int conflict(const lz_case__row *c, const char *needs)
{
	return lz_error_set(LZ_ECONFLICT, "state", "case %s is %s; %s", c->receipt,
	                    lz_case_state_name(c->state), needs);
}

/* Runs one action of the table on case 'id'. */
static int transition(lz_ctx *ctx, int64_t id, action a, int64_t staff_id, const char *note,
                      bool note_required)
{
	lz_write tx = LZ_WRITE_INIT;
	lz_case__row c;
	int to, error;
	int64_t assignee;
	char audit_action[48];

	if ((error = lz_auth_require(ctx, LZ_PERM_CASE_HANDLE)) < 0 ||
	    (error = lz_text_check("note", note, note_required, LZ_CASE_NOTE_MAX, 0)) < 0)
		return error;
	if ((error = lz_write_begin(&tx, ctx)) < 0 || (error = lz_case__load(&c, ctx, id)) < 0)
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
		lz_case__row before = c;
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
	lz_case__row c;
	int error;

	if ((error = lz_auth_require(ctx, LZ_PERM_CASE_HANDLE)) < 0 ||
	    (error = lz_case__load(&c, ctx, id)) < 0)
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
static int record_approval(lz_ctx *ctx, lz_case__row *c, int64_t person, int round, int level, int outcome,
                           const char *reasons)
{
	int64_t now = lz_ctx_now(ctx), seen = 0;
	lz_case__row before = *c;
	int error;

	if ((error = lz_exec_int(&seen, ctx->conn, lz_case__sql[Q_APPROVED_BY], true, "iii", c->id,
	                         (int64_t)round, person)) < 0)
		return error;
	if (seen)
		return lz_error_set(
		    LZ_ECONFLICT, NULL,
		    "case %s: you approved this decision already; level %d of %d needs another person",
		    c->receipt, level, c->levels);
	if ((error = lz_exec_int(NULL, ctx->conn, lz_case__sql[Q_APPROVAL_INSERT], false, "iiiiiiii",
	                         c->bureau_id, c->id, (int64_t)round, (int64_t)level, person,
	                         ctx->actor.user_id, (int64_t)ctx->actor.role, now)) < 0)
		return error;
	if (level >= c->levels) {
		if ((error = append_event(ctx, c, "decided", LZ_CASE_DECIDED, 0, outcome, reasons)) < 0 ||
		    (error = lz_exec_int(NULL, ctx->conn, lz_case__sql[Q_CASE_PROPOSAL], false, "ititi",
		                         (int64_t)0, "", (int64_t)0, reasons ? reasons : "", c->id)) < 0)
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
	    (error = lz_exec_int(NULL, ctx->conn, lz_case__sql[Q_CASE_PROPOSAL], false, "ititi",
	                         (int64_t)outcome, reasons ? reasons : "", (int64_t)level, "", c->id)) < 0)
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
	lz_case__row c;
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
	if ((error = lz_write_begin(&tx, ctx)) < 0 || (error = lz_case__load(&c, ctx, id)) < 0 ||
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
	if ((error = lz_exec_int(&round, ctx->conn, lz_case__sql[Q_APPROVAL_ROUND], true, "i", c.id)) < 0 ||
	    (error = record_approval(ctx, &c, person, (int)round + 1, 1, o, reasons)) < 0)
		goto done;
done:
	return lz_write_end(&tx, ctx, error);
}

int lz_case_approve(lz_ctx *ctx, int64_t id, bool agree, const char *note)
{
	lz_write tx = LZ_WRITE_INIT;
	lz_case__row c;
	int64_t person = 0, round = 0;
	char proposal_reasons[LZ_CASE_NOTE_MAX * 4 + 1] = "";
	int error;

	if ((error = lz_auth_require(ctx, LZ_PERM_CASE_APPROVE)) < 0 ||
	    (error = lz_text_check("note", note, !agree, LZ_CASE_NOTE_MAX, 0)) < 0)
		return error;
	if ((error = lz_write_begin(&tx, ctx)) < 0 || (error = lz_case__load(&c, ctx, id)) < 0 ||
	    (error = lz_cases__person(&person, ctx, "approve a decision")) < 0)
		goto done;
	if (c.state != LZ_CASE_IN_REVIEW || !c.proposal) {
		error = conflict(&c, "approval needs a decision proposed on a case in review");
		goto done;
	}
	if ((error = lz_exec_int(&round, ctx->conn, lz_case__sql[Q_APPROVAL_ROUND], true, "i", c.id)) < 0)
		goto done;
	if (!agree) {
		json_t *a;
		if ((error = append_event(ctx, &c, "approval_declined", c.state, 0, 0, note)) < 0 ||
		    (error = lz_exec_int(NULL, ctx->conn, lz_case__sql[Q_CASE_PROPOSAL], false, "ititi",
		                         (int64_t)0, "", (int64_t)0, "", c.id)) < 0)
			goto done;
		a = json_pack("{s:s, s:s}", "receipt_no", c.receipt, "state", lz_case_state_name(c.state));
		error = lz_audit_append(ctx, "case.decline", "case", c.id, c.bureau_id, NULL, a);
		json_decref(a);
		goto done;
	}
	{
		lz_conn *conn = ctx->conn;
		lz_stmt *s = NULL;
		if ((error = lz_stmt_prepare(&s, conn, lz_case__sql[Q_PROPOSAL_REASONS])) == 0 &&
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
void lz_case__code_hash(uint8_t out[LZ_PDATA_INDEX_LEN], const lz_ctx *ctx, const char *code)
{
	char norm[33];
	size_t n = 0;

	for (const char *p = code ? code : ""; *p && n < sizeof(norm) - 1; p++)
		norm[n++] = (*p >= 'a' && *p <= 'z') ? (char)(*p - 32) : *p;
	norm[n] = '\0';
	lz_pdata_index(out, ctx->app->keys.pd_index_key, "check_code", norm, n);
}

/* Validates an ID or passport number into 'out' (normalised: upper case). */
int lz_case__document(char out[24], const lz_ctx *ctx, const char *s)
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

/* "attachments": [{"file": "<sha256>", "material": K | null, "name": "…"}, …] into
 * in ('name' optional; 'in' borrows it from 'obj'). */
static int attachments_from_json(lz_case_input *in, json_t *obj)
{
	static const char *const known[] = {"file", "material", "name", NULL};
	json_t *list = json_object_get(obj, "attachments"), *a;
	size_t i;
	char field[48];
	int error;

	if (!list || json_is_null(list))
		return 0;
	if (!json_is_array(list))
		return lz_error_set(LZ_EINVALID, "attachments", "attachments must be a list");
	if (json_array_size(list) > LZ_CASE_ATTACHMENTS_MAX)
		return lz_error_set(LZ_EINVALID, "attachments", "at most %d files may be attached",
		                    LZ_CASE_ATTACHMENTS_MAX);
	json_array_foreach(list, i, a)
	{
		lz_case_attachment *at = &in->attachments[i];
		json_t *file = json_object_get(a, "file"), *m = json_object_get(a, "material");
		const char *hex = json_string_value(file);
		snprintf(field, sizeof(field), "attachments[%zu]", i);
		if (!json_is_object(a))
			return lz_error_set(LZ_EINVALID, field, "%s must be an object {file, material}",
			                    field);
		if ((error = lz_json_only(a, known)) < 0)
			return error;
		snprintf(field, sizeof(field), "attachments[%zu].file", i);
		if (!hex || strlen(hex) != 64 || strspn(hex, "0123456789abcdef") != 64)
			return lz_error_set(LZ_EINVALID, field, "%s must be the SHA-256 of an uploaded file",
			                    field);
		for (size_t j = 0; j < i; j++)
			if (strcmp(in->attachments[j].sha256, hex) == 0)
				return lz_error_set(LZ_EINVALID, field, "%s is attached twice", field);
		memcpy(at->sha256, hex, 65);
		snprintf(field, sizeof(field), "attachments[%zu].material", i);
		if (m && !json_is_null(m) &&
		    (!json_is_integer(m) || json_integer_value(m) < 0 ||
		     json_integer_value(m) >= LZ_CASE_TYPE_MATERIALS_MAX))
			return lz_error_set(LZ_EINVALID, field, "%s must be the place of a required material",
			                    field);
		at->material = m && json_is_integer(m) ? (int)json_integer_value(m) : -1;
		snprintf(field, sizeof(field), "attachments[%zu].name", i);
		if (json_object_get(a, "name") && !json_is_null(json_object_get(a, "name")) &&
		    !json_is_string(json_object_get(a, "name")))
			return lz_error_set(LZ_EINVALID, field, "%s must be a text", field);
		at->name = json_string_value(json_object_get(a, "name"));
		in->nattachments++;
	}
	return 0;
}

int lz_case_input_from_json(lz_case_input *in, json_t *obj)
{
	static const char *const known[] = {"type_id",     "channel", "proxy_staff_id", "name",
	                                    "id_number",   "phone",   "email",          "summary",
	                                    "attachments", NULL};
	int error;

	memset(in, 0, sizeof(*in));
	if ((error = lz_json_only(obj, known)) < 0 || (error = attachments_from_json(in, obj)) < 0 ||
	    (error = lz_json_int(&in->type_id, NULL, obj, "type_id", true)) < 0 ||
	    (error = lz_json_str(&in->channel, obj, "channel", false, 16)) < 0 ||
	    (error = lz_json_int(&in->proxy_staff_id, NULL, obj, "proxy_staff_id", false)) < 0 ||
	    (error = lz_json_str(&in->name, obj, "name", true, 64)) < 0 ||
	    (error = lz_json_str(&in->id_number, obj, "id_number", true, 32)) < 0 ||
	    (error = lz_json_str(&in->phone, obj, "phone", false, 32)) < 0 ||
	    (error = lz_json_str(&in->email, obj, "email", false, 254)) < 0 ||
	    (error = lz_json_str(&in->summary, obj, "summary", false, LZ_CASE_SUMMARY_MAX)) < 0)
		return error;
	return 0;
}

/* The attachments of a new case: each a file its bureau stored, showing one of the
 * type's materials (or another document). */
static int store_attachments(lz_ctx *ctx, const lz_case__row *c, const lz_case_input *in, int64_t now)
{
	size_t materials = 0;
	char field[48];
	lz_stmt *s = NULL;
	int error;

	if (in->nattachments == 0)
		return 0;
	/* How many materials the type asks for: an attachment names one by its place. */
	if ((error = lz_stmt_prepare(&s, ctx->conn, lz_case__sql[Q_TYPE_MATERIALS])) < 0 ||
	    (error = lz_stmt_bindv(s, "i", c->type.id)) < 0 || (error = lz_stmt_step(s)) < 0) {
		lz_stmt_finish(s);
		return error;
	}
	if (error == LZ_ROW) {
		json_t *m = json_loads(lz_stmt_text(s, 0), 0, NULL);
		materials = json_array_size(m);
		json_decref(m);
	}
	lz_stmt_finish(s);

	for (int i = 0; i < in->nattachments && i < LZ_CASE_ATTACHMENTS_MAX; i++) {
		const lz_case_attachment *a = &in->attachments[i];
		int64_t n = 0;
		if ((error = lz_exec_int(&n, ctx->conn, lz_case__sql[Q_FILE_OF_BUREAU], true, "it",
		                         c->bureau_id, a->sha256)) < 0)
			return error;
		snprintf(field, sizeof(field), "attachments[%d].file", i);
		if (n == 0)
			return lz_error_set(LZ_EINVALID, field, "%s was not uploaded for this bureau", field);
		snprintf(field, sizeof(field), "attachments[%d].material", i);
		if (a->material >= 0 && (size_t)a->material >= materials)
			return lz_error_set(LZ_EINVALID, field, "%s must be the place of a required material",
			                    field);
		snprintf(field, sizeof(field), "attachments[%d].name", i);
		if ((error = lz_text_check(field, a->name, false, LZ_FILE_NAME_MAX, 0)) < 0)
			return error;
		/* material: the place (0 is the first), or NULL for another document */
		if ((error = a->material >= 0
		                 ? lz_exec_int(NULL, ctx->conn, lz_case__sql[Q_ATTACHMENT_INSERT], false,
		                               "ititi", c->id, a->sha256, (int64_t)a->material,
		                               a->name ? a->name : "", now)
		                 : lz_exec_int(NULL, ctx->conn, lz_case__sql[Q_ATTACHMENT_INSERT], false,
		                               "itnti", c->id, a->sha256, a->name ? a->name : "", now)) < 0)
			return error;
	}
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
	lz_case__row c;

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
	    (error = lz_case__document(doc, ctx, in->id_number)) < 0 ||
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
	    (error = lz_exec_int(&seq, ctx->conn, lz_case__sql[Q_SEQ], true, "ii", type.bureau_id,
	                         (int64_t)lz_calendar_local_day(now))) < 0)
		goto done;
	lz_date_format(date, lz_calendar_local_day(now));
	snprintf(receipt, sizeof(receipt), "%s-%.4s%.2s%.2s-%04lld", bureau_code, date, date + 5, date + 8,
	         (long long)seq);
	lz_random_fill(ctx->app->random, rnd, sizeof(rnd));
	for (int i = 0; i < LZ_CASE_CODE_LEN; i++)
		code[i] = code_alphabet[rnd[i] & 31];
	code[LZ_CASE_CODE_LEN] = '\0';
	lz_case__code_hash(hash, ctx, code);
	lz_pdata_index(doc_index, ctx->app->keys.pd_index_key, "id_number", doc, strlen(doc));
	if (phone[0])
		lz_pdata_index(phone_index, ctx->app->keys.pd_index_key, "phone", phone, strlen(phone));
	if (type.clock_kind == LZ_CLOCK_WORKING &&
	    (error = lz_cases__calendar(&cal, ctx->conn, type.bureau_id)) < 0)
		goto done;
	due = type.clock_kind == LZ_CLOCK_WORKING ? lz_calendar_add_working(&cal, now, type.sla_hours * 3600)
	                                          : now + type.sla_hours * 3600;

	if ((error = lz_stmt_prepare(&s, ctx->conn, lz_case__sql[Q_CASE_INSERT])) < 0 ||
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
	    (error = lz_stmt_bind_int(s, 16, due)) < 0 || (error = lz_stmt_bind_int(s, 17, now)) < 0 ||
	    /* the target the case is received under, kept with it (migration 011) */
	    (error = lz_stmt_bind_int(s, 18, type.sla_hours)) < 0 ||
	    (error = lz_stmt_bind_int(s, 19, (int64_t)type.clock_kind)) < 0 ||
	    (error = lz_stmt_bind_int(s, 20, (int64_t)type.pauses_on_applicant)) < 0)
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
	if ((error = store_attachments(ctx, &c, in, now)) < 0)
		goto done;
	lz_cases__mask_name(masked_name, sizeof(masked_name), in->name);
	lz_cases__mask_document(masked_doc, sizeof(masked_doc), doc);
	after = json_pack("{s:s, s:I, s:s, s:s, s:{s:s, s:s}, s:i}", "receipt_no", receipt, "type_id",
	                  (json_int_t)type.id, "channel", channel_names[channel], "state", "received",
	                  "applicant", "name", masked_name, "id_number", masked_doc, "attachments",
	                  in->nattachments);
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
