/* Tests for src/alert.c: the sentence and the three webhook bodies. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "detect.h"

#define N_CASES(t) (sizeof(t) / sizeof((t)[0]))
#define M 60
#define H 3600
#define T0 1779429600           /* 2026-05-22T06:00:00Z */
#define ALL_RULES (RULE_MIN_NEW_VIDEOS | RULE_VIDEO_GROWTH | RULE_VIEW_GROWTH)

/* The contract's example alert. */
static struct alert example(void)
{
	struct alert a = {
		.tag = "tag", .detected_at = T0, .elapsed = 6 * H,
		.video_count = 3976, .view_count = 50000000,
		.has_new_videos = true, .has_new_views = true,
		.new_videos = 1234, .new_views = 12600000,
		.has_video_growth = true, .has_view_growth = true,
		.video_growth_pct = 45.0, .view_growth_pct = 33.6,
		.videos_per_hour = 1234 / 6.0, .views_per_hour = 2100000,
		.rules = RULE_MIN_NEW_VIDEOS | RULE_VIDEO_GROWTH,
	};

	return a;
}

static cJSON *parse_payload(enum alert_format fmt, const struct alert *a)
{
	char *text = alert_payload(fmt, a);
	cJSON *root;

	assert_non_null(text);
	root = cJSON_Parse(text);
	free(text);
	assert_non_null(root);
	assert_true(cJSON_IsObject(root));
	return root;
}

static const char *string_at(const cJSON *obj, const char *key)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);

	assert_true(cJSON_IsString(item));
	return item->valuestring;
}

static size_t utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static void formats_parse_by_their_config_names(void **state)
{
	static const struct {
		const char *text;
		int rc;
		enum alert_format fmt;
	} cases[] = {
		{ "slack", 0, ALERT_SLACK },
		{ "discord", 0, ALERT_DISCORD },
		{ "json", 0, ALERT_JSON },
		{ "Slack", -1, ALERT_SLACK },
		{ "xml", -1, ALERT_SLACK },
		{ "", -1, ALERT_SLACK },
		{ "json ", -1, ALERT_SLACK },
		{ NULL, -1, ALERT_SLACK },
	};

	(void)state;
	for (size_t i = 0; i < N_CASES(cases); i++) {
		enum alert_format fmt = ALERT_SLACK;

		if (alert_format_parse(cases[i].text, &fmt) != cases[i].rc ||
		    fmt != cases[i].fmt)
			fail_msg("\"%s\": wrong result", cases[i].text ? cases[i].text : "(null)");
	}
}

struct sentence_case {
	const char *name;
	const char *tag;
	int64_t elapsed, new_videos;
	bool has_growth;
	double growth, views_per_hour;
	const char *want;
};

static const struct sentence_case sentence_cases[] = {
	{ "the contract's example", "tag", 6 * H, 1234, true, 45.0, 2100000,
	  "Viral alert #tag: +1,234 videos in 6h (+45.0%), +2,100,000 views/h "
	  "https://www.tiktok.com/tag/tag" },
	{ "a late run shows the real window", "tag", 6 * H + 5 * M, 1234, true, 45.0, 2100000,
	  "Viral alert #tag: +1,234 videos in 6h5m (+45.0%), +2,100,000 views/h "
	  "https://www.tiktok.com/tag/tag" },
	{ "no growth from a baseline of 0", "fresh", 6 * H, 300, false, 0, 1000,
	  "Viral alert #fresh: +300 videos in 6h, +1,000 views/h https://www.tiktok.com/tag/fresh" },
	{ "growth keeps one decimal", "tag", 6 * H, 5, true, 12.345, 0,
	  "Viral alert #tag: +5 videos in 6h (+12.3%), +0 views/h https://www.tiktok.com/tag/tag" },
	{ "views per hour round to the nearest", "tag", 6 * H, 5, true, 1, 2099999.5,
	  "Viral alert #tag: +5 videos in 6h (+1.0%), +2,100,000 views/h "
	  "https://www.tiktok.com/tag/tag" },
	{ "falls show their minus sign", "tag", 6 * H, -5, true, -3.2, -1234.6,
	  "Viral alert #tag: -5 videos in 6h (-3.2%), -1,235 views/h https://www.tiktok.com/tag/tag" },
	{ "a non-ASCII tag is percent-encoded in the link", "日本", 1 * H, 1000000, true, 150, 5e9,
	  "Viral alert #日本: +1,000,000 videos in 1h (+150.0%), +5,000,000,000 views/h "
	  "https://www.tiktok.com/tag/%E6%97%A5%E6%9C%AC" },
};

