/* test_report_html.c — the HTML report in-process: the data model that
 * classify_report_build reads from a store (made once per test by the binary) checked
 * against oracles that share no code with it (pprof's totals in the .expect files,
 * sample-profiles/expected-causes.tsv, sums over the store's public views, the compiler's
 * own -m -m lines and the source files), a store that fails part way, and the page
 * writer on a hand-made report whose every string is hostile, read back by xmllint. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "classify/classify.h"
#include "output/output.h"
#include "store/store.h"
#include "tests/testutil.h"

#define S22 "sample-profiles/out/go1.22/"
#define S26 "sample-profiles/out/go1.26/"

/* Adds to db an analysis of the sample scen in dir joined with its compiler output (and
 * its sources), the profile stored under name; made by the binary. */
static void analyze_into(const char *db, const char *dir, const char *scen, const char *name)
{
	struct buf err;

	cr_assert_eq(t_run(NULL, &err, "analyze -q --db '%s' --name %s -source_path sample-profiles -trim_path /src/samples"
			   " %s%s.pb.gz %s%s.mm.txt >/dev/null",
			   db, name, dir, scen, dir, scen), 0, "%s", err.data);
	buf_release(&err);
}

/* Builds the report of the newest analysis of profile name (NULL: the newest profile),
 * against the newest of base when given. */
static void build(const char *db, const char *name, const char *base, size_t max_sites,
		  const struct classify_opts *co, struct classify_report *r)
{
	struct classify_report_opts o = {.max_sites = max_sites, .sources = co};
	struct store *s;
	struct err e = {0};
	int64_t pid, aid, bpid = 0, baid = 0;

	cr_assert_eq(store_open(&s, db, STORE_READ_ONLY, &e), ESC_OK, "%s", e.msg);
	if (name)
		cr_assert_eq(store_resolve_profile(s, name, &pid, &e), ESC_OK, "%s", e.msg);
	else
		cr_assert_eq(store_latest_profile(s, &pid, &e), ESC_OK, "%s", e.msg);
	cr_assert_eq(store_latest_analysis(s, pid, &aid, &e), ESC_OK, "%s", e.msg);
	if (base) {
		cr_assert_eq(store_resolve_profile(s, base, &bpid, &e), ESC_OK, "%s", e.msg);
		cr_assert_eq(store_latest_analysis(s, bpid, &baid, &e), ESC_OK, "%s", e.msg);
	}
	cr_assert_eq(classify_report_build(s, pid, aid, bpid, baid, STORE_ALLOC_SPACE, &o, r, &e), ESC_OK,
		     "%s", e.msg);
	store_close(s);
}

/* A SQL string literal's body: quotes doubled (names here hold none but to be safe). */
static const char *sql_str(const char *s)
{
	static char out[4][512];
	static int k;
	char *o = out[k++ % 4];
	size_t n = 0;

	for (; *s && n + 2 < sizeof(out[0]); s++) {
		if (*s == '\'')
			o[n++] = '\'';
		o[n++] = *s;
	}
	o[n] = '\0';
	return o;
}

