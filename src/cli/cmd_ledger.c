/* cmd_ledger.c — `luzhi ledger`: the fund ledger from the command line.
 *
 *	luzhi ledger verify [--bureau CODE]             recompute every ledger (or one) from the store
 *	luzhi ledger verify --export FILE --pubkey KEY  check an export with no store at all
 *	luzhi ledger export --bureau CODE --out FILE    entries and signed heads, for an outside auditor
 *	luzhi ledger pubkey --bureau CODE               the bureau's note verifier key
 *	luzhi ledger checkpoint --bureau CODE           sign the current head and print it
 *	luzhi ledger countersign --bureau CODE          the parent bureau countersigns CODE's head
 *
 * A ledger that does not verify, or a refused countersignature, exits with 3. */
#include "cli/cli.h"

#include "ledger/ledger.h"
#include "org/org.h"

#include <stdio.h>
#include <string.h>

static const lz_opt opts[] = {
    {"bureau", true, "administrative division code of the bureau"},
    {"out", true, "file to write the export to"},
    {"export", true, "an export file to verify (no store needed)"},
    {"pubkey", true, "the bureau's note verifier key, to verify an export"},
    {NULL, false, NULL},
};

static void print_report(const lz_ledger_report *r)
{
	if (r->ok)
		printf("luzhi: ledger verified: %d ledger(s), %lld entries, %lld signed heads\n", r->bureaus,
		       (long long)r->entries, (long long)r->checkpoints);
	else
		printf("luzhi: LEDGER DOES NOT VERIFY: %s (%s, first entry %lld)\n", r->message,
		       lz_ledger_problem_name(r->problem), (long long)r->first_bad_index);
}

/* `verify --export FILE --pubkey KEY`: only the file and the key. */
static int verify_export(const lz_cmd *cmd, lz_args *args)
{
	const char *path = lz_arg(cmd, args, "export"), *key = lz_arg(cmd, args, "pubkey");
	lz_ledger_report r;
	FILE *f;
	int error;

	if (!key)
		return lz_error_set(LZ_EINVALID, "pubkey", "give the bureau's verifier key with --pubkey");
	if (!(f = fopen(path, "rb")))
		return lz_error_set(LZ_EIO, "export", "cannot open %s", path);
	error = lz_ledger_verify_export(&r, f, key);
	fclose(f);
	if (error < 0)
		return error;
	print_report(&r);
	return r.ok ? 0 : lz_cli_exit_code(LZ_ETAMPERED);
}

static int run(const lz_cmd *cmd, lz_config *cfg, lz_args *args)
{
	const char *verb = args->nwords > 0 ? args->words[0] : NULL, *code = lz_arg(cmd, args, "bureau");
	char key[LZ_LEDGER_VKEY_MAX];
	lz_bureau b = {0};
	lz_app app;
	lz_ctx ctx;
	int error;

	if (!verb ||
	    (strcmp(verb, "verify") != 0 && strcmp(verb, "export") != 0 && strcmp(verb, "pubkey") != 0 &&
	     strcmp(verb, "checkpoint") != 0 && strcmp(verb, "countersign") != 0))
		return lz_error_set(
		    LZ_EINVALID, NULL,
		    "usage: luzhi ledger verify|export|pubkey|checkpoint|countersign [--bureau CODE]");
	if (strcmp(verb, "verify") == 0 && lz_arg(cmd, args, "export"))
		return verify_export(cmd, args);
	if (!code && strcmp(verb, "verify") != 0)
		return lz_error_set(LZ_EINVALID, "bureau", "luzhi ledger %s needs --bureau CODE", verb);
	if (strcmp(verb, "export") == 0 && !lz_arg(cmd, args, "out"))
		return lz_error_set(LZ_EINVALID, "out", "luzhi ledger export needs --out FILE");
	if ((error = lz_cli_open(&app, cfg, false)) < 0)
		return error;
	lz_ctx_init(&ctx, &app, "cli", "cli");
	lz_ctx_act_as_system(&ctx, "cli:ledger");
	if (code && (error = lz_bureau_by_code(&b, &ctx, code)) < 0)
		goto done;

	if (strcmp(verb, "verify") == 0) {
		lz_ledger_report r;
		if ((error = lz_ledger_verify(&r, &ctx, b.id)) == 0) {
			print_report(&r);
			if (!r.ok)
				error = lz_cli_exit_code(LZ_ETAMPERED);
		}
	} else if (strcmp(verb, "export") == 0) {
		const char *out = lz_arg(cmd, args, "out");
		FILE *f = strcmp(out, "-") == 0 ? stdout : fopen(out, "wb");
		if (!f) {
			error = lz_error_set(LZ_EIO, "out", "cannot create %s", out);
			goto done;
		}
		error = lz_ledger_export(&ctx, b.id, f);
		if (f != stdout && fclose(f) != 0 && error == 0)
			error = lz_error_set(LZ_EIO, "out", "cannot write %s", out);
		if (error == 0 && f != stdout)
			fprintf(stderr, "luzhi: ledger of %s exported to %s\n", b.code, out);
	} else if (strcmp(verb, "pubkey") == 0) {
		if ((error = lz_ledger_pubkey(key, &ctx, b.id)) == 0)
			printf("%s\n", key);
	} else if (strcmp(verb, "checkpoint") == 0) {
		lz_ledger_checkpoint_t cp;
		if ((error = lz_ledger_checkpoint(&cp, &ctx, b.id)) == 0)
			fputs(cp.note, stdout);
	} else {
		lz_ledger_checkpoint_t cp;
		if ((error = lz_ledger_countersign(&cp, &ctx, b.id)) == 0)
			fputs(cp.note, stdout);
	}
done:
	lz_ctx_done(&ctx);
	lz_cli_close(&app);
	return error;
}

const lz_cmd lz_cmd_ledger = {
    "ledger",
    "ledger verify [--bureau CODE] | verify --export FILE --pubkey KEY | export --bureau CODE --out FILE | "
    "pubkey --bureau CODE | checkpoint --bureau CODE | countersign --bureau CODE",
    "verify, export and sign the fund ledger", opts, run};
