"""Agency scale (issue 17): `import` of rows in any order, and `doctor`'s quick
and full integrity checks (interface.md, "import" and "doctor")."""

from .harness import HashtrackTest, at, counts

HEADER = "hashtag,ts,video_count,view_count,source\n"


def csv_rows(rows):
    """rows of (tag, RFC 3339 time, videos, views) as import CSV."""
    return HEADER + "".join("%s,%s,%d,%d,2\n" % row for row in rows)


class ImportInAnyOrder(HashtrackTest):
    """Rows out of key order wait in a sorted table: the result is the same."""

    TAGS = ("alpha", "beta", "gamma")
    TIMES = (at(0), at(6), at(12), at(18))

    def rows(self):
        return [(t, ts, 100 * i + j, 1000 * i + j)
                for i, t in enumerate(self.TAGS, 1) for j, ts in enumerate(self.TIMES)]

    def stored(self):
        return {t: [(r["ts"], r["video_count"], r["view_count"]) for r in self.snapshots(t)]
                for t in self.TAGS}

    def expected(self):
        out = {t: [] for t in self.TAGS}
        for t, ts, v, w in self.rows():
            out[t].append((ts, v, w))
        return out

    def summary(self, cp):
        lines = [ln for ln in cp.stderr.splitlines() if "imported" in ln]
        self.assertEqual(len(lines), 1, self.describe(cp))
        return lines[0].split("hashtrack: ", 1)[-1]

    def test_rows_in_time_order_are_stored_as_in_tag_order_and_counted(self):
        by_time = sorted(self.rows(), key=lambda r: (r[1], r[0]))
        cp = self.ok("-v", "import", "-", stdin=csv_rows(by_time))
        self.assertEqual(self.summary(cp), "imported 12 snapshots; 0 already present")
        self.assertEqual(self.stored(), self.expected())

    def test_a_time_ordered_file_imported_twice_changes_nothing_the_second_time(self):
        text = csv_rows(sorted(self.rows(), key=lambda r: (r[1], r[0])))
        self.ok("import", "-", stdin=text)
        cp = self.ok("-v", "import", "-", stdin=text)
        self.assertEqual(self.summary(cp), "imported 0 snapshots; 12 already present")
        self.assertEqual(self.stored(), self.expected())

    def test_rows_partly_present_are_counted_whatever_their_order(self):
        self.ok("import", "-", stdin=csv_rows([r for r in self.rows() if r[1] == at(6)]))
        reverse = sorted(self.rows(), key=lambda r: r[1], reverse=True)
        cp = self.ok("-v", "import", "-", stdin=csv_rows(reverse))
        self.assertEqual(self.summary(cp), "imported 9 snapshots; 3 already present")
        self.assertEqual(self.stored(), self.expected())

    def test_of_two_rows_with_one_tag_and_time_the_first_in_the_file_wins(self):
        rows = [("alpha", at(12), 5, 50), ("alpha", at(6), 7, 70),   # out of order: waits
                ("alpha", at(6), 8, 80),                             # the same key: skipped
                ("beta", at(0), 1, 10), ("alpha", at(12), 9, 90)]    # after a straight row
        cp = self.ok("-v", "import", "-", stdin=csv_rows(rows))
        self.assertEqual(self.summary(cp), "imported 3 snapshots; 2 already present")
        self.assertEqual([(r["ts"], r["video_count"]) for r in self.snapshots("alpha")],
                         [(at(6), 7), (at(12), 5)])

    def test_a_bad_line_after_rows_out_of_order_imports_none_of_them(self):
        rows = sorted(self.rows(), key=lambda r: (r[1], r[0]))
        text = csv_rows(rows) + "alpha,not-a-time,1,1,2\n"
        cp = self.assert_exit(self.ht("import", "-", stdin=text), 1)
        self.assertIn("stdin:14:", cp.stderr)
        self.assertEqual(self.stored(), {t: [] for t in self.TAGS})
        self.ok("import", "-", stdin=csv_rows(rows))    # and the next import is whole
        self.assertEqual(self.stored(), self.expected())

    def test_a_json_export_in_time_order_is_stored_whole(self):
        self.ok("import", "-", stdin=csv_rows(self.rows()))
        exported = self.ok("export", "--format", "json").stdout
        self.db_path.unlink()
        self.ok("import", "-", stdin=exported)
        self.assertEqual(self.stored(), self.expected())


class DoctorIntegrity(HashtrackTest):

    def setUp(self):
        super().setUp()
        self.tags(alpha=counts(1000, 50000, shape=2, credits=99999))
        self.ok("add", "alpha")
        self.run_at(at(0))

    def integrity_line(self, *args):
        cp = self.ok("doctor", *args, now=at(1))
        lines = [ln for ln in cp.stdout.splitlines() if ln.split()[1:2] == ["integrity"]]
        self.assertEqual(len(lines), 1, self.describe(cp))
        return lines[0]

    def test_doctor_runs_the_quick_check_by_default(self):
        self.assertEqual(self.integrity_line().split(), ["ok", "integrity", "ok", "(quick",
                                                          "check)"])

    def test_doctor_full_runs_the_full_integrity_check(self):
        self.assertEqual(self.integrity_line("--full").split(),
                         ["ok", "integrity", "ok", "(full", "check)"])

    def test_doctor_help_names_full(self):
        cp = self.ok("doctor", "--help")
        self.assertIn("[--full]", cp.stdout)
        self.assertIn("integrity_check", cp.stdout)

    def test_doctor_counts_the_tracked_tags_without_listing_them(self):
        self.ok("add", "beta", "gamma")
        self.ok("remove", "gamma")
        cp = self.ok("doctor", now=at(1))
        self.assertIn("hashtags   2 tracked", cp.stdout)
