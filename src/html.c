/* html: the report page: head and style, summary, table, one card per hashtag. */
#include "html.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "duration.h"
#include "tag.h"
#include "timefmt.h"

/*
 * Sized for a 1280 px laptop: the table fits without sideways scrolling
 * (long tags and error texts wrap), a card puts its two pace charts and
 * its totals on one line. Narrower screens stack them.
 */
static const char style[] =
	":root{--fg:#111827;--muted:#6b7280;--line:#e5e7eb;--bg:#f4f5f7;--card:#fff;"
	"--videos:#2563eb;--views:#0d9488;--viral:#dc2626;--fail:#c2410c;--up:#15803d;"
	"--down:#b45309;--usual:#64748b}"
	"*{box-sizing:border-box}"
	"body{margin:0;background:var(--bg);color:var(--fg);"
	"font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif}"
	"main{max-width:1280px;margin:0 auto;padding:24px 24px 40px}"
	"h1{font-size:26px;margin:0 0 2px;letter-spacing:-.01em}"
	"h1 span{color:var(--muted);font-weight:400}"
	".meta{color:var(--muted);margin:0 0 18px}"
	".stats{display:flex;gap:12px;flex-wrap:wrap;margin:0 0 18px}"
	".stat{background:var(--card);border:1px solid var(--line);border-radius:12px;"
	"padding:10px 18px;min-width:150px}"
	".stat b{display:block;font-size:22px;line-height:1.3;white-space:nowrap}"
	".stat span{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.05em}"
	".stat.hot b{color:var(--viral)}.stat.fail b{color:var(--fail)}"
	".lists{display:grid;grid-template-columns:repeat(3,minmax(0,1fr));gap:12px;margin:0 0 8px}"
	"@media (max-width:720px){.lists{grid-template-columns:minmax(0,1fr)}}"
	".list{background:var(--card);border:1px solid var(--line);border-radius:12px;"
	"padding:10px 16px}"
	".list h3{font-size:13px;margin:0 0 6px;text-transform:uppercase;letter-spacing:.05em;"
	"color:var(--muted)}.list h3 span{color:var(--fg)}"
	".list ul{margin:0;padding:0;list-style:none}.list li{margin:2px 0;overflow-wrap:anywhere}"
	".list li a{color:var(--fg);font-weight:600;text-decoration:none}"
	".list p{margin:0}.list .err{display:inline}"
	"h2{font-size:17px;margin:26px 0 10px}"
	".scroll{overflow-x:auto;border:1px solid var(--line);border-radius:12px;background:var(--card)}"
	"table{width:100%;border-collapse:collapse}"
	"th,td{padding:7px 10px;text-align:right;white-space:nowrap;border-bottom:1px solid var(--line);"
	"vertical-align:top}"
	"tr:last-child td{border-bottom:0}"
	"th{font-size:11px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);"
	"background:#f9fafb;font-weight:600;vertical-align:bottom}"
	"th.l,td.l{text-align:left}"
	"table.all td:nth-child(-n+2),table.all th:nth-child(-n+2){text-align:left}"
	"table.all td:first-child{white-space:normal;overflow-wrap:anywhere;max-width:230px;"
	"font-weight:600;box-shadow:inset 4px 0 transparent}"
	"table.all td:first-child a{color:var(--fg);text-decoration:none}"
	"table.all td:nth-child(2){white-space:normal;max-width:220px}"
	"table.all{table-layout:fixed}"
	"table.all tr>:first-child{width:22%}table.all tr>:nth-child(2){width:14%}"
	"table.all.more{content-visibility:auto;contain-intrinsic-size:auto 7400px}"
	"td{font-variant-numeric:tabular-nums}"
	"td small{display:block;font-size:12px;line-height:1.3}"
	"tr.viral td{background:#fef2f2}tr.viral td:first-child{box-shadow:inset 4px 0 var(--viral)}"
	"tr.failing td{background:#fff7ed}tr.failing td:first-child{box-shadow:inset 4px 0 var(--fail)}"
	".up{color:var(--up)}.down{color:var(--down)}.none{color:#c0c4cc}"
	".fire{color:var(--viral);font-weight:700}"
	".badge{display:inline-block;padding:1px 9px;border-radius:999px;font-size:12px;"
	"font-weight:600;background:#eef0f3;color:var(--muted);white-space:nowrap;margin:1px 4px 1px 0}"
	".badge.ok{background:#dcfce7;color:#166534}"
	".badge.viral{background:var(--viral);color:#fff}"
	".badge.incomparable{background:#fef3c7;color:#92400e}"
	".badge.not-found,.badge.failing{background:var(--fail);color:#fff}"
	".badge.muted{background:#e0e7ff;color:#3730a3}"
	"tr.group th{text-align:left;font-size:13px;text-transform:none;letter-spacing:0;"
	"color:var(--fg);background:#eef2ff;border-top:2px solid var(--line)}"
	"tr.group th span{color:var(--muted);font-weight:400;margin-left:8px}"
	"tr.total td{font-weight:600;background:#f9fafb}"
	".err{display:block;color:var(--fail);font-size:12px;line-height:1.3;overflow-wrap:anywhere}"
	".card{background:var(--card);border:1px solid var(--line);border-radius:14px;"
	"padding:14px 20px 10px;margin:0 0 16px}"
	".card.viral{border-color:#fca5a5;box-shadow:0 0 0 3px #fee2e2}"
	".card.failing{border-color:#fdba74;box-shadow:0 0 0 3px #ffedd5}"
	".card header{display:flex;flex-wrap:wrap;align-items:baseline;gap:4px 12px}"
	".card h3{font-size:19px;margin:0;overflow-wrap:anywhere}"
	".card h3 a{color:inherit;text-decoration:none}"
	".card .asof{color:var(--muted);font-size:13px}"
	".body{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr) 250px;"
	"gap:8px 22px;margin-top:8px}"
	"@media (max-width:1100px){.body{grid-template-columns:minmax(0,1fr) minmax(0,1fr)}"
	".totals{grid-column:1/-1}}"
	"@media (max-width:720px){.body{grid-template-columns:minmax(0,1fr)}}"
	"figure{margin:0;min-width:0}"
	"figcaption{font-size:12px;font-weight:600;color:var(--muted);"
	"text-transform:uppercase;letter-spacing:.05em}"
	"figcaption i{display:inline-block;width:10px;height:10px;border-radius:2px;"
	"margin-right:6px;vertical-align:-1px}"
	"figcaption .videos{background:var(--videos)}figcaption .views{background:var(--views)}"
	".totals{border-left:1px solid var(--line);padding-left:18px;margin:0}"
	".totals div{margin:0 0 7px}"
	".totals dt{font-size:11px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted)}"
	".totals dd{margin:0;font-variant-numeric:tabular-nums}"
	".totals dd{font-size:13px}.totals dd.big{font-size:18px;font-weight:700}"
	"svg.chart{display:block;width:100%;height:auto}"
	"svg text{font:11px system-ui,'DejaVu Sans',sans-serif;fill:var(--muted)}"
	"svg text.sub{fill:#9ca3af}"
	"svg text.empty{font-size:14px}"
	".grid line{stroke:#eef0f3}"
	".axis,.ticks line{stroke:#cbd5e1}"
	".line{fill:none;stroke-width:2;stroke-linejoin:round;stroke-linecap:round}"
	".line.videos{stroke:var(--videos)}.line.views{stroke:var(--views)}"
	".last.videos{fill:var(--videos)}.last.views{fill:var(--views)}"
	".usual .band{fill:#cbd5e1;opacity:.45}"
	".usual .base{fill:none;stroke:var(--usual);stroke-width:1.5;stroke-dasharray:5 3}"
	".window{fill:#fef3c7}"
	".mark line{stroke:var(--viral);stroke-width:1.4;stroke-dasharray:4 3}"
	".mark circle{fill:var(--viral);stroke:#fff;stroke-width:2}"
	".mark text{fill:var(--viral);font-weight:700}"
	".legend{color:var(--muted);font-size:12px;margin:6px 0 0}"
	".legend i{display:inline-block;width:14px;height:9px;margin:0 5px 0 14px;vertical-align:-1px}"
	".legend i:first-child{margin-left:0}"
	".legend .k-line{height:3px;vertical-align:2px;"
	"background:linear-gradient(90deg,var(--views) 50%,var(--videos) 50%)}"
	".legend .k-band{background:#cbd5e1;border-bottom:2px dashed var(--usual)}"
	".legend .k-alert{width:9px;border-radius:50%;background:var(--viral)}"
	".legend .k-alert.off{background:#d1d5db}"
	".legend .k-window{background:#fef3c7}"
	".note{color:var(--muted)}"
	"footer{color:var(--muted);font-size:12px;margin-top:28px}";

