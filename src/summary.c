/*-------------------------------------------------------------------------
 *
 * summary.c
 *	  The catalogue and sales summary aggregates.
 *
 * movie_catalog_stats and movie_sales_stats compute in one pass what the
 * overview shows.  Whole-dollar sums are 128-bit integers, numeric sums
 * use the server's numeric accumulator, and nothing is ever summed in
 * floating point, so serial and parallel plans give the same digits.
 *
 * Conventions (the README states them for users):
 *	  - profit is known when budget and gross are both known; a movie is
 *		profitable when its gross exceeds its budget; the profitable share
 *		is taken over movies with a known profit;
 *	  - ROI exists only for a budget above zero; the average ROI is the mean
 *		of each movie's ROI rounded to 2 decimals, half away from zero;
 *	  - weekend days are Saturday and Sunday.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "datatype/timestamp.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/numeric.h"

#include "aggutil.h"

#define CATALOG_STATE_VERSION	1
#define SALES_STATE_VERSION		1

/* A set of distinct text values, by their bytes (open addressing). */
typedef struct StringSet
{
	int			count;
	int			capacity;		/* a power of two, or 0 */
	uint32	   *hashes;
	text	  **items;
} StringSet;

/* Running state of movie_catalog_stats. */
typedef struct CatalogState
{
	int64		movies;
	int64		grosscount;
	int128		grosssum;
	int64		budgetcount;
	int128		budgetsum;
	int64		ratingcount;
	void	   *ratingsum;		/* numeric sum of ratings */
	int64		profitknown;
	int128		profitsum;
	int64		profitable;
	int64		roicount;
	int128		roisum;			/* hundredths of a percent */
	bool		hasdates;
	DateADT		firstrelease;
	DateADT		lastrelease;
	StringSet	genres;
	StringSet	studios;
} CatalogState;

/* Sales of one kind of day. */
typedef struct SalesPart
{
	int64		rows;
	int64		ticketcount;
	int128		ticketsum;
	void	   *revenue;		/* numeric sum of revenue */
} SalesPart;

/* The kinds of day a sales row can fall on. */
#define SALES_WEEKDAY	0
#define SALES_WEEKEND	1
#define SALES_UNDATED	2
#define SALES_PARTS		3

/* Running state of movie_sales_stats. */
typedef struct SalesState
{
	SalesPart	parts[SALES_PARTS];
	bool		hasdates;
	DateADT		firstsale;
	DateADT		lastsale;
} SalesState;

/* Column types of movie_catalog_summary and movie_sales_summary. */
static const Oid CatalogSummaryTypes[] = {
	INT8OID, NUMERICOID, NUMERICOID, NUMERICOID, NUMERICOID, NUMERICOID,
	NUMERICOID, NUMERICOID, INT8OID, NUMERICOID, NUMERICOID, INT8OID, INT8OID,
	DATEOID, DATEOID
};
static const Oid SalesSummaryTypes[] = {
	INT8OID, NUMERICOID, NUMERICOID, NUMERICOID, INT8OID, NUMERICOID,
	NUMERICOID, NUMERICOID, INT8OID, NUMERICOID, NUMERICOID, NUMERICOID,
	DATEOID, DATEOID
};

PG_FUNCTION_INFO_V1(movie_catalog_trans);
PG_FUNCTION_INFO_V1(movie_catalog_combine);
PG_FUNCTION_INFO_V1(movie_catalog_serialize);
PG_FUNCTION_INFO_V1(movie_catalog_deserialize);
PG_FUNCTION_INFO_V1(movie_catalog_final);
PG_FUNCTION_INFO_V1(movie_sales_trans);
PG_FUNCTION_INFO_V1(movie_sales_combine);
PG_FUNCTION_INFO_V1(movie_sales_serialize);
PG_FUNCTION_INFO_V1(movie_sales_deserialize);
PG_FUNCTION_INFO_V1(movie_sales_final);

/*
 * StringSetAdd
 *		Add a copy of the bytes s[0..len) unless the set has them already.
 *
 * Allocates in CurrentMemoryContext, which the caller sets to the
 * aggregate context.
 */
