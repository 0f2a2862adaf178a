/*
 * files.c — the content-addressed evidence store (see files.h): checks, the atomic
 * write of the bytes, the rows, and hash-verified reads.
 */
#include "files/files.h"

#include "audit/audit.h"
#include "auth/auth.h"
#include "base/crypto.h"
#include "base/json.h"
#include "org/org.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
	Q_FILE_GET,
	Q_FILE_INSERT,
};

static const char *const sql[] = {
    [Q_FILE_GET] = "SELECT id, bureau_id, sha256, size, media_type, name, uploaded_by, uploaded_by_login, "
                   "created_at FROM evidence_file WHERE bureau_id = ? AND sha256 = ?",
    [Q_FILE_INSERT] = "INSERT INTO evidence_file(bureau_id, sha256, size, media_type, name, uploaded_by, "
                      "uploaded_by_login, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
};

/* ---------------------------------------------------------------- types */

/* The accepted kinds of evidence: a media type and the bytes every such file starts with. */
static const struct {
	const char *media_type;
	const char *magic;
	size_t magic_len;
} kinds[] = {
    {"image/jpeg", "\xff\xd8\xff", 3},
    {"image/png", "\x89PNG\r\n\x1a\n", 8},
    {"application/pdf", "%PDF-", 5},
};

#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

static int check_type(const char *media_type, const void *bytes, size_t n)
{
	for (size_t i = 0; media_type && i < NKINDS; i++) {
		if (strcmp(kinds[i].media_type, media_type) != 0)
			continue;
		if (n < kinds[i].magic_len || memcmp(bytes, kinds[i].magic, kinds[i].magic_len) != 0)
			return lz_error_set(LZ_EINVALID, "media_type", "the file's content is not %s",
			                    media_type);
		return 0;
	}
	return lz_error_set(LZ_EINVALID, "media_type",
	                    "media_type must be image/jpeg, image/png or application/pdf");
}

static int check_name(const char *name)
{
	size_t n;

	if (!name || !*name)
		return lz_error_set(LZ_EINVALID, "name", "name is required");
	n = strlen(name);
	if (!lz_utf8_valid(name, n))
		return lz_error_set(LZ_EINVALID, "name", "name is not valid UTF-8");
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
			return lz_error_set(LZ_EINVALID, "name", "name contains a control character");
	if (lz_utf8_len(name, n) > LZ_FILE_NAME_MAX || n >= sizeof(((lz_file_info *)0)->name))
		return lz_error_set(LZ_EINVALID, "name", "name is longer than %d characters",
		                    LZ_FILE_NAME_MAX);
	return 0;
}

static int check_hash(const char *hex)
{
	size_t i;

	for (i = 0; hex && i < 64; i++)
		if (!((hex[i] >= '0' && hex[i] <= '9') || (hex[i] >= 'a' && hex[i] <= 'f')))
			break;
	if (!hex || i != 64 || hex[64] != '\0')
		return lz_error_set(LZ_EINVALID, "sha256", "sha256 must be 64 lower-case hex digits");
	return 0;
}

/* ---------------------------------------------------------------- disk */

void lz_file_path(lz_buf *out, const char *data_dir, const char *sha256_hex)
{
	lz_buf_printf(out, "%s/files/%.2s/%.2s/%s", data_dir, sha256_hex, sha256_hex + 2, sha256_hex);
}

/* Makes 'dir' when it is missing and syncs its parent so the new entry is durable. */
static int ensure_dir(const char *dir)
{
	char parent[4096];
	char *slash;
	int fd;

	if (mkdir(dir, 0750) == 0) {
		snprintf(parent, sizeof(parent), "%s", dir);
		if ((slash = strrchr(parent, '/')) != NULL) {
			*slash = '\0';
			if ((fd = open(parent[0] ? parent : "/", O_RDONLY | O_DIRECTORY)) >= 0) {
				(void)fsync(fd);
				close(fd);
			}
		}
		return 0;
	}
	if (errno == EEXIST)
		return 0;
	return lz_error_set(LZ_EIO, NULL, "cannot create the evidence folder %s: %s", dir, strerror(errno));
}

/* Reads a whole file into 'out'; LZ_ENOTFOUND when it is missing. */
static int read_all(lz_buf *out, const char *path)
{
	char chunk[65536];
	ssize_t got;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return errno == ENOENT
		           ? LZ_ENOTFOUND
		           : lz_error_set(LZ_EIO, NULL, "cannot read %s: %s", path, strerror(errno));
	while ((got = read(fd, chunk, sizeof(chunk))) > 0)
		lz_buf_put(out, chunk, (size_t)got);
	close(fd);
	if (got < 0)
		return lz_error_set(LZ_EIO, NULL, "cannot read %s: %s", path, strerror(errno));
	return 0;
}