void html_escape(FILE *f, const char *s)
{
	chart_escape(f, s);
}

static bool compared(const struct html_row *r)
{
	return r->has_last && r->v && r->v->status == VERDICT_OK;
}

/* "2026-05-22 06:00 UTC" */
static void human_time(int64_t t, char *buf)
{
	char iso[TIME_BUF_SIZE];

	time_format(t, iso);
	snprintf(buf, TIME_BUF_SIZE, "%.10s %.5s UTC", iso, iso + 11);
}

static void count_text(int64_t v, bool sign, char *buf, size_t sz)
{
	char digits[32];

	if (!sign && !count_known(v)) {
		snprintf(buf, sz, "unknown");
		return;
	}
	fmt_thousands(v, digits, sizeof(digits));
	snprintf(buf, sz, "%s%s", sign && v > 0 ? "+" : "", digits);
}

/* A per-hour rate as a count with separators ("+8,332"); false when it cannot be shown. */
static bool rate_text(double v, bool sign, char *buf, size_t sz)
{
	if (!isfinite(v) || fabs(v) > 9.2e18)
		return false;
	count_text((int64_t)llround(v), sign, buf, sz);
	return true;
}

static const char *trend_class(bool has, double v)
{
	return !has ? "" : v > 0 ? " class=\"up\"" : v < 0 ? " class=\"down\"" : "";
}

