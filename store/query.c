/* query.c — the row helpers of query_int.h. A text column is copied at once: SQLite's
 * pointer is gone at the next step. The read-all loop owns the array until it returns
 * it whole, so a question never hands back half an answer. */
#include "common/vec.h"
#include "query_int.h"

char *query_text(sqlite3_stmt *st, int i, int *oom)
{
	const unsigned char *t;
	char *d;

	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return NULL;
	if (!(t = sqlite3_column_text(st, i)) || !(d = strdup((const char *)t))) {
		*oom = 1;
		return NULL;
	}
	return d;
}

char *query_text_req(sqlite3_stmt *st, int i, int *oom)
{
	char *d;

	if (sqlite3_column_type(st, i) != SQLITE_NULL)
		return query_text(st, i, oom);
	if (!(d = strdup("")))
		*oom = 1;
	return d;
}

enum esc_status query_oom(struct store *s, struct err *e)
{
	return err_set(e, ESC_ENOMEM, "'%s': out of memory", s->path);
}

enum esc_status query_rows(struct store *s, sqlite3_stmt *st, size_t size, query_take_fn take,
			   query_drop_fn drop, void *out, size_t *n, const char *what,
			   struct err *e)
{
	char *v = NULL;
	size_t cap = 0, k = 0;
	enum esc_status ret = ESC_OK;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (vec_reserve(&v, &cap, k + 1, size, 16)) {
			ret = query_oom(s, e);
			break;
		}
		memset(v + k * size, 0, size);
		if (take(st, v + k++ * size)) {
			ret = query_oom(s, e);
			break;
		}
	}
	if (!ret && rc != SQLITE_DONE)
		ret = store_fail(s, e, what);
	sqlite3_finalize(st);
	if (ret) {
		query_rows_free(v, k, size, drop);
		v = NULL;
		k = 0;
	}
	*(void **)out = v;
	*n = k;
	return ret;
}

void query_rows_free(void *rows, size_t n, size_t size, query_drop_fn drop)
{
	size_t i;

	for (i = 0; rows && i < n; i++)
		drop((char *)rows + i * size);
	free(rows);
}
