/*
 * files.h — content-addressed evidence files (photos of a site, scanned acceptance
 * certificates, bank slips), shared by every domain. A file is named by the
 * SHA-256 of its bytes; a domain record refers to evidence by that hash.
 *
 * Invariants kept here:
 * - Only JPEG, PNG and PDF are accepted, and only when the declared media type and
 *   the file's first bytes (its magic number) agree; at most LZ_FILE_MAX_BYTES.
 * - The bytes are written once to <data_dir>/files/ab/cd/<sha256> (ab and cd the
 *   first two pairs of hex digits) atomically: a temporary file in the same folder,
 *   fsync, rename, fsync of the folder. The file is on disk before the row that
 *   names it commits, so a committed row always has its bytes (a failed
 *   transaction can leave an unreferenced file, which is harmless: same bytes,
 *   same name).
 * - Each bureau that stores a file has one row (sha256, size, media type, name,
 *   who, when), written with its audit entry; storing the same bytes again in the
 *   same bureau changes nothing and answers the same hash.
 * - Reads are scoped like every domain read (a bureau out of scope reads as
 *   missing) and re-hash the bytes: a file changed on disk is LZ_ETAMPERED.
 */
#ifndef LZ_FILES_FILES_H
#define LZ_FILES_FILES_H

#include "base/buf.h"
#include "core/ctx.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LZ_FILE_MAX_BYTES (20u * 1024u * 1024u) /* 20 MiB */
#define LZ_FILE_NAME_MAX 255                    /* characters of a file's name */

typedef struct {
	int64_t id;
	int64_t bureau_id;
	char sha256[65];
	int64_t size;
	char media_type[32];
	char name[1024];
	int64_t uploaded_by; /* user id, 0 for the system */
	char uploaded_by_login[64];
	int64_t created_at;
} lz_file_info;

/*
 * Stores 'n' bytes as evidence of bureau 'bureau_id' (in scope) and writes their
 * SHA-256 in lower-case hex to 'out_sha256_hex'. 'name' is the file's name as the
 * user gave it (required, at most LZ_FILE_NAME_MAX characters); 'media_type' is
 * image/jpeg, image/png or application/pdf and must match the bytes.
 * Requires LZ_PERM_FILE_WRITE. Audited ("file.put") unless the bureau had the file.
 * Errors: LZ_ETOOBIG (field "bytes") over the limit; LZ_EINVALID naming
 * "media_type", "bytes" (empty) or "name"; LZ_ENOTFOUND for a bureau out of scope;
 * LZ_EIO when the file cannot be written.
 */
int lz_file_put(char out_sha256_hex[65], lz_ctx *ctx, int64_t bureau_id, const char *name,
                const char *media_type, const void *bytes, size_t n) LZ_MUST_USE;

/*
 * Stores a file attached to an application for a case of bureau 'bureau_id' (any
 * bureau: the public has no scope), as lz_file_put does, but at most
 * LZ_FILE_APPLICATION_MAX_BYTES. Requires LZ_PERM_CASE_APPLY (the public) or
 * LZ_PERM_FILE_WRITE. The shell throttles these as it throttles applications.
 */
#define LZ_FILE_APPLICATION_MAX_BYTES (10u * 1024u * 1024u) /* 10 MiB */
int lz_file_put_for_application(char out_sha256_hex[65], lz_ctx *ctx, int64_t bureau_id, const char *name,
                                const char *media_type, const void *bytes, size_t n) LZ_MUST_USE;
/*
 * Sets *out to whether bureau 'bureau_id' stored the file 'sha256_hex' and its
 * bytes are present. A bureau out of scope is LZ_ENOTFOUND; a malformed hash is
 * LZ_EINVALID (field "sha256"). Requires LZ_PERM_FILE_READ. Joins the caller's
 * transaction when there is one (the funds module checks an inspection's evidence
 * inside its own).
 */
int lz_file_exists(bool *out, lz_ctx *ctx, int64_t bureau_id, const char *sha256_hex) LZ_MUST_USE;

/*
 * Reads the file 'sha256_hex' of bureau 'bureau_id' into 'out' (appended; the
 * caller disposes of it) and, when 'info' is not NULL, its row. LZ_ENOTFOUND when
 * the bureau is out of scope or never stored it; LZ_ETAMPERED when the bytes on
 * disk are missing or no longer hash to the name. Requires LZ_PERM_FILE_READ.
 */
int lz_file_get(lz_buf *out, lz_file_info *info, lz_ctx *ctx, int64_t bureau_id,
                const char *sha256_hex) LZ_MUST_USE;

/* The path of a file's bytes under 'data_dir' (for operators and tests). */
void lz_file_path(lz_buf *out, const char *data_dir, const char *sha256_hex);

#endif
