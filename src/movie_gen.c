/*
 * movie_gen.c
 *		Deterministic synthetic data generator for movie_analytics.
 *
 * Writes DIR/movies.csv (one row per movie) and DIR/sales.csv (one row per
 * day over the last year for the K top-grossing movies).  The same arguments
 * always give byte-identical files: all randomness comes from a built-in
 * xoshiro256** generator, and every movie draws from its own stream derived
 * from (seed, movie_id), so a movie's data does not depend on N or K.
 *
 * Sales rows are ordered by movie in top-grossing order (total_gross
 * descending, ties by movie_id ascending), then by date ascending.
 *
 * Build:
 *		cc -O2 -Wall -Wextra -std=c99 -o movie_gen src/movie_gen.c -lm
 * Usage:
 *		movie_gen [--movies N] [--top K] [--seed S] [--today YYYY-MM-DD]
 *				  [--out DIR]
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_MOVIES	500
#define DEFAULT_TOP		20
#define DEFAULT_SEED	42
#define DEFAULT_TODAY	"2025-08-23"
#define MAX_MOVIES		INT64_C(2147483647)
#define SALES_WINDOW	365		/* sales start at most this many days ago */
#define IO_BUFFER_SIZE	(4 * 1024 * 1024)
#define ROW_BUFFER_SIZE 1024

/* Stream identifiers mixed into each movie's generator seed */
#define STREAM_MOVIE	1
#define STREAM_SALES	2

#define LENGTHOF(a)		(sizeof(a) / sizeof((a)[0]))

static const char *const TitleAdjectives[] = {
	"Amazing", "Dark", "Epic", "Golden", "Hidden", "Incredible", "Lost",
	"Mysterious", "Secret", "Wild", "Dangerous", "Silent", "Broken", "Crimson"
};

static const char *const TitleNouns[] = {
	"Adventure", "Destiny", "Dreams", "Empire", "Guardian", "Journey",
	"Kingdom", "Legacy", "Mystery", "Saga", "Tales", "Quest", "Horizon",
	"Shadow"
};

static const char *const SequelSuffixes[] = {
	" II", " III", " Returns", " Rising", " Reloaded"
};

static const char *const Genres[] = {
	"Action", "Animation", "Comedy", "Documentary", "Drama", "Fantasy",
	"Horror", "Romance", "Sci-Fi", "Thriller"
};

static const char *const MpaaRatings[] = {
	"G", "PG", "PG-13", "R", "NC-17"
};

static const char *const Studios[] = {
	"20th Century Fox", "Amazon Studios", "Disney", "Lionsgate", "MGM",
	"Netflix", "Paramount", "Sony Pictures", "Universal Pictures",
	"Warner Bros"
};

/* State of one xoshiro256** generator */
typedef struct RandState
{
	uint64_t	s[4];
} RandState;

/* One generated movie; string fields are indexes into the tables above */
typedef struct Movie
{
	int64_t		movieId;
	int			adjective;
	int			noun;
	int			suffix;			/* -1 when the title has no sequel suffix */
	int32_t		releaseDay;		/* days since 1970-01-01 */
	int			genre;
	int			rating;
	int			studio;
	int64_t		runtime;
	int64_t		budget;
	int64_t		domesticGross;
	int64_t		internationalGross;
	int64_t		totalGross;
	int64_t		imdbTenths;		/* IMDb rating times ten, 10..100 */
	int64_t		ticketsSold;
	int64_t		ticketsAvailable;
} Movie;

/* Entry of the top-grossing selection heap */
typedef struct TopEntry
{
	int64_t		totalGross;
	uint32_t	movieId;
} TopEntry;

/* Parsed command line */
typedef struct Options
{
	int64_t		movies;
	int64_t		top;
	uint64_t	seed;
	int32_t		today;			/* days since 1970-01-01 */
	const char *outDir;
} Options;

static const char *ProgName = "movie_gen";


/*
 * Usage
 *		Print the usage message and exit: with a problem, to stderr with
 *		status 2; without one (--help), to stdout with status 0.
 */
