/*-------------------------------------------------------------------------
 *
 * loader.c
 *	  SQL-callable CSV loaders for the movies and sales tables.
 *
 * A load maps the header's columns by name, converts each record with
 * convert.c, checks it completely (field count, values, constraints, the
 * movie a sales row refers to, and in skip and replace modes its key), and
 * inserts batches of rows through the table access method's multi-insert
 * path, as COPY FROM does.
 *
 * Keys and the foreign key are checked set-wise rather than by one trigger
 * call per row: movie ids are read once into a hash table under a lock that
 * keeps them from changing until the transaction ends, and the foreign key's
 * own trigger is skipped when it is the only after-row trigger.  When the
 * target is empty and only this load writes to it, index entries are not
 * made row by row: the indexes are rebuilt once at the end, which also
 * checks uniqueness.
 *
 * On the first bad record the load stops with an error naming the input,
 * line, column and value; since it runs in the caller's transaction, none of
 * it remains.  With on_error => 'skip', bad records go to the rejects table
 * instead, up to max_rejects; past that the load fails as a whole.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <sys/stat.h>

#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/index.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_trigger.h"
#include "catalog/pg_type.h"
#include "commands/progress.h"
#include "commands/sequence.h"
#include "commands/trigger.h"
#include "executor/executor.h"
#include "executor/nodeModifyTable.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "tcop/utility.h"
#include "nodes/makefuncs.h"
#include "optimizer/optimizer.h"
#include "pgstat.h"
#include "storage/bufmgr.h"
#include "storage/fd.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/fmgroids.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/resowner.h"
#include "utils/rel.h"
#include "utils/rls.h"
#include "utils/snapmgr.h"

#include "convert.h"
#include "csvreader.h"
#include "readworker.h"

/* Rows per multi-insert batch. */
#define LOAD_BATCH_ROWS		1000

/* Bytes of converted values after which a batch is flushed early. */
#define LOAD_BATCH_BYTES	(4 * 1024 * 1024)

/* What the caller asked for. */
typedef struct LoadOptions
{
	bool		header;
	bool		skip;			/* on_error => 'skip' */
	int64		maxrejects;		/* -1: no limit */
	bool		replace;		/* mode => 'replace' */
	int			encoding;		/* of the input's text */
} LoadOptions;

/* A CHECK constraint, prepared for evaluation without raising errors. */
typedef struct CheckConstraint
{
	char	   *name;
	ExprState  *expr;
	List	   *attnums;		/* columns it reads */
} CheckConstraint;

/* Everything one load needs, from the open table to the current batch. */
typedef struct LoadState
{
	Relation	rel;
	const char *target;
	LoadOptions opts;
	CsvReader  *reader;
	FILE	   *file;			/* the input, to read it again */
	const char *path;			/* a server file's path */
	ReadWorker *worker;			/* reading in a parallel worker, if any */
	const char *data;
	size_t		datalen;
	int64		errline;		/* line for the error context, 0 if none */
	bool		reading;		/* in the reader: it knows the line */

	/* mapping: header field i fills column colmap[i] */
	ColumnSpec *columns;		/* one per loadable attribute */
	int			ncolumns;
	ColumnSpec **colmap;
	int			nfields;
	AttrNumber	idattnum;		/* movie_id */
	AttrNumber	dateattnum;		/* sale_date, for sales */

	/* executor state for the multi-insert path */
	EState	   *estate;
	ResultRelInfo *rri;
	TransitionCaptureState *transition;
	BulkInsertState bistate;
	CommandId	cid;
	bool		rowtriggers;	/* BEFORE ROW triggers: flush every row */
	bool		aftertriggers;	/* after-row events must be queued */
	bool		deferindexes;	/* rebuild indexes at the end */
	bool		probekeys;		/* look up each row's key before inserting */
	CheckConstraint *checks;
	int			nchecks;

	/* the batch being buffered */
	MemoryContext batchcxt;
	TupleTableSlot **slots;
	int64	   *lines;
	int			nbuffered;
	HTAB	   *batchkeys;		/* keys in the batch, when probing */

	/* movie ids present, for a sales load */
	HTAB	   *movieids;
	int64		lastmovieid;	/* the last id found in movieids */
	bool		haslastmovieid;

	/* rejects and results */
	int64		loadid;
	SPIPlanPtr	rejectplan;
	SPIPlanPtr	updateplan;
	int64		loaded;
	int64		updated;
	int64		unchanged;
	int64		rejected;
} LoadState;

static void AcceptRow(LoadState *state, TupleTableSlot *slot, int64 line);

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
 * ParseOptions
 *		Read the option arguments shared by both loaders (from argument 2).
 */
