/* test_gclog_logs.c — the text parser (gclog/) on whole real logs against oracles that do
 * not share its code: per-kind counts of every log computed here with grep-like substring
 * rules (plus a set computation for -m=2 blocks no summary line claims), parameters told
 * from expressions by reading the Go sources of the samples, and the logs the samples'
 * real toolchains printed, with their -json twins. */
#include <criterion/criterion.h>
#include <glob.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/unit/gclog_collect.h"

/* ---- the oracle: a log decoded with iconv(3), cut into lines ---- */

struct lines {
	char **v;
	size_t n;
	struct buf text;
	char **owned;		/* unwrapped lines */
	size_t nowned;
	size_t unwrapped;	/* physical lines glued to the one before */
};

static regex_t pos_re;

static void pos_re_init(void)
{
	static int done;

	if (!done)
		cr_assert_eq(regcomp(&pos_re, "^([^ ]*[^ :]):([0-9]+)(:[0-9]+)?: (.*)$", REG_EXTENDED), 0);
	done = 1;
}

/* PowerShell wraps each stderr line at the console width (120 columns here): a line with
 * no position after a positioned one is the rest of it. */
static void unwrap_powershell(struct lines *L)
{
	size_t n = 0;
	int prev_pos = 0;

	pos_re_init();
	for (size_t i = 0; i < L->n; i++) {
		char *l = L->v[i];
		int positioned = regexec(&pos_re, l, 0, NULL, 0) == 0;

		if (prev_pos && !positioned && *l && strspn(l, " ") != strlen(l) && strncmp(l, "# ", 2) != 0) {
			char *m = malloc(strlen(L->v[n - 1]) + strlen(l) + 1);

			strcpy(m, L->v[n - 1]);
			strcat(m, l);
			L->v[n - 1] = m;
			L->owned = realloc(L->owned, (L->nowned + 1) * sizeof(*L->owned));
			L->owned[L->nowned++] = m;
			L->unwrapped++;
			continue;
		}
		prev_pos = positioned;
		L->v[n++] = l;
	}
	L->n = n;
}

static void read_lines(const char *path, struct lines *L)
{
	struct buf raw;
	const char *d;
	size_t n;

	t_read(&raw, path);
	d = raw.data;
	n = raw.len;
	if (n >= 2 && (unsigned char)d[0] == 0xFF && (unsigned char)d[1] == 0xFE)
		iconv_buf(&L->text, "UTF-16LE", "UTF-8", d + 2, n - 2);
	else if (n >= 2 && (unsigned char)d[0] == 0xFE && (unsigned char)d[1] == 0xFF)
		iconv_buf(&L->text, "UTF-16BE", "UTF-8", d + 2, n - 2);
	else {
		buf_init(&L->text);
		if (n >= 3 && memcmp(d, "\xEF\xBB\xBF", 3) == 0)
			buf_add(&L->text, d + 3, n - 3);
		else
			buf_add(&L->text, d, n);
	}
	buf_release(&raw);
	L->n = 0;
	L->v = NULL;
	L->owned = NULL;
	L->nowned = L->unwrapped = 0;
	for (char *s = L->text.data, *nl; *s; s = nl + 1) {
		nl = strchr(s, '\n');
		if (!nl)
			nl = s + strlen(s) - 1;
		else
			*nl = '\0';
		if (*s && s[strlen(s) - 1] == '\r')
			s[strlen(s) - 1] = '\0';
		L->v = realloc(L->v, (L->n + 1) * sizeof(*L->v));
		L->v[L->n++] = s;
		if (!nl[1])
			break;
	}
	if (L->n && strncmp(L->v[0], "go : # ", 7) == 0)
		unwrap_powershell(L);
}

static void lines_free(struct lines *L)
{
	for (size_t i = 0; i < L->nowned; i++)
		free(L->owned[i]);
	free(L->owned);
	free(L->v);
	buf_release(&L->text);
}

static int ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);

	return a >= b && strcmp(s + a - b, suf) == 0;
}

/* per-kind counts, the way `grep -c` would give them (comments show the grep) */
struct oracle {
	size_t k[GC_KIND_COUNT];
	size_t dne;		/* does_not_escape + param_does_not_escape */
	size_t orphans;		/* -m=2 blocks no later summary line claims (distinct keys) */
	size_t positioned;	/* "pos: message" lines, message not indented */
	size_t headers;		/* -m=2 block headers among them */
	size_t unpositioned;	/* non-blank lines that are neither of the above nor "# pkg" */
};

struct pending {
	char *pos, *subj;	/* pos is "file:line[:col]" as printed */
	int h2;
	enum gc_kind kind;	/* what it is delivered as when orphaned */
};

