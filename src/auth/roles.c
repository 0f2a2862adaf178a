/*
 * roles.c — the roles and what each may do, as one table. A permission check is a
 * lookup here; the shells never decide who may do what.
 */
#include "auth/auth.h"

#include <string.h>

#define R(role) (1u << (role))

static const char *const role_names[LZ_ROLE_COUNT] = {
	[LZ_ROLE_NONE] = "none",         [LZ_ROLE_ADMIN] = "admin",
	[LZ_ROLE_CLERK] = "clerk",       [LZ_ROLE_REVIEWER] = "reviewer",
	[LZ_ROLE_FINANCE] = "finance",   [LZ_ROLE_DIRECTOR] = "director",
	[LZ_ROLE_INSPECTOR] = "inspector", [LZ_ROLE_DISCIPLINE] = "discipline",
	[LZ_ROLE_OMBUDSMAN] = "ombudsman", [LZ_ROLE_AUDITOR] = "auditor",
	[LZ_ROLE_SYSTEM] = "system",       [LZ_ROLE_PUBLIC] = "public",
};

#define ALL_ROLES                                                                                            \
	(R(LZ_ROLE_ADMIN) | R(LZ_ROLE_CLERK) | R(LZ_ROLE_REVIEWER) | R(LZ_ROLE_FINANCE) | R(LZ_ROLE_DIRECTOR) | \
	 R(LZ_ROLE_INSPECTOR) | R(LZ_ROLE_DISCIPLINE) | R(LZ_ROLE_OMBUDSMAN) | R(LZ_ROLE_AUDITOR) |           \
	 R(LZ_ROLE_SYSTEM))

