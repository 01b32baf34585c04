"""The database and its run lock against a hostile or unlucky filesystem.

Planted symlinks, the same database reached through a symlink or a hard
link, a full disk, a read-only mount, another application's SQLite file, a
long import beside a run, a tag purged while it is being fetched.
interface.md: "run", exit status, "report, history, export, import, backup".
Real files, real mounts (we are root in CI; tests that need a mount skip,
saying so, when they cannot have one).
"""

import errno
import os
import re
import sqlite3
import subprocess
import tempfile
import time
import unittest
from pathlib import Path

from .harness import T0, HashtrackTest, at, counts

# Alerts are edges: T0 is the baseline, 6h the rules' silent first evaluation
# (steady growth under every rule), 12h the jump: +300 videos (+25.0%).
VIBE_T0 = counts(1190, 29900)
VIBE_STEADY = counts(1200, 30000)
VIBE_JUMP = counts(1500, 40007)


def lines(cp):
    return [line for line in cp.stderr.splitlines() if line.strip()]


class StoreTest(HashtrackTest):

    def hook_answers(self, answers, delay=0):
        """Webhook answers in order, then 200."""
        from .harness import _write_atomic
        import json
        _write_atomic(self.state / "hook.json",
                      json.dumps({"statuses": list(answers), "delay": delay}))

    def jump(self, *tags):
        """Baseline at T0, first evaluation at 6h, a viral jump ready for the run at 12h."""
        self.ok("add", *tags)
        self.tags(**{t: VIBE_T0 for t in tags})
        self.run_at(T0)
        self.tags(**{t: VIBE_STEADY for t in tags})
        self.run_at(at(6))
        self.tags(**{t: VIBE_JUMP for t in tags})

    def mount_tmpfs(self, size):
        """A fresh tmpfs of size (e.g. "1m") of our own, unmounted at cleanup."""
        where = Path(tempfile.mkdtemp(prefix="hashtrack-mnt-"))
        self.addCleanup(os.rmdir, where)
        cp = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%s,mode=0700" % size,
                             "tmpfs", str(where)], capture_output=True, text=True)
        if cp.returncode != 0:
            self.skipTest("cannot mount a tmpfs here: %s" % (cp.stderr.strip() or cp.returncode))
        self.addCleanup(subprocess.run, ["umount", "-l", str(where)], check=False)
        return where

    def remount(self, where, opts):
        subprocess.run(["mount", "-o", "remount,%s" % opts, str(where)], check=True)

    def slow_run(self, *args, delay=2):
        """A run of one slow tag in the background, once it holds the lock."""
        self.ok("add", "slow")
        self.tags(slow=counts(1, 2, delay=delay))
        proc = self.ht_start("run", *args, now=T0)
        self.wait_for_arrivals(1)
        return proc


class LockFile(StoreTest):
    """The run lock never writes through a planted symlink."""

    def test_a_symlink_planted_at_the_old_lock_path_is_never_written_through(self):
        self.ok("add", "fine")
        self.tags(fine=counts(1, 2))
        victim = self.tmp / "victim.txt"
        victim.write_text("precious\n")
        os.symlink(victim, str(self.db_path) + ".lock")
        self.run_at(T0)
        self.assertEqual(victim.read_text(), "precious\n")

    def test_a_dangling_symlink_at_the_old_lock_path_creates_nothing(self):
        self.ok("add", "fine")
        self.tags(fine=counts(1, 2))
        target = self.tmp / "created-by-hashtrack"
        os.symlink(target, str(self.db_path) + ".lock")
        self.run_at(T0)
        self.assertFalse(target.exists())


class LockIdentity(StoreTest):
    """Two names of one database are one lock: every alert is POSTed once."""

    def assert_second_run_is_refused(self, other_path):
        proc = self.slow_run()
        cp = self.ht("--db", other_path, "run", now=at(1))
        first = self.ht_finish(proc)
        self.assert_exit(first, 0)
        self.assert_exit(cp, 75)
        self.assertEqual(lines(cp), ["hashtrack: another hashtrack run is in progress (pid %d)"
                                     % proc.pid])
        self.assertEqual(len(self.requests()), 1)

    def test_a_run_through_a_symlink_to_the_database_waits_its_turn(self):
        link = self.tmp / "link.db"
        self.ok("add", "slow")
        os.symlink(self.db_path, link)
        self.assert_second_run_is_refused(link)

    def test_a_run_through_a_hard_link_to_the_database_waits_its_turn(self):
        hard = self.tmp / "hard.db"
        self.ok("add", "slow")
        os.link(self.db_path, hard)
        self.assert_second_run_is_refused(hard)

    def test_the_lock_does_not_stop_sqlite_reading_or_writing_during_a_run(self):
        proc = self.slow_run(delay=4)
        self.ok("add", "other")
        names = [t["hashtag"] for t in self.list_tags()]
        self.assertIsNone(proc.poll(), "add and list waited for the run to end")
        self.assertEqual(sorted(names), ["other", "slow"])
        self.assert_exit(self.ht_finish(proc), 0)
        self.assertEqual(len(self.snapshots("slow")), 1)


