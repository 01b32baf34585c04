/* chart: a pace over time as inline SVG: scales, ticks, the usual band, the line, the marks. */
#include "chart.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "timefmt.h"

/* The plot area inside the SVG: room for the y labels left, the x labels below. */
#define PLOT_LEFT 52
#define PLOT_RIGHT 14
#define PLOT_TOP 22
#define PLOT_BOTTOM 38
#define PLOT_W (CHART_WIDTH - PLOT_LEFT - PLOT_RIGHT)
#define PLOT_H (CHART_HEIGHT - PLOT_TOP - PLOT_BOTTOM)

#define HOUR INT64_C(3600)
#define DAY (24 * HOUR)

/* A mark gets its "alert" caption while there are few enough to read. */
#define MAX_CAPTIONS 8
#define CAPTION_GAP 40.0

/* Pixels per merged pace: finer steps than this are noise at a glance. */
#define PIXELS_PER_STEP 2

double chart_nice_step(double raw)
{
	double mag, f;

	if (!(raw > 1.0))
		return 1.0;
	mag = pow(10.0, floor(log10(raw)));
	f = raw / mag;
	return (f <= 1.0 ? 1.0 : f <= 2.0 ? 2.0 : f <= 5.0 ? 5.0 : 10.0) * mag;
}

void chart_compact(double v, double step, char *buf, size_t bufsz)
{
	static const struct { double unit; const char *suffix; } units[] = {
		{ 1e12, "T" }, { 1e9, "B" }, { 1e6, "M" }, { 1e3, "K" }, { 1, "" },
	};
	double a = fabs(v) > fabs(step) ? fabs(v) : fabs(step);
	size_t u = 0;
	int decimals = 0;

	if (v == 0) {
		snprintf(buf, bufsz, "0");
		return;
	}
	while (u + 1 < ARRAY_SIZE(units) && a < units[u].unit)
		u++;
	/* Enough decimals to tell neighbouring ticks apart, and no more. */
	while (decimals < 3) {
		double scaled = step / units[u].unit * pow(10.0, decimals);

		if (fabs(scaled - round(scaled)) < 1e-6)
			break;
		decimals++;
	}
	snprintf(buf, bufsz, "%.*f%s", decimals, v / units[u].unit, units[u].suffix);
}

int64_t chart_time_step(int64_t span)
{
	static const int64_t steps[] = {
		HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY, 14 * DAY,
		30 * DAY, 61 * DAY, 91 * DAY, 182 * DAY, 365 * DAY,
	};
	size_t i;

	for (i = 0; i + 1 < ARRAY_SIZE(steps); i++)
		if (span / steps[i] <= 6)
			break;
	if (span / steps[i] > 6)        /* beyond years: whole multiples of a year */
		return steps[i] * (span / steps[i] / 6 + 1);
	return steps[i];
}

/* Scales from data to SVG coordinates. */
struct scale {
	int64_t t0, t1;
	double lo, hi, step;
};

static double x_of(const struct scale *sc, int64_t t)
{
	return PLOT_LEFT + (double)(t - sc->t0) / (double)(sc->t1 - sc->t0) * PLOT_W;
}

static double y_of(const struct scale *sc, double v)
{
	return PLOT_TOP + PLOT_H - (v - sc->lo) / (sc->hi - sc->lo) * PLOT_H;
}

size_t chart_merge(const struct chart_rate *r, size_t n, int64_t t0, int64_t t1, size_t columns,
		   struct chart_rate *out)
{
	double min_span = columns ? (double)(t1 - t0) / (double)columns : 0;
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		struct chart_rate *last = k ? &out[k - 1] : NULL;

		if (last && last->known && r[i].known && r[i].from == last->to &&
		    (double)(last->to - last->from) < min_span) {
			/* Time-weighted: the pace over the merged span, as if measured across it. */
			double a = (double)(last->to - last->from), b = (double)(r[i].to - r[i].from);

			last->per_hour = a + b > 0 ? (last->per_hour * a + r[i].per_hour * b) / (a + b)
						   : r[i].per_hour;
			last->to = r[i].to;
		} else {
			out[k++] = r[i];
		}
	}
	return k;
}

/* The band's top at a usual pace. */
static double band_top(const struct chart *c, double usual)
{
	return c->surge > 1 ? usual * c->surge : usual;
}

static void fit_scale(const struct chart *c, const struct chart_rate *p, size_t n,
		      struct scale *sc)
{
	double lo = 0, hi = 0;

