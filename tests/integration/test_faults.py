"""Fault handling: nothing confirmed is lost, every problem is one clear line.

The API and the webhook misbehave through the simulator (statuses, waits,
hangs, cut bodies, HTML); runs collide on the lock; a run is SIGKILLed at
random moments. interface.md: "The API call", "run", exit status, "alerts".
Waits are measured on the simulator's own clock (arrival and answer times).
"""

import csv
import io
import json
import os
import random
import re
import sqlite3
import time
import unittest
from email.utils import formatdate

from .harness import (ALERT_KEYS, T0, HashtrackTest, _read_jsonl, _write_atomic, at,
                      closed_port, counts, fault)
from .harness import error_lines as lines

# Alerts are edges: T0 is the baseline, 6h the rules' silent first evaluation
# (steady growth under every rule), 12h the jump: +300 videos (+25.0%).
VIBE_T0 = counts(1190, 29900)
VIBE_STEADY = counts(1200, 30000)
VIBE_JUMP = counts(1500, 40007)
HTML_HEADERS = {"Content-Type": "text/html; charset=utf-8"}


class FaultTest(HashtrackTest):

    def hook_answers(self, answers, delay=0):
        """Webhook answers in order (int or {"status", "headers"}), then 200."""
        _write_atomic(self.state / "hook.json",
                      json.dumps({"statuses": list(answers), "delay": delay}))

    def by_tag(self, reqs):
        out = {}
        for r in reqs:
            out.setdefault(r["hashtag"], []).append(r)
        return out

    def assert_one_line_per_tag(self, cp, failing):
        """Exactly one stderr line per failing tag, naming it; no other lines."""
        got = lines(cp)
        for tag, cause in failing.items():
            named = [line for line in got if "#%s:" % tag in line]
            self.assertEqual(len(named), 1, "%s: %s" % (tag, self.describe(cp)))
            self.assertIn(cause, named[0], self.describe(cp))
        self.assertEqual(len(got), len(failing), self.describe(cp))

    def jump(self, *tags):
        """Baseline at T0, first evaluation at 6h, a viral jump ready for the run at 12h."""
        self.ok("add", *tags)
        self.tags(**{t: VIBE_T0 for t in tags})
        self.run_at(T0)
        self.tags(**{t: VIBE_STEADY for t in tags})
        self.run_at(at(6))
        self.tags(**{t: VIBE_JUMP for t in tags})


class ApiStatuses(FaultTest):

    def test_each_failing_status_fails_its_tag_alone_with_one_line(self):
        self.write_config(api_retries="1")
        self.ok("add", "s400", "s404", "s500", "s503", "fine")
        self.tags(s400=fault(400, {"error": {"code": 400, "message": "bad hashtag"}}),
                  s500=fault(500), s503=fault(503), fine=counts(1, 2))
        cp = self.run_at(T0, code=1)
        self.assert_one_line_per_tag(cp, {
            "s400": "API answered 400: bad hashtag",
            "s404": "not found (404)",
            "s500": "API answered 500 after 1 retry: simulated 500",
            "s503": "API answered 503 after 1 retry: simulated 503",
        })
        per_tag = self.by_tag(self.requests())
        self.assertEqual(len(per_tag["s400"]), 1, "a 400 is not retried")
        self.assertEqual(len(per_tag["s404"]), 1, "a 404 is not retried")
        self.assertEqual(len(per_tag["s503"]), 2, "a 503 is retried `retries` times")
        self.assertEqual(len(self.snapshots("fine")), 1)
        status = {r["hashtag"]: (r["status"], r["last_error"]) for r in self.list_tags()}
        self.assertEqual(status["s404"][0], "not-found")
        self.assertEqual(status["s503"], ("error", "API answered 503 after 1 retry: simulated 503"))

    def test_account_errors_stop_at_once_naming_the_tag_and_what_to_do(self):
        advice = {401: "SCAVIO_API_KEY", 402: "top up", 403: "permissions"}
        self.write_config(api_concurrency="1")
        self.ok("add", "one", "two", "three")
        for status, todo in advice.items():
            with self.subTest(status=status):
                message = "account problem %d" % status
                self.tags(one=fault(status, {"error": {"code": status, "message": message}}),
                          two=counts(2, 2), three=counts(3, 3))
                before = len(self.requests())
                cp = self.assert_exit(self.ht("run", "one", "two", "three", now=T0), 1)
                (line,) = lines(cp)
                self.assertIn("#one: API answered %d: %s" % (status, message), line)
                self.assertIn(todo, line)
                self.assertIn("run stopped, 2 of 3 hashtags not fetched", line)
                self.assertEqual(len(self.requests()) - before, 1, "no further requests")
        self.assertEqual(self.snapshots("two"), [])

    def test_an_account_error_still_delivers_the_alerts_already_decided(self):
        self.write_config(api_concurrency="1")
        self.jump("early")
        self.ok("add", "late")
        self.tags(early=VIBE_JUMP, late=fault(402))
        cp = self.run_at(at(12), code=1)
        self.assertEqual(len(lines(cp)), 1, self.describe(cp))
        self.assertEqual([a["status"] for a in self.alert_rows()], ["sent"])

    def test_a_404_marks_the_tag_not_found_until_it_is_found_again(self):
        self.ok("add", "gone")
        self.tags()
        self.run_at(T0, code=1)
        self.assertEqual(self.list_tags()[0]["status"], "not-found")
        self.tags(gone=counts(5, 6))
        self.run_at(at(1))
        (row,) = self.list_tags()
        self.assertEqual((row["status"], row["last_error"]), ("ok", None))


