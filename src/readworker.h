/*-------------------------------------------------------------------------
 *
 * readworker.h
 *	  A parallel worker that reads, parses and converts a CSV file's records
 *	  while the loading backend inserts them.
 *
 *-------------------------------------------------------------------------
 */
#ifndef MOVIE_READWORKER_H
#define MOVIE_READWORKER_H

#include "access/htup.h"

typedef struct ReadWorker ReadWorker;

extern ReadWorker *ReadWorkerStart(Oid relid, const char *target,
								   const char *path, bool header, int encoding,
								   int nfields, const AttrNumber *attnums);
extern bool ReadWorkerNext(ReadWorker *worker, HeapTuple *tuple, int64 *line);
extern uint64 ReadWorkerBytes(ReadWorker *worker);
extern void ReadWorkerEnd(ReadWorker *worker);

#endif							/* MOVIE_READWORKER_H */
