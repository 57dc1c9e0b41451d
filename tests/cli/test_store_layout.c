/* test_store_layout.c — stacks stored the way pprof stores them (schema version 5:
 * locations once, a stack as the list of its locations). The frames view and the
 * frames the join reads (store_foreach_heap_sample) against `go tool pprof -raw` on the
 * sample profiles and two corpus heap profiles; a version-4 store, made by hand with the
 * schema's own SQL, migrated with its frames unchanged and its stacks still shared;
 * one profile's frames in a store of sixty counted as in a store of its own. */
#include <criterion/criterion.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/hmap.h"
#include "store/store.h"
#include "tests/testutil.h"

/* ---- stacks reduced to a key ("function file:line:column:inlined;" per frame, leaf
 * first) with the four heap values summed, as -raw merges identical stacks ---- */

struct sums {
	struct hmap m;		/* key -> index + 1 */
	long long (*v)[STORE_NHEAP];
	size_t n, cap;
};

static void sums_add(struct sums *s, const char *key, const long long *v)
{
	void **slot = hmap_put(&s->m, key, strlen(key));
	size_t i, k;

	cr_assert_not_null(slot);
	if (!*slot) {
		if (s->n == s->cap)
			cr_assert_not_null(s->v = realloc(s->v, (s->cap = s->cap ? 2 * s->cap : 256) * sizeof(*s->v)));
		memset(s->v[s->n], 0, sizeof(s->v[0]));
		*slot = (void *)(uintptr_t)++s->n;
	}
	i = (uintptr_t)*slot - 1;
	for (k = 0; k < STORE_NHEAP; k++)
		s->v[i][k] += v[k];
}

static int all_zero(const long long *v)
{
	for (int k = 0; k < STORE_NHEAP; k++)
		if (v[k])
			return 0;
	return 1;
}

/* Every stack of a must be in b with the same values, and the counts equal. */
static void sums_expect_equal(struct sums *a, struct sums *b, const char *what)
{
	size_t pos = 0, missing = 0;
	const char *key;
	void *val;

	cr_expect_eq(a->n, b->n, "%s: %zu distinct stacks, -raw has %zu", what, a->n, b->n);
	while (hmap_next(&a->m, &pos, &key, &val)) {
		void *o = hmap_get(&b->m, key, strlen(key));

		if (!o) {
			if (!missing++)
				cr_expect_fail("%s: stack missing from -raw: %s", what, key);
			continue;
		}
		cr_expect_arr_eq(a->v[(uintptr_t)val - 1], b->v[(uintptr_t)o - 1], sizeof(a->v[0]),
				 "%s: values differ for %s", what, key);
	}
	cr_expect_eq(missing, 0, "%s: %zu stacks missing", what, missing);
}

static void sums_release(struct sums *s)
{
	hmap_release(&s->m);
	free(s->v);
}

/* ---- the oracle: pprof -raw, with columns (printed when not 0) and inlined flags ---- */

struct raw_loc {
	struct buf key, key_nocol;	/* the location's frames as the keys spell them */
};

/* "file:line[:col]" split from the right */
static void split_pos(char *pos, long long *line, long long *col)
{
	char *a = strrchr(pos, ':'), *b;

	*line = *col = 0;
	if (!a)
		return;
	*a = '\0';
	b = strrchr(pos, ':');
	if (b && b[1] >= '0' && b[1] <= '9' && strspn(b + 1, "0123456789") == strlen(b + 1)) {
		*b = '\0';
		*line = atoll(b + 1);
		*col = atoll(a + 1);
	} else {
		*line = atoll(a + 1);
	}
}