static void td_none(FILE *f)
{
	fputs("<td class=\"none\">&ndash;", f);
}

static void td_count(FILE *f, bool has, int64_t v)
{
	char buf[40];

	if (!has) {
		td_none(f);
		return;
	}
	count_text(v, false, buf, sizeof(buf));
	fprintf(f, "<td>%s", buf);
}

/* What the window added, with its growth in percent below when there is one. */
static void td_delta(FILE *f, bool has, int64_t v, bool has_pct, double pct)
{
	char buf[40];

	if (!has) {
		td_none(f);
		return;
	}
	count_text(v, true, buf, sizeof(buf));
	fprintf(f, "<td%s>%s", trend_class(true, (double)v), buf);
	if (has_pct && isfinite(pct))
		fprintf(f, "<small>%+.1f%%</small>", pct);
}

static void td_rate(FILE *f, bool has, double v)
{
	char buf[40];

	if (!has || !rate_text(v, true, buf, sizeof(buf))) {
		td_none(f);
		return;
	}
	fprintf(f, "<td>%s", buf);
}

/* A campaign's sum of counts: "unknown" parts are left out and said ("2 of 3 known"). */
static void td_sum(FILE *f, const struct count_sum *s, bool sign)
{
	char buf[40];

	if (!count_sum_has(s)) {
		td_none(f);
		return;
	}
	count_text(s->sum, sign, buf, sizeof(buf));
	fprintf(f, "<td%s>%s", sign ? trend_class(true, (double)s->sum) : "", buf);
	if (s->unknown)
		fprintf(f, "<small title=\"the others' counts are unknown\">%zu of %zu known</small>",
			s->known, s->known + s->unknown);
}

/* VIRAL while firing, the status, and a failed fetch with its reason. */
static void badges(FILE *f, const struct html_row *r, bool reason)
{
	if (r->firing)
		fputs("<span class=\"badge viral\">VIRAL</span>", f);
	if (r->muted)
		fputs("<span class=\"badge muted\" title=\"its alerts are recorded, not sent\">"
		      "muted</span>", f);
	fputs("<span class=\"badge ", f);
	html_escape(f, r->status);
	fputs("\">", f);
	html_escape(f, r->status);
	fputs("</span>", f);
	if (r->failing && strcmp(r->status, "not-found") != 0)
		fputs("<span class=\"badge failing\">fetch failed</span>", f);
	if (reason && r->failing && r->error && r->error[0]) {
		fputs("<span class=\"err\">", f);
		html_escape(f, r->error);
		fputs("</span>", f);
	}
}

static void head(FILE *f, const struct html_page *p)
{
	char when[TIME_BUF_SIZE];

	human_time(p->generated_at, when);
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		"<meta name=\"generator\" content=\"hashtrack %s\">\n"
		"<title>hashtrack report &middot; %s</title>\n<style>%s</style>\n</head>\n",
		p->version, when, style);
}

