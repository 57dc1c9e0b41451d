/* gcjson.c — reader of the compiler's -json=0,DIR ("logopt") trees: in each file a version
 * header line, then one LSP diagnostic per line, stable-sorted by position. The entries of
 * one position are gathered so that the explanation-less "escape" entry marking a heap
 * allocation pairs with the entry that explains it (one diagnostic, not two) and tells an
 * expression ("x escapes to heap" of a conversion) from a variable moved to the heap.
 * One line is parsed at a time (jansson); strings live until the entry is delivered. */
#include "gclog/gclog.h"

#include "common/buf.h"
#include "common/num.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define NONE ((size_t)-1)

struct jstep {			/* a step with strings as offsets into jrd.sb */
	struct gc_step_spans sp;
	size_t text, dst, src, why, expr, file;
	unsigned line, col;
};

struct jrd {
	gc_diag_fn fn;
	void *ctx;
	struct err *e;
	size_t lines, diags, skipped, blocks;
	char version[32];
	const char *path;		/* the file being read */
	json_t *header;
	const char *pkg, *file;		/* from the header */
	json_t **group;			/* escape/escapes entries of one position */
	size_t ngroup, capgroup;
	unsigned gline, gcol;
	struct buf sb;			/* strings of the entry being delivered */
	struct jstep *js;
	struct gc_step *steps;
	size_t capsteps;
};

static int oom(const struct jrd *j)
{
	return err_set(j->e, ESC_ENOMEM, "'%s': out of memory", j->path);
}

static const char *jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* the "message" of an entry; "" when absent */
static const char *jmsg(json_t *o)
{
	const char *m = jstr(o, "message");

	return m ? m : "";
}

static int jpos(json_t *o, unsigned *line, unsigned *col)
{
	json_t *st = json_object_get(json_object_get(o, "range"), "start");
	json_int_t l = json_integer_value(json_object_get(st, "line"));
	json_int_t c = json_integer_value(json_object_get(st, "character"));

	if (!json_is_object(st) || l < 0 || c < 0 || l > 0x7fffffff || c > 0x7fffffff)
		return -1;
	*line = (unsigned)l;
	*col = (unsigned)c;
	return 0;
}

static size_t add_str(struct jrd *j, const char *s, size_t n)
{
	size_t off = j->sb.len;

	if (buf_add(&j->sb, s, n) || buf_addc(&j->sb, '\0'))
		return NONE;
	return off;
}

/* "file:///src/x.go" -> "/src/x.go", "file://example.com/m/x.go" (-trimpath) ->
 * "example.com/m/x.go"; %XX escapes decoded. */
static size_t add_uri_path(struct jrd *j, const char *uri)
{
	size_t off = j->sb.len;

	if (strncmp(uri, "file://", 7) == 0)
		uri += 7;
	for (const char *q = uri; *q; q++) {
		char c = *q;

		if (c == '%' && num_hex_digit(q[1]) >= 0 && num_hex_digit(q[2]) >= 0) {
			c = (char)(num_hex_digit(q[1]) * 16 + num_hex_digit(q[2]));
			q += 2;
		}
		if (buf_addc(&j->sb, c))
			return NONE;
	}
	return buf_addc(&j->sb, '\0') ? NONE : off;
}

static int reserve_steps(struct jrd *j, size_t n)
{
	if (n <= j->capsteps)
		return 0;
	size_t cap = j->capsteps ? j->capsteps * 2 : 32;

	while (cap < n)
		cap *= 2;
	struct jstep *a = realloc(j->js, cap * sizeof(*a));

	if (!a)
		return -1;
	j->js = a;
	struct gc_step *b = realloc(j->steps, cap * sizeof(*b));

	if (!b)
		return -1;
	j->steps = b;
	j->capsteps = cap;
	return 0;
}

static const char *at(const struct jrd *j, size_t off)
{
	return off == NONE ? NULL : j->sb.data + off;
}

