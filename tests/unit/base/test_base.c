/* test_base.c — strings, UTF-8, hex, times, the pool, SHA-256, passwords. */
#include "helpers.h"

#include "base/buf.h"
#include "base/clock.h"
#include "base/crypto.h"
#include "base/json.h"

#include <string.h>

static void test_base__utf8_rejects_malformed(void **state)
{
	(void)state;
	assert_true(lz_utf8_valid("湖北省", strlen("湖北省")));
	assert_false(lz_utf8_valid("\xc0\xaf", 2));         /* overlong '/' */
	assert_false(lz_utf8_valid("\xed\xa0\x80", 3));     /* surrogate */
	assert_false(lz_utf8_valid("ab\xe6\xb9", 4));       /* cut short */
	assert_false(lz_utf8_valid("a\0b", 3));             /* NUL */
	assert_false(lz_utf8_valid("\xf4\x90\x80\x80", 4)); /* past U+10FFFF */
	assert_int_equal(lz_utf8_len("天门市", strlen("天门市")), 3);
}

static void test_base__hex_round_trip(void **state)
{
	(void)state;
	uint8_t in[4] = {0x00, 0xab, 0x7f, 0xff}, back[4];
	char hex[9];
	lz_hex(hex, in, 4);
	assert_string_equal(hex, "00ab7fff");
	assert_ok(lz_unhex(back, 4, hex));
	assert_memory_equal(in, back, 4);
	assert_int_equal(lz_unhex(back, 4, "00ab7fzz"), LZ_EINVALID);
	assert_int_equal(lz_unhex(back, 4, "00ab7fff00"), LZ_EINVALID);
}

static void test_base__times_parse_and_format(void **state)
{
	(void)state;
	int64_t t;
	char out[21];
	assert_ok(lz_time_parse(&t, "2026-11-27T21:06:39Z"));
	lz_time_format(out, t);
	assert_string_equal(out, "2026-11-27T21:06:39Z");
	assert_ok(lz_time_parse(&t, "2026-11-28T05:06:39+08:00"));
	lz_time_format(out, t);
	assert_string_equal(out, "2026-11-27T21:06:39Z");
	assert_ok(lz_time_parse(&t, "1970-01-01T00:00:00.123Z"));
	assert_int_equal(t, 0);
	lz_time_format(out, -1);
	assert_string_equal(out, "1969-12-31T23:59:59Z");
	lz_time_format(out, 951782400); /* a leap day */
	assert_string_equal(out, "2000-02-29T00:00:00Z");
	assert_int_equal(lz_time_parse(&t, "2026-02-30T00:00:00Z"), LZ_EINVALID);
	assert_int_equal(lz_time_parse(&t, "2026-11-27 21:06"), LZ_EINVALID);
	int32_t d;
	assert_ok(lz_date_parse(&d, "2024-02-29"));
	char ds[11];
	lz_date_format(ds, d);
	assert_string_equal(ds, "2024-02-29");
	assert_int_equal(lz_date_parse(&d, "2023-02-29"), LZ_EINVALID);
}

static void test_base__sha256_known_answer(void **state)
{
	(void)state;
	uint8_t h[32];
	char hex[65];
	lz_sha256(h, "abc", 3);
	lz_hex(hex, h, 32);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	lz_sha256_ctx *c = lz_sha256_begin();
	lz_sha256_update(c, "a", 1);
	lz_sha256_update(c, "bc", 2);
	uint8_t h2[32];
	lz_sha256_end(c, h2);
	assert_memory_equal(h, h2, 32);
}

static void test_base__password_hash_verifies_only_the_password(void **state)
{
	(void)state;
	char hash[LZ_PW_HASH_MAX];
	assert_ok(lz_crypto_init());
	assert_ok(lz_password_hash(hash, "correct horse", LZ_PW_COST_MIN));
	assert_non_null(strstr(hash, "$argon2id$"));
	assert_ok(lz_password_verify(hash, "correct horse"));
	assert_int_equal(lz_password_verify(hash, "correct hors"), LZ_EAUTH);
}

static void test_base__json_fields_name_the_field(void **state)
{
	(void)state;
	json_t *o;
	const char *s;
	int64_t i;
	assert_int_equal(lz_json_parse_object(&o, "{\"a\":", 5), LZ_EMALFORMED);
	assert_int_equal(lz_json_parse_object(&o, "[1]", 3), LZ_EMALFORMED);
	assert_int_equal(lz_json_parse_object(&o, "{\"a\":\"\xff\"}", 8), LZ_EMALFORMED);
	/* NUL inside a string is refused by the parser itself. */
	assert_int_equal(lz_json_parse_object(&o, "{\"z\":\"a\\u0000b\"}", 15), LZ_EMALFORMED);
	const char *text = "{\"name\":\"张三\",\"n\":\"x\",\"z\":\"ab\"}";
	assert_ok(lz_json_parse_object(&o, text, strlen(text)));
	assert_ok(lz_json_str(&s, o, "name", true, 2));
	assert_string_equal(s, "张三");
	assert_int_equal(lz_json_str(&s, o, "name", true, 1), LZ_EINVALID);
	assert_string_equal(lz_error_last()->field, "name");
	assert_int_equal(lz_json_int(&i, NULL, o, "n", true), LZ_EINVALID);
	assert_string_equal(lz_error_last()->field, "n");
	assert_int_equal(lz_json_str(&s, o, "missing", true, 10), LZ_EINVALID);
	assert_int_equal(lz_json_str(&s, o, "z", true, 1), LZ_EINVALID);
	static const char *const known[] = {"name", "n", NULL};
	assert_int_equal(lz_json_only(o, known), LZ_EINVALID);
	assert_string_equal(lz_error_last()->field, "z");
	json_decref(o);
}

static int cleanup_order[2], cleanup_n;

static void note_cleanup(void *arg)
{
	cleanup_order[cleanup_n++] = (int)(intptr_t)arg;
}

static void test_base__pool_runs_cleanups_last_first(void **state)
{
	(void)state;
	lz_pool *p = lz_pool_new();
	lz_pool_cleanup(p, note_cleanup, (void *)(intptr_t)1);
	lz_pool_cleanup(p, note_cleanup, (void *)(intptr_t)2);
	char *s = lz_pool_printf(p, "%s-%d", "bureau", 42);
	assert_string_equal(s, "bureau-42");
	void *big = lz_pool_alloc(p, 100000);
	memset(big, 1, 100000);
	lz_pool_free(p);
	assert_int_equal(cleanup_n, 2);
	assert_int_equal(cleanup_order[0], 2);
	assert_int_equal(cleanup_order[1], 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base__utf8_rejects_malformed),
		cmocka_unit_test(test_base__hex_round_trip),
		cmocka_unit_test(test_base__times_parse_and_format),
		cmocka_unit_test(test_base__sha256_known_answer),
		cmocka_unit_test(test_base__password_hash_verifies_only_the_password),
		cmocka_unit_test(test_base__json_fields_name_the_field),
		cmocka_unit_test(test_base__pool_runs_cleanups_last_first),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
