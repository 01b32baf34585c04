"""`report`, `history`, `export`, `import` and `alerts` output (interface.md)."""

import csv
import io

from .harness import (ALERT_KEYS, HISTORY_KEYS, REPORT_KEYS, T0, HashtrackTest, at,
                      counts)


class ReportFigures(HashtrackTest):

    def setUp(self):
        super().setUp()
        self.ok("add", "vibecoding", "aitools")

    def two_runs(self, late=(6, 0)):
        self.tags(vibecoding=counts(1200, 30000), aitools=counts(5000, 100000))
        self.run_at(T0)
        self.tags(vibecoding=counts(1500, 40007), aitools=counts(5000, 100000))
        self.run_at(at(*late))

    def test_report_json_at_six_hours_gives_exact_figures(self):
        self.two_runs()
        rep = self.report(at(6))
        self.assertEqual(rep["generated_at"], at(6))
        self.assertEqual(rep["window"], "6h")
        rows = {h["hashtag"]: h for h in rep["hashtags"]}
        self.assertEqual(set(rows), {"vibecoding", "aitools"})
        for row in rows.values():
            self.assertLessEqual(set(REPORT_KEYS), set(row), row)
        self.assertEqual(rows["vibecoding"], dict(rows["vibecoding"], **{
            "hashtag": "vibecoding", "video_count": 1500, "view_count": 40007,
            "last_snapshot": at(6), "baseline_snapshot": T0,
            "new_videos": 300, "new_views": 10007,
            "video_growth_pct": 25.0, "view_growth_pct": 33.36,
            "views_per_hour": 1667.83, "videos_per_hour": 50.0,
            # The rules' first evaluation only records them: nothing fires yet,
            # and with six hours of history both tags are still learning.
            "viral": False, "state": "quiet", "status": "learning",
            "usual_views_per_hour": None, "pace_ratio": None}))
        a = rows["aitools"]
        self.assertEqual((a["new_videos"], a["new_views"], a["video_growth_pct"],
                          a["views_per_hour"], a["viral"], a["status"]),
                         (0, 0, 0, 0, False, "learning"))

    def test_a_late_run_reports_rates_over_the_real_elapsed_time(self):
        self.two_runs(late=(6, 5))
        row = self.report_of(at(6, 5), "vibecoding")
        self.assertEqual(row["baseline_snapshot"], T0)
        self.assertEqual(row["new_videos"], 300)
        self.assertEqual(row["views_per_hour"], round(10007 / (6 + 5 / 60), 2))
        self.assertEqual(row["views_per_hour"], 1644.99)

    def test_report_before_any_run_says_no_data(self):
        row = self.report_of(T0, "vibecoding")
        self.assertEqual(row["status"], "no-data")
        for key in ("video_count", "view_count", "last_snapshot", "baseline_snapshot",
                    "new_videos", "views_per_hour"):
            self.assertIsNone(row[key], key)

    def test_report_after_one_run_says_no_baseline(self):
        self.tags(vibecoding=counts(1200, 30000), aitools=counts(5000, 100000))
        self.run_at(T0)
        row = self.report_of(T0, "vibecoding")
        self.assertEqual(row["status"], "no-baseline")
        self.assertEqual((row["video_count"], row["view_count"], row["last_snapshot"]),
                         (1200, 30000, T0))
        for key in ("baseline_snapshot", "new_videos", "new_views", "video_growth_pct",
                    "view_growth_pct", "views_per_hour"):
            self.assertIsNone(row[key], key)
        self.assertFalse(row["viral"])

    def test_the_window_option_picks_an_older_baseline(self):
        self.two_runs()
        self.run_at(at(12))
        default = self.report_of(at(12), "vibecoding")
        self.assertEqual((default["baseline_snapshot"], default["new_videos"]), (at(6), 0))
        rep = self.report(at(12), "--window", "12h")
        self.assertEqual(rep["window"], "12h")
        (row,) = [h for h in rep["hashtags"] if h["hashtag"] == "vibecoding"]
        self.assertEqual((row["baseline_snapshot"], row["new_videos"]), (T0, 300))

    def test_report_with_tags_shows_only_those(self):
        self.two_runs()
        rep = self.report(at(6), "aitools")
        self.assertEqual([h["hashtag"] for h in rep["hashtags"]], ["aitools"])

    def test_report_csv_has_the_json_field_names_as_header(self):
        self.two_runs()
        rows = list(csv.reader(io.StringIO(self.ok("report", "--format", "csv", now=at(6)).stdout)))
        self.assertEqual(rows[0], REPORT_KEYS)
        self.assertEqual(len(rows), 3, rows)
        (vibe,) = [r for r in rows[1:] if r[0] == "vibecoding"]
        self.assertEqual(vibe[REPORT_KEYS.index("new_videos")], "300")

    def test_report_table_has_thousands_separators_and_no_colour(self):
        self.two_runs()
        out = self.ok("report", now=at(6)).stdout
        self.assertIn("vibecoding", out)
        self.assertIn("1,500", out)
        self.assertIn("40,007", out)
        self.assertNotIn("\x1b[", out)

    def test_report_html_is_one_self_contained_page(self):
        self.require("report", "--format", "html")
        self.two_runs()
        out = self.ok("report", "--format", "html", now=at(6)).stdout
        self.assertRegex(out, r"(?i)<html")
        self.assertIn("<svg", out)
        self.assertIn("1,500", out)
        for fetch in (r"(?i)<script[^>]*\ssrc\s*=", r"(?i)<link[^>]*\shref\s*=",
                      r"(?i)<img[^>]*\ssrc\s*=\s*[\"']?(https?:)?//", r"(?i)url\(\s*[\"']?(https?:)?//",
                      r"(?i)@import"):
            self.assertNotRegex(out, fetch)


