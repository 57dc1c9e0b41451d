/* report_html.c — the HTML report's page from a struct classify_report: a summary
 * (profile, builds, Go version, sample type, totals, coverage), bar charts by cause, by
 * package and of the top sites, the growth against a baseline, and the table of sites
 * whose rows open onto the compiler's flow lines and the source around the line; see
 * html.h. It reads nothing but the struct: every string in it is untrusted and written
 * through html_text. A page saved to a file appears whole or not at all. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "classify/classify.h"
#include "common/num.h"
#include "common/paths.h"
#include "output/html_int.h"
#include "output/output.h"

enum {
	CHART_SITES = 15,	/* bars in the top-sites chart */
	CHART_PACKAGES = 12,	/* packages charted before "other" */
	LINE_CAUSES = 6,	/* segments of a top-sites bar */
};

static const char *column(int ix)
{
	return store_heap_types[ix];
}

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

/* v's share of total as every command's text shows it (out_pct); buf of 16 bytes */
static const char *pct_of(char *buf, int64_t v, int64_t total)
{
	return out_pct(buf, 16, num_pct(v, total));
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

static void write_summary(FILE *f, const struct classify_report *r)
{
	const struct classify_report_profile *p = &r->profile;
	char b[32], w[96];
	size_t i;
	int k, first = 1;

	fputs("<section id=\"summary\">\n<div class=\"grid\">\n", f);
	snprintf(w, sizeof(w), "%s, in total", column(r->ix));
	write_stat(f, size_of(b, r->totals.total, r->ix), w, -1);
	if (store_heap_is_bytes(r->ix)) {
		snprintf(w, sizeof(w), "%s", column(store_heap_objects_of(r->ix)));
		write_stat(f, count_of(b, r->totals.objects), w, -1);
	}
	snprintf(b, sizeof(b), "%" PRId64, r->nsites_all);
	write_stat(f, b, "allocation sites", -1);
	pct_of(b, r->totals.attributed, r->totals.total);
	write_stat(f, b, "attributed to a cause", num_pct(r->totals.attributed, r->totals.total));
	pct_of(b, r->totals.joined, r->totals.total);
	write_stat(f, b, "joined to a compiler diagnostic", num_pct(r->totals.joined, r->totals.total));
	fputs("</div>\n<dl class=\"facts\">\n<dt>profile</dt><dd>", f);
	html_str(f, p->name);
	if (p->source && (!p->name || strcmp(p->name, p->source))) {
		fputs(" (", f);
		html_str(f, p->source);
		fputs(")", f);
	}
	fputs(", ", f);
	html_str(f, p->format);
	fprintf(f, ", id %" PRId64 "</dd>\n<dt>taken</dt><dd>", p->id);
	write_time(f, p->time_nanos);
	fputs("</dd>\n<dt>sha256</dt><dd><code>", f);
	html_str(f, p->sha256);
	fputs("</code></dd>\n<dt>sample type</dt><dd><b>", f);
	fputs(column(r->ix), f);
	fputs("</b>", f);
	for (k = 0; k < STORE_NHEAP; k++) {
		if (k == r->ix || !p->has[k])
			continue;
		fprintf(f, "%s%s %s", first ? " &middot; also in the profile: " : ", ",
			store_heap_types[k], size_of(b, p->totals[k], k));
		first = 0;
	}
	if (!first)
		fputs(" (<code>-sample_index</code> reports another)", f);
	fputs("</dd>\n<dt>builds</dt><dd>", f);
	if (!r->nbuilds)
		fputs("none", f);
	for (i = 0; i < r->nbuilds; i++) {
		const struct classify_report_build *x = &r->builds[i];

		fputs(i ? "<br>" : "", f);
		html_str(f, x->name);
		fprintf(f, " (id %" PRId64 ")", x->id);
		if (x->source && (!x->name || strcmp(x->name, x->source))) {
			fputs(" from ", f);
			html_str(f, x->source);
		}
	}
	fputs("</dd>\n<dt>Go version</dt><dd>", f);
	for (i = 0, first = 1; i < r->nbuilds; i++)
		if (r->builds[i].go_version && r->builds[i].go_version[0]) {
			fputs(first ? "" : ", ", f);
			html_str(f, r->builds[i].go_version);
			first = 0;
		}
	if (first)
		fputs(r->nbuilds ? "not recorded in the compiler output" : "unknown (no compiler output)", f);
	fputs("</dd>\n", f);
	if (r->base_analysis_id) {
		fputs("<dt>baseline</dt><dd>", f);
		html_str(f, r->base_profile.name);
		fprintf(f, " (id %" PRId64 "): %s</dd>\n", r->base_profile.id,
			size_of(b, r->base_totals.total, r->ix));
	}
	fputs("</dl>\n", f);
	if (!r->nbuilds)
		fputs("<p class=\"note\" id=\"no-build\">No compiler output was joined with this profile, so "
		      "the causes come from the profile alone: the runtime and library functions an "
		      "allocation went through (append and map growth, string building, reflection, "
		      "goroutine stacks) and, with <code>-source_path</code>, the source lines that "
		      "append or store into a map. Everything else is <b>unknown</b>. Give the output of "
		      "<code>go build -gcflags='-m -m'</code> to learn why the rest escaped.</p>\n", f);
	fputs("</section>\n", f);
}

/* Whether a cause is in this analysis's chart and legend (not only in the baseline). */
static int cause_shown(const struct classify_report_cause *x)
{
	return x->value || x->sites || !strcmp(x->cause, "unknown");
}

static enum esc_status write_causes(FILE *f, const struct classify_report *r, struct err *e)
{
	struct html_bar *bars = calloc(r->ncauses + 1, sizeof(*bars));
	struct html_seg *segs = calloc(r->ncauses + 1, sizeof(*segs));
	char (*texts)[64] = calloc(r->ncauses + 1, sizeof(*texts));
	const char *unit = store_heap_is_bytes(r->ix) ? "bytes" : "objects";
	enum esc_status st = ESC_OK;
	char b[32], o[32], pb[16], title[32];
	size_t i, n = 0;

	if (!bars || !segs || !texts) {
		st = err_set(e, ESC_ENOMEM, "out of memory");
		goto out;
	}
	fprintf(f, "<section id=\"causes\">\n<h2>Where the %s go, by cause</h2>\n", unit);
	for (i = 0; i < r->ncauses; i++) {
		const struct classify_report_cause *x = &r->causes[i];

		if (!cause_shown(x))
			continue;
		snprintf(texts[n], sizeof(texts[n]), "%s  %s", size_of(b, x->value, r->ix),
			 pct_of(pb, x->value, r->totals.total));
		segs[n] = (struct html_seg){x->value, html_cause_class(x->cause), NULL};
		bars[n] = (struct html_bar){x->cause, strlen(x->cause), texts[n], "cause", x->cause,
					    &segs[n], 1};
		n++;
	}
	snprintf(title, sizeof(title), "%s by cause", unit);
	html_bar_chart(f, "chart-cause", title, bars, n);
	fputs("<table class=\"legend\">\n<thead><tr><th>cause</th><th>what it means</th>"
	      "<th class=\"num\">value</th><th class=\"num\">%</th><th class=\"num\">sites</th>"
	      "<th class=\"num\">objects</th><th>the fix</th></tr></thead>\n<tbody>\n", f);
	for (i = 0; i < r->ncauses; i++) {
		const struct classify_report_cause *x = &r->causes[i];
		const struct classify_cause *cc = classify_cause_by_id(x->cause);

		if (!cause_shown(x))
			continue;
		fputs("<tr data-cause=\"", f);
		html_str(f, x->cause);
		fprintf(f, "\"><td class=\"cz\"><span class=\"sw %s\"></span>", html_cause_class(x->cause));
		html_str(f, x->cause);
		fputs("</td><td>", f);
		html_str(f, cc ? cc->title : "");
		fprintf(f, "</td><td class=\"num\">%s</td><td class=\"num\">%s</td>"
			"<td class=\"num\">%" PRId64 "</td><td class=\"num\">%s</td><td class=\"hint\">",
			size_of(b, x->value, r->ix), pct_of(pb, x->value, r->totals.total), x->sites,
			count_of(o, x->objects));
		html_str(f, cc ? cc->hint : "");
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody></table>\n</section>\n", f);
out:
	free(bars);
	free(segs);
	free(texts);
	return st;
}

/* The largest packages, each bar split by cause; the rest summed into one bar. */
static enum esc_status write_packages(FILE *f, const struct classify_report *r, struct err *e)
{
	struct html_bar bars[CHART_PACKAGES + 1];
	struct html_seg *segs = NULL, other;
	char (*tips)[128] = NULL;
	char b[32], pb[16], texts[CHART_PACKAGES + 1][48], label[64];
	size_t np = r->npackages < CHART_PACKAGES ? r->npackages : CHART_PACKAGES;
	size_t nsegs = 0, i, k, n;
	int64_t other_value = 0;
	enum esc_status st = ESC_OK;

	for (i = 0; i < np; i++)
		nsegs += r->packages[i].ncauses;
	for (; i < r->npackages; i++)
		other_value += r->packages[i].total;
	if (!(segs = calloc(nsegs + 1, sizeof(*segs))) || !(tips = calloc(nsegs + 1, sizeof(*tips)))) {
		st = err_set(e, ESC_ENOMEM, "out of memory");
		goto out;
	}
	for (n = 0, nsegs = 0; n < np; n++) {
		const struct classify_report_package *p = &r->packages[n];
		const char *name = p->name[0] ? p->name : "(no package)";

		for (k = 0; k < p->ncauses; k++, nsegs++) {
			snprintf(tips[nsegs], sizeof(tips[nsegs]), "%s: %s (%s)", p->causes[k].cause,
				 size_of(b, p->causes[k].value, r->ix), pct_of(pb, p->causes[k].value, r->totals.total));
			segs[nsegs] = (struct html_seg){p->causes[k].value, html_cause_class(p->causes[k].cause),
							tips[nsegs]};
		}
		snprintf(texts[n], sizeof(texts[n]), "%s  %s", size_of(b, p->total, r->ix),
			 pct_of(pb, p->total, r->totals.total));
		bars[n] = (struct html_bar){name, strlen(name), texts[n], p->name[0] ? "q" : NULL,
					    p->name, &segs[nsegs - p->ncauses], p->ncauses};
	}
	if (r->npackages > np) {
		snprintf(label, sizeof(label), "(%zu other %s)", r->npackages - np,
			 out_plural((int64_t)(r->npackages - np), "package", "packages"));
		other = (struct html_seg){other_value, html_cause_class(NULL), NULL};
		snprintf(texts[n], sizeof(texts[n]), "%s  %s", size_of(b, other_value, r->ix),
			 pct_of(pb, other_value, r->totals.total));
		bars[n] = (struct html_bar){label, strlen(label), texts[n], NULL, NULL, &other, 1};
		n++;
	}
	fputs("<section id=\"packages\">\n<h2>By package</h2>\n", f);
	if (n)
		html_bar_chart(f, "chart-package", store_heap_is_bytes(r->ix) ?
			       "bytes by package, split by cause" : "objects by package, split by cause", bars, n);
	else
		fputs("<p>Nothing was allocated.</p>\n", f);
	fputs("</section>\n", f);
out:
	free(segs);
	free(tips);
	return st;
}

/* A source line of the top-sites chart: its sites (causes, dependencies) added up, one
 * segment per cause. */
struct top_line {
	const struct classify_report_site *first;	/* its biggest site: names the line */
	int64_t value;
	struct html_seg segs[LINE_CAUSES];
	size_t nsegs;
};

static int same_line(const struct classify_report_site *a, const struct classify_report_site *b)
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
static enum esc_status write_top_sites(FILE *f, const struct classify_report *r, struct err *e)
{
	struct top_line *lines = calloc(r->nsites + 1, sizeof(*lines));
	size_t nl = 0, n, i, k;
	struct html_bar bars[CHART_SITES];
	char labels[CHART_SITES][512], texts[CHART_SITES][48], ids[CHART_SITES][24], b[32], pb[16];

	if (!lines)
		return err_set(e, ESC_ENOMEM, "out of memory");
	fputs("<section id=\"top\">\n<h2>Top sites</h2>\n", f);
	if (!r->nsites) {
		fputs("<p>Nothing was allocated.</p>\n</section>\n", f);
		free(lines);
		return ESC_OK;
	}
	for (i = 0; i < r->nsites; i++) {
		const struct classify_report_site *x = &r->sites[i];

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
		const struct classify_report_site *x = lines[i].first;

		snprintf(labels[i], sizeof(labels[i]), "%s %s:%" PRId64, x->function, path_base(x->file), x->line);
		snprintf(texts[i], sizeof(texts[i]), "%s  %s", size_of(b, lines[i].value, r->ix),
			 pct_of(pb, lines[i].value, r->totals.total));
		snprintf(ids[i], sizeof(ids[i]), "%" PRId64, x->site_id);
		bars[i] = (struct html_bar){labels[i], strlen(labels[i]), texts[i], "site", ids[i],
					    lines[i].segs, lines[i].nsegs};
	}
	html_bar_chart(f, "chart-sites", "the largest allocation sites, coloured by cause", bars, n);
	fputs("</section>\n", f);
	free(lines);
	return ESC_OK;
}

/* The signed change: "+1.0 KiB", "−1.0 KiB" (a minus sign), "±0 B". */
static const char *sign_of(int64_t d, int zero)
{
	return d > 0 ? "+" : d < 0 ? "\xe2\x88\x92" : zero ? "\xc2\xb1" : "";
}

static void write_growth_sites(FILE *f, const struct classify_report *r)
{
	char b1[32], b2[32], b3[32];
	size_t i;

	if (!r->ngrowth) {
		fputs("<p>No site grew.</p>\n", f);
		return;
	}
	fprintf(f, "<h3>The sites that grew most</h3>\n<table class=\"legend\" id=\"growth-sites\">\n"
		"<thead><tr><th>function</th><th>file:line</th><th>cause</th><th class=\"num\">baseline</th>"
		"<th class=\"num\">now</th><th class=\"num\">change</th></tr></thead>\n<tbody>\n");
	for (i = 0; i < r->ngrowth; i++) {
		const struct classify_report_growth_site *x = &r->growth[i];

		fputs("<tr data-function=\"", f);
		html_str(f, x->function);
		fputs("\" data-file=\"", f);
		html_str(f, x->file_name);
		fprintf(f, "\" data-line=\"%" PRId64 "\" data-base=\"%" PRId64 "\" data-now=\"%" PRId64
			"\" data-delta=\"%" PRId64 "\"><td>", x->line, x->base_scaled, x->now, x->change);
		html_str(f, x->function);
		if (x->via && x->via[0]) {
			fputs(" <small>&rarr; ", f);
			html_str(f, x->via);
			fputs("</small>", f);
		}
		fputs("</td><td>", f);
		html_str(f, x->file_name);
		fprintf(f, ":%" PRId64 "</td><td class=\"cz\"><span class=\"sw %s\"></span>", x->line,
			html_cause_class(x->cause));
		html_str(f, x->cause);
		fprintf(f, "</td><td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"num grow\">+%s</td></tr>\n",
			size_of(b1, x->base_scaled, r->ix), size_of(b2, x->now, r->ix), size_of(b3, x->change, r->ix));
	}
	fputs("</tbody></table>\n", f);
}

static enum esc_status write_growth(FILE *f, const struct classify_report *r, struct err *e)
{
	const struct classify_report_profile *p = &r->profile, *bp = &r->base_profile;
	enum esc_status st = ESC_OK;
	struct html_bar *bars = calloc(r->ncauses + 1, sizeof(*bars));
	struct html_seg *segs = calloc(r->ncauses + 1, sizeof(*segs));
	char (*texts)[48] = calloc(r->ncauses + 1, sizeof(*texts));
	char (*tips)[80] = calloc(r->ncauses + 1, sizeof(*tips));
	char b1[32], b2[32], b3[32];
	size_t i, n = 0;
	/* two files of one name are told apart by their paths */
	int same = bp->name && p->name && !strcmp(bp->name, p->name);

	if (!bars || !segs || !texts || !tips || (r->ncauses && !r->by_growth)) {
		st = err_set(e, ESC_ENOMEM, "out of memory");
		goto out;
	}
	fputs("<section id=\"growth\">\n<h2>Growth by cause since the baseline</h2>\n<p class=\"sub\">", f);
	html_str(f, same ? bp->source : bp->name);
	fputs(" &rarr; ", f);
	html_str(f, same ? p->source : p->name);
	fprintf(f, ": %s &rarr; %s", size_of(b1, r->base_totals.total, r->ix), size_of(b2, r->totals.total, r->ix));
	if (r->base_scale != 1.0)
		fprintf(f, "; the baseline is scaled by %.4g to this profile's duration", r->base_scale);
	fputs("</p>\n", f);
	for (i = 0; i < r->ncauses; i++) {
		const struct classify_report_cause *x = &r->causes[r->by_growth[i]];
		int64_t d = x->change;

		if (!x->value && !x->base)
			continue;
		snprintf(texts[n], sizeof(texts[n]), "%s%s", sign_of(d, 1), size_of(b1, d < 0 ? -d : d, r->ix));
		snprintf(tips[n], sizeof(tips[n]), "%s \xe2\x86\x92 %s", size_of(b2, x->base_scaled, r->ix),
			 size_of(b3, x->value, r->ix));
		segs[n] = (struct html_seg){d, html_cause_class(x->cause), tips[n]};
		bars[n] = (struct html_bar){x->cause, strlen(x->cause), texts[n], "cause", x->cause, &segs[n], 1};
		n++;
	}
	html_bar_chart(f, "chart-growth", "growth by cause since the baseline", bars, n);
	fputs("<table class=\"legend\" id=\"growth-table\">\n<thead><tr><th>cause</th><th class=\"num\">baseline</th>"
	      "<th class=\"num\">now</th><th class=\"num\">change</th></tr></thead>\n<tbody>\n", f);
	for (i = 0; i < r->ncauses; i++) {
		const struct classify_report_cause *x = &r->causes[r->by_growth[i]];
		int64_t d = x->change;

		if (!x->value && !x->base)
			continue;
		fputs("<tr data-cause=\"", f);
		html_str(f, x->cause);
		fprintf(f, "\" data-base=\"%" PRId64 "\" data-now=\"%" PRId64 "\" data-delta=\"%" PRId64 "\">"
			"<td><span class=\"sw %s\"></span>", x->base_scaled, x->value, d, html_cause_class(x->cause));
		html_str(f, x->cause);
		fprintf(f, "</td><td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"num %s\">%s%s</td></tr>\n",
			size_of(b1, x->base_scaled, r->ix), size_of(b2, x->value, r->ix),
			d > 0 ? "grow" : d < 0 ? "shrink" : "", sign_of(d, 0), size_of(b3, d < 0 ? -d : d, r->ix));
	}
	fputs("</tbody></table>\n", f);
	write_growth_sites(f, r);
	fputs("</section>\n", f);
out:
	free(bars);
	free(segs);
	free(texts);
	free(tips);
	return st;
}

static void write_detail(FILE *f, const struct classify_report_site *x)
{
	const struct classify_cause *cc = classify_cause_by_id(x->cause);
	size_t i;

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
		fputs("<div class=\"label\">the compiler said</div>\n<pre class=\"flow\">", f);
		html_str(f, x->diag_file);
		fprintf(f, ":%" PRId64, x->diag_line);
		if (x->diag_col)
			fprintf(f, ":%" PRId64, x->diag_col);
		fputs(": ", f);
		html_str(f, x->message);
		fputs("\n", f);
		/* the compiler indents the lines under a flow: line */
		for (i = 0; i < x->nsteps; i++) {
			const struct classify_report_step *s = &x->steps[i];

			fputs(s->seq == x->decisive_seq ? "<mark>" : "", f);
			fputs(s->is_flow ? "  " : "    ", f);
			html_str(f, s->text);
			fputs(s->seq == x->decisive_seq ? "</mark>" : "\n", f);
		}
		fputs("</pre>\n", f);
	} else {
		fputs("<div class=\"label\">no compiler diagnostic was joined to this line</div>\n", f);
	}
	if (x->source_path) {
		fputs("<div class=\"label\">", f);
		html_str(f, x->source_path);
		fputs("</div>\n<pre class=\"src\">", f);
		for (i = 0; i < x->nsource; i++) {
			const struct classify_report_source_line *l = &x->source[i];

			fputs(l->line == x->line ? "<mark>" : "", f);
			fprintf(f, "<span class=\"ln\">%" PRId64 "</span>", l->line);
			html_text(f, l->text, l->len);
			fputs(l->line == x->line ? "</mark>" : "\n", f);
		}
		fputs("</pre>\n", f);
	}
	if (cc) {
		fputs("<div class=\"label\">the fix</div>\n<div>", f);
		html_str(f, cc->hint);
		fputs("</div>\n", f);
	}
	fputs("</td></tr>\n", f);
}

static void write_sites(FILE *f, const struct classify_report *r)
{
	char b[32], o[32], pb[16];
	size_t i;

	fputs("<section id=\"sites-section\">\n<h2>Allocation sites</h2>\n", f);
	if ((int64_t)r->nsites < r->nsites_all)
		fprintf(f, "<p class=\"sub\">The %zu largest of %" PRId64 " sites (%.1f%% of the total); "
			"<code>-n 0</code> shows them all.</p>\n", r->nsites, r->nsites_all,
			num_pct(r->shown_value, r->totals.total));
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
		"<th>hint</th></tr></thead>\n", r->totals.total, column(r->ix),
		store_heap_is_bytes(r->ix) ? "bytes" : "count");
	for (i = 0; i < r->nsites; i++) {
		const struct classify_report_site *x = &r->sites[i];
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
		fprintf(f, "</td><td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td>"
			"<td class=\"hint\"><div>", size_of(b, x->value, r->ix), count_of(o, x->objects),
			pct_of(pb, x->value, r->totals.total));
		html_str(f, cc ? cc->hint : "");
		fputs("</div></td></tr>\n", f);
		write_detail(f, x);
		fputs("</tbody>\n", f);
	}
	fputs("</table>\n</section>\n", f);
}

