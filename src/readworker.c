/*-------------------------------------------------------------------------
 *
 * readworker.c
 *	  A parallel worker that reads, parses and converts a CSV file's records
 *	  while the loading backend inserts them.
 *
 * Loading a file is two jobs of about equal cost: turning bytes into rows
 * (reading, libcsv, value conversion) and putting rows into the table (the
 * heap, constraints, keys).  For a plain load of a server file the first
 * job moves to one parallel worker, which sends each row as a minimal tuple
 * with its line number through a shared-memory queue; the backend runs the
 * second.  The worker reports a bad record with the same error the backend
 * would raise, and the parallel machinery rethrows it in the backend.  When
 * no worker can be started, the backend reads the file itself.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/parallel.h"
#include "access/table.h"
#include "access/xact.h"
#include "miscadmin.h"
#include "port/atomics.h"
#include "storage/fd.h"
#include "storage/shm_mq.h"
#include "storage/shm_toc.h"
#include "utils/memutils.h"
#include "utils/rel.h"

#include "convert.h"
#include "csvreader.h"
#include "readworker.h"

#define READ_KEY_SHARED		UINT64CONST(0x4D4F564945000001)
#define READ_KEY_QUEUE		UINT64CONST(0x4D4F564945000002)
#define READ_QUEUE_SIZE		(4 * 1024 * 1024)

/* What the backend tells the worker, in shared memory. */
typedef struct ReadShared
{
	Oid			relid;
	bool		header;
	int			encoding;
	char		target[NAMEDATALEN];
	char		path[MAXPGPATH];
	pg_atomic_uint64 bytes;		/* bytes parsed so far, for progress */
	int			nfields;
	AttrNumber	attnums[FLEXIBLE_ARRAY_MEMBER];	/* column of each field */
} ReadShared;

/* The backend's side of a running worker. */
struct ReadWorker
{
	ParallelContext *pcxt;
	ReadShared *shared;
	shm_mq_handle *queue;
};

PGDLLEXPORT void movie_read_worker_main(dsm_segment *seg, shm_toc *toc);

/*
 * ReadWorkerStart
 *		Start a worker reading path's records into rows of relid, the fields
 *		mapped to attnums; NULL when no worker could be started.
 *
 * The transaction gets its id first: none can be assigned in parallel mode.
 */
ReadWorker *
ReadWorkerStart(Oid relid, const char *target, const char *path, bool header,
				int encoding, int nfields, const AttrNumber *attnums)
{
	ReadWorker *worker = palloc0(sizeof(ReadWorker));
	Size		sharedsize = add_size(offsetof(ReadShared, attnums),
									  mul_size(sizeof(AttrNumber), nfields));
	shm_mq	   *mq;

	if (strlen(path) >= MAXPGPATH || strlen(target) >= NAMEDATALEN)
		return NULL;

	(void) GetCurrentTransactionId();
	EnterParallelMode();
	worker->pcxt = CreateParallelContext("movie_analytics",
										 "movie_read_worker_main", 1);
	shm_toc_estimate_chunk(&worker->pcxt->estimator, sharedsize);
	shm_toc_estimate_chunk(&worker->pcxt->estimator, READ_QUEUE_SIZE);
	shm_toc_estimate_keys(&worker->pcxt->estimator, 2);
	InitializeParallelDSM(worker->pcxt);
	if (worker->pcxt->seg == NULL)
	{
		ReadWorkerEnd(worker);
		return NULL;
	}

	/* the job description and the queue */
	worker->shared = shm_toc_allocate(worker->pcxt->toc, sharedsize);
	worker->shared->relid = relid;
	worker->shared->header = header;
	worker->shared->encoding = encoding;
	strlcpy(worker->shared->target, target, NAMEDATALEN);
	strlcpy(worker->shared->path, path, MAXPGPATH);
	pg_atomic_init_u64(&worker->shared->bytes, 0);
	worker->shared->nfields = nfields;
	memcpy(worker->shared->attnums, attnums, sizeof(AttrNumber) * nfields);
	shm_toc_insert(worker->pcxt->toc, READ_KEY_SHARED, worker->shared);
	mq = shm_mq_create(shm_toc_allocate(worker->pcxt->toc, READ_QUEUE_SIZE),
					   READ_QUEUE_SIZE);
	shm_toc_insert(worker->pcxt->toc, READ_KEY_QUEUE, mq);
	shm_mq_set_receiver(mq, MyProc);

	LaunchParallelWorkers(worker->pcxt);
	if (worker->pcxt->nworkers_launched == 0)
	{
		ReadWorkerEnd(worker);
		return NULL;
	}
	worker->queue = shm_mq_attach(mq, worker->pcxt->seg,
								  worker->pcxt->worker[0].bgwhandle);
	return worker;
}