class ReportBaselineWindow(HashtrackTest):

    def test_a_baseline_at_the_tolerance_edge_counts_with_its_real_age(self):
        self.ok("add", "vibecoding")
        self.tags(vibecoding=counts(1200, 30000))
        self.run_at(at(0, 30))
        self.tags(vibecoding=counts(1500, 40007))
        self.run_at(at(6))
        row = self.report_of(at(6), "vibecoding")
        self.assertEqual((row["status"], row["baseline_snapshot"]), ("learning", at(0, 30)))
        self.assertEqual(row["views_per_hour"], round(10007 / 5.5, 2))

    def test_a_snapshot_younger_than_window_minus_tolerance_is_no_baseline(self):
        self.ok("add", "vibecoding")
        self.tags(vibecoding=counts(1200, 30000))
        self.run_at(at(0, 31))
        self.tags(vibecoding=counts(1500, 40007))
        self.run_at(at(6))
        self.assertEqual(self.report_of(at(6), "vibecoding")["status"], "no-baseline")
        self.assertEqual(self.webhooks(), [])

    def test_a_snapshot_older_than_twice_the_window_is_no_baseline(self):
        self.ok("add", "edgein", "edgeout")
        self.tags(edgein=counts(1000, 10), edgeout=counts(1000, 10))
        self.run_at(T0)
        self.tags(edgein=counts(1100, 10), edgeout=counts(1100, 10))
        self.run_at(at(12), "edgein")
        self.run_at(at(12, 1), "edgeout")
        self.assertEqual(self.report_of(at(12, 1), "edgein")["baseline_snapshot"], T0)
        self.assertEqual(self.report_of(at(12, 1), "edgeout")["status"], "no-baseline")


class ReportExactCounts(HashtrackTest):

    def test_a_count_beyond_2_pow_53_is_reported_exactly(self):
        self.ok("add", "huge")
        self.tags(huge=counts("9007199254740983", "5", shape=1))
        self.run_at(T0)
        self.assertEqual(self.report_of(T0, "huge")["video_count"], 9007199254740983)
        self.tags(huge=counts("9007199254740993", "5", shape=1))   # first evaluation: +10
        self.run_at(at(6))
        row = self.report_of(at(6), "huge")
        self.assertEqual((row["video_count"], row["new_videos"]), (9007199254740993, 10))
        self.tags(huge=counts("9007199254741993", "5", shape=1))   # the rising edge
        self.run_at(at(12))
        row = self.report_of(at(12), "huge")
        self.assertEqual((row["video_count"], row["new_videos"]), (9007199254741993, 1000))
        (alert,) = self.webhook_bodies()
        self.assertIn("+1,000 videos", alert["text"])


