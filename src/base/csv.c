/*
 * csv.c — one CSV line split in place (see csv.h).
 */
#include "base/csv.h"

#include <stddef.h>

int lz_csv_split(char **fields, int max, int *n, char *line)
{
	char *r = line, *w = line;

	*n = 0;
	for (;;) {
		if (*n == max)
			return LZ_CSV_TOO_MANY;
		fields[(*n)++] = w;
		if (*r == '"') {
			for (r++;;) {
				if (!*r)
					return LZ_CSV_BAD_QUOTE;
				if (*r == '"' && r[1] == '"') {
					*w++ = '"';
					r += 2;
				} else if (*r == '"') {
					r++;
					break;
				} else {
					*w++ = *r++;
				}
			}
			if (*r && *r != ',')
				return LZ_CSV_BAD_QUOTE;
		} else {
			while (*r && *r != ',')
				*w++ = *r++;
		}
		if (!*r) {
			*w = '\0';
			return LZ_CSV_OK;
		}
		*w++ = '\0';
		r++;
	}
}