/* Reads a -raw dump into two sums: with columns, and without (what the join sees). */
static void raw_sums(const char *path, struct sums *with, struct sums *without)
{
	FILE *f = fopen(path, "r");
	static char line[1 << 20];
	struct raw_loc *locs = NULL;
	size_t nlocs = 0, cur = 0, i;
	int section = 0, ix[16], ntypes = 0;
	long nlines_cur = 0;
	/* samples are kept as text until the locations are known */
	struct buf samples;

	cr_assert_not_null(f, "cannot open %s", path);
	buf_init(&samples);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strcmp(line, "Samples:")) {
			section = 1;
			if (fgets(line, sizeof(line), f))
				for (char *t = strtok(line, " \n"); t && ntypes < 16; t = strtok(NULL, " \n")) {
					ix[ntypes] = -1;
					for (int k = 0; k < STORE_NHEAP; k++)
						if (!strncmp(t, store_heap_types[k], strlen(store_heap_types[k])) &&
						    t[strlen(store_heap_types[k])] == '/')
							ix[ntypes] = k;
					ntypes++;
				}
		} else if (!strcmp(line, "Locations")) {
			section = 2;
		} else if (!strcmp(line, "Mappings")) {
			section = 3;
		} else if (section == 1 && strchr(line, ':') && !strchr(line, '[')) {
			buf_adds(&samples, line);
			buf_addc(&samples, '\n');
		} else if (section == 2) {
			char *sp = NULL, *q, *fn, *pos, *sys = NULL;
			long long ln, col;
			struct raw_loc *l;

			for (q = strstr(line, " s="); q; q = strstr(q + 1, " s="))
				if (q[3] >= '0' && q[3] <= '9')
					sp = q;
			fn = line + strspn(line, " ");
			if (strstr(fn, ": 0x") == fn + strcspn(fn, ":")) {
				/* a new location: "ID: 0xADDR [M=N] [function file:line s=N]" */
				size_t id = strtoull(fn, NULL, 10);
				unsigned long long addr = strtoull(strstr(fn, ": 0x") + 2, NULL, 16);

				if (id >= nlocs) {
					size_t nn = id * 2 + 16;

					cr_assert_not_null(locs = realloc(locs, nn * sizeof(*locs)));
					memset(locs + nlocs, 0, (nn - nlocs) * sizeof(*locs));
					nlocs = nn;
				}
				cur = id;
				nlines_cur = 0;
				buf_init(&locs[cur].key);
				buf_init(&locs[cur].key_nocol);
				if (!sp) {	/* no lines: the address stands in, as escprof stores it */
					buf_printf(&locs[cur].key, "0x%llx :0:0:0;", addr);
					buf_printf(&locs[cur].key_nocol, "0x%llx :0:0;", addr);
					continue;
				}
				fn = strstr(fn, " M=") ? strchr(strstr(fn, " M=") + 1, ' ') : strchr(strstr(fn, ": 0x") + 2, ' ');
				cr_assert_not_null(fn, "%s: %s", path, line);
				fn++;
			}
			if (!sp)
				continue;
			q = sp + 3 + strspn(sp + 3, "0123456789");
			if (*q == '(') {
				sys = q + 1;
				if ((q = strrchr(sys, ')')))
					*q = '\0';
			}
			*sp = '\0';
			cr_assert_not_null(pos = strrchr(fn, ' '), "%s: %s", path, line);
			*pos++ = '\0';
			split_pos(pos, &ln, &col);
			l = &locs[cur];
			/* the line before this one is inlined into it */
			if (nlines_cur++) {
				l->key.data[l->key.len - 2] = '1';
				l->key_nocol.data[l->key_nocol.len - 2] = '1';
			}
			buf_printf(&l->key, "%s %s:%lld:%lld:0;", sys ? sys : fn, pos, ln, col);
			buf_printf(&l->key_nocol, "%s %s:%lld:0;", sys ? sys : fn, pos, ln);
		}
	}
	fclose(f);
	for (char *s = samples.data, *nl; *s; s = nl + 1) {
		long long v[STORE_NHEAP] = {0};
		char *p = s, *colon;
		struct buf k, kn;

		nl = strchr(s, '\n');
		*nl = '\0';
		colon = strchr(s, ':');
		for (i = 0; i < (size_t)ntypes; i++) {
			long long x = strtoll(p, &p, 10);

			if (ix[i] >= 0)
				v[ix[i]] = x;
		}
		if (all_zero(v))
			continue;
		buf_init(&k);
		buf_init(&kn);
		for (p = colon + 1; *(p += strspn(p, " "));) {
			size_t id = strtoull(p, &p, 10);

			cr_assert(id < nlocs && locs[id].key.data, "%s: no location %zu", path, id);
			buf_add(&k, locs[id].key.data, locs[id].key.len);
			buf_add(&kn, locs[id].key_nocol.data, locs[id].key_nocol.len);
		}
		sums_add(with, k.data, v);
		sums_add(without, kn.data, v);
		buf_release(&k);
		buf_release(&kn);
	}
	for (i = 0; i < nlocs; i++)
		if (locs[i].key.data) {
			buf_release(&locs[i].key);
			buf_release(&locs[i].key_nocol);
		}
	free(locs);
	buf_release(&samples);
}

/* ---- the store's side ---- */

/* Runs sqlite3 on db with fields split by 0x1f and rows by 0x1e into out. */
static void sqlite_rows(struct buf *out, const char *db, const char *sql)
{
	char cmd[8192], o[600];
	int st;

	snprintf(o, sizeof(o), "%s/rows.%d", t_tmpdir(), getpid());
	snprintf(cmd, sizeof(cmd), "sqlite3 -bail -separator \"$(printf '\\037')\" -newline \"$(printf '\\036')\""
		 " '%s' \"%s\" >'%s'", db, sql, o);
	st = system(cmd);
	cr_assert_eq(st, 0, "%s", cmd);
	t_read(out, o);
	unlink(o);
}

/* Splits the next row of rows at *p into at most n fields; 0 at the end. */
static int next_row(char **p, char **f, int n)
{
	char *end = strchr(*p, '\036');
	int k = 0;

	if (!end)
		return 0;
	*end = '\0';
	for (char *s = *p; k < n; k++) {
		char *e = strchr(s, '\037');

		f[k] = s;
		if (!e)
			break;
		*e = '\0';
		s = e + 1;
	}
	*p = end + 1;
	return k + 1;
}

