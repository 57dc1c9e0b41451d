/* locations.c — the location-id index both decoders build and every reader uses: Go
 * numbers locations 1..N, so a dense table, else a table sorted by id searched by
 * bisection. Ids are unique and non-zero once profile_index_locations has succeeded. */
#include <stdio.h>
#include <stdlib.h>

#include "profile_int.h"

/* The error for location i (0-based) of p: at its byte when the decoder kept it. */
static enum esc_status bad_location(const struct profile *p, size_t i, const char *why,
				    struct err *e)
{
	if (p->priv->location_off)
		return err_set(e, ESC_EINPUT, "'%s': location %zu %s at byte %zu", p->name, i + 1, why,
			       p->priv->location_off[i]);
	return err_set(e, ESC_EINPUT, "'%s': location %zu %s", p->name, i + 1, why);
}

static int cmp_loc_ptr(const void *a, const void *b)
{
	const struct profile_location *x = *(const struct profile_location *const *)a;
	const struct profile_location *y = *(const struct profile_location *const *)b;

	return x->id < y->id ? -1 : x->id > y->id;
}

enum esc_status profile_index_locations(struct profile *p, struct err *e)
{
	struct profile_priv *pv = p->priv;
	uint64_t max = 0;
	size_t i;

	for (i = 0; i < p->nlocations; i++) {
		if (p->locations[i].id == 0)
			return bad_location(p, i, "has id 0", e);
		if (p->locations[i].id > max)
			max = p->locations[i].id;
	}
	/* Go numbers locations 1..N: a dense table; otherwise a sorted one with bsearch */
	if (max <= 4 * (uint64_t)p->nlocations + 1024) {
		pv->by_id_len = max + 1;
		pv->by_id = calloc((size_t)pv->by_id_len, sizeof(*pv->by_id));
		if (!pv->by_id)
			return err_set(e, ESC_ENOMEM, "'%s': out of memory", p->name);
		for (i = 0; i < p->nlocations; i++) {
			if (pv->by_id[p->locations[i].id])
				goto dup;
			pv->by_id[p->locations[i].id] = &p->locations[i];
		}
	} else {
		pv->by_id_len = 0;
		pv->by_id = malloc((p->nlocations + 1) * sizeof(*pv->by_id));
		if (!pv->by_id)
			return err_set(e, ESC_ENOMEM, "'%s': out of memory", p->name);
		for (i = 0; i < p->nlocations; i++)
			pv->by_id[i] = &p->locations[i];
		qsort(pv->by_id, p->nlocations, sizeof(*pv->by_id), cmp_loc_ptr);
		for (i = 1; i < p->nlocations; i++)
			if (pv->by_id[i]->id == pv->by_id[i - 1]->id) {
				i = pv->by_id[i]->index > pv->by_id[i - 1]->index ?
					    pv->by_id[i]->index : pv->by_id[i - 1]->index;
				goto dup;
			}
	}
	return ESC_OK;
dup:
	{
		char why[64];

		snprintf(why, sizeof(why), "repeats location id %llu",
			 (unsigned long long)p->locations[i].id);
		return bad_location(p, i, why, e);
	}
}

const struct profile_location *profile_location_by_id(const struct profile *p, uint64_t id)
{
	const struct profile_priv *pv = p->priv;
	size_t lo = 0, hi = p->nlocations;

	if (pv->by_id_len)
		return id < pv->by_id_len ? pv->by_id[id] : NULL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (pv->by_id[mid]->id == id)
			return pv->by_id[mid];
		if (pv->by_id[mid]->id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
