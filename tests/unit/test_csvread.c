/* Tests for src/csvread.c: the records `import` reads, split and checked. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "csvread.h"

static int split(char *line, char **f)
{
	char err[128];

	return csv_split(line, f, CSV_MAX_FIELDS, err, sizeof(err));
}

static void plain_fields_split_at_commas_and_empty_ones_count(void **state)
{
	char line[] = "vibecoding,2026-05-22T00:00:00Z,1200,30000,";
	char *f[CSV_MAX_FIELDS];

	(void)state;
	assert_int_equal(split(line, f), 5);
	assert_string_equal(f[0], "vibecoding");
	assert_string_equal(f[3], "30000");
	assert_string_equal(f[4], "");
}

static void quoted_fields_keep_commas_and_doubled_quotes(void **state)
{
	char line[] = "\"a,b\",\"say \"\"hi\"\"\",\"\"";
	char *f[CSV_MAX_FIELDS];

	(void)state;
	assert_int_equal(split(line, f), 3);
	assert_string_equal(f[0], "a,b");
	assert_string_equal(f[1], "say \"hi\"");
	assert_string_equal(f[2], "");
}

static void broken_quoting_and_too_many_fields_are_refused(void **state)
{
	char open[] = "\"never closed,1", after[] = "\"x\"y,1", inside[] = "ab\"c,1";
	char many[] = "1,2,3";
	char *f[CSV_MAX_FIELDS], err[128];

	(void)state;
	assert_int_equal(csv_split(open, f, CSV_MAX_FIELDS, err, sizeof(err)), -1);
	assert_string_equal(err, "a quoted field has no closing quote");
	assert_int_equal(csv_split(after, f, CSV_MAX_FIELDS, err, sizeof(err)), -1);
	assert_int_equal(csv_split(inside, f, CSV_MAX_FIELDS, err, sizeof(err)), -1);
	assert_int_equal(csv_split(many, f, 2, err, sizeof(err)), -1);
	assert_string_equal(err, "more than 2 fields");
}

static void chomp_drops_lf_and_crlf(void **state)
{
	char a[] = "x,y\r\n", b[] = "x,y\n", c[] = "x,y";

	(void)state;
	assert_int_equal(csv_chomp(a, strlen(a)), 3);
	assert_string_equal(a, "x,y");
	assert_int_equal(csv_chomp(b, strlen(b)), 3);
	assert_int_equal(csv_chomp(c, strlen(c)), 3);
}

static void parse_header(const char *text, struct snap_header *h, int want, const char *err_want)
{
	char line[256], *f[CSV_MAX_FIELDS], err[256] = "";
	int n;

	snprintf(line, sizeof(line), "%s", text);
	n = split(line, f);
	assert_true(n > 0);
	assert_int_equal(snap_header_parse(f, (size_t)n, h, err, sizeof(err)), want);
	if (err_want)
		assert_string_equal(err, err_want);
}

static void the_header_finds_columns_by_name_in_any_order(void **state)
{
	struct snap_header h;

	(void)state;
	parse_header("ts,Hashtag,view_count,video_count", &h, 0, NULL);
	assert_int_equal(h.at[SNAPCOL_TS], 0);
	assert_int_equal(h.at[SNAPCOL_HASHTAG], 1);
	assert_int_equal(h.at[SNAPCOL_VIDEOS], 3);
	assert_int_equal(h.at[SNAPCOL_SOURCE], -1);
	parse_header("hashtag,ts,video_count,view_count,source", &h, 0, NULL);
	assert_int_equal(h.at[SNAPCOL_SOURCE], 4);
	assert_int_equal(h.nfields, 5);
}

static void a_bad_header_names_the_column(void **state)
{
	struct snap_header h;

	(void)state;
	parse_header("hashtag,ts,video_count", &h, -1,
		     "the header has no 'view_count' column; "
		     "expected hashtag,ts,video_count,view_count[,source]");
	parse_header("hashtag,ts,ts,video_count,view_count", &h, -1,
		     "column 'ts' appears twice in the header");
	parse_header("hashtag,ts,video_count,view_count,likes", &h, -1,
		     "unknown column 'likes' in the header; "
		     "expected hashtag,ts,video_count,view_count[,source]");
}

/* Parse one data line under the export header (with source). */
static int parse_row(const char *text, struct snap_row *row, char *err, size_t errsz)
{
	struct snap_header h;
	char line[512], *f[CSV_MAX_FIELDS];
	int n;

	parse_header("hashtag,ts,video_count,view_count,source", &h, 0, NULL);
	snprintf(line, sizeof(line), "%s", text);
	n = split(line, f);
	assert_true(n > 0);
	return snap_row_parse(f, (size_t)n, &h, row, err, errsz);
}

