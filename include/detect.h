/* detect: baseline window, growth figures and the viral rules. Pure, no I/O. */
#ifndef HASHTRACK_DETECT_H
#define HASHTRACK_DETECT_H

#include <stdbool.h>
#include <stdint.h>

/* A count the API did not tell (absent, null, or a 0 that hides a known count). */
#define COUNT_UNKNOWN (-1)

struct snapshot {
	int64_t ts;             /* epoch seconds, UTC */
	int64_t videos;         /* COUNT_UNKNOWN when unknown */
	int64_t views;          /* COUNT_UNKNOWN when unknown */
	int source;             /* response shape 1..6; 0 = imported (compares with any) */
};

static inline bool count_known(int64_t count)
{
	return count >= 0;
}

/*
 * Whether two snapshots' counts may be compared: from the same response
 * shape (rounded and exact counts differ by millions), or either imported.
 */
bool snapshot_comparable(const struct snapshot *a, const struct snapshot *b);

/* Per-tag rules after defaults are applied; 0 turns a rule off. */
struct rules {
	int64_t min_new_videos;
	double video_growth;    /* percent */
	double view_growth;     /* percent */
	double surge;           /* a count's pace over its usual pace */
};

/* Per-tag rule overrides; a rule without has_* uses the configured default. */
struct tag_rules {
	bool has_surge, has_min_new_videos, has_video_growth, has_view_growth;
	double surge;
	int64_t min_new_videos;
	double video_growth, view_growth;
};

/* The rules in force for a tag: its own where set, else the defaults. */
struct rules rules_effective(const struct tag_rules *own, const struct rules *defaults);

struct detect_config {
	int64_t window;         /* seconds */
	int64_t tolerance;      /* seconds */
	int64_t cooldown;       /* seconds after calming without a new alert */
	int64_t growth_floor;   /* minimum baseline count for the percent rules */
	int64_t usual;          /* seconds of history the usual pace is learnt from */
	int64_t learning;       /* seconds of history before the surge rule applies */
};

/* Rule bits, in the order of their config keys. */
enum {
	RULE_MIN_NEW_VIDEOS = 1 << 0,
	RULE_VIDEO_GROWTH = 1 << 1,
	RULE_VIEW_GROWTH = 1 << 2,
	RULE_SURGE = 1 << 3,
};

enum verdict_status {
	VERDICT_OK,             /* compared with a baseline */
	VERDICT_NO_BASELINE,
	VERDICT_INCOMPARABLE,   /* baseline from another response shape */
};

struct verdict {
	enum verdict_status status;
	struct snapshot base;           /* valid unless NO_BASELINE */
	int64_t elapsed;                /* seconds between baseline and current */
	bool has_new_videos, has_new_views;      /* false when a count is unknown */
	int64_t new_videos, new_views;
	bool has_video_growth, has_view_growth;  /* false when unknown or the baseline is 0 */
	double video_growth_pct, view_growth_pct;
	double videos_per_hour, views_per_hour;
	unsigned rules;                 /* RULE_* bits that fired */
	bool viral;                     /* rules fired (before cooldown) */
	bool alert;                     /* viral and not within cooldown */
};

/*
 * The interval [*from, *to] in which a baseline for a snapshot taken at `now`
 * may lie: at or before now - window + tolerance, not before now - 2*window.
 * The baseline is the newest snapshot in it.
 */
void detect_baseline_range(int64_t now, const struct detect_config *cfg,
			   int64_t *from, int64_t *to);

/*
 * Compare cur with base (NULL when there is none) under the rules.
 * last_alert is the time of the tag's latest alert, or -1 for none.
 */
void detect_evaluate(const struct snapshot *cur, const struct snapshot *base,
		     const struct rules *rules, const struct detect_config *cfg,
		     int64_t last_alert, struct verdict *out);

/*
 * A count of 0 where the previous snapshot had a positive value is treated
 * as missing. Returns a bitmask: 1 = videos, 2 = views went to 0 that way.
 */
unsigned detect_zeroed_counts(const struct snapshot *cur, const struct snapshot *prev);

/* "ok", "no-baseline" or "incomparable". */
const char *verdict_status_name(enum verdict_status s);

#endif
