/*
 * main.c — the luzhi command: one binary, subcommands in a table (tmux's cmd_entry).
 * Configuration comes from a file (--config, $LUZHI_CONFIG, or /etc/luzhi/luzhi.conf
 * when it exists), then the environment (LUZHI_DB, LUZHI_DATA_DIR, LUZHI_LISTEN, …),
 * then the flags; each later source wins. With nothing given, `luzhi serve` keeps its
 * store in ./luzhi-data and listens on 127.0.0.1:8080.
 */
#include "cli/cli.h"

#include "base/crypto.h"
#include "base/log.h"

#include <ctype.h>
#include <sodium.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static const lz_cmd *const commands[] = {
	&lz_cmd_serve,   &lz_cmd_init,        &lz_cmd_demo,      &lz_cmd_migrate, &lz_cmd_user,
	&lz_cmd_audit,   &lz_cmd_ledger,      &lz_cmd_allocation, &lz_cmd_project, &lz_cmd_payment,
	&lz_cmd_programme, &lz_cmd_beneficiary, &lz_cmd_payroll,  &lz_cmd_case_type, &lz_cmd_calendar,
	&lz_cmd_case,    &lz_cmd_stats,       &lz_cmd_complaint, &lz_cmd_assistance, &lz_cmd_copy,
	&lz_cmd_version,
};

#define NCOMMANDS (int)(sizeof(commands) / sizeof(commands[0]))

/* ---------------------------------------------------------------- exit codes */

static const struct {
	int error;
	int exit_code;
} exit_codes[] = {
	{0, 0},
	{LZ_EINVALID, 6},
	{LZ_EMALFORMED, 6},
	{LZ_ETOOBIG, 6},
	{LZ_ENOTFOUND, 4},
	{LZ_ECONFLICT, 5},
	{LZ_EFORBIDDEN, 5},
	{LZ_EAUTH, 5},
	{LZ_ETHROTTLED, 5},
	{LZ_ETAMPERED, 3},
	{LZ_EDB, 7},
	{LZ_EUNAVAILABLE, 7},
	{LZ_EIO, 8},
};

int lz_cli_exit_code(int error)
{
	for (size_t i = 0; i < sizeof(exit_codes) / sizeof(exit_codes[0]); i++)
		if (exit_codes[i].error == error)
			return exit_codes[i].exit_code;
	return 1;
}

int lz_cli_fail(int error)
{
	const lz_error *e = lz_error_last();
	if (e->field[0])
		fprintf(stderr, "luzhi: %s (%s)\n", e->message[0] ? e->message : lz_error_name(error), e->field);
	else
		fprintf(stderr, "luzhi: %s\n", e->message[0] ? e->message : lz_error_name(error));
	return lz_cli_exit_code(error);
}

/* ---------------------------------------------------------------- configuration */

typedef enum { T_STR, T_INT } key_type;

