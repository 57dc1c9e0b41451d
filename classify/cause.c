/* cause.c — one compiler diagnostic to one cause. The precedence is the design's: what was
 * allocated decides first (its size; an implicit allocation such as boxing, string
 * building or a closure), then where its storage was forced to the heap, read from the
 * flow chain's notes — never from the first keyword found in the text. The decisive
 * step is the note that settled it, so `explain` can point at it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"

static int starts(const char *s, const char *p)
{
	return s && !strncmp(s, p, strlen(p));
}

static int eq(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

/* A " + " outside parentheses, brackets and quotes: string concatenation as printed. */
static int has_top_level_plus(const char *s)
{
	int depth = 0, quote = 0;

	for (; *s; s++) {
		if (quote) {
			if (*s == '\\' && s[1])
				s++;
			else if (*s == '"')
				quote = 0;
			continue;
		}
		switch (*s) {
		case '"': quote = 1; break;
		case '(': case '[': case '{': depth++; break;
		case ')': case ']': case '}': depth--; break;
		case '+':
			if (!depth && s[-1] == ' ' && s[1] == ' ')
				return 1;
			break;
		}
	}
	return 0;
}

/* "T{...}", "[]T{...}", "map[K]V{...}", "&T{...}": a composite literal */
static int is_composite(const char *s)
{
	size_t n = strlen(s);

	return (n >= 5 && !strcmp(s + n - 5, "{...}")) || (n >= 2 && !strcmp(s + n - 2, "{}")) ||
	       (n > 8 && !strcmp(s + n - 8, " literal") && strcmp(s, "func literal"));
}

enum classify_expr classify_expr_kind(const char *subject)
{
	if (!subject || !*subject)
		return CLASSIFY_EXPR_NONE;
	if (!strcmp(subject, "func literal") || starts(subject, "func literal"))
		return CLASSIFY_EXPR_CLOSURE;
	if (!strcmp(subject, "... argument"))
		return CLASSIFY_EXPR_VARIADIC;
	if (starts(subject, "string(") || starts(subject, "([]byte)(") || starts(subject, "([]rune)(") ||
	    starts(subject, "(string)(") || starts(subject, "[]byte(") || starts(subject, "[]rune("))
		return CLASSIFY_EXPR_STRING;
	if (starts(subject, "make(map[") || starts(subject, "map[") )
		return CLASSIFY_EXPR_MAP;
	if (starts(subject, "append(") || !strcmp(subject, "append"))
		return CLASSIFY_EXPR_APPEND;
	if (starts(subject, "make(") || starts(subject, "new(") || starts(subject, "&") ||
	    (starts(subject, "[]") && is_composite(subject)))
		return CLASSIFY_EXPR_EXPLICIT;
	/* a struct or array literal by value needs heap storage only when it is converted
	 * to an interface: it is printed alone like any other converted operand */
	if (has_top_level_plus(subject) && (strchr(subject, '"') || strstr(subject, "~r") ||
					     strstr(subject, "~R")))
		return CLASSIFY_EXPR_STRING;
	if (has_top_level_plus(subject))
		return CLASSIFY_EXPR_PLUS;	/* a string or a number: the chain tells */
	return CLASSIFY_EXPR_OPERAND;
}

int classify_make_is_variable(const char *subject)
{
	const char *p = strrchr(subject, ','), *q;

	if (!starts(subject, "make(") || !p)
		return 0;
	for (q = p + 1; *q == ' '; q++)
		;
	for (; *q >= '0' && *q <= '9'; q++)
		;
	return *q != ')';
}

static void set(struct classify_verdict *v, const char *cause, double conf, int step,
		const char *why)
{
	v->cause = cause;
	v->confidence = conf;
	v->decisive = step;
	v->evidence = why;
}

static int why_is(const struct gc_step *s, const char *why)
{
	return s->kind == GC_STEP_FROM && eq(s->why, why);
}

/* "LHS = RHS" or "LHS := RHS": does LHS index something (m[k], s[i])? */
static int assigns_to_index(const char *expr, size_t *lhs_len)
{
	const char *eqs = strstr(expr, " = "), *def = strstr(expr, " := ");
	const char *end = eqs && (!def || eqs < def) ? eqs : def;
	const char *br;

	if (!end)
		return 0;
	br = memchr(expr, '[', (size_t)(end - expr));
	if (!br || end[-1] != ']')
		return 0;
	*lhs_len = (size_t)(end - expr);
	return 1;
}

