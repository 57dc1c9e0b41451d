/* test_classify.c — attribution against the hand-written expectations in
 * sample-profiles/expected-causes.tsv, for every sample program and Go version: each
 * expected site has its cause, no site of the programs' own code is left out, and every
 * byte lands in exactly one cause (per sample type, the causes add up to the total). Plus
 * unit cases of the chain classifier on compiler blocks quoted from real logs. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "classify/classify.h"
#include "tests/testutil.h"

Test(classify, every_sample_site_has_its_expected_cause_in_every_go_version)
{
	static const int minors[] = {19, 22, 24, 26};
	size_t ne, i, k, m;
	struct t_expect_cause *ex = t_expect_causes(&ne);

	cr_assert_gt(ne, 40);
	for (m = 0; m < 4; m++)
		for (k = 0; k < T_NSCENARIOS; k++) {
			struct buf out, err;
			json_error_t je;
			json_t *j, *sites;
			const char *sc = t_scenarios[k];

			cr_assert_eq(t_run(&out, &err, "analyze --format json -n 1000 -source_path sample-profiles"
					   " -trim_path /src/samples sample-profiles/out/go1.%d/%s.pb.gz"
					   " sample-profiles/out/go1.%d/%s.mm.txt", minors[m], sc, minors[m], sc), 0,
				     "%s", err.data);
			j = json_loads(out.data, 0, &je);
			cr_assert_not_null(j, "%s", je.text);
			sites = json_object_get(j, "sites");
			for (i = 0; i < ne; i++) {
				size_t s;
				int found = 0;

				if (strcmp(ex[i].scen, sc) || !t_version_matches(ex[i].versions, minors[m]))
					continue;
				for (s = 0; s < json_array_size(sites); s++) {
					json_t *x = json_array_get(sites, s), *parts = json_object_get(x, "parts");
					size_t q;

					if (strcmp(json_string_value(json_object_get(x, "function")), ex[i].fn) ||
					    json_integer_value(json_object_get(x, "line")) != ex[i].line)
						continue;
					for (q = 0; q < json_array_size(parts); q++) {
						json_t *part = json_array_get(parts, q);
						const char *via = json_string_value(json_object_get(part, "attributed_via"));

						if (!t_via_matches(ex[i].via, via) ||
						    strcmp(json_string_value(json_object_get(part, "cause")), ex[i].cause))
							continue;
						found = 1;
					}
				}
				cr_expect(found, "go1.%d %s: no part %s of %s:%ld via %s", minors[m], sc, ex[i].cause,
					  ex[i].fn, ex[i].line, ex[i].via);
			}
			/* every part of a site of the program's own code with 2% or more is expected */
			for (i = 0; i < json_array_size(sites); i++) {
				json_t *x = json_array_get(sites, i), *parts = json_object_get(x, "parts");
				const char *fn = json_string_value(json_object_get(x, "function"));
				long line = (long)json_integer_value(json_object_get(x, "line"));
				size_t q;

				if (strncmp(fn, "main.", 5))
					continue;
				for (q = 0; q < json_array_size(parts); q++) {
					json_t *part = json_array_get(parts, q);
					const char *via = json_string_value(json_object_get(part, "attributed_via"));
					const char *cause = json_string_value(json_object_get(part, "cause"));
					size_t e;
					int listed = 0;

					if (json_number_value(json_object_get(part, "percent")) < 2)
						continue;
					for (e = 0; e < ne; e++)
						if (!strcmp(ex[e].scen, sc) && !strcmp(ex[e].fn, fn) && ex[e].line == line &&
						    t_version_matches(ex[e].versions, minors[m]) &&
						    t_via_matches(ex[e].via, via) && !strcmp(ex[e].cause, cause))
							listed = 1;
					cr_expect(listed, "go1.%d %s: %s of %s:%ld via %s is not in expected-causes.tsv",
						  minors[m], sc, cause, fn, line, via ? via : "-");
				}
			}
			json_decref(j);
			buf_release(&out);
			buf_release(&err);
		}
	free(ex);
}

