/* test_samples.c — what a temporary store leaves out changes nothing: a decoded profile
 * read from memory (classify/samples.c) gives, sample for sample, what the store gives
 * for the same profile stored (frames, heap values, object size), grouped by stack the
 * same way; an analysis joined from memory is the analysis joined from the store, site
 * for site; and one joined with only the diagnostics the filter keeps of each log
 * (classify_diag_filter) is the one joined with the whole logs.
 * Every profile of sample-profiles/ is read (pprof and legacy text, Go 1.19 and 1.26,
 * the real programs), and the shared corpus's heap profiles when it is there. */
#include <criterion/criterion.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "classify/classify.h"
#include "common/buf.h"
#include "store/store.h"
#include "tests/testutil.h"

/* One line per sample: "id|values|size|function@file:line(inlined)>...", by sample id. */
struct dump {
	struct buf *lines;	/* [sample_id - 1] */
	size_t n;
	int64_t last_stack;	/* the stack of the previous sample */
	size_t stacks;		/* stacks seen, counting each change */
	struct buf seen;	/* stack ids already left behind, one per line */
	int regrouped;		/* a stack came back after another: not grouped */
};

static int take(void *ctx, const struct store_sample *smp)
{
	struct dump *d = ctx;
	struct buf *b;
	size_t i;

	cr_assert(smp->sample_id >= 1 && (size_t)smp->sample_id <= d->n, "sample id %lld of %zu",
		  (long long)smp->sample_id, d->n);
	b = &d->lines[smp->sample_id - 1];
	cr_assert_eq(b->len, 0, "sample %lld given twice", (long long)smp->sample_id);
	buf_printf(b, "%lld|%lld,%lld,%lld,%lld|%lld|", (long long)smp->sample_id,
		   (long long)smp->values[0], (long long)smp->values[1], (long long)smp->values[2],
		   (long long)smp->values[3], (long long)smp->object_size);
	for (i = 0; i < smp->nframes; i++)
		buf_printf(b, "%s@%s:%lld(%d)>", smp->frames[i].function, smp->frames[i].file,
			   (long long)smp->frames[i].line, smp->frames[i].inlined);
	if (smp->stack_id != d->last_stack) {
		char key[32];

		snprintf(key, sizeof(key), "|%lld|", (long long)smp->stack_id);
		if (d->seen.len && strstr(d->seen.data, key))
			d->regrouped = 1;
		if (d->last_stack)
			buf_printf(&d->seen, "|%lld|", (long long)d->last_stack);
		d->last_stack = smp->stack_id;
		d->stacks++;
	}
	return 0;
}

static void dump_init(struct dump *d, size_t n)
{
	memset(d, 0, sizeof(*d));
	d->n = n;
	d->lines = calloc(n + 1, sizeof(*d->lines));
	cr_assert_not_null(d->lines);
	for (size_t i = 0; i < n; i++)
		buf_init(&d->lines[i]);
	buf_init(&d->seen);
}

static void dump_release(struct dump *d)
{
	for (size_t i = 0; i < d->n; i++)
		buf_release(&d->lines[i]);
	free(d->lines);
	buf_release(&d->seen);
}

/* Compares both sources on one profile; returns 0 when the profile is not a heap profile. */
static int compare_sources(const char *path)
{
	struct store *s;
	struct profile *p = NULL;
	struct store_profile_opts o = {0};
	struct classify_ingest_profile_result r;
	struct dump a, b;
	struct err e = {0};
	int has[STORE_NHEAP];

	cr_assert_eq(store_open(&s, ":memory:", STORE_READ_WRITE, &e), ESC_OK, "%s", e.msg);
	cr_assert_eq(classify_ingest_profile_decoded(s, path, &o, NULL, &r, &p, &e), ESC_OK,
		     "%s: %s", path, e.msg);
	if (store_heap_types_of(s, r.id, has, &e)) {
		profile_free(p);
		store_close(s);
		return 0;
	}
	dump_init(&a, p->nsamples);
	dump_init(&b, p->nsamples);
	cr_assert_eq(store_foreach_heap_sample(s, r.id, take, &a, &e), 0, "%s: %s", path, e.msg);
	cr_assert_eq(classify_foreach_decoded_sample(p, take, &b, &e), 0, "%s: %s", path, e.msg);
	for (size_t i = 0; i < p->nsamples; i++)
		cr_assert_str_eq(b.lines[i].data ? b.lines[i].data : "", a.lines[i].data ? a.lines[i].data : "",
				 "%s: sample %zu differs", path, i + 1);
	cr_assert_not(b.regrouped, "%s: a stack's samples are not together", path);
	/* stacks with equal frames but different locations are one in the store, two here */
	cr_assert_geq(b.stacks, a.stacks, "%s", path);
	dump_release(&a);
	dump_release(&b);
	profile_free(p);
	store_close(s);
	return 1;
}

