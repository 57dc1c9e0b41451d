/* gclog.c — the text parser's front: gc_log_new/feed/finish/free and the file reader.
 * Input is decoded (UTF-8/UTF-16 BOMs, CRLF) and cut into lines without copying; a line
 * split across feeds waits in carry, PowerShell-wrapped lines are glued back, and each
 * `# pkg` header ends a section (held line and waiting blocks delivered, declarations
 * forgotten). What a line says is message.c's; blocks and delivery are blocks.c's. */
#include "gclog/gclog_int.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_MAX_LINE ((size_t)1 << 20)
#define READ_CHUNK ((size_t)64 << 10)

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
	size_t k = gclog_scan_depth0(s, n, GCLOG_LIT(" ")), i;

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
	k = gclog_scan_depth0(s, n, GCLOG_LIT(" "));
	if ((rc = gclog_flush_held(p, 0, fn, ctx, e)) || (rc = gclog_flush_pending(p, fn, ctx, e)))
		return rc;
	buf_reset(&p->pkg);
	if (buf_add(&p->pkg, s, k))
		return gclog_oom(p->name, e);
	p->has_pkg = k > 0;
	p->gen++;
	p->ndecl = 0;
	return 0;
}

int gc_log_is_section_header(const char *s, size_t n)
{
	if (n && s[n - 1] == '\r')
		n--;
	return gclog_starts(s, n, GCLOG_LIT("# ")) && !(n > 2 && s[2] == '[') && is_header(s + 2, n - 2);
}

int gc_log_at_boundary(const struct gc_log *p)
{
	return p->started && !p->status && p->enc == GCLOG_ENC_UTF8 && !p->wrap && !p->in_raw &&
	       !p->carry.len && !p->join.len;
}

int gc_log_end_section(struct gc_log *p, gc_diag_fn fn, void *ctx, struct err *e)
{
	int rc;

	if ((rc = gclog_flush_held(p, 0, fn, ctx, e)) || (rc = gclog_flush_pending(p, fn, ctx, e)))
		p->status = rc;
	return rc;
}

void gc_log_absorb(struct gc_log *p, const struct gc_log *q)
{
	p->lines += q->lines;
	p->diags += q->diags;
	p->skipped += q->skipped;
	p->blocks += q->blocks;
	p->vflags |= q->vflags;
}

/* Whether Go text ends inside a raw string, having started inside one when `raw`:
 * backquotes count outside "..." and '...' only. */
static int ends_in_raw(const char *s, size_t n, int raw)
{
	char in = raw ? '`' : 0;
	size_t i;

	/* most lines hold no backquote: then a line begun outside a raw string ends outside */
	if (!raw && !memchr(s, '`', n))
		return 0;
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
		if (gclog_parse_pos(s, n, &ps)) {
			p->in_raw = ends_in_raw(s, n, 1);
			p->skipped++;
			return 0;
		}
		p->in_raw = 0;
	}
	if (is_blank(s, n))
		return 0;
	if (gclog_starts(s, n, GCLOG_LIT("# ")))
		return header_line(p, s + 2, n - 2, fn, ctx, e);
	if (gclog_starts(s, n, GCLOG_LIT("go : # ")))	/* PowerShell's NativeCommandError banner */
		return header_line(p, s + 7, n - 7, fn, ctx, e);
	if (gclog_parse_pos(s, n, &ps)) {
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
		return gclog_step_line(p, &ps, ps.rest + ind, ps.rest_len - ind,
				 ps.rest[1] == '\t' || ind >= 6, e);
	return gclog_diag_line(p, &ps, ps.rest + 1, ps.rest_len - 1, fn, ctx, e);
}

/* Windows PowerShell (`go build ... > log 2>&1`) turns each stderr line into an error
 * record and word-wraps it at the console width: a diagnostic longer than that continues
 * on lines of its own. Once its banner ("go : # pkg") is seen, a line with no position
 * that follows a positioned line is glued back to it. */
