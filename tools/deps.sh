#!/bin/sh
# Install the Debian packages hashtrack needs when they are missing.
# As root this runs apt-get; otherwise it prints the exact command and stops.
# `--check` (what `make` and `make install` run first) only reports what the
# build itself needs, never installs, and is quiet when all is there.
set -eu

if [ "${1:-}" = --check ]; then
	missing=""
	if command -v pkg-config >/dev/null 2>&1; then
		for pair in libcurl:libcurl4-openssl-dev sqlite3:libsqlite3-dev \
			libcjson:libcjson-dev inih:libinih-dev libutf8proc:libutf8proc-dev; do
			pkg-config --exists "${pair%%:*}" 2>/dev/null || missing="$missing ${pair#*:}"
		done
	else
		missing=" pkg-config libcurl4-openssl-dev libsqlite3-dev libcjson-dev libinih-dev"
		missing="$missing libutf8proc-dev"
	fi
	command -v "${CC:-cc}" >/dev/null 2>&1 || missing="$missing gcc"
	[ -z "$missing" ] && exit 0
	echo "hashtrack: cannot build: missing Debian packages:$missing" >&2
	echo "hashtrack: install them with 'make deps' as root," \
		"or: apt-get update && apt-get install -y --no-install-recommends$missing" >&2
	exit 1
fi

missing=""
need() { # pkg-config name, Debian package
	pkg-config --exists "$1" 2>/dev/null || missing="$missing $2"
}
command -v pkg-config >/dev/null 2>&1 || missing="$missing pkg-config"
command -v cc >/dev/null 2>&1 || missing="$missing gcc"
command -v python3 >/dev/null 2>&1 || missing="$missing python3"
need libcurl libcurl4-openssl-dev
need sqlite3 libsqlite3-dev
need libcjson libcjson-dev
need inih libinih-dev
need libutf8proc libutf8proc-dev
need cmocka libcmocka-dev
command -v sqlite3 >/dev/null 2>&1 || missing="$missing sqlite3"
command -v groff >/dev/null 2>&1 || missing="$missing groff-base"    # man page lint

# Optional groups, for `make fuzz`, `make lint`, `make check-browser` and the
# promtool check of tests/integration/test_ops.py only.
case "${1:-}" in
fuzz)
	command -v clang >/dev/null 2>&1 || missing="$missing clang"
	ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a >/dev/null 2>&1 ||
		missing="$missing libclang-rt-14-dev"
	;;
lint)
	command -v cppcheck >/dev/null 2>&1 || missing="$missing cppcheck"
	command -v clang-tidy >/dev/null 2>&1 || missing="$missing clang-tidy"
	;;
promtool)       # test_ops: `promtool check metrics` on the [metrics] textfile
	command -v promtool >/dev/null 2>&1 || missing="$missing prometheus"
	;;
browser)        # make check-browser: the HTML report in headless Chromium
	command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
	[ -d /usr/share/fonts/truetype/dejavu ] || missing="$missing fonts-dejavu-core"
	;;
esac

[ -z "$missing" ] && exit 0

cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "hashtrack: missing packages:$missing" >&2
	echo "hashtrack: run as root: apt-get update && $cmd" >&2
	exit 1
fi
echo "hashtrack: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
