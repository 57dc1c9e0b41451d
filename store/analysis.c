/* analysis.c — what the join reads (diagnostics with their steps, heap samples with their
 * stacks) and what it writes (one analysis: the cause taxonomy and every allocation site,
 * in one transaction). Reads stream; nothing here holds a whole profile or build. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/hmap.h"
#include "common/vec.h"
#include "common/wrap.h"
#include "store_int.h"

const char *const store_heap_types[STORE_NHEAP] = {"alloc_objects", "alloc_space",
						   "inuse_objects", "inuse_space"};

static enum esc_status resolve(struct store *s, const char *table, const char *what,
			       const char *ref, int64_t *id, struct err *e)
{
	char sql[256];
	sqlite3_stmt *st;
	char *end;
	long long n = strtoll(ref, &end, 10);
	int rc;

	*id = 0;
	if (*ref && !*end) {
		snprintf(sql, sizeof(sql), "SELECT id FROM %s WHERE id = ?", table);
		if (store_prepare(s, sql, &st, e))
			return ESC_EDB;
		sqlite3_bind_int64(st, 1, n);
	} else {
		/* the one given the name last */
		snprintf(sql, sizeof(sql), "SELECT %s_id FROM %s_name WHERE name = ?"
			 " ORDER BY seq DESC LIMIT 1", table, table);
		if (store_prepare(s, sql, &st, e))
			return ESC_EDB;
		sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(s, e, "cannot look up");
	if (!*id)
		return err_set(e, ESC_ENOTFOUND, "no %s '%s' in '%s'", what, ref, s->path);
	return ESC_OK;
}

enum esc_status store_resolve_profile(struct store *s, const char *ref, int64_t *id, struct err *e)
{
	return resolve(s, "profile", "profile", ref, id, e);
}

enum esc_status store_resolve_build(struct store *s, const char *ref, int64_t *id, struct err *e)
{
	return resolve(s, "build", "build", ref, id, e);
}

static enum esc_status latest(struct store *s, const char *sql, int64_t *id, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	*id = 0;
	if (store_prepare(s, sql, &st, e))
		return ESC_EDB;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(s, e, "cannot look up");
	return ESC_OK;
}

enum esc_status store_latest_profile(struct store *s, int64_t *id, struct err *e)
{
	/* a heap profile: one with a heap sample type (a CPU profile loaded later is not it) */
	return latest(s, "SELECT max(id) FROM profile WHERE coalesce(ix_alloc_objects, ix_alloc_space,"
		      " ix_inuse_objects, ix_inuse_space) IS NOT NULL", id, e);
}

int store_profile_filter_any(const struct store_profile_filter *f)
{
	return f && (f->nlabels || f->since || f->until);
}

sqlite3_stmt *store_filtered(struct store *s, const char *head, int nhead,
			     const struct store_profile_filter *f, const char *tail, struct err *e)
{
	struct buf sql;
	sqlite3_stmt *st = NULL;
	size_t i;
	int k = nhead + 1, oom;

	buf_init(&sql);
	oom = buf_adds(&sql, head);
	for (i = 0; f && i < f->nlabels; i++)
		oom |= buf_adds(&sql, " AND EXISTS (SELECT 1 FROM profile_label l WHERE l.profile_id = p.id"
				      " AND l.key = ? AND l.value = ?)");
	if (f && f->since)
		oom |= buf_adds(&sql, " AND p.loaded_at >= ?");
	if (f && f->until)
		oom |= buf_adds(&sql, " AND p.loaded_at < ?");
	oom |= buf_adds(&sql, tail);
	if (oom) {
		buf_release(&sql);
		err_set(e, ESC_ENOMEM, "out of memory");
		return NULL;
	}
	if (store_prepare(s, sql.data, &st, e)) {
		buf_release(&sql);
		return NULL;
	}
	buf_release(&sql);
	for (i = 0; f && i < f->nlabels; i++) {
		const char *eq = strchr(f->labels[i], '=');
		size_t kl = eq ? (size_t)(eq - f->labels[i]) : strlen(f->labels[i]);

		sqlite3_bind_text(st, k++, f->labels[i], (int)kl, SQLITE_STATIC);
		sqlite3_bind_text(st, k++, eq ? eq + 1 : "", -1, SQLITE_STATIC);
	}
	if (f && f->since)
		sqlite3_bind_text(st, k++, f->since, -1, SQLITE_STATIC);
	if (f && f->until)
		sqlite3_bind_text(st, k++, f->until, -1, SQLITE_STATIC);
	return st;
}

static enum esc_status first_id(struct store *s, sqlite3_stmt *st, int64_t *id, struct err *e)
{
	int rc = sqlite3_step(st);

	*id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(s, e, "cannot look up");
	return ESC_OK;
}

