/*
 * cases.h — service cases (办件): the working calendar, case types, cases with
 * their clocks and event history, the staff inbox, the public status lookup, and
 * processing-time statistics. Complaints are in complaint.h, case assistance (the
 * ombudsman) in assistance.h.
 *
 * The working calendar. Working time is Monday to Friday, 09:00–17:00 local time
 * (UTC+8, Asia/Shanghai has no daylight saving), unless a dated row says a weekday
 * is a holiday or a weekend day a make-up working day (调休). A bureau's calendar
 * is its own rows and those of every bureau above it; for a day with rows at
 * several levels the lowest bureau's row wins (a county may add a local holiday,
 * or keep working on a day its province rests). Computations walk the days between
 * two instants once, so they are O(days) with the rows of a calendar in memory.
 *
 * Case types belong to one bureau, which receives their cases (types are not
 * inherited). A type's clock is elapsed time or working time; its target
 * (sla_hours) is in hours of that clock. approval_levels (1–3) is how many
 * distinct people must approve a decision; pauses_on_applicant stops the clock
 * while evidence is requested from the applicant. A type's name and each of its
 * required materials are texts by language tag, zh-CN required (a material may
 * also be one plain string, the same in every language); a reader of another
 * language gets English, then Chinese, where a text is missing in theirs.
 *
 * Cases. States, and the only actions that move between them:
 *
 *   received ─accept→ accepted ─assign→ assigned ─start_review→ in_review
 *   in_review ─request_evidence→ evidence_requested ─evidence_received→ in_review
 *   in_review ─decide (+ approvals)→ decided (approved | refused with reasons) ─close→ closed
 *   reassign: in assigned, in_review or evidence_requested, the state is kept.
 *
 * Any other action is LZ_ECONFLICT, with a message naming the state the case is in
 * and what the action needs. Every action appends one row to case_event (actor,
 * time, from and to state, note), in the same transaction, and is audited; the
 * event history is the source of truth and the case row's state, assignee and
 * clock columns are derived from it (lz_case_recompute rebuilds them).
 *
 * Multi-level approval. 'decide' by a reviewer or director (LZ_PERM_CASE_DECIDE)
 * proposes the outcome and is approval level 1. A type with more levels needs
 * lz_case_approve by directors (LZ_PERM_CASE_APPROVE) for levels 2 and 3, each by a
 * person who has not approved this proposal yet; the last approval decides the
 * case. An approver who disagrees (agree = false) sends the proposal back: the case
 * stays in review and a new proposal starts again at level 1. While a proposal
 * awaits approval, evidence cannot be requested (decline it first).
 *
 * The clock runs from receipt to decision. For an elapsed clock it counts seconds;
 * for a working clock, seconds within working time of the case's bureau calendar.
 * When the type pauses on the applicant, time in evidence_requested is not counted.
 * Readings chosen where the issue is silent:
 * - due_at is the instant the clock reaches the target if it runs on from its last
 *   start; once the target has been passed, due_at is the instant it was passed.
 *   While paused, due_at stays what it was when the pause began (the remaining time
 *   is exact in the clock's 'remaining' field); the inbox orders by it.
 * - A case is overdue when its clock exceeds the target (decided cases: their
 *   clock at decision). "Within target" means a clock at decision ≤ the target.
 * - The processing time of a decided case, in the statistics, is its clock at
 *   decision (the same clock the target is measured on), in seconds.
 * - Changing a type's target or the calendar later changes what lz_case_recompute
 *   derives for open cases; decided cases keep what the events say.
 *
 * Personal data. The applicant's name, ID or passport number, phone and e-mail are
 * sealed (pdata), the ID number and phone also kept as blind indexes for lookup;
 * they are shown masked, and audit entries carry masked values only. A Chinese
 * resident ID (18 characters) must pass GB 11643; anything else is taken as a
 * passport or travel document number: 5–20 letters and digits.
 *
 * The receipt number is readable and unique: the bureau's code, the local date of
 * receipt and a per-bureau, per-day sequence ("420527-20261027-0001"). The check
 * code is 10 characters of an unambiguous alphabet (50 random bits), shown once and
 * stored only as a keyed hash compared in constant time. A lookup with a wrong code
 * and one with an unknown receipt number do the same work and answer the same
 * LZ_ENOTFOUND.
 *
 * Tenancy is org's: staff see cases of their bureau and those below; other cases
 * read as missing. The public actor (lz_auth_act_as_public) reaches only active
 * case types, its own applications through receipt and check code, and published
 * statistics without drill-down.
 */