class ApiWaits(FaultTest):

    def gap(self, reqs, i):
        """Seconds between answer i and the arrival of request i + 1."""
        return reqs[i + 1]["t"] - reqs[i]["t_answer"]

    def test_a_retry_after_http_date_is_waited(self):
        self.write_config(api_retries="1")
        self.ok("add", "dated")
        when = int(time.time()) + 3
        self.tags(dated=[fault(503, headers={"Retry-After": formatdate(when, usegmt=True)}),
                         counts(1, 2)])
        self.run_at(T0)
        reqs = self.requests()
        self.assertEqual([r["status"] for r in reqs], [503, 200])
        # the retry waits for the date itself, however long the first answer took
        self.assertGreaterEqual(reqs[1]["t"], when - 0.05, "Retry-After date ignored")
        self.assertLess(reqs[1]["t"], when + 1.5)

    def test_x_ratelimit_reset_is_waited_as_seconds_or_as_an_epoch(self):
        self.write_config(api_retries="1")
        self.ok("add", "limited")
        for hour, epoch in enumerate((False, True)):
            reset = str(int(time.time()) + 3) if epoch else "1"
            with self.subTest(reset=reset):
                self.tags(limited=[fault(429, headers={"X-RateLimit-Reset": reset}),
                                   counts(1, 2)])
                before = len(self.requests())
                self.run_at(at(hour))
                reqs = self.requests()[before:]
                self.assertEqual([r["status"] for r in reqs], [429, 200])
                if epoch:   # waited until that second, however long the answer took
                    self.assertGreaterEqual(reqs[1]["t"], int(reset) - 0.05,
                                            "X-RateLimit-Reset ignored")
                    self.assertLess(reqs[1]["t"], int(reset) + 1.5)
                else:
                    self.assertGreaterEqual(self.gap(reqs, 0), 0.9, "X-RateLimit-Reset ignored")
                    self.assertLess(self.gap(reqs, 0), 3)

    def test_remaining_zero_holds_the_next_request_until_the_reset(self):
        self.write_config(api_concurrency="1")
        self.ok("add", "atedge", "zafter")
        headers = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1"}
        self.tags(atedge=counts(1, 2, headers=headers), zafter=counts(3, 4))
        self.run_at(T0)
        reqs = self.requests()
        self.assertEqual([r["hashtag"] for r in reqs], ["atedge", "zafter"])
        self.assertGreaterEqual(self.gap(reqs, 0), 0.9, "started before the reset")

    def test_a_429_holds_every_request_then_the_run_slows_to_the_reported_limit(self):
        self.write_config(api_concurrency="3", api_retries="0")
        tags = ["a1", "b2", "c3", "d4", "e5"]
        self.ok("add", *tags)
        limited = fault(429, headers={"Retry-After": "1", "X-RateLimit-Limit": "4, 4;w=1"})
        self.tags(a1=[limited, counts(1, 1)], b2=counts(2, 2, delay=0.3),
                  c3=counts(3, 3, delay=0.3), d4=counts(4, 4, delay=0.1),
                  e5=counts(5, 5, delay=0.1))
        self.run_at(T0)
        reqs = sorted(self.requests(), key=lambda r: r["t"])
        # The first three went out together, before the 429 came back.
        self.assertEqual(sorted(r["hashtag"] for r in reqs[:3]), ["a1", "b2", "c3"], reqs)
        first_429 = next(r for r in reqs if r["status"] == 429)
        later = reqs[3:]
        self.assertEqual(sorted(r["hashtag"] for r in later), ["a1", "d4", "e5"], reqs)
        for r in later:
            self.assertGreaterEqual(r["t"] - first_429["t_answer"], 0.9,
                                    "%s started during the 429's wait" % r["hashtag"])
        for prev, nxt in zip(later, later[1:]):
            self.assertGreaterEqual(nxt["t"], prev["t_answer"] - 0.01, "two in flight")
            self.assertGreaterEqual(nxt["t"] - prev["t"], 0.24, "not spaced 1/4 s apart")
        for tag in tags:
            self.assertEqual(len(self.snapshots(tag)), 1, tag)

    def test_a_rate_set_too_high_costs_time_never_tags(self):
        # Unlimited and four at once: every request is out before the first 429.
        self.write_config(api_concurrency="4", api_rate="0", api_retries="0")
        tags = ["r1", "r2", "r3", "r4"]
        self.ok("add", *tags)
        limited = fault(429, headers={"Retry-After": "1", "X-RateLimit-Limit": "10;w=1"})
        self.tags(**{t: [limited, counts(7, 8)] for t in tags})
        started = time.monotonic()
        cp = self.run_at(T0)
        self.assertGreaterEqual(time.monotonic() - started, 1, "the 429's wait was skipped")
        self.assertEqual(cp.stderr, "")
        for tag in tags:
            self.assertEqual(len(self.snapshots(tag)), 1, tag)

    def test_a_429_that_persists_after_the_slowdown_fails_its_tag_naming_it(self):
        self.write_config(api_retries="0")
        self.ok("add", "limited")
        self.tags(limited=fault(429, headers={"Retry-After": "0", "X-RateLimit-Limit": "20;w=1"}))
        cp = self.run_at(T0, code=1)
        self.assert_one_line_per_tag(
            cp, {"limited": "API answered 429 after 1 retry: simulated 429"})

    def test_retries_of_one_tag_never_hold_up_the_other_tags(self):
        self.write_config(api_concurrency="1", api_retries="1")
        self.ok("add", "flaky", "other", "third")
        self.tags(flaky=[fault(503, headers={"Retry-After": "2"}), counts(1, 1)],
                  other=counts(2, 2), third=counts(3, 3))
        self.run_at(T0)
        reqs = self.requests()
        self.assertEqual([r["hashtag"] for r in reqs], ["flaky", "other", "third", "flaky"])
        self.assertLess(reqs[1]["t"] - reqs[0]["t_answer"], 0.5, "held up by the retry")
        self.assertLess(reqs[2]["t"] - reqs[0]["t_answer"], 0.5, "held up by the retry")
        self.assertGreaterEqual(reqs[3]["t"] - reqs[0]["t_answer"], 1.9)


