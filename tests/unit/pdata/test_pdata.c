/* test_pdata.c — personal data at rest (sealing, blind index, commitments, masks)
 * and GB 11643 identity numbers. No store is needed. */
#include "helpers.h"

#include "base/clock.h"
#include "base/crypto.h"
#include "base/idcard.h"
#include "base/pdata.h"

#include <stdio.h>
#include <string.h>

static const uint8_t key_a[32] = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16,
								  17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
static const uint8_t key_b[32] = {32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17,
								  16, 15, 14, 13, 12, 11, 10, 9,  8,  7,  6,  5,  4,  3,  2,  1};

static int setup(void **state)
{
	(void)state;
	assert_ok(lz_crypto_init());
	return 0;
}

static int32_t day(const char *s)
{
	int32_t d = 0;
	assert_ok(lz_date_parse(&d, s));
	return d;
}

/* A valid number from its first 17 characters (division, birth date, sequence). */
static void make_id(char out[19], const char *first17)
{
	memcpy(out, first17, 17);
	out[17] = lz_idcard_check_char(first17);
	out[18] = '\0';
}

static void expect_invalid(const char *s, const char *words)
{
	lz_idcard card;
	int rc = lz_idcard_parse(&card, s, day("2026-10-27"), "id_number");
	if (rc != LZ_EINVALID)
		fail_msg("'%s': expected LZ_EINVALID, got %d", s ? s : "(null)", rc);
	assert_string_equal(lz_error_last()->field, "id_number");
	if (!strstr(lz_error_last()->message, words))
		fail_msg("'%s': message '%s' does not say '%s'", s ? s : "", lz_error_last()->message, words);
	/* The message never repeats the number. */
	if (s && strlen(s) >= 10)
		assert_null(strstr(lz_error_last()->message, s));
}

/* ---------------------------------------------------------------- sealing */

static void test_pdata__seal_open_round_trip(void **state)
{
	(void)state;
	const char *value = "420527199003071234";
	uint8_t sealed[18 + LZ_PDATA_OVERHEAD], sealed2[18 + LZ_PDATA_OVERHEAD], plain[64];
	size_t n = 0;

	lz_pdata_seal(sealed, key_a, &lz_system_random, value, 18);
	lz_pdata_seal(sealed2, key_a, &lz_system_random, value, 18);
	/* A fresh nonce each time: equal values do not seal alike. */
	assert_memory_not_equal(sealed, sealed2, sizeof(sealed));
	assert_null(memmem(sealed, sizeof(sealed), value, 18));
	assert_ok(lz_pdata_open(plain, &n, key_a, sealed, sizeof(sealed), "id_number"));
	assert_int_equal(n, 18);
	assert_memory_equal(plain, value, 18);
	assert_ok(lz_pdata_open(plain, &n, key_a, sealed2, sizeof(sealed2), "id_number"));
	assert_memory_equal(plain, value, 18);
}

static void test_pdata__tampered_or_foreign_ciphertext_is_refused(void **state)
{
	(void)state;
	uint8_t sealed[8 + LZ_PDATA_OVERHEAD], plain[64];
	size_t n = 99;

	lz_pdata_seal(sealed, key_a, &lz_system_random, "62220212", 8);
	for (size_t i = 0; i < sizeof(sealed); i++) {
		sealed[i] ^= 0x01;
		assert_int_equal(lz_pdata_open(plain, &n, key_a, sealed, sizeof(sealed), "bank_account"),
		                 LZ_ETAMPERED);
		assert_int_equal(n, 0);
		sealed[i] ^= 0x01;
	}
	assert_string_equal(lz_error_last()->field, "bank_account");
	assert_int_equal(lz_pdata_open(plain, &n, key_b, sealed, sizeof(sealed), NULL), LZ_ETAMPERED);
	assert_int_equal(lz_pdata_open(plain, &n, key_a, sealed, sizeof(sealed) - 1, NULL), LZ_ETAMPERED);
	assert_int_equal(lz_pdata_open(plain, &n, key_a, sealed, LZ_PDATA_OVERHEAD - 1, NULL), LZ_ETAMPERED);
	assert_ok(lz_pdata_open(plain, &n, key_a, sealed, sizeof(sealed), NULL));
	assert_memory_equal(plain, "62220212", 8);
}

/* ---------------------------------------------------------------- blind index */

static void test_pdata__blind_index_matches_equal_values_only(void **state)
{
	(void)state;
	uint8_t a[32], a2[32], b[32], other_key[32], other_kind[32];

	lz_pdata_index(a, key_a, "id_number", "11010519491231002X", 18);
	lz_pdata_index(a2, key_a, "id_number", "11010519491231002X", 18);
	lz_pdata_index(b, key_a, "id_number", "440524188001010014", 18);
	lz_pdata_index(other_key, key_b, "id_number", "11010519491231002X", 18);
	lz_pdata_index(other_kind, key_a, "bank_account", "11010519491231002X", 18);
	assert_memory_equal(a, a2, 32);
	assert_memory_not_equal(a, b, 32);
	assert_memory_not_equal(a, other_key, 32);
	assert_memory_not_equal(a, other_kind, 32);
}

/* ---------------------------------------------------------------- commitments */

static void test_pdata__commitment_is_salted_sha256(void **state)
{
	(void)state;
	uint8_t salt[16], salt2[16], c[32], c2[32], want[32], buf[16 + 18];

	memset(salt, 0xab, sizeof(salt));
	memset(salt2, 0xac, sizeof(salt2));
	lz_pdata_commit(c, salt, "11010519491231002X", 18);
	memcpy(buf, salt, 16);
	memcpy(buf + 16, "11010519491231002X", 18);
	lz_sha256(want, buf, sizeof(buf));
	assert_memory_equal(c, want, 32);
	lz_pdata_commit(c2, salt2, "11010519491231002X", 18);
	assert_memory_not_equal(c, c2, 32);
}

