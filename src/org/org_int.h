/*
 * org_int.h — what the files of the org module share: the tenancy checks, field
 * validation, and the write-transaction bracket every org write goes through.
 *
 * Tenancy: an actor sees the bureaus whose materialised path starts with its own
 * bureau's path ("/1/4/" sees "/1/4/" and "/1/4/9/"); the system actor sees all; any
 * other actor without a path sees nothing. Single-record reads test the path in C
 * (lz_org_in_scope); lists bind lz_org__scope_prefix to `b.path LIKE (CAST(? AS TEXT) || '%')`.
 */
#ifndef LZ_ORG_INT_H
#define LZ_ORG_INT_H

#include "org/org.h"

/* Field limits, in code points (and, for fixed buffers, bytes). */
#define LZ_ORG_NAME_MAX 64
#define LZ_ORG_NAME_EN_MAX 128
#define LZ_ORG_EMPLOYEE_NO_MAX 32
#define LZ_ORG_POST_MAX 64
#define LZ_ORG_LIST_MAX 200

/*
 * The path prefix that selects the bureaus in scope, for `b.path LIKE (CAST(? AS TEXT) || '%')`:
 * 'base_path' when given (a bureau filter, already checked to be in scope), else the
 * actor's own path, "" for the system (every path), and, for an actor without a
 * bureau, who sees nothing, a prefix no path has (paths begin with '/').
 *
 * The '%' is appended in SQL rather than bound: SQLite re-prepares a statement each
 * time a parameter that is the whole right-hand side of a LIKE is bound (for its LIKE
 * optimisation), which cost a third of the time of a page of staff.
 */
const char *lz_org__scope_prefix(const lz_ctx *ctx, const char *base_path);

/*
 * The id of the county whose path is 'path', or 0 when 'path' is not a county's.
 * A county's path has four ids ("/1/4/9/12/") and nothing can be below it, so its
 * scope is that one bureau.
 */
int64_t lz_org__county_of(const char *path);

/*
 * Reads bureau 'id' whatever the scope (for rules that look at other bureaus, such
 * as code uniqueness). LZ_ENOTFOUND, naming 'field' (may be NULL), when it is missing.
 */
int lz_org__bureau_load(lz_bureau *out, lz_conn *conn, int64_t id, const char *field) LZ_MUST_USE;

/*
 * Reads bureau 'id' when it is in the actor's scope. A bureau out of scope is
 * LZ_ENOTFOUND with exactly the message of a missing one, naming 'field'.
 */
int lz_org__scope_check(lz_bureau *out, lz_ctx *ctx, lz_conn *conn, int64_t id,
			const char *field) LZ_MUST_USE;

/*
 * Checks that department 'department_id' belongs to bureau 'bureau_id'. LZ_EINVALID
 * naming department_id otherwise, alike for a missing department and one elsewhere.
 */
int lz_org__department_check(lz_conn *conn, int64_t department_id, int64_t bureau_id) LZ_MUST_USE;

/* Clamps a page size to 1..LZ_ORG_LIST_MAX. */
int lz_org__clamp_limit(int limit);

#endif
