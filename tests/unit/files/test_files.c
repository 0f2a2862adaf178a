/* test_files.c — content-addressed evidence files: storing, deduplication, limits,
 * refused types, tampering on disk, and tenancy. */
#include "helpers.h"

#include "auth/auth.h"
#include "base/buf.h"
#include "base/crypto.h"
#include "files/files.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 *	100000 national ── 420000 Hubei (a) ── 420527 … (a1, a city)
 *	               └── 330000 Zhejiang (b)
 */
typedef struct {
	lz_test_env env;
	lz_ctx ctx;
	int64_t national, a, a1, b;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	lz_test_env_setup(&f->env);
	lz_test_ctx(&f->ctx, &f->env);
	f->national = lz_test_bureau(&f->ctx, "100000", "国家移民管理局", "national", 0);
	f->a = lz_test_bureau(&f->ctx, "420000", "湖北省移民局", "province", f->national);
	f->a1 = lz_test_bureau(&f->ctx, "420500", "宜昌市移民局", "city", f->a);
	f->b = lz_test_bureau(&f->ctx, "330000", "浙江省移民局", "province", f->national);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	lz_ctx_done(&f->ctx);
	lz_test_env_teardown(&f->env);
	free(f);
	return 0;
}

static void act_as(fixture *f, lz_role role, int64_t bureau_id)
{
	lz_bureau b;
	lz_ctx_act_as_system(&f->ctx, "test");
	if (role == LZ_ROLE_SYSTEM)
		return;
	assert_ok(lz_bureau_get(&b, &f->ctx, bureau_id));
	memset(&f->ctx.actor, 0, sizeof(f->ctx.actor));
	f->ctx.actor.user_id = 1000 + bureau_id;
	f->ctx.actor.role = role;
	f->ctx.actor.bureau_id = bureau_id;
	snprintf(f->ctx.actor.bureau_path, sizeof(f->ctx.actor.bureau_path), "%s", b.path);
	snprintf(f->ctx.actor.login, sizeof(f->ctx.actor.login), "%s-%lld", lz_role_name(role),
	         (long long)bureau_id);
}

static int64_t count(fixture *f, const char *sql)
{
	lz_conn *c;
	int64_t n = -1;
	assert_ok(lz_ctx_conn(&c, &f->ctx));
	assert_ok(lz_exec_int(&n, c, sql, true, NULL));
	return n;
}

static int64_t rows(fixture *f)
{
	return count(f, "SELECT (SELECT count(*) FROM evidence_file) + (SELECT count(*) FROM audit_log)");
}

/* A small PNG-looking file: the signature, then 'n' bytes of 'fill'. */
static size_t png(uint8_t *out, size_t n, uint8_t fill)
{
	memcpy(out, "\x89PNG\r\n\x1a\n", 8);
	memset(out + 8, fill, n);
	return n + 8;
}

static void test_files__put_then_get_round_trips(void **state)
{
	fixture *f = *state;
	uint8_t bytes[600], digest[32];
	char hex[65], want[65];
	lz_buf got = LZ_BUF_INIT, path = LZ_BUF_INIT;
	lz_file_info info;
	struct stat st;
	bool exists = false;
	size_t n = png(bytes, 500, 7);

	act_as(f, LZ_ROLE_INSPECTOR, f->a1);
	assert_ok(lz_file_put(hex, &f->ctx, f->a1, "现场照片.png", "image/png", bytes, n));
	lz_sha256(digest, bytes, n);
	lz_hex(want, digest, 32);
	assert_string_equal(hex, want);

	/* Where the bytes live: files/ab/cd/<sha256>. */
	lz_file_path(&path, f->env.dir, hex);
	assert_int_equal(stat(path.ptr, &st), 0);
	assert_int_equal(st.st_size, (off_t)n);
	assert_non_null(strstr(path.ptr, "/files/"));
	char sub[16];
	snprintf(sub, sizeof(sub), "/%.2s/%.2s/", hex, hex + 2);
	assert_non_null(strstr(path.ptr, sub));

	assert_ok(lz_file_exists(&exists, &f->ctx, f->a1, hex));
	assert_true(exists);
	assert_ok(lz_file_get(&got, &info, &f->ctx, f->a1, hex));
	assert_int_equal(got.len, n);
	assert_memory_equal(got.ptr, bytes, n);
	assert_string_equal(info.name, "现场照片.png");
	assert_string_equal(info.media_type, "image/png");
	assert_int_equal(info.size, (int64_t)n);
	assert_int_equal(info.bureau_id, f->a1);
	assert_int_equal(info.uploaded_by, 1000 + f->a1);
	assert_int_equal(count(f, "SELECT count(*) FROM audit_log WHERE action = 'file.put'"), 1);

	/* The other types: JPEG and PDF. */
	assert_ok(lz_file_put(hex, &f->ctx, f->a1, "scan.jpg", "image/jpeg", "\xff\xd8\xff\xe0rest", 8));
	assert_ok(lz_file_put(hex, &f->ctx, f->a1, "验收单.pdf", "application/pdf", "%PDF-1.7\n%%EOF\n", 15));
	lz_buf_dispose(&got);
	lz_buf_dispose(&path);
}