static LoadOptions
ParseOptions(FunctionCallInfo fcinfo)
{
	LoadOptions opts;
	char	   *onerror;
	char	   *mode;

	if (PG_NARGS() != 7)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("the loader's SQL definition does not match the installed movie_analytics library"),
				 errhint("Run ALTER EXTENSION movie_analytics UPDATE, or reinstall the library that matches the extension's version.")));
	for (int i = 0; i <= 6; i++)
		if (i != 4 && PG_ARGISNULL(i))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("only max_rejects may be NULL")));

	opts.header = PG_GETARG_BOOL(2);
	onerror = text_to_cstring(PG_GETARG_TEXT_PP(3));
	mode = text_to_cstring(PG_GETARG_TEXT_PP(5));
	if (strcmp(onerror, "stop") != 0 && strcmp(onerror, "skip") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unrecognized on_error value \"%s\"", onerror),
				 errhint("Valid values are \"stop\" and \"skip\".")));
	if (strcmp(mode, "insert") != 0 && strcmp(mode, "replace") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unrecognized mode \"%s\"", mode),
				 errhint("Valid modes are \"insert\" and \"replace\".")));
	opts.skip = (strcmp(onerror, "skip") == 0);
	opts.replace = (strcmp(mode, "replace") == 0);
	opts.maxrejects = PG_ARGISNULL(4) ? -1 : PG_GETARG_INT64(4);
	if (opts.maxrejects < -1 || (!PG_ARGISNULL(4) && opts.maxrejects < 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("max_rejects must not be negative")));
	opts.encoding = SourceEncoding(text_to_cstring(PG_GETARG_TEXT_PP(6)));
	return opts;
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
	Relation	rel;

	if (strcmp(target, "movies") != 0 && strcmp(target, "sales") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unrecognized load target \"%s\"",
						QuoteValue(target, strlen(target))),
				 errhint("Valid targets are \"movies\" and \"sales\".")));

	relid = get_relname_relid(target, nspid);
	if (!OidIsValid(relid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation \"%s.%s\" does not exist",
						get_namespace_name(nspid), target)));
	rel = table_open(relid, RowExclusiveLock);

	/* what COPY FROM refuses, the loaders refuse too */
	if (!rel->rd_islocaltemp)
		PreventCommandIfReadOnly("movie_load_csv");
	PreventCommandIfParallelMode("movie_load_csv");
	if (check_enable_rls(relid, InvalidOid, false) == RLS_ENABLED)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("loading into a table with row-level security is not supported"),
				 errhint("Load as a role that bypasses row-level security, or use INSERT.")));
	return rel;
}

/*
 * FileColumnName
 *		The name a column has in the input files ("date" for sale_date).
 */
