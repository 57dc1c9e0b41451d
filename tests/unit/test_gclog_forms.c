/* test_gclog_forms.c — the text parser (gclog/) one form at a time, on excerpts of real
 * logs: blocks compared step by step with the lines as printed, leak lines, blocks no
 * summary claims, esc.go's forms, positions, `# pkg` headers and raw strings; encodings
 * against iconv(3), CRLF, BOMs and chunking; and the bad inputs: no diagnostics, an
 * over-long line, a callback that stops, the Go version the forms tell. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/gclog_collect.h"

static int step_eq(const struct cstep *a, const struct cstep *b)
{
	return a->kind == b->kind && str_eq(a->dst, b->dst) && str_eq(a->src, b->src) &&
	       str_eq(a->why, b->why) && str_eq(a->expr, b->expr) && str_eq(a->file, b->file) &&
	       str_eq(a->text, b->text) && a->derefs == b->derefs && a->line == b->line &&
	       a->col == b->col;
}

static void expect_same(const struct coll *a, const struct coll *b, const char *what)
{
	cr_assert_eq(a->n, b->n, "%s: %zu diagnostics vs %zu", what, a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		const struct cdiag *x = &a->v[i], *y = &b->v[i];
		int same = str_eq(x->package, y->package) && str_eq(x->file, y->file) &&
			   str_eq(x->subject, y->subject) && str_eq(x->func, y->func) &&
			   str_eq(x->message, y->message) && x->line == y->line && x->col == y->col &&
			   x->kind == y->kind && x->nsteps == y->nsteps;

		for (size_t j = 0; same && j < x->nsteps; j++)
			same = step_eq(&x->steps[j], &y->steps[j]);
		cr_assert(same, "%s: diagnostic %zu differs: %s:%u:%u %s", what, i, x->file, x->line, x->col,
			  x->message);
	}
}

/* Feeds data in pieces of `chunk` bytes (1 = byte at a time). */
static int parse_mem(const char *name, const char *data, size_t len, size_t chunk, size_t max_line,
		     struct coll *c, struct gc_stats *st, struct err *e)
{
	struct gc_log *p = gc_log_new(name);
	int rc = 0;

	memset(c, 0, sizeof(*c));
	err_clear(e);
	cr_assert_not_null(p);
	if (max_line)
		gc_log_set_max_line(p, max_line);
	for (size_t off = 0; off < len && !rc; off += chunk)
		rc = gc_log_feed(p, data + off, len - off < chunk ? len - off : chunk, collect, c, e);
	if (!rc)
		rc = gc_log_finish(p, collect, c, st, e);
	gc_log_free(p);
	return rc;
}

/* m-out-mm-1.22.txt lines 20-24:
 *   ./main.go:17:2: t escapes to heap:
 *   ./main.go:17:2:   flow: ~r0 = &t:
 *   ./main.go:17:2:     from &t (address-of) at ./main.go:18:9
 *   ./main.go:17:2:     from return &t (return) at ./main.go:18:2
 *   ./main.go:17:2: moved to heap: t                                      */
Test(gclog, header_and_summary_are_one_diagnostic)
{
	struct coll c;
	struct gc_stats st;
	struct err e;
	const struct cdiag *d;

	cr_assert_eq(parse_text(shared_path("reference/gc-samples/m-out-mm-1.22.txt"), &c, &st, &e), 0, "%s", e.msg);
	d = find_diag(&c, 17, 2, GC_MOVED_TO_HEAP, "t");
	cr_assert_not_null(d);
	cr_expect_str_eq(d->file, "./main.go");
	cr_expect_str_eq(d->package, "example.com/m");
	cr_expect_str_eq(d->message, "moved to heap: t");
	cr_expect_null(d->func);
	cr_assert_eq(d->nsteps, 3);
	expect_step(&d->steps[0], GC_STEP_FLOW, "~r0", "t", -1, NULL, NULL, NULL, 0, 0, "flow: ~r0 = &t:");
	expect_step(&d->steps[1], GC_STEP_FROM, NULL, NULL, 0, "address-of", "&t", "./main.go", 18, 9,
		    "from &t (address-of) at ./main.go:18:9");
	expect_step(&d->steps[2], GC_STEP_FROM, NULL, NULL, 0, "return", "return &t", "./main.go", 18, 2,
		    "from return &t (return) at ./main.go:18:2");
	/* no second diagnostic for the header: one line at 17:2 in all */
	size_t at = 0;

	for (size_t i = 0; i < c.n; i++)
		at += c.v[i].line == 17 && c.v[i].col == 2;
	cr_expect_eq(at, 1);
	coll_free(&c);
}

