/* report.c — the HTML report's data model: one call reads through store.h everything the
 * page shows of an analysis (and of a baseline's), and the source lines around its sites,
 * into plain structs; see classify.h. It never prints. A failed question fails the whole
 * report, so a page is never written from a half-read store (no zeros standing in for an
 * error). Strings taken from the store's rows are moved, not copied. */
#include <stdlib.h>
#include <string.h>

#include "classify/classify.h"
#include "common/vec.h"

static char *take(char **p)
{
	char *s = *p;

	*p = NULL;
	return s;
}

static enum esc_status no_memory(struct err *e)
{
	return err_set(e, ESC_ENOMEM, "out of memory");
}

static int64_t scaled(int64_t v, double scale)
{
	return (int64_t)((double)v * scale + 0.5);
}

static enum esc_status read_profile(struct store *s, int64_t profile_id, int64_t analysis_id,
				    struct classify_report_profile *p, struct err *e)
{
	struct store_profile_info info;
	struct store_totals t;
	enum esc_status st;
	int k;

	p->id = profile_id;
	if ((st = store_profile_info(s, profile_id, &info, e)))
		return st;
	p->name = take(&info.name);
	p->source = take(&info.source);
	p->sha256 = take(&info.sha256);
	p->format = take(&info.format);
	p->time_nanos = info.time_nanos;
	p->duration_nanos = info.duration_nanos;
	store_profile_info_release(&info);
	if ((st = store_heap_types_of(s, profile_id, p->has, e)))
		return st;
	for (k = 0; k < STORE_NHEAP; k++) {
		if ((st = store_analysis_totals(s, analysis_id, k, &t, e)))
			return st;
		p->totals[k] = t.total;
	}
	return ESC_OK;
}

static void release_profile(struct classify_report_profile *p)
{
	free(p->name);
	free(p->source);
	free(p->sha256);
	free(p->format);
}

static int by_build_id(const void *a, const void *b)
{
	int64_t x = ((const struct store_analysis_build *)a)->build_id;
	int64_t y = ((const struct store_analysis_build *)b)->build_id;

	return (x > y) - (x < y);
}

/* The builds the analysis joined, by id (the page lists them so). */
static enum esc_status read_builds(struct store *s, struct classify_report *r, struct err *e)
{
	struct store_analysis_build *rows;
	size_t n, i;
	enum esc_status st;

	if ((st = store_analysis_builds(s, r->analysis_id, &rows, &n, e)))
		return st;
	if (n)
		qsort(rows, n, sizeof(*rows), by_build_id);
	if (n && !(r->builds = calloc(n, sizeof(*r->builds)))) {
		store_analysis_builds_free(rows, n);
		return no_memory(e);
	}
	for (i = 0; i < n; i++)
		r->builds[i] = (struct classify_report_build){rows[i].build_id, take(&rows[i].name),
							      take(&rows[i].source), take(&rows[i].go_version)};
	r->nbuilds = n;
	store_analysis_builds_free(rows, n);
	return ESC_OK;
}

/* Adds an analysis's causes (base: the baseline's) to r->causes, merged by name. */
static enum esc_status read_causes(struct store *s, struct classify_report *r, int64_t analysis_id,
				   int base, struct err *e)
{
	struct store_cause_total *rows;
	size_t n, i, k, cap = r->ncauses;
	enum esc_status st;

	if ((st = store_analysis_causes(s, analysis_id, r->ix, &rows, &n, e)))
		return st;
	for (i = 0; i < n; i++) {
		struct classify_report_cause *x;

		for (k = 0; k < r->ncauses && strcmp(r->causes[k].cause, rows[i].cause); k++)
			;
		if (k == r->ncauses) {
			if (vec_reserve(&r->causes, &cap, k + 1, sizeof(*r->causes), 8)) {
				st = no_memory(e);
				break;
			}
			memset(&r->causes[k], 0, sizeof(r->causes[k]));
			r->causes[r->ncauses++].cause = take(&rows[i].cause);
		}
		x = &r->causes[k];
		if (base) {
			x->base = rows[i].value;
		} else {
			x->value = rows[i].value;
			x->sites = rows[i].sites;
			x->objects = rows[i].objects;
		}
	}
	store_cause_totals_free(rows, n);
	return st;
}

