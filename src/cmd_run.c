/*
 * cmd_run: the cron job as glue. Options, the lock and which tags; then
 * api (answers) -> record (committed rows) -> outbox (alerts out).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "api.h"
#include "cmd.h"
#include "lock.h"
#include "msg.h"
#include "outbox.h"
#include "record.h"

static const char run_usage[] = "usage: hashtrack run [--dry-run] [--all] [TAG...]\n";

static void run_help(void)
{
	printf("%s\nFetch every tracked hashtag (or the TAGs given), store a snapshot, compare\n"
	       "it with the one from [detect] window ago and send an alert when a rule fires.\n"
	       "Alerts not delivered earlier are sent first. Prints nothing on success\n"
	       "unless stdout is a terminal; problems go to stderr, one line each.\n\n"
	       "  --dry-run   fetch and evaluate; print what would be stored and alerted,\n"
	       "              write and send nothing\n"
	       "  --all       with [schedule] adaptive = yes: fetch every tag, due or not\n"
	       "              (still within max_credits_per_day)\n\n"
	       "exit status: 0 all stored and sent, 1 a tag failed or an alert is pending,\n"
	       "2 usage or configuration error, 75 another run holds the lock\n\n"
	       "example (crontab):\n  0 */6 * * * hashtrack run\n"
	       "  0 * * * * hashtrack run      (with [schedule] adaptive = yes)\n", run_usage);
}

struct run {
	struct recorder rec;
	size_t n, done;
	bool progress;          /* redraw a progress line on the terminal */
	char fatal[1024];       /* why the API stopped the whole run, naming the tag */
};

static void show_progress(const struct run *r, bool last)
{
	if (!r->progress)
		return;
	progress("%zu/%zu hashtags, %zu failed, %zu alerts", r->done, r->n, r->rec.failed,
		 r->rec.alerts);
	if (last)
		progress_end();
}

static int on_answer(void *user, const struct api_answer *a)
{
	struct run *r = user;
	int stop = 0;

	r->done++;
	switch (a->outcome) {
	case API_COUNTS:
		record_counts(&r->rec, a->index, &a->counts);
		break;
	case API_NOT_FOUND:
		record_failure(&r->rec, a->index, TAG_NOT_FOUND, a->why);
		break;
	case API_FAILED:
		record_failure(&r->rec, a->index, TAG_ERROR, a->why);
		break;
	case API_FATAL:
		snprintf(r->fatal, sizeof(r->fatal), "#%s: %s", a->tag, a->why);
		r->rec.failed++;
		stop = 1;
		break;
	}
	show_progress(r, false);
	return stop;
}

static int64_t on_idle(void *user)
{
	struct run *r = user;

	return record_idle(&r->rec);
}

static int fetch_tags(struct run *r, const struct config *cfg, const struct tag_info *tags)
{
	const char **names = calloc(r->n ? r->n : 1, sizeof(*names));
	struct api_call call = { .idle = r->rec.dry_run ? NULL : on_idle };
	char err[256];
	int rc;

	if (!names)
		return error("out of memory");
	for (size_t i = 0; i < r->n; i++)
		names[i] = tags[i].name;
	/* Nothing due: no request, but the run is still remembered (doctor's "last run"). */
	rc = r->n ? api_fetch(cfg, &call, names, r->n, on_answer, r, err, sizeof(err)) : 0;
	free(names);
	record_end(&r->rec);
	show_progress(r, true);
	if (rc < 0)
		return error("%s", err);
	if (rc > 0 && r->fatal[0] && r->done < r->n)
		error("%s; run stopped, %zu of %zu hashtags not fetched", r->fatal, r->n - r->done,
		      r->n);
	else if (rc > 0 && r->fatal[0])
		error("%s; run stopped", r->fatal);
	return rc;
}

static int parse_run_options(struct cmd_ctx *ctx, int argc, char **argv, bool *dry_run,
			     bool *all)
{
	static const struct option longopts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "all", no_argument, NULL, 'a' },
		COMMON_OPTIONS,
		{ 0 },
	};
	int c;

	while ((c = cmd_getopt(ctx, argc, argv, longopts)) != -1) {
		if (c == 'n') {
			*dry_run = true;
		} else if (c == 'a') {
			*all = true;
		} else if (c == 'h') {
			run_help();
			return EXIT_SUCCESS;
		} else {
			return usage_error("run", run_usage);
		}
	}
	return -1;
}

static void print_summary(const struct cmd_ctx *ctx, const struct run *r, size_t pending)
{
	if (!ctx->stdout_tty || msg_verbosity < 0)
		return;
	printf("%zu hashtags: %zu stored, %zu failed, %zu alerts, %zu pending\n",
	       r->n, r->rec.stored, r->rec.failed, r->rec.alerts, pending);
}

