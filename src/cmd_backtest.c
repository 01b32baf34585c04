/* cmd_backtest: options, then backtest (the replay) -> the alerts as a table or JSON. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "array.h"
#include "backtest.h"
#include "cmd.h"
#include "jsonout.h"
#include "msg.h"
#include "table.h"
#include "timefmt.h"

static const char backtest_usage[] =
	"usage: hashtrack backtest [--since DUR] [--surge X] [--min-videos N]\n"
	"                          [--video-growth PCT] [--view-growth PCT]\n"
	"                          [--campaign NAME] [--format table|json] [TAG...]\n";

static void backtest_help(void)
{
	printf("%s\nReplay the stored snapshots of every tracked hashtag (or the TAGs given)\n"
	       "through the detection rules, in time order, as `run` would have judged each\n"
	       "snapshot when it was taken, and print the alerts (and calmed notices, with\n"
	       "[alert] calmed = yes) they would have sent. Writes and sends nothing: tune\n"
	       "the rules on your own history before they page anyone. Muting is not\n"
	       "replayed: a muted tag's alerts are shown as the rules raise them.\n\n"
	       "  --since DUR          only alerts detected within DUR (the replay still\n"
	       "                       starts at the first snapshot)\n"
	       "  --surge X            the surge ratio instead of the configured one\n"
	       "  --min-videos N       min_new_videos instead of the configured one\n"
	       "  --video-growth PCT   video_growth instead of the configured one\n"
	       "  --view-growth PCT    view_growth instead of the configured one\n"
	       "  --campaign NAME      only the hashtags of campaign NAME ('': those in none)\n"
	       "  --format FMT         table (default) or json\n\n"
	       "examples:\n  hashtrack backtest --since 30d\n"
	       "  hashtrack backtest --surge 5 --format json vibecoding\n", backtest_usage);
}

struct backtest_opts {
	int64_t since;
	struct tag_rules flags;
	enum out_format fmt;
	bool has_campaign;
	char campaign[CAMPAIGN_BUF_SIZE];
};

/* The alerts as they come, kept for the table or the JSON array. */
struct found {
	struct alert *alerts;
	char (*tags)[TAG_BUF_SIZE];
	size_t n, cap, tag_cap;
};

static int keep(void *ctx, const struct alert *a)
{
	struct found *f = ctx;

	if (array_grow(&f->alerts, &f->cap, f->n + 1, sizeof(*f->alerts), 16) ||
	    array_grow(&f->tags, &f->tag_cap, f->n + 1, sizeof(*f->tags), 16))
		return error("out of memory");
	snprintf(f->tags[f->n], sizeof(f->tags[f->n]), "%s", a->tag);
	f->alerts[f->n] = *a;
	f->n++;
	return 0;
}

