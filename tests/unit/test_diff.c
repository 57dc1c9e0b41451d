/* test_diff.c — the diff engine in-process: profiles and compiler logs from sample-profiles
 * loaded into a store built here (the decoder, the log parser and the join, no command),
 * then classify_diff_profiles and classify_diff_builds checked against oracles that do not
 * go through them: pprof's own totals (.expect), `go tool pprof -raw` dumps, sums over the
 * public alloc_sites view, and the escape lines of the real -m -m logs. A store that fails
 * part way must say so, in the library and at the command line (exit 3). */
#include <criterion/criterion.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify/classify.h"
#include "output/output.h"
#include "gclog/gclog.h"
#include "profile/profile.h"
#include "store/store.h"
#include "tests/testutil.h"

#define S22 "sample-profiles/out/go1.22/"
#define S26 "sample-profiles/out/go1.26/"
#define BUD "sample-profiles/budget/out/go1.26/"
#define DP "sample-profiles/diffpair/out/go1.19/"

/* ---- a store built in-process ---- */

static struct store *new_store(void)
{
	struct store *s;
	struct err e = {0};

	cr_assert_eq(store_open(&s, ":memory:", STORE_READ_WRITE, &e), ESC_OK, "%s", e.msg);
	return s;
}

static int64_t add_profile(struct store *s, const char *rel)
{
	struct profile *p;
	struct err e = {0};
	const char *path = t_path("%s", rel);
	struct store_profile_opts o = {.name = rel, .source = path, .sha256 = rel};
	int64_t id;
	int added;

	cr_assert_eq(profile_open_file(&p, path, NULL, &e), ESC_OK, "%s", e.msg);
	cr_assert_eq(store_add_profile(s, p, &o, &id, &added, &e), ESC_OK, "%s", e.msg);
	profile_free(p);
	return id;
}

struct log_run {
	struct store_build *b;
	struct err *e;
};

static int on_diag(void *ctx, const struct gc_diag *d)
{
	struct log_run *r = ctx;
	char norm[4096];

	classify_norm_path(d->file, norm, sizeof(norm));
	return store_build_add(r->b, d, norm, r->e);
}

static int64_t add_build(struct store *s, const char *rel)
{
	struct store_build_opts o = {.name = rel, .source = t_path("%s", rel)};
	struct err e = {0};
	struct gc_stats st;
	struct log_run *r = calloc(1, sizeof(*r));
	int64_t id;
	int added;

	cr_assert_not_null(r);
	r->e = &e;
	cr_assert_eq(store_build_begin(s, &o, &r->b, &e), ESC_OK, "%s", e.msg);
	cr_assert_eq(gc_parse_log_file(o.source, on_diag, r, &st, &e), 0, "%s", e.msg);
	cr_assert_eq(store_build_commit(r->b, rel, st.go_version, &id, &added, &e), ESC_OK, "%s", e.msg);
	free(r);
	return id;
}

/* the join of profile with build (0: none), stored */
static int64_t add_analysis(struct store *s, int64_t profile, int64_t build)
{
	struct store_cause_row rows[64];
	const struct classify_cause *cs;
	struct classify_result r;
	struct err e = {0};
	size_t nc, i;
	int64_t id;

	cs = classify_causes(&nc);
	cr_assert_leq(nc, 64);
	for (i = 0; i < nc; i++)
		rows[i] = (struct store_cause_row){cs[i].id, cs[i].title, cs[i].hint};
	cr_assert_eq(classify_analyze(s, profile, &build, build ? 1 : 0, NULL, &r, &e), ESC_OK, "%s", e.msg);
	cr_assert_eq(store_add_analysis(s, profile, &build, build ? 1 : 0, rows, nc, r.sites, r.nsites,
					NULL, 0, &id, &e), ESC_OK, "%s", e.msg);
	classify_result_release(&r);
	return id;
}

/* the budget pair: before and after one change to the program, each with its log */
struct pair {
	struct store *s;
	struct classify_diff_side before, after;
};

static void budget_pair(struct pair *p)
{
	int64_t bb, ab;

	*p = (struct pair){0};
	p->s = new_store();
	p->before.profile_id = add_profile(p->s, BUD "before.pb.gz");
	p->after.profile_id = add_profile(p->s, BUD "after.pb.gz");
	bb = add_build(p->s, BUD "before.mm.txt");
	ab = add_build(p->s, BUD "after.mm.txt");
	p->before.analysis_id = add_analysis(p->s, p->before.profile_id, bb);
	p->after.analysis_id = add_analysis(p->s, p->after.profile_id, ab);
}

