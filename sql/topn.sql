--
-- movie_top_performers and the movie_top_ids aggregate: every metric against
-- plain SQL, ties, NULL values, bad arguments, groups and parallel plans.
--
SET datestyle = ISO;
TRUNCATE sales, movies;
\set movies_csv `cat data/movies.csv`
\set sales_csv `cat data/sales.csv`
SELECT * FROM movie_load_csv_data('movies', convert_to(:'movies_csv', 'UTF8'));
SELECT * FROM movie_load_csv_data('sales', convert_to(:'sales_csv', 'UTF8'));

SELECT rank, movie_id, title, genre, studio, total_gross, profit, roi, value
FROM movie_top_performers('revenue', 10);
SELECT rank, movie_id, title, imdb_rating, value FROM movie_top_performers('rating', 10);

-- Each metric's ranking equals ORDER BY value DESC NULLS LAST, movie_id.
CREATE TEMP TABLE metric_values AS
SELECT m.movie_id, v.metric, v.value
FROM movies m
LEFT JOIN (SELECT movie_id, sum(tickets_sold) AS tickets FROM sales GROUP BY movie_id) t
	USING (movie_id)
CROSS JOIN LATERAL (VALUES ('revenue', m.total_gross::numeric), ('profit', m.profit),
	('rating', m.imdb_rating), ('roi', m.roi), ('budget', m.budget),
	('tickets', t.tickets)) v(metric, value);
SELECT metric, n,
	ARRAY(SELECT movie_id FROM movie_top_performers(metric, n) ORDER BY rank) =
	ARRAY(SELECT movie_id FROM metric_values mv WHERE mv.metric = m.metric
		  ORDER BY value DESC NULLS LAST, movie_id LIMIT n) AS same_order,
	(SELECT bool_and(p.value IS NOT DISTINCT FROM mv.value)
	 FROM movie_top_performers(metric, n) p
	 JOIN metric_values mv ON mv.movie_id = p.movie_id AND mv.metric = m.metric) AS same_values
FROM (VALUES ('revenue'), ('profit'), ('rating'), ('roi'), ('budget'), ('tickets')) m(metric)
CROSS JOIN (VALUES (1), (10), (50), (600)) k(n)
ORDER BY 1, 2;

-- More than there are movies gives every movie; movies without a value
-- (no sales here) come last, by id.
SELECT count(*), count(value), max(rank) FROM movie_top_performers('tickets', 1000);
SELECT rank, movie_id, value FROM movie_top_performers('tickets', 1000) WHERE rank IN (20, 21, 22, 500);

-- Bad arguments.
SELECT * FROM movie_top_performers('gross', 5);
SELECT * FROM movie_top_performers(NULL, 5);
SELECT * FROM movie_top_performers('revenue', 0);
SELECT * FROM movie_top_performers('revenue', NULL);
SELECT movie_top_ids(v, id, n) FROM (VALUES (1.0, 1, 2), (2.0, 2, 3)) t(v, id, n);
SELECT movie_top_ids(v, id, 0) FROM (VALUES (1.0, 1)) t(v, id);

-- The aggregate on its own: NULL and NaN values rank last, NULL ids are
-- skipped, no rows give an empty array.
SELECT movie_top_ids(v, id, 10)
FROM (VALUES (5.0, 3), (NULL, 1), (5.0, 2), ('NaN', 4), (7.5, NULL), (-1, 9)) t(v, id);
SELECT movie_top_ids(v, id, 2)
FROM (VALUES (5.0, 3), (NULL, 1), (5.0, 2), ('NaN', 4), (-1, 9)) t(v, id);
SELECT movie_top_ids(v, id, 3) FROM (VALUES (1.0, 1)) t(v, id) WHERE false;

-- Top 3 by ROI within every genre in one query, against a window function.
SELECT genre, movie_top_ids(roi, movie_id, 3) AS top3
FROM movies GROUP BY genre ORDER BY genre;
SELECT count(*) AS genres_differing
FROM (SELECT genre, movie_top_ids(roi, movie_id, 3) AS top3 FROM movies GROUP BY genre) a
JOIN (SELECT genre, array_agg(movie_id ORDER BY r) AS top3
	  FROM (SELECT genre, movie_id,
				row_number() OVER (PARTITION BY genre ORDER BY roi DESC NULLS LAST, movie_id) AS r
			FROM movies) w
	  WHERE r <= 3 GROUP BY genre) b USING (genre)
WHERE a.top3 <> b.top3;

-- Parallel plans keep the order, NULLs included.
CREATE TABLE top_p AS
SELECT i AS id, i % 7 AS grp,
	CASE WHEN i % 13 = 0 THEN NULL ELSE (i * 7919) % 100003 / 100.0 END AS v
FROM generate_series(1, 100000) i;
ANALYZE top_p;
CREATE TEMP TABLE top_serial AS
SELECT grp, movie_top_ids(v, id, 4) AS top FROM top_p GROUP BY grp;
SELECT movie_top_ids(v, id, 100000)::text = (SELECT array_agg(id ORDER BY v DESC NULLS LAST, id)::text FROM top_p)
	AS full_order_serial
FROM top_p;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT movie_top_ids(v, id, 100000) FROM top_p;
SELECT movie_top_ids(v, id, 100000)::text = (SELECT array_agg(id ORDER BY v DESC NULLS LAST, id)::text FROM top_p)
	AS full_order_parallel
FROM top_p;
EXPLAIN (COSTS OFF) SELECT grp, movie_top_ids(v, id, 4) FROM top_p GROUP BY grp;
SELECT count(*) AS groups_differing
FROM (SELECT grp, movie_top_ids(v, id, 4) AS top FROM top_p GROUP BY grp) p
FULL JOIN top_serial s USING (grp)
WHERE p.top IS DISTINCT FROM s.top;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;
DROP TABLE top_p;
