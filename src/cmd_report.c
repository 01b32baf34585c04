/*
 * cmd_report: each hashtag's latest snapshot against the baseline `run`
 * would pick for it, filtered, sorted, and shown as a table, CSV, JSON or
 * a self-contained HTML page. The store is read in bulk (one prepared
 * statement per kind of lookup), so thousands of tags cost milliseconds.
 */
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "html.h"
#include "jsonout.h"
#include "msg.h"
#include "sparkline.h"
#include "table.h"
#include "timefmt.h"

/* Snapshots in a sparkline, and hashtags that get a chart on the HTML page. */
#define RECENT 12
#define CHART_LIMIT 100

static const char report_usage[] =
	"usage: hashtrack report [--window DUR] [--sort growth|videos|views|name]\n"
	"                        [--min-growth PCT] [--format table|csv|json|html] [TAG...]\n";

static void report_help(void)
{
	printf("%s\nEach tracked hashtag's latest snapshot compared with the baseline `run`\n"
	       "would pick for it (the newest snapshot about one window older), with the\n"
	       "growth in videos and views and the views per hour between the two.\n\n"
	       "  --window DUR      compare over DUR instead of [detect] window (e.g. 1d)\n"
	       "  --sort KEY        growth (highest video growth first), videos (most\n"
	       "                    videos first), views (most views first) or name;\n"
	       "                    default: by name, or the TAGs in the order given\n"
	       "  --min-growth PCT  only hashtags whose video count grew by at least PCT\n"
	       "                    percent in the window (the trending ones)\n"
	       "  --format FMT      table (default), csv, json, or html: one self-contained\n"
	       "                    page with the table and a chart per hashtag (the first\n"
	       "                    %d in the table's order)\n\n"
	       "The table shows a sparkline of the last %d video counts and marks viral\n"
	       "tags; it uses colour only on a terminal, never with NO_COLOR or --no-color.\n\n"
	       "examples:\n  hashtrack report --sort growth --min-growth 20\n"
	       "  hashtrack report --format html > report.html\n",
	       report_usage, CHART_LIMIT, RECENT);
}

enum report_format { REPORT_TABLE, REPORT_CSV, REPORT_JSON, REPORT_HTML };
enum report_sort { SORT_GIVEN, SORT_GROWTH, SORT_VIDEOS, SORT_VIEWS, SORT_NAME };

struct report_opts {
	enum report_format fmt;
	enum report_sort sort;
	bool has_min_growth;
	double min_growth;
	struct detect_config dc;
};

struct report_row {
	const struct tag_info *tag;
	const char *status;
	struct verdict v;
	const struct snapshot *recent;  /* table and html: the sparkline */
	size_t nrecent;
	struct snapshot *snaps;         /* html: the chart, malloc'd */
	size_t nsnaps, cap;
	int64_t *alerts;                /* html: the viral moments, malloc'd */
	size_t nalerts;
	bool charted;
};

static bool compared(const struct report_row *r)
{
	return r->tag->has_last && r->v.status == VERDICT_OK;
}

/* ---- figures ------------------------------------------------------------ */

static void finish_row(struct cmd_ctx *ctx, const struct detect_config *dc,
		       const struct store_seek *seek, struct report_row *row)
{
	const struct tag_info *t = row->tag;
	struct rules rules = effective_rules(&t->rules, &ctx->cfg.rules);

	/* As evaluate_snapshot does it, with the baseline already looked up. */
	if (t->has_last)
		detect_evaluate(&t->last, seek->found ? &seek->snap : NULL, &rules, dc, -1,
				&row->v);
	else
		row->v.status = VERDICT_NO_BASELINE;
	if (t->status == TAG_NOT_FOUND)
		row->status = "not-found";
	else if (!t->has_last)
		row->status = "no-data";
	else
		row->status = verdict_status_name(row->v.status);
}

