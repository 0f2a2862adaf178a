/*
 * cmd_funds.c — the funds domain from the command line: `luzhi beneficiary`,
 * `programme`, `payroll`, `payment`, `allocation` and `project`.
 *
 * A thin shell: every verb calls the same domain function as the HTTP API, so no
 * rule can be bypassed here. Acts that compare people (preparing, approving,
 * settling) need a person: `--as LOGIN` signs that account in through
 * lz_session_create, as the API's sign-in does (throttling included), with the
 * password from $LUZHI_PASSWORD or standard input (not echoed on a terminal), and
 * the command acts with its role and scope; the session ends when the command
 * does. Without --as the command acts as the system, which the roles table keeps
 * out of person acts: that refusal is printed with a hint to use --as.
 *
 * Each noun is one lz_cmd with a table of verbs. Listings print a table, or with
 * --json the page as {"items": […], "next_cursor": …}; `show` prints the record's
 * JSON.
 *
 * The beneficiary importer reads a CSV file whose header is
 *	id_number,name,village,household_id,relocated_on,bank_account
 * (UTF-8, an optional BOM, fields quoted as RFC 4180 allows). Every row is checked,
 * by lz_beneficiary_create itself, inside one transaction; when any row is bad,
 * each is reported as FILE:LINE: field: message (the first IMPORT_ERRORS_SHOWN of
 * them) and the transaction is rolled back, so nothing is written. Lines are at
 * most IMPORT_LINE_MAX bytes and a file at most IMPORT_ROWS_MAX rows.
 */
#include "cli/cli.h"

#include "auth/auth.h"
#include "base/buf.h"
#include "base/csv.h"
#include "base/json.h"
#include "funds/beneficiary.h"
#include "funds/funds.h"
#include "funds/payroll.h"
#include "org/org.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define IMPORT_LINE_MAX 1024
#define IMPORT_ROWS_MAX 100000
#define IMPORT_ERRORS_SHOWN 50
#define IMPORT_FIELDS 6

/* ---------------------------------------------------------------- the shell */

typedef struct {
	const lz_cmd *cmd;
	lz_args *args;
	lz_cli_actor a; /* the store, and who acts */
} shell;

typedef struct {
	const char *verb;
	int words;         /* positional words after the verb */
	const char *usage; /* of the verb, after "luzhi NOUN " */
	int (*run)(shell *s);
} verb_entry;

static const char *opt(shell *s, const char *name)
{
	return lz_arg(s->cmd, s->args, name);
}

static bool flag(shell *s, const char *name)
{
	return lz_arg_present(s->cmd, s->args, name);
}

/* A positive whole number (an id, an amount in fen, a year) from text, or LZ_EINVALID naming 'field'. */
static int parse_int(int64_t *out, const char *text, const char *field)
{
	char *end;
	long long v;

	if (!text || !*text)
		return lz_error_set(LZ_EINVALID, field, "%s is required", field);
	errno = 0;
	v = strtoll(text, &end, 10);
	if (errno || *end || v <= 0 || text[0] == '+' || text[0] == ' ')
		return lz_error_set(LZ_EINVALID, field, "%s must be a positive whole number", field);
	*out = v;
	return 0;
}

/* Positional word 'i' (after the verb) as an id. */
static int word_id(int64_t *out, shell *s, int i, const char *field)
{
	return parse_int(out, s->args->nwords > i ? s->args->words[i] : NULL, field);
}

/* An optional id option: 0 when absent. */
static int opt_id(int64_t *out, shell *s, const char *name, const char *field)
{
	const char *v = opt(s, name);
	*out = 0;
	return v ? parse_int(out, v, field) : 0;
}

/* --bureau CODE as a bureau id in scope; 0 when absent. */
static int opt_bureau(int64_t *out, shell *s, bool required)
{
	const char *code = opt(s, "bureau");
	lz_bureau b;
	int error;

	*out = 0;
	if (!code)
		return required
		           ? lz_error_set(LZ_EINVALID, "bureau", "give the bureau's code with --bureau CODE")
		           : 0;
	if ((error = lz_bureau_by_code(&b, &s->a.ctx, code)) < 0)
		return error;
	*out = b.id;
	return 0;
}

static int require(shell *s, const char *name, const char *what)
{
	if (opt(s, name))
		return 0;
	return lz_error_set(LZ_EINVALID, name, "give %s with --%s", what, name);
}

/* ---------------------------------------------------------------- output */

static void print_json(json_t *v)
{
	char *text = json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (text) {
		puts(text);
		free(text);
	}
}