/* The "escflow:" entries of relatedInformation, in order; "inlineLoc" entries are not steps. */
static int collect_steps(struct jrd *j, json_t *entry, size_t *nout)
{
	json_t *rel = json_object_get(entry, "relatedInformation"), *it;
	size_t i, n = 0;

	json_array_foreach(rel, i, it) {
		const char *m = jstr(it, "message"), *t;
		struct jstep *s;
		size_t tl;

		if (!m || strncmp(m, "escflow:", 8) != 0)
			continue;
		for (t = m + 8; *t == ' ' || *t == '\t'; t++)
			;
		tl = strlen(t);
		if (reserve_steps(j, n + 1))
			return oom(j);
		s = &j->js[n];
		if (gc_step_split(t, tl, &s->sp))
			continue;
		s->text = add_str(j, t, tl);
		s->dst = s->src = s->why = s->expr = s->file = NONE;
		s->line = s->col = 0;
		if (s->text == NONE)
			return oom(j);
		if (s->sp.kind == GC_STEP_FLOW) {
			if ((s->dst = add_str(j, t + s->sp.dst.off, s->sp.dst.len)) == NONE ||
			    (s->src = add_str(j, t + s->sp.src.off, s->sp.src.len)) == NONE)
				return oom(j);
		} else if (s->sp.kind == GC_STEP_FROM) {
			json_t *loc = json_object_get(it, "location");
			const char *uri = jstr(loc, "uri");

			if ((s->expr = add_str(j, t + s->sp.expr.off, s->sp.expr.len)) == NONE ||
			    (s->why = add_str(j, t + s->sp.why.off, s->sp.why.len)) == NONE)
				return oom(j);
			if (uri && jpos(loc, &s->line, &s->col) == 0 &&
			    (s->file = add_uri_path(j, uri)) == NONE)
				return oom(j);
		}
		n++;
	}
	*nout = n;
	return 0;
}

/* Delivers one entry; subject and func are ranges of message (or NULL). */
static int deliver(struct jrd *j, json_t *entry, enum gc_kind kind, const char *message,
		   const char *subj, size_t subj_len, const char *func, size_t func_len)
{
	struct gc_diag d;
	unsigned line = 0, col = 0;
	size_t n = 0, so = NONE, fo = NONE, mo = NONE;
	int rc;

	buf_reset(&j->sb);
	jpos(entry, &line, &col);
	if ((rc = collect_steps(j, entry, &n)))
		return rc;
	if ((subj && (so = add_str(j, subj, subj_len)) == NONE) ||
	    (func && (fo = add_str(j, func, func_len)) == NONE) ||
	    (message && (mo = add_str(j, message, strlen(message))) == NONE))
		return oom(j);
	for (size_t i = 0; i < n; i++) {
		const struct jstep *s = &j->js[i];

		j->steps[i] = (struct gc_step){
			.kind = s->sp.kind, .dst = at(j, s->dst), .src = at(j, s->src),
			.derefs = s->sp.derefs, .why = at(j, s->why), .expr = at(j, s->expr),
			.file = at(j, s->file), .line = s->line, .col = s->col, .text = at(j, s->text),
		};
	}
	d = (struct gc_diag){
		.package = j->pkg, .file = j->file, .line = line, .col = col, .kind = kind,
		.subject = at(j, so), .func = at(j, fo), .message = at(j, mo),
		.steps = n ? j->steps : NULL, .nsteps = n,
	};
	if (n)
		j->blocks++;
	j->diags++;
	return j->fn(j->ctx, &d);
}

/* "X escapes to heap" -> length of X, or 0 */
static size_t escapes_subject(const char *m)
{
	size_t n = strlen(m);

	return n > 16 && memcmp(m + n - 16, " escapes to heap", 16) == 0 ? n - 16 : 0;
}

static int plain_name(const char *s, size_t n)
{
	size_t i = 0;

	if (n && (s[0] == '~' || s[0] == '.'))
		i = 1;
	if (i >= n || (s[i] >= '0' && s[i] <= '9'))
		return 0;
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c >= 0x80))
			return 0;
	}
	return 1;
}

/* Resolves the escape/escapes entries of one position. Each explanation-less "escape"
 * ("", from finish: one per escaping non-name allocation) merges into an explained entry
 * of the position: expressions first, then plain names (a conversion "x escapes to heap").
 * A plain name left without one is a variable: moved to heap. */
static int flush_group(struct jrd *j)
{
	size_t empties = 0, i;
	int rc = 0;
	char *used;

	if (!j->ngroup)
		return 0;
	used = calloc(j->ngroup, 1);
	if (!used)
		return oom(j);
	for (i = 0; i < j->ngroup; i++)
		if (!*jmsg(j->group[i]))
			empties++;
	for (int pass = 0; pass < 2; pass++)
		for (i = 0; i < j->ngroup && empties; i++) {
			const char *m = jmsg(j->group[i]);
			size_t sl = escapes_subject(m);

			if (!*m || used[i] || (pass == 0) != (sl == 0 || !plain_name(m, sl)))
				continue;
			used[i] = 1;
			empties--;
		}
	for (i = 0; i < j->ngroup && !rc; i++) {
		json_t *en = j->group[i];
		const char *m = jmsg(en);
		size_t sl = escapes_subject(m);

		if (!*m) {
			if (empties) {	/* an allocation no entry explains */
				empties--;
				rc = deliver(j, en, GC_ESCAPES, m, NULL, 0, NULL, 0);
			}
		} else if (!sl) {
			rc = deliver(j, en, GC_OTHER, m, NULL, 0, NULL, 0);
		} else {
			enum gc_kind k = used[i] || !plain_name(m, sl) ? GC_ESCAPES : GC_MOVED_TO_HEAP;

			if (strncmp(m, "append(", 7) == 0)	/* Go 1.25+: text says "append escapes to heap" */
				k = GC_APPEND_ESCAPES;

			rc = deliver(j, en, k, m, m, sl, NULL, 0);
		}
	}
	free(used);
	for (i = 0; i < j->ngroup; i++)
		json_decref(j->group[i]);
	j->ngroup = 0;
	return rc;
}

