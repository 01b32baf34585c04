"""The simulator's plan mode (plan.json), and `run` against a plan's limits.

interface.md, "The API call": a 429 holds every start and slows the run; a
`rate` or `concurrency` set too high costs time, never tags. The plan mode is
what bench/run.sh measures with; these tests keep it honest.
"""

import http.client
import json
import threading

from .harness import T0, HashtrackTest, _write_atomic, counts


class PlanTest(HashtrackTest):
    PLAN = {"latency": 0.05, "concurrency": 1, "rate_per_min": 600, "burst": 1, "log": True}

    def _start_sim(self):
        # plan.json is read once, when the simulator starts.
        _write_atomic(self.state / "plan.json", json.dumps(self.PLAN))
        super()._start_sim()

    def plan_stats(self):
        """Stop the simulator and read what it counted."""
        self._stop_process(self.sim)
        return json.loads((self.state / "plan_stats.json").read_text())

    def post(self, tag, results):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            conn.request("POST", "/api/v1/tiktok/hashtag", json.dumps({"hashtag_name": tag}),
                         {"Authorization": "Bearer " + self.api_key,
                          "Content-Type": "application/json"})
            resp = conn.getresponse()
            resp.read()
            results[tag] = (resp.status, dict(resp.getheaders()))
        finally:
            conn.close()


class PlanEnforcement(PlanTest):
    PLAN = {"latency": 0.5, "concurrency": 1, "rate_per_min": 600, "burst": 5, "log": True}

    def test_a_request_beyond_the_concurrency_gets_429_at_once_with_its_headers(self):
        self.tags(first=counts(1, 2), second=counts(3, 4))
        results = {}
        first = threading.Thread(target=self.post, args=("first", results))
        first.start()
        self.wait_for_arrivals(1)
        self.post("second", results)        # while the first is in flight
        first.join(timeout=5)
        status, headers = results["second"]
        self.assertEqual(status, 429)
        self.assertEqual(headers["Retry-After"], "1")
        self.assertEqual(headers["X-RateLimit-Remaining"], "0")
        self.assertEqual(headers["X-RateLimit-Reset"], "1")
        self.assertEqual(headers["X-RateLimit-Limit"], "600")
        self.assertEqual(results["first"][0], 200)
        stats = self.plan_stats()
        self.assertEqual(stats["rejected"], {"concurrency": 1, "rate": 0})
        self.assertEqual(stats["ok_per_tag"], {"first": 1})


class PlanRate(PlanTest):
    PLAN = {"latency": 0, "concurrency": None, "rate_per_min": 60, "burst": 2, "log": True}

    def test_the_rate_lets_the_burst_through_then_says_when_to_come_back(self):
        self.tags(a=counts(1, 2))
        results = {}
        for tag in ("a", "a2", "a3"):
            self.post(tag, results)
        self.assertEqual([results[t][0] for t in ("a", "a2", "a3")], [200, 404, 429])
        headers = results["a3"][1]
        self.assertEqual(headers["X-RateLimit-Limit"], "60")
        self.assertIn(headers["Retry-After"], ("1", "2"))
        self.assertEqual(self.plan_stats()["rejected"], {"concurrency": 0, "rate": 1})


class RunAgainstAPlan(PlanTest):
    PLAN = {"latency": 0.02, "concurrency": 1, "rate_per_min": 600, "burst": 2, "log": True}
    TAGS = ["p1", "p2", "p3", "p4", "p5", "p6"]

    def setUp(self):
        super().setUp()
        self.ok("add", *self.TAGS)
        self.tags(**{t: counts(10, 20) for t in self.TAGS})

    def test_settings_matching_the_plan_never_meet_a_429(self):
        self.write_config(api_concurrency="1", api_rate="600/min", api_retries="0")
        self.run_at(T0)
        stats = self.plan_stats()
        self.assertEqual(stats["rejected"], {"concurrency": 0, "rate": 0})
        self.assertEqual(stats["ok_per_tag"], {t: 1 for t in self.TAGS})

    def test_settings_too_high_cost_time_never_tags(self):
        self.write_config(api_concurrency="4", api_rate="1200/min", api_retries="0")
        cp = self.run_at(T0)
        self.assertEqual(cp.stderr, "")
        stats = self.plan_stats()
        self.assertGreater(sum(stats["rejected"].values()), 0, stats)
        self.assertEqual(stats["ok_per_tag"], {t: 1 for t in self.TAGS})
        for tag in self.TAGS:
            self.assertEqual(len(self.snapshots(tag)), 1, tag)
