/* cmd_store.c — `luzhi init`, `luzhi demo`, `luzhi migrate`, `luzhi version`. */
#include "cli/cli.h"

#include "auth/auth.h"
#include "demo/demo.h"
#include "org/org.h"

#include <stdlib.h>
#include <string.h>

#define DEMO_PASSWORD "luzhi-demo-2026"

static const char sql_count_bureaus[] = "SELECT COUNT(*) FROM bureau";

/* True when the store already holds an organisation. */
static int store_has_data(bool *out, lz_ctx *ctx)
{
	lz_conn *c;
	int64_t n = 0;
	int error;
	if ((error = lz_ctx_conn(&c, ctx)) < 0 || (error = lz_exec_int(&n, c, sql_count_bureaus, true, NULL)) < 0)
		return error;
	*out = n > 0;
	return 0;
}

/* ---------------------------------------------------------------- init */

static const lz_opt init_opts[] = {
	{"bureau-code", true, "administrative division code of the top bureau (default 100000)"},
	{"bureau-name", true, "its name (default 国家移民管理局)"},
	{"level", true, "its level: national, province, city or county (default national)"},
	{"admin", true, "login of the first administrator (default admin)"},
	{"password-stdin", false, "read the administrator's password from standard input"},
	{NULL, false, NULL},
};

static int run_init(const lz_cmd *cmd, lz_config *cfg, lz_args *args)
{
	const char *code = lz_arg(cmd, args, "bureau-code"), *name = lz_arg(cmd, args, "bureau-name"),
		   *level = lz_arg(cmd, args, "level"), *admin = lz_arg(cmd, args, "admin");
	char password[LZ_PASSWORD_MAX + 2];
	lz_bureau_input in = {code ? code : "100000", name ? name : "国家移民管理局", "", level ? level : "national",
			      0};
	lz_app app;
	lz_ctx ctx;
	bool has;
	int error;

	if (!lz_arg_present(cmd, args, "password-stdin"))
		return lz_error_set(LZ_EINVALID, "password-stdin",
				    "give the administrator's password on standard input with --password-stdin");
	if ((error = lz_cli_read_secret(password, sizeof(password))) < 0)
		return error;
	if ((error = lz_cli_open(&app, cfg, true)) < 0)
		return error;
	lz_ctx_init(&ctx, &app, "cli", "init");
	lz_ctx_act_as_system(&ctx, "cli:init");
	if ((error = store_has_data(&has, &ctx)) < 0)
		goto done;
	if (has) {
		error = lz_error_set(LZ_ECONFLICT, NULL, "the store already holds an organisation; nothing changed");
		goto done;
	}
	if ((error = lz_bureau_create(NULL, &ctx, &in)) < 0 ||
	    (error = lz_user_add(NULL, &ctx, admin ? admin : "admin", "admin", in.code, password, 0)) < 0)
		goto done;
	printf("luzhi: new store ready: bureau %s %s, administrator '%s'\n", in.code, in.name, admin ? admin : "admin");
done:
	lz_ctx_done(&ctx);
	lz_cli_close(&app);
	return error;
}

const lz_cmd lz_cmd_init = {"init", "init [--bureau-code CODE] [--admin LOGIN] --password-stdin",
			    "create a new empty store with its top bureau and first administrator", init_opts,
			    run_init};

/* ---------------------------------------------------------------- demo */

static const lz_opt demo_opts[] = {
	{NULL, false, NULL},
};

static const lz_opt demo_load_opts[] = {
	{"size", true, "small (the default: quick, for tests) or large (two years of busy windows)"},
	{NULL, false, NULL},
};

static int print_logins(lz_ctx *ctx)
{
	lz_user *users;
	size_t n;
	int error;
	if ((error = lz_user_list(&users, &n, ctx, 0, 200)) < 0)
		return error;
	printf("luzhi: the store already holds data; its accounts that can sign in:\n");
	for (size_t i = 0; i < n; i++)
		if (users[i].active)
			printf("  %-12s %-11s bureau %s\n", users[i].login, lz_role_name(users[i].role),
			       users[i].bureau_code);
	printf("The demo accounts' password is %s unless it was changed.\n", DEMO_PASSWORD);
	free(users);
	return 0;
}

static int run_demo(const lz_cmd *cmd, lz_config *cfg, lz_args *args)
{
	lz_app app;
	lz_ctx ctx;
	bool has;
	int error;

	lz_demo_opts opts = LZ_DEMO_OPTS_INIT;
	const char *size = lz_arg(cmd, args, "size");

	if (size && strcmp(size, "large") == 0)
		opts.cases = LZ_DEMO_CASES_LARGE;
	else if (size && strcmp(size, "small") != 0)
		return lz_error_set(LZ_EINVALID, "size", "--size is small or large");
	if ((error = lz_cli_open(&app, cfg, true)) < 0)
		return error;
	lz_ctx_init(&ctx, &app, "cli", "demo");
	lz_ctx_act_as_system(&ctx, "cli:demo");
	if ((error = store_has_data(&has, &ctx)) < 0)
		goto done;
	error = has ? print_logins(&ctx) : lz_demo_load_opts(&ctx, DEMO_PASSWORD, stdout, &opts);
done:
	lz_ctx_done(&ctx);
	lz_cli_close(&app);
	return error;
}

const lz_cmd lz_cmd_demo = {"demo", "demo [--size small|large] [--data-dir DIR | --db URL]",
			    "fill a new store with the demo data set and print the demo logins", demo_load_opts,
			    run_demo};

/* ---------------------------------------------------------------- migrate */

static int run_migrate(const lz_cmd *cmd, lz_config *cfg, lz_args *args)
{
	lz_app app;
	int error, version = 0;

	(void)cmd;
	(void)args;
	if ((error = lz_cli_open(&app, cfg, true)) < 0)
		return error;
	error = lz_db_version(app.db, &version);
	if (error == 0)
		printf("luzhi: store at schema version %d (this luzhi knows %d)\n", version, lz_migrations_latest());
	lz_cli_close(&app);
	return error;
}

const lz_cmd lz_cmd_migrate = {"migrate", "migrate [--db URL | --data-dir DIR]",
			       "apply the store's pending migrations", demo_opts, run_migrate};

/* ---------------------------------------------------------------- version */

static int run_version(const lz_cmd *cmd, lz_config *cfg, lz_args *args)
{
	(void)cmd;
	(void)cfg;
	(void)args;
	printf("luzhi %s (schema %d)\n", LUZHI_VERSION, lz_migrations_latest());
	return 0;
}

const lz_cmd lz_cmd_version = {"version", "version", "print the version", demo_opts, run_version};