static void
StringSetAdd(StringSet *set, const char *s, int len)
{
	uint32		hash = hash_bytes((const unsigned char *) s, len);
	int			slot;
	text	   *item;

	/* keep the table at most half full */
	if (set->count * 2 >= set->capacity)
	{
		StringSet	bigger;

		bigger.count = 0;
		bigger.capacity = set->capacity ? set->capacity * 2 : 16;
		bigger.hashes = palloc0(sizeof(uint32) * bigger.capacity);
		bigger.items = palloc0(sizeof(text *) * bigger.capacity);
		for (int i = 0; i < set->capacity; i++)
		{
			if (set->items[i] == NULL)
				continue;
			slot = set->hashes[i] & (bigger.capacity - 1);
			while (bigger.items[slot] != NULL)
				slot = (slot + 1) & (bigger.capacity - 1);
			bigger.hashes[slot] = set->hashes[i];
			bigger.items[slot] = set->items[i];
			bigger.count++;
		}
		if (set->capacity)
		{
			pfree(set->hashes);
			pfree(set->items);
		}
		*set = bigger;
	}

	slot = hash & (set->capacity - 1);
	while (set->items[slot] != NULL)
	{
		text	   *t = set->items[slot];

		if (set->hashes[slot] == hash && VARSIZE(t) - VARHDRSZ == len &&
			memcmp(VARDATA(t), s, len) == 0)
			return;
		slot = (slot + 1) & (set->capacity - 1);
	}

	item = palloc(VARHDRSZ + len);
	SET_VARSIZE(item, VARHDRSZ + len);
	memcpy(VARDATA(item), s, len);
	set->hashes[slot] = hash;
	set->items[slot] = item;
	set->count++;
}

/*
 * StringSetMerge
 *		Add every member of src to dst.
 */
static void
StringSetMerge(StringSet *dst, StringSet *src)
{
	for (int i = 0; i < src->capacity; i++)
		if (src->items[i] != NULL)
			StringSetAdd(dst, VARDATA(src->items[i]),
						 VARSIZE(src->items[i]) - VARHDRSZ);
}

/*
 * StringSetSerialize
 *		Append the set's members to a serialized state.
 */
static void
StringSetSerialize(StringInfo buf, StringSet *set)
{
	pq_sendint32(buf, set->count);
	for (int i = 0; i < set->capacity; i++)
	{
		text	   *t = set->items[i];

		if (t == NULL)
			continue;
		pq_sendint32(buf, VARSIZE(t) - VARHDRSZ);
		pq_sendbytes(buf, VARDATA(t), VARSIZE(t) - VARHDRSZ);
	}
}

/*
 * StringSetDeserialize
 *		Read members written by StringSetSerialize into an empty set.
 */
static void
StringSetDeserialize(StringInfo buf, StringSet *set)
{
	int			count = pq_getmsgint(buf, 4);

	/* each member takes at least its 4-byte length */
	if (count < 0 || count > (buf->len - buf->cursor) / 4)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("invalid serialized aggregate state"),
				 errdetail("A set claims %d members in %d bytes.",
						   count, buf->len - buf->cursor)));
	for (int i = 0; i < count; i++)
	{
		int			len = pq_getmsgint(buf, 4);

		if (len < 0 || len > buf->len - buf->cursor)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("invalid serialized aggregate state"),
					 errdetail("A set member claims %d bytes where %d remain.",
							   len, buf->len - buf->cursor)));
		StringSetAdd(set, pq_getmsgbytes(buf, len), len);
	}
}

/*
 * RoiHundredths
 *		(gross - budget) / budget * 100, in hundredths of a percent, rounded
 *		half away from zero; budget must be positive.
 */
static int128
RoiHundredths(int64 gross, int64 budget)
{
	int128		num = ((int128) gross - budget) * 10000;
	int128		q = num / budget;
	int128		r = num % budget;

	if (r < 0)
		r = -r;
	if (2 * r >= budget)
		q += (num < 0) ? -1 : 1;
	return q;
}

