/* movie_analytics install script, version 0.1.0 */

\echo Use "CREATE EXTENSION movie_analytics" to load this file. \quit

/*
 * Tables.  Money is whole dollars in bigint (sales revenue is exact numeric);
 * every sum over them is computed in 128-bit integers or numeric.
 */
CREATE TABLE movies (
	movie_id bigint PRIMARY KEY,
	title text NOT NULL,
	genre text,
	release_date date,
	rating text,
	studio text,
	runtime_minutes integer CHECK (runtime_minutes >= 0),
	budget bigint CHECK (budget >= 0),
	domestic_gross bigint CHECK (domestic_gross >= 0),
	international_gross bigint CHECK (international_gross >= 0),
	total_gross bigint CHECK (total_gross >= 0),
	imdb_rating numeric(3,1) CHECK (imdb_rating BETWEEN 0 AND 10),
	tickets_sold bigint CHECK (tickets_sold >= 0),
	tickets_available bigint CHECK (tickets_available >= 0),
	profit bigint GENERATED ALWAYS AS (total_gross - budget) STORED,
	roi numeric GENERATED ALWAYS AS (
		CASE WHEN budget > 0
			THEN pg_catalog.round((total_gross - budget)::numeric(60,40) * 100 / budget, 2)
		END) STORED,
	release_year integer GENERATED ALWAYS AS (
		pg_catalog.date_part('year', release_date)::integer) STORED,
	release_month integer GENERATED ALWAYS AS (
		pg_catalog.date_part('month', release_date)::integer) STORED,
	budget_category text GENERATED ALWAYS AS (
		CASE
			WHEN budget <= 10000000 THEN 'Low Budget'
			WHEN budget <= 50000000 THEN 'Medium Budget'
			WHEN budget <= 100000000 THEN 'High Budget'
			WHEN budget > 100000000 THEN 'Blockbuster'
		END) STORED,
	performance text GENERATED ALWAYS AS (
		CASE
			WHEN total_gross - budget <= -10000000 THEN 'Major Loss'
			WHEN total_gross - budget <= 0 THEN 'Loss'
			WHEN total_gross - budget <= 50000000 THEN 'Profit'
			WHEN total_gross - budget > 50000000 THEN 'Major Success'
		END) STORED
);

CREATE TABLE sales (
	movie_id bigint NOT NULL REFERENCES movies (movie_id),
	movie_title text,
	sale_date date NOT NULL,
	tickets_sold bigint CHECK (tickets_sold >= 0),
	revenue numeric CHECK (revenue >= 0 AND revenue < 'Infinity'),
	PRIMARY KEY (movie_id, sale_date)
);

CREATE INDEX sales_sale_date_idx ON sales (sale_date);

SELECT pg_catalog.pg_extension_config_dump('movies', '');
SELECT pg_catalog.pg_extension_config_dump('sales', '');

/*
 * The big table stays lean for bulk loading: its calendar columns are
 * computed by this view.  iso_weekday is Monday = 1 ... Sunday = 7.
 */
CREATE VIEW sales_detail AS
SELECT s.movie_id, s.movie_title, s.sale_date, s.tickets_sold, s.revenue,
	pg_catalog.date_part('year', s.sale_date)::integer AS year,
	pg_catalog.date_part('month', s.sale_date)::integer AS month,
	pg_catalog.date_part('isodow', s.sale_date)::integer AS iso_weekday,
	(ARRAY['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday',
		   'Saturday', 'Sunday'])[pg_catalog.date_part('isodow', s.sale_date)::integer]
		AS weekday,
	pg_catalog.date_part('isodow', s.sale_date) >= 6 AS is_weekend
FROM @extschema@.sales s;

COMMENT ON TABLE movies IS 'one row per movie: the catalogue, with derived profit, ROI and bands';
COMMENT ON TABLE sales IS 'one row per movie per day of ticket sales';
COMMENT ON VIEW sales_detail IS 'daily sales with year, month, ISO weekday and weekend flag';
COMMENT ON COLUMN movies.budget IS 'production budget in whole dollars';
COMMENT ON COLUMN movies.total_gross IS 'worldwide gross in whole dollars';
COMMENT ON COLUMN movies.rating IS 'MPAA rating (G, PG, PG-13, R, NC-17)';
COMMENT ON COLUMN movies.imdb_rating IS 'IMDb user rating, 0.0 to 10.0';
COMMENT ON COLUMN movies.profit IS 'total_gross - budget';
COMMENT ON COLUMN movies.roi IS 'return on investment in percent, 2 decimals; NULL when the budget is 0 or unknown';
COMMENT ON COLUMN movies.budget_category IS 'Low (<= 10M), Medium (<= 50M), High (<= 100M) or Blockbuster';
COMMENT ON COLUMN movies.performance IS 'Major Loss (profit <= -10M), Loss (<= 0), Profit (<= 50M) or Major Success';
COMMENT ON COLUMN sales.sale_date IS 'day of the sales; loaded from the CSV column "date"';
COMMENT ON COLUMN sales.revenue IS 'revenue of the day, exact as written in the file';

/*
 * Loader, and where it keeps the records it skips.
 */
CREATE SEQUENCE movie_load_id_seq;

CREATE TABLE movie_load_rejects (
	load_id bigint NOT NULL,
	target text NOT NULL,
	source text NOT NULL,
	line_number bigint NOT NULL,
	raw_line bytea NOT NULL,
	raw_text text NOT NULL,
	column_name text,
	value text,
	sqlstate text NOT NULL,
	error text NOT NULL,
	rejected_at timestamptz NOT NULL DEFAULT pg_catalog.now()
);

CREATE INDEX movie_load_rejects_load_idx ON movie_load_rejects (load_id, line_number);

SELECT pg_catalog.pg_extension_config_dump('movie_load_rejects', '');
SELECT pg_catalog.pg_extension_config_dump('movie_load_id_seq', '');

COMMENT ON SEQUENCE movie_load_id_seq IS 'numbers the loads that record rejected records';
COMMENT ON TABLE movie_load_rejects IS 'records a load skipped, as they stood in the input, with the reason';
COMMENT ON COLUMN movie_load_rejects.raw_line IS 'the record''s bytes exactly as read, without its final line end';
COMMENT ON COLUMN movie_load_rejects.raw_text IS 'the record as text; bytes invalid in the database encoding appear as \xNN';
COMMENT ON COLUMN movie_load_rejects.column_name IS 'the input column at fault, when one is';

CREATE FUNCTION movie_load_csv(
	target text,
	path text,
	header boolean DEFAULT true,
	on_error text DEFAULT 'stop',
	max_rejects bigint DEFAULT NULL,
	mode text DEFAULT 'insert',
	encoding text DEFAULT 'UTF8',
	OUT rows_loaded bigint,
	OUT rows_updated bigint,
	OUT rows_unchanged bigint,
	OUT rows_rejected bigint)
RETURNS record
AS 'MODULE_PATHNAME', 'movie_load_csv'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

CREATE FUNCTION movie_load_csv_data(
	target text,
	data bytea,
	header boolean DEFAULT true,
	on_error text DEFAULT 'stop',
	max_rejects bigint DEFAULT NULL,
	mode text DEFAULT 'insert',
	encoding text DEFAULT 'UTF8',
	OUT rows_loaded bigint,
	OUT rows_updated bigint,
	OUT rows_unchanged bigint,
	OUT rows_rejected bigint)
RETURNS record
AS 'MODULE_PATHNAME', 'movie_load_csv_data'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION movie_load_csv(text, text, boolean, text, bigint, text, text) IS 'bulk-load a CSV file on the server into movies or sales';
COMMENT ON FUNCTION movie_load_csv_data(text, bytea, boolean, text, bigint, text, text) IS 'bulk-load CSV content passed as an argument into movies or sales';

/*
 * Catalogue summary aggregate: one pass over movies.
 */
CREATE TYPE movie_catalog_summary AS (
	total_movies bigint,
	total_revenue numeric,
	total_budget numeric,
	total_profit numeric,
	avg_budget numeric,
	avg_gross numeric,
	avg_rating numeric,
	avg_profit numeric,
	profitable_movies bigint,
	profitable_percentage numeric,
	avg_roi numeric,
	genres_count bigint,
	studios_count bigint,
	first_release date,
	last_release date
);

COMMENT ON TYPE movie_catalog_summary IS 'result of movie_catalog_stats';

CREATE FUNCTION movie_catalog_trans(internal, bigint, bigint, numeric, text, text, date)
RETURNS internal
AS 'MODULE_PATHNAME', 'movie_catalog_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION movie_catalog_combine(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'movie_catalog_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION movie_catalog_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'movie_catalog_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION movie_catalog_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'movie_catalog_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION movie_catalog_final(internal)
RETURNS movie_catalog_summary
AS 'MODULE_PATHNAME', 'movie_catalog_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE movie_catalog_stats(total_gross bigint, budget bigint,
									 imdb_rating numeric, genre text,
									 studio text, release_date date) (
	SFUNC = movie_catalog_trans,
	STYPE = internal,
	COMBINEFUNC = movie_catalog_combine,
	SERIALFUNC = movie_catalog_serialize,
	DESERIALFUNC = movie_catalog_deserialize,
	FINALFUNC = movie_catalog_final,
	PARALLEL = SAFE
);

COMMENT ON FUNCTION movie_catalog_trans(internal, bigint, bigint, numeric, text, text, date) IS 'transition function of movie_catalog_stats';
COMMENT ON FUNCTION movie_catalog_combine(internal, internal) IS 'combine function of movie_catalog_stats';
COMMENT ON FUNCTION movie_catalog_serialize(internal) IS 'serialize function of movie_catalog_stats';
COMMENT ON FUNCTION movie_catalog_deserialize(bytea, internal) IS 'deserialize function of movie_catalog_stats';
COMMENT ON FUNCTION movie_catalog_final(internal) IS 'final function of movie_catalog_stats';
COMMENT ON AGGREGATE movie_catalog_stats(bigint, bigint, numeric, text, text, date) IS 'catalogue summary: counts, revenue, averages, profitable share, distinct genres and studios';

/*
 * Sales summary aggregate: one pass over sales.
 */
CREATE TYPE movie_sales_summary AS (
	sales_rows bigint,
	total_tickets_sold numeric,
	total_sales_revenue numeric,
	avg_daily_tickets numeric,
	weekend_rows bigint,
	weekend_tickets numeric,
	weekend_revenue numeric,
	weekend_avg_tickets numeric,
	weekday_rows bigint,
	weekday_tickets numeric,
	weekday_revenue numeric,
	weekday_avg_tickets numeric,
	first_sale date,
	last_sale date
);

COMMENT ON TYPE movie_sales_summary IS 'result of movie_sales_stats';

CREATE FUNCTION movie_sales_trans(internal, bigint, numeric, date)
RETURNS internal
AS 'MODULE_PATHNAME', 'movie_sales_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION movie_sales_combine(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'movie_sales_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION movie_sales_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'movie_sales_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION movie_sales_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'movie_sales_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION movie_sales_final(internal)
RETURNS movie_sales_summary
AS 'MODULE_PATHNAME', 'movie_sales_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE movie_sales_stats(tickets_sold bigint, revenue numeric,
								   sale_date date) (
	SFUNC = movie_sales_trans,
	STYPE = internal,
	COMBINEFUNC = movie_sales_combine,
	SERIALFUNC = movie_sales_serialize,
	DESERIALFUNC = movie_sales_deserialize,
	FINALFUNC = movie_sales_final,
	PARALLEL = SAFE
);

COMMENT ON FUNCTION movie_sales_trans(internal, bigint, numeric, date) IS 'transition function of movie_sales_stats';
COMMENT ON FUNCTION movie_sales_combine(internal, internal) IS 'combine function of movie_sales_stats';
COMMENT ON FUNCTION movie_sales_serialize(internal) IS 'serialize function of movie_sales_stats';
COMMENT ON FUNCTION movie_sales_deserialize(bytea, internal) IS 'deserialize function of movie_sales_stats';
COMMENT ON FUNCTION movie_sales_final(internal) IS 'final function of movie_sales_stats';
COMMENT ON AGGREGATE movie_sales_stats(bigint, numeric, date) IS 'sales summary: tickets, exact revenue, weekend (Saturday, Sunday) and weekday split, date range';

/*
 * Top-N aggregate: a bounded heap of n (value, movie_id) pairs.
 */
CREATE FUNCTION movie_top_trans(internal, numeric, bigint, integer)
RETURNS internal
AS 'MODULE_PATHNAME', 'movie_top_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION movie_top_combine(internal, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'movie_top_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION movie_top_serialize(internal)
RETURNS bytea
AS 'MODULE_PATHNAME', 'movie_top_serialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION movie_top_deserialize(bytea, internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'movie_top_deserialize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION movie_top_final(internal)
RETURNS bigint[]
AS 'MODULE_PATHNAME', 'movie_top_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE movie_top_ids(value numeric, movie_id bigint, n integer) (
	SFUNC = movie_top_trans,
	STYPE = internal,
	COMBINEFUNC = movie_top_combine,
	SERIALFUNC = movie_top_serialize,
	DESERIALFUNC = movie_top_deserialize,
	FINALFUNC = movie_top_final,
	PARALLEL = SAFE
);

