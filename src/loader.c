/*-------------------------------------------------------------------------
 *
 * loader.c
 *	  SQL-callable CSV loaders for the movies and sales tables.
 *
 * A load maps the header's columns by name, converts each record with
 * convert.c and inserts batches of rows through the table access method's
 * multi-insert path, as COPY FROM does: one heap call per batch, then index
 * entries, constraints and after-row triggers per row.  Any bad record stops
 * the load with an error naming the input, line, column and value; since the
 * load runs inside the caller's transaction, nothing of it remains.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <sys/stat.h>

#include "access/heapam.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/pg_authid.h"
#include "commands/progress.h"
#include "commands/trigger.h"
#include "executor/executor.h"
#include "executor/nodeModifyTable.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "parser/parsetree.h"
#include "pgstat.h"
#include "storage/fd.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

#include "convert.h"
#include "csvreader.h"

/* Rows per multi-insert batch. */
#define LOAD_BATCH_ROWS		1000

/* Bytes of converted values after which a batch is flushed early. */
#define LOAD_BATCH_BYTES	(4 * 1024 * 1024)

/* Everything one load needs, from the open table to the current batch. */
typedef struct LoadState
{
	Relation	rel;
	const char *target;
	CsvReader  *reader;
	int64		errline;		/* line for the error context, 0 if none */
	bool		reading;		/* in the reader: it knows the line */

	/* mapping: header field i fills column colmap[i] */
	ColumnSpec *columns;		/* one per loadable attribute */
	int			ncolumns;
	ColumnSpec **colmap;
	int			nfields;

	/* executor state for the multi-insert path */
	EState	   *estate;
	ResultRelInfo *rri;
	TransitionCaptureState *transition;
	BulkInsertState bistate;
	CommandId	cid;
	bool		rowtriggers;	/* BEFORE ROW triggers: flush every row */

	/* the batch being buffered */
	MemoryContext batchcxt;
	TupleTableSlot **slots;
	int64	   *lines;
	int			nbuffered;

	/* movie ids present, for a clear error on an unknown movie */
	HTAB	   *movieids;
	int			movieidfield;	/* header field holding movie_id, or -1 */

	int64		loaded;
} LoadState;

PG_FUNCTION_INFO_V1(movie_load_csv);
PG_FUNCTION_INFO_V1(movie_load_csv_data);

/*
 * LoadErrorContext
 *		Error context callback: say which input and line was being loaded.
 */
static void
LoadErrorContext(void *arg)
{
	LoadState  *state = (LoadState *) arg;

	if (state->reader == NULL)
		return;
	if (state->reading)
		state->errline = CsvReaderLineNumber(state->reader);
	if (state->errline > 0)
		errcontext("loading %s from %s, line %lld", state->target,
				   CsvReaderSourceName(state->reader),
				   (long long) state->errline);
	else
		errcontext("loading %s from %s", state->target,
				   CsvReaderSourceName(state->reader));
}

/*
 * OpenTarget
 *		Open the extension's table named by target, in the schema of the
 *		calling function.
 */
static Relation
OpenTarget(FunctionCallInfo fcinfo, const char *target)
{
	Oid			nspid = get_func_namespace(fcinfo->flinfo->fn_oid);
	Oid			relid;

	if (strcmp(target, "movies") != 0 && strcmp(target, "sales") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unrecognized load target \"%s\"", target),
				 errhint("Valid targets are \"movies\" and \"sales\".")));

	relid = get_relname_relid(target, nspid);
	if (!OidIsValid(relid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation \"%s.%s\" does not exist",
						get_namespace_name(nspid), target)));
	return table_open(relid, RowExclusiveLock);
}

/*
 * FindColumn
 *		The loadable column a header name refers to, or NULL.
 *
 * Names match case-insensitively; the sales file's "date" is the column
 * sale_date.
 */
static ColumnSpec *
FindColumn(LoadState *state, const char *name)
{
	if (strcmp(state->target, "sales") == 0 && pg_strcasecmp(name, "date") == 0)
		name = "sale_date";
	for (int i = 0; i < state->ncolumns; i++)
		if (pg_strcasecmp(state->columns[i].name, name) == 0)
			return &state->columns[i];
	return NULL;
}

/*
 * ColumnList
 *		The loadable columns, as a comma-separated list for hints.
 */
static char *
ColumnList(LoadState *state)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (int i = 0; i < state->ncolumns; i++)
	{
		const char *name = state->columns[i].name;

		if (strcmp(name, "sale_date") == 0)
			name = "date";
		appendStringInfo(&buf, "%s%s", i > 0 ? ", " : "", name);
	}
	return buf.data;
}