/*
 * MergeDateRange
 *		Widen [*first, *last] to include d.
 */
static void
MergeDateRange(bool *has, DateADT *first, DateADT *last, DateADT d)
{
	if (!*has || d < *first)
		*first = d;
	if (!*has || d > *last)
		*last = d;
	*has = true;
}

/*
 * movie_catalog_trans
 *		Transition function of movie_catalog_stats(total_gross bigint,
 *		budget bigint, imdb_rating numeric, genre text, studio text,
 *		release_date date).  Not STRICT: NULL arguments are skipped one by
 *		one, and the state is created in the aggregate context on the first
 *		call.
 */
Datum
movie_catalog_trans(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = AggMemoryContext(fcinfo);
	MemoryContext oldcxt;
	CatalogState *state;
	bool		hasgross = !PG_ARGISNULL(1);
	bool		hasbudget = !PG_ARGISNULL(2);
	int64		gross = hasgross ? PG_GETARG_INT64(1) : 0;
	int64		budget = hasbudget ? PG_GETARG_INT64(2) : 0;
	text	   *genre = PG_ARGISNULL(4) ? NULL : PG_GETARG_TEXT_PP(4);
	text	   *studio = PG_ARGISNULL(5) ? NULL : PG_GETARG_TEXT_PP(5);

	/* the state lives in the aggregate context; arguments stay per row */
	if (PG_ARGISNULL(0))
		state = MemoryContextAllocZero(aggcontext, sizeof(CatalogState));
	else
		state = (CatalogState *) PG_GETARG_POINTER(0);

	state->movies++;
	if (hasgross)
	{
		state->grosscount++;
		state->grosssum += gross;
	}
	if (hasbudget)
	{
		state->budgetcount++;
		state->budgetsum += budget;
	}
	if (hasgross && hasbudget)
	{
		state->profitknown++;
		state->profitsum += (int128) gross - budget;
		if (gross > budget)
			state->profitable++;
		if (budget > 0)
		{
			state->roicount++;
			state->roisum += RoiHundredths(gross, budget);
		}
	}

	/*
	 * The numeric accumulator keeps its own memory in the aggregate context;
	 * the set copies into it what it keeps.
	 */
	if (!PG_ARGISNULL(3))
	{
		state->ratingcount++;
		state->ratingsum = NumericSumAdd(fcinfo, state->ratingsum,
										 PG_GETARG_DATUM(3), false);
	}
	oldcxt = MemoryContextSwitchTo(aggcontext);
	if (!PG_ARGISNULL(4))
		StringSetAdd(&state->genres, VARDATA_ANY(genre), VARSIZE_ANY_EXHDR(genre));
	if (!PG_ARGISNULL(5))
		StringSetAdd(&state->studios, VARDATA_ANY(studio), VARSIZE_ANY_EXHDR(studio));
	MemoryContextSwitchTo(oldcxt);
	if (!PG_ARGISNULL(6))
		MergeDateRange(&state->hasdates, &state->firstrelease,
					   &state->lastrelease, PG_GETARG_DATEADT(6));

	PG_RETURN_POINTER(state);
}

/*
 * movie_catalog_combine
 *		Combine function of movie_catalog_stats.  Not STRICT: either side may
 *		be NULL; the result always lives in the aggregate context.
 */
