/* test_gclog_buildjson.c — `go build -json` streams: the real Go 1.26 samples give exactly
 * the diagnostics of the plain -m -m log of the same build (made by the same script, the
 * oracle), however the stream is cut; hand-made streams cover what one build does not
 * print (several packages, an event cut mid-line, build-fail, go test -json's own events,
 * stderr text mixed in, escapes, keys in another order); and bad input names its JSON line. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "gclog_collect.h"

#define CASES "sample-profiles/out/go1.26/"

/* Parses data as a go build -json stream fed chunk bytes at a time (0: at once). */
static int parse_bj(const char *data, size_t len, size_t chunk, size_t max_line, struct coll *c,
		    struct gc_stats *st, struct err *e)
{
	struct gc_log *p = gc_log_new("x.json");
	struct gc_build_json *j = gc_build_json_new(p, "x.json");
	size_t off = 0;
	int rc = 0;

	cr_assert(p && j);
	memset(c, 0, sizeof(*c));
	memset(st, 0, sizeof(*st));
	err_clear(e);
	if (max_line)
		gc_log_set_max_line(p, max_line);
	while (!rc && off < len) {
		size_t n = chunk && len - off > chunk ? chunk : len - off;

		rc = gc_build_json_feed(j, data + off, n, collect, c, e);
		off += n;
	}
	if (!rc)
		rc = gc_build_json_finish(j, collect, c, st, e);
	gc_build_json_free(j);
	gc_log_free(p);
	return rc;
}

static int parse_text_mem(const char *data, size_t len, struct coll *c, struct gc_stats *st,
			  struct err *e)
{
	struct gc_log *p = gc_log_new("x.txt");
	int rc;

	memset(c, 0, sizeof(*c));
	err_clear(e);
	rc = gc_log_feed(p, data, len, collect, c, e);
	if (!rc)
		rc = gc_log_finish(p, collect, c, st, e);
	gc_log_free(p);
	return rc;
}

/* Every diagnostic, field by field and step by step, in order. */
static void expect_same(const struct coll *a, const struct coll *b)
{
	cr_assert_eq(a->n, b->n, "%zu diagnostics against %zu", a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		const struct cdiag *x = &a->v[i], *y = &b->v[i];

		cr_expect(str_eq(x->package, y->package) && str_eq(x->file, y->file) && x->line == y->line &&
			  x->col == y->col && x->kind == y->kind && str_eq(x->subject, y->subject) &&
			  str_eq(x->func, y->func) && str_eq(x->message, y->message), "diagnostic %zu: %s:%u %s",
			  i, x->file, x->line, x->message);
		cr_assert_eq(x->nsteps, y->nsteps, "diagnostic %zu", i);
		for (size_t k = 0; k < x->nsteps; k++)
			cr_expect(str_eq(x->steps[k].text, y->steps[k].text), "diagnostic %zu step %zu", i, k);
	}
}

struct bj_case {
	char name[32];
};

ParameterizedTestParameters(buildjson, real_build_json_gives_the_diagnostics_of_its_text_log)
{
	static struct bj_case cases[] = {{"iface_fmt"}, {"realistic_json"}};

	return cr_make_param_array(struct bj_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct bj_case *k, buildjson, real_build_json_gives_the_diagnostics_of_its_text_log)
{
	static const size_t chunks[] = {0, 1, 7, 4096};
	struct coll text, js;
	struct gc_stats ts = {0}, jst;
	struct err e;
	struct buf data;

	cr_assert_eq(parse_text(t_path(CASES "%s.mm.txt", k->name), &text, &ts, &e), 0, "%s", e.msg);
	cr_assert_gt(text.n, 40);
	t_read(&data, t_path(CASES "%s.build.json", k->name));
	cr_assert(gc_build_json_sniff(data.data, data.len < 4096 ? data.len : 4096));
	for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		cr_assert_eq(parse_bj(data.data, data.len, chunks[i], 0, &js, &jst, &e), 0, "%s", e.msg);
		expect_same(&js, &text);
		cr_expect_eq(jst.lines, ts.lines);
		cr_expect_eq(jst.blocks, ts.blocks);
		cr_expect_eq(jst.skipped, ts.skipped);
		cr_expect_str_eq(jst.go_version, ts.go_version);
		coll_free(&js);
	}
	coll_free(&text);
	buf_release(&data);
}

