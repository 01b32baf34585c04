"""Hard answers and the API's transport: interface.md "The API call" and "Configuration".

402 with a balance and a billing URL, 410, a 429 whose body says when,
rate-limit headers read without a window, every tag failing alike said once,
the credit cap, and the API key read from a file.
"""

import os
import time
import unittest

from .harness import T0, HashtrackTest, closed_port, counts, fault
from .harness import error_lines as err_lines


class HardAnswers(HashtrackTest):
    def test_402_shows_the_balance_and_the_billing_url_and_stops_the_run(self):
        self.write_config(api_concurrency="1")
        self.ok("add", "a1", "b2", "c3")
        body = {"error": {"code": 402, "message": "out of credits"}, "balance": 0,
                "billing_url": "https://scavio.example/billing"}
        self.world({"default": fault(402, body)})
        cp = self.run_at(T0, code=1)
        self.assertEqual(len(err_lines(cp)), 1, self.describe(cp))
        line = err_lines(cp)[0]
        self.assertIn("API answered 402: out of credits", line)
        self.assertIn("balance: 0", line)
        self.assertIn("top up at https://scavio.example/billing", line)
        self.assertEqual(len(self.requests()), 1, "the run went on after a 402")

    def test_402_without_them_says_to_top_up(self):
        self.ok("add", "a1")
        self.tags(a1=fault(402))
        cp = self.run_at(T0, code=1)
        self.assertIn("top up your Scavio credits", cp.stderr)
        self.assertNotIn("balance", cp.stderr)

    def test_410_stops_the_run_naming_the_retired_endpoint(self):
        self.write_config(api_concurrency="1")
        self.ok("add", "a1", "b2", "c3")
        self.world({"default": fault(410, {"error": {"code": 410,
                                                     "message": "v1 is retired"}})})
        cp = self.run_at(T0, code=1)
        self.assertEqual(len(err_lines(cp)), 1, self.describe(cp))
        self.assertIn("endpoint '%s' is retired" % self.api_url, cp.stderr)
        self.assertIn("v1 is retired", cp.stderr)
        self.assertIn("[api] url", cp.stderr)
        self.assertEqual(len(self.requests()), 1, "the run went on after a 410")

    def test_a_429_body_retry_after_is_waited(self):
        self.write_config(api_retries="1")
        self.ok("add", "slow")
        self.tags(slow=[fault(429, {"error": {"code": 429, "message": "slow down"},
                                    "retry_after": 1.5}), counts(1, 2)])
        self.run_at(T0)
        reqs = self.requests()
        self.assertEqual([r["status"] for r in reqs], [429, 200])
        gap = reqs[1]["t"] - reqs[0]["t_answer"]
        self.assertGreaterEqual(gap, 1.4, "JSON retry_after ignored")
        self.assertLess(gap, 4)

    def test_a_retry_after_header_wins_over_the_body(self):
        self.write_config(api_retries="1")
        self.ok("add", "slow")
        self.tags(slow=[fault(429, {"retry_after": 30}, headers={"Retry-After": "1"}),
                        counts(1, 2)])
        started = time.monotonic()
        self.run_at(T0)
        self.assertLess(time.monotonic() - started, 10, "the body's 30 s won over the header")


class RateLimitWindows(HashtrackTest):
    def test_a_one_second_window_costs_seconds_not_minutes(self):
        # The API allows 1 request a second and says so with a limit of 1:
        # read as per minute this slowed every request to a minute apart.
        self.write_config(api_concurrency="1", api_rate="0", api_retries="0")
        tags = ["w1", "w2", "w3", "w4"]
        self.ok("add", *tags)
        limited = fault(429, headers={"Retry-After": "1", "X-RateLimit-Limit": "1",
                                      "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1"})
        ok = counts(1, 2, headers={"X-RateLimit-Limit": "1", "X-RateLimit-Remaining": "0",
                                   "X-RateLimit-Reset": "1"})
        self.tags(w1=[limited, ok], w2=ok, w3=ok, w4=ok)
        started = time.monotonic()
        self.run_at(T0)
        took = time.monotonic() - started
        self.assertLess(took, 15, "a 1-second window was taken for a longer one")
        for tag in tags:
            self.assertEqual(len(self.snapshots(tag)), 1, tag)
        reqs = self.requests()
        for prev, nxt in zip(reqs, reqs[1:]):
            self.assertGreaterEqual(nxt["t"] - prev["t_answer"], 0.8,
                                    "started before the reset said it could")

    def test_remaining_r_lets_r_more_start_before_the_reset(self):
        self.write_config(api_concurrency="1", api_rate="0")
        self.ok("add", "q1", "q2", "q3", "q4")
        quota = {"X-RateLimit-Remaining": "2", "X-RateLimit-Reset": "2"}
        self.tags(q1=counts(1, 2, headers=quota), q2=counts(1, 2), q3=counts(1, 2),
                  q4=counts(1, 2))
        self.run_at(T0)
        reqs = sorted(self.requests(), key=lambda r: r["t"])
        self.assertEqual([r["hashtag"] for r in reqs], ["q1", "q2", "q3", "q4"])
        first = reqs[0]["t_answer"]
        self.assertLess(reqs[1]["t"] - first, 0.9, "q2 was allowed at once")
        self.assertLess(reqs[2]["t"] - first, 0.9, "q3 was allowed at once")
        self.assertGreaterEqual(reqs[3]["t"] - first, 1.8, "q4 started before the reset")


