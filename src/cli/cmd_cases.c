/*
 * cmd_cases.c — service cases from the command line: `luzhi case-type`,
 * `calendar`, `case`, `stats`, `complaint` and `assistance`.
 *
 * A thin shell over the cases module (cases.h), as cmd_funds.c is over funds: each
 * verb calls the domain function the HTTP API calls. Without --as a command acts
 * as the system (which may configure types and calendars, recompute clocks and
 * read statistics); `--as LOGIN` signs that account in through lz_session_create,
 * with the password from $LUZHI_PASSWORD or standard input, and acts with its role
 * and scope.
 *
 * The calendar importer reads a CSV file whose header is
 *	bureau,date,kind,name
 * (bureau code, YYYY-MM-DD, holiday | workday | default, a name of ≤ 32
 * characters, may be empty). Every row is written through lz_calendar_set_day
 * inside one transaction; when any row is bad, each is reported as
 * FILE:LINE: field: message and the transaction is rolled back, so nothing is
 * written.
 *
 * `case` also receives a case from a JSON file (printing its check code once, as
 * the window's receipt does), lists an inbox, and performs each act of a case;
 * `complaint` and `assistance` work their queues. Each is the domain call the
 * console's button makes, with the same rules and the same refusals.
 *
 * `case recompute` replays every case in scope from its events
 * (lz_case_recompute_all), stores what differs, and exits with the code of
 * LZ_ETAMPERED (3) when any case's stored clock or state did not match its
 * events, as `audit verify` does for the audit log.
 */
#include "cli/cli.h"

#include "auth/auth.h"
#include "base/clock.h"
#include "base/csv.h"
#include "cases/assistance.h"
#include "cases/cases.h"
#include "cases/complaint.h"
#include "org/org.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define IMPORT_LINE_MAX 512
#define IMPORT_ROWS_MAX 10000
#define IMPORT_ERRORS_SHOWN 50

/* ---------------------------------------------------------------- the shell */

typedef struct {
	const lz_cmd *cmd;
	lz_args *args;
	lz_cli_actor a; /* the store, and who acts */
} shell;

