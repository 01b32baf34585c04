/*
 * chart: inline SVG line charts of a hashtag's counts over time, with its
 * viral moments marked, and the small sparkline the HTML table shows.
 * Pure: writes SVG text to the FILE it is given, fetches nothing.
 */
#ifndef HASHTRACK_CHART_H
#define HASHTRACK_CHART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "detect.h"

/* The SVG's own coordinates; it scales to its box. */
#define CHART_WIDTH 600
#define CHART_HEIGHT 240

struct chart {
	const struct snapshot *snaps;   /* oldest first */
	size_t n;
	bool views;                     /* plot view_count; else video_count */
	const int64_t *marks;           /* viral moments (alert times), oldest first */
	size_t nmarks;
	bool has_window;                /* shade [window_from, window_to]: the report's window */
	int64_t window_from, window_to;
	const char *label;              /* what the chart shows, for screen readers */
};

/* The chart as one <svg> element. Draws "no snapshots" when n is 0. */
void chart_svg(FILE *f, const struct chart *c);

/* A small line of the snapshots' video counts for a table cell; nothing below 2 points. */
void chart_sparkline_svg(FILE *f, const struct snapshot *snaps, size_t n, bool viral);

/* s with &, <, >, " and ' as character references, for SVG and HTML alike. */
void chart_escape(FILE *f, const char *s);

/* A round step (1, 2 or 5 times a power of ten, at least 1) near raw. */
double chart_nice_step(double raw);

/* v in few characters for an axis whose ticks are step apart: 1500000 -> "1.5M". */
void chart_compact(double v, double step, char *buf, size_t bufsz);

/* Seconds between time ticks for a span: a round step giving it at most seven. */
int64_t chart_time_step(int64_t span);

enum chart_unit { CHART_HOURS, CHART_DAYS, CHART_MONTHS, CHART_YEARS };

/*
 * The time ticks of [t0, t1] (at most max, about six): multiples of
 * chart_time_step below a month, else the first of every 1, 2, 3, 6, 12...
 * months. *unit says how to label them.
 */
size_t chart_time_ticks(int64_t t0, int64_t t1, int64_t *ticks, size_t max,
			enum chart_unit *unit);

/*
 * The points worth drawing when n snapshots meet a width of `columns`
 * pixels: the first, the last, and the newest in each column between.
 * keep gets the indexes (room for n); returns how many.
 */
size_t chart_thin(const struct snapshot *snaps, size_t n, size_t columns, size_t *keep);

#endif