COMMENT ON FUNCTION movie_top_trans(internal, numeric, bigint, integer) IS 'transition function of movie_top_ids';
COMMENT ON FUNCTION movie_top_combine(internal, internal) IS 'combine function of movie_top_ids';
COMMENT ON FUNCTION movie_top_serialize(internal) IS 'serialize function of movie_top_ids';
COMMENT ON FUNCTION movie_top_deserialize(bytea, internal) IS 'deserialize function of movie_top_ids';
COMMENT ON FUNCTION movie_top_final(internal) IS 'final function of movie_top_ids';
COMMENT ON AGGREGATE movie_top_ids(numeric, bigint, integer) IS 'ids of the n rows with the highest value, best first, ties by id, NULL values last';

/*
 * Analyses.  Every analysis takes the same optional filters, applied in one
 * place by movie_filtered; NULL means no filter.  The SQL functions are
 * simple enough for the planner to inline, so filters left NULL cost
 * nothing.
 */
CREATE FUNCTION movie_filtered(
	released_from date DEFAULT NULL,
	released_to date DEFAULT NULL,
	genres text[] DEFAULT NULL,
	studios text[] DEFAULT NULL,
	min_budget bigint DEFAULT NULL,
	max_budget bigint DEFAULT NULL)
RETURNS SETOF movies
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	SELECT m.*
	FROM @extschema@.movies m
	WHERE ($1 IS NULL OR m.release_date >= $1)
	  AND ($2 IS NULL OR m.release_date <= $2)
	  AND ($3 IS NULL OR m.genre = ANY ($3))
	  AND ($4 IS NULL OR m.studio = ANY ($4))
	  AND ($5 IS NULL OR m.budget >= $5)
	  AND ($6 IS NULL OR m.budget <= $6)
$$;

COMMENT ON FUNCTION movie_filtered(date, date, text[], text[], bigint, bigint) IS 'the movies that pass the dashboard filters: release date range, genres, studios, budget range';

CREATE FUNCTION movie_overview(
	released_from date DEFAULT NULL,
	released_to date DEFAULT NULL,
	genres text[] DEFAULT NULL,
	studios text[] DEFAULT NULL,
	min_budget bigint DEFAULT NULL,
	max_budget bigint DEFAULT NULL)
RETURNS TABLE (
	total_movies bigint,
	total_revenue numeric,
	avg_rating numeric,
	profitable_movies bigint,
	profitable_percentage numeric,
	avg_roi numeric,
	genres_count bigint,
	studios_count bigint,
	first_release date,
	last_release date,
	total_tickets_sold numeric,
	total_sales_revenue numeric,
	avg_daily_tickets numeric)
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	SELECT (c).total_movies, (c).total_revenue,
		pg_catalog.round((c).avg_rating, 2), (c).profitable_movies,
		pg_catalog.round((c).profitable_percentage, 2),
		pg_catalog.round((c).avg_roi, 2), (c).genres_count,
		(c).studios_count, (c).first_release, (c).last_release,
		(s).total_tickets_sold, pg_catalog.round((s).total_sales_revenue, 2),
		pg_catalog.round((s).avg_daily_tickets, 2)
	FROM (SELECT @extschema@.movie_catalog_stats(m.total_gross, m.budget,
				m.imdb_rating, m.genre, m.studio, m.release_date) AS c
		  FROM @extschema@.movie_filtered($1, $2, $3, $4, $5, $6) m) mc,
		 (SELECT @extschema@.movie_sales_stats(s.tickets_sold, s.revenue,
				s.sale_date) AS s
		  FROM @extschema@.sales s
		  WHERE ($1 IS NULL AND $2 IS NULL AND $3 IS NULL AND $4 IS NULL AND
				 $5 IS NULL AND $6 IS NULL)
			 OR s.movie_id IN (SELECT f.movie_id
							   FROM @extschema@.movie_filtered($1, $2, $3, $4, $5, $6) f)) sc
$$;

COMMENT ON FUNCTION movie_overview(date, date, text[], text[], bigint, bigint) IS 'one-row overview of the catalogue and of its daily sales';

CREATE FUNCTION movie_top_performers(
	metric text,
	n integer DEFAULT 10,
	released_from date DEFAULT NULL,
	released_to date DEFAULT NULL,
	genres text[] DEFAULT NULL,
	studios text[] DEFAULT NULL,
	min_budget bigint DEFAULT NULL,
	max_budget bigint DEFAULT NULL)
RETURNS TABLE (
	rank bigint,
	movie_id bigint,
	title text,
	genre text,
	studio text,
	release_date date,
	budget bigint,
	total_gross bigint,
	profit bigint,
	imdb_rating numeric,
	roi numeric,
	value numeric)
LANGUAGE plpgsql STABLE PARALLEL SAFE
AS $$
BEGIN
	IF metric IS NULL OR n IS NULL THEN
		RAISE EXCEPTION 'metric and number of movies must not be NULL'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF n < 1 THEN
		RAISE EXCEPTION 'number of movies must be at least 1'
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = pg_catalog.format('The value given was %s.', n);
	END IF;
	IF metric NOT IN ('revenue', 'profit', 'rating', 'roi', 'budget', 'tickets') THEN
		RAISE EXCEPTION 'unrecognized metric "%"', metric
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Valid metrics are revenue, profit, rating, roi, budget and tickets.';
	END IF;

	RETURN QUERY
	WITH v AS (
		SELECT m.movie_id,
			CASE metric
				WHEN 'revenue' THEN m.total_gross::numeric
				WHEN 'profit' THEN m.profit::numeric
				WHEN 'rating' THEN m.imdb_rating
				WHEN 'roi' THEN m.roi
				WHEN 'budget' THEN m.budget::numeric
				WHEN 'tickets' THEN (SELECT pg_catalog.sum(s.tickets_sold)
									 FROM @extschema@.sales s
									 WHERE s.movie_id = m.movie_id)
			END AS value
		FROM @extschema@.movie_filtered(released_from, released_to, genres,
										studios, min_budget, max_budget) m
	), top AS (
		SELECT t.id, t.ord
		FROM pg_catalog.unnest((SELECT @extschema@.movie_top_ids(v.value, v.movie_id, n)
								FROM v)) WITH ORDINALITY AS t(id, ord)
	)
	SELECT top.ord, m.movie_id, m.title, m.genre, m.studio, m.release_date,
		m.budget, m.total_gross, m.profit, m.imdb_rating, m.roi, v.value
	FROM top
	JOIN @extschema@.movies m ON m.movie_id = top.id
	JOIN v ON v.movie_id = top.id
	ORDER BY top.ord;
END
$$;

COMMENT ON FUNCTION movie_top_performers(text, integer, date, date, text[], text[], bigint, bigint) IS 'the n best movies by revenue, profit, rating, roi, budget or tickets; ties by movie_id, NULL values last';

CREATE FUNCTION movie_genre_stats(
	released_from date DEFAULT NULL,
	released_to date DEFAULT NULL,
	genres text[] DEFAULT NULL,
	studios text[] DEFAULT NULL,
	min_budget bigint DEFAULT NULL,
	max_budget bigint DEFAULT NULL)
RETURNS TABLE (
	genre text,
	movie_count bigint,
	avg_budget numeric,
	median_budget numeric,
	avg_gross numeric,
	median_gross numeric,
	total_gross numeric,
	avg_rating numeric,
	avg_profit numeric,
	median_profit numeric)
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	SELECT g.genre, (g.s).total_movies,
		pg_catalog.round((g.s).avg_budget, 2), g.median_budget,
		pg_catalog.round((g.s).avg_gross, 2), g.median_gross,
		(g.s).total_revenue, pg_catalog.round((g.s).avg_rating, 2),
		pg_catalog.round((g.s).avg_profit, 2), g.median_profit
	FROM (SELECT m.genre,
			@extschema@.movie_catalog_stats(m.total_gross, m.budget, m.imdb_rating,
											m.genre, m.studio, m.release_date) AS s,
			(pg_catalog.percentile_cont(0.5) WITHIN GROUP (ORDER BY m.budget))::numeric AS median_budget,
			(pg_catalog.percentile_cont(0.5) WITHIN GROUP (ORDER BY m.total_gross))::numeric AS median_gross,
			(pg_catalog.percentile_cont(0.5) WITHIN GROUP (ORDER BY m.profit))::numeric AS median_profit
		  FROM @extschema@.movie_filtered($1, $2, $3, $4, $5, $6) m
		  GROUP BY m.genre) g
	ORDER BY g.genre COLLATE "C" NULLS LAST
$$;

COMMENT ON FUNCTION movie_genre_stats(date, date, text[], text[], bigint, bigint) IS 'per genre: movies, mean and median budget, gross and profit, total gross, mean rating';

CREATE FUNCTION movie_studio_stats(
	released_from date DEFAULT NULL,
	released_to date DEFAULT NULL,
	genres text[] DEFAULT NULL,
	studios text[] DEFAULT NULL,
	min_budget bigint DEFAULT NULL,
	max_budget bigint DEFAULT NULL)
RETURNS TABLE (
	studio text,
	movie_count bigint,
	avg_budget numeric,
	total_budget numeric,
	avg_gross numeric,
	total_gross numeric,
	avg_rating numeric)
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	SELECT g.studio, (g.s).total_movies, pg_catalog.round((g.s).avg_budget, 2),
		(g.s).total_budget, pg_catalog.round((g.s).avg_gross, 2),
		(g.s).total_revenue, pg_catalog.round((g.s).avg_rating, 2)
	FROM (SELECT m.studio,
			@extschema@.movie_catalog_stats(m.total_gross, m.budget, m.imdb_rating,
											m.genre, m.studio, m.release_date) AS s
		  FROM @extschema@.movie_filtered($1, $2, $3, $4, $5, $6) m
		  GROUP BY m.studio) g
	ORDER BY g.studio COLLATE "C" NULLS LAST
$$;

COMMENT ON FUNCTION movie_studio_stats(date, date, text[], text[], bigint, bigint) IS 'per studio: movies, mean and total budget and gross, mean rating';

CREATE FUNCTION movie_yearly_trends(
	released_from date DEFAULT NULL,
	released_to date DEFAULT NULL,
	genres text[] DEFAULT NULL,
	studios text[] DEFAULT NULL,
	min_budget bigint DEFAULT NULL,
	max_budget bigint DEFAULT NULL)
RETURNS TABLE (
	release_year integer,
	movies bigint,
	total_gross numeric,
	avg_gross numeric,
	avg_rating numeric)
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	SELECT g.release_year, (g.s).total_movies, (g.s).total_revenue,
		pg_catalog.round((g.s).avg_gross, 2), pg_catalog.round((g.s).avg_rating, 2)
	FROM (SELECT m.release_year,
			@extschema@.movie_catalog_stats(m.total_gross, m.budget, m.imdb_rating,
											m.genre, m.studio, m.release_date) AS s
		  FROM @extschema@.movie_filtered($1, $2, $3, $4, $5, $6) m
		  GROUP BY m.release_year) g
	ORDER BY g.release_year NULLS LAST
$$;

COMMENT ON FUNCTION movie_yearly_trends(date, date, text[], text[], bigint, bigint) IS 'per release year: movies, total and mean gross, mean rating';

CREATE FUNCTION movie_monthly_sales(
	released_from date DEFAULT NULL,
	released_to date DEFAULT NULL,
	genres text[] DEFAULT NULL,
	studios text[] DEFAULT NULL,
	min_budget bigint DEFAULT NULL,
	max_budget bigint DEFAULT NULL)
RETURNS TABLE (
	year integer,
	month integer,
	total_tickets numeric,
	total_revenue numeric,
	unique_movies bigint)
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	SELECT g.year, g.month, (g.s).total_tickets_sold, (g.s).total_sales_revenue,
		g.unique_movies
	FROM (SELECT pg_catalog.date_part('year', s.sale_date)::integer AS year,
			pg_catalog.date_part('month', s.sale_date)::integer AS month,
			@extschema@.movie_sales_stats(s.tickets_sold, s.revenue, s.sale_date) AS s,
			pg_catalog.count(DISTINCT s.movie_id) AS unique_movies
		  FROM @extschema@.sales s
		  WHERE ($1 IS NULL AND $2 IS NULL AND $3 IS NULL AND $4 IS NULL AND
				 $5 IS NULL AND $6 IS NULL)
			 OR s.movie_id IN (SELECT f.movie_id
							   FROM @extschema@.movie_filtered($1, $2, $3, $4, $5, $6) f)
		  GROUP BY 1, 2) g
	ORDER BY g.year, g.month
$$;

COMMENT ON FUNCTION movie_monthly_sales(date, date, text[], text[], bigint, bigint) IS 'per calendar month of sales: tickets, exact revenue, distinct movies';

