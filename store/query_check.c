/* query_check.c — the questions a budget check asks: an analysis's sites grouped by total,
 * package, function, site or cause with their sums and biggest site, and a profile's
 * total per heap type; see store.h. Every value is bound; the only text spliced into SQL
 * is a grouping key and a heap column name, both taken from static tables by index. The
 * SQL is standard (window functions, ||, coalesce): nothing in it is SQLite's own. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query_int.h"

static void drop_entity(void *p)
{
	struct store_entity *r = p;

	free(r->name);
	free(r->file);
	free(r->function);
}

static int take_entity(sqlite3_stmt *st, void *p)
{
	struct store_entity *r = p;
	int oom = 0;

	*r = (struct store_entity){query_text_req(st, 0, &oom), sqlite3_column_int64(st, 1),
				   query_text_req(st, 2, &oom), sqlite3_column_int64(st, 3),
				   query_text_req(st, 4, &oom)};
	return -oom;
}

void store_entities_free(struct store_entity *rows, size_t n)
{
	query_rows_free(rows, n, sizeof(*rows), drop_entity);
}

enum esc_status store_analysis_entities(struct store *s, int64_t analysis_id, enum store_group by,
					int ix, struct store_entity **rows, size_t *n, struct err *e)
{
	static const char *const key[] = {
		[STORE_BY_TOTAL] = "'total'",
		[STORE_BY_PACKAGE] = "coalesce(package, '')",
		[STORE_BY_FUNCTION] = "function",
		[STORE_BY_SITE] = "file || ':' || line",
		[STORE_BY_CAUSE] = "cause",
	};
	sqlite3_stmt *st;
	char sql[1024];

	*rows = NULL;
	*n = 0;
	if (!query_valid_ix(ix))
		return err_set(e, ESC_EUSAGE, "no heap sample type %d", ix);
	if ((int)by < 0 || by > STORE_BY_CAUSE)
		return err_set(e, ESC_EUSAGE, "no grouping %d", (int)by);
	STORE_NEED(store_need_analysis(s, analysis_id, e));
	/* the biggest site of each group is its first row by value, then by site order */
	snprintf(sql, sizeof(sql),
		 "SELECT k, coalesce(total, 0), file, line, function FROM ("
		 "SELECT k, sum(v) OVER (PARTITION BY k) AS total, file, line, function,"
		 " row_number() OVER (PARTITION BY k ORDER BY coalesce(v, 0) DESC, site_id) AS rn"
		 " FROM (SELECT %s AS k, %s AS v, file, line, function, site_id FROM alloc_site"
		 " WHERE analysis_id = ?) AS sites) AS ranked WHERE rn = 1 ORDER BY k",
		 key[by], store_heap_types[ix]);
	if (store_prepare(s, sql, &st, e))
		return ESC_EDB;
	sqlite3_bind_int64(st, 1, analysis_id);
	return query_rows(s, st, sizeof(**rows), take_entity, drop_entity, rows, n,
			  "cannot read the analysis's sites", e);
}