static const struct {
	const char *key, *env;
	key_type type;
	size_t offset, size;
} keys[] = {
#define S(k, e, f) {k, e, T_STR, offsetof(lz_config, f), sizeof(((lz_config *)0)->f)}
#define I(k, e, f) {k, e, T_INT, offsetof(lz_config, f), 0}
	S("db", "LUZHI_DB", db),
	S("data_dir", "LUZHI_DATA_DIR", data_dir),
	S("listen", "LUZHI_LISTEN", listen),
	I("threads", "LUZHI_THREADS", threads),
	I("pool", "LUZHI_POOL", pool),
	S("log_level", "LUZHI_LOG_LEVEL", log_level),
	S("password_cost", "LUZHI_PASSWORD_COST", password_cost),
	I("session_ttl", "LUZHI_SESSION_TTL", session_ttl),
	I("session_max_age", "LUZHI_SESSION_MAX_AGE", session_max_age),
#undef S
#undef I
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

static int set_key(lz_config *cfg, const char *key, const char *value, const char *where)
{
	for (size_t i = 0; i < NKEYS; i++) {
		if (strcmp(keys[i].key, key) != 0)
			continue;
		char *field = (char *)cfg + keys[i].offset;
		if (keys[i].type == T_STR) {
			if (strlen(value) >= keys[i].size)
				return lz_error_set(LZ_EINVALID, key, "%s: %s is too long", where, key);
			snprintf(field, keys[i].size, "%s", value);
		} else {
			char *end;
			errno = 0;
			long v = strtol(value, &end, 10);
			if (errno || end == value || *end || v < 0 || v > 1000000000)
				return lz_error_set(LZ_EINVALID, key, "%s: %s must be a whole number", where, key);
			*(int *)(void *)field = (int)v;
		}
		return 0;
	}
	return lz_error_set(LZ_EINVALID, key, "%s: unknown setting '%s'", where, key);
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* Reads "key = value" lines; '#' starts a comment. */
static int load_file(lz_config *cfg, const char *path, bool must_exist)
{
	char line[2048], where[1100];
	int n = 0, error = 0;
	FILE *f = fopen(path, "r");

	if (!f) {
		if (!must_exist && errno == ENOENT)
			return 0;
		return lz_error_set(LZ_EIO, "config", "cannot read %s: %s", path, strerror(errno));
	}
	while (error == 0 && fgets(line, sizeof(line), f)) {
		n++;
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		char *s = trim(line);
		if (!*s)
			continue;
		char *eq = strchr(s, '=');
		snprintf(where, sizeof(where), "%s:%d", path, n);
		if (!eq) {
			error = lz_error_set(LZ_EINVALID, "config", "%s: expected 'key = value'", where);
			break;
		}
		*eq = '\0';
		error = set_key(cfg, trim(s), trim(eq + 1), where);
	}
	fclose(f);
	return error;
}

static int load_config(lz_config *cfg, const char *file)
{
	int error;

	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->data_dir, sizeof(cfg->data_dir), "luzhi-data");
	snprintf(cfg->listen, sizeof(cfg->listen), "127.0.0.1:8080");
	snprintf(cfg->log_level, sizeof(cfg->log_level), "info");
	snprintf(cfg->password_cost, sizeof(cfg->password_cost), "interactive");
	cfg->threads = 2;
	cfg->session_ttl = 2 * 3600;
	cfg->session_max_age = 12 * 3600;
	cfg->body_limit = 1 << 20;

	if (!file)
		file = getenv("LUZHI_CONFIG");
	if ((error = load_file(cfg, file ? file : "/etc/luzhi/luzhi.conf", file != NULL)) < 0)
		return error;
	for (size_t i = 0; i < NKEYS; i++) {
		const char *v = getenv(keys[i].env);
		if (v && (error = set_key(cfg, keys[i].key, v, keys[i].env)) < 0)
			return error;
	}
	return 0;
}

/* ---------------------------------------------------------------- arguments */

/* Options every subcommand takes (they set configuration keys). */
static const lz_opt global_opts[] = {
	{"config", true, "configuration file"},
	{"db", true, "store: a SQLite file path, sqlite:PATH, or postgres://USER@HOST:PORT/DB"},
	{"data-dir", true, "folder for the store and files (default ./luzhi-data)"},
	{"log-level", true, "debug, info, warn or error"},
	{"help", false, "show this help"},
	{NULL, false, NULL},
};

static int find_opt(const lz_cmd *cmd, const char *name)
{
	int i = 0;
	for (const lz_opt *o = global_opts; o->name; o++, i++)
		if (strcmp(o->name, name) == 0)
			return i;
	for (const lz_opt *o = cmd->opts; o && o->name; o++, i++)
		if (strcmp(o->name, name) == 0)
			return i;
	return -1;
}

static const lz_opt *opt_at(const lz_cmd *cmd, int idx)
{
	int nglobal = (int)(sizeof(global_opts) / sizeof(global_opts[0])) - 1;
	return idx < nglobal ? &global_opts[idx] : &cmd->opts[idx - nglobal];
}

const char *lz_arg(const lz_cmd *cmd, const lz_args *a, const char *name)
{
	int i = find_opt(cmd, name);
	return i >= 0 ? a->values[i] : NULL;
}

bool lz_arg_present(const lz_cmd *cmd, const lz_args *a, const char *name)
{
	int i = find_opt(cmd, name);
	return i >= 0 && a->present[i];
}

static int parse_args(lz_args *a, const lz_cmd *cmd, int argc, char **argv)
{
	memset(a, 0, sizeof(*a));
	for (int i = 0; i < argc; i++) {
		const char *arg = argv[i];
		if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0') {
			if (a->nwords >= 8)
				return lz_error_set(LZ_EINVALID, NULL, "too many arguments");
			a->words[a->nwords++] = arg;
			continue;
		}
		char name[64];
		const char *eq = strchr(arg + 2, '=');
		size_t len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
		snprintf(name, sizeof(name), "%.*s", (int)len, arg + 2);
		int idx = find_opt(cmd, name);
		if (idx < 0 || idx >= 32)
			return lz_error_set(LZ_EINVALID, name, "unknown option --%s for '%s'", name, cmd->name);
		a->present[idx] = true;
		if (opt_at(cmd, idx)->has_value) {
			if (eq)
				a->values[idx] = eq + 1;
			else if (i + 1 < argc)
				a->values[idx] = argv[++i];
			else
				return lz_error_set(LZ_EINVALID, name, "--%s needs a value", name);
		} else if (eq) {
			return lz_error_set(LZ_EINVALID, name, "--%s takes no value", name);
		}
	}
	return 0;
}

