/*
 * fetch: libcurl multi loop with pacing, connection reuse and retries over
 * http.c's handles. Every wait is decided in retry.c; this file only applies
 * the decisions.
 */
#include <curl/curl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "fetch.h"
#include "http.h"
#include "msg.h"
#include "retry.h"
#include "scavio.h"
#include "text.h"

/* A tag waiting to be (re)started no earlier than not_before. */
struct job {
	size_t index;
	int attempts;
	int64_t not_before_us;
};

/* One transfer in flight; slots are reused, and so are their easy handles. */
struct slot {
	struct http *http;
	bool busy;
	struct job job;
	char *request;
	bool started_slow;      /* started after the run slowed down */
};

/* A final answer taken off its slot, waiting for the done callback. */
struct answer {
	struct fetch_result r;
	char *body;             /* swapped with the slot's buffer, so neither is copied */
	size_t cap;
	char content_type[256];
};

struct fetcher {
	const struct fetch_options *opt;
	const char *const *tags;
	CURLM *multi;
	struct slot *slots;
	struct answer *answers;         /* taken this round, one per slot at most */
	size_t nanswers;
	size_t ntags;
	size_t next_fresh;              /* tags [next_fresh, ntags) not yet started */
	struct job *retry;              /* failed attempts waiting for their retry */
	size_t nretry;
	int in_flight;
	int concurrency;                /* opt->concurrency, 1 once slowed down */
	struct retry_pace pace;
	int64_t next_start_us;          /* pacing: no start before this */
	int64_t last_start_us;
	int64_t hold_until_us;          /* a 429's wait or a rate limit's reset */
	struct retry_quota quota;       /* what X-RateLimit-Remaining/Reset allow */
	size_t started;                 /* requests started, retries included */
	int64_t rate_waited_us;         /* how long 429s have held the run so far */
	bool gave_up;                   /* ... past RETRY_RATE_BUDGET_MS: start nothing more */
	uint32_t rand_state;
};

int fetch_kind_is_fatal(enum fetch_kind kind)
{
	return kind == FETCH_AUTH || kind == FETCH_CREDITS || kind == FETCH_FORBIDDEN ||
	       kind == FETCH_GONE || kind == FETCH_CERTIFICATE || kind == FETCH_PROXY;
}

/* The run has started as many requests as [api] max_credits_per_run allows. */
static bool capped(const struct fetcher *f)
{
	return f->opt->max_requests > 0 && f->started >= f->opt->max_requests;
}

const char *fetch_curl_version(void)
{
	return curl_version_info(CURLVERSION_NOW)->version;
}

static enum fetch_kind kind_of_status(long status)
{
	if (status >= 200 && status < 300)
		return FETCH_OK;
	switch (status) {
	case 400: return FETCH_BAD_REQUEST;
	case 401: return FETCH_AUTH;
	case 402: return FETCH_CREDITS;
	case 403: return FETCH_FORBIDDEN;
	case 404: return FETCH_NOT_FOUND;
	case 410: return FETCH_GONE;
	case 429: return FETCH_RATE_LIMITED;
	default: return status >= 500 ? FETCH_TRANSIENT : FETCH_BAD_ANSWER;
	}
}

/* The slot's next request: the tag's body, and a clean slate for the answer. */
static int setup_request(struct fetcher *f, struct slot *s)
{
	free(s->request);
	s->request = scavio_request_body(f->tags[s->job.index]);
	if (!s->request)
		return -1;
	http_post(s->http, s->request);
	return 0;
}

static struct slot *free_slot(struct fetcher *f)
{
	for (int i = 0; i < f->opt->concurrency; i++)
		if (!f->slots[i].busy)
			return &f->slots[i];
	return NULL;
}

/* The retry due soonest, or SIZE_MAX; the retry list is short, so a scan will do. */
static size_t soonest_retry(const struct fetcher *f)
{
	size_t best = SIZE_MAX;

	for (size_t i = 0; i < f->nretry; i++)
		if (best == SIZE_MAX || f->retry[i].not_before_us < f->retry[best].not_before_us)
			best = i;
	return best;
}