CREATE FUNCTION movie_sales_analysis(
	released_from date DEFAULT NULL,
	released_to date DEFAULT NULL,
	genres text[] DEFAULT NULL,
	studios text[] DEFAULT NULL,
	min_budget bigint DEFAULT NULL,
	max_budget bigint DEFAULT NULL)
RETURNS TABLE (
	sales_rows bigint,
	total_tickets numeric,
	total_revenue numeric,
	avg_tickets_per_day numeric,
	weekend_avg_tickets numeric,
	weekday_avg_tickets numeric,
	weekend_boost_percent numeric,
	first_sale date,
	last_sale date,
	top_movies jsonb)
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	WITH s AS (
		SELECT s.*
		FROM @extschema@.sales s
		WHERE ($1 IS NULL AND $2 IS NULL AND $3 IS NULL AND $4 IS NULL AND
			   $5 IS NULL AND $6 IS NULL)
		   OR s.movie_id IN (SELECT f.movie_id
							 FROM @extschema@.movie_filtered($1, $2, $3, $4, $5, $6) f)
	), st AS (
		SELECT @extschema@.movie_sales_stats(s.tickets_sold, s.revenue, s.sale_date) AS x
		FROM s
	), per_movie AS (
		SELECT s.movie_id, pg_catalog.sum(s.tickets_sold) AS tickets,
			pg_catalog.sum(s.revenue) AS revenue
		FROM s GROUP BY s.movie_id
	)
	SELECT (st.x).sales_rows, (st.x).total_tickets_sold, (st.x).total_sales_revenue,
		pg_catalog.round((st.x).avg_daily_tickets, 2),
		pg_catalog.round((st.x).weekend_avg_tickets, 2),
		pg_catalog.round((st.x).weekday_avg_tickets, 2),
		pg_catalog.round(((st.x).weekend_avg_tickets / NULLIF((st.x).weekday_avg_tickets, 0) - 1) * 100, 2),
		(st.x).first_sale, (st.x).last_sale,
		(SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
					'rank', t.ord, 'movie_id', t.id, 'title', m.title,
					'tickets', p.tickets, 'revenue', p.revenue) ORDER BY t.ord)
		 FROM pg_catalog.unnest((SELECT @extschema@.movie_top_ids(p.tickets, p.movie_id, 10)
								 FROM per_movie p)) WITH ORDINALITY AS t(id, ord)
		 JOIN per_movie p ON p.movie_id = t.id
		 JOIN @extschema@.movies m ON m.movie_id = t.id)
	FROM st
$$;

COMMENT ON FUNCTION movie_sales_analysis(date, date, text[], text[], bigint, bigint) IS 'daily sales: totals, average tickets per day, weekend (Saturday, Sunday) against weekday, date range, top 10 movies by tickets';

CREATE FUNCTION movie_analytics_report(
	released_from date DEFAULT NULL,
	released_to date DEFAULT NULL,
	genres text[] DEFAULT NULL,
	studios text[] DEFAULT NULL,
	min_budget bigint DEFAULT NULL,
	max_budget bigint DEFAULT NULL)
RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	WITH g AS (SELECT * FROM @extschema@.movie_genre_stats($1, $2, $3, $4, $5, $6)),
	st AS (SELECT * FROM @extschema@.movie_studio_stats($1, $2, $3, $4, $5, $6))
	SELECT pg_catalog.jsonb_build_object(
		'generated_at', pg_catalog.now(),
		'filters', pg_catalog.jsonb_build_object(
			'released_from', $1, 'released_to', $2, 'genres', $3,
			'studios', $4, 'min_budget', $5, 'max_budget', $6),
		'overview', (SELECT pg_catalog.to_jsonb(o)
					 FROM @extschema@.movie_overview($1, $2, $3, $4, $5, $6) o),
		'top_by_revenue', (SELECT pg_catalog.jsonb_agg(pg_catalog.to_jsonb(t) ORDER BY t.rank)
						   FROM @extschema@.movie_top_performers('revenue', 5, $1, $2, $3, $4, $5, $6) t),
		'top_by_profit', (SELECT pg_catalog.jsonb_agg(pg_catalog.to_jsonb(t) ORDER BY t.rank)
						  FROM @extschema@.movie_top_performers('profit', 5, $1, $2, $3, $4, $5, $6) t),
		'top_by_rating', (SELECT pg_catalog.jsonb_agg(pg_catalog.to_jsonb(t) ORDER BY t.rank)
						  FROM @extschema@.movie_top_performers('rating', 5, $1, $2, $3, $4, $5, $6) t),
		'top_by_roi', (SELECT pg_catalog.jsonb_agg(pg_catalog.to_jsonb(t) ORDER BY t.rank)
					   FROM @extschema@.movie_top_performers('roi', 5, $1, $2, $3, $4, $5, $6) t),
		'genre_stats', (SELECT pg_catalog.jsonb_agg(pg_catalog.to_jsonb(g)) FROM g),
		'studio_stats', (SELECT pg_catalog.jsonb_agg(pg_catalog.to_jsonb(st)) FROM st),
		'yearly_trends', (SELECT pg_catalog.jsonb_agg(pg_catalog.to_jsonb(y))
						  FROM @extschema@.movie_yearly_trends($1, $2, $3, $4, $5, $6) y),
		'monthly_sales', (SELECT pg_catalog.jsonb_agg(pg_catalog.to_jsonb(ms))
						  FROM @extschema@.movie_monthly_sales($1, $2, $3, $4, $5, $6) ms),
		'sales_analysis', (SELECT pg_catalog.to_jsonb(sa)
						   FROM @extschema@.movie_sales_analysis($1, $2, $3, $4, $5, $6) sa),
		'best_genre', pg_catalog.jsonb_build_object(
			'by_revenue', (SELECT g.genre FROM g ORDER BY g.total_gross DESC NULLS LAST, g.genre LIMIT 1),
			'by_rating', (SELECT g.genre FROM g ORDER BY g.avg_rating DESC NULLS LAST, g.genre LIMIT 1),
			'by_profit', (SELECT g.genre FROM g ORDER BY g.avg_profit DESC NULLS LAST, g.genre LIMIT 1)),
		'best_studio', pg_catalog.jsonb_build_object(
			'by_revenue', (SELECT st.studio FROM st ORDER BY st.total_gross DESC NULLS LAST, st.studio LIMIT 1),
			'by_count', (SELECT st.studio FROM st ORDER BY st.movie_count DESC, st.studio LIMIT 1),
			'by_avg_revenue', (SELECT st.studio FROM st ORDER BY st.avg_gross DESC NULLS LAST, st.studio LIMIT 1)))
$$;

COMMENT ON FUNCTION movie_analytics_report(date, date, text[], text[], bigint, bigint) IS 'every analysis in one JSON document, with the filters used and when it was generated';

/*
 * Views for clients that browse tables rather than call functions: each is
 * its analysis without filters.
 */
CREATE VIEW movie_overview AS SELECT * FROM @extschema@.movie_overview();
CREATE VIEW movie_genre_stats AS SELECT * FROM @extschema@.movie_genre_stats();
CREATE VIEW movie_studio_stats AS SELECT * FROM @extschema@.movie_studio_stats();
CREATE VIEW movie_yearly_trends AS SELECT * FROM @extschema@.movie_yearly_trends();
CREATE VIEW movie_monthly_sales AS SELECT * FROM @extschema@.movie_monthly_sales();
CREATE VIEW movie_sales_analysis AS SELECT * FROM @extschema@.movie_sales_analysis();
CREATE VIEW movie_top_performers AS
SELECT m.metric, t.*
FROM pg_catalog.unnest(ARRAY['revenue', 'profit', 'rating', 'roi', 'budget', 'tickets'])
	WITH ORDINALITY AS m(metric, metric_order)
CROSS JOIN LATERAL @extschema@.movie_top_performers(m.metric, 10) t
ORDER BY m.metric_order, t.rank;

COMMENT ON VIEW movie_overview IS 'one-row overview of the catalogue and of daily sales';
COMMENT ON VIEW movie_genre_stats IS 'per genre: movies, mean and median budget, gross and profit, total gross, mean rating';
COMMENT ON VIEW movie_studio_stats IS 'per studio: movies, mean and total budget and gross, mean rating';
COMMENT ON VIEW movie_yearly_trends IS 'per release year: movies, total and mean gross, mean rating';
COMMENT ON VIEW movie_monthly_sales IS 'per calendar month of sales: tickets, exact revenue, distinct movies';
COMMENT ON VIEW movie_sales_analysis IS 'daily sales totals, weekend against weekday, top 10 movies by tickets';
COMMENT ON VIEW movie_top_performers IS 'the 10 best movies by each metric: revenue, profit, rating, roi, budget, tickets';

/*
 * Charts and the dashboard: SVG and HTML documents built in the server from
 * the analyses' results.  Every piece of text that reaches the markup goes
 * through movie_markup_escape; every other piece is a constant or a number.
 */

/*
 * movie_markup_escape: escape text for SVG and HTML, as element content or
 * as a quoted attribute value.  NULL gives an empty string; control
 * characters, which XML 1.0 does not allow, become spaces.
 */
