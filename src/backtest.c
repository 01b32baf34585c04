/* backtest: history -> judge_snapshot, one snapshot after another, per tag. */
#include <stdlib.h>

#include "array.h"
#include "backtest.h"
#include "judge.h"
#include "msg.h"

/* Whether run would send this event: calmed notices only with [alert] calmed. */
static bool sent(const struct config *cfg, enum pace_event e)
{
	return e == PACE_VIRAL || e == PACE_ESCALATION || (e == PACE_CALMED && cfg->send_calmed);
}

/* Replay hist[0..n) as run judged each snapshot when it was taken. */
static int replay(const struct tag_info *t, const struct snapshot *hist, size_t n,
		  const struct rules *rules, const struct config *cfg, int64_t since,
		  struct pace_point *scratch, backtest_fn fn, void *ctx)
{
	struct pace_alert_state state;
	size_t first = 0;
	int rc = 0;

	pace_alert_init(&state);
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct judgement j;
		struct alert a;

		/* What lies beyond the horizon judge_snapshot would ignore anyway. */
		while (hist[first].ts < judge_horizon(hist[i].ts, &cfg->detect))
			first++;
		judge_snapshot(hist + first, i + 1 - first, rules, &cfg->detect, &state, scratch, &j);
		if (hist[i].ts < since || !sent(cfg, j.event.event))
			continue;
		judge_alert(&j, &hist[i], t->name, cfg->detect.usual, &a);
		rc = fn(ctx, &a);
	}
	return rc;
}

int backtest_run(struct store *st, const struct config *cfg, const struct tag_rules *flags,
		 const struct tag_info *tags, size_t n, int64_t since, backtest_fn fn, void *ctx)
{
	struct snapshot *hist = NULL;
	struct pace_point *scratch = NULL;
	size_t cap = 0, scratch_cap = 0, len;
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++) {
		struct rules configured = rules_effective(&tags[i].rules, &cfg->rules);
		struct rules rules = rules_effective(flags, &configured);

		if (store_history(st, tags[i].name, INT64_MIN, &hist, &len, &cap)) {
			rc = error("backtest: %s", store_error(st));
			break;
		}
		if (array_grow(&scratch, &scratch_cap, len, sizeof(*scratch), 64)) {
			rc = error("out of memory");
			break;
		}
		rc = replay(&tags[i], hist, len, &rules, cfg, since, scratch, fn, ctx);
	}
	free(hist);
	free(scratch);
	return rc;
}