Datum
movie_catalog_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = AggMemoryContext(fcinfo);
	MemoryContext oldcxt;
	CatalogState *left = PG_ARGISNULL(0) ? NULL : (CatalogState *) PG_GETARG_POINTER(0);
	CatalogState *right = PG_ARGISNULL(1) ? NULL : (CatalogState *) PG_GETARG_POINTER(1);

	if (right == NULL)
		PG_RETURN_POINTER(left);

	oldcxt = MemoryContextSwitchTo(aggcontext);
	if (left == NULL)
		left = palloc0(sizeof(CatalogState));

	left->movies += right->movies;
	left->grosscount += right->grosscount;
	left->grosssum += right->grosssum;
	left->budgetcount += right->budgetcount;
	left->budgetsum += right->budgetsum;
	left->ratingcount += right->ratingcount;
	left->ratingsum = NumericSumCombine(fcinfo, left->ratingsum,
										right->ratingsum);
	left->profitknown += right->profitknown;
	left->profitsum += right->profitsum;
	left->profitable += right->profitable;
	left->roicount += right->roicount;
	left->roisum += right->roisum;
	if (right->hasdates)
	{
		MergeDateRange(&left->hasdates, &left->firstrelease,
					   &left->lastrelease, right->firstrelease);
		MergeDateRange(&left->hasdates, &left->firstrelease,
					   &left->lastrelease, right->lastrelease);
	}
	StringSetMerge(&left->genres, &right->genres);
	StringSetMerge(&left->studios, &right->studios);

	MemoryContextSwitchTo(oldcxt);
	PG_RETURN_POINTER(left);
}

/*
 * movie_catalog_serialize
 *		Serialize function of movie_catalog_stats.  STRICT.
 */
Datum
movie_catalog_serialize(PG_FUNCTION_ARGS)
{
	CatalogState *state = (CatalogState *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	AggMemoryContext(fcinfo);
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, CATALOG_STATE_VERSION);
	pq_sendint64(&buf, state->movies);
	pq_sendint64(&buf, state->grosscount);
	SendInt128(&buf, state->grosssum);
	pq_sendint64(&buf, state->budgetcount);
	SendInt128(&buf, state->budgetsum);
	pq_sendint64(&buf, state->ratingcount);
	NumericSumSerialize(fcinfo, &buf, state->ratingsum);
	pq_sendint64(&buf, state->profitknown);
	SendInt128(&buf, state->profitsum);
	pq_sendint64(&buf, state->profitable);
	pq_sendint64(&buf, state->roicount);
	SendInt128(&buf, state->roisum);
	pq_sendbyte(&buf, state->hasdates);
	pq_sendint32(&buf, state->firstrelease);
	pq_sendint32(&buf, state->lastrelease);
	StringSetSerialize(&buf, &state->genres);
	StringSetSerialize(&buf, &state->studios);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/*
 * movie_catalog_deserialize
 *		Deserialize function of movie_catalog_stats.  STRICT.  The state is
 *		built in the current context; the combine function copies it.
 */
Datum
movie_catalog_deserialize(PG_FUNCTION_ARGS)
{
	StringInfo	buf;
	CatalogState *state = palloc0(sizeof(CatalogState));

	AggMemoryContext(fcinfo);
	buf = SerialBuffer(PG_GETARG_BYTEA_PP(0), CATALOG_STATE_VERSION);
	state->movies = pq_getmsgint64(buf);
	state->grosscount = pq_getmsgint64(buf);
	state->grosssum = GetInt128(buf);
	state->budgetcount = pq_getmsgint64(buf);
	state->budgetsum = GetInt128(buf);
	state->ratingcount = pq_getmsgint64(buf);
	state->ratingsum = NumericSumDeserialize(fcinfo, buf);
	state->profitknown = pq_getmsgint64(buf);
	state->profitsum = GetInt128(buf);
	state->profitable = pq_getmsgint64(buf);
	state->roicount = pq_getmsgint64(buf);
	state->roisum = GetInt128(buf);
	state->hasdates = pq_getmsgbyte(buf) != 0;
	state->firstrelease = pq_getmsgint(buf, 4);
	state->lastrelease = pq_getmsgint(buf, 4);
	StringSetDeserialize(buf, &state->genres);
	StringSetDeserialize(buf, &state->studios);
	CheckSerialEnd(buf);
	PG_RETURN_POINTER(state);
}

/*
 * ResultTuple
 *		Form the composite result of a final function from its values.
 *
 * The row type comes from the database's catalog, which may belong to
 * another version of the extension than this library; its layout is checked
 * against the values' types before any value is placed in it.
 */
static Datum
ResultTuple(FunctionCallInfo fcinfo, const Oid *types, int ntypes,
			Datum *values, bool *nulls)
{
	TupleDesc	desc;
	bool		matches;

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	matches = (desc->natts == ntypes);
	for (int i = 0; matches && i < ntypes; i++)
		matches = !TupleDescAttr(desc, i)->attisdropped &&
			TupleDescAttr(desc, i)->atttypid == types[i];
	if (!matches)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("result type %s does not match the installed movie_analytics library",
						format_type_be(get_fn_expr_rettype(fcinfo->flinfo))),
				 errhint("Run ALTER EXTENSION movie_analytics UPDATE, or reinstall the library that matches the extension's version.")));
	desc = BlessTupleDesc(desc);
	return HeapTupleGetDatum(heap_form_tuple(desc, values, nulls));
}

