/*
 * complaint.h — complaints (投诉) about a case, a staff member or a bureau: filed by
 * the public at the portal or taken by staff at the window or on the phone,
 * categorised, assigned, replied to within a target, and followed up with the
 * complainant's satisfaction; with the analytics that show where complaints come
 * from (35% from cumbersome procedures was the figure that started it).
 *
 * Rules and the readings chosen:
 * - Categories: cumbersome_procedure, delay, attitude, corruption, policy, other.
 * - A complaint belongs to one bureau: the case's when a case is linked, else the
 *   staff member's, else the bureau named. A bureau given with a case or staff
 *   member must be theirs. The public links its own case by receipt number and
 *   check code (a wrong pair is the lookup's LZ_ENOTFOUND); staff link by case id.
 * - The handling target is 17:00 local on the 20th working day after the day of
 *   receipt, on the bureau's working calendar (cases.h).
 * - States: received → assigned → replied. Replying needs an assigned complaint
 *   and is done by a person with LZ_PERM_COMPLAINT_HANDLE; satisfaction (1–5) is
 *   recorded once, after the reply, by a handler (the follow-up call, 回访).
 *   Actions out of order are LZ_ECONFLICT naming the state.
 * - The complainant's name and phone are sealed; the phone is also kept as a blind
 *   index. A complaint is a repeat when an earlier complaint came from the same
 *   phone (blind index) or is about the same case; repeat_of names the earliest.
 * - Anonymous complaints are allowed (corruption reports often are).
 * - Tenancy is org's; audit entries carry no contact data.
 */
#ifndef LZ_CASES_COMPLAINT_H
#define LZ_CASES_COMPLAINT_H

#include "core/ctx.h"

#include <jansson.h>

#define LZ_COMPLAINT_TARGET_WORKING_DAYS 20
#define LZ_COMPLAINT_TEXT_MAX 2000

typedef struct {
	const char *category;   /* required, see above */
	int64_t bureau_id;      /* the bureau complained about; see above */
	int64_t case_id;        /* staff: a case in scope; 0 = none */
	const char *receipt_no; /* the public: its case, with check_code; NULL = none */
	const char *check_code;
	int64_t staff_id;          /* a staff member of the bureau; 0 = none */
	const char *description;   /* required, ≤ 2000 characters */
	const char *contact_name;  /* optional, ≤ 64 */
	const char *contact_phone; /* optional, 7–20 digits */
} lz_complaint_input;

typedef struct {
	int64_t id;
	int64_t due_at;
	int64_t repeat_of; /* 0 when not a repeat */
} lz_complaint_receipt;

/* Files a complaint. The public (LZ_PERM_COMPLAINT_FILE) or staff with it (the
 * bureau in scope). Audited. */
int lz_complaint_file(lz_complaint_receipt *out, lz_ctx *ctx, const lz_complaint_input *in) LZ_MUST_USE;
/* Reads a complaint from JSON {category, bureau_id, case_id, receipt_no,
 * check_code, staff_id, description, contact_name, contact_phone}, refusing
 * unknown keys and wrong types. 'in' borrows from 'obj'. */
int lz_complaint_input_from_json(lz_complaint_input *in, json_t *obj) LZ_MUST_USE;
/* received or assigned → assigned to an active staff member of the complaint's
 * bureau. Requires LZ_PERM_COMPLAINT_HANDLE. Audited. */
int lz_complaint_assign(lz_ctx *ctx, int64_t id, int64_t staff_id) LZ_MUST_USE;
/* assigned → replied ('reply' required, ≤ 2000). A person with LZ_PERM_COMPLAINT_HANDLE. */
int lz_complaint_reply(lz_ctx *ctx, int64_t id, const char *reply) LZ_MUST_USE;
/* Records the complainant's satisfaction (1–5) on a replied complaint, once. */
int lz_complaint_rate(lz_ctx *ctx, int64_t id, int satisfaction) LZ_MUST_USE;
/* One complaint in scope, the contact masked. Requires LZ_PERM_COMPLAINT_HANDLE. */
int lz_complaint_get_json(json_t **out, lz_ctx *ctx, int64_t id) LZ_MUST_USE;

typedef struct {
	int64_t bureau_id;    /* and below; 0 = the scope */
	const char *state;    /* received | assigned | replied; NULL = any */
	const char *category; /* NULL = any */
	const char *cursor;   /* next_cursor of the page before; NULL = the first page */
	int limit;            /* 1..200 */
} lz_complaint_query;

#define LZ_COMPLAINT_QUERY_INIT                                                                              \
	{                                                                                                    \
		0, NULL, NULL, NULL, 50                                                                      \
	}

/* Complaints in scope as a queue: the open ones first by due time (the most urgent
 * at the top), then the replied ones; each with due_at and an overdue mark. *out is
 * {"items":[…],"next_cursor":"…"|null}. Requires LZ_PERM_COMPLAINT_HANDLE. */
int lz_complaint_list(json_t **out, lz_ctx *ctx, const lz_complaint_query *q) LZ_MUST_USE;

/*
 * Figures over the complaints received in [from, to) in a bureau and below (0:
 * the scope): total; per category (count, per-mille share); per bureau; per local
 * month ("2026-10"); repeats; replied, replied on time, and satisfaction (count,
 * sum, and count per score). Requires LZ_PERM_COMPLAINT_HANDLE.
 */
int lz_complaint_analytics(json_t **out, lz_ctx *ctx, int64_t bureau_id, int64_t from,
                           int64_t to) LZ_MUST_USE;

const char *lz_complaint_category_name(int category);

#endif