static void a_good_row_is_normalised_and_exact(void **state)
{
	struct snap_row row;
	char err[256];

	(void)state;
	assert_int_equal(parse_row("#VibeCoding,2026-05-22T06:00:00Z,9223372036854775807,"
				   " 40007 ,1", &row, err, sizeof(err)), 0);
	assert_string_equal(row.tag, "vibecoding");
	assert_int_equal(row.s.ts, 1779429600);
	assert_true(row.s.videos == INT64_MAX);
	assert_int_equal(row.s.views, 40007);
	assert_int_equal(row.s.source, 1);
	assert_int_equal(parse_row("日本,@0,0,0,", &row, err, sizeof(err)), 0);
	assert_string_equal(row.tag, "日本");
	assert_int_equal(row.s.source, 0);
}

static void an_empty_count_is_unknown_never_0(void **state)
{
	struct snap_row row;
	char err[256];

	(void)state;
	assert_int_equal(parse_row("vibecoding,2026-05-22T06:00:00Z,,1200,6", &row, err,
				   sizeof(err)), 0);
	assert_int_equal(row.s.videos, COUNT_UNKNOWN);
	assert_int_equal(row.s.views, 1200);
	assert_int_equal(row.s.source, 6);
	assert_int_equal(parse_row("vibecoding,2026-05-22T06:00:00Z,7, ,", &row, err,
				   sizeof(err)), 0);
	assert_int_equal(row.s.videos, 7);
	assert_int_equal(row.s.views, COUNT_UNKNOWN);
}

static void each_bad_value_names_its_column(void **state)
{
	static const struct { const char *line, *starts; } cases[] = {
		{ "vibecoding,2026-05-22T06:00:00Z,lots,1,", "video_count 'lots' is not a whole number" },
		{ "vibecoding,2026-05-22T06:00:00Z,1,-5,", "view_count '-5' is not a whole number" },
		{ "vibecoding,2026-05-22T06:00:00Z,1,9223372036854775808,", "view_count '9223" },
		{ "vibecoding,2026-05-22T06:00:00Z,1,2,7", "source '7' is not a response shape" },
		{ "vibecoding,2026-05-22T06:00:00Z,,,", "video_count and view_count are both empty" },
		{ "vibecoding,yesterday,1,2,", "ts: invalid time 'yesterday'" },
		{ "vibecoding,2026-05-22T06:00:00+02:00,1,2,", "ts: time '2026-05-22T06:00:00+02:00' is not UTC" },
		{ "vibe coding,2026-05-22T06:00:00Z,1,2,", "hashtag: " },
		{ "vibecoding,2026-05-22T06:00:00Z,1,2", "4 fields where the header has 5" },
		{ "vibecoding,2026-05-22T06:00:00Z,1.5,2,", "video_count '1.5'" },
	};
	struct snap_row row;
	char err[512];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err[0] = '\0';
		assert_int_equal(parse_row(cases[i].line, &row, err, sizeof(err)), -1);
		if (strncmp(err, cases[i].starts, strlen(cases[i].starts)) != 0)
			fail_msg("%s: got '%s'", cases[i].line, err);
	}
}

static void control_bytes_never_reach_a_message(void **state)
{
	struct snap_row row;
	char err[512];

	(void)state;
	assert_int_equal(parse_row("x,@0,1\x1b[31m,2,", &row, err, sizeof(err)), -1);
	assert_null(strchr(err, '\x1b'));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_fields_split_at_commas_and_empty_ones_count),
		cmocka_unit_test(quoted_fields_keep_commas_and_doubled_quotes),
		cmocka_unit_test(broken_quoting_and_too_many_fields_are_refused),
		cmocka_unit_test(chomp_drops_lf_and_crlf),
		cmocka_unit_test(the_header_finds_columns_by_name_in_any_order),
		cmocka_unit_test(a_bad_header_names_the_column),
		cmocka_unit_test(a_good_row_is_normalised_and_exact),
		cmocka_unit_test(an_empty_count_is_unknown_never_0),
		cmocka_unit_test(each_bad_value_names_its_column),
		cmocka_unit_test(control_bytes_never_reach_a_message),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