enum esc_status store_latest_profile_where(struct store *s, const struct store_profile_filter *f,
					   int64_t *id, struct err *e)
{
	sqlite3_stmt *st;

	*id = 0;
	if (!store_profile_filter_any(f))
		return store_latest_profile(s, id, e);
	if (!(st = store_filtered(s, "SELECT p.id FROM profile p WHERE coalesce(p.ix_alloc_objects, p.ix_alloc_space,"
			       " p.ix_inuse_objects, p.ix_inuse_space) IS NOT NULL", 0, f,
			    " ORDER BY p.id DESC LIMIT 1", e)))
		return ESC_EDB;
	return first_id(s, st, id, e);
}

enum esc_status store_newest_analyses(struct store *s, const struct store_profile_filter *f,
				      int64_t **profiles, int64_t **analyses, size_t *n,
				      int64_t *unanalysed, struct err *e)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	*profiles = *analyses = NULL;
	*n = 0;
	*unanalysed = 0;
	if (!(st = store_filtered(s, "SELECT p.id, (SELECT max(a.id) FROM analysis a WHERE a.profile_id = p.id)"
				  " FROM profile p WHERE coalesce(p.ix_alloc_objects, p.ix_alloc_space,"
				  " p.ix_inuse_objects, p.ix_inuse_space) IS NOT NULL", 0, f,
				  " ORDER BY p.loaded_at, p.id", e)))
		return ESC_EDB;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_type(st, 1) == SQLITE_NULL) {
			(*unanalysed)++;
			continue;
		}
		if (*n == cap) {
			size_t nc = cap ? 2 * cap : 16;
			int64_t *p = realloc(*profiles, nc * sizeof(*p)), *a;

			if (p)
				*profiles = p;
			if (!p || !(a = realloc(*analyses, nc * sizeof(*a)))) {
				sqlite3_finalize(st);
				free(*profiles);
				free(*analyses);
				*profiles = *analyses = NULL;
				*n = 0;
				return err_set(e, ESC_ENOMEM, "'%s': out of memory", s->path);
			}
			*analyses = a;
			cap = nc;
		}
		(*profiles)[*n] = sqlite3_column_int64(st, 0);
		(*analyses)[(*n)++] = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(*profiles);
		free(*analyses);
		*profiles = *analyses = NULL;
		*n = 0;
		return store_fail(s, e, "cannot choose the analyses");
	}
	return ESC_OK;
}

enum esc_status store_profile_admitted(struct store *s, int64_t id, const struct store_profile_filter *f,
				       int *yes, struct err *e)
{
	sqlite3_stmt *st;
	enum esc_status ret;
	int64_t got;

	*yes = 1;
	if (!store_profile_filter_any(f))
		return ESC_OK;
	if (!(st = store_filtered(s, "SELECT p.id FROM profile p WHERE p.id = ?", 1, f, "", e)))
		return ESC_EDB;
	sqlite3_bind_int64(st, 1, id);
	ret = first_id(s, st, &got, e);
	*yes = got == id;
	return ret;
}

enum esc_status store_latest_build(struct store *s, int64_t *id, struct err *e)
{
	return latest(s, "SELECT max(id) FROM build", id, e);
}

static const char *col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* A copy of s (NULL for NULL); sets *oom when memory runs out. */
static const char *dup_or_null(const char *s, int *oom)
{
	char *c;

	if (!s)
		return NULL;
	if (!(c = strdup(s)))
		*oom = 1;
	return c;
}

static void release_step(struct gc_step *p)
{
	free((char *)p->dst);
	free((char *)p->src);
	free((char *)p->why);
	free((char *)p->expr);
	free((char *)p->file);
	free((char *)p->text);
	memset(p, 0, sizeof(*p));
}

/* Fills p from the flow_step row at sq (copies: the row's text is gone after the next
 * step); -1 when memory runs out. */
static int read_step(sqlite3_stmt *sq, struct gc_step *p)
{
	int oom = 0;

	release_step(p);
	if (gc_step_kind_parse(col_text(sq, 1), &p->kind))
		p->kind = GC_STEP_WARNING;
	p->dst = dup_or_null(col_text(sq, 2), &oom);
	p->src = dup_or_null(col_text(sq, 3), &oom);
	p->derefs = sqlite3_column_int(sq, 4);
	p->why = dup_or_null(col_text(sq, 5), &oom);
	p->expr = dup_or_null(col_text(sq, 6), &oom);
	p->file = dup_or_null(col_text(sq, 7), &oom);
	p->line = (unsigned)sqlite3_column_int(sq, 8);
	p->col = (unsigned)sqlite3_column_int(sq, 9);
	p->text = dup_or_null(col_text(sq, 10), &oom);
	return oom ? -1 : 0;
}

