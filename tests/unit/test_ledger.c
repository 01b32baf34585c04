/* Tests for src/ledger.c: the schedule's interval and the credits spent, from the runs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "ledger.h"

#define H 3600
#define DAY 86400
/* 2026-05-22T00:00:00Z */
#define T0 1779408000

static struct run_row at(int64_t t)
{
	return (struct run_row){ .started_at = t, .finished_at = t };
}

static void the_interval_is_the_median_gap_between_runs(void **state)
{
	struct run_row runs[] = { at(T0), at(T0 + 6 * H), at(T0 + 12 * H), at(T0 + 19 * H),
				  at(T0 + 24 * H) };

	(void)state;
	assert_int_equal(ledger_interval(runs, 5, 123), 6 * H);
}

static void too_few_runs_fall_back(void **state)
{
	struct run_row runs[] = { at(T0), at(T0 + H), at(T0 + 2 * H) };

	(void)state;
	assert_int_equal(ledger_interval(runs, 3, 6 * H), 6 * H);
	assert_int_equal(ledger_interval(NULL, 0, 6 * H), 6 * H);
}

static void runs_started_by_hand_right_after_another_are_not_the_schedule(void **state)
{
	struct run_row runs[] = { at(T0), at(T0 + 10), at(T0 + 20), at(T0 + H), at(T0 + H + 5),
				  at(T0 + 2 * H), at(T0 + 3 * H) };

	(void)state;
	/* gaps of 10 s, 10 s and 5 s are left out: 3580, 3595, 3600 remain */
	assert_int_equal(ledger_interval(runs, 7, 6 * H), 3595);
}

static void only_the_last_runs_count(void **state)
{
	struct run_row runs[20];

	(void)state;
	/* ten runs 6 h apart, then eleven an hour apart: the schedule is hourly now */
	for (int i = 0; i < 9; i++)
		runs[i] = at(T0 + i * 6 * H);
	for (int i = 9; i < 20; i++)
		runs[i] = at(T0 + 8 * 6 * H + (i - 8) * H);
	assert_int_equal(ledger_interval(runs, 20, 6 * H), H);
}

static void spend_sums_credits_used_over_the_last_week(void **state)
{
	struct run_row runs[8];
	struct ledger_spend sp;

	(void)state;
	for (int i = 0; i < 8; i++) {
		runs[i] = at(T0 + i * DAY);
		runs[i].has_credits_used = true;
		runs[i].credits_used = 10;
	}
	runs[7].has_credits_remaining = true;
	runs[7].credits_remaining = 35;
	/* now = the last run: the week after run 0 holds runs 1..7 */
	ledger_spend(runs, 8, T0 + 7 * DAY, &sp);
	assert_true(sp.known);
	assert_true(sp.per_day > 9.99 && sp.per_day < 10.01);   /* 70 over 7 days */
	assert_true(sp.has_days_left);
	assert_true(sp.days_left > 3.49 && sp.days_left < 3.51);
}

static void spend_falls_back_to_drops_in_credits_remaining(void **state)
{
	struct run_row runs[4] = { at(T0), at(T0 + DAY), at(T0 + 2 * DAY), at(T0 + 3 * DAY) };
	const int64_t left[] = { 1000, 980, 5000, 4980 };       /* a top-up between 2 and 3 */
	struct ledger_spend sp;

	(void)state;
	for (int i = 0; i < 4; i++) {
		runs[i].has_credits_remaining = true;
		runs[i].credits_remaining = left[i];
	}
	ledger_spend(runs, 4, T0 + 3 * DAY, &sp);
	assert_true(sp.known);
	/* 20 + 0 + 20 over 3 days */
	assert_true(sp.per_day > 13.3 && sp.per_day < 13.4);
}

static void no_credits_said_means_unknown_spend_not_zero(void **state)
{
	struct run_row runs[2] = { at(T0), at(T0 + DAY) };
	struct ledger_spend sp;

	(void)state;
	ledger_spend(runs, 2, T0 + DAY, &sp);
	assert_false(sp.known);
	assert_false(sp.has_days_left);
}

static void the_month_projection_adds_the_rest_of_the_month_at_the_daily_spend(void **state)
{
	/* 2026-05-22: 10 days left in May after the run at midnight */
	struct run_row runs[2] = { at(T0 - DAY), at(T0) };
	struct ledger_spend sp;

	(void)state;
	runs[0].has_credits_used = runs[1].has_credits_used = true;
	runs[0].credits_used = runs[1].credits_used = 50;
	ledger_spend(runs, 2, T0, &sp);
	assert_int_equal(sp.month_spent, 100);
	assert_true(sp.per_day > 99.9 && sp.per_day < 100.1);
	assert_int_equal(sp.month_projected, 100 + 10 * 100);
	assert_int_equal(ledger_month_start(T0), T0 - 21 * DAY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_interval_is_the_median_gap_between_runs),
		cmocka_unit_test(too_few_runs_fall_back),
		cmocka_unit_test(runs_started_by_hand_right_after_another_are_not_the_schedule),
		cmocka_unit_test(only_the_last_runs_count),
		cmocka_unit_test(spend_sums_credits_used_over_the_last_week),
		cmocka_unit_test(spend_falls_back_to_drops_in_credits_remaining),
		cmocka_unit_test(no_credits_said_means_unknown_spend_not_zero),
		cmocka_unit_test(the_month_projection_adds_the_rest_of_the_month_at_the_daily_spend),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