/*
 * PrepareColumns
 *		Collect the columns a CSV file may fill: every attribute that is not
 *		dropped or generated.
 */
static void
PrepareColumns(LoadState *state)
{
	TupleDesc	desc = RelationGetDescr(state->rel);

	state->columns = palloc0(sizeof(ColumnSpec) * desc->natts);
	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (att->attisdropped || att->attgenerated)
			continue;
		ColumnSpecInit(&state->columns[state->ncolumns++], att);
	}
}

/*
 * MapHeader
 *		Map the fields of the header record to columns.
 *
 * Every header name must be a loadable column and appear once; every NOT
 * NULL column must be present.  Columns the header leaves out are NULL.
 */
static void
MapHeader(LoadState *state)
{
	CsvReader  *reader = state->reader;
	int			nfields = CsvReaderFieldCount(reader);
	bool	   *seen = palloc0(sizeof(bool) * state->ncolumns);

	if (nfields > state->ncolumns)
		ereport(ERROR,
				(errcode(ERRCODE_BAD_COPY_FILE_FORMAT),
				 errmsg("CSV header has %d fields, more than the %d columns of \"%s\"",
						nfields, state->ncolumns, state->target),
				 errhint("The columns are: %s.", ColumnList(state))));

	state->nfields = nfields;
	state->colmap = palloc0(sizeof(ColumnSpec *) * nfields);
	for (int i = 0; i < nfields; i++)
	{
		CsvField   *field = CsvReaderField(reader, i);
		const char *name = CsvReaderFieldData(reader, i);
		ColumnSpec *col;

		if (field->isnull || field->len == 0)
			ereport(ERROR,
					(errcode(ERRCODE_BAD_COPY_FILE_FORMAT),
					 errmsg("CSV header field %d is empty", i + 1)));
		col = (strlen(name) == (size_t) field->len) ? FindColumn(state, name) : NULL;
		if (col == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("CSV header names unknown column \"%s\"",
							QuoteValue(name, field->len)),
					 errdetail("Header field %d does not name a column of \"%s\" that can be loaded.",
							   i + 1, state->target),
					 errhint("The columns are: %s.", ColumnList(state))));
		if (seen[col - state->columns])
			ereport(ERROR,
					(errcode(ERRCODE_DUPLICATE_COLUMN),
					 errmsg("CSV header names column \"%s\" more than once", name)));
		seen[col - state->columns] = true;
		state->colmap[i] = col;
	}

	for (int i = 0; i < state->ncolumns; i++)
		if (state->columns[i].notnull && !seen[i])
			ereport(ERROR,
					(errcode(ERRCODE_BAD_COPY_FILE_FORMAT),
					 errmsg("CSV header lacks required column \"%s\"",
							strcmp(state->columns[i].name, "sale_date") == 0 ?
							"date" : state->columns[i].name),
					 errhint("The columns are: %s.", ColumnList(state))));
}

/*
 * MapByPosition
 *		Without a header, fields map to the loadable columns in table order.
 */
static void
MapByPosition(LoadState *state)
{
	state->nfields = state->ncolumns;
	state->colmap = palloc(sizeof(ColumnSpec *) * state->ncolumns);
	for (int i = 0; i < state->ncolumns; i++)
		state->colmap[i] = &state->columns[i];
}

/*
 * LoadMovieIds
 *		For a sales load, remember every movie_id present in movies.
 *
 * The foreign key itself is still enforced by its own trigger; this set only
 * lets an unknown movie be reported with its line.
 */
static void
LoadMovieIds(LoadState *state)
{
	Oid			nspid = RelationGetNamespace(state->rel);
	Relation	movies;
	TableScanDesc scan;
	TupleTableSlot *slot;
	HASHCTL		ctl;

	state->movieidfield = -1;
	for (int i = 0; i < state->nfields; i++)
		if (strcmp(state->colmap[i]->name, "movie_id") == 0)
			state->movieidfield = i;

	ctl.keysize = sizeof(int64);
	ctl.entrysize = sizeof(int64);
	ctl.hcxt = CurrentMemoryContext;
	state->movieids = hash_create("movie ids", 1024, &ctl,
								  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);

	movies = table_open(get_relname_relid("movies", nspid), AccessShareLock);
	slot = table_slot_create(movies, NULL);
	scan = table_beginscan(movies, GetActiveSnapshot(), 0, NULL);
	while (table_scan_getnextslot(scan, ForwardScanDirection, slot))
	{
		bool		isnull;
		int64		id = DatumGetInt64(slot_getattr(slot, 1, &isnull));

		if (!isnull)
			hash_search(state->movieids, &id, HASH_ENTER, NULL);
		CHECK_FOR_INTERRUPTS();
	}
	table_endscan(scan);
	ExecDropSingleTupleTableSlot(slot);
	table_close(movies, NoLock);
}