Test(report_html, the_models_values_add_up_to_pprofs_totals_and_hold_every_expected_cause)
{
	static const char *const scen[] = {"iface_fmt", "too_large", "map_insert", "closure_capture"};
	size_t ne, i, j, k;
	struct t_expect_cause *ex = t_expect_causes(&ne);

	for (k = 0; k < sizeof(scen) / sizeof(scen[0]); k++) {
		const char *db = t_fresh("%s.db", scen[k]);
		long long want = t_expect(t_path(S26 "%s.expect", scen[k]), "alloc_space");
		long long objects = t_expect(t_path(S26 "%s.expect", scen[k]), "alloc_objects");
		struct classify_report r;
		int64_t sum = 0, pkgs = 0;

		analyze_into(db, S26, scen[k], "now");
		build(db, NULL, NULL, 0, NULL, &r);
		cr_expect_eq(r.totals.total, want, "%s: total %lld, pprof %lld", scen[k], (long long)r.totals.total, want);
		cr_expect_eq(r.profile.totals[STORE_ALLOC_SPACE], want, "%s", scen[k]);
		cr_expect_eq(r.profile.totals[STORE_ALLOC_OBJECTS], objects, "%s", scen[k]);
		cr_expect_eq(r.totals.objects, objects, "%s", scen[k]);
		for (i = 0; i < r.ncauses; i++)
			sum += r.causes[i].value;
		cr_expect_eq(sum, want, "%s: causes add up to %lld", scen[k], (long long)sum);
		for (i = 0, sum = 0; i < r.nsites; i++) {
			sum += r.sites[i].value;
			cr_expect_neq(r.sites[i].value, 0, "%s: a site with nothing", scen[k]);
			cr_expect(!i || r.sites[i - 1].value >= r.sites[i].value, "%s: sites out of order", scen[k]);
		}
		cr_expect_eq(sum, want, "%s: sites add up to %lld", scen[k], (long long)sum);
		cr_expect_eq(r.shown_value, want);
		cr_expect_eq((int64_t)r.nsites, r.nsites_all, "%s: -n 0 shows every site", scen[k]);
		for (i = 0; i < r.npackages; i++) {
			int64_t shares = 0;

			for (j = 0; j < r.packages[i].ncauses; j++)
				shares += r.packages[i].causes[j].value;
			cr_expect_eq(shares, r.packages[i].total, "%s: package '%s'", scen[k], r.packages[i].name);
			cr_expect(!i || r.packages[i - 1].total >= r.packages[i].total);
			pkgs += r.packages[i].total;
		}
		cr_expect_eq(pkgs, want, "%s: packages add up to %lld", scen[k], (long long)pkgs);
		cr_expect_eq(r.nbuilds, 1);
		cr_expect(r.nbuilds && !strncmp(r.builds[0].go_version, "go1.", 4), "%s: built with '%s'",
			  scen[k], r.nbuilds ? r.builds[0].go_version : "nothing");
		cr_expect_eq(r.base_analysis_id, 0);
		for (i = 0; i < ne; i++) {
			int found = 0;

			if (strcmp(ex[i].scen, scen[k]) || !t_version_matches(ex[i].versions, 26))
				continue;
			for (j = 0; j < r.nsites && !found; j++)
				found = !strcmp(r.sites[j].function, ex[i].fn) && r.sites[j].line == ex[i].line &&
					!strcmp(r.sites[j].cause, ex[i].cause) && t_via_matches(ex[i].via, r.sites[j].via);
			cr_expect(found, "%s: no site %s:%ld via %s with cause %s", scen[k], ex[i].fn,
				  ex[i].line, ex[i].via, ex[i].cause);
		}
		classify_report_release(&r);
	}
	free(ex);
}

Test(report_html, causes_packages_and_sites_match_sums_over_the_public_views)
{
	const char *db = t_fresh("views.db");
	struct classify_report r;
	size_t i, j;

	analyze_into(db, S26, "iface_fmt", "now");
	build(db, NULL, NULL, 0, NULL, &r);
	cr_expect_eq(r.nsites_all, t_sql_int(db, "SELECT count(*) FROM alloc_sites WHERE alloc_space != 0"));
	cr_expect_eq(r.totals.attributed,
		     t_sql_int(db, "SELECT sum(alloc_space) FROM alloc_sites WHERE cause != 'unknown'"));
	cr_expect_eq(r.totals.joined,
		     t_sql_int(db, "SELECT sum(alloc_space) FROM alloc_sites WHERE diag_id IS NOT NULL"));
	for (i = 0; i < r.ncauses; i++) {
		char sql[1024];

		snprintf(sql, sizeof(sql), "SELECT coalesce(sum(alloc_space), 0) FROM alloc_sites WHERE cause = '%s'",
			 sql_str(r.causes[i].cause));
		cr_expect_eq(r.causes[i].value, t_sql_int(db, sql), "cause %s", r.causes[i].cause);
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM alloc_sites WHERE cause = '%s' AND alloc_space != 0",
			 sql_str(r.causes[i].cause));
		cr_expect_eq(r.causes[i].sites, t_sql_int(db, sql), "cause %s", r.causes[i].cause);
		snprintf(sql, sizeof(sql), "SELECT coalesce(sum(alloc_objects), 0) FROM alloc_sites WHERE cause = '%s'",
			 sql_str(r.causes[i].cause));
		cr_expect_eq(r.causes[i].objects, t_sql_int(db, sql), "cause %s", r.causes[i].cause);
	}
	for (i = 0; i < r.npackages; i++)
		for (j = 0; j < r.packages[i].ncauses; j++) {
			char sql[1024];

			snprintf(sql, sizeof(sql), "SELECT sum(alloc_space) FROM alloc_sites WHERE"
				 " coalesce(package, '') = '%s' AND cause = '%s'", sql_str(r.packages[i].name),
				 sql_str(r.packages[i].causes[j].cause));
			cr_expect_eq(r.packages[i].causes[j].value, t_sql_int(db, sql), "%s %s",
				     r.packages[i].name, r.packages[i].causes[j].cause);
		}
	cr_expect_eq((long long)r.nbuilds, t_sql_int(db, "SELECT count(*) FROM builds"));
	cr_expect_eq(r.builds[0].id, t_sql_int(db, "SELECT build_id FROM builds"));
	classify_report_release(&r);
}

