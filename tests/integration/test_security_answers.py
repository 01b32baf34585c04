"""Hostile or broken answers from the API and the webhook, answered safely.

A 2xx from the webhook is a delivery even when its body is cut short or
stalls; text from the network reaches stderr and the database only as valid
UTF-8 on one line; `retries` means that many extra attempts; a 429 storm
waits what the server asks, no more; an oversized header is named as such.
interface.md: "The API call", "run".
"""

import base64
import json
import subprocess

from .harness import T0, HashtrackTest, at, counts, fault
from .test_faults import VIBE_JUMP, VIBE_STEADY, VIBE_T0, FaultTest, lines


class WebhookTwoHundredCutShort(FaultTest):
    """interface.md, run step 5: marked sent after a 2xx; none sent twice."""

    def setUp(self):
        super().setUp()
        self.write_config(api_timeout="2s")
        self.ok("add", "vibecoding")
        self.tags(vibecoding=VIBE_T0)
        self.run_at(T0)
        self.tags(vibecoding=VIBE_STEADY)
        self.run_at(at(6))                  # the first evaluation: no alert
        self.tags(vibecoding=VIBE_JUMP)     # the rising edge of the run at 12h

    def assert_delivered_once(self):
        self.assertEqual(len(self.webhooks()), 1, self.webhooks())
        (alert,) = self.alerts()
        self.assertEqual((alert["status"], alert["attempts"], alert["last_error"]),
                         ("sent", 1, None))
        self.run_at(at(12, 10))
        self.assertEqual(len(self.webhooks()), 1, "a delivered alert was sent again")

    def test_a_200_whose_body_is_cut_short_is_a_delivery(self):
        self.hook_answers([{"status": 200, "truncate": True}])
        cp = self.run_at(at(12))
        self.assertEqual(cp.stderr, "")
        self.assert_delivered_once()

    def test_a_200_that_stalls_after_its_status_line_is_a_delivery(self):
        self.hook_answers([{"status": 200, "stall": 4}])
        cp = self.run_at(at(12))
        self.assertEqual(cp.stderr, "")
        self.assert_delivered_once()

    def test_a_503_cut_short_is_still_a_failure_named_by_its_status(self):
        self.hook_answers([{"status": 503, "truncate": True}])
        cp = self.run_at(at(12), code=1)
        self.assert_one_line_per_tag(cp, {"vibecoding": "webhook answered 503"})
        (alert,) = self.alerts()
        self.assertEqual(alert["status"], "pending")


def b64(data):
    return base64.b64encode(data).decode("ascii")


def valid_utf8(test, data):
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        return test.fail("not valid UTF-8 (%s): %r" % (e, data))


def assert_no_control(test, text, allowed=""):
    for ch in text:
        test.assertFalse((ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F) and ch not in allowed,
                         "control character %r in %r" % (ch, text))


def listed_error(test, cp):
    """The one row of `list --format json` (bytes), parsed; its last_error checked."""
    test.assertEqual(cp.returncode, 0, cp)
    (row,) = json.loads(valid_utf8(test, cp.stdout))
    assert_no_control(test, row["last_error"])
    return row


class NetworkTextIsSanitised(HashtrackTest):
    """Invalid UTF-8 and control characters from the API never go out raw."""

    # \xff and \xc3( are invalid, \xed\xa0\x80 a surrogate, \x1b[31m a terminal
    # escape, \r\n a line break, \xc2\x85 a C1 control (NEL).
    MESSAGE = b"bad \xff tag \xc3( \xed\xa0\x80 \x1b[31mred\x1b[0m\r\nnext \xc2\x85line caf\xc3\xa9"

    def run_bytes(self, *args, now=None):
        """hashtrack with stdout and stderr as bytes, to see exactly what it wrote."""
        cp = subprocess.run(self._argv(args), capture_output=True, env=self.env(now),
                            cwd=self.tmp, stdin=subprocess.DEVNULL, timeout=60)
        self.outputs.append((cp.args, cp.stdout.decode("utf-8", "replace"),
                             cp.stderr.decode("utf-8", "replace")))
        return cp

    def test_an_error_message_with_invalid_utf8_reaches_stderr_and_list_as_valid_text(self):
        self.ok("add", "mangled")
        body = b'{"error":{"code":400,"message":"' + self.MESSAGE + b'"}}'
        self.tags(mangled=fault(400, raw_b64=b64(body)))
        cp = self.run_bytes("run", now=T0)
        self.assertEqual(cp.returncode, 1, cp)
        err = valid_utf8(self, cp.stderr)
        assert_no_control(self, err, "\n")
        (line,) = err.splitlines()
        self.assertIn("#mangled: API answered 400: bad \ufffd tag", line)
        self.assertIn("caf\u00e9", line)
        row = listed_error(self, self.run_bytes("list", "--format", "json", now=T0))
        self.assertEqual(row["status"], "error")
        self.assertIn("bad \ufffd tag", row["last_error"])

    def test_a_bad_count_string_with_invalid_utf8_is_quoted_as_valid_text(self):
        self.ok("add", "junk")
        body = (b'{"data":{"challengeInfo":{"statsV2":{"videoCount":"1\xff\x1b2",'
                b'"viewCount":"5"}}}}')
        self.tags(junk={"status": 200, "raw_b64": b64(body)})
        cp = self.run_bytes("run", now=T0)
        self.assertEqual(cp.returncode, 1, cp)
        err = valid_utf8(self, cp.stderr)
        assert_no_control(self, err, "\n")
        self.assertIn('#junk: videoCount "1\ufffd\ufffd2" is not a decimal count', err)
        row = listed_error(self, self.run_bytes("list", "--format", "json", now=T0))
        self.assertIn("is not a decimal count", row["last_error"])

    def test_a_content_type_with_control_bytes_is_named_as_valid_text(self):
        self.ok("add", "page")
        self.tags(page={"status": 200, "raw": "<html>hi</html>",
                        "headers": {"Content-Type": "text/\u00ff\x1bhtml"}})
        cp = self.run_bytes("run", now=T0)
        self.assertEqual(cp.returncode, 1, cp)
        err = valid_utf8(self, cp.stderr)
        assert_no_control(self, err, "\n")
        self.assertIn("#page: API answered 200 with a text/\ufffd\ufffdhtml answer", err)
        listed_error(self, self.run_bytes("list", "--format", "json", now=T0))


