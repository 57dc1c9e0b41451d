/* query_top.c — the questions top and analyze ask of an analysis: its sites grouped by
 * line, function, package, cause or object size, and the top lines with every site of
 * each; see store.h. The SQL reads plain rows with bound values; grouping, distinct lists
 * and ordering are done here in C, so that the answer does not depend on one engine's
 * aggregate functions. The only text spliced into SQL is a heap column name taken from
 * store_heap_types by index. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/vec.h"
#include "query_int.h"

static int same_text(sqlite3_stmt *st, int i, const char *s)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return !strcmp(t ? (const char *)t : "", s);
}

static void top_cause_release(struct store_top_cause *c)
{
	size_t i;

	free(c->cause);
	for (i = 0; i < c->nvias; i++)
		free(c->vias[i]);
	free(c->vias);
}

static void top_row_release(struct store_top_row *r)
{
	size_t k;

	free(r->function);
	free(r->file);
	free(r->package);
	free(r->cause);
	for (k = 0; k < r->ncauses; k++)
		top_cause_release(&r->causes[k]);
	free(r->causes);
}

static void drop_row(void *p)
{
	top_row_release(p);
}

void store_top_rows_free(struct store_top_row *rows, size_t n)
{
	query_rows_free(rows, n, sizeof(*rows), drop_row);
}

/* Appends s (a copy) to a list unless it is there already; -1 when memory runs out. */
static int add_distinct(char ***list, size_t *n, const char *s)
{
	size_t i, cap = *n;
	char *c;

	for (i = 0; i < *n; i++)
		if (!strcmp((*list)[i], s))
			return 0;
	if (vec_reserve(list, &cap, *n + 1, sizeof(**list), 4) || !(c = strdup(s)))
		return -1;
	(*list)[(*n)++] = c;
	return 0;
}

/* The cause entry of row r, added when new (its value and objects in vals[2i], [2i+1],
 * a scratch array of *vcap pairs); NULL when memory runs out. */
static struct store_top_cause *cause_of(struct store_top_row *r, int64_t **vals, size_t *vcap,
					const char *cause)
{
	size_t i, cap = r->ncauses;
	struct store_top_cause *c;

	for (i = 0; i < r->ncauses; i++)
		if (!strcmp(r->causes[i].cause, cause))
			return &r->causes[i];
	if (vec_reserve(&r->causes, &cap, r->ncauses + 1, sizeof(*r->causes), 4) ||
	    vec_reserve(vals, vcap, 2 * (r->ncauses + 1), sizeof(**vals), 8))
		return NULL;
	c = &r->causes[r->ncauses];
	memset(c, 0, sizeof(*c));
	if (!(c->cause = strdup(cause)))
		return NULL;
	(*vals)[2 * r->ncauses] = (*vals)[2 * r->ncauses + 1] = 0;
	r->ncauses++;
	return c;
}

/* ---- ordering: biggest first, then as each grouping says; where top has always left
 * ties to the order of the groups (a line's causes, lines that differ by function
 * only), the later name comes first ---- */

static int cmp_value(int64_t a, int64_t b)
{
	return a > b ? -1 : a < b;
}

static int cmp_site(const void *x, const void *y)
{
	const struct store_top_row *a = x, *b = y;
	int c;

	if ((c = cmp_value(a->value, b->value)) || (c = strcmp(a->file, b->file)))
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	return strcmp(b->function, a->function);
}

static const char *key_of(const struct store_top_row *r)
{
	return r->function ? r->function : r->package ? r->package : r->cause ? r->cause : "";
}

static int cmp_key(const void *x, const void *y)
{
	const struct store_top_row *a = x, *b = y;
	int c = cmp_value(a->value, b->value);

	if (c)
		return c;
	if (!a->function && !a->package && !a->cause)	/* by size */
		return a->object_size < b->object_size ? -1 : a->object_size > b->object_size;
	return strcmp(key_of(a), key_of(b));
}

struct cause_val {
	struct store_top_cause c;
	int64_t value, objects;
};

static int cmp_cause_val(const void *x, const void *y)
{
	const struct cause_val *a = x, *b = y;
	int c = cmp_value(a->value, b->value);

	return c ? c : strcmp(b->c.cause, a->c.cause);
}

/* Ends line *r (the last of *k rows): its causes with a value are kept, biggest first,
 * and sum to the line; a line with none is dropped. -1 when memory runs out. */
