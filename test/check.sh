#!/usr/bin/env bash
#
# check.sh: build, install and test movie_analytics.
#
# Usage: test/check.sh            (from any directory, no input needed)
#
# Installs missing Debian packages (as root), builds and installs the
# extension, then runs every test suite in one throw-away PostgreSQL 15
# cluster made by pg_virtualenv:
#
#   regress      make installcheck (pg_regress over sql/*.sql, expected/*.out)
#   pgtap        pg_prove over test/pgtap/*.sql, in a fresh database
#   shell TAP    prove over test/t/*.sh
#
# A suite without test files is skipped.  All stages run even when one
# fails; the last line is "stages: N passed, N failed", and the exit status
# is non-zero when any stage failed.
#
# Environment: CHECK_STAGE_TIMEOUT  seconds allowed per stage (default 300)

set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

stage_timeout=${CHECK_STAGE_TIMEOUT:-300}

packages=(
	postgresql-15
	postgresql-server-dev-15
	libcsv-dev
	postgresql-15-pgtap
	libtap-parser-sourcehandler-pgtap-perl
	perl
	make
	gcc
	python3
	python3-psycopg
	chromium
	libxml2-utils
)

# shellcheck source=test/packages.sh
source "$root/test/packages.sh"

# Run a command with the per-stage time limit.
limited() {
	local rc=0
	timeout -k 10 "$stage_timeout" "$@" </dev/null || rc=$?
	if ((rc == 124 || rc == 137)); then
		echo "check.sh: timed out after ${stage_timeout}s: $*" >&2
	fi
	return "$rc"
}

# Stage functions return 0 (passed), 77 (skipped) or another status (failed).

stage_regress() {
	local tests=() f
	for f in sql/*.sql; do
		case ${f##*/} in
		movie_analytics--*) ;;
		*) tests+=("$f") ;;
		esac
	done
	if ((${#tests[@]} == 0)); then
		echo "No regression tests in sql/ (only the install script): skipped."
		return 77
	fi
	rm -f regression.diffs regression.out
	if limited make -s installcheck; then
		return 0
	fi
	if [[ -s regression.diffs ]]; then
		echo "--- regression.diffs ---"
		cat regression.diffs
		echo "--- end of regression.diffs ---"
	fi
	return 1
}

stage_pgtap() {
	local files=(test/pgtap/*.sql)
	if [[ ! -e ${files[0]} ]]; then
		echo "No pgTAP tests in test/pgtap/: skipped."
		return 77
	fi
	createdb movie_tap || return 1
	limited pg_prove --failures -d movie_tap "${files[@]}"
}

stage_shell_tap() {
	local files=(test/t/*.sh)
	if [[ ! -e ${files[0]} ]]; then
		echo "No shell TAP tests in test/t/: skipped."
		return 77
	fi
	limited prove --failures --exec bash "${files[@]}"
}

# Run one stage and append "name<TAB>result" to the results file.
run_stage() {
	local name=$1 func=$2 rc=0 result
	echo
	echo "=== $name ==="
	"$func" || rc=$?
	case $rc in
	0) result=passed ;;
	77) result=skipped ;;
	*) result=failed ;;
	esac
	echo "=== $name: $result ==="
	printf '%s\t%s\n' "$name" "$result" >>"$CHECK_RESULTS"
}

# Print the server log lines that tell of a crashed backend, if any.
show_server_crashes() {
	local log pattern='PANIC:|TRAP:|terminated by signal'
	log=$(pg_lsclusters --no-header 2>/dev/null |
		awk '$1 == "15" && $2 == "regress" { print $7 }')
	if [[ -n $log && -r $log ]] && grep -qE "$pattern" "$log"; then
		echo
		echo "--- server crashes, from $log ---"
		grep -E -A1 "$pattern" "$log"
		echo "--- end of server crashes ---"
	fi
}

# Inside the throw-away cluster: run every stage.  Results go to the
# results file; a non-zero exit means the stage runner itself broke.
if [[ ${1:-} == --in-cluster ]]; then
	run_stage regress stage_regress
	run_stage pgtap stage_pgtap
	run_stage "shell TAP" stage_shell_tap
	show_server_crashes
	exit 0
fi

install_missing_packages "${packages[@]}"

CHECK_RESULTS=$(mktemp)
export CHECK_RESULTS
trap 'rm -f "$CHECK_RESULTS"' EXIT

echo "=== build and install ==="
build=passed
if ! make -s </dev/null; then
	echo "check.sh: make failed" >&2
	build=failed
elif ! make -s install </dev/null; then
	echo "check.sh: make install failed" >&2
	build=failed
fi
echo "=== build and install: $build ==="
printf '%s\t%s\n' "build and install" "$build" >>"$CHECK_RESULTS"

cluster_rc=0
if [[ $build == passed ]]; then
	# Settings meant for another server must not leak into the throw-away
	# cluster (pg_virtualenv would even create it on an inherited PGPORT).
	unset PGHOST PGHOSTADDR PGPORT PGDATABASE PGUSER PGPASSWORD PGPASSFILE \
		PGSERVICE PGSERVICEFILE PGCLUSTER PGSYSCONFDIR PG_CLUSTER_CONF_ROOT
	echo
	# -t keeps the cluster in a temporary directory even as root, so that
	# concurrent runs cannot collide on /etc/postgresql/15/regress.
	pg_virtualenv -t -v 15 bash "$root/test/check.sh" --in-cluster </dev/null ||
		cluster_rc=$?
fi

passed=0
failed=0
echo
echo "=== summary ==="
while IFS=$'\t' read -r name result; do
	printf '  %-20s %s\n' "$name" "$result"
	case $result in
	passed) passed=$((passed + 1)) ;;
	failed) failed=$((failed + 1)) ;;
	esac
done <"$CHECK_RESULTS"
if ((cluster_rc != 0)); then
	# the cluster could not be set up, or the stage runner broke
	printf '  %-20s %s\n' "test cluster" "failed (pg_virtualenv exit $cluster_rc)"
	failed=$((failed + 1))
fi
echo "stages: $passed passed, $failed failed"

((failed == 0))
