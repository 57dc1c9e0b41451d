/* gclog_collect.h — what the gclog and gcjson suites share: a collector that copies every
 * diagnostic the parsers deliver (freed by coll_free), text and JSON parses into it,
 * lookups, the iconv(3) transcoder the oracles use, and the comparison of a JSON tree with
 * its text twin. Everything is static inline: each suite uses a part. */
#ifndef ESC_TESTS_GCLOG_COLLECT_H
#define ESC_TESTS_GCLOG_COLLECT_H

#include <criterion/criterion.h>
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gclog/gclog.h"
#include "tests/testutil.h"

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

static inline char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static inline int collect(void *ctx, const struct gc_diag *d)
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

static inline void coll_free(struct coll *c)
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

static inline int str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static inline int parse_text(const char *path, struct coll *c, struct gc_stats *st, struct err *e)
{
	memset(c, 0, sizeof(*c));
	err_clear(e);
	return gc_parse_log_file(path, collect, c, st, e);
}

static inline const struct cdiag *find_diag(const struct coll *c, unsigned line, unsigned col,
					    enum gc_kind kind, const char *subject)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].line == line && c->v[i].col == col && c->v[i].kind == kind &&
		    str_eq(c->v[i].subject, subject))
			return &c->v[i];
	return NULL;
}

static inline size_t count_kind(const struct coll *c, enum gc_kind k)
{
	size_t n = 0;

	for (size_t i = 0; i < c->n; i++)
		n += c->v[i].kind == k;
	return n;
}

static inline const char *shared_path(const char *rel)
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

static inline void expect_step(const struct cstep *s, enum gc_step_kind kind, const char *dst, const char *src,
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

static inline void write_tmp(const char *name, const void *data, size_t len, char *path, size_t cap)
{
	snprintf(path, cap, "%s/%s", t_tmpdir(), name);
	t_write(path, data, len);
}

static inline void iconv_buf(struct buf *out, const char *from, const char *to, const char *in, size_t n)
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

/* ---- JSON (-json=0,DIR) against text ---- */

static inline int parse_json(const char *dir, struct coll *c, struct gc_stats *st, struct err *e)
{
	memset(c, 0, sizeof(*c));
	err_clear(e);
	return gc_parse_json_dir(dir, collect, c, st, e);
}

static inline int is_shared_kind(enum gc_kind k)
{
	return k == GC_MOVED_TO_HEAP || k == GC_ESCAPES || k == GC_LEAKING_PARAM ||
	       k == GC_LEAKING_PARAM_CONTENT || k == GC_LEAKING_PARAM_TO_RESULT || k == GC_INLINE ||
	       k == GC_CANNOT_INLINE || k == GC_APPEND_ESCAPES;
}

static inline int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "basename:line:col:kind" of the kinds text and JSON both carry, sorted and distinct
 * (text "inline" only from "can inline"; JSON has no "inlining call to"). skip: a
 * basename left out (NULL: none). */
static inline size_t key_set(const struct coll *c, int text, const char *skip, char ***out)
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

static inline void free_set(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static inline void expect_same_sets(const char *textlog, const char *jsondir, const char *skip)
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

#endif
