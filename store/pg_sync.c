/* pg_sync.c — between a store on a server and its working copy: loading a profile (made
 * whole in a temporary SQLite store of its own, then streamed with COPY under its new
 * id), bringing what a read needs from the server into the working copy, sending a build
 * or an analysis made there, and the one question asked of the server itself (trend,
 * over every profile at once).
 *
 * What is brought is what a question needs and no more: the catalog (profiles, their
 * names, labels and sample types; builds and their names; analyses and which builds they
 * used; the causes) when the store opens, a profile's samples and stacks when a question
 * reads them, an analysis's sites with the diagnostics they cite, a build's diagnostics.
 * Rows keep their ids, so what the working copy answers names the server's rows; only a
 * second profile's strings, functions, locations and stack nodes (a profile's own on the
 * server, numbered by its load) are moved up by k << 32 for the k-th profile brought,
 * where no other profile's can be. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "pg_int.h"

static enum esc_status pull_catalog(struct store *s, int64_t id, int build, struct err *e);
static enum esc_status pull_diags(struct store *s, const char *where, int n, const char *const *v,
				  struct err *e);

/* COPY's text format: \N for NULL; backslash, tab, newline and carriage return escaped */
static int copy_field(struct buf *b, sqlite3_stmt *q, int i)
{
	const unsigned char *t;
	int n, k, oom = 0;

	switch (sqlite3_column_type(q, i)) {
	case SQLITE_NULL:
		return buf_adds(b, "\\N");
	case SQLITE_INTEGER:
		return buf_printf(b, "%lld", (long long)sqlite3_column_int64(q, i)) < 0;
	case SQLITE_FLOAT:
		return buf_printf(b, "%.17g", sqlite3_column_double(q, i)) < 0;
	default:
		t = sqlite3_column_text(q, i);
		n = sqlite3_column_bytes(q, i);
		for (k = 0; k < n && !oom; k++) {
			switch (t[k]) {
			case '\\': oom = buf_adds(b, "\\\\"); break;
			case '\t': oom = buf_adds(b, "\\t"); break;
			case '\n': oom = buf_adds(b, "\\n"); break;
			case '\r': oom = buf_adds(b, "\\r"); break;
			default: oom = buf_addc(b, (char)t[k]);
			}
		}
		return oom;
	}
}

/* Streams the rows of a working-copy query (its ?1 bound to id) into a COPY. */
static enum esc_status copy_rows(struct store *s, struct store *wc, const char *select,
				 const char *copy, int64_t id, struct err *e)
{
	PGconn *c = s->pg->conn;
	sqlite3_stmt *q = NULL;
	struct buf b;
	PGresult *r;
	enum esc_status st = ESC_OK;
	int rc = SQLITE_DONE, n, i, ok = 1, oom = 0;

	if ((st = store_prepare(wc, select, &q, e)))
		return st;
	sqlite3_bind_int64(q, 1, id);
	r = PQexec(c, copy);
	if (PQresultStatus(r) != PGRES_COPY_IN) {
		st = store_pg_fail(s, e, "cannot store a profile", r);
		PQclear(r);
		sqlite3_finalize(q);
		return st;
	}
	PQclear(r);
	buf_init(&b);
	n = sqlite3_column_count(q);
	while (ok && !oom && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		for (i = 0; i < n; i++)
			oom |= (i && buf_addc(&b, '\t')) || copy_field(&b, q, i);
		oom |= buf_addc(&b, '\n');
		if (b.len >= 1 << 16 && !oom) {
			ok = PQputCopyData(c, b.data, (int)b.len) == 1;
			buf_reset(&b);
		}
	}
	if (oom)
		st = err_set(e, ESC_ENOMEM, "'%s': out of memory", s->path);
	else if (ok && rc != SQLITE_DONE)
		st = store_fail(wc, e, "cannot read the profile back");
	if (ok && b.len && !st)
		ok = PQputCopyData(c, b.data, (int)b.len) == 1;
	buf_release(&b);
	sqlite3_finalize(q);
	/* an error ends the COPY with a failure, so that the server drops what it got */
	if (PQputCopyEnd(c, st || !ok ? "escprof stopped the copy" : NULL) != 1 && !st)
		st = store_pg_fail(s, e, "cannot store a profile", NULL);
	while ((r = PQgetResult(c))) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK && !st)
			st = store_pg_fail(s, e, "cannot store a profile", r);
		PQclear(r);
	}
	if (!ok && !st)
		st = store_pg_fail(s, e, "cannot store a profile", NULL);
	return st;
}

