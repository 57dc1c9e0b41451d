/* test_profile.c — the decoder against independent oracles: `go tool pprof -raw` dumps
 * (sample values, location ids, each location's inlined lines), the corpus MANIFEST's
 * field counts, pprof's golden for the legacy text format; and every kind of bad input
 * we can make by hand, each of which must be an error naming the file and offset. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile/profile.h"
#include "profile/profile_int.h"
#include "tests/testutil.h"
#include <zlib.h>

/* ---- a parser for pprof's -raw text (the oracle) ---- */

struct raw_sample {
	long long v[8];
	int nv;
	unsigned long long loc[256];
	int nloc;
};

struct raw_line {
	char fn[512];
	char file[512];
	long line;
};

struct raw_loc {
	unsigned long long id;
	struct raw_line lines[16];
	int nlines;
};

struct raw {
	struct raw_sample *s;
	int ns;
	struct raw_loc *l;
	int nl;
	int ntypes;
	long long period;
};

/* "file:line" or "file:line:col" (newer pprof) -> file, line */
static void split_pos(char *file, long *line)
{
	char *c = strrchr(file, ':'), *c2;

	*line = 0;
	if (!c)
		return;
	*c = '\0';
	c2 = strrchr(file, ':');
	if (c2 && c2[1] >= '0' && c2[1] <= '9' && strspn(c2 + 1, "0123456789") == strlen(c2 + 1)) {
		*c2 = '\0';
		*line = atol(c2 + 1);
	} else {
		*line = atol(c + 1);
	}
}

static void raw_parse(struct raw *r, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[16384];
	int section = 0;

	cr_assert_not_null(f, "cannot open %s", path);
	memset(r, 0, sizeof(*r));
	r->s = calloc(200000, sizeof(*r->s));
	r->l = calloc(100000, sizeof(*r->l));
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "Period: ", 8)) {
			r->period = atoll(line + 8);
		} else if (!strcmp(line, "Samples:")) {
			section = 1;
			if (fgets(line, sizeof(line), f)) {	/* type header */
				char *tok = strtok(line, " \n");

				for (; tok; tok = strtok(NULL, " \n"))
					r->ntypes++;
			}
		} else if (!strcmp(line, "Locations")) {
			section = 2;
		} else if (!strcmp(line, "Mappings")) {
			section = 3;
		} else if (section == 1) {
			char *colon = strchr(line, ':'), *p;
			struct raw_sample *s;

			if (!colon) {
				continue;	/* label lines such as "bytes:[16]" have a colon too */
			}
			if (strstr(line, ":[") || strchr(line, '['))
				continue;
			s = &r->s[r->ns++];
			*colon = '\0';
			for (p = strtok(line, " "); p && s->nv < 8; p = strtok(NULL, " "))
				s->v[s->nv++] = atoll(p);
			for (p = strtok(colon + 1, " "); p; p = strtok(NULL, " "))
				s->loc[s->nloc++] = strtoull(p, NULL, 10);
		} else if (section == 2) {
			/* "  ID: 0xADDR M=N fn file:line s=N" then "        fn file:line s=N" for each
			 * further (inlined) line; names may hold spaces, and pprof appends
			 * "(system name)" after s=N when it differs from the name it shows */
			char *sp = NULL, *pos, *fn, *sys = NULL, *q;
			struct raw_line *ln;

			for (q = strstr(line, " s="); q; q = strstr(q + 1, " s="))
				if (q[3] >= '0' && q[3] <= '9')
					sp = q;
			if (!sp) {
				if (strstr(line, ": 0x")) {	/* a location without lines */
					r->l[r->nl].id = strtoull(line, NULL, 10);
					r->l[r->nl++].nlines = 0;
				}
				continue;
			}
			q = sp + 3 + strspn(sp + 3, "0123456789");
			if (*q == '(') {
				sys = q + 1;
				q = strrchr(sys, ')');
				if (q)
					*q = '\0';
			}
			*sp = '\0';
			pos = strrchr(line, ' ');
			if (!pos)
				continue;
			*pos++ = '\0';
			fn = line;
			while (*fn == ' ')
				fn++;
			if (strstr(fn, ": 0x") == fn + strcspn(fn, ":")) {
				r->l[r->nl].id = strtoull(fn, NULL, 10);
				r->l[r->nl++].nlines = 0;
				fn = strstr(fn, " M=");
				if (!fn)
					continue;
				fn = strchr(fn + 1, ' ');
				if (!fn)
					continue;
				fn++;
			}
			if (!r->nl || r->l[r->nl - 1].nlines >= 16)
				continue;
			ln = &r->l[r->nl - 1].lines[r->l[r->nl - 1].nlines++];
			snprintf(ln->fn, sizeof(ln->fn), "%s", sys ? sys : fn);
			snprintf(ln->file, sizeof(ln->file), "%s", pos);
			split_pos(ln->file, &ln->line);
		}
	}
	fclose(f);
}

/* pprof's -raw is a normalised view: samples whose values are all zero are dropped,
 * identical stacks merged and locations renumbered. So both sides are reduced to a map
 * from the stack, spelled as "function file:line" of every frame, to summed values. */
struct stack_sum {
	char *key;
	long long v[8];
};

struct sums {
	struct stack_sum *s;
	size_t n, cap;
};

