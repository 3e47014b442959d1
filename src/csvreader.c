/*-------------------------------------------------------------------------
 *
 * csvreader.c
 *	  Record-at-a-time CSV reading on top of libcsv.
 *
 * Input is read in fixed chunks and handed to libcsv one physical line at
 * a time, so that every record knows the line it started on and, when asked,
 * keeps its raw bytes exactly as they stood in the file.  libcsv runs in
 * strict mode with no whitespace trimming (unquoted blanks are data, as in
 * COPY), an unquoted empty field arrives as NULL and a quoted "" as an empty
 * string.  Its field buffer is allocated with palloc, so an error raised in
 * the middle of a record leaks nothing.
 *
 * A reader created to recover returns a malformed record (misplaced quote,
 * stray carriage return, unterminated quote at the end) as a record with an
 * error instead of raising it, and goes on at the next line.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <sys/stat.h>
#include <csv.h>

#include "miscadmin.h"

#include "csvreader.h"

#define CHUNK_SIZE			(64 * 1024)

struct CsvReader
{
	struct csv_parser parser;
	MemoryContext mcxt;

	/* input: a file or a buffer */
	FILE	   *file;
	const char *data;
	size_t		datalen;
	const char *sourcename;

	/* current chunk of input */
	char	   *chunkbuf;
	const char *chunk;
	size_t		chunklen;
	size_t		chunkpos;
	bool		started;		/* byte-order mark check done */
	bool		eof;
	bool		finished;		/* csv_fini called */
	uint64		bytesread;

	/* the record being assembled */
	StringInfoData fielddata;
	CsvField   *fields;
	int			nfields;		/* fields seen, even beyond CSV_MAX_FIELDS */
	bool		inrecord;
	bool		recorddone;
	int64		lineno;			/* physical line being read, from 1 */
	int64		recordline;		/* line the current record started on */
	size_t		recordbytes;	/* bytes of the current record so far */
	StringInfoData raw;

	/* carriage returns: only as part of CRLF, or inside quotes */
	bool		inquotes;		/* between quotes at the end of the last piece */
	bool		draining;		/* skipping the rest of a malformed line */

	/* malformed records, when recovering */
	bool		recover;
	bool		poisoned;		/* ignore callbacks until the line ends */
	FieldError	error;
	bool		haserror;
};

/*
 * ParserRealloc
 *		libcsv's buffer growth, routed through palloc.
 *
 * libcsv calls this with a NULL pointer for its first buffer.  The caller has
 * switched to the reader's memory context before parsing.
 */
static void *
ParserRealloc(void *ptr, size_t size)
{
	if (size > CSV_MAX_RECORD_BYTES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("CSV field is too long"),
				 errdetail("A field may hold at most %d bytes.",
						   CSV_MAX_RECORD_BYTES)));
	if (ptr == NULL)
		return palloc(size);
	return repalloc(ptr, size);
}

/*
 * ParserFree
 *		libcsv's buffer release, routed through pfree.
 */
static void
ParserFree(void *ptr)
{
	pfree(ptr);
}

/*
 * NothingIsSpace
 *		Space test for libcsv that keeps every blank as data.
 */
static int
NothingIsSpace(unsigned char c)
{
	return 0;
}

/*
 * FieldCallback
 *		libcsv's field callback: append one field to the current record.
 *
 * s is NULL for an unquoted empty field (CSV_EMPTY_IS_NULL).  Fields past
 * CSV_MAX_FIELDS are counted but not kept, so a hostile record cannot make
 * the field array grow without bound.
 */
static void
FieldCallback(void *s, size_t len, void *arg)
{
	CsvReader  *reader = (CsvReader *) arg;
	CsvField   *field;

	if (reader->poisoned || reader->nfields++ >= CSV_MAX_FIELDS)
		return;
	if ((size_t) reader->fielddata.len + len >= CSV_MAX_RECORD_BYTES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("CSV record is too long"),
				 errdetail("A record may hold at most %d bytes.",
						   CSV_MAX_RECORD_BYTES)));

	/* the bytes and a terminating NUL, in one copy */
	field = &reader->fields[reader->nfields - 1];
	field->offset = reader->fielddata.len;
	field->len = (int) len;
	field->isnull = (s == NULL);
	enlargeStringInfo(&reader->fielddata, (int) len + 1);
	if (s != NULL)
		memcpy(reader->fielddata.data + reader->fielddata.len, s, len);
	reader->fielddata.len += (int) len + 1;
	reader->fielddata.data[reader->fielddata.len - 1] = '\0';
}

