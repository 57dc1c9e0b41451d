/* gclog.c — one-pass parser of Go escape-analysis text logs (-m, -m=2, -m=3, esc.go era).
 * Input is decoded (UTF-8/UTF-16 BOMs, CRLF) and cut into lines without copying; each
 * line is scanned by hand (memchr/memcmp, no regex). -m=2 blocks wait, keyed by (file,
 * line, col, subject), for the summary line that names them; the summary is held one line
 * so esc.go "from" lines and a parameter's later leak lines can still join it. Storage is
 * recycled (block pool, reused buffers): memory is bounded by the blocks of one `# pkg`. */
#include "gclog/gclog.h"

#include "common/buf.h"
#include "common/wrap.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NONE ((size_t)-1)
#define DEFAULT_MAX_LINE ((size_t)1 << 20)
#define READ_CHUNK ((size_t)64 << 10)

static const char *const kind_names[GC_KIND_COUNT] = {
	"moved_to_heap", "escapes", "does_not_escape", "leaking_param",
	"leaking_param_content", "leaking_param_to_result", "param_does_not_escape",
	"append_escapes", "inline", "cannot_inline", "devirtualized", "other",
};

const char *gc_kind_name(enum gc_kind k)
{
	if ((unsigned)k >= GC_KIND_COUNT)
		return NULL;
	return kind_names[k];
}

int gc_kind_parse(const char *name, enum gc_kind *k)
{
	unsigned i;

	for (i = 0; name && i < GC_KIND_COUNT; i++)
		if (!strcmp(kind_names[i], name)) {
			*k = (enum gc_kind)i;
			return 0;
		}
	return -1;
}

static const char *const step_kind_names[GC_STEP_KIND_COUNT] = {"flow", "from", "warning"};

const char *gc_step_kind_name(enum gc_step_kind k)
{
	if ((unsigned)k >= GC_STEP_KIND_COUNT)
		return NULL;
	return step_kind_names[k];
}

int gc_step_kind_parse(const char *name, enum gc_step_kind *k)
{
	unsigned i;

	for (i = 0; name && i < GC_STEP_KIND_COUNT; i++)
		if (!strcmp(step_kind_names[i], name)) {
			*k = (enum gc_step_kind)i;
			return 0;
		}
	return -1;
}

/* ---- small string helpers on (pointer, length) slices ---- */

#define LIT(s) s, (sizeof(s) - 1)

static int starts(const char *s, size_t n, const char *lit, size_t ln)
{
	return n >= ln && memcmp(s, lit, ln) == 0;
}

static int ends(const char *s, size_t n, const char *lit, size_t ln)
{
	return n >= ln && memcmp(s + n - ln, lit, ln) == 0;
}

static const char *find(const char *s, size_t n, const char *lit, size_t ln)
{
	return memmem(s, n, lit, ln);
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* letters, digits, '_' and any byte of a multi-byte UTF-8 sequence (Go identifiers) */
static int is_ident(char c)
{
	unsigned char u = (unsigned char)c;

	return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || is_digit(c) || u == '_' ||
	       u >= 0x80;
}

/* Index of the first byte of s that is `stop` at bracket depth 0 ((), [], {}), or n. */
static size_t scan_depth0(const char *s, size_t n, const char *stop, size_t sl)
{
	int depth = 0;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c == '(' || c == '[' || c == '{')
			depth++;
		else if ((c == ')' || c == ']' || c == '}') && depth > 0)
			depth--;
		else if (depth == 0 && c == stop[0] && n - i >= sl && memcmp(s + i, stop, sl) == 0)
			return i;
	}
	return n;
}

/* Length of a LOC printed by explainLoc at the start of s: "{...}" (braces balanced) or a
 * name up to the first space. */
static size_t loc_len(const char *s, size_t n)
{
	if (n && s[0] == '{') {
		int depth = 0;

		for (size_t i = 0; i < n; i++) {
			if (s[i] == '{')
				depth++;
			else if (s[i] == '}' && --depth == 0)
				return i + 1;
		}
		return n;
	}
	const char *sp = memchr(s, ' ', n);

	return sp ? (size_t)(sp - s) : n;
}

/* Parses an unsigned decimal of at most 9 digits at s[*i]; advances *i. */
static int parse_uint(const char *s, size_t n, size_t *i, unsigned *out)
{
	size_t j = *i;
	unsigned v = 0;

	while (j < n && is_digit(s[j]) && j - *i < 9)
		v = v * 10 + (unsigned)(s[j++] - '0');
	if (j == *i || (j < n && is_digit(s[j])))
		return -1;
	*out = v;
	*i = j;
	return 0;
}

/* A parameter or variable name: "p", "héllo", "~p0", ".this", "_" (no dots, no spaces). */
static int is_plain_name(const char *s, size_t n)
{
	size_t i = 0;

	if (n && (s[0] == '~' || s[0] == '.'))
		i = 1;
	if (i >= n || is_digit(s[i]))
		return 0;
	for (; i < n; i++)
		if (!is_ident(s[i]))
			return 0;
	return 1;
}

enum gc_kind gc_leak_kind(const char *loc, size_t len, int derefs)
{
	if (len && loc[0] != '{')
		return GC_LEAKING_PARAM_TO_RESULT;
	return derefs <= 0 ? GC_LEAKING_PARAM : GC_LEAKING_PARAM_CONTENT;
}

/* Parses "FILE:LINE[:COL]" that ends s (the " at POS" of a from line). */
static int parse_pos_tail(const char *s, size_t n, struct gc_span *file, unsigned *line,
			  unsigned *col)
{
	size_t i = n, j;
	unsigned a, b;

	while (i > 0 && is_digit(s[i - 1]))
		i--;
	if (i == n || i == 0 || s[i - 1] != ':')
		return -1;
	j = i;
	if (parse_uint(s, n, &j, &a) || j != n)
		return -1;
	i--;			/* the ':' before the last number */
	size_t k = i;

	while (k > 0 && is_digit(s[k - 1]))
		k--;
	if (k < i && k > 0 && s[k - 1] == ':') {
		j = k;
		if (parse_uint(s, i, &j, &b) == 0 && j == i) {
			*line = b;
			*col = a;
			file->off = 0;
			file->len = k - 1;
			return file->len ? 0 : -1;
		}
	}
	*line = a;
	*col = 0;
	file->off = 0;
	file->len = i;
	return file->len ? 0 : -1;
}

