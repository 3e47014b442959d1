#!/usr/bin/env bash
#
# dashboard.sh: TAP test of the charts and the dashboard as a person gets
# them.  Every kind of movie_chart must be well-formed XML to xmllint; the
# page of movie_dashboard must render in headless Chromium to a screenshot
# that is not blank, and the browser's DOM must hold every section, every
# chart and every dot.  Then a movie whose title, genre and studio look like
# markup is added: the charts stay well-formed and the browser sees text,
# not elements.
#
# Usage: prove --exec bash test/t/dashboard.sh   (test/check.sh does this)
#
# Needs a server the PG* environment variables point at, with the extension
# installed and a role that may create databases, and the Debian packages
# chromium and libxml2-utils (xmllint): without them the test fails, naming
# what is missing.  Creates and drops the database ma_dashboard.  Chromium
# runs headless with a fresh profile and opens only the local page; each run
# is limited to 120 seconds.

set -euo pipefail

# shellcheck source=test/tap.sh
source "$(dirname "${BASH_SOURCE[0]}")/../tap.sh"

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"

db=ma_dashboard
work=$(mktemp -d)
kinds=(genre_revenue yearly_trends budget_vs_gross monthly_sales top10 weekend_weekday)
sections=(overview genres studios trends sales)

# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
	dropdb --if-exists "$db" >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT



# is ACTUAL EXPECTED DESCRIPTION: a test that two numbers are equal.
is() {
	local status=1
	(($1 == $2)) && status=0
	ok "$status" "$3"
	((status == 0)) || echo "# found $1, expected $2"
}

# at_least ACTUAL MINIMUM DESCRIPTION: a test that a number is large enough.
at_least() {
	local status=1
	(($1 >= $2)) && status=0
	ok "$status" "$3"
	((status == 0)) || echo "# found $1, expected at least $2"
}


# Run headless Chromium on the arguments, with a profile of its own.
browser() {
	local profile
	profile=$(mktemp -d "$work/profile.XXXXXX")
	timeout -k 10 120 chromium --headless --no-sandbox --disable-gpu \
		--disable-background-networking --disable-component-update --disable-sync \
		--no-first-run --user-data-dir="$profile" "$@" </dev/null
}

# Count the matches of an extended regular expression in a file.
count() {
	{ grep -oE -- "$2" "$1" || true; } | wc -l
}

