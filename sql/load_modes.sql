--
-- Loader modes: skipping bad records into movie_load_rejects, replacing
-- rows that already exist, daily appends, input encodings.
--
SET datestyle = ISO;
TRUNCATE sales, movies, movie_load_rejects;
\set movies_csv `cat data/movies.csv`
SELECT * FROM movie_load_csv_data('movies', convert_to(:'movies_csv', 'UTF8'));
\set sales_header 'movie_id,movie_title,date,tickets_sold,revenue'
\set movie_header 'movie_id,title,genre,release_date,rating,studio,runtime_minutes,budget,domestic_gross,international_gross,total_gross,imdb_rating,tickets_sold,tickets_available'

-- Every kind of bad record, skipped and kept as it was in the input.
SELECT * FROM movie_load_csv_data('sales', convert_to(:'sales_header' || E'\n' ||
	E'206,Amazing Guardian,2024-08-23,26,357.61\n' ||
	E'206,Amazing Guardian,2024-08-24,75,"971,93"\n' ||
	E'207,"Night, Again",2024-08-24,1e2,10.00\n' ||
	E'208,Quiet Harbor,24/08/2024,4,40.00\n' ||
	E'209,Last Light,2024-08-25,9,99.90\n' ||
	E'210,Short,2024-08-25\n' ||
	E'211,"Multi\nline, with ""quotes""",2024-08-26,x,1\n' ||
	E'99999,Unknown,2024-08-26,1,1\n' ||
	E'212,Negative,2024-08-26,-1,1\n' ||
	E'206,Amazing Guardian,2024-08-23,1,1\n' ||
	E'213,Mis"quoted,2024-08-26,1,1\n' ||
	E'214,Fine,2024-08-26,1,1\n', 'UTF8') || '\x3231352c4361e92c323032342d30382d32362c312c310a'::bytea ||
	convert_to(E'216,"Never closed,2024-08-26,1,1\n', 'UTF8'), on_error => 'skip');
SELECT movie_id, sale_date, tickets_sold, revenue FROM sales ORDER BY movie_id, sale_date;
SELECT line_number, column_name, value, sqlstate, error FROM movie_load_rejects ORDER BY line_number;
SELECT line_number, raw_text, raw_line FROM movie_load_rejects WHERE line_number IN (3, 8, 15, 16) ORDER BY line_number;
SELECT count(DISTINCT load_id) AS loads, min(target) AS target, min(source) AS source FROM movie_load_rejects;

-- Every record ends up loaded or rejected, exactly once, whatever the batch.
BEGIN;
TRUNCATE sales, movies, movie_load_rejects;
SELECT * FROM movie_load_csv_data('movies', (SELECT convert_to('movie_id,title' || E'\n' ||
	string_agg(i || ',Film ' || i, E'\n') || E'\n', 'UTF8') FROM generate_series(1, 1000) i));
SELECT * FROM movie_load_csv_data('sales', (SELECT convert_to(:'sales_header' || E'\n' || string_agg(
	format('%s,Film %s,2024-11-%s,%s,%s', 100 + r % 900, r, lpad((1 + r % 28)::text, 2, '0'), r % 60,
		   CASE WHEN r % 7 = 0 THEN format('"%s,%s"', r % 300, r % 100)
				ELSE (r % 300) || '.' || lpad((r % 100)::text, 2, '0') END), E'\n') || E'\n', 'UTF8')
	FROM generate_series(1, 1000) r), on_error => 'skip');
SELECT count(*), sum(tickets_sold), sum(revenue) FROM sales;
SELECT count(*), min(line_number), max(line_number),
	bool_and(line_number % 7 = 1) AS every_seventh_row FROM movie_load_rejects;
ROLLBACK;

-- Past max_rejects the load fails and nothing is kept, rejects included.
SELECT count(*) AS rejects_before FROM movie_load_rejects;
SELECT * FROM movie_load_csv_data('sales', convert_to(:'sales_header' ||
	E'\n300,A,2024-01-01,x,1\n301,B,2024-01-01,y,1\n302,C,2024-01-01,1,1\n', 'UTF8'),
	on_error => 'skip', max_rejects => 1);
