/*
 * html: the report as one self-contained page a person reads at a glance on
 * a 1280 px laptop, at any number of hashtags: the summary first (what is
 * firing, rising, failing, per campaign), then a card for each charted
 * hashtag with its pace over time (new views and videos per hour, its usual
 * pace as a band, its alerts marked) beside its totals, then the compact
 * table of every hashtag (viral and failing ones marked).
 * Inline CSS and SVG only: no script, no fetch, no file beside it. Pure:
 * writes to the FILE it is given.
 */
#ifndef HASHTRACK_HTML_H
#define HASHTRACK_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "campaign.h"
#include "chart.h"
#include "detect.h"

/* One row and its card; the fields run largest first (no padding), the flags last. */
struct html_row {
	const char *tag;
	const char *campaign;           /* NULL or "": in none */
	const char *status;             /* ok, learning, no-baseline, incomparable, not-found, no-data */
	const char *error;              /* why its last fetch failed; NULL or "": not said */
	const struct verdict *v;        /* the comparison with the baseline, or NULL */
	double ratio;                   /* has_ratio: the headline pace over its usual pace */
	double usual_videos, usual_views;       /* has_usual_*: per hour, as of the latest snapshot */
	const struct snapshot *snaps;   /* its history (the charts' time axis), oldest first */
	size_t nsnaps;
	double surge;                   /* its surge rule: the band's top is surge x usual */
	const int64_t *alerts;          /* its alert times, oldest first */
	size_t nalerts;
	struct snapshot last;           /* has_last: its latest snapshot */
	struct chart_series videos, views;      /* each count's pace and usual pace */
	bool firing;                    /* its alert lasts, as run left it: marked viral */
	bool failing;                   /* its last fetch failed (not found, or an error) */
	bool has_last;
	bool has_ratio;
	bool has_usual_videos, has_usual_views;
	bool charted;                   /* gets a card with charts */
	bool muted;                     /* its alerts are muted now */
};

struct html_page {
	int64_t generated_at;
	int64_t window;                 /* seconds */
	const char *version;
	const struct html_row *rows;    /* the table's rows, in its order */
	size_t n;
	const size_t *cards;            /* the rows that get a card, in the cards' order */
	size_t ncards;
	const struct campaign_group *groups;    /* the rows by campaign, or none (ngroups 0) */
	size_t ngroups;
};

/* The whole page. Returns -1 when writing to f failed. */
int html_write(FILE *f, const struct html_page *p);

/* s with &, <, >, " and ' as character references. */
void html_escape(FILE *f, const char *s);

#endif