static int wrap_line(struct gc_log *p, const char *s, size_t n, gc_diag_fn fn, void *ctx, struct err *e)
{
	struct pos ps;
	int rc;

	if (p->join.len && !is_blank(s, n) && !gclog_starts(s, n, GCLOG_LIT("# ")) && !gclog_starts(s, n, GCLOG_LIT("go : # ")) &&
	    gclog_parse_pos(s, n, &ps)) {
		if (p->join.len + n > p->max_line)
			return err_set(e, ESC_ELIMIT, "'%s':%zu: line longer than %zu bytes (raise it with --max-line)", p->name, p->lines, p->max_line);
		return buf_add(&p->join, s, n) ? gclog_oom(p->name, e) : 0;
	}
	if (p->join.len) {
		rc = logical_line(p, p->join.data, p->join.len, fn, ctx, e);
		buf_reset(&p->join);
		if (rc)
			return rc;
	}
	if (!is_blank(s, n) && gclog_parse_pos(s, n, &ps) == 0)
		return buf_add(&p->join, s, n) ? gclog_oom(p->name, e) : 0;
	return logical_line(p, s, n, fn, ctx, e);
}

static int process_line(struct gc_log *p, const char *s, size_t n, gc_diag_fn fn, void *ctx, struct err *e)
{
	p->lines++;
	if (n && s[n - 1] == '\r')
		n--;
	if (!p->wrap && gclog_starts(s, n, GCLOG_LIT("go : # ")))
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
			return buf_add(&p->carry, d, n) ? gclog_oom(p->name, e) : 0;
		}
		k = (size_t)(nl - d);
		if (p->carry.len) {
			if (p->carry.len + k > p->max_line)
				return too_long(p, e);
			if (buf_add(&p->carry, d, k))
				return gclog_oom(p->name, e);
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
		return gclog_oom(p->name, e);
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
		u = p->enc == GCLOG_ENC_UTF16LE ? (b0 | b1 << 8) : (b0 << 8 | b1);
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
	if (p->enc == GCLOG_ENC_UTF8)
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
		p->enc = GCLOG_ENC_UTF16LE;
		skip = 2;
	} else if (p->nhead >= 2 && h[0] == 0xFE && h[1] == 0xFF) {
		p->enc = GCLOG_ENC_UTF16BE;
		skip = 2;
	} else if (p->nhead >= 2 && h[0] != 0 && h[1] == 0) {
		p->enc = GCLOG_ENC_UTF16LE;
	} else if (p->nhead >= 2 && h[0] == 0 && h[1] != 0) {
		p->enc = GCLOG_ENC_UTF16BE;
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

void gc_log_set_step_filter(struct gc_log *p, gc_step_keep_fn keep, void *ctx)
{
	p->keep_step = keep;
	p->keep_ctx = ctx;
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
	if (v & GCLOG_V_GE125 && lo < 25)
		lo = 25;
	if (v & GCLOG_V_GE122 && lo < 22)
		lo = 22;
	if (v & GCLOG_V_R14_24) {
		if (lo < 14)
			lo = 14;
		if (hi > 24)
			hi = 24;
	}
	if (v & GCLOG_V_LE119 && hi > 19)
		hi = 19;
	if (v & GCLOG_V_LE115 && hi > 15)
		hi = 15;
	if (v & GCLOG_V_LE112 && hi > 12)
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
		rc = gclog_flush_held(p, 0, fn, ctx, e);
	if (!rc)
		rc = gclog_flush_pending(p, fn, ctx, e);
	if (!rc && p->diags == 0)
		rc = err_set(e, ESC_EINPUT, "'%s': no Go compiler diagnostics found (%zu lines)", p->name, p->lines);
	if (rc)
		p->status = rc;
	fill_stats(p, st);
	return rc;
}

void gc_log_free(struct gc_log *p)
{
	if (!p)
		return;
	gclog_free_list(p->phead);
	gclog_free_list(p->pool);
	gclog_free_list(p->taken);
	if (p->held)
		gclog_rec_destroy(p->held);
	for (int k = 0; k < GCLOG_NIX; k++)
		free(p->ix[k].tab);
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
		rc = gclog_oom(path, e);
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
