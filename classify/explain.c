/* explain.c — everything known of the sites at a line or of one site: the stored site,
 * its cause in the taxonomy, the compiler's diagnostic and flow steps, and the other
 * verdicts at its line. A line number alone matches every file, so sites are kept when
 * their file ends in the one asked for, and the other verdicts when their file has the
 * site's base name (the compiler prints paths relative to the build, the profile
 * absolute). */
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "common/paths.h"

static void site_release(struct store_site_row *r)
{
	free(r->function);
	free(r->file);
	free(r->cause);
	free(r->attributed_via);
	free(r->evidence);
}

static void explained_release(struct classify_explained *x)
{
	site_release(&x->site);
	store_diag_row_release(&x->diag);
	store_flow_step_rows_free(x->steps, x->nsteps);
	store_diag_rows_free(x->also, x->nalso);
}

/* keeps the verdicts at the line in a file of the site's base name, but its own */
static void keep_also(struct classify_explained *x, struct store_diag_row *rows, size_t n)
{
	const char *want = path_base(x->site.file);
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if ((rows[i].build_id == x->site.build_id && rows[i].diag_id == x->site.diag_id) ||
		    strcmp(path_base(rows[i].file), want))
			store_diag_row_release(&rows[i]);
		else
			rows[k++] = rows[i];
	}
	x->also = rows;
	x->nalso = k;
}

enum esc_status classify_explain(struct store *s, int64_t analysis_id, int64_t site_id,
				 int64_t line, const char *file, struct classify_explain *x,
				 struct err *e)
{
	struct store_site_row *sites = NULL;
	size_t n = 0, i;
	enum esc_status st;

	memset(x, 0, sizeof(*x));
	st = site_id ? store_site_by_id(s, analysis_id, site_id, &sites, &n, e) :
		       store_sites_at_line(s, analysis_id, line, &sites, &n, e);
	if (st)
		return st;
	if (n && !(x->v = calloc(n, sizeof(*x->v)))) {
		store_site_rows_free(sites, n);
		return err_set(e, ESC_ENOMEM, "out of memory");
	}
	/* the sites change hands one by one: those of other files are dropped */
	for (i = 0; i < n; i++) {
		struct classify_explained *c = &x->v[x->n];
		struct store_site_row *r = &sites[i];

		if (!site_id && file && !path_has_suffix(r->file, file)) {
			site_release(r);
			continue;
		}
		c->site = *r;
		x->n++;
	}
	free(sites);
	for (i = 0; i < x->n; i++) {
		struct classify_explained *c = &x->v[i];
		struct store_diag_row *also;
		size_t nalso;

		c->cause = c->site.cause ? classify_cause_by_id(c->site.cause) : NULL;
		if (c->site.diag_id &&
		    ((st = store_diagnostic(s, c->site.build_id, c->site.diag_id, &c->diag, &c->diag_found, e)) ||
		     (st = store_flow_steps(s, c->site.build_id, c->site.diag_id, &c->steps, &c->nsteps, e))))
			return st;
		if ((st = store_diagnostics_at(s, analysis_id, c->site.line, &also, &nalso, e)))
			return st;
		keep_also(c, also, nalso);
	}
	return ESC_OK;
}

void classify_explain_release(struct classify_explain *x)
{
	size_t i;

	for (i = 0; i < x->n; i++)
		explained_release(&x->v[i]);
	free(x->v);
	memset(x, 0, sizeof(*x));
}