static void
Usage(const char *problem)
{
	FILE	   *out = problem != NULL ? stderr : stdout;

	if (problem != NULL)
		fprintf(stderr, "%s: %s\n", ProgName, problem);
	fprintf(out,
			"usage: %s [--movies N] [--top K] [--seed S] "
			"[--today YYYY-MM-DD] [--out DIR]\n"
			"  --movies N   number of movies, 0..2147483647 (default %d)\n"
			"  --top K      top-grossing movies with daily sales, "
			"0..2147483647,\n"
			"               capped at N (default %d)\n"
			"  --seed S     unsigned 64-bit random seed (default %d)\n"
			"  --today D    last sales day, YYYY-MM-DD (default %s)\n"
			"  --out DIR    existing directory for movies.csv and sales.csv "
			"(default .)\n",
			ProgName, DEFAULT_MOVIES, DEFAULT_TOP, DEFAULT_SEED,
			DEFAULT_TODAY);
	exit(problem != NULL ? 2 : 0);
}

/*
 * IoFail
 *		Report an I/O error on a file, with the system error text, and exit 1.
 */
static void
IoFail(const char *action, const char *path, int err)
{
	fprintf(stderr, "%s: could not %s \"%s\": %s\n",
			ProgName, action, path, strerror(err));
	exit(1);
}

/*
 * SplitMix64
 *		Advance a splitmix64 state and return its next output; used only to
 *		seed the main generator.
 */
