/*-------------------------------------------------------------------------
 *
 * topn.c
 *	  movie_top_ids: the n best rows by a numeric value, in bounded memory.
 *
 * The state is a binary heap of at most n entries whose root is the entry
 * that ranks last, so each row costs O(log n) and memory stays O(n).
 * Ranking: higher value first, then lower id; NULL (and NaN) values rank
 * after every number, among themselves by id.  The ranking is a total order,
 * so the result does not depend on the order rows arrive in, serial or
 * parallel.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "libpq/pqformat.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/numeric.h"

#include "aggutil.h"

#define TOP_STATE_VERSION	1

/* One candidate row. */
typedef struct TopEntry
{
	int64		id;
	bool		isnull;
	Numeric		value;			/* in the aggregate context; NULL if isnull */
} TopEntry;

/* Running state of movie_top_ids. */
typedef struct TopState
{
	int32		n;
	int32		count;
	int32		capacity;
	TopEntry   *heap;
} TopState;

PG_FUNCTION_INFO_V1(movie_top_trans);
PG_FUNCTION_INFO_V1(movie_top_combine);
PG_FUNCTION_INFO_V1(movie_top_serialize);
PG_FUNCTION_INFO_V1(movie_top_deserialize);
PG_FUNCTION_INFO_V1(movie_top_final);

/*
 * CompareEntries
 *		Negative when a ranks before b, positive when after, 0 when equal.
 */
static int
CompareEntries(const TopEntry *a, const TopEntry *b)
{
	if (a->isnull != b->isnull)
		return a->isnull ? 1 : -1;
	if (!a->isnull)
	{
		int			c = DatumGetInt32(DirectFunctionCall2(numeric_cmp,
														  NumericGetDatum(a->value),
														  NumericGetDatum(b->value)));

		if (c != 0)
			return -c;
	}
	return (a->id > b->id) - (a->id < b->id);
}

/*
 * CompareEntriesQsort
 *		qsort comparator over TopEntry.
 */
static int
CompareEntriesQsort(const void *a, const void *b)
{
	return CompareEntries((const TopEntry *) a, (const TopEntry *) b);
}

/*
 * SiftUp
 *		Restore the heap after appending at position i.
 */
static void
SiftUp(TopEntry *heap, int i)
{
	while (i > 0)
	{
		int			parent = (i - 1) / 2;
		TopEntry	tmp;

		if (CompareEntries(&heap[parent], &heap[i]) >= 0)
			break;
		tmp = heap[parent];
		heap[parent] = heap[i];
		heap[i] = tmp;
		i = parent;
	}
}

/*
 * SiftDown
 *		Restore the heap after replacing the root.
 */
static void
SiftDown(TopEntry *heap, int count)
{
	int			i = 0;

	for (;;)
	{
		int			worst = i;
		int			l = 2 * i + 1;
		int			r = l + 1;
		TopEntry	tmp;

		if (l < count && CompareEntries(&heap[l], &heap[worst]) > 0)
			worst = l;
		if (r < count && CompareEntries(&heap[r], &heap[worst]) > 0)
			worst = r;
		if (worst == i)
			break;
		tmp = heap[worst];
		heap[worst] = heap[i];
		heap[i] = tmp;
		i = worst;
	}
}

/*
 * CreateState
 *		A new, empty state for n entries; memory grows as entries arrive.
 */
static TopState *
CreateState(int32 n)
{
	TopState   *state = palloc0(sizeof(TopState));

	state->n = n;
	return state;
}

/*
 * Offer
 *		Keep (id, value) if it ranks among the best n.  value is copied into
 *		CurrentMemoryContext, which must be the aggregate context.
 */
