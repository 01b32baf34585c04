"""bench/detect/check_run.py: replay a few traced tags through the real `hashtrack run`.

Best effort, and apart from the scoring: `run_detect.py --check-run N` calls
check() to see that `run`, fed the trace's counts by the simulated API
(tests/sim/scavio_sim.py) one snapshot at a time with HASHTRACK_NOW frozen at
the snapshot's time, stores what the trace says and raises the alerts the
scored detector reported for those tags (the contract: "on the same
snapshots and config its alerts are exactly those that run raised").

Each traced snapshot is one `hashtrack run TAG` at its own time; a missing
run is simply not made. The simulator answers every request for a tag with
the next element of that tag's list (written once), so the answers come in
trace order: exact counts (source 1) as shape 1, rounded (source 2) as
shape 2, and an unknown count as the 0 TikTok sends when it hides one.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SIM = ROOT / "tests" / "sim" / "scavio_sim.py"
API_KEY = "sk_bench_detect_not_a_secret"
READY_TIMEOUT = 10
CALL_TIMEOUT = 60


class Skip(Exception):
    """The check cannot be made here; the reason says why."""


def start_sim(work):
    state = work / "sim"
    state.mkdir()
    ready = work / "sim.port"
    env = dict(os.environ, SIM_API_KEY=API_KEY)
    log = open(work / "sim.log", "wb")
    proc = subprocess.Popen([sys.executable, str(SIM), "--port", "0", "--ready-file", str(ready),
                             "--state-dir", str(state)], env=env, stdin=subprocess.DEVNULL,
                            stdout=log, stderr=subprocess.STDOUT)
    log.close()
    deadline = time.monotonic() + READY_TIMEOUT
    while not ready.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            stop(proc)
            raise Skip("the simulator did not start: %s"
                       % (work / "sim.log").read_text(errors="replace").strip()[-300:])
        time.sleep(0.02)
    return proc, state, int(ready.read_text().strip())


def stop(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def response(videos, views, source):
    return {"videos": 0 if videos is None else videos, "views": 0 if views is None else views,
            "shape": 2 if source == 2 else 1}


def without_api_section(text):
    """A config's text without its [api] section (the check sets its own)."""
    out, skipping = [], False
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("[") and s.endswith("]"):
            skipping = s[1:-1].strip() == "api"
        if not skipping:
            out.append(line)
    return "\n".join(out) + "\n"


def key(a):
    return (a["hashtag"], a["detected_at"], a.get("event", "viral"))


def check(hashtrack, work, env, snaps, tags, expected, rfc3339, config_text="",
          backtest=True):
    """Replay tags through run; returns (ok, lines). Raises Skip when it cannot run.

    snaps: {tag: [(ts, videos, views, source)]}; expected: the scored
    detector's alerts (any tags); env: the environment for hashtrack, without
    HASHTRACK_NOW; backtest: also run `backtest` on the replayed database.
    """
    work.mkdir()
    proc, state, port = start_sim(work)
    lines, ok = [], True
    try:
        db = work / "run.db"
        cfg = work / "config.ini"
        cfg.write_text(without_api_section(config_text) + "[api]\n"
                       "url = http://127.0.0.1:%d/api/v1/tiktok/hashtag\n"
                       "timeout = 5s\nconcurrency = 1\nrate = 0\nretries = 0\n" % port)
        env = dict(env, HASHTRACK_CONFIG=str(cfg), SCAVIO_API_KEY=API_KEY)

        def ht(now, *args):
            e = dict(env, HASHTRACK_NOW=rfc3339(now))
            return subprocess.run([str(hashtrack), "--db", str(db)] + list(args), env=e,
                                  stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                  timeout=CALL_TIMEOUT)

        world = {"tags": {t: [response(n, v, s) for _, n, v, s in snaps[t]] for t in tags}}
        (state / "world.json").write_text(json.dumps(world))
        first = min(snaps[t][0][0] for t in tags)
        last = max(snaps[t][-1][0] for t in tags)
        cp = ht(first - 3600, "add", *tags)
        if cp.returncode != 0:
            raise Skip("hashtrack add failed: %s" % cp.stderr.strip())
        events = sorted((s[0], t) for t in tags for s in snaps[t])
        refused, t0 = 0, time.monotonic()
        for ts, tag in events:
            cp = ht(ts, "run", tag)
            if cp.returncode not in (0, 1):
                raise Skip("hashtrack run exited %d: %s" % (cp.returncode, cp.stderr.strip()))
            refused += cp.returncode == 1
        lines.append("check-run: %d runs of %d tags in %.1f s (%d with a failed tag)"
                     % (len(events), len(tags), time.monotonic() - t0, refused))

        # What run stored against the trace.
        cp = ht(last + 3600, "export", "--format", "json")
        stored = {}
        for r in json.loads(cp.stdout or "[]"):
            stored.setdefault(r["hashtag"], []).append(r)
        for tag in tags:
            want = [(rfc3339(ts), n, v, s) for ts, n, v, s in snaps[tag]]
            got = [(r["ts"], r["video_count"], r["view_count"], r["source"])
                   for r in stored.get(tag, [])]
            if got != want:
                ok = False
                pad = [None] * max(len(want), len(got))
                diff = next((w, g) for w, g in zip(want + pad, got + pad) if w != g)
                lines.append("  MISS #%s: run stored %d snapshots, the trace has %d; first "
                             "difference: trace %s, stored %s" % (tag, len(got), len(want), *diff))

        # The alerts run raised against those the scored detector reported
        # (calmed notices aside: they are notices, not alerts).
        cp = ht(last + 3600, "alerts", "--format", "json")
        if cp.returncode != 0:
            raise Skip("hashtrack alerts failed: %s" % cp.stderr.strip())
        ran = {key(a) for a in json.loads(cp.stdout or "[]") if a.get("event") != "calmed"}
        want = {key(a) for a in expected if a["hashtag"] in tags and a.get("event") != "calmed"}
        lines.append(agree("run", ran, "the scored detector", want))
        ok &= ran == want
        if backtest:
            cp = ht(last + 3600, "backtest", "--format", "json", *tags)
            if cp.returncode == 0:
                bt = {key(a) for a in json.loads(cp.stdout or "[]") if a.get("event") != "calmed"}
                lines.append(agree("run", ran, "backtest on run's own database", bt))
                ok &= ran == bt
            else:
                lines.append("  backtest on run's database failed: %s" % cp.stderr.strip()[:200])
                ok = False
    finally:
        stop(proc)
    return ok, lines


def agree(name_a, a, name_b, b):
    if a == b:
        return "  ok   %s and %s agree: %d alerts" % (name_a, name_b, len(a))
    only_a, only_b = sorted(a - b), sorted(b - a)
    def show(xs):
        return ", ".join("#%s %s %s" % x for x in xs[:3]) + (" ..." if len(xs) > 3 else "")

    return ("  MISS %s and %s disagree: %d alerts only from %s (%s), %d only from %s (%s)"
            % (name_a, name_b, len(only_a), name_a, show(only_a) or "-", len(only_b), name_b,
               show(only_b) or "-"))