/*
 * Int128SumOrNull
 *		An exact sum, or NULL when no value was summed (as SQL sum does).
 */
static Datum
Int128SumOrNull(int128 sum, int64 count, bool *isnull)
{
	*isnull = (count == 0);
	return *isnull ? (Datum) 0 : Int128GetNumeric(sum);
}

/*
 * movie_catalog_final
 *		Final function of movie_catalog_stats; returns movie_catalog_summary.
 *		Not STRICT: with no rows it returns zero counts and NULL averages.
 */
Datum
movie_catalog_final(PG_FUNCTION_ARGS)
{
	CatalogState empty;
	CatalogState *state;
	Datum		values[15];
	bool		nulls[15];

	AggMemoryContext(fcinfo);
	memset(&empty, 0, sizeof(empty));
	state = PG_ARGISNULL(0) ? &empty : (CatalogState *) PG_GETARG_POINTER(0);
	memset(nulls, false, sizeof(nulls));

	/* counts, and exact sums that are NULL when nothing was summed */
	values[0] = Int64GetDatum(state->movies);
	values[1] = Int128SumOrNull(state->grosssum, state->grosscount, &nulls[1]);
	values[2] = Int128SumOrNull(state->budgetsum, state->budgetcount, &nulls[2]);
	values[3] = Int128SumOrNull(state->profitsum, state->profitknown, &nulls[3]);

	/* means over the known values; NULL when there are none */
	nulls[4] = (state->budgetcount == 0);
	if (!nulls[4])
		values[4] = NumericQuotient(values[2], state->budgetcount);
	nulls[5] = (state->grosscount == 0);
	if (!nulls[5])
		values[5] = NumericQuotient(values[1], state->grosscount);
	values[6] = NumericSumAverage(state->ratingsum, state->ratingcount, &nulls[6]);
	nulls[7] = (state->profitknown == 0);
	if (!nulls[7])
		values[7] = NumericQuotient(values[3], state->profitknown);

	/* profitable share and ROI */
	values[8] = Int64GetDatum(state->profitable);
	nulls[9] = (state->profitknown == 0);
	if (!nulls[9])
		values[9] = NumericQuotient(Int128GetNumeric((int128) state->profitable * 100),
									state->profitknown);
	nulls[10] = (state->roicount == 0);
	if (!nulls[10])
		values[10] = NumericQuotient(Int128GetNumeric(state->roisum),
									 state->roicount * 100);

	values[11] = Int64GetDatum(state->genres.count);
	values[12] = Int64GetDatum(state->studios.count);
	nulls[13] = nulls[14] = !state->hasdates;
	values[13] = DateADTGetDatum(state->firstrelease);
	values[14] = DateADTGetDatum(state->lastrelease);

	PG_RETURN_DATUM(ResultTuple(fcinfo, CatalogSummaryTypes,
								lengthof(CatalogSummaryTypes), values, nulls));
}

/*
 * movie_sales_trans
 *		Transition function of movie_sales_stats(tickets_sold bigint,
 *		revenue numeric, sale_date date).  Not STRICT: NULL arguments are
 *		skipped one by one; a row without a date counts in the totals only.
 */
