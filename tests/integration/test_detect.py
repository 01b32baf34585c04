"""Detection by pace, alert edges and backtest (interface.md, "The API call" and "Detection").

Each test replays runs every six hours through HASHTRACK_NOW against the
simulated API, as cron would, and reads what reached the JSON webhook and
the database.
"""

import json

from .harness import T0, HashtrackTest, at, counts

H = 6  # hours between runs


def events(bodies):
    """(hashtag, event, detected_at) of every JSON webhook body, in order."""
    return [(b["hashtag"], b["event"], b["detected_at"]) for b in bodies]


class DetectTest(HashtrackTest):

    def setUp(self):
        super().setUp()
        self.write_config(alert_format="json", alert_webhook=self.hook_url("json"))

    def replay(self, series, start=0):
        """Run at T0 + H*i for each i, every tag answering series[tag](i)."""
        n = max(len(s) for s in series.values())
        for i in range(start, n):
            self.tags(**{tag: s[min(i, len(s) - 1)] for tag, s in series.items()})
            self.run_at(at(H * i))
        return n

    def stored_alerts(self):
        return self._query(
            "SELECT h.name AS hashtag, a.event, a.detected_at, a.status FROM alert a"
            " JOIN hashtag h ON h.id = a.hashtag_id ORDER BY a.detected_at, h.name")


def steady(videos, views, dv, dw, runs, shape=1):
    """A tag growing by dv videos and dw views every run."""
    return [counts(str(videos + dv * i), str(views + dw * i), shape=shape) for i in range(runs)]


class PartialAnswers(DetectTest):

    def test_scavios_own_example_stores_views_and_leaves_videos_unknown(self):
        self.ok("add", "fyp")
        self.tags(fyp=counts(0, 119178100000000, shape=6))
        self.run_at(T0)
        (snap,) = self.snapshots("fyp")
        self.assertIsNone(snap["video_count"], "a 0 beside views is TikTok not telling")
        self.assertEqual(snap["view_count"], 119178100000000)
        self.assertEqual(snap["source"], 6)
        (row,) = self.ht_json("history", "fyp", "--format", "json")
        self.assertIsNone(row["video_count"])
        csv_out = self.ok("export").stdout.splitlines()
        self.assertEqual(csv_out[1].split(",")[2], "", "an unknown count is empty in CSV")

    def test_an_answer_with_only_views_is_stored_and_rules_on_videos_do_not_apply(self):
        self.ok("add", "only")
        self.tags(only=counts(None, 5000000))
        self.run_at(T0)
        self.tags(only=counts(None, 5100000))
        self.run_at(at(6))
        snaps = self.snapshots("only")
        self.assertEqual([s["video_count"] for s in snaps], [None, None])
        self.assertEqual([s["view_count"] for s in snaps], [5000000, 5100000])
        (row,) = self.ht_json("report", "--format", "json", now=at(6))["hashtags"]
        self.assertIsNone(row["new_videos"])
        self.assertEqual(row["new_views"], 100000)

    def test_a_count_hidden_as_0_after_a_known_one_is_unknown_not_a_failure(self):
        self.ok("add", "hidden")
        self.tags(hidden=counts(4000, 900000))
        self.run_at(T0)
        self.tags(hidden=counts(0, 950000))
        cp = self.run_at(at(6))
        self.assertEqual(cp.stderr, "")
        last = self.snapshots("hidden")[-1]
        self.assertIsNone(last["video_count"])
        self.assertEqual(last["view_count"], 950000)


def launch(videos):
    """A new campaign tag: its videos as given, views 50 a video on top of a million."""
    return [counts(str(v), str(1000000 + v * 50), shape=1) for v in videos]


class Edges(DetectTest):

    def test_a_big_tag_growing_steadily_never_alerts(self):
        # Like #fyp: +1.2M videos and +11B views every six hours, 40 runs.
        self.ok("add", "fyp")
        self.replay({"fyp": steady(900000000, 26000000000000, 1200000, 11000000000, 40)})
        self.assertEqual(self.webhook_bodies(), [])
        self.assertEqual(self.stored_alerts(), [])

    def test_a_mid_size_tag_gaining_300_videos_every_run_never_alerts(self):
        self.ok("add", "steady")
        self.replay({"steady": steady(50000, 90000000, 300, 400000, 40)})
        self.assertEqual(self.webhook_bodies(), [])

    def test_a_new_campaign_tag_alerts_once_when_it_crosses_min_new_videos(self):
        self.ok("add", "launch")
        videos = [0, 10, 30, 60, 100, 400, 800, 1300, 1900, 2600, 3400, 4300]
        self.replay({"launch": launch(videos)})
        bodies = self.webhook_bodies()
        viral = [b for b in bodies if b["event"] == "viral"]
        self.assertEqual(len(viral), 1, bodies)
        self.assertEqual(viral[0]["detected_at"], at(H * 5), "at the crossing: +300 videos")
        self.assertIn("min_new_videos", viral[0]["rules"])


def takeoff(multipliers, base_views=40000000, usual=400000, videos=20000, dv=100):
    """Steady views for 12 runs (3 days), then the views' pace times each multiplier."""
    out, views = [], base_views
    for i in range(12):
        out.append(counts(str(videos + dv * i), str(views), shape=1))
        views += usual
    for k, m in enumerate(multipliers):
        views += int(usual * m)
        out.append(counts(str(videos + dv * (12 + k)), str(views), shape=1))
    return out


