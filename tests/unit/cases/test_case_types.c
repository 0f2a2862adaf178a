/*
 * test_case_types.c — required materials per language: a material is a plain
 * string (the same text in every language) or texts by language tag with zh-CN
 * required, under the same bounds as before (≤ 30 materials, ≤ 100 characters a
 * text); bad materials are refused naming the item and the language
 * ("materials[2].en") and write nothing; a reader's language falls back to
 * English, then Chinese; and a type's name reads in a language whatever its state.
 */
#include "helpers.h"

#include "auth/auth.h"
#include "base/json.h"
#include "cases/cases.h"
#include "org/org.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	lz_test_env env;
	lz_ctx ctx;
	int64_t national, bureau; /* the types belong to the province */
} fixture;

static json_t *parse(const char *text)
{
	json_error_t jerr;
	json_t *v = json_loads(text, JSON_DECODE_ANY, &jerr);
	if (!v)
		fail_msg("bad JSON in the test: %s", jerr.text);
	return v;
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	lz_bureau_input national = {"100000", "国家移民管理局", NULL, "national", 0};
	lz_bureau_input province = {"330000", "浙江省移民局", NULL, "province", 0};

	lz_test_env_setup(&f->env);
	lz_test_ctx(&f->ctx, &f->env);
	lz_ctx_act_as_system(&f->ctx, "test");
	assert_ok(lz_bureau_create(&f->national, &f->ctx, &national));
	province.parent_id = f->national;
	assert_ok(lz_bureau_create(&f->bureau, &f->ctx, &province));
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

/* The number of types of the province, as its staff would list them. */
static size_t type_count(fixture *f)
{
	json_t *list = NULL;
	size_t n;

	lz_ctx_act_as_system(&f->ctx, "test");
	assert_ok(lz_case_type_list(&list, &f->ctx, f->bureau, false));
	n = json_array_size(list);
	json_decref(list);
	return n;
}

static void test_case_types__materials_by_language_are_kept_and_read_in_each(void **state)
{
	fixture *f = *state;
	json_t *names = parse("{\"zh-CN\":\"签证延期\",\"en\":\"Visa extension\",\"ar\":\"تمديد التأشيرة\"}");
	json_t *materials = parse("[\"照片\", {\"zh-CN\":\"护照\",\"en\":\"Passport\",\"fr\":\"Passeport\","
	                          "\"ar\":\"جواز السفر\"}, {\"zh-CN\":\"住宿登记表\"}]");
	lz_case_type_input in = {f->bureau, "visa", names, materials, 72, "elapsed", 1, false, true};
	json_t *type = NULL, *view;
	int64_t id = 0;
	static const struct {
		const char *lang, *name, *passport;
	} reads[] = {
	    {"fr", "Visa extension", "Passeport"},
	    {"FR-ca", "Visa extension", "Passeport"},
	    {"ar", "تمديد التأشيرة", "جواز السفر"},
	    {"en", "Visa extension", "Passport"},
	    {"ru", "Visa extension", "Passport"},
	    {"zh-CN", "签证延期", "护照"},
	    {"zh", "签证延期", "护照"},
	    {"zh-TW", "签证延期", "护照"},
	};

	assert_ok(lz_case_type_create(&id, &f->ctx, &in));
	/* Staff read the whole structure back, as given. */
	assert_ok(lz_case_type_get_json(&type, &f->ctx, id));
	assert_true(json_equal(json_object_get(type, "materials"), materials));

	for (size_t i = 0; i < sizeof(reads) / sizeof(reads[0]); i++) {
		view = lz_case_type_localize(type, reads[i].lang);
		assert_string_equal(json_string_value(json_object_get(view, "name")), reads[i].name);
		assert_int_equal(json_array_size(json_object_get(view, "materials")), 3);
		/* A plain string reads the same in every language; a text missing in the
		 * language asked and in English reads in Chinese. */
		assert_string_equal(json_string_value(json_array_get(json_object_get(view, "materials"), 0)),
		                    "照片");
		assert_string_equal(json_string_value(json_array_get(json_object_get(view, "materials"), 1)),
		                    reads[i].passport);
		assert_string_equal(json_string_value(json_array_get(json_object_get(view, "materials"), 2)),
		                    "住宿登记表");
		/* The names stay whole; the type given is not changed. */
		assert_true(json_equal(json_object_get(view, "names"), names));
		json_decref(view);
	}
	assert_true(json_equal(json_object_get(type, "materials"), materials));

	/* An update replaces them; plain strings stay valid. */
	json_decref(materials);
	materials = parse("[\"身份证\", {\"zh-CN\":\"户口簿\",\"vi\":\"Sổ hộ khẩu\"}]");
	in.materials = materials;
	assert_ok(lz_case_type_update(&f->ctx, id, &in));
	json_decref(type);
	assert_ok(lz_case_type_get_json(&type, &f->ctx, id));
	assert_true(json_equal(json_object_get(type, "materials"), materials));
	view = lz_case_type_localize(type, "vi");
	assert_string_equal(json_string_value(json_array_get(json_object_get(view, "materials"), 1)),
	                    "Sổ hộ khẩu");
	json_decref(view);

	/* The public reads the same structure (the shell localizes it). */
	lz_auth_act_as_public(&f->ctx);
	json_decref(type);
	assert_ok(lz_case_type_get_json(&type, &f->ctx, id));
	assert_true(json_equal(json_object_get(type, "materials"), materials));

	json_decref(type);
	json_decref(names);
	json_decref(materials);
}

static void test_case_types__bad_materials_name_the_item_and_write_nothing(void **state)
{
	fixture *f = *state;
	json_t *names = parse("{\"zh-CN\":\"签证延期\"}");
	char long_text[LZ_CASE_TYPE_MATERIAL_MAX + 2], many[2048], langs[2048], json[4096];
	static const struct {
		const char *materials, *field;
	} bad[] = {
	    {"{\"zh-CN\":\"护照\"}", "materials"},
	    {"[3]", "materials[0]"},
	    {"[\"护照\", null]", "materials[1]"},
	    {"[\"护照\", [\"照片\"]]", "materials[1]"},
	    {"[\"\"]", "materials[0]"},
	    {"[\"   \"]", "materials[0]"},
	    {"[\"护照\", \"照\\u0007片\"]", "materials[1]"},
	    {"[\"护照\", \"照片\", {\"en\":\"Photo\"}]", "materials[2].zh-CN"},
	    {"[{}]", "materials[0].zh-CN"},
	    {"[\"护照\", \"照片\", {\"zh-CN\":\"照片\",\"en\":\"\"}]", "materials[2].en"},
	    {"[{\"zh-CN\":\"照片\",\"en\":5}]", "materials[0].en"},
	    {"[{\"zh-CN\":null}]", "materials[0].zh-CN"},
	    {"[{\"zh-CN\":\"照片\",\"not a tag\":\"x\"}]", "materials[0]"},
	    {"[{\"zh-CN\":\"照片\",\"e\":\"x\"}]", "materials[0]"},
	};
	lz_case_type_input in = {f->bureau, "visa", names, NULL, 72, "elapsed", 1, false, true};
	json_t *materials, *type = NULL, *kept = parse("[\"护照\"]");
	int64_t id = 0;
	size_t n;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		materials = parse(bad[i].materials);
		in.materials = materials;
		expect_error(lz_case_type_create(&id, &f->ctx, &in), LZ_EINVALID, bad[i].field);
		json_decref(materials);
	}

	/* The bounds of today: 100 characters a text (any language), 30 materials. */
	memset(long_text, 'x', sizeof(long_text) - 1);
	long_text[sizeof(long_text) - 1] = '\0';
	snprintf(json, sizeof(json), "[\"a\", \"b\", {\"zh-CN\":\"护照\",\"en\":\"%s\"}]", long_text);
	materials = parse(json);
	in.materials = materials;
	expect_error(lz_case_type_create(&id, &f->ctx, &in), LZ_EINVALID, "materials[2].en");
	json_decref(materials);
	snprintf(json, sizeof(json), "[\"%s\"]", long_text);
	materials = parse(json);
	in.materials = materials;
	expect_error(lz_case_type_create(&id, &f->ctx, &in), LZ_EINVALID, "materials[0]");
	json_decref(materials);
	n = (size_t)snprintf(many, sizeof(many), "[");
	for (int i = 0; i <= LZ_CASE_TYPE_MATERIALS_MAX; i++)
		n +=
		    (size_t)snprintf(many + n, sizeof(many) - n, "%s{\"zh-CN\":\"材料%d\"}", i ? "," : "", i);
	snprintf(many + n, sizeof(many) - n, "]");
	materials = parse(many);
	in.materials = materials;
	expect_error(lz_case_type_create(&id, &f->ctx, &in), LZ_EINVALID, "materials");
	json_decref(materials);
	/* More languages than names may have. */
	n = (size_t)snprintf(langs, sizeof(langs), "[{\"zh-CN\":\"护照\"");
	for (int i = 0; i < LZ_CASE_TYPE_LANGS_MAX; i++)
		n += (size_t)snprintf(langs + n, sizeof(langs) - n, ",\"x%02d\":\"p\"", i);
	snprintf(langs + n, sizeof(langs) - n, "}]");
	materials = parse(langs);
	in.materials = materials;
	expect_error(lz_case_type_create(&id, &f->ctx, &in), LZ_EINVALID, "materials[0]");
	json_decref(materials);
	assert_int_equal(type_count(f), 0);

	/* Exactly at the bounds is fine. */
	long_text[LZ_CASE_TYPE_MATERIAL_MAX] = '\0';
	snprintf(json, sizeof(json), "[\"%s\", {\"zh-CN\":\"%s\",\"ar\":\"%s\"}]", long_text, long_text,
	         long_text);
	materials = parse(json);
	in.materials = materials;
	assert_ok(lz_case_type_create(&id, &f->ctx, &in));
	json_decref(materials);

	/* A bad update writes nothing either. */
	in.materials = kept;
	assert_ok(lz_case_type_update(&f->ctx, id, &in));
	materials = parse("[\"护照\", {\"en\":\"Photo\"}]");
	in.materials = materials;
	in.sla_hours = 24;
	expect_error(lz_case_type_update(&f->ctx, id, &in), LZ_EINVALID, "materials[1].zh-CN");
	assert_ok(lz_case_type_get_json(&type, &f->ctx, id));
	assert_true(json_equal(json_object_get(type, "materials"), kept));
	assert_int_equal(json_integer_value(json_object_get(type, "sla_hours")), 72);
	assert_int_equal(type_count(f), 1);

	json_decref(type);
	json_decref(materials);
	json_decref(kept);
	json_decref(names);
}

