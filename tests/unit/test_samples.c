/* test_samples.c — the join's two sources of samples agree: a decoded profile read from
 * memory (classify/samples.c) gives, sample for sample, what the store gives for the same
 * profile stored (frames, heap values, object size), grouped by stack the same way; and
 * an analysis joined from memory is the analysis joined from the store, site for site.
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

/* The sites of an analysis as one text, in their order. */
static void sites_text(struct buf *b, const struct classify_result *r)
{
	for (size_t i = 0; i < r->nsites; i++) {
		const struct store_site *x = &r->sites[i];

		buf_printf(b, "%s|%s|%s|%lld|%lld,%lld,%lld,%lld|%s|%.3f|%lld|%lld|%s|%lld|%d|%s\n",
			   x->function, x->package ? x->package : "-", x->file, (long long)x->line,
			   (long long)x->values[0], (long long)x->values[1], (long long)x->values[2],
			   (long long)x->values[3], x->cause, x->confidence, (long long)x->build_id,
			   (long long)x->diag_id, x->attributed_via ? x->attributed_via : "-",
			   (long long)x->samples, x->decisive_seq, x->evidence ? x->evidence : "-");
	}
	for (int k = 0; k < STORE_NHEAP; k++)
		buf_printf(b, "total %lld attributed %lld joined %lld\n", (long long)r->total[k],
			   (long long)r->attributed[k], (long long)r->joined[k]);
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
	sites_text(&ta, &ra);
	sites_text(&tb, &rb);
	cr_assert_gt(ra.nsites, 0, "%s", profile);
	cr_assert_str_eq(tb.data, ta.data, "%s with %s: the analyses differ", profile, log);
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
