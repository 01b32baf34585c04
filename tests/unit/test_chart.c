/* Tests for src/chart.c: ticks, labels, merging paces, and the SVG it draws. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <math.h>
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

static void merging_keeps_the_span_the_gaps_and_the_average_pace(void **state)
{
	struct chart_rate r[1000], out[1000];
	size_t k;

	(void)state;
	/* hourly paces over 1000 hours, alternating 0 and 200 per hour */
	for (size_t i = 0; i < 1000; i++)
		r[i] = (struct chart_rate){ .from = (int64_t)i * 3600, .to = (int64_t)(i + 1) * 3600,
					    .known = true, .per_hour = i % 2 ? 200 : 0 };
	k = chart_merge(r, 1000, 0, 1000 * 3600, 100, out);
	assert_true(k >= 99 && k <= 101);
	assert_int_equal(out[0].from, 0);
	assert_int_equal(out[k - 1].to, 1000 * 3600);
	for (size_t i = 1; i < k; i++)
		assert_int_equal(out[i].from, out[i - 1].to);
	assert_true(fabs(out[0].per_hour - 100.0) < 1e-9);     /* time-weighted */
	/* a gap (unknown, or not adjacent) is never merged across */
	r[500].known = false;
	r[700].from += 1800;
	k = chart_merge(r, 1000, 0, 1000 * 3600, 100, out);
	{
		size_t unknown = 0, breaks = 0;

		for (size_t i = 0; i < k; i++) {
			unknown += !out[i].known;
			breaks += i > 0 && out[i].known && out[i - 1].known &&
				  out[i].from != out[i - 1].to;
		}
		assert_int_equal(unknown, 1);
		assert_int_equal(breaks, 1);
	}
	/* few paces on a wide chart stay as they are */
	assert_int_equal(chart_merge(r, 3, 0, 3 * 3600, 100, out), 3);
	assert_int_equal(chart_merge(r, 0, 0, 0, 100, out), 0);
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

/* Paces every 6 h from hour 6: 1000/h, the last one 9000/h; usual 1000/h from hour 24. */
static void six_hourly(struct chart_rate *pace, struct chart_rate *usual)
{
	for (int i = 0; i < 8; i++) {
		pace[i] = (struct chart_rate){ .from = 21600 + i * 21600, .to = 43200 + i * 21600,
					       .known = true, .per_hour = i == 7 ? 9000 : 1000 };
		usual[i] = (struct chart_rate){ .from = pace[i].to, .to = pace[i].to,
						.known = i >= 1, .per_hour = 1000 };
	}
}

static void a_pace_chart_has_its_line_band_axes_and_alert_marks(void **state)
{
	struct chart_rate pace[8], usual[8];
	const int64_t marks[] = { 8 * 21600, 99 };      /* the second is before the data */
	struct chart c = { .s = { pace, 8, usual, 8 }, .t0 = 21600, .t1 = 9 * 21600,
			   .surge = 3, .views = true, .marks = marks, .nmarks = 2,
			   .label = "new views per hour", .has_window = true,
			   .window_from = 8 * 21600, .window_to = 9 * 21600 };
	char *svg;

	(void)state;
	six_hourly(pace, usual);
	svg = draw(&c);
	assert_true(strncmp(svg, "<svg class=\"chart\" viewBox=\"0 0 460 230\"", 40) == 0);
	assert_non_null(strstr(svg, "aria-label=\"new views per hour\""));
	assert_int_equal(count(svg, "<path class=\"line views\""), 1);
	assert_int_equal(count(svg, "<path class=\"band\""), 1);     /* usual to 3x usual */
	assert_int_equal(count(svg, "<path class=\"base\""), 1);     /* the usual pace */
	assert_non_null(strstr(svg, "up to 3 times it"));
	assert_int_equal(count(svg, "<g class=\"mark\">"), 1);
	assert_non_null(strstr(svg, "alert at 1970-01-03 00:00 UTC"));
	assert_int_equal(count(svg, "<circle cx="), 1);         /* on the pace it measured */
	assert_int_equal(count(svg, "<rect class=\"window\""), 1);
	assert_non_null(strstr(svg, ">10K</text>"));            /* the scale reaches the take-off */
	assert_null(strstr(svg, "nan"));
	assert_null(strstr(svg, "inf"));
	assert_non_null(strstr(svg, "</svg>"));
	free(svg);
}