static void test_files__same_bytes_twice_are_one_file(void **state)
{
	fixture *f = *state;
	uint8_t bytes[100];
	char h1[65], h2[65], h3[65];
	size_t n = png(bytes, 90, 1);
	int64_t before;

	assert_ok(lz_file_put(h1, &f->ctx, f->a, "a.png", "image/png", bytes, n));
	before = rows(f);
	assert_ok(lz_file_put(h2, &f->ctx, f->a, "again.png", "image/png", bytes, n));
	assert_string_equal(h1, h2);
	assert_int_equal(rows(f), before);
	/* Another bureau storing it gets its own row; the bytes stay one file. */
	assert_ok(lz_file_put(h3, &f->ctx, f->b, "b.png", "image/png", bytes, n));
	assert_string_equal(h1, h3);
	assert_int_equal(count(f, "SELECT count(*) FROM evidence_file"), 2);
}

static void test_files__size_limit(void **state)
{
	fixture *f = *state;
	size_t n = LZ_FILE_MAX_BYTES + 1;
	uint8_t *big = calloc(1, n);
	char hex[65];
	int64_t before = rows(f);

	memcpy(big, "%PDF-", 5);
	expect_error(lz_file_put(hex, &f->ctx, f->a, "big.pdf", "application/pdf", big, n), LZ_ETOOBIG,
	             "bytes");
	assert_string_equal(hex, "");
	/* Exactly the limit is accepted. */
	assert_ok(lz_file_put(hex, &f->ctx, f->a, "limit.pdf", "application/pdf", big, n - 1));
	assert_int_equal(rows(f), before + 2);
	expect_error(lz_file_put(hex, &f->ctx, f->a, "empty.pdf", "application/pdf", big, 0), LZ_EINVALID,
	             "bytes");
	free(big);
}

static void test_files__refused_types_write_nothing(void **state)
{
	fixture *f = *state;
	/* A Windows executable renamed and declared as a PNG. */
	static const uint8_t exe[] = "MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xffPE";
	uint8_t bytes[64];
	char hex[65];
	int64_t before = rows(f);
	lz_buf dir = LZ_BUF_INIT;
	struct stat st;

	expect_error(lz_file_put(hex, &f->ctx, f->a, "photo.png", "image/png", exe, sizeof(exe)), LZ_EINVALID,
	             "media_type");
	expect_error(
	    lz_file_put(hex, &f->ctx, f->a, "setup.exe", "application/x-msdownload", exe, sizeof(exe)),
	    LZ_EINVALID, "media_type");
	/* A real PNG declared as something else is refused too. */
	size_t n = png(bytes, 20, 3);
	expect_error(lz_file_put(hex, &f->ctx, f->a, "x.pdf", "application/pdf", bytes, n), LZ_EINVALID,
	             "media_type");
	expect_error(lz_file_put(hex, &f->ctx, f->a, "x.png", NULL, bytes, n), LZ_EINVALID, "media_type");
	expect_error(lz_file_put(hex, &f->ctx, f->a, "", "image/png", bytes, n), LZ_EINVALID, "name");
	expect_error(lz_file_put(hex, &f->ctx, f->a, "a\nb.png", "image/png", bytes, n), LZ_EINVALID, "name");
	assert_int_equal(rows(f), before);
	lz_buf_printf(&dir, "%s/files", f->env.dir);
	assert_int_not_equal(stat(dir.ptr, &st), 0); /* nothing on disk either */
	lz_buf_dispose(&dir);
}

