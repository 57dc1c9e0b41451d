/* query_report.c — the questions the HTML report's engine asks of an analysis (its builds,
 * its sites with their diagnostics and flow lines, its values by package and cause, its
 * growth since a baseline); see store.h. Every value is bound; the only text spliced into
 * SQL is a heap column name taken from store_heap_types by index. Each question returns
 * an array of row structs that owns its strings; a failed step frees what was read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/vec.h"
#include "store_int.h"

/* Reads one row into row (zeroed); -1 when memory runs out (having dropped what it took). */
typedef int (*take_fn)(sqlite3_stmt *st, void *row);
typedef void (*drop_fn)(void *row);

static int valid_ix(int ix)
{
	return ix >= 0 && ix < STORE_NHEAP;
}

/* LIMIT's value: SQLite reads a negative one as none. */
static int64_t sql_limit(size_t limit)
{
	return limit && (uint64_t)limit <= (uint64_t)INT64_MAX ? (int64_t)limit : -1;
}

/* A text column, copied; NULL stays NULL. -1 when memory runs out. */
static int text_of(sqlite3_stmt *st, int i, char **out)
{
	const unsigned char *t;

	*out = NULL;
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return 0;
	if (!(t = sqlite3_column_text(st, i)))
		return -1;
	return (*out = strdup((const char *)t)) ? 0 : -1;
}

/* A text column that is never NULL in the schema; -1 when memory runs out. */
static int text_req(sqlite3_stmt *st, int i, char **out)
{
	return text_of(st, i, out) || !*out ? -1 : 0;
}

/* Steps st to the end, one row struct of size bytes per row, and finalizes it. */
static enum esc_status read_rows(struct store *s, sqlite3_stmt *st, size_t size, take_fn take,
				 drop_fn drop, void *out, size_t *n, const char *what, struct err *e)
{
	char *v = NULL;
	size_t cap = 0, k = 0, i;
	enum esc_status ret = ESC_OK;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (vec_reserve(&v, &cap, k + 1, size, 16)) {
			ret = err_set(e, ESC_ENOMEM, "out of memory");
			break;
		}
		memset(v + k * size, 0, size);
		if (take(st, v + k * size)) {
			ret = err_set(e, ESC_ENOMEM, "out of memory");
			break;
		}
		k++;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = store_fail(s, e, what);
	sqlite3_finalize(st);
	if (ret) {
		for (i = 0; i < k; i++)
			drop(v + i * size);
		free(v);
		v = NULL;
		k = 0;
	}
	*(void **)out = v;
	*n = k;
	return ret;
}

/* ---- the sites of an analysis ---- */

enum esc_status store_analysis_site_count(struct store *s, int64_t analysis_id, int ix,
					  int64_t *n, struct err *e)
{
	sqlite3_stmt *st;
	char sql[256];
	int rc;

	*n = 0;
	if (!valid_ix(ix))
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
	if (text_req(st, 1, &x->function) || text_of(st, 2, &x->package) || text_req(st, 3, &x->file) ||
	    text_req(st, 7, &x->cause) || text_of(st, 11, &x->via) || text_of(st, 13, &x->evidence) ||
	    text_of(st, 14, &x->diag_file) || text_of(st, 17, &x->message)) {
		drop_site(x);
		return -1;
	}
	return 0;
}

void store_report_sites_free(struct store_report_site *rows, size_t n)
{
	size_t i;

	for (i = 0; rows && i < n; i++)
		drop_site(&rows[i]);
	free(rows);
}

enum esc_status store_report_sites(struct store *s, int64_t analysis_id, int ix, size_t limit,
				   struct store_report_site **rows, size_t *n, struct err *e)
{
	const char *col, *obj;
	sqlite3_stmt *st;
	char sql[1024];

