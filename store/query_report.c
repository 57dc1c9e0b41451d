/* query_report.c — the questions the HTML report's engine asks of an analysis (its builds,
 * its sites with their diagnostics and flow lines, its values by package and cause, its
 * growth since a baseline); see store.h. Every value is bound; the only text spliced into
 * SQL is a heap column name taken from store_heap_types by index. Each question returns
 * an array of row structs that owns its strings; a failed step frees what was read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query_int.h"

/* ---- the sites of an analysis ---- */

enum esc_status store_analysis_site_count(struct store *s, int64_t analysis_id, int ix,
					  int64_t *n, struct err *e)
{
	sqlite3_stmt *st;
	char sql[256];
	int rc;

	STORE_NEED(store_need_analysis(s, analysis_id, e));

	*n = 0;
	if (!query_valid_ix(ix))
		return err_set(e, ESC_EUSAGE, "no heap sample type %d", ix);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM alloc_site WHERE analysis_id = ? AND %s != 0",
		 store_heap_types[ix]);
	if (store_prepare(s, sql, &st, e))
		return ESC_EDB;
	sqlite3_bind_int64(st, 1, analysis_id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	else
		store_fail(s, e, "cannot count the analysis's sites");
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? ESC_OK : ESC_EDB;
}

static void drop_site(void *p)
{
	struct store_report_site *x = p;

	free(x->function);
	free(x->package);
	free(x->file);
	free(x->cause);
	free(x->via);
	free(x->evidence);
	free(x->diag_file);
	free(x->message);
}

static int take_site(sqlite3_stmt *st, void *p)
{
	struct store_report_site *x = p;
	int oom = 0;

	x->site_id = sqlite3_column_int64(st, 0);
	x->line = sqlite3_column_int64(st, 4);
	x->value = sqlite3_column_int64(st, 5);
	x->objects = sqlite3_column_int64(st, 6);
	x->confidence = sqlite3_column_double(st, 8);
	x->build_id = sqlite3_column_int64(st, 9);
	x->diag_id = sqlite3_column_int64(st, 10);
	x->decisive_seq = sqlite3_column_int64(st, 12);
	x->diag_line = sqlite3_column_int64(st, 15);
	x->diag_col = sqlite3_column_int64(st, 16);
	x->function = query_text_req(st, 1, &oom);
	x->package = query_text(st, 2, &oom);
	x->file = query_text_req(st, 3, &oom);
	x->cause = query_text_req(st, 7, &oom);
	x->via = query_text(st, 11, &oom);
	x->evidence = query_text(st, 13, &oom);
	x->diag_file = query_text(st, 14, &oom);
	x->message = query_text(st, 17, &oom);
	return -oom;
}

void store_report_sites_free(struct store_report_site *rows, size_t n)
{
	query_rows_free(rows, n, sizeof(*rows), drop_site);
}

enum esc_status store_report_sites(struct store *s, int64_t analysis_id, int ix, size_t limit,
				   struct store_report_site **rows, size_t *n, struct err *e)
{
	const char *col, *obj;
	sqlite3_stmt *st;
	char sql[1024];

	STORE_NEED(store_need_analysis(s, analysis_id, e));

	*rows = NULL;
	*n = 0;
	if (!query_valid_ix(ix))
		return err_set(e, ESC_EUSAGE, "no heap sample type %d", ix);
	col = store_heap_types[ix];
	obj = store_heap_types[store_heap_objects_of(ix)];
	snprintf(sql, sizeof(sql),
		 "SELECT s.site_id, s.function, s.package, s.file, s.line, s.%s, s.%s, s.cause,"
		 " s.confidence, s.build_id, s.diag_id, s.attributed_via, s.decisive_seq, s.evidence,"
		 " d.file, d.line, d.col, d.message FROM alloc_site s LEFT JOIN diagnostic d"
		 " ON d.build_id = s.build_id AND d.diag_id = s.diag_id WHERE s.analysis_id = ?"
		 " AND s.%s != 0 ORDER BY s.%s DESC, s.file, s.line, s.site_id LIMIT ?",
		 col, obj, col, col);
	if (store_prepare(s, sql, &st, e))
		return ESC_EDB;
	sqlite3_bind_int64(st, 1, analysis_id);
	sqlite3_bind_int64(st, 2, query_limit(limit));
	return query_rows(s, st, sizeof(**rows), take_site, drop_site, rows, n,
			 "cannot read the analysis's sites", e);
}

/* ---- the lines under a diagnostic ---- */

static void drop_step(void *p)
{
	struct store_step_line *x = p;

	free(x->kind);
	free(x->text);
}

static int take_step(sqlite3_stmt *st, void *p)
{
	struct store_step_line *x = p;
	int oom = 0;

	x->seq = sqlite3_column_int64(st, 0);
	x->kind = query_text_req(st, 1, &oom);
	x->text = query_text_req(st, 2, &oom);
	return -oom;
}

void store_step_lines_free(struct store_step_line *rows, size_t n)
{
	query_rows_free(rows, n, sizeof(*rows), drop_step);
}

enum esc_status store_diag_step_lines(struct store *s, int64_t build_id, int64_t diag_id,
				      struct store_step_line **rows, size_t *n, struct err *e)
{
	sqlite3_stmt *st;

	STORE_NEED(store_need_diag(s, build_id, diag_id, e));

