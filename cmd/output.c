/* output.c — tabular writers. Text mode aligns columns (numbers right, text left) and
 * shows control characters escaped, so a crafted function name cannot forge lines; CSV
 * follows RFC 4180; TSV escapes tab, newline, CR and backslash; JSON is one array of
 * objects with invalid UTF-8 replaced, never passed through. */
#include "output.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"

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

json_t *out_json_string(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	struct buf b;
	size_t i = 0, n;
	json_t *j;

	for (i = 0; i < len; i += n)
		if (!(n = out_utf8_seq(u + i, len - i)) || u[i] == 0)
			break;
	if (i == len)
		return json_stringn(s, len);
	buf_init(&b);
	for (i = 0; i < len; i += n) {
		n = u[i] ? out_utf8_seq(u + i, len - i) : 0;
		if (n) {
			buf_add(&b, u + i, n);
		} else {
			buf_adds(&b, "\xef\xbf\xbd");
			n = 1;
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
	r = json_dumpf(v, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(v);
	if (r)
		return -1;
	return fputc('\n', f) == EOF ? -1 : 0;
}

void out_csv_field(FILE *f, const char *s, size_t len)
{
	size_t i;

	if (!memchr(s, ',', len) && !memchr(s, '"', len) && !memchr(s, '\n', len) &&
	    !memchr(s, '\r', len)) {
		fwrite(s, 1, len, f);
		return;
	}
	fputc('"', f);
	for (i = 0; i < len; i++) {
		if (s[i] == '"')
			fputc('"', f);
		fputc(s[i], f);
	}
	fputc('"', f);
}

void out_tsv_field(FILE *f, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		switch (s[i]) {
		case '\t': fputs("\\t", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\\': fputs("\\\\", f); break;
		default: fputc(s[i], f);
		}
	}
}

/* Text mode: control characters shown as \xNN so one cell stays on one line. */
static void text_escape(struct buf *b, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f)
			buf_printf(b, "\\x%02x", c);
		else
			buf_addc(b, (char)c);
	}
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
		text_escape(b, c->s, c->len);
		break;
	}
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
	for (i = 0; i < ncols; i++)
		if (!(t->names[i] = strdup(names[i])))
			goto fail;
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
			if (cells[i].type == OUT_INT || cells[i].type == OUT_REAL)
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

		for (i = 0; i < t->ncols; i++) {
			json_t *v;

			switch (cells[i].type) {
			case OUT_INT: v = json_integer(cells[i].i); break;
			case OUT_REAL: v = json_real(cells[i].r); break;
			case OUT_STR: v = out_json_string(cells[i].s, cells[i].len); break;
			default: v = json_null();
			}
			json_object_set_new(o, t->names[i], v);
		}
		s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
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
		case OUT_INT: snprintf(num, sizeof(num), "%" PRId64, cells[i].i); break;
		case OUT_REAL: snprintf(num, sizeof(num), "%.17g", cells[i].r); break;
		case OUT_STR: s = cells[i].s; break;
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
			/* XML 1.0 has no place for other control characters (HTML calls them
			 * parse errors), nor for bytes that are not UTF-8: both become U+FFFD */
			if (*p < 0x20 || *p == 0x7f || !(n = out_utf8_seq(p, (size_t)(end - p)))) {
				fputs("\xef\xbf\xbd", f);
				n = 1;
			} else {
				fwrite(p, 1, n, f);
			}
		}
	}
}
