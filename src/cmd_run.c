/*
 * cmd_run: the cron job. Data flows one way:
 * tags -> requests -> counts -> snapshot + verdict -> alerts -> delivery.
 */
#include <ctype.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "deliver.h"
#include "evaluate.h"
#include "fetch.h"
#include "lock.h"
#include "msg.h"
#include "scavio.h"
#include "timefmt.h"

static const char run_usage[] = "usage: hashtrack run [--dry-run] [TAG...]\n";

/*
 * Group commit: tags stored since the last commit are made durable together
 * once this many are waiting, or once the oldest has waited this long. Each
 * tag stays one atomic unit (a savepoint) inside the batch; a crash loses at
 * most the batch, whose tags the next run fetches again.
 */
#define RUN_BATCH_MAX 256
#define RUN_BATCH_US 1000000

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

/* A tag saved into the open batch, counted as stored once the batch commits. */
struct saved {
	size_t index;
	enum verdict_status status;
	bool alert;
};

struct run {
	struct cmd_ctx *ctx;
	struct tag_info *tags;
	const char **names;
	size_t n;
	bool dry_run;
	bool progress;          /* redraw a progress line on the terminal */
	size_t done, stored, failed, alerts;
	struct saved batch[RUN_BATCH_MAX];
	size_t nbatch;          /* tags saved into the open batch */
	size_t units;           /* units begun in it, kept or not (a failure's status too) */
	int64_t batch_since_us; /* when its first unit began */
	bool has_credits;
	int64_t credits;
	char fatal[1024];        /* why the API stopped the whole run, naming the tag */
};

static void show_progress(const struct run *r, bool last)
{
	if (!r->progress)
		return;
	progress("%zu/%zu hashtags, %zu failed, %zu alerts", r->done, r->n, r->failed, r->alerts);
	if (last)
		progress_end();
}

/* A unit began, so the batch is open: its clock starts with the first. */
static void batch_unit(struct run *r)
{
	if (r->units++ == 0)
		r->batch_since_us = fetch_monotonic_us();
}

static void batch_forget(struct run *r)
{
	r->nbatch = 0;
	r->units = 0;
}

static void tag_failed(struct run *r, const char *tag, enum tag_status status,
		       const char *why);

/*
 * Commit the open batch. Its tags count as stored only now; when the commit
 * fails none of them is, and each fails naming the reason.
 */
static void commit_batch(struct run *r)
{
	struct store *st = r->ctx->st;
	const struct saved *b = r->batch;
	size_t n = r->nbatch;
	char why[STORE_ERR_SIZE + 32];

	/* Emptied first: a failure below begins units of a new batch. */
	batch_forget(r);
	if (store_batch_commit(st) == 0) {
		for (size_t i = 0; i < n; i++) {
			r->stored++;
			r->alerts += b[i].alert;
			note("#%s: stored, %s%s", r->tags[b[i].index].name,
			     verdict_status_name(b[i].status), b[i].alert ? ", viral" : "");
		}
		return;
	}
	snprintf(why, sizeof(why), "%s; nothing stored", store_error(st));
	for (size_t i = 0; i < n; i++)
		tag_failed(r, r->tags[b[i].index].name, TAG_ERROR, why);
}

/* Commit when the batch is full or its oldest unit has waited long enough. */
static void maybe_commit(struct run *r)
{
	if (r->nbatch >= RUN_BATCH_MAX ||
	    (r->units && fetch_monotonic_us() - r->batch_since_us >= RUN_BATCH_US))
		commit_batch(r);
}

/* fetch's idle hook: commit what is due; wake the loop when the rest falls due. */
static int64_t on_idle(void *user)
{
	struct run *r = user;

	maybe_commit(r);
	if (r->units == 0)
		return -1;
	return RUN_BATCH_US - (fetch_monotonic_us() - r->batch_since_us);
}

/* One line on stderr naming the tag, and the reason kept for `list`. */
static void tag_failed(struct run *r, const char *tag, enum tag_status status,
		       const char *why)
{
	struct store *st = r->ctx->st;

	r->failed++;
	error("#%s: %s", tag, why);
	if (r->dry_run)
		return;
	if (store_begin(st)) {
		error("#%s: %s", tag, store_error(st));
		return;
	}
	batch_unit(r);
	if (store_set_status(st, tag, status, why) || store_commit(st)) {
		error("#%s: %s", tag, store_error(st));
		store_rollback(st);
	}
}

