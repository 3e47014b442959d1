--
-- The analyses: each against plain SQL over the same tables, the filters,
-- the views, the JSON report, and exact medians.
--
SET datestyle = ISO;
TRUNCATE sales, movies;
\set movies_csv `cat data/movies.csv`
\set sales_csv `cat data/sales.csv`
SELECT * FROM movie_load_csv_data('movies', convert_to(:'movies_csv', 'UTF8'));
SELECT * FROM movie_load_csv_data('sales', convert_to(:'sales_csv', 'UTF8'));

SELECT * FROM movie_genre_stats();
SELECT * FROM movie_studio_stats();
SELECT * FROM movie_yearly_trends();
SELECT * FROM movie_monthly_sales();
\x on
SELECT * FROM movie_sales_analysis();
\x off

-- Genre statistics: counts and sums exact, means and medians to the cent.
SELECT count(*) AS genre_rows_differing
FROM movie_genre_stats() a
FULL JOIN (
	SELECT genre, count(*) AS n, avg(budget) AS avg_budget,
		percentile_cont(0.5) WITHIN GROUP (ORDER BY budget) AS median_budget,
		avg(total_gross) AS avg_gross,
		percentile_cont(0.5) WITHIN GROUP (ORDER BY total_gross) AS median_gross,
		sum(total_gross) AS total_gross, avg(imdb_rating) AS avg_rating,
		avg(total_gross - budget) AS avg_profit,
		percentile_cont(0.5) WITHIN GROUP (ORDER BY total_gross - budget) AS median_profit
	FROM movies GROUP BY genre) b USING (genre)
WHERE a.movie_count IS DISTINCT FROM b.n OR a.total_gross IS DISTINCT FROM b.total_gross
	OR abs(a.avg_budget - b.avg_budget) > 0.005 OR abs(a.median_budget - b.median_budget::numeric) > 0.005
	OR abs(a.avg_gross - b.avg_gross) > 0.005 OR abs(a.median_gross - b.median_gross::numeric) > 0.005
	OR abs(a.avg_rating - b.avg_rating) > 0.005 OR abs(a.avg_profit - b.avg_profit) > 0.005
	OR abs(a.median_profit - b.median_profit::numeric) > 0.005;

-- Studio statistics and yearly trends.
SELECT count(*) AS studio_rows_differing
FROM movie_studio_stats() a
FULL JOIN (
	SELECT studio, count(*) AS n, avg(budget) AS avg_budget, sum(budget) AS total_budget,
		avg(total_gross) AS avg_gross, sum(total_gross) AS total_gross,
		avg(imdb_rating) AS avg_rating
	FROM movies GROUP BY studio) b USING (studio)
WHERE a.movie_count IS DISTINCT FROM b.n OR a.total_budget IS DISTINCT FROM b.total_budget
	OR a.total_gross IS DISTINCT FROM b.total_gross
	OR abs(a.avg_budget - b.avg_budget) > 0.005 OR abs(a.avg_gross - b.avg_gross) > 0.005
	OR abs(a.avg_rating - b.avg_rating) > 0.005;
SELECT count(*) AS year_rows_differing
FROM movie_yearly_trends() a
FULL JOIN (
	SELECT extract(year FROM release_date)::int AS release_year, count(*) AS n,
		sum(total_gross) AS total_gross, avg(total_gross) AS avg_gross,
		avg(imdb_rating) AS avg_rating
	FROM movies GROUP BY 1) b USING (release_year)
WHERE a.movies IS DISTINCT FROM b.n OR a.total_gross IS DISTINCT FROM b.total_gross
	OR abs(a.avg_gross - b.avg_gross) > 0.005 OR abs(a.avg_rating - b.avg_rating) > 0.005;

