/*
 * demo_int.h — what the files of the demo share: the seeded generator, the pools
 * of names, and the funds part of the data set (demo_funds.c).
 */
#ifndef LZ_DEMO_INT_H
#define LZ_DEMO_INT_H

#include "base/buf.h"
#include "core/ctx.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* splitmix64 (Steele, Lea and Flood): small, fast and good enough for names. */
typedef struct {
	uint64_t state;
} lz_demo_rng;

static inline uint64_t lz_demo__rng_next(lz_demo_rng *r)
{
	uint64_t z = (r->state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A number in 0..n-1 (n small, so the modulo bias does not matter here). */
static inline uint32_t lz_demo__rng_below(lz_demo_rng *r, uint32_t n)
{
	return (uint32_t)(lz_demo__rng_next(r) % n);
}

/* The pools of surnames (commonest first) and given names of demo.c. */
extern const char *const *const lz_demo__surnames;
extern const size_t lz_demo__nsurnames;
extern const char *const *const lz_demo__given_names;
extern const size_t lz_demo__ngiven_names;

/* What the funds part loaded, for the report. */
typedef struct {
	int allocations, projects, files, programmes, beneficiaries, inactive;
	int runs_approved, runs_prepared, payments_paid, persons, heads;
	int64_t central_fen[2]; /* 2025, 2026 */
	int64_t payroll_fen, projects_paid_fen;
	char refused[1536]; /* the unfinished-project case: what was refused and why */
} lz_demo_funds_summary;

/*
 * Loads the funds part of the demo into a store that holds the demo organisation
 * and its logins (demo.c): allocations down the hierarchy for 2025 and 2026,
 * projects in several states with evidence files, three support programmes with
 * their beneficiaries, a year of payroll runs and project payments — all through
 * the domain functions, acting as the system or as the person each act needs.
 * The persons without a demo login get an account for the acts (a random
 * password, never shown) that is disabled once the data is in. Runs with the
 * actor of ctx set to the system; leaves it so.
 */
int lz_demo__funds(lz_demo_funds_summary *out, lz_ctx *ctx) LZ_MUST_USE;

/* Writes the summary's lines to 'f'. */
void lz_demo__funds_report(FILE *f, const lz_demo_funds_summary *s);

/* A small PNG picture (a site, a scanned page), different for each seed (demo_funds.c). */
void lz_demo__png(lz_buf *out, uint32_t seed);

/* What the cases part loaded, for the report and the tests. */
typedef struct {
	int ncases_planned, types, calendar_days, persons;
	int channels[4]; /* online, window, phone, proxy */
	int evidence, attachments, complaints, cumbersome, repeats, replied, assistance, concluded, skipped;
	int64_t cases, decided, late, refused, open, overdue_open, events, systemic;
	char first_skip[160];
} lz_demo_cases_summary;

/*
 * Loads the cases part of the demo (demo_cases.c) into a store that holds the
 * demo organisation and its logins: the 2025–2026 holidays on the national
 * calendar, case types in five bureaus, 'ncases' cases over the two years that
 * end at the context's now, complaints and assistance requests — through the
 * cases module, acting as the person each act needs, with the context's clock
 * moved through the two years. Runs with the actor of ctx set to the system;
 * leaves it so.
 */
int lz_demo__cases(lz_demo_cases_summary *out, lz_ctx *ctx, int ncases) LZ_MUST_USE;

/* Writes the summary's lines to 'f'. */
void lz_demo__cases_report(FILE *f, const lz_demo_cases_summary *s);

#endif