#ifndef LZ_CASES_CASES_H
#define LZ_CASES_CASES_H

#include "core/ctx.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* ---------------------------------------------------------------- calendar */

#define LZ_CAL_UTC_OFFSET (8 * 3600) /* local time is UTC+8 */
#define LZ_CAL_DAY_START (9 * 3600)  /* working hours, local */
#define LZ_CAL_DAY_END (17 * 3600)
#define LZ_CAL_WORKDAY_SECONDS (LZ_CAL_DAY_END - LZ_CAL_DAY_START)

typedef enum { LZ_CAL_HOLIDAY = 1, LZ_CAL_WORKDAY = 2 } lz_cal_kind;

typedef struct {
	int32_t day; /* days since the epoch, local */
	int8_t kind; /* lz_cal_kind */
} lz_cal_day;

/* A bureau's calendar in memory: the rows that apply to it, by day, one per day. */
typedef struct {
	lz_cal_day *days;
	size_t n;
} lz_calendar;

/* The local day (days since the epoch in UTC+8) of instant 't'. */
int32_t lz_calendar_local_day(int64_t t);
/* True when 'day' is a working day in 'c' (c may be NULL: the default week). */
bool lz_calendar_is_workday(const lz_calendar *c, int32_t day);
/* Working seconds in [from, to) (0 when to ≤ from). */
int64_t lz_calendar_working_seconds(const lz_calendar *c, int64_t from, int64_t to);
/*
 * The instant at which 'seconds' working seconds after 'from' have passed (for 0,
 * 'from' itself; an amount that ends exactly at 17:00 answers 17:00).
 */
int64_t lz_calendar_add_working(const lz_calendar *c, int64_t from, int64_t seconds);
/* 17:00 local of the n-th working day after the local day of 'from'. */
int64_t lz_calendar_working_days_after(const lz_calendar *c, int64_t from, int n);

/*
 * Loads the calendar of bureau 'bureau_id' (its rows and its ancestors'). No scope
 * check: the caller has read something of that bureau. Free with
 * lz_calendar_dispose.
 */
int lz_calendar_load(lz_calendar *out, lz_ctx *ctx, int64_t bureau_id) LZ_MUST_USE;
void lz_calendar_dispose(lz_calendar *c);
/*
 * Sets a day of a bureau in scope: kind "holiday", "workday", or "default" (removes
 * the bureau's own row). 'name' (≤ 32 characters) says why ("国庆节"). The open
 * cases on a working clock of that bureau and those below that are due on or after
 * the day are replayed in the same write, so their due times follow the calendar;
 * *moved (may be NULL) counts those whose due time moved. Requires
 * LZ_PERM_CASE_TYPE_WRITE. Audited.
 */
int lz_calendar_set_day(lz_ctx *ctx, int64_t bureau_id, const char *date, const char *kind, const char *name,
                        int64_t *moved) LZ_MUST_USE;
/* The rows that apply to a bureau in scope, between two dates (YYYY-MM-DD). */
int lz_calendar_list(json_t **out, lz_ctx *ctx, int64_t bureau_id, const char *from,
                     const char *to) LZ_MUST_USE;

/* ---------------------------------------------------------------- case types */

typedef enum { LZ_CLOCK_ELAPSED = 1, LZ_CLOCK_WORKING = 2 } lz_clock_kind;

#define LZ_CASE_TYPE_CODE_MAX 32
#define LZ_CASE_TYPE_NAME_MAX 64
#define LZ_CASE_TYPE_NAME_BYTES (LZ_CASE_TYPE_NAME_MAX * 4 + 1) /* a name in UTF-8, with its NUL */
#define LZ_CASE_TYPE_LANGS_MAX 32
#define LZ_CASE_TYPE_MATERIALS_MAX 30
#define LZ_CASE_TYPE_MATERIAL_MAX 100
#define LZ_CASE_TYPE_SLA_MAX 8760

typedef struct {
	int64_t bureau_id;
	const char *code;        /* [a-z0-9_-], 2–32, unique in the bureau; fixed once created */
	json_t *names;           /* {"zh-CN": "…", "en": "…", …}: zh-CN required, ≤ 64 chars each */
	json_t *materials;       /* [m, …]: ≤ 30, each "…" or {"zh-CN": "…", "en": "…", …}
	                          * (zh-CN required), ≤ 100 chars a text; NULL = none */
	int64_t sla_hours;       /* 1 … 8760 */
	const char *clock_kind;  /* elapsed | working */
	int64_t approval_levels; /* 1 … 3 */
	bool pauses_on_applicant;
	bool active;
} lz_case_type_input;

