/* join_resolve.c — pass C of the join: each stack is resolved once — the site is the
 * first frame of the user's packages, the dependency walked over is attributed_via, an
 * inlined copy is joined where the compiler reported it (the call's column in the
 * outermost caller), the source read where the words leave the sink out — and each
 * sample then chooses among its stack's candidates, several allocations on one line told
 * apart by object size. What the source shows is srcread.c's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/vec.h"
#include "join_int.h"

/* Copies s without the contents of its square brackets: "F[go.shape.int]" and "F[...]"
 * are both "F[]". */
void join_strip_type_args(const char *s, char *out, size_t n)
{
	size_t o = 0;
	int depth = 0;

	for (; *s && o + 1 < n; s++) {
		if (*s == '[' && depth++ == 0)
			out[o++] = '[';
		else if (*s == ']' && --depth == 0)
			out[o++] = ']';
		else if (!depth)
			out[o++] = *s;
	}
	out[o] = '\0';
}

/* Does `inlining call to CALLEE` name the frame's function? The log prints a function of
 * the same package bare ("newT", "(*S).Get") and one of another package with the
 * package's name, which the import path does not always end with ("jsoniter.Get",
 * "yaml.(*parser).node"); type arguments are spelled differently on each side. */
static int names_callee(const char *callee, const char *function)
{
	char c[1024], f[1024];
	size_t pl = classify_package_of(function, NULL, 0), cl, fl;

	if (!function[pl])
		return 0;
	join_strip_type_args(callee, c, sizeof(c));
	join_strip_type_args(function + pl + 1, f, sizeof(f));
	cl = strlen(c);
	fl = strlen(f);
	if (!strcmp(c, f))
		return 1;
	/* "name." + f, name an identifier */
	if (cl > fl + 1 && !strcmp(c + cl - fl, f) && c[cl - fl - 1] == '.') {
		size_t i;

		for (i = 0; i < cl - fl - 1; i++)
			if (!(c[i] == '_' || (c[i] >= '0' && c[i] <= '9') || (c[i] >= 'a' && c[i] <= 'z') ||
			      (c[i] >= 'A' && c[i] <= 'Z') || (unsigned char)c[i] >= 0x80))
				return 0;
		return 1;
	}
	return 0;
}

/* Causes known from the leaf alone, when the leaf is code without diagnostics. */
static const char *leaf_cause(const char *fn)
{
#define LEAF(prefix, cause) {prefix, sizeof(prefix) - 1, cause}
	static const struct { const char *prefix; size_t len; const char *cause; } table[] = {
		/* reflect.mapassign* is the runtime's map assignment on reflect's behalf */
		LEAF("reflect.mapassign", "map-growth"),
		LEAF("reflect.Value.SetMapIndex", "map-growth"),
		LEAF("reflect.", "reflection"),
		LEAF("internal/reflectlite.", "reflection"),
		LEAF("internal/runtime/maps.", "map-growth"),
		LEAF("maps.Copy", "map-growth"),
		LEAF("maps.Insert", "map-growth"),
		LEAF("maps.Collect", "map-growth"),
		LEAF("runtime.growslice", "append-growth"),
		LEAF("runtime.mapassign", "map-growth"),
		LEAF("runtime.hashGrow", "map-growth"),
		LEAF("runtime.makemap", "map-growth"),
		LEAF("runtime.makechan", "channel-make"),
		LEAF("runtime.concatstring", "string-build"),
		LEAF("runtime.slicebytetostring", "string-build"),
		LEAF("runtime.slicerunetostring", "string-build"),
		LEAF("runtime.stringtoslice", "string-build"),
		LEAF("runtime.intstring", "string-build"),
		LEAF("runtime.rawstring", "string-build"),
		LEAF("runtime.rawbyteslice", "string-build"),
		LEAF("runtime.convT", "interface-conversion"),
		LEAF("slices.Grow", "append-growth"),
		LEAF("slices.Insert", "append-growth"),
		LEAF("slices.AppendSeq", "append-growth"),
		LEAF("slices.Collect", "append-growth"),
		LEAF("bytes.growSlice", "append-growth"),
		LEAF("bytes.(*Buffer).grow", "append-growth"),
		LEAF("bytes.(*Buffer).Grow", "append-growth"),
		LEAF("bytes.(*Buffer).Write", "append-growth"),
		LEAF("bytes.(*Buffer).ReadFrom", "append-growth"),
		LEAF("strings.(*Builder).grow", "append-growth"),
		LEAF("strings.(*Builder).Grow", "append-growth"),
		LEAF("strings.(*Builder).Write", "append-growth"),
		LEAF("strings.Join", "string-build"),
		LEAF("strings.To", "string-build"),
		LEAF("strings.Replace", "string-build"),
		LEAF("strings.(*Replacer).Replace", "string-build"),
		LEAF("strings.Map", "string-build"),
		LEAF("strings.Title", "string-build"),
		LEAF("strings.Repeat", "string-build"),
		LEAF("strings.(*Builder).String", "string-build"),
		LEAF("bufio.(*Scanner).Text", "string-build"),
		LEAF("bufio.(*Reader).ReadString", "string-build"),
		LEAF("bytes.(*Buffer).String", "string-build"),
		LEAF("strconv.", "string-build"),
		LEAF("fmt.Sprint", "string-build"),
		LEAF("fmt.Errorf", "string-build"),
		LEAF("runtime.", "runtime-internal"),
		LEAF("internal/runtime/", "runtime-internal"),
	};
#undef LEAF
	size_t i;

	/* called for every frame of every stack: the first byte rules most entries out */
	if (!fn)
		return NULL;
	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (fn[0] == table[i].prefix[0] && !strncmp(fn, table[i].prefix, table[i].len))
			return table[i].cause;
	return NULL;
}