/* the working copy's rows of one profile, as the server's tables take them */
static const struct {
	const char *select, *copy;
} profile_tables[] = {
	{"SELECT ?1, key, value FROM profile_label", "COPY profile_label (profile_id, key, value) FROM STDIN"},
	{"SELECT ?1, idx, type, unit FROM sample_type", "COPY sample_type FROM STDIN"},
	{"SELECT ?1, id, s FROM str", "COPY str (profile_id, id, s) FROM STDIN"},
	{"SELECT ?1, id, name_id, file_id FROM func", "COPY func (profile_id, id, name_id, file_id) FROM STDIN"},
	{"SELECT ?1, id, lines FROM location", "COPY location (profile_id, id, lines) FROM STDIN"},
	{"SELECT ?1, id, parent, depth, locs FROM stack",
	 "COPY stack (profile_id, id, parent, depth, locs) FROM STDIN"},
	{"SELECT ?1, sample_id, stack_id, object_size, v0, v1, v2, v3 FROM sample",
	 "COPY sample (profile_id, sample_id, stack_id, object_size, v0, v1, v2, v3) FROM STDIN"},
	{"SELECT ?1, sample_id, idx, value FROM sample_value_x",
	 "COPY sample_value_x (profile_id, sample_id, idx, value) FROM STDIN"},
	{"SELECT ?1, sample_id, key_id, str_id, num, unit_id FROM sample_label",
	 "COPY sample_label (profile_id, sample_id, key_id, str_id, num, unit_id) FROM STDIN"},
};

#define PROFILE_COLS "name, source, sha256, format, time_nanos, duration_nanos, period_type," \
	" period_unit, period, default_sample_type, loaded_at, nsamples, ix_alloc_objects," \
	" ix_alloc_space, ix_inuse_objects, ix_inuse_space"
#define PROFILE_NCOLS 16

/* Inserts the working copy's profile row unless a profile of the same bytes is there
 * (or is being loaded by another transaction, which this waits for): *id the new one, or
 * 0 and *existing the one there. */
static enum esc_status insert_profile(struct store *s, struct store *wc, int64_t *id,
				      int64_t *existing, struct err *e)
{
	char num[PROFILE_NCOLS][24];
	const char *v[PROFILE_NCOLS];
	sqlite3_stmt *q;
	PGresult *r;
	enum esc_status st;
	int i;

	*id = *existing = 0;
	if ((st = store_prepare(wc, "SELECT " PROFILE_COLS " FROM profile", &q, e)))
		return st;
	if (sqlite3_step(q) != SQLITE_ROW) {
		st = store_fail(wc, e, "cannot read the profile back");
		sqlite3_finalize(q);
		return st;
	}
	for (i = 0; i < PROFILE_NCOLS; i++) {
		if (sqlite3_column_type(q, i) == SQLITE_NULL) {
			v[i] = NULL;
		} else if (sqlite3_column_type(q, i) == SQLITE_INTEGER) {
			snprintf(num[i], sizeof(num[i]), "%lld", (long long)sqlite3_column_int64(q, i));
			v[i] = num[i];
		} else {
			v[i] = (const char *)sqlite3_column_text(q, i);
		}
	}
	r = store_pg_run(s, "INSERT INTO profile (" PROFILE_COLS ") VALUES"
		   " ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16)"
		   " ON CONFLICT (sha256) DO NOTHING RETURNING id", PROFILE_NCOLS, v,
		   "cannot store a profile", e);
	if (r && PQntuples(r) == 1) {
		*id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	} else if (r) {
		PQclear(r);
		r = store_pg_run(s, "SELECT id FROM profile WHERE sha256 = $1", 1, &v[2],
			   "cannot look up a profile", e);
		if (r && PQntuples(r) == 1)
			*existing = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	}
	sqlite3_finalize(q);
	if (!r)
		return ESC_EDB;
	PQclear(r);
	return ESC_OK;
}

enum esc_status store_pg_find_profile(struct store *s, const char *sha256, int64_t *id,
				      struct err *e)
{
	PGresult *r = store_pg_run(s, "SELECT id FROM profile WHERE sha256 = $1", 1, &sha256,
			     "cannot look up a profile", e);

	*id = 0;
	if (!r)
		return ESC_EDB;
	if (PQntuples(r) == 1)
		*id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return ESC_OK;
}

enum esc_status store_pg_add_profile(struct store *s, const struct profile *p,
				     const struct store_profile_opts *o, int64_t *id, int *added,
				     struct err *e)
{
	struct store *wc = NULL;
	int64_t wid = 0, existing = 0;
	int wadded = 0;
	enum esc_status st;
	size_t i;

	*id = 0;
	*added = 0;
	if ((st = store_begin(s, e)))
		return st;
	/* the same bytes twice: the first load stands, with the name given again */
	if ((st = store_pg_find_profile(s, o->sha256, &existing, e)))
		goto fail;
	if (!existing) {
		if ((st = store_open(&wc, NULL, STORE_TEMPORARY, e)) ||
		    (st = store_add_profile(wc, p, o, &wid, &wadded, e)) ||
		    (st = insert_profile(s, wc, id, &existing, e)))
			goto fail;
	}
	if (existing) {
		*id = existing;
		if (o->name && (st = store_pg_add_name(s, STORE_PROFILE, existing, o->name, e)))
			goto fail;
		store_close(wc);
		wc = NULL;
		if ((st = pull_catalog(s, existing, 0, e)))
			goto fail;
		return store_commit(s, e);
	}
	for (i = 0; i < sizeof(profile_tables) / sizeof(profile_tables[0]); i++)
		if ((st = copy_rows(s, wc, profile_tables[i].select, profile_tables[i].copy, *id, e)))
			goto fail;
	{
		sqlite3_stmt *q;

		if ((st = store_prepare(wc, "SELECT name FROM profile_name ORDER BY seq", &q, e)))
			goto fail;
		while (!st && sqlite3_step(q) == SQLITE_ROW)
			st = store_pg_add_name(s, STORE_PROFILE, *id, (const char *)sqlite3_column_text(q, 0), e);
		sqlite3_finalize(q);
		if (st)
			goto fail;
	}
	store_close(wc);
	wc = NULL;
	/* what later questions of this command ask about it */
	if ((st = pull_catalog(s, *id, 0, e)))
		goto fail;
	*added = 1;
	return store_commit(s, e);
fail:
	store_close(wc);
	store_rollback(s);
	*id = 0;
	return st ? st : ESC_EDB;
}


