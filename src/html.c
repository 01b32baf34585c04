/* html: the report page: head and style, summary, table, one card per hashtag. */
#include "html.h"

#include <math.h>
#include <stdlib.h>

#include "chart.h"
#include "duration.h"
#include "tag.h"
#include "timefmt.h"

static const char style[] =
	":root{--fg:#111827;--muted:#6b7280;--line:#e5e7eb;--bg:#f4f5f7;--card:#fff;"
	"--videos:#2563eb;--views:#0d9488;--viral:#dc2626;--up:#15803d;--down:#b45309}"
	"*{box-sizing:border-box}"
	"body{margin:0;background:var(--bg);color:var(--fg);"
	"font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif}"
	"main{max-width:1280px;margin:0 auto;padding:28px 28px 40px}"
	"h1{font-size:26px;margin:0 0 2px;letter-spacing:-.01em}"
	"h1 span{color:var(--muted);font-weight:400}"
	".meta{color:var(--muted);margin:0 0 20px}"
	".stats{display:flex;gap:12px;flex-wrap:wrap;margin:0 0 20px}"
	".stat{background:var(--card);border:1px solid var(--line);border-radius:12px;"
	"padding:12px 18px;min-width:170px}"
	".stat b{display:block;font-size:22px;line-height:1.3;white-space:nowrap}"
	".stat span{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.05em}"
	".stat.hot b{color:var(--viral)}"
	"h2{font-size:17px;margin:28px 0 10px}"
	".scroll{overflow-x:auto;border:1px solid var(--line);border-radius:12px;background:var(--card)}"
	"table{width:100%;border-collapse:collapse}"
	"th,td{padding:8px 12px;text-align:right;white-space:nowrap;border-bottom:1px solid var(--line)}"
	"tr:last-child td{border-bottom:0}"
	"th{font-size:11px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);"
	"background:#f9fafb;font-weight:600}"
	"th.l,td.l{text-align:left}"
	"td{font-variant-numeric:tabular-nums}"
	"td.tag a{color:var(--fg);font-weight:600;text-decoration:none}"
	"tr.viral td{background:#fef2f2}"
	".up{color:var(--up)}.down{color:var(--down)}.none{color:#c0c4cc}"
	".badge{display:inline-block;padding:1px 9px;border-radius:999px;font-size:12px;"
	"font-weight:600;background:#eef0f3;color:var(--muted)}"
	".badge.ok{background:#dcfce7;color:#166534}"
	".badge.viral{background:var(--viral);color:#fff}"
	".badge.incomparable{background:#fef3c7;color:#92400e}"
	".badge.not-found{background:#fee2e2;color:#991b1b}"
	"svg.spark{display:block;margin-left:auto}"
	"svg.spark polyline{fill:none;stroke:var(--videos);stroke-width:1.6;"
	"stroke-linejoin:round;stroke-linecap:round}"
	"svg.spark.viral polyline{stroke:var(--viral)}"
	".card{background:var(--card);border:1px solid var(--line);border-radius:14px;"
	"padding:16px 20px 12px;margin:0 0 18px}"
	".card.viral{border-color:#fca5a5;box-shadow:0 0 0 3px #fee2e2}"
	".card header{display:flex;flex-wrap:wrap;align-items:baseline;gap:6px 14px}"
	".card h3{font-size:19px;margin:0}"
	".card h3 a{color:inherit;text-decoration:none}"
	".card .figures{color:var(--muted)}"
	".card .figures b{color:var(--fg)}"
	".panels{display:grid;grid-template-columns:1fr 1fr;gap:8px 24px;margin-top:10px}"
	"@media (max-width:900px){.panels{grid-template-columns:1fr}}"
	".panel h4{margin:0;font-size:12px;font-weight:600;color:var(--muted);"
	"text-transform:uppercase;letter-spacing:.05em}"
	".panel h4 i{display:inline-block;width:10px;height:10px;border-radius:2px;"
	"margin-right:6px;vertical-align:-1px}"
	".panel h4 .videos{background:var(--videos)}.panel h4 .views{background:var(--views)}"
	"svg.chart{display:block;width:100%;height:auto}"
	"svg text{font:11px system-ui,'DejaVu Sans',sans-serif;fill:var(--muted)}"
	"svg text.sub{fill:#9ca3af}"
	"svg text.empty{font-size:14px}"
	".grid line{stroke:#eef0f3}"
	".axis,.ticks line{stroke:#cbd5e1}"
	".line{fill:none;stroke-width:2.2;stroke-linejoin:round;stroke-linecap:round}"
	".line.videos{stroke:var(--videos)}.line.views{stroke:var(--views)}"
	".area{stroke:none;opacity:.10}"
	".area.videos{fill:var(--videos)}.area.views{fill:var(--views)}"
	".last.videos{fill:var(--videos)}.last.views{fill:var(--views)}"
	".window{fill:#fef3c7}"
	".mark line{stroke:var(--viral);stroke-width:1.4;stroke-dasharray:4 3}"
	".mark circle{fill:var(--viral);stroke:#fff;stroke-width:2}"
	".mark text{fill:var(--viral);font-weight:700}"
	".legend{color:var(--muted);font-size:12px;margin:4px 0 0}"
	".legend .dot{display:inline-block;width:9px;height:9px;border-radius:50%;"
	"background:var(--viral);margin:0 5px 0 0;vertical-align:-1px}"
	".legend .dot.off{background:#d1d5db}"
	".legend .band{display:inline-block;width:14px;height:9px;background:#fef3c7;"
	"margin:0 5px 0 14px;vertical-align:-1px}"
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