static int end_line(struct store_top_row *r, const int64_t *vals, size_t *k)
{
	struct cause_val *cv = calloc(r->ncauses + 1, sizeof(*cv));
	size_t i, m = 0;

	if (!cv)
		return -1;
	for (i = 0; i < r->ncauses; i++)
		if (vals[2 * i])
			cv[m++] = (struct cause_val){r->causes[i], vals[2 * i], vals[2 * i + 1]};
		else
			top_cause_release(&r->causes[i]);
	qsort(cv, m, sizeof(*cv), cmp_cause_val);
	r->value = r->objects = 0;
	for (i = 0; i < m; i++) {
		r->causes[i] = cv[i].c;
		r->value += cv[i].value;
		r->objects += cv[i].objects;
	}
	r->ncauses = m;
	free(cv);
	if (!m) {
		top_row_release(r);
		(*k)--;
	}
	return 0;
}

/* By line, or by function or package (line NULL): the rows of the analysis in group
 * order, summed in C. A line keeps the causes with a value, biggest first, and the
 * dependencies each was allocated through; a function or package its distinct causes,
 * lowest site first, and is dropped when its sum is 0. */
/* Which rows a question reads: those of one id (bound), or of every id in temp.top_set
 * (several, for a merge; ids_set fills it). */
struct id_set {
	int64_t one;		/* the id when there is one */
	int many;		/* temp.top_set holds them */
};

static const char *set_cond(const struct id_set *w)
{
	return w->many ? " IN (SELECT id FROM temp.top_set)" : " = ?";
}

static void set_bind(sqlite3_stmt *st, int i, const struct id_set *w)
{
	if (!w->many)
		sqlite3_bind_int64(st, i, w->one);
}

static enum esc_status ids_set(struct store *s, const int64_t *ids, size_t n, struct id_set *w,
			       struct err *e)
{
	sqlite3_stmt *st;
	enum esc_status ret = ESC_OK;
	size_t i;

	*w = (struct id_set){n == 1 ? ids[0] : 0, n != 1};
	if (!w->many)
		return ESC_OK;
	if (sqlite3_exec(s->db, "CREATE TEMP TABLE IF NOT EXISTS top_set (id INTEGER PRIMARY KEY);"
			 " DELETE FROM temp.top_set", NULL, NULL, NULL) != SQLITE_OK)
		return store_fail(s, e, "cannot gather the analyses");
	if (store_prepare(s, "INSERT OR IGNORE INTO temp.top_set VALUES (?)", &st, e))
		return ESC_EDB;
	for (i = 0; i < n && !ret; i++) {
		sqlite3_bind_int64(st, 1, ids[i]);
		if (sqlite3_step(st) != SQLITE_DONE)
			ret = store_fail(s, e, "cannot gather the analyses");
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return ret;
}

static enum esc_status top_grouped(struct store *s, const struct id_set *w, enum store_top_by by,
				   const char *col, const char *obj, struct store_top_row **rows,
				   size_t *n, struct err *e)
{
	static const char *const keys[] = {
		[STORE_TOP_BY_SITE] = "function, file, line",
		[STORE_TOP_BY_FUNCTION] = "function, '', 0",
		[STORE_TOP_BY_PACKAGE] = "coalesce(package, ''), '', 0",
	};
	struct store_top_row *v = NULL, *r = NULL;
	int64_t *vals = NULL;
	size_t cap = 0, vcap = 0, k = 0, i;
	enum esc_status ret = ESC_OK;
	sqlite3_stmt *st;
	char sql[512];
	int rc, bad = 0;

	snprintf(sql, sizeof(sql), "SELECT %s, cause, attributed_via, %s, %s FROM alloc_site"
		 " WHERE analysis_id%s ORDER BY 1, 2, 3, analysis_id, site_id", keys[by], col, obj,
		 set_cond(w));
	if (store_prepare(s, sql, &st, e))
		return ESC_EDB;
	set_bind(st, 1, w);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_top_cause *c;
		const unsigned char *via = sqlite3_column_text(st, 4);
		char **key;

		if (!r || !same_text(st, 0, key_of(r)) || (by == STORE_TOP_BY_SITE &&
		    (!same_text(st, 1, r->file) || sqlite3_column_int64(st, 2) != r->line))) {
			if (r && by == STORE_TOP_BY_SITE && end_line(r, vals, &k))
				goto oom;
			r = NULL;
			if (vec_reserve(&v, &cap, k + 1, sizeof(*v), 16))
				goto oom;
			r = &v[k++];
			memset(r, 0, sizeof(*r));
			key = by == STORE_TOP_BY_PACKAGE ? &r->package : &r->function;
			*key = query_text_req(st, 0, &bad);
			if (by == STORE_TOP_BY_SITE) {
				r->line = sqlite3_column_int64(st, 2);
				r->file = query_text_req(st, 1, &bad);
			}
			if (bad)
				goto oom;
		}
		if (!(c = cause_of(r, &vals, &vcap, (const char *)sqlite3_column_text(st, 3))))
			goto oom;
		i = (size_t)(c - r->causes);
		vals[2 * i] += sqlite3_column_int64(st, 5);
		vals[2 * i + 1] += sqlite3_column_int64(st, 6);
		r->value += sqlite3_column_int64(st, 5);
		r->objects += sqlite3_column_int64(st, 6);
		if (by == STORE_TOP_BY_SITE && via && add_distinct(&c->vias, &c->nvias, (const char *)via))
			goto oom;
	}
	if (rc != SQLITE_DONE) {
		ret = store_fail(s, e, "cannot read the analysis's sites");
		goto out;
	}
	if (r && by == STORE_TOP_BY_SITE && end_line(r, vals, &k))
		goto oom;
	if (by != STORE_TOP_BY_SITE) {
		size_t m = 0;

		/* a group whose sum is 0 is not shown */
		for (i = 0; i < k; i++)
			if (v[i].value)
				v[m++] = v[i];
			else
				top_row_release(&v[i]);
		k = m;
	}
	qsort(v, k, sizeof(*v), by == STORE_TOP_BY_SITE ? cmp_site : cmp_key);
	goto out;
oom:
	ret = query_oom(s, e);
out:
	sqlite3_finalize(st);
	free(vals);
	if (ret) {
		store_top_rows_free(v, k);
		return ret;
	}
	*rows = v;
	*n = k;
	return ESC_OK;
}