static cJSON *alert_item(const void *ctx, size_t i)
{
	const struct found *f = ctx;
	const struct alert *a = &f->alerts[i];
	bool has_videos = a->has_new_videos && a->elapsed > 0;
	bool has_views = a->has_new_views && a->elapsed > 0;
	cJSON *o = cJSON_CreateObject(), *rules;

	if (!o || !cJSON_AddStringToObject(o, "hashtag", f->tags[i]) ||
	    !json_add_time(o, "detected_at", true, a->detected_at) ||
	    !cJSON_AddStringToObject(o, "event", alert_event_name(a->event)) ||
	    !(rules = cJSON_AddArrayToObject(o, "rules")) ||
	    !alert_rules_json(rules, a->rules) ||
	    !json_add_round2(o, "pace_ratio", a->has_pace_ratio, a->pace_ratio) ||
	    !json_add_round2(o, "views_per_hour", has_views, a->views_per_hour) ||
	    !json_add_round2(o, "usual_views_per_hour", a->has_usual_views,
			     a->usual_views_per_hour) ||
	    !json_add_round2(o, "videos_per_hour", has_videos, a->videos_per_hour) ||
	    !json_add_round2(o, "usual_videos_per_hour", a->has_usual_videos,
			     a->usual_videos_per_hour) ||
	    !json_add_int(o, "new_videos", a->has_new_videos, a->new_videos) ||
	    !json_add_int(o, "new_views", a->has_new_views, a->new_views)) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static const struct column backtest_cols[] = {
	{ "DETECTED", NULL, false },
	{ "HASHTAG", NULL, false },
	{ "EVENT", NULL, false },
	{ "PACE", NULL, true },
	{ "ALERT", NULL, false },
};

static int print_table(const struct found *f)
{
	struct table t;
	int rc;

	table_init(&t, backtest_cols, ARRAY_SIZE(backtest_cols));
	for (size_t i = 0; i < f->n; i++) {
		const struct alert *a = &f->alerts[i];
		char when[TIME_BUF_SIZE], *sentence = alert_sentence(a);

		time_format(a->detected_at, when);
		table_add_row(&t);
		table_set(&t, 0, "%s", when);
		table_set(&t, 1, "#%s", f->tags[i]);
		table_set(&t, 2, "%s", alert_event_name(a->event));
		if (a->has_pace_ratio)
			table_set(&t, 3, "%.1fx", a->pace_ratio);
		table_set(&t, 4, "%s", sentence ? sentence : "(out of memory)");
		free(sentence);
	}
	rc = table_print(&t, stdout);
	table_release(&t);
	if (rc == 0 && f->n == 0 && msg_verbosity >= 0)
		fprintf(stderr, "hashtrack: backtest: no alert would have been sent\n");
	return rc;
}

/* Returns -1 to go on, else the exit status. */
static int parse_backtest_options(struct cmd_ctx *ctx, int argc, char **argv,
				  struct backtest_opts *o)
{
	static const struct option longopts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "surge", required_argument, NULL, 'S' },
		{ "min-videos", required_argument, NULL, 'm' },
		{ "video-growth", required_argument, NULL, 'g' },
		{ "view-growth", required_argument, NULL, 'w' },
		{ "format", required_argument, NULL, 'f' },
		{ "campaign", required_argument, NULL, 'c' },
		COMMON_OPTIONS,
		{ 0 },
	};
	int c;

	while ((c = cmd_getopt(ctx, argc, argv, longopts)) != -1) {
		switch (c) {
		case 'c':
			o->has_campaign = true;
			if (parse_campaign_filter("backtest", optarg, o->campaign))
				return usage_error("backtest", backtest_usage);
			break;
		case 's':
			if (parse_since(ctx, "backtest", optarg, &o->since))
				return usage_error("backtest", backtest_usage);
			break;
		case 'S':
		case 'm':
		case 'g':
		case 'w':
			if (parse_rule_option("backtest", c, optarg, &o->flags))
				return usage_error("backtest", backtest_usage);
			break;
		case 'f':
			if (parse_out_format("backtest", optarg, &o->fmt) || o->fmt == OUT_CSV) {
				if (o->fmt == OUT_CSV)
					error("backtest: unknown format 'csv'; use table or json");
				return usage_error("backtest", backtest_usage);
			}
			break;
		case 'h':
			backtest_help();
			return EXIT_SUCCESS;
		default:
			return usage_error("backtest", backtest_usage);
		}
	}
	if (o->has_campaign && optind < argc) {
		error("backtest: give TAGs or --campaign, not both");
		return usage_error("backtest", backtest_usage);
	}
	return -1;
}

int cmd_backtest(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct backtest_opts o = { .since = INT64_MIN, .fmt = OUT_TABLE };
	struct found f = { 0 };
	struct tag_info *tags = NULL;
	size_t n = 0;
	int rc;

	if ((rc = parse_backtest_options(ctx, argc, argv, &o)) >= 0 ||
	    (rc = open_store_readonly(ctx)))
		return rc;
	rc = load_tags(ctx, "backtest", argc - optind, argv + optind, &tags, &n);
	if (!rc && o.has_campaign)
		rc = keep_campaign("backtest", o.campaign, tags, &n);
	if (rc) {
		free(tags);
		return rc;
	}
	rc = EXIT_FAILURE;
	if (backtest_run(ctx->st, &ctx->cfg, &o.flags, tags, n, o.since, keep, &f))
		goto cleanup;
	/* The alerts point at their own copies of the tag names. */
	for (size_t i = 0; i < f.n; i++)
		f.alerts[i].tag = f.tags[i];
	if (o.fmt == OUT_JSON ? json_print_array(stdout, f.n, alert_item, &f) : print_table(&f))
		error("out of memory");
	else
		rc = EXIT_SUCCESS;
cleanup:
	free(f.alerts);
	free(f.tags);
	free(tags);
	return rc;
}
