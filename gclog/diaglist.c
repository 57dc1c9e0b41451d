/* diaglist.c — diagnostics kept past their callback: deep copies, their strings in one
 * arena, appended in order and read back as the parser delivered them. */
#include <stdlib.h>
#include <string.h>

#include "gclog.h"
#include "common/vec.h"

struct gc_diag_copy {
	struct gc_diag d;	/* steps set when read back: the step array moves as it grows */
	const char *extra;
	size_t step0;		/* its steps: l->steps[step0 .. step0 + d.nsteps) */
};

void gc_diag_list_init(struct gc_diag_list *l)
{
	memset(l, 0, sizeof(*l));
	arena_init(&l->a, 0);
}

void gc_diag_list_release(struct gc_diag_list *l)
{
	if (!l)
		return;
	arena_release(&l->a);
	free(l->v);
	free(l->steps);
	memset(l, 0, sizeof(*l));
}

/* The arena's copy of s (NULL for NULL); sets *oom when memory runs out. */
static const char *copy_str(struct gc_diag_list *l, const char *s, int *oom)
{
	size_t n;
	const char *c;

	if (!s)
		return NULL;
	n = strlen(s);
	if (!(c = arena_strndup(&l->a, s, n)))
		*oom = 1;
	l->bytes += n + 1;
	return c;
}

int gc_diag_list_add(struct gc_diag_list *l, const struct gc_diag *d, const char *extra)
{
	struct gc_diag_copy *x;
	size_t i;
	int oom = 0;

	if (vec_reserve(&l->v, &l->cap, l->n + 1, sizeof(*l->v), 256) ||
	    vec_reserve(&l->steps, &l->capsteps, l->nsteps + d->nsteps, sizeof(*l->steps), 256))
		return -1;
	x = &l->v[l->n];
	memset(x, 0, sizeof(*x));
	x->d.package = copy_str(l, d->package, &oom);
	x->d.file = copy_str(l, d->file, &oom);
	x->d.line = d->line;
	x->d.col = d->col;
	x->d.kind = d->kind;
	x->d.subject = copy_str(l, d->subject, &oom);
	x->d.func = copy_str(l, d->func, &oom);
	x->d.message = copy_str(l, d->message, &oom);
	x->d.nsteps = d->nsteps;
	x->extra = copy_str(l, extra, &oom);
	x->step0 = l->nsteps;
	for (i = 0; i < d->nsteps; i++) {
		const struct gc_step *p = &d->steps[i];
		struct gc_step *q = &l->steps[l->nsteps + i];

		*q = *p;
		q->dst = copy_str(l, p->dst, &oom);
		q->src = copy_str(l, p->src, &oom);
		q->why = copy_str(l, p->why, &oom);
		q->expr = copy_str(l, p->expr, &oom);
		q->file = copy_str(l, p->file, &oom);
		q->text = copy_str(l, p->text, &oom);
	}
	if (oom)
		return -1;	/* what was copied stays in the arena, unreachable, until release */
	l->nsteps += d->nsteps;
	l->n++;
	l->bytes += sizeof(*x) + d->nsteps * sizeof(struct gc_step);
	return 0;
}

const struct gc_diag *gc_diag_list_at(struct gc_diag_list *l, size_t i, const char **extra)
{
	struct gc_diag_copy *x = &l->v[i];

	/* no array yet while no copy has steps */
	x->d.steps = x->d.nsteps ? l->steps + x->step0 : NULL;
	if (extra)
		*extra = x->extra;
	return &x->d;
}
