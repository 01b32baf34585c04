/* evaluate: a snapshot against the baseline `run` would pick, for run and report alike. */
#ifndef HASHTRACK_EVALUATE_H
#define HASHTRACK_EVALUATE_H

#include <stdbool.h>

#include "alert.h"
#include "detect.h"
#include "store.h"

/*
 * Look up the baseline for cur (and, with_cooldown, the tag's last alert)
 * and evaluate the rules. Returns 0, or -1 with the reason in store_error().
 */
int evaluate_snapshot(struct store *st, const char *tag, const struct snapshot *cur,
		      const struct rules *rules, const struct detect_config *cfg,
		      bool with_cooldown, struct verdict *out);

/* The alert a verdict raises; a->tag points at tag. */
void alert_from_verdict(struct alert *a, const char *tag, const struct snapshot *cur,
			const struct verdict *v);

#endif