int store_foreach_diag(struct store *s, const int64_t *builds, size_t nbuilds, store_diag_fn fn,
		       void *ctx, struct err *e)
{
	sqlite3_stmt *dq = NULL, *sq = NULL;
	struct gc_step *steps = NULL;
	size_t cap = 0, b;
	int ret = 0, rc;

	for (b = 0; b < nbuilds; b++)
		STORE_NEED(store_need_build(s, builds[b], e));
	if (store_prepare(s, "SELECT diag_id, package, file, norm_file, line, coalesce(col, 0), kind,"
			     " subject, func, message FROM diagnostic WHERE build_id = ? ORDER BY diag_id",
			  &dq, e) ||
	    store_prepare(s, "SELECT diag_id, kind, dst, src, coalesce(derefs, 0), why, expr, file,"
			     " coalesce(line, 0), coalesce(col, 0), text FROM flow_step"
			     " WHERE build_id = ? ORDER BY diag_id, seq", &sq, e)) {
		ret = ESC_EDB;
		goto out;
	}
	for (b = 0; b < nbuilds && !ret; b++) {
		struct store_held *h = store_held_of(s, builds[b]);
		int srow;

		if (h) {
			ret = store_held_foreach(h, fn, ctx);
			continue;
		}
		sqlite3_bind_int64(dq, 1, builds[b]);
		sqlite3_bind_int64(sq, 1, builds[b]);
		srow = sqlite3_step(sq);
		while ((rc = sqlite3_step(dq)) == SQLITE_ROW) {
			int64_t diag = sqlite3_column_int64(dq, 0);
			struct gc_diag d;
			size_t n = 0;

			/* the steps of this diagnostic: both queries run in diag_id order */
			while (srow == SQLITE_ROW && sqlite3_column_int64(sq, 0) < diag)
				srow = sqlite3_step(sq);
			while (srow == SQLITE_ROW && sqlite3_column_int64(sq, 0) == diag) {
				if (n == cap) {
					size_t nc = cap ? cap * 2 : 16;
					struct gc_step *ns = realloc(steps, nc * sizeof(*ns));

					if (!ns) {
						ret = err_set(e, ESC_ENOMEM, "'%s': out of memory", s->path);
						goto out;
					}
					memset(ns + cap, 0, (nc - cap) * sizeof(*ns));
					steps = ns;
					cap = nc;
				}
				if (read_step(sq, &steps[n++])) {
					ret = err_set(e, ESC_ENOMEM, "'%s': out of memory", s->path);
					goto out;
				}
				srow = sqlite3_step(sq);
			}
			d = (struct gc_diag){.package = col_text(dq, 1), .file = col_text(dq, 2),
					     .line = (unsigned)sqlite3_column_int(dq, 4),
					     .col = (unsigned)sqlite3_column_int(dq, 5), .kind = GC_OTHER,
					     .subject = col_text(dq, 7), .func = col_text(dq, 8),
					     .message = col_text(dq, 9), .steps = steps, .nsteps = n};
			gc_kind_parse(col_text(dq, 6), &d.kind);
			if ((ret = fn(ctx, builds[b], diag, &d, col_text(dq, 3))))
				goto out;
		}
		if (rc != SQLITE_DONE) {
			ret = store_fail(s, e, "cannot read diagnostics");
			goto out;
		}
		sqlite3_reset(dq);
		sqlite3_reset(sq);
	}
out:
	for (b = 0; b < cap; b++)
		release_step(&steps[b]);
	free(steps);
	sqlite3_finalize(dq);
	sqlite3_finalize(sq);
	return ret;
}

enum esc_status store_heap_types_of(struct store *s, int64_t profile_id, int has[STORE_NHEAP],
				    struct err *e)
{
	sqlite3_stmt *st;
	int rc, i, any = 0;

	if (store_prepare(s, "SELECT ix_alloc_objects IS NOT NULL, ix_alloc_space IS NOT NULL,"
			     " ix_inuse_objects IS NOT NULL, ix_inuse_space IS NOT NULL, name"
			     " FROM profile WHERE id = ?", &st, e))
		return ESC_EDB;
	sqlite3_bind_int64(st, 1, profile_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		for (i = 0; i < STORE_NHEAP; i++)
			any |= has[i] = sqlite3_column_int(st, i);
	if (rc == SQLITE_ROW && !any)
		err_set(e, ESC_EINPUT, "profile '%s' has none of the Go heap sample types"
			" (alloc_objects, alloc_space, inuse_objects, inuse_space)", col_text(st, 4));
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return err_set(e, ESC_ENOTFOUND, "no profile %lld", (long long)profile_id);
	return any ? ESC_OK : ESC_EINPUT;
}

/* ---- the stacks of a store of version 4 or older: one row per frame ---- */

struct frame_cache {
	struct store_frame *v;
	size_t n, cap;
	struct hmap strs;	/* each string read -> its copy, kept for the whole walk */
};

/* The walk's copy of s (len bytes): one per distinct string, so a pointer names one
 * string until the walk ends; NULL when memory runs out. */
static const char *intern(struct frame_cache *c, const unsigned char *s, int len)
{
	void **slot;

	if (!s)
		s = (const unsigned char *)"", len = 0;
	if (!(slot = hmap_put(&c->strs, s, (size_t)len)))
		return NULL;
	if (!*slot)
		*slot = strndup((const char *)s, (size_t)len);
	return *slot;
}

static void frame_cache_release(struct frame_cache *c)
{
	size_t pos = 0;
	const char *k;
	void *v;

	while (hmap_next(&c->strs, &pos, &k, &v))
		free(v);
	hmap_release(&c->strs);
	free(c->v);
}

static enum esc_status load_frames(struct store *s, sqlite3_stmt *fq, int64_t stack,
				   struct frame_cache *c, struct err *e)
{
	int rc;