/*
 * RowCallback
 *		libcsv's row callback: mark the current record complete.
 *
 * Lines are handed to libcsv one at a time and carriage returns outside
 * quotes are checked before (FindBareReturn), so a line ends one record at
 * most.
 */
static void
RowCallback(int c, void *arg)
{
	CsvReader  *reader = (CsvReader *) arg;

	if (reader->poisoned)
		return;
	if (reader->recorddone)
		elog(ERROR, "CSV line %lld ended two records", (long long) reader->lineno);
	reader->recorddone = true;
	reader->inrecord = false;
}

/*
 * InitParser
 *		Set libcsv up: strict parsing, empty unquoted fields NULL, fields
 *		ending in NUL, no blank trimming, palloc for its buffer.
 */
static void
InitParser(CsvReader *reader)
{
	if (csv_init(&reader->parser, CSV_STRICT | CSV_STRICT_FINI |
				 CSV_APPEND_NULL | CSV_EMPTY_IS_NULL) != 0)
		elog(ERROR, "could not initialize CSV parser");
	csv_set_space_func(&reader->parser, NothingIsSpace);
	csv_set_realloc_func(&reader->parser, ParserRealloc);
	csv_set_free_func(&reader->parser, ParserFree);
	csv_set_blk_size(&reader->parser, 8192);
}

/*
 * CsvReaderCreate
 *		Start reading CSV from an open file or from a buffer in memory.
 *
 * sourcename is used in messages only.  With keep_raw, the raw bytes of each
 * record are kept for CsvReaderRawRecord.
 */
CsvReader *
CsvReaderCreate(FILE *file, const char *data, size_t datalen,
				const char *sourcename, bool recover)
{
	CsvReader  *reader = palloc0(sizeof(CsvReader));

	reader->mcxt = CurrentMemoryContext;
	reader->file = file;
	reader->data = data;
	reader->datalen = datalen;
	reader->sourcename = pstrdup(sourcename);
	if (file != NULL)
		reader->chunkbuf = palloc(CHUNK_SIZE);
	reader->lineno = 1;
	reader->recover = recover;
	initStringInfo(&reader->fielddata);
	initStringInfo(&reader->raw);
	reader->fields = palloc(sizeof(CsvField) * CSV_MAX_FIELDS);
	InitParser(reader);

	return reader;
}

/*
 * CheckByteOrderMark
 *		Skip a UTF-8 byte-order mark at the very start of the input, and
 *		refuse UTF-16 and UTF-32 input, which would otherwise load as garbage.
 */
static void
CheckByteOrderMark(CsvReader *reader)
{
	const unsigned char *p = (const unsigned char *) reader->chunk;
	size_t		n = reader->chunklen;

	if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
		reader->chunkpos = 3;
	else if (n >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) ||
						(p[0] == 0xFE && p[1] == 0xFF)))
		ereport(ERROR,
				(errcode(ERRCODE_CHARACTER_NOT_IN_REPERTOIRE),
				 errmsg("CSV input is encoded in UTF-16 or UTF-32"),
				 errdetail("Line 1 starts with the byte-order mark 0x%02x 0x%02x.",
						   p[0], p[1]),
				 errhint("Save the file as UTF-8.")));
	reader->started = true;
}

/*
 * FillChunk
 *		Make the next chunk of input current; false at end of input.
 */
static bool
FillChunk(CsvReader *reader)
{
	if (reader->eof)
		return false;

	if (reader->file == NULL)
	{
		/* the whole buffer is one chunk */
		reader->chunk = reader->data;
		reader->chunklen = reader->datalen;
		reader->eof = true;
	}
	else
	{
		/* bytes of the last chunk not yet consumed move to the front */
		size_t		carry = reader->chunklen - reader->chunkpos;
		size_t		n;

		if (carry > 0)
			memmove(reader->chunkbuf, reader->chunk + reader->chunkpos, carry);
		n = fread(reader->chunkbuf + carry, 1, CHUNK_SIZE - carry, reader->file);
		if (n < CHUNK_SIZE - carry && ferror(reader->file))
			ereport(ERROR,
					(errcode_for_file_access(),
					 errmsg("could not read from %s: %m", reader->sourcename)));
		if (n == 0)
			reader->eof = true;
		if (n + carry == 0)
			return false;
		reader->chunk = reader->chunkbuf;
		reader->chunklen = carry + n;
		reader->bytesread += n;
	}
	reader->chunkpos = 0;
	if (reader->file == NULL)
		reader->bytesread += reader->chunklen;

	if (!reader->started)
		CheckByteOrderMark(reader);
	return reader->chunklen > reader->chunkpos;
}

