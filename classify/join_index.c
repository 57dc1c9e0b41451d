/* join_index.c — passes A and B of the join: which "base:line" keys the profile's stacks
 * touch (and each leaf line's object sizes), then the builds' diagnostics kept only at
 * those lines (by_line, at most LINE_DIAGS a line, the same diagnostic once), the inlined
 * calls, the notes of map puts and appends, one diagnostic per (package, file), and the
 * packages each build covers. Memory follows the profile, not the log. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/paths.h"
#include "common/wrap.h"
#include "common/vec.h"
#include "join_int.h"

/* The most allocating diagnostics (and inlined calls) kept at one source line. */
enum { LINE_DIAGS = 64 };

/* "base:line" of file[0..flen), without printf: every frame and diagnostic makes one. */
static void line_key_n(char *out, size_t n, const char *file, size_t flen, int64_t line)
{
	char digits[24];
	size_t b = flen, nd = 0, k;
	uint64_t v = line < 0 ? (uint64_t)0 - (uint64_t)line : (uint64_t)line;

	while (b > 0 && file[b - 1] != '/' && file[b - 1] != '\\')
		b--;
	if (b == flen)
		b = 0;	/* a trailing separator: the whole path, as path_base gives it */
	do
		digits[nd++] = (char)('0' + v % 10);
	while ((v /= 10));
	if (line < 0)
		digits[nd++] = '-';
	if (!n)
		return;
	k = flen - b < n - 1 ? flen - b : n - 1;
	memcpy(out, file + b, k);
	if (k < n - 1)
		out[k++] = ':';
	while (nd && k < n - 1)
		out[k++] = digits[--nd];
	out[k] = '\0';
}

void join_line_key(char *out, size_t n, const char *file, int64_t line)
{
	line_key_n(out, n, file, strlen(file), line);
}

