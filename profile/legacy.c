/* legacy.c — Go's legacy text heap profile (/debug/pprof/heap?debug=1, "heap profile:
 * N: M [N: M] @ heap/RATE"). Values are scaled as pprof scales them (rate from the header,
 * v2 sampling), the `bytes` label is the unscaled average block size, and the "# 0x…"
 * frame lines Go prints under each sample give the locations their functions and lines,
 * consecutive frames of one address being its inlined frames, innermost first. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/hmap.h"
#include "common/vec.h"
#include "profile_int.h"

struct ltab {
	/* locations by address, in order of first appearance */
	uint64_t *addr;
	struct buf_lines {
		struct profile_line *v;
		size_t n, cap;
		int done;	/* frames already seen for this location */
	} *lines;
	size_t nloc, cap, caplines;
	struct hmap by_addr;	/* the 8 bytes of an address -> its location index + 1 */
	/* functions by (name, file) */
	struct profile_function *fns;
	size_t nfn, capfn;
	struct hmap by_fn;	/* "name\0file" -> function index + 1 */
	/* samples */
	struct legacy_sample *smp;
	size_t nsmp, capsmp;
	const struct profile_location **locref;	/* holds location indexes until fixed up */
	size_t nlocref, caplocref;
	int64_t *vals;
	size_t nvals, capvals;
};

static int grow(void *pp, size_t *cap, size_t need, size_t elem)
{
	return vec_reserve(pp, cap, need, elem, 64);
}

/* Returns the location index of addr, adding it; -1 when memory runs out. */
static long location_for(struct ltab *t, uint64_t addr)
{
	void **slot = hmap_put(&t->by_addr, &addr, sizeof(addr));

	if (!slot)
		return -1;
	if (*slot)
		return (long)((uintptr_t)*slot - 1);
	if (t->nloc >= UINT32_MAX - 1 ||
	    grow(&t->addr, &t->cap, t->nloc + 1, sizeof(*t->addr)))
		return -1;
	if (t->nloc == 0 || t->cap != t->caplines) {	/* lines grows in step with addr */
		void *nl = realloc(t->lines, t->cap * sizeof(*t->lines));

		if (!nl)
			return -1;
		t->lines = nl;
		t->caplines = t->cap;
	}
	t->addr[t->nloc] = addr;
	memset(&t->lines[t->nloc], 0, sizeof(t->lines[0]));
	*slot = (void *)(uintptr_t)(t->nloc + 1);
	return (long)t->nloc++;
}

static const struct profile_function *function_for(struct ltab *t, struct arena *a,
						   const char *name, size_t nlen,
						   const char *file, size_t flen, size_t *ix)
{
	void **slot = NULL;
	struct buf key;

	/* a name or file with a NUL byte is kept short of it, so it never equals its text:
	 * such a function is a new one each time (and not looked up) */
	if (!memchr(name, '\0', nlen) && !memchr(file, '\0', flen)) {
		buf_init(&key);
		if (!buf_add(&key, name, nlen) && !buf_add(&key, "", 1) && !buf_add(&key, file, flen))
			slot = hmap_put(&t->by_fn, key.data, key.len);
		buf_release(&key);
		if (!slot)
			return NULL;
		if (*slot) {
			*ix = (uintptr_t)*slot - 1;
			return &t->fns[*ix];
		}
	}
	if (grow(&t->fns, &t->capfn, t->nfn + 1, sizeof(*t->fns)))
		return NULL;
	t->fns[t->nfn] = (struct profile_function){.id = t->nfn + 1};
	t->fns[t->nfn].name = arena_strndup(a, name, nlen);
	t->fns[t->nfn].system_name = t->fns[t->nfn].name;
	t->fns[t->nfn].file = arena_strndup(a, file, flen);
	if (!t->fns[t->nfn].name || !t->fns[t->nfn].file)
		return NULL;
	*ix = t->nfn;
	if (slot)
		*slot = (void *)(uintptr_t)(t->nfn + 1);
	return &t->fns[t->nfn++];
}