static void sums_add(struct sums *m, char *key, const long long *v, int nv)
{
	size_t i;
	int k;

	for (i = 0; i < m->n; i++)
		if (!strcmp(m->s[i].key, key)) {
			for (k = 0; k < nv; k++)
				m->s[i].v[k] += v[k];
			free(key);
			return;
		}
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 64;
		m->s = realloc(m->s, m->cap * sizeof(*m->s));
	}
	memset(&m->s[m->n], 0, sizeof(m->s[0]));
	m->s[m->n].key = key;
	for (k = 0; k < nv; k++)
		m->s[m->n].v[k] = v[k];
	m->n++;
}

static int all_zero(const long long *v, int n)
{
	for (int i = 0; i < n; i++)
		if (v[i])
			return 0;
	return 1;
}

static const struct raw_loc *raw_loc(const struct raw *r, unsigned long long id)
{
	for (int i = 0; i < r->nl; i++)
		if (r->l[i].id == id)
			return &r->l[i];
	return NULL;
}

static int decoded_sum(void *ctx, const struct profile_sample *s)
{
	struct sums *m = ctx;
	struct buf k;
	long long v[8] = {0};
	size_t i, j;

	for (i = 0; i < s->nvalues && i < 8; i++)
		v[i] = s->values[i];
	if (all_zero(v, (int)s->nvalues))
		return 0;
	buf_init(&k);
	for (i = 0; i < s->nlocations; i++)
		for (j = 0; j < s->locations[i]->nlines; j++) {
			const struct profile_line *l = &s->locations[i]->lines[j];

			buf_printf(&k, "%s %s:%lld;", l->function->name, l->function->file, (long long)l->line);
		}
	sums_add(m, buf_detach(&k, NULL), v, (int)s->nvalues);
	return 0;
}

/* Compares a profile with its -raw dump, stack by stack. */
static void check_against_raw(const char *profile_path, const char *raw_path)
{
	struct profile *p = NULL;
	struct err e = {0};
	struct raw r;
	struct sums mine = {0}, theirs = {0};
	size_t i, j;
	int si;

	raw_parse(&r, raw_path);
	cr_assert_gt(r.ns, 0, "%s: no samples parsed", raw_path);
	for (si = 0; si < r.ns; si++) {
		struct buf k;

		if (all_zero(r.s[si].v, r.s[si].nv))
			continue;
		buf_init(&k);
		for (int x = 0; x < r.s[si].nloc; x++) {
			const struct raw_loc *l = raw_loc(&r, r.s[si].loc[x]);

			cr_assert_not_null(l, "%s: sample refers to location %llu", raw_path, r.s[si].loc[x]);
			for (int y = 0; y < l->nlines; y++)
				buf_printf(&k, "%s %s:%ld;", l->lines[y].fn, l->lines[y].file, l->lines[y].line);
		}
		sums_add(&theirs, buf_detach(&k, NULL), r.s[si].v, r.s[si].nv);
	}
	cr_assert_eq(profile_open_file(&p, profile_path, NULL, &e), ESC_OK, "%s", e.msg);
	cr_expect_eq(p->period, r.period);
	cr_expect_eq((int)p->nsample_types, r.ntypes);
	cr_expect_eq(profile_foreach_sample(p, decoded_sum, &mine, &e), 0, "%s", e.msg);
	cr_expect_eq(mine.n, theirs.n, "%s: %zu distinct stacks, -raw has %zu", profile_path, mine.n,
		     theirs.n);
	for (i = 0; i < theirs.n; i++) {
		for (j = 0; j < mine.n && strcmp(mine.s[j].key, theirs.s[i].key); j++)
			;
		cr_expect_lt(j, mine.n, "%s: stack missing: %s", profile_path, theirs.s[i].key);
		if (j < mine.n)
			cr_expect_arr_eq(mine.s[j].v, theirs.s[i].v, sizeof(mine.s[j].v),
					 "%s: values differ for %s", profile_path, theirs.s[i].key);
	}
	for (i = 0; i < mine.n; i++)
		free(mine.s[i].key);
	for (i = 0; i < theirs.n; i++)
		free(theirs.s[i].key);
	free(mine.s);
	free(theirs.s);
	profile_free(p);
	free(r.s);
	free(r.l);
}

struct totals {
	long long sum[8];
};

static int add_totals(void *ctx, const struct profile_sample *s)
{
	struct totals *t = ctx;
	size_t i;

	for (i = 0; i < s->nvalues && i < 8; i++)
		t->sum[i] += s->values[i];
	return 0;
}

Test(profile, sample_profiles_match_go_tool_pprof_raw)
{
	glob_t g;
	size_t i;
	char pat[4096];

	snprintf(pat, sizeof(pat), "%s/sample-profiles/out/go*/*.pb.gz", t_src());
	cr_assert_eq(glob(pat, 0, NULL, &g), 0, "no sample profiles under %s", pat);
	cr_assert_gt(g.gl_pathc, 20);
	for (i = 0; i < g.gl_pathc; i++) {
		char raw[4096], expect[4096];
		const char *path = g.gl_pathv[i];
		struct profile *p = NULL;
		struct err e = {0};
		struct totals t = {{0}};
		static const char *const keys[] = {"alloc_objects", "alloc_space", "inuse_objects",
						   "inuse_space"};
		int k;

		snprintf(raw, sizeof(raw), "%.*s.raw.txt", (int)(strlen(path) - 6), path);
		snprintf(expect, sizeof(expect), "%.*s.expect", (int)(strlen(path) - 6), path);
		check_against_raw(path, raw);
		cr_assert_eq(profile_open_file(&p, path, NULL, &e), ESC_OK, "%s", e.msg);
		cr_assert_eq(profile_foreach_sample(p, add_totals, &t, &e), 0);
		for (k = 0; k < 4; k++) {
			int ix = profile_sample_type_index(p, keys[k]);

			cr_assert_geq(ix, 0);
			cr_expect_eq(t.sum[ix], t_expect(expect, keys[k]), "%s %s", path, keys[k]);
		}
		cr_expect_str_eq(p->default_sample_type, "alloc_space");
		cr_expect_eq(profile_default_sample_index(p), 1);
		profile_free(p);
	}
	globfree(&g);
}

