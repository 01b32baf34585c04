/* deliver: webhook POSTs over one reused libcurl easy handle, with 429 waits. */
#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "deliver.h"
#include "fetch.h"
#include "msg.h"
#include "retry.h"

struct poster {
	CURL *easy;
	struct curl_slist *headers;
	struct retry_hints hints;
	uint32_t rand_state;
	char errbuf[CURL_ERROR_SIZE];
};

/* Webhook replies are read and dropped, but never buffered without bound. */
static size_t discard(char *data, size_t size, size_t nmemb, void *user)
{
	(void)data; (void)user;
	return size * nmemb;
}

static size_t on_header(char *line, size_t size, size_t nmemb, void *user)
{
	struct poster *p = user;
	size_t n = size * nmemb;

	retry_hints_header(&p->hints, line, n, (int64_t)time(NULL));
	return n;
}

static int poster_init(struct poster *p, const char *url, int64_t timeout)
{
	memset(p, 0, sizeof(*p));
	p->rand_state = (uint32_t)time(NULL) | 1;
	p->easy = curl_easy_init();
	p->headers = curl_slist_append(NULL, "Content-Type: application/json");
	if (!p->easy || !p->headers)
		return -1;
	curl_easy_setopt(p->easy, CURLOPT_URL, url);
	curl_easy_setopt(p->easy, CURLOPT_HTTPHEADER, p->headers);
	curl_easy_setopt(p->easy, CURLOPT_TIMEOUT, (long)timeout);
	curl_easy_setopt(p->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(p->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	if (!fetch_url_is_https(url))
		curl_easy_setopt(p->easy, CURLOPT_PROXY, "");
	curl_easy_setopt(p->easy, CURLOPT_ERRORBUFFER, p->errbuf);
	curl_easy_setopt(p->easy, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(p->easy, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(p->easy, CURLOPT_HEADERDATA, p);
	return 0;
}

static void poster_release(struct poster *p)
{
	curl_slist_free_all(p->headers);
	curl_easy_cleanup(p->easy);
}

/*
 * One POST; d->status and, without an answer, d->error. The status line
 * decides: once a final status arrived, a body cut short or a stall after it
 * changes nothing (a 2xx is a delivery, and sending it again would post the
 * alert twice). libcurl keeps the status of a transfer that then failed.
 */
static void post_once(struct poster *p, const char *payload, struct delivery *d)
{
	CURLcode rc;
	long status = 0;

	p->errbuf[0] = '\0';
	retry_hints_init(&p->hints);
	curl_easy_setopt(p->easy, CURLOPT_POSTFIELDS, payload);
	rc = curl_easy_perform(p->easy);
	d->posts++;
	if (curl_easy_getinfo(p->easy, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK)
		status = 0;
	/* 1xx is no answer: "100 Continue" followed by silence is a timeout. */
	d->status = rc == CURLE_OK || status >= 200 ? status : 0;
	if (d->status)
		snprintf(d->error, sizeof(d->error), "webhook answered %ld", d->status);
	else if (rc == CURLE_OPERATION_TIMEDOUT)
		snprintf(d->error, sizeof(d->error), "webhook gave no answer within the timeout");
	else
		snprintf(d->error, sizeof(d->error), "cannot reach the webhook: %s",
			 p->errbuf[0] ? p->errbuf : curl_easy_strerror(rc));
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
	enum retry_hook_action act;
	int64_t delay_ms;
	int waits = 0;

	d->tried = true;
	for (;;) {
		post_once(p, payload, d);
		act = retry_hook_decide(d->status, &p->hints, waits, retry_random(&p->rand_state), &delay_ms);
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

int deliver_all(const char *url, const char *const *payloads, size_t n, int64_t timeout,
		deliver_done_fn done, void *ctx)
{
	struct poster p;
	char unavailable[256] = "";
	int rc = -1;

	if (poster_init(&p, url, timeout))
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
