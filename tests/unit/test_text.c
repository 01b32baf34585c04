/* Tests for src/text.c: trimming and quoting input for messages. */
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(trim_drops_surrounding_white_space_only),
		cmocka_unit_test(quote_replaces_control_bytes_and_cuts_long_text),
		cmocka_unit_test(mask_secret_hides_every_occurrence_and_nothing_else),
		cmocka_unit_test(mask_secret_reads_past_nul_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
