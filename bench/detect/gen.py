#!/usr/bin/env python3
"""bench/detect/gen.py: seeded synthetic TikTok hashtag traces with known viral moments.

Writes what `hashtrack export` would print for a month of `hashtrack run`
every 6 hours (or hourly) over K tags: `hashtag,ts,video_count,view_count,source`
(source 1: exact counts, 2: TikTok's rounded counts; an unknown count is
empty), and a JSON ground truth: per tag its size class, its phenomena and
its injected viral moments. The model is written down in bench/README.md
("Detection benchmark"); `--describe` prints an excerpt of each phenomenon.

    python3 bench/detect/gen.py --seed 1 --tags 50 --csv trace.csv --truth truth.json
    python3 bench/detect/gen.py --seed 1 --tags 50 --describe

Standard library only. The same seed, tag count and options give the same
files on every machine (each tag draws from its own random.Random).
"""

import argparse
import csv
import json
import math
import random
import sys
from datetime import datetime, timezone

HOUR = 3600
DAY = 24 * HOUR
START = 1777593600              # 2026-05-01T00:00:00Z: the month every trace covers
DAYS = 30

# Phenomena, by their short name (also the tag name's suffix).
PHENOMENA = ("round", "inter", "flap", "late", "miss", "decr", "zero")
PHENOMENON_NAMES = {
    "round": "rounding", "inter": "interleaving", "flap": "flapping", "late": "late",
    "miss": "missing", "decr": "decreases", "zero": "zeros",
}
SHARE_NONE, SHARE_SINGLE = 0.25, 0.60   # the rest has two phenomena at once
SHARE_NO_MOMENT = 0.5
SHARE_TWO_MOMENTS = 0.3                 # of the tags with a moment

SIZE_CLASSES = ((1e4, "<10K"), (1e6, "<1M"), (1e8, "<100M"), (1e9, "<1B"), (math.inf, ">=1B"))


def size_class(views):
    for limit, name in SIZE_CLASSES:
        if views < limit:
            return name
    return SIZE_CLASSES[-1][1]


def rfc3339(epoch):
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_rfc3339(text):
    """Epoch seconds (float) of an RFC 3339 time: Z or an offset, fractional seconds allowed."""
    t = text.strip()
    if t[-1:] in "zZ":
        t = t[:-1] + "+00:00"
    dt = datetime.fromisoformat(t.replace("t", "T"))
    if dt.tzinfo is None:
        raise ValueError("time without a zone: %r" % text)
    return dt.timestamp()


def display_step(n):
    """TikTok's display step for a count of n: exact below 1,000, then 100, 1e5, 1e8."""
    if n < 1000:
        return 1
    if n < 1_000_000:
        return 100
    if n < 1_000_000_000:
        return 100_000
    return 100_000_000


def rounded(n):
    step = display_step(n)
    return n // step * step


def log_uniform(rng, lo, hi):
    return math.exp(rng.uniform(math.log(lo), math.log(hi)))


def poisson(rng, lam):
    if lam <= 0:
        return 0
    if lam < 40:                        # Knuth; exp(-40) is still a normal double
        limit, k, p = math.exp(-lam), 0, rng.random()
        while p > limit:
            k += 1
            p *= rng.random()
        return k
    return max(0, round(rng.gauss(lam, math.sqrt(lam))))


# ---- one tag -------------------------------------------------------------------