/* "make([]float32, blockSize)" vs "make([]float32, 256)": the same tokens except where the
 * summary has a number (Go 1.25+ rewrites known operands into literals). */
static int same_but_numbers(const char *hdr, const char *sum)
{
	const char *delim = " ,()[]{}";

	while (*hdr && *sum) {
		size_t a = strcspn(hdr, delim), b = strcspn(sum, delim);

		if (a != b || strncmp(hdr, sum, a) != 0) {
			if (!b || strspn(sum, "0123456789") != b || !a)
				return 0;
		}
		hdr += a;
		sum += b;
		if (*hdr != *sum)
			return 0;
		if (*hdr) {
			hdr++;
			sum++;
		}
	}
	return !*hdr && !*sum && strcmp(hdr, sum) == 0;
}

static void compute_oracle(const struct lines *L, struct oracle *o)
{
	regmatch_t m[5];
	struct pending *pend = NULL;
	size_t np = 0;
	int arrow = 0;

	memset(o, 0, sizeof(*o));
	pos_re_init();
	for (size_t i = 0; i <= L->n; i++) {
		const char *l = i < L->n ? L->v[i] : "# <end>";
		char pos[1024], *msg;

		if (strstr(l, "\xe2\x86\x90"))
			arrow = 1;
		if (strncmp(l, "# ", 2) == 0 || strncmp(l, "go : # ", 7) == 0) {
			if (strstr(l, "# [") == strstr(l, "# "))	/* "# [desc]" continues a header */
				continue;
			for (size_t a = 0; a < np; a++) {	/* distinct keys still pending */
				int dup = 0;

				for (size_t b = 0; b < a; b++)
					dup |= strcmp(pend[a].pos, pend[b].pos) == 0 &&
					       strcmp(pend[a].subj, pend[b].subj) == 0 && pend[a].h2 == pend[b].h2;
				if (!dup) {
					o->orphans++;
					o->k[pend[a].kind]++;
				}
			}
			for (size_t a = 0; a < np; a++) {
				free(pend[a].pos);
				free(pend[a].subj);
			}
			np = 0;
			continue;
		}
		if (strspn(l, " \t") == strlen(l))
			continue;
		if (regexec(&pos_re, l, 5, m, 0) != 0) {
			o->unpositioned++;
			continue;
		}
		msg = (char *)l + m[4].rm_so;
		if (*msg == ' ' || *msg == '\t')
			continue;	/* an explanation line */
		o->positioned++;
		snprintf(pos, sizeof(pos), "%.*s", (int)m[4].rm_so - 2, l);
		/* block headers: pending until a summary takes them */
		if (ends_with(msg, ":") && (ends_with(msg, " escapes to heap:") || strstr(msg, " escapes to heap in ") ||
					    (strncmp(msg, "parameter ", 10) == 0 && strstr(msg, " leaks to ")))) {
			struct pending *p;
			const char *e;

			o->headers++;
			pend = realloc(pend, (np + 1) * sizeof(*pend));
			p = &pend[np++];
			p->pos = strdup(pos);
			p->h2 = strncmp(msg, "parameter ", 10) == 0;
			if (p->h2) {
				const char *loc = strstr(msg, " leaks to ") + 10;
				int derefs = atoi(strstr(msg, "derefs=") + 7);

				p->subj = strndup(msg + 10, (size_t)(strstr(msg, " leaks to ") - msg - 10));
				p->kind = loc[0] != '{' ? GC_LEAKING_PARAM_TO_RESULT :
					  derefs <= 0 ? GC_LEAKING_PARAM : GC_LEAKING_PARAM_CONTENT;
			} else {
				e = strstr(msg, " escapes to heap");
				p->subj = strndup(msg, (size_t)(e - msg));
				if (strncmp(p->subj, "append(", 7) == 0)
					p->subj[6] = '\0';
				p->kind = GC_ESCAPES;
			}
			continue;
		}
		/* summaries, with the substring each kind is counted by */
		const char *take = NULL;
		int take_h1 = 0, take_h2 = 0;
		char sbuf[4096];

		if (strstr(l, ": moved to heap: ")) {		/* grep -c ': moved to heap: ' */
			o->k[GC_MOVED_TO_HEAP]++;
			take = msg + 15;
			take_h1 = take_h2 = 1;
		} else if (ends_with(l, ": append escapes to heap")) {	/* grep -c ': append escapes to heap$' */
			o->k[GC_APPEND_ESCAPES]++;
			take = "append";
			take_h1 = 1;
		} else if (ends_with(msg, " escapes to heap")) {	/* counted below */
			snprintf(sbuf, sizeof(sbuf), "%.*s", (int)(strlen(msg) - 16), msg);
			if (strncmp(sbuf, "append(", 7) == 0)
				sbuf[6] = '\0';
			take = sbuf;
			take_h1 = 1;
		} else if (strstr(l, ": leaking param content: ")) {	/* grep -c ': leaking param content: ' */
			o->k[GC_LEAKING_PARAM_CONTENT]++;
			take = msg + 23;
			take_h2 = 1;
		} else if (strstr(l, ": leaking param: ")) {	/* grep ': leaking param: ' | grep [-v] ' to result ' */
			o->k[strstr(l, " to result ") ? GC_LEAKING_PARAM_TO_RESULT : GC_LEAKING_PARAM]++;
			snprintf(sbuf, sizeof(sbuf), "%s", msg + 15);
			if (strstr(sbuf, " to result "))
				*strstr(sbuf, " to result ") = '\0';
			take = sbuf;
			take_h2 = 1;
		} else if (strstr(l, ": can inline ") || strstr(l, ": inlining call to ")) {
			o->k[GC_INLINE]++;		/* grep -c ': can inline \|: inlining call to ' */
		} else if (strstr(l, ": cannot inline ")) {	/* grep -c ': cannot inline ' */
			o->k[GC_CANNOT_INLINE]++;
		} else if (strstr(l, ": devirtualizing ") || strstr(l, ": partially devirtualizing ") ||
			   strstr(l, ": PGO devirtualizing ")) {
			o->k[GC_DEVIRTUALIZED]++;	/* grep -c ': \(partially \|PGO \)\?devirtualizing ' */
		}
		if (take) {
			const char *want = take;
			size_t keep = 0;
			int exact = 0;

			for (size_t a = 0; a < np; a++)
				exact |= strcmp(pend[a].pos, pos) == 0 && strcmp(pend[a].subj, take) == 0 &&
					 (pend[a].h2 ? take_h2 : take_h1);
			if (!exact && arrow && take_h1 && !take_h2)	/* Go 1.25+ literal rewriting */
				for (size_t a = 0; a < np && want == take; a++)
					if (!pend[a].h2 && strcmp(pend[a].pos, pos) == 0 &&
					    same_but_numbers(pend[a].subj, take))
						want = pend[a].subj;
			want = strdup(want);
			for (size_t a = 0; a < np; a++) {
				if (strcmp(pend[a].pos, pos) == 0 && strcmp(pend[a].subj, want) == 0 &&
				    (pend[a].h2 ? take_h2 : take_h1)) {
					free(pend[a].pos);
					free(pend[a].subj);
					continue;
				}
				pend[keep++] = pend[a];
			}
			np = keep;
			free((char *)want);
		}
	}
	/* the suffix kinds */
	for (size_t i = 0; i < L->n; i++) {
		const char *l = L->v[i];

		if (ends_with(l, " escapes to heap") && !ends_with(l, ": append escapes to heap"))
			o->k[GC_ESCAPES]++;	/* grep ' escapes to heap$' | grep -vc ': append escapes to heap$' */
		if (ends_with(l, " does not escape"))
			o->dne++;		/* grep -c ' does not escape$' */
	}
	free(pend);
}