/* The frames view of profile pid, as keys summed over its heap samples. */
static void view_sums(const char *db, int64_t pid, struct sums *out)
{
	struct buf fr, hs;
	struct hmap keys;	/* stack id -> its key (a strdup) */
	char sql[1024], *p, *f[8];
	struct buf k;
	long long stack = -1;

	hmap_init(&keys);
	snprintf(sql, sizeof(sql), "SELECT stack_id, depth, function, file, line, \\\"column\\\", inlined"
		 " FROM frames WHERE profile_id = %lld ORDER BY stack_id, depth", (long long)pid);
	sqlite_rows(&fr, db, sql);
	buf_init(&k);
	for (p = fr.data;;) {
		int n = next_row(&p, f, 7);

		if (!n || atoll(f[0]) != stack) {
			if (stack >= 0) {
				void **slot = hmap_put(&keys, &stack, sizeof(stack));

				cr_assert_not_null(slot);
				*slot = buf_detach(&k, NULL);
			}
			if (!n)
				break;
			stack = atoll(f[0]);
		}
		cr_assert_eq(n, 7);
		buf_printf(&k, "%s %s:%s:%s:%s;", f[2], f[3], f[4], f[5], f[6]);
	}
	buf_release(&k);
	snprintf(sql, sizeof(sql), "SELECT stack_id, coalesce(alloc_objects, 0), coalesce(alloc_space, 0),"
		 " coalesce(inuse_objects, 0), coalesce(inuse_space, 0) FROM heap_samples"
		 " WHERE profile_id = %lld", (long long)pid);
	sqlite_rows(&hs, db, sql);
	for (p = hs.data;;) {
		int n = next_row(&p, f, 5);
		long long v[STORE_NHEAP], id;
		const char *key;

		if (!n)
			break;
		cr_assert_eq(n, 5);
		id = atoll(f[0]);
		for (int i = 0; i < STORE_NHEAP; i++)
			v[i] = atoll(f[1 + i]);
		if (all_zero(v))
			continue;
		key = hmap_get(&keys, &id, sizeof(id));
		sums_add(out, key ? key : "", v);
	}
	{
		size_t pos = 0;
		const char *kk;
		void *val;

		while (hmap_next(&keys, &pos, &kk, &val))
			free(val);
	}
	hmap_release(&keys);
	buf_release(&fr);
	buf_release(&hs);
}

static int api_add(void *ctx, const struct store_sample *smp)
{
	struct sums *s = ctx;
	struct buf k;
	long long v[STORE_NHEAP];

	for (int i = 0; i < STORE_NHEAP; i++)
		v[i] = smp->values[i];
	if (all_zero(v))
		return 0;
	buf_init(&k);
	for (size_t i = 0; i < smp->nframes; i++)
		buf_printf(&k, "%s %s:%lld:%d;", smp->frames[i].function, smp->frames[i].file,
			   (long long)smp->frames[i].line, smp->frames[i].inlined);
	sums_add(s, k.data, v);
	buf_release(&k);
	return 0;
}

/* The frames store_foreach_heap_sample hands the join, as keys without columns. */
static void api_sums(const char *db, int64_t pid, struct sums *out)
{
	struct store *s;
	struct err e = {0};

	cr_assert_eq(store_open(&s, db, STORE_READ_ONLY, &e), ESC_OK, "%s", e.msg);
	cr_assert_eq(store_foreach_heap_sample(s, pid, api_add, out, &e), 0, "%s", e.msg);
	store_close(s);
}

/* Profile pid of db against the -raw dump at raw: the view and the join's frames. */
static void check_profile(const char *db, int64_t pid, const char *raw, const char *what)
{
	struct sums rw = {0}, rn = {0}, view = {0}, api = {0};

	hmap_init(&rw.m);
	hmap_init(&rn.m);
	hmap_init(&view.m);
	hmap_init(&api.m);
	raw_sums(raw, &rw, &rn);
	cr_assert_gt(rw.n, 0, "%s: no samples in %s", what, raw);
	view_sums(db, pid, &view);
	sums_expect_equal(&view, &rw, what);
	api_sums(db, pid, &api);
	sums_expect_equal(&api, &rn, what);
	sums_release(&rw);
	sums_release(&rn);
	sums_release(&view);
	sums_release(&api);
}

Test(store_layout, frames_of_the_sample_profiles_are_pprof_raw)
{
	const char *db = t_fresh("layout-samples.db");
	glob_t g;
	struct buf args, err;
	size_t i;

	cr_assert_eq(glob(t_path("sample-profiles/out/*/*.pb.gz"), 0, NULL, &g), 0);
	buf_init(&args);
	for (i = 0; i < g.gl_pathc; i++)
		buf_printf(&args, " '%s'", g.gl_pathv[i]);
	cr_assert_eq(t_run(NULL, &err, "load -q --db '%s'%s", db, args.data), 0, "%s", err.data);
	cr_assert_eq(t_sql_int(db, "SELECT count(*) FROM profiles"), (long long)g.gl_pathc);
	for (i = 0; i < g.gl_pathc; i++) {
		char raw[4096];

		snprintf(raw, sizeof(raw), "%.*s.raw.txt", (int)(strlen(g.gl_pathv[i]) - 6), g.gl_pathv[i]);
		check_profile(db, (int64_t)i + 1, raw, g.gl_pathv[i]);
	}
	buf_release(&args);
	buf_release(&err);
	globfree(&g);
}

Test(store_layout, frames_of_two_corpus_heap_profiles_are_pprof_raw)
{
	static const char *const names[] = {"go-heap_pyroscope_enterprise-logs_2022.pb.gz",
					    "go-heap_pyroscope_heap_2021.pb.gz"};
	const char *db = t_fresh("layout-corpus.db");
	char path[4096], raw[4096], cmd[16384];
	struct buf err;

	if (!t_shared() || system("command -v go >/dev/null 2>&1"))
		cr_skip_test("no ../shared/corpus or no go: corpus frames not checked");
	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/corpus/profiles/%s", t_shared(), names[i]);
		if (access(path, R_OK)) {
			cr_log_info("%s absent: not checked", path);
			continue;
		}
		snprintf(raw, sizeof(raw), "%s/%s.raw.txt", t_tmpdir(), names[i]);
		snprintf(cmd, sizeof(cmd), "go tool pprof -raw '%s' >'%s' 2>/dev/null", path, raw);
		cr_assert_eq(system(cmd), 0, "%s", cmd);
		cr_assert_eq(t_run(NULL, &err, "load -q --db '%s' '%s'", db, path), 0, "%s", err.data);
		buf_release(&err);
		check_profile(db, t_sql_int(db, "SELECT max(profile_id) FROM profiles"), raw, names[i]);
	}
}