CREATE FUNCTION movie_markup_escape(value text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(
		pg_catalog.replace(pg_catalog.replace(
			pg_catalog.regexp_replace(COALESCE($1, ''), '[[:cntrl:]\uFFFE\uFFFF]', ' ', 'g'),
			'&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;'), '''', '&#39;')
$$;

COMMENT ON FUNCTION movie_markup_escape(text) IS 'escape text for svg and html content and attributes';

/*
 * movie_format_number: a number in three significant digits with a unit
 * suffix: 1.2B, 350M, 12K, 37.1, -4.5M.  NULL gives n/a.
 */
CREATE FUNCTION movie_format_number(value numeric)
RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $$
DECLARE
	magnitude numeric;
	unit integer := 0;
BEGIN
	IF value IS NULL THEN
		RETURN 'n/a';
	ELSIF value = 0 THEN
		RETURN '0';
	END IF;

	-- round first, so that 999,950 becomes 1M rather than 1000K
	magnitude := pg_catalog.abs(value);
	magnitude := pg_catalog.round(magnitude,
		2 - pg_catalog.floor(pg_catalog.log(magnitude))::integer);
	WHILE magnitude >= 1000 AND unit < 4 LOOP
		magnitude := magnitude / 1000;
		unit := unit + 1;
	END LOOP;

	RETURN CASE WHEN value < 0 THEN '-' ELSE '' END
		|| pg_catalog.trim_scale(magnitude)::text
		|| (ARRAY['', 'K', 'M', 'B', 'T'])[unit + 1];
END
$$;

COMMENT ON FUNCTION movie_format_number(numeric) IS 'a number in three significant digits with a K, M, B or T suffix';

/*
 * movie_format_money: an amount of dollars as $1.2B, $350M, -$12K; NULL
 * gives n/a.
 */
CREATE FUNCTION movie_format_money(value numeric)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT CASE
		WHEN $1 IS NULL THEN 'n/a'
		WHEN $1 < 0 THEN '-$' || @extschema@.movie_format_number(-$1)
		ELSE '$' || @extschema@.movie_format_number($1)
	END
$$;

COMMENT ON FUNCTION movie_format_money(numeric) IS 'an amount of dollars in short form, such as $1.2B';

/*
 * movie_format_percent: a percentage as 48.6%, -12% or, from a thousand
 * on, whole with separators: 9,011%.  NULL gives n/a.
 */
CREATE FUNCTION movie_format_percent(value numeric)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT CASE
		WHEN $1 IS NULL THEN 'n/a'
		WHEN pg_catalog.abs($1) < 999.5 THEN @extschema@.movie_format_number($1) || '%'
		ELSE pg_catalog.regexp_replace(pg_catalog.round($1)::text, '(\d)(?=(\d{3})+$)', '\1,', 'g') || '%'
	END
$$;

COMMENT ON FUNCTION movie_format_percent(numeric) IS 'a percentage in short form, such as 48.6%';

/*
 * movie_axis_ticks: the ticks of a linear axis that covers lo to hi in
 * about five steps of 1, 2 or 5 times a power of ten (whole numbers only
 * when whole is true), and the axis's ends, which are ticks themselves.
 */
CREATE FUNCTION movie_axis_ticks(
	lo numeric,
	hi numeric,
	whole boolean,
	OUT axis_lo numeric,
	OUT axis_hi numeric,
	OUT ticks numeric[])
RETURNS record
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
AS $$
DECLARE
	raw numeric;
	magnitude numeric;
	step numeric := 1;
BEGIN
	-- the step: the first of 1, 2, 5, 10 times a power of ten that is at
	-- least a fifth of the range
	IF hi > lo THEN
		raw := (hi - lo) / 5;
		magnitude := pg_catalog.power(10::numeric, pg_catalog.floor(pg_catalog.log(raw)));
		step := magnitude * CASE
			WHEN raw / magnitude <= 1 THEN 1
			WHEN raw / magnitude <= 2 THEN 2
			WHEN raw / magnitude <= 5 THEN 5
			ELSE 10
		END;
	END IF;
	IF whole THEN
		step := GREATEST(step, 1);
	END IF;

	step := pg_catalog.trim_scale(step);
	axis_lo := pg_catalog.floor(lo / step) * step;
	axis_hi := pg_catalog.ceil(hi / step) * step;
	IF axis_hi <= axis_lo THEN
		axis_hi := axis_lo + step;
	END IF;
	ticks := ARRAY(SELECT axis_lo + i * step
				   FROM pg_catalog.generate_series(0,
						pg_catalog.round((axis_hi - axis_lo) / step)::integer) i
				   ORDER BY i);
END
$$;

COMMENT ON FUNCTION movie_axis_ticks(numeric, numeric, boolean) IS 'nice ticks for a linear axis covering a range';

/*
 * movie_log_ticks: the ticks of a log axis from 10^lo to 10^hi: each power
 * of ten, and 2 and 5 times each when the axis spans two decades or less.
 */
CREATE FUNCTION movie_log_ticks(lo integer, hi integer)
RETURNS SETOF numeric
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
	SELECT pg_catalog.trim_scale(t.tick)
	FROM (SELECT pg_catalog.power(10::numeric, e) * f AS tick, e, f
		  FROM pg_catalog.generate_series($1, $2) e,
			   pg_catalog.unnest(CASE WHEN $2 - $1 <= 2 THEN ARRAY[1, 2, 5] ELSE ARRAY[1] END) f
		  WHERE e < $2 OR f = 1) t
	ORDER BY t.e, t.f
$$;

COMMENT ON FUNCTION movie_log_ticks(integer, integer) IS 'tick values of a log axis between two powers of ten';

/*
 * movie_svg_scale: map value from the domain d0..d1 onto the coordinates
 * r0..r1, to one decimal; the middle of the range when the domain is a
 * single point.
 */
CREATE FUNCTION movie_svg_scale(value numeric, d0 numeric, d1 numeric, r0 numeric, r1 numeric)
RETURNS numeric
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
	SELECT pg_catalog.round(CASE
		WHEN $3 = $2 THEN ($4 + $5) / 2
		ELSE $4 + ($1 - $2) / ($3 - $2) * ($5 - $4)
	END, 1)
$$;

COMMENT ON FUNCTION movie_svg_scale(numeric, numeric, numeric, numeric, numeric) IS 'map a value onto chart coordinates';

/*
 * movie_svg_clip: shorten a label to at most max_chars characters, ending
 * it with ... when it was cut.
 */
CREATE FUNCTION movie_svg_clip(value text, max_chars integer)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT CASE
		WHEN pg_catalog.length($1) > $2 THEN pg_catalog."left"($1, GREATEST($2 - 3, 1)) || '...'
		ELSE $1
	END
$$;

COMMENT ON FUNCTION movie_svg_clip(text, integer) IS 'shorten a chart label to a number of characters';

/*
 * movie_svg_text: one SVG text element at x, y holding content, escaped.
 * attributes, when given, are further attributes written by the caller.
 */
CREATE FUNCTION movie_svg_text(x numeric, y numeric, content text, attributes text DEFAULT '')
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT '<text x="' || pg_catalog.round($1, 1)::text || '" y="' || pg_catalog.round($2, 1)::text || '"'
		|| CASE WHEN COALESCE($4, '') = '' THEN '' ELSE ' ' || $4 END
		|| '>' || @extschema@.movie_markup_escape($3) || '</text>'
$$;

COMMENT ON FUNCTION movie_svg_text(numeric, numeric, text, text) IS 'an escaped svg text element';

/*
 * movie_svg_open: the start of an SVG document of the given size, with its
 * title as the document's title element and as a heading, on white.
 */
CREATE FUNCTION movie_svg_open(width integer, height integer, title text)
RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	SELECT pg_catalog.format('<svg xmlns="http://www.w3.org/2000/svg" version="1.1" '
			'width="%s" height="%s" viewBox="0 0 %s %s" '
			'font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12">',
			$1, $2, $1, $2) || E'\n'
		|| '<title>' || @extschema@.movie_markup_escape($3) || E'</title>\n'
		|| pg_catalog.format(E'<rect x="0" y="0" width="%s" height="%s" fill="#ffffff"/>\n', $1, $2)
		|| @extschema@.movie_svg_text(16, 28, $3, 'font-size="16" font-weight="bold" fill="#222222"')
		|| E'\n'
$$;

COMMENT ON FUNCTION movie_svg_open(integer, integer, text) IS 'start of an svg document with its title';

/*
 * movie_svg_no_data: a whole SVG document that says there is no data to
 * draw, with an optional note under it.
 */
CREATE FUNCTION movie_svg_no_data(width integer, height integer, title text, note text DEFAULT NULL)
RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	SELECT @extschema@.movie_svg_open($1, $2, $3)
		|| @extschema@.movie_svg_text($1 / 2.0, $2 / 2.0, 'No data',
			'text-anchor="middle" font-size="18" fill="#888888"') || E'\n'
		|| CASE WHEN $4 IS NULL THEN ''
			ELSE @extschema@.movie_svg_text($1 / 2.0, $2 / 2.0 + 24, $4,
				'text-anchor="middle" font-size="11" fill="#666666"') || E'\n'
		END
		|| '</svg>'
$$;

COMMENT ON FUNCTION movie_svg_no_data(integer, integer, text, text) IS 'an svg document that says no data';

/*
 * movie_svg_axis: a numeric axis on the left or bottom side of the plot box,
 * with a tick and a label at each value of ticks, grid lines across the box
 * when grid is true, and the axis title.  The domain is domain_lo to
 * domain_hi, in powers of ten when log_scale is true.  Labels are amounts
 * of dollars when in_dollars is true, plain numbers otherwise.
 */
CREATE FUNCTION movie_svg_axis(
	side text,
	plot_left numeric,
	plot_top numeric,
	plot_width numeric,
	plot_height numeric,
	ticks numeric[],
	domain_lo numeric,
	domain_hi numeric,
	log_scale boolean,
	in_dollars boolean,
	title text,
	grid boolean)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
AS $$
DECLARE
	svg text := '';
	tick numeric;
	pos numeric;
	label text;
	plot_right numeric := plot_left + plot_width;
	plot_bottom numeric := plot_top + plot_height;
BEGIN
	FOREACH tick IN ARRAY ticks LOOP
		label := CASE WHEN in_dollars THEN @extschema@.movie_format_money(tick)
					  ELSE @extschema@.movie_format_number(tick) END;
		IF log_scale THEN
			tick := pg_catalog.log(tick);
		END IF;

		-- grid line, tick mark and label
		IF side = 'bottom' THEN
			pos := @extschema@.movie_svg_scale(tick, domain_lo, domain_hi, plot_left, plot_right);
			IF grid THEN
				svg := svg || pg_catalog.format(E'<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#e6e6e6"/>\n',
					pos, plot_top, pos, plot_bottom);
			END IF;
			svg := svg || pg_catalog.format(E'<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#888888"/>\n',
					pos, plot_bottom, pos, plot_bottom + 5)
				|| @extschema@.movie_svg_text(pos, plot_bottom + 18, label,
					'text-anchor="middle" font-size="11" fill="#444444"') || E'\n';
		ELSE
			pos := @extschema@.movie_svg_scale(tick, domain_lo, domain_hi, plot_bottom, plot_top);
			IF grid THEN
				svg := svg || pg_catalog.format(E'<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#e6e6e6"/>\n',
					plot_left, pos, plot_right, pos);
			END IF;
			svg := svg || @extschema@.movie_svg_text(plot_left - 8, pos + 4, label,
				'text-anchor="end" font-size="11" fill="#444444"') || E'\n';
		END IF;
	END LOOP;

	-- the axis line and its title
	IF side = 'bottom' THEN
		svg := svg || pg_catalog.format(E'<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#888888"/>\n',
				plot_left, plot_bottom, plot_right, plot_bottom)
			|| @extschema@.movie_svg_text(plot_left + plot_width / 2, plot_bottom + 40, title,
				'text-anchor="middle" font-size="12" fill="#333333"') || E'\n';
	ELSE
		svg := svg || pg_catalog.format(E'<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#888888"/>\n',
				plot_left, plot_top, plot_left, plot_bottom)
			|| @extschema@.movie_svg_text(plot_left - 62, plot_top + plot_height / 2, title,
				pg_catalog.format('text-anchor="middle" font-size="12" fill="#333333" transform="rotate(-90 %s %s)"',
					pg_catalog.round(plot_left - 62, 1), pg_catalog.round(plot_top + plot_height / 2, 1)))
			|| E'\n';
	END IF;

	RETURN svg;
END
$$;

COMMENT ON FUNCTION movie_svg_axis(text, numeric, numeric, numeric, numeric, numeric[], numeric, numeric, boolean, boolean, text, boolean) IS 'a numeric svg axis with ticks, labels, grid lines and title';

/*
 * movie_svg_legend: a legend of coloured swatches with their labels, laid
 * out in rows of the given number of columns from x, y.
 */
CREATE FUNCTION movie_svg_legend(x numeric, y numeric, labels text[], colours text[],
								 columns integer, column_width numeric)
RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	SELECT COALESCE(pg_catalog.string_agg(
		pg_catalog.format(E'<rect class="swatch" x="%s" y="%s" width="12" height="12" fill="%s"/>\n',
			pg_catalog.round($1 + ((l.i - 1) % $5) * $6, 1),
			pg_catalog.round($2 + ((l.i - 1) / $5) * 18 - 10, 1),
			@extschema@.movie_markup_escape($4[l.i]))
		|| @extschema@.movie_svg_text($1 + ((l.i - 1) % $5) * $6 + 17, $2 + ((l.i - 1) / $5) * 18,
			@extschema@.movie_svg_clip(l.label, (($6 - 22) / 6.5)::integer),
			'font-size="11" fill="#333333"') || E'\n', '' ORDER BY l.i), '')
	FROM pg_catalog.unnest($3) WITH ORDINALITY AS l(label, i)
$$;

COMMENT ON FUNCTION movie_svg_legend(numeric, numeric, text[], text[], integer, numeric) IS 'an svg legend of coloured swatches and labels';

/*
 * movie_genre_colours: the colour of each genre in the catalogue, from a
 * fixed palette in the byte order of the genre names, so that a genre keeps
 * its colour in every chart whatever the filters.  Movies without a genre
 * are drawn grey (#9e9e9e) by the callers.
 */
CREATE FUNCTION movie_genre_colours()
RETURNS TABLE (genre text, colour text)
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	SELECT d.genre,
		(ARRAY['#2f6db5', '#e07b1a', '#3a9a4a', '#cc3b3b', '#8657b8', '#8a5a44',
			   '#d45fa8', '#e0b81f', '#1fa3b3', '#4b3f9e', '#a8a21c', '#5f7d95'])
			[((pg_catalog.row_number() OVER (ORDER BY d.genre COLLATE "C") - 1) % 12 + 1)::integer]
	FROM (SELECT DISTINCT m.genre FROM @extschema@.movies m WHERE m.genre IS NOT NULL) d
$$;

COMMENT ON FUNCTION movie_genre_colours() IS 'the palette colour of each genre, by genre name order';

/*
 * movie_svg_column_chart: a whole SVG document of the given width with one
 * vertical bar per label, in the given colours, on a zero-based value axis
 * (dollars when in_dollars is true).  A NULL value gets its label but no
 * bar.
 */
CREATE FUNCTION movie_svg_column_chart(
	title text,
	subtitle text,
	chart_width integer,
	labels text[],
	vals numeric[],
	colours text[],
	in_dollars boolean,
	y_title text,
	x_title text)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
AS $$
DECLARE
	n integer := COALESCE(pg_catalog.array_length(labels, 1), 0);
	longest integer;
	rotate boolean;
	chart_height integer;
	plot_left CONSTANT numeric := 90;
	plot_top CONSTANT numeric := 64;
	plot_width numeric := chart_width - 110;
	plot_height CONSTANT numeric := 260;
	plot_bottom numeric := plot_top + plot_height;
	band numeric;
	bar_width numeric;
	axis record;
	svg text;
	cx numeric;
	y_value numeric;
	y_zero numeric;
	value_text text;
BEGIN
	-- long or many labels are turned to fit under their bars
	SELECT pg_catalog.max(pg_catalog.length(l)) INTO longest FROM pg_catalog.unnest(labels) l;
	band := plot_width / GREATEST(n, 1);
	bar_width := LEAST(band * 0.7, 90);
	rotate := n > 6 OR COALESCE(longest, 0) * 7 > band;
	chart_height := (plot_bottom + 54 + CASE WHEN rotate
		THEN LEAST(COALESCE(longest, 0), 18) * 3.6 ELSE 0 END)::integer;

	SELECT * INTO axis
	FROM @extschema@.movie_axis_ticks(
		(SELECT LEAST(COALESCE(pg_catalog.min(v), 0), 0) FROM pg_catalog.unnest(vals) v),
		(SELECT GREATEST(COALESCE(pg_catalog.max(v), 0), 0) FROM pg_catalog.unnest(vals) v),
		false);
	y_zero := @extschema@.movie_svg_scale(0, axis.axis_lo, axis.axis_hi, plot_bottom, plot_top);

	svg := @extschema@.movie_svg_open(chart_width, chart_height, title);
	IF subtitle IS NOT NULL THEN
		svg := svg || @extschema@.movie_svg_text(16, 46, subtitle, 'font-size="12" fill="#666666"') || E'\n';
	END IF;
	svg := svg || @extschema@.movie_svg_axis('left', plot_left, plot_top, plot_width, plot_height,
		axis.ticks, axis.axis_lo, axis.axis_hi, false, in_dollars, y_title, true);

	-- one bar per label, its value above it and its label under the axis
	FOR i IN 1 .. n LOOP
		cx := plot_left + band * (i - 0.5);
		IF vals[i] IS NOT NULL THEN
			value_text := CASE WHEN in_dollars THEN @extschema@.movie_format_money(vals[i])
							   ELSE @extschema@.movie_format_number(vals[i]) END;
			y_value := @extschema@.movie_svg_scale(vals[i], axis.axis_lo, axis.axis_hi, plot_bottom, plot_top);
			svg := svg || pg_catalog.format(
					E'<rect class="bar" x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s</title></rect>\n',
					pg_catalog.round(cx - bar_width / 2, 1), LEAST(y_value, y_zero),
					pg_catalog.round(bar_width, 1), pg_catalog.abs(y_zero - y_value),
					@extschema@.movie_markup_escape(colours[i]),
					@extschema@.movie_markup_escape(labels[i] || ': ' || value_text))
				|| @extschema@.movie_svg_text(cx, CASE WHEN vals[i] >= 0 THEN y_value - 5 ELSE y_value + 13 END,
					value_text, 'text-anchor="middle" font-size="11" fill="#333333"') || E'\n';
		END IF;
		IF rotate THEN
			svg := svg || @extschema@.movie_svg_text(cx + 4, plot_bottom + 14,
				@extschema@.movie_svg_clip(labels[i], 18),
				pg_catalog.format('text-anchor="end" font-size="11" fill="#333333" transform="rotate(-35 %s %s)"',
					pg_catalog.round(cx + 4, 1), plot_bottom + 14)) || E'\n';
		ELSE
			svg := svg || @extschema@.movie_svg_text(cx, plot_bottom + 18,
				@extschema@.movie_svg_clip(labels[i], (band / 7)::integer),
				'text-anchor="middle" font-size="11" fill="#333333"') || E'\n';
		END IF;
	END LOOP;

	-- the zero line over the bars, and the category axis title
	svg := svg || pg_catalog.format(E'<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#888888"/>\n',
			plot_left, y_zero, plot_left + plot_width, y_zero);
	IF x_title IS NOT NULL THEN
		svg := svg || @extschema@.movie_svg_text(plot_left + plot_width / 2, chart_height - 14, x_title,
			'text-anchor="middle" font-size="12" fill="#333333"') || E'\n';
	END IF;

	RETURN svg || '</svg>';
END
$$;

COMMENT ON FUNCTION movie_svg_column_chart(text, text, integer, text[], numeric[], text[], boolean, text, text) IS 'an svg document of vertical bars, one per label';

/*
 * movie_svg_line_panel: a line with a dot at each point, on a zero-based
 * value axis at the left of the plot box.  xs place the points across the
 * box (proportionally); x_labels are written under it (an empty label is
 * skipped, a line break starts a second line); point_names and the values
 * make each dot's tooltip.  NULL values are left out.
 */
CREATE FUNCTION movie_svg_line_panel(
	plot_left numeric,
	plot_top numeric,
	plot_width numeric,
	plot_height numeric,
	xs numeric[],
	x_labels text[],
	point_names text[],
	vals numeric[],
	colour text,
	in_dollars boolean,
	whole boolean,
	y_title text)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
AS $$
DECLARE
	n integer := COALESCE(pg_catalog.array_length(xs, 1), 0);
	pad CONSTANT numeric := 24;
	plot_bottom numeric := plot_top + plot_height;
	x_min numeric;
	x_max numeric;
	axis record;
	svg text;
	points text := '';
	dots text := '';
	labels text := '';
	px numeric;
	py numeric;
	line text;
	line_no integer;
	value_text text;
BEGIN
	SELECT pg_catalog.min(v), pg_catalog.max(v) INTO x_min, x_max FROM pg_catalog.unnest(xs) v;
	SELECT * INTO axis
	FROM @extschema@.movie_axis_ticks(
		(SELECT LEAST(COALESCE(pg_catalog.min(v), 0), 0) FROM pg_catalog.unnest(vals) v),
		(SELECT GREATEST(COALESCE(pg_catalog.max(v), 0), 0) FROM pg_catalog.unnest(vals) v),
		whole);

	svg := @extschema@.movie_svg_axis('left', plot_left, plot_top, plot_width, plot_height,
		axis.ticks, axis.axis_lo, axis.axis_hi, false, in_dollars, y_title, true);
	svg := svg || pg_catalog.format(E'<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#888888"/>\n',
		plot_left, plot_bottom, plot_left + plot_width, plot_bottom);

	-- each point: its place on the line, its dot and its label
	FOR i IN 1 .. n LOOP
		px := @extschema@.movie_svg_scale(xs[i], x_min, x_max, plot_left + pad, plot_left + plot_width - pad);
		IF vals[i] IS NOT NULL THEN
			value_text := CASE WHEN in_dollars THEN @extschema@.movie_format_money(vals[i])
							   ELSE @extschema@.movie_format_number(vals[i]) END;
			py := @extschema@.movie_svg_scale(vals[i], axis.axis_lo, axis.axis_hi, plot_bottom, plot_top);
			points := points || CASE WHEN points = '' THEN '' ELSE ' ' END || px || ',' || py;
			dots := dots || pg_catalog.format(
				E'<circle class="point" cx="%s" cy="%s" r="3.5" fill="%s" stroke="#ffffff" stroke-width="1"><title>%s</title></circle>\n',
				px, py, @extschema@.movie_markup_escape(colour),
				@extschema@.movie_markup_escape(point_names[i] || ': ' || value_text));
		END IF;
		line_no := 0;
		FOREACH line IN ARRAY pg_catalog.string_to_array(COALESCE(x_labels[i], ''), E'\n') LOOP
			IF line <> '' THEN
				labels := labels || @extschema@.movie_svg_text(px, plot_bottom + 16 + 13 * line_no, line,
					'text-anchor="middle" font-size="11" fill="#444444"') || E'\n';
			END IF;
			line_no := line_no + 1;
		END LOOP;
	END LOOP;

	IF points <> '' THEN
		svg := svg || pg_catalog.format(
			E'<polyline class="series" points="%s" fill="none" stroke="%s" stroke-width="2"/>\n',
			points, @extschema@.movie_markup_escape(colour));
	END IF;

	RETURN svg || dots || labels;
END
$$;

COMMENT ON FUNCTION movie_svg_line_panel(numeric, numeric, numeric, numeric, numeric[], text[], text[], numeric[], text, boolean, boolean, text) IS 'an svg line with dots on a value axis, for part of a chart';

/*
 * movie_chart_genre_revenue: the genre_revenue chart, total gross by genre
 * as bars in the genres' colours.  Past 24 genres, the genres with the
 * least gross share one grey bar, so that the chart stays readable and
 * its cost bounded.  Takes the analysis filters.
 */
CREATE FUNCTION movie_chart_genre_revenue(
	released_from date DEFAULT NULL,
	released_to date DEFAULT NULL,
	genres text[] DEFAULT NULL,
	studios text[] DEFAULT NULL,
	min_budget bigint DEFAULT NULL,
	max_budget bigint DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
AS $$
DECLARE
	title CONSTANT text := 'Revenue by genre';
	labels text[];
	vals numeric[];
	colours text[];
	movie_total numeric;
	gross_total numeric;
BEGIN
	WITH g AS (
		SELECT s.*, s.ordinality AS ord,
			pg_catalog.row_number() OVER (ORDER BY s.total_gross DESC NULLS LAST,
										  s.ordinality) AS place
		FROM @extschema@.movie_genre_stats($1, $2, $3, $4, $5, $6) WITH ORDINALITY AS s
	), bars AS (
		SELECT COALESCE(g.genre, '(no genre)') AS label, g.total_gross AS value,
			COALESCE(c.colour, '#9e9e9e') AS colour, g.ord
		FROM g LEFT JOIN @extschema@.movie_genre_colours() c ON c.genre = g.genre
		WHERE g.place <= 24
		UNION ALL
		SELECT pg_catalog.format('%s other genres', pg_catalog.count(*)),
			pg_catalog.sum(g.total_gross), '#9e9e9e', pg_catalog.max(g.ord) + 1
		FROM g WHERE g.place > 24
		HAVING pg_catalog.count(*) > 0
	)
	SELECT pg_catalog.array_agg(b.label ORDER BY b.ord),
		pg_catalog.array_agg(b.value ORDER BY b.ord),
		pg_catalog.array_agg(b.colour ORDER BY b.ord),
		(SELECT pg_catalog.sum(g.movie_count) FROM g),
		(SELECT pg_catalog.sum(g.total_gross) FROM g)
	INTO labels, vals, colours, movie_total, gross_total
	FROM bars b;

	IF labels IS NULL THEN
		RETURN @extschema@.movie_svg_no_data(760, 400, title);
	END IF;

	RETURN @extschema@.movie_svg_column_chart(title,
		pg_catalog.format('%s movies, %s in total gross',
			@extschema@.movie_format_number(movie_total), @extschema@.movie_format_money(gross_total)),
		760, labels, vals, colours, true, 'Total gross (USD)', 'Genre');
END
$$;

COMMENT ON FUNCTION movie_chart_genre_revenue(date, date, text[], text[], bigint, bigint) IS 'svg bar chart of total gross by genre';

/*
 * movie_chart_yearly_trends: the yearly_trends chart, movies released and
 * their average gross by release year, as two line panels over one year
 * axis.  Movies without a release date are counted in a note.  Takes the
 * analysis filters.
 */
CREATE FUNCTION movie_chart_yearly_trends(
	released_from date DEFAULT NULL,
	released_to date DEFAULT NULL,
	genres text[] DEFAULT NULL,
	studios text[] DEFAULT NULL,
	min_budget bigint DEFAULT NULL,
	max_budget bigint DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
AS $$
DECLARE
	title CONSTANT text := 'Movies and average gross by release year';
	count_colour CONSTANT text := '#2f6db5';
	gross_colour CONSTANT text := '#e07b1a';
	years numeric[];
	counts numeric[];
	averages numeric[];
	names text[];
	labels text[];
	undated bigint;
	note text;
	step integer;
	svg text;
BEGIN
	SELECT pg_catalog.array_agg(y.release_year ORDER BY y.release_year) FILTER (WHERE y.release_year IS NOT NULL),
		pg_catalog.array_agg(y.movies ORDER BY y.release_year) FILTER (WHERE y.release_year IS NOT NULL),
		pg_catalog.array_agg(y.avg_gross ORDER BY y.release_year) FILTER (WHERE y.release_year IS NOT NULL),
		COALESCE(pg_catalog.sum(y.movies) FILTER (WHERE y.release_year IS NULL), 0)
	INTO years, counts, averages, undated
	FROM @extschema@.movie_yearly_trends($1, $2, $3, $4, $5, $6) y;

	IF undated > 0 THEN
		note := pg_catalog.format('%s %s without a release date not shown', undated,
			CASE WHEN undated = 1 THEN 'movie' ELSE 'movies' END);
	END IF;
	IF years IS NULL THEN
		RETURN @extschema@.movie_svg_no_data(760, 540, title, note);
	END IF;

	-- label every year, or every second, third... when there are many
	step := pg_catalog.ceil(pg_catalog.array_length(years, 1) / 14.0)::integer;
	names := ARRAY(SELECT y::text FROM pg_catalog.unnest(years) WITH ORDINALITY AS u(y, i) ORDER BY i);
	labels := ARRAY(SELECT CASE WHEN (i - 1) % step = 0 THEN y::text ELSE '' END
					FROM pg_catalog.unnest(years) WITH ORDINALITY AS u(y, i) ORDER BY i);

	svg := @extschema@.movie_svg_open(760, 540, title)
		|| @extschema@.movie_svg_legend(16, 54, ARRAY['Movies released', 'Average gross (USD)'],
			ARRAY[count_colour, gross_colour], 2, 180)
		|| @extschema@.movie_svg_line_panel(90, 80, 640, 160, years, labels, names, counts,
			count_colour, false, true, 'Movies released')
		|| @extschema@.movie_svg_line_panel(90, 310, 640, 160, years, labels, names, averages,
			gross_colour, true, false, 'Average gross (USD)')
		|| @extschema@.movie_svg_text(410, 512, 'Release year',
			'text-anchor="middle" font-size="12" fill="#333333"') || E'\n';
	IF note IS NOT NULL THEN
		svg := svg || @extschema@.movie_svg_text(16, 532, note, 'font-size="11" fill="#666666"') || E'\n';
	END IF;

	RETURN svg || '</svg>';
END
$$;

COMMENT ON FUNCTION movie_chart_yearly_trends(date, date, text[], text[], bigint, bigint) IS 'svg line chart of movies and average gross by release year';

/*
 * movie_chart_budget_vs_gross: the budget_vs_gross chart, one dot per
 * movie at its budget and gross on log scales, coloured by genre, with the
 * break-even line.  Movies whose budget or gross is not positive cannot be
 * placed and are counted in a note.  Takes the analysis filters.
 */
CREATE FUNCTION movie_chart_budget_vs_gross(
	released_from date DEFAULT NULL,
	released_to date DEFAULT NULL,
	genres text[] DEFAULT NULL,
	studios text[] DEFAULT NULL,
	min_budget bigint DEFAULT NULL,
	max_budget bigint DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
AS $$
DECLARE
	title CONSTANT text := 'Budget vs gross';
	chart_width CONSTANT integer := 760;
	chart_height CONSTANT integer := 500;
	plot_left CONSTANT numeric := 90;
	plot_top CONSTANT numeric := 64;
	plot_width CONSTANT numeric := 480;
	plot_height CONSTANT numeric := 350;
	plot_bottom numeric := plot_top + plot_height;
	placed bigint;
	left_out bigint;
	budget_lo numeric;
	budget_hi numeric;
	gross_lo numeric;
	gross_hi numeric;
	x_lo integer;
	x_hi integer;
	y_lo integer;
	y_hi integer;
	line_lo numeric;
	line_hi numeric;
	note text;
	svg text;
BEGIN
	SELECT pg_catalog.count(*) FILTER (WHERE q.placed), pg_catalog.count(*) FILTER (WHERE NOT q.placed),
		pg_catalog.min(q.budget) FILTER (WHERE q.placed), pg_catalog.max(q.budget) FILTER (WHERE q.placed),
		pg_catalog.min(q.total_gross) FILTER (WHERE q.placed), pg_catalog.max(q.total_gross) FILTER (WHERE q.placed)
	INTO placed, left_out, budget_lo, budget_hi, gross_lo, gross_hi
	FROM (SELECT m.budget, m.total_gross, COALESCE(m.budget > 0 AND m.total_gross > 0, false) AS placed
		  FROM @extschema@.movie_filtered($1, $2, $3, $4, $5, $6) m) q;

	IF left_out > 0 THEN
		note := pg_catalog.format('%s %s without a positive budget and gross not shown', left_out,
			CASE WHEN left_out = 1 THEN 'movie' ELSE 'movies' END);
	END IF;
	IF placed = 0 THEN
		RETURN @extschema@.movie_svg_no_data(chart_width, chart_height, title, note);
	END IF;

	-- whole decades on both axes
	x_lo := pg_catalog.floor(pg_catalog.log(budget_lo))::integer;
	x_hi := pg_catalog.ceil(pg_catalog.log(budget_hi))::integer;
	y_lo := pg_catalog.floor(pg_catalog.log(gross_lo))::integer;
	y_hi := pg_catalog.ceil(pg_catalog.log(gross_hi))::integer;
	IF x_hi = x_lo THEN
		x_hi := x_lo + 1;
	END IF;
	IF y_hi = y_lo THEN
		y_hi := y_lo + 1;
	END IF;

	svg := @extschema@.movie_svg_open(chart_width, chart_height, title)
		|| @extschema@.movie_svg_text(16, 46, pg_catalog.format(
			'%s movies; above the dashed line a movie grossed more than its budget', placed),
			'font-size="12" fill="#666666"') || E'\n'
		|| @extschema@.movie_svg_axis('bottom', plot_left, plot_top, plot_width, plot_height,
			ARRAY(SELECT t FROM @extschema@.movie_log_ticks(x_lo, x_hi) t),
			x_lo, x_hi, true, true, 'Budget (USD, log scale)', true)
		|| @extschema@.movie_svg_axis('left', plot_left, plot_top, plot_width, plot_height,
			ARRAY(SELECT t FROM @extschema@.movie_log_ticks(y_lo, y_hi) t),
			y_lo, y_hi, true, true, 'Total gross (USD, log scale)', true);

	-- break-even: gross equal to budget, where both axes cover it
	line_lo := GREATEST(x_lo, y_lo);
	line_hi := LEAST(x_hi, y_hi);
	IF line_hi > line_lo THEN
		svg := svg || pg_catalog.format(
				E'<line class="break-even" x1="%s" y1="%s" x2="%s" y2="%s" stroke="#777777" stroke-dasharray="6 4"/>\n',
				@extschema@.movie_svg_scale(line_lo, x_lo, x_hi, plot_left, plot_left + plot_width),
				@extschema@.movie_svg_scale(line_lo, y_lo, y_hi, plot_bottom, plot_top),
				@extschema@.movie_svg_scale(line_hi, x_lo, x_hi, plot_left, plot_left + plot_width),
				@extschema@.movie_svg_scale(line_hi, y_lo, y_hi, plot_bottom, plot_top))
			|| @extschema@.movie_svg_text(
				@extschema@.movie_svg_scale(line_hi, x_lo, x_hi, plot_left, plot_left + plot_width) - 4,
				@extschema@.movie_svg_scale(line_hi, y_lo, y_hi, plot_bottom, plot_top) + 14,
				'break-even', 'text-anchor="end" font-size="10" fill="#777777"') || E'\n';
	END IF;

	-- the dots, in movie_id order, built in one pass
	svg := svg || (
		SELECT COALESCE(pg_catalog.string_agg(pg_catalog.format(
			E'<circle class="dot" cx="%s" cy="%s" r="3.5" fill="%s" fill-opacity="0.75" stroke="#ffffff" stroke-width="0.5"><title>%s</title></circle>\n',
			@extschema@.movie_svg_scale(pg_catalog.log(m.budget::numeric), x_lo, x_hi, plot_left, plot_left + plot_width),
			@extschema@.movie_svg_scale(pg_catalog.log(m.total_gross::numeric), y_lo, y_hi, plot_bottom, plot_top),
			@extschema@.movie_markup_escape(COALESCE(c.colour, '#9e9e9e')),
			@extschema@.movie_markup_escape(pg_catalog.format('%s (%s): budget %s, gross %s',
				m.title, COALESCE(m.genre, 'no genre'),
				@extschema@.movie_format_money(m.budget), @extschema@.movie_format_money(m.total_gross)))),
			'' ORDER BY m.movie_id), '')
		FROM @extschema@.movie_filtered($1, $2, $3, $4, $5, $6) m
		LEFT JOIN @extschema@.movie_genre_colours() c ON c.genre = m.genre
		WHERE m.budget > 0 AND m.total_gross > 0);

	-- the genres drawn, at the right
	svg := svg || @extschema@.movie_svg_text(plot_left + plot_width + 30, plot_top + 4, 'Genre',
			'font-size="12" font-weight="bold" fill="#333333"') || E'\n'
		|| (SELECT @extschema@.movie_svg_legend(plot_left + plot_width + 30, plot_top + 24,
				(pg_catalog.array_agg(COALESCE(g.genre, '(no genre)') ORDER BY g.genre COLLATE "C" NULLS LAST))[1:18],
				(pg_catalog.array_agg(COALESCE(c.colour, '#9e9e9e') ORDER BY g.genre COLLATE "C" NULLS LAST))[1:18],
				1, 150)
				|| CASE WHEN pg_catalog.count(*) > 18 THEN
					@extschema@.movie_svg_text(plot_left + plot_width + 30, plot_top + 24 + 18 * 18,
						pg_catalog.format('and %s more', pg_catalog.count(*) - 18),
						'font-size="11" fill="#666666"') || E'\n' ELSE '' END
			FROM (SELECT DISTINCT m.genre
				  FROM @extschema@.movie_filtered($1, $2, $3, $4, $5, $6) m
				  WHERE m.budget > 0 AND m.total_gross > 0) g
			LEFT JOIN @extschema@.movie_genre_colours() c ON c.genre = g.genre);
	IF note IS NOT NULL THEN
		svg := svg || @extschema@.movie_svg_text(16, chart_height - 12, note,
			'class="note" font-size="11" fill="#666666"') || E'\n';
	END IF;

	RETURN svg || '</svg>';
END
$$;

COMMENT ON FUNCTION movie_chart_budget_vs_gross(date, date, text[], text[], bigint, bigint) IS 'svg scatter of budget against gross on log scales, by genre';

/*
 * movie_chart_monthly_sales: the monthly_sales chart, tickets sold in each
 * calendar month as a line.  Takes the analysis filters.
 */
CREATE FUNCTION movie_chart_monthly_sales(
	released_from date DEFAULT NULL,
	released_to date DEFAULT NULL,
	genres text[] DEFAULT NULL,
	studios text[] DEFAULT NULL,
	min_budget bigint DEFAULT NULL,
	max_budget bigint DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
AS $$
DECLARE
	title CONSTANT text := 'Tickets sold per month';
	colour CONSTANT text := '#3a9a4a';
	xs numeric[];
	months date[];
	vals numeric[];
	total numeric;
	names text[];
	labels text[] := '{}';
	step integer;
	shown_year integer;
BEGIN
	SELECT pg_catalog.array_agg(ms.year * 12 + ms.month - 1 ORDER BY ms.year, ms.month),
		pg_catalog.array_agg(pg_catalog.make_date(ms.year, ms.month, 1) ORDER BY ms.year, ms.month),
		pg_catalog.array_agg(ms.total_tickets ORDER BY ms.year, ms.month),
		pg_catalog.sum(ms.total_tickets)
	INTO xs, months, vals, total
	FROM @extschema@.movie_monthly_sales($1, $2, $3, $4, $5, $6) ms;

	IF xs IS NULL THEN
		RETURN @extschema@.movie_svg_no_data(760, 400, title);
	END IF;

	-- month names, with the year under the first label of each year
	step := pg_catalog.ceil(pg_catalog.array_length(xs, 1) / 14.0)::integer;
	names := ARRAY(SELECT pg_catalog.to_char(d, 'Mon YYYY')
				   FROM pg_catalog.unnest(months) WITH ORDINALITY AS u(d, i) ORDER BY i);
	FOR i IN 1 .. pg_catalog.array_length(xs, 1) LOOP
		IF (i - 1) % step <> 0 THEN
			labels := labels || ''::text;
		ELSIF pg_catalog.date_part('year', months[i])::integer IS DISTINCT FROM shown_year THEN
			shown_year := pg_catalog.date_part('year', months[i])::integer;
			labels := labels || (pg_catalog.to_char(months[i], 'Mon') || E'\n' || shown_year);
		ELSE
			labels := labels || pg_catalog.to_char(months[i], 'Mon');
		END IF;
	END LOOP;

	RETURN @extschema@.movie_svg_open(760, 400, title)
		|| @extschema@.movie_svg_text(16, 46, pg_catalog.format('%s tickets in %s months',
			@extschema@.movie_format_number(total), pg_catalog.array_length(xs, 1)),
			'font-size="12" fill="#666666"') || E'\n'
		|| @extschema@.movie_svg_line_panel(90, 64, 640, 260, xs, labels, names, vals,
			colour, false, true, 'Tickets sold')
		|| @extschema@.movie_svg_text(410, 386, 'Month of sale',
			'text-anchor="middle" font-size="12" fill="#333333"') || E'\n'
		|| '</svg>';
END
$$;

COMMENT ON FUNCTION movie_chart_monthly_sales(date, date, text[], text[], bigint, bigint) IS 'svg line chart of tickets sold per month';

/*
 * movie_chart_top10: the top10 chart, the ten best movies by metric (any
 * metric of movie_top_performers, which rejects the others) as horizontal
 * bars labelled with the titles and coloured by genre.  Takes the metric
 * and the analysis filters.
 */
CREATE FUNCTION movie_chart_top10(
	metric text DEFAULT 'revenue',
	released_from date DEFAULT NULL,
	released_to date DEFAULT NULL,
	genres text[] DEFAULT NULL,
	studios text[] DEFAULT NULL,
	min_budget bigint DEFAULT NULL,
	max_budget bigint DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
AS $$
DECLARE
	metric_label text;
	title text;
	chart_width CONSTANT integer := 760;
	chart_height integer;
	plot_left CONSTANT numeric := 250;
	plot_top CONSTANT numeric := 64;
	plot_width CONSTANT numeric := 420;
	plot_height numeric;
	row_height CONSTANT numeric := 28;
	in_dollars boolean;
	titles text[];
	ranks bigint[];
	genre_names text[];
	colours text[];
	vals numeric[];
	legend_labels text[];
	legend_colours text[];
	n integer;
	axis record;
	x_zero numeric;
	x_value numeric;
	row_y numeric;
	value_text text;
	svg text;
BEGIN
	-- movie_top_performers checks the metric, even when no movie passes
	SELECT pg_catalog.array_agg(t.title ORDER BY t.rank), pg_catalog.array_agg(t.rank ORDER BY t.rank),
		pg_catalog.array_agg(t.genre ORDER BY t.rank),
		pg_catalog.array_agg(COALESCE(c.colour, '#9e9e9e') ORDER BY t.rank),
		pg_catalog.array_agg(t.value ORDER BY t.rank)
	INTO titles, ranks, genre_names, colours, vals
	FROM @extschema@.movie_top_performers(metric, 10, $2, $3, $4, $5, $6, $7) t
	LEFT JOIN @extschema@.movie_genre_colours() c ON c.genre = t.genre;

	metric_label := CASE metric
		WHEN 'revenue' THEN 'total gross'
		WHEN 'profit' THEN 'profit'
		WHEN 'rating' THEN 'IMDb rating'
		WHEN 'roi' THEN 'return on investment'
		WHEN 'budget' THEN 'budget'
		WHEN 'tickets' THEN 'tickets sold'
		ELSE metric
	END;
	in_dollars := metric IN ('revenue', 'profit', 'budget');
	title := 'Top 10 movies by ' || metric_label;
	IF titles IS NULL THEN
		RETURN @extschema@.movie_svg_no_data(chart_width, 420, title);
	END IF;

	n := pg_catalog.array_length(titles, 1);
	plot_height := n * row_height;
	SELECT pg_catalog.array_agg(COALESCE(g.genre, '(no genre)') ORDER BY g.genre COLLATE "C" NULLS LAST),
		pg_catalog.array_agg(COALESCE(c.colour, '#9e9e9e') ORDER BY g.genre COLLATE "C" NULLS LAST)
	INTO legend_labels, legend_colours
	FROM (SELECT DISTINCT u.genre FROM pg_catalog.unnest(genre_names) u(genre)) g
	LEFT JOIN @extschema@.movie_genre_colours() c ON c.genre = g.genre;
	chart_height := (plot_top + plot_height + 76
		+ 18 * pg_catalog.ceil(pg_catalog.array_length(legend_labels, 1) / 4.0))::integer;

	SELECT * INTO axis
	FROM @extschema@.movie_axis_ticks(
		(SELECT LEAST(COALESCE(pg_catalog.min(v), 0), 0) FROM pg_catalog.unnest(vals) v),
		(SELECT GREATEST(COALESCE(pg_catalog.max(v), 0), 0) FROM pg_catalog.unnest(vals) v),
		false);
	x_zero := @extschema@.movie_svg_scale(0, axis.axis_lo, axis.axis_hi, plot_left, plot_left + plot_width);

	svg := @extschema@.movie_svg_open(chart_width, chart_height, title)
		|| @extschema@.movie_svg_text(16, 46, 'The colour of a bar shows the genre',
			'font-size="12" fill="#666666"') || E'\n'
		|| @extschema@.movie_svg_axis('bottom', plot_left, plot_top, plot_width, plot_height,
			axis.ticks, axis.axis_lo, axis.axis_hi, false, in_dollars,
			CASE metric
				WHEN 'revenue' THEN 'Total gross (USD)'
				WHEN 'profit' THEN 'Profit (USD)'
				WHEN 'rating' THEN 'IMDb rating'
				WHEN 'roi' THEN 'Return on investment (%)'
				WHEN 'budget' THEN 'Budget (USD)'
				ELSE 'Tickets sold'
			END, true);

	-- one row per movie: rank and title, bar, value
	FOR i IN 1 .. n LOOP
		row_y := plot_top + (i - 1) * row_height;
		value_text := CASE WHEN in_dollars THEN @extschema@.movie_format_money(vals[i])
						   WHEN metric = 'roi' THEN @extschema@.movie_format_percent(vals[i])
						   ELSE @extschema@.movie_format_number(vals[i]) END;
		svg := svg || @extschema@.movie_svg_text(plot_left - 8, row_y + row_height / 2 + 4,
			ranks[i] || '. ' || @extschema@.movie_svg_clip(titles[i], 32),
			'class="label" text-anchor="end" font-size="12" fill="#222222"') || E'\n';
		IF vals[i] IS NOT NULL THEN
			x_value := @extschema@.movie_svg_scale(vals[i], axis.axis_lo, axis.axis_hi,
				plot_left, plot_left + plot_width);
			svg := svg || pg_catalog.format(
				E'<rect class="bar" x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s</title></rect>\n',
				LEAST(x_value, x_zero), row_y + 5, pg_catalog.abs(x_value - x_zero), row_height - 10,
				@extschema@.movie_markup_escape(colours[i]),
				@extschema@.movie_markup_escape(pg_catalog.format('%s (%s): %s',
					titles[i], COALESCE(genre_names[i], 'no genre'), value_text)));
		END IF;
		svg := svg || @extschema@.movie_svg_text(GREATEST(COALESCE(x_value, x_zero), x_zero) + 5,
			row_y + row_height / 2 + 4, value_text, 'font-size="11" fill="#333333"') || E'\n';
		x_value := NULL;
	END LOOP;

	svg := svg || pg_catalog.format(E'<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#888888"/>\n',
			x_zero, plot_top, x_zero, plot_top + plot_height)
		|| @extschema@.movie_svg_legend(plot_left, plot_top + plot_height + 70, legend_labels,
			legend_colours, 4, 125);

	RETURN svg || '</svg>';
END
$$;

COMMENT ON FUNCTION movie_chart_top10(text, date, date, text[], text[], bigint, bigint) IS 'svg horizontal bar chart of the 10 best movies by a metric';

/*
 * movie_chart_weekend_weekday: the weekend_weekday chart, average tickets
 * per movie and day on weekends (Saturday, Sunday) against weekdays, as two
 * bars.  Takes the analysis filters.
 */
CREATE FUNCTION movie_chart_weekend_weekday(
	released_from date DEFAULT NULL,
	released_to date DEFAULT NULL,
	genres text[] DEFAULT NULL,
	studios text[] DEFAULT NULL,
	min_budget bigint DEFAULT NULL,
	max_budget bigint DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
AS $$
DECLARE
	title CONSTANT text := 'Weekend vs weekday: average tickets per day';
	sa record;
BEGIN
	SELECT * INTO sa FROM @extschema@.movie_sales_analysis($1, $2, $3, $4, $5, $6);

	IF COALESCE(sa.sales_rows, 0) = 0 THEN
		RETURN @extschema@.movie_svg_no_data(500, 380, title);
	END IF;

	RETURN @extschema@.movie_svg_column_chart(title,
		CASE WHEN sa.weekend_boost_percent IS NULL THEN NULL
			 ELSE 'Weekend boost: ' || CASE WHEN sa.weekend_boost_percent > 0 THEN '+' ELSE '' END
				|| @extschema@.movie_format_percent(sa.weekend_boost_percent)
		END,
		500, ARRAY['Weekend (Sat, Sun)', 'Weekday (Mon-Fri)'],
		ARRAY[sa.weekend_avg_tickets, sa.weekday_avg_tickets],
		ARRAY['#e07b1a', '#2f6db5'], false, 'Tickets per movie per day', NULL);
END
$$;

COMMENT ON FUNCTION movie_chart_weekend_weekday(date, date, text[], text[], bigint, bigint) IS 'svg bar chart of average daily tickets on weekends and weekdays';

/*
 * movie_chart: a chart of the analyses as a self-contained SVG 1.1
 * document.  kind is genre_revenue, yearly_trends, budget_vs_gross,
 * monthly_sales, top10 or weekend_weekday; metric is the ranking of top10
 * and is not used by the others.  Takes the analysis filters; a filter that
 * matches nothing gives a chart that says "No data".
 */
CREATE FUNCTION movie_chart(
	kind text,
	metric text DEFAULT 'revenue',
	released_from date DEFAULT NULL,
	released_to date DEFAULT NULL,
	genres text[] DEFAULT NULL,
	studios text[] DEFAULT NULL,
	min_budget bigint DEFAULT NULL,
	max_budget bigint DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
AS $$
BEGIN
	IF kind IS NULL THEN
		RAISE EXCEPTION 'chart kind must not be NULL'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;

	CASE kind
		WHEN 'genre_revenue' THEN
			RETURN @extschema@.movie_chart_genre_revenue($3, $4, $5, $6, $7, $8);
		WHEN 'yearly_trends' THEN
			RETURN @extschema@.movie_chart_yearly_trends($3, $4, $5, $6, $7, $8);
		WHEN 'budget_vs_gross' THEN
			RETURN @extschema@.movie_chart_budget_vs_gross($3, $4, $5, $6, $7, $8);
		WHEN 'monthly_sales' THEN
			RETURN @extschema@.movie_chart_monthly_sales($3, $4, $5, $6, $7, $8);
		WHEN 'top10' THEN
			RETURN @extschema@.movie_chart_top10($2, $3, $4, $5, $6, $7, $8);
		WHEN 'weekend_weekday' THEN
			RETURN @extschema@.movie_chart_weekend_weekday($3, $4, $5, $6, $7, $8);
		ELSE
			RAISE EXCEPTION 'unrecognized chart kind "%"', kind
				USING ERRCODE = 'invalid_parameter_value',
					  HINT = 'Valid kinds are genre_revenue, yearly_trends, budget_vs_gross, monthly_sales, top10 and weekend_weekday.';
	END CASE;
END
$$;

COMMENT ON FUNCTION movie_chart(text, text, date, date, text[], text[], bigint, bigint) IS 'a chart of the analyses as an svg document';

/*
 * movie_dashboard: every analysis on one self-contained HTML5 page, with
 * no scripts and nothing loaded from elsewhere: the overview's figures, the
 * charts inline, the top 10 and the genre and studio tables, in sections
 * overview, genres, studios, trends and sales.  Takes the analysis filters
 * and names those in force at the top.
 */
CREATE FUNCTION movie_dashboard(
	released_from date DEFAULT NULL,
	released_to date DEFAULT NULL,
	genres text[] DEFAULT NULL,
	studios text[] DEFAULT NULL,
	min_budget bigint DEFAULT NULL,
	max_budget bigint DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE
AS $$
DECLARE
	o record;
	sa record;
	active text[] := '{}';
	catalogue text;
	kpis text;
	top_rows text;
	genre_rows text;
	studio_rows text;
	max_studio_gross numeric;
	html text;
BEGIN
	SELECT * INTO o FROM @extschema@.movie_overview($1, $2, $3, $4, $5, $6);
	SELECT * INTO sa FROM @extschema@.movie_sales_analysis($1, $2, $3, $4, $5, $6);

	-- the filters in force, in words
	IF $1 IS NOT NULL THEN
		active := active || ('released from ' || pg_catalog.to_char($1, 'YYYY-MM-DD'));
	END IF;
	IF $2 IS NOT NULL THEN
		active := active || ('released to ' || pg_catalog.to_char($2, 'YYYY-MM-DD'));
	END IF;
	IF $3 IS NOT NULL THEN
		active := active || ('genres: ' || COALESCE(NULLIF(
			pg_catalog.array_to_string($3, ', ', '(no genre)'), ''), '(none)'));
	END IF;
	IF $4 IS NOT NULL THEN
		active := active || ('studios: ' || COALESCE(NULLIF(
			pg_catalog.array_to_string($4, ', ', '(no studio)'), ''), '(none)'));
	END IF;
	IF $5 IS NOT NULL THEN
		active := active || ('budget at least $' || pg_catalog.to_char($5, 'FM999,999,999,999,999,999,990'));
	END IF;
	IF $6 IS NOT NULL THEN
		active := active || ('budget at most $' || pg_catalog.to_char($6, 'FM999,999,999,999,999,999,990'));
	END IF;
	catalogue := pg_catalog.format('%s movies in %s genres from %s studios', o.total_movies,
		o.genres_count, o.studios_count)
		|| COALESCE(', released ' || pg_catalog.to_char(o.first_release, 'YYYY-MM-DD')
			|| ' to ' || pg_catalog.to_char(o.last_release, 'YYYY-MM-DD'), '')
		|| COALESCE('; daily sales ' || pg_catalog.to_char(sa.first_sale, 'YYYY-MM-DD')
			|| ' to ' || pg_catalog.to_char(sa.last_sale, 'YYYY-MM-DD'), '');

	-- overview cards: label, short value, exact value as tooltip
	SELECT pg_catalog.string_agg(pg_catalog.format(
			E'<div class="kpi" title="%s"><div class="kpi-label">%s</div><div class="kpi-value">%s</div></div>\n',
			@extschema@.movie_markup_escape(k.exact), @extschema@.movie_markup_escape(k.label),
			@extschema@.movie_markup_escape(k.shown)), '' ORDER BY k.i)
	INTO kpis
	FROM (VALUES
		(1, 'Movies', @extschema@.movie_format_number(o.total_movies), o.total_movies::text),
		(2, 'Total revenue', @extschema@.movie_format_money(o.total_revenue), '$' || o.total_revenue),
		(3, 'Average rating', COALESCE(o.avg_rating::text, 'n/a'), 'mean IMDb rating'),
		(4, 'Profitable', @extschema@.movie_format_percent(o.profitable_percentage),
			o.profitable_movies || ' movies grossed more than their budget'),
		(5, 'Average ROI', @extschema@.movie_format_percent(o.avg_roi), COALESCE(o.avg_roi || '%', 'n/a')),
		(6, 'Tickets sold', @extschema@.movie_format_number(o.total_tickets_sold), o.total_tickets_sold::text),
		(7, 'Sales revenue', @extschema@.movie_format_money(o.total_sales_revenue), '$' || o.total_sales_revenue)
	) AS k(i, label, shown, exact);

	-- the top 10 by gross
	SELECT pg_catalog.string_agg(pg_catalog.format(
			E'<tr><td class="num">%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td>'
			'<td class="num">%s</td><td class="num">%s</td><td class="num">%s</td>'
			'<td class="num">%s</td><td class="num">%s</td></tr>\n',
			t.rank, @extschema@.movie_markup_escape(t.title),
			@extschema@.movie_markup_escape(COALESCE(t.genre, '(no genre)')),
			@extschema@.movie_markup_escape(COALESCE(t.studio, '(no studio)')),
			@extschema@.movie_markup_escape(COALESCE(pg_catalog.to_char(t.release_date, 'YYYY-MM-DD'), 'n/a')),
			@extschema@.movie_markup_escape(@extschema@.movie_format_money(t.budget)),
			@extschema@.movie_markup_escape(@extschema@.movie_format_money(t.total_gross)),
			@extschema@.movie_markup_escape(@extschema@.movie_format_money(t.profit)),
			@extschema@.movie_markup_escape(COALESCE(t.imdb_rating::text, 'n/a')),
			@extschema@.movie_markup_escape(@extschema@.movie_format_percent(t.roi))), '' ORDER BY t.rank)
	INTO top_rows
	FROM @extschema@.movie_top_performers('revenue', 10, $1, $2, $3, $4, $5, $6) t;

	-- genres, with their chart colour
	SELECT pg_catalog.string_agg(pg_catalog.format(
			E'<tr><td><span class="swatch" style="background:%s"></span>%s</td><td class="num">%s</td>'
			'<td class="num">%s</td><td class="num">%s</td><td class="num">%s</td>'
			'<td class="num">%s</td><td class="num">%s</td><td class="num">%s</td></tr>\n',
			@extschema@.movie_markup_escape(COALESCE(c.colour, '#9e9e9e')),
			@extschema@.movie_markup_escape(COALESCE(g.genre, '(no genre)')), g.movie_count,
			@extschema@.movie_markup_escape(@extschema@.movie_format_money(g.total_gross)),
			@extschema@.movie_markup_escape(@extschema@.movie_format_money(g.avg_gross)),
			@extschema@.movie_markup_escape(@extschema@.movie_format_money(g.median_gross)),
			@extschema@.movie_markup_escape(@extschema@.movie_format_money(g.avg_budget)),
			@extschema@.movie_markup_escape(@extschema@.movie_format_money(g.avg_profit)),
			@extschema@.movie_markup_escape(COALESCE(g.avg_rating::text, 'n/a'))), '' ORDER BY g.ordinality)
	INTO genre_rows
	FROM @extschema@.movie_genre_stats($1, $2, $3, $4, $5, $6) WITH ORDINALITY AS g
	LEFT JOIN @extschema@.movie_genre_colours() c ON c.genre = g.genre;

	-- studios, with a bar for their share of the largest gross
	SELECT pg_catalog.max(s.total_gross) INTO max_studio_gross
	FROM @extschema@.movie_studio_stats($1, $2, $3, $4, $5, $6) s;
	SELECT pg_catalog.string_agg(pg_catalog.format(
			E'<tr><td>%s</td><td class="num">%s</td><td class="num">%s</td>'
			'<td class="share"><span class="share-bar" style="width:%s%%"></span></td>'
			'<td class="num">%s</td><td class="num">%s</td><td class="num">%s</td></tr>\n',
			@extschema@.movie_markup_escape(COALESCE(s.studio, '(no studio)')), s.movie_count,
			@extschema@.movie_markup_escape(@extschema@.movie_format_money(s.total_gross)),
			COALESCE(pg_catalog.round(s.total_gross * 100 / NULLIF(max_studio_gross, 0), 1), 0),
			@extschema@.movie_markup_escape(@extschema@.movie_format_money(s.avg_gross)),
			@extschema@.movie_markup_escape(@extschema@.movie_format_money(s.total_budget)),
			@extschema@.movie_markup_escape(COALESCE(s.avg_rating::text, 'n/a'))), '' ORDER BY s.ordinality)
	INTO studio_rows
	FROM @extschema@.movie_studio_stats($1, $2, $3, $4, $5, $6) WITH ORDINALITY AS s;

	html := E'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
		|| E'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
		|| E'<title>Box office dashboard</title>\n'
		|| E'<style>\n'
		|| E'body { margin: 0; font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; background: #f3f4f6; color: #222222; }\n'
		|| E'header { background: #1d2b3a; color: #ffffff; padding: 20px 32px 14px; }\n'
		|| E'header h1 { margin: 0 0 6px; font-size: 26px; }\n'
		|| E'header p { margin: 4px 0; color: #c8d2dc; font-size: 14px; }\n'
		|| E'header p.filters { color: #ffffff; }\n'
		|| E'nav { margin-top: 12px; }\n'
		|| E'nav a { color: #ffffff; margin-right: 20px; text-decoration: none; font-weight: bold; }\n'
		|| E'main { padding: 4px 32px 24px; }\n'
		|| E'section { background: #ffffff; border-radius: 8px; padding: 16px 24px 20px; margin: 20px 0; box-shadow: 0 1px 3px rgba(0, 0, 0, 0.12); }\n'
		|| E'h2 { margin: 0 0 14px; font-size: 20px; border-bottom: 2px solid #e3e6ea; padding-bottom: 6px; }\n'
		|| E'.kpis { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 12px; align-content: start; }\n'
		|| E'.kpi { background: #f7f9fb; border: 1px solid #dfe4ea; border-left: 4px solid #2f6db5; border-radius: 6px; padding: 10px 12px; }\n'
		|| E'.kpi-label { font-size: 12px; color: #5b6672; text-transform: uppercase; letter-spacing: 0.04em; }\n'
		|| E'.kpi-value { font-size: 26px; font-weight: bold; margin-top: 4px; }\n'
		|| E'.split { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 24px; align-items: start; }\n'
		|| E'.split.wide-narrow { grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); }\n'
		|| E'@media (max-width: 1000px) { .split, .split.wide-narrow { grid-template-columns: minmax(0, 1fr); } }\n'
		|| E'figure { margin: 0; }\n'
		|| E'figure svg { display: block; width: 100%; height: auto; border: 1px solid #e6e9ed; border-radius: 4px; }\n'
		|| E'figcaption { font-size: 13px; color: #5b6672; margin-top: 6px; }\n'
		|| E'table { border-collapse: collapse; width: 100%; font-size: 13px; }\n'
		|| E'.split + table, section > p + table { margin-top: 18px; }\n'
		|| E'th, td { padding: 5px 8px; border-bottom: 1px solid #e6e9ed; text-align: left; }\n'
		|| E'th { background: #eef1f4; }\n'
		|| E'tbody tr:nth-child(even) { background: #fafbfc; }\n'
		|| E'.num { text-align: right; font-variant-numeric: tabular-nums; }\n'
		|| E'table.genres td:first-child { white-space: nowrap; }\n'
		|| E'.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; }\n'
		|| E'td.share { width: 25%; }\n'
		|| E'.share-bar { display: inline-block; height: 10px; background: #2f6db5; border-radius: 2px; }\n'
		|| E'footer { padding: 0 32px 24px; color: #777777; font-size: 12px; }\n'
		|| E'</style>\n</head>\n<body>\n'
		|| E'<header>\n<h1>Box office dashboard</h1>\n'
		|| '<p class="filters">Filters: '
		|| @extschema@.movie_markup_escape(CASE WHEN pg_catalog.cardinality(active) = 0 THEN 'none'
			ELSE pg_catalog.array_to_string(active, '; ') END) || E'</p>\n'
		|| '<p>' || @extschema@.movie_markup_escape(catalogue) || E'</p>\n'
		|| E'<nav><a href="#overview">Overview</a><a href="#genres">Genres</a><a href="#studios">Studios</a>'
		|| E'<a href="#trends">Trends</a><a href="#sales">Sales</a></nav>\n</header>\n<main>\n';

	-- overview: the figures and the top 10
	html := html || E'<section id="overview">\n<h2>Overview</h2>\n<div class="split">\n<div class="kpis">\n' || kpis || E'</div>\n'
		|| E'<figure>\n'
		|| @extschema@.movie_chart('top10', 'revenue', $1, $2, $3, $4, $5, $6)
		|| E'\n<figcaption>The ten movies with the highest total gross; the colour of a bar is the movie''s genre.</figcaption>\n</figure>\n</div>\n'
		|| E'<table class="top10">\n<thead><tr><th class="num">#</th><th>Title</th><th>Genre</th><th>Studio</th><th>Released</th>'
		|| E'<th class="num">Budget</th><th class="num">Gross</th><th class="num">Profit</th><th class="num">Rating</th><th class="num">ROI</th></tr></thead>\n<tbody>\n'
		|| COALESCE(top_rows, E'<tr><td colspan="10">No data</td></tr>\n') || E'</tbody>\n</table>\n</section>\n';

	-- genres: revenue chart and statistics
	html := html || E'<section id="genres">\n<h2>Genres</h2>\n<div class="split">\n<figure>\n'
		|| @extschema@.movie_chart('genre_revenue', 'revenue', $1, $2, $3, $4, $5, $6)
		|| E'\n<figcaption>Total gross of the movies of each genre.</figcaption>\n</figure>\n'
		|| E'<table class="genres">\n<thead><tr><th>Genre</th><th class="num">Movies</th><th class="num">Total gross</th>'
		|| E'<th class="num">Mean gross</th><th class="num">Median gross</th><th class="num">Mean budget</th>'
		|| E'<th class="num">Mean profit</th><th class="num">Mean rating</th></tr></thead>\n<tbody>\n'
		|| COALESCE(genre_rows, E'<tr><td colspan="8">No data</td></tr>\n') || E'</tbody>\n</table>\n</div>\n</section>\n';

	-- studios: statistics with share bars
	html := html || E'<section id="studios">\n<h2>Studios</h2>\n'
		|| E'<table class="studios">\n<thead><tr><th>Studio</th><th class="num">Movies</th><th class="num">Total gross</th>'
		|| E'<th>Gross against the top studio</th><th class="num">Mean gross</th><th class="num">Total budget</th>'
		|| E'<th class="num">Mean rating</th></tr></thead>\n<tbody>\n'
		|| COALESCE(studio_rows, E'<tr><td colspan="7">No data</td></tr>\n') || E'</tbody>\n</table>\n</section>\n';

	-- trends: by release year, and budget against gross
	html := html || E'<section id="trends">\n<h2>Trends</h2>\n<div class="split">\n<figure>\n'
		|| @extschema@.movie_chart('yearly_trends', 'revenue', $1, $2, $3, $4, $5, $6)
		|| E'\n<figcaption>Movies released in each year (top) and their mean total gross (bottom).</figcaption>\n</figure>\n<figure>\n'
		|| @extschema@.movie_chart('budget_vs_gross', 'revenue', $1, $2, $3, $4, $5, $6)
		|| E'\n<figcaption>Each dot is a movie, coloured by genre; both axes are logarithmic.</figcaption>\n</figure>\n</div>\n</section>\n';

	-- sales: tickets by month, weekend against weekday
	html := html || E'<section id="sales">\n<h2>Sales</h2>\n'
		|| '<p>' || @extschema@.movie_markup_escape(pg_catalog.format(
			'%s daily sales rows, %s tickets, %s revenue, %s tickets per movie per day on average',
			pg_catalog.to_char(COALESCE(sa.sales_rows, 0), 'FM999,999,999,999,999,990'),
			@extschema@.movie_format_number(COALESCE(sa.total_tickets, 0)),
			@extschema@.movie_format_money(COALESCE(sa.total_revenue, 0)),
			@extschema@.movie_format_number(sa.avg_tickets_per_day))) || E'</p>\n'
		|| E'<div class="split wide-narrow">\n<figure>\n'
		|| @extschema@.movie_chart('monthly_sales', 'revenue', $1, $2, $3, $4, $5, $6)
		|| E'\n<figcaption>Tickets sold in each calendar month.</figcaption>\n</figure>\n<figure>\n'
		|| @extschema@.movie_chart('weekend_weekday', 'revenue', $1, $2, $3, $4, $5, $6)
		|| E'\n<figcaption>Mean tickets sold per movie and day on Saturdays and Sundays against Monday to Friday.</figcaption>\n</figure>\n</div>\n</section>\n';

	RETURN html || E'</main>\n<footer>Made by movie_analytics on '
		|| pg_catalog.to_char(pg_catalog.now(), 'YYYY-MM-DD HH24:MI') || E'.</footer>\n</body>\n</html>\n';
END
$$;

COMMENT ON FUNCTION movie_dashboard(date, date, text[], text[], bigint, bigint) IS 'every analysis on one self-contained html page with inline svg charts';