static const struct {
	unsigned roles;
	const char *what;
} perms[LZ_PERM_COUNT] = {
	[LZ_PERM_ORG_READ] = {ALL_ROLES, "read the organisation"},
	[LZ_PERM_ORG_WRITE] = {R(LZ_ROLE_ADMIN) | R(LZ_ROLE_DIRECTOR) | R(LZ_ROLE_SYSTEM),
			       "change departments and staff"},
	[LZ_PERM_BUREAU_WRITE] = {R(LZ_ROLE_ADMIN) | R(LZ_ROLE_SYSTEM), "create bureaus"},
	[LZ_PERM_USER_READ] = {R(LZ_ROLE_ADMIN) | R(LZ_ROLE_DIRECTOR) | R(LZ_ROLE_AUDITOR) | R(LZ_ROLE_SYSTEM),
			       "list user accounts"},
	[LZ_PERM_USER_WRITE] = {R(LZ_ROLE_ADMIN) | R(LZ_ROLE_SYSTEM), "manage user accounts"},
	[LZ_PERM_AUDIT_READ] = {R(LZ_ROLE_ADMIN) | R(LZ_ROLE_AUDITOR) | R(LZ_ROLE_DIRECTOR) |
					R(LZ_ROLE_INSPECTOR) | R(LZ_ROLE_DISCIPLINE) | R(LZ_ROLE_SYSTEM),
				"read the audit log"},
	[LZ_PERM_FILE_READ] = {ALL_ROLES, "read evidence files"},
	[LZ_PERM_FILE_WRITE] = {R(LZ_ROLE_ADMIN) | R(LZ_ROLE_CLERK) | R(LZ_ROLE_REVIEWER) | R(LZ_ROLE_FINANCE) |
					R(LZ_ROLE_DIRECTOR) | R(LZ_ROLE_INSPECTOR) | R(LZ_ROLE_DISCIPLINE) |
					R(LZ_ROLE_SYSTEM),
				"store evidence files"},
	[LZ_PERM_BENEFICIARY_READ] = {R(LZ_ROLE_ADMIN) | R(LZ_ROLE_CLERK) | R(LZ_ROLE_FINANCE) | R(LZ_ROLE_DIRECTOR) |
					      R(LZ_ROLE_REVIEWER) | R(LZ_ROLE_INSPECTOR) | R(LZ_ROLE_DISCIPLINE) |
					      R(LZ_ROLE_AUDITOR) | R(LZ_ROLE_SYSTEM),
				      "read the beneficiaries register"},
	[LZ_PERM_BENEFICIARY_WRITE] = {R(LZ_ROLE_ADMIN) | R(LZ_ROLE_CLERK) | R(LZ_ROLE_FINANCE) |
					       R(LZ_ROLE_DIRECTOR) | R(LZ_ROLE_SYSTEM),
				       "change the beneficiaries register"},
	[LZ_PERM_BENEFICIARY_ERASE] = {R(LZ_ROLE_ADMIN) | R(LZ_ROLE_DIRECTOR), "erase a beneficiary's personal data"},
	[LZ_PERM_PROGRAMME_WRITE] = {R(LZ_ROLE_ADMIN) | R(LZ_ROLE_FINANCE) | R(LZ_ROLE_DIRECTOR) | R(LZ_ROLE_SYSTEM),
				     "create support programmes"},
	/* Funds. Acts that compare people (inspecting, signing, preparing, approving,
	 * settling) need a person, so the system actor has no part in them. */
	[LZ_PERM_FUNDS_READ] = {R(LZ_ROLE_ADMIN) | R(LZ_ROLE_CLERK) | R(LZ_ROLE_REVIEWER) | R(LZ_ROLE_FINANCE) |
					R(LZ_ROLE_DIRECTOR) | R(LZ_ROLE_INSPECTOR) | R(LZ_ROLE_DISCIPLINE) |
					R(LZ_ROLE_AUDITOR) | R(LZ_ROLE_SYSTEM),
				"read allocations, projects and payments"},
	[LZ_PERM_ALLOCATION_WRITE] = {R(LZ_ROLE_ADMIN) | R(LZ_ROLE_FINANCE) | R(LZ_ROLE_DIRECTOR) | R(LZ_ROLE_SYSTEM),
				      "allocate funds"},
	[LZ_PERM_PROJECT_WRITE] = {R(LZ_ROLE_ADMIN) | R(LZ_ROLE_CLERK) | R(LZ_ROLE_DIRECTOR) | R(LZ_ROLE_SYSTEM),
				   "register projects"},
	[LZ_PERM_INSPECT] = {R(LZ_ROLE_REVIEWER) | R(LZ_ROLE_INSPECTOR) | R(LZ_ROLE_DIRECTOR),
			     "review materials or inspect a site"},
	[LZ_PERM_ACCEPT_SIGN] = {R(LZ_ROLE_REVIEWER) | R(LZ_ROLE_INSPECTOR) | R(LZ_ROLE_DIRECTOR), "sign acceptance"},
	[LZ_PERM_PAYMENT_PREPARE] = {R(LZ_ROLE_FINANCE), "prepare payments"},
	[LZ_PERM_PAYMENT_APPROVE] = {R(LZ_ROLE_FINANCE) | R(LZ_ROLE_DIRECTOR), "approve payments"},
	[LZ_PERM_PAYMENT_SETTLE] = {R(LZ_ROLE_FINANCE) | R(LZ_ROLE_DIRECTOR), "record, cancel or reverse payments"},
	[LZ_PERM_LEDGER_READ] = {R(LZ_ROLE_FINANCE) | R(LZ_ROLE_DIRECTOR) | R(LZ_ROLE_INSPECTOR) |
					 R(LZ_ROLE_DISCIPLINE) | R(LZ_ROLE_AUDITOR) | R(LZ_ROLE_ADMIN) | R(LZ_ROLE_SYSTEM),
				 "read the fund ledger"},
	[LZ_PERM_LEDGER_COUNTERSIGN] = {R(LZ_ROLE_DIRECTOR) | R(LZ_ROLE_ADMIN) | R(LZ_ROLE_SYSTEM),
					"countersign a bureau's ledger"},
	/* Service cases, complaints and case assistance (cases/). Deciding and
	 * approving compare people, so they need a person: the system has no part. */
	[LZ_PERM_CASE_READ] = {R(LZ_ROLE_ADMIN) | R(LZ_ROLE_CLERK) | R(LZ_ROLE_REVIEWER) | R(LZ_ROLE_DIRECTOR) |
				       R(LZ_ROLE_INSPECTOR) | R(LZ_ROLE_DISCIPLINE) | R(LZ_ROLE_OMBUDSMAN) |
				       R(LZ_ROLE_AUDITOR) | R(LZ_ROLE_SYSTEM),
			       "read service cases"},
	[LZ_PERM_CASE_TYPE_WRITE] = {R(LZ_ROLE_ADMIN) | R(LZ_ROLE_DIRECTOR) | R(LZ_ROLE_SYSTEM),
				     "configure case types and the working calendar"},
	[LZ_PERM_CASE_HANDLE] = {R(LZ_ROLE_CLERK) | R(LZ_ROLE_REVIEWER) | R(LZ_ROLE_DIRECTOR) | R(LZ_ROLE_SYSTEM),
				 "handle service cases"},
	[LZ_PERM_CASE_DECIDE] = {R(LZ_ROLE_REVIEWER) | R(LZ_ROLE_DIRECTOR), "decide service cases"},
	[LZ_PERM_CASE_APPROVE] = {R(LZ_ROLE_DIRECTOR), "approve decisions on service cases"},
	[LZ_PERM_CASE_APPLY] = {R(LZ_ROLE_PUBLIC), "apply for a case online"},
	[LZ_PERM_CASE_LOOKUP] = {R(LZ_ROLE_PUBLIC), "look up a case by its receipt number"},
	[LZ_PERM_COMPLAINT_FILE] = {R(LZ_ROLE_PUBLIC) | R(LZ_ROLE_CLERK) | R(LZ_ROLE_DIRECTOR) | R(LZ_ROLE_SYSTEM),
				    "file a complaint"},
	[LZ_PERM_COMPLAINT_HANDLE] = {R(LZ_ROLE_DIRECTOR) | R(LZ_ROLE_DISCIPLINE) | R(LZ_ROLE_OMBUDSMAN) |
					      R(LZ_ROLE_SYSTEM),
				      "handle complaints"},
	[LZ_PERM_ASSISTANCE_ASK] = {R(LZ_ROLE_PUBLIC), "ask for case assistance"},
	[LZ_PERM_ASSISTANCE_HANDLE] = {R(LZ_ROLE_OMBUDSMAN) | R(LZ_ROLE_SYSTEM), "handle case assistance"},
};

