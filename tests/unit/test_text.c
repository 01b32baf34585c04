/* Tests for src/text.c: trimming and quoting input for messages, cleaning network text. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "text.h"

static void trim_drops_surrounding_white_space_only(void **state)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "  6h\t\n", "6h" }, { "6 h", "6 h" }, { "", "" }, { " \r\v\f ", "" },
	};
	size_t len;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *p = text_trim(cases[i].in, &len);

		assert_int_equal(len, strlen(cases[i].out));
		assert_memory_equal(p, cases[i].out, len);
	}
}

static void quote_replaces_control_bytes_and_cuts_long_text(void **state)
{
	char buf[TEXT_QUOTE_SIZE], longer[TEXT_QUOTE_MAX + 2];

	(void)state;
	assert_string_equal(text_quote("a\x01" "b\x7f", 4, buf), "a?b?");
	assert_string_equal(text_quote("abc", 2, buf), "ab");
	memset(longer, 'x', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	text_quote(longer, strlen(longer), buf);
	assert_int_equal(strlen(buf), TEXT_QUOTE_MAX + 3);
	assert_string_equal(buf + TEXT_QUOTE_MAX, "...");
	text_quote(longer, TEXT_QUOTE_MAX, buf);
	assert_int_equal(strlen(buf), TEXT_QUOTE_MAX);
}

static void mask_secret_hides_every_occurrence_and_nothing_else(void **state)
{
	static const struct { const char *in, *secret, *out; } cases[] = {
		{ "bad key sk_live_1234", "sk_live_1234", "bad key ****" },
		{ "sk_live_1234 and sk_live_1234", "sk_live_1234", "**** and ****" },
		{ "sk_live_1234sk_live_1234", "sk_live_1234", "********" },
		{ "sk_live_123 is not it", "sk_live_1234", "sk_live_123 is not it" },
		{ "key abc here", "abc", "key *** here" },
		{ "nothing to hide", "", "nothing to hide" },
		{ "nothing to hide", NULL, "nothing to hide" },
		{ "", "sk_live_1234", "" },
	};
	char buf[64];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len;

		snprintf(buf, sizeof(buf), "%s", cases[i].in);
		len = text_mask_secret(buf, strlen(buf), cases[i].secret);
		assert_string_equal(buf, cases[i].out);
		assert_int_equal(len, strlen(cases[i].out));
	}
}

static void mask_secret_reads_past_nul_bytes(void **state)
{
	char buf[] = "a\0sk_live_1234\0b";
	size_t len;

	(void)state;
	len = text_mask_secret(buf, sizeof(buf) - 1, "sk_live_1234");
	assert_int_equal(len, 8);
	assert_memory_equal(buf, "a\0****\0b", 9);
}

#define FFFD "\xEF\xBF\xBD"

/* One row: len bytes of in (NULs allowed), the out buffer's size, what comes out. */
struct sanitize_case {
	const char *name;
	const char *in;
	size_t len;
	size_t outsz;
	const char *out;
	size_t consumed;
};

#define S(lit) lit, sizeof(lit) - 1

static const struct sanitize_case sanitize_cases[] = {
	{ "plain ASCII is kept", S("quota exceeded"), 64, "quota exceeded", 14 },
	{ "valid UTF-8 of every length is kept",
	  S("caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x94\xA5"), 64,
	  "caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x94\xA5", 17 },
	{ "white space becomes a space", S("a\tb\r\nc"), 64, "a b  c", 6 },
	{ "an escape sequence loses its escape", S("\x1B[31mred"), 64, FFFD "[31mred", 8 },
	{ "NUL and DEL are replaced", S("a\0b\x7F"), 64, "a" FFFD "b" FFFD, 4 },
	{ "C1 controls are replaced", S("x\xC2\x85y\xC2\x9B"), 64, "x" FFFD "y" FFFD, 6 },
	{ "U+00A0 is no control", S("\xC2\xA0"), 64, "\xC2\xA0", 2 },
	{ "a lone 0xFF", S("a\xFF" "b"), 64, "a" FFFD "b", 3 },
	{ "a stray continuation byte", S("\x80"), 64, FFFD, 1 },
	{ "a lead byte without its continuation", S("\xC3("), 64, FFFD "(", 2 },
	{ "a cut three-byte sequence is one replacement", S("\xE6\x97"), 64, FFFD, 2 },
	{ "... and so is one cut before a valid byte", S("\xE6\x97z"), 64, FFFD "z", 3 },
	{ "an overlong slash", S("\xC0\xAF"), 64, FFFD FFFD, 2 },
	{ "an overlong three-byte form", S("\xE0\x80\xAF"), 64, FFFD FFFD FFFD, 3 },
	{ "a UTF-16 surrogate", S("\xED\xA0\x80"), 64, FFFD FFFD FFFD, 3 },
	{ "above U+10FFFF", S("\xF4\x90\x80\x80"), 64, FFFD FFFD FFFD FFFD, 4 },
	{ "bytes that never start anything", S("\xF5\xFE"), 64, FFFD FFFD, 2 },
	{ "a cut never splits a character", S("\xC3\xA9\xC3\xA9"), 4, "\xC3\xA9", 2 },
	{ "nor a replacement", S("ab\xFF"), 5, "ab", 2 },
	{ "a one-byte buffer holds the empty string", S("abc"), 1, "", 0 },
	{ "empty input", S(""), 8, "", 0 },
};

static void network_text_becomes_valid_utf8_on_one_line(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(sanitize_cases) / sizeof(sanitize_cases[0]); i++) {
		const struct sanitize_case *c = &sanitize_cases[i];
		char out[64];
		size_t used;

		memset(out, 'Z', sizeof(out));
		used = text_sanitize_utf8(out, c->outsz, c->in, c->len);
		if (strcmp(out, c->out) != 0 || used != c->consumed)
			fail_msg("%s: got \"%s\" after %zu bytes, want \"%s\" after %zu", c->name,
				 out, used, c->out, c->consumed);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(trim_drops_surrounding_white_space_only),
		cmocka_unit_test(quote_replaces_control_bytes_and_cuts_long_text),
		cmocka_unit_test(mask_secret_hides_every_occurrence_and_nothing_else),
		cmocka_unit_test(mask_secret_reads_past_nul_bytes),
		cmocka_unit_test(network_text_becomes_valid_utf8_on_one_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
