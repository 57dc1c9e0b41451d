/* srcread.c — the join's reading of Go source: a make's sink when the compiler printed
 * only its size, maps and methods declared in a package, a callee's store of a
 * parameter, literal fields, deferred calls, and what a line without a diagnostic
 * allocates. Text only, no parsing of Go: every rule looks at whole words and balanced
 * brackets, and answers "cannot tell" rather than guess across statements it cannot see. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "srcread.h"

const char SRCREAD_LITERAL[] = "literal";

static int starts(const char *s, const char *p)
{
	return s && !strncmp(s, p, strlen(p));
}

void srcread_init(struct srcread *sr, struct classify_sources *src, const struct hmap *map_puts)
{
	sr->src = src;
	sr->map_puts = map_puts;
	hmap_init(&sr->decl);
}

void srcread_release(struct srcread *sr)
{
	hmap_release(&sr->decl);
}

static int is_ident_char(char c);
static const char *find_word(const char *s, const char *w);

/* What a source line says when the compiler said nothing that allocates there. */
const char *srcread_line_cause(const char *t, size_t n, int dependency, double *conf)
{
	char line[1024];
	char *c;

	snprintf(line, sizeof(line), "%.*s", (int)n, t);
	if ((c = strstr(line, "//")))
		*c = '\0';
	if (strstr(line, "make(chan ")) {
		*conf = 0.9;
		return "channel-make";
	}
	if (strstr(line, "append(")) {
		*conf = 0.8;
		return "append-growth";
	}
	/* a map made in the user's code has a diagnostic of its own; one made inside a
	 * dependency is that dependency's business, not growth */
	if (!dependency && (strstr(line, "make(map") || strstr(line, "map["))) {
		*conf = 0.7;
		return "map-growth";
	}
	/* an index assignment allocates only when it indexes a map */
	if ((c = strchr(line, '[')) && (strstr(c, "] =") || strstr(c, "]++") || strstr(c, "] +=") ||
					 strstr(c, "]--") || strstr(c, "] -=")) &&
	    !strstr(line, "make(")) {
		*conf = 0.6;
		return "map-growth";
	}
	if (strstr(line, "string(") || strstr(line, "[]byte(") || strstr(line, "[]rune(") ||
	    strstr(line, "\" +") || strstr(line, "+ \"")) {
		*conf = 0.6;
		return "string-build";
	}
	return NULL;
}

/* The head of an allocating expression as it would be written in the source:
 * "&ast.Field{...}" -> "&ast.Field{", "append(params, field)" -> "append(". */
static size_t expr_head(const char *subject, char *out, size_t n)
{
	size_t len = strcspn(subject, "({[ ");

	if (subject[len] == '(' || subject[len] == '{')
		len++;
	if (len >= n)
		len = n - 1;
	memcpy(out, subject, len);
	out[len] = '\0';
	return len;
}

/* Is the expression a diagnostic names written on this source line? 1 yes, 0 no, -1
 * cannot tell ("... argument", "func literal"). Variables of an inlined body are printed
 * qualified ("sub.s"); conversions as "([]byte)(s)". */
int srcread_written_on(const char *subject, const char *line)
{
	char head[256];

	if (!subject || !*subject || !strcmp(subject, "... argument") || starts(subject, "func literal"))
		return -1;
	if (subject[0] == '(') {
		const char *close = strchr(subject, ')');

		if (!close || close[1] != '(')
			return -1;
		snprintf(head, sizeof(head), "%.*s(", (int)(close - subject - 1), subject + 1);
		return strstr(line, head) != NULL;
	}
	if (is_ident_char(subject[0]) && !strpbrk(subject, "({[ ")) {
		const char *dot = strrchr(subject, '.');

		return find_word(line, dot ? dot + 1 : subject) != NULL;
	}
	if (expr_head(subject, head, sizeof(head)) <= 1)
		return -1;
	if (strstr(line, head))
		return 1;
	/* a type of the inlined body's own package is printed qualified: "&io.LimitedReader{"
	 * is written "&LimitedReader{" in package io */
	{
		char *start = head + strspn(head, "&[]*"), *dot = strchr(start, '.');
		char *brace = strpbrk(start, "({");

		if (dot && dot > start && (!brace || dot < brace)) {
			memmove(start, dot + 1, strlen(dot + 1) + 1);
			return strstr(line, head) != NULL;
		}
	}
	return 0;
}

static int is_ident_char(char c)
{
	return c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (unsigned char)c >= 0x80;
}