Test(classify, every_byte_lands_in_exactly_one_cause)
{
	char db[512];
	size_t k;
	static const char *const types[] = {"alloc_objects", "alloc_space", "inuse_objects", "inuse_space"};

	snprintf(db, sizeof(db), "%s/sum-%d.db", t_tmpdir(), getpid());
	unlink(db);
	for (k = 0; k < T_NSCENARIOS; k++) {
		size_t t;

		cr_assert_eq(t_run(NULL, NULL, "analyze -q --db '%s' sample-profiles/out/go1.26/%s.pb.gz"
				   " sample-profiles/out/go1.26/%s.mm.txt >/dev/null", db, t_scenarios[k], t_scenarios[k]), 0);
		for (t = 0; t < 4; t++) {
			struct buf out;
			char *nl;

			/* the profile's total, per type, against the sum over causes */
			cr_assert_eq(t_run(&out, NULL, "sql --db '%s' --format tsv \"SELECT (SELECT sum(%s) FROM"
					   " heap_samples h JOIN profiles p USING (profile_id) WHERE p.name = '%s.pb.gz')"
					   " - (SELECT sum(%s) FROM alloc_sites a JOIN profiles p USING (profile_id)"
					   " WHERE p.name = '%s.pb.gz'), (SELECT count(DISTINCT cause) FROM alloc_sites)\"",
					   db, types[t], t_scenarios[k], types[t], t_scenarios[k]), 0);
			nl = strchr(out.data, '\n');
			cr_assert_not_null(nl);
			cr_expect_eq(atoll(nl + 1), 0, "%s %s: causes do not add up to the total", t_scenarios[k], types[t]);
			buf_release(&out);
		}
	}
	unlink(db);
}

/* ---- the chain classifier on blocks quoted from real compiler output ---- */

#define STEP_FLOW(d, s) {GC_STEP_FLOW, d, s, 0, NULL, NULL, NULL, 0, 0, NULL}
#define STEP_FROM(w, e) {GC_STEP_FROM, NULL, NULL, 0, w, e, "x.go", 1, 1, NULL}

static const char *verdict(const char *kind, const char *subject, const struct gc_step *steps,
			   size_t n, int minor)
{
	struct gc_diag d = {NULL, "x.go", 1, 1, GC_OTHER, subject, NULL, subject, steps, n};
	struct classify_context cx = {NULL, minor, NULL, NULL};
	static struct classify_verdict v;

	cr_assert_eq(gc_kind_parse(kind, &d.kind), 0, "kind '%s'", kind);
	classify_diag(&d, &cx, &v);
	return v.allocating ? v.cause : "(none)";
}

Test(classify, size_reasons_come_first)
{
	/* ./main.go:36:13: make([]byte, 1048576) escapes to heap: (Go 1.22, gc-samples) */
	struct gc_step s[] = {STEP_FLOW("{heap}", "{storage for make([]byte, 1048576)}"),
				 STEP_FROM("too large for stack", "make([]byte, 1048576)")};
	struct gc_step n[] = {STEP_FLOW("{heap}", "{storage for make([]byte, n)}"),
				 STEP_FROM("non-constant size", "make([]byte, n)")};

	cr_expect_str_eq(verdict("escapes", "make([]byte, 1048576)", s, 2, 22), "too-large-for-stack");
	cr_expect_str_eq(verdict("escapes", "make([]byte, n)", n, 2, 22), "non-constant-size");
}

Test(classify, a_make_stored_into_a_package_variable_is_the_sinks_even_with_a_size_reason)
{
	/* Go 1.19, sample-profiles/diffpair: two blocks for one make, the first the store
	 * (spill; points = make(...) (assign)), the second the size reason; and the same
	 * blocks the other way round. The design: a stored make is the sink's. */
	struct gc_step st[] = {STEP_FLOW("{heap}", "&{storage for make([]*point, 0, n[0])}"),
				  STEP_FROM("spill", "make([]*point, 0, n[0])"),
				  STEP_FROM("assign", "points = make([]*point, 0, n[0])"),
				  STEP_FLOW("{heap}", "&{storage for make([]*point, 0, n[0])}"),
				  STEP_FROM("non-constant size", "make([]*point, 0, n[0])")};
	struct gc_step ts[] = {STEP_FLOW("{heap}", "&{storage for make([]*point, 0, n[0])}"),
				  STEP_FROM("non-constant size", "make([]*point, 0, n[0])"),
				  STEP_FLOW("{heap}", "&{storage for make([]*point, 0, n[0])}"),
				  STEP_FROM("spill", "make([]*point, 0, n[0])"),
				  STEP_FROM("assign", "points = make([]*point, 0, n[0])")};
	/* a size reason with no other flow stays a size reason */
	struct gc_step only[] = {STEP_FLOW("{heap}", "&{storage for make([]*point, 0, n[0])}"),
				    STEP_FROM("non-constant size", "make([]*point, 0, n[0])")};
	struct gc_diag d = {NULL, "x.go", 65, 15, GC_ESCAPES, "make([]*point, 0, n[0])", NULL, NULL, st, 5};
	struct classify_context cx = {NULL, 19, NULL, NULL};
	struct classify_verdict v;

	cr_expect_str_eq(verdict("escapes", "make([]*point, 0, n[0])", st, 5, 19), "global-store");
	cr_expect_str_eq(verdict("escapes", "make([]*point, 0, n[0])", ts, 5, 19), "global-store");
	cr_expect_str_eq(verdict("escapes", "make([]*point, 0, n[0])", only, 2, 19), "non-constant-size");
	/* the deciding step is the assign, counted in the whole chain */
	classify_diag(&d, &cx, &v);
	cr_expect_eq(v.decisive, 2);
	cr_expect_eq(v.by_size, 0);
	d.steps = ts;
	classify_diag(&d, &cx, &v);
	cr_expect_eq(v.decisive, 4);
}