static uint64_t
SplitMix64(uint64_t *state)
{
	uint64_t	z;

	*state += UINT64_C(0x9E3779B97F4A7C15);
	z = *state;
	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

/*
 * RandSeed
 *		Initialise a generator for one (seed, movie, stream) triple, so every
 *		movie and purpose gets its own independent sequence.
 */
static void
RandSeed(RandState *rs, uint64_t seed, uint64_t movieId, uint64_t stream)
{
	uint64_t	sm;
	int			i;

	/* mix the three inputs through splitmix64 one after another */
	sm = seed;
	sm = SplitMix64(&sm) ^ movieId;
	sm = SplitMix64(&sm) ^ stream;
	sm = SplitMix64(&sm);

	for (i = 0; i < 4; i++)
		rs->s[i] = SplitMix64(&sm);
}

/*
 * Rotl
 *		Rotate a 64-bit value left by k bits (0 < k < 64).
 */
static inline uint64_t
Rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/*
 * RandNext
 *		Return the next 64-bit output of a xoshiro256** generator.
 */
static inline uint64_t
RandNext(RandState *rs)
{
	uint64_t   *s = rs->s;
	uint64_t	result = Rotl(s[1] * 5, 7) * 9;
	uint64_t	t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = Rotl(s[3], 45);
	return result;
}

/*
 * RandUnit
 *		Return a uniform double in [0, 1) with 53 random bits.
 */
static inline double
RandUnit(RandState *rs)
{
	return (double) (RandNext(rs) >> 11) * 0x1.0p-53;
}

/*
 * RandUniform
 *		Return a uniform double in [lo, hi).
 */
static inline double
RandUniform(RandState *rs, double lo, double hi)
{
	return lo + (hi - lo) * RandUnit(rs);
}

/*
 * RandBelow
 *		Return an unbiased uniform integer in [0, n) for 0 < n <= 2^32, by
 *		multiply-and-shift with rejection of the short final interval.
 */
static inline uint32_t
RandBelow(RandState *rs, uint64_t n)
{
	uint64_t	m;
	uint32_t	threshold;

	m = (RandNext(rs) >> 32) * n;
	if ((uint32_t) m < (uint32_t) n)
	{
		/* reject the values that would make low results more likely */
		threshold = (uint32_t) (UINT64_C(0x100000000) % n);
		while ((uint32_t) m < threshold)
			m = (RandNext(rs) >> 32) * n;
	}
	return (uint32_t) (m >> 32);
}

/*
 * RandInt
 *		Return a uniform integer in [lo, hi], both inclusive.
 */
static inline int64_t
RandInt(RandState *rs, int64_t lo, int64_t hi)
{
	return lo + (int64_t) RandBelow(rs, (uint64_t) (hi - lo) + 1);
}

/*
 * RandNormal
 *		Return a normal deviate with the given mean and standard deviation,
 *		using the Marsaglia polar method (the second deviate is discarded).
 */
static double
RandNormal(RandState *rs, double mean, double stddev)
{
	double		u;
	double		v;
	double		s;

	/* draw a point uniformly inside the unit circle, excluding the origin */
	do
	{
		u = 2.0 * RandUnit(rs) - 1.0;
		v = 2.0 * RandUnit(rs) - 1.0;
		s = u * u + v * v;
	} while (s >= 1.0 || s == 0.0);

	return mean + stddev * u * sqrt(-2.0 * log(s) / s);
}

/*
 * RandLogNormal
 *		Return exp(X) where X is normal(mu, sigma).
 */
static double
RandLogNormal(RandState *rs, double mu, double sigma)
{
	return exp(RandNormal(rs, mu, sigma));
}

/*
 * Clip
 *		Limit x to the closed interval [lo, hi].
 */
static inline double
Clip(double x, double lo, double hi)
{
	if (x < lo)
		return lo;
	if (x > hi)
		return hi;
	return x;
}

/*
 * RoundNonNegative
 *		Round a non-negative double to the nearest integer, halves upward.
 */
static inline int64_t
RoundNonNegative(double x)
{
	return (int64_t) (x + 0.5);
}

/*
 * IsLeapYear
 *		True if the proleptic Gregorian year has 366 days.
 */
static int
IsLeapYear(int64_t year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

/*
 * DaysInMonth
 *		Number of days in the given month (1..12) of the given year.
 */
static int
DaysInMonth(int64_t year, int month)
{
	static const int lengths[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (month == 2 && IsLeapYear(year))
		return 29;
	return lengths[month - 1];
}

/*
 * FloorDiv
 *		Integer division rounding toward minus infinity (b > 0).
 */
static int64_t
FloorDiv(int64_t a, int64_t b)
{
	int64_t		q = a / b;

	if (a % b != 0 && a < 0)
		q--;
	return q;
}

/*
 * DaysFromCivil
 *		Days since 1970-01-01 of a proleptic Gregorian date.  Years are
 *		counted from March so that the leap day falls at the end.
 */
static int64_t
DaysFromCivil(int64_t year, int month, int day)
{
	int64_t		y = month <= 2 ? year - 1 : year;
	int64_t		era = FloorDiv(y, 400);
	int64_t		yearOfEra = y - era * 400;
	int			marchMonth = month <= 2 ? month + 9 : month - 3;
	int64_t		dayOfYear = (153 * marchMonth + 2) / 5 + day - 1;
	int64_t		dayOfEra;

	dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;

	/* 719468 days separate 0000-03-01 from 1970-01-01 */
	return era * 146097 + dayOfEra - 719468;
}

/*
 * CivilFromDays
 *		Proleptic Gregorian date of a day number counted from 1970-01-01;
 *		the inverse of DaysFromCivil.
 */
static void
CivilFromDays(int64_t days, int64_t *year, int *month, int *day)
{
	int64_t		z = days + 719468;
	int64_t		era = FloorDiv(z, 146097);
	int64_t		dayOfEra = z - era * 146097;
	int64_t		yearOfEra;
	int64_t		dayOfYear;
	int			marchMonth;

	/* year within the 400-year era, correcting for leap days */
	yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 -
				 dayOfEra / 146096) / 365;
	dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 -
							yearOfEra / 100);

	/* month and day, still counting months from March */
	marchMonth = (int) ((5 * dayOfYear + 2) / 153);
	*day = (int) (dayOfYear - (153 * marchMonth + 2) / 5 + 1);
	*month = marchMonth < 10 ? marchMonth + 3 : marchMonth - 9;
	*year = yearOfEra + era * 400 + (*month <= 2 ? 1 : 0);
}

/*
 * IsWeekend
 *		True if the day (counted from 1970-01-01, a Thursday) is a Saturday
 *		or a Sunday.
 */
static int
IsWeekend(int64_t days)
{
	/* 0 = Sunday, ..., 6 = Saturday */
	int64_t		weekday = ((days + 4) % 7 + 7) % 7;

	return weekday == 0 || weekday == 6;
}

/*
 * ParseDate
 *		Parse a strict YYYY-MM-DD date with a year of 1000..9999 into days
 *		since 1970-01-01.  Returns 0 on success, -1 if malformed or invalid.
 */
static int
ParseDate(const char *text, int32_t *days)
{
	int			i;
	int64_t		year;
	int			month;
	int			day;

	/* check the shape: four digits, dash, two digits, dash, two digits */
	if (strlen(text) != 10 || text[4] != '-' || text[7] != '-')
		return -1;
	for (i = 0; i < 10; i++)
	{
		if (i != 4 && i != 7 && (text[i] < '0' || text[i] > '9'))
			return -1;
	}

	/* extract and validate the fields */
	year = (text[0] - '0') * 1000 + (text[1] - '0') * 100 +
		(text[2] - '0') * 10 + (text[3] - '0');
	month = (text[5] - '0') * 10 + (text[6] - '0');
	day = (text[8] - '0') * 10 + (text[9] - '0');
	if (year < 1000 || month < 1 || month > 12 || day < 1 ||
		day > DaysInMonth(year, month))
		return -1;

	*days = (int32_t) DaysFromCivil(year, month, day);
	return 0;
}

/*
 * ParseInteger
 *		Parse a decimal integer in [0, max].  Returns 0 on success, -1 on
 *		anything else (sign, junk, empty, overflow).
 */
static int
ParseInteger(const char *text, uint64_t max, uint64_t *value)
{
	uint64_t	v = 0;
	const char *p;

	if (*text == '\0')
		return -1;
	for (p = text; *p != '\0'; p++)
	{
		unsigned	digit;

		if (*p < '0' || *p > '9')
			return -1;
		digit = (unsigned) (*p - '0');
		if (v > (max - digit) / 10)
			return -1;
		v = v * 10 + digit;
	}
	*value = v;
	return 0;
}

/*
 * ParseOptions
 *		Fill opts from the command line; accepts "--name value" and
 *		"--name=value".  Calls Usage (exit 2) on any error.
 */
static void
ParseOptions(int argc, char **argv, Options *opts)
{
	int			i;
	uint64_t	value;

	/* defaults */
	opts->movies = DEFAULT_MOVIES;
	opts->top = DEFAULT_TOP;
	opts->seed = DEFAULT_SEED;
	if (ParseDate(DEFAULT_TODAY, &opts->today) != 0)
		Usage("internal error: bad default date");
	opts->outDir = ".";

	for (i = 1; i < argc; i++)
	{
		const char *arg = argv[i];
		const char *eq;
		const char *val;
		size_t		nameLen;

		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0)
			Usage(NULL);
		if (strncmp(arg, "--", 2) != 0)
			Usage("unexpected argument");

		/* split "--name=value", or take the value from the next argument */
		eq = strchr(arg, '=');
		if (eq != NULL)
		{
			nameLen = (size_t) (eq - arg);
			val = eq + 1;
		}
		else
		{
			nameLen = strlen(arg);
			if (i + 1 >= argc)
				Usage("option requires a value");
			val = argv[++i];
		}

		/* interpret the option */
		if (nameLen == 8 && strncmp(arg, "--movies", nameLen) == 0)
		{
			if (ParseInteger(val, (uint64_t) MAX_MOVIES, &value) != 0)
				Usage("--movies must be an integer from 0 to 2147483647");
			opts->movies = (int64_t) value;
		}
		else if (nameLen == 5 && strncmp(arg, "--top", nameLen) == 0)
		{
			if (ParseInteger(val, (uint64_t) MAX_MOVIES, &value) != 0)
				Usage("--top must be an integer from 0 to 2147483647");
			opts->top = (int64_t) value;
		}
		else if (nameLen == 6 && strncmp(arg, "--seed", nameLen) == 0)
		{
			if (ParseInteger(val, UINT64_MAX, &value) != 0)
				Usage("--seed must be an unsigned 64-bit integer");
			opts->seed = value;
		}
		else if (nameLen == 7 && strncmp(arg, "--today", nameLen) == 0)
		{
			if (ParseDate(val, &opts->today) != 0)
				Usage("--today must be a valid date YYYY-MM-DD, "
					  "year 1000 or later");
		}
		else if (nameLen == 5 && strncmp(arg, "--out", nameLen) == 0)
		{
			if (*val == '\0')
				Usage("--out must not be empty");
			opts->outDir = val;
		}
		else
			Usage("unknown option");
	}

	if (opts->top > opts->movies)
		opts->top = opts->movies;
}