class ApiBrokenAnswers(FaultTest):

    def test_a_hang_beyond_the_timeout_is_retried_then_fails_its_tag(self):
        self.write_config(api_timeout="1s", api_retries="1")
        self.ok("add", "hang", "quick")
        self.tags(hang=counts(1, 2, delay=5), quick=counts(3, 4))
        started = time.monotonic()
        cp = self.run_at(T0, code=1)
        self.assertLess(time.monotonic() - started, 4, "the timeout was not applied")
        self.assert_one_line_per_tag(cp, {"hang": "no answer within 1s after 1 retry"})
        self.assertEqual(len(_read_jsonl(self.state / "arrivals.jsonl")), 3)
        self.assertEqual(len(self.snapshots("quick")), 1)

    def test_a_truncated_body_is_retried_and_then_stored(self):
        self.write_config(api_retries="1")
        self.ok("add", "cut")
        self.tags(cut=[counts(1, 2, truncate=True), counts(11, 22)])
        self.run_at(T0)
        (snap,) = self.snapshots("cut")
        self.assertEqual((snap["video_count"], snap["view_count"]), (11, 22))

    def test_cut_bodies_hangups_and_refused_connections_name_their_cause(self):
        self.ok("add", "cut", "hangup")
        self.tags(cut=counts(1, 2, truncate=True), hangup=counts(1, 2, hangup=True))
        cp = self.run_at(T0, code=1)
        self.assert_one_line_per_tag(cp, {
            "cut": "answer cut short (transfer closed with",
            "hangup": "the API closed the connection without answering",
        })
        self.assertEqual(self.snapshots("cut"), [])
        self.write_config(api_retries="1",
                          api_url="http://127.0.0.1:%d/api/v1/tiktok/hashtag" % closed_port())
        cp = self.run_at(at(1), "cut", code=1)
        self.assert_one_line_per_tag(cp, {"cut": "cannot connect to the API after 1 retry ("})

    def test_html_and_empty_bodies_fail_their_tag_and_store_nothing(self):
        self.ok("add", "html", "empty", "gateway", "fine")
        self.tags(html={"status": 200, "raw": "<html>login</html>", "headers": HTML_HEADERS},
                  empty={"status": 200, "raw": ""},
                  gateway={"status": 502, "raw": "<html>bad gateway</html>",
                           "headers": HTML_HEADERS},
                  fine=counts(1, 2))
        cp = self.run_at(T0, code=1)
        self.assert_one_line_per_tag(cp, {
            "html": "API answered 200 with a text/html answer, not JSON",
            "empty": "API answered 200 with an empty body, not JSON",
            "gateway": "API answered 502 with a text/html answer, not JSON",
        })
        for tag in ("html", "empty", "gateway"):
            self.assertEqual(self.snapshots(tag), [], tag)
        self.assertEqual(len(self.snapshots("fine")), 1)


