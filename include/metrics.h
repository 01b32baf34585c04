/*
 * metrics: a run and the tracked tags in Prometheus' text exposition format
 * (version 0.0.4), for node_exporter's textfile collector. Pure: the caller
 * gathers the facts and writes the text. An unknown figure has no sample
 * (a family without a single sample is left out whole), never a 0.
 */
#ifndef HASHTRACK_METRICS_H
#define HASHTRACK_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alert.h"
#include "tag.h"

/* A tag's figures; counts are COUNT_UNKNOWN when unknown. */
struct metrics_tag {
	const char *name;
	int64_t videos, views;
	bool has_pace;
	double pace;            /* the headline pace over its usual pace */
};

struct metrics {
	int64_t last_run;               /* when the run started, epoch seconds */
	bool has_last_success;
	int64_t last_success;           /* when the newest run with exit 0 started */
	double duration_s;              /* how long the run took */
	int exit;                       /* the run's exit status */
	size_t tags_by_status[TAG_ERROR + 1];   /* indexed by enum tag_status */
	bool has_credits_remaining;
	int64_t credits_remaining;
	int64_t alerts_by_event[ALERT_CALMED + 1];      /* every alert recorded, by enum alert_event */
	const struct metrics_tag *tags;
	size_t ntags;
};

/* The exposition text, malloc'd (free()); NULL when out of memory. */
char *metrics_format(const struct metrics *m);

/*
 * A label value escaped as the format wants (\\, \" and \n), into out
 * (outsz bytes, always NUL terminated; cut at a character boundary when
 * too long). Returns out.
 */
const char *metrics_escape_label(const char *value, char *out, size_t outsz);

#endif
