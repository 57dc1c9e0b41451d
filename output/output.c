/* output.c — the writers' text helpers and the tabular writers. Every string from a
 * profile, a log or a source file is escaped for where it goes: text (tables, the
 * commands' own lines, stderr) shows control characters as \xNN and invalid UTF-8 as
 * U+FFFD through one escape, escape_into, so a crafted name can neither forge lines nor
 * drive a terminal; CSV (RFC 4180), TSV and JSON carry the string itself as valid UTF-8;
 * XML/HTML replace what they cannot hold. Text tables align columns (numbers right).
 * Numbers have one style: sizes and percentages for people in text, exact integers and
 * percentages rounded to two decimals (never 100.00000000000001) for programs. */
#include "output/output.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "common/buf.h"

/* stdio drops a buffer it could not write and forgets why, so that the last flush may
 * well succeed: an out_file's stream writes through these, which keep the first errno.
 * A cookie stream takes a short count as an error, so the write is finished here. */
static ssize_t file_write(void *cookie, const char *p, size_t n)
{
	struct out_file *o = cookie;
	size_t done = 0;
	ssize_t w;

	while (done < n) {
		if ((w = write(o->fd, p + done, n - done)) > 0) {
			done += (size_t)w;
		} else if (w < 0 && errno == EINTR) {
			continue;
		} else {
			if (!o->err)
				o->err = w < 0 ? errno : EIO;
			break;
		}
	}
	return (ssize_t)done;
}

/* A descriptor closed before the run (>&-) is an error only when something was written
 * to it, and then the write said so. */
static int file_close(void *cookie)
{
	struct out_file *o = cookie;

	if (close(o->fd) && !o->err && errno != EBADF)
		o->err = errno;
	return o->err ? -1 : 0;
}

int out_file_open(struct out_file *o, int fd)
{
	static const cookie_io_functions_t io = {.write = file_write, .close = file_close};

	o->fd = fd;
	o->err = 0;
	o->f = fopencookie(o, "w", io);
	if (o->f && setvbuf(o->f, NULL, isatty(fd) ? _IOLBF : _IOFBF, BUFSIZ)) {
		fclose(o->f);
		o->f = NULL;
	}
	return o->f ? 0 : -1;
}

int out_file_close(struct out_file *o)
{
	int failed = ferror(o->f);

	if (fclose(o->f))
		failed = 1;
	o->f = NULL;
	return failed ? (o->err ? o->err : EIO) : 0;
}

int out_parse_format(const char *s, enum out_format *f)
{
	static const char *const names[] = {"text", "json", "csv", "tsv"};
	int i;

	for (i = 0; i < 4; i++)
		if (!strcmp(s, names[i])) {
			*f = (enum out_format)i;
			return 0;
		}
	return -1;
}

const char *out_format_name(enum out_format f)
{
	switch (f) {
	case OUT_TEXT: return "text";
	case OUT_JSON: return "json";
	case OUT_CSV: return "csv";
	case OUT_TSV: return "tsv";
	}
	return "text";
}

