/* pace: robust current and usual pace of a count, the surge rule, and rule edges. */
#include "pace.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define HOUR 3600.0
#define MAX_PAIRS (PACE_MAX_HISTORY * (PACE_MAX_HISTORY - 1) / 2)
/* Fewer qualifying pairs than this and the usual pace uses every pair. */
#define MIN_PAIRS 5
/* A tag needs this many history points before the surge rule applies. */
#define MIN_HISTORY 4

int64_t pace_step(int64_t value)
{
	if (value < 1000)
		return 1;
	if (value < 1000000)
		return 100;
	if (value < 1000000000)
		return 100000;
	return 100000000;
}

bool pace_looks_rounded(int64_t value)
{
	return value >= 1000 && value % pace_step(value) == 0;
}

size_t pace_base(const struct pace_point *pts, size_t n, const struct pace_config *cfg)
{
	int64_t now, to, from, reach;

	if (n < 2)
		return SIZE_MAX;
	now = pts[n - 1].ts;
	to = now - cfg->window + cfg->tolerance;
	reach = 2 * cfg->window > cfg->usual ? 2 * cfg->window : cfg->usual;
	from = now - reach;
	for (size_t i = n - 1; i-- > 0;) {
		if (pts[i].ts < from)
			break;
		if (pts[i].ts <= to && pts[i].ts < now)
			return i;
	}
	return SIZE_MAX;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Sorts v. */
static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

/* The middle of the shortest run of half the sorted values: their mode, robustly. */
static double shorth(double *v, size_t n)
{
	size_t h = n / 2 + 1, best = 0;

	qsort(v, n, sizeof(*v), cmp_double);
	if (h > n)
		h = n;
	for (size_t i = 1; i + h <= n; i++)
		if (v[i + h - 1] - v[i] < v[best + h - 1] - v[best])
			best = i;
	return h % 2 ? v[best + h / 2] : (v[best + h / 2 - 1] + v[best + h / 2]) / 2.0;
}

/* The history is pts[first..last]; its points, evenly thinned by index. */
static size_t thin(size_t first, size_t last, size_t idx[PACE_MAX_HISTORY])
{
	size_t m = last - first + 1;

	if (m <= PACE_MAX_HISTORY) {
		for (size_t j = 0; j < m; j++)
			idx[j] = first + j;
		return m;
	}
	for (size_t j = 0; j < PACE_MAX_HISTORY; j++)
		idx[j] = first + j * (m - 1) / (PACE_MAX_HISTORY - 1);
	return PACE_MAX_HISTORY;
}

/* Slopes per hour of the pairs at least min_lag apart (any gap when min_lag is 1). */
static size_t pair_slopes(const struct pace_point *pts, const size_t *idx, size_t m,
			  int64_t min_lag, double *slopes)
{
	size_t k = 0;

	for (size_t i = 0; i < m; i++) {
		const struct pace_point *p = &pts[idx[i]];

		for (size_t j = i + 1; j < m; j++) {
			const struct pace_point *q = &pts[idx[j]];
			int64_t gap = q->ts - p->ts;

			if (gap >= min_lag && gap > 0)
				slopes[k++] = (double)(q->value - p->value) / ((double)gap / HOUR);
		}
	}
	return k;
}

struct line {
	double slope;           /* per hour */
	double at_now;          /* the line's value at now, less the current count */
};

/* The line through the thinned history: modal pairwise slope, median intercept. */
static bool fit_line(const struct pace_point *pts, const size_t *idx, size_t m,
		     int64_t min_lag, const struct pace_point *now, struct line *out)
{
	double slopes[MAX_PAIRS];
	double icpt[PACE_MAX_HISTORY];
	size_t k = pair_slopes(pts, idx, m, min_lag, slopes);

	if (k < MIN_PAIRS)
		k = pair_slopes(pts, idx, m, 1, slopes);
	if (k == 0)
		return false;
	out->slope = shorth(slopes, k);
	for (size_t i = 0; i < m; i++) {
		const struct pace_point *p = &pts[idx[i]];
		double h = (double)(p->ts - now->ts) / HOUR;

		icpt[i] = (double)(p->value - now->value) - out->slope * h;
	}
	out->at_now = median(icpt, m);
	return true;
}

static double residual(const struct pace_point *p, const struct pace_point *now,
		       const struct line *l)
{
	double h = (double)(p->ts - now->ts) / HOUR;

	return (double)(p->value - now->value) - (l->at_now + l->slope * h);
}

/* The band the residuals of pts[first..end-1] span, top and width; end > first. */
static double band_top(const struct pace_point *pts, size_t first, size_t end,
		       const struct pace_point *now, const struct line *l, double *width)
{
	double hi = residual(&pts[first], now, l), lo = hi;

	for (size_t i = first + 1; i < end; i++) {
		double r = residual(&pts[i], now, l);

		if (r > hi)
			hi = r;
		if (r < lo)
			lo = r;
	}
	*width = hi - lo;
	return hi;
}

/*
 * A count that is a whole number of display steps. A rounded shape's count
 * that is not evidently was not rounded; an exact one can look rounded too.
 */
static bool is_rounded(const struct pace_point *p)
{
	return pace_looks_rounded(p->value);
}

/*
 * S: the display step of the window's larger end, when both ends are whole
 * numbers of steps (a rounded series is; an exact one seldom is at both).
 */
static int64_t rounding_step(const struct pace_point *base, const struct pace_point *now)
{
	int64_t top = now->value > base->value ? now->value : base->value;

	return is_rounded(now) && is_rounded(base) ? pace_step(top) : 0;
}

/* The first index in pts[0..n-1] at or after since. */
static size_t first_since(const struct pace_point *pts, size_t n, int64_t since)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (pts[mid].ts < since)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The history, pts[*first..*end-1]: the points in [now - usual, base], or
 * without a baseline every point in [now - usual, now).
 */
static void history_range(const struct pace_point *pts, size_t n, const struct pace_point *bp,
			  const struct pace_config *cfg, size_t *first, size_t *end)
{
	const struct pace_point *now = &pts[n - 1];

	*first = first_since(pts, n - 1, now->ts - cfg->usual);
	*end = bp ? (size_t)(bp - pts) + 1 : n - 1;
	while (!bp && *end > *first && pts[*end - 1].ts >= now->ts)
		(*end)--;
	if (*end < *first)
		*end = *first;
}

static double hysteresis_level(double surge)
{
	double level = surge / 2 > 1.5 ? surge / 2 : 1.5;

	return level < surge ? level : surge;
}

/*
 * The surge test at a level (surge, or the hysteresis level): the pace, the
 * band and the counting noise; see pace.h for the reasoning. extra is the
 * window's growth beyond the usual pace, rounding taken off.
 */
/* The window's growth beyond the usual pace, rounding taken off. */
static double extra_growth(const struct pace *p, int64_t now)
{
	double dt_h = (double)(now - p->base_ts) / HOUR;

	return (p->low_per_hour - p->usual_per_hour) * dt_h;
}

/*
 * The band test: the count is above the band's top, by at least half of the
 * window's extra growth (a "jump" that starts in a dip, on the lower source
 * or on a flapped-down run is mostly a move inside the band).
 */
static bool out_of_band(const struct pace *p, int64_t now)
{
	return p->excess > 0 && p->excess >= extra_growth(p, now) / 2;
}

static bool holds(const struct pace *p, int64_t now, double level)
{
	double usual_growth = p->usual_per_hour * (double)(now - p->base_ts) / HOUR;

	if (!p->known || !p->has_usual || p->low_per_hour <= 0 ||
	    p->low_per_hour < level * p->usual_per_hour)
		return false;
	if (!out_of_band(p, now))
		return false;
	/* Beyond counting noise, and beyond half of what the history's own noise spans. */
	return extra_growth(p, now) >= 3.0 * sqrt(usual_growth + 1.0) &&
	       extra_growth(p, now) >= p->band / 2;
}

static void measure_window(const struct pace_point *base, const struct pace_point *now,
			   struct pace *out, double *dt_h)
{
	double delta = (double)(now->value - base->value);
	double low = delta - (double)out->step;

	*dt_h = (double)(now->ts - base->ts) / HOUR;
	out->known = true;
	out->base_ts = base->ts;
	out->per_hour = delta / *dt_h;
	out->low_per_hour = low > 0 ? low / *dt_h : 0.0;
}

/* The usual pace, learning and the band; false when the history gives no slope. */
static bool learn(const struct pace_point *pts, size_t first, size_t end,
		  const struct pace_point *now, const struct pace_config *cfg,
		  struct pace *out, struct line *l)
{
	size_t idx[PACE_MAX_HISTORY];
	size_t m;

	out->learning = end - first < MIN_HISTORY || now->ts - pts[first].ts < cfg->learning;
	m = thin(first, end - 1, idx);
	out->has_usual = fit_line(pts, idx, m, cfg->window - cfg->tolerance, now, l);
	if (out->has_usual)
		out->usual_per_hour = l->slope > 0 ? l->slope : 0.0;
	return out->has_usual;
}

/* Everything but the surge decision. */
static void assess(const struct pace_point *pts, size_t n, size_t base,
		   const struct pace_config *cfg, struct pace *out)
{
	const struct pace_point *now, *bp = NULL;
	size_t first, end;
	struct line l;
	double dt_h;
	bool sloped = false;

	memset(out, 0, sizeof(*out));
	out->learning = true;
	if (n == 0)
		return;
	now = &pts[n - 1];
	if (base < n - 1 && pts[base].ts < now->ts)
		bp = &pts[base];
	history_range(pts, n, bp, cfg, &first, &end);
	if (end > first)
		sloped = learn(pts, first, end, now, cfg, out, &l);
	if (!bp)
		return;
	out->step = rounding_step(bp, now);
	measure_window(bp, now, out, &dt_h);
	out->has_ratio = out->usual_per_hour > 0;
	if (out->has_ratio)
		out->ratio = out->per_hour / out->usual_per_hour;
	if (sloped)
		out->excess = -l.at_now - band_top(pts, first, end, now, &l, &out->band) -
			      (double)out->step;
}

void pace_estimate(const struct pace_point *pts, size_t n, size_t base,
		   const struct pace_config *cfg, struct pace *out)
{
	assess(pts, n, base, cfg, out);
	if (!out->known || out->learning || cfg->surge <= 0)
		return;
	out->surge = holds(out, pts[n - 1].ts, cfg->surge);
	out->elevated = out->surge || (out->low_per_hour > 0 &&
		out->low_per_hour >= hysteresis_level(cfg->surge) * out->usual_per_hour);
	out->warm = out->surge || holds(out, pts[n - 1].ts, (1.0 + cfg->surge) / 2);
}

/* ---- rule levels ---- */

static bool pace_evaluable(const struct pace *p)
{
	return p && p->known && p->has_usual && !p->learning;
}

static void level_surge(const struct pace_measure *m, double surge, struct pace_rule_eval *out)
{
	const struct pace *counts[2] = { m->videos, m->views };

	if (surge <= 0) {
		out->evaluable |= RULE_SURGE;
		return;
	}
	for (size_t i = 0; i < 2; i++) {
		const struct pace *p = counts[i];

		if (!pace_evaluable(p))
			continue;
		out->evaluable |= RULE_SURGE;
		if (p->surge)
			out->strict |= RULE_SURGE;
		if (p->surge || p->elevated)
			out->hyst |= RULE_SURGE;
	}
}

/* A percent rule at a given percentage: detect.c's conditions. */
static bool growth_at(double pct, int64_t delta, int64_t base, int64_t floor)
{
	return pct > 0 && delta > 0 && base > 0 && base >= floor &&
	       (double)delta / (double)base * 100.0 >= pct;
}

static void level_growth(unsigned rule, double pct, int64_t delta, int64_t base,
			 int64_t floor, struct pace_rule_eval *out)
{
	out->evaluable |= rule;
	if (growth_at(pct, delta, base, floor))
		out->strict |= rule;
	if (growth_at(pct / 2, delta, base, floor))
		out->hyst |= rule;
}

static void headline_pace(const struct pace_measure *m, struct pace_rule_eval *out)
{
	const struct pace *p = m->views && m->views->known ? m->views : m->videos;

	out->has_pace = p && p->known;
	out->pace = out->has_pace ? p->per_hour : 0.0;
}

static void level_min_new_videos(int64_t need, int64_t got, struct pace_rule_eval *out)
{
	out->evaluable |= RULE_MIN_NEW_VIDEOS;
	if (need > 0 && got > 0 && got >= need)
		out->strict |= RULE_MIN_NEW_VIDEOS;
	/* Half the threshold, rounded up. */
	if (need > 0 && got > 0 && got >= need - need / 2)
		out->hyst |= RULE_MIN_NEW_VIDEOS;
}

/*
 * Whether a count's growth left the band its own history moves in. A count
 * that has learnt its band and stays inside it (a switch to the other
 * source, a flap back up, a display step) is not news, however many videos
 * the window shows: a fixed rule that turns on there turns on quietly, no
 * alert. A count whose history gives no line yet has no band to judge by:
 * its fixed rules rise as they are.
 */
static bool left_band(const struct pace *p, int64_t now)
{
	return !(p && p->known && p->has_usual) || out_of_band(p, now);
}

void pace_rule_levels(const struct pace_measure *m, const struct pace_limits *lim,
		      struct pace_rule_eval *out)
{
	bool videos = m->compared && m->videos_known, views = m->compared && m->views_known;
	unsigned inside = 0;

	memset(out, 0, sizeof(*out));
	out->now = m->now;
	level_surge(m, lim->surge, out);
	/* A rule turned off is judged every time, and never holds. */
	if (videos || lim->min_new_videos <= 0)
		level_min_new_videos(lim->min_new_videos, m->new_videos, out);
	if (videos || lim->video_growth <= 0)
		level_growth(RULE_VIDEO_GROWTH, lim->video_growth, m->new_videos,
			     m->base_videos, lim->growth_floor, out);
	if (views || lim->view_growth <= 0)
		level_growth(RULE_VIEW_GROWTH, lim->view_growth, m->new_views,
			     m->base_views, lim->growth_floor, out);
	if (!left_band(m->videos, m->now))
		inside |= RULE_MIN_NEW_VIDEOS | RULE_VIDEO_GROWTH;
	if (!left_band(m->views, m->now))
		inside |= RULE_VIEW_GROWTH;
	out->quiet = inside;
	headline_pace(m, out);
}

/* ---- heat ---- */

/* The way gone from usual to need at got: 1 at the threshold; 0 when usual reaches it. */
static double way(double got, double usual, double need)
{
	if (need <= 0 || usual >= need)
		return 0.0;
	return (got - usual) / (need - usual);
}

/* The surge rule's way, when the half-way level passes its band and noise tests. */
static double surge_way(const struct pace *p, double surge)
{
	if (!pace_evaluable(p) || surge <= 0 || !p->warm)
		return 0.0;
	if (p->usual_per_hour <= 0 || surge <= 1)
		return 1.0;
	return way(p->low_per_hour / p->usual_per_hour, 1.0, surge);
}

/*
 * Whether a count's fixed rules (min_new_videos, the growth rules) can make
 * the tag hot. "Half of the way from the usual pace" needs a usual pace, so
 * a count still learning cannot (its first days would be polled hourly for
 * nothing). And the count must have left its band, as the rule itself must
 * to alert (pace_rule_levels: a rule that turns on inside the band turns on
 * quietly): a count moving inside its band is no nearer an alert.
 */
static bool on_its_way(const struct pace *p, int64_t now)
{
	return pace_evaluable(p) && out_of_band(p, now);
}

/* The new count the usual pace makes in the window. */
static double usual_growth(const struct pace *p, int64_t elapsed)
{
	return p->usual_per_hour * (double)elapsed / HOUR;
}

/* A percent rule's way: the window's growth against the usual growth, both in percent. */
static double growth_way(double pct, int64_t delta, int64_t base, int64_t floor, double usual)
{
	if (pct <= 0 || base <= 0 || base < floor)
		return 0.0;
	return way((double)delta / (double)base * 100.0, usual / (double)base * 100.0, pct);
}

void pace_heat(const struct pace_measure *m, const struct pace_limits *lim, bool firing,
	       struct pace_heat *out)
{
	double ways[4] = { surge_way(m->videos, lim->surge), surge_way(m->views, lim->surge) };
	double best = 0.0;

	if (m->compared && m->videos_known && on_its_way(m->videos, m->now)) {
		double u = usual_growth(m->videos, m->elapsed);

		ways[2] = way((double)m->new_videos, u, (double)lim->min_new_videos);
		ways[2] = fmax(ways[2], growth_way(lim->video_growth, m->new_videos,
						   m->base_videos, lim->growth_floor, u));
	}
	if (m->compared && m->views_known && on_its_way(m->views, m->now))
		ways[3] = growth_way(lim->view_growth, m->new_views, m->base_views,
				     lim->growth_floor, usual_growth(m->views, m->elapsed));
	for (size_t i = 0; i < 4; i++)
		best = fmax(best, ways[i]);
	out->hot = firing || best >= 0.5;
	/* In hundredths: a hot tag's row is rewritten only when its heat moves. */
	out->heat = round((firing ? fmax(best, 1.0) : out->hot ? best : 0.0) * 100.0) / 100.0;
}

/* ---- edges ---- */

void pace_alert_init(struct pace_alert_state *st)
{
	memset(st, 0, sizeof(*st));
	st->calmed_at = -1;
}

static bool cooling(const struct pace_alert_state *st, int64_t now, int64_t cooldown)
{
	return st->calmed_at >= 0 && now - st->calmed_at < cooldown;
}

/* The Schmitt triggers; returns the rules that rose and may alert. */
static unsigned update_rules(struct pace_alert_state *st, const struct pace_rule_eval *ev,
			     int64_t cooldown)
{
	unsigned rose = 0;

	for (unsigned r = 1; r <= RULE_SURGE; r <<= 1) {
		bool was = st->held & r, on;

		if (!(ev->evaluable & r))
			continue;
		/*
		 * A rule first seen between half its threshold and its threshold
		 * counts as on: that is where it stays on, so a tag that hovers
		 * around a threshold never "rises" across it.
		 */
		on = was || !(st->seen & r) ? (ev->hyst | ev->strict) & r : ev->strict & r;
		if (on && !was && (st->seen & r) && !st->firing && !(ev->quiet & r)) {
			/* Held back, not remembered: it rises when the cooldown ends. */
			if (cooling(st, ev->now, cooldown))
				on = false;
			else
				rose |= r;
		}
		st->seen |= r;
		st->held = on ? st->held | r : st->held & ~r;
	}
	return rose;
}

void pace_alert_step(struct pace_alert_state *st, const struct pace_rule_eval *ev,
		     int64_t cooldown, struct pace_alert_event *out)
{
	unsigned rose = update_rules(st, ev, cooldown);

	memset(out, 0, sizeof(*out));
	if (rose) {
		st->firing = true;
		st->alert_rules = rose;
		st->alert_pace = ev->has_pace ? ev->pace : 0.0;
		out->event = PACE_VIRAL;
		out->rose = rose;
		out->pace = st->alert_pace;
	} else if (st->firing && !(st->held & st->alert_rules)) {
		st->firing = false;
		st->alert_rules = 0;
		st->calmed_at = ev->now;
		out->event = PACE_CALMED;
	} else if (st->firing && ev->has_pace) {
		if (st->alert_pace <= 0) {
			st->alert_pace = ev->pace;
		} else if (ev->pace >= 2 * st->alert_pace) {
			st->alert_pace = ev->pace;
			out->event = PACE_ESCALATION;
			out->pace = ev->pace;
		}
	}
	out->rules = st->held;
}

const char *pace_event_name(enum pace_event e)
{
	switch (e) {
	case PACE_NONE:
		return "none";
	case PACE_VIRAL:
		return "viral";
	case PACE_ESCALATION:
		return "escalation";
	case PACE_CALMED:
		return "calmed";
	}
	return "unknown";
}
