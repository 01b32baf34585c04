#!/usr/bin/env python3
"""make lint: the house's floors. Each module (src/X.c with include/X.h) may
include only headers of its own floor or below, and the modules' includes
form no circle. Prints one line per violation; exit 1 when there is one."""
import re
import sys
from pathlib import Path

FLOORS = {  # highest first
    "face": {"main", "cmd", "cmd_*"},
    "flow": {"api", "record", "outbox", "report", "report_out", "backtest", "ops"},
    "services": {"store", "fetch", "deliver", "http", "config", "lock", "msg", "clock",
                 "ping"},
    "pure": {"tag", "duration", "timefmt", "scavio", "detect", "pace", "judge", "alert",
             "retry", "payload", "table", "jsonout", "chart", "html", "sparkline", "text", "array", "schedule",
             "csvread", "jsonread", "snapout", "version", "metrics", "campaign",
             "ledger"},
}
RANK = {name: i for i, name in enumerate(reversed(list(FLOORS)))}  # pure 0 .. face 3


def floor_of(module):
    for floor, names in FLOORS.items():
        if module in names or (module.startswith("cmd_") and "cmd_*" in names):
            return floor
    return None


def main():
    root = Path(__file__).resolve().parents[1]
    includes = {}
    for f in sorted((root / "src").glob("*.c")) + sorted((root / "include").glob("*.h")):
        deps = set(re.findall(r'^#include "([a-z_]+)\.h"', f.read_text(), re.M))
        includes.setdefault(f.stem, set()).update(deps - {f.stem})
    bad = 0
    for module, deps in sorted(includes.items()):
        mine = floor_of(module)
        if mine is None:
            print("layers: %s is on no floor; add it to tools/layers.py" % module)
            bad += 1
            continue
        for dep in sorted(deps):
            theirs = floor_of(dep)
            if theirs is None or RANK[theirs] > RANK[mine]:
                print("layers: %s (%s) includes %s.h (%s): an import that runs back up"
                      % (module, mine, dep, theirs or "no floor"))
                bad += 1
    # A circle among modules: a depth-first search for a back edge.
    state = {}

    def visit(m, path):
        state[m] = 1
        for d in sorted(includes.get(m, ())):
            if state.get(d) == 1:
                print("layers: a circle: %s" % " -> ".join(path[path.index(d):] + [d]))
                return 1
            if d not in state and visit(d, path + [d]):
                return 1
        state[m] = 2
        return 0

    for m in sorted(includes):
        if m not in state and visit(m, [m]):
            bad += 1
            break       # one circle is enough to mend; the search's state is spent
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
