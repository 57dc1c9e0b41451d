/* test_hostile_names.c — names from profiles reach every output format: function and
 * file names with quotes, commas, newlines, markup and invalid UTF-8 must come out escaped in CSV, TSV, text,
 * JSON, JUnit XML, GitHub annotations and SARIF — parseable, one record per row, and no
 * markup injected. The profile is built by hand, since no Go program can name a function
 * like this; the decoder must take it as any other. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <string.h>

#include "tests/testutil.h"

#define NNAMES 4
static const char *const fnames[NNAMES] = {
	"main.(*T).Quote\"d,comma",
	"main.new\nline",
	"main.<script>alert(1)</script>",
	"main.bad\xff\xfeutf8",
};
static const char *const files[NNAMES] = {
	"/src/a \"b\",c.go",
	"/src/cr\r\nlf.go",
	"/src/<x>&y.go",
	"/src/bad\xc3.go",
};

/* A Go heap profile (the four sample types) with one sample per name. */
static const char *crafted_db(void)
{
	static char db[600];
	char path[600];
	struct buf p, m, v;
	size_t i;

	if (db[0])
		return db;
	buf_init(&p);
	/* strings: 0 "", 1 alloc_objects, 2 count, 3 alloc_space, 4 bytes, 5 inuse_objects,
	 * 6 inuse_space, 7 space; then the names from 8 and the files from 8 + NNAMES */
	static const char *const fixed[] = {"", "alloc_objects", "count", "alloc_space", "bytes",
					    "inuse_objects", "inuse_space", "space"};
	static const int types[4][2] = {{1, 2}, {3, 4}, {5, 2}, {6, 4}};
	for (i = 0; i < 4; i++) {
		buf_init(&m);
		pb_int(&m, 1, types[i][0]);
		pb_int(&m, 2, types[i][1]);
		pb_bytes(&p, 1, m.data, m.len);
		buf_release(&m);
	}
	for (i = 0; i < NNAMES; i++) {
		buf_init(&m);
		buf_init(&v);
		pb_varint(&v, i + 1);
		pb_bytes(&m, 1, v.data, v.len);	/* location_id, packed */
		buf_reset(&v);
		pb_varint(&v, 10 * (i + 1));
		pb_varint(&v, 10240 * (i + 1));
		pb_varint(&v, 1);
		pb_varint(&v, 1024);
		pb_bytes(&m, 2, v.data, v.len);	/* values, packed */
		pb_bytes(&p, 2, m.data, m.len);
		buf_release(&m);
		buf_release(&v);
	}
	for (i = 0; i < NNAMES; i++) {	/* locations, each with one line of function i + 1 */
		struct buf l;

		buf_init(&m);
		buf_init(&l);
		pb_int(&m, 1, i + 1);
		pb_int(&m, 3, 0x401000 + 16 * i);
		pb_int(&l, 1, i + 1);
		pb_int(&l, 2, 42 + i);
		pb_bytes(&m, 4, l.data, l.len);
		pb_bytes(&p, 4, m.data, m.len);
		buf_release(&m);
		buf_release(&l);
	}
	for (i = 0; i < NNAMES; i++) {
		buf_init(&m);
		pb_int(&m, 1, i + 1);
		pb_int(&m, 2, 8 + i);
		pb_int(&m, 3, 8 + i);
		pb_int(&m, 4, 8 + NNAMES + i);
		pb_bytes(&p, 5, m.data, m.len);
		buf_release(&m);
	}
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		pb_str(&p, 6, fixed[i]);
	for (i = 0; i < NNAMES; i++)
		pb_str(&p, 6, fnames[i]);
	for (i = 0; i < NNAMES; i++)
		pb_str(&p, 6, files[i]);
	buf_init(&m);
	pb_int(&m, 1, 7);
	pb_int(&m, 2, 4);
	pb_bytes(&p, 11, m.data, m.len);	/* period_type space/bytes */
	buf_release(&m);
	pb_int(&p, 12, 524288);

	snprintf(path, sizeof(path), "%s/crafted.pb", t_tmpdir());
	t_write(path, p.data, p.len);
	buf_release(&p);
	snprintf(db, sizeof(db), "%s/crafted.db", t_tmpdir());
	cr_assert_eq(t_run(NULL, NULL, "load -q --db '%s' --name crafted '%s'", db, path), 0);
	return db;
}

