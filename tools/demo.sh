#!/bin/sh
# make demo: the whole job against the bundled simulated API, no key needed.
# Three days of runs six hours apart (replayed through HASHTRACK_NOW) in which
# one tag takes off, then the report, the backtest of the same history and
# the alert the simulated Slack webhook received.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mktemp -d "${TMPDIR:-/tmp}/hashtrack-demo.XXXXXX")
sim_pid=""
cleanup() {
	[ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM

# The key exists only in the environment of the two processes that need it.
SIM_API_KEY=demo-key
export SIM_API_KEY
world() { # vibecoding videos, views; the run's number
	cat > "$dir/world.json" <<JSON
{"tags": {
  "vibecoding": {"videos": "$1", "views": "$2", "shape": 1, "credits": 950},
  "aitools": {"videos": $((81200 + 100 * $3)), "views": $((310200000 + 1800000 * $3)), "shape": 2},
  "marketingtips": {"videos": "$((2410330 + 5120 * $3))", "views": "$((9120004411 + 41000000 * $3))", "shape": 1}
}}
JSON
}
world 18000 41000000 0

python3 "$top/tests/sim/scavio_sim.py" --port 0 --ready-file "$dir/port" \
	--state-dir "$dir" &
sim_pid=$!
i=0
while [ ! -s "$dir/port" ]; do
	i=$((i + 1))
	[ $i -le 100 ] || { echo "demo: the simulated API did not start" >&2; exit 1; }
	sleep 0.05
done
port=$(cat "$dir/port")

cat > "$dir/config.ini" <<INI
[api]
url = http://127.0.0.1:$port/api/v1/tiktok/hashtag
concurrency = 3
rate = 0
[alert]
webhook = http://127.0.0.1:$port/hook/slack
format = slack
INI

ht() { "$top/hashtrack" -c "$dir/config.ini" -d "$dir/demo.db" "$@"; }
SCAVIO_API_KEY=demo-key
export SCAVIO_API_KEY

echo '$ hashtrack add "#VibeCoding" aitools marketingtips'
ht add "#VibeCoding" aitools marketingtips
# Three days of runs every six hours, replayed through HASHTRACK_NOW. All
# three tags grow steadily (marketingtips by 5,120 videos a run: far above
# min_new_videos, and still no news); on the third evening #vibecoding's
# views take off at about ten times their usual pace.
echo '$ hashtrack run    # every six hours for three days (HASHTRACK_NOW=2026-05-20T00:00Z ...)'
videos=18000 views=41000000 run=0
for day in 20 21 22; do
	for hour in 00 06 12 18; do
		world "$videos" "$views" "$run"
		HASHTRACK_NOW=2026-05-${day}T$hour:0$((run % 3)):00Z ht run
		run=$((run + 1))
		if [ "$run" -ge 11 ]; then
			videos=$((videos + 1400)) views=$((views + 19000000))
		else
			videos=$((videos + 120)) views=$((views + 1900000))
		fi
	done
done
now=2026-05-22T18:02:00Z
echo "\$ HASHTRACK_NOW=$now hashtrack report"
HASHTRACK_NOW=$now ht report
echo
echo '$ hashtrack backtest    # the same history replayed: exactly what run raised'
HASHTRACK_NOW=$now ht backtest
echo
echo 'the simulated Slack webhook received:'
python3 -c '
import json, sys
for line in open(sys.argv[1]):
    print("  " + json.loads(json.loads(line)["body"])["text"])
' "$dir/webhook.jsonl"