static void lines_counts(const char *path, long want_skipped)
{
	struct lines L;
	struct oracle o;
	struct coll c;
	struct gc_stats st;
	struct err e;
	int rc;

	read_lines(path, &L);
	compute_oracle(&L, &o);
	rc = parse_text(path, &c, &st, &e);
	cr_assert_eq(rc, 0, "%s: %s", path, e.msg);
	for (int k = 0; k < GC_KIND_COUNT; k++) {
		if (k == GC_OTHER || k == GC_DOES_NOT_ESCAPE || k == GC_PARAM_DOES_NOT_ESCAPE)
			continue;
		cr_expect_eq(count_kind(&c, k), o.k[k], "%s: %s: parser %zu, grep %zu", path,
			     gc_kind_name(k), count_kind(&c, k), o.k[k]);
	}
	cr_expect_eq(count_kind(&c, GC_DOES_NOT_ESCAPE) + count_kind(&c, GC_PARAM_DOES_NOT_ESCAPE), o.dne,
		     "%s: does not escape", path);
	/* every top-level line is one diagnostic, a block header is not one, and every
	 * block no summary claimed is one of its own */
	cr_expect_eq(c.n, o.positioned - o.headers + o.orphans, "%s: %zu diagnostics, oracle %zu", path,
		     c.n, o.positioned - o.headers + o.orphans);
	cr_expect_eq(st.diagnostics, c.n, "%s", path);
	cr_expect_eq(st.blocks, o.headers, "%s: blocks", path);
	cr_expect_eq(st.lines, L.n + L.unwrapped, "%s: lines", path);
	cr_expect_eq(st.skipped, o.unpositioned, "%s: skipped %zu, oracle %zu", path, st.skipped,
		     o.unpositioned);
	if (want_skipped >= 0)
		cr_expect_eq(st.skipped, (size_t)want_skipped, "%s: skipped", path);
	coll_free(&c);
	lines_free(&L);
}

