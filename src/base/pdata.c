/*
 * pdata.c — personal data at rest: sealing, the blind index, commitments and masks
 * (see pdata.h). The primitives are libsodium's and OpenSSL's; nothing here is
 * home-made crypto.
 */
#include "base/pdata.h"

#include "base/crypto.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

_Static_assert(LZ_PDATA_NONCE_LEN == crypto_secretbox_NONCEBYTES, "secretbox nonce size");
_Static_assert(LZ_PDATA_MAC_LEN == crypto_secretbox_MACBYTES, "secretbox MAC size");
_Static_assert(LZ_PDATA_KEY_LEN == crypto_secretbox_KEYBYTES, "secretbox key size");
_Static_assert(LZ_PDATA_KEY_LEN >= crypto_generichash_KEYBYTES_MIN &&
				   LZ_PDATA_KEY_LEN <= crypto_generichash_KEYBYTES_MAX,
			   "blind index key size");

void lz_pdata_seal(uint8_t *out, const uint8_t key[LZ_PDATA_KEY_LEN], const lz_random *rnd, const void *value,
				   size_t n)
{
	lz_random_fill(rnd, out, LZ_PDATA_NONCE_LEN);
	crypto_secretbox_easy(out + LZ_PDATA_NONCE_LEN, value, n, out, key);
}

int lz_pdata_open(uint8_t *out, size_t *out_n, const uint8_t key[LZ_PDATA_KEY_LEN], const void *sealed,
				  size_t n, const char *field)
{
	const uint8_t *s = sealed;

	*out_n = 0;
	if (!s || n < LZ_PDATA_OVERHEAD ||
	    crypto_secretbox_open_easy(out, s + LZ_PDATA_NONCE_LEN, n - LZ_PDATA_NONCE_LEN, s, key) != 0)
		return lz_error_set(LZ_ETAMPERED, field, "a sealed %s does not authenticate",
		                    field ? field : "value");
	*out_n = n - LZ_PDATA_OVERHEAD;
	return 0;
}

void lz_pdata_index(uint8_t out[LZ_PDATA_INDEX_LEN], const uint8_t key[LZ_PDATA_KEY_LEN], const char *kind,
					const void *value, size_t n)
{
	crypto_generichash_state st;
	static const uint8_t sep = 0;

	crypto_generichash_init(&st, key, LZ_PDATA_KEY_LEN, LZ_PDATA_INDEX_LEN);
	crypto_generichash_update(&st, (const uint8_t *)kind, strlen(kind));
	crypto_generichash_update(&st, &sep, 1);
	crypto_generichash_update(&st, value, n);
	crypto_generichash_final(&st, out, LZ_PDATA_INDEX_LEN);
	sodium_memzero(&st, sizeof(st));
}

void lz_pdata_commit(uint8_t out[LZ_PDATA_COMMIT_LEN], const uint8_t salt[LZ_PDATA_SALT_LEN],
					 const void *value, size_t n)
{
	lz_sha256_ctx *c = lz_sha256_begin();

	lz_sha256_update(c, salt, LZ_PDATA_SALT_LEN);
	lz_sha256_update(c, value, n);
	lz_sha256_end(c, out);
}

void lz_pdata_wipe(void *p, size_t n)
{
	sodium_memzero(p, n);
}

/* ---------------------------------------------------------------- masks */

/* Writes 'n' stars into out (of 'cap' bytes, n < cap). */
static void stars(char *out, size_t cap, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memset(out, '*', n);
	out[n] = '\0';
}

void lz_pdata_mask_id(char *out, size_t cap, const char *id)
{
	size_t n = id ? strlen(id) : 0;

	if (n < 10 || cap < 19) {
		stars(out, cap, 18);
		return;
	}
	snprintf(out, cap, "%.6s********%.4s", id, id + n - 4);
}

void lz_pdata_mask_account(char *out, size_t cap, const char *account)
{
	size_t n = account ? strlen(account) : 0;

	if (n < 8 || cap < 9) {
		stars(out, cap, 8);
		return;
	}
	snprintf(out, cap, "****%.4s", account + n - 4);
}

void lz_pdata_mask_phone(char *out, size_t cap, const char *phone)
{
	size_t n = phone ? strlen(phone) : 0;

	if (n < 11 || cap < 12) {
		stars(out, cap, 11);
		return;
	}
	snprintf(out, cap, "%.3s****%.4s", phone, phone + n - 4);
}
