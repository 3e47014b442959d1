/*-------------------------------------------------------------------------
 *
 * convert.h
 *	  Turning CSV field bytes into Datums of a column's type.
 *
 *-------------------------------------------------------------------------
 */
#ifndef MOVIE_CONVERT_H
#define MOVIE_CONVERT_H

#include "access/attnum.h"
#include "catalog/pg_attribute.h"
#include "fmgr.h"

typedef enum ColumnKind
{
	COLUMN_INT4,
	COLUMN_INT8,
	COLUMN_NUMERIC,
	COLUMN_DATE,
	COLUMN_TEXT,
	COLUMN_OTHER				/* the type's own input function */
} ColumnKind;

/* What the converter needs to know about one target column. */
typedef struct ColumnSpec
{
	char	   *name;			/* the column's name */
	char	   *label;			/* its name in the input, for messages */
	AttrNumber	attnum;
	Oid			typid;
	int32		typmod;
	bool		notnull;
	ColumnKind	kind;
	int			precision;		/* numeric(p, s); 0 if unconstrained */
	int			scale;
	FmgrInfo	inputfn;		/* COLUMN_OTHER only */
	Oid			ioparam;
	int			srcencoding;	/* encoding of the input's text */
} ColumnSpec;

/* Why a field could not be converted, ready for ereport or a rejects row. */
typedef struct FieldError
{
	int			sqlerrcode;
	char	   *message;
	char	   *detail;
	char	   *hint;
} FieldError;

extern void ColumnSpecInit(ColumnSpec *spec, Form_pg_attribute att,
						   int srcencoding);
extern int	SourceEncoding(const char *name);
extern bool ConvertField(ColumnSpec *spec, const char *s, int len,
						 bool isnull, int64 lineno, Datum *value,
						 bool *valnull, FieldError *err);
extern char *QuoteValue(const char *s, int len);
extern char *EscapeBytes(const char *s, int len, int maxbytes, bool keeplines);
extern void ThrowFieldError(FieldError *err);
extern bool SetFieldError(FieldError *err, int sqlerrcode, char *message,
						  ColumnSpec *spec, int64 lineno, const char *s,
						  int len, const char *hint);

#endif							/* MOVIE_CONVERT_H */
