/* cmd_add: `hashtrack add TAG... [rule flags]` and `hashtrack remove TAG...`. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "msg.h"
#include "timefmt.h"

static const char add_usage[] =
	"usage: hashtrack add [--min-videos N] [--video-growth PCT] [--view-growth PCT]\n"
	"                     [--surge X] TAG...\n";

static void add_help(void)
{
	printf("%s\nStart tracking hashtags. Adding a tracked tag again is harmless; with\n"
	       "rule flags it updates that tag's own rules. A rule set to 0 is off.\n\n"
	       "  --min-videos N       viral at N new videos in the window (default [detect] min_new_videos)\n"
	       "  --video-growth PCT   viral at PCT%% more videos (default [detect] video_growth)\n"
	       "  --view-growth PCT    viral at PCT%% more views (default [detect] view_growth)\n"
	       "  --surge X            viral when a count's pace reaches X times its usual\n"
	       "                       pace (default [detect] surge; 0 turns it off)\n\n"
	       "example:\n  hashtrack add '#VibeCoding' aitools --min-videos 500\n", add_usage);
}

/* Parse the rule flags into *rules; returns the index of the first tag or -1. */
static int parse_add_options(struct cmd_ctx *ctx, int argc, char **argv, struct tag_rules *rules, int *code)
{
	static const struct option longopts[] = {
		{ "min-videos", required_argument, NULL, 'm' },
		{ "video-growth", required_argument, NULL, 'g' },
		{ "view-growth", required_argument, NULL, 'w' },
		{ "surge", required_argument, NULL, 'S' },
		COMMON_OPTIONS,
		{ 0 },
	};
	int c;

	*code = EXIT_USAGE;
	while ((c = cmd_getopt(ctx, argc, argv, longopts)) != -1) {
		switch (c) {
		case 'm':
		case 'g':
		case 'w':
		case 'S':
			if (parse_rule_option("add", c, optarg, rules))
				return -1;
			break;
		case 'h':
			add_help();
			*code = EXIT_SUCCESS;
			return -1;
		default:
			usage_error("add", add_usage);
			return -1;
		}
	}
	if (optind >= argc) {
		error("add: no hashtag given");
		usage_error("add", add_usage);
		return -1;
	}
	return optind;
}

int cmd_add(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct tag_rules rules = { 0 };
	char (*tags)[TAG_BUF_SIZE];
	int code, first = parse_add_options(ctx, argc, argv, &rules, &code);
	int n = argc - first;
	bool created;

	if (first < 0)
		return code;
	tags = normalize_tags(n, argv + first);
	if (!tags)
		return EXIT_USAGE;
	/* All or nothing: a failure half-way adds none of them. */
	code = EXIT_FAILURE;
	if (store_begin(ctx->st))
		goto cleanup;
	for (int i = 0; i < n; i++) {
		if (store_add_tag(ctx->st, tags[i], &rules, ctx->cfg.now, &created))
			goto cleanup;
		if (strcmp(argv[first + i], tags[i]) != 0 && (msg_verbosity > 0 || isatty(STDERR_FILENO)))
			info("%s #%s (typed as '%s')", created ? "tracking" : "updated", tags[i],
			     argv[first + i]);
		else
			note("%s #%s", created ? "tracking" : "updated", tags[i]);
	}
	if (store_commit(ctx->st))
		goto cleanup;
	free(tags);
	return EXIT_SUCCESS;
cleanup:
	error("add: %s", store_error(ctx->st));
	store_rollback(ctx->st);
	free(tags);
	return code;
}

static const char remove_usage[] = "usage: hashtrack remove [--purge] TAG...\n";

static void remove_help(void)
{
	printf("%s\nStop tracking hashtags. Their snapshots and alerts are kept (and come\n"
	       "back if the tag is added again) unless --purge deletes them.\n\n"
	       "  --purge   delete the hashtag's history too\n\n"
	       "example:\n  hashtrack remove oldcampaign --purge\n", remove_usage);
}

int cmd_remove(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "purge", no_argument, NULL, 'p' },
		COMMON_OPTIONS,
		{ 0 },
	};
	char (*tags)[TAG_BUF_SIZE];
	bool purge = false, found;
	int c, code = EXIT_SUCCESS, n;

	while ((c = cmd_getopt(ctx, argc, argv, longopts)) != -1) {
		if (c == 'p')
			purge = true;
		else if (c == 'h')
			return remove_help(), EXIT_SUCCESS;
		else
			return usage_error("remove", remove_usage);
	}
	n = argc - optind;
	if (n <= 0) {
		error("remove: no hashtag given");
		return usage_error("remove", remove_usage);
	}
	tags = normalize_tags(n, argv + optind);
	if (!tags)
		return EXIT_USAGE;
	for (int i = 0; i < n; i++) {
		if (store_remove_tag(ctx->st, tags[i], purge, &found)) {
			error("remove: %s", store_error(ctx->st));
			code = EXIT_FAILURE;
		} else if (!found) {
			/* a usage error, as for every command naming an untracked tag */
			error("remove: #%s is not tracked; 'hashtrack list' shows the tracked ones",
			      tags[i]);
			if (code == EXIT_SUCCESS)
				code = EXIT_USAGE;
		}
	}
	free(tags);
	return code;
}
