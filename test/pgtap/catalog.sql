-- Catalogue checks: the objects the extension installs and the promises
-- they carry (keys, comments, parallel safety, Citus-ready aggregates).
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off

CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS movie_analytics;

BEGIN;
SELECT plan(34);

SELECT has_table('movies');
SELECT has_table('sales');
SELECT has_view('sales_detail');
SELECT col_is_pk('movies', 'movie_id');
SELECT col_is_pk('sales', ARRAY['movie_id', 'sale_date']);
SELECT fk_ok('sales', 'movie_id', 'movies', 'movie_id');
SELECT has_index('sales', 'sales_sale_date_idx', 'sale_date');
SELECT col_type_is('movies', 'budget', 'bigint');
SELECT col_type_is('movies', 'total_gross', 'bigint');
SELECT col_type_is('sales', 'revenue', 'numeric');

-- loaded rows survive pg_dump: both tables are configuration tables
SELECT has_function('movie_genre_stats',
	ARRAY['date', 'date', 'text[]', 'text[]', 'bigint', 'bigint']);
SELECT set_eq(
	$$SELECT unnest(extconfig)::regclass::text FROM pg_extension
	  WHERE extname = 'movie_analytics'$$,
	ARRAY['movies', 'sales', 'movie_load_rejects', 'movie_load_id_seq'],
	'the tables and the load id sequence are dumped with their contents');

CREATE TEMP VIEW ext_objects AS
SELECT classid::regclass AS catalog, objid, pg_describe_object(classid, objid, 0) AS name
FROM pg_depend
WHERE refclassid = 'pg_extension'::regclass AND deptype = 'e'
	AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'movie_analytics');

SELECT is_empty(
	$$SELECT name FROM ext_objects
	  WHERE obj_description(objid, catalog::text) IS NULL
		AND catalog::text <> 'pg_type'
	  UNION ALL
	  SELECT name FROM ext_objects e JOIN pg_type t ON t.oid = e.objid
	  WHERE e.catalog = 'pg_type'::regclass AND t.typrelid = 0
		AND obj_description(e.objid, 'pg_type') IS NULL
	  UNION ALL
	  SELECT name FROM ext_objects e JOIN pg_type t ON t.oid = e.objid
	  WHERE e.catalog = 'pg_type'::regclass AND t.typrelid <> 0
		AND t.typtype = 'c'
		AND obj_description(t.typrelid, 'pg_class') IS NULL
		AND obj_description(e.objid, 'pg_type') IS NULL$$,
	'every object of the extension has a comment');

-- aggregates: combine everywhere, serialize/deserialize for internal state,
-- parallel safe with parallel-safe support functions, no built-in names
SELECT set_eq(
	$$SELECT p.proname::text FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
	  JOIN ext_objects e ON e.objid = p.oid$$,
	ARRAY['movie_catalog_stats', 'movie_sales_stats', 'movie_top_ids'],
	'the extension has its three aggregates');
SELECT is_empty(
	$$SELECT p.proname FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
	  JOIN ext_objects e ON e.objid = p.oid
	  WHERE a.aggcombinefn = 0
		 OR (a.aggtranstype = 'internal'::regtype
			 AND (a.aggserialfn = 0 OR a.aggdeserialfn = 0))$$,
	'every aggregate has combine, and serialize/deserialize for internal state');
SELECT is_empty(
	$$SELECT p.proname FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
	  JOIN ext_objects e ON e.objid = p.oid
	  CROSS JOIN LATERAL unnest(ARRAY[a.aggfnoid, a.aggtransfn, a.aggcombinefn,
		  a.aggserialfn, a.aggdeserialfn, a.aggfinalfn]::oid[]) f(oid)
	  JOIN pg_proc sp ON sp.oid = f.oid
	  WHERE sp.proparallel <> 's'$$,
	'aggregates and their support functions are parallel safe');
SELECT is_empty(
	$$SELECT p.proname FROM pg_proc p JOIN ext_objects e ON e.objid = p.oid
	  WHERE p.prokind = 'a' AND EXISTS (
		SELECT FROM pg_proc b WHERE b.pronamespace = 'pg_catalog'::regnamespace
			AND b.prokind = 'a' AND b.proname = p.proname)$$,
	'no aggregate shares a name with a built-in aggregate');
SELECT is_empty(
	$$SELECT p.proname FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
	  JOIN ext_objects e ON e.objid = p.oid
	  JOIN pg_proc c ON c.oid = a.aggcombinefn
	  WHERE a.aggtranstype = 'internal'::regtype AND c.proisstrict$$,
	'combine functions over internal state are not strict');

-- the loaders write: volatile and never run in parallel workers
SELECT is_empty(
	$$SELECT p.proname FROM pg_proc p JOIN ext_objects e ON e.objid = p.oid
	  WHERE p.proname LIKE 'movie_load%'
		AND (p.provolatile <> 'v' OR p.proparallel <> 'u')$$,
	'the loaders are volatile and parallel unsafe');
SELECT is_empty(
	$$SELECT p.proname FROM pg_proc p JOIN ext_objects e ON e.objid = p.oid
	  WHERE p.proname IN ('movie_filtered', 'movie_overview', 'movie_top_performers',
						  'movie_genre_stats', 'movie_studio_stats', 'movie_yearly_trends',
						  'movie_monthly_sales', 'movie_sales_analysis', 'movie_analytics_report')
		AND (p.provolatile <> 's' OR p.proparallel <> 's')$$,
	'the analyses are stable and parallel safe');

-- a role with only SELECT on the tables and views (and EXECUTE, which
-- every role has) can run every analysis but cannot load or change data
CREATE ROLE movie_reader;
GRANT SELECT ON movies, sales, sales_detail, movie_overview, movie_genre_stats,
	movie_studio_stats, movie_yearly_trends, movie_monthly_sales,
	movie_sales_analysis, movie_top_performers TO movie_reader;
SET LOCAL ROLE movie_reader;
SELECT lives_ok('SELECT * FROM movie_overview()', 'a reader gets the overview');
SELECT lives_ok($$SELECT * FROM movie_top_performers('roi', 3)$$,
	'a reader gets a ranking');
SELECT lives_ok($$SELECT * FROM movie_genre_stats(genres => '{Drama}')$$,
	'a reader gets genre statistics');
SELECT lives_ok('SELECT * FROM movie_studio_stats()', 'a reader gets studio statistics');
SELECT lives_ok('SELECT * FROM movie_yearly_trends()', 'a reader gets yearly trends');
SELECT lives_ok('SELECT * FROM movie_monthly_sales()', 'a reader gets monthly sales');
SELECT lives_ok('SELECT * FROM movie_sales_analysis()', 'a reader gets the sales analysis');
SELECT lives_ok('SELECT movie_analytics_report()', 'a reader gets the report');
SELECT lives_ok('SELECT * FROM movie_genre_stats', 'a reader browses the genre view');
SELECT lives_ok('SELECT * FROM movie_top_performers', 'a reader browses the rankings view');
SELECT throws_ok('DELETE FROM movies', '42501', NULL, 'a reader cannot delete movies');
SELECT throws_ok('UPDATE sales SET revenue = 0', '42501', NULL, 'a reader cannot change sales');
SELECT throws_ok($$SELECT movie_load_csv_data('movies', '\x6d6f7669655f69642c7469746c650a312c410a')$$,
	'42501', NULL, 'a reader cannot load content');
SELECT throws_ok($$SELECT movie_load_csv('movies', '/dev/null')$$,
	'42501', NULL, 'a reader cannot load a server file');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
