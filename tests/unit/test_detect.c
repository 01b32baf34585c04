/* Tests for src/detect.c: the baseline window, growth figures and the rules. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "detect.h"

#define N_CASES(t) (sizeof(t) / sizeof((t)[0]))
#define M 60
#define H 3600
#define T0 1779429600           /* 2026-05-22T06:00:00Z */

static const struct detect_config default_cfg = {
	.window = 6 * H, .tolerance = 30 * M, .cooldown = 6 * H, .growth_floor = 100,
};
static const struct rules default_rules = {
	.min_new_videos = 200, .video_growth = 50, .view_growth = 50,
};

static bool close_to(double got, double want)
{
	return fabs(got - want) < 1e-6 * (fabs(want) > 1 ? fabs(want) : 1);
}

struct range_case {
	const char *name;
	int64_t now, tolerance, snapshot;
	bool inside;
};

static const struct range_case range_cases[] = {
	{ "an on-time run finds the snapshot from 6h before", T0 + 6 * H, 30 * M, T0, true },
	{ "a run 5 minutes late still finds the snapshot from 6h earlier",
	  T0 + 6 * H + 5 * M, 30 * M, T0, true },
	{ "a run 5 minutes early still finds the snapshot from 6h earlier",
	  T0 + 6 * H - 5 * M, 30 * M, T0, true },
	{ "an on-time run finds a previous run that was 5 minutes late",
	  T0 + 6 * H, 30 * M, T0 + 5 * M, true },
	{ "a snapshot 5h50m old is inside a 30m tolerance", T0 + 6 * H, 30 * M,
	  T0 + 10 * M, true },
	{ "a snapshot exactly window minus tolerance old is inside", T0 + 6 * H, 30 * M,
	  T0 + 30 * M, true },
	{ "a snapshot a second younger than that is not", T0 + 6 * H, 30 * M,
	  T0 + 30 * M + 1, false },
	{ "an hourly run's snapshot 5h old is not", T0 + 6 * H, 30 * M, T0 + H, false },
	{ "a run 5 minutes early still finds it with a 5m tolerance",
	  T0 + 6 * H - 5 * M, 5 * M, T0, true },
	{ "a run 5 minutes late still finds it with a 5m tolerance",
	  T0 + 6 * H + 5 * M, 5 * M, T0, true },
	{ "a snapshot 5h50m old is not inside a 5m tolerance", T0 + 6 * H, 5 * M,
	  T0 + 10 * M, false },
	{ "a snapshot two windows old is inside", T0 + 12 * H, 30 * M, T0, true },
	{ "a snapshot older than two windows is not", T0 + 12 * H + 1, 30 * M, T0, false },
	{ "a snapshot taken now is not", T0, 30 * M, T0, false },
};

static void the_baseline_range_allows_for_cron_jitter(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_CASES(range_cases); i++) {
		const struct range_case *c = &range_cases[i];
		struct detect_config cfg = default_cfg;
		int64_t from, to;
		bool inside;

		cfg.tolerance = c->tolerance;
		detect_baseline_range(c->now, &cfg, &from, &to);
		inside = c->snapshot >= from && c->snapshot <= to;
		if (inside != c->inside)
			fail_msg("%s: [%lld, %lld] vs %lld", c->name, (long long)from,
				 (long long)to, (long long)c->snapshot);
	}
}

static void the_baseline_range_is_two_windows_back_to_window_minus_tolerance(void **state)
{
	int64_t from, to;

	(void)state;
	detect_baseline_range(T0, &default_cfg, &from, &to);
	assert_int_equal(from, T0 - 12 * H);
	assert_int_equal(to, T0 - 6 * H + 30 * M);
}

struct figures_case {
	const char *name;
	struct snapshot base, cur;
	int64_t elapsed, new_videos, new_views;
	bool has_video_growth, has_view_growth;
	double video_growth_pct, view_growth_pct;
	double videos_per_hour, views_per_hour;
};

