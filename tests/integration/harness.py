"""Test harness: one simulated Scavio API per test, and a way to run hashtrack.

Every test gets a fresh temporary directory holding the simulator's state,
the config file and the database; the simulator is stopped and the directory
removed even when the test fails. hashtrack runs with a scrubbed environment
(HOME and XDG_* point into the temporary directory) and a frozen clock when
`now` is given. The test API key must never show up in anything hashtrack
prints or stores; tearDown checks that after every test.
"""

import json
import os
import pty
import re
import secrets
import select
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SIM = REPO / "tests" / "sim" / "scavio_sim.py"

T0_DT = datetime(2026, 5, 22, 0, 0, 0, tzinfo=timezone.utc)
T0 = "2026-05-22T00:00:00Z"

RUN_TIMEOUT = 60     # seconds for one hashtrack call
SIM_READY_TIMEOUT = 5

# Environment variables hashtrack (or libcurl) reads that must not leak in
# from the developer's shell.
_SCRUB_PREFIXES = ("HASHTRACK_", "SCAVIO_", "XDG_", "SIM_")
_SCRUB_NAMES = {"HOME", "NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "COLUMNS",
                "http_proxy", "https_proxy", "all_proxy", "no_proxy",
                "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY",
                "CURL_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR", "CREDENTIALS_DIRECTORY"}

LIST_KEYS = {"hashtag", "campaign", "min_new_videos", "video_growth", "view_growth", "surge",
             "added_at", "last_snapshot", "status", "last_error", "muted_until", "next_due"}
REPORT_KEYS = ["hashtag", "campaign", "video_count", "view_count", "last_snapshot",
               "baseline_snapshot", "new_videos", "new_views", "video_growth_pct",
               "view_growth_pct", "videos_per_hour", "views_per_hour",
               "usual_videos_per_hour", "usual_views_per_hour", "pace_ratio", "viral",
               "state", "status"]
HISTORY_KEYS = ["hashtag", "ts", "video_count", "view_count", "source"]
ALERT_KEYS = {"id", "hashtag", "campaign", "event", "detected_at", "status", "attempts",
              "last_error", "sent_at", "new_videos", "video_growth_pct", "views_per_hour",
              "pace_ratio", "rules"}
JSON_PAYLOAD_KEYS = {"event", "hashtag", "campaign", "url", "detected_at", "window_hours",
                     "video_count", "view_count", "new_videos", "new_views",
                     "video_growth_pct", "view_growth_pct", "videos_per_hour",
                     "views_per_hour", "usual_videos_per_hour", "usual_views_per_hour",
                     "pace_ratio", "rules"}


def at(hours=0, minutes=0, seconds=0):
    """RFC 3339 UTC text of T0 plus the given offset."""
    t = T0_DT + timedelta(hours=hours, minutes=minutes, seconds=seconds)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def counts(videos, views, shape=2, **extra):
    """A world RESPONSE answering with these counts in the given shape."""
    r = {"videos": videos, "views": views, "shape": shape}
    r.update(extra)
    return r


def fault(status, body=None, **extra):
    """A world RESPONSE answering status with an error body."""
    if body is None:
        body = {"error": {"code": status, "message": "simulated %d" % status}}
    r = {"status": status, "body": body}
    r.update(extra)
    return r


