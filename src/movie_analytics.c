/*-------------------------------------------------------------------------
 *
 * movie_analytics.c
 *	  Module entry point of the movie_analytics extension.
 *
 * The SQL-callable functions live in one file per concern: loader.c (CSV
 * loading), summary.c and topn.c (aggregates).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/guc.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

/*
 * _PG_init
 *		Reserve the extension's prefix for configuration parameters.
 */
void
_PG_init(void)
{
	MarkGUCPrefixReserved("movie_analytics");
}