static void print_dry_run(const char *tag, const struct snapshot *cur,
			  const struct verdict *v)
{
	char videos[32], views[32];
	struct alert a;
	char *sentence;

	fmt_thousands(cur->videos, videos, sizeof(videos));
	fmt_thousands(cur->views, views, sizeof(views));
	printf("would store #%s: %s videos, %s views (%s)\n", tag, videos, views,
	       verdict_status_name(v->status));
	if (!v->alert)
		return;
	alert_from_verdict(&a, tag, cur, v);
	sentence = alert_sentence(&a);
	printf("would alert: %s\n", sentence ? sentence : "(out of memory)");
	free(sentence);
}

/* Refuse a count of 0 where the last snapshot had a positive one. */
static int check_zeroed(struct run *r, const char *tag, const struct snapshot *cur,
			char *why, size_t whysz)
{
	struct snapshot prev;
	unsigned zeroed;
	bool found;

	if (store_latest(r->ctx->st, tag, &prev, &found))
		return -1;
	zeroed = found ? detect_zeroed_counts(cur, &prev) : 0;
	if (!zeroed)
		return 0;
	snprintf(why, whysz, "answer has %s 0 after %" PRId64 "; treated as missing, nothing stored",
		 zeroed & 1 ? "video count" : "view count",
		 zeroed & 1 ? prev.videos : prev.views);
	return 1;
}

/*
 * In one transaction (a unit of the batch): the snapshot, its verdict and
 * the alert it raises. Returns 0, 1 when the counts were refused (why says
 * so), 2 when the tag was purged meanwhile, -1 on a store error.
 */
static int save_counts(struct run *r, const struct tag_info *t, const struct snapshot *cur,
		       char *why, size_t whysz)
{
	struct cmd_ctx *ctx = r->ctx;
	struct rules rules = effective_rules(&t->rules, &ctx->cfg.rules);
	bool has_webhook = ctx->cfg.webhook && *ctx->cfg.webhook;
	struct verdict v;
	struct alert a;
	int64_t id;
	int rc;

	if (store_begin(ctx->st))
		return -1;
	if (!r->dry_run)
		batch_unit(r);
	rc = check_zeroed(r, t->name, cur, why, whysz);
	if (rc)
		goto done;
	rc = -1;
	if (evaluate_snapshot(ctx->st, t->name, cur, &rules, &ctx->cfg.detect, true, &v))
		goto done;
	rc = store_add_snapshot(ctx->st, t->name, cur);
	if (rc != 0) {
		rc = rc == 1 ? 2 : -1;  /* 1: purged since the tags were read */
		goto done;
	}
	rc = -1;
	if (store_set_status(ctx->st, t->name, TAG_OK, NULL))
		goto done;
	if (v.alert) {
		alert_from_verdict(&a, t->name, cur, &v);
		if (store_add_alert(ctx->st, &a, has_webhook ? ALERT_PENDING : ALERT_RECORDED, &id))
			goto done;
	}
	if (r->dry_run) {
		r->stored++;
		r->alerts += v.alert;
		print_dry_run(t->name, cur, &v);
		store_rollback(ctx->st);        /* the dry run writes nothing */
		return 0;
	}
	rc = store_commit(ctx->st);
	if (rc == 0)
		r->batch[r->nbatch++] = (struct saved){ (size_t)(t - r->tags), v.status, v.alert };
done:
	store_rollback(ctx->st);
	return rc;
}

/* " after 3 retries", or "" for a first attempt. */
static void retried(const struct fetch_result *res, char *buf, size_t bufsz)
{
	int n = res->attempts - 1;

	if (n <= 0)
		buf[0] = '\0';
	else
		snprintf(buf, bufsz, " after %d retr%s", n, n == 1 ? "y" : "ies");
}

/* An answer that is not JSON at all: empty, or an HTML page from a proxy. */
static bool looks_like_json(const char *body, size_t len)
{
	size_t i = 0;

	while (i < len && isspace((unsigned char)body[i]))
		i++;
	return i < len && (body[i] == '{' || body[i] == '[');
}

