/* Unit tests for src/duration.c: durations, their text, and request rates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "duration.h"

#define ERR_SIZE 256
#define UNITS "; use s, m, h, d or w, e.g. 6h"

static void duration_parse_reads_every_unit(void **state)
{
	static const struct {
		const char *text;
		int64_t seconds;
	} cases[] = {
		{ "90s", 90 },
		{ "30m", 1800 },
		{ "6h", 21600 },
		{ "1d", 86400 },
		{ "2w", 1209600 },
		{ "1s", 1 },
		{ "06h", 21600 },		/* leading zeros are harmless */
		{ " 6h\t", 21600 },		/* surrounding white space is trimmed */
		{ "5214w", 5214LL * 604800 },	/* just under 100 years */
		{ "36500d", 36500LL * 86400 },	/* exactly 100 years */
	};
	char err[ERR_SIZE];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t got = -1;

		if (duration_parse(cases[i].text, &got, err, sizeof(err)) != 0)
			fail_msg("'%s' was rejected: %s", cases[i].text, err);
		assert_int_equal(got, cases[i].seconds);
	}
}

static void duration_parse_rejects_bad_text_with_a_fix(void **state)
{
	static const struct {
		const char *text, *err;
	} cases[] = {
		{ "6", "'6' has no unit" UNITS },
		{ "0", "'0' has no unit" UNITS },
		{ "", "empty duration" UNITS },
		{ "   ", "empty duration" UNITS },
		{ "0h", "duration '0h' must be positive" },
		{ "0h0m", "duration '0h0m' must be positive" },
		{ "-5m", "duration '-5m' must be positive" },
		{ "-", "invalid duration '-'" UNITS },
		{ "-5", "invalid duration '-5'" UNITS },
		{ "+5m", "invalid duration '+5m'" UNITS },
		{ "h", "invalid duration 'h'" UNITS },
		{ "1.5h", "invalid duration '1.5h'" UNITS },
		{ "6h!", "invalid duration '6h!'" UNITS },
		{ "6H", "unknown unit 'H' in '6H'" UNITS },
		{ "5min", "unknown unit 'min' in '5min'" UNITS },
		{ "1y", "unknown unit 'y' in '1y'" UNITS },
		{ "6 h", "invalid duration '6 h'; write the number and its unit together, e.g. 6h" },
		{ "1h30m", "'1h30m' has more than one unit; use one, e.g. 90m" },
		{ "1d6h", "'1d6h' has more than one unit; use one, e.g. 30h" },
		{ "1w0d", "'1w0d' has more than one unit; use one, e.g. 1w" },
		{ "36501d", "duration '36501d' is too long; at most 100 years" },
		{ "99999999999999999999999s",
		  "duration '99999999999999999999999s' is too long; at most 100 years" },
		{ "6\nh", "invalid duration '6?h'; write the number and its unit together, e.g. 6h" },
	};
	char err[ERR_SIZE];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t got = 42;

		if (duration_parse(cases[i].text, &got, err, sizeof(err)) == 0)
			fail_msg("'%s' was accepted as %lld", cases[i].text, (long long)got);
		assert_string_equal(err, cases[i].err);
		assert_int_equal(got, 42);
	}
}

static void duration_parse_shortens_long_input_in_messages(void **state)
{
	char text[200], err[ERR_SIZE];
	int64_t got;

	(void)state;
	memset(text, 'x', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	assert_int_equal(duration_parse(text, &got, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "xxx...'"));
	assert_true(strlen(err) < 100);
}

static void duration_format_writes_the_exact_duration_in_d_h_m_s(void **state)
{
	static const struct {
		int64_t seconds;
		const char *text;
	} cases[] = {
		{ 0, "0s" },
		{ 1, "1s" },
		{ 59, "59s" },
		{ 60, "1m" },
		{ 90, "1m30s" },
		{ 3600, "1h" },
		{ 21600, "6h" },
		{ 21900, "6h5m" },
		{ 21601, "6h1s" },
		{ 86400, "1d" },
		{ 90000, "1d1h" },
		{ 172800, "2d" },
		{ 1209600, "14d" },
		{ 93784, "1d2h3m4s" },
		{ -90, "-1m30s" },
		{ INT64_MAX, "106751991167300d15h30m7s" },
		{ INT64_MIN, "-106751991167300d15h30m8s" },
	};
	char buf[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		duration_format(cases[i].seconds, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].text);
	}
}

