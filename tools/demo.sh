#!/bin/sh
# make demo: the whole job against the bundled simulated API, no key needed.
# Two runs six hours apart (replayed through HASHTRACK_NOW), then the report
# and the alert the simulated Slack webhook received.
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
world() { # vibecoding videos, views
	cat > "$dir/world.json" <<JSON
{"tags": {
  "vibecoding": {"videos": "$1", "views": "$2", "shape": 1, "credits": 950},
  "aitools": {"videos": 81250, "views": 310200000, "shape": 2},
  "marketingtips": {"videos": "2410330", "views": "9120004411", "shape": 1}
}}
JSON
}
world 18000 41000000

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
echo '$ HASHTRACK_NOW=2026-05-22T00:00:00Z hashtrack run     # first snapshot'
HASHTRACK_NOW=2026-05-22T00:00:00Z ht run
world 18412 46900000
echo '$ HASHTRACK_NOW=2026-05-22T06:02:00Z hashtrack run     # six hours later'
HASHTRACK_NOW=2026-05-22T06:02:00Z ht run
echo '$ hashtrack report'
HASHTRACK_NOW=2026-05-22T06:02:00Z ht report
echo
echo 'the simulated Slack webhook received:'
python3 -c '
import json, sys
for line in open(sys.argv[1]):
    print("  " + json.loads(json.loads(line)["body"])["text"])
' "$dir/webhook.jsonl"