size_t out_utf8_seq(const unsigned char *s, size_t n)
{
	size_t len, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

/* The code point of the valid UTF-8 sequence of n bytes at s. */
static uint32_t utf8_cp(const unsigned char *s, size_t n)
{
	uint32_t cp = n == 1 ? s[0] : n == 2 ? s[0] & 0x1fu : n == 3 ? s[0] & 0x0fu : s[0] & 0x07u;
	size_t i;

	for (i = 1; i < n; i++)
		cp = (cp << 6) | (s[i] & 0x3fu);
	return cp;
}

/* Appends len bytes of s as valid UTF-8: each byte that starts no valid sequence becomes
 * U+FFFD, and so does NUL. */
static void add_utf8(struct buf *b, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i, n;

	for (i = 0; i < len; i += n) {
		n = u[i] ? out_utf8_seq(u + i, len - i) : 0;
		if (n) {
			buf_add(b, u + i, n);
		} else {
			buf_adds(b, "\xef\xbf\xbd");
			n = 1;
		}
	}
}

/* Whether len bytes of s are valid UTF-8 without NUL: the common case, written as it is. */
static int clean_utf8(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, n;

	while (i < len) {
		if (u[i] >= 0x20 && u[i] < 0x80) {
			i++;
			continue;
		}
		if (!u[i] || !(n = out_utf8_seq(u + i, len - i)))
			return 0;
		i += n;
	}
	return 1;
}

/* Writes b to f and releases it; 0, or -1 when f took less. */
static int put_buf(FILE *f, struct buf *b)
{
	int r = fwrite(b->data, 1, b->len, f) == b->len ? 0 : -1;

	buf_release(b);
	return r;
}

/* Code points that end a line or reorder what follows them on screen (line and paragraph
 * separators, bidirectional marks, embeddings, overrides and isolates): in a name they
 * can make a line read as something it is not. */
static int reorders(uint32_t cp)
{
	return cp == 0x061c || cp == 0x200e || cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

enum esc_mode { ESC_TEXT, ESC_GITHUB_DATA, ESC_GITHUB_PROPERTY };

/* The one escape of text meant for people, terminals and CI logs. C0 controls and DEL
 * are shown as \xNN, C1 controls and the characters that reorder a line as \uNNNN (Go's
 * %q spelling), so that no string can end a line, start a workflow command, reach the
 * terminal as an escape sequence or hide text by reversing it; bytes that are not UTF-8
 * become U+FFFD. In a GitHub workflow command CR, LF and %
 * take the runner's own %XX escapes (it decodes them back), and in a property : and ,
 * too; the other controls are shown as in text. */
static void escape_into(struct buf *b, const char *s, size_t len, enum esc_mode mode)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i, n;

	for (i = 0; i < len; i += n) {
		unsigned char c = u[i];
		uint32_t cp;

		n = 1;
		if (mode != ESC_TEXT && (c == '%' || c == '\r' || c == '\n' ||
					  (mode == ESC_GITHUB_PROPERTY && (c == ':' || c == ',')))) {
			buf_printf(b, "%%%02X", c);
		} else if (c < 0x20 || c == 0x7f) {
			buf_printf(b, "\\x%02x", c);
		} else if (c < 0x80) {
			buf_addc(b, (char)c);
		} else if (!(n = out_utf8_seq(u + i, len - i))) {
			buf_adds(b, "\xef\xbf\xbd");
			n = 1;
		} else if ((cp = utf8_cp(u + i, n)) < 0xa0 || reorders(cp)) {
			buf_printf(b, "\\u%04x", (unsigned)cp);
		} else {
			buf_add(b, u + i, n);
		}
	}
}

int out_text(FILE *f, const char *s, size_t len)
{
	struct buf b;

	buf_init(&b);
	escape_into(&b, s, len, ESC_TEXT);
	return put_buf(f, &b);
}

int out_github_escape(FILE *f, const char *s, size_t len, int property)
{
	struct buf b;

	buf_init(&b);
	escape_into(&b, s, len, property ? ESC_GITHUB_PROPERTY : ESC_GITHUB_DATA);
	return put_buf(f, &b);
}

/* One numeric conversion of a format, its spec rebuilt with every * replaced by the
 * number. The caller's format was checked by the compiler (out_textf's attribute), so a
 * spec cut from it takes exactly the argument fetched here. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static void add_number(struct buf *b, const char *spec, char conv, const char *mod, va_list *ap)
{
	int l = !strcmp(mod, "ll") ? 2 : !strcmp(mod, "l") ? 1 : 0;

	switch (conv) {
	case 'd': case 'i':
		if (l == 2) buf_printf(b, spec, va_arg(*ap, long long));
		else if (l == 1) buf_printf(b, spec, va_arg(*ap, long));
		else if (*mod == 'j') buf_printf(b, spec, va_arg(*ap, intmax_t));
		else if (*mod == 'z') buf_printf(b, spec, va_arg(*ap, ssize_t));
		else if (*mod == 't') buf_printf(b, spec, va_arg(*ap, ptrdiff_t));
		else buf_printf(b, spec, va_arg(*ap, int));
		break;
	case 'o': case 'u': case 'x': case 'X':
		if (l == 2) buf_printf(b, spec, va_arg(*ap, unsigned long long));
		else if (l == 1) buf_printf(b, spec, va_arg(*ap, unsigned long));
		else if (*mod == 'j') buf_printf(b, spec, va_arg(*ap, uintmax_t));
		else if (*mod == 'z') buf_printf(b, spec, va_arg(*ap, size_t));
		else if (*mod == 't') buf_printf(b, spec, va_arg(*ap, ptrdiff_t));
		else buf_printf(b, spec, va_arg(*ap, unsigned));
		break;
	case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case 'a': case 'A':
		if (*mod == 'L') buf_printf(b, spec, va_arg(*ap, long double));
		else buf_printf(b, spec, va_arg(*ap, double));
		break;
	case 'p':
		buf_printf(b, spec, va_arg(*ap, void *));
		break;
	}
}
#pragma GCC diagnostic pop

void out_text_vformat(struct buf *b, const char *fmt, va_list ap)
{
	const char *p = fmt;
	va_list cp;

	va_copy(cp, ap);
	while (*p) {
		const char *pc = strchr(p, '%');
		char spec[64], mod[3] = "", *end;
		size_t k = 0, fl;
		int width = -1, prec = -1, left;

		if (!pc) {
			buf_adds(b, p);
			break;
		}
		buf_add(b, p, (size_t)(pc - p));
		p = pc + 1;
		if (*p == '%') {
			buf_addc(b, '%');
			p++;
			continue;
		}
		fl = strspn(p, "-+ #0'");
		left = memchr(p, '-', fl) != NULL;
		spec[k++] = '%';
		memcpy(spec + k, p, fl);
		k += fl;
		p += fl;
		if (*p == '*') {
			width = va_arg(cp, int);
			p++;
			if (width < 0) {
				left = 1;
				width = width == INT_MIN ? INT_MAX : -width;
				spec[k++] = '-';
			}
		} else if (*p >= '0' && *p <= '9') {
			width = (int)strtol(p, &end, 10);
			p = end;
		}
		if (*p == '.') {
			if (*++p == '*') {
				prec = va_arg(cp, int);
				p++;
			} else {
				prec = (int)strtol(p, &end, 10);
				p = end;
			}
		}
		while (*p && strchr("hljztL", *p))
			if (strlen(mod) < 2)
				mod[strlen(mod)] = *p++;
			else
				p++;
		if (*p == 's' || *p == 'c') {
			/* the string escaped first, then padded to the width */
			struct buf t;
			const char *s;
			char ch;
			size_t n;

			if (*p == 'c') {
				ch = (char)va_arg(cp, int);
				s = &ch;
				n = 1;
			} else {
				s = va_arg(cp, const char *);
				if (!s)
					s = "(null)";
				n = prec >= 0 ? strnlen(s, (size_t)prec) : strlen(s);
			}
			buf_init(&t);
			escape_into(&t, s, n, ESC_TEXT);
			for (; !left && width > (int)t.len; width--)
				buf_addc(b, ' ');
			buf_add(b, t.data, t.len);
			for (; width > (int)t.len; width--)
				buf_addc(b, ' ');
			buf_release(&t);
		} else if (*p) {
			if (width >= 0)
				k += (size_t)snprintf(spec + k, sizeof(spec) - k, "%d", width);
			if (prec >= 0)
				k += (size_t)snprintf(spec + k, sizeof(spec) - k, ".%d", prec);
			snprintf(spec + k, sizeof(spec) - k, "%s%c", mod, *p);
			add_number(b, spec, *p, mod, &cp);
		}
		if (*p)
			p++;
	}
	va_end(cp);
}

