"""The operator's view of `run`: the run ledger (`runs`), the [health]
ping_url dead-man's switch, the [metrics] textfile, and what doctor makes of
the ledger (no recent success, credits per day and this month)."""

import json
import re
import shutil
import subprocess
import threading
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import tests.integration.test_unix as unix_tests
from tests.integration.harness import HashtrackTest, at, counts, fault

RUN_KEYS = ["started_at", "finished_at", "tags", "stored", "failed", "alerts",
            "credits_used", "credits_remaining", "exit"]


class PingRecorder:
    """A healthchecks.io stand-in on 127.0.0.1: records every request, answers `status`."""

    def __init__(self, status=200):
        self.seen = []
        self.status = status
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def answer(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n).decode("utf-8", "replace") if n else ""
                recorder.seen.append((self.command, self.path, body))
                self.send_response(recorder.status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"OK")

            do_GET = do_POST = do_HEAD = answer

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return "http://127.0.0.1:%d/ping/s3cr3t-uuid" % self.server.server_address[1]

    def paths(self):
        return [p for _, p, _ in self.seen]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def parse_exposition(text):
    """Prometheus text format 0.0.4, strictly: {(name, labels-tuple): value}.

    Fails (AssertionError) on a sample before its family's TYPE, a family
    split in two, a TYPE given twice, a label value with a bad escape, or a
    value that is not a float.
    """
    label = r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"'
    sample = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:%s)(?:,%s)*)?\})? (\S+)$'
                        % (label, label))
    types, samples, done, current = {}, {}, set(), None
    assert text.endswith("\n"), "the text must end with a newline"
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ", 3)
            assert name not in types, "TYPE of %s given twice" % name
            assert kind in ("counter", "gauge", "histogram", "summary", "untyped"), line
            types[name] = kind
            continue
        if line.startswith("#") or not line:
            continue
        m = sample.match(line)
        assert m, "not a sample line: %r" % line
        name = m.group(1)
        assert name in types, "sample of %s before its TYPE" % name
        if name != current:
            assert name not in done, "family %s split in two" % name
            if current:
                done.add(current)
            current = name
        labels = tuple((k, v.replace("\\n", "\n").replace('\\"', '"').replace("\\\\", "\\"))
                       for k, v in re.findall(label, m.group(2) or ""))
        samples[(name, labels)] = float(m.group(m.lastindex))
    return samples


class Ledger(HashtrackTest):
    def setUp(self):
        super().setUp()
        self.ok("add", "alpha", "beta")

    def runs(self, *args, now=None):
        return self.ht_json("runs", "--format", "json", *args, now=now)

    def test_each_run_is_recorded_with_its_counts_credits_and_exit(self):
        self.tags(alpha=counts(100, 1000, credits=500, credits_used=1),
                  beta=fault(500))
        self.run_at(at(0), code=1)
        self.tags(alpha=counts(110, 1100, credits=498, credits_used=1),
                  beta=counts(5, 50, credits=497, credits_used=1))
        self.run_at(at(6))
        rows = self.runs(now=at(7))
        self.assertEqual([list(r) for r in rows], [RUN_KEYS, RUN_KEYS])
        first, second = rows
        self.assertEqual((first["started_at"], first["tags"], first["stored"], first["failed"],
                          first["alerts"], first["exit"]), (at(0), 2, 1, 1, 0, 1))
        self.assertEqual((first["credits_used"], first["credits_remaining"]), (1, 500))
        self.assertEqual((second["started_at"], second["stored"], second["failed"],
                          second["credits_used"], second["exit"]), (at(6), 2, 0, 2, 0))
        self.assertIn(second["credits_remaining"], (497, 498))   # the answer that came last
        self.assertGreaterEqual(second["finished_at"], second["started_at"])
        cp = self.assert_exit(self.ht("run", "-v", now=at(12)), 0)
        self.assertIn("credits used: 2", cp.stderr)

    def test_credits_the_api_did_not_report_are_null_never_0(self):
        self.tags(alpha=counts(100, 1000), beta=counts(5, 50))
        self.run_at(at(0))
        row, = self.runs(now=at(1))
        self.assertIsNone(row["credits_used"])
        self.assertIsNone(row["credits_remaining"])
        csv = self.ok("runs", "--format", "csv", now=at(1)).stdout.splitlines()
        self.assertEqual(csv[0], ",".join(RUN_KEYS))
        self.assertEqual(csv[1], "%s,%s,2,2,0,0,,,0" % (row["started_at"], row["finished_at"]))

    def test_a_dry_run_is_not_recorded(self):
        self.tags(alpha=counts(100, 1000), beta=counts(5, 50))
        self.run_at(at(0))
        self.ok("run", "--dry-run", now=at(1))
        self.assertEqual(len(self.runs(now=at(2))), 1)

    def test_since_keeps_the_recent_runs(self):
        self.tags(alpha=counts(100, 1000), beta=counts(5, 50))
        for h in (0, 6, 12):
            self.run_at(at(h))
        rows = self.runs("--since", "7h", now=at(13))
        self.assertEqual([r["started_at"] for r in rows], [at(6), at(12)])
        table = self.ok("runs", now=at(13)).stdout
        self.assertIn("STARTED", table)
        self.assertEqual(len(table.splitlines()), 4)

    def test_a_run_that_tracks_nothing_is_recorded_as_failed(self):
        self.ok("remove", "alpha", "beta")
        self.run_at(at(0), code=1)
        row, = self.runs(now=at(1))
        self.assertEqual((row["tags"], row["exit"]), (0, 1))


