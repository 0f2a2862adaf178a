/*
 * project.c — resettlement projects (移民项目) and their stages (阶段).
 *
 * Invariants kept here:
 * - A project has a site (a point in micro-degrees and a radius in metres), a budget
 *   in fen, an owner who is a staff member of its bureau, a contractor (the payee of
 *   its payments) and a funding allocation held by its bureau.
 * - Its stages' shares of the budget are basis points that sum to exactly 10000, so
 *   that what accepted stages make payable never exceeds the budget.
 * - Projects and stages are written once; what happens to a stage afterwards
 *   (materials review, inspections, signatures) is recorded by acceptance.c.
 */
#include "base/buf.h"
#include "funds/funds_int.h"

#include "audit/audit.h"
#include "auth/auth.h"
#include "base/json.h"
#include "org/org.h"

#include <stdio.h>
#include <string.h>

enum {
	Q_PROJECT_GET,
	Q_PROJECT_TEXT,
	Q_PROJECT_INSERT,
	Q_STAGE_INSERT,
	Q_STAGE_GET,
	Q_STAGE_LIST,
	Q_STAGE_BY_SEQ,
	Q_STAFF_BUREAU,
	Q_PROJECT_APPROVED,
	Q_STAGE_INSPECTION,
	Q_INSPECTION_EVIDENCE,
	Q_INSPECTION_SIGNATURES,
};

#define PROJECT_COLS                                                                                         \
	"p.id, p.bureau_id, p.kind, p.site_lat, p.site_lon, p.site_radius_m, p.budget_fen, "                 \
	"p.owner_staff_id, "                                                                                 \
	"p.allocation_id, p.contractor, b.path "
#define STAGE_COLS                                                                                           \
	"id, bureau_id, project_id, seq, share_bp, COALESCE(materials_at, 0), "                              \
	"COALESCE(accepted_inspection_id, 0), COALESCE(verified_pct, 0), COALESCE(accepted_at, 0) "

static const char *const sql[] = {
    [Q_PROJECT_GET] =
        "SELECT " PROJECT_COLS "FROM project p JOIN bureau b ON b.id = p.bureau_id WHERE p.id = ?",
    [Q_PROJECT_TEXT] = "SELECT name, created_at FROM project WHERE id = ?",
    [Q_PROJECT_INSERT] =
        "INSERT INTO project(bureau_id, name, kind, site_lat, site_lon, site_radius_m, budget_fen, "
        "owner_staff_id, contractor, allocation_id, created_by, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    [Q_STAGE_INSERT] = "INSERT INTO project_stage(bureau_id, project_id, seq, name, criteria, share_bp) "
                       "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    [Q_STAGE_GET] = "SELECT " STAGE_COLS "FROM project_stage WHERE id = ?",
    [Q_STAGE_LIST] = "SELECT " STAGE_COLS ", name, criteria, COALESCE(materials_note, '') "
                     "FROM project_stage WHERE project_id = ? ORDER BY seq",
    [Q_STAGE_BY_SEQ] = "SELECT id FROM project_stage WHERE project_id = ? AND seq = ?",
    [Q_STAFF_BUREAU] = "SELECT bureau_id FROM staff WHERE id = ?",
    [Q_PROJECT_APPROVED] = "SELECT COALESCE(SUM(amount_fen), 0) FROM payment WHERE project_id = ? "
                           "AND status IN (2, 3)",
    /* The latest inspection of a stage (the one signatures count on), its evidence
     * and its signatures. */
    [Q_STAGE_INSPECTION] =
        "SELECT i.id, i.inspector_staff_id, s.name, i.inspected_at, i.lat, i.lon, i.distance_m, "
        "i.completion_pct, i.findings FROM inspection i JOIN staff s ON s.id = i.inspector_staff_id "
        "WHERE i.stage_id = ? ORDER BY i.id DESC LIMIT 1",
    [Q_INSPECTION_EVIDENCE] = "SELECT sha256 FROM inspection_evidence WHERE inspection_id = ? ORDER BY id",
    [Q_INSPECTION_SIGNATURES] = "SELECT a.staff_id, s.name, a.signed_at FROM acceptance_signature a JOIN "
                                "staff s ON s.id = a.staff_id "
                                "WHERE a.inspection_id = ? ORDER BY a.id",
};

