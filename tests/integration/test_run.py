"""`hashtrack run`: fetch, store, compare, alert (interface.md, "run" and "The API call")."""

import csv
import io
import json
import time

from .harness import JSON_PAYLOAD_KEYS, T0, HashtrackTest, at, counts, fault

# Alerts are edges (interface.md, "Detection"): the run at T0 has no baseline,
# the run at T0+6h is the first evaluation of the rules and only records them
# (steady growth, +10 videos and +100 views, holds no rule anyway), and the
# jump at T0+12h is the rising edge. vibecoding then jumps by 300 videos
# (+25%) and 10,007 views (+33.36%) in 6 hours: only min_new_videos (200)
# fires. aitools does not move.
VIBE_T0 = counts(1190, 29900)
VIBE_STEADY = counts(1200, 30000)
VIBE_JUMP = counts(1500, 40007)
AITOOLS = counts(5000, 100000)


class RunAlertsOnAViralJump(HashtrackTest):

    def setUp(self):
        super().setUp()
        self.ok("add", "vibecoding", "aitools")

    def four_runs(self):
        """Baseline, silent first evaluation, the jump, then a flat run that calms it."""
        self.tags(vibecoding=VIBE_T0, aitools=AITOOLS)
        self.run_at(T0)
        self.assertEqual(self.webhooks(), [], "no baseline at T0, so no alert")
        self.tags(vibecoding=VIBE_STEADY, aitools=AITOOLS)
        self.run_at(at(6))
        self.assertEqual(self.webhooks(), [], "the first evaluation only records the rules")
        self.tags(vibecoding=VIBE_JUMP, aitools=AITOOLS)
        self.run_at(at(12))
        self.run_at(at(18))

    def test_four_runs_send_exactly_one_viral_slack_alert_that_reads_well(self):
        """One viral alert, at the rising edge; the flat run after it calms the tag.

        The calmed notice is a separate event ([alert] calmed = yes by default):
        exactly one, after the alert, a "back to usual pace" notice on the tag.
        """
        self.four_runs()
        self.assertEqual([(a["event"], a["detected_at"]) for a in self.alert_rows()],
                         [("viral", at(12)), ("calmed", at(18))])
        hooks = self.webhooks()
        self.assertEqual(len(hooks), 2, hooks)
        viral, calmed = hooks
        self.assertEqual(calmed["path"], "/hook/slack")
        calm = json.loads(calmed["body"])["text"]
        self.assertNotIn("Viral alert", calm)
        self.assertIn("#vibecoding", calm)
        self.assertIn("usual pace", calm)
        self.assertIn("https://www.tiktok.com/tag/vibecoding", calm)
        self.assertNotIn("aitools", calm)
        hooks = [viral]
        self.assertEqual(hooks[0]["path"], "/hook/slack")
        self.assertTrue((hooks[0]["content_type"] or "").startswith("application/json"), hooks[0])
        payload = json.loads(hooks[0]["body"])
        self.assertIsInstance(payload.get("blocks"), list, payload)
        text = payload["text"]
        self.assertIn("#vibecoding", text)
        self.assertIn("+300 videos", text)
        self.assertIn("in 6h", text)
        self.assertRegex(text, r"\+25(\.0+)?%")
        self.assertRegex(text, r"[0-9][0-9,]*(\.[0-9]+)? views/h")
        self.assertIn("https://www.tiktok.com/tag/vibecoding", text)
        self.assertNotIn("aitools", text)

    def test_webhook_posts_carry_hashtracks_user_agent(self):
        self.four_runs()
        hooks = self.webhooks()
        self.assertEqual(len(hooks), 2, "the alert and its calmed notice")
        for hook in hooks:
            self.assertRegex(hook["user_agent"] or "", r"^hashtrack/\S")

    def test_the_sent_alert_is_listed_as_sent(self):
        self.four_runs()
        (alert,) = self.alert_rows("viral")
        self.assertEqual(alert["hashtag"], "vibecoding")
        self.assertEqual(alert["status"], "sent")
        self.assertEqual(alert["new_videos"], 300)
        self.assertEqual(alert["detected_at"], at(12))
        (calmed,) = self.alert_rows("calmed")
        self.assertEqual((calmed["hashtag"], calmed["status"], calmed["detected_at"]),
                         ("vibecoding", "sent", at(18)))

    def test_a_run_that_went_well_prints_nothing_on_a_pipe(self):
        self.four_runs()  # run_at checks exit 0 and empty stdout
        self.assertEqual(len(self.requests()), 8)
        self.assertEqual(len(self.webhooks()), 2, "the viral alert and its calmed notice")
        for argv, out, err in self.outputs:
            if "run" in argv:
                self.assertEqual(out, "", argv)
                self.assertEqual(err, "", "cron would mail this: %r" % err)

    def test_a_dry_run_stores_and_sends_nothing(self):
        self.tags(vibecoding=VIBE_T0, aitools=AITOOLS)
        self.run_at(T0)
        self.tags(vibecoding=VIBE_STEADY, aitools=AITOOLS)
        self.run_at(at(6))
        self.tags(vibecoding=VIBE_JUMP, aitools=AITOOLS)
        cp = self.ok("run", "--dry-run", now=at(12))
        self.assertIn("vibecoding", cp.stdout)
        self.assertIn("would alert: Viral alert #vibecoding", cp.stdout)
        self.assertEqual(self.webhooks(), [])
        self.assertEqual(len(self.snapshots("vibecoding")), 2)
        self.assertEqual(self.alert_rows(), [])

    def test_run_with_tags_fetches_only_those(self):
        self.tags(vibecoding=VIBE_T0, aitools=AITOOLS)
        self.run_at(T0, "aitools")
        self.assertEqual([r["hashtag"] for r in self.requests()], ["aitools"])
        self.assertEqual(self.snapshots("vibecoding"), [])


