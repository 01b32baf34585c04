/*
 * cmd_mute: `hashtrack mute TAG... [--campaign NAME] --for DUR [--reason TEXT]`
 * and `hashtrack unmute TAG... [--campaign NAME]`. A muted tag is still
 * fetched and judged; its alerts are recorded as muted and not sent.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "campaign.h"
#include "cmd.h"
#include "duration.h"
#include "msg.h"
#include "timefmt.h"

static const char mute_usage[] =
	"usage: hashtrack mute [--campaign NAME] --for DUR [--reason TEXT] [TAG...]\n";
static const char unmute_usage[] = "usage: hashtrack unmute [--campaign NAME] [TAG...]\n";

static void mute_help(void)
{
	printf("%s\nSilence the alerts of the TAGs, or of every hashtag of campaign NAME (or\n"
	       "both), for DUR. A muted hashtag is still fetched and judged, so that its\n"
	       "report stays right and unmuting raises no stale alert; its alerts are\n"
	       "recorded with status 'muted' and never sent. Muting again\n"
	       "replaces the time and the reason; 'hashtrack unmute' ends it early, and\n"
	       "'hashtrack list' shows until when each tag is muted.\n\n"
	       "  --for DUR          how long: 90s, 30m, 6h, 1d, 2w (required)\n"
	       "  --campaign NAME    every hashtag of campaign NAME\n"
	       "  --reason TEXT      why, shown by list (at most %d characters)\n\n"
	       "examples:\n  hashtrack mute springsale --for 3d --reason 'our own promo'\n"
	       "  hashtrack mute --campaign 'Spring Sale' --for 1w\n", mute_usage,
	       MUTE_REASON_MAX_CHARS);
}

static void unmute_help(void)
{
	printf("%s\nEnd the muting of the TAGs, or of every hashtag of campaign NAME: their\n"
	       "next alerts are sent again. An alert recorded while muted stays muted.\n\n"
	       "  --campaign NAME    every hashtag of campaign NAME\n\n"
	       "example:\n  hashtrack unmute springsale\n", unmute_usage);
}

struct mute_opts {
	const char *cmd;                /* "mute" or "unmute" */
	const char *usage;
	bool has_campaign, has_for;
	char campaign[CAMPAIGN_BUF_SIZE];
	int64_t duration;               /* --for, seconds */
	char reason[MUTE_REASON_BUF_SIZE];      /* "": none given */
};

/* One option; returns 0 to go on, or an exit status (-1 after --help). */
static int mute_option(int c, struct mute_opts *o)
{
	char why[256];

	switch (c) {
	case 'c':
		o->has_campaign = true;
		return parse_campaign_filter(o->cmd, optarg, o->campaign) ? EXIT_USAGE : 0;
	case 'f':
		o->has_for = true;
		if (duration_parse(optarg, &o->duration, why, sizeof(why)) == 0)
			return 0;
		return error("mute: --for: %s", why), EXIT_USAGE;
	case 'r':
		if (mute_reason_normalize(optarg, o->reason, why, sizeof(why)) == 0)
			return 0;
		return error("mute: --reason: %s", why), EXIT_USAGE;
	case 'h':
		if (strcmp(o->cmd, "mute") == 0)
			mute_help();
		else
			unmute_help();
		return -1;
	default:
		return usage_error(o->cmd, o->usage);
	}
}

/* Returns -1 to go on, or the exit status (0 after --help). */
static int parse_mute_options(struct cmd_ctx *ctx, int argc, char **argv, struct mute_opts *o)
{
	static const struct option mute_longopts[] = {
		{ "campaign", required_argument, NULL, 'c' },
		{ "for", required_argument, NULL, 'f' },
		{ "reason", required_argument, NULL, 'r' },
		COMMON_OPTIONS,
		{ 0 },
	};
	static const struct option unmute_longopts[] = {
		{ "campaign", required_argument, NULL, 'c' },
		COMMON_OPTIONS,
		{ 0 },
	};
	bool mute = strcmp(o->cmd, "mute") == 0;
	int c, rc;

	while ((c = cmd_getopt(ctx, argc, argv, mute ? mute_longopts : unmute_longopts)) != -1) {
		rc = mute_option(c, o);
		if (rc < 0)
			return EXIT_SUCCESS;
		if (rc > 0)
			return rc;
	}
	if (optind >= argc && !o->has_campaign) {
		error("%s: no hashtag given; name TAGs or a --campaign", o->cmd);
		return usage_error(o->cmd, o->usage);
	}
	if (mute && !o->has_for) {
		error("mute: how long? give --for DUR, such as --for 3d");
		return usage_error(o->cmd, o->usage);
	}
	return -1;
}

/* The index of the tag called name in tags[0..n), or n when none is. */
static size_t find_tag(const struct tag_info *tags, size_t n, const char *name)
{
	size_t i = 0;

	while (i < n && strcmp(tags[i].name, name) != 0)
		i++;
	return i;
}