/* ---- migration from version 4 ---- */

/* A version-4 store at v4 holding the profiles of v5 (a store of this version), made with
 * the schema's own SQL of versions 1 to 4: the linked stacks under any unique key, their
 * frames rebuilt from the frames view, the other tables copied as they are. */
static void make_v4_store(const char *v4, const char *v5)
{
	char cmd[16384];

	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && cat store/schema/001.sql store/schema/002.sql store/schema/003.sql"
		 " store/schema/004.sql | sqlite3 -bail '%s' && sqlite3 -bail '%s' \""
		 "PRAGMA user_version = 4; ATTACH '%s' AS n; BEGIN;"
		 " INSERT INTO str SELECT * FROM n.str; INSERT INTO func SELECT id, name_id, file_id FROM n.func;"
		 " INSERT INTO stack SELECT id, CAST(printf('%%016d', id) AS BLOB), depth FROM n.stack"
		 "   WHERE id IN (SELECT stack_id FROM n.sample);"
		 " INSERT INTO stack_frame SELECT DISTINCT f.stack_id, f.depth, fn.id, f.line, f.\\\"column\\\","
		 "   f.inlined FROM n.frames f JOIN n.str a ON a.s = f.function JOIN n.str b ON b.s = f.file"
		 "   JOIN n.func fn ON fn.name_id = a.id AND fn.file_id = b.id;"
		 " INSERT INTO profile SELECT * FROM n.profile; INSERT INTO profile_label SELECT * FROM n.profile_label;"
		 " INSERT INTO sample_type SELECT * FROM n.sample_type;"
		 " INSERT INTO profile_stack SELECT DISTINCT profile_id, stack_id FROM n.sample;"
		 T_COPY_SAMPLES_BEFORE_V8
		 " INSERT INTO sample_label SELECT * FROM n.sample_label; COMMIT;\"",
		 t_src(), v4, v4, v5);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
}

static void frames_rows(struct buf *out, const char *db)
{
	sqlite_rows(out, db, "SELECT * FROM frames ORDER BY profile_id, stack_id, depth");
}

Test(store_layout, a_version_4_store_is_migrated_with_the_same_frames)
{
	const char *v5 = t_fresh("layout-v5.db"), *v4 = t_fresh("layout-v4.db");
	const char *a = "sample-profiles/out/go1.26/chan_send.pb.gz",
		   *b = "sample-profiles/out/go1.22/map_insert.pb.gz";
	struct buf want, before, after, err, out4, out5;
	long long stacks, locations, strings;

	cr_assert_eq(t_run(NULL, &err, "load -q --db '%s' '%s' '%s'", v5, a, b), 0, "%s", err.data);
	buf_release(&err);
	make_v4_store(v4, v5);
	frames_rows(&want, v5);
	frames_rows(&before, v4);
	cr_assert_gt(want.len, 0);
	cr_expect_eq(before.len, want.len);
	cr_expect(!memcmp(before.data, want.data, want.len), "the hand-made version 4 store differs");
	/* reading does not migrate; the first write does */
	cr_expect_eq(t_sql_int(v4, "SELECT count(*) FROM profiles"), 2);
	cr_expect_eq(t_run(NULL, &err, "sql --write --db '%s' \"CREATE TABLE mine (x)\"", v4), 0, "%s",
		     err.data);
	buf_release(&err);
	cr_expect_eq(t_sql_int(v4, "PRAGMA user_version"), 8);
	frames_rows(&after, v4);
	cr_expect_eq(after.len, want.len);
	cr_expect(!memcmp(after.data, want.data, want.len), "frames changed in the migration");
	/* the migrated stacks are shared: the same stacks loaded again add none, and the
	 * join reads them as it reads a new store's */
	stacks = t_sql_int(v4, "SELECT count(*) FROM stack");
	locations = t_sql_int(v4, "SELECT count(*) FROM location");
	strings = t_sql_int(v4, "SELECT count(*) FROM str");
	cr_expect_eq(stacks, t_sql_int(v5, "SELECT count(DISTINCT stack_id) FROM sample"));
	cr_expect_eq(locations, t_sql_int(v5, "SELECT count(*) FROM location"));
	{
		char cmd[2048];

		snprintf(cmd, sizeof(cmd), "sqlite3 '%s' \"UPDATE profile SET sha256 = 'x' || sha256\"", v4);
		cr_assert_eq(system(cmd), 0);
	}
	cr_expect_eq(t_run(NULL, &err, "load -q --db '%s' '%s' '%s'", v4, a, b), 0, "%s", err.data);
	buf_release(&err);
	cr_expect_eq(t_sql_int(v4, "SELECT count(*) FROM profiles"), 4);
	cr_expect_eq(t_sql_int(v4, "SELECT count(*) FROM stack"), stacks);
	cr_expect_eq(t_sql_int(v4, "SELECT count(*) FROM location"), locations);
	cr_expect_eq(t_sql_int(v4, "SELECT count(*) FROM str"), strings, "the migrated strings were stored again");
	cr_expect_eq(t_run(&out4, &err, "analyze -q --db '%s' '%s'", v4, a), 0, "%s", err.data);
	buf_release(&err);
	cr_expect_eq(t_run(&out5, &err, "analyze -q --db '%s' '%s'", v5, a), 0, "%s", err.data);
	cr_expect_str_eq(out4.data, out5.data);
	buf_release(&want);
	buf_release(&before);
	buf_release(&after);
	buf_release(&err);
	buf_release(&out4);
	buf_release(&out5);
}