/* ---- bringing rows into the working copy ---- */

/* Inserts the rows of a server query into the working copy with insert (its parameters
 * the query's columns, in order, as text: the columns' affinity turns numbers back). */
static enum esc_status pull(struct store *s, const char *sql, int n, const char *const *vals,
			    const char *insert, struct err *e)
{
	PGresult *r = store_pg_run(s, sql, n, vals, "cannot read the store", e);
	sqlite3_stmt *q;
	enum esc_status st = ESC_OK;
	int rows, cols, i, j;

	if (!r)
		return ESC_EDB;
	if (sqlite3_prepare_v2(s->db, insert, -1, &q, NULL) != SQLITE_OK) {
		PQclear(r);
		return store_fail(s, e, "cannot fill the working copy");
	}
	rows = PQntuples(r);
	cols = PQnfields(r);
	for (i = 0; i < rows && !st; i++) {
		for (j = 0; j < cols; j++) {
			if (PQgetisnull(r, i, j))
				sqlite3_bind_null(q, j + 1);
			else
				sqlite3_bind_text(q, j + 1, PQgetvalue(r, i, j), PQgetlength(r, i, j),
						  SQLITE_STATIC);
		}
		if (sqlite3_step(q) != SQLITE_DONE)
			st = store_fail(s, e, "cannot fill the working copy");
		sqlite3_reset(q);
	}
	sqlite3_finalize(q);
	PQclear(r);
	return st;
}

/* the catalog: whole, or one profile's or build's rows (the condition on $1) */
enum { OF_ALL, OF_PROFILE, OF_BUILD };
static const struct {
	const char *select;
	int of;
	const char *one, *insert;
} catalog[] = {
	{"SELECT id, " PROFILE_COLS " FROM profile WHERE ", OF_PROFILE, "id = $1",
	 "INSERT OR IGNORE INTO profile (id, " PROFILE_COLS ") VALUES"
	 " (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"},
	{"SELECT seq, profile_id, name FROM profile_name WHERE ", OF_PROFILE, "profile_id = $1",
	 "INSERT OR REPLACE INTO profile_name (seq, profile_id, name) VALUES (?,?,?)"},
	{"SELECT profile_id, key, value FROM profile_label WHERE ", OF_PROFILE, "profile_id = $1",
	 "INSERT OR IGNORE INTO profile_label VALUES (?,?,?)"},
	{"SELECT profile_id, idx, type, unit FROM sample_type WHERE ", OF_PROFILE, "profile_id = $1",
	 "INSERT OR IGNORE INTO sample_type VALUES (?,?,?,?)"},
	{"SELECT id, profile_id, created_at FROM analysis WHERE ", OF_ALL, NULL,
	 "INSERT OR IGNORE INTO analysis (id, profile_id, created_at) VALUES (?,?,?)"},
	{"SELECT id, name, source, sha256, go_version, loaded_at FROM build WHERE ", OF_BUILD, "id = $1",
	 "INSERT OR IGNORE INTO build (id, name, source, sha256, go_version, loaded_at)"
	 " VALUES (?,?,?,?,?,?)"},
	{"SELECT seq, build_id, name FROM build_name WHERE ", OF_BUILD, "build_id = $1",
	 "INSERT OR REPLACE INTO build_name (seq, build_id, name) VALUES (?,?,?)"},
	{"SELECT analysis_id, build_id, seq, lines, matched, used FROM analysis_build WHERE ", OF_ALL,
	 NULL, "INSERT OR IGNORE INTO analysis_build VALUES (?,?,?,?,?,?)"},
	{"SELECT cause, title, hint, rank FROM cause WHERE ", OF_ALL, NULL,
	 "INSERT OR REPLACE INTO cause VALUES (?,?,?,?)"},
};

/* The catalog rows of profile (or build) id, or all of them (id 0). */
static enum esc_status pull_catalog(struct store *s, int64_t id, int build, struct err *e)
{
	char num[24], sql[512];
	const char *v = num;
	enum esc_status st = ESC_OK;
	size_t i;

	snprintf(num, sizeof(num), "%" PRId64, id);
	for (i = 0; i < sizeof(catalog) / sizeof(catalog[0]) && !st; i++) {
		if (id && catalog[i].of != (build ? OF_BUILD : OF_PROFILE))
			continue;
		snprintf(sql, sizeof(sql), "%s%s", catalog[i].select, id ? catalog[i].one : "true");
		st = pull(s, sql, id ? 1 : 0, id ? &v : NULL, catalog[i].insert, e);
	}
	return st;
}

enum esc_status store_pg_pull_build(struct store *s, int64_t id, struct err *e)
{
	return pull_catalog(s, id, 1, e);
}

