"""Campaigns and muting (interface.md, "Commands", "Channels, campaigns, muting",
"`report`..." and "Detection").

A tag belongs to at most one campaign (add --campaign); list, report and
backtest show one campaign with --campaign; the report's table and page group
tags by campaign with totals. A muted tag is fetched and judged as usual, its
alerts are recorded as `muted` and never reach the webhook (the simulator's
receiver), and the mute ends by time.
"""

import csv
import io
import unicodedata

from . import test_newcomer
from .harness import T0, HashtrackTest, at, counts

H = 6  # hours between runs

CJK_TAG = "日本語" * 33 + "字"          # 100 characters, each two columns wide
UNDERSCORE_TAG = "_" * 100
CJK_CAMPAIGN = "春のセール"


def launch(i):
    """A tag that crosses min_new_videos (+480 videos) at run 3 and keeps that pace."""
    videos = [1000, 1010, 1020, 1500, 1980, 2460][min(i, 5)]
    return counts(str(videos), str(1000000 + videos * 50), shape=1)


def calm(i):
    """A tag growing by one video a run: never an alert."""
    return counts(str(5000 + i), str(900000 + 100 * i), shape=1)


def width(text):
    """Display width on a terminal: wide and full-width characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


class CampaignTest(HashtrackTest):

    def setUp(self):
        super().setUp()
        self.write_config(alert_format="json", alert_webhook=self.hook_url("json"))

    def replay(self, series, runs, before_run=None):
        """Run at T0 + H*i for i < runs, each tag answering series[tag](i)."""
        for i in range(runs):
            self.tags(**{tag: f(i) for tag, f in series.items()})
            if before_run:
                before_run(i)
            self.run_at(at(H * i))

    def campaigns(self, now=None):
        return {t["hashtag"]: t["campaign"] for t in self.list_tags(now=now)}

    def posted(self):
        return [(b["hashtag"], b["event"]) for b in self.webhook_bodies()]

    def stored(self):
        return [(a["hashtag"], a["event"], a["status"]) for a in self.alert_rows()]


class AddCampaign(CampaignTest):

    def test_add_sets_changes_keeps_and_removes_a_campaign(self):
        self.ok("add", "promo_a", "promo_b", "--campaign", "  Spring Sale ")
        self.ok("add", "other")
        self.assertEqual(self.campaigns(),
                         {"promo_a": "Spring Sale", "promo_b": "Spring Sale", "other": None})
        # re-adding without --campaign (with or without rule flags) leaves it as it is
        self.ok("add", "promo_a")
        self.ok("add", "promo_b", "--min-videos", "10")
        self.assertEqual(self.campaigns()["promo_a"], "Spring Sale")
        self.assertEqual(self.campaigns()["promo_b"], "Spring Sale")
        # at most one campaign: a new one replaces the old
        self.ok("add", "promo_a", "--campaign", "Autumn")
        self.assertEqual(self.campaigns()["promo_a"], "Autumn")
        # '' takes it out
        self.ok("add", "promo_a", "--campaign", "")
        self.assertIsNone(self.campaigns()["promo_a"])
        self.assertEqual(self.list_tags()[0]["min_new_videos"], 200, "rules left alone")

    def test_a_campaign_name_is_nfc_and_case_is_kept(self):
        self.ok("add", "a", "--campaign", "Cafe\u0301 Launch")
        self.ok("add", "b", "--campaign", "Caf\u00e9 Launch")
        self.assertEqual(set(self.campaigns().values()), {"Caf\u00e9 Launch"})
        (row,) = self.ht_json("list", "--format", "json", "--campaign", "Cafe\u0301 Launch")[:1]
        self.assertEqual(row["campaign"], "Caf\u00e9 Launch")

    def test_an_invalid_campaign_is_refused_naming_the_character_and_adds_nothing(self):
        cases = [
            ("a,b", "','"),
            ("semi;colon", "';'"),
            ("tab\there", "U+0009"),
            ("zero\u200bwidth", "U+200B"),
            ("x" * 65, "at most 64"),
            ("   ", "empty campaign"),
        ]
        for name, frag in cases:
            with self.subTest(name=name):
                cp = self.assert_exit(self.ht("add", "newtag", "--campaign", name), 2)
                self.assertIn(frag, cp.stderr)
                self.assertIn("--campaign", cp.stderr)
                self.assertEqual(len(cp.stderr.splitlines()), 1, cp.stderr)
        self.assertEqual(self.list_tags(), [], "nothing was added")

    def test_100_character_cjk_tag_and_underscore_tag_in_a_cjk_campaign(self):
        self.ok("add", CJK_TAG, UNDERSCORE_TAG, "_vibe_", "--campaign", CJK_CAMPAIGN)
        self.assertEqual(self.campaigns(),
                         {CJK_TAG: CJK_CAMPAIGN, UNDERSCORE_TAG: CJK_CAMPAIGN,
                          "_vibe_": CJK_CAMPAIGN})
        self.assertEqual(self.ok("add", "x", "--campaign", "字" * 64).stderr, "")
        self.assert_exit(self.ht("add", "y", "--campaign", "字" * 65), 2)


class FilterByCampaign(CampaignTest):

    def setUp(self):
        super().setUp()
        self.ok("add", "promo_a", "promo_b", "--campaign", "Spring Sale")
        self.ok("add", "fall_a", "--campaign", "Autumn")
        self.ok("add", "other")
        self.replay({"promo_a": launch, "promo_b": launch, "fall_a": launch, "other": calm}, 4)

    def test_list_shows_one_campaign_or_the_tags_in_none(self):
        rows = self.ht_json("list", "--format", "json", "--campaign", "Spring Sale")
        self.assertEqual([r["hashtag"] for r in rows], ["promo_a", "promo_b"])
        rows = self.ht_json("list", "--format", "json", "--campaign", "")
        self.assertEqual([r["hashtag"] for r in rows], ["other"])
        table = self.ok("list", "--campaign", "Autumn").stdout.splitlines()
        self.assertIn("CAMPAIGN", table[0])
        self.assertIn("MUTED UNTIL", table[0])
        self.assertEqual(len(table), 2)
        self.assertTrue(table[1].startswith("fall_a "))
        self.assertIn("Autumn", table[1])
        rows = list(csv.DictReader(io.StringIO(self.ok("list", "--format", "csv").stdout)))
        self.assertEqual({r["hashtag"]: r["campaign"] for r in rows},
                         {"promo_a": "Spring Sale", "promo_b": "Spring Sale",
                          "fall_a": "Autumn", "other": ""})

    def test_report_shows_one_campaign(self):
        rep = self.report(at(18), "--campaign", "Spring Sale")
        self.assertEqual([h["hashtag"] for h in rep["hashtags"]], ["promo_a", "promo_b"])
        self.assertEqual({h["campaign"] for h in rep["hashtags"]}, {"Spring Sale"})

    def test_backtest_shows_one_campaign(self):
        got = self.ht_json("backtest", "--format", "json", "--campaign", "Autumn", now=at(18))
        self.assertEqual([(a["hashtag"], a["event"]) for a in got], [("fall_a", "viral")])
        every = self.ht_json("backtest", "--format", "json", now=at(18))
        self.assertEqual(sorted(a["hashtag"] for a in every), ["fall_a", "promo_a", "promo_b"])

    def test_an_unknown_campaign_is_said_and_exits_1(self):
        for cmd in (["list"], ["report"], ["backtest"]):
            with self.subTest(cmd=cmd[0]):
                cp = self.assert_exit(self.ht(*cmd, "--campaign", "Winter", now=at(18)), 1)
                self.assertIn("no tracked hashtag is in campaign 'Winter'", cp.stderr)
                self.assertEqual(cp.stdout, "")

    def test_tags_and_campaign_together_are_a_usage_error(self):
        for cmd in ("report", "backtest"):
            with self.subTest(cmd=cmd):
                cp = self.assert_exit(self.ht(cmd, "--campaign", "Autumn", "promo_a"), 2)
                self.assertIn("not both", cp.stderr)

    def test_a_bad_campaign_filter_is_a_usage_error(self):
        cp = self.assert_exit(self.ht("report", "--campaign", "a,b"), 2)
        self.assertIn("','", cp.stderr)


class ReportGroups(CampaignTest):

    def setUp(self):
        super().setUp()
        self.ok("add", "promo_a", "promo_b", "--campaign", "Spring Sale")
        self.ok("add", "fall_a", "--campaign", "Autumn")
        self.ok("add", "other")

        def half_known(i):
            # videos unknown: the campaign's video totals are over the known ones only
            return counts(None, str(2000000 + 10000 * i), shape=1)

        self.replay({"promo_a": launch, "promo_b": half_known, "fall_a": launch,
                     "other": calm}, 4)

    def lines(self, *args):
        return self.ok("report", *args, now=at(18)).stdout.splitlines()

    def test_the_table_groups_by_campaign_in_name_order_with_no_campaign_last(self):
        lines = self.lines()
        heads = [line.rstrip() for line in lines
                 if line.startswith("campaign: ") or line.startswith("no campaign")]
        self.assertEqual(heads, ["campaign: Autumn", "campaign: Spring Sale", "no campaign"])
        order = [line.split()[0] for line in lines if line.startswith("#")]
        self.assertEqual(order, ["#fall_a", "#promo_a", "#promo_b", "#other"])
        # each group ends with its totals
        totals = [line for line in lines if line.startswith("total: ")]
        self.assertEqual(len(totals), 3)
        self.assertTrue(totals[0].startswith("total: 1 hashtag "))
        self.assertTrue(totals[1].startswith("total: 2 hashtags "))

    def test_totals_add_known_counts_and_say_when_some_were_unknown(self):
        lines = self.lines()
        spring = next(line for line in lines if line.startswith("total: 2 hashtags"))
        # videos: promo_a 1,500 known, promo_b unknown -> over 1 of 2, never read as 0
        self.assertIn("1,500 (1 of 2)", spring)
        # views: 1,075,000 + 2,030,000, both known
        self.assertIn("3,105,000", spring)
        self.assertNotIn("3,105,000 (", spring)
        # new videos +480 over 1 of 2; new views +24,000 + 10,000
        self.assertIn("+480 (1 of 2)", spring)
        self.assertIn("+34,000", spring)
        self.assertIn("1 VIRAL", spring)
        autumn = next(line for line in lines if line.startswith("total: 1 hashtag "))
        self.assertIn("1,075,000", autumn)
        self.assertNotIn("(", autumn)

    def test_the_totals_line_up_with_the_columns(self):
        lines = self.lines()
        header = lines[0]
        end = width(header[:header.index("VIEWS ") + len("VIEWS")])
        for line in lines:
            if line.startswith("total: 2 hashtags"):
                cut = line[:line.index("3,105,000") + len("3,105,000")]
                self.assertEqual(width(cut), end, "VIEWS is right-aligned\n" + "\n".join(lines))

    def test_json_and_csv_keep_one_row_per_tag_with_its_campaign(self):
        rep = self.report(at(18))
        self.assertEqual([(h["hashtag"], h["campaign"]) for h in rep["hashtags"]],
                         [("fall_a", "Autumn"), ("other", None), ("promo_a", "Spring Sale"),
                          ("promo_b", "Spring Sale")])
        self.assertEqual(set(rep), {"generated_at", "window", "hashtags"})
        out = self.ok("report", "--format", "csv", now=at(18)).stdout
        rows = list(csv.DictReader(io.StringIO(out)))
        self.assertEqual([(r["hashtag"], r["campaign"]) for r in rows],
                         [("fall_a", "Autumn"), ("other", ""), ("promo_a", "Spring Sale"),
                          ("promo_b", "Spring Sale")])
        self.assertNotIn("total", out)

    def test_the_html_page_groups_by_campaign_with_a_totals_row(self):
        page = self.ok("report", "--format", "html", now=at(18)).stdout
        page = page[page.index("<h2>All hashtags</h2>"):]      # the table, after summary and charts
        a = page.index("Campaign Autumn")
        s = page.index("Campaign Spring Sale")
        n = page.index("No campaign")
        self.assertLess(a, s)
        self.assertLess(s, n)
        self.assertLess(page.index(">#fall_a<"), s)
        self.assertLess(s, page.index(">#promo_a<"))
        self.assertLess(page.index(">#promo_b<"), n)
        self.assertLess(n, page.index(">#other<"))
        self.assertEqual(page.count('<tr class="total">'), 3)
        spring = page[s:n]
        self.assertIn("1 of 2 known", spring)
        self.assertIn("3,105,000", spring)

    def test_the_html_escapes_a_campaign_name(self):
        self.ok("add", "promo_a", "--campaign", "<b>&co</b>")
        page = self.ok("report", "--format", "html", now=at(18)).stdout
        self.assertIn("Campaign &lt;b&gt;&amp;co&lt;/b&gt;", page)
        self.assertNotIn("<b>&co", page)


class ReportWithoutCampaigns(CampaignTest):

    def test_a_report_with_no_campaign_is_not_grouped(self):
        self.ok("add", "one", "two")
        self.replay({"one": calm, "two": launch}, 2)
        lines = self.ok("report", now=at(6)).stdout.splitlines()
        self.assertEqual(len(lines), 3, lines)
        self.assertTrue(lines[1].startswith("#one"))
        self.assertTrue(lines[2].startswith("#two"))
        page = self.ok("report", "--format", "html", now=at(6)).stdout
        self.assertNotIn('class="group"', page)
        self.assertNotIn('<tr class="total">', page)


class Muting(CampaignTest):

    def test_a_muted_tags_alert_is_recorded_muted_and_never_posted(self):
        self.ok("add", "promo", "--campaign", "Spring Sale")
        self.ok("add", "news")

        def mute_promo(i):
            if i == 2:
                self.ok("mute", "promo", "--for", "1d", "--reason", "our own promo",
                        now=at(H * i))

        self.replay({"promo": launch, "news": launch}, 4, before_run=mute_promo)
        self.assertEqual(self.posted(), [("news", "viral")])
        self.assertEqual(sorted(self.stored()),
                         [("news", "viral", "sent"), ("promo", "viral", "muted")])
        alerts = {a["hashtag"]: a for a in self.alerts(now=at(18))}
        self.assertEqual(alerts["promo"]["status"], "muted")
        self.assertEqual(alerts["promo"]["campaign"], "Spring Sale")
        self.assertIsNone(alerts["news"]["campaign"])
        self.assertEqual(alerts["promo"]["attempts"], 0)
        self.assertEqual(self.alerts("--pending", now=at(18)), [])
        # list shows until when, and why
        row = {t["hashtag"]: t for t in self.list_tags(now=at(18))}
        self.assertEqual(row["promo"]["muted_until"], at(12 + 24))
        self.assertEqual(row["promo"]["mute_reason"], "our own promo")
        self.assertIsNone(row["news"]["muted_until"])
        # the report says muted, and still viral: the tag's edge evolved as usual
        promo = self.report_of(at(18), "promo")
        self.assertEqual(promo["state"], "muted")
        self.assertTrue(promo["viral"])
        self.assertEqual(self.report_of(at(18), "news")["state"], "firing")
        # the next run sends nothing more for it, and the muted alert is never retried
        self.tags(promo=launch(4), news=launch(4))
        self.run_at(at(24))
        self.assertEqual(self.posted(), [("news", "viral")])

    def test_unmuting_a_firing_tag_raises_no_stale_alert(self):
        self.ok("add", "promo")
        self.ok("mute", "promo", "--for", "1d", now=T0)
        self.replay({"promo": launch}, 4)
        self.assertEqual(self.stored(), [("promo", "viral", "muted")])
        self.ok("unmute", "promo", now=at(20))
        self.assertIsNone(self.list_tags(now=at(20))[0]["muted_until"])
        # still growing as fast: the tag is firing since 18h, so no new alert
        self.tags(promo=launch(4))
        self.run_at(at(24))
        self.assertEqual(self.posted(), [])
        self.assertEqual(self.report_of(at(24), "promo")["state"], "firing")

    def test_a_mute_ends_by_time(self):
        self.ok("add", "promo")
        cp = self.ok("mute", "promo", "--for", "12h", now=T0)
        self.assertEqual(cp.stdout + cp.stderr, "", "quiet on a pipe")
        self.assertEqual(self.list_tags(now=at(6))[0]["muted_until"], at(12))
        self.assertIsNone(self.list_tags(now=at(12))[0]["muted_until"], "over at 12h")
        self.replay({"promo": launch}, 4)
        self.assertEqual(self.posted(), [("promo", "viral")])
        self.assertEqual(self.stored(), [("promo", "viral", "sent")])
        self.assertEqual(self.report_of(at(18), "promo")["state"], "firing")

    def test_a_calmed_notice_while_muted_is_muted_too(self):
        self.ok("add", "promo")
        self.ok("mute", "promo", "--for", "2d", now=T0)

        def fade(i):
            return launch(i) if i < 4 else counts("1990", str(1000000 + 1990 * 50), shape=1)

        self.replay({"promo": fade}, 6)
        self.assertEqual(self.stored(), [("promo", "viral", "muted"),
                                         ("promo", "calmed", "muted")])
        self.assertEqual(self.posted(), [])

    def test_mute_and_unmute_by_campaign(self):
        self.ok("add", "promo_a", "promo_b", "--campaign", "Spring Sale")
        self.ok("add", "other")
        self.ok("mute", "--campaign", "Spring Sale", "--for", "2w", now=T0)
        until = {t["hashtag"]: t["muted_until"] for t in self.list_tags(now=T0)}
        self.assertEqual(until, {"promo_a": "2026-06-05T00:00:00Z",
                                 "promo_b": "2026-06-05T00:00:00Z", "other": None})
        table = self.ok("list", now=T0).stdout
        self.assertIn("2026-06-05T00:00:00Z", table)
        self.ok("unmute", "--campaign", "Spring Sale", now=at(1))
        self.assertEqual({t["muted_until"] for t in self.list_tags(now=at(1))}, {None})

    def test_mute_names_an_untracked_tag_mutes_the_others_and_exits_1(self):
        self.ok("add", "known", "also")
        cp = self.assert_exit(self.ht("mute", "known", "ghost", "also", "--for", "1d", now=T0), 1)
        self.assertIn("#ghost is not tracked", cp.stderr)
        self.assertEqual(len(cp.stderr.splitlines()), 1, cp.stderr)
        until = {t["hashtag"]: t["muted_until"] for t in self.list_tags(now=T0)}
        self.assertEqual(until, {"known": at(24), "also": at(24)})
        cp = self.assert_exit(self.ht("unmute", "ghost", "known", now=T0), 1)
        self.assertIn("#ghost is not tracked", cp.stderr)
        until = {t["hashtag"]: t["muted_until"] for t in self.list_tags(now=T0)}
        self.assertEqual(until, {"known": None, "also": at(24)})
        cp = self.assert_exit(self.ht("mute", "--campaign", "Nope", "--for", "1d", now=T0), 1)
        self.assertIn("no tracked hashtag is in campaign 'Nope'", cp.stderr)

    def test_mute_needs_a_duration_with_a_unit(self):
        self.ok("add", "promo")
        cp = self.assert_exit(self.ht("mute", "promo"), 2)
        self.assertIn("--for", cp.stderr)
        cp = self.assert_exit(self.ht("mute", "promo", "--for", "90"), 2)
        self.assertIn("90", cp.stderr)
        self.assertRegex(cp.stderr, r"\bs\b.*\bm\b.*\bh\b.*\bd\b.*\bw\b")
        self.assert_exit(self.ht("mute", "--for", "1d"), 2)
        self.assert_exit(self.ht("unmute", "promo", "--for", "1d"), 2)
        cp = self.assert_exit(self.ht("mute", "promo", "--for", "1d", "--reason", "a\nb"), 2)
        self.assertIn("U+000A", cp.stderr)
        cp = self.assert_exit(self.ht("mute", "bad tag", "--for", "1d"), 2)
        self.assertIn("bad tag", cp.stderr)
        self.assertIsNone(self.list_tags()[0]["muted_until"], "nothing muted")

    def test_muting_again_replaces_time_and_reason_and_verbose_confirms(self):
        self.ok("add", "promo")
        self.ok("mute", "promo", "--for", "1d", "--reason", "first", now=T0)
        cp = self.ok("mute", "-v", "promo", "--for", "2h", now=T0)
        self.assertIn("#promo: muted until %s (2 hours)" % at(2), cp.stderr)
        (row,) = self.list_tags(now=T0)
        self.assertEqual(row["muted_until"], at(2))
        self.assertIsNone(row["mute_reason"])
        cp = self.ok("unmute", "-v", "promo", now=T0)
        self.assertIn("#promo: unmuted", cp.stderr)

    def test_a_dry_run_says_a_muted_tags_alert_would_not_be_sent(self):
        self.ok("add", "promo")
        self.ok("mute", "promo", "--for", "1d", now=T0)
        self.replay({"promo": launch}, 3)
        self.tags(promo=launch(3))
        out = self.ok("run", "--dry-run", now=at(18)).stdout
        self.assertIn("would alert", out)
        self.assertIn("#promo is muted: that alert would be recorded, not sent", out)

    def test_backtest_ignores_muting(self):
        self.ok("add", "promo")
        self.ok("mute", "promo", "--for", "1d", now=T0)
        self.replay({"promo": launch}, 4)
        got = self.ht_json("backtest", "--format", "json", now=at(18))
        self.assertEqual([(a["hashtag"], a["event"]) for a in got], [("promo", "viral")])

    def test_cjk_and_underscore_tags_muted_by_campaign_are_never_posted(self):
        self.ok("add", CJK_TAG, UNDERSCORE_TAG, "--campaign", CJK_CAMPAIGN)
        self.ok("add", "_vibe_")
        self.ok("mute", "--campaign", CJK_CAMPAIGN, "--for", "1w", "--reason", "販促", now=T0)
        self.replay({CJK_TAG: launch, UNDERSCORE_TAG: launch, "_vibe_": launch}, 4)
        self.assertEqual(self.posted(), [("_vibe_", "viral")])
        self.assertEqual(sorted(self.stored()),
                         sorted([(CJK_TAG, "viral", "muted"), (UNDERSCORE_TAG, "viral", "muted"),
                                 ("_vibe_", "viral", "sent")]))
        rows = {t["hashtag"]: t for t in self.list_tags(now=at(18))}
        self.assertEqual(rows[CJK_TAG]["mute_reason"], "販促")
        self.assertEqual(rows[UNDERSCORE_TAG]["muted_until"], "2026-05-29T00:00:00Z")
        # the grouped table keeps its columns aligned by display width
        lines = self.ok("report", now=at(18)).stdout.splitlines()
        self.assertEqual(lines[1].rstrip(), "campaign: " + CJK_CAMPAIGN)
        header_end = width(lines[0][:lines[0].index("VIDEOS") + len("VIDEOS")])
        for line in lines:
            if line.startswith("#" + CJK_TAG) or line.startswith("#" + UNDERSCORE_TAG):
                cut = line[:line.index("1,500") + len("1,500")]
                self.assertEqual(width(cut), header_end, "\n".join(lines))
                self.assertIn("VIRAL, muted", line)
        total = next(line for line in lines if line.startswith("total: 2 hashtags"))
        self.assertIn("3,000", total)
        self.assertIn("2 VIRAL, 2 muted", total)


class Completion(HashtrackTest):
    complete = test_newcomer.Completion.complete

    def test_bash_completes_mute_and_campaign_names_with_spaces(self):
        self.assertEqual(self.complete("hashtrack", "mu"), ["mute"])
        self.assertEqual(self.complete("hashtrack", "unm"), ["unmute"])
        self.assertIn("--for", self.complete("hashtrack", "mute", "--f"))
        self.assertIn("--campaign", self.complete("hashtrack", "report", "--ca"))
        if self.bin.name == "hashtrack":
            self.ok("add", "promo", "--campaign", "Spring Sale")
            self.ok("add", "other", "--campaign", "Autumn")
            self.assertEqual(self.complete("hashtrack", "mute", "--campaign", "Sp"),
                             ["Spring", "Sale"], "one reply, 'Spring Sale', echoed")
