/* samples.c — a decoded heap profile's samples as the join reads them, straight from
 * memory: what store_foreach_heap_sample gives for the same profile stored, without
 * writing the samples to SQLite and reading them back. Samples are grouped by stack (an
 * equal list of locations, numbered in order of first appearance as a fresh store numbers
 * them) and come in file order within a stack; each location's frames are built once
 * (inlined lines innermost first, an unsymbolised location named by its address); the
 * heap types are taken by name, within the first eight sample types, as the store's
 * heap_samples view takes them, and the object size from the first numeric "bytes"
 * label without a unit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify/classify.h"
#include "common/hmap.h"
#include "common/vec.h"

/* the store keeps the first eight values of a sample in its row; the heap view reads those */
enum { ROW_VALUES = 8 };

struct msample {
	uint32_t stack;
	int64_t values[STORE_NHEAP];
	int64_t object_size;
};

struct mstack {
	uint32_t off, n;	/* location indices at grouping.locs[off..off+n) */
};

struct grouping {
	const struct profile *p;
	int ix[STORE_NHEAP];
	struct hmap by_locs;		/* location indices (uint32_t[]) -> stack index + 1 */
	struct mstack *stacks;
	size_t nstacks, capstacks;
	uint32_t *locs, *key;
	size_t nlocs, caplocs, capkey;
	struct msample *samples;
	size_t nsamples;
	struct err *e;
};

/* The frames of every location: loc_frames[loc_off[i] .. loc_off[i + 1]). */
struct frames {
	struct store_frame *v;
	size_t *off;
	char (*addr)[24];	/* the names of unsymbolised locations */
};

static int nomem(struct grouping *g)
{
	return err_set(g->e, ESC_ENOMEM, "'%s': out of memory", g->p->name ? g->p->name : "profile");
}

static int group(void *ctx, const struct profile_sample *s)
{
	struct grouping *g = ctx;
	struct msample *m = &g->samples[s->index];
	void **slot;
	size_t i;
	int k;

	if (vec_reserve(&g->key, &g->capkey, s->nlocations + 1, sizeof(*g->key), 64))
		return nomem(g);
	for (i = 0; i < s->nlocations; i++)
		g->key[i] = (uint32_t)s->locations[i]->index;
	if (!(slot = hmap_put(&g->by_locs, g->key, s->nlocations * sizeof(*g->key))))
		return nomem(g);
	if (!*slot) {
		if (vec_reserve(&g->stacks, &g->capstacks, g->nstacks + 1, sizeof(*g->stacks), 256) ||
		    vec_reserve(&g->locs, &g->caplocs, g->nlocs + s->nlocations + 1, sizeof(*g->locs), 1024))
			return nomem(g);
		g->stacks[g->nstacks] = (struct mstack){(uint32_t)g->nlocs, (uint32_t)s->nlocations};
		memcpy(g->locs + g->nlocs, g->key, s->nlocations * sizeof(*g->key));
		g->nlocs += s->nlocations;
		*slot = (void *)(uintptr_t)++g->nstacks;
	}
	m->stack = (uint32_t)((uintptr_t)*slot - 1);
	for (k = 0; k < STORE_NHEAP; k++)
		m->values[k] = g->ix[k] >= 0 && (size_t)g->ix[k] < s->nvalues ? s->values[g->ix[k]] : 0;
	m->object_size = 0;
	for (i = 0; i < s->nlabels; i++) {
		const struct profile_label *l = &s->labels[i];

		if (!l->str && !l->num_unit && !strcmp(l->key, "bytes")) {
			m->object_size = l->num;
			break;
		}
	}
	return 0;
}

