/*
 * chart: a hashtag's pace over time as an inline SVG chart (new views or
 * videos per hour between runs, its usual pace as a band, its alerts
 * marked). Pure: writes SVG
 * text to the FILE it is given, fetches nothing, computes no pace itself.
 */
#ifndef HASHTRACK_CHART_H
#define HASHTRACK_CHART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The SVG's own coordinates, near its size on a 1280 px page; it scales to its box. */
#define CHART_WIDTH 460
#define CHART_HEIGHT 230

/*
 * A count's pace, per hour, over [from, to] (from < to): between two runs.
 * A usual pace is a moment: from == to. known false: no pace there (a gap).
 */
struct chart_rate {
	int64_t from, to;
	bool known;
	double per_hour;
};

/* One count's pace and usual pace, oldest first. */
struct chart_series {
	const struct chart_rate *pace;
	size_t npace;
	const struct chart_rate *usual;         /* moments along the history */
	size_t nusual;
};

struct chart {
	struct chart_series s;
	int64_t t0, t1;                 /* the time axis: the tag's whole history */
	double surge;                   /* the band: usual to surge x usual; <= 1: the usual line */
	bool views;                     /* coloured as views; else as videos */
	const int64_t *marks;           /* alert times, oldest first */
	size_t nmarks;
	bool has_window;                /* shade [window_from, window_to]: the report's window */
	int64_t window_from, window_to;
	const char *label;              /* what the chart shows, for screen readers */
	const char *empty;              /* said when there is no pace to draw */
};

/* The chart as one <svg> element; without a known pace it says c->empty. */
void chart_svg(FILE *f, const struct chart *c);

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
 * The paces worth drawing when n of them meet a width of `columns` pixels:
 * runs of adjacent known paces (each from the last one's to) merged,
 * time-weighted, into spans of at least (t1 - t0) / columns; unknown and
 * non-adjacent ones start a new span. out has room for n; returns how many.
 */
size_t chart_merge(const struct chart_rate *r, size_t n, int64_t t0, int64_t t1, size_t columns,
		   struct chart_rate *out);

#endif