static void test_case_types__texts_fall_back_to_english_then_chinese(void **state)
{
	json_t *all = parse("{\"en\":\"A\",\"fr\":\"F\",\"zh-CN\":\"甲\"}");
	json_t *zh = parse("{\"zh-CN\":\"甲\"}");
	json_t *plain = parse("\"乙\"");
	json_t *none = parse("{\"ru\":\"R\"}");
	json_t *number = parse("3");

	(void)state;
	assert_string_equal(lz_case_type_text(all, "fr"), "F");
	assert_string_equal(lz_case_type_text(all, "Fr"), "F");
	assert_string_equal(lz_case_type_text(all, "fr-BE"), "F");
	assert_string_equal(lz_case_type_text(all, "ko"), "A");
	assert_string_equal(lz_case_type_text(all, "zh-CN"), "甲");
	assert_string_equal(lz_case_type_text(all, ""), "A");
	assert_string_equal(lz_case_type_text(all, NULL), "A");
	assert_string_equal(lz_case_type_text(zh, "ko"), "甲");
	assert_string_equal(lz_case_type_text(zh, "en"), "甲");
	assert_string_equal(lz_case_type_text(plain, "ar"), "乙");
	assert_string_equal(lz_case_type_text(none, "ru"), "R");
	assert_null(lz_case_type_text(none, "en"));
	assert_null(lz_case_type_text(number, "en"));
	assert_null(lz_case_type_text(NULL, "en"));
	json_decref(all);
	json_decref(zh);
	json_decref(plain);
	json_decref(none);
	json_decref(number);
}