static const struct classify_diff_row *row(const struct classify_profile_diff *d, const char *key)
{
	for (size_t i = 0; i < d->n; i++)
		if (!strcmp(d->rows[i].key, key))
			return &d->rows[i];
	return NULL;
}

/* the first row whose key contains part */
static const struct classify_diff_row *row_with(const struct classify_profile_diff *d, const char *part)
{
	for (size_t i = 0; i < d->n; i++)
		if (strstr(d->rows[i].key, part))
			return &d->rows[i];
	return NULL;
}

static int take_int(void *ctx, size_t ncols, const char *const *names, const struct store_value *v)
{
	(void)ncols;
	(void)names;
	if (v)
		*(long long *)ctx = v[0].type == STORE_INT ? v[0].i : 0;
	return 0;
}

/* an integer through the public views, as a user would ask it */
static long long view_int(struct store *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static long long view_int(struct store *s, const char *fmt, ...)
{
	char sql[1024];
	long long v = -1;
	struct err e = {0};
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	cr_assert_eq(store_query(s, sql, take_int, &v, &e), 0, "%s: %s", sql, e.msg);
	return v;
}

/* ---- profiles ---- */

Test(diff, a_site_that_appeared_is_reported_as_new_with_all_its_bytes)
{
	struct pair p;
	struct classify_profile_diff d;
	struct err e = {0};
	struct t_raw raw;
	const struct classify_diff_row *r;
	long long want = 0;

	budget_pair(&p);
	cr_assert_eq(classify_diff_profiles(p.s, &p.before, &p.after, STORE_ALLOC_SPACE, STORE_GROUP_SITE, &d, &e),
		     ESC_OK, "%s", e.msg);
	/* the oracle: pprof's samples whose leaf is main.go:61 in the new profile */
	t_raw_read(&raw, t_path(BUD "after.raw.txt"));
	for (size_t i = 0; i < raw.n; i++)
		if (raw.s[i].pos && strstr(raw.s[i].pos, "/budget/app/main.go:61"))
			want += raw.s[i].alloc_space;
	t_raw_release(&raw);
	cr_assert_gt(want, 0);
	r = row_with(&d, "main.parse /src/samples/budget/app/main.go:61 ");
	cr_assert_not_null(r);
	cr_expect_eq(r->base, 0);
	cr_expect_eq(r->cur, want);
	cr_expect_eq(r->delta, (double)want);
	cr_expect_eq(r->change, CLASSIFY_NEW);
	cr_expect_str_eq(classify_change_name(r->change), "new");
	classify_profile_diff_release(&d);
	store_close(p.s);
}

Test(diff, a_site_that_grew_by_n_bytes_is_reported_as_grown)
{
	struct pair p;
	struct classify_profile_diff d;
	struct err e = {0};
	const struct classify_diff_row *r;
	long long base, cur;

	budget_pair(&p);
	cr_assert_eq(classify_diff_profiles(p.s, &p.before, &p.after, STORE_ALLOC_SPACE, STORE_GROUP_FUNCTION,
					    &d, &e), ESC_OK, "%s", e.msg);
	base = view_int(p.s, "SELECT sum(alloc_space) FROM alloc_sites WHERE profile_id = %lld"
			" AND function = 'main.render'", (long long)p.before.profile_id);
	cur = view_int(p.s, "SELECT sum(alloc_space) FROM alloc_sites WHERE profile_id = %lld"
		       " AND function = 'main.render'", (long long)p.after.profile_id);
	cr_assert_gt(cur, base, "the sample grows main.render: %lld -> %lld", base, cur);
	r = row(&d, "main.render");
	cr_assert_not_null(r);
	cr_expect_eq(r->base, base);
	cr_expect_eq(r->cur, cur);
	cr_expect_eq(r->delta, (double)(cur - base));
	cr_expect_eq(r->change, CLASSIFY_GREW);
	classify_profile_diff_release(&d);
	store_close(p.s);
}

Test(diff, every_byte_of_both_profiles_is_in_exactly_one_key_whatever_the_grouping)
{
	static const enum store_site_group groups[] = {STORE_GROUP_SITE, STORE_GROUP_FUNCTION, STORE_GROUP_CAUSE};
	struct pair p;
	struct err e = {0};

	budget_pair(&p);
	for (size_t g = 0; g < 3; g++) {
		struct classify_profile_diff d;
		long long base = 0, cur = 0;

		cr_assert_eq(classify_diff_profiles(p.s, &p.before, &p.after, STORE_ALLOC_SPACE, groups[g], &d, &e),
			     ESC_OK, "%s", e.msg);
		for (size_t i = 0; i < d.n; i++) {
			base += d.rows[i].base;
			cur += d.rows[i].cur;
			for (size_t j = 0; j < i; j++)
				cr_assert_str_neq(d.rows[i].key, d.rows[j].key, "a key twice");
		}
		/* pprof's totals of each profile */
		cr_expect_eq(base, t_expect(t_path(BUD "before.expect"), "alloc_space"), "grouping %zu", g);
		cr_expect_eq(cur, t_expect(t_path(BUD "after.expect"), "alloc_space"), "grouping %zu", g);
		classify_profile_diff_release(&d);
	}
	store_close(p.s);
}

Test(diff, keys_come_biggest_change_first_either_way_then_by_name)
{
	struct pair p;
	struct classify_profile_diff d;
	struct err e = {0};

	budget_pair(&p);
	cr_assert_eq(classify_diff_profiles(p.s, &p.after, &p.before, STORE_INUSE_SPACE, STORE_GROUP_SITE, &d, &e),
		     ESC_OK, "%s", e.msg);
	cr_assert_gt(d.n, 2);
	for (size_t i = 1; i < d.n; i++) {
		const struct classify_diff_row *a = &d.rows[i - 1], *b = &d.rows[i];

		double ma = a->delta < 0 ? -a->delta : a->delta, mb = b->delta < 0 ? -b->delta : b->delta;

		cr_expect(ma > mb || (ma == mb && strcmp(a->key, b->key) < 0),
			  "%s (%g) before %s (%g)", a->key, a->delta, b->key, b->delta);
	}
	classify_profile_diff_release(&d);
	store_close(p.s);
}

Test(diff, a_profile_against_itself_has_nothing_that_changed)
{
	struct pair p;
	struct classify_profile_diff d;
	struct err e = {0};

	budget_pair(&p);
	cr_assert_eq(classify_diff_profiles(p.s, &p.after, &p.after, STORE_ALLOC_SPACE, STORE_GROUP_CAUSE, &d, &e),
		     ESC_OK, "%s", e.msg);
	cr_assert_gt(d.n, 0);
	cr_expect_eq(d.scale, 1.0);
	for (size_t i = 0; i < d.n; i++) {
		cr_expect_eq(d.rows[i].delta, 0.0, "%s", d.rows[i].key);
		if (d.rows[i].base)
			cr_expect_eq(d.rows[i].change, CLASSIFY_SAME, "%s", d.rows[i].key);
	}
	classify_profile_diff_release(&d);
	store_close(p.s);
}

Test(diff, the_base_is_scaled_to_the_new_profiles_duration)
{
	struct pair p;
	struct classify_profile_diff d;
	struct err e = {0};
	const struct classify_diff_row *r;

	budget_pair(&p);
	/* the samples carry no duration: give them 4 s and 10 s */
	cr_assert_eq(store_query_write(p.s, "UPDATE profile SET duration_nanos = 4000000000 WHERE id = 1", take_int,
				       &(long long){0}, &e), 0, "%s", e.msg);
	cr_assert_eq(store_query_write(p.s, "UPDATE profile SET duration_nanos = 10000000000 WHERE id = 2", take_int,
				       &(long long){0}, &e), 0, "%s", e.msg);
	cr_assert_eq(p.before.profile_id, 1);
	cr_assert_eq(classify_diff_profiles(p.s, &p.before, &p.after, STORE_ALLOC_SPACE, STORE_GROUP_FUNCTION,
					    &d, &e), ESC_OK, "%s", e.msg);
	cr_expect_eq(d.scale, 2.5);
	r = row(&d, "main.render");
	cr_assert_not_null(r);
	cr_expect_eq(r->base_scaled, 2.5 * (double)r->base);
	cr_expect_eq(r->delta, (double)r->cur - 2.5 * (double)r->base);
	/* 10 s of the same rate is less than 2.5 times 4 s of it plus the change: it shrank */
	cr_expect_eq(r->change, CLASSIFY_SHRANK);
	classify_profile_diff_release(&d);
	store_close(p.s);
}

/* The diffpair program run with two sets of sizes, one build explaining both: newPoint
 * called 1000 then 3000 times, box 2000 then 500, scratch 100 then 0, table 0 then 3
 * (sample-profiles/diffpair/generate.sh). */
static void diffpair(struct pair *p, const char *trim)
{
	int64_t build;

	*p = (struct pair){0};
	p->s = new_store();
	p->before.profile_id = add_profile(p->s, DP "base.pb.gz");
	p->after.profile_id = add_profile(p->s, DP "new.pb.gz");
	build = add_build(p->s, DP "diffpair.mm.txt");
	p->before.analysis_id = add_analysis(p->s, p->before.profile_id, build);
	p->after.analysis_id = add_analysis(p->s, p->after.profile_id, build);
	p->before.trim = p->after.trim = trim;
}

/* the alloc_space of the samples whose leaf is at pos in a -raw dump */
static long long raw_at(const char *rel, const char *pos)
{
	struct t_raw raw;
	long long v = 0;

	t_raw_read(&raw, t_path("%s", rel));
	for (size_t i = 0; i < raw.n; i++)
		if (raw.s[i].pos && strstr(raw.s[i].pos, pos))
			v += raw.s[i].alloc_space;
	t_raw_release(&raw);
	return v;
}

/* the site row of function at diffpair/main.go:line */
static const struct classify_diff_row *site_at(const struct classify_profile_diff *d, const char *function,
					       long line)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->rows[i].function && !strcmp(d->rows[i].function, function) && d->rows[i].line == line &&
		    d->rows[i].file && strstr(d->rows[i].file, "diffpair/main.go"))
			return &d->rows[i];
	return NULL;
}

