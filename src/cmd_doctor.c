/* cmd_doctor: one line per check, ok/warn/fail; exit 0 only when nothing failed. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api.h"
#include "cmd.h"
#include "duration.h"
#include "http.h"
#include "msg.h"
#include "outbox.h"
#include "timefmt.h"

static const char doctor_usage[] = "usage: hashtrack doctor [--online [--test-channels]] [--full]\n";

/* A key is shown by its first four characters only when it has at least this many. */
#define DOCTOR_KEY_SHOWN_FROM 12

/* Credits below this many runs' worth (tags x 4 runs a day x 7 days) draw a warning. */
#define CREDIT_DAYS 7

static void doctor_help(void)
{
	printf("%s\nCheck the configuration, the API key (shown masked), the database and its\n"
	       "integrity, the webhook, the tracked tags, the last run and the credits\n"
	       "left, one line each: ok, warn or fail. Exit status 0 when nothing failed.\n\n"
	       "  --online          also make one real API call with the first tracked tag\n"
	       "  --test-channels   with --online, also send a test message through every\n"
	       "                    channel (it posts; without it no channel is posted to)\n"
	       "  --full            check the database's integrity in full (SQLite's\n"
	       "                    integrity_check, which also checks every index against\n"
	       "                    its table; slower on a big database), not the quick check\n\n"
	       "example:\n  hashtrack doctor --online\n", doctor_usage);
}

enum level { OK, WARN, FAIL };

struct doctor {
	struct cmd_ctx *ctx;
	int failures;
	bool full;                      /* --full: integrity_check, not quick_check */
	int64_t ntags;
	char first_tag[TAG_BUF_SIZE];
	struct run_row *runs;   /* the ledger's last LEDGER_LOOKBACK, oldest first */
	size_t nruns;
};

/* How far back doctor reads the ledger: the spend's week and this month. */
#define LEDGER_LOOKBACK (32 * 86400)

