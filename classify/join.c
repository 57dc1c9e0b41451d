/* join.c — the attribution: every sample of a heap profile lands on one site and one
 * cause. Three passes: the profile's stacks tell which source lines matter (and each
 * leaf line's object sizes); the builds' diagnostics are kept only at those lines (so
 * memory follows the profile, not the log), and each build is measured against the
 * profile (its match); then each stack is resolved once — the site is the first frame of
 * the user's packages, the dependency walked over is attributed_via, an inlined copy is
 * joined where the compiler reported it (the call's column in the outermost caller),
 * a main package by the path that fits — and each sample's values are added to its site,
 * several allocations on one line told apart by object size. Every value lands in
 * exactly one site. What the source shows beyond the diagnostics is srcread.c's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "common/buf.h"
#include "common/hmap.h"
#include "common/vec.h"
#include "srcread.h"
#include "common/paths.h"

struct jdiag {
	int64_t build_id, diag_id;
	struct gc_diag d;	/* deep copy: strings and steps owned (free_diag) */
	char *norm_file;	/* d.file normalised (classify_norm_path), as stored */
	struct classify_verdict v;
	int go_minor;
	int panics;		/* its storage flows into panic(): an error path */
	int sink_read;		/* a size verdict was checked against the source */
	int index_read;		/* a slice-store verdict was checked against the source */
};

struct dvec {
	struct jdiag **v;
	size_t n, cap;
};

struct inline_call {
	unsigned col;
	char *callee;
};

struct ivec {
	struct inline_call *v;
	size_t n, cap;
};

/* The object sizes allocated at one leaf line, with their object counts. */
#define SIZE_HIST_MAX 32
struct size_hist {
	int64_t size[SIZE_HIST_MAX], objects[SIZE_HIST_MAX];
	size_t n;
};

struct closure_pos {
	char *file;
	char *func;
	unsigned line, col;
	int goroutine;
};

/* what a stack resolves to */
struct resolution {
	size_t site;		/* frame index of the site */
	size_t leaf;		/* frame index of the first frame that is not the runtime's */
	int deferred;		/* the site called the dependency in a defer statement */
	const char *alt_cause;	/* a second allocation at the line with no diagnostic, of
				   the sizes other than the line's most frequent one */
	const char *via;	/* function the site was reached from, or NULL */
	const char *cause;	/* a cause known without a diagnostic, or NULL */
	const char *evidence;	/* how it was known */
	double confidence;
	struct jdiag **cand;	/* allocating diagnostics that may describe it */
	size_t ncand;
};

struct agg {
	struct store_site s;
	char *function, *package, *file, *via, *diagnostic, *evidence;
};

struct join {
	struct store *st;
	struct err *e;
	const struct classify_opts *o;
	struct classify_sources src;
	int nbuilds;
	struct hmap needed;		/* "base:line" of every frame */
	struct hmap by_line;		/* "base:line" -> struct dvec (allocating + inline) */
	struct hmap diag_seen;		/* an allocating diagnostic's identity -> its jdiag */
	struct hmap inlines;		/* "base:line" -> struct ivec */
	struct hmap files;		/* "base" -> struct dvec of one diagnostic per (package, file) */
	struct hmap file_seen;		/* "package\0normfile" */
	struct hmap map_puts;		/* "m[k]" destinations of map puts */
	struct hmap line_flags;		/* "base:line" -> flags of notes at that line */
	struct hmap build_minor;	/* build id -> go minor */
	struct hmap profile_pkgs;	/* import paths the profile's symbols name */
	struct hmap covered;		/* packages of the builds' "# pkg" headers */
	struct hmap user;		/* the user's packages among them (see user_packages) */
	struct hmap sizes;		/* "base:line" of a leaf -> struct size_hist */
	struct srcread sr;		/* reading the frames' sources */
	struct hmap own_lines;		/* "pkg\0base:line" of every frame outside the runtime */
	struct hmap build_pkgs;		/* "build\0pkg" for the packages each build covers */
	struct hmap build_hits;		/* "build\0base:line" where a build has a diagnostic */
	struct closure_pos *closures;
	size_t nclosures, capclosures;
	struct hmap sites;		/* key -> struct agg */
	const struct jdiag *classifying;	/* the diagnostic classify_all is at */
	struct classify_result *r;
	/* per-stack cache */
	int64_t cur_stack;
	struct resolution res;
	int res_ok;
};

enum { NOTE_MAP_PUT = 1, NOTE_APPEND = 2, NOTE_APPEND_RETURNED = 4 };

/* The most allocating diagnostics (and inlined calls) kept at one source line. */
enum { LINE_DIAGS = 64 };

/* ---- small helpers ---- */


static void line_key(char *out, size_t n, const char *file, int64_t line)
{
	snprintf(out, n, "%s:%lld", path_base(file), (long long)line);
}