class WebhookFaults(FaultTest):

    def test_a_webhook_failing_then_recovering_delivers_exactly_once_on_the_later_run(self):
        self.jump("vibecoding")
        self.hook_answers([503])
        cp = self.run_at(at(12), code=1)
        self.assert_one_line_per_tag(cp, {
            "vibecoding": "alert not delivered: webhook answered 503; it stays pending"})
        (pending,) = self.alerts("--pending")
        self.assertEqual((pending["status"], pending["attempts"], pending["last_error"]),
                         ("pending", 1, "webhook answered 503"))
        self.assertIsNone(pending["sent_at"])
        self.run_at(at(12, 10))
        self.run_at(at(12, 20))
        hooks = self.webhooks()
        self.assertEqual([h["status"] for h in hooks], [503, 200])
        self.assertEqual(hooks[0]["body"], hooks[1]["body"])
        (alert,) = self.alerts()
        self.assertEqual((alert["status"], alert["attempts"], alert["last_error"]),
                         ("sent", 2, None))
        self.assertEqual(self.alerts("--pending"), [])

    def test_an_unreachable_webhook_keeps_the_alert_until_it_is_back(self):
        self.jump("vibecoding")
        down = "http://127.0.0.1:%d/hook/slack" % closed_port()
        self.write_config(alert_webhook=down)
        cp = self.run_at(at(12), code=1)
        self.assert_one_line_per_tag(cp, {"vibecoding": "cannot reach the webhook"})
        self.write_config()
        self.run_at(at(12, 10))
        self.assertEqual([h["status"] for h in self.webhooks()], [200])

    def test_while_the_webhook_is_down_the_other_alerts_wait_untried(self):
        tags = ("one", "two", "three")
        self.jump(*tags)
        self.hook_answers([500])
        cp = self.run_at(at(12), code=1)
        self.assertEqual(len(self.webhooks()), 1, "kept trying a webhook that is down")
        self.assert_one_line_per_tag(cp, {t: "webhook answered 500" for t in tags})
        self.assertEqual(sorted(a["attempts"] for a in self.alerts()), [0, 0, 1])
        self.run_at(at(12, 10))
        sent = [h for h in self.webhook_bodies()[1:]]
        self.assertEqual(sorted(re.search(r"\|#([^>]*)>", b["text"]).group(1) for b in sent),
                         sorted(tags))

    def test_a_refused_payload_does_not_block_the_other_alerts(self):
        self.jump("one", "two")
        self.hook_answers([400])
        cp = self.run_at(at(12), code=1)
        self.assertEqual(len(lines(cp)), 1, self.describe(cp))
        self.assertIn("webhook answered 400", cp.stderr)
        self.assertEqual(sorted(a["status"] for a in self.alerts()), ["pending", "sent"])

    def test_slack_429_retry_after_is_respected_when_several_alerts_go_out(self):
        self.jump("one", "two", "three")
        self.hook_answers([200, {"status": 429, "headers": {"Retry-After": "1"}}, 200, 200])
        self.run_at(at(12))
        hooks = self.webhooks()
        self.assertEqual([h["status"] for h in hooks], [200, 429, 200, 200])
        self.assertEqual(hooks[1]["body"], hooks[2]["body"], "the refused alert is sent again")
        self.assertGreaterEqual(hooks[2]["t"] - hooks[1]["t"], 0.9, "Retry-After ignored")
        self.assertEqual([a["status"] for a in self.alerts()], ["sent"] * 3)
        self.assertEqual(len({h["body"] for h in hooks}), 3)


