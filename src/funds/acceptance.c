/*
 * acceptance.c — on-site acceptance of a project's stages (验收, 实地核查).
 *
 * A stage is accepted in three steps, each recorded by a person:
 *   1. the materials review (a note);
 *   2. an on-site inspection: who, when, where (within the site's radius), the
 *      verified completion (0–100 %), findings, and evidence files (stored, by hash);
 *   3. two signatures on that inspection by two different people, neither the
 *      project's owner. The second signature accepts the stage.
 * Signing without an inspection is refused with a message that says why: the case
 * luzhi exists for is a stage "accepted" on paper by people who never went there.
 *
 * Invariants kept here:
 * - An accepted stage is final: no more inspections or signatures.
 * - A later inspection supersedes an earlier one; signatures count on the latest.
 * - lz_funds__stage_gate recomputes all of it from the stored rows (not from the
 *   stage's accepted flag), so that payment approval trusts nothing but the records.
 * - Distances use double-precision geometry; nothing here touches money but the
 *   payable amount, which is integer arithmetic (lz_funds__stage_payable).
 */
#include "funds/funds_int.h"

#include "audit/audit.h"
#include "auth/auth.h"
#include "base/buf.h"
#include "base/json.h"
#include "files/files.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

enum {
	Q_MATERIALS,
	Q_LATEST_INSPECTION,
	Q_INSPECTION_GET,
	Q_INSPECTION_PCT,
	Q_INSPECTION_INSERT,
	Q_EVIDENCE_INSERT,
	Q_EVIDENCE_COUNT,
	Q_SIGNED,
	Q_SIGN_INSERT,
	Q_SIGNERS,
	Q_OWNER_SIGNED,
	Q_ACCEPT,
};

static const char *const sql[] = {
    [Q_MATERIALS] = "UPDATE project_stage SET materials_note = ?, materials_by = ?, materials_at = ? "
                    "WHERE id = ? AND materials_at IS NULL RETURNING id",
    [Q_LATEST_INSPECTION] = "SELECT COALESCE(MAX(id), 0) FROM inspection WHERE stage_id = ?",
    [Q_INSPECTION_GET] = "SELECT lat, lon, completion_pct FROM inspection WHERE id = ? AND stage_id = ?",
    [Q_INSPECTION_PCT] = "SELECT completion_pct FROM inspection WHERE id = ? AND stage_id = ?",
    [Q_INSPECTION_INSERT] =
        "INSERT INTO inspection(bureau_id, project_id, stage_id, inspector_staff_id, "
        "inspector_user_id, inspected_at, lat, lon, distance_m, completion_pct, findings, "
        "recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    [Q_EVIDENCE_INSERT] =
        "INSERT INTO inspection_evidence(bureau_id, inspection_id, sha256) VALUES (?, ?, ?)",
    [Q_EVIDENCE_COUNT] = "SELECT COUNT(*) FROM inspection_evidence WHERE inspection_id = ?",
    [Q_SIGNED] = "SELECT COUNT(*) FROM acceptance_signature WHERE inspection_id = ? AND staff_id = ?",
    [Q_SIGN_INSERT] =
        "INSERT INTO acceptance_signature(bureau_id, project_id, stage_id, inspection_id, staff_id, "
        "user_id, signed_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
    [Q_SIGNERS] = "SELECT COUNT(DISTINCT staff_id) FROM acceptance_signature "
                  "WHERE inspection_id = ? AND stage_id = ? AND staff_id <> ?",
    [Q_OWNER_SIGNED] = "SELECT COUNT(*) FROM acceptance_signature WHERE inspection_id = ? AND staff_id = ?",
    [Q_ACCEPT] = "UPDATE project_stage SET accepted_inspection_id = ?, verified_pct = ?, accepted_at = ? "
                 "WHERE id = ? AND accepted_inspection_id IS NULL RETURNING id",
};

#define NO_INSPECTION "no on-site inspection is recorded for this stage: acceptance needs someone to go there"

/* ---------------------------------------------------------------- geometry */

int64_t lz_geo_distance_m(int64_t lat1, int64_t lon1, int64_t lat2, int64_t lon2)
{
	const double r = 6371008.8; /* the mean Earth radius, metres */
	const double rad = M_PI / 180.0 / 1e6;
	double p1 = (double)lat1 * rad, p2 = (double)lat2 * rad;
	double dp = (double)(lat2 - lat1) * rad, dl = (double)(lon2 - lon1) * rad;
	double a = sin(dp / 2) * sin(dp / 2) + cos(p1) * cos(p2) * sin(dl / 2) * sin(dl / 2);

	if (a > 1)
		a = 1;
	return (int64_t)ceil(2 * r * asin(sqrt(a)));
}

