#!/bin/sh
# Render an HTML page in headless Chromium (Debian's `chromium` package):
#
#   sh tests/browser/render.sh PAGE.html OUT.png [WIDTH,HEIGHT]   a screenshot
#   sh tests/browser/render.sh --dom PAGE.html [WIDTH,HEIGHT]     the DOM after load, on stdout
#
# For example, the report of your own database as a picture:
#   hashtrack report --format html > report.html && sh tests/browser/render.sh report.html report.png
#
# Each call uses a fresh, private browser profile that is removed afterwards,
# and flags that keep Chromium off the network (the page needs none anyway).
set -eu

usage() {
	echo "usage: sh tests/browser/render.sh PAGE.html OUT.png [WIDTH,HEIGHT]" >&2
	echo "       sh tests/browser/render.sh --dom PAGE.html [WIDTH,HEIGHT]" >&2
	exit 2
}

chromium=${CHROMIUM:-chromium}
if ! command -v "$chromium" >/dev/null 2>&1; then
	echo "render.sh: $chromium is not installed (Debian: apt-get install chromium)" >&2
	exit 1
fi

mode=png
if [ "${1:-}" = "--dom" ]; then
	mode=dom
	shift
	[ $# -eq 1 ] || [ $# -eq 2 ] || usage
	page=$1
	out=""
	size=${2:-1280,2400}
else
	[ $# -eq 2 ] || [ $# -eq 3 ] || usage
	page=$1
	out=$2
	size=${3:-1280,2400}
fi
[ -f "$page" ] || { echo "render.sh: no such page '$page'" >&2; exit 1; }
case $page in
/*) ;;
*) page=$(pwd)/$page ;;
esac
case $out in
/* | "") ;;
*) out=$(pwd)/$out ;;
esac

profile=$(mktemp -d "${TMPDIR:-/tmp}/hashtrack-chromium.XXXXXX")
trap 'rm -rf "$profile"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

limit=""
command -v timeout >/dev/null 2>&1 && limit="timeout 120"

# shellcheck disable=SC2086
set -- $limit "$chromium" --headless --no-sandbox --disable-gpu --no-first-run \
	--disable-background-networking --disable-component-update --disable-sync \
	--disable-quic --disable-dev-shm-usage --hide-scrollbars --mute-audio \
	--user-data-dir="$profile"

if [ "$mode" = dom ]; then
	# Chromium's own chatter (D-Bus, GPU) goes to stderr; only the DOM to stdout.
	"$@" --window-size="$size" --dump-dom "file://$page" 2>"$profile/stderr" || {
		cat "$profile/stderr" >&2
		exit 1
	}
	exit 0
fi

rm -f "$out"
"$@" --window-size="$size" --screenshot="$out" "file://$page" >"$profile/log" 2>&1 || {
	cat "$profile/log" >&2
	exit 1
}
[ -s "$out" ] || { cat "$profile/log" >&2; echo "render.sh: no screenshot written" >&2; exit 1; }
