/* cmd_history: the snapshots of one hashtag, oldest first. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "array.h"
#include "cmd.h"
#include "msg.h"
#include "snapout.h"
#include "table.h"
#include "timefmt.h"

static const char history_usage[] =
	"usage: hashtrack history TAG [--since DUR] [--format table|csv|json]\n";

static void history_help(void)
{
	printf("%s\nEvery snapshot of one hashtag, tracked or removed, oldest first: its time,\n"
	       "video and view counts, and the response shape (1-5) its counts came from\n"
	       "(empty, or \"imported\" in the table, for imported snapshots). The table\n"
	       "adds the change since the snapshot before, where the two compare.\n\n"
	       "  --since DUR    only snapshots taken in the last DUR (e.g. 7d)\n"
	       "  --format FMT   table (default), csv or json; csv and json have the\n"
	       "                 columns of export: hashtag,ts,video_count,view_count,source\n\n"
	       "example:\n  hashtrack history vibecoding --since 2d\n", history_usage);
}

static const struct column history_cols[] = {
	{ "TIME", NULL, false },
	{ "VIDEOS", NULL, true },
	{ "VIEWS", NULL, true },
	{ "NEW VIDEOS", NULL, true },
	{ "NEW VIEWS", NULL, true },
	{ "SOURCE", NULL, false },
};

struct history_table {
	struct table t;
	bool has_prev;
	struct snapshot prev;
};

/* A count (empty when unknown) or a change. */
static void set_thousands(struct table *t, size_t col, int64_t v, bool sign)
{
	char buf[32];

	if (!sign && !count_known(v))
		return;
	fmt_thousands(v, buf, sizeof(buf));
	table_set(t, col, "%s%s", sign && v > 0 ? "+" : "", buf);
}

static int add_table_row(void *arg, const char *tag, const struct snapshot *s)
{
	struct history_table *h = arg;
	char when[TIME_BUF_SIZE];

	(void)tag;
	time_format(s->ts, when);
	table_add_row(&h->t);
	table_set(&h->t, 0, "%s", when);
	set_thousands(&h->t, 1, s->videos, false);
	set_thousands(&h->t, 2, s->views, false);
	/* Rounded and exact counts differ by millions: no change across shapes. */
	if (h->has_prev && snapshot_comparable(&h->prev, s)) {
		if (count_known(s->videos) && count_known(h->prev.videos))
			set_thousands(&h->t, 3, s->videos - h->prev.videos, true);
		if (count_known(s->views) && count_known(h->prev.views))
			set_thousands(&h->t, 4, s->views - h->prev.views, true);
	}
	if (s->source)
		table_set(&h->t, 5, "%d", s->source);
	else
		table_set(&h->t, 5, "imported");
	h->prev = *s;
	h->has_prev = true;
	return 0;
}

static int add_out_row(void *arg, const char *tag, const struct snapshot *s)
{
	snapout_row(arg, tag, s);
	return 0;
}

static int print_history(struct cmd_ctx *ctx, const char *tag, int64_t since,
			 enum out_format fmt)
{
	struct history_table h = { 0 };
	struct snapout o;
	int rc;

	if (fmt != OUT_TABLE) {
		snapout_begin(&o, stdout, fmt == OUT_JSON ? SNAPOUT_JSON : SNAPOUT_CSV);
		rc = store_each_snapshot(ctx->st, tag, since, add_out_row, &o);
		snapout_end(&o);
		return rc ? error("history: %s", store_error(ctx->st)) : 0;
	}
	table_init(&h.t, history_cols, ARRAY_SIZE(history_cols));
	rc = store_each_snapshot(ctx->st, tag, since, add_table_row, &h);
	if (rc)
		error("history: %s", store_error(ctx->st));
	else if (table_print_color(&h.t, stdout, ctx->color))
		rc = error("out of memory");
	table_release(&h.t);
	return rc ? -1 : 0;
}

int cmd_history(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "since", required_argument, NULL, 's' },
		COMMON_OPTIONS,
		{ 0 },
	};
	enum out_format fmt = OUT_TABLE;
	struct tag_info *tags = NULL;
	int64_t since = INT64_MIN;
	size_t n;
	int c, rc;

	while ((c = cmd_getopt(ctx, argc, argv, longopts)) != -1) {
		if (c == 'f' && parse_out_format("history", optarg, &fmt) == 0)
			continue;
		if (c == 'f')
			return EXIT_USAGE;
		if (c == 's' && parse_since(ctx, "history", optarg, &since) == 0)
			continue;
		if (c == 's')
			return EXIT_USAGE;
		if (c == 'h')
			return history_help(), EXIT_SUCCESS;
		return usage_error("history", history_usage);
	}
	if (argc - optind != 1) {
		error(argc == optind ? "history: which hashtag? name one"
				     : "history: one hashtag at a time");
		return usage_error("history", history_usage);
	}
	if ((rc = open_store_readonly(ctx)))
		return rc;
	/* Any hashtag in the database, tracked or removed; its normalised name. */
	rc = load_tags(ctx, "history", 1, argv + optind, &tags, &n);
	if (rc)
		return rc;
	rc = print_history(ctx, tags[0].name, since, fmt) ? EXIT_FAILURE : EXIT_SUCCESS;
	free(tags);
	return rc;
}