Test(classify, boxing_is_interface_conversion_whatever_the_sink)
{
	/* Go 1.19: i escapes to heap: flow: {storage for ... argument} = &{storage for i}:
	 * from i (spill); from ... argument (slice-literal-element); flow: {heap} = ...;
	 * from fmt.Sprint(... argument...) (call parameter) */
	struct gc_step fmt[] = {STEP_FLOW("{storage for ... argument}", "&{storage for i}"),
				   STEP_FROM("spill", "i"), STEP_FROM("slice-literal-element", "... argument"),
				   STEP_FLOW("{heap}", "{storage for ... argument}"),
				   STEP_FROM("spill", "... argument"),
				   STEP_FROM("call parameter", "fmt.Sprint(... argument...)")};
	/* Go 1.26: v escapes to heap in storeValue: flow: {heap} ← &{storage for v}:
	 * from v (spill); from sink = v (assign) */
	struct gc_step sink[] = {STEP_FLOW("{heap}", "&{storage for v}"), STEP_FROM("spill", "v"),
				    STEP_FROM("assign", "sink = v")};

	cr_expect_str_eq(verdict("escapes", "i", fmt, 6, 19), "interface-conversion");
	cr_expect_str_eq(verdict("escapes", "v", sink, 3, 26), "interface-conversion");
	cr_expect_str_eq(verdict("escapes", "celsius{...}", sink, 3, 26), "interface-conversion");
	/* a constant boxed for a panic message points at read-only data */
	cr_expect_str_eq(verdict("escapes", "\"strings: illegal use\"", NULL, 0, 26), "(none)");
}

Test(classify, the_sink_decides_for_explicit_allocations)
{
	struct gc_step ret[] = {STEP_FLOW("~r0", "&t"), STEP_FROM("address-of", "&t"),
				   STEP_FROM("return", "return &t")};
	struct gc_step send[] = {STEP_FLOW("{heap}", "&{storage for &job{...}}"),
				    STEP_FROM("spill", "&job{...}"), STEP_FROM("send", "ch <- (&job{...})")};
	struct gc_step glob[] = {STEP_FLOW("{heap}", "p"), STEP_FROM("assign", "global = p")};
	struct gc_step call[] = {STEP_FLOW("buf", "&{storage for make([]byte, 256)}"),
				    STEP_FROM("spill", "make([]byte, 256)"),
				    STEP_FROM("assign", "buf := make([]byte, 256)"), STEP_FLOW("{heap}", "buf"),
				    STEP_FROM("call parameter", "r.Read(buf)")};
	struct gc_step slice[] = {STEP_FLOW("{heap}", "&s"), STEP_FROM("address-of", "&s"),
				     STEP_FROM("call parameter", "append(out, &s)")};
	struct gc_step clo[] = {STEP_FLOW("{storage for func literal}", "&n"),
				   STEP_FROM("captured by a closure", "n"), STEP_FROM("reference", "n")};
	struct gc_step go[] = {STEP_FLOW("{heap}", "&{storage for func literal}"),
				  STEP_FROM("spill", "func literal")};

	cr_expect_str_eq(verdict("moved_to_heap", "t", ret, 3, 22), "pointer-returned");
	cr_expect_str_eq(verdict("escapes", "&job{...}", send, 3, 26), "channel-send");
	cr_expect_str_eq(verdict("moved_to_heap", "x", glob, 2, 22), "global-store");
	cr_expect_str_eq(verdict("escapes", "make([]byte, 256)", call, 5, 26), "call-parameter");
	cr_expect_str_eq(verdict("moved_to_heap", "s", slice, 3, 26), "slice-store");
	cr_expect_str_eq(verdict("moved_to_heap", "n", clo, 3, 26), "closure-capture");
	cr_expect_str_eq(verdict("escapes", "func literal", go, 2, 26), "goroutine");
}

