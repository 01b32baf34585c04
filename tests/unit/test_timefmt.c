/* Unit tests for src/timefmt.c: RFC 3339 times, month names, thousands separators, digits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "timefmt.h"

#define ERR_SIZE 256
#define HINT "; use RFC 3339 UTC such as 2026-05-22T06:00:00Z, or @EPOCH"
#define EPOCH_RANGE "; @EPOCH takes seconds from 0 to 253402300799"

/* Epochs checked against Python's calendar.timegm. */
static const struct {
	const char *text;
	int64_t epoch;
} known_times[] = {
	{ "1970-01-01T00:00:00Z", 0 },
	{ "1969-12-31T23:59:59Z", -1 },
	{ "2026-05-22T06:00:00Z", 1779429600 },
	{ "2024-02-29T23:59:59Z", 1709251199 },
	{ "2000-02-29T00:00:00Z", 951782400 },
	{ "2038-01-19T03:14:08Z", 2147483648LL },
	{ "0001-01-01T00:00:00Z", -62135596800LL },
	{ "9999-12-31T23:59:59Z", 253402300799LL },
};

#define N_KNOWN (sizeof(known_times) / sizeof(known_times[0]))

static void time_parse_reads_rfc3339_utc(void **state)
{
	char err[ERR_SIZE];
	size_t i;

	(void)state;
	for (i = 0; i < N_KNOWN; i++) {
		int64_t got = 42;

		if (time_parse(known_times[i].text, &got, err, sizeof(err)) != 0)
			fail_msg("'%s' was rejected: %s", known_times[i].text, err);
		assert_int_equal(got, known_times[i].epoch);
	}
}

static void time_parse_accepts_plus_zero_offset_and_at_epoch(void **state)
{
	static const struct {
		const char *text;
		int64_t epoch;
	} cases[] = {
		{ "2026-05-22T06:00:00+00:00", 1779429600 },
		{ " 2026-05-22T06:00:00Z\n", 1779429600 },
		{ "@0", 0 },
		{ "@1779429600", 1779429600 },
		{ "@0001779429600", 1779429600 },
		{ "@253402300799", 253402300799LL },
	};
	char err[ERR_SIZE];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t got = 42;

		if (time_parse(cases[i].text, &got, err, sizeof(err)) != 0)
			fail_msg("'%s' was rejected: %s", cases[i].text, err);
		assert_int_equal(got, cases[i].epoch);
	}
}

static void time_parse_truncates_fractional_seconds_to_whole_seconds(void **state)
{
	static const struct {
		const char *text;
		int64_t epoch;
	} cases[] = {
		{ "2026-05-22T06:00:00.5Z", 1779429600 },
		{ "2026-05-22T06:00:00.999999999Z", 1779429600 },
		{ "2026-05-22T06:00:01.0Z", 1779429601 },
		{ "2026-05-22T06:00:00.123456+00:00", 1779429600 },
		{ "1969-12-31T23:59:59.5Z", -1 },
	};
	char err[ERR_SIZE];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t got = 42;

		if (time_parse(cases[i].text, &got, err, sizeof(err)) != 0)
			fail_msg("'%s' was rejected: %s", cases[i].text, err);
		assert_int_equal(got, cases[i].epoch);
	}
}

