/* payload: each format within its platform's limits; header encoding; routing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "config.h"
#include "detect.h"
#include "payload.h"

#define N_MANY 200

/* A 100-character CJK tag: 300 bytes, the longest a tag can be. */
static char cjk[301];

static struct alert example(const char *tag)
{
	struct alert a = {
		.tag = tag, .detected_at = 1779429600, .elapsed = 6 * 3600,
		.video_count = 3976, .view_count = 50000000,
		.has_new_videos = true, .has_new_views = true,
		.new_videos = 1234, .new_views = 12600000,
		.videos_per_hour = 1234 / 6.0, .views_per_hour = 2100000,
		.rules = RULE_MIN_NEW_VIDEOS,
	};

	return a;
}

static size_t chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* n alerts of the CJK tag, as payload_digest takes them. */
static struct payload digest_of(enum alert_format fmt, size_t n)
{
	static struct alert alerts[N_MANY];
	static const struct alert *list[N_MANY];
	struct payload p;

	for (size_t i = 0; i < n; i++) {
		alerts[i] = example(cjk);
		list[i] = &alerts[i];
	}
	assert_int_equal(payload_digest(fmt, list, n, &p), 0);
	return p;
}

static void a_discord_digest_stays_within_2000_characters_and_counts_the_rest(void **state)
{
	struct payload p = digest_of(ALERT_DISCORD, N_MANY);
	cJSON *root = cJSON_Parse(p.body);
	const char *content = cJSON_GetStringValue(cJSON_GetObjectItem(root, "content"));

	(void)state;
	assert_non_null(content);
	assert_true(chars(content) <= 2000);
	assert_non_null(strstr(content, "hashtrack: 200 alerts in this run"));
	assert_non_null(strstr(content, "more; see them all with 'hashtrack alerts'"));
	cJSON_Delete(root);
	payload_release(&p);
}

static void a_slack_digest_keeps_sections_under_3000_and_blocks_under_50(void **state)
{
	struct payload p = digest_of(ALERT_SLACK, N_MANY);
	cJSON *root = cJSON_Parse(p.body), *blocks = cJSON_GetObjectItem(root, "blocks"), *b;

	(void)state;
	assert_true(cJSON_GetArraySize(blocks) <= 50);
	cJSON_ArrayForEach(b, blocks) {
		cJSON *text = cJSON_GetObjectItem(b, "text");

		if (text)
			assert_true(chars(cJSON_GetStringValue(cJSON_GetObjectItem(text, "text")))
				    <= 3000);
	}
	assert_non_null(strstr(p.body, "more; see them all"));
	cJSON_Delete(root);
	payload_release(&p);
}

static void a_teams_digest_is_an_adaptive_card_under_28_kb(void **state)
{
	struct payload p = digest_of(ALERT_TEAMS, N_MANY);
	cJSON *root = cJSON_Parse(p.body);
	cJSON *card = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(root,
						"attachments"), 0), "content");

	(void)state;
	assert_true(strlen(p.body) < 28 * 1024);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(card, "type")),
			    "AdaptiveCard");
	assert_true(cJSON_GetArraySize(cJSON_GetObjectItem(card, "body")) > 2);
	cJSON_Delete(root);
	payload_release(&p);
}

static void an_ntfy_digest_stays_under_4096_bytes(void **state)
{
	struct payload p = digest_of(ALERT_NTFY, N_MANY);

	(void)state;
	assert_true(strlen(p.body) <= 4096);
	assert_string_equal(p.title, "hashtrack: 200 alerts in this run");
	assert_null(p.link);
	payload_release(&p);
}

static void a_single_discord_alert_of_the_longest_tag_fits(void **state)
{
	struct alert a = example(cjk);
	struct payload p;
	cJSON *root;

	(void)state;
	assert_int_equal(payload_alert(ALERT_DISCORD, &a, &p), 0);
	root = cJSON_Parse(p.body);
	assert_true(chars(cJSON_GetStringValue(cJSON_GetObjectItem(root, "content"))) <= 2000);
	assert_non_null(cJSON_GetObjectItem(root, "allowed_mentions"));
	cJSON_Delete(root);
	payload_release(&p);
}