/* ---------------------------------------------------------------- the gate */

int lz_funds__stage_gate(int64_t *out_payable, lz_conn *conn, const lz_funds_project_row *p,
                         const lz_funds_stage_row *st)
{
	lz_stmt *s = NULL;
	int64_t lat = 0, lon = 0, pct = 0, evidence = 0, signers = 0, owner_signed = 0, distance;
	int error;

	*out_payable = 0;
	if (!st->accepted_inspection_id)
		return lz_error_set(LZ_ECONFLICT, "stage_id", "stage %lld of the project is not accepted",
		                    (long long)st->seq);
	if ((error = lz_stmt_prepare(&s, conn, sql[Q_INSPECTION_GET])) < 0)
		return error;
	if ((error = lz_stmt_bindv(s, "ii", st->accepted_inspection_id, st->id)) == 0 &&
	    (error = lz_stmt_step(s)) == LZ_ROW) {
		lat = lz_stmt_int(s, 0);
		lon = lz_stmt_int(s, 1);
		pct = lz_stmt_int(s, 2);
		error = 0;
	} else if (error == LZ_DONE) {
		error = lz_error_set(LZ_ECONFLICT, "stage_id", NO_INSPECTION);
	}
	lz_stmt_finish(s);
	if (error < 0)
		return error;
	distance = lz_geo_distance_m(p->site_lat, p->site_lon, lat, lon);
	if (distance > p->site_radius_m)
		return lz_error_set(
		    LZ_ECONFLICT, "stage_id",
		    "the stage's inspection was made %lld m from the site, outside its radius of %lld m",
		    (long long)distance, (long long)p->site_radius_m);
	if ((error = lz_exec_int(&evidence, conn, sql[Q_EVIDENCE_COUNT], true, "i",
	                         st->accepted_inspection_id)) < 0 ||
	    (error = lz_exec_int(&signers, conn, sql[Q_SIGNERS], true, "iii", st->accepted_inspection_id,
	                         st->id, p->owner_staff_id)) < 0 ||
	    (error = lz_exec_int(&owner_signed, conn, sql[Q_OWNER_SIGNED], true, "ii",
	                         st->accepted_inspection_id, p->owner_staff_id)) < 0)
		return error;
	if (evidence < 1)
		return lz_error_set(LZ_ECONFLICT, "stage_id", "the stage's inspection has no evidence files");
	if (owner_signed)
		return lz_error_set(LZ_ECONFLICT, "stage_id",
		                    "the project's owner signed the stage's acceptance");
	if (signers < 2)
		return lz_error_set(LZ_ECONFLICT, "stage_id",
		                    "the stage's acceptance needs two signatures by two different people");
	*out_payable = lz_funds__stage_payable(p->budget_fen, st->share_bp, pct);
	return 0;
}

/* ---------------------------------------------------------------- common steps */

/* Loads a stage and its project (in scope) for a write, refusing an accepted stage. */
static int load_open_stage(lz_funds_stage_row *st, lz_funds_project_row *p, lz_ctx *ctx, int64_t stage_id)
{
	int error;

	if ((error = lz_funds__stage_load(st, ctx->conn, stage_id, NULL)) < 0)
		return error;
	if ((error = lz_funds__project_load(p, ctx, ctx->conn, st->project_id, NULL)) < 0)
		return lz_funds__not_found(NULL, "stage", stage_id);
	if (st->accepted_inspection_id)
		return lz_error_set(LZ_ECONFLICT, NULL, "stage %lld is already accepted", (long long)st->seq);
	return 0;
}

static json_t *stage_state(const lz_funds_stage_row *st)
{
	return json_pack(
	    "{sI sI sI sb sI sI}", "stage_id", (json_int_t)st->id, "project_id", (json_int_t)st->project_id,
	    "seq", (json_int_t)st->seq, "materials_reviewed", st->materials_at != 0, "accepted_inspection_id",
	    (json_int_t)st->accepted_inspection_id, "verified_pct", (json_int_t)st->verified_pct);
}

/* ---------------------------------------------------------------- materials */