/* ---- the trend of the stored profiles ---- */

/* The trend as a grid of keys by points: each key's value at each point (0 where it had
 * none), keys by their value over all points, "(other)" last. */
struct trend_grid {
	size_t npoints, nkeys;
	const struct classify_trend_row **first;	/* each point's first row */
	const char **keys;
	int64_t *key_total;
	int64_t *values;	/* [key * npoints + point]: a key's line is one run */
	char (*texts)[32];	/* the values' texts, as values[] */
	const char **text_of;
	char (*xlabels)[32];
	const char **xlabel_of;
};

static void grid_release(struct trend_grid *g)
{
	free(g->first);
	free(g->keys);
	free(g->key_total);
	free(g->values);
	free(g->texts);
	free(g->text_of);
	free(g->xlabels);
	free(g->xlabel_of);
}

static size_t key_index(const struct trend_grid *g, const char *key)
{
	size_t k;

	for (k = 0; k < g->nkeys && strcmp(g->keys[k], key); k++)
		;
	return k;
}

/* "2026-02-10 08:00" of an ISO time; a day as it is */
static void point_label(char *out, size_t cap, const char *point)
{
	if (strlen(point) >= 16 && point[10] == 'T')
		snprintf(out, cap, "%.10s %.5s", point, point + 11);
	else
		snprintf(out, cap, "%s", point);
}

