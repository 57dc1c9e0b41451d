/* test_gclog.c — the escape-log parsers (gclog/gclog.c, gcjson.c) against oracles that
 * do not share their code: per-kind counts of every real log computed here with grep-like
 * substring rules (plus a set computation for -m=2 blocks no summary line claims), blocks
 * compared step by step with the lines as printed, parameters told from expressions by
 * reading the Go sources of the samples, JSON trees against their text twins, encodings
 * against iconv(3), and every bad input we can make. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <iconv.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gclog/gclog.h"
#include "testutil.h"

/* ---- collecting what the parser delivers ---- */

struct cstep {
	enum gc_step_kind kind;
	char *dst, *src, *why, *expr, *file, *text;
	int derefs;
	unsigned line, col;
};

struct cdiag {
	char *package, *file, *subject, *func, *message;
	unsigned line, col;
	enum gc_kind kind;
	struct cstep *steps;
	size_t nsteps;
};

struct coll {
	struct cdiag *v;
	size_t n, cap;
	int stop_after;		/* > 0: return 42 after that many */
};

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static int collect(void *ctx, const struct gc_diag *d)
{
	struct coll *c = ctx;
	struct cdiag *x;

	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->v = realloc(c->v, c->cap * sizeof(*c->v));
		cr_assert_not_null(c->v);
	}
	x = &c->v[c->n++];
	x->package = dup_or_null(d->package);
	x->file = dup_or_null(d->file);
	x->subject = dup_or_null(d->subject);
	x->func = dup_or_null(d->func);
	x->message = dup_or_null(d->message);
	x->line = d->line;
	x->col = d->col;
	x->kind = d->kind;
	x->nsteps = d->nsteps;
	x->steps = d->nsteps ? calloc(d->nsteps, sizeof(*x->steps)) : NULL;
	for (size_t i = 0; i < d->nsteps; i++) {
		const struct gc_step *s = &d->steps[i];

		cr_assert_not_null(s->text, "every step has its text");
		x->steps[i] = (struct cstep){
			.kind = s->kind, .dst = dup_or_null(s->dst), .src = dup_or_null(s->src),
			.why = dup_or_null(s->why), .expr = dup_or_null(s->expr),
			.file = dup_or_null(s->file), .text = dup_or_null(s->text),
			.derefs = s->derefs, .line = s->line, .col = s->col,
		};
	}
	if (c->stop_after > 0 && c->n == (size_t)c->stop_after)
		return 42;
	return 0;
}

static void coll_free(struct coll *c)
{
	for (size_t i = 0; i < c->n; i++) {
		struct cdiag *x = &c->v[i];

		for (size_t j = 0; j < x->nsteps; j++) {
			struct cstep *s = &x->steps[j];

			free(s->dst);
			free(s->src);
			free(s->why);
			free(s->expr);
			free(s->file);
			free(s->text);
		}
		free(x->steps);
		free(x->package);
		free(x->file);
		free(x->subject);
		free(x->func);
		free(x->message);
	}
	free(c->v);
	memset(c, 0, sizeof(*c));
}

static int str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

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

static int parse_text(const char *path, struct coll *c, struct gc_stats *st, struct err *e)
{
	memset(c, 0, sizeof(*c));
	err_clear(e);
	return gc_parse_log_file(path, collect, c, st, e);
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

static const struct cdiag *find_diag(const struct coll *c, unsigned line, unsigned col,
				     enum gc_kind kind, const char *subject)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].line == line && c->v[i].col == col && c->v[i].kind == kind &&
		    str_eq(c->v[i].subject, subject))
			return &c->v[i];
	return NULL;
}

static size_t count_kind(const struct coll *c, enum gc_kind k)
{
	size_t n = 0;

	for (size_t i = 0; i < c->n; i++)
		n += c->v[i].kind == k;
	return n;
}

static const char *shared_path(const char *rel)
{
	static char bufs[4][4096];
	static int next;
	const char *sh = t_shared();
	char *b = bufs[next++ & 3];

	if (!sh)
		cr_skip_test("../shared is absent");
	snprintf(b, 4096, "%s/%s", sh, rel);
	return b;
}

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