class LedgerWithoutDatabase(HashtrackTest):
    def test_runs_without_a_database_says_no_data_and_creates_none(self):
        cp = self.assert_exit(self.ht("runs"), 1)
        self.assertIn("no data yet", cp.stderr)
        self.assertFalse(self.db_path.exists())

    def test_a_bad_format_is_a_usage_error(self):
        cp = self.assert_exit(self.ht("runs", "--format", "xml"), 2)
        self.assertIn("unknown format 'xml'", cp.stderr)


class HealthPing(HashtrackTest):
    def setUp(self):
        super().setUp()
        self.pings = PingRecorder()
        self.addCleanup(self.pings.stop)
        self.write_config(raw=self.config_text(self.pings.url))
        self.ok("add", "alpha")

    def config_text(self, ping_url):
        return ("[api]\nurl = %s\ntimeout = 5s\nrate = 0\nretries = 0\n"
                "[health]\nping_url = %s\n" % (self.api_url, ping_url))

    def test_a_good_run_pings_start_then_success(self):
        self.tags(alpha=counts(100, 1000))
        self.run_at(at(0))
        self.assertEqual(self.pings.paths(), ["/ping/s3cr3t-uuid/start", "/ping/s3cr3t-uuid"])

    def test_a_failed_run_pings_fail_with_its_summary(self):
        self.tags(alpha=fault(500))
        self.run_at(at(0), code=1)
        self.assertEqual(self.pings.paths(), ["/ping/s3cr3t-uuid/start",
                                              "/ping/s3cr3t-uuid/fail"])
        body = self.pings.seen[-1][2]
        self.assertIn("1 hashtags: 0 stored, 1 failed", body)
        self.assertEqual(len(body.splitlines()), 1)

    def test_a_run_stopped_by_the_api_says_why_in_the_fail_body(self):
        self.tags(alpha=fault(401))
        self.run_at(at(0), code=1)
        self.assertIn("401", self.pings.seen[-1][2])

    def test_a_ping_that_fails_is_a_warning_not_a_failed_run(self):
        self.pings.status = 500
        self.tags(alpha=counts(100, 1000))
        cp = self.run_at(at(0), quiet_when_ok=False)
        self.assertEqual(len(self.pings.seen), 2)
        self.assertIn("warning", cp.stderr)
        self.assertIn("answered 500", cp.stderr)
        self.assertNotIn("s3cr3t", cp.stderr)

    def test_an_unreachable_ping_url_never_fails_the_run_or_shows_its_path(self):
        port = self.pings.server.server_address[1]
        self.pings.stop()
        self.write_config(raw=self.config_text("http://127.0.0.1:%d/ping/s3cr3t-uuid" % port))
        self.tags(alpha=counts(100, 1000))
        cp = self.run_at(at(0), quiet_when_ok=False)
        self.assertIn("cannot ping http://127.0.0.1/...", cp.stderr)
        self.assertNotIn("s3cr3t", cp.stderr)

    def test_doctor_shows_the_ping_url_without_its_path(self):
        cp = self.ht("doctor")
        self.assertRegex(cp.stdout, r"(?m)^ok\s+health\s+each run pings http://127\.0\.0\.1/\.\.\.$")
        self.assertNotIn("s3cr3t", cp.stdout)

    def test_a_dry_run_pings_nothing(self):
        self.tags(alpha=counts(100, 1000))
        self.ok("run", "--dry-run", now=at(0))
        self.assertEqual(self.pings.seen, [])

    def test_a_plain_http_ping_url_to_another_host_is_refused_without_its_path(self):
        self.write_config(raw=self.config_text("http://example.com/ping/s3cr3t-uuid"))
        cp = self.assert_exit(self.ht("run", now=at(0)), 2)
        self.assertIn("[health] ping_url", cp.stderr)
        self.assertNotIn("s3cr3t", cp.stderr)
        self.assertEqual(self.pings.seen, [])


