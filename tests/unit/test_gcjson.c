/* test_gcjson.c — the -json=0,DIR parser (gclog/gcjson.c): trees against their text
 * twins (the (basename, line, col, kind) sets of the kinds both carry), the explanation-less
 * escape entry merged into its explained one, escflow entries as steps, codes as kinds,
 * and bad trees. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/unit/gclog_collect.h"

/* The same program built as -m -m text and as -json=0,DIR gives the same (basename, line,
 * col, kind) set for the kinds both carry. One difference in these samples: json-1.26 has
 * main/type.json, 8 "canInlineFunction" entries ("cost: 4", "cost: 9", ...) at
 * /usr/lib/go-1.26/src/sync/atomic/type.go:58:6..67:6 (generic instantiations whose
 * position is in another package's file), and m-out-mm-1.26.txt has no such line, so
 * type.go is left out of that comparison. It is how the two samples were made, not a
 * difference of the formats: in sample-profiles/out/go1.26 the text of the same build
 * prints them ("/usr/local/go/src/sync/atomic/type.go:67:6: can inline
 * atomic.(*Pointer[go.shape.struct { ... }]).CompareAndSwap with cost 63 as: ...") and
 * the sets agree (sample_profile_logs_count_like_grep). */
Test(gcjson, trees_match_their_text_logs)
{
	expect_same_sets(shared_path("reference/gc-samples/m-out-mm-1.19.txt"), shared_path("reference/gc-samples/json-1.19"),
			 NULL);
	expect_same_sets(shared_path("reference/gc-samples/m-out-mm-1.22.txt"), shared_path("reference/gc-samples/json-1.22"),
			 NULL);
	expect_same_sets(shared_path("reference/gc-samples/m-out-mm-1.26.txt"), shared_path("reference/gc-samples/json-1.26"),
			 "type.go");
	expect_same_sets(shared_path("reference/gc-samples/c-mm-1.26.txt"), shared_path("reference/gc-samples/json-c-1.26"),
			 NULL);
}

/* json-1.26/main/main.json: "x escapes to heap" (code escape) at 47:9 comes with an
 * explanation-less "escape" entry: an expression (the boxing of x), one diagnostic; "t
 * escapes to heap" at 61:11 has none: a variable, moved to heap. 36:13 has an "escapes"
 * and a "" entry: one diagnostic. */
Test(gcjson, escape_without_message_merges_with_its_explanation)
{
	struct coll c;
	struct gc_stats st;
	struct err e;
	const struct cdiag *d;
	size_t at;

	cr_assert_eq(parse_json(shared_path("reference/gc-samples/json-1.26"), &c, &st, &e), 0, "%s", e.msg);
	cr_expect_not_null(find_diag(&c, 47, 9, GC_ESCAPES, "x"));
	cr_expect_not_null(find_diag(&c, 61, 11, GC_MOVED_TO_HEAP, "t"));
	cr_expect_not_null(find_diag(&c, 69, 6, GC_MOVED_TO_HEAP, "arr"));
	d = find_diag(&c, 38, 15, GC_APPEND_ESCAPES, "append(big[:0], dyn...)");
	cr_assert_not_null(d);
	cr_expect_eq(d->nsteps, 3);
	at = 0;
	for (size_t i = 0; i < c.n; i++)
		at += c.v[i].line == 36 && c.v[i].col == 13;
	cr_expect_eq(at, 1);
	/* json-1.22 66:11: two "escapes" and two "" entries -> two diagnostics */
	coll_free(&c);
	cr_assert_eq(parse_json(shared_path("reference/gc-samples/json-1.22"), &c, &st, &e), 0, "%s", e.msg);
	at = 0;
	for (size_t i = 0; i < c.n; i++)
		at += c.v[i].line == 66 && c.v[i].col == 11;
	cr_expect_eq(at, 2);
	cr_expect_not_null(find_diag(&c, 66, 11, GC_ESCAPES, "make([]byte, n)"));
	/* 40 lines = 1 header + 39 entries; 9 "" entries merge into their explanations */
	cr_expect_eq(st.lines, 40);
	cr_expect_eq(c.n, 30);
	cr_expect_eq(st.skipped, 0);
	coll_free(&c);
}

