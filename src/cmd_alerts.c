/* cmd_alerts: the alert outbox: what was sent, what is still pending and why. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "cmd.h"
#include "duration.h"
#include "jsonout.h"
#include "msg.h"
#include "outbox.h"
#include "table.h"
#include "timefmt.h"

static const char alerts_usage[] =
	"usage: hashtrack alerts [--since DUR] [--pending] [--format table|csv|json]\n"
	"       hashtrack alerts test [--channel NAME]\n";

static void alerts_help(void)
{
	printf("%s\nEvery alert `run` decided on, oldest first, with its status: sent,\n"
	       "pending (the webhook has not confirmed it yet; every run tries again),\n"
	       "recorded (no webhook configured) or muted (the tag was muted: see 'hashtrack\n"
	       "mute'; never sent), its delivery attempts and last error, and the campaign\n"
	       "its tag was in when it was raised.\n\n"
	       "  --since DUR    only alerts detected within DUR (90s, 30m, 6h, 1d, 2w)\n"
	       "  --pending      only alerts still waiting for delivery\n"
	       "  --format FMT   table (default), csv or json; json lists each alert's\n"
	       "                 channels with their own status, attempts and last error\n\n"
	       "alerts test sends a clearly marked test message (not an alert) through\n"
	       "every channel, or the one --channel names ('default' is the [alert]\n"
	       "webhook), and prints one line each: ok or fail, with the reason. It\n"
	       "writes nothing to the database. Exit status 1 when one failed, 2 for\n"
	       "an unknown channel.\n\n"
	       "example:\n  hashtrack alerts --pending --since 1d\n"
	       "  hashtrack alerts test --channel ops\n", alerts_usage);
}

struct alerts_opts {
	int64_t since;
	bool pending_only;
	enum out_format fmt;
	bool test;              /* alerts test */
	const char *channel;    /* its --channel */
};

/* [{"name","status","attempts","last_error","sent_at"}] of one alert. */
static cJSON *channels_json(struct store *st, int64_t id)
{
	struct delivery_row *d = NULL;
	size_t n = 0;
	cJSON *arr = cJSON_CreateArray();
	bool ok = arr && store_alert_deliveries(st, id, &d, &n) == 0;

	for (size_t i = 0; ok && i < n; i++) {
		cJSON *o = cJSON_CreateObject();

		ok = o && cJSON_AddItemToArray(arr, o) &&
		     cJSON_AddStringToObject(o, "name", d[i].channel) &&
		     cJSON_AddStringToObject(o, "status", d[i].sent ? "sent" : "pending") &&
		     json_add_int(o, "attempts", true, d[i].attempts) &&
		     json_add_str(o, "last_error", d[i].last_error) &&
		     json_add_time(o, "sent_at", d[i].has_sent_at, d[i].sent_at);
	}
	free(d);
	if (!ok) {
		cJSON_Delete(arr);
		return NULL;
	}
	return arr;
}