class Metrics(HashtrackTest):
    TAG = "日本_テスト"

    def setUp(self):
        super().setUp()
        self.prom_dir = self.tmp / "textfile"
        self.prom_dir.mkdir()
        self.prom = self.prom_dir / "hashtrack.prom"
        cfg = self.default_config()
        text = "".join("[%s]\n%s\n" % (s, "".join("%s = %s\n" % kv for kv in keys.items()))
                       for s, keys in cfg.items() if keys)
        self.write_config(raw=text + "[metrics]\ntextfile = %s\n" % self.prom)
        self.ok("add", self.TAG, "views_only", "gone")

    def run_twice(self, code=1):
        """Two runs 6 h apart; "gone" answers 404 (exit 1) while it is tracked."""
        self.tags(**{self.TAG: counts(100, 10000, credits=900),
                     "views_only": counts(None, 5000), "gone": fault(404)})
        self.run_at(at(0), code=code)
        self.tags(**{self.TAG: counts(150, 20000, credits=899),
                     "views_only": counts(None, 6000), "gone": fault(404)})
        self.run_at(at(6), code=code)
        return self.prom.read_text(encoding="utf-8")

    def test_the_textfile_parses_and_holds_every_metric(self):
        samples = parse_exposition(self.run_twice())
        names = {name for name, _ in samples}
        for name in ("hashtrack_last_run_timestamp_seconds", "hashtrack_run_duration_seconds",
                     "hashtrack_tags", "hashtrack_credits_remaining", "hashtrack_alerts_total",
                     "hashtrack_hashtag_views", "hashtrack_hashtag_videos"):
            self.assertIn(name, names)
        self.assertEqual(samples[("hashtrack_last_run_timestamp_seconds", ())], 1779429600)
        self.assertEqual(samples[("hashtrack_hashtag_views", (("hashtag", self.TAG),))], 20000)
        self.assertEqual(samples[("hashtrack_hashtag_videos", (("hashtag", self.TAG),))], 150)
        self.assertEqual(samples[("hashtrack_tags", (("status", "not-found"),))], 1)
        self.assertEqual(samples[("hashtrack_tags", (("status", "ok"),))], 2)
        self.assertEqual(samples[("hashtrack_credits_remaining", ())], 899)
        self.assertEqual(samples[("hashtrack_last_run_exit_code", ())], 1)

    def test_an_unknown_count_has_no_sample_not_a_zero(self):
        samples = parse_exposition(self.run_twice())
        self.assertIn(("hashtrack_hashtag_views", (("hashtag", "views_only"),)), samples)
        self.assertNotIn(("hashtrack_hashtag_videos", (("hashtag", "views_only"),)), samples)
        self.assertNotIn(("hashtrack_hashtag_views", (("hashtag", "gone"),)), samples)
        # no run succeeded yet: no last-success sample rather than a 0
        self.assertNotIn(("hashtrack_last_success_timestamp_seconds", ()), samples)

    def test_the_last_success_is_the_newest_run_that_exited_0(self):
        self.ok("remove", "gone")
        self.run_twice(code=0)
        samples = parse_exposition(self.prom.read_text(encoding="utf-8"))
        self.assertEqual(samples[("hashtrack_last_success_timestamp_seconds", ())], 1779429600)

    def test_the_textfile_is_replaced_whole_and_readable_by_the_collector(self):
        self.run_twice()
        self.assertEqual(sorted(p.name for p in self.prom_dir.iterdir()), ["hashtrack.prom"])
        self.assertEqual(self.prom.stat().st_mode & 0o777, 0o644)

    def test_promtool_accepts_it(self):
        promtool = shutil.which("promtool")
        if not promtool:
            self.skipTest("promtool is not installed ('sh tools/deps.sh promtool' as root "
                          "installs Debian's prometheus)")
        text = self.run_twice()
        cp = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True,
                            encoding="utf-8", timeout=60)
        self.assertEqual(cp.returncode, 0, cp.stdout + cp.stderr)

    def test_a_textfile_that_cannot_be_written_is_a_warning(self):
        shutil.rmtree(self.prom_dir)
        self.tags(**{self.TAG: counts(100, 10000), "views_only": counts(None, 5000),
                     "gone": counts(1, 1)})
        cp = self.run_at(at(0), quiet_when_ok=False)
        self.assertIn("[metrics] textfile", cp.stderr)
        self.assertIn("warning", cp.stderr)

    def test_doctor_checks_the_textfile_directory(self):
        self.assertRegex(self.ht("doctor").stdout, r"(?m)^ok\s+metrics\s")
        shutil.rmtree(self.prom_dir)
        self.assertRegex(self.ht("doctor").stdout, r"(?m)^warn\s+metrics\s+cannot write")

    def test_a_dry_run_writes_no_metrics(self):
        self.tags(**{self.TAG: counts(100, 10000)})
        self.ht("run", "--dry-run", now=at(0))
        self.assertFalse(self.prom.exists())


