/* test_store_held.c — a temporary store's builds held in memory: the join reads the same
 * diagnostics, the analysis is the same, and the tables end up holding exactly the
 * diagnostics the analysis cites, with their steps. The reference is the same filtered
 * build written to the tables as it is read (the bound lowered to 0), on the sample
 * programs and on real code with its real -m -m logs. Past the bound a build goes to the
 * tables whole, and a store that others read never holds anything. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
 * a temporary store, the join, the analysis stored. */
static void analyze(struct run *r, const char *profile, const char *log, size_t bound)
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
	cr_assert_eq(classify_ingest_build_for(r->s, p, log, NULL, 0, &br, &e), ESC_OK, "%s", e.msg);
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