int out_vtextf(FILE *f, const char *fmt, va_list ap)
{
	struct buf b;

	buf_init(&b);
	out_text_vformat(&b, fmt, ap);
	return put_buf(f, &b);
}

int out_textf(FILE *f, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = out_vtextf(f, fmt, ap);
	va_end(ap);
	return r;
}

json_t *out_json_string(const char *s, size_t len)
{
	struct buf b;
	json_t *j;

	if (clean_utf8(s, len))
		return json_stringn(s, len);
	buf_init(&b);
	add_utf8(&b, s, len);
	j = json_stringn(b.data, b.len);
	buf_release(&b);
	return j;
}

json_t *out_json_uri(const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *u = (const unsigned char *)s;
	struct buf b;
	size_t i;
	json_t *j;

	buf_init(&b);
	for (i = 0; i < len; i++) {
		unsigned char c = u[i];

		/* unreserved characters and the path's slashes stay as they are, but for a
		 * second leading slash (it would start an authority); a colon is always
		 * encoded, so that no first segment reads as a scheme */
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~' || (c == '/' && !(i == 1 && u[0] == '/'))) {
			buf_addc(&b, (char)c);
		} else {
			buf_addc(&b, '%');
			buf_addc(&b, hex[c >> 4]);
			buf_addc(&b, hex[c & 15]);
		}
	}
	j = json_stringn(b.data, b.len);
	buf_release(&b);
	return j;
}

