#!/usr/bin/env bash
#
# hostile.sh: TAP test that the loader refuses hostile input cleanly.
#
# Usage: prove --exec bash test/t/hostile.sh   (test/check.sh does this)
#
# Needs a server the PG* environment variables point at, with the extension
# installed, and a superuser role (test/check.sh runs it in a pg_virtualenv
# cluster).  Creates and drops the database ma_hostile.  Loads
# data/movies.csv, then sends each file of a generated corpus (truncated
# files, seeded binary garbage, NUL bytes, huge fields, records and headers,
# bad quoting, numbers and dates, a lone byte-order mark, UTF-16) through
# movie_load_csv_data as a base64 bound value, and expects an error with its
# SQLSTATE and no change to movies, sales or movie_load_rejects.  Then the
# record-level cases again with on_error => 'skip': an error, or rejected
# records and counts that add up.  Finally the server must not have crashed.

set -euo pipefail

# shellcheck source=test/tap.sh
source "$(dirname "${BASH_SOURCE[0]}")/../tap.sh"

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"

db=ma_hostile
work=$(mktemp -d)

# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
	dropdb --if-exists "$db" >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT

psql_cmd=(psql -X -q -v ON_ERROR_STOP=1 -d "$db")

# The loads' statements carry whole files: keep them out of the server log.
export PGOPTIONS="${PGOPTIONS:-} -c log_min_error_statement=panic"




# Print the result of a query, unaligned, or nothing if it failed.
query() {
	"${psql_cmd[@]}" -A -t -c "$1" </dev/null || true
}

# Row counts of the three tables a load may change, as "movies sales rejects".
counts() {
	query "SELECT (SELECT count(*) FROM movies) || ' ' ||
		(SELECT count(*) FROM sales) || ' ' ||
		(SELECT count(*) FROM movie_load_rejects)"
}

# Deterministic pseudo-random bytes: seeded 31-bit linear congruential
# generator, high bits of each step.  gen_bytes SEED COUNT
gen_bytes() {
	perl -e 'use integer; my ($x, $n) = @ARGV; binmode STDOUT;
		my $out = "";
		for (1 .. $n) {
			$x = ($x * 1103515245 + 12345) & 0x7fffffff;
			$out .= chr(($x >> 16) & 0xff);
		}
		print $out;' "$1" "$2"
}

