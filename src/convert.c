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

#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/numeric.h"
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
ColumnSpecInit(ColumnSpec *spec, Form_pg_attribute att, int srcencoding)
{
	memset(spec, 0, sizeof(ColumnSpec));
	spec->name = pstrdup(NameStr(att->attname));
	spec->label = spec->name;
	spec->srcencoding = srcencoding;
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
 * SourceEncoding
 *		The encoding an input may declare: UTF8, or a single-byte encoding
 *		that spreadsheets write (LATIN1, WIN1252).
 */
int
SourceEncoding(const char *name)
{
	int			encoding = pg_char_to_encoding(name);

	if (encoding != PG_UTF8 && encoding != PG_LATIN1 && encoding != PG_WIN1252)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unsupported input encoding \"%s\"", name),
				 errhint("Supported encodings are UTF8, LATIN1 and WIN1252.")));
	if (encoding != PG_UTF8 && GetDatabaseEncoding() != PG_UTF8)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("input encoding \"%s\" needs a UTF8 database", name)));
	return encoding;
}

/*
 * EscapeBytes
 *		Text form of arbitrary bytes: bytes that are not valid in the database
 *		encoding (and, unless keeplines, control characters) appear as \xNN,
 *		so the result is always valid text; past maxbytes it is cut with "...".
 */
