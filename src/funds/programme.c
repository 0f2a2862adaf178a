/*
 * programme.c — post-relocation support programmes (后期扶持): an amount per person
 * per year in fen, the years of support from relocation, and how often it is paid.
 *
 * Invariants kept here:
 * - A programme belongs to one bureau and its name is unique there; it never changes
 *   once created (beneficiaries' support end dates are computed from its years).
 * - The amount of a period is the yearly amount divided by the periods of a year in
 *   whole fen, the remainder paid in the period that contains 31 December, so that a
 *   full year pays exactly the yearly amount. No floating point.
 */
#include "base/buf.h"
#include "funds/beneficiary_int.h"

#include "audit/audit.h"
#include "auth/auth.h"
#include "base/clock.h"
#include "org/org.h"

#include <stdio.h>
#include <string.h>

enum {
	Q_PROGRAMME_GET,
	Q_PROGRAMME_BY_NAME,
	Q_PROGRAMME_INSERT,
};

static const char *const sql[] = {
	[Q_PROGRAMME_GET] =
		"SELECT p.id, p.bureau_id, p.name, p.amount_per_year_fen, p.years, p.periods_per_year "
		"FROM programme p WHERE p.id = ?",
	[Q_PROGRAMME_BY_NAME] = "SELECT id FROM programme WHERE bureau_id = ? AND name = ?",
	[Q_PROGRAMME_INSERT] = "INSERT INTO programme(bureau_id, name, amount_per_year_fen, years, "
		"periods_per_year, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
};

static const struct {
	const char *name;
	int periods;
} frequencies[] = {
	{"annual", LZ_PAY_ANNUAL},
	{"quarterly", LZ_PAY_QUARTERLY},
	{"monthly", LZ_PAY_MONTHLY},
};

static const char *frequency_name(int periods)
{
	for (size_t i = 0; i < sizeof(frequencies) / sizeof(frequencies[0]); i++)
		if (frequencies[i].periods == periods)
			return frequencies[i].name;
	return "unknown";
}

/* ---------------------------------------------------------------- programmes */

json_t *lz_programme_json(const lz_programme *p)
{
	json_t *o = json_object();

	json_object_set_new_nocheck(o, "id", json_integer(p->id));
	json_object_set_new_nocheck(o, "bureau_id", json_integer(p->bureau_id));
	json_object_set_new_nocheck(o, "name", json_string(p->name));
	json_object_set_new_nocheck(o, "amount_per_year_fen", json_integer(p->amount_per_year_fen));
	json_object_set_new_nocheck(o, "years", json_integer(p->years));
	json_object_set_new_nocheck(o, "frequency", json_string(frequency_name(p->periods_per_year)));
	return o;
}

int lz_programme__load(lz_programme *out, lz_ctx *ctx, int64_t id, const char *field)
{
	lz_bureau bureau;
	lz_stmt *s = NULL;
	bool found = false;
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = lz_stmt_prepare(&s, ctx->conn, sql[Q_PROGRAMME_GET])) < 0)
		return error;
	if ((error = lz_stmt_bind_int(s, 1, id)) == 0 && (error = lz_stmt_step(s)) == LZ_ROW) {
		out->id = lz_stmt_int(s, 0);
		out->bureau_id = lz_stmt_int(s, 1);
		snprintf(out->name, sizeof(out->name), "%s", lz_stmt_text(s, 2));
		out->amount_per_year_fen = lz_stmt_int(s, 3);
		out->years = (int)lz_stmt_int(s, 4);
		out->periods_per_year = (int)lz_stmt_int(s, 5);
		found = true;
	}
	lz_stmt_finish(s);
	if (error < 0)
		return error;
	if (!found || lz_bureau_get(&bureau, ctx, out->bureau_id) < 0)
		return lz_error_set(LZ_ENOTFOUND, field, "programme %lld not found", (long long)id);
	return 0;
}

