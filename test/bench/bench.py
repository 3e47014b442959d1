#!/usr/bin/python3
"""Time movie_load_csv against COPY on the same files, in one run.

Usage: test/bench/bench.py DATADIR [ROUNDS]

DATADIR holds movies_1m.csv, sales_1m.csv, movies_10m.csv and sales_10m.csv
(made by movie_gen; see run.sh) and must be readable by the server.  The
script connects with the usual PG* variables to a scratch server, creates a
database, and for each size measures, alternating the methods round by round:

  copy-keyed     COPY FROM into the extension's sales table, keys in place
  loader         movie_load_csv into the same table, keys in place
  copy-recipe    COPY into a bare table, then add the primary key, the date
                 index and the foreign key (the fastest way to the same end
                 state with COPY)

then appends 1M rows to the 10M-row table with COPY and with the loader.
It prints a table with the median time, rows and MB per second, the ratio to
COPY into the keyed table, and the backend's peak private memory (RssAnon,
sampled every 50 ms).  Needs python3-psycopg and read access to /proc.
"""

import os
import statistics
import sys
import threading
import time

import psycopg

DB = "movie_bench"


class PeakMemory:
    """Sample a process's private resident memory until stopped."""

    def __init__(self, pid):
        self.pid = pid
        self.peak_kb = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def sample(self):
        try:
            with open(f"/proc/{self.pid}/status") as f:
                for line in f:
                    if line.startswith("RssAnon:"):
                        self.peak_kb = max(self.peak_kb, int(line.split()[1]))
        except OSError:
            pass

    def run(self):
        while not self.stop.is_set():
            self.sample()
            time.sleep(0.05)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()
        self.sample()