/* the columns: the group (a cause, or an object size), sites, value, objects */
static int take_cause_sum(sqlite3_stmt *st, void *p)
{
	struct store_top_row *r = p;
	int oom = 0;

	r->cause = query_text_req(st, 0, &oom);
	r->sites = sqlite3_column_int64(st, 1);
	r->value = sqlite3_column_int64(st, 2);
	r->objects = sqlite3_column_int64(st, 3);
	return -oom;
}

static int take_size_sum(sqlite3_stmt *st, void *p)
{
	struct store_top_row *r = p;

	r->object_size = sqlite3_column_int64(st, 0);
	r->sites = sqlite3_column_int64(st, 1);
	r->value = sqlite3_column_int64(st, 2);
	r->objects = sqlite3_column_int64(st, 3);
	return 0;
}

/* By cause, or by object size (the profile's samples, not the analysis's sites): the
 * database sums; one row per group. */
static enum esc_status top_summed(struct store *s, const struct id_set *w, enum store_top_by by,
				  const char *col, const char *obj, struct store_top_row **rows,
				  size_t *n, struct err *e)
{
	enum esc_status ret;
	sqlite3_stmt *st;
	char sql[512];

	if (by == STORE_TOP_BY_CAUSE)
		snprintf(sql, sizeof(sql), "SELECT cause, count(*), coalesce(sum(%s), 0), coalesce(sum(%s), 0)"
			 " FROM alloc_site WHERE analysis_id%s GROUP BY cause"
			 " HAVING sum(%s) != 0 OR cause = 'unknown'", col, obj, set_cond(w), col);
	else
		snprintf(sql, sizeof(sql), "SELECT coalesce(object_size, 0), 0, coalesce(sum(%s), 0),"
			 " coalesce(sum(%s), 0) FROM heap_samples WHERE profile_id%s"
			 " GROUP BY coalesce(object_size, 0) HAVING sum(%s) != 0", col, obj, set_cond(w), col);
	if (store_prepare(s, sql, &st, e))
		return ESC_EDB;
	set_bind(st, 1, w);
	ret = query_rows(s, st, sizeof(**rows), by == STORE_TOP_BY_CAUSE ? take_cause_sum : take_size_sum,
			 drop_row, rows, n, "cannot read the analysis's sites", e);
	if (!ret && *n)
		qsort(*rows, *n, sizeof(**rows), cmp_key);
	return ret;
}

enum esc_status store_top(struct store *s, int64_t profile_id, int64_t analysis_id, int ix,
			  enum store_top_by by, struct store_top_row **rows, size_t *n,
			  struct err *e)
{
	int64_t total;

	return store_top_merged(s, &profile_id, &analysis_id, 1, ix, by, rows, n, &total, e);
}