/* The row with the largest video growth, or NULL. */
static const struct html_row *top_growth(const struct html_page *p)
{
	const struct html_row *top = NULL;

	for (size_t i = 0; i < p->n; i++) {
		const struct html_row *r = &p->rows[i];

		if (compared(r) && r->v->has_video_growth && isfinite(r->v->video_growth_pct) &&
		    (!top || r->v->video_growth_pct > top->v->video_growth_pct))
			top = r;
	}
	return top;
}

/* Rising: not firing, with a pace at least this many times its usual pace. */
#define HTML_RISING 1.5
/* Hashtags named in each of the summary's lists; the rest are counted. */
#define HTML_LISTED 12

static bool rising(const struct html_row *r)
{
	return !r->firing && r->has_ratio && isfinite(r->ratio) && r->ratio >= HTML_RISING;
}

/* Highest pace over usual first; ties (and rows without one) by name. */
static int by_ratio(const void *a, const void *b)
{
	const struct html_row *x = *(const struct html_row *const *)a;
	const struct html_row *y = *(const struct html_row *const *)b;
	bool hx = x->has_ratio && isfinite(x->ratio), hy = y->has_ratio && isfinite(y->ratio);

	if (hx != hy)
		return hx ? -1 : 1;
	if (hx && x->ratio != y->ratio)
		return x->ratio > y->ratio ? -1 : 1;
	return strcmp(x->tag, y->tag);
}

static void tag_link(FILE *f, const struct html_row *r)
{
	if (r->charted) {
		fputs("<a href=\"#tag-", f);
		html_escape(f, r->tag);
		fputs("\">#", f);
		html_escape(f, r->tag);
		fputs("</a>", f);
	} else {
		fputc('#', f);
		html_escape(f, r->tag);
	}
}

/* One of the summary's lists: the rows that pass keep, highest pace first. */
static void summary_list(FILE *f, const struct html_page *p, const struct html_row **scratch,
			 const char *title, const char *none, bool (*keep)(const struct html_row *))
{
	size_t n = 0;

	for (size_t i = 0; i < p->n; i++)
		if (keep(&p->rows[i]))
			scratch[n++] = &p->rows[i];
	qsort(scratch, n, sizeof(const struct html_row *), by_ratio);
	fprintf(f, "<div class=\"list\"><h3>%s <span>%zu</span></h3>", title, n);
	if (n == 0)
		fprintf(f, "<p class=\"note\">%s</p>", none);
	else
		fputs("<ul>", f);
	for (size_t i = 0; i < n && i < HTML_LISTED; i++) {
		const struct html_row *r = scratch[i];

		fputs("<li>", f);
		tag_link(f, r);
		if (r->failing) {
			fputs(" <small class=\"err\">", f);
			html_escape(f, r->error && r->error[0] ? r->error : r->status);
			fputs("</small>", f);
		} else if (r->has_ratio && isfinite(r->ratio)) {
			fprintf(f, " <b%s>%.1f&times;</b>", r->firing ? " class=\"fire\"" : "",
				r->ratio);
		}
		fputs("</li>", f);
	}
	if (n > HTML_LISTED)
		fprintf(f, "<li class=\"note\">and %zu more in the table below</li>", n - HTML_LISTED);
	fputs(n ? "</ul></div>" : "</div>", f);
}

static bool is_firing(const struct html_row *r) { return r->firing; }
static bool is_failing(const struct html_row *r) { return r->failing; }

/* One campaign's line: its hashtags, how many fire, rise and fail, and its new views. */
static void campaign_line(FILE *f, const struct html_page *p, const struct campaign_group *g)
{
	const struct campaign_totals *t = &g->totals;
	size_t up = 0, failing = 0;
	char a[32];

	for (size_t i = g->first; i < g->first + g->n; i++) {
		up += rising(&p->rows[i]);
		failing += p->rows[i].failing;
	}
	fputs("<tr><td>", f);
	if (g->campaign)
		html_escape(f, g->campaign);
	else
		fputs("<i>in no campaign</i>", f);
	fmt_thousands((int64_t)t->tags, a, sizeof(a));
	fprintf(f, "<td>%s<td%s>%zu<td>%zu<td%s>%zu", a, t->firing ? " class=\"fire\"" : "",
		t->firing, up, failing ? " class=\"down\"" : "", failing);
	td_sum(f, &t->new_views, true);
	fputc('\n', f);
}

