/* escapes.c — storing one build's compiler diagnostics: every diagnostic and its flow
 * steps in one transaction, streamed as the parser delivers them; duplicate builds (same
 * content digest) are detected at commit and rolled back. A build of a temporary store
 * may instead hold its diagnostics in memory for the one join that reads them (below). */
#include <stdlib.h>
#include <string.h>

#include "store_int.h"
#include "common/paths.h"
#include "common/vec.h"

/* ---- diagnostics held in memory ----
 * Writing every kept diagnostic of a log into a temporary store's tables and reading them
 * back for the join cost more than parsing the log. A held build keeps them in memory
 * instead: store_foreach_diag reads them there, and store_add_analysis writes the few an
 * analysis cites, which is all the temporary store is read for afterwards. Past
 * store_held_max bytes (32 MiB) everything held goes to the tables and the build goes on
 * there, so the memory a log costs stays bounded whatever its size. */
size_t store_held_max = (size_t)32 << 20;

struct store_held {
	int64_t build_id;
	struct gc_diag_list l;	/* diag_id i + 1 at index i; extra: its normalised file */
	unsigned char *written;	/* per diagnostic: already in the tables (an analysis whose
				   transaction is undone leaves its marks: the command has
				   failed by then) */
	size_t capw;
	struct store_held *next;
};

struct store_build {
	struct store *s;
	int64_t id;
	int64_t next_diag;
	sqlite3_stmt *diag_put, *step_put;
	char *name;		/* the name given (--name); NULL for the default */
	struct store_held *held;	/* NULL: diagnostics go to the tables as they come */
};

static void bind_opt_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}


/* Inserts d and its steps as diagnostic diag of build (statements from prepare_puts);
 * 0, or 1 when the diagnostic and 2 when a step could not be stored. */
static int put_rows(sqlite3_stmt *dq, sqlite3_stmt *sq, int64_t build, int64_t diag,
		    const struct gc_diag *d, const char *norm_file)
{
	size_t i;

	sqlite3_bind_int64(dq, 1, build);
	sqlite3_bind_int64(dq, 2, diag);
	bind_opt_text(dq, 3, d->package);
	sqlite3_bind_text(dq, 4, d->file, -1, SQLITE_STATIC);
	sqlite3_bind_text(dq, 5, norm_file, -1, SQLITE_STATIC);
	sqlite3_bind_int64(dq, 6, d->line);
	if (d->col)
		sqlite3_bind_int64(dq, 7, d->col);
	else
		sqlite3_bind_null(dq, 7);
	bind_opt_text(dq, 8, gc_kind_name(d->kind));
	bind_opt_text(dq, 9, d->subject);
	bind_opt_text(dq, 10, d->func);
	sqlite3_bind_text(dq, 11, d->message ? d->message : "", -1, SQLITE_STATIC);
	if (sqlite3_step(dq) != SQLITE_DONE) {
		sqlite3_reset(dq);
		return 1;
	}
	sqlite3_reset(dq);
	for (i = 0; i < d->nsteps; i++) {
		const struct gc_step *p = &d->steps[i];
		int flow = p->kind == GC_STEP_FLOW;

		sqlite3_bind_int64(sq, 1, build);
		sqlite3_bind_int64(sq, 2, diag);
		sqlite3_bind_int64(sq, 3, (int64_t)i + 1);
		bind_opt_text(sq, 4, gc_step_kind_name(p->kind));
		bind_opt_text(sq, 5, p->dst);
		bind_opt_text(sq, 6, p->src);
		if (flow)
			sqlite3_bind_int(sq, 7, p->derefs);
		else
			sqlite3_bind_null(sq, 7);
		bind_opt_text(sq, 8, p->why);
		bind_opt_text(sq, 9, p->expr);
		bind_opt_text(sq, 10, p->file);
		if (p->line)
			sqlite3_bind_int64(sq, 11, p->line);
		else
			sqlite3_bind_null(sq, 11);
		if (p->col)
			sqlite3_bind_int64(sq, 12, p->col);
		else
			sqlite3_bind_null(sq, 12);
		sqlite3_bind_text(sq, 13, p->text ? p->text : "", -1, SQLITE_STATIC);
		if (sqlite3_step(sq) != SQLITE_DONE) {
			sqlite3_reset(sq);
			return 2;
		}
		sqlite3_reset(sq);
	}
	return 0;
}

static enum esc_status prepare_puts(struct store *s, sqlite3_stmt **dq, sqlite3_stmt **sq,
				    struct err *e)
{
	enum esc_status ret;

	if ((ret = store_prepare(s, "INSERT INTO diagnostic VALUES (?,?,?,?,?,?,?,?,?,?,?)", dq, e)))
		return ret;
	if ((ret = store_prepare(s, "INSERT INTO flow_step VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", sq, e))) {
		sqlite3_finalize(*dq);
		*dq = NULL;
	}
	return ret;
}

