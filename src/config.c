/* config: the INI file (through inih), the environment and the defaults. */
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "array.h"
#include "config.h"
#include "http.h"
#include "timefmt.h"

#define DEFAULT_API_URL "https://api.scavio.dev/api/v1/tiktok/hashtag"

void config_init(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->timeout = 30;
	cfg->concurrency = 1;
	cfg->rate = (struct rate){ .count = 5, .per_seconds = 60 };
	cfg->retries = 3;
	cfg->detect = (struct detect_config){
		.window = 6 * 3600, .tolerance = 30 * 60,
		.cooldown = 6 * 3600, .growth_floor = 100,
		.usual = 7 * 86400, .learning = 2 * 86400,
	};
	cfg->rules = (struct rules){
		.min_new_videos = 200, .video_growth = 50, .view_growth = 50, .surge = 3,
	};
	cfg->alert_format = ALERT_SLACK;
	cfg->send_calmed = true;
	cfg->digest = 5;
	cfg->schedule = (struct schedule_config){ .hot_every = 3600, .cold_every = 6 * 3600 };
	cfg->now = (int64_t)time(NULL);
}

static void config_release_channels(struct config *cfg);

void config_release(struct config *cfg)
{
	free(cfg->api_key);
	free(cfg->api_url);
	free(cfg->db_path);
	free(cfg->webhook);
	free(cfg->ping_url);
	free(cfg->metrics_file);
	free(cfg->file);
	free(cfg->key_file);
	free(cfg->key_path);
	free(cfg->ca_file);
	config_release_channels(cfg);
	memset(cfg, 0, sizeof(*cfg));
}

static void channel_release(struct channel *ch)
{
	free(ch->url);
	free(ch->to);
	free(ch->from);
	free(ch->campaigns);
	free(ch->password_file);
	if (ch->password)       /* not left lying around in freed memory */
		memset(ch->password, 0, strlen(ch->password));
	free(ch->password);
}

static void config_release_channels(struct config *cfg)
{
	for (size_t i = 0; i < cfg->nchannels; i++)
		channel_release(&cfg->channels[i]);
	free(cfg->channels);
	cfg->channels = NULL;
	cfg->nchannels = 0;
}

static int replace_string(char **field, const char *value)
{
	char *copy = strdup(value);

	if (!copy)
		return -1;
	free(*field);
	*field = copy;
	return 0;
}