static int64_t later(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

/*
 * Take the next job allowed to start at `now`: a due retry first, else the
 * next fresh tag. Returns false with *wait_us set when none is due yet.
 * A retry that is not due yet never holds up the fresh tags.
 */
static bool next_job(struct fetcher *f, int64_t now, struct job *out, int64_t *wait_us)
{
	size_t r = soonest_retry(f);
	int64_t due = later(later(f->next_start_us, f->hold_until_us),
			    now + retry_quota_wait_us(&f->quota, now));

	if (due > now) {
		*wait_us = due - now;
		return false;
	}
	if (r != SIZE_MAX && f->retry[r].not_before_us <= now) {
		*out = f->retry[r];
		f->retry[r] = f->retry[--f->nretry];
		return true;
	}
	if (f->next_fresh < f->ntags) {
		*out = (struct job){ .index = f->next_fresh++ };
		return true;
	}
	*wait_us = f->retry[r].not_before_us - now;
	return false;
}

/*
 * Start every job allowed now. Returns the monotonic time at which the next
 * start could happen (for the poll timeout), -1 when nothing waits, -2 on
 * failure.
 */
static int64_t start_due(struct fetcher *f, char *err, size_t errsz)
{
	while (f->in_flight < f->concurrency && !f->gave_up && !capped(f) &&
	       (f->next_fresh < f->ntags || f->nretry)) {
		int64_t now = clock_monotonic_us(), wait_us;
		struct slot *s = free_slot(f);

		if (!next_job(f, now, &s->job, &wait_us))
			return now + wait_us;
		if (setup_request(f, s) ||
		    curl_multi_add_handle(f->multi, http_easy(s->http)) != CURLM_OK) {
			snprintf(err, errsz, "cannot start a request: out of memory");
			return -2;
		}
		s->busy = true;
		s->started_slow = f->pace.slow;
		s->job.attempts++;
		f->in_flight++;
		f->started++;
		retry_quota_take(&f->quota, now);
		f->last_start_us = now;
		f->next_start_us = retry_next_start(f->pace.interval_us, f->next_start_us, now);
	}
	return -1;
}

/* No usable answer: our own words for the cause, then libcurl's. */
static void describe_failure(const struct fetcher *f, const struct http_result *res,
			     struct fetch_result *r)
{
	const char *cause;

	switch (res->end) {
	case HTTP_TIMEOUT:
		snprintf(r->error, sizeof(r->error), "no answer within %" PRId64 "s",
			 f->opt->timeout);
		return;
	case HTTP_NO_CONNECTION:
		cause = "cannot connect to the API";
		break;
	case HTTP_CUT_SHORT:
		cause = "answer cut short";
		break;
	case HTTP_GOT_NOTHING:
		cause = "the API closed the connection without answering";
		break;
	case HTTP_LOST:
		cause = "connection to the API lost";
		break;
	default:
		cause = "request failed";
	}
	snprintf(r->error, sizeof(r->error), "%s", cause);
	/* libcurl's words may quote what the server sent */
	text_sanitize_utf8(r->detail, sizeof(r->detail), res->error, strlen(res->error));
}

static void classify(const struct fetcher *f, const struct http_result *res,
		     struct fetch_result *r)
{
	r->content_type = res->content_type;
	switch (res->end) {
	case HTTP_DONE:
		r->http_status = res->status;
		r->kind = kind_of_status(r->http_status);
		return;
	case HTTP_HEADER_TOO_BIG:
		r->kind = FETCH_BAD_ANSWER;
		snprintf(r->error, sizeof(r->error), "API answered with headers larger than %d KiB",
			 FETCH_MAX_HEADER / 1024);
		return;
	case HTTP_BODY_TOO_BIG:
		r->kind = FETCH_BAD_ANSWER;
		snprintf(r->error, sizeof(r->error), "answer larger than 1 MiB");
		return;
	case HTTP_CERTIFICATE:
	case HTTP_PROXY:
		/* retrying cannot help: the same trust, the same proxy, every time */
		r->kind = res->end == HTTP_CERTIFICATE ? FETCH_CERTIFICATE : FETCH_PROXY;
		snprintf(r->error, sizeof(r->error), "%s", res->end == HTTP_CERTIFICATE ?
			 "TLS certificate not trusted" : "the proxy failed the connection");
		text_sanitize_utf8(r->detail, sizeof(r->detail), res->error, strlen(res->error));
		return;
	default:
		r->kind = FETCH_TRANSIENT;
		describe_failure(f, res, r);
	}
}

/*
 * A 429 may hold every start and slow the run; any answer may hold until a
 * reset. The time 429s add to the hold counts against RETRY_RATE_BUDGET_MS.
 */
static void apply_plan(struct fetcher *f, const struct retry_plan *p, bool limited)
{
	int64_t now = clock_monotonic_us(), until = now + p->hold_ms * 1000;

	if (limited && until > later(f->hold_until_us, now))
		f->rate_waited_us += until - later(f->hold_until_us, now);
	if (p->hold_ms > 0)
		f->hold_until_us = later(f->hold_until_us, until);
	f->gave_up |= p->give_up;
	if (p->pace.slow && p->pace.interval_us != f->pace.interval_us) {
		note("rate limited by the API; from now on one request every %.1fs",
		     (double)p->pace.interval_us / 1e6);
		f->next_start_us = later(f->next_start_us, f->last_start_us + p->pace.interval_us);
	}
	f->pace = p->pace;
	if (f->pace.slow)
		f->concurrency = 1;
}

static void requeue(struct fetcher *f, const struct slot *s, const struct fetch_result *r,
		    const struct retry_plan *p)
{
	struct job *j = &f->retry[f->nretry++];
	int64_t now = clock_monotonic_us(), start;

	*j = s->job;
	j->not_before_us = now + p->delay_ms * 1000;
	/* When it will really start: a hold or the pacing may come later. */
	start = later(j->not_before_us, later(f->hold_until_us, f->next_start_us)) - now;
	if (r->http_status)
		note("#%s: API answered %ld; retry %d in %.1fs", r->tag, r->http_status,
		     j->attempts, (double)start / 1e6);
	else
		note("#%s: %s; retry %d in %.1fs", r->tag, r->error, j->attempts,
		     (double)start / 1e6);
}

/* An answer may echo the key ("bad key sk_live_..."): mask it before anyone reads it. */
static void mask_key(const struct fetcher *f, struct answer *a)
{
	const char *key = f->opt->api_key;

	if (a->body)
		a->r.len = text_mask_secret(a->body, a->r.len, key);
	text_mask_secret(a->content_type, strlen(a->content_type), key);
	text_mask_secret(a->r.detail, strlen(a->r.detail), key);
}

/* A tag the run gave up on after RETRY_RATE_BUDGET_MS of waits on 429s. */
static void given_up(struct fetch_result *r)
{
	r->kind = FETCH_RATE_LIMITED;
	r->http_status = 0;
	snprintf(r->error, sizeof(r->error), "rate limited by the API");
	snprintf(r->detail, sizeof(r->detail),
		 "gave up after %dm of waits on rate limits in this run; fetched again next run",
		 RETRY_RATE_BUDGET_MS / 60000);
}

/* A tag not started because the run spent [api] max_credits_per_run. */
static void not_started(struct fetch_result *r)
{
	r->kind = FETCH_CAPPED;
	r->http_status = 0;
	snprintf(r->error, sizeof(r->error), "not fetched: the run's credit cap is spent");
}

/*
 * Once the run gave up (or spent its cap), every tag not started and every
 * retry still waiting is reported as `why` says, in one go; 1 when a
 * callback stopped the run.
 */
static int give_up_rest(struct fetcher *f, fetch_done_fn done, void *ctx,
			void (*why)(struct fetch_result *))
{
	while (f->nretry > 0 || f->next_fresh < f->ntags) {
		struct job j = f->nretry > 0 ? f->retry[--f->nretry]
					     : (struct job){ .index = f->next_fresh++ };
		struct fetch_result r = {
			.index = j.index, .tag = f->tags[j.index], .body = "",
			.content_type = "", .attempts = j.attempts,
		};

		why(&r);
		if (done(ctx, &r))
			return 1;
	}
	return 0;
}

/* Keep a final answer for its callback and give the slot a free body buffer. */
static void keep_answer(struct fetcher *f, struct slot *s, const struct fetch_result *r)
{
	struct answer *a = &f->answers[f->nanswers++];

	a->r = *r;
	/*
	 * The type points into the easy handle, which the slot's next transfer
	 * reuses; it is the server's text, and may end up in a message.
	 */
	text_sanitize_utf8(a->content_type, sizeof(a->content_type), r->content_type,
			   strlen(r->content_type));
	a->r.content_type = a->content_type;
	http_swap_body(s->http, &a->body, &a->cap);
	a->r.body = a->body ? a->body : "";
	mask_key(f, a);
}

/* Finish one transfer: requeue it for a retry, or keep its answer; free the slot. */
static void finish(struct fetcher *f, struct slot *s, CURLcode rc)
{
	struct http_result res;
	struct fetch_result r;
	struct retry_answer a;
	struct retry_plan plan;

	http_result(s->http, rc, &res);
	r = (struct fetch_result){
		.index = s->job.index, .tag = f->tags[s->job.index],
		.body = res.body, .len = res.len, .attempts = s->job.attempts,
	};
	classify(f, &res, &r);
	/* no Retry-After header: a 429's JSON body may say when instead */
	if (r.kind == FETCH_RATE_LIMITED && res.hints.retry_after_ms < 0)
		res.hints.retry_after_ms = retry_seconds_ms(scavio_retry_after(res.body, res.len));
	retry_quota_update(&f->quota, &res.hints, clock_monotonic_us());
	a = (struct retry_answer){
		.kind = r.kind, .hints = res.hints, .attempts = s->job.attempts,
		.retries = f->opt->retries, .started_slow = s->started_slow,
		.rate_waited_ms = f->rate_waited_us / 1000, .random = retry_random(&f->rand_state),
	};
	retry_decide(&a, &f->pace, &plan);
	apply_plan(f, &plan, r.kind == FETCH_RATE_LIMITED);
	if (plan.give_up)
		given_up(&r);
	if (plan.retry)
		requeue(f, s, &r, &plan);
	else
		keep_answer(f, s, &r);
	curl_multi_remove_handle(f->multi, http_easy(s->http));
	s->busy = false;
	f->in_flight--;
}

/* Take every finished transfer off its slot; returns how many finished. */
static int collect(struct fetcher *f)
{
	CURLMsg *msg;
	int left, n = 0;

	while ((msg = curl_multi_info_read(f->multi, &left))) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		finish(f, http_owner(msg->easy_handle), msg->data.result);
		n++;
	}
	return n;
}