enum esc_status store_pg_working_copy(struct store *s, struct err *e)
{
	enum esc_status st;

	if ((st = store_open(&s->pg->wc, NULL, STORE_TEMPORARY, e)))
		return st;
	s->db = s->pg->wc->db;
	/* its rows come from a store whose keys hold: none is checked again */
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_ENABLE_FKEY, 0, NULL);
	if (sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return store_fail(s, e, "cannot fill the working copy");
	st = pull_catalog(s, 0, 0, e);
	if (sqlite3_exec(s->db, st ? "ROLLBACK" : "COMMIT", NULL, NULL, NULL) != SQLITE_OK && !st)
		st = store_fail(s, e, "cannot fill the working copy");
	return st;
}

static int holds(const int64_t *ids, size_t n, int64_t id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ids[i] == id)
			return 1;
	return 0;
}

/* ids as one array parameter, "{1,2,3}", but those held (nheld of them) already: *k
 * counts the ids written. 0, or -1 when memory runs out. */
static int id_array(struct buf *arr, const int64_t *ids, size_t n, const int64_t *held,
		    size_t nheld, size_t *k)
{
	int oom = 0;
	size_t i;

	*k = 0;
	oom |= buf_addc(arr, '{');
	for (i = 0; i < n; i++)
		if (!holds(held, nheld, ids[i]))
			oom |= buf_printf(arr, "%s%" PRId64, (*k)++ ? "," : "", ids[i]) < 0;
	oom |= buf_addc(arr, '}');
	return oom ? -1 : 0;
}

static enum esc_status remember(struct store *s, int64_t **ids, size_t *n, int64_t id,
				struct err *e)
{
	int64_t *g = realloc(*ids, (*n + 1) * sizeof(**ids));

	if (!g)
		return err_set(e, ESC_ENOMEM, "'%s': out of memory", s->path);
	*ids = g;
	g[(*n)++] = id;
	return ESC_OK;
}

/* Runs pulls inside one working-copy transaction of their own when none is open. */
static enum esc_status pulls_begin(struct store *s, int *own, struct err *e)
{
	*own = sqlite3_get_autocommit(s->db);
	if (*own && sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return store_fail(s, e, "cannot fill the working copy");
	return ESC_OK;
}

static enum esc_status pulls_end(struct store *s, int own, enum esc_status st, struct err *e)
{
	if (own && sqlite3_exec(s->db, st ? "ROLLBACK" : "COMMIT", NULL, NULL, NULL) != SQLITE_OK && !st)
		st = store_fail(s, e, "cannot fill the working copy");
	return st;
}

/* a JSON array of ids ("[3,7]") moved up by $2; of [function id, line, column] triples
 * the function ids */
#define MOVED_IDS(col) "CASE WHEN $2::bigint = 0 THEN " col " ELSE (SELECT '[' ||" \
	" coalesce(string_agg((x::bigint + $2::bigint)::text, ',' ORDER BY o), '') || ']'" \
	" FROM jsonb_array_elements_text(" col "::jsonb) WITH ORDINALITY AS t (x, o)) END"
#define MOVED_LINES(col) "CASE WHEN $2::bigint = 0 THEN " col " ELSE (SELECT '[' ||" \
	" coalesce(string_agg('[' || ((v ->> 0)::bigint + $2::bigint) || ',' || (v ->> 1) || ','" \
	" || (v ->> 2) || ']', ',' ORDER BY o), '') || ']'" \
	" FROM jsonb_array_elements(" col "::jsonb) WITH ORDINALITY AS t (v, o)) END"

static const struct {
	const char *select, *insert;
} profile_rows[] = {
	{"SELECT id + $2, s FROM str WHERE profile_id = $1", "INSERT INTO str (id, s) VALUES (?,?)"},
	{"SELECT id + $2, name_id + $2, file_id + $2 FROM func WHERE profile_id = $1",
	 "INSERT INTO func (id, name_id, file_id, refs) VALUES (?,?,?,1)"},
	{"SELECT id + $2, " MOVED_LINES("lines") " FROM location WHERE profile_id = $1",
	 "INSERT INTO location (id, lines, refs, h) VALUES (?,?,1,0)"},
	{"SELECT id + $2, parent + $2, depth, " MOVED_IDS("locs") " FROM stack WHERE profile_id = $1",
	 "INSERT INTO stack (id, parent, depth, refs, locs) VALUES (?,?,?,1,?)"},
	{"SELECT profile_id, sample_id, stack_id + $2, object_size, v0, v1, v2, v3 FROM sample"
	 " WHERE profile_id = $1", "INSERT INTO sample VALUES (?,?,?,?,?,?,?,?)"},
	{"SELECT profile_id, sample_id, idx, value FROM sample_value_x WHERE profile_id = $1",
	 "INSERT INTO sample_value_x VALUES (?,?,?,?)"},
	{"SELECT profile_id, sample_id, key_id + $2, str_id + $2, num, unit_id + $2 FROM sample_label"
	 " WHERE profile_id = $1", "INSERT INTO sample_label VALUES (?,?,?,?,?,?)"},
};

enum esc_status store_need_profile(struct store *s, int64_t profile_id, struct err *e)
{
	struct store_pg *pg = s->pg;
	char num[24], off[24];
	const char *v[2] = {num, off};
	enum esc_status st;
	size_t i;
	int own;