/* The cause named by the outermost known function among frames [from, to): the call the
 * user's code made decides (strings.ToLower builds a string even though the allocation
 * happens in a Builder's grow underneath it). */
static const char *dependency_cause(const struct store_frame *f, size_t from, size_t to)
{
	const char *c = NULL;
	size_t i;

	for (i = to; i > from;) {
		const char *x = leaf_cause(f[--i].function);

		if (x && strcmp(x, "runtime-internal")) {
			c = x;
			break;
		}
	}
	return c;
}

static int cand_push(struct resolution *r, size_t *cap, struct jdiag *d)
{
	size_t i;

	for (i = 0; i < r->ncand; i++)	/* the same line twice (two logs, -m at two levels) */
		if (r->cand[i]->d.col == d->d.col && r->cand[i]->d.kind == d->d.kind &&
		    ((!r->cand[i]->d.subject && !d->d.subject) ||
		     (r->cand[i]->d.subject && d->d.subject && !strcmp(r->cand[i]->d.subject, d->d.subject))))
			return 0;
	if (vec_reserve(&r->cand, cap, r->ncand + 1, sizeof(*r->cand), 8))
		return -1;
	r->cand[r->ncand++] = d;
	return 0;
}

/* Whether col at f's line is where `inlining call to X` put an inlined body of a callee
 * that is not among the frames below f in this stack (callees[0..ncallees)): the
 * compiler reports such a body's allocations at the call's column, and they are not
 * this sample's. */
static int foreign_inline_col(struct join *J, const struct store_frame *f, unsigned col,
			      const struct store_frame *callees, size_t ncallees)
{
	const struct ivec *iv;
	char key[1024];
	size_t x, y;
	int at_call = 0;

	join_line_key(key, sizeof(key), f->file, f->line);
	if (!col || !(iv = hmap_get(&J->inlines, key, strlen(key))))
		return 0;
	for (x = 0; x < iv->n; x++) {
		if (iv->v[x].col != col)
			continue;
		at_call = 1;
		for (y = 0; y < ncallees; y++)
			if (names_callee(iv->v[x].callee, callees[y].function))
				return 0;
	}
	return at_call;
}

/* Allocating diagnostics for frame f at line (and, when col != 0, that column only; when
 * col == 0, not those at the column of a call inlined from a callee that is not among
 * callees[0..ncallees)). For a frame of package main, only those of the main package that
 * fits it best. */
static int gather(struct join *J, const struct store_frame *f, const char *file, int64_t line,
		  unsigned col, const struct store_frame *callees, size_t ncallees,
		  struct resolution *r, size_t *cap)
{
	char key[1024], pkg[1024];
	const struct dvec *dv;
	size_t i, first = r->ncand;
	int best = -1;