static void without_surge_the_usual_pace_is_a_line_without_band(void **state)
{
	struct chart_rate pace[8], usual[8];
	struct chart c = { .s = { pace, 8, usual, 8 }, .t0 = 21600, .t1 = 9 * 21600 };
	char *svg;

	(void)state;
	six_hourly(pace, usual);
	svg = draw(&c);
	assert_int_equal(count(svg, "<path class=\"band\""), 0);
	assert_int_equal(count(svg, "<path class=\"base\""), 1);
	assert_int_equal(count(svg, "<path class=\"line videos\""), 1);
	free(svg);
	/* still learning: no usual pace at all, no band */
	for (int i = 0; i < 8; i++)
		usual[i].known = false;
	c.surge = 3;
	svg = draw(&c);
	assert_int_equal(count(svg, "<path class=\"band\""), 0);
	assert_int_equal(count(svg, "<path class=\"base\""), 0);
	free(svg);
}

/* The line's pen moves (M) in a path: one per unbroken stretch. */
static size_t stretches(const char *svg, const char *path)
{
	const char *p = strstr(svg, path), *end;
	size_t n = 0;

	assert_non_null(p);
	end = strstr(p, "\"/>");
	for (; p < end; p++)
		n += *p == 'M';
	return n;
}

static void unknown_paces_are_gaps_never_zero(void **state)
{
	struct chart_rate pace[8], usual[8];
	struct chart c = { .s = { pace, 8, usual, 8 }, .t0 = 21600, .t1 = 9 * 21600 };
	char *svg;

	(void)state;
	six_hourly(pace, usual);
	svg = draw(&c);
	assert_int_equal(stretches(svg, "<path class=\"line videos\" d=\""), 1);
	free(svg);
	pace[3].known = false;
	pace[3].per_hour = -1;          /* what an unknown count would have made of it */
	svg = draw(&c);
	assert_int_equal(stretches(svg, "<path class=\"line videos\" d=\""), 2);
	assert_null(strstr(svg, ">-"));                  /* the scale does not reach below 0 */
	free(svg);
	/* a pace that does not start where the last ended (a shape change between) */
	pace[3].known = true;
	pace[3].per_hour = 1000;
	pace[5].from += 3600;
	svg = draw(&c);
	assert_int_equal(stretches(svg, "<path class=\"line videos\" d=\""), 2);
	free(svg);
}

static void no_known_pace_says_why_instead(void **state)
{
	struct chart_rate one = { .from = 100, .to = 200, .known = false };
	struct chart c = { .s = { &one, 1, NULL, 0 }, .t0 = 100, .t1 = 200,
			   .empty = "a pace needs two snapshots" };
	char *svg;

	(void)state;
	svg = draw(&c);
	assert_non_null(strstr(svg, "a pace needs two snapshots"));
	assert_null(strstr(svg, "class=\"line"));
	free(svg);
	c.s.npace = 0;
	c.empty = NULL;
	svg = draw(&c);
	assert_non_null(strstr(svg, "no pace yet"));
	assert_non_null(strstr(svg, "</svg>"));
	free(svg);
}

static void one_pace_or_one_moment_still_draws(void **state)
{
	struct chart_rate one = { .from = 1779408000, .to = 1779429600, .known = true,
				  .per_hour = 0 };
	struct chart c = { .s = { &one, 1, NULL, 0 }, .t0 = 1779408000, .t1 = 1779429600,
			   .views = true };
	char *svg;

	(void)state;
	svg = draw(&c);
	assert_int_equal(count(svg, "<path class=\"line views\""), 1);
	assert_null(strstr(svg, "nan"));
	assert_null(strstr(svg, "inf"));
	free(svg);
	c.t0 = c.t1;
	svg = draw(&c);
	assert_null(strstr(svg, "nan"));
	free(svg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(steps_are_one_two_or_five_times_a_power_of_ten),
		cmocka_unit_test(labels_are_compact_with_as_many_decimals_as_the_step_needs),
		cmocka_unit_test(time_steps_give_at_most_six_ticks),
		cmocka_unit_test(long_spans_tick_on_the_first_of_a_month),
		cmocka_unit_test(merging_keeps_the_span_the_gaps_and_the_average_pace),
		cmocka_unit_test(a_pace_chart_has_its_line_band_axes_and_alert_marks),
		cmocka_unit_test(without_surge_the_usual_pace_is_a_line_without_band),
		cmocka_unit_test(unknown_paces_are_gaps_never_zero),
		cmocka_unit_test(no_known_pace_says_why_instead),
		cmocka_unit_test(one_pace_or_one_moment_still_draws),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
