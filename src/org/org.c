/*
 * org.c — what the org module's files share: levels, tenancy, field checks and the
 * write-transaction bracket (see org_int.h).
 */
#include "org/org_int.h"

#include "base/buf.h"

#include <stdio.h>
#include <string.h>

/* ---------------------------------------------------------------- levels */

static const char *const level_names[] = {
	[LZ_LEVEL_NATIONAL] = "national",
	[LZ_LEVEL_PROVINCE] = "province",
	[LZ_LEVEL_CITY] = "city",
	[LZ_LEVEL_COUNTY] = "county",
};

#define LEVEL_COUNT (sizeof(level_names) / sizeof(level_names[0]))

const char *lz_level_name(lz_level l)
{
	if ((size_t)l >= LEVEL_COUNT || !level_names[l])
		return "unknown";
	return level_names[l];
}

lz_level lz_level_parse(const char *name)
{
	for (size_t i = 1; name && i < LEVEL_COUNT; i++)
		if (strcmp(level_names[i], name) == 0)
			return (lz_level)i;
	return 0;
}

/* ---------------------------------------------------------------- tenancy */

bool lz_org_in_scope(const lz_ctx *ctx, const char *path)
{
	size_t n;

	if (ctx->actor.role == LZ_ROLE_SYSTEM)
		return true;
	n = strnlen(ctx->actor.bureau_path, sizeof(ctx->actor.bureau_path));
	return n > 0 && path && strncmp(path, ctx->actor.bureau_path, n) == 0;
}

const char *lz_org__scope_prefix(const lz_ctx *ctx, const char *base_path)
{
	if (base_path)
		return base_path;
	if (ctx->actor.role == LZ_ROLE_SYSTEM)
		return "";
	if (ctx->actor.bureau_path[0] && memchr(ctx->actor.bureau_path, '\0', sizeof(ctx->actor.bureau_path)))
		return ctx->actor.bureau_path;
	return "none";
}

int64_t lz_org__county_of(const char *path)
{
	int64_t id = 0;
	int ids = 0;

	if (!path || path[0] != '/')
		return 0;
	for (const char *p = path + 1; *p; p++) {
		if (*p == '/') {
			ids++;
		} else if (*p >= '0' && *p <= '9') {
			id = ids == LZ_LEVEL_COUNTY - 1 ? id * 10 + (*p - '0') : 0;
		} else {
			return 0;
		}
	}
	return ids == LZ_LEVEL_COUNTY && path[strlen(path) - 1] == '/' ? id : 0;
}

int lz_org__scope_check(lz_bureau *out, lz_ctx *ctx, lz_conn *conn, int64_t id, const char *field)
{
	int error;

	if ((error = lz_org__bureau_load(out, conn, id, field)) < 0)
		return error;
	if (!lz_org_in_scope(ctx, out->path))
		return lz_error_set(LZ_ENOTFOUND, field, "bureau %lld not found", (long long)id);
	return 0;
}


int lz_org__clamp_limit(int limit)
{
	if (limit < 1)
		return 1;
	return limit > LZ_ORG_LIST_MAX ? LZ_ORG_LIST_MAX : limit;
}