int lz_programme_get(lz_programme *out, lz_ctx *ctx, int64_t id)
{
	lz_conn *conn;
	int error;

	if ((error = lz_auth_require(ctx, LZ_PERM_BENEFICIARY_READ)) < 0 ||
	    (error = lz_ctx_conn(&conn, ctx)) < 0)
		return error;
	return lz_programme__load(out, ctx, id, NULL);
}

int lz_programme_create(int64_t *out_id, lz_ctx *ctx, const lz_programme_input *in)
{
	lz_write tx = LZ_WRITE_INIT;
	lz_programme p = {0};
	lz_bureau bureau;
	int64_t id = 0, other = 0;
	json_t *after = NULL;
	int error;

	if (out_id)
		*out_id = 0;
	p.amount_per_year_fen =
	    in->amount_per_year_fen ? in->amount_per_year_fen : LZ_PROGRAMME_DEFAULT_AMOUNT_FEN;
	p.years = in->years ? in->years : LZ_PROGRAMME_DEFAULT_YEARS;
	p.periods_per_year = in->frequency ? 0 : LZ_PAY_ANNUAL;
	for (size_t i = 0; in->frequency && i < sizeof(frequencies) / sizeof(frequencies[0]); i++)
		if (strcmp(frequencies[i].name, in->frequency) == 0)
			p.periods_per_year = frequencies[i].periods;
	if ((error = lz_auth_require(ctx, LZ_PERM_PROGRAMME_WRITE)) < 0 ||
	    (error = lz_text_check("name", in->name, true, LZ_BENEFICIARY_NAME_MAX, 0)) < 0)
		goto done;
	if (p.amount_per_year_fen < 0 || p.amount_per_year_fen > INT64_C(100000000000)) {
		error = lz_error_set(LZ_EINVALID, "amount_per_year_fen",
		                     "amount_per_year_fen must be a positive number of fen");
		goto done;
	}
	if (p.years < 1 || p.years > 100) {
		error = lz_error_set(LZ_EINVALID, "years", "years must be between 1 and 100");
		goto done;
	}
	if (!p.periods_per_year) {
		error =
		    lz_error_set(LZ_EINVALID, "frequency", "frequency must be annual, quarterly or monthly");
		goto done;
	}
	if ((error = lz_bureau_get(&bureau, ctx, in->bureau_id)) < 0 || (error = lz_write_begin(&tx, ctx)) < 0 ||
	    (error = lz_exec_int(&other, ctx->conn, sql[Q_PROGRAMME_BY_NAME], false, "it", in->bureau_id,
	                         in->name)) < 0)
		goto done;
	if (other) {
		error = lz_error_set(LZ_ECONFLICT, "name", "the bureau has a programme of that name");
		goto done;
	}
	if ((error = lz_exec_int(&id, ctx->conn, sql[Q_PROGRAMME_INSERT], true, "itiiii", in->bureau_id,
	                         in->name, p.amount_per_year_fen, (int64_t)p.years,
	                         (int64_t)p.periods_per_year, lz_ctx_now(ctx))) < 0 ||
	    (error = lz_programme__load(&p, ctx, id, NULL)) < 0)
		goto done;
	after = lz_programme_json(&p);
	error = lz_audit_append(ctx, "programme.create", "programme", id, in->bureau_id, NULL, after);
done:
	error = lz_write_end(&tx, ctx, error);
	if (error == 0 && out_id)
		*out_id = id;
	json_decref(after);
	return error;
}

/* The day of 31 December of the year of 'day'. */
static int32_t year_end(int32_t day)
{
	char text[11];
	int32_t end = day;

	lz_date_format(text, day);
	memcpy(text + 4, "-12-31", 7);
	return lz_date_parse(&end, text) < 0 ? day : end;
}

int64_t lz_programme_period_amount(const lz_programme *p, int32_t period_start_day, int32_t period_end_day)
{
	int64_t base, rest;
	int32_t dec31 = year_end(period_start_day);

	if (p->periods_per_year <= 0)
		return 0;
	base = p->amount_per_year_fen / p->periods_per_year;
	rest = p->amount_per_year_fen % p->periods_per_year;
	return base + (period_start_day <= dec31 && dec31 <= period_end_day ? rest : 0);
}

