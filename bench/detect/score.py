#!/usr/bin/env python3
"""bench/detect/score.py: a detector's alerts against the traces' ground truth.

    python3 bench/detect/score.py truth.json alerts.json [--json]

alerts.json is what `hashtrack backtest --format json` prints: an array of
objects with at least "hashtag", "detected_at" (RFC 3339) and "event"
("viral", "escalation" or "calmed"). Only "viral" events count; escalation
and calmed notices are neither hits nor false alerts.

- recall@24h: the share of injected moments with a viral alert of their tag
  in [onset, onset + 24h]; the first such alert's delay from onset counts
  towards the median delay (hours, and runs of the trace's interval);
- false alerts: viral alerts outside [onset - 6h, end + 24h] of every moment
  of their tag, per tag-month (a tag's trace of 30 days is one), overall, by
  size class (views at the start) and by phenomenon, where a phenomenon's
  figure counts only the tags that have it alone ("none": no phenomenon).
"""

import argparse
import json
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen import PHENOMENON_NAMES, SIZE_CLASSES, parse_rfc3339  # noqa: E402

HOUR = 3600
RECALL_WITHIN = 24 * HOUR
FALSE_BEFORE = 6 * HOUR         # an alert this long before onset is no false alarm
FALSE_AFTER = 24 * HOUR         # nor one this long after the moment's end
MONTH_DAYS = 30

SIZES = [name for _, name in SIZE_CLASSES]
PHENOMENA = ["none"] + [PHENOMENON_NAMES[p] for p in PHENOMENON_NAMES]
MULTIPLIER_BANDS = ((3, 6, "3-6x"), (6, 15, "6-15x"), (15, 1e9, "15-50x"))


class AlertError(ValueError):
    pass


def load_alerts(data):
    """Validate the detector's output; returns [(tag, epoch, event)]."""
    if not isinstance(data, list):
        raise AlertError("alerts: expected a JSON array, got %s" % type(data).__name__)
    out = []
    for i, a in enumerate(data):
        if not isinstance(a, dict):
            raise AlertError("alerts[%d]: not an object" % i)
        for key in ("hashtag", "detected_at", "event"):
            if not isinstance(a.get(key), str):
                raise AlertError("alerts[%d]: %r missing or not a string" % (i, key))
        if a["event"] not in ("viral", "escalation", "calmed"):
            raise AlertError("alerts[%d]: unknown event %r" % (i, a["event"]))
        try:
            ts = parse_rfc3339(a["detected_at"])
        except ValueError as e:
            raise AlertError("alerts[%d]: detected_at: %s" % (i, e)) from None
        out.append((a["hashtag"], ts, a["event"]))
    return out


def phenomenon_group(phenomena):
    if not phenomena:
        return "none"
    return phenomena[0] if len(phenomena) == 1 else "multi"


def band(multiplier):
    return next(name for lo, hi, name in MULTIPLIER_BANDS if lo <= multiplier < hi)


