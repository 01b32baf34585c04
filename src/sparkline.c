/* sparkline: eight block heights for a series, scaled to its own range. */
#include "sparkline.h"

#include <math.h>
#include <string.h>

/* U+2581 LOWER ONE EIGHTH BLOCK .. U+2588 FULL BLOCK */
static const char *const blocks[8] = {
	"\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586", "\u2587", "\u2588",
};

int sparkline_level(int64_t v, int64_t lo, int64_t hi)
{
	/* Unsigned differences: the full int64 range cannot overflow them. */
	uint64_t span = (uint64_t)hi - (uint64_t)lo, off = (uint64_t)v - (uint64_t)lo;
	double level;

	if (hi <= lo || v <= lo)
		return 0;
	if (v >= hi)
		return 7;
	level = round((double)off / (double)span * 7.0);
	return level < 0 ? 0 : level > 7 ? 7 : (int)level;
}

void sparkline_from(const int64_t *values, size_t n, int64_t floor, char *buf, size_t bufsz)
{
	size_t room = bufsz ? (bufsz - 1) / SPARKLINE_CHAR_BYTES : 0, first, len = 0;
	int64_t lo, hi;

	if (!bufsz)
		return;
	buf[0] = '\0';
	if (n == 0 || room == 0)
		return;
	first = n > room ? n - room : 0;
	lo = hi = values[first];
	for (size_t i = first; i < n; i++) {
		lo = values[i] < lo ? values[i] : lo;
		hi = values[i] > hi ? values[i] : hi;
	}
	lo = floor < lo ? floor : lo;
	for (size_t i = first; i < n; i++) {
		memcpy(buf + len, blocks[sparkline_level(values[i], lo, hi)], SPARKLINE_CHAR_BYTES);
		len += SPARKLINE_CHAR_BYTES;
	}
	buf[len] = '\0';
}

void sparkline(const int64_t *values, size_t n, char *buf, size_t bufsz)
{
	sparkline_from(values, n, INT64_MAX, buf, bufsz);
}