	if (!pg || holds(pg->profiles, pg->nprofiles, profile_id))
		return ESC_OK;
	snprintf(num, sizeof(num), "%" PRId64, profile_id);
	snprintf(off, sizeof(off), "%" PRId64, (int64_t)pg->nprofiles << 32);
	if ((st = pulls_begin(s, &own, e)))
		return st;
	for (i = 0; i < sizeof(profile_rows) / sizeof(profile_rows[0]) && !st; i++)
		st = pull(s, profile_rows[i].select, strstr(profile_rows[i].select, "$2") ? 2 : 1, v,
			  profile_rows[i].insert, e);
	if ((st = pulls_end(s, own, st, e)))
		return st;
	return remember(s, &pg->profiles, &pg->nprofiles, profile_id, e);
}

#define DIAG_COLS "build_id, diag_id, package, file, norm_file, line, col, kind, subject, func, message"
#define STEP_COLS "build_id, diag_id, seq, kind, dst, src, derefs, why, expr, file, line, col, text"
#define SITE_COLS "analysis_id, site_id, function, package, file, line, alloc_objects, alloc_space," \
	" inuse_objects, inuse_space, cause, confidence, build_id, diag_id, attributed_via, samples," \
	" decisive_seq, evidence"

enum esc_status store_need_analysis(struct store *s, int64_t analysis_id, struct err *e)
{
	struct store_pg *pg = s->pg;
	char num[24];
	const char *v = num;
	enum esc_status st;
	int own;

	if (!pg || holds(pg->analyses, pg->nanalyses, analysis_id))
		return ESC_OK;
	snprintf(num, sizeof(num), "%" PRId64, analysis_id);
	if ((st = pulls_begin(s, &own, e)))
		return st;
	if (!(st = pull(s, "SELECT " SITE_COLS " FROM alloc_site WHERE analysis_id = $1", 1, &v,
			"INSERT OR IGNORE INTO alloc_site VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", e)) &&
	    !(st = pull(s, "SELECT " DIAG_COLS " FROM diagnostic WHERE (build_id, diag_id) IN"
			"  (SELECT build_id, diag_id FROM alloc_site WHERE analysis_id = $1)", 1, &v,
			"INSERT OR IGNORE INTO diagnostic (" DIAG_COLS ") VALUES (?,?,?,?,?,?,?,?,?,?,?)", e)))
		st = pull(s, "SELECT " STEP_COLS " FROM flow_step WHERE (build_id, diag_id) IN"
			  "  (SELECT build_id, diag_id FROM alloc_site WHERE analysis_id = $1)", 1, &v,
			  "INSERT OR IGNORE INTO flow_step (" STEP_COLS ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", e);
	if ((st = pulls_end(s, own, st, e)))
		return st;
	return remember(s, &pg->analyses, &pg->nanalyses, analysis_id, e);
}

enum esc_status store_need_analyses(struct store *s, const int64_t *ids, size_t n, struct err *e)
{
	struct store_pg *pg = s->pg;
	enum esc_status st = ESC_OK;
	struct buf arr;
	const char *v;
	size_t i, k;
	int own;

	if (!pg)
		return ESC_OK;
	if (n == 1)
		return store_need_analysis(s, ids[0], e);
	/* the ones not brought yet, as one array parameter */
	buf_init(&arr);
	if (id_array(&arr, ids, n, pg->analyses, pg->nanalyses, &k)) {
		buf_release(&arr);
		return err_set(e, ESC_ENOMEM, "'%s': out of memory", s->path);
	}
	v = arr.data;
	if (k && !(st = pulls_begin(s, &own, e))) {
		if (!(st = pull(s, "SELECT " SITE_COLS " FROM alloc_site WHERE analysis_id = ANY($1::bigint[])",
				1, &v, "INSERT OR IGNORE INTO alloc_site VALUES"
				" (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", e)))
			st = pull_diags(s, "(build_id, diag_id) IN (SELECT build_id, diag_id FROM alloc_site"
					" WHERE analysis_id = ANY($1::bigint[]))", 1, &v, e);
		st = pulls_end(s, own, st, e);
	}
	buf_release(&arr);
	for (i = 0; i < n && !st; i++)
		if (!holds(pg->analyses, pg->nanalyses, ids[i]))
			st = remember(s, &pg->analyses, &pg->nanalyses, ids[i], e);
	return st;
}

static enum esc_status pull_diags(struct store *s, const char *where, int n, const char *const *v,
				  struct err *e)
{
	char sql[512];
	enum esc_status st;

	snprintf(sql, sizeof(sql), "SELECT " DIAG_COLS " FROM diagnostic WHERE %s", where);
	if ((st = pull(s, sql, n, v, "INSERT OR IGNORE INTO diagnostic (" DIAG_COLS ") VALUES"
		       " (?,?,?,?,?,?,?,?,?,?,?)", e)))
		return st;
	snprintf(sql, sizeof(sql), "SELECT " STEP_COLS " FROM flow_step WHERE (build_id, diag_id) IN"
		 " (SELECT build_id, diag_id FROM diagnostic WHERE %s)", where);
	return pull(s, sql, n, v, "INSERT OR IGNORE INTO flow_step (" STEP_COLS ") VALUES"
		    " (?,?,?,?,?,?,?,?,?,?,?,?,?)", e);
}

enum esc_status store_need_build(struct store *s, int64_t build_id, struct err *e)
{
	struct store_pg *pg = s->pg;
	char num[24];
	const char *v = num;
	enum esc_status st;
	int own;

