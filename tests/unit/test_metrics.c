/* Tests for src/metrics.c: Prometheus text, escaped labels, unknowns left out. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"

static void label_values_escape_backslash_quote_and_newline(void **state)
{
	char out[64];

	(void)state;
	assert_string_equal(metrics_escape_label("a\\b\"c\nd", out, sizeof(out)),
			    "a\\\\b\\\"c\\nd");
	assert_string_equal(metrics_escape_label("日本_café", out, sizeof(out)), "日本_café");
}

static void a_long_label_is_cut_between_characters(void **state)
{
	char out[6];

	(void)state;
	/* "日" is 3 bytes: two do not fit in 5, so only one is kept. */
	assert_string_equal(metrics_escape_label("日本", out, sizeof(out)), "日");
	/* an escape is never cut in half */
	assert_string_equal(metrics_escape_label("abcd\"", out, sizeof(out)), "abcd");
}

static struct metrics sample(const struct metrics_tag *tags, size_t n)
{
	struct metrics m = {
		.last_run = 1779408000, .has_last_success = true, .last_success = 1779386400,
		.duration_s = 1.5, .exit = 0, .tags_by_status = { 1, 2, 0, 0 },
		.has_credits_remaining = true, .credits_remaining = 4200,
		.alerts_by_event = { 3, 1, 2 }, .tags = tags, .ntags = n,
	};

	return m;
}

static void every_family_has_help_type_and_its_samples(void **state)
{
	const struct metrics_tag tags[] = {
		{ "日本_テスト", 12, 3400, true, 4.25 },
		{ "vibe_coding", 7, 900, false, 0 },
	};
	struct metrics m = sample(tags, 2);
	char *text = metrics_format(&m);

	(void)state;
	assert_non_null(text);
	assert_non_null(strstr(text, "# HELP hashtrack_last_run_timestamp_seconds "));
	assert_non_null(strstr(text, "# TYPE hashtrack_last_run_timestamp_seconds gauge\n"
				     "hashtrack_last_run_timestamp_seconds 1779408000\n"));
	assert_non_null(strstr(text, "hashtrack_last_success_timestamp_seconds 1779386400\n"));
	assert_non_null(strstr(text, "hashtrack_run_duration_seconds 1.500\n"));
	assert_non_null(strstr(text, "hashtrack_tags{status=\"ok\"} 2\n"));
	assert_non_null(strstr(text, "hashtrack_tags{status=\"error\"} 0\n"));
	assert_non_null(strstr(text, "hashtrack_credits_remaining 4200\n"));
	assert_non_null(strstr(text, "# TYPE hashtrack_alerts_total counter\n"));
	assert_non_null(strstr(text, "hashtrack_alerts_total{event=\"calmed\"} 2\n"));
	assert_non_null(strstr(text, "hashtrack_hashtag_views{hashtag=\"日本_テスト\"} 3400\n"));
	assert_non_null(strstr(text, "hashtrack_hashtag_videos{hashtag=\"vibe_coding\"} 7\n"));
	assert_non_null(strstr(text, "hashtrack_hashtag_pace_ratio{hashtag=\"日本_テスト\"} 4.25\n"));
	/* no pace for vibe_coding: no sample, not a 0 */
	assert_null(strstr(text, "hashtrack_hashtag_pace_ratio{hashtag=\"vibe_coding\"}"));
	free(text);
}

static void unknown_figures_have_no_sample_and_empty_families_no_header(void **state)
{
	const struct metrics_tag tags[] = { { "quiet", COUNT_UNKNOWN, 500, false, 0 } };
	struct metrics m = sample(tags, 1);
	char *text;

	(void)state;
	m.has_credits_remaining = false;
	m.has_last_success = false;
	text = metrics_format(&m);
	assert_non_null(text);
	assert_null(strstr(text, "hashtrack_credits_remaining"));
	assert_null(strstr(text, "hashtrack_last_success_timestamp_seconds"));
	assert_null(strstr(text, "hashtrack_hashtag_videos"));
	assert_null(strstr(text, "hashtrack_hashtag_pace_ratio"));
	assert_non_null(strstr(text, "hashtrack_hashtag_views{hashtag=\"quiet\"} 500\n"));
	assert_null(strstr(text, " 0\nhashtrack_hashtag"));
	free(text);
}

static void the_text_ends_with_a_newline(void **state)
{
	struct metrics m = sample(NULL, 0);
	char *text = metrics_format(&m);

	(void)state;
	assert_non_null(text);
	assert_true(strlen(text) > 0 && text[strlen(text) - 1] == '\n');
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(label_values_escape_backslash_quote_and_newline),
		cmocka_unit_test(a_long_label_is_cut_between_characters),
		cmocka_unit_test(every_family_has_help_type_and_its_samples),
		cmocka_unit_test(unknown_figures_have_no_sample_and_empty_families_no_header),
		cmocka_unit_test(the_text_ends_with_a_newline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