static size_t compare_glob(const char *pattern)
{
	glob_t g;
	size_t n = 0;

	if (glob(pattern, 0, NULL, &g))
		return 0;
	for (size_t i = 0; i < g.gl_pathc; i++)
		n += (size_t)compare_sources(g.gl_pathv[i]);
	globfree(&g);
	return n;
}

Test(samples, a_decoded_profile_gives_the_samples_its_stored_copy_gives, .timeout = 300)
{
	size_t n = 0;

	n += compare_glob(t_path("sample-profiles/out/go1.*/*.pb.gz"));
	n += compare_glob(t_path("sample-profiles/out/go1.*/*.heap.txt"));
	n += compare_glob(t_path("sample-profiles/real/*/go1.*/*.pb.gz"));
	n += compare_glob(t_path("sample-profiles/std/go1.*/*.pb.gz"));
	cr_assert_geq(n, 60, "only %zu heap profiles compared", n);
}

Test(samples, the_corpus_heap_profiles_give_the_same_samples_from_memory, .timeout = 300)
{
	char pattern[4096];
	size_t n;

	if (!t_shared())
		cr_skip("no ../shared: the corpus is not here");
	snprintf(pattern, sizeof(pattern), "%s/corpus/profiles/go-heap_*", t_shared());
	n = compare_glob(pattern);
	cr_assert_geq(n, 10, "only %zu corpus heap profiles compared", n);
}

/* The sites of an analysis as one text, in their order; with ids (the stored rows a
 * site joined) or without (another store numbers its rows otherwise) but with the
 * compiler's words. */
static void sites_text(struct buf *b, const struct classify_result *r, int ids)
{
	for (size_t i = 0; i < r->nsites; i++) {
		const struct store_site *x = &r->sites[i];

		buf_printf(b, "%s|%s|%s|%lld|%lld,%lld,%lld,%lld|%s|%.3f|%lld|%lld|%s|%lld|%d|%s|%s\n",
			   x->function, x->package ? x->package : "-", x->file, (long long)x->line,
			   (long long)x->values[0], (long long)x->values[1], (long long)x->values[2],
			   (long long)x->values[3], x->cause, x->confidence,
			   (long long)(ids ? x->build_id : !!x->build_id),
			   (long long)(ids ? x->diag_id : !!x->diag_id), x->attributed_via ? x->attributed_via : "-",
			   (long long)x->samples, x->decisive_seq, x->evidence ? x->evidence : "-",
			   x->diagnostic ? x->diagnostic : "-");
	}
	for (int k = 0; k < STORE_NHEAP; k++)
		buf_printf(b, "total %lld attributed %lld joined %lld\n", (long long)r->total[k],
			   (long long)r->attributed[k], (long long)r->joined[k]);
	/* how each build fits the profile: what decides which builds are used */
	for (size_t i = 0; i < r->nmatches; i++)
		buf_printf(b, "build %zu: %zu lines, %zu matched\n", i, r->matches[i].lines,
			   r->matches[i].matched);
}

/* The analysis of profile with logs in a store that keeps the profile's row only and
 * of each log what the join of that profile reads (a temporary store's way), as text. */