static enum esc_status put_failed(struct store *s, int which, struct err *e)
{
	return store_fail(s, e, which == 1 ? "cannot store a diagnostic" : "cannot store a flow step");
}

static void held_free(struct store_held *h)
{
	if (!h)
		return;
	gc_diag_list_release(&h->l);
	free(h->written);
	free(h);
}

static int held_add(struct store_held *h, const struct gc_diag *d, const char *norm_file)
{
	if (vec_reserve(&h->written, &h->capw, h->l.n + 1, 1, 256) || gc_diag_list_add(&h->l, d, norm_file))
		return -1;
	h->written[h->l.n - 1] = 0;
	return 0;
}

/* Writes the i-th held diagnostic (unless it already is) into the tables as diag_id i + 1
 * of build h->build_id. */
static enum esc_status held_write(struct store *s, struct store_held *h, sqlite3_stmt *dq,
				  sqlite3_stmt *sq, size_t i, struct err *e)
{
	const struct gc_diag *d;
	const char *norm;
	int which;

	if (h->written[i])
		return ESC_OK;
	d = gc_diag_list_at(&h->l, i, &norm);
	if ((which = put_rows(dq, sq, h->build_id, (int64_t)i + 1, d, norm)))
		return put_failed(s, which, e);
	h->written[i] = 1;
	return ESC_OK;
}

enum esc_status store_build_begin(struct store *s, const struct store_build_opts *o,
				  struct store_build **out, struct err *e)
{
	struct store_build *b;
	sqlite3_stmt *st = NULL;
	enum esc_status ret;
	char now[32];

	*out = NULL;
	if (!(b = calloc(1, sizeof(*b))))
		return err_set(e, ESC_ENOMEM, "'%s': out of memory", o->source);
	b->s = s;
	if (o->name && !(b->name = strdup(o->name))) {
		free(b);
		return err_set(e, ESC_ENOMEM, "'%s': out of memory", o->source);
	}
	store_bulk(s);
	if ((ret = store_begin(s, e))) {
		free(b->name);
		free(b);
		return ret;
	}
	store_now(now);
	/* on a server, the id is the server's */
	if (s->pg && (ret = store_pg_next_id(s, "build", &b->id, e)))
		goto fail;
	if ((ret = store_prepare(s, "INSERT INTO build (id, name, source, sha256, loaded_at)"
				 " VALUES (?,?,?,'',?)", &st, e)))
		goto fail;
	if (b->id)
		sqlite3_bind_int64(st, 1, b->id);
	sqlite3_bind_text(st, 2, o->name ? o->name : path_base(o->source), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, o->source, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		ret = store_fail(s, e, "cannot store the build");
		goto fail;
	}
	b->id = sqlite3_last_insert_rowid(s->db);
	/* on a server the build's names go with it (store_pg_push_build) */
	if ((ret = store_add_name_local(s, STORE_BUILD, b->id,
				  o->name ? o->name : path_base(o->source), e)))
		goto fail;
	if ((ret = prepare_puts(s, &b->diag_put, &b->step_put, e)))
		goto fail;
	if (o->held && s->temporary) {
		if (!(b->held = calloc(1, sizeof(*b->held)))) {
			ret = err_set(e, ESC_ENOMEM, "'%s': out of memory", o->source);
			goto fail;
		}
		b->held->build_id = b->id;
		gc_diag_list_init(&b->held->l);
	}
	sqlite3_finalize(st);
	*out = b;
	return ESC_OK;
fail:
	sqlite3_finalize(st);
	store_build_abort(b);
	return ret;
}

enum esc_status store_build_add(struct store_build *b, const struct gc_diag *d, const char *norm_file,
				struct err *e)
{
	int64_t diag = ++b->next_diag;
	enum esc_status ret;
	int which;
	size_t i;

	if (b->held) {
		if (held_add(b->held, d, norm_file))
			return err_set(e, ESC_ENOMEM, "'%s': out of memory", b->s->path);
		if (b->held->l.bytes <= store_held_max)
			return ESC_OK;
		/* too much to hold: into the tables with it all, and the rest after it */
		for (i = 0; i < b->held->l.n; i++)
			if ((ret = held_write(b->s, b->held, b->diag_put, b->step_put, i, e)))
				return ret;
		held_free(b->held);
		b->held = NULL;
		return ESC_OK;
	}
	if ((which = put_rows(b->diag_put, b->step_put, b->id, diag, d, norm_file)))
		return put_failed(b->s, which, e);
	return ESC_OK;
}