Test(report_html, a_site_carries_the_compilers_lines_and_the_source_around_it)
{
	const char *db = t_fresh("detail.db");
	const char *dirs[] = {t_path("sample-profiles")};
	struct classify_opts co = {.source_path = dirs, .nsource = 1, .trim_path = "/src/samples"};
	const struct classify_report_site *x = NULL;
	struct classify_report r;
	struct buf log, go;
	char prefix[128], *line, *save = NULL, *golines[64];
	size_t i, k = 0, ng = 0;
	int header = 1;

	analyze_into(db, S26, "iface_fmt", "now");
	build(db, NULL, NULL, 0, &co, &r);
	for (i = 0; i < r.nsites; i++)
		if (!strcmp(r.sites[i].function, "main.printLine") && r.sites[i].line == 38 && !r.sites[i].via)
			x = &r.sites[i];
	cr_assert_not_null(x, "no site main.printLine:38");
	cr_assert_not_null(x->message, "no diagnostic joined to printLine:38");
	cr_expect_eq(x->diag_line, 38);
	/* the compiler's lines for that diagnostic, its header less " in FUNC:", in order */
	snprintf(prefix, sizeof(prefix), "iface_fmt/main.go:38:%lld: ", (long long)x->diag_col);
	t_read(&log, t_path(S26 "iface_fmt.mm.txt"));
	for (line = strtok_r(log.data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const char *t = line + strlen(prefix);

		if (strncmp(line, prefix, strlen(prefix)) || (!header && strncmp(t, "  ", 2)))
			continue;
		if (header) {
			cr_expect(!strncmp(t, x->message, strlen(x->message)), "message '%s', compiler '%s'",
				  x->message, t);
			header = 0;
			continue;
		}
		cr_assert_lt(k, x->nsteps, "the compiler printed more lines than the site has: %s", t);
		t += strspn(t, " ");
		cr_expect_str_eq(x->steps[k].text, t);
		cr_expect_eq(x->steps[k].is_flow, !strncmp(t, "flow:", 5), "%s", t);
		k++;
	}
	cr_expect_eq(k, x->nsteps);
	cr_expect_geq(k, 4);
	/* the source: lines 35 to 41 of the file, as they are */
	cr_assert_not_null(x->source_path);
	cr_expect(strstr(x->source_path, "iface_fmt/main.go"), "%s", x->source_path);
	t_read(&go, t_path("sample-profiles/iface_fmt/main.go"));
	for (line = go.data; line && ng < 64; ng++) {
		golines[ng] = line;
		if ((line = strchr(line, '\n')))
			*line++ = '\0';
	}
	cr_assert_eq(x->nsource, 7);
	for (i = 0; i < x->nsource; i++) {
		cr_expect_eq(x->source[i].line, 35 + (int64_t)i);
		cr_expect_eq(x->source[i].len, strlen(golines[34 + i]));
		cr_expect_str_eq(x->source[i].text, golines[34 + i]);
	}
	buf_release(&log);
	buf_release(&go);
	classify_report_release(&r);

	/* without source directories no site has source lines */
	build(db, NULL, NULL, 0, NULL, &r);
	for (i = 0; i < r.nsites; i++)
		cr_expect(!r.sites[i].source_path && !r.sites[i].nsource, "%s", r.sites[i].function);
	classify_report_release(&r);
}

Test(report_html, max_sites_keeps_the_largest_and_still_counts_them_all)
{
	const char *db = t_fresh("max.db");
	struct classify_report all, top;
	int64_t shown = 0;
	size_t i;

	analyze_into(db, S26, "map_insert", "now");
	build(db, NULL, NULL, 0, NULL, &all);
	build(db, NULL, NULL, 3, NULL, &top);
	cr_assert_gt(all.nsites, 3);
	cr_expect_eq(top.nsites, 3);
	cr_expect_eq(top.nsites_all, all.nsites_all);
	for (i = 0; i < top.nsites; i++) {
		cr_expect_eq(top.sites[i].site_id, all.sites[i].site_id);
		shown += all.sites[i].value;
	}
	cr_expect_eq(top.shown_value, shown);
	cr_expect_eq(top.totals.total, all.totals.total);
	classify_report_release(&all);
	classify_report_release(&top);
}

Test(report_html, the_growth_since_a_baseline_adds_up_to_both_profiles_totals)
{
	static const char *const scen[] = {"too_large", "nonconst_size", "iface_fmt"};
	size_t k, i;

	for (k = 0; k < sizeof(scen) / sizeof(scen[0]); k++) {
		const char *db = t_fresh("growth-%zu.db", k);
		long long base = t_expect(t_path(S22 "%s.expect", scen[k]), "alloc_space");
		long long now = t_expect(t_path(S26 "%s.expect", scen[k]), "alloc_space");
		double scale;
		struct classify_report r;
		int64_t sb = 0, sn = 0;

		analyze_into(db, S22, scen[k], "before");
		analyze_into(db, S26, scen[k], "after");
		build(db, "after", "before", 0, NULL, &r);
		cr_assert_neq(r.base_analysis_id, 0);
		cr_expect_eq(r.base_totals.total, base, "%s: baseline %lld, pprof %lld", scen[k],
			     (long long)r.base_totals.total, base);
		cr_expect_eq(r.totals.total, now);
		cr_expect_str_eq(r.base_profile.name, "before");
		scale = (double)t_sql_int(db, "SELECT duration_nanos FROM profiles WHERE name = 'after'") /
			(double)t_sql_int(db, "SELECT duration_nanos FROM profiles WHERE name = 'before'");
		if (!isfinite(scale) || scale <= 0)
			scale = 1.0;
		cr_expect(fabs(r.base_scale - scale) < 1e-12, "%s: scale %g, durations say %g", scen[k],
			  r.base_scale, scale);
		for (i = 0; i < r.ncauses; i++) {
			const struct classify_report_cause *x = &r.causes[i];

			sb += x->base;
			sn += x->value;
			cr_expect_eq(x->base_scaled, (int64_t)llround((double)x->base * scale), "%s %s", scen[k], x->cause);
			cr_expect_eq(x->change, x->value - x->base_scaled, "%s %s", scen[k], x->cause);
		}
		cr_expect_eq(sb, base, "%s: the baseline's causes add up to %lld", scen[k], (long long)sb);
		cr_expect_eq(sn, now, "%s: the causes add up to %lld", scen[k], (long long)sn);
		/* by_growth: every cause once, the largest change first */
		for (i = 0; i < r.ncauses; i++) {
			const struct classify_report_cause *x = &r.causes[r.by_growth[i]];

			cr_assert_lt(r.by_growth[i], r.ncauses);
			if (i) {
				const struct classify_report_cause *p = &r.causes[r.by_growth[i - 1]];

				cr_expect((double)p->value - scale * (double)p->base >=
					  (double)x->value - scale * (double)x->base, "%s: growth order", scen[k]);
			}
		}
		cr_expect_leq(r.ngrowth, CLASSIFY_REPORT_GROWTH_SITES);
		for (i = 0; i < r.ngrowth; i++) {
			cr_expect_geq(r.growth[i].change, 1, "%s: %s did not grow", scen[k], r.growth[i].function);
			cr_expect_eq(r.growth[i].change, r.growth[i].now - r.growth[i].base_scaled);
			cr_expect_not_null(r.growth[i].cause);
			cr_expect_null(strchr(r.growth[i].file_name, '/'), "%s", r.growth[i].file_name);
		}
		classify_report_release(&r);
	}
}

/* ---- a store that fails part way ---------------------------------------------------- */

static int ignore_rows(void *ctx, size_t ncols, const char *const *names, const struct store_value *v)
{
	(void)ctx;
	(void)ncols;
	(void)names;
	(void)v;
	return 0;
}

/* What breaks one of the report's questions: each is asked after some have succeeded.
 * (Parameters are copied into the test's process: the text is held, not pointed to.) */
struct sabotage {
	char sql[64];
};

ParameterizedTestParameters(report_html, a_failed_question_fails_the_whole_report)
{
	static struct sabotage breaks[] = {
		{"DROP VIEW sample_types"},			/* the profile's facts */
		{"ALTER TABLE analysis_build RENAME TO gone"},	/* the analysis's builds */
		{"ALTER TABLE diagnostic RENAME TO gone"},	/* the sites with their diagnostics */
		{"DROP VIEW flow_steps"},			/* a diagnostic's lines */
	};

	return cr_make_param_array(struct sabotage, breaks, sizeof(breaks) / sizeof(breaks[0]));
}

ParameterizedTest(struct sabotage *sabotage, report_html, a_failed_question_fails_the_whole_report)
{
	const char *db = t_fresh("broken.db");
	struct classify_report_opts o = {.max_sites = 0};
	struct classify_report r;
	struct store *s;
	struct err e = {0};
	int64_t pid, aid;

	analyze_into(db, S26, "iface_fmt", "now");
	cr_assert_eq(store_open(&s, db, STORE_READ_WRITE, &e), ESC_OK, "%s", e.msg);
	cr_assert_eq(store_latest_profile(s, &pid, &e), ESC_OK);
	cr_assert_eq(store_latest_analysis(s, pid, &aid, &e), ESC_OK);
	cr_assert_eq(store_query_write(s, sabotage->sql, ignore_rows, NULL, &e), 0, "%s: %s", sabotage->sql, e.msg);
	cr_expect_eq(classify_report_build(s, pid, aid, 0, 0, STORE_ALLOC_SPACE, &o, &r, &e), ESC_EDB,
		     "%s: the report was made", sabotage->sql);
	cr_expect_neq(e.msg[0], '\0');
	/* nothing is left to write a page of zeros from */
	cr_expect(!r.nsites && !r.sites && !r.ncauses && !r.causes && !r.nbuilds && !r.profile.name &&
		  !r.totals.total, "%s: the report holds part of the data", sabotage->sql);
	classify_report_release(&r);
	store_close(s);
}

/* ---- the writer on hostile names ----------------------------------------------------- */

/* Markup, quotes, a reference, end tags of what holds text, every C0 control but NUL,
 * DEL, C1 controls and invalid UTF-8 of several kinds */
#define MARKUP "<img src=x onerror=alert(1)>\"'&amp;</pre></td></script><!--]]>"
#define CTL "\x01\x02\x07\x08\x09\x0a\x0b\x0c\x0d\x1b[31m\x1f\x7f" "\xc2\x85\xc2\x9b"
#define BAD "\x80\xbf" "\xc0\xaf" "\xed\xa0\x80" "\xf4\x90\x80\x80" "\xfe\xff" "\xe2\x82" "x"
#define HOSTILE MARKUP CTL BAD

static char source_text[] = "src " MARKUP "\0" CTL BAD;

/* A report with the baseline, where every string is hostile. */
static void hostile_report(struct classify_report *r)
{
	static struct classify_report_build builds[] = {{7, HOSTILE "b", HOSTILE "bs", HOSTILE "go"}};
	static struct classify_report_cause causes[] = {
		{HOSTILE "c1", 900, 2, 9, 100, 100, 800},
		{"unknown", 50, 1, 5, 80, 80, -30},
		{HOSTILE "gone", 0, 0, 0, 40, 40, -40},
	};
	static size_t by_growth[] = {0, 2, 1};
	static struct classify_report_share shares[] = {{HOSTILE "c1", 900}, {"unknown", 50}};
	static struct classify_report_package packages[] = {{HOSTILE "pkg", 950, shares, 2}};
	static struct classify_report_step steps[] = {{1, HOSTILE "flow", 1}, {2, HOSTILE "from", 0}};
	static struct classify_report_source_line src[] = {{11, source_text, sizeof(source_text) - 1},
							   {12, HOSTILE, sizeof(HOSTILE) - 1}};
	static struct classify_report_site sites[] = {
		{.site_id = 1, .function = HOSTILE "f", .package = HOSTILE "pkg", .file = "/x/" HOSTILE "f.go",
		 .line = 12, .value = 900, .objects = 9, .cause = HOSTILE "c1", .confidence = 0.9,
		 .via = HOSTILE "via", .evidence = HOSTILE "ev", .diag_file = HOSTILE "d.go",
		 .message = HOSTILE "msg", .diag_line = 12, .diag_col = 3, .decisive_seq = 2,
		 .steps = steps, .nsteps = 2, .source_path = HOSTILE "path", .source = src, .nsource = 2},
		{.site_id = 2, .function = HOSTILE "g", .file = HOSTILE, .line = 1, .value = 50, .objects = 5,
		 .cause = "unknown", .confidence = 0.1},
	};
	static struct classify_report_growth_site growth[] = {
		{HOSTILE "f", HOSTILE "f.go", HOSTILE "via", 12, HOSTILE "c1", 900, 100, 800},
		{HOSTILE "g", HOSTILE, "", 1, NULL, 50, 0, 50},
	};

	memset(r, 0, sizeof(*r));
	r->ix = STORE_ALLOC_SPACE;
	r->analysis_id = 3;
	r->profile = (struct classify_report_profile){1, HOSTILE "name", HOSTILE "source", HOSTILE "sha",
						      HOSTILE "fmt", 1, 2, {1, 1, 1, 1}, {9, 950, 1, 10}};
	r->totals = (struct store_totals){950, 900, 900, 14};
	r->nsites_all = 5;
	r->builds = builds;
	r->nbuilds = 1;
	r->causes = causes;
	r->ncauses = 3;
	r->packages = packages;
	r->npackages = 1;
	r->shares = shares;
	r->nshares = 2;
	r->sites = sites;
	r->nsites = 2;
	r->shown_value = 950;
	r->base_analysis_id = 2;
	r->base_profile = (struct classify_report_profile){2, HOSTILE "name", HOSTILE "base", HOSTILE "sha",
							   HOSTILE "fmt", 1, 1, {1, 1, 1, 1}, {8, 220, 1, 9}};
	r->base_totals = (struct store_totals){220, 140, 140, 8};
	r->base_scale = 2.0;
	r->by_growth = by_growth;
	r->growth = growth;
	r->ngrowth = 2;
}

/* Runs sh -c cmd; its standard output into out, and returns the exit status. */
static int sh(struct buf *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int sh(struct buf *out, const char *fmt, ...)
{
	char args[4096], cmd[4608];
	const char *o = t_fresh("sh.out");
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "{ %s; } >'%s'", args, o);
	st = system(cmd);
	t_read(out, o);
	unlink(o);
	cr_assert(WIFEXITED(st), "%s", cmd);
	return WEXITSTATUS(st);
}

Test(report_html, the_page_escapes_hostile_names_and_parses_as_html)
{
	const char *path = t_fresh("hostile.html");
	struct out_html_opts o = {HOSTILE "title", "0.0.0"};
	struct classify_report r;
	struct err e = {0};
	struct buf page, out;
	size_t i, n;
	char *l, *save = NULL;

	hostile_report(&r);
	cr_assert_eq(out_html_save(path, &r, &o, &e), ESC_OK, "%s", e.msg);
	t_read(&page, path);
	/* valid UTF-8, and no control byte but LF: what the strings held is replaced */
	for (i = 0; i < page.len; i += n) {
		unsigned char c = (unsigned char)page.data[i];

		n = out_utf8_seq((const unsigned char *)page.data + i, page.len - i);
		cr_assert_gt(n, 0, "invalid UTF-8 at byte %zu: %.20s", i, page.data + i);
		cr_assert(c >= 0x20 || c == '\n', "control byte %#x at byte %zu", c, i);
		cr_assert_neq(c, 0x7f, "DEL at byte %zu", i);
		cr_assert(n != 2 || (unsigned char)page.data[i] != 0xc2 || (unsigned char)page.data[i + 1] >= 0xa0,
			  "a C1 control at byte %zu", i);
	}
	cr_expect_null(strstr(page.data, "<img"), "markup from a name reached the page");
	/* libxml2's HTML parser knows HTML 4: only its "Tag X invalid" of HTML 5 elements may appear */
	sh(&out, "xmllint --html --noout '%s' 2>&1", path);
	cr_expect_not_null(strstr(out.data, "Tag section invalid"), "xmllint said nothing: %s", out.data);
	for (l = strtok_r(out.data, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		const char *err = strstr(l, "error :");
		char tag[32];

		if (err)
			cr_expect_eq(sscanf(err, "error : Tag %31s invalid", tag), 1, "xmllint: %s", l);
	}
	buf_release(&out);
	/* read as a browser's parser reads it: one script, no injected element, the names back */
	cr_expect_eq(sh(&out, "xmllint --html --xpath 'count(//script)' '%s' 2>/dev/null", path), 0);
	cr_expect_str_eq(out.data, "1\n");
	buf_release(&out);
	sh(&out, "xmllint --html --xpath 'count(//img)' '%s' 2>/dev/null", path);
	cr_expect_str_eq(out.data, "0\n");
	buf_release(&out);
	sh(&out, "xmllint --html --xpath 'count(//tbody[@class=\"site\"])' '%s' 2>/dev/null", path);
	cr_expect_str_eq(out.data, "2\n");
	buf_release(&out);
	sh(&out, "xmllint --html --xpath 'string(//tbody[@id=\"site-1\"]/@data-function)' '%s' 2>/dev/null", path);
	cr_expect(!strncmp(out.data, MARKUP, strlen(MARKUP)), "the name read back: %s", out.data);
	buf_release(&out);
	sh(&out, "xmllint --html --xpath 'string(//tbody[@id=\"site-1\"]//pre[@class=\"src\"])' '%s' 2>/dev/null",
	   path);
	cr_expect(strstr(out.data, "src " MARKUP "\xef\xbf\xbd"), "the source line (its NUL a U+FFFD): %s", out.data);
	buf_release(&out);
	cr_expect_eq(sh(&out, "xmllint --html --xpath 'count(//table[@id=\"growth-sites\"]//tr)' '%s' 2>/dev/null",
			path), 0);
	cr_expect_str_eq(out.data, "3\n");
	buf_release(&out);
	buf_release(&page);
}

Test(report_html, a_report_without_a_sample_type_writes_nothing)
{
	struct classify_report r;
	struct err e = {0};
	char *data = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&data, &len);

	hostile_report(&r);
	r.ix = STORE_NHEAP;
	cr_assert_not_null(f);
	cr_expect_eq(out_html_write(f, &r, NULL, &e), ESC_EUSAGE);
	fclose(f);
	cr_expect_eq(len, 0);
	free(data);
}

Test(report_html, a_page_that_cannot_be_saved_names_the_file_and_leaves_nothing)
{
	const char *dir = t_fresh("no-such-dir");
	char path[1024];
	struct classify_report r;
	struct err e = {0};
	struct buf out;

	snprintf(path, sizeof(path), "%s/page.html", dir);
	hostile_report(&r);
	cr_expect_eq(out_html_save(path, &r, NULL, &e), ESC_EIO);
	cr_expect(strstr(e.msg, "cannot create '") && strstr(e.msg, "page.html'"), "%s", e.msg);
	cr_expect_neq(access(path, F_OK), 0);
	/* into /dev/full: written in place, the failure said, the device left a device */
	cr_expect_eq(out_html_save("/dev/full", &r, NULL, &e), ESC_EIO);
	sh(&out, "test -c /dev/full && echo device");
	cr_expect_str_eq(out.data, "device\n");
	buf_release(&out);
}