/* ---- values past the fourth sample type (version 8) ---- */

#define NTYPES 10
#define NSMP 3

/* A profile of ten sample types: six of its own, then Go's four heap types, so that the
 * heap values sit at indexes 6 to 9. Sample s (from 0) has value 100 (s + 1) + k of type
 * k, on a location of its own. */
static void write_ten_type_profile(const char *path)
{
	static const char *const strs[] = {"", "t0", "t1", "t2", "t3", "t4", "t5", "count",
					   "alloc_objects", "alloc_space", "inuse_objects",
					   "inuse_space", "bytes", "main.f", "main.go"};
	static const int types[NTYPES][2] = {{1, 7}, {2, 7}, {3, 7}, {4, 7}, {5, 7}, {6, 7},
					     {8, 7}, {9, 12}, {10, 7}, {11, 12}};
	struct buf p, m, v;

	buf_init(&p);
	for (int k = 0; k < NTYPES; k++) {
		buf_init(&m);
		pb_int(&m, 1, (uint64_t)types[k][0]);
		pb_int(&m, 2, (uint64_t)types[k][1]);
		pb_bytes(&p, 1, m.data, m.len);
		buf_release(&m);
	}
	for (int s = 0; s < NSMP; s++) {
		buf_init(&m);
		buf_init(&v);
		pb_varint(&v, (uint64_t)s + 1);
		pb_bytes(&m, 1, v.data, v.len);
		buf_reset(&v);
		for (int k = 0; k < NTYPES; k++)
			pb_varint(&v, (uint64_t)(100 * (s + 1) + k));
		pb_bytes(&m, 2, v.data, v.len);
		pb_bytes(&p, 2, m.data, m.len);
		buf_release(&m);
		buf_release(&v);
	}
	for (int s = 0; s < NSMP; s++) {
		struct buf l;

		buf_init(&m);
		buf_init(&l);
		pb_int(&m, 1, (uint64_t)s + 1);
		pb_int(&m, 3, 0x401000 + 16 * (uint64_t)s);
		pb_int(&l, 1, 1);
		pb_int(&l, 2, 10 + (uint64_t)s);
		pb_bytes(&m, 4, l.data, l.len);
		pb_bytes(&p, 4, m.data, m.len);
		buf_release(&m);
		buf_release(&l);
	}
	buf_init(&m);
	pb_int(&m, 1, 1);
	pb_int(&m, 2, 13);
	pb_int(&m, 3, 13);
	pb_int(&m, 4, 14);
	pb_bytes(&p, 5, m.data, m.len);
	buf_release(&m);
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		pb_str(&p, 6, strs[i]);
	t_write(path, p.data, p.len);
	buf_release(&p);
}

/* What the ten-type profile holds, as the views print it (one line per sample); heap7:
 * heap_samples of a version-7 store, which left the types past the eighth out. */
static void ten_type_expected(struct buf *values, struct buf *heap, struct buf *heap7)
{
	buf_init(values);
	buf_init(heap);
	buf_init(heap7);
	for (int s = 0; s < NSMP; s++) {
		for (int k = 0; k < NTYPES; k++)
			buf_printf(values, "%s%d", k ? "," : "", 100 * (s + 1) + k);
		buf_printf(values, "\n");
		buf_printf(heap, "%d,%d,%d,%d\n", 100 * (s + 1) + 6, 100 * (s + 1) + 7,
			   100 * (s + 1) + 8, 100 * (s + 1) + 9);
		buf_printf(heap7, "%d,%d,,\n", 100 * (s + 1) + 6, 100 * (s + 1) + 7);
	}
}

static const char ten_values_sql[] =
	"SELECT group_concat(value, ',') FROM (SELECT v.sample_id, v.value FROM sample_values v"
	" JOIN sample_types t ON t.profile_id = v.profile_id AND t.type = v.type"
	" JOIN profile_names n ON n.profile_id = v.profile_id WHERE n.name = 'ten'"
	" ORDER BY v.sample_id, t.idx) GROUP BY sample_id ORDER BY sample_id";
static const char ten_heap_sql[] =
	"SELECT printf('%s,%s,%s,%s', alloc_objects, alloc_space, inuse_objects, inuse_space)"
	" FROM heap_samples h JOIN profile_names n ON n.profile_id = h.profile_id"
	" WHERE n.name = 'ten' ORDER BY sample_id";

/* The number of columns of table in db, as sqlite3 reads its schema. */
static long long columns_of(const char *db, const char *table)
{
	char sql[256];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM pragma_table_info('%s')", table);
	return t_sqlite3_int(db, sql);
}

/* A version-7 store at v7 holding the rows of v8 (a store of this version), made with the
 * schema's own SQL of versions 1 to 7: a sample's values of types 4 to 7 back in its
 * columns v4 to v7, sample_value_x holding only the rest, and a heap type past the
 * eighth not placed (version 7's heap_samples read only the columns). */