/* ---------------------------------------------------------------- masks */

static void test_pdata__masks(void **state)
{
	(void)state;
	char out[40];

	lz_pdata_mask_id(out, sizeof(out), "420527199003071234");
	assert_string_equal(out, "420527********1234");
	lz_pdata_mask_id(out, sizeof(out), "11010519491231002X");
	assert_string_equal(out, "110105********002X");
	lz_pdata_mask_id(out, sizeof(out), "123");
	assert_string_equal(out, "******************");
	lz_pdata_mask_account(out, sizeof(out), "6222021234567896789");
	assert_string_equal(out, "****6789");
	lz_pdata_mask_account(out, sizeof(out), "1234");
	assert_string_equal(out, "********");
	lz_pdata_mask_phone(out, sizeof(out), "13812345678");
	assert_string_equal(out, "138****5678");
	lz_pdata_mask_phone(out, sizeof(out), "12345");
	assert_string_equal(out, "***********");
	lz_pdata_mask_phone(out, sizeof(out), NULL);
	assert_string_equal(out, "***********");
}

/* ---------------------------------------------------------------- GB 11643 */

static void test_pdata__gb11643_examples_from_the_standard(void **state)
{
	(void)state;
	lz_idcard card;

	assert_int_equal(lz_idcard_check_char("11010519491231002"), 'X');
	assert_int_equal(lz_idcard_check_char("44052418800101001"), '4');
	assert_ok(lz_idcard_parse(&card, "11010519491231002X", day("2026-10-27"), "id_number"));
	assert_string_equal(card.number, "11010519491231002X");
	assert_string_equal(card.division, "110105");
	assert_int_equal(card.birth_day, day("1949-12-31"));
	assert_int_equal(card.sequence, 2);
	assert_false(card.male);
	/* A lower-case x is accepted and normalised. */
	assert_ok(lz_idcard_parse(&card, "11010519491231002x", day("2026-10-27"), "id_number"));
	assert_string_equal(card.number, "11010519491231002X");
	assert_ok(lz_idcard_parse(&card, "440524188001010014", day("2026-10-27"), NULL));
	assert_true(card.male);
}

static void test_pdata__gb11643_generated_numbers_are_valid(void **state)
{
	(void)state;
	static const char *const divisions[] = {"420527", "330122", "500101", "110105"};
	char first[32], id[19];
	lz_idcard card;
	int xs = 0;

	for (int i = 0; i < 2000; i++) {
		int32_t birth = day("1930-01-01") + (i * 37) % 34000;
		char date[11];
		lz_date_format(date, birth);
		snprintf(first, sizeof(first), "%s%.4s%.2s%.2s%03d", divisions[i % 4], date, date + 5,
		         date + 8, i % 1000);
		make_id(id, first);
		xs += id[17] == 'X';
		assert_ok(lz_idcard_parse(&card, id, day("2026-10-27"), "id_number"));
		assert_string_equal(card.number, id);
		assert_int_equal(card.birth_day, birth);
	}
	assert_true(xs > 0); /* the X branch was exercised */
}

static void test_pdata__gb11643_each_kind_of_invalid_number(void **state)
{
	(void)state;
	char id[19], bad[19];

	make_id(id, "42052719900307123");
	expect_invalid(NULL, "required");
	expect_invalid("", "required");
	expect_invalid("42052719900307123", "18 characters");
	expect_invalid("4205271990030712345", "18 characters");
	expect_invalid("42052719900307A234", "digits");
	memcpy(bad, id, 19);
	bad[17] = 'Y';
	expect_invalid(bad, "digit or X");
	/* Not calendar dates: 30 February, month 13, 29 February of a common year. */
	make_id(bad, "42052719900230123");
	expect_invalid(bad, "birth date");
	make_id(bad, "42052719901301123");
	expect_invalid(bad, "birth date");
	make_id(bad, "42052720230229123");
	expect_invalid(bad, "birth date");
	/* In the future relative to today, and before 1900. */
	make_id(bad, "42052720261028123");
	expect_invalid(bad, "future");
	make_id(bad, "42052717991231123");
	expect_invalid(bad, "before 1800");
	/* Every wrong check character. */
	for (const char *c = "0123456789X"; *c; c++) {
		if (*c == id[17])
			continue;
		memcpy(bad, id, 19);
		bad[17] = *c;
		expect_invalid(bad, "check character");
	}
	/* A changed digit breaks the check. */
	memcpy(bad, id, 19);
	bad[16] = bad[16] == '9' ? '0' : (char)(bad[16] + 1);
	expect_invalid(bad, "check character");
	/* Today itself is a valid birth date. */
	lz_idcard card;
	make_id(bad, "42052720261027123");
	assert_ok(lz_idcard_parse(&card, bad, day("2026-10-27"), "id_number"));
}

#define T(test) cmocka_unit_test(test)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_pdata__seal_open_round_trip),
	    T(test_pdata__tampered_or_foreign_ciphertext_is_refused),
	    T(test_pdata__blind_index_matches_equal_values_only),
	    T(test_pdata__commitment_is_salted_sha256),
	    T(test_pdata__masks),
	    T(test_pdata__gb11643_examples_from_the_standard),
	    T(test_pdata__gb11643_generated_numbers_are_valid),
	    T(test_pdata__gb11643_each_kind_of_invalid_number),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