/*
 * BeginInsert
 *		Set up the executor state for inserting into the target, checking
 *		INSERT privilege on the mapped columns.
 */
static void
BeginInsert(LoadState *state)
{
	RangeTblEntry *rte = makeNode(RangeTblEntry);
	EState	   *estate = CreateExecutorState();
	ResultRelInfo *rri = makeNode(ResultRelInfo);
	TriggerDesc *trigdesc;

	rte->rtekind = RTE_RELATION;
	rte->relid = RelationGetRelid(state->rel);
	rte->relkind = state->rel->rd_rel->relkind;
	rte->rellockmode = RowExclusiveLock;
	rte->requiredPerms = ACL_INSERT;
	for (int i = 0; i < state->nfields; i++)
		rte->insertedCols = bms_add_member(rte->insertedCols,
										   state->colmap[i]->attnum -
										   FirstLowInvalidHeapAttributeNumber);
	ExecCheckRTPerms(list_make1(rte), true);

	ExecInitRangeTable(estate, list_make1(rte));
	ExecInitResultRelation(estate, rri, 1);
	CheckValidResultRel(rri, CMD_INSERT);
	ExecOpenIndices(rri, false);
	estate->es_output_cid = GetCurrentCommandId(true);

	trigdesc = rri->ri_TrigDesc;
	state->rowtriggers = trigdesc && trigdesc->trig_insert_before_row;
	state->transition = MakeTransitionCaptureState(trigdesc,
												   RelationGetRelid(state->rel),
												   CMD_INSERT);
	state->estate = estate;
	state->rri = rri;
	state->cid = estate->es_output_cid;
	state->bistate = GetBulkInsertState();

	AfterTriggerBeginQuery();
	ExecBSInsertTriggers(estate, rri);

	/* batch buffers */
	state->batchcxt = AllocSetContextCreate(CurrentMemoryContext,
											"movie_analytics load batch",
											ALLOCSET_DEFAULT_SIZES);
	state->slots = palloc(sizeof(TupleTableSlot *) * LOAD_BATCH_ROWS);
	for (int i = 0; i < LOAD_BATCH_ROWS; i++)
		state->slots[i] = table_slot_create(state->rel, NULL);
	state->lines = palloc(sizeof(int64) * LOAD_BATCH_ROWS);
}

/*
 * FlushBatch
 *		Insert the buffered rows: one multi-insert into the heap, then each
 *		row's index entries and after-row trigger events.
 */
static void
FlushBatch(LoadState *state)
{
	EState	   *estate = state->estate;

	if (state->nbuffered == 0)
		return;

	table_multi_insert(state->rel, state->slots, state->nbuffered,
					   state->cid, 0, state->bistate);

	for (int i = 0; i < state->nbuffered; i++)
	{
		TupleTableSlot *slot = state->slots[i];
		List	   *recheck = NIL;

		state->errline = state->lines[i];
		if (state->rri->ri_NumIndices > 0)
			recheck = ExecInsertIndexTuples(state->rri, slot, estate,
											false, false, NULL, NIL);
		ExecARInsertTriggers(estate, state->rri, slot, recheck,
							 state->transition);
		list_free(recheck);
		ExecClearTuple(slot);
		ResetPerTupleExprContext(estate);
	}

	state->loaded += state->nbuffered;
	state->nbuffered = 0;
	state->errline = 0;
	MemoryContextReset(state->batchcxt);
	pgstat_progress_update_param(PROGRESS_COPY_TUPLES_PROCESSED, state->loaded);
	pgstat_progress_update_param(PROGRESS_COPY_BYTES_PROCESSED,
								 (int64) CsvReaderBytesRead(state->reader));
}

/*
 * ReportFieldCount
 *		Raise the error for a record whose field count differs from the
 *		header's.
 */
