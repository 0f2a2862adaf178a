/*
 * org.h — the organisation: bureaus in a hierarchy (national, province, city, county,
 * each with its 6-digit administrative division code), their departments, and their
 * staff (with post and status).
 *
 * Tenancy (DESIGN.md invariant 6) is enforced here: the actor sees its own bureau and
 * the bureaus below it. Every read of a single record outside that scope is
 * LZ_ENOTFOUND (404), exactly as if it did not exist; every list is filtered to it.
 * Each bureau row keeps its materialised path ("/1/4/9/") so scope is a prefix test.
 */
#ifndef LZ_ORG_ORG_H
#define LZ_ORG_ORG_H

#include "core/ctx.h"

#include <jansson.h>

typedef enum { LZ_LEVEL_NATIONAL = 1, LZ_LEVEL_PROVINCE, LZ_LEVEL_CITY, LZ_LEVEL_COUNTY } lz_level;

const char *lz_level_name(lz_level l);
/* 0 when 'name' is not a level. */
lz_level lz_level_parse(const char *name);

/* ---------------------------------------------------------------- bureaus */

typedef struct {
	int64_t id;
	char code[8];
	char name[256];
	char name_en[256];
	lz_level level;
	int64_t parent_id; /* 0 for the root */
	char path[128];
} lz_bureau;

typedef struct {
	const char *code;    /* six digits, unique */
	const char *name;    /* ≤ 64 characters */
	const char *name_en; /* ≤ 128, optional */
	const char *level;   /* national | province | city | county */
	int64_t parent_id;   /* 0 only for the national bureau */
} lz_bureau_input;

/*
 * Creates a bureau. The parent must be in scope and one level above; a national
 * bureau has no parent and there is only one. Requires LZ_PERM_BUREAU_WRITE. Audited.
 */
int lz_bureau_create(int64_t *out_id, lz_ctx *ctx, const lz_bureau_input *in) LZ_MUST_USE;
/* Reads a bureau in scope (LZ_ENOTFOUND otherwise). */
int lz_bureau_get(lz_bureau *out, lz_ctx *ctx, int64_t id) LZ_MUST_USE;
/* Reads a bureau in scope by its code. */
int lz_bureau_by_code(lz_bureau *out, lz_ctx *ctx, const char *code) LZ_MUST_USE;
/* Lists the bureaus in scope by id after 'after_id'. *out is a JSON array, caller owns. */
int lz_bureau_list(json_t **out, int64_t *next_after, lz_ctx *ctx, int64_t after_id, int limit) LZ_MUST_USE;
json_t *lz_bureau_json(const lz_bureau *b);
/* True when bureau 'path' is within the actor's scope. */
bool lz_org_in_scope(const lz_ctx *ctx, const char *path);

/* ---------------------------------------------------------------- departments */

int lz_department_create(int64_t *out_id, lz_ctx *ctx, int64_t bureau_id, const char *name) LZ_MUST_USE;
int lz_department_list(json_t **out, lz_ctx *ctx, int64_t bureau_id) LZ_MUST_USE;

/* ---------------------------------------------------------------- staff */

typedef enum { LZ_STAFF_ACTIVE = 1, LZ_STAFF_LEAVE, LZ_STAFF_LEFT } lz_staff_status;

/*
 * The fields of a staff record as given by a caller. For an update, only fields
 * whose 'has_' flag is set change.
 */
typedef struct {
	int64_t bureau_id;
	bool has_department; int64_t department_id; /* 0 = none */
	bool has_employee_no; const char *employee_no;  /* ≤ 32 */
	bool has_name; const char *name;                /* required, ≤ 64 */
	bool has_post; const char *post;                /* ≤ 64 */
	bool has_status; const char *status;            /* active | leave | left */
	bool has_hired_on; const char *hired_on;        /* YYYY-MM-DD or NULL */
} lz_staff_input;

/* Reads input fields from a JSON object (the shells use it), refusing unknown keys
 * and wrong types, naming the field. 'in' borrows strings from 'obj'. */
int lz_staff_input_from_json(lz_staff_input *in, json_t *obj, bool create) LZ_MUST_USE;

/* Creates a staff record in a bureau in scope. Requires LZ_PERM_ORG_WRITE. Audited. */
int lz_staff_create(int64_t *out_id, lz_ctx *ctx, const lz_staff_input *in) LZ_MUST_USE;
/* Updates a staff record in scope. Requires LZ_PERM_ORG_WRITE. Audited with before/after. */
int lz_staff_update(lz_ctx *ctx, int64_t id, const lz_staff_input *in) LZ_MUST_USE;
/* One staff record in scope as JSON (caller owns), LZ_ENOTFOUND otherwise. */
int lz_staff_get_json(json_t **out, lz_ctx *ctx, int64_t id) LZ_MUST_USE;

typedef struct {
	const char *q;          /* matches name, employee_no or post (substring) */
	int64_t bureau_id;      /* that bureau and those below; 0 = the whole scope */
	int64_t department_id;  /* 0 = any */
	const char *status;     /* NULL = any */
	int64_t after_id;       /* cursor */
	int limit;              /* 1..200 */
} lz_staff_query;

#define LZ_STAFF_QUERY_INIT {NULL, 0, 0, NULL, 0, 50}

/* Lists staff in scope, ordered by id. *out is a JSON array (caller owns);
 * *next_after the cursor for the next page, or 0 at the end. */
int lz_staff_list(json_t **out, int64_t *next_after, lz_ctx *ctx, const lz_staff_query *q) LZ_MUST_USE;

#endif