/* A cell of a table: a scalar of 'item' by key (a "a.b" path goes one level in). */
static void print_cell(json_t *item, const char *key)
{
	char head[64];
	const char *dot = strchr(key, '.');
	json_t *v;

	if (dot) {
		snprintf(head, sizeof(head), "%.*s", (int)(dot - key), key);
		v = json_object_get(json_object_get(item, head), dot + 1);
	} else {
		v = json_object_get(item, key);
	}
	if (json_is_integer(v))
		printf("%lld", (long long)json_integer_value(v));
	else if (json_is_string(v))
		fputs(json_string_value(v), stdout);
	else if (json_is_true(v))
		fputs("yes", stdout);
	else if (json_is_false(v))
		fputs("no", stdout);
	else
		fputs("-", stdout);
}

/*
 * Prints a page: with --json as {"items", "next_cursor"}; otherwise a
 * tab-separated table of 'cols' with a header, and the cursor of the next page.
 * Takes ownership of 'items'.
 */
static void print_page(shell *s, json_t *items, int64_t next, const char *const *cols)
{
	size_t i;
	json_t *item;

	if (flag(s, "json")) {
		json_t *page = json_pack("{so so}", "items", items, "next_cursor",
		                         next ? json_integer(next) : json_null());
		print_json(page);
		json_decref(page);
		return;
	}
	for (const char *const *c = cols; *c; c++)
		printf("%s%s", c == cols ? "" : "\t", *c);
	putchar('\n');
	json_array_foreach(items, i, item)
	{
		for (const char *const *c = cols; *c; c++) {
			if (c != cols)
				putchar('\t');
			print_cell(item, *c);
		}
		putchar('\n');
	}
	if (next)
		printf("(more: --after %lld)\n", (long long)next);
	json_decref(items);
}

static int show(json_t *v, int error)
{
	if (error == 0) {
		print_json(v);
		json_decref(v);
	}
	return error;
}

/* The page size of a listing: --limit, 50 by default. */
static int page_limit(int *out, shell *s)
{
	int64_t v = 50;
	int error;
	if (opt(s, "limit") && (error = parse_int(&v, opt(s, "limit"), "limit")) < 0)
		return error;
	*out = v > 200 ? 200 : (int)v;
	return 0;
}

/* ---------------------------------------------------------------- beneficiary import */

typedef struct {
	char *fields[IMPORT_FIELDS];
	int n;
} csv_row;

static int csv_split(csv_row *row, char *line)
{
	return lz_csv_split(row->fields, IMPORT_FIELDS, &row->n, line);
}

static const char *const csv_header[IMPORT_FIELDS] = {"id_number",    "name",         "village",
                                                      "household_id", "relocated_on", "bank_account"};

typedef struct {
	const char *path;
	int errors;
} import_log;

/* Prints one bad row (the first IMPORT_ERRORS_SHOWN of them). */
static void bad_row(import_log *log, long line, const char *field, const char *message)
{
	if (++log->errors <= IMPORT_ERRORS_SHOWN)
		fprintf(stderr, "%s:%ld: %s: %s\n", log->path, line, field && *field ? field : "line",
		        message);
}

/* Reads a line into 'buf'; false at the end. *too_long when it did not fit (the rest is skipped). */
static bool read_line(char *buf, size_t n, FILE *f, bool *too_long)
{
	size_t len;

	*too_long = false;
	if (!fgets(buf, (int)n, f))
		return false;
	len = strlen(buf);
	if (len && buf[len - 1] != '\n' && !feof(f)) {
		int ch;
		*too_long = true;
		while ((ch = fgetc(f)) != EOF && ch != '\n')
			;
	}
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		buf[--len] = '\0';
	return true;
}

