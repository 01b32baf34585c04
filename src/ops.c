/* ops: the ledger row, the metrics textfile and the health pings of a run. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "metrics.h"
#include "msg.h"
#include "ops.h"
#include "ping.h"
#include "report.h"

static bool has_ping(const struct config *cfg)
{
	return cfg->ping_url && *cfg->ping_url;
}

static void ping(const struct config *cfg, const char *suffix, const char *body)
{
	char err[512];

	if (ping_send(cfg->ping_url, suffix, body, cfg->ca_file, err, sizeof(err)))
		warn("%s; the run goes on", err);
}

void ops_start(struct ops_run *o, const struct config *cfg)
{
	o->cfg = cfg;
	o->started_us = clock_monotonic_us();
	o->row.started_at = cfg->now;
	if (has_ping(cfg))
		ping(cfg, "/start", "");
}

/* Write and close f; false (errno set) when any of it failed. Closes f either way. */
static bool write_all(FILE *f, const char *text)
{
	size_t len = strlen(text);
	bool ok = fwrite(text, 1, len, f) == len && fflush(f) == 0 && fsync(fileno(f)) == 0;
	int saved = errno;

	if (fclose(f) != 0 && ok)
		return false;
	errno = saved;
	return ok;
}

int ops_write_file(const char *path, const char *text, char *err, size_t errsz)
{
	size_t size = strlen(path) + sizeof(".XXXXXX");
	char *tmp = malloc(size);
	FILE *f;
	int fd, rc = -1;

	if (!tmp) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	snprintf(tmp, size, "%s.XXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		snprintf(err, errsz, "cannot create a file beside '%s': %s", path, strerror(errno));
		free(tmp);
		return -1;
	}
	/* Readable by the collector (node_exporter runs as its own user); nothing secret in it. */
	if (fchmod(fd, 0644) != 0 || !(f = fdopen(fd, "w"))) {
		snprintf(err, errsz, "cannot write '%s': %s", tmp, strerror(errno));
		close(fd);
	} else if (!write_all(f, text)) {
		snprintf(err, errsz, "cannot write '%s': %s", tmp, strerror(errno));
	} else if (rename(tmp, path) != 0) {
		snprintf(err, errsz, "cannot rename '%s' to '%s': %s", tmp, path, strerror(errno));
	} else {
		rc = 0;
	}
	if (rc)
		unlink(tmp);
	free(tmp);
	return rc;
}

/* Each tag's latest counts and pace ratio, as `report` shows them. */
static int tag_figures(struct store *st, const struct config *cfg, const struct tag_info *tags,
		       size_t n, struct metrics_tag *out)
{
	struct report_query q = { .dc = cfg->detect, .defaults = cfg->rules,
				  .sort = REPORT_SORT_GIVEN };
	struct report rep;
	int rc = report_build(st, &q, tags, n, &rep);

	for (size_t i = 0; rc == 0 && i < rep.n; i++) {
		const struct report_row *r = &rep.rows[i];
		struct metrics_tag *t = &out[i];

		t->name = r->tag->name;
		t->videos = r->tag->has_last ? r->tag->last.videos : COUNT_UNKNOWN;
		t->views = r->tag->has_last ? r->tag->last.views : COUNT_UNKNOWN;
		t->has_pace = report_row_pace(r, &t->pace);
	}
	report_release(&rep);
	return rc;
}

/* What the metrics say about the run and the tags now; m->tags malloc'd. */
static int gather(struct ops_run *o, struct store *st, struct metrics *m, struct tag_info **tags)
{
	const struct run_row *row = &o->row;
	struct metrics_tag *figures;
	struct run_row last;
	bool found;
	size_t n;

	*m = (struct metrics){ .last_run = row->started_at, .exit = row->exit,
			       .duration_s = (double)(clock_monotonic_us() - o->started_us) / 1e6,
			       .has_credits_remaining = row->has_credits_remaining,
			       .credits_remaining = row->credits_remaining };
	if (store_list_tags(st, NULL, 0, tags, &n) ||
	    store_alert_totals(st, m->alerts_by_event) ||
	    store_last_success(st, &last, &found) ||
	    (!m->has_credits_remaining &&
	     store_get_meta(st, "credits_remaining", &m->credits_remaining,
			    &m->has_credits_remaining)))
		return error("metrics: %s", store_error(st));
	m->has_last_success = found;
	m->last_success = last.started_at;
	for (size_t i = 0; i < n; i++)
		m->tags_by_status[(*tags)[i].status]++;
	figures = calloc(n ? n : 1, sizeof(*figures));
	if (!figures)
		return error("out of memory");
	m->tags = figures;
	m->ntags = n;
	return tag_figures(st, o->cfg, *tags, n, figures);
}

static void write_metrics(struct ops_run *o, struct store *st)
{
	struct tag_info *tags = NULL;
	struct metrics m = { 0 };
	char *text = NULL, err[1024];

	if (gather(o, st, &m, &tags) == 0 && !(text = metrics_format(&m)))
		error("out of memory");
	if (text && ops_write_file(o->cfg->metrics_file, text, err, sizeof(err)))
		warn("[metrics] textfile: %s", err);
	else if (!text)
		warn("[metrics] textfile '%s' not written", o->cfg->metrics_file);
	free(text);
	free((void *)m.tags);
	free(tags);
}

int ops_finish(struct ops_run *o, struct store *st, int status)
{
	const struct config *cfg = o->cfg;
	int64_t took_us = clock_monotonic_us() - o->started_us;

	o->row.finished_at = o->row.started_at + (took_us + 500000) / 1000000;
	o->row.exit = status;
	/* A run stopped because the database can record nothing has said so already. */
	if (!o->store_lost && store_add_run(st, &o->row)) {
		error("cannot record the run in the ledger: %s", store_error(st));
		o->row.exit = status = status ? status : EXIT_FAILURE;
	}
	if (cfg->metrics_file && *cfg->metrics_file)
		write_metrics(o, st);
	if (has_ping(cfg))
		ping(cfg, status ? "/fail" : "", status ? o->summary : "");
	return status;
}
