#!/usr/bin/env bash
#
# bi_client.sh: use movie_analytics the way a BI tool does, through a real
# client library (psycopg 3, extended query protocol with bound parameters)
# rather than psql.  Prints TAP.
#
# Usage: prove --exec bash test/t/bi_client.sh   (PG* variables point at a
#        scratch cluster; run from the repository root)

set -euo pipefail

db=ma_bi_client
export PGDATABASE=postgres
dropdb --if-exists "$db" >/dev/null 2>&1
createdb "$db"
trap 'dropdb --if-exists "$db" >/dev/null 2>&1 || true' EXIT

PGDATABASE=$db /usr/bin/python3 - <<'PYEOF'
import sys
import psycopg

results = []


def ok(cond, name):
    results.append(bool(cond))
    print(f"{'ok' if cond else 'not ok'} {len(results)} - {name}")


conn = psycopg.connect(autocommit=True)
cur = conn.cursor()
cur.execute("CREATE EXTENSION movie_analytics")

# loading with a bound bytea parameter needs no file on the server
for target, path in (("movies", "data/movies.csv"), ("sales", "data/sales.csv")):
    with open(path, "rb") as f:
        content = f.read()
    cur.execute("SELECT rows_loaded FROM movie_load_csv_data(%s, %s)", (target, content))
    ok(cur.fetchone()[0] == content.count(b"\n") - 1, f"{target} loaded with a bound bytea")

# views, as a BI tool browses them, with their comments
cur.execute("""SELECT c.relname, obj_description(c.oid, 'pg_class')
               FROM pg_class c JOIN pg_depend d ON d.objid = c.oid
               JOIN pg_extension e ON e.oid = d.refobjid
               WHERE e.extname = 'movie_analytics' AND c.relkind = 'v'""")
views = dict(cur.fetchall())
ok(len(views) >= 8 and all(views.values()), "every view has a comment")
for view in sorted(views):
    cur.execute(f"SELECT * FROM {view}")
    rows = cur.fetchall()
    ok(len(rows) > 0 and len(cur.description) > 0, f"view {view} returns rows")

# functions with bound parameters, checked against plain SQL
cur.execute("SELECT * FROM movie_genre_stats(genres => %s, min_budget => %s)",
            (["Drama", "Horror"], 5000000))
genres = {r[0]: r for r in cur.fetchall()}
cur.execute("""SELECT genre, count(*) FROM movies
               WHERE genre = ANY(%s) AND budget >= %s GROUP BY genre""",
            (["Drama", "Horror"], 5000000))
ok(genres.keys() == {"Drama", "Horror"} and
   all(genres[g][1] == n for g, n in cur.fetchall()),
   "genre statistics with bound array and bigint filters")

cur.execute("SELECT movie_id FROM movie_top_performers(%s, %s, released_from => %s)",
            ("profit", 7, "2020-01-01"))
top = [r[0] for r in cur.fetchall()]
cur.execute("""SELECT movie_id FROM movies WHERE release_date >= %s
               ORDER BY profit DESC NULLS LAST, movie_id LIMIT %s""", ("2020-01-01", 7))
ok(top == [r[0] for r in cur.fetchall()], "top performers with bound metric, n and date")

cur.execute("SELECT * FROM movie_overview(studios => %s)", (["Disney"],))
overview = cur.fetchone()
cur.execute("SELECT count(*), sum(total_gross) FROM movies WHERE studio = %s", ("Disney",))
n, gross = cur.fetchone()
ok(overview[0] == n and overview[1] == gross, "overview with a bound studio filter")

cur.execute("SELECT movie_analytics_report(genres => %s)", (["Comedy"],))
report = cur.fetchone()[0]
ok(isinstance(report, dict) and report["filters"]["genres"] == ["Comedy"]
   and report["overview"]["total_movies"] > 0, "the JSON report arrives as a document")

# the same statement prepared once and run with different parameters
for metric in ("revenue", "rating", "roi", "tickets"):
    cur.execute("SELECT count(*) FROM movie_top_performers(%s, %s)", (metric, 3), prepare=True)
    ok(cur.fetchone()[0] == 3, f"prepared ranking by {metric}")

# a bad parameter is an error with a SQLSTATE, and the session goes on
try:
    cur.execute("SELECT * FROM movie_top_performers(%s, %s)", ("gross", 3))
    ok(False, "unknown metric is refused")
except psycopg.errors.InvalidParameterValue as e:
    ok("revenue" in (e.diag.message_hint or ""), "unknown metric is refused with a hint")
cur.execute("SELECT 1")
ok(cur.fetchone()[0] == 1, "the session is usable after an error")

print(f"1..{len(results)}")
sys.exit(0 if all(results) else 1)
PYEOF
