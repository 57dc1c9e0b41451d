/* query_trend.c — the question trend asks: for every profile a filter admits, its value
 * per cause, package or function in its newest analysis. The only text spliced into the
 * SQL is a heap column name taken from store_heap_types by index and a key column from
 * a fixed table; every other value is bound. */
#include <stdio.h>
#include <stdlib.h>

#include "query_int.h"

static const char *const key_cols[] = {
	[STORE_TREND_BY_CAUSE] = "s.cause", [STORE_TREND_BY_PACKAGE] = "s.package",
	[STORE_TREND_BY_FUNCTION] = "s.function",
};

/* a heap profile, by the heap types it has */
#define HEAP_PROFILE "coalesce(p.ix_alloc_objects, p.ix_alloc_space, p.ix_inuse_objects, p.ix_inuse_space) IS NOT NULL"

static int take_row(sqlite3_stmt *st, void *p)
{
	struct store_trend_row *r = p;
	int oom = 0;

	r->profile_id = sqlite3_column_int64(st, 0);
	r->name = query_text_req(st, 1, &oom);
	r->loaded_at = query_text_req(st, 2, &oom);
	r->key = query_text_req(st, 3, &oom);
	r->value = sqlite3_column_int64(st, 4);
	return -oom;
}

static void drop_row(void *p)
{
	struct store_trend_row *r = p;

	free(r->name);
	free(r->loaded_at);
	free(r->key);
}

enum esc_status store_trend(struct store *s, const struct store_profile_filter *f, int ix,
			    enum store_trend_by by, struct store_trend_row **rows, size_t *n,
			    int64_t *unanalysed, struct err *e)
{
	sqlite3_stmt *st;
	char head[1024], tail[256];
	int rc;

	*rows = NULL;
	*n = 0;
	*unanalysed = 0;
	if (!query_valid_ix(ix) || by < STORE_TREND_BY_CAUSE || by > STORE_TREND_BY_FUNCTION)
		return err_set(e, ESC_EUSAGE, "no heap sample type %d or grouping %d", ix, (int)by);
	/* over every profile at once: asked of the server itself */
	if (s->pg)
		return store_pg_trend(s, f, ix, by, rows, n, unanalysed, e);
	if (!(st = store_filtered(s, "SELECT count(*) FROM profile p WHERE " HEAP_PROFILE
				  " AND NOT EXISTS (SELECT 1 FROM analysis a WHERE a.profile_id = p.id)",
				  0, f, "", e)))
		return ESC_EDB;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*unanalysed = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return store_fail(s, e, "cannot count the profiles without an analysis");
	snprintf(head, sizeof(head),
		 "SELECT p.id, p.name, p.loaded_at, coalesce(%s, ''), sum(s.%s) FROM profile p"
		 " JOIN alloc_site s ON s.analysis_id = (SELECT max(a.id) FROM analysis a WHERE a.profile_id = p.id)"
		 " WHERE " HEAP_PROFILE, key_cols[by], store_heap_types[ix]);
	snprintf(tail, sizeof(tail), " GROUP BY p.id, p.name, p.loaded_at, %s HAVING sum(s.%s) != 0"
		 " ORDER BY p.loaded_at, p.id, 5 DESC, 4", key_cols[by], store_heap_types[ix]);
	if (!(st = store_filtered(s, head, 0, f, tail, e)))
		return ESC_EDB;
	return query_rows(s, st, sizeof(**rows), take_row, drop_row, rows, n,
			  "cannot read the trend", e);
}

void store_trend_rows_free(struct store_trend_row *rows, size_t n)
{
	query_rows_free(rows, n, sizeof(*rows), drop_row);
}
