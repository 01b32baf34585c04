/* Tests for src/schedule.c: due times, the hot/cold switch and the daily credit cap. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "schedule.h"

#define H 3600
#define T0 1779429600           /* 2026-05-22T06:00:00Z */

static const struct schedule_config sched = {
	.adaptive = true, .hot_every = H, .cold_every = 6 * H,
};

static struct schedule_tag tag_at(size_t index, int64_t last, bool hot, double heat)
{
	return (struct schedule_tag){ .index = index, .has_last = true, .last_ts = last,
				      .added_at = T0 - 30 * 24 * H, .hot = hot, .heat = heat };
}

static void a_cold_tag_is_due_six_hours_after_its_last_snapshot(void **state)
{
	struct schedule_tag t = tag_at(0, T0, false, 0);

	(void)state;
	assert_int_equal(schedule_next_due(&sched, &t), T0 + 6 * H);
	assert_false(schedule_is_due(&sched, &t, T0 + H));
	assert_false(schedule_is_due(&sched, &t, T0 + 5 * H));
	assert_true(schedule_is_due(&sched, &t, T0 + 6 * H));
	assert_true(schedule_is_due(&sched, &t, T0 + 9 * H));
}

static void a_hot_tag_is_due_every_hour(void **state)
{
	struct schedule_tag t = tag_at(0, T0, true, 0.6);

	(void)state;
	assert_int_equal(schedule_next_due(&sched, &t), T0 + H);
	assert_false(schedule_is_due(&sched, &t, T0 + 30 * 60));
	assert_true(schedule_is_due(&sched, &t, T0 + H));
}

static void a_run_a_little_early_or_the_last_one_late_still_counts(void **state)
{
	/* The 06:00 run stored at 06:03; the 12:00 run starts on time. */
	struct schedule_tag cold = tag_at(0, T0 + 180, false, 0);
	struct schedule_tag hot = tag_at(1, T0 + 180, true, 0.7);

	(void)state;
	assert_true(schedule_is_due(&sched, &cold, T0 + 6 * H));
	assert_true(schedule_is_due(&sched, &hot, T0 + H));
	/* a twelfth of the interval, no more */
	assert_false(schedule_is_due(&sched, &cold, T0 + 6 * H - 31 * 60));
	assert_false(schedule_is_due(&sched, &hot, T0 + H - 6 * 60));
}

static void a_tag_never_fetched_is_due_since_it_was_added(void **state)
{
	struct schedule_tag t = { .added_at = T0 };

	(void)state;
	assert_int_equal(schedule_next_due(&sched, &t), T0);
	assert_true(schedule_is_due(&sched, &t, T0));
}

static void the_budget_is_what_the_day_leaves(void **state)
{
	struct schedule_config capped = sched;

	(void)state;
	assert_int_equal(schedule_budget(&sched, 1000), -1);
	capped.max_credits_per_day = 100;
	assert_int_equal(schedule_budget(&capped, 0), 100);
	assert_int_equal(schedule_budget(&capped, 97), 3);
	assert_int_equal(schedule_budget(&capped, 100), 0);
	assert_int_equal(schedule_budget(&capped, 130), 0);
}

static void without_a_cap_every_due_tag_is_fetched_and_the_rest_wait_their_turn(void **state)
{
	struct schedule_tag t[4] = {
		tag_at(0, T0 - 2 * H, false, 0),        /* not due */
		tag_at(1, T0 - 7 * H, false, 0),        /* due */
		tag_at(2, T0 - 2 * H, true, 0.5),       /* due */
		tag_at(3, T0 - 30 * 60, true, 0.9),     /* not due */
	};
	size_t due, fetch;

	(void)state;
	assert_int_equal(schedule_plan(&sched, T0, false, -1, t, 4, &due, &fetch), 0);
	assert_int_equal(due, 2);
	assert_int_equal(fetch, 2);
	assert_int_equal(t[0].index, 2);
	assert_int_equal(t[1].index, 1);
	assert_int_equal(t[2].index, 0);
	assert_int_equal(t[3].index, 3);
}

static void all_makes_every_tag_due(void **state)
{
	struct schedule_tag t[2] = { tag_at(0, T0, false, 0), tag_at(1, T0, true, 0.5) };
	size_t due, fetch;

	(void)state;
	assert_int_equal(schedule_plan(&sched, T0, true, -1, t, 2, &due, &fetch), 0);
	assert_int_equal(due, 2);
	assert_int_equal(fetch, 2);
}

static void under_the_cap_the_hottest_go_first_then_the_longest_due(void **state)
{
	struct schedule_tag t[6] = {
		tag_at(0, T0 - 7 * H, false, 0),        /* due 1 h ago */
		tag_at(1, T0 - 20 * H, false, 0),       /* due 14 h ago */
		tag_at(2, T0 - 2 * H, true, 0.55),
		tag_at(3, T0 - 3 * H, true, 1.4),       /* firing */
		tag_at(4, T0 - H, true, 0.8),
		tag_at(5, T0 - H, false, 0),            /* not due */
	};
	static const size_t want[] = { 3, 4, 2, 1, 0, 5 };
	size_t due, fetch;

	(void)state;
	assert_int_equal(schedule_plan(&sched, T0, false, 4, t, 6, &due, &fetch), 0);
	assert_int_equal(due, 5);
	assert_int_equal(fetch, 4);
	for (size_t i = 0; i < 6; i++)
		assert_int_equal(t[i].index, want[i]);
}

static void a_spent_cap_fetches_nothing(void **state)
{
	struct schedule_tag t[2] = { tag_at(0, T0 - 7 * H, false, 0), tag_at(1, T0 - H, true, 2) };
	size_t due, fetch;

	(void)state;
	assert_int_equal(schedule_plan(&sched, T0, false, 0, t, 2, &due, &fetch), 0);
	assert_int_equal(due, 2);
	assert_int_equal(fetch, 0);
}

static void no_tags_plan_to_nothing(void **state)
{
	size_t due = 9, fetch = 9;

	(void)state;
	assert_int_equal(schedule_plan(&sched, T0, false, -1, NULL, 0, &due, &fetch), 0);
	assert_int_equal(due, 0);
	assert_int_equal(fetch, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_cold_tag_is_due_six_hours_after_its_last_snapshot),
		cmocka_unit_test(a_hot_tag_is_due_every_hour),
		cmocka_unit_test(a_run_a_little_early_or_the_last_one_late_still_counts),
		cmocka_unit_test(a_tag_never_fetched_is_due_since_it_was_added),
		cmocka_unit_test(the_budget_is_what_the_day_leaves),
		cmocka_unit_test(without_a_cap_every_due_tag_is_fetched_and_the_rest_wait_their_turn),
		cmocka_unit_test(all_makes_every_tag_due),
		cmocka_unit_test(under_the_cap_the_hottest_go_first_then_the_longest_due),
		cmocka_unit_test(a_spent_cap_fetches_nothing),
		cmocka_unit_test(no_tags_plan_to_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
