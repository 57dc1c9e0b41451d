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
#include "common/vec.h"
#include "common/wrap.h"

struct msample {
	uint32_t stack;
	int64_t values[STORE_NHEAP];
	int64_t object_size;
};

struct mstack {
	uint32_t off, n;	/* location indices at locs[off..off+n) */
	uint64_t hash;
	size_t nframes;		/* the frames of those locations */
};

/* What the walks read, built once per profile. */
struct classify_decoded {
	const struct profile *p;
	int ix[STORE_NHEAP];
	uint32_t *table;		/* open addressing: stack index + 1, 0 = empty */
	size_t captable;
	struct mstack *stacks;
	size_t nstacks, capstacks;
	uint32_t *locs;
	size_t nlocs, caplocs;
	struct msample *samples;
	size_t nsamples;
	size_t *order, *start;		/* samples by stack: order[start[x]..start[x + 1]) */
	struct store_frame *frames;	/* every location's frames: frames[off[i]..off[i + 1]) */
	size_t *off;
	char (*addr)[24];		/* the names of unsymbolised locations */
	struct err *e;
};

static int nomem(struct classify_decoded *g)
{
	return err_set(g->e, ESC_ENOMEM, "'%s': out of memory", g->p->name ? g->p->name : "profile");
}

ESC_WRAPS static uint64_t hash_locs(const struct profile_sample *s)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL;
	size_t i;

	for (i = 0; i < s->nlocations; i++) {
		h = (h ^ (uint64_t)s->locations[i]->index) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	return h ^ (uint64_t)s->nlocations;
}

static int same_locs(const struct classify_decoded *g, const struct mstack *st,
		     const struct profile_sample *s)
{
	size_t i;

	if (st->n != s->nlocations)
		return 0;
	for (i = 0; i < st->n; i++)
		if (g->locs[st->off + i] != s->locations[i]->index)
			return 0;
	return 1;
}

/* Doubles the table (at half load) and places every stack again; -1 without memory. */
static int regrow(struct classify_decoded *g)
{
	size_t cap = g->captable ? g->captable * 2 : 1024, i, k;
	uint32_t *t = calloc(cap, sizeof(*t));

	if (!t)
		return -1;
	for (i = 0; i < g->nstacks; i++) {
		for (k = g->stacks[i].hash & (cap - 1); t[k]; k = (k + 1) & (cap - 1))
			;
		t[k] = (uint32_t)i + 1;
	}
	free(g->table);
	g->table = t;
	g->captable = cap;
	return 0;
}