static void free_ltab(struct ltab *t)
{
	size_t i;

	for (i = 0; i < t->nloc; i++)
		free(t->lines[i].v);
	free(t->addr);
	free(t->lines);
	hmap_release(&t->by_addr);
	free(t->fns);
	hmap_release(&t->by_fn);
	free(t->smp);
	free(t->locref);
	free(t->vals);
}

static const char *skip_ws(const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	return s;
}

/* Parses an unsigned decimal; returns the position after it or NULL. */
static const char *parse_u64(const char *s, const char *end, uint64_t *v)
{
	uint64_t x = 0;
	const char *start = s;

	while (s < end && *s >= '0' && *s <= '9') {
		if (x > (UINT64_MAX - 9) / 10)
			return NULL;
		x = x * 10 + (uint64_t)(*s - '0');
		s++;
	}
	*v = x;
	return s == start ? NULL : s;
}

static const char *parse_hex(const char *s, const char *end, uint64_t *v)
{
	uint64_t x = 0;
	const char *start;

	if (end - s < 3 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return NULL;
	s += 2;
	start = s;
	while (s < end && isxdigit((unsigned char)*s)) {
		if (x >> 60)
			return NULL;
		x = (x << 4) | (uint64_t)(isdigit((unsigned char)*s) ? *s - '0' : (tolower((unsigned char)*s) - 'a' + 10));
		s++;
	}
	*v = x;
	return s == start ? NULL : s;
}

/* "N: M [N: M]" — returns the position after ']' or NULL */
static const char *parse_counts(const char *s, const char *end, uint64_t v[4])
{
	s = skip_ws(s, end);
	if (!(s = parse_u64(s, end, &v[0])) || s >= end || *s != ':')
		return NULL;
	s = skip_ws(s + 1, end);
	if (!(s = parse_u64(s, end, &v[1])))
		return NULL;
	s = skip_ws(s, end);
	if (s >= end || *s != '[')
		return NULL;
	s = skip_ws(s + 1, end);
	if (!(s = parse_u64(s, end, &v[2])) || s >= end || *s != ':')
		return NULL;
	s = skip_ws(s + 1, end);
	if (!(s = parse_u64(s, end, &v[3])))
		return NULL;
	s = skip_ws(s, end);
	if (s >= end || *s != ']')
		return NULL;
	return s + 1;
}

int profile_is_legacy_heap(const char *data, size_t len)
{
	const char *end = data + len, *s = data;

	while (s < end && isspace((unsigned char)*s))
		s++;
	return end - s >= 13 && !memcmp(s, "heap profile:", 13);
}

/* Unsamples a count and a size as pprof does for a sampling rate; -1 when a result does
 * not fit 64 bits (a double out of range must not be cast). */
static int scale(uint64_t count, uint64_t size, int64_t rate, int64_t *c, int64_t *b)
{
	double avg, sc, dc, db;

	if (count == 0 || size == 0) {
		*c = *b = 0;
		return 0;
	}
	if (rate <= 1) {
		if (count > INT64_MAX || size > INT64_MAX)
			return -1;
		*c = (int64_t)count;
		*b = (int64_t)size;
		return 0;
	}
	avg = (double)size / (double)count;
	sc = 1 / (1 - exp(-avg / (double)rate));
	dc = (double)count * sc;
	db = (double)size * sc;
	/* 2^63 is exact as a double; !(x < 2^63) also catches NaN */
	if (!(dc < 9223372036854775808.0) || !(db < 9223372036854775808.0))
		return -1;
	*c = (int64_t)dc;
	*b = (int64_t)db;
	return 0;
}

enum esc_status profile_parse_legacy(struct profile *p, struct err *e)
{
	struct profile_priv *pv = p->priv;
	struct arena *a = &pv->arena;
	const char *s = pv->data.data, *end = s + pv->data.len, *eol, *q;
	struct ltab t = {0};
	struct profile_value_type *types;
	struct profile_location *locs;
	struct profile_label *labels = NULL;
	uint64_t hv[4], rate = 0;
	int64_t totals[4] = {0};	/* the four columns' sums, each within 64 bits */
	long cur_loc = -1;	/* location the current frame lines extend */
	size_t cur_sample_first = 0, cur_k = 0, lineno = 0, i;
	int has_alloc, v2 = 1, in_sample = 0;
	enum esc_status st = ESC_OK;

	/* header */
	while (s < end && isspace((unsigned char)*s)) {
		if (*s == '\n')
			lineno++;
		s++;
	}
	lineno++;
	eol = memchr(s, '\n', (size_t)(end - s));
	if (!eol)
		eol = end;
	q = parse_counts(s + 13, eol, hv);
	if (q)
		q = skip_ws(q, eol);
	if (!q || q >= eol || *q != '@') {
		st = err_set(e, ESC_EINPUT, "'%s':%zu: malformed heap profile header", p->name, lineno);
		goto out;
	}
	q = skip_ws(q + 1, eol);
	if ((size_t)(eol - q) >= 8 && (!memcmp(q, "heap_v2/", 8))) {
		q += 8;
	} else if ((size_t)(eol - q) >= 5 && !memcmp(q, "heap/", 5)) {
		q += 5;
		v2 = 2;	/* "heap/N": N is twice the sampling rate */
	} else {
		st = err_set(e, ESC_EINPUT, "'%s':%zu: unsupported heap profile kind (want heap/RATE or heap_v2/RATE)",
			     p->name, lineno);
		goto out;
	}
	if (!parse_u64(q, eol, &rate) || rate > INT64_MAX) {
		st = err_set(e, ESC_EINPUT, "'%s':%zu: bad sampling rate in header", p->name, lineno);
		goto out;
	}
	p->period = (int64_t)(rate / (uint64_t)v2);
	has_alloc = (hv[2] != hv[0] && hv[2] != 0) || (hv[3] != hv[1] && hv[3] != 0);
	p->period_type.type = "space";
	p->period_type.unit = "bytes";
	types = arena_alloc(a, 4 * sizeof(*types));
	if (!types)
		goto nomem;
	if (has_alloc) {
		types[0] = (struct profile_value_type){"alloc_objects", "count"};
		types[1] = (struct profile_value_type){"alloc_space", "bytes"};
		types[2] = (struct profile_value_type){"inuse_objects", "count"};
		types[3] = (struct profile_value_type){"inuse_space", "bytes"};
		p->nsample_types = 4;
	} else {
		types[0] = (struct profile_value_type){"inuse_objects", "count"};
		types[1] = (struct profile_value_type){"inuse_space", "bytes"};
		p->nsample_types = 2;
	}
	p->sample_types = types;
	s = eol < end ? eol + 1 : end;

	for (; s < end; s = eol < end ? eol + 1 : end) {
		const char *l;

		lineno++;
		eol = memchr(s, '\n', (size_t)(end - s));
		if (!eol)
			eol = end;
		l = skip_ws(s, eol);
		if (l == eol || (l + 1 == eol && *l == '\r')) {
			in_sample = 0;	/* a blank line ends the samples' frame lists */
			continue;
		}
		if (*l == '#') {
			uint64_t pc;
			const char *fn, *fnend, *file, *fileend, *colon;
			uint64_t ln = 0;
			struct buf_lines *bl;
			size_t fix;
			long k = -1;

			if (!in_sample)
				continue;	/* # runtime.MemStats and other trailing comments */
			q = skip_ws(l + 1, eol);
			if (!(q = parse_hex(q, eol, &pc)))
				continue;
			/* which location: a new one when pc is the next address's call site */
			if (cur_loc >= 0 && t.addr[cur_loc] == pc)
				k = cur_loc;
			for (size_t j = cur_k; k < 0 && j < t.nlocref - cur_sample_first; j++) {
				size_t li = (size_t)(uintptr_t)t.locref[cur_sample_first + j];

				if (t.addr[li] == pc) {
					k = (long)li;
					cur_k = j + 1;
				}
			}
			if (k < 0)
				k = cur_loc;	/* an inlined caller printed at its own pc */
			if (k < 0)
				continue;
			if (k != cur_loc && t.lines[k].n)
				t.lines[k].done = 1;	/* already described by an earlier sample */
			cur_loc = k;
			bl = &t.lines[k];
			if (bl->done)
				continue;
			q = skip_ws(q, eol);
			if (q >= eol)
				continue;	/* address only: no symbol */
			fn = q;
			while (q < eol && *q != '\t' && *q != ' ')
				q++;
			fnend = q;
			/* strip "+0x…" */
			for (const char *pl = fnend; pl > fn; pl--)
				if (pl[-1] == '+') {
					fnend = pl - 1;
					break;
				}
			q = skip_ws(q, eol);
			file = q;
			fileend = eol;
			while (fileend > file && (fileend[-1] == '\r' || fileend[-1] == ' '))
				fileend--;
			colon = NULL;
			for (const char *c = fileend; c > file; c--)
				if (c[-1] == ':') {
					colon = c - 1;
					break;
				}
			if (colon && parse_u64(colon + 1, fileend, &ln) == fileend)
				fileend = colon;
			else
				ln = 0;
			if (!function_for(&t, a, fn, (size_t)(fnend - fn), file, (size_t)(fileend - file), &fix))
				goto nomem;
			if (grow(&bl->v, &bl->cap, bl->n + 1, sizeof(*bl->v)))
				goto nomem;
			bl->v[bl->n++] = (struct profile_line){(const void *)(uintptr_t)(fix + 1),
							       (int64_t)ln, 0};
			continue;
		}
		/* a sample line: N: M [N: M] @ addr... */
		q = parse_counts(l, eol, hv);
		if (q)
			q = skip_ws(q, eol);
		if (!q || q >= eol || *q != '@') {
			st = err_set(e, ESC_EINPUT, "'%s':%zu: malformed sample line", p->name, lineno);
			goto out;
		}
		q++;
		if (grow(&t.smp, &t.capsmp, t.nsmp + 1, sizeof(*t.smp)) ||
		    grow(&t.vals, &t.capvals, t.nvals + 4, sizeof(*t.vals)))
			goto nomem;
		cur_sample_first = t.nlocref;
		for (;;) {
			uint64_t addr;
			long li;

			q = skip_ws(q, eol);
			if (q >= eol || *q == '\r')
				break;
			if (!(q = parse_hex(q, eol, &addr))) {
				st = err_set(e, ESC_EINPUT, "'%s':%zu: malformed address in sample", p->name,
					     lineno);
				goto out;
			}
			if (t.nlocref - cur_sample_first >= pv->limits.max_depth) {
				st = err_set(e, ESC_ELIMIT, "'%s':%zu: sample has more than %u frames (raise it with --max-depth)",
					     p->name, lineno, pv->limits.max_depth);
				goto out;
			}
			/* return addresses: pprof charges the call instruction, one byte before
			 * (address 0 becomes the last address, as Go's uint64 arithmetic has it) */
			if ((li = location_for(&t, addr ? addr - 1 : UINT64_MAX)) < 0 ||
			    grow(&t.locref, &t.caplocref, t.nlocref + 1, sizeof(*t.locref)))
				goto nomem;
			t.locref[t.nlocref++] = (const void *)(uintptr_t)li;
		}
		t.smp[t.nsmp] = (struct legacy_sample){cur_sample_first, t.nlocref - cur_sample_first,
						       t.nvals, 0};
		{
			int64_t ic, ib, ac, ab;
			int64_t blocksize = hv[0] ? (int64_t)(hv[1] / hv[0]) :
					    hv[2] ? (int64_t)(hv[3] / hv[2]) : 0;

			if (scale(hv[0], hv[1], p->period, &ic, &ib) || scale(hv[2], hv[3], p->period, &ac, &ab)) {
				st = err_set(e, ESC_EINPUT, "'%s':%zu: the sample's values do not fit 64 bits",
					     p->name, lineno);
				goto out;
			}
			if (__builtin_add_overflow(totals[0], ic, &totals[0]) ||
			    __builtin_add_overflow(totals[1], ib, &totals[1]) ||
			    __builtin_add_overflow(totals[2], ac, &totals[2]) ||
			    __builtin_add_overflow(totals[3], ab, &totals[3])) {
				st = err_set(e, ESC_EINPUT, "'%s':%zu: the sample makes a total overflow 64 bits",
					     p->name, lineno);
				goto out;
			}
			if (has_alloc) {
				t.vals[t.nvals++] = ac;
				t.vals[t.nvals++] = ab;
			}
			t.vals[t.nvals++] = ic;
			t.vals[t.nvals++] = ib;
			t.smp[t.nsmp].label = (size_t)blocksize;	/* fixed up below */
		}
		t.nsmp++;
		in_sample = 1;
		cur_loc = -1;
		cur_k = 0;
	}

	/* the model */
	p->functions = t.fns;
	p->nfunctions = t.nfn;
	locs = arena_alloc(a, (t.nloc + 1) * sizeof(*locs));
	labels = calloc(t.nsmp + 1, sizeof(*labels));
	if (!locs || !labels)
		goto nomem;
	{
		struct profile_function *fns = arena_alloc(a, (t.nfn + 1) * sizeof(*fns));

		if (!fns)
			goto nomem;
		if (t.nfn)
			memcpy(fns, t.fns, t.nfn * sizeof(*fns));
		p->functions = fns;
	}
	for (i = 0; i < t.nloc; i++) {
		struct profile_line *ls = arena_alloc(a, (t.lines[i].n + 1) * sizeof(*ls));

		if (!ls)
			goto nomem;
		for (size_t j = 0; j < t.lines[i].n; j++) {
			ls[j] = t.lines[i].v[j];
			ls[j].function = &p->functions[(uintptr_t)ls[j].function - 1];
		}
		locs[i] = (struct profile_location){.id = i + 1, .address = t.addr[i], .lines = ls,
						    .nlines = t.lines[i].n, .index = i};
		if (t.lines[i].n > p->max_inline_depth)
			p->max_inline_depth = t.lines[i].n;
	}
	p->locations = locs;
	p->nlocations = t.nloc;
	for (i = 0; i < t.nlocref; i++)
		t.locref[i] = &locs[(uintptr_t)t.locref[i]];
	/* Go prints no frame line for the allocator's own leading runtime frames; its
	 * protobuf writer drops them, and so do we when a sample is symbolised at all */
	for (i = 0; i < t.nsmp; i++) {
		struct legacy_sample *ls = &t.smp[i];
		size_t j, any = 0;

		for (j = 0; j < ls->nlocs; j++)
			any |= t.locref[ls->first_loc + j]->nlines;
		while (any && ls->nlocs && !t.locref[ls->first_loc]->nlines) {
			ls->first_loc++;
			ls->nlocs--;
		}
		/* nor does it print runtime.goexit at the root */
		while (any && ls->nlocs && !t.locref[ls->first_loc + ls->nlocs - 1]->nlines)
			ls->nlocs--;
	}
	for (i = 0; i < t.nsmp; i++) {
		labels[i] = (struct profile_label){"bytes", NULL, (int64_t)t.smp[i].label, NULL};
		t.smp[i].label = i;
	}
	p->nsamples = t.nsmp;
	pv->legacy = t.smp;
	pv->nlegacy = t.nsmp;
	pv->legacy_locs = t.locref;
	pv->legacy_values = t.vals;
	pv->legacy_labels = labels;
	t.smp = NULL;
	t.locref = NULL;
	t.vals = NULL;
	labels = NULL;
	st = profile_index_locations(p, e);
	goto out;
nomem:
	st = err_set(e, ESC_ENOMEM, "'%s': out of memory", p->name);
out:
	free(labels);
	free_ltab(&t);
	return st;
}

/* Legacy samples were checked as they were parsed, their sums within 64 bits included. */
int profile_foreach_legacy(const struct profile *p, profile_sample_fn fn, void *ctx)
{
	const struct profile_priv *pv = p->priv;
	size_t i;
	int ret;

	for (i = 0; i < pv->nlegacy; i++) {
		const struct legacy_sample *ls = &pv->legacy[i];
		/* when no sample has a frame there is no frame array, and NULL + 0 is undefined */
		const struct profile_location **locs = ls->nlocs ? pv->legacy_locs + ls->first_loc : NULL;
		struct profile_sample s = {i, locs, ls->nlocs,
					   pv->legacy_values + ls->first_value, p->nsample_types,
					   pv->legacy_labels + ls->label, 1};

		if ((ret = fn(ctx, &s)))
			return ret;
	}
	return 0;
}

void profile_legacy_release(struct profile_priv *pv)
{
	free(pv->legacy);
	free(pv->legacy_locs);
	free(pv->legacy_values);
	free(pv->legacy_labels);
}