Test(diff, a_site_grew_shrank_appeared_or_went_as_pprof_measured_each_side)
{
	static const struct {
		const char *function, *pos, *cause;
		long line;
		enum classify_change change;
	} want[] = {
		/* "moved to heap: p", the address returned: pointer-returned */
		{"main.newPoint", "/diffpair/main.go:38", "pointer-returned", 38, CLASSIFY_GREW},
		/* "r escapes to heap", a struct returned as any: interface-conversion */
		{"main.box", "/diffpair/main.go:45", "interface-conversion", 45, CLASSIFY_SHRANK},
		/* "(non-constant size)": make([]byte, width) */
		{"main.scratch", "/diffpair/main.go:50", "non-constant-size", 50, CLASSIFY_GONE},
		/* "(too large for stack)": make([]byte, 128 << 10) */
		{"main.table", "/diffpair/main.go:57", "too-large-for-stack", 57, CLASSIFY_NEW},
	};
	static const char *const words[] = {
		"diffpair/main.go:38:2: moved to heap: p\n",
		"diffpair/main.go:45:9: r escapes to heap\n",
		"from make([]byte, width) (non-constant size) at diffpair/main.go:50:11\n",
		"from make([]byte, 128 << 10) (too large for stack) at diffpair/main.go:57:11\n",
	};
	struct pair p;
	struct classify_profile_diff d;
	struct err e = {0};
	struct buf log;

	/* the causes below are the compiler's own words in the log */
	t_read(&log, t_path(DP "diffpair.mm.txt"));
	for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++)
		cr_assert(strstr(log.data, words[i]), "the log says %s", words[i]);
	buf_release(&log);
	diffpair(&p, NULL);
	cr_assert_eq(classify_diff_profiles(p.s, &p.before, &p.after, STORE_ALLOC_SPACE, STORE_GROUP_SITE, &d, &e),
		     ESC_OK, "%s", e.msg);
	for (size_t i = 0; i < sizeof(want) / sizeof(*want); i++) {
		const struct classify_diff_row *r = site_at(&d, want[i].function, want[i].line);
		long long base = raw_at(DP "base.raw.txt", want[i].pos), cur = raw_at(DP "new.raw.txt", want[i].pos);

		cr_assert_not_null(r, "%s", want[i].function);
		cr_expect_eq(r->base, base, "%s: %lld", want[i].function, (long long)r->base);
		cr_expect_eq(r->cur, cur, "%s: %lld", want[i].function, (long long)r->cur);
		cr_expect_eq(r->delta, (double)(cur - base), "%s", want[i].function);
		cr_expect_eq(r->change, want[i].change, "%s: %s", want[i].function, classify_change_name(r->change));
		cr_expect_str_eq(r->cause, want[i].cause, "%s", want[i].function);
		cr_expect_str_eq(r->file, "/src/samples/diffpair/main.go");
	}
	/* the sizes: 24 B points, 32 B recs, 64 B scratch buffers, 128 KiB tables */
	cr_expect_eq(site_at(&d, "main.newPoint", 38)->base, 1000 * 24);
	cr_expect_eq(site_at(&d, "main.newPoint", 38)->cur, 3000 * 24);
	cr_expect_eq(site_at(&d, "main.box", 45)->cur, 500 * 32);
	cr_expect_eq(site_at(&d, "main.scratch", 50)->base, 100 * 64);
	cr_expect_eq(site_at(&d, "main.table", 57)->cur, 3 * 131072);
	/* pprof's totals of each side */
	cr_expect_eq(d.base_total, t_expect(t_path(DP "base.expect"), "alloc_space"));
	cr_expect_eq(d.cur_total, t_expect(t_path(DP "new.expect"), "alloc_space"));
	classify_profile_diff_release(&d);
	store_close(p.s);
}

