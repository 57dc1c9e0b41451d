/* test_analyze_log.c — how analyze without --db reads a log, against the plainest way of
 * doing the same, on the sample programs and on real code with its real -m -m logs.
 *   store_held: a temporary store's builds held in memory. The join reads the same
 *     diagnostics, the analysis is the same, and the tables end up holding exactly the
 *     diagnostics the analysis cites, with their steps; the reference is the same build
 *     written to the tables as it is read (the bound lowered to 0). Past the bound a
 *     build goes to the tables whole; a store that others read never holds anything.
 *   split_log: a log read in two parts at once. Cut at any section header, it gives what
 *     one reader gives: every diagnostic and step, the counts, the inferred Go version,
 *     the digest and the analysis. Where one reader could not stop (a raw string open,
 *     PowerShell's wrapped lines) the cut is not taken, and the result is still the same. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "classify/classify.h"
#include "common/buf.h"
#include "gclog/gclog.h"
#include "profile/profile.h"
#include "store/store_int.h"
#include "tests/testutil.h"

static long long count(struct store *s, const char *sql)
{
	sqlite3_stmt *st;
	long long n;

	cr_assert_eq(sqlite3_prepare_v2(s->db, sql, -1, &st, NULL), SQLITE_OK, "%s: %s", sql,
		     sqlite3_errmsg(s->db));
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s", sql);
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* Every row sql returns, columns joined by '|', rows by '\n'. */
static void rows(struct store *s, const char *sql, struct buf *out)
{
	sqlite3_stmt *st;
	int rc, i;

	buf_reset(out);
	cr_assert_eq(sqlite3_prepare_v2(s->db, sql, -1, &st, NULL), SQLITE_OK, "%s: %s", sql,
		     sqlite3_errmsg(s->db));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (i = 0; i < sqlite3_column_count(st); i++) {
			const unsigned char *t = sqlite3_column_text(st, i);

			buf_printf(out, "%s%s", i ? "|" : "", t ? (const char *)t : "NULL");
		}
		buf_addc(out, '\n');
	}
	cr_assert_eq(rc, SQLITE_DONE, "%s", sql);
	sqlite3_finalize(st);
}

struct run {
	struct store *s;
	int64_t analysis, build;
	size_t held_diags;	/* diagnostics the join read from memory */
};

static int count_diag(void *ctx, int64_t build, int64_t id, const struct gc_diag *d, const char *norm)
{
	(void)build, (void)id, (void)d, (void)norm;
	++*(size_t *)ctx;
	return 0;
}

/* The main job as analyze without --db does it: the profile, the log filtered for it into
 * a temporary store, the join, the analysis stored; the log in two parts when cut_from is
 * not -2 (cut at the first section header from that byte on, -1 the middle). */
static void analyze_cut(struct run *r, const char *profile, const char *log, size_t bound,
			long long cut_from)
{
	struct store_cause_row causes[64];
	const struct classify_cause *cs;
	struct classify_ingest_build_result br;
	struct classify_result res;
	struct classify_opts o = {0};
	struct store_profile_opts po = {.name = "p", .source = profile, .sha256 = profile};
	struct profile *p;
	struct err e = {0};
	size_t nc, i, saved = store_held_max;
	int64_t pid;
	int added;

	memset(r, 0, sizeof(*r));
	cr_assert_eq(profile_open_file(&p, profile, NULL, &e), ESC_OK, "%s", e.msg);
	cr_assert_eq(store_open(&r->s, NULL, STORE_TEMPORARY, &e), ESC_OK, "%s", e.msg);
	cr_assert_eq(store_add_profile(r->s, p, &po, &pid, &added, &e), ESC_OK, "%s", e.msg);
	store_held_max = bound;
	if (cut_from != -2)
		classify_split = (struct classify_split_policy){0, cut_from, classify_split.cuts};
	cr_assert_eq(classify_ingest_build_for(r->s, p, log, NULL, 0, &br, &e), ESC_OK, "%s", e.msg);
	classify_split.min = (size_t)8 << 20;
	classify_split.from = -1;
	store_held_max = saved;
	r->build = br.id;
	if (store_held_of(r->s, r->build))
		store_held_foreach(store_held_of(r->s, r->build), count_diag, &r->held_diags);
	cs = classify_causes(&nc);
	cr_assert_leq(nc, 64);
	for (i = 0; i < nc; i++)
		causes[i] = (struct store_cause_row){cs[i].id, cs[i].title, cs[i].hint};
	o.decoded = p;
	cr_assert_eq(classify_analyze(r->s, pid, &r->build, 1, &o, &res, &e), ESC_OK, "%s", e.msg);
	cr_assert_eq(store_add_analysis(r->s, pid, &r->build, 1, causes, nc, res.sites, res.nsites, NULL, 0,
					&r->analysis, &e), ESC_OK, "%s", e.msg);
	classify_result_release(&res);
	profile_free(p);
}