static void make_v7_store(const char *v7, const char *v8)
{
	char cmd[16384];

	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && cat store/schema/001.sql store/schema/002.sql store/schema/003.sql"
		 " store/schema/004.sql store/schema/005.sql store/schema/006.sql store/schema/007.sql"
		 " | sqlite3 -bail '%s' && sqlite3 -bail '%s' \""
		 "PRAGMA user_version = 7; ATTACH '%s' AS n; BEGIN;"
		 " INSERT INTO str SELECT * FROM n.str; INSERT INTO func SELECT * FROM n.func;"
		 " INSERT INTO location SELECT * FROM n.location; INSERT INTO stack SELECT * FROM n.stack;"
		 " INSERT INTO profile SELECT * FROM n.profile; INSERT INTO profile_name SELECT * FROM n.profile_name;"
		 " INSERT INTO profile_label SELECT * FROM n.profile_label;"
		 " INSERT INTO sample_type SELECT * FROM n.sample_type;"
		 T_COPY_SAMPLES_BEFORE_V8
		 " INSERT INTO sample_label SELECT * FROM n.sample_label;"
		 " UPDATE profile SET ix_alloc_objects = iif(ix_alloc_objects < 8, ix_alloc_objects, NULL),"
		 "   ix_alloc_space = iif(ix_alloc_space < 8, ix_alloc_space, NULL),"
		 "   ix_inuse_objects = iif(ix_inuse_objects < 8, ix_inuse_objects, NULL),"
		 "   ix_inuse_space = iif(ix_inuse_space < 8, ix_inuse_space, NULL); COMMIT;\"",
		 t_src(), v7, v7, v8);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
}

/* A sample row holds four values; the heap values of a profile that has them past the
 * fourth type come from sample_value_x, in a new store and in one migrated from version
 * 7, where they were columns of the sample; frames and the join's answer stay the same. */
Test(store_layout, values_past_the_fourth_type_are_kept_and_migrate_out_of_the_sample)
{
	const char *v8 = t_fresh("vals-v8.db"), *v7 = t_fresh("vals-v7.db");
	const char *ten = t_fresh("ten.pb"), *go = "sample-profiles/out/go1.26/chan_send.pb.gz";
	struct buf want_v, want_h, want_h7, got, err, frames8, frames7, out7, out8;

	write_ten_type_profile(ten);
	ten_type_expected(&want_v, &want_h, &want_h7);
	cr_assert_eq(t_run(NULL, &err, "load -q --db '%s' --name ten '%s'", v8, ten), 0, "%s", err.data);
	buf_release(&err);
	cr_assert_eq(t_run(NULL, &err, "load -q --db '%s' '%s'", v8, go), 0, "%s", err.data);
	buf_release(&err);
	cr_expect_eq(columns_of(v8, "sample"), 8,
		     "a sample row holds four values");
	cr_expect_eq(t_sql_int(v8, "SELECT count(*) FROM sample_value_x"), NSMP * (NTYPES - 4));
	t_sqlite3(&got, v8, ten_values_sql);
	cr_expect_str_eq(got.data, want_v.data);
	buf_release(&got);
	t_sqlite3(&got, v8, ten_heap_sql);
	cr_expect_str_eq(got.data, want_h.data);
	buf_release(&got);

	make_v7_store(v7, v8);
	cr_assert_eq(columns_of(v7, "sample"), 12);
	cr_assert_eq(t_sql_int(v7, "SELECT count(*) FROM sample_value_x"), NSMP * (NTYPES - 8));
	t_sqlite3(&got, v7, ten_heap_sql);
	cr_assert_str_eq(got.data, want_h7.data, "the hand-made version 7 store differs");
	buf_release(&got);
	frames_rows(&frames8, v8);
	/* the first write migrates */
	cr_expect_eq(t_run(NULL, &err, "sql --write --db '%s' \"CREATE TABLE mine (x)\"", v7), 0, "%s",
		     err.data);
	buf_release(&err);
	cr_expect_eq(t_sql_int(v7, "PRAGMA user_version"), 8);
	cr_expect_eq(columns_of(v7, "sample"), 8);
	cr_expect_eq(t_sql_int(v7, "SELECT count(*) FROM sample_value_x"), NSMP * (NTYPES - 4));
	cr_expect_eq(t_sql_int(v7, "SELECT count(*) FROM sample"), t_sql_int(v8, "SELECT count(*) FROM sample"));
	t_sqlite3(&got, v7, ten_values_sql);
	cr_expect_str_eq(got.data, want_v.data);
	buf_release(&got);
	t_sqlite3(&got, v7, ten_heap_sql);
	cr_expect_str_eq(got.data, want_h7.data, "heap_samples changed in the migration");
	buf_release(&got);
	frames_rows(&frames7, v7);
	cr_expect_eq(frames7.len, frames8.len);
	cr_expect(!memcmp(frames7.data, frames8.data, frames8.len), "frames changed in the migration");
	cr_expect_eq(t_run(&out7, &err, "top -q --db '%s' --profile ten -sample_index alloc_space", v7), 0, "%s", err.data);
	buf_release(&err);
	cr_expect_eq(t_run(&out8, &err, "top -q --db '%s' --profile ten -sample_index alloc_space", v8), 0, "%s", err.data);
	cr_expect_str_eq(out7.data, out8.data);
	cr_expect(strstr(out8.data, "307 B") && strstr(out8.data, "107 B"), "%s", out8.data);
	buf_release(&out8);
	/* the heap types at 8 and 9 too, from the store and from the decoded profile alike */
	cr_expect_eq(t_run(&out8, &err, "top -q --db '%s' --profile ten -sample_index inuse_space", v8), 0,
		     "%s", err.data);
	buf_release(&err);
	cr_expect(strstr(out8.data, "309 B") && strstr(out8.data, "109 B"), "%s", out8.data);
	buf_release(&out7);
	cr_expect_eq(t_run(&out7, &err, "analyze -q -sample_index inuse_space '%s'", ten), 0, "%s", err.data);
	buf_release(&err);
	cr_expect(strstr(out7.data, "309 B") && strstr(out7.data, "109 B"), "%s", out7.data);
	/* removal after the migration leaves no value behind */
	cr_expect_eq(t_run(NULL, &err, "rm -q --db '%s' --profile ten", v7), 0, "%s", err.data);
	cr_expect_eq(t_sql_int(v7, "SELECT count(*) FROM sample_value_x"), 0);
	buf_release(&err);
	buf_release(&want_v);
	buf_release(&want_h);
	buf_release(&want_h7);
	buf_release(&frames7);
	buf_release(&frames8);
	buf_release(&out7);
	buf_release(&out8);
}