static void time_parse_rejects_malformed_and_out_of_range_times(void **state)
{
	static const struct {
		const char *text, *err;
	} cases[] = {
		{ "", "empty time" HINT },
		{ "yesterday", "invalid time 'yesterday'" HINT },
		{ "2026-05-22", "invalid time '2026-05-22'" HINT },
		{ "2026-05-22 06:00:00Z", "invalid time '2026-05-22 06:00:00Z'" HINT },
		{ "2026-5-22T06:00:00Z", "invalid time '2026-5-22T06:00:00Z'" HINT },
		{ "2026-05-22t06:00:00z", "invalid time '2026-05-22t06:00:00z'" HINT },
		{ "2026-05-22T06:00:00.Z", "invalid time '2026-05-22T06:00:00.Z'" HINT },
		{ "2026-05-22T06:00:00.5", "time '2026-05-22T06:00:00.5' has no time zone; add Z for UTC" },
		{ "2026-05-22T06:00:00.5+02:00", "time '2026-05-22T06:00:00.5+02:00' is not UTC; use Z or +00:00" },
		{ "2026-05-22T06:00:00.5x", "invalid time '2026-05-22T06:00:00.5x'" HINT },
		{ "2026-05-22T06:00:00,5Z", "invalid time '2026-05-22T06:00:00,5Z'" HINT },
		{ "2026-05-22T06:00:00ZZ", "invalid time '2026-05-22T06:00:00ZZ'" HINT },
		{ "2026-05-22T06:00:00", "time '2026-05-22T06:00:00' has no time zone; add Z for UTC" },
		{ "2026-05-22T06:00:00+02:00", "time '2026-05-22T06:00:00+02:00' is not UTC; use Z or +00:00" },
		{ "2026-05-22T06:00:00-00:00", "time '2026-05-22T06:00:00-00:00' is not UTC; use Z or +00:00" },
		{ "2026-00-10T00:00:00Z", "invalid month 00 in '2026-00-10T00:00:00Z'" },
		{ "2026-13-10T00:00:00Z", "invalid month 13 in '2026-13-10T00:00:00Z'" },
		{ "2026-01-00T00:00:00Z", "invalid day 00 in '2026-01-00T00:00:00Z'" },
		{ "2026-01-32T00:00:00Z", "invalid day 32 in '2026-01-32T00:00:00Z'" },
		{ "2026-04-31T00:00:00Z", "invalid day 31 in '2026-04-31T00:00:00Z'" },
		{ "2023-02-29T00:00:00Z", "invalid day 29 in '2023-02-29T00:00:00Z'" },
		{ "1900-02-29T00:00:00Z", "invalid day 29 in '1900-02-29T00:00:00Z'" },
		{ "2026-05-22T24:00:00Z", "invalid hour 24 in '2026-05-22T24:00:00Z'" },
		{ "2026-05-22T06:60:00Z", "invalid minute 60 in '2026-05-22T06:60:00Z'" },
		{ "2026-05-22T06:00:60Z", "invalid second 60 in '2026-05-22T06:00:60Z'" },
		{ "@", "invalid time '@'" HINT },
		{ "@-1", "invalid time '@-1'" EPOCH_RANGE },
		{ "@12x", "invalid time '@12x'" EPOCH_RANGE },
		{ "@ 12", "invalid time '@ 12'" EPOCH_RANGE },
		{ "@253402300800", "invalid time '@253402300800'" EPOCH_RANGE },
		{ "@99999999999999999999", "invalid time '@99999999999999999999'" EPOCH_RANGE },
		{ "@1\x1b[31m", "invalid time '@1?[31m'" EPOCH_RANGE },
	};
	char err[ERR_SIZE];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t got = 42;

		if (time_parse(cases[i].text, &got, err, sizeof(err)) == 0)
			fail_msg("'%s' was accepted as %lld", cases[i].text, (long long)got);
		assert_string_equal(err, cases[i].err);
		assert_int_equal(got, 42);
	}
}

static void time_format_writes_rfc3339_utc(void **state)
{
	char buf[TIME_BUF_SIZE];
	size_t i;

	(void)state;
	for (i = 0; i < N_KNOWN; i++) {
		time_format(known_times[i].epoch, buf);
		assert_string_equal(buf, known_times[i].text);
	}
}

static void time_format_survives_the_extremes_of_int64(void **state)
{
	char buf[TIME_BUF_SIZE];

	(void)state;
	time_format(INT64_MAX, buf);
	assert_string_equal(buf, "292277026596-12-04T15:30:07Z");
	time_format(INT64_MIN, buf);
	assert_string_equal(buf, "-292277022657-01-27T08:29:52Z");
}

/*
 * Every day from 1600 to 2400, at a time of day that moves: the text agrees
 * with the C library's gmtime_r, and parse(format(t)) == t.
 */
static void time_format_and_time_parse_round_trip_over_eight_centuries(void **state)
{
	char buf[TIME_BUF_SIZE], want[TIME_BUF_SIZE], err[ERR_SIZE];
	int64_t t, got;
	struct tm tm;

	(void)state;
	for (t = -11676096000LL; t < 13569465600LL; t += 86400 + 3607) {
		time_t tt = (time_t)t;

		time_format(t, buf);
		assert_non_null(gmtime_r(&tt, &tm));
		strftime(want, sizeof(want), "%Y-%m-%dT%H:%M:%SZ", &tm);
		assert_string_equal(buf, want);
		if (time_parse(buf, &got, err, sizeof(err)) != 0)
			fail_msg("'%s' was rejected: %s", buf, err);
		if (got != t)
			fail_msg("'%s' parsed as %lld, not %lld", buf, (long long)got, (long long)t);
	}
}

