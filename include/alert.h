/* alert: a viral verdict turned into Slack, Discord or plain JSON text. Pure. */
#ifndef HASHTRACK_ALERT_H
#define HASHTRACK_ALERT_H

#include <stdbool.h>
#include <stdint.h>

enum alert_format { ALERT_SLACK, ALERT_DISCORD, ALERT_JSON };

/* Everything an alert says; what the alerts table stores. */
struct alert {
	const char *tag;
	int64_t detected_at;
	int64_t elapsed;                /* real window length, seconds */
	int64_t video_count, view_count;
	int64_t new_videos, new_views;
	bool has_video_growth, has_view_growth;
	double video_growth_pct, view_growth_pct;
	double videos_per_hour, views_per_hour;
	unsigned rules;                 /* RULE_* bits from detect.h */
};

/* Parse "slack", "discord" or "json"; -1 when unknown. */
int alert_format_parse(const char *s, enum alert_format *out);

/*
 * The one-line sentence, e.g. "Viral alert #tag: +1,234 videos in 6h
 * (+45.0%), +2,100,000 views/h https://www.tiktok.com/tag/tag". malloc'd,
 * NULL on allocation failure.
 */
char *alert_sentence(const struct alert *a);

/* The webhook body in the given format; malloc'd, NULL on allocation failure. */
char *alert_payload(enum alert_format fmt, const struct alert *a);

#endif