class Moment:
    """A viral moment: pace x multiplier from onset to end, ramped up and down or sudden."""

    def __init__(self, rng, onset):
        self.onset = onset
        self.multiplier = log_uniform(rng, 3, 50)
        # Videos follow the views part of the way: a video can go viral alone.
        self.video_multiplier = 1 + (self.multiplier - 1) * rng.uniform(0.3, 1.0)
        self.duration = log_uniform(rng, 12 * HOUR, 5 * DAY)
        sudden = rng.random() < 0.5
        self.ramp = 0.0 if sudden else min(rng.uniform(2, 12) * HOUR, self.duration / 3)
        self.end = onset + self.duration

    def factor(self, t, m):
        """The pace multiplier at t for a peak multiplier m (1 outside the moment)."""
        if t < self.onset or t >= self.end:
            return 1.0
        if self.ramp > 0:
            up = (t - self.onset) / self.ramp
            down = (self.end - t) / self.ramp
            return 1.0 + (m - 1.0) * min(1.0, up, down)
        return m

    def mean_factor(self, t0, t1, m):
        """The mean of factor over [t0, t1) (12 points; 5-minute steps for an hour)."""
        if t1 <= self.onset or t0 >= self.end:
            return 1.0
        n = 12
        return sum(self.factor(t0 + (i + 0.5) * (t1 - t0) / n, m) for i in range(n)) / n

    def truth(self):
        return {"onset": rfc3339(self.onset), "end": rfc3339(self.end),
                "multiplier": round(self.multiplier, 2),
                "video_multiplier": round(self.video_multiplier, 2),
                "ramp_hours": round(self.ramp / HOUR, 1),
                "kind": "ramped" if self.ramp else "sudden",
                "excess_24h": getattr(self, "excess_24h", None),
                "resolvable": getattr(self, "resolvable", None)}