/* The same block from Go 1.26 (m-out-mm-1.26.txt lines 20-24): "in newT", "←" (U+2190). */
Test(gclog, arrow_flow_of_go125_is_split_like_the_equals_form)
{
	struct coll c;
	struct gc_stats st;
	struct err e;
	const struct cdiag *d;

	cr_assert_eq(parse_text(shared_path("reference/gc-samples/m-out-mm-1.26.txt"), &c, &st, &e), 0, "%s", e.msg);
	d = find_diag(&c, 17, 2, GC_MOVED_TO_HEAP, "t");
	cr_assert_not_null(d);
	cr_expect_str_eq(d->func, "newT");
	cr_assert_eq(d->nsteps, 3);
	expect_step(&d->steps[0], GC_STEP_FLOW, "~r0", "t", -1, NULL, NULL, NULL, 0, 0,
		    "flow: ~r0 \xe2\x86\x90 &t:");
	expect_step(&d->steps[2], GC_STEP_FROM, NULL, NULL, 0, "return", "return &t", "./main.go", 18, 2,
		    "from return &t (return) at ./main.go:18:2");
	/* ./main.go:65:15: t.a escapes to heap in main: ... "flow: {heap} ← *fmt.a:" (derefs 1) */
	d = find_diag(&c, 65, 15, GC_ESCAPES, "t.a");
	cr_assert_not_null(d);
	cr_assert_eq(d->nsteps, 8);
	expect_step(&d->steps[6], GC_STEP_FLOW, "{heap}", "fmt.a", 1, NULL, NULL, NULL, 0, 0,
		    "flow: {heap} \xe2\x86\x90 *fmt.a:");
	expect_step(&d->steps[7], GC_STEP_FROM, NULL, NULL, 0, "call parameter",
		    "fmt.Fprintln(os.Stdout, fmt.a...)", "./main.go", 65, 13,
		    "from fmt.Fprintln(os.Stdout, fmt.a...) (call parameter) at ./main.go:65:13");
	/* ./main.go:38:15: append(big[:0], dyn...) escapes to heap in makes: ... append escapes to heap */
	d = find_diag(&c, 38, 15, GC_APPEND_ESCAPES, "append");
	cr_assert_not_null(d);
	cr_expect_str_eq(d->func, "makes");
	cr_assert_eq(d->nsteps, 3);
	expect_step(&d->steps[0], GC_STEP_FLOW, "~r0", "{storage for append(big[:0], dyn...)}", -1, NULL,
		    NULL, NULL, 0, 0, "flow: ~r0 \xe2\x86\x90 &{storage for append(big[:0], dyn...)}:");
	coll_free(&c);
}

/* m-out-mm-1.22.txt lines 39-41: a {storage for ...} source and a size reason. */
Test(gclog, storage_for_source_is_kept_whole)
{
	struct coll c;
	struct gc_stats st;
	struct err e;
	const struct cdiag *d;

	cr_assert_eq(parse_text(shared_path("reference/gc-samples/m-out-mm-1.22.txt"), &c, &st, &e), 0, "%s", e.msg);
	d = find_diag(&c, 36, 13, GC_ESCAPES, "make([]byte, 1048576)");
	cr_assert_not_null(d);
	cr_expect_str_eq(d->message, "make([]byte, 1048576) escapes to heap");
	cr_assert_eq(d->nsteps, 2);
	expect_step(&d->steps[0], GC_STEP_FLOW, "{heap}", "{storage for make([]byte, 1048576)}", -1, NULL, NULL,
		    NULL, 0, 0, "flow: {heap} = &{storage for make([]byte, 1048576)}:");
	expect_step(&d->steps[1], GC_STEP_FROM, NULL, NULL, 0, "too large for stack", "make([]byte, 1048576)",
		    "./main.go", 36, 13, "from make([]byte, 1048576) (too large for stack) at ./main.go:36:13");
	/* 66:11 has two blocks and three summaries (16 / 1048576 / n): each finds its own */
	d = find_diag(&c, 66, 11, GC_ESCAPES, "make([]byte, n)");
	cr_assert_not_null(d);
	cr_assert_eq(d->nsteps, 2);
	cr_expect_str_eq(d->steps[1].why, "non-constant size");
	cr_expect_eq(find_diag(&c, 66, 11, GC_DOES_NOT_ESCAPE, "make([]byte, 16)")->nsteps, 0);
	coll_free(&c);
}

/* tests/data/gclog/warning-go1.19.txt: a real Go 1.19 block ending in the warning line. */
Test(gclog, truncated_explanation_warning_is_a_step)
{
	struct coll c;
	struct gc_stats st;
	struct err e;
	const struct cdiag *d;

	cr_assert_eq(parse_text(t_path("tests/data/gclog/warning-go1.19.txt"), &c, &st, &e), 0, "%s", e.msg);
	cr_assert_eq(c.n, 1);
	d = &c.v[0];
	cr_expect_eq(d->kind, GC_LEAKING_PARAM);
	cr_expect_str_eq(d->subject, "typ");
	cr_expect_str_eq(d->package, "go/types");
	cr_expect_str_eq(d->file, "go/types/subst.go");
	cr_assert_eq(d->nsteps, 11);
	expect_step(&d->steps[4], GC_STEP_FLOW, "{storage for &Chan{...}}", "elem", 0, NULL, NULL, NULL, 0, 0,
		    "flow: {storage for &Chan{...}} = elem:");
	expect_step(&d->steps[3], GC_STEP_FROM, NULL, NULL, 0, "assign", "elem := (*subster).typ(subst, t.elem)",
		    "go/types/subst.go", 197, 8,
		    "from elem := (*subster).typ(subst, t.elem) (assign) at go/types/subst.go:197:8");
	expect_step(&d->steps[10], GC_STEP_WARNING, NULL, NULL, 0, NULL, NULL, NULL, 0, 0,
		    "warning: truncated explanation due to assignment cycle; see golang.org/issue/35518");
	cr_expect_eq(st.blocks, 1);
	cr_expect_str_eq(st.go_version, "go1.14-1.24");
	coll_free(&c);
}

/* m-w-1.26.txt: parameter s of appends (76:14) has two blocks, one to {heap} (derefs=1),
 * one to ~r0, and two leak lines; a of lits (65:11) has three blocks and one line. */