static void
ReportFieldCount(LoadState *state, int nfields)
{
	int			len;
	const char *raw = CsvReaderRawRecord(state->reader, &len);

	ereport(ERROR,
			(errcode(ERRCODE_BAD_COPY_FILE_FORMAT),
			 errmsg("wrong number of fields in CSV record"),
			 errdetail("Line %lld has %d field%s where %d are expected: \"%s\".",
					   (long long) state->errline, nfields,
					   nfields == 1 ? "" : "s", state->nfields,
					   QuoteValue(raw, len)),
			 nfields > state->nfields ?
			 errhint("A value holding the delimiter must be quoted.") :
			 errhint("A value holding a line break must be quoted.")));
}

/*
 * BufferRecord
 *		Convert the current record into the next slot of the batch.
 */
static void
BufferRecord(LoadState *state)
{
	CsvReader  *reader = state->reader;
	int			nfields = CsvReaderFieldCount(reader);
	TupleTableSlot *slot = state->slots[state->nbuffered];
	int64		line = CsvReaderLineNumber(reader);
	MemoryContext oldcxt;

	state->errline = line;
	if (nfields != state->nfields)
		ReportFieldCount(state, nfields);

	/* convert every field; columns not in the file stay NULL */
	oldcxt = MemoryContextSwitchTo(state->batchcxt);
	ExecClearTuple(slot);
	memset(slot->tts_isnull, true, sizeof(bool) * slot->tts_tupleDescriptor->natts);
	for (int i = 0; i < nfields; i++)
	{
		CsvField   *field = CsvReaderField(reader, i);
		ColumnSpec *col = state->colmap[i];
		FieldError	err;
		int			att = col->attnum - 1;

		if (!ConvertField(col, CsvReaderFieldData(reader, i), field->len,
						  field->isnull, line, &slot->tts_values[att],
						  &slot->tts_isnull[att], &err))
			ThrowFieldError(&err);
	}
	MemoryContextSwitchTo(oldcxt);

	/* a sales row must name a known movie */
	if (state->movieids && state->movieidfield >= 0)
	{
		int			att = state->colmap[state->movieidfield]->attnum - 1;
		int64		id = DatumGetInt64(slot->tts_values[att]);

		if (!hash_search(state->movieids, &id, HASH_FIND, NULL))
			ereport(ERROR,
					(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
					 errmsg("sales row refers to unknown movie %lld", (long long) id),
					 errdetail("Column \"movie_id\" on line %lld has the value \"%lld\", which is not present in table \"movies\".",
							   (long long) line, (long long) id),
					 errhint("Load the movies file before the sales file.")));
	}
	ExecStoreVirtualTuple(slot);

	/* what INSERT would do before the row reaches the heap */
	if (state->rowtriggers &&
		!ExecBRInsertTriggers(state->estate, state->rri, slot))
		return;
	if (state->rel->rd_att->constr &&
		state->rel->rd_att->constr->has_generated_stored)
		ExecComputeStoredGenerated(state->rri, state->estate, slot, CMD_INSERT);
	if (state->rel->rd_att->constr)
		ExecConstraints(state->rri, slot, state->estate);
	ResetPerTupleExprContext(state->estate);

	state->lines[state->nbuffered++] = line;
	if (state->nbuffered == LOAD_BATCH_ROWS || state->rowtriggers ||
		MemoryContextMemAllocated(state->batchcxt, false) > LOAD_BATCH_BYTES)
		FlushBatch(state);
}

/*
 * EndInsert
 *		Fire statement triggers and queued after-row events, and release the
 *		executor state.
 */
static void
EndInsert(LoadState *state)
{
	state->errline = 0;
	ExecASInsertTriggers(state->estate, state->rri, state->transition);
	AfterTriggerEndQuery(state->estate);

	for (int i = 0; i < LOAD_BATCH_ROWS; i++)
		ExecDropSingleTupleTableSlot(state->slots[i]);
	FreeBulkInsertState(state->bistate);
	table_finish_bulk_insert(state->rel, 0);
	ExecResetTupleTable(state->estate->es_tupleTable, false);
	ExecCloseResultRelations(state->estate);
	ExecCloseRangeTableRelations(state->estate);
	FreeExecutorState(state->estate);
}

/*
 * RunLoad
 *		Load everything the reader yields into the open target table.
 */
