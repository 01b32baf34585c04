#!/bin/sh
# make fuzz: build every libFuzzer target in fuzz/ with clang, ASan and UBSan,
# run each for FUZZ_SECONDS (default 60) from its seed corpus in fuzz/corpus/,
# and print the executions per target. New inputs go to build-fuzz/, never
# into the repository; a crash leaves its input in build-fuzz/crashes/.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
seconds=${FUZZ_SECONDS:-60}
out=build-fuzz
flags="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"

make -s O=$out CC=clang CFLAGS="-O1 -g" SAN_FLAGS="$flags" $out/libhashtrack.a
libs=$(pkg-config --libs libcurl sqlite3 libcjson inih libutf8proc)
cflags="-std=c11 -D_DEFAULT_SOURCE -Iinclude $(pkg-config --cflags libcjson libutf8proc) -O1 -g -Wall -Wextra -Werror"
mkdir -p $out/crashes

status=0
for src in fuzz/fuzz_*.c; do
	name=$(basename "$src" .c)
	target=${name#fuzz_}
	# shellcheck disable=SC2086
	clang $cflags -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-o $out/$name "$src" $out/libhashtrack.a $libs -lm
	mkdir -p $out/corpus-$target
	if ASAN_OPTIONS=halt_on_error=1:detect_leaks=1 ./$out/$name -max_total_time="$seconds" \
		-max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix=$out/crashes/$target- \
		$out/corpus-$target fuzz/corpus/$target >$out/$name.log 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' $out/$name.log)
		echo "fuzz: $target: $runs executions in ${seconds}s, no crash"
	else
		echo "fuzz: $target: CRASH, see $out/$name.log and $out/crashes/" >&2
		tail -30 $out/$name.log >&2
		status=1
	fi
done
exit $status