static int assigns_through_pointer(const char *expr)
{
	const char *eqs = strstr(expr, " = ");

	if (!eqs)
		return 0;
	return expr[0] == '*' || memchr(expr, '.', (size_t)(eqs - expr)) != NULL;
}

/* The destination of the flow that step i belongs to. */
static const char *flow_of(const struct gc_diag *d, size_t i)
{
	while (i > 0 && d->steps[i].kind != GC_STEP_FLOW)
		i--;
	return d->steps[i].kind == GC_STEP_FLOW ? d->steps[i].dst : NULL;
}

/* Does the chain flow into a result (~r0, a return statement)? */
static int returned(const struct gc_diag *d)
{
	size_t i;

	for (i = 0; i < d->nsteps; i++)
		if (why_is(&d->steps[i], "return") ||
		    (d->steps[i].kind == GC_STEP_FLOW && d->steps[i].dst &&
		     (starts(d->steps[i].dst, "~r") || starts(d->steps[i].dst, "~R"))))
			return 1;
	return 0;
}

/* The sink: where the chain's storage was forced to the heap. */
static void classify_sink(const struct gc_diag *d, const struct classify_context *cx,
			  struct classify_verdict *v)
{
	size_t i, heap_flow = d->nsteps, last_flow = d->nsteps, end;
	int seen_flow = 0;

