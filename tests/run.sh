#!/bin/sh
# Run every test, unit (cmocka) and integration (Python), and end with one
# summary line "N passed, N failed[, N skipped]". Non-zero exit when anything
# failed or nothing ran.
#
# Usage, from anywhere: sh tests/run.sh BUILD_DIR   (BUILD_DIR relative to the repo root)
set -u

if [ $# -ne 1 ]; then
	echo "usage: sh tests/run.sh BUILD_DIR" >&2
	exit 2
fi

root=$(cd "$(dirname "$0")/.." && pwd) || exit 2
cd "$root" || exit 2
build=$1
case $build in
/*) ;;
*) build=$root/$build ;;
esac

passed=0
failed=0
skipped=0

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hashtrack-tests.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A hung unit test binary must not hang `make check`.
limit=""
if command -v timeout >/dev/null 2>&1; then
	limit="timeout 300"
fi

# cmocka_sum LABEL FILE: the sum of N over lines "[  LABEL  ] N test(s)..."
cmocka_sum() {
	sed -n "s/^\[  *$1  *\] \([0-9][0-9]*\) test(s).*/\1/p" "$2" |
		awk '{ s += $1 } END { print s + 0 }'
}

# ---- unit tests -----------------------------------------------------------

CMOCKA_MESSAGE_OUTPUT=stdout
export CMOCKA_MESSAGE_OUTPUT

for t in "$build"/tests/test_*; do
	if [ ! -f "$t" ] || [ ! -x "$t" ]; then
		continue
	fi
	case $t in *.o | *.d | *.c | *.dSYM) continue ;; esac
	echo "== $t"
	$limit "$t" >"$tmp/unit.out" 2>&1
	rc=$?
	cat "$tmp/unit.out"
	if grep -Eq '^\[ +(PASSED|FAILED) +\] [0-9]+ test\(s\)' "$tmp/unit.out"; then
		p=$(cmocka_sum PASSED "$tmp/unit.out")
		f=$(cmocka_sum FAILED "$tmp/unit.out")
		s=$(cmocka_sum SKIPPED "$tmp/unit.out")
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
			echo "run.sh: $t exited with status $rc after reporting no failure" >&2
			f=1
		fi
	else
		echo "run.sh: $t exited with status $rc and no cmocka summary" >&2
		p=0 f=1 s=0
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
done

# ---- integration tests ----------------------------------------------------

echo "== integration tests (HASHTRACK_BIN=$build/hashtrack)"
if [ ! -x "$build/hashtrack" ]; then
	echo "run.sh: $build/hashtrack is missing; integration tests not run" >&2
	failed=$((failed + 1))
else
	HASHTRACK_BIN=$build/hashtrack python3 -m unittest discover -s tests/integration -t . -v \
		>"$tmp/py.out" 2>&1
	rc=$?
	cat "$tmp/py.out"
	ran=$(sed -n 's/^Ran \([0-9][0-9]*\) tests\{0,1\} in .*/\1/p' "$tmp/py.out" | tail -n 1)
	status=$(grep -E '^(OK|FAILED)( \(.*\))?$' "$tmp/py.out" | tail -n 1 |
		sed 's/expected failures/expected_failures/; s/unexpected successes/unexpected_successes/')
	num() {
		n=$(printf '%s\n' "$status" | sed -n "s/.*[( ]$1=\([0-9][0-9]*\).*/\1/p")
		echo "${n:-0}"
	}
	if [ -z "$ran" ] || [ -z "$status" ]; then
		echo "run.sh: the integration tests exited with status $rc and no unittest summary" >&2
		failed=$((failed + 1))
	elif [ "$ran" -eq 0 ]; then
		echo "run.sh: no integration test ran" >&2
		failed=$((failed + 1))
	else
		# A test whose subtests fail is counted once, not once per subtest.
		f=$(sed -n -e 's/^FAIL: \([^ ]* ([^)]*)\).*/\1/p' -e 's/^ERROR: \([^ ]* ([^)]*)\).*/\1/p' \
			"$tmp/py.out" | sort -u | wc -l | tr -d ' ')
		if [ "$f" -eq 0 ]; then
			f=$(($(num failures) + $(num errors)))
		fi
		f=$((f + $(num unexpected_successes)))
		s=$(num skipped)
		p=$((ran - f - s))
		if [ "$p" -lt 0 ]; then
			p=0
		fi
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
			echo "run.sh: the integration tests exited with status $rc after reporting no failure" >&2
			f=1
		fi
		passed=$((passed + p))
		failed=$((failed + f))
		skipped=$((skipped + s))
	fi
fi

# ---- summary --------------------------------------------------------------

if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ] && [ $((passed + failed)) -gt 0 ]
