/* Tests for src/html.c: one self-contained page with the table and the charts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"

static char *render(const struct html_page *p)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(html_write(f, p), 0);
	fclose(f);
	return buf;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

/* Anything that would make the browser fetch, or run code. */
static void assert_self_contained(const char *page)
{
	static const char *const banned[] = {
		"<script", "<link", "<img", "<iframe", "@import", "url(", "src=", "http://",
	};

	for (size_t i = 0; i < sizeof(banned) / sizeof(banned[0]); i++)
		if (strstr(page, banned[i]))
			fail_msg("the page has '%s'", banned[i]);
}

static void an_empty_report_is_a_whole_page_that_says_so(void **state)
{
	struct html_page p = { .generated_at = 1779408000, .window = "6h", .version = "9.9" };
	char *page;

	(void)state;
	page = render(&p);
	assert_true(strncmp(page, "<!DOCTYPE html>", 15) == 0);
	assert_non_null(strstr(page, "<title>hashtrack report &middot; 2026-05-22 00:00 UTC</title>"));
	assert_non_null(strstr(page, "No hashtags to show"));
	assert_non_null(strstr(page, "</html>\n"));
	assert_null(strstr(page, "<svg"));
	assert_self_contained(page);
	free(page);
}

static void tags_get_rows_cards_and_marks(void **state)
{
	struct snapshot snaps[3] = {
		{ .ts = 1779386400, .videos = 1200, .views = 30000 },
		{ .ts = 1779408000, .videos = 1500, .views = 40007 },
		{ .ts = 1779429600, .videos = 2500, .views = 90000 },
	};
	const int64_t alerts[] = { 1779408000 };
	struct verdict v = { .status = VERDICT_OK, .base = snaps[1], .elapsed = 21600,
			     .has_new_videos = true, .has_new_views = true,
			     .new_videos = 1000, .new_views = 49993, .has_video_growth = true,
			     .video_growth_pct = 66.666, .has_view_growth = true,
			     .view_growth_pct = 124.96, .views_per_hour = 8332.17, .viral = true };
	struct html_row rows[] = {
		{ .tag = "vibecoding", .status = "ok", .has_last = true, .last = snaps[2], .v = &v,
		  .recent = snaps, .nrecent = 3, .charted = true, .snaps = snaps, .nsnaps = 3,
		  .alerts = alerts, .nalerts = 1 },
		{ .tag = "newtag", .status = "no-data", .charted = true },
		{ .tag = "late", .status = "no-baseline", .has_last = true, .last = snaps[0] },
	};
	struct html_page p = { .generated_at = 1779429600, .window = "6h", .version = "9.9",
			       .rows = rows, .n = 3 };
	char *page;

	(void)state;
	page = render(&p);
	assert_non_null(strstr(page, "<td>2,500</td><td>90,000</td>"));
	assert_non_null(strstr(page, "+1,000"));
	assert_non_null(strstr(page, "+66.7%"));
	assert_non_null(strstr(page, "<tr class=\"viral\">"));
	assert_int_equal(count(page, "<span class=\"badge viral\">VIRAL</span>"), 2);
	assert_non_null(strstr(page, "id=\"tag-vibecoding\""));
	assert_non_null(strstr(page, "href=\"https://www.tiktok.com/tag/vibecoding\""));
	assert_int_equal(count(page, "<svg class=\"chart\""), 2);      /* videos and views */
	assert_int_equal(count(page, "<g class=\"mark\">"), 2);
	assert_non_null(strstr(page, "Nothing to chart until"));
	assert_non_null(strstr(page, "Charts for the first 2 of 3 hashtags"));
	assert_null(strstr(page, "id=\"tag-late\""));
	assert_self_contained(page);
	free(page);
}

static void text_is_escaped(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	html_escape(f, "<a href='x'>&\"</a>");
	fclose(f);
	assert_string_equal(buf, "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(an_empty_report_is_a_whole_page_that_says_so),
		cmocka_unit_test(tags_get_rows_cards_and_marks),
		cmocka_unit_test(text_is_escaped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