Test(diff, objects_by_function_change_by_the_number_of_calls)
{
	static const struct {
		const char *function;
		int64_t base, cur;
		double pct;		/* (cur - base) / base, to 2 decimals; 0: none */
	} want[] = {
		{"main.newPoint", 1000, 3000, 200.0},
		{"main.box", 2000, 500, -75.0},
		{"main.scratch", 100, 0, -100.0},
		{"main.table", 0, 3, 0},
	};
	struct pair p;
	struct classify_profile_diff d;
	struct err e = {0};
	size_t counted = 0;

	diffpair(&p, NULL);
	cr_assert_eq(classify_diff_profiles(p.s, &p.before, &p.after, STORE_ALLOC_OBJECTS, STORE_GROUP_FUNCTION,
					    &d, &e), ESC_OK, "%s", e.msg);
	for (size_t i = 0; i < sizeof(want) / sizeof(*want); i++) {
		const struct classify_diff_row *r = row(&d, want[i].function);
		double pct = -1;

		cr_assert_not_null(r, "%s", want[i].function);
		cr_expect_null(r->file);
		cr_expect_null(r->cause);
		cr_expect_eq(r->base, want[i].base, "%s", want[i].function);
		cr_expect_eq(r->cur, want[i].cur, "%s", want[i].function);
		if (want[i].base) {
			cr_expect_eq(classify_diff_pct(r, &pct), 0);
			cr_expect_eq(out_pct_round(pct), want[i].pct, "%s: %g", want[i].function, pct);
		} else {
			cr_expect_eq(classify_diff_pct(r, &pct), -1, "no percentage of nothing");
		}
	}
	for (size_t i = 0; i < 5; i++)
		counted += d.count[i];
	cr_expect_eq(counted, d.n);
	classify_profile_diff_release(&d);
	store_close(p.s);
}

