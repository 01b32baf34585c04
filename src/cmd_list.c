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

static const char list_usage[] = "usage: hashtrack list [--format table|csv|json]\n";

static void list_help(void)
{
	printf("%s\nThe tracked hashtags with the rules in force for each (their own, or the\n"
	       "configured defaults), when they were added, their last snapshot and the\n"
	       "outcome of their last fetch: ok, no-data, not-found or error.\n\n"
	       "  --format FMT   table (default), csv or json\n\n"
	       "example:\n  hashtrack list --format json\n", list_usage);
}

static cJSON *tag_json(const struct tag_info *t, const struct rules *r)
{
	cJSON *o = cJSON_CreateObject();

	if (!o || !cJSON_AddStringToObject(o, "hashtag", t->name) ||
	    !json_add_int(o, "min_new_videos", true, r->min_new_videos) ||
	    !cJSON_AddNumberToObject(o, "video_growth", r->video_growth) ||
	    !cJSON_AddNumberToObject(o, "view_growth", r->view_growth) ||
	    !json_add_time(o, "added_at", true, t->added_at) ||
	    !json_add_time(o, "last_snapshot", t->has_last, t->last.ts) ||
	    !cJSON_AddStringToObject(o, "status", tag_status_name(t->status)) ||
	    !json_add_str(o, "last_error", t->last_error)) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

struct list_json {
	const struct tag_info *tags;
	const struct rules *defaults;
};

static cJSON *tag_item(const void *ctx, size_t i)
{
	const struct list_json *l = ctx;
	struct rules r = rules_effective(&l->tags[i].rules, l->defaults);

	return tag_json(&l->tags[i], &r);
}

static int print_json(const struct tag_info *tags, size_t n, const struct rules *defaults)
{
	struct list_json l = { tags, defaults };

	if (json_print_array(stdout, n, tag_item, &l))
		return error("out of memory");
	return 0;
}

static const struct column list_cols[] = {
	{ "HASHTAG", "hashtag", false },
	{ "MIN NEW VIDEOS", "min_new_videos", true },
	{ "VIDEO %", "video_growth", true },
	{ "VIEW %", "view_growth", true },
	{ "ADDED", "added_at", false },
	{ "LAST SNAPSHOT", "last_snapshot", false },
	{ "STATUS", "status", false },
	{ "LAST ERROR", "last_error", false },
};

static void add_tag_row(struct table *t, const struct tag_info *tag, const struct rules *r)
{
	char added[TIME_BUF_SIZE], last[TIME_BUF_SIZE] = "";

	time_format(tag->added_at, added);
	if (tag->has_last)
		time_format(tag->last.ts, last);
	table_add_row(t);
	table_set(t, 0, "%s", tag->name);
	table_set(t, 1, "%" PRId64, r->min_new_videos);
	table_set(t, 2, "%g", r->video_growth);
	table_set(t, 3, "%g", r->view_growth);
	table_set(t, 4, "%s", added);
	table_set(t, 5, "%s", last);
	table_set(t, 6, "%s", tag_status_name(tag->status));
	table_set(t, 7, "%s", tag->last_error);
}

static int print_rows(const struct tag_info *tags, size_t n, const struct rules *defaults,
		      enum out_format fmt)
{
	struct table t;
	int rc;

	table_init(&t, list_cols, ARRAY_SIZE(list_cols));
	for (size_t i = 0; i < n; i++) {
		struct rules r = rules_effective(&tags[i].rules, defaults);

		add_tag_row(&t, &tags[i], &r);
	}
	rc = fmt == OUT_CSV ? table_print_csv(&t, stdout) : table_print(&t, stdout);
	table_release(&t);
	return rc ? error("out of memory") : 0;
}

int cmd_list(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		COMMON_OPTIONS,
		{ 0 },
	};
	enum out_format fmt = OUT_TABLE;
	struct tag_info *tags;
	size_t n;
	int c, rc;

	while ((c = cmd_getopt(ctx, argc, argv, longopts)) != -1) {
		if (c == 'f' && parse_out_format("list", optarg, &fmt) == 0)
			continue;
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
	if (fmt == OUT_JSON)
		rc = print_json(tags, n, &ctx->cfg.rules);
	else
		rc = print_rows(tags, n, &ctx->cfg.rules, fmt);
	free(tags);
	return rc ? EXIT_FAILURE : EXIT_SUCCESS;
}
