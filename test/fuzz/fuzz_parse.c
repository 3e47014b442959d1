/*-------------------------------------------------------------------------
 *
 * fuzz_parse.c
 *	  libFuzzer target for the loader's server-independent code.
 *
 * The input is read the way src/csvreader.c reads it: a UTF-8 byte-order
 * mark is skipped and UTF-16 refused, libcsv runs with the reader's options
 * and no blank trimming, and it is fed one physical line at a time, blank
 * lines between records skipped.  The input is read twice: stopping at the
 * first malformed record, and recovering from it at the next line as the
 * reader does for on_error => 'skip'.  Every field goes through the number
 * and date parsers of src/parse.c, and the results are checked against
 * independent rules; any violated invariant calls abort().
 *
 * Build with libFuzzer (test/fuzz/run.sh), or with test/fuzz/replay.c to
 * run saved inputs without libFuzzer (test/t/fuzz_replay.sh).
 *
 *-------------------------------------------------------------------------
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "parse.h"

/* The reader's limits (src/csvreader.h). */
#define FUZZ_MAX_FIELDS			1600
#define FUZZ_MAX_RECORD_BYTES	(64 * 1024 * 1024)

/* The reader's first libcsv block size. */
#define FUZZ_BLOCK_SIZE			8192

/* Longest field whose numbers are compared with strtoll and by printing. */
#define FUZZ_TEXT_MAX			64

/* State of one pass over the input. */
typedef struct FuzzReader
{
	struct csv_parser parser;
	size_t		inputlen;		/* bytes in the whole input */
	size_t		recordbytes;	/* field bytes of the current record */
	int			nfields;		/* fields of the current record */
	int			rowsinline;		/* records ended in the current line */
	bool		inrecord;		/* a record has started and not ended */
	bool		poisoned;		/* ignore callbacks until the line ends */
	bool		recover;		/* go on after a malformed record */
} FuzzReader;

/*
 * Fail
 *		Report a violated invariant and abort, so that libFuzzer keeps the
 *		input.
 */
static void
Fail(const char *what, const char *s, size_t len)
{
	fprintf(stderr, "fuzz_parse: invariant violated: %s; field (%zu bytes): \"",
			what, len);
	for (size_t i = 0; i < len && i < 200; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"')
			fputc(c, stderr);
		else
			fprintf(stderr, "\\x%02x", c);
	}
	fprintf(stderr, "\"%s\n", len > 200 ? "..." : "");
	abort();
}

/*
 * IsAsciiDigit
 *		Digit test of the checks, independent of parse.c and the locale.
 */
static bool
IsAsciiDigit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * LooksInteger
 *		True when s is [+-]digits, with at least one digit.
 */
static bool
LooksInteger(const char *s, size_t len)
{
	size_t		i = 0;

	if (len > 0 && (s[0] == '+' || s[0] == '-'))
		i = 1;
	if (i == len)
		return false;
	for (; i < len; i++)
		if (!IsAsciiDigit(s[i]))
			return false;
	return true;
}

/*
 * LooksDecimal
 *		True when s is [+-]digits[.digits] or [+-].digits, with at least one
 *		digit somewhere.
 */
static bool
LooksDecimal(const char *s, size_t len)
{
	size_t		i = 0;
	int			digits = 0;
	int			points = 0;

	if (len > 0 && (s[0] == '+' || s[0] == '-'))
		i = 1;
	for (; i < len; i++)
	{
		if (IsAsciiDigit(s[i]))
			digits++;
		else if (s[i] == '.' && points++ == 0)
			continue;
		else
			return false;
	}
	return digits > 0;
}

/*
 * CanonicalDecimal
 *		Write a decimal of LooksDecimal's form as "[-]int[.frac]": no plus
 *		sign, no leading zeros in the integer part ("0" when it has none),
 *		the fraction kept as written, and no minus sign on zero.  Returns
 *		the number of fraction digits.
 */