/* An answer that stops the run: nothing new may start before its callback. */
static bool fatal_kept(const struct fetcher *f)
{
	for (size_t i = 0; i < f->nanswers; i++)
		if (fetch_kind_is_fatal(f->answers[i].r.kind))
			return true;
	return false;
}

/* The kept answers' callbacks, in completion order; 1 when one stopped the run. */
static int deliver(struct fetcher *f, fetch_done_fn done, void *ctx)
{
	size_t n = f->nanswers;

	f->nanswers = 0;
	for (size_t i = 0; i < n; i++)
		if (done(ctx, &f->answers[i].r))
			return 1;
	return 0;
}

static int perform(struct fetcher *f, char *err, size_t errsz)
{
	int running;

	if (curl_multi_perform(f->multi, &running) == CURLM_OK)
		return 0;
	snprintf(err, errsz, "transfer loop failed");
	return -1;
}

/*
 * How long to sleep: until the next start is due (next_us, -1: none), or
 * until the idle hook wants to run again, and a second at most.
 */
static int poll_timeout_ms(struct fetcher *f, int64_t next_us, void *ctx)
{
	int64_t wait_us = 1000000, allow;

	if (f->opt->idle && (allow = f->opt->idle(ctx)) >= 0 && allow < wait_us)
		wait_us = allow;
	/* Measured after the hook: its work may have used up part of the wait. */
	if (next_us >= 0) {
		int64_t until = next_us - clock_monotonic_us();

		if (until < wait_us)
			wait_us = until;
	}
	return wait_us <= 0 ? 0 : (int)((wait_us + 999) / 1000);
}

