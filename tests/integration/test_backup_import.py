"""The newcomer's path: two runs in one second, fractional HASHTRACK_NOW, nothing
tracked, `backup FILE`, and `import` of the JSON export (interface.md, "run",
"Configuration" and "report, history, export, import, backup")."""

import json
import sqlite3

from .harness import T0, HashtrackTest, at, counts


class TwoRunsInTheSameSecond(HashtrackTest):

    def setUp(self):
        super().setUp()
        self.ok("add", "vibecoding")

    def test_a_second_run_at_the_same_instant_leaves_the_stored_snapshot_and_exits_0(self):
        self.tags(vibecoding=counts(1000, 20000))
        self.run_at(T0)
        self.tags(vibecoding=counts(1111, 22222))
        cp = self.run_at(T0)
        self.assertEqual(cp.stderr, "", self.describe(cp))
        rows = self.snapshots("vibecoding")
        self.assertEqual([(r["ts"], r["video_count"], r["view_count"]) for r in rows],
                         [(T0, 1000, 20000)])
        self.assertEqual(self.list_tags(now=T0)[0]["status"], "ok")

    def test_a_repeated_run_neither_alerts_twice_nor_moves_the_alert_edge(self):
        """The jump at +12h alerts once; its repeat in the same second changes
        nothing, and the flat run at +18h still calms the tag."""
        self.tags(vibecoding=counts(1190, 29900))
        self.run_at(T0)
        self.tags(vibecoding=counts(1200, 30000))
        self.run_at(at(6))
        self.tags(vibecoding=counts(1500, 40007))
        self.run_at(at(12))
        self.run_at(at(12))
        self.assertEqual([(a["event"], a["detected_at"]) for a in self.alert_rows()],
                         [("viral", at(12))])
        self.run_at(at(18))
        self.assertEqual([(a["event"], a["detected_at"]) for a in self.alert_rows()],
                         [("viral", at(12)), ("calmed", at(18))])


class FractionalNow(HashtrackTest):

    def test_hashtrack_now_with_fractional_seconds_is_truncated_to_the_second(self):
        self.ok("add", "vibecoding")
        self.tags(vibecoding=counts(1000, 20000))
        self.run_at("2026-05-22T00:00:00.75Z")
        self.assertEqual([r["ts"] for r in self.snapshots("vibecoding")], [T0])

    def test_a_fraction_with_an_offset_other_than_utc_is_still_refused(self):
        self.ok("add", "vibecoding")
        cp = self.assert_exit(self.ht("run", now="2026-05-22T00:00:00.5+02:00"), 2)
        self.assertIn("HASHTRACK_NOW", cp.stderr)
        self.assertIn("not UTC", cp.stderr)


class NothingTracked(HashtrackTest):

    def test_run_with_no_tracked_tag_says_so_and_how_to_add_one_and_exits_1(self):
        cp = self.assert_exit(self.ht("run", now=T0), 1)
        self.assertEqual(cp.stdout, "")
        lines = cp.stderr.splitlines()
        self.assertEqual(len(lines), 1, cp.stderr)
        self.assertIn("no hashtag is tracked", lines[0])
        self.assertIn("hashtrack add TAG", lines[0])
        self.assertEqual(self.requests(), [])