Test(gclog, kind_names_cover_every_kind)
{
	static const char *const want[GC_KIND_COUNT] = {
		"moved_to_heap", "escapes", "does_not_escape", "leaking_param", "leaking_param_content",
		"leaking_param_to_result", "param_does_not_escape", "append_escapes", "inline",
		"cannot_inline", "devirtualized", "other",
	};

	for (int k = 0; k < GC_KIND_COUNT; k++)
		cr_expect_str_eq(gc_kind_name(k), want[k]);
	cr_expect_null(gc_kind_name(GC_KIND_COUNT));
}

/* The store keeps kinds as these names: each reads back as its kind, and nothing else
 * (a typo, another case, NULL) reads as any kind. */
Test(gclog, kind_names_read_back_as_their_kinds_and_nothing_else_does)
{
	static const char *const steps[GC_STEP_KIND_COUNT] = {"flow", "from", "warning"};
	static const char *const bad[] = {"", "escape", "Escapes", "moved to heap", "flows", "other "};
	enum gc_kind k = GC_OTHER;
	enum gc_step_kind sk = GC_STEP_FLOW;

	for (int i = 0; i < GC_KIND_COUNT; i++) {
		cr_expect_eq(gc_kind_parse(gc_kind_name(i), &k), 0);
		cr_expect_eq((int)k, i);
	}
	for (int i = 0; i < GC_STEP_KIND_COUNT; i++) {
		cr_expect_str_eq(gc_step_kind_name(i), steps[i]);
		cr_expect_eq(gc_step_kind_parse(steps[i], &sk), 0);
		cr_expect_eq((int)sk, i);
	}
	cr_expect_null(gc_step_kind_name(GC_STEP_KIND_COUNT));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_expect_eq(gc_kind_parse(bad[i], &k), -1, "'%s'", bad[i]);
		cr_expect_eq(gc_step_kind_parse(bad[i], &sk), -1, "'%s'", bad[i]);
	}
	cr_expect_eq(gc_kind_parse(NULL, &k), -1);
	cr_expect_eq(gc_step_kind_parse(NULL, &sk), -1);
}

/* Every gc-samples text log: per-kind counts equal the grep counts of summary lines; the
 * skipped lines are exactly the lines without a position (-m=3 "pos:[1] F stmt:" traces). */
Test(gclog, every_gc_sample_counts_like_grep)
{
	glob_t g;

	cr_assert_eq(glob(shared_path("reference/gc-samples/*.txt"), 0, NULL, &g), 0);
	cr_assert_geq(g.gl_pathc, 12);
	for (size_t i = 0; i < g.gl_pathc; i++)
		lines_counts(g.gl_pathv[i], -1);
	globfree(&g);
}

/* Every corpus escape log (both flow forms, esc.go forms, Go 1.7 without columns, a shell
 * prompt, UTF-16LE from PowerShell). Skipped lines: the prompt or `set -x` line of three
 * logs; in the PowerShell log the five lines of its error banner ("At line:1 char:1",
 * "+ go build ...", "+ ~~~", "+ CategoryInfo ...", "+ FullyQualifiedErrorId ...") — its
 * 387 other position-less lines are console-width continuations, which the oracle glues
 * back before grepping (two of them are the "heap" of a wrapped "... escapes to heap"). */
Test(gclog, every_corpus_escape_log_counts_like_grep)
{
	glob_t g;

	cr_assert_eq(glob(shared_path("corpus/escape-logs/*.txt"), 0, NULL, &g), 0);
	cr_assert_geq(g.gl_pathc, 11);
	for (size_t i = 0; i < g.gl_pathc; i++)
		lines_counts(g.gl_pathv[i], strstr(g.gl_pathv[i], "powershell") ? 5 : -1);
	globfree(&g);
}

/* The oracle for "p does not escape" (a parameter) vs "x does not escape" (an expression):
 * the Go source. A position is a parameter's when it lies inside the receiver or the
 * parameter list of the `func` on its source line. */