	join_line_key(key, sizeof(key), file, line);
	if (!(dv = hmap_get(&J->by_line, key, strlen(key))))
		return 0;
	classify_package_of(f->function, pkg, sizeof(pkg));
	for (i = 0; i < dv->n; i++) {
		struct jdiag *d = dv->v[i];

		if (!d->v.allocating || (col && d->d.col != col))
			continue;
		/* (the caller's own use of the inlined call's result, "string(~r0)", shares
		 * that column too) */
		if (!col && !(d->d.subject && (strstr(d->d.subject, "~r") || strstr(d->d.subject, "~R"))) &&
		    foreign_inline_col(J, f, d->d.col, callees, ncallees))
			continue;
		if (!join_compatible(J, file, pkg, d->norm_file, d->d.package, 1))
			continue;
		if (!strcmp(pkg, "main")) {
			int fit = join_main_fit(file, d->norm_file, d->d.package);

			if (fit < best)
				continue;
			if (fit > best)
				r->ncand = first;	/* a better-fitting main package */
			best = fit;
		}
		if (cand_push(r, cap, d))
			return -1;
	}
	return 0;
}

/* "x.m escapes to heap" with no conversion printed: when the source declares m a method,
 * it is a method value, a closure binding x. */
static void method_values(struct join *J, const struct store_frame *x, struct resolution *r)
{
	size_t i;

	for (i = 0; i < r->ncand; i++) {
		struct jdiag *d = r->cand[i];
		const char *dot;

		if (!d->v.selector)
			continue;
		d->v.selector = 0;
		dot = strrchr(d->d.subject, '.');
		if (srcread_declared(&J->sr, x, dot + 1, strlen(dot + 1), SRCREAD_METHOD)) {
			d->v.cause = "closure-capture";
			d->v.evidence = "a method value: a closure binding its receiver";
		}
	}
}

/* A store the chain called an element of a slice because the build saw no map put there:
 * when the source declares the indexed expression a map, it is a map store. */
static void index_stores(struct join *J, const struct store_frame *x, const struct store_frame *inner,
			 struct resolution *r)
{
	size_t i;

	for (i = 0; i < r->ncand; i++) {
		struct jdiag *d = r->cand[i];
		const struct gc_step *s;
		const char *eq;

		if (d->index_read || strcmp(d->v.cause, "slice-store") || d->v.decisive < 0 ||
		    (size_t)d->v.decisive >= d->d.nsteps)
			continue;
		d->index_read = 1;
		s = &d->d.steps[d->v.decisive];
		if (!s->why || (strcmp(s->why, "assign") && strcmp(s->why, "assign-pair")) || !s->expr ||
		    !(eq = strstr(s->expr, " = ")))
			continue;
		if (srcread_indexes_map(&J->sr, x, s->expr, (size_t)(eq - s->expr)) ||
		    (inner && srcread_indexes_map(&J->sr, inner, s->expr, (size_t)(eq - s->expr)))) {
			d->v.cause = "map-store";
			d->v.confidence = 0.9;
			d->v.evidence = "stored into a map (the source declares it one)";
		}
	}
}

/* Go prints one reason per allocation, and a size reason (non-constant size, too large
 * for stack) hides a sink that would keep the value on the heap anyway: a make that is
 * returned or stored. Reads the source from the allocating line to the end of its
 * function for that sink; NULL when the value stays local (the size decides). */

/* The cause of the composite literal that opens at line lit of x's file: its own
 * diagnostic, at that line — or, for a body inlined at call site `site`, at the call's
 * column — whose expression is written there and whose cause is not a size. */
static const char *literal_cause(struct join *J, const struct store_frame *x, int64_t lit,
				 const struct store_frame *site, unsigned col)
{
	struct resolution t = {0};
	char text[4096];
	const char *cause = NULL;
	size_t cap = 0, i;

	if (srcread_line(&J->sr, x, lit, text, sizeof(text)))
		return NULL;
	if (site)
		gather(J, site, site->file, site->line, col, NULL, 0, &t, &cap);
	else
		gather(J, x, x->file, lit, 0, NULL, 0, &t, &cap);
	for (i = 0; i < t.ncand && !cause; i++) {
		const struct jdiag *d = t.cand[i];

		if (d->d.subject && strchr(d->d.subject, '{') && !d->v.by_size &&
		    srcread_written_on(d->d.subject, text) > 0)
			cause = d->v.cause;
	}
	free(t.cand);
	return cause;
}