class AlertsListing(FaultTest):

    def test_alerts_lists_status_attempts_and_last_error_in_every_format(self):
        self.jump("one", "two")
        self.hook_answers([200, 503])
        self.run_at(at(12), code=1)
        rows = self.alerts()
        for row in rows:
            self.assertEqual(set(row), ALERT_KEYS | {"channels"})
        self.assertEqual(sorted((r["status"], r["attempts"], r["last_error"]) for r in rows),
                         [("pending", 1, "webhook answered 503"), ("sent", 1, None)])
        (pending,) = self.alerts("--pending")
        self.assertEqual(pending["status"], "pending")
        self.assertEqual(self.alerts("--since", "1h", now=at(14)), [])
        self.assertEqual(len(self.alerts("--since", "3h", now=at(14))), 2)
        table = csv.reader(io.StringIO(self.ok("alerts", "--format", "csv").stdout))
        header = next(table)
        self.assertEqual(set(header), ALERT_KEYS)
        self.assertEqual(len(list(table)), 2)
        self.assertIn("webhook answered 503", self.ok("alerts").stdout)
        cp = self.ht("alerts", "--since", "5")
        self.assert_exit(cp, 2)


class RunLock(FaultTest):

    def test_two_runs_started_at_once_one_exits_75(self):
        self.ok("add", "slow")
        self.tags(slow=counts(1, 2, delay=1))
        procs = [self.ht_start("run", now=T0) for _ in range(2)]
        done = [self.ht_finish(p) for p in procs]
        self.assertEqual(sorted(cp.returncode for cp in done), [0, 75],
                         "\n".join(self.describe(cp) for cp in done))
        loser = next(cp for cp in done if cp.returncode == 75)
        winner = procs[[cp.returncode for cp in done].index(0)]
        self.assertEqual(lines(loser),
                         ["hashtrack: another hashtrack run is in progress (pid %d)" % winner.pid])
        self.assertEqual(len(self.requests()), 1)
        self.assertEqual(len(self.snapshots("slow")), 1)

    def test_a_killed_run_leaves_no_stale_lock(self):
        self.ok("add", "slow")
        self.tags(slow=counts(1, 2, delay=2))
        proc = self.ht_start("run", now=T0)
        self.wait_for_arrivals(1)
        proc.kill()
        proc.wait()
        self.tags(slow=counts(1, 2))
        self.run_at(at(1))


