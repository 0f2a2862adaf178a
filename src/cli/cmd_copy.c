/* cmd_copy.c — `luzhi copy --from URL --to URL`: moves a whole store between backends
 * (SQLite → PostgreSQL when a deployment outgrows one machine), then checks the counts
 * and verifies the audit chain on the copy. */
#include "cli/cli.h"

#include "audit/audit.h"
#include "base/buf.h"

static const lz_opt opts[] = {
	{"from", true, "the source store (a SQLite path, sqlite:PATH or postgres://…)"},
	{"to", true, "the target store; it must be empty"},
	{NULL, false, NULL},
};

static int run(const lz_cmd *cmd, lz_config *cfg, lz_args *args)
{
	const char *from_url = lz_arg(cmd, args, "from"), *to_url = lz_arg(cmd, args, "to");
	lz_db_opts from_opts = LZ_DB_OPTS_INIT, to_opts = LZ_DB_OPTS_INIT;
	lz_copy_count counts[64];
	lz_db *from = NULL, *to = NULL;
	lz_audit_report report;
	int error, n = 0;

	(void)cfg;
	if (!from_url)
		return lz_error_set(LZ_EINVALID, "from", "give the source store with --from");
	if (!to_url)
		return lz_error_set(LZ_EINVALID, "to", "give the target store with --to");
	from_opts.pool_size = to_opts.pool_size = 1;
	from_opts.create = false;
	if ((error = lz_db_open(&from, from_url, &from_opts)) < 0 || (error = lz_db_open(&to, to_url, &to_opts)) < 0)
		goto done;
	int version = 0;
	if ((error = lz_db_version(from, &version)) < 0)
		goto done;
	if (version != lz_migrations_latest()) {
		error = lz_error_set(LZ_ECONFLICT, "from",
				     "the source is at schema version %d; run 'luzhi migrate' on it first (this luzhi: %d)",
				     version, lz_migrations_latest());
		goto done;
	}
	if ((error = lz_db_migrate(to, NULL)) < 0)
		goto done;
	printf("luzhi: copying %s store to %s store\n", lz_db_backend(from), lz_db_backend(to));
	if ((error = lz_store_copy(from, to, counts, 64, &n, stdout)) < 0)
		goto done;

	lz_app app = {.db = to, .clock = &lz_system_clock, .random = &lz_system_random};
	lz_ctx ctx;
	lz_ctx_init(&ctx, &app, "cli", "copy");
	lz_ctx_act_as_system(&ctx, "cli:copy");
	error = lz_audit_verify(&report, &ctx);
	lz_ctx_done(&ctx);
	if (error < 0)
		goto done;
	if (!report.ok) {
		printf("luzhi: THE COPY'S AUDIT LOG DOES NOT VERIFY: %s\n", report.message);
		error = lz_cli_exit_code(LZ_ETAMPERED);
		goto done;
	}
	char head[65];
	lz_hex(head, report.head, sizeof(report.head));
	printf("luzhi: copy complete; audit log verified on the target: %lld entries, head %s\n",
	       (long long)report.count, head);
done:
	lz_db_close(from);
	lz_db_close(to);
	return error;
}

const lz_cmd lz_cmd_copy = {"copy", "copy --from URL --to URL",
			    "copy a whole store to another backend, then verify counts and the audit chain", opts, run};