class Tag:
    def __init__(self, seed, index, phenomena, log_views, hourly, days, prefix):
        self.rng = rng = random.Random("hashtrack-bench-detect:%d:%d" % (seed, index))
        self.phenomena = list(phenomena)
        suffix = "_".join(self.phenomena) if self.phenomena else "plain"
        self.name = "%st%04d_%s" % (prefix, index + 1, suffix)
        self.days = days
        self.interval = HOUR if hourly else 6 * HOUR
        self.end_t = START + days * DAY
        self.params = {}
        self.notes = {}                 # (ts) -> what a phenomenon did at that snapshot

        self.views0 = int(10 ** log_views)
        ratio = log_uniform(rng, 100, 10_000)       # views per video
        self.videos0 = max(1, int(self.views0 / ratio))
        # Steady pace: a fraction of the total a day, at least a view an hour.
        g = log_uniform(rng, 0.002, 0.05)
        self.view_pace = max(1.0, g * self.views0) / DAY            # per second
        self.video_pace = g * rng.uniform(0.5, 2.0) * self.videos0 / DAY
        self.trend = math.log(log_uniform(rng, 0.5, 2.0)) / (days * DAY)   # slow: x0.5..x2 a month
        self.phase = rng.uniform(0, DAY)                    # UTC phase of the day/night cycle
        self.cv = rng.uniform(0.1, 0.5)                     # gamma noise of an hour's pace
        self.params.update(views_per_day=round(self.view_pace * DAY, 1),
                           videos_per_day=round(self.video_pace * DAY, 2),
                           trend_per_month=round(math.exp(self.trend * days * DAY), 2),
                           noise_cv_per_hour=round(self.cv, 2))
        self.moments = self.place_moments()

    # -- the true counts ----------------------------------------------------------

    def place_moments(self):
        rng = self.rng
        if rng.random() < SHARE_NO_MOMENT:
            return []
        span = self.days * DAY
        # After a week of history (the usual pace is learnt from 7 days), and
        # early enough that the 24 hours after onset are in the trace.
        if rng.random() < SHARE_TWO_MOMENTS and span >= 26 * DAY:
            first = START + rng.uniform(7 * DAY, 12 * DAY)
            second = first + rng.uniform(10 * DAY, min(16 * DAY, span - 2 * DAY - (first - START)))
            return [Moment(rng, first), Moment(rng, second)]
        return [Moment(rng, START + rng.uniform(min(7 * DAY, span / 4), span - DAY))]

    def base_pace(self, t):
        """Views and videos per second at t, without moments or noise."""
        day = 1.0 + 0.5 * math.sin(2 * math.pi * (t - START - self.phase) / DAY)
        trend = math.exp(self.trend * (t - START))
        return self.view_pace * trend * day, self.video_pace * trend * day

    def simulate(self):
        """Cumulative true counts at every hour of the month (and one past it)."""
        rng = self.rng
        hours = self.days * 24 + 2
        k = 1.0 / (self.cv * self.cv)
        drops = self.place_drops() if "decr" in self.phenomena else {}
        views, videos = [self.views0], [self.videos0]
        v, n = self.views0, self.videos0
        for h in range(hours - 1):
            t0 = START + h * HOUR
            pv, pn = self.base_pace(t0 + HOUR / 2)
            mv = mn = 1.0
            for m in self.moments:
                mv *= m.mean_factor(t0, t0 + HOUR, m.multiplier)
                mn *= m.mean_factor(t0, t0 + HOUR, m.video_multiplier)
            v += poisson(rng, pv * HOUR * mv * rng.gammavariate(k, 1 / k))
            n += poisson(rng, pn * HOUR * mn * rng.gammavariate(k, 1 / k))
            if h in drops:
                fv, fn = drops[h]
                v -= int(v * fv)
                n -= int(n * fn)
            views.append(v)
            videos.append(n)
        return views, videos

    def place_drops(self):
        """Moderation drops: hour -> (fraction of views, fraction of videos) removed."""
        rng = self.rng
        drops = {}
        for _ in range(rng.randint(1, 3)):
            h = rng.randrange(2 * 24, self.days * 24 - 12)
            f = rng.uniform(0.02, 0.3)
            drops[h] = (f, f * rng.uniform(0.3, 1.0))
        self.params["drops"] = [{"at": rfc3339(START + h * HOUR + HOUR),
                                 "views_pct": round(100 * fv, 1), "videos_pct": round(100 * fn, 1)}
                                for h, (fv, fn) in sorted(drops.items())]
        return drops

    @staticmethod
    def at(cum, t):
        x = (t - START) / HOUR
        h = min(int(x), len(cum) - 2)
        return int(cum[h] + (x - h) * (cum[h + 1] - cum[h]))

    # -- when the runs happened -------------------------------------------------------

    def run_times(self):
        rng = self.rng
        late = "late" in self.phenomena
        times = []
        t = START
        while t < self.end_t:
            # Cron starts on time; the tag is fetched within a minute. A late
            # run starts up to 30 minutes late (under the 30m tolerance).
            times.append(t + (rng.uniform(0, 30 * 60 - 10) if late else rng.uniform(0, 60)))
            t += self.interval
        if "miss" in self.phenomena:
            times = self.drop_gaps(times)
        return [int(x) for x in times]

    def drop_gaps(self, times):
        """Missing runs: 1-4 gaps of 6 hours to 3 days, clear of each moment's first day."""
        rng = self.rng
        keep_clear = [(m.onset - 12 * HOUR, m.onset + 30 * HOUR) for m in self.moments]
        gaps = []
        for _ in range(rng.randint(1, 4)):
            for _attempt in range(20):
                length = log_uniform(rng, 6 * HOUR, 3 * DAY)
                a = START + rng.uniform(DAY, self.days * DAY - length - DAY)
                b = a + length
                if all(b <= lo or a >= hi for lo, hi in keep_clear + gaps):
                    gaps.append((a, b))
                    break
        gaps.sort()
        self.params["gaps"] = [{"from": rfc3339(int(a)), "to": rfc3339(int(b))} for a, b in gaps]
        kept = [t for t in times if not any(a <= t < b for a, b in gaps)]
        for t in times:
            if t not in kept:
                self.notes[int(t)] = "missing"
        return kept

    # -- what TikTok showed -----------------------------------------------------------------

    def episodes(self, n_runs, count_range, length_range):
        """Disjoint runs of consecutive snapshot indexes: [(first, last_exclusive)]."""
        rng = self.rng
        out = []
        for _ in range(rng.randint(*count_range)):
            for _attempt in range(20):
                length = rng.randint(*length_range)
                a = rng.randrange(1, max(2, n_runs - length))
                b = a + length
                if all(b <= lo or a >= hi for lo, hi in out):
                    out.append((a, b))
                    break
        return sorted(out)

    def snapshots(self):
        """[(ts, videos or None, views or None, source)] as `run` would have stored them."""
        rng = self.rng
        cum_v, cum_n = self.simulate()
        for m in self.moments:
            self.resolvable(m, cum_v, cum_n)
        times = self.run_times()
        per_day = DAY // self.interval
        rows = []
        ph = self.phenomena

        if "inter" in ph:
            # A second upstream, off by a near-constant ~1%; which one answers
            # changes irregularly (a sticky coin).
            dv = rng.choice((-1, 1)) * rng.uniform(0.005, 0.02)
            dn = rng.choice((-1, 1)) * rng.uniform(0.005, 0.02)
            switch = rng.uniform(0.3, 0.7)
            self.params["interleave"] = {"views_offset_pct": round(100 * dv, 2),
                                         "videos_offset_pct": round(100 * dn, 2),
                                         "switch_probability": round(switch, 2)}
            off_v, off_n = dv * self.views0, dn * self.videos0
            source_b = False
        if "flap" in ph:
            flaps = self.episodes(len(times), (2, 4), (per_day, 5 * per_day))
            flap_at = {}
            for a, b in flaps:
                i0 = min(a, len(times) - 1)
                dv = rng.uniform(0.003, 0.03) * self.at(cum_v, times[i0])
                dn = (rng.uniform(0.003, 0.03) * self.at(cum_n, times[i0])
                      if rng.random() < 0.5 else 0)
                for i in range(a + 1, b, 2):    # down every other run, back up in between
                    flap_at[i] = (int(dv), int(dn))
            last = len(times) - 1
            self.params["flaps"] = [{"from": rfc3339(times[min(a, last)]),
                                     "to": rfc3339(times[min(b, last)])} for a, b in flaps]
        if "zero" in ph:
            hidden = {}
            for a, b in self.episodes(len(times), (1, 3), (1, max(2, per_day))):
                for i in range(a, b):
                    hidden[i] = "videos"
            # A hidden view count is a 0 after a known one: never two in a row,
            # never beside a hidden video count (an answer with no count is an
            # error, not a snapshot).
            free = lambda i: all(j not in hidden for j in (i - 1, i, i + 1))  # noqa: E731
            for i in range(1, len(times)):
                if free(i) and rng.random() < 0.015:
                    hidden[i] = "views"
            if not any(v == "views" for v in hidden.values()):
                spots = [i for i in range(1, len(times)) if free(i)]
                if spots:
                    hidden[rng.choice(spots)] = "views"
            self.params["zeros"] = {"videos_hidden": sum(v == "videos" for v in hidden.values()),
                                    "views_hidden": sum(v == "views" for v in hidden.values())}

        for i, t in enumerate(times):
            v, n = self.at(cum_v, t), self.at(cum_n, t)
            note = []
            if "inter" in ph:
                if i > 0 and rng.random() < switch:
                    source_b = not source_b
                if source_b:
                    v += int(off_v * (1 + 0.02 * rng.gauss(0, 1)))
                    n += int(off_n * (1 + 0.02 * rng.gauss(0, 1)))
                    note.append("source B")
            if "flap" in ph and i in flap_at:
                v -= flap_at[i][0]
                n -= flap_at[i][1]
                note.append("flapped down")
            v, n = max(v, 0), max(n, 1 if v > 0 else 0)
            source = 1
            if "round" in ph:
                v, n, source = rounded(v), rounded(n), 2
            shown_v, shown_n = v, n
            if "zero" in ph and i in hidden:
                if hidden[i] == "videos":
                    shown_n = None
                else:
                    shown_v = None
                note.append("%s shown as 0" % hidden[i])
            if note:
                self.notes[t] = ", ".join(note)
            rows.append((t, shown_n, shown_v, source))
        return rows

    def resolvable(self, m, cum_v, cum_n):
        """Whether m's first 24 hours stand out of the noise and display steps at all.

        The noise-free excess of views (videos) over the usual pace in
        [onset, onset + 24h] against 3 standard deviations of a 6-hour window's
        count (Poisson and the hourly gamma), and, for rounded counts, against
        two display steps. A moment neither count resolves is "faint": no
        detector can be asked to see it.
        """
        out = {}
        for what, cum, peak, pace in (("views", cum_v, m.multiplier, 0),
                                      ("videos", cum_n, m.video_multiplier, 1)):
            excess, dt = 0.0, 600
            for i in range(24 * HOUR // dt):
                t = m.onset + (i + 0.5) * dt
                excess += self.base_pace(t)[pace] * (m.factor(t, peak) - 1) * dt
            mu = (self.view_pace, self.video_pace)[pace] * 6 * HOUR
            sd = math.sqrt(mu + self.cv ** 2 * mu * mu / 6)
            need = max(3 * sd, 1)
            if "round" in self.phenomena:
                need = max(need, 2 * display_step(self.at(cum, m.onset)))
            out[what] = (excess, excess >= need)
        m.excess_24h = {k: round(v[0]) for k, v in out.items()}
        m.resolvable = out["views"][1] or out["videos"][1]

    def truth(self):
        return {"size_class": size_class(self.views0), "views0": self.views0,
                "videos0": self.videos0,
                "phenomena": [PHENOMENON_NAMES[p] for p in self.phenomena],
                "params": self.params,
                "moments": [m.truth() for m in self.moments]}


# ---- the population ----------------------------------------------------------------


def plan_tags(seed, n, hourly=False, days=DAYS, prefix=""):
    """The K tags of a seed: phenomena and sizes spread evenly, then shuffled."""
    rng = random.Random("hashtrack-bench-detect:%d:plan" % seed)
    n_none = round(n * SHARE_NONE)
    n_single = round(n * SHARE_SINGLE)
    sets = [()] * n_none
    first = rng.randrange(len(PHENOMENA))   # a few tags still get different phenomena
    sets += [(PHENOMENA[(first + i) % len(PHENOMENA)],) for i in range(n_single)]
    while len(sets) < n:
        pair = rng.sample(PHENOMENA, 2)
        sets.append(tuple(p for p in PHENOMENA if p in pair))   # canonical order
    rng.shuffle(sets)
    # Sizes: one stratum of log10(views) in 2..10 per tag (Latin hypercube).
    strata = list(range(n))
    rng.shuffle(strata)
    logs = [2 + 8 * (s + rng.random()) / n for s in strata]
    return [Tag(seed, i, sets[i], logs[i], hourly, days, prefix) for i in range(n)]


def generate(seed, n, hourly=False, days=DAYS, prefix=""):
    """(rows, truth, tags): rows are CSV rows; truth the JSON ground truth."""
    tags = plan_tags(seed, n, hourly, days, prefix)
    rows, snaps = [], {}
    for tag in tags:
        s = tag.snapshots()
        snaps[tag.name] = s
        rows.extend((tag.name, ts, nv, vv, src) for ts, nv, vv, src in s)
    interval = HOUR if hourly else 6 * HOUR
    truth = {"generator": "bench/detect/gen.py", "version": 1, "seed": seed, "tags_count": n,
             "start": rfc3339(START), "end": rfc3339(START + days * DAY), "days": days,
             "interval_s": interval, "tags": {t.name: t.truth() for t in tags}}
    return rows, truth, tags, snaps


def write_csv(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(("hashtag", "ts", "video_count", "view_count", "source"))
        for tag, ts, n, v, src in rows:
            w.writerow((tag, rfc3339(ts), "" if n is None else n, "" if v is None else v, src))


def merge_truths(truths):
    """One ground truth for traces of several seeds (disjoint tag names)."""
    out = dict(truths[0])
    out["seed"] = [t["seed"] for t in truths]
    out["tags_count"] = sum(t["tags_count"] for t in truths)
    out["tags"] = {}
    for t in truths:
        out["tags"].update(t["tags"])
    return out


# ---- --describe ----------------------------------------------------------------------


def fmt_row(ts, n, v, src, note=""):
    cell = lambda x: "" if x is None else str(x)    # noqa: E731
    return "    %s  videos %12s  views %15s  source %d  %s" % (rfc3339(ts), cell(n), cell(v), src,
                                                                 note)


def excerpt(tag, snaps, predicate, before=2, after=3):
    idx = next((i for i, s in enumerate(snaps) if predicate(i, s)), None)
    if idx is None:
        return ["    (not found in this tag)"]
    lo, hi = max(0, idx - before), min(len(snaps), idx + after + 1)
    return [fmt_row(*snaps[i], note=tag.notes.get(snaps[i][0], "")) for i in range(lo, hi)]


def round_finder(s):
    """A view count held on one display step then moving on, else any rounded one."""
    held = [j for j in range(1, len(s) - 1) if s[j][2] is not None and s[j][2] >= 1000
            and s[j - 1][2] == s[j][2] != s[j + 1][2]]
    if held:
        return lambda i, r: i == held[0]
    return lambda i, r: r[2] is not None and r[2] >= 1000


def describe(tags, snaps, out=sys.stdout):
    """Per phenomenon, how many tags have it and a few rows of one that has it alone."""
    p = lambda *a: print(*a, file=out)      # noqa: E731

    def pick(ph):
        alone = [t for t in tags if t.phenomena == [ph]]
        anyt = [t for t in tags if ph in t.phenomena]
        return (alone or anyt or [None])[0], len(alone), len(anyt)

    finders = {
        "round": lambda tag, s: round_finder(s),
        "inter": lambda tag, s: (lambda i, r: "source B" in tag.notes.get(r[0], "")),
        "flap": lambda tag, s: (lambda i, r: "flapped" in tag.notes.get(r[0], "")),
        "late": lambda tag, s: (lambda i, r: (r[0] - START) % tag.interval > 600),
        "miss": lambda tag, s: (lambda i, r: i + 1 < len(s)
                                and s[i + 1][0] - r[0] > tag.interval * 1.5),
        "decr": lambda tag, s: (lambda i, r: i + 1 < len(s) and s[i + 1][2] is not None
                                and r[2] is not None and s[i + 1][2] < r[2]),
        "zero": lambda tag, s: (lambda i, r: r[1] is None or r[2] is None),
    }
    p("%d tags, %d snapshots" % (len(tags), sum(len(s) for s in snaps.values())))
    for ph in PHENOMENA:
        tag, alone, anyt = pick(ph)
        p("\n%s: %d tags (%d alone)" % (PHENOMENON_NAMES[ph], anyt, alone))
        if tag is None:
            p("    (no tag has it: too few tags)")
            continue
        s = snaps[tag.name]
        extra = {k: v for k, v in tag.params.items()
                 if k in ("interleave", "flaps", "gaps", "drops", "zeros")}
        p("  #%s (%s views at start)%s" % (tag.name, "{:,}".format(tag.views0),
                                            ": " + json.dumps(extra) if extra else ""))
        after = 6 if ph in ("inter", "flap") else 3
        for line in excerpt(tag, s, finders[ph](tag, s), after=after):
            p(line)
    with_m = [t for t in tags if t.moments]
    p("\nviral moments: %d tags without, %d with one, %d with two"
      % (len(tags) - len(with_m), sum(len(t.moments) == 1 for t in with_m),
         sum(len(t.moments) == 2 for t in with_m)))
    for kind in ("sudden", "ramped"):
        tag = next((t for t in with_m if t.moments[0].truth()["kind"] == kind
                    and not t.phenomena), None) or next(
            (t for t in with_m if t.moments[0].truth()["kind"] == kind), None)
        if tag is None:
            continue
        m = tag.moments[0]
        s = snaps[tag.name]
        p("  #%s, %s: %s" % (tag.name, kind, json.dumps(m.truth())))
        for line in excerpt(tag, s, lambda i, r: r[0] >= m.onset, before=3, after=4):
            p(line)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--tags", type=int, required=True, help="tag-months to generate")
    ap.add_argument("--hourly", action="store_true", help="a run every hour, not every 6 hours")
    ap.add_argument("--days", type=int, default=DAYS, help=argparse.SUPPRESS)
    ap.add_argument("--prefix", default="", help="prefix of every tag name (letters, digits, _)")
    ap.add_argument("--csv", help="write the snapshots here (hashtrack import's CSV)")
    ap.add_argument("--truth", help="write the ground truth here (JSON)")
    ap.add_argument("--describe", action="store_true", help="print an excerpt of each phenomenon")
    args = ap.parse_args(argv)
    if args.tags < 1:
        ap.error("--tags must be at least 1")
    if not (args.csv or args.truth or args.describe):
        ap.error("nothing to do: give --csv, --truth or --describe")
    rows, truth, tags, snaps = generate(args.seed, args.tags, args.hourly, args.days, args.prefix)
    if args.csv:
        write_csv(args.csv, rows)
    if args.truth:
        with open(args.truth, "w", encoding="utf-8") as f:
            json.dump(truth, f, indent=1)
            f.write("\n")
    if args.describe:
        describe(tags, snaps)
    return 0


if __name__ == "__main__":
    sys.exit(main())
