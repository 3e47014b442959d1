#!/usr/bin/env bash
#
# dump_restore.sh: TAP test that a database using movie_analytics survives
# pg_dump and a plain-SQL restore with its data and results intact.
#
# Usage: prove --exec bash test/t/dump_restore.sh   (test/check.sh does this)
#
# Needs a server the PG* environment variables point at, on which the
# extension is installed, and a role allowed to create databases and the
# extension (test/check.sh runs it in a pg_virtualenv cluster).  The data
# is passed through psql, so the server needs no access to the work tree.
# Creates and drops the databases ma_dump_src and ma_dump_dst.

set -euo pipefail

# shellcheck source=test/tap.sh
source "$(dirname "${BASH_SOURCE[0]}")/../tap.sh"

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"

src=ma_dump_src
dst=ma_dump_dst
dumpfile=$(mktemp)
logfile=$(mktemp)

# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
	dropdb --if-exists "$src" >/dev/null 2>&1 || true
	dropdb --if-exists "$dst" >/dev/null 2>&1 || true
	rm -f "$dumpfile" "$logfile"
}
trap cleanup EXIT

psql_cmd=(psql -X -q -v ON_ERROR_STOP=1)

# Print the result of a query, unaligned, or nothing if it failed (its
# error goes to stderr).
query() {
	local db=$1 sql=$2
	"${psql_cmd[@]}" -A -t -d "$db" -c "$sql" </dev/null || true
}




# is GOT EXPECTED DESCRIPTION
is() {
	local got=$1 want=$2 desc=$3
	if [[ $got == "$want" ]]; then
		ok 0 "$desc"
	else
		ok 1 "$desc"
		echo "#   got:      '$got'"
		echo "#   expected: '$want'"
	fi
}

# Data lines of a CSV file (header excluded; counts a last line that has
# no newline too).
data_lines() {
	awk 'END { print NR - 1 }' "$1"
}

echo "1..11"

movies_lines=$(data_lines data/movies.csv)
sales_lines=$(data_lines data/sales.csv)

# Source database, loaded through psql: the file content travels as a
# psql variable (backtick substitution of its base64 form), decoded to bytea
# on the server, which keeps every byte of the file.
setup_src() {
	dropdb --if-exists "$src" &&
	createdb "$src" &&
	"${psql_cmd[@]}" -d "$src" <<'SQL'
CREATE EXTENSION movie_analytics;
\set content `base64 -w0 data/movies.csv`
SELECT * FROM movie_load_csv_data('movies', decode(:'content', 'base64'));
\set content `base64 -w0 data/sales.csv`
SELECT * FROM movie_load_csv_data('sales', decode(:'content', 'base64'));
\unset content
SQL
}
rc=0
setup_src >"$logfile" 2>&1 || rc=$?
ok "$rc" "source database created and data loaded through psql"
((rc == 0)) || diag_file "$logfile"

is "$(query "$src" 'SELECT count(*) FROM movies')" "$movies_lines" \
	"source: movies has one row per line of data/movies.csv"
is "$(query "$src" 'SELECT count(*) FROM sales')" "$sales_lines" \
	"source: sales has one row per line of data/sales.csv"

rc=0
pg_dump "$src" >"$dumpfile" 2>"$logfile" || rc=$?
ok "$rc" "pg_dump of the source database"
((rc == 0)) || diag_file "$logfile"

restore() {
	dropdb --if-exists "$dst" &&
	createdb "$dst" &&
	psql -X -q -v ON_ERROR_STOP=1 -d "$dst" -f "$dumpfile"
}
rc=0
restore >"$logfile" 2>&1 </dev/null || rc=$?
ok "$rc" "restore of the dump into a new database"
((rc == 0)) || diag_file "$logfile"

version_sql="SELECT extversion FROM pg_extension WHERE extname = 'movie_analytics'"
version_src=$(query "$src" "$version_sql")
version_dst=$(query "$dst" "$version_sql")
rc=0
[[ -n $version_dst ]] || rc=1
ok "$rc" "restored: extension movie_analytics is present"
is "$version_dst" "$version_src" "restored: extension has the version of the source"

is "$(query "$dst" 'SELECT count(*) FROM movies')" "$movies_lines" \
	"restored: movies has one row per line of data/movies.csv"
is "$(query "$dst" 'SELECT count(*) FROM sales')" "$sales_lines" \
	"restored: sales has one row per line of data/sales.csv"

overview_src=$(query "$src" 'SELECT * FROM movie_overview()')
overview_dst=$(query "$dst" 'SELECT * FROM movie_overview()')
rc=0
[[ -n $overview_src ]] || rc=1
ok "$rc" "source: movie_overview() returns a row"
is "$overview_dst" "$overview_src" "restored: movie_overview() gives the same result"

if ((failures > 0)); then
	echo "# $failures of $testno tests failed"
	exit 1
fi
exit 0