enum esc_status store_top_merged(struct store *s, const int64_t *profiles, const int64_t *analyses,
				 size_t count, int ix, enum store_top_by by, struct store_top_row **rows,
				 size_t *n, int64_t *total, struct err *e)
{
	const char *col, *obj;
	struct id_set w;
	sqlite3_stmt *st;
	char sql[256];
	size_t i;
	int rc;

	*rows = NULL;
	*n = 0;
	*total = 0;
	if (!query_valid_ix(ix) || by < STORE_TOP_BY_SITE || by > STORE_TOP_BY_SIZE)
		return err_set(e, ESC_EUSAGE, "no heap sample type %d or grouping %d", ix, (int)by);
	if (!count)
		return ESC_OK;
	/* by cause on a server: summed there, not a site brought over */
	if (s->pg && by == STORE_TOP_BY_CAUSE) {
		enum esc_status ret = store_pg_top_causes(s, analyses, count, ix, rows, n, total, e);

		if (ret)
			return ret;
		if (*n)
			qsort(*rows, *n, sizeof(**rows), cmp_key);
		return ESC_OK;
	}
	STORE_NEED(store_need_analyses(s, analyses, count, e));
	for (i = 0; by == STORE_TOP_BY_SIZE && i < count; i++)
		STORE_NEED(store_need_profile(s, profiles[i], e));
	col = store_heap_types[ix];
	obj = store_heap_types[store_heap_objects_of(ix)];
	STORE_NEED(ids_set(s, by == STORE_TOP_BY_SIZE ? profiles : analyses, count, &w, e));
	if (by == STORE_TOP_BY_SIZE || by == STORE_TOP_BY_CAUSE)
		STORE_NEED(top_summed(s, &w, by, col, obj, rows, n, e));
	else
		STORE_NEED(top_grouped(s, &w, by, col, obj, rows, n, e));
	/* the whole: the sites' sum (those of the analyses, whatever was grouped) */
	if (by == STORE_TOP_BY_SIZE && (ids_set(s, analyses, count, &w, e)))
		goto fail;
	snprintf(sql, sizeof(sql), "SELECT coalesce(sum(%s), 0) FROM alloc_site WHERE analysis_id%s",
		 col, set_cond(&w));
	if (store_prepare(s, sql, &st, e))
		goto fail;
	set_bind(st, 1, &w);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*total = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return ESC_OK;
	store_fail(s, e, "cannot add up the analyses");
fail:
	store_top_rows_free(*rows, *n);
	*rows = NULL;
	*n = 0;
	return ESC_EDB;
}


static void drop_line_site(void *p)
{
	struct store_line_site *r = p;

	free(r->function);
	free(r->file);
	free(r->cause);
	free(r->attributed_via);
	free(r->message);
	free(r->hint);
	free(r->evidence);
}

static int take_line_site(sqlite3_stmt *st, void *p)
{
	struct store_line_site *r = p;
	int oom = 0;

	*r = (struct store_line_site){query_text_req(st, 0, &oom), query_text_req(st, 1, &oom),
				      sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3),
				      sqlite3_column_int64(st, 4), query_text_req(st, 5, &oom),
				      sqlite3_column_double(st, 6), query_text(st, 7, &oom),
				      query_text(st, 8, &oom), query_text(st, 9, &oom),
				      query_text(st, 10, &oom)};
	return -oom;
}

void store_line_sites_free(struct store_line_site *rows, size_t n)
{
	query_rows_free(rows, n, sizeof(*rows), drop_line_site);
}

enum esc_status store_top_line_sites(struct store *s, int64_t analysis_id, int ix, int64_t nlines,
				     struct store_line_site **rows, size_t *n, struct err *e)
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
		 "WITH l AS (SELECT function, file, line, sum(%s) AS t FROM alloc_site WHERE"
		 " analysis_id = ?1 AND %s != 0 GROUP BY function, file, line"
		 " ORDER BY t DESC, file, line LIMIT ?2)"
		 " SELECT s.function, s.file, s.line, s.%s, s.%s, s.cause, s.confidence, s.attributed_via,"
		 " d.message, k.hint, s.evidence FROM alloc_site s JOIN l ON l.function = s.function"
		 " AND l.file = s.file AND l.line = s.line LEFT JOIN diagnostic d ON"
		 " d.build_id = s.build_id AND d.diag_id = s.diag_id LEFT JOIN cause k ON"
		 " k.cause = s.cause WHERE s.analysis_id = ?1 AND s.%s != 0"
		 " ORDER BY l.t DESC, s.file, s.line, s.function, s.%s DESC, s.cause",
		 col, col, col, obj, col, col);
	if (store_prepare(s, sql, &st, e))
		return ESC_EDB;
	sqlite3_bind_int64(st, 1, analysis_id);
	sqlite3_bind_int64(st, 2, nlines);
	return query_rows(s, st, sizeof(**rows), take_line_site, drop_line_site, rows, n,
			  "cannot read the analysis's top sites", e);
}