Datum
movie_sales_trans(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = AggMemoryContext(fcinfo);
	SalesState *state;
	SalesPart  *part;
	int			kind = SALES_UNDATED;

	if (PG_ARGISNULL(0))
		state = MemoryContextAllocZero(aggcontext, sizeof(SalesState));
	else
		state = (SalesState *) PG_GETARG_POINTER(0);

	/* Saturday and Sunday are the weekend; j2day counts from Sunday = 0 */
	if (!PG_ARGISNULL(3))
	{
		DateADT		d = PG_GETARG_DATEADT(3);
		int			dow;

		if (DATE_NOT_FINITE(d))
			ereport(ERROR,
					(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
					 errmsg("sale date must be finite")));
		dow = j2day(d + POSTGRES_EPOCH_JDATE);
		kind = (dow == 0 || dow == 6) ? SALES_WEEKEND : SALES_WEEKDAY;
		MergeDateRange(&state->hasdates, &state->firstsale,
					   &state->lastsale, d);
	}

	part = &state->parts[kind];
	part->rows++;
	if (!PG_ARGISNULL(1))
	{
		part->ticketcount++;
		part->ticketsum += PG_GETARG_INT64(1);
	}
	part->revenue = NumericSumAdd(fcinfo, part->revenue,
								  PG_ARGISNULL(2) ? (Datum) 0 : PG_GETARG_DATUM(2),
								  PG_ARGISNULL(2));
	PG_RETURN_POINTER(state);
}

/*
 * movie_sales_combine
 *		Combine function of movie_sales_stats.  Not STRICT: either side may
 *		be NULL; the result always lives in the aggregate context.
 */
Datum
movie_sales_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcontext = AggMemoryContext(fcinfo);
	MemoryContext oldcxt;
	SalesState *left = PG_ARGISNULL(0) ? NULL : (SalesState *) PG_GETARG_POINTER(0);
	SalesState *right = PG_ARGISNULL(1) ? NULL : (SalesState *) PG_GETARG_POINTER(1);

	if (right == NULL)
		PG_RETURN_POINTER(left);

	oldcxt = MemoryContextSwitchTo(aggcontext);
	if (left == NULL)
		left = palloc0(sizeof(SalesState));
	for (int i = 0; i < SALES_PARTS; i++)
	{
		left->parts[i].rows += right->parts[i].rows;
		left->parts[i].ticketcount += right->parts[i].ticketcount;
		left->parts[i].ticketsum += right->parts[i].ticketsum;
		left->parts[i].revenue = NumericSumCombine(fcinfo,
												   left->parts[i].revenue,
												   right->parts[i].revenue);
	}
	if (right->hasdates)
	{
		MergeDateRange(&left->hasdates, &left->firstsale, &left->lastsale,
					   right->firstsale);
		MergeDateRange(&left->hasdates, &left->firstsale, &left->lastsale,
					   right->lastsale);
	}

	MemoryContextSwitchTo(oldcxt);
	PG_RETURN_POINTER(left);
}

/*
 * movie_sales_serialize
 *		Serialize function of movie_sales_stats.  STRICT.
 */