int gc_step_split(const char *s, size_t n, struct gc_step_spans *out)
{
	memset(out, 0, sizeof(*out));
	if (starts(s, n, LIT("flow: "))) {
		size_t off = 6, dl, sep;

		out->kind = GC_STEP_FLOW;
		if (n > off && s[n - 1] == ':')
			n--;
		dl = loc_len(s + off, n - off);
		sep = off + dl;
		out->dst.off = off;
		out->dst.len = dl;
		if (starts(s + sep, n - sep, LIT(" = "))) {
			sep += 3;
		} else if (starts(s + sep, n - sep, LIT(" \xe2\x86\x90 "))) {
			sep += 5;
			out->arrow = 1;
		} else {
			return -1;
		}
		if (sep < n && s[sep] == '&') {
			out->derefs = -1;
			sep++;
		} else {
			while (sep < n && s[sep] == '*') {
				out->derefs++;
				sep++;
			}
		}
		out->src.off = sep;
		out->src.len = n - sep;
		return dl ? 0 : -1;
	}
	if (starts(s, n, LIT("from "))) {
		size_t off = 5, end = n, rp, lp;

		out->kind = GC_STEP_FROM;
		/* WHERE can hold parentheses and " at ": anchor on the last ") at " */
		for (size_t i = n; i-- > off;) {
			if (s[i] == ')' && starts(s + i, n - i, LIT(") at "))) {
				struct gc_span f;

				if (parse_pos_tail(s + i + 5, n - i - 5, &f, &out->line, &out->col) == 0) {
					out->file.off = i + 5;
					out->file.len = f.len;
					out->has_pos = 1;
					end = i + 1;
					break;
				}
			}
		}
		if (end <= off || s[end - 1] != ')') {
			out->expr.off = off;
			out->expr.len = n - off;
			return 0;
		}
		rp = end - 1;
		lp = rp;
		while (lp > off && s[lp] != '(')
			lp--;
		if (s[lp] != '(') {
			out->expr.off = off;
			out->expr.len = end - off;
			return 0;
		}
		out->why.off = lp + 1;
		out->why.len = rp - lp - 1;
		out->expr.off = off;
		out->expr.len = lp - off;
		if (out->expr.len && s[lp - 1] == ' ')
			out->expr.len--;
		return 0;
	}
	if (starts(s, n, LIT("warning: "))) {
		out->kind = GC_STEP_WARNING;
		return 0;
	}
	return -1;
}

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

enum rec_type { REC_H1, REC_H2, REC_DIAG };

struct rec {
	struct buf s;			/* the strings, each NUL-terminated */
	struct sstep *steps;
	size_t nsteps, capsteps;
	enum rec_type type;
	enum gc_kind kind;		/* REC_DIAG */
	size_t file, subject, func, message, loc;	/* offsets into s, NONE if absent */
	size_t file_len, subject_len, loc_len;
	unsigned line, col;
	int derefs;			/* REC_H2: derefs of the header */
	uint64_t hash, seq;
	struct rec *hnext;		/* hash chain of pending blocks */
	struct rec *prev, *next;	/* pending list (arrival order), pool or taken list */
};

struct decl {			/* a line that declares a function, seen in this # pkg section */
	uint64_t key;
	uint32_t gen;
	unsigned col;
};

enum {
	V_GE125 = 1 << 0, V_R14_24 = 1 << 1, V_GE122 = 1 << 2,
	V_LE119 = 1 << 3, V_LE115 = 1 << 4, V_LE112 = 1 << 5,
};

enum enc { ENC_UTF8, ENC_UTF16LE, ENC_UTF16BE };

struct gc_log {
	char *name;
	size_t max_line;
	int counting;			/* deliver without steps (parsed, not kept) */
	int status;			/* sticky first non-zero result */

	int started;			/* encoding decided */
	enum enc enc;
	unsigned char head[3];
	size_t nhead;
	int odd, has_odd;		/* UTF-16: a byte waiting for its pair */
	unsigned hi;			/* UTF-16: a pending high surrogate, 0 if none */
	struct buf u8;			/* transcoded chunk */
	struct buf carry;		/* an unterminated line */
	int wrap;			/* PowerShell-wrapped lines are rejoined */
	struct buf join;		/* the positioned line a continuation may follow */

	struct buf pkg;
	int has_pkg;
	int in_raw;			/* inside a raw string of a `can inline ... as:` body */
	struct rec *cur;		/* the -m=2 block receiving flow/from lines */
	struct rec *held;		/* the last summary line, not delivered yet */
	int held_param;			/* it is a "leaking param" line */
	struct rec *taken, *taken_tail;	/* blocks that go with the held line */

	/* not common/hmap: a multimap of intrusive chains, unlinked as blocks are taken */
	struct rec **tab;		/* pending blocks by key */
	size_t nbuckets, npending;
	struct rec *phead, *ptail;
	struct rec *pool;
	uint64_t seq;

	/* not common/hmap: emptied at each "# pkg" in O(1) by bumping gen, no key copies */
	struct decl *decl;
	size_t decl_cap, ndecl;
	uint32_t gen;

	struct gc_step *sc;		/* steps of the diagnostic being delivered */
	size_t *toff;			/* offsets of their rebuilt texts in tb */
	size_t sccap;
	struct buf tb;			/* rebuilt step texts */
	struct rec **pick;		/* blocks matching a key */
	size_t pickcap;

	size_t lines, diags, skipped, blocks;
	unsigned vflags;
};

static int oom(const char *name, struct err *e)
{
	return err_set(e, ESC_ENOMEM, "'%s': out of memory", name);
}

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
	r->hnext = r->prev = r->next = NULL;
	return r;
}

static void rec_put(struct gc_log *p, struct rec *r)
{
	r->next = p->pool;
	p->pool = r;
}

static void rec_destroy(struct rec *r)
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

/* ---- pending blocks, keyed by (file, line, col, subject) ---- */

/* Go 1.25+ prints the block of an append as "append(s, v) escapes to heap in F:" and its
 * summary as "append escapes to heap": both key as "append". */
static void norm_subject(const char **s, size_t *n)
{
	if (*n >= 7 && memcmp(*s, "append(", 7) == 0)
		*n = 6;
}

