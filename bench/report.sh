#!/bin/sh
# bench/report.sh: how fast report, history, list and export answer on years
# of data, and what a snapshot costs on disk.
#
#   sh bench/report.sh [BUILD_DIR]          (default: build; run `make` first)
#
# For each scale (SCALES, default "2000x400 10000x1460": tags x snapshots,
# 6 h apart, so 1460 is a year) it writes a CSV with awk, builds a fresh
# database from it through `hashtrack import`, then times each command
# RUNS times (default 5) and prints the first and the best wall time. The
# baseline, run in the same invocation, is `report` on an empty database
# (process start, config, open): every time is also shown as a multiple of
# it, so figures from different machines compare. BASE_BIN=/path/to/an/older
# hashtrack adds its `report` times on the same databases, and the ratio.
# Bytes per snapshot are the database file's size over the snapshot count,
# beside the CSV's bytes per row.
#
# Targets (the REPORTING issue): 2000x400: report < 1 s, history < 0.2 s;
# 10000x1460: report < 1 s.
set -eu

. "$(dirname "$0")/build.sh"
bin=$build/hashtrack
scales=${SCALES:-"2000x400 10000x1460"}
runs=${RUNS:-5}
base_bin=${BASE_BIN:-}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/hashtrack-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The clock is frozen at the newest snapshot, so every tag has a baseline.
LAST=1779408000         # 2026-05-22T00:00:00Z
export HASHTRACK_NOW=@$LAST
export HASHTRACK_CONFIG="$tmp/config.ini"
: >"$HASHTRACK_CONFIG"
unset NO_COLOR HASHTRACK_API_URL HASHTRACK_WEBHOOK SCAVIO_API_KEY 2>/dev/null || true

now_ns() { date +%s%N; }

# seconds BIN DB ARGS...: run once, print the wall time in seconds.
seconds() {
	b=$1 db=$2
	shift 2
	t0=$(now_ns)
	HASHTRACK_DB=$db "$b" "$@" >/dev/null
	t1=$(now_ns)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f\n", (b - a) / 1e9 }'
}

# measure BIN DB ARGS...: "first best" over $runs runs.
measure() {
	first="" best=""
	i=0
	while [ $i -lt "$runs" ]; do
		s=$(seconds "$@")
		[ -n "$first" ] || first=$s
		best=$(awk -v a="$s" -v b="${best:-$s}" 'BEGIN { print (a < b) ? a : b }')
		i=$((i + 1))
	done
	echo "$first $best"
}

# row LABEL "first best" [TARGET]: one line of the table.
row() {
	# shellcheck disable=SC2086 # "first best" splits into two
	set -- "$1" $2 "${3:-}"
	awk -v l="$1" -v f="$2" -v b="$3" -v base="$baseline" -v tgt="$4" 'BEGIN {
		verdict = tgt == "" ? "" : (b < tgt ? sprintf("ok (< %g s)", tgt) : sprintf("SLOW (>= %g s)", tgt))
		printf "  %-40s %8.3f s %8.3f s %7.1fx  %s\n", l, f, b, b / base, verdict
	}'
}

# compare LABEL DB ARGS...: BASE_BIN against this binary on the same database.
compare() {
	label=$1 db=$2
	shift 2
	old=$(measure "$base_bin" "$db" "$@" | cut -d' ' -f2)
	new=$(measure "$bin" "$db" "$@" | cut -d' ' -f2)
	awk -v o="$old" -v n="$new" -v what="$label" 'BEGIN {
		printf "  BASE_BIN %-31s best %.3f s; this one %.3f s (%.2fx as fast)\n", what ":", o, n, o / n
	}'
}

header() {
	printf "  %-40s %10s %10s %8s  %s\n" "command" "first" "best" "/base" "target"
}

size_of() { # the database with its WAL, if one was left
	total=0
	for f in "$1" "$1-wal"; do
		[ -f "$f" ] && total=$((total + $(wc -c <"$f")))
	done
	echo "$total"
}

echo "hashtrack bench: $("$bin" --version | head -n 1); $(nproc) cpus; runs=$runs"
echo "binary: $bin"

empty=$tmp/empty.db
HASHTRACK_DB=$empty "$bin" list >/dev/null
baseline=$(measure "$bin" "$empty" report --format csv | cut -d' ' -f2)
echo "baseline: report on an empty database: best $baseline s (the /base column divides by it)"

for scale in $scales; do
	tags=${scale%x*}
	snaps=${scale#*x}
	total=$((tags * snaps))
	db=$tmp/bench-$scale.db
	csv=$tmp/bench-$scale.csv
	echo
	echo "== $tags tags x $snaps snapshots = $total snapshots"

	t0=$(now_ns)
	awk -v T="$tags" -v S="$snaps" -v LAST="$LAST" -f "$root/bench/snapshots.awk" >"$csv"
	t1=$(now_ns)
	HASHTRACK_DB=$db "$bin" -q import "$csv"
	t2=$(now_ns)
	# Imported tags are kept untracked: track them all, as a user would.
	# shellcheck disable=SC2046
	HASHTRACK_DB=$db "$bin" -q add $(awk -v T="$tags" 'BEGIN { for (i = 1; i <= T; i++) printf "tag%05d\n", i }')
	t3=$(now_ns)
	csv_bytes=$(wc -c <"$csv")
	db_bytes=$(size_of "$db")
	rm -f "$csv"
	awk -v g0="$t0" -v g1="$t1" -v i1="$t2" -v a1="$t3" -v n="$total" -v cb="$csv_bytes" \
		-v db="$db_bytes" 'BEGIN {
		imp = (i1 - g1) / 1e9
		printf "  csv written in %.1f s (%.1f MB); imported in %.1f s (%.0f snapshots/s);" \
			" tags added in %.2f s\n", (g1 - g0) / 1e9, cb / 1e6, imp, n / imp, (a1 - i1) / 1e9
		printf "  database %.1f MB: %.1f bytes per snapshot (the CSV: %.1f bytes per row; ratio %.2f)\n",
			db / 1e6, db / n, cb / n, db / cb
	}'

	mid=$(printf 'tag%05d' $((tags / 2)))
	named=$(awk -v T="$tags" 'BEGIN { for (i = 1; i <= 50; i++) printf "tag%05d ", int((i - 1) * T / 50) + 1 }')
	header
	row "report (table)" "$(measure "$bin" "$db" report)" 1
	row "report --format csv" "$(measure "$bin" "$db" report --format csv)" 1
	row "report --format json" "$(measure "$bin" "$db" report --format json)" 1
	row "report --format html" "$(measure "$bin" "$db" report --format html)"
	row "report --sort growth --min-growth 10" \
		"$(measure "$bin" "$db" report --sort growth --min-growth 10)" 1
	# shellcheck disable=SC2086
	row "report TAG x 50" "$(measure "$bin" "$db" report --format csv $named)" 1
	row "history TAG ($snaps rows)" "$(measure "$bin" "$db" history "$mid")" 0.2
	row "history TAG --format json" "$(measure "$bin" "$db" history "$mid" --format json)" 0.2
	row "list" "$(measure "$bin" "$db" list)"
	row "export --since 1d" "$(measure "$bin" "$db" export --since 1d)"
	once=$(seconds "$bin" "$db" export)
	row "export (all, once)" "$once $once"
	if [ -n "$base_bin" ]; then
		compare "report --format csv" "$db" report --format csv
		# shellcheck disable=SC2086
		compare "report --format csv TAG x 50" "$db" report --format csv $named
	fi
	rm -f "$db" "$db-wal" "$db-shm"
done