static int beneficiary_import(shell *s)
{
	const char *path = s->args->nwords > 1 ? s->args->words[1] : NULL;
	char buf[IMPORT_LINE_MAX + 2];
	import_log log = {path, 0};
	lz_programme prog;
	int64_t programme_id = 0, imported = 0;
	long line = 1, rows = 0;
	bool too_long, began = false;
	csv_row row;
	FILE *f = NULL;
	int error;

	if (!path)
		return lz_error_set(LZ_EINVALID, "file", "give the CSV file to import");
	if ((error = parse_int(&programme_id, opt(s, "programme"), "programme")) < 0 ||
	    (error = lz_programme_get(&prog, &s->a.ctx, programme_id)) < 0)
		return error;
	if (!(f = fopen(path, "rb")))
		return lz_error_set(LZ_EIO, "file", "cannot open %s: %s", path, strerror(errno));

	/* The header, exactly. */
	if (!read_line(buf, sizeof(buf), f, &too_long) || too_long) {
		error = lz_error_set(LZ_EINVALID, "file", "%s:1: the header must be %s,%s,%s,%s,%s,%s", path,
		                     csv_header[0], csv_header[1], csv_header[2], csv_header[3],
		                     csv_header[4], csv_header[5]);
		goto done;
	}
	char *head = strncmp(buf, "\xef\xbb\xbf", 3) == 0 ? buf + 3 : buf;
	bool header_ok = csv_split(&row, head) == LZ_CSV_OK && row.n == IMPORT_FIELDS;
	for (int i = 0; header_ok && i < IMPORT_FIELDS; i++)
		header_ok = strcmp(row.fields[i], csv_header[i]) == 0;
	if (!header_ok) {
		error = lz_error_set(LZ_EINVALID, "file", "%s:1: the header must be %s,%s,%s,%s,%s,%s", path,
		                     csv_header[0], csv_header[1], csv_header[2], csv_header[3],
		                     csv_header[4], csv_header[5]);
		goto done;
	}

	/* Every row through the domain's own checks, in one transaction kept only when all pass. */
	if ((error = lz_tx_begin(&s->a.ctx, LZ_TX_WRITE)) < 0)
		goto done;
	began = true;
	while (read_line(buf, sizeof(buf), f, &too_long)) {
		line++;
		if (too_long) {
			char msg[64];
			snprintf(msg, sizeof(msg), "the line is longer than %d bytes", IMPORT_LINE_MAX);
			bad_row(&log, line, "line", msg);
			continue;
		}
		if (!buf[0])
			continue;
		if (++rows > IMPORT_ROWS_MAX) {
			error = lz_error_set(LZ_ETOOBIG, "file", "%s: more than %d rows; split the file",
			                     path, IMPORT_ROWS_MAX);
			goto done;
		}
		int split = csv_split(&row, buf);
		if (split == LZ_CSV_BAD_QUOTE) {
			bad_row(&log, line, "line", "a quoted field is not closed properly");
			continue;
		}
		if (split == LZ_CSV_TOO_MANY || row.n != IMPORT_FIELDS) {
			char msg[64];
			snprintf(msg, sizeof(msg), "expected %d fields, found %s%d", IMPORT_FIELDS,
			         split == LZ_CSV_TOO_MANY ? "more than " : "", row.n);
			bad_row(&log, line, "line", msg);
			continue;
		}
		lz_beneficiary_input in = {0};
		in.programme_id = programme_id;
		in.id_number = row.fields[0];
		in.name = row.fields[1];
		in.village = row.fields[2][0] ? row.fields[2] : NULL;
		in.household_id = row.fields[3][0] ? row.fields[3] : NULL;
		in.relocated_on = row.fields[4];
		in.bank_account = row.fields[5][0] ? row.fields[5] : NULL;
		error = lz_beneficiary_create(NULL, &s->a.ctx, &in);
		if (error == LZ_EINVALID || error == LZ_ECONFLICT) {
			const lz_error *e = lz_error_last();
			bad_row(&log, line, e->field, e->message);
			continue;
		}
		if (error < 0)
			goto done; /* not the row's fault: the store, the scope, the permission */
		imported++;
	}
	if (ferror(f)) {
		error = lz_error_set(LZ_EIO, "file", "cannot read %s", path);
		goto done;
	}
	if (log.errors) {
		if (log.errors > IMPORT_ERRORS_SHOWN)
			fprintf(stderr, "%s: %d more bad rows not shown\n", path,
			        log.errors - IMPORT_ERRORS_SHOWN);
		error = lz_error_set(LZ_EINVALID, "file", "nothing imported: %d of %ld rows of %s are bad",
		                     log.errors, rows, path);
		goto done;
	}
	if ((error = lz_tx_commit(&s->a.ctx)) < 0)
		goto done;
	began = false;
	printf("luzhi: imported %lld beneficiaries into programme %lld (%s)\n", (long long)imported,
	       (long long)programme_id, prog.name);
done:
	if (began)
		lz_tx_rollback(&s->a.ctx);
	if (f)
		fclose(f);
	return error;
}

/* ---------------------------------------------------------------- beneficiary */

static int beneficiary_list(shell *s)
{
	static const char *const cols[] = {"id",           "name",         "id_number", "village",
	                                   "household_id", "relocated_on", "status",    NULL};
	lz_beneficiary_query q = LZ_BENEFICIARY_QUERY_INIT;
	json_t *items;
	int64_t next = 0;
	int error;

	if ((error = opt_bureau(&q.bureau_id, s, false)) < 0 ||
	    (error = opt_id(&q.programme_id, s, "programme", "programme")) < 0 ||
	    (error = opt_id(&q.after_id, s, "after", "after")) < 0 || (error = page_limit(&q.limit, s)) < 0)
		return error;
	q.status = opt(s, "status");
	q.village = opt(s, "village");
	q.q = opt(s, "q");
	q.id_number = opt(s, "id-number");
	if ((error = lz_beneficiary_list(&items, &next, &s->a.ctx, &q)) < 0)
		return error;
	print_page(s, items, next, cols);
	return 0;
}

static int beneficiary_show(shell *s)
{
	json_t *v = NULL;
	int64_t id;
	int error;
	if ((error = word_id(&id, s, 1, "id")) < 0)
		return error;
	return show(v, lz_beneficiary_get_json(&v, &s->a.ctx, id));
}

