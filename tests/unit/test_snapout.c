/* Tests for src/snapout.c: history and export rows as CSV and streamed JSON. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>

#include "snapout.h"

static const struct snapshot rows[] = {
	{ .ts = 1779408000, .videos = 9007199254740993, .views = 30000, .source = 2 },
	{ .ts = 1779429600, .videos = 1500, .views = 40007, .source = 0 },
};

static char *render(enum snapout_format fmt, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct snapout o;

	assert_non_null(f);
	snapout_begin(&o, f, fmt);
	for (size_t i = 0; i < n; i++)
		snapout_row(&o, i ? "日本" : "vibe\"coding", &rows[i]);
	assert_int_equal(snapout_end(&o), 0);
	fclose(f);
	return buf;
}

static void csv_has_the_export_columns_and_empty_source_when_imported(void **state)
{
	char *out;

	(void)state;
	out = render(SNAPOUT_CSV, 2);
	assert_string_equal(out,
			    "hashtag,ts,video_count,view_count,source\n"
			    "\"vibe\"\"coding\",2026-05-22T00:00:00Z,9007199254740993,30000,2\n"
			    "日本,2026-05-22T06:00:00Z,1500,40007,\n");
	free(out);
}

static void json_is_an_array_with_exact_counts_and_null_source(void **state)
{
	char *out;

	(void)state;
	out = render(SNAPOUT_JSON, 2);
	assert_string_equal(out,
			    "[\n  {\"hashtag\": \"vibe\\\"coding\", \"ts\": \"2026-05-22T00:00:00Z\", "
			    "\"video_count\": 9007199254740993, \"view_count\": 30000, \"source\": 2},\n"
			    "  {\"hashtag\": \"日本\", \"ts\": \"2026-05-22T06:00:00Z\", "
			    "\"video_count\": 1500, \"view_count\": 40007, \"source\": null}\n]\n");
	free(out);
}

static void no_rows_is_a_header_or_an_empty_array(void **state)
{
	char *out;

	(void)state;
	out = render(SNAPOUT_CSV, 0);
	assert_string_equal(out, "hashtag,ts,video_count,view_count,source\n");
	free(out);
	out = render(SNAPOUT_JSON, 0);
	assert_string_equal(out, "[]\n");
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(csv_has_the_export_columns_and_empty_source_when_imported),
		cmocka_unit_test(json_is_an_array_with_exact_counts_and_null_source),
		cmocka_unit_test(no_rows_is_a_header_or_an_empty_array),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
