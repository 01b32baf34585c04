/* duration: "90s", "30m", "6h", "1d", "2w"; "6 hours" for people; rates "5/min", "2/s", "0". Pure. */
#ifndef HASHTRACK_DURATION_H
#define HASHTRACK_DURATION_H

#include <stddef.h>
#include <stdint.h>

/*
 * Parse a positive integer with a unit (s, m, h, d, w) into seconds.
 * Returns 0, or -1 with a reason in err (a bare number says which units exist).
 */
int duration_parse(const char *s, int64_t *seconds, char *err, size_t errsz);

/* Shortest exact text for a duration: 21600 -> "6h", 21900 -> "6h5m", 90 -> "1m30s". */
void duration_format(int64_t seconds, char *buf, size_t bufsz);

/*
 * A duration as people say it, for pages people read: "90 seconds",
 * "45 minutes", "90 minutes", "1 hour", "6 hours", "5 hours 59 minutes",
 * "36 hours", "2 days", "2 days 3 hours". Two parts at most: minutes are
 * rounded once a duration reaches 2 minutes, hours once it reaches 2 days.
 */
void duration_human(int64_t seconds, char *buf, size_t bufsz);

/* A start rate: count requests per `per_seconds` seconds; count 0 = no limit. */
struct rate {
	int64_t count;
	int64_t per_seconds;
};

/* Parse "N/s", "N/min" or "0". Returns 0, or -1 with a reason in err. */
int rate_parse(const char *s, struct rate *out, char *err, size_t errsz);

/* Microseconds between two evenly spaced starts; 0 when unlimited. */
int64_t rate_interval_us(const struct rate *r);

#endif
