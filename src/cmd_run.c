/*
 * cmd_run: the cron job as glue. Options, the lock and which tags; then
 * api (answers) -> record (committed rows) -> outbox (alerts out).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "api.h"
#include "cmd.h"
#include "lock.h"
#include "msg.h"
#include "outbox.h"
#include "record.h"

static const char run_usage[] = "usage: hashtrack run [--dry-run] [TAG...]\n";

static void run_help(void)
{
	printf("%s\nFetch every tracked hashtag (or the TAGs given), store a snapshot, compare\n"
	       "it with the one from [detect] window ago and send an alert when a rule fires.\n"
	       "Alerts not delivered earlier are sent first. Prints nothing on success\n"
	       "unless stdout is a terminal; problems go to stderr, one line each.\n\n"
	       "  --dry-run   fetch and evaluate; print what would be stored and alerted,\n"
	       "              write and send nothing\n\n"
	       "exit status: 0 all stored and sent, 1 a tag failed or an alert is pending,\n"
	       "2 usage or configuration error, 75 another run holds the lock\n\n"
	       "example (crontab):\n  0 */6 * * * hashtrack run\n", run_usage);
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
	rc = api_fetch(cfg, &call, names, r->n, on_answer, r, err, sizeof(err));
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

static int parse_run_options(struct cmd_ctx *ctx, int argc, char **argv, bool *dry_run)
{
	static const struct option longopts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		COMMON_OPTIONS,
		{ 0 },
	};
	int c;

	while ((c = cmd_getopt(ctx, argc, argv, longopts)) != -1) {
		if (c == 'n') {
			*dry_run = true;
		} else if (c == 'h') {
			run_help();
			return EXIT_SUCCESS;
		} else {
			return usage_error("run", run_usage);
		}
	}
	return -1;
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

int cmd_run(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct run r = { 0 };
	struct record_tags tags = { 0 };
	bool dry_run = false, has_webhook = ctx->cfg.webhook && *ctx->cfg.webhook;
	int64_t max_id = 0;
	size_t pending = 0;
	bool lost = false;
	int lock = -1, rc;

	if ((rc = parse_run_options(ctx, argc, argv, &dry_run)) >= 0)
		return rc;
	if (!ctx->cfg.api_key || !*ctx->cfg.api_key) {
		error("no API key; set SCAVIO_API_KEY or [api] key in the config file");
		return EXIT_USAGE;
	}
	if (!dry_run && (rc = take_lock(ctx, &lock)))
		goto cleanup;
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
		rc = EXIT_FAILURE;
		goto cleanup;
	}
	/* A cron job that tracks nothing is a mistake worth a mail. */
	if (r.n == 0) {
		error("no hashtag is tracked; add one with 'hashtrack add TAG'");
		rc = EXIT_FAILURE;
		goto cleanup;
	}
	record_begin(&r.rec, ctx->st, &ctx->cfg, tags.v, dry_run);
	r.progress = ctx->stdout_tty && isatty(STDERR_FILENO) && msg_verbosity >= 0;
	rc = fetch_tags(&r, &ctx->cfg, tags.v) < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
	if (!dry_run && has_webhook)
		pending += outbox_send(ctx->st, &ctx->cfg, max_id, &max_id, &lost);
	print_summary(ctx, &r, pending);
	if (r.rec.failed || pending)
		rc = EXIT_FAILURE;
cleanup:
	record_tags_release(&tags);
	/* The store first: closing the lock's descriptor drops SQLite's locks (lock.h). */
	store_close(ctx->st);
	ctx->st = NULL;
	lock_release(lock);
	return rc;
}
