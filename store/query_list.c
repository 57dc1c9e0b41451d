/* query_list.c — what list asks of the store: the source lines of an analysis that
 * allocate, their sites summed. SQL groups by line and cause; the causes of a line are
 * gathered here into a list (no string aggregate in the SQL, so the same rows come out of
 * any SQL database). */
#include <stdio.h>

#include "common/vec.h"
#include "query_int.h"

static void line_release(struct store_line_sum *r)
{
	size_t j;

	free(r->function);
	free(r->file);
	for (j = 0; j < r->ncauses; j++)
		free(r->causes[j]);
	free(r->causes);
}

void store_line_sums_free(struct store_line_sum *rows, size_t n)
{
	size_t i;

	for (i = 0; rows && i < n; i++)
		line_release(&rows[i]);
	free(rows);
}

static int same_line(const struct store_line_sum *r, sqlite3_stmt *st)
{
	const char *fn = (const char *)sqlite3_column_text(st, 0);
	const char *file = (const char *)sqlite3_column_text(st, 1);

	return fn && file && !strcmp(r->function, fn) && !strcmp(r->file, file) &&
	       r->line == sqlite3_column_int64(st, 2);
}

enum esc_status store_line_sums(struct store *s, int64_t analysis_id, int type,
				struct store_line_sum **rows, size_t *n, struct err *e)
{
	struct store_line_sum *v = NULL, *r = NULL;
	size_t nv = 0, cap = 0, ccap = 0;
	sqlite3_stmt *st = NULL;
	enum esc_status ret;
	char sql[512];
	int rc, bad = 0;

	STORE_NEED(store_need_analysis(s, analysis_id, e));

	*rows = NULL;
	*n = 0;
	if (!query_valid_ix(type))
		return err_set(e, ESC_EUSAGE, "no heap type %d", type);
	/* a line's causes in the order of their first site */
	snprintf(sql, sizeof(sql), "SELECT function, file, line, cause, coalesce(sum(%s), 0),"
		 " coalesce(sum(%s), 0) FROM alloc_site WHERE analysis_id = ?"
		 " GROUP BY function, file, line, cause ORDER BY function, file, line, min(site_id)",
		 store_heap_types[type], store_heap_types[store_heap_objects_of(type)]);
	if ((ret = store_prepare(s, sql, &st, e)))
		return ret;
	sqlite3_bind_int64(st, 1, analysis_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!r || !same_line(r, st)) {
			if (r && !r->value)
				line_release(&v[--nv]);	/* sums to 0: does not allocate */
			if (vec_reserve(&v, &cap, nv + 1, sizeof(*v), 32)) {
				ret = query_oom(s, e);
				goto out;
			}
			r = &v[nv++];
			memset(r, 0, sizeof(*r));
			ccap = 0;
			r->function = query_text(st, 0, &bad);
			r->file = query_text(st, 1, &bad);
			r->line = sqlite3_column_int64(st, 2);
		}
		if (vec_reserve(&r->causes, &ccap, r->ncauses + 1, sizeof(*r->causes), 2)) {
			ret = query_oom(s, e);
			goto out;
		}
		r->causes[r->ncauses++] = query_text(st, 3, &bad);
		r->value += sqlite3_column_int64(st, 4);
		r->objects += sqlite3_column_int64(st, 5);
		if (bad) {
			ret = query_oom(s, e);
			goto out;
		}
	}
	if (rc != SQLITE_DONE)
		ret = store_fail(s, e, "cannot read allocation sites");
	else if (r && !r->value)
		line_release(&v[--nv]);
out:
	sqlite3_finalize(st);
	if (ret) {
		store_line_sums_free(v, nv);
		return ret;
	}
	*rows = v;
	*n = nv;
	return ESC_OK;
}
