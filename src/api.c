/*
 * api: configuration -> fetch options; each fetch result -> counts, or one
 * line on why not (the cause, the retries, the API's own words).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "fetch.h"
#include "http.h"

struct api_fetch_ctx {
	const struct config *cfg;
	api_answer_fn fn;
	api_idle_fn idle;
	void *ctx;
};

/* " after 3 retries", or "" for a first attempt. */
static void retried(const struct fetch_result *res, char *buf, size_t bufsz)
{
	int n = res->attempts - 1;

	if (n <= 0)
		buf[0] = '\0';
	else
		snprintf(buf, bufsz, " after %d retr%s", n, n == 1 ? "y" : "ies");
}

/* An answer that is not JSON at all: empty, or an HTML page from a proxy. */
static bool looks_like_json(const char *body, size_t len)
{
	size_t i = 0;

	while (i < len && isspace((unsigned char)body[i]))
		i++;
	return i < len && (body[i] == '{' || body[i] == '[');
}

/* "an empty body", "a text/html answer": what came instead of JSON. */
static void what_came(const struct fetch_result *res, char *buf, size_t bufsz)
{
	const char *ct = res->content_type;
	size_t n = strcspn(ct, "; ");

	if (res->len == 0 || strspn(res->body, " \t\r\n") == res->len)
		snprintf(buf, bufsz, "an empty body");
	else if (n > 0 && n < 64)
		snprintf(buf, bufsz, "a %.*s answer", (int)n, ct);
	else
		snprintf(buf, bufsz, "an answer");
}

/* What to do when the API refuses the whole run. */
static const char *fatal_advice(enum fetch_kind kind)
{
	switch (kind) {
	case FETCH_AUTH:
		return "the API key was rejected: check SCAVIO_API_KEY or [api] key";
	case FETCH_CREDITS:
		return "the API key has no credits left: top up your Scavio credits, then run again";
	case FETCH_GONE:
		return "set [api] url (or HASHTRACK_API_URL) to the current endpoint from Scavio's "
		       "documentation, or upgrade hashtrack";
	default:
		return "the API key may not use this endpoint: check its plan and permissions with Scavio";
	}
}

/* A 402's advice with what the answer says: "balance: 0; top up at https://...". */
static void credits_advice(const struct fetch_result *res, char *buf, size_t bufsz)
{
	struct scavio_billing b;
	char balance[sizeof(b.balance) + 16] = "";

	scavio_billing(res->body, res->len, &b);
	if (b.balance[0])
		snprintf(balance, sizeof(balance), " (balance: %s)", b.balance);
	snprintf(buf, bufsz, "the API key has no credits left%s: top up %s%s, then run again",
		 balance, b.url[0] ? "at " : "your Scavio credits", b.url);
}

/*
 * A failure no retry can mend, before any answer: the TLS certificate or the
 * proxy. Names the API's URL (never its userinfo or query) and the proxy.
 */
static void connection_refused_run(const struct config *cfg, const struct fetch_result *res,
				   char *why, size_t whysz)
{
	char origin[300] = "the API", proxy[300];

	http_url_shown(cfg->api_url, origin, sizeof(origin));
	if (res->kind == FETCH_CERTIFICATE && cfg->ca_file)
		snprintf(why, whysz, "the TLS certificate of '%s' is not trusted (%s), even with "
			 "the CA bundle '%s' (%s): check that it holds the CA that signed it",
			 origin, res->detail, cfg->ca_file, cfg->ca_origin);
	else if (res->kind == FETCH_CERTIFICATE)
		snprintf(why, whysz, "the TLS certificate of '%s' is not trusted (%s); if a proxy "
			 "inspects TLS, trust its CA with [api] ca_file or CURL_CA_BUNDLE",
			 origin, res->detail);
	else if (http_proxy_for(cfg->api_url, proxy, sizeof(proxy)))
		snprintf(why, whysz, "the proxy '%s' failed the connection to '%s' (%s); check "
			 "https_proxy, all_proxy and no_proxy", proxy, origin, res->detail);
	else
		snprintf(why, whysz, "the proxy failed the connection to '%s' (%s); check "
			 "https_proxy, all_proxy and no_proxy", origin, res->detail);
}