int out_json_dump(FILE *f, json_t *v)
{
	int r;

	if (!v)
		return -1;
	/* 15 significant digits: what a derived ratio means, and no binary noise
	 * (51.170000000000002) on the rounded ones */
	r = json_dumpf(v, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
	json_decref(v);
	if (r)
		return -1;
	return fputc('\n', f) == EOF ? -1 : 0;
}

void out_csv_field(FILE *f, const char *s, size_t len)
{
	struct buf b;
	const char *p, *q, *end;

	buf_init(&b);
	if (!clean_utf8(s, len)) {
		add_utf8(&b, s, len);
		s = b.data;
		len = b.len;
	}
	end = s + len;
	for (p = s; p < end && *p != ',' && *p != '"' && *p != '\r' && *p != '\n'; p++)
		;
	if (p == end) {
		fwrite(s, 1, len, f);
	} else {
		/* quoted, a quote doubled: each run written up to and with its quote */
		fputc('"', f);
		for (p = s; (q = memchr(p, '"', (size_t)(end - p))); p = q + 1) {
			fwrite(p, 1, (size_t)(q - p) + 1, f);
			fputc('"', f);
		}
		fwrite(p, 1, (size_t)(end - p), f);
		fputc('"', f);
	}
	buf_release(&b);
}

void out_tsv_field(FILE *f, const char *s, size_t len)
{
	struct buf b;
	const char *p, *end;

	buf_init(&b);
	if (!clean_utf8(s, len)) {
		add_utf8(&b, s, len);
		s = b.data;
		len = b.len;
	}
	for (end = s + len; s < end; s = p + 1) {
		for (p = s; p < end && *p != '\t' && *p != '\n' && *p != '\r' && *p != '\\'; p++)
			;
		fwrite(s, 1, (size_t)(p - s), f);
		if (p == end)
			break;
		fputs(*p == '\t' ? "\\t" : *p == '\n' ? "\\n" : *p == '\r' ? "\\r" : "\\\\", f);
	}
	buf_release(&b);
}

struct out_table {
	FILE *f;
	enum out_format fmt;
	size_t ncols;
	char **names;
	/* text mode: every cell rendered, plus whether the column is numeric */
	char **cells;
	size_t nrows, caprows;
	int *numeric;
	int err;
};

static size_t display_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

static void render(struct buf *b, const struct out_cell *c)
{
	char num[40];

	switch (c->type) {
	case OUT_NULL:
		break;
	case OUT_INT:
		buf_printf(b, "%" PRId64, c->i);
		break;
	case OUT_REAL:
		buf_printf(b, "%.6g", c->r);
		break;
	case OUT_STR:
		escape_into(b, c->s, c->len, ESC_TEXT);
		break;
	case OUT_BYTES:
		buf_adds(b, out_size(num, sizeof(num), c->i, 1));
		break;
	case OUT_PCT:
		buf_adds(b, out_pct(num, sizeof(num), c->r));
		break;
	}
}

/* The fewest significant digits (1 to 17) that read back as v: a REAL exact, without the
 * binary noise of a fixed %.17g; never fewer than its integer part has, which %g would
 * write with an exponent (100 as 1e+02). */
static int real_digits(double v)
{
	char num[40];
	int p = 1;

	if (fabs(v) >= 10 && fabs(v) < 1e17)
		p = (int)floor(log10(fabs(v))) + 1;
	for (; p < 17; p++) {
		snprintf(num, sizeof(num), "%.*g", p, v);
		if (strtod(num, NULL) == v)
			break;
	}
	return p;
}

/* A cell's number for programs (CSV, TSV): integers exact, reals as real_digits says,
 * percentages rounded first. */
static void program_number(char *num, size_t n, const struct out_cell *c)
{
	double r = c->type == OUT_PCT ? out_pct_round(c->r) : c->r;

	if (c->type == OUT_INT || c->type == OUT_BYTES)
		snprintf(num, n, "%" PRId64, c->i);
	else
		snprintf(num, n, "%.*g", real_digits(r), r);
}

static void table_free(struct out_table *t)
{
	size_t i;

	if (t->cells)
		for (i = 0; i < t->nrows * t->ncols; i++)
			free(t->cells[i]);
	free(t->cells);
	if (t->names)
		for (i = 0; i < t->ncols; i++)
			free(t->names[i]);
	free(t->names);
	free(t->numeric);
	free(t);
}

struct out_table *out_table_new(FILE *f, enum out_format fmt, size_t ncols,
				const char *const *names)
{
	struct out_table *t = calloc(1, sizeof(*t));
	size_t i;

	if (!t)
		return NULL;
	t->f = f;
	t->fmt = fmt;
	t->ncols = ncols;
	t->names = calloc(ncols + 1, sizeof(*t->names));
	t->numeric = calloc(ncols + 1, sizeof(*t->numeric));
	if (!t->names || !t->numeric)
		goto fail;
	for (i = 0; i < ncols; i++) {
		struct buf b;

		/* column names are shown like cells in text, and are keys (valid UTF-8) in JSON */
		buf_init(&b);
		if (fmt == OUT_TEXT)
			escape_into(&b, names[i], strlen(names[i]), ESC_TEXT);
		else
			add_utf8(&b, names[i], strlen(names[i]));
		if (!(t->names[i] = buf_detach(&b, NULL)))
			goto fail;
	}
	if (fmt == OUT_CSV || fmt == OUT_TSV) {
		for (i = 0; i < ncols; i++) {
			if (i)
				fputc(fmt == OUT_CSV ? ',' : '\t', f);
			if (fmt == OUT_CSV)
				out_csv_field(f, names[i], strlen(names[i]));
			else
				out_tsv_field(f, names[i], strlen(names[i]));
		}
		fputs(fmt == OUT_CSV ? "\r\n" : "\n", f);
	} else if (fmt == OUT_JSON) {
		fputs("[", f);
	}
	return t;
fail:
	table_free(t);
	return NULL;
}

int out_table_row(struct out_table *t, const struct out_cell *cells)
{
	size_t i;

	if (t->fmt == OUT_TEXT) {
		if (t->nrows == t->caprows) {
			size_t nc = t->caprows ? t->caprows * 2 : 64;
			char **n = realloc(t->cells, nc * t->ncols * sizeof(*n) + 1);

			if (!n)
				return t->err = -1;
			t->cells = n;
			t->caprows = nc;
		}
		for (i = 0; i < t->ncols; i++) {
			struct buf b;

			buf_init(&b);
			render(&b, &cells[i]);
			if (cells[i].type != OUT_NULL && cells[i].type != OUT_STR)
				t->numeric[i] |= 1;
			else if (cells[i].type == OUT_STR)
				t->numeric[i] |= 2;
			t->cells[t->nrows * t->ncols + i] = buf_detach(&b, NULL);
		}
		t->nrows++;
		return 0;
	}
	if (t->fmt == OUT_JSON) {
		json_t *o = json_object();
		char *s;
		int digits = 1;

		for (i = 0; i < t->ncols; i++) {
			json_t *v;

			switch (cells[i].type) {
			case OUT_INT: case OUT_BYTES: v = json_integer(cells[i].i); break;
			case OUT_REAL: v = json_real(cells[i].r); break;
			case OUT_PCT: v = out_json_pct(cells[i].r); break;
			case OUT_STR: v = out_json_string(cells[i].s, cells[i].len); break;
			default: v = json_null();
			}
			/* the row's reals with as many digits as the most exacting needs */
			if (json_is_real(v) && real_digits(json_real_value(v)) > digits)
				digits = real_digits(json_real_value(v));
			json_object_set_new(o, t->names[i], v);
		}
		s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(digits));
		json_decref(o);
		if (!s)
			return t->err = -1;
		fprintf(t->f, "%s\n  %s", t->nrows ? "," : "", s);
		free(s);
		t->nrows++;
		return 0;
	}
	for (i = 0; i < t->ncols; i++) {
		char num[64];
		const char *s = num;
		size_t len;

		if (i)
			fputc(t->fmt == OUT_CSV ? ',' : '\t', t->f);
		switch (cells[i].type) {
		case OUT_NULL: num[0] = '\0'; break;
		case OUT_STR: s = cells[i].s; break;
		default: program_number(num, sizeof(num), &cells[i]);
		}
		len = cells[i].type == OUT_STR ? cells[i].len : strlen(num);
		if (t->fmt == OUT_CSV)
			out_csv_field(t->f, s, len);
		else
			out_tsv_field(t->f, s, len);
	}
	fputs(t->fmt == OUT_CSV ? "\r\n" : "\n", t->f);
	t->nrows++;
	return 0;
}

