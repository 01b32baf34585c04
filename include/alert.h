/* alert: a viral verdict turned into Slack, Discord or plain JSON text. Pure. */
#ifndef HASHTRACK_ALERT_H
#define HASHTRACK_ALERT_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "tag.h"

enum alert_format { ALERT_SLACK, ALERT_DISCORD, ALERT_JSON, ALERT_TEAMS, ALERT_NTFY, ALERT_EMAIL };

/* A take-off, its pace doubling while it lasts, and its end. */
enum alert_event { ALERT_VIRAL, ALERT_ESCALATION, ALERT_CALMED };

/*
 * Everything an alert says; what the alerts table stores. A figure whose
 * has_* is false is unknown and left out, never shown as 0.
 */
struct alert {
	const char *tag;
	const char *campaign;           /* NULL when the tag is in no campaign */
	int64_t detected_at;
	int64_t elapsed;                /* real window length, seconds; 0: no window */
	int64_t video_count, view_count;        /* COUNT_UNKNOWN when unknown */
	int64_t new_videos, new_views;          /* when has_new_* */
	double video_growth_pct, view_growth_pct;       /* when has_*_growth */
	double videos_per_hour, views_per_hour; /* over the window, when has_new_* */
	double usual_videos_per_hour, usual_views_per_hour;     /* when has_usual_* */
	int64_t usual_span;             /* seconds the usual pace is learnt over */
	double pace_ratio;              /* the headline pace over its usual pace */
	enum alert_event event;
	unsigned rules;                 /* RULE_* bits from detect.h that hold */
	bool has_new_videos, has_new_views;
	bool has_video_growth, has_view_growth;
	bool has_usual_videos, has_usual_views;
	bool pace_of_views;             /* the headline pace is the views' (else videos') */
	bool has_pace_ratio;
};

/* "viral", "escalation", "calmed"; and back, -1 when unknown. */
const char *alert_event_name(enum alert_event e);
int alert_event_parse(const char *s, enum alert_event *out);

/* Where an alert is in the outbox. */
enum alert_status { ALERT_PENDING, ALERT_SENT, ALERT_RECORDED, ALERT_MUTED };

/* "pending", "sent", "recorded"; and back (ALERT_PENDING when unknown). */
const char *alert_status_name(enum alert_status s);
enum alert_status alert_status_parse(const char *name);

/* A stored alert and its delivery. */
struct alert_row {
	int64_t id;
	char tag[TAG_BUF_SIZE];
	char campaign[CAMPAIGN_BUF_SIZE];
	struct alert a;                 /* a.tag and a.campaign point at the above */
	enum alert_status status;
	int attempts;
	char last_error[256];
	bool has_sent_at;
	int64_t sent_at;
};

/* Parse "slack", "discord", "json", "teams", "ntfy" or "email"; -1 when unknown. */
int alert_format_parse(const char *s, enum alert_format *out);
const char *alert_format_name(enum alert_format fmt);

/*
 * The one-line sentence, e.g. "Viral alert #tag: +1,234 videos in 6h
 * (+45.0%), +2,100,000 views/h https://www.tiktok.com/tag/tag". malloc'd,
 * NULL on allocation failure.
 */
char *alert_sentence(const struct alert *a);

/*
 * The same sentence with the tag shown so that fmt's markup leaves it as it
 * is: Slack "<https://www.tiktok.com/tag/_vibe_|#_vibe_>", Discord and Teams
 * "#\_vibe\_"; the plain sentence for the other formats. malloc'd.
 */
char *alert_sentence_for(enum alert_format fmt, const struct alert *a);

/* The sentence's head alone, "Viral alert #tag": a subject line; malloc'd. */
char *alert_title(const struct alert *a);

/* "#tag" as fmt shows it, as in alert_sentence_for(); malloc'd. */
char *alert_tag_shown(enum alert_format fmt, const char *tag);

/* Cut s after max code points, never inside a multi-byte character. */
void alert_cut_chars(char *s, size_t max);

/* "allowed_mentions": {"parse": []}: a Discord message pings no one. */
bool alert_add_no_mentions(cJSON *obj);

/* Slack's escaping of &, < and >; malloc'd. */
char *alert_slack_escape(const char *s);

/* The config keys of rules, comma-separated: "min_new_videos, surge"; "" for none. */
void alert_rules_text(unsigned rules, char *buf, size_t bufsz);

/* Append the config keys of rules ("surge", "min_new_videos", ...) to a JSON array. */
bool alert_rules_json(cJSON *arr, unsigned rules);

/* The webhook body for slack, discord or json (payload.h has every format); malloc'd. */
char *alert_payload(enum alert_format fmt, const struct alert *a);

#endif
