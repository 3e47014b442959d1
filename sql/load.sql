--
-- Loading: the sample data, the CSV dialect, and every kind of bad input.
--
-- Content is passed with movie_load_csv_data so that messages do not depend
-- on where the repository lives; the server-file form is tested at the end.
--
\set VERBOSITY default
SET datestyle = ISO;
TRUNCATE sales, movies;

-- The sample data loads completely and exactly as COPY reads it.
\set movies_csv `cat data/movies.csv`
\set sales_csv `cat data/sales.csv`
SELECT * FROM movie_load_csv_data('movies', convert_to(:'movies_csv', 'UTF8'));
SELECT * FROM movie_load_csv_data('sales', convert_to(:'sales_csv', 'UTF8'));

CREATE TEMP TABLE copy_movies (LIKE movies INCLUDING ALL);
\copy copy_movies (movie_id, title, genre, release_date, rating, studio, runtime_minutes, budget, domestic_gross, international_gross, total_gross, imdb_rating, tickets_sold, tickets_available) FROM 'data/movies.csv' CSV HEADER
CREATE TEMP TABLE copy_sales (LIKE sales);
\copy copy_sales FROM 'data/sales.csv' CSV HEADER
SELECT count(*) AS movies_only_in_one
FROM ((TABLE movies EXCEPT TABLE copy_movies) UNION ALL
	  (TABLE copy_movies EXCEPT TABLE movies)) d;
SELECT count(*) AS sales_only_in_one
FROM ((TABLE sales EXCEPT TABLE copy_sales) UNION ALL
	  (TABLE copy_sales EXCEPT TABLE sales)) d;

-- Derived columns follow the documented rules.
SELECT count(*) FILTER (WHERE profit <> total_gross - budget) AS bad_profit,
	count(*) FILTER (WHERE roi <> round((total_gross - budget) * 100.0 / budget, 2)) AS bad_roi,
	count(*) FILTER (WHERE release_year <> extract(year FROM release_date)) AS bad_year,
	count(*) FILTER (WHERE budget_category IS NULL OR performance IS NULL) AS no_band
FROM movies;
SELECT budget_category, min(budget), max(budget) FROM movies
GROUP BY 1 ORDER BY 2;

CREATE TEMP TABLE counts_before AS
SELECT (SELECT count(*) FROM movies) AS movies, (SELECT count(*) FROM sales) AS sales;

-- Header mapping: any order, any case; sales' "date" is sale_date; columns
-- left out are NULL.
BEGIN;
SELECT * FROM movie_load_csv_data('movies', convert_to(E'Title,MOVIE_ID,budget\nReordered,100001,5\n', 'UTF8'));
SELECT movie_id, title, budget, genre, total_gross, roi FROM movies WHERE movie_id = 100001;
SELECT * FROM movie_load_csv_data('sales', convert_to(E'revenue,date,movie_id\n1.50,2024-01-06,100001\n', 'UTF8'));
SELECT * FROM sales_detail WHERE movie_id = 100001;
ROLLBACK;

-- Without a header, fields follow the file format's column order.
BEGIN;
SELECT * FROM movie_load_csv_data('sales', convert_to(E'1,Headerless,2024-01-01,3,30.00\n', 'UTF8'), header => false);
SELECT movie_id, movie_title, sale_date, tickets_sold, revenue FROM sales WHERE movie_title = 'Headerless';
ROLLBACK;

-- The CSV dialect: CRLF, a UTF-8 byte-order mark, quoted commas, quotes and
-- line breaks, a missing final line end, blank lines between records.
BEGIN;
SELECT * FROM movie_load_csv_data('movies', '\xefbbbf'::bytea || convert_to(
	E'movie_id,title\r\n100002,"Comma, Inc."\r\n100003,"Say ""Hi"""\r\n\r\n' ||
	E'100004,"Two\nLines"\r\n100005,Last', 'UTF8'));
SELECT movie_id, title, length(title) FROM movies WHERE movie_id > 100000 ORDER BY 1;
ROLLBACK;

