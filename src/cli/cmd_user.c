/* cmd_user.c — `luzhi user add|passwd|list|disable|enable`. The CLI acts as the system
 * operator; the rules (login, role, scope, password length) are the auth module's. */
#include "cli/cli.h"

#include "auth/auth.h"

#include <stdlib.h>
#include <string.h>

static const lz_opt opts[] = {
	{"role", true, "role of a new account (admin, clerk, reviewer, finance, director, inspector, "
		       "discipline, ombudsman, auditor)"},
	{"bureau", true, "administrative division code of the account's bureau"},
	{"staff", true, "id of the staff record to link the account to"},
	{"password-stdin", false, "read the password from standard input"},
	{NULL, false, NULL},
};

static int run(const lz_cmd *cmd, lz_config *cfg, lz_args *args)
{
	const char *verb = args->nwords > 0 ? args->words[0] : NULL;
	const char *login = args->nwords > 1 ? args->words[1] : NULL;
	char password[LZ_PASSWORD_MAX + 2] = "";
	lz_app app;
	lz_ctx ctx;
	int error;

	if (!verb)
		return lz_error_set(LZ_EINVALID, NULL, "usage: luzhi user add|passwd|list|disable|enable ...");
	bool needs_login = strcmp(verb, "list") != 0;
	if (needs_login && !login)
		return lz_error_set(LZ_EINVALID, "login", "luzhi user %s needs a LOGIN", verb);
	bool needs_password = strcmp(verb, "add") == 0 || strcmp(verb, "passwd") == 0;
	if (needs_password) {
		if (!lz_arg_present(cmd, args, "password-stdin"))
			return lz_error_set(LZ_EINVALID, "password-stdin",
					    "give the password on standard input with --password-stdin");
		if ((error = lz_cli_read_secret(password, sizeof(password))) < 0)
			return error;
	}
	if ((error = lz_cli_open(&app, cfg, true)) < 0)
		return error;
	lz_ctx_init(&ctx, &app, "cli", "cli");
	lz_ctx_act_as_system(&ctx, "cli:user");

	if (strcmp(verb, "add") == 0) {
		const char *staff = lz_arg(cmd, args, "staff");
		int64_t id = 0, staff_id = staff ? strtoll(staff, NULL, 10) : 0;
		if (staff && staff_id <= 0) {
			error = lz_error_set(LZ_EINVALID, "staff", "--staff must be a staff id");
			goto done;
		}
		error = lz_user_add(&id, &ctx, login, lz_arg(cmd, args, "role"), lz_arg(cmd, args, "bureau"), password,
				    staff_id);
		if (error == 0)
			printf("luzhi: account '%s' created (id %lld)\n", login, (long long)id);
	} else if (strcmp(verb, "passwd") == 0) {
		if ((error = lz_user_passwd(&ctx, login, password)) == 0)
			printf("luzhi: password of '%s' changed; its sessions ended\n", login);
	} else if (strcmp(verb, "disable") == 0 || strcmp(verb, "enable") == 0) {
		bool on = strcmp(verb, "enable") == 0;
		if ((error = lz_user_set_active(&ctx, login, on)) == 0)
			printf("luzhi: account '%s' %s\n", login, on ? "enabled" : "disabled");
	} else if (strcmp(verb, "list") == 0) {
		lz_user *users;
		size_t n;
		int64_t after = 0;
		printf("%-6s %-20s %-11s %-7s %-6s %s\n", "id", "login", "role", "bureau", "staff", "active");
		do {
			if ((error = lz_user_list(&users, &n, &ctx, after, 200)) < 0)
				break;
			for (size_t i = 0; i < n; i++) {
				lz_user *u = &users[i];
				printf("%-6lld %-20s %-11s %-7s %-6lld %s\n", (long long)u->id, u->login,
				       lz_role_name(u->role), u->bureau_code, (long long)u->staff_id,
				       u->active ? "yes" : "no");
				after = u->id;
			}
			free(users);
		} while (n == 200);
	} else {
		error = lz_error_set(LZ_EINVALID, NULL, "unknown 'user' command '%s'", verb);
	}
done:
	memset(password, 0, sizeof(password));
	lz_ctx_done(&ctx);
	lz_cli_close(&app);
	return error;
}

const lz_cmd lz_cmd_user = {"user",
			    "user add LOGIN --role ROLE --bureau CODE --password-stdin | user passwd LOGIN "
			    "--password-stdin | user list | user disable LOGIN | user enable LOGIN",
			    "manage user accounts", opts, run};