/* Append index t to out[0..*k) unless it is there already. */
static void add_target(size_t *out, size_t *k, size_t t)
{
	for (size_t j = 0; j < *k; j++)
		if (out[j] == t)
			return;
	out[(*k)++] = t;
}

/*
 * The tags to change, each once: those named, in the order named, then the
 * campaign's in name order; as indexes into tags (every tracked one), so
 * out has room for n. An untracked name is said and left out, and so is a
 * campaign without a tracked tag; *code becomes EXIT_FAILURE then.
 */
static size_t pick_targets(const struct mute_opts *o, char (*names)[TAG_BUF_SIZE], size_t nnames,
			   const struct tag_info *tags, size_t n, size_t *out, int *code)
{
	size_t k = 0, in_campaign = 0;

	for (size_t i = 0; i < nnames; i++) {
		size_t t = find_tag(tags, n, names[i]);

		if (t < n) {
			add_target(out, &k, t);
			continue;
		}
		error("%s: #%s is not tracked; 'hashtrack list' shows the tracked ones", o->cmd,
		      names[i]);
		*code = EXIT_FAILURE;
	}
	for (size_t i = 0; o->has_campaign && i < n; i++) {
		if (strcmp(tags[i].campaign, o->campaign) == 0) {
			in_campaign++;
			add_target(out, &k, i);
		}
	}
	if (o->has_campaign && in_campaign == 0)
		*code = campaign_missing(o->cmd, o->campaign);
	return k;
}

/* On a terminal (or with -v): what changed for t; a pipe stays quiet. */
static void confirm(const struct mute_opts *o, const struct tag_info *t, int64_t until,
		    int64_t now)
{
	char when[TIME_BUF_SIZE], dur[64];

	if (msg_verbosity <= 0 && !isatty(STDERR_FILENO))
		return;
	if (until == 0) {
		info("#%s: %s", t->name, t->muted_until > now ? "unmuted" : "was not muted");
		return;
	}
	time_format(until, when);
	duration_human(o->duration, dur, sizeof(dur));
	info("#%s: muted until %s (%s)%s%s", t->name, when, dur, o->reason[0] ? ": " : "",
	     o->reason);
}

/* Mute (until > 0) or unmute (until 0) each target, all in one transaction. */
static int apply(struct cmd_ctx *ctx, const struct mute_opts *o, const struct tag_info *tags,
		 const size_t *targets, size_t k, int64_t until)
{
	bool found;

	if (store_begin(ctx->st))
		goto failed;
	for (size_t i = 0; i < k; i++)
		if (store_set_mute(ctx->st, tags[targets[i]].name, until, o->reason, &found))
			goto failed;
	if (store_commit(ctx->st))
		goto failed;
	for (size_t i = 0; i < k; i++)
		confirm(o, &tags[targets[i]], until, ctx->cfg.now);
	return 0;
failed:
	error("%s: %s", o->cmd, store_error(ctx->st));
	store_rollback(ctx->st);
	return -1;
}

static int mute_or_unmute(struct cmd_ctx *ctx, int argc, char **argv, struct mute_opts *o)
{
	char (*names)[TAG_BUF_SIZE] = NULL;
	size_t *targets = NULL;
	struct tag_info *tags = NULL;
	int64_t until = 0;
	size_t n = 0, nnames, k;
	int code = parse_mute_options(ctx, argc, argv, o);

	if (code >= 0)
		return code;
	nnames = (size_t)(argc - optind);
	if (nnames > 0 && !(names = normalize_tags(argc - optind, argv + optind)))
		return EXIT_USAGE;
	code = EXIT_FAILURE;
	if (o->has_for && __builtin_add_overflow(ctx->cfg.now, o->duration, &until)) {
		error("mute: --for is too long");
		code = EXIT_USAGE;
		goto cleanup;
	}
	if (store_list_tags(ctx->st, NULL, 0, &tags, &n)) {
		error("%s: %s", o->cmd, store_error(ctx->st));
		goto cleanup;
	}
	targets = calloc(n ? n : 1, sizeof(*targets));
	if (!targets) {
		error("out of memory");
		goto cleanup;
	}
	code = EXIT_SUCCESS;
	k = pick_targets(o, names, nnames, tags, n, targets, &code);
	if (apply(ctx, o, tags, targets, k, until))
		code = EXIT_FAILURE;
cleanup:
	free(targets);
	free(tags);
	free(names);
	return code;
}

int cmd_mute(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct mute_opts o = { .cmd = "mute", .usage = mute_usage };

	return mute_or_unmute(ctx, argc, argv, &o);
}

int cmd_unmute(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct mute_opts o = { .cmd = "unmute", .usage = unmute_usage };

	return mute_or_unmute(ctx, argc, argv, &o);
}
