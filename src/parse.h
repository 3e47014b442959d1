/*-------------------------------------------------------------------------
 *
 * parse.h
 *	  Strict parsing of integers, decimals and ISO dates from field bytes.
 *
 * Plain C with no server dependencies, so that a fuzz target can drive it
 * outside the server.  Nothing here allocates or raises errors: every
 * function returns a ParseStatus.
 *
 *-------------------------------------------------------------------------
 */
#ifndef MOVIE_PARSE_H
#define MOVIE_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum ParseStatus
{
	PARSE_OK,
	PARSE_EMPTY,				/* no characters at all */
	PARSE_SYNTAX,				/* not a number or date of the accepted form */
	PARSE_EXPONENT,				/* scientific notation such as 1.5E+08 */
	PARSE_FRACTION,				/* a decimal point in a whole-number column */
	PARSE_NAN,					/* NaN or Infinity */
	PARSE_SCALE,				/* more decimal places than the column has */
	PARSE_RANGE,				/* outside the column's type */
	PARSE_BAD_DATE				/* well-formed but impossible date */
} ParseStatus;

/* Longest decimal accepted, in characters. */
#define PARSE_MAX_DECIMAL_CHARS	1000

extern ParseStatus ParseInt64(const char *s, size_t len, int64_t min,
							  int64_t max, int64_t *result);
extern ParseStatus ParseDecimal(const char *s, size_t len, int precision,
								int scale);
extern bool DecimalAsScaledInt(const char *s, size_t len, int64_t *mantissa,
							   int *scale);
extern ParseStatus ParseIsoDate(const char *s, size_t len, int *year,
								int *month, int *day);

#endif							/* MOVIE_PARSE_H */
