#!/usr/bin/env bash
#
# concurrency.sh: TAP test of the loader seen from a second session.
#
# Usage: prove --exec bash test/t/concurrency.sh   (test/check.sh does this)
#
# Needs a server the PG* environment variables point at, with the extension
# installed, a superuser role, and ./movie_gen built in the repository root
# (make does it).
# Creates and drops the database ma_concurrency.
#
#   progress and cancel: a sales load of a few seconds runs in a background
#     session; another session watches it in pg_stat_progress_copy, then
#     cancels it; the load must end with SQLSTATE 57014 within a second and
#     leave sales as it was.
#   foreign key: session A deletes a movie in an open transaction; a sales
#     load naming that movie must wait for A; after A commits it must fail
#     with SQLSTATE 23503 naming the line, and after A rolls back it must
#     load.
#
# Every wait is bounded, so the test cannot hang.

set -euo pipefail

# shellcheck source=test/tap.sh
source "$(dirname "${BASH_SOURCE[0]}")/../tap.sh"

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"

db=ma_concurrency
work=$(mktemp -d)
background=()

# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
	local pid
	exec 3>&-
	for pid in "${background[@]}"; do
		if kill -0 "$pid" 2>/dev/null; then
			kill "$pid" 2>/dev/null || true
			wait "$pid" 2>/dev/null || true
		fi
	done
	dropdb --if-exists --force "$db" >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT

psql_cmd=(psql -X -q -v ON_ERROR_STOP=1 -d "$db")

# The loads' statements carry whole files: keep them out of the server log.
export PGOPTIONS="${PGOPTIONS:-} -c log_min_error_statement=panic"




# Print the result of a query, unaligned, or nothing if it failed.
query() {
	"${psql_cmd[@]}" -A -t -c "$1" </dev/null 2>/dev/null || true
}

# wait_until SECONDS COMMAND...: run COMMAND every 20 ms until it succeeds;
# fails after SECONDS.
wait_until() {
	local limit=$1 deadline
	shift
	deadline=$(($(date +%s%N) + limit * 1000000000))
	until "$@"; do
		if (($(date +%s%N) > deadline)); then
			return 1
		fi
		sleep 0.02
	done
}

# Succeeds once process $1 has exited.
exited() {
	! kill -0 "$1" 2>/dev/null
}

# The SQLSTATE of the first ERROR in a psql output file, or nothing.
sqlstate_of() {
	sed -n 's/^\(psql:[^ ]* \)\{0,1\}ERROR:  \([0-9A-Z]\{5\}\): .*/\2/p' "$1" |
		head -1
}

# bg_load APPNAME FILE OUTFILE: start a psql session named APPNAME in the
# background that loads FILE into sales as a base64 bound value; its pid
# goes to $bg_pid.
bg_load() {
	local app=$1 file=$2 out=$3
	PGAPPNAME=$app timeout -k 5 120 "${psql_cmd[@]}" -A -t -v file="$file" \
		>"$out" 2>&1 <<'SQL' &
\set VERBOSITY verbose
\set content `base64 -w0 :'file'`
SELECT rows_loaded
FROM movie_load_csv_data('sales', decode(:'content', 'base64'));
SQL
	bg_pid=$!
	background+=("$bg_pid")
}

echo "1..15"
start=$SECONDS

# ------------------------------------------------- setup

gen=$work/gen
mkdir "$gen"
setup() {
	./movie_gen --movies 2000 --top 2000 --out "$gen" &&
		dropdb --if-exists --force "$db" &&
		createdb "$db" &&
		"${psql_cmd[@]}" -v file="$gen/movies.csv" <<'SQL'
CREATE EXTENSION movie_analytics;
\set content `base64 -w0 :'file'`
SELECT rows_loaded
FROM movie_load_csv_data('movies', decode(:'content', 'base64'));
-- one sale outside the generated days, so the table is not empty
INSERT INTO sales (movie_id, movie_title, sale_date, tickets_sold, revenue)
VALUES (1, 'Before', '1900-01-01', 1, 1.00);
SQL
}
rc=0
setup >"$work/setup.log" 2>&1 || rc=$?
ok "$rc" "generated 2000 movies with sales, loaded the movies"
((rc == 0)) || diag_file "$work/setup.log"

sales_before=$(query 'SELECT count(*) FROM sales')
size=$(stat -c %s "$gen/sales.csv")
lines=$(($(wc -l <"$gen/sales.csv") - 1))
echo "# sales file: $size bytes, $lines rows"

# ------------------------------------------------- progress and cancel

bg_load ma_conc_load "$gen/sales.csv" "$work/load.out"
load_pid=$bg_pid

progress_sql="SELECT p.pid || ' ' || p.bytes_processed || ' ' || p.bytes_total
	|| ' ' || p.tuples_processed || ' ' || p.relid::regclass || ' ' || p.command
	FROM pg_stat_progress_copy p JOIN pg_stat_activity a USING (pid)
	WHERE a.application_name = 'ma_conc_load'"
progress=""

