/* query_diff.c — what diffs ask of the store: an analysis's sites summed by a grouping, a
 * profile's duration, a build's escapes. Values are bound, never spliced; the only text
 * chosen at run time is a column or grouping name from the fixed tables below. Rows own
 * copies of their strings: SQLite's are gone at the next step. */
#include <stdio.h>

#include "query_int.h"

static void drop_sum(void *p)
{
	struct store_site_sum *r = p;

	free(r->function);
	free(r->file);
	free(r->cause);
}

static int take_sum(sqlite3_stmt *st, void *p)
{
	struct store_site_sum *r = p;
	int oom = 0;

	r->function = query_text(st, 0, &oom);
	r->file = query_text(st, 1, &oom);
	r->line = sqlite3_column_int64(st, 2);
	r->cause = query_text(st, 3, &oom);
	r->value = sqlite3_column_int64(st, 4);
	return -oom;
}

enum esc_status store_site_sums(struct store *s, int64_t analysis_id, int type,
				enum store_site_group group, struct store_site_sum **rows,
				size_t *n, struct err *e)
{
	STORE_NEED(store_need_analysis(s, analysis_id, e));

	/* every grouping selects the same four columns: the unused ones as NULL */
	static const char *const keys[] = {
		[STORE_GROUP_SITE] = "function, file, line, cause",
		[STORE_GROUP_FUNCTION] = "function, NULL, 0, NULL",
		[STORE_GROUP_CAUSE] = "NULL, NULL, 0, cause",
	};
	static const char *const groups[] = {
		[STORE_GROUP_SITE] = "function, file, line, cause",
		[STORE_GROUP_FUNCTION] = "function",
		[STORE_GROUP_CAUSE] = "cause",
	};
	sqlite3_stmt *st = NULL;
	enum esc_status ret;
	char sql[256];

	*rows = NULL;
	*n = 0;
	if (!query_valid_ix(type) || (unsigned)group > STORE_GROUP_CAUSE)
		return err_set(e, ESC_EUSAGE, "no heap type %d or grouping %d", type, (int)group);
	snprintf(sql, sizeof(sql), "SELECT %s, coalesce(sum(%s), 0) FROM alloc_site WHERE analysis_id = ?"
		 " GROUP BY %s", keys[group], store_heap_types[type], groups[group]);
	if ((ret = store_prepare(s, sql, &st, e)))
		return ret;
	sqlite3_bind_int64(st, 1, analysis_id);
	return query_rows(s, st, sizeof(**rows), take_sum, drop_sum, rows, n,
			  "cannot read allocation sites", e);
}

void store_site_sums_free(struct store_site_sum *rows, size_t n)
{
	query_rows_free(rows, n, sizeof(*rows), drop_sum);
}

enum esc_status store_profile_duration(struct store *s, int64_t profile_id, int64_t *nanos,
				       struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	*nanos = 0;
	if (store_prepare(s, "SELECT duration_nanos FROM profile WHERE id = ?", &st, e))
		return ESC_EDB;
	sqlite3_bind_int64(st, 1, profile_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*nanos = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(s, e, "cannot read the profile");
	if (rc == SQLITE_DONE)
		return err_set(e, ESC_ENOTFOUND, "no profile %lld in '%s'", (long long)profile_id, s->path);
	return ESC_OK;
}

static void drop_escape(void *p)
{
	struct store_escape_row *r = p;

	free(r->file);
	free(r->kind);
	free(r->subject);
	free(r->message);
}

static int take_escape(sqlite3_stmt *st, void *p)
{
	struct store_escape_row *r = p;
	int oom = 0;

	r->file = query_text(st, 0, &oom);
	r->line = sqlite3_column_int64(st, 1);
	r->kind = query_text(st, 2, &oom);
	r->subject = query_text(st, 3, &oom);
	r->message = query_text(st, 4, &oom);
	return -oom;
}

enum esc_status store_escapes_of_build(struct store *s, int64_t build_id,
				       struct store_escape_row **rows, size_t *n, struct err *e)
{
	sqlite3_stmt *st = NULL;
	enum esc_status ret;

	STORE_NEED(store_need_build(s, build_id, e));

	*rows = NULL;
	*n = 0;
	if ((ret = store_prepare(s, "SELECT file, line, kind, subject, message FROM diagnostic"
				    " WHERE build_id = ? AND kind IN ('moved_to_heap', 'escapes', 'append_escapes')"
				    " ORDER BY diag_id", &st, e)))
		return ret;
	sqlite3_bind_int64(st, 1, build_id);
	return query_rows(s, st, sizeof(**rows), take_escape, drop_escape, rows, n,
			  "cannot read diagnostics", e);
}

void store_escape_rows_free(struct store_escape_row *rows, size_t n)
{
	query_rows_free(rows, n, sizeof(*rows), drop_escape);
}
