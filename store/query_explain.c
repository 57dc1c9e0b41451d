/* query_explain.c — what explain asks of the store: the sites of an analysis by id or
 * line, one diagnostic and its flow steps, and the verdicts at a line in an analysis's
 * builds. Values are bound; rows own copies of their strings. Which builds an analysis
 * joined is stored as a comma list today: matching it stays in the SQL here. */
#include "query_int.h"

#define SITE_COLS "site_id, function, file, line, alloc_objects, alloc_space, inuse_objects," \
	" inuse_space, cause, confidence, build_id, diag_id, attributed_via, decisive_seq," \
	" evidence, samples"

static void drop_site(void *p)
{
	struct store_site_row *r = p;

	free(r->function);
	free(r->file);
	free(r->cause);
	free(r->attributed_via);
	free(r->evidence);
}

/* the columns: SITE_COLS */
static int take_site(sqlite3_stmt *st, void *p)
{
	struct store_site_row *r = p;
	int oom = 0, i;

	r->site_id = sqlite3_column_int64(st, 0);
	r->function = query_text(st, 1, &oom);
	r->file = query_text(st, 2, &oom);
	r->line = sqlite3_column_int64(st, 3);
	for (i = 0; i < STORE_NHEAP; i++)
		r->values[i] = sqlite3_column_int64(st, 4 + i);
	r->cause = query_text(st, 8, &oom);
	r->confidence = sqlite3_column_double(st, 9);
	r->build_id = sqlite3_column_int64(st, 10);
	r->diag_id = sqlite3_column_int64(st, 11);
	r->attributed_via = query_text(st, 12, &oom);
	r->decisive_seq = sqlite3_column_int64(st, 13);
	r->evidence = query_text(st, 14, &oom);
	r->samples = sqlite3_column_int64(st, 15);
	return -oom;
}

/* The sites of analysis_id where the column that sql's second parameter compares has
 * value v, biggest first. */
static enum esc_status read_sites(struct store *s, const char *sql, int64_t analysis_id, int64_t v,
				  struct store_site_row **rows, size_t *n, struct err *e)
{
	sqlite3_stmt *st;

	*rows = NULL;
	*n = 0;
	if (store_prepare(s, sql, &st, e))
		return ESC_EDB;
	sqlite3_bind_int64(st, 1, analysis_id);
	sqlite3_bind_int64(st, 2, v);
	return query_rows(s, st, sizeof(**rows), take_site, drop_site, rows, n,
			  "cannot read allocation sites", e);
}

enum esc_status store_site_by_id(struct store *s, int64_t analysis_id, int64_t site_id,
				 struct store_site_row **rows, size_t *n, struct err *e)
{
	STORE_NEED(store_need_analysis(s, analysis_id, e));

	return read_sites(s, "SELECT " SITE_COLS " FROM alloc_site WHERE analysis_id = ? AND site_id = ?"
			  " ORDER BY alloc_space DESC, inuse_space DESC", analysis_id, site_id, rows, n, e);
}

enum esc_status store_sites_at_line(struct store *s, int64_t analysis_id, int64_t line,
				    struct store_site_row **rows, size_t *n, struct err *e)
{
	STORE_NEED(store_need_analysis(s, analysis_id, e));

	return read_sites(s, "SELECT " SITE_COLS " FROM alloc_site WHERE analysis_id = ? AND line = ?"
			  " ORDER BY alloc_space DESC, inuse_space DESC", analysis_id, line, rows, n, e);
}

void store_site_rows_free(struct store_site_row *rows, size_t n)
{
	query_rows_free(rows, n, sizeof(*rows), drop_site);
}

/* the columns: build_id, diag_id, file, line, col, kind, message */
static int take_diag(sqlite3_stmt *st, void *p)
{
	struct store_diag_row *r = p;
	int oom = 0;

	r->build_id = sqlite3_column_int64(st, 0);
	r->diag_id = sqlite3_column_int64(st, 1);
	r->file = query_text(st, 2, &oom);
	r->line = sqlite3_column_int64(st, 3);
	r->col = sqlite3_column_int64(st, 4);
	r->kind = query_text(st, 5, &oom);
	r->message = query_text(st, 6, &oom);
	return -oom;
}

static void drop_diag(void *p)
{
	store_diag_row_release(p);
}

enum esc_status store_diagnostic(struct store *s, int64_t build_id, int64_t diag_id,
				 struct store_diag_row *row, int *found, struct err *e)
{
	sqlite3_stmt *st;
	int rc, bad = 0;

	STORE_NEED(store_need_diag(s, build_id, diag_id, e));

	memset(row, 0, sizeof(*row));
	*found = 0;
	if (store_prepare(s, "SELECT build_id, diag_id, file, line, coalesce(col, 0), kind, message"
			     " FROM diagnostic WHERE build_id = ? AND diag_id = ?", &st, e))
		return ESC_EDB;
	sqlite3_bind_int64(st, 1, build_id);
	sqlite3_bind_int64(st, 2, diag_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		bad = take_diag(st, row);
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
	sqlite3_stmt *st;

	STORE_NEED(store_need_line(s, analysis_id, line, e));

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
	return query_rows(s, st, sizeof(**rows), take_diag, drop_diag, rows, n,
			  "cannot read diagnostics", e);
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
	query_rows_free(rows, n, sizeof(*rows), drop_diag);
}

static void drop_step(void *p)
{
	struct store_flow_step_row *r = p;

	free(r->kind);
	free(r->text);
}

static int take_step(sqlite3_stmt *st, void *p)
{
	struct store_flow_step_row *r = p;
	int oom = 0;

	r->seq = sqlite3_column_int64(st, 0);
	r->kind = query_text(st, 1, &oom);
	r->text = query_text(st, 2, &oom);
	return -oom;
}

enum esc_status store_flow_steps(struct store *s, int64_t build_id, int64_t diag_id,
				 struct store_flow_step_row **rows, size_t *n, struct err *e)
{
	sqlite3_stmt *st;

	STORE_NEED(store_need_diag(s, build_id, diag_id, e));

	*rows = NULL;
	*n = 0;
	if (store_prepare(s, "SELECT seq, kind, text FROM flow_step WHERE build_id = ? AND diag_id = ?"
			     " ORDER BY seq", &st, e))
		return ESC_EDB;
	sqlite3_bind_int64(st, 1, build_id);
	sqlite3_bind_int64(st, 2, diag_id);
	return query_rows(s, st, sizeof(**rows), take_step, drop_step, rows, n,
			  "cannot read flow steps", e);
}

void store_flow_step_rows_free(struct store_flow_step_row *rows, size_t n)
{
	query_rows_free(rows, n, sizeof(*rows), drop_step);
}