/* Whole-string integer in [min, max]. */
static int parse_int(const char *s, int64_t min, int64_t max, int64_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (end == s || *end || errno || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int config_parse_percent(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end || errno || !isfinite(v) || v < 0 || v > 1e9)
		return -1;
	*out = v;
	return 0;
}

typedef int (*setter)(struct config *cfg, const char *v, char *err, size_t n);

/* A control byte (CR, LF...) in the key would end its header line and start another. */
static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* The message never quotes the key, not even the part that is fine. */
#define KEY_CONTROL "has a control character (CR, LF or another) in it; set it to the key alone"

static int set_key(struct config *cfg, const char *v, char *err, size_t n)
{
	if (has_control(v)) {
		snprintf(err, n, "the API key " KEY_CONTROL);
		return -1;
	}
	cfg->key_in_file = *v != '\0';
	return replace_string(&cfg->api_key, v);
}

static int set_url(struct config *cfg, const char *v, char *err, size_t n)
{
	(void)err; (void)n;
	return replace_string(&cfg->api_url, v);
}

static int set_webhook(struct config *cfg, const char *v, char *err, size_t n)
{
	(void)err; (void)n;
	return replace_string(&cfg->webhook, v);
}

static int set_ping_url(struct config *cfg, const char *v, char *err, size_t n)
{
	(void)err; (void)n;
	return replace_string(&cfg->ping_url, v);
}

static int set_metrics_file(struct config *cfg, const char *v, char *err, size_t n)
{
	(void)err; (void)n;
	return replace_string(&cfg->metrics_file, v);
}

static int set_db(struct config *cfg, const char *v, char *err, size_t n)
{
	(void)err; (void)n;
	return replace_string(&cfg->db_path, v);
}

static int set_duration(int64_t *field, const char *v, char *err, size_t n)
{
	return duration_parse(v, field, err, n);
}

static int set_timeout(struct config *cfg, const char *v, char *err, size_t n)
{
	return set_duration(&cfg->timeout, v, err, n);
}

static int set_window(struct config *cfg, const char *v, char *err, size_t n)
{
	return set_duration(&cfg->detect.window, v, err, n);
}

static int set_tolerance(struct config *cfg, const char *v, char *err, size_t n)
{
	return set_duration(&cfg->detect.tolerance, v, err, n);
}

static int set_cooldown(struct config *cfg, const char *v, char *err, size_t n)
{
	return set_duration(&cfg->detect.cooldown, v, err, n);
}

static int set_rate(struct config *cfg, const char *v, char *err, size_t n)
{
	return rate_parse(v, &cfg->rate, err, n);
}

static int set_bounded(int64_t *field, const char *v, int64_t min, int64_t max,
		       char *err, size_t n)
{
	if (parse_int(v, min, max, field) == 0)
		return 0;
	snprintf(err, n, "'%s' is not a whole number from %lld to %lld",
		 v, (long long)min, (long long)max);
	return -1;
}

static int set_concurrency(struct config *cfg, const char *v, char *err, size_t n)
{
	int64_t x;

	if (set_bounded(&x, v, 1, 100, err, n))
		return -1;
	cfg->concurrency = (int)x;
	return 0;
}

static int set_retries(struct config *cfg, const char *v, char *err, size_t n)
{
	int64_t x;

	if (set_bounded(&x, v, 0, 20, err, n))
		return -1;
	cfg->retries = (int)x;
	return 0;
}

static int set_key_file(struct config *cfg, const char *v, char *err, size_t n)
{
	(void)err; (void)n;
	return replace_string(&cfg->key_file, v);
}

static int set_ca_file(struct config *cfg, const char *v, char *err, size_t n)
{
	(void)err; (void)n;
	cfg->ca_origin = "[api] ca_file";
	return replace_string(&cfg->ca_file, v);
}

static int set_max_credits(struct config *cfg, const char *v, char *err, size_t n)
{
	return set_bounded(&cfg->max_credits_per_run, v, 0, INT32_MAX, err, n);
}

static int set_min_new_videos(struct config *cfg, const char *v, char *err, size_t n)
{
	return set_bounded(&cfg->rules.min_new_videos, v, 0, INT64_MAX, err, n);
}

static int set_growth_floor(struct config *cfg, const char *v, char *err, size_t n)
{
	return set_bounded(&cfg->detect.growth_floor, v, 0, INT64_MAX, err, n);
}

static int set_percent(double *field, const char *v, char *err, size_t n)
{
	if (config_parse_percent(v, field) == 0)
		return 0;
	snprintf(err, n, "'%s' is not a percentage (a number, 0 turns the rule off)", v);
	return -1;
}

static int set_video_growth(struct config *cfg, const char *v, char *err, size_t n)
{
	return set_percent(&cfg->rules.video_growth, v, err, n);
}

static int set_view_growth(struct config *cfg, const char *v, char *err, size_t n)
{
	return set_percent(&cfg->rules.view_growth, v, err, n);
}

int config_parse_surge(const char *s, double *out)
{
	return config_parse_percent(s, out) || (*out > 0 && *out < 1) ? -1 : 0;
}

static int set_surge(struct config *cfg, const char *v, char *err, size_t n)
{
	if (config_parse_surge(v, &cfg->rules.surge) == 0)
		return 0;
	snprintf(err, n, "'%s' is not a pace ratio (a number such as 3, at least 1; 0 turns "
		 "the rule off)", v);
	return -1;
}

static int set_usual(struct config *cfg, const char *v, char *err, size_t n)
{
	return set_duration(&cfg->detect.usual, v, err, n);
}

static int set_learning(struct config *cfg, const char *v, char *err, size_t n)
{
	return set_duration(&cfg->detect.learning, v, err, n);
}

static int set_yes_no(bool *field, const char *v, char *err, size_t n)
{
	if (strcmp(v, "yes") == 0 || strcmp(v, "no") == 0) {
		*field = strcmp(v, "yes") == 0;
		return 0;
	}
	snprintf(err, n, "'%s' is neither yes nor no", v);
	return -1;
}

static int set_calmed(struct config *cfg, const char *v, char *err, size_t n)
{
	return set_yes_no(&cfg->send_calmed, v, err, n);
}

static int set_format(struct config *cfg, const char *v, char *err, size_t n)
{
	if (alert_format_parse(v, &cfg->alert_format) == 0)
		return 0;
	snprintf(err, n, "'%s' is not an alert format; use slack, discord, teams, json or ntfy "
		 "(email is for [channel.NAME] sections)", v);
	return -1;
}

static int set_digest(struct config *cfg, const char *v, char *err, size_t n)
{
	int64_t d;

	if (set_bounded(&d, v, 0, 100000, err, n))
		return -1;
	cfg->digest = (int)d;
	return 0;
}

static int set_adaptive(struct config *cfg, const char *v, char *err, size_t n)
{
	return set_yes_no(&cfg->schedule.adaptive, v, err, n);
}

/* An interval of the schedule: at least a minute (cron's own step). */
static int set_every(int64_t *field, const char *v, char *err, size_t n)
{
	int64_t x;

	if (duration_parse(v, &x, err, n))
		return -1;
	if (x < 60) {
		snprintf(err, n, "'%s' is shorter than a minute, cron's smallest step", v);
		return -1;
	}
	*field = x;
	return 0;
}

static int set_hot_every(struct config *cfg, const char *v, char *err, size_t n)
{
	return set_every(&cfg->schedule.hot_every, v, err, n);
}

static int set_cold_every(struct config *cfg, const char *v, char *err, size_t n)
{
	return set_every(&cfg->schedule.cold_every, v, err, n);
}

static int set_max_credits_per_day(struct config *cfg, const char *v, char *err, size_t n)
{
	return set_bounded(&cfg->schedule.max_credits_per_day, v, 0, INT64_MAX, err, n);
}

static const struct {
	const char *section, *key;
	setter set;
} keys[] = {
	{ "api", "key", set_key },
	{ "api", "url", set_url },
	{ "api", "timeout", set_timeout },
	{ "api", "concurrency", set_concurrency },
	{ "api", "rate", set_rate },
	{ "api", "retries", set_retries },
	{ "api", "key_file", set_key_file },
	{ "api", "ca_file", set_ca_file },
	{ "api", "max_credits_per_run", set_max_credits },
	{ "storage", "db", set_db },
	{ "detect", "window", set_window },
	{ "detect", "tolerance", set_tolerance },
	{ "detect", "min_new_videos", set_min_new_videos },
	{ "detect", "video_growth", set_video_growth },
	{ "detect", "view_growth", set_view_growth },
	{ "detect", "growth_floor", set_growth_floor },
	{ "detect", "cooldown", set_cooldown },
	{ "detect", "surge", set_surge },
	{ "detect", "usual", set_usual },
	{ "detect", "learning", set_learning },
	{ "alert", "webhook", set_webhook },
	{ "alert", "format", set_format },
	{ "alert", "calmed", set_calmed },
	{ "health", "ping_url", set_ping_url },
	{ "metrics", "textfile", set_metrics_file },
	{ "alert", "digest", set_digest },
	{ "schedule", "adaptive", set_adaptive },
	{ "schedule", "hot_every", set_hot_every },
	{ "schedule", "cold_every", set_cold_every },
	{ "schedule", "max_credits_per_day", set_max_credits_per_day },
};

static bool known_section(const char *section)
{
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (strcmp(keys[i].section, section) == 0)
			return true;
	return false;
}

struct ini_ctx {
	struct config *cfg;
	char msg[CONFIG_ERR_SIZE];      /* the first error, without file:line */
};

/* ---- [channel.NAME] sections ---- */

static bool channel_name_ok(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len >= CHANNEL_NAME_SIZE)
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
			return false;
	return true;
}

