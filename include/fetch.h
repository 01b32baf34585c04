/*
 * fetch: the Scavio API over libcurl's multi interface. Keeps `concurrency`
 * transfers in flight, starts them one rate interval apart on average
 * (retry_next_start), reuses connections and retries transient failures.
 * Its handles come from http.h; results come back as our own codes.
 */
#ifndef HASHTRACK_FETCH_H
#define HASHTRACK_FETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "retry.h"

#define FETCH_MAX_BODY (1024 * 1024)    /* a larger answer is cut off as an error */
#define FETCH_MAX_HEADER (64 * 1024)    /* and so are larger headers, all together */

/*
 * Optional, called with fetch_all's ctx whenever the loop is about to wait
 * (for answers, a hold or the pacing): the moment for work that should not
 * delay a start. Returns the longest wait, in microseconds, it allows before
 * it is called again, or -1 for no limit.
 */
typedef int64_t (*fetch_idle_fn)(void *ctx);

struct fetch_options {
	const char *url;
	const char *api_key;
	const char *user_agent;
	int64_t timeout;        /* seconds per request */
	int concurrency;
	int64_t interval_us;    /* between two starts; 0 = no limit */
	int retries;
	fetch_idle_fn idle;     /* NULL: none */
	const char *ca_file;    /* a PEM bundle to trust; NULL: the system's */
	size_t max_requests;    /* start no more than this many, retries included; 0: no cap.
				   The tags left are reported as FETCH_CAPPED */
};

/*
 * Every answer's body, Content-Type and libcurl detail come with each
 * occurrence of the API key masked ("****"): what the callbacks print or
 * store of them cannot leak it.
 */
struct fetch_result {
	size_t index;           /* into the tags given to fetch_all */
	const char *tag;
	enum fetch_kind kind;
	long http_status;       /* 0 when no answer came */
	const char *body;       /* valid during the callback only; NUL terminated */
	size_t len;
	const char *content_type; /* the answer's Content-Type, "" when none */
	int attempts;           /* tries made, so attempts - 1 retries */
	char error[128];        /* no usable answer: the cause, "no answer within 30s" */
	char detail[256];       /* and libcurl's own words, when it had any */
};

/*
 * Called as each tag finishes, in completion order. The slots the answers
 * freed have their next requests on the wire by then, so the callback's work
 * overlaps the API's latency; nothing new starts before the callback of an
 * answer that stops the run (fetch_kind_is_fatal). Non-zero stops everything.
 */
typedef int (*fetch_done_fn)(void *ctx, const struct fetch_result *r);

/*
 * Fetch every tag. Retries, waits and the run's pacing follow retry.h's
 * retry_decide(): a 429 holds every start and slows the rest of the run to
 * one request in flight; a retry of one tag never holds up the others
 * otherwise. Returns 0 when all were attempted, 1 when a callback stopped
 * the run (transfers still in flight are abandoned, nothing new starts),
 * -1 on a setup failure (reason in err).
 */
int fetch_all(const struct fetch_options *opt, const char *const *tags, size_t n,
	      fetch_done_fn done, void *ctx, char *err, size_t errsz);

/* Whether a kind ends the whole run at once (401, 402, 403, 410, certificate, proxy). */
int fetch_kind_is_fatal(enum fetch_kind kind);

/* libcurl's version, for --version. */
const char *fetch_curl_version(void);

#endif
