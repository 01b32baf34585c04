"""The adaptive schedule (interface.md, Operations: "Adaptive schedule"; `run` step 3).

Runs every hour through HASHTRACK_NOW, as cron would with
`[schedule] adaptive = yes`, and reads which tags the simulated API was
asked for, what `list` says is due next and what run -v and doctor say
about the daily credit cap.
"""

from .harness import T0, HashtrackTest, at, counts


def line(videos, views, dv, dw):
    """(videos, views) after h hours of a tag growing by dv videos and dw views an hour."""
    return lambda h: (videos + dv * h, views + dw * h)


def answer(numbers):
    """The API's answer for a tag whose counts after h hours are numbers(h)."""
    return lambda h: counts(*map(str, numbers(h)), shape=1)


def steady(videos, views, dv, dw):
    return answer(line(videos, views, dv, dw))


def two_sources(videos, views, dv, dw, apart):
    """line(), but every other 6-hourly run answered by an upstream `apart` videos ahead."""
    return lambda h: (videos + dv * h + apart * ((h // 6) % 2), views + dw * h)


class ScheduleTest(HashtrackTest):

    def default_config(self):
        cfg = super().default_config()
        cfg["schedule"] = {}
        return cfg

    def setUp(self):
        super().setUp()
        self.adaptive()

    def adaptive(self, **keys):
        cfg = {"schedule_adaptive": "yes", "alert_format": "json",
               "alert_webhook": self.hook_url("json")}
        cfg.update(keys)
        self.write_config(**cfg)

    def fetched_at(self, hour, series, *args, code=0):
        """Run at T0 + hour with every tag answering series[tag](hour); the tags asked for."""
        self.tags(**{tag: f(hour) for tag, f in series.items()})
        before = len(self.requests())
        self.assert_exit(self.ht("run", *args, now=at(hour)), code)
        return sorted(r["hashtag"] for r in self.requests()[before:])

    def next_due(self, now=None):
        return {t["hashtag"]: t["next_due"] for t in self.list_tags(now=now)}

    def learnt(self, **tags):
        """Import 2.5 days of 6-hourly history before hour 0, tag=numbers as line() gives
        them: a rule's way is measured from the usual pace, so a tag still learning is
        never hot by a rule."""
        rows = ["hashtag,ts,video_count,view_count,source"]
        for tag, numbers in tags.items():
            rows += ["%s,%s,%d,%d," % ((tag, at(h)) + numbers(h)) for h in range(-60, 0, 6)]
        self.ok("import", "-", stdin="\n".join(rows) + "\n", now=at(0))


class DueTimes(ScheduleTest):

    def test_a_cold_tag_is_fetched_every_six_hours_and_quiet_in_between(self):
        series = {"calm": steady(1000, 100000, 1, 100), "slow": steady(500, 50000, 1, 50)}
        self.ok("add", "calm", now=at(0))
        self.ok("add", "slow", now=at(0))
        self.assertEqual(set(self.next_due().values()), {at(0)}, "due since added")
        self.assertEqual(self.fetched_at(0, series), ["calm", "slow"])
        self.assertEqual(self.next_due(), {"calm": at(6), "slow": at(6)})
        for hour in range(1, 6):
            self.tags(**{tag: f(hour) for tag, f in series.items()})
            before = len(self.requests())
            cp = self.run_at(at(hour))
            self.assertEqual(cp.stderr, "", "a run with nothing due is quiet")
            self.assertEqual(len(self.requests()), before, "hour %d fetched a tag not due" % hour)
        self.assertEqual(self.fetched_at(6, series), ["calm", "slow"])
        self.assertEqual(len(self.snapshots("calm")), 2)

    def test_a_run_with_nothing_due_says_so_only_with_v(self):
        self.ok("add", "calm")
        self.tags(calm=counts("1000", "100000", shape=1))
        self.run_at(at(0))
        cp = self.ok("-v", "run", now=at(1))
        self.assertIn("no hashtag is due", cp.stderr)

    def test_next_due_is_null_unless_adaptive(self):
        self.ok("add", "calm")
        self.tags(calm=counts("1000", "100000", shape=1))
        self.run_at(at(0))
        self.assertEqual(self.next_due(), {"calm": at(6)})
        table = self.ok("list", now=at(1)).stdout
        self.assertIn("NEXT DUE", table)
        self.write_config(alert_format="json", alert_webhook=self.hook_url("json"))
        self.assertEqual(self.next_due(), {"calm": None})
        self.assertNotIn("NEXT DUE", self.ok("list", now=at(1)).stdout)

    def test_without_adaptive_every_run_fetches_every_tag(self):
        self.write_config(alert_format="json", alert_webhook=self.hook_url("json"))
        series = {"calm": steady(1000, 100000, 1, 100)}
        self.ok("add", "calm")
        self.assertEqual(self.fetched_at(0, series), ["calm"])
        self.assertEqual(self.fetched_at(1, series), ["calm"])


class HotAndCold(ScheduleTest):

    def test_a_tag_halfway_to_a_rule_is_fetched_hourly_until_it_cools(self):
        # min_new_videos 200: 120 new videos in a window is past half of it
        self.ok("add", "calm")
        self.ok("add", "warming")
        self.learnt(calm=line(1000, 100000, 1, 100), warming=line(5000, 10 ** 6, 1, 100))
        base = {"calm": steady(1000, 100000, 1, 100), "warming": steady(5000, 10 ** 6, 1, 100)}
        for hour in (0, 6, 12):
            self.assertEqual(self.fetched_at(hour, base), ["calm", "warming"])
        jump = dict(base, warming=lambda h: counts(str(5000 + h + 120), str(10 ** 6 + 100 * h),
                                                   shape=1))
        self.assertEqual(self.fetched_at(18, jump), ["calm", "warming"])
        self.assertEqual(self.next_due(), {"calm": at(24), "warming": at(19)})
        self.assertEqual(self.fetched_at(19, jump), ["warming"], "a hot tag is due after 1h")
        self.assertEqual(self.fetched_at(20, jump), ["warming"])
        # the window now compares with a snapshot holding the jump: cold again
        self.assertEqual(self.fetched_at(24, jump), ["calm", "warming"])
        self.assertEqual(self.fetched_at(25, jump), [])
        self.assertEqual(self.next_due()["warming"], at(30))

    def test_a_tag_still_learning_is_not_hot_by_a_rule(self):
        # the same jump on a tag with 18 hours of history: no usual pace to go half-way from
        self.ok("add", "warming")
        base = {"warming": steady(5000, 10 ** 6, 1, 100)}
        for hour in (0, 6, 12):
            self.fetched_at(hour, base)
        jump = {"warming": lambda h: counts(str(5000 + h + 120), str(10 ** 6 + 100 * h),
                                            shape=1)}
        self.assertEqual(self.fetched_at(18, jump), ["warming"])
        self.assertEqual(self.next_due(), {"warming": at(24)})

    def test_a_tag_moving_inside_its_band_is_not_hot(self):
        # two upstreams 100 videos apart: a switch shows 118 new videos, more than half of
        # the way from the usual 18 to 200, but inside the band the history spans
        numbers = two_sources(5000, 10 ** 6, 3, 100, 100)
        self.ok("add", "switchy")
        self.learnt(switchy=numbers)
        for hour in (0, 6, 12, 18):
            self.fetched_at(hour, {"switchy": answer(numbers)})
        self.assertEqual(numbers(18)[0] - numbers(12)[0], 118)
        self.assertEqual(self.next_due(), {"switchy": at(24)})

    def test_a_firing_tag_is_hot(self):
        self.ok("add", "boom")
        for hour in (0, 6, 12):
            self.fetched_at(hour, {"boom": steady(1000, 100000, 1, 100)})
        self.fetched_at(18, {"boom": lambda h: counts("5000", "9000000", shape=1)})
        self.assertEqual([a["event"] for a in self.alert_rows()], ["viral"])
        self.assertEqual(self.next_due()["boom"], at(19))
        self.assertEqual(self.fetched_at(19, {"boom": lambda h: counts("5100", "9100000",
                                                                        shape=1)}), ["boom"])


class CreditCap(ScheduleTest):

    def test_the_daily_cap_is_never_exceeded_and_the_hot_tag_goes_first(self):
        self.adaptive(schedule_max_credits_per_day="7")
        names = ["a", "b", "warming"]
        for tag in names:
            self.ok("add", tag)
        series = {t: steady(5000, 10 ** 6, 1, 100) for t in names}
        self.assertEqual(self.fetched_at(0, series), names)               # 3 spent
        self.assertEqual(self.fetched_at(6, series), names)               # 6 spent
        jump = dict(series, warming=lambda h: counts(str(5000 + h + 150), str(10 ** 6 + 100 * h),
                                                     shape=1))
        # 12: 3 due, 1 credit left: the hot one
        self.assertEqual(self.fetched_at(12, jump), ["a"], "all equally due: name order")
        spent = sum(len(self.snapshots(t)) for t in names)
        self.assertEqual(spent, 7)
        cp = self.ok("-v", "run", now=at(13))
        self.assertRegex(cp.stderr, r"2 tags waiting for the daily credit cap")
        doctor = self.ht("doctor", now=at(13))
        self.assertIn("2 tags waiting for the daily credit cap", doctor.stdout)
        # a day after the first run, its credits are free again: 3 back at 24
        self.assertEqual(sum(len(self.snapshots(t)) for t in names), 7)
        self.assertEqual(len(self.fetched_at(24, jump)), 3)
        self.assertLessEqual(self.credits_in_any_day(names), 7)

    def test_under_the_cap_a_hot_tag_beats_a_longer_due_cold_one(self):
        self.adaptive(schedule_max_credits_per_day="3")
        self.ok("add", "warming", now=at(0))
        self.learnt(warming=line(5000, 10 ** 6, 1, 100))
        flat = steady(5000, 10 ** 6, 1, 100)
        jump = lambda h: counts(str(5000 + h + 150), str(10 ** 6 + 100 * h), shape=1)
        self.assertEqual(self.fetched_at(0, {"warming": flat}), ["warming"])
        self.assertEqual(self.fetched_at(6, {"warming": jump}), ["warming"])
        self.ok("add", "aaa", now=at(6))             # due since 6, never fetched
        series = {"warming": jump, "aaa": flat}
        self.assertEqual(self.next_due(), {"aaa": at(6), "warming": at(7)})
        self.tags(**{tag: f(7) for tag, f in series.items()})
        cp = self.ok("-v", "run", now=at(7))
        self.assertEqual(sorted(r["hashtag"] for r in self.requests()[2:]), ["warming"])
        self.assertIn("1 tags waiting for the daily credit cap", cp.stderr)

    def credits_in_any_day(self, names):
        times = sorted(s["ts"] for t in names for s in self.snapshots(t))
        from datetime import datetime, timedelta
        parsed = [datetime.strptime(t, "%Y-%m-%dT%H:%M:%SZ") for t in times]
        return max(sum(1 for u in parsed if t - timedelta(days=1) < u <= t) for t in parsed)


class AllAndNamed(ScheduleTest):

    def test_run_all_fetches_every_tag_due_or_not(self):
        series = {"a": steady(1000, 100000, 1, 100), "b": steady(1000, 100000, 1, 100)}
        self.ok("add", "a")
        self.ok("add", "b")
        self.fetched_at(0, series)
        self.assertEqual(self.fetched_at(1, series), [])
        self.assertEqual(self.fetched_at(2, series, "--all"), ["a", "b"])
        self.assertEqual(self.next_due(), {"a": at(8), "b": at(8)})

    def test_a_tag_named_is_fetched_due_or_not(self):
        series = {"a": steady(1000, 100000, 1, 100), "b": steady(1000, 100000, 1, 100)}
        self.ok("add", "a")
        self.ok("add", "b")
        self.fetched_at(0, series)
        self.assertEqual(self.fetched_at(1, series, "b"), ["b"])


class MixedIntervals(HashtrackTest):
    """Six-hourly history, then hourly runs: windows and rates use real elapsed time."""

    def test_hourly_runs_after_six_hourly_ones_compare_with_the_snapshot_a_window_ago(self):
        self.write_config(alert_format="json", alert_webhook=self.hook_url("json"))
        self.ok("add", "mix")
        grow = steady(100000, 10 ** 8, 10, 100000)      # 10 videos, 100k views an hour
        hours = list(range(0, 72, 6)) + list(range(72, 84))
        for h in hours:
            self.tags(mix=grow(h))
            self.run_at(at(h))
        self.assertEqual(self.alert_rows(), [], "steady growth at any interval is no alert")
        row = self.report_of(at(83), "mix")
        # the baseline is the snapshot 6 h before 83 (77), not the last 6-hourly one (66)
        self.assertEqual(row["new_videos"], 60)
        self.assertEqual(row["new_views"], 600000)
        self.assertAlmostEqual(row["views_per_hour"], 100000, places=2)
        # a take-off in the hourly part is measured against the same window
        self.tags(mix=counts(str(100000 + 840 + 400), str(10 ** 8 + 8400000 + 5000000), shape=1))
        self.run_at(at(84))
        (alert,) = self.alert_rows("viral")
        self.assertEqual(alert["new_videos"], 60 + 400)
        self.assertEqual(alert["detected_at"], at(84))


class Configuration(ScheduleTest):

    def test_hot_every_longer_than_cold_every_names_file_line_and_key(self):
        self.write_config(raw="[schedule]\nadaptive = yes\ncold_every = 2h\nhot_every = 3h\n")
        cp = self.assert_exit(self.ht("list"), 2)
        self.assertIn("%s:4: hot_every" % self.config_path, cp.stderr)
        self.assertIn("cold_every (2h)", cp.stderr)

    def test_bad_schedule_values_are_refused_naming_the_key(self):
        for line, key in (("adaptive = maybe", "adaptive"), ("hot_every = 60", "hot_every"),
                          ("cold_every = 30s", "cold_every"),
                          ("max_credits_per_day = -1", "max_credits_per_day")):
            self.write_config(raw="[schedule]\n%s\n" % line)
            cp = self.assert_exit(self.ht("list"), 2)
            self.assertIn("%s:2: %s" % (self.config_path, key), cp.stderr)