-- Bad input: each load fails whole, with the line, column and value.
SELECT * FROM movie_load_csv_data('movies', ''::bytea);
SELECT * FROM movie_load_csv_data('movies', convert_to(E'\n\n', 'UTF8'));
SELECT * FROM movie_load_csv_data('movies', convert_to(E'movie_id,title,budgett\n1,X,5\n', 'UTF8'));
SELECT * FROM movie_load_csv_data('movies', convert_to(E'movie_id,budget\n1,5\n', 'UTF8'));
SELECT * FROM movie_load_csv_data('movies', convert_to(E'movie_id,title,title\n1,X,Y\n', 'UTF8'));
SELECT * FROM movie_load_csv_data('movies', convert_to(E'movie_id,title,profit\n1,X,5\n', 'UTF8'));
SELECT * FROM movie_load_csv_data('sales', convert_to(E'movie_id,movie_title,date,tickets_sold,revenue\n1,A,2024-01-01,3,1\n1,B,2024-01-02,3\n', 'UTF8'));
SELECT * FROM movie_load_csv_data('movies', convert_to(E'movie_id,title\n100006,"Open quote\n100007,Next\n', 'UTF8'));
SELECT * FROM movie_load_csv_data('movies', convert_to(E'movie_id,title\n100006,Mis"placed\n', 'UTF8'));
SELECT * FROM movie_load_csv_data('movies', convert_to(E'movie_id,title\n100006,"Closed"after\n', 'UTF8'));
SELECT * FROM movie_load_csv_data('movies', convert_to(E'movie_id,title,budget\n100006,X,12abc\n', 'UTF8'));
SELECT * FROM movie_load_csv_data('movies', convert_to(E'movie_id,title,runtime_minutes\n100006,X,2147483648\n', 'UTF8'));
SELECT * FROM movie_load_csv_data('movies', convert_to(E'movie_id,title,imdb_rating\n100006,X,7.25\n', 'UTF8'));
SELECT * FROM movie_load_csv_data('movies', convert_to(E'movie_id,title,imdb_rating\n100006,X,100.0\n', 'UTF8'));
SELECT * FROM movie_load_csv_data('movies', convert_to(E'movie_id,title,imdb_rating\n100006,X,11.0\n', 'UTF8'));
SELECT * FROM movie_load_csv_data('movies', convert_to(E'movie_id,title,release_date\n100006,X,2019-02-30\n', 'UTF8'));
SELECT * FROM movie_load_csv_data('movies', convert_to(E'movie_id,title,release_date\n100006,X,2019-2-3\n', 'UTF8'));
SELECT * FROM movie_load_csv_data('movies', convert_to(E'movie_id,title\n1,Already there\n', 'UTF8'));
SELECT * FROM movie_load_csv_data('movies', convert_to(E'movie_id,title\n100006,Once\n100006,Twice\n', 'UTF8'));
SELECT * FROM movie_load_csv_data('movies', convert_to(E'movie_id,title\n100006,\n', 'UTF8'));
SELECT * FROM movie_load_csv_data('movies', convert_to(E'movie_id,title,budget\n100006,X,-5\n', 'UTF8'));
SELECT * FROM movie_load_csv_data('sales', convert_to(E'movie_id,date\n99999999,2024-01-01\n', 'UTF8'));
SELECT * FROM movie_load_csv_data('sales', convert_to(E'movie_id,date\n1,2024-01-01\n1,2024-01-01\n', 'UTF8'));
SELECT * FROM movie_load_csv_data('movies', convert_to(E'movie_id,title\n100006,Am', 'UTF8') || '\xe9'::bytea || convert_to(E'lie\n', 'UTF8'));
SELECT * FROM movie_load_csv_data('movies', convert_to(E'movie_id,title\n100006,"a\rb"\n100007,c\rd\n', 'UTF8'));
SELECT * FROM movie_load_csv_data('movies', convert_to(E'title,movie_id\nOne,100006\r"Two\nlines",100007\n', 'UTF8'));
SELECT * FROM movie_load_csv_data('movies', convert_to(E'movie_id,title\n100006,a\r\r\n', 'UTF8'));
SELECT * FROM movie_load_csv_data('movies', convert_to(E'movie_id,title\r100006,x', 'UTF8'));
SELECT * FROM movie_load_csv_data('movies', '\xfffe6d006f00'::bytea);
SELECT * FROM movie_load_csv_data('films', convert_to(E'movie_id\n1\n', 'UTF8'));
SELECT * FROM movie_load_csv_data('movies', NULL);
SELECT (SELECT count(*) FROM movies) = movies AND
	(SELECT count(*) FROM sales) = sales AS tables_unchanged
FROM counts_before;

-- Server files: errors for what cannot be read; a file in the data
-- directory loads by a relative path, as with COPY.
SELECT * FROM movie_load_csv('movies', 'no/such/file.csv');
SELECT * FROM movie_load_csv('movies', '.');
SELECT lo_from_bytea(0, convert_to(E'movie_id,title\n100008,From a file\n', 'UTF8')) AS loid \gset
SELECT lo_export(:loid, current_setting('data_directory') || '/movie_load_test.csv');
SELECT lo_unlink(:loid);
BEGIN;
SELECT * FROM movie_load_csv('movies', 'movie_load_test.csv');
SELECT movie_id, title FROM movies WHERE movie_id = 100008;
ROLLBACK;

-- A server file is read by a parallel worker while the backend inserts:
-- the rows are exactly those read here and by COPY.
SELECT lo_from_bytea(0, convert_to(:'sales_csv', 'UTF8')) AS sales_loid \gset
SELECT lo_export(:sales_loid, current_setting('data_directory') || '/movie_sales_test.csv');
SELECT lo_unlink(:sales_loid);
BEGIN;
TRUNCATE sales;
SELECT * FROM movie_load_csv('sales', 'movie_sales_test.csv');
SELECT count(*) AS sales_only_in_one
FROM ((TABLE sales EXCEPT TABLE copy_sales) UNION ALL
	  (TABLE copy_sales EXCEPT TABLE sales)) d;
ROLLBACK;

-- Reading a server file takes pg_read_server_files; loading content takes
-- only INSERT on the table.
CREATE ROLE movie_loader;
SET ROLE movie_loader;
SELECT * FROM movie_load_csv('movies', 'movie_load_test.csv');
SELECT * FROM movie_load_csv_data('movies', convert_to(E'movie_id,title\n100009,X\n', 'UTF8'));
RESET ROLE;
GRANT INSERT ON movies TO movie_loader;
GRANT SELECT ON movies TO movie_loader;
SET ROLE movie_loader;
BEGIN;
SELECT * FROM movie_load_csv_data('movies', convert_to(E'movie_id,title\n100009,X\n', 'UTF8'));
ROLLBACK;
RESET ROLE;
GRANT pg_read_server_files TO movie_loader;
REVOKE INSERT ON movies FROM movie_loader;
SET ROLE movie_loader;
SELECT * FROM movie_load_csv('movies', 'movie_load_test.csv');
RESET ROLE;
REVOKE ALL ON movies FROM movie_loader;
DROP ROLE movie_loader;