/* The frames view walks each stack's nodes apart: a filter on profile_id reaches the
 * profile's samples first, so one profile's frames in a store of many are that profile's
 * alone, counted the same by the store's own connection (escprof sql) and by the sqlite3
 * CLI, both with json_each. */
Test(store_layout, one_profiles_frames_in_a_store_of_sixty)
{
	char db[600];	/* t_fresh's names are reused after eight calls */
	glob_t g;
	struct buf args, err, rows;
	size_t i;

	snprintf(db, sizeof(db), "%s", t_fresh("layout-sixty.db"));

	cr_assert_eq(glob(t_path("sample-profiles/out/*/*.pb.gz"), 0, NULL, &g), 0);
	cr_assert_geq(g.gl_pathc, 20);
	buf_init(&args);
	for (i = 0; i < g.gl_pathc; i++)
		buf_printf(&args, " '%s'", g.gl_pathv[i]);
	cr_assert_eq(t_run(NULL, &err, "load -q --db '%s'%s", db, args.data), 0, "%s", err.data);
	buf_release(&err);
	cr_assert_eq(t_sql_int(db, "SELECT count(*) FROM profiles"), (long long)g.gl_pathc);
	for (i = 0; i < g.gl_pathc; i++) {
		char one[600], sql[256];
		long long want, got;

		snprintf(one, sizeof(one), "%s", t_fresh("layout-one-%zu.db", i));

		cr_assert_eq(t_run(NULL, &err, "load -q --db '%s' '%s'", one, g.gl_pathv[i]), 0, "%s",
			     err.data);
		buf_release(&err);
		want = t_sql_int(one, "SELECT count(*) FROM frames WHERE profile_id = 1");
		cr_expect_gt(want, 0, "%s: no frames", g.gl_pathv[i]);
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM frames WHERE profile_id = %zu", i + 1);
		got = t_sql_int(db, sql);
		cr_expect_eq(got, want, "%s: %lld frames among sixty, %lld alone", g.gl_pathv[i], got,
			     want);
		if (i == g.gl_pathc / 2) {
			sqlite_rows(&rows, db, sql);
			cr_expect_eq(atoll(rows.data), want, "%s: the sqlite3 CLI counts %s",
				     g.gl_pathv[i], rows.data);
			buf_release(&rows);
		}
		unlink(one);
	}
	buf_release(&args);
	globfree(&g);
}

/* ---- the tree of stacks (schema 7) ---- */

/* The store's stack nodes keep the rules removal relies on: every parent there, every
 * node held by a profile or a node below it, refs counting exactly those. */
static void expect_tree_consistent(const char *db)
{
	cr_expect_eq(t_sql_int(db, "SELECT count(*) FROM stack WHERE parent IS NOT NULL"
				   " AND parent NOT IN (SELECT id FROM stack)"), 0, "a node with a missing parent");
	cr_expect_eq(t_sql_int(db, "SELECT count(*) FROM stack s WHERE refs !="
				   " (SELECT count(DISTINCT p.profile_id) FROM sample p WHERE p.stack_id = s.id)"
				   " + (SELECT count(*) FROM stack c WHERE c.parent = s.id)"), 0,
		     "a node's refs is not its profiles and the nodes below it");
	cr_expect_eq(t_sql_int(db, "SELECT count(*) FROM stack WHERE refs = 0"), 0, "a node nothing holds");
	cr_expect_eq(t_sql_int(db, "SELECT count(*) FROM sample s LEFT JOIN stack k ON k.id = s.stack_id"
				   " WHERE k.id IS NULL"), 0, "a sample on a missing stack");
}

/* Sixty profiles' stacks drawn from 2,048 ids instead of 2^31: most paths meet another's
 * id, in the load (ids this load drew) and in the store (ids earlier loads drew), and
 * each must be probed past to its own. The frames stay pprof's; the outer frames are
 * stored once; removing half of the profiles and loading them again changes neither
 * (the tree may: where stacks part depends on which were loaded together). */
