/* test_output.c — the writers of output/ in-process, on hand-made structs (no store):
 * every writer in every format it writes is given names holding every control byte,
 * quotes, commas, line breaks, markup, a bidi override and invalid UTF-8. Text must hold
 * no control byte but TAB and LF and be valid UTF-8; JSON must parse and give the names
 * back (each invalid byte as U+FFFD); CSV and TSV must give one record per row and the
 * names back as fields. Then one case per writer whose bytes are worked out by hand. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify/classify.h"
#include "output/output.h"
#include "tests/testutil.h"

#define FFFD "\xef\xbf\xbd"

/* A hostile name and what JSON, CSV and TSV must give back: the same, but every byte
 * that is not UTF-8 replaced by U+FFFD. */
struct hostile {
	const char *raw, *back;
};

static const struct hostile names[] = {
	{"c\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17"
	 "\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f.end",
	 "c\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17"
	 "\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f.end"},
	{"say \"hi\", 'you', \"\"", "say \"hi\", 'you', \"\""},
	{"line\nbreak\r\nand\rcr,\t\\tab", "line\nbreak\r\nand\rcr,\t\\tab"},
	{"<b>&amp;</b><script>alert(1)</script>", "<b>&amp;</b><script>alert(1)</script>"},
	{"\xe2\x80\xae" "gnp.exe", "\xe2\x80\xae" "gnp.exe"},
	{"\x1b[31mred\xc2\x9b" "31m\xc2\x85nel", "\x1b[31mred\xc2\x9b" "31m\xc2\x85nel"},
	/* a stray byte, an overlong NUL, a lone continuation, a surrogate, past U+10FFFF */
	{"in\xff\xfe" "va\xc0\x80" "lid\x80" "\xed\xa0\x80" "z\xf4\x90\x80\x80",
	 "in" FFFD FFFD "va" FFFD FFFD "lid" FFFD FFFD FFFD FFFD "z" FFFD FFFD FFFD FFFD},
};
#define NNAMES (sizeof(names) / sizeof(names[0]))

enum writer {
	W_ANALYSIS, W_DIFF_PROFILES, W_DIFF_BUILDS, W_EXPLAIN, W_LIST, W_TOP, W_INFO, W_ESCAPES,
	W_LOAD,
};

/* Runs a writer into memory; the bytes are NUL-terminated, free() them. */
struct written {
	char *data;
	size_t len;
	int ret;
};

/* ---- the writers on a hand-made struct whose every string is nm ---- */

static int write_analysis(FILE *f, enum out_format fmt, char *nm)
{
	struct store_cause_total causes[] = {{nm, 1536, 1, 3}, {(char *)"unknown", 512, 1, 1}};
	struct classify_part parts[] = {
		{nm, nm, nm, nm, NULL, 0.9, 1024, 2},
		{nm, NULL, NULL, NULL, nm, 0.5, 512, 1},
	};
	struct classify_line lines[] = {{nm, nm, 7, 1536, 3, parts, 2}};
	struct classify_fit fits[] = {{{1, 10, 5, 1}, nm}};
	struct classify_summary sum = {
		.ix = STORE_ALLOC_SPACE, .totals = {2048, 1536, 1024, 4}, .causes = causes, .ncauses = 2,
		.lines = lines, .nlines = 1, .fits = fits, .nfits = 1,
	};

	return fmt == OUT_JSON ? out_analysis_json(f, nm, &sum) : out_analysis_text(f, nm, &sum);
}

static int write_diff_profiles(FILE *f, enum out_format fmt, char *nm)
{
	struct classify_diff_row rows[] = {{nm, 1024, 1536, 1024.0, 512.0, CLASSIFY_GREW, nm, nm, 7, nm}};
	struct classify_profile_diff d = {1.0, rows, 1, 1024, 1536, {0, 0, 0, 1, 0}};
	struct out_diff_opts o = {fmt, nm, nm, "alloc_space", "site", 1};

	return out_diff_profiles(f, &o, &d, 1);
}