/* The text the events below stand for, as go build would have printed it. */
static const char twin_text[] =
	"# example.com/a\n"
	"a/x.go:3:6: can inline f\n"
	"a/x.go:9:2: moved to heap: v\n"
	"# example.com/b\n"
	"b/y.go:4:13: \"<&>\" escapes to heap\n"
	"go: warning: something on stderr\n"
	"b/y.go:5:9: &T{...} escapes to heap \xf0\x9f\x98\x80\n"
	"b/y.go:7:10: s does not escape\n";

static const char twin_json[] =
	"{\"ImportPath\":\"example.com/a\",\"Action\":\"build-output\",\"Output\":\"# example.com/a\\n\"}\n"
	/* one line cut across two events */
	"{\"ImportPath\":\"example.com/a\",\"Action\":\"build-output\",\"Output\":\"a/x.go:3:6: can in\"}\n"
	"{\"ImportPath\":\"example.com/a\",\"Action\":\"build-output\",\"Output\":\"line f\\na/x.go:9:2: moved to heap: v\\n\"}\n"
	/* go test -json's own events and build-fail carry no build output */
	"{\"Time\":\"2026-01-01T00:00:00Z\",\"Action\":\"output\",\"Package\":\"example.com/a\",\"Output\":\"a/x.go:1:1: moved to heap: nope\\n\"}\n"
	"\n"
	"{\"ImportPath\":\"example.com/z\",\"Action\":\"build-fail\"}\n"
	/* escapes: \\u0026 and friends as Go writes them, a surrogate pair */
	"  {\"ImportPath\":\"example.com/b\",\"Action\":\"build-output\",\"Output\":\"# example.com/b\\nb/y.go:4:13: \\\"\\u003c\\u0026\\u003e\\\" escapes to heap\\n\"}\r\n"
	/* standard error mixed in */
	"go: warning: something on stderr\n"
	/* another key order, and values of other types */
	"{\"Output\":\"b/y.go:5:9: \\u0026T{...} escapes to heap \\ud83d\\ude00\\n\",\"N\":[1,{\"x\":\"]}\"}],\"Ok\":true,\"F\":-1.5e3,\"Action\":\"build-output\"}\n"
	"{\"ImportPath\":\"example.com/b\",\"Action\":\"build-output\",\"Output\":\"b/y.go:7:10: s does not escape\\n\"}";

Test(buildjson, events_give_the_text_they_wrap_however_they_are_cut)
{
	struct coll text, js;
	struct gc_stats ts = {0}, jst;
	struct err e;

	cr_assert_eq(parse_text_mem(twin_text, strlen(twin_text), &text, &ts, &e), 0, "%s", e.msg);
	cr_assert_eq(text.n, 5);
	for (size_t chunk = 0; chunk < 40; chunk++) {
		cr_assert_eq(parse_bj(twin_json, strlen(twin_json), chunk, 0, &js, &jst, &e), 0, "%s", e.msg);
		expect_same(&js, &text);
		coll_free(&js);
	}
	coll_free(&text);
}

Test(buildjson, a_utf8_byte_order_mark_before_the_first_event_is_skipped)
{
	static const char in[] = "\xef\xbb\xbf{\"Action\":\"build-output\",\"Output\":\"# p\\nx.go:1:2: moved to heap: v\\n\"}\n";
	struct coll c;
	struct gc_stats st;
	struct err e;

	cr_assert(gc_build_json_sniff(in, sizeof(in) - 1));
	cr_assert_eq(parse_bj(in, sizeof(in) - 1, 0, 0, &c, &st, &e), 0, "%s", e.msg);
	cr_assert_eq(c.n, 1);
	cr_expect_str_eq(c.v[0].package, "p");
	cr_expect_eq(c.v[0].kind, GC_MOVED_TO_HEAP);
	coll_free(&c);
}