class DryRun(FaultTest):

    def dump(self):
        conn = sqlite3.connect(str(self.db_path))
        try:
            return "\n".join(conn.iterdump())
        finally:
            conn.close()

    def test_a_dry_run_prints_what_it_would_do_and_writes_and_sends_nothing(self):
        """The dry run comes when a run would send a pending alert and raise new ones.

        Alerts are edges: after the alerts at 12h both tags calm at 18h (flat),
        with the webhook down, so the pending alert and the calmed notices stay
        pending. At 24h30, past the 6h cooldown, a new jump rises again.
        """
        self.jump("one", "two")
        self.hook_answers([200, 503])
        self.run_at(at(12), code=1)         # one alert sent, one left pending
        self.hook_answers([503] * 5)
        self.run_at(at(18), code=1)         # flat: both calm; nothing delivered
        self.assertEqual(sorted((a["event"], a["status"]) for a in self.alert_rows()),
                         [("calmed", "pending"), ("calmed", "pending"),
                          ("viral", "pending"), ("viral", "sent")])
        self.tags(one=counts(3000, 90000), two=counts(3000, 90000))
        before, hooks = self.dump(), len(self.webhooks())
        cp = self.ok("run", "--dry-run", now=at(24, 30))
        self.assertEqual(self.dump(), before, "the dry run changed the database")
        self.assertEqual(len(self.webhooks()), hooks, "the dry run sent something")
        out = cp.stdout
        self.assertEqual(out.count("would send pending alert: Viral alert #"), 1, out)
        self.assertEqual(out.count("would send pending alert: "), 3, "and two calmed notices")
        self.assertIn("would store #one: 3,000 videos, 90,000 views", out)
        self.assertEqual(out.count("would alert: Viral alert #"), 2, out)


class Secrets(FaultTest):

    def test_the_api_key_shows_up_in_no_output_file_or_argv(self):
        self.write_config(api_timeout="1s", api_retries="1")
        self.ok("add", "fine", "down", "html", "slow")
        self.tags(fine=counts(1, 2), down=fault(503),
                  html={"status": 200, "raw": "<html/>", "headers": HTML_HEADERS},
                  slow=counts(1, 2, delay=3))
        proc = self.ht_start("-v", "run", now=T0)
        self.wait_for_arrivals(1)
        with open("/proc/%d/cmdline" % proc.pid, "rb") as f:
            self.assertNotIn(self.api_key.encode(), f.read())
        self.ht_finish(proc)
        self.ht("-v", "run", now=at(1), env_extra={"SCAVIO_API_KEY": self.api_key + "x"})
        for args in (("list",), ("report",), ("alerts", "--format", "json")):
            self.ht("-v", *args)
        key = self.api_key.encode()
        for root, _, files in os.walk(self.tmp):
            for name in files:
                path = os.path.join(root, name)
                with open(path, "rb") as f:
                    self.assertNotIn(key, f.read().replace(key + b"x", b""),
                                     "API key written to %s" % path)
        # tearDown checks stdout and stderr of every call, and what the sim received


