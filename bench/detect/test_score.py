#!/usr/bin/env python3
"""Self-test of the detection benchmark's arithmetic: score.py on hand-made cases.

    python3 bench/detect/test_score.py
"""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import score  # noqa: E402
import seed_rules  # noqa: E402
from gen import parse_rfc3339, rfc3339  # noqa: E402

H = 3600
T = parse_rfc3339("2026-05-10T00:00:00Z")


def at(hours):
    return rfc3339(int(T + hours * H))


def tag(size="<1M", phenomena=(), moments=()):
    return {"size_class": size, "phenomena": list(phenomena),
            "moments": [{"onset": at(o), "end": at(e), "multiplier": m, "kind": "sudden"}
                        for o, e, m in moments]}


def truth(tags, days=30, interval=6 * H):
    return {"days": days, "interval_s": interval, "tags": tags}


def alerts(*items):
    return [{"hashtag": t, "detected_at": at(h), "event": e} for t, h, e in items]


def run(tr, al):
    return score.score(tr, score.load_alerts(al))


class Recall(unittest.TestCase):
    def test_an_alert_within_a_day_of_onset_detects_the_moment_and_its_delay_counts(self):
        s = run(truth({"a": tag(moments=[(0, 24, 5)])}), alerts(("a", 3, "viral")))
        self.assertEqual((s["moments"], s["detected"], s["recall"]), (1, 1, 1.0))
        self.assertEqual(s["median_delay_hours"], 3)
        self.assertEqual(s["median_delay_runs"], 0.5)

    def test_the_window_is_onset_to_onset_plus_24h_inclusive(self):
        tr = truth({"a": tag(moments=[(0, 48, 5)]), "b": tag(moments=[(0, 48, 5)]),
                    "c": tag(moments=[(0, 48, 5)])})
        s = run(tr, alerts(("a", 24, "viral"), ("b", 24 + 1 / H, "viral"), ("c", -1, "viral")))
        self.assertEqual(s["detected"], 1)
        self.assertEqual(s["missed"], ["b", "c"])
        self.assertEqual(s["false"]["false"], 0)   # all three are near a moment

    def test_only_viral_events_detect(self):
        s = run(truth({"a": tag(moments=[(0, 24, 5)])}),
                alerts(("a", 2, "escalation"), ("a", 4, "calmed")))
        self.assertEqual(s["detected"], 0)
        self.assertIsNone(s["median_delay_hours"])

    def test_the_first_alert_of_the_window_gives_the_delay(self):
        s = run(truth({"a": tag(moments=[(0, 24, 5)])}),
                alerts(("a", 12, "viral"), ("a", 6, "viral")))
        self.assertEqual(s["median_delay_hours"], 6)

    def test_median_delay_over_moments_in_runs_of_the_trace_interval(self):
        tags = {"a": tag(moments=[(0, 24, 5)]), "b": tag(moments=[(0, 24, 5)]),
                "c": tag(moments=[(0, 24, 5)]), "d": tag(moments=[(0, 24, 5)])}
        al = alerts(("a", 1, "viral"), ("b", 3, "viral"), ("c", 11, "viral"))
        s = run(truth(tags), al)
        self.assertAlmostEqual(s["recall"], 0.75)
        self.assertEqual(s["median_delay_hours"], 3)
        self.assertEqual(s["median_delay_runs"], 0.5)
        self.assertEqual(run(truth(tags, interval=H), al)["median_delay_runs"], 3)

    def test_each_of_two_moments_needs_its_own_alert(self):
        s = run(truth({"a": tag(moments=[(0, 24, 5), (14 * 24, 15 * 24, 8)])}),
                alerts(("a", 2, "viral")))
        self.assertEqual((s["moments"], s["detected"]), (2, 1))

    def test_recall_breakdowns_by_size_and_multiplier(self):
        tags = {"a": tag(size="<10K", moments=[(0, 24, 4)]),
                "b": tag(size=">=1B", moments=[(0, 24, 30)])}
        s = run(truth(tags), alerts(("b", 5, "viral")))
        self.assertEqual(s["recall_by_size"]["<10K"]["recall"], 0.0)
        self.assertEqual(s["recall_by_size"][">=1B"]["recall"], 1.0)
        self.assertIsNone(s["recall_by_size"]["<1M"]["recall"])
        self.assertEqual(s["recall_by_band"]["3-6x"]["detected"], 0)
        self.assertEqual(s["recall_by_band"]["15-50x"]["detected"], 1)


