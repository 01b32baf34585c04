/* Unit tests for src/campaign.c: campaign names, mute reasons and campaign totals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "campaign.h"

#define ERR_SIZE 512

static void expect_name(const char *raw, const char *want)
{
	char out[CAMPAIGN_BUF_SIZE], err[ERR_SIZE] = "";

	if (campaign_normalize(raw, out, err, sizeof(err)) != 0)
		fail_msg("'%s' was rejected: %s", raw, err);
	assert_string_equal(out, want);
}

/* Rejected, with frag (when given) in a one-line message. */
static void expect_refused(const char *raw, const char *frag)
{
	char out[CAMPAIGN_BUF_SIZE] = "stale", err[ERR_SIZE] = "";

	if (campaign_normalize(raw, out, err, sizeof(err)) == 0)
		fail_msg("'%s' was accepted as '%s'", raw, out);
	assert_string_equal(out, "");
	assert_null(strchr(err, '\n'));
	if (frag && !strstr(err, frag))
		fail_msg("error for '%s' lacks \"%s\": %s", raw, frag, err);
}

static void campaign_normalize_trims_keeps_case_and_composes(void **state)
{
	(void)state;
	expect_name("  Spring Sale 2026 ", "Spring Sale 2026");
	expect_name("client-a/launch_#1", "client-a/launch_#1");
	expect_name("cafe\xcc\x81", "caf\xc3\xa9");                /* NFC: one campaign */
	expect_name("\xe6\x98\xa5\xe3\x81\xae\xe3\x82\xbb\xe3\x83\xbc\xe3\x83\xab", /* 春のセール */
		    "\xe6\x98\xa5\xe3\x81\xae\xe3\x82\xbb\xe3\x83\xbc\xe3\x83\xab");
	expect_name("___", "___");
	/* an emoji with its variation selector, and a ZWJ family */
	expect_name("\xe2\x98\x80\xef\xb8\x8f promo", "\xe2\x98\x80\xef\xb8\x8f promo");
	expect_name("\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7",
		    "\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7");
}

static void campaign_normalize_names_the_offending_character(void **state)
{
	(void)state;
	expect_refused("", "empty campaign");
	expect_refused("   ", "empty campaign");
	expect_refused("a,b", "invalid character ',' at position 2");
	expect_refused("a,b", "commas");
	expect_refused("x;y", "';'");
	expect_refused("tab\there", "U+0009 (a control character) at position 4");
	expect_refused("bell\x07", "U+0007 (a control character)");
	expect_refused("evil\xe2\x80\xaeno", "U+202E (an invisible format character)");
	expect_refused("zero\xe2\x80\x8bwidth", "U+200B");
	expect_refused("no\xc2\xa0" "break", "U+00A0 (a space other than ' ')");
	expect_refused("line\xe2\x80\xa8" "sep", "U+2028 (a line break)");
	expect_refused("private\xee\x80\x80", "U+E000 (a private-use character)");
	expect_refused("c1\xc2\x85", "U+0085 (a control character)");
}

static void campaign_normalize_refuses_invalid_utf8_naming_its_byte(void **state)
{
	(void)state;
	expect_refused("ab\xff", "invalid UTF-8 at byte 3");
	expect_refused("\xc0\xaf", "invalid UTF-8 at byte 1");      /* overlong '/' */
	expect_refused("\xed\xa0\x80", "invalid UTF-8 at byte 1");  /* a surrogate */
	/* the message never quotes the invalid bytes */
	{
		char out[CAMPAIGN_BUF_SIZE], err[ERR_SIZE];

		assert_int_equal(campaign_normalize("ok\x07\xff", out, err, sizeof(err)), -1);
		assert_null(strchr(err, '\xff'));
	}
}

