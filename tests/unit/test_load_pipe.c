/* test_load_pipe.c — a load whose sample rows a second thread inserts (store/rowpipe.c)
 * stores what a load inserting them in place stores, table for table and row for row:
 * into a new store and into one that already holds stacks, strings and locations (where
 * the loader asks the store while the writer inserts), with labels and values beyond a
 * row's four (their rows go in from the loader's thread meanwhile). A row the writer
 * cannot insert fails the load with SQLite's words and leaves the store as it was. */
#include <criterion/criterion.h>
#include <glob.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify/classify.h"
#include "common/buf.h"
#include "store/store.h"
#include "tests/testutil.h"

/* A heap-like profile made by hand: 6 sample types (two past a row's four), a string
 * label and the object size on every sample, n samples over stacks of 40 locations. */
static void labelled_profile(const char *path, size_t n)
{
	static const char *const strs[] = {"", "alloc_objects", "count", "alloc_space", "bytes",
					   "inuse_objects", "inuse_space", "extra_a", "extra_b",
					   "handler", "get", "put", "main.go", "main.f", "main.g"};
	struct buf b, m, pk;
	size_t i, k;

	buf_init(&b);
	buf_init(&m);
	buf_init(&pk);
	for (k = 0; k < 6; k++) {
		buf_reset(&m);
		pb_int(&m, 1, k == 0 ? 1 : k == 1 ? 3 : k == 2 ? 5 : k == 3 ? 6 : k == 4 ? 7 : 8);
		pb_int(&m, 2, k % 2 ? 4 : 2);
		pb_bytes(&b, 1, m.data, m.len);
	}
	for (i = 0; i < n; i++) {
		struct buf lbl;

		buf_reset(&m);
		buf_reset(&pk);
		/* a stack of 3 to 9 of the 40 locations, leaf first, from the sample's number */
		for (k = 0; k < 3 + i % 7; k++)
			pb_varint(&pk, 1 + (i * 7 + k * 13) % 40);
		pb_bytes(&m, 1, pk.data, pk.len);
		buf_reset(&pk);
		for (k = 0; k < 6; k++)
			pb_varint(&pk, (uint64_t)(i + 1) * (k + 1));
		pb_bytes(&m, 2, pk.data, pk.len);
		buf_init(&lbl);
		pb_int(&lbl, 1, 9);		/* handler=get|put */
		pb_int(&lbl, 2, 10 + i % 2);
		pb_bytes(&m, 3, lbl.data, lbl.len);
		buf_reset(&lbl);
		pb_int(&lbl, 1, 4);		/* bytes: the object size */
		pb_int(&lbl, 3, 16 * (1 + i % 5));
		pb_bytes(&m, 3, lbl.data, lbl.len);
		buf_release(&lbl);
		pb_bytes(&b, 2, m.data, m.len);
	}
	for (k = 1; k <= 40; k++) {
		struct buf ln;

		buf_init(&ln);
		pb_int(&ln, 1, 1 + k % 2);
		pb_int(&ln, 2, 10 + k);
		buf_reset(&m);
		pb_int(&m, 1, k);
		pb_bytes(&m, 4, ln.data, ln.len);
		pb_bytes(&b, 4, m.data, m.len);
		buf_release(&ln);
	}
	for (k = 1; k <= 2; k++) {
		buf_reset(&m);
		pb_int(&m, 1, k);
		pb_int(&m, 2, 12 + k);
		pb_int(&m, 4, 12);
		pb_bytes(&b, 5, m.data, m.len);
	}
	for (k = 0; k < sizeof(strs) / sizeof(strs[0]); k++)
		pb_str(&b, 6, strs[k]);
	t_write(path, b.data, b.len);
	buf_release(&b);
	buf_release(&m);
	buf_release(&pk);
}

