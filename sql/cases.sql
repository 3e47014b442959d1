--
-- Regression cases for faults that loaders and aggregates like these are
-- known to have: byte-order marks, "\." lines, NULL versus empty versus NaN,
-- invalid UTF-8 and NUL bytes, spreadsheet numbers, ROI without a budget,
-- no-break spaces and duplicates, wrong field counts.
--
SET datestyle = ISO;
TRUNCATE sales, movies;
\set movies_csv `cat data/movies.csv`
SELECT * FROM movie_load_csv_data('movies', convert_to(:'movies_csv', 'UTF8'));

-- Load content, returning "loaded N" or the error: SQLSTATE, message,
-- detail, hint and the loader's context line, separated by " | ".
CREATE FUNCTION pg_temp.try_load(target text, content bytea)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	n bigint;
	detail text;
	hint text;
	context text;
BEGIN
	SELECT rows_loaded INTO n FROM movie_load_csv_data(target, content);
	RETURN 'loaded ' || n;
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL,
		hint = PG_EXCEPTION_HINT, context = PG_EXCEPTION_CONTEXT;
	RETURN concat_ws(' | ', SQLSTATE, SQLERRM, nullif(detail, ''),
					 nullif(hint, ''), substring(context FROM 'loading [^\n]*'));
END $$;

\set movie_header 'movie_id,title,genre,release_date,rating,studio,runtime_minutes,budget,domestic_gross,international_gross,total_gross,imdb_rating,tickets_sold,tickets_available'
\set sales_header 'movie_id,movie_title,date,tickets_sold,revenue'

-- A byte-order mark before the header is not part of the first column name;
-- the same bytes inside a value are data.
BEGIN;
SELECT * FROM movie_load_csv_data('sales', '\xefbbbf'::bytea || convert_to(:'sales_header' ||
	E'\n206,Amazing Guardian,2024-08-23,26,357.61\n206,Amazing Guardian,2024-08-24,75,971.93\n', 'UTF8'));
SELECT movie_id, movie_title, sale_date, tickets_sold, revenue FROM sales ORDER BY sale_date;
SELECT * FROM movie_load_csv_data('sales', '\xefbbbf'::bytea ||
	convert_to(E'206,Amazing Guardian,2024-08-25,26,357.61\n', 'UTF8'), header => false);
SELECT movie_id, sale_date FROM sales WHERE sale_date = '2024-08-25';
SELECT * FROM movie_load_csv_data('sales', convert_to(:'sales_header' || E'\n206,Mid' || chr(65279) || E'dle,2024-08-26,1,1\n', 'UTF8'));
SELECT length(movie_title), octet_length(movie_title) FROM sales WHERE sale_date = '2024-08-26';
ROLLBACK;
SELECT pg_temp.try_load('sales', '\xfffe6d006f007600'::bytea);

-- "\." is ordinary data, inside quotes and out.
BEGIN;
SELECT * FROM movie_load_csv_data('sales', convert_to(:'sales_header' ||
	E'\n7,"Part one\n\\.\nPart two",2024-09-01,10,120.50\n8,Plain Title,2024-09-01,5,60.00\n', 'UTF8'));
SELECT movie_id, movie_title = E'Part one\n\\.\nPart two' AS exact, length(movie_title)
FROM sales ORDER BY movie_id;
ROLLBACK;
SELECT pg_temp.try_load('sales', convert_to(:'sales_header' ||
	E'\n7,Alpha,2024-09-01,10,120.50\n\\.\n8,Beta,2024-09-02,5,60.00\n', 'UTF8'));
SELECT count(*) AS sales_rows FROM sales;

-- An unquoted empty field is NULL, a quoted "" an empty string; blanks are
-- kept as written; NaN, a blank number and "" in a date are errors.
BEGIN;
SELECT * FROM movie_load_csv_data('movies', convert_to(:'movie_header' || E'\n' ||
	E'901,Alpha,Drama,,PG,,120,,1000,2000,3000,7.1,10,5\n' ||
	E'902,Beta,Drama,2016-05-06,PG,"",110,5000,1000,2000,3000,6.9,10,5\n' ||
	E'903,"",Drama,2016-05-06,PG,Lumen,100,4000,1000,2000,3000,7.5,10,5\n' ||
	E'907,  Zeta  ,Drama,2016-05-09,PG,Lumen,100,3500,1000,2000,3000,6.0,10,5\n', 'UTF8'));