/* True when the file at 'path' holds exactly the bytes named by 'hex'. */
static bool verified(const char *path, const char *hex)
{
	lz_buf b = LZ_BUF_INIT;
	uint8_t digest[LZ_SHA256_LEN];
	char got[65];
	bool ok = false;

	if (read_all(&b, path) == 0) {
		lz_sha256(digest, b.ptr ? b.ptr : "", b.len);
		lz_hex(got, digest, sizeof(digest));
		ok = strcmp(got, hex) == 0;
	}
	lz_buf_dispose(&b);
	return ok;
}

/*
 * Writes the bytes to their content address unless a correct copy is there already
 * (a damaged copy is replaced): temporary file, fsync, rename, fsync of the folder.
 */
static int write_file(const char *data_dir, const char *hex, const void *bytes, size_t n)
{
	lz_buf dir = LZ_BUF_INIT, path = LZ_BUF_INIT, tmp = LZ_BUF_INIT;
	const char *p = bytes;
	size_t left = n;
	int fd = -1, dfd = -1, error = 0;

	lz_buf_printf(&dir, "%s/files", data_dir);
	if ((error = ensure_dir(dir.ptr)) < 0)
		goto done;
	lz_buf_printf(&dir, "/%.2s", hex);
	if ((error = ensure_dir(dir.ptr)) < 0)
		goto done;
	lz_buf_printf(&dir, "/%.2s", hex + 2);
	if ((error = ensure_dir(dir.ptr)) < 0)
		goto done;
	lz_file_path(&path, data_dir, hex);
	if (verified(path.ptr, hex))
		goto done;

	lz_buf_printf(&tmp, "%s/.%s.XXXXXX", dir.ptr, hex);
	if ((fd = mkstemp(tmp.ptr)) < 0) {
		error =
		    lz_error_set(LZ_EIO, NULL, "cannot create a file in %s: %s", dir.ptr, strerror(errno));
		goto done;
	}
	while (left > 0) {
		ssize_t w = write(fd, p, left);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			error = lz_error_set(LZ_EIO, NULL, "cannot write %s: %s", tmp.ptr, strerror(errno));
			goto done;
		}
		p += w;
		left -= (size_t)w;
	}
	if (fchmod(fd, 0440) < 0 || fsync(fd) < 0 || close(fd) < 0) {
		fd = -1;
		error = lz_error_set(LZ_EIO, NULL, "cannot save %s: %s", tmp.ptr, strerror(errno));
		goto done;
	}
	fd = -1;
	if (rename(tmp.ptr, path.ptr) < 0) {
		error = lz_error_set(LZ_EIO, NULL, "cannot rename %s: %s", tmp.ptr, strerror(errno));
		goto done;
	}
	lz_buf_clear(&tmp);
	if ((dfd = open(dir.ptr, O_RDONLY | O_DIRECTORY)) < 0 || fsync(dfd) < 0)
		error = lz_error_set(LZ_EIO, NULL, "cannot sync %s: %s", dir.ptr, strerror(errno));
done:
	if (fd >= 0)
		close(fd);
	if (dfd >= 0)
		close(dfd);
	if (tmp.ptr && tmp.len)
		unlink(tmp.ptr);
	lz_buf_dispose(&dir);
	lz_buf_dispose(&path);
	lz_buf_dispose(&tmp);
	return error;
}

/* ---------------------------------------------------------------- rows */

static void info_from_row(lz_file_info *out, lz_stmt *s)
{
	memset(out, 0, sizeof(*out));
	out->id = lz_stmt_int(s, 0);
	out->bureau_id = lz_stmt_int(s, 1);
	snprintf(out->sha256, sizeof(out->sha256), "%s", lz_stmt_text(s, 2));
	out->size = lz_stmt_int(s, 3);
	snprintf(out->media_type, sizeof(out->media_type), "%s", lz_stmt_text(s, 4));
	snprintf(out->name, sizeof(out->name), "%s", lz_stmt_text(s, 5));
	out->uploaded_by = lz_stmt_int(s, 6);
	snprintf(out->uploaded_by_login, sizeof(out->uploaded_by_login), "%s", lz_stmt_text(s, 7));
	out->created_at = lz_stmt_int(s, 8);
}