class Backup(HashtrackTest):

    def setUp(self):
        super().setUp()
        self.ok("add", "vibecoding", "aitools", "--min-videos", "300")
        self.tags(vibecoding=counts(1000, 20000), aitools=counts(5000, 100000))
        self.run_at(T0)

    def on_copy(self, copy, *args):
        return self.ok("--db", copy, *args, now=at(6)).stdout

    def assert_sound(self, copy):
        conn = sqlite3.connect("file:%s?mode=ro" % copy, uri=True)
        try:
            self.assertEqual(conn.execute("PRAGMA integrity_check").fetchall(), [("ok",)])
        finally:
            conn.close()

    def test_a_backup_during_a_slow_run_is_a_consistent_copy_that_works_with_db(self):
        before = {a: self.ok(*a, now=at(6)).stdout
                  for a in (("list", "--format", "json"), ("export", "--format", "csv"))}
        self.tags(vibecoding=counts(1100, 21000, delay=2), aitools=counts(5100, 101000, delay=2))
        proc = self.ht_start("run", now=at(6))
        self.wait_for_arrivals(3)
        copy = self.tmp / "copy.db"
        cp = self.ok("backup", copy, now=at(6))
        self.assertEqual(cp.stdout, "")
        self.assert_exit(self.ht_finish(proc), 0)
        self.assert_sound(copy)
        for args, text in before.items():
            self.assertEqual(self.on_copy(copy, *args), text, args)
        # after the run, a backup holds what the run stored, alerts and rules too
        after = self.tmp / "after.db"
        self.ok("backup", after, now=at(6))
        self.assertEqual([p.name for p in self.tmp.iterdir() if p.name.startswith("after")],
                         ["after.db"], "the backup leaves no file but the copy")
        self.assert_sound(after)
        for args in (("list", "--format", "json"), ("export", "--format", "json"),
                     ("alerts", "--format", "json")):
            self.assertEqual(self.on_copy(after, *args), self.ok(*args, now=at(6)).stdout, args)

    def test_backup_never_overwrites_an_existing_file(self):
        target = self.tmp / "taken.db"
        target.write_text("precious")
        cp = self.assert_exit(self.ht("backup", target, now=at(6)), 1)
        self.assertIn("'%s' already exists" % target, cp.stderr)
        self.assertEqual(target.read_text(), "precious")
        self.assertEqual([p.name for p in self.tmp.iterdir() if p.name.startswith("taken")],
                         ["taken.db"])

    def test_backup_without_a_file_is_a_usage_error(self):
        self.assert_exit(self.ht("backup", now=at(6)), 2)
        self.assert_exit(self.ht("backup", "a.db", "b.db", now=at(6)), 2)


class BackupWithNoDatabase(HashtrackTest):

    def test_backup_with_no_database_says_there_is_no_data_and_creates_nothing(self):
        cp = self.assert_exit(self.ht("backup", self.tmp / "copy.db", now=T0), 1)
        self.assertIn("no data yet", cp.stderr)
        self.assertFalse(self.db_path.exists())
        self.assertFalse((self.tmp / "copy.db").exists())


class ImportTheJsonExport(HashtrackTest):

    def setUp(self):
        super().setUp()
        self.ok("add", "vibecoding", "aitools")
        self.tags(vibecoding=counts(1000, 20000, shape=1), aitools=counts(None, 100000))
        self.run_at(T0)
        self.tags(vibecoding=counts(1100, 21000, shape=1), aitools=counts(5000, 100500))
        self.run_at(at(6))
        self.json = self.ok("export", "--format", "json", now=at(6)).stdout
        self.new_db = self.tmp / "new.db"

    def on_new(self, *args, **kw):
        return self.ht("--db", self.new_db, *args, now=at(6), **kw)

    def test_the_json_export_imported_into_a_new_database_exports_the_same(self):
        rows = json.loads(self.json)
        self.assertIn(None, [r["video_count"] for r in rows], "an unknown count rides along")
        path = self.tmp / "all.json"
        path.write_text(self.json)
        self.assert_exit(self.on_new("import", path), 0)
        for fmt in ("json", "csv"):
            self.assertEqual(self.assert_exit(self.on_new("export", "--format", fmt), 0).stdout,
                             self.ok("export", "--format", fmt, now=at(6)).stdout, fmt)
        # idempotent: the same file again changes nothing, from stdin too
        self.assert_exit(self.on_new("import", "-", stdin="\n  " + self.json), 0)
        self.assertEqual(self.assert_exit(self.on_new("export", "--format", "json"), 0).stdout,
                         self.json)

    def test_a_bad_json_row_is_named_by_its_index_and_nothing_is_imported(self):
        rows = json.loads(self.json)
        rows[2]["video_count"] = "lots"
        cp = self.assert_exit(self.on_new("import", "-", stdin=json.dumps(rows)), 1)
        self.assertIn("stdin[2]", cp.stderr)
        self.assertIn("video_count 'lots'", cp.stderr)
        cp = self.assert_exit(self.on_new("export", "--format", "json"), 0)
        self.assertEqual(json.loads(cp.stdout), [])

    def test_json_that_does_not_parse_names_the_line_and_imports_nothing(self):
        cp = self.assert_exit(self.on_new("import", "-", stdin=self.json[:-3]), 1)
        self.assertIn("import: stdin: line", cp.stderr)
        self.assertIn("not valid JSON", cp.stderr)
        rows = json.loads(self.json)
        rows[1]["extra"] = 1
        cp = self.assert_exit(self.on_new("import", "-", stdin=json.dumps(rows)), 1)
        self.assertIn("stdin[1]: unknown key 'extra'", cp.stderr)
