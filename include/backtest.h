/*
 * backtest: a tag's stored snapshots replayed, in time order, through the
 * same judgement `run` makes when it takes each one (judge.c), from a blank
 * edge state: the alerts they would have raised. Writes and sends nothing.
 */
#ifndef HASHTRACK_BACKTEST_H
#define HASHTRACK_BACKTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "store.h"

/* Called per alert, in time order per tag; a is valid during the call only. */
typedef int (*backtest_fn)(void *ctx, const struct alert *a);

/*
 * Replay every snapshot of tags[0..n) under their rules as configured, with
 * the ones flags sets in their place, and report the alerts detected at or
 * after since: viral and escalation events, and calmed notices when
 * [alert] calmed is on, as run would have sent them. Returns 0, -1 on a
 * store failure (said), or fn's non-zero value.
 */
int backtest_run(struct store *st, const struct config *cfg, const struct tag_rules *flags,
		 const struct tag_info *tags, size_t n, int64_t since, backtest_fn fn, void *ctx);

#endif
