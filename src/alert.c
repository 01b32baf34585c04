/*
 * alert: one sentence that tells a human why a hashtag looks viral, and the
 * webhook bodies (Slack, Discord, plain JSON) that carry it.
 */
#include "alert.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect.h"
#include "array.h"
#include "duration.h"
#include "jsonout.h"
#include "tag.h"
#include "text.h"
#include "timefmt.h"

/* Discord refuses longer content; Slack a longer section text. */
#define DISCORD_MAX_CHARS 2000
#define SLACK_SECTION_MAX_CHARS 3000
/* What fmt_thousands asks for; a change has a '+' in front of that. */
#define NUM_BUF 32
#define CHANGE_BUF (NUM_BUF + 1)

static const struct {
	unsigned bit;
	const char *key;
} rule_keys[] = {
	{ RULE_MIN_NEW_VIDEOS, "min_new_videos" },
	{ RULE_VIDEO_GROWTH, "video_growth" },
	{ RULE_VIEW_GROWTH, "view_growth" },
	{ RULE_SURGE, "surge" },
};

#define N_RULES ARRAY_SIZE(rule_keys)

static const char *const event_names[] = {
	[ALERT_VIRAL] = "viral", [ALERT_ESCALATION] = "escalation", [ALERT_CALMED] = "calmed",
};

const char *alert_event_name(enum alert_event e)
{
	return (size_t)e < ARRAY_SIZE(event_names) ? event_names[e] : "viral";
}

int alert_event_parse(const char *s, enum alert_event *out)
{
	for (size_t i = 0; s && i < ARRAY_SIZE(event_names); i++) {
		if (strcmp(s, event_names[i]) == 0) {
			*out = (enum alert_event)i;
			return 0;
		}
	}
	return -1;
}

int alert_format_parse(const char *s, enum alert_format *out)
{
	static const struct {
		const char *name;
		enum alert_format fmt;
	} formats[] = {
		{ "slack", ALERT_SLACK },
		{ "discord", ALERT_DISCORD },
		{ "json", ALERT_JSON },
		{ "teams", ALERT_TEAMS },
		{ "ntfy", ALERT_NTFY },
		{ "email", ALERT_EMAIL },
	};

	if (!s)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(formats); i++) {
		if (strcmp(s, formats[i].name) == 0) {
			*out = formats[i].fmt;
			return 0;
		}
	}
	return -1;
}

const char *alert_format_name(enum alert_format fmt)
{
	static const char *const names[] = {
		[ALERT_SLACK] = "slack", [ALERT_DISCORD] = "discord", [ALERT_JSON] = "json",
		[ALERT_TEAMS] = "teams", [ALERT_NTFY] = "ntfy", [ALERT_EMAIL] = "email",
	};

	return (size_t)fmt < ARRAY_SIZE(names) ? names[fmt] : "slack";
}

/* A change always shows its sign: "+1,234", "-5", "+0". */
static void fmt_change(int64_t n, char buf[static CHANGE_BUF])
{
	buf[0] = '+';
	fmt_thousands(n, n >= 0 ? buf + 1 : buf, NUM_BUF);
}

/* llround is unspecified outside int64_t; a rate that large is clamped. */
static int64_t round_to_int64(double x)
{
	if (isnan(x))
		return 0;
	if (x >= 9223372036854775808.0)
		return INT64_MAX;
	if (x < -9223372036854775808.0)
		return INT64_MIN;
	return (int64_t)llround(x);
}

/* Room for one clause of the sentence: a few numbers and words. */
#define CLAUSE_BUF 192

/* Whether the headline count has a pace to tell, and which figures it has. */
static bool has_pace(const struct alert *a)
{
	return a->pace_of_views ? a->has_usual_views && a->has_new_views :
				  a->has_usual_videos && a->has_new_videos;
}