static void print_opts(FILE *f, const lz_opt *opts)
{
	for (const lz_opt *o = opts; o && o->name; o++) {
		char left[64];
		snprintf(left, sizeof(left), "--%s%s", o->name, o->has_value ? " VALUE" : "");
		fprintf(f, "  %-24s %s\n", left, o->help);
	}
}

static void cmd_help(FILE *f, const lz_cmd *cmd)
{
	fprintf(f, "usage: luzhi %s\n\n%s\n\noptions:\n", cmd->usage, cmd->summary);
	print_opts(f, cmd->opts);
	print_opts(f, global_opts);
}

static void help(FILE *f)
{
	fprintf(f, "luzhi (履职) — duty performance and supervision for immigration bureaus\n\n"
		   "usage: luzhi COMMAND [options]\n\ncommands:\n");
	for (int i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-12s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(f, "  %-12s %s\n\n", "help", "show this help, or a command's: luzhi help COMMAND");
	fprintf(f, "Configuration: --config FILE (or $LUZHI_CONFIG, or /etc/luzhi/luzhi.conf), then the\n"
		   "environment (LUZHI_DB, LUZHI_DATA_DIR, LUZHI_LISTEN, LUZHI_THREADS, LUZHI_LOG_LEVEL, ...),\n"
		   "then flags; later sources win. See docs/operator-guide.md.\n");
}

static const lz_cmd *find_cmd(const char *name)
{
	for (int i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i]->name, name) == 0)
			return commands[i];
	return NULL;
}

/* ---------------------------------------------------------------- the store */

static lz_pw_cost parse_cost(const char *s)
{
	if (strcmp(s, "min") == 0)
		return LZ_PW_COST_MIN;
	if (strcmp(s, "moderate") == 0)
		return LZ_PW_COST_MODERATE;
	return LZ_PW_COST_INTERACTIVE;
}

/*
 * Reads a 32-byte key file, or creates it (mode 0600, random bytes) when it is
 * missing and 'create' is set. The keys are the installation's: back them up apart
 * from the store (docs/operator-guide.md).
 */
static int load_key(uint8_t out[32], const char *dir, const char *name, bool create)
{
	char path[1200];
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "%s/keys/%s", dir, name);
	if ((f = fopen(path, "rb"))) {
		size_t n = fread(out, 1, 32, f);
		int extra = fgetc(f);
		fclose(f);
		if (n != 32 || extra != EOF)
			return lz_error_set(LZ_EINVALID, "data-dir", "the key file %s is not 32 bytes", path);
		return 0;
	}
	if (errno != ENOENT || !create)
		return lz_error_set(LZ_EIO, "data-dir", "cannot read the key file %s: %s", path, strerror(errno));
	snprintf(path, sizeof(path), "%s/keys", dir);
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return lz_error_set(LZ_EIO, "data-dir", "cannot create %s: %s", path, strerror(errno));
	snprintf(path, sizeof(path), "%s/keys/%s", dir, name);
	lz_random_fill(&lz_system_random, out, 32);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600)) < 0 || write(fd, out, 32) != 32 || fsync(fd) < 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return lz_error_set(LZ_EIO, "data-dir", "cannot write the key file %s: %s", path, strerror(e));
	}
	close(fd);
	lz_log(LZ_LOG_INFO, NULL, "created the key file %s; back it up apart from the store", path);
	return 0;
}