static int write_diff_builds(FILE *f, enum out_format fmt, char *nm)
{
	struct classify_escape cur[] = {{nm, 5, "moved_to_heap", nm, 0}};
	struct classify_escape base[] = {{nm, 3, "escapes", nm, 0}};
	char *strs[] = {nm};
	struct classify_build_diff d = {
		.base = {base, strs, strs, 1, 1}, .cur = {cur, strs, strs, 1, 1}, .added = 1, .removed = 1,
	};
	struct out_diff_opts o = {fmt, nm, nm, NULL, NULL, 0};

	return out_diff_builds(f, &o, &d);
}

static int write_explain(FILE *f, enum out_format fmt, char *nm)
{
	struct store_flow_step_row steps[] = {{1, (char *)"flow", nm}, {2, (char *)"from", nm}};
	struct store_diag_row also[] = {{1, 3, nm, 9, 0, (char *)"does_not_escape", nm}};
	struct classify_explained v = {
		.site = {.site_id = 4, .function = nm, .file = nm, .line = 9, .values = {3, 1536, 1, 512},
			 .cause = nm, .confidence = 0.5, .build_id = 1, .diag_id = 2, .attributed_via = nm,
			 .decisive_seq = 1, .evidence = nm, .samples = 2},
		.cause = classify_cause_by_id("unknown"), .diag_found = 1,
		.diag = {1, 2, nm, 9, 4, (char *)"escapes", nm}, .steps = steps, .nsteps = 2,
		.also = also, .nalso = 1,
	};
	struct classify_explain x = {&v, 1};

	return out_explain_write(f, fmt, &x);
}

static int write_list(FILE *f, enum out_format fmt, char *nm)
{
	const char *src = t_fresh("list.go");
	char *causes[] = {nm, nm};
	struct store_line_sum v[] = {
		{nm, nm, 2, causes, 2, 1536, 3},
		{nm, (char *)src, 1, causes, 1, 512, 1},
	};
	struct out_list_opts o = {fmt, STORE_ALLOC_SPACE, 0};
	struct classify_sources s;
	struct buf text;
	int ret;


	/* the second file is found: its source lines are the name too, one indented */
	buf_init(&text);
	buf_printf(&text, "%s\n\t%s\n", nm, nm);
	t_write(src, text.data, text.len);
	buf_release(&text);
	classify_sources_init(&s, NULL, 0, NULL);
	ret = out_list_write(f, &o, &s, v, 2);
	classify_sources_release(&s);
	return ret;
}

static int write_top(FILE *f, enum out_format fmt, char *nm)
{
	char *vias[] = {nm};
	struct store_top_cause causes[] = {{nm, vias, 0}};
	struct store_top_row rows[] = {{.function = nm, .file = nm, .line = 7, .causes = causes,
					.ncauses = 1, .value = 1536, .objects = 3}};
	struct out_top_opts o = {fmt, STORE_TOP_BY_SITE, STORE_ALLOC_SPACE, 2048};

	return out_top_write(f, &o, rows, 1);
}

static int write_info(FILE *f, enum out_format fmt, char *nm)
{
	struct profile_value_type types[] = {{nm, nm}};
	struct profile p = {
		.name = nm, .format = PROFILE_PPROF_GZIP, .input_size = 100, .decoded_size = 200,
		.sample_types = types, .nsample_types = 1, .period_type = {nm, nm}, .period = 1,
		.time_nanos = 1, .duration_nanos = 1000000000, .default_sample_type = nm, .nsamples = 5,
	};
	int64_t totals[] = {1536};

	return out_info_write(f, fmt, &p, totals);
}

static int write_escapes(FILE *f, enum out_format fmt, char *nm)
{
	struct classify_ingest_build_result r = {.id = 2, .added = 1, .st = {10, 3, 1, 0, ""}};
	struct out_ingest_opts o = {fmt, 0, 0};
	const char *inputs[] = {nm};

	snprintf(r.version, sizeof(r.version), "%s", nm);
	r.kinds[GC_ESCAPES] = 3;
	return out_escapes_write(f, &o, inputs, &r, 1);
}

static int write_load(FILE *f, enum out_format fmt, char *nm)
{
	struct classify_ingest_profile_result r[] = {{7, 1, 12, 4, "ab"}, {7, 0, 12, 4, "ab"}};
	struct out_ingest_opts o = {fmt, 0, 0};
	const char *inputs[] = {nm, nm};

	return out_load_write(f, &o, inputs, r, 2);
}