/*
 * ReadWorkerNext
 *		The next row, as a heap tuple copied into the current memory context,
 *		and its line.  False at the end of the file; an error the worker
 *		raised is raised here.
 *
 * The minimal tuple is placed after room for the header fields a minimal
 * tuple lacks, as the executor does, so that it needs no reforming.
 */
bool
ReadWorkerNext(ReadWorker *worker, HeapTuple *tuple, int64 *line)
{
	Size		nbytes;
	void	   *data;
	Size		len;
	char	   *buf;

	if (shm_mq_receive(worker->queue, &nbytes, &data, false) != SHM_MQ_SUCCESS)
	{
		/* the worker is gone: finished, or failed with an error to rethrow */
		WaitForParallelWorkersToFinish(worker->pcxt);
		return false;
	}
	if (nbytes < sizeof(int64) + SizeofMinimalTupleHeader)
		elog(ERROR, "read worker sent a message of %zu bytes", nbytes);

	memcpy(line, data, sizeof(int64));
	len = nbytes - sizeof(int64);
	buf = palloc(HEAPTUPLESIZE + MINIMAL_TUPLE_OFFSET + len);
	memcpy(buf + HEAPTUPLESIZE + MINIMAL_TUPLE_OFFSET,
		   (char *) data + sizeof(int64), len);
	*tuple = (HeapTuple) buf;
	(*tuple)->t_len = len + MINIMAL_TUPLE_OFFSET;
	(*tuple)->t_data = (HeapTupleHeader) (buf + HEAPTUPLESIZE);
	ItemPointerSetInvalid(&(*tuple)->t_self);
	(*tuple)->t_tableOid = InvalidOid;
	return true;
}

/* Bytes of the file the worker has parsed so far. */
uint64
ReadWorkerBytes(ReadWorker *worker)
{
	return pg_atomic_read_u64(&worker->shared->bytes);
}

/*
 * ReadWorkerEnd
 *		Shut the worker down and leave parallel mode.
 */
void
ReadWorkerEnd(ReadWorker *worker)
{
	if (worker->queue)
		shm_mq_detach(worker->queue);
	WaitForParallelWorkersToFinish(worker->pcxt);
	DestroyParallelContext(worker->pcxt);
	ExitParallelMode();
}

/* Error context of the worker: the input and line. */
typedef struct ReadPosition
{
	const char *target;
	CsvReader  *reader;
} ReadPosition;

/*
 * ReadErrorContext
 *		Say which input and line the worker was reading.
 */
static void
ReadErrorContext(void *arg)
{
	ReadPosition *pos = (ReadPosition *) arg;

	errcontext("loading %s from %s, line %lld", pos->target,
			   CsvReaderSourceName(pos->reader),
			   (long long) CsvReaderLineNumber(pos->reader));
}

/*
 * movie_read_worker_main
 *		Entry point of the read worker: read the file, convert each record
 *		and send it as a minimal tuple prefixed by its line number.
 */