/* "views at 4.2x their usual pace (+2,100,000/h vs 500,000/h over 7d)" */
static void pace_clause(const struct alert *a, const char *now, char *buf, size_t bufsz)
{
	const char *what = a->pace_of_views ? "views" : "videos";
	double pace = a->pace_of_views ? a->views_per_hour : a->videos_per_hour;
	double usual = a->pace_of_views ? a->usual_views_per_hour : a->usual_videos_per_hour;
	char cur[CHANGE_BUF], was[NUM_BUF], span[32], ratio[32] = "a new pace";

	fmt_change(round_to_int64(pace), cur);
	fmt_thousands(round_to_int64(usual), was, sizeof(was));
	duration_format(a->usual_span, span, sizeof(span));
	if (a->has_pace_ratio)
		snprintf(ratio, sizeof(ratio), "%.1fx their usual pace", a->pace_ratio);
	snprintf(buf, bufsz, "%s %sat %s (%s/h vs %s/h over %s)", what, now, ratio, cur, was, span);
}

/* "+1,234 videos in 6h (+45.0%)", and ", +2,100,000 views/h" unless the pace said it. */
static void window_clause(const struct alert *a, bool views_told, char *buf, size_t bufsz)
{
	char videos[CHANGE_BUF], views[CHANGE_BUF], window[64], growth[48] = "";
	int used = 0;

	buf[0] = '\0';
	if (a->has_new_videos && a->elapsed > 0) {
		fmt_change(a->new_videos, videos);
		duration_format(a->elapsed, window, sizeof(window));
		if (a->has_video_growth)
			snprintf(growth, sizeof(growth), " (%+.1f%%)", a->video_growth_pct);
		used = snprintf(buf, bufsz, "%s videos in %s%s", videos, window, growth);
	}
	if (!views_told && a->has_new_views && a->elapsed > 0 && used >= 0 &&
	    (size_t)used < bufsz) {
		fmt_change(round_to_int64(a->views_per_hour), views);
		snprintf(buf + used, bufsz - (size_t)used, "%s%s views/h", used ? ", " : "", views);
	}
}

/* The sentence's first words. */
static const char *head_of(const struct alert *a)
{
	return a->event == ALERT_CALMED ? "Calmed" :
	       a->event == ALERT_ESCALATION ? "Escalation" : "Viral alert";
}

/*
 * The sentence; mark wraps its head ("*" makes it bold in Slack mrkdwn),
 * shown is the tag as the format shows it ("#tag" in plain text).
 */
static char *compose(const struct alert *a, const char *mark, const char *shown)
{
	char pace[CLAUSE_BUF] = "", window[CLAUSE_BUF];
	bool told;
	char *url, *text;

	if (!a || !a->tag)
		return NULL;
	url = tag_url(a->tag);
	if (!url)
		return NULL;
	told = has_pace(a) && (a->event != ALERT_VIRAL || (a->rules & RULE_SURGE));
	if (told)
		pace_clause(a, a->event == ALERT_ESCALATION ? "now " : "", pace, sizeof(pace));
	window_clause(a, told && a->pace_of_views, window, sizeof(window));
	if (a->event == ALERT_CALMED) {
		if (told)
			pace_clause(a, "back ", pace, sizeof(pace));
		text = text_printf("%s%s %s%s: %s %s", mark, head_of(a), shown, mark,
				    told ? pace : "back to its usual pace", url);
	} else {
		text = text_printf("%s%s %s%s: %s%s%s %s", mark, head_of(a), shown, mark, pace,
				    pace[0] && window[0] ? "; " : "", window, url);
	}
	free(url);
	return text;
}

/* "#tag" with every '_' as "\\_": Discord's and Teams' markdown then shows it as it is. */
static char *backslash_underscores(const char *tag)
{
	size_t len = 2;
	char *out, *p;

	for (const char *q = tag; *q; q++)
		len += *q == '_' ? 2 : 1;
	out = malloc(len);
	if (!out)
		return NULL;
	p = out;
	*p++ = '#';
	for (; *tag; tag++) {
		if (*tag == '_')
			*p++ = '\\';
		*p++ = *tag;
	}
	*p = '\0';
	return out;
}