/* Puts the keys in order: by total, biggest first, (other) last. A few keys (the trend
 * keeps 8): an insertion sort. */
static void order_keys(struct trend_grid *g)
{
	for (size_t i = 1; i < g->nkeys; i++)
		for (size_t j = i; j > 0; j--) {
			const char *ka = g->keys[j - 1], *kb = g->keys[j];
			int64_t ta = g->key_total[j - 1], tb = g->key_total[j];
			int oa = ka == classify_trend_other, ob = kb == classify_trend_other;

			if (oa < ob || (oa == ob && (ta > tb || (ta == tb && strcmp(ka, kb) <= 0))))
				break;
			g->keys[j - 1] = kb;
			g->keys[j] = ka;
			g->key_total[j - 1] = tb;
			g->key_total[j] = ta;
		}
}

static enum esc_status build_grid(const struct classify_report *r, struct trend_grid *g, struct err *e)
{
	const struct classify_trend *t = &r->trend;
	size_t i, p = 0, k, cells;

	memset(g, 0, sizeof(*g));
	if (!(g->first = calloc(t->n + 1, sizeof(*g->first))) || !(g->keys = calloc(t->n + 1, sizeof(*g->keys))) ||
	    !(g->key_total = calloc(t->n + 1, sizeof(*g->key_total))))
		goto nomem;
	for (i = 0; i < t->n; i++) {
		if (i == 0 || strcmp(t->rows[i].point, t->rows[i - 1].point) ||
		    t->rows[i].profile_id != t->rows[i - 1].profile_id)
			g->first[p++] = &t->rows[i];
		if ((k = key_index(g, t->rows[i].key)) == g->nkeys)
			g->keys[g->nkeys++] = t->rows[i].key;
		g->key_total[k] += t->rows[i].value;
	}
	g->npoints = p;
	order_keys(g);
	cells = g->npoints * g->nkeys + 1;
	if (!(g->values = calloc(cells, sizeof(*g->values))) || !(g->texts = calloc(cells, sizeof(*g->texts))) ||
	    !(g->text_of = calloc(cells, sizeof(*g->text_of))) ||
	    !(g->xlabels = calloc(g->npoints + 1, sizeof(*g->xlabels))) ||
	    !(g->xlabel_of = calloc(g->npoints + 1, sizeof(*g->xlabel_of))))
		goto nomem;
	for (i = 0, p = 0; i < t->n; i++) {
		if (p + 1 < g->npoints && &t->rows[i] == g->first[p + 1])
			p++;
		g->values[key_index(g, t->rows[i].key) * g->npoints + p] = t->rows[i].value;
	}
	for (p = 0; p < g->npoints; p++) {
		point_label(g->xlabels[p], sizeof(g->xlabels[p]), g->first[p]->point);
		g->xlabel_of[p] = g->xlabels[p];
	}
	for (i = 0; i + 1 < cells; i++)
		g->text_of[i] = size_of(g->texts[i], g->values[i], r->ix);
	return ESC_OK;
nomem:
	grid_release(g);
	return err_set(e, ESC_ENOMEM, "out of memory");
}

