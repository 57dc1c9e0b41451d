/* query_check.c — the questions a budget check asks: an analysis's sites grouped by total,
 * package, function, site or cause with their sums and biggest site, and a profile's
 * total per heap type; see store.h. Every value is bound; the only text spliced into SQL
 * is a grouping key and a heap column name, both taken from static tables by index. The
 * SQL is standard (window functions, ||, coalesce): nothing in it is SQLite's own. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

static char *text_col(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return strdup(t ? (const char *)t : "");
}

void store_entities_free(struct store_entity *rows, size_t n)
{
	size_t i;

	for (i = 0; rows && i < n; i++) {
		free(rows[i].name);
		free(rows[i].file);
	}
	free(rows);
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
	struct store_entity *v = NULL;
	size_t cap = 0, k = 0;
	sqlite3_stmt *st;
	char sql[1024];
	int rc;

	*rows = NULL;
	*n = 0;
	if (ix < 0 || ix >= STORE_NHEAP)
		return err_set(e, ESC_EUSAGE, "no heap sample type %d", ix);
	if ((int)by < 0 || by > STORE_BY_CAUSE)
		return err_set(e, ESC_EUSAGE, "no grouping %d", (int)by);
	/* the biggest site of each group is its first row by value, then by site order */
	snprintf(sql, sizeof(sql),
		 "SELECT k, coalesce(total, 0), file, line FROM ("
		 "SELECT k, sum(v) OVER (PARTITION BY k) AS total, file, line,"
		 " row_number() OVER (PARTITION BY k ORDER BY coalesce(v, 0) DESC, site_id) AS rn"
		 " FROM (SELECT %s AS k, %s AS v, file, line, site_id FROM alloc_site"
		 " WHERE analysis_id = ?) AS sites) AS ranked WHERE rn = 1 ORDER BY k",
		 key[by], store_heap_types[ix]);
	if (store_prepare(s, sql, &st, e))
		return ESC_EDB;
	sqlite3_bind_int64(st, 1, analysis_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (k == cap) {
			struct store_entity *nv;

			cap = cap ? 2 * cap : 64;
			if (!(nv = realloc(v, cap * sizeof(*v))))
				break;
			v = nv;
		}
		v[k] = (struct store_entity){text_col(st, 0), sqlite3_column_int64(st, 1),
					     text_col(st, 2), sqlite3_column_int64(st, 3)};
		if (!v[k].name || !v[k].file) {
			k++;	/* freed with the others */
			break;
		}
		k++;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW) {
		store_entities_free(v, k);
		return err_set(e, ESC_ENOMEM, "out of memory");
	}
	if (rc != SQLITE_DONE) {
		store_entities_free(v, k);
		return store_fail(s, e, "cannot read the analysis's sites");
	}
	*rows = v;
	*n = k;
	return ESC_OK;
}

