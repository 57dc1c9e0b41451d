/* blocks.c — the -m=2 explanation blocks of a text log and their pairing with summary
 * lines. A block waits, keyed by (file, line, col, subject), for the summary line that
 * names it; the summary is held one line so esc.go "from" lines and a parameter's later
 * leak lines can still join it. Storage is recycled (block pool, reused buffers): memory
 * is bounded by the blocks of one `# pkg`. */
#include "gclog/gclog_int.h"


#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NONE ((size_t)-1)

/* ---- stored records: -m=2 blocks and the held diagnostic ---- */

/* A stored step: strings are offsets into the owner's buffer (NONE32 = absent). Pending
 * blocks are most of the memory on a big log (a package's blocks can all wait for the end
 * of its analysis), so a step is kept small and its text, when it is the canonical
 * "flow: D = S:" / "from W (Y) at POS", is rebuilt from the pieces on delivery. */
#define NONE32 UINT32_MAX
struct sstep {
	uint32_t dst, src, why, expr, file, text;	/* text NONE32: rebuild */
	uint32_t line, col;
	int32_t derefs;
	uint8_t kind, arrow;
};

struct rec {
	struct buf s;			/* the strings, each NUL-terminated */
	struct sstep *steps;
	size_t nsteps, capsteps;
	enum rec_type type;
	enum gc_kind kind;		/* GCLOG_REC_DIAG */
	size_t file, subject, func, message, loc;	/* offsets into s, NONE if absent */
	size_t file_len, subject_len, loc_len;
	unsigned line, col;
	int derefs;			/* GCLOG_REC_H2: derefs of the header */
	uint64_t seq;
	uint64_t hash[GCLOG_NIX];	/* its hash in each index it is in */
	struct {
		struct rec *next, *prev;
	} ln[GCLOG_NIX];		/* its chain in each index */
	unsigned ixs;			/* bit k: in index k */
	int result;			/* GCLOG_REC_H2: leaks to a result */
	struct rec *prev, *next;	/* pending list (arrival order), pool or taken list */
};

static struct rec *rec_get(struct gc_log *p)
{
	struct rec *r = p->pool;

	if (r) {
		p->pool = r->next;
	} else {
		r = calloc(1, sizeof(*r));
		if (!r)
			return NULL;
		buf_init(&r->s);
	}
	buf_reset(&r->s);
	r->nsteps = 0;
	r->file = r->subject = r->func = r->message = r->loc = NONE;
	r->file_len = r->subject_len = r->loc_len = 0;
	r->line = r->col = 0;
	r->derefs = 0;
	r->prev = r->next = NULL;
	r->ixs = 0;
	return r;
}

static void rec_put(struct gc_log *p, struct rec *r)
{
	r->next = p->pool;
	p->pool = r;
}

void gclog_rec_destroy(struct rec *r)
{
	buf_release(&r->s);
	free(r->steps);
	free(r);
}

/* Appends s[0..n) and a NUL to r's strings; returns its offset or NONE. */
static size_t rec_str(struct rec *r, const char *s, size_t n)
{
	size_t off = r->s.len;

	if (buf_add(&r->s, s, n) || buf_addc(&r->s, '\0'))
		return NONE;
	return off;
}

static const char *rec_at(const struct rec *r, size_t off)
{
	return off == NONE ? NULL : r->s.data + off;
}

static uint32_t off32(size_t off)
{
	return off == NONE || off >= NONE32 ? NONE32 : (uint32_t)off;
}