	for (i = 0; i < d->nsteps; i++) {
		if (d->steps[i].kind != GC_STEP_FLOW)
			continue;
		last_flow = i;
		seen_flow = 1;
		if (heap_flow == d->nsteps && eq(d->steps[i].dst, "{heap}"))
			heap_flow = i;
	}
	if (!seen_flow) {
		set(v, "unknown", 0, -1, "no flow explanation (log printed with -m, not -m -m)");
		return;
	}
	/* the notes on the way to the heap: up to the end of the {heap} flow's notes */
	end = heap_flow;
	if (heap_flow < d->nsteps)
		for (end = heap_flow + 1; end < d->nsteps && d->steps[end].kind != GC_STEP_FLOW; end++)
			;
	else
		end = d->nsteps;
	for (i = 0; i < end; i++) {
		const struct gc_step *s = &d->steps[i];

		/* the last note of a flow into something other than the heap is a call: the
		 * value entered a callee's parameter (a function of the same recursive batch,
		 * whose body the chain then follows); what the callee does is its business */
		if (why_is(s, "call parameter") && i + 1 < d->nsteps && d->steps[i + 1].kind == GC_STEP_FLOW &&
		    !starts(s->expr, "append(") && !starts(s->expr, "go ") && !eq(flow_of(d, i), "{heap}")) {
			set(v, "call-parameter", 0.9, (int)i, "passed to a callee whose parameter leaks");
			return;
		}
		if (why_is(s, "send")) {
			set(v, "channel-send", 1, (int)i, "sent on a channel");
			return;
		}
		if (why_is(s, "key of map put") || why_is(s, "map literal key") ||
		    why_is(s, "map literal value")) {
			set(v, "map-store", 1, (int)i, "stored into a map");
			return;
		}
		if (why_is(s, "captured by a closure")) {
			int go = cx && cx->closure_is_goroutine &&
				 cx->closure_is_goroutine(cx->ctx, d, s);

			set(v, go ? "goroutine" : "closure-capture", go ? 0.9 : 1, (int)i,
			    go ? "captured by a go statement's closure" : "captured by a closure");
			return;
		}
		if (why_is(s, "appendee slice") || why_is(s, "appended slice...") ||
		    why_is(s, "copied slice") ||
		    (why_is(s, "slice-literal-element") && !eq(s->expr, "... argument")) ||
		    (why_is(s, "call parameter") && starts(s->expr, "append("))) {
			set(v, "slice-store", 1, (int)i, "stored as an element of a slice");
			return;
		}
	}
	if (heap_flow < d->nsteps) {
		size_t lo = heap_flow + 1, hi = end;

		/* a {heap} flow with no notes of its own: the previous flow's notes say how */
		if (lo == hi && heap_flow > 0) {
			for (lo = heap_flow; lo > 0 && d->steps[lo - 1].kind != GC_STEP_FLOW; lo--)
				;
			hi = heap_flow;
		}
		/* the statement that moved it to the heap: the last note of that flow */
		for (i = hi; i > lo;) {
			const struct gc_step *s = &d->steps[--i];
			size_t lhs;

			if (why_is(s, "call parameter")) {
				if (starts(s->expr, "go "))
					set(v, "goroutine", 1, (int)i, "passed to a go statement");
				else
					set(v, "call-parameter", 1, (int)i,
					    "passed to a callee that keeps it (or an unknown callee)");
				return;
			}
			if (why_is(s, "assign") || why_is(s, "assign-pair")) {
				if (s->expr && assigns_to_index(s->expr, &lhs)) {
					int map = cx && cx->is_map_put && cx->is_map_put(cx->ctx, d, s->expr, lhs);

					set(v, map ? "map-store" : "slice-store", map ? 1 : 0.8, (int)i,
					    map ? "stored into a map" : "stored as an element of a slice");
				} else {
					set(v, "global-store", s->expr && assigns_through_pointer(s->expr) ? 0.9 : 1,
					    (int)i, "stored into a package variable or through a pointer");
				}
				return;
			}
			if (why_is(s, "return")) {
				set(v, "pointer-returned", 0.9, (int)i, "returned");
				return;
			}
			if (why_is(s, "spill") && i == heap_flow + 1 && end == heap_flow + 2) {
				/* only a spill to the heap: a go or defer statement's closure */
				set(v, "goroutine", 0.9, (int)i, "closure of a go (or defer) statement");
				return;
			}
		}
		set(v, "global-store", 0.6, (int)heap_flow, "flows to the heap");
		return;
	}
	/* no {heap}: the root outlives the function */
	{
		const struct gc_step *root = &d->steps[last_flow];

		/* into a result: the function returns it. A ~R0 on the way is only the result
		 * of a call inlined here, passed on; the root says where it ends */
		if (root->dst && (starts(root->dst, "~r") || starts(root->dst, "~R"))) {
			set(v, "pointer-returned", 1, (int)last_flow, "flows to a result");
			return;
		}
		if (root->dst && starts(root->dst, "{storage for ")) {
			set(v, "global-store", 0.7, (int)last_flow, "stored into another heap object");
			return;
		}
		for (i = 0; i < d->nsteps; i++)
			if (why_is(&d->steps[i], "return")) {
				set(v, "pointer-returned", 1, (int)i, "returned");
				return;
			}
		/* the root is a variable that outlives the function: passed on to a callee's
		 * parameter that leaks (in the same recursive batch), or a named result */
		for (i = d->nsteps; i-- > last_flow + 1;)
			if (why_is(&d->steps[i], "call parameter")) {
				set(v, "call-parameter", 0.9, (int)i,
				    "passed to a callee whose parameter leaks (a recursive call)");
				return;
			}
		if (root->dst && (root->dst[0] == '_' || (root->dst[0] >= 'a' && root->dst[0] <= 'z') ||
				  (root->dst[0] >= 'A' && root->dst[0] <= 'Z'))) {
			set(v, "pointer-returned", 0.7, (int)last_flow, "flows to a named result");
			return;
		}
	}
	set(v, "unknown", 0, -1, "the chain ends nowhere recognisable");
}

static int is_size_note(const struct gc_step *s)
{
	return why_is(s, "too large for stack") || why_is(s, "too aligned for stack") ||
	       why_is(s, "non-constant size") || why_is(s, "zero-sized element");
}

/* A chain that gives a size reason can also print a flow that stores the value: Go 1.19
 * prints "make(...) (spill)" then "points = make(...) (assign)" in one block and the
 * "(non-constant size)" in another. The design's precedence: a make that is returned or
 * stored is the sink's, even with a size reason (a constant size would not keep it on the
 * stack). Reads the chain without its size flows; sets v and returns 0 when a sink is
 * certain there, else returns -1 and leaves v for the size reason. */
static int sink_beside_size(const struct gc_diag *d, const struct classify_context *cx,
			    struct classify_verdict *v)
{
	struct gc_step *kept;
	size_t *from, i, j, n = 0;
	struct gc_diag rest = *d;
	struct classify_verdict w = *v;
	int ret = -1;