class HistoryExportImport(HashtrackTest):

    CSV = "hashtag,ts,video_count,view_count\nvibecoding,%s,1200,30000\n" % T0
    CSV_AT = "hashtag,ts,video_count,view_count\nvibecoding,%s,%d,%d\n"

    def test_history_json_lists_each_snapshot_with_its_shape(self):
        self.require("history", "--help")
        self.ok("add", "vibecoding")
        self.tags(vibecoding=counts(1200, 30000))
        self.run_at(T0)
        self.tags(vibecoding=counts("1500", "40007", shape=1))
        self.run_at(at(6))
        rows = self.history("vibecoding")
        for row in rows:
            self.assertLessEqual(set(HISTORY_KEYS), set(row), row)
        self.assertEqual(sorted((r["ts"], r["video_count"], r["view_count"], r["source"])
                                for r in rows),
                         [(T0, 1200, 30000, 2), (at(6), 1500, 40007, 1)])

    def test_export_csv_has_the_documented_columns(self):
        self.require("export", "--help")
        self.ok("add", "vibecoding")
        self.tags(vibecoding=counts(1200, 30000))
        self.run_at(T0)
        rows = list(csv.reader(io.StringIO(self.ok("export", "--format", "csv").stdout)))
        self.assertEqual(rows, [HISTORY_KEYS, ["vibecoding", T0, "1200", "30000", "2"]])

    def test_import_without_a_source_column_is_idempotent(self):
        self.require("import", "--help")
        self.ok("add", "vibecoding")
        self.ok("import", "-", stdin=self.CSV)
        self.ok("import", "-", stdin=self.CSV)
        (row,) = self.snapshots("vibecoding")
        self.assertEqual((row["ts"], row["video_count"], row["view_count"], row["source"]),
                         (T0, 1200, 30000, None))

    def test_an_export_imports_back_from_a_file(self):
        self.require("export", "--help")
        self.require("import", "--help")
        self.ok("add", "vibecoding")
        self.tags(vibecoding=counts(1200, 30000, shape=3))
        self.run_at(T0)
        exported = self.ok("export", "--format", "csv").stdout
        (self.tmp / "snap.csv").write_text(exported)
        self.ok("import", self.tmp / "snap.csv")
        (row,) = self.snapshots("vibecoding")
        self.assertEqual(row["source"], 3)

    def test_a_bad_row_names_its_line_and_imports_nothing(self):
        self.require("import", "--help")
        self.ok("add", "vibecoding")
        bad = self.CSV + "vibecoding,%s,lots,30000\n" % at(6)
        cp = self.assert_exit(self.ht("import", "-", stdin=bad), 1)
        self.assertRegex(cp.stderr, r"(?i)line 3\b|:3\b", self.describe(cp))
        self.assertEqual(self.snapshots("vibecoding"), [])

    def test_an_imported_baseline_compares_with_any_shape(self):
        """Imported snapshots (no shape) are the baseline of both evaluations.

        Alerts are edges, and import evaluates nothing: the run at 6h is the
        tag's first evaluation (silent), against the imported T0; the jump at
        18h rises, against a 12h snapshot imported later (the 6h run is out
        of its window).
        """
        self.require("import", "--help")
        self.ok("add", "vibecoding")
        self.ok("import", "-", stdin=self.CSV_AT % (T0, 1190, 29900))
        self.tags(vibecoding=counts("1195", "29950", shape=1))
        self.run_at(at(6))
        row = self.report_of(at(6), "vibecoding")
        self.assertEqual((row["status"], row["baseline_snapshot"], row["new_videos"]),
                         ("learning", T0, 5), row)
        self.assertEqual(self.webhooks(), [])
        self.ok("import", "-", stdin=self.CSV_AT % (at(12), 1200, 30000))
        self.tags(vibecoding=counts("1500", "40007", shape=1))
        self.run_at(at(18))
        row = self.report_of(at(18), "vibecoding")
        self.assertEqual((row["status"], row["baseline_snapshot"], row["new_videos"],
                          row["viral"]), ("learning", at(12), 300, True), row)
        self.assertEqual(len(self.webhooks()), 1)


