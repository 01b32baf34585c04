/*
 * snapout: snapshots as the rows `history` and `export` print, with the
 * columns hashtag,ts,video_count,view_count,source: CSV with a header, or a
 * JSON array written one object per line as the rows come, so that an
 * export of millions of snapshots needs no more memory than one.
 */
#ifndef HASHTRACK_SNAPOUT_H
#define HASHTRACK_SNAPOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "detect.h"

enum snapout_format { SNAPOUT_CSV, SNAPOUT_JSON };

struct snapout {
	FILE *f;
	enum snapout_format fmt;
	size_t rows;
};

/* The CSV header, or the JSON array's opening. */
void snapout_begin(struct snapout *o, FILE *f, enum snapout_format fmt);
/* One row: ts in RFC 3339 UTC, exact counts, source 1-5 or empty / null (0). */
void snapout_row(struct snapout *o, const char *tag, const struct snapshot *s);
/* The JSON array's end. Returns -1 when writing to f failed. */
int snapout_end(struct snapout *o);

#endif
