/* Tests for src/retry.c: which failures are retried, and how long to wait. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "retry.h"

static void retries_only_rate_limits_and_transient_failures(void **state)
{
	(void)state;
	assert_true(retry_is_retryable(FETCH_RATE_LIMITED));
	assert_true(retry_is_retryable(FETCH_TRANSIENT));
	assert_false(retry_is_retryable(FETCH_OK));
	assert_false(retry_is_retryable(FETCH_NOT_FOUND));
	assert_false(retry_is_retryable(FETCH_BAD_REQUEST));
	assert_false(retry_is_retryable(FETCH_AUTH));
	assert_false(retry_is_retryable(FETCH_CREDITS));
	assert_false(retry_is_retryable(FETCH_FORBIDDEN));
	assert_false(retry_is_retryable(FETCH_BAD_ANSWER));
}

static void server_hint_wins_over_backoff_and_is_capped(void **state)
{
	(void)state;
	assert_int_equal(retry_delay_ms(1, 7000, 12345), 7000);
	assert_int_equal(retry_delay_ms(3, 0, 12345), 0);
	assert_int_equal(retry_delay_ms(1, 500000, 1), RETRY_CAP_MS);
}

static void backoff_doubles_its_ceiling_with_full_jitter(void **state)
{
	(void)state;
	/* the largest random value reaches the ceiling exactly */
	for (int attempt = 1; attempt <= 5; attempt++) {
		int64_t ceiling = (int64_t)RETRY_BASE_MS << (attempt - 1);

		assert_int_equal(retry_delay_ms(attempt, -1, (uint32_t)ceiling), ceiling);
		assert_int_equal(retry_delay_ms(attempt, -1, 0), 0);
		assert_in_range(retry_delay_ms(attempt, -1, 0xFFFFFFFFu), 0, ceiling);
	}
	assert_in_range(retry_delay_ms(30, -1, 0xFFFFFFFFu), 0, RETRY_CAP_MS);
}

static void retry_after_takes_delta_seconds_only(void **state)
{
	static const struct { const char *in; int64_t ms; } cases[] = {
		{ " 5\r\n", 5000 }, { "0", 0 }, { "120", 120000 }, { "9999", RETRY_CAP_MS },
		{ "", -1 }, { "soon", -1 }, { "-3", -1 }, { "5s", -1 },
		{ "Wed, 21 Oct 2026 07:28:00 GMT", -1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(retry_after_ms_parse(cases[i].in), cases[i].ms);
}

static void retry_after_header_is_found_case_insensitively(void **state)
{
	const char *line = "retry-after: 3\r\n", *other = "Content-Type: x\r\n";
	int64_t ms = -7;

	(void)state;
	assert_true(retry_after_header(line, strlen(line), &ms));
	assert_int_equal(ms, 3000);
	ms = -7;
	assert_false(retry_after_header(other, strlen(other), &ms));
	assert_int_equal(ms, -7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(retries_only_rate_limits_and_transient_failures),
		cmocka_unit_test(server_hint_wins_over_backoff_and_is_capped),
		cmocka_unit_test(backoff_doubles_its_ceiling_with_full_jitter),
		cmocka_unit_test(retry_after_takes_delta_seconds_only),
		cmocka_unit_test(retry_after_header_is_found_case_insensitively),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