SELECT count(*) AS rejects_after FROM movie_load_rejects;
SELECT count(*) AS sales_of_300_to_302 FROM sales WHERE movie_id BETWEEN 300 AND 302;
SELECT * FROM movie_load_csv_data('sales', convert_to(:'sales_header' ||
	E'\n300,A,2024-01-01,x,1\n302,C,2024-01-01,1,1\n', 'UTF8'),
	on_error => 'skip', max_rejects => 1);

-- The same cases in both modes: field counts, spreadsheet numbers, bytes.
BEGIN;
SELECT * FROM movie_load_csv_data('movies', convert_to(:'movie_header' || E'\n' ||
	E'1001,Monsters, Inc.,Animation,2001-11-02,G,Pixar,92,115000000,289916256,287000000,576916256,8.1,10,5\n' ||
	E'1002,Up,Animation,2009-05-29,PG,Pixar,96,175000000,293004164,442094918,735099082,8.3,10,5,\n' ||
	E'1003,Shark Weekend,Horror,2014-01-01,PG-13\n,Lumen,82,1000000,0,0,0,3.1,10,5\n' ||
	E'1004,Inside Out,Animation,2015-06-19,PG,Pixar,95,175000000,356461711,501149463,857611174,8.1,10,5\n' ||
	E'1005,Alpha,Drama,2016-05-06,PG,Lumen,100,1.05076E+11,1000,2000,3000,7.1,10,5\n' ||
	E'1006,Beta,Drama,2016-05-06,PG,Lumen,100,"$237,000,000",1000,2000,3000,7.1,10,5\n' ||
	E'1007,Gamma,Drama,2016-05-06,PG,Lumen,100,$237,000,000,1000,2000,3000,7.1,10,5\n', 'UTF8'),
	on_error => 'skip');
SELECT movie_id, title, total_gross FROM movies WHERE movie_id > 1000;
SELECT line_number, column_name, value, error FROM movie_load_rejects
WHERE load_id = (SELECT max(load_id) FROM movie_load_rejects) ORDER BY line_number;
ROLLBACK;

-- Replace mode: a reload changes nothing, a corrected file changes exactly
-- the rows that differ, new keys are added.
BEGIN;
SELECT * FROM movie_load_csv_data('movies', convert_to(:'movies_csv', 'UTF8'), mode => 'replace');
CREATE TEMP TABLE before_fix AS SELECT * FROM movies;
SELECT * FROM movie_load_csv_data('movies', convert_to(:'movie_header' || E'\n' ||
	E'1,Dangerous Destiny,Animation,2016-06-06,NC-17,Amazon Studios,110,27784170,48564931,20943779,69508710,6.8,4564852,90\n' ||
	E'2,Lost Tales III,Horror,2023-11-03,G,Universal Pictures,88,9917177,35084981,61365723,96450704,7.9,3807565,250\n' ||
	E'3,A New Title,Drama,2020-01-01,PG,Netflix,100,1000000,1,1,2,5.0,1,1\n' ||
	E'9001,Brand New,Drama,2024-01-01,PG,Netflix,100,1000000,1,1,2,5.0,1,1\n', 'UTF8'), mode => 'replace');
SELECT m.movie_id, b.imdb_rating AS old_rating, m.imdb_rating, b.title AS old_title, m.title
FROM movies m LEFT JOIN before_fix b USING (movie_id)
WHERE b IS DISTINCT FROM m ORDER BY 1;
SELECT count(*) AS rows_changed FROM movies m JOIN before_fix b USING (movie_id) WHERE b <> m;
ROLLBACK;