	c->n = 0;
	sqlite3_bind_int64(fq, 1, stack);
	while ((rc = sqlite3_step(fq)) == SQLITE_ROW) {
		struct store_frame *f;

		if (vec_reserve(&c->v, &c->cap, c->n + 1, sizeof(*c->v), 64)) {
			sqlite3_reset(fq);
			return err_set(e, ESC_ENOMEM, "'%s': out of memory", s->path);
		}
		f = &c->v[c->n];
		f->function = intern(c, sqlite3_column_text(fq, 0), sqlite3_column_bytes(fq, 0));
		f->file = intern(c, sqlite3_column_text(fq, 1), sqlite3_column_bytes(fq, 1));
		if (!f->function || !f->file) {
			sqlite3_reset(fq);
			return err_set(e, ESC_ENOMEM, "'%s': out of memory", s->path);
		}
		f->line = sqlite3_column_int64(fq, 2);
		f->inlined = sqlite3_column_int(fq, 3);
		c->n++;
	}
	sqlite3_reset(fq);
	if (rc != SQLITE_DONE)
		return store_fail(s, e, "cannot read frames");
	return ESC_OK;
}

/* ---- the stacks of a store of version 5: lists of locations ---- */

/* Stored ids (>= 1) to indices, open addressing: probed for every frame of every stack
 * the join reads, so integer keys in place rather than common/hmap's copied keys. */
struct id_map {
	int64_t *keys;		/* 0 = empty */
	uint32_t *vals;
	size_t cap, n;
};

ESC_WRAPS static uint32_t *id_map_slot(struct id_map *m, int64_t id, int *found)
{
	size_t h;

	if (2 * (m->n + 1) > m->cap) {
		size_t nc = m->cap ? m->cap * 2 : 1024, i;
		int64_t *nk = calloc(nc, sizeof(*nk));
		uint32_t *nv = malloc(nc * sizeof(*nv));

		if (!nk || !nv) {
			free(nk);
			free(nv);
			return NULL;
		}
		for (i = 0; i < m->cap; i++)
			if (m->keys[i]) {
				for (h = ((uint64_t)m->keys[i] * 0x9e3779b97f4a7c15u) >> 20 & (nc - 1); nk[h];
				     h = (h + 1) & (nc - 1))
					;
				nk[h] = m->keys[i];
				nv[h] = m->vals[i];
			}
		free(m->keys);
		free(m->vals);
		m->keys = nk;
		m->vals = nv;
		m->cap = nc;
	}
	for (h = ((uint64_t)id * 0x9e3779b97f4a7c15u) >> 20 & (m->cap - 1); m->keys[h];
	     h = (h + 1) & (m->cap - 1))
		if (m->keys[h] == id) {
			*found = 1;
			return &m->vals[h];
		}
	*found = 0;
	m->keys[h] = id;
	m->n++;
	return &m->vals[h];
}

static void id_map_release(struct id_map *m)
{
	free(m->keys);
	free(m->vals);
}

struct func_names {
	char *name, *file;
};

struct loc_span {
	uint32_t off, n;	/* frames at stack_reader.lframes[off] */
};

/* A stack node: its parent (0: none) and its n locations, leaf first, as indices of
 * stack_reader.locs at stack_reader.nl[off] */
struct node_span {
	int64_t parent;
	uint32_t off, n;
};

/* Every location and function a profile's stacks use is read and decoded once; a stack's
 * frames are then put together in memory. */
struct stack_reader {
	struct store *s;
	struct err *e;
	sqlite3_stmt *stk1, *loc, *fn;
	struct id_map fmap, lmap, nmap;
	struct node_span *nodes;
	size_t nnodes, capnodes;
	uint32_t *nl;			/* the nodes' locations */
	size_t nnl, capnl;
	struct func_names *funcs;
	size_t nfuncs, capfuncs;
	struct loc_span *locs;
	size_t nlocs, caplocs;
	struct store_frame *lframes;	/* the frames of the locations, in order of reading */
	size_t nlframes, caplframes;
	struct store_frame *v;		/* the current stack's frames */
	uint32_t *ids;			/* and their places in lframes */
	size_t n, cap, capids;
};

static enum esc_status reader_nomem(struct stack_reader *r)
{
	return err_set(r->e, ESC_ENOMEM, "'%s': out of memory", r->s->path);
}

static enum esc_status damaged(struct stack_reader *r, const char *what, int64_t id)
{
	return err_set(r->e, ESC_EDB, "database '%s': %s %lld is damaged or missing", r->s->path,
		       what, (long long)id);
}

/* The names of function id, read on first use; NULL on failure (r->e set). */
static const struct func_names *func_of(struct stack_reader *r, int64_t id)
{
	int found, rc;
	uint32_t *slot;
	struct func_names *f;

	if (id <= 0) {
		damaged(r, "function", id);
		return NULL;
	}
	if (!(slot = id_map_slot(&r->fmap, id, &found))) {
		reader_nomem(r);
		return NULL;
	}
	if (found)
		return &r->funcs[*slot];
	if (vec_reserve(&r->funcs, &r->capfuncs, r->nfuncs + 1, sizeof(*r->funcs), 256)) {
		r->fmap.keys[slot - r->fmap.vals] = 0;	/* never filled: not there */
		r->fmap.n--;
		reader_nomem(r);
		return NULL;
	}
	*slot = (uint32_t)r->nfuncs;
	f = &r->funcs[r->nfuncs++];
	*f = (struct func_names){NULL, NULL};
	sqlite3_bind_int64(r->fn, 1, id);
	rc = sqlite3_step(r->fn);
	if (rc == SQLITE_ROW) {
		f->name = strdup(col_text(r->fn, 0) ? col_text(r->fn, 0) : "");
		f->file = strdup(col_text(r->fn, 1) ? col_text(r->fn, 1) : "");
	}
	sqlite3_reset(r->fn);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		store_fail(r->s, r->e, "cannot read a function");
		return NULL;
	}
	if (rc == SQLITE_DONE) {
		damaged(r, "function", id);
		return NULL;
	}
	if (!f->name || !f->file) {
		reader_nomem(r);
		return NULL;
	}
	return f;
}