	*rows = NULL;
	*n = 0;
	if (store_prepare(s, "SELECT seq, kind, text FROM flow_steps WHERE build_id = ? AND diag_id = ?"
			     " ORDER BY seq", &st, e))
		return ESC_EDB;
	sqlite3_bind_int64(st, 1, build_id);
	sqlite3_bind_int64(st, 2, diag_id);
	return query_rows(s, st, sizeof(**rows), take_step, drop_step, rows, n,
			 "cannot read a diagnostic's flow", e);
}

/* ---- by package and cause ---- */

static void drop_pkg(void *p)
{
	struct store_package_cause *x = p;

	free(x->package);
	free(x->cause);
}

static int take_pkg(sqlite3_stmt *st, void *p)
{
	struct store_package_cause *x = p;
	int oom = 0;

	x->value = sqlite3_column_int64(st, 2);
	x->package_total = sqlite3_column_int64(st, 3);
	x->package = query_text_req(st, 0, &oom);
	x->cause = query_text_req(st, 1, &oom);
	return -oom;
}

void store_package_causes_free(struct store_package_cause *rows, size_t n)
{
	query_rows_free(rows, n, sizeof(*rows), drop_pkg);
}

enum esc_status store_analysis_package_causes(struct store *s, int64_t analysis_id, int ix,
					      struct store_package_cause **rows, size_t *n,
					      struct err *e)
{
	sqlite3_stmt *st;
	char sql[512];

	STORE_NEED(store_need_analysis(s, analysis_id, e));

	*rows = NULL;
	*n = 0;
	if (!query_valid_ix(ix))
		return err_set(e, ESC_EUSAGE, "no heap sample type %d", ix);
	snprintf(sql, sizeof(sql),
		 "SELECT p, cause, v, pt FROM (SELECT coalesce(package, '') AS p, cause, sum(%s) AS v,"
		 " sum(sum(%s)) OVER (PARTITION BY coalesce(package, '')) AS pt FROM alloc_site"
		 " WHERE analysis_id = ? GROUP BY 1, 2) WHERE v != 0 ORDER BY pt DESC, p, v DESC",
		 store_heap_types[ix], store_heap_types[ix]);
	if (store_prepare(s, sql, &st, e))
		return ESC_EDB;
	sqlite3_bind_int64(st, 1, analysis_id);
	return query_rows(s, st, sizeof(**rows), take_pkg, drop_pkg, rows, n,
			 "cannot read the analysis's packages", e);
}

/* ---- growth since a baseline ---- */

static void drop_growth(void *p)
{
	struct store_growth_site *x = p;

	free(x->function);
	free(x->file_name);
	free(x->via);
	free(x->cause_now);
	free(x->cause_before);
}

static int take_growth(sqlite3_stmt *st, void *p)
{
	struct store_growth_site *x = p;
	int oom = 0;

	x->line = sqlite3_column_int64(st, 2);
	x->now = sqlite3_column_int64(st, 6);
	x->before = sqlite3_column_int64(st, 7);
	x->function = query_text_req(st, 0, &oom);
	x->file_name = query_text_req(st, 1, &oom);
	x->via = query_text_req(st, 3, &oom);
	x->cause_now = query_text(st, 4, &oom);
	x->cause_before = query_text(st, 5, &oom);
	return -oom;
}

void store_growth_sites_free(struct store_growth_site *rows, size_t n)
{
	query_rows_free(rows, n, sizeof(*rows), drop_growth);
}

enum esc_status store_analysis_growth_sites(struct store *s, int64_t analysis_id,
					    int64_t base_analysis_id, int ix, double base_scale,
					    size_t limit, struct store_growth_site **rows,
					    size_t *n, struct err *e)
{
	sqlite3_stmt *st;
	char sql[1536];

	STORE_NEED(store_need_analysis(s, analysis_id, e));

	*rows = NULL;
	*n = 0;
	if (!query_valid_ix(ix))
		return err_set(e, ESC_EUSAGE, "no heap sample type %d", ix);
	/* the file name: what is left after trimming every character but '/' from the right */
	snprintf(sql, sizeof(sql),
		 "SELECT function, b, line, via, max(CASE WHEN a = ?1 THEN cause END),"
		 " max(CASE WHEN a = ?2 THEN cause END), sum(CASE WHEN a = ?1 THEN v ELSE 0 END) AS now,"
		 " sum(CASE WHEN a = ?2 THEN v ELSE 0 END) AS base FROM (SELECT analysis_id AS a, function,"
		 " replace(file, rtrim(file, replace(file, '/', '')), '') AS b, line,"
		 " coalesce(attributed_via, '') AS via, cause, %s AS v FROM alloc_site"
		 " WHERE analysis_id IN (?1, ?2)) GROUP BY function, b, line, via HAVING now - ?3 * base >= 0.5"
		 " ORDER BY now - ?3 * base DESC, function, b, line, via LIMIT ?4",
		 store_heap_types[ix]);
	if (store_prepare(s, sql, &st, e))
		return ESC_EDB;
	sqlite3_bind_int64(st, 1, analysis_id);
	sqlite3_bind_int64(st, 2, base_analysis_id);
	sqlite3_bind_double(st, 3, base_scale);
	sqlite3_bind_int64(st, 4, query_limit(limit));
	return query_rows(s, st, sizeof(**rows), take_growth, drop_growth, rows, n,
			 "cannot read the growth since the baseline", e);
}
