/* test_report.c — `escprof report --html` on the sample programs. The file is read as
 * written (every expected site of expected-causes.tsv is a row with its cause, values
 * add up to the pprof totals of the .expect files, nothing is fetched from outside) and,
 * when Chromium is installed, as a browser renders it: the charts and rows are in the
 * DOM after the script ran, the URL fragment sorts, filters and opens rows, and a
 * screenshot has the size asked for. Without Chromium those tests skip, saying so. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/testutil.h"

#define S22 "sample-profiles/out/go1.22/"
#define S26 "sample-profiles/out/go1.26/"
#define SRC "-source_path sample-profiles -trim_path /src/samples"

static const char *out_path(const char *name)
{
	return t_fresh("%s.html", name);
}

static void need_chromium(void)
{
	if (!t_chromium())
		cr_skip_test("chromium is not installed (apt-get install chromium); the browser checks are skipped");
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (; (hay = strstr(hay, needle)); hay += strlen(needle))
		n++;
	return n;
}

/* Undoes HTML character references in place. */
static void unescape(char *s)
{
	static const struct { const char *ref; const char *text; } refs[] = {
		{"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"},
		{"&nbsp;", "\xc2\xa0"},
	};
	char *w = s;
	size_t i;

	while (*s) {
		if (*s == '&') {
			for (i = 0; i < sizeof(refs) / sizeof(refs[0]); i++)
				if (!strncmp(s, refs[i].ref, strlen(refs[i].ref)))
					break;
			if (i < sizeof(refs) / sizeof(refs[0])) {
				memmove(w, refs[i].text, strlen(refs[i].text));
				w += strlen(refs[i].text);
				s += strlen(refs[i].ref);
				continue;
			}
			if (s[1] == '#') {
				char *end;
				long cp = s[2] == 'x' ? strtol(s + 3, &end, 16) : strtol(s + 2, &end, 10);

				if (*end == ';' && cp > 0 && cp < 0x80) {
					*w++ = (char)cp;
					s = end + 1;
					continue;
				}
			}
		}
		*w++ = *s++;
	}
	*w = '\0';
}

/* The end of the tag opening at p ('>' outside quotes). */
static const char *tag_end(const char *p)
{
	char q = 0;

	for (; *p; p++) {
		if (q) {
			if (*p == q)
				q = 0;
		} else if (*p == '"' || *p == '\'') {
			q = *p;
		} else if (*p == '>') {
			return p;
		}
	}
	return p;
}

/* The value of attribute name in the tag at p, unescaped into out; 0 when absent. A bare
 * attribute (hidden) has the value "". */
static int attr(const char *p, const char *name, char *out, size_t n)
{
	const char *end = tag_end(p), *a;
	size_t nl = strlen(name);

	for (a = p; (a = strstr(a, name)) && a < end; a += nl) {
		if (a[-1] != ' ' || (a[nl] != '=' && a[nl] != ' ' && a[nl] != '>'))
			continue;
		if (a[nl] != '=') {
			out[0] = '\0';
			return 1;
		}
		{
			const char *v = a + nl + 2, *ve = strchr(v, a[nl + 1]);

			cr_assert(ve && ve < end + 1, "unterminated attribute %s", name);
			snprintf(out, n, "%.*s", (int)(ve - v), v);
			unescape(out);
			return 1;
		}
	}
	return 0;
}

struct row {
	char function[512], file[512], cause[64], via[512];
	long line;
	long long value, objects, site;
	int hidden;
	const char *at;	/* the tbody's tag in the page */
};

/* The site rows of a page, in document order. */
static size_t rows(const char *html, struct row *v, size_t max)
{
	const char *p = html;
	char tmp[64];
	size_t n = 0;

	while ((p = strstr(p, "<tbody class=\"site\"")) && n < max) {
		struct row *r = &v[n++];

		memset(r, 0, sizeof(*r));
		r->at = p;
		cr_assert(attr(p, "data-function", r->function, sizeof(r->function)));
		cr_assert(attr(p, "data-file", r->file, sizeof(r->file)));
		cr_assert(attr(p, "data-cause", r->cause, sizeof(r->cause)));
		if (!attr(p, "data-via", r->via, sizeof(r->via)))
			r->via[0] = '\0';
		cr_assert(attr(p, "data-line", tmp, sizeof(tmp)));
		r->line = atol(tmp);
		cr_assert(attr(p, "data-value", tmp, sizeof(tmp)));
		r->value = atoll(tmp);
		cr_assert(attr(p, "data-objects", tmp, sizeof(tmp)));
		r->objects = atoll(tmp);
		cr_assert(attr(p, "data-site", tmp, sizeof(tmp)));
		r->site = atoll(tmp);
		r->hidden = attr(p, "hidden", tmp, sizeof(tmp));
		p++;
	}
	return n;
}

