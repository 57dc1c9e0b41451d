/* query_explain.c — what explain asks of the store: the sites of an analysis by id or
 * line, one diagnostic and its flow steps, and the verdicts at a line in an analysis's
 * builds. Values are bound; rows own copies of their strings. Which builds an analysis
 * joined is stored as a comma list today: matching it stays in the SQL here. */
#include "common/vec.h"
#include "query_int.h"

#define SITE_COLS "site_id, function, file, line, alloc_objects, alloc_space, inuse_objects," \
	" inuse_space, cause, confidence, build_id, diag_id, attributed_via, decisive_seq," \
	" evidence, samples"

static enum esc_status read_sites(struct store *s, sqlite3_stmt *st, struct store_site_row **rows,
				  size_t *n, struct err *e)
{
	struct store_site_row *v = NULL;
	size_t nv = 0, cap = 0;
	enum esc_status ret = ESC_OK;
	int rc, bad = 0, i;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_site_row *r;

		if (vec_reserve(&v, &cap, nv + 1, sizeof(*v), 8)) {
			ret = query_oom(s, e);
			goto out;
		}
		r = &v[nv++];
		r->site_id = sqlite3_column_int64(st, 0);
		r->function = query_col_dup(st, 1, &bad);
		r->file = query_col_dup(st, 2, &bad);
		r->line = sqlite3_column_int64(st, 3);
		for (i = 0; i < STORE_NHEAP; i++)
			r->values[i] = sqlite3_column_int64(st, 4 + i);
		r->cause = query_col_dup(st, 8, &bad);
		r->confidence = sqlite3_column_double(st, 9);
		r->build_id = sqlite3_column_int64(st, 10);
		r->diag_id = sqlite3_column_int64(st, 11);
		r->attributed_via = query_col_dup(st, 12, &bad);
		r->decisive_seq = sqlite3_column_int64(st, 13);
		r->evidence = query_col_dup(st, 14, &bad);
		r->samples = sqlite3_column_int64(st, 15);
		if (bad) {
			ret = query_oom(s, e);
			goto out;
		}
	}
	if (rc != SQLITE_DONE)
		ret = store_fail(s, e, "cannot read allocation sites");
out:
	sqlite3_finalize(st);
	if (ret) {
		store_site_rows_free(v, nv);
		return ret;
	}
	*rows = v;
	*n = nv;
	return ESC_OK;
}

enum esc_status store_site_by_id(struct store *s, int64_t analysis_id, int64_t site_id,
				 struct store_site_row **rows, size_t *n, struct err *e)
{
	sqlite3_stmt *st;

	*rows = NULL;
	*n = 0;
	if (store_prepare(s, "SELECT " SITE_COLS " FROM alloc_site WHERE analysis_id = ? AND site_id = ?"
			     " ORDER BY alloc_space DESC, inuse_space DESC", &st, e))
		return ESC_EDB;
	sqlite3_bind_int64(st, 1, analysis_id);
	sqlite3_bind_int64(st, 2, site_id);
	return read_sites(s, st, rows, n, e);
}

enum esc_status store_sites_at_line(struct store *s, int64_t analysis_id, int64_t line,
				    struct store_site_row **rows, size_t *n, struct err *e)
{
	sqlite3_stmt *st;

	*rows = NULL;
	*n = 0;
	if (store_prepare(s, "SELECT " SITE_COLS " FROM alloc_site WHERE analysis_id = ? AND line = ?"
			     " ORDER BY alloc_space DESC, inuse_space DESC", &st, e))
		return ESC_EDB;
	sqlite3_bind_int64(st, 1, analysis_id);
	sqlite3_bind_int64(st, 2, line);
	return read_sites(s, st, rows, n, e);
}

void store_site_rows_free(struct store_site_row *rows, size_t n)
{
	size_t i;

	for (i = 0; rows && i < n; i++) {
		free(rows[i].function);
		free(rows[i].file);
		free(rows[i].cause);
		free(rows[i].attributed_via);
		free(rows[i].evidence);
	}
	free(rows);
}

/* the columns: build_id, diag_id, file, line, col, kind, message */
static void take_diag(sqlite3_stmt *st, struct store_diag_row *r, int *bad)
{
	r->build_id = sqlite3_column_int64(st, 0);
	r->diag_id = sqlite3_column_int64(st, 1);
	r->file = query_col_dup(st, 2, bad);
	r->line = sqlite3_column_int64(st, 3);
	r->col = sqlite3_column_int64(st, 4);
	r->kind = query_col_dup(st, 5, bad);
	r->message = query_col_dup(st, 6, bad);
}

