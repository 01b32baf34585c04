/* retry: the one place that decides whether and when a request is tried again. Pure. */
#ifndef HASHTRACK_RETRY_H
#define HASHTRACK_RETRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fetch.h"

#define RETRY_BASE_MS 500
#define RETRY_CAP_MS (120 * 1000)

/* Whether a failure of this kind is worth another attempt. */
bool retry_is_retryable(enum fetch_kind kind);

/*
 * Milliseconds to wait before attempt number `attempt` + 1 (attempt >= 1):
 * the server's hint when it gave one (retry_after_ms >= 0), else exponential
 * backoff with full jitter (random in [0, base * 2^(attempt-1)]); capped at
 * RETRY_CAP_MS either way. `random` is a uniformly random 32-bit value.
 */
int64_t retry_delay_ms(int attempt, int64_t retry_after_ms, uint32_t random);

/* Retry-After as delta-seconds; -1 when absent or not a number. */
int64_t retry_after_ms_parse(const char *value);

/*
 * If the raw header line (n bytes, not NUL terminated) is Retry-After, store
 * its value in *ms and return true.
 */
bool retry_after_header(const char *line, size_t n, int64_t *ms);

#endif
