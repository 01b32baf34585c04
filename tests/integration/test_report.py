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
            "views_per_hour": 1667.83, "viral": True, "status": "ok"}))
        a = rows["aitools"]
        self.assertEqual((a["new_videos"], a["new_views"], a["video_growth_pct"],
                          a["views_per_hour"], a["viral"], a["status"]),
                         (0, 0, 0, 0, False, "ok"))

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
        self.assertEqual((row["status"], row["baseline_snapshot"]), ("ok", at(0, 30)))
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
        self.tags(huge=counts("9007199254740993", "5", shape=1))
        self.run_at(T0)
        self.assertEqual(self.report_of(T0, "huge")["video_count"], 9007199254740993)
        self.tags(huge=counts("9007199254741993", "5", shape=1))
        self.run_at(at(6))
        row = self.report_of(at(6), "huge")
        self.assertEqual((row["video_count"], row["new_videos"]), (9007199254741993, 1000))
        self.assertIn("+1,000 videos", self.webhook_bodies()[0]["text"])


class HistoryExportImport(HashtrackTest):

    CSV = "hashtag,ts,video_count,view_count\nvibecoding,%s,1200,30000\n" % T0

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
        self.require("import", "--help")
        self.ok("add", "vibecoding")
        self.ok("import", "-", stdin=self.CSV)
        self.tags(vibecoding=counts("1500", "40007", shape=1))
        self.run_at(at(6))
        row = self.report_of(at(6), "vibecoding")
        self.assertEqual((row["status"], row["new_videos"], row["viral"]), ("ok", 300, True))
        self.assertEqual(len(self.webhooks()), 1)


class AlertsListing(HashtrackTest):

    def test_alerts_json_has_the_documented_fields(self):
        self.require("alerts", "--help")
        self.ok("add", "vibecoding")
        self.tags(vibecoding=counts(1200, 30000))
        self.run_at(T0)
        self.tags(vibecoding=counts(1500, 40007))
        self.run_at(at(6))
        (alert,) = self.alerts(now=at(6))
        self.assertLessEqual(ALERT_KEYS, set(alert), alert)
        self.assertEqual((alert["hashtag"], alert["status"], alert["detected_at"],
                          alert["new_videos"]), ("vibecoding", "sent", at(6), 300))
        self.assertAlmostEqual(alert["video_growth_pct"], 25.0, delta=0.01)
        self.assertAlmostEqual(alert["views_per_hour"], 10007 / 6, delta=0.01)
        self.assertIsInstance(alert["sent_at"], str)
        self.assertGreaterEqual(alert["attempts"], 1)