	sc->t0 = c->t0;
	sc->t1 = c->t1;
	if (sc->t1 <= sc->t0) {         /* one moment: put it in the middle */
		sc->t0 -= 3 * HOUR;
		sc->t1 += 3 * HOUR;
	}
	for (size_t i = 0; i < n; i++) {
		if (p[i].known && isfinite(p[i].per_hour)) {
			lo = fmin(lo, p[i].per_hour);
			hi = fmax(hi, p[i].per_hour);
		}
	}
	for (size_t i = 0; i < c->s.nusual; i++)
		if (c->s.usual[i].known && isfinite(band_top(c, c->s.usual[i].per_hour)))
			hi = fmax(hi, band_top(c, c->s.usual[i].per_hour));
	sc->step = chart_nice_step((hi - lo) / 4.0);
	sc->lo = floor(lo / sc->step) * sc->step;
	sc->hi = ceil(hi / sc->step) * sc->step;
	if (sc->hi == sc->lo)
		sc->hi = sc->lo + sc->step;
}

static void y_axis(FILE *f, const struct scale *sc)
{
	char label[32];

	long ticks = lround((sc->hi - sc->lo) / sc->step);

	fputs("<g class=\"grid\">", f);
	for (long i = 0; i <= ticks; i++) {
		double v = sc->lo + (double)i * sc->step, y = y_of(sc, v);

		chart_compact(v, sc->step, label, sizeof(label));
		fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>"
			"<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>",
			PLOT_LEFT, y, CHART_WIDTH - PLOT_RIGHT, y, PLOT_LEFT - 8, y + 4, label);
	}
	fputs("</g>", f);
}

/* The number in the n digits at s, as in the fixed layout of time_format. */
static int field(const char *s, size_t n)
{
	int64_t v;

	parse_digits(s, n, &v);
	return (int)v;
}

/* The epoch of the first of a month (m may run past 12). */
static int64_t month_start(int64_t y, int m)
{
	char text[TIME_BUF_SIZE], err[128];
	int64_t t = 0;

	y += (m - 1) / 12;
	m = (m - 1) % 12 + 1;
	snprintf(text, sizeof(text), "%04d-%02d-01T00:00:00Z", (int)y, m);
	if (time_parse(text, &t, err, sizeof(err)))
		return INT64_MAX;       /* past year 9999: no more ticks */
	return t;
}

/* Ticks on the first of every `every` months, aligned (quarters start in January). */
static size_t month_ticks(int64_t t0, int64_t t1, int every, int64_t *ticks, size_t max)
{
	char iso[TIME_BUF_SIZE];
	int64_t y;
	int m;
	size_t n = 0;

	time_format(t0, iso);            /* 2026-05-22T06:00:00Z */
	y = field(iso, 4);
	m = field(iso + 5, 2);
	m = (m - 1) / every * every + 1;        /* back to an aligned month */
	for (int64_t t = month_start(y, m); t <= t1 && n < max; t = month_start(y, m)) {
		if (t >= t0)
			ticks[n++] = t;
		m += every;
	}
	return n;
}

size_t chart_time_ticks(int64_t t0, int64_t t1, int64_t *ticks, size_t max,
			enum chart_unit *unit)
{
	static const int every[] = { 1, 2, 3, 6, 12, 24, 60, 120, 600, 1200 };
	int64_t span = t1 - t0, step = chart_time_step(span), t;
	size_t n = 0, i = 0;

	if (step < 30 * DAY) {
		*unit = step < DAY ? CHART_HOURS : CHART_DAYS;
		for (t = t0 / step * step; t <= t1 && n < max; t += step)
			if (t >= t0)
				ticks[n++] = t;
		return n;
	}
	/* Months are not all as long: at most six ticks, each on the first of one. */
	while (i + 1 < ARRAY_SIZE(every) && span / (every[i] * 30 * DAY) > 5)
		i++;
	*unit = every[i] < 12 ? CHART_MONTHS : CHART_YEARS;
	return month_ticks(t0, t1, every[i], ticks, max);
}

/*
 * The two lines of a time tick: the finer unit above, and the coarser one
 * below only where it changes ("06:00" over "May 22"; "Aug" over "2026").
 */
