/*
 * csvread: the CSV that `import` reads, one record at a time: fields split
 * in place (RFC 4180 quoting), the header's columns found by name, and each
 * row checked into a snapshot. Pure, no I/O; the caller adds the line number.
 */
#ifndef HASHTRACK_CSVREAD_H
#define HASHTRACK_CSVREAD_H

#include <stddef.h>

#include "detect.h"
#include "tag.h"

#define CSV_MAX_FIELDS 16

/*
 * Split one record (line terminator already removed) into fields, in place:
 * quotes are removed and "" becomes ". Returns the number of fields, or -1
 * with a reason in err (an unterminated quote, more than max fields).
 */
int csv_split(char *line, char **fields, size_t max, char *err, size_t errsz);

/* Remove a trailing "\n" or "\r\n" (and a lone "\r") in place; returns the new length. */
size_t csv_chomp(char *line, size_t len);

/* The columns export writes; source may be absent on import. */
enum snapcol { SNAPCOL_HASHTAG, SNAPCOL_TS, SNAPCOL_VIDEOS, SNAPCOL_VIEWS, SNAPCOL_SOURCE,
	       SNAPCOL_COUNT };

/* Where each column sits in a record; -1 for an absent source. */
struct snap_header {
	int at[SNAPCOL_COUNT];
	size_t nfields;
};

/*
 * Read the header record: hashtag, ts, video_count, view_count and
 * optionally source, in any order, names case-insensitive. An unknown,
 * repeated or missing column is an error naming it.
 */
int snap_header_parse(char *const *fields, size_t n, struct snap_header *h,
		      char *err, size_t errsz);

/* One checked row: the tag normalised, the time parsed, the counts exact. */
struct snap_row {
	char tag[TAG_BUF_SIZE];
	struct snapshot s;      /* source 0 when the column is absent or empty */
};

/*
 * Check a data record against the header. The reason names the column and
 * quotes the bad value: "video_count 'lots' is not a whole number".
 */
int snap_row_parse(char *const *fields, size_t n, const struct snap_header *h,
		   struct snap_row *out, char *err, size_t errsz);

#endif
