/* Tests for src/retry.c: which failures are retried, how long to wait, how fast to go on. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "retry.h"

#define NOW 1779436800          /* 2026-05-22T08:00:00Z */
#define SECOND_US 1000000

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

static void http_dates_in_all_three_forms_are_read(void **state)
{
	static const struct { const char *in; int64_t epoch; } cases[] = {
		{ "Sun, 06 Nov 1994 08:49:37 GMT", 784111777 },
		{ "Sunday, 06-Nov-94 08:49:37 GMT", 784111777 },
		{ "Sun Nov  6 08:49:37 1994", 784111777 },
		{ "  Fri, 22 May 2026 08:00:30 GMT\r\n", NOW + 30 },
		{ "Thu, 01 Jan 1970 00:00:00 GMT", 0 },
		{ "Tue, 29 Feb 2028 12:00:00 GMT", 1835438400 },
		{ "Sun, 06 Nov 1994 08:49:37 UTC", -1 },        /* only GMT is an HTTP-date */
		{ "Sun, 06 Foo 1994 08:49:37 GMT", -1 },
		{ "Sun, 06 Nov 1994 25:49:37 GMT", -1 },
		{ "Sun, 06 Nov 1994 08:49:37 GMT junk", -1 },
		{ "tomorrow", -1 }, { "", -1 }, { "120", -1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t got = retry_http_date(cases[i].in);

		if (got != cases[i].epoch)
			fail_msg("'%s': got %lld, want %lld", cases[i].in, (long long)got,
				 (long long)cases[i].epoch);
	}
}

static void retry_after_takes_delta_seconds_or_a_date_capped_at_two_minutes(void **state)
{
	static const struct { const char *in; int64_t ms; } cases[] = {
		{ " 5\r\n", 5000 }, { "0", 0 }, { "120", 120000 }, { "9999", RETRY_CAP_MS },
		{ "99999999999999999999999", RETRY_CAP_MS },    /* saturates: wait long */
		{ "", -1 }, { "soon", -1 }, { "-3", -1 }, { "5s", -1 }, { "1.5", -1 },
		{ "Fri, 22 May 2026 08:00:30 GMT", 30000 },
		{ "Fri, 22 May 2026 07:59:00 GMT", 0 },         /* already past */
		{ "Fri, 22 May 2026 09:00:00 GMT", RETRY_CAP_MS },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t got = retry_after_parse(cases[i].in, NOW);

		if (got != cases[i].ms)
			fail_msg("'%s': got %lld, want %lld", cases[i].in, (long long)got,
				 (long long)cases[i].ms);
	}
}

static void ratelimit_reset_is_delta_seconds_up_to_10_pow_9_else_an_epoch(void **state)
{
	static const struct { const char *in; int64_t ms; } cases[] = {
		{ "7", 7000 }, { "0", 0 }, { "1000000000", RETRY_CAP_MS },
		{ "1779436830", 30000 },        /* NOW + 30 */
		{ "1779436700", 0 },            /* past */
		{ "1779437800", RETRY_CAP_MS },
		{ "", -1 }, { "later", -1 }, { "-1", -1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t got = retry_reset_parse(cases[i].in, NOW);

		if (got != cases[i].ms)
			fail_msg("'%s': got %lld, want %lld", cases[i].in, (long long)got,
				 (long long)cases[i].ms);
	}
}

static struct retry_hints hints_of(const char *const *lines)
{
	struct retry_hints h;

	retry_hints_init(&h);
	for (; *lines; lines++)
		retry_hints_header(&h, *lines, strlen(*lines), NOW);
	return h;
}

static void headers_are_found_case_insensitively_and_reset_per_answer(void **state)
{
	const char *first[] = {
		"HTTP/1.1 429 Too Many Requests\r\n", "retry-after: 3\r\n",
		"X-RATELIMIT-REMAINING: 0\r\n", "x-ratelimit-reset: 1779436810\r\n",
		"X-RateLimit-Limit: 100, 100;w=10\r\n", "Content-Type: x\r\n", NULL,
	};
	const char *second[] = {
		"HTTP/1.1 429 Too Many Requests\r\n", "Retry-After: 3\r\n",
		"HTTP/1.1 200 OK\r\n", "X-RateLimit-Limit: 30\r\n", NULL,
	};
	const char *odd[] = {
		"Retry-After 3\r\n", "X-RateLimit-Limit: many\r\n", "X-RateLimit-Remaining: -1\r\n",
		"X-Retry-After: 3\r\n", NULL,
	};
	struct retry_hints h = hints_of(first);

	(void)state;
	assert_int_equal(h.retry_after_ms, 3000);
	assert_int_equal(h.remaining, 0);
	assert_int_equal(h.reset_ms, 10000);
	assert_int_equal(h.limit, 100);
	assert_int_equal(h.window_s, 10);
	h = hints_of(second);
	assert_int_equal(h.retry_after_ms, -1);
	assert_int_equal(h.limit, 30);
	assert_int_equal(h.window_s, -1);
	h = hints_of(odd);
	assert_int_equal(h.retry_after_ms, -1);
	assert_int_equal(h.limit, -1);
	assert_int_equal(h.remaining, -1);
}

/* One header line and the hints it leaves; -1: absent or unreadable. */
struct hostile_case {
	const char *line;
	int64_t retry_after_ms, reset_ms, remaining, limit, window_s;
};

#define I64_MAX_TEXT "9223372036854775807"
#define HUGE_TEXT "99999999999999999999999999999999999999"

static const struct hostile_case hostile_cases[] = {
	{ "X-RateLimit-Limit: 10;w=100000000000000", -1, -1, -1, 10, RETRY_WINDOW_MAX_S },
	{ "X-RateLimit-Limit: 10;w=" HUGE_TEXT, -1, -1, -1, 10, RETRY_WINDOW_MAX_S },
	{ "X-RateLimit-Limit: " HUGE_TEXT ";w=" HUGE_TEXT, -1, -1, -1, INT64_MAX,
	  RETRY_WINDOW_MAX_S },
	{ "X-RateLimit-Limit: 1;w=" I64_MAX_TEXT, -1, -1, -1, 1, RETRY_WINDOW_MAX_S },
	{ "X-RateLimit-Limit: 10;w=-5", -1, -1, -1, 10, -1 },
	{ "X-RateLimit-Limit: 10;w=0", -1, -1, -1, 10, -1 },
	{ "X-RateLimit-Limit: 10;w=", -1, -1, -1, 10, -1 },
	{ "X-RateLimit-Limit: 0;w=1", -1, -1, -1, -1, -1 },
	{ "X-RateLimit-Limit: -10;w=1", -1, -1, -1, -1, -1 },
	{ "X-RateLimit-Limit: ;;;w=w=w=", -1, -1, -1, -1, -1 },
	{ "Retry-After: " HUGE_TEXT, RETRY_CAP_MS, -1, -1, -1, -1 },
	{ "Retry-After: " I64_MAX_TEXT, RETRY_CAP_MS, -1, -1, -1, -1 },
	{ "Retry-After: -1", -1, -1, -1, -1, -1 },
	{ "Retry-After: 1e9", -1, -1, -1, -1, -1 },
	{ "Retry-After: 0x10", -1, -1, -1, -1, -1 },
	{ "Retry-After: Fri, 22 May 9999 08:00:30 GMT", RETRY_CAP_MS, -1, -1, -1, -1 },
	{ "Retry-After: Fri, 22 May -999 08:00:30 GMT", -1, -1, -1, -1, -1 },
	{ "Retry-After: \x01\xff\xfe", -1, -1, -1, -1, -1 },
	{ "X-RateLimit-Reset: " HUGE_TEXT, -1, RETRY_CAP_MS, -1, -1, -1 },
	{ "X-RateLimit-Reset: " I64_MAX_TEXT, -1, RETRY_CAP_MS, -1, -1, -1 },
	{ "X-RateLimit-Reset: -9223372036854775808", -1, -1, -1, -1, -1 },
	{ "X-RateLimit-Remaining: " HUGE_TEXT, -1, -1, INT64_MAX, -1, -1 },
	{ "X-RateLimit-Remaining: -1", -1, -1, -1, -1, -1 },
	{ "X-RateLimit-Remaining: 3 apples", -1, -1, -1, -1, -1 },
	{ "X-RateLimit-Remaining:", -1, -1, -1, -1, -1 },
};

static void hostile_header_values_saturate_or_are_ignored(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(hostile_cases) / sizeof(hostile_cases[0]); i++) {
		const struct hostile_case *c = &hostile_cases[i];
		const char *lines[] = { c->line, NULL };
		struct retry_hints h = hints_of(lines);
		struct retry_pace slow = { SECOND_US, true };
		struct retry_answer a = {
			.kind = FETCH_RATE_LIMITED, .hints = h, .attempts = 2, .retries = 3,
			.started_slow = true, .random = 0xFFFFFFFFu,
		};
		struct retry_plan p;

		if (h.retry_after_ms != c->retry_after_ms || h.reset_ms != c->reset_ms ||
		    h.remaining != c->remaining || h.limit != c->limit || h.window_s != c->window_s)
			fail_msg("'%s': got after=%lld reset=%lld remaining=%lld limit=%lld w=%lld",
				 c->line, (long long)h.retry_after_ms, (long long)h.reset_ms,
				 (long long)h.remaining, (long long)h.limit, (long long)h.window_s);
		/* and whatever they say, the decisions stay within their bounds */
		retry_decide(&a, &slow, &p);
		assert_in_range(p.delay_ms, 0, RETRY_CAP_MS);
		assert_in_range(p.hold_ms, 0, RETRY_CAP_MS);
		assert_in_range(p.pace.interval_us, SECOND_US, (int64_t)RETRY_CAP_MS * 1000);
	}
}

/* One row of the decision table. */
struct decide_case {
	const char *name;
	enum fetch_kind kind;
	int64_t retry_after_ms, reset_ms, remaining, limit, window_s;
	int attempts, retries;
	bool started_slow;
	struct retry_pace pace;
	uint32_t random;
	/* expected */
	bool retry, charged_out;
	int64_t delay_ms, hold_ms;
	struct retry_pace pace_out;
};

static const struct decide_case decide_cases[] = {
	{ "a 503 is retried by backoff and counts",
	  FETCH_TRANSIENT, -1, -1, -1, -1, 60, 1, 3, false, { 0, false }, 400,
	  true, true, 400, 0, { 0, false } },
	{ "a 503 with Retry-After waits for that tag alone",
	  FETCH_TRANSIENT, 2000, -1, -1, -1, 60, 1, 3, false, { 0, false }, 400,
	  true, true, 2000, 0, { 0, false } },
	{ "a 503 past the allowance is not retried",
	  FETCH_TRANSIENT, -1, -1, -1, -1, 60, 4, 3, false, { 0, false }, 400,
	  false, true, 400, 0, { 0, false } },
	{ "no retries configured: a 503 fails at once",
	  FETCH_TRANSIENT, -1, -1, -1, -1, 60, 1, 0, false, { 0, false }, 7,
	  false, true, 7, 0, { 0, false } },
	{ "a 503 ignores X-RateLimit-Reset while requests remain",
	  FETCH_TRANSIENT, -1, 9000, 5, -1, 60, 1, 3, false, { 0, false }, 100,
	  true, true, 100, 0, { 0, false } },
	{ "a 429 with Retry-After holds every request and slows to the reported limit",
	  FETCH_RATE_LIMITED, 2000, -1, -1, 120, 60, 1, 3, false, { 0, false }, 9,
	  true, false, 2000, 2000, { 500000, true } },
	{ "a 429 without Retry-After waits for X-RateLimit-Reset",
	  FETCH_RATE_LIMITED, -1, 7000, 0, 10, 1, 1, 3, false, { 0, false }, 9,
	  true, false, 7000, 7000, { 100000, true } },
	{ "a 429 without any limit doubles the interval, at least one second",
	  FETCH_RATE_LIMITED, -1, -1, -1, -1, 60, 1, 3, false, { 200000, false }, 9,
	  true, false, 1000, 1000, { SECOND_US, true } },
	{ "... and from a slow rate it doubles that",
	  FETCH_RATE_LIMITED, -1, -1, -1, -1, 60, 1, 3, false, { 5 * SECOND_US, false }, 9,
	  true, false, 10000, 10000, { 10 * SECOND_US, true } },
	{ "a limit faster than the configured rate never speeds the run up",
	  FETCH_RATE_LIMITED, 1000, -1, -1, 600, 60, 1, 3, false, { 2 * SECOND_US, false }, 9,
	  true, false, 1000, 1000, { 2 * SECOND_US, true } },
	{ "a 429 before the slowdown is free even with no retries configured",
	  FETCH_RATE_LIMITED, 1000, -1, -1, -1, 60, 1, 0, false, { 0, false }, 9,
	  true, false, 1000, 1000, { SECOND_US, true } },
	{ "a 429 in flight before a sibling's slowdown keeps the pace it set",
	  FETCH_RATE_LIMITED, 1000, -1, -1, -1, 60, 1, 0, false, { 3 * SECOND_US, true }, 9,
	  true, false, 1000, 1000, { 3 * SECOND_US, true } },
	{ "a 429 after the slowdown without a hint doubles the interval and counts",
	  FETCH_RATE_LIMITED, -1, -1, -1, -1, 60, 2, 3, true, { SECOND_US, true }, 9,
	  true, true, 2000, 2000, { 2 * SECOND_US, true } },
	{ "a 429 after the slowdown that says Retry-After: 1 keeps one second",
	  FETCH_RATE_LIMITED, 1000, -1, -1, 60, 60, 2, 3, true, { SECOND_US, true }, 9,
	  true, true, 1000, 1000, { SECOND_US, true } },
	{ "... however many of them come",
	  FETCH_RATE_LIMITED, 1000, -1, -1, -1, 60, 3, 3, true, { SECOND_US, true }, 9,
	  true, true, 1000, 1000, { SECOND_US, true } },
	{ "a Retry-After longer than the doubled interval lets it double",
	  FETCH_RATE_LIMITED, 5000, -1, -1, -1, 60, 2, 3, true, { SECOND_US, true }, 9,
	  true, true, 5000, 5000, { 2 * SECOND_US, true } },
	{ "a Retry-After shorter than the interval never speeds the run up",
	  FETCH_RATE_LIMITED, 1000, -1, -1, -1, 60, 2, 3, true, { 8 * SECOND_US, true }, 9,
	  true, true, 1000, 1000, { 8 * SECOND_US, true } },
	{ "Retry-After: 0 still slows the run to one second",
	  FETCH_RATE_LIMITED, 0, -1, -1, -1, 60, 1, 3, false, { 0, false }, 9,
	  true, false, 0, 0, { SECOND_US, true } },
	{ "a counted 429 past the allowance fails the tag, still holding the others",
	  FETCH_RATE_LIMITED, 1000, -1, -1, -1, 60, 2, 0, true, { SECOND_US, true }, 9,
	  false, true, 1000, 1000, { SECOND_US, true } },
	{ "retries = 3: the fourth try is the last",
	  FETCH_RATE_LIMITED, 1000, -1, -1, -1, 60, 3, 3, true, { SECOND_US, true }, 9,
	  true, true, 1000, 1000, { SECOND_US, true } },
	{ "... a fourth 429 fails the tag: retries + 1 tries in all",
	  FETCH_RATE_LIMITED, 1000, -1, -1, -1, 60, 4, 3, true, { SECOND_US, true }, 9,
	  false, true, 1000, 1000, { SECOND_US, true } },
	{ "a try the pacing got refused still counts towards the allowance",
	  FETCH_TRANSIENT, -1, -1, -1, -1, 60, 2, 1, true, { SECOND_US, true }, 9,
	  false, true, 9, 0, { SECOND_US, true } },
	{ "the slowed interval is capped at two minutes",
	  FETCH_RATE_LIMITED, -1, -1, -1, -1, 60, 2, 3, true, { 100 * SECOND_US, true }, 9,
	  true, true, RETRY_CAP_MS, RETRY_CAP_MS, { 120 * SECOND_US, true } },
	{ "a 200 with Remaining: 0 holds every request until the reset",
	  FETCH_OK, -1, 4000, 0, -1, 60, 1, 3, false, { 200000, false }, 9,
	  false, false, 0, 4000, { 200000, false } },
	{ "a 200 with requests remaining holds nothing",
	  FETCH_OK, -1, 4000, 3, -1, 60, 1, 3, false, { 0, false }, 9,
	  false, false, 0, 0, { 0, false } },
	{ "a 404 is never retried",
	  FETCH_NOT_FOUND, 1000, -1, -1, -1, 60, 1, 3, false, { 0, false }, 9,
	  false, false, 0, 0, { 0, false } },
	{ "a 402 is never retried, even with Retry-After",
	  FETCH_CREDITS, 1000, -1, -1, -1, 60, 1, 3, false, { 0, false }, 9,
	  false, false, 0, 0, { 0, false } },
};

static void retry_decisions_follow_the_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(decide_cases) / sizeof(decide_cases[0]); i++) {
		const struct decide_case *c = &decide_cases[i];
		struct retry_answer a = {
			.kind = c->kind,
			.hints = { c->retry_after_ms, c->reset_ms, c->remaining, c->limit, c->window_s },
			.attempts = c->attempts, .retries = c->retries,
			.started_slow = c->started_slow, .random = c->random,
		};
		struct retry_plan p;

		retry_decide(&a, &c->pace, &p);
		if (p.retry != c->retry || p.charged != c->charged_out ||
		    p.delay_ms != c->delay_ms || p.hold_ms != c->hold_ms ||
		    p.pace.interval_us != c->pace_out.interval_us || p.pace.slow != c->pace_out.slow)
			fail_msg("%s: got retry=%d charged=%d delay=%lld hold=%lld interval=%lld slow=%d",
				 c->name, p.retry, p.charged, (long long)p.delay_ms,
				 (long long)p.hold_ms, (long long)p.pace.interval_us, p.pace.slow);
	}
}

