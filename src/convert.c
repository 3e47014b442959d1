/*-------------------------------------------------------------------------
 *
 * convert.c
 *	  Turning CSV field bytes into Datums of a column's type.
 *
 * Integers, numerics and dates are checked by the strict parsers in parse.c
 * and built directly; text is checked against the database encoding.  A
 * field that cannot be converted yields a FieldError naming the line, the
 * column and the value, which the caller raises or records.  Nothing here
 * throws for bad input, except the input function of a column type the
 * loader has no fast path for.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/lsyscache.h"

#include "convert.h"
#include "parse.h"

/* Longest value quoted in a message, in bytes of the original. */
#define QUOTE_MAX_BYTES		80

/*
 * ColumnSpecInit
 *		Fill in the conversion rules for one attribute of the target table.
 */
void
ColumnSpecInit(ColumnSpec *spec, Form_pg_attribute att)
{
	memset(spec, 0, sizeof(ColumnSpec));
	spec->name = pstrdup(NameStr(att->attname));
	spec->attnum = att->attnum;
	spec->typid = att->atttypid;
	spec->typmod = att->atttypmod;
	spec->notnull = att->attnotnull;

	switch (att->atttypid)
	{
		case INT4OID:
			spec->kind = COLUMN_INT4;
			break;
		case INT8OID:
			spec->kind = COLUMN_INT8;
			break;
		case DATEOID:
			spec->kind = COLUMN_DATE;
			break;
		case TEXTOID:
		case VARCHAROID:
			spec->kind = att->atttypmod < 0 ? COLUMN_TEXT : COLUMN_OTHER;
			break;
		case NUMERICOID:
			spec->kind = COLUMN_NUMERIC;
			if (att->atttypmod >= (int32) VARHDRSZ)
			{
				int32		tm = att->atttypmod - VARHDRSZ;

				spec->precision = (tm >> 16) & 0xffff;
				spec->scale = ((tm & 0x7ff) ^ 1024) - 1024;
				if (spec->scale < 0)
					spec->kind = COLUMN_OTHER;
			}
			break;
		default:
			spec->kind = COLUMN_OTHER;
			break;
	}

	if (spec->kind == COLUMN_OTHER)
	{
		Oid			inputoid;

		getTypeInputInfo(spec->typid, &inputoid, &spec->ioparam);
		fmgr_info(inputoid, &spec->inputfn);
	}
}

/*
 * QuoteValue
 *		Printable form of a field value for messages.
 *
 * Control characters and bytes that are not valid in the database encoding
 * are shown as \xNN, so that the message itself is always valid text; long
 * values are cut with "...".
 */
char *
QuoteValue(const char *s, int len)
{
	StringInfoData buf;
	int			encoding = GetDatabaseEncoding();
	int			i = 0;

	initStringInfo(&buf);
	while (i < len && i < QUOTE_MAX_BYTES)
	{
		unsigned char c = (unsigned char) s[i];
		int			l;

		if (c < 0x20 || c == 0x7f)
		{
			appendStringInfo(&buf, "\\x%02x", c);
			i++;
			continue;
		}
		l = IS_HIGHBIT_SET(c) ? pg_encoding_verifymbchar(encoding, s + i, len - i) : 1;
		if (l <= 0)
		{
			appendStringInfo(&buf, "\\x%02x", c);
			i++;
			continue;
		}
		appendBinaryStringInfo(&buf, s + i, l);
		i += l;
	}
	if (i < len)
		appendStringInfoString(&buf, "...");
	return buf.data;
}

/*
 * SetError
 *		Fill a FieldError with a message and a detail naming where it was.
 */
static bool
SetError(FieldError *err, int sqlerrcode, char *message, ColumnSpec *spec,
		 int64 lineno, const char *s, int len, const char *hint)
{
	err->sqlerrcode = sqlerrcode;
	err->message = message;
	err->detail = psprintf("Column \"%s\" on line %lld has the value \"%s\".",
						   spec->name, (long long) lineno,
						   QuoteValue(s, len));
	err->hint = hint ? pstrdup(hint) : NULL;
	return false;
}

/*
 * NumberError
 *		Explain why a number column refused its field.
 */
static bool
NumberError(FieldError *err, ParseStatus status, ColumnSpec *spec,
			int64 lineno, const char *s, int len)
{
	const char *type = format_type_be(spec->typid);
	char	   *q = QuoteValue(s, len);

	switch (status)
	{
		case PARSE_EXPONENT:
			return SetError(err, ERRCODE_INVALID_TEXT_REPRESENTATION,
							psprintf("invalid input syntax for type %s: \"%s\"", type, q),
							spec, lineno, s, len,
							"The value is in scientific notation, as spreadsheets write large numbers after dropping digits; export the column as plain digits.");
		case PARSE_FRACTION:
			return SetError(err, ERRCODE_INVALID_TEXT_REPRESENTATION,
							psprintf("invalid input syntax for type %s: \"%s\"", type, q),
							spec, lineno, s, len,
							"The column holds whole numbers; values are never rounded or truncated.");
		case PARSE_NAN:
			return SetError(err, ERRCODE_INVALID_TEXT_REPRESENTATION,
							psprintf("invalid input syntax for type %s: \"%s\"", type, q),
							spec, lineno, s, len,
							"NaN and Infinity are not accepted; leave the field empty for an unknown value.");
		case PARSE_EMPTY:
			return SetError(err, ERRCODE_INVALID_TEXT_REPRESENTATION,
							psprintf("invalid input syntax for type %s: \"\"", type),
							spec, lineno, s, len,
							"A quoted empty string is not a number; an unquoted empty field is NULL.");
		case PARSE_SCALE:
			return SetError(err, ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE,
							psprintf("value \"%s\" has more decimal places than type %s allows",
									 q, format_type_with_typemod(spec->typid, spec->typmod)),
							spec, lineno, s, len,
							"Values are never rounded on loading.");
		case PARSE_RANGE:
			return SetError(err, ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE,
							psprintf("value \"%s\" is out of range for type %s", q,
									 format_type_with_typemod(spec->typid, spec->typmod)),
							spec, lineno, s, len, NULL);
		default:
			return SetError(err, ERRCODE_INVALID_TEXT_REPRESENTATION,
							psprintf("invalid input syntax for type %s: \"%s\"", type, q),
							spec, lineno, s, len,
							strpbrk(q, "$,") ?
							"Currency signs and thousands separators are not accepted; write plain digits." :
							NULL);
	}
}

