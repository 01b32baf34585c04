/* evaluate: the store lookups detection needs, then the pure rules. */
#include "evaluate.h"

int evaluate_snapshot(struct store *st, const char *tag, const struct snapshot *cur,
		      const struct rules *rules, const struct detect_config *cfg,
		      bool with_cooldown, struct verdict *out)
{
	struct snapshot base;
	int64_t from, to, last_alert = -1;
	bool found;

	detect_baseline_range(cur->ts, cfg, &from, &to);
	if (store_baseline(st, tag, from, to, &base, &found))
		return -1;
	if (with_cooldown && store_last_alert(st, tag, &last_alert))
		return -1;
	detect_evaluate(cur, found ? &base : NULL, rules, cfg, last_alert, out);
	return 0;
}

void alert_from_verdict(struct alert *a, const char *tag, const struct snapshot *cur,
			const struct verdict *v)
{
	*a = (struct alert){
		.tag = tag,
		.detected_at = cur->ts,
		.elapsed = v->elapsed,
		.video_count = cur->videos,
		.view_count = cur->views,
		.new_videos = v->new_videos,
		.new_views = v->new_views,
		.has_video_growth = v->has_video_growth,
		.has_view_growth = v->has_view_growth,
		.video_growth_pct = v->video_growth_pct,
		.view_growth_pct = v->view_growth_pct,
		.videos_per_hour = v->videos_per_hour,
		.views_per_hour = v->views_per_hour,
		.rules = v->rules,
	};
}
