/* test_writers.c — every writer of every command on hostile names, and every command on a
 * standard output that cannot be written. The profile, the compiler log, the sources and
 * the budget are made by hand: function names, file names, compiler messages and source
 * lines hold every control byte, invalid UTF-8 of each kind, markup and forged GitHub
 * workflow commands. Each output is parsed as what it claims to be (JSON with jansson,
 * CSV by RFC 4180, JUnit by xmllint, HTML by a strict checker below) and text is checked
 * for what a terminal or a CI log would act on. */
#include <criterion/criterion.h>
#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/testutil.h"

/* Every C0 control but NUL and LF, and DEL: what a compiler message can hold (a log line
 * ends at LF). Function names hold LF too. */
#define CTL "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15" \
	    "\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f"
/* Invalid UTF-8 of each kind: lone continuation bytes, overlong forms of '/' and of
 * U+0000, UTF-16 surrogates, a code point past U+10FFFF, bytes never used, a truncated
 * sequence followed by ASCII */
#define BAD "\x80\xbf" "\xc0\xaf" "\xe0\x80\xaf" "\xc0\x80" "\xed\xa0\x80" "\xed\xbf\xbf" \
	    "\xf4\x90\x80\x80" "\xfe\xff" "\xe2\x82" "x"
/* Markup, a CDATA end, quotes, a forged workflow command and a pre-escaped newline */
#define MARKUP "<script>alert('&amp;\"')</script>]]>%0A::error file=x.go,line=1::FORGED"
/* A C1 control (CSI) and NEL, which some terminals act on */
#define C1 "\xc2\x9b" "31m" "\xc2\x85"

struct hsite {
	const char *fn, *file, *var;
	int line;
};

/* One site per kind of hostility; lines differ so that each site is its own. Every file
 * is under /src/hostile, the package main. The last byte sequence of a function name
 * ends the profile's string, so a truncated sequence at the very end is tested too. */
static const struct hsite sites[] = {
	{"main.ctl" CTL "\n.f", "/src/hostile/ctl.go", "c" CTL "v", 10},
	{"main.bad" BAD ".f" "\xf0\x9f\x98", "/src/hostile/bad" BAD ".go", "b" BAD "v", 20},
	{"main.markup" MARKUP, "/src/hostile/<b>&'q\"]]>%0A.go", "m" MARKUP, 30},
	{"main.f\n::error file=x.go,line=1::FORGED", "/src/hostile/forge.go",
	 "\r::error file=x.go,line=1::FORGED", 40},
	{"main.g", "/src/hostile/c" CTL ".go", "g", 50},
	{"main.c1" C1, "/src/hostile/c1" C1 ".go", "v" C1, 60},
};
#define NSITES (sizeof(sites) / sizeof(sites[0]))

static const char *base_of(const char *path)
{
	return strrchr(path, '/') + 1;
}

/* The profile: the four heap sample types, one sample per site (site i allocates
 * (i + 1) KiB in i + 1 objects), a period type whose names are hostile too. */
static void write_profile(const char *path)
{
	static const char *const fixed[] = {"", "alloc_objects", "count", "alloc_space", "bytes",
					    "inuse_objects", "inuse_space",
					    "space" CTL "\n", "bytes" BAD};
	static const int types[4][2] = {{1, 2}, {3, 4}, {5, 2}, {6, 4}};
	const size_t nfixed = sizeof(fixed) / sizeof(fixed[0]);
	struct buf p, m, v;
	size_t i;

	buf_init(&p);
	for (i = 0; i < 4; i++) {
		buf_init(&m);
		pb_int(&m, 1, types[i][0]);
		pb_int(&m, 2, types[i][1]);
		pb_bytes(&p, 1, m.data, m.len);
		buf_release(&m);
	}
	for (i = 0; i < NSITES; i++) {
		buf_init(&m);
		buf_init(&v);
		pb_varint(&v, i + 1);
		pb_bytes(&m, 1, v.data, v.len);
		buf_reset(&v);
		pb_varint(&v, i + 1);
		pb_varint(&v, 1024 * (i + 1));
		pb_varint(&v, 1);
		pb_varint(&v, 1024);
		pb_bytes(&m, 2, v.data, v.len);
		pb_bytes(&p, 2, m.data, m.len);
		buf_release(&m);
		buf_release(&v);
	}
	for (i = 0; i < NSITES; i++) {
		struct buf l;

		buf_init(&m);
		buf_init(&l);
		pb_int(&m, 1, i + 1);
		pb_int(&m, 3, 0x401000 + 16 * i);
		pb_int(&l, 1, i + 1);
		pb_int(&l, 2, (uint64_t)sites[i].line);
		pb_bytes(&m, 4, l.data, l.len);
		pb_bytes(&p, 4, m.data, m.len);
		buf_release(&m);
		buf_release(&l);
	}
	for (i = 0; i < NSITES; i++) {
		buf_init(&m);
		pb_int(&m, 1, i + 1);
		pb_int(&m, 2, nfixed + i);
		pb_int(&m, 3, nfixed + i);
		pb_int(&m, 4, nfixed + NSITES + i);
		pb_bytes(&p, 5, m.data, m.len);
		buf_release(&m);
	}
	for (i = 0; i < nfixed; i++)
		pb_str(&p, 6, fixed[i]);
	for (i = 0; i < NSITES; i++)
		pb_str(&p, 6, sites[i].fn);
	for (i = 0; i < NSITES; i++)
		pb_str(&p, 6, sites[i].file);
	buf_init(&m);
	pb_int(&m, 1, nfixed - 2);
	pb_int(&m, 2, nfixed - 1);
	pb_bytes(&p, 11, m.data, m.len);
	buf_release(&m);
	pb_int(&p, 12, 524288);
	t_write(path, p.data, p.len);
	buf_release(&p);
}

/* The -m -m log: at each site a variable moved to heap because its address is returned,
 * with the flow, as Go 1.19 prints it. */
