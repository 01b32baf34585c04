/*
 * report_out: the report's rows as an aligned table (colour only when
 * asked), CSV, JSON or the HTML page html.c draws.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "duration.h"
#include "html.h"
#include "jsonout.h"
#include "report_out.h"
#include "sparkline.h"
#include "table.h"
#include "timefmt.h"

/* ---- JSON --------------------------------------------------------------- */

/* A window a user can paste back: one unit only, "90m" rather than "1h30m". */
static void window_text(int64_t seconds, char *buf, size_t bufsz)
{
	static const struct { int64_t seconds; char unit; } units[] = {
		{ 7 * 86400, 'w' }, { 86400, 'd' }, { 3600, 'h' }, { 60, 'm' }, { 1, 's' },
	};

	for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
		if (seconds % units[i].seconds == 0) {
			snprintf(buf, bufsz, "%" PRId64 "%c", seconds / units[i].seconds, units[i].unit);
			return;
		}
	}
}

/*
 * "muted" while its alerts are muted (firing or not: no alert goes out),
 * "firing" while the tag's alert lasts (as run left it), else "quiet".
 */
static const char *row_state(const struct report_row *r)
{
	if (r->muted)
		return "muted";
	return r->tag->state.firing ? "firing" : "quiet";
}

/* The usual pace of a count, when it has learnt one. */
static bool usual_of(const struct pace *p, double *out)
{
	*out = p->usual_per_hour;
	return p->has_usual && !p->learning;
}