/* The channel called name, appended (format slack) when new; NULL when out of memory. */
static struct channel *channel_get(struct config *cfg, const char *name)
{
	struct channel *grown;

	for (size_t i = 0; i < cfg->nchannels; i++)
		if (strcmp(cfg->channels[i].name, name) == 0)
			return &cfg->channels[i];
	grown = realloc(cfg->channels, (cfg->nchannels + 1) * sizeof(*grown));
	if (!grown)
		return NULL;
	cfg->channels = grown;
	memset(&grown[cfg->nchannels], 0, sizeof(*grown));
	snprintf(grown[cfg->nchannels].name, CHANNEL_NAME_SIZE, "%s", name);
	grown[cfg->nchannels].format = ALERT_SLACK;
	return &grown[cfg->nchannels++];
}

/* An email address list or address: no control characters, no angle brackets. */
static bool address_ok(const char *v)
{
	return !has_control(v) && !strpbrk(v, "<>\"") && strchr(v, '@');
}

static int channel_set(struct channel *ch, const char *key, const char *v, char *why, size_t n)
{
	if (strcmp(key, "url") == 0)
		return replace_string(&ch->url, v);
	if (strcmp(key, "format") == 0) {
		if (alert_format_parse(v, &ch->format) == 0)
			return 0;
		snprintf(why, n, "'%s' is not a channel format; use slack, discord, teams, json, "
			 "ntfy or email", v);
		return -1;
	}
	if (strcmp(key, "to") == 0 || strcmp(key, "from") == 0) {
		if (*v && !address_ok(v)) {
			snprintf(why, n, "'%s' is not an email address (or list of them, "
				 "comma-separated)", v);
			return -1;
		}
		return replace_string(strcmp(key, "to") == 0 ? &ch->to : &ch->from, v);
	}
	if (strcmp(key, "campaigns") == 0) {
		if (has_control(v)) {
			snprintf(why, n, "has a control character in it");
			return -1;
		}
		return replace_string(&ch->campaigns, v);
	}
	if (strcmp(key, "password_file") == 0)
		return replace_string(&ch->password_file, v);
	snprintf(why, n, "unknown key; a channel has url, format, to, from, campaigns, "
		 "password_file");
	return -1;
}