class RunUsesTheRealElapsedTime(HashtrackTest):

    def test_a_late_run_compares_with_the_baseline_and_uses_real_hours(self):
        self.ok("add", "vibecoding")
        self.tags(vibecoding=VIBE_T0)
        self.run_at(T0)
        self.tags(vibecoding=VIBE_STEADY)
        self.run_at(at(6))
        self.tags(vibecoding=VIBE_JUMP)
        self.run_at(at(12, 5))
        row = self.report_of(at(12, 5), "vibecoding")
        self.assertEqual(row["baseline_snapshot"], at(6), row)
        self.assertEqual(row["new_views"], 10007)
        self.assertEqual(row["views_per_hour"], round(10007 / (6 + 5 / 60), 2), row)
        self.assertEqual(len(self.webhooks()), 1)


class RunCooldown(HashtrackTest):

    def test_a_second_jump_within_the_cooldown_raises_no_second_alert(self):
        """Alerts are edges: no second viral alert while firing or within cooldown.

        The jump at 12h rises and alerts. A second jump at 15h finds the tag
        still firing: its rule is simply on, no new alert. Flat at 21h, none
        of the rules that rose holds: the tag calms (a calmed notice, not an
        alert), and the 6h cooldown starts. A third jump at 24h is inside it:
        the rule is held back, no alert. At 27h30, past the cooldown, a new
        jump far beyond the band of the tag's earlier jumps rises and alerts.
        """
        self.ok("add", "vibecoding")
        self.tags(vibecoding=counts(1190, 30000))
        self.run_at(T0)
        self.tags(vibecoding=counts(1200, 30000))     # the silent first evaluation
        self.run_at(at(6))
        self.tags(vibecoding=counts(1500, 30000))     # +300: the rising edge
        self.run_at(at(12))
        self.tags(vibecoding=counts(2100, 30000))     # +900 since 6h, still firing
        self.run_at(at(15))
        self.assertTrue(self.report_of(at(15), "vibecoding")["viral"])
        self.assertEqual(len(self.webhooks()), 1, "second alert while still firing")
        self.run_at(at(21))                           # +0 since 15h: calmed
        self.assertEqual([a["event"] for a in self.alert_rows()], ["viral", "calmed"])
        self.tags(vibecoding=counts(2700, 30000))     # +600 since 15h, 3h after calming
        self.run_at(at(24))
        self.assertEqual(len(self.alert_rows("viral")), 1, "second alert inside the 6h cooldown")
        self.assertEqual(len(self.webhooks()), 2, "the alert and its calmed notice only")
        # Past the cooldown a new jump alerts again (baseline: the 21h snapshot).
        # It must leave the band the tag's own jumps drew: +3,900 since 21h.
        self.tags(vibecoding=counts(6000, 30000))
        self.run_at(at(27, 30))
        self.assertEqual([(a["event"], a["detected_at"]) for a in self.alert_rows()],
                         [("viral", at(12)), ("calmed", at(21)), ("viral", at(27, 30))])
        self.assertEqual(len(self.webhooks()), 3)