static void write_text(struct out_table *t)
{
	size_t *w = calloc(t->ncols + 1, sizeof(*w)), r, c;

	if (!w) {
		t->err = -1;
		return;
	}
	for (c = 0; c < t->ncols; c++) {
		w[c] = display_width(t->names[c]);
		for (r = 0; r < t->nrows; r++) {
			size_t cw = display_width(t->cells[r * t->ncols + c]);

			if (cw > w[c])
				w[c] = cw;
		}
	}
	for (r = 0; r <= t->nrows; r++) {
		for (c = 0; c < t->ncols; c++) {
			const char *s = r ? t->cells[(r - 1) * t->ncols + c] : t->names[c];
			size_t pad = w[c] - display_width(s);
			int right = t->numeric[c] == 1;

			if (c)
				fputs("  ", t->f);
			if (right)
				fprintf(t->f, "%*s", (int)pad, "");
			fputs(s, t->f);
			if (!right && c + 1 < t->ncols)
				fprintf(t->f, "%*s", (int)pad, "");
		}
		fputc('\n', t->f);
	}
	free(w);
}

int out_table_end(struct out_table *t)
{
	int err;

	if (!t)
		return -1;
	if (t->fmt == OUT_TEXT)
		write_text(t);
	else if (t->fmt == OUT_JSON)
		fputs(t->nrows ? "\n]\n" : "]\n", t->f);
	err = t->err || ferror(t->f) ? -1 : 0;
	table_free(t);
	return err;
}