char *alert_tag_shown(enum alert_format fmt, const char *tag)
{
	char *url, *esc, *text = NULL;

	if (fmt == ALERT_DISCORD || fmt == ALERT_TEAMS)
		return backslash_underscores(tag);
	if (fmt != ALERT_SLACK)
		return text_printf("#%s", tag);
	/* A link's label is not restyled by mrkdwn. */
	url = tag_url(tag);
	esc = alert_slack_escape(tag);
	if (url && esc)
		text = text_printf("<%s|#%s>", url, esc);
	free(url);
	free(esc);
	return text;
}

char *alert_sentence_for(enum alert_format fmt, const struct alert *a)
{
	char *shown, *text;

	if (!a || !a->tag)
		return NULL;
	shown = alert_tag_shown(fmt, a->tag);
	text = shown ? compose(a, fmt == ALERT_SLACK ? "*" : "", shown) : NULL;
	free(shown);
	return text;
}

char *alert_title(const struct alert *a)
{
	return text_printf("%s #%s", head_of(a), a->tag);
}

char *alert_sentence(const struct alert *a)
{
	return alert_sentence_for(ALERT_JSON, a);
}

/* Slack reads &, < and > as markup; everything else passes as it is. */
char *alert_slack_escape(const char *s)
{
	size_t len = 0;
	char *out, *p;

	for (const char *q = s; *q; q++)
		len += *q == '&' ? 5 : (*q == '<' || *q == '>') ? 4 : 1;
	out = malloc(len + 1);
	if (!out)
		return NULL;
	for (p = out; *s; s++) {
		const char *rep = *s == '&' ? "&amp;" : *s == '<' ? "&lt;" :
				  *s == '>' ? "&gt;" : NULL;

		if (rep) {
			memcpy(p, rep, strlen(rep));
			p += strlen(rep);
		} else {
			*p++ = *s;
		}
	}
	*p = '\0';
	return out;
}

/* "min_new_videos, video_growth"; empty when none fired. */
void alert_rules_text(unsigned rules, char *buf, size_t bufsz)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < N_RULES; i++) {
		if (!(rules & rule_keys[i].bit))
			continue;
		used += (size_t)snprintf(buf + used, bufsz - used, "%s%s",
					 used ? ", " : "", rule_keys[i].key);
		if (used >= bufsz)
			return;
	}
}

/* The figures the sentence leaves out, for Slack's small print. */
static char *slack_context(const struct alert *a)
{
	char views[CHANGE_BUF], growth[48] = "", rules[64], when[TIME_BUF_SIZE];
	char *raw, *text;

	if (a->has_new_views)
		fmt_change(a->new_views, views);
	else
		snprintf(views, sizeof(views), "unknown");
	if (a->has_view_growth)
		snprintf(growth, sizeof(growth), " (%+.1f%%)", a->view_growth_pct);
	alert_rules_text(a->rules, rules, sizeof(rules));
	time_format(a->detected_at, when);
	raw = text_printf("%s views%s \xc2\xb7 rules: %s \xc2\xb7 detected %s",
			   views, growth, rules[0] ? rules : "none", when);
	if (!raw)
		return NULL;
	text = alert_slack_escape(raw);
	free(raw);
	return text;
}

/* {"type": "mrkdwn", "text": text}; takes text, NULL-safe. */
static cJSON *mrkdwn(char *text)
{
	cJSON *obj = text ? cJSON_CreateObject() : NULL;

	if (obj && (!cJSON_AddStringToObject(obj, "type", "mrkdwn") ||
		    !cJSON_AddStringToObject(obj, "text", text))) {
		cJSON_Delete(obj);
		obj = NULL;
	}
	free(text);
	return obj;
}

