/*
 * pdata.h — personal data at rest (DESIGN.md invariant 7): ID numbers, bank
 * accounts and phone numbers are sealed (libsodium secretbox: XSalsa20-Poly1305, a
 * random 24-byte nonce per value, stored as nonce || ciphertext), matched through a
 * keyed blind index, masked for display, and referred to from the fund ledger only
 * through salted commitments.
 *
 * Invariants kept here:
 * - Nothing in this module logs, and no error message carries a value.
 * - A sealed value that was changed, truncated or sealed under another key does not
 *   open: LZ_ETAMPERED.
 * - The blind index is BLAKE2b keyed with the installation's index key over
 *   "kind" || 0x00 || normalised value, so equal values of one kind match, values of
 *   different kinds never do, and without the key the index reveals nothing.
 * - A commitment is SHA-256(salt || value) with a 16-byte random salt kept beside
 *   the record. Erasing the salt and the sealed value leaves the commitment (and every
 *   ledger proof that contains it) valid but no longer linkable to the person.
 *
 * Plaintext buffers handed to lz_pdata_open should be wiped by the caller with
 * lz_pdata_wipe once used.
 */
#ifndef LZ_BASE_PDATA_H
#define LZ_BASE_PDATA_H

#include "base/clock.h"
#include "base/error.h"

#include <stddef.h>
#include <stdint.h>

#define LZ_PDATA_KEY_LEN 32
#define LZ_PDATA_NONCE_LEN 24
#define LZ_PDATA_MAC_LEN 16
/* Bytes a sealed value has beyond its plaintext. */
#define LZ_PDATA_OVERHEAD (LZ_PDATA_NONCE_LEN + LZ_PDATA_MAC_LEN)
#define LZ_PDATA_INDEX_LEN 32
#define LZ_PDATA_SALT_LEN 16
#define LZ_PDATA_COMMIT_LEN 32

/*
 * Seals 'n' bytes of 'value' under 'key' into 'out', which must hold
 * n + LZ_PDATA_OVERHEAD bytes: a fresh nonce from 'rnd', then the ciphertext and its
 * authenticator.
 */
void lz_pdata_seal(uint8_t *out, const uint8_t key[LZ_PDATA_KEY_LEN], const lz_random *rnd, const void *value,
                   size_t n);

/*
 * Opens a sealed value of 'n' bytes into 'out' (n - LZ_PDATA_OVERHEAD bytes; the
 * caller adds a NUL when it wants text) and sets *out_n. LZ_ETAMPERED when the value
 * is too short or does not authenticate under 'key'; 'field' (may be NULL) names it.
 */
int lz_pdata_open(uint8_t *out, size_t *out_n, const uint8_t key[LZ_PDATA_KEY_LEN], const void *sealed,
                  size_t n, const char *field) LZ_MUST_USE;

/*
 * The blind index of a normalised value of kind 'kind' ("id_number",
 * "bank_account", …) under the index key.
 */
void lz_pdata_index(uint8_t out[LZ_PDATA_INDEX_LEN], const uint8_t key[LZ_PDATA_KEY_LEN], const char *kind,
                    const void *value, size_t n);

/* A salted commitment: SHA-256(salt || value). */
void lz_pdata_commit(uint8_t out[LZ_PDATA_COMMIT_LEN], const uint8_t salt[LZ_PDATA_SALT_LEN],
                     const void *value, size_t n);

/* Overwrites n bytes in a way the compiler cannot drop. */
void lz_pdata_wipe(void *p, size_t n);

/*
 * Display masks. Each writes a NUL-terminated string into 'out' of 'cap' bytes
 * (at least 24) and never more than the mask shows:
 * - an ID number: the first 6 and the last 4 characters around 8 '*'
 *   ("420527********1234"); anything shorter than 10 characters is 18 '*';
 * - a bank account: "****" and the last 4 digits ("****6789"); anything shorter
 *   than 8 characters is 8 '*';
 * - a phone number: the first 3 and the last 4 around "****" ("138****5678");
 *   anything shorter than 11 characters is 11 '*'.
 */
void lz_pdata_mask_id(char *out, size_t cap, const char *id);
void lz_pdata_mask_account(char *out, size_t cap, const char *account);
void lz_pdata_mask_phone(char *out, size_t cap, const char *phone);

#endif
