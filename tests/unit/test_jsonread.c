/* Tests for src/jsonread.c: the JSON export's rows, read back for import. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "jsonread.h"

#define ERR_SIZE 512

static void the_exports_rows_are_read_in_order_with_null_counts_unknown(void **state)
{
	static const char text[] =
		"[{\"hashtag\":\"VibeCoding\",\"ts\":\"2026-05-22T00:00:00Z\","
		"\"video_count\":1200,\"view_count\":\"9223372036854775807\",\"source\":1},\n"
		" {\"hashtag\":\"aitools\",\"ts\":\"2026-05-22T06:00:00Z\","
		"\"video_count\":null,\"view_count\":500,\"source\":null},\n"
		" {\"hashtag\":\"x\",\"ts\":\"@0\",\"video_count\":1,\"view_count\":2}]";
	struct json_rows r;
	struct snap_row row;
	char err[ERR_SIZE];

	(void)state;
	assert_int_equal(json_rows_parse(&r, text, err, sizeof(err)), 0);
	assert_int_equal(json_rows_next(&r, &row, err, sizeof(err)), 1);
	assert_int_equal(r.index, 0);
	assert_string_equal(row.tag, "vibecoding");
	assert_int_equal(row.s.ts, 1779408000);
	assert_int_equal(row.s.videos, 1200);
	assert_int_equal(row.s.views, INT64_MAX);
	assert_int_equal(row.s.source, 1);
	assert_int_equal(json_rows_next(&r, &row, err, sizeof(err)), 1);
	assert_int_equal(r.index, 1);
	assert_false(count_known(row.s.videos));
	assert_int_equal(row.s.views, 500);
	assert_int_equal(row.s.source, 0);
	assert_int_equal(json_rows_next(&r, &row, err, sizeof(err)), 1);
	assert_int_equal(r.index, 2);
	assert_int_equal(row.s.source, 0);
	assert_int_equal(json_rows_next(&r, &row, err, sizeof(err)), 0);
	json_rows_release(&r);
}

static void each_bad_row_says_what_is_wrong_with_it(void **state)
{
	static const struct {
		const char *row, *err;
	} cases[] = {
		{ "1", "not an object" },
		{ "{\"hashtag\":\"a\",\"ts\":\"@0\",\"video_count\":1}", "no 'view_count'" },
		{ "{\"hashtag\":\"a\",\"ts\":\"@0\",\"video_count\":1,\"view_count\":1,\"x\":1}",
		  "unknown key 'x'" },
		{ "{\"hashtag\":\"a\",\"ts\":\"@0\",\"video_count\":1,\"view_count\":1,\"ts\":\"@1\"}",
		  "key 'ts' appears twice" },
		{ "{\"hashtag\":7,\"ts\":\"@0\",\"video_count\":1,\"view_count\":1}",
		  "hashtag is not a string" },
		{ "{\"hashtag\":\"a\",\"ts\":\"@0\",\"video_count\":1.5,\"view_count\":1}",
		  "video_count 1.5 is not a whole number" },
		{ "{\"hashtag\":\"a\",\"ts\":\"@0\",\"video_count\":1e17,\"view_count\":1}",
		  "beyond 2^53" },
		{ "{\"hashtag\":\"a\",\"ts\":\"@0\",\"video_count\":true,\"view_count\":1}",
		  "video_count is not a number, a string or null" },
		{ "{\"hashtag\":\"a\",\"ts\":\"@0\",\"video_count\":-1,\"view_count\":1}",
		  "video_count '-1' is not a whole number" },
		{ "{\"hashtag\":\"a\",\"ts\":\"@0\",\"video_count\":null,\"view_count\":null}",
		  "both empty" },
		{ "{\"hashtag\":\"a b\",\"ts\":\"@0\",\"video_count\":1,\"view_count\":1}",
		  "hashtag: " },
		{ "{\"hashtag\":\"a\",\"ts\":\"today\",\"video_count\":1,\"view_count\":1}",
		  "ts: invalid time 'today'" },
		{ "{\"hashtag\":\"a\",\"ts\":\"@0\",\"video_count\":1,\"view_count\":1,\"source\":9}",
		  "source '9'" },
	};
	char text[512], err[ERR_SIZE];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct json_rows r;
		struct snap_row row;

		snprintf(text, sizeof(text), "[{\"hashtag\":\"ok\",\"ts\":\"@0\",\"video_count\":1,"
			 "\"view_count\":1}, %s]", cases[i].row);
		assert_int_equal(json_rows_parse(&r, text, err, sizeof(err)), 0);
		assert_int_equal(json_rows_next(&r, &row, err, sizeof(err)), 1);
		if (json_rows_next(&r, &row, err, sizeof(err)) != -1)
			fail_msg("'%s' was accepted", cases[i].row);
		assert_int_equal(r.index, 1);
		if (!strstr(err, cases[i].err))
			fail_msg("'%s': got '%s', want '%s'", cases[i].row, err, cases[i].err);
		json_rows_release(&r);
	}
}

static void text_that_is_not_a_json_array_is_refused_naming_the_line(void **state)
{
	struct json_rows r;
	char err[ERR_SIZE];

	(void)state;
	assert_int_equal(json_rows_parse(&r, "[\n{\"a\":1},\n{oops}]", err, sizeof(err)), -1);
	assert_string_equal(err, "line 3: not valid JSON");
	json_rows_release(&r);
	assert_int_equal(json_rows_parse(&r, "[] junk", err, sizeof(err)), -1);
	json_rows_release(&r);
	assert_int_equal(json_rows_parse(&r, "{\"hashtag\":\"a\"}", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a JSON array"));
	json_rows_release(&r);
	assert_int_equal(json_rows_parse(&r, "[]", err, sizeof(err)), 0);
	assert_int_equal(json_rows_next(&r, NULL, err, sizeof(err)), 0);
	json_rows_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_exports_rows_are_read_in_order_with_null_counts_unknown),
		cmocka_unit_test(each_bad_row_says_what_is_wrong_with_it),
		cmocka_unit_test(text_that_is_not_a_json_array_is_refused_naming_the_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