typedef struct {
	int64_t id, bureau_id;
	char code[LZ_CASE_TYPE_CODE_MAX + 1];
	int64_t sla_hours;
	lz_clock_kind clock_kind;
	int approval_levels;
	bool pauses_on_applicant, active;
	char path[128]; /* of its bureau */
} lz_case_type;

/*
 * Reads a type from JSON {code, names, materials, sla_hours, clock_kind,
 * approval_levels, pauses_on_applicant, active}, refusing unknown keys and wrong
 * types and naming the field. 'in' borrows from 'obj'. bureau_id is left as is.
 */
int lz_case_type_input_from_json(lz_case_type_input *in, json_t *obj) LZ_MUST_USE;
/* Checks every field, naming the first bad one (LZ_EINVALID). */
int lz_case_type_validate(const lz_case_type_input *in) LZ_MUST_USE;
/* Creates a type in a bureau in scope. Requires LZ_PERM_CASE_TYPE_WRITE. Audited. */
int lz_case_type_create(int64_t *out_id, lz_ctx *ctx, const lz_case_type_input *in) LZ_MUST_USE;
/* Replaces every field but code and bureau. Same rules as create. Audited with before/after. */
int lz_case_type_update(lz_ctx *ctx, int64_t id, const lz_case_type_input *in) LZ_MUST_USE;
/* Reads a type: in scope for staff; active ones only for the public. */
int lz_case_type_get(lz_case_type *out, lz_ctx *ctx, int64_t id) LZ_MUST_USE;
int lz_case_type_get_json(json_t **out, lz_ctx *ctx, int64_t id) LZ_MUST_USE;
/*
 * Lists the types of one bureau (staff: in scope; public: any bureau, active only),
 * by code. *out is a JSON array the caller owns.
 */
int lz_case_type_list(json_t **out, lz_ctx *ctx, int64_t bureau_id, bool active_only) LZ_MUST_USE;

/*
 * The text of 'texts' — a type's names, or one material: an object of texts by
 * language tag, or a plain string for every language — in language 'lang': the
 * tag itself, then one of the same primary language ("fr-CA" reads "fr", "zh"
 * reads "zh-CN"), then "en", then "zh-CN" (tags compare ignoring case). Borrowed
 * from 'texts'; NULL when it holds none of them.
 */
const char *lz_case_type_text(const json_t *texts, const char *lang);
/*
 * A type as lz_case_type_get_json or lz_case_type_list give it, for a reader of
 * language 'lang' (see lz_case_type_text): "name" added, "materials" an array of
 * strings. 'names' and every other field are kept. Answers a new object (caller
 * owns); 'type' is not changed.
 */
json_t *lz_case_type_localize(const json_t *type, const char *lang);
/*
 * The name of type 'id' in language 'lang' (see lz_case_type_text), whatever the
 * type's state: for naming the type of a case the actor has already read (the
 * public status lookup answers it after lz_case_lookup). No scope check. 'out'
 * holds LZ_CASE_TYPE_NAME_BYTES. LZ_ENOTFOUND when there is no such type.
 */
int lz_case_type_name(char *out, lz_ctx *ctx, int64_t id, const char *lang) LZ_MUST_USE;

/* ---------------------------------------------------------------- cases */

typedef enum {
	LZ_CASE_RECEIVED = 1,
	LZ_CASE_ACCEPTED,
	LZ_CASE_ASSIGNED,
	LZ_CASE_IN_REVIEW,
	LZ_CASE_EVIDENCE_REQUESTED,
	LZ_CASE_DECIDED,
	LZ_CASE_CLOSED,
} lz_case_state;

typedef enum { LZ_CHANNEL_ONLINE = 1, LZ_CHANNEL_WINDOW, LZ_CHANNEL_PHONE, LZ_CHANNEL_PROXY } lz_case_channel;
typedef enum { LZ_OUTCOME_NONE = 0, LZ_OUTCOME_APPROVED, LZ_OUTCOME_REFUSED } lz_case_outcome;

const char *lz_case_state_name(int state);
const char *lz_case_channel_name(int channel);
const char *lz_case_outcome_name(int outcome);

#define LZ_CASE_NOTE_MAX 500
#define LZ_CASE_SUMMARY_MAX 500
#define LZ_CASE_RECEIPT_MAX 32
#define LZ_CASE_CODE_LEN 10

