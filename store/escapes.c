/* escapes.c — storing one build's compiler diagnostics: every diagnostic and its flow
 * steps in one transaction, streamed as the parser delivers them; duplicate builds (same
 * content digest) are detected at commit and rolled back. */
#include <stdlib.h>
#include <string.h>

#include "store_int.h"
#include "common/paths.h"

struct store_build {
	struct store *s;
	int64_t id;
	int64_t next_diag;
	sqlite3_stmt *diag_put, *step_put;
	char *name;		/* the name given (--name); NULL for the default */
};

static void bind_opt_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
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
	if ((ret = store_prepare(s, "INSERT INTO build (name, source, sha256, loaded_at) VALUES (?,?,'',?)",
				 &st, e)))
		goto fail;
	sqlite3_bind_text(st, 1, o->name ? o->name : path_base(o->source), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, o->source, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		ret = store_fail(s, e, "cannot store the build");
		goto fail;
	}
	b->id = sqlite3_last_insert_rowid(s->db);
	if ((ret = store_add_name(s, STORE_BUILD, b->id,
				  o->name ? o->name : path_base(o->source), e)))
		goto fail;
	if ((ret = store_prepare(s, "INSERT INTO diagnostic VALUES (?,?,?,?,?,?,?,?,?,?,?)", &b->diag_put, e)) ||
	    (ret = store_prepare(s, "INSERT INTO flow_step VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", &b->step_put, e)))
		goto fail;
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
	sqlite3_stmt *st = b->diag_put;
	int64_t diag = ++b->next_diag;
	size_t i;

	sqlite3_bind_int64(st, 1, b->id);
	sqlite3_bind_int64(st, 2, diag);
	bind_opt_text(st, 3, d->package);
	sqlite3_bind_text(st, 4, d->file, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, norm_file, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, d->line);
	if (d->col)
		sqlite3_bind_int64(st, 7, d->col);
	else
		sqlite3_bind_null(st, 7);
	bind_opt_text(st, 8, gc_kind_name(d->kind));
	bind_opt_text(st, 9, d->subject);
	bind_opt_text(st, 10, d->func);
	sqlite3_bind_text(st, 11, d->message ? d->message : "", -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_reset(st);
		return store_fail(b->s, e, "cannot store a diagnostic");
	}
	sqlite3_reset(st);
	st = b->step_put;
	for (i = 0; i < d->nsteps; i++) {
		const struct gc_step *p = &d->steps[i];
		int flow = p->kind == GC_STEP_FLOW;

		sqlite3_bind_int64(st, 1, b->id);
		sqlite3_bind_int64(st, 2, diag);
		sqlite3_bind_int64(st, 3, (int64_t)i + 1);
		bind_opt_text(st, 4, gc_step_kind_name(p->kind));
		bind_opt_text(st, 5, p->dst);
		bind_opt_text(st, 6, p->src);
		if (flow)
			sqlite3_bind_int(st, 7, p->derefs);
		else
			sqlite3_bind_null(st, 7);
		bind_opt_text(st, 8, p->why);
		bind_opt_text(st, 9, p->expr);
		bind_opt_text(st, 10, p->file);
		if (p->line)
			sqlite3_bind_int64(st, 11, p->line);
		else
			sqlite3_bind_null(st, 11);
		if (p->col)
			sqlite3_bind_int64(st, 12, p->col);
		else
			sqlite3_bind_null(st, 12);
		sqlite3_bind_text(st, 13, p->text ? p->text : "", -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE) {
			sqlite3_reset(st);
			return store_fail(b->s, e, "cannot store a flow step");
		}
		sqlite3_reset(st);
	}
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
	if (old) {
		/* the same log again: the first build stands, and a name given now is added
		 * to its names */
		char *name = b->name;

		b->name = NULL;
		store_build_abort(b);
		*id = old;
		if (name && !(ret = store_begin(s, e))) {
			if ((ret = store_add_name(s, STORE_BUILD, old, name, e)))
				store_rollback(s);
			else
				ret = store_commit(s, e);
		}
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
	free(b->name);
	free(b);
}
