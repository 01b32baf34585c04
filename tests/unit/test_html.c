/* Tests for src/html.c: one self-contained page with the table and the pace charts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "campaign.h"
#include "duration.h"
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
	struct html_page p = { .generated_at = 1779408000, .window = 21600, .version = "9.9" };
	char *page;

	(void)state;
	page = render(&p);
	assert_non_null(strstr(page, "growth over a window of 6 hours"));
	assert_true(strncmp(page, "<!DOCTYPE html>", 15) == 0);
	assert_non_null(strstr(page, "<title>hashtrack report &middot; 2026-05-22 00:00 UTC</title>"));
	assert_non_null(strstr(page, "No hashtags to show"));
	assert_non_null(strstr(page, "</html>\n"));
	assert_null(strstr(page, "<svg"));
	assert_self_contained(page);
	free(page);
}

/* Snapshots every 6 h; the pace between them; the usual pace at each. */
static const struct snapshot snaps[3] = {
	{ .ts = 1779386400, .videos = 1200, .views = 30000 },
	{ .ts = 1779408000, .videos = 1500, .views = 40007 },
	{ .ts = 1779429600, .videos = 2500, .views = 90000 },
};
static const struct chart_rate video_pace[2] = {
	{ 1779386400, 1779408000, true, 50 }, { 1779408000, 1779429600, true, 166.67 },
};
static const struct chart_rate view_pace[2] = {
	{ 1779386400, 1779408000, true, 1667.83 }, { 1779408000, 1779429600, true, 8332.17 },
};
static const struct chart_rate video_usual[3] = {
	{ 1779386400, 1779386400, false, 0 }, { 1779408000, 1779408000, true, 40 },
	{ 1779429600, 1779429600, true, 45 },
};
static const struct chart_rate view_usual[3] = {
	{ 1779386400, 1779386400, false, 0 }, { 1779408000, 1779408000, true, 1500 },
	{ 1779429600, 1779429600, true, 1600 },
};
static const int64_t alerts[] = { 1779429600 };
static const struct verdict fired = {
	.status = VERDICT_OK, .base = { .ts = 1779408000, .videos = 1500, .views = 40007 },
	.elapsed = 21600, .has_new_videos = true, .has_new_views = true, .new_videos = 1000,
	.new_views = 49993, .has_video_growth = true, .video_growth_pct = 66.666,
	.has_view_growth = true, .view_growth_pct = 124.96, .videos_per_hour = 166.67,
	.views_per_hour = 8332.17, .viral = true,
};

static struct html_row charted(const char *tag)
{
	return (struct html_row){
		.tag = tag, .status = "ok", .firing = true, .has_last = true, .last = snaps[2],
		.v = &fired, .has_ratio = true, .ratio = 5.2, .has_usual_videos = true,
		.usual_videos = 45, .has_usual_views = true, .usual_views = 1600,
		.charted = true, .snaps = snaps, .nsnaps = 3,
		.videos = { video_pace, 2, video_usual, 3 }, .views = { view_pace, 2, view_usual, 3 },
		.surge = 3, .alerts = alerts, .nalerts = 1,
	};
}

static void tags_get_rows_pace_cards_and_alert_marks(void **state)
{
	static const size_t cards[] = { 0, 1 };
	struct html_row rows[] = {
		charted("vibecoding"),
		{ .tag = "newtag", .status = "no-data", .charted = true },
		{ .tag = "late", .status = "no-baseline", .has_last = true, .last = snaps[0] },
	};
	struct html_page p = { .generated_at = 1779429600, .window = 21600, .version = "9.9",
			       .rows = rows, .n = 3, .cards = cards, .ncards = 2 };
	char *page;

	(void)state;
	page = render(&p);
	/* the summary first: what is firing, linked to its card */
	assert_non_null(strstr(page, "<h3>Firing now <span>1</span></h3><ul><li>"
			       "<a href=\"#tag-vibecoding\">#vibecoding</a> <b class=\"fire\">"
			       "5.2&times;</b></li></ul>"));
	assert_non_null(strstr(page, "<h3>Failing <span>0</span></h3>"));
	assert_null(strstr(page, "By campaign"));
	assert_true(strstr(page, "Pace over time") < strstr(page, "All hashtags"));
	/* the table: thousands separators, the viral tag marked, no chart per row */
	assert_non_null(strstr(page, "<td>2,500<td>90,000"));
	assert_non_null(strstr(page, "+1,000"));
	assert_non_null(strstr(page, "+66.7%"));
	assert_non_null(strstr(page, "+8,332"));
	assert_non_null(strstr(page, "5.2&times;"));
	assert_non_null(strstr(page, "<tr class=\"viral\">"));
	assert_int_equal(count(page, "<span class=\"badge viral\">VIRAL</span>"), 2);
	/* the card: a views and a videos pace chart, band, alert marks, the totals beside */
	assert_non_null(strstr(page, "id=\"tag-vibecoding\""));
	assert_non_null(strstr(page, "href=\"https://www.tiktok.com/tag/vibecoding\""));
	assert_int_equal(count(page, "<svg class=\"chart\""), 2);
	assert_non_null(strstr(page, "New views per hour"));
	assert_non_null(strstr(page, "New videos per hour"));
	assert_int_equal(count(page, "<path class=\"band\""), 2);
	assert_int_equal(count(page, "<path class=\"line views\""), 1);
	assert_int_equal(count(page, "<path class=\"line videos\""), 1);
	assert_int_equal(count(page, "<g class=\"mark\">"), 2);
	assert_non_null(strstr(page, "up to 3&times; it: a pace above the band is a surge"));
	assert_non_null(strstr(page, "<dl class=\"totals\">"));
	assert_non_null(strstr(page, "<dd class=\"big\">90,000</dd>"));
	assert_non_null(strstr(page, "<dd class=\"big\">2,500</dd>"));
	assert_non_null(strstr(page, "usual 1,600"));
	/* the rest */
	assert_non_null(strstr(page, "Nothing to chart until"));
	assert_non_null(strstr(page, "Charts for the 2 of 3 hashtags that tell most"));
	assert_null(strstr(page, "id=\"tag-late\""));
	assert_null(strstr(page, "nan"));
	assert_self_contained(page);
	free(page);
}