/* Reads the row of (bureau, hash); *found says whether there is one. */
static int row_get(lz_file_info *out, bool *found, lz_conn *conn, int64_t bureau_id, const char *hex)
{
	lz_stmt *s = NULL;
	int error;

	*found = false;
	if ((error = lz_stmt_prepare(&s, conn, sql[Q_FILE_GET])) < 0)
		return error;
	if ((error = lz_stmt_bindv(s, "it", bureau_id, hex)) == 0 && (error = lz_stmt_step(s)) == LZ_ROW) {
		info_from_row(out, s);
		*found = true;
	}
	lz_stmt_finish(s);
	return error < 0 ? error : 0;
}

static json_t *info_json(const lz_file_info *f)
{
	json_t *o = json_object();

	json_object_set_new_nocheck(o, "id", json_integer(f->id));
	json_object_set_new_nocheck(o, "bureau_id", json_integer(f->bureau_id));
	json_object_set_new_nocheck(o, "sha256", json_string(f->sha256));
	json_object_set_new_nocheck(o, "size", json_integer(f->size));
	json_object_set_new_nocheck(o, "media_type", json_string(f->media_type));
	json_object_set_new_nocheck(o, "name", json_string(f->name));
	json_object_set_new_nocheck(o, "uploaded_by", json_string(f->uploaded_by_login));
	json_object_set_new_nocheck(o, "created_at", lz_json_time(f->created_at));
	return o;
}

/* ---------------------------------------------------------------- transactions */

/* ---------------------------------------------------------------- API */

/* LZ_ENOTFOUND naming "bureau_id" unless bureau 'id' exists, whatever the scope. */
static int bureau_exists(lz_ctx *ctx, int64_t id)
{
	lz_conn *conn;
	int64_t n = 0;
	int error;

	if ((error = lz_ctx_conn(&conn, ctx)) < 0 ||
	    (error = lz_exec_int(&n, conn, "SELECT COUNT(*) FROM bureau WHERE id = ?", true, "i", id)) < 0)
		return error;
	return n ? 0 : lz_error_set(LZ_ENOTFOUND, "bureau_id", "there is no such bureau");
}

/* lz_file_put and lz_file_put_for_application: 'max' bytes at most; 'scoped' reads
 * the bureau in the actor's scope, otherwise any bureau that exists. */
static int put_file(char out_sha256_hex[65], lz_ctx *ctx, int64_t bureau_id, const char *name,
                    const char *media_type, const void *bytes, size_t n, size_t max, bool scoped)
{
	lz_write tx = LZ_WRITE_INIT;
	lz_file_info info;
	lz_bureau bureau;
	uint8_t digest[LZ_SHA256_LEN];
	char hex[65];
	bool found;
	int64_t id = 0;
	json_t *after = NULL;
	int error;

	out_sha256_hex[0] = '\0';
	if (n > max)
		return lz_error_set(LZ_ETOOBIG, "bytes", "the file is larger than %u MiB",
		                    (unsigned)(max / (1024u * 1024u)));
	if (n == 0 || !bytes)
		return lz_error_set(LZ_EINVALID, "bytes", "the file is empty");
	if ((error = check_type(media_type, bytes, n)) < 0 || (error = check_name(name)) < 0)
		return error;
	if (!ctx->app->data_dir || !*ctx->app->data_dir)
		return lz_error_set(LZ_EINTERNAL, NULL, "no data folder is configured for evidence files");
	if (scoped && (error = lz_bureau_get(&bureau, ctx, bureau_id)) < 0)
		return error;
	if (!scoped && (error = bureau_exists(ctx, bureau_id)) < 0)
		return error;

	lz_sha256(digest, bytes, n);
	lz_hex(hex, digest, sizeof(digest));
	/* The bytes first: a committed row must always find its file. */
	if ((error = write_file(ctx->app->data_dir, hex, bytes, n)) < 0)
		return error;

	if ((error = lz_write_begin(&tx, ctx)) < 0 ||
	    (error = row_get(&info, &found, ctx->conn, bureau_id, hex)) < 0)
		goto done;
	if (found)
		goto done;
	if ((error =
	         lz_exec_int(&id, ctx->conn, sql[Q_FILE_INSERT], true, "itittiti", bureau_id, hex, (int64_t)n,
	                     media_type, name, ctx->actor.user_id, ctx->actor.login, lz_ctx_now(ctx))) < 0 ||
	    (error = row_get(&info, &found, ctx->conn, bureau_id, hex)) < 0)
		goto done;
	after = info_json(&info);
	error = lz_audit_append(ctx, "file.put", "evidence_file", id, bureau_id, NULL, after);
done:
	error = lz_write_end(&tx, ctx, error);
	if (error == 0)
		memcpy(out_sha256_hex, hex, 65);
	json_decref(after);
	return error;
}

