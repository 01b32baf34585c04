/*
 * cmd_run: the cron job as glue. Options, the lock and which tags; then
 * api (answers) -> record (committed rows) -> outbox (alerts out).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "cmd.h"
#include "http.h"
#include "lock.h"
#include "msg.h"
#include "ops.h"
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

/* A tag's failure held back until the run knows whether every tag failed alike. */
struct held {
	size_t index;
	enum tag_status status;
	char why[sizeof(((struct api_answer *)0)->why)];
	char cause[sizeof(((struct api_answer *)0)->cause)];
};

struct run {
	struct recorder rec;
	size_t n, done;         /* the tags fetched now, of tracked; done so far */
	size_t tracked;
	int64_t requests;       /* API requests started, retries included */
	bool progress;          /* redraw a progress line on the terminal */
	char fatal[1024];       /* why the API stopped the whole run, naming the tag */
	size_t skipped;         /* not fetched: [api] max_credits_per_run was spent */
	bool any_ok;            /* a tag answered with counts: failures are each tag's own */
	struct held *held;      /* failures while no tag has answered yet */
	size_t nheld;
};

static void show_progress(const struct run *r, bool last)
{
	if (!r->progress)
		return;
	progress("%zu/%zu hashtags, %zu failed, %zu alerts", r->done, r->n,
		 r->rec.failed + r->nheld, r->rec.alerts);
	if (last)
		progress_end();
}

/* The failures held so far, recorded one line each (or quietly: said already). */
static void release_held(struct run *r, bool quiet)
{
	r->rec.quiet = quiet;
	for (size_t i = 0; i < r->nheld; i++)
		record_failure(&r->rec, r->held[i].index, r->held[i].status, r->held[i].why);
	r->rec.quiet = false;
	r->nheld = 0;
}

/*
 * Until some tag answers, a failure that came without an answer, or a 404,
 * may be the run's, not the tag's (the URL is wrong, the host does not
 * resolve): hold it back, so that when every tag fails alike the run says
 * so once (report_held). Any other failure is the tag's own.
 */
static void tag_failed(struct run *r, const struct api_answer *a, enum tag_status status)
{
	struct held *h;

	if (r->any_ok || !r->held || !a->tag_blind) {
		record_failure(&r->rec, a->index, status, a->why);
		return;
	}
	h = &r->held[r->nheld++];
	h->index = a->index;
	h->status = status;
	snprintf(h->why, sizeof(h->why), "%s", a->why);
	snprintf(h->cause, sizeof(h->cause), "%s", a->cause);
}

