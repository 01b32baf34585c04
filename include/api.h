/*
 * api: the Scavio API as `run` and `doctor` use it. The one place the
 * configuration becomes fetch options, and where each answer is read into
 * counts or into one line saying why not. Commands never see fetch.h or
 * scavio.h.
 */
#ifndef HASHTRACK_API_H
#define HASHTRACK_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "scavio.h"

enum api_outcome {
	API_COUNTS,     /* counts holds the answer */
	API_NOT_FOUND,  /* 404: the tag does not exist (or is misspelled) */
	API_FAILED,     /* this tag failed; why says how */
	API_FATAL,      /* the API refuses the whole run (401, 402, 403, 410), or its TLS
			   certificate or the proxy does; why says what to do */
	API_SKIPPED,    /* not fetched: the run spent [api] max_credits_per_run */
};

struct api_answer {
	size_t index;                   /* into the tags given to api_fetch */
	const char *tag;
	enum api_outcome outcome;
	struct scavio_counts counts;    /* API_COUNTS */
	bool tag_blind;                 /* failed before any answer, or 404: it may be the
					   URL's or the network's fault, not the tag's */
	char cause[128];                /* then the failure in our own words, without
					   libcurl's (which vary: "after 1 ms"), to compare */
	int attempts;                   /* requests made for this answer, retries included */
	char why[768];                  /* otherwise: one line, without the tag */
};

/*
 * Called with each answer, in completion order. Non-zero stops the run;
 * after an API_FATAL answer nothing new starts before this is called.
 */
typedef int (*api_answer_fn)(void *ctx, const struct api_answer *a);

/*
 * Optional, called whenever the fetch loop is about to wait: returns the
 * longest wait in microseconds it allows before it is called again, or -1.
 */
typedef int64_t (*api_idle_fn)(void *ctx);

struct api_call {
	bool probe;             /* doctor: one request at a time, no retries */
	api_idle_fn idle;       /* NULL: none */
};

/*
 * Fetch tags[0..n) as cfg says ([api] url, key, timeout, concurrency, rate,
 * retries, ca_file, max_credits_per_run: each request started, retries
 * included, counts as one credit; a probe has no cap). Returns 0 when all were attempted, 1 when fn stopped the run,
 * -1 on a setup failure (reason in err).
 */
int api_fetch(const struct config *cfg, const struct api_call *call,
	      const char *const *tags, size_t n, api_answer_fn fn, void *ctx,
	      char *err, size_t errsz);

#endif