Test(profile, sample_profiles_have_inlined_frames)
{
	glob_t g;
	size_t i, deepest = 0;
	char pat[4096];

	snprintf(pat, sizeof(pat), "%s/sample-profiles/out/go*/*.pb.gz", t_src());
	cr_assert_eq(glob(pat, 0, NULL, &g), 0);
	for (i = 0; i < g.gl_pathc; i++) {
		struct profile *p = NULL;
		struct err e = {0};

		cr_assert_eq(profile_open_file(&p, g.gl_pathv[i], NULL, &e), ESC_OK, "%s", e.msg);
		if (p->max_inline_depth > deepest)
			deepest = p->max_inline_depth;
		profile_free(p);
	}
	globfree(&g);
	cr_expect_geq(deepest, 2, "no sample profile has an inlined frame");
}

/* ---- the public corpus ---- */

static int manifest_field(const char *summary, const char *key, char *out, size_t n)
{
	const char *p = summary;
	size_t kl = strlen(key);

	while ((p = strstr(p, key))) {
		if ((p == summary || p[-1] == ';') && p[kl] == '=') {
			size_t len = strcspn(p + kl + 1, ";\t");

			snprintf(out, n, "%.*s", (int)len, p + kl + 1);
			return 1;
		}
		p += kl;
	}
	return 0;
}

Test(profile, corpus_profiles_match_their_manifest)
{
	const char *sh = t_shared();
	char path[4096], line[16384];
	FILE *f;
	int checked = 0;

	if (!sh)
		cr_skip_test("../shared is absent");
	snprintf(path, sizeof(path), "%s/corpus/profiles/MANIFEST.tsv", sh);
	f = fopen(path, "r");
	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f)) {
		char *cols[10] = {0}, *save = NULL, *tok, v[256], file[4096];
		struct profile *p = NULL;
		struct err e = {0};
		int n = 0;

		for (tok = strtok_r(line, "\t", &save); tok && n < 10; tok = strtok_r(NULL, "\t", &save))
			cols[n++] = tok;
		if (n < 8 || !strstr(cols[7], "samples="))
			continue;
		snprintf(file, sizeof(file), "%s/corpus/profiles/%s", sh, cols[0]);
		cr_assert_eq(profile_open_file(&p, file, NULL, &e), ESC_OK, "%s: %s", cols[0], e.msg);
		if (manifest_field(cols[7], "samples", v, sizeof(v)))
			cr_expect_eq(p->nsamples, (size_t)atol(v), "%s samples", cols[0]);
		if (manifest_field(cols[7], "locs", v, sizeof(v)))
			cr_expect_eq(p->nlocations, (size_t)atol(v), "%s locations", cols[0]);
		if (manifest_field(cols[7], "funcs", v, sizeof(v)))
			cr_expect_eq(p->nfunctions, (size_t)atol(v), "%s functions", cols[0]);
		if (manifest_field(cols[7], "maps", v, sizeof(v)))
			cr_expect_eq(p->nmappings, (size_t)atol(v), "%s mappings", cols[0]);
		if (manifest_field(cols[7], "max_lines_per_loc", v, sizeof(v)))
			cr_expect_eq(p->max_inline_depth, (size_t)atol(v), "%s inlining", cols[0]);
		if (manifest_field(cols[7], "period", v, sizeof(v)) && strcmp(v, "None"))
			cr_expect_eq(p->period, atoll(v), "%s period", cols[0]);
		if (manifest_field(cols[7], "default_sample_type", v, sizeof(v))) {
			if (!strcmp(v, "None") || !v[0])
				cr_expect(p->default_sample_type == NULL || !p->default_sample_type[0],
					  "%s default", cols[0]);
			else
				cr_expect_str_eq(p->default_sample_type, v, "%s default", cols[0]);
		}
		{
			struct totals t;

			cr_expect_eq(profile_foreach_sample(p, add_totals, &t, &e), 0, "%s: %s", cols[0], e.msg);
		}
		profile_free(p);
		checked++;
	}
	fclose(f);
	cr_expect_gt(checked, 25);
}

Test(profile, corpus_cpu_profile_matches_its_raw_golden)
{
	const char *sh = t_shared();
	char p[4096], r[4096];

	if (!sh)
		cr_skip_test("../shared is absent");
	snprintf(p, sizeof(p), "%s/corpus/profiles/go-cpu_profilernotes_go1.15.6.pb.gz", sh);
	snprintf(r, sizeof(r), "%s.pprof.txt", p);
	check_against_raw(p, r);
}