	*rows = NULL;
	*n = 0;
	if (!valid_ix(ix))
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
	sqlite3_bind_int64(st, 2, sql_limit(limit));
	return read_rows(s, st, sizeof(**rows), take_site, drop_site, rows, n,
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

	x->seq = sqlite3_column_int64(st, 0);
	if (text_req(st, 1, &x->kind) || text_req(st, 2, &x->text)) {
		drop_step(x);
		return -1;
	}
	return 0;
}

void store_step_lines_free(struct store_step_line *rows, size_t n)
{
	size_t i;

	for (i = 0; rows && i < n; i++)
		drop_step(&rows[i]);
	free(rows);
}

enum esc_status store_diag_step_lines(struct store *s, int64_t build_id, int64_t diag_id,
				      struct store_step_line **rows, size_t *n, struct err *e)
{
	sqlite3_stmt *st;

	*rows = NULL;
	*n = 0;
	if (store_prepare(s, "SELECT seq, kind, text FROM flow_steps WHERE build_id = ? AND diag_id = ?"
			     " ORDER BY seq", &st, e))
		return ESC_EDB;
	sqlite3_bind_int64(st, 1, build_id);
	sqlite3_bind_int64(st, 2, diag_id);
	return read_rows(s, st, sizeof(**rows), take_step, drop_step, rows, n,
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

	x->value = sqlite3_column_int64(st, 2);
	x->package_total = sqlite3_column_int64(st, 3);
	if (text_req(st, 0, &x->package) || text_req(st, 1, &x->cause)) {
		drop_pkg(x);
		return -1;
	}
	return 0;
}

void store_package_causes_free(struct store_package_cause *rows, size_t n)
{
	size_t i;

	for (i = 0; rows && i < n; i++)
		drop_pkg(&rows[i]);
	free(rows);
}

enum esc_status store_analysis_package_causes(struct store *s, int64_t analysis_id, int ix,
					      struct store_package_cause **rows, size_t *n,
					      struct err *e)
{
	sqlite3_stmt *st;
	char sql[512];

	*rows = NULL;
	*n = 0;
	if (!valid_ix(ix))
		return err_set(e, ESC_EUSAGE, "no heap sample type %d", ix);
	snprintf(sql, sizeof(sql),
		 "SELECT p, cause, v, pt FROM (SELECT coalesce(package, '') AS p, cause, sum(%s) AS v,"
		 " sum(sum(%s)) OVER (PARTITION BY coalesce(package, '')) AS pt FROM alloc_site"
		 " WHERE analysis_id = ? GROUP BY 1, 2) WHERE v != 0 ORDER BY pt DESC, p, v DESC",
		 store_heap_types[ix], store_heap_types[ix]);
	if (store_prepare(s, sql, &st, e))
		return ESC_EDB;
	sqlite3_bind_int64(st, 1, analysis_id);
	return read_rows(s, st, sizeof(**rows), take_pkg, drop_pkg, rows, n,
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

	x->line = sqlite3_column_int64(st, 2);
	x->now = sqlite3_column_int64(st, 6);
	x->before = sqlite3_column_int64(st, 7);
	if (text_req(st, 0, &x->function) || text_req(st, 1, &x->file_name) || text_req(st, 3, &x->via) ||
	    text_of(st, 4, &x->cause_now) || text_of(st, 5, &x->cause_before)) {
		drop_growth(x);
		return -1;
	}
	return 0;
}

void store_growth_sites_free(struct store_growth_site *rows, size_t n)
{
	size_t i;

	for (i = 0; rows && i < n; i++)
		drop_growth(&rows[i]);
	free(rows);
}

enum esc_status store_analysis_growth_sites(struct store *s, int64_t analysis_id,
					    int64_t base_analysis_id, int ix, double base_scale,
					    size_t limit, struct store_growth_site **rows,
					    size_t *n, struct err *e)
{
	sqlite3_stmt *st;
	char sql[1536];

	*rows = NULL;
	*n = 0;
	if (!valid_ix(ix))
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
	sqlite3_bind_int64(st, 4, sql_limit(limit));
	return read_rows(s, st, sizeof(**rows), take_growth, drop_growth, rows, n,
			 "cannot read the growth since the baseline", e);
}
