/*-------------------------------------------------------------------------
 *
 * aggutil.c
 *	  Helpers shared by the extension's aggregates.
 *
 * Sums of numeric values are kept in the server's own numeric aggregate
 * state (the one behind sum(numeric) and avg(numeric)), reached through its
 * transition and combine functions; this keeps revenue sums exact without
 * a second implementation of numeric arithmetic.  Between processes a sum
 * travels as the text of its value.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/numeric.h"

#include "aggutil.h"

/*
 * AggMemoryContext
 *		The aggregate's long-lived memory context; an error outside an
 *		aggregate.
 */
MemoryContext
AggMemoryContext(FunctionCallInfo fcinfo)
{
	MemoryContext aggcontext;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("aggregate support function called in non-aggregate context")));
	return aggcontext;
}

/*
 * Int128GetNumeric
 *		Exact numeric value of a 128-bit integer.
 */
Datum
Int128GetNumeric(int128 value)
{
	char		buf[48];
	char	   *p = buf + sizeof(buf) - 1;
	bool		negative = value < 0;
	uint128		magnitude = negative ? -(uint128) value : (uint128) value;

	*p = '\0';
	do
	{
		*--p = '0' + (int) (magnitude % 10);
		magnitude /= 10;
	} while (magnitude > 0);
	if (negative)
		*--p = '-';
	return DirectFunctionCall3(numeric_in, CStringGetDatum(p),
							   ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
}

/*
 * NumericQuotient
 *		dividend / divisor as numeric, with numeric's own result scale.
 */
Datum
NumericQuotient(Datum dividend, int64 divisor)
{
	return DirectFunctionCall2(numeric_div, dividend,
							   NumericGetDatum(int64_to_numeric(divisor)));
}

/*
 * SendInt128
 *		Append a 128-bit integer to a serialized state.
 */
void
SendInt128(StringInfo buf, int128 value)
{
	pq_sendint64(buf, (int64) (value >> 64));
	pq_sendint64(buf, (int64) (uint64) value);
}

/*
 * GetInt128
 *		Read a 128-bit integer written by SendInt128.
 */
int128
GetInt128(StringInfo buf)
{
	int128		high = pq_getmsgint64(buf);
	uint64		low = (uint64) pq_getmsgint64(buf);

	return (int128) (((uint128) high << 64) | low);
}

/*
 * SerialBuffer
 *		Open a serialized state for reading and check its format version.
 *
 * Every read after this checks the remaining length (pq_getmsg*), so bytes
 * from elsewhere cannot make a deserializer read past the end.
 */
StringInfo
SerialBuffer(bytea *serial, uint8 version)
{
	StringInfo	buf = makeStringInfo();
	int			found;

	appendBinaryStringInfo(buf, VARDATA_ANY(serial), VARSIZE_ANY_EXHDR(serial));
	found = pq_getmsgbyte(buf);
	if (found != version)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid serialized aggregate state"),
				 errdetail("The state has format version %d; version %d was expected.",
						   found, (int) version)));
	return buf;
}

/*
 * CheckSerialEnd
 *		Check that a serialized state was read to its last byte.
 */
void
CheckSerialEnd(StringInfo buf)
{
	if (buf->cursor != buf->len)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid serialized aggregate state"),
				 errdetail("%d bytes follow the end of the state.",
						   buf->len - buf->cursor)));
}

/*
 * CallNumericAgg
 *		Call one of the server's numeric aggregate functions with the
 *		aggregate call context of fcinfo (which may be NULL for finals).
 */
static Datum
CallNumericAgg(PGFunction fn, FunctionCallInfo fcinfo, int nargs,
			   Datum arg0, bool null0, Datum arg1, bool null1, bool *isnull)
{
	LOCAL_FCINFO(call, 2);
	Datum		result;

	InitFunctionCallInfoData(*call, NULL, nargs, InvalidOid,
							 fcinfo ? fcinfo->context : NULL, NULL);
	call->args[0].value = arg0;
	call->args[0].isnull = null0;
	call->args[1].value = arg1;
	call->args[1].isnull = null1;
	result = fn(call);
	*isnull = call->isnull;
	return result;
}

/*
 * NumericSumAdd
 *		Add a value (NULLs are skipped) to a numeric sum, creating the sum
 *		in the aggregate context when it is NULL.
 */
void *
NumericSumAdd(FunctionCallInfo fcinfo, void *sum, Datum value, bool isnull)
{
	bool		resnull;

	return DatumGetPointer(CallNumericAgg(numeric_avg_accum, fcinfo, 2,
										  PointerGetDatum(sum), sum == NULL,
										  value, isnull, &resnull));
}

/*
 * NumericSumCombine
 *		Merge right into left; with left NULL, a copy of right is made in
 *		the aggregate context.
 */
void *
NumericSumCombine(FunctionCallInfo fcinfo, void *left, void *right)
{
	bool		resnull;
	Datum		result;

	result = CallNumericAgg(numeric_avg_combine, fcinfo, 2,
							PointerGetDatum(left), left == NULL,
							PointerGetDatum(right), right == NULL, &resnull);
	return resnull ? NULL : DatumGetPointer(result);
}

/*
 * NumericSumSerialize
 *		Append a numeric sum (possibly NULL) to a serialized state, as the
 *		text of its value: a deserializer then rebuilds it through
 *		numeric_in, which checks every byte it did not produce.
 */
void
NumericSumSerialize(FunctionCallInfo fcinfo, StringInfo buf, void *sum)
{
	bool		isnull;
	Datum		value = NumericSumResult(sum, &isnull);
	char	   *text;

	pq_sendbyte(buf, !isnull);
	if (isnull)
		return;
	text = DatumGetCString(DirectFunctionCall1(numeric_out, value));
	pq_sendint32(buf, strlen(text));
	pq_sendbytes(buf, text, strlen(text));
}

/*
 * NumericSumDeserialize
 *		Read a numeric sum written by NumericSumSerialize.
 */
void *
NumericSumDeserialize(FunctionCallInfo fcinfo, StringInfo buf)
{
	int			len;
	char	   *text;

	if (pq_getmsgbyte(buf) == 0)
		return NULL;
	len = pq_getmsgint(buf, 4);
	if (len < 1 || len > buf->len - buf->cursor)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid serialized aggregate state"),
				 errdetail("A numeric sum claims %d bytes where %d remain.",
						   len, buf->len - buf->cursor)));
	text = pnstrdup(pq_getmsgbytes(buf, len), len);
	return NumericSumAdd(fcinfo, NULL,
						 DirectFunctionCall3(numeric_in, CStringGetDatum(text),
											 ObjectIdGetDatum(InvalidOid),
											 Int32GetDatum(-1)),
						 false);
}

/*
 * NumericSumResult
 *		The exact sum; NULL when no value was added.
 */
Datum
NumericSumResult(void *sum, bool *isnull)
{
	return CallNumericAgg(numeric_sum, NULL, 1, PointerGetDatum(sum),
						  sum == NULL, (Datum) 0, true, isnull);
}

/*
 * NumericSumAverage
 *		Sum divided by count, the number of values added; NULL when count
 *		is 0.  (The sum's own count is not used: a deserialized sum counts as
 *		one value.)
 */
Datum
NumericSumAverage(void *sum, int64 count, bool *isnull)
{
	Datum		total;

	*isnull = (count == 0);
	if (*isnull)
		return (Datum) 0;
	total = NumericSumResult(sum, isnull);
	if (*isnull)
		return (Datum) 0;
	return NumericQuotient(total, count);
}