/*
 * Each round: start what is due, move the transfers, then either sleep until
 * something happens or, when transfers finished, start their successors and
 * put them on the wire before the callbacks parse and store the answers, so
 * that work overlaps the API's latency instead of adding to it.
 */
static int loop(struct fetcher *f, fetch_done_fn done, void *ctx, char *err, size_t errsz)
{
	while (f->next_fresh < f->ntags || f->nretry || f->in_flight) {
		int64_t next_us;

		if (capped(f) && f->in_flight == 0)
			return give_up_rest(f, done, ctx, not_started);
		next_us = start_due(f, err, errsz);

		if (next_us == -2 || perform(f, err, errsz))
			return -1;
		if (collect(f) == 0) {
			/* Sleep until a transfer has news or the next start is due. */
			curl_multi_poll(f->multi, NULL, 0, poll_timeout_ms(f, next_us, ctx), NULL);
			continue;
		}
		if (!fatal_kept(f) && (start_due(f, err, errsz) == -2 || perform(f, err, errsz)))
			return -1;
		if (deliver(f, done, ctx))
			return 1;
		if (f->gave_up && give_up_rest(f, done, ctx, given_up))
			return 1;
	}
	return 0;
}

static void fetcher_release(struct fetcher *f)
{
	for (int i = 0; f->slots && i < f->opt->concurrency; i++) {
		struct slot *s = &f->slots[i];

		if (s->busy)
			curl_multi_remove_handle(f->multi, http_easy(s->http));
		http_free(s->http);
		free(s->request);
	}
	for (int i = 0; f->answers && i < f->opt->concurrency; i++)
		free(f->answers[i].body);
	free(f->slots);
	free(f->answers);
	free(f->retry);
	curl_multi_cleanup(f->multi);
}