/* "parameter p leaks to LOC[ for F] with derefs=N" */
static int leak_entry(struct jrd *j, json_t *en, const char *m)
{
	const char *p, *to, *loc, *w, *f = NULL;
	size_t ll, fl = 0;
	long d;

	/* the name is what lies between "parameter " and " leaks to ": search after it, as a
	 * name may be missing ("parameter leaks to s ...") */
	if (strncmp(m, "parameter ", 10) != 0 || !(to = strstr((p = m + 10), " leaks to ")))
		return deliver(j, en, GC_OTHER, m, NULL, 0, NULL, 0);
	loc = to + 10;
	w = strstr(loc, " with derefs=");
	if (!w)
		return deliver(j, en, GC_OTHER, m, NULL, 0, NULL, 0);
	ll = (size_t)(w - loc);
	if (*loc == '{') {		/* "{storage for X}" may itself hold " for " */
		int depth = 0;

		for (size_t i = 0; i < ll; i++)
			if (loc[i] == '{')
				depth++;
			else if (loc[i] == '}' && --depth == 0) {
				ll = i + 1;
				break;
			}
	} else {
		const char *sp = memchr(loc, ' ', ll);

		if (sp)
			ll = (size_t)(sp - loc);
	}
	if (strncmp(loc + ll, " for ", 5) == 0) {
		f = loc + ll + 5;
		fl = (size_t)(w - f);
	}
	d = strtol(w + 13, NULL, 10);
	return deliver(j, en, gc_leak_kind(loc, ll, (int)d), m, p, (size_t)(to - p), f, fl);
}

static int entry(struct jrd *j, json_t *en)
{
	const char *code = jstr(en, "code"), *m = jmsg(en);
	unsigned line, col;
	int rc;

	if (!code || jpos(en, &line, &col)) {
		j->skipped++;
		return 0;
	}
	if (j->ngroup && (line != j->gline || col != j->gcol) && (rc = flush_group(j)))
		return rc;
	if (strcmp(code, "escape") == 0 || strcmp(code, "escapes") == 0) {
		if (j->ngroup == j->capgroup) {
			size_t cap = j->capgroup ? j->capgroup * 2 : 16;
			json_t **g = realloc(j->group, cap * sizeof(*g));

			if (!g)
				return oom(j);
			j->group = g;
			j->capgroup = cap;
		}
		j->group[j->ngroup++] = json_incref(en);
		j->gline = line;
		j->gcol = col;
		return 0;
	}
	if (strcmp(code, "leak") == 0)
		return leak_entry(j, en, m);
	if (strcmp(code, "canInlineFunction") == 0)
		return deliver(j, en, GC_INLINE, m, NULL, 0, NULL, 0);
	if (strcmp(code, "cannotInlineFunction") == 0)
		return deliver(j, en, GC_CANNOT_INLINE, m, NULL, 0, NULL, 0);
	/* gopls shows the others as code(message) */
	{
		struct buf t;

		buf_init(&t);
		if (buf_printf(&t, "%s(%s)", code, m)) {
			buf_release(&t);
			return oom(j);
		}
		rc = deliver(j, en, GC_OTHER, t.data, NULL, 0, NULL, 0);
		buf_release(&t);
		return rc;
	}
}

static int is_header(json_t *h)
{
	return json_is_object(h) && json_is_integer(json_object_get(h, "version")) &&
	       json_is_string(json_object_get(h, "file"));
}

/* Reads one logopt file from f (named path in messages); f stays open. */
static int read_stream(struct jrd *j, const char *path, FILE *f)
{
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t n;
	int rc = 0, skip_file = 0;

	j->path = path;
	while ((n = getline(&line, &cap, f)) >= 0) {
		json_t *o;

		lineno++;
		j->lines++;
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			n--;
		if (skip_file) {
			j->skipped++;
			continue;
		}
		o = n ? json_loadb(line, (size_t)n, 0, NULL) : NULL;
		if (lineno == 1) {
			if (!is_header(o)) {
				skip_file = 1;
				j->skipped++;
				json_decref(o);
				continue;
			}
			j->header = o;
			j->pkg = jstr(o, "package");
			j->file = jstr(o, "file");
			if (!j->version[0] && jstr(o, "gc_version"))
				snprintf(j->version, sizeof(j->version), "%s", jstr(o, "gc_version"));
			continue;
		}
		if (!json_is_object(o)) {
			j->skipped++;
			json_decref(o);
			continue;
		}
		rc = entry(j, o);
		json_decref(o);
		if (rc)
			break;
	}
	if (!rc && ferror(f))
		rc = err_set(j->e, ESC_EIO, "cannot read '%s': %s", path, strerror(errno));
	if (!rc)
		rc = flush_group(j);
	for (size_t i = 0; i < j->ngroup; i++)
		json_decref(j->group[i]);
	j->ngroup = 0;
	json_decref(j->header);
	j->header = NULL;
	j->pkg = j->file = NULL;
	free(line);
	return rc;
}

