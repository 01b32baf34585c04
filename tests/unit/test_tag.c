/* Unit tests for src/tag.c: normalisation, validation messages and the link. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tag.h"

#define ERR_SIZE 512

/* prefix, then n copies of the UTF-8 character ch, then suffix, in buf. */
static const char *build(char *buf, size_t bufsz, const char *prefix, const char *ch,
			 size_t n, const char *suffix)
{
	size_t len = strlen(ch), pos = strlen(prefix), i;

	assert_true(pos + n * len + strlen(suffix) < bufsz);
	memcpy(buf, prefix, pos);
	for (i = 0; i < n; i++, pos += len)
		memcpy(buf + pos, ch, len);
	strcpy(buf + pos, suffix);
	return buf;
}

static void expect_tag(const char *raw, const char *want)
{
	char out[TAG_BUF_SIZE], err[ERR_SIZE] = "";

	if (tag_normalize(raw, out, err, sizeof(err)) != 0)
		fail_msg("'%s' was rejected: %s", raw, err);
	assert_string_equal(out, want);
}

/* Rejected, with every one of the fragments somewhere in the message. */
static void expect_error(const char *raw, const char *frag1, const char *frag2)
{
	char out[TAG_BUF_SIZE] = "stale", err[ERR_SIZE] = "";

	if (tag_normalize(raw, out, err, sizeof(err)) == 0)
		fail_msg("'%s' was accepted as '%s'", raw, out);
	assert_string_equal(out, "");
	assert_null(strchr(err, '\n'));
	if (frag1 && !strstr(err, frag1))
		fail_msg("error for '%s' lacks \"%s\": %s", raw, frag1, err);
	if (frag2 && !strstr(err, frag2))
		fail_msg("error for '%s' lacks \"%s\": %s", raw, frag2, err);
}