static int beneficiary_status(shell *s)
{
	const char *status = s->args->nwords > 2 ? s->args->words[2] : NULL;
	int64_t id;
	int error;

	if ((error = word_id(&id, s, 1, "id")) < 0)
		return error;
	if (!status)
		return lz_error_set(LZ_EINVALID, "status",
		                    "give the new status: active, deceased, moved or suspended");
	if ((error = require(s, "since", "the date it took effect (YYYY-MM-DD)")) < 0 ||
	    (error = lz_beneficiary_set_status(&s->a.ctx, id, status, opt(s, "since"), opt(s, "reason"))) < 0)
		return error;
	printf("luzhi: beneficiary %lld is %s since %s\n", (long long)id, status, opt(s, "since"));
	return 0;
}

static const verb_entry beneficiary_verbs[] = {
    {"import", 1, "import --programme ID FILE.csv", beneficiary_import},
    {"list", 0, "list [--programme ID] [--bureau CODE] [--status S] [--village V] [--q NAME] [--id-number N]",
     beneficiary_list},
    {"show", 1, "show ID", beneficiary_show},
    {"status", 2, "status ID active|deceased|moved|suspended --since YYYY-MM-DD [--reason TEXT]",
     beneficiary_status},
    {NULL, 0, NULL, NULL},
};

/* ---------------------------------------------------------------- programme */

static int programme_create(shell *s)
{
	lz_programme_input in = {0};
	int64_t id = 0, amount = 0, years = 0;
	int error;

	if ((error = opt_bureau(&in.bureau_id, s, true)) < 0 ||
	    (error = require(s, "name", "the programme's name")) < 0 ||
	    (opt(s, "amount-per-year-fen") &&
	     (error = parse_int(&amount, opt(s, "amount-per-year-fen"), "amount_per_year_fen")) < 0) ||
	    (opt(s, "years") && (error = parse_int(&years, opt(s, "years"), "years")) < 0))
		return error;
	if (years > 1000)
		return lz_error_set(LZ_EINVALID, "years", "years must be between 1 and 100");
	in.name = opt(s, "name");
	in.amount_per_year_fen = amount;
	in.years = (int)years;
	in.frequency = opt(s, "frequency");
	if ((error = lz_programme_create(&id, &s->a.ctx, &in)) < 0)
		return error;
	printf("luzhi: programme %lld created: %s\n", (long long)id, in.name);
	return 0;
}

static int programme_list(shell *s)
{
	static const char *const cols[] = {"id",    "bureau_name", "name",          "amount_per_year_fen",
	                                   "years", "frequency",   "beneficiaries", NULL};
	json_t *items;
	int64_t bureau = 0, after = 0, next = 0;
	int limit, error;

	if ((error = opt_bureau(&bureau, s, false)) < 0 ||
	    (error = opt_id(&after, s, "after", "after")) < 0 || (error = page_limit(&limit, s)) < 0 ||
	    (error = lz_programme_list(&items, &next, &s->a.ctx, bureau, after, limit)) < 0)
		return error;
	print_page(s, items, next, cols);
	return 0;
}

static const verb_entry programme_verbs[] = {
    {"create", 0,
     "create --bureau CODE --name NAME [--frequency annual|quarterly|monthly] [--amount-per-year-fen FEN] "
     "[--years N]",
     programme_create},
    {"list", 0, "list [--bureau CODE]", programme_list},
    {NULL, 0, NULL, NULL},
};

/* ---------------------------------------------------------------- payroll */

static int payroll_prepare(shell *s)
{
	const char *period = opt(s, "period"), *dots;
	char start[16], end[16];
	int64_t programme = 0, allocation = 0, run = 0;
	int error;

	if ((error = parse_int(&programme, opt(s, "programme"), "programme")) < 0 ||
	    (error = parse_int(&allocation, opt(s, "allocation"), "allocation")) < 0)
		return error;
	if (!period || !(dots = strstr(period, "..")) || dots - period >= (ptrdiff_t)sizeof(start) ||
	    strlen(dots + 2) >= sizeof(end))
		return lz_error_set(LZ_EINVALID, "period",
		                    "give the period as --period YYYY-MM-DD..YYYY-MM-DD");
	snprintf(start, sizeof(start), "%.*s", (int)(dots - period), period);
	snprintf(end, sizeof(end), "%s", dots + 2);
	if ((error = lz_payroll_prepare(&run, &s->a.ctx, programme, start, end, allocation)) < 0)
		return error;
	json_t *v = NULL;
	if ((error = lz_payroll_get_json(&v, &s->a.ctx, run)) < 0)
		return error;
	printf("luzhi: payroll run %lld prepared: %lld payments, %lld fen; %lld excluded\n", (long long)run,
	       (long long)json_integer_value(json_object_get(v, "count")),
	       (long long)json_integer_value(json_object_get(v, "total_fen")),
	       (long long)json_integer_value(json_object_get(json_object_get(v, "exclusions"), "count")));
	json_decref(v);
	return 0;
}