static bool viral(const struct html_row *r)
{
	return compared(r) && r->v->viral;
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

/* A table cell: a number with its trend's colour, or a dash. */
static void td_count(FILE *f, bool has, int64_t v, bool sign)
{
	char buf[40];

	if (!has) {
		fputs("<td class=\"none\">&ndash;</td>", f);
		return;
	}
	count_text(v, sign, buf, sizeof(buf));
	fprintf(f, "<td%s>%s</td>", !sign ? "" : v > 0 ? " class=\"up\"" : v < 0 ?
		" class=\"down\"" : "", buf);
}

static void td_pct(FILE *f, bool has, double v)
{
	if (!has || !isfinite(v)) {
		fputs("<td class=\"none\">&ndash;</td>", f);
		return;
	}
	fprintf(f, "<td%s>%+.1f%%</td>", v > 0.05 ? " class=\"up\"" : v < -0.05 ?
		" class=\"down\"" : "", v);
}

static void td_rate(FILE *f, bool has, double v)
{
	char buf[40];

	if (!has || !isfinite(v) || fabs(v) > 9.2e18) {
		fputs("<td class=\"none\">&ndash;</td>", f);
		return;
	}
	count_text((int64_t)llround(v), true, buf, sizeof(buf));
	fprintf(f, "<td>%s</td>", buf);
}

static void badge(FILE *f, const struct html_row *r)
{
	if (viral(r))
		fputs("<span class=\"badge viral\">VIRAL</span>", f);
	else
		fprintf(f, "<span class=\"badge %s\">%s</span>", r->status, r->status);
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

static size_t count_viral(const struct html_page *p)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n; i++)
		n += viral(&p->rows[i]);
	return n;
}

/* The row with the largest video growth, or NULL. */
static const struct html_row *top_growth(const struct html_page *p)
{
	const struct html_row *top = NULL;

	for (size_t i = 0; i < p->n; i++) {
		const struct html_row *r = &p->rows[i];

		if (compared(r) && r->v->has_video_growth &&
		    (!top || r->v->video_growth_pct > top->v->video_growth_pct))
			top = r;
	}
	return top;
}