static const struct figures_case figures_cases[] = {
	{ "an on-time run divides by 6 hours",
	  { T0, 1000, 100000, 1 }, { T0 + 6 * H, 1600, 700000, 1 },
	  6 * H, 600, 600000, true, true, 60.0, 600.0, 100.0, 100000.0 },
	{ "a late run divides by the real 6h5m",
	  { T0, 1000, 100000, 1 }, { T0 + 6 * H + 5 * M, 1730, 830000, 1 },
	  6 * H + 5 * M, 730, 730000, true, true, 73.0, 730.0,
	  730 / (6 + 5 / 60.0), 730000 / (6 + 5 / 60.0) },
	{ "an early run divides by the real 5h55m",
	  { T0, 1000, 100000, 1 }, { T0 + 5 * H + 55 * M, 1710, 810000, 1 },
	  5 * H + 55 * M, 710, 710000, true, true, 71.0, 710.0,
	  710 / (5 + 55 / 60.0), 710000 / (5 + 55 / 60.0) },
	{ "a baseline count of 0 has no growth percentage",
	  { T0, 0, 0, 2 }, { T0 + 6 * H, 300, 6000, 2 },
	  6 * H, 300, 6000, false, false, 0, 0, 50.0, 1000.0 },
	{ "decreases are reported as negative figures",
	  { T0, 1000, 100000, 3 }, { T0 + 6 * H, 900, 40000, 3 },
	  6 * H, -100, -60000, true, true, -10.0, -60.0, -100 / 6.0, -10000.0 },
	{ "no elapsed time gives rates of 0",
	  { T0, 100, 100, 4 }, { T0, 200, 300, 4 },
	  0, 100, 200, true, true, 100.0, 200.0, 0, 0 },
	{ "counts above 2^53 subtract exactly",
	  { T0, 9007199254740993, INT64_MAX - 5, 1 }, { T0 + H, 9007199254740995, INT64_MAX, 1 },
	  H, 2, 5, true, true, 2 / 9007199254740993.0 * 100, 5 / (double)(INT64_MAX - 5) * 100,
	  2.0, 5.0 },
};

static void growth_figures_use_the_real_elapsed_time(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_CASES(figures_cases); i++) {
		const struct figures_case *c = &figures_cases[i];
		struct verdict v;

		detect_evaluate(&c->cur, &c->base, &default_rules, &default_cfg, -1, &v);
		if (v.status != VERDICT_OK || v.elapsed != c->elapsed ||
		    v.new_videos != c->new_videos || v.new_views != c->new_views)
			fail_msg("%s: status %d elapsed %lld new %lld/%lld", c->name, v.status,
				 (long long)v.elapsed, (long long)v.new_videos,
				 (long long)v.new_views);
		if (v.has_video_growth != c->has_video_growth ||
		    v.has_view_growth != c->has_view_growth ||
		    !close_to(v.video_growth_pct, c->video_growth_pct) ||
		    !close_to(v.view_growth_pct, c->view_growth_pct))
			fail_msg("%s: growth %d %f / %d %f", c->name, v.has_video_growth,
				 v.video_growth_pct, v.has_view_growth, v.view_growth_pct);
		if (!close_to(v.videos_per_hour, c->videos_per_hour) ||
		    !close_to(v.views_per_hour, c->views_per_hour))
			fail_msg("%s: rates %f %f", c->name, v.videos_per_hour, v.views_per_hour);
		if (v.base.ts != c->base.ts)
			fail_msg("%s: baseline not kept", c->name);
	}
}

struct rule_case {
	const char *name;
	struct rules rules;
	struct snapshot base, cur;
	unsigned fired;
};

#define ONLY_MIN { 200, 0, 0, 0 }
#define ONLY_VIDEO { 0, 50, 0, 0 }
#define ONLY_VIEW { 0, 0, 50, 0 }