Test(profile, gzip_and_raw_twins_decode_alike)
{
	const char *sh = t_shared();
	char a[4096], b[4096];
	struct profile *p = NULL, *q = NULL;
	struct err e = {0};
	struct totals ta = {{0}}, tb = {{0}};

	if (!sh)
		cr_skip_test("../shared is absent");
	snprintf(a, sizeof(a), "%s/corpus/profiles/go-heap_pyroscope_heap_2021.pb.gz", sh);
	snprintf(b, sizeof(b), "%s/corpus/profiles/go-heap_pyroscope_heap_2021.pb", sh);
	cr_assert_eq(profile_open_file(&p, a, NULL, &e), ESC_OK);
	cr_assert_eq(profile_open_file(&q, b, NULL, &e), ESC_OK);
	cr_expect_eq(p->format, PROFILE_PPROF_GZIP);
	cr_expect_eq(q->format, PROFILE_PPROF);
	cr_expect_eq(p->decoded_size, q->decoded_size);
	profile_foreach_sample(p, add_totals, &ta, &e);
	profile_foreach_sample(q, add_totals, &tb, &e);
	cr_expect_arr_eq(ta.sum, tb.sum, sizeof(ta.sum));
	profile_free(p);
	profile_free(q);
}

/* pprof's golden for legacy text: "Samples:" rows of four values; "Locations" rows */
Test(profile, legacy_go_heap_text_matches_pprof_golden)
{
	const char *sh = t_shared();
	char path[4096], golden[4096], line[4096];
	struct profile *p = NULL;
	struct err e = {0};
	struct totals t = {{0}};
	long long want[4] = {0};
	int section = 0, nsamples = 0, nlocs = 0;
	FILE *f;

	if (!sh)
		cr_skip_test("../shared is absent");
	snprintf(path, sizeof(path), "%s/corpus/profiles/legacy-go-heap_pprof_gobench.heap", sh);
	snprintf(golden, sizeof(golden), "%s.string", path);
	f = fopen(golden, "r");
	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f)) {
		long long v[4];

		if (!strncmp(line, "Samples:", 8))
			section = 1;
		else if (!strncmp(line, "Locations", 9))
			section = 2;
		else if (!strncmp(line, "Mappings", 8))
			section = 3;
		else if (section == 1 && sscanf(line, "%lld %lld %lld %lld:", &v[0], &v[1], &v[2], &v[3]) == 4) {
			for (int i = 0; i < 4; i++)
				want[i] += v[i];
			nsamples++;
		} else if (section == 2 && strstr(line, ": 0x")) {
			nlocs++;
		}
	}
	fclose(f);
	cr_assert_eq(profile_open_file(&p, path, NULL, &e), ESC_OK, "%s", e.msg);
	cr_expect_eq(p->format, PROFILE_LEGACY_HEAP);
	cr_expect_eq((int)p->nsamples, nsamples);
	cr_expect_eq((int)p->nlocations, nlocs);
	cr_expect_eq(p->period, 524288);
	cr_expect_str_eq(p->sample_types[1].type, "alloc_space");
	cr_assert_eq(profile_foreach_sample(p, add_totals, &t, &e), 0);
	for (int i = 0; i < 4; i++)
		cr_expect_eq(t.sum[i], want[i], "type %d: %lld != %lld", i, t.sum[i], want[i]);
	profile_free(p);
}

/* A legacy text profile Go wrote itself (debug=1): the "# 0x…" frames name the functions */
Test(profile, legacy_text_from_go_has_symbolised_frames)
{
	glob_t g;
	char pat[4096];
	size_t i;

	snprintf(pat, sizeof(pat), "%s/sample-profiles/out/go*/*.heap.txt", t_src());
	cr_assert_eq(glob(pat, 0, NULL, &g), 0, "no legacy text sample");
	for (i = 0; i < g.gl_pathc; i++) {
		struct profile *p = NULL;
		struct err e = {0};
		size_t j, named = 0;

		cr_assert_eq(profile_open_file(&p, g.gl_pathv[i], NULL, &e), ESC_OK, "%s", e.msg);
		cr_expect_eq(p->format, PROFILE_LEGACY_HEAP);
		cr_expect_eq(p->period, 1);
		for (j = 0; j < p->nlocations; j++)
			if (p->locations[j].nlines && !strncmp(p->locations[j].lines[0].function->name, "main.", 5))
				named++;
		cr_expect_gt(named, 0, "%s: no main.* frame", g.gl_pathv[i]);
		profile_free(p);
	}
	globfree(&g);
}

/* ---- bad input ---- */

static enum esc_status open_bytes(const void *d, size_t n, struct err *e)
{
	struct profile *p = NULL;
	enum esc_status st = profile_open(&p, "bad.pb", d, n, NULL, e);

	if (!st) {
		struct totals t = {0};

		st = (enum esc_status)profile_foreach_sample(p, add_totals, &t, e);
	}
	profile_free(p);
	return st;
}

/* a minimal valid heap profile: 2 sample types, one function, one location, one sample */
static void minimal(struct buf *b, int bad_string, int bad_loc, int nvalues)
{
	struct buf vt, fn, loc, line, smp, pk;
	const char *strs[] = {"", "alloc_space", "bytes", "main.f", "main.go", "space"};
	size_t i;

	buf_init(b);
	buf_init(&vt);
	pb_int(&vt, 1, 1);
	pb_int(&vt, 2, 2);
	pb_bytes(b, 1, vt.data, vt.len);
	buf_init(&smp);
	buf_init(&pk);
	pb_varint(&pk, bad_loc ? 7 : 1);
	pb_bytes(&smp, 1, pk.data, pk.len);
	buf_reset(&pk);
	for (i = 0; i < (size_t)nvalues; i++)
		pb_varint(&pk, 100);
	pb_bytes(&smp, 2, pk.data, pk.len);
	pb_bytes(b, 2, smp.data, smp.len);
	buf_init(&line);
	pb_int(&line, 1, 1);
	pb_int(&line, 2, 12);
	buf_init(&loc);
	pb_int(&loc, 1, 1);
	pb_bytes(&loc, 4, line.data, line.len);
	pb_bytes(b, 4, loc.data, loc.len);
	buf_init(&fn);
	pb_int(&fn, 1, 1);
	pb_int(&fn, 2, bad_string ? 99 : 3);
	pb_int(&fn, 4, 4);
	pb_bytes(b, 5, fn.data, fn.len);
	for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		pb_str(b, 6, strs[i]);
	buf_reset(&vt);
	pb_int(&vt, 1, 5);
	pb_int(&vt, 2, 2);
	pb_bytes(b, 11, vt.data, vt.len);
	pb_int(b, 12, 1);
	buf_release(&vt);
	buf_release(&fn);
	buf_release(&loc);
	buf_release(&line);
	buf_release(&smp);
	buf_release(&pk);
}