/* The lines the compiler printed under the site's diagnostic. */
static enum esc_status read_steps(struct store *s, int64_t build_id, int64_t diag_id,
				  struct classify_report_site *x, struct err *e)
{
	struct store_step_line *rows;
	size_t n, i;
	enum esc_status st;

	if ((st = store_diag_step_lines(s, build_id, diag_id, &rows, &n, e)))
		return st;
	if (n && !(x->steps = calloc(n, sizeof(*x->steps)))) {
		store_step_lines_free(rows, n);
		return no_memory(e);
	}
	for (i = 0; i < n; i++)
		x->steps[i] = (struct classify_report_step){rows[i].seq, take(&rows[i].text),
							     !strcmp(rows[i].kind, "flow")};
	x->nsteps = n;
	store_step_lines_free(rows, n);
	return ESC_OK;
}

/* The source lines around the site, when its file is found and long enough. */
static enum esc_status read_source(struct classify_sources *src, struct classify_report_site *x,
				   struct err *e)
{
	const char *path, *text;
	size_t len, cap = 0;
	int64_t ln;

	if (classify_source_lines(src, x->file) < x->line || !(path = classify_source_path(src, x->file)))
		return ESC_OK;
	if (!(x->source_path = strdup(path)))
		return no_memory(e);
	for (ln = x->line - CLASSIFY_REPORT_CONTEXT; ln <= x->line + CLASSIFY_REPORT_CONTEXT; ln++) {
		struct classify_report_source_line *l;

		if (ln < 1 || classify_source_line(src, x->file, ln, &text, &len))
			continue;
		if (vec_reserve(&x->source, &cap, x->nsource + 1, sizeof(*x->source), 2 * CLASSIFY_REPORT_CONTEXT + 1))
			return no_memory(e);
		l = &x->source[x->nsource];
		if (!(l->text = malloc(len + 1)))
			return no_memory(e);
		memcpy(l->text, text, len);
		l->text[len] = '\0';
		l->len = len;
		l->line = ln;
		x->nsource++;
	}
	return ESC_OK;
}

static void release_site(struct classify_report_site *x)
{
	size_t i;

	free(x->function);
	free(x->package);
	free(x->file);
	free(x->cause);
	free(x->via);
	free(x->evidence);
	free(x->diag_file);
	free(x->message);
	for (i = 0; i < x->nsteps; i++)
		free(x->steps[i].text);
	free(x->steps);
	free(x->source_path);
	for (i = 0; i < x->nsource; i++)
		free(x->source[i].text);
	free(x->source);
}

static enum esc_status read_sites(struct store *s, struct classify_report *r,
				  const struct classify_report_opts *o, struct err *e)
{
	const struct classify_opts *so = o ? o->sources : NULL;
	struct store_report_site *rows;
	struct classify_sources src;
	size_t n, i;
	enum esc_status st;

	if ((st = store_analysis_site_count(s, r->analysis_id, r->ix, &r->nsites_all, e)) ||
	    (st = store_report_sites(s, r->analysis_id, r->ix, o ? o->max_sites : 0, &rows, &n, e)))
		return st;
	if (n && !(r->sites = calloc(n, sizeof(*r->sites)))) {
		store_report_sites_free(rows, n);
		return no_memory(e);
	}
	classify_sources_init(&src, so ? so->source_path : NULL, so ? so->nsource : 0,
			      so ? so->trim_path : NULL);
	for (i = 0; i < n && !st; i++) {
		struct store_report_site *y = &rows[i];
		struct classify_report_site *x = &r->sites[r->nsites++];

		*x = (struct classify_report_site){
			.site_id = y->site_id, .function = take(&y->function), .package = take(&y->package),
			.file = take(&y->file), .line = y->line, .value = y->value, .objects = y->objects,
			.cause = take(&y->cause), .confidence = y->confidence, .via = take(&y->via),
			.evidence = take(&y->evidence), .diag_file = take(&y->diag_file),
			.message = take(&y->message), .diag_line = y->diag_line, .diag_col = y->diag_col,
			.decisive_seq = y->decisive_seq,
		};
		r->shown_value += x->value;
		if (x->message)
			st = read_steps(s, y->build_id, y->diag_id, x, e);
		if (!st)
			st = read_source(&src, x, e);
	}
	classify_sources_release(&src);
	store_report_sites_free(rows, n);
	return st;
}

