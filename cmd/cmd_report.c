/* cmd_report.c — `escprof report --html OUT`: one self-contained HTML page for a ticket
 * or a CI run. A summary (profile, builds, Go version, sample type, totals, coverage),
 * inline SVG charts by cause, by package and of the top sites, the growth by cause against
 * a --baseline profile, and a sortable, filterable table of sites whose rows open onto
 * the compiler's flow chain and the source around the line. The page is written to a
 * temporary file renamed into place, so a failed run leaves no half report. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/vec.h"
#include "output/html.h"
#include "classify/classify.h"
#include "cli.h"
#include "common/paths.h"
#include "common/num.h"

static const char usage[] =
	"usage: escprof report --html OUT [--db FILE] [--profile REF] [--build REF]...\n"
	"                      [--baseline REF|FILE] [--baseline-build REF|FILE]...\n"
	"                      [-sample_index TYPE] [-n N] [-source_path DIR]... [-trim_path PREFIX]\n"
	"                      [--title TEXT] [--max-size N] [--max-depth N] [--max-string N]\n"
	"                      [PROFILE [LOG|DIR...]]\n"
	"\n"
	"Writes one HTML file that opens anywhere, offline: the totals and coverage, charts\n"
	"of the bytes by cause, by package and of the top sites, and a table of sites (sort\n"
	"by a column, filter by text or cause, open a row for the compiler's flow chain and\n"
	"the source around the line).\n"
	"\n"
	"With PROFILE (and LOG or -json DIR), works like analyze: in a temporary store, or\n"
	"in --db when given. Without, reports a profile already in --db (the newest, or\n"
	"--profile) with its newest analysis, or one against --build.\n"
	"\n"
	"  --html OUT            the file to write ('-' for standard output)\n"
	"  --profile REF         the stored profile to report (id or name)\n"
	"  --build REF           a stored build to join with (id or name; repeatable)\n"
	"  --baseline REF|FILE   also chart the growth by cause since this profile\n"
	"  --baseline-build REF|FILE  the baseline's compiler output (repeatable; default:\n"
	"                        its newest analysis, else the report's builds)\n"
	"  -sample_index TYPE    alloc_space, alloc_objects, inuse_space or inuse_objects\n"
	"  -n N                  sites in the table, largest first (default 500; 0: all)\n"
	"  -source_path DIR      where to find sources to show around each site\n"
	"  -trim_path PREFIX     strip PREFIX (or one of PREFIX:PREFIX...) from profile paths\n"
	"  --title TEXT          the page's title (default: the profile's name)\n"
	CLI_LIMIT_HELP;

enum {
	OPT_HTML = 0x300, OPT_PROFILE, OPT_BUILD, OPT_BASELINE, OPT_BASELINE_BUILD, OPT_TITLE,
	CHART_SITES = 15,	/* bars in the top-sites chart */
	CHART_PACKAGES = 12,	/* packages charted before "other" */
	SOURCE_CONTEXT = 3,	/* lines shown on each side of a site */
};

struct site {
	int64_t site_id, line, value, objects, build_id, diag_id, decisive, diag_line, diag_col;
	char *function, *package, *file, *cause, *via, *evidence, *diag_file, *message;
	double confidence;
};

struct profile_facts {
	char *name, *source, *sha256, *format, *default_type;
	int64_t time_nanos, duration_nanos;
	int has[STORE_NHEAP];
	int64_t totals[STORE_NHEAP];
};

struct build_facts {
	int64_t id;
	char *name, *source, *go_version;
};

struct cause_sum {
	char *cause;
	int64_t value, sites, objects, base;
};

struct rep {
	struct cli *c;
	struct store *s;
	FILE *f;
	int ix;
	int64_t pid, aid, base_pid, base_aid;
	double base_scale;
	const char *base_label;
	struct store_totals t, base_t;
	struct profile_facts p, base_p;
	struct build_facts *b;
	size_t nb, capb;
	struct site *sites;
	size_t nsites, capsites;
	int64_t all_sites, shown_value;
	struct cause_sum *causes;
	size_t ncauses, capcauses;
	struct classify_sources src;
};

static char *vdup(const struct store_value *v)
{
	return v->type == STORE_TEXT ? strndup(v->s, v->len) : NULL;
}

static int64_t vint(const struct store_value *v)
{
	return v->type == STORE_INT ? v->i : 0;
}


/* ---- reading the store ---------------------------------------------------------------- */

static int take_facts(void *ctx, size_t ncols, const char *const *names, const struct store_value *v)
{
	struct profile_facts *p = ctx;

	(void)ncols;
	(void)names;
	if (!v)
		return 0;
	p->name = vdup(&v[0]);
	p->source = vdup(&v[1]);
	p->sha256 = vdup(&v[2]);
	p->format = vdup(&v[3]);
	p->time_nanos = vint(&v[4]);
	p->duration_nanos = vint(&v[5]);
	p->default_type = vdup(&v[6]);
	return 0;
}

static int take_totals4(void *ctx, size_t ncols, const char *const *names, const struct store_value *v)
{
	struct profile_facts *p = ctx;
	int i;

	(void)ncols;
	(void)names;
	for (i = 0; v && i < STORE_NHEAP; i++)
		p->totals[i] = vint(&v[i]);
	return 0;
}

static enum esc_status read_facts(struct rep *r, int64_t pid, int64_t aid, struct profile_facts *p,
				  struct err *e)
{
	char sql[512];
	enum esc_status st;

	snprintf(sql, sizeof(sql), "SELECT name, source, sha256, format, time_nanos, duration_nanos,"
		 " default_sample_type FROM profiles WHERE profile_id = %" PRId64, pid);
	if (store_query(r->s, sql, take_facts, p, e))
		return e->status ? e->status : ESC_EDB;
	if ((st = store_heap_types_of(r->s, pid, p->has, e)))
		return st;
	snprintf(sql, sizeof(sql), "SELECT coalesce(sum(alloc_objects), 0), coalesce(sum(alloc_space), 0),"
		 " coalesce(sum(inuse_objects), 0), coalesce(sum(inuse_space), 0) FROM alloc_site"
		 " WHERE analysis_id = %" PRId64, aid);
	if (store_query(r->s, sql, take_totals4, p, e))
		return e->status ? e->status : ESC_EDB;
	return ESC_OK;
}

static void release_facts(struct profile_facts *p)
{
	free(p->name);
	free(p->source);
	free(p->sha256);
	free(p->format);
	free(p->default_type);
}

static int take_build(void *ctx, size_t ncols, const char *const *names, const struct store_value *v)
{
	struct rep *r = ctx;
	struct build_facts *b;

	(void)ncols;
	(void)names;
	if (!v)
		return 0;
	if (vec_reserve(&r->b, &r->capb, r->nb + 1, sizeof(*r->b), 4))
		return ESC_ENOMEM;
	b = &r->b[r->nb++];
	b->id = v[0].i;
	b->name = vdup(&v[1]);
	b->source = vdup(&v[2]);
	b->go_version = vdup(&v[3]);
	return 0;
}

