#!/usr/bin/env python3
"""bench/detect/schedule.py: the adaptive schedule against plain 6-hourly and hourly polling.

Driven by `make bench-schedule` (bench/README.md, "Schedule benchmark"). The
same synthetic tag-months (gen.py --hourly: what TikTok shows every hour)
are replayed through the REAL `hashtrack run`, one run per hour of the
month with HASHTRACK_NOW stepping, against the simulated API
(tests/sim/scavio_sim.py) answering each tag with the trace's counts for
that hour (a tag without a row that hour, a missing run of the trace,
answers 503), three ways, each with its own database and simulator:

  6-hourly   `run` every 6 hours (cron's 0 */6), no [schedule]
  hourly     `run` every hour, no [schedule]
  adaptive   `run` every hour with [schedule] adaptive = yes (defaults)

and prints for each: credits per tag-month (snapshots stored from the
API), median and 90th percentile delay from a viral moment's onset to its
first viral alert (within 24 h, as score.py counts recall), recall@24h,
false alerts per tag-month, and the ratios against 6-hourly.

    python3 bench/detect/schedule.py build/hashtrack
    BENCH_QUICK=1 python3 bench/detect/schedule.py build/hashtrack   # 1 seed, 8 tags
    BENCH_SEED=1,2 BENCH_TAGS=16 python3 bench/detect/schedule.py build/hashtrack
    BENCH_SCHEDULE="cold_every = 3h" python3 bench/detect/schedule.py build/hashtrack

Exit status: 0 all targets met, 1 a target missed, 2 the benchmark cannot
run. Standard library only; everything listens on 127.0.0.1.
"""

import json
import bisect
import math
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import check_run  # noqa: E402
import gen  # noqa: E402
import score  # noqa: E402
from run_detect import SEEDS, hashtrack_env  # noqa: E402

HOUR = 3600
TAGS = 48                       # tag-months a seed
QUICK_SEEDS = SEEDS[:1]
QUICK_TAGS = 8
RUN_STAMP = 60                  # a run's clock: a minute past the hour
CALL_TIMEOUT = 300

# The targets of the adaptive polling issue.
MAX_MEDIAN_DELAY_H = 1.5
MIN_SOONER_H = 3.0
MAX_CREDIT_RATIO = 1.3

MODES = (("6-hourly", 6, False), ("hourly", 1, False), ("adaptive", 1, True))

# More [schedule] keys for the adaptive way, one "key = value" a line (BENCH_SCHEDULE).
SCHEDULE_KEYS = "".join(line.strip() + "\n"
                        for line in os.environ.get("BENCH_SCHEDULE", "").split(";") if line.strip())


def say(*args):
    print(*args, flush=True)


def response(row):
    if row is None:
        return {"status": 503, "body": {"error": {"code": 503, "message": "missing run"}}}
    _ts, videos, views, source = row
    return check_run.response(videos, views, source)