/* Parses a decimal integer at *p; -1 when there is none. */
static int parse_int(const char **p, int64_t *v)
{
	char *end;
	long long x = strtoll(*p, &end, 10);

	if (end == *p || **p == ' ' || **p == '+')
		return -1;
	*v = x;
	*p = end;
	return 0;
}

/* The frames of location id, decoded on first use; NULL on failure (r->e set). */
static const struct loc_span *location_of(struct stack_reader *r, int64_t id)
{
	int found, rc, bad = 0;
	uint32_t *slot, k;
	const char *p;
	struct loc_span span;

	if (id <= 0) {
		damaged(r, "location", id);
		return NULL;
	}
	if (!(slot = id_map_slot(&r->lmap, id, &found))) {
		reader_nomem(r);
		return NULL;
	}
	if (found)
		return &r->locs[*slot];
	if (vec_reserve(&r->locs, &r->caplocs, r->nlocs + 1, sizeof(*r->locs), 256)) {
		reader_nomem(r);
		return NULL;
	}
	*slot = (uint32_t)r->nlocs;
	k = (uint32_t)r->nlocs++;
	span = (struct loc_span){(uint32_t)r->nlframes, 0};
	r->locs[k] = span;
	sqlite3_bind_int64(r->loc, 1, id);
	rc = sqlite3_step(r->loc);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(r->loc);
		if (rc == SQLITE_DONE)
			damaged(r, "location", id);
		else
			store_fail(r->s, r->e, "cannot read a location");
		return NULL;
	}
	p = col_text(r->loc, 0);
	/* "[[func,line,col],...]": a JSON array of the lines, innermost first, as stored */
	if (!p || *p++ != '[')
		bad = 1;
	while (!bad && *p != ']') {
		int64_t fid, line, col;
		const struct func_names *f;

		if (span.n && *p++ != ',') {
			bad = 1;
			break;
		}
		if (*p++ != '[' || parse_int(&p, &fid) || *p++ != ',' || parse_int(&p, &line) ||
		    *p++ != ',' || parse_int(&p, &col) || *p++ != ']') {
			bad = 1;
			break;
		}
		if (!(f = func_of(r, fid))) {
			sqlite3_reset(r->loc);
			return NULL;
		}
		if (vec_reserve(&r->lframes, &r->caplframes, r->nlframes + 1, sizeof(*r->lframes),
				1024) || r->nlframes >= UINT32_MAX) {
			sqlite3_reset(r->loc);
			reader_nomem(r);
			return NULL;
		}
		r->lframes[r->nlframes++] = (struct store_frame){f->name, f->file, line, 1};
		span.n++;
	}
	if (!bad && p[1])
		bad = 1;	/* text after the array */
	sqlite3_reset(r->loc);
	if (bad || !span.n) {
		damaged(r, "location", id);
		return NULL;
	}
	r->lframes[r->nlframes - 1].inlined = 0;	/* the outermost line is the location's own */
	r->locs[k] = span;
	return &r->locs[k];
}