static void test_files__tampered_file_is_caught(void **state)
{
	fixture *f = *state;
	uint8_t bytes[300];
	char hex[65];
	lz_buf got = LZ_BUF_INIT, path = LZ_BUF_INIT;
	size_t n = png(bytes, 290, 9);
	FILE *fp;
	bool exists;

	assert_ok(lz_file_put(hex, &f->ctx, f->a, "site.png", "image/png", bytes, n));
	lz_file_path(&path, f->env.dir, hex);
	chmod(path.ptr, 0640);
	fp = fopen(path.ptr, "r+b");
	assert_non_null(fp);
	fseek(fp, 100, SEEK_SET);
	fputc('Z', fp);
	fclose(fp);
	expect_error(lz_file_get(&got, NULL, &f->ctx, f->a, hex), LZ_ETAMPERED, "sha256");
	assert_int_equal(got.len, 0);

	/* Storing the same bytes again repairs the copy. */
	assert_ok(lz_file_put(hex, &f->ctx, f->a, "site.png", "image/png", bytes, n));
	assert_ok(lz_file_get(&got, NULL, &f->ctx, f->a, hex));
	assert_memory_equal(got.ptr, bytes, n);

	/* A missing file is tampering as well, and does not 'exist'. */
	assert_int_equal(unlink(path.ptr), 0);
	assert_ok(lz_file_exists(&exists, &f->ctx, f->a, hex));
	assert_false(exists);
	lz_buf_clear(&got);
	expect_error(lz_file_get(&got, NULL, &f->ctx, f->a, hex), LZ_ETAMPERED, "sha256");
	lz_buf_dispose(&got);
	lz_buf_dispose(&path);
}

static void test_files__scope_and_roles(void **state)
{
	fixture *f = *state;
	uint8_t bytes[40];
	char hex[65], missing[65];
	lz_buf got = LZ_BUF_INIT;
	size_t n = png(bytes, 30, 5);
	bool exists = true;

	assert_ok(lz_file_put(hex, &f->ctx, f->b, "b.png", "image/png", bytes, n));
	memset(missing, 'a', 64);
	missing[64] = '\0';

	/* Hubei's staff cannot see or store Zhejiang's evidence: it reads as missing. */
	act_as(f, LZ_ROLE_INSPECTOR, f->a);
	expect_error(lz_file_get(&got, NULL, &f->ctx, f->b, hex), LZ_ENOTFOUND, NULL);
	expect_error(lz_file_exists(&exists, &f->ctx, f->b, hex), LZ_ENOTFOUND, NULL);
	assert_false(exists);
	expect_error(lz_file_put(missing, &f->ctx, f->b, "b.png", "image/png", bytes, n), LZ_ENOTFOUND, NULL);
	assert_string_equal(missing, "");
	memset(missing, 'a', 64);
	/* Their own bureau never stored it. */
	expect_error(lz_file_get(&got, NULL, &f->ctx, f->a, hex), LZ_ENOTFOUND, "sha256");
	assert_ok(lz_file_exists(&exists, &f->ctx, f->a, hex));
	assert_false(exists);
	assert_ok(lz_file_exists(&exists, &f->ctx, f->a, missing));
	assert_false(exists);
	expect_error(lz_file_exists(&exists, &f->ctx, f->a, "ABC"), LZ_EINVALID, "sha256");
	missing[0] = 'A';
	expect_error(lz_file_exists(&exists, &f->ctx, f->a, missing), LZ_EINVALID, "sha256");

	/* The national bureau sees below it. */
	act_as(f, LZ_ROLE_AUDITOR, f->national);
	assert_ok(lz_file_get(&got, NULL, &f->ctx, f->b, hex));
	/* An auditor reads but does not store. */
	expect_error(lz_file_put(missing, &f->ctx, f->b, "c.png", "image/png", bytes, n), LZ_EFORBIDDEN,
	             NULL);
	lz_buf_dispose(&got);
}

/* Inside a caller's transaction, exists sees rows of that transaction, and a put
 * that fails undoes only itself. */
static void test_files__joins_a_callers_transaction(void **state)
{
	fixture *f = *state;
	uint8_t bytes[40];
	char hex[65], other[65];
	bool exists = false;
	size_t n = png(bytes, 30, 6);

	assert_ok(lz_tx_begin(&f->ctx, LZ_TX_WRITE));
	assert_ok(lz_file_put(hex, &f->ctx, f->a, "t.png", "image/png", bytes, n));
	expect_error(lz_file_put(other, &f->ctx, f->a, "t.png", "image/gif", bytes, n), LZ_EINVALID,
	             "media_type");
	assert_ok(lz_file_exists(&exists, &f->ctx, f->a, hex));
	assert_true(exists);
	lz_tx_rollback(&f->ctx);
	assert_ok(lz_file_exists(&exists, &f->ctx, f->a, hex));
	assert_false(exists);
}

#define T(test) cmocka_unit_test_setup_teardown(test, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_files__put_then_get_round_trips),
	    T(test_files__same_bytes_twice_are_one_file),
	    T(test_files__size_limit),
	    T(test_files__refused_types_write_nothing),
	    T(test_files__tampered_file_is_caught),
	    T(test_files__scope_and_roles),
	    T(test_files__joins_a_callers_transaction),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