# Succeeds once the load reports bytes and tuples processed (or has ended).
# shellcheck disable=SC2317  # called by wait_until
load_progressing() {
	local bytes tuples
	exited "$load_pid" && return 0
	progress=$(query "$progress_sql")
	read -r _ bytes _ tuples _ <<<"$progress"
	((${bytes:-0} > 0 && ${tuples:-0} > 0))
}
rc=0
wait_until 30 load_progressing || rc=1
read -r backend bytes total tuples relid command <<<"$progress"
[[ -n ${backend:-} ]] && ! exited "$load_pid" || rc=1
seen="bytes_processed ${bytes:-?}, tuples_processed ${tuples:-?}"
ok "$rc" "load seen in pg_stat_progress_copy: $seen"
((rc == 0)) || diag_file "$work/load.out"

rc=0
[[ ${total:-} == "$size" ]] || rc=1
ok "$rc" "bytes_total ${total:-?} is the input size $size"
rc=0
[[ ${command:-} == "COPY FROM" && ${relid:-} == sales ]] || rc=1
ok "$rc" "reported as COPY FROM into sales (${command:-?} ${relid:-?})"

cancelled=$(query "SELECT pg_cancel_backend(${backend:-0})")
t0=$(date +%s%N)
rc=0
wait_until 10 exited "$load_pid" || rc=1
elapsed=$((($(date +%s%N) - t0) / 1000000))
load_rc=0
((rc == 0)) && { wait "$load_pid" || load_rc=$?; }
state=$(sqlstate_of "$work/load.out")
rc=0
[[ $cancelled == t && $load_rc != 0 && $state == 57014 ]] || rc=1
ok "$rc" "cancelled load ends with SQLSTATE ${state:-none}"
((rc == 0)) || diag_file "$work/load.out"
rc=0
((elapsed <= 1000)) || rc=1
ok "$rc" "the load ended ${elapsed} ms after the cancel request"

is_sales() {
	[[ $(query 'SELECT count(*) FROM sales') == "$1" ]]
}
rc=0
is_sales "$sales_before" || rc=1
ok "$rc" "sales unchanged after the cancel ($sales_before rows)"

# ------------------------------------------------- foreign key under a lock

victim=2000
cat >"$work/fk.csv" <<CSV
movie_id,movie_title,date,tickets_sold,revenue
1,Before,1900-01-02,1,1.00
$victim,Victim,1900-01-02,2,2.00
CSV

# start_session_a: session A in the background, fed through a fifo on fd 3.
start_session_a() {
	rm -f "$work/a.fifo"
	mkfifo "$work/a.fifo"
	PGAPPNAME=ma_conc_a timeout -k 5 60 "${psql_cmd[@]}" -A -t \
		<"$work/a.fifo" >"$work/a.out" 2>&1 &
	a_pid=$!
	background+=("$a_pid")
	exec 3>"$work/a.fifo"
}

# Succeeds once session $1 waits for a lock.
# shellcheck disable=SC2317  # called by wait_until
waiting_for_lock() {
	[[ $(query "SELECT wait_event_type FROM pg_stat_activity
		WHERE application_name = '$1'") == Lock ]]
}

# Succeeds once file $1 contains a line $2.
# shellcheck disable=SC2317  # called by wait_until
has_line() {
	grep -qx -- "$2" "$1" 2>/dev/null
}

# fk_round END: A deletes the victim, B loads fk.csv and must wait, A ends
# its transaction with END (COMMIT or ROLLBACK); B's output is in b.out.
fk_round() {
	local end=$1 rc
	start_session_a
	echo "BEGIN; DELETE FROM movies WHERE movie_id = $victim;" \
		"SELECT 'deleted';" >&3
	rc=0
	wait_until 10 has_line "$work/a.out" deleted || rc=1
	ok "$rc" "$end: session A deleted movie $victim in an open transaction"
	((rc == 0)) || diag_file "$work/a.out"

	bg_load ma_conc_b "$work/fk.csv" "$work/b.out"
	b_pid=$bg_pid
	rc=0
	wait_until 10 waiting_for_lock ma_conc_b || rc=1
	ok "$rc" "$end: session B's sales load waits for A's lock"

	echo "$end;" >&3
	exec 3>&-
	wait_until 10 exited "$a_pid" || true
	wait "$a_pid" 2>/dev/null || true
	b_rc=0
	if wait_until 10 exited "$b_pid"; then
		wait "$b_pid" || b_rc=$?
	else
		b_rc=124
	fi
}

fk_round COMMIT
state=$(sqlstate_of "$work/b.out")
rc=0
[[ $b_rc != 0 && $state == 23503 ]] && grep -q 'line 3' "$work/b.out" || rc=1
ok "$rc" "after A commits, B fails with SQLSTATE ${state:-none} naming line 3"
((rc == 0)) || diag_file "$work/b.out"
rc=0
is_sales "$sales_before" || rc=1
[[ $(query "SELECT count(*) FROM sales WHERE movie_id = $victim") == 0 ]] ||
	rc=1
ok "$rc" "sales unchanged, no row for the deleted movie"

# the same with a rollback: the movie stays, so B loads both rows
victim=1999
sed -i "s/^2000,/$victim,/" "$work/fk.csv"
fk_round ROLLBACK
rc=0
((b_rc == 0)) && [[ $(cat "$work/b.out") == 2 ]] || rc=1
ok "$rc" "after A rolls back, B loads its 2 rows"
((rc == 0)) || diag_file "$work/b.out"
rc=0
is_sales $((sales_before + 2)) || rc=1
ok "$rc" "sales has the 2 new rows"

echo "# run time $((SECONDS - start)) s"
if ((failures > 0)); then
	echo "# $failures of $testno tests failed"
	exit 1
fi
exit 0