static void analyze(struct run *r, const char *profile, const char *log, size_t bound)
{
	analyze_cut(r, profile, log, bound, -2);
}

static const char *const sites_sql =
	"SELECT s.site_id, s.function, s.file, s.line, s.cause, s.confidence, s.diag_id,"
	" s.decisive_seq, s.alloc_space, s.inuse_space, s.evidence, d.kind, d.line, d.message"
	" FROM alloc_site s LEFT JOIN diagnostic d ON d.build_id = s.build_id AND d.diag_id = s.diag_id"
	" ORDER BY s.site_id";
static const char *const cited_steps_sql =
	"SELECT f.diag_id, f.seq, f.kind, f.dst, f.src, f.derefs, f.why, f.expr, f.file, f.line, f.col,"
	" f.text FROM flow_step f WHERE f.diag_id IN (SELECT diag_id FROM alloc_site)"
	" ORDER BY f.diag_id, f.seq";

static void same_as_written(const char *profile, const char *log)
{
	struct run held, written;
	struct buf a, b;

	buf_init(&a);
	buf_init(&b);
	analyze(&written, t_path("%s", profile), t_path("%s", log), 0);
	analyze(&held, t_path("%s", profile), t_path("%s", log), (size_t)32 << 20);
	cr_assert_null(store_held_of(written.s, written.build), "%s: a bound of 0 held the build", log);
	cr_assert_not_null(store_held_of(held.s, held.build), "%s: the build was not held", log);
	cr_assert_gt(held.held_diags, 0);
	/* the join read the same diagnostics: every one the written store has */
	cr_expect_eq((long long)held.held_diags, count(written.s, "SELECT count(*) FROM diagnostic"), "%s", log);

	/* the same analysis, the cited diagnostics' messages included */
	rows(written.s, sites_sql, &a);
	rows(held.s, sites_sql, &b);
	cr_assert_gt(count(written.s, "SELECT count(*) FROM alloc_site WHERE diag_id > 0"), 0, "%s: no site joined", profile);
	cr_expect_eq(a.len, b.len, "%s: the sites differ", profile);
	cr_expect(a.len == b.len && !memcmp(a.data, b.data, a.len), "%s: the sites differ", profile);

	/* the tables hold the cited diagnostics, each once, with all their steps, and no other */
	cr_expect_eq(count(held.s, "SELECT count(*) FROM alloc_site s WHERE s.diag_id > 0 AND NOT EXISTS"
				   " (SELECT 1 FROM diagnostic d WHERE d.build_id = s.build_id AND d.diag_id = s.diag_id)"),
		     0, "%s: a cited diagnostic is missing", profile);
	cr_expect_eq(count(held.s, "SELECT count(*) FROM diagnostic"),
		     count(held.s, "SELECT count(DISTINCT diag_id) FROM alloc_site WHERE diag_id > 0"),
		     "%s: diagnostics no site cites were written", profile);
	rows(written.s, cited_steps_sql, &a);
	rows(held.s, cited_steps_sql, &b);
	cr_expect(a.len == b.len && !memcmp(a.data, b.data, a.len), "%s: the cited steps differ", profile);
	cr_expect_eq(count(held.s, "SELECT count(*) FROM flow_step WHERE diag_id NOT IN (SELECT diag_id FROM alloc_site)"),
		     0, "%s", profile);

	store_close(written.s);
	store_close(held.s);
	buf_release(&a);
	buf_release(&b);
}

Test(store_held, the_sample_programs_join_as_if_written)
{
	static const char *const names[] = {"chan_send", "closure_capture", "map_insert", "realistic_json",
					    "realistic_tokenizer", "iface_fmt"};
	static const char *const versions[] = {"go1.19", "go1.26"};
	size_t i, v;
	char prof[256], log[256];

	for (v = 0; v < 2; v++)
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			snprintf(prof, sizeof(prof), "sample-profiles/out/%s/%s.pb.gz", versions[v], names[i]);
			snprintf(log, sizeof(log), "sample-profiles/out/%s/%s.mm.txt", versions[v], names[i]);
			same_as_written(prof, log);
		}
}