	kept = malloc(d->nsteps * sizeof(*kept));
	from = malloc(d->nsteps * sizeof(*from));
	if (!kept || !from)
		goto out;
	/* keep each flow and its notes unless one of the notes is a size reason */
	for (i = 0; i < d->nsteps; i = j) {
		int sized = 0;

		for (j = i + 1; j < d->nsteps && d->steps[j].kind != GC_STEP_FLOW; j++)
			sized |= is_size_note(&d->steps[j]);
		sized |= is_size_note(&d->steps[i]);
		if (sized || d->steps[i].kind != GC_STEP_FLOW)
			continue;
		for (; i < j; i++) {
			from[n] = i;
			kept[n++] = d->steps[i];
		}
	}
	if (!n)
		goto out;
	rest.steps = kept;
	rest.nsteps = n;
	classify_sink(&rest, cx, &w);
	/* a definite sink only: the chain's fallbacks ("flows to the heap") are not one */
	if (strcmp(w.cause, "unknown") && w.confidence >= 0.8 && w.decisive >= 0) {
		w.decisive = (int)from[w.decisive];
		*v = w;
		ret = 0;
	}
out:
	free(kept);
	free(from);
	return ret;
}

/* A constant: a quoted literal, a number, or a conversion of one ("(interface {})(string(
 * \"...\"))"). Converting a constant to an interface points at read-only data: no
 * allocation happens, whatever the compiler says of it (typically panic messages). */
static int is_constant(const char *s)
{
	size_t n;

	while (*s == '(') {
		const char *close = strchr(s, ')');

		if (!close || close[1] != '(')
			break;
		s = close + 2;	/* skip "(T)(" */
	}
	if (starts(s, "string("))
		s += 7;
	n = strlen(s);
	while (n && s[n - 1] == ')')
		n--;
	if (n >= 2 && s[0] == '"' && s[n - 1] == '"')
		return 1;
	if (n && strspn(s, "0123456789.-+xXabcdefABCDEF") == n && s[0] >= '0' && s[0] <= '9')
		return 1;
	return 0;
}

void classify_diag(const struct gc_diag *d, const struct classify_context *cx,
		   struct classify_verdict *v)
{
	enum classify_expr ek = classify_expr_kind(d->subject);
	int modern = cx && cx->go_minor >= 25, old = cx && cx->go_minor && cx->go_minor <= 24;
	size_t i;

