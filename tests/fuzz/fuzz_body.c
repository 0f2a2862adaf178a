/*
 * fuzz_body.c — a fuzz target for request bodies: the JSON parser and the readers
 * that turn a body into a domain input (staff fields, times, dates). Whatever the
 * bytes, it must not crash, leak or read out of bounds, and a success must hand
 * back well-formed UTF-8.
 *
 * Built two ways: with clang's libFuzzer (`make fuzz`, -fsanitize=fuzzer) for
 * coverage-guided runs, and with driver.c under ctest, which replays the corpus and
 * a bounded number of deterministic mutations of it under ASan and UBSan.
 */
#include "base/buf.h"
#include "base/clock.h"
#include "base/json.h"
#include "org/org.h"

#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *obj;
	if (lz_json_parse_object(&obj, (const char *)data, size) < 0)
		return 0;

	lz_staff_input in;
	for (int create = 0; create <= 1; create++) {
		if (lz_staff_input_from_json(&in, obj, create) == 0) {
			const char *fields[] = {in.employee_no, in.name, in.post, in.status, in.hired_on};
			for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
				if (fields[i])
					assert(lz_utf8_valid(fields[i], strlen(fields[i])));
		}
	}
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v) {
		const char *s;
		int64_t t, i;
		int32_t d;
		if (lz_json_str(&s, obj, key, false, 64) == 0 && s) {
			(void)lz_time_parse(&t, s);
			(void)lz_date_parse(&d, s);
		}
		if (lz_json_int(&i, NULL, obj, key, false) == 0)
			(void)i;
	}
	json_decref(obj);
	return 0;
}
