/*
 * auth.h — roles and what each may do, user accounts, passwords and sessions.
 *
 * Invariants kept here:
 * - Passwords are stored only as argon2id hashes (libsodium's encoded form).
 * - A session token is 256 random bits, shown to the client once; the store keeps
 *   only its SHA-256. A session expires after an idle time and an absolute age.
 * - Cookie sessions carry a CSRF token; the HTTP shell checks it on every write.
 * - Sign-in is throttled per account and per client address (LZ_ETHROTTLED), and a
 *   failure never says whether the login exists.
 * - Every permission check is made here, through lz_auth_require, so no entry point
 *   can skip it.
 */
#ifndef LZ_AUTH_AUTH_H
#define LZ_AUTH_AUTH_H

#include "core/ctx.h"

#include <jansson.h>

/* What a role may do. One row per permission in the table in roles.c. */
typedef enum {
	LZ_PERM_ORG_READ,      /* bureaus, departments, staff in scope */
	LZ_PERM_ORG_WRITE,     /* staff and departments */
	LZ_PERM_BUREAU_WRITE,  /* create bureaus */
	LZ_PERM_USER_READ,
	LZ_PERM_USER_WRITE,
	LZ_PERM_AUDIT_READ,
	LZ_PERM_FILE_READ,         /* evidence files in scope */
	LZ_PERM_FILE_WRITE,        /* store evidence files */
	LZ_PERM_BENEFICIARY_READ,  /* the beneficiaries register and programmes (masked) */
	LZ_PERM_BENEFICIARY_WRITE, /* register beneficiaries, change their status */
	LZ_PERM_BENEFICIARY_ERASE, /* erase a beneficiary's personal data (personal-information law) */
	LZ_PERM_PROGRAMME_WRITE,   /* create support programmes */
	LZ_PERM_FUNDS_READ,        /* allocations, projects, acceptance, payments in scope */
	LZ_PERM_ALLOCATION_WRITE,  /* allocate money down the hierarchy */
	LZ_PERM_PROJECT_WRITE,     /* register resettlement projects */
	LZ_PERM_INSPECT,           /* review a stage's materials, inspect its site */
	LZ_PERM_ACCEPT_SIGN,       /* sign a stage's acceptance */
	LZ_PERM_PAYMENT_PREPARE,   /* prepare a payment (maker) */
	LZ_PERM_PAYMENT_APPROVE,   /* approve a payment (checker) */
	LZ_PERM_PAYMENT_SETTLE,    /* record a payment paid, cancel or reverse it */
	LZ_PERM_LEDGER_READ,        /* the fund ledger: heads, entries, proofs, verification */
	LZ_PERM_LEDGER_COUNTERSIGN, /* countersign a child bureau's ledger head */
	/* service cases, complaints, case assistance (cases/) */
	LZ_PERM_CASE_READ,          /* cases, case types, calendars, statistics in scope */
	LZ_PERM_CASE_TYPE_WRITE,    /* configure case types and the working calendar */
	LZ_PERM_CASE_HANDLE,        /* receive, accept, assign, review, request evidence, close */
	LZ_PERM_CASE_DECIDE,        /* propose a decision: the first approval level */
	LZ_PERM_CASE_APPROVE,       /* the approval levels above the first */
	LZ_PERM_CASE_APPLY,         /* the public: apply online */
	LZ_PERM_CASE_LOOKUP,        /* the public: status by receipt number and check code */
	LZ_PERM_COMPLAINT_FILE,     /* the public (and staff at the window): file a complaint */
	LZ_PERM_COMPLAINT_HANDLE,   /* assign and reply to complaints, read their analytics */
	LZ_PERM_ASSISTANCE_ASK,     /* the public: ask for case assistance */
	LZ_PERM_ASSISTANCE_HANDLE,  /* the ombudsman: act on assistance requests, systemic issues */
	LZ_PERM_COUNT
} lz_perm;

