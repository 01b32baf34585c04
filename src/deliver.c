/* deliver: payloads out through one channel: webhook POSTs (one reused handle) or SMTP. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "deliver.h"
#include "http.h"
#include "msg.h"
#include "retry.h"

/* A webhook's answer is read for Discord's retry_after, never kept beyond this. */
#define ANSWER_MAX (16 * 1024)

struct poster {
	const struct channel *ch;
	struct http *http;
	uint32_t rand_state;
	int64_t last_post_us;   /* when the last POST started; 0: none yet */
	int64_t timeout_s;
	const char *ca_file;
};

static int poster_init(struct poster *p, const struct channel *ch, int64_t post_timeout_s,
		       const char *ca_file)
{
	/* Webhook replies are read and dropped, but never buffered without bound. */
	const struct http_options opt = {
		.url = ch->url, .user_agent = HTTP_USER_AGENT,
		.timeout_s = post_timeout_s, .max_body = ANSWER_MAX, .ca_file = ca_file,
	};

	p->ch = ch;
	p->timeout_s = post_timeout_s;
	p->ca_file = ca_file;
	p->rand_state = (uint32_t)time(NULL) | 1;
	p->http = ch->format == ALERT_EMAIL ? NULL : http_new(&opt, p);
	return ch->format == ALERT_EMAIL || p->http ? 0 : -1;
}

static void poster_release(struct poster *p)
{
	http_free(p->http);
}

/* The header lines of one payload: JSON, or ntfy's plain text with its own. */
static int set_headers(struct poster *p, const struct payload *pl)
{
	char *title = NULL, *lines[5] = { 0 };
	const char *list[6] = { 0 };
	size_t n = 0;
	int rc = -1;

	if (p->ch->format != ALERT_NTFY) {
		list[0] = "Content-Type: application/json";
		return http_set_headers(p->http, list);
	}
	title = payload_header_value(pl->title, " ");
	if (!title)
		return -1;
	lines[n] = malloc(strlen(title) + sizeof("Title: "));
	if (lines[n])
		sprintf(lines[n++], "Title: %s", title);
	if (pl->link && (lines[n] = malloc(strlen(pl->link) + sizeof("Click: "))))
		sprintf(lines[n++], "Click: %s", pl->link);
	for (size_t i = 0; i < n; i++)
		list[i] = lines[i];
	list[n++] = "Content-Type: text/plain; charset=utf-8";
	list[n++] = "Tags: chart_with_upwards_trend";
	rc = http_set_headers(p->http, list);
	for (size_t i = 0; i < 2; i++)
		free(lines[i]);
	free(title);
	return rc;
}

