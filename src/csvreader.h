/*-------------------------------------------------------------------------
 *
 * csvreader.h
 *	  Record-at-a-time CSV reading on top of libcsv.
 *
 * The reader knows bytes, lines, fields and the header; it knows nothing
 * about movies or column types.
 *
 *-------------------------------------------------------------------------
 */
#ifndef MOVIE_CSVREADER_H
#define MOVIE_CSVREADER_H

#include <stdio.h>

#include "lib/stringinfo.h"

#include "convert.h"

/* One field of the current record, pointing into CsvReader.fielddata. */
typedef struct CsvField
{
	int			offset;			/* start in fielddata; NUL-terminated there */
	int			len;			/* length in bytes, may contain NUL bytes */
	bool		isnull;			/* unquoted empty field */
} CsvField;

typedef struct CsvReader CsvReader;

/* Where the bytes come from: an open file or a buffer in memory. */
extern CsvReader *CsvReaderCreate(FILE *file, const char *data, size_t datalen,
								  const char *sourcename, bool recover);
extern bool CsvReaderNext(CsvReader *reader);
extern void CsvReaderClose(CsvReader *reader);

/* The current record (valid until the next CsvReaderNext). */
extern int	CsvReaderFieldCount(CsvReader *reader);
extern CsvField *CsvReaderField(CsvReader *reader, int i);
extern const char *CsvReaderFieldData(CsvReader *reader, int i);
extern int64 CsvReaderLineNumber(CsvReader *reader);
extern const char *CsvReaderRawRecord(CsvReader *reader, int *len);
extern bool CsvReaderRecordError(CsvReader *reader, FieldError *err);
extern void FieldCountError(CsvReader *reader, int expected, FieldError *err);
extern const char *CsvReaderSourceName(CsvReader *reader);
extern uint64 CsvReaderBytesRead(CsvReader *reader);

/* Largest record (all its bytes) the reader accepts. */
#define CSV_MAX_RECORD_BYTES	(64 * 1024 * 1024)

/* Most fields a record may have. */
#define CSV_MAX_FIELDS			1600

#endif							/* MOVIE_CSVREADER_H */
