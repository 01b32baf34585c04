/*
 * ops: what a run leaves for whoever operates it, beside snapshots and
 * alerts: the ledger row (`runs`, doctor), the [metrics] textfile and the
 * [health] ping_url pings (the dead-man's switch). A ping or a metrics file
 * that fails is a warning, never a failed run.
 */
#ifndef HASHTRACK_OPS_H
#define HASHTRACK_OPS_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "store.h"

/* The summary line, with the reason a run stopped (up to 1 KiB) after the counts. */
#define OPS_SUMMARY_SIZE 1280

struct ops_run {
	const struct config *cfg;
	int64_t started_us;     /* the monotonic clock at the start, for the duration */
	struct run_row row;     /* the caller fills tags .. credits as the run goes */
	char summary[OPS_SUMMARY_SIZE]; /* the run's one-line summary: a /fail ping's body */
	bool store_lost;        /* the database can record nothing: no ledger row either */
};

/* The run has the lock: start the clock and ping ping_url/start. */
void ops_start(struct ops_run *o, const struct config *cfg);

/*
 * The run ended with exit status `status`: append it to the ledger, write
 * the metrics textfile and ping ping_url (status 0) or ping_url/fail with
 * the summary. Returns the exit status, 1 instead of 0 when the ledger
 * could not be written (said on stderr).
 */
int ops_finish(struct ops_run *o, struct store *st, int status);

/*
 * Write text to path atomically: a temporary file in the same directory,
 * then rename, so a reader never sees half of it. Returns 0, or -1 with
 * the reason in err.
 */
int ops_write_file(const char *path, const char *text, char *err, size_t errsz);

#endif
