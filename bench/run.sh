#!/bin/sh
# bench/run.sh: `hashtrack run` against the simulated API's plans (bench/README.md).
#
#   sh bench/run.sh [BUILD_DIR]        (default: build; `make bench` builds first)
#
# BENCH_QUICK=1 measures N = 40 and 400 only; BENCH_SIZES="40 4000" and
# BENCH_PLANS="limited" pick others. Exit status 1 when a target is missed.
set -eu
. "$(dirname "$0")/build.sh"
exec python3 "$root/bench/run_bench.py" "$build/hashtrack"