/* More parents than this from one stack: the chain loops (a damaged store) */
#define STORE_MAX_NODES_WALKED 100000

/* The node id of a store of version 7 (or a whole stack of an older one), read on first
 * use: its parent and its locations, leaf first; NULL on failure (r->e set). */
static const struct node_span *node_of(struct stack_reader *r, int64_t id, int64_t stack)
{
	int found, rc, next;
	uint32_t *slot, k;
	const char *p;
	int64_t loc;
	struct node_span span;

	if (!(slot = id_map_slot(&r->nmap, id, &found))) {
		reader_nomem(r);
		return NULL;
	}
	if (found)
		return &r->nodes[*slot];
	if (vec_reserve(&r->nodes, &r->capnodes, r->nnodes + 1, sizeof(*r->nodes), 256)) {
		r->nmap.keys[slot - r->nmap.vals] = 0;	/* never filled: not there */
		r->nmap.n--;
		reader_nomem(r);
		return NULL;
	}
	*slot = (uint32_t)r->nnodes;
	k = (uint32_t)r->nnodes++;
	span = (struct node_span){0, (uint32_t)r->nnl, 0};
	r->nodes[k] = span;
	sqlite3_bind_int64(r->stk1, 1, id);
	rc = sqlite3_step(r->stk1);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(r->stk1);
		if (rc == SQLITE_DONE)
			damaged(r, "stack", stack);
		else
			store_fail(r->s, r->e, "cannot read a stack");
		return NULL;
	}
	span.parent = sqlite3_column_type(r->stk1, 0) == SQLITE_NULL ? 0 : sqlite3_column_int64(r->stk1, 0);
	p = col_text(r->stk1, 1);
	/* the node's location ids, leaf first */
	next = p ? store_next_id(&p, 0, &loc) : -1;
	for (; next == 1; next = store_next_id(&p, span.n, &loc)) {
		const struct loc_span *l;

		if (!(l = location_of(r, loc))) {
			sqlite3_reset(r->stk1);
			return NULL;
		}
		if (vec_reserve(&r->nl, &r->capnl, r->nnl + 1, sizeof(*r->nl), 1024) || r->nnl >= UINT32_MAX) {
			sqlite3_reset(r->stk1);
			reader_nomem(r);
			return NULL;
		}
		r->nl[r->nnl++] = (uint32_t)(l - r->locs);
		span.n++;
	}
	sqlite3_reset(r->stk1);
	if (next) {
		damaged(r, "stack", stack);
		return NULL;
	}
	r->nodes[k] = span;
	return &r->nodes[k];
}

/* Sets r->v to the frames of stack id: its node's locations, then its parent's, up to
 * the root (schema 007); ESC_OK or the failure. */
static enum esc_status stack_frames(struct stack_reader *r, int64_t id)
{
	int64_t node = id;
	size_t walked = 0;

	r->n = 0;
	while (node) {
		const struct node_span *ns;
		struct node_span at;
		uint32_t i;

		/* a parent chain longer than the stacks a store can hold is a loop */
		if (++walked > STORE_MAX_NODES_WALKED)
			return damaged(r, "stack", id);
		if (!(ns = node_of(r, node, id)))
			return r->e->status ? r->e->status : ESC_EDB;
		at = *ns;
		for (i = 0; i < at.n; i++) {
			const struct loc_span *l = &r->locs[r->nl[at.off + i]];
			uint32_t t;

			if (vec_reserve(&r->v, &r->cap, r->n + l->n, sizeof(*r->v), 64) ||
			    vec_reserve(&r->ids, &r->capids, r->n + l->n, sizeof(*r->ids), 64))
				return reader_nomem(r);
			memcpy(r->v + r->n, r->lframes + l->off, l->n * sizeof(*r->v));
			for (t = 0; t < l->n; t++)
				r->ids[r->n++] = l->off + t;
		}
		node = at.parent;
	}
	return ESC_OK;
}

static void reader_release(struct stack_reader *r)
{
	size_t i;

	sqlite3_finalize(r->stk1);
	sqlite3_finalize(r->loc);
	sqlite3_finalize(r->fn);
	id_map_release(&r->fmap);
	id_map_release(&r->lmap);
	id_map_release(&r->nmap);
	free(r->nodes);
	free(r->nl);
	for (i = 0; i < r->nfuncs; i++) {
		free(r->funcs[i].name);
		free(r->funcs[i].file);
	}
	free(r->funcs);
	free(r->locs);
	free(r->lframes);
	free(r->v);
	free(r->ids);
}

/* The store's schema version; -1 on failure. */
static int schema_version(struct store *s, struct err *e)
{
	sqlite3_stmt *st;
	int v = -1;

	if (store_prepare(s, "PRAGMA user_version", &st, e))
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	else
		store_fail(s, e, "cannot read the schema version");
	sqlite3_finalize(st);
	return v;
}

