/*
 * report: each tag's latest snapshot against the baseline `run` would pick
 * for it, filtered and sorted; and what the sparklines and charts draw.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "judge.h"
#include "jsonout.h"
#include "msg.h"
#include "report.h"

bool report_row_compared(const struct report_row *r)
{
	return r->tag->has_last && r->v.status == VERDICT_OK;
}

/* The headline count's pace: the one that surged, else views when known. */
static const struct pace *headline(const struct report_row *r)
{
	const struct judgement *j = &r->j;

	if (j->views.surge || j->videos.surge)
		return j->views.surge ? &j->views : &j->videos;
	return j->views.known ? &j->views : &j->videos;
}

bool report_row_pace(const struct report_row *r, double *ratio)
{
	const struct pace *p = headline(r);

	*ratio = p->ratio;
	return p->known && p->has_ratio && !p->learning;
}

/* ---- figures ------------------------------------------------------------ */

static const char *row_status(const struct tag_info *t, const struct judgement *j)
{
	if (t->status == TAG_NOT_FOUND)
		return "not-found";
	if (!t->has_last)
		return "no-data";
	if (j->v.status != VERDICT_OK)
		return verdict_status_name(j->v.status);
	return j->learning ? "learning" : "ok";
}

/*
 * One tag's latest snapshot judged as run judged it: its history back to
 * the horizon, the pace of each count, the window's figures. The edge is
 * the one run keeps (row->tag->state); judging here only reads it.
 */
static int judge_row(struct store *st, const struct report_query *q, struct report_row *row,
		     struct snapshot **hist, size_t *cap, struct pace_point **scratch,
		     size_t *scratch_cap)
{
	const struct tag_info *t = row->tag;
	struct rules rules = rules_effective(&t->rules, &q->defaults);
	struct pace_alert_state state = t->state;
	size_t n = 0;

	memset(&row->j, 0, sizeof(row->j));
	row->j.v.status = VERDICT_NO_BASELINE;
	row->j.learning = true;
	if (t->has_last) {
		if (store_history(st, t->name, judge_horizon(t->last.ts, &q->dc), hist, &n, cap))
			return error("report: %s", store_error(st));
		if (array_grow(scratch, scratch_cap, n, sizeof(**scratch), 64))
			return error("out of memory");
	}
	if (n > 0)
		judge_snapshot(*hist, n, &rules, &q->dc, &state, *scratch, &row->j);
	row->v = row->j.v;
	row->status = row_status(t, &row->j);
	return 0;
}

/* Every tag's latest snapshot, judged; one history read each. */
static int evaluate_all(struct store *st, const struct report_query *q,
			const struct tag_info *tags, size_t n, struct report_row *rows)
{
	struct snapshot *hist = NULL;
	struct pace_point *scratch = NULL;
	size_t cap = 0, scratch_cap = 0;
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++) {
		rows[i].tag = &tags[i];
		rows[i].muted = tags[i].muted_until > q->now;
		rc = judge_row(st, q, &rows[i], &hist, &cap, &scratch, &scratch_cap);
	}
	free(hist);
	free(scratch);
	return rc;
}

/* Growth is video growth, rounded as shown, so that 25.00 passes --min-growth 25. */
static bool has_growth(const struct report_row *r)
{
	return report_row_compared(r) && r->v.has_video_growth && isfinite(r->v.video_growth_pct);
}

static size_t keep_trending(struct report_row *rows, size_t n, double min_growth)
{
	size_t kept = 0;

	for (size_t i = 0; i < n; i++)
		if (has_growth(&rows[i]) && round2(rows[i].v.video_growth_pct) >= min_growth)
			rows[kept++] = rows[i];
	return kept;
}

/* ---- order ------------------------------------------------------------- */

static int by_name(const void *a, const void *b)
{
	const struct report_row *x = a, *y = b;

	return strcmp(x->tag->name, y->tag->name);
}

/*
 * Rows that have the key first, larger first (order: x's key against y's,
 * -1, 0 or 1); the rest after; ties by name.
 */
static int ranked(const void *a, const void *b, bool hx, bool hy, int order)
{
	if (hx != hy)
		return hx ? -1 : 1;
	if (hx && order)
		return -order;
	return by_name(a, b);
}

#define ORDER(x, y) (((x) > (y)) - ((x) < (y)))

static int by_growth(const void *a, const void *b)
{
	const struct report_row *x = a, *y = b;

	return ranked(a, b, has_growth(x), has_growth(y),
		      ORDER(x->v.video_growth_pct, y->v.video_growth_pct));
}

