--
-- movie_chart and movie_dashboard: every kind is a well-formed SVG document
-- with the marks the data calls for, nice ticks and titles; text is escaped;
-- filters change the marks; no data gives a chart that says so; bad
-- arguments are refused; the dashboard holds every section and chart.
--
SET datestyle = ISO;
TRUNCATE sales, movies;
\set movies_csv `cat data/movies.csv`
\set sales_csv `cat data/sales.csv`
SELECT * FROM movie_load_csv_data('movies', convert_to(:'movies_csv', 'UTF8'));
SELECT * FROM movie_load_csv_data('sales', convert_to(:'sales_csv', 'UTF8'));

-- Matches of a pattern in a document, and the error a statement raises.
CREATE FUNCTION pg_temp.matches(doc text, pattern text) RETURNS bigint
LANGUAGE sql AS $$ SELECT count(*) FROM regexp_matches(doc, pattern, 'g') $$;
CREATE FUNCTION pg_temp.error_of(statement text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	state text;
	message text;
	hint text;
BEGIN
	EXECUTE statement;
	RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT,
		hint = PG_EXCEPTION_HINT;
	RETURN state || ': ' || message || COALESCE(' HINT: ' || NULLIF(hint, ''), '');
END
$$;

-- The formatting helpers.
SELECT v, movie_format_number(v), movie_format_money(v), movie_format_percent(v)
FROM unnest(ARRAY[NULL, 0, 0.05, 6.57, 37.13, 999, 999.5, 1000, 12345, 350000000,
	999950, 1200000000, 14383720746, -4500000, -12, 9011.42]::numeric[]) v;
SELECT movie_markup_escape('<b title="x">Tom & Jerry''s</b>'),
	movie_markup_escape(NULL) = '' AS null_is_empty,
	movie_markup_escape('a' || chr(1) || 'b' || chr(9) || 'c') AS control_characters;
SELECT lo, hi, whole, t.* FROM (VALUES (0, 14383720746, false), (0, 61, true), (0, 2, true),
	(0, 0.3, false), (0, 0, false), (-1200000, 5400000000, false)) v(lo, hi, whole),
	movie_axis_ticks(lo, hi, whole) t;
SELECT array_agg(t) FROM movie_log_ticks(6, 9) t;
SELECT array_agg(t) FROM movie_log_ticks(5, 6) t;

-- Every kind without filters: a self-contained SVG 1.1 document with its
-- title and the marks the data calls for.
CREATE TEMP TABLE charts AS
SELECT k.kind, k.ord, movie_chart(k.kind) AS svg
FROM unnest(ARRAY['genre_revenue', 'yearly_trends', 'budget_vs_gross', 'monthly_sales',
	'top10', 'weekend_weekday']) WITH ORDINALITY AS k(kind, ord);
SELECT kind, xml_is_well_formed_document(svg) AS well_formed,
	svg ~ '^<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="\d+" height="\d+" viewBox="0 0 \d+ \d+"' AS svg_root,
	svg !~* 'href|url\(|@import|<script|<image|<foreignObject' AS self_contained,
	(regexp_match(svg, '<title>([^<]*)</title>'))[1] AS title,
	pg_temp.matches(svg, '<rect class="bar"') AS bars,
	pg_temp.matches(svg, '<circle class="dot"') AS dots,
	pg_temp.matches(svg, '<circle class="point"') AS points,
	pg_temp.matches(svg, '<rect class="swatch"') AS legend_entries
FROM charts ORDER BY ord;

-- The marks agree with the data.
SELECT (SELECT pg_temp.matches(svg, '<rect class="bar"') FROM charts WHERE kind = 'genre_revenue') =
	(SELECT count(DISTINCT genre) FROM movies) AS one_bar_per_genre,
	(SELECT pg_temp.matches(svg, '<circle class="point"') FROM charts WHERE kind = 'yearly_trends') =
	2 * (SELECT count(DISTINCT release_year) FROM movies) AS two_points_per_year,
	(SELECT pg_temp.matches(svg, '<circle class="dot"') FROM charts WHERE kind = 'budget_vs_gross') =
	(SELECT count(*) FROM movies WHERE budget > 0 AND total_gross > 0) AS one_dot_per_movie,
	(SELECT pg_temp.matches(svg, '<circle class="point"') FROM charts WHERE kind = 'monthly_sales') =
	(SELECT count(DISTINCT date_trunc('month', sale_date)) FROM sales) AS one_point_per_month;

-- Axis and series titles, tick labels at nice values, legends.
SELECT kind, array_agg(m[1] ORDER BY n) AS texts
FROM charts, regexp_matches(svg, '<text [^>]*font-size="12" fill="#333333"[^>]*>([^<]*)</text>', 'g')
	WITH ORDINALITY AS t(m, n)
GROUP BY kind, ord ORDER BY ord;
SELECT kind, array_agg(m[1] ORDER BY n) AS tick_labels
FROM charts, regexp_matches(svg, '<text [^>]*fill="#444444"[^>]*>([^<]*)</text>', 'g')
	WITH ORDINALITY AS t(m, n)
GROUP BY kind, ord ORDER BY ord;
SELECT kind, array_agg(m[1] ORDER BY n) AS legend
FROM charts, regexp_matches(svg, '<rect class="swatch"[^>]*/>\s*<text [^>]*>([^<]*)</text>', 'g')
	WITH ORDINALITY AS t(m, n)
GROUP BY kind, ord ORDER BY ord;
SELECT kind, (regexp_match(svg, '<text x="16.0" y="46.0"[^>]*>([^<]*)</text>'))[1] AS subtitle
FROM charts ORDER BY ord;

-- The top 10 by revenue, in rank order.
SELECT array_agg(m[1] ORDER BY n) AS labels
FROM charts, regexp_matches(svg, '<text [^>]*class="label"[^>]*>([^<]*)</text>', 'g')
	WITH ORDINALITY AS t(m, n)
WHERE kind = 'top10';

-- The same colour for a genre in every chart: Action is first by name.
SELECT kind, svg ~ '<rect class="swatch" [^>]*fill="#2f6db5"/>\s*<text [^>]*>Action<' AS action_blue
FROM charts WHERE kind IN ('budget_vs_gross', 'top10') ORDER BY ord;
SELECT (regexp_match(svg, '<rect class="bar" [^>]*fill="(#[0-9a-f]{6})"><title>Action:'))[1]
FROM charts WHERE kind = 'genre_revenue';

-- Other metrics: bars for movies with a value only (few movies have sales).
SELECT metric, pg_temp.matches(movie_chart('top10', metric), '<rect class="bar"') AS bars,
	(SELECT count(value) FROM movie_top_performers(metric, 10)) AS with_value,
	(regexp_match(movie_chart('top10', metric), '<title>([^<]*)</title>'))[1] AS title,
	xml_is_well_formed_document(movie_chart('top10', metric)) AS well_formed
FROM unnest(ARRAY['revenue', 'profit', 'rating', 'roi', 'budget', 'tickets']) metric;
SELECT pg_temp.matches(movie_chart('top10', 'tickets', genres => '{Action,Drama,Horror}'),
		'<rect class="bar"') AS bars,
	(SELECT count(value) FROM movie_top_performers('tickets', 10, genres => '{Action,Drama,Horror}')) AS with_value,
	pg_temp.matches(movie_chart('top10', 'tickets', genres => '{Action,Drama,Horror}'), '>n/a<') AS without_value;
-- Negative values: bars end at the zero line, left of it.
SELECT count(*) AS movies, count(*) FILTER (WHERE value < 0) AS losses
FROM movie_top_performers('profit', 10, genres => '{Thriller}', min_budget => 30000000);
WITH chart AS (
	SELECT movie_chart('top10', 'profit', genres => '{Thriller}', min_budget => 30000000) AS svg
), zero AS (
	SELECT (regexp_match(svg, '<line x1="([0-9.]+)" y1="64" x2="\1" y2="[0-9.]+" stroke="#888888"/>'))[1]::numeric AS x
	FROM chart
), bars AS (
	SELECT m[1]::numeric AS x, m[2]::numeric AS width, m[3] AS tooltip
	FROM chart, regexp_matches(svg,
		'<rect class="bar" x="([0-9.]+)" y="[0-9.]+" width="([0-9.]+)" height="[0-9.]+" fill="[^"]*"><title>([^<]*)</title>', 'g') m
)
SELECT (SELECT xml_is_well_formed_document(svg) FROM chart) AS well_formed,
	count(*) AS bars, count(*) FILTER (WHERE tooltip LIKE '%: -$%') AS negative_bars,
	bool_and(CASE WHEN tooltip LIKE '%: -$%' THEN bars.x + width = zero.x ELSE bars.x = zero.x END) AS from_zero
FROM bars, zero;

-- Filters change the marks, as they change the analyses.
SELECT pg_temp.matches(movie_chart('genre_revenue', genres => '{Drama,Horror}'), '<rect class="bar"') AS genre_bars,
	pg_temp.matches(movie_chart('budget_vs_gross', genres => '{Drama}'), '<circle class="dot"') AS drama_dots,
	(SELECT count(*) FROM movies WHERE genre = 'Drama') AS drama_movies,
	pg_temp.matches(movie_chart('budget_vs_gross', min_budget => 50000000), '<circle class="dot"') AS big_budget_dots,
	(SELECT count(*) FROM movies WHERE budget >= 50000000) AS big_budget_movies,
	pg_temp.matches(movie_chart('yearly_trends', released_from => '2020-01-01'), '<circle class="point"') AS points_since_2020,
	pg_temp.matches(movie_chart('top10', genres => '{Horror}', released_from => '2024-01-01'), '<rect class="bar"') AS recent_horror_bars,
	(SELECT count(*) FROM movies WHERE genre = 'Horror' AND release_date >= '2024-01-01') AS recent_horror_movies;
SELECT (regexp_match(movie_chart('monthly_sales', studios => '{Warner Bros}'),
	'<text x="16.0" y="46.0"[^>]*>([^<]*)</text>'))[1] AS warner_monthly,
	(SELECT sum(s.tickets_sold) FROM sales s JOIN movies m USING (movie_id)
	 WHERE m.studio = 'Warner Bros') AS warner_tickets,
	(regexp_match(movie_chart('weekend_weekday', studios => '{Warner Bros}'),
	'<text x="16.0" y="46.0"[^>]*>([^<]*)</text>'))[1] AS warner_weekend,
	(SELECT weekend_boost_percent FROM movie_sales_analysis(studios => '{Warner Bros}')) AS warner_boost;

-- A filter that matches nothing: a valid chart that says "No data".
SELECT k.kind, xml_is_well_formed_document(movie_chart(k.kind, genres => '{}')) AS well_formed,
	pg_temp.matches(movie_chart(k.kind, genres => '{}'), '>No data</text>') AS no_data,
	pg_temp.matches(movie_chart(k.kind, genres => '{}'), 'class="(bar|dot|point)"') AS marks,
	(regexp_match(movie_chart(k.kind, released_from => '2100-01-01'), '<title>([^<]*)</title>'))[1] AS title
FROM unnest(ARRAY['genre_revenue', 'yearly_trends', 'budget_vs_gross', 'monthly_sales',
	'top10', 'weekend_weekday']) WITH ORDINALITY AS k(kind, ord)
ORDER BY k.ord;
-- Movies with sales filtered out, movies left: no sales charts only.
SELECT pg_temp.matches(movie_chart('monthly_sales', genres => '{Drama}'), '>No data</text>') AS monthly_no_data,
	pg_temp.matches(movie_chart('weekend_weekday', genres => '{Drama}'), '>No data</text>') AS weekend_no_data,
	pg_temp.matches(movie_chart('genre_revenue', genres => '{Drama}'), '<rect class="bar"') AS genre_bars;

-- Bad arguments.
\set SHOW_CONTEXT never
SELECT movie_chart('pie');
SELECT movie_chart(NULL);
SELECT movie_chart('top10', 'gross');
SELECT movie_chart('top10', 'gross', genres => '{}');
\set SHOW_CONTEXT errors
SELECT pg_temp.error_of($$SELECT movie_chart('Top10')$$);
SELECT pg_temp.error_of($$SELECT movie_chart(NULL)$$);
SELECT pg_temp.error_of($$SELECT movie_chart('top10', 'gross')$$);
SELECT pg_temp.error_of($$SELECT movie_chart('top10', NULL)$$);
-- metric is read by top10 only
SELECT xml_is_well_formed_document(movie_chart('genre_revenue', 'gross')) AS ignored;

-- Text from the data is escaped everywhere: a title, a genre and a studio
-- made of markup, a movie without a genre, one without a budget, none with
-- a release date.
BEGIN;
SELECT * FROM movie_load_csv_data('movies', convert_to(
	'movie_id,title,genre,studio,budget,total_gross' || E'\n' ||
	'9001,"<script>&""''",A&B <i>,"""Q"" & ''S''",5000000,9000000000' || E'\n' ||
	'9002,"Zero ' || chr(7) || 'Budget",Drama,,0,100' || E'\n' ||
	'9003,No Genre,,Lumen,1000000,2000000' || E'\n', 'UTF8'));
SELECT kind, xml_is_well_formed_document(movie_chart(kind)) AS well_formed,
	strpos(movie_chart(kind), '<script') = 0 AS no_script,
	strpos(movie_chart(kind), '<i>') = 0 AS no_markup
FROM unnest(ARRAY['genre_revenue', 'yearly_trends', 'budget_vs_gross', 'monthly_sales',
	'top10', 'weekend_weekday']) kind;
SELECT strpos(movie_chart('top10'), '&lt;script&gt;&amp;&quot;&#39;') > 0 AS title_escaped,
	strpos(movie_chart('top10'), '<script') = 0 AS no_script,
	(regexp_match(movie_chart('top10'), '<text [^>]*class="label"[^>]*>([^<]*)</text>'))[1] AS first_label,
	(regexp_match(movie_chart('top10'), '<rect class="bar" [^>]*><title>([^<]*)</title>'))[1] AS first_tooltip;
SELECT array_agg(m[1] ORDER BY n) AS genre_labels
FROM regexp_matches(movie_chart('genre_revenue'), '<text [^>]*transform="rotate[^>]*>([^<]*)</text>', 'g')
	WITH ORDINALITY AS t(m, n);
SELECT (regexp_match(movie_chart('budget_vs_gross'), '<text [^>]*class="note"[^>]*>([^<]*)</text>'))[1] AS scatter_note,
	pg_temp.matches(movie_chart('budget_vs_gross'), '<circle class="dot"') AS dots,
	(regexp_match(movie_chart('yearly_trends'), '<text [^>]*font-size="11" fill="#666666">([^<]*)</text>'))[1] AS trends_note,
	pg_temp.matches(movie_chart('yearly_trends'), '<circle class="point"') AS points;
SELECT strpos(d, '&lt;script&gt;&amp;&quot;&#39;') > 0 AS title_escaped,
	strpos(d, '<script') = 0 AS no_script,
	strpos(d, '<i>') = 0 AS no_markup,
	strpos(d, '<td>A&amp;B &lt;i&gt;</td>') > 0 AS genre_cell,
	strpos(d, '<td>&quot;Q&quot; &amp; &#39;S&#39;</td>') > 0 AS studio_cell,
	strpos(d, '(no genre)') > 0 AS no_genre_row
FROM movie_dashboard() d;
SELECT (regexp_match(movie_dashboard(genres => ARRAY['A&B <i>', NULL], studios => '{"\"Q\" & ''S''"}'),
	'<p class="filters">([^<]*)</p>'))[1] AS filters_escaped;
ROLLBACK;

-- The dashboard: one self-contained HTML5 page, every section, every chart
-- inline in a figure with a caption, the tables, the overview's figures.
CREATE TEMP TABLE page AS SELECT movie_dashboard() AS html;
SELECT html LIKE E'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n%' AS html5,
	html LIKE '%<style>%</style>%' AS inline_style,
	html ~ '</html>\s*$' AS complete,
	html !~* '<script|<link|<img|<iframe|@import|url\(|src=|href="(?!#)' AS self_contained,
	ARRAY(SELECT s FROM unnest(ARRAY['overview', 'genres', 'studios', 'trends', 'sales']) s
		  WHERE strpos(html, '<section id="' || s || '">') = 0) AS missing_sections,
	pg_temp.matches(html, '<svg ') AS svgs,
	pg_temp.matches(html, '<figure>\s*<svg ') AS svgs_in_figures,
	pg_temp.matches(html, '</svg>\s*<figcaption>[^<]+</figcaption>\s*</figure>') AS captioned,
	pg_temp.matches(html, '<table ') AS tables
FROM page;
SELECT array_agg(m[1] ORDER BY n) AS charts_in_order
FROM page, regexp_matches(html, '<svg [^>]*>\s*<title>([^<]*)</title>', 'g') WITH ORDINALITY AS t(m, n);
SELECT m[1] AS label, m[2] AS value
FROM page, regexp_matches(html, '<div class="kpi-label">([^<]*)</div><div class="kpi-value">([^<]*)</div>', 'g')
	WITH ORDINALITY AS t(m, n)
ORDER BY n;
SELECT (regexp_match(html, '<p class="filters">([^<]*)</p>'))[1] AS filters,
	pg_temp.matches((regexp_match(html, '<table class="top10">(.*?)</table>'))[1], '<tr><td') AS top10_rows,
	pg_temp.matches((regexp_match(html, '<table class="genres">(.*?)</table>'))[1], '<tr><td') AS genre_rows,
	pg_temp.matches((regexp_match(html, '<table class="studios">(.*?)</table>'))[1], '<tr><td') AS studio_rows
FROM page;
-- each chart on the page is the chart movie_chart gives
SELECT bool_and(strpos(html, movie_chart(k)) > 0) AS same_charts
FROM page, unnest(ARRAY['genre_revenue', 'yearly_trends', 'budget_vs_gross', 'monthly_sales',
	'top10', 'weekend_weekday']) k;

-- With filters: the header names them, the charts and tables follow them.
CREATE TEMP TABLE filtered AS
SELECT movie_dashboard(released_from => '2020-01-01', released_to => '2024-12-31',
	genres => '{Drama,Horror}', studios => '{Disney,Netflix,Paramount}',
	min_budget => 5000000, max_budget => 100000000) AS html;
SELECT (regexp_match(html, '<p class="filters">([^<]*)</p>'))[1] AS filters,
	pg_temp.matches(html, '<svg ') AS svgs,
	pg_temp.matches(html, '<circle class="dot"') AS dots,
	(SELECT count(*) FROM movie_filtered('2020-01-01', '2024-12-31', '{Drama,Horror}',
		'{Disney,Netflix,Paramount}', 5000000, 100000000)) AS movies,
	pg_temp.matches((regexp_match(html, '<table class="genres">(.*?)</table>'))[1], '<tr><td') AS genre_rows,
	pg_temp.matches((regexp_match(html, '<table class="studios">(.*?)</table>'))[1], '<tr><td') AS studio_rows
FROM filtered;

-- Nothing matches: every chart and table says so.
SELECT (regexp_match(html, '<p class="filters">([^<]*)</p>'))[1] AS filters,
	pg_temp.matches(html, '<svg ') AS svgs,
	pg_temp.matches(html, '>No data</text>') AS empty_charts,
	pg_temp.matches(html, '>No data</td>') AS empty_tables,
	m[1] AS movies_card
FROM (SELECT movie_dashboard(studios => '{}') AS html) d,
	regexp_match(d.html, '<div class="kpi-label">Movies</div><div class="kpi-value">([^<]*)</div>') m;

-- Empty tables: the same.
BEGIN;
TRUNCATE sales, movies;
SELECT pg_temp.matches(movie_dashboard(), '>No data</text>') AS empty_charts,
	xml_is_well_formed_document(movie_chart('budget_vs_gross')) AS well_formed;
ROLLBACK;

-- Many genres: the 24 with most gross get bars, the rest share one; the
-- scatter's legend stops at 18 names.
BEGIN;
TRUNCATE sales, movies;
SELECT * FROM movie_load_csv_data('movies', (SELECT convert_to('movie_id,title,genre,budget,total_gross' || E'\n' ||
	string_agg(format('%s,T%s,G%s,%s,%s', i, i, lpad(i::text, 2, '0'), 1000000 + i, 2000000 + i * 7), E'\n') || E'\n', 'UTF8')
	FROM generate_series(1, 30) i));
SELECT pg_temp.matches(movie_chart('genre_revenue'), 'class="bar"') AS bars,
	movie_chart('genre_revenue') ~ '6 other genres' AS other_bar,
	pg_temp.matches(movie_chart('budget_vs_gross'), 'class="swatch"') AS legend_swatches,
	movie_chart('budget_vs_gross') ~ 'and 12 more' AS legend_rest;
ROLLBACK;