static void tick_text(int64_t t, enum chart_unit unit, char *top, char *bottom, size_t sz)
{
	char iso[TIME_BUF_SIZE];
	int month;

	time_format(t, iso);            /* 2026-05-22T06:00:00Z */
	month = field(iso + 5, 2);
	if (month < 1 || month > 12)
		month = 1;
	bottom[0] = '\0';
	switch (unit) {
	case CHART_HOURS:
		snprintf(top, sz, "%.5s", iso + 11);
		snprintf(bottom, sz, "%s %d", time_month_name(month), field(iso + 8, 2));
		break;
	case CHART_DAYS:
		snprintf(top, sz, "%s %d", time_month_name(month), field(iso + 8, 2));
		snprintf(bottom, sz, "%.4s", iso);
		break;
	case CHART_MONTHS:
		snprintf(top, sz, "%s", time_month_name(month));
		snprintf(bottom, sz, "%.4s", iso);
		break;
	case CHART_YEARS:
		snprintf(top, sz, "%.4s", iso);
		break;
	}
}

#define MAX_TICKS 12

static void x_axis(FILE *f, const struct scale *sc)
{
	int64_t ticks[MAX_TICKS];
	enum chart_unit unit;
	size_t n = chart_time_ticks(sc->t0, sc->t1, ticks, MAX_TICKS, &unit);
	char top[32], bottom[32], shown[32] = "";
	int bottom_y = CHART_HEIGHT - PLOT_BOTTOM;

	fprintf(f, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>",
		PLOT_LEFT, bottom_y, CHART_WIDTH - PLOT_RIGHT, bottom_y);
	fputs("<g class=\"ticks\">", f);
	for (size_t i = 0; i < n; i++) {
		double x = x_of(sc, ticks[i]);

		tick_text(ticks[i], unit, top, bottom, sizeof(top));
		fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>"
			"<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>",
			x, bottom_y, x, bottom_y + 4, x, bottom_y + 17, top);
		if (bottom[0] && strcmp(bottom, shown) != 0) {
			fprintf(f, "<text class=\"sub\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s"
				"</text>", x, bottom_y + 31, bottom);
			snprintf(shown, sizeof(shown), "%s", bottom);
		}
	}
	fputs("</g>", f);
}

/* A pace as a step: flat across the span it was measured over, broken at gaps. */
static void pace_line(FILE *f, const struct chart *c, const struct chart_rate *p, size_t n,
		      const struct scale *sc)
{
	const char *kind = c->views ? "views" : "videos";
	const struct chart_rate *prev = NULL;

	fprintf(f, "<path class=\"line %s\" d=\"", kind);
	for (size_t i = 0; i < n; i++) {
		if (!p[i].known || !isfinite(p[i].per_hour) || p[i].to < sc->t0 || p[i].from > sc->t1) {
			prev = NULL;
			continue;
		}
		if (prev && prev->to == p[i].from)
			fprintf(f, "V%.1f", y_of(sc, p[i].per_hour));
		else
			fprintf(f, "M%.1f %.1f", x_of(sc, p[i].from), y_of(sc, p[i].per_hour));
		fprintf(f, "H%.1f", x_of(sc, p[i].to));
		prev = &p[i];
	}
	fputs("\"/>", f);
	for (size_t i = n; i-- > 0;) {
		if (p[i].known && isfinite(p[i].per_hour)) {
			fprintf(f, "<circle class=\"last %s\" cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\"/>", kind,
				x_of(sc, p[i].to), y_of(sc, p[i].per_hour));
			break;
		}
	}
}

/* The points of one run of known usual paces, [a, b), at `top` (the band's) or the usual. */
static void usual_points(FILE *f, const struct chart *c, const struct scale *sc, size_t a,
			 size_t b, bool top, bool reverse)
{
	for (size_t j = 0; j < b - a; j++) {
		const struct chart_rate *u = &c->s.usual[reverse ? b - 1 - j : a + j];
		double v = top ? band_top(c, u->per_hour) : u->per_hour;

		fprintf(f, "%c%.1f %.1f", j || reverse ? 'L' : 'M', x_of(sc, u->to), y_of(sc, v));
	}
}

/*
 * The usual pace as a line, and the band above it up to surge times it:
 * a pace above the band is where the surge rule fires. One shape per run
 * of known usual paces; a lone one is a short tick.
 */
static void usual_band(FILE *f, const struct chart *c, const struct scale *sc)
{
	size_t n = c->s.nusual, a = 0;

	fputs("<g class=\"usual\"><title>usual pace", f);
	if (c->surge > 1)
		fprintf(f, " (lower edge) up to %g times it (upper edge)", c->surge);
	fputs("</title>", f);
	while (a < n) {
		size_t b = a;

		while (b < n && c->s.usual[b].known && isfinite(band_top(c, c->s.usual[b].per_hour)))
			b++;
		if (b - a == 1) {
			const struct chart_rate *u = &c->s.usual[a];
			double x = x_of(sc, u->to);

			fprintf(f, "<path class=\"base\" d=\"M%.1f %.1fH%.1f\"/>", x - 4,
				y_of(sc, u->per_hour), x + 4);
		} else if (b - a > 1) {
			if (c->surge > 1) {
				fputs("<path class=\"band\" d=\"", f);
				usual_points(f, c, sc, a, b, true, false);
				usual_points(f, c, sc, a, b, false, true);
				fputs("Z\"/>", f);
			}
			fputs("<path class=\"base\" d=\"", f);
			usual_points(f, c, sc, a, b, false, false);
			fputs("\"/>", f);
		}
		a = b < n ? b + 1 : b;
	}
	fputs("</g>", f);
}

