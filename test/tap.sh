# tap.sh: TAP output helpers for the shell tests in test/t; sourced, not run.
#
# ok STATUS DESCRIPTION [TODO-REASON]   prints "ok N - ..." when STATUS is 0,
#     else "not ok N - ..." and counts a failure; a test given a TODO reason
#     shows a known defect, and its failure is not counted.
# diag_file FILE                        prints the start of FILE as diagnostics.
# $testno and $failures hold the counts.

testno=0
failures=0

ok() {
	local status=$1 desc=$2 todo=${3:-}
	testno=$((testno + 1))
	if ((status == 0)); then
		echo "ok $testno - $desc${todo:+ # TODO $todo}"
	else
		echo "not ok $testno - $desc${todo:+ # TODO $todo}"
		[[ -n $todo ]] || failures=$((failures + 1))
	fi
}

diag_file() {
	head -c 4000 "$1" | head -40 | sed 's/^/# /'
}