# load TARGET FILE OPTIONS OUTFILE: send FILE to movie_load_csv_data as a
# base64 bound value with verbose errors; prints "rows_loaded|rows_rejected"
# into OUTFILE on success, the error otherwise.  Returns psql's status.
load() {
	local target=$1 file=$2 options=$3 out=$4
	"${psql_cmd[@]}" -A -t -v target="$target" -v file="$file" \
		>"$out" 2>&1 <<SQL
\\set VERBOSITY verbose
\\set content \`base64 -w0 :'file'\`
SELECT rows_loaded || '|' || rows_rejected
FROM movie_load_csv_data(:'target', decode(:'content', 'base64')$options);
SQL
}

# Set loaded and rejected from the result line of a load's output file
# (both empty if there is none).
result() {
	IFS='|' read -r loaded rejected \
		< <(grep -E '^[0-9]+[|][0-9]+$' "$1") || true
}

# The SQLSTATE of the first ERROR in a psql output file, or nothing.
sqlstate_of() {
	sed -n 's/^\(psql:[^ ]* \)\{0,1\}ERROR:  \([0-9A-Z]\{5\}\): .*/\2/p' "$1" |
		head -1
}

# ---------------------------------------------------------------- corpus

movies_header=$(head -1 data/movies.csv)
sales_header="movie_id,movie_title,date,tickets_sold,revenue"
movie_line="9001,Hostile Title,Drama,2020-01-01,PG,Studio,100,1000,2000,3000"
movie_line+=",5000,7.5,10,20"
sale_line="1,$(sed -n 2p data/movies.csv | cut -d, -f2),2024-08-23,1,12.81"

# Each case: NAME TARGET EXPECTED-SQLSTATE-REGEX SKIP-TOO; todo[NAME] marks
# the tests of a case that shows a known defect (TAP TODO, reason given).
cases=()
declare -A todo=()

# add_case NAME TARGET SQLSTATE-REGEX SKIP(yes|no): the file is $work/NAME
add_case() {
	cases+=("$1 $2 $3 $4")
}

c() {
	echo "$work/$1"
}

# truncated in the middle of a quoted field, and of a UTF-8 sequence
{
	echo "$sales_header"
	echo "$sale_line"
	printf '1,"Half a tit'
} >"$(c trunc_mid_quote)"
add_case trunc_mid_quote sales '22P04' yes
{
	echo "movie_id,genre,title"
	printf '9001,Drama,Caf\xc3\xa9 ok\n9002,Drama,Caf\xc3'
} >"$(c trunc_mid_utf8)"
add_case trunc_mid_utf8 movies '22021' yes

# seeded binary garbage: alone, after a valid header, and after valid rows
gen_bytes 1 4096 >"$(c garbage_seed1)"
add_case garbage_seed1 movies '22...|42...|54000' no
{
	echo "$sales_header"
	gen_bytes 2 8192
} >"$(c garbage_after_header_seed2)"
add_case garbage_after_header_seed2 sales '22...|23...|54000' yes
{
	echo "$movies_header"
	echo "$movie_line"
	gen_bytes 3 8192
} >"$(c garbage_after_row_seed3)"
add_case garbage_after_row_seed3 movies '22...|23...|54000' yes

# NUL bytes in a text field, in a number and in the header
{
	echo "movie_id,title"
	printf '9001,Nul\0here\n'
} >"$(c nul_in_text)"
add_case nul_in_text movies '22021' yes
{
	echo "movie_id,title"
	printf '90\00001,Title\n'
} >"$(c nul_in_number)"
add_case nul_in_number movies '22P02' yes
printf 'movie_id,ti\0tle\n9001,Title\n' >"$(c nul_in_header)"
add_case nul_in_header movies '42703' no

# a 1 MB field: digits in a bigint column, and text in a date column
{
	echo "$sales_header"
	printf '1,Title,2024-01-01,'
	head -c 1048576 /dev/zero | tr '\0' 7
	printf ',1.00\n'
} >"$(c field_1mb_number)"
add_case field_1mb_number sales '22003' yes
{
	echo "$sales_header"
	printf '1,Title,'
	head -c 1048576 /dev/zero | tr '\0' x
	printf ',1,1.00\n'
} >"$(c field_1mb_date)"
add_case field_1mb_date sales '22007' yes

# 100,000 columns in the header, and in a row
seq -f 'c%g' 1 100000 | paste -sd, - >"$(c header_100k_columns)"
echo "9001,Title" >>"$(c header_100k_columns)"
add_case header_100k_columns movies '54000' no
{
	echo "movie_id,title"
	seq 1 100000 | paste -sd, -
} >"$(c row_100k_columns)"
add_case row_100k_columns movies '22P04' yes

# unbalanced and misplaced quotes
{
	echo "movie_id,title"
	echo '9001,"Open quote'
	echo '9002,Never closed'
} >"$(c quote_unclosed)"
add_case quote_unclosed movies '22P04' yes
{
	echo "movie_id,title"
	echo '9001,Mis"placed'
} >"$(c quote_in_unquoted)"
add_case quote_in_unquoted movies '22P04' yes
{
	echo "movie_id,title"
	echo '9001,"Closed"then more'
} >"$(c quote_text_after_close)"
add_case quote_text_after_close movies '22P04' yes

# numbers past bigint and integer, and impossible dates
{
	echo "movie_id,title,budget"
	echo "9001,Title,9223372036854775808"
} >"$(c bigint_overflow)"
add_case bigint_overflow movies '22003' yes
{
	echo "movie_id,title"
	echo "-9223372036854775809,Title"
} >"$(c bigint_underflow_key)"
add_case bigint_underflow_key movies '22003' yes
{
	echo "movie_id,title,runtime_minutes"
	echo "9001,Title,2147483648"
} >"$(c integer_overflow)"
add_case integer_overflow movies '22003' yes
{
	echo "movie_id,title,imdb_rating"
	echo "9001,Title,7.25"
} >"$(c rating_too_precise)"
add_case rating_too_precise movies '22003' yes
{
	echo "$sales_header"
	echo "1,Title,2019-02-30,1,1.00"
} >"$(c date_feb30)"
add_case date_feb30 sales '22008' yes
{
	echo "$sales_header"
	echo "1,Title,1900-02-29,1,1.00"
} >"$(c date_1900_feb29)"
add_case date_1900_feb29 sales '22008' yes

# a 70 MB record, past the 64 MB limit (one quoted text field)
{
	echo "movie_id,title"
	printf '9001,"'
	head -c $((70 * 1024 * 1024)) /dev/zero | tr '\0' a
	printf '"\n'
} >"$(c record_70mb)"
add_case record_70mb movies '54000' no

# nothing but a byte-order mark; an empty input
printf '\xef\xbb\xbf' >"$(c bom_only)"
add_case bom_only movies '22P04' no
: >"$(c empty)"
add_case empty movies '22P04' no

# UTF-16 with a byte-order mark, both byte orders, and without one
head -3 data/movies.csv | iconv -f UTF-8 -t UTF-16LE |
	{ printf '\xff\xfe'; cat; } >"$(c utf16le_bom)"
add_case utf16le_bom movies '22021' no
head -3 data/movies.csv | iconv -f UTF-8 -t UTF-16BE |
	{ printf '\xfe\xff'; cat; } >"$(c utf16be_bom)"
add_case utf16be_bom movies '22021' no
head -3 data/movies.csv | iconv -f UTF-8 -t UTF-16LE >"$(c utf16le_no_bom)"
add_case utf16le_no_bom movies '42703|22P04' no

# a good row before a bad one: all or nothing
{
	echo "$movies_header"
	echo "$movie_line"
	echo "9002,Bad,Drama,2020-13-01,PG,Studio,100,1000,2000,3000,5000,7.5,10,20"
} >"$(c good_then_bad)"
add_case good_then_bad movies '22008' yes

# keys: a movie already loaded, a sale for an unknown movie
{
	echo "movie_id,title"
	echo "1,Again"
} >"$(c duplicate_movie)"
add_case duplicate_movie movies '23505' yes
{
	echo "$sales_header"
	echo "424242,Nobody,2024-01-01,1,1.00"
} >"$(c unknown_movie)"
add_case unknown_movie sales '23503' yes

# a carriage return that is not part of a line end
{
	echo "movie_id,title"
	printf '9001,One\r9002,Two\n'
} >"$(c bare_cr)"
add_case bare_cr movies '22P04' yes
{
	echo "title,movie_id"
	printf 'One,9001\r"Two\nlines",9002\n'
} >"$(c bare_cr_before_quoted)"
add_case bare_cr_before_quoted movies '22P04' yes

# ---------------------------------------------------------------- tests

# Remove what a case may have loaded (its movie ids are 9000 and above;
# data/movies.csv has 1 to 500), so that every case starts alike.
forget_case() {
	query 'DELETE FROM movies WHERE movie_id >= 9000' >/dev/null
}

plan=$((2 + 2 * ${#cases[@]} + 4))
for entry in "${cases[@]}"; do
	read -r _ _ _ skip <<<"$entry"
	[[ $skip == yes ]] && plan=$((plan + 1))
done
echo "1..$plan"

start=$SECONDS
setup() {
	dropdb --if-exists "$db" &&
		createdb "$db" &&
		"${psql_cmd[@]}" -c 'CREATE EXTENSION movie_analytics' &&
		load movies data/movies.csv "" "$work/out"
}
rc=0
setup >"$work/setup.log" 2>&1 || rc=$?
ok "$rc" "database created and data/movies.csv loaded"
((rc == 0)) || {
	diag_file "$work/setup.log"
	diag_file "$work/out"
}

# how to tell later whether the server crashed
collector=$(query 'SHOW logging_collector')
logfile=$(query 'SELECT pg_current_logfile()')
logstart=0
if [[ $collector == on && -n $logfile ]]; then
	logstart=$(query "SELECT size FROM pg_stat_file('$logfile')")
fi
postmaster_start=$(query 'SELECT pg_postmaster_start_time()')
checkpointer_sql="SELECT pid FROM pg_stat_activity
	WHERE backend_type = 'checkpointer'"
checkpointer=$(query "$checkpointer_sql")
rc=0
[[ -n $postmaster_start && -n $checkpointer ]] || rc=1
ok "$rc" "server start time and checkpointer recorded"

# Every case with the default on_error => 'stop'.
for entry in "${cases[@]}"; do
	read -r name target want _ <<<"$entry"
	before=$(counts)
	rc=0
	load "$target" "$work/$name" "" "$work/out" || rc=$?
	state=$(sqlstate_of "$work/out")
	after=$(counts)
	if ((rc != 0)) && [[ $state =~ ^($want)$ && $after == "$before" ]]; then
		ok 0 "$name: error $state, tables unchanged" "${todo[$name]:-}"
	else
		ok 1 "$name: error matching $want, tables unchanged" \
			"${todo[$name]:-}"
		echo "#   psql exit $rc, SQLSTATE '$state'," \
			"counts before '$before' after '$after'"
		diag_file "$work/out"
	fi
	rc=0
	[[ -n $(query 'SELECT 1') ]] || rc=1
	ok "$rc" "$name: server still answers"
	forget_case
done

# The record-level cases with on_error => 'skip': an error (tables
# unchanged), or rejected records, with the counts adding up.
for entry in "${cases[@]}"; do
	read -r name target _ skip <<<"$entry"
	[[ $skip == yes ]] || continue
	before=$(counts)
	rc=0
	load "$target" "$work/$name" ", on_error => 'skip'" "$work/out" || rc=$?
	after=$(counts)
	read -r m0 s0 r0 <<<"$before"
	read -r m1 s1 r1 <<<"$after"
	if ((rc != 0)); then
		state=$(sqlstate_of "$work/out")
		if [[ -n $state && $after == "$before" ]]; then
			ok 0 "$name, skip: error $state, tables unchanged" \
				"${todo[$name]:-}"
		else
			ok 1 "$name, skip: error with a SQLSTATE, tables unchanged" \
				"${todo[$name]:-}"
			echo "#   SQLSTATE '$state', counts before '$before' after '$after'"
			diag_file "$work/out"
		fi
		forget_case
		continue
	fi
	result "$work/out"
	if [[ $target == movies ]]; then
		grew=$((m1 - m0))
		other=$((s1 - s0))
	else
		grew=$((s1 - s0))
		other=$((m1 - m0))
	fi
	if ((rejected > 0 && grew == loaded && other == 0 &&
		r1 - r0 == rejected)); then
		ok 0 "$name, skip: $loaded loaded, $rejected rejected, counts agree" \
			"${todo[$name]:-}"
	else
		ok 1 "$name, skip: rejected records and counts that agree" \
			"${todo[$name]:-}"
		echo "#   loaded '$loaded' rejected '$rejected'," \
			"counts before '$before' after '$after'"
		diag_file "$work/out"
	fi
	forget_case
done

# A carriage return on a last line that has no line end makes that line
# one malformed record: with skip, none of it may load.
printf 'movie_id,title,genre\n9011,One\r9012,Two' >"$work/bare_cr_last_line"
load movies "$work/bare_cr_last_line" ", on_error => 'skip'" "$work/out" || true
result "$work/out"
rc=0
[[ ${loaded:-} == 0 ]] || rc=1
ok "$rc" "bare_cr_last_line, skip: nothing loaded"
((rc == 0)) || echo "#   loaded '${loaded:-}', rejected '${rejected:-}': movie" \
	"$(query "SELECT concat_ws(',', movie_id, title, genre) FROM movies
		WHERE movie_id = 9011")"

# No crash: the log has no trace of one, or the server was not restarted.
if [[ $collector == on && -n $logfile ]]; then
	size=$(query "SELECT size FROM pg_stat_file('$logfile')")
	query "SELECT pg_read_file('$logfile', $logstart, $size - $logstart)" \
		>"$work/server.log"
	rc=0
	grep -E 'terminated by signal|server process|PANIC|TRAP' \
		"$work/server.log" >"$work/crashes" && rc=1
	ok "$rc" "server log $logfile has no crash since the test started"
	((rc == 0)) || diag_file "$work/crashes"
else
	echo "# logging_collector is off: checking instead that the server was" \
		"not restarted"
	rc=0
	[[ -n $(query 'SELECT 1') ]] || rc=1
	ok "$rc" "server is up"
fi
rc=0
[[ $(query 'SELECT pg_postmaster_start_time()') == "$postmaster_start" ]] || rc=1
ok "$rc" "postmaster start time unchanged"
rc=0
[[ $(query "$checkpointer_sql") == "$checkpointer" ]] || rc=1
ok "$rc" "checkpointer not restarted (no crash recovery)"

echo "# run time $((SECONDS - start)) s"
if ((failures > 0)); then
	echo "# $failures of $testno tests failed"
	exit 1
fi
exit 0