static int on_channel_pair(struct ini_ctx *ctx, const char *name, const char *key,
			   const char *value)
{
	char why[CONFIG_ERR_SIZE - 128] = "";
	struct channel *ch;

	if (!channel_name_ok(name)) {
		snprintf(ctx->msg, sizeof(ctx->msg), "[channel.%s]: a channel name is 1 to %d "
			 "letters, digits, '-' or '_'", name, CHANNEL_NAME_SIZE - 1);
		return 0;
	}
	if (strcmp(name, CHANNEL_DEFAULT) == 0) {
		snprintf(ctx->msg, sizeof(ctx->msg), "[channel." CHANNEL_DEFAULT "] is the [alert] "
			 "webhook's name; set [alert] webhook, or name this channel otherwise");
		return 0;
	}
	ch = channel_get(ctx->cfg, name);
	if (ch && channel_set(ch, key, value, why, sizeof(why)) == 0)
		return 1;
	snprintf(ctx->msg, sizeof(ctx->msg), "[channel.%s] %s: %s", name, key,
		 why[0] ? why : "out of memory");
	return 0;
}

static int on_ini_pair(void *user, const char *section, const char *key, const char *value)
{
	struct ini_ctx *ctx = user;
	char why[CONFIG_ERR_SIZE - 64];

	if (ctx->msg[0])        /* keep the first error only; inih reports its line */
		return 1;
	if (strncmp(section, "channel.", 8) == 0)
		return on_channel_pair(ctx, section + 8, key, value);
	if (!known_section(section)) {
		snprintf(ctx->msg, sizeof(ctx->msg),
			 "unknown section [%s]; sections are [api], [storage], [detect], [alert], "
			 "[channel.NAME], [health], [metrics], [schedule]", section);
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		if (strcmp(keys[i].section, section) != 0 || strcmp(keys[i].key, key) != 0)
			continue;
		why[0] = '\0';
		if (keys[i].set(ctx->cfg, value, why, sizeof(why)) == 0)
			return 1;
		snprintf(ctx->msg, sizeof(ctx->msg), "%s: %s", key,
			 why[0] ? why : "out of memory");
		return 0;
	}
	snprintf(ctx->msg, sizeof(ctx->msg), "unknown key '%s' in [%s]", key, section);
	return 0;
}

/*
 * inih reads a line in INI_MAX_LINE bytes and parses the rest as a line of
 * its own (or as a continuation of the value), so refuse long lines first.
 * Byte by byte, so that a file without a newline never makes it hold more
 * than a counter: a long line is refused as soon as it is too long.
 */