/* Every tag's verdict, its baseline found with one seek each. */
static int evaluate_all(struct cmd_ctx *ctx, const struct detect_config *dc,
			const struct tag_info *tags, size_t n, struct report_row *rows)
{
	struct store_seek *seeks = calloc(n ? n : 1, sizeof(*seeks));
	int rc = -1;

	if (!seeks)
		return error("out of memory");
	for (size_t i = 0; i < n; i++) {
		seeks[i].tag = tags[i].name;
		/* A tag without snapshots asks for an empty range. */
		seeks[i].from = 1;
		seeks[i].to = 0;
		if (tags[i].has_last)
			detect_baseline_range(tags[i].last.ts, dc, &seeks[i].from, &seeks[i].to);
	}
	if (store_seek_many(ctx->st, seeks, n)) {
		error("report: %s", store_error(ctx->st));
		goto cleanup;
	}
	for (size_t i = 0; i < n; i++) {
		rows[i].tag = &tags[i];
		finish_row(ctx, dc, &seeks[i], &rows[i]);
	}
	rc = 0;
cleanup:
	free(seeks);
	return rc;
}

/* Growth is video growth, rounded as shown, so that 25.00 passes --min-growth 25. */
static bool has_growth(const struct report_row *r)
{
	return compared(r) && r->v.has_video_growth && isfinite(r->v.video_growth_pct);
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

/* Rows that have the key first, larger first; the rest after; ties by name. */
static int by_key(const void *a, const void *b, bool hx, bool hy, double kx, double ky)
{
	if (hx != hy)
		return hx ? -1 : 1;
	if (hx && kx != ky)
		return kx > ky ? -1 : 1;
	return by_name(a, b);
}

static int by_growth(const void *a, const void *b)
{
	const struct report_row *x = a, *y = b;

	return by_key(a, b, has_growth(x), has_growth(y), x->v.video_growth_pct,
		      y->v.video_growth_pct);
}

static int by_int(const void *a, const void *b, bool hx, bool hy, int64_t kx, int64_t ky)
{
	if (hx != hy)
		return hx ? -1 : 1;
	if (hx && kx != ky)
		return kx > ky ? -1 : 1;
	return by_name(a, b);
}

static int by_videos(const void *a, const void *b)
{
	const struct report_row *x = a, *y = b;

	return by_int(a, b, x->tag->has_last, y->tag->has_last, x->tag->last.videos,
		      y->tag->last.videos);
}

static int by_views(const void *a, const void *b)
{
	const struct report_row *x = a, *y = b;

	return by_int(a, b, x->tag->has_last, y->tag->has_last, x->tag->last.views,
		      y->tag->last.views);
}

static void sort_rows(struct report_row *rows, size_t n, enum report_sort sort)
{
	static int (*const cmp[])(const void *, const void *) = {
		[SORT_GROWTH] = by_growth, [SORT_VIDEOS] = by_videos,
		[SORT_VIEWS] = by_views, [SORT_NAME] = by_name,
	};

	if (sort != SORT_GIVEN && n > 1)
		qsort(rows, n, sizeof(*rows), cmp[sort]);
}

/* ---- JSON --------------------------------------------------------------- */

/* A window a user can paste back: one unit only, "90m" rather than "1h30m". */
static void window_text(int64_t seconds, char *buf, size_t bufsz)
{
	static const struct { int64_t seconds; char unit; } units[] = {
		{ 7 * 86400, 'w' }, { 86400, 'd' }, { 3600, 'h' }, { 60, 'm' }, { 1, 's' },
	};

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (seconds % units[i].seconds == 0) {
			snprintf(buf, bufsz, "%" PRId64 "%c", seconds / units[i].seconds, units[i].unit);
			return;
		}
	}
}

static cJSON *row_json(const struct report_row *r)
{
	const struct verdict *v = &r->v;
	bool has = r->tag->has_last, ok = compared(r);
	cJSON *o = cJSON_CreateObject();

	if (!o || !cJSON_AddStringToObject(o, "hashtag", r->tag->name) ||
	    !json_add_int(o, "video_count", has, r->tag->last.videos) ||
	    !json_add_int(o, "view_count", has, r->tag->last.views) ||
	    !json_add_time(o, "last_snapshot", has, r->tag->last.ts) ||
	    !json_add_time(o, "baseline_snapshot", has && v->status != VERDICT_NO_BASELINE,
			   v->base.ts) ||
	    !json_add_int(o, "new_videos", ok, v->new_videos) ||
	    !json_add_int(o, "new_views", ok, v->new_views) ||
	    !json_add_round2(o, "video_growth_pct", ok && v->has_video_growth,
			     v->video_growth_pct) ||
	    !json_add_round2(o, "view_growth_pct", ok && v->has_view_growth,
			     v->view_growth_pct) ||
	    !json_add_round2(o, "views_per_hour", ok && v->elapsed > 0, v->views_per_hour) ||
	    !cJSON_AddBoolToObject(o, "viral", ok && v->viral) ||
	    !cJSON_AddStringToObject(o, "status", r->status)) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static int print_json(const struct report_row *rows, size_t n, int64_t now, int64_t window)
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
		return error("out of memory");
	}
	return json_print(stdout, top) ? error("out of memory") : 0;
}