# The tools come from Debian packages; say which are missing.
missing=()
command -v chromium >/dev/null || missing+=("chromium (Debian package chromium)")
command -v xmllint >/dev/null || missing+=("xmllint (Debian package libxml2-utils)")
if ((${#missing[@]} > 0)); then
	echo "1..1"
	echo "not ok 1 - the browser and the XML checker are installed"
	printf '# missing: %s\n' "${missing[@]}"
	exit 1
fi

psql_cmd=(psql -X -q -v ON_ERROR_STOP=1 -d "$db")

# A database with the sample data.
status=0
{
	dropdb --if-exists "$db" &&
		createdb "$db" &&
		"${psql_cmd[@]}" -c 'CREATE EXTENSION movie_analytics' &&
		"${psql_cmd[@]}" <<-'EOF'
			\set content `base64 -w0 data/movies.csv`
			SELECT * FROM movie_load_csv_data('movies', decode(:'content', 'base64'));
			\set content `base64 -w0 data/sales.csv`
			SELECT * FROM movie_load_csv_data('sales', decode(:'content', 'base64'));
		EOF
} >"$work/setup.log" 2>&1 || status=$?
ok "$status" "database $db made and data/ loaded"
if ((status != 0)); then
	diag_file "$work/setup.log"
	echo "1..$testno"
	exit 1
fi

# Every kind of chart is a well-formed XML document.
for kind in "${kinds[@]}"; do
	status=0
	"${psql_cmd[@]}" -Atc "SELECT movie_chart('$kind')" >"$work/$kind.svg" 2>"$work/$kind.log" &&
		xmllint --noout "$work/$kind.svg" >>"$work/$kind.log" 2>&1 || status=$?
	ok "$status" "movie_chart('$kind') is well-formed XML"
	((status == 0)) || diag_file "$work/$kind.log"
done

# The dashboard page, written as a client writes it.
status=0
"${psql_cmd[@]}" -Atc 'SELECT movie_dashboard()' >"$work/dashboard.html" 2>"$work/page.log" &&
	[[ $(head -n 1 "$work/dashboard.html") == '<!DOCTYPE html>' ]] || status=$?
ok "$status" "movie_dashboard() written to an HTML file"

# Rendered: a screenshot of the whole page that is not blank.
status=0
browser --hide-scrollbars --window-size=1280,3000 --screenshot="$work/dashboard.png" \
	"file://$work/dashboard.html" >"$work/shot.log" 2>&1 || status=$?
[[ -s $work/dashboard.png ]] || status=1
ok "$status" "chromium renders the page to a screenshot"
((status == 0)) || diag_file "$work/shot.log"

status=0
timeout -k 10 120 python3 - "$work/dashboard.png" >"$work/pixels.log" 2>&1 <<'EOF' || status=$?
# Decode the PNG (8-bit RGB or RGBA, not interlaced) with the standard
# library and check that it shows something: more than 2 % of the pixels
# differ from the commonest colour, which is the background, and there are
# many colours.
import struct
import sys
import zlib

data = open(sys.argv[1], "rb").read()
if data[:8] != b"\x89PNG\r\n\x1a\n":
    sys.exit("not a PNG file")
pos, idat = 8, []
while pos < len(data):
    size, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + size]
    pos += 12 + size
    if kind == b"IHDR":
        width, height, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
    elif kind == b"IDAT":
        idat.append(body)
if depth != 8 or ctype not in (2, 6) or interlace:
    sys.exit(f"unexpected PNG format: depth {depth}, colour type {ctype}, interlace {interlace}")
bpp = 3 if ctype == 2 else 4
stride = width * bpp
raw = zlib.decompress(b"".join(idat))
prev = bytearray(stride)
colours = {}
for y in range(height):
    off = y * (stride + 1)
    kind, line = raw[off], bytearray(raw[off + 1:off + 1 + stride])
    if kind == 1:
        for x in range(bpp, stride):
            line[x] = (line[x] + line[x - bpp]) & 255
    elif kind == 2:
        line = bytearray((a + b) & 255 for a, b in zip(line, prev))
    elif kind == 3:
        for x in range(stride):
            left = line[x - bpp] if x >= bpp else 0
            line[x] = (line[x] + ((left + prev[x]) >> 1)) & 255
    elif kind == 4:
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b, c = prev[x], (prev[x - bpp] if x >= bpp else 0)
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    for x in range(0, stride, bpp):
        pixel = bytes(line[x:x + 3])
        colours[pixel] = colours.get(pixel, 0) + 1
    prev = line
background, count = max(colours.items(), key=lambda kv: kv[1])
share = 1 - count / (width * height)
print(f"{width}x{height}, {len(colours)} colours, background #{background.hex()}, "
      f"{share:.1%} of the pixels differ from it")
sys.exit(0 if (width, height) == (1280, 3000) and share > 0.02 and len(colours) >= 50 else 1)
EOF
ok "$status" "the screenshot is not blank"
diag_file "$work/pixels.log"

# The browser's DOM: every section, every chart in a figure, every dot.
status=0
browser --dump-dom "file://$work/dashboard.html" >"$work/dom.html" 2>"$work/dom.log" || status=$?
ok "$status" "chromium loads the page and dumps its DOM"
((status == 0)) || diag_file "$work/dom.log"
for section in "${sections[@]}"; do
	is "$(count "$work/dom.html" "<section id=\"$section\">")" 1 "the DOM has the section $section"
done
is "$(count "$work/dom.html" '<svg ')" ${#kinds[@]} "the DOM has an svg element for each chart"
is "$(count "$work/dom.html" '<figure>')" ${#kinds[@]} "the DOM has a figure for each chart"
is "$(count "$work/dom.html" '<figcaption>')" ${#kinds[@]} "each figure has a caption"
dots=$("${psql_cmd[@]}" -Atc 'SELECT count(*) FROM movies WHERE budget > 0 AND total_gross > 0')
is "$(count "$work/dom.html" '<circle class="dot"')" "$dots" "the scatter plot has one dot per movie in the DOM"
is "$(count "$work/dom.html" '<rect class="bar"')" $((10 + 10 + 2)) \
	"the DOM has the bars of the genre, top 10 and weekend charts"

# Markup in the data stays text, in the SVG and in the browser.
status=0
"${psql_cmd[@]}" >"$work/hostile.log" 2>&1 <<-'EOF' || status=$?
	SELECT * FROM movie_load_csv_data('movies', convert_to(
		'movie_id,title,genre,studio,budget,total_gross' || E'\n' ||
		'9001,"<script>&""''",A&B <i>,"""Q"" & ''S''",5000000,9000000000' || E'\n', 'UTF8'));
EOF
ok "$status" "a movie with markup in its title, genre and studio is loaded"
for kind in "${kinds[@]}"; do
	status=0
	"${psql_cmd[@]}" -Atc "SELECT movie_chart('$kind')" >"$work/$kind.svg" 2>"$work/$kind.log" &&
		xmllint --noout "$work/$kind.svg" >>"$work/$kind.log" 2>&1 || status=$?
	ok "$status" "movie_chart('$kind') with markup in the data is well-formed XML"
	((status == 0)) || diag_file "$work/$kind.log"
done
status=0
"${psql_cmd[@]}" -Atc 'SELECT movie_dashboard()' >"$work/hostile.html" 2>"$work/page.log" &&
	browser --dump-dom "file://$work/hostile.html" >"$work/hostile-dom.html" 2>"$work/dom.log" ||
	status=$?
ok "$status" "chromium loads the page with markup in the data"
is "$(count "$work/hostile-dom.html" '<script|<i>')" 0 "the browser makes no element of the data's markup"
at_least "$(count "$work/hostile-dom.html" '&lt;script&gt;&amp;"'"'")" 3 \
	"the browser shows the title as text"
at_least "$(count "$work/hostile-dom.html" '"Q" &amp; '"'S'")" 2 "the browser shows the studio as text"
is "$(count "$work/hostile-dom.html" '<svg ')" ${#kinds[@]} "the page still has an svg element for each chart"

echo "1..$testno"
((failures == 0))