static int
CanonicalDecimal(const char *s, size_t len, char *out, size_t outsize)
{
	size_t		i = 0;
	size_t		o = 0;
	bool		negative = false;
	bool		nonzero = false;
	int			frac = 0;
	size_t		start;

	if (s[0] == '+' || s[0] == '-')
	{
		negative = (s[0] == '-');
		i = 1;
	}
	for (size_t k = i; k < len; k++)
		if (s[k] >= '1' && s[k] <= '9')
			nonzero = true;
	if (negative && nonzero)
		out[o++] = '-';

	while (i < len && s[i] == '0')
		i++;
	start = o;
	for (; i < len && IsAsciiDigit(s[i]); i++)
		out[o++] = s[i];
	if (o == start)
		out[o++] = '0';
	if (i < len && s[i] == '.')
	{
		i++;
		if (i < len)
			out[o++] = '.';
		for (; i < len; i++, frac++)
			out[o++] = s[i];
	}
	if (o >= outsize)
		abort();
	out[o] = '\0';
	return frac;
}

/*
 * PrintScaled
 *		Write mantissa / 10^scale in the form CanonicalDecimal gives.
 */
static void
PrintScaled(int64_t mantissa, int scale, char *out, size_t outsize)
{
	char		digits[64];
	int			n;
	size_t		o = 0;

	/* the digits, zero-padded to have at least one before the point */
	n = snprintf(digits, sizeof(digits), "%0*lld", scale + 1,
				 (long long) (mantissa < 0 ? -mantissa : mantissa));
	if (n < 0 || (size_t) n + 3 > outsize || n >= (int) sizeof(digits))
		abort();
	if (mantissa < 0)
		out[o++] = '-';
	for (int k = 0; k < n; k++)
	{
		if (k == n - scale)
			out[o++] = '.';
		out[o++] = digits[k];
	}
	out[o] = '\0';
}

/*
 * CheckInteger
 *		ParseInt64 over [min, max]: the status agrees with the field's form
 *		and with strtoll, and an accepted value prints back to the same one.
 */
static void
CheckInteger(const char *s, size_t len, int64_t min, int64_t max,
			 int64_t *value, ParseStatus *status)
{
	int64_t		v = 0;
	ParseStatus st = ParseInt64(s, len, min, max, &v);

	if ((len == 0) != (st == PARSE_EMPTY))
		Fail("ParseInt64 returns PARSE_EMPTY exactly for an empty field",
			 s, len);
	if (st == PARSE_OK && !LooksInteger(s, len))
		Fail("ParseInt64 accepts only [+-]digits", s, len);
	if (LooksInteger(s, len) && st != PARSE_OK && st != PARSE_RANGE)
		Fail("ParseInt64 refuses [+-]digits only for range", s, len);

	if (st == PARSE_OK)
	{
		char		buf[32];
		int64_t		again = 0;

		if (v < min || v > max)
			Fail("ParseInt64 value within its bounds", s, len);
		snprintf(buf, sizeof(buf), "%lld", (long long) v);
		if (ParseInt64(buf, strlen(buf), min, max, &again) != PARSE_OK ||
			again != v)
			Fail("ParseInt64 value printed with %lld parses to itself", s, len);
	}

	/* compare with the C library on short integer fields */
	if (LooksInteger(s, len) && len < FUZZ_TEXT_MAX)
	{
		char		buf[FUZZ_TEXT_MAX];
		char	   *end;
		long long	ll;
		bool		fits;

		memcpy(buf, s, len);
		buf[len] = '\0';
		errno = 0;
		ll = strtoll(buf, &end, 10);
		if (*end != '\0')
			Fail("strtoll reads a whole [+-]digits field", s, len);
		fits = errno != ERANGE && ll >= min && ll <= max;
		if (fits != (st == PARSE_OK))
			Fail("ParseInt64 accepts exactly what strtoll reads in range",
				 s, len);
		if (fits && ll != v)
			Fail("ParseInt64 gives the value strtoll gives", s, len);
	}

	*value = v;
	*status = st;
}

/*
 * FitsNumeric31
 *		Independent test of a LooksDecimal field against numeric(3, 1): at
 *		most 2 significant integer digits, and only zeros past 1 decimal.
 */
static bool
FitsNumeric31(const char *s, size_t len)
{
	size_t		i = 0;
	int			intdigits = 0;
	bool		significant = false;

	if (s[0] == '+' || s[0] == '-')
		i = 1;
	for (; i < len && s[i] != '.'; i++)
	{
		if (s[i] != '0')
			significant = true;
		if (significant)
			intdigits++;
	}
	if (i < len)
	{
		for (size_t k = i + 2; k < len; k++)
			if (s[k] != '0')
				return false;
	}
	return intdigits <= 2;
}