void
movie_read_worker_main(dsm_segment *seg, shm_toc *toc)
{
	ReadShared *shared = shm_toc_lookup(toc, READ_KEY_SHARED, false);
	shm_mq	   *mq = shm_toc_lookup(toc, READ_KEY_QUEUE, false);
	shm_mq_handle *queue;
	Relation	rel;
	TupleDesc	desc;
	ColumnSpec *columns;
	FILE	   *file;
	ReadPosition pos;
	ErrorContextCallback errcallback;
	MemoryContext rowcxt;
	MemoryContext oldcxt;
	Datum	   *values;
	bool	   *isnull;
	StringInfoData message;

	shm_mq_set_sender(mq, MyProc);
	queue = shm_mq_attach(mq, seg, NULL);

	/* the columns the fields fill, as the backend mapped them */
	rel = table_open(shared->relid, AccessShareLock);
	desc = RelationGetDescr(rel);
	columns = palloc0(sizeof(ColumnSpec) * shared->nfields);
	for (int i = 0; i < shared->nfields; i++)
	{
		ColumnSpecInit(&columns[i], TupleDescAttr(desc, shared->attnums[i] - 1),
					   shared->encoding);
		if (strcmp(columns[i].name, "sale_date") == 0)
			columns[i].label = "date";
	}
	values = palloc(sizeof(Datum) * desc->natts);
	isnull = palloc(sizeof(bool) * desc->natts);

	file = AllocateFile(shared->path, PG_BINARY_R);
	if (file == NULL)
		ereport(ERROR,
				(errcode_for_file_access(),
				 errmsg("could not open file \"%s\" for reading: %m", shared->path)));
	pos.target = shared->target;
	pos.reader = CsvReaderCreate(file, NULL, 0,
								 psprintf("file \"%s\"", shared->path), false);
	errcallback.callback = ReadErrorContext;
	errcallback.arg = &pos;
	errcallback.previous = error_context_stack;
	error_context_stack = &errcallback;

	/* the backend has read and mapped the header already */
	if (shared->header)
		CsvReaderNext(pos.reader);

	rowcxt = AllocSetContextCreate(CurrentMemoryContext, "movie_analytics read row",
								   ALLOCSET_DEFAULT_SIZES);
	initStringInfo(&message);
	while (CsvReaderNext(pos.reader))
	{
		int64		line = CsvReaderLineNumber(pos.reader);
		FieldError	err;
		MinimalTuple tuple;

		CHECK_FOR_INTERRUPTS();
		MemoryContextReset(rowcxt);
		oldcxt = MemoryContextSwitchTo(rowcxt);
		if (CsvReaderFieldCount(pos.reader) != shared->nfields)
		{
			FieldCountError(pos.reader, shared->nfields, &err);
			ThrowFieldError(&err);
		}

		/* convert every field; columns not in the file stay NULL */
		memset(isnull, true, sizeof(bool) * desc->natts);
		for (int i = 0; i < shared->nfields; i++)
		{
			CsvField   *field = CsvReaderField(pos.reader, i);
			int			att = columns[i].attnum - 1;

			if (!ConvertField(&columns[i], CsvReaderFieldData(pos.reader, i),
							  field->len, field->isnull, line,
							  &values[att], &isnull[att], &err))
				ThrowFieldError(&err);
		}
		tuple = heap_form_minimal_tuple(desc, values, isnull);
		MemoryContextSwitchTo(oldcxt);

		/* the line, then the tuple; a detached backend ends the work */
		resetStringInfo(&message);
		appendBinaryStringInfo(&message, (char *) &line, sizeof(int64));
		appendBinaryStringInfo(&message, (char *) tuple, tuple->t_len);
		if (shm_mq_send(queue, message.len, message.data, false, false) != SHM_MQ_SUCCESS)
			break;
		pg_atomic_write_u64(&shared->bytes, CsvReaderBytesRead(pos.reader));
	}

	error_context_stack = errcallback.previous;
	shm_mq_detach(queue);
	CsvReaderClose(pos.reader);
	FreeFile(file);
	table_close(rel, AccessShareLock);
}