static void summary(FILE *f, const struct html_page *p)
{
	const struct html_row *top = top_growth(p);
	size_t nviral = count_viral(p);
	char when[TIME_BUF_SIZE], n[32];

	human_time(p->generated_at, when);
	fmt_thousands((int64_t)p->n, n, sizeof(n));
	fputs("<header>\n<h1>hashtrack <span>report</span></h1>\n", f);
	fprintf(f, "<p class=\"meta\">Generated %s &middot; growth over a window of ", when);
	html_escape(f, p->window);
	fputs("</p>\n</header>\n<div class=\"stats\">", f);
	fprintf(f, "<div class=\"stat\"><b>%s</b><span>hashtags</span></div>", n);
	fprintf(f, "<div class=\"stat%s\"><b>%zu</b><span>viral now</span></div>",
		nviral ? " hot" : "", nviral);
	if (top) {
		fputs("<div class=\"stat\"><b>#", f);
		html_escape(f, top->tag);
		fprintf(f, " <span class=\"%s\">%+.1f%%</span></b><span>top video growth</span></div>",
			top->v->video_growth_pct >= 0 ? "up" : "down", top->v->video_growth_pct);
	}
	fputs("<div class=\"stat\"><b>", f);
	html_escape(f, p->window);
	fputs("</b><span>window</span></div></div>\n", f);
}

static void table_row(FILE *f, const struct html_row *r)
{
	const struct verdict *v = r->v;
	bool ok = compared(r);
	char elapsed[32] = "";

	fprintf(f, "<tr%s><td class=\"l tag\">", viral(r) ? " class=\"viral\"" : "");
	if (r->charted) {
		fputs("<a href=\"#tag-", f);
		html_escape(f, r->tag);
		fputs("\">", f);
	}
	fputs("#", f);
	html_escape(f, r->tag);
	fputs(r->charted ? "</a></td><td>" : "</td><td>", f);
	chart_sparkline_svg(f, r->recent, r->nrecent, viral(r));
	fputs("</td>", f);
	td_count(f, r->has_last && count_known(r->last.videos), r->last.videos, false);
	td_count(f, r->has_last && count_known(r->last.views), r->last.views, false);
	td_count(f, ok && v->has_new_videos, ok ? v->new_videos : 0, true);
	td_count(f, ok && v->has_new_views, ok ? v->new_views : 0, true);
	td_pct(f, ok && v->has_video_growth, ok ? v->video_growth_pct : 0);
	td_pct(f, ok && v->has_view_growth, ok ? v->view_growth_pct : 0);
	td_rate(f, ok && v->elapsed > 0, ok ? v->views_per_hour : 0);
	if (ok)
		duration_format(v->elapsed, elapsed, sizeof(elapsed));
	fprintf(f, "<td>%s</td><td class=\"l\">", ok ? elapsed : "<span class=\"none\">&ndash;</span>");
	badge(f, r);
	fputs("</td></tr>\n", f);
}

static void table(FILE *f, const struct html_page *p)
{
	fputs("<h2>Hashtags</h2>\n<div class=\"scroll\"><table>\n<thead><tr>"
	      "<th class=\"l\">Hashtag</th><th>Trend</th><th>Videos</th><th>Views</th>"
	      "<th>New videos</th><th>New views</th><th>Videos %</th><th>Views %</th>"
	      "<th>Views/h</th><th>Window</th><th class=\"l\">Status</th></tr></thead>\n<tbody>\n",
	      f);
	if (p->n == 0)
		fputs("<tr><td class=\"l note\" colspan=\"11\">No hashtags to show. Track one with "
		      "<code>hashtrack add TAG</code>, then <code>hashtrack run</code>.</td></tr>\n", f);
	for (size_t i = 0; i < p->n; i++)
		table_row(f, &p->rows[i]);
	fputs("</tbody></table></div>\n", f);
}