class RateLimitStorms(FaultTest):
    """interface.md, The API call: retries, Retry-After, a 429 holds the run."""

    def test_retries_3_is_four_tries_in_all_when_the_api_answers_429_forever(self):
        self.write_config(api_concurrency="1", api_retries="3")
        self.ok("add", "limited")
        self.tags(limited=fault(429, headers={"Retry-After": "0"}))
        cp = self.run_at(T0, code=1)
        self.assertEqual(len(self.requests()), 4, self.requests())
        self.assert_one_line_per_tag(cp, {"limited": "API answered 429 after 3 retries"})

    def test_a_storm_of_retry_after_1_is_waited_a_second_at_a_time(self):
        # Doubling the gap after every 429 would space these 1, 2, 4 and then
        # 8 s apart for the rest of the run; the server asks for one second.
        self.write_config(api_concurrency="1", api_retries="3")
        self.ok("add", "astorm", "bafter", "cafter", "dafter")
        limited = fault(429, headers={"Retry-After": "1"})
        self.tags(astorm=[limited, limited, limited, counts(1, 2)],
                  bafter=counts(3, 4), cafter=counts(5, 6), dafter=counts(7, 8))
        self.run_at(T0)
        reqs = sorted(self.requests(), key=lambda r: r["t"])
        self.assertEqual([r["status"] for r in reqs], [429, 429, 429, 200, 200, 200, 200])
        gaps = [b["t"] - a["t"] for a, b in zip(reqs, reqs[1:])]
        for i, gap in enumerate(gaps):
            self.assertLess(gap, 1.6, "gap %d of %s: longer than the server asked" % (i, gaps))
        for prev, nxt in zip(reqs, reqs[1:4]):
            self.assertGreaterEqual(nxt["t"] - prev["t_answer"], 0.9, "Retry-After cut short")
        for tag in ("astorm", "bafter", "cafter", "dafter"):
            self.assertEqual(len(self.snapshots(tag)), 1, tag)


class OversizedHeaders(FaultTest):
    """An answer whose headers are too large is named as such, not "out of memory"."""

    def test_headers_too_large_are_named_and_not_retried(self):
        self.write_config(api_retries="1")
        answers = {
            "oneline": {"X-Big": "a" * 200000},             # past libcurl's line limit
            "midline": {"X-Big": "a" * 70000},              # past ours only
            "manylines": {"X-H%d" % i: "b" * 9000 for i in range(40)},
        }
        self.ok("add", *answers)
        self.tags(**{t: counts(1, 2, headers=h) for t, h in answers.items()})
        cp = self.run_at(T0, code=1)
        self.assert_one_line_per_tag(
            cp, {t: "API answered with headers larger than 64 KiB" for t in answers})
        self.assertNotIn("memory", cp.stderr)
        self.assertEqual(sorted(r["hashtag"] for r in self.requests()), sorted(answers))

    def test_headers_just_under_the_limit_are_fine(self):
        self.ok("add", "cookies")
        self.tags(cookies=counts(1, 2, headers={"Set-Cookie": "c=" + "x" * 60000}))
        self.run_at(T0)
        self.assertEqual(len(self.snapshots("cookies")), 1)
