/* Tests for src/table.c and src/jsonout.c: aligned columns, CSV, exact JSON. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonout.h"
#include "table.h"

static const struct column cols[] = {
	{ "NAME", "name", false },
	{ "COUNT", "count", true },
	{ NULL, "csv_only", false },
	{ "NOTE", NULL, false },
};

/* Print through fn into a malloc'd string. */
static char *capture(int (*fn)(const struct table *, FILE *), const struct table *t)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(fn(t, f), 0);
	fclose(f);
	return buf;
}

static void fill(struct table *t)
{
	table_init(t, cols, sizeof(cols) / sizeof(cols[0]));
	table_add_row(t);
	table_set(t, 0, "%s", "日本");
	table_set(t, 1, "%d", 5);
	table_set(t, 2, "%s", "a,\"b\"");
	table_add_row(t);
	table_set(t, 0, "%s", "longer");
	table_set(t, 1, "%s", "1,234");
	table_set(t, 3, "%s", "x");
}

static void table_pads_by_display_width_and_right_aligns_numbers(void **state)
{
	struct table t;
	char *out;

	(void)state;
	fill(&t);
	out = capture(table_print, &t);
	assert_string_equal(out,
			    "NAME    COUNT  NOTE\n"
			    "日本        5  \n"
			    "longer  1,234  x\n");
	free(out);
	table_release(&t);
}

/* The column after the tag starts at the same display column on every line. */
static void wide_and_combining_characters_line_up_with_ascii(void **state)
{
	static const struct column two[] = { { "TAG", NULL, false }, { "N", NULL, true } };
	struct table t;
	char *out;

	(void)state;
	table_init(&t, two, 2);
	table_add_row(&t);
	table_set(&t, 0, "%s", "#日本旅行");
	table_set(&t, 1, "%d", 1);
	table_add_row(&t);
	table_set(&t, 0, "%s", "#cafe\xCC\x81");	/* the mark takes no column */
	table_set(&t, 1, "%d", 22);
	table_add_row(&t);
	table_set(&t, 0, "%s", "#ai");
	table_set(&t, 1, "%d", 333);
	out = capture(table_print, &t);
	assert_string_equal(out,
			    "TAG          N\n"
			    "#日本旅行    1\n"
			    "#cafe\xCC\x81       22\n"
			    "#ai        333\n");
	free(out);
	table_release(&t);
}

static void csv_quotes_fields_and_skips_table_only_columns(void **state)
{
	struct table t;
	char *out;

	(void)state;
	fill(&t);
	out = capture(table_print_csv, &t);
	assert_string_equal(out,
			    "name,count,csv_only\n"
			    "日本,5,\"a,\"\"b\"\"\"\n"
			    "longer,\"1,234\",\n");
	free(out);
	table_release(&t);
}

static void json_integers_stay_exact_beyond_two_to_the_53(void **state)
{
	cJSON *o = cJSON_CreateObject();
	char *text;

	(void)state;
	assert_true(json_add_int(o, "big", true, INT64_MAX));
	assert_true(json_add_int(o, "none", false, 1));
	assert_true(json_add_round2(o, "pct", true, 45.6789));
	assert_true(json_add_round2(o, "nan", true, 0.0 / 0.0));
	assert_true(json_add_time(o, "at", true, 0));
	assert_true(json_add_str(o, "empty", ""));
	text = cJSON_PrintUnformatted(o);
	assert_string_equal(text, "{\"big\":9223372036854775807,\"none\":null,\"pct\":45.68,"
			    "\"nan\":null,\"at\":\"1970-01-01T00:00:00Z\",\"empty\":null}");
	cJSON_free(text);
	cJSON_Delete(o);
}

static int print_plain(const struct table *t, FILE *f)
{
	return table_print_color(t, f, false);
}

static int print_colored(const struct table *t, FILE *f)
{
	return table_print_color(t, f, true);
}

static void styles_wrap_the_text_and_never_the_padding(void **state)
{
	struct table t;
	char *out;

	(void)state;
	fill(&t);
	table_style(&t, 1, "1;31");     /* the last row's COUNT */
	out = capture(print_colored, &t);
	assert_string_equal(out,
			    "\033[1mNAME\033[0m    \033[1mCOUNT\033[0m  \033[1mNOTE\033[0m\n"
			    "日本        5  \n"
			    "longer  \033[1;31m1,234\033[0m  x\n");
	free(out);
	out = capture(print_plain, &t);
	assert_null(strchr(out, '\033'));
	free(out);
	table_release(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table_pads_by_display_width_and_right_aligns_numbers),
		cmocka_unit_test(wide_and_combining_characters_line_up_with_ascii),
		cmocka_unit_test(csv_quotes_fields_and_skips_table_only_columns),
		cmocka_unit_test(json_integers_stay_exact_beyond_two_to_the_53),
		cmocka_unit_test(styles_wrap_the_text_and_never_the_padding),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
