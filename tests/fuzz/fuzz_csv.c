/*
 * fuzz_csv.c — a fuzz target for the importers' CSV line splitter (base/csv.h).
 * Whatever the bytes (up to the first NUL, as a line reaches the splitter), it must
 * not crash or write outside the line, must answer one of its three results with
 * 1..max fields inside the line, and a line it accepts must come back the same when
 * its fields are written out again, every one quoted, and split once more.
 *
 * Built as fuzz_body.c is: with libFuzzer by `make fuzz`, with driver.c under ctest.
 */
#include "base/csv.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FIELDS 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line, *again, *w, *fields[MAX_FIELDS], *fields2[MAX_FIELDS];
	size_t len = strnlen((const char *)data, size);
	int n = 0, n2 = 0, result;

	if (!(line = malloc(len + 1)))
		return 0;
	memcpy(line, data, len);
	line[len] = '\0';
	result = lz_csv_split(fields, MAX_FIELDS, &n, line);
	assert(result == LZ_CSV_OK || result == LZ_CSV_BAD_QUOTE || result == LZ_CSV_TOO_MANY);
	assert(n >= 1 && n <= MAX_FIELDS);
	for (int i = 0; i < n; i++)
		assert(fields[i] >= line && fields[i] <= line + len);
	if (result != LZ_CSV_OK) {
		free(line);
		return 0;
	}
	/* Written out again with every field quoted: at most 2 + 2·len + 1 bytes a field. */
	if (!(again = malloc(3 * len + 3 * MAX_FIELDS + 1))) {
		free(line);
		return 0;
	}
	w = again;
	for (int i = 0; i < n; i++) {
		assert(strlen(fields[i]) <= len);
		if (i)
			*w++ = ',';
		*w++ = '"';
		for (const char *r = fields[i]; *r; r++) {
			if (*r == '"')
				*w++ = '"';
			*w++ = *r;
		}
		*w++ = '"';
	}
	*w = '\0';
	result = lz_csv_split(fields2, MAX_FIELDS, &n2, again);
	assert(result == LZ_CSV_OK && n2 == n);
	for (int i = 0; i < n; i++)
		assert(strcmp(fields[i], fields2[i]) == 0);
	free(again);
	free(line);
	return 0;
}