/* The run's budget for waits on 429s: the answer, what the run waited so far, the plan. */
static void a_run_gives_up_once_429s_held_it_for_its_budget(void **state)
{
	static const struct {
		const char *name;
		enum fetch_kind kind;
		int64_t retry_after_ms, waited_ms;
		bool started_slow;
		bool retry, give_up;
	} cases[] = {
		{ "a 429 early in a run is waited out", FETCH_RATE_LIMITED, 1000, 0, true,
		  true, false },
		{ "one that ends the budget exactly still is", FETCH_RATE_LIMITED, 1000,
		  RETRY_RATE_BUDGET_MS - 1000, true, true, false },
		{ "one that would wait past it gives up", FETCH_RATE_LIMITED, 1000,
		  RETRY_RATE_BUDGET_MS - 999, true, false, true },
		{ "... even a 429 the pacing caused", FETCH_RATE_LIMITED, 1000,
		  RETRY_RATE_BUDGET_MS, false, false, true },
		{ "... even one asking for no wait, once the budget is spent", FETCH_RATE_LIMITED, 0,
		  RETRY_RATE_BUDGET_MS + 1, true, false, true },
		{ "a 503 after the budget is spent is still retried", FETCH_TRANSIENT, 1000,
		  RETRY_RATE_BUDGET_MS + 1, true, true, false },
		{ "a 200 after the budget is spent gives nothing up", FETCH_OK, -1,
		  RETRY_RATE_BUDGET_MS + 1, true, false, false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct retry_pace slow = { SECOND_US, true };
		struct retry_answer a = {
			.kind = cases[i].kind, .attempts = 1, .retries = 3,
			.started_slow = cases[i].started_slow, .rate_waited_ms = cases[i].waited_ms,
		};
		struct retry_plan p;

		retry_hints_init(&a.hints);
		a.hints.retry_after_ms = cases[i].retry_after_ms;
		retry_decide(&a, &slow, &p);
		if (p.retry != cases[i].retry || p.give_up != cases[i].give_up)
			fail_msg("%s: got retry=%d give_up=%d", cases[i].name, p.retry, p.give_up);
	}
}

static void webhook_answers_map_to_actions(void **state)
{
	static const struct {
		long status; int64_t retry_after_ms; int waits;
		enum retry_hook_action act; int64_t delay_ms;
	} cases[] = {
		{ 200, -1, 0, RETRY_HOOK_SENT, 0 },
		{ 204, -1, 0, RETRY_HOOK_SENT, 0 },
		{ 429, 1000, 0, RETRY_HOOK_RESEND, 1000 },
		{ 429, 500000, 2, RETRY_HOOK_RESEND, RETRY_CAP_MS },
		{ 429, -1, 0, RETRY_HOOK_RESEND, 1000 },        /* backoff, at least 1 s */
		{ 429, 1000, RETRY_HOOK_MAX_WAITS, RETRY_HOOK_STOP, 0 },
		{ 400, -1, 0, RETRY_HOOK_NEXT, 0 },
		{ 413, -1, 0, RETRY_HOOK_NEXT, 0 },
		{ 422, -1, 0, RETRY_HOOK_NEXT, 0 },
		{ 404, -1, 0, RETRY_HOOK_STOP, 0 },
		{ 500, 1000, 0, RETRY_HOOK_STOP, 0 },
		{ 503, -1, 0, RETRY_HOOK_STOP, 0 },
		{ 302, -1, 0, RETRY_HOOK_STOP, 0 },
		{ 0, -1, 0, RETRY_HOOK_STOP, 0 },               /* no answer */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct retry_hints h;
		int64_t delay = -7;

		retry_hints_init(&h);
		h.retry_after_ms = cases[i].retry_after_ms;
		assert_int_equal(retry_hook_decide(cases[i].status, &h, cases[i].waits, 3, &delay),
				 cases[i].act);
		assert_int_equal(delay, cases[i].delay_ms);
	}
}

static void paced_starts_keep_their_rate_and_make_up_a_late_wake(void **state)
{
	static const struct { int64_t interval, slot, now, next; } cases[] = {
		{ 0, 0, 5000, 5000 },                   /* no pacing: at once */
		{ 50000, 100000, 100000, 150000 },      /* on time: one interval on */
		{ 50000, 100000, 100300, 150000 },      /* woke 0.3 ms late: made up */
		{ 50000, 100000, 101000, 150000 },      /* 1 ms late: made up exactly */
		{ 50000, 100000, 103000, 152000 },      /* 3 ms late: 1 ms made up, no more */
		{ 50000, 0, 900000, 949000 },           /* after a long wait: no burst */
		{ 1000, 100000, 100800, 101300 },       /* short interval: half of it at most */
		{ 12 * SECOND_US, 12 * SECOND_US, 12 * SECOND_US, 24 * SECOND_US },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(retry_next_start(cases[i].interval, cases[i].slot, cases[i].now),
				 cases[i].next);
}

static void paced_starts_are_never_closer_than_the_slack_allows(void **state)
{
	int64_t interval = 2000, slot = 0, prev = 0;

	(void)state;
	/* Wake up to 1 ms late (the poll timer's rounding), for a thousand starts. */
	for (int i = 1; i <= 1000; i++) {
		int64_t next = retry_next_start(interval, slot, prev);
		int64_t now = next + (i * 7919) % RETRY_PACE_SLACK_US;

		assert_true(now - prev >= interval - interval / 2);
		slot = next;
		prev = now;
	}
	/* and the rate held: a thousand intervals, plus the last late wake */
	assert_in_range(prev, 1000 * interval, 1000 * interval + RETRY_PACE_SLACK_US);
}

static void jitter_random_is_xorshift32_and_never_sticks_at_zero(void **state)
{
	uint32_t st = 1, seen_high = 0;

	(void)state;
	assert_int_equal(retry_random(&st), 270369);     /* xorshift32 from 1 */
	assert_int_equal(st, 270369);
	for (int i = 0; i < 1000; i++) {
		uint32_t x = retry_random(&st);

		assert_int_not_equal(x, 0);
		seen_high |= x & 0x80000000u;
	}
	assert_true(seen_high);         /* spreads over the whole range */
}

static void remaining_and_reset_allow_that_many_starts_with_no_window_assumed(void **state)
{
	struct retry_quota q;
	struct retry_hints h;
	int64_t t = 50 * SECOND_US;

	(void)state;
	retry_quota_init(&q);
	assert_int_equal(retry_quota_wait_us(&q, t), 0);        /* no word: no limit */
	/* an answer without both headers says nothing */
	retry_hints_init(&h);
	h.remaining = 0;
	retry_quota_update(&q, &h, t);
	assert_int_equal(retry_quota_wait_us(&q, t), 0);
	/* Remaining: 2, Reset: 3 s -> two starts now, the third at the reset */
	h.reset_ms = 3000;
	h.remaining = 2;
	retry_quota_update(&q, &h, t);
	assert_int_equal(retry_quota_wait_us(&q, t), 0);
	retry_quota_take(&q, t);
	assert_int_equal(retry_quota_wait_us(&q, t + 1), 0);
	retry_quota_take(&q, t + 1);
	assert_int_equal(retry_quota_wait_us(&q, t + 2), 3 * SECOND_US - 2);
	/* after the reset: free again, until an answer says otherwise */
	assert_int_equal(retry_quota_wait_us(&q, t + 3 * SECOND_US), 0);
	retry_quota_take(&q, t + 3 * SECOND_US);
	assert_int_equal(q.left, -1);
	/* Remaining: 0 holds until the reset, however short the window */
	h.remaining = 0;
	h.reset_ms = 1000;
	retry_quota_update(&q, &h, t);
	assert_int_equal(retry_quota_wait_us(&q, t), SECOND_US);
}

static void a_limit_without_its_window_paces_nothing(void **state)
{
	/* A 1-per-second API: "Limit: 1" once read as per minute slowed each start to 60 s. */
	const char *lines[] = { "HTTP/1.1 429 Too Many Requests\r\n", "Retry-After: 1\r\n",
				"X-RateLimit-Limit: 1\r\n", NULL };
	struct retry_hints h = hints_of(lines);
	struct retry_pace pace = { 0, false };
	struct retry_answer a = {
		.kind = FETCH_RATE_LIMITED, .hints = h, .attempts = 1, .retries = 0,
		.random = 9,
	};
	struct retry_plan p;

	(void)state;
	assert_int_equal(h.limit, 1);
	assert_int_equal(h.window_s, -1);
	retry_decide(&a, &pace, &p);
	assert_int_equal(p.pace.interval_us, SECOND_US);
	assert_int_equal(p.delay_ms, 1000);
}

static void json_retry_after_seconds_become_capped_milliseconds(void **state)
{
	(void)state;
	assert_int_equal(retry_seconds_ms(1.5), 1500);
	assert_int_equal(retry_seconds_ms(0), 0);
	assert_int_equal(retry_seconds_ms(0.0001), 1);  /* rounded up: never early */
	assert_int_equal(retry_seconds_ms(1e300), RETRY_CAP_MS);
	assert_int_equal(retry_seconds_ms(-1), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(retries_only_rate_limits_and_transient_failures),
		cmocka_unit_test(server_hint_wins_over_backoff_and_is_capped),
		cmocka_unit_test(backoff_doubles_its_ceiling_with_full_jitter),
		cmocka_unit_test(http_dates_in_all_three_forms_are_read),
		cmocka_unit_test(retry_after_takes_delta_seconds_or_a_date_capped_at_two_minutes),
		cmocka_unit_test(ratelimit_reset_is_delta_seconds_up_to_10_pow_9_else_an_epoch),
		cmocka_unit_test(headers_are_found_case_insensitively_and_reset_per_answer),
		cmocka_unit_test(hostile_header_values_saturate_or_are_ignored),
		cmocka_unit_test(retry_decisions_follow_the_table),
		cmocka_unit_test(a_run_gives_up_once_429s_held_it_for_its_budget),
		cmocka_unit_test(webhook_answers_map_to_actions),
		cmocka_unit_test(paced_starts_keep_their_rate_and_make_up_a_late_wake),
		cmocka_unit_test(paced_starts_are_never_closer_than_the_slack_allows),
		cmocka_unit_test(jitter_random_is_xorshift32_and_never_sticks_at_zero),
		cmocka_unit_test(remaining_and_reset_allow_that_many_starts_with_no_window_assumed),
		cmocka_unit_test(a_limit_without_its_window_paces_nothing),
		cmocka_unit_test(json_retry_after_seconds_become_capped_milliseconds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
