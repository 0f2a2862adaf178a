/*
 * demo.h — a demonstration data set, for trying luzhi out and for tests that want a
 * realistic organisation: the national bureau and five provinces of resettlement
 * work (Hubei, Zhejiang, Hunan, Guizhou, Sichuan) with their cities and counties,
 * under their real administrative division codes and names; each bureau's
 * departments; a few hundred staff with posts, statuses and hire dates; one
 * login per role (two more in Zhejiang); and the money of three counties.
 *
 * The data set is the same on every run: names and dates come from a seeded
 * generator of the loader's own, not from the C library's rand().
 */
#ifndef LZ_DEMO_DEMO_H
#define LZ_DEMO_DEMO_H

#include "core/ctx.h"

#include <stdio.h>

/*
 * Loads the demo into an empty store, acting as the system for the duration (the
 * actor of ctx is restored afterwards). Bureaus, departments and staff go in through
 * the org module, so its rules and the audit log apply, in one transaction; then the
 * logins are created, one per role, each linked to a staff member of its bureau:
 *
 *	admin, ombudsman, auditor   100000 国家移民管理局
 *	director, inspector         420000 湖北省移民局
 *	discipline                  430000 湖南省移民局
 *	finance, director.zj        330100 杭州市移民局
 *	inspector.zj                330000 浙江省移民局
 *	clerk, reviewer             330122 桐庐县移民局
 *
 * Then the funds (demo_funds.c): allocations for 2025 and 2026 down to budget
 * lines, projects in several states (one the unfinished-project case, refused),
 * a few thousand beneficiaries in three programmes and a year of payroll runs and
 * project payments, all through the funds module, so that `luzhi ledger verify`
 * and `luzhi audit verify` pass on the result. Tonglu's logins (clerk, reviewer,
 * finance, inspector.zj, director.zj) can walk a project from registration to
 * payment themselves.
 *
 * Then the cases (demo_cases.c): the 2025 and 2026 holidays, case types in five
 * bureaus, two years of cases ending now with complaints and case assistance, all
 * through the cases module; the inboxes of clerk, reviewer (桐庐) and director (湖北)
 * hold open cases, some overdue.
 *
 * Every login has 'password' (LZ_PASSWORD_MIN..LZ_PASSWORD_MAX bytes). When 'report'
 * is not NULL, a table of the logins (login, role, bureau code and name, password) is
 * written to it.
 *
 * Returns LZ_ECONFLICT, having written nothing, when the store already holds a
 * bureau; LZ_EINVALID (field "password") for an unusable password.
 */
int lz_demo_load(lz_ctx *ctx, const char *password, FILE *report) LZ_MUST_USE;

/*
 * The size of the demo's case load. The small one (the default, and what every API
 * and browser test starts from) keeps the load to about two seconds under the
 * sanitizer build (each case is six to nine audited acts); the large one, for
 * `make run`, is closer to two years of five bureaus' windows.
 */
#define LZ_DEMO_CASES_SMALL 800
#define LZ_DEMO_CASES_LARGE 24000

typedef struct {
	int cases; /* cases over the two years (demo_cases.c) */
} lz_demo_opts;

#define LZ_DEMO_OPTS_INIT {LZ_DEMO_CASES_SMALL}

/* lz_demo_load with options ('opts' NULL: the defaults). */
int lz_demo_load_opts(lz_ctx *ctx, const char *password, FILE *report, const lz_demo_opts *opts) LZ_MUST_USE;

#endif