/* ---- table and CSV ------------------------------------------------------ */

enum {
	COL_TAG, COL_TREND, COL_VIDEOS, COL_VIEWS, COL_LAST, COL_BASE, COL_NEW_VIDEOS,
	COL_NEW_VIEWS, COL_VIDEO_PCT, COL_VIEW_PCT, COL_VPH, COL_VIRAL, COL_STATUS, COL_WINDOW,
};

static const struct column report_cols[] = {
	[COL_TAG] = { "HASHTAG", "hashtag", false },
	[COL_TREND] = { "TREND", NULL, false },
	[COL_VIDEOS] = { "VIDEOS", "video_count", true },
	[COL_VIEWS] = { "VIEWS", "view_count", true },
	[COL_LAST] = { NULL, "last_snapshot", false },
	[COL_BASE] = { NULL, "baseline_snapshot", false },
	[COL_NEW_VIDEOS] = { "NEW VIDEOS", "new_videos", true },
	[COL_NEW_VIEWS] = { "NEW VIEWS", "new_views", true },
	[COL_VIDEO_PCT] = { "VIDEOS %", "video_growth_pct", true },
	[COL_VIEW_PCT] = { "VIEWS %", "view_growth_pct", true },
	[COL_VPH] = { "VIEWS/H", "views_per_hour", true },
	[COL_VIRAL] = { "VIRAL", "viral", false },
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

static void set_rate(struct table *t, size_t col, bool has, double v, bool human)
{
	char buf[32];

	if (!has || !isfinite(v))
		return;
	if (human && fabs(v) < 9.2e18) {
		fmt_thousands((int64_t)llround(v), buf, sizeof(buf));
		table_set(t, col, "%s%s", v > 0 ? "+" : "", buf);
	} else {
		table_set(t, col, human ? "%+.1f" : "%.2f", round2(v));
	}
}

static void set_trend(struct table *t, const struct report_row *r)
{
	int64_t videos[RECENT];
	char line[RECENT * SPARKLINE_CHAR_BYTES + 1];
	size_t n = r->nrecent < RECENT ? r->nrecent : RECENT;

	for (size_t i = 0; i < n; i++)
		videos[i] = r->recent[i].videos;
	sparkline(videos, n, line, sizeof(line));
	table_set(t, COL_TREND, "%s", line);
	table_style(t, COL_TREND, compared(r) && r->v.viral ? STYLE_VIRAL : STYLE_TREND);
}

static void add_report_row(struct table *t, const struct report_row *r, bool human)
{
	const struct verdict *v = &r->v;
	bool has = r->tag->has_last, ok = compared(r), viral = ok && v->viral;

	table_add_row(t);
	table_set(t, COL_TAG, human ? "#%s" : "%s", r->tag->name);
	if (viral)
		table_style(t, COL_TAG, STYLE_TAG_VIRAL);
	if (human)
		set_trend(t, r);
	set_count(t, COL_VIDEOS, has, r->tag->last.videos, human, false);
	set_count(t, COL_VIEWS, has, r->tag->last.views, human, false);
	set_time(t, COL_LAST, has, r->tag->last.ts);
	set_time(t, COL_BASE, has && v->status != VERDICT_NO_BASELINE, v->base.ts);
	set_count(t, COL_NEW_VIDEOS, ok, v->new_videos, human, true);
	set_count(t, COL_NEW_VIEWS, ok, v->new_views, human, true);
	set_pct(t, COL_VIDEO_PCT, ok && v->has_video_growth, v->video_growth_pct, human);
	set_pct(t, COL_VIEW_PCT, ok && v->has_view_growth, v->view_growth_pct, human);
	set_rate(t, COL_VPH, ok && v->elapsed > 0, v->views_per_hour, human);
	table_set(t, COL_VIRAL, "%s", viral ? (human ? "VIRAL" : "true") : (human ? "" : "false"));
	table_style(t, COL_VIRAL, STYLE_VIRAL);
	table_set(t, COL_STATUS, "%s", r->status);
	if (!ok)
		table_style(t, COL_STATUS, STYLE_QUIET);
	if (ok) {
		char win[32];

		duration_format(v->elapsed, win, sizeof(win));
		table_set(t, COL_WINDOW, "%s", win);
	}
}

static int print_rows(const struct report_row *rows, size_t n, bool csv, bool color)
{
	struct table t;
	int rc;

	table_init(&t, report_cols, sizeof(report_cols) / sizeof(report_cols[0]));
	for (size_t i = 0; i < n; i++)
		add_report_row(&t, &rows[i], !csv);
	rc = csv ? table_print_csv(&t, stdout) : table_print_color(&t, stdout, color);
	table_release(&t);
	return rc ? error("out of memory") : 0;
}

/* ---- what the table and the page show beyond the figures --------------- */

/* The last RECENT snapshots of every row, in one pass; *buf is malloc'd. */
static int load_recent(struct cmd_ctx *ctx, struct report_row *rows, size_t n,
		       struct snapshot **buf)
{
	const char **names = calloc(n ? n : 1, sizeof(*names));
	size_t *counts = calloc(n ? n : 1, sizeof(*counts));
	int rc = -1;

	*buf = calloc(n ? n * RECENT : 1, sizeof(**buf));
	if (!names || !counts || !*buf) {
		error("out of memory");
		goto cleanup;
	}
	for (size_t i = 0; i < n; i++)
		names[i] = rows[i].tag->name;
	if (store_recent_many(ctx->st, names, n, RECENT, *buf, counts)) {
		error("report: %s", store_error(ctx->st));
		goto cleanup;
	}
	for (size_t i = 0; i < n; i++) {
		rows[i].recent = *buf + i * RECENT;
		rows[i].nrecent = counts[i];
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
	if (r->nsnaps == r->cap) {
		size_t ncap = r->cap ? r->cap * 2 : 64;
		struct snapshot *grown = realloc(r->snaps, ncap * sizeof(*grown));

		if (!grown)
			return 1;
		r->snaps = grown;
		r->cap = ncap;
	}
	r->snaps[r->nsnaps++] = *s;
	return 0;
}

/* The whole history and the alerts of the first CHART_LIMIT rows. */
static int load_charts(struct cmd_ctx *ctx, struct report_row *rows, size_t n)
{
	for (size_t i = 0; i < n && i < CHART_LIMIT; i++) {
		struct report_row *r = &rows[i];
		int rc = store_each_snapshot(ctx->st, r->tag->name, INT64_MIN, collect_snapshot, r);

		if (rc > 0)
			return error("out of memory");
		if (rc < 0 || store_alert_times(ctx->st, r->tag->name, &r->alerts, &r->nalerts))
			return error("report: %s", store_error(ctx->st));
		r->charted = true;
	}
	return 0;
}

static int print_html(const struct report_row *rows, size_t n, int64_t now, int64_t window)
{
	struct html_row *h = calloc(n ? n : 1, sizeof(*h));
	char win[32];
	int rc;

	if (!h)
		return error("out of memory");
	window_text(window, win, sizeof(win));
	for (size_t i = 0; i < n; i++) {
		const struct report_row *r = &rows[i];

		h[i] = (struct html_row){
			.tag = r->tag->name, .status = r->status, .has_last = r->tag->has_last,
			.last = r->tag->last, .v = &r->v, .recent = r->recent,
			.nrecent = r->nrecent, .charted = r->charted, .snaps = r->snaps,
			.nsnaps = r->nsnaps, .alerts = r->alerts, .nalerts = r->nalerts,
		};
	}
	rc = html_write(stdout, &(struct html_page){
		.generated_at = now, .window = win, .version = HASHTRACK_VERSION,
		.rows = h, .n = n,
	});
	free(h);
	return rc;
}

/* ---- options ------------------------------------------------------------ */

static int parse_format(const char *s, enum report_format *out)
{
	static const char *const names[] = {
		[REPORT_TABLE] = "table", [REPORT_CSV] = "csv", [REPORT_JSON] = "json",
		[REPORT_HTML] = "html",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(s, names[i]) == 0) {
			*out = (enum report_format)i;
			return 0;
		}
	}
	return error("report: unknown format '%s'; use table, csv, json or html", s);
}

static int parse_sort(const char *s, enum report_sort *out)
{
	static const char *const names[] = {
		[SORT_GROWTH] = "growth", [SORT_VIDEOS] = "videos", [SORT_VIEWS] = "views",
		[SORT_NAME] = "name",
	};

	for (size_t i = SORT_GROWTH; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(s, names[i]) == 0) {
			*out = (enum report_sort)i;
			return 0;
		}
	}
	return error("report: unknown sort key '%s'; use growth, videos, views or name", s);
}