/* The point that holds the reported profile: its own, or its day's; npoints if none. */
static size_t reported_point(const struct classify_report *r, const struct trend_grid *g)
{
	const char *loaded = NULL;
	size_t i, p;

	for (i = 0; i < r->ntrend_rows && !loaded; i++)
		if (r->trend_rows[i].profile_id == r->profile.id)
			loaded = r->trend_rows[i].loaded_at;
	for (p = 0; loaded && p < g->npoints; p++)
		if (r->trend_per == CLASSIFY_TREND_PER_PROFILE ? g->first[p]->profile_id == r->profile.id :
								  !strncmp(g->first[p]->point, loaded, 10))
			return p;
	return g->npoints;
}

static void write_trend_table(FILE *f, const struct classify_report *r, const struct trend_grid *g,
			      const struct html_line *lines)
{
	char b[32];
	size_t p, k;

	fprintf(f, "<details class=\"numbers\"><summary>The numbers</summary>\n<div class=\"scroll\"><table class=\"trend\">\n"
		"<thead><tr><th>%s</th><th class=\"num\">profiles</th>",
		r->trend_per == CLASSIFY_TREND_PER_DAY ? "day" : "profile");
	for (k = 0; k < g->nkeys; k++) {
		fprintf(f, "<th class=\"num\"><span class=\"sw %s\"></span>", lines[k].cls);
		html_str(f, g->keys[k]);
		fputs("</th>", f);
	}
	fputs("<th class=\"num\">total</th></tr></thead>\n<tbody>\n", f);
	for (p = 0; p < g->npoints; p++) {
		const struct classify_trend_row *x = g->first[p];
		int64_t total = 0;

		fputs("<tr data-point=\"", f);
		html_str(f, x->point);
		fputs("\"", f);
		if (x->profile_id)
			fprintf(f, " data-profile=\"%" PRId64 "\"", x->profile_id);
		fputs("><td>", f);
		html_str(f, g->xlabels[p]);
		if (x->name) {
			fputs(" <small>", f);
			html_str(f, x->name);
			fputs("</small>", f);
		}
		fprintf(f, "</td><td class=\"num\">%" PRId64 "</td>", x->profiles);
		for (k = 0; k < g->nkeys; k++) {
			total += g->values[k * g->npoints + p];
			fputs("<td class=\"num\" data-key=\"", f);
			html_str(f, g->keys[k]);
			fprintf(f, "\" data-value=\"%" PRId64 "\">%s</td>", g->values[k * g->npoints + p],
				g->text_of[k * g->npoints + p]);
		}
		fprintf(f, "<td class=\"num\" data-total=\"%" PRId64 "\">%s</td></tr>\n", total,
			size_of(b, total, r->ix));
	}
	fputs("</tbody></table></div></details>\n", f);
}