static int dvec_push(struct dvec *v, struct jdiag *d)
{
	if (vec_reserve(&v->v, &v->cap, v->n + 1, sizeof(*v->v), 4))
		return -1;
	v->v[v->n++] = d;
	return 0;
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
	j->norm_file = join_dup0(norm_file);
	j->d.package = join_dup0(d->package);
	j->d.file = join_dup0(d->file);
	j->d.line = d->line;
	j->d.col = d->col;
	j->d.kind = d->kind;
	j->d.subject = join_dup0(d->subject);
	j->d.func = join_dup0(d->func);
	j->d.message = join_dup0(d->message);
	if (d->nsteps && !nosteps) {
		struct gc_step *s = calloc(d->nsteps, sizeof(*s));

		if (!s)
			return j;
		for (i = 0; i < d->nsteps; i++) {
			s[i] = d->steps[i];
			s[i].dst = join_dup0(d->steps[i].dst);
			s[i].src = join_dup0(d->steps[i].src);
			s[i].why = join_dup0(d->steps[i].why);
			s[i].expr = join_dup0(d->steps[i].expr);
			s[i].file = join_dup0(d->steps[i].file);
			s[i].text = join_dup0(d->steps[i].text);
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

void *join_get_pair(const struct hmap *m, const void *a, size_t al, const void *b, size_t bl)
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

/* Counts the sample's object size at its leaf line (runtime frames skipped); the leaf's
 * histogram is found once per stack. */
static int note_size(struct join *J, const struct store_sample *smp)
{
	struct size_hist *h;
	size_t i;
	int64_t objects = smp->values[STORE_ALLOC_OBJECTS] ? smp->values[STORE_ALLOC_OBJECTS] : 1;

	if (smp->object_size <= 0)
		return 0;
	if (!J->leaf_known) {
		char key[1024];
		void **slot;

		J->leaf_known = 1;
		for (i = 0; i < smp->nframes && join_is_runtime(J, smp, i); i++)
			;
		if (i == smp->nframes)
			return 0;
		join_line_key(key, sizeof(key), join_frame(smp, i)->file, join_frame(smp, i)->line);
		if (!(slot = hmap_put(&J->sizes, key, strlen(key))))
			return -1;
		if (!*slot && !(*slot = calloc(1, sizeof(struct size_hist))))
			return -1;
		J->leaf_sizes = *slot;
	}
	if (!(h = J->leaf_sizes))
		return 0;
	for (i = 0; i < h->n && h->size[i] != smp->object_size; i++)
		;
	if (i == h->n) {
		if (h->n == JOIN_SIZE_HIST_MAX)
			return 0;	/* many sizes: a variable one; the counted ones are enough */
		h->size[h->n++] = smp->object_size;
	}
	h->objects[i] += objects;
	return 0;
}

ESC_WRAPS static size_t frame_hash(const struct frame_memo *m)
{
	uint64_t h = ((uintptr_t)m->function * 0x9e3779b97f4a7c15u) ^
		     ((uintptr_t)m->file * 0xc2b2ae3d27d4eb4fu) ^
		     ((uint64_t)m->line * 0x165667b19e3779f9u) ^ (uint64_t)m->own;

	return (size_t)(h ^ (h >> 29));
}

struct frame_memo *join_frame_set_put(struct frame_set *fs, const struct frame_memo *m, int *added)
{
	size_t i, mask;

	if (2 * (fs->n + 1) > fs->cap) {
		size_t cap = fs->cap ? 2 * fs->cap : 1024, k;
		struct frame_memo *v = calloc(cap, sizeof(*v));

		if (!v)
			return NULL;
		for (k = 0; k < fs->cap; k++) {
			if (!fs->v[k].function)
				continue;
			for (i = frame_hash(&fs->v[k]) & (cap - 1); v[i].function; i = (i + 1) & (cap - 1))
				;
			v[i] = fs->v[k];
		}
		free(fs->v);
		fs->v = v;
		fs->cap = cap;
	}
	mask = fs->cap - 1;
	for (i = frame_hash(m) & mask; fs->v[i].function; i = (i + 1) & mask)
		if (fs->v[i].function == m->function && fs->v[i].file == m->file &&
		    fs->v[i].line == m->line && fs->v[i].own == m->own) {
			*added = 0;
			return &fs->v[i];
		}
	fs->v[i] = *m;
	fs->v[i].value = 0;
	fs->n++;
	*added = 1;
	return &fs->v[i];
}

uint8_t *join_frame_grow(struct join *J, uint32_t id)
{
	if (id >= J->capfflags) {
		size_t cap = J->capfflags ? J->capfflags : 4096;
		uint8_t *v;

		while (cap <= id)
			cap *= 2;
		if (!(v = realloc(J->fflags, cap)))
			return NULL;
		memset(v + J->capfflags, 0, cap - J->capfflags);
		J->fflags = v;
		J->capfflags = cap;
	}
	return &J->fflags[id];
}

unsigned join_frame_learn(struct join *J, const struct store_sample *smp, size_t i)
{
	uint8_t *fl = smp->frame_ids ? join_frame_flags(J, smp->frame_ids[i]) : NULL;
	const struct store_frame *f;
	unsigned v;

	if (fl && (*fl & JOIN_FRAME_KNOWN))
		return *fl;
	f = join_frame(smp, i);
	v = JOIN_FRAME_KNOWN | (classify_is_runtime(f->function) ? JOIN_FRAME_RUNTIME : 0) |
	    (f->inlined ? JOIN_FRAME_INLINED : 0);
	if (!fl)
		return v;
	*fl |= (uint8_t)v;
	return *fl;
}

int join_collect_lines(void *ctx, const struct store_sample *smp)
{
	struct join *J = ctx;
	char key[1024];
	unsigned prev = 0;	/* the facts of the frame below */
	size_t i;

	if (smp->stack_id != J->cur_stack) {
		J->cur_stack = smp->stack_id;
		J->leaf_known = 0;
		J->leaf_sizes = NULL;
		for (i = 0; i < smp->nframes; i++) {
			unsigned facts = join_frame_facts(J, smp, i);
			const struct store_frame *f;
			struct frame_memo m = {0};
			void **slot;
			char pkg[1024];
			int added;

			/* the lines where a build of this code must have said something: the
			 * leaf's (what allocates) and those where a callee was inlined */
			m.own = !(facts & JOIN_FRAME_RUNTIME) &&
				(i == 0 || (prev & (JOIN_FRAME_INLINED | JOIN_FRAME_RUNTIME)));
			prev = facts;
			if (smp->frame_ids) {
				uint8_t *fl = join_frame_flags(J, smp->frame_ids[i]);
				int bit = m.own ? JOIN_FRAME_SEEN_OWN : JOIN_FRAME_SEEN;

				if (!fl)
					return err_set(J->e, ESC_ENOMEM, "out of memory");
				if (*fl & bit)
					continue;
				*fl |= (uint8_t)bit;
			}
			f = join_frame(smp, i);
			m.function = f->function;
			m.file = f->file;
			m.line = f->line;
			if (!smp->frame_ids && m.function) {
				/* (a frame of no function is never kept: NULL marks an empty slot) */
				if (!join_frame_set_put(&J->frames_seen, &m, &added))
					return err_set(J->e, ESC_ENOMEM, "out of memory");
				if (!added)
					continue;
			}
			join_line_key(key, sizeof(key), f->file, f->line);
			if (!(slot = hmap_put(&J->needed, key, strlen(key))))
				return err_set(J->e, ESC_ENOMEM, "out of memory");
			*slot = (void *)1;
			classify_package_of(f->function, pkg, sizeof(pkg));
			if (!(slot = hmap_put(&J->profile_pkgs, pkg, strlen(pkg))))
				return err_set(J->e, ESC_ENOMEM, "out of memory");
			*slot = (void *)1;
			if (m.own) {
				if (!(slot = put_pair(&J->own_lines, pkg, strlen(pkg) + 1, key, strlen(key))))
					return err_set(J->e, ESC_ENOMEM, "out of memory");
				*slot = (void *)1;
			}
		}
	}
	if (note_size(J, smp))
		return err_set(J->e, ESC_ENOMEM, "out of memory");
	return 0;
}

/* ---- pass B: the diagnostics at those lines ---- */

/* What a flow step's note says its line does (JOIN_NOTE_*), 0 when nothing. */
int classify_step_notes(const struct gc_diag *d, const struct gc_step *s)
{
	if (!s->why || !s->file)
		return 0;
	/* Go 1.25+: a slice built by appends on the stack is moved to the heap, at its exact
	 * length, where it escapes: at the return the chain goes through */
	if (!strcmp(s->why, "return"))
		return d->kind == GC_APPEND_ESCAPES || (d->kind == GC_ESCAPES && join_starts(d->subject, "append(")) ?
		       JOIN_NOTE_APPEND_RETURNED : 0;
	if (!strcmp(s->why, "key of map put"))
		return JOIN_NOTE_MAP_PUT;
	if (!strcmp(s->why, "appendee slice") || !strcmp(s->why, "appended slice...") ||
	    (!strcmp(s->why, "call parameter") && join_starts(s->expr, "append(")))
		return JOIN_NOTE_APPEND;
	return 0;
}

/* A closure that escapes: where goroutines and deferred calls are told apart. */
static int diag_is_closure(const struct gc_diag *d)
{
	return d->subject && !strcmp(d->subject, "func literal") && d->kind == GC_ESCAPES;
}

int join_keep_diag(void *ctx, int64_t build, int64_t id, const struct gc_diag *d,
		   const char *norm_file)
{
	struct join *J = ctx;
	char key[1024];
	size_t i;
	int alloc = d->kind == GC_MOVED_TO_HEAP || d->kind == GC_ESCAPES ||
		    d->kind == GC_APPEND_ESCAPES || d->kind == GC_DOES_NOT_ESCAPE;
	int is_closure = diag_is_closure(d);
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
		int flag = classify_step_notes(d, s);

		if (!flag)
			continue;
		if (flag == JOIN_NOTE_MAP_PUT && s->expr) {
			if (!(slot = hmap_put(&J->map_puts, s->expr, strlen(s->expr))))
				return err_set(J->e, ESC_ENOMEM, "out of memory");
			*slot = (void *)1;
		}
		join_line_key(key, sizeof(key), s->file, s->line);
		if (!(slot = hmap_put(&J->line_flags, key, strlen(key))))
			return err_set(J->e, ESC_ENOMEM, "out of memory");
		*slot = (void *)((uintptr_t)*slot | (uintptr_t)flag);
	}
	if (is_closure) {
		struct classify_verdict v;
		struct closure_pos *c;

		classify_diag(d, NULL, &v);
		if (vec_reserve(&J->closures, &J->capclosures, J->nclosures + 1, sizeof(*J->closures), 64))
			return err_set(J->e, ESC_ENOMEM, "out of memory");
		c = &J->closures[J->nclosures++];
		c->file = strdup(path_base(norm_file));
		c->func = join_dup0(d->func);
		c->line = d->line;
		c->col = d->col;
		c->goroutine = !strcmp(v.cause, "goroutine");
	}
	join_line_key(key, sizeof(key), norm_file, d->line);
	if (!hmap_get(&J->needed, key, strlen(key)))
		return 0;
	if (!(slot = put_pair(&J->build_hits, &build, sizeof(build), key, strlen(key))))
		return err_set(J->e, ESC_ENOMEM, "out of memory");
	*slot = (void *)1;
	if (d->kind == GC_INLINE && join_starts(d->message, "inlining call to ")) {
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

void join_classify_all(struct join *J)
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
				    join_starts(d->steps[st].expr, "panic("))
					dv->v[i]->panics = 1;
		}
	}
}