static void say_waiting(void *user)
{
	const struct cmd_ctx *ctx = user;

	warn("waiting for another hashtrack command to finish writing '%s'", ctx->cfg.db_path);
}

/*
 * The run lock, commits that survive a reboot, and no other writer (an
 * import) left. Returns 0 or an exit status.
 */
static int take_lock(struct cmd_ctx *ctx, int *lock)
{
	char err[512];
	int rc = lock_take(ctx->cfg.db_path, lock, err, sizeof(err));

	if (rc == -2)
		return error("%s", err), EXIT_LOCKED;
	if (rc < 0)
		return error("%s", err), EXIT_FAILURE;
	if (store_set_durable(ctx->st) || store_wait_writable(ctx->st, say_waiting, ctx))
		return error("%s", store_error(ctx->st)), EXIT_FAILURE;
	return 0;
}

/*
 * With [schedule] adaptive = yes: keep the tags due now (all named ones, or
 * all with --all) that the daily credit cap lets through, in the order they
 * deserve the credits; say what waits. Returns 0 or an exit status.
 */
static int pick_due(struct cmd_ctx *ctx, bool all, bool named, struct tag_info *tags,
		    size_t *n, size_t *due, size_t *waiting)
{
	struct due_plan plan;

	*due = *n;
	*waiting = 0;
	if (!ctx->cfg.schedule.adaptive)
		return 0;
	if (plan_due_tags(ctx, all || named, tags, *n, &plan))
		return EXIT_FAILURE;
	if (plan.due > plan.fetch && named)
		warn("%zu of the hashtags named not fetched: the daily credit cap ([schedule] "
		     "max_credits_per_day = %" PRId64 ") is spent", plan.due - plan.fetch,
		     ctx->cfg.schedule.max_credits_per_day);
	else if (plan.due > plan.fetch)
		note("%zu tags waiting for the daily credit cap (%" PRId64 " of %" PRId64
		     " credits spent in the last 24 hours)", plan.due - plan.fetch, plan.spent,
		     ctx->cfg.schedule.max_credits_per_day);
	if (plan.due == 0)
		note("no hashtag is due (%zu tracked)", *n);
	else
		note("%zu of %zu hashtags due, %zu fetched now", plan.due, *n, plan.fetch);
	*n = plan.fetch;
	*due = plan.due;
	*waiting = plan.due - plan.fetch;
	return 0;
}

int cmd_run(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct run r = { 0 };
	struct tag_info *tags = NULL;
	bool dry_run = false, all = false, has_webhook = ctx->cfg.webhook && *ctx->cfg.webhook;
	int64_t max_id = 0;
	size_t pending = 0, due, waiting;
	bool lost = false;
	int lock = -1, rc;

	if ((rc = parse_run_options(ctx, argc, argv, &dry_run, &all)) >= 0)
		return rc;
	if (!ctx->cfg.api_key || !*ctx->cfg.api_key) {
		error("no API key; set SCAVIO_API_KEY or [api] key in the config file");
		return EXIT_USAGE;
	}
	if (!dry_run && (rc = take_lock(ctx, &lock)))
		goto cleanup;
	rc = load_tags(ctx, "run", argc - optind, argv + optind, &tags, &r.n);
	if (rc)
		goto cleanup;
	/* Alerts left pending by earlier runs go first. */
	if (dry_run && has_webhook)
		outbox_print_pending(ctx->st);
	else if (has_webhook)
		pending += outbox_send(ctx->st, &ctx->cfg, 0, &max_id, &lost);
	else if (!dry_run)
		pending += outbox_orphaned(ctx->st);
	if (lost) {
		/* The store cannot record anything: fetching would store nothing either. */
		rc = EXIT_FAILURE;
		goto cleanup;
	}
	/* A cron job that tracks nothing is a mistake worth a mail. */
	if (r.n == 0) {
		error("no hashtag is tracked; add one with 'hashtrack add TAG'");
		rc = EXIT_FAILURE;
		goto cleanup;
	}
	if ((rc = pick_due(ctx, all, argc > optind, tags, &r.n, &due, &waiting)))
		goto cleanup;
	record_begin(&r.rec, ctx->st, &ctx->cfg, tags, dry_run);
	r.rec.due = due;
	r.rec.waiting = waiting;
	r.progress = ctx->stdout_tty && isatty(STDERR_FILENO) && msg_verbosity >= 0;
	rc = fetch_tags(&r, &ctx->cfg, tags) < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
	if (!dry_run && has_webhook)
		pending += outbox_send(ctx->st, &ctx->cfg, max_id, &max_id, &lost);
	print_summary(ctx, &r, pending);
	if (r.rec.failed || pending)
		rc = EXIT_FAILURE;
cleanup:
	free(tags);
	/* The store first: closing the lock's descriptor drops SQLite's locks (lock.h). */
	store_close(ctx->st);
	ctx->st = NULL;
	lock_release(lock);
	return rc;
}