SELECT movie_id, release_date IS NULL AS date_null, studio IS NULL AS studio_null,
	studio, budget IS NULL AS budget_null, '[' || title || ']' AS title, length(title)
FROM movies WHERE movie_id > 900 ORDER BY 1;
ROLLBACK;
SELECT pg_temp.try_load('movies', convert_to(:'movie_header' ||
	E'\n904,Gamma,Drama,"",PG,Lumen,100,4000,1000,2000,3000,7.0,10,5\n', 'UTF8'));
SELECT pg_temp.try_load('movies', convert_to(:'movie_header' ||
	E'\n905,Delta,Drama,2016-05-07,PG,Lumen,100, ,1000,2000,3000,7.2,10,5\n', 'UTF8'));
SELECT pg_temp.try_load('movies', convert_to(:'movie_header' ||
	E'\n906,Epsilon,Drama,2016-05-08,PG,Lumen,100,3000,1000,2000,3000,NaN,10,5\n', 'UTF8'));

-- Aggregates skip NULLs as pandas skips NaN, and never rank a missing value
-- first.
BEGIN;
TRUNCATE sales, movies;
SELECT * FROM movie_load_csv_data('movies', convert_to(:'movie_header' || E'\n' ||
	E'901,Alpha,Drama,,PG,,120,,1000,2000,3000,7.1,10,5\n' ||
	E'902,Beta,Drama,2016-05-06,PG,"",110,5000,1000,2000,3000,6.9,10,5\n' ||
	E'903,"",Drama,2016-05-06,PG,Lumen,100,4000,1000,2000,3000,7.5,10,5\n' ||
	E'908,Unrated,Drama,2016-05-06,PG,Lumen,100,4000,1000,2000,3000,,10,5\n', 'UTF8'));
SELECT total_movies, avg_rating FROM movie_overview();
SELECT round(avg(budget), 2) AS avg_budget FROM movies WHERE movie_id <= 903;
SELECT rank, movie_id, value FROM movie_top_performers('rating', 10);
ROLLBACK;

-- Invalid UTF-8 and NUL bytes are errors naming the column and the bytes,
-- never silently cut.
SELECT pg_temp.try_load('sales', convert_to(:'sales_header' || E'\n301,Am', 'UTF8') ||
	'\xe9'::bytea || convert_to(E'lie,2024-08-23,26,357.61\n', 'UTF8'));
SELECT pg_temp.try_load('sales', convert_to(:'sales_header' || E'\n302,Ni', 'UTF8') ||
	'\x00'::bytea || convert_to(E'ght,2024-08-23,3,30.00\n', 'UTF8'));
SELECT pg_temp.try_load('sales', convert_to(:'sales_header' || E'\n303,Caf', 'UTF8') ||
	'\xc3'::bytea || convert_to(E',2024-08-23,1,1.00\n', 'UTF8'));
BEGIN;
SELECT * FROM movie_load_csv_data('sales', convert_to(:'sales_header' ||
	E'\n304,Caf\u00e9 Society,2024-08-24,5,50.00\n', 'UTF8'));
SELECT movie_title, length(movie_title), octet_length(movie_title) FROM sales;
ROLLBACK;

-- Whole-dollar columns take plain digits only: no exponent, no ".0", no
-- hex, no separators, no currency, nothing past bigint.
BEGIN;
SELECT v AS budget, pg_temp.try_load('movies', convert_to(:'movie_header' ||
	E'\n' || 500 + i || ',Iota,Drama,2016-05-06,PG,Lumen,100,' || v ||
	E',1000,2000,3000,7.1,10,5\n', 'UTF8'))
FROM unnest(ARRAY['1.05076E+11', '2.37e8', '237000000.0', '237000000.5', '12abc',
	'0x10', '1_000', '9223372036854775808', '"$237,000,000"', '$ 15000000',
	'ITL 5000000', '"(5,000)"', '+4000', '4000']) WITH ORDINALITY AS t(v, i);
SELECT movie_id, budget FROM movies WHERE movie_id > 500 ORDER BY 1;
ROLLBACK;
SELECT pg_temp.try_load('movies', convert_to(:'movie_header' ||
	E'\n608,Theta,Drama,2016-05-06,PG,Lumen,100,$237,000,000,1000,2000,3000,7.1,10,5\n', 'UTF8'));
