#!/usr/bin/env python3
"""bench/scale.py: the commands at agency scale, this build against an older one.

Driven by bench/scale.sh (which builds the older one); bench/README.md says what
is measured and why. For each size N (tags) both binaries, in the same
invocation, on the same data:

  import     N tags x HISTORY snapshots into an empty database, the rows in tag
             order and in time order (wall and CPU time)
  doctor     and list on that database with every tag tracked (best of 3)
  run        the first run after import + add, against the simulator with no
             latency, no rate limit and 50 requests in flight: peak RSS and
             CPU per tag
  alerts     peak RSS of `alerts --format csv` over 2 alerts a tag
  report     `report --format html`: bytes, and when Chromium is present the
             time headless Chromium needs to screenshot it, beyond an empty page

Standard library only; 127.0.0.1 only.
"""

import csv
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run_bench  # noqa: E402  (the simulator, wait4 and VmHWM sampling)

ROOT = Path(__file__).resolve().parents[1]
RENDER = ROOT / "tests" / "browser" / "render.sh"
NOW = run_bench.NOW
STEP = 6 * 3600                 # history: a snapshot every 6 hours up to NOW - 6 h
REPEAT = 3                      # list and doctor: the best of this many


def tag_names(n):
    return ["scale%05d" % i for i in range(1, n + 1)]


def write_history(path, names, history, by_time):
    """N x history rows ending 6 h before NOW, in tag or time order."""
    times = [NOW - STEP * (history - j) for j in range(history)]
    stamps = [time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t)) for t in times]
    pairs = ((j, i) for j in range(history) for i in range(len(names))) if by_time else \
        ((j, i) for i in range(len(names)) for j in range(history))
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["hashtag", "ts", "video_count", "view_count", "source"])
        for j, i in pairs:
            w.writerow([names[i], stamps[j], 1000 + 7 * i + 3 * j, 50000 + 90 * i + 40 * j, 1])


class Build:
    """One binary and its own home, config and databases."""

    def __init__(self, label, bin_path, top):
        self.label = label
        self.bin = bin_path
        self.dir = top / label
        self.dir.mkdir()
        self.config = self.dir / "config.ini"
        self.config.write_text("")
        self.version = subprocess.run([str(bin_path), "--version"], capture_output=True,
                                      text=True).stdout.splitlines()[0]

    def env(self, db, config=None):
        env = run_bench.clean_env(self.dir, config or self.config)
        env["HASHTRACK_DB"] = str(db)
        return env

    def measure(self, db, *args, config=None, out=os.devnull):
        """(wall s, CPU s, peak RSS KiB) of one hashtrack call that must succeed."""
        err = self.dir / "stderr"
        code, wall, cpu, rss = run_bench.run_measured(
            [str(self.bin)] + list(args), self.env(db, config), self.dir, out, err)
        if code not in (0, 1) or (code == 1 and args[0] not in ("doctor", "run")):
            raise RuntimeError("%s: hashtrack %s: exit %d: %s" % (
                self.label, args[0], code, err.read_text(errors="replace").strip()[:400]))
        return wall, cpu, rss

    def best(self, db, *args):
        """(best wall s, best CPU s) of REPEAT calls: the machine may be shared."""
        runs = [self.measure(db, *args) for _ in range(REPEAT)]
        return min(r[0] for r in runs), min(r[1] for r in runs)


def add_all(build, db, names):
    """Track every tag, in chunks that keep argv short."""
    for k in range(0, len(names), 5000):
        build.measure(db, "-q", "add", *names[k:k + 5000])


def add_alerts(db, per_tag):
    """per_tag recorded alerts a tag, straight into the database (the bench's own data)."""
    conn = sqlite3.connect(str(db))
    try:
        ids = [r[0] for r in conn.execute("SELECT id FROM hashtag")]
        conn.executemany(
            "INSERT INTO alert (hashtag_id, detected_at, status, elapsed, video_count,"
            " view_count, new_videos, new_views, videos_per_hour, views_per_hour, rules)"
            " VALUES (?, ?, 'recorded', 21600, 1000, 50000, 100, 5000, 16.7, 833.3, 1)",
            ((i, NOW - 3600 * (k + 1)) for i in ids for k in range(per_tag)))
        conn.commit()
    finally:
        conn.close()


def first_run(build, db, names, work):
    """The first run after import + add: (peak RSS KiB, CPU ms a tag, tags stored)."""
    sim = run_bench.Sim(work, dict(L=0.0, C=None, R=None))
    sim.write_world(names, viral=True)
    try:
        config = work / "config.ini"
        run_bench.write_config(config, sim.start(), db, concurrency=50, rate="0")
        _, cpu, rss = build.measure(db, "run", config=config)
    finally:
        sim.stop()
    return rss, cpu * 1000 / len(names), run_bench.count_stored(db)


def paint_seconds(page, work):
    """Wall time of headless Chromium screenshotting page (render.sh); NaN when it
    fails, as when the page takes longer than render.sh's 120 s limit."""
    t0 = time.monotonic()
    cp = subprocess.run(["sh", str(RENDER), str(page), str(work / "shot.png")],
                        capture_output=True, text=True, timeout=600)
    if cp.returncode != 0:
        print("  render.sh failed after %.0f s on %s (exit %d)"
              % (time.monotonic() - t0, page.name, cp.returncode), flush=True)
        return float("nan")
    return time.monotonic() - t0