static void the_tag_is_shown_so_markup_leaves_it_alone(void **state)
{
	static const struct { enum alert_format fmt; const char *want; } cases[] = {
		{ ALERT_SLACK, "<https://www.tiktok.com/tag/__init__|#__init__>" },
		{ ALERT_DISCORD, "#\\_\\_init\\_\\_" },
		{ ALERT_TEAMS, "#\\_\\_init\\_\\_" },
		{ ALERT_NTFY, "#__init__" },
		{ ALERT_EMAIL, "#__init__" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *shown = alert_tag_shown(cases[i].fmt, "__init__");

		assert_string_equal(shown, cases[i].want);
		free(shown);
	}
}

static void header_values_are_ascii_or_rfc2047_words_of_whole_characters(void **state)
{
	char *plain = payload_header_value("Viral alert #tag", " ");
	char *cr = payload_header_value("a\r\nX-Evil: 1", " ");
	char *enc = payload_header_value(cjk, " ");
	char *save = NULL;

	(void)state;
	assert_string_equal(plain, "Viral alert #tag");
	assert_null(strpbrk(cr, "\r\n"));
	for (char *w = strtok_r(enc, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		assert_true(strlen(w) <= 75);
		assert_int_equal(strncmp(w, "=?UTF-8?B?", 10), 0);
		/* 45 bytes = 15 whole characters: 60 base64 characters, no padding */
		assert_true(strlen(w) == 10 + 60 + 2 || w[strlen(w) - 3] != '=' ||
			    strtok_r(NULL, " ", &save) == NULL);
	}
	free(plain);
	free(cr);
	free(enc);
}

static void an_email_has_the_headers_a_mail_reader_wants(void **state)
{
	struct payload p = { .title = "Viral alert #tag", .body = "line one\nline two" };
	char *mail = payload_email(&p, "ht@example.com", "a@b.c, d@e.f", 1779429600, "1.2");

	(void)state;
	assert_non_null(strstr(mail, "Date: Fri, 22 May 2026 06:00:00 +0000\r\n"));
	assert_non_null(strstr(mail, "From: ht@example.com\r\nTo: a@b.c, d@e.f\r\n"));
	assert_non_null(strstr(mail, "Subject: Viral alert #tag\r\n"));
	assert_non_null(strstr(mail, "Message-ID: <1.2@example.com>\r\n"));
	assert_non_null(strstr(mail, "\r\n\r\nline one\r\nline two\r\n"));
	free(mail);
}

static void channels_route_by_campaign(void **state)
{
	struct channel all = { .campaigns = NULL }, blank = { .campaigns = " , " };
	struct channel some = { .campaigns = "summer, launch ,x" };

	(void)state;
	assert_true(channel_routes(&all, NULL));
	assert_true(channel_routes(&all, "summer"));
	assert_true(channel_routes(&blank, "summer"));
	assert_true(channel_routes(&some, "summer"));
	assert_true(channel_routes(&some, "launch"));
	assert_true(channel_routes(&some, "x"));
	assert_false(channel_routes(&some, "summe"));
	assert_false(channel_routes(&some, "summer, launch"));
	assert_false(channel_routes(&some, NULL));
}

static void mail_needs_tls_unless_plain_smtp_to_loopback(void **state)
{
	(void)state;
	assert_true(config_mail_needs_tls("smtp://mail.example.com:587"));
	assert_true(config_mail_needs_tls("smtp://localhost@mail.example.com/"));
	assert_true(config_mail_needs_tls("smtps://127.0.0.1"));
	assert_false(config_mail_needs_tls("smtp://127.0.0.1:2525"));
	assert_false(config_mail_needs_tls("smtp://localhost"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_discord_digest_stays_within_2000_characters_and_counts_the_rest),
		cmocka_unit_test(a_slack_digest_keeps_sections_under_3000_and_blocks_under_50),
		cmocka_unit_test(a_teams_digest_is_an_adaptive_card_under_28_kb),
		cmocka_unit_test(an_ntfy_digest_stays_under_4096_bytes),
		cmocka_unit_test(a_single_discord_alert_of_the_longest_tag_fits),
		cmocka_unit_test(the_tag_is_shown_so_markup_leaves_it_alone),
		cmocka_unit_test(header_values_are_ascii_or_rfc2047_words_of_whole_characters),
		cmocka_unit_test(an_email_has_the_headers_a_mail_reader_wants),
		cmocka_unit_test(channels_route_by_campaign),
		cmocka_unit_test(mail_needs_tls_unless_plain_smtp_to_loopback),
	};

	for (size_t i = 0; i < 100; i++)
		memcpy(cjk + 3 * i, "\xe6\x97\xa5", 3);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