void join_free_dvec_map(struct hmap *m, int free_items)
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

/* ---- which diagnostics of a log a join can use ---- */

struct classify_diag_filter {
	/* the last block's position and whether it is one of the profile's lines: a block's
	 * steps come one after another */
	char last_file[512];
	size_t last_len;
	unsigned last_line;
	int last_hit;
	struct hmap lines;	/* "base:line" of every line of every location of the profile */
	struct hmap bases;	/* the base names in lines: a file with none has no line there */
	/* lines and bases as read: this filter's, or its parent's for a fork (read only) */
	const struct hmap *lines_of, *bases_of;
	struct hmap pkgs;	/* packages with a diagnostic kept */
	struct hmap pairs;	/* "package\0normfile" with a diagnostic kept */
	/* the last diagnostic's package and file, both in pkgs and pairs by now: a package's
	 * diagnostics come file by file */
	char memo_pkg[512], memo_norm[1024];
	int memo_ok;
	/* the last diagnostic's file, and whether its base name is one of bases */
	char file_norm[1024];
	int file_ok, file_in;
};

/* The longest base name a line key holds (the filter's keys are 1 KiB). */
#define LINE_KEY_MAX 1023

/* Adds file's base name as far as a line key holds it: a file whose base is not there has
 * none of the keys. */
