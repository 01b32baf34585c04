/*
 * jsonread: the JSON that `export --format json` writes, read back for
 * `import`: an array of {"hashtag","ts","video_count","view_count","source"}
 * objects, each checked into a snapshot as csvread checks a CSV row. Pure,
 * no I/O; the caller adds the file name and the row's index.
 */
#ifndef HASHTRACK_JSONREAD_H
#define HASHTRACK_JSONREAD_H

#include <stddef.h>

#include "csvread.h"

/* The parsed array and where reading it has got to. */
struct json_rows {
	void *root;             /* cJSON's tree, owned */
	void *next;             /* the next element to read */
	size_t index;           /* the index of the element json_rows_next returned last */
};

/*
 * Parse text (NUL-terminated) as a JSON array. Returns 0, or -1 with a
 * reason in err naming the line where the text stops being JSON, or saying
 * that it is not an array. Release it with json_rows_release in any case.
 */
int json_rows_parse(struct json_rows *r, const char *text, char *err, size_t errsz);

/*
 * The next element, checked into out: hashtag and ts strings; counts null
 * (unknown), an integer up to 2^53 or a string of digits; source null or
 * 1-6, or absent. Returns 1 with r->index set to its index, 0 after the
 * last, -1 with a reason in err (r->index names the element).
 */
int json_rows_next(struct json_rows *r, struct snap_row *out, char *err, size_t errsz);

void json_rows_release(struct json_rows *r);

#endif