SELECT pg_temp.try_load('movies', convert_to(:'movie_header' ||
	E'\n607,Eta,Drama,2016-05-06,PG,Lumen,100,4000,1000,2000,"1.234.567",7.1,10,5\n', 'UTF8'));

-- ROI is NULL without a positive budget, never an error, NaN or Infinity.
BEGIN;
TRUNCATE sales, movies;
SELECT * FROM movie_load_csv_data('movies', convert_to(:'movie_header' || E'\n' ||
	E'701,Alpha,Drama,2016-05-06,PG,Lumen,100,100000000,100000000,150000000,250000000,7.1,10,5\n' ||
	E'702,Beta,Drama,2016-05-06,PG,Lumen,100,0,2000000,3000000,5000000,6.0,10,5\n' ||
	E'703,Gamma,Drama,2016-05-06,PG,Lumen,100,200000000,40000000,60000000,100000000,5.5,10,5\n' ||
	E'704,Delta,Drama,2016-05-06,PG,Lumen,100,,100000000,200000000,300000000,8.0,10,5\n' ||
	E'705,Epsilon,Drama,2016-05-06,PG,Lumen,100,50000000,20000000,30000000,50000000,6.5,10,5\n' ||
	E'706,Zeta,Drama,2016-05-06,PG,Lumen,100,0,0,0,0,4.0,10,5\n', 'UTF8'));
SELECT movie_id, profit, roi FROM movies ORDER BY 1;
SELECT avg_roi, profitable_movies, profitable_percentage FROM movie_overview();
SELECT sum(profit) AS total_known_profit FROM movies;
SELECT rank, movie_id, value FROM movie_top_performers('roi', 3);
ROLLBACK;
SELECT pg_temp.try_load('movies', convert_to(:'movie_header' ||
	E'\n707,Eta,Drama,2016-05-06,PG,Lumen,100,-1000000,0,500000,500000,5.0,10,5\n', 'UTF8'));

-- Titles keep their bytes (a no-break space is not trimmed); a duplicate
-- key is an error, never silently merged.
\set avatar 'Action,2009-12-18,PG-13,Fox,178,237000000,283647790,476858057,760505847,7.9,10,5'
SELECT pg_temp.try_load('movies', convert_to(:'movie_header' ||
	E'\n801,Avatar\u00a0,' || :'avatar' || E'\n801,Avatar\u00a0,' || :'avatar' || E'\n', 'UTF8'));
BEGIN;
TRUNCATE sales, movies;
SELECT * FROM movie_load_csv_data('movies', convert_to(:'movie_header' ||
	E'\n801,Avatar\u00a0,' || :'avatar' || E'\n803,Avatar,' || :'avatar' ||
	E'\n804,"Avatar ",' || :'avatar' || E'\n805,Avatar ,' || :'avatar' || E'\n', 'UTF8'));
SELECT movie_id, length(title), octet_length(title), title = 'Avatar' || chr(160) AS nbsp
FROM movies ORDER BY 1;
SELECT count(*), count(DISTINCT title), sum(total_gross) FROM movies;
ROLLBACK;

-- A record with the wrong number of fields is reported as such, before any
-- of its shifted values.
BEGIN;
SELECT pg_temp.try_load('movies', convert_to(:'movie_header' || E'\n' || v || E'\n', 'UTF8'))
FROM unnest(ARRAY[
	'1001,Monsters, Inc.,Animation,2001-11-02,G,Pixar,92,115000000,289916256,287000000,576916256,8.1,10,5',
	'1002,Up,Animation,2009-05-29,PG,Pixar,96,175000000,293004164,442094918,735099082,8.3,10,5,',
	E'1003,Shark Weekend,Horror,2014-01-01,PG-13\n,Lumen,82,1000000,0,0,0,3.1,10,5',
	',Lumen,82,1000000,0,0,0,3.1,10,5',
	'1004,Inside Out,Animation,2015-06-19,PG,Pixar,95,175000000,356461711,501149463,857611174,8.1,10,5'
	]) AS v;
SELECT movie_id, title, total_gross FROM movies WHERE movie_id > 1000;
ROLLBACK;
