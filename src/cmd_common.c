/* cmd_common: small helpers every command file shares. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "campaign.h"
#include "cmd.h"
#include "msg.h"
#include "timefmt.h"

/*
 * getopt's own messages name argv[0] (for the globals, the binary's full
 * path): it stays quiet (opterr = 0) and every bad option is reported here,
 * the same way for every command.
 */
void report_bad_option(const char *cmd, char **argv, int c)
{
	const char *arg = optind > 0 ? argv[optind - 1] : "";
	char shortopt[3] = { '-', (char)optopt, '\0' };
	int len;

	if (strncmp(arg, "--", 2) != 0 && optopt)
		arg = shortopt;
	len = (int)strcspn(arg, "=");
	if (c == ':')
		error("%s%soption '%.*s' needs a value", cmd ? cmd : "", cmd ? ": " : "", len, arg);
	else
		error("%s%sunrecognized option '%.*s'", cmd ? cmd : "", cmd ? ": " : "", len, arg);
}

int cmd_getopt(struct cmd_ctx *ctx, int argc, char **argv, const struct option *longopts)
{
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hqv", longopts, NULL)) != -1) {
		if (c == 'q')
			msg_verbosity = -1;
		else if (c == 'v')
			msg_verbosity = 1;
		else if (c == 'C')
			ctx->color = false;
		else if (c == '?' || c == ':')
			return report_bad_option(argv[0], argv, c), '?';
		else
			return c;
	}
	return -1;
}

int parse_out_format(const char *cmd, const char *value, enum out_format *out)
{
	static const char *const names[] = {
		[OUT_TABLE] = "table", [OUT_CSV] = "csv", [OUT_JSON] = "json",
	};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (strcmp(value, names[i]) == 0) {
			*out = (enum out_format)i;
			return 0;
		}
	}
	return error("%s: unknown format '%s'; use table, csv or json", cmd, value);
}

int parse_since(const struct cmd_ctx *ctx, const char *cmd, const char *value, int64_t *since)
{
	char why[256];
	int64_t dur;

	if (duration_parse(value, &dur, why, sizeof(why)) != 0)
		return error("%s: --since: %s", cmd, why);
	*since = ctx->cfg.now - dur;
	return 0;
}

char (*normalize_tags(int argc, char **argv))[TAG_BUF_SIZE]
{
	char (*tags)[TAG_BUF_SIZE] = calloc(argc > 0 ? (size_t)argc : 1, sizeof(*tags));
	char why[256];

	if (!tags) {
		error("out of memory");
		return NULL;
	}
	for (int i = 0; i < argc; i++) {
		if (tag_normalize(argv[i], tags[i], why, sizeof(why)) != 0) {
			error("invalid hashtag '%s': %s", argv[i], why);
			free(tags);
			return NULL;
		}
	}
	return tags;
}

static bool listed(const struct tag_info *tags, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(tags[i].name, name) == 0)
			return true;
	return false;
}

int load_tags(struct cmd_ctx *ctx, const char *cmd, int argc, char **argv,
	      struct tag_info **tags, size_t *n)
{
	char (*names)[TAG_BUF_SIZE] = NULL;
	const char **list;
	int rc = EXIT_FAILURE;

	*tags = NULL;
	*n = 0;
	if (argc > 0 && !(names = normalize_tags(argc, argv)))
		return EXIT_USAGE;
	list = calloc(argc > 0 ? (size_t)argc : 1, sizeof(*list));
	if (!list) {
		error("out of memory");
		goto cleanup;
	}
	for (int i = 0; i < argc; i++)
		list[i] = names[i];
	if (store_list_tags(ctx->st, list, (size_t)argc, tags, n)) {
		error("%s: %s", cmd, store_error(ctx->st));
		goto cleanup;
	}
	rc = 0;
	for (int i = 0; i < argc && rc == 0; i++) {
		if (!listed(*tags, *n, names[i])) {
			error("%s: #%s is not tracked; add it with 'hashtrack add %s'",
			      cmd, names[i], names[i]);
			rc = EXIT_USAGE;
		}
	}
cleanup:
	free(list);
	free(names);
	return rc;
}

