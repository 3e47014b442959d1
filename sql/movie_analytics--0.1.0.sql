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
	revenue numeric CHECK (revenue >= 0),
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