class RunWebhookFormats(HashtrackTest):

    def jump(self, **config):
        self.write_config(**config)
        self.ok("add", "vibecoding")
        self.tags(vibecoding=VIBE_T0)
        self.run_at(T0)
        self.tags(vibecoding=VIBE_STEADY)
        self.run_at(at(6))
        self.tags(vibecoding=VIBE_JUMP)
        self.run_at(at(12))
        (hook,) = self.webhooks()
        return hook, json.loads(hook["body"])

    def test_discord_gets_the_sentence_as_content(self):
        hook, payload = self.jump(alert_format="discord", alert_webhook=self.hook_url("discord"))
        self.assertEqual(hook["path"], "/hook/discord")
        content = payload["content"]
        self.assertLessEqual(len(content), 2000)
        self.assertIn("#vibecoding", content)
        self.assertIn("+300 videos", content)
        self.assertIn("https://www.tiktok.com/tag/vibecoding", content)

    def test_json_names_the_event_figures_and_the_rules_that_fired(self):
        hook, p = self.jump(alert_format="json", alert_webhook=self.hook_url("json"))
        self.assertLessEqual(JSON_PAYLOAD_KEYS, set(p), p)
        self.assertEqual(p["event"], "viral")
        self.assertEqual(p["hashtag"], "vibecoding")
        self.assertEqual(p["url"], "https://www.tiktok.com/tag/vibecoding")
        self.assertEqual(p["detected_at"], at(12))
        self.assertAlmostEqual(p["window_hours"], 6, delta=0.01)
        self.assertEqual((p["video_count"], p["view_count"]), (1500, 40007))
        self.assertEqual((p["new_videos"], p["new_views"]), (300, 10007))
        self.assertAlmostEqual(p["video_growth_pct"], 25.0, delta=0.01)
        self.assertAlmostEqual(p["view_growth_pct"], 33.36, delta=0.01)
        self.assertAlmostEqual(p["videos_per_hour"], 50.0, delta=0.01)
        self.assertAlmostEqual(p["views_per_hour"], 10007 / 6, delta=0.01)
        self.assertEqual(p["rules"], ["min_new_videos"])
        # 12 hours of history: still learning, so no usual pace and no ratio.
        self.assertIsNone(p["campaign"])
        self.assertEqual((p["usual_videos_per_hour"], p["usual_views_per_hour"],
                          p["pace_ratio"]), (None, None, None))