static void filtered_analysis(struct buf *out, const struct profile *p, const char *profile,
			      const char *const *logs, size_t nlogs)
{
	struct store *s;
	struct store_profile_opts o = {.without_samples = 1};
	struct classify_ingest_profile_result r;
	struct classify_opts co = {.decoded = p};
	struct classify_result res;
	int64_t builds[4];
	struct err e = {0};

	cr_assert_leq(nlogs, 4);
	cr_assert_eq(store_open(&s, ":memory:", STORE_READ_WRITE, &e), ESC_OK, "%s", e.msg);
	cr_assert_eq(classify_ingest_profile(s, profile, &o, NULL, &r, &e), ESC_OK, "%s", e.msg);
	for (size_t i = 0; i < nlogs; i++) {
		struct classify_ingest_build_result br;

		cr_assert_eq(classify_ingest_build_for(s, p, logs[i], NULL, 0, &br, &e), ESC_OK,
			     "%s: %s", logs[i], e.msg);
		builds[i] = br.id;
	}
	cr_assert_eq(classify_analyze(s, r.id, builds, nlogs, &co, &res, &e), ESC_OK, "%s", e.msg);
	sites_text(out, &res, 0);
	classify_result_release(&res);
	store_close(s);
}

static void compare_analyses(const char *profile, const char *log)
{
	struct store *s;
	struct profile *p = NULL;
	struct store_profile_opts o = {0};
	struct classify_ingest_profile_result r;
	struct classify_ingest_build_result br;
	struct classify_result ra, rb;
	struct classify_opts co = {0};
	struct buf ta, tb;
	struct err e = {0};

	cr_assert_eq(store_open(&s, ":memory:", STORE_READ_WRITE, &e), ESC_OK, "%s", e.msg);
	cr_assert_eq(classify_ingest_profile_decoded(s, profile, &o, NULL, &r, &p, &e), ESC_OK,
		     "%s: %s", profile, e.msg);
	cr_assert_eq(classify_ingest_build(s, log, NULL, NULL, 0, &br, &e), ESC_OK, "%s: %s", log, e.msg);
	cr_assert_eq(classify_analyze(s, r.id, &br.id, 1, &co, &ra, &e), ESC_OK, "%s", e.msg);
	co.decoded = p;
	cr_assert_eq(classify_analyze(s, r.id, &br.id, 1, &co, &rb, &e), ESC_OK, "%s", e.msg);
	buf_init(&ta);
	buf_init(&tb);
	sites_text(&ta, &ra, 1);
	sites_text(&tb, &rb, 1);
	cr_assert_gt(ra.nsites, 0, "%s", profile);
	cr_assert_str_eq(tb.data, ta.data, "%s with %s: the analyses differ", profile, log);
	/* a store that keeps of the log only what this join reads: the same analysis */
	buf_reset(&ta);
	buf_reset(&tb);
	sites_text(&ta, &ra, 0);
	filtered_analysis(&tb, p, profile, &log, 1);
	cr_assert_str_eq(tb.data, ta.data, "%s with %s filtered: the analyses differ", profile, log);
	buf_release(&ta);
	buf_release(&tb);
	classify_result_release(&ra);
	classify_result_release(&rb);
	profile_free(p);
	store_close(s);
}

Test(samples, an_analysis_joined_from_memory_is_the_one_joined_from_the_store, .timeout = 300)
{
	static const char *const versions[] = {"go1.19", "go1.26"};

	for (size_t v = 0; v < 2; v++)
		for (size_t i = 0; i < T_NSCENARIOS; i++)
			compare_analyses(t_path("sample-profiles/out/%s/%s.pb.gz", versions[v], t_scenarios[i]),
					 t_path("sample-profiles/out/%s/%s.mm.txt", versions[v], t_scenarios[i]));
	/* every real program with a plain log, with each of its profiles */
	{
		glob_t g;
		size_t n = 0;

		cr_assert_eq(glob(t_path("sample-profiles/real/*/go1.*/*.pb.gz"), 0, NULL, &g), 0);
		for (size_t i = 0; i < g.gl_pathc; i++) {
			char log[4096];

			snprintf(log, sizeof(log), "%.*sbuild.mm.txt",
				 (int)(strrchr(g.gl_pathv[i], '/') + 1 - g.gl_pathv[i]), g.gl_pathv[i]);
			if (access(log, R_OK))
				continue;
			compare_analyses(g.gl_pathv[i], log);
			n++;
		}
		cr_assert_geq(n, 20, "only %zu real profiles with a plain log", n);
		globfree(&g);
	}
}

