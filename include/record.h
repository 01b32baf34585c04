/*
 * record: what `run` writes for each tag, as one unit of the store's group
 * commit: the zero check, the verdict, the snapshot, the tag's status and
 * the alert it raises; or, for a tag that failed, its status and reason.
 * Knows which tags a committed batch holds, so a tag counts as stored only
 * once its batch reached the disk. In a dry run it prints what it would
 * write and writes nothing.
 */
#ifndef HASHTRACK_RECORD_H
#define HASHTRACK_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "scavio.h"
#include "schedule.h"
#include "store.h"

/*
 * What a run keeps of a tag while it runs: a sixth of a struct tag_info,
 * whose fixed name and error buffers cost 0.8 KiB a tag (16 MiB of a
 * 20,000-tag run's peak).
 */
struct record_tag {
	char *name;                     /* malloc'd */
	char *campaign;                 /* malloc'd; NULL when in none */
	int64_t added_at;
	int64_t muted_until;            /* its alerts are muted before this time */
	struct snapshot last;           /* when has_last */
	struct pace_alert_state state;  /* its alert edge, as the last run left it */
	struct pace_heat heat;          /* how close to firing it was (the schedule) */
	struct tag_rules rules;
	bool has_last;
	bool status_ok;                 /* stored as "ok", no error: an answer need not write it */
};

/* The run's tags, in the order the fetch answers refer to by index. */
struct record_tags {
	struct record_tag *v;
	size_t n, cap;
};

/* Append what a run needs of t; -1 when out of memory. */
int record_tags_add(struct record_tags *ts, const struct tag_info *t);
/* Every tracked tag, in name order, read one at a time; -1 says why in store_error. */
int record_tags_load(struct record_tags *ts, struct store *st);
void record_tags_release(struct record_tags *ts);
/* What the adaptive schedule needs of t, the index-th tag. */
void record_due_tag(const struct record_tag *t, size_t index, struct schedule_tag *out);

/* A tag saved into the open batch, counted as stored once the batch commits. */
struct record_saved {
	size_t index;
	enum verdict_status status;
	bool alert;
};

struct recorder {
	struct store *st;
	const struct config *cfg;
	const struct record_tag *tags;  /* what the indexes below refer to */
	bool dry_run;
	bool quiet;                     /* record_failure prints nothing: the caller said it */
	size_t stored, failed, alerts;
	size_t due;                     /* tags the adaptive schedule found due (all fetched: n) */
	size_t waiting;                 /* due tags the daily credit cap held back */
	struct record_saved batch[STORE_BATCH_UNITS];
	size_t nbatch;
	bool has_credits;
	int64_t credits;                /* the latest credits_remaining the API reported */
	bool has_credits_used;
	int64_t credits_used;           /* the credits_used the answers reported, summed */
	struct snapshot *hist;          /* a tag's history, reused from tag to tag */
	size_t hist_cap;
	struct pace_point *scratch;     /* judge_snapshot's room */
	size_t scratch_cap;
};

/* Start recording answers for tags (which must outlive r). */
void record_begin(struct recorder *r, struct store *st, const struct config *cfg,
		  const struct record_tag *tags, bool dry_run);

/* Tag `index` answered these counts: evaluate and store them as one unit. */
void record_counts(struct recorder *r, size_t index, const struct scavio_counts *c);

/* Tag `index` failed: one line on stderr naming it, and its status kept for `list`. */
void record_failure(struct recorder *r, size_t index, enum tag_status status, const char *why);

/*
 * Commit the batch when it is due; returns the microseconds until it falls
 * due again, or -1 when nothing waits (a fetch loop's idle hook).
 */
int64_t record_idle(struct recorder *r);

/* After the last answer: the run's credits and times, the final commit; frees r's buffers. */
void record_end(struct recorder *r);

#endif