static void iconv_buf(struct buf *out, const char *from, const char *to, const char *in, size_t n)
{
	iconv_t cd = iconv_open(to, from);
	char *ip = (char *)in;
	size_t il = n;

	cr_assert_neq(cd, (iconv_t)-1);
	buf_init(out);
	while (il) {
		char tmp[4096], *op = tmp;
		size_t ol = sizeof(tmp);

		if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1)
			cr_assert(errno == E2BIG, "iconv %s->%s failed", from, to);
		buf_add(out, tmp, (size_t)(op - tmp));
	}
	iconv_close(cd);
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
		cr_expect_eq(k, i);
	}
	for (int i = 0; i < GC_STEP_KIND_COUNT; i++) {
		cr_expect_str_eq(gc_step_kind_name(i), steps[i]);
		cr_expect_eq(gc_step_kind_parse(steps[i], &sk), 0);
		cr_expect_eq(sk, i);
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

static void expect_step(const struct cstep *s, enum gc_step_kind kind, const char *dst, const char *src,
			int derefs, const char *why, const char *expr, const char *file, unsigned line,
			unsigned col, const char *text)
{
	cr_expect_eq(s->kind, kind, "kind of [%s]", s->text);
	cr_expect(str_eq(s->dst, dst), "dst [%s] want [%s]", s->dst, dst);
	cr_expect(str_eq(s->src, src), "src [%s] want [%s]", s->src, src);
	cr_expect_eq(s->derefs, derefs, "derefs of [%s]", s->text);
	cr_expect(str_eq(s->why, why), "why [%s] want [%s]", s->why, why);
	cr_expect(str_eq(s->expr, expr), "expr [%s] want [%s]", s->expr, expr);
	cr_expect(str_eq(s->file, file), "file [%s] want [%s]", s->file, file);
	cr_expect_eq(s->line, line, "line of [%s]", s->text);
	cr_expect_eq(s->col, col, "col of [%s]", s->text);
	cr_expect_str_eq(s->text, text);
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

static void write_tmp(const char *name, const void *data, size_t len, char *path, size_t cap)
{
	snprintf(path, cap, "%s/%s", t_tmpdir(), name);
	t_write(path, data, len);
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

/* ---- JSON (-json=0,DIR) ---- */

static int parse_json(const char *dir, struct coll *c, struct gc_stats *st, struct err *e)
{
	memset(c, 0, sizeof(*c));
	err_clear(e);
	return gc_parse_json_dir(dir, collect, c, st, e);
}

static int is_shared_kind(enum gc_kind k)
{
	return k == GC_MOVED_TO_HEAP || k == GC_ESCAPES || k == GC_LEAKING_PARAM ||
	       k == GC_LEAKING_PARAM_CONTENT || k == GC_LEAKING_PARAM_TO_RESULT || k == GC_INLINE ||
	       k == GC_CANNOT_INLINE || k == GC_APPEND_ESCAPES;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "basename:line:col:kind" of the kinds text and JSON both carry, sorted and distinct
 * (text "inline" only from "can inline"; JSON has no "inlining call to"). skip: a
 * basename left out (NULL: none). */
static size_t key_set(const struct coll *c, int text, const char *skip, char ***out)
{
	char **v = calloc(c->n + 1, sizeof(*v));
	size_t n = 0, m = 0;

	for (size_t i = 0; i < c->n; i++) {
		const struct cdiag *d = &c->v[i];
		const char *base = strrchr(d->file, '/') ? strrchr(d->file, '/') + 1 : d->file;
		char k[1024];

		if (!is_shared_kind(d->kind) || (skip && strcmp(base, skip) == 0))
			continue;
		if (text && d->kind == GC_INLINE && strncmp(d->message, "can inline ", 11) != 0)
			continue;
		snprintf(k, sizeof(k), "%s:%u:%u:%s", base, d->line, d->col, gc_kind_name(d->kind));
		v[n++] = strdup(k);
	}
	qsort(v, n, sizeof(*v), cmp_str);
	for (size_t i = 0; i < n; i++) {
		if (m && strcmp(v[m - 1], v[i]) == 0) {
			free(v[i]);
			continue;
		}
		v[m++] = v[i];
	}
	*out = v;
	return m;
}

static void free_set(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void expect_same_sets(const char *textlog, const char *jsondir, const char *skip)
{
	struct coll t, j;
	struct gc_stats st;
	struct err e;
	char **a, **b;
	size_t na, nb;

	cr_assert_eq(parse_text(textlog, &t, &st, &e), 0, "%s", e.msg);
	cr_assert_eq(parse_json(jsondir, &j, &st, &e), 0, "%s", e.msg);
	na = key_set(&t, 1, NULL, &a);
	nb = key_set(&j, 0, skip, &b);
	for (size_t i = 0, k = 0; i < na || k < nb;) {
		int c = i == na ? 1 : k == nb ? -1 : strcmp(a[i], b[k]);

		cr_expect_eq(c, 0, "%s vs %s: %s only in the %s", textlog, jsondir, c < 0 ? a[i] : b[k],
			     c < 0 ? "text" : "JSON");
		i += c <= 0;
		k += c >= 0;
	}
	cr_expect_gt(na, 0);
	free_set(a, na);
	free_set(b, nb);
	coll_free(&t);
	coll_free(&j);
}

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