#define RADIUS_MAX 50000
#define STAGE_NAME_MAX 64

static const char *const kind_names[] = {
    [1] = "infrastructure",
    [2] = "housing",
    [3] = "production_support",
};

#define KIND_COUNT (sizeof(kind_names) / sizeof(kind_names[0]))

static const char *kind_name(int64_t k)
{
	return k > 0 && (size_t)k < KIND_COUNT ? kind_names[k] : "unknown";
}

static int kind_parse(int64_t *out, const char *s)
{
	for (size_t i = 1; s && i < KIND_COUNT; i++)
		if (strcmp(kind_names[i], s) == 0) {
			*out = (int64_t)i;
			return 0;
		}
	return lz_error_set(LZ_EINVALID, "kind",
	                    "kind must be infrastructure, housing or production_support");
}

/* ---------------------------------------------------------------- loading */

int lz_funds__project_load(lz_funds_project_row *out, lz_ctx *ctx, lz_conn *conn, int64_t id,
                           const char *field)
{
	lz_stmt *s;
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = lz_stmt_prepare(&s, conn, sql[Q_PROJECT_GET])) < 0)
		return error;
	if ((error = lz_stmt_bindv(s, "i", id)) == 0 && (error = lz_stmt_step(s)) == LZ_ROW) {
		out->id = lz_stmt_int(s, 0);
		out->bureau_id = lz_stmt_int(s, 1);
		out->kind = lz_stmt_int(s, 2);
		out->site_lat = lz_stmt_int(s, 3);
		out->site_lon = lz_stmt_int(s, 4);
		out->site_radius_m = lz_stmt_int(s, 5);
		out->budget_fen = lz_stmt_int(s, 6);
		out->owner_staff_id = lz_stmt_int(s, 7);
		out->allocation_id = lz_stmt_int(s, 8);
		snprintf(out->contractor, sizeof(out->contractor), "%s", lz_stmt_text(s, 9));
		snprintf(out->path, sizeof(out->path), "%s", lz_stmt_text(s, 10));
		error = lz_org_in_scope(ctx, out->path) ? 0 : lz_funds__not_found(field, "project", id);
	} else if (error == LZ_DONE) {
		error = lz_funds__not_found(field, "project", id);
	}
	lz_stmt_finish(s);
	return error;
}

static void stage_row(lz_funds_stage_row *out, lz_stmt *s)
{
	out->id = lz_stmt_int(s, 0);
	out->bureau_id = lz_stmt_int(s, 1);
	out->project_id = lz_stmt_int(s, 2);
	out->seq = lz_stmt_int(s, 3);
	out->share_bp = lz_stmt_int(s, 4);
	out->materials_at = lz_stmt_int(s, 5);
	out->accepted_inspection_id = lz_stmt_int(s, 6);
	out->verified_pct = lz_stmt_int(s, 7);
	out->accepted_at = lz_stmt_int(s, 8);
}

int lz_funds__stage_load(lz_funds_stage_row *out, lz_conn *conn, int64_t id, const char *field)
{
	lz_stmt *s;
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = lz_stmt_prepare(&s, conn, sql[Q_STAGE_GET])) < 0)
		return error;
	if ((error = lz_stmt_bindv(s, "i", id)) == 0 && (error = lz_stmt_step(s)) == LZ_ROW) {
		stage_row(out, s);
		error = 0;
	} else if (error == LZ_DONE) {
		error = lz_funds__not_found(field, "stage", id);
	}
	lz_stmt_finish(s);
	return error;
}

int64_t lz_funds__stage_payable(int64_t budget_fen, int64_t share_bp, int64_t pct)
{
	/* 10^13 × 10^4 × 100 does not fit in 64 bits: the product is taken in 128. */
	__int128 v = (__int128)budget_fen * share_bp * pct / 1000000;
	return (int64_t)v;
}

/* ---------------------------------------------------------------- input */