/* Several logs, some of other programs: each build's fit and every site are the same
 * with the whole logs stored and with what the filter keeps of each. */
static void compare_with_logs(const char *profile, const char *const *logs, size_t nlogs)
{
	struct store *s;
	struct profile *p = NULL;
	struct store_profile_opts o = {0};
	struct classify_ingest_profile_result r;
	struct classify_opts co = {0};
	struct classify_result ra;
	int64_t builds[4];
	struct buf ta, tb;
	struct err e = {0};

	cr_assert_eq(store_open(&s, ":memory:", STORE_READ_WRITE, &e), ESC_OK, "%s", e.msg);
	cr_assert_eq(classify_ingest_profile_decoded(s, profile, &o, NULL, &r, &p, &e), ESC_OK,
		     "%s: %s", profile, e.msg);
	for (size_t i = 0; i < nlogs; i++) {
		struct classify_ingest_build_result br;

		cr_assert_eq(classify_ingest_build(s, logs[i], NULL, NULL, 0, &br, &e), ESC_OK,
			     "%s: %s", logs[i], e.msg);
		builds[i] = br.id;
	}
	co.decoded = p;
	cr_assert_eq(classify_analyze(s, r.id, builds, nlogs, &co, &ra, &e), ESC_OK, "%s", e.msg);
	buf_init(&ta);
	buf_init(&tb);
	sites_text(&ta, &ra, 0);
	filtered_analysis(&tb, p, profile, logs, nlogs);
	cr_assert_str_eq(tb.data, ta.data, "%s with %zu logs filtered: the analyses differ", profile, nlogs);
	buf_release(&ta);
	buf_release(&tb);
	classify_result_release(&ra);
	profile_free(p);
	store_close(s);
}

Test(samples, several_logs_give_the_same_fits_and_sites_filtered_or_whole, .timeout = 300)
{
	static const char *const progs[] = {"encoding_json", "go_parser", "regexp"};

	for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		char profile[4096], own[4096], other[4096], another[4096];
		const char *logs[3] = {own, other, another};

		snprintf(profile, sizeof(profile), "%s", t_path("sample-profiles/std/go1.26/%s.pb.gz", progs[i]));
		snprintf(own, sizeof(own), "%s", t_path("sample-profiles/std/go1.26/%s.mm.txt", progs[i]));
		snprintf(other, sizeof(other), "%s",
			 t_path("sample-profiles/std/go1.26/%s.mm.txt", progs[(i + 1) % 3]));
		snprintf(another, sizeof(another), "%s", t_path("sample-profiles/out/go1.26/realistic_json.mm.txt"));
		compare_with_logs(profile, logs, 3);
		/* another program's log first, alone too */
		compare_with_logs(profile, logs + 1, 2);
	}
}

/* The filter's rules one by one, on diagnostics away from the profile's lines: an
 * escaping closure whole (the join tells goroutines from it wherever it is), the first
 * of each package and of each (package, file) pair without steps, steps that note a map
 * put, nothing else; and while parsing, every step of a closure's block. */
