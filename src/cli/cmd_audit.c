/* cmd_audit.c — `luzhi audit verify`: recompute the audit chain and name the first
 * entry that was altered, is missing or is out of order. Exit code 3 when it fails. */
#include "cli/cli.h"

#include "audit/audit.h"
#include "base/buf.h"

#include <string.h>

static const lz_opt opts[] = {
	{NULL, false, NULL},
};

static int run(const lz_cmd *cmd, lz_config *cfg, lz_args *args)
{
	lz_audit_report r;
	lz_app app;
	lz_ctx ctx;
	int error;

	(void)cmd;
	if (args->nwords < 1 || strcmp(args->words[0], "verify") != 0)
		return lz_error_set(LZ_EINVALID, NULL, "usage: luzhi audit verify");
	if ((error = lz_cli_open(&app, cfg, false)) < 0)
		return error;
	lz_ctx_init(&ctx, &app, "cli", "cli");
	lz_ctx_act_as_system(&ctx, "cli:audit");
	if ((error = lz_audit_verify(&r, &ctx)) == 0) {
		char head[65];
		lz_hex(head, r.head, sizeof(r.head));
		if (r.ok) {
			printf("luzhi: audit log verified: %lld entries, head %s\n", (long long)r.count, head);
		} else {
			printf("luzhi: AUDIT LOG DOES NOT VERIFY: %s (%s)\n", r.message, lz_audit_problem_name(r.problem));
			error = lz_cli_exit_code(LZ_ETAMPERED);
		}
	}
	lz_ctx_done(&ctx);
	lz_cli_close(&app);
	return error;
}

const lz_cmd lz_cmd_audit = {"audit", "audit verify [--db URL | --data-dir DIR]",
			     "verify the hash-chained audit log", opts, run};