int store_foreach_heap_sample(struct store *s, int64_t profile_id, store_sample_fn fn, void *ctx,
			      struct err *e)
{
	sqlite3_stmt *sq = NULL, *fq = NULL;
	struct frame_cache fc = {0};
	struct stack_reader r = {.s = s, .e = e};
	int64_t cur = -1;
	int rc, ret = 0, i, v;

	STORE_NEED(store_need_profile(s, profile_id, e));

	hmap_init(&fc.strs);
	if ((v = schema_version(s, e)) < 0)
		return ESC_EDB;
	if (store_prepare(s, "SELECT sample_id, stack_id, coalesce(alloc_objects, 0),"
			     " coalesce(alloc_space, 0), coalesce(inuse_objects, 0),"
			     " coalesce(inuse_space, 0), coalesce(object_size, 0)"
			     " FROM heap_samples WHERE profile_id = ? ORDER BY stack_id, sample_id",
			  &sq, e)) {
		ret = ESC_EDB;
		goto out;
	}
	if (v < 5 ? store_prepare(s, "SELECT n.s, fl.s, f.line, f.inlined FROM stack_frame f"
				     " JOIN func fn ON fn.id = f.func_id JOIN str n ON n.id = fn.name_id"
				     " JOIN str fl ON fl.id = fn.file_id WHERE f.stack_id = ? ORDER BY f.depth",
				  &fq, e) :
	    store_prepare(s, v < 7 ? "SELECT NULL, locs FROM stack WHERE id = ?" :
				"SELECT parent, locs FROM stack WHERE id = ?", &r.stk1, e) ||
	    store_prepare(s, "SELECT lines FROM location WHERE id = ?", &r.loc, e) ||
	    store_prepare(s, "SELECT n.s, fl.s FROM func fn JOIN str n ON n.id = fn.name_id"
			     " JOIN str fl ON fl.id = fn.file_id WHERE fn.id = ?", &r.fn, e)) {
		ret = ESC_EDB;
		goto out;
	}
	sqlite3_bind_int64(sq, 1, profile_id);
	while ((rc = sqlite3_step(sq)) == SQLITE_ROW) {
		struct store_sample smp;

		smp.sample_id = sqlite3_column_int64(sq, 0);
		smp.stack_id = sqlite3_column_int64(sq, 1);
		for (i = 0; i < STORE_NHEAP; i++)
			smp.values[i] = sqlite3_column_int64(sq, 2 + i);
		smp.object_size = sqlite3_column_int64(sq, 6);
		if (smp.stack_id != cur) {
			if ((ret = fq ? load_frames(s, fq, smp.stack_id, &fc, e) :
					stack_frames(&r, smp.stack_id)))
				goto out;
			cur = smp.stack_id;
		}
		smp.frames = fq ? fc.v : r.v;
		smp.nframes = fq ? fc.n : r.n;
		smp.frame_ids = fq ? NULL : r.ids;
		smp.frame_table = fq ? NULL : r.lframes;
		if ((ret = fn(ctx, &smp)))
			goto out;
	}
	if (rc != SQLITE_DONE)
		ret = store_fail(s, e, "cannot read samples");
out:
	sqlite3_finalize(sq);
	sqlite3_finalize(fq);
	reader_release(&r);
	frame_cache_release(&fc);
	return ret;
}