/* A line per campaign, when any hashtag is in one. */
static void campaigns(FILE *f, const struct html_page *p)
{
	if (p->ngroups == 0)
		return;
	fputs("<h2>By campaign</h2>\n<div class=\"scroll\"><table class=\"all\">\n<thead><tr>"
	      "<th>Campaign</th><th>Hashtags</th><th>Firing</th><th>Rising</th><th>Failing</th>"
	      "<th>New views</th></tr></thead>\n<tbody>\n", f);
	for (size_t g = 0; g < p->ngroups; g++)
		campaign_line(f, p, &p->groups[g]);
	fputs("</tbody></table></div>\n", f);
}

static void summary(FILE *f, const struct html_page *p)
{
	const struct html_row *top = top_growth(p);
	const struct html_row **scratch = calloc(p->n ? p->n : 1, sizeof(const struct html_row *));
	size_t nviral = 0, nfailing = 0, nrising = 0;
	char when[TIME_BUF_SIZE], n[32], win[64];

	for (size_t i = 0; i < p->n; i++) {
		nviral += p->rows[i].firing;
		nfailing += p->rows[i].failing;
		nrising += rising(&p->rows[i]);
	}
	human_time(p->generated_at, when);
	duration_human(p->window, win, sizeof(win));
	fmt_thousands((int64_t)p->n, n, sizeof(n));
	fputs("<header>\n<h1>hashtrack <span>report</span></h1>\n", f);
	fprintf(f, "<p class=\"meta\">Generated %s &middot; growth over a window of %s</p>\n"
		"</header>\n<div class=\"stats\">", when, win);
	fprintf(f, "<div class=\"stat\"><b>%s</b><span>hashtags</span></div>", n);
	fprintf(f, "<div class=\"stat%s\"><b>%zu</b><span>viral now</span></div>",
		nviral ? " hot" : "", nviral);
	fprintf(f, "<div class=\"stat\"><b>%zu</b><span>rising</span></div>", nrising);
	fprintf(f, "<div class=\"stat%s\"><b>%zu</b><span>failing</span></div>",
		nfailing ? " fail" : "", nfailing);
	if (top) {
		fputs("<div class=\"stat\"><b>#", f);
		html_escape(f, top->tag);
		fprintf(f, " <span class=\"%s\">%+.1f%%</span></b><span>top video growth</span></div>",
			top->v->video_growth_pct >= 0 ? "up" : "down", top->v->video_growth_pct);
	}
	fprintf(f, "<div class=\"stat\"><b>%s</b><span>window</span></div></div>\n", win);
	if (!scratch) {
		fputs("<p class=\"err\">out of memory: the summary's lists are left out</p>\n", f);
		return;
	}
	if (p->n > 0) {
		fputs("<div class=\"lists\">", f);
		summary_list(f, p, scratch, "Firing now", "No hashtag is firing.", is_firing);
		summary_list(f, p, scratch, "Rising",
			     "No other hashtag is at 1.5&times; its usual pace or more.", rising);
		summary_list(f, p, scratch, "Failing", "Every fetch went through.", is_failing);
		fputs("</div>\n", f);
	}
	free(scratch);
	campaigns(f, p);
}

static const char *row_class(const struct html_row *r)
{
	if (r->firing && r->failing)
		return " class=\"viral failing\"";
	return r->firing ? " class=\"viral\"" : r->failing ? " class=\"failing\"" : "";
}

/*
 * One compact row: no chart and no closing tags HTML does not need, so that
 * 10,000 hashtags stay a page of a megabyte or two.
 */
