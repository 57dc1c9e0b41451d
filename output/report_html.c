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
	    (st = write_top_sites(f, r, e)) || (r->base_analysis_id && (st = write_growth(f, r, e))))
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