ESC_WRAPS static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n; i++) {
		h ^= c[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* Pending blocks are hashed by position only: a chain holds every block of a position,
 * so a summary whose expression the compiler rewrote can still find its block. */
static uint64_t key_hash(const char *file, size_t fl, unsigned line, unsigned col)
{
	unsigned lc[2] = { line, col };

	return fnv(fnv(0xcbf29ce484222325ULL, file, fl), lc, sizeof(lc));
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
		if ((j0 > 0 && is_ident(s[j0 - 1])) || (i0 > 0 && is_ident(b[i0 - 1])))
			return 0;
		while (j < sn && is_digit(s[j]))
			j++;
		if (j == j0 || (j < sn && (is_ident(s[j]) || s[j] == '.')))
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

static int tab_grow(struct gc_log *p)
{
	size_t nb = p->nbuckets ? p->nbuckets * 2 : 256;
	struct rec **t = calloc(nb, sizeof(*t));

	if (!t)
		return -1;
	for (size_t i = 0; i < p->nbuckets; i++) {
		struct rec *r = p->tab[i], *nx;

		for (; r; r = nx) {
			nx = r->hnext;
			r->hnext = t[r->hash & (nb - 1)];
			t[r->hash & (nb - 1)] = r;
		}
	}
	free(p->tab);
	p->tab = t;
	p->nbuckets = nb;
	return 0;
}

static int pending_add(struct gc_log *p, struct rec *r)
{
	struct rec **b;

	if (p->npending >= p->nbuckets && tab_grow(p))
		return -1;
	r->hash = key_hash(rec_at(r, r->file), r->file_len, r->line, r->col);
	r->seq = p->seq++;
	b = &p->tab[r->hash & (p->nbuckets - 1)];
	r->hnext = *b;
	*b = r;
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
	struct rec **pp = &p->tab[r->hash & (p->nbuckets - 1)];

	while (*pp && *pp != r)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = r->hnext;
	if (r->prev)
		r->prev->next = r->next;
	else
		p->phead = r->next;
	if (r->next)
		r->next->prev = r->prev;
	else
		p->ptail = r->prev;
	r->hnext = r->prev = r->next = NULL;
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

static int take_matches(const struct rec *r, enum take_rule rule, const char *loc, size_t ll)
{
	switch (rule) {
	case TAKE_H1:
		return r->type == REC_H1;
	case TAKE_ANY:
		return 1;
	case TAKE_PARAM_HEAP:
		return r->type == REC_H2 &&
		       gc_leak_kind(rec_at(r, r->loc), r->loc_len, 0) != GC_LEAKING_PARAM_TO_RESULT;
	case TAKE_PARAM_RESULT:
		return r->type == REC_H2 && r->loc_len == ll && memcmp(rec_at(r, r->loc), loc, ll) == 0;
	case TAKE_PARAM_ALL:
		return r->type == REC_H2;
	}
	return 0;
}

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

/* Moves the pending blocks with the key of d that fit rule to the taken list, in arrival
 * order. A "X escapes to heap" line of Go 1.25+ without a block of its own takes the
 * oldest block of its position that it is a literal variant of (and that block's twins). */
static int take_blocks(struct gc_log *p, const struct rec *d, enum take_rule rule,
		       const char *loc, size_t ll)
{
	const char *file = rec_at(d, d->file), *subj = rec_at(d, d->subject);
	size_t sl = d->subject_len, n = 0;
	struct rec *chain, *old = NULL;
	uint64_t h;

	if (!p->npending || !subj)
		return 0;
	h = key_hash(file, d->file_len, d->line, d->col);
	chain = p->tab[h & (p->nbuckets - 1)];
	for (struct rec *r = chain; r; r = r->hnext)
		if (r->hash == h && pos_eq(r, file, d->file_len, d->line, d->col) &&
		    subject_eq(rec_at(r, r->subject), r->subject_len, subj, sl) &&
		    take_matches(r, rule, loc, ll) && pick_add(p, &n, r))
			return -1;
	if (!n && rule == TAKE_H1 && (p->vflags & V_GE125)) {
		for (struct rec *r = chain; r; r = r->hnext)
			if (r->hash == h && r->type == REC_H1 && pos_eq(r, file, d->file_len, d->line, d->col) &&
			    literal_variant(rec_at(r, r->subject), r->subject_len, subj, sl) &&
			    (!old || r->seq < old->seq))
				old = r;
		for (struct rec *r = chain; old && r; r = r->hnext)
			if (r->hash == h && r->type == REC_H1 && pos_eq(r, file, d->file_len, d->line, d->col) &&
			    subject_eq(rec_at(r, r->subject), r->subject_len, rec_at(old, old->subject),
				       old->subject_len) && pick_add(p, &n, r))
				return -1;
	}
	/* chains are newest first; restore arrival order (n is small) */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && p->pick[j - 1]->seq > p->pick[j]->seq; j--) {
			struct rec *t = p->pick[j];

			p->pick[j] = p->pick[j - 1];
			p->pick[j - 1] = t;
		}
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

/* ---- function declaration lines (to tell a parameter's "p does not escape") ---- */

ESC_WRAPS static uint64_t decl_key(const char *file, size_t fl, unsigned line)
{
	return fnv(0xcbf29ce484222325ULL ^ ((uint64_t)line * 0x9E3779B97F4A7C15ULL), file, fl);
}

static struct decl *decl_slot(struct decl *t, size_t cap, uint32_t gen, uint64_t key)
{
	size_t i = (size_t)(key ^ (key >> 29)) & (cap - 1);

	while (t[i].gen == gen && t[i].key != key)
		i = (i + 1) & (cap - 1);
	return &t[i];
}

static int decl_add(struct gc_log *p, const char *file, size_t fl, unsigned line, unsigned col)
{
	uint64_t key = decl_key(file, fl, line);
	struct decl *d;

	if ((p->ndecl + 1) * 2 > p->decl_cap) {
		size_t cap = p->decl_cap ? p->decl_cap * 2 : 1024;
		struct decl *t = calloc(cap, sizeof(*t));

		if (!t)
			return -1;
		for (size_t i = 0; i < p->decl_cap; i++)
			if (p->decl[i].gen == p->gen)
				*decl_slot(t, cap, p->gen, p->decl[i].key) = p->decl[i];
		free(p->decl);
		p->decl = t;
		p->decl_cap = cap;
	}
	d = decl_slot(p->decl, p->decl_cap, p->gen, key);
	if (d->gen != p->gen) {
		d->gen = p->gen;
		d->key = key;
		d->col = col;
		p->ndecl++;
	} else if (col < d->col) {
		d->col = col;
	}
	return 0;
}

/* Whether (file, line) declares a function whose parameters may sit at col. */
static int decl_has(const struct gc_log *p, const char *file, size_t fl, unsigned line, unsigned col)
{
	const struct decl *d;

	if (!p->decl_cap)
		return 0;
	d = decl_slot(p->decl, p->decl_cap, p->gen, decl_key(file, fl, line));
	return d->gen == p->gen && (d->col == 0 || col == 0 || col > d->col);
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
		return oom(p->name, e);
	n = 0;
	buf_reset(&p->tb);
	for (struct rec *r = p->taken; r; r = r->next) {
		if (steps_fill(p, n, r))
			return oom(p->name, e);
		n += r->nsteps;
	}
	if (steps_fill(p, n, d))
		return oom(p->name, e);
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
static int flush_held(struct gc_log *p, int same_param, gc_diag_fn fn, void *ctx, struct err *e)
{
	struct rec *d = p->held;
	int rc;

	if (!d)
		return 0;
	if (p->held_param && !same_param && take_blocks(p, d, TAKE_PARAM_ALL, NULL, 0))
		return oom(p->name, e);
	p->held = NULL;
	rc = deliver(p, d, fn, ctx, e);
	rec_put(p, d);
	return rc;
}

/* Delivers the blocks no summary claimed, merged per key, in arrival order. */
static int flush_pending(struct gc_log *p, gc_diag_fn fn, void *ctx, struct err *e)
{
	int rc;

	p->cur = NULL;
	while (p->phead) {
		struct rec *r = p->phead, *d = rec_get(p);

		if (!d)
			return oom(p->name, e);
		d->type = REC_DIAG;
		d->kind = r->type == REC_H1 ? GC_ESCAPES : gc_leak_kind(rec_at(r, r->loc), r->loc_len, r->derefs);
		d->line = r->line;
		d->col = r->col;
		d->file_len = r->file_len;
		d->subject_len = r->subject_len;
		if ((d->file = rec_str(d, rec_at(r, r->file), r->file_len)) == NONE ||
		    (d->subject = rec_str(d, rec_at(r, r->subject), r->subject_len)) == NONE ||
		    (r->message != NONE &&
		     (d->message = rec_str(d, rec_at(r, r->message), strlen(rec_at(r, r->message)))) == NONE)) {
			rec_put(p, d);
			return oom(p->name, e);
		}
		if (take_blocks(p, d, r->type == REC_H1 ? TAKE_H1 : TAKE_PARAM_ALL, NULL, 0)) {
			rec_put(p, d);
			return oom(p->name, e);
		}
		rc = deliver(p, d, fn, ctx, e);
		rec_put(p, d);
		if (rc)
			return rc;
	}
	return 0;
}

/* ---- classification of one "pos: message" line ---- */

struct pos {
	const char *file;
	size_t file_len;
	unsigned line, col;
	const char *rest;	/* after the ':' that ends the position */
	size_t rest_len;
};

/* Skips the "[origfile:line:col]" that -gcflags=-L (and cgo, with go build -x) prints after
 * a position. */
static size_t skip_orig(const char *s, size_t n, size_t j)
{
	const char *e;

	if (j >= n || s[j] != '[' || !(e = memchr(s + j, ']', n - j)))
		return j;
	return (size_t)(e - s) + 1;
}

/* Finds "FILE:LINE[:COL]:" followed by a space at the start of s. The first ':' that is
 * followed by digits and ':' ends FILE, so "C:\x.go:3:4: " and "pkg\a/b.go:3:4: " work. */
static int parse_pos(const char *s, size_t n, struct pos *o)
{
	size_t from = 1;

	while (from < n) {
		const char *c = memchr(s + from, ':', n - from);
		size_t i, j;
		unsigned line, col = 0;

		if (!c)
			return -1;
		i = (size_t)(c - s) + 1;
		from = i;
		j = i;
		if (parse_uint(s, n, &j, &line))
			continue;
		j = skip_orig(s, n, j);
		if (j >= n || s[j] != ':')
			continue;
		j++;
		if (j < n && is_digit(s[j])) {
			if (parse_uint(s, n, &j, &col))
				continue;
			j = skip_orig(s, n, j);
			if (j >= n || s[j] != ':')
				continue;
			j++;
		}
		if (j >= n || s[j] != ' ')
			continue;	/* "x.go:5:25:[1] F stmt: ..." (-m=3) is no diagnostic */
		o->file = s;
		o->file_len = i - 1;
		o->line = line;
		o->col = col;
		o->rest = s + j;
		o->rest_len = n - j;
		return 0;
	}
	return -1;
}

struct ldiag {
	enum gc_kind kind;
	int header;			/* 0, or REC_H1 + 1 / REC_H2 + 1 */
	const char *subj, *func, *loc;
	size_t subj_len, func_len, loc_len;
	int derefs;
	int decl;			/* the position declares a function */
};

static int is_keyword(const char *s, size_t n)
{
	static const char *const kw[] = { "func", "map", "chan", "struct", "interface" };

	for (size_t i = 0; i < sizeof(kw) / sizeof(kw[0]); i++)
		if (strlen(kw[i]) == n && memcmp(kw[i], s, n) == 0)
			return 1;
	return 0;
}

/* esc.go (pre-1.13) printed "%v %S does not escape" with the function first:
 * "readString scratch does not escape", "main ... argument does not escape". Returns the
 * length of that function name, or 0 when s is an ordinary expression ("a + b",
 * "T literal", "func literal", "make([]byte, n)"). */
static size_t legacy_func_prefix(const char *s, size_t n)
{
	const char *sp = memchr(s, ' ', n);
	size_t fl, i = 0;
	const char *r;
	size_t rl;

	if (!sp)
		return 0;
	fl = (size_t)(sp - s);
	r = sp + 1;
	rl = n - fl - 1;
	if (!fl || !rl || is_keyword(s, fl))
		return 0;
	if (s[0] == '(') {		/* (*T).M or (T).M */
		i = 1;
		if (i < fl && s[i] == '*')
			i++;
		size_t st = i;

		while (i < fl && is_ident(s[i]))
			i++;
		if (i == st || i + 1 >= fl || s[i] != ')' || s[i + 1] != '.')
			return 0;
		i += 2;
	}
	if (i >= fl || is_digit(s[i]) || !is_ident(s[i]))
		return 0;
	for (; i < fl; i++)
		if (!is_ident(s[i]) && s[i] != '.')
			return 0;
	if (rl == 7 && memcmp(r, "literal", 7) == 0)
		return 0;
	unsigned char c = (unsigned char)r[0];

	if (c == '&' || c == '*')
		return rl > 1 && r[1] != ' ' && r[1] != '=' && r[1] != '&' && r[1] != '^' ? fl : 0;
	if (is_ident(r[0]) || c == '.' || c == '[' || c == '(' || c == '"' || c == '~')
		return fl;
	return 0;
}

/* "~R0" or an unfolded "1 << 20" (Go 1.19 and older) */
static int old_names(const char *s, size_t n)
{
	for (const char *q = s; (q = memchr(q, '~', (size_t)(s + n - q))) != NULL; q++)
		if (q + 2 < s + n && q[1] == 'R' && is_digit(q[2]))
			return 1;
	for (const char *q = s; (q = find(q, (size_t)(s + n - q), LIT(" << "))) != NULL; q += 4)
		if (q > s && is_digit(q[-1]) && q + 4 < s + n && is_digit(q[4]))
			return 1;
	return 0;
}

/* "[]string literal", "&T literal": expressions as Go 1.15 and older printed them */
static int old_literal(const char *s, size_t n)
{
	return ends(s, n, LIT(" literal")) && !ends(s, n, LIT("func literal"));
}

static void classify(struct gc_log *p, const struct pos *ps, const char *m, size_t n, struct ldiag *o)
{
	const char *q;
	size_t k;

	memset(o, 0, sizeof(*o));
	o->kind = GC_OTHER;
	if (n && m[n - 1] == ':') {
		/* -m=2 block headers */
		if (ends(m, n, LIT(" escapes to heap:"))) {
			o->header = REC_H1 + 1;
			o->subj = m;
			o->subj_len = n - 17;
			p->vflags |= V_R14_24;
			return;
		}
		if ((q = find(m, n, LIT(" escapes to heap in "))) != NULL) {
			o->header = REC_H1 + 1;
			o->subj = m;
			o->subj_len = (size_t)(q - m);
			o->func = q + 20;
			o->func_len = (size_t)(m + n - 1 - o->func);
			p->vflags |= V_GE125;
			return;
		}
		/* " leaks to " after the name: one that starts at the name's place means no name */
		if (starts(m, n, LIT("parameter ")) && (q = find(m + 10, n - 10, LIT(" leaks to "))) != NULL) {
			const char *l = q + 10, *dq;
			size_t rest = (size_t)(m + n - 1 - l), ll = loc_len(l, rest);
			unsigned d = 0;
			int neg = 0;

			dq = l + ll;
			rest -= ll;
			if (starts(dq, rest, LIT(" for "))) {
				const char *w = find(dq, rest, LIT(" with derefs="));

				if (w) {
					o->func = dq + 5;
					o->func_len = (size_t)(w - o->func);
					rest -= (size_t)(w - dq);
					dq = w;
				}
				p->vflags |= V_GE125;
			} else {
				p->vflags |= V_R14_24;
			}
			if (starts(dq, rest, LIT(" with derefs="))) {
				size_t j = 13;

				if (j < rest && dq[j] == '-') {
					neg = 1;
					j++;
				}
				if (parse_uint(dq, rest, &j, &d) == 0 && j == rest) {
					o->header = REC_H2 + 1;
					o->subj = m + 10;
					o->subj_len = (size_t)(q - o->subj);
					o->loc = l;
					o->loc_len = ll;
					o->derefs = neg ? -(int)d : (int)d;
					o->decl = 1;
					return;
				}
			}
		}
	}
	if (starts(m, n, LIT("moved to heap: "))) {
		o->kind = GC_MOVED_TO_HEAP;
		o->subj = m + 15;
		o->subj_len = n - 15;
		return;
	}
	if (starts(m, n, LIT("leaking param content: "))) {
		o->kind = GC_LEAKING_PARAM_CONTENT;
		o->subj = m + 23;
		o->subj_len = n - 23;
		o->decl = 1;
		return;
	}
	if (starts(m, n, LIT("leaking param: "))) {
		o->subj = m + 15;
		o->decl = 1;
		if ((q = find(o->subj, n - 15, LIT(" to result "))) != NULL) {
			const char *lv;

			o->kind = GC_LEAKING_PARAM_TO_RESULT;
			o->subj_len = (size_t)(q - o->subj);
			o->loc = q + 11;
			lv = find(o->loc, (size_t)(m + n - o->loc), LIT(" level="));
			o->loc_len = lv ? (size_t)(lv - o->loc) : loc_len(o->loc, (size_t)(m + n - o->loc));
		} else {
			o->kind = GC_LEAKING_PARAM;
			o->subj_len = n - 15;
		}
		return;
	}
	if (n == 22 && memcmp(m, "append escapes to heap", 22) == 0) {
		o->kind = GC_APPEND_ESCAPES;
		o->subj = m;
		o->subj_len = 6;
		p->vflags |= V_GE125;
		return;
	}
	if (ends(m, n, LIT(" escapes to heap"))) {
		o->kind = GC_ESCAPES;
		o->subj = m;
		o->subj_len = n - 16;
		return;
	}
	if (ends(m, n, LIT(" does not escape"))) {
		o->kind = GC_DOES_NOT_ESCAPE;
		o->subj = m;
		o->subj_len = n - 16;
		if (o->subj_len == 6 && memcmp(m, "append", 6) == 0) {
			p->vflags |= V_GE125;
			return;
		}
		if ((k = legacy_func_prefix(o->subj, o->subj_len)) != 0) {
			o->func = m;
			o->func_len = k;
			o->subj = m + k + 1;
			o->subj_len -= k + 1;
			p->vflags |= V_LE112;
		}
		if ((o->subj_len == 5 && memcmp(o->subj, ".this", 5) == 0) ||
		    (o->subj_len > 2 && o->subj[0] == '~' && o->subj[1] == 'p' && is_plain_name(o->subj, o->subj_len)) ||
		    (is_plain_name(o->subj, o->subj_len) &&
		     decl_has(p, ps->file, ps->file_len, ps->line, ps->col)))
			o->kind = GC_PARAM_DOES_NOT_ESCAPE;
		return;
	}
	if (ends(m, n, LIT(" does not escape, mutate, or call"))) {
		o->kind = GC_PARAM_DOES_NOT_ESCAPE;
		o->subj = m;
		o->subj_len = n - 33;
		return;
	}
	if (starts(m, n, LIT("can inline "))) {
		o->kind = GC_INLINE;
		o->subj = m + 11;
		if ((q = find(o->subj, n - 11, LIT(" with cost "))) == NULL)
			q = find(o->subj, n - 11, LIT(" as: "));
		o->subj_len = q ? (size_t)(q - o->subj) : n - 11;
		o->decl = 1;
		return;
	}
	if (starts(m, n, LIT("inlining call to "))) {
		o->kind = GC_INLINE;
		o->subj = m + 17;
		o->subj_len = scan_depth0(o->subj, n - 17, LIT(" "));
		return;
	}
	if (starts(m, n, LIT("cannot inline "))) {
		o->kind = GC_CANNOT_INLINE;
		o->subj = m + 14;
		o->subj_len = scan_depth0(o->subj, n - 14, LIT(": "));
		k = scan_depth0(o->subj, o->subj_len, LIT(" into "));
		if (k < o->subj_len) {
			o->func = o->subj + k + 6;
			o->func_len = o->subj_len - k - 6;
			o->subj_len = k;
		} else {
			o->decl = 1;
		}
		return;
	}
	if (starts(m, n, LIT("devirtualizing ")) || starts(m, n, LIT("partially devirtualizing ")) ||
	    starts(m, n, LIT("PGO devirtualizing "))) {
		const char *s = memchr(m, 'd', n);	/* the "devirtualizing " of the prefix */

		s += 15;
		if (starts(s, (size_t)(m + n - s), LIT("interface call ")))
			s += 15;
		else if (starts(s, (size_t)(m + n - s), LIT("function call ")))
			s += 14;
		o->kind = GC_DEVIRTUALIZED;
		o->subj = s;
		o->subj_len = scan_depth0(s, (size_t)(m + n - s), LIT(" to "));
		return;
	}
	if ((q = find(m, n, LIT(" capturing by "))) != NULL) {
		const char *v = q + 14, *a;

		if (starts(v, (size_t)(m + n - v), LIT("ref: ")))
			v += 5;
		else if (starts(v, (size_t)(m + n - v), LIT("value: ")))
			v += 7;
		else
			return;
		a = find(v, (size_t)(m + n - v), LIT(" (addr="));
		o->func = m;
		o->func_len = (size_t)(q - m);
		o->subj = v;
		o->subj_len = a ? (size_t)(a - v) : (size_t)(m + n - v);
		return;
	}
	if ((q = find(m, n, LIT(" ignoring self-assignment "))) != NULL) {
		const char *v = q + 26;

		if (starts(v, (size_t)(m + n - v), LIT("in ")) || starts(v, (size_t)(m + n - v), LIT("to ")))
			v += 3;
		o->func = m;
		o->func_len = (size_t)(q - m);
		o->subj = v;
		o->subj_len = (size_t)(m + n - v);
		return;
	}
	if (n == 35 && memcmp(m, "zero-copy string->[]byte conversion", 35) == 0)
		p->vflags |= V_GE122;
}

/* ---- lines ---- */

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

static int is_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return 0;
	return 1;
}

/* "import/path" or "import/path [variant]": what cmd/go prints after "# ". Anything else
 * starting with "# " is not a header (Go 1.19 prints a raw string's lines inside a
 * `can inline ... as:` body as they are: "# Top comment."). */
static int is_header(const char *s, size_t n)
{
	size_t k = scan_depth0(s, n, LIT(" ")), i;

	if (!k)
		return 0;
	for (i = 0; i < k; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!(c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      strchr("-._~/+@!", c)))
			return 0;
	}
	while (n > k && (s[n - 1] == ' ' || s[n - 1] == '\r'))
		n--;
	return k == n || (n - k >= 4 && s[k + 1] == '[' && s[n - 1] == ']');
}

static int header_line(struct gc_log *p, const char *s, size_t n, gc_diag_fn fn, void *ctx, struct err *e)
{
	size_t k;
	int rc;

	if (n && s[0] == '[')
		return 0;	/* "# [desc]": second line of a two-line header */
	if (!is_header(s, n)) {
		p->skipped++;
		return 0;
	}
	k = scan_depth0(s, n, LIT(" "));
	if ((rc = flush_held(p, 0, fn, ctx, e)) || (rc = flush_pending(p, fn, ctx, e)))
		return rc;
	buf_reset(&p->pkg);
	if (buf_add(&p->pkg, s, k))
		return oom(p->name, e);
	p->has_pkg = k > 0;
	p->gen++;
	p->ndecl = 0;
	return 0;
}

/* An indented explanation line "pos:   flow: ...", "pos:     from ...", "pos:   warning: ...";
 * also esc.go's "pos: \tfrom ..." and "pos:        from ..." after a summary line. */
static int step_line(struct gc_log *p, const struct pos *ps, const char *t, size_t n, int legacy, struct err *e)
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
			p->vflags |= V_LE112;
	}
	if (!r) {
		p->skipped++;
		return 0;
	}
	if (sp.kind == GC_STEP_FLOW)
		p->vflags |= sp.arrow ? V_GE125 : V_R14_24;
	else if (sp.kind == GC_STEP_FROM && sp.why.len == 17 && memcmp(t + sp.why.off, "non-constant size", 17) == 0)
		p->vflags |= V_R14_24;
	else if (sp.kind == GC_STEP_FROM && sp.why.len == 18 && memcmp(t + sp.why.off, "zero-sized element", 18) == 0)
		p->vflags |= V_GE125;
	if (!(p->vflags & V_LE119) && old_names(t, n))
		p->vflags |= V_LE119;
	if (!p->counting && rec_add_step(r, t, n, &sp))
		return oom(p->name, e);
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

static int diag_line(struct gc_log *p, const struct pos *ps, const char *m, size_t n,
		     gc_diag_fn fn, void *ctx, struct err *e)
{
	struct ldiag ld;
	struct rec *r;
	int rc, param;

	close_block(p);
	classify(p, ps, m, n, &ld);
	if (ld.decl && decl_add(p, ps->file, ps->file_len, ps->line,
				ld.kind == GC_INLINE || ld.kind == GC_CANNOT_INLINE ? ps->col : 0))
		return oom(p->name, e);
	if (ld.subj && (ld.header == REC_H1 + 1 || ld.kind == GC_ESCAPES || ld.kind == GC_DOES_NOT_ESCAPE ||
			ld.kind == GC_MOVED_TO_HEAP)) {
		if (!(p->vflags & V_LE119) && old_names(ld.subj, ld.subj_len))
			p->vflags |= V_LE119;
		if (!(p->vflags & V_LE115) && old_literal(ld.subj, ld.subj_len))
			p->vflags |= V_LE115;
	}
	param = !ld.header && (ld.kind == GC_LEAKING_PARAM || ld.kind == GC_LEAKING_PARAM_CONTENT ||
			       ld.kind == GC_LEAKING_PARAM_TO_RESULT);
	if (p->held) {
		int same = param && p->held_param && p->held->line == ps->line &&
			   p->held->col == ps->col && p->held->file_len == ps->file_len &&
			   memcmp(rec_at(p->held, p->held->file), ps->file, ps->file_len) == 0 &&
			   p->held->subject_len == ld.subj_len &&
			   memcmp(rec_at(p->held, p->held->subject), ld.subj, ld.subj_len) == 0;

		if ((rc = flush_held(p, same, fn, ctx, e)))
			return rc;
	}
	if (!(r = rec_get(p)))
		return oom(p->name, e);
	if (fill_rec(r, ps, &ld, m, n)) {
		rec_put(p, r);
		return oom(p->name, e);
	}
	if (ld.header) {
		r->type = ld.header - 1;
		if (pending_add(p, r)) {
			rec_put(p, r);
			return oom(p->name, e);
		}
		p->cur = r;
		p->blocks++;
		return 0;
	}
	r->type = REC_DIAG;
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
	return rc ? oom(p->name, e) : 0;
}

/* Whether Go text ends inside a raw string, having started inside one when `raw`:
 * backquotes count outside "..." and '...' only. */
static int ends_in_raw(const char *s, size_t n, int raw)
{
	char in = raw ? '`' : 0;
	size_t i;

	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!in) {
			if (c == '"' || c == '`' || c == '\'')
				in = c;
		} else if (in != '`' && c == '\\') {
			i++;
		} else if (c == in) {
			in = 0;
		}
	}
	return in == '`';
}