/* The trend section: a line per key over the points, the reported profile's marked, and
 * the numbers under it. */
static enum esc_status write_trend(FILE *f, const struct classify_report *r, struct err *e)
{
	const char *key = classify_trend_by_name(r->trend_by), *unit = store_heap_is_bytes(r->ix) ? "bytes" : "objects";
	struct html_line_axis ax = {0};
	struct html_line *lines;
	struct trend_grid g;
	char yt[3][32], title[96];
	enum esc_status st;
	int64_t top = 0, profiles = 0;
	size_t p, k;

	if ((st = build_grid(r, &g, e)))
		return st;
	if (!(lines = calloc(g.nkeys + 1, sizeof(*lines)))) {
		grid_release(&g);
		return err_set(e, ESC_ENOMEM, "out of memory");
	}
	for (p = 0; p < g.npoints; p++)
		profiles += g.first[p]->profiles;
	for (k = 0; k < g.nkeys * g.npoints; k++)
		if (g.values[k] > top)
			top = g.values[k];
	for (k = 0; k < g.nkeys; k++)
		lines[k] = (struct html_line){
			g.keys[k],
			r->trend_by == STORE_TREND_BY_CAUSE ? html_cause_class(g.keys[k]) :
			g.keys[k] == classify_trend_other   ? html_cause_class(NULL) : html_rank_class(k),
			g.values + k * g.npoints, g.text_of + k * g.npoints, g.keys[k] == classify_trend_other};
	fprintf(f, "<section id=\"trend\">\n<h2>How the %s moved, by %s</h2>\n<p class=\"sub\">", unit, key);
	fprintf(f, "%" PRId64 " stored %s, oldest first, each by its newest analysis; %s", profiles,
		out_plural(profiles, "profile", "profiles"),
		r->trend_per == CLASSIFY_TREND_PER_DAY ? "per day of loading (UTC), a day's profiles summed" :
							 "one point per profile");
	if (r->trend_unanalysed)
		fprintf(f, "; %" PRId64 " without an analysis left out", r->trend_unanalysed);
	fputs(". The dashed rule is this report's profile.</p>\n", f);
	ax.xlabels = g.xlabel_of;
	ax.npoints = g.npoints;
	ax.ytexts[0] = size_of(yt[0], 0, r->ix);
	ax.ytexts[1] = size_of(yt[1], top / 2, r->ix);
	ax.ytexts[2] = size_of(yt[2], top, r->ix);
	ax.mark = reported_point(r, &g);
	ax.mark_text = r->profile.name ? r->profile.name : "this profile";
	snprintf(title, sizeof(title), "%s by %s over the stored profiles", unit, key);
	html_line_chart(f, "chart-trend", title, &ax, lines, g.nkeys);
	write_trend_table(f, r, &g, lines);
	fputs("</section>\n", f);
	free(lines);
	grid_release(&g);
	return ESC_OK;
}