/* {"type": type, key: item}; takes item, NULL-safe. */
static cJSON *block(const char *type, const char *key, cJSON *item)
{
	cJSON *obj = item ? cJSON_CreateObject() : NULL;

	if (!obj || !cJSON_AddStringToObject(obj, "type", type) ||
	    !cJSON_AddItemToObject(obj, key, item)) {
		cJSON_Delete(obj);
		cJSON_Delete(item);
		return NULL;
	}
	return obj;
}

/* The rest of the sentence is words, figures and a percent-encoded link: nothing to escape. */
static cJSON *slack_section(const struct alert *a)
{
	char *text = alert_sentence_for(ALERT_SLACK, a);

	if (text)
		alert_cut_chars(text, SLACK_SECTION_MAX_CHARS);
	return block("section", "text", mrkdwn(text));
}

static cJSON *slack_footer(const struct alert *a)
{
	cJSON *elements = cJSON_CreateArray();
	cJSON *text = mrkdwn(slack_context(a));

	if (!elements || !text) {
		cJSON_Delete(elements);
		cJSON_Delete(text);
		return NULL;
	}
	cJSON_AddItemToArray(elements, text);
	return block("context", "elements", elements);
}

/* Each part is checked first: cJSON_AddItemToArray cannot fail on non-NULL items. */
static cJSON *slack_blocks(const struct alert *a)
{
	cJSON *blocks = cJSON_CreateArray();
	cJSON *section = slack_section(a);
	cJSON *footer = slack_footer(a);

	if (!blocks || !section || !footer) {
		cJSON_Delete(blocks);
		cJSON_Delete(section);
		cJSON_Delete(footer);
		return NULL;
	}
	cJSON_AddItemToArray(blocks, section);
	cJSON_AddItemToArray(blocks, footer);
	return blocks;
}

static char *compose_plain_slack(const struct alert *a)
{
	char *shown = alert_tag_shown(ALERT_SLACK, a->tag);
	char *text = shown ? compose(a, "", shown) : NULL;

	free(shown);
	return text;
}

/* text, the notification's, is mrkdwn too: the tag is the same link there. */
static bool add_slack(cJSON *obj, const struct alert *a)
{
	char *sentence = compose_plain_slack(a);
	bool ok = sentence && cJSON_AddStringToObject(obj, "text", sentence);
	cJSON *blocks = ok ? slack_blocks(a) : NULL;

	free(sentence);
	if (blocks && cJSON_AddItemToObject(obj, "blocks", blocks))
		return true;
	cJSON_Delete(blocks);
	return false;
}

void alert_cut_chars(char *s, size_t max)
{
	size_t chars = 0;

	for (char *p = s; *p; p++) {
		if (((unsigned char)*p & 0xC0) == 0x80)
			continue;
		if (chars++ == max) {
			*p = '\0';
			return;
		}
	}
}

bool alert_add_no_mentions(cJSON *obj)
{
	cJSON *am = cJSON_AddObjectToObject(obj, "allowed_mentions");

	return am && cJSON_AddArrayToObject(am, "parse");
}

static bool add_discord(cJSON *obj, const struct alert *a)
{
	char *sentence = alert_sentence_for(ALERT_DISCORD, a);
	bool ok;

	if (!sentence)
		return false;
	alert_cut_chars(sentence, DISCORD_MAX_CHARS);
	ok = cJSON_AddStringToObject(obj, "content", sentence) != NULL &&
	     alert_add_no_mentions(obj);
	free(sentence);
	return ok;
}

/* Counts go out as raw digits: a double would round anything above 2^53. */
static bool add_count(cJSON *obj, const char *key, bool has, int64_t n)
{
	char digits[NUM_BUF];

	if (!has)
		return cJSON_AddNullToObject(obj, key) != NULL;
	snprintf(digits, sizeof(digits), "%" PRId64, n);
	return cJSON_AddRawToObject(obj, key, digits) != NULL;
}

/* A figure rounded to two decimals, or null. */
static bool add_pct(cJSON *obj, const char *key, bool has, double pct)
{
	if (!has || !isfinite(pct))
		return cJSON_AddNullToObject(obj, key) != NULL;
	return cJSON_AddNumberToObject(obj, key, round2(pct)) != NULL;
}