static void tag_normalize_accepts_and_canonicalises_valid_tags(void **state)
{
	static const struct {
		const char *raw, *want;
	} cases[] = {
		{ "  #VibeCoding ", "vibecoding" },
		{ "##ai_tools", "ai_tools" },
		{ "#日本", "日本" },
		{ "café", "café" },
		{ "CAFÉ", "café" },		/* full Unicode case folding */
		{ "ÉTÉ", "été" },
		{ "STRASSE", "strasse" },
		{ "Straße", "strasse" },		/* folding may lengthen */
		{ "ΣΟΦΙΑ", "σοφια" },
		{ "ΌΛΑ", "όλα" },
		{ "\xEF\xBC\xA1", "\xEF\xBD\x81" },	/* full-width A folds to full-width a */
		{ "\t#Tag2024\n", "tag2024" },
		{ "_", "_" },
		{ "2024", "2024" },
		{ "ไทย", "ไทย" },
		{ "น่ารัก", "น่ารัก" },		/* Thai tone mark after a letter */
		{ "cafe\xCC\x81", "caf\xC3\xA9" },	/* decomposed accent, composed by NFC */
		{ "CAFE\xCC\x81", "caf\xC3\xA9" },
		{ "a\xCC\x81\xCC\xA3", "\xE1\xBA\xA1\xCC\x81" },	/* marks reordered, then composed */
		{ "x\xCC\x81", "x\xCC\x81" },	/* a mark with nothing to compose with stays */
		{ "हिंदी", "हिंदी" },
		{ "Москва", "москва" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_tag(cases[i].raw, cases[i].want);
}

static void tag_normalize_strips_leading_hashes(void **state)
{
	(void)state;
	expect_tag("###trend", "trend");
	expect_error("tr#end", "'#'", "position 3");
}

static void tag_normalize_rejects_empty_input(void **state)
{
	static const char *const cases[] = { "", "   ", "#", "###", " # " };
	char out[TAG_BUF_SIZE], err[ERR_SIZE];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(tag_normalize(cases[i], out, err, sizeof(err)), -1);
		assert_string_equal(err, "empty hashtag");
	}
}

static void tag_normalize_names_the_offending_character(void **state)
{
	static const struct {
		const char *raw, *frag1, *frag2;
	} cases[] = {
		{ "a-b", "invalid character '-' at position 2 in 'a-b'", NULL },
		{ "foo!", "invalid character '!' at position 4 in 'foo!'", NULL },
		{ "#Foo.Bar", "'.'", "in 'Foo.Bar'" },
		{ "foo\x01", "U+0001", "position 4" },
		{ "a\x7f", "U+007F", "'a\\x7F'" },
		{ "a\xC2\x85", "U+0085", "'a\\u0085'" },	/* C1 control, shown escaped */
		{ "emoji 🚀", "'🚀' (U+1F680)", "position 7" },
		{ "🚀", "'🚀' (U+1F680)", "position 1" },
		{ "a\xE2\x80\x8D" "b", "U+200D", "position 2" },	/* zero-width joiner */
		{ "日本。", "U+3002", "position 3" },
		{ "a\xC2\xA0" "b", "U+00A0", NULL },		/* no-break space is no letter */
		{ "\xCC\x81" "a", "U+0301", "position 1" },	/* a mark needs a base */
		{ "1\xE2\x83\xA3", "U+20E3", "position 2" },	/* nor does a digit carry one */
		{ "a\xEF\xB8\x8F", "U+FE0F", "position 2" },	/* invisible variation selector */
		{ "\xD9\xA3", "U+0663", "position 1" },	/* non-ASCII digits are no letters */
		{ "a b!", "'!'", "position 4" },		/* the worse fault first */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_error(cases[i].raw, cases[i].frag1, cases[i].frag2);
}

static void tag_normalize_suggests_the_joined_form_for_spaces(void **state)
{
	(void)state;
	expect_error("vibe coding", "did you mean 'vibecoding'", "position 5");
	expect_error("  #Vibe  Coding ", "did you mean 'vibecoding'", "' ' (space)");
	expect_error("日本 東京", "did you mean '日本東京'", NULL);
	expect_error("a b", "did you mean 'ab'", NULL);
	expect_error("Café Crème", "did you mean 'cafécrème'", NULL);
}

static void tag_normalize_does_not_suggest_an_over_long_join(void **state)
{
	char raw[256], out[TAG_BUF_SIZE], err[ERR_SIZE];

	(void)state;
	build(raw, sizeof(raw), "x ", "a", 100, "");
	assert_int_equal(tag_normalize(raw, out, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "' ' (space)"));
	assert_null(strstr(err, "did you mean"));
}

static void tag_normalize_rejects_invalid_utf8_with_its_byte(void **state)
{
	static const struct {
		const char *raw, *frag;
	} cases[] = {
		{ "\xff", "invalid UTF-8 at byte 1 in '\\xFF'" },
		{ "ab\x80", "invalid UTF-8 at byte 3" },		/* stray continuation */
		{ "ab\xC3", "invalid UTF-8 at byte 3" },		/* truncated */
		{ "\xE6\x97", "invalid UTF-8 at byte 1" },		/* truncated */
		{ "a\xC0\xAF", "invalid UTF-8 at byte 2" },		/* overlong '/' */
		{ "\xE0\x80\xAF", "invalid UTF-8 at byte 1" },	/* overlong, 3 bytes */
		{ "\xF0\x80\x80\xAF", "invalid UTF-8 at byte 1" },	/* overlong, 4 bytes */
		{ "a\xED\xA0\x80", "invalid UTF-8 at byte 2" },	/* surrogate U+D800 */
		{ "\xF4\x90\x80\x80", "invalid UTF-8 at byte 1" },	/* U+110000 */
		{ "\xF8\x88\x80\x80\x80", "invalid UTF-8 at byte 1" },	/* 5-byte form */
		{ "#日\xE6\x97", "invalid UTF-8 at byte 4" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_error(cases[i].raw, cases[i].frag, NULL);
}

static void tag_normalize_counts_characters_not_bytes(void **state)
{
	char raw[512], out[TAG_BUF_SIZE], err[ERR_SIZE];

	(void)state;
	expect_tag(build(raw, sizeof(raw), "", "a", 100, ""), raw);
	build(raw, sizeof(raw), "", "日", 100, "");
	assert_int_equal(tag_normalize(raw, out, err, sizeof(err)), 0);
	assert_string_equal(out, raw);
	assert_int_equal(strlen(out), 300);
	/* U+20000, a CJK extension B ideograph: four bytes, the worst case. */
	build(raw, sizeof(raw), "", "\xF0\xA0\x80\x80", 100, "");
	assert_int_equal(tag_normalize(raw, out, err, sizeof(err)), 0);
	assert_string_equal(out, raw);
	assert_int_equal(strlen(out), 400);
	build(raw, sizeof(raw), "", "\xF0\xA0\x80\x80", 101, "");
	expect_error(raw, "101 characters", NULL);
}

static void tag_normalize_counts_characters_once_composed(void **state)
{
	char raw[512], want[512];

	(void)state;
	/* 100 decomposed é are 200 code points typed, 100 characters once composed */
	build(want, sizeof(want), "", "\xC3\xA9", 100, "");
	expect_tag(build(raw, sizeof(raw), "", "e\xCC\x81", 100, ""), want);
	/* 60 ß fold to 120 s: too long */
	expect_error(build(raw, sizeof(raw), "", "\xC3\x9F", 60, ""), "120 characters", NULL);
}

static void tag_normalize_rejects_more_than_100_characters(void **state)
{
	char raw[512], want[512];

	(void)state;
	expect_error(build(raw, sizeof(raw), "", "a", 101, ""),
		     "too long: 101 characters, at most 100", "...");
	expect_error(build(raw, sizeof(raw), "", "日", 101, ""), "101 characters, at most 100", NULL);
	build(want, sizeof(want), "", "x", 100, "");
	expect_tag(build(raw, sizeof(raw), " #", "X", 100, " "), want);
}

static void tag_normalize_keeps_long_input_messages_short(void **state)
{
	char out[TAG_BUF_SIZE], err[ERR_SIZE];
	char raw[2048];

	(void)state;
	build(raw, sizeof(raw), "", "a", 1000, "!");
	assert_int_equal(tag_normalize(raw, out, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "position 1001"));
	assert_true(strlen(err) < 200);
}

static void tag_normalize_truncates_to_a_small_error_buffer(void **state)
{
	char out[TAG_BUF_SIZE], err[8];

	(void)state;
	assert_int_equal(tag_normalize("a-b", out, err, sizeof(err)), -1);
	assert_string_equal(err, "invalid");
}

static void tag_url_percent_encodes_everything_but_unreserved_bytes(void **state)
{
	static const struct {
		const char *tag, *url;
	} cases[] = {
		{ "vibecoding", "https://www.tiktok.com/tag/vibecoding" },
		{ "ai_tools", "https://www.tiktok.com/tag/ai_tools" },
		{ "日本", "https://www.tiktok.com/tag/%E6%97%A5%E6%9C%AC" },
		{ "café", "https://www.tiktok.com/tag/caf%C3%A9" },
		{ "a.b~c-d", "https://www.tiktok.com/tag/a.b~c-d" },
		{ "a b/c?#%", "https://www.tiktok.com/tag/a%20b%2Fc%3F%23%25" },
		{ "", "https://www.tiktok.com/tag/" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *url = tag_url(cases[i].tag);

		assert_non_null(url);
		assert_string_equal(url, cases[i].url);
		free(url);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tag_normalize_accepts_and_canonicalises_valid_tags),
		cmocka_unit_test(tag_normalize_strips_leading_hashes),
		cmocka_unit_test(tag_normalize_rejects_empty_input),
		cmocka_unit_test(tag_normalize_names_the_offending_character),
		cmocka_unit_test(tag_normalize_suggests_the_joined_form_for_spaces),
		cmocka_unit_test(tag_normalize_does_not_suggest_an_over_long_join),
		cmocka_unit_test(tag_normalize_rejects_invalid_utf8_with_its_byte),
		cmocka_unit_test(tag_normalize_counts_characters_not_bytes),
		cmocka_unit_test(tag_normalize_counts_characters_once_composed),
		cmocka_unit_test(tag_normalize_rejects_more_than_100_characters),
		cmocka_unit_test(tag_normalize_keeps_long_input_messages_short),
		cmocka_unit_test(tag_normalize_truncates_to_a_small_error_buffer),
		cmocka_unit_test(tag_url_percent_encodes_everything_but_unreserved_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