/*
 * ReportParseFailure
 *		Raise the error for a record libcsv refused, or when recovering, keep
 *		it with the record and start the parser afresh.
 */
static void
ReportParseFailure(CsvReader *reader, bool atend)
{
	if (reader->recover)
	{
		reader->error.sqlerrcode = ERRCODE_BAD_COPY_FILE_FORMAT;
		if (atend)
		{
			reader->error.message = pstrdup("unterminated quoted field in CSV data");
			reader->error.detail = psprintf("The quoted field that starts in the record on line %lld is never closed.",
											(long long) reader->recordline);
		}
		else
		{
			reader->error.message = pstrdup("misplaced quote in CSV data");
			reader->error.detail = psprintf("On line %lld a quote appears inside an unquoted field, or other text follows a closing quote.",
											(long long) reader->lineno);
		}
		reader->error.hint = NULL;
		reader->haserror = true;
		reader->poisoned = true;
		return;
	}
	if (atend)
		ereport(ERROR,
				(errcode(ERRCODE_BAD_COPY_FILE_FORMAT),
				 errmsg("unterminated quoted field in CSV data"),
				 errdetail("The quoted field that starts in the record on line %lld is never closed.",
						   (long long) reader->recordline)));
	ereport(ERROR,
			(errcode(ERRCODE_BAD_COPY_FILE_FORMAT),
			 errmsg("misplaced quote in CSV data"),
			 errdetail("On line %lld a quote appears inside an unquoted field, or other text follows a closing quote.",
					   (long long) reader->lineno),
			 errhint("Enclose the whole field in quotes and double any quote inside it.")));
}

/*
 * StartRecord
 *		Reset the per-record buffers before reading the next record.
 */
static void
StartRecord(CsvReader *reader)
{
	resetStringInfo(&reader->fielddata);
	resetStringInfo(&reader->raw);
	reader->nfields = 0;
	reader->recorddone = false;
	reader->haserror = false;
	reader->poisoned = false;
	reader->inquotes = false;
	reader->draining = false;
}

/*
 * EndMalformedRecord
 *		After a malformed record: end it here, and give libcsv a fresh start
 *		at the next line.
 */
static void
EndMalformedRecord(CsvReader *reader)
{
	csv_free(&reader->parser);
	InitParser(reader);
	reader->recorddone = true;
	reader->inrecord = false;
	reader->inquotes = false;
}

/*
 * FindBareReturn
 *		Offset of a carriage return outside quotes that is not followed by a
 *		line feed, or -1.
 *
 * A quote character toggles between inside and outside quotes (a doubled
 * quote toggles twice); malformed quoting is libcsv's to report.  Pieces
 * never end in a carriage return except at the end of the input, where it
 * ends the last line.
 */
static int
FindBareReturn(CsvReader *reader, const char *piece, size_t len)
{
	const char *cr = memchr(piece, '\r', len);

	/* most lines hold no carriage return: only track the quotes */
	if (cr == NULL)
	{
		const char *q = piece;
		const char *end = piece + len;

		while ((q = memchr(q, '"', end - q)) != NULL)
		{
			reader->inquotes = !reader->inquotes;
			q++;
		}
		return -1;
	}

	for (size_t i = 0; i < len; i++)
	{
		if (piece[i] == '"')
			reader->inquotes = !reader->inquotes;
		else if (piece[i] == '\r' && !reader->inquotes)
		{
			if (i + 1 == len || piece[i + 1] == '\n')
				continue;
			return (int) i;
		}
	}
	return -1;
}

/*
 * BareReturn
 *		Report a carriage return outside quotes that is not part of CRLF: an
 *		error, or when recovering, a malformed record.
 */