static void test_case_types__name_reads_in_a_language_whatever_the_state(void **state)
{
	fixture *f = *state;
	json_t *names = parse("{\"zh-CN\":\"停办事项\",\"ja\":\"停止中の手続\"}");
	lz_case_type_input in = {f->bureau, "closed", names, NULL, 8, "elapsed", 1, false, false};
	char name[LZ_CASE_TYPE_NAME_BYTES];
	lz_case_type t;
	int64_t id = 0;

	assert_ok(lz_case_type_create(&id, &f->ctx, &in));
	lz_auth_act_as_public(&f->ctx);
	expect_error(lz_case_type_get(&t, &f->ctx, id), LZ_ENOTFOUND, NULL);
	assert_ok(lz_case_type_name(name, &f->ctx, id, "ja"));
	assert_string_equal(name, "停止中の手続");
	assert_ok(lz_case_type_name(name, &f->ctx, id, "en"));
	assert_string_equal(name, "停办事项");
	expect_error(lz_case_type_name(name, &f->ctx, id + 100, "en"), LZ_ENOTFOUND, "type_id");
	assert_string_equal(name, "");
	json_decref(names);
}

static void test_case_types__from_json_keeps_materials_by_language(void **state)
{
	fixture *f = *state;
	json_t *obj =
	    parse("{\"code\":\"hukou\",\"names\":{\"zh-CN\":\"户口迁移\"},\"sla_hours\":80,"
	          "\"materials\":[\"身份证\",{\"zh-CN\":\"户口簿\",\"en\":\"Household register\"}]}");
	lz_case_type_input in;
	json_t *type = NULL;
	int64_t id = 0;

	memset(&in, 0, sizeof(in));
	assert_ok(lz_case_type_input_from_json(&in, obj));
	in.bureau_id = f->bureau;
	in.clock_kind = "working";
	assert_ok(lz_case_type_create(&id, &f->ctx, &in));
	assert_ok(lz_case_type_get_json(&type, &f->ctx, id));
	assert_true(json_equal(json_object_get(type, "materials"), json_object_get(obj, "materials")));
	json_decref(type);
	json_decref(obj);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_case_types__materials_by_language_are_kept_and_read_in_each,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_case_types__bad_materials_name_the_item_and_write_nothing,
	                                    setup, teardown),
	    cmocka_unit_test(test_case_types__texts_fall_back_to_english_then_chinese),
	    cmocka_unit_test_setup_teardown(test_case_types__name_reads_in_a_language_whatever_the_state,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_case_types__from_json_keeps_materials_by_language, setup,
	                                    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