static cJSON *alert_json(struct store *st, const struct alert_row *r)
{
	cJSON *o = cJSON_CreateObject(), *rules, *channels = NULL;

	if (!o || !json_add_int(o, "id", true, r->id) ||
	    !cJSON_AddStringToObject(o, "hashtag", r->tag) ||
	    !json_add_str(o, "campaign", r->a.campaign) ||
	    !cJSON_AddStringToObject(o, "event", alert_event_name(r->a.event)) ||
	    !json_add_time(o, "detected_at", true, r->a.detected_at) ||
	    !cJSON_AddStringToObject(o, "status", alert_status_name(r->status)) ||
	    !json_add_int(o, "attempts", true, r->attempts) ||
	    !json_add_str(o, "last_error", r->last_error) ||
	    !json_add_time(o, "sent_at", r->has_sent_at, r->sent_at) ||
	    !json_add_int(o, "new_videos", r->a.has_new_videos, r->a.new_videos) ||
	    !json_add_round2(o, "video_growth_pct", r->a.has_video_growth, r->a.video_growth_pct) ||
	    !json_add_round2(o, "views_per_hour", r->a.has_new_views && r->a.elapsed > 0,
			     r->a.views_per_hour) ||
	    !json_add_round2(o, "pace_ratio", r->a.has_pace_ratio, r->a.pace_ratio) ||
	    !(rules = cJSON_AddArrayToObject(o, "rules")) ||
	    !alert_rules_json(rules, r->a.rules) ||
	    !(channels = channels_json(st, r->id)) ||
	    !cJSON_AddItemToObject(o, "channels", channels)) {
		cJSON_Delete(channels);
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* The CSV header is the JSON keys; the table shows the same, readably. */
static const struct column alert_cols[] = {
	{ "ID", "id", true },
	{ "HASHTAG", "hashtag", false },
	{ NULL, "campaign", false },
	{ "EVENT", "event", false },
	{ "DETECTED", "detected_at", false },
	{ "STATUS", "status", false },
	{ "ATTEMPTS", "attempts", true },
	{ "LAST ERROR", "last_error", false },
	{ "SENT", "sent_at", false },
	{ "NEW VIDEOS", "new_videos", true },
	{ "VIDEO %", "video_growth_pct", true },
	{ "VIEWS/H", "views_per_hour", true },
	{ "PACE", "pace_ratio", true },
	{ "RULES", "rules", false },
};

static void add_alert_row(struct table *t, const struct alert_row *r, bool csv)
{
	char detected[TIME_BUF_SIZE], sent[TIME_BUF_SIZE] = "", videos[32] = "", views[32] = "";
	char rules[96];

	time_format(r->a.detected_at, detected);
	if (r->has_sent_at)
		time_format(r->sent_at, sent);
	if (csv && r->a.has_new_videos)
		snprintf(videos, sizeof(videos), "%" PRId64, r->a.new_videos);
	else if (r->a.has_new_videos)
		fmt_thousands(r->a.new_videos, videos, sizeof(videos));
	if (csv && r->a.has_new_views)
		snprintf(views, sizeof(views), "%.2f", round2(r->a.views_per_hour));
	else if (r->a.has_new_views)
		fmt_thousands((int64_t)(r->a.views_per_hour + 0.5), views, sizeof(views));
	table_add_row(t);
	table_set(t, 0, "%" PRId64, r->id);
	table_set(t, 1, "%s", r->tag);
	table_set(t, 2, "%s", r->a.campaign ? r->a.campaign : "");
	table_set(t, 3, "%s", alert_event_name(r->a.event));
	table_set(t, 4, "%s", detected);
	table_set(t, 5, "%s", alert_status_name(r->status));
	table_set(t, 6, "%d", r->attempts);
	table_set(t, 7, "%s", r->last_error);
	table_set(t, 8, "%s", sent);
	table_set(t, 9, "%s", videos);
	if (r->a.has_video_growth)
		table_set(t, 10, "%.2f", round2(r->a.video_growth_pct));
	table_set(t, 11, "%s", views);
	if (r->a.has_pace_ratio)
		table_set(t, 12, "%.2f", round2(r->a.pace_ratio));
	alert_rules_text(r->a.rules, rules, sizeof(rules));
	table_set(t, 13, "%s", rules);
}

/*
 * The alerts as they are read: JSON and CSV stream them (memory stays flat
 * at any number); the table holds its text to align the columns.
 */
struct alerts_out {
	struct store *st;
	enum out_format fmt;
	struct table t;
	size_t n;
};

static int alert_out(void *ctx, const struct alert_row *r)
{
	struct alerts_out *o = ctx;
	cJSON *j;
	char *text;

	if (o->fmt == OUT_JSON) {
		j = alert_json(o->st, r);
		text = j ? cJSON_Print(j) : NULL;
		cJSON_Delete(j);
		if (!text)
			return 1;
		fputs(o->n++ ? ",\n" : "[\n", stdout);
		fputs(text, stdout);
		cJSON_free(text);
		return 0;
	}
	add_alert_row(&o->t, r, o->fmt == OUT_CSV);
	if (o->fmt != OUT_CSV)
		return 0;
	if (table_print_csv_body(&o->t, stdout))
		return 1;
	table_clear(&o->t);
	return 0;
}

static int print_alerts(struct store *st, const struct alerts_opts *opts)
{
	struct alerts_out o = { .st = st, .fmt = opts->fmt };
	int rc;

	table_init(&o.t, alert_cols, ARRAY_SIZE(alert_cols));
	if (o.fmt == OUT_CSV)
		table_print_csv_head(&o.t, stdout);
	rc = store_each_alert(st, opts->since, opts->pending_only, alert_out, &o);
	if (rc < 0)
		error("%s", store_error(st));
	else if (rc > 0)
		error("out of memory");
	else if (o.fmt == OUT_JSON)
		fputs(o.n ? "\n]\n" : "[]\n", stdout);
	else if (o.fmt == OUT_TABLE && table_print(&o.t, stdout))
		rc = error("out of memory");
	table_release(&o.t);
	return rc;
}

/* Returns -1 to go on, else the exit status. */
static int parse_alerts_options(struct cmd_ctx *ctx, int argc, char **argv,
				struct alerts_opts *o)
{
	static const struct option longopts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "pending", no_argument, NULL, 'p' },
		{ "format", required_argument, NULL, 'f' },
		{ "channel", required_argument, NULL, 'c' },
		COMMON_OPTIONS,
		{ 0 },
	};
	int c;

	while ((c = cmd_getopt(ctx, argc, argv, longopts)) != -1) {
		if (c == 'p') {
			o->pending_only = true;
		} else if (c == 'c') {
			o->channel = optarg;
		} else if (c == 'f') {
			if (parse_out_format("alerts", optarg, &o->fmt))
				return usage_error("alerts", alerts_usage);
		} else if (c == 's') {
			if (parse_since(ctx, "alerts", optarg, &o->since))
				return usage_error("alerts", alerts_usage);
		} else if (c == 'h') {
			alerts_help();
			return EXIT_SUCCESS;
		} else {
			return usage_error("alerts", alerts_usage);
		}
	}
	o->test = optind < argc && strcmp(argv[optind], "test") == 0;
	optind += o->test;
	if (optind < argc) {
		error("alerts: unexpected argument '%s'", argv[optind]);
		return usage_error("alerts", alerts_usage);
	}
	if (o->channel && !o->test) {
		error("alerts: --channel goes with 'alerts test'");
		return usage_error("alerts", alerts_usage);
	}
	return -1;
}

int cmd_alerts(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct alerts_opts o = { .since = INT64_MIN, .fmt = OUT_TABLE };
	int rc;

	if ((rc = parse_alerts_options(ctx, argc, argv, &o)) >= 0)
		return rc;
	if (o.test) {
		/* A test writes nothing, so needs no database. */
		rc = outbox_test(&ctx->cfg, o.channel);
		return rc == 2 ? EXIT_USAGE : rc ? EXIT_FAILURE : EXIT_SUCCESS;
	}
	if ((rc = open_store_readonly(ctx)))
		return rc;
	return print_alerts(ctx->st, &o) ? EXIT_FAILURE : EXIT_SUCCESS;
}