static void the_sentence_reads_well_alone(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_CASES(sentence_cases); i++) {
		const struct sentence_case *c = &sentence_cases[i];
		struct alert a = example();
		char *got;

		a.tag = c->tag;
		a.elapsed = c->elapsed;
		a.new_videos = c->new_videos;
		a.has_video_growth = c->has_growth;
		a.video_growth_pct = c->growth;
		a.views_per_hour = c->views_per_hour;
		got = alert_sentence(&a);
		assert_non_null(got);
		if (strcmp(got, c->want) != 0)
			fail_msg("%s:\n got  %s\n want %s", c->name, got, c->want);
		free(got);
	}
}

static const cJSON *block_at(const cJSON *blocks, int i, const char *type)
{
	const cJSON *b = cJSON_GetArrayItem(blocks, i);

	assert_non_null(b);
	assert_string_equal(string_at(b, "type"), type);
	return b;
}

static void the_slack_payload_is_text_plus_blocks(void **state)
{
	struct alert a = example();
	cJSON *root = parse_payload(ALERT_SLACK, &a);
	const cJSON *blocks = cJSON_GetObjectItemCaseSensitive(root, "blocks");
	const cJSON *section, *text, *context, *el;

	(void)state;
	assert_string_equal(string_at(root, "text"),
			    "Viral alert <https://www.tiktok.com/tag/tag|#tag>: +1,234 videos in 6h "
			    "(+45.0%), +2,100,000 views/h https://www.tiktok.com/tag/tag");
	assert_true(cJSON_IsArray(blocks));
	assert_int_equal(cJSON_GetArraySize(blocks), 2);
	section = block_at(blocks, 0, "section");
	text = cJSON_GetObjectItemCaseSensitive(section, "text");
	assert_string_equal(string_at(text, "type"), "mrkdwn");
	assert_string_equal(string_at(text, "text"),
			    "*Viral alert <https://www.tiktok.com/tag/tag|#tag>*: +1,234 videos in 6h "
			    "(+45.0%), +2,100,000 views/h https://www.tiktok.com/tag/tag");
	context = block_at(blocks, 1, "context");
	el = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(context, "elements"), 0);
	assert_string_equal(string_at(el, "type"), "mrkdwn");
	assert_string_equal(string_at(el, "text"),
			    "+12,600,000 views (+33.6%) \xc2\xb7 rules: min_new_videos, video_growth "
			    "\xc2\xb7 detected 2026-05-22T06:00:00Z");
	cJSON_Delete(root);
}

static void slack_text_escapes_ampersands_and_angle_brackets(void **state)
{
	struct alert a = example();
	cJSON *root;
	const cJSON *section;
	const char *mrkdwn;

	(void)state;
	a.tag = "a&b<c>";
	root = parse_payload(ALERT_SLACK, &a);
	assert_string_equal(string_at(root, "text"),
			    "Viral alert <https://www.tiktok.com/tag/a%26b%3Cc%3E|#a&amp;b&lt;c&gt;>: "
			    "+1,234 videos in 6h (+45.0%), "
			    "+2,100,000 views/h https://www.tiktok.com/tag/a%26b%3Cc%3E");
	section = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(root, "blocks"), 0);
	mrkdwn = string_at(cJSON_GetObjectItemCaseSensitive(section, "text"), "text");
	assert_non_null(strstr(mrkdwn, "|#a&amp;b&lt;c&gt;>*"));
	/* the only < and > are the link's own */
	assert_ptr_equal(strchr(mrkdwn, '<'), strrchr(mrkdwn, '<'));
	assert_ptr_equal(strchr(mrkdwn, '>'), strrchr(mrkdwn, '>'));
	cJSON_Delete(root);
}