static void write_log(const char *path)
{
	struct buf b;
	size_t i;

	buf_init(&b);
	buf_adds(&b, "# command-line-arguments\n");
	for (i = 0; i < NSITES; i++) {
		const char *f = base_of(sites[i].file), *v = sites[i].var;
		int l = sites[i].line;

		buf_printf(&b, "./%s:%d:2: %s escapes to heap:\n", f, l, v);
		buf_printf(&b, "./%s:%d:2:   flow: ~r0 = &%s:\n", f, l, v);
		buf_printf(&b, "./%s:%d:2:     from &%s (address-of) at ./%s:%d:9\n", f, l, v, f, l + 1);
		buf_printf(&b, "./%s:%d:2:     from return &%s (return) at ./%s:%d:2\n", f, l, v, f, l + 1);
		buf_printf(&b, "./%s:%d:2: moved to heap: %s\n", f, l, v);
	}
	t_write(path, b.data, b.len);
	buf_release(&b);
}

/* Each site's source: the allocating line and the one after it hold the hostile bytes. */
static void write_sources(const char *dir)
{
	char path[1024];
	size_t i;
	int l;

	snprintf(path, sizeof(path), "%s/hostile", dir);
	mkdir(dir, 0777);
	mkdir(path, 0777);
	for (i = 0; i < NSITES; i++) {
		struct buf b;

		buf_init(&b);
		for (l = 1; l < sites[i].line; l++)
			buf_printf(&b, "// line %d\n", l);
		buf_printf(&b, "\tvar %s T // %s\n", sites[i].var, CTL BAD C1 MARKUP);
		buf_printf(&b, "\treturn &%s\n}\n", sites[i].var);
		snprintf(path, sizeof(path), "%s/hostile/%s", dir, base_of(sites[i].file));
		t_write(path, b.data, b.len);
		buf_release(&b);
	}
}

/* A budget every site breaches, a rule per site; and new-escapes against a baseline
 * build that has none of the hostile ones. */
static void write_budget(const char *path)
{
	static const char rules[] =
		"function 'main.ctl*' alloc_space <= 1B\n"
		"function 'main.bad*' alloc_space <= 1B\n"
		"function 'main.markup*' alloc_space <= 1B\n"
		"function 'main.f*' alloc_space <= 1B\n"
		"function 'main.g' alloc_space <= 1B\n"
		"function 'main.c1*' alloc_space <= 1B\n"
		"site '*.go:50' alloc_space <= 1B\n"
		"new-escapes <= 0\n";

	t_write(path, rules, sizeof(rules) - 1);
}

/* A word for sh -c: s in single quotes, a quote in it as '\''. In a rotating buffer. */
static const char *shq(const char *s)
{
	static char bufs[8][2048];
	static int next;
	char *b = bufs[next++ & 7];
	size_t k = 0;

	b[k++] = '\'';
	for (; *s && k < sizeof(bufs[0]) - 6; s++) {
		if (*s == '\'') {
			memcpy(b + k, "'\\''", 4);
			k += 4;
		} else {
			b[k++] = *s;
		}
	}
	b[k++] = '\'';
	b[k] = '\0';
	return b;
}

struct hostile {
	char dir[512], profile[600], profile2[600], log[600], base_log[600], other_log[600], src[600],
	     budget[600], db[600];
};

/* The inputs, and a store holding the profile (twice, under two names, for diff), the
 * baseline build and the hostile one, and the analysis. Made once per test process. The
 * budget and a log that fits no profile have hostile file names: a build is named after
 * its log, and the budget's name is in check's reports. */
static const struct hostile *hostile(void)
{
	static struct hostile h;
	static const char other[] = "# command-line-arguments\n./other.go:3:2: moved to heap: o\n";
	struct buf err;

	if (h.db[0])
		return &h;
	snprintf(h.dir, sizeof(h.dir), "%s/hostile.%d", t_tmpdir(), getpid());
	cr_assert_eq(mkdir(h.dir, 0777), 0);
	snprintf(h.profile, sizeof(h.profile), "%s/heap.pb", h.dir);
	snprintf(h.profile2, sizeof(h.profile2), "%s/heap2.pb", h.dir);
	snprintf(h.log, sizeof(h.log), "%s/build.mm.txt", h.dir);
	snprintf(h.base_log, sizeof(h.base_log), "%s/base.mm.txt", h.dir);
	snprintf(h.other_log, sizeof(h.other_log), "%s/l\x07\x1b[2J\n::error::FORGED\xc0.mm.txt", h.dir);
	snprintf(h.src, sizeof(h.src), "%s/src", h.dir);
	snprintf(h.budget, sizeof(h.budget), "%s/b\x1b[31m\n::error file=y.go::FORGED\xff.budget", h.dir);
	snprintf(h.db, sizeof(h.db), "%s/store.db", h.dir);
	write_profile(h.profile);
	write_log(h.log);
	write_sources(h.src);
	write_budget(h.budget);
	t_write(h.base_log, other, sizeof(other) - 1);
	t_write(h.other_log, other, sizeof(other) - 1);
	{
		struct buf p;

		/* the same samples with another period: a second profile */
		t_read(&p, h.profile);
		pb_int(&p, 12, 1048576);
		t_write(h.profile2, p.data, p.len);
		buf_release(&p);
	}
	cr_assert_eq(t_run(NULL, &err, "escapes -q --db %s --name base %s", shq(h.db), shq(h.base_log)), 0,
		     "%s", err.data);
	buf_release(&err);
	cr_assert_eq(t_run(NULL, &err, "load -q --db %s --name old %s", shq(h.db), shq(h.profile2)), 0, "%s",
		     err.data);
	buf_release(&err);
	cr_assert_eq(t_run(NULL, &err, "analyze -q --db %s --name new -source_path %s -trim_path /src %s %s",
			   shq(h.db), shq(h.src), shq(h.profile), shq(h.log)), 0, "%s", err.data);
	buf_release(&err);
	return &h;
}

/* ---- what each kind of output must be -------------------------------------------------- */