/*
 * CheckScaledInt
 *		DecimalAsScaledInt on an accepted decimal: it succeeds exactly when
 *		the field has at most 18 digits, and its mantissa and scale print
 *		back to the field's value with the field's decimal places.
 */
static void
CheckScaledInt(const char *s, size_t len, bool numeric31)
{
	int64_t		mantissa = 0;
	int			scale = -1;
	int			digits = 0;
	bool		ok;

	for (size_t i = 0; i < len; i++)
		if (IsAsciiDigit(s[i]))
			digits++;
	ok = DecimalAsScaledInt(s, len, &mantissa, &scale);
	if (ok != (digits <= 18))
		Fail("DecimalAsScaledInt succeeds exactly up to 18 digits", s, len);
	if (!ok)
		return;

	{
		char		want[64];
		char		got[64];
		int			frac;

		frac = CanonicalDecimal(s, len, want, sizeof(want));
		if (scale != frac)
			Fail("DecimalAsScaledInt scale is the number of decimals", s, len);
		PrintScaled(mantissa, scale, got, sizeof(got));
		if (strcmp(want, got) != 0)
		{
			fprintf(stderr,
					"fuzz_parse: text %s, mantissa %lld scale %d prints %s\n",
					want, (long long) mantissa, scale, got);
			Fail("DecimalAsScaledInt prints back to the field's value", s, len);
		}
	}

	if (numeric31)
	{
		int64_t		p = 1;
		int64_t		m = mantissa < 0 ? -mantissa : mantissa;

		for (int k = 0; k < scale; k++)
			p *= 10;
		if (m / p >= 100)
			Fail("numeric(3,1) value below 100 in magnitude", s, len);
		if (scale > 1 && m % (p / 10) != 0)
			Fail("numeric(3,1) value has no nonzero digit past 1 decimal",
				 s, len);
	}
}

/*
 * CheckDecimal
 *		ParseDecimal, unconstrained and as numeric(3, 1): the status agrees
 *		with the field's form, and DecimalAsScaledInt with the field's text.
 */
static void
CheckDecimal(const char *s, size_t len, ParseStatus int64status)
{
	ParseStatus any = ParseDecimal(s, len, 0, 0);
	ParseStatus n31 = ParseDecimal(s, len, 3, 1);
	bool		shape = LooksDecimal(s, len);
	bool		fits = len <= PARSE_MAX_DECIMAL_CHARS;

	if ((len == 0) != (any == PARSE_EMPTY) ||
		(len == 0) != (n31 == PARSE_EMPTY))
		Fail("ParseDecimal returns PARSE_EMPTY exactly for an empty field",
			 s, len);
	if ((any == PARSE_OK) != (shape && fits))
		Fail("ParseDecimal accepts exactly plain decimals within the length limit",
			 s, len);
	if ((n31 == PARSE_OK) != (shape && fits && FitsNumeric31(s, len)))
		Fail("ParseDecimal(3, 1) accepts exactly what numeric(3,1) holds as is",
			 s, len);
	if (int64status == PARSE_OK && any != PARSE_OK && fits)
		Fail("an accepted bigint is an accepted decimal", s, len);
	if (shape && any != PARSE_OK && any != PARSE_RANGE)
		Fail("ParseDecimal refuses a plain decimal only for its length",
			 s, len);
	if (shape && fits && n31 != PARSE_OK && n31 != PARSE_RANGE &&
		n31 != PARSE_SCALE)
		Fail("ParseDecimal(3, 1) refuses plain decimals for range or scale only",
			 s, len);

	if (any == PARSE_OK)
		CheckScaledInt(s, len, n31 == PARSE_OK);
}

/*
 * DaysInMonth
 *		Days of a month of the proleptic Gregorian calendar.
 */
static int
DaysInMonth(int year, int month)
{
	bool		leap = (year % 400 == 0) || (year % 100 != 0 && year % 4 == 0);

	switch (month)
	{
		case 2:
			return leap ? 29 : 28;
		case 4:
		case 6:
		case 9:
		case 11:
			return 30;
		default:
			return 31;
	}
}

/*
 * CheckDate
 *		ParseIsoDate: accepts exactly YYYY-MM-DD naming a real day from year
 *		1 on, and gives back the date it read.
 */