Test(samples, the_filter_keeps_closures_the_first_of_each_package_and_file_and_noting_steps)
{
	struct profile *p;
	struct classify_diag_filter *f;
	struct err e = {0};
	struct gc_step put = {GC_STEP_FROM, NULL, NULL, 0, "key of map put", "m[k] = v", "a.go", 7, 3,
			      "from m[k] = v (key of map put) at a.go:7:3"};
	struct gc_step plain = {GC_STEP_FROM, NULL, NULL, 0, "assign", "x = y", "a.go", 8, 3,
				"from x = y (assign) at a.go:8:3"};
	struct gc_diag d = {"example.com/p", "a.go", 90001, 2, GC_ESCAPES, "x", "F", "x escapes to heap", &plain, 1};
	struct gc_step_spans sp = {0};
	struct gc_step_view v = {"a.go", 4, 90001, "func literal", 12, "flow: {heap} = &x:", 18, &sp};

	cr_assert_eq(profile_open_file(&p, t_path("sample-profiles/out/go1.26/goroutine.pb.gz"), NULL, &e),
		     ESC_OK, "%s", e.msg);
	cr_assert_eq(classify_diag_filter_new(p, &f, &e), ESC_OK, "%s", e.msg);
	cr_assert_eq(classify_diag_filter_keeps(f, &d, "a.go"), CLASSIFY_KEEP_HEAD, "first of package");
	cr_assert_eq(classify_diag_filter_keeps(f, &d, "a.go"), CLASSIFY_DROP, "seen package and file");
	cr_assert_eq(classify_diag_filter_keeps(f, &d, "b.go"), CLASSIFY_KEEP_HEAD, "first of its file");
	d.steps = &put;
	cr_assert_eq(classify_diag_filter_keeps(f, &d, "a.go"), CLASSIFY_KEEP_NOTES, "a map put");
	d.steps = &plain;
	d.subject = "func literal";
	cr_assert_eq(classify_diag_filter_keeps(f, &d, "a.go"), CLASSIFY_KEEP, "an escaping closure");
	cr_assert(classify_diag_filter_wants_step(f, &v), "a closure's steps are kept while parsing");
	v.subject = "x";
	v.subject_len = 1;
	cr_assert_not(classify_diag_filter_wants_step(f, &v), "an unnoting step away from the profile");
	/* at one of the profile's own lines: whole (goroutine/main.go:46 moves n to the heap) */
	d.subject = "n";
	d.file = "goroutine/main.go";
	d.line = 46;
	cr_assert_eq(classify_diag_filter_keeps(f, &d, "goroutine/main.go"), CLASSIFY_KEEP);
	v.file = "goroutine/main.go";
	v.file_len = strlen(v.file);
	v.line = 46;
	cr_assert(classify_diag_filter_wants_step(f, &v));
	classify_diag_filter_free(f);
	profile_free(p);
}

/* A build of the same program at another commit (every line moved): it covers the
 * profile's packages and files but none of its lines, and the filtered store must still
 * know which packages it covers to say so. The log is the real one with every line
 * number of its positions prefixed by 9. */
Test(samples, a_build_at_other_lines_fits_alike_filtered_or_whole)
{
	const char *moved = t_fresh("moved.mm.txt");
	const char *logs[2];
	char cmd[8192];

	snprintf(cmd, sizeof(cmd), "sed -E 's/(\\.go:)([0-9]+)/\\19\\2/g' '%s' > '%s'",
		 t_path("sample-profiles/out/go1.26/realistic_json.mm.txt"), moved);
	cr_assert_eq(system(cmd), 0);
	logs[0] = moved;
	compare_with_logs(t_path("sample-profiles/out/go1.26/realistic_json.pb.gz"), logs, 1);
	logs[1] = t_path("sample-profiles/out/go1.26/realistic_json.mm.txt");
	compare_with_logs(t_path("sample-profiles/out/go1.26/realistic_json.pb.gz"), logs, 2);
	unlink(moved);
}

/* Compares the analysis of profile (with log, or none) three ways: remembering each
 * resolution by its decisive frames, from memory and from the store, and resolving every
 * stack afresh; adds to *reused the stacks the first way took as remembered. Returns 0
 * when the profile is not a heap profile. */