def fill(path):
    """Write to path until its filesystem has no byte left."""
    with open(path, "wb", buffering=0) as f:
        chunk = 1 << 16
        while chunk:
            try:
                f.write(b"\0" * chunk)
            except OSError as e:
                if e.errno != errno.ENOSPC:
                    raise
                chunk //= 2


class Outbox(StoreTest):
    """What run does when alerts stay pending or cannot be recorded."""

    def pending_alerts(self, *tags):
        """Viral alerts of tags, left pending by a webhook answering 503."""
        self.jump(*tags)
        self.hook_answers([503])
        self.run_at(at(12), code=1)
        self.assertEqual([a["status"] for a in self.alert_rows()], ["pending"] * len(tags))

    def test_alerts_left_pending_with_no_webhook_configured_fail_the_run(self):
        self.pending_alerts("one")
        self.write_config(alert_webhook=None)
        cp = self.run_at(at(13), code=1)
        self.assertEqual(lines(cp), ["hashtrack: warning: 1 alert is still pending, but no webhook"
                                     " is configured; set [alert] webhook to send them"])

    def test_a_full_disk_after_a_delivery_stops_the_run_with_one_line(self):
        mnt = self.mount_tmpfs("4m")
        self.db_path = mnt / "ht.db"
        self.pending_alerts("one", "two", "three")
        # The WAL files stay open, so the next run needs new space only to record.
        holder = sqlite3.connect(str(self.db_path))
        self.addCleanup(holder.close)
        holder.execute("SELECT count(*) FROM alert").fetchall()
        fill(mnt / "filler")
        posts, fetches = len(self.webhooks()), len(self.requests())
        cp = self.ht("run", now=at(13))
        self.assert_exit(cp, 1)
        self.assertEqual(len(lines(cp)), 1, self.describe(cp))
        self.assertIn("'%s'" % self.db_path, cp.stderr)
        self.assertIn("free some space", cp.stderr)
        # SQLite may still find room for the first outcomes; the first it cannot
        # record stops the round, and that alert's POST is the last one made.
        # Alerts go out oldest first, in the order the answers came in.
        m = re.search(r"#(one|two|three)'s alert was delivered and will be sent once more",
                      cp.stderr)
        self.assertIsNotNone(m, self.describe(cp))
        k = [a["hashtag"] for a in self.alert_rows()].index(m.group(1)) + 1
        self.assertEqual(len(self.webhooks()), posts + k, "a POST after the store failed")
        self.assertEqual(len(self.requests()), fetches, "fetched with a store that cannot write")
        # Space again: the database is whole, and every alert still pending goes out.
        (mnt / "filler").unlink()
        holder.close()
        self.assertEqual(self.db().execute("PRAGMA integrity_check").fetchall(), [("ok",)])
        self.assertEqual([a["status"] for a in self.alert_rows()],
                         ["sent"] * (k - 1) + ["pending"] * (3 - k + 1))
        self.run_at(at(14))
        self.assertEqual([a["status"] for a in self.alert_rows()], ["sent"] * 3)
        self.assertEqual(len(self.webhooks()), posts + 4)