#define LZ_CASE_ATTACHMENTS_MAX 20

/* A file attached to an application: an evidence file of the case's bureau (stored
 * with lz_file_put_for_application or lz_file_put), and the material it shows. */
typedef struct {
	char sha256[65];
	int material;      /* 0-based place in the type's materials; -1 = another document */
	const char *name;  /* the file's name as this applicant gave it (≤ LZ_FILE_NAME_MAX
	                    * characters, no control characters); NULL or "" = the stored
	                    * file's name */
} lz_case_attachment;

typedef struct {
	int64_t type_id;
	const char *channel;    /* online (the public only) | window | phone | proxy (staff) */
	int64_t proxy_staff_id; /* proxy: the staff member who helps; 0 = the acting person */
	const char *name;       /* required, ≤ 64 characters */
	const char *id_number;  /* required: GB 11643 ID, or a passport number (5–20 A-Z 0-9) */
	const char *phone;      /* 7–20 digits (+, spaces, dashes allowed); optional */
	const char *email;      /* ≤ 254, one '@'; optional */
	const char *summary;    /* what is asked, ≤ 500 characters; optional */
	int nattachments;       /* files already stored for the type's bureau, each once */
	lz_case_attachment attachments[LZ_CASE_ATTACHMENTS_MAX];
} lz_case_input;

typedef struct {
	int64_t id;
	char receipt_no[LZ_CASE_RECEIPT_MAX];
	char check_code[LZ_CASE_CODE_LEN + 1]; /* shown once: only its hash is stored */
	int64_t due_at;
} lz_case_receipt;

/*
 * Receives a case of an active type. The public (LZ_PERM_CASE_APPLY) applies
 * online; staff (LZ_PERM_CASE_HANDLE, the type's bureau in scope) receive at the
 * window, by phone, or as proxy for an elderly or disabled applicant, recording
 * the staff member who helps. Writes the case, its first event and an audit entry.
 */
int lz_case_receive(lz_case_receipt *out, lz_ctx *ctx, const lz_case_input *in) LZ_MUST_USE;

/* Reads a case from JSON {type_id, channel, proxy_staff_id, name, id_number, phone,
 * email, summary}, refusing unknown keys and wrong types, naming the field. 'in'
 * borrows from 'obj'. The rules are checked by lz_case_receive. */
int lz_case_input_from_json(lz_case_input *in, json_t *obj) LZ_MUST_USE;

/* The transitions (see the diagram above). 'note' ≤ 500 characters, optional
 * unless said. Each requires LZ_PERM_CASE_HANDLE and the case in scope. */
int lz_case_accept(lz_ctx *ctx, int64_t id, const char *note) LZ_MUST_USE;
/* accepted → assigned; in assigned, in_review or evidence_requested it reassigns.
 * 'staff_id': an active staff member of the case's bureau. */
int lz_case_assign(lz_ctx *ctx, int64_t id, int64_t staff_id, const char *note) LZ_MUST_USE;
int lz_case_start_review(lz_ctx *ctx, int64_t id, const char *note) LZ_MUST_USE;
/* 'note' (what is needed from the applicant) is required. */
int lz_case_request_evidence(lz_ctx *ctx, int64_t id, const char *note) LZ_MUST_USE;
int lz_case_evidence_received(lz_ctx *ctx, int64_t id, const char *note) LZ_MUST_USE;
/*
 * Proposes the decision ("approved" | "refused"; 'reasons' required for a refusal,
 * ≤ 500) as approval level 1. Requires LZ_PERM_CASE_DECIDE and a person. Decides
 * the case when its type has one level.
 */
int lz_case_decide(lz_ctx *ctx, int64_t id, const char *outcome, const char *reasons) LZ_MUST_USE;
/* The next approval level of the pending proposal (see above). Requires
 * LZ_PERM_CASE_APPROVE and a person who has not approved it yet. */
int lz_case_approve(lz_ctx *ctx, int64_t id, bool agree, const char *note) LZ_MUST_USE;
int lz_case_close(lz_ctx *ctx, int64_t id, const char *note) LZ_MUST_USE;

/* A case's clock at an instant. */
typedef struct {
	int64_t used;      /* seconds of the type's clock counted */
	int64_t target;    /* sla_hours × 3600 */
	int64_t remaining; /* target - used (negative when over) */
	int64_t due_at;
	bool running, paused, overdue;
} lz_case_clock;

