/*
 * csv.h — one line of a CSV file (RFC 4180 quoting), for the importers: commas
 * separate fields; a field in double quotes may hold commas, and "" stands for a
 * quote inside it. Lines come one at a time (a field may not span lines: the
 * importers' files have none, and a line is bounded before it is split).
 */
#ifndef LZ_BASE_CSV_H
#define LZ_BASE_CSV_H

enum {
	LZ_CSV_OK = 0,
	LZ_CSV_BAD_QUOTE = -1, /* a quote left open, or text after a closing quote */
	LZ_CSV_TOO_MANY = -2,  /* more than 'max' fields */
};

/*
 * Splits 'line' (NUL-terminated, without its newline) into at most 'max' fields,
 * in place: fields[0..*n) point into 'line', unquoted and NUL-terminated. Answers
 * LZ_CSV_OK, or one of the errors above (fields and *n then say how far it got).
 */
int lz_csv_split(char **fields, int max, int *n, char *line);

#endif