static void bind_opt(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

enum esc_status store_add_analysis(struct store *s, int64_t profile_id, const int64_t *builds,
				   size_t nbuilds, const struct store_cause_row *causes,
				   size_t ncauses, const struct store_site *sites, size_t nsites,
				   const struct store_build_fit *fits, size_t nfits,
				   int64_t *analysis_id, struct err *e)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	enum esc_status ret;
	size_t i;
	int k;

	if ((ret = store_begin(s, e)))
		goto done;
	/* the diagnostics the sites cite, of a build held in memory */
	if ((ret = store_held_write_cited(s, sites, nsites, e)))
		goto fail;
	if ((ret = store_prepare(s, "INSERT OR REPLACE INTO cause VALUES (?,?,?,?)", &st, e)))
		goto fail;
	for (i = 0; i < ncauses; i++) {
		sqlite3_bind_text(st, 1, causes[i].cause, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, causes[i].title, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, causes[i].hint, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, (int64_t)i);
		if (sqlite3_step(st) != SQLITE_DONE) {
			ret = store_fail(s, e, "cannot store the causes");
			goto fail;
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	store_now(now);
	/* on a server, the id is the server's */
	*analysis_id = 0;
	if (s->pg && (ret = store_pg_next_id(s, "analysis", analysis_id, e)))
		goto fail;
	if ((ret = store_prepare(s, "INSERT INTO analysis (id, profile_id, created_at) VALUES (?,?,?)",
				 &st, e)))
		goto fail;
	if (*analysis_id)
		sqlite3_bind_int64(st, 1, *analysis_id);
	sqlite3_bind_int64(st, 2, profile_id);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		ret = store_fail(s, e, "cannot store the analysis");
		goto fail;
	}
	*analysis_id = sqlite3_last_insert_rowid(s->db);
	sqlite3_finalize(st);
	if ((ret = store_prepare(s, "INSERT INTO alloc_site VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
				 &st, e)))
		goto fail;
	for (i = 0; i < nsites; i++) {
		const struct store_site *x = &sites[i];

		sqlite3_bind_int64(st, 1, *analysis_id);
		sqlite3_bind_int64(st, 2, (int64_t)i + 1);
		sqlite3_bind_text(st, 3, x->function, -1, SQLITE_STATIC);
		bind_opt(st, 4, x->package);
		sqlite3_bind_text(st, 5, x->file, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 6, x->line);
		for (k = 0; k < STORE_NHEAP; k++)
			sqlite3_bind_int64(st, 7 + k, x->values[k]);
		sqlite3_bind_text(st, 11, x->cause, -1, SQLITE_STATIC);
		sqlite3_bind_double(st, 12, x->confidence);
		if (x->build_id)
			sqlite3_bind_int64(st, 13, x->build_id);
		else
			sqlite3_bind_null(st, 13);
		if (x->diag_id)
			sqlite3_bind_int64(st, 14, x->diag_id);
		else
			sqlite3_bind_null(st, 14);
		bind_opt(st, 15, x->attributed_via);
		sqlite3_bind_int64(st, 16, x->samples);
		if (x->decisive_seq)
			sqlite3_bind_int(st, 17, x->decisive_seq);
		else
			sqlite3_bind_null(st, 17);
		bind_opt(st, 18, x->evidence);
		if (sqlite3_step(st) != SQLITE_DONE) {
			ret = store_fail(s, e, "cannot store a site");
			goto fail;
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	st = NULL;
	/* every build given, in the order given (a build given twice keeps its first place);
	 * a used build that comes without a fit was not measured */
	if ((ret = store_prepare(s, "INSERT OR IGNORE INTO analysis_build (analysis_id, build_id, seq,"
				 " lines, matched, used) VALUES (?,?,?,?,?,?)", &st, e)))
		goto fail;
	for (i = 0; i < nfits + nbuilds; i++) {
		const struct store_build_fit *f = i < nfits ? &fits[i] : NULL;

		sqlite3_bind_int64(st, 1, *analysis_id);
		sqlite3_bind_int64(st, 2, f ? f->build_id : builds[i - nfits]);
		sqlite3_bind_int64(st, 3, (int64_t)i + 1);
		if (f) {
			sqlite3_bind_int64(st, 4, f->lines);
			sqlite3_bind_int64(st, 5, f->matched);
		} else {
			sqlite3_bind_null(st, 4);
			sqlite3_bind_null(st, 5);
		}
		sqlite3_bind_int(st, 6, f ? f->used : 1);
		if (sqlite3_step(st) != SQLITE_DONE) {
			ret = store_fail(s, e, "cannot store the analysis's builds");
			goto fail;
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (s->pg && (ret = store_pg_push_analysis(s, *analysis_id, e)))
		goto fail;
	ret = store_commit(s, e);
	goto done;
fail:
	sqlite3_finalize(st);
	store_rollback(s);
	*analysis_id = 0;
done:
	return ret;
}

int store_foreach_build_fit(struct store *s, int64_t analysis_id, store_fit_fn fn, void *ctx,
			    struct err *e)
{
	sqlite3_stmt *st;
	int rc, ret = 0;

	if (store_prepare(s, "SELECT x.build_id, x.lines, x.matched, x.used, b.name FROM analysis_build x"
			  " LEFT JOIN build b ON b.id = x.build_id WHERE x.analysis_id = ? AND x.lines IS NOT NULL"
			  " ORDER BY x.build_id",
			  &st, e))
		return ESC_EDB;
	sqlite3_bind_int64(st, 1, analysis_id);
	while (!ret && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_build_fit f = {sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
					    sqlite3_column_int64(st, 2), sqlite3_column_int(st, 3)};

		ret = fn(ctx, &f, col_text(st, 4) ? col_text(st, 4) : "");
	}
	if (!ret && rc != SQLITE_DONE)
		ret = store_fail(s, e, "cannot read how the builds fit");
	sqlite3_finalize(st);
	return ret;
}

enum esc_status store_build_go_version(struct store *s, int64_t build_id, char *out, size_t n,
				       struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (n)
		out[0] = '\0';
	if (store_prepare(s, "SELECT go_version FROM build WHERE id = ?", &st, e))
		return ESC_EDB;
	sqlite3_bind_int64(st, 1, build_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && col_text(st, 0) && n)
		snprintf(out, n, "%s", col_text(st, 0));
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(s, e, "cannot read a build's Go version");
	return ESC_OK;
}