Test(gclog, each_leak_line_of_a_param_gets_the_blocks_of_its_sink)
{
	struct coll c;
	struct gc_stats st;
	struct err e;
	const struct cdiag *d;

	cr_assert_eq(parse_text(shared_path("reference/gc-samples/m-w-1.26.txt"), &c, &st, &e), 0, "%s", e.msg);
	d = find_diag(&c, 76, 14, GC_LEAKING_PARAM_CONTENT, "s");
	cr_assert_not_null(d);
	cr_expect_str_eq(d->func, "appends");
	cr_assert_eq(d->nsteps, 4);
	expect_step(&d->steps[0], GC_STEP_FLOW, "{temp}", "s", 0, NULL, NULL, NULL, 0, 0,
		    "flow: {temp} \xe2\x86\x90 s:");
	expect_step(&d->steps[3], GC_STEP_FROM, NULL, NULL, 0, "appendee slice", "append(s, v)", "./w.go", 77, 12,
		    "from append(s, v) (appendee slice) at ./w.go:77:12");
	d = find_diag(&c, 76, 14, GC_LEAKING_PARAM_TO_RESULT, "s");
	cr_assert_not_null(d);
	cr_assert_eq(d->nsteps, 2);
	cr_expect_str_eq(d->steps[0].dst, "~r0");
	cr_expect_str_eq(d->steps[1].why, "return");
	d = find_diag(&c, 65, 11, GC_LEAKING_PARAM, "a");
	cr_assert_not_null(d);
	cr_assert_eq(d->nsteps, 2 + 2 + 5);	/* {heap}, {storage for []*int{...}}, {storage for arr} */
	cr_expect_str_eq(d->steps[1].why, "map literal key");
	cr_expect_str_eq(d->steps[2].dst, "{storage for []*int{...}}");
	cr_expect_str_eq(d->steps[8].text, "from arr (interface-converted) at ./w.go:67:9");
	coll_free(&c);
}

/* golang/go#36504 excerpt: two "polyKey escapes to heap:" blocks at 37:6 and no summary
 * line (the excerpt ends): one escapes diagnostic with both blocks, its message the header. */
Test(gclog, duplicate_blocks_without_summary_are_one_diagnostic)
{
	struct coll c;
	struct gc_stats st;
	struct err e;
	const struct cdiag *d;

	cr_assert_eq(parse_text(shared_path("corpus/escape-logs/issue_golang-go-36504_xcrypto_m2.txt"), &c, &st, &e),
		     0, "%s", e.msg);
	cr_assert_eq(c.n, 2);
	d = find_diag(&c, 37, 6, GC_ESCAPES, "polyKey");
	cr_assert_not_null(d);
	cr_expect_str_eq(d->message, "polyKey escapes to heap:");
	cr_expect_null(d->package);
	cr_assert_eq(d->nsteps, 8);
	cr_expect_eq(d->steps[1].col, 24);
	cr_expect_eq(d->steps[5].col, 36);
	cr_expect_str_eq(d->steps[7].why, "call parameter");
	cr_expect_eq(st.blocks, 3);
	coll_free(&c);
}

/* m-w-1.26.txt, last block: the wrapper's "parameter ~p0 leaks to {heap} for I.M" at
 * <autogenerated>:1 never gets a "leaking param" line. */
Test(gclog, block_without_summary_is_delivered_at_the_end)
{
	struct coll c;
	struct gc_stats st;
	struct err e;
	const struct cdiag *d;

	cr_assert_eq(parse_text(shared_path("reference/gc-samples/m-w-1.26.txt"), &c, &st, &e), 0, "%s", e.msg);
	d = find_diag(&c, 1, 0, GC_LEAKING_PARAM, "~p0");
	cr_assert_not_null(d);
	cr_expect_str_eq(d->file, "<autogenerated>");
	cr_expect_str_eq(d->func, "I.M");
	cr_expect_str_eq(d->message, "parameter ~p0 leaks to {heap} for I.M with derefs=0:");
	cr_assert_eq(d->nsteps, 2);
	expect_step(&d->steps[1], GC_STEP_FROM, NULL, NULL, 0, "call parameter", "~p0.M()", "<autogenerated>", 1, 0,
		    "from ~p0.M() (call parameter) at <autogenerated>:1");
	cr_expect_eq(&c.v[c.n - 1], d, "delivered last, at the end of the log");
	coll_free(&c);
}

/* g-mm-1.26.txt 5:20: v (a parameter) has a "v escapes to heap" block and a "parameter v
 * leaks to {storage for ...}" block; the compiler then says only "moved to heap: v". */
Test(gclog, moved_param_takes_its_leak_block_too)
{
	struct coll c;
	struct gc_stats st;
	struct err e;
	const struct cdiag *d;

	cr_assert_eq(parse_text(shared_path("reference/gc-samples/g-mm-1.26.txt"), &c, &st, &e), 0, "%s", e.msg);
	d = find_diag(&c, 5, 20, GC_MOVED_TO_HEAP, "v");
	cr_assert_not_null(d);
	cr_expect_str_eq(d->func, "NewBox[go.shape.int]");
	cr_assert_eq(d->nsteps, 6);
	cr_expect_str_eq(d->steps[3].text, "flow: {storage for &Box[go.shape.int]{...}} \xe2\x86\x90 &v:");
	cr_expect_eq(count_kind(&c, GC_LEAKING_PARAM), 0);
	coll_free(&c);
}

