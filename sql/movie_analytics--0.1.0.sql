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
			THEN pg_catalog.round((total_gross - budget)::numeric * 100 / budget, 2)
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
 * Loader.
 */
CREATE FUNCTION movie_load_csv(target text, path text, header boolean DEFAULT true)
RETURNS bigint
AS 'MODULE_PATHNAME', 'movie_load_csv'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

CREATE FUNCTION movie_load_csv_data(target text, data bytea, header boolean DEFAULT true)
RETURNS bigint
AS 'MODULE_PATHNAME', 'movie_load_csv_data'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION movie_load_csv(text, text, boolean) IS 'bulk-load a CSV file on the server into movies or sales; returns rows loaded';
COMMENT ON FUNCTION movie_load_csv_data(text, bytea, boolean) IS 'bulk-load CSV content passed as an argument into movies or sales; returns rows loaded';

/*
 * Catalogue summary aggregate: one pass over movies.
 */
CREATE TYPE movie_catalog_summary AS (
	total_movies bigint,
	total_revenue numeric,
	total_budget numeric,
	avg_rating numeric,
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
	weekday_rows bigint,
	weekday_tickets numeric,
	weekday_revenue numeric,
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
 * Analyses.
 */
CREATE FUNCTION movie_overview(
	OUT total_movies bigint,
	OUT total_revenue numeric,
	OUT avg_rating numeric,
	OUT profitable_movies bigint,
	OUT profitable_percentage numeric,
	OUT avg_roi numeric,
	OUT genres_count bigint,
	OUT studios_count bigint,
	OUT first_release date,
	OUT last_release date,
	OUT total_tickets_sold numeric,
	OUT total_sales_revenue numeric,
	OUT avg_daily_tickets numeric)
RETURNS record
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
		  FROM @extschema@.movies m) mc,
		 (SELECT @extschema@.movie_sales_stats(s.tickets_sold, s.revenue,
				s.sale_date) AS s
		  FROM @extschema@.sales s) sc
$$;

COMMENT ON FUNCTION movie_overview() IS 'one-row overview of the catalogue and of daily sales';

CREATE FUNCTION movie_top_performers(metric text, n integer DEFAULT 10)
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
		FROM @extschema@.movies m
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

COMMENT ON FUNCTION movie_top_performers(text, integer) IS 'the n best movies by revenue, profit, rating, roi, budget or tickets; ties by movie_id, NULL values last';