static int read_file(struct jrd *j, const char *path)
{
	FILE *f = fopen(path, "rb");
	int rc;

	if (!f)
		return err_set(j->e, ESC_EIO, "cannot open '%s': %s", path, strerror(errno));
	rc = read_stream(j, path, f);
	fclose(f);
	return rc;
}

struct paths {
	char **v;
	size_t n, cap;
};

static int ends_json(const char *s)
{
	size_t n = strlen(s);

	return n > 5 && strcmp(s + n - 5, ".json") == 0;
}

static int collect(const char *dir, struct paths *ps, struct err *e)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int rc = 0;

	if (!d)
		return err_set(e, ESC_EIO, "cannot open '%s': %s", dir, strerror(errno));
	while (!rc && (de = readdir(d)) != NULL) {
		struct stat sb;
		struct buf p;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		buf_init(&p);
		if (buf_printf(&p, "%s/%s", dir, de->d_name)) {
			rc = err_set(e, ESC_ENOMEM, "'%s': out of memory", dir);
			break;
		}
		if (lstat(p.data, &sb) == 0 && S_ISDIR(sb.st_mode)) {
			rc = collect(p.data, ps, e);
		} else if (ends_json(de->d_name) && stat(p.data, &sb) == 0 && S_ISREG(sb.st_mode)) {
			if (ps->n == ps->cap) {
				size_t cap = ps->cap ? ps->cap * 2 : 64;
				char **v = realloc(ps->v, cap * sizeof(*v));

				if (!v) {
					buf_release(&p);
					rc = err_set(e, ESC_ENOMEM, "'%s': out of memory", dir);
					break;
				}
				ps->v = v;
				ps->cap = cap;
			}
			ps->v[ps->n++] = buf_detach(&p, NULL);
		}
		buf_release(&p);
	}
	closedir(d);
	return rc;
}

static int cmp_path(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The totals of a parse into st, and what j holds released. */
static void finish(struct jrd *j, struct gc_stats *st)
{
	if (st) {
		st->lines = j->lines;
		st->diagnostics = j->diags;
		st->skipped = j->skipped;
		st->blocks = j->blocks;
		memcpy(st->go_version, j->version, sizeof(st->go_version));
	}
	free(j->group);
	free(j->js);
	free(j->steps);
	buf_release(&j->sb);
}

int gc_parse_json_dir(const char *dir, gc_diag_fn fn, void *ctx, struct gc_stats *st, struct err *e)
{
	struct jrd j = { .fn = fn, .ctx = ctx, .e = e };
	struct paths ps = { 0 };
	struct stat sb;
	int rc = 0;

	if (st)
		memset(st, 0, sizeof(*st));
	buf_init(&j.sb);
	if (stat(dir, &sb) != 0) {
		rc = err_set(e, ESC_EIO, "cannot open '%s': %s", dir, strerror(errno));
		goto out;
	}
	if (S_ISDIR(sb.st_mode)) {
		if ((rc = collect(dir, &ps, e)))
			goto out;
		if (ps.n)
			qsort(ps.v, ps.n, sizeof(*ps.v), cmp_path);
		for (size_t i = 0; i < ps.n && !rc; i++)
			rc = read_file(&j, ps.v[i]);
	} else {
		rc = read_file(&j, dir);
	}
	if (!rc && j.diags == 0)
		rc = err_set(e, ESC_EINPUT, "'%s': no Go compiler diagnostics found (%zu lines)", dir, j.lines);
out:
	finish(&j, st);
	for (size_t i = 0; i < ps.n; i++)
		free(ps.v[i]);
	free(ps.v);
	return rc;
}

int gc_parse_json_stream(FILE *f, const char *name, gc_diag_fn fn, void *ctx, struct gc_stats *st,
			 struct err *e)
{
	struct jrd j = { .fn = fn, .ctx = ctx, .e = e };
	int rc;

	if (st)
		memset(st, 0, sizeof(*st));
	buf_init(&j.sb);
	rc = read_stream(&j, name, f);
	if (!rc && j.diags == 0)
		rc = err_set(e, ESC_EINPUT, "'%s': no Go compiler diagnostics found (%zu lines)", name, j.lines);
	finish(&j, st);
	return rc;
}