static void fmt_thousands_groups_digits_in_threes(void **state)
{
	static const struct {
		int64_t n;
		const char *text;
	} cases[] = {
		{ 0, "0" },
		{ 7, "7" },
		{ 999, "999" },
		{ 1000, "1,000" },
		{ 12345, "12,345" },
		{ 123456, "123,456" },
		{ 1234567, "1,234,567" },
		{ -1, "-1" },
		{ -999, "-999" },
		{ -1000, "-1,000" },
		{ -1234567, "-1,234,567" },
		{ INT64_MAX, "9,223,372,036,854,775,807" },
		{ INT64_MIN, "-9,223,372,036,854,775,808" },
	};
	char buf[32];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fmt_thousands(cases[i].n, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].text);
	}
}

static void fmt_thousands_truncates_to_the_buffer(void **state)
{
	char buf[4];

	(void)state;
	fmt_thousands(1234567, buf, sizeof(buf));
	assert_string_equal(buf, "1,2");
}

static void parse_uint63_reads_digits_up_to_int64_max(void **state)
{
	static const struct {
		const char *text;
		int64_t value;
	} cases[] = {
		{ "0", 0 },
		{ "42", 42 },
		{ "007", 7 },
		{ "9223372036854775807", INT64_MAX },
		{ "0009223372036854775807", INT64_MAX },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t got = -1;

		assert_int_equal(parse_uint63(cases[i].text, &got), 0);
		assert_int_equal(got, cases[i].value);
	}
}

static void parse_uint63_rejects_signs_spaces_junk_and_overflow(void **state)
{
	static const char *const cases[] = {
		"", "-1", "+1", " 1", "1 ", "1a", "0x10", "1.0", "1e3",
		"9223372036854775808", "18446744073709551616", "99999999999999999999999",
	};
	size_t i;

	(void)state;
	assert_int_equal(parse_uint63(NULL, NULL), -1);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t got = 42;

		if (parse_uint63(cases[i], &got) != -1)
			fail_msg("'%s' was accepted", cases[i]);
		assert_int_equal(got, 42);
	}
}

static void parse_digits_reads_a_run_and_says_how_long_it_was(void **state)
{
	static const struct {
		const char *text;
		size_t max, len;
		int64_t value;
	} cases[] = {
		{ "", SIZE_MAX, 0, 0 },
		{ "x1", SIZE_MAX, 0, 0 },
		{ " 1", SIZE_MAX, 0, 0 },
		{ "42", SIZE_MAX, 2, 42 },
		{ "42s", SIZE_MAX, 2, 42 },
		{ "2026-05", 4, 4, 2026 },
		{ "2026", 2, 2, 20 },
		{ "5x", 2, 1, 5 },
		{ "123", 0, 0, 0 },
		{ "9223372036854775807;", SIZE_MAX, 19, INT64_MAX },
		{ "9223372036854775808", SIZE_MAX, 19, -1 },
		{ "99999999999999999999999 ", SIZE_MAX, 23, -1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t got = 42;
		size_t len = parse_digits(cases[i].text, cases[i].max, &got);

		if (len != cases[i].len || got != cases[i].value)
			fail_msg("'%s' (max %zu): got %zu digits, %lld", cases[i].text, cases[i].max,
				 len, (long long)got);
	}
}

static void month_names_and_numbers_map_both_ways(void **state)
{
	static const char *const others[] = { "", "jan", "JAN", "Ja", "Janu", "Sept", "May " };

	(void)state;
	for (int m = 1; m <= 12; m++)
		assert_int_equal(time_month_from_name(time_month_name(m)), m);
	assert_string_equal(time_month_name(1), "Jan");
	assert_string_equal(time_month_name(12), "Dec");
	assert_string_equal(time_month_name(0), "");
	assert_string_equal(time_month_name(13), "");
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		if (time_month_from_name(others[i]) != 0)
			fail_msg("'%s' was read as a month", others[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(time_parse_reads_rfc3339_utc),
		cmocka_unit_test(time_parse_accepts_plus_zero_offset_and_at_epoch),
		cmocka_unit_test(time_parse_truncates_fractional_seconds_to_whole_seconds),
		cmocka_unit_test(time_parse_rejects_malformed_and_out_of_range_times),
		cmocka_unit_test(time_format_writes_rfc3339_utc),
		cmocka_unit_test(time_format_survives_the_extremes_of_int64),
		cmocka_unit_test(time_format_and_time_parse_round_trip_over_eight_centuries),
		cmocka_unit_test(fmt_thousands_groups_digits_in_threes),
		cmocka_unit_test(fmt_thousands_truncates_to_the_buffer),
		cmocka_unit_test(parse_uint63_reads_digits_up_to_int64_max),
		cmocka_unit_test(parse_uint63_rejects_signs_spaces_junk_and_overflow),
		cmocka_unit_test(parse_digits_reads_a_run_and_says_how_long_it_was),
		cmocka_unit_test(month_names_and_numbers_map_both_ways),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