/* Candidates whose cause is a size reason: the sink the source shows comes first. x is
 * the frame whose line holds the expression; for a body inlined into `site`, col is the
 * call's column there. Slice stores that the source shows are map stores become so. */
static void sinks_before_size(struct join *J, const struct store_frame *x, const struct store_frame *site,
			      unsigned col, struct resolution *r)
{
	size_t i;

	index_stores(J, site ? site : x, site ? x : NULL, r);
	method_values(J, x, r);
	for (i = 0; i < r->ncand; i++) {
		struct jdiag *d = r->cand[i];
		const char *sink;
		int64_t lit = 0;

		if (!d->v.by_size || d->sink_read)
			continue;
		d->sink_read = 1;
		if (!(sink = srcread_sink(&J->sr, x, d->d.subject, &lit)))
			continue;
		if (sink == SRCREAD_LITERAL && !(sink = literal_cause(J, x, lit, site, col)))
			continue;
		d->v.cause = sink;
		d->v.confidence = 0.8;
		d->v.decisive = -1;
		d->v.evidence = lit ? "a field of a composite literal that escapes (read from the source; "
				"the compiler printed only the size)" :
				!strcmp(sink, "pointer-returned") ? "returned (read from the source; "
				"the compiler printed only the size)" :
				!strcmp(sink, "channel-send") ? "sent on a channel (read from the source; "
				"the compiler printed only the size)" :
				"stored (read from the source; the compiler printed only the size)";
	}
}

/* The column of the `inlining call to` at f[m]'s line that names one of f[j..m-1]. */
static unsigned inline_col(struct join *J, const struct store_frame *f, size_t j, size_t m)
{
	const struct ivec *iv;
	char key[1024];
	size_t x, y;

	join_line_key(key, sizeof(key), f[m].file, f[m].line);
	if (!(iv = hmap_get(&J->inlines, key, strlen(key))))
		return 0;
	for (x = 0; x < iv->n; x++)
		for (y = j; y < m; y++)
			if (names_callee(iv->v[x].callee, f[y].function))
				return iv->v[x].col;
	return 0;
}

/* An inlined allocation is reported at the outermost call site, where `inlining call to`
 * names an inlined callee at the same column: frames j..m-1 are inlined into m. Every
 * allocation of every body inlined there shares that column, so when the innermost source
 * line can be read, only the expressions written on it are kept. */
static void inline_candidates(struct join *J, const struct store_frame *f, size_t j, size_t m,
			      struct resolution *r, size_t *cap)
{
	const struct ivec *iv;
	char key[1024];
	const char *text;
	size_t x, y, len;

	join_line_key(key, sizeof(key), f[m].file, f[m].line);
	if (!(iv = hmap_get(&J->inlines, key, strlen(key))))
		return;
	for (x = 0; x < iv->n; x++)
		for (y = j; y < m; y++)
			if (names_callee(iv->v[x].callee, f[y].function))
				gather(J, &f[m], f[m].file, f[m].line, iv->v[x].col, NULL, 0, r, cap);
	if (r->ncand && !classify_source_line(&J->src, f[j].file, f[j].line, &text, &len)) {
		char line[4096];
		size_t keep = 0, unsure = 0;

		snprintf(line, sizeof(line), "%.*s", (int)len, text);
		for (x = 0; x < r->ncand; x++)
			if (srcread_written_on(r->cand[x]->d.subject, line) > 0)
				r->cand[keep++] = r->cand[x];
		if (!keep)
			for (x = 0; x < r->ncand; x++)
				if (srcread_written_on(r->cand[x]->d.subject, line) < 0)
					r->cand[unsure++] = r->cand[x];
		/* none of them is written there: the line's own text decides */
		r->ncand = keep ? keep : unsure;
	}
}