static int valid_utf8(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, k, len;

	while (i < n) {
		if (u[i] < 0x80) {
			i++;
			continue;
		}
		len = u[i] >= 0xf0 && u[i] < 0xf5 ? 4 : u[i] >= 0xe0 ? 3 : u[i] >= 0xc2 ? 2 : 0;
		if (!len || u[i] >= 0xf5 || i + len > n)
			return 0;
		for (k = 1; k < len; k++)
			if ((u[i + k] & 0xc0) != 0x80)
				return 0;
		i += len;
	}
	return 1;
}

/* RFC 4180: returns the records' field counts in counts (up to max) and appends every
 * field, NUL-terminated, to fields. */
static size_t csv_parse(const struct buf *in, struct buf *fields, size_t *counts, size_t max)
{
	size_t i = 0, nrec = 0, nf = 0;

	while (i < in->len && nrec < max) {
		if (in->data[i] == '"') {
			for (i++; i < in->len; i++) {
				if (in->data[i] == '"') {
					if (i + 1 < in->len && in->data[i + 1] == '"')
						i++;
					else
						break;
				}
				buf_addc(fields, in->data[i]);
			}
			i++;	/* closing quote */
		} else {
			for (; i < in->len && in->data[i] != ',' && in->data[i] != '\n' && in->data[i] != '\r'; i++) {
				cr_assert_neq(in->data[i], '"', "a bare quote in an unquoted CSV field");
				buf_addc(fields, in->data[i]);
			}
		}
		buf_addc(fields, '\0');
		nf++;
		if (i < in->len && in->data[i] == ',') {
			i++;
			continue;
		}
		if (i < in->len && in->data[i] == '\r')
			i++;
		if (i < in->len && in->data[i] == '\n')
			i++;
		counts[nrec++] = nf;
		nf = 0;
	}
	return nrec;
}

static int has_field(const struct buf *fields, const char *want)
{
	size_t i = 0;

	while (i < fields->len) {
		if (strcmp(fields->data + i, want) == 0)
			return 1;
		i += strlen(fields->data + i) + 1;
	}
	return 0;
}

Test(escaping, csv_quotes_every_field_that_needs_it)
{
	const char *db = crafted_db();
	const char *q[] = {"top --by function --format csv", "sql --format csv (frames)"};
	size_t k, i, n, counts[64];

	for (k = 0; k < 2; k++) {
		struct buf out, fields;

		buf_init(&out);
		buf_init(&fields);
		if (k == 0)
			cr_assert_eq(t_run(&out, NULL, "top --db '%s' --by function --format csv", db), 0);
		else
			cr_assert_eq(t_run(&out, NULL, "sql --db '%s' --format csv "
					   "'SELECT function, file, line FROM frames ORDER BY function'", db), 0);
		n = csv_parse(&out, &fields, counts, 64);
		cr_expect_geq(n, 1 + NNAMES, "%s: %zu records", q[k], n);
		for (i = 1; i < n; i++)
			cr_expect_eq(counts[i], counts[0], "%s: record %zu has %zu fields, the header %zu",
				     q[k], i, counts[i], counts[0]);
		/* the valid UTF-8 names come back exactly */
		for (i = 0; i < 3; i++)
			cr_expect(has_field(&fields, fnames[i]), "%s: %s not found", q[k], fnames[i]);
		buf_release(&out);
		buf_release(&fields);
	}
}