	if (!pg || holds(pg->builds, pg->nbuilds, build_id))
		return ESC_OK;
	snprintf(num, sizeof(num), "%" PRId64, build_id);
	if ((st = pulls_begin(s, &own, e)))
		return st;
	st = pull_diags(s, "build_id = $1", 1, &v, e);
	if ((st = pulls_end(s, own, st, e)))
		return st;
	return remember(s, &pg->builds, &pg->nbuilds, build_id, e);
}

enum esc_status store_need_diag(struct store *s, int64_t build_id, int64_t diag_id, struct err *e)
{
	char b[24], d[24];
	const char *v[2] = {b, d};
	enum esc_status st;
	int own;

	if (!s->pg || holds(s->pg->builds, s->pg->nbuilds, build_id))
		return ESC_OK;
	snprintf(b, sizeof(b), "%" PRId64, build_id);
	snprintf(d, sizeof(d), "%" PRId64, diag_id);
	if ((st = pulls_begin(s, &own, e)))
		return st;
	st = pull_diags(s, "build_id = $1 AND diag_id = $2", 2, v, e);
	return pulls_end(s, own, st, e);
}

enum esc_status store_need_line(struct store *s, int64_t analysis_id, int64_t line, struct err *e)
{
	char a[24], l[24];
	const char *v[2] = {a, l};
	enum esc_status st;
	int own;

	if (!s->pg)
		return ESC_OK;
	snprintf(a, sizeof(a), "%" PRId64, analysis_id);
	snprintf(l, sizeof(l), "%" PRId64, line);
	if ((st = pulls_begin(s, &own, e)))
		return st;
	st = pull_diags(s, "line = $2 AND build_id IN (SELECT build_id FROM analysis_build"
			" WHERE analysis_id = $1 AND used = 1)", 2, v, e);
	return pulls_end(s, own, st, e);
}

/* ---- sending what the working copy made ---- */

enum esc_status store_pg_next_id(struct store *s, const char *table, int64_t *id, struct err *e)
{
	PGresult *r = store_pg_run(s, "SELECT nextval(pg_get_serial_sequence($1, 'id'))", 1, &table,
				   "cannot number a new row", e);

	*id = 0;
	if (!r)
		return ESC_EDB;
	*id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return ESC_OK;
}

enum esc_status store_pg_push_build(struct store *s, int64_t id, int64_t *existing, struct err *e)
{
	struct store *wc = s->pg->wc;
	sqlite3_stmt *q;
	const char *v[6];
	char num[24];
	PGresult *r;
	enum esc_status st;
	int i;

	*existing = 0;
	if ((st = store_prepare(wc, "SELECT id, name, source, sha256, go_version, loaded_at FROM build"
				" WHERE id = ?", &q, e)))
		return st;
	sqlite3_bind_int64(q, 1, id);
	if (sqlite3_step(q) != SQLITE_ROW) {
		sqlite3_finalize(q);
		return store_fail(s, e, "cannot read the build back");
	}
	for (i = 0; i < 6; i++)
		v[i] = (const char *)sqlite3_column_text(q, i);
	snprintf(num, sizeof(num), "%" PRId64, id);
	v[0] = num;
	/* a build of the same digest stored first, by anyone, stands */
	r = store_pg_run(s, "INSERT INTO build (id, name, source, sha256, go_version, loaded_at)"
			 " VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT (sha256) DO NOTHING RETURNING id", 6, v,
			 "cannot store the build", e);
	if (r && !PQntuples(r)) {
		PQclear(r);
		r = store_pg_run(s, "SELECT id FROM build WHERE sha256 = $1", 1, &v[3],
				 "cannot look up a build", e);
		if (r && PQntuples(r))
			*existing = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	}
	sqlite3_finalize(q);
	if (!r)
		return ESC_EDB;
	PQclear(r);
	if (*existing)
		return ESC_OK;
	if ((st = copy_rows(s, wc, "SELECT " DIAG_COLS " FROM diagnostic WHERE build_id = ?1",
			    "COPY diagnostic (" DIAG_COLS ") FROM STDIN", id, e)) ||
	    (st = copy_rows(s, wc, "SELECT " STEP_COLS " FROM flow_step WHERE build_id = ?1",
			    "COPY flow_step (" STEP_COLS ") FROM STDIN", id, e)))
		return st;
	if ((st = store_prepare(wc, "SELECT name FROM build_name WHERE build_id = ? ORDER BY seq", &q, e)))
		return st;
	sqlite3_bind_int64(q, 1, id);
	while (!st && sqlite3_step(q) == SQLITE_ROW)
		st = store_pg_add_name(s, STORE_BUILD, id, (const char *)sqlite3_column_text(q, 0), e);
	sqlite3_finalize(q);
	if (!st)
		st = remember(s, &s->pg->builds, &s->pg->nbuilds, id, e);
	return st;
}

/* the taxonomy the analysis was made with: this version's words for each cause */
static enum esc_status push_causes(struct store *s, struct err *e)
{
	sqlite3_stmt *q;
	enum esc_status st;