class RunLinks(HashtrackTest):

    def test_a_non_ascii_tag_link_is_percent_encoded(self):
        self.write_config(alert_format="json")
        self.ok("add", "日本")
        self.tags(**{"日本": counts(990, 5000)})
        self.run_at(T0)
        self.tags(**{"日本": counts(1000, 5000)})
        self.run_at(at(6))
        self.tags(**{"日本": counts(1300, 5000)})
        self.run_at(at(12))
        (payload,) = self.webhook_bodies()
        self.assertEqual(payload["hashtag"], "日本")
        self.assertEqual(payload["url"], "https://www.tiktok.com/tag/%E6%97%A5%E6%9C%AC")


class RunRules(HashtrackTest):

    def test_each_rule_fires_alone_and_percent_rules_respect_the_growth_floor(self):
        self.write_config(alert_format="json")
        self.ok("add", "bynew", "bypct", "byviews", "underfloor", "falling", "alloff")
        self.ok("add", "pertag", "--min-videos", "10")
        self.ok("add", "alloff", "--min-videos", "0", "--video-growth", "0", "--view-growth", "0")
        # T0: the baseline; 6h: steady growth under every rule, the silent
        # first evaluation; 12h: the figures each rule is tested on. With 12
        # hours of history every tag is still learning: surge cannot hold.
        self.tags(bynew=counts(9990, 99900), bypct=counts(149, 999),
                  byviews=counts(999, 9900), underfloor=counts(49, 49),
                  falling=counts(990, 99000), pertag=counts(998, 1000),
                  alloff=counts(99, 99))
        self.run_at(T0)
        self.tags(bynew=counts(10000, 100000), bypct=counts(150, 1000),
                  byviews=counts(1000, 10000), underfloor=counts(50, 50),
                  falling=counts(1000, 100000), pertag=counts(1000, 1000),
                  alloff=counts(100, 100))
        self.run_at(at(6))
        self.assertEqual(self.webhooks(), [], "the first evaluation only records the rules")
        self.tags(bynew=counts(10250, 100000),      # +250 videos, 2.5%
                  bypct=counts(240, 1000),          # +90 videos, +60%
                  byviews=counts(1010, 16000),      # +60% views
                  underfloor=counts(95, 95),        # +90%, but from below the floor
                  falling=counts(500, 1000),        # went down
                  pertag=counts(1012, 1000),        # +12 >= per-tag 10
                  alloff=counts(100000, 10000000))  # every rule off
        self.run_at(at(12))
        fired = {p["hashtag"]: p["rules"] for p in self.webhook_bodies()}
        self.assertEqual(fired, {"bynew": ["min_new_videos"], "bypct": ["video_growth"],
                                 "byviews": ["view_growth"], "pertag": ["min_new_videos"]})
        self.assertEqual({p["event"] for p in self.webhook_bodies()}, {"viral"})
        falling = self.report_of(at(12), "falling")
        self.assertEqual(falling["new_videos"], -500)
        self.assertFalse(falling["viral"])