/* Loads every path into a new store at db, in order, with sample rows piped or not. */
static void load_all(const char *db, const char *const *paths, size_t n, int piped)
{
	struct store *s;
	struct err e = {0};
	size_t i, used = store_pipe.used, min = store_pipe.min;

	store_pipe.min = piped ? 1 : SIZE_MAX;
	store_pipe.cores = 1;	/* a thread of its own even on one core */
	cr_assert_eq(store_open(&s, db, STORE_READ_WRITE, &e), ESC_OK, "%s", e.msg);
	for (i = 0; i < n; i++) {
		struct store_profile_opts o = {0};
		struct classify_ingest_profile_result r;

		cr_assert_eq(classify_ingest_profile(s, paths[i], &o, NULL, &r, &e), ESC_OK, "%s: %s",
			     paths[i], e.msg);
		cr_assert(r.added, "%s was not added", paths[i]);
	}
	store_close(s);
	/* every load of at least one sample went through the pipe, or none did */
	if (piped)
		cr_assert_geq(store_pipe.used - used, n - 1, "%zu of %zu loads piped",
			      store_pipe.used - used, n);
	else
		cr_assert_eq(store_pipe.used, used);
	store_pipe.min = min;
}

/* Every row of a table, in a fixed order, as text. */
static void table_text(const char *db, const char *table, struct buf *out)
{
	sqlite3 *h;
	sqlite3_stmt *q;
	char sql[256];
	int c, rc;

	buf_init(out);
	cr_assert_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	snprintf(sql, sizeof(sql), "SELECT * FROM %s", table);
	cr_assert_eq(sqlite3_prepare_v2(h, sql, -1, &q, NULL), SQLITE_OK, "%s", sqlite3_errmsg(h));
	/* ordered by every column */
	for (c = 0; c < sqlite3_column_count(q); c++)
		snprintf(sql + strlen(sql), sizeof(sql) - strlen(sql), "%s%d", c ? ", " : " ORDER BY ",
			 c + 1);
	sqlite3_finalize(q);
	cr_assert_eq(sqlite3_prepare_v2(h, sql, -1, &q, NULL), SQLITE_OK, "%s", sqlite3_errmsg(h));
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		for (c = 0; c < sqlite3_column_count(q); c++)
			buf_printf(out, "%s%s", c ? "|" : "",
				   sqlite3_column_type(q, c) == SQLITE_NULL ? "NULL" :
				   (const char *)sqlite3_column_text(q, c));
		buf_addc(out, '\n');
	}
	cr_assert_eq(rc, SQLITE_DONE);
	sqlite3_finalize(q);
	sqlite3_close(h);
}

static size_t count_lines(const struct buf *b)
{
	size_t n = 0, i;

	for (i = 0; i < b->len; i++)
		n += b->data[i] == '\n';
	return n;
}