static int take_site(void *ctx, size_t ncols, const char *const *names, const struct store_value *v)
{
	struct rep *r = ctx;
	struct site *x;

	(void)ncols;
	(void)names;
	if (!v)
		return 0;
	if (vec_reserve(&r->sites, &r->capsites, r->nsites + 1, sizeof(*r->sites), 64))
		return ESC_ENOMEM;
	x = &r->sites[r->nsites++];
	memset(x, 0, sizeof(*x));
	x->site_id = v[0].i;
	x->function = vdup(&v[1]);
	x->package = vdup(&v[2]);
	x->file = vdup(&v[3]);
	x->line = v[4].i;
	x->value = vint(&v[5]);
	x->objects = vint(&v[6]);
	x->cause = vdup(&v[7]);
	x->confidence = v[8].r;
	x->build_id = vint(&v[9]);
	x->diag_id = vint(&v[10]);
	x->via = vdup(&v[11]);
	x->decisive = vint(&v[12]);
	x->evidence = vdup(&v[13]);
	x->diag_file = vdup(&v[14]);
	x->diag_line = vint(&v[15]);
	x->diag_col = vint(&v[16]);
	x->message = vdup(&v[17]);
	if (!x->function || !x->file || !x->cause)
		return ESC_ENOMEM;
	return 0;
}

/* Causes of the analysis (side 0) or the baseline's (side 1), merged by name. */
struct cause_fill {
	struct rep *r;
	int side;
};

static int take_cause(void *ctx, size_t ncols, const char *const *names, const struct store_value *v)
{
	struct cause_fill *cf = ctx;
	struct rep *r = cf->r;
	struct cause_sum *x = NULL;
	size_t i;

	(void)ncols;
	(void)names;
	if (!v)
		return 0;
	for (i = 0; i < r->ncauses; i++)
		if (strlen(r->causes[i].cause) == v[0].len && !memcmp(r->causes[i].cause, v[0].s, v[0].len))
			x = &r->causes[i];
	if (!x) {
		if (vec_reserve(&r->causes, &r->capcauses, r->ncauses + 1, sizeof(*r->causes), 8))
			return ESC_ENOMEM;
		x = &r->causes[r->ncauses++];
		memset(x, 0, sizeof(*x));
		if (!(x->cause = vdup(&v[0])))
			return ESC_ENOMEM;
	}
	if (cf->side)
		x->base = v[1].i;
	else {
		x->value = v[1].i;
		x->sites = v[2].i;
		x->objects = v[3].i;
	}
	return 0;
}

/* The query of an analysis's causes, biggest first: cause, value, sites (those with a
 * value), objects; every cause with a value, and unknown always. */
static void causes_sql(char *sql, size_t n, int64_t analysis, int ix)
{
	const char *col = store_heap_types[ix];

	snprintf(sql, n,
		 "SELECT cause, coalesce(sum(%s), 0), count(nullif(%s, 0)), coalesce(sum(%s), 0) FROM alloc_site"
		 " WHERE analysis_id = %" PRId64 " GROUP BY cause HAVING sum(%s) != 0 OR cause = 'unknown'"
		 " UNION ALL SELECT 'unknown', 0, 0, 0 WHERE NOT EXISTS (SELECT 1 FROM alloc_site"
		 " WHERE analysis_id = %" PRId64 " AND cause = 'unknown') ORDER BY 2 DESC, 1",
		 col, col, store_heap_types[store_heap_objects_of(ix)], analysis, col, analysis);
}

static enum esc_status read_report(struct rep *r, int n, struct err *e)
{
	const char *col = store_heap_types[r->ix], *obj = store_heap_types[store_heap_objects_of(r->ix)];
	char sql[2048], limit[32] = "";
	struct cause_fill cf = {r, 0};

	if (read_facts(r, r->pid, r->aid, &r->p, e))
		return e->status;
	if (store_analysis_totals(r->s, r->aid, r->ix, &r->t, e))
		return e->status;
	snprintf(sql, sizeof(sql),
		 "SELECT b.build_id, b.name, b.source, b.go_version FROM builds b JOIN analysis a"
		 " ON a.id = %" PRId64 " AND (',' || a.builds || ',') LIKE ('%%,' || b.build_id || ',%%')"
		 " ORDER BY b.build_id", r->aid);
	if (store_query(r->s, sql, take_build, r, e))
		return e->status ? e->status : ESC_EDB;
	causes_sql(sql, sizeof(sql), r->aid, r->ix);
	if (store_query(r->s, sql, take_cause, &cf, e))
		return e->status ? e->status : ESC_EDB;
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM alloc_site WHERE analysis_id = %" PRId64
		 " AND %s != 0", r->aid, col);
	if (store_query(r->s, sql, cli_take_int, &r->all_sites, e))
		return e->status ? e->status : ESC_EDB;
	if (n > 0)
		snprintf(limit, sizeof(limit), " LIMIT %d", n);
	snprintf(sql, sizeof(sql),
		 "SELECT s.site_id, s.function, s.package, s.file, s.line, s.%s, s.%s, s.cause,"
		 " s.confidence, s.build_id, s.diag_id, s.attributed_via, s.decisive_seq, s.evidence,"
		 " d.file, d.line, d.col, d.message FROM alloc_site s LEFT JOIN diagnostic d"
		 " ON d.build_id = s.build_id AND d.diag_id = s.diag_id WHERE s.analysis_id = %" PRId64
		 " AND s.%s != 0 ORDER BY s.%s DESC, s.file, s.line, s.site_id%s",
		 col, obj, r->aid, col, col, limit);
	if (store_query(r->s, sql, take_site, r, e))
		return e->status ? e->status : ESC_EDB;
	for (size_t i = 0; i < r->nsites; i++)
		r->shown_value += r->sites[i].value;
	if (r->base_aid) {
		cf.side = 1;
		if (read_facts(r, r->base_pid, r->base_aid, &r->base_p, e) ||
		    store_analysis_totals(r->s, r->base_aid, r->ix, &r->base_t, e))
			return e->status;
		causes_sql(sql, sizeof(sql), r->base_aid, r->ix);
		if (store_query(r->s, sql, take_cause, &cf, e))
			return e->status ? e->status : ESC_EDB;
		r->base_scale = r->base_p.duration_nanos > 0 && r->p.duration_nanos > 0 ?
			(double)r->p.duration_nanos / (double)r->base_p.duration_nanos : 1.0;
	}
	return ESC_OK;
}

static void release_report(struct rep *r)
{
	size_t i;

	release_facts(&r->p);
	release_facts(&r->base_p);
	for (i = 0; i < r->nb; i++) {
		free(r->b[i].name);
		free(r->b[i].source);
		free(r->b[i].go_version);
	}
	free(r->b);
	for (i = 0; i < r->nsites; i++) {
		struct site *x = &r->sites[i];

		free(x->function);
		free(x->package);
		free(x->file);
		free(x->cause);
		free(x->via);
		free(x->evidence);
		free(x->diag_file);
		free(x->message);
	}
	free(r->sites);
	for (i = 0; i < r->ncauses; i++)
		free(r->causes[i].cause);
	free(r->causes);
}

/* ---- writing the page ----------------------------------------------------------------- */

/* Counts with thousands separators (a heap profile counts objects in the billions). */
static const char *count_of(char *buf, int64_t v)
{
	char digits[32];
	size_t n, i, k = 0;
	int neg = v < 0;

	snprintf(digits, sizeof(digits), "%" PRId64, v);
	n = strlen(digits + neg);
	if (neg)
		buf[k++] = '-';
	for (i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			buf[k++] = ',';
		buf[k++] = digits[neg + i];
	}
	buf[k] = '\0';
	return buf;
}

/* A value of sample type ix, in a 32-byte buf. */
static const char *size_of(char *buf, int64_t v, int ix)
{
	return store_heap_is_bytes(ix) ? out_size(buf, 32, v, 1) : count_of(buf, v);
}