static void
CheckDate(const char *s, size_t len)
{
	int			y = -1,
				m = -1,
				d = -1;
	ParseStatus st = ParseIsoDate(s, len, &y, &m, &d);
	bool		shape = len == 10 && s[4] == '-' && s[7] == '-';
	bool		real;

	for (size_t i = 0; shape && i < len; i++)
		if (i != 4 && i != 7 && !IsAsciiDigit(s[i]))
			shape = false;

	if ((len == 0) != (st == PARSE_EMPTY))
		Fail("ParseIsoDate returns PARSE_EMPTY exactly for an empty field",
			 s, len);
	if (!shape)
	{
		if (st != PARSE_EMPTY && st != PARSE_SYNTAX)
			Fail("ParseIsoDate refuses a non-date as syntax", s, len);
		return;
	}

	{
		int			yy = (s[0] - '0') * 1000 + (s[1] - '0') * 100 +
			(s[2] - '0') * 10 + (s[3] - '0');
		int			mm = (s[5] - '0') * 10 + (s[6] - '0');
		int			dd = (s[8] - '0') * 10 + (s[9] - '0');

		real = yy >= 1 && mm >= 1 && mm <= 12 && dd >= 1 &&
			dd <= DaysInMonth(yy, mm);
		if (real != (st == PARSE_OK))
			Fail("ParseIsoDate accepts exactly the real days", s, len);
		if (!real && st != PARSE_BAD_DATE)
			Fail("ParseIsoDate calls an impossible day a bad date", s, len);
	}

	if (st == PARSE_OK)
	{
		char		buf[40];

		if (m < 1 || m > 12 || d < 1 || d > DaysInMonth(y, m) || y < 1)
			Fail("ParseIsoDate result is a real day", s, len);
		snprintf(buf, sizeof(buf), "%04d-%02d-%02d", y, m, d);
		if (strlen(buf) != 10 || memcmp(buf, s, 10) != 0)
			Fail("ParseIsoDate result prints back to the field", s, len);
	}
}

/*
 * CheckField
 *		Run one field through every parser the loader uses for it.
 */
static void
CheckField(const char *s, size_t len)
{
	int64_t		v32 = 0;
	int64_t		v64 = 0;
	ParseStatus st32;
	ParseStatus st64;

	CheckInteger(s, len, INT32_MIN, INT32_MAX, &v32, &st32);
	CheckInteger(s, len, INT64_MIN, INT64_MAX, &v64, &st64);
	if (st32 == PARSE_OK && (st64 != PARSE_OK || v32 != v64))
		Fail("an accepted integer is an accepted bigint of the same value",
			 s, len);
	CheckDecimal(s, len, st64);
	CheckDate(s, len);
}

/*
 * FieldCallback
 *		libcsv's field callback: check the field's bounds and parse it.
 */
static void
FieldCallback(void *field, size_t len, void *arg)
{
	FuzzReader *reader = (FuzzReader *) arg;
	const char *s = (const char *) field;

	if (reader->poisoned)
		return;
	if (len > reader->inputlen)
		Fail("field no longer than the input", "", 0);
	reader->recordbytes += len;
	if (reader->recordbytes > reader->inputlen)
		Fail("fields of a record no longer than the input together", "", 0);
	if (s == NULL && len != 0)
		Fail("a NULL field is empty", "", 0);
	if (s != NULL && s[len] != '\0')
		Fail("a field ends in a NUL byte (CSV_APPEND_NULL)", s, len);
	if (reader->nfields++ >= FUZZ_MAX_FIELDS || s == NULL)
		return;
	CheckField(s, len);
}

/*
 * RowCallback
 *		libcsv's row callback: end the current record, or mark the line
 *		malformed when a record already ended in it.
 */
static void
RowCallback(int c, void *arg)
{
	FuzzReader *reader = (FuzzReader *) arg;

	(void) c;
	if (reader->poisoned)
		return;
	if (reader->nfields < 1)
		Fail("a record has at least one field", "", 0);

	/* a second record ending in one line: a carriage return ended the first */
	if (reader->rowsinline++ > 0)
	{
		reader->poisoned = true;
		return;
	}
	reader->nfields = 0;
	reader->recordbytes = 0;
	reader->inrecord = false;
}

/*
 * NothingIsSpace
 *		Space test that keeps every blank as data, as the reader's does.
 */
static int
NothingIsSpace(unsigned char c)
{
	(void) c;
	return 0;
}

