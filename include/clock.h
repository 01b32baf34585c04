/* clock: the real monotonic clock, for waits and pacing (never HASHTRACK_NOW). */
#ifndef HASHTRACK_CLOCK_H
#define HASHTRACK_CLOCK_H

#include <stdint.h>

/* Microseconds on CLOCK_MONOTONIC. */
int64_t clock_monotonic_us(void);

#endif