Test(store_held, real_code_joins_as_if_written)
{
	static const char *const cases[] = {"mod-work/go1.26", "std-csv/go1.19", "yaml-v2/go1.26",
					    "mod-test/go1.19", "gorilla-mux/go1.19"};
	char prof[256], log[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(prof, sizeof(prof), "sample-profiles/real/%s/heap.pb.gz", cases[i]);
		snprintf(log, sizeof(log), "sample-profiles/real/%s/build.mm.txt", cases[i]);
		same_as_written(prof, log);
	}
}

/* Past the bound: everything held so far goes to the tables, and the rest after it. */
Test(store_held, past_the_bound_the_build_is_written_whole)
{
	struct run small, none;
	struct buf a, b;

	buf_init(&a);
	buf_init(&b);
	/* a bound a few diagnostics in: some were held, then all written */
	analyze(&small, t_path("sample-profiles/out/go1.26/realistic_json.pb.gz"),
		t_path("sample-profiles/out/go1.26/realistic_json.mm.txt"), 2000);
	analyze(&none, t_path("sample-profiles/out/go1.26/realistic_json.pb.gz"),
		t_path("sample-profiles/out/go1.26/realistic_json.mm.txt"), 0);
	cr_assert_null(store_held_of(small.s, small.build));
	cr_expect_gt(count(small.s, "SELECT count(*) FROM diagnostic"), 10);
	rows(none.s, "SELECT * FROM diagnostic ORDER BY diag_id", &a);
	rows(small.s, "SELECT * FROM diagnostic ORDER BY diag_id", &b);
	cr_expect(a.len == b.len && !memcmp(a.data, b.data, a.len), "the diagnostics differ");
	rows(none.s, "SELECT * FROM flow_step ORDER BY diag_id, seq", &a);
	rows(small.s, "SELECT * FROM flow_step ORDER BY diag_id, seq", &b);
	cr_expect(a.len == b.len && !memcmp(a.data, b.data, a.len), "the steps differ");
	rows(none.s, sites_sql, &a);
	rows(small.s, sites_sql, &b);
	cr_expect(a.len == b.len && !memcmp(a.data, b.data, a.len), "the sites differ");
	store_close(small.s);
	store_close(none.s);
	buf_release(&a);
	buf_release(&b);
}

/* A store on disk or in memory that is not temporary writes every diagnostic as it comes,
 * held or not; the same log held twice in a temporary store keeps the first build. */
Test(store_held, only_a_temporary_store_holds_and_a_second_copy_is_dropped)
{
	static const struct gc_step steps[] = {
		{.kind = GC_STEP_FLOW, .dst = "{heap}", .src = "&t", .derefs = -1, .text = "flow: {heap} = &t:"},
		{.kind = GC_STEP_FROM, .why = "address-of", .expr = "&t", .file = "./main.go", .line = 9,
		 .col = 2, .text = "from &t (address-of) at ./main.go:9:2"},
	};
	const struct gc_diag d = {.package = "example.com/m", .file = "./main.go", .line = 9, .col = 2,
				  .kind = GC_MOVED_TO_HEAP, .subject = "t", .message = "moved to heap: t",
				  .steps = steps, .nsteps = 2};
	struct store_build_opts o = {.name = "m", .source = "main.log", .held = 1};
	struct store_build *b;
	struct store *s;
	struct err e = {0};
	int64_t id, id2;
	int added;

	cr_assert_eq(store_open(&s, ":memory:", STORE_READ_WRITE, &e), ESC_OK, "%s", e.msg);
	cr_assert_eq(store_build_begin(s, &o, &b, &e), ESC_OK, "%s", e.msg);
	cr_assert_eq(store_build_add(b, &d, "main.go", &e), ESC_OK, "%s", e.msg);
	cr_expect_eq(count(s, "SELECT count(*) FROM diagnostic"), 1);
	cr_expect_eq(count(s, "SELECT count(*) FROM flow_step"), 2);
	cr_assert_eq(store_build_commit(b, "x", NULL, &id, &added, &e), ESC_OK, "%s", e.msg);
	cr_expect_null(store_held_of(s, id));
	store_close(s);

	cr_assert_eq(store_open(&s, NULL, STORE_TEMPORARY, &e), ESC_OK, "%s", e.msg);
	cr_assert_eq(store_build_begin(s, &o, &b, &e), ESC_OK, "%s", e.msg);
	cr_assert_eq(store_build_add(b, &d, "main.go", &e), ESC_OK, "%s", e.msg);
	cr_assert_eq(store_build_commit(b, "x", NULL, &id, &added, &e), ESC_OK, "%s", e.msg);
	cr_assert_eq(added, 1);
	cr_assert_eq(store_build_begin(s, &o, &b, &e), ESC_OK, "%s", e.msg);
	cr_assert_eq(store_build_add(b, &d, "main.go", &e), ESC_OK, "%s", e.msg);
	cr_assert_eq(store_build_add(b, &d, "main.go", &e), ESC_OK, "%s", e.msg);
	cr_assert_eq(store_build_commit(b, "x", NULL, &id2, &added, &e), ESC_OK, "%s", e.msg);
	cr_expect_eq(added, 0);
	cr_expect_eq(id2, id);
	cr_assert_not_null(store_held_of(s, id));
	cr_expect_null(store_held_of(s, id + 1), "the dropped copy is still held");
	{
		size_t n = 0;

		store_held_foreach(store_held_of(s, id), count_diag, &n);
		cr_expect_eq(n, 1);
	}
	cr_expect_eq(count(s, "SELECT count(*) FROM diagnostic"), 0);
	cr_expect_eq(count(s, "SELECT count(*) FROM build"), 1);
	store_close(s);
}