	set(v, "unknown", 0, -1, "not an allocation");
	v->allocating = 1;
	v->by_size = 0;
	v->selector = 0;
	if (d->kind == GC_APPEND_ESCAPES) {
		set(v, "append-growth", 1, -1, "append escapes to heap");
		return;
	}
	if (d->kind == GC_DOES_NOT_ESCAPE) {
		/* the compiler's verdict is not the profile's: what can still allocate here */
		if (ek == CLASSIFY_EXPR_APPEND)
			set(v, "append-growth", 0.9, -1, "append outgrew its stack buffer");
		else if (ek == CLASSIFY_EXPR_STRING || ek == CLASSIFY_EXPR_PLUS)
			set(v, "string-build", 0.9, -1, "result longer than the 32-byte stack buffer");
		else if (ek == CLASSIFY_EXPR_MAP)
			set(v, "map-growth", 0.9, -1, "map outgrew its stack buckets");
		else if (ek == CLASSIFY_EXPR_EXPLICIT && classify_make_is_variable(d->subject) && !old)
			set(v, "non-constant-size", 0.9, -1,
			    "variable-size make outgrew its stack buffer (Go 1.25+)");
		else if (ek == CLASSIFY_EXPR_OPERAND)
			set(v, "interface-conversion", 0.5, -1, "boxed value larger than 1 KiB");
		else
			v->allocating = 0;
		return;
	}
	if (d->kind != GC_ESCAPES && d->kind != GC_MOVED_TO_HEAP) {
		v->allocating = 0;
		return;
	}
	if (d->kind == GC_ESCAPES && d->subject && is_constant(d->subject)) {
		v->allocating = 0;
		v->evidence = "a constant converted to an interface: read-only data, no allocation";
		return;
	}
	/* 1. size forced it, unless another flow of the chain stores it somewhere */
	for (i = 0; i < d->nsteps; i++) {
		const struct gc_step *s = &d->steps[i];

		/* evidence strings are static: the verdict outlives the diagnostic */
		if (why_is(s, "too large for stack") || why_is(s, "too aligned for stack")) {
			if (!sink_beside_size(d, cx, v))
				return;
			set(v, "too-large-for-stack", 1, (int)i, why_is(s, "too large for stack") ?
			    "too large for stack" : "too aligned for stack");
			v->by_size = 1;
			return;
		}
		if (why_is(s, "non-constant size") || why_is(s, "zero-sized element")) {
			if (!sink_beside_size(d, cx, v))
				return;
			set(v, "non-constant-size", 1, (int)i, why_is(s, "non-constant size") ?
			    "non-constant size" : "zero-sized element");
			v->by_size = 1;
			return;
		}
	}
	/* 2. an implicit allocation made it */
	if (d->kind == GC_ESCAPES) {
		switch (ek) {
		case CLASSIFY_EXPR_STRING:
			set(v, "string-build", 1, -1, "string concatenation or conversion");
			return;
		case CLASSIFY_EXPR_CLOSURE:
			classify_sink(d, cx, v);
			if (strcmp(v->cause, "goroutine")) {
				int dec = v->decisive;

				set(v, "closure-capture", 1, dec, "func literal escapes");
			}
			return;
		case CLASSIFY_EXPR_OPERAND:
		case CLASSIFY_EXPR_PLUS: {
			/* an operand printed alone is an implicit conversion; boxing shows as
			 * interface-converted, or (Go <= 1.24) as a spill into a ... argument */
			int boxed = 0, spilled = 0;

			for (i = 0; i < d->nsteps && !boxed; i++) {
				const struct gc_step *s = &d->steps[i];

				if (why_is(s, "interface-converted") ||
				    (s->kind == GC_STEP_FLOW && starts(s->dst, "{storage for ... argument}")) ||
				    (why_is(s, "slice-literal-element") && eq(s->expr, "... argument")))
					boxed = (int)i + 1;
				/* heap storage made for a value printed alone: only a conversion
				 * creates it (a string concatenation also does: see below) */
				if (s->kind == GC_STEP_FLOW && s->src && starts(s->src, "&{storage for ") &&
				    !strncmp(s->src + 14, d->subject, strlen(d->subject)) &&
				    s->src[14 + strlen(d->subject)] == '}')
					spilled = (int)i + 1;
			}
			if (ek == CLASSIFY_EXPR_PLUS && !boxed) {
				/* a + b spilled to the heap: a string, or a number boxed; digits
				 * among the operands make the number likelier */
				if (strpbrk(d->subject, "0123456789"))
					set(v, "interface-conversion", 0.6, spilled - 1, "a sum converted to an interface");
				else
					set(v, "string-build", 0.7, spilled - 1, "string concatenation");
				return;
			}
			if (!boxed && is_composite(d->subject) && strcmp(d->subject, "func literal") &&
			    returned(d)) {
				/* T{...} returned and never converted: a map or slice literal of a
				 * named type (a struct value would be copied out) */
				classify_sink(d, cx, v);
				if (strcmp(v->cause, "unknown"))
					return;
			}
			if (boxed)
				set(v, "interface-conversion", 1, boxed - 1, "value converted to an interface");
			else if (spilled)
				set(v, "interface-conversion", 0.9, spilled - 1, "value converted to an interface");
			else
				set(v, "interface-conversion", 0.8, -1, "value converted to an interface");
			/* "l.lexVoid" with no conversion printed may be a method value */
			v->selector = !boxed && ek == CLASSIFY_EXPR_OPERAND && strchr(d->subject, '.') &&
				      !strpbrk(d->subject, "()[]{} *&\"");
			return;
		}
		case CLASSIFY_EXPR_APPEND:
			set(v, "append-growth", 1, -1, "append's new backing array escapes");
			return;
		default:
			break;
		}
	}
	/* a variable captured by reference lives in the closure's heap storage */
	classify_sink(d, cx, v);
	if (!d->nsteps) {
		/* -m (level 1): no chain to read; only the size reason of a make is certain */
		if (ek == CLASSIFY_EXPR_EXPLICIT && classify_make_is_variable(d->subject) && !modern) {
			set(v, "non-constant-size", 0.7, -1, "variable-size make (no flow printed)");
			v->by_size = 1;
		}
		else if (ek == CLASSIFY_EXPR_MAP)
			set(v, "unknown", 0, -1, "map allocation escapes (no flow printed)");
	}
}

int classify_go_minor(const char *version)
{
	const char *p;
	int minor = 0;

	if (!version || !(p = strstr(version, "1.")))
		return 0;
	for (p += 2; *p >= '0' && *p <= '9'; p++)
		minor = minor * 10 + (*p - '0');
	/* "<=go1.19" tells an upper bound only; "go1.14-1.24" a range: the lower end is
	 * what the forms proved */
	return minor;
}
