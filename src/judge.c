/* judge: a snapshot against its tag's history: figures, paces, rule levels, edge. */
#include <string.h>

#include "judge.h"

bool judge_rounded_shape(int source)
{
	return source == 2 || source == 6;
}

static int64_t reach(const struct detect_config *cfg)
{
	return 2 * cfg->window > cfg->usual ? 2 * cfg->window : cfg->usual;
}

int64_t judge_horizon(int64_t now, const struct detect_config *cfg)
{
	/*
	 * A pace's baseline lies up to reach() back, and the surge rule judges
	 * that baseline too, as its own evaluation saw it.
	 */
	return now - 2 * reach(cfg);
}

/* The newest snapshot before hist[n - 1] in the window's baseline range, or NULL. */
static const struct snapshot *baseline(const struct snapshot *hist, size_t n,
				       const struct detect_config *cfg)
{
	int64_t from, to;

	detect_baseline_range(hist[n - 1].ts, cfg, &from, &to);
	for (size_t i = n - 1; i-- > 0;) {
		if (hist[i].ts < from)
			break;
		if (hist[i].ts <= to)
			return &hist[i];
	}
	return NULL;
}

/* One count's known, comparable points since the horizon, now last; then its pace. */
static void count_pace(const struct snapshot *hist, size_t n, bool views, double surge,
		       const struct detect_config *cfg, struct pace_point *pts, struct pace *out)
{
	const struct snapshot *cur = &hist[n - 1];
	struct pace_config pc = {
		.window = cfg->window, .tolerance = cfg->tolerance, .usual = cfg->usual,
		.learning = cfg->learning, .surge = surge,
	};
	int64_t horizon = judge_horizon(cur->ts, cfg);
	size_t m = 0;

	memset(out, 0, sizeof(*out));
	out->learning = true;
	if (!count_known(views ? cur->views : cur->videos))
		return;
	for (size_t i = 0; i < n; i++) {
		const struct snapshot *s = &hist[i];
		int64_t v = views ? s->views : s->videos;

		if (s->ts < horizon || !count_known(v) || !snapshot_comparable(s, cur))
			continue;
		pts[m++] = (struct pace_point){ .ts = s->ts, .value = v,
						.rounded = judge_rounded_shape(s->source) };
	}
	pace_estimate(pts, m, pace_base(pts, m, &pc), &pc, out);
}

void judge_snapshot(const struct snapshot *hist, size_t n, const struct rules *rules,
		    const struct detect_config *cfg, struct pace_alert_state *st,
		    struct pace_point *scratch, struct judgement *out)
{
	const struct snapshot *cur = &hist[n - 1], *base = baseline(hist, n, cfg);
	struct pace_limits lim = {
		.surge = rules->surge, .min_new_videos = rules->min_new_videos,
		.video_growth = rules->video_growth, .view_growth = rules->view_growth,
		.growth_floor = cfg->growth_floor,
	};
	struct pace_measure m;
	struct pace_rule_eval ev;

	memset(out, 0, sizeof(*out));
	detect_evaluate(cur, base, rules, cfg, -1, &out->v);
	count_pace(hist, n, false, rules->surge, cfg, scratch, &out->videos);
	count_pace(hist, n, true, rules->surge, cfg, scratch, &out->views);
	out->learning = out->videos.learning && out->views.learning;
	m = (struct pace_measure){
		.now = cur->ts, .compared = out->v.status == VERDICT_OK,
		.videos_known = out->v.has_new_videos, .views_known = out->v.has_new_views,
		.new_videos = out->v.new_videos, .new_views = out->v.new_views,
		.base_videos = out->v.base.videos, .base_views = out->v.base.views,
		.videos = out->videos.known ? &out->videos : NULL,
		.views = out->views.known ? &out->views : NULL,
		.elapsed = out->v.status == VERDICT_OK ? out->v.elapsed : 0,
	};
	pace_rule_levels(&m, &lim, &ev);
	pace_alert_step(st, &ev, cfg->cooldown, &out->event);
	out->v.rules = out->event.rules;
	out->v.viral = st->firing;
	out->v.alert = out->event.event != PACE_NONE;
	pace_heat(&m, &lim, st->firing, &out->heat);
}

/* The count an alert's pace is about: the one that surged, else views when known. */
static bool headline_is_views(const struct judgement *j)
{
	if (j->views.surge || j->videos.surge)
		return j->views.surge;
	return j->views.known || !j->videos.known;
}

void judge_alert(const struct judgement *j, const struct snapshot *cur, const char *tag,
		 int64_t usual_span, struct alert *a)
{
	const struct verdict *v = &j->v;
	bool views = headline_is_views(j);
	const struct pace *p = views ? &j->views : &j->videos;
	static const enum alert_event events[] = {
		[PACE_NONE] = ALERT_VIRAL, [PACE_VIRAL] = ALERT_VIRAL,
		[PACE_ESCALATION] = ALERT_ESCALATION, [PACE_CALMED] = ALERT_CALMED,
	};

	*a = (struct alert){
		.tag = tag,
		.event = events[j->event.event],
		.detected_at = cur->ts,
		.elapsed = v->status == VERDICT_OK ? v->elapsed : 0,
		.video_count = cur->videos,
		.view_count = cur->views,
		.has_new_videos = v->status == VERDICT_OK && v->has_new_videos,
		.has_new_views = v->status == VERDICT_OK && v->has_new_views,
		.new_videos = v->new_videos,
		.new_views = v->new_views,
		.has_video_growth = v->status == VERDICT_OK && v->has_video_growth,
		.has_view_growth = v->status == VERDICT_OK && v->has_view_growth,
		.video_growth_pct = v->video_growth_pct,
		.view_growth_pct = v->view_growth_pct,
		.videos_per_hour = v->videos_per_hour,
		.views_per_hour = v->views_per_hour,
		.has_usual_videos = j->videos.has_usual && !j->videos.learning,
		.has_usual_views = j->views.has_usual && !j->views.learning,
		.usual_videos_per_hour = j->videos.usual_per_hour,
		.usual_views_per_hour = j->views.usual_per_hour,
		.usual_span = usual_span,
		.pace_of_views = views,
		.has_pace_ratio = p->has_ratio && !p->learning,
		.pace_ratio = p->ratio,
		.rules = j->event.rules,
	};
}