Test(store_layout, stacks_share_outer_frames_and_keep_their_own_when_ids_meet)
{
	const char *db = t_fresh("layout-tree.db");
	glob_t g;
	struct buf args, err;
	size_t i;
	long long nodes, whole, stored;

	cr_assert_eq(setenv("ESCPROF_TEST_STACK_IDS", "2048", 1), 0);
	cr_assert_eq(glob(t_path("sample-profiles/out/*/*.pb.gz"), 0, NULL, &g), 0);
	buf_init(&args);
	for (i = 0; i < g.gl_pathc; i++)
		buf_printf(&args, " '%s'", g.gl_pathv[i]);
	cr_assert_eq(t_run(NULL, &err, "load -q --db '%s'%s", db, args.data), 0, "%s", err.data);
	buf_release(&err);
	nodes = t_sql_int(db, "SELECT count(*) FROM stack");
	cr_assert_gt(nodes, 1000);
	cr_expect_leq(t_sql_int(db, "SELECT max(id) FROM stack"), 2048);
	/* the locations stored, against those of every stack whole */
	stored = t_sql_int(db, "SELECT sum(json_array_length(locs)) FROM stack");
	whole = t_sql_int(db, "SELECT count(*) FROM (SELECT DISTINCT stack_id, depth FROM frames)");
	cr_expect_lt(2 * stored, whole, "%lld locations stored for %lld frames", stored, whole);
	for (i = 0; i < g.gl_pathc; i++) {
		char raw[4096];

		snprintf(raw, sizeof(raw), "%.*s.raw.txt", (int)(strlen(g.gl_pathv[i]) - 6), g.gl_pathv[i]);
		check_profile(db, (int64_t)i + 1, raw, g.gl_pathv[i]);
	}
	expect_tree_consistent(db);
	/* every other profile removed: the tree stays whole; loaded again: the same frames */
	for (i = 0; i < g.gl_pathc; i += 2)
		cr_assert_eq(t_run(NULL, &err, "rm -q --db '%s' --profile %zu", db, i + 1), 0, "%s", err.data);
	expect_tree_consistent(db);
	cr_expect_lt(t_sql_int(db, "SELECT count(*) FROM stack"), nodes);
	cr_assert_eq(t_run(NULL, &err, "load -q --db '%s'%s", db, args.data), 0, "%s", err.data);
	buf_release(&err);
	expect_tree_consistent(db);
	for (i = 0; i < g.gl_pathc; i++) {
		char raw[4096], sql[256];
		long long pid;

		snprintf(raw, sizeof(raw), "%.*s.raw.txt", (int)(strlen(g.gl_pathv[i]) - 6), g.gl_pathv[i]);
		snprintf(sql, sizeof(sql), "SELECT profile_id FROM profiles WHERE source = '%s'", g.gl_pathv[i]);
		pid = t_sql_int(db, sql);
		cr_assert_gt(pid, 0, "%s not loaded again", g.gl_pathv[i]);
		check_profile(db, pid, raw, g.gl_pathv[i]);
	}
	buf_release(&args);
	globfree(&g);
}

/* A stored node that holds the id a stack's path draws first, but other frames: the
 * stack is stored beside it under the next free id, and the node is left as it was. */
Test(store_layout, a_stack_whose_id_another_node_holds_is_stored_beside_it)
{
	const char *one = t_fresh("layout-decoy-1.db"), *two = t_fresh("layout-decoy-2.db");
	const char *pb = "sample-profiles/out/go1.19/chan_send.pb.gz";
	char sql[512];
	struct buf err, raw;
	long long id;

	cr_assert_eq(t_run(NULL, &err, "load -q --db '%s' '%s'", one, pb), 0, "%s", err.data);
	buf_release(&err);
	id = t_sql_int(one, "SELECT max(stack_id) FROM sample");
	/* the same path in a store without locations draws the same id: a decoy holds it */
	cr_assert_eq(t_run(NULL, &err, "escapes -q --db '%s' sample-profiles/out/go1.19/chan_send.mm.txt", two),
		     0, "%s", err.data);
	buf_release(&err);
	snprintf(sql, sizeof(sql), "sql --write --db '%s' \"INSERT INTO stack (id, parent, depth, refs, locs)"
		 " VALUES (%lld, NULL, 1, 1, '[99999]')\"", two, id);
	cr_assert_eq(t_run(NULL, &err, "%s", sql), 0, "%s", err.data);
	buf_release(&err);
	cr_assert_eq(t_run(NULL, &err, "load -q --db '%s' '%s'", two, pb), 0, "%s", err.data);
	buf_release(&err);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM sample WHERE stack_id = %lld", id);
	cr_expect_eq(t_sql_int(two, sql), 0, "the stack took the decoy's id");
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM stack WHERE id = %lld AND locs = '[99999]'", id);
	cr_expect_eq(t_sql_int(two, sql), 1, "the decoy changed");
	cr_expect_eq(t_sql_int(two, "SELECT count(*) FROM stack"), t_sql_int(one, "SELECT count(*) FROM stack") + 1);
	buf_init(&raw);
	buf_printf(&raw, "%.*s.raw.txt", (int)(strlen(pb) - 6), pb);
	check_profile(two, 1, t_path("%s", raw.data), pb);
	buf_release(&raw);
}

/* A stack node whose locations are not the array the loader writes: the join of the
 * stored profile stops with one line naming the stack, exit 3, and writes nothing. */
Test(store_layout, a_damaged_stack_node_is_named_and_nothing_is_written)
{
	const char *db = t_fresh("layout-damaged.db");
	struct buf out, err;
	long long id;
	char sql[256];

	cr_assert_eq(t_run(NULL, &err, "load -q --db '%s' sample-profiles/out/go1.19/chan_send.pb.gz", db), 0,
		     "%s", err.data);
	buf_release(&err);
	id = t_sql_int(db, "SELECT max(stack_id) FROM sample");
	snprintf(sql, sizeof(sql), "sql --write --db '%s' \"UPDATE stack SET locs = '[1,' WHERE id = %lld\"", db, id);
	cr_assert_eq(t_run(NULL, &err, "%s", sql), 0, "%s", err.data);
	buf_release(&err);
	cr_expect_eq(t_run(&out, &err, "report -q --db '%s' --html '%s'", db, t_fresh("layout-damaged.html")), 3,
		     "%s", err.data);
	snprintf(sql, sizeof(sql), "stack %lld is damaged", id);
	cr_expect(strstr(err.data, sql) && strchr(err.data, '\n') == err.data + err.len - 1, "%s", err.data);
	cr_expect_eq(t_sql_int(db, "SELECT count(*) FROM analysis"), 0);
	buf_release(&out);
	buf_release(&err);
}