/* m2_branchkv_escape.txt lines 1547-1550 and 1593: Go 1.25+ prints the block as
 * "make([]float32, blockSize) escapes to heap in NewMMU:" and the summary, after rewriting
 * the known size, as "make([]float32, 256) escapes to heap". */
Test(gclog, summary_with_rewritten_literal_finds_its_block)
{
	struct coll c;
	struct gc_stats st;
	struct err e;
	const struct cdiag *d;

	cr_assert_eq(parse_text(shared_path("corpus/escape-logs/m2_branchkv_escape.txt"), &c, &st, &e), 0, "%s", e.msg);
	d = find_diag(&c, 185, 39, GC_ESCAPES, "make([]float32, 256)");
	cr_assert_not_null(d);
	cr_expect_str_eq(d->file, "internal/virtual_mem/mmu.go");
	cr_expect_str_eq(d->func, "NewMMU");
	cr_assert_eq(d->nsteps, 3);
	cr_expect_str_eq(d->steps[0].src, "{storage for make([]float32, blockSize)}");
	cr_expect_null(find_diag(&c, 185, 39, GC_ESCAPES, "make([]float32, blockSize)"));
	coll_free(&c);
}

/* esc.go printed "%v %S does not escape" with the function first (compiler-explorer#1142,
 * myitcv's Go 1.7 log); "main ... argument" is an expression, "dataLess vs" a parameter
 * of the function declared on that line (./main.go:11: can inline dataLess). */
Test(gclog, legacy_function_prefix_names_func_and_subject)
{
	struct coll c;
	struct gc_stats st;
	struct err e;
	const struct cdiag *d;

	cr_assert_eq(parse_text(shared_path("corpus/escape-logs/issue_compiler-explorer-1142_compile_m_funcprefix.txt"),
				&c, &st, &e), 0, "%s", e.msg);
	d = find_diag(&c, 28, 13, GC_DOES_NOT_ESCAPE, "x");
	cr_assert_not_null(d);
	cr_expect_str_eq(d->func, "isZero");
	cr_expect_str_eq(d->file, "/tmp/go/test.go");
	/* 42:10 "leaking param: x" tells that line 42 declares add: y is its parameter */
	d = find_diag(&c, 42, 13, GC_PARAM_DOES_NOT_ESCAPE, "y");
	cr_assert_not_null(d);
	cr_expect_str_eq(d->func, "add");
	cr_expect_str_eq(find_diag(&c, 86, 18, GC_ESCAPES, "\"! =\"")->message, "\"! =\" escapes to heap");
	cr_expect_str_eq(st.go_version, "<=go1.12");
	coll_free(&c);

	cr_assert_eq(parse_text(shared_path("corpus/escape-logs/m1_myitcv_sort_go1.7_nocolumns.txt"), &c, &st, &e),
		     0, "%s", e.msg);
	d = find_diag(&c, 8, 0, GC_DOES_NOT_ESCAPE, "... argument");
	cr_assert_not_null(d);
	cr_expect_str_eq(d->func, "main");
	d = find_diag(&c, 11, 0, GC_PARAM_DOES_NOT_ESCAPE, "vs");
	cr_assert_not_null(d);
	cr_expect_str_eq(d->func, "dataLess");
	cr_expect_str_eq(find_diag(&c, 6, 0, GC_ESCAPES, "[]string literal")->file, "./main.go");
	cr_expect_str_eq(c.v[0].package, "github.com/myitcv/sort_inlining_example");
	coll_free(&c);
}

/* esc.go explanations: "pos: \tfrom ..." (golang/go#26987) and "pos:        from ..."
 * (golang/go#31489) follow their summary line and become its steps. */
Test(gclog, legacy_from_lines_join_their_summary)
{
	struct coll c;
	struct gc_stats st;
	struct err e;
	const struct cdiag *d;

	cr_assert_eq(parse_text(shared_path("corpus/escape-logs/issue_golang-go-26987_escgo_m2_tabfrom.txt"), &c, &st, &e),
		     0, "%s", e.msg);
	d = find_diag(&c, 5, 13, GC_LEAKING_PARAM_TO_RESULT, "p1");
	cr_assert_not_null(d);
	cr_assert_eq(d->nsteps, 1);
	expect_step(&d->steps[0], GC_STEP_FROM, NULL, NULL, 0, "return", "~r2", "example.go", 6, 2,
		    "from ~r2 (return) at example.go:6:2");
	d = find_diag(&c, 12, 10, GC_ESCAPES, "(*int)(~r2)");
	cr_assert_not_null(d);
	cr_assert_eq(d->nsteps, 1);
	cr_expect_str_eq(d->steps[0].why, "assign-pair");
	cr_expect_eq(st.skipped, 0);
	coll_free(&c);

	cr_assert_eq(parse_text(shared_path("corpus/escape-logs/issue_golang-go-31489_escgo_m2_spacesfrom.txt"), &c, &st,
				&e), 0, "%s", e.msg);
	cr_assert_eq(c.n, 1);
	d = &c.v[0];
	cr_expect_eq(d->kind, GC_LEAKING_PARAM_TO_RESULT);
	cr_expect_str_eq(d->file, "encoding/json/stream.go");
	cr_assert_eq(d->nsteps, 7);
	expect_step(&d->steps[5], GC_STEP_FROM, NULL, NULL, 0, "interface-converted",
		    "bytes.NewReader(dec.buf[dec.scanp:])", "encoding/json/stream.go", 84, 24,
		    "from bytes.NewReader(dec.buf[dec.scanp:]) (interface-converted) at encoding/json/stream.go:84:24");
	cr_expect_str_eq(st.go_version, "<=go1.12");
	coll_free(&c);
}