class ReadOnlyOpen(StoreTest):
    """Commands that only read open the database read-only and never create it."""

    READERS = (["list"], ["report"], ["history", "fine"], ["alerts"], ["export"])

    def test_reading_commands_never_create_a_database_and_say_how_to_start(self):
        self.db_path = self.tmp / "sub" / "ht.db"
        for args in self.READERS:
            with self.subTest(args=args):
                cp = self.assert_exit(self.ht(*args), 1)
                self.assertEqual(lines(cp), ["hashtrack: no data yet: '%s' does not exist; "
                                             "start with 'hashtrack add TAG'" % self.db_path])
        self.ht("doctor")
        self.assertFalse((self.tmp / "sub").exists())

    def test_an_empty_file_has_no_data_for_readers_and_is_set_up_by_add(self):
        self.db_path.touch()
        cp = self.assert_exit(self.ht("list"), 1)
        self.assertEqual(lines(cp), ["hashtrack: no data yet: '%s' is empty; "
                                     "start with 'hashtrack add TAG'" % self.db_path])
        self.assertEqual(self.db_path.stat().st_size, 0)
        self.ok("add", "fine")
        self.assertEqual([t["hashtag"] for t in self.list_tags()], ["fine"])

    def test_a_database_on_a_read_only_mount_can_be_read(self):
        mnt = self.mount_tmpfs("4m")
        self.db_path = mnt / "ht.db"
        self.ok("add", "fine")
        self.tags(fine=counts(1, 2))
        self.run_at(T0)
        self.remount(mnt, "ro")
        for args in self.READERS + (["doctor"],):
            with self.subTest(args=args):
                self.ok(*args, now=at(1))
        self.assertEqual(self.report_of(at(1), "fine")["video_count"], 1)
        self.assertEqual([t["hashtag"] for t in self.list_tags()], ["fine"])
        self.assertEqual(len(self.history("fine")), 1)

    def test_another_applications_database_is_refused_untouched(self):
        conn = sqlite3.connect(str(self.db_path))
        conn.execute("CREATE TABLE notes (body TEXT)")
        conn.execute("INSERT INTO notes VALUES ('keep me')")
        conn.commit()
        conn.close()
        before = self.db_path.read_bytes()
        csv = self.tmp / "in.csv"
        csv.write_text("hashtag,ts,video_count,view_count\nfine,%s,1,2\n" % T0)
        for args in (["add", "fine"], ["run"], ["import", csv], ["list"], ["report"],
                     ["export"]):
            with self.subTest(args=args):
                cp = self.assert_exit(self.ht(*args, now=T0), 1)
                self.assertEqual(lines(cp), ["hashtrack: '%s' is not a hashtrack database (its "
                                             "tables are another application's); point --db or "
                                             "[storage] db at hashtrack's database"
                                             % self.db_path])
        self.assert_exit(self.ht("doctor"), 1)
        self.assertEqual(self.db_path.read_bytes(), before)
        self.assertFalse(Path(str(self.db_path) + "-wal").exists())

    def test_a_file_that_is_not_sqlite_is_refused_untouched(self):
        self.db_path.write_text("not a database, just notes\n" * 100)
        before = self.db_path.read_bytes()
        for args in (["add", "fine"], ["list"]):
            with self.subTest(args=args):
                cp = self.assert_exit(self.ht(*args), 1)
                self.assertIn("'%s' is not a hashtrack database (not an SQLite file)"
                              % self.db_path, cp.stderr)
        self.assertEqual(self.db_path.read_bytes(), before)


class LongImport(StoreTest):
    """import holds one write transaction for its whole length."""

    def start_import(self, now):
        proc = subprocess.Popen(
            self._argv(["import", "-"]), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, encoding="utf-8", env=self.env(now), cwd=self.tmp)
        self.addCleanup(self._stop_process, proc)
        proc.stdin.write("hashtag,ts,video_count,view_count\nold,%s,5,6\n" % at(-48))
        proc.stdin.flush()
        return proc

    def wait_until_writing(self, proc, timeout=10):
        """Until proc holds the database's write lock."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.assertIsNone(proc.poll(), "import ended early")
            conn = sqlite3.connect(str(self.db_path), timeout=0)
            try:
                conn.execute("BEGIN IMMEDIATE")
                conn.rollback()
            except sqlite3.OperationalError as e:
                if "locked" in str(e):
                    return
                raise
            finally:
                conn.close()
            time.sleep(0.05)
        self.fail("import did not start writing within %ss" % timeout)

    def test_a_stalled_import_neither_blocks_readers_nor_fails_a_run(self):
        self.ok("add", "fine")
        self.tags(fine=counts(1, 2))
        self.run_at(T0)
        imp = self.start_import(at(1))
        self.wait_until_writing(imp)
        started = time.monotonic()
        self.assertEqual([t["hashtag"] for t in self.list_tags()], ["fine"])
        self.report(at(1))
        self.assertLess(time.monotonic() - started, 5, "readers waited for the import")
        run = self.ht_start("run", now=at(2))
        time.sleep(2.5)
        self.assertIsNone(run.poll(), "run did not wait for the import")
        self.assertEqual(len(self.requests()), 1, "run fetched while the import was writing")
        imp.stdin.close()
        self.assertEqual(imp.wait(timeout=30), 0, imp.stderr.read())
        cp = self.assert_exit(self.ht_finish(run), 0)
        self.assertEqual(lines(cp), ["hashtrack: warning: waiting for another hashtrack command "
                                     "to finish writing '%s'" % self.db_path])
        self.assertEqual(len(self.snapshots("fine")), 2)
        self.assertEqual([r["ts"] for r in self.snapshots("old")], [at(-48)])


class PurgedDuringRun(StoreTest):

    def test_a_tag_purged_while_it_is_fetched_is_not_stored_and_not_a_failure(self):
        self.ok("add", "slow", "fine")
        self.tags(slow=counts(1, 2, delay=2), fine=counts(3, 4))
        run = self.ht_start("run", now=T0)
        self.wait_for_arrivals(2)
        self.ok("remove", "--purge", "slow")
        cp = self.assert_exit(self.ht_finish(run), 0)
        self.assertEqual(lines(cp), ["hashtrack: warning: #slow: removed during the run; "
                                     "nothing stored"])
        self.assertEqual(self.snapshots("slow"), [])
        self.assertEqual(len(self.snapshots("fine")), 1)
        self.assertEqual([t["hashtag"] for t in self.list_tags()], ["fine"])


if __name__ == "__main__":
    unittest.main()