static void sleep_ms(int64_t ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 };

	while (ms > 0 && nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Slack: one message a second; the wait uses the real clock. */
static void pace(struct poster *p)
{
	int64_t since;

	if (p->ch->format == ALERT_SLACK && p->last_post_us) {
		since = (clock_monotonic_us() - p->last_post_us) / 1000;
		if (since < DELIVER_SLACK_GAP_MS)
			sleep_ms(DELIVER_SLACK_GAP_MS - since);
	}
	p->last_post_us = clock_monotonic_us();
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
	pace(p);
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

/* Discord says how long to wait in its JSON body: {"retry_after": 1.5} (seconds). */
static void body_retry_after(const struct http_result *res, struct retry_hints *h)
{
	cJSON *obj, *ra;

	if (h->retry_after_ms >= 0 || res->status != 429 || !res->body[0])
		return;
	obj = cJSON_Parse(res->body);
	ra = cJSON_GetObjectItemCaseSensitive(obj, "retry_after");
	if (cJSON_IsNumber(ra) && isfinite(ra->valuedouble) && ra->valuedouble >= 0)
		h->retry_after_ms = ra->valuedouble > 1e9 ? (int64_t)1e12
							   : (int64_t)ceil(ra->valuedouble * 1000);
	cJSON_Delete(obj);
}

/* Deliver one payload, waiting out 429s; the action that ended it. */
static enum retry_hook_action post_one(struct poster *p, const struct payload *pl,
				       struct delivery *d)
{
	struct http_result res;
	enum retry_hook_action act;
	int64_t delay_ms;
	int waits = 0;

	if (set_headers(p, pl)) {
		snprintf(d->error, sizeof(d->error), "out of memory");
		return RETRY_HOOK_NEXT;
	}
	d->tried = true;
	for (;;) {
		post_once(p, pl->body, d, &res);
		body_retry_after(&res, &res.hints);
		if (d->status == 429 && res.hints.retry_after_ms > DELIVER_MAX_WAIT_S * 1000) {
			snprintf(d->error, sizeof(d->error), "webhook answered 429 and asked to wait "
				 "%llds, longer than a run waits (%ds)",
				 (long long)(res.hints.retry_after_ms + 999) / 1000, DELIVER_MAX_WAIT_S);
			return RETRY_HOOK_STOP;
		}
		act = retry_hook_decide(d->status, &res.hints, waits, retry_random(&p->rand_state),
					&delay_ms);
		if (act != RETRY_HOOK_RESEND)
			break;
		note("channel '%s': webhook answered 429; sending again in %.1fs", p->ch->name,
		     (double)delay_ms / 1000);
		sleep_ms(delay_ms);
		p->last_post_us = 0;
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

/* "a@x, b@y" as a NULL-terminated list; *buf holds the strings. */
static char **split_rcpt(const char *to, char **buf)
{
	size_t n = 2;
	char **list, *tok, *save = NULL;

	for (const char *q = to; *q; q++)
		n += *q == ',';
	*buf = strdup(to);
	list = calloc(n, sizeof(*list));
	if (!*buf || !list) {
		free(*buf);
		*buf = NULL;
		free(list);
		return NULL;
	}
	n = 0;
	for (tok = strtok_r(*buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *end;

		tok += strspn(tok, " \t");
		end = tok + strlen(tok);
		while (end > tok && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (*tok)
			list[n++] = tok;
	}
	return list;
}

/* One email; 250 is a delivery, anything else leaves the rest for the next run. */
static enum retry_hook_action mail_one(struct poster *p, const struct payload *pl,
				       struct delivery *d)
{
	struct http_result res;
	char unique[64], *buf = NULL, **rcpt = split_rcpt(p->ch->to, &buf);
	char *message;
	struct http_mail m = {
		.url = p->ch->url, .password = p->ch->password, .from = p->ch->from,
		.rcpt = (const char *const *)rcpt, .timeout_s = p->timeout_s,
		.require_tls = config_mail_needs_tls(p->ch->url), .ca_file = p->ca_file,
	};

	snprintf(unique, sizeof(unique), "%lld.%08x.hashtrack", (long long)time(NULL),
		 (unsigned)retry_random(&p->rand_state));
	message = rcpt ? payload_email(pl, p->ch->from, p->ch->to, (int64_t)time(NULL), unique)
		       : NULL;
	m.message = message;
	d->tried = true;
	if (!message || http_send_mail(&m, &res)) {
		snprintf(d->error, sizeof(d->error), "out of memory");
	} else {
		d->posts++;
		d->status = res.status;
		d->sent = res.end == HTTP_DONE;      /* libcurl saw the 250 after DATA */
		if (!d->sent && res.status)
			snprintf(d->error, sizeof(d->error), "mail server answered %ld: %s",
				 res.status, res.error);
		else if (!d->sent)
			snprintf(d->error, sizeof(d->error), "cannot send mail: %s", res.error);
	}
	free(message);
	free(rcpt);
	free(buf);
	return d->sent ? RETRY_HOOK_SENT : RETRY_HOOK_STOP;
}

int deliver_all(const struct channel *ch, const struct payload *payloads, size_t n,
		int64_t post_timeout_s, const char *ca_file, deliver_done_fn done, void *ctx)
{
	struct poster p = { 0 };
	char unavailable[256] = "";
	int rc = -1;

	if (poster_init(&p, ch, post_timeout_s, ca_file))
		goto cleanup;
	rc = 0;
	for (size_t i = 0; i < n; i++) {
		struct delivery d = { 0 };
		enum retry_hook_action act = RETRY_HOOK_NEXT;

		if (unavailable[0])
			snprintf(d.error, sizeof(d.error), "%s", unavailable);
		else if (!payloads[i].body)
			snprintf(d.error, sizeof(d.error), "out of memory");
		else
			act = ch->format == ALERT_EMAIL ? mail_one(&p, &payloads[i], &d)
							: post_one(&p, &payloads[i], &d);
		if (act == RETRY_HOOK_STOP)
			snprintf(unavailable, sizeof(unavailable), "%s", d.error);
		if (done(ctx, i, &d))
			break;
	}
cleanup:
	poster_release(&p);
	return rc;
}