static void card_figures(FILE *f, const struct html_row *r)
{
	const struct verdict *v = r->v;
	char a[40], b[40], when[TIME_BUF_SIZE], win[32];

	fputs("<span class=\"figures\">", f);
	if (!r->has_last) {
		fputs("no snapshot yet</span>", f);
		return;
	}
	count_text(r->last.videos, false, a, sizeof(a));
	count_text(r->last.views, false, b, sizeof(b));
	human_time(r->last.ts, when);
	fprintf(f, "<b>%s</b> videos &middot; <b>%s</b> views &middot; %s", a, b, when);
	if (compared(r) && v->has_new_videos) {
		count_text(v->new_videos, true, a, sizeof(a));
		duration_format(v->elapsed, win, sizeof(win));
		fprintf(f, " &middot; <b>%s</b> videos in %s", a, win);
		if (v->has_video_growth)
			fprintf(f, " (%+.1f%%)", v->video_growth_pct);
	}
	fputs("</span>", f);
}

static void panel(FILE *f, const struct html_row *r, bool views)
{
	const char *kind = views ? "views" : "videos";
	char label[TAG_BUF_SIZE + 64];
	struct chart c = {
		.snaps = r->snaps, .n = r->nsnaps, .views = views,
		.marks = r->alerts, .nmarks = r->nalerts, .label = label,
		.has_window = compared(r),
		.window_from = compared(r) ? r->v->base.ts : 0,
		.window_to = r->last.ts,
	};

	snprintf(label, sizeof(label), "%s count of #%s over time", views ? "view" : "video",
		 r->tag);
	fprintf(f, "<div class=\"panel\"><h4><i class=\"%s\"></i>%s</h4>", kind,
		views ? "Views" : "Videos");
	chart_svg(f, &c);
	fputs("</div>", f);
}

static void card(FILE *f, const struct html_row *r)
{
	char *url = tag_url(r->tag);

	fputs(viral(r) ? "<section class=\"card viral\" id=\"tag-" : "<section class=\"card\" id=\"tag-",
	      f);
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
	badge(f, r);
	card_figures(f, r);
	fputs("</header>\n", f);
	if (r->nsnaps == 0) {
		fputs("<p class=\"note\">Nothing to chart until <code>hashtrack run</code> stores "
		      "a snapshot.</p>\n</section>\n", f);
		return;
	}
	fputs("<div class=\"panels\">", f);
	panel(f, r, false);
	panel(f, r, true);
	fputs("</div>\n<p class=\"legend\">", f);
	if (r->nalerts == 0)
		fputs("<span class=\"dot off\"></span>no viral alert so far", f);
	else
		fprintf(f, "<span class=\"dot\"></span>viral alert%s (%zu)",
			r->nalerts == 1 ? "" : "s", r->nalerts);
	if (compared(r))
		fputs("<span class=\"band\"></span>the report's window", f);
	fputs("</p>\n</section>\n", f);
}

static void cards(FILE *f, const struct html_page *p)
{
	size_t charted = 0;

	for (size_t i = 0; i < p->n; i++)
		charted += p->rows[i].charted;
	if (charted == 0)
		return;
	fputs("<h2>Over time</h2>\n", f);
	if (charted < p->n)
		fprintf(f, "<p class=\"note\">Charts for the first %zu of %zu hashtags, in the "
			"table's order. Name hashtags, or use --min-growth, to chart others.</p>\n",
			charted, p->n);
	for (size_t i = 0; i < p->n; i++)
		if (p->rows[i].charted)
			card(f, &p->rows[i]);
}

int html_write(FILE *f, const struct html_page *p)
{
	head(f, p);
	fputs("<body>\n<main>\n", f);
	summary(f, p);
	table(f, p);
	cards(f, p);
	fprintf(f, "<footer>Made by hashtrack %s from its own database. This page is "
		"self-contained: no scripts, nothing fetched.</footer>\n</main>\n</body>\n</html>\n",
		p->version);
	return ferror(f) ? -1 : 0;
}