/* The pace measured up to t: the one whose span ends at or after it. */
static const struct chart_rate *pace_at(const struct chart_rate *p, size_t n, int64_t t)
{
	for (size_t i = 0; i < n; i++)
		if (p[i].known && p[i].from < t && t <= p[i].to)
			return &p[i];
	return NULL;
}

/* "2026-05-22 06:00 UTC" */
static void human_time(int64_t t, char *buf)
{
	char iso[TIME_BUF_SIZE];

	time_format(t, iso);
	snprintf(buf, TIME_BUF_SIZE, "%.10s %.5s UTC", iso, iso + 11);
}

static void marks(FILE *f, const struct chart *c, const struct chart_rate *p, size_t n,
		  const struct scale *sc)
{
	double last_caption = -1e9;
	char when[TIME_BUF_SIZE];

	for (size_t i = 0; i < c->nmarks; i++) {
		int64_t t = c->marks[i];
		const struct chart_rate *at = pace_at(p, n, t);
		double x;

		if (t < sc->t0 || t > sc->t1)
			continue;
		x = x_of(sc, t);
		human_time(t, when);
		fprintf(f, "<g class=\"mark\"><title>alert at %s</title>"
			"<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>",
			when, x, PLOT_TOP, x, CHART_HEIGHT - PLOT_BOTTOM);
		if (at && isfinite(at->per_hour))
			fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\"/>", x,
				y_of(sc, at->per_hour));
		if (c->nmarks <= MAX_CAPTIONS && x - last_caption >= CAPTION_GAP) {
			fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">alert</text>", x,
				PLOT_TOP - 7);
			last_caption = x;
		}
		fputs("</g>", f);
	}
}

static void window_band(FILE *f, const struct chart *c, const struct scale *sc)
{
	double x0, x1;

	if (!c->has_window || c->window_to < sc->t0 || c->window_from > sc->t1)
		return;
	x0 = x_of(sc, c->window_from < sc->t0 ? sc->t0 : c->window_from);
	x1 = x_of(sc, c->window_to > sc->t1 ? sc->t1 : c->window_to);
	fprintf(f, "<rect class=\"window\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\">"
		"<title>the report's window</title></rect>", x0, PLOT_TOP,
		x1 - x0 < 2 ? 2 : x1 - x0, CHART_HEIGHT - PLOT_TOP - PLOT_BOTTOM);
}

void chart_escape(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*s, f);
		}
	}
}

static bool any_known(const struct chart_rate *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (r[i].known && isfinite(r[i].per_hour))
			return true;
	return false;
}

static void empty_chart(FILE *f, const struct chart *c)
{
	fprintf(f, "<text class=\"empty\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">",
		CHART_WIDTH / 2, CHART_HEIGHT / 2);
	chart_escape(f, c->empty ? c->empty : "no pace yet");
	fputs("</text></svg>", f);
}

void chart_svg(FILE *f, const struct chart *c)
{
	struct chart_rate *p = NULL;
	struct scale sc;
	size_t n = 0;

	fprintf(f, "<svg class=\"chart\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"",
		CHART_WIDTH, CHART_HEIGHT);
	chart_escape(f, c->label ? c->label : "chart");
	fputs("\">", f);
	if (any_known(c->s.pace, c->s.npace))
		p = malloc(c->s.npace * sizeof(*p));
	if (!p) {       /* nothing to draw, or no memory: the chart says so rather than fail the page */
		empty_chart(f, c);
		return;
	}
	n = chart_merge(c->s.pace, c->s.npace, c->t0, c->t1, PLOT_W / PIXELS_PER_STEP, p);
	fit_scale(c, p, n, &sc);
	y_axis(f, &sc);
	window_band(f, c, &sc);
	x_axis(f, &sc);
	usual_band(f, c, &sc);
	pace_line(f, c, p, n, &sc);
	marks(f, c, p, n, &sc);
	fputs("</svg>", f);
	free(p);
}