static void slack_context_omits_view_growth_from_nothing(void **state)
{
	struct alert a = example();
	cJSON *root;
	const cJSON *context, *el;

	(void)state;
	a.has_view_growth = false;
	a.rules = ALL_RULES;
	root = parse_payload(ALERT_SLACK, &a);
	context = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(root, "blocks"), 1);
	el = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(context, "elements"), 0);
	assert_string_equal(string_at(el, "text"),
			    "+12,600,000 views \xc2\xb7 rules: min_new_videos, video_growth, "
			    "view_growth \xc2\xb7 detected 2026-05-22T06:00:00Z");
	cJSON_Delete(root);
}

static void the_discord_payload_is_the_sentence(void **state)
{
	struct alert a = example();
	cJSON *root = parse_payload(ALERT_DISCORD, &a);

	(void)state;
	assert_int_equal(cJSON_GetArraySize(root), 2);
	assert_string_equal(string_at(root, "content"),
			    "Viral alert #tag: +1,234 videos in 6h (+45.0%), +2,100,000 views/h "
			    "https://www.tiktok.com/tag/tag");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(root, "allowed_mentions"), "parse")), 0);
	cJSON_Delete(root);
}

/* A tag made of `count` copies of `unit`, to push the sentence past the limit. */
static char *repeat(const char *unit, size_t count)
{
	size_t n = strlen(unit);
	char *s = malloc(n * count + 1);

	assert_non_null(s);
	for (size_t i = 0; i < count; i++)
		memcpy(s + i * n, unit, n);
	s[n * count] = '\0';
	return s;
}

static void discord_content_is_cut_at_2000_whole_characters(void **state)
{
	static const struct {
		const char *name;
		const char *unit;
		size_t count;
		size_t chars;
	} cases[] = {
		{ "a short sentence is kept whole", "a", 10, 0 },
		{ "ASCII is cut at 2000 bytes", "a", 3000, 2000 },
		{ "two-byte characters are never split", "\xc3\xa9", 2100, 2000 },
		{ "three-byte characters are never split", "\xe6\x97\xa5", 2100, 2000 },
		{ "four-byte characters are never split", "\xf0\x9f\x98\x80", 2100, 2000 },
		{ "mixed widths are never split", "a\xc3\xa9\xe6\x97\xa5\xf0\x9f\x98\x80", 700, 2000 },
	};

	(void)state;
	for (size_t i = 0; i < N_CASES(cases); i++) {
		char *tag = repeat(cases[i].unit, cases[i].count);
		struct alert a = example();
		char *sentence;
		cJSON *root;
		const char *content;
		size_t len;

		a.tag = tag;
		sentence = alert_sentence(&a);
		root = parse_payload(ALERT_DISCORD, &a);
		content = string_at(root, "content");
		len = strlen(content);
		if (cases[i].chars == 0 && strcmp(content, sentence) != 0)
			fail_msg("%s: changed", cases[i].name);
		if (cases[i].chars && utf8_chars(content) != cases[i].chars)
			fail_msg("%s: %zu characters", cases[i].name, utf8_chars(content));
		if (strncmp(content, sentence, len) != 0 ||
		    ((unsigned char)sentence[len] & 0xC0) == 0x80)
			fail_msg("%s: not a clean prefix", cases[i].name);
		cJSON_Delete(root);
		free(sentence);
		free(tag);
	}
}

static double number_at(const cJSON *obj, const char *key)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (!cJSON_IsNumber(item))
		fail_msg("\"%s\" is not a number", key);
	return item->valuedouble;
}

