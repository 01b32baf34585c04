/*
 * cmd_report: options, then report (the rows) -> report_out (the text).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "cmd.h"
#include "msg.h"
#include "report_out.h"

static const char report_usage[] =
	"usage: hashtrack report [--window DUR] [--sort growth|pace|videos|views|name]\n"
	"                        [--min-growth PCT] [--campaign NAME]\n"
	"                        [--format table|csv|json|html] [TAG...]\n";

static void report_help(void)
{
	printf("%s\nEach tracked hashtag's latest snapshot compared with the baseline `run`\n"
	       "would pick for it (the newest snapshot about one window older), with the\n"
	       "growth in videos and views and the views per hour between the two, its\n"
	       "pace against its usual pace, and whether an alert is firing (or muted).\n"
	       "When hashtags are in campaigns, the table and the page group them by\n"
	       "campaign (the ones in none last) with each campaign's totals; a total\n"
	       "that some tag's unknown count is missing from says so: 1,234 (2 of 3).\n\n"
	       "  --window DUR      compare over DUR instead of [detect] window (e.g. 1d)\n"
	       "  --sort KEY        growth (highest video growth first), pace (furthest\n"
	       "                    above its usual pace first), videos (most videos\n"
	       "                    first), views (most views first) or name;\n"
	       "                    default: by name, or the TAGs in the order given\n"
	       "  --min-growth PCT  only hashtags whose video count grew by at least PCT\n"
	       "                    percent in the window (the trending ones)\n"
	       "  --campaign NAME   only the hashtags of campaign NAME ('': those in none)\n"
	       "  --format FMT      table (default), csv, json, or html: one self-contained\n"
	       "                    page: a summary (firing, rising, failing, per campaign),\n"
	       "                    pace charts for the TAGs named, or else for the %d that\n"
	       "                    tell most (firing, then highest pace, then growth), and\n"
	       "                    a compact table of every hashtag\n\n"
	       "The table shows a sparkline of the pace between the last %d snapshots and\n"
	       "marks firing tags; colour only on a terminal, never with NO_COLOR or\n"
	       "--no-color.\n\n"
	       "examples:\n  hashtrack report --sort growth --min-growth 20\n"
	       "  hashtrack report --format html > report.html\n",
	       report_usage, REPORT_CHART_LIMIT, REPORT_RECENT);
}

struct report_opts {
	enum report_format fmt;
	struct report_query q;
	bool has_campaign;
	char campaign[CAMPAIGN_BUF_SIZE];
};

static int parse_sort(const char *s, enum report_sort *out)
{
	static const char *const names[] = {
		[REPORT_SORT_GROWTH] = "growth", [REPORT_SORT_PACE] = "pace",
		[REPORT_SORT_VIDEOS] = "videos", [REPORT_SORT_VIEWS] = "views",
		[REPORT_SORT_NAME] = "name",
	};

	for (size_t i = REPORT_SORT_GROWTH; i < ARRAY_SIZE(names); i++) {
		if (strcmp(s, names[i]) == 0) {
			*out = (enum report_sort)i;
			return 0;
		}
	}
	return error("report: unknown sort key '%s'; use growth, pace, videos, views or name", s);
}

/* One option; returns 0 to go on, or an exit status. */
static int report_option(int c, struct report_opts *o)
{
	char why[256];

	switch (c) {
	case 'f':
		if (report_format_parse(optarg, &o->fmt) == 0)
			return 0;
		return error("report: unknown format '%s'; use table, csv, json or html", optarg),
		       EXIT_USAGE;
	case 's':
		return parse_sort(optarg, &o->q.sort) ? EXIT_USAGE : 0;
	case 'w':
		if (duration_parse(optarg, &o->q.dc.window, why, sizeof(why)) == 0)
			return 0;
		return error("report: --window: %s", why), EXIT_USAGE;
	case 'g':
		o->q.has_min_growth = true;
		if (config_parse_percent(optarg, &o->q.min_growth) == 0)
			return 0;
		return error("report: --min-growth wants a percentage such as 20, not '%s'",
			     optarg), EXIT_USAGE;
	case 'c':
		o->has_campaign = true;
		return parse_campaign_filter("report", optarg, o->campaign) ? EXIT_USAGE : 0;
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
		{ "campaign", required_argument, NULL, 'c' },
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
	if (o->has_campaign && optind < argc) {
		error("report: give TAGs or --campaign, not both");
		return usage_error("report", report_usage);
	}
	return -1;
}

int cmd_report(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct report_opts o = {
		.fmt = REPORT_TABLE,
		.q = { .dc = ctx->cfg.detect, .defaults = ctx->cfg.rules, .now = ctx->cfg.now },
	};
	struct report_meta meta = {
		.generated_at = ctx->cfg.now, .version = HASHTRACK_VERSION,
	};
	struct report r = { 0 };
	struct tag_info *tags = NULL;
	size_t n = 0;
	int rc;

	if ((rc = parse_report_options(ctx, argc, argv, &o)) >= 0 ||
	    (rc = open_store_readonly(ctx)))
		return rc;
	rc = load_tags(ctx, "report", argc - optind, argv + optind, &tags, &n);
	if (!rc && o.has_campaign)
		rc = keep_campaign("report", o.campaign, tags, &n);
	if (rc) {
		free(tags);
		return rc;
	}
	rc = EXIT_FAILURE;
	meta.window = o.q.dc.window;
	o.q.chart_all = argc > optind;  /* hashtags named: chart exactly those */
	meta.color = ctx->color;       /* after the options: --no-color may follow the command */
	if (report_build(ctx->st, &o.q, tags, n, &r) ||
	    ((o.fmt == REPORT_TABLE || o.fmt == REPORT_HTML) && report_group(&r)) ||
	    (o.fmt == REPORT_TABLE && report_load_recent(ctx->st, &r)) ||
	    (o.fmt == REPORT_HTML && report_load_charts(ctx->st, &o.q, &r)))
		goto cleanup;
	if (report_write(stdout, o.fmt, &r, &meta))
		error("out of memory");
	else
		rc = EXIT_SUCCESS;
cleanup:
	report_release(&r);
	free(tags);
	return rc;
}
