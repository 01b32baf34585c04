/* cmd_report: each tracked hashtag's latest snapshot against its baseline. */
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "evaluate.h"
#include "jsonout.h"
#include "msg.h"
#include "table.h"
#include "timefmt.h"

static const char report_usage[] =
	"usage: hashtrack report [--window DUR] [--format table|csv|json] [TAG...]\n";

static void report_help(void)
{
	printf("%s\nEach tracked hashtag's latest snapshot compared with the baseline `run`\n"
	       "would pick for it (the newest snapshot about one window older), with the\n"
	       "growth in videos and views and the views per hour between the two.\n\n"
	       "  --window DUR   compare over DUR instead of [detect] window (e.g. 1d)\n"
	       "  --format FMT   table (default), csv or json\n\n"
	       "example:\n  hashtrack report --format json vibecoding\n", report_usage);
}

struct report_row {
	const struct tag_info *tag;
	const char *status;
	struct verdict v;
};

static bool compared(const struct report_row *r)
{
	return r->tag->has_last && r->v.status == VERDICT_OK;
}

static int build_row(struct cmd_ctx *ctx, const struct detect_config *dc,
		     const struct tag_info *t, struct report_row *row)
{
	struct rules rules = effective_rules(&t->rules, &ctx->cfg.rules);

	memset(row, 0, sizeof(*row));
	row->tag = t;
	row->v.status = VERDICT_NO_BASELINE;
	if (t->has_last &&
	    evaluate_snapshot(ctx->st, t->name, &t->last, &rules, dc, false, &row->v))
		return -1;
	if (t->status == TAG_NOT_FOUND)
		row->status = "not-found";
	else if (!t->has_last)
		row->status = "no-data";
	else
		row->status = verdict_status_name(row->v.status);
	return 0;
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

	duration_format(window, win, sizeof(win));
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

static const struct column report_cols[] = {
	{ "HASHTAG", "hashtag", false },
	{ "VIDEOS", "video_count", true },
	{ "VIEWS", "view_count", true },
	{ NULL, "last_snapshot", false },
	{ NULL, "baseline_snapshot", false },
	{ "NEW VIDEOS", "new_videos", true },
	{ "NEW VIEWS", "new_views", true },
	{ "VIDEOS %", "video_growth_pct", true },
	{ "VIEWS %", "view_growth_pct", true },
	{ "VIEWS/H", "views_per_hour", true },
	{ "VIRAL", "viral", false },
	{ "STATUS", "status", false },
	{ "WINDOW", NULL, true },
};

/* Counts: thousands separators in the table, plain digits in CSV. */
static void set_count(struct table *t, size_t col, bool has, int64_t v, bool human)
{
	char buf[32];

	if (!has)
		return;
	if (human)
		fmt_thousands(v, buf, sizeof(buf));
	else
		snprintf(buf, sizeof(buf), "%" PRId64, v);
	table_set(t, col, "%s%s", human && v > 0 && col >= 5 ? "+" : "", buf);
}

static void set_time(struct table *t, size_t col, bool has, int64_t ts)
{
	char buf[TIME_BUF_SIZE];

	if (!has)
		return;
	time_format(ts, buf);
	table_set(t, col, "%s", buf);
}

static void set_number(struct table *t, size_t col, bool has, double v, bool human)
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

static void add_report_row(struct table *t, const struct report_row *r, bool human)
{
	const struct verdict *v = &r->v;
	bool has = r->tag->has_last, ok = compared(r);

	table_add_row(t);
	table_set(t, 0, human ? "#%s" : "%s", r->tag->name);
	set_count(t, 1, has, r->tag->last.videos, human);
	set_count(t, 2, has, r->tag->last.views, human);
	set_time(t, 3, has, r->tag->last.ts);
	set_time(t, 4, has && v->status != VERDICT_NO_BASELINE, v->base.ts);
	set_count(t, 5, ok, v->new_videos, human);
	set_count(t, 6, ok, v->new_views, human);
	if (ok && v->has_video_growth)
		table_set(t, 7, human ? "%+.1f%%" : "%.2f", round2(v->video_growth_pct));
	if (ok && v->has_view_growth)
		table_set(t, 8, human ? "%+.1f%%" : "%.2f", round2(v->view_growth_pct));
	set_number(t, 9, ok && v->elapsed > 0, v->views_per_hour, human);
	table_set(t, 10, "%s", ok && v->viral ? (human ? "VIRAL" : "true") : (human ? "" : "false"));
	table_set(t, 11, "%s", r->status);
	if (ok) {
		char win[32];

		duration_format(v->elapsed, win, sizeof(win));
		table_set(t, 12, "%s", win);
	}
}

static int print_rows(const struct report_row *rows, size_t n, enum out_format fmt)
{
	bool human = fmt == OUT_TABLE;
	struct table t;
	int rc;

	table_init(&t, report_cols, sizeof(report_cols) / sizeof(report_cols[0]));
	for (size_t i = 0; i < n; i++)
		add_report_row(&t, &rows[i], human);
	rc = human ? table_print(&t, stdout) : table_print_csv(&t, stdout);
	table_release(&t);
	return rc ? error("out of memory") : 0;
}

static int parse_report_options(struct cmd_ctx *ctx, int argc, char **argv, enum out_format *fmt,
				int64_t *window)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "window", required_argument, NULL, 'w' },
		COMMON_OPTIONS,
		{ 0 },
	};
	char why[256];
	int c;

	while ((c = cmd_getopt(ctx, argc, argv, longopts)) != -1) {
		if (c == 'f' && parse_out_format("report", optarg, fmt) == 0)
			continue;
		if (c == 'f')
			return EXIT_USAGE;
		if (c == 'w' && duration_parse(optarg, window, why, sizeof(why)) == 0)
			continue;
		if (c == 'w')
			return error("report: --window: %s", why), EXIT_USAGE;
		if (c == 'h')
			return report_help(), EXIT_SUCCESS;
		return usage_error("report", report_usage);
	}
	return -1;
}

int cmd_report(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct detect_config dc = ctx->cfg.detect;
	enum out_format fmt = OUT_TABLE;
	struct report_row *rows = NULL;
	struct tag_info *tags = NULL;
	size_t n = 0;
	int rc;

	if ((rc = parse_report_options(ctx, argc, argv, &fmt, &dc.window)) >= 0)
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
	for (size_t i = 0; i < n; i++)
		if (build_row(ctx, &dc, &tags[i], &rows[i]))
			goto store_failed;
	if (fmt == OUT_JSON)
		rc = print_json(rows, n, ctx->cfg.now, dc.window) ? EXIT_FAILURE : EXIT_SUCCESS;
	else
		rc = print_rows(rows, n, fmt) ? EXIT_FAILURE : EXIT_SUCCESS;
	goto cleanup;
store_failed:
	error("report: %s", store_error(ctx->st));
cleanup:
	free(rows);
	free(tags);
	return rc;
}
