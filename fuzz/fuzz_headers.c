/*
 * libFuzzer target: answer headers (Retry-After, X-RateLimit-*) through
 * retry_hints_header, then the retry decisions they feed, for the API
 * (retry_decide, as a storm of answers) and the webhook (retry_hook_decide).
 *
 * Input: a 16-byte prefix of parameters (missing bytes read as 0), then
 * header lines split at '\n', each handed over with its '\n' as libcurl
 * does. Prefix: [0] kind, [1] attempts, [2] retries, [3] flags (bit 0: the
 * try started slow, bit 1: the run is slow already), [4..5] webhook status,
 * [6] webhook waits, [7] answers in the storm, [8..11] random,
 * [12..15] seconds added to the clock (signed).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "retry.h"

#define PREFIX 16
#define NOW INT64_C(1779436800) /* 2026-05-22T08:00:00Z */

static uint32_t u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void check_wait(int64_t ms)
{
	if (ms < 0 || ms > RETRY_CAP_MS)
		__builtin_trap();
}

static void check_hints(const struct retry_hints *h)
{
	if (h->retry_after_ms != -1)
		check_wait(h->retry_after_ms);
	if (h->reset_ms != -1)
		check_wait(h->reset_ms);
	if (h->remaining < -1 || (h->limit != -1 && h->limit < 1) ||
	    (h->window_s != -1 && h->window_s < 1) || h->window_s > RETRY_WINDOW_MAX_S)
		__builtin_trap();
}

/* A storm: the same answer again and again, each plan's pace fed to the next. */
static void storm(const struct retry_answer *first, int answers, bool slow)
{
	struct retry_pace pace = { .interval_us = slow ? RETRY_SLOW_MIN_US : 0, .slow = slow };
	struct retry_answer a = *first;
	struct retry_plan p;

	for (int i = 0; i <= answers; i++) {
		retry_decide(&a, &pace, &p);
		check_wait(p.delay_ms);
		check_wait(p.hold_ms);
		if (p.retry && (!retry_is_retryable(a.kind) || p.give_up))
			__builtin_trap();
		if (p.retry && p.charged && a.attempts > a.retries)
			__builtin_trap();       /* never past the allowance */
		if (p.pace.interval_us < pace.interval_us ||
		    (p.pace.interval_us > pace.interval_us &&
		     p.pace.interval_us > (int64_t)RETRY_CAP_MS * 1000))
			__builtin_trap();       /* never faster; slower only up to the cap */
		pace = p.pace;
		a.attempts++;
		a.started_slow = pace.slow;
		a.rate_waited_ms += p.hold_ms;
		a.random = retry_random(&a.random) | 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t prm[PREFIX] = { 0 };
	const char *text = (const char *)data + (size < PREFIX ? size : PREFIX);
	size_t left = size < PREFIX ? 0 : size - PREFIX;
	int64_t now, delay;
	struct retry_hints h;
	struct retry_answer a;

	memcpy(prm, data, size < PREFIX ? size : PREFIX);
	now = NOW + (int32_t)u32(prm + 12);
	retry_hints_init(&h);
	while (left > 0) {
		const char *nl = memchr(text, '\n', left);
		size_t n = nl ? (size_t)(nl - text) + 1 : left;

		retry_hints_header(&h, text, n, now);
		check_hints(&h);
		text += n;
		left -= n;
	}
	a = (struct retry_answer){
		.kind = (enum fetch_kind)(prm[0] % (FETCH_CAPPED + 1)), .hints = h,
		.attempts = 1 + prm[1] % 32, .retries = prm[2] % 16,
		.started_slow = prm[3] & 1, .random = u32(prm + 8),
	};
	storm(&a, prm[7] % 64, prm[3] & 2);
	switch (retry_hook_decide((long)(prm[4] | prm[5] << 8), &h, prm[6] % 8, u32(prm + 8),
				  &delay)) {
	case RETRY_HOOK_RESEND:
		check_wait(delay);
		break;
	default:
		if (delay != 0)
			__builtin_trap();
	}
	return 0;
}