static void
BareReturn(CsvReader *reader)
{
	if (!reader->recover)
		ereport(ERROR,
				(errcode(ERRCODE_BAD_COPY_FILE_FORMAT),
				 errmsg("unquoted carriage return found in CSV data"),
				 errdetail("Line %lld holds a carriage return that is not part of a line end.",
						   (long long) reader->lineno),
				 errhint("Files with carriage-return-only line ends must be converted to LF or CRLF; a carriage return inside a value must be quoted.")));
	reader->error.sqlerrcode = ERRCODE_BAD_COPY_FILE_FORMAT;
	reader->error.message = pstrdup("unquoted carriage return found in CSV data");
	reader->error.detail = psprintf("Line %lld holds a carriage return that is not part of a line end.",
									(long long) reader->lineno);
	reader->error.hint = NULL;
	reader->haserror = true;
	EndMalformedRecord(reader);
}

/*
 * CsvReaderNext
 *		Read the next record; false at end of input.
 *
 * Blank lines between records are skipped, as libcsv does.
 */
bool
CsvReaderNext(CsvReader *reader)
{
	MemoryContext oldcxt = MemoryContextSwitchTo(reader->mcxt);

	StartRecord(reader);
	while (!reader->recorddone)
	{
		const char *piece;
		const char *nl;
		size_t		len;
		size_t		used;
		bool		blank = true;

		if (reader->chunkpos >= reader->chunklen && !FillChunk(reader))
		{
			/* end of input: a malformed last line is done */
			if (reader->draining)
			{
				reader->draining = false;
				reader->recorddone = true;
				break;
			}

			/* emit a last record that has no line end */
			if (reader->finished)
				break;
			reader->finished = true;
			if (csv_fini(&reader->parser, FieldCallback, RowCallback, reader) != 0)
			{
				ReportParseFailure(reader, true);
				EndMalformedRecord(reader);
			}
			continue;
		}

		/*
		 * The next piece runs to the end of the line or of the chunk; a
		 * carriage return that ends a chunk waits for the next chunk, so that
		 * it is always judged with the byte after it.
		 */
		piece = reader->chunk + reader->chunkpos;
		nl = memchr(piece, '\n', reader->chunklen - reader->chunkpos);
		len = nl ? (size_t) (nl - piece) + 1 : reader->chunklen - reader->chunkpos;
		if (!nl && !reader->eof && piece[len - 1] == '\r')
		{
			if (len == 1)
			{
				FillChunk(reader);
				continue;
			}
			len--;
		}
		reader->chunkpos += len;

		/* the rest of a malformed line belongs to the rejected record */
		if (reader->draining)
		{
			if (reader->recover)
				appendBinaryStringInfo(&reader->raw, piece, (int) len);
			if (nl)
			{
				reader->lineno++;
				reader->draining = false;
				reader->recorddone = true;
			}
			continue;
		}

		for (size_t i = 0; i < len && blank; i++)
			blank = (piece[i] == '\n' || piece[i] == '\r');

		CHECK_FOR_INTERRUPTS();
		if (!reader->inrecord && !blank)
		{
			reader->inrecord = true;
			reader->recordline = reader->lineno;
			reader->recordbytes = 0;
		}
		if (reader->inrecord)
		{
			reader->recordbytes += len;
			if (reader->recordbytes > CSV_MAX_RECORD_BYTES)
				ereport(ERROR,
						(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						 errmsg("CSV record is too long"),
						 errdetail("The record that starts on line %lld is longer than %d bytes.",
								   (long long) reader->recordline, CSV_MAX_RECORD_BYTES)));
		}
		if (reader->inrecord && reader->recover)
			appendBinaryStringInfo(&reader->raw, piece, (int) len);

		if (FindBareReturn(reader, piece, len) >= 0)
		{
			/* a blank line can hold one too: it is then its own record */
			if (!reader->inrecord)
			{
				reader->recordline = reader->lineno;
				if (reader->recover)
					appendBinaryStringInfo(&reader->raw, piece, (int) len);
			}
			BareReturn(reader);
		}
		else if (reader->inrecord || !blank)
		{
			used = csv_parse(&reader->parser, piece, len,
							 FieldCallback, RowCallback, reader);
			if (used < len)
				ReportParseFailure(reader, false);
			if (reader->poisoned)
				EndMalformedRecord(reader);
		}
		if (nl)
			reader->lineno++;

		/* a malformed record ends with its line, maybe in a later chunk */
		if (reader->haserror && !nl && !(reader->eof && reader->chunkpos >= reader->chunklen))
		{
			reader->recorddone = false;
			reader->draining = true;
		}

		/* grow libcsv's buffer geometrically, not by a fixed block */
		if (csv_get_buffer_size(&reader->parser) > 8192)
			csv_set_blk_size(&reader->parser,
							 csv_get_buffer_size(&reader->parser));
	}
	MemoryContextSwitchTo(oldcxt);
	return reader->recorddone;
}