-- Monthly sales: revenue exact, distinct movies per month.
SELECT count(*) AS month_rows_differing
FROM movie_monthly_sales() a
FULL JOIN (
	SELECT extract(year FROM sale_date)::int AS year, extract(month FROM sale_date)::int AS month,
		sum(tickets_sold) AS tickets, sum(revenue) AS revenue, count(DISTINCT movie_id) AS movies
	FROM sales GROUP BY 1, 2) b USING (year, month)
WHERE a.total_tickets IS DISTINCT FROM b.tickets OR a.total_revenue IS DISTINCT FROM b.revenue
	OR a.unique_movies IS DISTINCT FROM b.movies;

-- Sales analysis: weekend is Saturday and Sunday; top movies grouped by id.
SELECT a.total_tickets = b.tickets AS tickets, a.total_revenue = b.revenue AS revenue,
	a.weekend_avg_tickets = round(b.weekend_avg, 2) AS weekend_avg,
	a.weekday_avg_tickets = round(b.weekday_avg, 2) AS weekday_avg,
	a.weekend_boost_percent = round((b.weekend_avg / b.weekday_avg - 1) * 100, 2) AS boost,
	ARRAY(SELECT (e ->> 'movie_id')::bigint FROM jsonb_array_elements(a.top_movies) e) =
	ARRAY(SELECT movie_id FROM sales GROUP BY movie_id
		  ORDER BY sum(tickets_sold) DESC, movie_id LIMIT 10) AS top_movies
FROM movie_sales_analysis() a,
	(SELECT sum(tickets_sold) AS tickets, sum(revenue) AS revenue,
		avg(tickets_sold) FILTER (WHERE extract(isodow FROM sale_date) >= 6) AS weekend_avg,
		avg(tickets_sold) FILTER (WHERE extract(isodow FROM sale_date) < 6) AS weekday_avg
	 FROM sales) b;

-- Filters: the same rule everywhere.
SELECT rank, movie_id, title, genre, release_date, value
FROM movie_top_performers('roi', 5, genres => '{Horror}', released_from => '2020-01-01');
SELECT ARRAY(SELECT movie_id FROM movie_top_performers('roi', 5, genres => '{Horror}',
											   released_from => '2020-01-01')) =
	ARRAY(SELECT movie_id FROM movies WHERE genre = 'Horror' AND release_date >= '2020-01-01'
		  ORDER BY roi DESC NULLS LAST, movie_id LIMIT 5) AS same_as_plain_sql;
\set f 'released_from => ''2018-01-01'', released_to => ''2022-12-31'', genres => ''{Drama,Comedy}'', studios => ''{Disney,Netflix,MGM}'', min_budget => 5000000, max_budget => 60000000'
SELECT (SELECT count(*) FROM movie_filtered(:f)) AS filtered_movies,
	(SELECT count(*) FROM movies WHERE release_date BETWEEN '2018-01-01' AND '2022-12-31'
		AND genre IN ('Drama', 'Comedy') AND studio IN ('Disney', 'Netflix', 'MGM')
		AND budget BETWEEN 5000000 AND 60000000) AS plain_sql;
SELECT (SELECT total_movies FROM movie_overview(:f)) AS overview,
	(SELECT sum(movie_count) FROM movie_genre_stats(:f)) AS genres,
	(SELECT sum(movie_count) FROM movie_studio_stats(:f)) AS studios,
	(SELECT sum(movies) FROM movie_yearly_trends(:f)) AS years,
	(SELECT count(*) FROM movie_top_performers('revenue', 1000, :f)) AS ranked;
SELECT (SELECT total_tickets_sold FROM movie_overview(genres => '{Fantasy}')) AS overview_tickets,
	(SELECT sum(total_tickets) FROM movie_monthly_sales(genres => '{Fantasy}')) AS monthly_tickets,
	(SELECT total_tickets FROM movie_sales_analysis(genres => '{Fantasy}')) AS analysis_tickets,
	(SELECT sum(s.tickets_sold) FROM sales s JOIN movies m USING (movie_id)
	 WHERE m.genre = 'Fantasy') AS plain_sql;

