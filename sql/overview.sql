--
-- The overview and its two aggregates: empty tables, agreement with plain
-- SQL on the sample data, use in users' own GROUP BY, and parallel plans.
--
SET datestyle = ISO;
TRUNCATE sales, movies;

-- Empty tables give zeros and NULLs, not an error.
SELECT * FROM movie_overview();

\set movies_csv `cat data/movies.csv`
\set sales_csv `cat data/sales.csv`
SELECT * FROM movie_load_csv_data('movies', convert_to(:'movies_csv', 'UTF8'));
SELECT * FROM movie_load_csv_data('sales', convert_to(:'sales_csv', 'UTF8'));

\x on
SELECT * FROM movie_overview();
\x off

-- Every figure equals the plain SQL computation of its definition.
WITH o AS (SELECT * FROM movie_overview()),
m AS (
	SELECT count(*) AS total_movies,
		sum(total_gross) AS total_revenue,
		round(avg(imdb_rating), 2) AS avg_rating,
		count(*) FILTER (WHERE total_gross > budget) AS profitable,
		round(100.0 * count(*) FILTER (WHERE total_gross > budget) /
			  count(*) FILTER (WHERE total_gross IS NOT NULL AND budget IS NOT NULL), 2) AS pct,
		round(avg(roi), 2) AS avg_roi,
		count(DISTINCT genre) AS genres, count(DISTINCT studio) AS studios,
		min(release_date) AS first_release, max(release_date) AS last_release
	FROM movies),
s AS (
	SELECT sum(tickets_sold) AS tickets, round(sum(revenue), 2) AS revenue,
		round(avg(tickets_sold), 2) AS avg_tickets
	FROM sales)
SELECT o.total_movies = m.total_movies AS total_movies,
	o.total_revenue = m.total_revenue AS total_revenue,
	o.avg_rating = m.avg_rating AS avg_rating,
	o.profitable_movies = m.profitable AS profitable_movies,
	o.profitable_percentage = m.pct AS profitable_percentage,
	o.avg_roi = m.avg_roi AS avg_roi,
	o.genres_count = m.genres AND o.studios_count = m.studios AS distinct_counts,
	o.first_release = m.first_release AND o.last_release = m.last_release AS release_range,
	o.total_tickets_sold = s.tickets AS tickets,
	o.total_sales_revenue = s.revenue AS sales_revenue,
	o.avg_daily_tickets = s.avg_tickets AS avg_daily_tickets
FROM o, m, s;

-- The sales aggregate splits Saturday and Sunday from the other days and
-- keeps revenue exact.
SELECT (st).sales_rows, (st).total_sales_revenue = (SELECT sum(revenue) FROM sales) AS exact_revenue,
	(st).weekend_rows = (SELECT count(*) FROM sales_detail WHERE weekday IN ('Saturday', 'Sunday')) AS weekend_rows,
	(st).weekend_tickets = (SELECT sum(tickets_sold) FROM sales WHERE extract(isodow FROM sale_date) IN (6, 7)) AS weekend_tickets,
	(st).weekday_revenue = (SELECT sum(revenue) FROM sales WHERE extract(isodow FROM sale_date) < 6) AS weekday_revenue,
	(st).first_sale, (st).last_sale
FROM (SELECT movie_sales_stats(tickets_sold, revenue, sale_date) AS st FROM sales) q;

-- Weekend means Saturday and Sunday, whatever the numbering convention:
-- 2024-03-01 is a Friday, 2024-03-03 a Sunday.
BEGIN;
TRUNCATE sales;
SELECT * FROM movie_load_csv_data('sales', convert_to(E'movie_id,movie_title,date,tickets_sold,revenue\n' ||
	E'206,Amazing Guardian,2024-03-01,10,100.00\n206,Amazing Guardian,2024-03-02,20,200.00\n' ||
	E'206,Amazing Guardian,2024-03-03,30,300.00\n206,Amazing Guardian,2024-03-04,45,450.00\n', 'UTF8'));
SELECT sale_date, weekday, iso_weekday, is_weekend, tickets_sold FROM sales_detail ORDER BY sale_date;
SELECT weekend_rows, weekend_tickets, weekend_revenue, weekday_rows, weekday_tickets, weekday_revenue
FROM (SELECT (movie_sales_stats(tickets_sold, revenue, sale_date)).* FROM sales) q;
ROLLBACK;

-- Composable: the summary for any grouping, checked against plain SQL.
SELECT rating, (c).total_movies, (c).total_revenue, round((c).avg_rating, 2) AS avg_rating,
	round((c).avg_roi, 2) AS avg_roi