/* "an empty body", "a text/html answer": what came instead of JSON. */
static void what_came(const struct fetch_result *res, char *buf, size_t bufsz)
{
	const char *ct = res->content_type;
	size_t n = strcspn(ct, "; ");

	if (res->len == 0 || strspn(res->body, " \t\r\n") == res->len)
		snprintf(buf, bufsz, "an empty body");
	else if (n > 0 && n < 64)
		snprintf(buf, bufsz, "a %.*s answer", (int)n, ct);
	else
		snprintf(buf, bufsz, "an answer");
}

static void take_counts(struct run *r, const struct tag_info *t, const struct fetch_result *res)
{
	struct scavio_counts counts;
	struct snapshot cur;
	char why[512], came[96];
	int rc;

	if (scavio_parse(res->body, res->len, &counts, why, sizeof(why))) {
		if (!looks_like_json(res->body, res->len)) {
			what_came(res, came, sizeof(came));
			snprintf(why, sizeof(why), "API answered %ld with %s, not JSON",
				 res->http_status, came);
		}
		tag_failed(r, t->name, TAG_ERROR, why);
		return;
	}
	if (counts.has_credits) {
		r->has_credits = true;
		r->credits = counts.credits;
	}
	cur = (struct snapshot){ .ts = r->ctx->cfg.now, .videos = counts.videos,
				 .views = counts.views, .source = counts.shape };
	rc = save_counts(r, t, &cur, why, sizeof(why));
	if (rc == 2) {
		/* What the user asked for, not a failure of the run. */
		warn("#%s: removed during the run; nothing stored", t->name);
		return;
	}
	if (rc < 0) {
		snprintf(why, sizeof(why), "%s", store_error(r->ctx->st));
		/* The batch may be gone with it: settle the other tags' fate now. */
		commit_batch(r);
	}
	if (rc != 0)
		tag_failed(r, t->name, TAG_ERROR, why);
}

/* What to do when the API refuses the whole run. */
static const char *fatal_advice(enum fetch_kind kind)
{
	switch (kind) {
	case FETCH_AUTH:
		return "the API key was rejected: check SCAVIO_API_KEY or [api] key";
	case FETCH_CREDITS:
		return "the API key has no credits left: top up your Scavio credits, then run again";
	default:
		return "the API key may not use this endpoint: check its plan and permissions with Scavio";
	}
}

/* One line on why a request failed: the cause, the retries, the API's own words. */
static void describe_answer(const struct fetch_result *res, char *why, size_t whysz)
{
	char api_msg[256], again[32], came[96];

	retried(res, again, sizeof(again));
	if (res->http_status == 0) {
		if (res->detail[0])
			snprintf(why, whysz, "%s%s (%s)", res->error, again, res->detail);
		else
			snprintf(why, whysz, "%s%s", res->error, again);
	} else if (scavio_error_message(res->body, res->len, api_msg, sizeof(api_msg)) == 0) {
		snprintf(why, whysz, "API answered %ld%s: %s", res->http_status, again, api_msg);
	} else if (res->error[0]) {
		snprintf(why, whysz, "API answered %ld%s: %s", res->http_status, again, res->error);
	} else if (res->len > 0 && !looks_like_json(res->body, res->len)) {
		what_came(res, came, sizeof(came));
		snprintf(why, whysz, "API answered %ld%s with %s, not JSON", res->http_status,
			 again, came);
	} else {
		snprintf(why, whysz, "API answered %ld%s", res->http_status, again);
	}
}

static int on_fetched(void *user, const struct fetch_result *res)
{
	struct run *r = user;
	const struct tag_info *t = &r->tags[res->index];
	char why[512];
	int stop = 0;

	r->done++;
	if (res->kind == FETCH_OK) {
		take_counts(r, t, res);
	} else if (fetch_kind_is_fatal(res->kind)) {
		describe_answer(res, why, sizeof(why));
		snprintf(r->fatal, sizeof(r->fatal), "#%s: %s; %s", t->name, why,
			 fatal_advice(res->kind));
		r->failed++;
		stop = 1;
	} else if (res->kind == FETCH_NOT_FOUND) {
		tag_failed(r, t->name, TAG_NOT_FOUND,
			   "not found (404); check the spelling, or remove the tag");
	} else {
		describe_answer(res, why, sizeof(why));
		tag_failed(r, t->name, TAG_ERROR, why);
	}
	maybe_commit(r);
	show_progress(r, false);
	return stop;
}