class SurgeEscalationCalm(DetectTest):

    def test_a_take_off_alerts_escalates_and_calms_and_explains_itself(self):
        self.ok("add", "rising", "quiet")
        series = {
            "rising": takeoff([10, 10, 25, 1, 1, 1]),
            "quiet": steady(5000, 2000000, 20, 30000, 18),
        }
        self.replay(series)
        got = events(self.webhook_bodies())
        self.assertEqual([e[:2] for e in got],
                         [("rising", "viral"), ("rising", "escalation"), ("rising", "calmed")])
        self.assertEqual(got[0][2], at(H * 12), "at the first run of the take-off")
        viral = self.webhook_bodies()[0]
        self.assertIn("surge", viral["rules"])
        self.assertAlmostEqual(viral["pace_ratio"], 10, delta=1.5)
        self.assertAlmostEqual(viral["usual_views_per_hour"], 400000 / 6, delta=5000)
        self.assertGreater(viral["views_per_hour"], 5 * viral["usual_views_per_hour"])

    def test_the_slack_sentence_tells_the_pace_against_the_usual_pace(self):
        self.write_config()     # slack
        self.ok("add", "rising")
        self.replay({"rising": takeoff([10])})
        (body,) = self.webhook_bodies()
        self.assertRegex(body["text"], r"views at \d+\.\dx their usual pace "
                                       r"\(\+[\d,]+/h vs [\d,]+/h over 7d\)")

    def test_calmed_notices_are_recorded_not_sent_with_calmed_no(self):
        self.write_config(alert_format="json", alert_webhook=self.hook_url("json"),
                          alert_calmed="no")
        self.ok("add", "rising")
        self.replay({"rising": takeoff([10, 1, 1])})
        self.assertEqual([b["event"] for b in self.webhook_bodies()], ["viral"])
        self.assertEqual([(a["event"], a["status"]) for a in self.stored_alerts()],
                         [("viral", "sent"), ("calmed", "recorded")])

    def test_a_tag_still_learning_cannot_surge(self):
        self.ok("add", "young")
        # One day of history, then a tenfold pace: too soon to know the usual pace.
        self.replay({"young": takeoff([10], base_views=40000000)[8:]})
        self.assertEqual([b for b in self.webhook_bodies() if "surge" in b["rules"]], [])
        (row,) = self.ht_json("report", "--format", "json", now=at(H * 4))["hashtags"]
        self.assertEqual(row["status"], "learning")


class Backtest(DetectTest):

    def scenario(self):
        self.ok("add", "rising", "launch", "fyp")
        videos = [0, 10, 30, 60, 100, 400, 800, 1300, 1900, 2600, 3400, 4300, 5300, 6400,
                  7600, 8900, 10300, 11800]
        self.replay({
            "rising": takeoff([10, 10, 25, 1, 1, 1]),
            "launch": launch(videos),
            "fyp": steady(900000000, 26000000000000, 1200000, 11000000000, 18),
        })

    def test_backtest_finds_exactly_what_run_raised_and_writes_nothing(self):
        self.scenario()
        raised = [(a["hashtag"], a["event"], self._rfc3339(a["detected_at"]))
                  for a in self.stored_alerts()]
        self.assertGreaterEqual(len(raised), 3)
        before = self.db().execute("SELECT count(*) FROM alert").fetchone()
        replayed = self.ht_json("backtest", "--format", "json", now=at(H * 18))
        self.assertEqual(sorted((r["hashtag"], r["event"], r["detected_at"]) for r in replayed),
                         sorted(raised))
        for r in replayed:
            for key in ("rules", "pace_ratio", "views_per_hour", "usual_views_per_hour",
                        "videos_per_hour", "usual_videos_per_hour", "new_videos", "new_views"):
                self.assertIn(key, r)
        self.assertEqual(self.db().execute("SELECT count(*) FROM alert").fetchone(), before)
        self.assertEqual(len(self.webhooks()), len(raised), "backtest sent nothing")

    def test_backtest_flags_replace_the_configured_rules(self):
        self.scenario()
        no_surge = self.ht_json("backtest", "--format", "json", "--surge", "0", "rising",
                                now=at(H * 18))
        self.assertEqual([r for r in no_surge if "surge" in r["rules"]], [])
        strict = self.ht_json("backtest", "--format", "json", "--min-videos", "100000",
                              "--video-growth", "0", "--view-growth", "0", "launch",
                              now=at(H * 18))
        self.assertEqual(strict, [])
        since = self.ht_json("backtest", "--format", "json", "--since", "1h", now=at(H * 18))
        self.assertEqual(since, [], "--since keeps only alerts detected within it")

    def test_backtest_table_and_bad_flags(self):
        self.scenario()
        cp = self.ok("backtest", "rising", now=at(H * 18))
        self.assertIn("#rising", cp.stdout)
        self.assertIn("viral", cp.stdout)
        cp = self.ht("backtest", "--surge", "0.5")
        self.assert_exit(cp, 2)
        self.assertIn("--surge", cp.stderr)
        cp = self.ht("backtest", "nosuchtag")
        self.assert_exit(cp, 2)
