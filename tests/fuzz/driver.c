/*
 * driver.c — runs a fuzz target without libFuzzer: every file of the corpus folder
 * given as argv[1], then argv[2] (default 20000) mutations of them from a fixed
 * seed (byte flips, insertions, deletions, splices, interesting bytes), so a ctest
 * run is bounded and repeatable.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_INPUTS 256
#define MAX_SIZE 4096

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

int main(int argc, char **argv)
{
	static uint8_t inputs[MAX_INPUTS][MAX_SIZE], buf[MAX_SIZE * 2];
	static size_t sizes[MAX_INPUTS];
	static const uint8_t interesting[] = {0, '"', '\\', '{', '}', '[', ']', ':', ',', 0x7f, 0x80, 0xc0, 0xed, 0xf4, 0xff};
	int n = 0;
	long rounds = argc > 2 ? atol(argv[2]) : 20000;

	DIR *d = opendir(argc > 1 ? argv[1] : ".");
	if (!d) {
		perror("corpus");
		return 2;
	}
	for (struct dirent *e; (e = readdir(d)) && n < MAX_INPUTS;) {
		char path[4096];
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", argv[1], e->d_name);
		FILE *f = fopen(path, "rb");
		if (!f)
			continue;
		sizes[n] = fread(inputs[n], 1, MAX_SIZE, f);
		fclose(f);
		LLVMFuzzerTestOneInput(inputs[n], sizes[n]);
		n++;
	}
	closedir(d);
	if (n == 0) {
		fprintf(stderr, "no corpus in %s\n", argv[1]);
		return 2;
	}
	for (long r = 0; r < rounds; r++) {
		int k = (int)(next() % (uint64_t)n);
		size_t len = sizes[k];
		memcpy(buf, inputs[k], len);
		int edits = 1 + (int)(next() % 4);
		for (int j = 0; j < edits; j++) {
			size_t at = len ? next() % len : 0;
			switch (next() % 5) {
			case 0: /* flip a bit */
				if (len)
					buf[at] ^= (uint8_t)(1u << (next() % 8));
				break;
			case 1: /* an interesting byte */
				if (len)
					buf[at] = interesting[next() % sizeof(interesting)];
				break;
			case 2: /* insert */
				if (len < sizeof(buf) - 1) {
					memmove(buf + at + 1, buf + at, len - at);
					buf[at] = (uint8_t)next();
					len++;
				}
				break;
			case 3: /* delete */
				if (len) {
					memmove(buf + at, buf + at + 1, len - at - 1);
					len--;
				}
				break;
			default: { /* splice another input's tail */
				int o = (int)(next() % (uint64_t)n);
				size_t from = sizes[o] ? next() % sizes[o] : 0, take = sizes[o] - from;
				if (at + take > sizeof(buf))
					take = sizeof(buf) - at;
				memcpy(buf + at, inputs[o] + from, take);
				len = at + take;
			}
			}
		}
		LLVMFuzzerTestOneInput(buf, len);
	}
	printf("fuzz: %d corpus inputs and %ld mutations ran clean\n", n, rounds);
	return 0;
}
