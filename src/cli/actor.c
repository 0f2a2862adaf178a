/*
 * actor.c — who a domain subcommand acts as (see cli.h): the system, or a person
 * signed in with --as LOGIN through the same session function as the API's sign-in,
 * so that every rule about who may do what holds on the command line as it does
 * over HTTP.
 */
#include "cli/cli.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* The password of --as: $LUZHI_PASSWORD (when set and not empty), or a line of
 * standard input (not echoed on a terminal). */
static int read_password(char *out, size_t n, const char *login)
{
	const char *env = getenv("LUZHI_PASSWORD");
	struct termios old, quiet;
	int error;

	if (env && *env) {
		if (strlen(env) >= n)
			return lz_error_set(LZ_EINVALID, "password", "the password is too long");
		snprintf(out, n, "%s", env);
		return 0;
	}
	if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		fprintf(stderr, "password for %s: ", login);
		fflush(stderr);
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
		error = lz_cli_read_secret(out, n);
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
		return error;
	}
	return lz_cli_read_secret(out, n);
}

int lz_cli_actor_open(lz_cli_actor *a, const lz_cmd *cmd, const lz_config *cfg, const lz_args *args)
{
	const char *login = lz_arg(cmd, args, "as");
	char password[LZ_PASSWORD_MAX + 2] = "", who[64];
	int error;

	memset(a, 0, sizeof(*a));
	if (login && (error = read_password(password, sizeof(password), login)) < 0)
		return error;
	if ((error = lz_cli_open(&a->app, cfg, false)) < 0) {
		sodium_memzero(password, sizeof(password));
		return error;
	}
	lz_ctx_init(&a->ctx, &a->app, "cli", "cli");
	a->ctx.address = "cli";
	snprintf(who, sizeof(who), "cli:%s", cmd->name);
	lz_ctx_act_as_system(&a->ctx, who);
	a->open = true;
	if (login) {
		error = lz_session_create(&a->session, &a->ctx, login, password);
		sodium_memzero(password, sizeof(password));
		if (error < 0) {
			lz_cli_actor_close(a);
			return error;
		}
		a->person = true;
	}
	return 0;
}

int lz_cli_actor_hint(const lz_cli_actor *a, int error)
{
	if (error != LZ_EFORBIDDEN || a->person)
		return error;
	error = lz_cli_fail(error);
	fprintf(stderr, "luzhi: this is an act of a person, not of the system: sign in with --as LOGIN "
	                "(the password from $LUZHI_PASSWORD or standard input)\n");
	return error;
}

void lz_cli_actor_close(lz_cli_actor *a)
{
	if (!a->open)
		return;
	if (a->person) {
		int e = lz_session_end(&a->ctx, a->session.token);
		(void)e; /* the session expires on its own if the store refuses */
		sodium_memzero(&a->session, sizeof(a->session));
		a->person = false;
	}
	lz_ctx_done(&a->ctx);
	lz_cli_close(&a->app);
	a->open = false;
}
