/* summary.c — an analysis as analyze shows it: totals, causes, the builds given and how
 * they fitted, and the top source lines, each with its parts (the sites of one cause and
 * one compiler diagnostic, whatever dependency they were allocated through). Plain
 * structs for a writer; nothing here prints. */
#include <stdlib.h>
#include <string.h>

#include "classify/classify.h"
#include "common/vec.h"

static int same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* Appends ", via" (or via alone first) to *vias; -1 when memory runs out. */
static int add_via(char **vias, const char *via)
{
	size_t ol = *vias ? strlen(*vias) : 0, vl = strlen(via);
	char *nv = realloc(*vias, ol + vl + 3);

	if (!nv)
		return -1;
	if (ol)
		memcpy(nv + ol, ", ", 2), ol += 2;
	memcpy(nv + ol, via, vl + 1);
	*vias = nv;
	return 0;
}

/* Groups the rows (the sites of one line are consecutive) into lines and parts; -1 when
 * memory runs out. */
static int group_lines(struct classify_summary *sum)
{
	size_t i, k, caplines = 0;

	/* at most one part per row, allocated at once: lines point into it */
	if (sum->nrows && !(sum->parts = calloc(sum->nrows, sizeof(*sum->parts))))
		return -1;
	for (i = 0; i < sum->nrows; i++) {
		const struct store_line_site *r = &sum->rows[i];
		struct classify_line *l = sum->nlines ? &sum->lines[sum->nlines - 1] : NULL;
		struct classify_part *p = NULL;

		if (!l || l->line != r->line || strcmp(l->function, r->function) ||
		    strcmp(l->file, r->file)) {
			if (vec_reserve(&sum->lines, &caplines, sum->nlines + 1, sizeof(*sum->lines), 8))
				return -1;
			l = &sum->lines[sum->nlines++];
			*l = (struct classify_line){r->function, r->file, r->line, 0, 0,
						    sum->parts + sum->nparts, 0};
		}
		l->value += r->value;
		l->objects += r->objects;
		for (k = 0; k < l->nparts && !p; k++)
			if (!strcmp(l->parts[k].cause, r->cause) && same(l->parts[k].message, r->message))
				p = &l->parts[k];
		if (!p) {
			p = &l->parts[l->nparts++];
			sum->nparts++;
			*p = (struct classify_part){r->cause, NULL, r->message, r->hint, r->evidence,
						    r->confidence, 0, 0};
		}
		p->value += r->value;
		p->objects += r->objects;
		if (r->attributed_via && add_via(&p->vias, r->attributed_via))
			return -1;
	}
	return 0;
}

static int take_fit(void *ctx, const struct store_build_fit *f, const char *name)
{
	struct classify_summary *sum = ctx;
	size_t cap = sum->nfits;
	struct classify_fit *x;

	if (vec_reserve(&sum->fits, &cap, sum->nfits + 1, sizeof(*sum->fits), 4))
		return ESC_ENOMEM;
	x = &sum->fits[sum->nfits];
	x->fit = *f;
	if (!(x->name = strdup(name)))
		return ESC_ENOMEM;
	sum->nfits++;
	return 0;
}

void classify_summary_release(struct classify_summary *sum)
{
	size_t i;

	for (i = 0; i < sum->nparts; i++)
		free(sum->parts[i].vias);
	free(sum->parts);
	free(sum->lines);
	for (i = 0; i < sum->nfits; i++)
		free(sum->fits[i].name);
	free(sum->fits);
	store_cause_totals_free(sum->causes, sum->ncauses);
	store_line_sites_free(sum->rows, sum->nrows);
	memset(sum, 0, sizeof(*sum));
}

enum esc_status classify_summarize(struct store *s, int64_t analysis_id, int ix, int nlines,
				   struct classify_summary *sum, struct err *e)
{
	enum esc_status st;
	int r;

	memset(sum, 0, sizeof(*sum));
	sum->ix = ix;
	if ((st = store_analysis_totals(s, analysis_id, ix, &sum->totals, e)) ||
	    (st = store_analysis_causes(s, analysis_id, ix, &sum->causes, &sum->ncauses, e)) ||
	    (st = store_top_line_sites(s, analysis_id, ix, nlines, &sum->rows, &sum->nrows, e)))
		goto fail;
	if (group_lines(sum)) {
		st = err_set(e, ESC_ENOMEM, "out of memory");
		goto fail;
	}
	if ((r = store_foreach_build_fit(s, analysis_id, take_fit, sum, e))) {
		/* the callback's own failure is memory; the store's has filled e */
		st = e->status ? e->status : err_set(e, ESC_ENOMEM, "out of memory");
		goto fail;
	}
	return ESC_OK;
fail:
	classify_summary_release(sum);
	return st;
}