static void durations_read_as_people_say_them(void **state)
{
	static const struct { int64_t seconds; const char *want; } cases[] = {
		{ 0, "0 seconds" }, { 1, "1 second" }, { 90, "90 seconds" }, { 60, "1 minute" },
		{ 45 * 60, "45 minutes" }, { 5400, "90 minutes" }, { 3600, "1 hour" },
		{ 21600, "6 hours" }, { 21587, "6 hours" }, { 21540, "5 hours 59 minutes" },
		{ 36 * 3600, "36 hours" }, { 86400, "1 day" }, { 2 * 86400, "2 days" },
		{ 2 * 86400 + 3 * 3600, "2 days 3 hours" }, { 7 * 86400, "7 days" },
		{ -21600, "-6 hours" },
	};
	static const size_t cards[] = { 0 };
	struct html_row rows[] = { charted("vibecoding") };
	struct verdict v = fired;
	struct html_page p = { .generated_at = 1779429600, .window = 2 * 86400, .version = "9.9",
			       .rows = rows, .n = 1, .cards = cards, .ncards = 1 };
	char buf[64], *page;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		duration_human(cases[i].seconds, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].want);
	}
	duration_human(INT64_MIN, buf, sizeof(buf));
	assert_true(buf[0] == '-');
	v.elapsed = 5400;
	rows[0].v = &v;
	page = render(&p);
	assert_non_null(strstr(page, "growth over a window of 2 days"));
	assert_non_null(strstr(page, "<b>2 days</b><span>window</span>"));
	assert_non_null(strstr(page, "<td>90 minutes\n"));
	assert_non_null(strstr(page, "In the last 90 minutes"));
	assert_null(strstr(page, "1h30m"));
	free(page);
}

static void failing_tags_are_marked_with_their_reason(void **state)
{
	struct html_row rows[] = {
		{ .tag = "gone", .status = "not-found", .failing = true, .has_last = true,
		  .last = snaps[2] },
		{ .tag = "flaky", .status = "ok", .failing = true,
		  .error = "API answered 400: <bad> hashtag", .has_last = true, .last = snaps[2],
		  .v = &fired, .charted = true, .snaps = snaps, .nsnaps = 3,
		  .videos = { video_pace, 2, video_usual, 3 },
		  .views = { view_pace, 2, view_usual, 3 }, .surge = 3 },
		{ .tag = "fine", .status = "ok", .has_last = true, .last = snaps[2] },
	};
	static const size_t cards[] = { 1 };
	struct html_page p = { .generated_at = 1779429600, .window = 21600, .version = "9.9",
			       .rows = rows, .n = 3, .cards = cards, .ncards = 1 };
	char *page;

	(void)state;
	page = render(&p);
	assert_int_equal(count(page, "<tr class=\"failing\">"), 2);
	assert_non_null(strstr(page, "<span class=\"badge not-found\">not-found</span>"));
	assert_int_equal(count(page, "<span class=\"badge failing\">fetch failed</span>"), 2);
	assert_non_null(strstr(page, "API answered 400: &lt;bad&gt; hashtag"));
	assert_non_null(strstr(page, "<section class=\"card failing\" id=\"tag-flaky\">"));
	assert_non_null(strstr(page, "<b>2</b><span>failing</span>"));
	assert_non_null(strstr(page, "<h3>Failing <span>2</span></h3><ul><li>"
			       "<a href=\"#tag-flaky\">#flaky</a> <small class=\"err\">API answered "
			       "400: &lt;bad&gt; hashtag</small></li><li>#gone <small class=\"err\">"
			       "not-found</small></li></ul>"));
	assert_int_equal(count(page, "<g class=\"mark\">"), 0);
	assert_non_null(strstr(page, "no alert so far"));
	assert_self_contained(page);
	free(page);
}