/* What the source line of frame x says, when nothing else did. */
static void from_source(struct join *J, const struct store_frame *x, int dependency,
			struct resolution *r)
{
	const char *t, *sc;
	size_t len;
	double conf = 0;

	if (classify_source_line(&J->src, x->file, x->line, &t, &len))
		return;
	if ((sc = srcread_line_cause(t, len, dependency, &conf))) {
		r->cause = sc;
		r->evidence = "read from the source line";
		r->confidence = conf;
		/* "h[k] = []string{v}" inside a dependency: the literal is the dependency's
		 * own allocation, the map's buckets are the other sizes */
		if (dependency && !strcmp(sc, "map-growth") && srcread_explicit_rhs(t, len)) {
			r->cause = "in-dependency";
			r->evidence = "allocated in code without compiler diagnostics loaded";
			r->alt_cause = "map-growth";
		}
	}
}

/* A line that stores into a map ("m[k] = &T{}", "h[k] = []string{v}") allocates the map's
 * buckets as well, with no diagnostic: unless a candidate is the map itself, the sizes
 * other than the line's most frequent are those buckets. */
static void map_buckets_too(struct join *J, const struct store_frame *x, struct resolution *r)
{
	size_t i;

	for (i = 0; i < r->ncand; i++)
		if (classify_expr_kind(r->cand[i]->d.subject) == CLASSIFY_EXPR_MAP ||
		    !strcmp(r->cand[i]->v.cause, "map-growth"))
			return;
	if (srcread_assigns_map(&J->sr, x))
		r->alt_cause = "map-growth";
}

size_t join_decisive_frames(struct join *J, const struct store_sample *smp, int *none)
{
	size_t n = smp->nframes, k, j, m;

	/* as join_resolve_stack walks: the runtime's frames k, the user's first j, and the
	 * frames inlined into the leaf up to m; the last read is m or j */
	for (k = 0; k < n && join_is_runtime(J, smp, k); k++)
		;
	*none = 2;
	if (k == n)
		return n;
	for (j = k; j < n && !join_is_user(J, smp, j); j++)
		;
	for (m = k; m + 1 < n && (join_frame_facts(J, smp, m) & JOIN_FRAME_INLINED); m++)
		;
	*none = j == n;
	return (j < n && j > m ? j : m) + 1;
}