static void write_time(FILE *f, int64_t nanos)
{
	time_t t = (time_t)(nanos / 1000000000);
	struct tm tm;
	char buf[64];

	if (nanos > 0 && gmtime_r(&t, &tm) && strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", &tm))
		fputs(buf, f);
	else
		fputs("not recorded", f);
}

static void write_stat(FILE *f, const char *value, const char *what, double meter)
{
	fputs("<div class=\"stat\"><b>", f);
	html_str(f, value);
	fputs("</b><span>", f);
	html_str(f, what);
	fputs("</span>", f);
	if (meter >= 0)
		fprintf(f, "<div class=\"meter\"><i style=\"width:%.1f%%\"></i></div>", meter);
	fputs("</div>\n", f);
}

static void write_summary(struct rep *r)
{
	FILE *f = r->f;
	char b[32], w[96];
	size_t i;
	int k, first = 1;

	fputs("<section id=\"summary\">\n<div class=\"grid\">\n", f);
	snprintf(w, sizeof(w), "%s, in total", store_heap_types[r->ix]);
	write_stat(f, size_of(b, r->t.total, r->ix), w, -1);
	if (store_heap_is_bytes(r->ix)) {
		snprintf(w, sizeof(w), "%s", store_heap_types[store_heap_objects_of(r->ix)]);
		write_stat(f, count_of(b, r->t.objects), w, -1);
	}
	snprintf(b, sizeof(b), "%" PRId64, r->all_sites);
	write_stat(f, b, "allocation sites", -1);
	snprintf(b, sizeof(b), "%.1f%%", num_pct(r->t.attributed, r->t.total));
	write_stat(f, b, "attributed to a cause", num_pct(r->t.attributed, r->t.total));
	snprintf(b, sizeof(b), "%.1f%%", num_pct(r->t.joined, r->t.total));
	write_stat(f, b, "joined to a compiler diagnostic", num_pct(r->t.joined, r->t.total));
	fputs("</div>\n<dl class=\"facts\">\n<dt>profile</dt><dd>", f);
	html_str(f, r->p.name);
	if (r->p.source && (!r->p.name || strcmp(r->p.name, r->p.source))) {
		fputs(" (", f);
		html_str(f, r->p.source);
		fputs(")", f);
	}
	fputs(", ", f);
	html_str(f, r->p.format);
	fprintf(f, ", id %" PRId64 "</dd>\n<dt>taken</dt><dd>", r->pid);
	write_time(f, r->p.time_nanos);
	fputs("</dd>\n<dt>sha256</dt><dd><code>", f);
	html_str(f, r->p.sha256);
	fputs("</code></dd>\n<dt>sample type</dt><dd><b>", f);
	fputs(store_heap_types[r->ix], f);
	fputs("</b>", f);
	for (k = 0; k < STORE_NHEAP; k++) {
		if (k == r->ix || !r->p.has[k])
			continue;
		fprintf(f, "%s%s %s", first ? " &middot; also in the profile: " : ", ",
			store_heap_types[k], size_of(b, r->p.totals[k], k));
		first = 0;
	}
	if (!first)
		fputs(" (<code>-sample_index</code> reports another)", f);
	fputs("</dd>\n<dt>builds</dt><dd>", f);
	if (!r->nb)
		fputs("none", f);
	for (i = 0; i < r->nb; i++) {
		fputs(i ? "<br>" : "", f);
		html_str(f, r->b[i].name);
		fprintf(f, " (id %" PRId64 ")", r->b[i].id);
		if (r->b[i].source && (!r->b[i].name || strcmp(r->b[i].name, r->b[i].source))) {
			fputs(" from ", f);
			html_str(f, r->b[i].source);
		}
	}
	fputs("</dd>\n<dt>Go version</dt><dd>", f);
	for (i = 0, first = 1; i < r->nb; i++)
		if (r->b[i].go_version && r->b[i].go_version[0]) {
			fputs(first ? "" : ", ", f);
			html_str(f, r->b[i].go_version);
			first = 0;
		}
	if (first)
		fputs(r->nb ? "not recorded in the compiler output" : "unknown (no compiler output)", f);
	fputs("</dd>\n", f);
	if (r->base_aid) {
		fputs("<dt>baseline</dt><dd>", f);
		html_str(f, r->base_p.name);
		fprintf(f, " (id %" PRId64 "): %s</dd>\n", r->base_pid, size_of(b, r->base_t.total, r->ix));
	}
	fputs("</dl>\n", f);
	if (!r->nb)
		fputs("<p class=\"note\" id=\"no-build\">No compiler output was joined with this profile, so "
		      "the causes come from the profile alone: the runtime and library functions an "
		      "allocation went through (append and map growth, string building, reflection, "
		      "goroutine stacks) and, with <code>-source_path</code>, the source lines that "
		      "append or store into a map. Everything else is <b>unknown</b>. Give the output of "
		      "<code>go build -gcflags='-m -m'</code> to learn why the rest escaped.</p>\n", f);
	fputs("</section>\n", f);
}

static void cause_tip(char *buf, size_t n, const char *cause, int64_t v, int64_t total, int ix)
{
	char b[32];

	snprintf(buf, n, "%s: %s (%.1f%%)", cause, size_of(b, v, ix), num_pct(v, total));
}

static void write_causes(struct rep *r)
{
	FILE *f = r->f;
	struct html_bar *bars = calloc(r->ncauses + 1, sizeof(*bars));
	struct html_seg *segs = calloc(r->ncauses + 1, sizeof(*segs));
	char (*texts)[64] = calloc(r->ncauses + 1, sizeof(*texts));
	char b[32], o[32];
	size_t i, n = 0;

	if (!bars || !segs || !texts)
		goto out;
	fprintf(f, "<section id=\"causes\">\n<h2>Where the %s go, by cause</h2>\n",
		store_heap_is_bytes(r->ix) ? "bytes" : "objects");
	for (i = 0; i < r->ncauses; i++) {
		const struct cause_sum *x = &r->causes[i];

		if (!x->value && !x->sites && strcmp(x->cause, "unknown"))
			continue;	/* only in the baseline */
		snprintf(texts[n], sizeof(texts[n]), "%s  %.1f%%", size_of(b, x->value, r->ix),
			 num_pct(x->value, r->t.total));
		segs[n] = (struct html_seg){x->value, html_cause_class(x->cause), NULL};
		bars[n] = (struct html_bar){x->cause, strlen(x->cause), texts[n], "cause", x->cause,
					    &segs[n], 1};
		n++;
	}
	html_bar_chart(f, "chart-cause", store_heap_is_bytes(r->ix) ? "bytes by cause" : "objects by cause", bars, n);
	fputs("<table class=\"legend\">\n<thead><tr><th>cause</th><th>what it means</th>"
	      "<th class=\"num\">value</th><th class=\"num\">%</th><th class=\"num\">sites</th>"
	      "<th class=\"num\">objects</th><th>the fix</th></tr></thead>\n<tbody>\n", f);
	for (i = 0; i < r->ncauses; i++) {
		const struct cause_sum *x = &r->causes[i];
		const struct classify_cause *cc = classify_cause_by_id(x->cause);

		if (!x->value && !x->sites && strcmp(x->cause, "unknown"))
			continue;
		fprintf(f, "<tr data-cause=\"");
		html_str(f, x->cause);
		fprintf(f, "\"><td class=\"cz\"><span class=\"sw %s\"></span>", html_cause_class(x->cause));
		html_str(f, x->cause);
		fputs("</td><td>", f);
		html_str(f, cc ? cc->title : "");
		fprintf(f, "</td><td class=\"num\">%s</td><td class=\"num\">%.1f%%</td>"
			"<td class=\"num\">%" PRId64 "</td><td class=\"num\">%s</td><td class=\"hint\">",
			size_of(b, x->value, r->ix), num_pct(x->value, r->t.total), x->sites,
			count_of(o, x->objects));
		html_str(f, cc ? cc->hint : "");
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody></table>\n</section>\n", f);
out:
	free(bars);
	free(segs);
	free(texts);
}

/* Packages, biggest first, each bar split by cause; the rest summed into one bar. */
struct pkg_seg {
	int64_t value;
	char *cause;
	char tip[128];
};

struct pkg_acc {
	char *names[CHART_PACKAGES];	/* "" for sites with no package */
	int64_t totals[CHART_PACKAGES];
	size_t first[CHART_PACKAGES + 1];	/* each package's first segment */
	size_t npkgs;
	struct pkg_seg *segs;
	size_t nsegs, capsegs;
	char *last;			/* the package of the previous row */
	int64_t other_pkgs, other_value;
};

static int take_pkg(void *ctx, size_t ncols, const char *const *names, const struct store_value *v)
{
	struct pkg_acc *a = ctx;
	struct pkg_seg *x;

	(void)ncols;
	(void)names;
	if (!v)
		return 0;
	/* package, cause, value, package total; a package's rows come together */
	if (!a->last || strlen(a->last) != v[0].len || memcmp(a->last, v[0].s, v[0].len)) {
		free(a->last);
		if (!(a->last = vdup(&v[0])))
			return ESC_ENOMEM;
		if (a->npkgs == CHART_PACKAGES) {
			a->other_pkgs++;
			a->other_value += v[3].i;
			return 0;
		}
		if (!(a->names[a->npkgs] = vdup(&v[0])))
			return ESC_ENOMEM;
		a->first[a->npkgs] = a->nsegs;
		a->totals[a->npkgs++] = v[3].i;
	} else if (a->other_pkgs) {
		return 0;	/* a further cause of a package summed into "other" */
	}
	if (vec_reserve(&a->segs, &a->capsegs, a->nsegs + 1, sizeof(*a->segs), 16))
		return ESC_ENOMEM;
	x = &a->segs[a->nsegs++];
	x->value = v[2].i;
	x->tip[0] = '\0';
	if (!(x->cause = vdup(&v[1])))
		return ESC_ENOMEM;
	return 0;
}

static enum esc_status write_packages(struct rep *r, struct err *e)
{
	const char *col = store_heap_types[r->ix];
	struct pkg_acc a = {0};
	struct html_bar bars[CHART_PACKAGES + 1];
	struct html_seg *segs = NULL, other;
	char sql[1024], b[32], texts[CHART_PACKAGES + 1][48], label[64];
	enum esc_status st = ESC_OK;
	size_t i, n;

	snprintf(sql, sizeof(sql),
		 "SELECT p, cause, v, pt FROM (SELECT coalesce(package, '') AS p, cause, sum(%s) AS v,"
		 " sum(sum(%s)) OVER (PARTITION BY coalesce(package, '')) AS pt FROM alloc_site"
		 " WHERE analysis_id = %" PRId64 " GROUP BY 1, 2) WHERE v != 0 ORDER BY pt DESC, p, v DESC",
		 col, col, r->aid);
	if (store_query(r->s, sql, take_pkg, &a, e)) {
		st = e->status ? e->status : ESC_EDB;
		goto out;
	}
	a.first[a.npkgs] = a.nsegs;
	if (!(segs = calloc(a.nsegs + 1, sizeof(*segs)))) {
		st = err_set(e, ESC_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < a.nsegs; i++) {
		cause_tip(a.segs[i].tip, sizeof(a.segs[i].tip), a.segs[i].cause, a.segs[i].value,
			  r->t.total, r->ix);
		segs[i] = (struct html_seg){a.segs[i].value, html_cause_class(a.segs[i].cause), a.segs[i].tip};
	}
	for (n = 0; n < a.npkgs; n++) {
		const char *name = a.names[n][0] ? a.names[n] : "(no package)";

		snprintf(texts[n], sizeof(texts[n]), "%s  %.1f%%", size_of(b, a.totals[n], r->ix),
			 num_pct(a.totals[n], r->t.total));
		bars[n] = (struct html_bar){name, strlen(name), texts[n], a.names[n][0] ? "q" : NULL,
					    a.names[n], &segs[a.first[n]], a.first[n + 1] - a.first[n]};
	}
	if (a.other_pkgs) {
		snprintf(label, sizeof(label), "(%" PRId64 " other packages)", a.other_pkgs);
		other = (struct html_seg){a.other_value, html_cause_class(NULL), NULL};
		snprintf(texts[n], sizeof(texts[n]), "%s  %.1f%%", size_of(b, a.other_value, r->ix),
			 num_pct(a.other_value, r->t.total));
		bars[n] = (struct html_bar){label, strlen(label), texts[n], NULL, NULL, &other, 1};
		n++;
	}
	fputs("<section id=\"packages\">\n<h2>By package</h2>\n", r->f);
	if (n)
		html_bar_chart(r->f, "chart-package", store_heap_is_bytes(r->ix) ?
			       "bytes by package, split by cause" : "objects by package, split by cause", bars, n);
	else
		fputs("<p>Nothing was allocated.</p>\n", r->f);
	fputs("</section>\n", r->f);
out:
	for (i = 0; i < a.npkgs; i++)
		free(a.names[i]);
	for (i = 0; i < a.nsegs; i++)
		free(a.segs[i].cause);
	free(a.segs);
	free(a.last);
	free(segs);
	return st;
}

/* A source line of the top-sites chart: its alloc_site rows (causes, dependencies)
 * added up, one segment per cause. */
enum { LINE_CAUSES = 6 };
struct top_line {
	const struct site *first;	/* its biggest row: names the line, opens on click */
	int64_t value;
	struct html_seg segs[LINE_CAUSES];
	size_t nsegs;
};

static int same_line(const struct site *a, const struct site *b)
{
	return a->line == b->line && !strcmp(a->function, b->function) && !strcmp(a->file, b->file);
}

static int by_line_value(const void *a, const void *b)
{
	const struct top_line *x = a, *y = b;

	return x->value != y->value ? (x->value < y->value ? 1 : -1) : 0;
}

/* The largest source lines, each once (a line allocating through several dependencies
 * or for several causes is one bar, split by cause). */
static void write_top_sites(struct rep *r)
{
	struct top_line *lines = calloc(r->nsites + 1, sizeof(*lines));
	size_t nl = 0, n, i, k;
	struct html_bar bars[CHART_SITES];
	char labels[CHART_SITES][512], texts[CHART_SITES][48], ids[CHART_SITES][24], b[32];

	fputs("<section id=\"top\">\n<h2>Top sites</h2>\n", r->f);
	if (!lines || !r->nsites) {
		fputs("<p>Nothing was allocated.</p>\n</section>\n", r->f);
		free(lines);
		return;
	}
	for (i = 0; i < r->nsites; i++) {
		const struct site *x = &r->sites[i];

		for (k = 0; k < nl && !same_line(lines[k].first, x); k++)
			;
		if (k == nl)
			lines[nl++].first = x;
		lines[k].value += x->value;
		for (n = 0; n < lines[k].nsegs && strcmp(lines[k].segs[n].tip, x->cause); n++)
			;
		if (n == lines[k].nsegs && n < LINE_CAUSES)
			lines[k].segs[lines[k].nsegs++] = (struct html_seg){0, html_cause_class(x->cause), x->cause};
		if (n < LINE_CAUSES)
			lines[k].segs[n].value += x->value;
	}
	qsort(lines, nl, sizeof(*lines), by_line_value);
	n = nl < CHART_SITES ? nl : CHART_SITES;
	for (i = 0; i < n; i++) {
		const struct site *x = lines[i].first;

		snprintf(labels[i], sizeof(labels[i]), "%s %s:%" PRId64, x->function, path_base(x->file), x->line);
		snprintf(texts[i], sizeof(texts[i]), "%s  %.1f%%", size_of(b, lines[i].value, r->ix),
			 num_pct(lines[i].value, r->t.total));
		snprintf(ids[i], sizeof(ids[i]), "%" PRId64, x->site_id);
		bars[i] = (struct html_bar){labels[i], strlen(labels[i]), texts[i], "site", ids[i],
					    lines[i].segs, lines[i].nsegs};
	}
	html_bar_chart(r->f, "chart-sites", "the largest allocation sites, coloured by cause", bars, n);
	fputs("</section>\n", r->f);
	free(lines);
}

/* The sites that grew most since the baseline. A site is its function, file name, line
 * and the dependency it allocated in: file names rather than paths, so that builds in
 * different directories (or Go versions in different GOROOTs) still meet. */
enum { GROWTH_SITES = 15 };

struct growth_out {
	struct rep *r;
	int rows;
};

static int write_growth_site(void *ctx, size_t ncols, const char *const *names,
			     const struct store_value *v)
{
	struct growth_out *o = ctx;
	struct rep *r = o->r;
	FILE *f = r->f;
	char b1[32], b2[32], b3[32];
	const struct store_value *cause;
	int64_t base, d;

	(void)ncols;
	(void)names;
	if (!v)
		return 0;
	/* function, file name, line, via, cause now, cause before, now, before */
	cause = v[4].type == STORE_TEXT ? &v[4] : &v[5];
	base = (int64_t)((double)v[7].i * r->base_scale + 0.5);
	d = v[6].i - base;
	if (!o->rows++)
		fprintf(f, "<h3>The sites that grew most</h3>\n<table class=\"legend\" id=\"growth-sites\">\n"
			"<thead><tr><th>function</th><th>file:line</th><th>cause</th><th class=\"num\">baseline</th>"
			"<th class=\"num\">now</th><th class=\"num\">change</th></tr></thead>\n<tbody>\n");
	fputs("<tr data-function=\"", f);
	html_text(f, v[0].s, v[0].len);
	fputs("\" data-file=\"", f);
	html_text(f, v[1].s, v[1].len);
	fprintf(f, "\" data-line=\"%" PRId64 "\" data-base=\"%" PRId64 "\" data-now=\"%" PRId64
		"\" data-delta=\"%" PRId64 "\"><td>", v[2].i, base, v[6].i, d);
	html_text(f, v[0].s, v[0].len);
	if (v[3].len) {
		fputs(" <small>&rarr; ", f);
		html_text(f, v[3].s, v[3].len);
		fputs("</small>", f);
	}
	fputs("</td><td>", f);
	html_text(f, v[1].s, v[1].len);
	fprintf(f, ":%" PRId64 "</td><td class=\"cz\"><span class=\"sw %s\"></span>", v[2].i,
		html_cause_class(cause->type == STORE_TEXT ? (const char *)cause->s : NULL));
	if (cause->type == STORE_TEXT)
		html_text(f, cause->s, cause->len);
	fprintf(f, "</td><td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"num grow\">+%s</td></tr>\n",
		size_of(b1, base, r->ix), size_of(b2, v[6].i, r->ix), size_of(b3, d, r->ix));
	return 0;
}

static enum esc_status write_growth_sites(struct rep *r, struct err *e)
{
	const char *col = store_heap_types[r->ix];
	struct growth_out o = {r, 0};
	char sql[2048], scale[32];

	snprintf(scale, sizeof(scale), "%.17g", r->base_scale);
	snprintf(sql, sizeof(sql),
		 "SELECT function, b, line, via, max(CASE WHEN a = %" PRId64 " THEN cause END),"
		 " max(CASE WHEN a = %" PRId64 " THEN cause END), sum(CASE WHEN a = %" PRId64 " THEN v ELSE 0 END) AS now,"
		 " sum(CASE WHEN a = %" PRId64 " THEN v ELSE 0 END) AS base FROM (SELECT analysis_id AS a, function,"
		 " replace(file, rtrim(file, replace(file, '/', '')), '') AS b, line,"
		 " coalesce(attributed_via, '') AS via, cause, %s AS v FROM alloc_site WHERE analysis_id IN (%"
		 PRId64 ", %" PRId64 ")) GROUP BY function, b, line, via HAVING now - %s * base >= 0.5"
		 " ORDER BY now - %s * base DESC, function, b, line, via LIMIT %d",
		 r->aid, r->aid, r->aid, r->base_aid, col, r->aid, r->base_aid, scale, scale, GROWTH_SITES);
	/* the cause shown is the site's cause now, else the one it had */
	if (store_query(r->s, sql, write_growth_site, &o, e))
		return e->status ? e->status : ESC_EDB;
	if (o.rows)
		fputs("</tbody></table>\n", r->f);
	else
		fputs("<p>No site grew.</p>\n", r->f);
	return ESC_OK;
}

static enum esc_status write_growth(struct rep *r, struct err *e)
{
	enum esc_status st = ESC_OK;
	FILE *f = r->f;
	struct html_bar *bars = calloc(r->ncauses + 1, sizeof(*bars));
	struct html_seg *segs = calloc(r->ncauses + 1, sizeof(*segs));
	char (*texts)[48] = calloc(r->ncauses + 1, sizeof(*texts));
	char (*tips)[80] = calloc(r->ncauses + 1, sizeof(*tips));
	size_t *order = calloc(r->ncauses + 1, sizeof(*order));
	char b1[32], b2[32], b3[32];
	size_t i, j, n = 0;

	if (!bars || !segs || !texts || !tips || !order) {
		st = err_set(e, ESC_ENOMEM, "out of memory");
		goto out;
	}
	/* biggest growth first */
	for (i = 0; i < r->ncauses; i++)
		order[i] = i;
	for (i = 1; i < r->ncauses; i++)
		for (j = i; j > 0; j--) {
			const struct cause_sum *x = &r->causes[order[j - 1]], *y = &r->causes[order[j]];
			double dx = (double)x->value - r->base_scale * (double)x->base;
			double dy = (double)y->value - r->base_scale * (double)y->base;

			if (dx >= dy)
				break;
			size_t t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	fputs("<section id=\"growth\">\n<h2>Growth by cause since the baseline</h2>\n<p class=\"sub\">", f);
	{
		/* two files of one name are told apart by their paths */
		int same = r->base_p.name && r->p.name && !strcmp(r->base_p.name, r->p.name);

		html_str(f, same ? r->base_p.source : r->base_p.name);
		fprintf(f, " &rarr; ");
		html_str(f, same ? r->p.source : r->p.name);
	}
	fprintf(f, ": %s &rarr; %s", size_of(b1, r->base_t.total, r->ix), size_of(b2, r->t.total, r->ix));
	if (r->base_scale != 1.0)
		fprintf(f, "; the baseline is scaled by %.4g to this profile's duration", r->base_scale);
	fputs("</p>\n", f);
	for (i = 0; i < r->ncauses; i++) {
		const struct cause_sum *x = &r->causes[order[i]];
		int64_t base = (int64_t)((double)x->base * r->base_scale + 0.5), d = x->value - base;

		if (!x->value && !x->base)
			continue;
		snprintf(texts[n], sizeof(texts[n]), "%s%s", d > 0 ? "+" : d < 0 ? "\xe2\x88\x92" : "\xc2\xb1",
			 size_of(b1, d < 0 ? -d : d, r->ix));
		snprintf(tips[n], sizeof(tips[n]), "%s \xe2\x86\x92 %s", size_of(b2, base, r->ix),
			 size_of(b3, x->value, r->ix));
		segs[n] = (struct html_seg){d, html_cause_class(x->cause), tips[n]};
		bars[n] = (struct html_bar){x->cause, strlen(x->cause), texts[n], "cause", x->cause, &segs[n], 1};
		n++;
	}
	html_bar_chart(f, "chart-growth", "growth by cause since the baseline", bars, n);
	fputs("<table class=\"legend\" id=\"growth-table\">\n<thead><tr><th>cause</th><th class=\"num\">baseline</th>"
	      "<th class=\"num\">now</th><th class=\"num\">change</th></tr></thead>\n<tbody>\n", f);
	for (i = 0; i < r->ncauses; i++) {
		const struct cause_sum *x = &r->causes[order[i]];
		int64_t base = (int64_t)((double)x->base * r->base_scale + 0.5), d = x->value - base;

		if (!x->value && !x->base)
			continue;
		fputs("<tr data-cause=\"", f);
		html_str(f, x->cause);
		fprintf(f, "\" data-base=\"%" PRId64 "\" data-now=\"%" PRId64 "\" data-delta=\"%" PRId64 "\">"
			"<td><span class=\"sw %s\"></span>", base, x->value, d, html_cause_class(x->cause));
		html_str(f, x->cause);
		fprintf(f, "</td><td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"num %s\">%s%s</td></tr>\n",
			size_of(b1, base, r->ix), size_of(b2, x->value, r->ix),
			d > 0 ? "grow" : d < 0 ? "shrink" : "", d > 0 ? "+" : d < 0 ? "\xe2\x88\x92" : "",
			size_of(b3, d < 0 ? -d : d, r->ix));
	}
	fputs("</tbody></table>\n", f);
	st = write_growth_sites(r, e);
	fputs("</section>\n", f);
out:
	free(bars);
	free(segs);
	free(texts);
	free(tips);
	free(order);
	return st;
}

struct flow_out {
	FILE *f;
	int64_t decisive;
};

static int write_step(void *ctx, size_t ncols, const char *const *names, const struct store_value *v)
{
	struct flow_out *o = ctx;
	int flow;

	(void)ncols;
	(void)names;
	if (!v)
		return 0;
	/* seq, text, kind; the compiler indents the lines under a flow: line */
	flow = v[2].len == 4 && !memcmp(v[2].s, "flow", 4);
	fputs(v[0].i == o->decisive ? "<mark>" : "", o->f);
	fputs(flow ? "  " : "    ", o->f);
	html_text(o->f, v[1].s, v[1].len);
	fputs(v[0].i == o->decisive ? "</mark>" : "\n", o->f);
	return 0;
}

static enum esc_status write_detail(struct rep *r, const struct site *x, struct err *e)
{
	const struct classify_cause *cc = classify_cause_by_id(x->cause);
	FILE *f = r->f;
	char sql[512];
	int64_t ln;

	fputs("<tr class=\"detail\" hidden><td colspan=\"7\">\n<div><b>", f);
	html_str(f, x->cause);
	fputs("</b>", f);
	if (cc) {
		fputs(": ", f);
		html_str(f, cc->title);
	}
	fprintf(f, " (confidence %.2f)", x->confidence);
	if (x->evidence) {
		fputs(" &mdash; ", f);
		html_str(f, x->evidence);
	}
	fputs("</div>\n", f);
	if (x->via) {
		fputs("<div>allocated in <code>", f);
		html_str(f, x->via);
		fputs("</code>, called from this line</div>\n", f);
	}
	if (x->message) {
		struct flow_out o = {f, x->decisive};

		fputs("<div class=\"label\">the compiler said</div>\n<pre class=\"flow\">", f);
		html_str(f, x->diag_file);
		fprintf(f, ":%" PRId64, x->diag_line);
		if (x->diag_col)
			fprintf(f, ":%" PRId64, x->diag_col);
		fputs(": ", f);
		html_str(f, x->message);
		fputs("\n", f);
		snprintf(sql, sizeof(sql), "SELECT seq, text, kind FROM flow_steps WHERE build_id = %" PRId64
			 " AND diag_id = %" PRId64 " ORDER BY seq", x->build_id, x->diag_id);
		if (store_query(r->s, sql, write_step, &o, e))
			return e->status ? e->status : ESC_EDB;
		fputs("</pre>\n", f);
	} else {
		fputs("<div class=\"label\">no compiler diagnostic was joined to this line</div>\n", f);
	}
	if (classify_source_lines(&r->src, x->file) >= x->line) {
		fputs("<div class=\"label\">", f);
		html_str(f, classify_source_path(&r->src, x->file));
		fputs("</div>\n<pre class=\"src\">", f);
		for (ln = x->line - SOURCE_CONTEXT; ln <= x->line + SOURCE_CONTEXT; ln++) {
			const char *text;
			size_t len;

			if (ln < 1 || classify_source_line(&r->src, x->file, ln, &text, &len))
				continue;
			fputs(ln == x->line ? "<mark>" : "", f);
			fprintf(f, "<span class=\"ln\">%" PRId64 "</span>", ln);
			html_text(f, text, len);
			fputs(ln == x->line ? "</mark>" : "\n", f);
		}
		fputs("</pre>\n", f);
	}
	if (cc) {
		fputs("<div class=\"label\">the fix</div>\n<div>", f);
		html_str(f, cc->hint);
		fputs("</div>\n", f);
	}
	fputs("</td></tr>\n", f);
	return ESC_OK;
}

static enum esc_status write_sites(struct rep *r, struct err *e)
{
	FILE *f = r->f;
	char b[32], o[32];
	size_t i;

	fputs("<section id=\"sites-section\">\n<h2>Allocation sites</h2>\n", f);
	if ((int64_t)r->nsites < r->all_sites)
		fprintf(f, "<p class=\"sub\">The %zu largest of %" PRId64 " sites (%.1f%% of the total); "
			"<code>-n 0</code> shows them all.</p>\n", r->nsites, r->all_sites,
			num_pct(r->shown_value, r->t.total));
	fputs("<div class=\"controls\"><input id=\"q\" type=\"search\" placeholder=\"filter by function, "
	      "file, package or cause\" aria-label=\"filter\"><select id=\"cause\" aria-label=\"cause\">"
	      "<option value=\"\">every cause</option>", f);
	for (i = 0; i < r->ncauses; i++) {
		if (!r->causes[i].sites)
			continue;
		fputs("<option value=\"", f);
		html_str(f, r->causes[i].cause);
		fputs("\">", f);
		html_str(f, r->causes[i].cause);
		fputs("</option>", f);
	}
	fprintf(f, "</select><span id=\"shown\"></span></div>\n"
		"<table id=\"sites\" data-total=\"%" PRId64 "\" data-sample-index=\"%s\">\n<thead><tr>"
		"<th data-key=\"function\">function</th><th data-key=\"file\">file:line</th>"
		"<th data-key=\"cause\">cause</th><th data-key=\"value\" class=\"num\">%s</th>"
		"<th data-key=\"objects\" class=\"num\">objects</th><th class=\"num\">%%</th>"
		"<th>hint</th></tr></thead>\n", r->t.total, store_heap_types[r->ix],
		store_heap_is_bytes(r->ix) ? "bytes" : "count");
	for (i = 0; i < r->nsites; i++) {
		const struct site *x = &r->sites[i];
		const struct classify_cause *cc = classify_cause_by_id(x->cause);

		fprintf(f, "<tbody class=\"site\" id=\"site-%" PRId64 "\" data-site=\"%" PRId64 "\" data-function=\"",
			x->site_id, x->site_id);
		html_str(f, x->function);
		fputs("\" data-file=\"", f);
		html_str(f, x->file);
		fprintf(f, "\" data-line=\"%" PRId64 "\" data-pkg=\"", x->line);
		html_str(f, x->package);
		fputs("\" data-cause=\"", f);
		html_str(f, x->cause);
		fputs("\"", f);
		if (x->via) {
			fputs(" data-via=\"", f);
			html_str(f, x->via);
			fputs("\"", f);
		}
		fprintf(f, " data-value=\"%" PRId64 "\" data-objects=\"%" PRId64 "\" data-confidence=\"%.2f\">\n"
			"<tr class=\"row\" tabindex=\"0\" aria-expanded=\"false\"><td class=\"fn\">",
			x->value, x->objects, x->confidence);
		html_str(f, x->function);
		if (x->via) {
			fputs(" <small>&rarr; ", f);
			html_str(f, x->via);
			fputs("</small>", f);
		}
		fputs("</td><td class=\"loc\" title=\"", f);
		html_str(f, x->file);
		fputs("\">", f);
		html_str(f, path_base(x->file));
		fprintf(f, ":%" PRId64 "</td><td class=\"cz\"><span class=\"sw %s\"></span>", x->line,
			html_cause_class(x->cause));
		html_str(f, x->cause);
		fprintf(f, "</td><td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"num\">%.1f%%</td>"
			"<td class=\"hint\"><div>", size_of(b, x->value, r->ix), count_of(o, x->objects),
			num_pct(x->value, r->t.total));
		html_str(f, cc ? cc->hint : "");
		fputs("</div></td></tr>\n", f);
		if (write_detail(r, x, e))
			return e->status;
		fputs("</tbody>\n", f);
	}
	fputs("</table>\n</section>\n", f);
	return ESC_OK;
}

static enum esc_status write_page(struct rep *r, const char *title, struct err *e)
{
	FILE *f = r->f;
	char t[600];

	if (!title) {
		snprintf(t, sizeof(t), "escprof: %s", r->p.name ? r->p.name : "profile");
		title = t;
	}
	html_page_begin(f, title);
	fputs("<h1>Why is this on the heap?</h1>\n<p class=\"sub\">", f);
	html_str(f, title);
	fprintf(f, " &middot; %s</p>\n", store_heap_types[r->ix]);
	write_summary(r);
	write_causes(r);
	if (write_packages(r, e))
		return e->status;
	write_top_sites(r);
	if (r->base_aid && write_growth(r, e))
		return e->status;
	if (write_sites(r, e))
		return e->status;
	fputs("<footer>escprof " ESCPROF_VERSION " &middot; analysis ", f);
	fprintf(f, "%" PRId64 "</footer>\n", r->aid);
	html_page_end(f);
	return ESC_OK;
}

/* ---- choosing what to report ------------------------------------------------------------ */

/* A --build or --baseline-build argument: a stored build, or a file loaded now. */
static enum esc_status resolve_build(struct store *s, const char *ref, int64_t *id, struct err *e)
{
	struct classify_ingest_build_result br;

	if (!path_exists(ref))
		return store_resolve_build(s, ref, id, e);
	if (classify_ingest_build(s, ref, NULL, NULL, 0, &br, e))
		return e->status;
	*id = br.id;
	return ESC_OK;
}

struct ids {
	int64_t *v;
	size_t n, cap;
};

static int take_ids(void *ctx, size_t ncols, const char *const *names, const struct store_value *v)
{
	struct ids *x = ctx;

	(void)ncols;
	(void)names;
	if (!v)
		return 0;
	if (vec_reserve(&x->v, &x->cap, x->n + 1, sizeof(*x->v), 4))
		return ESC_ENOMEM;
	x->v[x->n++] = v[0].i;
	return 0;
}

static enum esc_status select_baseline(struct rep *r, const char *ref, char **brefs, size_t nb,
				       const struct classify_opts *co,
				       const struct profile_limits *lim, struct err *e)
{
	struct ids builds = {0};
	enum esc_status st = ESC_OK;
	char sql[256];
	size_t i;

	if (path_exists(ref)) {
		struct store_profile_opts po = {0};
		struct classify_ingest_profile_result pr;

		if ((st = classify_ingest_profile(r->s, ref, &po, lim, &pr, e)))
			return st;
		r->base_pid = pr.id;
	} else if ((st = store_resolve_profile(r->s, ref, &r->base_pid, e))) {
		return st;
	}
	if (nb) {
		for (i = 0; i < nb && !st; i++)
			if (!vec_reserve(&builds.v, &builds.cap, builds.n + 1, sizeof(int64_t), 4))
				st = resolve_build(r->s, brefs[i], &builds.v[builds.n++], e);
			else
				st = err_set(e, ESC_ENOMEM, "out of memory");
	} else {
		if ((st = store_latest_analysis(r->s, r->base_pid, &r->base_aid, e)) || r->base_aid)
			goto out;
		/* the report's own builds */
		snprintf(sql, sizeof(sql), "SELECT b.build_id FROM builds b JOIN analysis a ON a.id = %"
			 PRId64 " AND (',' || a.builds || ',') LIKE ('%%,' || b.build_id || ',%%')", r->aid);
		if (store_query(r->s, sql, take_ids, &builds, e))
			st = e->status ? e->status : ESC_EDB;
	}
	if (!st)
		st = classify_run(cli_notes(r->c), r->s, r->base_pid, builds.v, builds.n, co, &r->base_aid, e);
out:
	free(builds.v);
	return st;
}

/* Writes the page to fd, which out names, and closes it. */
static enum esc_status emit_fd(struct rep *r, int fd, const char *out, const char *title,
			       struct err *e)
{
	struct out_file o;
	enum esc_status st;
	int err;

	if (out_file_open(&o, fd)) {
		close(fd);
		return err_set(e, ESC_ENOMEM, "out of memory");
	}
	r->f = o.f;
	st = write_page(r, title, e);
	r->f = NULL;
	if ((err = out_file_close(&o)) && !st)
		st = err_set(e, ESC_EIO, "cannot write '%s': %s", out, strerror(err));
	return st;
}

/* Writes the page to a temporary file beside out, then renames it into place; what is
 * not a regular file (a device, a FIFO, /dev/stdout) is written in place, as nothing
 * can be renamed over it. Standard output ("-") is checked at the end of the run. */
static enum esc_status emit(struct rep *r, const char *out, const char *title, struct err *e)
{
	struct stat sb;
	char *tmp = NULL;
	enum esc_status st;
	int fd;

	if (!strcmp(out, "-")) {
		r->f = stdout;
		return write_page(r, title, e);
	}
	if (stat(out, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		if ((fd = open(out, O_WRONLY | O_CLOEXEC)) < 0)
			return err_set(e, ESC_EIO, "cannot open '%s': %s", out, strerror(errno));
		return emit_fd(r, fd, out, title, e);
	}
	if (asprintf(&tmp, "%s.XXXXXX", out) < 0)
		return err_set(e, ESC_ENOMEM, "out of memory");
	if ((fd = mkstemp(tmp)) < 0) {
		st = err_set(e, ESC_EIO, "cannot create '%s': %s", out, strerror(errno));
		free(tmp);
		return st;
	}
	/* a report is a document to share: readable like any file the user creates */
	{
		mode_t m = umask(0);

		umask(m);
		fchmod(fd, 0666 & ~m);
	}
	st = emit_fd(r, fd, out, title, e);
	if (!st && rename(tmp, out))
		st = err_set(e, ESC_EIO, "cannot write '%s': %s", out, strerror(errno));
	if (st)
		unlink(tmp);
	free(tmp);
	return st;
}

int cmd_report(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{"html", required_argument, NULL, OPT_HTML},
		{"profile", required_argument, NULL, OPT_PROFILE},
		{"build", required_argument, NULL, OPT_BUILD},
		{"baseline", required_argument, NULL, OPT_BASELINE},
		{"baseline-build", required_argument, NULL, OPT_BASELINE_BUILD},
		{"title", required_argument, NULL, OPT_TITLE},
		{"sample_index", required_argument, NULL, 'i'},
		{"source_path", required_argument, NULL, 's'},
		{"trim_path", required_argument, NULL, 't'},
		CLI_LIMIT_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	const char *out = NULL, *profile = NULL, *baseline = NULL, *title = NULL, *want = NULL;
	char **brefs = calloc((size_t)argc + 1, sizeof(*brefs));
	char **bbrefs = calloc((size_t)argc + 1, sizeof(*bbrefs));
	const char **dirs = NULL;
	size_t nbrefs = 0, nbbrefs = 0, ndirs = 0, capdirs = 0, i;
	struct classify_opts co = {0};
	struct profile_limits lim = {0};
	struct ids builds = {0};
	struct rep r = {0};
	struct err e = {0};
	int opt, rc, n = 500, ret = EXIT_OK, temp, stored;

	c->usage = usage;
	r.c = c;
	cli_pprof_args(argc, argv);
	if (!brefs || !bbrefs) {
		free(brefs);
		free(bbrefs);
		return EXIT_FAIL;
	}
	while ((opt = getopt_long(argc, argv, "qhn:", opts, NULL)) != -1) {
		if ((rc = cli_common(c, opt, optarg)) >= 100) {
			ret = rc - 100;
			goto out;
		}
		if (rc)
			continue;
		switch (opt) {
		case OPT_HTML: out = optarg; break;
		case OPT_PROFILE: profile = optarg; break;
		case OPT_BUILD: brefs[nbrefs++] = optarg; break;
		case OPT_BASELINE: baseline = optarg; break;
		case OPT_BASELINE_BUILD: bbrefs[nbbrefs++] = optarg; break;
		case OPT_TITLE: title = optarg; break;
		case 'i': want = optarg; break;
		case 't': co.trim_path = optarg; break;
		case 's':
			if (cli_add_dirs(&dirs, &ndirs, &capdirs, optarg)) {
				ret = EXIT_FAIL;
				goto out;
			}
			break;
		case 'n': {
			char *end;
			long v = strtol(optarg, &end, 10);

			if (*end || end == optarg || v < 0 || v > 1000000) {
				ret = cli_usage_error(c, "-n wants a number of sites (0 for all)");
				goto out;
			}
			n = (int)v;
			break;
		}
		case CLI_OPT_MAX_SIZE:
		case CLI_OPT_MAX_DEPTH:
		case CLI_OPT_MAX_STRING:
			if (cli_limit_option(c, opt, optarg, &lim) < 0) {
				ret = EXIT_USAGE;
				goto out;
			}
			break;
		}
	}
	if (!out) {
		ret = cli_usage_error(c, "need --html OUT");
		goto out;
	}
	if (c->format_set) {
		ret = cli_usage_error(c, "report writes HTML (--html OUT); --format does not apply");
		goto out;
	}
	if (optind < argc && profile) {
		ret = cli_usage_error(c, "give a PROFILE file or --profile, not both");
		goto out;
	}
	if (nbbrefs && !baseline) {
		ret = cli_usage_error(c, "--baseline-build needs --baseline");
		goto out;
	}
	temp = optind < argc && !c->db_set;
	for (i = 0, stored = nbrefs > 0; i < nbbrefs; i++)
		stored |= !path_exists(bbrefs[i]);
	if (temp && (stored || (baseline && !path_exists(baseline)))) {
		ret = cli_usage_error(c, "stored builds and profiles need --db");
		goto out;
	}
	co.source_path = dirs;
	co.nsource = ndirs;
	classify_sources_init(&r.src, dirs, ndirs, co.trim_path);
	if (store_open(&r.s, temp ? ":memory:" : c->db, STORE_READ_WRITE, &e))
		goto fail;
	/* what is loaded and analysed for the report is kept only when the report is written */
	store_batch_begin(r.s);
	if (optind < argc) {
		struct store_profile_opts po = {0};
		struct classify_ingest_profile_result pr;

		if (classify_ingest_profile(r.s, argv[optind], &po, &lim, &pr, &e))
			goto fail;
		r.pid = pr.id;
		for (i = (size_t)optind + 1; i < (size_t)argc; i++) {
			if (vec_reserve(&builds.v, &builds.cap, builds.n + 1, sizeof(int64_t), 4)) {
				err_set(&e, ESC_ENOMEM, "out of memory");
				goto fail;
			}
			if (resolve_build(r.s, argv[i], &builds.v[builds.n], &e))
				goto fail;
			builds.n++;
		}
		for (i = 0; i < nbrefs; i++) {
			if (vec_reserve(&builds.v, &builds.cap, builds.n + 1, sizeof(int64_t), 4)) {
				err_set(&e, ESC_ENOMEM, "out of memory");
				goto fail;
			}
			if (store_resolve_build(r.s, brefs[i], &builds.v[builds.n], &e))
				goto fail;
			builds.n++;
		}
		if (classify_run(cli_notes(c), r.s, r.pid, builds.v, builds.n, &co, &r.aid, &e))
			goto fail;
	} else if (classify_select(cli_notes(c), r.s, profile, (const char *const *)brefs, nbrefs, &co, &r.pid,
				 &r.aid, &e)) {
		goto fail;
	}
	if (classify_sample_type(r.s, r.pid, want, &r.ix, &e))
		goto fail;
	if (baseline && select_baseline(&r, baseline, bbrefs, nbbrefs, &co, &lim, &e))
		goto fail;
	if (read_report(&r, n, &e) || emit(&r, out, title, &e))
		goto fail;
	ret = cli_store_done(c, r.s, ret, &e);
	goto done;
fail:
	ret = cli_fail(c, &e);
done:
	release_report(&r);
	classify_sources_release(&r.src);
	store_close(r.s);
out:
	free(builds.v);
	free(dirs);
	free(brefs);
	free(bbrefs);
	return ret;
}