/* One delivery round: the pending alerts with an id above after_id. */
struct outbox {
	struct cmd_ctx *ctx;
	const struct alert_row *rows;   /* the round's alerts, in payload order */
	size_t n;
	size_t pending;                 /* still pending after the round */
	bool lost;                      /* an outcome could not be recorded: the round stopped */
};

/*
 * The store cannot record an outcome: one line. The round stops, since every
 * further POST would be sent again next run; this alert's, if it went out, is.
 */
static void outcome_lost(struct outbox *o, size_t i, const struct delivery *d)
{
	struct store *st = o->ctx->st;

	error("cannot record alert outcomes in '%s': %s (#%s's alert was %s; no further "
	      "alert sent, the run stopped there)", o->ctx->cfg.db_path,
	      store_disk_full(st) ? "the disk is full; free some space, then run again"
				  : store_error(st),
	      o->rows[i].tag, d->sent ? "delivered and will be sent once more" : "not delivered");
	o->lost = true;
	o->pending += o->n - i;         /* this one and the rest stay pending */
}

/* Record each outcome at once: a crash later in the round loses no "sent". */
static int on_delivered(void *user, size_t i, const struct delivery *d)
{
	struct outbox *o = user;
	const struct alert_row *row = &o->rows[i];
	struct store *st = o->ctx->st;

	if (d->tried && store_alert_attempt(st, row->id, d->sent, o->ctx->cfg.now,
					    d->sent ? NULL : d->error)) {
		outcome_lost(o, i, d);
		return 1;
	}
	if (d->sent) {
		note("#%s: alert delivered", row->tag);
	} else {
		o->pending++;
		error("#%s: alert not delivered: %s%s; it stays pending for the next run",
		      row->tag, d->error, d->tried ? "" : " for an earlier alert");
	}
	return 0;
}

/* POST rows[0..n) through deliver_all; returns how many stay pending. */
static size_t send_alerts(struct cmd_ctx *ctx, const struct alert_row *rows, size_t n,
			  bool *lost)
{
	struct outbox o = { .ctx = ctx, .rows = rows, .n = n };
	char **payloads = calloc(n, sizeof(*payloads));

	if (!payloads) {
		error("out of memory; %zu alerts stay pending for the next run", n);
		return n;
	}
	for (size_t i = 0; i < n; i++)
		payloads[i] = alert_payload(ctx->cfg.alert_format, &rows[i].a);
	if (deliver_all(ctx->cfg.webhook, (const char *const *)payloads, n, ctx->cfg.timeout,
			on_delivered, &o)) {
		o.pending = n;
		error("cannot set up the webhook request; %zu alerts stay pending for the next run",
		      n);
	}
	for (size_t i = 0; i < n; i++)
		free(payloads[i]);
	free(payloads);
	*lost = o.lost;
	return o.pending;
}

/*
 * Deliver the pending alerts with an id above after_id, oldest first.
 * Returns how many of them are still pending afterwards; *max_id gets the
 * highest pending id seen, *lost whether an outcome could not be recorded.
 */
static size_t deliver_pending(struct cmd_ctx *ctx, int64_t after_id, int64_t *max_id,
			      bool *lost)
{
	struct alert_row *rows;
	size_t n, first = 0, pending = 0;

	*lost = false;
	if (store_pending_alerts(ctx->st, &rows, &n)) {
		error("%s", store_error(ctx->st));
		return 1;
	}
	while (first < n && rows[first].id <= after_id)
		first++;
	if (n > 0 && rows[n - 1].id > *max_id)
		*max_id = rows[n - 1].id;
	if (first < n)
		pending = send_alerts(ctx, rows + first, n - first, lost);
	free(rows);
	return pending;
}

/* A dry run sends nothing, but says which pending alerts a run would send. */
static void print_pending_dry_run(struct cmd_ctx *ctx)
{
	struct alert_row *rows;
	size_t n;

	if (store_pending_alerts(ctx->st, &rows, &n)) {
		error("%s", store_error(ctx->st));
		return;
	}
	for (size_t i = 0; i < n; i++) {
		char *sentence = alert_sentence(&rows[i].a);

		printf("would send pending alert: %s\n", sentence ? sentence : "(out of memory)");
		free(sentence);
	}
	free(rows);
}

