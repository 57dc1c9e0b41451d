/* message.c — what one line of a text log says: its "FILE:LINE[:COL]:" position, the kind,
 * subject and function of its message (every form from esc.go to Go 1.27, and the Go
 * versions each form tells), the split of an explanation line, and the kinds' names.
 * Lines are (pointer, length) slices scanned by hand (memchr/memcmp, no regex); nothing
 * is copied or allocated here. */
#include "gclog/gclog_int.h"

#include <stdlib.h>
#include <string.h>

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

static int ends(const char *s, size_t n, const char *lit, size_t ln)
{
	return n >= ln && memcmp(s + n - ln, lit, ln) == 0;
}

static const char *find(const char *s, size_t n, const char *lit, size_t ln)
{
	return memmem(s, n, lit, ln);
}

/* Index of the first byte of s that is `stop` at bracket depth 0 ((), [], {}), or n. */
size_t gclog_scan_depth0(const char *s, size_t n, const char *stop, size_t sl)
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

	while (j < n && gclog_is_digit(s[j]) && j - *i < 9)
		v = v * 10 + (unsigned)(s[j++] - '0');
	if (j == *i || (j < n && gclog_is_digit(s[j])))
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
	if (i >= n || gclog_is_digit(s[i]))
		return 0;
	for (; i < n; i++)
		if (!gclog_is_ident(s[i]))
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

	while (i > 0 && gclog_is_digit(s[i - 1]))
		i--;
	if (i == n || i == 0 || s[i - 1] != ':')
		return -1;
	j = i;
	if (parse_uint(s, n, &j, &a) || j != n)
		return -1;
	i--;			/* the ':' before the last number */
	size_t k = i;

	while (k > 0 && gclog_is_digit(s[k - 1]))
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
	if (gclog_starts(s, n, GCLOG_LIT("flow: "))) {
		size_t off = 6, dl, sep;

		out->kind = GC_STEP_FLOW;
		if (n > off && s[n - 1] == ':')
			n--;
		dl = loc_len(s + off, n - off);
		sep = off + dl;
		out->dst.off = off;
		out->dst.len = dl;
		if (gclog_starts(s + sep, n - sep, GCLOG_LIT(" = "))) {
			sep += 3;
		} else if (gclog_starts(s + sep, n - sep, GCLOG_LIT(" \xe2\x86\x90 "))) {
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
	if (gclog_starts(s, n, GCLOG_LIT("from "))) {
		size_t off = 5, end = n, rp, lp;

		out->kind = GC_STEP_FROM;
		/* WHERE can hold parentheses and " at ": anchor on the last ") at " (each ')'
		 * found from the end by memrchr, as a step line is long) */
		for (const char *rp0 = memrchr(s + off, ')', n - off); rp0;
		     rp0 = rp0 > s + off ? memrchr(s + off, ')', (size_t)(rp0 - (s + off))) : NULL) {
			size_t i = (size_t)(rp0 - s);

			if (gclog_starts(s + i, n - i, GCLOG_LIT(") at "))) {
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
	if (gclog_starts(s, n, GCLOG_LIT("warning: "))) {
		out->kind = GC_STEP_WARNING;
		return 0;
	}
	return -1;
}

/* ---- classification of one "pos: message" line ---- */

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
int gclog_parse_pos(const char *s, size_t n, struct pos *o)
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
		if (j < n && gclog_is_digit(s[j])) {
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

		while (i < fl && gclog_is_ident(s[i]))
			i++;
		if (i == st || i + 1 >= fl || s[i] != ')' || s[i + 1] != '.')
			return 0;
		i += 2;
	}
	if (i >= fl || gclog_is_digit(s[i]) || !gclog_is_ident(s[i]))
		return 0;
	for (; i < fl; i++)
		if (!gclog_is_ident(s[i]) && s[i] != '.')
			return 0;
	if (rl == 7 && memcmp(r, "literal", 7) == 0)
		return 0;
	unsigned char c = (unsigned char)r[0];

	if (c == '&' || c == '*')
		return rl > 1 && r[1] != ' ' && r[1] != '=' && r[1] != '&' && r[1] != '^' ? fl : 0;
	if (gclog_is_ident(r[0]) || c == '.' || c == '[' || c == '(' || c == '"' || c == '~')
		return fl;
	return 0;
}

/* "~R0" or an unfolded "1 << 20" (Go 1.19 and older) */
int gclog_old_names(const char *s, size_t n)
{
	for (const char *q = s; (q = memchr(q, '~', (size_t)(s + n - q))) != NULL; q++)
		if (q + 2 < s + n && q[1] == 'R' && gclog_is_digit(q[2]))
			return 1;
	for (const char *q = s; (q = find(q, (size_t)(s + n - q), GCLOG_LIT(" << "))) != NULL; q += 4)
		if (q > s && gclog_is_digit(q[-1]) && q + 4 < s + n && gclog_is_digit(q[4]))
			return 1;
	return 0;
}

/* "[]string literal", "&T literal": expressions as Go 1.15 and older printed them */
int gclog_old_literal(const char *s, size_t n)
{
	return ends(s, n, GCLOG_LIT(" literal")) && !ends(s, n, GCLOG_LIT("func literal"));
}

void gclog_classify(struct gc_log *p, const struct pos *ps, const char *m, size_t n, struct ldiag *o)
{
	const char *q;
	size_t k;

	memset(o, 0, sizeof(*o));
	o->kind = GC_OTHER;
	if (n && m[n - 1] == ':') {
		/* -m=2 block headers */
		if (ends(m, n, GCLOG_LIT(" escapes to heap:"))) {
			o->header = GCLOG_REC_H1 + 1;
			o->subj = m;
			o->subj_len = n - 17;
			p->vflags |= GCLOG_V_R14_24;
			return;
		}
		if ((q = find(m, n, GCLOG_LIT(" escapes to heap in "))) != NULL) {
			o->header = GCLOG_REC_H1 + 1;
			o->subj = m;
			o->subj_len = (size_t)(q - m);
			o->func = q + 20;
			o->func_len = (size_t)(m + n - 1 - o->func);
			p->vflags |= GCLOG_V_GE125;
			return;
		}
		/* " leaks to " after the name: one that starts at the name's place means no name */
		if (gclog_starts(m, n, GCLOG_LIT("parameter ")) && (q = find(m + 10, n - 10, GCLOG_LIT(" leaks to "))) != NULL) {
			const char *l = q + 10, *dq;
			size_t rest = (size_t)(m + n - 1 - l), ll = loc_len(l, rest);
			unsigned d = 0;
			int neg = 0;

			dq = l + ll;
			rest -= ll;
			if (gclog_starts(dq, rest, GCLOG_LIT(" for "))) {
				const char *w = find(dq, rest, GCLOG_LIT(" with derefs="));

				if (w) {
					o->func = dq + 5;
					o->func_len = (size_t)(w - o->func);
					rest -= (size_t)(w - dq);
					dq = w;
				}
				p->vflags |= GCLOG_V_GE125;
			} else {
				p->vflags |= GCLOG_V_R14_24;
			}
			if (gclog_starts(dq, rest, GCLOG_LIT(" with derefs="))) {
				size_t j = 13;

				if (j < rest && dq[j] == '-') {
					neg = 1;
					j++;
				}
				if (parse_uint(dq, rest, &j, &d) == 0 && j == rest) {
					o->header = GCLOG_REC_H2 + 1;
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
	if (gclog_starts(m, n, GCLOG_LIT("moved to heap: "))) {
		o->kind = GC_MOVED_TO_HEAP;
		o->subj = m + 15;
		o->subj_len = n - 15;
		return;
	}
	if (gclog_starts(m, n, GCLOG_LIT("leaking param content: "))) {
		o->kind = GC_LEAKING_PARAM_CONTENT;
		o->subj = m + 23;
		o->subj_len = n - 23;
		o->decl = 1;
		return;
	}
	if (gclog_starts(m, n, GCLOG_LIT("leaking param: "))) {
		o->subj = m + 15;
		o->decl = 1;
		if ((q = find(o->subj, n - 15, GCLOG_LIT(" to result "))) != NULL) {
			const char *lv;

			o->kind = GC_LEAKING_PARAM_TO_RESULT;
			o->subj_len = (size_t)(q - o->subj);
			o->loc = q + 11;
			lv = find(o->loc, (size_t)(m + n - o->loc), GCLOG_LIT(" level="));
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
		p->vflags |= GCLOG_V_GE125;
		return;
	}
	if (ends(m, n, GCLOG_LIT(" escapes to heap"))) {
		o->kind = GC_ESCAPES;
		o->subj = m;
		o->subj_len = n - 16;
		return;
	}
	if (ends(m, n, GCLOG_LIT(" does not escape"))) {
		o->kind = GC_DOES_NOT_ESCAPE;
		o->subj = m;
		o->subj_len = n - 16;
		if (o->subj_len == 6 && memcmp(m, "append", 6) == 0) {
			p->vflags |= GCLOG_V_GE125;
			return;
		}
		if ((k = legacy_func_prefix(o->subj, o->subj_len)) != 0) {
			o->func = m;
			o->func_len = k;
			o->subj = m + k + 1;
			o->subj_len -= k + 1;
			p->vflags |= GCLOG_V_LE112;
		}
		if ((o->subj_len == 5 && memcmp(o->subj, ".this", 5) == 0) ||
		    (o->subj_len > 2 && o->subj[0] == '~' && o->subj[1] == 'p' && is_plain_name(o->subj, o->subj_len)) ||
		    (is_plain_name(o->subj, o->subj_len) &&
		     gclog_decl_has(p, ps->file, ps->file_len, ps->line, ps->col)))
			o->kind = GC_PARAM_DOES_NOT_ESCAPE;
		return;
	}
	if (ends(m, n, GCLOG_LIT(" does not escape, mutate, or call"))) {
		o->kind = GC_PARAM_DOES_NOT_ESCAPE;
		o->subj = m;
		o->subj_len = n - 33;
		return;
	}
	if (gclog_starts(m, n, GCLOG_LIT("can inline "))) {
		o->kind = GC_INLINE;
		o->subj = m + 11;
		if ((q = find(o->subj, n - 11, GCLOG_LIT(" with cost "))) == NULL)
			q = find(o->subj, n - 11, GCLOG_LIT(" as: "));
		o->subj_len = q ? (size_t)(q - o->subj) : n - 11;
		o->decl = 1;
		return;
	}
	if (gclog_starts(m, n, GCLOG_LIT("inlining call to "))) {
		o->kind = GC_INLINE;
		o->subj = m + 17;
		o->subj_len = gclog_scan_depth0(o->subj, n - 17, GCLOG_LIT(" "));
		return;
	}
	if (gclog_starts(m, n, GCLOG_LIT("cannot inline "))) {
		o->kind = GC_CANNOT_INLINE;
		o->subj = m + 14;
		o->subj_len = gclog_scan_depth0(o->subj, n - 14, GCLOG_LIT(": "));
		k = gclog_scan_depth0(o->subj, o->subj_len, GCLOG_LIT(" into "));
		if (k < o->subj_len) {
			o->func = o->subj + k + 6;
			o->func_len = o->subj_len - k - 6;
			o->subj_len = k;
		} else {
			o->decl = 1;
		}
		return;
	}
	if (gclog_starts(m, n, GCLOG_LIT("devirtualizing ")) || gclog_starts(m, n, GCLOG_LIT("partially devirtualizing ")) ||
	    gclog_starts(m, n, GCLOG_LIT("PGO devirtualizing "))) {
		const char *s = memchr(m, 'd', n);	/* the "devirtualizing " of the prefix */

		s += 15;
		if (gclog_starts(s, (size_t)(m + n - s), GCLOG_LIT("interface call ")))
			s += 15;
		else if (gclog_starts(s, (size_t)(m + n - s), GCLOG_LIT("function call ")))
			s += 14;
		o->kind = GC_DEVIRTUALIZED;
		o->subj = s;
		o->subj_len = gclog_scan_depth0(s, (size_t)(m + n - s), GCLOG_LIT(" to "));
		return;
	}
	if ((q = find(m, n, GCLOG_LIT(" capturing by "))) != NULL) {
		const char *v = q + 14, *a;

		if (gclog_starts(v, (size_t)(m + n - v), GCLOG_LIT("ref: ")))
			v += 5;
		else if (gclog_starts(v, (size_t)(m + n - v), GCLOG_LIT("value: ")))
			v += 7;
		else
			return;
		a = find(v, (size_t)(m + n - v), GCLOG_LIT(" (addr="));
		o->func = m;
		o->func_len = (size_t)(q - m);
		o->subj = v;
		o->subj_len = a ? (size_t)(a - v) : (size_t)(m + n - v);
		return;
	}
	if ((q = find(m, n, GCLOG_LIT(" ignoring self-assignment "))) != NULL) {
		const char *v = q + 26;

		if (gclog_starts(v, (size_t)(m + n - v), GCLOG_LIT("in ")) || gclog_starts(v, (size_t)(m + n - v), GCLOG_LIT("to ")))
			v += 3;
		o->func = m;
		o->func_len = (size_t)(q - m);
		o->subj = v;
		o->subj_len = (size_t)(m + n - v);
		return;
	}
	if (n == 35 && memcmp(m, "zero-copy string->[]byte conversion", 35) == 0)
		p->vflags |= GCLOG_V_GE122;
}

struct decl {			/* a line that declares a function, seen in this # pkg section */
	uint64_t key;
	uint32_t gen;
	unsigned col;
};

/* ---- function declaration lines (to tell a parameter's "p does not escape") ---- */

ESC_WRAPS static uint64_t decl_key(const char *file, size_t fl, unsigned line)
{
	return gclog_fnv(0xcbf29ce484222325ULL ^ ((uint64_t)line * 0x9E3779B97F4A7C15ULL), file, fl);
}

static struct decl *decl_slot(struct decl *t, size_t cap, uint32_t gen, uint64_t key)
{
	size_t i = (size_t)(key ^ (key >> 29)) & (cap - 1);

	while (t[i].gen == gen && t[i].key != key)
		i = (i + 1) & (cap - 1);
	return &t[i];
}

int gclog_decl_add(struct gc_log *p, const char *file, size_t fl, unsigned line, unsigned col)
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
int gclog_decl_has(const struct gc_log *p, const char *file, size_t fl, unsigned line, unsigned col)
{
	const struct decl *d;

	if (!p->decl_cap)
		return 0;
	d = decl_slot(p->decl, p->decl_cap, p->gen, decl_key(file, fl, line));
	return d->gen == p->gen && (d->col == 0 || col == 0 || col > d->col);
}