static void table_row(FILE *f, const struct html_row *r)
{
	const struct verdict *v = r->v;
	bool ok = compared(r);
	char text[64];

	fprintf(f, "<tr%s><td>", row_class(r));
	if (r->charted) {
		fputs("<a href=\"#tag-", f);
		html_escape(f, r->tag);
		fputs("\">", f);
	}
	fputs("#", f);
	html_escape(f, r->tag);
	fputs(r->charted ? "</a><td>" : "<td>", f);
	if (r->firing || r->failing || r->muted || strcmp(r->status, "ok") != 0)
		badges(f, r, true);
	else
		fputs("ok", f);
	td_count(f, r->has_last && count_known(r->last.videos), r->last.videos);
	td_count(f, r->has_last && count_known(r->last.views), r->last.views);
	td_delta(f, ok && v->has_new_videos, ok ? v->new_videos : 0,
		 ok && v->has_video_growth, ok ? v->video_growth_pct : 0);
	td_delta(f, ok && v->has_new_views, ok ? v->new_views : 0,
		 ok && v->has_view_growth, ok ? v->view_growth_pct : 0);
	td_rate(f, ok && v->has_new_views && v->elapsed > 0, ok ? v->views_per_hour : 0);
	if (r->has_ratio && isfinite(r->ratio))
		fprintf(f, "<td%s>%.1f&times;", r->firing ? " class=\"fire\"" : "", r->ratio);
	else
		td_none(f);
	if (ok) {
		duration_human(v->elapsed, text, sizeof(text));
		fprintf(f, "<td>%s\n", text);
	} else {
		fputs("<td class=\"none\">&ndash;\n", f);
	}
}

/* Rows in blocks the browser lays out only when scrolled to: a long table paints at once. */
#define TABLE_BLOCK 200
/*
 * Rows in the table at most, whatever the number of hashtags: under half a
 * megabyte, and a page Chromium paints in a second or two. CSV has them all.
 */
#define TABLE_LIMIT 2000

static void table_head(FILE *f)
{
	fputs("<table class=\"all\"><thead><tr>"
	      "<th>Hashtag</th><th>Status</th><th>Videos</th><th>Views</th>"
	      "<th>New videos</th><th>New views</th><th>Views per hour</th>"
	      "<th title=\"the pace over its usual pace\">Pace vs usual</th><th>Window</th>"
	      "</tr></thead>\n<tbody>\n", f);
}

/* A campaign's heading, before its rows. */
static void group_head(FILE *f, const struct campaign_group *g)
{
	const struct campaign_totals *t = &g->totals;

	fputs("<tr class=\"group\"><th colspan=\"9\">", f);
	if (g->campaign) {
		fputs("Campaign ", f);
		html_escape(f, g->campaign);
	} else {
		fputs("No campaign", f);
	}
	fprintf(f, "<span>%zu hashtag%s</span></th></tr>\n", t->tags, t->tags == 1 ? "" : "s");
}

/* A campaign's totals, after its rows. */
static void group_total(FILE *f, const struct campaign_group *g)
{
	const struct campaign_totals *t = &g->totals;

	fputs("<tr class=\"total\"><td>Total<td>", f);
	if (t->firing)
		fprintf(f, "<span class=\"badge viral\">%zu VIRAL</span>", t->firing);
	if (t->muted)
		fprintf(f, "<span class=\"badge muted\">%zu muted</span>", t->muted);
	td_sum(f, &t->videos, false);
	td_sum(f, &t->views, false);
	td_sum(f, &t->new_videos, true);
	td_sum(f, &t->new_views, true);
	fputs("<td colspan=\"3\">\n", f);
}

/* The rows [first, first + n) of the table, in blocks; *shown counts the rows written. */
static void table_rows(FILE *f, const struct html_row *rows, size_t first, size_t n,
		       size_t *shown)
{
	for (size_t i = first; i < first + n && *shown < TABLE_LIMIT; i++, (*shown)++) {
		if (*shown > 0 && *shown % TABLE_BLOCK == 0)
			fputs("</tbody></table><table class=\"all more\"><tbody>\n", f);
		table_row(f, &rows[i]);
	}
}

/*
 * Blocks of TABLE_BLOCK rows, each its own fixed-layout table that the
 * browser lays out only when it is scrolled into view: a long table paints
 * at once. The first block has the column heads. With campaigns, each
 * campaign's rows have a heading and end with the campaign's totals.
 */