const char *lz_role_name(lz_role role);
/* LZ_ROLE_NONE when 'name' is not a role users may have. */
lz_role lz_role_parse(const char *name);
bool lz_role_may(lz_role role, lz_perm perm);
/* 0, or LZ_EFORBIDDEN naming what the actor's role may not do. */
int lz_auth_require(const lz_ctx *ctx, lz_perm perm) LZ_MUST_USE;

/* ---------------------------------------------------------------- accounts */

typedef struct {
	int64_t id;
	int64_t bureau_id;
	char bureau_code[8];
	char login[64];
	lz_role role;
	int64_t staff_id; /* 0 when not linked */
	bool active;
	int64_t created_at;
} lz_user;

#define LZ_PASSWORD_MIN 8
#define LZ_PASSWORD_MAX 128

/*
 * Creates an account in the bureau with administrative code 'bureau_code'. Validates
 * the login (3–32 of a-z 0-9 . _ -), the role, the password length, and that the
 * bureau is within the actor's scope. Audited. *out_id may be NULL.
 */
int lz_user_add(int64_t *out_id, lz_ctx *ctx, const char *login, const char *role, const char *bureau_code,
		const char *password, int64_t staff_id) LZ_MUST_USE;
/* Sets a new password and ends the user's sessions. Audited. */
int lz_user_passwd(lz_ctx *ctx, const char *login, const char *password) LZ_MUST_USE;
/* Enables or disables an account (disabling ends its sessions). Audited. */
int lz_user_set_active(lz_ctx *ctx, const char *login, bool active) LZ_MUST_USE;

/* Lists the accounts in scope, ordered by id after 'after_id', at most 'limit'.
 * The caller frees *out with free(). */
int lz_user_list(lz_user **out, size_t *count, lz_ctx *ctx, int64_t after_id, int limit) LZ_MUST_USE;

/* The user as the API shows it (with bureau and staff name). Caller owns. */
int lz_user_json(json_t **out, lz_ctx *ctx, int64_t user_id) LZ_MUST_USE;

/* ---------------------------------------------------------------- sessions */

/* Failed sign-ins are counted over this many seconds; a throttled client may try
 * again when the window has passed (the HTTP shell's Retry-After). */
#define LZ_SIGNIN_THROTTLE_WINDOW 900

#define LZ_TOKEN_CHARS 43 /* 32 bytes, base64url without padding */

typedef struct {
	char token[LZ_TOKEN_CHARS + 1]; /* shown once */
	char csrf[LZ_TOKEN_CHARS + 1];
	int64_t user_id;
	int64_t expires_at;
} lz_session;

/*
 * Signs in: checks throttling for the login and for ctx->address, verifies the
 * password, and creates a session. On success the actor of ctx becomes the user.
 * Failure is LZ_EAUTH (the same for an unknown login and a wrong password) or
 * LZ_ETHROTTLED. Audited (both the sign-in and failures are counted).
 */
int lz_session_create(lz_session *out, lz_ctx *ctx, const char *login, const char *password) LZ_MUST_USE;

/*
 * Resolves a token to its session and sets ctx->actor. LZ_EAUTH for an unknown,
 * revoked or expired token. *csrf_out (may be NULL) receives the CSRF token.
 */
int lz_session_resume(lz_ctx *ctx, const char *token, char csrf_out[LZ_TOKEN_CHARS + 1]) LZ_MUST_USE;

/* Ends the session of 'token'. */
int lz_session_end(lz_ctx *ctx, const char *token) LZ_MUST_USE;

/* Makes a user the actor of ctx (used by tests and the session code). */
int lz_auth_act_as(lz_ctx *ctx, int64_t user_id) LZ_MUST_USE;

/*
 * Makes the public the actor of ctx: no account, no bureau, login "public", the
 * role LZ_ROLE_PUBLIC, which may only apply, look up a case by receipt number and
 * check code, complain and ask for case assistance. The portal's handlers call it.
 */
void lz_auth_act_as_public(lz_ctx *ctx);

#endif