class AlertsListing(HashtrackTest):

    def test_alerts_json_has_the_documented_fields(self):
        self.require("alerts", "--help")
        self.ok("add", "vibecoding")
        self.tags(vibecoding=counts(1190, 29900))
        self.run_at(T0)
        self.tags(vibecoding=counts(1200, 30000))   # the silent first evaluation
        self.run_at(at(6))
        self.tags(vibecoding=counts(1500, 40007))   # the rising edge
        self.run_at(at(12))
        (alert,) = self.alerts(now=at(12))
        self.assertLessEqual(ALERT_KEYS, set(alert), alert)
        self.assertEqual((alert["hashtag"], alert["status"], alert["detected_at"],
                          alert["new_videos"]), ("vibecoding", "sent", at(12), 300))
        self.assertAlmostEqual(alert["video_growth_pct"], 25.0, delta=0.01)
        self.assertAlmostEqual(alert["views_per_hour"], 10007 / 6, delta=0.01)
        self.assertIsInstance(alert["sent_at"], str)
        self.assertGreaterEqual(alert["attempts"], 1)



class ReportOrderAndFilter(HashtrackTest):
    """--sort and --min-growth: the tutorial's "what is trending" view."""

    def setUp(self):
        super().setUp()
        self.ok("add", "big", "fast", "flat", "none")
        self.tags(big=counts(900000, 9000000), fast=counts(1000, 5000),
                  flat=counts(5000, 100000), none=counts(10, 10))
        self.run_at(T0)
        self.tags(big=counts(990000, 9100000), fast=counts(1500, 6000),
                  flat=counts(5000, 100000), none=counts(10, 10))
        self.run_at(at(6))
        self.ok("add", "later")         # tracked, never fetched

    def order(self, *args):
        return [h["hashtag"] for h in self.report(at(6), *args)["hashtags"]]

    def test_the_default_order_is_by_name_and_tags_keep_the_order_given(self):
        self.assertEqual(self.order(), ["big", "fast", "flat", "later", "none"])
        self.assertEqual(self.order("none", "big"), ["none", "big"])
        self.assertEqual(self.order("--sort", "name", "none", "big"), ["big", "none"])

    def test_sort_growth_puts_the_fastest_first_and_tags_without_figures_last(self):
        # fast +50%, big +10%, flat 0%, none 0% (by name), later no data
        self.assertEqual(self.order("--sort", "growth"), ["fast", "big", "flat", "none", "later"])

    def test_sort_videos_and_views_put_the_biggest_first(self):
        self.assertEqual(self.order("--sort", "videos"), ["big", "flat", "fast", "none", "later"])
        self.assertEqual(self.order("--sort", "views"), ["big", "flat", "fast", "none", "later"])

    def test_min_growth_keeps_only_tags_that_grew_that_much(self):
        self.assertEqual(self.order("--min-growth", "10"), ["big", "fast"])
        self.assertEqual(self.order("--min-growth", "10.01"), ["fast"])
        self.assertEqual(self.order("--min-growth", "0", "--sort", "growth"),
                         ["fast", "big", "flat", "none"])
        rows = list(csv.reader(io.StringIO(self.ok(
            "report", "--format", "csv", "--min-growth", "50", now=at(6)).stdout)))
        self.assertEqual([r[0] for r in rows[1:]], ["fast"])

    def test_bad_sort_format_and_growth_values_are_usage_errors(self):
        for args, says in ((("--sort", "likes"), "unknown sort key 'likes'"),
                           (("--format", "pdf"), "unknown format 'pdf'"),
                           (("--min-growth", "lots"), "--min-growth"),
                           (("--min-growth", "-5"), "--min-growth"),
                           (("--window", "90"), "unit")):
            cp = self.assert_exit(self.ht("report", *args, now=at(6)), 2)
            self.assertIn(says, cp.stderr)
            self.assertEqual(cp.stdout, "")

    def test_a_window_in_json_can_be_pasted_back(self):
        rep = self.report(at(6), "--window", "90m")
        self.assertEqual(rep["window"], "90m")
        self.assertEqual(self.report(at(6), "--window", "1d")["window"], "1d")
        self.assertEqual(self.report(at(6), "--window", "360m")["window"], "6h")

    def test_the_table_has_a_sparkline_and_marks_viral_tags(self):
        # A third run: fast's pace jumps again (its first evaluation at 6h was
        # silent), so its new-videos rule rises and the tag is firing.
        self.tags(big=counts(1080000, 9200000), fast=counts(2500, 9000),
                  flat=counts(5000, 100000), none=counts(10, 10))
        self.run_at(at(12), "big", "fast", "flat", "none")
        out = self.ok("report", "--sort", "growth", now=at(12)).stdout
        lines = out.splitlines()
        self.assertIn("PACE TREND", lines[0])
        fast = [line for line in lines if line.startswith("#fast")][0]
        # views' pace: +1,000 then +3,000 in six hours: a third, then full
        self.assertIn("\u2583\u2588", fast)
        self.assertIn("VIRAL", fast)
        self.assertIn("+66.7%", fast)
        self.assertIn("1,080,000", out)
        widths = {len(line.rstrip()) <= len(lines[0]) + 40 for line in lines}
        self.assertEqual(widths, {True})