int lz_file_put(char out_sha256_hex[65], lz_ctx *ctx, int64_t bureau_id, const char *name,
                const char *media_type, const void *bytes, size_t n)
{
	int error;

	out_sha256_hex[0] = '\0';
	if ((error = lz_auth_require(ctx, LZ_PERM_FILE_WRITE)) < 0)
		return error;
	return put_file(out_sha256_hex, ctx, bureau_id, name, media_type, bytes, n, LZ_FILE_MAX_BYTES, true);
}

int lz_file_put_for_application(char out_sha256_hex[65], lz_ctx *ctx, int64_t bureau_id, const char *name,
                                const char *media_type, const void *bytes, size_t n)
{
	int error;

	out_sha256_hex[0] = '\0';
	if (!lz_role_may(ctx->actor.role, LZ_PERM_CASE_APPLY) &&
	    (error = lz_auth_require(ctx, LZ_PERM_FILE_WRITE)) < 0)
		return error;
	return put_file(out_sha256_hex, ctx, bureau_id, name, media_type, bytes, n,
	                LZ_FILE_APPLICATION_MAX_BYTES, lz_role_may(ctx->actor.role, LZ_PERM_FILE_WRITE));
}

/* The checks every read makes: permission, hash syntax, the bureau in scope. */
static int read_prelude(lz_ctx *ctx, int64_t bureau_id, const char *hex)
{
	lz_bureau bureau;
	int error;

	if ((error = lz_auth_require(ctx, LZ_PERM_FILE_READ)) < 0 || (error = check_hash(hex)) < 0)
		return error;
	return lz_bureau_get(&bureau, ctx, bureau_id);
}

int lz_file_exists(bool *out, lz_ctx *ctx, int64_t bureau_id, const char *sha256_hex)
{
	lz_file_info info;
	lz_buf path = LZ_BUF_INIT;
	struct stat st;
	bool found;
	int error;

	*out = false;
	if ((error = read_prelude(ctx, bureau_id, sha256_hex)) < 0 ||
	    (error = row_get(&info, &found, ctx->conn, bureau_id, sha256_hex)) < 0)
		return error;
	if (found) {
		lz_file_path(&path, ctx->app->data_dir, sha256_hex);
		*out = stat(path.ptr, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == info.size;
		lz_buf_dispose(&path);
	}
	return 0;
}

int lz_file_get(lz_buf *out, lz_file_info *info, lz_ctx *ctx, int64_t bureau_id, const char *sha256_hex)
{
	lz_file_info row;
	lz_buf path = LZ_BUF_INIT, bytes = LZ_BUF_INIT;
	uint8_t digest[LZ_SHA256_LEN];
	char got[65];
	bool found;
	int error;

	if ((error = read_prelude(ctx, bureau_id, sha256_hex)) < 0 ||
	    (error = row_get(&row, &found, ctx->conn, bureau_id, sha256_hex)) < 0)
		goto done;
	if (!found) {
		error = lz_error_set(LZ_ENOTFOUND, "sha256", "file %.64s not found", sha256_hex);
		goto done;
	}
	lz_file_path(&path, ctx->app->data_dir, sha256_hex);
	if ((error = read_all(&bytes, path.ptr)) < 0) {
		if (error == LZ_ENOTFOUND)
			error = lz_error_set(LZ_ETAMPERED, "sha256", "the bytes of file %.64s are missing",
			                     sha256_hex);
		goto done;
	}
	lz_sha256(digest, bytes.ptr ? bytes.ptr : "", bytes.len);
	lz_hex(got, digest, sizeof(digest));
	if (strcmp(got, sha256_hex) != 0 || (int64_t)bytes.len != row.size) {
		error = lz_error_set(LZ_ETAMPERED, "sha256", "file %.64s was changed on disk", sha256_hex);
		goto done;
	}
	lz_buf_put(out, bytes.ptr, bytes.len);
	if (info)
		*info = row;
done:
	lz_buf_dispose(&path);
	lz_buf_dispose(&bytes);
	return error;
}