__attribute__((format(printf, 4, 5)))
static void check(struct doctor *d, enum level level, const char *what, const char *fmt, ...)
{
	static const char *const names[] = { "ok", "warn", "fail" };
	va_list ap;

	if (level == FAIL)
		d->failures++;
	if (level == OK && msg_verbosity < 0)
		return;         /* -q: only what needs attention */
	printf("%-4s  %-10s ", names[level], what);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static int check_config(struct doctor *d)
{
	struct config *cfg = &d->ctx->cfg;
	char err[CONFIG_ERR_SIZE];
	const char *exposed;

	if (config_load(cfg, d->ctx->flag_config, d->ctx->flag_db, err, sizeof(err))) {
		check(d, FAIL, "config", "%s", err);
		return -1;
	}
	if (cfg->file)
		check(d, OK, "config", "'%s' is valid", cfg->file);
	else
		check(d, WARN, "config", "no config file; built-in defaults and environment in use");
	if ((exposed = config_key_exposed(cfg)))
		check(d, WARN, "config", "'%s' holds the API key and others can read it; "
		      "run 'chmod 600 %s'", exposed, exposed);
	return 0;
}

/* Where the key came from, as the user set it: "SCAVIO_API_KEY_FILE '/run/key'". */
static const char *key_from(const struct config *cfg, char *buf, size_t bufsz)
{
	if (cfg->key_path)
		snprintf(buf, bufsz, "%s '%s'", cfg->key_origin, cfg->key_path);
	else
		snprintf(buf, bufsz, "%s", cfg->key_origin ? cfg->key_origin : "?");
	return buf;
}

static void check_key(struct doctor *d)
{
	const char *key = d->ctx->cfg.api_key;
	char from[4200];

	if (!key || !*key) {
		check(d, FAIL, "api key", "missing; set SCAVIO_API_KEY, SCAVIO_API_KEY_FILE, "
		      "[api] key or [api] key_file");
		return;
	}
	/*
	 * Never more than the first four characters, and none of a key too short
	 * for four to leave most of it hidden.
	 */
	if (strlen(key) >= DOCTOR_KEY_SHOWN_FROM)
		check(d, OK, "api key", "%.4s... (%zu characters) from %s", key, strlen(key),
		      key_from(&d->ctx->cfg, from, sizeof(from)));
	else
		check(d, OK, "api key", "**** (%zu characters) from %s", strlen(key),
		      key_from(&d->ctx->cfg, from, sizeof(from)));
	/* a key has none: a space pasted with it makes every request a 401 */
	if (strpbrk(key, " \t\r\n"))
		check(d, WARN, "api key", "has whitespace in it; set %s to the key alone",
		      key_from(&d->ctx->cfg, from, sizeof(from)));
}

/* The API's URL (never its userinfo or query) and the proxy requests go through. */
static void check_api(struct doctor *d)
{
	const struct config *cfg = &d->ctx->cfg;
	char url[512], proxy[512];

	if (http_url_shown(cfg->api_url, url, sizeof(url)))
		snprintf(url, sizeof(url), "(not a URL libcurl can read)");
	if (http_proxy_for(cfg->api_url, proxy, sizeof(proxy)))
		check(d, OK, "api", "'%s' through the proxy '%s' (https_proxy, all_proxy, no_proxy)",
		      url, proxy);
	else
		check(d, OK, "api", "'%s', no proxy", url);
	if (cfg->ca_file)
		check(d, OK, "api", "also trusting the CAs in '%s' (%s)", cfg->ca_file,
		      cfg->ca_origin);
	if (cfg->max_credits_per_run > 0)
		check(d, OK, "api", "a run starts at most %" PRId64 " requests "
		      "([api] max_credits_per_run)", cfg->max_credits_per_run);
}

static void check_webhook(struct doctor *d)
{
	const struct config *cfg = &d->ctx->cfg;
	char origin[300];

	if (cfg->nchannels == 0) {
		check(d, WARN, "webhook", "none; alerts are recorded, not sent "
		      "(set HASHTRACK_WEBHOOK or [alert] webhook, or add a [channel.NAME])");
		return;
	}
	for (size_t i = 0; i < cfg->nchannels; i++) {
		const struct channel *ch = &cfg->channels[i];
		const char *what = strcmp(ch->name, CHANNEL_DEFAULT) == 0 ? "webhook" : "channel";

		/*
		 * A webhook's path and query are its secret (Slack, Discord), and
		 * userinfo may hold a password: show the scheme and host only, as
		 * libcurl reads them (config_load has already checked they parse).
		 */
		if (config_url_origin(ch->url, origin, sizeof(origin)) == 0)
			check(d, OK, what, "'%s': %s alerts to %s/...%s%s", ch->name,
			      alert_format_name(ch->format), origin,
			      ch->campaigns && *ch->campaigns ? ", campaigns " : "",
			      ch->campaigns && *ch->campaigns ? ch->campaigns : "");
		else
			check(d, FAIL, what, "'%s': not a URL libcurl can read; check its url",
			      ch->name);
		if (ch->password_exposed)
			check(d, WARN, what, "'%s': '%s' holds the SMTP password and others can read "
			      "it; run 'chmod 600 %s'", ch->name, ch->password_file, ch->password_file);
	}
}

/* --test-channels: the test message through each channel, as `alerts test` sends it. */
static void check_channels_online(struct doctor *d)
{
	fflush(stdout);
	if (outbox_test(&d->ctx->cfg, NULL) != 0)
		check(d, FAIL, "channels", "a test message did not go through; see above");
	else
		check(d, OK, "channels", "every channel took its test message");
}

/* [health] ping_url by its origin only (the path is the secret), and [metrics] textfile. */
static void check_ops(struct doctor *d)
{
	const struct config *cfg = &d->ctx->cfg;
	char origin[300], *dir, *slash;

	if (cfg->ping_url && *cfg->ping_url && config_url_origin(cfg->ping_url, origin,
								 sizeof(origin)) == 0)
		check(d, OK, "health", "each run pings %s/...", origin);
	if (!cfg->metrics_file || !*cfg->metrics_file || !(dir = strdup(cfg->metrics_file)))
		return;
	slash = strrchr(dir, '/');
	if (!slash)
		strcpy(dir, ".");
	else
		slash[slash == dir ? 1 : 0] = '\0';
	/* The textfile is written beside itself and renamed: its directory must be writable. */
	if (access(dir, W_OK | X_OK) != 0)
		check(d, WARN, "metrics", "cannot write '%s': directory '%s': %s", cfg->metrics_file,
		      dir, strerror(errno));
	else
		check(d, OK, "metrics", "'%s' after each run", cfg->metrics_file);
	free(dir);
}

static void check_schema(struct doctor *d)
{
	struct store *st = d->ctx->st;
	const char *how = d->full ? "full check" : "quick check";
	char result[256];
	int version;

	if (store_schema_version(st, &version))
		check(d, FAIL, "schema", "%s", store_error(st));
	else
		check(d, OK, "schema", "version %d", version);
	if (store_integrity(st, d->full, result, sizeof(result)))
		check(d, FAIL, "integrity", "%s", store_error(st));
	else if (strcmp(result, "ok") != 0)
		check(d, FAIL, "integrity", "%s (%s); restore the database from a backup", result,
		      how);
	else
		check(d, OK, "integrity", "ok (%s)", how);
}

static void check_tags(struct doctor *d)
{
	if (store_count_tags(d->ctx->st, &d->ntags, d->first_tag, sizeof(d->first_tag))) {
		check(d, FAIL, "hashtags", "%s", store_error(d->ctx->st));
		return;
	}
	if (d->ntags)
		check(d, OK, "hashtags", "%" PRId64 " tracked", d->ntags);
	else
		check(d, WARN, "hashtags", "none tracked; add one with 'hashtrack add TAG'");
}

/*
 * The last successful run from the ledger; from the facts kept before the
 * ledger existed when it has none (a database upgraded since).
 */
static int last_success(struct doctor *d, int64_t *success, bool *has_success, int64_t *last,
			bool *has_last)
{
	struct store *st = d->ctx->st;
	struct run_row row;

	if (store_last_success(st, &row, has_success))
		return -1;
	if (*has_success)
		*success = row.started_at;
	if (d->nruns) {
		*last = d->runs[d->nruns - 1].started_at;
		*has_last = true;
		return 0;
	}
	if (!*has_success && store_get_meta(st, "last_success", success, has_success))
		return -1;
	return store_get_meta(st, "last_run", last, has_last);
}

static void check_last_run(struct doctor *d)
{
	const struct config *cfg = &d->ctx->cfg;
	char when[TIME_BUF_SIZE], age[32], every[32], failed[TIME_BUF_SIZE + 64] = "";
	int64_t success = 0, last = 0, interval;
	bool has_success = false, has_last = false;

	if (last_success(d, &success, &has_success, &last, &has_last)) {
		check(d, FAIL, "last run", "%s", store_error(d->ctx->st));
		return;
	}
	if (has_last && (!has_success || last > success)) {
		time_format(last, when);
		snprintf(failed, sizeof(failed), "; the run at %s had failures", when);
	}
	if (!has_success) {
		check(d, WARN, "last run", "no successful run yet%s; schedule 'hashtrack run' "
		      "(see README)", failed);
		return;
	}
	/* How often runs come, as the ledger shows; [detect] window until it can tell. */
	interval = ledger_interval(d->runs, d->nruns, cfg->detect.window);
	time_format(success, when);
	duration_format(cfg->now - success, age, sizeof(age));
	duration_format(interval, every, sizeof(every));
	if (cfg->now - success > 2 * interval)
		check(d, WARN, "last run", "last success %s (%s ago), over twice the schedule's "
		      "%s%s; check the cron job or timer, and 'hashtrack runs'", when, age, every,
		      failed);
	else
		check(d, failed[0] ? WARN : OK, "last run", "last success %s (%s ago)%s", when, age,
		      failed);
}

/* "1,234" */
static const char *thousands(int64_t n, char *buf, size_t bufsz)
{
	fmt_thousands(n, buf, bufsz);
	return buf;
}

/* The credits spent per day and this month, from the ledger. */
static void check_spend(struct doctor *d, const struct ledger_spend *sp)
{
	char day[32], month[32], projected[32];

	if (!sp->known) {
		check(d, OK, "spend", "no run in the last %d days said what it spent",
		      LEDGER_SPEND_DAYS);
		return;
	}
	check(d, OK, "spend", "%s credits a day over the last %d days; %s this month, about %s "
	      "by its end", thousands((int64_t)(sp->per_day + 0.5), day, sizeof(day)),
	      LEDGER_SPEND_DAYS, thousands(sp->month_spent, month, sizeof(month)),
	      thousands(sp->month_projected, projected, sizeof(projected)));
}

static void check_credits(struct doctor *d)
{
	int64_t credits, low = d->ntags * 4 * CREDIT_DAYS;
	struct ledger_spend sp;
	char left[32];
	bool found;

	ledger_spend(d->runs, d->nruns, d->ctx->cfg.now, &sp);
	if (store_get_meta(d->ctx->st, "credits_remaining", &credits, &found)) {
		check(d, FAIL, "credits", "%s", store_error(d->ctx->st));
	} else if (!found) {
		check(d, OK, "credits", "not reported by the API yet");
	} else if (sp.has_days_left) {
		/* The measured spend says how long they last; a week or less draws a warning. */
		check(d, sp.days_left < CREDIT_DAYS ? WARN : OK, "credits",
		      "%s left, about %.0f days at the last %d days' spend%s", thousands(credits,
		      left, sizeof(left)), sp.days_left, LEDGER_SPEND_DAYS,
		      sp.days_left < CREDIT_DAYS ? "; top up your Scavio credits" : "");
	} else if (credits < low) {
		check(d, WARN, "credits", "%" PRId64 " left, under a week of runs for %" PRId64
		      " tags; top up your Scavio credits", credits, d->ntags);
	} else {
		check(d, OK, "credits", "%" PRId64 " left", credits);
	}
	check_spend(d, &sp);
}

/* With the adaptive schedule: how many tags are due, and how many the daily cap holds back. */
static void check_schedule(struct doctor *d)
{
	const struct schedule_config *sc = &d->ctx->cfg.schedule;
	struct tag_info *tags;
	struct schedule_tag *st;
	struct due_plan plan;
	size_t n;

	if (!sc->adaptive)
		return;
	if (store_list_tags(d->ctx->st, NULL, 0, &tags, &n)) {
		check(d, FAIL, "schedule", "%s", store_error(d->ctx->st));
		return;
	}
	st = calloc(n ? n : 1, sizeof(*st));
	for (size_t i = 0; st && i < n; i++)
		due_tag(&tags[i], i, &st[i]);
	free(tags);
	if (!st || plan_due_tags(d->ctx, false, st, n, &plan)) {
		check(d, FAIL, "schedule", "cannot plan the next run");
	} else if (plan.due > plan.fetch) {
		check(d, WARN, "schedule", "adaptive; %zu tags waiting for the daily credit cap "
		      "(%" PRId64 " of max_credits_per_day = %" PRId64 " spent in the last 24 "
		      "hours)", plan.due - plan.fetch, plan.spent, sc->max_credits_per_day);
	} else if (sc->max_credits_per_day > 0) {
		check(d, OK, "schedule", "adaptive; %zu of %zu tags due now; %" PRId64 " of %"
		      PRId64 " credits spent in the last 24 hours", plan.due, n, plan.spent,
		      sc->max_credits_per_day);
	} else {
		check(d, OK, "schedule", "adaptive; %zu of %zu tags due now", plan.due, n);
	}
	free(st);
}

struct online {
	struct doctor *d;
	const char *tag;
};

static int on_online_answer(void *user, const struct api_answer *a)
{
	struct online *o = user;
	char videos[32];

	if (a->outcome != API_COUNTS) {
		check(o->d, FAIL, "online", "#%s: %s", o->tag, a->why);
	} else {
		fmt_thousands(a->counts.videos, videos, sizeof(videos));
		check(o->d, OK, "online", "#%s has %s videos (response shape %d)", o->tag, videos,
		      a->counts.shape);
	}
	return 0;
}

static void check_online(struct doctor *d)
{
	const struct config *cfg = &d->ctx->cfg;
	struct online o = { .d = d, .tag = d->first_tag[0] ? d->first_tag : "tiktok" };
	struct api_call call = { .probe = true };
	char err[256];

	if (!cfg->api_key || !*cfg->api_key)
		return;
	if (api_fetch(cfg, &call, &o.tag, 1, on_online_answer, &o, err, sizeof(err)) < 0)
		check(d, FAIL, "online", "%s", err);
}

/*
 * The database's directory, or the nearest one that exists when it is still
 * to be made, must be writable: SQLite keeps its -wal and -shm files beside
 * the database. Says so at level and returns false when it is not.
 */
static bool db_dir_writable(struct doctor *d, enum level level, const char *path,
			    const char *what)
{
	char *dir = strdup(path), *slash;
	struct stat sb;
	bool ok = true;

	if (!dir)
		return true;
	for (;;) {
		slash = strrchr(dir, '/');
		if (!slash)
			strcpy(dir, ".");
		else
			slash[slash == dir ? 1 : 0] = '\0';
		if (stat(dir, &sb) == 0 || !slash || strcmp(dir, "/") == 0)
			break;
	}
	if (stat(dir, &sb) == 0 && !S_ISDIR(sb.st_mode)) {
		check(d, level, "database", "'%s' %s: '%s' is not a directory; choose another "
		      "with --db or HASHTRACK_DB", path, what, dir);
		ok = false;
	} else if (access(dir, W_OK | X_OK) != 0) {
		check(d, level, "database", "'%s' %s: directory '%s': %s; make it writable or "
		      "choose another with --db or HASHTRACK_DB", path, what, dir, strerror(errno));
		ok = false;
	}
	free(dir);
	return ok;
}

static void check_database(struct doctor *d)
{
	struct cmd_ctx *ctx = d->ctx;
	char err[STORE_ERR_SIZE + 64];
	struct stat sb;
	int rc;

	if (stat(ctx->cfg.db_path, &sb) != 0) {
		if (db_dir_writable(d, FAIL, ctx->cfg.db_path, "does not exist and cannot be created"))
			check(d, WARN, "database", "'%s' does not exist yet; 'hashtrack add' creates it",
			      ctx->cfg.db_path);
		return;
	}
	/* still readable (report, list...), so a warning: add, remove, run and import need it */
	db_dir_writable(d, WARN, ctx->cfg.db_path, "can be read but not written");
	/* Read-only: doctor never changes the database it checks. */
	rc = store_open_readonly(ctx->cfg.db_path, &ctx->st, err, sizeof(err));
	if (rc == STORE_NO_DATA) {
		check(d, WARN, "database", "%s; 'hashtrack add' sets it up", err);
		return;
	}
	if (rc) {
		check(d, FAIL, "database", "%s", err);
		return;
	}
	check(d, OK, "database", "'%s' opens", ctx->cfg.db_path);
	check_schema(d);
	check_tags(d);
	if (store_list_runs(ctx->st, ctx->cfg.now - LEDGER_LOOKBACK, &d->runs, &d->nruns)) {
		check(d, FAIL, "runs", "%s", store_error(ctx->st));
		return;
	}
	check_last_run(d);
	check_credits(d);
	check_schedule(d);
}

int cmd_doctor(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "online", no_argument, NULL, 'o' },
		{ "test-channels", no_argument, NULL, 't' },
		{ "full", no_argument, NULL, 'f' },
		COMMON_OPTIONS,
		{ 0 },
	};
	struct doctor d = { .ctx = ctx };
	bool online = false, test_channels = false;
	int c;

	while ((c = cmd_getopt(ctx, argc, argv, longopts)) != -1) {
		if (c == 'o')
			online = true;
		else if (c == 't')
			test_channels = true;
		else if (c == 'f')
			d.full = true;
		else if (c == 'h')
			return doctor_help(), EXIT_SUCCESS;
		else
			return usage_error("doctor", doctor_usage);
	}
	if (test_channels && !online) {
		error("doctor: --test-channels goes with --online (it posts to every channel)");
		return usage_error("doctor", doctor_usage);
	}
	if (check_config(&d) == 0) {
		check_key(&d);
		check_api(&d);
		check_webhook(&d);
		check_ops(&d);
		check_database(&d);
		if (online)
			check_online(&d);
		if (online && test_channels)
			check_channels_online(&d);
	}
	free(d.runs);
	return d.failures ? EXIT_FAILURE : EXIT_SUCCESS;
}