int lz_cli_open(lz_app *app, const lz_config *cfg, bool create)
{
	lz_db_opts opts = LZ_DB_OPTS_INIT;
	char path[2100];
	const char *url = cfg->db;
	int error;

	memset(app, 0, sizeof(*app));
	if (create && mkdir(cfg->data_dir, 0700) < 0 && errno != EEXIST)
		return lz_error_set(LZ_EIO, "data-dir", "cannot create %s: %s", cfg->data_dir, strerror(errno));
	if (!url[0]) {
		snprintf(path, sizeof(path), "%s/luzhi.db", cfg->data_dir);
		url = path;
	}
	if ((error = load_key(app->keys.ledger_seed, cfg->data_dir, "ledger.seed", create)) < 0 ||
	    (error = load_key(app->keys.pd_key, cfg->data_dir, "personal-data.key", create)) < 0 ||
	    (error = load_key(app->keys.pd_index_key, cfg->data_dir, "personal-data-index.key", create)) < 0)
		return error;
	opts.pool_size = cfg->pool > 0 ? cfg->pool : cfg->threads + 2;
	opts.create = create;
	if ((error = lz_db_open(&app->db, url, &opts)) < 0)
		return error;
	if ((error = lz_db_migrate(app->db, NULL)) < 0) {
		lz_db_close(app->db);
		app->db = NULL;
		return error;
	}
	app->clock = &lz_system_clock;
	app->random = &lz_system_random;
	app->pw_cost = parse_cost(cfg->password_cost);
	app->session_ttl = cfg->session_ttl;
	app->session_max_age = cfg->session_max_age;
	app->data_dir = cfg->data_dir;
	return 0;
}

void lz_cli_close(lz_app *app)
{
	lz_db_close(app->db);
	app->db = NULL;
	sodium_memzero(&app->keys, sizeof(app->keys));
}

int lz_cli_read_secret(char *out, size_t n)
{
	if (!fgets(out, (int)n, stdin))
		return lz_error_set(LZ_EINVALID, "password", "no password on standard input");
	size_t len = strlen(out);
	if (len && out[len - 1] != '\n' && !feof(stdin))
		return lz_error_set(LZ_EINVALID, "password", "the password is too long");
	while (len && (out[len - 1] == '\n' || out[len - 1] == '\r'))
		out[--len] = '\0';
	return 0;
}

static lz_log_level parse_level(const char *s)
{
	static const char *const names[] = {"debug", "info", "warn", "error"};
	for (int i = 0; i < 4; i++)
		if (strcmp(s, names[i]) == 0)
			return (lz_log_level)i;
	return LZ_LOG_INFO;
}

int main(int argc, char **argv)
{
	const lz_cmd *cmd;
	lz_config cfg;
	lz_args args;
	int error;

	if (argc < 2 || strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		if (argc >= 3 && (cmd = find_cmd(argv[2]))) {
			cmd_help(stdout, cmd);
			return 0;
		}
		help(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!(cmd = find_cmd(argv[1]))) {
		fprintf(stderr, "luzhi: unknown command '%s'; see 'luzhi help'\n", argv[1]);
		return 2;
	}
	if ((error = parse_args(&args, cmd, argc - 2, argv + 2)) < 0) {
		lz_cli_fail(error);
		fprintf(stderr, "see 'luzhi %s --help'\n", cmd->name);
		return 2;
	}
	if (lz_arg_present(cmd, &args, "help")) {
		cmd_help(stdout, cmd);
		return 0;
	}
	if ((error = load_config(&cfg, lz_arg(cmd, &args, "config"))) < 0)
		return lz_cli_fail(error);
	static const struct {
		const char *opt, *key;
	} flag_keys[] = {{"db", "db"}, {"data-dir", "data_dir"}, {"log-level", "log_level"},
			 {"listen", "listen"}, {"threads", "threads"}};
	for (size_t i = 0; i < sizeof(flag_keys) / sizeof(flag_keys[0]); i++) {
		const char *v = lz_arg(cmd, &args, flag_keys[i].opt);
		if (v && (error = set_key(&cfg, flag_keys[i].key, v, "flag")) < 0)
			return lz_cli_fail(error);
	}
	lz_log_set_level(parse_level(cfg.log_level));
	if ((error = lz_crypto_init()) < 0)
		return lz_cli_fail(error);
	error = cmd->run(cmd, &cfg, &args);
	return error < 0 ? lz_cli_fail(error) : error;
}