static int payroll_show(shell *s)
{
	json_t *v = NULL;
	int64_t id;
	int error;
	if ((error = word_id(&id, s, 1, "run")) < 0)
		return error;
	return show(v, lz_payroll_get_json(&v, &s->a.ctx, id));
}

static int payroll_approve(shell *s)
{
	json_t *v = NULL;
	int64_t id;
	int error;
	if ((error = word_id(&id, s, 1, "run")) < 0 || (error = lz_payroll_approve(&s->a.ctx, id)) < 0 ||
	    (error = lz_payroll_get_json(&v, &s->a.ctx, id)) < 0)
		return error;
	printf("luzhi: payroll run %lld approved: %lld payments, %lld fen; %lld excluded at approval\n",
	       (long long)id, (long long)json_integer_value(json_object_get(v, "approved_count")),
	       (long long)json_integer_value(json_object_get(v, "approved_fen")),
	       (long long)json_integer_value(json_object_get(v, "excluded_at_approval")));
	json_decref(v);
	return 0;
}

static int payroll_list(shell *s)
{
	static const char *const cols[] = {
	    "id",        "programme_name", "period_start", "period_end",    "status", "count",
	    "total_fen", "approved_fen",   "maker.name",   "approver.name", NULL};
	json_t *items;
	int64_t bureau = 0, programme = 0, after = 0, next = 0;
	int limit, error;

	if ((error = opt_bureau(&bureau, s, false)) < 0 ||
	    (error = opt_id(&programme, s, "programme", "programme")) < 0 ||
	    (error = opt_id(&after, s, "after", "after")) < 0 || (error = page_limit(&limit, s)) < 0 ||
	    (error = lz_payroll_list(&items, &next, &s->a.ctx, bureau, programme, after, limit)) < 0)
		return error;
	print_page(s, items, next, cols);
	return 0;
}

static const verb_entry payroll_verbs[] = {
    {"prepare", 0, "prepare --programme ID --period YYYY-MM-DD..YYYY-MM-DD --allocation ID --as LOGIN",
     payroll_prepare},
    {"show", 1, "show RUN", payroll_show},
    {"approve", 1, "approve RUN --as LOGIN", payroll_approve},
    {"list", 0, "list [--programme ID] [--bureau CODE]", payroll_list},
    {NULL, 0, NULL, NULL},
};

/* ---------------------------------------------------------------- payment */

static int payment_prepare(shell *s)
{
	lz_payment_input in = {0};
	char key[48];
	int64_t seq = 0, id = 0;
	bool replayed = false;
	int error;

	if ((error = parse_int(&in.project_id, opt(s, "project"), "project")) < 0 ||
	    (error = parse_int(&seq, opt(s, "stage"), "stage")) < 0 ||
	    (error = parse_int(&in.allocation_id, opt(s, "allocation"), "allocation")) < 0 ||
	    (error = parse_int(&in.amount_fen, opt(s, "amount-fen"), "amount_fen")) < 0)
		return error;
	if (seq > LZ_PROJECT_STAGES_MAX)
		return lz_error_set(LZ_EINVALID, "stage", "stage is the stage's number, 1 to %d",
		                    LZ_PROJECT_STAGES_MAX);
	if ((error = lz_project_stage_id(&in.stage_id, &s->a.ctx, in.project_id, (int)seq)) < 0)
		return error;
	in.payee = opt(s, "payee");
	in.idempotency_key = opt(s, "idempotency-key");
	if (!in.idempotency_key) {
		/* A fresh key: a retry of this command is a new request unless it names one. */
		uint8_t raw[12];
		lz_random_fill(s->a.app.random, raw, sizeof(raw));
		memcpy(key, "cli-", 4);
		lz_hex(key + 4, raw, sizeof(raw));
		in.idempotency_key = key;
	}
	if ((error = lz_payment_prepare(&id, &replayed, &s->a.ctx, &in)) < 0)
		return error;
	printf("luzhi: payment %lld %s: %lld fen to stage %lld of project %lld (idempotency key %s)\n",
	       (long long)id, replayed ? "already prepared with this key" : "prepared",
	       (long long)in.amount_fen, (long long)seq, (long long)in.project_id, in.idempotency_key);
	return 0;
}

static int payment_id(int64_t *out, shell *s)
{
	return word_id(out, s, 1, "payment");
}

static int payment_approve(shell *s)
{
	int64_t id;
	int error;
	if ((error = payment_id(&id, s)) < 0 || (error = lz_payment_approve(&s->a.ctx, id)) < 0)
		return error;
	printf("luzhi: payment %lld approved\n", (long long)id);
	return 0;
}

static int payment_pay(shell *s)
{
	int64_t id;
	int error;
	if ((error = payment_id(&id, s)) < 0 ||
	    (error = require(s, "reference", "the bank's reference")) < 0 ||
	    (error = lz_payment_mark_paid(&s->a.ctx, id, opt(s, "reference"))) < 0)
		return error;
	printf("luzhi: payment %lld paid (reference %s)\n", (long long)id, opt(s, "reference"));
	return 0;
}