static void duration_format_output_parses_back_when_it_has_one_unit(void **state)
{
	static const int64_t cases[] = { 1, 59, 1800, 21600, 86400, 172800, 1209600 };
	char buf[64], err[ERR_SIZE];
	int64_t again;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		duration_format(cases[i], buf, sizeof(buf));
		if (duration_parse(buf, &again, err, sizeof(err)) != 0)
			fail_msg("'%s' does not parse: %s", buf, err);
		assert_int_equal(again, cases[i]);
	}
}

static void duration_format_truncates_to_the_buffer(void **state)
{
	char buf[4] = "zzz";

	(void)state;
	duration_format(21900, buf, sizeof(buf));
	assert_string_equal(buf, "6h5");
	duration_format(21900, buf, 0);
	assert_string_equal(buf, "6h5");
}

static void rate_parse_reads_per_second_and_per_minute(void **state)
{
	static const struct {
		const char *text;
		int64_t count, per_seconds, interval_us;
	} cases[] = {
		{ "5/min", 5, 60, 12000000 },
		{ "2/s", 2, 1, 500000 },
		{ "1/s", 1, 1, 1000000 },
		{ "3/s", 3, 1, 333333 },
		{ "7/min", 7, 60, 8571428 },
		{ "1000000/s", 1000000, 1, 1 },
		{ " 5/min ", 5, 60, 12000000 },
		{ "0", 0, 1, 0 },
		{ "000", 0, 1, 0 },
	};
	char err[ERR_SIZE];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rate r = { -1, -1 };

		if (rate_parse(cases[i].text, &r, err, sizeof(err)) != 0)
			fail_msg("'%s' was rejected: %s", cases[i].text, err);
		assert_int_equal(r.count, cases[i].count);
		assert_int_equal(r.per_seconds, cases[i].per_seconds);
		assert_int_equal(rate_interval_us(&r), cases[i].interval_us);
	}
}

static void rate_parse_rejects_other_forms_and_says_which_exist(void **state)
{
	static const struct {
		const char *text, *start;
	} cases[] = {
		{ "5", "no /s or /min in rate '5'" },
		{ "5/h", "unknown period in rate '5/h'" },
		{ "5/minute", "unknown period in rate '5/minute'" },
		{ "5/m", "unknown period in rate '5/m'" },
		{ "5/", "unknown period in rate '5/'" },
		{ "5/S", "unknown period in rate '5/S'" },
		{ "0/min", "zero requests in rate '0/min'" },
		{ "-5/min", "invalid rate '-5/min'" },
		{ "5 /min", "invalid rate '5 /min'" },
		{ "/min", "invalid rate '/min'" },
		{ "five/min", "invalid rate 'five/min'" },
		{ "", "empty rate" },
		{ "1000001/s", "rate '1000001/s' is too high; at most 1000000 per second or minute, "
			       "or 0 for no limit" },
	};
	char err[ERR_SIZE];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rate r = { 42, 42 };

		if (rate_parse(cases[i].text, &r, err, sizeof(err)) == 0)
			fail_msg("'%s' was accepted", cases[i].text);
		if (strncmp(err, cases[i].start, strlen(cases[i].start)) != 0)
			fail_msg("error for '%s' is: %s", cases[i].text, err);
		assert_non_null(strstr(err, "or 0 for no limit"));
		assert_int_equal(r.count, 42);
		assert_int_equal(r.per_seconds, 42);
	}
}

static void rate_interval_us_is_zero_without_a_limit(void **state)
{
	struct rate r = { 0, 60 };

	(void)state;
	assert_int_equal(rate_interval_us(&r), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(duration_parse_reads_every_unit),
		cmocka_unit_test(duration_parse_rejects_bad_text_with_a_fix),
		cmocka_unit_test(duration_parse_shortens_long_input_in_messages),
		cmocka_unit_test(duration_format_writes_the_exact_duration_in_d_h_m_s),
		cmocka_unit_test(duration_format_output_parses_back_when_it_has_one_unit),
		cmocka_unit_test(duration_format_truncates_to_the_buffer),
		cmocka_unit_test(rate_parse_reads_per_second_and_per_minute),
		cmocka_unit_test(rate_parse_rejects_other_forms_and_says_which_exist),
		cmocka_unit_test(rate_interval_us_is_zero_without_a_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