int lz_project_input_from_json(lz_project_input *in, json_t *obj)
{
	static const char *const known[] = {"bureau_id",  "name",          "kind",       "site_lat",
	                                    "site_lon",   "site_radius_m", "budget_fen", "owner_staff_id",
	                                    "contractor", "allocation_id", "stages",     NULL};
	static const char *const stage_known[] = {"name", "criteria", "share_bp", NULL};
	json_t *stages, *st;
	size_t i;
	int error;

	memset(in, 0, sizeof(*in));
	if ((error = lz_json_only(obj, known)) < 0 ||
	    (error = lz_json_int(&in->bureau_id, NULL, obj, "bureau_id", true)) < 0 ||
	    (error = lz_json_str(&in->name, obj, "name", true, LZ_FUNDS_NAME_MAX)) < 0 ||
	    (error = lz_json_str(&in->kind, obj, "kind", true, 32)) < 0 ||
	    (error = lz_json_int(&in->site_lat, NULL, obj, "site_lat", true)) < 0 ||
	    (error = lz_json_int(&in->site_lon, NULL, obj, "site_lon", true)) < 0 ||
	    (error = lz_json_int(&in->site_radius_m, NULL, obj, "site_radius_m", true)) < 0 ||
	    (error = lz_json_int(&in->budget_fen, NULL, obj, "budget_fen", true)) < 0 ||
	    (error = lz_json_int(&in->owner_staff_id, NULL, obj, "owner_staff_id", true)) < 0 ||
	    (error = lz_json_str(&in->contractor, obj, "contractor", true, LZ_FUNDS_NAME_MAX)) < 0 ||
	    (error = lz_json_int(&in->allocation_id, NULL, obj, "allocation_id", true)) < 0)
		return error;
	stages = json_object_get(obj, "stages");
	if (!json_is_array(stages) || json_array_size(stages) == 0)
		return lz_error_set(LZ_EINVALID, "stages", "stages must be a list of at least one stage");
	if (json_array_size(stages) > LZ_PROJECT_STAGES_MAX)
		return lz_error_set(LZ_EINVALID, "stages", "a project has at most %d stages",
		                    LZ_PROJECT_STAGES_MAX);
	json_array_foreach(stages, i, st)
	{
		lz_stage_input *si = &in->stages[i];
		if (!json_is_object(st))
			return lz_error_set(LZ_EINVALID, "stages", "each stage must be an object");
		if ((error = lz_json_only(st, stage_known)) < 0 ||
		    (error = lz_json_str(&si->name, st, "name", true, STAGE_NAME_MAX)) < 0 ||
		    (error = lz_json_str(&si->criteria, st, "criteria", true, LZ_FUNDS_TEXT_MAX)) < 0 ||
		    (error = lz_json_int(&si->share_bp, NULL, st, "share_bp", true)) < 0)
			return error;
	}
	in->nstages = json_array_size(stages);
	return 0;
}

static int check_input(int64_t *kind, const lz_project_input *in)
{
	int64_t shares = 0;
	int error;

	if ((error = lz_text_check("name", in->name, true, LZ_FUNDS_NAME_MAX, 0)) < 0 ||
	    (error = kind_parse(kind, in->kind)) < 0 ||
	    (error = lz_text_check("contractor", in->contractor, true, LZ_FUNDS_NAME_MAX, 0)) < 0 ||
	    (error = lz_funds__check_amount("budget_fen", in->budget_fen)) < 0)
		return error;
	if (in->site_lat < -90000000 || in->site_lat > 90000000)
		return lz_error_set(LZ_EINVALID, "site_lat",
		                    "site_lat must be between -90000000 and 90000000 micro-degrees");
	if (in->site_lon < -180000000 || in->site_lon > 180000000)
		return lz_error_set(LZ_EINVALID, "site_lon",
		                    "site_lon must be between -180000000 and 180000000 micro-degrees");
	if (in->site_radius_m < 1 || in->site_radius_m > RADIUS_MAX)
		return lz_error_set(LZ_EINVALID, "site_radius_m",
		                    "site_radius_m must be between 1 and %d metres", RADIUS_MAX);
	if (in->nstages < 1 || in->nstages > LZ_PROJECT_STAGES_MAX)
		return lz_error_set(LZ_EINVALID, "stages", "a project has 1 to %d stages",
		                    LZ_PROJECT_STAGES_MAX);
	for (size_t i = 0; i < in->nstages; i++) {
		const lz_stage_input *st = &in->stages[i];
		if ((error = lz_text_check("stages.name", st->name, true, STAGE_NAME_MAX, 0)) < 0 ||
		    (error = lz_text_check("stages.criteria", st->criteria, true, LZ_FUNDS_TEXT_MAX, 0)) < 0)
			return error;
		if (st->share_bp < 1 || st->share_bp > 10000)
			return lz_error_set(LZ_EINVALID, "stages.share_bp",
			                    "each stage's share is 1 to 10000 basis points");
		shares += st->share_bp; /* at most 20 × 10000: no overflow */
	}
	if (shares != 10000)
		return lz_error_set(LZ_EINVALID, "stages.share_bp",
		                    "the stages' shares must sum to 10000 basis points, not %lld",
		                    (long long)shares);
	return 0;
}