Test(profile, a_hand_made_minimal_profile_decodes)
{
	struct buf b;
	struct err e = {0};

	minimal(&b, 0, 0, 1);
	cr_expect_eq(open_bytes(b.data, b.len, &e), ESC_OK, "%s", e.msg);
	buf_release(&b);
}

Test(profile, empty_file_is_an_error)
{
	struct err e = {0};

	cr_expect_eq(open_bytes("", 0, &e), ESC_EINPUT);
	cr_expect(strstr(e.msg, "bad.pb") && strstr(e.msg, "empty"), "%s", e.msg);
}

Test(profile, string_index_out_of_range_is_reported)
{
	struct buf b;
	struct err e = {0};

	minimal(&b, 1, 0, 1);
	cr_expect_eq(open_bytes(b.data, b.len, &e), ESC_EINPUT);
	cr_expect(strstr(e.msg, "string index 99 out of range"), "%s", e.msg);
	buf_release(&b);
}

Test(profile, dangling_location_id_is_reported)
{
	struct buf b;
	struct err e = {0};

	minimal(&b, 0, 1, 1);
	cr_expect_eq(open_bytes(b.data, b.len, &e), ESC_EINPUT);
	cr_expect(strstr(e.msg, "missing location 7") && strstr(e.msg, "at byte "), "%s", e.msg);
	buf_release(&b);
}

Test(profile, value_count_must_equal_sample_type_count)
{
	struct buf b;
	struct err e = {0};

	minimal(&b, 0, 0, 3);
	cr_expect_eq(open_bytes(b.data, b.len, &e), ESC_EINPUT);
	cr_expect(strstr(e.msg, "3 values for 1 sample types"), "%s", e.msg);
	buf_release(&b);
}

/* ---- the hand-read Sample path against protobuf-c ---- */

/* Every sample as text: index, location ids, values, labels. */
static int record_sample(void *ctx, const struct profile_sample *s)
{
	struct buf *b = ctx;
	size_t i;

	buf_printf(b, "#%zu", s->index);
	for (i = 0; i < s->nlocations; i++)
		buf_printf(b, " L%llu", (unsigned long long)s->locations[i]->id);
	for (i = 0; i < s->nvalues; i++)
		buf_printf(b, " v%lld", (long long)s->values[i]);
	for (i = 0; i < s->nlabels; i++)
		buf_printf(b, " [%s=%s|%lld %s]", s->labels[i].key,
			   s->labels[i].str ? s->labels[i].str : "(num)", (long long)s->labels[i].num,
			   s->labels[i].num_unit ? s->labels[i].num_unit : "-");
	buf_addc(b, '\n');
	return 0;
}

/* The samples of p as reader by reads them, then its return and error. */
static void record_by(const struct profile *p, enum sample_reader by, struct buf *out)
{
	struct err e = {0};
	int rc;

	buf_init(out);
	rc = profile_foreach_pprof_by(p, by, record_sample, out, &e);
	buf_printf(out, "rc=%d %s", rc, rc ? e.msg : "");
}

/* Real profiles of every producer the corpus has: the hand-read path takes every sample
 * and reads what protobuf-c reads. */
Test(profile, samples_read_by_hand_equal_protobuf_c_on_real_profiles)
{
	const char *sh = t_shared();
	char pat[2][4096];
	size_t i, k, compared = 0, samples = 0;

	snprintf(pat[0], sizeof(pat[0]), "%s/sample-profiles/out/go*/*.pb.gz", t_src());
	snprintf(pat[1], sizeof(pat[1]), "%s/corpus/profiles/*.pb.gz", sh ? sh : "/nonexistent");
	for (k = 0; k < 2; k++) {
		glob_t g;

		if (glob(pat[k], 0, NULL, &g))
			continue;
		for (i = 0; i < g.gl_pathc; i++) {
			struct profile *p = NULL;
			struct err e = {0};
			struct buf hand, pb;

			if (profile_open_file(&p, g.gl_pathv[i], NULL, &e) || p->format == PROFILE_LEGACY_HEAP) {
				profile_free(p);
				continue;
			}
			record_by(p, SAMPLES_BY_HAND, &hand);
			record_by(p, SAMPLES_PROTOBUF_C, &pb);
			cr_expect(hand.len == pb.len && !memcmp(hand.data, pb.data, pb.len),
				  "%s: the hand-read samples differ from protobuf-c's", g.gl_pathv[i]);
			cr_expect(strstr(pb.data, "rc=0 "), "%s: %s", g.gl_pathv[i], pb.data);
			compared++;
			samples += p->nsamples;
			buf_release(&hand);
			buf_release(&pb);
			profile_free(p);
		}
		globfree(&g);
	}
	cr_expect_gt(compared, sh ? 60 : 30, "%zu profiles", compared);
	cr_expect_gt(samples, 1000);
}

