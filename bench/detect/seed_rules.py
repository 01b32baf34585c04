#!/usr/bin/env python3
"""bench/detect/seed_rules.py: the seed's viral rules, replayed over exported snapshots.

The baseline of the detection benchmark (bench/README.md, "Detection
benchmark"): the rules of the tutorial script that hashtrack started from, as
the seed's `run` applies them (src/detect.c before the pace detector), over a
CSV in `hashtrack export` form. It prints the alerts they would have raised as
`hashtrack backtest --format json` prints them:

    python3 bench/detect/seed_rules.py trace.csv [TAG...] > alerts.json

Per tag, each snapshot is compared with its baseline: the newest snapshot at
or before now - 6h + 30m and not before now - 12h (none: no comparison).
Viral when new videos >= 200, or video growth >= 50%, or view growth >= 50%
(the percent rules only from a baseline count of at least 100); a count that
went down never fires. An alert is raised unless the tag had one in the last
6 hours (cooldown). An unknown count (empty) skips the rules that use it. As
in the seed, snapshots of two different response shapes (source) are not
compared; an empty source compares with any.
"""

import argparse
import bisect
import csv
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen import parse_rfc3339, rfc3339  # noqa: E402

HOUR = 3600
DEFAULTS = {"window": 6 * HOUR, "tolerance": 30 * 60, "cooldown": 6 * HOUR,
            "min_new_videos": 200, "video_growth": 50.0, "view_growth": 50.0,
            "growth_floor": 100}


def read_csv(path):
    """{tag: [(ts, videos|None, views|None, source|None)]}, each list in time order."""
    out = {}
    with open(path, newline="", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            cnt = lambda k: int(row[k]) if row.get(k, "").strip() != "" else None  # noqa: E731
            src = row.get("source", "").strip()
            out.setdefault(row["hashtag"], []).append(
                (int(parse_rfc3339(row["ts"])), cnt("video_count"), cnt("view_count"),
                 int(src) if src else None))
    for snaps in out.values():
        snaps.sort()
    return out


def _delta(cur, base):
    return None if cur is None or base is None else cur - base


def _growth_fires(threshold, delta, base, floor):
    return (threshold > 0 and delta is not None and delta > 0 and base is not None
            and base > 0 and base >= floor and delta * 100.0 / base >= threshold)


def evaluate(cur, base, cfg):
    """The rules that fire for snapshot cur against base (lists of names, in config order)."""
    new_videos, new_views = _delta(cur[1], base[1]), _delta(cur[2], base[2])
    rules = []
    if cfg["min_new_videos"] > 0 and new_videos is not None and new_videos > 0 \
            and new_videos >= cfg["min_new_videos"]:
        rules.append("min_new_videos")
    if _growth_fires(cfg["video_growth"], new_videos, base[1], cfg["growth_floor"]):
        rules.append("video_growth")
    if _growth_fires(cfg["view_growth"], new_views, base[2], cfg["growth_floor"]):
        rules.append("view_growth")
    return rules, new_videos, new_views


def tag_alerts(tag, snaps, cfg=None):
    """The alerts the seed's rules raise over one tag's snapshots (time order)."""
    cfg = dict(DEFAULTS, **(cfg or {}))
    times = [s[0] for s in snaps]
    out, last_alert = [], None
    for i, cur in enumerate(snaps):
        now = cur[0]
        lo, hi = now - 2 * cfg["window"], now - cfg["window"] + cfg["tolerance"]
        j = bisect.bisect_right(times, hi, 0, i) - 1     # newest at or before hi, before cur
        if j < 0 or times[j] < lo:
            continue                                    # no baseline
        base = snaps[j]
        if cur[3] and base[3] and cur[3] != base[3]:
            continue                                    # incomparable shapes
        rules, new_videos, new_views = evaluate(cur, base, cfg)
        if not rules:
            continue
        if last_alert is not None and now - last_alert < cfg["cooldown"]:
            continue
        last_alert = now
        hours = (now - base[0]) / HOUR
        per_hour = lambda d: None if d is None or hours <= 0 else round(d / hours, 2)  # noqa: E731
        out.append({"hashtag": tag, "detected_at": rfc3339(now), "event": "viral",
                    "rules": rules, "pace_ratio": None,
                    "views_per_hour": per_hour(new_views), "usual_views_per_hour": None,
                    "videos_per_hour": per_hour(new_videos), "usual_videos_per_hour": None,
                    "new_videos": new_videos, "new_views": new_views})
    return out


def alerts(by_tag, cfg=None, tags=None):
    """Every tag's alerts, ordered by time then tag (as backtest prints them)."""
    out = []
    for tag in sorted(by_tag):
        if tags and tag not in tags:
            continue
        out.extend(tag_alerts(tag, by_tag[tag], cfg))
    out.sort(key=lambda a: (a["detected_at"], a["hashtag"]))
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("csv", help="snapshots as `hashtrack export` writes them")
    ap.add_argument("tags", nargs="*", help="only these tags")
    ap.add_argument("--min-videos", type=int, default=DEFAULTS["min_new_videos"])
    ap.add_argument("--video-growth", type=float, default=DEFAULTS["video_growth"])
    ap.add_argument("--view-growth", type=float, default=DEFAULTS["view_growth"])
    args = ap.parse_args(argv)
    cfg = {"min_new_videos": args.min_videos, "video_growth": args.video_growth,
           "view_growth": args.view_growth}
    json.dump(alerts(read_csv(args.csv), cfg, set(args.tags)), sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