static int logical_line(struct gc_log *p, const char *s, size_t n, gc_diag_fn fn, void *ctx, struct err *e)
{
	struct pos ps;
	size_t ind;

	if (p->in_raw) {
		/* the lines of a raw string printed in an expression (Go 1.19 inlining bodies):
		 * text, not headers, up to its closing backquote or the next diagnostic */
		if (parse_pos(s, n, &ps)) {
			p->in_raw = ends_in_raw(s, n, 1);
			p->skipped++;
			return 0;
		}
		p->in_raw = 0;
	}
	if (is_blank(s, n))
		return 0;
	if (starts(s, n, LIT("# ")))
		return header_line(p, s + 2, n - 2, fn, ctx, e);
	if (starts(s, n, LIT("go : # ")))	/* PowerShell's NativeCommandError banner */
		return header_line(p, s + 7, n - 7, fn, ctx, e);
	if (parse_pos(s, n, &ps)) {
		p->skipped++;
		return 0;
	}
	if (ends_in_raw(ps.rest, ps.rest_len, 0))
		p->in_raw = 1;	/* an expression whose raw string goes on over the next lines */
	/* rest is " message" or an indented explanation line */
	ind = 0;
	while (ind < ps.rest_len && (ps.rest[ind] == ' ' || ps.rest[ind] == '\t'))
		ind++;
	if (ind == ps.rest_len) {
		p->skipped++;
		return 0;
	}
	if (ind > 1)
		return step_line(p, &ps, ps.rest + ind, ps.rest_len - ind,
				 ps.rest[1] == '\t' || ind >= 6, e);
	return diag_line(p, &ps, ps.rest + 1, ps.rest_len - 1, fn, ctx, e);
}

