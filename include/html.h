/*
 * html: the report as one self-contained page: the summary table, then a
 * card per hashtag with its video and view counts over time and its viral
 * moments marked. Inline CSS and SVG only: no script, no fetch, no file
 * beside it. Pure: writes to the FILE it is given.
 */
#ifndef HASHTRACK_HTML_H
#define HASHTRACK_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "detect.h"

struct html_row {
	const char *tag;
	const char *status;             /* ok, no-baseline, incomparable, not-found, no-data */
	bool has_last;
	struct snapshot last;
	const struct verdict *v;        /* the comparison with the baseline, or NULL */
	const struct snapshot *recent;  /* the table's sparkline, oldest first */
	size_t nrecent;
	bool charted;                   /* gets a card with charts */
	const struct snapshot *snaps;   /* its history for the charts, oldest first */
	size_t nsnaps;
	const int64_t *alerts;          /* its viral moments, oldest first */
	size_t nalerts;
};

struct html_page {
	int64_t generated_at;
	const char *window;             /* as a user would type it: "6h" */
	const char *version;
	const struct html_row *rows;    /* the page says so when some have no chart */
	size_t n;
};

/* The whole page. Returns -1 when writing to f failed. */
int html_write(FILE *f, const struct html_page *p);

/* s with &, <, >, " and ' as character references. */
void html_escape(FILE *f, const char *s);

#endif