-- A filter that matches nothing gives empty results, not an error.
SELECT * FROM movie_overview(genres => '{Western}');
SELECT count(*) FROM movie_genre_stats(min_budget => 400000000);
SELECT count(*) FROM movie_top_performers('revenue', 5, released_to => '1900-01-01');
SELECT * FROM movie_sales_analysis(studios => '{Nobody}');
SELECT count(*) FROM movie_monthly_sales(studios => '{Nobody}');

-- The views are the analyses without filters.
SELECT (SELECT count(*) FROM (TABLE movie_genre_stats EXCEPT SELECT * FROM movie_genre_stats()) d) +
	(SELECT count(*) FROM (TABLE movie_studio_stats EXCEPT SELECT * FROM movie_studio_stats()) d) +
	(SELECT count(*) FROM (TABLE movie_yearly_trends EXCEPT SELECT * FROM movie_yearly_trends()) d) +
	(SELECT count(*) FROM (TABLE movie_monthly_sales EXCEPT SELECT * FROM movie_monthly_sales()) d) +
	(SELECT count(*) FROM (TABLE movie_overview EXCEPT SELECT * FROM movie_overview()) d)
	AS view_rows_differing;
SELECT metric, count(*), min(rank), max(rank) FROM movie_top_performers GROUP BY metric ORDER BY metric;

-- The JSON report holds every analysis, each as the functions give it.
SELECT movie_analytics_report() AS r \gset
SELECT jsonb_typeof(:'r'::jsonb -> 'generated_at') AS generated_at,
	(SELECT array_agg(k ORDER BY k) FROM jsonb_object_keys(:'r'::jsonb) k) AS keys;
SELECT (:'r'::jsonb -> 'overview') = (SELECT to_jsonb(o) FROM movie_overview() o) AS overview,
	jsonb_array_length(:'r'::jsonb -> 'top_by_revenue') AS top_revenue,
	jsonb_array_length(:'r'::jsonb -> 'top_by_roi') AS top_roi,
	jsonb_array_length(:'r'::jsonb -> 'genre_stats') AS genres,
	jsonb_array_length(:'r'::jsonb -> 'monthly_sales') AS months,
	:'r'::jsonb -> 'best_genre' AS best_genre,
	:'r'::jsonb -> 'best_studio' AS best_studio;
SELECT :'r'::jsonb -> 'best_genre' ->> 'by_revenue' =
	(SELECT genre FROM movies GROUP BY genre ORDER BY sum(total_gross) DESC LIMIT 1) AS best_genre_revenue,
	:'r'::jsonb -> 'best_studio' ->> 'by_count' =
	(SELECT studio FROM movies GROUP BY studio ORDER BY count(*) DESC, studio LIMIT 1) AS best_studio_count;
SELECT movie_analytics_report(genres => '{Western}') -> 'overview' ->> 'total_movies' AS empty_report_movies,
	movie_analytics_report(genres => '{Western}') -> 'filters' AS filters;

-- Medians interpolate on even counts and stay exact; NULL budgets are
-- skipped; a genre without any budget has a NULL median.
BEGIN;
TRUNCATE sales, movies;
SELECT (movie_load_csv_data('movies', convert_to('movie_id,title,genre,budget' || E'\n' ||
	string_agg(format('%s,D%s,Drama,%s', x, x, x * 1000000), E'\n') || E'\n' ||
	E'200,D-null,Drama,\n201,H1,Horror,100000001\n202,H2,Horror,100000002\n' ||
	E'203,W1,Western,7000000\n204,M1,Musical,\n', 'UTF8'))).rows_loaded
FROM unnest(ARRAY[2, 5, 9, 14, 20, 27, 35, 44, 54, 65, 77, 90, 104, 119]) AS x;
SELECT genre, movie_count, median_budget, avg_budget FROM movie_genre_stats();
ROLLBACK;