/* The first occurrence of the identifier w in s as a whole word, or NULL. */
static const char *find_word(const char *s, const char *w)
{
	size_t wl = strlen(w);
	const char *p;

	for (p = s; (p = strstr(p, w)); p++)
		if ((p == s || (!is_ident_char(p[-1]) && p[-1] != '.')) && !is_ident_char(p[wl]))
			return p;
	return NULL;
}

/* Source line `line` of frame x's file, without its comment, into out; -1 when unknown. */
int srcread_line(struct srcread *sr, const struct store_frame *x, int64_t line, char *out, size_t n)
{
	const char *t;
	size_t len;
	char *c;

	if (classify_source_line(sr->src, x->file, line, &t, &len))
		return -1;
	snprintf(out, n, "%.*s", (int)len, t);
	if ((c = strstr(out, "//")))
		*c = '\0';
	return 0;
}

/* Is var itself (or its address, or a slice of it) one of the comma-separated operands
 * of list? An element, a length or a conversion of it is a copy, not the variable. */
static int operand_in_list(const char *list, const char *var)
{
	size_t vl = strlen(var);
	const char *p = list;

	for (;;) {
		int depth = 0;
		const char *end;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '&')
			p++;
		if (!strncmp(p, var, vl) && !is_ident_char(p[vl])) {
			const char *q = p + vl;

			if (!*q || *q == ',' || *q == ' ' || *q == ')' || *q == ';')
				return 1;
			if (*q == '[') {
				const char *close = strchr(q, ']');

				if (close && memchr(q, ':', (size_t)(close - q)))
					return 1;	/* a slice of it shares its array */
			}
		}
		for (end = p; *end && !(depth == 0 && *end == ','); end++) {
			if (*end == '(' || *end == '[' || *end == '{')
				depth++;
			else if ((*end == ')' || *end == ']' || *end == '}') && depth)
				depth--;
		}
		if (!*end)
			return 0;
		p = end + 1;
	}
}

/* Whether, in the Go text t, the identifier at p (name, nl bytes) is declared as asked:
 * SRCREAD_MAP "name map[", "name := make(map[", "name: map[", or "name T" for a type T
 * declared "type T map[" in t; SRCREAD_METHOD "func (r T) name(". */
static int declares(const char *t, const char *p, size_t nl, enum srcread_decl k)
{
	const char *q = p + nl, *line = p;

	while (line > t && line[-1] != '\n')
		line--;
	if (k == SRCREAD_METHOD)
		return starts(line, "func (") && *q == '(' && memchr(line, ')', (size_t)(p - line)) != NULL;
	while (*q == ' ' || *q == '\t')
		q++;
	if (starts(q, "map["))
		return 1;
	if ((starts(q, ":=") || starts(q, "=") || *q == ':') &&
	    (q += strspn(q, ":= \t"), starts(q, "make(map[") || starts(q, "map[")))
		return 1;
	/* "h MIMEHeader": a named map type declared in the same text */
	if (q > p + nl && is_ident_char(*q) && *q != '_') {
		char tl[300];
		size_t n = 0;

		while (*q == '*')
			q++;
		while (is_ident_char(q[n]) && n < 250)
			n++;
		if (n && n < 250) {
			const char *d;

			snprintf(tl, sizeof(tl), "type %.*s map[", (int)n, q);
			for (d = t; (d = strstr(d, tl)); d++)
				if (d == t || d[-1] == '\n')
					return 1;
		}
	}
	return 0;
}

/* Whether the identifier name is declared as asked (see declares) in the Go files of x's
 * source directory. Cached per directory, kind and name. */
int srcread_declared(struct srcread *sr, const struct store_frame *x, const char *name, size_t nl,
		    enum srcread_decl kind)
{
	const char *path = classify_source_path(sr->src, x->file);
	char dir[4096], key[4400], *slash;
	void **slot;
	DIR *dh;
	struct dirent *de;
	int found = 0, kl;

	if (!path || nl == 0 || nl > 200)
		return 0;
	snprintf(dir, sizeof(dir), "%s", path);
	if (!(slash = strrchr(dir, '/')))
		return 0;
	*slash = '\0';
	kl = snprintf(key, sizeof(key), "%s%c%d%.*s", dir, 0, (int)kind, (int)nl, name);
	if (kl < 0 || (size_t)kl >= sizeof(key) || !(slot = hmap_put(&sr->decl, key, (size_t)kl)))
		return 0;
	if (*slot)
		return *slot == (void *)1;
	if ((dh = opendir(dir))) {
		while (!found && (de = readdir(dh))) {
			size_t dl = strlen(de->d_name);
			char file[4400], w[256];
			struct buf b;
			const char *p;

			if (dl < 4 || strcmp(de->d_name + dl - 3, ".go"))
				continue;
			snprintf(file, sizeof(file), "%s/%s", dir, de->d_name);
			buf_init(&b);
			if (!buf_read_file(&b, file, 16 << 20)) {
				snprintf(w, sizeof(w), "%.*s", (int)nl, name);
				for (p = b.data; !found && (p = find_word(p, w)); p += nl)
					found = declares(b.data, p, nl, kind);
			}
			buf_release(&b);
		}
		closedir(dh);
	}
	*slot = found ? (void *)1 : (void *)2;
	return found;
}