static int payment_cancel(shell *s)
{
	int64_t id;
	int error;
	if ((error = payment_id(&id, s)) < 0 || (error = require(s, "reason", "the reason")) < 0 ||
	    (error = lz_payment_cancel(&s->a.ctx, id, opt(s, "reason"))) < 0)
		return error;
	printf("luzhi: payment %lld cancelled\n", (long long)id);
	return 0;
}

static int payment_reverse(shell *s)
{
	int64_t id;
	int error;
	if ((error = payment_id(&id, s)) < 0 || (error = require(s, "reason", "the reason")) < 0 ||
	    (error = lz_payment_reverse(&s->a.ctx, id, opt(s, "reason"))) < 0)
		return error;
	printf("luzhi: payment %lld reversed\n", (long long)id);
	return 0;
}

static int payment_show(shell *s)
{
	json_t *v = NULL;
	int64_t id;
	int error;
	if ((error = payment_id(&id, s)) < 0)
		return error;
	return show(v, lz_payment_get_json(&v, &s->a.ctx, id));
}

static int payment_list(shell *s)
{
	static const char *const cols[] = {"id",     "project_id", "project_name",  "stage_seq", "amount_fen",
	                                   "status", "maker.name", "approver.name", "reference", NULL};
	lz_funds_query q = LZ_FUNDS_QUERY_INIT;
	json_t *items;
	int64_t next = 0;
	int error;

	if ((error = opt_bureau(&q.bureau_id, s, false)) < 0 ||
	    (error = opt_id(&q.project_id, s, "project", "project")) < 0 ||
	    (error = opt_id(&q.after_id, s, "after", "after")) < 0 || (error = page_limit(&q.limit, s)) < 0)
		return error;
	q.status = opt(s, "status");
	if ((error = lz_payment_list(&items, &next, &s->a.ctx, &q)) < 0)
		return error;
	print_page(s, items, next, cols);
	return 0;
}

static const verb_entry payment_verbs[] = {
    {"prepare", 0,
     "prepare --project ID --stage N --allocation ID --amount-fen FEN [--payee NAME] [--idempotency-key KEY] "
     "--as LOGIN",
     payment_prepare},
    {"approve", 1, "approve ID --as LOGIN", payment_approve},
    {"pay", 1, "pay ID --reference REF --as LOGIN", payment_pay},
    {"cancel", 1, "cancel ID --reason TEXT --as LOGIN", payment_cancel},
    {"reverse", 1, "reverse ID --reason TEXT --as LOGIN", payment_reverse},
    {"show", 1, "show ID", payment_show},
    {"list", 0, "list [--project ID] [--bureau CODE] [--status S]", payment_list},
    {NULL, 0, NULL, NULL},
};

/* ---------------------------------------------------------------- allocation */

static int allocation_create(shell *s)
{
	lz_allocation_input in = {0};
	int64_t id = 0;
	int error;

	if ((error = opt_bureau(&in.bureau_id, s, true)) < 0 ||
	    (error = opt_id(&in.parent_id, s, "parent", "parent_id")) < 0 ||
	    (error = parse_int(&in.year, opt(s, "year"), "year")) < 0 ||
	    (error = parse_int(&in.amount_fen, opt(s, "amount-fen"), "amount_fen")) < 0 ||
	    (error = require(s, "purpose", "the purpose")) < 0)
		return error;
	in.source = opt(s, "source") ? opt(s, "source") : "中央财政";
	in.purpose = opt(s, "purpose");
	if ((error = lz_allocation_create(&id, &s->a.ctx, &in)) < 0)
		return error;
	printf("luzhi: allocation %lld created: %lld fen for %lld\n", (long long)id, (long long)in.amount_fen,
	       (long long)in.year);
	return 0;
}

static int allocation_show(shell *s)
{
	json_t *v = NULL;
	int64_t id;
	int error;
	if ((error = word_id(&id, s, 1, "allocation")) < 0)
		return error;
	return show(v, lz_allocation_get_json(&v, &s->a.ctx, id));
}

static int allocation_list(shell *s)
{
	static const char *const cols[] = {"id",        "bureau_code", "bureau_name", "parent_id",
	                                   "year",      "purpose",     "amount_fen",  "children_fen",
	                                   "spent_fen", "free_fen",    NULL};
	lz_funds_query q = LZ_FUNDS_QUERY_INIT;
	json_t *items;
	int64_t next = 0;
	int error;

	if ((error = opt_bureau(&q.bureau_id, s, false)) < 0 ||
	    (error = opt_id(&q.year, s, "year", "year")) < 0 ||
	    (error = opt_id(&q.parent_id, s, "parent", "parent_id")) < 0 ||
	    (error = opt_id(&q.after_id, s, "after", "after")) < 0 || (error = page_limit(&q.limit, s)) < 0 ||
	    (error = lz_allocation_list(&items, &next, &s->a.ctx, &q)) < 0)
		return error;
	print_page(s, items, next, cols);
	return 0;
}