/* Windows PowerShell (`go build ... > log 2>&1`) turns each stderr line into an error
 * record and word-wraps it at the console width: a diagnostic longer than that continues
 * on lines of its own. Once its banner ("go : # pkg") is seen, a line with no position
 * that follows a positioned line is glued back to it. */
static int wrap_line(struct gc_log *p, const char *s, size_t n, gc_diag_fn fn, void *ctx, struct err *e)
{
	struct pos ps;
	int rc;

	if (p->join.len && !is_blank(s, n) && !starts(s, n, LIT("# ")) && !starts(s, n, LIT("go : # ")) &&
	    parse_pos(s, n, &ps)) {
		if (p->join.len + n > p->max_line)
			return err_set(e, ESC_ELIMIT, "'%s':%zu: line longer than %zu bytes (raise it with --max-line)", p->name, p->lines, p->max_line);
		return buf_add(&p->join, s, n) ? oom(p->name, e) : 0;
	}
	if (p->join.len) {
		rc = logical_line(p, p->join.data, p->join.len, fn, ctx, e);
		buf_reset(&p->join);
		if (rc)
			return rc;
	}
	if (!is_blank(s, n) && parse_pos(s, n, &ps) == 0)
		return buf_add(&p->join, s, n) ? oom(p->name, e) : 0;
	return logical_line(p, s, n, fn, ctx, e);
}