/* ---------------------------------------------------------------- JSON */

static json_t *stage_json(lz_stmt *s, int64_t budget_fen)
{
	lz_funds_stage_row st;
	json_t *o = json_object();

	stage_row(&st, s);
	json_object_set_new(o, "id", json_integer(st.id));
	json_object_set_new(o, "seq", json_integer(st.seq));
	json_object_set_new(o, "name", json_string(lz_stmt_text(s, 9)));
	json_object_set_new(o, "criteria", json_string(lz_stmt_text(s, 10)));
	json_object_set_new(o, "share_bp", json_integer(st.share_bp));
	json_object_set_new(o, "materials_reviewed", json_boolean(st.materials_at != 0));
	json_object_set_new(o, "materials_note", json_string(lz_stmt_text(s, 11)));
	json_object_set_new(o, "accepted", json_boolean(st.accepted_inspection_id != 0));
	json_object_set_new(o, "accepted_at", st.accepted_at ? lz_json_time(st.accepted_at) : json_null());
	json_object_set_new(o, "verified_pct",
	                    st.accepted_inspection_id ? json_integer(st.verified_pct) : json_null());
	json_object_set_new(
	    o, "payable_fen",
	    json_integer(st.accepted_inspection_id
	                     ? lz_funds__stage_payable(budget_fen, st.share_bp, st.verified_pct)
	                     : 0));
	return o;
}

/* The project's JSON, whatever the scope (the caller checked it). */
/*
 * Adds to a stage's JSON its latest inspection ("inspection": inspector, time, place,
 * distance from the site, completion, findings, evidence hashes; null when none) and
 * the signatures on it ("signatures": [{staff_id, name, signed_at}]), so that a reader
 * sees who went on site and who signed before any payment exists.
 */
static int stage_acceptance(json_t *stage, lz_conn *conn)
{
	lz_stmt *s = NULL;
	json_t *insp = json_null(), *list = json_array(), *evidence;
	int64_t inspection_id = 0;
	int error, rc;

	if ((error = lz_stmt_prepare(&s, conn, sql[Q_STAGE_INSPECTION])) < 0 ||
	    (error = lz_stmt_bindv(s, "i", json_integer_value(json_object_get(stage, "id")))) < 0)
		goto done;
	if ((rc = lz_stmt_step(s)) == LZ_ROW) {
		inspection_id = lz_stmt_int(s, 0);
		insp = json_object();
		json_object_set_new(insp, "id", json_integer(inspection_id));
		json_object_set_new(insp, "inspector",
		                    json_pack("{s:I,s:s}", "staff_id", (json_int_t)lz_stmt_int(s, 1), "name",
		                              lz_stmt_text(s, 2)));
		json_object_set_new(insp, "inspected_at", lz_json_time(lz_stmt_int(s, 3)));
		json_object_set_new(insp, "lat", json_integer(lz_stmt_int(s, 4)));
		json_object_set_new(insp, "lon", json_integer(lz_stmt_int(s, 5)));
		json_object_set_new(insp, "distance_m", json_integer(lz_stmt_int(s, 6)));
		json_object_set_new(insp, "completion_pct", json_integer(lz_stmt_int(s, 7)));
		json_object_set_new(insp, "findings", json_string(lz_stmt_text(s, 8)));
	} else if (rc < 0) {
		error = rc;
		goto done;
	}
	lz_stmt_finish(s);
	s = NULL;
	if (inspection_id) {
		evidence = json_array();
		json_object_set_new(insp, "evidence", evidence);
		if ((error = lz_stmt_prepare(&s, conn, sql[Q_INSPECTION_EVIDENCE])) < 0 ||
		    (error = lz_stmt_bindv(s, "i", inspection_id)) < 0)
			goto done;
		while ((rc = lz_stmt_step(s)) == LZ_ROW)
			json_array_append_new(evidence, json_string(lz_stmt_text(s, 0)));
		lz_stmt_finish(s);
		s = NULL;
		if (rc < 0) {
			error = rc;
			goto done;
		}
		if ((error = lz_stmt_prepare(&s, conn, sql[Q_INSPECTION_SIGNATURES])) < 0 ||
		    (error = lz_stmt_bindv(s, "i", inspection_id)) < 0)
			goto done;
		while ((rc = lz_stmt_step(s)) == LZ_ROW)
			json_array_append_new(list, json_pack("{s:I,s:s,s:o}", "staff_id",
			                                      (json_int_t)lz_stmt_int(s, 0), "name",
			                                      lz_stmt_text(s, 1), "signed_at",
			                                      lz_json_time(lz_stmt_int(s, 2))));
		if (rc < 0) {
			error = rc;
			goto done;
		}
	}
	error = 0;
done:
	lz_stmt_finish(s);
	json_object_set_new(stage, "inspection", insp);
	json_object_set_new(stage, "signatures", list);
	return error;
}