/* ---- split_log ---- */

/* Every diagnostic the join reads from a build, with its steps, as text. */
static int dump_diag(void *ctx, int64_t build, int64_t id, const struct gc_diag *d, const char *norm)
{
	struct buf *b = ctx;

	(void)build;
	buf_printf(b, "%lld|%s|%s|%s|%u:%u|%d|%s|%s|%s\n", (long long)id, d->package ? d->package : "-",
		   d->file, norm, d->line, d->col, (int)d->kind, d->subject ? d->subject : "-",
		   d->func ? d->func : "-", d->message);
	for (size_t i = 0; i < d->nsteps; i++) {
		const struct gc_step *p = &d->steps[i];

		buf_printf(b, "  %d|%s|%s|%d|%s|%s|%s|%u:%u|%s\n", (int)p->kind, p->dst ? p->dst : "-",
			   p->src ? p->src : "-", p->derefs, p->why ? p->why : "-", p->expr ? p->expr : "-",
			   p->file ? p->file : "-", p->line, p->col, p->text);
	}
	return 0;
}

struct read {
	struct classify_ingest_build_result br;
	struct buf diags;
};

/* log read for profile as analyze without --db reads it: by one reader when min is
 * SIZE_MAX, else cut at the first section header from byte from on. */
static void read_log(const char *profile, const char *log, size_t min, long long from, struct read *out)
{
	struct profile *p;
	struct store *s;
	struct err e = {0};

	buf_init(&out->diags);
	cr_assert_eq(profile_open_file(&p, profile, NULL, &e), ESC_OK, "%s", e.msg);
	cr_assert_eq(store_open(&s, NULL, STORE_TEMPORARY, &e), ESC_OK, "%s", e.msg);
	classify_split.min = min;
	classify_split.from = from;
	cr_assert_eq(classify_ingest_build_for(s, p, log, NULL, 0, &out->br, &e), ESC_OK, "%s: %s", log, e.msg);
	classify_split.min = (size_t)8 << 20;
	classify_split.from = -1;
	cr_assert_eq(store_foreach_diag(s, &out->br.id, 1, dump_diag, &out->diags, &e), 0, "%s", e.msg);
	store_close(s);
	profile_free(p);
}

static void same_read(const struct read *a, const struct read *b, const char *log, long long from)
{
	cr_expect_eq(a->br.st.lines, b->br.st.lines, "%s cut from %lld: lines", log, from);
	cr_expect_eq(a->br.st.diagnostics, b->br.st.diagnostics, "%s cut from %lld: diagnostics", log, from);
	cr_expect_eq(a->br.st.skipped, b->br.st.skipped, "%s cut from %lld: skipped", log, from);
	cr_expect_eq(a->br.st.blocks, b->br.st.blocks, "%s cut from %lld: blocks", log, from);
	cr_expect_str_eq(a->br.st.go_version, b->br.st.go_version, "%s cut from %lld", log, from);
	cr_expect_str_eq(a->br.version, b->br.version, "%s cut from %lld", log, from);
	cr_expect_str_eq(a->br.sha256, b->br.sha256, "%s cut from %lld: the digest", log, from);
	cr_expect(!memcmp(a->br.kinds, b->br.kinds, sizeof(a->br.kinds)), "%s cut from %lld: kinds", log, from);
	cr_expect(a->diags.len == b->diags.len && !memcmp(a->diags.data, b->diags.data, a->diags.len),
		  "%s cut from %lld: the diagnostics read differ", log, from);
}