	if ((st = store_prepare(s->pg->wc, "SELECT cause, title, hint, rank FROM cause", &q, e)))
		return st;
	while (!st && sqlite3_step(q) == SQLITE_ROW) {
		const char *v[4];
		PGresult *r;
		int i;

		for (i = 0; i < 4; i++)
			v[i] = (const char *)sqlite3_column_text(q, i);
		r = store_pg_run(s, "INSERT INTO cause VALUES ($1, $2, $3, $4) ON CONFLICT (cause) DO UPDATE"
				 " SET title = excluded.title, hint = excluded.hint, rank = excluded.rank"
				 " WHERE (cause.title, cause.hint, cause.rank) IS DISTINCT FROM"
				 " (excluded.title, excluded.hint, excluded.rank)", 4, v,
				 "cannot store the causes", e);
		if (!r)
			st = ESC_EDB;
		PQclear(r);
	}
	sqlite3_finalize(q);
	return st;
}

enum esc_status store_pg_push_analysis(struct store *s, int64_t id, struct err *e)
{
	struct store *wc = s->pg->wc;
	enum esc_status st;

	if ((st = copy_rows(s, wc, "SELECT id, profile_id, created_at FROM analysis WHERE id = ?1",
			    "COPY analysis (id, profile_id, created_at) FROM STDIN", id, e)) ||
	    (st = push_causes(s, e)) ||
	    (st = copy_rows(s, wc, "SELECT a.profile_id, s.analysis_id, s.site_id, s.function, s.package,"
			    " s.file, s.line, s.alloc_objects, s.alloc_space, s.inuse_objects, s.inuse_space,"
			    " s.cause, s.confidence, s.build_id, s.diag_id, s.attributed_via, s.samples,"
			    " s.decisive_seq, s.evidence FROM alloc_site s JOIN analysis a ON a.id = s.analysis_id"
			    " WHERE s.analysis_id = ?1",
			    "COPY alloc_site (profile_id, " SITE_COLS ") FROM STDIN", id, e)) ||
	    (st = copy_rows(s, wc, "SELECT analysis_id, build_id, seq, lines, matched, used FROM analysis_build"
			    " WHERE analysis_id = ?1", "COPY analysis_build FROM STDIN", id, e)))
		return st;
	return remember(s, &s->pg->analyses, &s->pg->nanalyses, id, e);
}

/* ---- trend: one question over every profile, asked of the server ---- */

/* head AND what f admits, then tail, with f's values after the head's n (as
 * store_filtered has it); text is ordered by bytes, as SQLite orders it */
static PGresult *filtered(struct store *s, const char *head, const char *const *hv, int n,
			  const struct store_profile_filter *f, const char *tail, const char *what,
			  struct err *e)
{
	const char *v[64];
	char *keys[32] = {0};
	struct buf sql;
	PGresult *r = NULL;
	size_t i;
	int k = 0, oom;