/* One option; returns 0 to go on, or an exit status. */
static int report_option(int c, struct report_opts *o)
{
	char why[256];

	switch (c) {
	case 'f':
		return parse_format(optarg, &o->fmt) ? EXIT_USAGE : 0;
	case 's':
		return parse_sort(optarg, &o->sort) ? EXIT_USAGE : 0;
	case 'w':
		if (duration_parse(optarg, &o->dc.window, why, sizeof(why)) == 0)
			return 0;
		return error("report: --window: %s", why), EXIT_USAGE;
	case 'g':
		o->has_min_growth = true;
		if (config_parse_percent(optarg, &o->min_growth) == 0)
			return 0;
		return error("report: --min-growth wants a percentage such as 20, not '%s'",
			     optarg), EXIT_USAGE;
	case 'h':
		report_help();
		return -1;
	default:
		return usage_error("report", report_usage);
	}
}

/* Returns -1 to go on, or the exit status (0 after --help). */
static int parse_report_options(struct cmd_ctx *ctx, int argc, char **argv,
				struct report_opts *o)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "window", required_argument, NULL, 'w' },
		{ "sort", required_argument, NULL, 's' },
		{ "min-growth", required_argument, NULL, 'g' },
		COMMON_OPTIONS,
		{ 0 },
	};
	int c, rc;

	while ((c = cmd_getopt(ctx, argc, argv, longopts)) != -1) {
		rc = report_option(c, o);
		if (rc < 0)
			return EXIT_SUCCESS;    /* --help */
		if (rc > 0)
			return rc;
	}
	return -1;
}