typedef struct {
	const char *verb;
	int min_words, max_words; /* positional words after the verb */
	const char *usage;
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

static const char *word(shell *s, int i)
{
	return s->args->nwords > i + 1 ? s->args->words[i + 1] : NULL;
}

static bool all_digits(const char *t)
{
	if (!t || !*t)
		return false;
	for (; *t; t++)
		if (*t < '0' || *t > '9')
			return false;
	return true;
}

/* A bureau in scope by its code. */
static int bureau_id(int64_t *out, shell *s, const char *code, const char *field)
{
	lz_bureau b;
	int error;
	if (!code)
		return lz_error_set(LZ_EINVALID, field, "give the bureau's code with --%s CODE", field);
	if ((error = lz_bureau_by_code(&b, &s->a.ctx, code)) < 0)
		return error;
	*out = b.id;
	return 0;
}

/* An instant from a date (YYYY-MM-DD, the local day's start) or RFC 3339. */
static int parse_when(int64_t *out, const char *text, const char *field)
{
	int32_t day;
	if (!text)
		return lz_error_set(LZ_EINVALID, field, "give --%s YYYY-MM-DD", field);
	if (strlen(text) == 10 && lz_date_parse(&day, text) == 0) {
		*out = (int64_t)day * 86400 - LZ_CAL_UTC_OFFSET;
		return 0;
	}
	if (lz_time_parse(out, text) == 0)
		return 0;
	return lz_error_set(LZ_EINVALID, field, "%s must be a date (YYYY-MM-DD) or an RFC 3339 time", field);
}

static void print_json(json_t *v)
{
	char *text = json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (text) {
		puts(text);
		free(text);
	}
}

static int show(json_t *v, int error)
{
	if (error == 0) {
		print_json(v);
		json_decref(v);
	}
	return error;
}

/* ---------------------------------------------------------------- case-type */

static int type_list(shell *s)
{
	int64_t bureau = 0;
	json_t *items = NULL, *t;
	size_t i;
	int error;

	if ((error = bureau_id(&bureau, s, opt(s, "bureau"), "bureau")) < 0 ||
	    (error = lz_case_type_list(&items, &s->a.ctx, bureau, false)) < 0)
		return error;
	if (flag(s, "json"))
		return show(items, 0);
	printf("id\tcode\tsla_hours\tclock\tlevels\tactive\tname\n");
	json_array_foreach(items, i, t)
	{
		printf("%lld\t%s\t%lld\t%s\t%lld\t%s\t%s\n", (long long)json_integer_value(json_object_get(t, "id")),
		       json_string_value(json_object_get(t, "code")),
		       (long long)json_integer_value(json_object_get(t, "sla_hours")),
		       json_string_value(json_object_get(t, "clock_kind")),
		       (long long)json_integer_value(json_object_get(t, "approval_levels")),
		       json_is_true(json_object_get(t, "active")) ? "yes" : "no",
		       json_string_value(json_object_get(json_object_get(t, "names"), "zh-CN")));
	}
	json_decref(items);
	return 0;
}

static int type_create(shell *s)
{
	lz_case_type_input in;
	json_error_t jerr;
	json_t *obj = NULL, *out = NULL;
	int64_t id = 0;
	int error;

	if (!opt(s, "file"))
		return lz_error_set(LZ_EINVALID, "file", "give the type as JSON with --file FILE");
	if (!(obj = json_load_file(opt(s, "file"), JSON_REJECT_DUPLICATES, &jerr)))
		return lz_error_set(LZ_EINVALID, "file", "%s:%d:%d: %s", opt(s, "file"), jerr.line, jerr.column,
		                    jerr.text);
	memset(&in, 0, sizeof(in));
	if ((error = bureau_id(&in.bureau_id, s, opt(s, "bureau"), "bureau")) < 0 ||
	    (error = lz_case_type_input_from_json(&in, obj)) < 0 ||
	    (error = lz_case_type_create(&id, &s->a.ctx, &in)) < 0 ||
	    (error = lz_case_type_get_json(&out, &s->a.ctx, id)) < 0)
		goto done;
	error = show(out, 0);
done:
	json_decref(obj);
	return error;
}

static const verb_entry type_verbs[] = {
    {"list", 0, 0, "list --bureau CODE [--json]", type_list},
    {"create", 0, 0, "create --bureau CODE --file TYPE.json", type_create},
    {NULL, 0, 0, NULL, NULL},
};

/* ---------------------------------------------------------------- calendar */

static int calendar_set(shell *s)
{
	int64_t bureau = 0, moved = 0;
	int error;

	if ((error = bureau_id(&bureau, s, word(s, 0), "bureau")) < 0 ||
	    (error = lz_calendar_set_day(&s->a.ctx, bureau, word(s, 1), word(s, 2), opt(s, "name"), &moved)) < 0)
		return error;
	printf("%s %s: %s", word(s, 0), word(s, 1), word(s, 2));
	if (moved)
		printf(" (the due time of %lld open case%s moved)", (long long)moved, moved == 1 ? "" : "s");
	putchar('\n');
	return 0;
}

static void bad_row(int *errors, const char *path, long line, const char *field, const char *message)
{
	if (++*errors <= IMPORT_ERRORS_SHOWN)
		fprintf(stderr, "%s:%ld: %s: %s\n", path, line, field && *field ? field : "line", message);
}

static int calendar_import(shell *s)
{
	static const char *const header[4] = {"bureau", "date", "kind", "name"};
	const char *path = word(s, 0);
	char buf[IMPORT_LINE_MAX + 2], *fields[4];
	long line = 0, rows = 0;
	int errors = 0, n, error;
	FILE *f;

	if (!(f = fopen(path, "r")))
		return lz_error_set(LZ_EIO, "file", "cannot open %s: %s", path, strerror(errno));
	if ((error = lz_tx_begin(&s->a.ctx, LZ_TX_WRITE)) < 0) {
		fclose(f);
		return error;
	}
	while (fgets(buf, sizeof(buf), f)) {
		size_t len = strlen(buf);
		line++;
		if (len && buf[len - 1] != '\n' && !feof(f)) {
			int ch;
			while ((ch = fgetc(f)) != EOF && ch != '\n')
				;
			bad_row(&errors, path, line, NULL, "the line is too long");
			continue;
		}
		while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
			buf[--len] = '\0';
		char *text = buf;
		if (line == 1 && strncmp(text, "\xef\xbb\xbf", 3) == 0)
			text += 3;
		if (!*text)
			continue;
		if (lz_csv_split(fields, 4, &n, text) != LZ_CSV_OK || n < 3) {
			bad_row(&errors, path, line, NULL, "expected bureau,date,kind,name");
			continue;
		}
		if (line == 1) {
			bool ok = true;
			for (int i = 0; i < n; i++)
				ok = ok && strcmp(fields[i], header[i]) == 0;
			if (!ok)
				bad_row(&errors, path, line, NULL, "the header must be bureau,date,kind,name");
			continue;
		}
		if (++rows > IMPORT_ROWS_MAX) {
			bad_row(&errors, path, line, NULL, "too many rows");
			break;
		}
		int64_t bureau = 0;
		if ((error = bureau_id(&bureau, s, fields[0], "bureau")) < 0 ||
		    (error = lz_calendar_set_day(&s->a.ctx, bureau, fields[1], fields[2],
		                                 n > 3 && *fields[3] ? fields[3] : NULL, NULL)) < 0)
			bad_row(&errors, path, line, lz_error_last()->field[0] ? lz_error_last()->field : "bureau",
			        lz_error_last()->message);
	}
	fclose(f);
	if (errors) {
		lz_tx_rollback(&s->a.ctx);
		return lz_error_set(LZ_EINVALID, "file", "%d bad row%s in %s; nothing was imported", errors,
		                    errors == 1 ? "" : "s", path);
	}
	if ((error = lz_tx_commit(&s->a.ctx)) < 0)
		return error;
	printf("luzhi: %ld calendar day%s imported from %s\n", rows, rows == 1 ? "" : "s", path);
	return 0;
}

static const verb_entry calendar_verbs[] = {
    {"set", 3, 3, "set BUREAU DATE holiday|workday|default [--name NAME]", calendar_set},
    {"import", 1, 1, "import FILE.csv", calendar_import},
    {NULL, 0, 0, NULL, NULL},
};

/* ---------------------------------------------------------------- case */

/* The id of a case named by its id or its receipt number. */
static int case_id(int64_t *out, shell *s, const char *ref)
{
	if (all_digits(ref)) {
		*out = strtoll(ref, NULL, 10);
		return 0;
	}
	return lz_case_find_by_receipt(out, &s->a.ctx, ref);
}

static int case_show(shell *s)
{
	int64_t id = 0;
	json_t *out = NULL;
	int error;

	if ((error = case_id(&id, s, word(s, 0))) < 0 || (error = lz_case_get_json(&out, &s->a.ctx, id)) < 0)
		return error;
	return show(out, 0);
}

/* Names the changed cases, the first CHANGED_SHOWN of them. */
#define CHANGED_SHOWN 100

static void print_changed(void *arg, int64_t id, const char *receipt_no)
{
	int64_t *shown = arg;

	if ((*shown)++ < CHANGED_SHOWN)
		printf("  case %lld  %s\n", (long long)id, receipt_no);
}

static int case_recompute(shell *s)
{
	int64_t bureau = 0, checked = 0, changed = 0, shown = 0;
	int error;

	if (opt(s, "bureau") && (error = bureau_id(&bureau, s, opt(s, "bureau"), "bureau")) < 0)
		return error;
	if ((error = lz_case_recompute_all(&checked, &changed, &s->a.ctx, bureau, print_changed, &shown)) < 0)
		return error;
	if (changed) {
		if (changed > CHANGED_SHOWN)
			printf("  … and %lld more\n", (long long)(changed - CHANGED_SHOWN));
		printf("luzhi: %lld of %lld cases had a stored clock or state that differs from their events; "
		       "rewritten from the events (see the audit log's case.recompute entries)\n",
		       (long long)changed, (long long)checked);
		return lz_cli_exit_code(LZ_ETAMPERED);
	}
	printf("luzhi: %lld cases checked: every stored clock matches its events\n", (long long)checked);
	return 0;
}

/* Prints the case as it now stands, after an act. */
static int case_after(shell *s, int64_t id, int error)
{
	json_t *out = NULL;

	if (error < 0 || (error = lz_case_get_json(&out, &s->a.ctx, id)) < 0)
		return error;
	printf("%s: %s\n", json_string_value(json_object_get(out, "receipt_no")),
	       json_string_value(json_object_get(out, "state")));
	json_decref(out);
	return 0;
}

static int case_receive(shell *s)
{
	lz_case_input in;
	lz_case_receipt r;
	json_error_t jerr;
	json_t *obj;
	char due[21];
	int error;

	if (!opt(s, "file"))
		return lz_error_set(LZ_EINVALID, "file", "give the application as JSON with --file FILE");
	if (!(obj = json_load_file(opt(s, "file"), JSON_REJECT_DUPLICATES, &jerr)))
		return lz_error_set(LZ_EINVALID, "file", "%s:%d:%d: %s", opt(s, "file"), jerr.line, jerr.column,
		                    jerr.text);
	memset(&in, 0, sizeof(in));
	if ((error = lz_case_input_from_json(&in, obj)) == 0 && (error = lz_case_receive(&r, &s->a.ctx, &in)) == 0) {
		lz_time_format(due, r.due_at);
		printf("case %lld received\nreceipt number  %s\ncheck code      %s   (shown once: give it to the "
		       "applicant)\ndue             %s\n",
		       (long long)r.id, r.receipt_no, r.check_code, due);
	}
	json_decref(obj);
	return error;
}

/* Says how to ask for the next page of a list, when there is one. */
static void print_more(json_t *page)
{
	json_t *next = json_object_get(page, "next_cursor");
	if (json_is_string(next))
		printf("more: --cursor %s\n", json_string_value(next));
}

static int case_inbox(shell *s)
{
	lz_case_inbox_query q = LZ_CASE_INBOX_QUERY_INIT;
	json_t *out = NULL, *row;
	size_t i;
	int error;

	if (opt(s, "staff")) {
		if (!all_digits(opt(s, "staff")))
			return lz_error_set(LZ_EINVALID, "staff", "--staff is a staff member's id");
		q.staff_id = strtoll(opt(s, "staff"), NULL, 10);
	}
	if (opt(s, "cursor") && (error = lz_case_inbox_cursor(&q, opt(s, "cursor"))) < 0)
		return error;
	if ((error = lz_case_inbox(&out, &s->a.ctx, &q)) < 0)
		return error;
	if (flag(s, "json"))
		return show(out, 0);
	printf("receipt\ttype\tstate\tdue\tleft\n");
	json_array_foreach(json_object_get(out, "items"), i, row)
	{
		json_int_t left = json_integer_value(json_object_get(row, "remaining_seconds"));
		printf("%s\t%s\t%s\t%s\t", json_string_value(json_object_get(row, "receipt_no")),
		       json_string_value(json_object_get(row, "type_code")),
		       json_string_value(json_object_get(row, "state")),
		       json_is_string(json_object_get(row, "due_at")) ? json_string_value(json_object_get(row, "due_at"))
		                                                       : "-");
		if (json_is_true(json_object_get(row, "overdue")))
			printf("OVERDUE %.1f h", (double)-left / 3600.0);
		else
			printf("%.1f h%s", (double)left / 3600.0,
			       json_is_true(json_object_get(row, "paused")) ? " (paused)" : "");
		putchar('\n');
	}
	print_more(out);
	json_decref(out);
	return 0;
}

/* The acts, each through its domain call: `case ACT RECEIPT|ID [WORD] [--note TEXT]`. */
static int case_act(shell *s)
{
	const char *act = s->args->words[0], *note = opt(s, "note");
	int64_t id = 0, staff;
	int error;

	if ((error = case_id(&id, s, word(s, 0))) < 0)
		return error;
	if (strcmp(act, "accept") == 0)
		error = lz_case_accept(&s->a.ctx, id, note);
	else if (strcmp(act, "review") == 0)
		error = lz_case_start_review(&s->a.ctx, id, note);
	else if (strcmp(act, "request-evidence") == 0)
		error = lz_case_request_evidence(&s->a.ctx, id, note);
	else if (strcmp(act, "evidence-received") == 0)
		error = lz_case_evidence_received(&s->a.ctx, id, note);
	else if (strcmp(act, "close") == 0)
		error = lz_case_close(&s->a.ctx, id, note);
	else if (strcmp(act, "assign") == 0) {
		if (!all_digits(word(s, 1)))
			return lz_error_set(LZ_EINVALID, "staff_id", "give the staff member's id: case assign RECEIPT STAFF_ID");
		staff = strtoll(word(s, 1), NULL, 10);
		error = lz_case_assign(&s->a.ctx, id, staff, note);
	} else if (strcmp(act, "decide") == 0)
		error = lz_case_decide(&s->a.ctx, id, word(s, 1) ? word(s, 1) : "", opt(s, "reasons"));
	else if (strcmp(act, "approve") == 0) {
		const char *w = word(s, 1) ? word(s, 1) : "agree";
		if (strcmp(w, "agree") != 0 && strcmp(w, "disagree") != 0)
			return lz_error_set(LZ_EINVALID, "agree", "say agree or disagree, not '%s'", w);
		error = lz_case_approve(&s->a.ctx, id, strcmp(w, "agree") == 0, note);
	} else
		error = lz_error_set(LZ_EINVALID, NULL, "unknown act '%s'", act);
	return case_after(s, id, error);
}

static const verb_entry case_verbs[] = {
    {"show", 1, 1, "show RECEIPT|ID", case_show},
    {"recompute", 0, 0, "recompute [--bureau CODE]", case_recompute},
    {"receive", 0, 0, "receive --file APPLICATION.json", case_receive},
    {"inbox", 0, 0, "inbox [--staff ID] [--cursor C] [--json]", case_inbox},
    {"accept", 1, 1, "accept RECEIPT|ID [--note TEXT]", case_act},
    {"assign", 2, 2, "assign RECEIPT|ID STAFF_ID [--note TEXT]", case_act},
    {"review", 1, 1, "review RECEIPT|ID [--note TEXT]", case_act},
    {"request-evidence", 1, 1, "request-evidence RECEIPT|ID --note WHAT-IS-NEEDED", case_act},
    {"evidence-received", 1, 1, "evidence-received RECEIPT|ID [--note TEXT]", case_act},
    {"decide", 2, 2, "decide RECEIPT|ID approved|refused [--reasons TEXT]", case_act},
    {"approve", 1, 2, "approve RECEIPT|ID [agree|disagree] [--note TEXT]", case_act},
    {"close", 1, 1, "close RECEIPT|ID [--note TEXT]", case_act},
    {NULL, 0, 0, NULL, NULL},
};

/* ---------------------------------------------------------------- complaint */

static int numeric_word(int64_t *out, shell *s, int i, const char *field)
{
	if (!all_digits(word(s, i)))
		return lz_error_set(LZ_EINVALID, field, "%s must be a number", field);
	*out = strtoll(word(s, i), NULL, 10);
	return 0;
}

static int complaint_list(shell *s)
{
	lz_complaint_query q = LZ_COMPLAINT_QUERY_INIT;
	json_t *out = NULL, *row;
	size_t i;
	int error;

	if (opt(s, "bureau") && (error = bureau_id(&q.bureau_id, s, opt(s, "bureau"), "bureau")) < 0)
		return error;
	q.state = opt(s, "state");
	q.category = opt(s, "category");
	q.cursor = opt(s, "cursor");
	if ((error = lz_complaint_list(&out, &s->a.ctx, &q)) < 0)
		return error;
	if (flag(s, "json"))
		return show(out, 0);
	printf("id\tcategory\tstate\tdue\n");
	json_array_foreach(json_object_get(out, "items"), i, row)
	printf("%lld\t%s\t%s\t%s%s\n", (long long)json_integer_value(json_object_get(row, "id")),
	       json_string_value(json_object_get(row, "category")), json_string_value(json_object_get(row, "state")),
	       json_string_value(json_object_get(row, "due_at")),
	       json_is_true(json_object_get(row, "overdue")) ? " OVERDUE" : "");
	print_more(out);
	json_decref(out);
	return 0;
}

static int complaint_show(shell *s)
{
	int64_t id = 0;
	json_t *out = NULL;
	int error;

	if ((error = numeric_word(&id, s, 0, "id")) < 0 || (error = lz_complaint_get_json(&out, &s->a.ctx, id)) < 0)
		return error;
	return show(out, 0);
}

static int complaint_assign(shell *s)
{
	int64_t id = 0, staff = 0;
	int error;

	if ((error = numeric_word(&id, s, 0, "id")) < 0 || (error = numeric_word(&staff, s, 1, "staff_id")) < 0 ||
	    (error = lz_complaint_assign(&s->a.ctx, id, staff)) < 0)
		return error;
	printf("complaint %lld assigned to staff %lld\n", (long long)id, (long long)staff);
	return 0;
}

static int complaint_reply(shell *s)
{
	int64_t id = 0;
	int error;

	if ((error = numeric_word(&id, s, 0, "id")) < 0 ||
	    (error = lz_complaint_reply(&s->a.ctx, id, opt(s, "text") ? opt(s, "text") : "")) < 0)
		return error;
	printf("complaint %lld replied\n", (long long)id);
	return 0;
}

static int complaint_rate(shell *s)
{
	int64_t id = 0, n = 0;
	int error;

	if ((error = numeric_word(&id, s, 0, "id")) < 0 || (error = numeric_word(&n, s, 1, "satisfaction")) < 0)
		return error;
	/* the range is the complaints module's rule; only keep a huge number from wrapping */
	if ((error = lz_complaint_rate(&s->a.ctx, id, n > 99 ? 99 : (int)n)) < 0)
		return error;
	printf("complaint %lld: satisfaction %lld\n", (long long)id, (long long)n);
	return 0;
}

static const verb_entry complaint_verbs[] = {
    {"list", 0, 0, "list [--bureau CODE] [--state S] [--category C] [--cursor C] [--json]", complaint_list},
    {"show", 1, 1, "show ID", complaint_show},
    {"assign", 2, 2, "assign ID STAFF_ID", complaint_assign},
    {"reply", 1, 1, "reply ID --text REPLY", complaint_reply},
    {"rate", 2, 2, "rate ID 1..5", complaint_rate},
    {NULL, 0, 0, NULL, NULL},
};

/* ---------------------------------------------------------------- assistance */

static int assistance_list(shell *s)
{
	json_t *out = NULL, *row;
	size_t i;
	int error;

	if ((error = lz_assistance_list(&out, &s->a.ctx, opt(s, "state"), opt(s, "cursor"), 50)) < 0)
		return error;
	if (flag(s, "json"))
		return show(out, 0);
	printf("id\treceipt\tstate\tdeadline\n");
	json_array_foreach(json_object_get(out, "items"), i, row)
	{
		json_t *deadline = json_object_get(row, "action_deadline");
		printf("%lld\t%s\t%s\t%s\n", (long long)json_integer_value(json_object_get(row, "id")),
		       json_string_value(json_object_get(row, "receipt_no")),
		       json_string_value(json_object_get(row, "state")),
		       json_is_string(deadline) ? json_string_value(deadline) : "-");
	}
	print_more(out);
	json_decref(out);
	return 0;
}

static int assistance_show(shell *s)
{
	int64_t id = 0;
	json_t *out = NULL;
	int error;

	if ((error = numeric_word(&id, s, 0, "id")) < 0 || (error = lz_assistance_get_json(&out, &s->a.ctx, id)) < 0)
		return error;
	return show(out, 0);
}

static int assistance_ask_bureau(shell *s)
{
	int64_t id = 0, deadline = 0;
	int error;

	if ((error = numeric_word(&id, s, 0, "id")) < 0 || (error = parse_when(&deadline, opt(s, "by"), "by")) < 0 ||
	    (error = lz_assistance_ask_bureau(&s->a.ctx, id, opt(s, "action") ? opt(s, "action") : "", deadline)) < 0)
		return error;
	printf("assistance request %lld: the bureau is asked to act by %s\n", (long long)id, opt(s, "by"));
	return 0;
}

static int assistance_conclude(shell *s)
{
	int64_t id = 0;
	int error;

	if ((error = numeric_word(&id, s, 0, "id")) < 0 ||
	    (error = lz_assistance_conclude(&s->a.ctx, id, word(s, 1), opt(s, "note") ? opt(s, "note") : "",
	                                    opt(s, "cause"))) < 0)
		return error;
	printf("assistance request %lld concluded: %s\n", (long long)id, word(s, 1));
	return 0;
}

static int assistance_issues(shell *s)
{
	json_t *out = NULL;
	int error;

	if ((error = lz_assistance_systemic_issues(&out, &s->a.ctx, opt(s, "state"))) < 0)
		return error;
	return show(out, 0);
}

static const verb_entry assistance_verbs[] = {
    {"list", 0, 0, "list [--state S] [--cursor C] [--json]", assistance_list},
    {"show", 1, 1, "show ID", assistance_show},
    {"ask-bureau", 1, 1, "ask-bureau ID --action TEXT --by DATE", assistance_ask_bureau},
    {"conclude", 2, 2, "conclude ID resolved|not_resolved --note TEXT [--cause KEY]", assistance_conclude},
    {"issues", 0, 0, "issues [--state open|handed_to_supervision]", assistance_issues},
    {NULL, 0, 0, NULL, NULL},
};

/* ---------------------------------------------------------------- stats */

static void print_seconds(json_t *v)
{
	if (!json_is_integer(v)) {
		fputs("-", stdout);
		return;
	}
	printf("%.1f h", (double)json_integer_value(v) / 3600.0);
}

static void print_figures(const char *label, json_t *f)
{
	json_t *pm = json_object_get(f, "within_target_permille");
	printf("%s\t%lld\t", label, (long long)json_integer_value(json_object_get(f, "decided")));
	print_seconds(json_object_get(f, "median_seconds"));
	putchar('\t');
	print_seconds(json_object_get(f, "p80_seconds"));
	putchar('\t');
	print_seconds(json_object_get(f, "p93_seconds"));
	if (json_is_integer(pm))
		printf("\t%.1f%%", (double)json_integer_value(pm) / 10.0);
	else
		fputs("\t-", stdout);
	printf("\t%lld\t%lld\n", (long long)json_integer_value(json_object_get(f, "received")),
	       (long long)json_integer_value(json_object_get(f, "pending")));
}

static int stats_processing_times(shell *s)
{
	lz_case_stats_query q = {0};
	json_t *out = NULL, *t;
	size_t i;
	int error;

	if ((error = bureau_id(&q.bureau_id, s, opt(s, "bureau"), "bureau")) < 0 ||
	    (error = parse_when(&q.from, opt(s, "from"), "from")) < 0 ||
	    (error = parse_when(&q.to, opt(s, "to"), "to")) < 0)
		return error;
	if (opt(s, "type")) {
		if (!all_digits(opt(s, "type")))
			return lz_error_set(LZ_EINVALID, "type", "--type is a case type's id");
		q.type_id = strtoll(opt(s, "type"), NULL, 10);
	}
	if ((error = lz_case_stats(&out, &s->a.ctx, &q)) < 0)
		return error;
	if (flag(s, "json"))
		return show(out, 0);
	printf("type\tdecided\tmedian\tp80\tp93\twithin target\treceived\tpending\n");
	json_array_foreach(json_object_get(out, "types"), i, t)
	{
		json_t *name = json_object_get(json_object_get(t, "names"), "zh-CN");
		char label[160];
		snprintf(label, sizeof(label), "%s %s", json_string_value(json_object_get(t, "code")),
		         json_is_string(name) ? json_string_value(name) : "");
		print_figures(label, json_object_get(t, "figures") ? json_object_get(t, "figures") : t);
	}
	print_figures("total", json_object_get(out, "total"));
	json_decref(out);
	return 0;
}

static const verb_entry stats_verbs[] = {
    {"processing-times", 0, 0, "processing-times --bureau CODE --from DATE --to DATE [--type ID] [--json]",
     stats_processing_times},
    {NULL, 0, 0, NULL, NULL},
};

/* ---------------------------------------------------------------- dispatch */

static int dispatch(const lz_cmd *cmd, lz_config *cfg, lz_args *args, const verb_entry *verbs)
{
	const char *verb = args->nwords > 0 ? args->words[0] : NULL;
	const verb_entry *v = NULL;
	shell s;
	int error;

	for (const verb_entry *e = verbs; verb && e->verb && !v; e++)
		if (strcmp(e->verb, verb) == 0)
			v = e;
	if (!v) {
		lz_cli_fail(lz_error_set(LZ_EINVALID, NULL, "%s '%s %s'; see 'luzhi %s --help'",
		                         verb ? "unknown command" : "give a command:", cmd->name,
		                         verb ? verb : "…", cmd->name));
		return 2;
	}
	if (args->nwords - 1 < v->min_words || args->nwords - 1 > v->max_words) {
		lz_cli_fail(lz_error_set(LZ_EINVALID, NULL, "usage: luzhi %s %s", cmd->name, v->usage));
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

#define AS_OPT {"as", true, "act as this account (password from $LUZHI_PASSWORD or standard input)"}

static const lz_opt type_opts[] = {
    AS_OPT,
    {"bureau", true, "the bureau's code"},
    {"file", true, "the type as JSON: {code, names, materials, sla_hours, clock_kind, approval_levels, "
                   "pauses_on_applicant, active}"},
    {"json", false, "print the list as JSON"},
    {NULL, false, NULL},
};

static const lz_opt calendar_opts[] = {
    AS_OPT,
    {"name", true, "why the day is what it is (≤ 32 characters), e.g. 国庆节"},
    {NULL, false, NULL},
};

static const lz_opt case_opts[] = {
    AS_OPT,
    {"bureau", true, "recompute this bureau's cases and those below (default: every case in scope)"},
    {"file", true, "the application as JSON: {type_id, channel, proxy_staff_id, name, id_number, phone, email, "
                   "summary}"},
    {"staff", true, "whose inbox (a staff member's id; default: yours)"},
    {"cursor", true, "the next page, as the page before printed it"},
    {"note", true, "a note for the case's history (≤ 500 characters; what is needed, for request-evidence)"},
    {"reasons", true, "the reasons of a refusal (required with refused)"},
    {"json", false, "print as JSON"},
    {NULL, false, NULL},
};

static const lz_opt complaint_opts[] = {
    AS_OPT,
    {"bureau", true, "the bureau's code (its complaints and those below)"},
    {"state", true, "received, assigned or replied"},
    {"category", true, "cumbersome_procedure, delay, attitude, corruption, policy or other"},
    {"cursor", true, "the next page, as the page before printed it"},
    {"text", true, "the reply (≤ 2000 characters)"},
    {"json", false, "print as JSON"},
    {NULL, false, NULL},
};

static const lz_opt assistance_opts[] = {
    AS_OPT,
    {"state", true, "received, bureau_asked or concluded (issues: open or handed_to_supervision)"},
    {"cursor", true, "the next page, as the page before printed it"},
    {"action", true, "what the bureau is asked to do (≤ 2000 characters)"},
    {"by", true, "the deadline (YYYY-MM-DD, local, or an RFC 3339 time)"},
    {"note", true, "the outcome's note (≤ 2000 characters)"},
    {"cause", true, "the cause's key (e.g. missing_form_guidance); a recurring cause becomes a systemic issue"},
    {"json", false, "print as JSON"},
    {NULL, false, NULL},
};

static const lz_opt stats_opts[] = {
    AS_OPT,
    {"bureau", true, "the bureau's code (its cases and those below)"},
    {"from", true, "the period's first day (YYYY-MM-DD, local) or an RFC 3339 time"},
    {"to", true, "the day after the period (YYYY-MM-DD, local) or an RFC 3339 time"},
    {"type", true, "one case type's id"},
    {"json", false, "print the figures as JSON"},
    {NULL, false, NULL},
};

static int run_type(const lz_cmd *cmd, lz_config *cfg, lz_args *args)
{
	return dispatch(cmd, cfg, args, type_verbs);
}

static int run_calendar(const lz_cmd *cmd, lz_config *cfg, lz_args *args)
{
	return dispatch(cmd, cfg, args, calendar_verbs);
}

static int run_case(const lz_cmd *cmd, lz_config *cfg, lz_args *args)
{
	return dispatch(cmd, cfg, args, case_verbs);
}

static int run_stats(const lz_cmd *cmd, lz_config *cfg, lz_args *args)
{
	return dispatch(cmd, cfg, args, stats_verbs);
}

static int run_complaint(const lz_cmd *cmd, lz_config *cfg, lz_args *args)
{
	return dispatch(cmd, cfg, args, complaint_verbs);
}

static int run_assistance(const lz_cmd *cmd, lz_config *cfg, lz_args *args)
{
	return dispatch(cmd, cfg, args, assistance_verbs);
}

const lz_cmd lz_cmd_case_type = {"case-type",
                                 "case-type list --bureau CODE [--json] | create --bureau CODE --file TYPE.json",
                                 "list and create case types", type_opts, run_type};
const lz_cmd lz_cmd_calendar = {"calendar",
                                "calendar set BUREAU DATE holiday|workday|default [--name NAME] | import FILE.csv",
                                "set the working calendar's days", calendar_opts, run_calendar};
const lz_cmd lz_cmd_case = {"case",
                            "case show RECEIPT|ID | receive --file APP.json | inbox | accept|assign|review|"
                            "request-evidence|evidence-received|decide|approve|close RECEIPT|ID … | "
                            "recompute [--bureau CODE]",
                            "receive, follow and act on cases; recompute every case's clock from its events",
                            case_opts, run_case};
const lz_cmd lz_cmd_complaint = {"complaint",
                                 "complaint list [--state S] | show ID | assign ID STAFF_ID | reply ID --text TEXT | "
                                 "rate ID 1..5",
                                 "the complaint queue: assign, reply, record satisfaction", complaint_opts,
                                 run_complaint};
const lz_cmd lz_cmd_assistance = {"assistance",
                                  "assistance list | show ID | ask-bureau ID --action TEXT --by DATE | "
                                  "conclude ID resolved|not_resolved --note TEXT [--cause KEY] | issues",
                                  "the case-assistance queue (ombudsman)", assistance_opts, run_assistance};
const lz_cmd lz_cmd_stats = {"stats",
                             "stats processing-times --bureau CODE --from DATE --to DATE [--type ID] [--json]",
                             "processing-time statistics of a bureau and those below", stats_opts, run_stats};