static long long total_of(const char *html)
{
	const char *t = strstr(html, "<table id=\"sites\"");
	char tmp[64];

	cr_assert_not_null(t);
	cr_assert(attr(t, "data-total", tmp, sizeof(tmp)));
	return atoll(tmp);
}

/* Nothing on the page may be fetched: no external script, style, font, image or frame,
 * and the CSP forbids any that slipped in. */
static void expect_self_contained(const char *html, const char *what)
{
	cr_expect(!strncmp(html, "<!DOCTYPE html>", 15), "%s: no doctype", what);
	cr_expect(strstr(html, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"),
		  "%s: no CSP", what);
	/* only the page's own script may run: by its hash, never 'unsafe-inline' */
	cr_expect(strstr(html, "script-src 'sha256-") && !strstr(html, "script-src 'unsafe-inline'"),
		  "%s: the CSP lets any inline script run", what);
	cr_expect_eq(count(html, "<script"), 1, "%s: one inline script, no other", what);
	cr_expect_eq(count(html, "http://") + count(html, "https://") + count(html, " src=") +
		     count(html, "<link") + count(html, "url(") + count(html, "@import") +
		     count(html, "<iframe") + count(html, "<img"), 0, "%s: refers to something outside", what);
}

static void report(const char *out, const char *args)
{
	struct buf err;

	cr_assert_eq(t_run(NULL, &err, "report -q --html '%s' %s", out, args), 0, "%s: %s", args, err.data);
	buf_release(&err);
}

Test(html, every_expected_site_is_a_row_with_its_cause_and_the_values_add_up)
{
	static const int minors[] = {19, 26};
	size_t ne, i, k, m, n, j;
	struct t_expect_cause *ex = t_expect_causes(&ne);
	struct row *rs = calloc(2000, sizeof(*rs));
	char args[2048];

	cr_assert_not_null(rs);
	for (m = 0; m < 2; m++)
		for (k = 0; k < T_NSCENARIOS; k++) {
			const char *sc = t_scenarios[k], *out = out_path("sites");
			struct buf b;
			long long sum = 0, want;

			snprintf(args, sizeof(args), "-n 0 " SRC " sample-profiles/out/go1.%d/%s.pb.gz"
				 " sample-profiles/out/go1.%d/%s.mm.txt", minors[m], sc, minors[m], sc);
			report(out, args);
			t_read(&b, out);
			expect_self_contained(b.data, sc);
			n = rows(b.data, rs, 2000);
			for (j = 0; j < n; j++)
				sum += rs[j].value;
			want = t_expect(t_path("sample-profiles/out/go1.%d/%s.expect", minors[m], sc), "alloc_space");
			cr_expect_eq(sum, want, "go1.%d %s: rows add up to %lld, pprof says %lld", minors[m], sc, sum, want);
			cr_expect_eq(total_of(b.data), want, "go1.%d %s: the total", minors[m], sc);
			for (i = 0; i < ne; i++) {
				int found = 0;

				if (strcmp(ex[i].scen, sc) || !t_version_matches(ex[i].versions, minors[m]))
					continue;
				for (j = 0; j < n && !found; j++)
					found = !strcmp(rs[j].function, ex[i].fn) && rs[j].line == ex[i].line &&
						!strcmp(rs[j].cause, ex[i].cause) &&
						t_via_matches(ex[i].via, rs[j].via[0] ? rs[j].via : NULL);
				cr_expect(found, "go1.%d %s: no row %s:%ld via %s with cause %s", minors[m], sc,
					  ex[i].fn, ex[i].line, ex[i].via, ex[i].cause);
			}
			buf_release(&b);
		}
	free(rs);
	free(ex);
}

Test(html, the_sample_index_picks_the_type_and_the_totals_follow)
{
	static const char *const types[] = {"alloc_objects", "alloc_space", "inuse_objects", "inuse_space"};
	static const char *const scen[] = {"iface_fmt", "too_large", "map_insert"};
	struct row *rs = calloc(2000, sizeof(*rs));
	size_t t, k, n, j;
	char args[1024], tmp[64];

	cr_assert_not_null(rs);
	for (k = 0; k < 3; k++)
		for (t = 0; t < 4; t++) {
			const char *out = out_path("types");
			long long want = t_expect(t_path(S26 "%s.expect", scen[k]), types[t]), sum = 0;
			struct buf b;

			snprintf(args, sizeof(args), "-n 0 -sample_index %s " S26 "%s.pb.gz " S26 "%s.mm.txt",
				 types[t], scen[k], scen[k]);
			report(out, args);
			t_read(&b, out);
			cr_assert(attr(strstr(b.data, "<table id=\"sites\""), "data-sample-index", tmp, sizeof(tmp)));
			cr_expect_str_eq(tmp, types[t]);
			cr_expect_eq(total_of(b.data), want, "%s %s", scen[k], types[t]);
			n = rows(b.data, rs, 2000);
			for (j = 0; j < n; j++) {
				sum += rs[j].value;
				cr_expect_neq(rs[j].value, 0, "%s %s: a row with nothing", scen[k], types[t]);
			}
			cr_expect_eq(sum, want, "%s %s: rows add up to %lld, pprof says %lld", scen[k], types[t], sum, want);
			buf_release(&b);
		}
	free(rs);
}

Test(html, a_row_opens_onto_the_compilers_words_and_the_source)
{
	const char *out = out_path("detail"), *flow, *end, *src;
	struct buf b, log, go;
	struct row rs[64];
	size_t n, j;
	char prefix[128], *line, *save = NULL, *pre, *mm, want[512];
	int col = 0, found = -1;

	report(out, SRC " " S26 "iface_fmt.pb.gz " S26 "iface_fmt.mm.txt");
	t_read(&b, out);
	n = rows(b.data, rs, 64);
	for (j = 0; j < n; j++)
		if (!strcmp(rs[j].function, "main.printLine") && rs[j].line == 38 && !rs[j].via[0])
			found = (int)j;
	cr_assert_geq(found, 0, "no row for main.printLine:38");
	end = (size_t)found + 1 < n ? rs[found + 1].at : b.data + b.len;
	flow = strstr(rs[found].at, "<pre class=\"flow\">");
	cr_assert(flow && flow < end, "the row has no flow chain");
	flow += strlen("<pre class=\"flow\">");
	pre = strndup(flow, (size_t)(strstr(flow, "</pre>") - flow));
	/* the chain as text: marks removed, references undone */
	while ((mm = strstr(pre, "<mark>")))
		memmove(mm, mm + 6, strlen(mm + 6) + 1);
	while ((mm = strstr(pre, "</mark>"))) {
		memmove(mm + 1, mm + 7, strlen(mm + 7) + 1);
		*mm = '\n';
	}
	unescape(pre);
	cr_assert_eq(sscanf(pre, "iface_fmt/main.go:38:%d:", &col), 1, "%s", pre);
	/* every line the compiler printed for that diagnostic, without its position */
	snprintf(prefix, sizeof(prefix), "iface_fmt/main.go:38:%d: ", col);
	t_read(&log, t_path(S26 "iface_fmt.mm.txt"));
	{
		const char *at = pre;
		int header = 1, lines = 0;

		for (line = strtok_r(log.data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			if (strncmp(line, prefix, strlen(prefix)))
				continue;
			if (!header && strncmp(line + strlen(prefix), "  ", 2))
				continue;	/* the summary line that repeats the header */
			if (header) {
				/* the header as printed, less the " in FUNC:" the store keeps apart */
				char *in = strstr(line, " in printLine:");

				cr_assert_not_null(in, "%s", line);
				snprintf(want, sizeof(want), "%.*s\n", (int)(in - line), line);
				cr_expect(!strncmp(pre, want, strlen(want)), "header: want %s got %s", want, pre);
				header = 0;
				continue;
			}
			snprintf(want, sizeof(want), "\n%s\n", line + strlen(prefix));
			at = strstr(at, want);
			cr_expect_not_null(at, "the chain lacks or misorders '%s':\n%s", line, pre);
			if (!at)
				break;
			at++;
			lines++;
		}
		cr_expect_geq(lines, 4, "the chain of 38:%d has %d lines", col, lines);
	}
	/* the source around the line, the line itself marked */
	src = strstr(rs[found].at, "<pre class=\"src\">");
	cr_assert(src && src < end, "no source shown with -source_path");
	t_read(&go, t_path("sample-profiles/iface_fmt/main.go"));
	{
		char *l = go.data;
		int k;

		for (k = 1; k < 38; k++)
			l = strchr(l, '\n') + 1;
		*strchr(l, '\n') = '\0';
		char *block = strndup(src, (size_t)(strstr(src, "</pre>") - src));

		unescape(block);	/* the markup stays, the text's references are undone */
		snprintf(want, sizeof(want), "<mark><span class=\"ln\">38</span>%s</mark>", l);
		cr_expect(strstr(block, want), "no marked line 38 (%s) in %s", want, block);
		free(block);
	}
	free(pre);
	buf_release(&b);
	buf_release(&log);
	buf_release(&go);

	/* without -source_path no source block, the chain stays */
	report(out, S26 "iface_fmt.pb.gz " S26 "iface_fmt.mm.txt");
	t_read(&b, out);
	cr_expect_eq(count(b.data, "<pre class=\"src\">"), 0);
	cr_expect_gt(count(b.data, "<pre class=\"flow\">"), 0);
	buf_release(&b);
}

Test(html, without_a_build_the_causes_come_from_the_profile_and_it_says_so)
{
	/* what a profile alone can show: runtime and library frames, and source lines */
	static const char *const from_profile[] = {
		"unknown", "runtime-internal", "in-dependency", "append-growth", "map-growth",
		"string-build", "reflection", "interface-conversion",
	};
	size_t k, j, i, n;
	struct row *rs = calloc(2000, sizeof(*rs));
	char args[1024];

	cr_assert_not_null(rs);
	for (k = 0; k < T_NSCENARIOS; k++) {
		const char *out = out_path("nobuild"), *p;
		struct buf b;

		snprintf(args, sizeof(args), "-n 0 " S26 "%s.pb.gz", t_scenarios[k]);
		report(out, args);
		t_read(&b, out);
		cr_expect(strstr(b.data, "id=\"no-build\""), "%s: the page does not say there is no build", t_scenarios[k]);
		cr_expect(strstr(b.data, "<b>0.0%</b><span>joined to a compiler diagnostic"), "%s", t_scenarios[k]);
		n = rows(b.data, rs, 2000);
		for (j = 0; j < n; j++) {
			for (i = 0; i < sizeof(from_profile) / sizeof(from_profile[0]); i++)
				if (!strcmp(rs[j].cause, from_profile[i]))
					break;
			cr_expect_lt(i, sizeof(from_profile) / sizeof(from_profile[0]),
				     "%s: %s:%ld has cause %s without compiler output", t_scenarios[k],
				     rs[j].function, rs[j].line, rs[j].cause);
		}
		for (p = b.data; (p = strstr(p, "data-attr=\"cause\" data-value=\"")); p++) {
			char cause[64];

			cr_assert(attr(p, "data-value", cause, sizeof(cause)));
			for (i = 0; i < sizeof(from_profile) / sizeof(from_profile[0]); i++)
				if (!strcmp(cause, from_profile[i]))
					break;
			cr_expect_lt(i, sizeof(from_profile) / sizeof(from_profile[0]), "%s: bar for %s", t_scenarios[k], cause);
		}
		buf_release(&b);
	}
	free(rs);
}

Test(html, the_growth_by_cause_adds_up_to_the_change_between_profiles)
{
	static const char *const scen[] = {"too_large", "nonconst_size", "iface_fmt"};
	size_t k;
	char args[2048], db[512];

	snprintf(db, sizeof(db), "%s/growth-%d.db", t_tmpdir(), getpid());
	for (k = 0; k < 3; k++) {
		const char *out = out_path("growth"), *p;
		long long base = t_expect(t_path(S22 "%s.expect", scen[k]), "alloc_space");
		long long now = t_expect(t_path(S26 "%s.expect", scen[k]), "alloc_space");
		long long sb = 0, sn = 0, sd = 0;
		size_t nrows = 0;
		struct buf b;

		snprintf(args, sizeof(args), "--baseline " S22 "%s.pb.gz --baseline-build " S22 "%s.mm.txt "
			 S26 "%s.pb.gz " S26 "%s.mm.txt", scen[k], scen[k], scen[k], scen[k]);
		report(out, args);
		t_read(&b, out);
		cr_assert(strstr(b.data, "<svg class=\"chart\" id=\"chart-growth\""), "%s: no growth chart", scen[k]);
		for (p = strstr(b.data, "id=\"growth-table\""); p && (p = strstr(p, "<tr data-cause=")); p++) {
			char v[64];

			cr_assert(attr(p, "data-base", v, sizeof(v)));
			sb += atoll(v);
			cr_assert(attr(p, "data-now", v, sizeof(v)));
			sn += atoll(v);
			cr_assert(attr(p, "data-delta", v, sizeof(v)));
			sd += atoll(v);
			nrows++;
		}
		cr_expect_eq(sb, base, "%s: baseline %lld, pprof %lld", scen[k], sb, base);
		cr_expect_eq(sn, now, "%s: now %lld, pprof %lld", scen[k], sn, now);
		cr_expect_eq(sd, now - base, "%s: changes add up to %lld, pprof says %lld", scen[k], sd, now - base);
		/* the growth chart is the last one: a bar per row of its table */
		cr_expect_eq(count(strstr(b.data, "id=\"chart-growth\""), "<g class=\"bar\""), nrows);
		buf_release(&b);
	}
	/* the same from a store, the baseline named */
	unlink(db);
	cr_assert_eq(t_run(NULL, NULL, "load -q --db '%s' --name before " S22 "too_large.pb.gz", db), 0);
	cr_assert_eq(t_run(NULL, NULL, "escapes -q --db '%s' " S22 "too_large.mm.txt", db), 0);
	cr_assert_eq(t_run(NULL, NULL, "analyze -q --db '%s' --name after " S26 "too_large.pb.gz " S26 "too_large.mm.txt >/dev/null", db), 0);
	{
		const char *out = out_path("growth-db");
		struct buf b;

		snprintf(args, sizeof(args), "--db '%s' --profile after --baseline before", db);
		report(out, args);
		t_read(&b, out);
		cr_expect(strstr(b.data, "id=\"growth-table\""));
		buf_release(&b);
	}
}

Test(html, a_store_that_fails_mid_report_is_exit_3_and_leaves_no_page)
{
	const char *db = t_fresh("broken.db"), *out = out_path("broken");
	struct buf err;

	cr_assert_eq(t_run(NULL, NULL, "analyze -q --db '%s' " S26 "iface_fmt.pb.gz " S26 "iface_fmt.mm.txt >/dev/null",
			   db), 0);
	/* the flow lines are read after the profile, totals, causes and sites */
	cr_assert_eq(t_run(NULL, NULL, "sql -q --write --db '%s' 'DROP VIEW flow_steps'", db), 0);
	cr_expect_eq(t_run(NULL, &err, "report -q --db '%s' --html '%s'", db, out), 3);
	cr_expect(strstr(err.data, "flow_steps"), "%s", err.data);
	cr_expect_neq(access(out, F_OK), 0, "a page was written from a failed store");
	buf_release(&err);
}

/* The oracle for a site's own bytes: the alloc_space of the samples whose leaf (the
 * first line of their first location) is fn at line, summed from `pprof -raw`. */
static long long raw_leaf_bytes(const char *raw_path, const char *fn, long line)
{
	struct t_raw r;
	long long sum = 0;
	size_t i;

	t_raw_read(&r, t_path("%s", raw_path));
	for (i = 0; i < r.n; i++)
		if (r.s[i].function && !strcmp(r.s[i].function, fn) && atol(strrchr(r.s[i].pos, ':') + 1) == line)
			sum += r.s[i].alloc_space;
	t_raw_release(&r);
	return sum;
}

Test(html, the_sites_that_grew_most_match_pprof_line_by_line)
{
	static const char *const scen[] = {"too_large", "nonconst_size", "realistic_json"};
	size_t k;
	char args[2048];

	for (k = 0; k < 3; k++) {
		const char *out = out_path("growth-sites"), *p, *t;
		struct buf b;
		int checked = 0;
		long long last = -1;

		snprintf(args, sizeof(args), "--baseline " S22 "%s.pb.gz --baseline-build " S22 "%s.mm.txt "
			 S26 "%s.pb.gz " S26 "%s.mm.txt", scen[k], scen[k], scen[k], scen[k]);
		report(out, args);
		t_read(&b, out);
		t = strstr(b.data, "id=\"growth-sites\"");
		cr_assert_not_null(t, "%s: no table of growing sites", scen[k]);
		for (p = t; (p = strstr(p, "<tr data-function=")); p++) {
			char fn[256], file[256], v[64], raw22[128], raw26[128];
			long line;
			long long base, now, delta;

			cr_assert(attr(p, "data-function", fn, sizeof(fn)) && attr(p, "data-file", file, sizeof(file)));
			cr_assert(attr(p, "data-line", v, sizeof(v)));
			line = atol(v);
			cr_assert(attr(p, "data-base", v, sizeof(v)));
			base = atoll(v);
			cr_assert(attr(p, "data-now", v, sizeof(v)));
			now = atoll(v);
			cr_assert(attr(p, "data-delta", v, sizeof(v)));
			delta = atoll(v);
			cr_expect_eq(delta, now - base);
			cr_expect_gt(delta, 0, "%s %s:%ld did not grow", scen[k], fn, line);
			if (last >= 0)
				cr_expect_leq(delta, last, "%s: not biggest growth first", scen[k]);
			last = delta;
			/* a main.* site that allocates itself (no dependency after the name) is the
			 * leaf of its samples: pprof's own numbers */
			{
				const char *via = strstr(p, "<small>&rarr;"), *end = strstr(p, "</tr>");

				if (strncmp(fn, "main.", 5) || (via && via < end))
					continue;
			}
			snprintf(raw22, sizeof(raw22), S22 "%s.raw.txt", scen[k]);
			snprintf(raw26, sizeof(raw26), S26 "%s.raw.txt", scen[k]);
			cr_expect_eq(base, raw_leaf_bytes(raw22, fn, line), "%s %s:%ld: baseline %lld", scen[k], fn, line, base);
			cr_expect_eq(now, raw_leaf_bytes(raw26, fn, line), "%s %s:%ld: now %lld", scen[k], fn, line, now);
			checked++;
		}
		cr_expect_gt(checked, 0, "%s: no main.* row checked against pprof", scen[k]);
		buf_release(&b);
	}
}

Test(html, n_limits_the_table_and_says_what_is_left_out)
{
	const char *all = out_path("all"), *three = out_path("three");
	struct row rs[256];
	struct buf a, b;
	size_t na;
	char want[128];

	report(all, "-n 0 " S26 "realistic_json.pb.gz " S26 "realistic_json.mm.txt");
	report(three, "-n 3 " S26 "realistic_json.pb.gz " S26 "realistic_json.mm.txt");
	t_read(&a, all);
	t_read(&b, three);
	na = rows(a.data, rs, 256);
	cr_assert_gt(na, 3);
	cr_expect_eq(rows(b.data, rs, 256), 3);
	snprintf(want, sizeof(want), "The 3 largest of %zu sites", na);
	cr_expect(strstr(b.data, want), "no '%s'", want);
	cr_expect_null(strstr(a.data, "largest of"));
	buf_release(&a);
	buf_release(&b);
}

Test(html, bad_input_leaves_no_report_and_an_old_one_untouched)
{
	const char *out = out_path("bad");
	char bad[512], cmd[1200];
	struct buf b, err, gz;

	/* a real profile cut short */
	t_read(&gz, t_path(S26 "iface_fmt.pb.gz"));
	snprintf(bad, sizeof(bad), "%s/cut-%d.pb.gz", t_tmpdir(), getpid());
	t_write(bad, gz.data, gz.len / 2);
	buf_release(&gz);
	cr_expect_eq(t_run(NULL, &err, "report --html '%s' '%s'", out, bad), 3);
	cr_expect(strstr(err.data, bad) && strstr(err.data, "byte") && count(err.data, "\n") == 1, "%s", err.data);
	cr_expect_neq(access(out, F_OK), 0, "a report was written for bad input");
	buf_release(&err);

	t_write(out, "old", 3);
	cr_expect_eq(t_run(NULL, NULL, "report --html '%s' '%s'", out, bad), 3);
	t_read(&b, out);
	cr_expect(b.len == 3 && !memcmp(b.data, "old", 3), "the old report was touched");
	buf_release(&b);
	snprintf(cmd, sizeof(cmd), "ls '%s' | grep -c '^%d-bad.html.' >/dev/null", t_tmpdir(), getpid());
	cr_expect_neq(system(cmd), 0, "a temporary file was left behind");

	cr_expect_eq(t_run(NULL, &err, "report --html '%s/no/such/dir/r.html' " S26 "iface_fmt.pb.gz", t_tmpdir()), 3);
	cr_expect(strstr(err.data, "cannot create") && strstr(err.data, "r.html"), "%s", err.data);
	buf_release(&err);
	cr_expect_eq(t_run(NULL, NULL, "report " S26 "iface_fmt.pb.gz"), 2, "--html is required");
	cr_expect_eq(t_run(NULL, NULL, "report --html '%s' --format json " S26 "iface_fmt.pb.gz", out), 2);
	cr_expect_eq(t_run(NULL, NULL, "report --html '%s' -n -1 " S26 "iface_fmt.pb.gz", out), 2);
	cr_expect_eq(t_run(NULL, NULL, "report --html '%s' -sample_index cpu " S26 "iface_fmt.pb.gz", out), 2);
	cr_expect_eq(t_run(NULL, NULL, "report --html '%s' --baseline-build x " S26 "iface_fmt.pb.gz", out), 2);
	cr_expect_eq(t_run(NULL, NULL, "report --html '%s' --baseline " S22 "iface_fmt.pb.gz --baseline-build stored "
			   S26 "iface_fmt.pb.gz", out), 2, "a stored build without --db");
	cr_expect_eq(t_run(NULL, NULL, "report --html '%s' --baseline before " S26 "iface_fmt.pb.gz", out), 2,
		     "a stored profile without --db");
}

Test(html, the_title_and_standard_output_are_escaped_too)
{
	struct buf out;

	cr_assert_eq(t_run(&out, NULL, "report -q --html - --title '<b>\"x\"</b> & y' " S26 "iface_fmt.pb.gz"), 0);
	cr_expect(strstr(out.data, "<title>&lt;b&gt;&quot;x&quot;&lt;/b&gt; &amp; y</title>"), "%.400s", out.data);
	cr_expect_null(strstr(out.data, "<b>\"x\""));
	buf_release(&out);
}

/* ---- in a browser ----------------------------------------------------------------------- */

/* PNG width and height from the IHDR chunk. */
static void png_size(const struct buf *b, unsigned *w, unsigned *h)
{
	const unsigned char *u = (const unsigned char *)b->data;

	cr_assert_geq(b->len, 24);
	cr_assert(!memcmp(u, "\x89PNG\r\n\x1a\n", 8) && !memcmp(u + 12, "IHDR", 4), "not a PNG");
	*w = (unsigned)u[16] << 24 | (unsigned)u[17] << 16 | (unsigned)u[18] << 8 | u[19];
	*h = (unsigned)u[20] << 24 | (unsigned)u[21] << 16 | (unsigned)u[22] << 8 | u[23];
}

Test(html, chromium_renders_the_charts_and_the_rows, .timeout = 600)
{
	const char *out = out_path("chromium");
	struct buf page, dom, png;
	struct row rs[256];
	size_t n, ne, i, nbars;
	struct t_expect_cause *ex;
	char pngpath[600], want[256], shown[32];
	unsigned w, h;

	need_chromium();
	report(out, SRC " " S26 "iface_fmt.pb.gz " S26 "iface_fmt.mm.txt");
	t_read(&page, out);
	cr_assert_eq(t_chromium_dom(&dom, out, NULL), 0);
	cr_assert(strstr(dom.data, "data-ready=\"yes\""), "the script did not finish");
	/* the charts, as SVG in the DOM */
	for (i = 0; i < 3; i++) {
		static const char *const ids[] = {"chart-cause", "chart-package", "chart-sites"};

		snprintf(want, sizeof(want), "<svg class=\"chart\" id=\"%s\"", ids[i]);
		cr_expect(strstr(dom.data, want), "no %s", ids[i]);
	}
	/* a bar for every cause the hand-written table expects */
	ex = t_expect_causes(&ne);
	for (i = 0; i < ne; i++) {
		if (strcmp(ex[i].scen, "iface_fmt") || !t_version_matches(ex[i].versions, 26))
			continue;
		snprintf(want, sizeof(want), "data-attr=\"cause\" data-value=\"%s\"", ex[i].cause);
		cr_expect(strstr(strstr(dom.data, "id=\"chart-cause\""), want), "no bar for %s", ex[i].cause);
	}
	free(ex);
	cr_expect(strstr(strstr(dom.data, "id=\"chart-package\""), "data-attr=\"q\" data-value=\"main\""));
	{
		struct row fr[256];

		n = rows(dom.data, fr, 256);
		cr_assert_eq(n, rows(page.data, rs, 256), "the DOM and the file hold the same rows");
		for (i = 0; i < n; i++)
			cr_expect_eq(fr[i].site, rs[i].site, "row %zu: the script reordered the page's order", i);
	}
	/* the chart shows a source line once, however many causes and dependencies it has */
	{
		size_t lines = 0, j;

		for (i = 0; i < n; i++) {
			for (j = 0; j < i && !(rs[j].line == rs[i].line && !strcmp(rs[j].function, rs[i].function) &&
					      !strcmp(rs[j].file, rs[i].file)); j++)
				;
			lines += j == i;
		}
		nbars = count(strstr(dom.data, "id=\"chart-sites\""), "data-attr=\"site\"");
		cr_expect_eq(nbars, lines < 15 ? lines : 15);
	}
	cr_assert(attr(strstr(dom.data, "<table id=\"sites\""), "data-shown", shown, sizeof(shown)));
	cr_expect_eq((size_t)atol(shown), n, "every row is shown before any filter");
	cr_expect_eq(count(dom.data, "<script"), 1);
	buf_release(&dom);
	buf_release(&page);

	snprintf(pngpath, sizeof(pngpath), "%s/shot-%d.png", t_tmpdir(), getpid());
	cr_assert_eq(t_chromium_screenshot(pngpath, out, 1200, 1600), 0);
	t_read(&png, pngpath);
	png_size(&png, &w, &h);
	cr_expect(w == 1200 && h == 1600, "screenshot is %ux%u", w, h);
	/* a blank page compresses to a few KiB; charts and text do not */
	cr_expect_gt(png.len, 40000, "screenshot of %zu bytes looks blank", png.len);
	buf_release(&png);
}

Test(html, the_fragment_sorts_filters_and_opens_rows_in_chromium, .timeout = 600)
{
	const char *out = out_path("fragment");
	struct row rs[256], fr[256];
	struct buf page, dom;
	size_t n, i, want_n = 0, got_n = 0;
	long long print_site = -1;
	char frag[64], *p;

	need_chromium();
	report(out, SRC " " S26 "iface_fmt.pb.gz " S26 "iface_fmt.mm.txt");
	t_read(&page, out);
	n = rows(page.data, rs, 256);
	cr_assert_gt(n, 3);

	cr_assert_eq(t_chromium_dom(&dom, out, "sort=objects&dir=asc"), 0);
	cr_assert_eq(rows(dom.data, fr, 256), n);
	for (i = 1; i < n; i++)
		cr_expect_leq(fr[i - 1].objects, fr[i].objects, "row %zu out of order", i);
	cr_expect(strstr(dom.data, "data-key=\"objects\" class=\"num\" aria-sort=\"ascending\""));
	buf_release(&dom);

	cr_assert_eq(t_chromium_dom(&dom, out, "sort=function"), 0);
	rows(dom.data, fr, 256);
	for (i = 1; i < n; i++)
		cr_expect_leq(strcmp(fr[i - 1].function, fr[i].function), 0, "row %zu out of order", i);
	buf_release(&dom);

	for (i = 0; i < n; i++)
		want_n += !strcmp(rs[i].cause, "string-build");
	cr_assert_gt(want_n, 0);
	cr_assert_eq(t_chromium_dom(&dom, out, "cause=string-build"), 0);
	rows(dom.data, fr, 256);
	for (i = 0; i < n; i++) {
		cr_expect_eq(fr[i].hidden, strcmp(fr[i].cause, "string-build") != 0, "%s %s", fr[i].function, fr[i].cause);
		got_n += !fr[i].hidden;
	}
	cr_expect_eq(got_n, want_n);
	buf_release(&dom);

	cr_assert_eq(t_chromium_dom(&dom, out, "q=printline"), 0);
	rows(dom.data, fr, 256);
	for (i = 0; i < n; i++) {
		cr_expect_eq(fr[i].hidden, strstr(fr[i].function, "printLine") == NULL, "%s", fr[i].function);
		if (!strcmp(fr[i].function, "main.printLine"))
			print_site = fr[i].site;
	}
	buf_release(&dom);

	cr_assert_geq(print_site, 0);
	snprintf(frag, sizeof(frag), "open=%lld", print_site);
	cr_assert_eq(t_chromium_dom(&dom, out, frag), 0);
	rows(dom.data, fr, 256);
	for (i = 0; i < n; i++) {
		const char *row = strstr(fr[i].at, "<tr class=\"row\""), *det = strstr(fr[i].at, "<tr class=\"detail\"");
		char v[16];

		cr_assert(row && det);
		cr_assert(attr(row, "aria-expanded", v, sizeof(v)));
		cr_expect_str_eq(v, fr[i].site == print_site ? "true" : "false");
		cr_expect_eq(attr(det, "hidden", v, sizeof(v)), fr[i].site != print_site, "site %lld", fr[i].site);
	}
	p = strstr(dom.data, "id=\"shown\">");
	snprintf(frag, sizeof(frag), "%zu of %zu sites", n, n);
	cr_expect(p && !strncmp(p + 11, frag, strlen(frag)), "%.60s", p);
	buf_release(&dom);
	buf_release(&page);
}