class RunFailuresAreLimitedToTheirTag(HashtrackTest):

    def test_an_answer_without_counts_fails_that_tag_alone(self):
        self.ok("add", "goodtag", "badtag")
        self.tags(goodtag=counts(1000, 5000), badtag=fault(200, {"data": {}}))
        cp = self.run_at(T0, code=1)
        self.assertTrue(self.stderr_lines_naming(cp, "badtag"), self.describe(cp))
        self.assertFalse(self.stderr_lines_naming(cp, "goodtag"), self.describe(cp))
        self.assertEqual(len(self.snapshots("goodtag")), 1)
        self.assertEqual(self.snapshots("badtag"), [])
        rows = {r["hashtag"]: r for r in self.list_tags()}
        self.assertEqual(rows["badtag"]["status"], "error")
        self.assertTrue(rows["badtag"]["last_error"])
        self.assertEqual(self.report_of(T0, "badtag")["status"], "no-data")

    def test_a_count_that_drops_to_zero_is_treated_as_missing(self):
        """A 0 after a known positive count is TikTok hiding it: unknown, not 0.

        The snapshot is stored with the other count, the hidden one NULL in
        the database, empty in CSV and null in JSON; the tag does not fail.
        """
        self.ok("add", "zvideos", "zviews", "fine")
        self.tags(zvideos=counts(1000, 5000), zviews=counts(1000, 5000), fine=counts(1, 2))
        self.run_at(T0)
        self.tags(zvideos=counts(0, 6000), zviews=counts(1001, 0), fine=counts(1, 2))
        self.run_at(at(6))
        stored = {"zvideos": (None, 6000), "zviews": (1001, None)}
        for tag, pair in stored.items():
            self.assertEqual([(h["ts"], h["video_count"], h["view_count"])
                              for h in self.snapshots(tag)],
                             [(T0, 1000, 5000), (at(6),) + pair], tag)
        self.assertEqual(len(self.snapshots("fine")), 2)
        rows = {r["hashtag"]: r for r in self.list_tags()}
        self.assertEqual((rows["zvideos"]["status"], rows["zviews"]["status"]), ("ok", "ok"))
        for tag, pair in stored.items():
            with self.subTest(output="history json", tag=tag):
                self.assertEqual([(h["ts"], h["video_count"], h["view_count"])
                                  for h in self.history(tag)],
                                 [(T0, 1000, 5000), (at(6),) + pair])
        with self.subTest(output="export csv"):
            exported = list(csv.reader(io.StringIO(self.ok("export", "--format", "csv").stdout)))
            self.assertIn(["zvideos", at(6), "", "6000", "2"], exported)
            self.assertIn(["zviews", at(6), "1001", "", "2"], exported)
        with self.subTest(output="report json"):
            # Figures on the unknown count cannot be computed: null, never 0 or -1.
            zvideos, zviews = self.report_of(at(6), "zvideos"), self.report_of(at(6), "zviews")
            self.assertEqual((zvideos["video_count"], zvideos["new_videos"],
                              zvideos["new_views"]), (None, None, 1000), zvideos)
            self.assertEqual((zviews["view_count"], zviews["new_views"],
                              zviews["new_videos"]), (None, None, 1), zviews)

    def test_zero_counts_for_a_new_tag_are_stored(self):
        self.ok("add", "fresh")
        self.tags(fresh=counts(0, 0))
        self.run_at(T0)
        (snap,) = self.snapshots("fresh")
        self.assertEqual((snap["video_count"], snap["view_count"]), (0, 0))

    def test_invalid_counts_fail_their_tag(self):
        bad = {
            "negative": counts(-5, 10, shape=2),
            "fraction": counts(1.5, 10, shape=3),
            "letters": counts("12a", "10", shape=1),
            "imprecise": counts("9007199254740993", 10, shape=2),   # JSON number > 2^53
            "toolarge": counts("9223372036854775808", "1", shape=1),  # string > 2^63-1
            "boolean": counts(True, 10, shape=5),
            "nofallthrough": fault(200, {"data": {"challengeInfo": {
                "statsV2": {"videoCount": "x", "viewCount": "5"},
                "stats": {"videoCount": 12, "viewCount": 5}}}}),
            "unknownshape": fault(200, {"result": {"videos": 1, "views": 2}}),
            "notjson": {"status": 200, "raw": "<html>oops</html>"},
        }
        self.ok("add", "okay", *bad)
        self.tags(okay=counts(7, 8), **bad)
        cp = self.run_at(T0, code=1)
        for tag in bad:
            with self.subTest(tag=tag):
                self.assertTrue(self.stderr_lines_naming(cp, tag), self.describe(cp))
                self.assertEqual(self.snapshots(tag), [])
        self.assertEqual(len(self.snapshots("okay")), 1)

    def test_a_404_marks_the_tag_not_found(self):
        self.ok("add", "gone", "here")
        self.tags(here=counts(1, 2))  # "gone" is absent: 404 hashtag not found
        cp = self.ht("run", now=T0)
        self.assertIn(cp.returncode, (0, 1), self.describe(cp))
        rows = {r["hashtag"]: r for r in self.list_tags()}
        self.assertEqual(rows["gone"]["status"], "not-found")
        self.assertEqual(rows["here"]["status"], "ok")
        self.assertEqual(self.report_of(T0, "gone")["status"], "not-found")

    def test_a_slow_answer_times_out_without_holding_up_the_others(self):
        self.write_config(api_timeout="1s")
        self.ok("add", "slow", "quick")
        self.tags(slow=counts(1, 2, delay=4), quick=counts(3, 4))
        started = time.monotonic()
        cp = self.run_at(T0, code=1)
        self.assertLess(time.monotonic() - started, 4, "the 1s timeout was not applied")
        self.assertTrue(self.stderr_lines_naming(cp, "slow"), self.describe(cp))
        self.assertEqual(self.snapshots("slow"), [])
        self.assertEqual(len(self.snapshots("quick")), 1)

    def test_a_bad_key_stops_the_run_at_once_and_shows_the_message(self):
        self.write_config(api_concurrency="1")
        self.ok("add", "one", "two", "three")
        self.tags(one=counts(1, 1), two=counts(2, 2), three=counts(3, 3))
        cp = self.ht("run", now=T0, env_extra={"SCAVIO_API_KEY": "not-the-key"})
        self.assert_exit(cp, 1)
        self.assertIn("invalid API key", cp.stderr)
        self.assertNotIn("not-the-key", cp.stdout + cp.stderr)
        self.assertEqual(len(self.requests()), 1, self.requests())
        self.assertFalse(self.requests()[0]["auth_ok"])


