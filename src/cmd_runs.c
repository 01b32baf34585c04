/* cmd_runs: the run ledger: when each run was, what it stored, failed, alerted and spent. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "array.h"
#include "cmd.h"
#include "duration.h"
#include "jsonout.h"
#include "msg.h"
#include "table.h"
#include "timefmt.h"

static const char runs_usage[] = "usage: hashtrack runs [--since DUR] [--format table|csv|json]\n";

static void runs_help(void)
{
	printf("%s\nEvery 'hashtrack run' (not --dry-run), oldest first: when it started and\n"
	       "finished, how many hashtags it had, stored and failed, the alerts it raised,\n"
	       "the credits it spent and had left (empty or null when the API did not say)\n"
	       "and its exit status.\n\n"
	       "  --since DUR    only runs started within DUR (90s, 30m, 6h, 1d, 2w)\n"
	       "  --format FMT   table (default), csv or json\n\n"
	       "example:\n  hashtrack runs --since 7d\n", runs_usage);
}

struct runs_opts {
	int64_t since;
	enum out_format fmt;
};

static cJSON *run_json(const struct run_row *r)
{
	cJSON *o = cJSON_CreateObject();

	if (!o || !json_add_time(o, "started_at", true, r->started_at) ||
	    !json_add_time(o, "finished_at", true, r->finished_at) ||
	    !json_add_int(o, "tags", true, r->tags) ||
	    !json_add_int(o, "stored", true, r->stored) ||
	    !json_add_int(o, "failed", true, r->failed) ||
	    !json_add_int(o, "alerts", true, r->alerts) ||
	    !json_add_int(o, "credits_used", r->has_credits_used, r->credits_used) ||
	    !json_add_int(o, "credits_remaining", r->has_credits_remaining,
			  r->credits_remaining) ||
	    !json_add_int(o, "exit", true, r->exit)) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static cJSON *run_item(const void *rows, size_t i)
{
	return run_json((const struct run_row *)rows + i);
}

/* The CSV header is the JSON keys; the table shows the same, readably. */
static const struct column run_cols[] = {
	{ "STARTED", "started_at", false },
	{ NULL, "finished_at", false },
	{ "TOOK", NULL, true },
	{ "TAGS", "tags", true },
	{ "STORED", "stored", true },
	{ "FAILED", "failed", true },
	{ "ALERTS", "alerts", true },
	{ "CREDITS USED", "credits_used", true },
	{ "CREDITS LEFT", "credits_remaining", true },
	{ "EXIT", "exit", true },
};

static void add_run_row(struct table *t, const struct run_row *r)
{
	char started[TIME_BUF_SIZE], finished[TIME_BUF_SIZE], took[32];

	time_format(r->started_at, started);
	time_format(r->finished_at, finished);
	duration_format(r->finished_at - r->started_at, took, sizeof(took));
	table_add_row(t);
	table_set(t, 0, "%s", started);
	table_set(t, 1, "%s", finished);
	table_set(t, 2, "%s", took);
	table_set(t, 3, "%" PRId64, r->tags);
	table_set(t, 4, "%" PRId64, r->stored);
	table_set(t, 5, "%" PRId64, r->failed);
	table_set(t, 6, "%" PRId64, r->alerts);
	if (r->has_credits_used)
		table_set(t, 7, "%" PRId64, r->credits_used);
	if (r->has_credits_remaining)
		table_set(t, 8, "%" PRId64, r->credits_remaining);
	table_set(t, 9, "%d", r->exit);
}

static int print_rows(const struct run_row *rows, size_t n, enum out_format fmt)
{
	struct table t;
	int rc;

	if (fmt == OUT_JSON)
		return json_print_array(stdout, n, run_item, rows) ? error("out of memory") : 0;
	table_init(&t, run_cols, ARRAY_SIZE(run_cols));
	for (size_t i = 0; i < n; i++)
		add_run_row(&t, &rows[i]);
	rc = fmt == OUT_CSV ? table_print_csv(&t, stdout) : table_print(&t, stdout);
	table_release(&t);
	return rc ? error("out of memory") : 0;
}

/* Returns -1 to go on, else the exit status. */
static int parse_runs_options(struct cmd_ctx *ctx, int argc, char **argv, struct runs_opts *o)
{
	static const struct option longopts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "format", required_argument, NULL, 'f' },
		COMMON_OPTIONS,
		{ 0 },
	};
	int c;

	while ((c = cmd_getopt(ctx, argc, argv, longopts)) != -1) {
		if (c == 'f') {
			if (parse_out_format("runs", optarg, &o->fmt))
				return usage_error("runs", runs_usage);
		} else if (c == 's') {
			if (parse_since(ctx, "runs", optarg, &o->since))
				return usage_error("runs", runs_usage);
		} else if (c == 'h') {
			runs_help();
			return EXIT_SUCCESS;
		} else {
			return usage_error("runs", runs_usage);
		}
	}
	if (optind < argc) {
		error("runs: unexpected argument '%s'", argv[optind]);
		return usage_error("runs", runs_usage);
	}
	return -1;
}

int cmd_runs(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct runs_opts o = { .since = INT64_MIN, .fmt = OUT_TABLE };
	struct run_row *rows;
	size_t n;
	int rc;

	if ((rc = parse_runs_options(ctx, argc, argv, &o)) >= 0 ||
	    (rc = open_store_readonly(ctx)))
		return rc;
	if (store_list_runs(ctx->st, o.since, &rows, &n))
		return error("%s", store_error(ctx->st)), EXIT_FAILURE;
	rc = print_rows(rows, n, o.fmt);
	free(rows);
	return rc ? EXIT_FAILURE : EXIT_SUCCESS;
}