/* A minimal() profile with one more Sample made of the given bytes. */
static struct profile *with_sample(struct buf *b, const void *smp, size_t n)
{
	struct profile *p = NULL;
	struct err e = {0};

	minimal(b, 0, 0, 1);
	pb_bytes(b, 2, smp, n);
	cr_assert_eq(profile_open(&p, "odd.pb", b->data, b->len, NULL, &e), ESC_OK, "%s", e.msg);
	return p;
}

/* Samples of every shape the wire allows, and malformed ones: the profile reads as
 * protobuf-c alone reads it, byte for byte, error included. The hand-read path takes the
 * shapes it claims (by_hand set) and leaves the others to protobuf-c. */
Test(profile, samples_of_every_wire_shape_read_as_protobuf_c_reads_them)
{
	static const struct {
		const char *what;
		const char *bytes;
		size_t n;
		int by_hand;	/* the hand-read path takes it */
		int ok;		/* protobuf's rules accept it (2: they do not say) */
		const char *reads;	/* what they make of it: the sample as record_sample writes it */
	} cases[] = {
		{"ids and value unpacked", "\x08\x01\x08\x01\x10\x05", 6, 1, 1, "#1 L1 L1 v5\n"},
		{"ids packed then unpacked", "\x0a\x01\x01\x08\x01\x12\x01\x07", 8, 1, 1, "#1 L1 L1 v7\n"},
		{"value -1 in ten bytes", "\x08\x01\x10\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 13, 1, 1,
		 "#1 L1 v-1\n"},
		{"a numeric label with unit", "\x08\x01\x10\x05\x1a\x06\x08\x02\x18\x40\x20\x02", 12, 1, 1,
		 "#1 L1 v5 [bytes=(num)|64 bytes]\n"},
		{"a string label, key given twice", "\x08\x01\x10\x05\x1a\x06\x08\x05\x08\x03\x10\x04", 12,
		 1, 1, "#1 L1 v5 [main.f=main.go|0 -]\n"},
		{"an empty packed id list", "\x0a\x00\x10\x05", 4, 1, 1, "#1 v5\n"},
		{"an unknown field in the sample", "\x08\x01\x10\x05\x48\x07", 6, 0, 1, "#1 L1 v5\n"},
		{"an unknown field in a label", "\x08\x01\x10\x05\x1a\x04\x08\x02\x38\x01", 10, 0, 1,
		 "#1 L1 v5 [bytes=(num)|0 -]\n"},
		{"a value past 64 bits in ten bytes", "\x08\x01\x10\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f", 13, 0, 2, NULL},
		{"ids as fixed64", "\x09\x01\x00\x00\x00\x00\x00\x00\x00\x10\x05", 11, 0, 0, NULL},
		{"ids as fixed32", "\x0d\x01\x00\x00\x00\x10\x05", 7, 0, 0, NULL},
		{"a truncated packed id", "\x0a\x01\x81\x10\x05", 5, 0, 0, NULL},
		{"a label as a varint", "\x08\x01\x10\x05\x18\x02", 6, 0, 0, NULL},
		{"a label field of wrong wire type", "\x08\x01\x10\x05\x1a\x02\x0d\x01", 8, 0, 0, NULL},
		{"an eleven-byte varint", "\x08\x01\x10\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 14, 0, 0, NULL},
		{"a length past the sample", "\x08\x01\x12\x05\x01", 5, 0, 0, NULL},
		{"a label key out of range", "\x08\x01\x10\x05\x1a\x02\x08\x63", 8, 1, 0, NULL},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buf b, either, pb, hand;
		struct profile *p = with_sample(&b, cases[i].bytes, cases[i].n);

		record_by(p, SAMPLES_EITHER, &either);
		record_by(p, SAMPLES_PROTOBUF_C, &pb);
		record_by(p, SAMPLES_BY_HAND, &hand);
		cr_expect_str_eq(either.data, pb.data, "%s", cases[i].what);
		if (cases[i].by_hand)
			cr_expect_str_eq(hand.data, pb.data, "%s: not taken by hand", cases[i].what);
		else
			cr_expect(strstr(hand.data, "sample 2 is not of the hand-read shape"),
				  "%s: taken by hand: %s", cases[i].what, hand.data);
		if (cases[i].ok == 1)
			cr_expect(strstr(pb.data, "rc=0 ") && strstr(pb.data, cases[i].reads), "%s: %s",
				  cases[i].what, pb.data);
		else if (cases[i].ok == 0)
			cr_expect(strstr(pb.data, "odd.pb") && strstr(pb.data, "at byte "),
				  "%s: %s", cases[i].what, pb.data);
		buf_release(&either);
		buf_release(&pb);
		buf_release(&hand);
		buf_release(&b);
		profile_free(p);
	}
}

/* Appends to a minimal() profile one more sample at its one location with value v. */
static void add_sample_value(struct buf *b, int64_t v)
{
	struct buf smp, pk;

	buf_init(&smp);
	buf_init(&pk);
	pb_varint(&pk, 1);
	pb_bytes(&smp, 1, pk.data, pk.len);
	buf_reset(&pk);
	pb_varint(&pk, (uint64_t)v);
	pb_bytes(&smp, 2, pk.data, pk.len);
	pb_bytes(b, 2, smp.data, smp.len);
	buf_release(&smp);
	buf_release(&pk);
}

/* Totals past 64 bits are refused at the sample that makes them so, naming it, the type
 * and the byte: a sum made of them later (a site's, a cause's, info's) would wrap. Signs
 * do not hide it: +2^62, -2^62, +2^62 total 2^62, but the first and third alone sum past
 * 2^63 - 1, so the bound is on magnitudes and the second sample already breaks it. */
Test(profile, sample_totals_past_64_bits_are_refused_whatever_the_signs)
{
	const int64_t big = (int64_t)1 << 62;
	const int64_t ok[] = {INT64_MAX / 2 - 100, INT64_MAX / 2};
	const int64_t signs[] = {big, -big};
	struct buf b;
	struct err e = {0};
	size_t i;

	minimal(&b, 0, 0, 1);	/* 100 + (MAX/2 - 100) + MAX/2 = MAX - 1: fits */
	for (i = 0; i < 2; i++)
		add_sample_value(&b, ok[i]);
	cr_expect_eq(open_bytes(b.data, b.len, &e), ESC_OK, "%s", e.msg);
	add_sample_value(&b, 2);	/* one past */
	cr_expect_eq(open_bytes(b.data, b.len, &e), ESC_EINPUT);
	cr_expect(strstr(e.msg, "bad.pb") && strstr(e.msg, "sample 4 makes the alloc_space total overflow") &&
		  strstr(e.msg, "at byte "), "%s", e.msg);
	buf_release(&b);

	minimal(&b, 0, 0, 1);
	for (i = 0; i < 2; i++)
		add_sample_value(&b, signs[i]);
	add_sample_value(&b, big);
	memset(&e, 0, sizeof(e));
	cr_expect_eq(open_bytes(b.data, b.len, &e), ESC_EINPUT);
	cr_expect(strstr(e.msg, "sample 3 makes the alloc_space total overflow"), "%s", e.msg);
	buf_release(&b);

	minimal(&b, 0, 0, 1);
	add_sample_value(&b, INT64_MIN);	/* its magnitude alone is 2^63 */
	memset(&e, 0, sizeof(e));
	cr_expect_eq(open_bytes(b.data, b.len, &e), ESC_EINPUT);
	cr_expect(strstr(e.msg, "sample 2 makes"), "%s", e.msg);
	buf_release(&b);
}

/* Legacy text: a count or size that unsamples past 2^63 - 1 is an error on its line (a
 * double out of range cast to int64 is undefined), and so is a total that wraps. */
Test(profile, legacy_text_values_past_64_bits_are_refused_on_their_line)
{
	static const char *const cases[][2] = {
		{"heap profile: 1: 1 [1: 1] @ heap/524288\n"
		 "1: 9223372036854775807 [1: 9223372036854775807] @ 0x1\n", ":2: the sample's values do not fit 64 bits"},
		{"heap profile: 1: 1 [1: 1] @ heap/1\n"
		 "1: 9223372036854775808 [1: 1] @ 0x1\n", ":2: the sample's values do not fit 64 bits"},
		{"heap profile: 2: 2 [2: 2] @ heap/1\n"
		 "1: 5000000000000000000 [1: 5000000000000000000] @ 0x1\n"
		 "1: 5000000000000000000 [1: 5000000000000000000] @ 0x2\n", ":3: the sample makes a total overflow 64 bits"},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct err e = {0};

		cr_expect_eq(open_bytes(cases[i][0], strlen(cases[i][0]), &e), ESC_EINPUT, "case %zu", i);
		cr_expect(strstr(e.msg, "bad.pb") && strstr(e.msg, cases[i][1]), "case %zu: %s", i, e.msg);
	}
}

Test(profile, a_2_gib_declared_length_is_reported_not_allocated)
{
	struct buf b;
	struct err e = {0};

	buf_init(&b);
	pb_tag(&b, 6, 2);
	pb_varint(&b, (uint64_t)2 << 30);
	buf_adds(&b, "abc");
	cr_expect_eq(open_bytes(b.data, b.len, &e), ESC_EINPUT);
	cr_expect(strstr(e.msg, "length runs past the end") && strstr(e.msg, "at byte 0"), "%s", e.msg);
	buf_release(&b);
}

Test(profile, every_truncation_of_a_real_profile_fails_cleanly)
{
	struct buf b;
	size_t cut;
	int failures = 0;

	t_read(&b, t_path("sample-profiles/out/go1.19/pointer_returned.pb.gz"));
	/* the gzip: every cut is a truncated stream */
	for (cut = 2; cut < b.len; cut += 7) {
		struct err e = {0};

		cr_assert_neq(open_bytes(b.data, cut, &e), ESC_OK, "cut %zu", cut);
		cr_expect(strstr(e.msg, "truncated gzip stream") || strstr(e.msg, "corrupt gzip"),
			  "cut %zu: %s", cut, e.msg);
	}
	/* a raw protobuf: every cut fails or (at a field boundary) decodes, never crashes */
	{
		const char *sh = t_shared();
		char raw[4096];
		struct buf r;
		size_t tries = 0;

		if (sh) {
			snprintf(raw, sizeof(raw), "%s/corpus/profiles/go-heap_datadog_heap_2022.pprof", sh);
			t_read(&r, raw);
			for (cut = 1; cut < r.len; cut += 13, tries++) {
				struct err e = {0};

				if (open_bytes(r.data, cut, &e) != ESC_OK) {
					failures++;
					cr_expect(strstr(e.msg, "bad.pb"), "%s", e.msg);
				}
			}
			cr_expect_gt((size_t)failures * 10, tries * 9, "%d of %zu cuts failed", failures, tries);
			buf_release(&r);
		}
	}
	buf_release(&b);
}

Test(profile, garbage_and_foreign_text_are_rejected_with_a_clear_message)
{
	static const char *const inputs[] = {
		"this is not a profile\n",
		"--- heapz 1 ---\n0 0 @ 0\n",
		"\x1f\x8b\x08\x00garbage-after-gzip-magic",
	};
	size_t i;

	for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		struct err e = {0};

		cr_expect_eq(open_bytes(inputs[i], strlen(inputs[i]), &e), ESC_EINPUT, "input %zu", i);
		cr_expect(strstr(e.msg, "bad.pb"), "%s", e.msg);
	}
	{
		struct err e = {0};

		open_bytes(inputs[0], strlen(inputs[0]), &e);
		cr_expect(strstr(e.msg, "not a pprof profile"), "%s", e.msg);
	}
}