static int process_line(struct gc_log *p, const char *s, size_t n, gc_diag_fn fn, void *ctx, struct err *e)
{
	p->lines++;
	if (n && s[n - 1] == '\r')
		n--;
	if (!p->wrap && starts(s, n, LIT("go : # ")))
		p->wrap = 1;
	if (p->wrap)
		return wrap_line(p, s, n, fn, ctx, e);
	return logical_line(p, s, n, fn, ctx, e);
}

static int too_long(struct gc_log *p, struct err *e)
{
	return err_set(e, ESC_ELIMIT, "'%s':%zu: line longer than %zu bytes (raise it with --max-line)", p->name, p->lines + 1, p->max_line);
}

/* Cuts UTF-8 text into lines; a line split across calls waits in carry. */
static int split_lines(struct gc_log *p, const char *d, size_t n, gc_diag_fn fn, void *ctx, struct err *e)
{
	int rc;

	while (n) {
		const char *nl = memchr(d, '\n', n);
		size_t k;

		if (!nl) {
			if (p->carry.len + n > p->max_line)
				return too_long(p, e);
			return buf_add(&p->carry, d, n) ? oom(p->name, e) : 0;
		}
		k = (size_t)(nl - d);
		if (p->carry.len) {
			if (p->carry.len + k > p->max_line)
				return too_long(p, e);
			if (buf_add(&p->carry, d, k))
				return oom(p->name, e);
			rc = process_line(p, p->carry.data, p->carry.len, fn, ctx, e);
			buf_reset(&p->carry);
		} else {
			if (k > p->max_line)
				return too_long(p, e);
			rc = process_line(p, d, k, fn, ctx, e);
		}
		if (rc)
			return rc;
		d += k + 1;
		n -= k + 1;
	}
	return 0;
}

