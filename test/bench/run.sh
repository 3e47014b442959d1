#!/usr/bin/env bash
#
# run.sh: benchmark movie_load_csv against COPY and print a table.
#
# Usage: test/bench/run.sh [ROUNDS]      (as root, from any directory)
#
# Builds and installs the extension (the packages test/check.sh installs
# must be present), makes 1M- and 10M-row sales files and their movies files
# with the project's generator, starts a throwaway PostgreSQL 15 cluster
# with pg_virtualenv, and runs test/bench/bench.py (default 3 rounds; a run
# takes about 10 minutes with 3 rounds on 2 cores).  Generated files go to a
# temporary directory that is removed at the end.

set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
rounds=${1:-3}

make -s
make -s install

data=$(mktemp -d /tmp/movie_bench.XXXXXX)
trap 'rm -rf "$data"' EXIT
chmod 755 "$data"

# about 348 days of sales per top movie: 2,870 and 28,700 movies make 1M and 10M rows
./movie_gen --movies 3000 --top 2870 --seed 7 --out "$data"
mv "$data/movies.csv" "$data/movies_1m.csv"
mv "$data/sales.csv" "$data/sales_1m.csv"
./movie_gen --movies 30000 --top 28700 --seed 7 --out "$data"
mv "$data/movies.csv" "$data/movies_10m.csv"
mv "$data/sales.csv" "$data/sales_10m.csv"
chmod 644 "$data"/*.csv
chmod 777 "$data"

# the same server settings for every method; WAL is sized so that no
# method is slowed by checkpoints forced in the middle of its load
unset PGHOST PGPORT PGDATABASE PGUSER PGCLUSTER PGSERVICE
pg_virtualenv -t -v 15 -o max_wal_size=16GB -o checkpoint_timeout=1h \
	/usr/bin/python3 test/bench/bench.py "$data" "$rounds"
