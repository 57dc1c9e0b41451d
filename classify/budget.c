/* budget.c — the CI budget file: one rule a line, `#` comments, names quoted with ' or "
 * when they hold spaces. Parsing is strict: an unknown rule, sample type or unit is an
 * error naming the line, so a typo can never turn into a budget that silently passes. */
#include <ctype.h>
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "common/hmap.h"
#include "common/suggest.h"
#include "common/vec.h"

/* Splits a line into at most max words; quotes group (and may hold spaces or #), a #
 * at the start of a word begins a comment. Returns the number of words, max + 1 when
 * there are more, or -1 for an unterminated quote. Words are rewritten in place. */
static int split(char *line, char **w, int max)
{
	char *p = line, *out;
	int n = 0;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r')
			p++;
		if (!*p || *p == '#')
			return n;
		if (n == max)
			return max + 1;
		w[n++] = out = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\r') {
			if (*p == '\'' || *p == '"') {
				char q = *p++;

				while (*p && *p != q)
					*out++ = *p++;
				if (!*p)
					return -1;
				p++;
			} else {
				*out++ = *p++;
			}
		}
		if (*p)
			p++;
		*out = '\0';	/* out never passes the delimiter just read */
	}
}

/* The rule as written, for reports: its comment dropped, runs of blanks folded. */
static char *rule_text(const char *s, size_t n)
{
	char *t = malloc(n + 1), *o = t, q = 0;
	size_t i;

	if (!t)
		return NULL;
	for (i = 0; i < n; i++) {
		char ch = s[i] == '\t' || s[i] == '\r' ? ' ' : s[i];

		if (q) {
			if (ch == q)
				q = 0;
		} else if (ch == '\'' || ch == '"') {
			q = ch;
		} else if (ch == '#' && (o == t || o[-1] == ' ')) {
			break;
		} else if (ch == ' ' && (o == t || o[-1] == ' ')) {
			continue;
		}
		*o++ = ch;
	}
	while (o > t && o[-1] == ' ')
		o--;
	*o = '\0';
	return t;
}

/* " (did you mean 'X'?)" when one of cands is close to word, else "". */
static const char *did_you_mean(char *buf, size_t n, const char *word, const char *const *cands,
				size_t ncands)
{
	const char *s = suggest(word, cands, ncands);

	if (!s)
		return "";
	snprintf(buf, n, " (did you mean '%s'?)", s);
	return buf;
}

/* "512MiB", "2M", "5%", "+10%", "0" -> value and kind; -1 on a bad unit */
static int parse_limit(const char *s, int type, struct budget_rule *r, char *why, size_t n)
{
	static const struct { const char *u; double m; int bytes; } units[] = {
		{"", 1, 0}, {"B", 1, 1}, {"KiB", 1024.0, 1}, {"MiB", 1048576.0, 1},
		{"GiB", 1073741824.0, 1}, {"TiB", 1099511627776.0, 1}, {"k", 1e3, 0}, {"K", 1e3, 0},
		{"M", 1e6, 0}, {"G", 1e9, 0},
	};
	char *end;
	double v;
	size_t i;

	r->limit_kind = BUDGET_ABSOLUTE;
	if (*s == '+') {
		r->limit_kind = BUDGET_GROWTH;
		s++;
	}
	if (!isdigit((unsigned char)*s) && *s != '.') {
		snprintf(why, n, "limit '%s' is not a number", s);
		return -1;
	}
	v = strtod(s, &end);
	if (!isfinite(v) || v < 0) {
		snprintf(why, n, "limit '%s' is out of range", s);
		return -1;
	}
	if (!strcmp(end, "%")) {
		if (r->limit_kind != BUDGET_GROWTH)
			r->limit_kind = BUDGET_SHARE;
		r->limit = v;
		return 0;
	}
	if (r->limit_kind == BUDGET_GROWTH) {
		snprintf(why, n, "a growth limit is a percentage (+10%%), not '+%s'", s);
		return -1;
	}
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(end, units[i].u)) {
			if (units[i].bytes && type >= 0 && !store_heap_is_bytes(type)) {
				snprintf(why, n, "unit '%s' counts bytes but %s counts objects", end,
					 store_heap_types[type]);
				return -1;
			}
			r->limit = v * units[i].m;
			return 0;
		}
	{
		static const char *const names[] = {"B", "KiB", "MiB", "GiB", "TiB", "k", "M", "G", "%"};
		char hint[128];

		snprintf(why, n, "unknown unit '%s'%s (B KiB MiB GiB TiB, k M G, %%, +%%)", end,
			 did_you_mean(hint, sizeof(hint), end, names, 9));
	}
	return -1;
}

static const char *const scope_names[] = {"total", "package", "function", "site", "cause"};

/* The scope a rule's first word names; "function?" (a trailing ?) marks it optional. */
static enum budget_scope scope_of(const char *w, int *optional)
{
	size_t n = strlen(w);
	int i;