const char *lz_role_name(lz_role role)
{
	return role > LZ_ROLE_NONE && role < LZ_ROLE_COUNT ? role_names[role] : "none";
}

lz_role lz_role_parse(const char *name)
{
	for (int r = LZ_ROLE_ADMIN; r < LZ_ROLE_SYSTEM; r++)
		if (name && strcmp(name, role_names[r]) == 0)
			return (lz_role)r;
	return LZ_ROLE_NONE;
}

bool lz_role_may(lz_role role, lz_perm perm)
{
	return role > LZ_ROLE_NONE && role < LZ_ROLE_COUNT && perm < LZ_PERM_COUNT &&
	       (perms[perm].roles & R(role)) != 0;
}

int lz_auth_require(const lz_ctx *ctx, lz_perm perm)
{
	if (lz_role_may(ctx->actor.role, perm))
		return 0;
	return lz_error_set(LZ_EFORBIDDEN, NULL, "the role '%s' may not %s", lz_role_name(ctx->actor.role),
			    perm < LZ_PERM_COUNT ? perms[perm].what : "do this");
}

void lz_auth_act_as_public(lz_ctx *ctx)
{
	memset(&ctx->actor, 0, sizeof(ctx->actor));
	ctx->actor.role = LZ_ROLE_PUBLIC;
	strcpy(ctx->actor.login, "public");
}