static void the_json_payload_carries_every_figure(void **state)
{
	struct alert a = example();
	cJSON *root;
	const cJSON *rules;

	(void)state;
	a.elapsed = 6 * H + 5 * M;
	a.video_growth_pct = 45.678;
	a.videos_per_hour = 1234 / (6 + 5 / 60.0);
	a.views_per_hour = 2071232.8767;
	root = parse_payload(ALERT_JSON, &a);
	assert_string_equal(string_at(root, "event"), "viral");
	assert_string_equal(string_at(root, "hashtag"), "tag");
	assert_string_equal(string_at(root, "url"), "https://www.tiktok.com/tag/tag");
	assert_string_equal(string_at(root, "detected_at"), "2026-05-22T06:00:00Z");
	assert_true(number_at(root, "window_hours") == 6.08);
	assert_true(number_at(root, "video_count") == 3976);
	assert_true(number_at(root, "view_count") == 50000000);
	assert_true(number_at(root, "new_videos") == 1234);
	assert_true(number_at(root, "new_views") == 12600000);
	assert_true(number_at(root, "video_growth_pct") == 45.68);
	assert_true(number_at(root, "view_growth_pct") == 33.6);
	assert_true(number_at(root, "videos_per_hour") == 202.85);
	assert_true(number_at(root, "views_per_hour") == 2071232.88);
	rules = cJSON_GetObjectItemCaseSensitive(root, "rules");
	assert_int_equal(cJSON_GetArraySize(rules), 2);
	assert_string_equal(cJSON_GetArrayItem(rules, 0)->valuestring, "min_new_videos");
	assert_string_equal(cJSON_GetArrayItem(rules, 1)->valuestring, "video_growth");
	/* The pace fields are null without a usual pace; campaign without a campaign. */
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(root, "usual_views_per_hour")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(root, "pace_ratio")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(root, "campaign")));
	assert_int_equal(cJSON_GetArraySize(root), 18);
	cJSON_Delete(root);
}

static void json_growth_from_nothing_is_null(void **state)
{
	struct alert a = example();
	cJSON *root;

	(void)state;
	a.has_video_growth = false;
	a.has_view_growth = false;
	a.rules = ALL_RULES;
	root = parse_payload(ALERT_JSON, &a);
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(root, "video_growth_pct")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(root, "view_growth_pct")));
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(root, "rules")), 3);
	cJSON_Delete(root);
}

static void json_counts_are_exact_beyond_2_to_the_53(void **state)
{
	struct alert a = example();
	char *text;

	(void)state;
	a.video_count = 9007199254740993;
	a.view_count = INT64_MAX;
	a.new_videos = -5;
	a.new_views = 9007199254740995;
	text = alert_payload(ALERT_JSON, &a);
	assert_non_null(text);
	assert_non_null(strstr(text, "\"video_count\":9007199254740993,"));
	assert_non_null(strstr(text, "\"view_count\":9223372036854775807,"));
	assert_non_null(strstr(text, "\"new_videos\":-5,"));
	assert_non_null(strstr(text, "\"new_views\":9007199254740995,"));
	free(text);
}

static void payloads_need_a_tag(void **state)
{
	struct alert a = example();

	(void)state;
	a.tag = NULL;
	assert_null(alert_sentence(&a));
	assert_null(alert_payload(ALERT_SLACK, &a));
	assert_null(alert_payload(ALERT_JSON, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(formats_parse_by_their_config_names),
		cmocka_unit_test(the_sentence_reads_well_alone),
		cmocka_unit_test(the_slack_payload_is_text_plus_blocks),
		cmocka_unit_test(slack_text_escapes_ampersands_and_angle_brackets),
		cmocka_unit_test(slack_context_omits_view_growth_from_nothing),
		cmocka_unit_test(the_discord_payload_is_the_sentence),
		cmocka_unit_test(discord_content_is_cut_at_2000_whole_characters),
		cmocka_unit_test(the_json_payload_carries_every_figure),
		cmocka_unit_test(json_growth_from_nothing_is_null),
		cmocka_unit_test(json_counts_are_exact_beyond_2_to_the_53),
		cmocka_unit_test(payloads_need_a_tag),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
