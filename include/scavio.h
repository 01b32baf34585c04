/* scavio: the Scavio hashtag API's request and response bodies. Pure, no I/O. */
#ifndef HASHTRACK_SCAVIO_H
#define HASHTRACK_SCAVIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "detect.h"

struct scavio_counts {
	int64_t videos;         /* COUNT_UNKNOWN when the answer does not tell */
	int64_t views;          /* COUNT_UNKNOWN when the answer does not tell */
	int shape;              /* 1..6, the response shape the counts came from */
	bool has_credits;
	int64_t credits;        /* credits_remaining, top level or under "data" */
	bool has_credits_used;
	int64_t credits_used;   /* credits_used (this request's cost), top level or under "data" */
};

/* The request body {"hashtag_name":"<tag>"}; malloc'd, NULL on allocation failure. */
char *scavio_request_body(const char *tag);

/*
 * Extract the counts from a response body (len bytes, not necessarily NUL
 * terminated). The first shape, in the contract's order, whose two counts
 * are both known is used, else the first with one known count (the other
 * is COUNT_UNKNOWN); an invalid value in a shape read fails without falling
 * through. Absent, null, and a videoCount of 0 beside positive views are
 * unknown. Returns 0, or -1 with a reason in err such as "answer has no
 * video/view counts" or "videoCount is negative".
 */
int scavio_parse(const char *body, size_t len, struct scavio_counts *out,
		 char *err, size_t errsz);

/*
 * The message of an error answer {"error":{"code":...,"message":...}} into
 * out; returns 0 when found, -1 otherwise.
 */
int scavio_error_message(const char *body, size_t len, char *out, size_t outsz);

/*
 * A 429 body's "retry_after" (top level, or under "error" or "data"): a
 * number of seconds, or a string of one; -1 when absent or not one.
 */
double scavio_retry_after(const char *body, size_t len);

/* What a 402 says about the account; empty strings for what it does not say. */
struct scavio_billing {
	char balance[32];       /* "balance", "credits_remaining" or "credits" */
	char url[256];          /* "billing_url", when it is an https:// address */
};

/* Read from the top level, or under "error" or "data". */
void scavio_billing(const char *body, size_t len, struct scavio_billing *out);

#endif
