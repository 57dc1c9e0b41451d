/* analysis.c — what the join reads (diagnostics with their steps, heap samples with their
 * stacks) and what it writes (one analysis: the cause taxonomy and every allocation site,
 * in one transaction). Reads stream; nothing here holds a whole profile or build. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
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
		snprintf(sql, sizeof(sql), "SELECT max(id) FROM %s WHERE name = ?", table);
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
		return err_set(e, ESC_EUSAGE, "no %s '%s' in '%s'", what, ref, s->path);
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
	return latest(s, "SELECT max(id) FROM profile", id, e);
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
		int srow;

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
		return err_set(e, ESC_EUSAGE, "no profile %lld", (long long)profile_id);
	return any ? ESC_OK : ESC_EINPUT;
}

struct frame_cache {
	struct store_frame *v;
	size_t n, cap;
	struct buf text;	/* the strings, NUL-separated */
	size_t *offs;		/* function and file offsets into text, 2 per frame */
	size_t capoffs;
};

static enum esc_status load_frames(struct store *s, sqlite3_stmt *fq, int64_t stack,
				   struct frame_cache *c, struct err *e)
{
	int rc;
	size_t i;

	c->n = 0;
	buf_reset(&c->text);
	sqlite3_bind_int64(fq, 1, stack);
	while ((rc = sqlite3_step(fq)) == SQLITE_ROW) {
		if (c->n == c->cap) {
			size_t nc = c->cap ? c->cap * 2 : 64;
			struct store_frame *nv = realloc(c->v, nc * sizeof(*nv));
			size_t *no;

			if (nv)
				c->v = nv;
			no = nv ? realloc(c->offs, 2 * nc * sizeof(*no)) : NULL;
			if (!nv || !no) {
				sqlite3_reset(fq);
				return err_set(e, ESC_ENOMEM, "'%s': out of memory", s->path);
			}
			c->offs = no;
			c->cap = nc;
		}
		c->offs[2 * c->n] = c->text.len;
		buf_add(&c->text, sqlite3_column_text(fq, 0), (size_t)sqlite3_column_bytes(fq, 0) + 1);
		c->offs[2 * c->n + 1] = c->text.len;
		buf_add(&c->text, sqlite3_column_text(fq, 1), (size_t)sqlite3_column_bytes(fq, 1) + 1);
		c->v[c->n].line = sqlite3_column_int64(fq, 2);
		c->v[c->n].inlined = sqlite3_column_int(fq, 3);
		c->n++;
	}
	sqlite3_reset(fq);
	if (rc != SQLITE_DONE)
		return store_fail(s, e, "cannot read frames");
	for (i = 0; i < c->n; i++) {
		c->v[i].function = c->text.data + c->offs[2 * i];
		c->v[i].file = c->text.data + c->offs[2 * i + 1];
	}
	return ESC_OK;
}

int store_foreach_heap_sample(struct store *s, int64_t profile_id, store_sample_fn fn, void *ctx,
			      struct err *e)
{
	sqlite3_stmt *sq = NULL, *fq = NULL;
	struct frame_cache fc = {0};
	int64_t cur = -1;
	int rc, ret = 0, i;

	buf_init(&fc.text);
	if (store_prepare(s, "SELECT sample_id, stack_id, coalesce(alloc_objects, 0),"
			     " coalesce(alloc_space, 0), coalesce(inuse_objects, 0),"
			     " coalesce(inuse_space, 0), coalesce(object_size, 0)"
			     " FROM heap_samples WHERE profile_id = ? ORDER BY stack_id, sample_id",
			  &sq, e) ||
	    store_prepare(s, "SELECT n.s, fl.s, f.line, f.inlined FROM stack_frame f"
			     " JOIN func fn ON fn.id = f.func_id JOIN str n ON n.id = fn.name_id"
			     " JOIN str fl ON fl.id = fn.file_id WHERE f.stack_id = ? ORDER BY f.depth",
			  &fq, e)) {
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
			if ((ret = load_frames(s, fq, smp.stack_id, &fc, e)))
				goto out;
			cur = smp.stack_id;
		}
		smp.frames = fc.v;
		smp.nframes = fc.n;
		if ((ret = fn(ctx, &smp)))
			goto out;
	}
	if (rc != SQLITE_DONE)
		ret = store_fail(s, e, "cannot read samples");
out:
	sqlite3_finalize(sq);
	sqlite3_finalize(fq);
	free(fc.v);
	free(fc.offs);
	buf_release(&fc.text);
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
	if ((ret = store_prepare(s, "INSERT INTO analysis (profile_id, created_at) VALUES (?,?)",
				 &st, e)))
		goto fail;
	sqlite3_bind_int64(st, 1, profile_id);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
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
	ret = store_commit(s, e);
	goto done;
fail:
	sqlite3_finalize(st);
	store_rollback(s);
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
