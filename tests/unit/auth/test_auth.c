/* test_auth.c — accounts, passwords, sessions, expiry, throttling and roles. */
#include "helpers.h"

#include "auth/auth.h"
#include "org/org.h"

#include <stdlib.h>
#include <string.h>

static lz_test_env env;
static int64_t nat, hubei, zhejiang;

static int setup(void **state)
{
	(void)state;
	lz_ctx ctx;
	lz_test_env_setup(&env);
	lz_test_ctx(&ctx, &env);
	lz_bureau_input in = {"100000", "国家移民管理局", "", "national", 0};
	assert_ok(lz_bureau_create(&nat, &ctx, &in));
	lz_bureau_input hb = {"420000", "湖北省移民局", "", "province", nat};
	assert_ok(lz_bureau_create(&hubei, &ctx, &hb));
	lz_bureau_input zj = {"330000", "浙江省移民局", "", "province", nat};
	assert_ok(lz_bureau_create(&zhejiang, &ctx, &zj));
	assert_ok(lz_user_add(NULL, &ctx, "hb.director", "director", "420000", "secret-pass-1", 0));
	assert_ok(lz_user_add(NULL, &ctx, "zj.admin", "admin", "330000", "secret-pass-2", 0));
	lz_ctx_done(&ctx);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	lz_test_env_teardown(&env);
	return 0;
}

static int64_t count(const char *sql)
{
	lz_ctx ctx;
	lz_conn *c;
	int64_t n = -1;
	lz_test_ctx(&ctx, &env);
	assert_ok(lz_ctx_conn(&c, &ctx));
	assert_ok(lz_exec_int(&n, c, sql, true, NULL));
	lz_ctx_done(&ctx);
	return n;
}

static void expect_user_add_error(const char *login, const char *role, const char *bureau, const char *pw,
				  int code, const char *field)
{
	lz_ctx ctx;
	int64_t before = count("SELECT COUNT(*) FROM user_account");
	lz_test_ctx(&ctx, &env);
	assert_int_equal(lz_user_add(NULL, &ctx, login, role, bureau, pw, 0), code);
	if (field)
		assert_string_equal(lz_error_last()->field, field);
	lz_ctx_done(&ctx);
	assert_int_equal(count("SELECT COUNT(*) FROM user_account"), before);
}

static void test_auth__user_add_validates_and_writes_nothing_on_error(void **state)
{
	(void)state;
	expect_user_add_error("", "clerk", "420000", "long-enough", LZ_EINVALID, "login");
	expect_user_add_error("Bad Login", "clerk", "420000", "long-enough", LZ_EINVALID, "login");
	expect_user_add_error("x'; DROP TABLE user_account;--", "clerk", "420000", "long-enough", LZ_EINVALID,
			      "login");
	expect_user_add_error("newbie", "emperor", "420000", "long-enough", LZ_EINVALID, "role");
	expect_user_add_error("newbie", "system", "420000", "long-enough", LZ_EINVALID, "role");
	expect_user_add_error("newbie", "clerk", "999999", "long-enough", LZ_ENOTFOUND, "bureau_code");
	expect_user_add_error("newbie", "clerk", "420000", "short", LZ_EINVALID, "password");
	expect_user_add_error("hb.director", "clerk", "420000", "long-enough", LZ_ECONFLICT, "login");
}

static void test_auth__password_is_stored_as_argon2id_only(void **state)
{
	(void)state;
	assert_int_equal(count("SELECT COUNT(*) FROM user_account WHERE password_hash LIKE '$argon2id$%'"), 2);
	assert_int_equal(count("SELECT COUNT(*) FROM user_account WHERE password_hash LIKE '%secret-pass%'"), 0);
}