Test(load_pipe, piped_rows_are_the_rows_inserted_in_place, .timeout = 300)
{
	static const char *const tables[] = {"profile_name", "sample_type", "str", "func",
					     "location", "stack", "sample", "sample_label",
					     "sample_value_x"};
	const char *paths[128];
	const char *gen = getenv("ESCPROF_GEN"), *big = t_fresh("big.pb.gz");
	const char *lab = t_fresh("labelled.pb"), *a = t_fresh("inplace.db"), *b = t_fresh("piped.db");
	char cmd[4096], pat[4096];
	glob_t g, c;
	size_t n = 0, i;

	cr_assert_not_null(gen, "ESCPROF_GEN is not set: run the suite through `make check`");
	snprintf(cmd, sizeof(cmd), "'%s' 30000 '%s' 7", gen, big);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	labelled_profile(lab, 5000);
	/* the big one first (a new store), then the same shapes into a store holding them */
	paths[n++] = big;
	paths[n++] = lab;
	snprintf(pat, sizeof(pat), "%s/sample-profiles/out/go1.26/*.pb.gz", t_src());
	cr_assert_eq(glob(pat, 0, NULL, &g), 0);
	for (i = 0; i < g.gl_pathc && n < 80; i++)
		paths[n++] = g.gl_pathv[i];
	if (t_shared()) {
		snprintf(pat, sizeof(pat), "%s/corpus/profiles/*.p*", t_shared());
		if (!glob(pat, 0, NULL, &c))
			for (i = 0; i < c.gl_pathc && n < 128; i++)
				if (strstr(c.gl_pathv[i], "go-heap_pyroscope_truncated3") ||
				    strstr(c.gl_pathv[i], "dotnet_pyroscope_6types") ||
				    strstr(c.gl_pathv[i], "sqlprof_go1.23.3_labels"))
					paths[n++] = c.gl_pathv[i];
	} else {
		c.gl_pathc = 0;
	}
	load_all(a, paths, n, 0);
	load_all(b, paths, n, 1);
	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		struct buf x, y;

		table_text(a, tables[i], &x);
		table_text(b, tables[i], &y);
		cr_expect(x.len == y.len && !memcmp(x.data, y.data, x.len),
			  "%s differs: %zu rows in place, %zu piped", tables[i], count_lines(&x),
			  count_lines(&y));
		/* what the pipe had to carry, and what went in beside it */
		if (!strcmp(tables[i], "sample"))
			cr_expect_gt(count_lines(&y), 35000);
		if (!strcmp(tables[i], "sample_label"))
			cr_expect_geq(count_lines(&y), 5000, "the labels other than the size");
		if (!strcmp(tables[i], "sample_value_x"))
			cr_expect_geq(count_lines(&y), 10000, "the values past a row's four");
		buf_release(&x);
		buf_release(&y);
	}
	globfree(&g);
	if (c.gl_pathc)
		globfree(&c);
}

/* SQLite refuses the writer's 3,000th row of the second profile (a trigger): the load
 * fails naming why, and the store holds the first profile alone, as before. */
Test(load_pipe, a_row_the_writer_cannot_insert_fails_the_load_and_changes_nothing)
{
	const char *lab = t_fresh("labelled.pb"), *other = t_fresh("other.pb");
	const char *db = t_fresh("refused.db");
	int piped;

	labelled_profile(lab, 2000);
	labelled_profile(other, 6000);
	for (piped = 0; piped < 2; piped++) {
		const char *both[] = {lab};
		struct store *s;
		struct store_profile_opts o = {0};
		struct classify_ingest_profile_result r;
		struct err e = {0};
		struct buf before[3], after[3];
		static const char *const tables[] = {"sample", "stack", "str"};
		size_t min = store_pipe.min, used, i;
		sqlite3 *h;

		remove(db);
		load_all(db, both, 1, piped);
		cr_assert_eq(sqlite3_open(db, &h), SQLITE_OK);
		cr_assert_eq(sqlite3_exec(h, "CREATE TRIGGER refuse BEFORE INSERT ON sample"
					  " WHEN NEW.sample_id = 3000 BEGIN"
					  " SELECT RAISE(ABORT, 'sample 3000 refused'); END", NULL, NULL,
					  NULL), SQLITE_OK, "%s", sqlite3_errmsg(h));
		sqlite3_close(h);
		for (i = 0; i < 3; i++)
			table_text(db, tables[i], &before[i]);
		store_pipe.min = piped ? 1 : SIZE_MAX;
		store_pipe.cores = 1;
		used = store_pipe.used;
		cr_assert_eq(store_open(&s, db, STORE_READ_WRITE, &e), ESC_OK, "%s", e.msg);
		cr_expect_eq(classify_ingest_profile(s, other, &o, NULL, &r, &e), ESC_EDB);
		cr_expect(strstr(e.msg, "cannot store a sample") && strstr(e.msg, "sample 3000 refused"),
			  "%s", e.msg);
		store_close(s);
		cr_expect_eq(store_pipe.used - used, (size_t)piped);
		store_pipe.min = min;
		for (i = 0; i < 3; i++) {
			table_text(db, tables[i], &after[i]);
			cr_expect_str_eq(after[i].data, before[i].data, "%s changed (piped %d)", tables[i],
					 piped);
			buf_release(&before[i]);
			buf_release(&after[i]);
		}
	}
}