static int on_answer(void *user, const struct api_answer *a)
{
	struct run *r = user;
	int stop = 0;

	r->done++;
	r->requests += a->attempts;
	switch (a->outcome) {
	case API_COUNTS:
		r->any_ok = true;
		release_held(r, false);
		record_counts(&r->rec, a->index, &a->counts);
		break;
	case API_NOT_FOUND:
		tag_failed(r, a, TAG_NOT_FOUND);
		break;
	case API_FAILED:
		tag_failed(r, a, TAG_ERROR);
		break;
	case API_SKIPPED:
		r->done--;
		r->skipped++;
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

/* Whether every held failure is the same: the same status and the same cause. */
static bool held_alike(const struct run *r)
{
	for (size_t i = 1; i < r->nheld; i++)
		if (r->held[i].status != r->held[0].status ||
		    strcmp(r->held[i].cause, r->held[0].cause) != 0)
			return false;
	return true;
}

/*
 * After the last answer: when two or more tags were fetched, none answered
 * and all failed alike without an answer or with 404, one line naming the
 * URL says it for all of them
 * (each tag's status is still kept); otherwise each held failure gets its
 * own line, as any other.
 */
static void report_held(struct run *r, const struct config *cfg)
{
	char url[512];

	if (r->nheld < 2 || r->fatal[0] || r->rec.failed || !held_alike(r)) {
		release_held(r, false);
		return;
	}
	if (http_url_shown(cfg->api_url, url, sizeof(url)))
		snprintf(url, sizeof(url), "[api] url");
	if (r->held[0].status == TAG_NOT_FOUND)
		error("all %zu hashtags answered 404 (not found) from '%s': check [api] url "
		      "(or HASHTRACK_API_URL); if it is right, check the spellings", r->nheld, url);
	else
		error("all %zu hashtags failed the same way at '%s': %s", r->nheld, url,
		      r->held[0].why);
	release_held(r, true);
}

static int fetch_tags(struct run *r, const struct config *cfg, const struct record_tag *tags)
{
	const char **names = calloc(r->n ? r->n : 1, sizeof(*names));
	struct api_call call = { .idle = r->rec.dry_run ? NULL : on_idle };
	char err[256];
	int rc;

	if (!names)
		return error("out of memory");
	for (size_t i = 0; i < r->n; i++)
		names[i] = tags[i].name;
	/* without room to hold failures, each is said at once: nothing is lost */
	r->held = r->n > 1 ? calloc(r->n, sizeof(*r->held)) : NULL;
	r->nheld = 0;
	/* Nothing due: no request, but the run is still remembered (doctor's "last run"). */
	rc = r->n ? api_fetch(cfg, &call, names, r->n, on_answer, r, err, sizeof(err)) : 0;
	free(names);
	report_held(r, cfg);
	free(r->held);
	r->held = NULL;
	if (r->skipped)
		warn("spend cap reached: %zu hashtag%s not fetched this run "
		     "([api] max_credits_per_run = %" PRId64 ")", r->skipped,
		     r->skipped == 1 ? "" : "s", cfg->max_credits_per_run);
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

/* The one-line summary: on a terminal, and the body of a [health] ping_url/fail. */
static void summarize(const struct run *r, size_t pending, char *buf, size_t bufsz)
{
	int len = snprintf(buf, bufsz, "%zu hashtags: %zu stored, %zu failed, %zu alerts, "
			   "%zu pending", r->n, r->rec.stored, r->rec.failed, r->rec.alerts, pending);

	if (r->fatal[0] && len > 0 && (size_t)len < bufsz)
		snprintf(buf + len, bufsz - (size_t)len, "; %s", r->fatal);
}

/* The tags to fetch, kept compact (record.h); 0 or an exit status. */
static int run_tags(struct cmd_ctx *ctx, int argc, char **argv, struct record_tags *out)
{
	struct tag_info *given = NULL;
	size_t n = 0;
	int rc;

	if (argc == 0) {
		if (record_tags_load(out, ctx->st))
			return error("run: %s", store_error(ctx->st)), EXIT_FAILURE;
		return 0;
	}
	rc = load_tags(ctx, "run", argc, argv, &given, &n);
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (record_tags_add(out, &given[i])) {
			error("out of memory");
			rc = EXIT_FAILURE;
		} else {
			out->v[out->n - 1].status_ok = false;   /* named twice: may fail, then answer */
		}
	}
	free(given);
	return rc;
}

static void print_summary(const struct cmd_ctx *ctx, const struct run *r, size_t pending)
{
	char line[OPS_SUMMARY_SIZE];

	if (!ctx->stdout_tty || msg_verbosity < 0)
		return;
	summarize(r, pending, line, sizeof(line));
	printf("%s\n", line);
}

/* What the ledger keeps of the run (its times and exit status are ops_finish's). */
static void ledger_row(const struct run *r, struct run_row *row)
{
	row->tags = (int64_t)r->tracked;
	row->due = (int64_t)r->rec.due;
	row->stored = (int64_t)r->rec.stored;
	row->failed = (int64_t)r->rec.failed;
	row->alerts = (int64_t)r->rec.alerts;
	row->requests = r->requests;
	row->has_credits_used = r->rec.has_credits_used;
	row->credits_used = r->rec.credits_used;
	row->has_credits_remaining = r->rec.has_credits;
	row->credits_remaining = r->rec.credits;
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
static int pick_due(struct cmd_ctx *ctx, bool all, bool named, struct record_tags *tags,
		    size_t *due, size_t *waiting)
{
	struct schedule_tag *st;
	struct record_tag *ranked;
	struct due_plan plan;
	size_t n = tags->n;

	*due = n;
	*waiting = 0;
	if (!ctx->cfg.schedule.adaptive)
		return 0;
	st = calloc(n ? n : 1, sizeof(*st));
	ranked = calloc(n ? n : 1, sizeof(*ranked));
	for (size_t i = 0; st && i < n; i++)
		record_due_tag(&tags->v[i], i, &st[i]);
	if (!st || !ranked || plan_due_tags(ctx, all || named, st, n, &plan)) {
		if (!st || !ranked)
			error("out of memory");
		free(st);
		free(ranked);
		return EXIT_FAILURE;
	}
	/* In the schedule's order; the tags not fetched now are released. */
	for (size_t i = 0; i < n; i++)
		ranked[i] = tags->v[st[i].index];
	memcpy(tags->v, ranked, n * sizeof(*ranked));
	free(st);
	free(ranked);
	if (plan.due > plan.fetch && named)
		warn("%zu of the hashtags named not fetched: the daily credit cap ([schedule] "
		     "max_credits_per_day = %" PRId64 ") is spent", plan.due - plan.fetch,
		     ctx->cfg.schedule.max_credits_per_day);
	else if (plan.due > plan.fetch)
		note("%zu tags waiting for the daily credit cap (%" PRId64 " of %" PRId64
		     " credits spent in the last 24 hours)", plan.due - plan.fetch, plan.spent,
		     ctx->cfg.schedule.max_credits_per_day);
	if (plan.due == 0)
		note("no hashtag is due (%zu tracked)", n);
	else
		note("%zu of %zu hashtags due, %zu fetched now", plan.due, n, plan.fetch);
	*due = plan.due;
	*waiting = plan.due - plan.fetch;
	return 0;
}

int cmd_run(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct run r = { 0 };
	struct ops_run ops = { 0 };
	struct record_tags tags = { 0 };
	bool dry_run = false, all = false, has_webhook = ctx->cfg.nchannels > 0;
	int64_t max_id = 0;
	size_t pending = 0, due, waiting;
	bool lost = false;
	int lock = -1, rc;

	if ((rc = parse_run_options(ctx, argc, argv, &dry_run, &all)) >= 0)
		return rc;
	if (!ctx->cfg.api_key || !*ctx->cfg.api_key) {
		error("no API key; set SCAVIO_API_KEY or [api] key in the config file "
		      "(or name a file holding it: SCAVIO_API_KEY_FILE, [api] key_file)");
		return EXIT_USAGE;
	}
	if (!dry_run && (rc = take_lock(ctx, &lock)))
		goto cleanup;
	if (!dry_run)
		ops_start(&ops, &ctx->cfg);
	rc = run_tags(ctx, argc - optind, argv + optind, &tags);
	if (rc)
		goto cleanup;
	r.n = tags.n;
	/* Alerts left pending by earlier runs go first. */
	if (dry_run && has_webhook)
		outbox_print_pending(ctx->st);
	else if (has_webhook)
		pending += outbox_send(ctx->st, &ctx->cfg, 0, &max_id, &lost);
	else if (!dry_run)
		pending += outbox_orphaned(ctx->st);
	if (lost) {
		/* The store cannot record anything: fetching would store nothing either. */
		snprintf(ops.summary, sizeof(ops.summary), "the database cannot record anything");
		rc = EXIT_FAILURE;
		goto cleanup;
	}
	/* A cron job that tracks nothing is a mistake worth a mail. */
	if (r.n == 0) {
		error("no hashtag is tracked; add one with 'hashtrack add TAG'");
		snprintf(ops.summary, sizeof(ops.summary), "no hashtag is tracked");
		rc = EXIT_FAILURE;
		goto cleanup;
	}
	r.tracked = r.n;
	if ((rc = pick_due(ctx, all, argc > optind, &tags, &due, &waiting)))
		goto cleanup;
	r.n = due - waiting;
	record_begin(&r.rec, ctx->st, &ctx->cfg, tags.v, dry_run);
	r.rec.due = due;
	r.rec.waiting = waiting;
	r.progress = ctx->stdout_tty && isatty(STDERR_FILENO) && msg_verbosity >= 0;
	rc = fetch_tags(&r, &ctx->cfg, tags.v) < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
	if (!dry_run && has_webhook)
		pending += outbox_send(ctx->st, &ctx->cfg, max_id, &max_id, &lost);
	print_summary(ctx, &r, pending);
	summarize(&r, pending, ops.summary, sizeof(ops.summary));
	ledger_row(&r, &ops.row);
	if (r.rec.failed || pending)
		rc = EXIT_FAILURE;
cleanup:
	if (ops.cfg) {
		ops.store_lost = lost;
		if (!ops.summary[0])
			snprintf(ops.summary, sizeof(ops.summary), "the run could not start its fetches");
		rc = ops_finish(&ops, ctx->st, rc);
	}
	record_tags_release(&tags);
	/* The store first: closing the lock's descriptor drops SQLite's locks (lock.h). */
	store_close(ctx->st);
	ctx->st = NULL;
	lock_release(lock);
	return rc;
}
