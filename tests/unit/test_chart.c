/* Tests for src/chart.c: ticks, labels, thinning, and the SVG it draws. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"

static void steps_are_one_two_or_five_times_a_power_of_ten(void **state)
{
	(void)state;
	assert_true(chart_nice_step(0.3) == 1.0);
	assert_true(chart_nice_step(7.0) == 10.0);
	assert_true(chart_nice_step(1800.0) == 2000.0);
	assert_true(chart_nice_step(2600000.0) == 5000000.0);
	assert_true(chart_nice_step(1e15) == 1e15);
}

static void labels_are_compact_with_as_many_decimals_as_the_step_needs(void **state)
{
	static const struct { double v, step; const char *want; } cases[] = {
		{ 900, 100, "900" }, { 1500000, 500000, "1.5M" }, { 2000000, 500000, "2.0M" },
		{ 2420000, 10000, "2.42M" }, { 9120000000.0, 20000000, "9.12B" },
		{ 0, 1000000, "0" }, { 3e12, 1e12, "3T" }, { 12000, 1000, "12K" },
	};
	char buf[32];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		chart_compact(cases[i].v, cases[i].step, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].want);
	}
}

static void time_steps_give_at_most_six_ticks(void **state)
{
	static const int64_t spans[] = {
		1, 3600, 6 * 3600, 86400, 5 * 86400, 30 * 86400, 365 * 86400, 4 * 365 * 86400,
		INT64_C(50) * 365 * 86400,
	};

	(void)state;
	for (size_t i = 0; i < sizeof(spans) / sizeof(spans[0]); i++)
		assert_true(spans[i] / chart_time_step(spans[i]) <= 6);
	assert_int_equal(chart_time_step(86400), 6 * 3600);
}

static void long_spans_tick_on_the_first_of_a_month(void **state)
{
	int64_t t[12];
	enum chart_unit unit;
	size_t n;

	(void)state;
	/* 2025-06-15 .. 2026-06-15: quarters */
	n = chart_time_ticks(1749945600, 1781481600, t, 12, &unit);
	assert_int_equal(unit, CHART_MONTHS);
	assert_int_equal(n, 4);
	assert_int_equal(t[0], 1751328000);     /* 2025-07-01 */
	assert_int_equal(t[2], 1767225600);     /* 2026-01-01 */
	/* four years: yearly */
	n = chart_time_ticks(1700000000, 1700000000 + 4 * 365 * 86400, t, 12, &unit);
	assert_int_equal(unit, CHART_YEARS);
	assert_true(n >= 3 && n <= 5);
	assert_int_equal(t[0], 1704067200);     /* 2024-01-01 */
	/* five days: daily or every other day, at midnight */
	n = chart_time_ticks(1779408000 - 5 * 86400 + 3600, 1779408000, t, 12, &unit);
	assert_int_equal(unit, CHART_DAYS);
	assert_true(n >= 2 && n <= 6);
	assert_int_equal(t[0] % 86400, 0);
	n = chart_time_ticks(1779408000, 1779408000 + 6 * 3600, t, 12, &unit);
	assert_int_equal(unit, CHART_HOURS);
	assert_int_equal(n, 7);
}

static void thinning_keeps_the_ends_and_one_point_per_column(void **state)
{
	struct snapshot s[1000];
	size_t keep[1000], k;

	(void)state;
	for (size_t i = 0; i < 1000; i++)
		s[i] = (struct snapshot){ .ts = (int64_t)i * 21600, .videos = (int64_t)i };
	k = chart_thin(s, 1000, 100, keep);
	assert_true(k <= 102);
	assert_true(k >= 99);
	assert_int_equal(keep[0], 0);
	assert_int_equal(keep[k - 1], 999);
	for (size_t i = 1; i < k; i++)
		assert_true(keep[i] > keep[i - 1]);
	assert_int_equal(chart_thin(s, 3, 100, keep), 3);
	assert_int_equal(chart_thin(s, 0, 100, keep), 0);
}

static char *draw(const struct chart *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	chart_svg(f, c);
	fclose(f);
	return buf;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

static void a_chart_has_its_line_axes_and_viral_marks(void **state)
{
	struct snapshot s[8];
	const int64_t marks[] = { 6 * 21600, 99 };      /* the second is before the data */
	struct chart c = { .snaps = s, .n = 8, .marks = marks, .nmarks = 2, .label = "video count",
			   .has_window = true, .window_from = 6 * 21600, .window_to = 7 * 21600 };
	char *svg;

	(void)state;
	for (int i = 0; i < 8; i++)
		s[i] = (struct snapshot){ .ts = 21600 + i * 21600, .videos = 1000 + i * i * 50 };
	svg = draw(&c);
	assert_true(strncmp(svg, "<svg class=\"chart\" viewBox=\"0 0 600 240\"", 40) == 0);
	assert_non_null(strstr(svg, "aria-label=\"video count\""));
	assert_int_equal(count(svg, "<path class=\"line videos\""), 1);
	assert_int_equal(count(svg, "<g class=\"mark\">"), 1);
	assert_non_null(strstr(svg, "viral alert at 1970-01-02T12:00:00Z"));
	assert_int_equal(count(svg, "<rect class=\"window\""), 1);
	assert_null(strstr(svg, "nan"));
	assert_non_null(strstr(svg, "</svg>"));
	free(svg);
}

static void one_snapshot_or_none_still_draws(void **state)
{
	struct snapshot one = { .ts = 1779408000, .videos = 5, .views = 5 };
	struct chart c = { .snaps = &one, .n = 1, .views = true };
	char *svg;

	(void)state;
	svg = draw(&c);
	assert_int_equal(count(svg, "<path class=\"line views\""), 1);
	assert_null(strstr(svg, "nan"));
	assert_null(strstr(svg, "inf"));
	free(svg);
	c.n = 0;
	svg = draw(&c);
	assert_non_null(strstr(svg, "no snapshots yet"));
	free(svg);
}

static void the_sparkline_needs_two_points(void **state)
{
	struct snapshot s[3] = { { .videos = 1 }, { .videos = 3 }, { .videos = 2 } };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	chart_sparkline_svg(f, s, 1, false);
	fflush(f);
	assert_int_equal(len, 0);
	chart_sparkline_svg(f, s, 3, true);
	fclose(f);
	assert_non_null(strstr(buf, "<svg class=\"spark viral\""));
	assert_non_null(strstr(buf, "points=\"3.0,21.0 48.0,3.0 93.0,12.0\""));
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(steps_are_one_two_or_five_times_a_power_of_ten),
		cmocka_unit_test(labels_are_compact_with_as_many_decimals_as_the_step_needs),
		cmocka_unit_test(time_steps_give_at_most_six_ticks),
		cmocka_unit_test(long_spans_tick_on_the_first_of_a_month),
		cmocka_unit_test(thinning_keeps_the_ends_and_one_point_per_column),
		cmocka_unit_test(a_chart_has_its_line_axes_and_viral_marks),
		cmocka_unit_test(one_snapshot_or_none_still_draws),
		cmocka_unit_test(the_sparkline_needs_two_points),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