static void campaign_normalize_counts_characters_not_bytes(void **state)
{
	char raw[CAMPAIGN_BUF_SIZE + 8];
	size_t i;

	(void)state;
	/* 64 four-byte characters fit exactly; 65 do not */
	for (i = 0; i < CAMPAIGN_MAX_CHARS; i++)
		memcpy(raw + 4 * i, "\xf0\x9f\x94\xa5", 4);
	raw[4 * i] = '\0';
	expect_name(raw, raw);
	memset(raw, 'x', CAMPAIGN_MAX_CHARS + 1);
	raw[CAMPAIGN_MAX_CHARS + 1] = '\0';
	expect_refused(raw, "too long: 65 characters, at most 64");
	/* a decomposed name is counted once composed */
	for (i = 0; i < CAMPAIGN_MAX_CHARS; i++)
		memcpy(raw + 3 * i, "e\xcc\x81", 3);
	raw[3 * i] = '\0';
	{
		char out[CAMPAIGN_BUF_SIZE], err[ERR_SIZE];

		assert_int_equal(campaign_normalize(raw, out, err, sizeof(err)), 0);
		assert_int_equal(strlen(out), 2 * CAMPAIGN_MAX_CHARS);
	}
}

static void mute_reason_allows_commas_and_bounds_its_length(void **state)
{
	char out[MUTE_REASON_BUF_SIZE], err[ERR_SIZE], raw[MUTE_REASON_MAX_CHARS * 4 + 8];
	size_t i;

	(void)state;
	assert_int_equal(mute_reason_normalize(" promo, known; expected ", out, err, sizeof(err)), 0);
	assert_string_equal(out, "promo, known; expected");
	assert_int_equal(mute_reason_normalize("two\nlines", out, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "U+000A"));
	assert_non_null(strstr(err, "mute reason"));
	for (i = 0; i < MUTE_REASON_MAX_CHARS; i++)
		memcpy(raw + 4 * i, "\xf0\x9f\x94\xa5", 4);
	raw[4 * i] = '\0';
	assert_int_equal(mute_reason_normalize(raw, out, err, sizeof(err)), 0);
	memcpy(raw + 4 * i, "!", 2);
	assert_int_equal(mute_reason_normalize(raw, out, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "at most 60"));
}

static void count_sum_adds_known_counts_and_counts_the_unknown(void **state)
{
	struct count_sum s = { 0 };
	char text[COUNT_SUM_TEXT_SIZE];

	(void)state;
	count_sum_text(&s, false, text, sizeof(text));
	assert_string_equal(text, "");          /* nothing known: no total, never 0 */
	count_sum_add(&s, false, 0);
	assert_false(count_sum_has(&s));
	count_sum_text(&s, false, text, sizeof(text));
	assert_string_equal(text, "");
	count_sum_add(&s, true, 1200);
	count_sum_add(&s, true, 34);
	assert_true(count_sum_has(&s));
	assert_int_equal(s.sum, 1234);
	count_sum_text(&s, false, text, sizeof(text));
	assert_string_equal(text, "1,234 (2 of 3)");
	count_sum_text(&s, true, text, sizeof(text));
	assert_string_equal(text, "+1,234 (2 of 3)");
}

static void count_sum_shows_a_complete_sum_plainly_and_signs_deltas(void **state)
{
	struct count_sum s = { 0 };
	char text[COUNT_SUM_TEXT_SIZE];

	(void)state;
	count_sum_add(&s, true, 500);
	count_sum_add(&s, true, -700);
	count_sum_text(&s, true, text, sizeof(text));
	assert_string_equal(text, "-200");
	count_sum_add(&s, true, 200);
	count_sum_text(&s, true, text, sizeof(text));
	assert_string_equal(text, "0");
}

static void count_sum_overflow_is_no_total(void **state)
{
	struct count_sum s = { 0 };
	char text[COUNT_SUM_TEXT_SIZE];

	(void)state;
	count_sum_add(&s, true, INT64_MAX);
	count_sum_add(&s, true, 1);
	assert_true(s.overflow);
	assert_false(count_sum_has(&s));
	count_sum_text(&s, false, text, sizeof(text));
	assert_string_equal(text, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(campaign_normalize_trims_keeps_case_and_composes),
		cmocka_unit_test(campaign_normalize_names_the_offending_character),
		cmocka_unit_test(campaign_normalize_refuses_invalid_utf8_naming_its_byte),
		cmocka_unit_test(campaign_normalize_counts_characters_not_bytes),
		cmocka_unit_test(mute_reason_allows_commas_and_bounds_its_length),
		cmocka_unit_test(count_sum_adds_known_counts_and_counts_the_unknown),
		cmocka_unit_test(count_sum_shows_a_complete_sum_plainly_and_signs_deltas),
		cmocka_unit_test(count_sum_overflow_is_no_total),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