/* Reads log cut at up to ncuts of its header lines, spread over it, and from its middle;
 * each must read as one reader reads it. The number of cuts taken. */
static size_t cut_everywhere(const char *profile, const char *log, size_t ncuts)
{
	struct read whole, cut;
	struct buf text;
	size_t *at = NULL, n = 0, cap = 0, before = classify_split.cuts, i, step;

	buf_init(&text);
	t_read(&text, log);
	for (i = 1; i < text.len; i++)
		if (text.data[i - 1] == '\n' && text.data[i] == '#') {
			if (n == cap && !(at = realloc(at, (cap = cap ? cap * 2 : 64) * sizeof(*at))))
				cr_assert_fail("out of memory");
			at[n++] = i;
		}
	read_log(profile, log, SIZE_MAX, -1, &whole);
	cr_assert_eq(classify_split.cuts, before, "%s: cut with the cut turned off", log);
	step = n > ncuts ? n / ncuts : 1;
	for (i = 0; i <= n; i += step) {
		long long from = i < n ? (long long)at[i] - 1 : -1;	/* the header's newline; last, the middle */

		read_log(profile, log, 0, from, &cut);
		same_read(&whole, &cut, log, from);
		buf_release(&cut.diags);
		if (i == n)
			break;
		if (i + step > n)
			i = n - step;	/* the middle last */
	}
	buf_release(&whole.diags);
	buf_release(&text);
	free(at);
	return classify_split.cuts - before;
}

Test(split_log, real_logs_cut_anywhere_read_as_one)
{
	static const char *const cases[] = {"mod-work/go1.26", "std-csv/go1.19", "yaml-v2/go1.26",
					    "mod-test/go1.19", "gorilla-mux/go1.19", "std-tar/go1.26",
					    "ini-v1/go1.26", "std-printer/go1.19"};
	char prof[256], log[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(prof, sizeof(prof), "sample-profiles/real/%s/heap.pb.gz", cases[i]);
		snprintf(log, sizeof(log), "sample-profiles/real/%s/build.mm.txt", cases[i]);
		cr_expect_geq(cut_everywhere(t_path("%s", prof), t_path("%s", log), 12), 2,
			      "%s: fewer than two cuts were taken", log);
	}
}

Test(split_log, sample_logs_cut_anywhere_read_as_one)
{
	static const char *const names[] = {"realistic_json", "realistic_tokenizer", "map_insert", "iface_fmt"};
	static const char *const versions[] = {"go1.19", "go1.22", "go1.26"};

	for (size_t v = 0; v < 3; v++)
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			cut_everywhere(t_path("sample-profiles/out/%s/%s.pb.gz", versions[v], names[i]),
				       t_path("sample-profiles/out/%s/%s.mm.txt", versions[v], names[i]), 6);
}

/* The analysis of a cut log is the analysis of the whole one. */
Test(split_log, the_analysis_of_a_cut_log_is_the_same)
{
	static const char *const cases[] = {"std-tar/go1.26", "mod-work/go1.19", "std-csv/go1.26"};
	char prof[256], log[256];
	struct buf a, b;

	buf_init(&a);
	buf_init(&b);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct run whole, cut;
		size_t before = classify_split.cuts;

		snprintf(prof, sizeof(prof), "sample-profiles/real/%s/heap.pb.gz", cases[i]);
		snprintf(log, sizeof(log), "sample-profiles/real/%s/build.mm.txt", cases[i]);
		analyze(&whole, t_path("%s", prof), t_path("%s", log), (size_t)32 << 20);
		analyze_cut(&cut, t_path("%s", prof), t_path("%s", log), (size_t)32 << 20, -1);
		cr_expect_eq(classify_split.cuts, before + 1, "%s was not cut", log);
		rows(whole.s, sites_sql, &a);
		rows(cut.s, sites_sql, &b);
		cr_expect_gt(a.len, 0);
		cr_expect(a.len == b.len && !memcmp(a.data, b.data, a.len), "%s: the sites differ", log);
		rows(whole.s, cited_steps_sql, &a);
		rows(cut.s, cited_steps_sql, &b);
		cr_expect(a.len == b.len && !memcmp(a.data, b.data, a.len), "%s: the cited steps differ", log);
		store_close(whole.s);
		store_close(cut.s);
	}
	buf_release(&a);
	buf_release(&b);
}