static void table(FILE *f, const struct html_page *p)
{
	size_t shown = 0;
	char n[32];

	fmt_thousands((int64_t)p->n, n, sizeof(n));
	fputs("<h2>All hashtags</h2>\n<div class=\"scroll\">", f);
	table_head(f);
	if (p->n == 0)
		fputs("<tr><td class=\"note\" colspan=\"9\">No hashtags to show. Track one with "
		      "<code>hashtrack add TAG</code>, then <code>hashtrack run</code>.\n", f);
	for (size_t g = 0; g < p->ngroups && shown < TABLE_LIMIT; g++) {
		group_head(f, &p->groups[g]);
		table_rows(f, p->rows, p->groups[g].first, p->groups[g].n, &shown);
		group_total(f, &p->groups[g]);
	}
	if (p->ngroups == 0)
		table_rows(f, p->rows, 0, p->n, &shown);
	fputs("</tbody></table></div>\n", f);
	if (p->n > TABLE_LIMIT)
		fprintf(f, "<p class=\"note\">The first %d of %s hashtags, in the table's order "
			"(<code>--sort pace</code> puts the fastest first); "
			"<code>hashtrack report --format csv</code> lists them all.</p>\n",
			TABLE_LIMIT, n);
}

/* "+1,000,000 views, usual 40,000" for one count, on its own line. */
static void pace_figure(FILE *f, const struct html_row *r, bool views)
{
	const struct verdict *v = r->v;
	bool has_rate = compared(r) && (views ? v->has_new_views : v->has_new_videos) &&
			v->elapsed > 0;
	bool has_usual = views ? r->has_usual_views : r->has_usual_videos;
	const char *what = views ? "views" : "videos";
	char now[40], usual[40];

	if (!has_rate || !rate_text(views ? v->views_per_hour : v->videos_per_hour, true, now,
				    sizeof(now)))
		fprintf(f, "<span class=\"none\">&ndash;</span> %s", what);
	else
		fprintf(f, "<b>%s</b> %s", now, what);
	if (has_usual && rate_text(views ? r->usual_views : r->usual_videos, false, usual,
				   sizeof(usual)))
		fprintf(f, ", usual %s", usual);
	fputs("<br>", f);
}

/* "+6,000,000 views (+12.3%)" */
static void delta_figure(FILE *f, bool has, int64_t v, bool has_pct, double pct, const char *what)
{
	char text[40];

	if (!has)
		return;
	count_text(v, true, text, sizeof(text));
	fprintf(f, "<span%s>%s %s</span>", trend_class(true, (double)v), text, what);
	if (has_pct && isfinite(pct))
		fprintf(f, " (%+.1f%%)", pct);
	fputs("<br>", f);
}

/* The totals beside the charts: the counts, what the window added, the pace now. */
static void totals(FILE *f, const struct html_row *r)
{
	const struct verdict *v = r->v;
	char a[40], b[40], win[64];

	count_text(r->last.views, false, a, sizeof(a));
	count_text(r->last.videos, false, b, sizeof(b));
	fprintf(f, "<dl class=\"totals\"><div><dt>Views</dt><dd class=\"big\">%s</dd></div>"
		"<div><dt>Videos</dt><dd class=\"big\">%s</dd></div>", a, b);
	if (compared(r) && (v->has_new_views || v->has_new_videos)) {
		duration_human(v->elapsed, win, sizeof(win));
		fprintf(f, "<div><dt>In the last %s</dt><dd>", win);
		delta_figure(f, v->has_new_views, v->new_views, v->has_view_growth,
			     v->view_growth_pct, "views");
		delta_figure(f, v->has_new_videos, v->new_videos, v->has_video_growth,
			     v->video_growth_pct, "videos");
		fputs("</dd></div>", f);
	}
	fputs("<div><dt>Per hour now", f);
	if (r->has_ratio && isfinite(r->ratio))
		fprintf(f, " &middot; <span%s>%.1f&times; usual</span>",
			r->firing ? " class=\"fire\"" : "", r->ratio);
	fputs("</dt><dd>", f);
	pace_figure(f, r, true);
	pace_figure(f, r, false);
	fputs("</dd></div></dl>", f);
}

static void panel(FILE *f, const struct html_row *r, bool views)
{
	char label[160];
	struct chart c = {
		.s = views ? r->views : r->videos, .views = views, .surge = r->surge,
		.t0 = r->snaps[0].ts, .t1 = r->snaps[r->nsnaps - 1].ts,
		.marks = r->alerts, .nmarks = r->nalerts, .label = label,
		.has_window = compared(r),
		.window_from = compared(r) ? r->v->base.ts : 0,
		.window_to = r->last.ts,
		.empty = r->nsnaps < 2 ? "a pace needs two snapshots" :
			 "no two snapshots that compare yet",
	};

	snprintf(label, sizeof(label), "new %s per hour of #%s over time, with its usual pace",
		 views ? "views" : "videos", r->tag);
	fprintf(f, "<figure><figcaption><i class=\"%s\"></i>New %s per hour</figcaption>",
		views ? "views" : "videos", views ? "views" : "videos");
	chart_svg(f, &c);
	fputs("</figure>", f);
}