static const char positions_log[] =
	"# command-line-arguments\n"
	"C:\\Users\\dev\\x.go:12:3: moved to heap: v\n"
	"pkg\\discord/actor.go:19:7: can inline init.func1\n"
	"../sib/y.go:4:2: leaking param: p\n"
	"example.com/m/sub/sub.go:5:6: can inline (*S).Get\n"
	"<autogenerated>:1: inlining call to C.M\n"
	"./c.go:7: x escapes to heap\n"
	"./w.go:27:2: goDefer capturing by ref: y (addr=true assign=false width=8)\n"
	"./w.go:106:6: selfAssign ignoring self-assignment in c.p = c.p\n"
	"./x.go:3:2: undefined: foo\n"
	"./w.go:19:12: devirtualizing i.M to C\n"
	"./g.go:5:6: cannot inline NewBox[go.shape.struct { a int }]: marked go:noinline\n"
	"./g.go:7:2: cannot inline F into G: repeated recursive cycle\n"
	"note: module requires Go 1.22\n"
	"sub/sub.go:8:4:[1] F stmt: s := &S{...}\n"
	".   CALLFUNC PTR-*T tc(1) # main.go:61:11\n"
	"./w.go:32:15:   flow: {temp} = xs:\n"
	"./l.go:3:4[/tmp/x.cgo1.go:5:6]: moved to heap: z\n";

Test(gclog, every_position_form_is_read)
{
	struct coll c;
	struct gc_stats st;
	struct err e;
	const struct cdiag *d;

	cr_assert_eq(parse_mem("pos.log", positions_log, sizeof(positions_log) - 1, 7, 0, &c, &st, &e), 0, "%s", e.msg);
	cr_assert_eq(c.n, 13);
	cr_expect_str_eq(c.v[0].file, "C:\\Users\\dev\\x.go");
	cr_expect_eq(c.v[0].line, 12);
	cr_expect_eq(c.v[0].col, 3);
	cr_expect_str_eq(c.v[0].package, "command-line-arguments");
	cr_expect_str_eq(c.v[1].file, "pkg\\discord/actor.go");
	cr_expect_str_eq(c.v[2].file, "../sib/y.go");
	cr_expect_str_eq(c.v[3].subject, "(*S).Get");
	cr_expect_str_eq(c.v[4].file, "<autogenerated>");
	cr_expect_eq(c.v[4].line, 1);
	cr_expect_eq(c.v[4].col, 0);
	cr_expect_eq(c.v[5].line, 7);
	cr_expect_eq(c.v[5].col, 0);
	d = &c.v[6];
	cr_expect_eq(d->kind, GC_OTHER);
	cr_expect_str_eq(d->subject, "y");
	cr_expect_str_eq(d->func, "goDefer");
	cr_expect_str_eq(d->message, "goDefer capturing by ref: y (addr=true assign=false width=8)");
	cr_expect_str_eq(c.v[7].func, "selfAssign");
	cr_expect_str_eq(c.v[7].subject, "c.p = c.p");
	cr_expect_eq(c.v[8].kind, GC_OTHER);
	cr_expect_str_eq(c.v[8].message, "undefined: foo");
	cr_expect_eq(c.v[9].kind, GC_DEVIRTUALIZED);
	cr_expect_str_eq(c.v[9].subject, "i.M");
	cr_expect_str_eq(c.v[10].subject, "NewBox[go.shape.struct { a int }]");
	cr_expect_str_eq(c.v[11].subject, "F");
	cr_expect_str_eq(c.v[11].func, "G");
	/* skipped: the note, the -m=3 trace, the -m=4 IR dump and a flow line with no block */
	cr_expect_eq(st.skipped, 4);
	cr_expect_eq(st.lines, 18);
	/* -L (and cgo under -x) print the original position in brackets */
	cr_expect_str_eq(c.v[12].file, "./l.go");
	cr_expect_eq(c.v[12].line, 3);
	cr_expect_eq(c.v[12].col, 4);
	cr_expect_str_eq(c.v[12].subject, "z");
	coll_free(&c);
}

/* "# p [p.test]" names p; "# p\n# [desc]" is one header; every header ends a section. */
Test(gclog, package_headers_name_each_diagnostic)
{
	static const char log[] =
		"# example.com/m/sub [example.com/m/sub.test]\n"
		"sub/sub.go:5:6: can inline (*S).Get\n"
		"# example.com/m/sub.test\n"
		"_testmain.go:33:6: can inline init.0\n"
		"# example.com/m\n"
		"# [example.com/m]\n"
		"./main.go:16:6: can inline newT\n";
	struct coll c;
	struct gc_stats st;
	struct err e;

	cr_assert_eq(parse_mem("h.log", log, sizeof(log) - 1, 1, 0, &c, &st, &e), 0, "%s", e.msg);
	cr_assert_eq(c.n, 3);
	cr_expect_str_eq(c.v[0].package, "example.com/m/sub");
	cr_expect_str_eq(c.v[1].package, "example.com/m/sub.test");
	cr_expect_str_eq(c.v[2].package, "example.com/m");
	cr_expect_eq(st.skipped, 0);
	coll_free(&c);

	cr_assert_eq(parse_text(shared_path("corpus/escape-logs/m2_branchkv_alloc_report_tests.txt"), &c, &st, &e), 0,
		     "%s", e.msg);
	cr_expect_str_eq(c.v[0].package, "branchkv-core/internal/virtual_mem/benchmarks");
	coll_free(&c);
}