static void
Offer(TopState *state, int64 id, Numeric value)
{
	TopEntry	cand;

	cand.id = id;
	cand.isnull = (value == NULL || numeric_is_nan(value));
	cand.value = cand.isnull ? NULL : value;

	if (state->count == state->n)
	{
		TopEntry   *root = &state->heap[0];

		if (CompareEntries(&cand, root) >= 0)
			return;
		if (root->value)
			pfree(root->value);
		*root = cand;
		if (!cand.isnull)
			root->value = (Numeric) pg_detoast_datum_copy((struct varlena *) value);
		SiftDown(state->heap, state->count);
		return;
	}

	/*
	 * Not full yet: grow the array geometrically, never beyond n.  XXX A
	 * huge n over many rows fails once the array passes 1 GB (about 44
	 * million entries) instead of degrading gracefully.
	 */
	if (state->count == state->capacity)
	{
		int32		newcap = Min(Max(state->capacity * 2, 16), state->n);

		state->heap = state->heap ?
			repalloc(state->heap, sizeof(TopEntry) * newcap) :
			palloc(sizeof(TopEntry) * newcap);
		state->capacity = newcap;
	}
	if (!cand.isnull)
		cand.value = (Numeric) pg_detoast_datum_copy((struct varlena *) value);
	state->heap[state->count] = cand;
	SiftUp(state->heap, state->count++);
}

/*
 * movie_top_trans
 *		Transition function of movie_top_ids(value numeric, movie_id bigint,
 *		n integer).  Not STRICT: a NULL value ranks last, a NULL id skips the
 *		row, and n must be a constant of at least 1.
 */
Datum
movie_top_trans(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = AggMemoryContext(fcinfo);
	MemoryContext oldcxt;
	TopState   *state = PG_ARGISNULL(0) ? NULL : (TopState *) PG_GETARG_POINTER(0);
	Numeric		value = PG_ARGISNULL(1) ? NULL : PG_GETARG_NUMERIC(1);
	int32		n;

	if (PG_ARGISNULL(3) || PG_GETARG_INT32(3) < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("number of top entries must be at least 1")));
	n = PG_GETARG_INT32(3);
	if (state != NULL && state->n != n)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("number of top entries must be the same for every row"),
				 errdetail("The group started with %d and then got %d.",
						   state->n, n)));

	/* the value was detoasted per row; only what the heap keeps is copied */
	oldcxt = MemoryContextSwitchTo(aggcontext);
	if (state == NULL)
		state = CreateState(n);
	if (!PG_ARGISNULL(2))
		Offer(state, PG_GETARG_INT64(2), value);
	MemoryContextSwitchTo(oldcxt);
	PG_RETURN_POINTER(state);
}

/*
 * movie_top_combine
 *		Combine function of movie_top_ids.  Not STRICT: either side may be
 *		NULL; the result always lives in the aggregate context.
 */
Datum
movie_top_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = AggMemoryContext(fcinfo);
	MemoryContext oldcxt;
	TopState   *left = PG_ARGISNULL(0) ? NULL : (TopState *) PG_GETARG_POINTER(0);
	TopState   *right = PG_ARGISNULL(1) ? NULL : (TopState *) PG_GETARG_POINTER(1);

	if (right == NULL)
		PG_RETURN_POINTER(left);
	if (left != NULL && left->n != right->n)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("number of top entries must be the same for every row"),
				 errdetail("Partial results were built with %d and %d.",
						   left->n, right->n)));

	oldcxt = MemoryContextSwitchTo(aggcontext);
	if (left == NULL)
		left = CreateState(right->n);
	for (int i = 0; i < right->count; i++)
		Offer(left, right->heap[i].id, right->heap[i].value);
	MemoryContextSwitchTo(oldcxt);
	PG_RETURN_POINTER(left);
}

/*
 * movie_top_serialize
 *		Serialize function of movie_top_ids.  STRICT.  Values travel as
 *		text, so that the deserializer can check them with numeric_in.
 */