def score(truth, alerts):
    """The figures of one detector: a dict (see the module's doc)."""
    interval = truth.get("interval_s", 6 * HOUR)
    months = truth.get("days", MONTH_DAYS) / MONTH_DAYS
    tags = truth["tags"]
    viral = {}
    unknown_tags = set()
    for tag, ts, event in alerts:
        if event != "viral":
            continue
        if tag not in tags:
            unknown_tags.add(tag)
            continue
        viral.setdefault(tag, []).append(ts)

    moments, delays = [], []
    false_by_tag = {}
    for tag, t in tags.items():
        ms = [(parse_rfc3339(m["onset"]), parse_rfc3339(m["end"]), m) for m in t["moments"]]
        times = sorted(viral.get(tag, []))
        for onset, _end, m in ms:
            hits = [x for x in times if onset <= x <= onset + RECALL_WITHIN]
            delay = hits[0] - onset if hits else None
            moments.append({"tag": tag, "size": t["size_class"], "band": band(m["multiplier"]),
                            "kind": m["kind"], "resolvable": m.get("resolvable", True),
                            "group": phenomenon_group(t["phenomena"]), "delay": delay})
            if hits:
                delays.append(delay)
        false_by_tag[tag] = sum(
            1 for x in times
            if not any(onset - FALSE_BEFORE <= x <= end + FALSE_AFTER for onset, end, _ in ms))

    def recall(sel):
        n = len(sel)
        hit = sum(1 for m in sel if m["delay"] is not None)
        return {"moments": n, "detected": hit, "recall": hit / n if n else None}

    def false_rate(names):
        n = len(names)
        f = sum(false_by_tag[x] for x in names)
        return {"tags": n, "false": f, "per_tag_month": f / (n * months) if n else None}

    med = statistics.median(delays) if delays else None
    out = {
        **recall(moments),
        "median_delay_hours": med / HOUR if med is not None else None,
        "delays_hours": sorted(d / HOUR for d in delays),
        "median_delay_runs": med / interval if med is not None else None,
        "interval_hours": interval / HOUR,
        "resolvable": recall([m for m in moments if m["resolvable"]]),
        "recall_by_size": {s: recall([m for m in moments if m["size"] == s]) for s in SIZES},
        "recall_by_band": {b: recall([m for m in moments if m["band"] == b])
                           for _, _, b in MULTIPLIER_BANDS},
        "recall_by_kind": {k: recall([m for m in moments if m["kind"] == k])
                           for k in ("sudden", "ramped")},
        "false": false_rate(list(tags)),
        "false_by_size": {s: false_rate([x for x, t in tags.items() if t["size_class"] == s])
                          for s in SIZES},
        "false_by_phenomenon": {
            g: false_rate([x for x, t in tags.items() if phenomenon_group(t["phenomena"]) == g])
            for g in PHENOMENA + ["multi"]},
        "viral_alerts": sum(len(v) for v in viral.values()),
        "unknown_tags": sorted(unknown_tags),
        "missed": [m["tag"] for m in moments if m["delay"] is None],
    }
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("truth")
    ap.add_argument("alerts", help="a JSON array of alerts; - for standard input")
    ap.add_argument("--json", action="store_true", help="print every figure as JSON")
    args = ap.parse_args(argv)
    with open(args.truth, encoding="utf-8") as f:
        truth = json.load(f)
    if args.alerts == "-":
        data = json.load(sys.stdin)
    else:
        with open(args.alerts, encoding="utf-8") as f:
            data = json.load(f)
    try:
        s = score(truth, load_alerts(data))
    except AlertError as e:
        print("score: %s" % e, file=sys.stderr)
        return 2
    if args.json:
        json.dump(s, sys.stdout, indent=1)
        sys.stdout.write("\n")
        return 0
    pct = lambda x: "-" if x is None else "%.1f%%" % (100 * x)   # noqa: E731
    num = lambda x, f="%.2f": "-" if x is None else f % x       # noqa: E731
    print("recall@24h       %s (%d of %d moments; %s of the %d resolvable)"
          % (pct(s["recall"]), s["detected"], s["moments"], pct(s["resolvable"]["recall"]),
             s["resolvable"]["moments"]))
    print("median delay     %s runs (%s h)" % (num(s["median_delay_runs"]),
                                               num(s["median_delay_hours"], "%.1f")))
    print("false/tag-month  %s (%d false of %d viral alerts, %d tags)"
          % (num(s["false"]["per_tag_month"]), s["false"]["false"], s["viral_alerts"],
             s["false"]["tags"]))
    for title, key in (("by size", "false_by_size"), ("by phenomenon", "false_by_phenomenon")):
        print("  %-14s %s" % (title, "  ".join(
            "%s %s" % (k, num(v["per_tag_month"])) for k, v in s[key].items() if v["tags"])))
    if s["unknown_tags"]:
        print("warning: alerts for tags not in the truth: %s" % ", ".join(s["unknown_tags"][:5]),
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