static int by_videos(const void *a, const void *b)
{
	const struct report_row *x = a, *y = b;

	return ranked(a, b, x->tag->has_last, y->tag->has_last,
		      ORDER(x->tag->last.videos, y->tag->last.videos));
}

static int by_views(const void *a, const void *b)
{
	const struct report_row *x = a, *y = b;

	return ranked(a, b, x->tag->has_last, y->tag->has_last,
		      ORDER(x->tag->last.views, y->tag->last.views));
}

static int by_pace(const void *a, const void *b)
{
	const struct report_row *x = a, *y = b;
	double px, py;
	bool hx = report_row_pace(x, &px), hy = report_row_pace(y, &py);

	return ranked(a, b, hx, hy, ORDER(px, py));
}

static void sort_rows(struct report_row *rows, size_t n, enum report_sort sort)
{
	static int (*const cmp[])(const void *, const void *) = {
		[REPORT_SORT_GROWTH] = by_growth, [REPORT_SORT_PACE] = by_pace,
		[REPORT_SORT_VIDEOS] = by_videos,
		[REPORT_SORT_VIEWS] = by_views, [REPORT_SORT_NAME] = by_name,
	};

	if (sort != REPORT_SORT_GIVEN && n > 1)
		qsort(rows, n, sizeof(*rows), cmp[sort]);
}

int report_build(struct store *st, const struct report_query *q,
		 const struct tag_info *tags, size_t n, struct report *out)
{
	memset(out, 0, sizeof(*out));
	out->rows = calloc(n ? n : 1, sizeof(*out->rows));
	if (!out->rows)
		return error("out of memory");
	out->n = n;
	if (evaluate_all(st, q, tags, n, out->rows))
		return -1;
	if (q->has_min_growth)
		out->n = keep_trending(out->rows, n, q->min_growth);
	sort_rows(out->rows, out->n, q->sort);
	return 0;
}

/* ---- campaigns ---------------------------------------------------------- */

/* A row's place when grouping: its campaign, then where it was (a stable order). */
struct place {
	const char *campaign;           /* "" when in none: sorted last */
	size_t at;
};

static int by_campaign(const void *a, const void *b)
{
	const struct place *x = a, *y = b;
	int c;

	if (!x->campaign[0] != !y->campaign[0])
		return x->campaign[0] ? -1 : 1;
	c = strcmp(x->campaign, y->campaign);
	return c ? c : ORDER(x->at, y->at);
}

static void add_to_totals(struct campaign_totals *t, const struct report_row *r)
{
	const struct tag_info *tag = r->tag;
	bool ok = report_row_compared(r);

	t->tags++;
	t->firing += tag->state.firing;
	t->muted += r->muted;
	count_sum_add(&t->videos, tag->has_last && count_known(tag->last.videos), tag->last.videos);
	count_sum_add(&t->views, tag->has_last && count_known(tag->last.views), tag->last.views);
	count_sum_add(&t->new_videos, ok && r->v.has_new_videos, r->v.new_videos);
	count_sum_add(&t->new_views, ok && r->v.has_new_views, r->v.new_views);
}

/* The groups of rows already in campaign order, with their totals. */
static int make_groups(struct report *r)
{
	r->groups = calloc(r->n ? r->n : 1, sizeof(*r->groups));
	if (!r->groups)
		return error("out of memory");
	for (size_t i = 0; i < r->n; i++) {
		const char *c = r->rows[i].tag->campaign;
		struct campaign_group *g = r->ngroups ? &r->groups[r->ngroups - 1] : NULL;

		if (!g || strcmp(g->campaign ? g->campaign : "", c) != 0) {
			g = &r->groups[r->ngroups++];
			*g = (struct campaign_group){ .campaign = c[0] ? c : NULL, .first = i };
		}
		g->n++;
		add_to_totals(&g->totals, &r->rows[i]);
	}
	return 0;
}

int report_group(struct report *r)
{
	struct place *places;
	struct report_row *sorted;
	bool any = false;

	for (size_t i = 0; i < r->n && !any; i++)
		any = r->rows[i].tag->campaign[0] != '\0';
	if (!any)
		return 0;
	places = calloc(r->n, sizeof(*places));
	sorted = calloc(r->n, sizeof(*sorted));
	if (!places || !sorted) {
		free(places);
		free(sorted);
		return error("out of memory");
	}
	for (size_t i = 0; i < r->n; i++)
		places[i] = (struct place){ r->rows[i].tag->campaign, i };
	qsort(places, r->n, sizeof(*places), by_campaign);
	for (size_t i = 0; i < r->n; i++)
		sorted[i] = r->rows[places[i].at];
	memcpy(r->rows, sorted, r->n * sizeof(*sorted));
	free(places);
	free(sorted);
	return make_groups(r);
}

