/*
 * ping: the dead-man's switch, healthchecks.io style. One short POST to
 * [health] ping_url with a suffix ("/start", "", "/fail") and a plain-text
 * body. Knows nothing of runs: the caller says when and what.
 */
#ifndef HASHTRACK_PING_H
#define HASHTRACK_PING_H

#include <stddef.h>

/* Seconds a ping may take: a monitor that does not answer must not hold up the run. */
#define PING_TIMEOUT_S 10

/*
 * POST body (may be "") to url with suffix added to its path (before any
 * query). Returns 0 on a 2xx answer; else -1 with one line in err that
 * names the URL by scheme and host only (its path is the secret).
 */
int ping_send(const char *url, const char *suffix, const char *body, const char *ca_file,
	      char *err, size_t errsz);

#endif