bool alert_rules_json(cJSON *arr, unsigned rules)
{
	for (size_t i = 0; i < N_RULES; i++)
		if ((rules & rule_keys[i].bit) &&
		    !cJSON_AddItemToArray(arr, cJSON_CreateString(rule_keys[i].key)))
			return false;
	return true;
}

static bool add_rules(cJSON *obj, unsigned rules)
{
	cJSON *arr = cJSON_AddArrayToObject(obj, "rules");

	return arr && alert_rules_json(arr, rules);
}

static bool add_json(cJSON *obj, const struct alert *a)
{
	char when[TIME_BUF_SIZE];
	char *url = tag_url(a->tag);
	bool ok;

	time_format(a->detected_at, when);
	ok = url &&
	     cJSON_AddStringToObject(obj, "event", alert_event_name(a->event)) &&
	     cJSON_AddStringToObject(obj, "hashtag", a->tag) &&
	     (a->campaign ? cJSON_AddStringToObject(obj, "campaign", a->campaign) != NULL
			  : cJSON_AddNullToObject(obj, "campaign") != NULL) &&
	     cJSON_AddStringToObject(obj, "url", url) &&
	     cJSON_AddStringToObject(obj, "detected_at", when) &&
	     add_pct(obj, "window_hours", a->elapsed > 0, (double)a->elapsed / 3600.0) &&
	     add_count(obj, "video_count", count_known(a->video_count), a->video_count) &&
	     add_count(obj, "view_count", count_known(a->view_count), a->view_count) &&
	     add_count(obj, "new_videos", a->has_new_videos, a->new_videos) &&
	     add_count(obj, "new_views", a->has_new_views, a->new_views) &&
	     add_pct(obj, "video_growth_pct", a->has_video_growth, a->video_growth_pct) &&
	     add_pct(obj, "view_growth_pct", a->has_view_growth, a->view_growth_pct) &&
	     add_pct(obj, "videos_per_hour", a->has_new_videos && a->elapsed > 0,
		     a->videos_per_hour) &&
	     add_pct(obj, "views_per_hour", a->has_new_views && a->elapsed > 0,
		     a->views_per_hour) &&
	     add_pct(obj, "usual_videos_per_hour", a->has_usual_videos,
		     a->usual_videos_per_hour) &&
	     add_pct(obj, "usual_views_per_hour", a->has_usual_views, a->usual_views_per_hour) &&
	     add_pct(obj, "pace_ratio", a->has_pace_ratio, a->pace_ratio) &&
	     add_rules(obj, a->rules);
	free(url);
	return ok;
}

char *alert_payload(enum alert_format fmt, const struct alert *a)
{
	cJSON *obj;
	char *text = NULL;
	bool ok = false;

	if (!a || !a->tag)
		return NULL;
	obj = cJSON_CreateObject();
	if (!obj)
		return NULL;
	switch (fmt) {
	case ALERT_SLACK:
		ok = add_slack(obj, a);
		break;
	case ALERT_DISCORD:
		ok = add_discord(obj, a);
		break;
	case ALERT_JSON:
		ok = add_json(obj, a);
		break;
	default:        /* teams, ntfy, email: payload.c */
		break;
	}
	if (ok)
		text = cJSON_PrintUnformatted(obj);
	cJSON_Delete(obj);
	return text;
}

static const char *const alert_status_names[] = {
	[ALERT_PENDING] = "pending", [ALERT_SENT] = "sent", [ALERT_RECORDED] = "recorded",
	[ALERT_MUTED] = "muted",
};

const char *alert_status_name(enum alert_status s)
{
	return alert_status_names[s];
}

enum alert_status alert_status_parse(const char *name)
{
	for (size_t i = 0; name && i < ARRAY_SIZE(alert_status_names); i++)
		if (strcmp(name, alert_status_names[i]) == 0)
			return (enum alert_status)i;
	return ALERT_PENDING;
}