static void test_auth__sign_in_resume_and_sign_out(void **state)
{
	(void)state;
	lz_session s;
	lz_ctx ctx;
	char csrf[LZ_TOKEN_CHARS + 1];

	lz_test_ctx(&ctx, &env);
	ctx.address = "127.0.0.1";
	assert_ok(lz_session_create(&s, &ctx, "hb.director", "secret-pass-1"));
	assert_int_equal(strlen(s.token), LZ_TOKEN_CHARS);
	assert_int_equal(ctx.actor.role, LZ_ROLE_DIRECTOR);
	assert_int_equal(ctx.actor.bureau_id, hubei);
	lz_ctx_done(&ctx);

	/* Only the hash of the token is stored. */
	assert_int_equal(count("SELECT COUNT(*) FROM session WHERE length(token_hash) = 32"), 1);

	lz_test_ctx(&ctx, &env);
	assert_ok(lz_session_resume(&ctx, s.token, csrf));
	assert_string_equal(csrf, s.csrf);
	assert_string_equal(ctx.actor.login, "hb.director");
	assert_string_equal(ctx.actor.bureau_path, "/1/2/");
	assert_ok(lz_session_end(&ctx, s.token));
	assert_int_equal(lz_session_resume(&ctx, s.token, NULL), LZ_EAUTH);
	lz_ctx_done(&ctx);

	/* A forged token of the right shape is refused. */
	lz_test_ctx(&ctx, &env);
	char forged[LZ_TOKEN_CHARS + 1];
	memset(forged, 'A', LZ_TOKEN_CHARS);
	forged[LZ_TOKEN_CHARS] = '\0';
	assert_int_equal(lz_session_resume(&ctx, forged, NULL), LZ_EAUTH);
	assert_int_equal(lz_session_resume(&ctx, "short", NULL), LZ_EAUTH);
	lz_ctx_done(&ctx);
}

static void test_auth__sessions_expire_when_idle_and_when_old(void **state)
{
	(void)state;
	lz_session s;
	lz_ctx ctx;

	lz_test_ctx(&ctx, &env);
	assert_ok(lz_session_create(&s, &ctx, "hb.director", "secret-pass-1"));
	lz_ctx_done(&ctx);

	/* Used every 50 minutes it stays alive, until its absolute age runs out. */
	int64_t start = env.clock.fixed;
	for (int i = 1; i * 3000 < env.app.session_max_age; i++) {
		env.clock.fixed = start + i * 3000;
		lz_test_ctx(&ctx, &env);
		assert_ok(lz_session_resume(&ctx, s.token, NULL));
		lz_ctx_done(&ctx);
	}
	env.clock.fixed = start + env.app.session_max_age;
	lz_test_ctx(&ctx, &env);
	assert_int_equal(lz_session_resume(&ctx, s.token, NULL), LZ_EAUTH);
	lz_ctx_done(&ctx);

	/* Idle longer than the TTL: expired. */
	lz_test_ctx(&ctx, &env);
	assert_ok(lz_session_create(&s, &ctx, "hb.director", "secret-pass-1"));
	lz_ctx_done(&ctx);
	env.clock.fixed += env.app.session_ttl + 1;
	lz_test_ctx(&ctx, &env);
	assert_int_equal(lz_session_resume(&ctx, s.token, NULL), LZ_EAUTH);
	lz_ctx_done(&ctx);
}

static void test_auth__wrong_password_and_unknown_login_look_the_same(void **state)
{
	(void)state;
	lz_session s;
	lz_ctx ctx;
	char m1[512], m2[512];

	lz_test_ctx(&ctx, &env);
	assert_int_equal(lz_session_create(&s, &ctx, "hb.director", "wrong-password"), LZ_EAUTH);
	snprintf(m1, sizeof(m1), "%s", lz_error_last()->message);
	assert_int_equal(lz_session_create(&s, &ctx, "nobody", "wrong-password"), LZ_EAUTH);
	snprintf(m2, sizeof(m2), "%s", lz_error_last()->message);
	assert_string_equal(m1, m2);
	lz_ctx_done(&ctx);
}

static void test_auth__sign_in_is_throttled_per_account_and_per_address(void **state)
{
	(void)state;
	lz_session s;
	lz_ctx ctx;

	lz_test_ctx(&ctx, &env);
	ctx.address = "10.0.0.1";
	for (int i = 0; i < 5; i++)
		assert_int_equal(lz_session_create(&s, &ctx, "hb.director", "wrong-password"), LZ_EAUTH);
	/* Even the right password is refused now, from any address. */
	assert_int_equal(lz_session_create(&s, &ctx, "hb.director", "secret-pass-1"), LZ_ETHROTTLED);
	ctx.address = "10.0.0.2";
	assert_int_equal(lz_session_create(&s, &ctx, "hb.director", "secret-pass-1"), LZ_ETHROTTLED);
	/* Another account from a clean address is fine. */
	assert_ok(lz_session_create(&s, &ctx, "zj.admin", "secret-pass-2"));
	lz_ctx_done(&ctx);

	/* After the window, the account may sign in again. */
	env.clock.fixed += 901;
	lz_test_ctx(&ctx, &env);
	ctx.address = "10.0.0.1";
	assert_ok(lz_session_create(&s, &ctx, "hb.director", "secret-pass-1"));
	lz_ctx_done(&ctx);

	/* One address trying many logins is throttled too. */
	lz_test_ctx(&ctx, &env);
	ctx.address = "10.9.9.9";
	char login[32];
	int refused = 0;
	for (int i = 0; i < 40; i++) {
		snprintf(login, sizeof(login), "guess%d", i);
		if (lz_session_create(&s, &ctx, login, "whatever-pw") == LZ_ETHROTTLED)
			refused++;
	}
	assert_int_equal(refused, 10);
	lz_ctx_done(&ctx);
}