Test(diff, a_percentage_is_written_rounded_to_two_decimals)
{
	/* 1 on 3 is 33.333...%; 2 on 3 is 66.666...%: kept whole, rounded once when written */
	struct classify_diff_row a = {.base = 3, .cur = 4, .base_scaled = 3.0, .delta = 1.0};
	struct classify_diff_row b = {.base = 3, .cur = 1, .base_scaled = 3.0, .delta = -2.0};
	double p = 0;

	cr_assert_eq(classify_diff_pct(&a, &p), 0);
	cr_expect_eq(out_pct_round(p), 33.33);
	cr_assert_eq(classify_diff_pct(&b, &p), 0);
	cr_expect_eq(out_pct_round(p), -66.67);
}

Test(diff, a_trimmed_path_is_what_a_site_row_names)
{
	struct pair p;
	struct classify_profile_diff d;
	struct err e = {0};
	const struct classify_diff_row *r;

	/* the second prefix matches; a trailing slash is the same prefix */
	diffpair(&p, "/nowhere:/src/samples/");
	cr_assert_eq(classify_diff_profiles(p.s, &p.before, &p.after, STORE_ALLOC_SPACE, STORE_GROUP_SITE, &d, &e),
		     ESC_OK, "%s", e.msg);
	r = site_at(&d, "main.newPoint", 38);
	cr_assert_not_null(r);
	cr_expect_str_eq(r->file, "diffpair/main.go");
	cr_expect_eq(r->change, CLASSIFY_GREW);
	classify_profile_diff_release(&d);
	store_close(p.s);
}