static int project_fetch(json_t **out, lz_conn *conn, const lz_funds_project_row *p)
{
	lz_stmt *s = NULL;
	json_t *o = NULL, *stages;
	int64_t payable = 0, approved = 0;
	size_t i;
	json_t *st;
	int error, rc;

	*out = NULL;
	if ((error = lz_stmt_prepare(&s, conn, sql[Q_PROJECT_TEXT])) < 0 ||
	    (error = lz_stmt_bindv(s, "i", p->id)) < 0)
		goto done;
	if ((error = lz_stmt_step(s)) != LZ_ROW) {
		if (error >= 0)
			error = lz_funds__not_found(NULL, "project", p->id);
		goto done;
	}
	o = json_object();
	json_object_set_new(o, "id", json_integer(p->id));
	json_object_set_new(o, "bureau_id", json_integer(p->bureau_id));
	json_object_set_new(o, "name", json_string(lz_stmt_text(s, 0)));
	json_object_set_new(o, "kind", json_string(kind_name(p->kind)));
	json_object_set_new(o, "site_lat", json_integer(p->site_lat));
	json_object_set_new(o, "site_lon", json_integer(p->site_lon));
	json_object_set_new(o, "site_radius_m", json_integer(p->site_radius_m));
	json_object_set_new(o, "budget_fen", json_integer(p->budget_fen));
	json_object_set_new(o, "owner_staff_id", json_integer(p->owner_staff_id));
	json_object_set_new(o, "contractor", json_string(p->contractor));
	json_object_set_new(o, "allocation_id", json_integer(p->allocation_id));
	json_object_set_new(o, "created_at", lz_json_time(lz_stmt_int(s, 1)));
	lz_stmt_finish(s);
	s = NULL;

	stages = json_array();
	json_object_set_new(o, "stages", stages);
	if ((error = lz_stmt_prepare(&s, conn, sql[Q_STAGE_LIST])) < 0 ||
	    (error = lz_stmt_bindv(s, "i", p->id)) < 0)
		goto done;
	while ((rc = lz_stmt_step(s)) == LZ_ROW)
		json_array_append_new(stages, stage_json(s, p->budget_fen));
	if (rc < 0) {
		error = rc;
		goto done;
	}
	lz_stmt_finish(s);
	s = NULL;
	json_array_foreach(stages, i, st)
	{
		payable += json_integer_value(json_object_get(st, "payable_fen"));
		if ((error = stage_acceptance(st, conn)) < 0)
			goto done;
	}
	if ((error = lz_exec_int(&approved, conn, sql[Q_PROJECT_APPROVED], true, "i", p->id)) < 0)
		goto done;
	json_object_set_new(o, "payable_fen", json_integer(payable));
	json_object_set_new(o, "approved_fen", json_integer(approved));
	*out = o;
	o = NULL;
	error = 0;
done:
	lz_stmt_finish(s);
	json_decref(o);
	return error;
}

/* ---------------------------------------------------------------- writes */