enum esc_status store_diagnostic(struct store *s, int64_t build_id, int64_t diag_id,
				 struct store_diag_row *row, int *found, struct err *e)
{
	sqlite3_stmt *st;
	int rc, bad = 0;

	memset(row, 0, sizeof(*row));
	*found = 0;
	if (store_prepare(s, "SELECT build_id, diag_id, file, line, coalesce(col, 0), kind, message"
			     " FROM diagnostic WHERE build_id = ? AND diag_id = ?", &st, e))
		return ESC_EDB;
	sqlite3_bind_int64(st, 1, build_id);
	sqlite3_bind_int64(st, 2, diag_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		take_diag(st, row, &bad);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(s, e, "cannot read diagnostics");
	if (bad) {
		store_diag_row_release(row);
		return query_oom(s, e);
	}
	*found = rc == SQLITE_ROW;
	return ESC_OK;
}

enum esc_status store_diagnostics_at(struct store *s, int64_t analysis_id, int64_t line,
				     struct store_diag_row **rows, size_t *n, struct err *e)
{
	struct store_diag_row *v = NULL;
	size_t nv = 0, cap = 0;
	sqlite3_stmt *st;
	enum esc_status ret = ESC_OK;
	int rc, bad = 0;

	*rows = NULL;
	*n = 0;
	if (store_prepare(s, "SELECT d.build_id, d.diag_id, d.file, d.line, coalesce(d.col, 0), d.kind,"
			     " d.message FROM diagnostic d JOIN analysis_build x ON x.analysis_id = ?"
			     " AND x.build_id = d.build_id AND x.used = 1"
			     " WHERE d.line = ? AND d.kind IN"
			     " ('moved_to_heap', 'escapes', 'append_escapes', 'does_not_escape')"
			     " ORDER BY d.build_id, d.col, d.diag_id", &st, e))
		return ESC_EDB;
	sqlite3_bind_int64(st, 1, analysis_id);
	sqlite3_bind_int64(st, 2, line);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (vec_reserve(&v, &cap, nv + 1, sizeof(*v), 8)) {
			ret = query_oom(s, e);
			goto out;
		}
		take_diag(st, &v[nv++], &bad);
		if (bad) {
			ret = query_oom(s, e);
			goto out;
		}
	}
	if (rc != SQLITE_DONE)
		ret = store_fail(s, e, "cannot read diagnostics");
out:
	sqlite3_finalize(st);
	if (ret) {
		store_diag_rows_free(v, nv);
		return ret;
	}
	*rows = v;
	*n = nv;
	return ESC_OK;
}

void store_diag_row_release(struct store_diag_row *row)
{
	free(row->file);
	free(row->kind);
	free(row->message);
	memset(row, 0, sizeof(*row));
}

void store_diag_rows_free(struct store_diag_row *rows, size_t n)
{
	size_t i;

	for (i = 0; rows && i < n; i++)
		store_diag_row_release(&rows[i]);
	free(rows);
}

enum esc_status store_flow_steps(struct store *s, int64_t build_id, int64_t diag_id,
				 struct store_flow_step_row **rows, size_t *n, struct err *e)
{
	struct store_flow_step_row *v = NULL;
	size_t nv = 0, cap = 0;
	sqlite3_stmt *st;
	enum esc_status ret = ESC_OK;
	int rc, bad = 0;

	*rows = NULL;
	*n = 0;
	if (store_prepare(s, "SELECT seq, kind, text FROM flow_step WHERE build_id = ? AND diag_id = ?"
			     " ORDER BY seq", &st, e))
		return ESC_EDB;
	sqlite3_bind_int64(st, 1, build_id);
	sqlite3_bind_int64(st, 2, diag_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_flow_step_row *r;

		if (vec_reserve(&v, &cap, nv + 1, sizeof(*v), 16)) {
			ret = query_oom(s, e);
			goto out;
		}
		r = &v[nv++];
		r->seq = sqlite3_column_int64(st, 0);
		r->kind = query_col_dup(st, 1, &bad);
		r->text = query_col_dup(st, 2, &bad);
		if (bad) {
			ret = query_oom(s, e);
			goto out;
		}
	}
	if (rc != SQLITE_DONE)
		ret = store_fail(s, e, "cannot read flow steps");
out:
	sqlite3_finalize(st);
	if (ret) {
		store_flow_step_rows_free(v, nv);
		return ret;
	}
	*rows = v;
	*n = nv;
	return ESC_OK;
}

void store_flow_step_rows_free(struct store_flow_step_row *rows, size_t n)
{
	size_t i;

	for (i = 0; rows && i < n; i++) {
		free(rows[i].kind);
		free(rows[i].text);
	}
	free(rows);
}