static int check_line_lengths(FILE *f, const char *name, char *err, size_t errsz)
{
	size_t len = 0, crs = 0;        /* the line so far, and its trailing CRs */
	int c, no = 1;

	while ((c = getc(f)) != EOF) {
		if (c == '\n') {
			no++;
			len = crs = 0;
			continue;
		}
		len++;
		crs = c == '\r' ? crs + 1 : 0;
		/* trailing CRs are not counted, as a CRLF file's lines end with one */
		if (len - crs > CONFIG_MAX_LINE) {
			snprintf(err, errsz, "%s:%d: line longer than %d characters", name, no,
				 CONFIG_MAX_LINE);
			return -1;
		}
	}
	if (ferror(f)) {
		snprintf(err, errsz, "%s: cannot read it: %s", name, strerror(errno));
		return -1;
	}
	if (fseek(f, 0, SEEK_SET) != 0) {
		snprintf(err, errsz, "%s: cannot read it twice: %s", name, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * The line of the last `key = ...` in [section] of f, 0 when there is none:
 * for an error found only once the whole file is read. inih does not tell
 * its handler the line, so the file is read again, as inih reads it.
 */
static int key_line(FILE *f, const char *section, const char *key)
{
	char buf[CONFIG_MAX_LINE + 8];
	size_t klen = strlen(key);
	int no = 0, found = 0;
	bool inside = false;

	if (fseek(f, 0, SEEK_SET) != 0)
		return 0;
	while (fgets(buf, sizeof(buf), f)) {
		char *p = buf + strspn(buf, " \t");

		no++;
		if (*p == '[') {
			char *end = strchr(p, ']');

			inside = end && (size_t)(end - p - 1) == strlen(section) &&
				 strncmp(p + 1, section, strlen(section)) == 0;
		} else if (inside && strncmp(p, key, klen) == 0 &&
			   (p[klen] == '=' || p[klen] == ' ' || p[klen] == '\t')) {
			found = no;
		}
	}
	return found;
}

/* What the keys cannot check one by one: hot_every <= cold_every. */
static int check_schedule(const struct config *cfg, FILE *f, const char *name,
			  char *err, size_t errsz)
{
	char hot[32], cold[32];
	int line;

	if (cfg->schedule.hot_every <= cfg->schedule.cold_every)
		return 0;
	line = key_line(f, "schedule", "hot_every");
	if (!line)
		line = key_line(f, "schedule", "cold_every");
	duration_format(cfg->schedule.hot_every, hot, sizeof(hot));
	duration_format(cfg->schedule.cold_every, cold, sizeof(cold));
	snprintf(err, errsz, "%s:%d: hot_every: %s is longer than cold_every (%s); a hot tag "
		 "is fetched at least as often as the others", name, line, hot, cold);
	return -1;
}

int config_read_stream(struct config *cfg, FILE *f, const char *name,
		       char *err, size_t errsz)
{
	struct ini_ctx ctx = { .cfg = cfg };
	int line;

	if (check_line_lengths(f, name, err, errsz))
		return -1;
	line = ini_parse_file(f, on_ini_pair, &ctx);
	if (line != 0) {
		snprintf(err, errsz, "%s:%d: %s", name, line,
			 ctx.msg[0] ? ctx.msg : "malformed line; expected 'key = value' or '[section]'");
		return -1;
	}
	return check_schedule(cfg, f, name, err, errsz);
}

/*
 * Open path for reading only when it is a regular file: a directory would
 * read as empty (the config silently ignored), /dev/zero never ends, and a
 * FIFO would block the open (hence O_NONBLOCK until the type is known).
 * Returns the stream, or NULL with errno set (EISDIR, EINVAL: not a file).
 */
static FILE *open_regular(const char *path, struct stat *sb)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC), saved;
	FILE *f;

	if (fd < 0)
		return NULL;
	if (fstat(fd, sb) == 0) {
		if (S_ISREG(sb->st_mode) && (f = fdopen(fd, "r")))
			return f;
		if (!S_ISREG(sb->st_mode))
			errno = S_ISDIR(sb->st_mode) ? EISDIR : EINVAL;
	}
	saved = errno;
	close(fd);
	errno = saved;
	return NULL;
}

int config_read_file(struct config *cfg, const char *path, bool must_exist,
		     char *err, size_t errsz)
{
	struct stat sb = { 0 };
	FILE *f = open_regular(path, &sb);
	int rc;

	if (!f) {
		if (errno == ENOENT && !must_exist)
			return 0;
		snprintf(err, errsz, "cannot read config '%s': %s", path,
			 errno == EISDIR ? "is a directory; name the file in it" :
			 errno == EINVAL ? "not a regular file" : strerror(errno));
		return -1;
	}
	cfg->file_mode = sb.st_mode & 07777;
	rc = config_read_stream(cfg, f, path, err, errsz);
	fclose(f);
	if (rc)
		return -1;
	return replace_string(&cfg->file, path);
}

const char *config_key_exposed(const struct config *cfg)
{
	if (cfg->file && cfg->key_in_file && (cfg->file_mode & 044))
		return cfg->file;
	if (cfg->key_path && (cfg->key_path_mode & 044))
		return cfg->key_path;
	return NULL;
}

static int env_string(char **field, const char *name)
{
	const char *v = getenv(name);

	if (!v || !*v)
		return 0;
	return replace_string(field, v);
}

int config_read_env(struct config *cfg, char *err, size_t errsz)
{
	const char *now = getenv("HASHTRACK_NOW"), *key = getenv("SCAVIO_API_KEY");
	char why[256];

	if (key && has_control(key)) {
		snprintf(err, errsz, "SCAVIO_API_KEY " KEY_CONTROL);
		return -1;
	}
	if (env_string(&cfg->api_key, "SCAVIO_API_KEY") ||
	    env_string(&cfg->api_url, "HASHTRACK_API_URL") ||
	    env_string(&cfg->db_path, "HASHTRACK_DB") ||
	    env_string(&cfg->webhook, "HASHTRACK_WEBHOOK")) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	if (now && *now && time_parse(now, &cfg->now, why, sizeof(why))) {
		/* time_parse's reason already says which forms are accepted. */
		snprintf(err, errsz, "HASHTRACK_NOW: %s", why);
		return -1;
	}
	return 0;
}

/* "$base/hashtrack/<name>" where base is $xdg_var, else $HOME/<fallback>. */
static char *xdg_path(const char *xdg_var, const char *fallback, const char *name)
{
	const char *base = getenv(xdg_var), *home = getenv("HOME");
	char *out;
	int len;

	if (base && *base == '/')
		len = snprintf(NULL, 0, "%s/hashtrack/%s", base, name);
	else if (home && *home)
		len = snprintf(NULL, 0, "%s/%s/hashtrack/%s", home, fallback, name);
	else
		return NULL;
	out = malloc((size_t)len + 1);
	if (!out)
		return NULL;
	if (base && *base == '/')
		snprintf(out, (size_t)len + 1, "%s/hashtrack/%s", base, name);
	else
		snprintf(out, (size_t)len + 1, "%s/%s/hashtrack/%s", home, fallback, name);
	return out;
}

/* A leading "~/" in a configured path means $HOME. */
static int expand_home(char **path)
{
	const char *home = getenv("HOME");
	char *out;
	size_t len;

	if (!*path || strncmp(*path, "~/", 2) != 0 || !home)
		return 0;
	len = strlen(home) + strlen(*path);
	out = malloc(len);
	if (!out)
		return -1;
	snprintf(out, len, "%s%s", home, *path + 1);
	free(*path);
	*path = out;
	return 0;
}

static int read_config_file(struct config *cfg, const char *flag_config,
			    char *err, size_t errsz)
{
	const char *env = getenv("HASHTRACK_CONFIG");
	char *xdg;
	int rc;

	if (flag_config)
		return config_read_file(cfg, flag_config, true, err, errsz);
	if (env && *env)
		return config_read_file(cfg, env, true, err, errsz);
	xdg = xdg_path("XDG_CONFIG_HOME", ".config", "config.ini");
	if (!xdg)
		return 0;
	rc = config_read_file(cfg, xdg, false, err, errsz);
	free(xdg);
	return rc;
}

/* localhost, [::1] or a dotted quad in 127.0.0.0/8 ("127.evil.example" is not). */
static bool loopback_host(const char *host)
{
	int dots = 0;

	if (strcasecmp(host, "localhost") == 0 || strcmp(host, "[::1]") == 0)
		return true;
	if (strncmp(host, "127.", 4) != 0)
		return false;
	for (const char *p = host; *p; p++) {
		if (*p == '.')
			dots++;
		else if (*p < '0' || *p > '9')
			return false;
	}
	return dots == 3;
}

/*
 * The host is the one libcurl would connect to, read by libcurl's own
 * parser: a hand-made one takes "http://localhost:1@remote/" for localhost.
 * Messages show the scheme and host only: a webhook's path is its secret,
 * and userinfo may hold a password.
 */
int config_url_origin(const char *url, char *buf, size_t bufsz)
{
	struct http_url u;

	if (http_url_parse(url, &u) != 0)
		return -1;
	snprintf(buf, bufsz, "%s://%s", u.scheme, u.host);
	return 0;
}

int config_check_url(const char *what, const char *url, char *err, size_t errsz)
{
	struct http_url u;

	if (http_url_parse(url, &u) != 0) {
		snprintf(err, errsz, "%s is not a URL libcurl can read; use https://HOST/PATH", what);
		return -1;
	}
	if (strcmp(u.scheme, "https") == 0 ||
	    (strcmp(u.scheme, "http") == 0 && loopback_host(u.host)))
		return 0;
	snprintf(err, errsz, "%s '%s://%s/...' must use https:// (plain http:// only to "
		 "localhost, 127.0.0.0/8 or [::1])", what, u.scheme, u.host);
	return -1;
}

/* A key file holds the key alone; anything longer is not one. */
#define KEY_FILE_MAX 4096

/*
 * Read the key from path (named `origin` in errors, with the path): its
 * trailing blanks and newlines trimmed, a key file that is empty, too long
 * or has a control character inside is an error. Returns 0 or -1.
 */
static int read_key_file(struct config *cfg, const char *path, const char *origin,
			 char *err, size_t errsz)
{
	char buf[KEY_FILE_MAX + 2];
	struct stat sb = { 0 };
	FILE *f = open_regular(path, &sb);
	size_t n;
	int rc = -1;

	if (!f) {
		snprintf(err, errsz, "%s '%s': cannot read it: %s", origin, path,
			 errno == EISDIR ? "is a directory; name the file in it" :
			 errno == EINVAL ? "not a regular file" : strerror(errno));
		return -1;
	}
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	while (n > 0 && strchr(" \t\r\n", buf[n - 1]))
		buf[--n] = '\0';
	if (ferror(f))
		snprintf(err, errsz, "%s '%s': cannot read it: %s", origin, path, strerror(errno));
	else if (n > KEY_FILE_MAX)
		snprintf(err, errsz, "%s '%s': longer than %d bytes; it should hold the API key "
			 "alone", origin, path, KEY_FILE_MAX);
	else if (n == 0)
		snprintf(err, errsz, "%s '%s': empty; put the API key in it", origin, path);
	else if (strlen(buf) != n || has_control(buf))
		snprintf(err, errsz, "%s '%s' " KEY_CONTROL, origin, path);
	else if (replace_string(&cfg->api_key, buf) || replace_string(&cfg->key_path, path))
		snprintf(err, errsz, "out of memory");
	else
		rc = 0;
	cfg->key_path_mode = sb.st_mode & 07777;
	cfg->key_origin = origin;
	/* the key is not left lying around on the stack */
	memset(buf, 0, sizeof(buf));
	fclose(f);
	return rc;
}

/* The API key's precedence (see config_load), once the file and the environment are read. */
static int resolve_key(struct config *cfg, char *err, size_t errsz)
{
	const char *env_key = getenv("SCAVIO_API_KEY"), *env_file = getenv("SCAVIO_API_KEY_FILE");
	const char *creds = getenv("CREDENTIALS_DIRECTORY");
	char path[4096];

	if (env_key && *env_key) {
		cfg->key_origin = "SCAVIO_API_KEY";
		return 0;
	}
	if (env_file && *env_file)
		return read_key_file(cfg, env_file, "SCAVIO_API_KEY_FILE", err, errsz);
	if (cfg->api_key && *cfg->api_key) {
		cfg->key_origin = "[api] key";
		return 0;
	}
	if (cfg->key_file && *cfg->key_file) {
		if (expand_home(&cfg->key_file)) {
			snprintf(err, errsz, "out of memory");
			return -1;
		}
		return read_key_file(cfg, cfg->key_file, "[api] key_file", err, errsz);
	}
	/* systemd's LoadCredential=scavio_api_key:...; no such credential is no key */
	if (creds && *creds &&
	    (size_t)snprintf(path, sizeof(path), "%s/scavio_api_key", creds) < sizeof(path) &&
	    access(path, F_OK) == 0)
		return read_key_file(cfg, path, "$CREDENTIALS_DIRECTORY", err, errsz);
	return 0;
}

/* The CA bundle as curl(1) picks it, then [api] ca_file; it must be a file we can read. */
static int resolve_ca(struct config *cfg, char *err, size_t errsz)
{
	static const char *const vars[] = { "CURL_CA_BUNDLE", "SSL_CERT_FILE" };
	struct stat sb;
	FILE *f;

	for (size_t i = 0; i < ARRAY_SIZE(vars); i++) {
		const char *v = getenv(vars[i]);

		if (v && *v) {
			if (replace_string(&cfg->ca_file, v))
				return snprintf(err, errsz, "out of memory"), -1;
			cfg->ca_origin = vars[i];
			break;
		}
	}
	if (!cfg->ca_file || !*cfg->ca_file)
		return 0;
	if (expand_home(&cfg->ca_file))
		return snprintf(err, errsz, "out of memory"), -1;
	f = open_regular(cfg->ca_file, &sb);
	if (!f) {
		snprintf(err, errsz, "%s '%s': cannot read it: %s; name a PEM bundle of CA "
			 "certificates", cfg->ca_origin, cfg->ca_file,
			 errno == EISDIR ? "is a directory" :
			 errno == EINVAL ? "not a regular file" : strerror(errno));
		return -1;
	}
	fclose(f);
	return 0;
}

/* ---- channels after loading: the default one, checks, password files ---- */

/* The [alert] webhook, when it has a URL, as channel "default", first. */
static int add_default_channel(struct config *cfg)
{
	struct channel *grown;

	if (!cfg->webhook || !*cfg->webhook)
		return 0;
	grown = realloc(cfg->channels, (cfg->nchannels + 1) * sizeof(*grown));
	if (!grown)
		return -1;
	cfg->channels = grown;
	memmove(grown + 1, grown, cfg->nchannels * sizeof(*grown));
	memset(grown, 0, sizeof(*grown));
	snprintf(grown->name, CHANNEL_NAME_SIZE, "%s", CHANNEL_DEFAULT);
	grown->format = cfg->alert_format;
	cfg->nchannels++;
	return replace_string(&grown->url, cfg->webhook);
}

/* The password file's first line, trimmed; its mode says whether others may read it. */
static int read_password(struct channel *ch, char *err, size_t errsz)
{
	char buf[1024];
	struct stat sb;
	FILE *f = open_regular(ch->password_file, &sb);
	size_t len;

	if (!f) {
		snprintf(err, errsz, "[channel.%s] password_file: cannot read '%s': %s", ch->name,
			 ch->password_file, errno == EINVAL ? "not a regular file" : strerror(errno));
		return -1;
	}
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	len = strcspn(buf, "\r\n");
	while (len > 0 && (buf[len - 1] == ' ' || buf[len - 1] == '\t'))
		len--;
	buf[len] = '\0';
	ch->password_exposed = (sb.st_mode & 044) != 0;
	if (replace_string(&ch->password, buf + strspn(buf, " \t"))) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	memset(buf, 0, sizeof(buf));
	return 0;
}

static int check_email_channel(struct channel *ch, char *err, size_t errsz)
{
	struct http_url u;

	if (http_url_parse(ch->url, &u) != 0 ||
	    (strcmp(u.scheme, "smtp") != 0 && strcmp(u.scheme, "smtps") != 0)) {
		snprintf(err, errsz, "[channel.%s] url: an email channel needs smtp://HOST or "
			 "smtps://HOST", ch->name);
		return -1;
	}
	if (!ch->to || !*ch->to || !ch->from || !*ch->from) {
		snprintf(err, errsz, "[channel.%s]: an email channel needs both to = and from =",
			 ch->name);
		return -1;
	}
	return ch->password_file ? read_password(ch, err, errsz) : 0;
}

static int check_channel(struct channel *ch, char *err, size_t errsz)
{
	char what[CHANNEL_NAME_SIZE + 32];

	if (!ch->url || !*ch->url) {
		snprintf(err, errsz, "[channel.%s] has no url; set url = https://... (smtp://... "
			 "for email)", ch->name);
		return -1;
	}
	if (ch->format == ALERT_EMAIL)
		return check_email_channel(ch, err, errsz);
	if (ch->to || ch->from || ch->password_file) {
		snprintf(err, errsz, "[channel.%s]: to, from and password_file are for "
			 "format = email only", ch->name);
		return -1;
	}
	snprintf(what, sizeof(what), "[channel.%s] url", ch->name);
	return config_check_url(what, ch->url, err, errsz);
}

/* The default channel first, then each [channel.NAME] checked; errors name the file. */
static int load_channels(struct config *cfg, char *err, size_t errsz)
{
	char why[CONFIG_ERR_SIZE - 64];

	if (cfg->alert_format == ALERT_EMAIL) {
		snprintf(err, errsz, "%s: [alert] format: email needs a [channel.NAME] section "
			 "with url, to and from", cfg->file ? cfg->file : "config");
		return -1;
	}
	for (size_t i = 0; i < cfg->nchannels; i++) {
		if (check_channel(&cfg->channels[i], why, sizeof(why))) {
			snprintf(err, errsz, "%s: %s", cfg->file ? cfg->file : "config", why);
			return -1;
		}
	}
	if (add_default_channel(cfg)) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	return 0;
}

const struct channel *config_channel(const struct config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->nchannels; i++)
		if (strcmp(cfg->channels[i].name, name) == 0)
			return &cfg->channels[i];
	return NULL;
}