class ReportColour(HashtrackTest):
    """Colour only on a terminal, never with NO_COLOR or --no-color."""

    def test_colour_on_a_terminal_unless_told_not_to(self):
        self.ok("add", "vibecoding")
        self.tags(vibecoding=counts(1200, 30000))
        self.run_at(T0)
        self.tags(vibecoding=counts(1210, 30100))      # the silent first evaluation
        self.run_at(at(6))
        self.tags(vibecoding=counts(1510, 40107))      # +300 videos: the rising edge
        self.run_at(at(12))
        coloured = self.on_terminal("report", env_extra={"NO_COLOR": None, "TERM": "xterm"})
        self.assertIn("\x1b[1;31mVIRAL\x1b[0m", coloured)
        self.assertIn("1,510", coloured)
        self.assertNotIn("\x1b[", self.on_terminal("report", env_extra={"NO_COLOR": "1"}))
        self.assertNotIn("\x1b[", self.on_terminal("report", "--no-color",
                                                   env_extra={"NO_COLOR": None}))
        self.assertNotIn("\x1b[", self.on_terminal("--no-color", "history", "vibecoding",
                                                   env_extra={"NO_COLOR": None}))


class EveryFormatOnSmallDatabases(HashtrackTest):
    """All formats work on an empty database and with one snapshot per tag."""

    def every_format(self, now, tag=None):
        for fmt in ("table", "csv", "json", "html"):
            self.ok("report", "--format", fmt, now=now)
        for fmt in ("csv", "json"):
            self.ok("export", "--format", fmt, now=now)
        if tag:
            for fmt in ("table", "csv", "json"):
                self.ok("history", tag, "--format", fmt, now=now)

    def test_an_empty_database(self):
        self.ok("add", "gone")
        self.ok("remove", "--purge", "gone")
        self.every_format(T0)
        self.assertEqual(self.report(T0)["hashtags"], [])
        self.assertEqual(self.ht_json("export", "--format", "json"), [])
        self.assertEqual(self.ok("export").stdout, ",".join(HISTORY_KEYS) + "\n")
        self.assertIn("No hashtags to show", self.ok("report", "--format", "html").stdout)

    def test_one_snapshot_per_tag(self):
        self.ok("add", "vibecoding", "aitools")
        self.tags(vibecoding=counts(1200, 30000), aitools=counts(5000, 100000))
        self.run_at(T0)
        self.every_format(T0, "vibecoding")
        self.assertEqual(len(self.ht_json("export", "--format", "json")), 2)
        self.assertEqual(self.history("vibecoding"),
                         [{"hashtag": "vibecoding", "ts": T0, "video_count": 1200,
                           "view_count": 30000, "source": 2}])