	*optional = n > 1 && w[n - 1] == '?';
	if (*optional)
		n--;
	for (i = 0; i < 5; i++)
		if (strlen(scope_names[i]) == n && !strncmp(w, scope_names[i], n))
			return (enum budget_scope)i;
	return BUDGET_SCOPE_NONE;
}

/* A cause rule names causes of the table: a name one of them, a glob at least one. */
static int check_cause(const char *pattern, char *why, size_t n)
{
	const struct classify_cause *cs;
	const char *ids[64];
	char hint[128];
	size_t nc, i, k = 0;

	cs = classify_causes(&nc);
	for (i = 0; i < nc && k < 64; i++) {
		if (!fnmatch(pattern, cs[i].id, 0))
			return 0;
		ids[k++] = cs[i].id;
	}
	snprintf(why, n, "'%s' is no cause escprof knows%s (the causes view and the README's"
		 " causes table list them)", pattern, did_you_mean(hint, sizeof(hint), pattern, ids, k));
	return -1;
}

const char *budget_scope_name(enum budget_scope s)
{
	static const char *const names[] = {"total", "package", "function", "site", "cause",
					    "new-escapes"};

	return s >= 0 && s <= BUDGET_NEW_ESCAPES ? names[s] : "?";
}

enum esc_status budget_parse(const char *name, const char *text, size_t len,
			     struct budget *b, struct err *e)
{
	size_t lineno = 0, off = 0;
	enum esc_status st = ESC_OK;

	memset(b, 0, sizeof(*b));
	while (off < len) {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t ll = nl ? (size_t)(nl - (text + off)) : len - off;
		char *line, *w[10], why[1024] = "";
		struct budget_rule r = {0};
		int n, i = 0, growth = 0, type = -1;

		lineno++;
		if (memchr(text + off, '\0', ll)) {
			st = err_set(e, ESC_EINPUT, "'%s':%zu: NUL byte in a budget file", name, lineno);
			goto fail;
		}
		line = strndup(text + off, ll);
		off += ll + (nl ? 1 : 0);
		if (!line) {
			st = err_set(e, ESC_ENOMEM, "'%s': out of memory", name);
			goto fail;
		}
		n = split(line, w, 8);
		if (n == 0) {
			free(line);
			continue;
		}
		if (n < 0 || n > 8) {
			free(line);
			st = err_set(e, ESC_EINPUT, "'%s':%zu: %s", name, lineno,
				     n < 0 ? "unterminated quote" : "too many words");
			goto fail;
		}
		r.line = lineno;
		if (!strcmp(w[0], "grown")) {
			growth = 1;
			i = 1;
		}
		if (i < n && !strcmp(w[i], "new-escapes") && !growth) {
			r.scope = BUDGET_NEW_ESCAPES;
			i++;
			if (i < n && strcmp(w[i], "<=") && strcmp(w[i], "<") && !(r.pattern = strdup(w[i++])))
				goto nomem;
		} else if (i < n && (r.scope = scope_of(w[i], &r.optional)) != BUDGET_SCOPE_NONE) {
			i++;
			if (r.optional && (r.scope == BUDGET_TOTAL || r.scope == BUDGET_CAUSE)) {
				snprintf(why, sizeof(why), "a %s rule always has something to check: no '?'",
					 scope_names[r.scope]);
				goto bad;
			}
			if (r.scope != BUDGET_TOTAL) {
				if (i >= n) {
					snprintf(why, sizeof(why), "%s rule needs a name or pattern", w[i - 1]);
					goto bad;
				}
				if (!(r.pattern = strdup(w[i++])))
					goto nomem;
				if (r.scope == BUDGET_CAUSE && check_cause(r.pattern, why, sizeof(why)))
					goto bad;
			}
			if (i >= n || (type = store_heap_type_index(w[i])) < 0) {
				char hint[128];

				snprintf(why, sizeof(why), "unknown sample type '%s'%s (alloc_objects, alloc_space,"
					 " inuse_objects, inuse_space)", i < n ? w[i] : "",
					 i < n ? did_you_mean(hint, sizeof(hint), w[i], store_heap_types, STORE_NHEAP) : "");
				goto bad;
			}
			r.type = type;
			i++;
		} else {
			static const char *const rules[] = {"total", "package", "function", "site", "cause",
							    "new-escapes", "grown"};
			char hint[128];
			const char *word = i < n ? w[i] : w[0];

			snprintf(why, sizeof(why), "unknown rule '%s'%s (total, package, function, site, cause,"
				 " new-escapes, grown ...; a ? after package, function or site makes a rule"
				 " optional)", word, did_you_mean(hint, sizeof(hint), word, rules, 7));
			goto bad;
		}
		if (i >= n || (strcmp(w[i], "<=") && strcmp(w[i], "<"))) {
			snprintf(why, sizeof(why), "expected <= or < before the limit");
			goto bad;
		}
		r.strict = !strcmp(w[i], "<");
		i++;
		if (i != n - 1) {
			snprintf(why, sizeof(why), i >= n ? "missing limit" : "unexpected '%s' after the limit",
				 i >= n ? "" : w[i + 1]);
			goto bad;
		}
		if (parse_limit(w[i], r.scope == BUDGET_NEW_ESCAPES ? -1 : type, &r, why, sizeof(why)))
			goto bad;
		if (growth != (r.limit_kind == BUDGET_GROWTH)) {
			snprintf(why, sizeof(why), growth ? "a grown rule takes a +N%% limit" :
				 "a +N%% limit needs a grown rule");
			goto bad;
		}
		if (r.scope == BUDGET_NEW_ESCAPES && r.limit_kind != BUDGET_ABSOLUTE) {
			snprintf(why, sizeof(why), "new-escapes takes a count");
			goto bad;
		}
		r.growth = growth;
		r.text = rule_text(text + off - ll - (nl ? 1 : 0), ll);
		free(line);
		if (!r.text || vec_reserve(&b->rules, &b->cap, b->n + 1, sizeof(*b->rules), 8)) {
			free(r.pattern);
			free(r.text);
			st = err_set(e, ESC_ENOMEM, "'%s': out of memory", name);
			goto fail;
		}
		b->rules[b->n++] = r;
		continue;
bad:
		free(r.pattern);
		free(line);
		st = err_set(e, ESC_EINPUT, "'%s':%zu: %s", name, lineno, why);
		goto fail;
nomem:
		free(line);
		st = err_set(e, ESC_ENOMEM, "'%s': out of memory", name);
		goto fail;
	}
	if (!b->n)
		return err_set(e, ESC_EINPUT, "'%s': no rules (an empty budget would always pass)", name);
	return ESC_OK;
fail:
	budget_release(b);
	b->error_line = lineno;
	return st;
}

