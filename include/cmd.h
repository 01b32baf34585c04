/* cmd: what every command gets from main, and the commands themselves. */
#ifndef HASHTRACK_CMD_H
#define HASHTRACK_CMD_H

#include <stdbool.h>
#include <stdlib.h>

#include "config.h"
#include "store.h"
#include "version.h"


/* Exit status beside stdlib's EXIT_SUCCESS (0) and EXIT_FAILURE (1, runtime failure). */
enum {
	EXIT_USAGE = 2,         /* usage or configuration error */
	EXIT_LOCKED = 75,       /* another run holds the lock (EX_TEMPFAIL) */
};

struct cmd_ctx {
	const char *flag_config, *flag_db;      /* -c and -d, for commands that load config themselves */
	struct config cfg;
	struct store *st;       /* open when the command needs the database */
	bool color;             /* may use colour on stdout */
	bool stdout_tty;
};

typedef int (*cmd_fn)(struct cmd_ctx *ctx, int argc, char **argv);

int cmd_add(struct cmd_ctx *ctx, int argc, char **argv);
int cmd_remove(struct cmd_ctx *ctx, int argc, char **argv);
int cmd_list(struct cmd_ctx *ctx, int argc, char **argv);
int cmd_run(struct cmd_ctx *ctx, int argc, char **argv);
int cmd_report(struct cmd_ctx *ctx, int argc, char **argv);
int cmd_history(struct cmd_ctx *ctx, int argc, char **argv);
int cmd_export(struct cmd_ctx *ctx, int argc, char **argv);
int cmd_import(struct cmd_ctx *ctx, int argc, char **argv);
int cmd_alerts(struct cmd_ctx *ctx, int argc, char **argv);
int cmd_doctor(struct cmd_ctx *ctx, int argc, char **argv);
int cmd_backtest(struct cmd_ctx *ctx, int argc, char **argv);
int cmd_backup(struct cmd_ctx *ctx, int argc, char **argv);
int cmd_runs(struct cmd_ctx *ctx, int argc, char **argv);
int cmd_mute(struct cmd_ctx *ctx, int argc, char **argv);
int cmd_unmute(struct cmd_ctx *ctx, int argc, char **argv);

/* Global options every command also takes after its name, e.g. `run -v`. */
#define COMMON_OPTIONS \
	{ "quiet", no_argument, NULL, 'q' }, \
	{ "verbose", no_argument, NULL, 'v' }, \
	{ "no-color", no_argument, NULL, 'C' }, \
	{ "help", no_argument, NULL, 'h' }

struct option;

/*
 * getopt_long over a command's options (which include COMMON_OPTIONS),
 * handling -q, -v and --no-color itself; returns the next other option.
 */
int cmd_getopt(struct cmd_ctx *ctx, int argc, char **argv, const struct option *longopts);

/*
 * Say on stderr what is wrong with the option getopt just refused (c is '?'
 * or ':'): "hashtrack: CMD: unrecognized option '--x'"; cmd NULL for the
 * global options. Callers then point at --help (usage_error).
 */
void report_bad_option(const char *cmd, char **argv, int c);

/* Output formats a command may offer. */
enum out_format { OUT_TABLE, OUT_CSV, OUT_JSON };

/* Parse --format's value; on error prints a usage message and returns -1. */
int parse_out_format(const char *cmd, const char *value, enum out_format *out);

/* --since DUR: *since becomes now - DUR; on error says so (naming cmd) and returns -1. */
int parse_since(const struct cmd_ctx *ctx, const char *cmd, const char *value, int64_t *since);

/*
 * Normalise argv tags into a malloc'd array of TAG_BUF_SIZE strings; the
 * first invalid tag is reported (naming it) and NULL returned.
 */
char (*normalize_tags(int argc, char **argv))[TAG_BUF_SIZE];

/*
 * The tags a command works on: every active one when argc is 0, else the
 * named ones, each of which must be tracked. Returns 0, or an exit status
 * after saying what is wrong. *tags is malloc'd.
 */
int load_tags(struct cmd_ctx *ctx, const char *cmd, int argc, char **argv,
	      struct tag_info **tags, size_t *n);

/* What the adaptive schedule makes of the tags at the configured now. */
struct due_plan {
	size_t due;             /* tags due (every one, for `all`) */
	size_t fetch;           /* of them, the ones the daily credit cap lets through */
	int64_t spent;          /* credits of the last 24 hours (with a cap) */
};

/* The schedule's view of a tag. */
void due_tag(const struct tag_info *t, size_t index, struct schedule_tag *out);

/*
 * Reorder st[0..n) (each naming its tag by index) as the adaptive schedule
 * ranks them at ctx's now: st[0..plan->fetch) are to be fetched,
 * st[plan->fetch..plan->due) wait for [schedule] max_credits_per_day, the
 * rest are not due. all: every tag is due (still under the cap). Returns 0,
 * or -1 after saying why.
 */
int plan_due_tags(struct cmd_ctx *ctx, bool all, struct schedule_tag *st, size_t n,
		  struct due_plan *plan);

/*
 * For a command that only reads: open the database read-only into ctx->st,
 * never creating or changing it. Call it once the arguments are known to be
 * good. Returns 0, or an exit status after saying what is wrong ("no data
 * yet" and how to start, when there is no database).
 */
int open_store_readonly(struct cmd_ctx *ctx);

/*
 * A rule flag of add and backtest: c is 'm' (--min-videos), 'g'
 * (--video-growth), 'w' (--view-growth) or 'S' (--surge). Returns 0, or -1
 * after saying what is wrong (naming cmd).
 */
int parse_rule_option(const char *cmd, int c, const char *arg, struct tag_rules *rules);

/* "unknown option" and "missing argument" both end here: usage to stderr, exit 2. */
int usage_error(const char *cmd, const char *usage);

/*
 * The --campaign NAME of list, report, backtest, mute and unmute, normalised
 * into out (CAMPAIGN_BUF_SIZE bytes); '' stands for the tags in no campaign.
 * Returns 0, or -1 after saying what is wrong (naming cmd).
 */
int parse_campaign_filter(const char *cmd, const char *arg, char *out);

/*
 * Keep, in order, the tags of tags[0..*n) in campaign ("": in none).
 * Returns 0, or EXIT_FAILURE after saying that no tracked hashtag is in it.
 */
int keep_campaign(const char *cmd, const char *campaign, struct tag_info *tags, size_t *n);
/* "no tracked hashtag is in campaign NAME" (naming cmd); returns EXIT_FAILURE. */
int campaign_missing(const char *cmd, const char *campaign);

#endif