int lz_project_create(int64_t *out_id, lz_ctx *ctx, const lz_project_input *in)
{
	lz_write tx = LZ_WRITE_INIT;
	lz_funds_allocation_row alloc;
	lz_funds_project_row p;
	char path[128];
	json_t *after = NULL;
	int64_t id = 0, kind = 0, staff_bureau = 0, now = lz_ctx_now(ctx);
	int error;

	if (out_id)
		*out_id = 0;
	if ((error = lz_auth_require(ctx, LZ_PERM_PROJECT_WRITE)) < 0 || (error = check_input(&kind, in)) < 0)
		goto done;
	if ((error = lz_write_begin(&tx, ctx)) < 0 ||
	    (error = lz_funds__bureau_path(path, ctx->conn, in->bureau_id, "bureau_id")) < 0)
		goto done;
	if (!lz_org_in_scope(ctx, path)) {
		error = lz_error_set(LZ_ENOTFOUND, "bureau_id", "bureau %lld not found",
		                     (long long)in->bureau_id);
		goto done;
	}
	if ((error = lz_exec_int(&staff_bureau, ctx->conn, sql[Q_STAFF_BUREAU], false, "i",
	                         in->owner_staff_id)) < 0)
		goto done;
	if (staff_bureau != in->bureau_id) {
		error = lz_error_set(LZ_EINVALID, "owner_staff_id",
		                     "the owner must be a staff member of the project's bureau");
		goto done;
	}
	if ((error = lz_funds__allocation_load(&alloc, ctx->conn, in->allocation_id, "allocation_id")) < 0)
		goto done;
	if (!lz_org_in_scope(ctx, alloc.path)) {
		error = lz_funds__not_found("allocation_id", "allocation", in->allocation_id);
		goto done;
	}
	if (alloc.a.bureau_id != in->bureau_id) {
		error = lz_error_set(LZ_EINVALID, "allocation_id",
		                     "a project is funded by an allocation made to its own bureau");
		goto done;
	}
	if ((error = lz_exec_int(&id, ctx->conn, sql[Q_PROJECT_INSERT], true, "itiiiiiitiii", in->bureau_id,
	                         in->name, kind, in->site_lat, in->site_lon, in->site_radius_m,
	                         in->budget_fen, in->owner_staff_id, in->contractor, in->allocation_id,
	                         ctx->actor.user_id, now)) < 0)
		goto done;
	for (size_t i = 0; i < in->nstages; i++) {
		const lz_stage_input *st = &in->stages[i];
		if ((error = lz_exec_int(NULL, ctx->conn, sql[Q_STAGE_INSERT], true, "iiitti", in->bureau_id,
		                         id, (int64_t)(i + 1), st->name, st->criteria, st->share_bp)) < 0)
			goto done;
	}
	if ((error = lz_funds__project_load(&p, ctx, ctx->conn, id, NULL)) < 0 ||
	    (error = project_fetch(&after, ctx->conn, &p)) < 0 ||
	    (error = lz_audit_append(ctx, "project.create", "project", id, in->bureau_id, NULL, after)) < 0)
		goto done;
done:
	error = lz_write_end(&tx, ctx, error);
	if (error == 0 && out_id)
		*out_id = id;
	json_decref(after);
	return error;
}

/* ---------------------------------------------------------------- reads */

int lz_project_get_json(json_t **out, lz_ctx *ctx, int64_t id)
{
	lz_funds_project_row p;
	lz_conn *conn;
	int error;

	*out = NULL;
	if ((error = lz_auth_require(ctx, LZ_PERM_FUNDS_READ)) < 0 || (error = lz_ctx_conn(&conn, ctx)) < 0 ||
	    (error = lz_funds__project_load(&p, ctx, conn, id, NULL)) < 0)
		return error;
	return project_fetch(out, conn, &p);
}

int lz_project_stage_id(int64_t *out, lz_ctx *ctx, int64_t project_id, int seq)
{
	lz_funds_project_row p;
	lz_conn *conn;
	int error;

	*out = 0;
	if ((error = lz_auth_require(ctx, LZ_PERM_FUNDS_READ)) < 0 || (error = lz_ctx_conn(&conn, ctx)) < 0 ||
	    (error = lz_funds__project_load(&p, ctx, conn, project_id, NULL)) < 0)
		return error;
	if ((error = lz_exec_int(out, conn, sql[Q_STAGE_BY_SEQ], false, "ii", project_id, (int64_t)seq)) < 0)
		return error;
	return *out ? 0
	            : lz_error_set(LZ_ENOTFOUND, "seq", "project %lld has no stage %d", (long long)project_id,
	                           seq);
}
