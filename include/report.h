/*
 * report: the report's rows. Each tag's latest snapshot against the
 * baseline `run` would pick for it, filtered and sorted, with the recent
 * snapshots the sparklines need and, for the charts, the history, the
 * alerts and each count's pace and usual pace over time. The
 * store is read in bulk (one prepared statement per kind of lookup), so
 * thousands of tags cost milliseconds. Rendering is report_out's.
 */
#ifndef HASHTRACK_REPORT_H
#define HASHTRACK_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "campaign.h"
#include "chart.h"
#include "detect.h"
#include "judge.h"
#include "store.h"

/*
 * Snapshots in a sparkline, and hashtags that get a chart on the HTML page
 * unless they are named: the ones that matter most, so that the page of a
 * 10,000-tag account stays small and quick to paint.
 */
#define REPORT_RECENT 12
#define REPORT_CHART_LIMIT 20
/* Moments along a charted history at which its usual pace is estimated: bounded work. */
#define REPORT_USUAL_POINTS 60

enum report_sort { REPORT_SORT_GIVEN, REPORT_SORT_GROWTH, REPORT_SORT_PACE,
		   REPORT_SORT_VIDEOS, REPORT_SORT_VIEWS, REPORT_SORT_NAME };

struct report_query {
	struct detect_config dc;        /* window and tolerance of the comparison */
	struct rules defaults;          /* rules for tags without their own */
	enum report_sort sort;
	bool has_min_growth;
	double min_growth;              /* percent of video growth, as shown (two decimals) */
	bool chart_all;                 /* chart every row (hashtags were named), not the top ones */
	int64_t now;                    /* a tag muted until after this is shown muted */
};

/*
 * One count's pace over a charted history: per hour between each snapshot
 * and the previous one that knows the count and compares with it (an
 * unknown count is skipped, a change of response shape leaves a gap); and
 * the usual pace, as run estimates it, at up to REPORT_USUAL_POINTS moments.
 */
struct report_pace {
	struct chart_rate *pace;
	size_t npace;
	struct chart_rate *usual;       /* moments: from == to; known false while learning */
	size_t nusual;
};

struct report_row {
	const struct tag_info *tag;
	const char *status;             /* ok, learning, no-baseline, incomparable, not-found, no-data */
	struct judgement j;             /* the latest snapshot judged as run judged it */
	struct verdict v;               /* j.v: the window's figures */
	const struct snapshot *recent;  /* report_load_recent: the sparkline, oldest first */
	size_t nrecent;
	struct snapshot *snaps;         /* report_load_charts: the whole history */
	size_t nsnaps, cap;
	int64_t *alerts;                /* report_load_charts: the alert times */
	size_t nalerts;
	bool charted;
	struct report_pace videos_pace, views_pace;     /* report_load_charts */
	double surge;                   /* the tag's surge rule, for the chart's band */
	bool muted;                     /* its alerts are muted now */
};

struct report {
	struct report_row *rows;
	size_t n;
	struct snapshot *recent;        /* the rows' recent snapshots, REPORT_RECENT each */
	size_t *charted;                /* report_load_charts: the charted rows, most telling first */
	size_t ncharted;
	struct campaign_group *groups;  /* report_group: the rows by campaign, or none */
	size_t ngroups;
};

/*
 * The rows of tags[0..n) (which must outlive the report): compared,
 * filtered and sorted as q says. Returns 0, or -1 after saying what failed.
 */
int report_build(struct store *st, const struct report_query *q,
		 const struct tag_info *tags, size_t n, struct report *out);
/*
 * Group the rows by campaign, for the table and the page: campaigns in name
 * order, the tags in no campaign last, each group's rows in the order they
 * had; with each group's totals. When no row is in a campaign nothing
 * changes and there is no group. Call it before report_load_recent and
 * report_load_charts. Returns 0, or -1 after saying what failed.
 */
int report_group(struct report *r);

/* The last REPORT_RECENT snapshots of every row, in one pass. */
int report_load_recent(struct store *st, struct report *r);
/*
 * The whole history, the alert times and each count's pace and usual pace
 * (as q's detection and the tag's surge rule see them) of every row when
 * q->chart_all, else of the REPORT_CHART_LIMIT rows that tell most: firing
 * first, then the highest pace over usual, then the highest growth.
 */
int report_load_charts(struct store *st, const struct report_query *q, struct report *r);
void report_release(struct report *r);

/* Whether the row's latest snapshot was compared with a baseline. */
bool report_row_compared(const struct report_row *r);

/* The headline pace over its usual pace (views, or the count that surged); false: none. */
bool report_row_pace(const struct report_row *r, double *ratio);

#endif