static void test_auth__passwd_ends_sessions_and_disable_blocks_sign_in(void **state)
{
	(void)state;
	lz_session s;
	lz_ctx ctx;

	lz_test_ctx(&ctx, &env);
	assert_ok(lz_session_create(&s, &ctx, "hb.director", "secret-pass-1"));
	lz_ctx_done(&ctx);
	lz_test_ctx(&ctx, &env);
	assert_ok(lz_user_passwd(&ctx, "hb.director", "new-secret-99"));
	assert_int_equal(lz_session_resume(&ctx, s.token, NULL), LZ_EAUTH);
	lz_ctx_done(&ctx);
	lz_test_ctx(&ctx, &env);
	assert_int_equal(lz_session_create(&s, &ctx, "hb.director", "secret-pass-1"), LZ_EAUTH);
	assert_ok(lz_session_create(&s, &ctx, "hb.director", "new-secret-99"));
	lz_ctx_done(&ctx);

	lz_test_ctx(&ctx, &env);
	assert_ok(lz_user_set_active(&ctx, "hb.director", false));
	assert_int_equal(lz_session_resume(&ctx, s.token, NULL), LZ_EAUTH);
	assert_int_equal(lz_session_create(&s, &ctx, "hb.director", "new-secret-99"), LZ_EAUTH);
	lz_ctx_done(&ctx);
}

static void test_auth__roles_and_scope_are_checked(void **state)
{
	(void)state;
	lz_session s;
	lz_ctx ctx;
	lz_user *users;
	size_t n;

	/* The Hubei director may not create accounts. */
	lz_test_ctx(&ctx, &env);
	assert_ok(lz_session_create(&s, &ctx, "hb.director", "secret-pass-1"));
	assert_int_equal(lz_user_add(NULL, &ctx, "newbie", "clerk", "420000", "long-enough", 0), LZ_EFORBIDDEN);
	/* It lists the accounts of its own bureau only. */
	assert_ok(lz_user_list(&users, &n, &ctx, 0, 50));
	assert_int_equal(n, 1);
	assert_string_equal(users[0].login, "hb.director");
	free(users);
	/* Another bureau's account does not exist for it. */
	assert_int_equal(lz_user_passwd(&ctx, "zj.admin", "another-pass"), LZ_ENOTFOUND);
	json_t *u;
	assert_ok(lz_user_json(&u, &ctx, ctx.actor.user_id));
	assert_string_equal(json_string_value(json_object_get(json_object_get(u, "bureau"), "code")), "420000");
	json_decref(u);
	lz_ctx_done(&ctx);

	/* The Zhejiang admin can create accounts in Zhejiang, not in Hubei. */
	lz_test_ctx(&ctx, &env);
	assert_ok(lz_session_create(&s, &ctx, "zj.admin", "secret-pass-2"));
	assert_ok(lz_user_add(NULL, &ctx, "zj.clerk", "clerk", "330000", "long-enough", 0));
	assert_int_equal(lz_user_add(NULL, &ctx, "hb.clerk", "clerk", "420000", "long-enough", 0), LZ_ENOTFOUND);
	lz_ctx_done(&ctx);

	assert_true(lz_role_may(LZ_ROLE_AUDITOR, LZ_PERM_AUDIT_READ));
	assert_false(lz_role_may(LZ_ROLE_AUDITOR, LZ_PERM_ORG_WRITE));
	assert_false(lz_role_may(LZ_ROLE_NONE, LZ_PERM_ORG_READ));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_auth__user_add_validates_and_writes_nothing_on_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_auth__password_is_stored_as_argon2id_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_auth__sign_in_resume_and_sign_out, setup, teardown),
		cmocka_unit_test_setup_teardown(test_auth__sessions_expire_when_idle_and_when_old, setup, teardown),
		cmocka_unit_test_setup_teardown(test_auth__wrong_password_and_unknown_login_look_the_same, setup, teardown),
		cmocka_unit_test_setup_teardown(test_auth__sign_in_is_throttled_per_account_and_per_address, setup, teardown),
		cmocka_unit_test_setup_teardown(test_auth__passwd_ends_sessions_and_disable_blocks_sign_in, setup, teardown),
		cmocka_unit_test_setup_teardown(test_auth__roles_and_scope_are_checked, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