def measure_size(build, n, history, csvs, chromium, empty_paint):
    names = tag_names(n)
    work = build.dir / str(n)
    work.mkdir()
    f = {}
    for order in ("tag", "time"):
        db = work / ("import-%s.db" % order)
        wall, cpu, _ = build.measure(db, "-q", "import", str(csvs[order]))
        f["import " + order] = wall
        f["import %s cpu" % order] = cpu
    db = work / "import-tag.db"
    add_all(build, db, names)
    f["list"], f["list cpu"] = build.best(db, "list")
    f["doctor"], f["doctor cpu"] = build.best(db, "doctor")
    run_dir = work / "run"
    run_dir.mkdir()
    shutil.copyfile(db, run_dir / "ht.db")
    rss, cpu_tag, stored = first_run(build, run_dir / "ht.db", names, run_dir)
    f["run rss"] = rss / 1024
    f["run cpu/tag"] = cpu_tag
    f["run stored"] = stored
    add_alerts(db, 2)
    f["alerts rss"] = build.measure(db, "alerts", "--format", "csv", "--since", "1000d")[2] / 1024
    page = work / "report.html"
    build.measure(db, "report", "--format", "html", out=page)
    f["html bytes"] = page.stat().st_size
    if chromium:
        f["paint"] = max(0.0, paint_seconds(page, work) - empty_paint)
    shutil.rmtree(work, ignore_errors=True)
    return f


# (key, heading, format, lower is better)
ROWS = [("import tag", "import, tag order (s)", "%.2f"),
        ("import time", "import, time order (s)", "%.2f"),
        ("import tag cpu", "import, tag order CPU (s)", "%.2f"),
        ("import time cpu", "import, time order CPU (s)", "%.2f"),
        ("doctor", "doctor (s, best of 3)", "%.3f"),
        ("doctor cpu", "doctor CPU (s, best of 3)", "%.3f"),
        ("list", "list (s, best of 3)", "%.3f"),
        ("list cpu", "list CPU (s, best of 3)", "%.3f"),
        ("run rss", "run peak RSS (MiB)", "%.1f"),
        ("run cpu/tag", "first run CPU/tag (ms)", "%.3f"),
        ("alerts rss", "alerts peak RSS (MiB)", "%.1f"),
        ("html bytes", "report html (bytes)", "%d"),
        ("paint", "chromium paint (s)", "%.2f")]


def table(n, history, old, new):
    out = ["", "N = %d tags x %d snapshots (%d rows)" % (n, history, n * history),
           "| %-27s | %12s | %12s | %7s |" % ("measure", "old", "new", "new/old"),
           "|%s|%s|%s|%s|" % ("-" * 29, "-" * 14, "-" * 14, "-" * 9)]
    for key, head, fmt in ROWS:
        if key not in new or key not in old:
            continue
        ratio = new[key] / old[key] if old[key] else float("nan")
        out.append("| %-27s | %12s | %12s | %7.2f |" % (head, fmt % old[key], fmt % new[key],
                                                        ratio))
    for label, f in (("old", old), ("new", new)):
        out.append("  %s: doctor / list = %.2fx (CPU %.2fx); time / tag order import = %.2fx "
                   "(CPU %.2fx); run stored %d of %d"
                   % (label, f["doctor"] / f["list"], f["doctor cpu"] / f["list cpu"],
                      f["import time"] / f["import tag"],
                      f["import time cpu"] / f["import tag cpu"], f["run stored"], n))
    return "\n".join(out)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: scale.py OLD_BINARY NEW_BINARY")
    quick = os.environ.get("BENCH_QUICK")
    sizes = [int(s) for s in (os.environ.get("BENCH_SIZES") or
                              ("1000 4000" if quick else "1000 10000 20000")).split()]
    history = int(os.environ.get("BENCH_HISTORY") or (12 if quick else 28))
    chromium = os.environ.get("BENCH_CHROMIUM", "1") != "0" and \
        shutil.which(os.environ.get("CHROMIUM", "chromium")) is not None
    with run_bench.work_dir("hashtrack-scale-") as top:
        builds = [Build("old", Path(sys.argv[1]).resolve(), top),
                  Build("new", Path(sys.argv[2]).resolve(), top)]
        print("hashtrack scale bench: %d cpus; N in {%s}; %d snapshots a tag; chromium: %s"
              % (os.cpu_count(), ", ".join(map(str, sizes)), history,
                 "yes" if chromium else "no"))
        for b in builds:
            print("  %s: %s (%s)" % (b.label, b.bin, b.version))
        empty_paint = 0.0
        if chromium:
            empty = top / "empty.html"
            empty.write_text("<!doctype html><title>empty</title>")
            empty_paint = min(paint_seconds(empty, top) for _ in range(2))
            print("  chromium: an empty page takes %.2f s (subtracted)" % empty_paint)
        sys.stdout.flush()
        for n in sizes:
            csvs = {"tag": top / "tag.csv", "time": top / "time.csv"}
            names = tag_names(n)
            write_history(csvs["tag"], names, history, False)
            write_history(csvs["time"], names, history, True)
            old, new = (measure_size(b, n, history, csvs, chromium, empty_paint)
                        for b in builds)
            print(table(n, history, old, new), flush=True)
        return 0


if __name__ == "__main__":
    sys.exit(main())