static int group(void *ctx, const struct profile_sample *s)
{
	struct classify_decoded *g = ctx;
	struct msample *m = &g->samples[s->index];
	uint64_t h = hash_locs(s);
	size_t i, k, nf = 0;
	int x;

	if (2 * (g->nstacks + 1) > g->captable && regrow(g))
		return nomem(g);
	for (k = h & (g->captable - 1); g->table[k]; k = (k + 1) & (g->captable - 1))
		if (g->stacks[g->table[k] - 1].hash == h && same_locs(g, &g->stacks[g->table[k] - 1], s))
			break;
	if (!g->table[k]) {
		if (g->nstacks >= UINT32_MAX - 1 || g->nlocs + s->nlocations >= UINT32_MAX ||
		    vec_reserve(&g->stacks, &g->capstacks, g->nstacks + 1, sizeof(*g->stacks), 256) ||
		    vec_reserve(&g->locs, &g->caplocs, g->nlocs + s->nlocations + 1, sizeof(*g->locs), 1024))
			return nomem(g);
		for (i = 0; i < s->nlocations; i++) {
			uint32_t loc = (uint32_t)s->locations[i]->index;

			g->locs[g->nlocs + i] = loc;
			nf += g->off[loc + 1] - g->off[loc];
		}
		g->stacks[g->nstacks] = (struct mstack){(uint32_t)g->nlocs, (uint32_t)s->nlocations, h, nf};
		g->nlocs += s->nlocations;
		g->table[k] = (uint32_t)++g->nstacks;
	}
	m->stack = g->table[k] - 1;
	for (x = 0; x < STORE_NHEAP; x++)
		m->values[x] = g->ix[x] >= 0 && (size_t)g->ix[x] < s->nvalues ? s->values[g->ix[x]] : 0;
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

static int build_frames(struct classify_decoded *g)
{
	const struct profile *p = g->p;
	size_t i, j, n = 0, k = 0;

	for (i = 0; i < p->nlocations; i++)
		n += p->locations[i].nlines ? p->locations[i].nlines : 1;
	if (n >= UINT32_MAX)
		return -1;	/* a frame's id is its place here */
	g->frames = calloc(n + 1, sizeof(*g->frames));
	g->off = calloc(p->nlocations + 1, sizeof(*g->off));
	g->addr = calloc(p->nlocations + 1, sizeof(*g->addr));
	if (!g->frames || !g->off || !g->addr)
		return -1;
	for (i = 0; i < p->nlocations; i++) {
		const struct profile_location *l = &p->locations[i];

		g->off[i] = k;
		if (!l->nlines) {
			/* unsymbolised: the address stands in for the function, as pprof shows it */
			snprintf(g->addr[i], sizeof(g->addr[i]), "0x%llx", (unsigned long long)l->address);
			g->frames[k++] = (struct store_frame){g->addr[i], "", 0, 0};
			continue;
		}
		for (j = 0; j < l->nlines; j++) {
			const struct profile_function *fn = l->lines[j].function;

			g->frames[k++] = (struct store_frame){fn && fn->name ? fn->name : "",
							      fn && fn->file ? fn->file : "",
							      l->lines[j].line, j + 1 < l->nlines};
		}
	}
	g->off[p->nlocations] = k;
	return 0;
}

void classify_decoded_free(struct classify_decoded *g)
{
	if (!g)
		return;
	free(g->table);
	free(g->stacks);
	free(g->locs);
	free(g->samples);
	free(g->order);
	free(g->start);
	free(g->frames);
	free(g->off);
	free(g->addr);
	free(g);
}

enum esc_status classify_decoded_group(const struct profile *p, struct classify_decoded **out,
				       struct err *e)
{
	struct classify_decoded *g = calloc(1, sizeof(*g));
	size_t i;
	int k, rc;

	*out = NULL;
	if (!g)
		return err_set(e, ESC_ENOMEM, "'%s': out of memory", p->name ? p->name : "profile");
	g->p = p;
	g->e = e;
	/* a heap type at any index, as the store's heap_samples view reads it */
	for (k = 0; k < STORE_NHEAP; k++)
		g->ix[k] = profile_sample_type_index(p, store_heap_types[k]);
	if (!(g->samples = calloc(p->nsamples + 1, sizeof(*g->samples))) || build_frames(g)) {
		rc = nomem(g);
		goto fail;
	}
	if ((rc = profile_foreach_sample(p, group, g, e)))
		goto fail;
	g->nsamples = p->nsamples;
	/* the samples of each stack together, in file order: a counting sort */
	g->start = calloc(g->nstacks + 2, sizeof(*g->start));
	g->order = calloc(g->nsamples + 1, sizeof(*g->order));
	if (!g->start || !g->order) {
		rc = nomem(g);
		goto fail;
	}
	for (i = 0; i < g->nsamples; i++)
		g->start[g->samples[i].stack + 2]++;
	for (i = 2; i <= g->nstacks + 1; i++)
		g->start[i] += g->start[i - 1];
	/* start[x + 1] is where stack x begins; placing moves it to where stack x ends */
	for (i = 0; i < g->nsamples; i++)
		g->order[g->start[g->samples[i].stack + 1]++] = i;
	free(g->table);
	g->table = NULL;
	g->e = NULL;
	*out = g;
	return ESC_OK;
fail:
	classify_decoded_free(g);
	return e && e->status ? e->status : (enum esc_status)rc;
}

int classify_decoded_foreach(const struct classify_decoded *g, int ids_only, store_sample_fn fn,
			     void *ctx, struct err *e)
{
	struct store_frame *v = NULL;
	uint32_t *ids = NULL;
	size_t capv = 0, capids = 0, i, x;
	int rc = 0;

	for (x = 0; x < g->nstacks && !rc; x++) {
		const struct mstack *st = &g->stacks[x];
		size_t n = 0, l;

		if ((!ids_only && vec_reserve(&v, &capv, st->nframes + 1, sizeof(*v), 64)) ||
		    vec_reserve(&ids, &capids, st->nframes + 1, sizeof(*ids), 64)) {
			rc = err_set(e, ESC_ENOMEM, "'%s': out of memory", g->p->name ? g->p->name : "profile");
			break;
		}
		/* each location's frames' ids: their places in g->frames; and the frames, one by
		 * one (most locations have one line: not a call each) */
		for (l = 0; l < st->n; l++) {
			uint32_t loc = g->locs[st->off + l];
			size_t t, end = g->off[loc + 1];

			for (t = g->off[loc]; t < end; t++)
				ids[n++] = (uint32_t)t;
		}
		if (!ids_only)
			for (l = 0; l < n; l++)
				v[l] = g->frames[ids[l]];
		for (i = g->start[x]; i < g->start[x + 1] && !rc; i++) {
			const struct msample *m = &g->samples[g->order[i]];
			struct store_sample smp = {(int64_t)g->order[i] + 1, (int64_t)x + 1, {0},
						   m->object_size, v, n, ids, g->frames};

			memcpy(smp.values, m->values, sizeof(smp.values));
			rc = fn(ctx, &smp);
		}
	}
	free(v);
	free(ids);
	return rc;
}

int classify_foreach_decoded_sample(const struct profile *p, store_sample_fn fn, void *ctx,
				    struct err *e)
{
	struct classify_decoded *g;
	enum esc_status st;
	int rc;

	if ((st = classify_decoded_group(p, &g, e)))
		return (int)st;
	rc = classify_decoded_foreach(g, 0, fn, ctx, e);
	classify_decoded_free(g);
	return rc;
}