class HistoryAndExportDetails(HashtrackTest):

    def setUp(self):
        super().setUp()
        self.ok("add", "vibecoding", "aitools")
        for i, (v, w) in enumerate(((1200, 30000), (1500, 40007), (1490, 41000))):
            self.tags(vibecoding=counts(v, w), aitools=counts(10 * v, 10 * w, shape=1))
            self.run_at(at(6 * i))

    def test_history_table_shows_changes_and_since_cuts_the_old_ones(self):
        out = self.ok("history", "vibecoding").stdout.splitlines()
        self.assertEqual(out[0].split(), ["TIME", "VIDEOS", "VIEWS", "NEW", "VIDEOS",
                                          "NEW", "VIEWS", "SOURCE"])
        self.assertEqual(len(out), 4)
        self.assertIn("+300", out[2])
        self.assertIn("+10,007", out[2])
        self.assertIn("-10", out[3])
        rows = self.ht_json("history", "#VibeCoding", "--since", "7h", "--format", "json",
                            now=at(12))
        self.assertEqual([r["ts"] for r in rows], [at(6), at(12)])
        rows = list(csv.reader(io.StringIO(self.ok("history", "vibecoding", "--format", "csv",
                                                   "--since", "6h", now=at(12)).stdout)))
        self.assertEqual(rows, [HISTORY_KEYS, ["vibecoding", at(6), "1500", "40007", "2"],
                                ["vibecoding", at(12), "1490", "41000", "2"]])

    def test_history_needs_one_known_tag(self):
        cp = self.assert_exit(self.ht("history"), 2)
        self.assertIn("history", cp.stderr)
        cp = self.assert_exit(self.ht("history", "nosuchtag"), 2)
        self.assertIn("#nosuchtag is not tracked", cp.stderr)
        self.assert_exit(self.ht("history", "a", "b"), 2)
        self.assert_exit(self.ht("history", "vibecoding", "--format", "html"), 2)

    def test_a_removed_tag_keeps_its_history(self):
        self.ok("remove", "aitools")
        self.assertEqual(len(self.history("aitools")), 3)
        self.assertEqual(len(self.ht_json("export", "--format", "json")), 6)

    def test_export_is_by_tag_then_time_and_since_cuts(self):
        rows = self.ht_json("export", "--format", "json")
        self.assertEqual([(r["hashtag"], r["ts"]) for r in rows],
                         [("aitools", T0), ("aitools", at(6)), ("aitools", at(12)),
                          ("vibecoding", T0), ("vibecoding", at(6)), ("vibecoding", at(12))])
        self.assertEqual(rows[0]["source"], 1)
        rows = self.ht_json("export", "--format", "json", "--since", "1h", now=at(12))
        self.assertEqual([r["ts"] for r in rows], [at(12), at(12)])
        cp = self.assert_exit(self.ht("export", "--format", "table"), 2)
        self.assertIn("unknown format 'table'", cp.stderr)

    def test_export_then_import_into_an_empty_database_is_exact(self):
        self.ok("add", "huge")
        self.tags(huge=counts("9223372036854775807", "9007199254740993", shape=1))
        self.run_at(at(13), "huge")
        exported = self.ok("export").stdout
        exported_json = self.ok("export", "--format", "json").stdout
        self.db_path = self.tmp / "fresh.db"
        self.ok("import", "-", stdin=exported)
        self.assertEqual(self.ok("export").stdout, exported)
        self.assertEqual(self.ok("export", "--format", "json").stdout, exported_json)
        self.assertIn("9223372036854775807,9007199254740993,1", exported)
        # imported tags are kept untracked: history and report TAG see them, run does not
        self.assertEqual(self.list_tags(), [])
        self.assertEqual(len(self.history("vibecoding")), 3)
        self.assertEqual(self.report_of(at(12), "vibecoding", "vibecoding")["new_videos"], -10)