Test(profile, corpus_edge_and_legacy_files_fail_or_load_never_crash)
{
	static const char *const files[] = {
		"fuzz-crash_pprof_heapz.txt", "legacy-go-cpu_pprof_crc32.cpu",
		"legacy-java-heap_pprof_java.heap", "legacy-jemalloc-heap_pprofutils.heap",
		"edge_pyroscope_invalid_utf8.pb.gz", "edge_pyroscope_no_addr_no_line.pb.gz",
		"go-heap_ludwig_empty_0samples.pprof", "go-heap_pprof_nomappings_crash_2017.pb.gz",
	};
	const char *sh = t_shared();
	size_t i;

	if (!sh)
		cr_skip_test("../shared is absent");
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char path[4096];
		struct profile *p = NULL;
		struct err e = {0};
		enum esc_status st;

		snprintf(path, sizeof(path), "%s/corpus/profiles/%s", sh, files[i]);
		st = profile_open_file(&p, path, NULL, &e);
		if (st == ESC_OK) {
			struct totals t;

			st = (enum esc_status)profile_foreach_sample(p, add_totals, &t, &e);
		}
		cr_expect(st == ESC_OK || (st == ESC_EINPUT && strstr(e.msg, files[i])),
			  "%s: status %d, %s", files[i], st, e.msg);
		/* foreign formats are named as such, not as a protobuf error at byte 0 */
		if (strstr(files[i], "legacy-") && strstr(files[i], "go-heap") == NULL)
			cr_expect(strstr(e.msg, "not a pprof profile"), "%s: %s", files[i], e.msg);
		profile_free(p);
	}
}