-- Daily appends: a new day goes in beside the old ones; an existing day
-- is a duplicate, or in replace mode an update of that day only.
TRUNCATE sales;
SELECT * FROM movie_load_csv_data('sales', convert_to(:'sales_header' ||
	E'\n1,X,2024-01-01,10,100.00\n1,X,2024-01-02,20,200.00\n', 'UTF8'));
SELECT * FROM movie_load_csv_data('sales', convert_to(:'sales_header' ||
	E'\n1,X,2024-01-03,30,300.00\n', 'UTF8'));
SELECT * FROM movie_load_csv_data('sales', convert_to(:'sales_header' ||
	E'\n1,X,2024-01-03,31,310.00\n', 'UTF8'));
SELECT * FROM movie_load_csv_data('sales', convert_to(:'sales_header' ||
	E'\n1,X,2024-01-03,31,310.00\n1,X,2024-01-04,40,400.00\n', 'UTF8'), mode => 'replace');
SELECT sale_date, tickets_sold, revenue FROM sales ORDER BY sale_date;
TRUNCATE sales;

-- Spreadsheet encodings: LATIN1 and WIN1252 text converts; bytes those
-- encodings do not define are errors naming the line and column.
BEGIN;
SELECT * FROM movie_load_csv_data('movies', convert_to(E'movie_id,title\n9101,Am', 'UTF8') ||
	'\xe9'::bytea || convert_to(E'lie\n', 'UTF8'), encoding => 'LATIN1');
SELECT * FROM movie_load_csv_data('movies', convert_to(E'movie_id,title\n9102,Price ', 'UTF8') ||
	'\x80'::bytea || convert_to(E'5 \n', 'UTF8'), encoding => 'WIN1252');
SELECT movie_id, title, length(title), octet_length(title) FROM movies WHERE movie_id > 9100 ORDER BY 1;
ROLLBACK;
SELECT * FROM movie_load_csv_data('movies', convert_to(E'movie_id,title\n9103,Bad ', 'UTF8') ||
	'\x81'::bytea || convert_to(E'byte\n', 'UTF8'), encoding => 'WIN1252');
SELECT * FROM movie_load_csv_data('movies', convert_to(E'movie_id,title\n9104,X\n', 'UTF8'), encoding => 'SJIS');

-- Option errors.
SELECT * FROM movie_load_csv_data('movies', ''::bytea, on_error => 'ignore');
SELECT * FROM movie_load_csv_data('movies', ''::bytea, mode => 'upsert');
SELECT * FROM movie_load_csv_data('movies', ''::bytea, max_rejects => -1);
SELECT * FROM movie_load_csv_data('movies', ''::bytea, header => NULL);

-- The same key twice in one input, in replace mode: the later row wins.
BEGIN;
SELECT * FROM movie_load_csv_data('movies', convert_to(E'movie_id,title\n600001,a\n600001,b\n600002,c\n', 'UTF8'), mode => 'replace');
SELECT movie_id, title FROM movies WHERE movie_id > 600000 ORDER BY 1;
SELECT * FROM movie_load_csv_data('sales', convert_to(E'movie_id,date,tickets_sold\n1,2031-01-01,1\n1,2031-01-01,2\n', 'UTF8'), mode => 'replace');
SELECT movie_id, sale_date, tickets_sold FROM sales WHERE sale_date = '2031-01-01';
ROLLBACK;

-- What COPY FROM refuses, the loaders refuse: read-only transactions and
-- tables with row-level security.
BEGIN READ ONLY;
SELECT * FROM movie_load_csv_data('movies', convert_to(E'movie_id,title\n700000,x\n', 'UTF8'));
ROLLBACK;
BEGIN;
ALTER TABLE movies ENABLE ROW LEVEL SECURITY;
CREATE ROLE movie_rls_loader;
GRANT INSERT, SELECT ON movies TO movie_rls_loader;
CREATE POLICY only_one_studio ON movies FOR INSERT TO movie_rls_loader
	WITH CHECK (studio = 'Netflix');