static int memo_changes_nothing(const char *profile, const char *log, size_t *reused)
{
	struct store *s;
	struct profile *p = NULL;
	struct store_profile_opts o = {0};
	struct classify_ingest_profile_result r;
	struct classify_ingest_build_result br = {0};
	struct classify_result ra, rb, rc;
	struct classify_opts co = {0};
	struct buf ta, tb, tc;
	struct err e = {0};
	size_t before = classify_join.reused;
	int has[STORE_NHEAP];

	cr_assert_eq(store_open(&s, ":memory:", STORE_READ_WRITE, &e), ESC_OK, "%s", e.msg);
	cr_assert_eq(classify_ingest_profile_decoded(s, profile, &o, NULL, &r, &p, &e), ESC_OK,
		     "%s: %s", profile, e.msg);
	if (store_heap_types_of(s, r.id, has, &e)) {
		profile_free(p);
		store_close(s);
		return 0;
	}
	if (log)
		cr_assert_eq(classify_ingest_build(s, log, NULL, NULL, 0, &br, &e), ESC_OK, "%s: %s", log, e.msg);
	co.decoded = p;
	classify_join.memo = 1;
	cr_assert_eq(classify_analyze(s, r.id, &br.id, log ? 1 : 0, &co, &ra, &e), ESC_OK, "%s", e.msg);
	*reused += classify_join.reused - before;
	co.decoded = NULL;
	cr_assert_eq(classify_analyze(s, r.id, &br.id, log ? 1 : 0, &co, &rc, &e), ESC_OK, "%s", e.msg);
	classify_join.memo = 0;
	co.decoded = p;
	cr_assert_eq(classify_analyze(s, r.id, &br.id, log ? 1 : 0, &co, &rb, &e), ESC_OK, "%s", e.msg);
	classify_join.memo = 1;
	buf_init(&ta);
	buf_init(&tb);
	buf_init(&tc);
	sites_text(&ta, &ra, 1);
	sites_text(&tb, &rb, 1);
	sites_text(&tc, &rc, 1);
	cr_assert(rb.nsites > 0 || !p->nsamples, "%s", profile);
	cr_assert_str_eq(ta.data, tb.data, "%s with %s: remembered resolutions change the analysis",
			 profile, log ? log : "no log");
	cr_assert_str_eq(tc.data, tb.data, "%s with %s: remembered resolutions change the analysis"
			 " from the store", profile, log ? log : "no log");
	buf_release(&ta);
	buf_release(&tb);
	buf_release(&tc);
	classify_result_release(&ra);
	classify_result_release(&rb);
	classify_result_release(&rc);
	profile_free(p);
	store_close(s);
	return 1;
}

Test(samples, remembered_resolutions_give_the_analysis_every_stack_resolved_afresh_gives,
     .timeout = 600)
{
	static const char *const versions[] = {"go1.19", "go1.26"};
	size_t reused = 0;
	glob_t g;

	for (size_t v = 0; v < 2; v++)
		for (size_t i = 0; i < T_NSCENARIOS; i++)
			memo_changes_nothing(t_path("sample-profiles/out/%s/%s.pb.gz", versions[v], t_scenarios[i]),
					     t_path("sample-profiles/out/%s/%s.mm.txt", versions[v], t_scenarios[i]),
					     &reused);
	cr_assert_eq(glob(t_path("sample-profiles/real/*/go1.*/*.pb.gz"), 0, NULL, &g), 0);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		char log[4096];

		snprintf(log, sizeof(log), "%.*sbuild.mm.txt",
			 (int)(strrchr(g.gl_pathv[i], '/') + 1 - g.gl_pathv[i]), g.gl_pathv[i]);
		memo_changes_nothing(g.gl_pathv[i], access(log, R_OK) ? NULL : log, &reused);
	}
	globfree(&g);
	cr_assert_gt(reused, 100, "only %zu stacks took a remembered resolution", reused);
}

/* Real profiles of tens of thousands of stacks, with no build (the profile's own
 * packages are the user's) and with a log of the standard library. */
Test(samples, the_corpus_heap_profiles_analyse_alike_remembered_or_afresh, .timeout = 600)
{
	char pattern[4096];
	size_t reused = 0, n = 0;
	glob_t g;

	if (!t_shared())
		cr_skip("no ../shared: the corpus is not here");
	snprintf(pattern, sizeof(pattern), "%s/corpus/profiles/go-heap_*", t_shared());
	cr_assert_eq(glob(pattern, 0, NULL, &g), 0);
	for (size_t i = 0; i < g.gl_pathc; i++)
		if (memo_changes_nothing(g.gl_pathv[i], NULL, &reused) &&
		    memo_changes_nothing(g.gl_pathv[i], t_path("sample-profiles/std/go1.26/go_parser.mm.txt"),
					 &reused))
			n++;
	globfree(&g);
	cr_assert_geq(n, 10, "only %zu corpus heap profiles", n);
	cr_assert_gt(reused, 10000, "only %zu stacks took a remembered resolution", reused);
}