class CrashSafety(FaultTest):
    """SIGKILL `run` at random moments; nothing confirmed may be lost or doubled."""

    KILLS = 20
    TIME_LIMIT = 50         # seconds for the whole loop, ASan builds included
    TAGS = ["crash%d" % i for i in range(6)]

    def setUp(self):
        super().setUp()
        seed = int(os.environ.get("HASHTRACK_CRASH_SEED") or random.randrange(1 << 30))
        self.rng = random.Random(seed)
        self.seed_note = "HASHTRACK_CRASH_SEED=%d" % seed
        self.write_config(api_concurrency="2")

    def check_after_kill(self, conn, hooks):
        """The database as the killed run left it; returns the tags marked sent."""
        note = self.seed_note
        self.assertEqual(conn.execute("PRAGMA integrity_check").fetchone()[0], "ok", note)
        t1 = int(self.at_epoch(12))
        snaps = {name: (v, w) for name, v, w in conn.execute(
            "SELECT h.name, s.video_count, s.view_count FROM snapshot s"
            " JOIN hashtag h ON h.id = s.hashtag_id WHERE s.ts = ?", (t1,))}
        alerts = {name: status for name, status in conn.execute(
            "SELECT h.name, a.status FROM alert a JOIN hashtag h ON h.id = a.hashtag_id")}
        status = dict(conn.execute("SELECT name, status FROM hashtag"))
        for tag, pair in snaps.items():
            self.assertEqual(pair, (1500, 40007), "%s: half-written snapshot (%s)" % (tag, note))
            self.assertEqual(status[tag], "ok", "%s: status not written with it (%s)" % (tag, note))
        self.assertEqual(set(alerts), set(snaps), "alert without its snapshot or back (%s)" % note)
        delivered = {self.tag_of(h) for h in hooks if h["status"] == 200}
        for tag, st in alerts.items():
            self.assertIn(st, ("pending", "sent"), note)
            if st == "sent":
                self.assertIn(tag, delivered, "marked sent, never delivered (%s)" % note)
        return {t for t, st in alerts.items() if st == "sent"}

    def at_epoch(self, hours):
        return (self.T0_EPOCH + hours * 3600)

    T0_EPOCH = 1779408000   # 2026-05-22T00:00:00Z

    @staticmethod
    def tag_of(hook):
        return json.loads(hook["body"])["hashtag"]

    def one_round(self, n):
        self.db_path = self.tmp / ("crash%d.db" % n)
        # json: each alert its own POST (no digest), not paced like Slack's one a second
        self.write_config(alert_format="json")
        self.ok("add", *self.TAGS)
        self.tags(**{t: VIBE_T0 for t in self.TAGS})
        self.hook_answers([])
        self.run_at(T0)
        self.tags(**{t: VIBE_STEADY for t in self.TAGS})
        self.run_at(at(6))                     # the first evaluation: no alert
        self.tags(**{t: counts(1500, 40007, delay=0.03) for t in self.TAGS})
        self.hook_answers([], delay=0.03)
        first_hook = len(self.webhooks())
        proc = self.ht_start("run", now=at(12))
        time.sleep(self.rng.uniform(0, 0.4))   # the random moment, not a wait for a condition
        killed = proc.poll() is None
        if killed:
            proc.kill()
        proc.wait()
        conn = sqlite3.connect(str(self.db_path))
        try:
            sent = self.check_after_kill(conn, self.webhooks()[first_hook:])
        finally:
            conn.close()
        hooks_before = len(self.webhooks())
        self.hook_answers([])
        self.run_at(at(12, 10))
        again = [self.tag_of(h) for h in self.webhooks()[hooks_before:]]
        self.assertFalse(sent & set(again), "sent twice after a 2xx (%s)" % self.seed_note)
        rows = self.alert_rows()
        self.assertEqual(sorted(r["hashtag"] for r in rows), sorted(self.TAGS), self.seed_note)
        self.assertEqual({r["status"] for r in rows}, {"sent"}, self.seed_note)
        delivered = [self.tag_of(h) for h in self.webhooks()[first_hook:] if h["status"] == 200]
        self.assertEqual(set(delivered), set(self.TAGS), self.seed_note)
        return killed, len(delivered) - len(self.TAGS)

    @unittest.skipIf(os.environ.get("HASHTRACK_VALGRIND"),
                     "valgrind slows each run past the crash test's time bound")
    def test_sigkill_at_random_moments_loses_nothing(self):
        deadline = time.monotonic() + self.TIME_LIMIT
        kills = rounds = duplicates = 0
        while kills < self.KILLS:
            self.assertLess(time.monotonic(), deadline, "only %d kills in %ds after %d rounds"
                            % (kills, self.TIME_LIMIT, rounds))
            rounds += 1
            killed, dup = self.one_round(rounds)
            kills += killed
            duplicates += dup
        # A kill between the webhook's 2xx and the database update may resend one
        # alert (at-least-once); it must stay rare. Reported for the record.
        print("\ncrash test: %d kills in %d rounds, %d resent alert(s), %s"
              % (kills, rounds, duplicates, self.seed_note))
