#!/usr/bin/env bash
#
# fuzz_replay.sh: TAP test that replays every saved fuzz input (the seed
# corpus test/fuzz/corpus/ and the failures kept in test/fuzz/crashes/)
# through the fuzz target test/fuzz/fuzz_parse.c, built with gcc and the
# address and undefined-behaviour sanitizers when they work here, else
# plainly.  One test per file; a file fails when the target aborts.
#
# Usage: prove --exec bash test/t/fuzz_replay.sh   (test/check.sh does this)
#
# Needs gcc and libcsv-dev, and no PostgreSQL server.

set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

sources=(test/fuzz/fuzz_parse.c test/fuzz/replay.c src/parse.c)
cflags=(-std=c99 -g -O1 -Wall -Wextra -Isrc)
# shellcheck disable=SC2054  # the commas belong to the option
sanitize=(-fsanitize=address,undefined -fno-sanitize-recover=all)

# Use the sanitizers if a program built with them runs here; leak checks
# need ptrace, which some containers refuse.
asan_options=detect_leaks=1:abort_on_error=1
printf 'int main(void) { return 0; }\n' >"$work/probe.c"
mode="with -fsanitize=address,undefined"
if ! gcc "${sanitize[@]}" "$work/probe.c" -o "$work/probe" >/dev/null 2>&1; then
	sanitize=()
	mode="without sanitizers (gcc cannot build with them here)"
elif ASAN_OPTIONS=$asan_options "$work/probe" >/dev/null 2>&1; then
	:
elif ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 "$work/probe" >/dev/null 2>&1; then
	asan_options=detect_leaks=0:abort_on_error=1
	mode="$mode, without leak checks (they do not work here)"
else
	sanitize=()
	mode="without sanitizers (they do not run here)"
fi

files=()
for f in test/fuzz/corpus/* test/fuzz/crashes/*; do
	[[ -f $f && ${f##*/} != .gitkeep ]] && files+=("$f")
done

echo "1..$((${#files[@]} + 1))"

if gcc "${cflags[@]}" "${sanitize[@]}" "${sources[@]}" -lcsv \
	-o "$work/replay" >"$work/build.log" 2>&1; then
	echo "ok 1 - replay driver built $mode"
else
	echo "not ok 1 - replay driver built $mode"
	sed 's/^/# /' "$work/build.log"
	exit 1
fi

testno=1
failures=0
for f in "${files[@]}"; do
	testno=$((testno + 1))
	rc=0
	ASAN_OPTIONS=$asan_options \
		timeout -k 5 60 "$work/replay" "$f" >"$work/out.log" 2>&1 || rc=$?
	if ((rc == 0)); then
		echo "ok $testno - $f"
	else
		echo "not ok $testno - $f"
		echo "# exit status $rc"
		sed 's/^/# /' "$work/out.log" | head -40
		failures=$((failures + 1))
	fi
done

if ((failures > 0)); then
	echo "# $failures of $testno tests failed"
	exit 1
fi
exit 0