int parse_rule_option(const char *cmd, int c, const char *arg, struct tag_rules *rules)
{
	switch (c) {
	case 'm':
		rules->has_min_new_videos = true;
		if (parse_uint63(arg, &rules->min_new_videos) == 0)
			return 0;
		return error("%s: --min-videos '%s' is not a whole number >= 0", cmd, arg);
	case 'g':
		rules->has_video_growth = true;
		if (config_parse_percent(arg, &rules->video_growth) == 0)
			return 0;
		return error("%s: --video-growth '%s' is not a percentage >= 0", cmd, arg);
	case 'w':
		rules->has_view_growth = true;
		if (config_parse_percent(arg, &rules->view_growth) == 0)
			return 0;
		return error("%s: --view-growth '%s' is not a percentage >= 0", cmd, arg);
	default:
		rules->has_surge = true;
		if (config_parse_surge(arg, &rules->surge) == 0)
			return 0;
		return error("%s: --surge '%s' is not a pace ratio (a number >= 1, or 0 for off)",
			     cmd, arg);
	}
}

int usage_error(const char *cmd, const char *usage)
{
	fprintf(stderr, "%s", usage);
	error("try 'hashtrack %s --help'", cmd);
	return EXIT_USAGE;
}

int open_store_readonly(struct cmd_ctx *ctx)
{
	char err[STORE_ERR_SIZE + 64];
	int rc = store_open_readonly(ctx->cfg.db_path, &ctx->st, err, sizeof(err));

	if (rc == STORE_NO_DATA)
		return error("no data yet: %s; start with 'hashtrack add TAG'", err), EXIT_FAILURE;
	if (rc)
		return error("%s", err), EXIT_FAILURE;
	return 0;
}

void due_tag(const struct tag_info *t, size_t index, struct schedule_tag *out)
{
	*out = (struct schedule_tag){
		.index = index, .has_last = t->has_last, .last_ts = t->last.ts,
		.added_at = t->added_at, .hot = t->heat.hot, .heat = t->heat.heat,
	};
}

int plan_due_tags(struct cmd_ctx *ctx, bool all, struct schedule_tag *st, size_t n,
		  struct due_plan *plan)
{
	const struct schedule_config *sc = &ctx->cfg.schedule;
	int64_t now = ctx->cfg.now, day = 24 * 3600;

	*plan = (struct due_plan){ 0 };
	/* Every API answer stored is a credit spent; [now - 24h, now]. */
	if (sc->max_credits_per_day > 0 &&
	    store_api_snapshots(ctx->st, now - day + 1, now + 1, &plan->spent))
		return error("%s", store_error(ctx->st));
	if (schedule_plan(sc, now, all, schedule_budget(sc, plan->spent), st, n, &plan->due,
			  &plan->fetch))
		return error("out of memory");
	return 0;
}

int parse_campaign_filter(const char *cmd, const char *arg, char *out)
{
	char why[256];

	if (arg[0] == '\0') {
		out[0] = '\0';
		return 0;
	}
	if (campaign_normalize(arg, out, why, sizeof(why)) == 0)
		return 0;
	return error("%s: --campaign: %s", cmd, why);
}

int keep_campaign(const char *cmd, const char *campaign, struct tag_info *tags, size_t *n)
{
	size_t kept = 0;

	for (size_t i = 0; i < *n; i++)
		if (strcmp(tags[i].campaign, campaign) == 0)
			tags[kept++] = tags[i];
	*n = kept;
	return kept > 0 ? 0 : campaign_missing(cmd, campaign);
}

int campaign_missing(const char *cmd, const char *campaign)
{
	if (campaign[0] == '\0')
		error("%s: every tracked hashtag is in a campaign", cmd);
	else
		error("%s: no tracked hashtag is in campaign '%s'; 'hashtrack list' shows the "
		      "campaigns, 'hashtrack add TAG --campaign NAME' starts one", cmd, campaign);
	return EXIT_FAILURE;
}
