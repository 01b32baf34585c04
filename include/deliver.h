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

#include "config.h"
#include "payload.h"

/* The longest 429 wait within a run; a longer one leaves the rest for the next run. */
#define DELIVER_MAX_WAIT_S 60
/* Slack takes about one message a second per webhook. */
#define DELIVER_SLACK_GAP_MS 1000

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
 * Send payloads[0..n) through channel ch in order: POSTed with hashtrack's
 * User-Agent (ntfy's with its Title, Tags and Click headers), or mailed
 * over SMTP for email; post_timeout_s seconds each, trusting ca_file's CAs
 * too when not NULL (as [api] ca_file does for the API). Slack gets at most one
 * message a second. A 429 is waited out (Retry-After, or Discord's JSON
 * retry_after; a wait over DELIVER_MAX_WAIT_S stops the round) and the same
 * payload sent again; a payload the webhook refuses (400, 413, 422) fails
 * alone; anything else (5xx, no answer, a 429 too many) makes the webhook
 * unavailable for the rest of the round: the remaining payloads are reported
 * untried, with the same reason. A NULL payload is reported as out of memory.
 * Returns 0, or -1 when libcurl could not be set up (nothing reported).
 */
int deliver_all(const struct channel *ch, const struct payload *payloads, size_t n,
		int64_t post_timeout_s, const char *ca_file, deliver_done_fn done, void *ctx);

#endif