static void **put_base(struct hmap *bases, const char *file)
{
	const char *base = path_base(file);
	size_t bl = strlen(base);

	return hmap_put(bases, base, bl < LINE_KEY_MAX ? bl : LINE_KEY_MAX);
}

enum esc_status classify_diag_filter_new(const struct profile *p, struct classify_diag_filter **out,
					 struct err *e)
{
	struct classify_diag_filter *f = calloc(1, sizeof(*f));
	char key[1024];
	size_t i, j;

	*out = NULL;
	if (!f)
		return err_set(e, ESC_ENOMEM, "out of memory");
	hmap_init(&f->lines);
	hmap_init(&f->bases);
	hmap_init(&f->pkgs);
	hmap_init(&f->pairs);
	f->lines_of = &f->lines;
	f->bases_of = &f->bases;
	/* every line a frame can have: each location's lines, ":0" for one without */
	for (i = 0; i < p->nlocations; i++) {
		const struct profile_location *l = &p->locations[i];

		for (j = 0; j < (l->nlines ? l->nlines : 1); j++) {
			const struct profile_function *fn = l->nlines ? l->lines[j].function : NULL;
			void **slot;

			const char *file = fn && fn->file ? fn->file : "";

			join_line_key(key, sizeof(key), file, l->nlines ? l->lines[j].line : 0);
			if (!(slot = hmap_put(&f->lines, key, strlen(key))) ||
			    !(*slot = (void *)1, slot = put_base(&f->bases, file))) {
				classify_diag_filter_free(f);
				return err_set(e, ESC_ENOMEM, "out of memory");
			}
			*slot = (void *)1;
		}
	}
	*out = f;
	return ESC_OK;
}

/* The union of what join_keep_diag reads: a diagnostic at one of the profile's lines or
 * an escaping closure, whole; the steps that note a map put's expression, or what one of
 * the profile's lines does; the package and file of the first diagnostic of each package
 * and (package, file) pair. */
enum classify_keep classify_diag_filter_keeps(struct classify_diag_filter *f,
					      const struct gc_diag *d, const char *norm_file)
{
	char key[1024];
	const char *pkg = d->package ? d->package : "";
	int first = 0, seen;
	size_t i;

	if (!f->file_ok || strcmp(norm_file, f->file_norm)) {
		const char *base = path_base(norm_file);
		size_t nl = strlen(norm_file), bl = strlen(base);

		f->file_in = hmap_get(f->bases_of, base, bl < LINE_KEY_MAX ? bl : LINE_KEY_MAX) != NULL;
		f->file_ok = nl < sizeof(f->file_norm);
		if (f->file_ok)
			memcpy(f->file_norm, norm_file, nl + 1);
	}
	if (diag_is_closure(d))
		return CLASSIFY_KEEP;
	if (f->file_in) {
		join_line_key(key, sizeof(key), norm_file, d->line);
		if (hmap_get(f->lines_of, key, strlen(key)))
			return CLASSIFY_KEEP;
	}
	if (f->memo_ok && !strcmp(pkg, f->memo_pkg) && !strcmp(norm_file, f->memo_norm)) {
		seen = 1;
	} else {
		size_t pl = strlen(pkg), nl = strlen(norm_file);

		if (*pkg) {
			void **slot = hmap_put(&f->pkgs, pkg, strcspn(pkg, " "));

			if (!slot)
				return CLASSIFY_KEEP_NOMEM;
			if (!*slot)
				first = 1, *slot = (void *)1;
		}
		if ((seen = pair_seen(&f->pairs, pkg, pl + 1, norm_file, nl)) < 0)
			return CLASSIFY_KEEP_NOMEM;
		f->memo_ok = pl < sizeof(f->memo_pkg) && nl < sizeof(f->memo_norm);
		if (f->memo_ok) {
			memcpy(f->memo_pkg, pkg, pl + 1);
			memcpy(f->memo_norm, norm_file, nl + 1);
		}
	}
	for (i = 0; i < d->nsteps; i++)
		if (classify_diag_filter_step_matters(f, d, &d->steps[i]))
			return CLASSIFY_KEEP_NOTES;
	return !seen || first ? CLASSIFY_KEEP_HEAD : CLASSIFY_DROP;
}