/*
 * InitParser
 *		Set libcsv up as the reader does.
 */
static void
InitParser(FuzzReader *reader)
{
	if (csv_init(&reader->parser, CSV_STRICT | CSV_STRICT_FINI |
				 CSV_APPEND_NULL | CSV_EMPTY_IS_NULL) != 0)
		abort();
	csv_set_space_func(&reader->parser, NothingIsSpace);
	csv_set_realloc_func(&reader->parser, realloc);
	csv_set_free_func(&reader->parser, free);
	csv_set_blk_size(&reader->parser, FUZZ_BLOCK_SIZE);
}

/*
 * EndMalformed
 *		After a malformed record: stop (false), or when recovering start
 *		the parser afresh for the next line (true).
 */
static bool
EndMalformed(FuzzReader *reader)
{
	if (!reader->recover)
		return false;
	csv_free(&reader->parser);
	InitParser(reader);
	reader->inrecord = false;
	reader->nfields = 0;
	reader->recordbytes = 0;
	return true;
}

/*
 * ReadInput
 *		One pass over the input, line by line, as the reader reads a buffer.
 */
static void
ReadInput(const unsigned char *data, size_t size, bool recover)
{
	FuzzReader	reader;
	size_t		pos = 0;
	size_t		recordlen = 0;

	memset(&reader, 0, sizeof(reader));
	reader.inputlen = size;
	reader.recover = recover;

	/* a UTF-8 byte-order mark is skipped; UTF-16 and UTF-32 are refused */
	if (size >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF)
		pos = 3;
	else if (size >= 2 && ((data[0] == 0xFF && data[1] == 0xFE) ||
						   (data[0] == 0xFE && data[1] == 0xFF)))
		return;

	InitParser(&reader);
	while (pos < size)
	{
		const unsigned char *piece = data + pos;
		const unsigned char *nl = memchr(piece, '\n', size - pos);
		size_t		len = nl ? (size_t) (nl - piece) + 1 : size - pos;
		bool		blank = true;

		pos += len;
		for (size_t i = 0; i < len && blank; i++)
			blank = (piece[i] == '\n' || piece[i] == '\r');
		if (!reader.inrecord && !blank)
		{
			reader.inrecord = true;
			recordlen = 0;
		}
		if (reader.inrecord)
		{
			recordlen += len;
			if (recordlen > FUZZ_MAX_RECORD_BYTES)
				goto done;
		}
		if (reader.inrecord || !blank)
		{
			size_t		used;

			reader.rowsinline = 0;
			reader.poisoned = false;
			used = csv_parse(&reader.parser, piece, len, FieldCallback,
							 RowCallback, &reader);
			if (used > len)
				Fail("csv_parse uses no more than it is given", "", 0);
			if (used < len)
			{
				if (csv_error(&reader.parser) != CSV_EPARSE)
					Fail("csv_parse stops early only on a parse error", "", 0);
				if (!EndMalformed(&reader))
					goto done;
			}
			else if (reader.rowsinline > 1)
			{
				/* a carriage return ended a record inside the line */
				if (!EndMalformed(&reader))
					goto done;
			}
		}

		/* grow libcsv's buffer geometrically, as the reader does */
		if (csv_get_buffer_size(&reader.parser) > FUZZ_BLOCK_SIZE)
			csv_set_blk_size(&reader.parser,
							 csv_get_buffer_size(&reader.parser));
	}

	reader.rowsinline = 0;
	reader.poisoned = false;
	if (csv_fini(&reader.parser, FieldCallback, RowCallback, &reader) != 0)
	{
		/* only an unterminated quoted field can fail here */
		if (csv_error(&reader.parser) != CSV_EPARSE)
			Fail("csv_fini fails only on a parse error", "", 0);
	}
	else if (reader.inrecord)
		Fail("csv_fini ends the last record", "", 0);

done:
	csv_free(&reader.parser);
}

/*
 * LLVMFuzzerTestOneInput
 *		libFuzzer's entry point: read the input both ways, then parse it
 *		whole as one field.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ReadInput(data, size, false);
	ReadInput(data, size, true);

	/* the parsers must not read past len, with no NUL to stop them */
	if (size > 0)
	{
		char	   *copy = malloc(size);

		if (copy == NULL)
			abort();
		memcpy(copy, data, size);
		CheckField(copy, size);
		free(copy);
	}
	return 0;
}