static int build_frames(const struct profile *p, struct frames *f)
{
	size_t i, j, n = 0, k = 0;

	for (i = 0; i < p->nlocations; i++)
		n += p->locations[i].nlines ? p->locations[i].nlines : 1;
	f->v = calloc(n + 1, sizeof(*f->v));
	f->off = calloc(p->nlocations + 1, sizeof(*f->off));
	f->addr = calloc(p->nlocations + 1, sizeof(*f->addr));
	if (!f->v || !f->off || !f->addr)
		return -1;
	for (i = 0; i < p->nlocations; i++) {
		const struct profile_location *l = &p->locations[i];

		f->off[i] = k;
		if (!l->nlines) {
			/* unsymbolised: the address stands in for the function, as pprof shows it */
			snprintf(f->addr[i], sizeof(f->addr[i]), "0x%llx", (unsigned long long)l->address);
			f->v[k++] = (struct store_frame){f->addr[i], "", 0, 0};
			continue;
		}
		for (j = 0; j < l->nlines; j++) {
			const struct profile_function *fn = l->lines[j].function;

			f->v[k++] = (struct store_frame){fn && fn->name ? fn->name : "",
							 fn && fn->file ? fn->file : "",
							 l->lines[j].line, j + 1 < l->nlines};
		}
	}
	f->off[p->nlocations] = k;
	return 0;
}

int classify_foreach_decoded_sample(const struct profile *p, store_sample_fn fn, void *ctx,
				    struct err *e)
{
	struct grouping g = {.p = p, .e = e};
	struct frames f = {0};
	struct store_frame *v = NULL;
	size_t *start = NULL, *order = NULL, capv = 0, i, x;
	int rc = 0, k;

	hmap_init(&g.by_locs);
	for (k = 0; k < STORE_NHEAP; k++) {
		g.ix[k] = profile_sample_type_index(p, store_heap_types[k]);
		if (g.ix[k] >= ROW_VALUES)
			g.ix[k] = -1;
	}
	if (!(g.samples = calloc(p->nsamples + 1, sizeof(*g.samples))) || build_frames(p, &f)) {
		rc = nomem(&g);
		goto out;
	}
	if ((rc = profile_foreach_sample(p, group, &g, e)))
		goto out;
	g.nsamples = p->nsamples;
	/* the samples of each stack together, in file order: a counting sort */
	start = calloc(g.nstacks + 1, sizeof(*start));
	order = calloc(g.nsamples + 1, sizeof(*order));
	if (!start || !order) {
		rc = nomem(&g);
		goto out;
	}
	for (i = 0; i < g.nsamples; i++)
		start[g.samples[i].stack + 1]++;
	for (i = 1; i <= g.nstacks; i++)
		start[i] += start[i - 1];
	for (i = 0; i < g.nsamples; i++)
		order[start[g.samples[i].stack]++] = i;
	for (x = 0, i = 0; x < g.nstacks && !rc; x++) {
		const struct mstack *st = &g.stacks[x];
		size_t n = 0, l;

		for (l = 0; l < st->n; l++) {
			uint32_t loc = g.locs[st->off + l];
			size_t m = f.off[loc + 1] - f.off[loc];

			if (vec_reserve(&v, &capv, n + m + 1, sizeof(*v), 64)) {
				rc = nomem(&g);
				goto out;
			}
			memcpy(v + n, f.v + f.off[loc], m * sizeof(*v));
			n += m;
		}
		/* start[x] is now where stack x + 1 begins: its samples end there */
		for (; i < start[x] && !rc; i++) {
			const struct msample *m = &g.samples[order[i]];
			struct store_sample smp = {(int64_t)order[i] + 1, (int64_t)x + 1, {0},
						   m->object_size, v, n};

			memcpy(smp.values, m->values, sizeof(smp.values));
			rc = fn(ctx, &smp);
		}
	}
out:
	hmap_release(&g.by_locs);
	free(g.stacks);
	free(g.locs);
	free(g.key);
	free(g.samples);
	free(f.v);
	free(f.off);
	free(f.addr);
	free(start);
	free(order);
	free(v);
	return rc;
}
