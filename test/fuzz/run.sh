#!/usr/bin/env bash
#
# run.sh: build the libFuzzer target test/fuzz/fuzz_parse.c with clang and
# run it for a bounded time over a copy of test/fuzz/corpus/.
#
# Usage: test/fuzz/run.sh [SECONDS]     (default 60; from any directory)
#
# Needs clang with libFuzzer and libcsv-dev; no PostgreSQL server.  The build
# and the growing corpus live in a temporary directory that is removed at
# the end, so the saved corpus is never changed.  Any crash, leak, timeout
# or out-of-memory input found is copied to test/fuzz/crashes/ (replayed by
# test/t/fuzz_replay.sh from then on), and the exit status is then 1.
#
# Environment: FUZZ_FLAGS  extra libFuzzer options (for example -jobs=2)

set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
fuzzdir=$root/test/fuzz
seconds=${1:-60}

if ! [[ $seconds =~ ^[1-9][0-9]*$ ]]; then
	echo "run.sh: the time limit must be a positive number of seconds" >&2
	exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus" "$work/artifacts"
cp "$fuzzdir"/corpus/* "$work/corpus/"

clang -g -O1 -Wall -Wextra \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-I"$root/src" \
	"$fuzzdir/fuzz_parse.c" "$root/src/parse.c" -lcsv \
	-o "$work/fuzz_parse"

# libFuzzer stops at the first failure; the outer timeout is a safety net
# in case it does not stop at -max_total_time by itself.
rc=0
# shellcheck disable=SC2086  # FUZZ_FLAGS is a list of options
(cd "$work" &&
	timeout -k 10 $((seconds + 60)) ./fuzz_parse \
		-max_total_time="$seconds" \
		-timeout=10 \
		-rss_limit_mb=2048 \
		-max_len=8192 \
		-print_final_stats=1 \
		-dict="$fuzzdir/csv.dict" \
		-artifact_prefix="$work/artifacts/" \
		${FUZZ_FLAGS:-} \
		"$work/corpus") || rc=$?

found=0
mkdir -p "$fuzzdir/crashes"
for f in "$work"/artifacts/*; do
	[[ -e $f ]] || continue
	case ${f##*/} in
	crash-* | leak-* | timeout-* | oom-*)
		cp "$f" "$fuzzdir/crashes/"
		echo "run.sh: saved test/fuzz/crashes/${f##*/}" >&2
		found=$((found + 1))
		;;
	esac
done

echo "run.sh: fuzzed for up to ${seconds}s, libFuzzer exit status $rc," \
	"$(find "$work/corpus" -type f | wc -l) corpus inputs, $found failing inputs"
if ((found > 0 || rc != 0)); then
	exit 1
fi
exit 0
