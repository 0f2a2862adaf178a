/*
 * crypto.h — the few primitives the foundation needs, from well-kept libraries only:
 * SHA-256 from OpenSSL's EVP (it uses the CPU's SHA extensions), passwords with
 * argon2id from libsodium. No home-made crypto.
 */
#ifndef LZ_BASE_CRYPTO_H
#define LZ_BASE_CRYPTO_H

#include "base/error.h"

#include <stddef.h>
#include <stdint.h>

#define LZ_SHA256_LEN 32

/* Must be called once before threads start (initialises libsodium). */
int lz_crypto_init(void) LZ_MUST_USE;

void lz_sha256(uint8_t out[LZ_SHA256_LEN], const void *data, size_t n);

/* Incremental SHA-256 over several pieces. */
typedef struct lz_sha256_ctx lz_sha256_ctx;
lz_sha256_ctx *lz_sha256_begin(void);
void lz_sha256_update(lz_sha256_ctx *c, const void *data, size_t n);
/* Writes the digest and frees the context. */
void lz_sha256_end(lz_sha256_ctx *c, uint8_t out[LZ_SHA256_LEN]);

typedef enum { LZ_PW_COST_INTERACTIVE, LZ_PW_COST_MODERATE, LZ_PW_COST_MIN } lz_pw_cost;

/* argon2id in libsodium's encoded string form (parameters travel with the hash). */
#define LZ_PW_HASH_MAX 128
int lz_password_hash(char out[LZ_PW_HASH_MAX], const char *password, lz_pw_cost cost) LZ_MUST_USE;
/* Returns 0 when the password matches, LZ_EAUTH when it does not. */
int lz_password_verify(const char *hash, const char *password) LZ_MUST_USE;

/* Constant-time comparison. */
int lz_memeq(const void *a, const void *b, size_t n);

#endif
