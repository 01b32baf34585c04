#!/bin/sh
# bench/run.sh: `hashtrack run` against the simulated API's plans (bench/README.md).
#
#   sh bench/run.sh [BUILD_DIR]        (default: build; `make bench` builds first)
#
# BENCH_QUICK=1 measures N = 40 and 400 only; BENCH_SIZES="40 4000" and
# BENCH_PLANS="limited" pick others. Exit status 1 when a target is missed.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
case $build in
/*) ;;
*) build=$root/$build ;;
esac
[ -x "$build/hashtrack" ] || { echo "bench: $build/hashtrack is missing; run make first" >&2; exit 2; }
exec python3 "$root/bench/run_bench.py" "$build/hashtrack"