/*
 * TenYearsBefore
 *		The same calendar day ten years before the given day (February 29
 *		maps to February 28).
 */
static int64_t
TenYearsBefore(int64_t days)
{
	int64_t		year;
	int			month;
	int			day;

	CivilFromDays(days, &year, &month, &day);
	year -= 10;
	if (day > DaysInMonth(year, month))
		day = DaysInMonth(year, month);
	return DaysFromCivil(year, month, day);
}

/*
 * GenerateMovie
 *		Fill *m with the movie with the given id; the result depends only on
 *		the seed, the id and the release window.
 */
static void
GenerateMovie(Movie *m, uint64_t seed, int64_t movieId,
			  int64_t firstDay, int64_t lastDay)
{
	RandState	rs;
	double		budget;
	double		x;

	RandSeed(&rs, seed, (uint64_t) movieId, STREAM_MOVIE);
	m->movieId = movieId;

	/* title: adjective, noun and a 30 % chance of a sequel suffix */
	m->adjective = (int) RandBelow(&rs, LENGTHOF(TitleAdjectives));
	m->noun = (int) RandBelow(&rs, LENGTHOF(TitleNouns));
	m->suffix = -1;
	if (RandUnit(&rs) < 0.3)
		m->suffix = (int) RandBelow(&rs, LENGTHOF(SequelSuffixes));

	/* release date and categorical fields, all uniform */
	m->releaseDay = (int32_t) RandInt(&rs, firstDay, lastDay);
	m->genre = (int) RandBelow(&rs, LENGTHOF(Genres));
	m->rating = (int) RandBelow(&rs, LENGTHOF(MpaaRatings));
	m->studio = (int) RandBelow(&rs, LENGTHOF(Studios));

	/* runtime: normal(120, 25), clipped to 80..200 minutes */
	x = Clip(RandNormal(&rs, 120.0, 25.0), 80.0, 200.0);
	m->runtime = RoundNonNegative(x);

	/* budget: lognormal, boosted by genre and studio, clipped */
	budget = RandLogNormal(&rs, 16.0, 1.0);
	if (strcmp(Genres[m->genre], "Action") == 0 ||
		strcmp(Genres[m->genre], "Sci-Fi") == 0 ||
		strcmp(Genres[m->genre], "Fantasy") == 0)
		budget *= 1.5;
	if (strcmp(Studios[m->studio], "Disney") == 0 ||
		strcmp(Studios[m->studio], "Warner Bros") == 0 ||
		strcmp(Studios[m->studio], "Universal Pictures") == 0)
		budget *= 1.3;
	m->budget = RoundNonNegative(Clip(budget, 1e6, 3e8));

	/* grosses: domestic from the budget, international from domestic */
	x = (double) m->budget * RandLogNormal(&rs, 0.0, 1.0) *
		RandUniform(&rs, 0.5, 4.0);
	m->domesticGross = RoundNonNegative(x);
	x = (double) m->domesticGross * RandUniform(&rs, 0.3, 2.5);
	m->internationalGross = RoundNonNegative(x);
	m->totalGross = m->domesticGross + m->internationalGross;

	/* IMDb rating: normal(6.5, 1.5), clipped to 1..10, one decimal */
	x = Clip(RandNormal(&rs, 6.5, 1.5), 1.0, 10.0);
	m->imdbTenths = RoundNonNegative(x * 10.0);

	/* tickets: domestic gross at an average price, plus capacity */
	m->ticketsSold = (int64_t) ((double) m->domesticGross /
								RandUniform(&rs, 8.0, 15.0));
	m->ticketsAvailable = RandInt(&rs, 50, 300);
}