	if (f && f->nlabels > 16) {
		err_set(e, ESC_EUSAGE, "at most 16 --label filters on a server");
		return NULL;
	}
	for (; k < n; k++)
		v[k] = hv[k];
	buf_init(&sql);
	oom = buf_adds(&sql, head);
	for (i = 0; f && i < f->nlabels; i++) {
		const char *eq = strchr(f->labels[i], '=');
		size_t kl = eq ? (size_t)(eq - f->labels[i]) : strlen(f->labels[i]);

		if (!(keys[i] = strndup(f->labels[i], kl)))
			oom = 1;
		v[k++] = keys[i];
		v[k++] = eq ? eq + 1 : "";
		oom |= buf_printf(&sql, " AND EXISTS (SELECT 1 FROM profile_label l WHERE l.profile_id = p.id"
				  " AND l.key = $%d AND l.value = $%d)", k - 1, k) < 0;
	}
	if (f && f->since) {
		v[k++] = f->since;
		oom |= buf_printf(&sql, " AND p.loaded_at >= $%d", k) < 0;
	}
	if (f && f->until) {
		v[k++] = f->until;
		oom |= buf_printf(&sql, " AND p.loaded_at < $%d", k) < 0;
	}
	oom |= buf_adds(&sql, tail);
	if (oom)
		err_set(e, ESC_ENOMEM, "out of memory");
	else
		r = store_pg_run(s, sql.data, k, v, what, e);
	for (i = 0; i < 32; i++)
		free(keys[i]);
	buf_release(&sql);
	return r;
}

#define HEAP_PROFILE "coalesce(p.ix_alloc_objects, p.ix_alloc_space, p.ix_inuse_objects," \
	" p.ix_inuse_space) IS NOT NULL"

enum esc_status store_pg_trend(struct store *s, const struct store_profile_filter *f, int ix,
			       enum store_trend_by by, struct store_trend_row **rows, size_t *n,
			       int64_t *unanalysed, struct err *e)
{
	static const char *const key_cols[] = {
		[STORE_TREND_BY_CAUSE] = "s.cause", [STORE_TREND_BY_PACKAGE] = "s.package",
		[STORE_TREND_BY_FUNCTION] = "s.function",
	};
	char head[1024], tail[256];
	PGresult *r;
	int k, i;

	if (!(r = filtered(s, "SELECT count(*) FROM profile p WHERE " HEAP_PROFILE
			   " AND NOT EXISTS (SELECT 1 FROM analysis a WHERE a.profile_id = p.id)", NULL, 0,
			   f, "", "cannot count the profiles without an analysis", e)))
		return ESC_EDB;
	*unanalysed = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	/* each profile's newest analysis, its sites summed by key, one shard each */
	snprintf(head, sizeof(head),
		 "SELECT p.id, p.name, p.loaded_at, coalesce(%s, ''), sum(s.%s) FROM profile p"
		 " JOIN alloc_site s ON s.profile_id = p.id AND s.analysis_id ="
		 "  (SELECT max(a.id) FROM analysis a WHERE a.profile_id = p.id)"
		 " WHERE " HEAP_PROFILE, key_cols[by], store_heap_types[ix]);
	snprintf(tail, sizeof(tail), " GROUP BY p.id, p.name, p.loaded_at, %s HAVING sum(s.%s) <> 0"
		 " ORDER BY p.loaded_at COLLATE \"C\", p.id, 5 DESC, coalesce(%s, '') COLLATE \"C\"",
		 key_cols[by], store_heap_types[ix], key_cols[by]);
	if (!(r = filtered(s, head, NULL, 0, f, tail, "cannot read the trend", e)))
		return ESC_EDB;
	k = PQntuples(r);
	if (k && !(*rows = calloc((size_t)k, sizeof(**rows)))) {
		PQclear(r);
		return err_set(e, ESC_ENOMEM, "'%s': out of memory", s->path);
	}
	for (i = 0; i < k; i++) {
		struct store_trend_row *t = &(*rows)[i];

		t->profile_id = strtoll(PQgetvalue(r, i, 0), NULL, 10);
		t->name = strdup(PQgetvalue(r, i, 1));
		t->loaded_at = strdup(PQgetvalue(r, i, 2));
		t->key = strdup(PQgetvalue(r, i, 3));
		t->value = strtoll(PQgetvalue(r, i, 4), NULL, 10);
		*n = (size_t)i + 1;
		if (!t->name || !t->loaded_at || !t->key) {
			PQclear(r);
			store_trend_rows_free(*rows, *n);
			*rows = NULL;
			*n = 0;
			return err_set(e, ESC_ENOMEM, "'%s': out of memory", s->path);
		}
	}
	PQclear(r);
	return ESC_OK;
}

/* ---- a merge by cause, summed by the server ---- */

enum esc_status store_pg_top_causes(struct store *s, const int64_t *analyses, size_t count, int ix,
				    struct store_top_row **rows, size_t *n, int64_t *total, struct err *e)
{
	const char *col = store_heap_types[ix], *obj = store_heap_types[store_heap_objects_of(ix)];
	char sql[512];
	struct buf arr;
	const char *v;
	PGresult *r;
	size_t nids;
	int k;

	buf_init(&arr);
	if (id_array(&arr, analyses, count, NULL, 0, &nids)) {
		buf_release(&arr);
		return err_set(e, ESC_ENOMEM, "'%s': out of memory", s->path);
	}
	v = arr.data;
	/* the causes, and the whole (every cause, as the sites' sum) in one pass: the
	 * grouping set () gives the total's row, its cause NULL */
	snprintf(sql, sizeof(sql),
		 "SELECT cause, count(*), coalesce(sum(%s), 0)::bigint, coalesce(sum(%s), 0)::bigint"
		 " FROM alloc_site WHERE analysis_id = ANY($1::bigint[]) GROUP BY GROUPING SETS ((cause), ())",
		 col, obj);
	r = store_pg_run(s, sql, 1, &v, "cannot read the analyses' sites", e);
	buf_release(&arr);
	if (!r)
		return ESC_EDB;
	if (!(*rows = calloc((size_t)PQntuples(r) + 1, sizeof(**rows)))) {
		PQclear(r);
		return err_set(e, ESC_ENOMEM, "'%s': out of memory", s->path);
	}
	for (k = 0; k < PQntuples(r); k++) {
		struct store_top_row *t = &(*rows)[*n];
		int64_t value = strtoll(PQgetvalue(r, k, 2), NULL, 10);

		if (PQgetisnull(r, k, 0)) {
			*total = value;
			continue;
		}
		/* as on SQLite: a cause that sums to 0 is left out, but unknown never */
		if (!value && strcmp(PQgetvalue(r, k, 0), "unknown"))
			continue;
		t->sites = strtoll(PQgetvalue(r, k, 1), NULL, 10);
		t->value = value;
		t->objects = strtoll(PQgetvalue(r, k, 3), NULL, 10);
		++*n;
		if (!(t->cause = strdup(PQgetvalue(r, k, 0)))) {
			PQclear(r);
			store_top_rows_free(*rows, *n);
			*rows = NULL;
			*n = 0;
			return err_set(e, ESC_ENOMEM, "'%s': out of memory", s->path);
		}
	}
	PQclear(r);
	return ESC_OK;
}