enum esc_status out_html_write(FILE *f, const struct classify_report *r,
			       const struct out_html_opts *o, struct err *e)
{
	const char *title = o ? o->title : NULL;
	enum esc_status st;
	char t[600];

	if (r->ix < 0 || r->ix >= STORE_NHEAP)
		return err_set(e, ESC_EUSAGE, "no heap sample type %d", r->ix);
	if (!title) {
		snprintf(t, sizeof(t), "escprof: %s", r->profile.name ? r->profile.name : "profile");
		title = t;
	}
	html_page_begin(f, title);
	fputs("<h1>Why is this on the heap?</h1>\n<p class=\"sub\">", f);
	html_str(f, title);
	fprintf(f, " &middot; %s</p>\n", column(r->ix));
	write_summary(f, r);
	if ((st = write_causes(f, r, e)) || (st = write_packages(f, r, e)) ||
	    (st = write_top_sites(f, r, e)) || (r->base_analysis_id && (st = write_growth(f, r, e))) ||
	    (r->trend.points > 1 && (st = write_trend(f, r, e))))
		return st;
	write_sites(f, r);
	fputs("<footer>escprof ", f);
	html_str(f, o && o->version ? o->version : "");
	fprintf(f, " &middot; analysis %" PRId64 "</footer>\n", r->analysis_id);
	html_page_end(f);
	return ESC_OK;
}