static const char *
FileColumnName(const char *name)
{
	return strcmp(name, "sale_date") == 0 ? "date" : name;
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
		appendStringInfo(&buf, "%s%s", i > 0 ? ", " : "",
						 FileColumnName(state->columns[i].name));
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
		ColumnSpec *col;

		if (att->attisdropped || att->attgenerated)
			continue;
		col = &state->columns[state->ncolumns++];
		ColumnSpecInit(col, att, state->opts.encoding);
		col->label = pstrdup(FileColumnName(col->name));
		if (strcmp(col->name, "movie_id") == 0)
			state->idattnum = col->attnum;
		else if (strcmp(col->name, "sale_date") == 0)
			state->dateattnum = col->attnum;
	}
	if (state->idattnum == 0 ||
		(strcmp(state->target, "sales") == 0 && state->dateattnum == 0))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("table \"%s\" lacks its key columns", state->target)));
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

	if (nfields > CSV_MAX_FIELDS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("CSV header has %d fields, more than the %d a record may have",
						nfields, CSV_MAX_FIELDS)));

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
					 errmsg("CSV header field %d is empty", i + 1),
					 errhint("An unnamed first column is often a row index written by a spreadsheet or data-frame library; remove it.")));
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
		col->label = pstrdup(name);
		state->colmap[i] = col;
	}

	for (int i = 0; i < state->ncolumns; i++)
		if (state->columns[i].notnull && !seen[i])
			ereport(ERROR,
					(errcode(ERRCODE_BAD_COPY_FILE_FORMAT),
					 errmsg("CSV header lacks required column \"%s\"",
							FileColumnName(state->columns[i].name)),
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
 * MovieForeignKey
 *		The foreign key of sales that refers to movies(movie_id), or NULL.
 */
static ForeignKeyCacheInfo *
MovieForeignKey(Relation rel, Oid moviesid)
{
	ListCell   *lc;

	foreach(lc, RelationGetFKeyList(rel))
	{
		ForeignKeyCacheInfo *fk = lfirst(lc);

		if (fk->confrelid == moviesid && fk->nkeys == 1)
			return fk;
	}
	return NULL;
}

/*
 * LoadMovieIds
 *		For a sales load, remember every movie_id present in movies.
 *
 * Movies is locked in SHARE mode, so that no movie can be added, removed or
 * renumbered until this transaction ends: the set stays exactly what the
 * foreign key's trigger would check against.
 */
static void
LoadMovieIds(LoadState *state)
{
	Oid			moviesid = get_relname_relid("movies", RelationGetNamespace(state->rel));
	AttrNumber	idattnum = get_attnum(moviesid, "movie_id");
	Relation	movies;
	TableScanDesc scan;
	TupleTableSlot *slot;
	Snapshot	snapshot;
	HASHCTL		ctl;

	ctl.keysize = sizeof(int64);
	ctl.entrysize = sizeof(int64);
	ctl.hcxt = CurrentMemoryContext;
	state->movieids = hash_create("movie ids", 1024, &ctl,
								  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);

	/*
	 * Read with a snapshot taken after the lock is granted, so that a movie
	 * deleted by a transaction that committed while this one waited is not
	 * taken for present.
	 */
	movies = table_open(moviesid, ShareLock);
	snapshot = RegisterSnapshot(GetLatestSnapshot());
	slot = table_slot_create(movies, NULL);
	scan = table_beginscan(movies, snapshot, 0, NULL);
	while (table_scan_getnextslot(scan, ForwardScanDirection, slot))
	{
		bool		isnull;
		int64		id = DatumGetInt64(slot_getattr(slot, idattnum, &isnull));

		if (!isnull)
			hash_search(state->movieids, &id, HASH_ENTER, NULL);
		CHECK_FOR_INTERRUPTS();
	}
	table_endscan(scan);
	UnregisterSnapshot(snapshot);
	ExecDropSingleTupleTableSlot(slot);
	table_close(movies, NoLock);
}

/*
 * PrepareChecks
 *		Prepare the table's CHECK constraints for evaluation row by row.
 */
static void
PrepareChecks(LoadState *state)
{
	TupleConstr *constr = RelationGetDescr(state->rel)->constr;

	if (constr == NULL || constr->num_check == 0)
		return;
	state->checks = palloc0(sizeof(CheckConstraint) * constr->num_check);
	for (int i = 0; i < constr->num_check; i++)
	{
		Expr	   *expr = stringToNode(constr->check[i].ccbin);
		CheckConstraint *check = &state->checks[state->nchecks++];
		Bitmapset  *attnos = NULL;
		int			k = -1;

		check->name = pstrdup(constr->check[i].ccname);
		check->expr = ExecPrepareExpr(expr, state->estate);
		pull_varattnos((Node *) expr, 1, &attnos);
		while ((k = bms_next_member(attnos, k)) >= 0)
			check->attnums = lappend_int(check->attnums,
										 k + FirstLowInvalidHeapAttributeNumber);
	}
}

/*
 * CanSkipAfterTriggers
 *		True when the only after-row insert trigger is the movies foreign
 *		key's, which the movie id set checks instead.
 */
static bool
CanSkipAfterTriggers(LoadState *state, TriggerDesc *trigdesc)
{
	ForeignKeyCacheInfo *fk = NULL;

	if (state->transition != NULL)
		return false;
	if (trigdesc == NULL || !trigdesc->trig_insert_after_row)
		return true;
	if (state->movieids == NULL)
		return false;

	fk = MovieForeignKey(state->rel,
						 get_relname_relid("movies", RelationGetNamespace(state->rel)));
	if (fk == NULL)
		return false;
	for (int i = 0; i < trigdesc->numtriggers; i++)
	{
		Trigger    *t = &trigdesc->triggers[i];

		if (!TRIGGER_FOR_ROW(t->tgtype) || !TRIGGER_FOR_AFTER(t->tgtype) ||
			!TRIGGER_FOR_INSERT(t->tgtype))
			continue;
		if (t->tgfoid != F_RI_FKEY_CHECK_INS || t->tgconstraint != fk->conoid)
			return false;
	}
	return true;
}

/*
 * HasUserInsertTriggers
 *		True when any insert trigger other than a foreign key's is defined:
 *		those may look at the table's indexes while the load runs.
 */
static bool
HasUserInsertTriggers(TriggerDesc *trigdesc)
{
	if (trigdesc == NULL)
		return false;
	for (int i = 0; i < trigdesc->numtriggers; i++)
	{
		Trigger    *t = &trigdesc->triggers[i];

		if (TRIGGER_FOR_INSERT(t->tgtype) && !t->tgisinternal)
			return true;
	}
	return false;
}

/*
 * TableIsEmpty
 *		True when the table has no tuples at all, visible or not.
 */
static bool
TableIsEmpty(Relation rel)
{
	return RelationGetNumberOfBlocks(rel) == 0;
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
	rte->requiredPerms = ACL_INSERT | (state->opts.replace ? ACL_UPDATE : 0);
	for (int i = 0; i < state->nfields; i++)
		rte->insertedCols = bms_add_member(rte->insertedCols,
										   state->colmap[i]->attnum -
										   FirstLowInvalidHeapAttributeNumber);
	if (state->opts.replace)
		rte->updatedCols = bms_copy(rte->insertedCols);
	ExecCheckRTPerms(list_make1(rte), true);

	ExecInitRangeTable(estate, list_make1(rte));
	ExecInitResultRelation(estate, rri, 1);
	CheckValidResultRel(rri, CMD_INSERT);
	estate->es_output_cid = GetCurrentCommandId(true);
	state->estate = estate;
	state->rri = rri;
	state->cid = estate->es_output_cid;

	/* a sales load checks its movies against a locked set of ids */
	if (strcmp(state->target, "sales") == 0)
		LoadMovieIds(state);

	AfterTriggerBeginQuery();
	trigdesc = rri->ri_TrigDesc;
	state->rowtriggers = trigdesc && trigdesc->trig_insert_before_row;
	state->transition = MakeTransitionCaptureState(trigdesc,
												   RelationGetRelid(state->rel),
												   CMD_INSERT);
	state->aftertriggers = !CanSkipAfterTriggers(state, trigdesc);

	/*
	 * Skip and replace modes look each key up before inserting.  A plain
	 * load into an empty table, with no row triggers to see the rows as they
	 * come, leaves index entries to one rebuild at the end; the lock keeps
	 * other writers out until then.
	 */
	state->probekeys = state->opts.skip || state->opts.replace;
	state->deferindexes = !state->probekeys && !state->aftertriggers &&
		!HasUserInsertTriggers(trigdesc) && TableIsEmpty(state->rel);
	if (state->deferindexes)
	{
		LockRelationOid(RelationGetRelid(state->rel), ShareRowExclusiveLock);
		state->deferindexes = TableIsEmpty(state->rel);
	}
	if (!state->deferindexes)
		ExecOpenIndices(rri, state->probekeys);
	PrepareChecks(state);

	state->bistate = GetBulkInsertState();
	ExecBSInsertTriggers(estate, rri);

	/* batch buffers */
	state->batchcxt = AllocSetContextCreate(CurrentMemoryContext,
											"movie_analytics load batch",
											ALLOCSET_DEFAULT_SIZES);
	state->slots = palloc(sizeof(TupleTableSlot *) * LOAD_BATCH_ROWS);
	for (int i = 0; i < LOAD_BATCH_ROWS; i++)
		state->slots[i] = table_slot_create(state->rel, NULL);
	state->lines = palloc(sizeof(int64) * LOAD_BATCH_ROWS);
	if (state->probekeys)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(int64) * 2;
		ctl.entrysize = sizeof(int64) * 2;
		ctl.hcxt = CurrentMemoryContext;
		state->batchkeys = hash_create("batch keys", LOAD_BATCH_ROWS, &ctl,
									   HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}
}

/*
 * FlushBatch
 *		Insert the buffered rows: one multi-insert into the heap, then each
 *		row's index entries and after-row trigger events, where those are
 *		made row by row.
 */
static void
FlushBatch(LoadState *state)
{
	EState	   *estate = state->estate;
	MemoryContext oldcxt;

	if (state->nbuffered == 0)
		return;

	/* the heap's own working memory for the batch is per-tuple memory */
	oldcxt = MemoryContextSwitchTo(GetPerTupleMemoryContext(estate));
	table_multi_insert(state->rel, state->slots, state->nbuffered,
					   state->cid, state->deferindexes ? TABLE_INSERT_SKIP_FSM : 0,
					   state->bistate);
	MemoryContextSwitchTo(oldcxt);
	ResetPerTupleExprContext(estate);

	for (int i = 0; i < state->nbuffered; i++)
	{
		TupleTableSlot *slot = state->slots[i];
		List	   *recheck = NIL;

		state->errline = state->lines[i];
		if (!state->deferindexes && state->rri->ri_NumIndices > 0)
			recheck = ExecInsertIndexTuples(state->rri, slot, estate,
											false, false, NULL, NIL);
		if (state->aftertriggers)
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
	if (state->batchkeys)
	{
		HASH_SEQ_STATUS seq;
		void	   *entry;

		hash_seq_init(&seq, state->batchkeys);
		while ((entry = hash_seq_search(&seq)) != NULL)
			hash_search(state->batchkeys, entry, HASH_REMOVE, NULL);
	}
	pgstat_progress_update_param(PROGRESS_COPY_TUPLES_PROCESSED, state->loaded);
	pgstat_progress_update_param(PROGRESS_COPY_BYTES_PROCESSED,
								 (int64) (state->worker ? ReadWorkerBytes(state->worker) :
										  CsvReaderBytesRead(state->reader)));
}

/*
 * DisplayValue
 *		A column value of the slot as text, for messages.
 */
static char *
DisplayValue(TupleTableSlot *slot, AttrNumber attnum)
{
	Form_pg_attribute att = TupleDescAttr(slot->tts_tupleDescriptor, attnum - 1);
	Oid			outfn;
	bool		isvarlena;
	bool		isnull;
	Datum		value = slot_getattr(slot, attnum, &isnull);

	if (isnull)
		return pstrdup("NULL");
	getTypeOutputInfo(att->atttypid, &outfn, &isvarlena);
	return OidOutputFunctionCall(outfn, value);
}

/*
 * CheckRow
 *		Evaluate the CHECK constraints on a complete row; on a violation, fill
 *		err naming the constraint and the columns it reads.
 */
static bool
CheckRow(LoadState *state, TupleTableSlot *slot, int64 line, FieldError *err)
{
	ExprContext *econtext = GetPerTupleExprContext(state->estate);

	econtext->ecxt_scantuple = slot;
	for (int i = 0; i < state->nchecks; i++)
	{
		CheckConstraint *check = &state->checks[i];
		StringInfoData detail;
		ListCell   *lc;

		if (ExecCheck(check->expr, econtext))
			continue;

		initStringInfo(&detail);
		foreach(lc, check->attnums)
		{
			AttrNumber	attnum = lfirst_int(lc);

			appendStringInfo(&detail, "%sColumn \"%s\" on line %lld has the value \"%s\".",
							 detail.len > 0 ? " " : "",
							 FileColumnName(NameStr(TupleDescAttr(slot->tts_tupleDescriptor,
																  attnum - 1)->attname)),
							 (long long) line, DisplayValue(slot, attnum));
		}
		err->sqlerrcode = ERRCODE_CHECK_VIOLATION;
		err->message = psprintf("new row for relation \"%s\" violates check constraint \"%s\"",
								RelationGetRelationName(state->rel), check->name);
		err->detail = detail.data;
		err->hint = NULL;
		return false;
	}
	return true;
}

/*
 * KeyOf
 *		The primary key of a row as two integers: (movie_id, 0) for movies,
 *		(movie_id, sale_date) for sales.
 */
static void
KeyOf(LoadState *state, TupleTableSlot *slot, int64 key[2])
{
	bool		isnull;

	key[0] = DatumGetInt64(slot_getattr(slot, state->idattnum, &isnull));
	key[1] = 0;
	if (state->dateattnum != 0)
		key[1] = DatumGetDateADT(slot_getattr(slot, state->dateattnum, &isnull));
}

/*
 * DescribeKey
 *		"(movie_id)=(1)" or "(movie_id, sale_date)=(1, 2024-01-01)".
 */
static char *
DescribeKey(LoadState *state, TupleTableSlot *slot)
{
	if (state->dateattnum != 0)
		return psprintf("(movie_id, date)=(%s, %s)",
						DisplayValue(slot, state->idattnum),
						DisplayValue(slot, state->dateattnum));
	return psprintf("(movie_id)=(%s)", DisplayValue(slot, state->idattnum));
}

/*
 * ReplaceRow
 *		Replace mode: overwrite the existing row with the same key, if any of
 *		the file's columns differ.  Returns false when there was no such row.
 */
static bool
ReplaceRow(LoadState *state, TupleTableSlot *slot)
{
	int			nargs = state->nfields + 2;
	Datum	   *values = palloc(sizeof(Datum) * nargs);
	char	   *nulls = palloc(sizeof(char) * nargs);
	int64		key[2];
	int			ret;

	/* build the UPDATE once, over the columns the file has */
	if (state->updateplan == NULL)
	{
		StringInfoData sql;
		StringInfoData distinct;
		Oid		   *types = palloc(sizeof(Oid) * nargs);
		bool		sales = strcmp(state->target, "sales") == 0;

		initStringInfo(&sql);
		initStringInfo(&distinct);
		appendStringInfo(&sql, "UPDATE %s.%s SET ",
						 quote_identifier(get_namespace_name(RelationGetNamespace(state->rel))),
						 quote_identifier(RelationGetRelationName(state->rel)));
		for (int i = 0; i < state->nfields; i++)
		{
			const char *col = quote_identifier(state->colmap[i]->name);

			appendStringInfo(&sql, "%s%s = $%d", i > 0 ? ", " : "", col, i + 1);
			appendStringInfo(&distinct, "%s%s", i > 0 ? ", " : "", col);
			types[i] = state->colmap[i]->typid;
		}
		types[nargs - 2] = INT8OID;
		types[nargs - 1] = DATEOID;
		appendStringInfo(&sql, " WHERE movie_id = $%d%s AND (%s) IS DISTINCT FROM (",
						 nargs - 1, sales ? psprintf(" AND sale_date = $%d", nargs) : "",
						 distinct.data);
		for (int i = 0; i < state->nfields; i++)
			appendStringInfo(&sql, "%s$%d", i > 0 ? ", " : "", i + 1);
		appendStringInfoString(&sql, ")");
		if (!sales)
			appendStringInfo(&sql, " AND $%d IS NULL", nargs);

		state->updateplan = SPI_prepare(sql.data, nargs, types);
		if (state->updateplan == NULL)
			elog(ERROR, "could not prepare update: %s", SPI_result_code_string(SPI_result));
		SPI_keepplan(state->updateplan);
	}

	for (int i = 0; i < state->nfields; i++)
	{
		bool		isnull;

		values[i] = slot_getattr(slot, state->colmap[i]->attnum, &isnull);
		nulls[i] = isnull ? 'n' : ' ';
	}
	KeyOf(state, slot, key);
	values[nargs - 2] = Int64GetDatum(key[0]);
	nulls[nargs - 2] = ' ';
	values[nargs - 1] = DateADTGetDatum((DateADT) key[1]);
	nulls[nargs - 1] = strcmp(state->target, "sales") == 0 ? ' ' : 'n';

	ret = SPI_execute_plan(state->updateplan, values, nulls, false, 0);
	if (ret != SPI_OK_UPDATE)
		elog(ERROR, "could not update row: %s", SPI_result_code_string(ret));
	if (SPI_processed > 0)
		state->updated++;
	else
		state->unchanged++;
	return true;
}

/*
 * Reject
 *		Record a bad record in the rejects table, or raise its error when the
 *		load stops at the first one or has passed max_rejects.
 */
static void
Reject(LoadState *state, FieldError *err, const char *column, const char *value)
{
	Datum		values[10];
	char		nulls[10];
	int			rawlen;
	const char *raw;
	bytea	   *rawbytes;

	if (!state->opts.skip)
		ThrowFieldError(err);
	if (state->opts.maxrejects >= 0 && state->rejected >= state->opts.maxrejects)
		ereport(ERROR,
				(errcode(ERRCODE_BAD_COPY_FILE_FORMAT),
				 errmsg("more than %lld bad records", (long long) state->opts.maxrejects),
				 errdetail("The last one was: %s", err->message),
				 errhint("Nothing was loaded. Fix the input, or raise max_rejects.")));

	raw = CsvReaderRawRecord(state->reader, &rawlen);
	rawbytes = palloc(VARHDRSZ + rawlen);
	SET_VARSIZE(rawbytes, VARHDRSZ + rawlen);
	memcpy(VARDATA(rawbytes), raw, rawlen);

	memset(nulls, ' ', sizeof(nulls));
	values[0] = Int64GetDatum(state->loadid);
	values[1] = CStringGetTextDatum(state->target);
	values[2] = CStringGetTextDatum(CsvReaderSourceName(state->reader));
	values[3] = Int64GetDatum(state->errline);
	values[4] = PointerGetDatum(rawbytes);
	values[5] = CStringGetTextDatum(EscapeBytes(raw, rawlen, INT_MAX, true));
	values[6] = column ? CStringGetTextDatum(column) : (Datum) 0;
	nulls[6] = column ? ' ' : 'n';
	values[7] = value ? CStringGetTextDatum(value) : (Datum) 0;
	nulls[7] = value ? ' ' : 'n';
	values[8] = CStringGetTextDatum(unpack_sql_state(err->sqlerrcode));
	values[9] = CStringGetTextDatum(err->detail ?
									psprintf("%s: %s", err->message, err->detail) :
									err->message);

	if (SPI_execute_plan(state->rejectplan, values, nulls, false, 0) != SPI_OK_INSERT)
		elog(ERROR, "could not record a rejected record");
	state->rejected++;
	pgstat_progress_update_param(PROGRESS_COPY_TUPLES_EXCLUDED, state->rejected);
}

/*
 * ReportFieldCount
 *		A record whose field count differs from the header's.
 */
static void
ReportFieldCount(LoadState *state, int nfields)
{
	FieldError	err;

	FieldCountError(state->reader, state->nfields, &err);
	Reject(state, &err, NULL, NULL);
}

/*
 * BufferRecord
 *		Convert and check the current record, then add it to the batch (or
 *		reject it, or in replace mode apply it to the row it replaces).
 */
static void
BufferRecord(LoadState *state)
{
	CsvReader  *reader = state->reader;
	int			nfields = CsvReaderFieldCount(reader);
	TupleTableSlot *slot = state->slots[state->nbuffered];
	int64		line = CsvReaderLineNumber(reader);
	MemoryContext oldcxt;
	FieldError	err;

	state->errline = line;
	if (CsvReaderRecordError(reader, &err))
	{
		Reject(state, &err, NULL, NULL);
		return;
	}
	if (nfields != state->nfields)
	{
		ReportFieldCount(state, nfields);
		return;
	}

	/*
	 * Convert every field; columns not in the file stay NULL.  XXX Column
	 * defaults are not applied to them (the extension's tables have none).
	 */
	oldcxt = MemoryContextSwitchTo(state->batchcxt);
	ExecClearTuple(slot);
	memset(slot->tts_isnull, true, sizeof(bool) * slot->tts_tupleDescriptor->natts);
	for (int i = 0; i < nfields; i++)
	{
		CsvField   *field = CsvReaderField(reader, i);
		ColumnSpec *col = state->colmap[i];
		const char *data = CsvReaderFieldData(reader, i);
		int			att = col->attnum - 1;

		if (!ConvertField(col, data, field->len, field->isnull, line,
						  &slot->tts_values[att], &slot->tts_isnull[att], &err))
		{
			MemoryContextSwitchTo(oldcxt);
			Reject(state, &err, col->label, QuoteValue(data, field->len));
			return;
		}
	}
	MemoryContextSwitchTo(oldcxt);
	ExecStoreVirtualTuple(slot);
	AcceptRow(state, slot, line);
}

/*
 * AcceptRow
 *		Check a converted row (its movie, constraints and, in skip and replace
 *		modes, its key) and add it to the batch, or reject it, or apply it to
 *		the row it replaces.
 */
static void
AcceptRow(LoadState *state, TupleTableSlot *slot, int64 line)
{
	FieldError	err;

	state->errline = line;

	/*
	 * A sales row must name a known movie (movie_id is a required column).
	 * Rows usually come grouped by movie: the last id found is remembered.
	 */
	if (state->movieids)
	{
		bool		isnull;
		int64		id = DatumGetInt64(slot_getattr(slot, state->idattnum, &isnull));

		if (!state->haslastmovieid || id != state->lastmovieid)
		{
			if (!hash_search(state->movieids, &id, HASH_FIND, NULL))
			{
				err.sqlerrcode = ERRCODE_FOREIGN_KEY_VIOLATION;
				err.message = psprintf("sales row refers to unknown movie %lld",
									   (long long) id);
				err.detail = psprintf("Column \"movie_id\" on line %lld has the value \"%lld\", which is not present in table \"movies\".",
									  (long long) line, (long long) id);
				err.hint = pstrdup("Load the movies file before the sales file.");
				Reject(state, &err, "movie_id", psprintf("%lld", (long long) id));
				return;
			}
			state->lastmovieid = id;
			state->haslastmovieid = true;
		}
	}

	/* what INSERT would do before the row reaches the heap */
	if (state->rowtriggers &&
		!ExecBRInsertTriggers(state->estate, state->rri, slot))
		return;
	if (state->rel->rd_att->constr &&
		state->rel->rd_att->constr->has_generated_stored)
		ExecComputeStoredGenerated(state->rri, state->estate, slot, CMD_INSERT);
	if (!CheckRow(state, slot, line, &err))
	{
		ResetPerTupleExprContext(state->estate);
		Reject(state, &err, NULL, NULL);
		return;
	}

	/* a row trigger may have changed any column: let the executor check all */
	if (state->rowtriggers)
		ExecConstraints(state->rri, slot, state->estate);
	ResetPerTupleExprContext(state->estate);

	/* skip and replace modes: the key must be new, or is replaced */
	if (state->probekeys)
	{
		int64		key[2];
		bool		inbatch;
		ItemPointerData conflict;

		KeyOf(state, slot, key);
		hash_search(state->batchkeys, key, HASH_FIND, &inbatch);
		if (inbatch && state->opts.replace)
		{
			/* the row's values live in the batch memory: keep a copy */
			ExecMaterializeSlot(slot);
			FlushBatch(state);
			ExecCopySlot(state->slots[0], slot);
			ExecClearTuple(slot);
			slot = state->slots[0];
			inbatch = false;
		}
		if (inbatch || !ExecCheckIndexConstraints(state->rri, slot, state->estate,
												  &conflict, NIL))
		{
			if (state->opts.replace && ReplaceRow(state, slot))
			{
				ExecClearTuple(slot);
				return;
			}
			err.sqlerrcode = ERRCODE_UNIQUE_VIOLATION;
			err.message = psprintf("duplicate key value violates the primary key of \"%s\"",
								   RelationGetRelationName(state->rel));
			err.detail = psprintf("Key %s on line %lld is already loaded.",
								  DescribeKey(state, slot), (long long) line);
			err.hint = NULL;
			ExecClearTuple(slot);
			Reject(state, &err, strcmp(state->target, "sales") == 0 ?
				   "movie_id, date" : "movie_id", NULL);
			return;
		}
		hash_search(state->batchkeys, key, HASH_ENTER, NULL);
	}

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
 * ReportDuplicate
 *		After the index rebuild found a duplicate key, read the input again
 *		to find the first key that occurs twice, and raise an error naming
 *		both lines.
 *
 * XXX This runs only when a load fails, but its memory grows with the
 * number of distinct keys read before the first repeat.
 */
static void
ReportDuplicate(LoadState *state, ErrorData *edata)
{
	HASHCTL		ctl;
	HTAB	   *seen;
	int			keyfield[2] = {-1, -1};
	bool		sales = strcmp(state->target, "sales") == 0;

	for (int i = 0; i < state->nfields; i++)
	{
		if (strcmp(state->colmap[i]->name, "movie_id") == 0)
			keyfield[0] = i;
		else if (strcmp(state->colmap[i]->name, "sale_date") == 0)
			keyfield[1] = i;
	}

	ctl.keysize = sizeof(int64) * 2;
	ctl.entrysize = sizeof(int64) * 3;
	ctl.hcxt = CurrentMemoryContext;
	seen = hash_create("keys read", 1024, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);

	if (state->file)
		rewind(state->file);
	state->reader = CsvReaderCreate(state->file, state->data, state->datalen,
									CsvReaderSourceName(state->reader), false);
	if (state->opts.header)
		CsvReaderNext(state->reader);
	while (CsvReaderNext(state->reader))
	{
		int64		entry[3] = {0, 0, 0};
		int64	   *found;
		bool		exists;

		CHECK_FOR_INTERRUPTS();
		for (int k = 0; k < (sales ? 2 : 1); k++)
		{
			ColumnSpec *col = state->colmap[keyfield[k]];
			CsvField   *field = CsvReaderField(state->reader, keyfield[k]);
			FieldError	err;
			Datum		value;
			bool		isnull;

			if (!ConvertField(col, CsvReaderFieldData(state->reader, keyfield[k]),
							  field->len, field->isnull, 0, &value, &isnull, &err))
				ThrowFieldError(&err);
			entry[k] = k == 0 ? DatumGetInt64(value) : DatumGetDateADT(value);
		}
		found = hash_search(seen, entry, HASH_ENTER, &exists);
		if (exists)
		{
			char	   *key = psprintf("(movie_id)=(%lld)", (long long) entry[0]);

			if (sales)
				key = psprintf("(movie_id, date)=(%lld, %s)", (long long) entry[0],
							   DatumGetCString(DirectFunctionCall1(date_out,
																   DateADTGetDatum((DateADT) entry[1]))));
			ereport(ERROR,
					(errcode(ERRCODE_UNIQUE_VIOLATION),
					 errmsg("duplicate key value violates the primary key of \"%s\"",
							state->target),
					 errdetail("Key %s on line %lld is also on line %lld.", key,
							   (long long) CsvReaderLineNumber(state->reader),
							   (long long) found[2])));
		}
		found[2] = CsvReaderLineNumber(state->reader);
	}
	ReThrowError(edata);
}

/*
 * RebuildIndexes
 *		Build the target's indexes from its heap, once, after a load that made
 *		no index entries; uniqueness is checked here.
 *
 * The rebuild runs in a subtransaction so that a duplicate key can be
 * traced back to its lines before the load fails.
 */
static void
RebuildIndexes(LoadState *state)
{
	ReindexParams params = {0};
	Oid			relid = RelationGetRelid(state->rel);
	MemoryContext oldcxt = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;

	/* reindexing wants no other reference to the table in this session */
	table_close(state->rel, NoLock);
	state->errline = 0;

	BeginInternalSubTransaction(NULL);
	PG_TRY();
	{
		reindex_relation(relid, REINDEX_REL_CHECK_CONSTRAINTS, &params);
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(oldcxt);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;

		state->rel = table_open(relid, NoLock);
		if (edata->sqlerrcode != ERRCODE_UNIQUE_VIOLATION)
			ReThrowError(edata);
		ReportDuplicate(state, edata);
	}
	PG_END_TRY();
	state->rel = table_open(relid, NoLock);
}

/*
 * PrepareRejects
 *		Get a load id and prepare the insert into movie_load_rejects.
 */
static void
PrepareRejects(LoadState *state)
{
	Oid			nspid = RelationGetNamespace(state->rel);
	char	   *schema = get_namespace_name(nspid);
	Oid			seqid = get_relname_relid("movie_load_id_seq", nspid);
	Oid			types[10] = {INT8OID, TEXTOID, TEXTOID, INT8OID, BYTEAOID,
	TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID};

	state->loadid = DatumGetInt64(DirectFunctionCall1(nextval_oid,
													  ObjectIdGetDatum(seqid)));
	state->rejectplan = SPI_prepare(psprintf("INSERT INTO %s.movie_load_rejects "
											 "(load_id, target, source, line_number, raw_line, "
											 "raw_text, column_name, value, sqlstate, error) "
											 "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
											 quote_identifier(schema)),
									10, types);
	if (state->rejectplan == NULL)
		elog(ERROR, "could not prepare insert into movie_load_rejects: %s",
			 SPI_result_code_string(SPI_result));
	SPI_keepplan(state->rejectplan);
}

/*
 * StartReadWorker
 *		Start a parallel worker reading the file into rows, with the header
 *		mapping made here; NULL when none could start.
 */
static ReadWorker *
StartReadWorker(LoadState *state)
{
	AttrNumber *attnums = palloc(sizeof(AttrNumber) * state->nfields);

	for (int i = 0; i < state->nfields; i++)
		attnums[i] = state->colmap[i]->attnum;
	return ReadWorkerStart(RelationGetRelid(state->rel), state->target,
						   state->path, state->opts.header, state->opts.encoding,
						   state->nfields, attnums);
}

/*
 * ReceiveRows
 *		Take the rows the read worker sends, and accept each into the batch.
 */
static void
ReceiveRows(LoadState *state)
{
	for (;;)
	{
		TupleTableSlot *slot;
		HeapTuple	tuple;
		MemoryContext oldcxt;
		int64		line;
		bool		more;

		CHECK_FOR_INTERRUPTS();
		oldcxt = MemoryContextSwitchTo(state->batchcxt);
		more = ReadWorkerNext(state->worker, &tuple, &line);
		MemoryContextSwitchTo(oldcxt);
		if (!more)
			break;

		/* the slot keeps its own copy; columns are read from it lazily */
		slot = state->slots[state->nbuffered];
		ExecForceStoreHeapTuple(tuple, slot, false);
		AcceptRow(state, slot, line);
		state->errline = 0;
	}
}

/*
 * RunLoad
 *		Load everything the reader yields into the open target table.
 */
static void
RunLoad(LoadState *state)
{
	ErrorContextCallback errcallback;
	FieldError	headererr;

	errcallback.callback = LoadErrorContext;
	errcallback.arg = state;
	errcallback.previous = error_context_stack;
	error_context_stack = &errcallback;

	PrepareColumns(state);
	if (state->opts.header)
	{
		state->reading = true;
		if (!CsvReaderNext(state->reader))
			ereport(ERROR,
					(errcode(ERRCODE_BAD_COPY_FILE_FORMAT),
					 errmsg("CSV input is empty"),
					 errdetail("A header line naming the columns is required.")));
		state->reading = false;
		state->errline = CsvReaderLineNumber(state->reader);
		if (CsvReaderRecordError(state->reader, &headererr))
			ThrowFieldError(&headererr);
		MapHeader(state);
		state->errline = 0;
	}
	else
		MapByPosition(state);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "could not connect to SPI");
	if (state->opts.skip)
		PrepareRejects(state);
	BeginInsert(state);

	/*
	 * A plain load of a server file reads in a parallel worker while this
	 * backend inserts; other loads, or when no worker can start, read here.
	 */
	if (state->path && !state->opts.skip && !state->opts.replace &&
		!state->rowtriggers && !state->aftertriggers)
		state->worker = StartReadWorker(state);
	if (state->worker)
	{
		ReceiveRows(state);
		FlushBatch(state);
		ReadWorkerEnd(state->worker);
		state->worker = NULL;
	}
	else
	{
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
	}
	EndInsert(state);
	if (state->deferindexes)
		RebuildIndexes(state);
	SPI_finish();

	error_context_stack = errcallback.previous;
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
 * LoadResult
 *		The loaders' result row, and one NOTICE saying what was done.
 */
static Datum
LoadResult(FunctionCallInfo fcinfo, LoadState *state)
{
	TupleDesc	desc;
	Datum		values[4];
	bool		nulls[4] = {false, false, false, false};

	if (state->opts.replace)
		ereport(NOTICE,
				(errmsg_plural("loaded %lld new row into %s, updated %lld, left %lld unchanged",
							   "loaded %lld new rows into %s, updated %lld, left %lld unchanged",
							   state->loaded, (long long) state->loaded, state->target,
							   (long long) state->updated, (long long) state->unchanged)));
	if (state->rejected > 0)
		ereport(NOTICE,
				(errmsg_plural("rejected %lld record of %s; see load %lld in movie_load_rejects",
							   "rejected %lld records of %s; see load %lld in movie_load_rejects",
							   state->rejected, (long long) state->rejected,
							   CsvReaderSourceName(state->reader),
							   (long long) state->loadid)));

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE ||
		desc->natts != 4)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("the loader's result type does not match the installed movie_analytics library")));
	values[0] = Int64GetDatum(state->loaded);
	values[1] = Int64GetDatum(state->updated);
	values[2] = Int64GetDatum(state->unchanged);
	values[3] = Int64GetDatum(state->rejected);
	return HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(desc), values, nulls));
}