void join_resolve_stack(struct join *J, const struct store_sample *smp, struct resolution *r)
{
	/* (every frame read here is among the decisive ones: keep join_decisive_frames in step) */
	const struct store_frame *f = smp->frames;
	size_t n = smp->nframes, k, j, m, cap = 0;
	const char *lc;
	char key[1024];

	free(r->cand);
	memset(r, 0, sizeof(*r));
	r->confidence = 1;
	if (!n) {
		r->cause = "unknown";
		r->evidence = "no stack";
		r->confidence = 0;
		return;
	}
	for (k = 0; k < n && classify_is_runtime(f[k].function); k++)
		;
	if (k == n) {
		r->site = 0;
		r->cause = "runtime-internal";
		r->evidence = "every frame is the runtime's";
		return;
	}
	r->leaf = k;
	/* a runtime leaf above user code (Go 1.24 maps, or an untrimmed allocator frame) */
	lc = k > 0 ? leaf_cause(f[0].function) : NULL;
	if (lc && !strcmp(lc, "runtime-internal"))
		lc = NULL;	/* the allocator itself: the user frame decides */
	/* the site: the first frame of the user's code */
	for (j = k; j < n && !join_is_user(J, smp, j); j++)
		;
	if (j < n && j > k) {
		/* reached from a dependency: located at the user's line, the cause is what the
		 * dependency did for it */
		r->site = j;
		r->via = f[k].function;
		r->deferred = !f[j - 1].inlined && srcread_deferred(&J->sr, f, j);
		for (m = k; m + 1 < n && f[m].inlined; m++)
			;
		if (!lc && m >= j) {
			/* inlined into the user's function (and that, perhaps, into its caller m):
			 * the compiler reported the allocation where the code ran, at the call
			 * site in m, in the words of m's compilation */
			inline_candidates(J, f, k, m, r, &cap);
			if (r->ncand) {
				sinks_before_size(J, &f[k], &f[m], inline_col(J, f, k, m), r);
				map_buckets_too(J, &f[k], r);
				return;
			}
		}
		r->cause = lc ? lc : dependency_cause(f, k, j);
		r->evidence = lc ? "what the runtime leaf does" : "what the dependency call does";
		if (r->cause)
			return;
		/* the dependency's own diagnostics, when they are loaded */
		gather(J, &f[k], f[k].file, f[k].line, 0, NULL, 0, r, &cap);
		if (r->ncand)
			return;
		from_source(J, &f[k], 1, r);
		if (!r->cause) {
			r->cause = "in-dependency";
			r->evidence = "allocated in code without compiler diagnostics loaded";
		}
		return;
	}
	if (j == n) {
		/* no frame of this stack is the user's code */
		r->site = k;
		r->cause = lc ? lc : dependency_cause(f, k, k + 1);
		r->evidence = "what the leaf function does";
		if (r->cause)
			return;
		gather(J, &f[k], f[k].file, f[k].line, 0, NULL, 0, r, &cap);
		if (r->ncand)
			return;
		from_source(J, &f[k], 1, r);
		if (!r->cause && J->nbuilds) {
			r->cause = "in-dependency";
			r->evidence = "no frame of the stack is code with compiler diagnostics loaded";
		}
		goto unknown;
	}
	/* the leaf is the user's own code */
	r->site = j;
	if (lc) {
		r->cause = lc;
		r->evidence = "what the runtime leaf does";
		return;
	}
	/* the leaf's location: frames j..m, m the outermost (not inlined) */
	for (m = j; m + 1 < n && f[m].inlined; m++)
		;
	/* an inlined leaf's bytes were allocated by its copy at the call site, whose escape
	 * the compiler judged in the caller's context and reported at that call's column
	 * (the expressions written on the leaf's line tell the body's allocations apart);
	 * otherwise, and when that says nothing, the leaf's own line */
	if (m > j)
		inline_candidates(J, f, j, m, r, &cap);
	if (r->ncand) {
		sinks_before_size(J, &f[j], &f[m], inline_col(J, f, j, m), r);
		map_buckets_too(J, &f[j], r);
		return;
	}
	gather(J, &f[j], f[j].file, f[j].line, 0, NULL, 0, r, &cap);
	if (r->ncand) {
		sinks_before_size(J, &f[j], NULL, 0, r);
		map_buckets_too(J, &f[j], r);
		return;
	}
	/* nothing that allocates at the line: what the line's other notes say */
	{
		uintptr_t flags;

		join_line_key(key, sizeof(key), f[j].file, f[j].line);
		flags = (uintptr_t)hmap_get(&J->line_flags, key, strlen(key));
		if (flags & JOIN_NOTE_APPEND_RETURNED) {
			r->cause = "pointer-returned";
			r->evidence = "an append-built slice moved to the heap at its return (Go 1.25+)";
			r->confidence = 0.8;
			return;
		}
		if (flags & JOIN_NOTE_APPEND) {
			r->cause = "append-growth";
			r->evidence = "an append at this line, and no allocation the compiler reports";
			r->confidence = 0.8;
			/* m[k] = append(m[k], v): the map's buckets grow too, less often */
			if ((flags & JOIN_NOTE_MAP_PUT) || srcread_assigns_map(&J->sr, &f[j]))
				r->alt_cause = "map-growth";
			return;
		}
		if (flags & JOIN_NOTE_MAP_PUT) {
			r->cause = "map-growth";
			r->evidence = "a map put at this line, and no allocation the compiler reports";
			r->confidence = 0.8;
			return;
		}
	}
	from_source(J, &f[j], 0, r);
unknown:
	if (!r->cause) {
		r->cause = "unknown";
		r->evidence = "no compiler diagnostic allocates at this line";
		r->confidence = 0;
	}
}

/* Whether a candidate's object size depends on run-time values (an append, a conversion,
 * a concatenation, a variable make, a map), rather than its type (&T{}, new(T), a boxed
 * value, []T{x}, a variable moved to the heap, a closure). */