class EveryTagAlike(HashtrackTest):
    def test_a_host_refusing_connections_is_one_line_naming_the_url(self):
        url = "http://127.0.0.1:%d/api/v1/tiktok/hashtag?x=1" % closed_port()
        self.write_config(api_url=url)
        self.ok("add", "a1", "b2", "c3")
        cp = self.run_at(T0, code=1)
        got = err_lines(cp)
        self.assertEqual(len(got), 1, self.describe(cp))
        self.assertIn("all 3 hashtags failed the same way", got[0])
        self.assertIn(url.split("?")[0], got[0])
        self.assertNotIn("x=1", got[0], "the query was shown")
        self.assertIn("cannot connect", got[0])
        # each tag still has its status
        for tag in self.list_tags(now=T0):
            self.assertEqual(tag["status"], "error", tag)

    def test_a_wrong_url_answering_404_everywhere_is_one_line(self):
        url = "http://127.0.0.1:%d/api/v1/tiktok/hashtags" % self.port
        self.write_config(api_url=url)
        self.ok("add", "a1", "b2", "c3")
        cp = self.run_at(T0, code=1)
        got = err_lines(cp)
        self.assertEqual(len(got), 1, self.describe(cp))
        self.assertIn("all 3 hashtags answered 404", got[0])
        self.assertIn(url, got[0])

    def test_different_failures_and_one_success_keep_one_line_per_tag(self):
        self.ok("add", "good", "gone1", "gone2")
        self.tags(good=counts(1, 2))
        cp = self.run_at(T0, code=1)
        got = err_lines(cp)
        self.assertEqual(sorted(l.split(":")[1].strip() for l in got), ["#gone1", "#gone2"],
                         self.describe(cp))
        self.assertNotIn("all ", cp.stderr)

    def test_one_tag_failing_is_named_as_ever(self):
        self.write_config(api_url="http://127.0.0.1:%d/x" % closed_port())
        self.ok("add", "only")
        cp = self.run_at(T0, code=1)
        self.assertEqual(len(err_lines(cp)), 1)
        self.assertIn("#only:", cp.stderr)


class SpendCap(HashtrackTest):
    def test_the_cap_stops_starting_requests_and_says_so_once(self):
        self.write_config(api_concurrency="1", api_max_credits_per_run="2")
        tags = ["c1", "c2", "c3", "c4", "c5"]
        self.ok("add", *tags)
        self.tags(**{t: counts(1, 2) for t in tags})
        cp = self.run_at(T0)
        self.assertEqual(len(self.requests()), 2)
        got = err_lines(cp)
        self.assertEqual(len(got), 1, self.describe(cp))
        self.assertIn("spend cap reached: 3 hashtags not fetched this run", got[0])
        self.assertIn("max_credits_per_run = 2", got[0])

    def test_retries_count_against_the_cap(self):
        self.write_config(api_concurrency="1", api_retries="3", api_max_credits_per_run="2")
        self.ok("add", "flaky", "later")
        self.tags(flaky=[fault(503, headers={"Retry-After": "0"}), counts(1, 2)],
                  later=counts(3, 4))
        cp = self.run_at(T0)
        self.assertEqual([r["hashtag"] for r in self.requests()], ["flaky", "flaky"])
        self.assertIn("1 hashtag not fetched", cp.stderr)

    def test_zero_means_no_cap(self):
        self.write_config(api_max_credits_per_run="0")
        self.ok("add", "z1", "z2")
        self.tags(z1=counts(1, 2), z2=counts(1, 2))
        self.run_at(T0)
        self.assertEqual(len(self.requests()), 2)

    def test_a_bad_cap_is_a_config_error_naming_the_key(self):
        self.write_config(api_max_credits_per_run="-1")
        cp = self.assert_exit(self.ht("list"), 2)
        self.assertIn("max_credits_per_run", cp.stderr)