/* json-1.26/main/main.json line 3: the t block as escflow entries, positions from location. */
Test(gcjson, escflow_entries_become_steps)
{
	struct coll c;
	struct gc_stats st;
	struct err e;
	const struct cdiag *d;

	cr_assert_eq(parse_json(shared_path("reference/gc-samples/json-1.26"), &c, &st, &e), 0, "%s", e.msg);
	d = find_diag(&c, 17, 2, GC_MOVED_TO_HEAP, "t");
	cr_assert_not_null(d);
	cr_expect_str_eq(d->file, "/src/esc/m/main.go");
	cr_expect_str_eq(d->package, "main");
	cr_assert_eq(d->nsteps, 3);
	expect_step(&d->steps[0], GC_STEP_FLOW, "~r0", "t", -1, NULL, NULL, NULL, 0, 0, "flow: ~r0 \xe2\x86\x90 &t:");
	expect_step(&d->steps[1], GC_STEP_FROM, NULL, NULL, 0, "address-of", "&t", "/src/esc/m/main.go", 18, 9,
		    "from &t (address-of)");
	expect_step(&d->steps[2], GC_STEP_FROM, NULL, NULL, 0, "return", "return &t", "/src/esc/m/main.go", 18, 2,
		    "from return &t (return)");
	/* 61:11 (inlined newT): its first relatedInformation is an inlineLoc, not a step */
	d = find_diag(&c, 61, 11, GC_MOVED_TO_HEAP, "t");
	cr_assert_not_null(d);
	cr_expect_eq(d->steps[0].kind, GC_STEP_FLOW);
	cr_expect_str_eq(st.go_version, "go1.26.10");
	coll_free(&c);
}

/* json-1.22: "parameter p leaks to {heap} with derefs=0" -> leaking_param, "pp leaks to
 * ~r0 with derefs=1" -> to_result; canInlineFunction/cannotInlineFunction -> inline /
 * cannot_inline with the compiler's message; nilcheck -> other, gopls' "code(message)". */
Test(gcjson, codes_map_to_kinds)
{
	struct coll c;
	struct gc_stats st;
	struct err e;
	const struct cdiag *d;

	cr_assert_eq(parse_json(shared_path("reference/gc-samples/json-1.22"), &c, &st, &e), 0, "%s", e.msg);
	cr_expect_not_null(find_diag(&c, 21, 19, GC_LEAKING_PARAM, "p"));
	cr_expect_not_null(find_diag(&c, 29, 14, GC_LEAKING_PARAM_TO_RESULT, "pp"));
	d = find_diag(&c, 16, 6, GC_INLINE, NULL);
	cr_assert_not_null(d);
	cr_expect_str_eq(d->message, "cost: 10");
	d = find_diag(&c, 60, 6, GC_CANNOT_INLINE, NULL);
	cr_assert_not_null(d);
	cr_expect_str_eq(d->message, "function too complex: cost 211 exceeds budget 80");
	d = find_diag(&c, 52, 3, GC_OTHER, NULL);
	cr_assert_not_null(d);
	cr_expect_str_eq(d->message, "nilcheck()");
	cr_expect_str_eq(st.go_version, "go1.22.12");
	coll_free(&c);
	cr_expect_eq(gc_leak_kind("{heap}", 6, 2), GC_LEAKING_PARAM_CONTENT);
	cr_expect_eq(gc_leak_kind("{storage for arr}", 17, 0), GC_LEAKING_PARAM);
	cr_expect_eq(gc_leak_kind("err", 3, 0), GC_LEAKING_PARAM_TO_RESULT);
}

Test(gcjson, bad_trees_are_reported)
{
	struct coll c;
	struct gc_stats st;
	struct err e;
	char path[4096], dir[4096];
	static const char notlogopt[] = "{\"name\":\"x\"}\n{\"range\":1}\n";

	cr_assert_eq(parse_json(t_path("tests/data/gclog/no-such-dir"), &c, &st, &e), ESC_EIO);
	snprintf(dir, sizeof(dir), "%s/jsonempty", t_tmpdir());
	mkdir(dir, 0700);
	cr_assert_eq(parse_json(dir, &c, &st, &e), ESC_EINPUT);
	cr_expect(strstr(e.msg, "no Go compiler diagnostics found (0 lines)") != NULL, "%s", e.msg);
	/* a .json that is not logopt output is skipped, its lines counted */
	write_tmp("jsonempty/other.json", notlogopt, sizeof(notlogopt) - 1, path, sizeof(path));
	cr_assert_eq(parse_json(dir, &c, &st, &e), ESC_EINPUT);
	cr_expect_eq(st.skipped, 2);
	cr_expect_eq(st.lines, 2);
	/* a garbage line among good ones is skipped */
	{
		struct buf x;
		struct buf good;

		t_read(&good, shared_path("reference/gc-samples/json-c-1.26/c/c.json"));
		buf_init(&x);
		buf_add(&x, good.data, good.len);
		buf_adds(&x, "not json\n");
		write_tmp("jsonempty/c.json", x.data, x.len, path, sizeof(path));
		buf_release(&x);
		buf_release(&good);
	}
	cr_assert_eq(parse_json(dir, &c, &st, &e), 0, "%s", e.msg);
	cr_expect_eq(c.n, 3);
	cr_expect_eq(st.skipped, 3);
	coll_free(&c);
	/* a single file works too */
	cr_assert_eq(parse_json(path, &c, &st, &e), 0, "%s", e.msg);
	cr_expect_eq(c.n, 3);
	coll_free(&c);
}