static cJSON *row_json(const struct report_row *r)
{
	const struct verdict *v = &r->v;
	bool has = r->tag->has_last, ok = report_row_compared(r);
	double usual_videos, usual_views, ratio;
	bool has_usual_videos = usual_of(&r->j.videos, &usual_videos);
	bool has_usual_views = usual_of(&r->j.views, &usual_views);
	bool has_ratio = report_row_pace(r, &ratio);
	cJSON *o = cJSON_CreateObject();

	if (!o || !cJSON_AddStringToObject(o, "hashtag", r->tag->name) ||
	    !json_add_str(o, "campaign", r->tag->campaign) ||
	    !json_add_int(o, "video_count", has && count_known(r->tag->last.videos),
			  r->tag->last.videos) ||
	    !json_add_int(o, "view_count", has && count_known(r->tag->last.views),
			  r->tag->last.views) ||
	    !json_add_time(o, "last_snapshot", has, r->tag->last.ts) ||
	    !json_add_time(o, "baseline_snapshot", has && v->status != VERDICT_NO_BASELINE,
			   v->base.ts) ||
	    !json_add_int(o, "new_videos", ok && v->has_new_videos, v->new_videos) ||
	    !json_add_int(o, "new_views", ok && v->has_new_views, v->new_views) ||
	    !json_add_round2(o, "video_growth_pct", ok && v->has_video_growth,
			     v->video_growth_pct) ||
	    !json_add_round2(o, "view_growth_pct", ok && v->has_view_growth,
			     v->view_growth_pct) ||
	    !json_add_round2(o, "videos_per_hour", ok && v->has_new_videos && v->elapsed > 0,
			     v->videos_per_hour) ||
	    !json_add_round2(o, "views_per_hour", ok && v->has_new_views && v->elapsed > 0,
			     v->views_per_hour) ||
	    !json_add_round2(o, "usual_videos_per_hour", has_usual_videos, usual_videos) ||
	    !json_add_round2(o, "usual_views_per_hour", has_usual_views, usual_views) ||
	    !json_add_round2(o, "pace_ratio", has_ratio, ratio) ||
	    !cJSON_AddBoolToObject(o, "viral", r->tag->state.firing) ||
	    !cJSON_AddStringToObject(o, "state", row_state(r)) ||
	    !cJSON_AddStringToObject(o, "status", r->status)) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static int write_json(FILE *f, const struct report_row *rows, size_t n, int64_t now, int64_t window)
{
	cJSON *top = cJSON_CreateObject(), *arr = cJSON_CreateArray();
	char win[32];
	bool ok = top && arr;

	window_text(window, win, sizeof(win));
	ok = ok && json_add_time(top, "generated_at", true, now) &&
	     cJSON_AddStringToObject(top, "window", win);
	for (size_t i = 0; ok && i < n; i++) {
		cJSON *o = row_json(&rows[i]);

		ok = o != NULL;
		if (ok)
			cJSON_AddItemToArray(arr, o);
	}
	if (!ok || !cJSON_AddItemToObject(top, "hashtags", arr)) {
		cJSON_Delete(arr);
		cJSON_Delete(top);
		return -1;
	}
	return json_print(f, top);
}

/* ---- table and CSV ------------------------------------------------------ */

enum {
	COL_TAG, COL_CAMPAIGN, COL_TREND, COL_VIDEOS, COL_VIEWS, COL_LAST, COL_BASE,
	COL_NEW_VIDEOS, COL_NEW_VIEWS, COL_VIDEO_PCT, COL_VIEW_PCT, COL_VIDEOS_PH, COL_VPH,
	COL_USUAL_VIDEOS, COL_USUAL_VIEWS, COL_PACE, COL_VIRAL, COL_STATE, COL_STATUS, COL_WINDOW,
};

/* The CSV header is the JSON keys, in their order; the table shows the same, readably. */
static const struct column report_cols[] = {
	[COL_TAG] = { "HASHTAG", "hashtag", false },
	[COL_CAMPAIGN] = { NULL, "campaign", false },
	[COL_TREND] = { "PACE TREND", NULL, false },
	[COL_VIDEOS] = { "VIDEOS", "video_count", true },
	[COL_VIEWS] = { "VIEWS", "view_count", true },
	[COL_LAST] = { NULL, "last_snapshot", false },
	[COL_BASE] = { NULL, "baseline_snapshot", false },
	[COL_NEW_VIDEOS] = { "NEW VIDEOS", "new_videos", true },
	[COL_NEW_VIEWS] = { "NEW VIEWS", "new_views", true },
	[COL_VIDEO_PCT] = { "VIDEOS %", "video_growth_pct", true },
	[COL_VIEW_PCT] = { "VIEWS %", "view_growth_pct", true },
	[COL_VIDEOS_PH] = { NULL, "videos_per_hour", true },
	[COL_VPH] = { "VIEWS/H", "views_per_hour", true },
	[COL_USUAL_VIDEOS] = { NULL, "usual_videos_per_hour", true },
	[COL_USUAL_VIEWS] = { "USUAL/H", "usual_views_per_hour", true },
	[COL_PACE] = { "PACE", "pace_ratio", true },
	[COL_VIRAL] = { "VIRAL", "viral", false },
	[COL_STATE] = { NULL, "state", false },
	[COL_STATUS] = { "STATUS", "status", false },
	[COL_WINDOW] = { "WINDOW", NULL, true },
};

/* Terminal styles (SGR): what grew, what fell, what went viral, what is not ok. */
#define STYLE_UP "32"
#define STYLE_DOWN "33"
#define STYLE_VIRAL "1;31"
#define STYLE_TAG_VIRAL "1"
#define STYLE_TREND "36"
#define STYLE_QUIET "2"

static void style_sign(struct table *t, size_t col, bool has, double v)
{
	if (has && v > 0)
		table_style(t, col, STYLE_UP);
	else if (has && v < 0)
		table_style(t, col, STYLE_DOWN);
}

/* Counts: thousands separators and a sign on deltas in the table, plain digits in CSV. */
static void set_count(struct table *t, size_t col, bool has, int64_t v, bool human, bool delta)
{
	char buf[32];

	if (!has)
		return;
	if (human)
		fmt_thousands(v, buf, sizeof(buf));
	else
		snprintf(buf, sizeof(buf), "%" PRId64, v);
	table_set(t, col, "%s%s", human && delta && v > 0 ? "+" : "", buf);
	if (human && delta)
		style_sign(t, col, true, (double)v);
}

static void set_time(struct table *t, size_t col, bool has, int64_t ts)
{
	char buf[TIME_BUF_SIZE];

	if (!has)
		return;
	time_format(ts, buf);
	table_set(t, col, "%s", buf);
}

static void set_pct(struct table *t, size_t col, bool has, double v, bool human)
{
	if (!has || !isfinite(v))
		return;
	table_set(t, col, human ? "%+.1f%%" : "%.2f", round2(v));
	if (human)
		style_sign(t, col, true, round2(v));
}

/* A rate per hour; a change (signed) shows its sign in the table. */
static void set_rate(struct table *t, size_t col, bool has, double v, bool human, bool sign)
{
	char buf[32];

	if (!has || !isfinite(v))
		return;
	if (human && fabs(v) < 9.2e18) {
		fmt_thousands((int64_t)llround(v), buf, sizeof(buf));
		table_set(t, col, "%s%s", sign && v > 0 ? "+" : "", buf);
	} else {
		table_set(t, col, human ? "%+.1f" : "%.2f", round2(v));
	}
}

/*
 * The recent pace: views (else videos) per hour between consecutive
 * comparable snapshots, oldest first. A pace that jumps stands out where
 * the cumulative counts would look like a straight line.
 */
static void set_trend(struct table *t, const struct report_row *r)
{
	int64_t pace[REPORT_RECENT];
	char line[REPORT_RECENT * SPARKLINE_CHAR_BYTES + 1];
	size_t n = 0;
	bool views = r->j.views.known || !r->j.videos.known;

	for (size_t i = 1; i < r->nrecent && i < REPORT_RECENT; i++) {
		const struct snapshot *a = &r->recent[i - 1], *b = &r->recent[i];
		int64_t x = views ? a->views : a->videos, y = views ? b->views : b->videos;

		if (b->ts > a->ts && count_known(x) && count_known(y) && snapshot_comparable(a, b))
			pace[n++] = (y - x) * 3600 / (b->ts - a->ts);
	}
	sparkline_from(pace, n, 0, line, sizeof(line));
	table_set(t, COL_TREND, "%s", line);
	table_style(t, COL_TREND, r->tag->state.firing ? STYLE_VIRAL : STYLE_TREND);
}

static void add_report_row(struct table *t, const struct report_row *r, bool human)
{
	const struct verdict *v = &r->v;
	bool has = r->tag->has_last, ok = report_row_compared(r), viral = r->tag->state.firing;
	double usual, ratio;

	table_add_row(t);
	table_set(t, COL_TAG, human ? "#%s" : "%s", r->tag->name);
	table_set(t, COL_CAMPAIGN, "%s", r->tag->campaign);
	if (viral)
		table_style(t, COL_TAG, STYLE_TAG_VIRAL);
	if (human)
		set_trend(t, r);
	set_count(t, COL_VIDEOS, has && count_known(r->tag->last.videos), r->tag->last.videos,
		  human, false);
	set_count(t, COL_VIEWS, has && count_known(r->tag->last.views), r->tag->last.views,
		  human, false);
	set_time(t, COL_LAST, has, r->tag->last.ts);
	set_time(t, COL_BASE, has && v->status != VERDICT_NO_BASELINE, v->base.ts);
	set_count(t, COL_NEW_VIDEOS, ok && v->has_new_videos, v->new_videos, human, true);
	set_count(t, COL_NEW_VIEWS, ok && v->has_new_views, v->new_views, human, true);
	set_pct(t, COL_VIDEO_PCT, ok && v->has_video_growth, v->video_growth_pct, human);
	set_pct(t, COL_VIEW_PCT, ok && v->has_view_growth, v->view_growth_pct, human);
	set_rate(t, COL_VIDEOS_PH, ok && v->has_new_videos && v->elapsed > 0, v->videos_per_hour,
		 human, true);
	set_rate(t, COL_VPH, ok && v->has_new_views && v->elapsed > 0, v->views_per_hour, human,
		 true);
	if (usual_of(&r->j.videos, &usual))
		set_rate(t, COL_USUAL_VIDEOS, true, usual, human, false);
	if (usual_of(&r->j.views, &usual))
		set_rate(t, COL_USUAL_VIEWS, true, usual, human, false);
	if (report_row_pace(r, &ratio))
		table_set(t, COL_PACE, human ? "%.1fx" : "%.2f", human ? ratio : round2(ratio));
	table_set(t, COL_STATE, "%s", row_state(r));
	table_set(t, COL_VIRAL, "%s", viral ? (human ? "VIRAL" : "true") : (human ? "" : "false"));
	table_style(t, COL_VIRAL, STYLE_VIRAL);
	if (human && r->muted)  /* the table has no state column: muted is said here */
		table_set(t, COL_VIRAL, "%s", viral ? "VIRAL, muted" : "muted");
	table_set(t, COL_STATUS, "%s", r->status);
	if (!ok)
		table_style(t, COL_STATUS, STYLE_QUIET);
	if (ok) {
		char win[32];

		duration_format(v->elapsed, win, sizeof(win));
		table_set(t, COL_WINDOW, "%s", win);
	}
}

/* A sum of counts in the table: "" when none was known, "(2 of 3)" after a partial one. */
static void set_sum(struct table *t, size_t col, const struct count_sum *s, bool delta)
{
	char text[COUNT_SUM_TEXT_SIZE];

	count_sum_text(s, delta, text, sizeof(text));
	table_set(t, col, "%s", text);
	if (delta)
		style_sign(t, col, count_sum_has(s), (double)s->sum);
}

/* A group's heading row (after a blank one between groups), then its rows, then its totals. */
static void add_group(struct table *t, const struct report_row *rows, const struct campaign_group *g)
{
	const struct campaign_totals *tot = &g->totals;
	char viral[64] = "";

	if (g->first > 0)
		table_add_row(t);
	table_add_row(t);
	if (g->campaign)
		table_set(t, COL_TAG, "campaign: %s", g->campaign);
	else
		table_set(t, COL_TAG, "no campaign");
	table_style(t, COL_TAG, STYLE_TAG_VIRAL);
	for (size_t i = g->first; i < g->first + g->n; i++)
		add_report_row(t, &rows[i], true);
	table_add_row(t);
	table_set(t, COL_TAG, "total: %zu hashtag%s", tot->tags, tot->tags == 1 ? "" : "s");
	set_sum(t, COL_VIDEOS, &tot->videos, false);
	set_sum(t, COL_VIEWS, &tot->views, false);
	set_sum(t, COL_NEW_VIDEOS, &tot->new_videos, true);
	set_sum(t, COL_NEW_VIEWS, &tot->new_views, true);
	if (tot->firing)
		snprintf(viral, sizeof(viral), "%zu VIRAL", tot->firing);
	if (tot->muted)
		snprintf(viral + strlen(viral), sizeof(viral) - strlen(viral), "%s%zu muted",
			 tot->firing ? ", " : "", tot->muted);
	table_set(t, COL_VIRAL, "%s", viral);
	table_style(t, COL_VIRAL, STYLE_VIRAL);
}

/*
 * The table, grouped by campaign with each group's totals when the rows
 * are grouped; CSV is one row per tag, as JSON.
 */
static int write_table(FILE *f, const struct report *r, bool csv, bool color)
{
	struct table t;
	int rc;

	table_init(&t, report_cols, ARRAY_SIZE(report_cols));
	if (!csv && r->ngroups > 0) {
		for (size_t g = 0; g < r->ngroups; g++)
			add_group(&t, r->rows, &r->groups[g]);
	} else {
		for (size_t i = 0; i < r->n; i++)
			add_report_row(&t, &r->rows[i], !csv);
	}
	rc = csv ? table_print_csv(&t, f) : table_print_color(&t, f, color);
	table_release(&t);
	return rc;
}

static struct chart_series series_of(const struct report_pace *p)
{
	return (struct chart_series){ .pace = p->pace, .npace = p->npace, .usual = p->usual,
				      .nusual = p->nusual };
}

static int write_html(FILE *f, const struct report *rep, const struct report_meta *m)
{
	const struct report_row *rows = rep->rows;
	size_t n = rep->n;
	struct html_row *h = calloc(n ? n : 1, sizeof(*h));
	int rc;

	if (!h)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const struct report_row *r = &rows[i];
		const struct tag_info *t = r->tag;
		struct html_row *o = &h[i];

		*o = (struct html_row){
			.tag = t->name, .campaign = t->campaign, .status = r->status,
			.firing = t->state.firing,
			.failing = t->status == TAG_NOT_FOUND || t->status == TAG_ERROR,
			.error = t->status == TAG_ERROR ? t->last_error : NULL,
			.has_last = t->has_last, .last = t->last, .v = &r->v,
			.charted = r->charted,
			.snaps = r->snaps, .nsnaps = r->nsnaps,
			.videos = series_of(&r->videos_pace), .views = series_of(&r->views_pace),
			.surge = r->surge, .alerts = r->alerts, .nalerts = r->nalerts,
			.muted = r->muted,
		};
		o->has_ratio = report_row_pace(r, &o->ratio);
		o->has_usual_videos = usual_of(&r->j.videos, &o->usual_videos);
		o->has_usual_views = usual_of(&r->j.views, &o->usual_views);
	}
	rc = html_write(f, &(struct html_page){
		.generated_at = m->generated_at, .window = m->window, .version = m->version,
		.rows = h, .n = n, .cards = rep->charted, .ncards = rep->ncharted,
		.groups = rep->groups, .ngroups = rep->ngroups,
	});
	free(h);
	return rc;
}

int report_format_parse(const char *s, enum report_format *out)
{
	static const char *const names[] = {
		[REPORT_TABLE] = "table", [REPORT_CSV] = "csv", [REPORT_JSON] = "json",
		[REPORT_HTML] = "html",
	};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (strcmp(s, names[i]) == 0) {
			*out = (enum report_format)i;
			return 0;
		}
	}
	return -1;
}

int report_write(FILE *f, enum report_format fmt, const struct report *r,
		 const struct report_meta *m)
{
	switch (fmt) {
	case REPORT_JSON:
		return write_json(f, r->rows, r->n, m->generated_at, m->window);
	case REPORT_CSV:
		return write_table(f, r, true, false);
	case REPORT_TABLE:
		return write_table(f, r, false, m->color);
	case REPORT_HTML:
		return write_html(f, r, m);
	}
	return -1;
}