/* Whether the indexed expression of an assignment's left side ("s.keys[name]", "m[k]")
 * is a map: a map put the build saw, else a map the source declares. */
int srcread_indexes_map(struct srcread *sr, const struct store_frame *x, const char *lhs, size_t n)
{
	const char *br = memchr(lhs, '[', n), *start;

	if (hmap_get(sr->map_puts, lhs, n))
		return 1;
	if (!br || !x)
		return 0;
	for (start = br; start > lhs && is_ident_char(start[-1]); start--)
		;
	return srcread_declared(sr, x, start, (size_t)(br - start), SRCREAD_MAP);
}

/* Where a statement "LHS = ..." stores: through a pointer or a field (global-store), an
 * index (map-store for a map, else slice-store); NULL for a plain variable. */
static const char *store_sink(struct srcread *sr, const struct store_frame *x, const char *lhs, size_t n)
{
	while (n && lhs[n - 1] == ' ')
		n--;
	while (n && (*lhs == ' ' || *lhs == '\t'))
		lhs++, n--;
	if (!n)
		return NULL;
	if (lhs[n - 1] == ']' && memchr(lhs, '[', n))
		return srcread_indexes_map(sr, x, lhs, n) ? "map-store" : "slice-store";
	if (*lhs == '*' || memchr(lhs, '.', n))
		return "global-store";
	return NULL;
}

/* Whether the right side of an assignment holds var itself: one of its operands, or a
 * field value of a composite literal ("Reader{buf: buf, rd: r}"). */
static int rhs_holds(const char *rhs, const char *var)
{
	const char *w;

	if (operand_in_list(rhs, var))
		return 1;
	if (!strchr(rhs, '{'))
		return 0;
	for (w = rhs; (w = find_word(w, var)); w++) {
		const char *b = w, *a = w + strlen(var);

		while (b > rhs && b[-1] == ' ')
			b--;
		while (*a == ' ')
			a++;
		if (b > rhs && strchr(":{,", b[-1]) && (*a == ',' || *a == '}'))
			return 1;
	}
	return 0;
}

/* What a function of x's source directory does with its parameter number argi (a
 * method's or a plain function's, named name): stores it through a pointer, into a map or
 * a slice, sends it. NULL when it does none of these (or cannot be found). */