static int variable_size(const struct jdiag *d)
{
	switch (classify_expr_kind(d->d.subject)) {
	case CLASSIFY_EXPR_APPEND:
	case CLASSIFY_EXPR_STRING:
	case CLASSIFY_EXPR_PLUS:
	case CLASSIFY_EXPR_MAP:
		return 1;
	case CLASSIFY_EXPR_EXPLICIT:
		return classify_make_is_variable(d->d.subject);
	default:
		return d->d.kind == GC_APPEND_ESCAPES;
	}
}

/* The best of the candidates that pass the filter (fixed: 1 fixed-size only, 0 variable
 * only, -1 all). */
static const struct jdiag *best_of(const struct resolution *r, int off_panic, int fixed)
{
	const struct jdiag *best = NULL;
	size_t i;

	for (i = 0; i < r->ncand; i++) {
		const struct jdiag *d = r->cand[i];

		if ((off_panic && d->panics) || (fixed >= 0 && variable_size(d) == fixed))
			continue;
		/* escapes/moved over does_not_escape; explained over bare; surer over less sure */
		if (!best || (d->d.kind != GC_DOES_NOT_ESCAPE && best->d.kind == GC_DOES_NOT_ESCAPE) ||
		    (d->d.kind == best->d.kind && d->v.confidence > best->v.confidence))
			best = d;
	}
	return best;
}

/* The object size allocated most often at frame x's line (by objects), 0 when unknown. */
int64_t join_most_frequent_size(struct join *J, const struct store_frame *x)
{
	const struct size_hist *h;
	char key[1024];
	size_t i, top = 0;

	join_line_key(key, sizeof(key), x->file, x->line);
	if (!(h = hmap_get(&J->sizes, key, strlen(key))) || !h->n)
		return 0;
	/* on a tie, the smaller: a map's buckets are bigger than what is stored in them */
	for (i = 1; i < h->n; i++)
		if (h->objects[i] > h->objects[top] ||
		    (h->objects[i] == h->objects[top] && h->size[i] < h->size[top]))
			top = i;
	return h->size[top];
}

/* With several candidates, the sample's size and the verdicts decide. Several
 * allocations on one line are told apart by object size: the fixed-size ones (&T{}, a
 * boxed value) allocate the same size every time, the line's most frequent one; the
 * variable ones (append, conversion, variable make, map buckets) the others. */
const struct jdiag *join_choose(struct join *J, const struct store_sample *smp,
				const struct resolution *r, double *conf)
{
	const struct jdiag *best = NULL;
	size_t i, distinct = 0, nfixed = 0, nvar = 0;
	const char *causes[16];
	size_t off_panic = 0;

	/* storage that only a panic keeps is an error path: the profile's bytes are the others */
	for (i = 0; i < r->ncand; i++)
		off_panic += !r->cand[i]->panics;
	for (i = 0; i < r->ncand; i++) {
		size_t c;

		if (off_panic && r->cand[i]->panics)
			continue;
		if (variable_size(r->cand[i]))
			nvar++;
		else
			nfixed++;
		for (c = 0; c < distinct && strcmp(causes[c], r->cand[i]->v.cause); c++)
			;
		if (c == distinct && distinct < 16)
			causes[distinct++] = r->cand[i]->v.cause;
	}
	/* a big object at a line that also has a too-large allocation is that one */
	if (distinct > 1 && smp->object_size >= 64 * 1024)
		for (i = 0; i < r->ncand; i++)
			if (!strcmp(r->cand[i]->v.cause, "too-large-for-stack")) {
				*conf = r->cand[i]->v.confidence;
				return r->cand[i];
			}
	if (distinct > 1 && nfixed && nvar && smp->object_size > 0) {
		const struct size_hist *h;
		const struct store_frame *leaf = join_frame(smp, r->leaf);
		char key[1024];

		join_line_key(key, sizeof(key), leaf->file, leaf->line);
		if ((h = hmap_get(&J->sizes, key, strlen(key))) && h->n > 1) {
			best = best_of(r, (int)off_panic, smp->object_size == join_most_frequent_size(J, leaf));
			if (best) {
				*conf = best->v.confidence * 0.9;
				return best;
			}
		}
	}
	best = best_of(r, (int)off_panic, -1);
	*conf = best->v.confidence / (double)(distinct ? distinct : 1);
	return best;
}
