/*-------------------------------------------------------------------------
 *
 * parse.c
 *	  Strict parsing of integers, decimals and ISO dates from field bytes.
 *
 * The accepted forms are deliberately narrow, because every value feeds
 * money sums that must be right to the cent:
 *	  integers	[+-]digits, nothing else (no exponent, no ".0", no hex, no
 *				digit separators, no blanks);
 *	  decimals	[+-]digits[.digits] or [+-].digits (no exponent, no NaN);
 *	  dates		YYYY-MM-DD, whatever the session's DateStyle.
 *
 *-------------------------------------------------------------------------
 */
#include "parse.h"

#include <string.h>

/* Rough shape of a numeric-looking string. */
typedef enum NumberShape
{
	SHAPE_INTEGER,
	SHAPE_DECIMAL,
	SHAPE_EXPONENT,
	SHAPE_NAN,
	SHAPE_OTHER
} NumberShape;

/*
 * IsDigit
 *		ASCII digit test that does not depend on the locale.
 */
static inline bool
IsDigit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * MatchesWord
 *		Case-insensitive comparison of s[0..len) with an ASCII word.
 */
static bool
MatchesWord(const char *s, size_t len, const char *word)
{
	size_t		wlen = strlen(word);

	if (len != wlen)
		return false;
	for (size_t i = 0; i < len; i++)
	{
		char		c = s[i];

		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		if (c != word[i])
			return false;
	}
	return true;
}

/*
 * ClassifyNumber
 *		Tell integers, plain decimals, exponent forms and NaN/Infinity apart.
 */
static NumberShape
ClassifyNumber(const char *s, size_t len)
{
	size_t		i = 0;
	size_t		digits = 0;
	bool		point = false;

	if (i < len && (s[i] == '+' || s[i] == '-'))
		i++;
	if (MatchesWord(s + i, len - i, "nan") ||
		MatchesWord(s + i, len - i, "inf") ||
		MatchesWord(s + i, len - i, "infinity"))
		return SHAPE_NAN;

	/* mantissa */
	for (; i < len && IsDigit(s[i]); i++)
		digits++;
	if (i < len && s[i] == '.')
	{
		point = true;
		for (i++; i < len && IsDigit(s[i]); i++)
			digits++;
	}
	if (digits == 0)
		return SHAPE_OTHER;
	if (i == len)
		return point ? SHAPE_DECIMAL : SHAPE_INTEGER;

	/* exponent */
	if (s[i] != 'e' && s[i] != 'E')
		return SHAPE_OTHER;
	i++;
	if (i < len && (s[i] == '+' || s[i] == '-'))
		i++;
	if (i == len || !IsDigit(s[i]))
		return SHAPE_OTHER;
	while (i < len && IsDigit(s[i]))
		i++;
	return i == len ? SHAPE_EXPONENT : SHAPE_OTHER;
}

/*
 * StatusForShape
 *		Why a string that is not of the wanted shape was refused.
 */
static ParseStatus
StatusForShape(NumberShape shape)
{
	switch (shape)
	{
		case SHAPE_DECIMAL:
			return PARSE_FRACTION;
		case SHAPE_EXPONENT:
			return PARSE_EXPONENT;
		case SHAPE_NAN:
			return PARSE_NAN;
		default:
			return PARSE_SYNTAX;
	}
}

/*
 * ParseInt64
 *		Parse a whole number in [min, max].
 */