static const char *callee_stores(struct srcread *sr, const struct store_frame *x, const char *name,
				 size_t nl, int argi)
{
	const char *path = classify_source_path(sr->src, x->file);
	char dir[4096], want[300], *slash;
	const char *sink = NULL;
	DIR *dh;
	struct dirent *de;

	if (!path || !nl || nl > 200)
		return NULL;
	snprintf(dir, sizeof(dir), "%s", path);
	if (!(slash = strrchr(dir, '/')))
		return NULL;
	*slash = '\0';
	snprintf(want, sizeof(want), "%.*s(", (int)nl, name);
	if (!(dh = opendir(dir)))
		return NULL;
	while (!sink && (de = readdir(dh))) {
		size_t dl = strlen(de->d_name);
		char file[4400];
		struct buf b;
		char *ln, *save = NULL;
		char param[256] = "";
		int in_body = 0;

		if (dl < 4 || strcmp(de->d_name + dl - 3, ".go"))
			continue;
		snprintf(file, sizeof(file), "%s/%s", dir, de->d_name);
		buf_init(&b);
		if (buf_read_file(&b, file, 16 << 20)) {
			buf_release(&b);
			continue;
		}
		for (ln = strtok_r(b.data, "\n", &save); ln && !sink; ln = strtok_r(NULL, "\n", &save)) {
			char *c;

			if ((c = strstr(ln, "//")))
				*c = '\0';
			if (!in_body) {
				const char *at, *p;
				int k;

				/* "func name(" or "func (r *T) name(" */
				if (!starts(ln, "func ") || !(at = strstr(ln, want)) ||
				    (at > ln && (is_ident_char(at[-1]) || at[-1] == '.')) ||
				    (at != ln + 5 && !(at > ln + 5 && at[-1] == ' ' && at[-2] == ')')))
					continue;
				/* the argi-th parameter's name */
				p = at + nl + 1;
				for (k = 0; k < argi && p; k++)
					if ((p = strchr(p, ',')))
						p++;
				if (!p)
					break;
				while (*p == ' ')
					p++;
				snprintf(param, sizeof(param), "%.*s", (int)strspn(p,
					 "_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"), p);
				in_body = param[0] != '\0';
				continue;
			}
			if (ln[0] == '}')
				break;
			{
				const char *eq = strstr(ln, " = ");
				struct buf stmt;
				int open = 0;
				const char *q;

				/* a statement whose composite literal goes on over the next lines */
				buf_init(&stmt);
				buf_adds(&stmt, ln);
				for (q = ln; *q; q++)
					open += *q == '{' ? 1 : *q == '}' ? -1 : 0;
				while (eq && open > 0 && (ln = strtok_r(NULL, "\n", &save))) {
					for (q = ln; *q; q++)
						open += *q == '{' ? 1 : *q == '}' ? -1 : 0;
					buf_addc(&stmt, ' ');
					buf_adds(&stmt, ln);
				}
				eq = strstr(stmt.data, " = ");
				if (eq && !strstr(stmt.data, ":=") && rhs_holds(eq + 3, param))
					sink = store_sink(sr, x, stmt.data, (size_t)(eq - stmt.data));
				else if ((eq = strstr(stmt.data, "<- ")) && operand_in_list(eq + 3, param))
					sink = "channel-send";
				buf_release(&stmt);
				if (!ln)
					break;
			}
		}
		buf_release(&b);
	}
	closedir(dh);
	return sink;
}

/* A make passed straight to a call ("r.reset(make([]byte, size), rd)"): where the callee
 * puts that parameter. line[0..at) is the text before the make. */
static const char *argument_sink(struct srcread *sr, const struct store_frame *x, const char *line,
				 size_t at)
{
	int depth = 0, argi = 0;
	size_t i = at, end;

	/* back to the call's '(' at this depth, counting the arguments before */
	while (i > 0) {
		char c = line[--i];

		if (c == ')' || c == ']' || c == '}')
			depth++;
		else if (c == '[' || c == '{')
			depth--;
		else if (c == '(') {
			if (!depth)
				break;
			depth--;
		} else if (c == ',' && !depth)
			argi++;
		if (depth < 0)
			return NULL;
	}
	if (line[i] != '(')
		return NULL;
	end = i;
	while (i > 0 && is_ident_char(line[i - 1]))
		i--;
	if (i == end || !strncmp(line + i, "append", end - i))
		return NULL;
	return callee_stores(sr, x, line + i, end - i, argi);
}

/* The line where the composite literal holding the text before `at` on line l opens: the
 * nearest unclosed '{' going back (at most 30 lines); 0 when none. */
static int64_t literal_opening(struct srcread *sr, const struct store_frame *x, int64_t l, const char *before)
{
	char line[4096];
	int depth = 0;
	const char *p;

	for (p = before + strlen(before); p > before; p--)
		depth += p[-1] == '}' ? 1 : p[-1] == '{' ? -1 : 0;
	if (depth < 0)
		return l;
	for (l--; l >= 1 && l > x->line - 30; l--) {
		if (srcread_line(sr, x, l, line, sizeof(line)) || starts(line, "func "))
			return 0;
		for (p = line + strlen(line); p > line; p--)
			depth += p[-1] == '}' ? 1 : p[-1] == '{' ? -1 : 0;
		if (depth < 0)
			return l;
	}
	return 0;
}

