/* query_analysis.c — the questions the engine and the reading commands ask of one profile
 * and its analyses; see store.h. Every value is bound; the only text spliced into SQL is
 * a heap column name taken from store_heap_types by index. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query_int.h"

int store_heap_type_index(const char *name)
{
	int i;

	for (i = 0; i < STORE_NHEAP; i++)
		if (!strcmp(name, store_heap_types[i]))
			return i;
	return -1;
}

int store_heap_is_bytes(int ix)
{
	return ix == STORE_ALLOC_SPACE || ix == STORE_INUSE_SPACE;
}

int store_heap_objects_of(int ix)
{
	if (ix == STORE_ALLOC_SPACE)
		return STORE_ALLOC_OBJECTS;
	if (ix == STORE_INUSE_SPACE)
		return STORE_INUSE_OBJECTS;
	return ix;
}

enum esc_status store_latest_analysis(struct store *s, int64_t profile_id, int64_t *id,
				      struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (store_prepare(s, "SELECT max(id) FROM analysis WHERE profile_id = ?", &st, e))
		return ESC_EDB;
	sqlite3_bind_int64(st, 1, profile_id);
	*id = 0;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? ESC_OK : store_fail(s, e, "cannot read the analyses");
}

enum esc_status store_analysis_totals(struct store *s, int64_t analysis_id, int ix,
				      struct store_totals *t, struct err *e)
{
	const char *col, *obj;
	sqlite3_stmt *st;
	char sql[512];
	int rc;

	STORE_NEED(store_need_analysis(s, analysis_id, e));

	memset(t, 0, sizeof(*t));
	if (!query_valid_ix(ix))
		return err_set(e, ESC_EUSAGE, "no heap sample type %d", ix);
	col = store_heap_types[ix];
	obj = store_heap_types[store_heap_objects_of(ix)];
	snprintf(sql, sizeof(sql),
		 "SELECT coalesce(sum(%s), 0), coalesce(sum(CASE WHEN cause != 'unknown' THEN %s END), 0),"
		 " coalesce(sum(CASE WHEN diag_id IS NOT NULL THEN %s END), 0), coalesce(sum(%s), 0)"
		 " FROM alloc_site WHERE analysis_id = ?", col, col, col, obj);
	if (store_prepare(s, sql, &st, e))
		return ESC_EDB;
	sqlite3_bind_int64(st, 1, analysis_id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		t->total = sqlite3_column_int64(st, 0);
		t->attributed = sqlite3_column_int64(st, 1);
		t->joined = sqlite3_column_int64(st, 2);
		t->objects = sqlite3_column_int64(st, 3);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? ESC_OK : store_fail(s, e, "cannot read the analysis's totals");
}

static void drop_cause(void *p)
{
	struct store_cause_total *r = p;

	free(r->cause);
}

static int take_cause(sqlite3_stmt *st, void *p)
{
	struct store_cause_total *r = p;
	int oom = 0;

	*r = (struct store_cause_total){query_text_req(st, 0, &oom), sqlite3_column_int64(st, 1),
					sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3)};
	return -oom;
}

void store_cause_totals_free(struct store_cause_total *rows, size_t n)
{
	query_rows_free(rows, n, sizeof(*rows), drop_cause);
}

enum esc_status store_analysis_causes(struct store *s, int64_t analysis_id, int ix,
				      struct store_cause_total **rows, size_t *n, struct err *e)
{
	const char *col;
	sqlite3_stmt *st;
	char sql[768];

	STORE_NEED(store_need_analysis(s, analysis_id, e));

	*rows = NULL;
	*n = 0;
	if (!query_valid_ix(ix))
		return err_set(e, ESC_EUSAGE, "no heap sample type %d", ix);
	col = store_heap_types[ix];
	snprintf(sql, sizeof(sql),
		 "SELECT cause, coalesce(sum(%s), 0) AS v, count(nullif(%s, 0)), coalesce(sum(%s), 0)"
		 " FROM alloc_site WHERE analysis_id = ?1 GROUP BY cause HAVING sum(%s) != 0 OR cause = 'unknown'"
		 " UNION ALL SELECT 'unknown', 0, 0, 0 WHERE NOT EXISTS (SELECT 1 FROM alloc_site"
		 " WHERE analysis_id = ?1 AND cause = 'unknown') ORDER BY 2 DESC, 1",
		 col, col, store_heap_types[store_heap_objects_of(ix)], col);
	if (store_prepare(s, sql, &st, e))
		return ESC_EDB;
	sqlite3_bind_int64(st, 1, analysis_id);
	return query_rows(s, st, sizeof(**rows), take_cause, drop_cause, rows, n,
			  "cannot read the analysis's causes", e);
}

void store_profile_info_release(struct store_profile_info *p)
{
	free(p->name);
	free(p->source);
	free(p->sha256);
	free(p->format);
	free(p->default_sample_type);
	free(p->last_sample_type);
	memset(p, 0, sizeof(*p));
}

enum esc_status store_profile_info(struct store *s, int64_t profile_id,
				   struct store_profile_info *p, struct err *e)
{
	sqlite3_stmt *st;
	int rc, oom = 0;

	memset(p, 0, sizeof(*p));
	if (store_prepare(s, "SELECT name, source, sha256, format, coalesce(time_nanos, 0),"
			     " coalesce(duration_nanos, 0), coalesce(default_sample_type, ''),"
			     " coalesce((SELECT type FROM sample_types t WHERE t.profile_id = p.profile_id"
			     " ORDER BY idx DESC LIMIT 1), '') FROM profiles p WHERE p.profile_id = ?",
			     &st, e))
		return ESC_EDB;
	sqlite3_bind_int64(st, 1, profile_id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		p->name = query_text_req(st, 0, &oom);
		p->source = query_text_req(st, 1, &oom);
		p->sha256 = query_text_req(st, 2, &oom);
		p->format = query_text_req(st, 3, &oom);
		p->time_nanos = sqlite3_column_int64(st, 4);
		p->duration_nanos = sqlite3_column_int64(st, 5);
		p->default_sample_type = query_text_req(st, 6, &oom);
		p->last_sample_type = query_text_req(st, 7, &oom);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return err_set(e, ESC_ENOTFOUND, "no profile %lld", (long long)profile_id);
	if (rc != SQLITE_ROW)
		return store_fail(s, e, "cannot read the profile");
	if (oom) {
		store_profile_info_release(p);
		return query_oom(s, e);
	}
	return ESC_OK;
}

enum esc_status store_sample_type_at(struct store *s, int64_t profile_id, int64_t idx,
				     char *out, size_t n, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (store_prepare(s, "SELECT type FROM sample_types WHERE profile_id = ? AND idx = ?", &st, e))
		return ESC_EDB;
	sqlite3_bind_int64(st, 1, profile_id);
	sqlite3_bind_int64(st, 2, idx);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		snprintf(out, n, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return err_set(e, ESC_EUSAGE, "sample index %lld out of range", (long long)idx);
	return rc == SQLITE_ROW ? ESC_OK : store_fail(s, e, "cannot read the sample types");
}

static void drop_build(void *p)
{
	struct store_analysis_build *r = p;

	free(r->name);
	free(r->source);
	free(r->go_version);
}

static int take_build(sqlite3_stmt *st, void *p)
{
	struct store_analysis_build *r = p;
	int oom = 0;

	*r = (struct store_analysis_build){sqlite3_column_int64(st, 0), query_text_req(st, 1, &oom),
					   query_text_req(st, 2, &oom), query_text_req(st, 3, &oom)};
	return -oom;
}

void store_analysis_builds_free(struct store_analysis_build *rows, size_t n)
{
	query_rows_free(rows, n, sizeof(*rows), drop_build);
}

enum esc_status store_analysis_builds(struct store *s, int64_t analysis_id,
				      struct store_analysis_build **rows, size_t *n, struct err *e)
{
	sqlite3_stmt *st;

	*rows = NULL;
	*n = 0;
	if (store_prepare(s, "SELECT x.build_id, coalesce(b.name, ''), coalesce(b.source, ''),"
			     " coalesce(b.go_version, '') FROM analysis_build x LEFT JOIN build b"
			     " ON b.id = x.build_id WHERE x.analysis_id = ? AND x.used ORDER BY x.seq",
			  &st, e))
		return ESC_EDB;
	sqlite3_bind_int64(st, 1, analysis_id);
	return query_rows(s, st, sizeof(**rows), take_build, drop_build, rows, n,
			  "cannot read the analysis's builds", e);
}

const char *store_path(const struct store *s)
{
	return s->path;
}

enum esc_status store_profile_total(struct store *s, int64_t profile_id, int ix, int64_t *total,
				    struct err *e)
{
	sqlite3_stmt *st;
	char sql[256];
	int rc;

	STORE_NEED(store_need_profile(s, profile_id, e));

	*total = 0;
	if (!query_valid_ix(ix))
		return err_set(e, ESC_EUSAGE, "no heap sample type %d", ix);
	snprintf(sql, sizeof(sql), "SELECT coalesce(sum(%s), 0) FROM heap_samples WHERE profile_id = ?",
		 store_heap_types[ix]);
	if (store_prepare(s, sql, &st, e))
		return ESC_EDB;
	sqlite3_bind_int64(st, 1, profile_id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*total = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? ESC_OK : store_fail(s, e, "cannot read the profile's samples");
}
