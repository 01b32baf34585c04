/*
 * judge: one snapshot of a tag against the tag's own history, as `run`
 * judges it when the snapshot is taken and `report` and `backtest` judge it
 * later: the window's figures (detect), each count's pace (pace), the
 * rules' levels and the alert edge. Pure, so run and backtest, given the
 * same snapshots, raise exactly the same alerts.
 */
#ifndef HASHTRACK_JUDGE_H
#define HASHTRACK_JUDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alert.h"
#include "detect.h"
#include "pace.h"

struct judgement {
	struct verdict v;               /* the window's figures; v.rules: the rules on */
	struct pace videos, views;      /* each count's pace (known false: none) */
	struct pace_alert_event event;  /* what this snapshot raises, PACE_NONE mostly */
	bool learning;                  /* no count has left learning */
	struct pace_heat heat;          /* how close the tag is to firing (schedule) */
};

/*
 * How far back judge_snapshot looks for a snapshot taken at now: every
 * snapshot at or after the returned time must be in its history.
 */
int64_t judge_horizon(int64_t now, const struct detect_config *cfg);

/*
 * Judge hist[n - 1] (the tag's snapshots oldest first; any older ones are
 * ignored) under rules, advancing the tag's edge state st. scratch holds
 * room for n pace points.
 */
void judge_snapshot(const struct snapshot *hist, size_t n, const struct rules *rules,
		    const struct detect_config *cfg, struct pace_alert_state *st,
		    struct pace_point *scratch, struct judgement *out);

/*
 * The alert a judgement's event raises for hist[n - 1] of tag (a->tag
 * points at tag); usual_span is [detect] usual, for "over 7d".
 */
void judge_alert(const struct judgement *j, const struct snapshot *cur, const char *tag,
		 int64_t usual_span, struct alert *a);

/* Whether a snapshot's counts came rounded: response shapes 2 and 6. */
bool judge_rounded_shape(int source);

#endif