Test(gclog, raw_strings_printed_over_several_lines_are_not_headers)
{
	/* Go 1.19's -m -m of go-toml's tests (abridged): a raw string inside an inlining
	 * body and inside an expression goes on over lines that start with "# " */
	static const char log[] =
		"# github.com/pelletier/go-toml [github.com/pelletier/go-toml.test]\n"
		"./toml_testgen_test.go:361:6: can inline TestValidCommentsEverywhere with cost 72 as:"
		" func(*testing.T) { input := `# Top comment.\n"
		"# Top comment.\n"
		"# Evil.\n"
		"`; testgenValid(t, input, jsonRef) }\n"
		"./marshal_test.go:1247:24: ([]byte)(`# MultilineString = \"\"\"\n"
		"# I\n"
		"# am\n"
		"`) does not escape\n"
		"./lexer.go:542:9: l.lexVoid escapes to heap\n"
		"# Not a header either\n"
		/* a backquote inside a quoted string starts no raw string */
		"./lexer_test.go:183:6: can inline TestKeyWithSymbols with cost 74 as: func(*testing.T) {"
		" testFlow(t, \"~!@$^&*()_+-`1234567890\") }\n"
		"# example.com/next\n"
		"./x.go:3:2: moved to heap: y\n";
	struct coll c;
	struct gc_stats st;
	struct err e;

	cr_assert_eq(parse_mem("raw.log", log, sizeof(log) - 1, 7, 0, &c, &st, &e), 0, "%s", e.msg);
	cr_assert_eq(c.n, 5);
	for (size_t i = 0; i < 4; i++)
		cr_expect_str_eq(c.v[i].package, "github.com/pelletier/go-toml");
	cr_expect_eq(c.v[2].line, 542);
	cr_expect_str_eq(c.v[4].package, "example.com/next");
	cr_expect_eq(st.skipped, 7);
	coll_free(&c);
}

/* The PowerShell log (UTF-16LE, BOM, CRLF) gives exactly the diagnostics of its UTF-8
 * transcoding by iconv(3); so do UTF-16BE and UTF-8 with BOMs, LF endings, and feeding
 * one byte at a time (odd UTF-16 bytes split across calls). */
Test(gclog, utf16le_log_equals_its_utf8_transcoding)
{
	struct buf raw, u8, u16be;
	struct coll a, b;
	struct gc_stats sa, sb;
	struct err e;
	char path[4096];
	const char *log = shared_path("corpus/escape-logs/m1_discordcore_utf16le_powershell.txt");

	t_read(&raw, log);
	cr_assert((unsigned char)raw.data[0] == 0xFF && (unsigned char)raw.data[1] == 0xFE, "a BOM");
	iconv_buf(&u8, "UTF-16LE", "UTF-8", raw.data + 2, raw.len - 2);
	cr_assert_eq(parse_text(log, &a, &sa, &e), 0, "%s", e.msg);

	write_tmp("ps-utf8.txt", u8.data, u8.len, path, sizeof(path));
	cr_assert_eq(parse_text(path, &b, &sb, &e), 0, "%s", e.msg);
	expect_same(&a, &b, "utf-8");
	cr_expect_eq(sa.lines, sb.lines);
	cr_expect_eq(sa.skipped, sb.skipped);
	coll_free(&b);

	/* UTF-16BE with its BOM */
	iconv_buf(&u16be, "UTF-8", "UTF-16BE", u8.data, u8.len);
	{
		struct buf x;

		buf_init(&x);
		buf_add(&x, "\xFE\xFF", 2);
		buf_add(&x, u16be.data, u16be.len);
		write_tmp("ps-utf16be.txt", x.data, x.len, path, sizeof(path));
		buf_release(&x);
	}
	cr_assert_eq(parse_text(path, &b, &sb, &e), 0, "%s", e.msg);
	expect_same(&a, &b, "utf-16be");
	coll_free(&b);

	/* byte at a time */
	cr_assert_eq(parse_mem("ps.txt", raw.data, raw.len, 1, 0, &b, &sb, &e), 0, "%s", e.msg);
	expect_same(&a, &b, "utf-16le, byte at a time");
	coll_free(&b);
	coll_free(&a);
	buf_release(&raw);
	buf_release(&u8);
	buf_release(&u16be);
}

/* A sample with CRLF endings, or with a UTF-8 BOM, or fed in odd pieces, gives the same
 * diagnostics as the sample itself. */
