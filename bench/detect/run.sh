#!/bin/sh
# bench/detect/run.sh: hashtrack's viral detection on synthetic traces, against the
# seed's rules (bench/README.md, "Detection benchmark").
#
#   sh bench/detect/run.sh [BUILD_DIR] [--detector-cmd CMD] [--surge X] [--check-run N]
#
# BUILD_DIR defaults to build (`make bench-detect` builds first). BENCH_QUICK=1
# runs 40 tag-months; BENCH_SEED=N[,N...] and BENCH_TAGS=K pick others. Exit
# status 1 when a target is missed, 2 when hashtrack has no `backtest` yet
# (--detector-cmd runs a stand-in in its place).
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
build=build
case ${1:-} in
'' | -*) ;;
*) build=$1; shift ;;
esac
case $build in
/*) ;;
*) build=$root/$build ;;
esac
[ -x "$build/hashtrack" ] || {
	echo "bench-detect: $build/hashtrack is missing; run make first" >&2
	exit 2
}
exec python3 "$root/bench/detect/run_detect.py" "$build/hashtrack" "$@"
