/* query_diff.c — what diffs ask of the store: an analysis's sites summed by a grouping, a
 * profile's duration, a build's escapes. Values are bound, never spliced; the only text
 * chosen at run time is a column or grouping name from the fixed tables below. Rows own
 * copies of their strings: SQLite's are gone at the next step. */
#include <stdio.h>

#include "common/vec.h"
#include "query_int.h"

/* alloc_site's column for each STORE_* heap type */
static const char *const heap_col[STORE_NHEAP] = {"alloc_objects", "alloc_space", "inuse_objects",
						  "inuse_space"};

enum esc_status store_site_sums(struct store *s, int64_t analysis_id, int type,
				enum store_site_group group, struct store_site_sum **rows,
				size_t *n, struct err *e)
{
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
	struct store_site_sum *v = NULL;
	size_t nv = 0, cap = 0;
	sqlite3_stmt *st = NULL;
	enum esc_status ret = ESC_OK;
	char sql[256];
	int rc, bad = 0;

	*rows = NULL;
	*n = 0;
	if (type < 0 || type >= STORE_NHEAP || (unsigned)group > STORE_GROUP_CAUSE)
		return err_set(e, ESC_EUSAGE, "no heap type %d or grouping %d", type, (int)group);
	snprintf(sql, sizeof(sql), "SELECT %s, coalesce(sum(%s), 0) FROM alloc_site WHERE analysis_id = ?"
		 " GROUP BY %s", keys[group], heap_col[type], groups[group]);
	if ((ret = store_prepare(s, sql, &st, e)))
		return ret;
	sqlite3_bind_int64(st, 1, analysis_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_site_sum *r;

		if (vec_reserve(&v, &cap, nv + 1, sizeof(*v), 64)) {
			ret = query_oom(s, e);
			goto out;
		}
		r = &v[nv++];
		r->function = query_col_dup(st, 0, &bad);
		r->file = query_col_dup(st, 1, &bad);
		r->line = sqlite3_column_int64(st, 2);
		r->cause = query_col_dup(st, 3, &bad);
		r->value = sqlite3_column_int64(st, 4);
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
		store_site_sums_free(v, nv);
		return ret;
	}
	*rows = v;
	*n = nv;
	return ESC_OK;
}

void store_site_sums_free(struct store_site_sum *rows, size_t n)
{
	size_t i;

	for (i = 0; rows && i < n; i++) {
		free(rows[i].function);
		free(rows[i].file);
		free(rows[i].cause);
	}
	free(rows);
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
		return err_set(e, ESC_EUSAGE, "no profile %lld in '%s'", (long long)profile_id, s->path);
	return ESC_OK;
}

enum esc_status store_escapes_of_build(struct store *s, int64_t build_id,
				       struct store_escape_row **rows, size_t *n, struct err *e)
{
	struct store_escape_row *v = NULL;
	size_t nv = 0, cap = 0;
	sqlite3_stmt *st = NULL;
	enum esc_status ret;
	int rc, bad = 0;

	*rows = NULL;
	*n = 0;
	if ((ret = store_prepare(s, "SELECT file, line, kind, subject, message FROM diagnostic"
				    " WHERE build_id = ? AND kind IN ('moved_to_heap', 'escapes', 'append_escapes')"
				    " ORDER BY diag_id", &st, e)))
		return ret;
	sqlite3_bind_int64(st, 1, build_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_escape_row *r;

		if (vec_reserve(&v, &cap, nv + 1, sizeof(*v), 256)) {
			ret = query_oom(s, e);
			goto out;
		}
		r = &v[nv++];
		r->file = query_col_dup(st, 0, &bad);
		r->line = sqlite3_column_int64(st, 1);
		r->kind = query_col_dup(st, 2, &bad);
		r->subject = query_col_dup(st, 3, &bad);
		r->message = query_col_dup(st, 4, &bad);
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
		store_escape_rows_free(v, nv);
		return ret;
	}
	*rows = v;
	*n = nv;
	return ESC_OK;
}

void store_escape_rows_free(struct store_escape_row *rows, size_t n)
{
	size_t i;

	for (i = 0; rows && i < n; i++) {
		free(rows[i].file);
		free(rows[i].kind);
		free(rows[i].subject);
		free(rows[i].message);
	}
	free(rows);
}