int lz_stage_review_materials(lz_ctx *ctx, int64_t stage_id, const char *note)
{
	lz_write tx = LZ_WRITE_INIT;
	lz_funds_stage_row st;
	lz_funds_project_row p;
	json_t *before = NULL, *after = NULL;
	int64_t person, got = 0;
	int error;

	if ((error = lz_auth_require(ctx, LZ_PERM_INSPECT)) < 0 ||
	    (error = lz_text_check("note", note, true, LZ_FUNDS_TEXT_MAX, 0)) < 0)
		goto done;
	if ((error = lz_write_begin(&tx, ctx)) < 0 ||
	    (error = lz_funds__person(&person, ctx, "review materials")) < 0 ||
	    (error = load_open_stage(&st, &p, ctx, stage_id)) < 0)
		goto done;
	if ((error = lz_exec_int(&got, ctx->conn, sql[Q_MATERIALS], false, "tiii", note, person,
	                         lz_ctx_now(ctx), stage_id)) < 0)
		goto done;
	if (got != stage_id) {
		error = lz_error_set(LZ_ECONFLICT, NULL, "the materials of stage %lld were reviewed already",
		                     (long long)st.seq);
		goto done;
	}
	before = stage_state(&st);
	if ((error = lz_funds__stage_load(&st, ctx->conn, stage_id, NULL)) < 0)
		goto done;
	after = stage_state(&st);
	error = lz_audit_append(ctx, "stage.review_materials", "project_stage", stage_id, st.bureau_id,
	                        before, after);
done:
	error = lz_write_end(&tx, ctx, error);
	json_decref(before);
	json_decref(after);
	return error;
}

/* ---------------------------------------------------------------- inspections */

