/* Tests for src/text.c: trimming and quoting input for messages. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(trim_drops_surrounding_white_space_only),
		cmocka_unit_test(quote_replaces_control_bytes_and_cuts_long_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