bool channel_routes(const struct channel *ch, const char *campaign)
{
	const char *p = ch->campaigns;
	size_t len = campaign ? strlen(campaign) : 0;

	if (!p || p[strspn(p, " \t,")] == '\0')
		return true;
	if (!campaign)
		return false;
	/* each item trimmed of blanks, compared whole */
	while (*p) {
		size_t n;

		p += strspn(p, " \t,");
		n = strcspn(p, ",");
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (n == len && n > 0 && strncmp(p, campaign, n) == 0)
			return true;
		p += strcspn(p, ",");
	}
	return false;
}

bool config_routes_any(const struct config *cfg, const char *campaign)
{
	for (size_t i = 0; i < cfg->nchannels; i++)
		if (channel_routes(&cfg->channels[i], campaign))
			return true;
	return false;
}

bool config_mail_needs_tls(const char *url)
{
	struct http_url u;

	if (http_url_parse(url, &u) != 0)
		return true;
	return strcmp(u.scheme, "smtps") == 0 || !loopback_host(u.host);
}

int config_load(struct config *cfg, const char *flag_config, const char *flag_db,
		char *err, size_t errsz)
{
	if (read_config_file(cfg, flag_config, err, errsz) ||
	    config_read_env(cfg, err, errsz) || resolve_key(cfg, err, errsz) ||
	    resolve_ca(cfg, err, errsz))
		return -1;
	if ((flag_db && replace_string(&cfg->db_path, flag_db)) ||
	    (!cfg->api_url && replace_string(&cfg->api_url, DEFAULT_API_URL)) ||
	    (!cfg->db_path && !(cfg->db_path = xdg_path("XDG_DATA_HOME", ".local/share",
							 "hashtrack.db"))) ||
	    expand_home(&cfg->db_path) || expand_home(&cfg->metrics_file)) {
		snprintf(err, errsz, "out of memory, or no $HOME to place the database in");
		return -1;
	}
	if (config_check_url("[api] url", cfg->api_url, err, errsz))
		return -1;
	if (cfg->webhook && *cfg->webhook &&
	    config_check_url("[alert] webhook", cfg->webhook, err, errsz))
		return -1;
	if (cfg->ping_url && *cfg->ping_url &&
	    config_check_url("[health] ping_url", cfg->ping_url, err, errsz))
		return -1;
	return load_channels(cfg, err, errsz);
}