/* ---- the command -------------------------------------------------------- */

static int show(struct cmd_ctx *ctx, const struct report_opts *o, struct report_row *rows,
		size_t n, struct snapshot **recent)
{
	switch (o->fmt) {
	case REPORT_JSON:
		return print_json(rows, n, ctx->cfg.now, o->dc.window);
	case REPORT_CSV:
		return print_rows(rows, n, true, false);
	case REPORT_TABLE:
		if (load_recent(ctx, rows, n, recent))
			return -1;
		return print_rows(rows, n, false, ctx->color);
	case REPORT_HTML:
		if (load_recent(ctx, rows, n, recent) || load_charts(ctx, rows, n))
			return -1;
		return print_html(rows, n, ctx->cfg.now, o->dc.window);
	}
	return -1;
}

int cmd_report(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct report_opts o = { .fmt = REPORT_TABLE, .dc = ctx->cfg.detect };
	struct report_row *rows = NULL;
	struct snapshot *recent = NULL;
	struct tag_info *tags = NULL;
	size_t n = 0;
	int rc;

	if ((rc = parse_report_options(ctx, argc, argv, &o)) >= 0 ||
	    (rc = open_store_readonly(ctx)))
		return rc;
	rc = load_tags(ctx, "report", argc - optind, argv + optind, &tags, &n);
	if (rc)
		return rc;
	rc = EXIT_FAILURE;
	rows = calloc(n ? n : 1, sizeof(*rows));
	if (!rows) {
		error("out of memory");
		goto cleanup;
	}
	if (evaluate_all(ctx, &o.dc, tags, n, rows))
		goto cleanup;
	if (o.has_min_growth)
		n = keep_trending(rows, n, o.min_growth);
	sort_rows(rows, n, o.sort);
	rc = show(ctx, &o, rows, n, &recent) ? EXIT_FAILURE : EXIT_SUCCESS;
cleanup:
	for (size_t i = 0; rows && i < n; i++) {
		free(rows[i].snaps);
		free(rows[i].alerts);
	}
	free(recent);
	free(rows);
	free(tags);
	return rc;
}