static size_t utoa(char *out, unsigned v)
{
	char t[16];
	size_t n = 0, i = 0;

	do {
		t[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		out[i++] = t[--n];
	return i;
}

/* ":LINE[:COL]" as the compiler prints a position's tail */
static size_t pos_tail(char *out, unsigned line, unsigned col)
{
	size_t n = 0;

	out[n++] = ':';
	n += utoa(out + n, line);
	if (col) {
		out[n++] = ':';
		n += utoa(out + n, col);
	}
	return n;
}

static int adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

/* Writes the canonical text of step st of r to b. */
static int step_text(struct buf *b, const struct rec *r, const struct sstep *st)
{
	const char *s = r->s.data;
	char num[32];

	if (st->kind == GC_STEP_FLOW) {
		if (buf_add(b, "flow: ", 6) || adds(b, s + st->dst) ||
		    (st->arrow ? buf_add(b, " \xe2\x86\x90 ", 5) : buf_add(b, " = ", 3)))
			return -1;
		if (st->derefs < 0 && buf_addc(b, '&'))
			return -1;
		for (int32_t i = 0; i < st->derefs; i++)
			if (buf_addc(b, '*'))
				return -1;
		return adds(b, s + st->src) || buf_addc(b, ':');
	}
	if (buf_add(b, "from ", 5) || adds(b, s + st->expr) || buf_add(b, " (", 2) ||
	    adds(b, s + st->why) || buf_addc(b, ')'))
		return -1;
	if (st->file == NONE32)
		return 0;
	return buf_add(b, " at ", 4) || adds(b, s + st->file) ||
	       buf_add(b, num, pos_tail(num, st->line, st->col));
}

/* Whether the canonical text of the parsed step is exactly t[0..n). */
static int canonical(const char *t, size_t n, const struct gc_step_spans *sp)
{
	char num[32];
	size_t k, e;

	if (sp->kind == GC_STEP_FLOW)
		return n && t[n - 1] == ':' && sp->src.off + sp->src.len == n - 1;
	if (sp->kind != GC_STEP_FROM || !sp->why.len || sp->expr.off != 5 ||
	    sp->why.off != sp->expr.off + sp->expr.len + 2 || t[sp->why.off - 2] != ' ')
		return 0;
	e = sp->why.off + sp->why.len + 1;	/* after ')' */
	if (!sp->has_pos)
		return e == n;
	if (sp->file.off != e + 4)
		return 0;
	k = pos_tail(num, sp->line, sp->col);
	return sp->file.off + sp->file.len + k == n && memcmp(t + n - k, num, k) == 0;
}

/* Stores one explanation line in r. */
static int rec_add_step(struct rec *r, const char *text, size_t n, const struct gc_step_spans *sp)
{
	struct sstep *st;

	if (r->nsteps == r->capsteps) {
		size_t cap = r->capsteps ? r->capsteps * 2 : 8;
		struct sstep *ns = realloc(r->steps, cap * sizeof(*ns));

		if (!ns)
			return -1;
		r->steps = ns;
		r->capsteps = cap;
	}
	st = &r->steps[r->nsteps];
	memset(st, 0, sizeof(*st));
	st->kind = (uint8_t)sp->kind;
	st->arrow = (uint8_t)sp->arrow;
	st->derefs = sp->derefs;
	st->line = sp->line;
	st->col = sp->col;
	st->dst = st->src = st->why = st->expr = st->file = st->text = NONE32;
	if (sp->kind == GC_STEP_FLOW) {
		if ((st->dst = off32(rec_str(r, text + sp->dst.off, sp->dst.len))) == NONE32 ||
		    (st->src = off32(rec_str(r, text + sp->src.off, sp->src.len))) == NONE32)
			return -1;
	} else if (sp->kind == GC_STEP_FROM) {
		if ((st->expr = off32(rec_str(r, text + sp->expr.off, sp->expr.len))) == NONE32 ||
		    (st->why = off32(rec_str(r, text + sp->why.off, sp->why.len))) == NONE32)
			return -1;
		if (sp->has_pos) {
			/* most steps point into the block's own file: share its string */
			if (r->file != NONE && r->file_len == sp->file.len &&
			    memcmp(r->s.data + r->file, text + sp->file.off, sp->file.len) == 0)
				st->file = (uint32_t)r->file;
			else if ((st->file = off32(rec_str(r, text + sp->file.off, sp->file.len))) == NONE32)
				return -1;
		}
	}
	if (!canonical(text, n, sp) && (st->text = off32(rec_str(r, text, n))) == NONE32)
		return -1;
	r->nsteps++;
	return 0;
}

/* ---- pending blocks ---- */

/* Go 1.25+ prints the block of an append as "append(s, v) escapes to heap in F:" and its
 * summary as "append escapes to heap": both key as "append". */
static void norm_subject(const char **s, size_t *n)
{
	if (*n >= 7 && memcmp(*s, "append(", 7) == 0)
		*n = 6;
}

static uint64_t pos_hash(const char *file, size_t fl, unsigned line, unsigned col)
{
	unsigned lc[2] = { line, col };

	return gclog_fnv(gclog_fnv(0xcbf29ce484222325ULL, file, fl), lc, sizeof(lc));
}

static uint64_t subject_hash(uint64_t h, const char *s, size_t n)
{
	norm_subject(&s, &n);
	return gclog_fnv(h, s, n);
}

/* A block's key in GCLOG_IX_KEY: its position, its kind, its subject and, for a parameter
 * leaking to a result, that result (loc NULL otherwise). Every block a summary line takes
 * by its own words shares one key, so a take walks only what it takes. */
static uint64_t key_hash(const char *file, size_t fl, unsigned line, unsigned col, enum rec_type type,
			 const char *subj, size_t sl, const char *loc, size_t ll)
{
	unsigned char t = (unsigned char)type;
	uint64_t h = subject_hash(gclog_fnv(pos_hash(file, fl, line, col), &t, 1), subj, sl);

	return loc ? gclog_fnv(h, loc, ll) : h;
}

static int pos_eq(const struct rec *r, const char *file, size_t fl, unsigned line, unsigned col)
{
	return r->line == line && r->col == col && r->file_len == fl &&
	       memcmp(rec_at(r, r->file), file, fl) == 0;
}

static int subject_eq(const char *a, size_t an, const char *b, size_t bn)
{
	norm_subject(&a, &an);
	norm_subject(&b, &bn);
	return an == bn && memcmp(a, b, an) == 0;
}

/* Go 1.25+ rewrites an operand whose value is known into a literal after the -m=2
 * explanation was printed: block "make([]float32, blockSize) escapes to heap in F:",
 * summary "make([]float32, 256) escapes to heap"; block "x ...", summary "6 ...".
 * True when summary s is block b with one or more operands replaced by decimal literals. */
static int literal_variant(const char *b, size_t bn, const char *s, size_t sn)
{
	size_t i = 0, j = 0;
	int diff = 0;

	while (i < bn && j < sn) {
		size_t i0 = i, j0 = j;
		int depth = 0;

		if (b[i] == s[j]) {
			i++;
			j++;
			continue;
		}
		if ((j0 > 0 && gclog_is_ident(s[j0 - 1])) || (i0 > 0 && gclog_is_ident(b[i0 - 1])))
			return 0;
		while (j < sn && gclog_is_digit(s[j]))
			j++;
		if (j == j0 || (j < sn && (gclog_is_ident(s[j]) || s[j] == '.')))
			return 0;
		for (; i < bn; i++) {
			char c = b[i];

			if (depth == 0 && (c == ',' || c == ')' || c == ']' || c == '}' || c == ' '))
				break;
			if (c == '(' || c == '[')
				depth++;
			else if (c == ')' || c == ']')
				depth--;
		}
		if (i == i0)
			return 0;
		diff = 1;
	}
	return diff && i == bn && j == sn;
}

static int ix_grow(struct rec_index *x, int k)
{
	size_t nb = x->nbuckets ? x->nbuckets * 2 : 256;
	struct rec **t = calloc(nb, sizeof(*t));

	if (!t)
		return -1;
	for (size_t i = 0; i < x->nbuckets; i++) {
		struct rec *r = x->tab[i], *nx;

		for (; r; r = nx) {
			struct rec **b = &t[r->hash[k] & (nb - 1)];

			nx = r->ln[k].next;
			r->ln[k].prev = NULL;
			r->ln[k].next = *b;
			if (*b)
				(*b)->ln[k].prev = r;
			*b = r;
		}
	}
	free(x->tab);
	x->tab = t;
	x->nbuckets = nb;
	return 0;
}

static struct rec *ix_chain(const struct gc_log *p, int k, uint64_t h)
{
	const struct rec_index *x = &p->ix[k];

	return x->nbuckets ? x->tab[h & (x->nbuckets - 1)] : NULL;
}

static void ix_link(struct gc_log *p, int k, struct rec *r, uint64_t h)
{
	struct rec_index *x = &p->ix[k];
	struct rec **b = &x->tab[h & (x->nbuckets - 1)];

	r->hash[k] = h;
	r->ln[k].prev = NULL;
	r->ln[k].next = *b;
	if (*b)
		(*b)->ln[k].prev = r;
	*b = r;
	r->ixs |= 1u << k;
	x->n++;
}

static void ix_unlink(struct gc_log *p, int k, struct rec *r)
{
	struct rec_index *x = &p->ix[k];

	if (!(r->ixs & (1u << k)))
		return;
	if (r->ln[k].prev)
		r->ln[k].prev->ln[k].next = r->ln[k].next;
	else
		x->tab[r->hash[k] & (x->nbuckets - 1)] = r->ln[k].next;
	if (r->ln[k].next)
		r->ln[k].next->ln[k].prev = r->ln[k].prev;
	r->ln[k].prev = r->ln[k].next = NULL;
	r->ixs &= ~(1u << k);
	x->n--;
}

static int leaks_to_result(const struct rec *r)
{
	return gc_leak_kind(rec_at(r, r->loc), r->loc_len, 0) == GC_LEAKING_PARAM_TO_RESULT;
}

/* Indexes block r and appends it to the pending list. A block is in GCLOG_IX_KEY, and
 * also in GCLOG_IX_PARAM (a parameter's, by position and name) or GCLOG_IX_POS (an
 * "escapes to heap" one, by position alone). */
static int pending_add(struct gc_log *p, struct rec *r)
{
	const char *file = rec_at(r, r->file), *subj = rec_at(r, r->subject);
	int side = r->type == GCLOG_REC_H2 ? GCLOG_IX_PARAM : GCLOG_IX_POS;
	uint64_t hp = pos_hash(file, r->file_len, r->line, r->col);

	/* grow first, so that linking cannot fail half way */
	if ((p->ix[GCLOG_IX_KEY].n >= p->ix[GCLOG_IX_KEY].nbuckets && ix_grow(&p->ix[GCLOG_IX_KEY], GCLOG_IX_KEY)) ||
	    (p->ix[side].n >= p->ix[side].nbuckets && ix_grow(&p->ix[side], side)))
		return -1;
	r->ixs = 0;
	r->result = r->type == GCLOG_REC_H2 && leaks_to_result(r);
	ix_link(p, GCLOG_IX_KEY, r,
		key_hash(file, r->file_len, r->line, r->col, r->type, subj, r->subject_len,
			 r->result ? rec_at(r, r->loc) : NULL, r->loc_len));
	ix_link(p, side, r, side == GCLOG_IX_POS ? hp : subject_hash(hp, subj, r->subject_len));
	r->seq = p->seq++;
	r->prev = p->ptail;
	r->next = NULL;
	if (p->ptail)
		p->ptail->next = r;
	else
		p->phead = r;
	p->ptail = r;
	p->npending++;
	return 0;
}

static void pending_remove(struct gc_log *p, struct rec *r)
{
	for (int k = 0; k < GCLOG_NIX; k++)
		ix_unlink(p, k, r);
	if (r->prev)
		r->prev->next = r->next;
	else
		p->phead = r->next;
	if (r->next)
		r->next->prev = r->prev;
	else
		p->ptail = r->prev;
	r->prev = r->next = NULL;
	if (r == p->cur)	/* never keep filling a taken block */
		p->cur = NULL;
	p->npending--;
}

enum take_rule {
	TAKE_H1,		/* "X escapes to heap" */
	TAKE_ANY,		/* "moved to heap: X": its own block, and those of a moved param */
	TAKE_PARAM_HEAP,	/* "leaking param[ content]: p": blocks not leaking to a result */
	TAKE_PARAM_RESULT,	/* "leaking param: p to result R": blocks leaking to R */
	TAKE_PARAM_ALL,		/* the last leak line of p: whatever of p is left */
};

static int pick_add(struct gc_log *p, size_t *n, struct rec *r)
{
	if (*n == p->pickcap) {
		size_t cap = p->pickcap ? p->pickcap * 2 : 16;
		struct rec **np = realloc(p->pick, cap * sizeof(*np));

		if (!np)
			return -1;
		p->pick = np;
		p->pickcap = cap;
	}
	p->pick[(*n)++] = r;
	return 0;
}

/* the position and subject a take looks for */
struct want {
	const char *file, *subj;
	size_t fl, sl;
	unsigned line, col;
};

/* Picks the pending blocks of one key: type, and for a parameter's whether it leaks to a
 * result; loc, when given, must also equal the block's. */
static int pick_key(struct gc_log *p, size_t *n, const struct want *w, enum rec_type type, int result,
		    const char *loc, size_t ll)
{
	uint64_t h = key_hash(w->file, w->fl, w->line, w->col, type, w->subj, w->sl,
			      result ? loc : NULL, ll);

	for (struct rec *r = ix_chain(p, GCLOG_IX_KEY, h); r; r = r->ln[GCLOG_IX_KEY].next)
		if (r->hash[GCLOG_IX_KEY] == h && r->type == type && pos_eq(r, w->file, w->fl, w->line, w->col) &&
		    subject_eq(rec_at(r, r->subject), r->subject_len, w->subj, w->sl) &&
		    (type == GCLOG_REC_H1 ||
		     (r->result == result &&
		      (!loc || (r->loc_len == ll && memcmp(rec_at(r, r->loc), loc, ll) == 0)))) &&
		    pick_add(p, n, r))
			return -1;
	return 0;
}

/* Picks every pending block of parameter w->subj at w's position. */
static int pick_param(struct gc_log *p, size_t *n, const struct want *w)
{
	uint64_t h = subject_hash(pos_hash(w->file, w->fl, w->line, w->col), w->subj, w->sl);

	for (struct rec *r = ix_chain(p, GCLOG_IX_PARAM, h); r; r = r->ln[GCLOG_IX_PARAM].next)
		if (r->hash[GCLOG_IX_PARAM] == h && pos_eq(r, w->file, w->fl, w->line, w->col) &&
		    subject_eq(rec_at(r, r->subject), r->subject_len, w->subj, w->sl) && pick_add(p, n, r))
			return -1;
	return 0;
}

/* How many of the newest "escapes to heap" blocks of a position the literal-variant
 * fallback looks at. A real log has a handful at one position; the bound keeps a log made
 * of thousands of blocks at one position linear. */
#define VARIANT_LOOK 256

/* The oldest pending "escapes to heap" block at w's position that summary subject w->subj
 * is a literal variant of, among the newest VARIANT_LOOK there; NULL if none. */
static const struct rec *oldest_variant(const struct gc_log *p, const struct want *w)
{
	uint64_t h = pos_hash(w->file, w->fl, w->line, w->col);
	const struct rec *old = NULL;
	size_t look = 0;

	for (const struct rec *r = ix_chain(p, GCLOG_IX_POS, h); r && look < VARIANT_LOOK;
	     r = r->ln[GCLOG_IX_POS].next) {
		if (r->hash[GCLOG_IX_POS] != h || !pos_eq(r, w->file, w->fl, w->line, w->col))
			continue;
		look++;
		if (literal_variant(rec_at(r, r->subject), r->subject_len, w->subj, w->sl) &&
		    (!old || r->seq < old->seq))
			old = r;
	}
	return old;
}

static int by_seq(const void *a, const void *b)
{
	uint64_t x = (*(struct rec *const *)a)->seq, y = (*(struct rec *const *)b)->seq;

	return (x > y) - (x < y);
}

/* Moves the pending blocks with the key of d that fit rule to the taken list, in arrival
 * order. A "X escapes to heap" line of Go 1.25+ without a block of its own takes the
 * oldest block of its position that it is a literal variant of (and that block's twins). */
static int take_blocks(struct gc_log *p, const struct rec *d, enum take_rule rule,
		       const char *loc, size_t ll)
{
	struct want w = { .file = rec_at(d, d->file), .fl = d->file_len, .line = d->line, .col = d->col,
			  .subj = rec_at(d, d->subject), .sl = d->subject_len };
	size_t n = 0;
	int rc = 0;

	if (!p->npending || !w.subj)
		return 0;
	switch (rule) {
	case TAKE_H1:
		rc = pick_key(p, &n, &w, GCLOG_REC_H1, 0, NULL, 0);
		break;
	case TAKE_ANY:
		rc = pick_key(p, &n, &w, GCLOG_REC_H1, 0, NULL, 0) || pick_param(p, &n, &w);
		break;
	case TAKE_PARAM_HEAP:
		rc = pick_key(p, &n, &w, GCLOG_REC_H2, 0, NULL, 0);
		break;
	case TAKE_PARAM_RESULT:
		rc = pick_key(p, &n, &w, GCLOG_REC_H2,
			      gc_leak_kind(loc, ll, 0) == GC_LEAKING_PARAM_TO_RESULT, loc ? loc : "", ll);
		break;
	case TAKE_PARAM_ALL:
		rc = pick_param(p, &n, &w);
		break;
	}
	if (rc)
		return -1;
	if (!n && rule == TAKE_H1 && (p->vflags & GCLOG_V_GE125)) {
		const struct rec *old = oldest_variant(p, &w);

		if (old) {
			w.subj = rec_at(old, old->subject);
			w.sl = old->subject_len;
			if (pick_key(p, &n, &w, GCLOG_REC_H1, 0, NULL, 0))
				return -1;
		}
	}
	/* a chain holds its newest first, and a take may pick from two */
	if (n > 1)
		qsort(p->pick, n, sizeof(*p->pick), by_seq);
	for (size_t i = 0; i < n; i++) {
		struct rec *r = p->pick[i];

		pending_remove(p, r);
		if (p->taken_tail)
			p->taken_tail->next = r;
		else
			p->taken = r;
		p->taken_tail = r;
	}
	return 0;
}

/* ---- delivery ---- */

static int steps_reserve(struct gc_log *p, size_t n)
{
	if (n <= p->sccap)
		return 0;
	size_t cap = p->sccap ? p->sccap : 64;

	while (cap < n)
		cap *= 2;
	struct gc_step *ns = realloc(p->sc, cap * sizeof(*ns));

	if (!ns)
		return -1;
	p->sc = ns;
	size_t *nt = realloc(p->toff, cap * sizeof(*nt));

	if (!nt)
		return -1;
	p->toff = nt;
	p->sccap = cap;
	return 0;
}

static const char *at32(const struct rec *r, uint32_t off)
{
	return off == NONE32 ? NULL : r->s.data + off;
}

/* Fills p->sc[base...] from r; rebuilt texts go to p->tb, their offsets to p->toff (pointers are
 * set once tb stops moving). */
static int steps_fill(struct gc_log *p, size_t base, const struct rec *r)
{
	for (size_t i = 0; i < r->nsteps; i++) {
		const struct sstep *s = &r->steps[i];

		p->sc[base + i] = (struct gc_step){
			.kind = (enum gc_step_kind)s->kind, .dst = at32(r, s->dst), .src = at32(r, s->src),
			.derefs = s->derefs, .why = at32(r, s->why), .expr = at32(r, s->expr),
			.file = at32(r, s->file), .line = s->line, .col = s->col,
			.text = at32(r, s->text),
		};
		p->toff[base + i] = NONE;
		if (s->text == NONE32) {
			p->toff[base + i] = p->tb.len;
			if (step_text(&p->tb, r, s) || buf_addc(&p->tb, '\0'))
				return -1;
		}
	}
	return 0;
}

/* Delivers d with the steps of the taken blocks then its own; recycles them all. */
static int deliver(struct gc_log *p, struct rec *d, gc_diag_fn fn, void *ctx, struct err *e)
{
	struct gc_diag g;
	size_t n = d->nsteps;
	const char *func = rec_at(d, d->func);
	int rc;

	for (struct rec *r = p->taken; r; r = r->next) {
		n += r->nsteps;
		if (!func)
			func = rec_at(r, r->func);
	}
	if (steps_reserve(p, n))
		return gclog_oom(p->name, e);
	n = 0;
	buf_reset(&p->tb);
	for (struct rec *r = p->taken; r; r = r->next) {
		if (steps_fill(p, n, r))
			return gclog_oom(p->name, e);
		n += r->nsteps;
	}
	if (steps_fill(p, n, d))
		return gclog_oom(p->name, e);
	n += d->nsteps;
	for (size_t i = 0; i < n; i++)
		if (p->toff[i] != NONE)
			p->sc[i].text = p->tb.data + p->toff[i];
	g = (struct gc_diag){
		.package = p->has_pkg ? p->pkg.data : NULL, .file = rec_at(d, d->file),
		.line = d->line, .col = d->col, .kind = d->kind,
		.subject = rec_at(d, d->subject), .func = func, .message = rec_at(d, d->message),
		.steps = n ? p->sc : NULL, .nsteps = n,
	};
	p->diags++;
	rc = fn(ctx, &g);
	while (p->taken) {
		struct rec *r = p->taken;

		p->taken = r->next;
		rec_put(p, r);
	}
	p->taken_tail = NULL;
	return rc;
}

/* Delivers the held line. same_param: the next line is another leak line of the same
 * parameter, which gets the blocks of it still pending; otherwise they go with this one. */
int gclog_flush_held(struct gc_log *p, int same_param, gc_diag_fn fn, void *ctx, struct err *e)
{
	struct rec *d = p->held;
	int rc;

	if (!d)
		return 0;
	if (p->held_param && !same_param && take_blocks(p, d, TAKE_PARAM_ALL, NULL, 0))
		return gclog_oom(p->name, e);
	p->held = NULL;
	rc = deliver(p, d, fn, ctx, e);
	rec_put(p, d);
	return rc;
}

/* Delivers the blocks no summary claimed, merged per key, in arrival order. */
int gclog_flush_pending(struct gc_log *p, gc_diag_fn fn, void *ctx, struct err *e)
{
	int rc;

	p->cur = NULL;
	while (p->phead) {
		struct rec *r = p->phead, *d = rec_get(p);

		if (!d)
			return gclog_oom(p->name, e);
		d->type = GCLOG_REC_DIAG;
		d->kind = r->type == GCLOG_REC_H1 ? GC_ESCAPES : gc_leak_kind(rec_at(r, r->loc), r->loc_len, r->derefs);
		d->line = r->line;
		d->col = r->col;
		d->file_len = r->file_len;
		d->subject_len = r->subject_len;
		if ((d->file = rec_str(d, rec_at(r, r->file), r->file_len)) == NONE ||
		    (d->subject = rec_str(d, rec_at(r, r->subject), r->subject_len)) == NONE ||
		    (r->message != NONE &&
		     (d->message = rec_str(d, rec_at(r, r->message), strlen(rec_at(r, r->message)))) == NONE)) {
			rec_put(p, d);
			return gclog_oom(p->name, e);
		}
		if (take_blocks(p, d, r->type == GCLOG_REC_H1 ? TAKE_H1 : TAKE_PARAM_ALL, NULL, 0)) {
			rec_put(p, d);
			return gclog_oom(p->name, e);
		}
		rc = deliver(p, d, fn, ctx, e);
		rec_put(p, d);
		if (rc)
			return rc;
	}
	return 0;
}


/* The open block is complete. When many wait (a package whose whole analysis is one batch:
 * go/types holds ~70k blocks until its end), give back the slack of its buffers; otherwise
 * keep it, so that recycled blocks need no allocation. */
static void close_block(struct gc_log *p)
{
	struct rec *r = p->cur;

	p->cur = NULL;
	if (!r || p->npending < 256)
		return;
	if (r->s.cap > r->s.len + 1 + r->s.len / 4 + 64) {
		char *d = realloc(r->s.data, r->s.len + 1);

		if (d) {
			r->s.data = d;
			r->s.cap = r->s.len + 1;
		}
	}
	if (r->nsteps && r->capsteps > r->nsteps + r->nsteps / 4 + 4) {
		struct sstep *st = realloc(r->steps, r->nsteps * sizeof(*st));

		if (st) {
			r->steps = st;
			r->capsteps = r->nsteps;
		}
	}
}

/* An indented explanation line "pos:   flow: ...", "pos:     from ...", "pos:   warning: ...";
 * also esc.go's "pos: \tfrom ..." and "pos:        from ..." after a summary line. */
int gclog_step_line(struct gc_log *p, const struct pos *ps, const char *t, size_t n, int legacy, struct err *e)
{
	struct gc_step_spans sp;
	struct rec *r = NULL;

	if (gc_step_split(t, n, &sp)) {
		p->skipped++;
		return 0;
	}
	if (p->cur && p->cur->line == ps->line && p->cur->col == ps->col &&
	    p->cur->file_len == ps->file_len && memcmp(rec_at(p->cur, p->cur->file), ps->file, ps->file_len) == 0)
		r = p->cur;
	else if (!p->cur && p->held && sp.kind == GC_STEP_FROM && p->held->line == ps->line &&
		 p->held->col == ps->col && p->held->file_len == ps->file_len &&
		 memcmp(rec_at(p->held, p->held->file), ps->file, ps->file_len) == 0) {
		r = p->held;
		if (legacy)
			p->vflags |= GCLOG_V_LE112;
	}
	if (!r) {
		p->skipped++;
		return 0;
	}
	if (sp.kind == GC_STEP_FLOW)
		p->vflags |= sp.arrow ? GCLOG_V_GE125 : GCLOG_V_R14_24;
	else if (sp.kind == GC_STEP_FROM && sp.why.len == 17 && memcmp(t + sp.why.off, "non-constant size", 17) == 0)
		p->vflags |= GCLOG_V_R14_24;
	else if (sp.kind == GC_STEP_FROM && sp.why.len == 18 && memcmp(t + sp.why.off, "zero-sized element", 18) == 0)
		p->vflags |= GCLOG_V_GE125;
	if (!(p->vflags & GCLOG_V_LE119) && gclog_old_names(t, n))
		p->vflags |= GCLOG_V_LE119;
	if (p->counting)
		return 0;
	if (p->keep_step) {
		struct gc_step_view v = {rec_at(r, r->file), r->file_len, r->line,
					 r->subject != NONE ? rec_at(r, r->subject) : "",
					 r->subject != NONE ? r->subject_len : 0, t, n, &sp};

		if (!p->keep_step(p->keep_ctx, &v))
			return 0;
	}
	if (rec_add_step(r, t, n, &sp))
		return gclog_oom(p->name, e);
	return 0;
}

static int fill_rec(struct rec *r, const struct pos *ps, const struct ldiag *ld, const char *m, size_t n)
{
	r->line = ps->line;
	r->col = ps->col;
	r->file_len = ps->file_len;
	r->subject_len = ld->subj_len;
	r->loc_len = ld->loc_len;
	r->derefs = ld->derefs;
	if ((r->file = rec_str(r, ps->file, ps->file_len)) == NONE ||
	    (r->message = rec_str(r, m, n)) == NONE ||
	    (ld->subj && (r->subject = rec_str(r, ld->subj, ld->subj_len)) == NONE) ||
	    (ld->func && (r->func = rec_str(r, ld->func, ld->func_len)) == NONE) ||
	    (ld->loc && (r->loc = rec_str(r, ld->loc, ld->loc_len)) == NONE))
		return -1;
	return 0;
}

int gclog_diag_line(struct gc_log *p, const struct pos *ps, const char *m, size_t n,
		    gc_diag_fn fn, void *ctx, struct err *e)
{
	struct ldiag ld;
	struct rec *r;
	int rc, param;

	close_block(p);
	gclog_classify(p, ps, m, n, &ld);
	if (ld.decl && gclog_decl_add(p, ps->file, ps->file_len, ps->line,
				ld.kind == GC_INLINE || ld.kind == GC_CANNOT_INLINE ? ps->col : 0))
		return gclog_oom(p->name, e);
	if (ld.subj && (ld.header == GCLOG_REC_H1 + 1 || ld.kind == GC_ESCAPES || ld.kind == GC_DOES_NOT_ESCAPE ||
			ld.kind == GC_MOVED_TO_HEAP)) {
		if (!(p->vflags & GCLOG_V_LE119) && gclog_old_names(ld.subj, ld.subj_len))
			p->vflags |= GCLOG_V_LE119;
		if (!(p->vflags & GCLOG_V_LE115) && gclog_old_literal(ld.subj, ld.subj_len))
			p->vflags |= GCLOG_V_LE115;
	}
	param = !ld.header && (ld.kind == GC_LEAKING_PARAM || ld.kind == GC_LEAKING_PARAM_CONTENT ||
			       ld.kind == GC_LEAKING_PARAM_TO_RESULT);
	if (p->held) {
		int same = param && p->held_param && p->held->line == ps->line &&
			   p->held->col == ps->col && p->held->file_len == ps->file_len &&
			   memcmp(rec_at(p->held, p->held->file), ps->file, ps->file_len) == 0 &&
			   p->held->subject_len == ld.subj_len &&
			   memcmp(rec_at(p->held, p->held->subject), ld.subj, ld.subj_len) == 0;

		if ((rc = gclog_flush_held(p, same, fn, ctx, e)))
			return rc;
	}
	if (!(r = rec_get(p)))
		return gclog_oom(p->name, e);
	if (fill_rec(r, ps, &ld, m, n)) {
		rec_put(p, r);
		return gclog_oom(p->name, e);
	}
	if (ld.header) {
		r->type = ld.header - 1;
		if (pending_add(p, r)) {
			rec_put(p, r);
			return gclog_oom(p->name, e);
		}
		p->cur = r;
		p->blocks++;
		return 0;
	}
	r->type = GCLOG_REC_DIAG;
	r->kind = ld.kind;
	p->held = r;
	p->held_param = param;
	switch (ld.kind) {
	case GC_MOVED_TO_HEAP:
		rc = take_blocks(p, r, TAKE_ANY, NULL, 0);
		break;
	case GC_ESCAPES:
	case GC_APPEND_ESCAPES:
		rc = take_blocks(p, r, TAKE_H1, NULL, 0);
		break;
	case GC_LEAKING_PARAM:
	case GC_LEAKING_PARAM_CONTENT:
		rc = take_blocks(p, r, TAKE_PARAM_HEAP, NULL, 0);
		break;
	case GC_LEAKING_PARAM_TO_RESULT:
		rc = take_blocks(p, r, TAKE_PARAM_RESULT, rec_at(r, r->loc), r->loc_len);
		break;
	default:
		rc = 0;
	}
	return rc ? gclog_oom(p->name, e) : 0;
}

void gclog_free_list(struct rec *r)
{
	while (r) {
		struct rec *nx = r->next;

		gclog_rec_destroy(r);
		r = nx;
	}
}