static void put_utf8(char *o, size_t *j, unsigned cp)
{
	if (cp < 0x80) {
		o[(*j)++] = (char)cp;
	} else if (cp < 0x800) {
		o[(*j)++] = (char)(0xC0 | (cp >> 6));
		o[(*j)++] = (char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		o[(*j)++] = (char)(0xE0 | (cp >> 12));
		o[(*j)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[(*j)++] = (char)(0x80 | (cp & 0x3F));
	} else {
		o[(*j)++] = (char)(0xF0 | (cp >> 18));
		o[(*j)++] = (char)(0x80 | ((cp >> 12) & 0x3F));
		o[(*j)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[(*j)++] = (char)(0x80 | (cp & 0x3F));
	}
}

/* UTF-16 to UTF-8, keeping an odd byte and a high surrogate across calls; lone
 * surrogates become U+FFFD. */
static int utf16_feed(struct gc_log *p, const unsigned char *d, size_t n, gc_diag_fn fn, void *ctx, struct err *e)
{
	size_t j = 0, i = 0;
	char *o;

	buf_reset(&p->u8);
	if (buf_grow(&p->u8, (n / 2 + 2) * 3))
		return oom(p->name, e);
	o = p->u8.data;
	while (i < n) {
		unsigned b0, b1, u;

		if (p->has_odd) {
			b0 = (unsigned)p->odd;
			b1 = d[i++];
			p->has_odd = 0;
		} else if (i + 1 < n) {
			b0 = d[i];
			b1 = d[i + 1];
			i += 2;
		} else {
			p->odd = d[i++];
			p->has_odd = 1;
			break;
		}
		u = p->enc == ENC_UTF16LE ? (b0 | b1 << 8) : (b0 << 8 | b1);
		if (p->hi) {
			if (u >= 0xDC00 && u <= 0xDFFF) {
				put_utf8(o, &j, 0x10000 + ((p->hi - 0xD800) << 10) + (u - 0xDC00));
				p->hi = 0;
				continue;
			}
			put_utf8(o, &j, 0xFFFD);
			p->hi = 0;
		}
		if (u >= 0xD800 && u <= 0xDBFF)
			p->hi = u;
		else if (u >= 0xDC00 && u <= 0xDFFF)
			put_utf8(o, &j, 0xFFFD);
		else
			put_utf8(o, &j, u);
	}
	p->u8.len = j;
	o[j] = '\0';
	return split_lines(p, o, j, fn, ctx, e);
}

static int decoded_feed(struct gc_log *p, const char *d, size_t n, gc_diag_fn fn, void *ctx, struct err *e)
{
	if (p->enc == ENC_UTF8)
		return split_lines(p, d, n, fn, ctx, e);
	return utf16_feed(p, (const unsigned char *)d, n, fn, ctx, e);
}

/* Decides the encoding from the first bytes: a BOM, or NULs in the first code unit. */
static int start(struct gc_log *p, gc_diag_fn fn, void *ctx, struct err *e)
{
	const unsigned char *h = p->head;
	size_t skip = 0;

	p->started = 1;
	if (p->nhead >= 3 && h[0] == 0xEF && h[1] == 0xBB && h[2] == 0xBF) {
		skip = 3;
	} else if (p->nhead >= 2 && h[0] == 0xFF && h[1] == 0xFE) {
		p->enc = ENC_UTF16LE;
		skip = 2;
	} else if (p->nhead >= 2 && h[0] == 0xFE && h[1] == 0xFF) {
		p->enc = ENC_UTF16BE;
		skip = 2;
	} else if (p->nhead >= 2 && h[0] != 0 && h[1] == 0) {
		p->enc = ENC_UTF16LE;
	} else if (p->nhead >= 2 && h[0] == 0 && h[1] != 0) {
		p->enc = ENC_UTF16BE;
	}
	return decoded_feed(p, (const char *)h + skip, p->nhead - skip, fn, ctx, e);
}

struct gc_log *gc_log_new(const char *name)
{
	struct gc_log *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->name = strdup(name ? name : "<log>");
	if (!p->name) {
		free(p);
		return NULL;
	}
	p->max_line = DEFAULT_MAX_LINE;
	p->gen = 1;
	buf_init(&p->u8);
	buf_init(&p->carry);
	buf_init(&p->join);
	buf_init(&p->tb);
	buf_init(&p->pkg);
	return p;
}

void gc_log_set_counting(struct gc_log *p, int on)
{
	p->counting = on;
}

void gc_log_set_max_line(struct gc_log *p, size_t max)
{
	if (p)
		p->max_line = max ? max : DEFAULT_MAX_LINE;
}

int gc_log_feed(struct gc_log *p, const char *data, size_t len, gc_diag_fn fn, void *ctx, struct err *e)
{
	int rc;

	if (p->status)
		return p->status;
	if (!p->started) {
		while (p->nhead < sizeof(p->head) && len) {
			p->head[p->nhead++] = (unsigned char)*data++;
			len--;
		}
		if (p->nhead < sizeof(p->head))
			return 0;
		if ((rc = start(p, fn, ctx, e)))
			return p->status = rc;
	}
	if ((rc = decoded_feed(p, data, len, fn, ctx, e)))
		p->status = rc;
	return rc;
}

/* The Go version range told by the forms seen (see gclog.h). */
static void version_string(unsigned v, char *out, size_t n)
{
	int lo = 0, hi = 1000;

	out[0] = '\0';
	if (v & V_GE125 && lo < 25)
		lo = 25;
	if (v & V_GE122 && lo < 22)
		lo = 22;
	if (v & V_R14_24) {
		if (lo < 14)
			lo = 14;
		if (hi > 24)
			hi = 24;
	}
	if (v & V_LE119 && hi > 19)
		hi = 19;
	if (v & V_LE115 && hi > 15)
		hi = 15;
	if (v & V_LE112 && hi > 12)
		hi = 12;
	if (!v || lo > hi)
		return;
	if (hi == 1000)
		snprintf(out, n, "go1.%d+", lo);
	else if (lo == 0)
		snprintf(out, n, "<=go1.%d", hi);
	else if (lo == hi)
		snprintf(out, n, "go1.%d", lo);
	else
		snprintf(out, n, "go1.%d-1.%d", lo, hi);
}

static void fill_stats(const struct gc_log *p, struct gc_stats *st)
{
	if (!st)
		return;
	memset(st, 0, sizeof(*st));
	st->lines = p->lines;
	st->diagnostics = p->diags;
	st->skipped = p->skipped;
	st->blocks = p->blocks;
	version_string(p->vflags, st->go_version, sizeof(st->go_version));
}

int gc_log_finish(struct gc_log *p, gc_diag_fn fn, void *ctx, struct gc_stats *st, struct err *e)
{
	int rc = p->status;

	if (!rc && !p->started)
		rc = start(p, fn, ctx, e);
	if (!rc && p->has_odd) {
		p->has_odd = 0;		/* a truncated code unit */
	}
	if (!rc && p->hi) {
		char r[3];
		size_t j = 0;

		put_utf8(r, &j, 0xFFFD);
		p->hi = 0;
		rc = split_lines(p, r, j, fn, ctx, e);
	}
	if (!rc && p->carry.len) {
		rc = process_line(p, p->carry.data, p->carry.len, fn, ctx, e);
		buf_reset(&p->carry);
	}
	if (!rc && p->join.len) {
		rc = logical_line(p, p->join.data, p->join.len, fn, ctx, e);
		buf_reset(&p->join);
	}
	if (!rc)
		rc = flush_held(p, 0, fn, ctx, e);
	if (!rc)
		rc = flush_pending(p, fn, ctx, e);
	if (!rc && p->diags == 0)
		rc = err_set(e, ESC_EINPUT, "'%s': no Go compiler diagnostics found (%zu lines)", p->name, p->lines);
	if (rc)
		p->status = rc;
	fill_stats(p, st);
	return rc;
}

static void free_list(struct rec *r)
{
	while (r) {
		struct rec *nx = r->next;

		rec_destroy(r);
		r = nx;
	}
}

void gc_log_free(struct gc_log *p)
{
	if (!p)
		return;
	free_list(p->phead);
	free_list(p->pool);
	free_list(p->taken);
	if (p->held)
		rec_destroy(p->held);
	free(p->tab);
	free(p->decl);
	free(p->sc);
	free(p->toff);
	free(p->pick);
	buf_release(&p->u8);
	buf_release(&p->carry);
	buf_release(&p->join);
	buf_release(&p->tb);
	buf_release(&p->pkg);
	free(p->name);
	free(p);
}

int gc_parse_log_file(const char *path, gc_diag_fn fn, void *ctx, struct gc_stats *st, struct err *e)
{
	int is_stdin = strcmp(path, "-") == 0;
	FILE *f = is_stdin ? stdin : fopen(path, "rb");
	struct gc_log *p;
	char *chunk;
	int rc = 0;

	if (st)
		memset(st, 0, sizeof(*st));
	if (!f)
		return err_set(e, ESC_EIO, "cannot open '%s': %s", path, strerror(errno));
	p = gc_log_new(is_stdin ? "<stdin>" : path);
	chunk = malloc(READ_CHUNK);
	if (!p || !chunk) {
		rc = oom(path, e);
		goto out;
	}
	for (;;) {
		size_t n = fread(chunk, 1, READ_CHUNK, f);

		if (n && (rc = gc_log_feed(p, chunk, n, fn, ctx, e)))
			goto out;
		if (n < READ_CHUNK) {
			if (ferror(f)) {
				rc = err_set(e, ESC_EIO, "cannot read '%s': %s", path, strerror(errno));
				goto out;
			}
			break;
		}
	}
	rc = gc_log_finish(p, fn, ctx, st, e);
out:
	if (rc && p && st)
		fill_stats(p, st);
	gc_log_free(p);
	free(chunk);
	if (!is_stdin)
		fclose(f);
	return rc;
}