static bool any_usual(const struct chart_series *s)
{
	for (size_t i = 0; i < s->nusual; i++)
		if (s->usual[i].known)
			return true;
	return false;
}

/* What the marks on the charts mean, in plain words. */
static void legend(FILE *f, const struct html_row *r)
{
	char win[64];

	fputs("<p class=\"legend\"><i class=\"k-line\"></i>pace between two runs", f);
	if (!any_usual(&r->views) && !any_usual(&r->videos))
		fputs("<i class=\"k-band\"></i>no usual pace yet: still learning", f);
	else if (r->surge > 1)
		fprintf(f, "<i class=\"k-band\"></i>usual pace (dashed) up to %g&times; it: "
			"a pace above the band is a surge", r->surge);
	else
		fputs("<i class=\"k-band\"></i>usual pace (dashed); the surge rule is off", f);
	if (r->nalerts == 0)
		fputs("<i class=\"k-alert off\"></i>no alert so far", f);
	else
		fprintf(f, "<i class=\"k-alert\"></i>alert%s (%zu)", r->nalerts == 1 ? "" : "s",
			r->nalerts);
	if (compared(r)) {
		duration_human(r->v->elapsed, win, sizeof(win));
		fprintf(f, "<i class=\"k-window\"></i>the report's window (%s)", win);
	}
	fputs("</p>\n", f);
}

static void card_head(FILE *f, const struct html_row *r)
{
	char *url = tag_url(r->tag);
	char when[TIME_BUF_SIZE];

	fprintf(f, "<section class=\"card%s%s\" id=\"tag-", r->firing ? " viral" : "",
		r->failing ? " failing" : "");
	html_escape(f, r->tag);
	fputs("\">\n<header><h3>", f);
	if (url) {
		fputs("<a href=\"", f);
		html_escape(f, url);
		fputs("\">", f);
	}
	fputs("#", f);
	html_escape(f, r->tag);
	fputs(url ? "</a></h3>" : "</h3>", f);
	free(url);
	badges(f, r, false);
	if (r->has_last) {
		human_time(r->last.ts, when);
		fprintf(f, "<span class=\"asof\">last snapshot %s</span>", when);
	}
	fputs("</header>\n", f);
	if (r->failing && r->error && r->error[0]) {
		fputs("<p class=\"err\">last fetch failed: ", f);
		html_escape(f, r->error);
		fputs("</p>\n", f);
	}
}

static void card(FILE *f, const struct html_row *r)
{
	card_head(f, r);
	if (r->nsnaps == 0 || !r->has_last) {
		fputs("<p class=\"note\">Nothing to chart until <code>hashtrack run</code> stores "
		      "a snapshot.</p>\n</section>\n", f);
		return;
	}
	fputs("<div class=\"body\">", f);
	panel(f, r, true);
	panel(f, r, false);
	totals(f, r);
	fputs("</div>\n", f);
	legend(f, r);
	fputs("</section>\n", f);
}

static void cards(FILE *f, const struct html_page *p)
{
	char n[32];

	if (p->ncards == 0)
		return;
	fmt_thousands((int64_t)p->n, n, sizeof(n));
	fputs("<h2>Pace over time</h2>\n", f);
	if (p->ncards < p->n)
		fprintf(f, "<p class=\"note\">Charts for the %zu of %s hashtags that tell most: "
			"firing first, then the highest pace over usual, then the highest growth. "
			"Name hashtags (<code>hashtrack report --format html TAG...</code>) to "
			"chart others.</p>\n", p->ncards, n);
	for (size_t i = 0; i < p->ncards; i++)
		if (p->rows[p->cards[i]].charted)
			card(f, &p->rows[p->cards[i]]);
}

int html_write(FILE *f, const struct html_page *p)
{
	head(f, p);
	fputs("<body>\n<main>\n", f);
	summary(f, p);
	cards(f, p);
	table(f, p);
	fprintf(f, "<footer>Made by hashtrack %s from its own database. This page is "
		"self-contained: no scripts, nothing fetched.</footer>\n</main>\n</body>\n</html>\n",
		p->version);
	return ferror(f) ? -1 : 0;
}