char *
EscapeBytes(const char *s, int len, int maxbytes, bool keeplines)
{
	StringInfoData buf;
	int			encoding = GetDatabaseEncoding();
	int			i = 0;

	initStringInfo(&buf);
	while (i < len && i < maxbytes)
	{
		unsigned char c = (unsigned char) s[i];
		int			l;

		if (keeplines && (c == '\n' || c == '\r' || c == '\t'))
		{
			appendStringInfoChar(&buf, c);
			i++;
			continue;
		}
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
 * QuoteValue
 *		Printable form of a field value for messages: escaped as EscapeBytes
 *		does, control characters included, and cut after 80 bytes.
 */
char *
QuoteValue(const char *s, int len)
{
	return EscapeBytes(s, len, QUOTE_MAX_BYTES, false);
}

/*
 * SetError
 *		Fill a FieldError with a message and a detail naming where it was.
 */
bool
SetFieldError(FieldError *err, int sqlerrcode, char *message, ColumnSpec *spec,
			  int64 lineno, const char *s, int len, const char *hint)
{
	err->sqlerrcode = sqlerrcode;
	err->message = message;
	err->detail = psprintf("Column \"%s\" on line %lld has the value \"%s\".",
						   spec->label, (long long) lineno,
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
			return SetFieldError(err, ERRCODE_INVALID_TEXT_REPRESENTATION,
							psprintf("invalid input syntax for type %s: \"%s\"", type, q),
							spec, lineno, s, len,
							"The value is in scientific notation, as spreadsheets write large numbers after dropping digits; export the column as plain digits.");
		case PARSE_FRACTION:
			return SetFieldError(err, ERRCODE_INVALID_TEXT_REPRESENTATION,
							psprintf("invalid input syntax for type %s: \"%s\"", type, q),
							spec, lineno, s, len,
							"The column holds whole numbers; values are never rounded or truncated.");
		case PARSE_NAN:
			return SetFieldError(err, ERRCODE_INVALID_TEXT_REPRESENTATION,
							psprintf("invalid input syntax for type %s: \"%s\"", type, q),
							spec, lineno, s, len,
							"NaN and Infinity are not accepted; leave the field empty for an unknown value.");
		case PARSE_EMPTY:
			return SetFieldError(err, ERRCODE_INVALID_TEXT_REPRESENTATION,
							psprintf("invalid input syntax for type %s: \"\"", type),
							spec, lineno, s, len,
							"A quoted empty string is not a number; an unquoted empty field is NULL.");
		case PARSE_SCALE:
			return SetFieldError(err, ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE,
							psprintf("value \"%s\" has more decimal places than type %s allows",
									 q, format_type_with_typemod(spec->typid, spec->typmod)),
							spec, lineno, s, len,
							"Values are never rounded on loading.");
		case PARSE_RANGE:
			return SetFieldError(err, ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE,
							psprintf("value \"%s\" is out of range for type %s", q,
									 format_type_with_typemod(spec->typid, spec->typmod)),
							spec, lineno, s, len, NULL);
		default:
			return SetFieldError(err, ERRCODE_INVALID_TEXT_REPRESENTATION,
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
	return SetFieldError(err, ERRCODE_CHARACTER_NOT_IN_REPERTOIRE,
					psprintf("invalid byte sequence for encoding \"%s\": %s",
							 GetDatabaseEncodingName(), bytes.data),
					spec, lineno, s, len,
					s[valid] == '\0' ? "Text values cannot contain NUL bytes." :
					"The input is not valid UTF-8; if it is in LATIN1 or WIN1252, pass that as the encoding option, or convert the file (for example with iconv).");
}

/*
 * ConvertText
 *		Text in another encoding than the database's, checked and converted.
 *
 * The input must be valid in its own encoding (NUL bytes and, in WIN1252,
 * the five byte values that encoding leaves undefined are refused), and the
 * conversion runs in its no-error form, so that a character the database
 * encoding lacks is a FieldError like any other.
 */
static bool
ConvertText(ColumnSpec *spec, const char *s, int len, int64 lineno,
			Datum *value, FieldError *err)
{
	int			dbencoding = GetDatabaseEncoding();
	int			valid = pg_encoding_verifymbstr(spec->srcencoding, s, len);
	unsigned char *converted;
	int			done;

	for (int i = 0; i < valid; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if (spec->srcencoding == PG_WIN1252 &&
			(c == 0x81 || c == 0x8D || c == 0x8F || c == 0x90 || c == 0x9D))
		{
			valid = i;
			break;
		}
	}
	if (valid < len)
		return SetFieldError(err, ERRCODE_CHARACTER_NOT_IN_REPERTOIRE,
							 psprintf("invalid byte sequence for encoding \"%s\": 0x%02x",
									  pg_encoding_to_char(spec->srcencoding),
									  (unsigned char) s[valid]),
							 spec, lineno, s, len, NULL);

	converted = palloc((Size) len * MAX_CONVERSION_GROWTH + 1);
	done = pg_do_encoding_conversion_buf(FindDefaultConversionProc(spec->srcencoding,
																   dbencoding),
										 spec->srcencoding, dbencoding,
										 (unsigned char *) s, len, converted,
										 len * MAX_CONVERSION_GROWTH + 1, true);
	if (done < len)
		return SetFieldError(err, ERRCODE_UNTRANSLATABLE_CHARACTER,
							 psprintf("character with byte sequence 0x%02x in encoding \"%s\" has no equivalent in encoding \"%s\"",
									  (unsigned char) s[done],
									  pg_encoding_to_char(spec->srcencoding),
									  GetDatabaseEncodingName()),
							 spec, lineno, s, len, NULL);
	*value = PointerGetDatum(cstring_to_text((char *) converted));
	return true;
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
								   spec->label, (long long) lineno);
			err->hint = spec->kind == COLUMN_TEXT ?
				pstrdup("An unquoted empty field is NULL; write \"\" for an empty string.") :
				pstrdup("The column requires a value.");
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

			/* short values skip numeric_in's general parsing */
			if (spec->precision == 0 && DecimalAsScaledInt(s, len, &i, &y))
				*value = NumericGetDatum(int64_div_fast_to_numeric(i, y));
			else
				*value = DirectFunctionCall3(numeric_in, CStringGetDatum(s),
											 ObjectIdGetDatum(InvalidOid),
											 Int32GetDatum(spec->typmod));
			return true;

		case COLUMN_DATE:
			status = ParseIsoDate(s, len, &y, &m, &d);
			if (status == PARSE_BAD_DATE)
				return SetFieldError(err, ERRCODE_DATETIME_FIELD_OVERFLOW,
								psprintf("date/time field value out of range: \"%s\"",
										 QuoteValue(s, len)),
								spec, lineno, s, len,
								"The day does not exist in the calendar.");
			if (status != PARSE_OK)
				return SetFieldError(err, ERRCODE_INVALID_DATETIME_FORMAT,
								psprintf("invalid input syntax for type date: \"%s\"",
										 QuoteValue(s, len)),
								spec, lineno, s, len,
								"Dates must be written as YYYY-MM-DD.");
			*value = DateADTGetDatum(date2j(y, m, d) - POSTGRES_EPOCH_JDATE);
			return true;

		case COLUMN_TEXT:
			if (spec->srcencoding != GetDatabaseEncoding())
				return ConvertText(spec, s, len, lineno, value, err);
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