SET LOCAL ROLE movie_rls_loader;
SELECT * FROM movie_load_csv_data('movies', convert_to(E'movie_id,title,studio\n700000,x,Disney\n', 'UTF8'));
ROLLBACK;

-- Triggers: a BEFORE ROW trigger's changes are checked like INSERT's; a
-- statement trigger with a transition table sees the loaded rows.
BEGIN;
CREATE FUNCTION pg_temp.null_title() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN NEW.title := NULL; RETURN NEW; END $$;
CREATE TRIGGER null_title BEFORE INSERT ON movies FOR EACH ROW EXECUTE FUNCTION pg_temp.null_title();
SELECT * FROM movie_load_csv_data('movies', convert_to(E'movie_id,title\n700001,x\n', 'UTF8'));
ROLLBACK;
BEGIN;
CREATE FUNCTION pg_temp.count_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE NOTICE 'statement trigger saw % new rows', (SELECT count(*) FROM newrows); RETURN NULL; END $$;
CREATE TRIGGER count_new AFTER INSERT ON movies REFERENCING NEW TABLE AS newrows
	FOR EACH STATEMENT EXECUTE FUNCTION pg_temp.count_new();
SELECT * FROM movie_load_csv_data('movies', convert_to(E'movie_id,title\n700002,x\n700003,y\n', 'UTF8'));
ROLLBACK;
BEGIN;
TRUNCATE sales, movies;
CREATE FUNCTION pg_temp.find_one() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	SET LOCAL enable_seqscan = off;
	RAISE NOTICE 'index finds movie 1: %', EXISTS (SELECT FROM movies WHERE movie_id = 1);
	RETURN NULL;
END $$;
CREATE TRIGGER find_one AFTER INSERT ON movies FOR EACH STATEMENT EXECUTE FUNCTION pg_temp.find_one();
SELECT * FROM movie_load_csv_data('movies', convert_to(E'movie_id,title\n1,x\n', 'UTF8'));
ROLLBACK;

-- A ROI that sits just below a rounding tie with a huge budget.
BEGIN;
SELECT * FROM movie_load_csv_data('movies', convert_to(E'movie_id,title,budget,total_gross\n800001,Huge,4611686018427387903,4773325613373267849\n', 'UTF8'));
SELECT roi, (SELECT round((movie_catalog_stats(total_gross, budget, NULL, NULL, NULL, NULL)).avg_roi, 4)
			 FROM movies WHERE movie_id = 800001) AS aggregate_roi
FROM movies WHERE movie_id = 800001;
ROLLBACK;

-- Malformed lines that cross the reader's 64 kB chunks are rejected whole,
-- and nothing after the fault joins another record.
BEGIN;
TRUNCATE sales, movies, movie_load_rejects;
SELECT lo_from_bytea(0, convert_to('movie_id,title' || E'\n' ||
	'100000,' || repeat('P', 65501) || E'\n' ||
	E'900,ab"cZZZZ901,Smuggled\n902,After\n', 'UTF8')) AS quote_loid \gset
SELECT lo_from_bytea(0, convert_to('movie_id,title' || E'\n' ||
	'100000,' || repeat('P', 65504) || E'\n' ||
	E'910,Good\r911,Other\n912,After\n', 'UTF8')) AS cr_loid \gset
SELECT lo_export(:quote_loid, current_setting('data_directory') || '/movie_chunk_quote.csv'),
	lo_export(:cr_loid, current_setting('data_directory') || '/movie_chunk_cr.csv');
SELECT * FROM movie_load_csv('movies', 'movie_chunk_quote.csv', on_error => 'skip');
SELECT * FROM movie_load_csv('movies', 'movie_chunk_cr.csv', on_error => 'skip', mode => 'replace');
SELECT movie_id, length(title) FROM movies ORDER BY 1;
SELECT line_number, raw_text FROM movie_load_rejects ORDER BY load_id, line_number;
SELECT * FROM movie_load_csv('movies', 'movie_chunk_cr.csv');
ROLLBACK;