Test(classify, chains_are_read_whole)
{
	/* Go 1.19 and 1.26, `return Header{k: {v}}` with type Header map[string][]string:
	 * Header{...} escapes to heap: flow: ~r0 = &{storage for Header{...}}: from
	 * Header{...} (spill); from return Header{...} (return) */
	struct gc_step lit[] = {STEP_FLOW("~r0", "&{storage for Header{...}}"),
				   STEP_FROM("spill", "Header{...}"), STEP_FROM("return", "return Header{...}")};
	/* func named(n int) (res *node) { x := node{v: n}; res = &x; return }:
	 * x escapes to heap: flow: res = &x: from &x (address-of); from res = &x (assign) */
	struct gc_step named[] = {STEP_FLOW("res", "&x"), STEP_FROM("address-of", "&x"),
				     STEP_FROM("assign", "res = &x")};
	/* func walk(p *node, depth int) int { if depth == 0 { gsink = p; ... }; q := node{...};
	 * return walk(&q, depth-1) }: q escapes to heap: flow: p = &q: from &q (address-of);
	 * from walk(&q, depth - 1) (call parameter); flow: {heap} = p: from gsink = p (assign) */
	struct gc_step rec[] = {STEP_FLOW("p", "&q"), STEP_FROM("address-of", "&q"),
				   STEP_FROM("call parameter", "walk(&q, depth - 1)"), STEP_FLOW("{heap}", "p"),
				   STEP_FROM("assign", "gsink = p")};
	/* Go 1.26, buf := make([]byte, n); ...; return buf: flow: buf ← &{storage for
	 * make([]byte, n)}: (spill), (assign); flow: ~r0 ← buf: from return buf (return) */
	struct gc_step mk[] = {STEP_FLOW("buf", "&{storage for make([]byte, n)}"),
				  STEP_FROM("spill", "make([]byte, n)"), STEP_FROM("assign", "buf := make([]byte, n)"),
				  STEP_FLOW("~r0", "buf"), STEP_FROM("return", "return buf")};
	/* a {heap} flow with no notes of its own takes the previous flow's */
	struct gc_step bare[] = {STEP_FLOW("x", "&{storage for T{...}}"), STEP_FROM("spill", "&T{...}"),
				    STEP_FROM("assign", "s[i] = x"), STEP_FLOW("{heap}", "x")};
	/* Go 1.19 map literal value: []string{...} (spill); Header{...} (map literal value) */
	struct gc_step mv[] = {STEP_FLOW("{heap}", "&{storage for []string{...}}"),
				  STEP_FROM("spill", "[]string{...}"), STEP_FROM("map literal value", "Header{...}")};

	cr_expect_str_eq(verdict("escapes", "Header{...}", lit, 3, 19), "pointer-returned");
	cr_expect_str_eq(verdict("moved_to_heap", "x", named, 3, 19), "pointer-returned");
	cr_expect_str_eq(verdict("moved_to_heap", "q", rec, 5, 26), "call-parameter");
	cr_expect_str_eq(verdict("escapes", "make([]byte, n)", mk, 5, 26), "pointer-returned");
	cr_expect_str_eq(verdict("escapes", "&T{...}", bare, 4, 22), "slice-store");
	cr_expect_str_eq(verdict("escapes", "[]string{...}", mv, 3, 19), "map-store");
}

Test(classify, the_compilers_does_not_escape_can_still_allocate)
{
	cr_expect_str_eq(verdict("does_not_escape", "make([]int, n)", NULL, 0, 26), "non-constant-size");
	cr_expect_str_eq(verdict("does_not_escape", "a + b", NULL, 0, 22), "string-build");
	cr_expect_str_eq(verdict("does_not_escape", "append", NULL, 0, 26), "append-growth");
	cr_expect_str_eq(verdict("does_not_escape", "&T{...}", NULL, 0, 26), "(none)");
	cr_expect_str_eq(verdict("append_escapes", "append", NULL, 0, 26), "append-growth");
	/* no flow printed (-m): only what the expression itself proves */
	cr_expect_str_eq(verdict("moved_to_heap", "x", NULL, 0, 0), "unknown");
}