void budget_release(struct budget *b)
{
	size_t i;

	for (i = 0; i < b->n; i++) {
		free(b->rules[i].pattern);
		free(b->rules[i].text);
	}
	free(b->rules);
	memset(b, 0, sizeof(*b));
}

/* ---- matching escapes of two builds ---- */

struct idx_list {
	size_t *v;
	size_t n, cap;
};

static char *escape_key(const struct classify_escape *x, size_t *len)
{
	size_t a = strlen(x->file), b = strlen(x->kind), c = strlen(x->subject);
	char *k = malloc(a + b + c + 3);

	if (!k)
		return NULL;
	memcpy(k, x->file, a + 1);
	memcpy(k + a + 1, x->kind, b + 1);
	memcpy(k + a + b + 2, x->subject, c + 1);
	*len = a + b + c + 2;
	return k;
}

int classify_match_escapes(struct classify_escape *base, size_t nb, struct classify_escape *cur,
			   size_t nc)
{
	struct hmap m;
	size_t i, j, pos = 0;
	const char *k;
	void *v;
	int ret = 0, pass;

	hmap_init(&m);
	for (i = 0; i < nb; i++) {
		size_t len;
		char *key = escape_key(&base[i], &len);
		void **slot;
		struct idx_list *l;

		base[i].matched = 0;
		if (!key || !(slot = hmap_put(&m, key, len))) {
			free(key);
			ret = -1;
			goto out;
		}
		free(key);
		if (!*slot && !(*slot = calloc(1, sizeof(struct idx_list)))) {
			ret = -1;
			goto out;
		}
		l = *slot;
		if (vec_reserve(&l->v, &l->cap, l->n + 1, sizeof(*l->v), 4)) {
			ret = -1;
			goto out;
		}
		l->v[l->n++] = i;
	}
	for (i = 0; i < nc; i++)
		cur[i].matched = 0;
	/* the same expression at the same line first, then where it moved to */
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < nc; i++) {
			size_t len, best = (size_t)-1;
			char *key;
			struct idx_list *l;

			if (cur[i].matched)
				continue;
			key = escape_key(&cur[i], &len);
			if (!key) {
				ret = -1;
				goto out;
			}
			l = hmap_get(&m, key, len);
			free(key);
			for (j = 0; l && j < l->n; j++) {
				const struct classify_escape *b = &base[l->v[j]];
				unsigned d, bd;

				if (b->matched || (pass == 0 && b->line != cur[i].line))
					continue;
				d = b->line > cur[i].line ? b->line - cur[i].line : cur[i].line - b->line;
				bd = best == (size_t)-1 ? (unsigned)-1 :
				     base[best].line > cur[i].line ? base[best].line - cur[i].line :
				     cur[i].line - base[best].line;
				if (d < bd)
					best = l->v[j];
			}
			if (best != (size_t)-1) {
				base[best].matched = 1;
				cur[i].matched = 1;
			}
		}
out:
	while (hmap_next(&m, &pos, &k, &v)) {
		struct idx_list *l = v;

		if (l) {
			free(l->v);
			free(l);
		}
	}
	hmap_release(&m);
	return ret;
}