static int valid_utf8(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, k, len;
	unsigned long cp;

	while (i < n) {
		if (u[i] < 0x80) {
			i++;
			continue;
		}
		/* RFC 3629's table: the second byte's range depends on the first */
		len = u[i] >= 0xc2 && u[i] <= 0xdf ? 2 : u[i] >= 0xe0 && u[i] <= 0xef ? 3 :
		      u[i] >= 0xf0 && u[i] <= 0xf4 ? 4 : 0;
		if (!len || i + len > n)
			return 0;
		cp = u[i] & (0xff >> (len + 1));
		for (k = 1; k < len; k++) {
			if ((u[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (u[i + k] & 0x3f);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += len;
	}
	return 1;
}

/* Text for a terminal or a CI log: valid UTF-8, no control character but LF and TAB (no
 * C1 either), and no line a CI runner would take for a workflow command. */
static void expect_text(const char *what, const struct buf *b)
{
	const unsigned char *u = (const unsigned char *)b->data;
	size_t i;

	cr_expect(valid_utf8(b->data, b->len), "%s: not valid UTF-8", what);
	for (i = 0; i < b->len; i++) {
		int c1 = u[i] == 0xc2 && i + 1 < b->len && u[i + 1] >= 0x80 && u[i + 1] <= 0x9f;

		if ((u[i] < 0x20 && u[i] != '\n' && u[i] != '\t') || u[i] == 0x7f || c1) {
			cr_expect(0, "%s: control character 0x%02x%s at byte %zu", what, u[i], c1 ? " (C1)" : "", i);
			return;
		}
		if ((i == 0 || u[i - 1] == '\n') && i + 1 < b->len && u[i] == ':' && u[i + 1] == ':') {
			cr_expect(0, "%s: a line starts with \"::\" at byte %zu", what, i);
			return;
		}
	}
}

static json_t *expect_json(const char *what, const struct buf *b)
{
	json_error_t je;
	json_t *j;

	cr_expect(valid_utf8(b->data, b->len), "%s: not valid UTF-8", what);
	j = json_loadb(b->data, b->len, 0, &je);
	cr_assert_not_null(j, "%s: not JSON: %s at line %d", what, je.text, je.line);
	return j;
}

/* Every string in a JSON document, NUL-separated, depth first. */
static void json_strings(json_t *j, struct buf *all)
{
	const char *key;
	json_t *v;
	size_t i;

	if (json_is_string(j)) {
		buf_add(all, json_string_value(j), json_string_length(j));
		buf_addc(all, '\0');
	} else if (json_is_array(j)) {
		json_array_foreach(j, i, v)
			json_strings(v, all);
	} else if (json_is_object(j)) {
		json_object_foreach(j, key, v)
			json_strings(v, all);
	}
}

static int has_string(const struct buf *all, const char *want)
{
	size_t i = 0;

	while (i < all->len) {
		if (!strcmp(all->data + i, want))
			return 1;
		i += strlen(all->data + i) + 1;
	}
	return 0;
}

/* RFC 4180, strictly: records end with CRLF, a field is quoted or holds no quote, comma,
 * CR or LF, a quoted field doubles its quotes and ends at a comma or a record's end.
 * Appends every field NUL-terminated to fields and returns the number of records;
 * counts[r] is the number of fields of record r. */
static size_t csv_read(const char *what, const struct buf *in, struct buf *fields, size_t *counts,
		       size_t max)
{
	const char *s = in->data, *end = s + in->len;
	size_t nrec = 0, nf = 0;

	while (s < end) {
		if (*s == '"') {
			for (s++;; s++) {
				cr_assert(s < end, "%s: a quoted field is not closed", what);
				if (*s == '"' && s + 1 < end && s[1] == '"')
					s++;
				else if (*s == '"')
					break;
				buf_addc(fields, *s);
			}
			s++;
		} else {
			for (; s < end && *s != ',' && *s != '\r'; s++) {
				cr_assert(*s != '"' && *s != '\n', "%s: a bare quote or LF in field %zu of record %zu",
					  what, nf, nrec);
				buf_addc(fields, *s);
			}
		}
		buf_addc(fields, '\0');
		nf++;
		if (s < end && *s == ',') {
			s++;
			continue;
		}
		cr_assert(end - s >= 2 && s[0] == '\r' && s[1] == '\n', "%s: record %zu does not end with CRLF",
			  what, nrec);
		s += 2;
		cr_assert_lt(nrec, max);
		counts[nrec++] = nf;
		nf = 0;
	}
	return nrec;
}

/* TSV as escprof writes it: a field holds no TAB, LF or CR (they are \t, \n, \r, and a
 * backslash is \\). Appends the unescaped fields like csv_read. */
static size_t tsv_read(const char *what, const struct buf *in, struct buf *fields, size_t *counts,
		       size_t max)
{
	const char *s = in->data, *end = s + in->len;
	size_t nrec = 0, nf = 0;

	while (s < end) {
		for (; s < end && *s != '\t' && *s != '\n'; s++) {
			cr_assert(*s != '\r', "%s: a raw CR in record %zu", what, nrec);
			if (*s == '\\') {
				cr_assert(s + 1 < end && strchr("tnr\\", s[1]), "%s: a lone backslash", what);
				s++;
				buf_addc(fields, *s == 't' ? '\t' : *s == 'n' ? '\n' : *s == 'r' ? '\r' : '\\');
			} else {
				buf_addc(fields, *s);
			}
		}
		buf_addc(fields, '\0');
		nf++;
		if (s < end && *s == '\t') {
			s++;
			continue;
		}
		cr_assert(s < end, "%s: the last record has no LF", what);
		s++;
		cr_assert_lt(nrec, max);
		counts[nrec++] = nf;
		nf = 0;
	}
	return nrec;
}

static void expect_same_width(const char *what, const size_t *counts, size_t n)
{
	size_t i;

	cr_expect_geq(n, 2, "%s: %zu records", what, n);
	for (i = 1; i < n; i++)
		cr_expect_eq(counts[i], counts[0], "%s: record %zu has %zu fields, the header %zu", what, i,
			     counts[i], counts[0]);
}

/* The names that are valid UTF-8 pass through the data formats (JSON, CSV, TSV) exactly;
 * the one that is not arrives valid, its ASCII intact. */
static void expect_names(const char *what, const struct buf *strings)
{
	static const size_t exact[] = {0, 2, 3, 5};
	size_t i, k;
	int bad = 0;

	for (k = 0; k < sizeof(exact) / sizeof(exact[0]); k++)
		cr_expect(has_string(strings, sites[exact[k]].fn), "%s: the name of site %zu is not there",
			  what, exact[k]);
	for (i = 0; i < strings->len; i += strlen(strings->data + i) + 1)
		bad |= !strncmp(strings->data + i, "main.bad", 8) && strstr(strings->data + i, "x.f");
	cr_expect(bad, "%s: the name with invalid UTF-8 is not there", what);
}

/* A name as text shows it, per out_text's contract: C0 and DEL as \xNN. */
static const char *shown(const char *s)
{
	static char b[1024];
	size_t k = 0;

	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			k += (size_t)snprintf(b + k, sizeof(b) - k, "\\x%02x", (unsigned char)*s);
		else
			b[k++] = *s;
	b[k] = '\0';
	return b;
}

/* ---- the text writers ------------------------------------------------------------------- */

/* Runs escprof; its stdout and stderr must both be text as expect_text wants it. */
static int run_text(struct buf *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int run_text(struct buf *out, const char *fmt, ...)
{
	char args[8192];
	struct buf err;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	rc = t_run(out, &err, "%s", args);
	expect_text(args, out);
	expect_text(args, &err);
	buf_release(&err);
	return rc;
}

Test(writers, text_shows_every_control_byte_escaped_and_forges_no_line)
{
	const struct hostile *h = hostile();
	static const char *const by[] = {"site", "function", "package", "cause", "size"};
	const char *db = shq(h->db);
	struct buf out;
	size_t i;

	cr_assert_eq(run_text(&out, "analyze -source_path %s -trim_path /src %s %s", shq(h->src),
			      shq(h->profile), shq(h->log)), 0);
	/* the names are there, shown, not dropped */
	for (i = 0; i < NSITES; i++)
		if (i != 1 && i != 5)
			cr_expect_not_null(strstr(out.data, shown(sites[i].fn)), "analyze: %s is not shown",
					   shown(sites[i].fn));
	cr_expect_not_null(strstr(out.data, "main.f\\x0a::error file=x.go,line=1::FORGED"));
	cr_expect_not_null(strstr(out.data, "compiler: moved to heap: \\x0d::error file=x.go,line=1::FORGED"));
	cr_expect_not_null(strstr(out.data, "main.c1\\u009b31m\\u0085"), "C1 controls are shown as \\u00NN");
	buf_release(&out);
	for (i = 0; i < sizeof(by) / sizeof(by[0]); i++) {
		cr_assert_eq(run_text(&out, "top --db %s --by %s", db, by[i]), 0);
		buf_release(&out);
	}
	for (i = 1; i <= NSITES; i++) {
		cr_assert_eq(run_text(&out, "explain --db %s %zu", db, i), 0);
		cr_expect_not_null(strstr(out.data, "moved to heap: "), "explain %zu: no diagnostic", i);
		buf_release(&out);
	}
	cr_assert_eq(run_text(&out, "list --db %s -source_path %s -trim_path /src main", db, shq(h->src)), 0);
	cr_expect_not_null(strstr(out.data, "\tvar c\\x01\\x02"), "list: the source's own tab is kept");
	buf_release(&out);
	cr_assert_eq(run_text(&out, "check --db %s --budget %s --baseline-build base", db, shq(h->budget)), 1);
	buf_release(&out);
	cr_assert_eq(run_text(&out, "sql --db %s 'SELECT * FROM frames'", db), 0);
	buf_release(&out);
	cr_assert_eq(run_text(&out, "sql --db %s 'SELECT * FROM diagnostics JOIN flow_steps USING (build_id, diag_id)'",
			      db), 0);
	buf_release(&out);
	cr_assert_eq(run_text(&out, "diff --db %s old new", db), 0);
	buf_release(&out);
	cr_assert_eq(run_text(&out, "diff --db %s %s %s", db, shq(h->base_log), shq(h->log)), 0);
	buf_release(&out);
	cr_assert_eq(run_text(&out, "info %s", shq(h->profile)), 0);
	cr_expect_not_null(strstr(out.data, "space\\x01"), "info: the period type is not shown:\n%s", out.data);
	buf_release(&out);
	cr_assert_eq(run_text(&out, "escapes --dry-run %s", shq(h->other_log)), 0);
	buf_release(&out);
	cr_assert_eq(run_text(&out, "load --db %s %s", shq(t_fresh("load.db")), shq(h->profile)), 0);
	buf_release(&out);
}

/* A right-to-left override or a line separator in a name would make the rest of its line
 * read reversed or start a new one on screen (CVE-2021-42574's trick); text shows them as
 * \uNNNN like C1 controls, and leaves other characters beyond ASCII alone. */
Test(writers, text_shows_the_characters_that_reorder_a_line_escaped)
{
	static const struct {
		const char *utf8, *shown;
	} cases[] = {
		{"\xe2\x80\xae", "\\u202e"}, {"\xe2\x80\xa8", "\\u2028"}, {"\xe2\x80\xa9", "\\u2029"},
		{"\xe2\x81\xa6", "\\u2066"}, {"\xe2\x81\xa9", "\\u2069"}, {"\xe2\x80\x8f", "\\u200f"},
		{"\xd8\x9c", "\\u061c"}, {"\xc3\xa9", "\xc3\xa9"}, {"\xe2\x80\xa7", "\xe2\x80\xa7"},
	};
	const char *db = shq(hostile()->db);
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buf out;
		char want[64], hex[16] = "";
		const unsigned char *u;

		for (u = (const unsigned char *)cases[i].utf8; *u; u++)
			snprintf(hex + strlen(hex), sizeof(hex) - strlen(hex), "%02x", *u);
		cr_assert_eq(run_text(&out, "sql --db %s \"SELECT 'a' || CAST(X'%s' AS TEXT) || 'b'\"", db, hex), 0);
		snprintf(want, sizeof(want), "a%sb", cases[i].shown);
		cr_expect_not_null(strstr(out.data, want), "case %zu: want %s in:\n%s", i, want, out.data);
		buf_release(&out);
	}
}

Test(writers, messages_on_stderr_quote_names_on_one_line)
{
	const struct hostile *h = hostile();
	struct buf out, err;

	/* a build named after a log that fits no profile: the note quotes its name */
	cr_assert_eq(t_run(&out, &err, "analyze %s %s", shq(h->profile), shq(h->other_log)), 0);
	expect_text("the note of an unfit build", &err);
	cr_expect_not_null(strstr(err.data, "('l\\x07\\x1b[2J\\x0a::error::FORGED\xef\xbf\xbd.mm.txt')"),
			   "the build's name is not shown: %s", err.data);
	cr_expect_eq(strchr(err.data, '\n'), err.data + err.len - 1, "not one line: %s", err.data);
	buf_release(&out);
	buf_release(&err);
	/* errors naming the hostile files */
	cr_assert_eq(t_run(&out, &err, "info %s.missing", shq(h->other_log)), 3);
	expect_text("info on a missing file", &err);
	cr_expect_eq(strchr(err.data, '\n'), err.data + err.len - 1, "not one line: %s", err.data);
	buf_release(&out);
	buf_release(&err);
	cr_assert_eq(t_run(&out, &err, "escapes --dry-run %s", shq(h->profile)), 3);
	expect_text("escapes on a profile", &err);
	buf_release(&out);
	buf_release(&err);
}

/* ---- the data formats ------------------------------------------------------------------- */

Test(writers, json_outputs_parse_and_keep_the_names)
{
	const struct hostile *h = hostile();
	static const char *const by[] = {"site", "function", "package", "cause", "size"};
	const char *db = shq(h->db);
	struct buf out, all;
	json_t *j;
	size_t i;

	buf_init(&all);
	cr_assert_eq(t_run(&out, NULL, "analyze --format json %s %s", shq(h->profile), shq(h->log)), 0);
	j = expect_json("analyze", &out);
	json_strings(j, &all);
	expect_names("analyze", &all);
	cr_expect(has_string(&all, "moved to heap: c" CTL "v"), "analyze: the message with controls is not exact");
	json_decref(j);
	buf_release(&out);
	for (i = 0; i < sizeof(by) / sizeof(by[0]); i++) {
		cr_assert_eq(t_run(&out, NULL, "top --db %s --by %s --format json", db, by[i]), 0);
		json_decref(expect_json(by[i], &out));
		buf_release(&out);
	}
	buf_reset(&all);
	cr_assert_eq(t_run(&out, NULL, "top --db %s --by function --format json", db), 0);
	j = expect_json("top --by function", &out);
	json_strings(j, &all);
	expect_names("top --by function", &all);
	json_decref(j);
	buf_release(&out);
	for (i = 1; i <= NSITES; i++) {
		cr_assert_eq(t_run(&out, NULL, "explain --db %s --format json %zu", db, i), 0);
		json_decref(expect_json("explain", &out));
		buf_release(&out);
	}
	cr_assert_eq(t_run(&out, NULL, "list --db %s --format json -source_path %s -trim_path /src main", db,
			   shq(h->src)), 0);
	json_decref(expect_json("list", &out));
	buf_release(&out);
	buf_reset(&all);
	cr_assert_eq(t_run(&out, NULL, "sql --db %s --format json 'SELECT function, file FROM frames'", db), 0);
	j = expect_json("sql", &out);
	json_strings(j, &all);
	expect_names("sql", &all);
	json_decref(j);
	buf_release(&out);
	cr_assert_eq(t_run(&out, NULL, "check --db %s --budget %s --baseline-build base --format json", db,
			   shq(h->budget)), 1);
	json_decref(expect_json("check", &out));
	buf_release(&out);
	cr_assert_eq(t_run(&out, NULL, "diff --db %s --format json old new", db), 0);
	json_decref(expect_json("diff profiles", &out));
	buf_release(&out);
	cr_assert_eq(t_run(&out, NULL, "diff --db %s --format json %s %s", db, shq(h->base_log), shq(h->log)), 0);
	json_decref(expect_json("diff builds", &out));
	buf_release(&out);
	buf_reset(&all);
	cr_assert_eq(t_run(&out, NULL, "info --format json %s", shq(h->profile)), 0);
	j = expect_json("info", &out);
	json_strings(j, &all);
	cr_expect(has_string(&all, "space" CTL "\n"), "info: the period type is not exact");
	json_decref(j);
	buf_release(&out);
	cr_assert_eq(t_run(&out, NULL, "escapes --dry-run --format json %s", shq(h->other_log)), 0);
	json_decref(expect_json("escapes", &out));
	buf_release(&out);
	cr_assert_eq(t_run(&out, NULL, "load --format json --db %s %s", shq(t_fresh("json.db")),
			   shq(h->profile)), 0);
	json_decref(expect_json("load", &out));
	buf_release(&out);
	buf_release(&all);
}

Test(writers, csv_and_tsv_keep_one_record_per_row_and_the_names)
{
	const struct hostile *h = hostile();
	static const char *const cmds[] = {
		"top --by site", "top --by function", "top --by package", "top --by cause",
		"sql 'SELECT * FROM frames'", "sql 'SELECT * FROM diagnostics JOIN flow_steps USING (build_id, diag_id)'",
	};
	/* the records each gives: a header and a row per site, function, package, cause,
	 * frame (of the two profiles), flow step (three a site) */
	static const size_t nrec[] = {1 + NSITES, 1 + NSITES, 2, 2, 1 + 2 * NSITES, 1 + 3 * NSITES};
	size_t i, k, n, counts[64];

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		for (k = 0; k < 2; k++) {
			struct buf out, fields;
			char what[128];

			snprintf(what, sizeof(what), "%s --format %s", cmds[i], k ? "tsv" : "csv");
			buf_init(&fields);
			cr_assert_eq(t_run(&out, NULL, "%.*s --db %s --format %s %s", (int)strcspn(cmds[i], " "),
					   cmds[i], shq(h->db), k ? "tsv" : "csv", strchr(cmds[i], ' ') + 1), 0);
			cr_expect(valid_utf8(out.data, out.len), "%s: not valid UTF-8", what);
			n = k ? tsv_read(what, &out, &fields, counts, 64) : csv_read(what, &out, &fields, counts, 64);
			expect_same_width(what, counts, n);
			cr_expect_eq(n, nrec[i], "%s: %zu records, not %zu", what, n, nrec[i]);
			if (i == 1 || i == 4)
				expect_names(what, &fields);
			buf_release(&out);
			buf_release(&fields);
		}
}

/* No control character at all but LF and TAB: what XML 1.0 and HTML both accept (HTML
 * also calls DEL and the C1 controls parse errors). */
static void expect_markup_chars(const char *what, const struct buf *b)
{
	const unsigned char *u = (const unsigned char *)b->data;
	size_t i;

	for (i = 0; i < b->len; i++)
		if ((u[i] < 0x20 && u[i] != '\n' && u[i] != '\t') || u[i] == 0x7f ||
		    (u[i] == 0xc2 && i + 1 < b->len && u[i + 1] >= 0x80 && u[i + 1] <= 0x9f)) {
			cr_expect(0, "%s: a control character (byte 0x%02x) at byte %zu", what, u[i], i);
			return;
		}
}

/* ---- check's reports -------------------------------------------------------------------- */

/* check on the hostile store: every rule of the budget breaches (each function allocates
 * at least 1 KiB, the site 5 KiB, and the six escapes are new against the baseline) */
#define NRULES 8

static void run_check(struct buf *out, const char *format)
{
	const struct hostile *h = hostile();
	struct buf err;

	/* the sources under src/hostile/ are found: paths relative to src, the root */
	cr_assert_eq(t_run(out, &err, "check --db %s --budget %s --baseline-build base -source_path %s --format %s",
			   shq(h->db), shq(h->budget), shq(h->src), format), 1, "%s", err.data);
	expect_text(format, &err);
	buf_release(&err);
}

Test(writers, github_annotations_are_the_only_workflow_commands)
{
	struct buf out;
	size_t n = 0;
	char *line, *nl;

	run_check(&out, "github");
	cr_expect(valid_utf8(out.data, out.len), "not valid UTF-8");
	for (line = out.data; *line; line = nl + 1) {
		char *p;

		cr_assert_not_null(nl = strchr(line, '\n'), "the last line has no LF");
		*nl = '\0';
		for (p = line; *p; p++)
			cr_expect(!((unsigned char)*p < 0x20 && *p != '\t') && *p != 0x7f,
				  "a control byte 0x%02x in: %s", *p, line);
		if (strncmp(line, "::", 2))
			continue;
		/* ::error file=F,line=N,title=escprof budget::MESSAGE, F holding neither : nor , */
		cr_assert(!strncmp(line, "::error file=", 13), "not an error annotation: %s", line);
		p = line + 13 + strcspn(line + 13, ":,");
		cr_expect(!strncmp(p, ",line=", 6), "the file property runs into: %s", p);
		p += 6 + strspn(p + 6, "0123456789");
		cr_expect(!strncmp(p, ",title=escprof budget::", 23), "the properties end badly: %s", line);
		n++;
	}
	cr_expect_eq(n, NRULES, "%zu annotations for %d breached rules", n, NRULES);
	buf_release(&out);
}

/* RFC 3986: a relative reference made of a path: pchar (unreserved, pct-encoded,
 * sub-delims, ':' and '@') and '/', not starting with "//", no ':' before the first '/'.
 * Returns the decoded path (static) or NULL. */
static const char *uri_path(const char *u)
{
	static char out[1024];
	size_t k = 0;
	const char *p;
	int seen_slash = 0;

	if (!strncmp(u, "//", 2))
		return NULL;
	for (p = u; *p && k < sizeof(out) - 1; p++) {
		if (*p == '%') {
			unsigned v;

			if (!isxdigit((unsigned char)p[1]) || !isxdigit((unsigned char)p[2]))
				return NULL;
			sscanf(p + 1, "%2x", &v);
			out[k++] = (char)v;
			p += 2;
		} else if (isalnum((unsigned char)*p) || strchr("-._~!$&'()*+,;=@/:", *p)) {
			if (*p == ':' && !seen_slash)
				return NULL;
			seen_slash |= *p == '/';
			out[k++] = *p;
		} else {
			return NULL;
		}
	}
	out[k] = '\0';
	return out;
}

Test(writers, sarif_is_json_and_its_uris_are_rfc_3986_and_name_the_files)
{
	struct buf out;
	json_t *j, *results, *r;
	size_t i, k;

	run_check(&out, "sarif");
	j = expect_json("sarif", &out);
	cr_assert_str_eq(json_string_value(json_object_get(j, "version")), "2.1.0");
	results = json_object_get(json_array_get(json_object_get(j, "runs"), 0), "results");
	cr_assert_eq(json_array_size(results), NRULES);
	json_array_foreach(results, i, r) {
		json_t *loc = json_array_get(json_object_get(r, "locations"), 0);
		const char *uri = json_string_value(json_object_get(json_object_get(json_object_get(loc,
					"physicalLocation"), "artifactLocation"), "uri"));
		const char *path;
		int known = 0;

		cr_assert_not_null(uri, "result %zu has no uri", i);
		path = uri_path(uri);
		cr_assert_not_null(path, "not an RFC 3986 relative reference: %s", uri);
		/* the worst site's file as found under the root, or the file of the compiler's
		 * diagnostic (new escapes: "./x.go" as the log says it, normalised) */
		for (k = 0; k < NSITES; k++) {
			char rel[512];

			snprintf(rel, sizeof(rel), "hostile/%s", base_of(sites[k].file));
			known |= !strcmp(path, base_of(sites[k].file)) || !strcmp(path, rel);
		}
		cr_expect(known, "%s decodes to a file that is not in the profile", uri);
	}
	json_decref(j);
	buf_release(&out);
}

Test(writers, junit_is_well_formed_xml)
{
	struct buf out, err;
	const char *path = t_fresh("junit.xml");
	char cmd[1024];
	int st;

	run_check(&out, "junit");
	cr_expect(valid_utf8(out.data, out.len), "not valid UTF-8");
	expect_markup_chars("junit", &out);
	cr_expect_not_null(strstr(out.data, "failures=\"8\""), "not 8 failures:\n%s", out.data);
	t_write(path, out.data, out.len);
	snprintf(cmd, sizeof(cmd), "xmllint --noout '%s' 2>'%s.err'", path, path);
	st = system(cmd);
	snprintf(cmd, sizeof(cmd), "%s.err", path);
	t_read(&err, cmd);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "xmllint: %s", err.data);
	buf_release(&err);
	buf_release(&out);
}

/* ---- the HTML report -------------------------------------------------------------------- */

/* The length of the character reference at p ("&lt;", "&#10;", "&#x2F;"), 0 if none. */
static size_t ref_len(const char *p)
{
	size_t r = p[1] == '#' ? (p[2] == 'x' ? 3 + strspn(p + 3, "0123456789abcdefABCDEF") :
				  2 + strspn(p + 2, "0123456789")) :
		   1 + strspn(p + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");

	return r > 2 && p[r] == ';' && !(p[1] == '#' && r == 3 && p[2] == 'x') ? r + 1 : 0;
}

/* A strict reading of HTML as escprof writes it: every element closed in order but the
 * void ones (or self-closed, as in SVG), attributes quoted and holding no '<' or raw
 * quote, text holding no '<', every '&' starting a character reference, the content of
 * script and style ending only at their end tag. Returns how many script elements. */
static int html_check(const char *s, size_t n)
{
	static const char *const voids[] = {"meta", "link", "br", "hr", "img", "input", "col", "wbr",
					    "area", "base", "source", "track", "embed", "param"};
	char stack[256][16];
	const char *end = s + n, *p = s;
	int depth = 0, scripts = 0;
	size_t i;

	cr_assert(!strncmp(p, "<!DOCTYPE html>\n", 16), "no doctype");
	p += 16;
	while (p < end) {
		char name[16];
		size_t nl;
		int closing, is_void = 0;

		if (*p == '&') {
			size_t r = ref_len(p);

			cr_assert(r, "a bare & at byte %zu: %.20s", (size_t)(p - s), p);
			p += r;
			continue;
		}
		if (*p != '<') {
			p++;
			continue;
		}
		closing = p[1] == '/';
		p += 1 + closing;
		nl = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789");
		cr_assert(nl > 0 && nl < sizeof(name), "a '<' that starts no tag at byte %zu: %.20s",
			  (size_t)(p - s), p - 1 - closing);
		memcpy(name, p, nl);
		name[nl] = '\0';
		p += nl;
		if (closing) {
			cr_assert(*p == '>', "a bad end tag </%s", name);
			cr_assert(depth > 0 && !strcmp(stack[depth - 1], name), "</%s> closes <%s>", name,
				  depth ? stack[depth - 1] : "nothing");
			depth--;
			p++;
			continue;
		}
		/* attributes: NAME or NAME="VALUE" */
		for (;;) {
			p += strspn(p, " \n");
			if (*p == '>' || !strncmp(p, "/>", 2))
				break;
			nl = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-:");
			cr_assert(nl > 0, "a bad attribute in <%s> at byte %zu: %.20s", name, (size_t)(p - s), p);
			p += nl;
			if (*p != '=')
				continue;
			cr_assert(p[1] == '"', "an unquoted attribute value in <%s>", name);
			for (p += 2; *p != '"'; p++) {
				cr_assert(p < end && *p != '<', "a '<' in an attribute of <%s>", name);
				cr_assert(*p != '&' || ref_len(p), "a bare & in an attribute of <%s>: %.20s", name, p);
			}
			p++;
		}
		for (i = 0; i < sizeof(voids) / sizeof(voids[0]); i++)
			is_void |= !strcmp(name, voids[i]);
		if (*p == '/') {
			p += 2;
			continue;
		}
		p++;
		if (!strcmp(name, "script") || !strcmp(name, "style")) {
			char close[16];
			const char *q;

			scripts += !strcmp(name, "script");
			snprintf(close, sizeof(close), "</%s>", name);
			q = memmem(p, (size_t)(end - p), close, strlen(close));
			cr_assert_not_null(q, "<%s> is not closed", name);
			cr_assert_null(memmem(p, (size_t)(q - p), "<!--", 4), "a comment opener in <%s>", name);
			p = q + strlen(close);
			continue;
		}
		if (is_void)
			continue;
		cr_assert_lt(depth, 256);
		strcpy(stack[depth++], name);
	}
	cr_assert_eq(depth, 0, "%d elements left open, the last <%s>", depth, depth ? stack[depth - 1] : "");
	return scripts;
}

Test(writers, the_html_report_is_well_formed_and_holds_no_control_byte)
{
	const struct hostile *h = hostile();
	const char *path = t_fresh("report.html");
	struct buf page, err;

	cr_assert_eq(t_run(NULL, &err, "report --db %s --html %s -n 0 --baseline old -source_path %s "
			   "-trim_path /src", shq(h->db), shq(path), shq(h->src)), 0, "%s", err.data);
	expect_text("report's stderr", &err);
	buf_release(&err);
	t_read(&page, path);
	cr_expect(valid_utf8(page.data, page.len), "not valid UTF-8");
	expect_markup_chars("the report", &page);
	cr_expect_eq(html_check(page.data, page.len), 1, "more than the page's own script");
	buf_release(&page);
}

/* ---- writes that fail ------------------------------------------------------------------- */

/* Runs escprof with standard output on /dev/full (a device where every write fails with
 * ENOSPC); returns the exit code and puts stderr in err. */
static int run_full(struct buf *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int run_full(struct buf *err, const char *fmt, ...)
{
	char args[8192], cmd[12288];
	const char *e = t_fresh("full.err");
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "cd %s && %s %s </dev/null >/dev/full 2>%s", shq(t_src()),
		 shq(getenv("ESCPROF")), args, shq(e));
	st = system(cmd);
	t_read(err, e);
	unlink(e);
	cr_assert(WIFEXITED(st), "'%s' did not exit normally", args);
	return WEXITSTATUS(st);
}

/* args with @D (the store), @P (the profile), @L (the log), @B (the budget) and @N (a new
 * store) replaced, each quoted for sh */
static void expand(char *out, size_t n, const char *args)
{
	const struct hostile *h = hostile();
	size_t k = 0;

	for (; *args && k + 1 < n; args++) {
		const char *v = NULL;

		if (*args == '@') {
			switch (*++args) {
			case 'D': v = h->db; break;
			case 'P': v = h->profile; break;
			case 'L': v = h->log; break;
			case 'B': v = h->budget; break;
			case 'N': v = t_fresh("new.db"); break;
			}
			cr_assert_not_null(v, "bad placeholder @%c", *args);
			k += (size_t)snprintf(out + k, n - k, "%s", shq(v));
		} else {
			out[k++] = *args;
		}
	}
	out[k < n ? k : n - 1] = '\0';
}

Test(writers, every_command_on_a_full_standard_output_is_exit_3_with_one_line)
{
	static const struct { const char *cmd, *args; } cases[] = {
		{NULL, "--version"},
		{NULL, "--help"},
		{"top", "top --help"},
		{"info", "info @P"},
		{"info", "info --format json @P"},
		{"load", "load --db @N @P"},
		{"load", "load --db @N --format json @P"},
		{"escapes", "escapes --dry-run @L"},
		{"escapes", "escapes --dry-run --format json @L"},
		{"analyze", "analyze @P @L"},
		{"analyze", "analyze --format json @P @L"},
		{"top", "top --db @D"},
		{"top", "top --db @D --format json"},
		{"top", "top --db @D --format csv"},
		{"top", "top --db @D --format tsv"},
		{"explain", "explain --db @D 1"},
		{"explain", "explain --db @D --format json 1"},
		{"list", "list --db @D main"},
		{"list", "list --db @D --format json main"},
		{"check", "check --db @D --budget @B --baseline-build base"},
		{"check", "check --db @D --budget @B --baseline-build base --format json"},
		{"check", "check --db @D --budget @B --baseline-build base --format junit"},
		{"check", "check --db @D --budget @B --baseline-build base --format github"},
		{"check", "check --db @D --budget @B --baseline-build base --format sarif"},
		{"sql", "sql --db @D 'SELECT * FROM frames'"},
		{"sql", "sql --db @D --format json 'SELECT * FROM frames'"},
		{"sql", "sql --db @D --format csv 'SELECT * FROM frames'"},
		{"sql", "sql --db @D --format tsv 'SELECT * FROM frames'"},
		{"diff", "diff -q --db @D old new"},
		{"diff", "diff -q --db @D --format json old new"},
		{"diff", "diff -q --db @D --format csv old new"},
		{"report", "report --db @D --html -"},
	};
	char want[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char args[4096];
		struct buf err;
		int rc;

		expand(args, sizeof(args), cases[i].args);
		rc = run_full(&err, "%s", args);
		snprintf(want, sizeof(want), "escprof%s%s: cannot write to standard output: %s\n",
			 cases[i].cmd ? " " : "", cases[i].cmd ? cases[i].cmd : "", strerror(ENOSPC));
		cr_expect_eq(rc, 3, "%s: exit %d", cases[i].args, rc);
		cr_expect_str_eq(err.data, want, "%s", cases[i].args);
		buf_release(&err);
	}
}

Test(writers, a_report_file_that_cannot_be_written_is_exit_3_naming_it)
{
	const struct hostile *h = hostile();
	struct buf err;
	char want[256];
	struct stat sb;

	/* a device is written in place (never renamed over), and the failure says why */
	cr_assert_eq(stat("/dev/full", &sb), 0);
	cr_assert(S_ISCHR(sb.st_mode));
	cr_expect_eq(t_run(NULL, &err, "report --db %s --html /dev/full", shq(h->db)), 3);
	snprintf(want, sizeof(want), "escprof report: cannot write '/dev/full': %s\n", strerror(ENOSPC));
	cr_expect_str_eq(err.data, want);
	cr_assert_eq(stat("/dev/full", &sb), 0);
	cr_expect(S_ISCHR(sb.st_mode), "/dev/full is no longer a device");
	buf_release(&err);
}

Test(writers, a_failing_top_prints_its_error_and_nothing_else)
{
	const struct hostile *h = hostile();
	const char *db = t_fresh("fresh.db"), *db2 = t_fresh("fresh2.db");
	struct buf out, err;
	const char *want = "escprof top: sample type 'bogus' is not one of the profile's heap types\n";

	/* stores with a profile and a build, and no analysis yet */
	cr_assert_eq(t_run(NULL, NULL, "load -q --db %s %s", shq(db), shq(h->profile)), 0);
	cr_assert_eq(t_run(NULL, NULL, "escapes -q --db %s %s", shq(db), shq(h->log)), 0);
	cr_assert_eq(t_run(NULL, NULL, "load -q --db %s %s", shq(db2), shq(h->profile)), 0);
	cr_assert_eq(t_run(NULL, NULL, "escapes -q --db %s %s", shq(db2), shq(h->log)), 0);
	cr_expect_eq(t_run(&out, &err, "top --db %s -sample_index bogus", shq(db)), 2);
	cr_expect_str_eq(err.data, want);
	cr_expect_eq(out.len, 0);
	buf_release(&out);
	buf_release(&err);
	/* nothing was analysed for a command that failed on its arguments */
	cr_expect_eq(t_sql_int(db, "SELECT count(*) FROM analysis"), 0);
	/* a top whose output cannot be written says that alone */
	cr_expect_eq(run_full(&err, "top --db %s", shq(db)), 3);
	cr_expect_eq(strchr(err.data, '\n'), err.data + err.len - 1, "not one line: %s", err.data);
	cr_expect_not_null(strstr(err.data, "cannot write to standard output"), "%s", err.data);
	buf_release(&err);
	/* and one that succeeds says what it did */
	cr_expect_eq(t_run(&out, &err, "top --db %s", shq(db2)), 0);
	cr_expect_not_null(strstr(err.data, "escprof top: profile 1 had no analysis yet: joined it with build 1"),
			   "%s", err.data);
	buf_release(&out);
	buf_release(&err);
}
