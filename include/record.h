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
#include "store.h"

/* A tag saved into the open batch, counted as stored once the batch commits. */
struct record_saved {
	size_t index;
	enum verdict_status status;
	bool alert;
};

struct recorder {
	struct store *st;
	const struct config *cfg;
	const struct tag_info *tags;    /* what the indexes below refer to */
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
		  const struct tag_info *tags, bool dry_run);

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