static int64
RunLoad(LoadState *state, bool header)
{
	ErrorContextCallback errcallback;

	errcallback.callback = LoadErrorContext;
	errcallback.arg = state;
	errcallback.previous = error_context_stack;
	error_context_stack = &errcallback;

	PrepareColumns(state);
	if (header)
	{
		state->reading = true;
		if (!CsvReaderNext(state->reader))
			ereport(ERROR,
					(errcode(ERRCODE_BAD_COPY_FILE_FORMAT),
					 errmsg("CSV input is empty"),
					 errdetail("A header line naming the columns is required.")));
		state->reading = false;
		state->errline = CsvReaderLineNumber(state->reader);
		MapHeader(state);
		state->errline = 0;
	}
	else
		MapByPosition(state);

	BeginInsert(state);
	if (strcmp(state->target, "sales") == 0)
		LoadMovieIds(state);

	for (;;)
	{
		bool		more;

		CHECK_FOR_INTERRUPTS();
		state->reading = true;
		more = CsvReaderNext(state->reader);
		state->reading = false;
		if (!more)
			break;
		BufferRecord(state);
		state->errline = 0;
	}
	FlushBatch(state);
	EndInsert(state);

	error_context_stack = errcallback.previous;
	return state->loaded;
}

/*
 * StartProgress
 *		Advertise the load in pg_stat_progress_copy.
 */
static void
StartProgress(Relation rel, int type, int64 total)
{
	const int	index[] = {PROGRESS_COPY_COMMAND, PROGRESS_COPY_TYPE,
	PROGRESS_COPY_BYTES_TOTAL};
	int64		values[] = {PROGRESS_COPY_COMMAND_FROM, type, total};

	pgstat_progress_start_command(PROGRESS_COMMAND_COPY, RelationGetRelid(rel));
	pgstat_progress_update_multi_param(3, index, values);
}

/*
 * movie_load_csv
 *		movie_load_csv(target text, path text, header boolean) returns bigint
 *
 * Loader for a file on the server; needs the privileges of
 * pg_read_server_files, like COPY FROM a file.  Not STRICT: NULL arguments
 * are errors.
 */
Datum
movie_load_csv(PG_FUNCTION_ARGS)
{
	LoadState	state;
	char	   *path;
	FILE	   *file;
	struct stat st;
	int64		loaded;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("target, path and header must not be NULL")));
	if (!has_privs_of_role(GetUserId(), ROLE_PG_READ_SERVER_FILES))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to load from a file on the server"),
				 errdetail("Only roles with privileges of the \"pg_read_server_files\" role may read server files."),
				 errhint("Pass the file's content to movie_load_csv_data instead.")));

	memset(&state, 0, sizeof(state));
	state.target = text_to_cstring(PG_GETARG_TEXT_PP(0));
	path = text_to_cstring(PG_GETARG_TEXT_PP(1));
	state.rel = OpenTarget(fcinfo, state.target);

	file = AllocateFile(path, PG_BINARY_R);
	if (file == NULL)
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not open file \"%s\" for reading: %m", path)));
	if (fstat(fileno(file), &st) != 0)
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not stat file \"%s\": %m", path)));
	if (S_ISDIR(st.st_mode))
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is a directory", path)));

	StartProgress(state.rel, PROGRESS_COPY_TYPE_FILE, (int64) st.st_size);
	state.reader = CsvReaderCreate(file, NULL, 0,
								   psprintf("file \"%s\"", path), true);
	loaded = RunLoad(&state, PG_GETARG_BOOL(2));

	CsvReaderClose(state.reader);
	FreeFile(file);
	pgstat_progress_end_command();
	table_close(state.rel, NoLock);
	PG_RETURN_INT64(loaded);
}

/*
 * movie_load_csv_data
 *		movie_load_csv_data(target text, data bytea, header boolean)
 *		returns bigint
 *
 * Loader for CSV content passed as an argument; needs only INSERT privilege
 * on the target.  Not STRICT: NULL arguments are errors.
 */
Datum
movie_load_csv_data(PG_FUNCTION_ARGS)
{
	LoadState	state;
	bytea	   *data;
	int64		loaded;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1) || PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("target, data and header must not be NULL")));

	memset(&state, 0, sizeof(state));
	state.target = text_to_cstring(PG_GETARG_TEXT_PP(0));
	data = PG_GETARG_BYTEA_PP(1);
	state.rel = OpenTarget(fcinfo, state.target);

	StartProgress(state.rel, PROGRESS_COPY_TYPE_CALLBACK,
				  (int64) VARSIZE_ANY_EXHDR(data));
	state.reader = CsvReaderCreate(NULL, VARDATA_ANY(data),
								   VARSIZE_ANY_EXHDR(data), "CSV data", true);
	loaded = RunLoad(&state, PG_GETARG_BOOL(2));

	CsvReaderClose(state.reader);
	pgstat_progress_end_command();
	table_close(state.rel, NoLock);
	PG_RETURN_INT64(loaded);
}
