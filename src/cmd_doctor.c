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
#include "msg.h"
#include "timefmt.h"

static const char doctor_usage[] = "usage: hashtrack doctor [--online] [--full]\n";

/* A key is shown by its first four characters only when it has at least this many. */
#define DOCTOR_KEY_SHOWN_FROM 12

/* Credits below this many runs' worth (tags x 4 runs a day x 7 days) draw a warning. */
#define CREDIT_DAYS 7

static void doctor_help(void)
{
	printf("%s\nCheck the configuration, the API key (shown masked), the database and its\n"
	       "integrity, the webhook, the tracked tags, the last run and the credits\n"
	       "left, one line each: ok, warn or fail. Exit status 0 when nothing failed.\n\n"
	       "  --online   also make one real API call with the first tracked tag\n"
	       "  --full     check the database's integrity in full (SQLite's integrity_check,\n"
	       "             which also checks every index against its table; slower on a\n"
	       "             big database) instead of the quick check\n\n"
	       "example:\n  hashtrack doctor --online\n", doctor_usage);
}

enum level { OK, WARN, FAIL };

struct doctor {
	struct cmd_ctx *ctx;
	int failures;
	bool full;                      /* --full: integrity_check, not quick_check */
	int64_t ntags;
	char first_tag[TAG_BUF_SIZE];
};

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

	if (config_load(cfg, d->ctx->flag_config, d->ctx->flag_db, err, sizeof(err))) {
		check(d, FAIL, "config", "%s", err);
		return -1;
	}
	if (cfg->file)
		check(d, OK, "config", "'%s' is valid", cfg->file);
	else
		check(d, WARN, "config", "no config file; built-in defaults and environment in use");
	if (config_key_exposed(cfg))
		check(d, WARN, "config", "'%s' holds the API key and others can read it; "
		      "run 'chmod 600 %s'", cfg->file, cfg->file);
	return 0;
}

static void check_key(struct doctor *d)
{
	const char *key = d->ctx->cfg.api_key;

	if (!key || !*key) {
		check(d, FAIL, "api key", "missing; set SCAVIO_API_KEY or [api] key");
		return;
	}
	/*
	 * Never more than the first four characters, and none of a key too short
	 * for four to leave most of it hidden.
	 */
	if (strlen(key) >= DOCTOR_KEY_SHOWN_FROM)
		check(d, OK, "api key", "%.4s... (%zu characters)", key, strlen(key));
	else
		check(d, OK, "api key", "**** (%zu characters)", strlen(key));
}

static void check_webhook(struct doctor *d)
{
	static const char *const formats[] = { "slack", "discord", "json" };
	const struct config *cfg = &d->ctx->cfg;
	char origin[300];

	if (cfg->webhook && *cfg->webhook) {
		/*
		 * A webhook's path and query are its secret (Slack, Discord), and
		 * userinfo may hold a password: show the scheme and host only, as
		 * libcurl reads them (config_load has already checked they parse).
		 */
		if (config_url_origin(cfg->webhook, origin, sizeof(origin)) == 0)
			check(d, OK, "webhook", "%s alerts to %s/...", formats[cfg->alert_format],
			      origin);
		else
			check(d, FAIL, "webhook", "not a URL libcurl can read; check [alert] webhook");
	}
	else
		check(d, WARN, "webhook", "none; alerts are recorded, not sent "
		      "(set HASHTRACK_WEBHOOK or [alert] webhook)");
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

static void check_last_run(struct doctor *d)
{
	const struct config *cfg = &d->ctx->cfg;
	char when[TIME_BUF_SIZE], age[32], failed[TIME_BUF_SIZE + 64] = "";
	int64_t success, last;
	bool has_success, has_last;

	if (store_get_meta(d->ctx->st, "last_success", &success, &has_success) ||
	    store_get_meta(d->ctx->st, "last_run", &last, &has_last)) {
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
	time_format(success, when);
	duration_format(cfg->now - success, age, sizeof(age));
	/* two windows without a successful run: the schedule or the API is failing */
	check(d, cfg->now - success > 2 * cfg->detect.window || failed[0] ? WARN : OK,
	      "last run", "last success %s (%s ago)%s", when, age, failed);
}

static void check_credits(struct doctor *d)
{
	int64_t credits, low = d->ntags * 4 * CREDIT_DAYS;
	bool found;

	if (store_get_meta(d->ctx->st, "credits_remaining", &credits, &found)) {
		check(d, FAIL, "credits", "%s", store_error(d->ctx->st));
	} else if (!found) {
		check(d, OK, "credits", "not reported by the API yet");
	} else if (credits < low) {
		check(d, WARN, "credits", "%" PRId64 " left, under a week of runs for %" PRId64
		      " tags; top up your Scavio credits", credits, d->ntags);
	} else {
		check(d, OK, "credits", "%" PRId64 " left", credits);
	}
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
	check_last_run(d);
	check_credits(d);
}

int cmd_doctor(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "online", no_argument, NULL, 'o' },
		{ "full", no_argument, NULL, 'f' },
		COMMON_OPTIONS,
		{ 0 },
	};
	struct doctor d = { .ctx = ctx };
	bool online = false;
	int c;

	while ((c = cmd_getopt(ctx, argc, argv, longopts)) != -1) {
		if (c == 'o')
			online = true;
		else if (c == 'f')
			d.full = true;
		else if (c == 'h')
			return doctor_help(), EXIT_SUCCESS;
		else
			return usage_error("doctor", doctor_usage);
	}
	if (check_config(&d) == 0) {
		check_key(&d);
		check_webhook(&d);
		check_database(&d);
		if (online)
			check_online(&d);
	}
	return d.failures ? EXIT_FAILURE : EXIT_SUCCESS;
}
