/* Tests for src/sparkline.c: eight heights, scaled to the series' own range. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "sparkline.h"

static void a_rising_series_climbs_from_lowest_to_full_block(void **state)
{
	const int64_t v[] = { 0, 1, 2, 3, 4, 5, 6, 7 };
	char buf[64];

	(void)state;
	sparkline(v, 8, buf, sizeof(buf));
	assert_string_equal(buf, "▁▂▃▄▅▆▇█");
}

static void values_scale_to_their_own_range_not_to_zero(void **state)
{
	const int64_t v[] = { 1000000, 1000070, 1000035 };
	char buf[64];

	(void)state;
	sparkline(v, 3, buf, sizeof(buf));
	assert_string_equal(buf, "▁█▅");
}

static void a_flat_series_lies_at_the_bottom(void **state)
{
	const int64_t v[] = { 5, 5, 5 };
	char buf[64];

	(void)state;
	sparkline(v, 3, buf, sizeof(buf));
	assert_string_equal(buf, "▁▁▁");
}

static void nothing_to_draw_is_an_empty_string(void **state)
{
	char buf[8] = "junk";

	(void)state;
	sparkline(NULL, 0, buf, sizeof(buf));
	assert_string_equal(buf, "");
}

static void a_short_buffer_keeps_the_newest_values(void **state)
{
	const int64_t v[] = { 0, 7, 0, 7 };
	char buf[2 * SPARKLINE_CHAR_BYTES + 1];

	(void)state;
	sparkline(v, 4, buf, sizeof(buf));
	assert_string_equal(buf, "▁█");
	sparkline(v, 4, buf, 3);        /* room for no character */
	assert_string_equal(buf, "");
}

static void the_whole_int64_range_does_not_overflow(void **state)
{
	const int64_t v[] = { INT64_MIN, 0, INT64_MAX };
	char buf[64];

	(void)state;
	sparkline(v, 3, buf, sizeof(buf));
	assert_string_equal(buf, "▁▅█");
	assert_int_equal(sparkline_level(INT64_MAX - 1, 0, INT64_MAX), 7);
	assert_int_equal(sparkline_level(1, 0, INT64_MAX), 0);
}

static void a_steady_pace_from_zero_is_a_full_row_and_a_jump_stands_out(void **state)
{
	const int64_t steady[] = { 300, 299, 301, 300 };
	const int64_t jump[] = { 300, 300, 300, 3000 };
	char buf[64];

	(void)state;
	sparkline_from(steady, 4, 0, buf, sizeof(buf));
	assert_string_equal(buf, "\u2588\u2588\u2588\u2588");
	sparkline(steady, 4, buf, sizeof(buf));
	assert_string_equal(buf, "\u2585\u2581\u2588\u2585");
	sparkline_from(jump, 4, 0, buf, sizeof(buf));
	assert_string_equal(buf, "\u2582\u2582\u2582\u2588");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_steady_pace_from_zero_is_a_full_row_and_a_jump_stands_out),
		cmocka_unit_test(a_rising_series_climbs_from_lowest_to_full_block),
		cmocka_unit_test(values_scale_to_their_own_range_not_to_zero),
		cmocka_unit_test(a_flat_series_lies_at_the_bottom),
		cmocka_unit_test(nothing_to_draw_is_an_empty_string),
		cmocka_unit_test(a_short_buffer_keeps_the_newest_values),
		cmocka_unit_test(the_whole_int64_range_does_not_overflow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