/*
 * CheckEncoding
 *		Verify a field against the database encoding; NUL bytes fail too.
 */
static bool
CheckEncoding(ColumnSpec *spec, const char *s, int len, int64 lineno,
			  FieldError *err)
{
	int			encoding = GetDatabaseEncoding();
	int			valid = pg_encoding_verifymbstr(encoding, s, len);
	StringInfoData bytes;
	int			l;

	if (valid == len)
		return true;

	/* show the bytes of the offending character, as the server does */
	l = Max(1, pg_encoding_mblen(encoding, s + valid));
	initStringInfo(&bytes);
	for (int j = 0; j < l && valid + j < len; j++)
		appendStringInfo(&bytes, "%s0x%02x", j > 0 ? " " : "",
						 (unsigned char) s[valid + j]);
	return SetError(err, ERRCODE_CHARACTER_NOT_IN_REPERTOIRE,
					psprintf("invalid byte sequence for encoding \"%s\": %s",
							 GetDatabaseEncodingName(), bytes.data),
					spec, lineno, s, len,
					s[valid] == '\0' ? "Text values cannot contain NUL bytes." : NULL);
}

/*
 * ConvertField
 *		Convert one field for its column.
 *
 * Returns true with *value and *valnull set, or false with *err filled.
 * isnull is an unquoted empty field; s is NUL-terminated but may also hold
 * NUL bytes inside its len bytes.
 */
bool
ConvertField(ColumnSpec *spec, const char *s, int len, bool isnull,
			 int64 lineno, Datum *value, bool *valnull, FieldError *err)
{
	ParseStatus status;
	int64_t		i;
	int			y,
				m,
				d;

	*valnull = false;
	if (isnull)
	{
		if (spec->notnull)
		{
			err->sqlerrcode = ERRCODE_NOT_NULL_VIOLATION;
			err->message = psprintf("null value in column \"%s\" violates not-null constraint",
									spec->name);
			err->detail = psprintf("Column \"%s\" on line %lld is empty.",
								   spec->name, (long long) lineno);
			err->hint = pstrdup("An unquoted empty field is NULL; write \"\" for an empty string.");
			return false;
		}
		*valnull = true;
		*value = (Datum) 0;
		return true;
	}

	switch (spec->kind)
	{
		case COLUMN_INT4:
			status = ParseInt64(s, len, PG_INT32_MIN, PG_INT32_MAX, &i);
			if (status != PARSE_OK)
				return NumberError(err, status, spec, lineno, s, len);
			*value = Int32GetDatum((int32) i);
			return true;

		case COLUMN_INT8:
			status = ParseInt64(s, len, PG_INT64_MIN, PG_INT64_MAX, &i);
			if (status != PARSE_OK)
				return NumberError(err, status, spec, lineno, s, len);
			*value = Int64GetDatum(i);
			return true;

		case COLUMN_NUMERIC:
			status = ParseDecimal(s, len, spec->precision, spec->scale);
			if (status != PARSE_OK)
				return NumberError(err, status, spec, lineno, s, len);
			*value = DirectFunctionCall3(numeric_in, CStringGetDatum(s),
										 ObjectIdGetDatum(InvalidOid),
										 Int32GetDatum(spec->typmod));
			return true;

		case COLUMN_DATE:
			status = ParseIsoDate(s, len, &y, &m, &d);
			if (status == PARSE_BAD_DATE)
				return SetError(err, ERRCODE_DATETIME_FIELD_OVERFLOW,
								psprintf("date/time field value out of range: \"%s\"",
										 QuoteValue(s, len)),
								spec, lineno, s, len,
								"The day does not exist in the calendar.");
			if (status != PARSE_OK)
				return SetError(err, ERRCODE_INVALID_DATETIME_FORMAT,
								psprintf("invalid input syntax for type date: \"%s\"",
										 QuoteValue(s, len)),
								spec, lineno, s, len,
								"Dates must be written as YYYY-MM-DD.");
			*value = DateADTGetDatum(date2j(y, m, d) - POSTGRES_EPOCH_JDATE);
			return true;

		case COLUMN_TEXT:
			if (!CheckEncoding(spec, s, len, lineno, err))
				return false;
			*value = PointerGetDatum(cstring_to_text_with_len(s, len));
			return true;

		case COLUMN_OTHER:
			if (!CheckEncoding(spec, s, len, lineno, err))
				return false;
			*value = InputFunctionCall(&spec->inputfn, (char *) s,
									   spec->ioparam, spec->typmod);
			return true;
	}
	elog(ERROR, "unexpected column kind %d", (int) spec->kind);
	return false;
}

/*
 * ThrowFieldError
 *		Raise a FieldError as an ERROR.
 */
void
ThrowFieldError(FieldError *err)
{
	ereport(ERROR,
			(errcode(err->sqlerrcode),
			 errmsg_internal("%s", err->message),
			 err->detail ? errdetail_internal("%s", err->detail) : 0,
			 err->hint ? errhint("%s", err->hint) : 0));
}
