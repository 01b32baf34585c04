#!/bin/sh
# bench/scale.sh: the commands at agency scale, this build against an older one
# (bench/README.md).
#
#   sh bench/scale.sh [BUILD_DIR] [REV]
#
# BUILD_DIR (default: build) holds this build; REV (default: BENCH_BASE, else
# the merge-base of HEAD and main) is built in a temporary git worktree under
# /tmp, removed afterwards. BENCH_QUICK=1: N = 1000 and 4000 only, 12
# snapshots a tag; BENCH_SIZES="1000 20000", BENCH_HISTORY=N and
# BENCH_CHROMIUM=0 pick others; BENCH_OLD_BIN=PATH skips the build.
set -eu
. "$(dirname "$0")/build.sh"

old=${BENCH_OLD_BIN:-}
base=""
if [ -z "$old" ]; then
	rev=${2:-${BENCH_BASE:-$(git -C "$root" merge-base HEAD main)}}
	base=$(mktemp -d /tmp/hashtrack-base.XXXXXX)
	cleanup() {
		git -C "$root" worktree remove --force "$base" 2>/dev/null || rm -rf "$base"
		git -C "$root" worktree prune
	}
	trap cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	rmdir "$base"
	git -C "$root" worktree add --quiet --detach "$base" "$rev"
	echo "bench: building $(git -C "$root" rev-parse --short "$rev") in $base" >&2
	make -C "$base" --no-print-directory -s O=build-bench build-bench/hashtrack >/dev/null
	old=$base/build-bench/hashtrack
fi
python3 "$root/bench/scale.py" "$old" "$build/hashtrack"