Datum
movie_top_serialize(PG_FUNCTION_ARGS)
{
	TopState   *state = (TopState *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	AggMemoryContext(fcinfo);
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, TOP_STATE_VERSION);
	pq_sendint32(&buf, state->n);
	pq_sendint32(&buf, state->count);
	for (int i = 0; i < state->count; i++)
	{
		TopEntry   *e = &state->heap[i];

		pq_sendint64(&buf, e->id);
		pq_sendbyte(&buf, e->isnull);
		if (!e->isnull)
		{
			char	   *s = DatumGetCString(DirectFunctionCall1(numeric_out,
																NumericGetDatum(e->value)));
			int			len = strlen(s);

			pq_sendint32(&buf, len);
			pq_sendbytes(&buf, s, len);
		}
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/*
 * movie_top_deserialize
 *		Deserialize function of movie_top_ids.  STRICT.  Every count and
 *		length is checked against the bytes that remain.
 */
Datum
movie_top_deserialize(PG_FUNCTION_ARGS)
{
	StringInfo	buf;
	TopState   *state;
	int32		n;
	int32		count;

	AggMemoryContext(fcinfo);
	buf = SerialBuffer(PG_GETARG_BYTEA_PP(0), TOP_STATE_VERSION);
	n = pq_getmsgint(buf, 4);
	count = pq_getmsgint(buf, 4);

	/* each entry takes at least 9 bytes */
	if (n < 1 || count < 0 || count > n || count > (buf->len - buf->cursor) / 9)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid serialized aggregate state"),
				 errdetail("A top-%d state claims %d entries in %d bytes.",
						   n, count, buf->len - buf->cursor)));

	state = CreateState(n);
	for (int i = 0; i < count; i++)
	{
		int64		id = pq_getmsgint64(buf);
		Numeric		value = NULL;

		/* a flag byte: 1 for a NULL value, 0 for a value that follows */
		if (pq_getmsgbyte(buf) == 0)
		{
			int			len = pq_getmsgint(buf, 4);
			char	   *text;

			if (len < 1 || len > buf->len - buf->cursor)
				ereport(ERROR,
						(errcode(ERRCODE_DATA_CORRUPTED),
						 errmsg("invalid serialized aggregate state"),
						 errdetail("A value claims %d bytes where %d remain.",
								   len, buf->len - buf->cursor)));
			text = pnstrdup(pq_getmsgbytes(buf, len), len);
			value = DatumGetNumeric(DirectFunctionCall3(numeric_in,
														CStringGetDatum(text),
														ObjectIdGetDatum(InvalidOid),
														Int32GetDatum(-1)));
		}
		Offer(state, id, value);
	}
	CheckSerialEnd(buf);
	PG_RETURN_POINTER(state);
}

/*
 * movie_top_final
 *		Final function of movie_top_ids: the kept ids, best first, as
 *		bigint[].  Not STRICT: no rows give an empty array.  Sorts a copy,
 *		so the state is left as it was.
 */
Datum
movie_top_final(PG_FUNCTION_ARGS)
{
	TopState   *state;
	TopEntry   *sorted;
	Datum	   *ids;

	AggMemoryContext(fcinfo);
	if (PG_ARGISNULL(0))
		PG_RETURN_ARRAYTYPE_P(construct_empty_array(INT8OID));
	state = (TopState *) PG_GETARG_POINTER(0);
	if (state->count == 0)
		PG_RETURN_ARRAYTYPE_P(construct_empty_array(INT8OID));

	sorted = palloc(sizeof(TopEntry) * state->count);
	memcpy(sorted, state->heap, sizeof(TopEntry) * state->count);
	qsort(sorted, state->count, sizeof(TopEntry), CompareEntriesQsort);

	ids = palloc(sizeof(Datum) * state->count);
	for (int i = 0; i < state->count; i++)
		ids[i] = Int64GetDatum(sorted[i].id);
	PG_RETURN_ARRAYTYPE_P(construct_array(ids, state->count, INT8OID,
										  sizeof(int64), true, TYPALIGN_DOUBLE));
}
