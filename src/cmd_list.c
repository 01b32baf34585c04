/* cmd_list: the tracked hashtags, their effective rules and last snapshot. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "array.h"
#include "cmd.h"
#include "jsonout.h"
#include "msg.h"
#include "table.h"
#include "timefmt.h"

static const char list_usage[] =
	"usage: hashtrack list [--campaign NAME] [--format table|csv|json]\n";

static void list_help(void)
{
	printf("%s\nThe tracked hashtags with the rules in force for each (their own, or the\n"
	       "configured defaults), when they were added, their last snapshot and the\n"
	       "outcome of their last fetch: ok, no-data, not-found or error; their\n"
	       "campaign, and until when their alerts are muted (with the reason given).\n"
	       "With [schedule] adaptive = yes, also when each is due to be fetched next.\n\n"
	       "  --campaign NAME  only the hashtags of campaign NAME ('': those in none)\n"
	       "  --format FMT     table (default), csv or json\n\n"
	       "examples:\n  hashtrack list --format json\n"
	       "  hashtrack list --campaign 'Spring Sale'\n", list_usage);
}

/* When the adaptive schedule next fetches t; false unless [schedule] adaptive. */
static bool next_due(const struct config *cfg, const struct tag_info *t, int64_t *when)
{
	struct schedule_tag st;

	if (!cfg->schedule.adaptive)
		return false;
	due_tag(t, 0, &st);
	*when = schedule_next_due(&cfg->schedule, &st);
	return true;
}

static cJSON *tag_json(const struct config *cfg, const struct tag_info *t, const struct rules *r)
{
	bool muted = t->muted_until > cfg->now;
	int64_t due = 0;
	bool has_due = next_due(cfg, t, &due);
	cJSON *o = cJSON_CreateObject();

	if (!o || !cJSON_AddStringToObject(o, "hashtag", t->name) ||
	    !json_add_str(o, "campaign", t->campaign) ||
	    !json_add_int(o, "min_new_videos", true, r->min_new_videos) ||
	    !cJSON_AddNumberToObject(o, "video_growth", r->video_growth) ||
	    !cJSON_AddNumberToObject(o, "view_growth", r->view_growth) ||
	    !cJSON_AddNumberToObject(o, "surge", r->surge) ||
	    !json_add_time(o, "added_at", true, t->added_at) ||
	    !json_add_time(o, "last_snapshot", t->has_last, t->last.ts) ||
	    !cJSON_AddStringToObject(o, "status", tag_status_name(t->status)) ||
	    !json_add_str(o, "last_error", t->last_error) ||
	    !json_add_time(o, "muted_until", muted, t->muted_until) ||
	    !json_add_str(o, "mute_reason", muted ? t->mute_reason : NULL) ||
	    !json_add_time(o, "next_due", has_due, due)) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

struct list_json {
	const struct tag_info *tags;
	const struct config *cfg;
};

static cJSON *tag_item(const void *ctx, size_t i)
{
	const struct list_json *l = ctx;
	struct rules r = rules_effective(&l->tags[i].rules, &l->cfg->rules);

	return tag_json(l->cfg, &l->tags[i], &r);
}

static int print_json(const struct tag_info *tags, size_t n, const struct config *cfg)
{
	struct list_json l = { tags, cfg };

	if (json_print_array(stdout, n, tag_item, &l))
		return error("out of memory");
	return 0;
}

static const struct column list_cols[] = {
	{ "HASHTAG", "hashtag", false },
	{ "CAMPAIGN", "campaign", false },
	{ "MIN NEW VIDEOS", "min_new_videos", true },
	{ "VIDEO %", "video_growth", true },
	{ "VIEW %", "view_growth", true },
	{ "SURGE", "surge", true },
	{ "ADDED", "added_at", false },
	{ "LAST SNAPSHOT", "last_snapshot", false },
	{ "STATUS", "status", false },
	{ "LAST ERROR", "last_error", false },
	{ "MUTED UNTIL", "muted_until", false },
	{ "MUTE REASON", "mute_reason", false },
	{ "NEXT DUE", "next_due", false },     /* the last column: only when adaptive */
};

static void add_tag_row(struct table *t, const struct config *cfg, const struct tag_info *tag,
			const struct rules *r)
{
	char added[TIME_BUF_SIZE], last[TIME_BUF_SIZE] = "", muted[TIME_BUF_SIZE] = "";
	char due_at[TIME_BUF_SIZE];
	int64_t due;

	time_format(tag->added_at, added);
	if (tag->has_last)
		time_format(tag->last.ts, last);
	if (tag->muted_until > cfg->now)
		time_format(tag->muted_until, muted);
	table_add_row(t);
	table_set(t, 0, "%s", tag->name);
	table_set(t, 1, "%s", tag->campaign);
	table_set(t, 2, "%" PRId64, r->min_new_videos);
	table_set(t, 3, "%g", r->video_growth);
	table_set(t, 4, "%g", r->view_growth);
	table_set(t, 5, "%g", r->surge);
	table_set(t, 6, "%s", added);
	table_set(t, 7, "%s", last);
	table_set(t, 8, "%s", tag_status_name(tag->status));
	table_set(t, 9, "%s", tag->last_error);
	table_set(t, 10, "%s", muted);
	table_set(t, 11, "%s", muted[0] ? tag->mute_reason : "");
	if (next_due(cfg, tag, &due)) {
		time_format(due, due_at);
		table_set(t, 12, "%s", due_at);
	}
}

static int print_rows(const struct tag_info *tags, size_t n, const struct config *cfg,
		      enum out_format fmt)
{
	size_t ncols = ARRAY_SIZE(list_cols) - !cfg->schedule.adaptive;
	struct table t;
	int rc;

	table_init(&t, list_cols, ncols);
	for (size_t i = 0; i < n; i++) {
		struct rules r = rules_effective(&tags[i].rules, &cfg->rules);

		add_tag_row(&t, cfg, &tags[i], &r);
	}
	rc = fmt == OUT_CSV ? table_print_csv(&t, stdout) : table_print(&t, stdout);
	table_release(&t);
	return rc ? error("out of memory") : 0;
}

int cmd_list(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "campaign", required_argument, NULL, 'c' },
		COMMON_OPTIONS,
		{ 0 },
	};
	enum out_format fmt = OUT_TABLE;
	struct tag_info *tags;
	char campaign[CAMPAIGN_BUF_SIZE];
	bool by_campaign = false;
	size_t n;
	int c, rc;

	while ((c = cmd_getopt(ctx, argc, argv, longopts)) != -1) {
		if (c == 'f' && parse_out_format("list", optarg, &fmt) == 0)
			continue;
		if (c == 'c' && parse_campaign_filter("list", optarg, campaign) == 0) {
			by_campaign = true;
			continue;
		}
		if (c == 'h')
			return list_help(), EXIT_SUCCESS;
		return usage_error("list", list_usage);
	}
	if (optind < argc) {
		error("list: unexpected argument '%s'", argv[optind]);
		return usage_error("list", list_usage);
	}
	if ((rc = open_store_readonly(ctx)))
		return rc;
	if (store_list_tags(ctx->st, NULL, 0, &tags, &n))
		return error("%s", store_error(ctx->st)), EXIT_FAILURE;
	if (by_campaign && keep_campaign("list", campaign, tags, &n))
		rc = EXIT_FAILURE;
	else if (fmt == OUT_JSON)
		rc = print_json(tags, n, &ctx->cfg) ? EXIT_FAILURE : 0;
	else
		rc = print_rows(tags, n, &ctx->cfg, fmt) ? EXIT_FAILURE : 0;
	free(tags);
	return rc;
}
