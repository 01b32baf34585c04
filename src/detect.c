/* detect: which snapshot is the baseline, what grew since, and whether it is viral. */
#include "detect.h"

#include <string.h>

void detect_baseline_range(int64_t now, const struct detect_config *cfg,
			   int64_t *from, int64_t *to)
{
	*from = now - 2 * cfg->window;
	/* Cron jitter: a run a little early must still find the run before. */
	*to = now - cfg->window + cfg->tolerance;
}

static double per_hour(int64_t delta, int64_t elapsed)
{
	return elapsed > 0 ? (double)delta / ((double)elapsed / 3600.0) : 0.0;
}

static void measure(const struct snapshot *cur, const struct snapshot *base,
		    struct verdict *v)
{
	v->elapsed = cur->ts - base->ts;
	v->has_new_videos = count_known(cur->videos) && count_known(base->videos);
	v->has_new_views = count_known(cur->views) && count_known(base->views);
	if (v->has_new_videos)
		v->new_videos = cur->videos - base->videos;
	if (v->has_new_views)
		v->new_views = cur->views - base->views;
	/* Growth from nothing is no percentage. */
	v->has_video_growth = v->has_new_videos && base->videos > 0;
	v->has_view_growth = v->has_new_views && base->views > 0;
	if (v->has_video_growth)
		v->video_growth_pct = (double)v->new_videos / (double)base->videos * 100.0;
	if (v->has_view_growth)
		v->view_growth_pct = (double)v->new_views / (double)base->views * 100.0;
	v->videos_per_hour = per_hour(v->new_videos, v->elapsed);
	v->views_per_hour = per_hour(v->new_views, v->elapsed);
}

/* A percent rule: on, grown at all, and from a baseline big enough to mean it. */
static bool growth_fires(double threshold, bool has_pct, double pct,
			 int64_t delta, int64_t base, int64_t min_base)
{
	return threshold > 0 && has_pct && delta > 0 && base >= min_base &&
	       pct >= threshold;
}

static unsigned fired_rules(const struct verdict *v, const struct rules *r,
			    const struct detect_config *cfg)
{
	unsigned fired = 0;

	if (r->min_new_videos > 0 && v->has_new_videos && v->new_videos > 0 &&
	    v->new_videos >= r->min_new_videos)
		fired |= RULE_MIN_NEW_VIDEOS;
	if (growth_fires(r->video_growth, v->has_video_growth, v->video_growth_pct,
			 v->new_videos, v->base.videos, cfg->growth_floor))
		fired |= RULE_VIDEO_GROWTH;
	if (growth_fires(r->view_growth, v->has_view_growth, v->view_growth_pct,
			 v->new_views, v->base.views, cfg->growth_floor))
		fired |= RULE_VIEW_GROWTH;
	return fired;
}

void detect_evaluate(const struct snapshot *cur, const struct snapshot *base,
		     const struct rules *rules, const struct detect_config *cfg,
		     int64_t last_alert, struct verdict *out)
{
	memset(out, 0, sizeof(*out));
	if (!base) {
		out->status = VERDICT_NO_BASELINE;
		return;
	}
	out->base = *base;
	/* Rounded and exact counts differ by millions: no deltas, no alert. */
	if (!snapshot_comparable(cur, base)) {
		out->status = VERDICT_INCOMPARABLE;
		return;
	}
	out->status = VERDICT_OK;
	measure(cur, base, out);
	out->rules = fired_rules(out, rules, cfg);
	out->viral = out->rules != 0;
	out->alert = out->viral &&
		     (last_alert < 0 || cur->ts - last_alert >= cfg->cooldown);
}

unsigned detect_zeroed_counts(const struct snapshot *cur, const struct snapshot *prev)
{
	unsigned zeroed = 0;

	if (!prev)
		return 0;
	if (cur->videos == 0 && count_known(prev->videos) && prev->videos > 0)
		zeroed |= 1;
	if (cur->views == 0 && count_known(prev->views) && prev->views > 0)
		zeroed |= 2;
	return zeroed;
}

const char *verdict_status_name(enum verdict_status s)
{
	switch (s) {
	case VERDICT_OK:
		return "ok";
	case VERDICT_NO_BASELINE:
		return "no-baseline";
	case VERDICT_INCOMPARABLE:
		return "incomparable";
	}
	return "unknown";
}

struct rules rules_effective(const struct tag_rules *own, const struct rules *defaults)
{
	struct rules r = *defaults;

	if (own->has_surge)
		r.surge = own->surge;
	if (own->has_min_new_videos)
		r.min_new_videos = own->min_new_videos;
	if (own->has_video_growth)
		r.video_growth = own->video_growth;
	if (own->has_view_growth)
		r.view_growth = own->view_growth;
	return r;
}

bool snapshot_comparable(const struct snapshot *a, const struct snapshot *b)
{
	return a->source == 0 || b->source == 0 || a->source == b->source;
}