enum esc_status store_build_commit(struct store_build *b, const char *sha256,
				   const char *go_version, int64_t *id, int *added, struct err *e)
{
	struct store *s = b->s;
	sqlite3_stmt *st = NULL;
	enum esc_status ret;
	int64_t old = 0;

	*added = 0;
	*id = 0;
	if ((ret = store_prepare(s, "SELECT id FROM build WHERE sha256 = ? AND id != ?", &st, e)))
		goto fail;
	sqlite3_bind_text(st, 1, sha256, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, b->id);
	if (sqlite3_step(st) == SQLITE_ROW)
		old = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	/* on a server: one that another escprof stored meanwhile counts too */
	if (!old && s->pg) {
		if ((ret = store_prepare(s, "UPDATE build SET sha256 = ?, go_version = ? WHERE id = ?", &st, e)))
			goto fail;
		sqlite3_bind_text(st, 1, sha256, -1, SQLITE_STATIC);
		bind_opt_text(st, 2, go_version && *go_version ? go_version : NULL);
		sqlite3_bind_int64(st, 3, b->id);
		ret = sqlite3_step(st) == SQLITE_DONE ? ESC_OK : store_fail(s, e, "cannot finish the build");
		sqlite3_finalize(st);
		st = NULL;
		if (ret || (ret = store_pg_push_build(s, b->id, &old, e)))
			goto fail;
	}
	if (old) {
		/* the same log again: the first build stands, and a name given now is added
		 * to its names */
		char *name = b->name;

		b->name = NULL;
		store_build_abort(b);
		*id = old;
		if (name && !(ret = store_begin(s, e))) {
			if ((s->pg && (ret = store_pg_pull_build(s, old, e))) ||
			    (ret = store_add_name(s, STORE_BUILD, old, name, e)))
				store_rollback(s);
			else
				ret = store_commit(s, e);
		}
		/* on a server, the working copy knows the build now */
		if (!ret && !name && s->pg)
			ret = store_pg_pull_build(s, old, e);
		free(name);
		return ret;
	}
	if ((ret = store_prepare(s, "UPDATE build SET sha256 = ?, go_version = ? WHERE id = ?", &st, e)))
		goto fail;
	sqlite3_bind_text(st, 1, sha256, -1, SQLITE_STATIC);
	bind_opt_text(st, 2, go_version && *go_version ? go_version : NULL);
	sqlite3_bind_int64(st, 3, b->id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		ret = store_fail(s, e, "cannot finish the build");
		goto fail;
	}
	sqlite3_finalize(st);
	st = NULL;
	sqlite3_finalize(b->diag_put);
	sqlite3_finalize(b->step_put);
	b->diag_put = b->step_put = NULL;
	if ((ret = store_commit(s, e)))
		goto fail;
	*id = b->id;
	*added = 1;
	if (b->held) {
		b->held->next = s->held;
		s->held = b->held;
	}
	free(b->name);
	free(b);
	return ESC_OK;
fail:
	sqlite3_finalize(st);
	store_build_abort(b);
	return ret;
}

void store_build_abort(struct store_build *b)
{
	if (!b)
		return;
	sqlite3_finalize(b->diag_put);
	sqlite3_finalize(b->step_put);
	store_rollback(b->s);
	held_free(b->held);
	free(b->name);
	free(b);
}

struct store_held *store_held_of(struct store *s, int64_t build_id)
{
	struct store_held *h;

	for (h = s->held; h; h = h->next)
		if (h->build_id == build_id)
			return h;
	return NULL;
}

int store_held_foreach(struct store_held *h, store_diag_fn fn, void *ctx)
{
	size_t i;
	int ret;

	for (i = 0; i < h->l.n; i++) {
		const char *norm;
		const struct gc_diag *d = gc_diag_list_at(&h->l, i, &norm);

		if ((ret = fn(ctx, h->build_id, (int64_t)i + 1, d, norm)))
			return ret;
	}
	return 0;
}

enum esc_status store_held_write_cited(struct store *s, const struct store_site *sites,
				       size_t nsites, struct err *e)
{
	sqlite3_stmt *dq = NULL, *sq = NULL;
	enum esc_status ret = ESC_OK;
	size_t i;

	if (!s->held)
		return ESC_OK;
	for (i = 0; i < nsites && !ret; i++) {
		struct store_held *h = sites[i].diag_id > 0 ? store_held_of(s, sites[i].build_id) : NULL;

		if (!h || (uint64_t)sites[i].diag_id > h->l.n)
			continue;
		if (!dq && (ret = prepare_puts(s, &dq, &sq, e)))
			break;
		ret = held_write(s, h, dq, sq, (size_t)sites[i].diag_id - 1, e);
	}
	sqlite3_finalize(dq);
	sqlite3_finalize(sq);
	return ret;
}

void store_held_release(struct store *s)
{
	while (s->held) {
		struct store_held *h = s->held;

		s->held = h->next;
		held_free(h);
	}
}
