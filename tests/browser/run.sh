#!/bin/sh
# The browser tests: the HTML report rendered by headless Chromium.
# Ends with one line "browser: N passed, N failed[, N skipped]"; without
# chromium it says the tests were skipped and succeeds.
#
# Usage, from anywhere: sh tests/browser/run.sh BUILD_DIR   (relative to the repo root)
set -u

if [ $# -ne 1 ]; then
	echo "usage: sh tests/browser/run.sh BUILD_DIR" >&2
	exit 2
fi
root=$(cd "$(dirname "$0")/../.." && pwd) || exit 2
cd "$root" || exit 2
build=$1
case $build in
/*) ;;
*) build=$root/$build ;;
esac

if ! command -v "${CHROMIUM:-chromium}" >/dev/null 2>&1; then
	echo "browser: SKIPPED: chromium is not installed ('make check-browser' installs it as root)"
	exit 0
fi
if [ ! -x "$build/hashtrack" ]; then
	echo "browser: $build/hashtrack is missing" >&2
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hashtrack-browser.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

HASHTRACK_BIN=$build/hashtrack python3 -m unittest discover -s tests/browser -t . -v \
	>"$tmp/out" 2>&1
rc=$?
cat "$tmp/out"
ran=$(sed -n 's/^Ran \([0-9][0-9]*\) tests\{0,1\} in .*/\1/p' "$tmp/out" | tail -n 1)
failed=$(grep -Ec '^(FAIL|ERROR): ' "$tmp/out")
skipped=$(sed -n 's/.*skipped=\([0-9][0-9]*\).*/\1/p' "$tmp/out" | tail -n 1)
ran=${ran:-0}
skipped=${skipped:-0}
passed=$((ran - failed - skipped))
[ "$passed" -ge 0 ] || passed=0
if [ "$ran" -eq 0 ] || { [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; }; then
	echo "browser: the tests exited with status $rc" >&2
	failed=$((failed + 1))
fi
if [ "$skipped" -gt 0 ]; then
	echo "browser: $passed passed, $failed failed, $skipped skipped"
else
	echo "browser: $passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