FROM (SELECT rating, movie_catalog_stats(total_gross, budget, imdb_rating, genre, studio, release_date) AS c
	  FROM movies GROUP BY rating) q
ORDER BY rating;
SELECT count(*) AS groups_differing
FROM (SELECT budget_category,
		movie_catalog_stats(total_gross, budget, imdb_rating, genre, studio, release_date) AS c
	  FROM movies GROUP BY budget_category) a
JOIN (SELECT budget_category, count(*) AS n, sum(total_gross) AS gross, avg(imdb_rating) AS rating,
		count(DISTINCT studio) AS studios
	  FROM movies GROUP BY budget_category) b USING (budget_category)
WHERE (a.c).total_movies <> b.n OR (a.c).total_revenue <> b.gross OR
	round((a.c).avg_rating, 10) <> round(b.rating, 10) OR (a.c).studios_count <> b.studios;

-- Parallel plans give the same digits as serial ones, grouped or not.
CREATE TABLE movies_p AS
SELECT i AS movie_id, 'Movie ' || i AS title,
	(ARRAY['Action', 'Comedy', 'Drama', 'Horror'])[1 + i % 4] AS genre,
	((i % 997) * 100000)::bigint AS budget,
	((i % 1009) * 150000)::bigint AS total_gross,
	((i % 91) / 10.0 + 0.5)::numeric(3,1) AS imdb_rating,
	date '2015-01-01' + i % 3650 AS release_date
FROM generate_series(1, 200000) i;
ANALYZE movies_p;
CREATE TEMP TABLE serial_result AS
SELECT genre, movie_catalog_stats(total_gross, budget, imdb_rating, genre, NULL, release_date)::text AS stats,
	movie_top_ids(total_gross - budget, movie_id, 5)::text AS top
FROM movies_p GROUP BY ROLLUP (genre);
SELECT genre, stats FROM serial_result ORDER BY genre;

SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF)
SELECT movie_catalog_stats(total_gross, budget, imdb_rating, genre, NULL, release_date) FROM movies_p;
EXPLAIN (COSTS OFF)
SELECT genre, movie_top_ids(total_gross - budget, movie_id, 5) FROM movies_p GROUP BY genre;
SELECT count(*) AS differing_from_serial
FROM (SELECT genre, movie_catalog_stats(total_gross, budget, imdb_rating, genre, NULL, release_date)::text AS stats,
		movie_top_ids(total_gross - budget, movie_id, 5)::text AS top
	  FROM movies_p GROUP BY genre
	  UNION ALL
	  SELECT NULL, movie_catalog_stats(total_gross, budget, imdb_rating, genre, NULL, release_date)::text,
		movie_top_ids(total_gross - budget, movie_id, 5)::text
	  FROM movies_p) p
FULL JOIN serial_result s ON s.genre IS NOT DISTINCT FROM p.genre AND s.stats = p.stats AND s.top = p.top
WHERE s.stats IS NULL OR p.stats IS NULL;
SELECT (c).total_movies, (c).total_revenue, (c).total_budget, (c).profitable_movies,
	round((c).profitable_percentage, 2) AS profitable_pct, round((c).avg_roi, 2) AS avg_roi
FROM (SELECT movie_catalog_stats(total_gross, budget, imdb_rating, genre, NULL, release_date) AS c
	  FROM movies_p) q;
SELECT count(*) FILTER (WHERE budget = 0) AS zero_budgets,
	round(avg(round((total_gross - budget) * 100.0 / nullif(budget, 0), 2)), 2) AS plain_avg_roi
FROM movies_p;

\set movies_p_sales 'SELECT m.movie_id, d::date AS sale_date, (m.movie_id + d::date - date ''2024-01-01'') % 50 AS tickets, ((m.movie_id % 97) + 0.125)::numeric AS revenue FROM movies_p m, generate_series(date ''2024-01-01'', date ''2024-01-10'', ''1 day'') d WHERE m.movie_id <= 20000'
CREATE TABLE sales_p AS :movies_p_sales;
ANALYZE sales_p;
EXPLAIN (COSTS OFF)
SELECT movie_sales_stats(tickets, revenue, sale_date) FROM sales_p;
SELECT movie_sales_stats(tickets, revenue, sale_date)::text AS parallel FROM sales_p \gset
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;
SELECT movie_sales_stats(tickets, revenue, sale_date)::text = :'parallel' AS same_as_parallel,
	movie_sales_stats(tickets, revenue, sale_date)::text AS serial
FROM sales_p;
DROP TABLE movies_p, sales_p;