const char *srcread_sink(struct srcread *sr, const struct store_frame *x, const char *subject,
				  int64_t *literal_line)
{
	char line[4096], var[256], *at, *op;
	int64_t l, nl = classify_source_lines(sr->src, x->file);
	const char *sink;

	if (!subject || srcread_line(sr, x, x->line, line, sizeof(line)))
		return NULL;
	var[0] = '\0';
	if (starts(subject, "make(") || starts(subject, "new(")) {
		if (!(at = strstr(line, starts(subject, "make(") ? "make(" : "new(")))
			return NULL;
		*at = '\0';
		if (find_word(line, "return"))
			return "pointer-returned";
		/* "LHS = make(" or "LHS := make(" */
		op = at;
		while (op > line && op[-1] == ' ')
			op--;
		if (op > line && op[-1] == ':' && (op - 1 == line || op[-2] != '=') &&
		    (*literal_line = literal_opening(sr, x, x->line, line)))
			return SRCREAD_LITERAL;	/* "field: make(...)": the literal's fate is its own */
		if (op == line || op[-1] != '=')
			return argument_sink(sr, x, line, at - line);	/* "f(make(...))" */
		op--;
		if (op > line && op[-1] == ':') {
			op--;
		} else if (op > line && strchr("!<>+-*/%&|^", op[-1])) {
			return NULL;
		} else if ((sink = store_sink(sr, x, line, (size_t)(op - line)))) {
			return sink;
		}
		*op = '\0';
		at = op;
		while (at > line && at[-1] == ' ')
			at--;
		*at = '\0';
		if ((at = strrchr(line, ',')))	/* "a, b := make(...), x": rare; keep the last */
			memmove(line, at + 1, strlen(at + 1) + 1);
		for (at = line; *at == ' ' || *at == '\t'; at++)
			;
		if (starts(at, "var "))
			at += 4;
		snprintf(var, sizeof(var), "%.*s", (int)strspn(at, "_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"), at);
	} else {
		snprintf(var, sizeof(var), "%s", subject);	/* moved to heap: x */
	}
	if (!var[0] || !is_ident_char(var[0]))
		return NULL;
	/* a named result */
	for (l = x->line; l >= 1 && l > x->line - 400; l--) {
		if (srcread_line(sr, x, l, line, sizeof(line)))
			return NULL;
		if (starts(line, "func ")) {
			char *close = strstr(line, ") (");

			if (close && find_word(close, var))
				return "pointer-returned";
			break;
		}
	}
	/* what the function does with the variable afterwards */
	for (l = x->line + 1; l <= nl; l++) {
		const char *ret, *eq, *send;

		if (srcread_line(sr, x, l, line, sizeof(line)) || line[0] == '}' || starts(line, "func "))
			break;
		if (!find_word(line, var))
			continue;
		if ((ret = find_word(line, "return")) && operand_in_list(ret + 6, var))
			return "pointer-returned";
		if ((eq = strstr(line, " = ")) && !strstr(line, ":=") && operand_in_list(eq + 3, var) &&
		    (sink = store_sink(sr, x, line, (size_t)(eq - line))))
			return sink;
		if ((send = strstr(line, "<- ")) && operand_in_list(send + 3, var))
			return "channel-send";
	}
	return NULL;
}

/* Whether the right side of "LHS = RHS" on a source line allocates by itself: a
 * composite literal, make, new or &T{}. */
int srcread_explicit_rhs(const char *t, size_t n)
{
	char line[1024];
	const char *eq;

	snprintf(line, sizeof(line), "%.*s", (int)n, t);
	if (!(eq = strstr(line, " = ")))
		return 0;
	eq += 3;
	return starts(eq, "make(") || starts(eq, "new(") || starts(eq, "&") ||
	       (strchr(eq, '{') && !strchr(eq, '('));
}

/* Whether x's source line assigns to an element of a map ("m[k] = ..."). */
int srcread_assigns_map(struct srcread *sr, const struct store_frame *x)
{
	char line[4096];
	const char *eq;

	if (srcread_line(sr, x, x->line, line, sizeof(line)) || !(eq = strstr(line, "] = ")))
		return 0;
	return srcread_indexes_map(sr, x, line, (size_t)(eq + 1 - line));
}

/* Whether the site frame f[j] called f[j-1] through a defer statement: the function's
 * source, from the site line up to its declaration, has "defer" and that call. A
 * deferred call runs at the return, and is attributed to the return's line. */
int srcread_deferred(struct srcread *sr, const struct store_frame *f, size_t j)
{
	char line[4096], name[256];
	const char *callee = f[j - 1].function, *p;
	size_t pl = classify_package_of(callee, NULL, 0);
	int64_t l;

	p = callee + pl + (callee[pl] == '.');
	if (strstr(p, ".func") || strstr(p, ".gowrap"))
		snprintf(name, sizeof(name), "func(");	/* a deferred func literal */
	else {
		const char *last = strrchr(p, '.');

		snprintf(name, sizeof(name), "%s(", last ? last + 1 : p);
	}
	for (l = f[j].line; l >= 1 && l > f[j].line - 300; l--) {
		const char *d;

		if (srcread_line(sr, &f[j], l, line, sizeof(line)))
			return 0;
		if ((d = find_word(line, "defer")) && strstr(d, name))
			return 1;
		if (starts(line, "func "))
			break;
	}
	return 0;
}