class KeyFile(HashtrackTest):
    def key_file(self, text, mode=0o600, name="key"):
        path = self.tmp / name
        path.write_text(text)
        os.chmod(path, mode)
        return path

    def test_scavio_api_key_file_is_read_and_trimmed(self):
        path = self.key_file(self.api_key + "  \n")
        self.ok("add", "k1")
        self.tags(k1=counts(1, 2))
        cp = self.assert_exit(self.ht("run", now=T0, env_extra={
            "SCAVIO_API_KEY": None, "SCAVIO_API_KEY_FILE": path}), 0)
        self.assertEqual(cp.stderr, "")
        self.assertTrue(self.requests()[0]["auth_ok"])

    def test_config_key_file_and_its_permissions_warning(self):
        path = self.key_file(self.api_key + "\n", mode=0o644)
        self.write_config(api_key_file=path)
        self.ok("add", "k1")
        self.tags(k1=counts(1, 2))
        cp = self.assert_exit(self.ht("run", now=T0, env_extra={"SCAVIO_API_KEY": None}), 0)
        self.assertIn("'%s' holds the API key and others can read it" % path, cp.stderr)
        self.assertTrue(self.requests()[0]["auth_ok"])

    def test_the_environment_key_wins_over_every_file(self):
        path = self.key_file("sk_wrong_key_from_file\n")
        self.write_config(api_key_file=path)
        self.ok("add", "k1")
        self.tags(k1=counts(1, 2))
        self.assert_exit(self.ht("run", now=T0, env_extra={"SCAVIO_API_KEY_FILE": path}), 0)
        self.assertTrue(self.requests()[0]["auth_ok"])

    def test_systemd_credentials_directory_is_read_last(self):
        creds = self.tmp / "creds"
        creds.mkdir()
        (creds / "scavio_api_key").write_text(self.api_key)
        os.chmod(creds / "scavio_api_key", 0o400)
        self.ok("add", "k1")
        self.tags(k1=counts(1, 2))
        self.assert_exit(self.ht("run", now=T0, env_extra={
            "SCAVIO_API_KEY": None, "CREDENTIALS_DIRECTORY": creds}), 0)
        self.assertTrue(self.requests()[0]["auth_ok"])
        cp = self.ht("doctor", env_extra={"SCAVIO_API_KEY": None,
                                          "CREDENTIALS_DIRECTORY": creds})
        self.assertIn("from $CREDENTIALS_DIRECTORY '%s/scavio_api_key'" % creds, cp.stdout)

    def test_a_missing_or_empty_key_file_is_an_error_naming_it(self):
        for text in (None, "\n  \n"):
            with self.subTest(text=text):
                path = self.tmp / "nokey"
                if text is not None:
                    path.write_text(text)
                cp = self.assert_exit(self.ht("list", env_extra={
                    "SCAVIO_API_KEY": None, "SCAVIO_API_KEY_FILE": path}), 2)
                self.assertIn("SCAVIO_API_KEY_FILE '%s'" % path, cp.stderr)

    def test_a_key_file_of_two_lines_is_refused_without_quoting_it(self):
        path = self.key_file(self.api_key + "\nsecond line\n")
        cp = self.assert_exit(self.ht("list", env_extra={
            "SCAVIO_API_KEY": None, "SCAVIO_API_KEY_FILE": path}), 2)
        self.assertIn("control character", cp.stderr)
        self.assertNotIn("second line", cp.stderr)


class Doctor(HashtrackTest):
    def test_doctor_shows_the_url_and_the_proxy_with_its_password_masked(self):
        self.write_config(api_url="https://api.example.test/api/v1/tiktok/hashtag")
        cp = self.ht("doctor", env_extra={"https_proxy": "http://me:s3cret@proxy.test:3128"})
        self.assertIn("https://api.example.test/api/v1/tiktok/hashtag", cp.stdout)
        self.assertIn("proxy.test:3128", cp.stdout)
        self.assertIn("me:****@", cp.stdout)
        self.assertNotIn("s3cret", cp.stdout + cp.stderr)
        cp = self.ht("doctor", env_extra={"https_proxy": "http://proxy.test:3128",
                                          "no_proxy": ".example.test"})
        self.assertIn("no proxy", cp.stdout)

    def test_doctor_warns_about_whitespace_in_the_key(self):
        cp = self.ht("doctor", env_extra={"SCAVIO_API_KEY": self.api_key + " "})
        self.assertRegex(cp.stdout, r"warn\s+api key\s+has whitespace in it; set SCAVIO_API_KEY")


if __name__ == "__main__":
    unittest.main()
