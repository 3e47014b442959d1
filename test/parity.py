#!/usr/bin/python3
"""Check movie_analytics against reference outputs computed elsewhere.

Usage: test/parity.py DIR

DIR holds raw/movies_raw.csv and raw/daily_sales_raw.csv (the input files)
and processed/ with genre_stats.csv, studio_stats.csv, monthly_sales.csv,
top_grossing.csv and top_rated.csv (the reference results for those files).
The script connects with the usual PG* environment variables, loads the raw
files into a scratch database it creates and drops, and compares: counts
exactly, every other number within 0.01, rankings in order.  It prints one
line per check and exits 1 if any check fails.  Needs python3-psycopg.
"""

import csv
import os
import sys
from decimal import Decimal

import psycopg

TOLERANCE = Decimal("0.01")


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def close(a, b):
    if a is None or b is None or a == "" or b == "":
        return (a is None or a == "") and (b is None or b == "")
    return abs(Decimal(str(a)) - Decimal(str(b))) <= TOLERANCE


def compare_rows(name, ours, theirs, key, exact=(), approx=()):
    """Compare two lists of dicts keyed by key; return a list of problems."""
    problems = []
    mine = {str(r[key]): r for r in ours}
    if len(ours) != len(theirs):
        problems.append(f"{len(ours)} rows, reference has {len(theirs)}")
    for ref in theirs:
        row = mine.get(ref[key])
        if row is None:
            problems.append(f"{key} {ref[key]} missing")
            continue
        for col in exact:
            if str(row[col]) != str(int(Decimal(ref[col]))):
                problems.append(f"{ref[key]}.{col}: {row[col]} != {ref[col]}")
        for col in approx:
            if not close(row[col], ref[col]):
                problems.append(f"{ref[key]}.{col}: {row[col]} != {ref[col]}")
    return problems


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    base = sys.argv[1]
    raw = os.path.join(base, "raw")
    processed = os.path.join(base, "processed")
    dbname = "movie_parity_check"

    with psycopg.connect(autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {dbname}")
        admin.execute(f"CREATE DATABASE {dbname}")
    failures = 0
    try:
        with psycopg.connect(dbname=dbname, autocommit=True) as conn:
            conn.execute("CREATE EXTENSION movie_analytics")
            for target, name in (("movies", "movies_raw.csv"),
                                 ("sales", "daily_sales_raw.csv")):
                with open(os.path.join(raw, name), "rb") as f:
                    n = conn.execute("SELECT rows_loaded FROM movie_load_csv_data(%s, %s)",
                                     (target, f.read())).fetchone()[0]
                print(f"loaded {n} rows into {target}")

            def rows(sql):
                cur = conn.execute(sql)
                cols = [d.name for d in cur.description]
                return [dict(zip(cols, r)) for r in cur.fetchall()]

            checks = [
                ("genre_stats.csv",
                 compare_rows("genre", rows("SELECT * FROM movie_genre_stats()"),
                              read_csv(os.path.join(processed, "genre_stats.csv")),
                              "genre", exact=("movie_count", "total_gross"),
                              approx=("avg_budget", "median_budget", "avg_gross",
                                      "median_gross", "avg_rating", "avg_profit",
                                      "median_profit"))),
                ("studio_stats.csv",
                 compare_rows("studio", rows("SELECT * FROM movie_studio_stats()"),
                              read_csv(os.path.join(processed, "studio_stats.csv")),
                              "studio", exact=("movie_count", "total_budget", "total_gross"),
                              approx=("avg_budget", "avg_gross", "avg_rating"))),
                ("monthly_sales.csv",
                 compare_rows("month",
                              [dict(r, ym=f"{r['year']}-{r['month']}")
                               for r in rows("SELECT * FROM movie_monthly_sales()")],
                              [dict(r, ym=f"{r['year']}-{r['month']}")
                               for r in read_csv(os.path.join(processed, "monthly_sales.csv"))],
                              "ym", exact=("total_tickets", "unique_movies"),
                              approx=("total_revenue",))),
            ]
            for metric, name, col in (("revenue", "top_grossing.csv", "total_gross"),
                                      ("rating", "top_rated.csv", "imdb_rating")):
                ref = read_csv(os.path.join(processed, name))
                ours = rows(f"SELECT title, total_gross, imdb_rating "
                            f"FROM movie_top_performers('{metric}', {len(ref)})")
                problems = [f"rank {i + 1}: {o['title']} != {r['title']}"
                            for i, (o, r) in enumerate(zip(ours, ref))
                            if o["title"] != r["title"] or not close(o[col], r[col])]
                if len(ours) != len(ref):
                    problems.append(f"{len(ours)} rows, reference has {len(ref)}")
                checks.append((name, problems))

            for name, problems in checks:
                status = "ok" if not problems else "MISMATCH"
                print(f"{name:20} {status}")
                for p in problems[:10]:
                    print(f"    {p}")
                failures += bool(problems)
    finally:
        with psycopg.connect(autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {dbname}")
    print(f"parity: {len(checks) - failures} passed, {failures} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
