/*
 * deliver: POST alert payloads to the webhook, one connection for a whole
 * round, honouring the webhook's rate limit (429 with Retry-After) as
 * retry.h's retry_hook_decide() says. Knows nothing of the database: the
 * caller records each outcome as it is reported.
 */
#ifndef HASHTRACK_DELIVER_H
#define HASHTRACK_DELIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The outcome of one alert in a round. */
struct delivery {
	bool sent;              /* a 2xx answer: mark the alert sent */
	bool tried;             /* false: not attempted, the webhook was already unavailable */
	long status;            /* the last HTTP status, 0 when none came */
	int posts;              /* POSTs made for this alert (429s add some) */
	char error[256];        /* one line when !sent: "webhook answered 503" */
};

/*
 * Called once per alert, in order, right after its last POST (or when it is
 * skipped), so the caller can record it at once. Non-zero stops the round.
 */
typedef int (*deliver_done_fn)(void *ctx, size_t i, const struct delivery *d);

/*
 * POST payloads[0..n) to url in order, each with hashtrack's User-Agent and
 * post_timeout_s seconds to complete. A 429 is waited out and the same
 * payload sent again; a payload the webhook refuses (400, 413, 422) fails
 * alone; anything else (5xx, no answer, a 429 too many) makes the webhook
 * unavailable for the rest of the round: the remaining payloads are reported
 * untried, with the same reason. A NULL payload is reported as out of memory.
 * Returns 0, or -1 when libcurl could not be set up (nothing reported).
 */
int deliver_all(const char *url, const char *const *payloads, size_t n,
		int64_t post_timeout_s, deliver_done_fn done, void *ctx);

#endif