static int fetcher_init(struct fetcher *f, const struct fetch_options *opt,
			const char *const *tags, size_t n)
{
	static const char *const headers[] = {
		"Content-Type: application/json", "Accept: application/json", "Expect:", NULL,
	};
	const struct http_options http = {
		.url = opt->url, .bearer = opt->api_key ? opt->api_key : "", .headers = headers,
		.user_agent = opt->user_agent, .timeout_s = opt->timeout,
		.max_body = FETCH_MAX_BODY, .max_header = FETCH_MAX_HEADER,
		.ca_file = opt->ca_file,
	};

	memset(f, 0, sizeof(*f));
	f->opt = opt;
	f->tags = tags;
	f->concurrency = opt->concurrency;
	f->pace = (struct retry_pace){ .interval_us = opt->interval_us };
	retry_quota_init(&f->quota);
	f->rand_state = (uint32_t)clock_monotonic_us() | 1;
	f->multi = curl_multi_init();
	f->slots = calloc((size_t)opt->concurrency, sizeof(*f->slots));
	f->answers = calloc((size_t)opt->concurrency, sizeof(*f->answers));
	f->retry = calloc(n ? n : 1, sizeof(*f->retry));
	f->ntags = n;
	if (!f->multi || !f->slots || !f->answers || !f->retry)
		return -1;
	for (int i = 0; i < opt->concurrency; i++)
		if (!(f->slots[i].http = http_new(&http, &f->slots[i])))
			return -1;
	curl_multi_setopt(f->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)opt->concurrency);
	return 0;
}

int fetch_all(const struct fetch_options *opt, const char *const *tags, size_t n,
	      fetch_done_fn done, void *ctx, char *err, size_t errsz)
{
	struct fetcher f;
	int rc = -1;

	if (fetcher_init(&f, opt, tags, n) == 0)
		rc = loop(&f, done, ctx, err, errsz);
	else
		snprintf(err, errsz, "cannot set up requests: out of memory");
	fetcher_release(&f);
	return rc;
}