class RunStopsOnAccountErrors(HashtrackTest):

    def test_402_and_403_stop_the_run_at_once_and_show_the_message(self):
        for status, message in ((402, "no credits left"), (403, "key lacks permission")):
            with self.subTest(status=status):
                self.write_config(api_concurrency="1")
                self.ok("add", "one", "two", "three")
                self.tags(one=fault(status, {"error": {"code": status, "message": message}}),
                          two=counts(2, 2), three=counts(3, 3))
                before = len(self.requests())
                cp = self.assert_exit(self.ht("run", "one", "two", "three", now=T0), 1)
                self.assertIn(message, cp.stderr)
                self.assertEqual(len(self.requests()) - before, 1, self.requests())

    def test_a_400_fails_its_tag_and_shows_the_api_message(self):
        self.ok("add", "rejected", "fine")
        self.tags(rejected=fault(400, {"error": {"code": 400, "message": "hashtag is banned"}}),
                  fine=counts(1, 2))
        cp = self.run_at(T0, code=1)
        lines = self.stderr_lines_naming(cp, "rejected")
        self.assertTrue(any("hashtag is banned" in line for line in lines), self.describe(cp))
        self.assertEqual(len(self.snapshots("fine")), 1)


class RunRetries(HashtrackTest):

    def test_a_503_then_success_is_retried_after_retry_after(self):
        self.write_config(api_retries="1")
        self.ok("add", "flaky")
        self.tags(flaky=[fault(503, headers={"Retry-After": "1"}), counts(10, 20)])
        self.run_at(T0)
        reqs = self.requests()
        self.assertEqual([r["status"] for r in reqs], [503, 200])
        self.assertGreaterEqual(reqs[1]["t"] - reqs[0]["t_answer"], 0.9, "Retry-After ignored")
        self.assertEqual(len(self.snapshots("flaky")), 1)

    def test_a_429_then_success_is_retried(self):
        self.write_config(api_retries="2")
        self.ok("add", "limited")
        self.tags(limited=[fault(429, headers={"Retry-After": "1"}), counts(10, 20)])
        self.run_at(T0)
        self.assertEqual([r["status"] for r in self.requests()], [429, 200])

    def test_with_no_retries_a_503_fails_the_tag(self):
        self.ok("add", "down")
        self.tags(down=fault(503))
        cp = self.run_at(T0, code=1)
        self.assertTrue(self.stderr_lines_naming(cp, "down"), self.describe(cp))
        self.assertEqual(len(self.requests()), 1)