/* Writes the page to fd, which path names, and closes it. */
static enum esc_status save_fd(int fd, const char *path, const struct classify_report *r,
			       const struct out_html_opts *o, struct err *e)
{
	struct out_file of;
	enum esc_status st;
	int err;

	if (out_file_open(&of, fd)) {
		close(fd);
		return err_set(e, ESC_ENOMEM, "out of memory");
	}
	st = out_html_write(of.f, r, o, e);
	if ((err = out_file_close(&of)) && !st)
		st = err_set(e, ESC_EIO, "cannot write '%s': %s", path, strerror(err));
	return st;
}

enum esc_status out_html_save(const char *path, const struct classify_report *r,
			      const struct out_html_opts *o, struct err *e)
{
	struct stat sb;
	char *tmp = NULL;
	enum esc_status st;
	mode_t m;
	int fd;

	if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		/* a device, a FIFO, /dev/stdout: nothing can be renamed over it */
		if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0)
			return err_set(e, ESC_EIO, "cannot open '%s': %s", path, strerror(errno));
		return save_fd(fd, path, r, o, e);
	}
	if (asprintf(&tmp, "%s.XXXXXX", path) < 0)
		return err_set(e, ESC_ENOMEM, "out of memory");
	if ((fd = mkstemp(tmp)) < 0) {
		st = err_set(e, ESC_EIO, "cannot create '%s': %s", path, strerror(errno));
		free(tmp);
		return st;
	}
	/* a report is a document to share: readable like any file the user creates */
	m = umask(0);
	umask(m);
	fchmod(fd, 0666 & ~m);
	st = save_fd(fd, path, r, o, e);
	if (!st && rename(tmp, path))
		st = err_set(e, ESC_EIO, "cannot write '%s': %s", path, strerror(errno));
	if (st)
		unlink(tmp);
	free(tmp);
	return st;
}
