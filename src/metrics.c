/* metrics: the Prometheus text exposition of a run and its tags. */
#include <stdio.h>
#include <stdlib.h>

#include "alert.h"
#include "metrics.h"

/* Bytes of the UTF-8 sequence a lead byte starts (1 for anything else: kept as it is). */
static size_t sequence_length(unsigned char c)
{
	if (c >= 0xf0 && c < 0xf8)
		return 4;
	if (c >= 0xe0)
		return c < 0xf0 ? 3 : 1;
	return c >= 0xc0 ? 2 : 1;
}

const char *metrics_escape_label(const char *value, char *out, size_t outsz)
{
	size_t o = 0, step;

	if (outsz == 0)
		return out;
	for (const char *p = value; *p; p += step) {
		char esc = *p == '\\' ? '\\' : *p == '"' ? '"' : *p == '\n' ? 'n' : 0;

		step = esc ? 1 : sequence_length((unsigned char)*p);
		for (size_t i = 1; i < step; i++)
			if (!p[i])
				step = i;       /* a cut sequence: what is there */
		if (o + (esc ? 2 : step) >= outsz)
			break;
		if (esc) {
			out[o++] = '\\';
			out[o++] = esc;
		} else {
			for (size_t i = 0; i < step; i++)
				out[o++] = p[i];
		}
	}
	out[o] = '\0';
	return out;
}

static void family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* Tags fit: 100 characters of up to 4 bytes, each escaped to at most 2. */
#define LABEL_SIZE 1024

enum tag_figure { FIG_VIEWS, FIG_VIDEOS, FIG_PACE };

static bool figure_known(const struct metrics_tag *t, enum tag_figure fig)
{
	switch (fig) {
	case FIG_VIEWS:
		return count_known(t->views);
	case FIG_VIDEOS:
		return count_known(t->videos);
	default:
		return t->has_pace;
	}
}

/* One per-tag family: only the tags that know the figure, none at all when none does. */
static void tag_family(FILE *f, const struct metrics *m, enum tag_figure fig, const char *name,
		       const char *help)
{
	char label[LABEL_SIZE];
	bool any = false;

	for (size_t i = 0; i < m->ntags; i++) {
		const struct metrics_tag *t = &m->tags[i];

		if (!figure_known(t, fig))
			continue;
		if (!any)
			family(f, name, "gauge", help);
		any = true;
		fprintf(f, "%s{hashtag=\"%s\"} ", name,
			metrics_escape_label(t->name, label, sizeof(label)));
		if (fig == FIG_PACE)
			fprintf(f, "%.6g\n", t->pace);
		else
			fprintf(f, "%lld\n", (long long)(fig == FIG_VIEWS ? t->views : t->videos));
	}
}

static void run_families(FILE *f, const struct metrics *m)
{
	family(f, "hashtrack_last_run_timestamp_seconds", "gauge",
	       "When the last hashtrack run started, in seconds since the epoch.");
	fprintf(f, "hashtrack_last_run_timestamp_seconds %lld\n", (long long)m->last_run);
	if (m->has_last_success) {
		family(f, "hashtrack_last_success_timestamp_seconds", "gauge",
		       "When the last successful hashtrack run (exit status 0) started.");
		fprintf(f, "hashtrack_last_success_timestamp_seconds %lld\n",
			(long long)m->last_success);
	}
	family(f, "hashtrack_run_duration_seconds", "gauge",
	       "How long the last hashtrack run took.");
	fprintf(f, "hashtrack_run_duration_seconds %.3f\n", m->duration_s);
	family(f, "hashtrack_last_run_exit_code", "gauge",
	       "The exit status of the last hashtrack run (0 success, 1 failure).");
	fprintf(f, "hashtrack_last_run_exit_code %d\n", m->exit);
	family(f, "hashtrack_tags", "gauge", "Tracked hashtags by the outcome of their last fetch.");
	for (int s = TAG_NO_DATA; s <= TAG_ERROR; s++)
		fprintf(f, "hashtrack_tags{status=\"%s\"} %zu\n", tag_status_name((enum tag_status)s),
			m->tags_by_status[s]);
	if (m->has_credits_remaining) {
		family(f, "hashtrack_credits_remaining", "gauge",
		       "Scavio API credits left, as the API last reported them.");
		fprintf(f, "hashtrack_credits_remaining %lld\n", (long long)m->credits_remaining);
	}
	family(f, "hashtrack_alerts_total", "counter", "Alerts recorded, by event.");
	for (int e = ALERT_VIRAL; e <= ALERT_CALMED; e++)
		fprintf(f, "hashtrack_alerts_total{event=\"%s\"} %lld\n",
			alert_event_name((enum alert_event)e), (long long)m->alerts_by_event[e]);
}

char *metrics_format(const struct metrics *m)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	run_families(f, m);
	tag_family(f, m, FIG_VIEWS, "hashtrack_hashtag_views",
		   "The hashtag's view count at its latest snapshot.");
	tag_family(f, m, FIG_VIDEOS, "hashtrack_hashtag_videos",
		   "The hashtag's video count at its latest snapshot.");
	tag_family(f, m, FIG_PACE, "hashtrack_hashtag_pace_ratio",
		   "The hashtag's current pace over its usual pace.");
	if (ferror(f)) {
		fclose(f);
		free(text);
		return NULL;
	}
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}