Test(gclog, crlf_bom_and_chunking_change_nothing)
{
	struct buf raw, x;
	struct coll a, b;
	struct gc_stats sa, sb;
	struct err e;
	char path[4096];
	const char *log = shared_path("reference/gc-samples/m-w-1.26.txt");

	t_read(&raw, log);
	cr_assert_eq(parse_text(log, &a, &sa, &e), 0, "%s", e.msg);
	buf_init(&x);
	for (size_t i = 0; i < raw.len; i++) {
		if (raw.data[i] == '\n')
			buf_addc(&x, '\r');
		buf_addc(&x, raw.data[i]);
	}
	write_tmp("crlf.txt", x.data, x.len, path, sizeof(path));
	cr_assert_eq(parse_text(path, &b, &sb, &e), 0, "%s", e.msg);
	expect_same(&a, &b, "crlf");
	cr_expect_eq(sa.lines, sb.lines);
	coll_free(&b);

	buf_reset(&x);
	buf_add(&x, "\xEF\xBB\xBF", 3);
	buf_add(&x, raw.data, raw.len);
	cr_assert_eq(parse_mem("bom.txt", x.data, x.len, 3, 0, &b, &sb, &e), 0, "%s", e.msg);
	expect_same(&a, &b, "utf-8 bom, 3-byte pieces");
	coll_free(&b);

	for (size_t chunk = 1; chunk < 40; chunk += 13) {
		cr_assert_eq(parse_mem("m.txt", raw.data, raw.len, chunk, 0, &b, &sb, &e), 0, "%s", e.msg);
		expect_same(&a, &b, "chunked");
		coll_free(&b);
	}
	/* no final newline */
	cr_assert_eq(parse_mem("m.txt", raw.data, raw.len - 1, 4096, 0, &b, &sb, &e), 0, "%s", e.msg);
	expect_same(&a, &b, "no final newline");
	coll_free(&b);
	coll_free(&a);
	buf_release(&x);
	buf_release(&raw);
}

/* A gctrace log named escape.log (35 lines, `wc -l`) and an empty file are not escape logs. */
Test(gclog, log_without_diagnostics_is_an_input_error)
{
	struct coll c;
	struct gc_stats st;
	struct err e;
	char path[4096];
	const char *log = shared_path("corpus/escape-logs/negative_vnet_gctrace_not_escape.log");
	char want[4200];

	cr_assert_eq(parse_text(log, &c, &st, &e), ESC_EINPUT);
	snprintf(want, sizeof(want), "'%s': no Go compiler diagnostics found (35 lines)", log);
	cr_expect_str_eq(e.msg, want);
	cr_expect_eq(c.n, 0);
	cr_expect_eq(st.lines, 35);
	coll_free(&c);

	write_tmp("empty.log", "", 0, path, sizeof(path));
	cr_assert_eq(parse_text(path, &c, &st, &e), ESC_EINPUT);
	snprintf(want, sizeof(want), "'%s': no Go compiler diagnostics found (0 lines)", path);
	cr_expect_str_eq(e.msg, want);
	coll_free(&c);

	cr_assert_eq(parse_mem("bin", "\x01\x02\x03", 3, 1, 0, &c, &st, &e), ESC_EINPUT);
	cr_assert_eq(parse_mem("x", "\xFF\xFE", 2, 1, 0, &c, &st, &e), ESC_EINPUT);
	cr_expect_str_eq(e.msg, "'x': no Go compiler diagnostics found (0 lines)");
	cr_assert_eq(parse_text(t_path("tests/data/gclog/no-such-file.txt"), &c, &st, &e), ESC_EIO);
	cr_expect(strstr(e.msg, "cannot open '") != NULL, "%s", e.msg);
}

Test(gclog, overlong_line_is_a_limit_error_naming_the_line)
{
	struct buf x;
	struct coll c;
	struct gc_stats st;
	struct err e;

	buf_init(&x);
	buf_adds(&x, "# p\n./a.go:1:1: can inline f\n./a.go:2:1: moved to heap: ");
	for (int i = 0; i < 100; i++)
		buf_adds(&x, "x");
	buf_adds(&x, "\n./a.go:3:1: can inline g\n");
	cr_assert_eq(parse_mem("build.log", x.data, x.len, 5, 64, &c, &st, &e), ESC_ELIMIT);
	cr_expect_str_eq(e.msg, "'build.log':3: line longer than 64 bytes (raise it with --max-line)");
	coll_free(&c);
	/* in one piece, the line is found whole */
	cr_assert_eq(parse_mem("build.log", x.data, x.len, x.len, 64, &c, &st, &e), ESC_ELIMIT);
	cr_expect_str_eq(e.msg, "'build.log':3: line longer than 64 bytes (raise it with --max-line)");
	coll_free(&c);
	/* the default limit is 1 MiB */
	cr_assert_eq(parse_mem("build.log", x.data, x.len, x.len, 0, &c, &st, &e), 0, "%s", e.msg);
	cr_expect_eq(c.n, 3);
	coll_free(&c);
	buf_release(&x);
}

Test(gclog, callback_can_stop_the_parse)
{
	struct coll c;
	struct err e;
	struct gc_stats st;
	struct gc_log *p = gc_log_new("stop");
	static const char log[] = "./a.go:1:1: can inline f\n./a.go:2:1: can inline g\n./a.go:3:1: can inline h\n";

	memset(&c, 0, sizeof(c));
	err_clear(&e);
	c.stop_after = 1;
	cr_assert_eq(gc_log_feed(p, log, sizeof(log) - 1, collect, &c, &e), 42);
	cr_expect_eq(gc_log_feed(p, log, sizeof(log) - 1, collect, &c, &e), 42, "sticky");
	cr_expect_eq(gc_log_finish(p, collect, &c, &st, &e), 42);
	cr_expect_eq(c.n, 1);
	cr_expect_eq(e.status, ESC_OK, "e is left to the callee");
	gc_log_free(p);
	gc_log_free(NULL);
	coll_free(&c);
}

