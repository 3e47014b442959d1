#!/usr/bin/env bash
#
# demo.sh: build and install movie_analytics, load the sample data and show
# what the extension computes from it.
#
# Usage: test/demo.sh            (from any directory, no input needed)
#
# Installs missing Debian packages (as root), builds and installs the
# extension, then in a throw-away PostgreSQL 15 cluster (pg_virtualenv)
# creates a database, loads data/movies.csv and data/sales.csv with the
# server-side loader movie_load_csv(), and prints movie_overview() and the
# top 10 movies by revenue.  Exits non-zero on any failure.

set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

packages=(
	postgresql-15
	postgresql-server-dev-15
	libcsv-dev
	make
	gcc
)

# shellcheck source=test/packages.sh
source "$root/test/packages.sh"

# Inside the throw-away cluster: load the data and run the analyses.
if [[ ${1:-} == --in-cluster ]]; then
	db=movie_demo

	# The server runs as postgres and may not be able to read the work
	# tree, so it loads copies from a directory it can read.
	datadir=$(mktemp -d /tmp/movie_analytics_demo.XXXXXX)
	trap 'rm -rf "$datadir"' EXIT
	cp data/movies.csv data/sales.csv "$datadir/"
	chmod 755 "$datadir"
	chmod 644 "$datadir/movies.csv" "$datadir/sales.csv"

	createdb "$db"
	psql -X -q -v ON_ERROR_STOP=1 -d "$db" \
		-v movies_csv="$datadir/movies.csv" \
		-v sales_csv="$datadir/sales.csv" <<'SQL'
CREATE EXTENSION movie_analytics;
\echo
\echo Loading the sample data:
SELECT * FROM movie_load_csv('movies', :'movies_csv');
SELECT * FROM movie_load_csv('sales', :'sales_csv');
\echo Overview:
\x on
SELECT * FROM movie_overview();
\x off
\echo Top 10 movies by revenue:
SELECT rank, movie_id, title, genre, studio, total_gross, profit, roi
FROM movie_top_performers('revenue', 10);
SQL
	exit 0
fi

install_missing_packages "${packages[@]}"

echo "Building and installing movie_analytics ..."
if ! make -s </dev/null; then
	echo "demo.sh: make failed" >&2
	exit 1
fi
if ! make -s install </dev/null; then
	echo "demo.sh: make install failed" >&2
	exit 1
fi

# Settings meant for another server must not leak into the throw-away
# cluster (pg_virtualenv would even create it on an inherited PGPORT).
unset PGHOST PGHOSTADDR PGPORT PGDATABASE PGUSER PGPASSWORD PGPASSFILE \
	PGSERVICE PGSERVICEFILE PGCLUSTER PGSYSCONFDIR PG_CLUSTER_CONF_ROOT

# -t keeps the cluster in a temporary directory even as root, so that
# concurrent runs cannot collide on /etc/postgresql/15/regress.
if ! pg_virtualenv -t -v 15 bash "$root/test/demo.sh" --in-cluster </dev/null; then
	echo "demo.sh: the demo failed" >&2
	exit 1
fi