static const verb_entry allocation_verbs[] = {
    {"create", 0,
     "create --bureau CODE [--parent ID] --year YYYY --amount-fen FEN --purpose TEXT [--source TEXT]",
     allocation_create},
    {"show", 1, "show ID", allocation_show},
    {"list", 0, "list [--bureau CODE] [--year YYYY] [--parent ID]", allocation_list},
    {NULL, 0, NULL, NULL},
};

/* ---------------------------------------------------------------- project */

static int project_show(shell *s)
{
	json_t *v = NULL;
	int64_t id;
	int error;
	if ((error = word_id(&id, s, 1, "project")) < 0)
		return error;
	return show(v, lz_project_get_json(&v, &s->a.ctx, id));
}

static int project_list(shell *s)
{
	static const char *const cols[] = {"id",          "bureau_name",  "name",     "kind",   "budget_fen",
	                                   "payable_fen", "approved_fen", "accepted", "stages", NULL};
	lz_funds_query q = LZ_FUNDS_QUERY_INIT;
	json_t *items;
	int64_t next = 0;
	int error;

	if ((error = opt_bureau(&q.bureau_id, s, false)) < 0 ||
	    (error = opt_id(&q.after_id, s, "after", "after")) < 0 || (error = page_limit(&q.limit, s)) < 0)
		return error;
	q.q = opt(s, "q");
	if ((error = lz_project_list(&items, &next, &s->a.ctx, &q)) < 0)
		return error;
	print_page(s, items, next, cols);
	return 0;
}

static const verb_entry project_verbs[] = {
    {"show", 1, "show ID", project_show},
    {"list", 0, "list [--bureau CODE] [--q NAME]", project_list},
    {NULL, 0, NULL, NULL},
};

/* ---------------------------------------------------------------- dispatch */

/*
 * Runs a verb of a noun: checks its words, opens the store, signs in with --as,
 * runs it, signs out. A person act refused to the system actor is printed with the
 * hint to use --as; the exit code is then returned here (positive).
 */
static int dispatch(const lz_cmd *cmd, lz_config *cfg, lz_args *args, const verb_entry *verbs)
{
	const char *verb = args->nwords > 0 ? args->words[0] : NULL;
	const verb_entry *v = NULL;
	shell s;
	int error;

	for (const verb_entry *e = verbs; verb && e->verb && !v; e++)
		if (strcmp(e->verb, verb) == 0)
			v = e;
	/* A wrong verb or number of words is a usage error (exit 2), as in main.c. */
	if (!v) {
		lz_cli_fail(lz_error_set(LZ_EINVALID, NULL, "%s '%s %s'; see 'luzhi %s --help'",
		                         verb ? "unknown command" : "give a command:", cmd->name,
		                         verb ? verb : "…", cmd->name));
		return 2;
	}
	if (args->nwords - 1 != v->words) {
		lz_cli_fail(lz_error_set(LZ_EINVALID, NULL, "%susage: luzhi %s %s",
		                         args->nwords - 1 > v->words ? "too many arguments; " : "", cmd->name,
		                         v->usage));
		return 2;
	}

	s.cmd = cmd;
	s.args = args;
	if ((error = lz_cli_actor_open(&s.a, cmd, cfg, args)) < 0)
		return error;
	error = lz_cli_actor_hint(&s.a, v->run(&s));
	lz_cli_actor_close(&s.a);
	return error;
}

/* The options of every funds command (each reads those it needs). */
#define AS_OPT                                                                                               \
	{                                                                                                    \
		"as", true, "act as this account (password from $LUZHI_PASSWORD or standard input)"          \
	}
#define JSON_OPT                                                                                             \
	{                                                                                                    \
		"json", false, "print a listing as JSON: {\"items\": [...], \"next_cursor\": ...}"           \
	}
#define PAGE_OPTS                                                                                            \
	{"limit", true, "rows of a listing, 1 to 200 (default 50)"},                                         \
	{                                                                                                    \
		"after", true, "the cursor of a listing: ids after this one"                                 \
	}

static const lz_opt beneficiary_opts[] = {
    AS_OPT,
    JSON_OPT,
    PAGE_OPTS,
    {"programme", true, "the programme's id"},
    {"bureau", true, "administrative division code of a bureau (with those below it)"},
    {"status", true, "list: active, deceased, moved or suspended"},
    {"village", true, "list: the village, exactly"},
    {"q", true, "list: part of the name"},
    {"id-number", true, "list: an ID number, exactly (matched through the blind index)"},
    {"since", true, "status: the date the status took effect, YYYY-MM-DD"},
    {"reason", true, "status: why (required unless active)"},
    {NULL, false, NULL},
};