Test(escaping, tsv_and_text_keep_one_row_per_line)
{
	const char *db = crafted_db();
	const char *fmt[] = {"tsv", "text"};
	size_t k, lines;

	for (k = 0; k < 2; k++) {
		struct buf out;

		buf_init(&out);
		cr_assert_eq(t_run(&out, NULL, "sql --db '%s' --format %s 'SELECT function, file FROM frames'",
				   db, fmt[k]), 0);
		buf_addc(&out, '\0');
		lines = 0;
		for (const char *s = out.data; *s; s++)
			lines += *s == '\n';
		/* a header and one line per row */
		cr_expect_eq(lines, (size_t)(1 + NNAMES), "%s: %zu lines:\n%s", fmt[k], lines, out.data);
		cr_expect_null(strchr(out.data, '\r'), "%s: a raw CR", fmt[k]);
		buf_release(&out);
	}
}

/* Every string in a JSON document, depth first. */
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

static void expect_json(const char *what, const struct buf *out, int names)
{
	json_error_t je;
	struct buf all;
	json_t *j = json_loadb(out->data, out->len, 0, &je);
	size_t i;

	cr_assert_not_null(j, "%s: not JSON (%s at %d)", what, je.text, je.position);
	buf_init(&all);
	json_strings(j, &all);
	for (i = 0; i < 3 && names; i++)
		cr_expect(has_field(&all, fnames[i]) || memmem(all.data, all.len, fnames[i], strlen(fnames[i])),
			  "%s: %s not found", what, fnames[i]);
	/* invalid UTF-8 arrives as U+FFFD, the rest of the name intact */
	if (names)
		cr_expect(memmem(all.data, all.len, "main.bad\xef\xbf\xbd\xef\xbf\xbdutf8", 18) != NULL,
			  "%s: the invalid UTF-8 name is not replaced by U+FFFD", what);
	buf_release(&all);
	json_decref(j);
}

Test(escaping, json_outputs_are_valid_utf8_json_with_the_names_intact)
{
	const char *db = crafted_db();
	struct buf out;

	buf_init(&out);
	cr_assert_eq(t_run(&out, NULL, "top --db '%s' --by function --format json", db), 0);
	expect_json("top json", &out, 1);
	buf_reset(&out);
	cr_assert_eq(t_run(&out, NULL, "sql --db '%s' --format json 'SELECT function, file FROM frames'", db), 0);
	expect_json("sql json", &out, 1);
	buf_release(&out);
}

/* A budget that every crafted function breaches, one rule per name. */
static const char *budget_file(void)
{
	static char path[600];
	static const char rules[] =
		"function 'main.(*T).Quote*' alloc_space <= 1B\n"
		"function 'main.new*' alloc_space <= 1B\n"
		"function 'main.<script>*' alloc_space <= 1B\n"
		"function 'main.bad*' alloc_space <= 1B\n";

	snprintf(path, sizeof(path), "%s/crafted.budget", t_tmpdir());
	t_write(path, rules, sizeof(rules) - 1);
	return path;
}