Datum
movie_sales_serialize(PG_FUNCTION_ARGS)
{
	SalesState *state = (SalesState *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	AggMemoryContext(fcinfo);
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, SALES_STATE_VERSION);
	for (int i = 0; i < SALES_PARTS; i++)
	{
		pq_sendint64(&buf, state->parts[i].rows);
		pq_sendint64(&buf, state->parts[i].ticketcount);
		SendInt128(&buf, state->parts[i].ticketsum);
		NumericSumSerialize(fcinfo, &buf, state->parts[i].revenue);
	}
	pq_sendbyte(&buf, state->hasdates);
	pq_sendint32(&buf, state->firstsale);
	pq_sendint32(&buf, state->lastsale);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/*
 * movie_sales_deserialize
 *		Deserialize function of movie_sales_stats.  STRICT.  The state is
 *		built in the current context; the combine function copies it.
 */
Datum
movie_sales_deserialize(PG_FUNCTION_ARGS)
{
	StringInfo	buf;
	SalesState *state = palloc0(sizeof(SalesState));

	AggMemoryContext(fcinfo);
	buf = SerialBuffer(PG_GETARG_BYTEA_PP(0), SALES_STATE_VERSION);
	for (int i = 0; i < SALES_PARTS; i++)
	{
		state->parts[i].rows = pq_getmsgint64(buf);
		state->parts[i].ticketcount = pq_getmsgint64(buf);
		state->parts[i].ticketsum = GetInt128(buf);
		state->parts[i].revenue = NumericSumDeserialize(fcinfo, buf);
	}
	state->hasdates = pq_getmsgbyte(buf) != 0;
	state->firstsale = pq_getmsgint(buf, 4);
	state->lastsale = pq_getmsgint(buf, 4);
	CheckSerialEnd(buf);
	PG_RETURN_POINTER(state);
}

/*
 * AverageTickets
 *		Mean tickets per row that has a count; NULL when none has.
 */
static Datum
AverageTickets(int128 sum, int64 count, bool *isnull)
{
	*isnull = (count == 0);
	if (*isnull)
		return (Datum) 0;
	return NumericQuotient(Int128GetNumeric(sum), count);
}

/*
 * movie_sales_final
 *		Final function of movie_sales_stats; returns movie_sales_summary.
 *		Not STRICT: with no rows it returns zero totals and NULL averages.
 */
Datum
movie_sales_final(PG_FUNCTION_ARGS)
{
	SalesState	empty;
	SalesState *state;
	SalesPart  *wd,
			   *we,
			   *un;
	Datum		values[14];
	bool		nulls[14];
	int64		ticketcount;
	int128		ticketsum;
	void	   *allrevenue;
	Datum		revenue;

	AggMemoryContext(fcinfo);
	memset(&empty, 0, sizeof(empty));
	state = PG_ARGISNULL(0) ? &empty : (SalesState *) PG_GETARG_POINTER(0);
	wd = &state->parts[SALES_WEEKDAY];
	we = &state->parts[SALES_WEEKEND];
	un = &state->parts[SALES_UNDATED];
	memset(nulls, false, sizeof(nulls));

	/* totals over every row */
	ticketcount = wd->ticketcount + we->ticketcount + un->ticketcount;
	ticketsum = wd->ticketsum + we->ticketsum + un->ticketsum;
	allrevenue = NumericSumCombine(fcinfo, NULL, wd->revenue);
	allrevenue = NumericSumCombine(fcinfo, allrevenue, we->revenue);
	allrevenue = NumericSumCombine(fcinfo, allrevenue, un->revenue);
	revenue = NumericSumResult(allrevenue, &nulls[2]);
	values[0] = Int64GetDatum(wd->rows + we->rows + un->rows);
	values[1] = Int128SumOrNull(ticketsum, ticketcount, &nulls[1]);
	values[2] = revenue;
	values[3] = AverageTickets(ticketsum, ticketcount, &nulls[3]);

	/* weekend, then weekday */
	values[4] = Int64GetDatum(we->rows);
	values[5] = Int128SumOrNull(we->ticketsum, we->ticketcount, &nulls[5]);
	values[6] = NumericSumResult(we->revenue, &nulls[6]);
	values[7] = AverageTickets(we->ticketsum, we->ticketcount, &nulls[7]);
	values[8] = Int64GetDatum(wd->rows);
	values[9] = Int128SumOrNull(wd->ticketsum, wd->ticketcount, &nulls[9]);
	values[10] = NumericSumResult(wd->revenue, &nulls[10]);
	values[11] = AverageTickets(wd->ticketsum, wd->ticketcount, &nulls[11]);

	nulls[12] = nulls[13] = !state->hasdates;
	values[12] = DateADTGetDatum(state->firstsale);
	values[13] = DateADTGetDatum(state->lastsale);

	PG_RETURN_DATUM(ResultTuple(fcinfo, SalesSummaryTypes,
								lengthof(SalesSummaryTypes), values, nulls));
}