/* Whether a code point past ASCII may stand in XML and HTML text as it is. */
static int markup_char(uint32_t cp)
{
	return cp >= 0xa0 && !(cp >= 0xfdd0 && cp <= 0xfdef) && (cp & 0xfffe) != 0xfffe;
}

void out_markup_escape(FILE *f, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;
	size_t n;

	for (; p < end; p += n) {
		n = 1;
		switch (*p) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		/* references, so that attribute values keep them */
		case '\t': fputs("&#9;", f); break;
		case '\n': fputs("&#10;", f); break;
		case '\r': fputs("&#13;", f); break;
		default:
			/* XML 1.0 has no place for other C0 controls nor for U+FFFE and U+FFFF, and
			 * HTML calls every control (C1 and DEL too) and noncharacter a parse error;
			 * with the bytes that are not UTF-8 they all become U+FFFD */
			if (*p < 0x20 || *p == 0x7f || !(n = out_utf8_seq(p, (size_t)(end - p)))) {
				fputs("\xef\xbf\xbd", f);
				n = 1;
			} else if (n > 1 && !markup_char(utf8_cp(p, n))) {
				fputs("\xef\xbf\xbd", f);
			} else {
				fwrite(p, 1, n, f);
			}
		}
	}
}

const char *out_size(char *buf, size_t n, int64_t v, int bytes)
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	double d = (double)v;
	int u = 0;

	if (!bytes) {
		snprintf(buf, n, "%" PRId64, v);
		return buf;
	}
	while ((d >= 1024 || d <= -1024) && u < 4) {
		d /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, n, "%" PRId64 " B", v);
	else
		snprintf(buf, n, "%.*f %s", d < 10 ? 2 : d < 100 ? 1 : 0, d, units[u]);
	return buf;
}

const char *out_pct(char *buf, size_t n, double pct)
{
	/* rounded once, from the value itself */
	snprintf(buf, n, "%.1f%%", pct == pct ? pct : 0);
	if (!strcmp(buf, "100.0%"))
		snprintf(buf, n, "100%%");
	else if (!strcmp(buf, "-100.0%"))
		snprintf(buf, n, "-100%%");
	else if (!strcmp(buf, "-0.0%"))
		snprintf(buf, n, "0.0%%");
	return buf;
}

double out_pct_round(double pct)
{
	double r = round(pct * 100) / 100;

	/* no NaN, and no "-0" for a share that rounds to nothing */
	return r == r && r != 0 ? r : 0;
}

json_t *out_json_pct(double pct)
{
	double r = out_pct_round(pct);

	if (r == floor(r) && fabs(r) < 9007199254740992.0)
		return json_integer((json_int_t)r);
	return json_real(r);
}

const char *out_plural(int64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}
