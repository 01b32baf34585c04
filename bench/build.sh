# bench/build.sh: sourced by bench/run.sh, scale.sh and report.sh (`. FILE`,
# their arguments still in "$@"): sets root (the checkout) and build (the
# first argument, default build, made absolute), and exits 2 when
# $build/hashtrack is missing.
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
case $build in
/*) ;;
*) build=$root/$build ;;
esac
[ -x "$build/hashtrack" ] || { echo "bench: $build/hashtrack is missing; run make first" >&2; exit 2; }