/*
 * CsvReaderClose
 *		Release the parser's buffer; the caller closes the file.
 */
void
CsvReaderClose(CsvReader *reader)
{
	csv_free(&reader->parser);
}

/* Number of fields in the current record (may exceed CSV_MAX_FIELDS). */
int
CsvReaderFieldCount(CsvReader *reader)
{
	return reader->nfields;
}

/* Field i of the current record; i must be below CSV_MAX_FIELDS. */
CsvField *
CsvReaderField(CsvReader *reader, int i)
{
	Assert(i < reader->nfields && i < CSV_MAX_FIELDS);
	return &reader->fields[i];
}

/* NUL-terminated bytes of field i of the current record. */
const char *
CsvReaderFieldData(CsvReader *reader, int i)
{
	return reader->fielddata.data + reader->fields[i].offset;
}

/* Line on which the current record starts, from 1. */
int64
CsvReaderLineNumber(CsvReader *reader)
{
	return reader->inrecord || reader->recorddone ?
		reader->recordline : reader->lineno;
}

/*
 * CsvReaderRawRecord
 *		The current record's bytes as read, without its final line end.
 *
 * Kept only by a reader that recovers; otherwise NULL.
 */
const char *
CsvReaderRawRecord(CsvReader *reader, int *len)
{
	int			n = reader->raw.len;

	if (!reader->recover)
	{
		*len = 0;
		return NULL;
	}
	while (n > 0 && (reader->raw.data[n - 1] == '\n' ||
					 reader->raw.data[n - 1] == '\r'))
		n--;
	*len = n;
	return reader->raw.data;
}

/*
 * CsvReaderRecordError
 *		True when the current record is malformed (only when recovering);
 *		err, if given, receives why.
 */
bool
CsvReaderRecordError(CsvReader *reader, FieldError *err)
{
	if (reader->haserror && err != NULL)
		*err = reader->error;
	return reader->haserror;
}

/*
 * FieldCountError
 *		Describe the current record's wrong number of fields in err: the
 *		line, the counts, and the record (as read, or its fields rejoined).
 */
void
FieldCountError(CsvReader *reader, int expected, FieldError *err)
{
	int			nfields = reader->nfields;
	int			len;
	const char *raw = CsvReaderRawRecord(reader, &len);
	StringInfoData fields;

	if (raw == NULL)
	{
		initStringInfo(&fields);
		for (int i = 0; i < Min(nfields, CSV_MAX_FIELDS) && fields.len < 200; i++)
		{
			if (i > 0)
				appendStringInfoChar(&fields, ',');
			appendBinaryStringInfo(&fields, CsvReaderFieldData(reader, i),
								   reader->fields[i].len);
		}
		raw = fields.data;
		len = fields.len;
	}

	err->sqlerrcode = ERRCODE_BAD_COPY_FILE_FORMAT;
	err->message = pstrdup("wrong number of fields in CSV record");
	err->detail = psprintf("Line %lld has %d field%s where %d are expected: \"%s\".",
						   (long long) CsvReaderLineNumber(reader), nfields,
						   nfields == 1 ? "" : "s", expected, QuoteValue(raw, len));
	err->hint = nfields > expected ?
		pstrdup("A value holding the delimiter must be quoted.") : NULL;
}

/* Name of the input, for messages. */
const char *
CsvReaderSourceName(CsvReader *reader)
{
	return reader->sourcename;
}

/* Bytes of the input handed to the parser so far. */
uint64
CsvReaderBytesRead(CsvReader *reader)
{
	return reader->bytesread - (reader->chunklen - reader->chunkpos);
}