static bool is_hash(const char *s)
{
	if (!s || strlen(s) != 64)
		return false;
	for (int i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

int lz_inspection_input_from_json(lz_inspection_input *in, json_t *obj)
{
	static const char *const known[] = {"inspected_at", "lat",      "lon", "completion_pct",
	                                    "findings",     "evidence", NULL};
	const char *at = NULL;
	json_t *ev, *h;
	size_t i;
	int error;

	memset(in, 0, sizeof(*in));
	if ((error = lz_json_only(obj, known)) < 0 ||
	    (error = lz_json_str(&at, obj, "inspected_at", true, 40)) < 0 ||
	    (error = lz_json_int(&in->lat, NULL, obj, "lat", true)) < 0 ||
	    (error = lz_json_int(&in->lon, NULL, obj, "lon", true)) < 0 ||
	    (error = lz_json_int(&in->completion_pct, NULL, obj, "completion_pct", true)) < 0 ||
	    (error = lz_json_str(&in->findings, obj, "findings", true, LZ_FUNDS_TEXT_MAX)) < 0)
		return error;
	if (lz_time_parse(&in->inspected_at, at) < 0)
		return lz_error_set(LZ_EINVALID, "inspected_at", "inspected_at must be an RFC 3339 time");
	ev = json_object_get(obj, "evidence");
	if (!json_is_array(ev) || json_array_size(ev) == 0)
		return lz_error_set(LZ_EINVALID, "evidence",
		                    "evidence must list at least one file's SHA-256");
	if (json_array_size(ev) > LZ_EVIDENCE_MAX)
		return lz_error_set(LZ_EINVALID, "evidence", "an inspection has at most %d evidence files",
		                    LZ_EVIDENCE_MAX);
	json_array_foreach(ev, i, h)
	{
		if (!json_is_string(h))
			return lz_error_set(LZ_EINVALID, "evidence",
			                    "each evidence entry is a SHA-256 in hex");
		in->evidence[i] = json_string_value(h);
	}
	in->nevidence = json_array_size(ev);
	return 0;
}

static int check_inspection(const lz_ctx *ctx, const lz_inspection_input *in)
{
	int error;

	if (in->inspected_at <= 0 || in->inspected_at > lz_ctx_now(ctx))
		return lz_error_set(LZ_EINVALID, "inspected_at", "inspected_at must be a past time");
	if (in->lat < -90000000 || in->lat > 90000000)
		return lz_error_set(LZ_EINVALID, "lat",
		                    "lat must be between -90000000 and 90000000 micro-degrees");
	if (in->lon < -180000000 || in->lon > 180000000)
		return lz_error_set(LZ_EINVALID, "lon",
		                    "lon must be between -180000000 and 180000000 micro-degrees");
	if (in->completion_pct < 0 || in->completion_pct > 100)
		return lz_error_set(LZ_EINVALID, "completion_pct",
		                    "completion_pct must be between 0 and 100");
	if ((error = lz_text_check("findings", in->findings, true, LZ_FUNDS_TEXT_MAX, 0)) < 0)
		return error;
	if (in->nevidence < 1 || in->nevidence > LZ_EVIDENCE_MAX)
		return lz_error_set(LZ_EINVALID, "evidence", "an inspection has 1 to %d evidence files",
		                    LZ_EVIDENCE_MAX);
	for (size_t i = 0; i < in->nevidence; i++) {
		if (!is_hash(in->evidence[i]))
			return lz_error_set(LZ_EINVALID, "evidence",
			                    "evidence must be SHA-256 hashes in lower-case hex");
		for (size_t j = 0; j < i; j++)
			if (strcmp(in->evidence[i], in->evidence[j]) == 0)
				return lz_error_set(LZ_EINVALID, "evidence",
				                    "the same evidence file is listed twice");
	}
	return 0;
}

int lz_inspection_record(int64_t *out_id, lz_ctx *ctx, int64_t stage_id, const lz_inspection_input *in)
{
	lz_write tx = LZ_WRITE_INIT;
	lz_funds_stage_row st;
	lz_funds_project_row p;
	json_t *after = NULL;
	int64_t person, id = 0, distance;
	int error;

	if (out_id)
		*out_id = 0;
	if ((error = lz_auth_require(ctx, LZ_PERM_INSPECT)) < 0 || (error = check_inspection(ctx, in)) < 0)
		goto done;
	if ((error = lz_write_begin(&tx, ctx)) < 0 ||
	    (error = lz_funds__person(&person, ctx, "inspect a site")) < 0 ||
	    (error = load_open_stage(&st, &p, ctx, stage_id)) < 0)
		goto done;
	distance = lz_geo_distance_m(p.site_lat, p.site_lon, in->lat, in->lon);
	if (distance > p.site_radius_m) {
		error = lz_error_set(
		    LZ_ECONFLICT, "lat",
		    "the inspection's location is %lld m from the site, outside its radius of %lld m",
		    (long long)distance, (long long)p.site_radius_m);
		goto done;
	}
	for (size_t i = 0; i < in->nevidence; i++) {
		bool exists = false;
		if ((error = lz_file_exists(&exists, ctx, p.bureau_id, in->evidence[i])) < 0)
			goto done;
		if (!exists) {
			error = lz_error_set(LZ_ECONFLICT, "evidence",
			                     "evidence file %.12s… is not stored: upload it first",
			                     in->evidence[i]);
			goto done;
		}
	}
	if ((error = lz_exec_int(&id, ctx->conn, sql[Q_INSPECTION_INSERT], true, "iiiiiiiiiiti", p.bureau_id,
	                         p.id, stage_id, person, ctx->actor.user_id, in->inspected_at, in->lat,
	                         in->lon, distance, in->completion_pct, in->findings, lz_ctx_now(ctx))) < 0)
		goto done;
	for (size_t i = 0; i < in->nevidence; i++)
		if ((error = lz_exec_int(NULL, ctx->conn, sql[Q_EVIDENCE_INSERT], false, "iit", p.bureau_id,
		                         id, in->evidence[i])) < 0)
			goto done;
	after = json_pack("{sI sI sI sI so sI sI sI sI ss}", "id", (json_int_t)id, "stage_id",
	                  (json_int_t)stage_id, "project_id", (json_int_t)p.id, "inspector_staff_id",
	                  (json_int_t)person, "inspected_at", lz_json_time(in->inspected_at), "lat",
	                  (json_int_t)in->lat, "lon", (json_int_t)in->lon, "distance_m", (json_int_t)distance,
	                  "completion_pct", (json_int_t)in->completion_pct, "findings", in->findings);
	error = lz_audit_append(ctx, "inspection.record", "inspection", id, p.bureau_id, NULL, after);
done:
	error = lz_write_end(&tx, ctx, error);
	if (error == 0 && out_id)
		*out_id = id;
	json_decref(after);
	return error;
}

/* ---------------------------------------------------------------- signatures */

/* After a signature: accepts the stage when its latest inspection has two signers. */
static int maybe_accept(bool *accepted, lz_ctx *ctx, const lz_funds_project_row *p, lz_funds_stage_row *st,
                        int64_t inspection_id)
{
	json_t *before = NULL, *after = NULL;
	int64_t signers = 0, pct = 0, got = 0, payable = 0;
	int error;

	*accepted = false;
	if ((error = lz_exec_int(&signers, ctx->conn, sql[Q_SIGNERS], true, "iii", inspection_id, st->id,
	                         p->owner_staff_id)) < 0)
		return error;
	if (signers < 2)
		return 0;
	/* The latest inspection exists: the signatures were made on it. */
	if ((error = lz_exec_int(&pct, ctx->conn, sql[Q_INSPECTION_PCT], true, "ii", inspection_id, st->id)) <
	    0)
		return error;
	before = stage_state(st);
	if ((error = lz_exec_int(&got, ctx->conn, sql[Q_ACCEPT], false, "iiii", inspection_id, pct,
	                         lz_ctx_now(ctx), st->id)) < 0)
		goto done;
	if (got != st->id) {
		error =
		    lz_error_set(LZ_ECONFLICT, NULL, "stage %lld is already accepted", (long long)st->seq);
		goto done;
	}
	/* The records must now pass the very gate that payments check. */
	if ((error = lz_funds__stage_load(st, ctx->conn, st->id, NULL)) < 0 ||
	    (error = lz_funds__stage_gate(&payable, ctx->conn, p, st)) < 0)
		goto done;
	after = stage_state(st);
	if ((error = lz_audit_append(ctx, "stage.accept", "project_stage", st->id, st->bureau_id, before,
	                             after)) < 0 ||
	    (error = lz_funds__ledger(NULL, ctx, p->bureau_id, "acceptance",
	                              json_pack("{sI sI sI sI sI}", "project_id", (json_int_t)p->id,
	                                        "stage_id", (json_int_t)st->id, "inspection_id",
	                                        (json_int_t)inspection_id, "verified_pct", (json_int_t)pct,
	                                        "payable_fen", (json_int_t)payable))) < 0)
		goto done;
	*accepted = true;
done:
	json_decref(before);
	json_decref(after);
	return error;
}

int lz_acceptance_sign(bool *out_accepted, lz_ctx *ctx, int64_t stage_id)
{
	lz_write tx = LZ_WRITE_INIT;
	lz_funds_stage_row st;
	lz_funds_project_row p;
	json_t *after = NULL;
	int64_t person, inspection_id = 0, signed_before = 0, id = 0;
	bool accepted = false;
	int error;

	if (out_accepted)
		*out_accepted = false;
	if ((error = lz_auth_require(ctx, LZ_PERM_ACCEPT_SIGN)) < 0)
		goto done;
	if ((error = lz_write_begin(&tx, ctx)) < 0 ||
	    (error = lz_funds__person(&person, ctx, "sign acceptance")) < 0 ||
	    (error = load_open_stage(&st, &p, ctx, stage_id)) < 0)
		goto done;
	if (!st.materials_at) {
		error = lz_error_set(
		    LZ_ECONFLICT, NULL,
		    "the materials of this stage have not been reviewed: review them before signing");
		goto done;
	}
	if ((error = lz_exec_int(&inspection_id, ctx->conn, sql[Q_LATEST_INSPECTION], true, "i", stage_id)) <
	    0)
		goto done;
	if (!inspection_id) {
		error = lz_error_set(LZ_ECONFLICT, NULL, NO_INSPECTION);
		goto done;
	}
	if (person == p.owner_staff_id) {
		error = lz_error_set(LZ_ECONFLICT, NULL, "the project's owner may not sign its acceptance");
		goto done;
	}
	if ((error = lz_exec_int(&signed_before, ctx->conn, sql[Q_SIGNED], true, "ii", inspection_id,
	                         person)) < 0)
		goto done;
	if (signed_before) {
		error = lz_error_set(
		    LZ_ECONFLICT, NULL,
		    "you have signed this acceptance already: the second signature must be someone else's");
		goto done;
	}
	if ((error = lz_exec_int(&id, ctx->conn, sql[Q_SIGN_INSERT], true, "iiiiiii", p.bureau_id, p.id,
	                         stage_id, inspection_id, person, ctx->actor.user_id, lz_ctx_now(ctx))) < 0)
		goto done;
	after = json_pack("{sI sI sI sI}", "stage_id", (json_int_t)stage_id, "project_id", (json_int_t)p.id,
	                  "inspection_id", (json_int_t)inspection_id, "staff_id", (json_int_t)person);
	if ((error = lz_audit_append(ctx, "acceptance.sign", "acceptance_signature", id, p.bureau_id, NULL,
	                             after)) < 0 ||
	    (error = maybe_accept(&accepted, ctx, &p, &st, inspection_id)) < 0)
		goto done;
done:
	error = lz_write_end(&tx, ctx, error);
	if (error == 0 && out_accepted)
		*out_accepted = accepted;
	json_decref(after);
	return error;
}