class RunShapes(HashtrackTest):

    def test_all_five_response_shapes_are_accepted_and_remembered(self):
        answers = {
            "shapeone": counts("101", "1001", shape=1),
            "shapetwo": counts(102, 1002, shape=2),
            "shapethree": counts(103, 1003, shape=3),
            "shapefour": counts(104, 1004, shape=4),
            "shapefoursnake": counts(105, 1005, shape=4, snake=True),
            "shapefive": counts(106, 1006, shape=5, credits=42),
        }
        self.ok("add", *answers)
        self.tags(**answers)
        self.run_at(T0)
        for tag, want in answers.items():
            with self.subTest(tag=tag):
                (snap,) = self.snapshots(tag)
                self.assertEqual(snap["source"], want["shape"])
                self.assertEqual(snap["video_count"], int(want["videos"]))
                self.assertEqual(snap["view_count"], int(want["views"]))
                self.assertEqual(snap["ts"], T0)

    def test_null_counts_fall_through_to_the_next_shape(self):
        self.ok("add", "nulls", "partial")
        self.tags(
            nulls=fault(200, {"data": {"challengeInfo": {
                "statsV2": {"videoCount": None, "viewCount": None},
                "stats": {"videoCount": 12, "viewCount": 34}}}}),
            partial=fault(200, {"data": {"challengeInfo": {"statsV2": {"videoCount": "9"}},
                                         "stats": {"video_count": 56, "view_count": 78}}}))
        self.run_at(T0)
        (a,) = self.snapshots("nulls")
        self.assertEqual((a["source"], a["video_count"], a["view_count"]), (2, 12, 34))
        (b,) = self.snapshots("partial")
        self.assertEqual((b["source"], b["video_count"], b["view_count"]), (3, 56, 78))

    def test_counts_up_to_2_pow_53_as_numbers_and_2_pow_63_minus_1_as_strings(self):
        self.ok("add", "bignumber", "bigstring")
        self.tags(bignumber=counts("9007199254740992", 1, shape=5),
                  bigstring=counts("9223372036854775807", "9007199254740993", shape=1))
        self.run_at(T0)
        (a,) = self.snapshots("bignumber")
        self.assertEqual(a["video_count"], 2 ** 53)
        (b,) = self.snapshots("bigstring")
        self.assertEqual((b["video_count"], b["view_count"]), (2 ** 63 - 1, 2 ** 53 + 1))

    def test_a_baseline_from_another_shape_is_incomparable(self):
        self.ok("add", "vibecoding")
        self.tags(vibecoding=counts(1200, 30000, shape=2))
        self.run_at(T0)
        self.tags(vibecoding=counts("1234567", "98765432", shape=1))
        self.run_at(at(6))
        self.assertEqual(self.webhooks(), [])
        row = self.report_of(at(6), "vibecoding")
        self.assertEqual(row["status"], "incomparable", row)
        for key in ("new_videos", "new_views", "video_growth_pct", "view_growth_pct",
                    "views_per_hour"):
            self.assertIsNone(row[key], key)
        self.assertFalse(row["viral"])

    def test_an_incomparable_baseline_is_not_replaced_by_an_older_one(self):
        self.ok("add", "vibecoding")
        self.tags(vibecoding=counts("1000", "5000", shape=1))
        self.run_at(T0)
        self.tags(vibecoding=counts(1000, 5000, shape=2))
        self.run_at(at(1))
        self.tags(vibecoding=counts("5000", "50000", shape=1))
        self.run_at(at(7))
        self.assertEqual(self.webhooks(), [])
        self.assertEqual(self.report_of(at(7), "vibecoding")["status"], "incomparable")


