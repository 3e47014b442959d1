/*-------------------------------------------------------------------------
 *
 * aggutil.h
 *	  Helpers shared by the extension's aggregates.
 *
 *-------------------------------------------------------------------------
 */
#ifndef MOVIE_AGGUTIL_H
#define MOVIE_AGGUTIL_H

#include "fmgr.h"
#include "lib/stringinfo.h"

extern MemoryContext AggMemoryContext(FunctionCallInfo fcinfo);
extern Datum Int128GetNumeric(int128 value);
extern Datum NumericQuotient(Datum dividend, int64 divisor);
extern void SendInt128(StringInfo buf, int128 value);
extern int128 GetInt128(StringInfo buf);
extern StringInfo SerialBuffer(bytea *serial, uint8 version);
extern void CheckSerialEnd(StringInfo buf);

/*
 * An exact numeric sum and count, kept in the server's own numeric
 * aggregate state, so that sums of numeric never lose a digit.
 */
extern void *NumericSumAdd(FunctionCallInfo fcinfo, void *sum, Datum value,
						   bool isnull);
extern void *NumericSumCombine(FunctionCallInfo fcinfo, void *left,
							   void *right);
extern void NumericSumSerialize(FunctionCallInfo fcinfo, StringInfo buf,
								void *sum);
extern void *NumericSumDeserialize(FunctionCallInfo fcinfo, StringInfo buf);
extern Datum NumericSumResult(void *sum, bool *isnull);
extern Datum NumericSumAverage(void *sum, int64 count, bool *isnull);

#endif							/* MOVIE_AGGUTIL_H */