/* One line on why a request failed: the cause, the retries, the API's own words. */
static void describe_failure(const struct fetch_result *res, char *why, size_t whysz)
{
	char api_msg[256], again[32], came[96];

	retried(res, again, sizeof(again));
	if (res->http_status == 0) {
		if (res->detail[0])
			snprintf(why, whysz, "%s%s (%s)", res->error, again, res->detail);
		else
			snprintf(why, whysz, "%s%s", res->error, again);
	} else if (scavio_error_message(res->body, res->len, api_msg, sizeof(api_msg)) == 0) {
		snprintf(why, whysz, "API answered %ld%s: %s", res->http_status, again, api_msg);
	} else if (res->error[0]) {
		snprintf(why, whysz, "API answered %ld%s: %s", res->http_status, again, res->error);
	} else if (res->len > 0 && !looks_like_json(res->body, res->len)) {
		what_came(res, came, sizeof(came));
		snprintf(why, whysz, "API answered %ld%s with %s, not JSON", res->http_status,
			 again, came);
	} else {
		snprintf(why, whysz, "API answered %ld%s", res->http_status, again);
	}
}

/* A 2xx answer: its counts, or why they cannot be had. */
static void read_counts(const struct fetch_result *res, struct api_answer *a)
{
	char came[96];

	if (scavio_parse(res->body, res->len, &a->counts, a->why, sizeof(a->why)) == 0) {
		a->outcome = API_COUNTS;
		return;
	}
	a->outcome = API_FAILED;
	if (!looks_like_json(res->body, res->len)) {
		what_came(res, came, sizeof(came));
		snprintf(a->why, sizeof(a->why), "API answered %ld with %s, not JSON",
			 res->http_status, came);
	}
}

static void read_answer(const struct config *cfg, const struct fetch_result *res,
			struct api_answer *a)
{
	char why[300], advice[400], url[200] = "";

	*a = (struct api_answer){ .index = res->index, .tag = res->tag,
				  .attempts = res->attempts };
	if (res->kind == FETCH_OK) {
		read_counts(res, a);
	} else if (res->kind == FETCH_CAPPED) {
		a->outcome = API_SKIPPED;
		snprintf(a->why, sizeof(a->why), "%s", res->error);
	} else if (res->kind == FETCH_CERTIFICATE || res->kind == FETCH_PROXY) {
		a->outcome = API_FATAL;
		connection_refused_run(cfg, res, a->why, sizeof(a->why));
	} else if (res->kind == FETCH_GONE) {
		a->outcome = API_FATAL;
		describe_failure(res, why, sizeof(why));
		http_url_shown(cfg->api_url, url, sizeof(url));
		snprintf(a->why, sizeof(a->why), "%s; the endpoint '%s' is retired: %s", why, url,
			 fatal_advice(res->kind));
	} else if (fetch_kind_is_fatal(res->kind)) {
		a->outcome = API_FATAL;
		describe_failure(res, why, sizeof(why));
		if (res->kind == FETCH_CREDITS)
			credits_advice(res, advice, sizeof(advice));
		else
			snprintf(advice, sizeof(advice), "%s", fatal_advice(res->kind));
		snprintf(a->why, sizeof(a->why), "%s; %s", why, advice);
	} else if (res->kind == FETCH_NOT_FOUND) {
		a->outcome = API_NOT_FOUND;
		snprintf(a->why, sizeof(a->why), "not found (404); check the spelling, or remove the tag");
	} else {
		a->outcome = API_FAILED;
		describe_failure(res, a->why, sizeof(a->why));
	}
	/* no answer at all (no connection, a timeout), or "not found" */
	a->tag_blind = res->kind == FETCH_NOT_FOUND ||
		       (res->kind == FETCH_TRANSIENT && res->http_status == 0);
	if (a->tag_blind)
		snprintf(a->cause, sizeof(a->cause), "%s", res->kind == FETCH_NOT_FOUND ?
			 "not found" : res->error);
}

static int64_t on_idle(void *user)
{
	struct api_fetch_ctx *c = user;

	return c->idle(c->ctx);
}

static int on_result(void *user, const struct fetch_result *res)
{
	struct api_fetch_ctx *c = user;
	struct api_answer a;

	read_answer(c->cfg, res, &a);
	return c->fn(c->ctx, &a);
}

int api_fetch(const struct config *cfg, const struct api_call *call,
	      const char *const *tags, size_t n, api_answer_fn fn, void *ctx,
	      char *err, size_t errsz)
{
	struct api_fetch_ctx c = { .cfg = cfg, .fn = fn, .idle = call->idle, .ctx = ctx };
	struct fetch_options opt = {
		.url = cfg->api_url, .api_key = cfg->api_key,
		.user_agent = HTTP_USER_AGENT, .timeout = cfg->timeout,
		.concurrency = call->probe ? 1 : cfg->concurrency,
		.interval_us = call->probe ? 0 : rate_interval_us(&cfg->rate),
		.retries = call->probe ? 0 : cfg->retries,
		.idle = call->idle ? on_idle : NULL,
		.ca_file = cfg->ca_file,
		.max_requests = call->probe ? 0 : (size_t)cfg->max_credits_per_run,
	};

	return fetch_all(&opt, tags, n, on_result, &c, err, errsz);
}