class ImportDetails(HashtrackTest):

    HEAD = "hashtag,ts,video_count,view_count,source\n"

    def test_an_untracked_tag_is_created_untracked_and_said_so(self):
        cp = self.ok("import", "-", stdin=self.HEAD + "newtag,%s,5,6,\n" % T0)
        self.assertIn("#newtag", cp.stderr)
        self.assertIn("hashtrack add newtag", cp.stderr)
        self.assertEqual(self.list_tags(), [])
        self.ok("add", "newtag")
        (row,) = self.list_tags()
        self.assertEqual(row["last_snapshot"], T0)

    def test_a_bad_row_after_good_ones_imports_nothing_and_names_its_line(self):
        self.ok("add", "vibecoding")
        text = (self.HEAD + "vibecoding,%s,1,2,\n" % T0 + "\n" +
                "vibecoding,%s,3,4,9\n" % at(6) + "vibecoding,%s,5,6,\n" % at(12))
        cp = self.assert_exit(self.ht("import", "-", stdin=text), 1)
        self.assertRegex(cp.stderr, r"stdin:4: source '9'")
        self.assertEqual(len(cp.stderr.strip().splitlines()), 1, cp.stderr)
        self.assertEqual(self.snapshots("vibecoding"), [])
        self.assertEqual(self.ok("export").stdout, self.HEAD)

    def test_header_problems_name_line_one(self):
        for text, says in (("", "no header"), ("hashtag,ts,video_count\n", "no 'view_count'"),
                           ("tag,ts,video_count,view_count\n", "unknown column 'tag'")):
            cp = self.assert_exit(self.ht("import", "-", stdin=text), 1)
            self.assertIn("stdin:1:", cp.stderr)
            self.assertIn(says, cp.stderr)

    def test_a_file_from_a_spreadsheet_reads_too(self):
        self.ok("add", "vibecoding")
        text = ("\ufeffTS,Hashtag,View_Count,Video_Count\r\n"
                "%s,#VibeCoding,30000,1200\r\n" % T0 +
                "\"%s\",\"vibecoding\",\"40007\",\"1500\"\r\n" % at(6))
        path = self.tmp / "sheet.csv"
        path.write_bytes(text.encode("utf-8"))
        self.ok("import", path)
        self.assertEqual([(r["ts"], r["video_count"], r["view_count"])
                          for r in self.snapshots("vibecoding")],
                         [(T0, 1200, 30000), (at(6), 1500, 40007)])

    def test_a_missing_file_and_bad_arguments(self):
        cp = self.assert_exit(self.ht("import", self.tmp / "nope.csv"), 1)
        self.assertIn("cannot open", cp.stderr)
        self.assertIn("nope.csv", cp.stderr)
        self.assert_exit(self.ht("import"), 2)
        self.assert_exit(self.ht("import", "a", "b"), 2)

    def test_a_file_name_is_named_with_its_line(self):
        path = self.tmp / "bad.csv"
        path.write_text(self.HEAD + "vibecoding,%s,1,2\n" % T0)
        cp = self.assert_exit(self.ht("import", path), 1)
        self.assertIn("bad.csv:2: 4 fields where the header has 5", cp.stderr)


class ReportHtmlForManyTags(HashtrackTest):
    """An account of thousands of tags: a bounded page that still shows what matters."""

    TAGS = 2100

    def setUp(self):
        super().setUp()
        rows = ["hashtag,ts,video_count,view_count,source"]
        for i in range(self.TAGS):
            tag = "t%04d" % i
            for k in range(13):                 # three days, six-hourly
                views = 1_000_000 + 10_000 * k
                if tag == "t2099" and k == 12:
                    views += 400_000            # the last tag by name takes off
                rows.append("%s,%s,%d,%d,1" % (tag, at(6 * k), 100 + k, views))
        self.ok("import", "-", stdin="\n".join(rows) + "\n")
        self.ok("add", *("t%04d" % i for i in range(self.TAGS)))

    def test_the_page_charts_a_bounded_set_led_by_the_fastest_and_lists_a_bounded_table(self):
        page = self.ok("report", "--format", "html", now=at(72)).stdout
        self.assertLess(len(page.encode()), 2_000_000)
        self.assertEqual(page.count('<section class="card'), 20)
        first_card = page.index('<section class="card')
        self.assertEqual(page.find('id="tag-t2099"'), page.find('id="tag-', first_card),
                         "the tag furthest above its usual pace gets the first card")
        self.assertIn('<h3>Rising <span>1</span></h3><ul><li><a href="#tag-t2099">#t2099</a>',
                      page)
        self.assertIn("Charts for the 20 of 2,100 hashtags that tell most", page)
        self.assertEqual(page.count("<tr><td>"), 2000, "the table stops at 2,000 rows")
        self.assertIn("The first 2000 of 2,100 hashtags", page)
        self.assertNotIn('class="spark', page)

    def test_named_tags_are_charted_exactly(self):
        names = ["t%04d" % i for i in range(0, 50, 2)]          # 25 of them
        page = self.ok("report", "--format", "html", *names, now=at(72)).stdout
        self.assertEqual(page.count('<section class="card'), len(names))
        for tag in names:
            self.assertIn('id="tag-%s"' % tag, page)
        self.assertNotIn("that tell most", page)