class RunPendingAlerts(HashtrackTest):

    def setUp(self):
        super().setUp()
        self.ok("add", "vibecoding")
        self.tags(vibecoding=VIBE_T0)
        self.run_at(T0)
        self.tags(vibecoding=VIBE_STEADY)
        self.run_at(at(6))
        self.tags(vibecoding=VIBE_JUMP)     # the rising edge of the run at 12h

    def test_a_webhook_answering_500_leaves_the_alert_pending_and_exits_1(self):
        self.hook_statuses([500] * 10)
        cp = self.run_at(at(12), code=1)
        self.assertNotEqual(cp.stderr.strip(), "")
        self.assertGreaterEqual(len(self.webhooks()), 1)
        (alert,) = self.alert_rows()
        self.assertEqual(alert["status"], "pending")
        self.assertEqual(alert["hashtag"], "vibecoding")

    def test_a_pending_alert_is_sent_by_the_next_run_exactly_once(self):
        self.hook_statuses([500] * 10)
        self.run_at(at(12), code=1)
        failed = len(self.webhooks())
        self.hook_statuses([])
        self.run_at(at(12, 10))
        hooks = self.webhooks()
        self.assertEqual(len(hooks), failed + 1)
        self.assertEqual(hooks[-1]["status"], 200)
        self.assertEqual(hooks[-1]["body"], hooks[0]["body"], "the pending alert, unchanged")
        (alert,) = self.alert_rows()
        self.assertEqual(alert["status"], "sent")
        self.run_at(at(12, 20))
        self.assertEqual(len(self.webhooks()), failed + 1, "sent twice")

    def test_without_a_webhook_alerts_are_recorded_and_the_run_succeeds(self):
        self.write_config(alert_webhook=None)
        self.run_at(at(12))
        self.assertEqual(self.webhooks(), [])
        (alert,) = self.alert_rows()
        self.assertEqual(alert["status"], "recorded")
        # Recorded, not pending: a later run with a webhook sends nothing.
        self.write_config()
        self.run_at(at(12, 10))
        self.assertEqual(self.webhooks(), [])


class RunRequests(HashtrackTest):

    def test_the_request_carries_the_contract_headers_and_body(self):
        self.ok("add", "#VibeCoding")
        self.tags(vibecoding=VIBE_T0)
        self.run_at(T0)
        (req,) = self.requests()
        self.assertEqual(req["method"], "POST")
        self.assertEqual(req["path"], "/api/v1/tiktok/hashtag")
        self.assertTrue(req["auth_ok"])
        self.assertEqual(req["hashtag"], "vibecoding")
        self.assertEqual(json.loads(req["body"]), {"hashtag_name": "vibecoding"})
        self.assertRegex(req["content_type"] or "", r"^application/json\b")
        self.assertIn("application/json", req["accept"] or "")
        self.assertRegex(req["user_agent"] or "", r"^hashtrack/\S")

    def test_a_second_run_is_refused_while_one_holds_the_lock(self):
        self.ok("add", "slow")
        self.tags(slow=counts(1, 2, delay=3))
        first = self.ht_start("run", now=T0)
        self.wait_for_arrivals(1)  # the lock is taken before any fetch
        cp = self.ht("run", now=T0)
        self.assert_exit(cp, 75)
        self.assertIn("another hashtrack run is in progress", cp.stderr)
        self.assert_exit(self.ht_finish(first), 0)

    def test_the_api_key_is_not_stored_in_the_database(self):
        self.ok("add", "vibecoding")
        self.tags(vibecoding=VIBE_T0)
        self.run_at(T0)
        data = b"".join(p.read_bytes() for p in self.tmp.glob("ht.db*") if p.is_file())
        self.assertTrue(data)
        self.assertNotIn(self.api_key.encode(), data)
        self.assertEqual(self.db().execute("PRAGMA quick_check").fetchone()[0], "ok")