def closed_port():
    """A loopback port nobody listens on (bound, then released)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def error_lines(cp):
    """The lines a hashtrack call wrote on stderr, blank ones left out."""
    return [line for line in cp.stderr.splitlines() if line.strip()]


def _write_atomic(path, text):
    tmp = "%s.tmp" % path
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def _read_jsonl(path):
    try:
        with open(path, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]
    except FileNotFoundError:
        return []


class HashtrackTest(unittest.TestCase):
    maxDiff = None

    # ---- fixture ---------------------------------------------------------

    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="hashtrack-test-"))
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)
        self.state = self.tmp / "sim"
        self.state.mkdir()
        self.home = self.tmp / "home"
        self.home.mkdir()
        self.api_key = "sk_test_" + secrets.token_hex(16)
        self.outputs = []          # (argv, stdout, stderr) of every hashtrack call
        self.db_path = self.tmp / "ht.db"
        self.config_path = self.tmp / "config.ini"
        self.bin = Path(os.environ.get("HASHTRACK_BIN") or REPO / "hashtrack")
        if not os.access(self.bin, os.X_OK):
            self.fail("hashtrack binary not found or not executable: %s "
                      "(build it, or set HASHTRACK_BIN)" % self.bin)
        self._start_sim()
        self.write_config()

    def tearDown(self):
        self.assert_api_key_never_leaked()

    def _start_sim(self):
        ready = self.tmp / "sim.port"
        env = dict(os.environ)
        env["SIM_API_KEY"] = self.api_key
        with open(self.tmp / "sim.log", "wb") as log:
            proc = subprocess.Popen(
                [sys.executable, str(SIM), "--port", "0", "--ready-file", str(ready),
                 "--state-dir", str(self.state)],
                env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        self.addCleanup(self._stop_process, proc)
        self.sim = proc
        deadline = time.monotonic() + SIM_READY_TIMEOUT
        while not ready.exists():
            if proc.poll() is not None:
                self.fail("simulator exited with %s: %s" % (proc.returncode, self.sim_log()))
            if time.monotonic() > deadline:
                self.fail("simulator not ready after %ss: %s" % (SIM_READY_TIMEOUT, self.sim_log()))
            time.sleep(0.02)
        self.port = int(ready.read_text().strip())
        self.api_url = "http://127.0.0.1:%d/api/v1/tiktok/hashtag" % self.port

    @staticmethod
    def _stop_process(proc):
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def sim_log(self):
        try:
            return (self.tmp / "sim.log").read_text(errors="replace")
        except FileNotFoundError:
            return ""

    # ---- the simulator ---------------------------------------------------

    def hook_url(self, name="slack"):
        return "http://127.0.0.1:%d/hook/%s" % (self.port, name)

    def world(self, world):
        """Replace the simulator's world: {"tags": {...}, "default": ...}."""
        _write_atomic(self.state / "world.json", json.dumps(world))

    def tags(self, **responses):
        """Shorthand for world({"tags": responses})."""
        self.world({"tags": responses})

    def hook_statuses(self, statuses):
        _write_atomic(self.state / "hook.json", json.dumps({"statuses": list(statuses)}))

    def requests(self):
        return _read_jsonl(self.state / "requests.jsonl")

    def wait_for_arrivals(self, n, timeout=5):
        """Wait until the API has received n requests (answered or not)."""
        deadline = time.monotonic() + timeout
        while len(_read_jsonl(self.state / "arrivals.jsonl")) < n:
            if time.monotonic() > deadline:
                self.fail("the API did not receive %d request(s) within %ss" % (n, timeout))
            time.sleep(0.02)

    def webhooks(self):
        return _read_jsonl(self.state / "webhook.jsonl")

    def webhook_bodies(self):
        """The webhook bodies, parsed as JSON."""
        return [json.loads(w["body"]) for w in self.webhooks()]

    # ---- configuration ---------------------------------------------------

    def default_config(self):
        return {
            "api": {"url": self.api_url, "timeout": "5s", "concurrency": "4",
                    "rate": "0", "retries": "0"},
            "storage": {},
            "detect": {},
            "alert": {"webhook": self.hook_url("slack"), "format": "slack"},
        }

    def write_config(self, raw=None, path=None, **overrides):
        """Write the INI config and return its path.

        Overrides are SECTION_KEY=value (api_rate="5/s", detect_window="12h",
        alert_format="json"); a value of None leaves the key out. raw writes
        the given text verbatim instead.
        """
        path = Path(path) if path else self.config_path
        if raw is None:
            cfg = self.default_config()
            for name, value in overrides.items():
                section, sep, key = name.partition("_")
                if not sep or section not in cfg:
                    raise ValueError("override %r is not SECTION_KEY" % name)
                if value is None:
                    cfg[section].pop(key, None)
                else:
                    cfg[section][key] = str(value)
            lines = []
            for section, keys in cfg.items():
                if not keys:
                    continue
                lines.append("[%s]" % section)
                lines.extend("%s = %s" % kv for kv in keys.items())
                lines.append("")
            raw = "\n".join(lines)
        elif overrides:
            raise ValueError("raw and overrides are exclusive")
        _write_atomic(path, raw)
        return path

    # ---- running hashtrack -----------------------------------------------

    def env(self, now=None, env_extra=None):
        env = {k: v for k, v in os.environ.items()
               if k not in _SCRUB_NAMES and not k.startswith(_SCRUB_PREFIXES)}
        xdg = self.home
        env.update({
            "HOME": str(self.home),
            "XDG_CONFIG_HOME": str(xdg / ".config"),
            "XDG_DATA_HOME": str(xdg / ".local" / "share"),
            "XDG_STATE_HOME": str(xdg / ".local" / "state"),
            "XDG_CACHE_HOME": str(xdg / ".cache"),
            "XDG_RUNTIME_DIR": str(xdg / "run"),
            "HASHTRACK_CONFIG": str(self.config_path),
            "HASHTRACK_DB": str(self.db_path),
            "SCAVIO_API_KEY": self.api_key,
            "NO_COLOR": "1",
            "TERM": "dumb",
        })
        if now is not None:
            env["HASHTRACK_NOW"] = now
        for k, v in (env_extra or {}).items():
            if v is None:
                env.pop(k, None)
            else:
                env[k] = str(v)
        return env

    def _argv(self, args):
        # make check-valgrind: every hashtrack process under memcheck; an error
        # or a definite leak turns into exit status 99, which no test expects
        prefix = (["valgrind", "-q", "--error-exitcode=99", "--leak-check=full",
                   "--errors-for-leak-kinds=definite"]
                  if os.environ.get("HASHTRACK_VALGRIND") else [])
        return prefix + [str(self.bin)] + [str(a) for a in args]

    def ht(self, *args, now=None, stdin=None, env_extra=None, timeout=RUN_TIMEOUT):
        """Run hashtrack; returns a text CompletedProcess (stdout is a pipe)."""
        argv = self._argv(args)
        try:
            cp = subprocess.run(
                argv, input=stdin, stdin=subprocess.DEVNULL if stdin is None else None,
                capture_output=True, encoding="utf-8", errors="replace",
                env=self.env(now, env_extra), cwd=self.tmp, timeout=timeout)
        except subprocess.TimeoutExpired as e:
            out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
            err = e.stderr.decode(errors="replace") if isinstance(e.stderr, bytes) else (e.stderr or "")
            self.outputs.append((argv, out, err))
            self.fail("hashtrack %s did not finish within %ss\nstdout: %s\nstderr: %s"
                      % (" ".join(argv[1:]), timeout, out, err))
        self.outputs.append((argv, cp.stdout, cp.stderr))
        return cp

    def ht_start(self, *args, now=None, env_extra=None):
        """Start hashtrack in the background; finish it with ht_finish()."""
        argv = self._argv(args)
        proc = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            encoding="utf-8", errors="replace", env=self.env(now, env_extra), cwd=self.tmp)
        proc.argv = argv
        self.addCleanup(self._stop_process, proc)
        return proc

    def ht_finish(self, proc, timeout=RUN_TIMEOUT):
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            self.outputs.append((proc.argv, out, err))
            self.fail("background hashtrack did not finish within %ss" % timeout)
        self.outputs.append((proc.argv, out, err))
        return subprocess.CompletedProcess(proc.argv, proc.returncode, out, err)

    # ---- assertions and shorthands ---------------------------------------

    @staticmethod
    def describe(cp):
        return "hashtrack %s -> exit %s\n--- stdout ---\n%s--- stderr ---\n%s" % (
            " ".join(str(a) for a in cp.args[1:]), cp.returncode, cp.stdout, cp.stderr)

    def assert_exit(self, cp, code):
        self.assertEqual(cp.returncode, code, self.describe(cp))
        return cp

    def ok(self, *args, **kw):
        """Run hashtrack and require exit 0."""
        return self.assert_exit(self.ht(*args, **kw), 0)

    def on_terminal(self, *args, env_extra=None):
        """hashtrack ARGS at +12h with stdout on a pseudo-terminal; what it printed."""
        primary, secondary = pty.openpty()
        env = self.env(now=at(12), env_extra=env_extra)
        proc = subprocess.Popen([str(self.bin)] + list(args), stdin=subprocess.DEVNULL,
                                stdout=secondary, stderr=subprocess.PIPE, env=env, cwd=self.tmp)
        os.close(secondary)
        chunks = []
        while True:
            ready, _, _ = select.select([primary], [], [], 10)
            if not ready:
                break
            try:
                data = os.read(primary, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        os.close(primary)
        proc.wait(timeout=30)
        self.assertEqual(proc.returncode, 0, proc.stderr.read())
        proc.stderr.close()
        return b"".join(chunks).decode("utf-8", "replace")

    def ht_json(self, *args, **kw):
        cp = self.ok(*args, **kw)
        try:
            return json.loads(cp.stdout)
        except ValueError as e:
            self.fail("stdout is not JSON (%s)\n%s" % (e, self.describe(cp)))

    def run_at(self, now, *tags, code=0, quiet_when_ok=True):
        """`hashtrack run [TAG...]` at `now`; checks the exit status."""
        cp = self.assert_exit(self.ht("run", *tags, now=now), code)
        if code == 0 and quiet_when_ok:
            self.assertEqual(cp.stdout, "", "run printed on a pipe\n" + self.describe(cp))
        return cp

    def list_tags(self, now=None):
        return self.ht_json("list", "--format", "json", now=now)

    def report(self, now, *args):
        return self.ht_json("report", "--format", "json", *args, now=now)

    def report_of(self, now, tag, *args):
        rows = [h for h in self.report(now, *args)["hashtags"] if h["hashtag"] == tag]
        self.assertEqual(len(rows), 1, "report has no single row for %r" % tag)
        return rows[0]

    def history(self, tag, now=None):
        return self.ht_json("history", tag, "--format", "json", now=now)

    def alerts(self, *args, now=None):
        return self.ht_json("alerts", "--format", "json", *args, now=now)

    def require(self, *args):
        """Skip the test when hashtrack does not offer `args` yet.

        For the contract's commands and formats beyond the first milestone
        (history, alerts, export, import, report --format html): the test
        runs, and must pass, as soon as the binary accepts them.
        """
        cp = self.ht(*args)
        if cp.returncode == 2 and re.search(r"unknown (command|format)", cp.stderr):
            self.skipTest("hashtrack does not support %r yet: %s"
                          % (" ".join(map(str, args)), cp.stderr.strip()))

    # ---- the database ----------------------------------------------------
    # Read-only. Only snapshots() and alert_rows() know the schema (version 2
    # of src/store.c: unknown counts are NULL, an alert is an event); tests go
    # through them or through the CLI.

    def db(self):
        """A read-only sqlite3 connection to the test database."""
        conn = sqlite3.connect("file:%s?mode=ro" % self.db_path, uri=True)
        self.addCleanup(conn.close)
        return conn

    def _query(self, sql, params=()):
        if not self.db_path.exists():
            return []
        conn = sqlite3.connect("file:%s?mode=ro" % self.db_path, uri=True)
        try:
            conn.row_factory = sqlite3.Row
            return [dict(r) for r in conn.execute(sql, params)]
        finally:
            conn.close()

    @staticmethod
    def _rfc3339(epoch):
        if epoch is None:
            return None
        return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    def snapshots(self, tag):
        """The stored snapshots of tag, oldest first, as history rows."""
        rows = self._query(
            "SELECT h.name AS hashtag, s.ts, s.video_count, s.view_count, s.source"
            " FROM snapshot s JOIN hashtag h ON h.id = s.hashtag_id"
            " WHERE h.name = ? ORDER BY s.ts", (tag,))
        for r in rows:
            r["ts"] = self._rfc3339(r["ts"])
        return rows

    def alert_rows(self, event=None):
        """Every stored alert, oldest first: hashtag, event, status, attempts, detected_at...

        event ("viral", "escalation" or "calmed") keeps only the alerts of that event.
        """
        rows = self._query(
            "SELECT a.id, h.name AS hashtag, a.event, a.status, a.attempts, a.detected_at,"
            " a.sent_at, a.new_videos, a.new_views FROM alert a"
            " JOIN hashtag h ON h.id = a.hashtag_id ORDER BY a.id")
        for r in rows:
            r["detected_at"] = self._rfc3339(r["detected_at"])
            r["sent_at"] = self._rfc3339(r["sent_at"])
        return [r for r in rows if event is None or r["event"] == event]

    def stderr_lines_naming(self, cp, tag):
        return [line for line in cp.stderr.splitlines() if tag in line]

    def assert_api_key_never_leaked(self):
        key = self.api_key
        for argv, out, err in self.outputs:
            for name, text in (("stdout", out), ("stderr", err)):
                self.assertNotIn(key, text or "", "API key printed on %s of %s" % (name, argv))
        for rec in self.requests():
            self.assertFalse(rec.get("key_leak"), "API key sent outside Authorization: %r" % rec)
        for rec in self.webhooks():
            self.assertFalse(rec.get("key_leak"), "API key sent in a webhook: %r" % rec)
        for f in self.tmp.iterdir():
            if f.name.startswith(self.db_path.name) and f.is_file():
                self.assertNotIn(key.encode(), f.read_bytes(), "API key stored in %s" % f.name)