/* go_version: the rules of gclog.h on the gc-samples (whose versions the file names say). */
Test(gclog, go_version_is_inferred_from_the_forms)
{
	static const struct {
		const char *file, *want;
	} cases[] = {
		{ "reference/gc-samples/m-out-mm-1.19.txt", "go1.14-1.19" },	/* "~R0", flow "=" */
		{ "reference/gc-samples/m-out-m-1.19.txt", "<=go1.19" },	/* "make([]byte, 1 << 20)" */
		{ "reference/gc-samples/m-out-mm-1.22.txt", "go1.14-1.24" },
		{ "reference/gc-samples/m-w-1.22.txt", "go1.22-1.24" },		/* + zero-copy */
		{ "reference/gc-samples/m-out-m-1.22.txt", "" },		/* -m alone tells nothing */
		{ "reference/gc-samples/m-out-mm-1.24.txt", "go1.14-1.24" },
		{ "reference/gc-samples/m-out-mm-1.26.txt", "go1.25+" },
		{ "reference/gc-samples/m-out-m-1.26.txt", "go1.25+" },		/* append escapes to heap */
		{ "corpus/escape-logs/m2_ludwig_reduce_memory_go1.16ish.txt", "go1.14-1.15" },	/* "T literal" */
		{ "corpus/escape-logs/m1_prevent-alloc_old_with_prompt.txt", "<=go1.15" },
		{ "corpus/escape-logs/issue_golang-go-26987_escgo_m2_tabfrom.txt", "<=go1.12" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct coll c;
		struct gc_stats st;
		struct err e;

		cr_assert_eq(parse_text(shared_path(cases[i].file), &c, &st, &e), 0, "%s", e.msg);
		cr_expect_str_eq(st.go_version, cases[i].want, "%s", cases[i].file);
		coll_free(&c);
	}
}

/* Thousands of blocks at one position, as inlining and generated code print them (and as
 * a fuzzer made them, which once took quadratic time): escaping values claimed in reverse,
 * summaries no block waits for, twins claimed by one summary, and a parameter leaking to
 * as many results. Each summary still gets exactly its own blocks, in arrival order. */
Test(gclog, blocks_crowded_at_one_position_each_find_their_own)
{
	enum { N = 2000 };
	struct buf log;
	struct coll c;
	struct gc_stats st;
	struct err e;
	size_t i, k = 0;
	char want[32];

	buf_init(&log);
	for (i = 0; i < N; i++)
		cr_assert_eq(buf_printf(&log, "a.go:7:3: v%zu escapes to heap in f:\na.go:7:3:   flow: {heap} = v%zu:\n", i, i), 0);
	for (i = 0; i < N; i++)
		cr_assert_eq(buf_printf(&log, "a.go:7:3: w%zu escapes to heap\n", i), 0);
	for (i = 0; i < N; i++)	/* in reverse */
		cr_assert_eq(buf_printf(&log, "a.go:7:3: v%zu escapes to heap\n", N - 1 - i), 0);
	for (i = 0; i < N; i++)
		cr_assert_eq(buf_printf(&log, "b.go:1:1: make([]int, n) escapes to heap in g:\n"
					      "b.go:1:1:   flow: {heap} = m%zu:\n", i), 0);
	cr_assert_eq(buf_printf(&log, "b.go:1:1: make([]int, n) escapes to heap\n"), 0);
	for (i = 0; i < N; i++)
		cr_assert_eq(buf_printf(&log, "c.go:2:2: parameter p leaks to ~r%zu for h with derefs=0:\n"
					      "c.go:2:2:   flow: ~r%zu = p:\n", i, i), 0);
	for (i = 0; i < N; i++)
		cr_assert_eq(buf_printf(&log, "c.go:2:2: leaking param: p to result ~r%zu level=0\n", N - 1 - i), 0);
	cr_assert_eq(parse_mem("crowded.log", log.data, log.len, 1 << 16, 0, &c, &st, &e), 0, "%s", e.msg);
	cr_assert_eq(c.n, 3 * N + 1);
	for (i = 0; i < N; i++, k++) {	/* no block is a w's */
		snprintf(want, sizeof(want), "w%zu", i);
		cr_assert_str_eq(c.v[k].subject, want);
		cr_assert_eq(c.v[k].nsteps, 0, "%s", want);
	}
	for (i = 0; i < N; i++, k++) {	/* each v its own block */
		snprintf(want, sizeof(want), "v%zu", N - 1 - i);
		cr_assert_str_eq(c.v[k].subject, want);
		cr_assert_eq(c.v[k].nsteps, 1, "%s", want);
		cr_assert_str_eq(c.v[k].steps[0].src, want);
	}
	cr_assert_eq(c.v[k].nsteps, N, "the twins go with their one summary");
	for (i = 0; i < N; i++) {
		snprintf(want, sizeof(want), "m%zu", i);
		cr_assert_str_eq(c.v[k].steps[i].src, want, "twins in arrival order");
	}
	for (k++, i = 0; i < N; i++, k++) {	/* each result its own block */
		snprintf(want, sizeof(want), "~r%zu", N - 1 - i);
		cr_assert_eq(c.v[k].kind, GC_LEAKING_PARAM_TO_RESULT);
		cr_assert_eq(c.v[k].nsteps, 1, "%s", want);
		cr_assert_str_eq(c.v[k].steps[0].dst, want);
	}
	coll_free(&c);
	buf_release(&log);
}