class FalseAlerts(unittest.TestCase):
    def test_alerts_outside_onset_minus_6h_to_end_plus_24h_are_false(self):
        tr = truth({"a": tag(moments=[(0, 24, 5)])})
        inside = alerts(("a", -6, "viral"), ("a", 20, "viral"), ("a", 48, "viral"))
        self.assertEqual(run(tr, inside)["false"]["false"], 0)
        outside = alerts(("a", -6 - 1 / H, "viral"), ("a", 48 + 1 / H, "viral"))
        self.assertEqual(run(tr, outside)["false"]["false"], 2)

    def test_escalation_and_calmed_are_never_false(self):
        s = run(truth({"a": tag()}), alerts(("a", 100, "escalation"), ("a", 200, "calmed")))
        self.assertEqual(s["false"]["false"], 0)
        self.assertEqual(s["viral_alerts"], 0)

    def test_per_tag_month_divides_by_tags_and_months(self):
        tags = {"a": tag(), "b": tag()}
        al = alerts(("a", 1, "viral"), ("a", 50, "viral"), ("b", 9, "viral"))
        self.assertEqual(run(truth(tags), al)["false"]["per_tag_month"], 1.5)
        self.assertEqual(run(truth(tags, days=15), al)["false"]["per_tag_month"], 3.0)

    def test_by_phenomenon_counts_tags_that_have_it_alone(self):
        tags = {"r": tag(phenomena=["rounding"]), "rl": tag(phenomena=["rounding", "late"]),
                "n": tag(), "l": tag(phenomena=["late"])}
        al = alerts(("r", 1, "viral"), ("rl", 1, "viral"), ("rl", 20, "viral"))
        s = run(truth(tags), al)
        by = s["false_by_phenomenon"]
        self.assertEqual((by["rounding"]["tags"], by["rounding"]["false"]), (1, 1))
        self.assertEqual(by["rounding"]["per_tag_month"], 1.0)
        self.assertEqual((by["multi"]["tags"], by["multi"]["false"]), (1, 2))
        self.assertEqual(by["late"]["per_tag_month"], 0.0)
        self.assertEqual(by["none"]["per_tag_month"], 0.0)
        self.assertIsNone(by["zeros"]["per_tag_month"])
        self.assertEqual(s["false"]["per_tag_month"], 0.75)

    def test_by_size_class(self):
        tags = {"s": tag(size="<10K"), "b": tag(size=">=1B"), "b2": tag(size=">=1B")}
        s = run(truth(tags), alerts(("b", 1, "viral"), ("b", 30, "viral"), ("b2", 3, "viral")))
        self.assertEqual(s["false_by_size"][">=1B"]["per_tag_month"], 1.5)
        self.assertEqual(s["false_by_size"]["<10K"]["per_tag_month"], 0.0)

    def test_alerts_for_unknown_tags_are_reported_not_counted(self):
        s = run(truth({"a": tag()}), alerts(("zz", 1, "viral")))
        self.assertEqual(s["unknown_tags"], ["zz"])
        self.assertEqual(s["false"]["false"], 0)


class Input(unittest.TestCase):
    def test_malformed_alerts_are_refused(self):
        for bad in ({}, [1], [{"hashtag": "a", "event": "viral"}],
                    [{"hashtag": "a", "detected_at": at(0), "event": "hot"}],
                    [{"hashtag": "a", "detected_at": "yesterday", "event": "viral"}],
                    [{"hashtag": "a", "detected_at": "2026-05-10T00:00:00", "event": "viral"}]):
            with self.assertRaises(score.AlertError, msg=repr(bad)):
                score.load_alerts(bad)

    def test_times_with_offsets_and_fractions_are_read(self):
        a = score.load_alerts([{"hashtag": "a", "detected_at": "2026-05-10T02:00:00.5+02:00",
                                "event": "viral"}])
        self.assertEqual(a[0][1], T + 0.5)


class SeedRules(unittest.TestCase):
    """The baseline detector's own arithmetic, on the same footing."""

    def alerts(self, rows):
        snaps = [(int(T + h * H), n, v, s) for h, n, v, s in rows]
        return [(a["detected_at"], a["rules"]) for a in seed_rules.tag_alerts("a", snaps)]

    def test_each_rule_fires_and_unknown_counts_skip_their_rules(self):
        self.assertEqual(self.alerts([(0, 1000, 10**6, 1), (6, 1200, 10**6, 1)]),
                         [(at(6), ["min_new_videos"])])
        self.assertEqual(self.alerts([(0, 100, 10**6, 1), (6, 150, 10**6, 1)]),
                         [(at(6), ["video_growth"])])
        self.assertEqual(self.alerts([(0, 99, 100, 1), (6, 198, 150, 1)]),
                         [(at(6), ["view_growth"])])   # 99 videos: under the floor
        self.assertEqual(self.alerts([(0, None, 100, 1), (6, 1000, 100, 1)]), [])

    def test_baseline_is_the_newest_snapshot_from_12h_to_5h30m_before(self):
        def new_videos(rows):
            snaps = [(int(T + h * H), n, 10**6, 1) for h, n in rows]
            return [(a["detected_at"], a["new_videos"]) for a in seed_rules.tag_alerts("a", snaps)]

        self.assertEqual(new_videos([(0, 100), (1, 150), (6.5, 400)]), [(at(6.5), 250)])
        self.assertEqual(new_videos([(0, 100), (5.6, 100), (6, 1000)]), [(at(6), 900)])
        self.assertEqual(new_videos([(0, 100), (12, 1000)]), [(at(12), 900)])
        self.assertEqual(new_videos([(0, 100), (12.01, 1000)]), [])

    def test_cooldown_of_six_hours_and_no_comparison_across_shapes(self):
        rows = [(0, 100, 1000, 1), (6, 400, 1000, 1), (11.9, 700, 1000, 1), (12, 1000, 1000, 1)]
        self.assertEqual([a for a, _ in self.alerts(rows)], [at(6), at(12)])
        self.assertEqual(self.alerts([(0, 100, 1000, 1), (6, 1000, 1000, 2)]), [])
        self.assertEqual(len(self.alerts([(0, 100, 1000, None), (6, 1000, 1000, 2)])), 1)


if __name__ == "__main__":
    unittest.main()