static void unknown_counts_are_never_shown_as_zero(void **state)
{
	const struct snapshot half[2] = {
		{ .ts = 1779408000, .videos = 1500, .views = COUNT_UNKNOWN },
		{ .ts = 1779429600, .videos = 2500, .views = COUNT_UNKNOWN },
	};
	struct verdict v = { .status = VERDICT_OK, .base = half[0], .elapsed = 21600,
			     .has_new_videos = true, .new_videos = 1000,
			     .has_video_growth = true, .video_growth_pct = 66.67,
			     .videos_per_hour = 166.67 };
	const struct chart_rate videos[1] = { { 1779408000, 1779429600, true, 166.67 } };
	struct html_row rows[] = {
		{ .tag = "half", .status = "learning", .has_last = true, .last = half[1], .v = &v,
		  .charted = true, .snaps = half, .nsnaps = 2, .videos = { videos, 1, NULL, 0 },
		  .surge = 3 },
	};
	static const size_t cards[] = { 0 };
	struct html_page p = { .generated_at = 1779429600, .window = 21600, .version = "9.9",
			       .rows = rows, .n = 1, .cards = cards, .ncards = 1 };
	char *page;

	(void)state;
	page = render(&p);
	assert_non_null(strstr(page, "<td>2,500<td class=\"none\">&ndash;"));
	assert_non_null(strstr(page, "<dd class=\"big\">unknown</dd>"));
	assert_int_equal(count(page, "<svg class=\"chart\""), 2);
	assert_int_equal(count(page, "<path class=\"line videos\""), 1);
	assert_null(strstr(page, "<path class=\"line views\""));       /* no views pace drawn */
	assert_non_null(strstr(page, "no two snapshots that compare yet"));
	assert_non_null(strstr(page, "no usual pace yet: still learning"));
	assert_null(strstr(page, " 0 views"));
	assert_null(strstr(strstr(page, "<body>"), ">-1"));
	free(page);
}

/* A group of the report: n rows from first, with totals from those rows. */
static struct campaign_group group_of(const char *name, const struct html_row *rows,
				      size_t first, size_t n)
{
	struct campaign_group g = { .campaign = name, .first = first, .n = n };

	for (size_t i = first; i < first + n; i++) {
		const struct verdict *v = rows[i].v;

		g.totals.tags++;
		g.totals.firing += rows[i].firing;
		count_sum_add(&g.totals.new_views, v && v->has_new_views, v ? v->new_views : 0);
	}
	return g;
}

static void campaigns_get_a_line_each_and_a_heading_and_total_in_the_table(void **state)
{
	struct verdict v = fired;
	struct html_row rows[] = {
		charted("a"), charted("c"), charted("b"), charted("d"),
	};
	struct campaign_group groups[3];
	struct html_page p = { .generated_at = 1779429600, .window = 21600, .version = "9.9",
			       .rows = rows, .n = 4, .groups = groups, .ngroups = 3 };
	char *page, *spring, *none, *summer;

	(void)state;
	rows[0].campaign = rows[1].campaign = "spring";
	rows[2].campaign = "summer <sale>";
	rows[3].firing = false;
	rows[3].v = &v;
	v.has_new_views = false;
	for (size_t i = 0; i < 4; i++)
		rows[i].charted = false;
	groups[0] = group_of("spring", rows, 0, 2);
	groups[1] = group_of("summer <sale>", rows, 2, 1);
	groups[2] = group_of(NULL, rows, 3, 1);
	page = render(&p);
	/* the summary: a line per campaign, those in none last */
	spring = strstr(page, "<tr><td>spring<td>2<td class=\"fire\">2<td>0<td>0"
			"<td class=\"up\">+99,986\n");
	summer = strstr(page, "<tr><td>summer &lt;sale&gt;<td>1<td class=\"fire\">1<td>0<td>0"
			"<td class=\"up\">+49,993\n");
	none = strstr(page, "<tr><td><i>in no campaign</i><td>1<td>0<td>1<td>0"
		      "<td class=\"none\">&ndash;\n");
	assert_non_null(spring);
	assert_non_null(summer);
	assert_non_null(none);
	assert_true(spring < summer && summer < none);
	/* the table: each campaign's heading, its rows, its totals */
	assert_non_null(strstr(page, "<tr class=\"group\"><th colspan=\"9\">Campaign summer "
			       "&lt;sale&gt;<span>1 hashtag</span></th></tr>\n<tr class=\"viral\">"
			       "<td>#b<td>"));
	assert_non_null(strstr(page, "<tr class=\"total\"><td>Total<td><span class=\"badge "
			       "viral\">2 VIRAL</span>"));
	assert_non_null(strstr(page, "<th colspan=\"9\">No campaign<span>1 hashtag</span>"));
	assert_null(strstr(page, "Pace over time"));
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
		cmocka_unit_test(tags_get_rows_pace_cards_and_alert_marks),
		cmocka_unit_test(durations_read_as_people_say_them),
		cmocka_unit_test(failing_tags_are_marked_with_their_reason),
		cmocka_unit_test(unknown_counts_are_never_shown_as_zero),
		cmocka_unit_test(campaigns_get_a_line_each_and_a_heading_and_total_in_the_table),
		cmocka_unit_test(text_is_escaped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