ParseStatus
ParseInt64(const char *s, size_t len, int64_t min, int64_t max,
		   int64_t *result)
{
	NumberShape shape;
	bool		negative = false;
	uint64_t	magnitude = 0;
	uint64_t	limit;
	size_t		i = 0;

	if (len == 0)
		return PARSE_EMPTY;

	/* plain digits, the usual case, need no classification */
	if (len <= 18)
	{
		int64_t		v = 0;
		size_t		k = 0;

		while (k < len && IsDigit(s[k]))
			v = v * 10 + (s[k++] - '0');
		if (k == len)
		{
			if (v < min || v > max)
				return PARSE_RANGE;
			*result = v;
			return PARSE_OK;
		}
	}

	shape = ClassifyNumber(s, len);
	if (shape != SHAPE_INTEGER)
		return StatusForShape(shape);

	if (s[0] == '+' || s[0] == '-')
	{
		negative = (s[0] == '-');
		i++;
	}

	/* accumulate the magnitude, stopping before it passes the bound */
	limit = negative ? (uint64_t) (-(min + 1)) + 1 : (uint64_t) max;
	if (negative && min >= 0)
		limit = 0;
	for (; i < len; i++)
	{
		uint64_t	d = (uint64_t) (s[i] - '0');

		if (d > limit || magnitude > (limit - d) / 10)
			return PARSE_RANGE;
		magnitude = magnitude * 10 + d;
	}

	if (negative)
		*result = magnitude == 0 ? 0 : -(int64_t) (magnitude - 1) - 1;
	else
		*result = (int64_t) magnitude;
	if (*result < min || *result > max)
		return PARSE_RANGE;
	return PARSE_OK;
}

/*
 * ParseDecimal
 *		Check that s is a plain decimal fitting numeric(precision, scale).
 *
 * precision <= 0 means an unconstrained numeric.  Digits past the scale are
 * allowed only when they are zeros, so that no value is ever rounded.  The
 * caller converts the validated text with the type's input function.
 */
ParseStatus
ParseDecimal(const char *s, size_t len, int precision, int scale)
{
	NumberShape shape;
	size_t		i = 0;
	int			intdigits = 0;

	if (len == 0)
		return PARSE_EMPTY;
	shape = ClassifyNumber(s, len);
	if (shape == SHAPE_EXPONENT || shape == SHAPE_NAN || shape == SHAPE_OTHER)
		return StatusForShape(shape);
	if (len > PARSE_MAX_DECIMAL_CHARS)
		return PARSE_RANGE;
	if (precision <= 0)
		return PARSE_OK;

	/* count significant integer digits */
	if (s[i] == '+' || s[i] == '-')
		i++;
	while (i < len && s[i] == '0')
		i++;
	for (; i < len && IsDigit(s[i]); i++)
		intdigits++;

	/* fraction digits past the scale must be zeros */
	if (i < len && s[i] == '.')
	{
		size_t		frac = 0;

		for (i++; i < len; i++, frac++)
			if (frac >= (size_t) scale && s[i] != '0')
				return PARSE_SCALE;
	}
	if (intdigits > precision - scale)
		return PARSE_RANGE;
	return PARSE_OK;
}

/*
 * DecimalAsScaledInt
 *		For a decimal already accepted by ParseDecimal: its digits as one
 *		integer and the number of them after the point, when there are at
 *		most 18 digits; false otherwise.
 */
bool
DecimalAsScaledInt(const char *s, size_t len, int64_t *mantissa, int *scale)
{
	bool		negative = false;
	int64_t		m = 0;
	int			digits = 0;
	int			frac = -1;

	for (size_t i = 0; i < len; i++)
	{
		char		c = s[i];

		if (c == '-' || c == '+')
			negative = (c == '-');
		else if (c == '.')
			frac = 0;
		else
		{
			if (++digits > 18)
				return false;
			m = m * 10 + (c - '0');
			if (frac >= 0)
				frac++;
		}
	}
	*mantissa = negative ? -m : m;
	*scale = frac < 0 ? 0 : frac;
	return true;
}

/*
 * ParseIsoDate
 *		Parse exactly YYYY-MM-DD into a real calendar date.
 */
ParseStatus
ParseIsoDate(const char *s, size_t len, int *year, int *month, int *day)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int			y,
				m,
				d,
				last;

	if (len == 0)
		return PARSE_EMPTY;
	if (len != 10 || s[4] != '-' || s[7] != '-')
		return PARSE_SYNTAX;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !IsDigit(s[i]))
			return PARSE_SYNTAX;

	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1 || m < 1 || m > 12 || d < 1)
		return PARSE_BAD_DATE;

	last = mdays[m - 1];
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		last = 29;
	if (d > last)
		return PARSE_BAD_DATE;

	*year = y;
	*month = m;
	*day = d;
	return PARSE_OK;
}