/* Packages with their causes: the store's rows come a package at a time. */
static enum esc_status read_packages(struct store *s, struct classify_report *r, struct err *e)
{
	struct store_package_cause *rows;
	size_t n, i;
	enum esc_status st;

	if ((st = store_analysis_package_causes(s, r->analysis_id, r->ix, &rows, &n, e)))
		return st;
	if (n && (!(r->shares = calloc(n, sizeof(*r->shares))) ||
		  !(r->packages = calloc(n, sizeof(*r->packages))))) {
		store_package_causes_free(rows, n);
		return no_memory(e);
	}
	for (i = 0; i < n; i++) {
		struct classify_report_package *p = r->npackages ? &r->packages[r->npackages - 1] : NULL;

		if (!p || strcmp(p->name, rows[i].package)) {
			p = &r->packages[r->npackages++];
			p->name = take(&rows[i].package);
			p->total = rows[i].package_total;
			p->causes = &r->shares[r->nshares];
		}
		r->shares[r->nshares++] = (struct classify_report_share){take(&rows[i].cause), rows[i].value};
		p->ncauses++;
	}
	store_package_causes_free(rows, n);
	return ESC_OK;
}

/* The baseline: its profile, totals and causes, the scale between the two durations,
 * the causes by growth and the sites that grew most. */
static enum esc_status read_baseline(struct store *s, struct classify_report *r, int64_t base_profile_id,
				     struct err *e)
{
	struct store_growth_site *rows;
	size_t n, i, j;
	enum esc_status st;

	if ((st = read_profile(s, base_profile_id, r->base_analysis_id, &r->base_profile, e)) ||
	    (st = store_analysis_totals(s, r->base_analysis_id, r->ix, &r->base_totals, e)) ||
	    (st = read_causes(s, r, r->base_analysis_id, 1, e)))
		return st;
	r->base_scale = r->base_profile.duration_nanos > 0 && r->profile.duration_nanos > 0 ?
		(double)r->profile.duration_nanos / (double)r->base_profile.duration_nanos : 1.0;
	for (i = 0; i < r->ncauses; i++) {
		struct classify_report_cause *x = &r->causes[i];

		x->base_scaled = scaled(x->base, r->base_scale);
		x->change = x->value - x->base_scaled;
	}
	if (!(r->by_growth = calloc(r->ncauses + 1, sizeof(*r->by_growth))))
		return no_memory(e);
	/* biggest growth first, by the unrounded change; ties keep the causes' order */
	for (i = 0; i < r->ncauses; i++)
		r->by_growth[i] = i;
	for (i = 1; i < r->ncauses; i++)
		for (j = i; j > 0; j--) {
			const struct classify_report_cause *x = &r->causes[r->by_growth[j - 1]];
			const struct classify_report_cause *y = &r->causes[r->by_growth[j]];
			size_t t = r->by_growth[j];

			if ((double)x->value - r->base_scale * (double)x->base >=
			    (double)y->value - r->base_scale * (double)y->base)
				break;
			r->by_growth[j] = r->by_growth[j - 1];
			r->by_growth[j - 1] = t;
		}
	if ((st = store_analysis_growth_sites(s, r->analysis_id, r->base_analysis_id, r->ix, r->base_scale,
					      CLASSIFY_REPORT_GROWTH_SITES, &rows, &n, e)))
		return st;
	if (n && !(r->growth = calloc(n, sizeof(*r->growth)))) {
		store_growth_sites_free(rows, n);
		return no_memory(e);
	}
	for (i = 0; i < n; i++) {
		struct store_growth_site *y = &rows[i];
		int64_t base = scaled(y->before, r->base_scale);

		r->growth[i] = (struct classify_report_growth_site){
			take(&y->function), take(&y->file_name), take(&y->via), y->line,
			y->cause_now ? take(&y->cause_now) : take(&y->cause_before), y->now, base,
			y->now - base};
	}
	r->ngrowth = n;
	store_growth_sites_free(rows, n);
	return ESC_OK;
}