def by_hour(snaps):
    """{tag: {hour: row}}: the trace's row of each hour of the month."""
    out = {}
    for tag, rows in snaps.items():
        out[tag] = {int((r[0] - gen.START) // HOUR): r for r in rows}
    return out


def write_world(state, hours, tags, h):
    world = {"tags": {t: response(hours[t].get(h)) for t in tags}}
    tmp = state / "world.json.tmp"
    tmp.write_text(json.dumps(world))
    os.replace(tmp, state / "world.json")


class Mode:
    """One way of polling: its own work directory, simulator and database."""

    def __init__(self, name, every, adaptive, hashtrack, work, tags, hours, n_hours):
        self.name, self.every, self.adaptive = name, every, adaptive
        self.hashtrack, self.work = hashtrack, work / name
        self.tags, self.hours, self.n_hours = tags, hours, n_hours
        self.error = None
        self.alerts = []
        self.credits = 0
        self.fetched = {}       # tag: the times of its stored API snapshots, sorted
        self.seconds = 0.0

    def config(self, port):
        text = ("[api]\nurl = http://127.0.0.1:%d/api/v1/tiktok/hashtag\ntimeout = 10s\n"
                "concurrency = 16\nrate = 0\nretries = 0\n" % port)
        if self.adaptive:
            text += "[schedule]\nadaptive = yes\n" + SCHEDULE_KEYS
        return text

    def ht(self, env, now, *args):
        e = dict(env, HASHTRACK_NOW=gen.rfc3339(now))
        return subprocess.run([str(self.hashtrack), "--db", str(self.db)] + list(args), env=e,
                              stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=CALL_TIMEOUT)

    def run(self):
        try:
            self._run()
        except (OSError, subprocess.SubprocessError, ValueError, check_run.Skip) as e:
            self.error = "%s: %s" % (type(e).__name__, e)

    def _run(self):
        self.work.mkdir()
        proc, state, port = check_run.start_sim(self.work)
        t0 = time.monotonic()
        try:
            cfg = self.work / "config.ini"
            cfg.write_text(self.config(port))
            self.db = self.work / "run.db"
            env = dict(hashtrack_env(self.work, cfg, gen.START), SCAVIO_API_KEY=check_run.API_KEY)
            cp = self.ht(env, gen.START - HOUR, "add", *self.tags)
            if cp.returncode != 0:
                raise ValueError("add failed: %s" % cp.stderr.strip())
            for h in range(0, self.n_hours, self.every):
                write_world(state, self.hours, self.tags, h)
                cp = self.ht(env, gen.START + h * HOUR + RUN_STAMP, "run")
                if cp.returncode not in (0, 1):
                    raise ValueError("run at hour %d exited %d: %s"
                                     % (h, cp.returncode, cp.stderr.strip()[:300]))
            cp = self.ht(env, gen.START + self.n_hours * HOUR, "alerts", "--format", "json")
            if cp.returncode != 0:
                raise ValueError("alerts failed: %s" % cp.stderr.strip())
            self.alerts = json.loads(cp.stdout or "[]")
        finally:
            check_run.stop(proc)
            self.seconds = time.monotonic() - t0
        conn = sqlite3.connect("file:%s?mode=ro" % self.db, uri=True)
        try:
            rows = conn.execute(
                "SELECT h.name, s.ts FROM snapshot s JOIN hashtag h ON h.id = s.hashtag_id"
                " WHERE s.source IS NOT NULL ORDER BY h.name, s.ts").fetchall()
        finally:
            conn.close()
        self.credits = len(rows)
        for tag, ts in rows:            # ts: epoch seconds
            self.fetched.setdefault(tag, []).append(ts)


def first_looks(mode, truth):
    """Per moment, hours from its onset to the first fetch of its tag after it.

    No detector alerts before it has looked: this is the floor of the delay
    for that way of polling, whatever the detection rules.
    """
    out = []
    for tag, t in truth["tags"].items():
        times = mode.fetched.get(tag, [])
        for m in t["moments"]:
            onset = gen.parse_rfc3339(m["onset"])
            i = bisect.bisect_left(times, onset)
            if i < len(times):
                out.append((times[i] - onset) / HOUR)
    return out


def p90(xs):
    if not xs:
        return None
    return sorted(xs)[max(0, math.ceil(0.9 * len(xs)) - 1)]


def fmt(x, f="%.2f"):
    return "-" if x is None else f % x


def figures(mode, truth, tag_months):
    s = score.score(truth, score.load_alerts(mode.alerts))
    d = s["delays_hours"]
    looks = first_looks(mode, truth)
    return {"look": statistics.median(looks) if looks else None,
            "look_within": (sum(x <= MAX_MEDIAN_DELAY_H for x in looks) / len(looks)
                            if looks else None),
            "credits": mode.credits / tag_months, "median": statistics.median(d) if d else None,
            "p90": p90(d), "recall": s["recall"], "false": s["false"]["per_tag_month"],
            "moments": s["moments"], "seconds": mode.seconds}


def table(rows):
    header = ["polling", "credits/tag-month", "first look h", "looked in 1.5 h",
              "median delay h", "p90 delay h", "recall@24h",
              "false/tag-month", "credits x", "median delay x", "false x"]
    base = rows[0][1]

    def ratio(a, b):
        return None if a is None or not b else a / b

    lines = [header]
    for name, f in rows:
        lines.append([name, "%.1f" % f["credits"], fmt(f["look"]),
                      fmt(f["look_within"], "%.3f"), fmt(f["median"]), fmt(f["p90"]),
                      fmt(f["recall"], "%.3f"), fmt(f["false"], "%.3f"),
                      fmt(ratio(f["credits"], base["credits"])),
                      fmt(ratio(f["median"], base["median"])),
                      fmt(ratio(f["false"], base["false"]))])
    widths = [max(len(r[i]) for r in lines) for i in range(len(header))]
    out = []
    for k, r in enumerate(lines):
        out.append("| " + " | ".join(c.ljust(w) if i == 0 else c.rjust(w)
                                     for i, (c, w) in enumerate(zip(r, widths))) + " |")
        if k == 0:
            out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(out)


def targets(six, ada):
    def le(a, b):
        return a is not None and b is not None and a <= b + 1e-12

    sooner = None if six["median"] is None or ada["median"] is None else six["median"] - ada["median"]
    ratio = ada["credits"] / six["credits"] if six["credits"] else None
    return [
        (le(ada["median"], MAX_MEDIAN_DELAY_H), "adaptive median delay %s h <= %.1f h"
         % (fmt(ada["median"]), MAX_MEDIAN_DELAY_H)),
        (sooner is not None and sooner >= MIN_SOONER_H, "adaptive %s h sooner than 6-hourly "
         "(>= %.0f h)" % (fmt(sooner), MIN_SOONER_H)),
        (le(ratio, MAX_CREDIT_RATIO), "adaptive credits %sx 6-hourly (<= %.1fx)"
         % (fmt(ratio), MAX_CREDIT_RATIO)),
        (le(ada["false"], six["false"]), "adaptive false alerts %s <= 6-hourly %s per tag-month"
         % (fmt(ada["false"], "%.3f"), fmt(six["false"], "%.3f"))),
    ]


def parse_env():
    quick = os.environ.get("BENCH_QUICK", "") not in ("", "0", "no")
    seeds = os.environ.get("BENCH_SEED", "").strip()
    seeds = [int(x) for x in seeds.split(",")] if seeds else list(QUICK_SEEDS if quick else SEEDS)
    tags = int(os.environ.get("BENCH_TAGS") or (QUICK_TAGS if quick else TAGS * len(seeds)))
    if tags < len(seeds):
        raise ValueError("BENCH_TAGS must be at least the number of seeds")
    days = int(os.environ.get("BENCH_DAYS") or gen.DAYS)
    return seeds, tags, days, os.environ.get("BENCH_KEEP", "") not in ("", "0", "no")


def traces(seeds, tags, days):
    per = [tags // len(seeds) + (i < tags % len(seeds)) for i in range(len(seeds))]
    truths, snaps = [], {}
    for i, (seed, n) in enumerate(zip(seeds, per)):
        if n == 0:
            continue
        prefix = "s%d_" % (i + 1) if len(seeds) > 1 else ""
        _rows, t, _tags, s = gen.generate(seed, n, hourly=True, days=days, prefix=prefix)
        truths.append(t)
        snaps.update(s)
    return gen.merge_truths(truths), snaps


def main(argv):
    if len(argv) != 1:
        print("usage: schedule.py HASHTRACK", file=sys.stderr)
        return 2
    hashtrack = Path(argv[0]).resolve()
    try:
        seeds, n_tags, days, keep = parse_env()
    except ValueError as e:
        print("bench-schedule: %s (BENCH_SEED: seeds, comma-separated; BENCH_TAGS: a number)"
              % e, file=sys.stderr)
        return 2
    # In memory when there is /dev/shm: each of the ~2,000 runs commits durably.
    shm = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
    work = Path(tempfile.mkdtemp(prefix="hashtrack-bench-schedule-",
                                 dir=os.environ.get("BENCH_TMPDIR") or shm))
    try:
        return bench(hashtrack, work, seeds, n_tags, days)
    finally:
        if keep:
            say("work directory kept: %s" % work)
        else:
            shutil.rmtree(work, ignore_errors=True)


def bench(hashtrack, work, seeds, n_tags, days):
    truth, snaps = traces(seeds, n_tags, days)
    tags = sorted(snaps)
    hours = by_hour(snaps)
    n_hours = days * 24
    tag_months = n_tags * days / 30
    modes = [Mode(name, every, adaptive, hashtrack, work, tags, hours, n_hours)
             for name, every, adaptive in MODES]
    say("hashtrack schedule bench: %s; seeds %s; %d tag-months of hourly traces; %d viral "
        "moments; `hashtrack run` replayed hourly (HASHTRACK_NOW), three ways at once"
        % (hashtrack, ",".join(map(str, seeds)), round(tag_months),
           sum(len(t["moments"]) for t in truth["tags"].values())))
    threads = [threading.Thread(target=m.run) for m in modes]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for m in modes:
        if m.error:
            print("bench-schedule: %s: %s" % (m.name, m.error), file=sys.stderr)
            return 2
    rows = [(m.name, figures(m, truth, tag_months)) for m in modes]
    say("replay: " + ", ".join("%s %.0f s" % (name, f["seconds"]) for name, f in rows))
    say("")
    say(table(rows))
    say("")
    say("delay: from a moment's onset to its first viral alert, over the moments alerted within "
        "24 h; x: against 6-hourly")
    say("first look: the median time from a moment's onset to its tag's first fetch after it,"
        " which no rule can beat; looked in 1.5 h: the share of moments fetched that soon")
    results = targets(rows[0][1], rows[2][1])
    say("")
    say("targets (adaptive):")
    for good, text in results:
        say("  %s %s" % ("ok  " if good else "MISS", text))
    return 0 if all(good for good, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