/*
 * movie_load_csv
 *		movie_load_csv(target text, path text, header boolean, on_error text,
 *		max_rejects bigint, mode text, encoding text) returns record
 *
 * Loader for a file on the server; needs the privileges of
 * pg_read_server_files, like COPY FROM a file.  Not STRICT: only
 * max_rejects may be NULL.
 */
Datum
movie_load_csv(PG_FUNCTION_ARGS)
{
	LoadState	state;
	char	   *path;
	FILE	   *file;
	struct stat st;
	Datum		result;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("target and path must not be NULL")));
	if (!has_privs_of_role(GetUserId(), ROLE_PG_READ_SERVER_FILES))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied to load from a file on the server"),
				 errdetail("Only roles with privileges of the \"pg_read_server_files\" role may read server files."),
				 errhint("Pass the file's content to movie_load_csv_data instead.")));

	memset(&state, 0, sizeof(state));
	state.opts = ParseOptions(fcinfo);
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
	state.file = file;
	state.path = path;
	state.reader = CsvReaderCreate(file, NULL, 0, psprintf("file \"%s\"", path),
								   state.opts.skip);
	RunLoad(&state);
	result = LoadResult(fcinfo, &state);

	CsvReaderClose(state.reader);
	FreeFile(file);
	pgstat_progress_end_command();
	table_close(state.rel, NoLock);
	PG_RETURN_DATUM(result);
}