Test(classify, paths_normalise_by_spelling_only)
{
	char out[256];

	classify_norm_path("./main.go", out, sizeof(out));
	cr_expect_str_eq(out, "main.go");
	classify_norm_path("C:\\src\\app\\x.go", out, sizeof(out));
	cr_expect_str_eq(out, "/src/app/x.go");
	classify_norm_path("a/b/../c//d.go", out, sizeof(out));
	cr_expect_str_eq(out, "a/c/d.go");
	classify_norm_path("../sib/x.go", out, sizeof(out));
	cr_expect_str_eq(out, "../sib/x.go");
	cr_expect_eq(classify_package_of("go/token.(*File).AddLine", out, sizeof(out)), 8);
	cr_expect_str_eq(out, "go/token");
	classify_package_of("main.f", out, sizeof(out));
	cr_expect_str_eq(out, "main");
	classify_package_of("example.com/m/sub.F[go.shape.int]", out, sizeof(out));
	cr_expect_str_eq(out, "example.com/m/sub");
	classify_package_of("sync.OnceValue[go.shape.func(*encoding/json.encodeState)].func1", out, sizeof(out));
	cr_expect_str_eq(out, "sync");
	classify_package_of("encoding/json.(*decodeState).object", out, sizeof(out));
	cr_expect_str_eq(out, "encoding/json");
	/* the linker escapes '.' in the last element and other odd bytes as %xx */
	cr_expect_eq(classify_package_of("gopkg.in/yaml%2ev2.(*parser).node", out, sizeof(out)), 18);
	cr_expect_str_eq(out, "gopkg.in/yaml.v2");
	classify_package_of("example.com/a%20b%2ex.F", out, sizeof(out));
	cr_expect_str_eq(out, "example.com/a b.x");
}

Test(classify, sources_resolve_as_pprof_does_never_by_file_name_alone)
{
	char dir[512], path[700];
	struct classify_sources src;
	const char *dirs[1] = {dir}, *text;
	size_t len;

	snprintf(dir, sizeof(dir), "%s/src-%d", t_tmpdir(), getpid());
	snprintf(path, sizeof(path), "mkdir -p '%s/cmd/a' '%s/cmd/b'", dir, dir);
	cr_assert_eq(system(path), 0);
	snprintf(path, sizeof(path), "%s/cmd/a/main.go", dir);
	t_write(path, "package main // a\n", 18);
	snprintf(path, sizeof(path), "%s/cmd/b/main.go", dir);
	t_write(path, "package main // b\n", 18);
	classify_sources_init(&src, dirs, 1, "/nowhere:/build/checkout");
	/* by trailing components under the search root, after trimming either prefix */
	cr_assert_eq(classify_source_line(&src, "/ci/tree/cmd/b/main.go", 1, &text, &len), 0);
	cr_expect(len == 17 && !memcmp(text, "package main // b", 17));
	cr_assert_eq(classify_source_line(&src, "/build/checkout/cmd/a/main.go", 1, &text, &len), 0);
	cr_expect(len == 17 && !memcmp(text, "package main // a", 17));
	/* a main.go of another directory is never taken for this one */
	cr_expect_eq(classify_source_line(&src, "/ci/tree/cmd/c/main.go", 1, &text, &len), -1);
	cr_expect_eq(classify_source_line(&src, "/ci/tree/main.go", 1, &text, &len), -1);
	classify_sources_release(&src);
	/* the profile's own path first, when it exists */
	classify_sources_init(&src, NULL, 0, NULL);
	cr_expect_eq(classify_source_line(&src, path, 1, &text, &len), 0);
	classify_sources_release(&src);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	cr_expect_eq(system(path), 0);
}