/* Alerts left pending when the webhook was taken out of the config: how many. */
static size_t warn_orphaned_pending(struct cmd_ctx *ctx)
{
	struct alert_row *rows;
	size_t n;

	if (store_pending_alerts(ctx->st, &rows, &n)) {
		error("%s", store_error(ctx->st));
		return 1;
	}
	if (n > 0)
		warn("%zu alert%s still pending, but no webhook is configured; set [alert] webhook "
		     "to send them", n, n == 1 ? " is" : "s are");
	free(rows);
	return n;
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

static void print_summary(const struct run *r, size_t pending)
{
	if (!r->ctx->stdout_tty || msg_verbosity < 0)
		return;
	printf("%zu hashtags: %zu stored, %zu failed, %zu alerts, %zu pending\n",
	       r->n, r->stored, r->failed, r->alerts, pending);
}

/*
 * After the fetches: credits, the time of this run and, when every tag was
 * stored, of this successful run, for doctor and -v,
 * as a unit of the last batch (no commit of their own).
 */
static void remember_run(struct run *r)
{
	struct store *st = r->ctx->st;

	if (r->has_credits)
		note("credits remaining: %" PRId64, r->credits);
	if (store_begin(st))
		goto fail;
	batch_unit(r);
	if ((r->has_credits && store_set_meta(st, "credits_remaining", r->credits)) ||
	    store_set_meta(st, "last_run", r->ctx->cfg.now) ||
	    (!r->failed && store_set_meta(st, "last_success", r->ctx->cfg.now)) ||
	    store_commit(st))
		goto fail;
	return;
fail:
	error("%s", store_error(st));
	store_rollback(st);
}

static int fetch_tags(struct run *r)
{
	const struct config *cfg = &r->ctx->cfg;
	struct fetch_options opt = {
		.url = cfg->api_url, .api_key = cfg->api_key,
		.user_agent = "hashtrack/" HASHTRACK_VERSION,
		.timeout = cfg->timeout, .concurrency = cfg->concurrency,
		.interval_us = rate_interval_us(&cfg->rate), .retries = cfg->retries,
		.idle = r->dry_run ? NULL : on_idle,
	};
	char err[256];
	int rc;

	r->names = calloc(r->n ? r->n : 1, sizeof(*r->names));
	if (!r->names)
		return error("out of memory");
	for (size_t i = 0; i < r->n; i++)
		r->names[i] = r->tags[i].name;
	if (!r->dry_run)
		store_batch_begin(r->ctx->st);
	rc = fetch_all(&opt, r->names, r->n, on_fetched, r, err, sizeof(err));
	if (!r->dry_run) {
		remember_run(r);
		commit_batch(r);
		store_batch_end(r->ctx->st);
	}
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
	struct run r = { .ctx = ctx };
	bool has_webhook = ctx->cfg.webhook && *ctx->cfg.webhook;
	int64_t max_id = 0;
	size_t pending = 0;
	bool lost = false;
	int lock = -1, rc;

	if ((rc = parse_run_options(ctx, argc, argv, &r.dry_run)) >= 0)
		return rc;
	if (!ctx->cfg.api_key || !*ctx->cfg.api_key) {
		error("no API key; set SCAVIO_API_KEY or [api] key in the config file");
		return EXIT_USAGE;
	}
	if (!r.dry_run && (rc = take_lock(ctx, &lock)))
		goto cleanup;
	rc = load_tags(ctx, "run", argc - optind, argv + optind, &r.tags, &r.n);
	if (rc)
		goto cleanup;
	/* Alerts left pending by earlier runs go first. */
	if (r.dry_run && has_webhook)
		print_pending_dry_run(ctx);
	else if (has_webhook)
		pending += deliver_pending(ctx, 0, &max_id, &lost);
	else if (!r.dry_run)
		pending += warn_orphaned_pending(ctx);
	if (lost) {
		/* The store cannot record anything: fetching would store nothing either. */
		rc = EXIT_FAILURE;
		goto cleanup;
	}
	r.progress = ctx->stdout_tty && isatty(STDERR_FILENO) && msg_verbosity >= 0;
	rc = fetch_tags(&r) < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
	if (!r.dry_run && has_webhook)
		pending += deliver_pending(ctx, max_id, &max_id, &lost);
	print_summary(&r, pending);
	if (r.failed || pending)
		rc = EXIT_FAILURE;
cleanup:
	free(r.names);
	free(r.tags);
	/* The store first: closing the lock's descriptor drops SQLite's locks (lock.h). */
	store_close(ctx->st);
	ctx->st = NULL;
	lock_release(lock);
	return rc;
}
