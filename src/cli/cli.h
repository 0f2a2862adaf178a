/*
 * cli.h — what the luzhi command's subcommands share: the configuration (file,
 * then environment, then flags — later wins), option parsing, the exit-code table,
 * and opening the store.
 */
#ifndef LZ_CLI_CLI_H
#define LZ_CLI_CLI_H

#include "auth/auth.h"
#include "core/ctx.h"

#include <stdbool.h>
#include <stdio.h>

typedef struct {
	char db[1024];          /* store URL; default DATA_DIR/luzhi.db */
	char data_dir[1024];    /* default ./luzhi-data */
	char listen[128];       /* default 127.0.0.1:8080 */
	int threads;            /* HTTP worker threads, default 2 */
	int pool;               /* store connections, default threads + 2 */
	char log_level[16];     /* debug | info | warn | error */
	char password_cost[16]; /* interactive | moderate | min */
	int session_ttl, session_max_age;
	long body_limit;
} lz_config;

/* A subcommand's options: name, whether it takes a value, help text. */
typedef struct {
	const char *name;
	bool has_value;
	const char *help;
} lz_opt;

/* The parsed command line of a subcommand: options found and positional words. */
typedef struct {
	const char *values[32];
	bool present[32];
	const char *words[8];
	int nwords;
} lz_args;

typedef struct lz_cmd {
	const char *name;
	const char *usage;
	const char *summary;
	const lz_opt *opts; /* NULL-terminated by name */
	int (*run)(const struct lz_cmd *cmd, lz_config *cfg, lz_args *args);
} lz_cmd;

/* Exit codes, one table (main.c). */
int lz_cli_exit_code(int error);
/* Prints the last error to stderr ("luzhi: message (field)") and returns its exit code. */
int lz_cli_fail(int error);

/* The value of option 'name' (NULL when absent). */
const char *lz_arg(const lz_cmd *cmd, const lz_args *a, const char *name);
bool lz_arg_present(const lz_cmd *cmd, const lz_args *a, const char *name);

/* Opens (creating when asked) and migrates the store named by the configuration,
 * loads (creating when missing) the key files of the data folder, and fills 'app'.
 * Close with lz_cli_close. */
int lz_cli_open(lz_app *app, const lz_config *cfg, bool create) LZ_MUST_USE;
void lz_cli_close(lz_app *app);

/* Reads one line (a password) from standard input, without its newline. */
int lz_cli_read_secret(char *out, size_t n) LZ_MUST_USE;

/* Who a domain subcommand acts as: the system ("cli:NAME"), or the person of the
 * account given with --as LOGIN, signed in as the API signs in (the password from
 * $LUZHI_PASSWORD, or a line of standard input, not echoed on a terminal). */
typedef struct {
	lz_app app;
	lz_ctx ctx;
	bool open;
	bool person; /* signed in with --as */
	lz_session session;
} lz_cli_actor;

/* Opens the store and signs in when --as is given (the command must offer "as"). */
int lz_cli_actor_open(lz_cli_actor *a, const lz_cmd *cmd, const lz_config *cfg,
                      const lz_args *args) LZ_MUST_USE;
/* After a refusal as the system (LZ_EFORBIDDEN), says on stderr that the act is a
 * person's and how to sign in; answers the exit code then, else 'error' unchanged. */
int lz_cli_actor_hint(const lz_cli_actor *a, int error);
/* Ends the session (if any), the context and the store. Safe to call twice. */
void lz_cli_actor_close(lz_cli_actor *a);

/* The subcommands, each in its cmd_<name>.c. */
extern const lz_cmd lz_cmd_serve, lz_cmd_init, lz_cmd_demo, lz_cmd_migrate, lz_cmd_user, lz_cmd_audit,
    lz_cmd_version, lz_cmd_copy, lz_cmd_ledger;
/* The funds domain (cmd_funds.c). */
extern const lz_cmd lz_cmd_allocation, lz_cmd_project, lz_cmd_payment, lz_cmd_programme, lz_cmd_beneficiary,
    lz_cmd_payroll;
/* Service cases (cmd_cases.c). */
extern const lz_cmd lz_cmd_case_type, lz_cmd_calendar, lz_cmd_case, lz_cmd_stats, lz_cmd_complaint,
    lz_cmd_assistance;

#endif