/* ---- what the table and the page show beyond the figures --------------- */

int report_load_recent(struct store *st, struct report *r)
{
	size_t n = r->n;
	const char **names = calloc(n ? n : 1, sizeof(*names));
	size_t *counts = calloc(n ? n : 1, sizeof(*counts));
	int rc = -1;

	r->recent = calloc(n ? n * REPORT_RECENT : 1, sizeof(*r->recent));
	if (!names || !counts || !r->recent) {
		error("out of memory");
		goto cleanup;
	}
	for (size_t i = 0; i < n; i++)
		names[i] = r->rows[i].tag->name;
	if (store_recent_many(st, names, n, REPORT_RECENT, r->recent, counts)) {
		error("report: %s", store_error(st));
		goto cleanup;
	}
	for (size_t i = 0; i < n; i++) {
		r->rows[i].recent = r->recent + i * REPORT_RECENT;
		r->rows[i].nrecent = counts[i];
	}
	rc = 0;
cleanup:
	free(names);
	free(counts);
	return rc;
}

static int collect_snapshot(void *arg, const char *tag, const struct snapshot *s)
{
	struct report_row *r = arg;

	(void)tag;
	if (array_grow(&r->snaps, &r->cap, r->nsnaps + 1, sizeof(*r->snaps), 64))
		return 1;
	r->snaps[r->nsnaps++] = *s;
	return 0;
}

static int64_t count_of(const struct snapshot *s, bool views)
{
	return views ? s->views : s->videos;
}

/*
 * A count's pace per hour between each snapshot and the previous one that
 * knows the count, when the two compare; an unknown count is skipped, never
 * read as 0, and a change of response shape leaves a gap.
 */
static int pace_series(const struct snapshot *s, size_t n, bool views, struct report_pace *out)
{
	size_t last = SIZE_MAX;

	out->pace = calloc(n ? n : 1, sizeof(*out->pace));
	if (!out->pace)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int64_t v = count_of(&s[i], views);

		if (!count_known(v))
			continue;
		if (last != SIZE_MAX && s[i].ts > s[last].ts && snapshot_comparable(&s[last], &s[i]))
			out->pace[out->npace++] = (struct chart_rate){
				.from = s[last].ts, .to = s[i].ts, .known = true,
				.per_hour = (double)(v - count_of(&s[last], views)) * 3600.0 /
					    (double)(s[i].ts - s[last].ts),
			};
		last = i;
	}
	return 0;
}

/* The index of the first snapshot at or after t; n when none is. */
static size_t first_from(const struct snapshot *s, size_t n, int64_t t)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s[mid].ts < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The newest snapshot in [lo, k] that knows the count; k when none does. */
static size_t known_before(const struct snapshot *s, size_t lo, size_t k, bool views)
{
	for (size_t i = k + 1; i-- > lo;)
		if (count_known(count_of(&s[i], views)))
			return i;
	return k;
}

/* Snapshot k judged as run judged it: its history back to the horizon, the same estimator. */
static void judge_at(const struct report_query *q, const struct rules *rules,
		     const struct snapshot *s, size_t k, struct pace_point *scratch,
		     struct judgement *j)
{
	size_t lo = first_from(s, k + 1, judge_horizon(s[k].ts, &q->dc));
	struct pace_alert_state state;

	pace_alert_init(&state);        /* the edge is not shown: a throwaway one */
	judge_snapshot(s + lo, k - lo + 1, rules, &q->dc, &state, scratch, j);
}

static struct chart_rate usual_of_pace(int64_t ts, const struct pace *p)
{
	return (struct chart_rate){ .from = ts, .to = ts, .known = p->has_usual && !p->learning,
				    .per_hour = p->usual_per_hour };
}

/*
 * The usual pace of both counts at up to REPORT_USUAL_POINTS moments evenly
 * spread over the history: for each count, the newest snapshot at or before
 * the moment that knows it (the latest always), judged as run judged it.
 * The work is bounded whatever the history's length.
 */
static int usual_series(const struct report_query *q, struct report_row *row,
			struct pace_point **scratch, size_t *cap)
{
	const struct snapshot *s = row->snaps;
	size_t n = row->nsnaps, m = n < REPORT_USUAL_POINTS ? n : REPORT_USUAL_POINTS;
	struct rules rules = rules_effective(&row->tag->rules, &q->defaults);
	struct report_pace *each[] = { &row->videos_pace, &row->views_pace };
	size_t prev = SIZE_MAX, judged = SIZE_MAX;
	struct judgement j;