Test(classify, a_package_path_longer_than_any_buffer_is_keyed_whole)
{
	/* a 6 KB "# pkg" header: the join's keys of (package, file) once over-read a 4 KB
	 * stack buffer (ASan: stack-buffer-overflow; release builds hashed garbage) */
	const char *log = t_fresh("longpkg-%d.log", 1);
	struct buf b, out, err;
	int i;

	buf_init(&b);
	buf_adds(&b, "# example.com/");
	for (i = 0; i < 1500; i++)
		buf_adds(&b, "deep/");
	buf_adds(&b, "pkg\nchan_send/main.go:27:8: &job{...} escapes to heap\n"
		     "chan_send/main.go:34:2: moved to heap: s\n");
	t_write(log, b.data, b.len);
	cr_assert_eq(t_run(&out, &err, "analyze --format json sample-profiles/out/go1.26/chan_send.pb.gz '%s'", log),
		     0, "%s", err.data);
	cr_expect(strstr(out.data, "\"builds\""), "%s", out.data);
	buf_release(&b);
	buf_release(&out);
	buf_release(&err);
}

/* A profile of nstacks distinct stacks that all allocate at main.go:5 (the leaf), each
 * called from its own line of main.main. */
static void many_stacks_one_line(struct buf *b, int nstacks)
{
	struct buf vt, fn, loc, line, smp, ids, vals;
	const char *strs[] = {"", "alloc_space", "bytes", "main.f", "/src/main.go", "main.main"};
	int i;

	buf_init(b);
	buf_init(&vt);
	pb_int(&vt, 1, 1);
	pb_int(&vt, 2, 2);
	pb_bytes(b, 1, vt.data, vt.len);
	buf_init(&smp);
	buf_init(&ids);
	buf_init(&vals);
	buf_init(&line);
	buf_init(&loc);
	for (i = 0; i < nstacks; i++) {
		buf_reset(&smp);
		buf_reset(&ids);
		buf_reset(&vals);
		pb_varint(&ids, 1);
		pb_varint(&ids, (uint64_t)i + 2);
		pb_bytes(&smp, 1, ids.data, ids.len);
		pb_varint(&vals, 64);
		pb_bytes(&smp, 2, vals.data, vals.len);
		pb_bytes(b, 2, smp.data, smp.len);
	}
	for (i = 0; i <= nstacks; i++) {
		buf_reset(&line);
		buf_reset(&loc);
		pb_int(&line, 1, i ? 2 : 1);			/* main.main callers, main.f the leaf */
		pb_int(&line, 2, i ? 100 + i : 5);
		pb_int(&loc, 1, (uint64_t)i + 1);
		pb_bytes(&loc, 4, line.data, line.len);
		pb_bytes(b, 4, loc.data, loc.len);
	}
	for (i = 1; i <= 2; i++) {
		buf_init(&fn);
		pb_int(&fn, 1, (uint64_t)i);
		pb_int(&fn, 2, i == 1 ? 3 : 5);
		pb_int(&fn, 4, 4);
		pb_bytes(b, 5, fn.data, fn.len);
		buf_release(&fn);
	}
	for (i = 0; i < (int)(sizeof(strs) / sizeof(strs[0])); i++)
		pb_str(b, 6, strs[i]);
	buf_release(&vt);
	buf_release(&loc);
	buf_release(&line);
	buf_release(&smp);
	buf_release(&ids);
	buf_release(&vals);
}

Test(classify, many_stacks_times_many_diagnostics_at_one_line_stay_linear, .timeout = 60)
{
	/* 2,000 stacks at main.go:5 and 200,000 distinct allocating diagnostics there: every
	 * stack once compared every diagnostic (and deduplicated them pairwise), minutes of
	 * work (36 s for half as many); a line keeps a bounded number of candidates: about a
	 * second */
	const char *prof = t_fresh("many-%d.pb", 1), *log = t_fresh("many-%d.log", 2);
	struct buf p, l, out, err;
	int i;

	many_stacks_one_line(&p, 2000);
	t_write(prof, p.data, p.len);
	buf_init(&l);
	buf_adds(&l, "# example.com/m\n./main.go:4:6: can inline f\n");
	for (i = 0; i < 200000; i++)
		buf_printf(&l, "./main.go:5:%d: moved to heap: v%d\n", 2 + i % 200, i);
	t_write(log, l.data, l.len);
	cr_assert_eq(t_run(&out, &err, "analyze --format json '%s' '%s'", prof, log), 0, "%s", err.data);
	cr_expect(strstr(out.data, "\"total\": 128000"), "%.400s", out.data);
	buf_release(&p);
	buf_release(&l);
	buf_release(&out);
	buf_release(&err);
}
