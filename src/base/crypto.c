/* crypto.c — SHA-256 (OpenSSL EVP) and argon2id passwords (libsodium). */
#include "base/crypto.h"

#include <openssl/evp.h>
#include <sodium.h>
#include <string.h>

int lz_crypto_init(void)
{
	if (sodium_init() < 0)
		return lz_error_set(LZ_EINTERNAL, NULL, "libsodium could not be initialised");
	return 0;
}

void lz_sha256(uint8_t out[LZ_SHA256_LEN], const void *data, size_t n)
{
	unsigned int len = LZ_SHA256_LEN;
	EVP_Digest(data, n, out, &len, EVP_sha256(), NULL);
}

struct lz_sha256_ctx {
	EVP_MD_CTX *md;
};

lz_sha256_ctx *lz_sha256_begin(void)
{
	lz_sha256_ctx *c = (lz_sha256_ctx *)EVP_MD_CTX_new();
	EVP_DigestInit_ex((EVP_MD_CTX *)c, EVP_sha256(), NULL);
	return c;
}

void lz_sha256_update(lz_sha256_ctx *c, const void *data, size_t n)
{
	EVP_DigestUpdate((EVP_MD_CTX *)c, data, n);
}

void lz_sha256_end(lz_sha256_ctx *c, uint8_t out[LZ_SHA256_LEN])
{
	unsigned int len = LZ_SHA256_LEN;
	EVP_DigestFinal_ex((EVP_MD_CTX *)c, out, &len);
	EVP_MD_CTX_free((EVP_MD_CTX *)c);
}

int lz_password_hash(char out[LZ_PW_HASH_MAX], const char *password, lz_pw_cost cost)
{
	unsigned long long ops;
	size_t mem;

	switch (cost) {
	case LZ_PW_COST_MODERATE:
		ops = crypto_pwhash_OPSLIMIT_MODERATE;
		mem = crypto_pwhash_MEMLIMIT_MODERATE;
		break;
	case LZ_PW_COST_MIN:
		ops = crypto_pwhash_OPSLIMIT_MIN;
		mem = crypto_pwhash_MEMLIMIT_MIN;
		break;
	default:
		ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
		mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
	}
	if (crypto_pwhash_str_alg(out, password, strlen(password), ops, mem, crypto_pwhash_ALG_ARGON2ID13) != 0)
		return lz_error_set(LZ_EINTERNAL, NULL, "password hashing failed (out of memory?)");
	return 0;
}

int lz_password_verify(const char *hash, const char *password)
{
	if (crypto_pwhash_str_verify(hash, password, strlen(password)) != 0)
		return lz_error_set(LZ_EAUTH, NULL, "wrong login or password");
	return 0;
}

int lz_memeq(const void *a, const void *b, size_t n)
{
	return sodium_memcmp(a, b, n) == 0;
}