/*
 * AppendText
 *		Copy a NUL-terminated string to p; returns the end of the copy.
 */
static inline char *
AppendText(char *p, const char *s)
{
	while (*s != '\0')
		*p++ = *s++;
	return p;
}

/*
 * AppendInt
 *		Write a signed decimal integer to p; returns the end of the text.
 */
static inline char *
AppendInt(char *p, int64_t value)
{
	char		digits[24];
	int			n = 0;
	uint64_t	v;

	if (value < 0)
	{
		*p++ = '-';
		v = (uint64_t) 0 - (uint64_t) value;
	}
	else
		v = (uint64_t) value;

	/* produce the digits backwards, then copy them in order */
	do
	{
		digits[n++] = (char) ('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (n > 0)
		*p++ = digits[--n];
	return p;
}

/*
 * AppendTwoDigits
 *		Write a value 0..99 as exactly two digits; returns the end.
 */
static inline char *
AppendTwoDigits(char *p, int value)
{
	*p++ = (char) ('0' + value / 10);
	*p++ = (char) ('0' + value % 10);
	return p;
}

/*
 * AppendDate
 *		Write a day number as an ISO date YYYY-MM-DD; returns the end.
 */
static char *
AppendDate(char *p, int64_t days)
{
	int64_t		year;
	int			month;
	int			day;

	CivilFromDays(days, &year, &month, &day);
	p = AppendTwoDigits(p, (int) (year / 100));
	p = AppendTwoDigits(p, (int) (year % 100));
	*p++ = '-';
	p = AppendTwoDigits(p, month);
	*p++ = '-';
	return AppendTwoDigits(p, day);
}

/*
 * AppendCsvField
 *		Write a string as a CSV field, quoting it (and doubling embedded
 *		quotes) when it contains a comma, quote or line break.  The caller
 *		guarantees room for twice the length plus two.
 */
static char *
AppendCsvField(char *p, const char *s)
{
	const char *c;

	if (strpbrk(s, ",\"\r\n") == NULL)
		return AppendText(p, s);

	/* quoted form */
	*p++ = '"';
	for (c = s; *c != '\0'; c++)
	{
		if (*c == '"')
			*p++ = '"';
		*p++ = *c;
	}
	*p++ = '"';
	return p;
}

/*
 * AppendTitle
 *		Write the movie's title as a CSV field; returns the end.
 */
static char *
AppendTitle(char *p, const Movie *m)
{
	char		title[128];

	snprintf(title, sizeof(title), "%s %s%s",
			 TitleAdjectives[m->adjective], TitleNouns[m->noun],
			 m->suffix >= 0 ? SequelSuffixes[m->suffix] : "");
	return AppendCsvField(p, title);
}

/*
 * OpenOutput
 *		Create DIR/name for writing with a large buffer of our own; exits 1
 *		on failure.  The caller frees *path and *buffer after CloseOutput.
 */
static FILE *
OpenOutput(const char *dir, const char *name, char **path, char **buffer)
{
	size_t		len = strlen(dir) + strlen(name) + 2;
	FILE	   *f;

	/* build the path and the stdio buffer */
	*path = malloc(len);
	*buffer = malloc(IO_BUFFER_SIZE);
	if (*path == NULL || *buffer == NULL)
	{
		fprintf(stderr, "%s: out of memory\n", ProgName);
		exit(1);
	}
	snprintf(*path, len, "%s/%s", dir, name);

	f = fopen(*path, "w");
	if (f == NULL)
		IoFail("open", *path, errno);
	if (setvbuf(f, *buffer, _IOFBF, IO_BUFFER_SIZE) != 0)
		IoFail("set buffer for", *path, errno);
	return f;
}

/*
 * WriteOrFail
 *		Write len bytes to f; exits 1 with the system error on failure.
 */
static inline void
WriteOrFail(FILE *f, const char *path, const char *data, size_t len)
{
	if (fwrite(data, 1, len, f) != len)
		IoFail("write", path, errno);
}

/*
 * CloseOutput
 *		Flush and close an output file; exits 1 if anything failed.
 */
static void
CloseOutput(FILE *f, const char *path)
{
	if (fflush(f) != 0 || ferror(f))
		IoFail("write", path, errno);
	if (fclose(f) != 0)
		IoFail("close", path, errno);
}

/*
 * TopWorse
 *		True if a ranks below b: smaller total gross, or equal gross and
 *		larger movie id.
 */
static inline int
TopWorse(const TopEntry *a, const TopEntry *b)
{
	return a->totalGross < b->totalGross ||
		(a->totalGross == b->totalGross && a->movieId > b->movieId);
}

/*
 * TopSiftDown
 *		Restore the heap below position i in heap[0..count), where every
 *		parent ranks at or below its children (the worst entry on top).
 */
static void
TopSiftDown(TopEntry *heap, size_t count, size_t i)
{
	TopEntry	item = heap[i];

	for (;;)
	{
		size_t		child = 2 * i + 1;

		if (child >= count)
			break;
		if (child + 1 < count && TopWorse(&heap[child + 1], &heap[child]))
			child++;
		if (!TopWorse(&heap[child], &item))
			break;
		heap[i] = heap[child];
		i = child;
	}
	heap[i] = item;
}

/*
 * TopSiftUp
 *		Move the entry at position i up until its parent ranks at or below
 *		it.
 */
static void
TopSiftUp(TopEntry *heap, size_t i)
{
	TopEntry	item = heap[i];

	while (i > 0)
	{
		size_t		parent = (i - 1) / 2;

		if (!TopWorse(&item, &heap[parent]))
			break;
		heap[i] = heap[parent];
		i = parent;
	}
	heap[i] = item;
}

/*
 * TopOffer
 *		Consider a movie for the top-K selection: insert it while the heap is
 *		not full, otherwise replace the worst entry if the movie beats it.
 */
static void
TopOffer(TopEntry *heap, size_t *count, size_t capacity,
		 int64_t totalGross, int64_t movieId)
{
	TopEntry	e;

	if (capacity == 0)
		return;
	e.totalGross = totalGross;
	e.movieId = (uint32_t) movieId;

	if (*count < capacity)
	{
		heap[*count] = e;
		TopSiftUp(heap, (*count)++);
	}
	else if (TopWorse(&heap[0], &e))
	{
		heap[0] = e;
		TopSiftDown(heap, *count, 0);
	}
}

/*
 * TopSortBestFirst
 *		Heapsort the selection in place into ranking order, best first.
 */
static void
TopSortBestFirst(TopEntry *heap, size_t count)
{
	size_t		end;

	/* repeatedly move the worst remaining entry to the back */
	for (end = count; end > 1; end--)
	{
		TopEntry	tmp = heap[0];

		heap[0] = heap[end - 1];
		heap[end - 1] = tmp;
		TopSiftDown(heap, end - 1, 0);
	}
}

/*
 * WriteMovies
 *		Generate all movies, write movies.csv and collect the top-grossing
 *		ones into heap (capacity opts->top); returns how many were kept.
 */
static size_t
WriteMovies(const Options *opts, int64_t firstDay, TopEntry *heap)
{
	char	   *path;
	char	   *buffer;
	FILE	   *f = OpenOutput(opts->outDir, "movies.csv", &path, &buffer);
	char		row[ROW_BUFFER_SIZE];
	size_t		kept = 0;
	int64_t		id;
	static const char header[] =
		"movie_id,title,genre,release_date,rating,studio,runtime_minutes,"
		"budget,domestic_gross,international_gross,total_gross,imdb_rating,"
		"tickets_sold,tickets_available\n";

	WriteOrFail(f, path, header, sizeof(header) - 1);

	for (id = 1; id <= opts->movies; id++)
	{
		Movie		m;
		char	   *p = row;

		GenerateMovie(&m, opts->seed, id, firstDay, opts->today);
		TopOffer(heap, &kept, (size_t) opts->top, m.totalGross, id);

		/* identity and categorical columns */
		p = AppendInt(p, id);
		*p++ = ',';
		p = AppendTitle(p, &m);
		*p++ = ',';
		p = AppendCsvField(p, Genres[m.genre]);
		*p++ = ',';
		p = AppendDate(p, m.releaseDay);
		*p++ = ',';
		p = AppendCsvField(p, MpaaRatings[m.rating]);
		*p++ = ',';
		p = AppendCsvField(p, Studios[m.studio]);
		*p++ = ',';

		/* numeric columns */
		p = AppendInt(p, m.runtime);
		*p++ = ',';
		p = AppendInt(p, m.budget);
		*p++ = ',';
		p = AppendInt(p, m.domesticGross);
		*p++ = ',';
		p = AppendInt(p, m.internationalGross);
		*p++ = ',';
		p = AppendInt(p, m.totalGross);
		*p++ = ',';
		p = AppendInt(p, m.imdbTenths / 10);
		*p++ = '.';
		*p++ = (char) ('0' + m.imdbTenths % 10);
		*p++ = ',';
		p = AppendInt(p, m.ticketsSold);
		*p++ = ',';
		p = AppendInt(p, m.ticketsAvailable);
		*p++ = '\n';

		WriteOrFail(f, path, row, (size_t) (p - row));
	}

	CloseOutput(f, path);
	free(path);
	free(buffer);
	return kept;
}

/*
 * WriteSales
 *		Write sales.csv: for each selected movie, best first, one row per
 *		day from max(release, today - 365) to today.  Returns the row count.
 */
static int64_t
WriteSales(const Options *opts, int64_t firstDay,
		   const TopEntry *top, size_t count)
{
	char	   *path;
	char	   *buffer;
	FILE	   *f = OpenOutput(opts->outDir, "sales.csv", &path, &buffer);
	char		dates[SALES_WINDOW + 1][12];
	int			weekend[SALES_WINDOW + 1];
	int64_t		windowStart = opts->today - SALES_WINDOW;
	int64_t		rows = 0;
	size_t		i;
	static const char header[] =
		"movie_id,movie_title,date,tickets_sold,revenue\n";

	WriteOrFail(f, path, header, sizeof(header) - 1);

	/* precompute date text and weekend flags for the sales window */
	for (i = 0; i <= SALES_WINDOW; i++)
	{
		char	   *end = AppendDate(dates[i], windowStart + (int64_t) i);

		*end = '\0';
		weekend[i] = IsWeekend(windowStart + (int64_t) i);
	}

	for (i = 0; i < count; i++)
	{
		Movie		m;
		RandState	rs;
		char		row[ROW_BUFFER_SIZE];
		char	   *prefixEnd;
		int64_t		day;

		/* regenerate the movie and build the "id,title," row prefix */
		GenerateMovie(&m, opts->seed, (int64_t) top[i].movieId,
					  firstDay, opts->today);
		prefixEnd = AppendInt(row, m.movieId);
		*prefixEnd++ = ',';
		prefixEnd = AppendTitle(prefixEnd, &m);
		*prefixEnd++ = ',';

		RandSeed(&rs, opts->seed, (uint64_t) m.movieId, STREAM_SALES);
		day = m.releaseDay > windowStart ? m.releaseDay : windowStart;
		for (; day <= opts->today; day++)
		{
			int64_t		age = day - m.releaseDay;
			int64_t		tickets;
			int64_t		cents;
			char	   *p = prefixEnd;

			/* tickets by age since release, boosted on weekends */
			if (age < 30)
				tickets = RandInt(&rs, 100, 1000);
			else if (age < 90)
				tickets = RandInt(&rs, 50, 300);
			else
				tickets = RandInt(&rs, 0, 50);
			if (weekend[day - windowStart])
				tickets = tickets * 3 / 2;

			/* revenue at a random average price, in whole cents */
			cents = RoundNonNegative((double) tickets *
									 RandUniform(&rs, 8.0, 15.0) * 100.0);

			/* date, tickets and revenue columns */
			p = AppendText(p, dates[day - windowStart]);
			*p++ = ',';
			p = AppendInt(p, tickets);
			*p++ = ',';
			p = AppendInt(p, cents / 100);
			*p++ = '.';
			p = AppendTwoDigits(p, (int) (cents % 100));
			*p++ = '\n';

			WriteOrFail(f, path, row, (size_t) (p - row));
			rows++;
		}
	}

	CloseOutput(f, path);
	free(path);
	free(buffer);
	return rows;
}

/*
 * main
 *		Parse arguments, write both files and report the row counts.
 */
int
main(int argc, char **argv)
{
	Options		opts;
	TopEntry   *heap = NULL;
	size_t		kept;
	int64_t		firstDay;
	int64_t		salesRows;

	ParseOptions(argc, argv, &opts);
	firstDay = TenYearsBefore(opts.today);

	/* room for the top-grossing selection */
	if (opts.top > 0)
	{
		heap = malloc((size_t) opts.top * sizeof(TopEntry));
		if (heap == NULL)
		{
			fprintf(stderr, "%s: out of memory for %lld top movies\n",
					ProgName, (long long) opts.top);
			return 1;
		}
	}

	/* movies first, then the daily sales of the best sellers */
	kept = WriteMovies(&opts, firstDay, heap);
	TopSortBestFirst(heap, kept);
	salesRows = WriteSales(&opts, firstDay, heap, kept);

	fprintf(stderr, "%s: wrote %lld movies and %lld sales rows to %s\n",
			ProgName, (long long) opts.movies, (long long) salesRows,
			opts.outDir);
	free(heap);
	return 0;
}