/*
 * The derived columns of a case, as replayed from its events: what the row should
 * hold. 'clock' is the clock at 'at' (0: now).
 */
typedef struct {
	int state, outcome;
	int64_t assignee_staff_id;
	int64_t clock_used, clock_mark, due_at, decided_at, clock_seconds, closed_at;
	bool paused;
	int event_count;
	lz_case_clock clock;
} lz_case_derived;

/*
 * Replays the events of a case in scope into *out. When 'write' is set, also
 * stores the derived columns (Requires LZ_PERM_CASE_HANDLE; audited when something
 * changed) and sets *changed (may be NULL).
 */
int lz_case_recompute(lz_case_derived *out, bool *changed, lz_ctx *ctx, int64_t id, bool write) LZ_MUST_USE;
/* Told of each case whose stored columns differed from its events (and were rewritten). */
typedef void lz_case_changed_fn(void *arg, int64_t id, const char *receipt_no);

/*
 * Recomputes every case of a bureau in scope and those below (0: the whole scope),
 * in pages, each case in its own write (after a calendar or target change, or to
 * check a store). *checked and *changed count them; 'on_changed' (may be NULL) is
 * told of each changed case. Requires LZ_PERM_CASE_HANDLE.
 */
int lz_case_recompute_all(int64_t *checked, int64_t *changed, lz_ctx *ctx, int64_t bureau_id,
                          lz_case_changed_fn *on_changed, void *arg) LZ_MUST_USE;

/* The derived columns as stored on the case row, with the clock at 'at' (0: now). */
int lz_case_stored(lz_case_derived *out, lz_ctx *ctx, int64_t id, int64_t at) LZ_MUST_USE;

/* The id of the case with receipt number 'receipt_no' in scope (LZ_ENOTFOUND
 * naming "receipt_no" otherwise, out of scope included). Requires LZ_PERM_CASE_READ. */
int lz_case_find_by_receipt(int64_t *out_id, lz_ctx *ctx, const char *receipt_no) LZ_MUST_USE;

/* One case in scope, masked, with its clock and events, as JSON (caller owns).
 * Requires LZ_PERM_CASE_READ. */
int lz_case_get_json(json_t **out, lz_ctx *ctx, int64_t id) LZ_MUST_USE;

/* The cases in scope of an applicant, by ID or passport number (blind index),
 * newest first, at most 50. Requires LZ_PERM_CASE_READ. */
int lz_case_find_by_applicant(json_t **out, lz_ctx *ctx, const char *id_number) LZ_MUST_USE;

/* ---------------------------------------------------------------- queries */

typedef struct {
	int64_t staff_id;  /* whose inbox; 0 = the acting person's */
	int64_t after_due; /* cursor: (due_at, id) of the last row seen, 0/0 to start */
	int64_t after_id;
	int limit; /* 1..200 */
} lz_case_inbox_query;

#define LZ_CASE_INBOX_QUERY_INIT                                                                             \
	{                                                                                                    \
		0, 0, 0, 50                                                                                  \
	}

/*
 * A person's open cases (not decided), ordered by due time then id, each with its
 * receipt, type, state, clock, due_at and overdue mark. The staff member must be in
 * scope. *out is {"items":[…],"next_cursor":"<due>.<id>"|null}. Reads one range of
 * the index service_case_inbox. Requires LZ_PERM_CASE_READ.
 */
int lz_case_inbox(json_t **out, lz_ctx *ctx, const lz_case_inbox_query *q) LZ_MUST_USE;
/* Reads a next_cursor of lz_case_inbox ("<due>.<id>") into q. LZ_EINVALID naming
 * "cursor" when it is not one. */
int lz_case_inbox_cursor(lz_case_inbox_query *q, const char *cursor) LZ_MUST_USE;

typedef struct {
	int64_t bureau_id;         /* that bureau (in scope) and those below; 0 = the actor's scope */
	const char *state;         /* a state name ("in_review"); NULL = any */
	int64_t type_id;           /* 0 = any */
	int64_t assignee_staff_id; /* 0 = any */
	int overdue;               /* -1 any, 0 not overdue, 1 overdue (the clock now) */
	int64_t from, to;          /* received in [from, to); 0 = no bound */
	int64_t after_received;    /* cursor: (received_at, id) of the last row read, 0/0 to start */
	int64_t after_id;
	int limit; /* 1..200 */
} lz_case_query;

