/* deliver: POST an alert payload to the webhook. */
#ifndef HASHTRACK_DELIVER_H
#define HASHTRACK_DELIVER_H

#include <stddef.h>
#include <stdint.h>

/*
 * POST payload (JSON) to url. Returns 0 on a 2xx answer; otherwise -1 with
 * a one-line reason in err ("webhook answered 500", "connection refused").
 * *retry_after_ms gets the answer's Retry-After, or -1.
 */
int deliver_post(const char *url, const char *payload, int64_t timeout,
		 int64_t *retry_after_ms, char *err, size_t errsz);

#endif