/* ---- builds ---- */

/* The oracle: the summary lines of a -m -m log that put a value on the heap ("F:L:C:
 * moved to heap: x", "F:L:C: x escapes to heap"), keyed by file and message. */
static size_t escape_lines(const char *rel, char keys[][256], size_t max)
{
	regex_t re;
	regmatch_t m[4];
	struct buf b;
	size_t n = 0;
	char *line, *save = NULL;

	cr_assert_eq(regcomp(&re, "^([^ :]+):[0-9]+:[0-9]+: (moved to heap: [^ ]+|.* escapes to heap)$",
			     REG_EXTENDED), 0);
	t_read(&b, t_path("%s", rel));
	for (line = strtok_r(b.data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (regexec(&re, line, 4, m, 0))
			continue;
		cr_assert_lt(n, max);
		snprintf(keys[n++], 256, "%.*s %.*s", (int)(m[1].rm_eo - m[1].rm_so), line + m[1].rm_so,
			 (int)(m[2].rm_eo - m[2].rm_so), line + m[2].rm_so);
	}
	buf_release(&b);
	regfree(&re);
	return n;
}

/* how many of a's keys b lacks (as multisets) */
static size_t not_in(char a[][256], size_t na, char b[][256], size_t nb)
{
	int used[256] = {0};
	size_t i, j, n = 0;

	cr_assert_leq(nb, 256);
	for (i = 0; i < na; i++) {
		for (j = 0; j < nb && (used[j] || strcmp(a[i], b[j])); j++)
			;
		if (j < nb)
			used[j] = 1;
		else
			n++;
	}
	return n;
}

static void check_build_diff(const char *base, const char *cur)
{
	static char bk[256][256], ck[256][256];
	struct store *s = new_store();
	struct classify_build_diff d;
	struct err e = {0};
	size_t nb = escape_lines(base, bk, 256), nc = escape_lines(cur, ck, 256);
	int64_t b = add_build(s, base), c = add_build(s, cur);

	cr_assert_eq(classify_diff_builds(s, b, c, &d, &e), ESC_OK, "%s", e.msg);
	cr_expect_eq(d.base.n, nb, "%s", base);
	cr_expect_eq(d.cur.n, nc, "%s", cur);
	cr_expect_eq(d.added, not_in(ck, nc, bk, nb), "%s -> %s", base, cur);
	cr_expect_eq(d.removed, not_in(bk, nb, ck, nc), "%s -> %s", base, cur);
	classify_build_diff_release(&d);
	store_close(s);
}

Test(diff, a_go_upgrade_adds_the_escape_the_new_compiler_reports)
{
	struct store *s = new_store();
	struct classify_build_diff d;
	struct err e = {0};
	int64_t b = add_build(s, S22 "too_large.mm.txt"), c = add_build(s, S26 "too_large.mm.txt");
	size_t i, k = 0;

	check_build_diff(S22 "too_large.mm.txt", S26 "too_large.mm.txt");
	cr_assert_eq(classify_diff_builds(s, b, c, &d, &e), ESC_OK, "%s", e.msg);
	cr_assert_eq(d.added, 1);
	for (i = 0; i < d.cur.n; i++)
		if (!d.cur.v[i].matched)
			k = i;
	/* Go 1.24 moves variables over 128 KiB to the heap: main.go:47 `table` */
	cr_expect_str_eq(d.cur.msg[k], "moved to heap: table");
	cr_expect_str_eq(d.cur.file[k], "too_large/main.go");
	cr_expect_eq(d.cur.v[k].line, 47);
	cr_expect_str_eq(d.cur.v[k].kind, "moved_to_heap");
	classify_build_diff_release(&d);
	store_close(s);
}

Test(diff, escapes_the_new_compiler_keeps_on_the_stack_are_removed)
{
	check_build_diff(S22 "nonconst_size.mm.txt", S26 "nonconst_size.mm.txt");
	check_build_diff(S26 "nonconst_size.mm.txt", S22 "nonconst_size.mm.txt");
	check_build_diff(S22 "chan_send.mm.txt", S26 "chan_send.mm.txt");
}

Test(diff, a_build_against_itself_adds_and_removes_nothing)
{
	struct store *s = new_store();
	struct classify_build_diff d;
	struct err e = {0};
	int64_t b = add_build(s, S26 "iface_fmt.mm.txt");

	cr_assert_eq(classify_diff_builds(s, b, b, &d, &e), ESC_OK, "%s", e.msg);
	cr_expect_gt(d.cur.n, 0);
	cr_expect_eq(d.added, 0);
	cr_expect_eq(d.removed, 0);
	classify_build_diff_release(&d);
	store_close(s);
}

/* ---- failures reach the caller ---- */

Test(diff, a_table_the_diff_cannot_read_is_an_error_not_an_empty_diff)
{
	struct pair p;
	struct classify_profile_diff d;
	struct classify_build_diff bd;
	struct err e = {0};

	budget_pair(&p);
	cr_assert_eq(store_query_write(p.s, "DROP TABLE alloc_site", take_int, &(long long){0}, &e), 0, "%s", e.msg);
	cr_expect_eq(classify_diff_profiles(p.s, &p.before, &p.after, STORE_ALLOC_SPACE, STORE_GROUP_SITE, &d, &e),
		     ESC_EDB);
	cr_expect(strstr(e.msg, "alloc_site"), "%s", e.msg);
	cr_expect_eq(d.n, 0);
	classify_profile_diff_release(&d);
	err_clear(&e);
	cr_assert_eq(store_query_write(p.s, "DROP TABLE diagnostic", take_int, &(long long){0}, &e), 0, "%s", e.msg);
	cr_expect_eq(classify_diff_builds(p.s, 1, 2, &bd, &e), ESC_EDB);
	cr_expect(strstr(e.msg, "diagnostic"), "%s", e.msg);
	classify_build_diff_release(&bd);
	store_close(p.s);
}

/* the commands: exit 3 and the store's message, never an empty answer */
static const char *broken_db(const char *name, const char *drop)
{
	const char *db = t_fresh("diff-%s.db", name);

	cr_assert_eq(t_run(NULL, NULL, "analyze -q --db '%s' --name after %s %s >/dev/null", db, t_path(BUD "after.pb.gz"),
			   t_path(BUD "after.mm.txt")), 0);
	cr_assert_eq(t_run(NULL, NULL, "analyze -q --db '%s' --name before %s %s >/dev/null", db,
			   t_path(BUD "before.pb.gz"), t_path(BUD "before.mm.txt")), 0);
	/* two builds no profile shares a name with */
	cr_assert_eq(t_run(NULL, NULL, "escapes -q --db '%s' --name old %s >/dev/null", db, t_path(S22 "too_large.mm.txt")), 0);
	cr_assert_eq(t_run(NULL, NULL, "escapes -q --db '%s' --name new %s >/dev/null", db, t_path(S26 "too_large.mm.txt")), 0);
	cr_assert_eq(t_run(NULL, NULL, "sql --write --db '%s' 'DROP TABLE %s' >/dev/null", db, drop), 0);
	return db;
}

Test(diff, a_store_that_fails_under_a_command_is_exit_3_with_its_message)
{
	static const struct {
		const char *drop, *cmd, *args;
	} cases[] = {
		{"diagnostic", "diff", "old new"},		/* two builds */
		{"flow_step", "explain", "--profile after main.go:48"},	/* a site's steps */
		{"diagnostic", "explain", "--profile after main.go:61"},
		{"alloc_site", "diff", "before after"},
		{"alloc_site", "list", "--profile after main"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		const char *db = broken_db(cases[i].drop, cases[i].drop);
		struct buf out, err;
		char cmd[1024];

		snprintf(cmd, sizeof(cmd), "%s --db '%s' %s", cases[i].cmd, db, cases[i].args);
		cr_expect_eq(t_run(&out, &err, "%s", cmd), 3, "%s: %s", cmd, err.data);
		cr_expect(strstr(err.data, cases[i].drop), "%s: %s", cmd, err.data);
		cr_expect_eq(out.len, 0, "%s: %s", cmd, out.data);
		buf_release(&out);
		buf_release(&err);
	}
}