#define LZ_CASE_QUERY_INIT                                                                                   \
	{                                                                                                    \
		0, NULL, 0, 0, -1, 0, 0, 0, 0, 50                                                            \
	}

/*
 * The cases in scope that match the filters, newest first (received_at DESC, id
 * DESC), each as the inbox shows it (receipt, type, state, clock, due_at, overdue)
 * with its bureau and assignee — nothing personal. *out is {"items":[…],
 * "next_cursor":"<received_at>.<id>"|null} (caller owns). A bureau out of scope is
 * LZ_ENOTFOUND naming bureau_id; a bad filter LZ_EINVALID naming it. Requires
 * LZ_PERM_CASE_READ.
 */
int lz_case_list(json_t **out, lz_ctx *ctx, const lz_case_query *q) LZ_MUST_USE;
/* Reads a next_cursor of lz_case_list into q. LZ_EINVALID naming "cursor" when it
 * is not one. */
int lz_case_list_cursor(lz_case_query *q, const char *cursor) LZ_MUST_USE;

/*
 * The bureaus that offer at least one active case type, by code: [{id, code, name,
 * parent_code}] (caller owns), for the public to choose where to apply. The public
 * actor, or LZ_PERM_CASE_READ.
 */
int lz_case_bureaus_offering(json_t **out, lz_ctx *ctx) LZ_MUST_USE;

/*
 * The public status of a case by receipt number and check code: receipt, type,
 * state, outcome, reasons (refusals), received_at, due_at, decided_at — nothing
 * personal. A wrong code and an unknown receipt are the same LZ_ENOTFOUND after the
 * same work (the code is always hashed and compared). Requires LZ_PERM_CASE_LOOKUP
 * or LZ_PERM_CASE_READ. Guessing is bounded by the code's 50 bits and by the
 * shell, which throttles lookups per client address (429) before calling this.
 */
int lz_case_lookup(json_t **out, lz_ctx *ctx, const char *receipt_no, const char *check_code) LZ_MUST_USE;

/* The k-th smallest (k = ceil(permille·n/1000), at least 1) of n sorted values; 0 for n = 0. */
int64_t lz_nearest_rank(const int64_t *sorted, size_t n, int permille);
/* The index (0-based) that lz_nearest_rank reads. */
size_t lz_nearest_rank_index(size_t n, int permille);

typedef struct {
	int64_t bureau_id; /* that bureau and those below; 0 = the actor's scope */
	int64_t type_id;   /* 0 = every type */
	int64_t from, to;  /* the period [from, to): decisions and receipts in it */
} lz_case_stats_query;

/*
 * Processing-time statistics for a period, per type and in total:
 * decided (count), median, p80, p93 (nearest rank, seconds of the type's clock at
 * decision), within_target (count and per-mille share), received (in the period),
 * pending (received before the end of the period and not decided by then, as of
 * min(now, to)) with age buckets (elapsed days since receipt: <7, 7–30, 30–90,
 * ≥90), monthly_receipts (received × 30 days ÷ days of the period) and cycle_months
 * (pending ÷ monthly receipts), and for the percentiles the id of the case at that
 * rank. Each figure names its drill-down ("decided", "within_target",
 * "over_target", "pending", "pending_age_0".."pending_age_3", "received") for
 * lz_case_stats_cases. The statistics read the index service_case_decided (the
 * decided cases of each bureau in scope, one range each) and select the ranks in memory.
 * Requires LZ_PERM_CASE_READ; the public may read them too (published figures),
 * over every bureau, without drill-down.
 */
int lz_case_stats(json_t **out, lz_ctx *ctx, const lz_case_stats_query *q) LZ_MUST_USE;

/*
 * The cases behind one figure of lz_case_stats (same query), by id after
 * 'after_id', at most 'limit' (1..200): {"items":[{id, receipt_no, type_id,
 * clock_seconds, …}], "next_cursor": id|null}. Requires LZ_PERM_CASE_READ.
 */
int lz_case_stats_cases(json_t **out, lz_ctx *ctx, const lz_case_stats_query *q, const char *figure,
                        int64_t after_id, int limit) LZ_MUST_USE;

/*
 * A staff member's page: open cases, of which overdue, and the median clock at
 * decision of the cases they were assigned when decided within [from, to).
 * Requires LZ_PERM_CASE_READ; the staff member in scope.
 */
int lz_case_staff_page(json_t **out, lz_ctx *ctx, int64_t staff_id, int64_t from, int64_t to) LZ_MUST_USE;

#endif