enum esc_status classify_report_build(struct store *s, int64_t profile_id, int64_t analysis_id,
				      int64_t base_profile_id, int64_t base_analysis_id, int ix,
				      const struct classify_report_opts *o, struct classify_report *r,
				      struct err *e)
{
	enum esc_status st;

	memset(r, 0, sizeof(*r));
	r->ix = ix;
	r->analysis_id = analysis_id;
	r->base_scale = 1.0;
	if ((st = read_profile(s, profile_id, analysis_id, &r->profile, e)) ||
	    (st = store_analysis_totals(s, analysis_id, ix, &r->totals, e)) ||
	    (st = read_builds(s, r, e)) ||
	    (st = read_causes(s, r, analysis_id, 0, e)) ||
	    (st = read_sites(s, r, o, e)) ||
	    (st = read_packages(s, r, e)))
		goto fail;
	for (size_t i = 0; i < r->ncauses; i++)
		r->causes[i].change = r->causes[i].value;
	if (base_analysis_id) {
		r->base_analysis_id = base_analysis_id;
		if ((st = read_baseline(s, r, base_profile_id, e)))
			goto fail;
	}
	if (o->trend) {
		r->trend_by = o->trend_by;
		r->trend_per = o->trend_per;
		if ((st = store_trend(s, o->trend_filter, ix, o->trend_by, &r->trend_rows, &r->ntrend_rows,
				      &r->trend_unanalysed, e)) ||
		    (st = classify_trend(r->trend_rows, r->ntrend_rows, o->trend_per, o->trend_keys, &r->trend, e)))
			goto fail;
	}
	return ESC_OK;
fail:
	classify_report_release(r);
	return st;
}

void classify_report_release(struct classify_report *r)
{
	size_t i;

	release_profile(&r->profile);
	release_profile(&r->base_profile);
	for (i = 0; i < r->nbuilds; i++) {
		free(r->builds[i].name);
		free(r->builds[i].source);
		free(r->builds[i].go_version);
	}
	free(r->builds);
	for (i = 0; i < r->ncauses; i++)
		free(r->causes[i].cause);
	free(r->causes);
	for (i = 0; i < r->npackages; i++)
		free(r->packages[i].name);
	free(r->packages);
	for (i = 0; i < r->nshares; i++)
		free(r->shares[i].cause);
	free(r->shares);
	for (i = 0; i < r->nsites; i++)
		release_site(&r->sites[i]);
	free(r->sites);
	free(r->by_growth);
	classify_trend_release(&r->trend);
	store_trend_rows_free(r->trend_rows, r->ntrend_rows);
	for (i = 0; i < r->ngrowth; i++) {
		free(r->growth[i].function);
		free(r->growth[i].file_name);
		free(r->growth[i].via);
		free(r->growth[i].cause);
	}
	free(r->growth);
	memset(r, 0, sizeof(*r));
	r->base_scale = 1.0;
}
