/*
 * pace: a count's current and usual pace, the surge rule, and the per-tag
 * rule edges that turn rule levels into viral / escalation / calmed events.
 * Pure, no I/O, no allocation, deterministic.
 *
 * Why it looks the way it does. TikTok counts move in display steps, can
 * alternate between two sources a near-constant ~1% apart, flap down and
 * back up, drop after moderation, follow a day/night cycle, and arrive late
 * or not at all. None of that is growth, so a surge needs all of:
 *
 *  - pace: the window's growth, less one display step S (a change within a
 *    step is no evidence), is at least `surge` times the usual pace;
 *  - usual pace: the slope of the history before the baseline (the current
 *    window is left out so a take-off does not raise its own bar), from the
 *    pairwise slopes as in Theil-Sen, but their mode (the middle of the
 *    shortest half) rather than their median. Pairs on the same source
 *    crowd around the true slope while pairs across sources scatter wide;
 *    when the sources take turns unevenly over the week the median is
 *    dragged along (in simulation by up to 45%), the mode is not (within
 *    ~20%). Only pairs at least window - tolerance apart are used (short
 *    gaps turn a switch or a flap into a wild slope), and at most 64 history
 *    points, evenly thinned by index, bound the work to 2016 pairs;
 *  - band: the history's residuals around that line span a band holding
 *    the cycle, both sources and the flaps. The current point must be above
 *    its top by more than S, and by at least half of the window's growth
 *    beyond the usual pace: a baseline in a dip, on the lower source or on
 *    a flapped-down run makes a "jump" that is mostly a move inside the
 *    band. (Plain "above the top" passes a switch at a day phase the higher
 *    source was not yet seen at.);
 *  - noise: the growth beyond usual is at least 3*sqrt(usual*dt + 1), the
 *    counting noise of small tags, and at least half the band's width, the
 *    noise the tag's own history shows (overdispersed views, both sources).
 *
 * A take-off is caught at the first run after its onset when it is strong
 * enough; no second window is waited for (tried: on the benchmark's
 * development seeds it cost a run of delay and 9 points of recall for a
 * third fewer false alerts, all on small noisy tags).
 *
 * The fixed rules (min_new_videos, video_growth, view_growth) use the same
 * band: a rule that turns on while its count stays inside the band (a
 * switch to the other source, a flap back up) turns on quietly, without an
 * alert; and a rule first seen between half its threshold and its
 * threshold counts as on, so a tag hovering around a threshold never rises.
 *
 * Known limits: in the first days, the band has seen little; a first switch
 * to a second source can pass. A tag with usual pace 0 (flat, or a rounded
 * count between steps) has no ratio; any pace beyond S and the noise then
 * counts. A moderation drop widens the band for a week and hides take-offs.
 *
 * Counts are held as differences from the current one, so values up to
 * INT64_MAX keep their precision where it matters.
 */
#ifndef HASHTRACK_PACE_H
#define HASHTRACK_PACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "detect.h"

#define PACE_RULES (RULE_MIN_NEW_VIDEOS | RULE_VIDEO_GROWTH | RULE_VIEW_GROWTH | RULE_SURGE)

/* At most this many history points enter the usual pace (evenly thinned). */
#define PACE_MAX_HISTORY 64

/* TikTok's display step for a count: 1, 100, 100,000 or 100,000,000. */
int64_t pace_step(int64_t value);

/* At least 1,000 and a whole number of display steps. */
bool pace_looks_rounded(int64_t value);

/* One known count of one tag; unknown (NULL) counts are left out. */
struct pace_point {
	int64_t ts;             /* epoch seconds */
	int64_t value;          /* >= 0 */
	bool rounded;           /* from a rounded response shape */
};

struct pace_config {
	int64_t window;         /* seconds, as [detect] window */
	int64_t tolerance;      /* seconds, as [detect] tolerance */
	int64_t usual;          /* seconds of history the usual pace is learnt from */
	int64_t learning;       /* seconds of history before surge can hold */
	double surge;           /* ratio; 0 = off */
};

struct pace {
	bool known;             /* there is a baseline: per_hour is measured */
	bool learning;          /* too little history for the surge rule */
	bool has_usual;         /* the history gave a slope */
	bool has_ratio;         /* known and usual_per_hour > 0; else ratio is 0 */
	int64_t base_ts;        /* the baseline's time when known */
	int64_t step;           /* S: the display step when rounding is in play, else 0 */
	double per_hour;        /* (now - base) per hour, may be negative */
	double low_per_hour;    /* max(0, now - base - S) per hour */
	double usual_per_hour;  /* max(slope, 0) */
	double ratio;           /* per_hour / usual_per_hour */
	double excess;          /* residual above the band's top, less S; 0 unless known */
	double band;            /* the band's width: how far the history's residuals spread */
	bool surge;             /* the surge rule holds (strictly) */
	bool elevated;          /* low pace at or above the hysteresis level (see below) */
	bool warm;              /* the surge test holds at half the way to surge (pace_heat) */
};

/*
 * The baseline index for the pace of pts[n - 1]: the newest earlier point at
 * or before now - window + tolerance and not before now - max(2*window,
 * usual). Inside 2*window that is detect's baseline; beyond it, after
 * missing runs, an older point still measures a pace. SIZE_MAX for none.
 */
size_t pace_base(const struct pace_point *pts, size_t n, const struct pace_config *cfg);