struct bad_case {
	char in[256];
	char msg[160];
};

ParameterizedTestParameters(buildjson, bad_events_name_their_json_line)
{
	static struct bad_case cases[] = {
		{"{\"Action\":\"build-output\",\"Output\":\"# p\\n\"}\n{\"Action\" \"x\"}\n",
		 "'x.json':2: not a go build -json event: expected ':' at column 11"},
		{"{\"Action\":\"build-output\",\"Output\":\"# p\\n\"}\n\n{\"Action\":\"build-output\",\"Output\":\"a\nb\"}\n",
		 "'x.json':3: not a go build -json event: unterminated string at column 37"},
		{"{\"Action\":\"build-output\",\"Output\":\"\\q\"}\n", "'x.json':1: not a go build -json event: bad escape at column 37"},
		{"{\"Action\":\"build-output\",\"Output\":\"\\u12g4\"}\n",
		 "'x.json':1: not a go build -json event: bad \\u escape at column 40"},
		{"{\"Action\":\"build-output\"} {}\n", "'x.json':1: not a go build -json event: text after the object at column 27"},
		{"{\"Action\":\"build-output\",}\n", "'x.json':1: not a go build -json event: expected a key at column 26"},
		{"{\"Action\":\"build-output\",\"Output\":\"x.go:1:2: moved to heap: v\\n\"", 
		 "'x.json':1: not a go build -json event: truncated object at column 65"},
		{"{\"Action\":\"build-output\",\"Output\":\"# p\\n\"}\n{\"Action\":\"build-fail\"}\n",
		 "'x.json': no Go compiler diagnostics found (1 lines)"},
		{"{\"Action\":\"build-output\",\"Output\":\"# p\\nx.go:1:2: moved to heap: v\\n\"}\n"
		 "{\"Action\":\"build-output\",\"Output\":\"x.go:1:2: moved to heap: a_very_long_name_indeed\\n\"}\n",
		 "'x.json':2: line longer than 40 bytes (raise it with --max-line)"},
	};

	return cr_make_param_array(struct bad_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct bad_case *k, buildjson, bad_events_name_their_json_line)
{
	struct coll c;
	struct gc_stats st;
	struct err e;
	int rc = parse_bj(k->in, strlen(k->in), 0, 40, &c, &st, &e);

	cr_expect_neq(rc, 0, "%s", k->in);
	cr_expect_str_eq(e.msg, k->msg);
	cr_expect(e.status == ESC_EINPUT || e.status == ESC_ELIMIT);
	coll_free(&c);
}

Test(buildjson, sniffing_tells_build_events_from_logopt_files_and_text_logs)
{
	static const struct { const char *head; int want; } cases[] = {
		{"{\"ImportPath\":\"p\",\"Action\":\"build-output\",\"Output\":\"# p\\n\"}\n", 1},
		{"{\"Time\":\"2026-01-01T00:00:00Z\",\"Action\":\"start\",\"Package\":\"p\"}\n", 1},
		{"go: downloading example.com/m v1.0.0\n\n{\"Action\":\"build-fail\"}\n", 1},
		{"{\"version\":0,\"package\":\"p\",\"goos\":\"linux\",\"goarch\":\"amd64\",\"gc_version\":\"go1.26\",\"file\":\"x.go\"}\n", 0},
		{"# p\n./x.go:3:6: can inline f\n", 0},
		{"", 0},
		{"{\"ImportPath\":\"p\",\"Act", 0},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_expect_eq(gc_build_json_sniff(cases[i].head, strlen(cases[i].head)), cases[i].want, "%s",
			     cases[i].head);
}