/* Whether file[0..flen):line is one of the profile's lines. */
static int line_in(const struct classify_diag_filter *f, const char *file, size_t flen, unsigned line)
{
	char key[1024];

	line_key_n(key, sizeof(key), file, flen, line);
	return hmap_get(f->lines_of, key, strlen(key)) != NULL;
}

int classify_diag_filter_step_matters(const struct classify_diag_filter *f, const struct gc_diag *d,
				      const struct gc_step *s)
{
	int flag = classify_step_notes(d, s);

	if (!flag)
		return 0;
	/* a map put's expression counts wherever it is; a line's flags only at the profile's */
	if (flag == JOIN_NOTE_MAP_PUT && s->expr)
		return 1;
	return line_in(f, s->file, strlen(s->file), s->line);
}

static int span_is(const struct gc_step_view *v, struct gc_span sp, const char *lit)
{
	size_t n = strlen(lit);

	return sp.len == n && !memcmp(v->text + sp.off, lit, n);
}

static int span_starts(const struct gc_step_view *v, struct gc_span sp, const char *lit)
{
	size_t n = strlen(lit);

	return sp.len >= n && !memcmp(v->text + sp.off, lit, n);
}

/* Before its diagnostic is known, a step is kept when the diagnostic may be kept whole
 * (the block is at one of the profile's lines, or a closure's) or when it may matter as a
 * note (classify_diag_filter_step_matters, with the kind not yet known: a return step of
 * any append). */
int classify_diag_filter_wants_step(struct classify_diag_filter *f, const struct gc_step_view *v)
{
	char key[1024];
	struct gc_span why = v->sp->why;

	if (v->subject_len == 12 && !memcmp(v->subject, "func literal", 12))
		return 1;
	if (why.len && span_is(v, why, "key of map put") && v->sp->expr.len)
		return 1;	/* the expression, wherever it is */
	if (why.len && (span_is(v, why, "key of map put") || span_is(v, why, "appendee slice") ||
			span_is(v, why, "appended slice...") ||
			(span_is(v, why, "call parameter") && span_starts(v, v->sp->expr, "append(")) ||
			(span_is(v, why, "return") && v->subject_len >= 6 && !memcmp(v->subject, "append", 6))) &&
	    v->sp->file.len && line_in(f, v->text + v->sp->file.off, v->sp->file.len, v->sp->line))
		return 1;	/* a note at one of the profile's lines */
	if (v->line == f->last_line && v->file_len == f->last_len && f->last_len &&
	    !memcmp(v->file, f->last_file, v->file_len))
		return f->last_hit;
	line_key_n(key, sizeof(key), v->file, v->file_len, v->line);
	f->last_hit = hmap_get(f->lines_of, key, strlen(key)) != NULL;
	f->last_line = v->line;
	f->last_len = v->file_len <= sizeof(f->last_file) ? v->file_len : 0;
	memcpy(f->last_file, v->file, f->last_len);
	return f->last_hit;
}

struct classify_diag_filter *classify_diag_filter_fork(const struct classify_diag_filter *parent)
{
	struct classify_diag_filter *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	hmap_init(&f->lines);
	hmap_init(&f->bases);
	hmap_init(&f->pkgs);
	hmap_init(&f->pairs);
	f->lines_of = parent->lines_of;
	f->bases_of = parent->bases_of;
	return f;
}

void classify_diag_filter_free(struct classify_diag_filter *f)
{
	if (!f)
		return;
	hmap_release(&f->lines);
	hmap_release(&f->bases);
	hmap_release(&f->pkgs);
	hmap_release(&f->pairs);
	free(f);
}