/*
 * Estimate the pace of pts[n - 1] ("now") from pts[0..n-1], sorted by ts,
 * against pts[base] (SIZE_MAX: none, from pace_base()). History is the
 * points in [now - usual, base's ts]; without a baseline, every earlier
 * point in [now - usual, now) (learning and usual pace only).
 *
 * learning: history spans less than `learning` (its first point to now) or
 * has fewer than 4 points. elevated: not learning, surge on, and the low
 * pace is at least min(surge, max(1.5, surge/2)) times the usual pace (any
 * positive low pace when the usual pace is 0): the surge rule's hysteresis
 * level, where a surge that is on stays on. warm: surge on, and the surge
 * test (pace, band and noise) holds at (1 + surge) / 2, half of the way
 * from the usual pace to surge: the adaptive schedule's "hot" (pace_heat).
 */
void pace_estimate(const struct pace_point *pts, size_t n, size_t base,
		   const struct pace_config *cfg, struct pace *out);

/* ---- rule levels and edges ---- */

/* One evaluation of one tag's rules: the input of pace_alert_step(). */
struct pace_rule_eval {
	int64_t now;
	unsigned evaluable;     /* RULE_* that could be judged this time */
	unsigned strict;        /* RULE_* at or above their threshold */
	unsigned hyst;          /* RULE_* at or above their hysteresis level */
	unsigned quiet;         /* RULE_* that turn on without an alert: no news */
	bool has_pace;
	double pace;            /* headline pace per hour: views, else videos */
};

/* What one tag's evaluation measured, for pace_rule_levels(). */
struct pace_measure {
	int64_t now;
	bool compared;          /* a comparable baseline (detect's VERDICT_OK) */
	bool videos_known, views_known;  /* known now and at the baseline */
	int64_t new_videos, new_views;
	int64_t base_videos, base_views;
	const struct pace *videos, *views;  /* NULL: that count has no pace */
	int64_t elapsed;        /* seconds from the baseline to now, when compared */
};

/* The thresholds, after defaults and per-tag overrides; 0 turns one off. */
struct pace_limits {
	double surge;
	int64_t min_new_videos;
	double video_growth, view_growth;       /* percent */
	int64_t growth_floor;                   /* minimum baseline count, percent rules */
};

/*
 * The levels of every rule. Strict thresholds are detect.c's; hysteresis
 * levels are half of them (min_new_videos, growth percent) and `elevated`
 * for surge. A rule is evaluable when its data is there: min_new_videos and
 * video_growth need a comparison with videos known, view_growth with views
 * known, surge a count whose pace is known and not learning. A rule turned
 * off, or a percent rule under growth_floor, is evaluable and does not hold.
 */
void pace_rule_levels(const struct pace_measure *m, const struct pace_limits *lim,
		      struct pace_rule_eval *out);

/* One tag's edge state, persisted by the caller between evaluations. */
struct pace_alert_state {
	unsigned seen;          /* RULE_* evaluated at least once */
	unsigned held;          /* RULE_* on (Schmitt trigger state) */
	bool firing;
	unsigned alert_rules;   /* the rules that rose in the current alert */
	double alert_pace;      /* headline pace of the last alert or escalation */
	int64_t calmed_at;      /* -1: never calmed */
};

enum pace_event { PACE_NONE, PACE_VIRAL, PACE_ESCALATION, PACE_CALMED };

struct pace_alert_event {
	enum pace_event event;
	unsigned rules;         /* RULE_* on after this evaluation */
	unsigned rose;          /* RULE_* that rose (VIRAL only) */
	double pace;            /* headline pace (VIRAL, ESCALATION) */
};

void pace_alert_init(struct pace_alert_state *st);

/*
 * One evaluation. Each rule is a Schmitt trigger: on when strict, then on
 * until it falls below its hysteresis level. A rule's first evaluable
 * evaluation only records its state; an unevaluable one keeps it. A rule
 * turning on fires VIRAL, unless the tag is firing (the rule is simply on)
 * or within cooldown of calmed_at (the rule stays off, so it rises, and
 * alerts, once the cooldown is over). While firing: CALMED at the first
 * evaluation where none of alert_rules is on, else ESCALATION when the
 * headline pace reaches twice alert_pace (the first known pace becomes
 * alert_pace when the alert had none).
 */
void pace_alert_step(struct pace_alert_state *st, const struct pace_rule_eval *ev,
		     int64_t cooldown, struct pace_alert_event *out);

/* ---- how close to firing: the adaptive schedule ---- */

struct pace_heat {
	bool hot;               /* firing, or half of the way from usual to a rule */
	double heat;            /* the way gone to the nearest rule: 1 = at it; 0 when not hot */
};

/*
 * Whether a tag is hot, and how hot. Each rule's way goes from the count's
 * usual level to the rule's threshold: surge from a pace ratio of 1 to
 * `surge`; min_new_videos from the new videos the usual pace makes in the
 * window to min_new_videos; a growth rule from the growth the usual pace
 * makes in the window to its percent. Hot: firing, or at least half of the
 * way to a rule, where the count passes what that rule needs to alert: for
 * surge the half-way level, (1 + surge) / 2, must pass the surge rule's band
 * and noise tests (pace.warm), so that a noisy small tag is not hot all the
 * time; a fixed rule needs the count's usual pace learnt and the count out
 * of its band (inside it the rule would turn on quietly). A rule the usual
 * level already reaches (a big tag always past min_new_videos) is no way at
 * all: it never makes the tag hot. heat: the
 * largest way gone among the rules that make it hot, at least 1 when firing,
 * in hundredths.
 */
void pace_heat(const struct pace_measure *m, const struct pace_limits *lim, bool firing,
	       struct pace_heat *out);

/* "none", "viral", "escalation" or "calmed". */
const char *pace_event_name(enum pace_event e);

#endif