def timed(conn, statements, checkpoint=True):
    """Run statements on conn; return (seconds, peak backend MB)."""
    pid = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
    if checkpoint:
        conn.execute("CHECKPOINT")
    with PeakMemory(pid) as mem:
        start = time.monotonic()
        for sql in statements:
            conn.execute(sql)
        elapsed = time.monotonic() - start
    return elapsed, mem.peak_kb / 1024


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    datadir = os.path.abspath(sys.argv[1])
    rounds = int(sys.argv[2]) if len(sys.argv) == 3 else 3

    admin = psycopg.connect(dbname="postgres", autocommit=True)
    admin.execute(f"DROP DATABASE IF EXISTS {DB}")
    admin.execute(f"CREATE DATABASE {DB}")
    results = []

    with psycopg.connect(dbname=DB, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION movie_analytics")
        conn.execute("""CREATE TABLE sales_bare (movie_id bigint NOT NULL,
                        movie_title text, sale_date date NOT NULL,
                        tickets_sold bigint CHECK (tickets_sold >= 0),
                        revenue numeric CHECK (revenue >= 0))""")

    for size in ("1m", "10m"):
        movies = os.path.join(datadir, f"movies_{size}.csv")
        sales = os.path.join(datadir, f"sales_{size}.csv")
        mb = os.path.getsize(sales) / 1e6
        with psycopg.connect(dbname=DB, autocommit=True) as conn:
            conn.execute("TRUNCATE sales, movies, sales_bare")
            conn.execute("ALTER TABLE sales_bare DROP CONSTRAINT IF EXISTS sales_bare_movie_id_fkey")
            conn.execute("ALTER TABLE sales_bare DROP CONSTRAINT IF EXISTS sales_bare_pkey")
            conn.execute("DROP INDEX IF EXISTS sales_bare_sale_date_idx")
            conn.execute("SELECT movie_load_csv('movies', %s)", (movies,))
            rows = sum(1 for _ in open(sales, "rb")) - 1

        methods = {
            "copy-keyed": [
                "TRUNCATE sales",
                None,
                f"COPY sales (movie_id, movie_title, sale_date, tickets_sold, revenue) "
                f"FROM '{sales}' CSV HEADER"],
            "loader": [
                "TRUNCATE sales",
                None,
                f"SELECT movie_load_csv('sales', '{sales}')"],
            "copy-recipe": [
                "ALTER TABLE sales_bare DROP CONSTRAINT IF EXISTS sales_bare_movie_id_fkey; "
                "ALTER TABLE sales_bare DROP CONSTRAINT IF EXISTS sales_bare_pkey; "
                "DROP INDEX IF EXISTS sales_bare_sale_date_idx; TRUNCATE sales_bare",
                None,
                f"COPY sales_bare FROM '{sales}' CSV HEADER",
                "ALTER TABLE sales_bare ADD PRIMARY KEY (movie_id, sale_date)",
                "CREATE INDEX sales_bare_sale_date_idx ON sales_bare (sale_date)",
                "ALTER TABLE sales_bare ADD FOREIGN KEY (movie_id) REFERENCES movies (movie_id)"],
        }
        times = {m: [] for m in methods}
        peaks = {m: [] for m in methods}
        for r in range(rounds):
            order = list(methods) if r % 2 == 0 else list(reversed(methods))
            for m in order:
                with psycopg.connect(dbname=DB, autocommit=True) as conn:
                    split = methods[m].index(None)
                    for sql in methods[m][:split]:
                        conn.execute(sql)
                    t, peak = timed(conn, methods[m][split + 1:])
                times[m].append(t)
                peaks[m].append(peak)
                print(f"  {size} round {r + 1} {m:12} {t:8.2f} s", file=sys.stderr)
        base = statistics.median(times["copy-keyed"])
        for m in methods:
            t = statistics.median(times[m])
            results.append((size, m, rows, t, rows / t, mb / t, base / t, max(peaks[m])))

        if size == "10m":
            # append 1M new rows (the same movies, 400 days later) to 10M
            append = os.path.join(datadir, "sales_append_1m.csv")
            with psycopg.connect(dbname=DB, autocommit=True) as conn:
                conn.execute(f"""COPY (SELECT movie_id, movie_title, sale_date + 400 AS date,
                                       tickets_sold, revenue FROM sales
                                       ORDER BY movie_id, sale_date LIMIT 1000000)
                                 TO '{append}' CSV HEADER""")
            amb = os.path.getsize(append) / 1e6
            atimes = {"append-copy": [], "append-loader": []}
            apeaks = {"append-copy": [], "append-loader": []}
            for r in range(rounds):
                for m in (["append-copy", "append-loader"] if r % 2 == 0
                          else ["append-loader", "append-copy"]):
                    with psycopg.connect(dbname=DB, autocommit=True) as conn:
                        sql = (f"COPY sales (movie_id, movie_title, sale_date, tickets_sold, revenue) "
                               f"FROM '{append}' CSV HEADER" if m == "append-copy" else
                               f"SELECT movie_load_csv('sales', '{append}')")
                        conn.execute("CHECKPOINT")
                        conn.execute("BEGIN")
                        t, peak = timed(conn, [sql], checkpoint=False)
                        conn.execute("ROLLBACK")
                    atimes[m].append(t)
                    apeaks[m].append(peak)
                    print(f"  append round {r + 1} {m:14} {t:8.2f} s", file=sys.stderr)
            base = statistics.median(atimes["append-copy"])
            for m in atimes:
                t = statistics.median(atimes[m])
                results.append(("+1m on 10m", m, 1000000, t, 1000000 / t, amb / t,
                                base / t, max(apeaks[m])))

    admin.execute(f"DROP DATABASE IF EXISTS {DB}")

    print()
    print(f"{'file':12} {'method':14} {'rows':>10} {'median s':>9} {'rows/s':>11} "
          f"{'MB/s':>7} {'x COPY':>7} {'peak MB':>8}")
    for size, m, rows, t, rps, mbps, ratio, peak in results:
        print(f"{size:12} {m:14} {rows:>10} {t:>9.2f} {rps:>11.0f} {mbps:>7.1f} "
              f"{ratio:>7.2f} {peak:>8.1f}")
    loader = {r[0]: r for r in results if r[1] == "loader"}
    recipe = {r[0]: r for r in results if r[1] == "copy-recipe"}
    print()
    print(f"10m: loader vs COPY into the keyed table: {loader['10m'][6]:.2f}x; "
          f"vs the COPY recipe: {recipe['10m'][3] / loader['10m'][3]:.2f}x; "
          f"loader peak memory 10m - 1m: {loader['10m'][7] - loader['1m'][7]:.1f} MB")


if __name__ == "__main__":
    main()
