/* cmd_add: `hashtrack add TAG... [rule flags]` and `hashtrack remove TAG...`. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "campaign.h"
#include "cmd.h"
#include "msg.h"
#include "timefmt.h"

static const char add_usage[] =
	"usage: hashtrack add [--min-videos N] [--video-growth PCT] [--view-growth PCT]\n"
	"                     [--surge X] [--campaign NAME] TAG...\n";

static void add_help(void)
{
	printf("%s\nStart tracking hashtags. Adding a tracked tag again is harmless; with\n"
	       "rule flags it updates that tag's own rules. A rule set to 0 is off.\n\n"
	       "  --min-videos N       viral at N new videos in the window (default [detect] min_new_videos)\n"
	       "  --video-growth PCT   viral at PCT%% more videos (default [detect] video_growth)\n"
	       "  --view-growth PCT    viral at PCT%% more views (default [detect] view_growth)\n"
	       "  --surge X            viral when a count's pace reaches X times its usual\n"
	       "                       pace (default [detect] surge; 0 turns it off)\n"
	       "  --campaign NAME      put the tags in campaign NAME (a tag is in at most one;\n"
	       "                       --campaign '' takes them out; without the flag adding\n"
	       "                       again leaves a tag's campaign as it is). NAME: 1 to %d\n"
	       "                       characters, no control characters, ',' or ';'\n\n"
	       "examples:\n  hashtrack add '#VibeCoding' aitools --min-videos 500\n"
	       "  hashtrack add springsale promo2026 --campaign 'Spring Sale'\n", add_usage,
	       CAMPAIGN_MAX_CHARS);
}

/* What add sets beside tracking: the rules given, and the campaign when given. */
struct add_opts {
	struct tag_rules rules;
	bool has_campaign;
	char campaign[CAMPAIGN_BUF_SIZE];       /* "": take the tags out of theirs */
};

/* --campaign NAME; '' is none. Returns 0, or -1 after saying what is wrong. */
static int parse_campaign_option(const char *arg, struct add_opts *o)
{
	char why[256];

	o->has_campaign = true;
	if (arg[0] == '\0') {
		o->campaign[0] = '\0';
		return 0;
	}
	if (campaign_normalize(arg, o->campaign, why, sizeof(why)) == 0)
		return 0;
	return error("add: --campaign: %s", why);
}

/* Parse the flags into *o; returns the index of the first tag or -1. */
static int parse_add_options(struct cmd_ctx *ctx, int argc, char **argv, struct add_opts *o,
			     int *code)
{
	static const struct option longopts[] = {
		{ "min-videos", required_argument, NULL, 'm' },
		{ "video-growth", required_argument, NULL, 'g' },
		{ "view-growth", required_argument, NULL, 'w' },
		{ "surge", required_argument, NULL, 'S' },
		{ "campaign", required_argument, NULL, 'c' },
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
			if (parse_rule_option("add", c, optarg, &o->rules))
				return -1;
			break;
		case 'c':
			if (parse_campaign_option(optarg, o))
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
	struct add_opts o = { 0 };
	char (*tags)[TAG_BUF_SIZE];
	int code, first = parse_add_options(ctx, argc, argv, &o, &code);
	int n = argc - first;
	bool created, found;

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
		if (store_add_tag(ctx->st, tags[i], &o.rules, ctx->cfg.now, &created) ||
		    (o.has_campaign && store_set_campaign(ctx->st, tags[i], o.campaign, &found)))
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