static struct written run(enum writer w, enum out_format fmt, const char *name)
{
	static int (*const fns[])(FILE *, enum out_format, char *) = {
		[W_ANALYSIS] = write_analysis, [W_DIFF_PROFILES] = write_diff_profiles,
		[W_DIFF_BUILDS] = write_diff_builds, [W_EXPLAIN] = write_explain, [W_LIST] = write_list,
		[W_TOP] = write_top, [W_INFO] = write_info, [W_ESCAPES] = write_escapes,
		[W_LOAD] = write_load,
	};
	struct written out = {0};
	char *nm = strdup(name);
	FILE *f = open_memstream(&out.data, &out.len);

	cr_assert_not_null(nm);
	cr_assert_not_null(f);
	out.ret = fns[w](f, fmt, nm);
	cr_assert_eq(fclose(f), 0);
	free(nm);
	return out;
}

/* ---- oracles that share no code with output/ ---- */

/* Where text is not valid UTF-8 or holds a control character (C0 but TAB and LF, DEL,
 * C1), the offset; -1 when it is clean. */
static long bad_text_at(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		unsigned c = u[i], n, k;
		unsigned long cp;

		if (c < 0x80) {
			if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
				return (long)i;
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			n = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3, cp = c & 0x07;
		else
			return (long)i;
		for (k = 1; k <= n; k++) {
			if (i + k >= len || (u[i + k] & 0xc0) != 0x80)
				return (long)i;
			cp = cp << 6 | (u[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp <= 0x9f))
			return (long)i;
		i += n + 1;
	}
	return -1;
}

/* Whether v holds, anywhere, a string of exactly len bytes of s. */
static int json_holds(const json_t *v, const char *s, size_t len)
{
	const char *key;
	json_t *x;
	size_t i;

	if (json_is_string(v))
		return json_string_length(v) == len && !memcmp(json_string_value(v), s, len);
	if (json_is_array(v)) {
		json_array_foreach(v, i, x)
			if (json_holds(x, s, len))
				return 1;
	}
	if (json_is_object(v)) {
		json_object_foreach((json_t *)v, key, x)
			if (json_holds(x, s, len))
				return 1;
	}
	return 0;
}

/* Records of CSV (RFC 4180: CRLF, quoted fields with doubled quotes) or TSV (LF, \t \n
 * \r \\ escapes); fields are NUL-terminated copies. */
#define MAXREC 16
#define MAXFLD 16
struct records {
	char *f[MAXREC][MAXFLD];
	size_t nf[MAXREC], n;
	int bad;
};

static void add_field(struct records *r, struct buf *b)
{
	if (r->n >= MAXREC || r->nf[r->n] >= MAXFLD) {
		r->bad = 1;
	} else {
		r->f[r->n][r->nf[r->n]++] = strdup(b->data);
	}
	buf_reset(b);
}

static void parse_csv(struct records *r, const char *s, size_t len)
{
	struct buf b;
	size_t i = 0;

	memset(r, 0, sizeof(*r));
	buf_init(&b);
	while (i < len && !r->bad) {
		if (s[i] == '"') {
			for (i++; i < len; i++) {
				if (s[i] == '"' && i + 1 < len && s[i + 1] == '"')
					buf_addc(&b, s[i++]);
				else if (s[i] == '"')
					break;
				else
					buf_addc(&b, s[i]);
			}
			if (i++ >= len)
				r->bad = 1;	/* an unclosed quote */
		}
		while (i < len && s[i] != ',' && s[i] != '\r' && s[i] != '\n')
			buf_addc(&b, s[i++]);
		add_field(r, &b);
		if (i < len && s[i] == ',') {
			i++;
		} else if (i + 1 < len && s[i] == '\r' && s[i + 1] == '\n') {
			i += 2;
			r->n++;
		} else {
			r->bad = 1;	/* a bare CR or LF, or no line end */
		}
	}
	buf_release(&b);
}

static void parse_tsv(struct records *r, const char *s, size_t len)
{
	struct buf b;
	size_t i;

	memset(r, 0, sizeof(*r));
	buf_init(&b);
	for (i = 0; i < len && !r->bad; i++) {
		if (s[i] == '\\' && i + 1 < len) {
			char c = s[++i];

			buf_addc(&b, c == 't' ? '\t' : c == 'n' ? '\n' : c == 'r' ? '\r' : c);
		} else if (s[i] == '\t') {
			add_field(r, &b);
		} else if (s[i] == '\n') {
			add_field(r, &b);
			r->n++;
		} else if (s[i] == '\r') {
			r->bad = 1;
		} else {
			buf_addc(&b, s[i]);
		}
	}
	if (len && s[len - 1] != '\n')
		r->bad = 1;
	buf_release(&b);
}

static void records_free(struct records *r)
{
	size_t i, k;

	for (i = 0; i < MAXREC; i++)
		for (k = 0; k < MAXFLD; k++)
			free(r->f[i][k]);
}

/* ---- hostile names, in every writer and format ---- */

struct writer_case {
	enum writer w;
	enum out_format fmt;
	char label[24];
	int records;		/* CSV/TSV: header and rows */
};

ParameterizedTestParameters(output, hostile_names_come_out_escaped_for_each_format)
{
	static struct writer_case cases[] = {
		{W_ANALYSIS, OUT_TEXT, "analysis text", 0}, {W_ANALYSIS, OUT_JSON, "analysis json", 0},
		{W_DIFF_PROFILES, OUT_TEXT, "diff profiles text", 0},
		{W_DIFF_PROFILES, OUT_JSON, "diff profiles json", 0},
		{W_DIFF_PROFILES, OUT_CSV, "diff profiles csv", 2},
		{W_DIFF_PROFILES, OUT_TSV, "diff profiles tsv", 2},
		{W_DIFF_BUILDS, OUT_TEXT, "diff builds text", 0},
		{W_DIFF_BUILDS, OUT_JSON, "diff builds json", 0},
		{W_DIFF_BUILDS, OUT_CSV, "diff builds csv", 3},
		{W_DIFF_BUILDS, OUT_TSV, "diff builds tsv", 3},
		{W_EXPLAIN, OUT_TEXT, "explain text", 0}, {W_EXPLAIN, OUT_JSON, "explain json", 0},
		{W_LIST, OUT_TEXT, "list text", 0}, {W_LIST, OUT_JSON, "list json", 0},
		{W_TOP, OUT_TEXT, "top text", 0}, {W_TOP, OUT_JSON, "top json", 0},
		{W_TOP, OUT_CSV, "top csv", 2}, {W_TOP, OUT_TSV, "top tsv", 2},
		{W_INFO, OUT_TEXT, "info text", 0}, {W_INFO, OUT_JSON, "info json", 0},
		{W_ESCAPES, OUT_TEXT, "escapes text", 0}, {W_ESCAPES, OUT_JSON, "escapes json", 0},
		{W_LOAD, OUT_TEXT, "load text", 0}, {W_LOAD, OUT_JSON, "load json", 0},
	};

	return cr_make_param_array(struct writer_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct writer_case *c, output, hostile_names_come_out_escaped_for_each_format)
{
	size_t i, k, q;

	for (i = 0; i < NNAMES; i++) {
		const struct hostile *h = &names[i];
		struct written w = run(c->w, c->fmt, h->raw);
		struct records r;
		json_error_t jerr;
		json_t *j;
		long at;
		int found = 0;

		cr_expect_eq(w.ret, 0, "%s, name %zu: the writer failed", c->label, i);
		cr_expect_gt(w.len, 0, "%s, name %zu: nothing written", c->label, i);
		switch (c->fmt) {
		case OUT_TEXT:
			at = bad_text_at(w.data, w.len);
			cr_expect_eq(at, -1, "%s, name %zu: byte 0x%02x at %ld is a control byte or not UTF-8",
				     c->label, i, at >= 0 ? (unsigned char)w.data[at] : 0, at);
			break;
		case OUT_JSON:
			j = json_loadb(w.data, w.len, 0, &jerr);
			cr_expect_not_null(j, "%s, name %zu: not JSON: %s", c->label, i, jerr.text);
			if (j)
				cr_expect(json_holds(j, h->back, strlen(h->back)),
					  "%s, name %zu: the name does not come back", c->label, i);
			json_decref(j);
			break;
		case OUT_CSV:
		case OUT_TSV:
			if (c->fmt == OUT_CSV)
				parse_csv(&r, w.data, w.len);
			else
				parse_tsv(&r, w.data, w.len);
			cr_expect_not(r.bad, "%s, name %zu: not well-formed", c->label, i);
			cr_expect_eq(r.n, (size_t)c->records, "%s, name %zu: %zu records", c->label, i, r.n);
			for (k = 1; k < r.n; k++) {
				cr_expect_eq(r.nf[k], r.nf[0], "%s, name %zu: record %zu has %zu fields, not %zu",
					     c->label, i, k, r.nf[k], r.nf[0]);
				for (q = 0; q < r.nf[k]; q++)
					found += !strcmp(r.f[k][q], h->back);
			}
			cr_expect_geq(found, (int)r.n - 1, "%s, name %zu: the name does not come back in each row",
				      c->label, i);
			records_free(&r);
			break;
		}
		free(w.data);
	}
}

/* ---- one case per writer, its bytes worked out by hand ---- */

static void expect_written(const struct written *w, const char *want)
{
	cr_expect_eq(w->ret, 0);
	cr_expect_str_eq(w->data, want);
	cr_expect_eq(w->len, strlen(want));
}

/* An in-memory stream whose bytes land in w once closed. */
static FILE *open_mem(struct written *w)
{
	FILE *f;

	memset(w, 0, sizeof(*w));
	f = open_memstream(&w->data, &w->len);
	cr_assert_not_null(f);
	return f;
}

Test(output, analysis_text_shows_1536_bytes_as_1_50_kib_and_the_causes_as_a_table)
{
	struct store_cause_total causes[] = {{(char *)"boxing", 1536, 1, 3}};
	struct classify_summary sum = {
		.ix = STORE_ALLOC_SPACE, .totals = {1536, 1536, 768, 3}, .causes = causes, .ncauses = 1,
	};
	struct written w;
	FILE *f = open_mem(&w);

	w.ret = out_analysis_text(f, "p.pb.gz", &sum);
	fclose(f);
	/* widths: cause 6, value 8, % 4 (the whole is "100%"), objects 7, sites 5 (numbers
	 * right-aligned); 768 of 1536 is 50.0% */
	expect_written(&w, "p.pb.gz: alloc_space, total 1.50 KiB in 3 objects\n"
		       "coverage: 100% attributed to a cause, 50.0% joined to a compiler diagnostic\n\n"
		       "cause      value     %  objects  sites\n"
		       "boxing  1.50 KiB  100%        3      1\n"
		       "\ntop sites by alloc_space:\n");
	free(w.data);
}

Test(output, analysis_json_gives_the_coverage_as_percentages_of_the_total)
{
	struct classify_summary sum = {.ix = STORE_ALLOC_SPACE, .totals = {1536, 1536, 768, 3}};
	struct written w;
	FILE *f = open_mem(&w);

	w.ret = out_analysis_json(f, "p", &sum);
	fclose(f);
	expect_written(&w, "{\n"
		       "  \"builds\": [],\n"
		       "  \"profile\": \"p\",\n"
		       "  \"sample_index\": \"alloc_space\",\n"
		       "  \"total\": 1536,\n"
		       "  \"coverage\": {\n"
		       "    \"attributed_pct\": 100,\n"
		       "    \"joined_pct\": 50\n"
		       "  },\n"
		       "  \"causes\": [],\n"
		       "  \"sites\": []\n"
		       "}\n");
	free(w.data);
}

Test(output, diff_of_profiles_shows_each_list_with_a_signed_percentage_of_base)
{
	struct classify_diff_row rows[] = {
		{(char *)"k", 1024, 1536, 1024.0, 512.0, CLASSIFY_GREW, (char *)"f", (char *)"a.go", 7, (char *)"c"},
		{(char *)"k2", 3, 0, 3.0, -3.0, CLASSIFY_GONE, (char *)"g", (char *)"b.go", 9, (char *)"d"},
		{(char *)"not shown", 100, 101, 100.0, 1.0, CLASSIFY_GREW, (char *)"h", (char *)"c.go", 1, (char *)"c"},
	};
	struct classify_profile_diff d = {1.0, rows, 3, 1127, 1637, {0, 0, 1, 2, 0}};
	struct out_diff_opts o = {OUT_TEXT, "a", "b", "alloc_objects", "site", 0};
	struct written w;
	FILE *f = open_mem(&w);

	/* 512 over 1024 is +50%; 510 over 1127 is +45.2529%, +45.3% in text; one row of each list */
	w.ret = out_diff_profiles(f, &o, &d, 1);
	fclose(f);
	expect_written(&w, "a -> b, alloc_objects by site\n"
		       "total: 1127 -> 1637, +510 (+45.3%)\n"
		       "2 grew, 0 shrank, 0 new, 1 gone, 0 unchanged\n"
		       "\n"
		       "grew (2):\n"
		       "  base   new  delta  change  function  file:line  cause\n"
		       "  1024  1536   +512  +50.0%  f         a.go:7     c\n"
		       "  ... 1 more (-n 0 shows all)\n"
		       "\n"
		       "gone (1):\n"
		       "  base  new  delta  change  function  file:line  cause\n"
		       "     3    0     -3   -100%  g         b.go:9     d\n");
	free(w.data);
}

Test(output, diff_of_profiles_as_csv_has_one_field_per_column_and_no_percent_for_a_new_row)
{
	struct classify_diff_row rows[] = {
		{(char *)"k", 3, 4, 3.0, 1.0, CLASSIFY_GREW, (char *)"f, \"x\"", (char *)"a.go", 7, (char *)"c"},
		{(char *)"n", 0, 9, 0.0, 9.0, CLASSIFY_NEW, NULL, NULL, 0, (char *)"c2"},
	};
	struct classify_profile_diff d = {1.0, rows, 2, 3, 13, {0, 1, 0, 1, 0}};
	struct out_diff_opts o = {OUT_CSV, "a", "b", "alloc_space", "site", 1};
	struct written w;
	FILE *f = open_mem(&w);

	/* 1 over 3 is 33.333...%: two decimals, no binary noise */
	w.ret = out_diff_profiles(f, &o, &d, SIZE_MAX);
	fclose(f);
	expect_written(&w, "status,function,file,line,cause,base,new,delta,percent\r\n"
		       "grew,\"f, \"\"x\"\"\",a.go,7,c,3,4,1,33.33\r\n"
		       "new,,,,c2,0,9,9,\r\n");
	free(w.data);
}

Test(output, diff_of_builds_as_csv_lists_the_added_then_the_removed)
{
	struct classify_escape cur[] = {{"n.go", 5, "moved_to_heap", "z", 0}, {"n.go", 6, "escapes", "m", 1}};
	struct classify_escape base[] = {{"x.go", 3, "escapes", "y", 0}};
	char *curfile[] = {(char *)"n.go", (char *)"n.go"}, *curmsg[] = {(char *)"moved to heap: z",
									      (char *)"matched"};
	char *basefile[] = {(char *)"x.go"}, *basemsg[] = {(char *)"a, \"b\""};
	struct classify_build_diff d = {
		.base = {base, basemsg, basefile, 1, 1}, .cur = {cur, curmsg, curfile, 2, 2},
		.added = 1, .removed = 1,
	};
	struct out_diff_opts o = {OUT_CSV, "a", "b", NULL, NULL, 0};
	struct written w;
	FILE *f = open_mem(&w);

	w.ret = out_diff_builds(f, &o, &d);
	fclose(f);
	expect_written(&w, "change,file,line,kind,message\r\n"
		       "added,n.go,5,moved_to_heap,moved to heap: z\r\n"
		       "removed,x.go,3,escapes,\"a, \"\"b\"\"\"\r\n");
	free(w.data);
}

Test(output, explain_text_gives_sizes_for_people_and_the_cause_with_its_confidence)
{
	struct classify_explained v = {
		.site = {.site_id = 4, .function = (char *)"main.f", .file = (char *)"m.go", .line = 9,
			 .values = {[STORE_ALLOC_OBJECTS] = 3, [STORE_ALLOC_SPACE] = 1536,
				    [STORE_INUSE_OBJECTS] = 1, [STORE_INUSE_SPACE] = 512},
			 .cause = (char *)"boxing", .confidence = 0.5, .samples = 2},
	};
	struct classify_explain x = {&v, 1};
	struct written w;
	FILE *f = open_mem(&w);

	w.ret = out_explain_write(f, OUT_TEXT, &x);
	fclose(f);
	expect_written(&w, "site 4: main.f  m.go:9\n"
		       "  alloc: 1.50 KiB in 3 objects; in use: 512 B in 1 object; 2 samples\n"
		       "cause: boxing (confidence 0.50)\n");
	free(w.data);
}

Test(output, list_without_the_source_shows_only_the_allocating_line)
{
	char *causes[] = {(char *)"boxing"};
	struct store_line_sum v[] = {{(char *)"main.f", (char *)"/nonexistent/m.go", 2, causes, 1, 1536, 3}};
	struct out_list_opts o = {OUT_TEXT, STORE_ALLOC_SPACE, 0};
	struct classify_sources s;
	struct written w;
	FILE *f = open_mem(&w);

	classify_sources_init(&s, NULL, 0, NULL);
	w.ret = out_list_write(f, &o, &s, v, 1);
	classify_sources_release(&s);
	fclose(f);
	/* %10s %8d, two spaces, %-22s, a space, %5d */
	expect_written(&w, "ROUTINE ======================== main.f in /nonexistent/m.go\n"
		       "(source not found: give -source_path and -trim_path)\n"
		       "  1.50 KiB        3  boxing                     2: \n");
	free(w.data);
}

Test(output, top_as_csv_gives_percentages_of_the_total_and_the_causes_in_one_field)
{
	struct store_top_cause causes[] = {{(char *)"boxing", NULL, 0}, {(char *)"concat", NULL, 0}};
	struct store_top_row rows[] = {{.function = (char *)"main.f", .causes = causes, .ncauses = 2,
					.value = 1536, .objects = 3}};
	struct out_top_opts o = {OUT_CSV, STORE_TOP_BY_FUNCTION, STORE_ALLOC_SPACE, 2048};
	struct written w;
	FILE *f = open_mem(&w);

	/* 1536 of 2048 is 75% */
	w.ret = out_top_write(f, &o, rows, 1);
	fclose(f);
	expect_written(&w, "bytes,%,sum%,objects,function,causes\r\n"
		       "1536,75,75,3,main.f,\"boxing,concat\"\r\n");
	free(w.data);
}

Test(output, info_text_marks_the_last_sample_type_as_the_default)
{
	struct profile_value_type types[] = {{"alloc_space", "bytes"}};
	struct profile p = {
		.name = "h.pb.gz", .format = PROFILE_PPROF_GZIP, .input_size = 100, .decoded_size = 200,
		.sample_types = types, .nsample_types = 1, .period_type = {"space", "bytes"},
		.period = 524288, .nsamples = 5, .nlocations = 6, .nfunctions = 7, .nmappings = 1,
		.max_inline_depth = 2,
	};
	int64_t totals[] = {1536};
	struct written w;
	FILE *f = open_mem(&w);

	w.ret = out_info_write(f, OUT_TEXT, &p, totals);
	fclose(f);
	expect_written(&w, "file:        h.pb.gz\n"
		       "format:      pprof-gzip (100 B read, 200 B decoded)\n"
		       "period:      524288 space/bytes\n"
		       "samples:     5\n"
		       "locations:   6 (deepest inlining: 2 lines)\n"
		       "functions:   7\n"
		       "mappings:    1\n"
		       "sample types (* = default):\n"
		       "  * alloc_space      bytes                    1.50 KiB\n");
	free(w.data);
}

Test(output, escapes_text_counts_each_kind_seen_and_the_lines_not_understood)
{
	struct classify_ingest_build_result r = {.id = 2, .added = 1, .st = {10, 3, 1, 0, ""},
						 .version = "go1.22"};
	struct out_ingest_opts o = {OUT_TEXT, 0, 0};
	const char *inputs[] = {"x.log"};
	struct written w;
	FILE *f = open_mem(&w);

	r.kinds[GC_ESCAPES] = 2;
	r.kinds[GC_INLINE] = 1;
	w.ret = out_escapes_write(f, &o, inputs, &r, 1);
	fclose(f);
	expect_written(&w, "x.log: stored as build 2: 3 diagnostics (escapes 2, inline 1); "
		       "1 of 10 lines not understood; Go version go1.22\n");
	free(w.data);
}

Test(output, load_json_is_one_object_per_file)
{
	struct classify_ingest_profile_result r[] = {{7, 1, 12, 4, "ab"}};
	struct out_ingest_opts o = {OUT_JSON, 1, 0};
	const char *inputs[] = {"a.pb.gz"};
	struct written w;
	FILE *f = open_mem(&w);

	/* --quiet silences text only */
	w.ret = out_load_write(f, &o, inputs, r, 1);
	fclose(f);
	expect_written(&w, "[\n"
		       "  {\n"
		       "    \"file\": \"a.pb.gz\",\n"
		       "    \"profile_id\": 7,\n"
		       "    \"added\": true,\n"
		       "    \"samples\": 12,\n"
		       "    \"sha256\": \"ab\"\n"
		       "  }\n"
		       "]\n");
	free(w.data);
}

Test(output, percentages_read_the_same_in_every_format)
{
	static const char *const heads[] = {"pct", "real", "size"};
	struct out_cell row[3] = {
		{.type = OUT_PCT, .r = 100.00000000000001},
		{.type = OUT_REAL, .r = 0.1 + 0.2},
		{.type = OUT_BYTES, .i = 1536},
	};
	char b[16];
	struct written w;
	FILE *f;

	/* text: one decimal, the whole as 100%, no negative zero */
	cr_expect_str_eq(out_pct(b, sizeof(b), 51.17), "51.2%");
	cr_expect_str_eq(out_pct(b, sizeof(b), 99.96), "100%");
	cr_expect_str_eq(out_pct(b, sizeof(b), 100.0), "100%");
	cr_expect_str_eq(out_pct(b, sizeof(b), -0.01), "0.0%");
	cr_expect_str_eq(out_pct(b, sizeof(b), 0.04), "0.0%");
	/* programs: two decimals at most */
	cr_expect_float_eq(out_pct_round(100.0 * 2 / 3), 66.67, 1e-9);
	cr_expect_float_eq(out_pct_round(-0.001), 0.0, 0);
	cr_expect_str_eq(out_plural(1, "sample", "samples"), "sample");
	cr_expect_str_eq(out_plural(0, "sample", "samples"), "samples");

	/* csv: the percentage 100 without noise; a REAL keeps every digit it needs */
	f = open_mem(&w);
	{
		struct out_table *t = out_table_new(f, OUT_CSV, 3, heads);

		out_table_row(t, row);
		row[0].r = 200.0 / 3;
		out_table_row(t, row);
		w.ret = out_table_end(t);
	}
	fclose(f);
	expect_written(&w, "pct,real,size\r\n100,0.30000000000000004,1536\r\n66.67,0.30000000000000004,1536\r\n");
	free(w.data);

	/* json: the whole an integer, the rest at most two decimals; text: sizes for people */
	f = open_mem(&w);
	{
		struct out_table *t = out_table_new(f, OUT_JSON, 3, heads);

		row[0].r = 100.00000000000001;
		out_table_row(t, row);
		row[0].r = 51.170000000000002;
		row[1].r = 0.5;
		out_table_row(t, row);
		w.ret = out_table_end(t);
	}
	fclose(f);
	expect_written(&w, "[\n  {\"pct\":100,\"real\":0.30000000000000004,\"size\":1536},\n"
		       "  {\"pct\":51.17,\"real\":0.5,\"size\":1536}\n]\n");
	free(w.data);
	f = open_mem(&w);
	{
		struct out_table *t = out_table_new(f, OUT_TEXT, 3, heads);

		out_table_row(t, row);
		w.ret = out_table_end(t);
	}
	fclose(f);
	expect_written(&w, "  pct  real      size\n51.2%   0.5  1.50 KiB\n");
	free(w.data);
}