/* Logs written here: a cut where one reader could not stop is not taken, and one where it
 * could is, CRLF line ends included. */
static size_t cut_text(const char *text, const char *at_line, struct read *out)
{
	const char *path = t_fresh("cut.log");
	const char *hit = strstr(text, at_line);
	struct read whole;
	size_t before = classify_split.cuts;

	cr_assert_not_null(hit, "no '%s'", at_line);
	t_write(path, text, strlen(text));
	read_log(t_path("sample-profiles/out/go1.19/chan_send.pb.gz"), path, SIZE_MAX, -1, &whole);
	read_log(t_path("sample-profiles/out/go1.19/chan_send.pb.gz"), path, 0, (long long)(hit - text) - 1, out);
	same_read(&whole, out, at_line, (long long)(hit - text) - 1);
	buf_release(&whole.diags);
	unlink(path);
	return classify_split.cuts - before;
}

Test(split_log, a_cut_one_reader_could_not_stop_at_is_not_taken)
{
	/* Go 1.19 prints a raw string's lines inside an inlining body as they are */
	static const char raw[] =
		"# example.com/a\n"
		"./a.go:3:6: can inline f with cost 2 as: func() string { return `x\n"
		"# example.com/b\n"
		"y` }\n"
		"./a.go:5:2: moved to heap: v\n"
		"# example.com/c\n"
		"./c.go:7:2: moved to heap: w\n"
		"./c.go:8:9: &T{} escapes to heap\n";
	/* Windows PowerShell word-wraps each line at the console width */
	static const char wrapped[] =
		"go : # example.com/a\n"
		"At line:1 char:1\n"
		"./a.go:5:2: moved to heap: \n"
		"v\n"
		"# example.com/c\n"
		"./c.go:7:2: moved to heap: w\n";
	static const char crlf[] =
		"# example.com/a\r\n"
		"./a.go:5:2: moved to heap: v\r\n"
		"./a.go:6:2: leaking param: p\r\n"
		"# example.com/c [example.com/c.test]\r\n"
		"./c.go:7:2: moved to heap: w\r\n"
		"./c.go:8:9: &T{} escapes to heap\r\n";
	/* a package built again for its tests: its first diagnostics after the cut are not
	 * the package's first, and one reader keeps none of them */
	static const char again[] =
		"# example.com/a\n"
		"./a.go:5:2: moved to heap: v\n"
		"./a.go:6:2: leaking param: p\n"
		"# example.com/a [example.com/a.test]\n"
		"./a.go:5:2: moved to heap: v\n"
		"./a.go:6:2: leaking param: p\n"
		"./a_test.go:7:2: moved to heap: w\n";
	struct read r;

	cr_expect_eq(cut_text(again, "# example.com/a [", &r), 1, "not cut at a test variant's header");
	/* the package's first and the test file's first, as one reader keeps them */
	cr_expect(!strncmp(r.diags.data, "1|example.com/a|./a.go|a.go|5:2|", 32) &&
		  strstr(r.diags.data, "\n2|example.com/a|./a_test.go|") && !strstr(r.diags.data, "\n3|"),
		  "%s", r.diags.data);
	buf_release(&r.diags);
	cr_expect_eq(cut_text(raw, "# example.com/b", &r), 0, "cut inside a raw string");
	cr_expect_geq(r.br.st.diagnostics, 4);
	buf_release(&r.diags);
	cr_expect_eq(cut_text(raw, "# example.com/c", &r), 1, "not cut at a plain header");
	buf_release(&r.diags);
	cr_expect_eq(cut_text(wrapped, "# example.com/c", &r), 0, "cut in PowerShell's wrapped lines");
	cr_expect_geq(r.br.st.diagnostics, 2);
	buf_release(&r.diags);
	cr_expect_eq(cut_text(crlf, "# example.com/c", &r), 1, "not cut at a CRLF header");
	cr_expect_eq(r.br.st.diagnostics, 4);
	cr_expect(strstr(r.diags.data, "example.com/c|./c.go") != NULL, "%s", r.diags.data);
	buf_release(&r.diags);
}