static const struct rule_case rule_cases[] = {
	{ "min_new_videos fires at its threshold", ONLY_MIN,
	  { T0, 1000, 1000, 1 }, { T0 + 6 * H, 1200, 1000, 1 }, RULE_MIN_NEW_VIDEOS },
	{ "min_new_videos stays quiet one below", ONLY_MIN,
	  { T0, 1000, 1000, 1 }, { T0 + 6 * H, 1199, 1000, 1 }, 0 },
	{ "min_new_videos needs no growth floor", ONLY_MIN,
	  { T0, 0, 0, 1 }, { T0 + 6 * H, 250, 0, 1 }, RULE_MIN_NEW_VIDEOS },
	{ "video_growth fires at its threshold", ONLY_VIDEO,
	  { T0, 100, 1000, 1 }, { T0 + 6 * H, 150, 1000, 1 }, RULE_VIDEO_GROWTH },
	{ "video_growth stays quiet just below", ONLY_VIDEO,
	  { T0, 100, 1000, 1 }, { T0 + 6 * H, 149, 1000, 1 }, 0 },
	{ "video_growth needs a baseline at the growth floor", ONLY_VIDEO,
	  { T0, 99, 1000, 1 }, { T0 + 6 * H, 990, 1000, 1 }, 0 },
	{ "video_growth from a baseline of 0 never fires", ONLY_VIDEO,
	  { T0, 0, 1000, 1 }, { T0 + 6 * H, 500, 1000, 1 }, 0 },
	{ "view_growth fires at its threshold", ONLY_VIEW,
	  { T0, 100, 1000, 1 }, { T0 + 6 * H, 100, 1500, 1 }, RULE_VIEW_GROWTH },
	{ "view_growth stays quiet just below", ONLY_VIEW,
	  { T0, 100, 1000, 1 }, { T0 + 6 * H, 100, 1499, 1 }, 0 },
	{ "view_growth needs a baseline at the growth floor", ONLY_VIEW,
	  { T0, 100, 99, 1 }, { T0 + 6 * H, 100, 9900, 1 }, 0 },
	{ "view_growth at exactly the growth floor fires", ONLY_VIEW,
	  { T0, 100, 100, 1 }, { T0 + 6 * H, 100, 150, 1 }, RULE_VIEW_GROWTH },
	{ "every rule fires together", { 200, 50, 50, 0 },
	  { T0, 200, 1000, 1 }, { T0 + 6 * H, 400, 2000, 1 },
	  RULE_MIN_NEW_VIDEOS | RULE_VIDEO_GROWTH | RULE_VIEW_GROWTH },
	{ "rules set to 0 are off", { 0, 0, 0, 0 },
	  { T0, 200, 1000, 1 }, { T0 + 6 * H, 40000, 2000000, 1 }, 0 },
	{ "falling counts never fire", { 1, 0.001, 0.001, 0 },
	  { T0, 5000, 900000, 1 }, { T0 + 6 * H, 100, 10, 1 }, 0 },
	{ "unchanged counts never fire", { 1, 0.001, 0.001, 0 },
	  { T0, 5000, 900000, 1 }, { T0 + 6 * H, 5000, 900000, 1 }, 0 },
	{ "falling videos with rising views fire only the view rule", { 1, 1, 1, 0 },
	  { T0, 5000, 900000, 1 }, { T0 + 6 * H, 4000, 1900000, 1 }, RULE_VIEW_GROWTH },
};

static void each_rule_fires_on_its_own(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_CASES(rule_cases); i++) {
		const struct rule_case *c = &rule_cases[i];
		struct verdict v;

		detect_evaluate(&c->cur, &c->base, &c->rules, &default_cfg, -1, &v);
		if (v.rules != c->fired || v.viral != (c->fired != 0) ||
		    v.alert != (c->fired != 0))
			fail_msg("%s: rules %#x viral %d alert %d", c->name, v.rules,
				 v.viral, v.alert);
	}
}

struct cooldown_case {
	const char *name;
	int64_t last_alert;
	bool grows;
	bool alert;
};

static const struct cooldown_case cooldown_cases[] = {
	{ "a first alert is sent", -1, true, true },
	{ "no alert inside the cooldown", T0 + 1, true, false },
	{ "an alert exactly one cooldown later", T0, true, true },
	{ "an alert after the cooldown", T0 - H, true, true },
	{ "an alert at time 0 still counts as an alert", 0, true, true },
	{ "no alert without growth", -1, false, false },
};

static void the_cooldown_holds_back_a_second_alert(void **state)
{
	const struct snapshot base = { T0, 1000, 100000, 1 };

	(void)state;
	for (size_t i = 0; i < N_CASES(cooldown_cases); i++) {
		const struct cooldown_case *c = &cooldown_cases[i];
		const struct snapshot cur = { T0 + 6 * H, c->grows ? 5000 : 1000, 100000, 1 };
		struct verdict v;

		detect_evaluate(&cur, &base, &default_rules, &default_cfg, c->last_alert, &v);
		if (v.viral != c->grows || v.alert != c->alert)
			fail_msg("%s: viral %d alert %d", c->name, v.viral, v.alert);
	}
}

struct source_case {
	const char *name;
	int base_source, cur_source;
	enum verdict_status status;
};