Test(profile, gzip_bomb_stops_at_the_size_cap)
{
	size_t n = (size_t)8 << 20;
	char *zeros = calloc(n, 1);
	struct buf gz;
	struct profile *p = NULL;
	struct err e = {0};
	struct profile_limits lim = {.max_size = 1 << 20};

	t_gzip(&gz, zeros, n);
	free(zeros);
	cr_expect_eq(profile_open(&p, "bomb.gz", gz.data, gz.len, &lim, &e), ESC_ELIMIT);
	cr_expect(strstr(e.msg, "decompressed size exceeds 1048576 bytes") && strstr(e.msg, "bomb.gz"),
		  "%s", e.msg);
	buf_release(&gz);
}

Test(profile, gzip_bomb_past_the_default_cap_is_an_error_not_an_oom)
{
	/* 17 gzip members of 64 MiB of zeros: 1.06 GiB from about a megabyte */
	size_t chunk = (size_t)64 << 20;
	char *zeros = calloc(chunk, 1);
	struct buf one, bomb;
	struct profile *p = NULL;
	struct err e = {0};
	int i;

	t_gzip(&one, zeros, chunk);
	free(zeros);
	buf_init(&bomb);
	for (i = 0; i < 17; i++)
		buf_add(&bomb, one.data, one.len);
	cr_expect_lt(bomb.len, (size_t)4 << 20);
	cr_expect_eq(profile_open(&p, "bomb.gz", bomb.data, bomb.len, NULL, &e), ESC_ELIMIT, "%s", e.msg);
	cr_expect(strstr(e.msg, "exceeds 1073741824 bytes"), "%s", e.msg);
	buf_release(&one);
	buf_release(&bomb);
}

Test(profile, zlib_wrapped_and_multi_member_gzip_decode)
{
	struct buf raw, gz, two;
	struct profile *p = NULL;
	struct err e = {0};

	minimal(&raw, 0, 0, 1);
	t_gzip(&gz, raw.data, raw.len);
	/* a second gzip member after the first belongs to the same stream */
	buf_init(&two);
	{
		size_t half = raw.len / 2;
		struct buf a, b;

		t_gzip(&a, raw.data, half);
		t_gzip(&b, raw.data + half, raw.len - half);
		buf_add(&two, a.data, a.len);
		buf_add(&two, b.data, b.len);
		buf_release(&a);
		buf_release(&b);
	}
	cr_expect_eq(profile_open(&p, "two.gz", two.data, two.len, NULL, &e), ESC_OK, "%s", e.msg);
	if (p)
		cr_expect_eq(p->nsamples, 1);
	profile_free(p);
	p = NULL;
	{
		uLongf zl = compressBound(raw.len);
		unsigned char *z = malloc(zl);

		cr_assert_eq(compress(z, &zl, (unsigned char *)raw.data, raw.len), Z_OK);
		cr_expect_eq(profile_open(&p, "z", z, zl, NULL, &e), ESC_OK, "%s", e.msg);
		if (p)
			cr_expect_eq(p->format, PROFILE_PPROF_ZLIB);
		profile_free(p);
		free(z);
	}
	buf_release(&raw);
	buf_release(&gz);
	buf_release(&two);
}