static int starts(const char *s, const char *p)
{
	return s && !strncmp(s, p, strlen(p));
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int classify_is_runtime(const char *function)
{
	return starts(function, "runtime.") || starts(function, "internal/runtime/");
}

size_t classify_package_of(const char *function, char *out, size_t n)
{
	/* only the part before type arguments or a receiver: "sync.OnceValue[go.shape.func(
	 * *encoding/json.encodeState)]" is in sync, whatever slashes its brackets hold */
	size_t end = strcspn(function, "[(");
	const char *start = function, *dot;
	size_t i, len, o = 0;

	for (i = 0; i < end; i++)
		if (function[i] == '/')
			start = function + i + 1;
	dot = memchr(start, '.', (size_t)(function + end - start));
	len = dot ? (size_t)(dot - function) : end;
	/* the linker escapes '.' in the last element and other odd bytes as %xx
	 * ("gopkg.in/yaml%2ev3"): the import path is the decoded text */
	for (i = 0; i < len && n; i++) {
		char c = function[i];
		int hi, lo;

		if (c == '%' && i + 2 < len && (hi = hexval(function[i + 1])) >= 0 &&
		    (lo = hexval(function[i + 2])) >= 0) {
			c = (char)(hi << 4 | lo);
			i += 2;
		}
		if (o + 1 < n)
			out[o++] = c;
	}
	if (n)
		out[o] = '\0';
	return len;
}

/* A standard-library import path: no dot in its first element (main and
 * command-line-arguments are the user's). */
static int is_std_path(const char *pkg)
{
	size_t first = strcspn(pkg, "/"), len = strlen(pkg);

	if (!strcmp(pkg, "main") || !strcmp(pkg, "command-line-arguments"))
		return 0;
	if (len > 5 && !strcmp(pkg + len - 5, ".test") && first == len)
		first -= 5;	/* "regexp.test": the test main of regexp */
	return !memchr(pkg, '.', first);
}

/* Frames that are never the user's line, whatever diagnostics are loaded: the runtime,
 * reflect and the standard library's internal packages. */
static int never_user(const char *function, const char *pkg)
{
	return classify_is_runtime(function) || !strcmp(pkg, "reflect") || starts(pkg, "internal/") ||
	       starts(pkg, "vendor/");
}

/* Copies s without the contents of its square brackets: "F[go.shape.int]" and "F[...]"
 * are both "F[]". */
static void strip_type_args(const char *s, char *out, size_t n)
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

/* "F[]" -> "F[...]": a dependency named readably, without its instantiation's shapes. */
static char *readable_args(const char *stripped)
{
	char *out = malloc(strlen(stripped) * 5 / 2 + 1), *o = out;
	const char *p;

	if (!out)
		return NULL;
	for (p = stripped; *p; p++)
		if (p[0] == '[' && p[1] == ']') {
			memcpy(o, "[...]", 5);
			o += 5;
			p++;
		} else {
			*o++ = *p;
		}
	*o = '\0';
	return out;
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
	strip_type_args(callee, c, sizeof(c));
	strip_type_args(function + pl + 1, f, sizeof(f));
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

static int count_common_tail(const char *a, const char *b)
{
	const char *pa = a + strlen(a), *pb = b + strlen(b);
	int n = 0;

	for (;;) {
		const char *sa = pa, *sb = pb;

		while (sa > a && sa[-1] != '/')
			sa--;
		while (sb > b && sb[-1] != '/')
			sb--;
		if (pa - sa != pb - sb || memcmp(sa, sb, (size_t)(pa - sa)) || pa == sa)
			return n;
		n++;
		if (sa == a || sb == b)
			return n;
		pa = sa - 1;
		pb = sb - 1;
	}
}

static int count_components(const char *p)
{
	int n = *p ? 1 : 0;

	for (; *p; p++)
		n += *p == '/' && p[1];
	return n;
}

/* The log's path of a main package's file, as the part that must end the frame's path:
 * leading "../" dropped, and the package's import path when -trimpath printed it
 * ("example.com/shop/main.go" for a module built in /src). */
static const char *main_log_tail(const char *nd, const char *pkg)
{
	size_t pl = strlen(pkg);

	while (starts(nd, "../"))
		nd += 3;
	if (pl && !strncmp(nd, pkg, pl) && nd[pl] == '/')
		nd += pl + 1;
	return nd;
}

/* How well a main package of the log fits the frame: the components its file path shares
 * with the frame's, plus those its import path shares with the frame's directory (two
 * mains built each in its own directory both print "./main.go"). */
static int main_fit(const char *frame_file, const char *diag_file, const char *diag_pkg)
{
	char nf[4096], nd[4096], p[1024], *slash;
	int file_fit;

	classify_norm_path(frame_file, nf, sizeof(nf));
	classify_norm_path(diag_file, nd, sizeof(nd));
	snprintf(p, sizeof(p), "%s", diag_pkg ? diag_pkg : "");
	p[strcspn(p, " ")] = '\0';
	file_fit = count_common_tail(nf, main_log_tail(nd, p));
	if ((slash = strrchr(nf, '/')))
		*slash = '\0';
	return 2 * file_fit + count_common_tail(nf, p);
}

/* Does the diagnostic's package and file fit the frame's? Basenames are already equal.
 * A frame of package main fits a log package that the profile does not name by its own
 * import path (the header prints the main package's import path, which need not end
 * with its directory) when the log's relative path ends the frame's path. With generic
 * != 0, a file of the frame's package reported in another package's log fits too
 * (generic code is compiled where it is instantiated). */
static int compatible(const struct join *J, const char *frame_file, const char *frame_pkg,
		      const char *diag_file, const char *diag_pkg, int generic)
{
	char nf[4096], nd[4096], p[1024];
	int common;

	classify_norm_path(frame_file, nf, sizeof(nf));
	classify_norm_path(diag_file, nd, sizeof(nd));
	common = count_common_tail(nf, nd);
	if (common < 1)
		return 0;
	if (!diag_pkg || !*diag_pkg)
		return common >= 2;
	snprintf(p, sizeof(p), "%s", diag_pkg);
	p[strcspn(p, " ")] = '\0';	/* "pkg [pkg.test]" */
	if (!strcmp(frame_pkg, "main")) {
		const char *tail;

		if (strcmp(p, "main") && strcmp(p, "command-line-arguments") &&
		    hmap_get(&J->profile_pkgs, p, strlen(p)))
			return 0;	/* the profile names that package by its path: not main */
		if (nd[0] == '/')
			return common >= 2;
		tail = main_log_tail(nd, p);
		return count_common_tail(nf, tail) == count_components(tail);
	}
	if (!strcmp(p, frame_pkg))
		return 1;
	if (!generic)
		return 0;
	/* generic code is compiled (and reported) in the instantiating package: the file's
	 * own directory then names the function's package */
	{
		char dir[4096], *slash;
		int want = 1;
		const char *q;

		snprintf(dir, sizeof(dir), "%s", nd);
		slash = strrchr(dir, '/');
		if (!slash)
			return 0;
		*slash = '\0';
		for (q = frame_pkg; *q; q++)
			want += *q == '/';
		return count_common_tail(dir, frame_pkg) >= want;
	}
}

static int dvec_push(struct dvec *v, struct jdiag *d)
{
	if (vec_reserve(&v->v, &v->cap, v->n + 1, sizeof(*v->v), 4))
		return -1;
	v->v[v->n++] = d;
	return 0;
}

static char *dup0(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* A deep copy of d (without its steps when nosteps); NULL when memory runs out. */
static struct jdiag *copy_diag(int64_t build, int64_t id, const struct gc_diag *d,
			       const char *norm_file, int nosteps)
{
	struct jdiag *j = calloc(1, sizeof(*j));
	size_t i;

	if (!j)
		return NULL;
	j->build_id = build;
	j->diag_id = id;
	j->norm_file = dup0(norm_file);
	j->d.package = dup0(d->package);
	j->d.file = dup0(d->file);
	j->d.line = d->line;
	j->d.col = d->col;
	j->d.kind = d->kind;
	j->d.subject = dup0(d->subject);
	j->d.func = dup0(d->func);
	j->d.message = dup0(d->message);
	if (d->nsteps && !nosteps) {
		struct gc_step *s = calloc(d->nsteps, sizeof(*s));

		if (!s)
			return j;
		for (i = 0; i < d->nsteps; i++) {
			s[i] = d->steps[i];
			s[i].dst = dup0(d->steps[i].dst);
			s[i].src = dup0(d->steps[i].src);
			s[i].why = dup0(d->steps[i].why);
			s[i].expr = dup0(d->steps[i].expr);
			s[i].file = dup0(d->steps[i].file);
			s[i].text = dup0(d->steps[i].text);
		}
		j->d.steps = s;
		j->d.nsteps = d->nsteps;
	}
	return j;
}

static void free_diag(struct jdiag *j)
{
	size_t i;

	if (!j)
		return;
	for (i = 0; i < j->d.nsteps; i++) {
		const struct gc_step *s = &j->d.steps[i];

		free((char *)s->dst);
		free((char *)s->src);
		free((char *)s->why);
		free((char *)s->expr);
		free((char *)s->file);
		free((char *)s->text);
	}
	free((void *)j->d.steps);
	free((char *)j->d.package);
	free((char *)j->d.file);
	free(j->norm_file);
	free((char *)j->d.subject);
	free((char *)j->d.func);
	free((char *)j->d.message);
	free(j);
}

/* The value slot of the key a[0..al) followed by b[0..bl), inserted when absent; NULL
 * when memory runs out. Keys are built whole, whatever their length. */
static void **put_pair(struct hmap *m, const void *a, size_t al, const void *b, size_t bl)
{
	struct buf k;
	void **slot;

	buf_init(&k);
	if (buf_add(&k, a, al) || buf_add(&k, b, bl)) {
		buf_release(&k);
		return NULL;
	}
	slot = hmap_put(m, k.data, k.len);
	buf_release(&k);
	return slot;
}

static void *get_pair(const struct hmap *m, const void *a, size_t al, const void *b, size_t bl)
{
	struct buf k;
	void *v = NULL;

	buf_init(&k);
	if (!buf_add(&k, a, al) && !buf_add(&k, b, bl))
		v = hmap_get(m, k.data, k.len);
	buf_release(&k);
	return v;
}

/* Marks the pair seen: 1 when it already was, 0 when new, -1 when memory runs out. */
static int pair_seen(struct hmap *m, const void *a, size_t al, const void *b, size_t bl)
{
	void **slot = put_pair(m, a, al, b, bl);

	if (!slot)
		return -1;
	if (*slot)
		return 1;
	*slot = (void *)1;
	return 0;
}

/* ---- pass A: which lines matter ---- */

/* Counts the sample's object size at its leaf line (runtime frames skipped). */
static int note_size(struct join *J, const struct store_sample *smp)
{
	char key[1024];
	struct size_hist *h;
	size_t i;
	void **slot;
	int64_t objects = smp->values[STORE_ALLOC_OBJECTS] ? smp->values[STORE_ALLOC_OBJECTS] : 1;

	if (smp->object_size <= 0)
		return 0;
	for (i = 0; i < smp->nframes && classify_is_runtime(smp->frames[i].function); i++)
		;
	if (i == smp->nframes)
		return 0;
	line_key(key, sizeof(key), smp->frames[i].file, smp->frames[i].line);
	if (!(slot = hmap_put(&J->sizes, key, strlen(key))))
		return -1;
	if (!*slot && !(*slot = calloc(1, sizeof(struct size_hist))))
		return -1;
	h = *slot;
	for (i = 0; i < h->n && h->size[i] != smp->object_size; i++)
		;
	if (i == h->n) {
		if (h->n == SIZE_HIST_MAX)
			return 0;	/* many sizes: a variable one; the counted ones are enough */
		h->size[h->n++] = smp->object_size;
	}
	h->objects[i] += objects;
	return 0;
}

static int collect_lines(void *ctx, const struct store_sample *smp)
{
	struct join *J = ctx;
	char key[1024];
	size_t i;

	if (note_size(J, smp))
		return err_set(J->e, ESC_ENOMEM, "out of memory");
	if (smp->stack_id == J->cur_stack)
		return 0;
	J->cur_stack = smp->stack_id;
	for (i = 0; i < smp->nframes; i++) {
		void **slot;
		char pkg[1024];

		line_key(key, sizeof(key), smp->frames[i].file, smp->frames[i].line);
		if (!(slot = hmap_put(&J->needed, key, strlen(key))))
			return err_set(J->e, ESC_ENOMEM, "out of memory");
		*slot = (void *)1;
		classify_package_of(smp->frames[i].function, pkg, sizeof(pkg));
		if (!(slot = hmap_put(&J->profile_pkgs, pkg, strlen(pkg))))
			return err_set(J->e, ESC_ENOMEM, "out of memory");
		*slot = (void *)1;
		/* the lines where a build of this code must have said something: the leaf's
		 * (what allocates) and those where a callee was inlined */
		if (!classify_is_runtime(smp->frames[i].function) &&
		    ((i > 0 && smp->frames[i - 1].inlined) || i == 0 ||
		     classify_is_runtime(smp->frames[i - 1].function))) {
			if (!(slot = put_pair(&J->own_lines, pkg, strlen(pkg) + 1, key, strlen(key))))
				return err_set(J->e, ESC_ENOMEM, "out of memory");
			*slot = (void *)1;
		}
	}
	return 0;
}

/* ---- pass B: the diagnostics at those lines ---- */

static int keep_diag(void *ctx, int64_t build, int64_t id, const struct gc_diag *d,
		     const char *norm_file)
{
	struct join *J = ctx;
	char key[1024];
	size_t i;
	int alloc = d->kind == GC_MOVED_TO_HEAP || d->kind == GC_ESCAPES ||
		    d->kind == GC_APPEND_ESCAPES || d->kind == GC_DOES_NOT_ESCAPE;
	int is_closure = d->subject && !strcmp(d->subject, "func literal") && d->kind == GC_ESCAPES;
	void **slot;

	if (d->package && *d->package) {
		size_t pl = strcspn(d->package, " ");

		if (!(slot = hmap_put(&J->covered, d->package, pl)) ||
		    !(*slot = (void *)1, slot = put_pair(&J->build_pkgs, &build, sizeof(build), d->package, pl)))
			return err_set(J->e, ESC_ENOMEM, "out of memory");
		*slot = (void *)1;
	}
	/* which (package, file) pairs have diagnostics at all */
	{
		const char *pkg = d->package ? d->package : "";
		int seen = pair_seen(&J->file_seen, pkg, strlen(pkg) + 1, norm_file, strlen(norm_file));

		if (seen < 0)
			return err_set(J->e, ESC_ENOMEM, "out of memory");
		if (!seen) {
			struct jdiag *rep = copy_diag(build, id, d, norm_file, 1);

			slot = hmap_put(&J->files, path_base(norm_file), strlen(path_base(norm_file)));
			if (!rep || !slot)
				return err_set(J->e, ESC_ENOMEM, "out of memory");
			if (!*slot && !(*slot = calloc(1, sizeof(struct dvec))))
				return err_set(J->e, ESC_ENOMEM, "out of memory");
			if (dvec_push(*slot, rep))
				return err_set(J->e, ESC_ENOMEM, "out of memory");
		}
	}
	/* notes that say what a line does, wherever the diagnostic itself is */
	for (i = 0; i < d->nsteps; i++) {
		const struct gc_step *s = &d->steps[i];
		int flag = 0;

		if (!s->why || !s->file)
			continue;
		/* Go 1.25+: a slice built by appends on the stack is moved to the heap, at its
		 * exact length, where it escapes: at the return the chain goes through */
		if (!strcmp(s->why, "return") &&
		    (d->kind == GC_APPEND_ESCAPES || (d->kind == GC_ESCAPES && starts(d->subject, "append(")))) {
			line_key(key, sizeof(key), s->file, s->line);
			if (!(slot = hmap_put(&J->line_flags, key, strlen(key))))
				return err_set(J->e, ESC_ENOMEM, "out of memory");
			*slot = (void *)((uintptr_t)*slot | (uintptr_t)NOTE_APPEND_RETURNED);
			continue;
		}
		if (!strcmp(s->why, "key of map put")) {
			flag = NOTE_MAP_PUT;
			if (s->expr) {
				if (!(slot = hmap_put(&J->map_puts, s->expr, strlen(s->expr))))
					return err_set(J->e, ESC_ENOMEM, "out of memory");
				*slot = (void *)1;
			}
		} else if (!strcmp(s->why, "appendee slice") || !strcmp(s->why, "appended slice...") ||
			   (!strcmp(s->why, "call parameter") && starts(s->expr, "append("))) {
			flag = NOTE_APPEND;
		}
		if (flag) {
			line_key(key, sizeof(key), s->file, s->line);
			if (!(slot = hmap_put(&J->line_flags, key, strlen(key))))
				return err_set(J->e, ESC_ENOMEM, "out of memory");
			*slot = (void *)((uintptr_t)*slot | (uintptr_t)flag);
		}
	}
	if (is_closure) {
		struct classify_verdict v;
		struct closure_pos *c;

		classify_diag(d, NULL, &v);
		if (vec_reserve(&J->closures, &J->capclosures, J->nclosures + 1, sizeof(*J->closures), 64))
			return err_set(J->e, ESC_ENOMEM, "out of memory");
		c = &J->closures[J->nclosures++];
		c->file = strdup(path_base(norm_file));
		c->func = dup0(d->func);
		c->line = d->line;
		c->col = d->col;
		c->goroutine = !strcmp(v.cause, "goroutine");
	}
	line_key(key, sizeof(key), norm_file, d->line);
	if (!hmap_get(&J->needed, key, strlen(key)))
		return 0;
	if (!(slot = put_pair(&J->build_hits, &build, sizeof(build), key, strlen(key))))
		return err_set(J->e, ESC_ENOMEM, "out of memory");
	*slot = (void *)1;
	if (d->kind == GC_INLINE && starts(d->message, "inlining call to ")) {
		struct ivec *iv;

		if (!(slot = hmap_put(&J->inlines, key, strlen(key))))
			return err_set(J->e, ESC_ENOMEM, "out of memory");
		if (!*slot && !(*slot = calloc(1, sizeof(struct ivec))))
			return err_set(J->e, ESC_ENOMEM, "out of memory");
		iv = *slot;
		{
			const char *callee = d->message + strlen("inlining call to ");
			size_t cl = strcspn(callee, " "), x;

			for (x = 0; x < iv->n; x++)	/* the same call twice (two logs, test variants) */
				if (iv->v[x].col == d->col && strlen(iv->v[x].callee) == cl &&
				    !memcmp(iv->v[x].callee, callee, cl))
					return 0;
			if (iv->n >= LINE_DIAGS)
				return 0;
			if (vec_reserve(&iv->v, &iv->cap, iv->n + 1, sizeof(*iv->v), 4) ||
			    !(iv->v[iv->n].callee = strndup(callee, cl)))
				return err_set(J->e, ESC_ENOMEM, "out of memory");
			iv->v[iv->n++].col = d->col;
		}
		return 0;
	}
	if (!alloc)
		return 0;
	{
		struct jdiag *j;
		uintptr_t minor = (uintptr_t)hmap_get(&J->build_minor, &build, sizeof(build));
		void **same;
		struct dvec *dv;
		struct buf sk;

		/* the same diagnostic twice (two logs of one build, -m and -m -m) is one
		 * candidate: the one that explains more */
		buf_init(&sk);
		buf_printf(&sk, "%s%c%u%c%d%c%s%c%s%c%s", key, 0, d->col, 0, (int)d->kind, 0,
			   d->subject ? d->subject : "", 0, d->package ? d->package : "", 0, norm_file);
		same = hmap_put(&J->diag_seen, sk.data, sk.len);
		buf_release(&sk);
		if (!same || !(slot = hmap_put(&J->by_line, key, strlen(key))))
			return err_set(J->e, ESC_ENOMEM, "out of memory");
		if (!*slot && !(*slot = calloc(1, sizeof(struct dvec))))
			return err_set(J->e, ESC_ENOMEM, "out of memory");
		dv = *slot;
		if (*same && ((struct jdiag *)*same)->d.nsteps >= d->nsteps)
			return 0;
		/* a line holds a handful of allocations: past LINE_DIAGS, a log is hostile or
		 * absurd, and more candidates would only make every stack there slower */
		if (!*same && dv->n >= LINE_DIAGS)
			return 0;
		if (!(j = copy_diag(build, id, d, norm_file, 0)))
			return err_set(J->e, ESC_ENOMEM, "out of memory");
		j->go_minor = (int)minor;
		if (*same) {
			for (i = 0; i < dv->n && dv->v[i] != *same; i++)
				;
			free_diag(dv->v[i]);
			dv->v[i] = j;
		} else if (dvec_push(dv, j)) {
			free_diag(j);
			return err_set(J->e, ESC_ENOMEM, "out of memory");
		}
		*same = j;
	}
	return 0;
}

/* classification context: map puts and goroutine closures seen in the build */
static int ctx_is_map_put(void *ctx, const struct gc_diag *d, const char *expr, size_t len)
{
	struct join *J = ctx;

	(void)d;
	return hmap_get(&J->map_puts, expr, len) != NULL;
}

static int ctx_closure_is_goroutine(void *ctx, const struct gc_diag *d, const struct gc_step *s)
{
	struct join *J = ctx;
	const struct closure_pos *best = NULL;
	size_t i;

	/* the closure is the nearest func literal at or before the capture, in the same file */
	for (i = 0; i < J->nclosures; i++) {
		const struct closure_pos *c = &J->closures[i];

		if (strcmp(c->file, path_base(s->file ? s->file : J->classifying->norm_file)))
			continue;
		if (d->func && c->func && strcmp(d->func, c->func))
			continue;
		if (c->line > s->line || (c->line == s->line && c->col > s->col))
			continue;
		if (!best || c->line > best->line || (c->line == best->line && c->col > best->col))
			best = c;
	}
	return best && best->goroutine;
}

static void classify_all(struct join *J)
{
	struct classify_context cx = {J, 0, ctx_is_map_put, ctx_closure_is_goroutine};
	size_t pos = 0, i;
	const char *k;
	void *v;

	while (hmap_next(&J->by_line, &pos, &k, &v)) {
		struct dvec *dv = v;

		for (i = 0; i < dv->n; i++) {
			const struct gc_diag *d = &dv->v[i]->d;
			size_t st;

			cx.go_minor = dv->v[i]->go_minor;
			J->classifying = dv->v[i];
			classify_diag(d, &cx, &dv->v[i]->v);
			for (st = 0; st < d->nsteps; st++)
				if (d->steps[st].why && !strcmp(d->steps[st].why, "call parameter") &&
				    starts(d->steps[st].expr, "panic("))
					dv->v[i]->panics = 1;
		}
	}
}

/* ---- pass C: each stack, then each sample ---- */

/* Whether a build has diagnostics for the frame's file in the frame's package; with
 * user != 0, in one of the user's packages. */
static int has_diags_in(struct join *J, const struct store_frame *f, int user)
{
	const struct dvec *dv = hmap_get(&J->files, path_base(f->file), strlen(path_base(f->file)));
	char pkg[1024];
	size_t i;

	if (!dv)
		return 0;
	classify_package_of(f->function, pkg, sizeof(pkg));
	for (i = 0; i < dv->n; i++) {
		const struct jdiag *d = dv->v[i];

		if (user && (!d->d.package || !hmap_get(&J->user, d->d.package, strcspn(d->d.package, " "))))
			continue;
		if (compatible(J, f->file, pkg, d->norm_file, d->d.package, 0))
			return 1;
	}
	return 0;
}

/* The user's own code: a frame of one of the user's packages (for main, of a main
 * package of the builds that fits the frame's file, but never go test's generated
 * _testmain.go), never the runtime, reflect or the standard library's internals. A standard-library generic instantiated for the caller
 * (slices.Grow[...], sync.OnceValue[...]) is reported in the caller's build but is the
 * caller's only when that package is itself under test. */
static int is_user(struct join *J, const struct store_frame *f)
{
	char pkg[1024];

	classify_package_of(f->function, pkg, sizeof(pkg));
	if (never_user(f->function, pkg))
		return 0;
	/* the test main go test generates is nobody's code */
	if (!strcmp(pkg, "main") && !strcmp(path_base(f->file), "_testmain.go"))
		return 0;
	if (!strcmp(pkg, "main"))
		return J->covered.len ? has_diags_in(J, f, 1) : 1;
	return hmap_get(&J->user, pkg, strlen(pkg)) != NULL;
}

/* How well each build fits the profile: of the profile's own frame lines (outside the
 * runtime) in packages the build covers (main: when the build has a package the profile
 * does not name by its path), the share where the build has a diagnostic of any kind.
 * The build of the profile's own code has one at most lines of its stacks (inlined
 * calls, allocations, parameters); another program's, or another commit's, at few. */
static int build_match(struct join *J, const int64_t *builds, size_t nbuilds)
{
	size_t b;

	J->r->matches = calloc(nbuilds ? nbuilds : 1, sizeof(*J->r->matches));
	if (!J->r->matches)
		return -1;
	J->r->nmatches = nbuilds;
	for (b = 0; b < nbuilds; b++) {
		struct classify_match *m = &J->r->matches[b];
		size_t pos = 0;
		const char *k;
		void *v;
		int main_fits = 0;

		m->build_id = builds[b];
		/* a main package: one the profile does not name by its own import path */
		while (hmap_next(&J->build_pkgs, &pos, &k, &v)) {
			int64_t id;

			memcpy(&id, k, sizeof(id));
			if (id == builds[b] && !hmap_get(&J->profile_pkgs, k + sizeof(id), strlen(k + sizeof(id))))
				main_fits = 1;
		}
		pos = 0;
		while (hmap_next(&J->own_lines, &pos, &k, &v)) {
			const char *line = k + strlen(k) + 1;

			if ((strcmp(k, "main") || !main_fits) &&
			    !get_pair(&J->build_pkgs, &builds[b], sizeof(builds[b]), k, strlen(k)))
				continue;
			m->lines++;
			m->matched += get_pair(&J->build_hits, &builds[b], sizeof(builds[b]), line, strlen(line)) != NULL;
		}
	}
	return 0;
}

int classify_build_fits(const struct classify_match *m)
{
	return m->lines > 0 && 3 * m->matched >= m->lines;
}

/* The user's packages among those the builds cover: the ones outside the standard
 * library; when all of them are the standard library's and the runtime is among them
 * (-gcflags=all: every package of the binary), the packages under test (P for a covered
 * P_test or P.test); else all of them. With no build, the profile's own packages outside
 * the standard library (and main). */
static int user_packages(struct join *J)
{
	size_t pos = 0;
	const char *k;
	void *v;
	int pass;

	/* no build at all: the profile's own packages outside the standard library */
	if (!J->covered.len) {
		while (hmap_next(&J->profile_pkgs, &pos, &k, &v)) {
			void **slot;

			if (is_std_path(k))
				continue;
			if (!(slot = hmap_put(&J->user, k, strlen(k))))
				return -1;
			*slot = (void *)1;
		}
		return 0;
	}
	for (pass = 0; pass < 3 && !J->user.len; pass++) {
		if (pass == 1 && !hmap_get(&J->covered, "runtime", 7))
			continue;
		pos = 0;
		while (hmap_next(&J->covered, &pos, &k, &v)) {
			size_t kl = strlen(k), base = kl;
			void **slot;

			if (pass == 0 && is_std_path(k))
				continue;
			if (pass == 1) {
				if (kl > 5 && (!strcmp(k + kl - 5, ".test") || !strcmp(k + kl - 5, "_test")))
					base = kl - 5;
				else
					continue;
				if (!(slot = hmap_put(&J->user, k, base)))
					return -1;
				*slot = (void *)1;
				{
					char t[1024];

					snprintf(t, sizeof(t), "%.*s_test", (int)base, k);
					if (!(slot = hmap_put(&J->user, t, strlen(t))))
						return -1;
					*slot = (void *)1;
				}
				continue;
			}
			if (!(slot = hmap_put(&J->user, k, kl)))
				return -1;
			*slot = (void *)1;
		}
	}
	return 0;
}

/* Causes known from the leaf alone, when the leaf is code without diagnostics. */
static const char *leaf_cause(const char *fn)
{
	static const struct { const char *prefix, *cause; } table[] = {
		/* reflect.mapassign* is the runtime's map assignment on reflect's behalf */
		{"reflect.mapassign", "map-growth"},
		{"reflect.Value.SetMapIndex", "map-growth"},
		{"reflect.", "reflection"},
		{"internal/reflectlite.", "reflection"},
		{"internal/runtime/maps.", "map-growth"},
		{"maps.Copy", "map-growth"},
		{"maps.Insert", "map-growth"},
		{"maps.Collect", "map-growth"},
		{"runtime.growslice", "append-growth"},
		{"runtime.mapassign", "map-growth"},
		{"runtime.hashGrow", "map-growth"},
		{"runtime.makemap", "map-growth"},
		{"runtime.makechan", "channel-make"},
		{"runtime.concatstring", "string-build"},
		{"runtime.slicebytetostring", "string-build"},
		{"runtime.slicerunetostring", "string-build"},
		{"runtime.stringtoslice", "string-build"},
		{"runtime.intstring", "string-build"},
		{"runtime.rawstring", "string-build"},
		{"runtime.rawbyteslice", "string-build"},
		{"runtime.convT", "interface-conversion"},
		{"slices.Grow", "append-growth"},
		{"slices.Insert", "append-growth"},
		{"slices.AppendSeq", "append-growth"},
		{"slices.Collect", "append-growth"},
		{"bytes.growSlice", "append-growth"},
		{"bytes.(*Buffer).grow", "append-growth"},
		{"bytes.(*Buffer).Grow", "append-growth"},
		{"bytes.(*Buffer).Write", "append-growth"},
		{"bytes.(*Buffer).ReadFrom", "append-growth"},
		{"strings.(*Builder).grow", "append-growth"},
		{"strings.(*Builder).Grow", "append-growth"},
		{"strings.(*Builder).Write", "append-growth"},
		{"strings.Join", "string-build"},
		{"strings.To", "string-build"},
		{"strings.Replace", "string-build"},
		{"strings.(*Replacer).Replace", "string-build"},
		{"strings.Map", "string-build"},
		{"strings.Title", "string-build"},
		{"strings.Repeat", "string-build"},
		{"strings.(*Builder).String", "string-build"},
		{"bufio.(*Scanner).Text", "string-build"},
		{"bufio.(*Reader).ReadString", "string-build"},
		{"bytes.(*Buffer).String", "string-build"},
		{"strconv.", "string-build"},
		{"fmt.Sprint", "string-build"},
		{"fmt.Errorf", "string-build"},
		{"runtime.", "runtime-internal"},
		{"internal/runtime/", "runtime-internal"},
	};
	size_t i;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (starts(fn, table[i].prefix))
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

	line_key(key, sizeof(key), f->file, f->line);
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

	line_key(key, sizeof(key), file, line);
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
		if (!compatible(J, file, pkg, d->norm_file, d->d.package, 1))
			continue;
		if (!strcmp(pkg, "main")) {
			int fit = main_fit(file, d->norm_file, d->d.package);

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

	line_key(key, sizeof(key), f[m].file, f[m].line);
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

	line_key(key, sizeof(key), f[m].file, f[m].line);
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

static void resolve_stack(struct join *J, const struct store_sample *smp, struct resolution *r)
{
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
	for (j = k; j < n && !is_user(J, &f[j]); j++)
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

		line_key(key, sizeof(key), f[j].file, f[j].line);
		flags = (uintptr_t)hmap_get(&J->line_flags, key, strlen(key));
		if (flags & NOTE_APPEND_RETURNED) {
			r->cause = "pointer-returned";
			r->evidence = "an append-built slice moved to the heap at its return (Go 1.25+)";
			r->confidence = 0.8;
			return;
		}
		if (flags & NOTE_APPEND) {
			r->cause = "append-growth";
			r->evidence = "an append at this line, and no allocation the compiler reports";
			r->confidence = 0.8;
			/* m[k] = append(m[k], v): the map's buckets grow too, less often */
			if ((flags & NOTE_MAP_PUT) || srcread_assigns_map(&J->sr, &f[j]))
				r->alt_cause = "map-growth";
			return;
		}
		if (flags & NOTE_MAP_PUT) {
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
static int64_t most_frequent_size(struct join *J, const struct store_frame *x)
{
	const struct size_hist *h;
	char key[1024];
	size_t i, top = 0;

	line_key(key, sizeof(key), x->file, x->line);
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
static const struct jdiag *choose(struct join *J, const struct store_sample *smp,
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
		const struct store_frame *leaf = &smp->frames[r->leaf];
		char key[1024];

		line_key(key, sizeof(key), leaf->file, leaf->line);
		if ((h = hmap_get(&J->sizes, key, strlen(key))) && h->n > 1) {
			best = best_of(r, (int)off_panic, smp->object_size == most_frequent_size(J, leaf));
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

static int add_to_site(struct join *J, const struct store_sample *smp, const struct store_frame *sf,
		       const char *via, const char *cause, double conf, const struct jdiag *d,
		       const char *evidence, int deferred)
{
	struct buf key;
	void **slot;
	struct agg *a;
	char pkg[1024];
	int i;

	buf_init(&key);
	buf_printf(&key, "%s%c%s%c%lld%c%s%c%s%c%d:%lld:%lld", sf->function, 0, sf->file, 0,
		   (long long)sf->line, 0, via ? via : "", 0, cause, 0, deferred,
		   (long long)(d ? d->build_id : 0), (long long)(d ? d->diag_id : 0));
	slot = hmap_put(&J->sites, key.data, key.len);
	buf_release(&key);
	if (!slot)
		return err_set(J->e, ESC_ENOMEM, "out of memory");
	if (!*slot) {
		if (!(a = calloc(1, sizeof(*a))))
			return err_set(J->e, ESC_ENOMEM, "out of memory");
		classify_package_of(sf->function, pkg, sizeof(pkg));
		a->function = strdup(sf->function);
		a->file = strdup(sf->file);
		a->package = strdup(pkg);
		if (via) {
			char rv[1024];

			strip_type_args(via, rv, sizeof(rv));
			a->via = readable_args(rv);
		}
		a->s.function = a->function;
		a->s.file = a->file;
		a->s.package = a->package;
		a->s.attributed_via = a->via;
		a->s.line = sf->line;
		a->s.cause = cause;
		a->s.confidence = conf;
		a->s.build_id = d ? d->build_id : 0;
		a->s.diag_id = d ? d->diag_id : 0;
		a->s.decisive_seq = d && d->v.decisive >= 0 ? d->v.decisive + 1 : 0;
		a->s.evidence = d ? d->v.evidence : evidence;
		if (deferred && a->s.evidence) {
			size_t el = strlen(a->s.evidence) + 40;

			if ((a->evidence = malloc(el)))
				snprintf(a->evidence, el, "in a deferred call: %s", a->s.evidence);
			a->s.evidence = a->evidence;
		}
		a->diagnostic = d ? dup0(d->d.message) : NULL;
		a->s.diagnostic = a->diagnostic;
		*slot = a;
	}
	a = *slot;
	for (i = 0; i < STORE_NHEAP; i++)
		a->s.values[i] += smp->values[i];
	a->s.samples++;
	for (i = 0; i < STORE_NHEAP; i++) {
		J->r->total[i] += smp->values[i];
		if (strcmp(cause, "unknown"))
			J->r->attributed[i] += smp->values[i];
		if (d)
			J->r->joined[i] += smp->values[i];
	}
	return 0;
}

static int attribute(void *ctx, const struct store_sample *smp)
{
	struct join *J = ctx;
	const struct jdiag *d = NULL;
	const char *cause;
	double conf;

	if (!J->res_ok || smp->stack_id != J->cur_stack) {
		resolve_stack(J, smp, &J->res);
		J->cur_stack = smp->stack_id;
		J->res_ok = 1;
	}
	if (!smp->nframes) {
		static const struct store_frame none = {"(no frames)", "", 0, 0};

		return add_to_site(J, smp, &none, NULL, "unknown", 0, NULL, "no stack", 0);
	}
	if (J->res.alt_cause && smp->object_size > 0 &&
	    smp->object_size != most_frequent_size(J, &smp->frames[J->res.leaf])) {
		/* the line's other allocation, with no diagnostic: a map's buckets */
		cause = J->res.alt_cause;
		conf = 0.7;
	} else if (J->res.ncand) {
		d = choose(J, smp, &J->res, &conf);
		cause = d->v.cause;
	} else {
		cause = J->res.cause;
		conf = J->res.confidence;
	}
	return add_to_site(J, smp, &smp->frames[J->res.site], J->res.via, cause, conf, d,
			   J->res.evidence, J->res.deferred);
}

static int cmp_site(const void *a, const void *b)
{
	const struct agg *x = *(const struct agg *const *)a, *y = *(const struct agg *const *)b;
	int i;

	/* bytes allocated first, then the other types, then a stable order */
	static const int order[] = {STORE_ALLOC_SPACE, STORE_INUSE_SPACE, STORE_ALLOC_OBJECTS,
				    STORE_INUSE_OBJECTS};
	for (i = 0; i < 4; i++)
		if (x->s.values[order[i]] != y->s.values[order[i]])
			return x->s.values[order[i]] < y->s.values[order[i]] ? 1 : -1;
	if ((i = strcmp(x->s.file, y->s.file)))
		return i;
	if (x->s.line != y->s.line)
		return x->s.line < y->s.line ? -1 : 1;
	return strcmp(x->s.cause, y->s.cause);
}

static void free_dvec_map(struct hmap *m, int free_items)
{
	size_t pos = 0, i;
	const char *k;
	void *v;

	while (hmap_next(m, &pos, &k, &v)) {
		struct dvec *dv = v;

		if (!dv || dv == (void *)1)
			continue;
		if (free_items)
			for (i = 0; i < dv->n; i++)
				free_diag(dv->v[i]);
		free(dv->v);
		free(dv);
	}
	hmap_release(m);
}

enum esc_status classify_analyze(struct store *s, int64_t profile_id, const int64_t *builds,
				 size_t nbuilds, const struct classify_opts *o,
				 struct classify_result *r, struct err *e)
{
	struct join J = {0};
	enum esc_status st = ESC_OK;
	size_t pos = 0, i;
	const char *k;
	void *v;
	int rc;

	memset(r, 0, sizeof(*r));
	J.st = s;
	J.e = e;
	J.o = o;
	J.r = r;
	J.nbuilds = (int)nbuilds;
	J.cur_stack = -1;
	classify_sources_init(&J.src, o ? o->source_path : NULL, o ? o->nsource : 0,
			      o ? o->trim_path : NULL);
	srcread_init(&J.sr, &J.src, &J.map_puts);
	hmap_init(&J.needed);
	hmap_init(&J.by_line);
	hmap_init(&J.diag_seen);
	hmap_init(&J.inlines);
	hmap_init(&J.files);
	hmap_init(&J.file_seen);
	hmap_init(&J.map_puts);
	hmap_init(&J.line_flags);
	hmap_init(&J.build_minor);
	hmap_init(&J.profile_pkgs);
	hmap_init(&J.covered);
	hmap_init(&J.user);
	hmap_init(&J.sizes);
	hmap_init(&J.own_lines);
	hmap_init(&J.build_pkgs);
	hmap_init(&J.build_hits);
	hmap_init(&J.sites);
	if ((st = store_heap_types_of(s, profile_id, r->has, e)))
		goto out;
	for (i = 0; i < nbuilds; i++) {
		char version[64];
		void **slot;

		if ((st = store_build_go_version(s, builds[i], version, sizeof(version), e)))
			goto out;
		if (!(slot = hmap_put(&J.build_minor, &builds[i], sizeof(builds[i])))) {
			st = err_set(e, ESC_ENOMEM, "out of memory");
			goto out;
		}
		*slot = (void *)(uintptr_t)classify_go_minor(version);
	}
	if ((rc = store_foreach_heap_sample(s, profile_id, collect_lines, &J, e)) ||
	    (rc = store_foreach_diag(s, builds, nbuilds, keep_diag, &J, e))) {
		st = e->status ? e->status : (enum esc_status)rc;
		goto out;
	}
	if (user_packages(&J) || build_match(&J, builds, nbuilds)) {
		st = err_set(e, ESC_ENOMEM, "out of memory");
		goto out;
	}
	classify_all(&J);
	J.cur_stack = -1;
	if ((rc = store_foreach_heap_sample(s, profile_id, attribute, &J, e))) {
		st = e->status ? e->status : (enum esc_status)rc;
		goto out;
	}
	/* the sites, biggest first */
	r->sites = calloc(J.sites.len + 1, sizeof(*r->sites));
	r->aggs = calloc(J.sites.len + 1, sizeof(void *));
	if (!r->sites || !r->aggs) {
		st = err_set(e, ESC_ENOMEM, "out of memory");
		goto out;
	}
	while (hmap_next(&J.sites, &pos, &k, &v))
		r->aggs[r->nsites++] = v;
	qsort(r->aggs, r->nsites, sizeof(*r->aggs), cmp_site);
	for (i = 0; i < r->nsites; i++)
		r->sites[i] = ((struct agg *)r->aggs[i])->s;
	hmap_release(&J.sites);
out:
	if (st) {
		pos = 0;
		while (hmap_next(&J.sites, &pos, &k, &v)) {
			struct agg *a = v;

			free(a->function);
			free(a->file);
			free(a->package);
			free(a->via);
			free(a->diagnostic);
			free(a->evidence);
			free(a);
		}
		hmap_release(&J.sites);
	}
	free(J.res.cand);
	free_dvec_map(&J.by_line, 1);
	hmap_release(&J.diag_seen);
	free_dvec_map(&J.files, 1);
	pos = 0;
	while (hmap_next(&J.inlines, &pos, &k, &v)) {
		struct ivec *iv = v;

		for (i = 0; i < iv->n; i++)
			free(iv->v[i].callee);
		free(iv->v);
		free(iv);
	}
	hmap_release(&J.inlines);
	for (i = 0; i < J.nclosures; i++) {
		free(J.closures[i].file);
		free(J.closures[i].func);
	}
	free(J.closures);
	hmap_release(&J.needed);
	hmap_release(&J.file_seen);
	hmap_release(&J.map_puts);
	hmap_release(&J.line_flags);
	hmap_release(&J.build_minor);
	hmap_release(&J.profile_pkgs);
	hmap_release(&J.covered);
	hmap_release(&J.user);
	pos = 0;
	while (hmap_next(&J.sizes, &pos, &k, &v))
		free(v);
	hmap_release(&J.sizes);
	srcread_release(&J.sr);
	hmap_release(&J.own_lines);
	hmap_release(&J.build_pkgs);
	hmap_release(&J.build_hits);
	classify_sources_release(&J.src);
	if (st)
		classify_result_release(r);
	return st;
}

void classify_result_release(struct classify_result *r)
{
	size_t i;

	if (r->aggs)
		for (i = 0; i < r->nsites; i++) {
			struct agg *a = r->aggs[i];

			free(a->function);
			free(a->file);
			free(a->package);
			free(a->via);
			free(a->diagnostic);
			free(a->evidence);
			free(a);
		}
	free(r->aggs);
	free(r->sites);
	free(r->matches);
	memset(r, 0, sizeof(*r));
}