static const lz_opt programme_opts[] = {
    AS_OPT,
    JSON_OPT,
    PAGE_OPTS,
    {"bureau", true, "administrative division code of the bureau"},
    {"name", true, "create: the programme's name"},
    {"frequency", true, "create: annual, quarterly or monthly (default annual)"},
    {"amount-per-year-fen", true, "create: support per person per year in fen (default 60000)"},
    {"years", true, "create: years of support from relocation (default 20)"},
    {NULL, false, NULL},
};

static const lz_opt payroll_opts[] = {
    AS_OPT,
    JSON_OPT,
    PAGE_OPTS,
    {"programme", true, "the programme's id"},
    {"period", true, "prepare: the period, YYYY-MM-DD..YYYY-MM-DD (both days included)"},
    {"allocation", true, "prepare: the allocation (budget line) to pay from"},
    {"bureau", true, "list: administrative division code of a bureau"},
    {NULL, false, NULL},
};

static const lz_opt payment_opts[] = {
    AS_OPT,
    JSON_OPT,
    PAGE_OPTS,
    {"project", true, "the project's id"},
    {"stage", true, "prepare: the stage's number (1, 2, ...)"},
    {"allocation", true, "prepare: the allocation (budget line) to debit"},
    {"amount-fen", true, "prepare: the amount in fen (1 yuan = 100 fen)"},
    {"payee", true, "prepare: the payee, which must be the project's contractor"},
    {"idempotency-key", true, "prepare: a key that makes a retry give back the same payment"},
    {"reference", true, "pay: the bank's reference"},
    {"reason", true, "cancel, reverse: why"},
    {"bureau", true, "list: administrative division code of a bureau"},
    {"status", true, "list: prepared, approved, paid, cancelled or reversed"},
    {NULL, false, NULL},
};

static const lz_opt allocation_opts[] = {
    AS_OPT,
    JSON_OPT,
    PAGE_OPTS,
    {"bureau", true, "administrative division code of the receiving bureau"},
    {"parent", true, "the allocation the money comes from (none: money from outside)"},
    {"year", true, "the budget year"},
    {"amount-fen", true, "create: the amount in fen"},
    {"purpose", true, "create: what the money is for"},
    {"source", true, "create: where it comes from (default 中央财政)"},
    {NULL, false, NULL},
};

static const lz_opt project_opts[] = {
    AS_OPT,
    JSON_OPT,
    PAGE_OPTS,
    {"bureau", true, "list: administrative division code of a bureau"},
    {"q", true, "list: part of the name"},
    {NULL, false, NULL},
};

#define NOUN(name, verbs)                                                                                    \
	static int run_##name(const lz_cmd *cmd, lz_config *cfg, lz_args *args)                              \
	{                                                                                                    \
		return dispatch(cmd, cfg, args, verbs);                                                      \
	}

NOUN(beneficiary, beneficiary_verbs)
NOUN(programme, programme_verbs)
NOUN(payroll, payroll_verbs)
NOUN(payment, payment_verbs)
NOUN(allocation, allocation_verbs)
NOUN(project, project_verbs)

const lz_cmd lz_cmd_beneficiary = {
    "beneficiary",
    "beneficiary import --programme ID FILE.csv | list [filters] [--json] | show ID | "
    "status ID STATUS --since YYYY-MM-DD [--reason TEXT]",
    "the beneficiaries register: import a CSV file, list, show, change a status", beneficiary_opts,
    run_beneficiary};
const lz_cmd lz_cmd_programme = {
    "programme",
    "programme create --bureau CODE --name NAME [--frequency F] | list [--bureau CODE] "
    "[--json]",
    "post-relocation support programmes", programme_opts, run_programme};
const lz_cmd lz_cmd_payroll = {
    "payroll",
    "payroll prepare --programme ID --period YYYY-MM-DD..YYYY-MM-DD --allocation ID --as LOGIN | "
    "show RUN | approve RUN --as LOGIN | list [--programme ID] [--json]",
    "payroll runs: prepare a period's support payments, approve them as a second person", payroll_opts,
    run_payroll};
const lz_cmd lz_cmd_payment = {
    "payment",
    "payment prepare --project ID --stage N --allocation ID --amount-fen FEN --as LOGIN | "
    "approve|show ID | pay ID --reference REF | cancel|reverse ID --reason TEXT | list [--json]",
    "project payments: maker prepares, a different checker approves, then paid", payment_opts, run_payment};
const lz_cmd lz_cmd_allocation = {
    "allocation",
    "allocation create --bureau CODE [--parent ID] --year YYYY --amount-fen FEN "
    "--purpose TEXT | show ID | list [--bureau CODE] [--year YYYY] [--json]",
    "money allocated down the hierarchy to budget lines", allocation_opts, run_allocation};
const lz_cmd lz_cmd_project = {"project", "project show ID | list [--bureau CODE] [--json]",
                               "resettlement projects, their stages and acceptance", project_opts,
                               run_project};