/*
 * movie_load_csv_data
 *		movie_load_csv_data(target text, data bytea, header boolean,
 *		on_error text, max_rejects bigint, mode text, encoding text)
 *		returns record
 *
 * Loader for CSV content passed as an argument; needs only INSERT privilege
 * on the target.  Not STRICT: only max_rejects may be NULL.
 */
Datum
movie_load_csv_data(PG_FUNCTION_ARGS)
{
	LoadState	state;
	bytea	   *data;
	Datum		result;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("target and data must not be NULL")));

	memset(&state, 0, sizeof(state));
	state.opts = ParseOptions(fcinfo);
	state.target = text_to_cstring(PG_GETARG_TEXT_PP(0));
	data = PG_GETARG_BYTEA_PP(1);
	state.rel = OpenTarget(fcinfo, state.target);

	StartProgress(state.rel, PROGRESS_COPY_TYPE_CALLBACK,
				  (int64) VARSIZE_ANY_EXHDR(data));
	state.data = VARDATA_ANY(data);
	state.datalen = VARSIZE_ANY_EXHDR(data);
	state.reader = CsvReaderCreate(NULL, state.data, state.datalen, "CSV data",
								   state.opts.skip);
	RunLoad(&state);
	result = LoadResult(fcinfo, &state);

	CsvReaderClose(state.reader);
	pgstat_progress_end_command();
	table_close(state.rel, NoLock);
	PG_RETURN_DATUM(result);
}