Test(escaping, junit_escapes_markup_and_invalid_utf8)
{
	const char *db = crafted_db();
	struct buf out;

	buf_init(&out);
	cr_assert_eq(t_run(&out, NULL, "check --db '%s' --budget '%s' --format junit", db, budget_file()), 1);
	cr_expect(valid_utf8(out.data, out.len), "JUnit output is not valid UTF-8");
	buf_addc(&out, '\0');
	cr_expect_null(strstr(out.data, "<script>"), "markup from a name reached the XML:\n%s", out.data);
	cr_expect_not_null(strstr(out.data, "&lt;script&gt;"), "the <script> name is missing:\n%s", out.data);
	cr_expect_not_null(strstr(out.data, "Quote&quot;d,comma"), "the quoted name is missing:\n%s", out.data);
	/* no control character other than tab and newline is legal in XML 1.0 text; a name's
	 * newline inside an attribute must be a character reference */
	for (const char *s = out.data; *s; s++)
		cr_expect(!((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t'), "a raw control byte 0x%02x", *s);
	cr_expect_null(strstr(out.data, "main.new\nline\""), "a raw newline inside an attribute");
	buf_release(&out);
}

Test(escaping, github_annotations_stay_one_line_each)
{
	const char *db = crafted_db();
	struct buf out;
	size_t n = 0;

	buf_init(&out);
	cr_assert_eq(t_run(&out, NULL, "check --db '%s' --budget '%s' --format github", db, budget_file()), 1);
	buf_addc(&out, '\0');
	/* every line is a workflow command or plain summary text, never a name's tail */
	for (char *line = out.data, *nl; *line; line = nl + 1) {
		if (!(nl = strchr(line, '\n')))
			break;
		*nl = '\0';
		if (strncmp(line, "::", 2) == 0)
			n++;
		cr_expect(strncmp(line, "line", 4) != 0, "a name broke the output into a new line: %s", line);
		cr_expect_null(strchr(line, '\r'), "a raw CR in: %s", line);
	}
	cr_expect_geq(n, (size_t)NNAMES, "%zu annotations", n);
	buf_release(&out);
}

Test(escaping, sarif_is_valid_json_with_the_names)
{
	const char *db = crafted_db();
	struct buf out;

	buf_init(&out);
	cr_assert_eq(t_run(&out, NULL, "check --db '%s' --budget '%s' --format sarif", db, budget_file()), 1);
	expect_json("sarif", &out, 1);
	buf_release(&out);
}

static void html_report(struct buf *page, char *path, size_t n)
{
	snprintf(path, n, "%s/hostile.html", t_tmpdir());
	cr_assert_eq(t_run(NULL, NULL, "report -q --db '%s' --html '%s' -n 0", crafted_db(), path), 0);
	t_read(page, path);
}

Test(escaping, the_html_report_escapes_every_name)
{
	struct buf page;
	char path[600];

	html_report(&page, path, sizeof(path));
	cr_expect(valid_utf8(page.data, page.len), "the page is not valid UTF-8");
	cr_expect_eq(strstr(page.data, "<script") - page.data, strstr(page.data, "<script>(function") - page.data,
		     "a <script> before the page's own");
	cr_expect_null(strstr(strstr(page.data, "<script") + 1, "<script"), "a second <script>");
	cr_expect_null(strstr(page.data, "<x>"), "markup from a file name reached the page");
	cr_expect_not_null(strstr(page.data, "<td class=\"fn\">main.&lt;script&gt;alert(1)&lt;/script&gt;</td>"));
	cr_expect_not_null(strstr(page.data, "data-function=\"main.(*T).Quote&quot;d,comma\""));
	cr_expect_not_null(strstr(page.data, "data-function=\"main.new&#10;line\""));
	cr_expect_not_null(strstr(page.data, "data-file=\"/src/&lt;x&gt;&amp;y.go\""));
	cr_expect_not_null(strstr(page.data, "main.bad\xef\xbf\xbd\xef\xbf\xbdutf8"), "invalid UTF-8 is not U+FFFD");
	for (const char *s = page.data; *s; s++)
		cr_expect(!((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t'), "a raw control byte 0x%02x", *s);
	buf_release(&page);
}

Test(escaping, a_browser_shows_the_hostile_names_as_text, .timeout = 300)
{
	struct buf page, dom;
	char path[600];

	if (!t_chromium())
		cr_skip_test("chromium is not installed (apt-get install chromium); the browser check is skipped");
	html_report(&page, path, sizeof(path));
	cr_assert_eq(t_chromium_dom(&dom, path, NULL), 0);
	/* the page's script ran to its end, and it is the only script there is */
	cr_expect_not_null(strstr(dom.data, "data-ready=\"yes\""), "the script did not finish");
	cr_expect_null(strstr(strstr(dom.data, "<script") + 1, "<script"), "a name became a script element");
	cr_expect_null(strstr(dom.data, "<x>"), "a file name became an element");
	cr_expect_not_null(strstr(dom.data, "<td class=\"fn\">main.&lt;script&gt;alert(1)&lt;/script&gt;</td>"),
			   "the <script> name is not text in a cell");
	cr_expect_not_null(strstr(dom.data, "main.(*T).Quote\"d,comma</td>"), "the quoted name is not text");
	buf_release(&page);
	buf_release(&dom);
}