class DoctorReadsTheLedger(HashtrackTest):
    def setUp(self):
        super().setUp()
        self.ok("add", "alpha")

    lines = unix_tests.Doctor.lines     # {check: [(level, text)]} of doctor's output

    def check(self, now, name):
        found = self.lines(self.ht("doctor", now=now)).get(name)
        self.assertIsNotNone(found, "doctor has no '%s' line" % name)
        return found[0]

    def test_an_hourly_schedule_warns_after_two_missed_hours(self):
        self.tags(alpha=counts(100, 1000))
        for h in range(5):
            self.run_at(at(h))
        self.assertEqual(self.check(at(5), "last run")[0], "ok")
        level, text = self.check(at(7), "last run")
        self.assertEqual(level, "warn")
        self.assertIn("twice the schedule's 1h", text)

    def test_a_six_hourly_schedule_is_fine_after_eleven_hours(self):
        self.tags(alpha=counts(100, 1000))
        for h in (0, 6, 12, 18):
            self.run_at(at(h))
        self.assertEqual(self.check(at(29), "last run")[0], "ok")
        self.assertEqual(self.check(at(31), "last run")[0], "warn")

    def test_credits_per_day_and_the_month_are_shown(self):
        for i, h in enumerate((0, 6, 12, 18, 24)):
            self.tags(alpha=counts(100 + i, 1000 + i, credits=1000 - 10 * i, credits_used=10))
            self.run_at(at(h))
        level, text = self.check(at(25), "spend")
        self.assertEqual(level, "ok")
        # 50 credits over the ledger's 25 hours: 48 a day
        self.assertIn("48 credits a day", text)
        level, text = self.check(at(25), "credits")
        self.assertEqual(level, "ok")
        self.assertIn("960 left, about 20 days", text)

    def test_credits_running_out_within_a_week_warn(self):
        for i, h in enumerate((0, 6, 12, 18, 24)):
            self.tags(alpha=counts(100 + i, 1000 + i, credits=100 - 10 * i, credits_used=10))
            self.run_at(at(h))
        self.assertEqual(self.check(at(25), "credits")[0], "warn")

    def test_no_credits_reported_leaves_the_spend_unknown(self):
        self.tags(alpha=counts(100, 1000))
        self.run_at(at(0))
        level, text = self.check(at(1), "spend")
        self.assertEqual(level, "ok")
        self.assertIn("no run in the last 7 days said what it spent", text)


if __name__ == "__main__":
    unittest.main()
