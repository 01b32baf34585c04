/* sparkline: a series of counts as a row of block characters, ▁ to █. Pure. */
#ifndef HASHTRACK_SPARKLINE_H
#define HASHTRACK_SPARKLINE_H

#include <stddef.h>
#include <stdint.h>

/* Bytes one character of a sparkline takes in UTF-8. */
#define SPARKLINE_CHAR_BYTES 3

/*
 * The n values scaled between their own minimum (▁) and maximum (█); a
 * flat series is all ▁. Writes at most (bufsz - 1) / 3 characters, the
 * newest last when it must cut, and always terminates buf (bufsz >= 1).
 */
void sparkline(const int64_t *values, size_t n, char *buf, size_t bufsz);

/* The same with ▁ at floor or the minimum, whichever is lower: paces from 0. */
void sparkline_from(const int64_t *values, size_t n, int64_t floor, char *buf, size_t bufsz);

/* The level 0..7 of v between lo and hi (lo <= v <= hi); 0 when lo == hi. */
int sparkline_level(int64_t v, int64_t lo, int64_t hi);

#endif