static int in_signature(const char *src, unsigned col)
{
	const char *f = strstr(src, "func"), *p;
	size_t idx = col - 1;

	for (int group = 0; f && group < 2; group++) {
		const char *q;
		int depth = 0;

		p = strchr(f, '(');
		if (!p)
			return 0;
		for (q = p; *q; q++) {
			depth += *q == '(';
			depth -= *q == ')';
			if (!depth)
				break;
		}
		if (idx > (size_t)(p - src) && idx < (size_t)(q - src))
			return 1;
		/* a receiver "func (c C) M(...)" is followed by the parameter list */
		if (group || strspn(f + 4, " ") != (size_t)(p - f - 4))
			return 0;
		f = q;
	}
	return 0;
}

static void check_params_against_source(const char *log, const char *src_path, const char *file)
{
	struct lines S;
	struct coll c;
	struct gc_stats st;
	struct err e;
	size_t params = 0, exprs = 0;

	read_lines(src_path, &S);
	cr_assert_eq(parse_text(log, &c, &st, &e), 0, "%s", e.msg);
	for (size_t i = 0; i < c.n; i++) {
		const struct cdiag *d = &c.v[i];
		int want;

		if ((d->kind != GC_DOES_NOT_ESCAPE && d->kind != GC_PARAM_DOES_NOT_ESCAPE) || strcmp(d->file, file))
			continue;
		cr_assert_leq(d->line, S.n);
		want = in_signature(S.v[d->line - 1], d->col);
		params += want;
		exprs += !want;
		cr_expect_eq(d->kind, want ? GC_PARAM_DOES_NOT_ESCAPE : GC_DOES_NOT_ESCAPE, "%s %s:%u:%u %s", log,
			     d->file, d->line, d->col, d->message);
	}
	cr_expect_gt(params, 0, "%s has parameter lines", log);
	cr_expect_gt(exprs, 0, "%s has expression lines", log);
	coll_free(&c);
	lines_free(&S);
}

Test(gclog, param_does_not_escape_is_told_from_an_expression)
{
	check_params_against_source(shared_path("reference/gc-samples/m-w-1.26.txt"),
				    shared_path("reference/gc-samples/src/w/w.go"), "./w.go");
	check_params_against_source(shared_path("reference/gc-samples/m-w-1.22.txt"),
				    shared_path("reference/gc-samples/src/w/w.go"), "./w.go");
	check_params_against_source(shared_path("reference/gc-samples/m-out-mm-1.26.txt"),
				    shared_path("reference/gc-samples/src/m/main.go"), "./main.go");
	check_params_against_source(shared_path("reference/gc-samples/m-out-m-1.19.txt"),
				    shared_path("reference/gc-samples/src/m/main.go"), "./main.go");
}

/* ---- the logs generated by sample-profiles/generate.sh with real toolchains ----
 * Every <s>.mm.txt counts like grep; every <s>.json/ tree parses, names the toolchain of
 * its directory and gives the (basename, line, col, kind) set of its <s>.mm.txt twin. */

Test(gclog, sample_profile_logs_count_like_grep)
{
	glob_t g;
	size_t n = 0;

	if (glob(t_path("sample-profiles/out/go*/*.mm.txt"), 0, NULL, &g) != 0)
		cr_skip_test("sample-profiles/out is absent");
	for (size_t i = 0; i < g.gl_pathc; i++, n++)
		lines_counts(g.gl_pathv[i], -1);
	globfree(&g);
	if (glob(t_path("sample-profiles/out/go*/*.json"), GLOB_ONLYDIR, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++, n++) {
			struct coll c;
			struct gc_stats st;
			struct err e;
			const char *v = strstr(g.gl_pathv[i], "/out/go") + 7;

			cr_expect_eq(parse_json(g.gl_pathv[i], &c, &st, &e), 0, "%s: %s", g.gl_pathv[i], e.msg);
			cr_expect_gt(c.n, 0);
			/* out/go1.22/x.json -> gc_version go1.22.N */
			cr_expect(strncmp(st.go_version + 2, v, strcspn(v, "/")) == 0, "%s: %s", g.gl_pathv[i],
				  st.go_version);
			coll_free(&c);
			/* and it says what its text twin says, for the kinds both carry */
			char text[4096];
			struct stat sb;

			snprintf(text, sizeof(text), "%.*s.mm.txt", (int)(strlen(g.gl_pathv[i]) - 5), g.gl_pathv[i]);
			if (stat(text, &sb) == 0)
				expect_same_sets(text, g.gl_pathv[i], NULL);
		}
		globfree(&g);
	}
	cr_expect_gt(n, 0);
}