	memset(&j, 0, sizeof(j));

	for (size_t c = 0; c < 2; c++) {
		each[c]->usual = calloc(m ? m : 1, sizeof(*each[c]->usual));
		if (!each[c]->usual)
			return -1;
	}
	if (array_grow(scratch, cap, n, sizeof(**scratch), 64))
		return -1;
	for (size_t i = 0; i < m; i++) {
		double at = m > 1 ? (double)s[0].ts + (double)(s[n - 1].ts - s[0].ts) *
			    (double)i / (double)(m - 1) : (double)s[n - 1].ts;
		size_t k = i + 1 == m ? n - 1 : first_from(s, n, (int64_t)at + 1) - 1;

		if (k == prev)
			continue;
		for (size_t c = 0; c < 2; c++) {
			size_t kc = known_before(s, prev == SIZE_MAX ? 0 : prev + 1, k, c == 1);

			if (kc != judged)
				judge_at(q, &rules, s, kc, *scratch, &j);
			judged = kc;
			each[c]->usual[each[c]->nusual++] =
				usual_of_pace(s[kc].ts, c == 1 ? &j.views : &j.videos);
		}
		prev = k;
	}
	return 0;
}

/* What a charted row draws beyond its snapshots: paces, usual paces, the band's surge. */
static int chart_row(const struct report_query *q, struct report_row *row,
		     struct pace_point **scratch, size_t *cap)
{
	row->surge = rules_effective(&row->tag->rules, &q->defaults).surge;
	if (pace_series(row->snaps, row->nsnaps, false, &row->videos_pace) ||
	    pace_series(row->snaps, row->nsnaps, true, &row->views_pace))
		return -1;
	return row->nsnaps ? usual_series(q, row, scratch, cap) : 0;
}

/* Firing first, then the highest pace over usual, then the highest growth, then by name. */
static int by_importance(const void *a, const void *b)
{
	const struct report_row *x = *(const struct report_row *const *)a;
	const struct report_row *y = *(const struct report_row *const *)b;
	double px, py;
	bool hx = report_row_pace(x, &px), hy = report_row_pace(y, &py);

	if (x->tag->state.firing != y->tag->state.firing)
		return x->tag->state.firing ? -1 : 1;
	if (hx != hy || (hx && px != py))
		return ranked(x, y, hx, hy, ORDER(px, py));
	return by_growth(x, y);
}

/* Which rows get a chart, into r->charted: all of them, or the most telling. */
static int pick_charts(const struct report_query *q, struct report *r)
{
	const struct report_row **order = calloc(r->n ? r->n : 1, sizeof(const struct report_row *));

	r->charted = calloc(r->n ? r->n : 1, sizeof(*r->charted));
	if (!order || !r->charted) {
		free(order);
		return -1;
	}
	for (size_t i = 0; i < r->n; i++)
		order[i] = &r->rows[i];
	if (!q->chart_all)
		qsort(order, r->n, sizeof(const struct report_row *), by_importance);
	r->ncharted = q->chart_all || r->n < REPORT_CHART_LIMIT ? r->n : REPORT_CHART_LIMIT;
	for (size_t i = 0; i < r->ncharted; i++)
		r->charted[i] = (size_t)(order[i] - r->rows);
	free(order);
	return 0;
}

int report_load_charts(struct store *st, const struct report_query *q, struct report *r)
{
	struct pace_point *scratch = NULL;
	size_t cap = 0;
	int rc = pick_charts(q, r) ? error("out of memory") : 0;

	for (size_t i = 0; i < r->ncharted && rc == 0; i++) {
		struct report_row *row = &r->rows[r->charted[i]];
		int got = store_each_snapshot(st, row->tag->name, INT64_MIN, collect_snapshot, row);

		if (got < 0 ||
		    (got == 0 && store_alert_times(st, row->tag->name, &row->alerts, &row->nalerts)))
			rc = error("report: %s", store_error(st));
		else if (got > 0 || chart_row(q, row, &scratch, &cap))
			rc = error("out of memory");
		else
			row->charted = true;
	}
	free(scratch);
	return rc;
}

static void pace_release(struct report_pace *p)
{
	free(p->pace);
	free(p->usual);
}

void report_release(struct report *r)
{
	for (size_t i = 0; r->rows && i < r->n; i++) {
		free(r->rows[i].snaps);
		free(r->rows[i].alerts);
		pace_release(&r->rows[i].videos_pace);
		pace_release(&r->rows[i].views_pace);
	}
	free(r->rows);
	free(r->recent);
	free(r->charted);
	free(r->groups);
	memset(r, 0, sizeof(*r));
}