static const struct source_case source_cases[] = {
	{ "exact against rounded counts is incomparable", 2, 1, VERDICT_INCOMPARABLE },
	{ "rounded against exact counts is incomparable", 1, 2, VERDICT_INCOMPARABLE },
	{ "top-level against data counts is incomparable", 4, 5, VERDICT_INCOMPARABLE },
	{ "the same shape compares", 3, 3, VERDICT_OK },
	{ "an imported baseline compares with any shape", 0, 1, VERDICT_OK },
	{ "an imported snapshot compares with any baseline", 5, 0, VERDICT_OK },
	{ "two imported snapshots compare", 0, 0, VERDICT_OK },
};

static void snapshots_of_different_shapes_are_incomparable(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_CASES(source_cases); i++) {
		const struct source_case *c = &source_cases[i];
		const struct snapshot base = { T0, 1000, 100000, c->base_source };
		const struct snapshot cur = { T0 + 6 * H, 9000, 9000000, c->cur_source };
		bool ok = c->status == VERDICT_OK;
		struct verdict v;

		detect_evaluate(&cur, &base, &default_rules, &default_cfg, -1, &v);
		if (v.status != c->status || v.viral != ok || v.alert != ok)
			fail_msg("%s: status %d viral %d alert %d", c->name, v.status,
				 v.viral, v.alert);
		if (!ok && (v.new_videos || v.new_views || v.rules ||
			    v.has_video_growth || v.has_view_growth))
			fail_msg("%s: deltas set", c->name);
		if (v.base.source != c->base_source)
			fail_msg("%s: baseline not kept", c->name);
	}
}

static void without_a_baseline_there_is_no_verdict(void **state)
{
	const struct snapshot cur = { T0, 9000, 9000000, 1 };
	struct verdict v;

	(void)state;
	detect_evaluate(&cur, NULL, &default_rules, &default_cfg, -1, &v);
	assert_int_equal(v.status, VERDICT_NO_BASELINE);
	assert_false(v.viral);
	assert_false(v.alert);
	assert_int_equal(v.rules, 0);
}

struct zeroed_case {
	const char *name;
	bool has_prev;
	struct snapshot prev, cur;
	unsigned zeroed;
};

static const struct zeroed_case zeroed_cases[] = {
	{ "no previous snapshot, nothing to doubt", false, { 0 }, { T0, 0, 0, 1 }, 0 },
	{ "videos dropping to 0 are doubted", true, { T0, 10, 10, 1 }, { T0 + H, 0, 20, 1 }, 1 },
	{ "views dropping to 0 are doubted", true, { T0, 10, 10, 1 }, { T0 + H, 20, 0, 1 }, 2 },
	{ "both dropping to 0 are doubted", true, { T0, 10, 10, 1 }, { T0 + H, 0, 0, 1 }, 3 },
	{ "0 after 0 is believed", true, { T0, 0, 0, 1 }, { T0 + H, 0, 0, 1 }, 0 },
	{ "a fall to a positive count is believed", true, { T0, 10, 10, 1 },
	  { T0 + H, 1, 1, 1 }, 0 },
};

static void a_count_falling_to_zero_is_treated_as_missing(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_CASES(zeroed_cases); i++) {
		const struct zeroed_case *c = &zeroed_cases[i];
		unsigned got = detect_zeroed_counts(&c->cur, c->has_prev ? &c->prev : NULL);

		if (got != c->zeroed)
			fail_msg("%s: got %u", c->name, got);
	}
}

static void verdict_statuses_have_report_names(void **state)
{
	static const struct {
		enum verdict_status s;
		const char *name;
	} names[] = {
		{ VERDICT_OK, "ok" },
		{ VERDICT_NO_BASELINE, "no-baseline" },
		{ VERDICT_INCOMPARABLE, "incomparable" },
	};

	(void)state;
	for (size_t i = 0; i < N_CASES(names); i++)
		assert_string_equal(verdict_status_name(names[i].s), names[i].name);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_baseline_range_allows_for_cron_jitter),
		cmocka_unit_test(the_baseline_range_is_two_windows_back_to_window_minus_tolerance),
		cmocka_unit_test(growth_figures_use_the_real_elapsed_time),
		cmocka_unit_test(each_rule_fires_on_its_own),
		cmocka_unit_test(the_cooldown_holds_back_a_second_alert),
		cmocka_unit_test(snapshots_of_different_shapes_are_incomparable),
		cmocka_unit_test(without_a_baseline_there_is_no_verdict),
		cmocka_unit_test(a_count_falling_to_zero_is_treated_as_missing),
		cmocka_unit_test(verdict_statuses_have_report_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
