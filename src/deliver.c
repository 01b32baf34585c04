/* deliver: webhook POSTs over one reused http.c handle, with 429 waits. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "deliver.h"
#include "http.h"
#include "msg.h"
#include "retry.h"

struct poster {
	struct http *http;
	uint32_t rand_state;
};

static int poster_init(struct poster *p, const char *url, int64_t post_timeout_s)
{
	static const char *const headers[] = { "Content-Type: application/json", NULL };
	/* Webhook replies are read and dropped, but never buffered without bound. */
	const struct http_options opt = {
		.url = url, .headers = headers, .user_agent = HTTP_USER_AGENT,
		.timeout_s = post_timeout_s,
	};

	p->rand_state = (uint32_t)time(NULL) | 1;
	p->http = http_new(&opt, p);
	return p->http ? 0 : -1;
}

static void poster_release(struct poster *p)
{
	http_free(p->http);
}

/*
 * One POST; d->status and, without an answer, d->error. The status line
 * decides: once a final status arrived, a body cut short or a stall after it
 * changes nothing (a 2xx is a delivery, and sending it again would post the
 * alert twice). libcurl keeps the status of a transfer that then failed.
 */
static void post_once(struct poster *p, const char *payload, struct delivery *d,
		      struct http_result *res)
{
	http_post(p->http, payload);
	http_perform(p->http, res);
	d->posts++;
	/* 1xx is no answer: "100 Continue" followed by silence is a timeout. */
	d->status = res->end == HTTP_DONE || res->status >= 200 ? res->status : 0;
	if (d->status)
		snprintf(d->error, sizeof(d->error), "webhook answered %ld", d->status);
	else if (res->end == HTTP_TIMEOUT)
		snprintf(d->error, sizeof(d->error), "webhook gave no answer within the timeout");
	else
		snprintf(d->error, sizeof(d->error), "cannot reach the webhook: %s", res->error);
}

static void sleep_ms(int64_t ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Deliver one payload, waiting out 429s; the action that ended it. */
static enum retry_hook_action deliver_one(struct poster *p, const char *payload,
					  struct delivery *d)
{
	struct http_result res;
	enum retry_hook_action act;
	int64_t delay_ms;
	int waits = 0;

	d->tried = true;
	for (;;) {
		post_once(p, payload, d, &res);
		act = retry_hook_decide(d->status, &res.hints, waits, retry_random(&p->rand_state),
					&delay_ms);
		if (act != RETRY_HOOK_RESEND)
			break;
		note("webhook answered 429; sending again in %.1fs", (double)delay_ms / 1000);
		sleep_ms(delay_ms);
		waits++;
	}
	d->sent = act == RETRY_HOOK_SENT;
	if (d->sent)
		d->error[0] = '\0';
	else if (d->status == 429)
		snprintf(d->error, sizeof(d->error), "webhook answered 429 %d times in a row",
			 waits + 1);
	return act;
}

int deliver_all(const char *url, const char *const *payloads, size_t n,
		int64_t post_timeout_s, deliver_done_fn done, void *ctx)
{
	struct poster p;
	char unavailable[256] = "";
	int rc = -1;

	if (poster_init(&p, url, post_timeout_s))
		goto cleanup;
	rc = 0;
	for (size_t i = 0; i < n; i++) {
		struct delivery d = { 0 };

		if (unavailable[0])
			snprintf(d.error, sizeof(d.error), "%s", unavailable);
		else if (!payloads[i])
			snprintf(d.error, sizeof(d.error), "out of memory");
		else if (deliver_one(&p, payloads[i], &d) == RETRY_HOOK_STOP)
			snprintf(unavailable, sizeof(unavailable), "%s", d.error);
		if (done(ctx, i, &d))
			break;
	}
cleanup:
	poster_release(&p);
	return rc;
}
