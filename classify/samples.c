/* samples.c — a decoded heap profile's samples as the join reads them, straight from
 * memory: what store_foreach_heap_sample gives for the same profile stored, without
 * writing the samples to SQLite and reading them back. Samples are grouped by stack (an
 * equal list of locations, numbered in order of first appearance as a fresh store numbers
 * them) and come in file order within a stack; each location's frames are built once
 * (inlined lines innermost first, an unsymbolised location named by its address); the
 * heap types are taken by name, within the first eight sample types, as the store's
 * heap_samples view takes them, and the object size from the first numeric "bytes"
 * label without a unit. */
#include <pthread.h>
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
	uint32_t off, nframes;	/* its frames' ids (places in frames) at fids[off..off+nframes) */
	uint32_t n;		/* of n locations */
	uint64_t hash;
};

/* What the walks read, built once per profile. */
struct classify_decoded {
	const struct profile *p;
	int ix[STORE_NHEAP];
	uint32_t *table;		/* open addressing: stack index + 1, 0 = empty */
	size_t captable;
	struct mstack *stacks;
	size_t nstacks, capstacks;
	uint32_t *fids;
	size_t nfids, capfids;
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

/* A sample's location's index (its place in the profile's array: by the pointer, whose
 * location is not read, a cache miss for each of a stack's frames). */
static inline size_t loc_index(const struct classify_decoded *g, const struct profile_location *l)
{
	return (size_t)(l - g->p->locations);
}

ESC_WRAPS static uint64_t hash_locs(const struct classify_decoded *g, const struct profile_sample *s)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL;
	size_t i;

	for (i = 0; i < s->nlocations; i++) {
		h = (h ^ (uint64_t)loc_index(g, s->locations[i])) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	return h ^ (uint64_t)s->nlocations;
}

/* Whether stack st is s's locations (their frames, in order: a location's are its own). */
static int same_locs(const struct classify_decoded *g, const struct mstack *st,
		     const struct profile_sample *s)
{
	const uint32_t *f = g->fids + st->off, *end = f + st->nframes;
	size_t i, t;

	if (st->n != s->nlocations)
		return 0;
	for (i = 0; i < st->n; i++) {
		size_t loc = loc_index(g, s->locations[i]);

		for (t = g->off[loc]; t < g->off[loc + 1]; t++)
			if (f == end || *f++ != t)
				return 0;
	}
	return f == end;
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
	uint64_t h = hash_locs(g, s);
	size_t i, k, nf = 0;
	int x;

	if (2 * (g->nstacks + 1) > g->captable && regrow(g))
		return nomem(g);
	for (k = h & (g->captable - 1); g->table[k]; k = (k + 1) & (g->captable - 1))
		if (g->stacks[g->table[k] - 1].hash == h && same_locs(g, &g->stacks[g->table[k] - 1], s))
			break;
	if (!g->table[k]) {
		for (i = 0; i < s->nlocations; i++)
			nf += g->off[loc_index(g, s->locations[i]) + 1] - g->off[loc_index(g, s->locations[i])];
		if (g->nstacks >= UINT32_MAX - 1 || nf >= UINT32_MAX - g->nfids ||
		    s->nlocations >= UINT32_MAX ||
		    vec_reserve(&g->stacks, &g->capstacks, g->nstacks + 1, sizeof(*g->stacks), 256) ||
		    vec_reserve(&g->fids, &g->capfids, g->nfids + nf + 1, sizeof(*g->fids), 1024))
			return nomem(g);
		g->stacks[g->nstacks] = (struct mstack){(uint32_t)g->nfids, (uint32_t)nf,
							(uint32_t)s->nlocations, h};
		for (i = 0; i < s->nlocations; i++) {
			size_t t, loc = loc_index(g, s->locations[i]);

			for (t = g->off[loc]; t < g->off[loc + 1]; t++)
				g->fids[g->nfids++] = (uint32_t)t;
		}
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
	free(g->fids);
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
	size_t capv = 0, i, x;
	int rc = 0;

	for (x = 0; x < g->nstacks && !rc; x++) {
		const struct mstack *st = &g->stacks[x];
		const uint32_t *ids = g->fids + st->off;

		if (!ids_only) {
			if (vec_reserve(&v, &capv, (size_t)st->nframes + 1, sizeof(*v), 64)) {
				rc = err_set(e, ESC_ENOMEM, "'%s': out of memory",
					     g->p->name ? g->p->name : "profile");
				break;
			}
			/* one by one: most locations have one line, not worth a call each */
			for (i = 0; i < st->nframes; i++)
				v[i] = g->frames[ids[i]];
		}
		for (i = g->start[x]; i < g->start[x + 1] && !rc; i++) {
			const struct msample *m = &g->samples[g->order[i]];
			struct store_sample smp = {(int64_t)g->order[i] + 1, (int64_t)x + 1, {0},
						   m->object_size, v, st->nframes, ids, g->frames};

			memcpy(smp.values, m->values, sizeof(smp.values));
			rc = fn(ctx, &smp);
		}
	}
	free(v);
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

struct classify_grouping {
	const struct profile *p;
	pthread_t th;
	struct classify_decoded *g;
	enum esc_status st;
	struct err e;
};

static void *group_job(void *arg)
{
	struct classify_grouping *j = arg;

	j->st = classify_decoded_group(j->p, &j->g, &j->e);
	return NULL;
}

struct classify_grouping *classify_decoded_group_begin(const struct profile *p)
{
	struct classify_grouping *j = calloc(1, sizeof(*j));

	if (!j)
		return NULL;
	j->p = p;
	if (pthread_create(&j->th, NULL, group_job, j)) {
		free(j);
		return NULL;
	}
	return j;
}

enum esc_status classify_decoded_group_end(struct classify_grouping *j, const struct profile *p,
					   struct classify_decoded **out, struct err *e)
{
	struct classify_decoded *g;
	enum esc_status st;

	if (!j)
		return out ? classify_decoded_group(p, out, e) : ESC_OK;
	pthread_join(j->th, NULL);
	g = j->g;
	if ((st = j->st) && e)
		*e = j->e;
	free(j);
	if (out)
		*out = g;
	else
		classify_decoded_free(g);
	return st;
}
