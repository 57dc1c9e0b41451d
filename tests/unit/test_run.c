/* test_run.c — the engine of the reading commands, in process (classify/run.c): the
 * sample type pprof would choose, which analysis is read, a build that does not fit, the
 * baseline, failures of the store reaching the caller, and an old store's analyses
 * migrating with their builds. Expected values come from `go tool pprof -raw` dumps of
 * the same profiles, from which sample program wrote which log, and from the fixtures
 * written here. */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify/classify.h"
#include "common/buf.h"
#include "store/store.h"
#include "tests/testutil.h"

#define S26 "sample-profiles/out/go1.26/"

/* The notes the engine gave, one line each. */
static void collect(void *ctx, const char *fmt, va_list ap)
{
	buf_vprintf(ctx, fmt, ap);
	buf_addc(ctx, '\n');
}

static struct store *open_memory(void)
{
	struct store *s;
	struct err e = {0};

	cr_assert_eq(store_open(&s, ":memory:", STORE_READ_WRITE, &e), ESC_OK, "%s", e.msg);
	return s;
}

static int64_t add_profile(struct store *s, const char *path, const char *name)
{
	struct store_profile_opts o = {.name = name};
	struct classify_ingest_profile_result r;
	struct err e = {0};

	cr_assert_eq(classify_ingest_profile(s, t_path("%s", path), &o, NULL, &r, &e), ESC_OK, "%s", e.msg);
	return r.id;
}

static int64_t add_build(struct store *s, const char *path, const char *name)
{
	struct classify_ingest_build_result r;
	struct err e = {0};

	cr_assert_eq(classify_ingest_build(s, t_path("%s", path), name, NULL, 0, &r, &e), ESC_OK, "%s", e.msg);
	return r.id;
}

/* The sample type `go tool pprof -raw` marks [dflt] on its "Samples:" line, else the
 * last one it lists (what pprof reports when the profile names none). */
static void pprof_default(const char *raw, char *out, size_t n)
{
	struct buf b;
	char *line, *tok, *save = NULL;

	t_read(&b, t_path("%s", raw));
	line = strstr(b.data, "Samples:\n");
	cr_assert_not_null(line, "%s has no Samples line", raw);
	line += strlen("Samples:\n");
	line[strcspn(line, "\n")] = '\0';
	for (tok = strtok_r(line, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		snprintf(out, n, "%.*s", (int)strcspn(tok, "/"), tok);
		if (strstr(tok, "[dflt]"))
			break;
	}
	buf_release(&b);
}

Test(run, the_default_sample_type_is_the_one_pprof_marks_as_default)
{
	for (size_t i = 0; i < T_NSCENARIOS; i++) {
		static const char *const versions[] = {"go1.19", "go1.26"};

		for (size_t v = 0; v < 2; v++) {
			char pb[256], raw[256], want[64] = "";
			struct store *s = open_memory();
			struct err e = {0};
			int64_t id;
			int ix = -1;

			snprintf(pb, sizeof(pb), "sample-profiles/out/%s/%s.pb.gz", versions[v], t_scenarios[i]);
			snprintf(raw, sizeof(raw), "sample-profiles/out/%s/%s.raw.txt", versions[v], t_scenarios[i]);
			pprof_default(raw, want, sizeof(want));
			id = add_profile(s, pb, NULL);
			cr_expect_eq(classify_sample_type(s, id, NULL, &ix, &e), ESC_OK, "%s", e.msg);
			cr_expect_str_eq(ix >= 0 ? store_heap_types[ix] : "", want, "%s", pb);
			store_close(s);
		}
	}
}

Test(run, a_sample_index_is_a_name_or_a_position_among_the_profiles_own_types)
{
	struct store *s = open_memory();
	struct err e = {0};
	int64_t id = add_profile(s, S26 "map_insert.pb.gz", NULL);
	int ix = -1;

	/* the raw dump lists alloc_objects first and inuse_objects third */
	cr_expect_eq(classify_sample_type(s, id, "0", &ix, &e), ESC_OK, "%s", e.msg);
	cr_expect_eq(ix, STORE_ALLOC_OBJECTS);
	cr_expect_eq(classify_sample_type(s, id, "2", &ix, &e), ESC_OK, "%s", e.msg);
	cr_expect_eq(ix, STORE_INUSE_OBJECTS);
	cr_expect_eq(classify_sample_type(s, id, "inuse_space", &ix, &e), ESC_OK, "%s", e.msg);
	cr_expect_eq(ix, STORE_INUSE_SPACE);
	cr_expect_eq(classify_sample_type(s, id, "cpu", &ix, &e), ESC_EUSAGE);
	cr_expect(strstr(e.msg, "'cpu'"), "%s", e.msg);
	err_clear(&e);
	cr_expect_eq(classify_sample_type(s, id, "4", &ix, &e), ESC_EUSAGE);
	store_close(s);
}

Test(run, the_newest_stored_analysis_is_the_one_selected)
{
	struct store *s = open_memory();
	struct err e = {0};
	int64_t pid = add_profile(s, S26 "chan_send.pb.gz", "p"), bid = add_build(s, S26 "chan_send.mm.txt", NULL);
	int64_t first, second, got_pid, got;

	cr_assert_eq(classify_run(NULL, s, pid, &bid, 1, NULL, &first, &e), ESC_OK, "%s", e.msg);
	cr_assert_eq(classify_run(NULL, s, pid, NULL, 0, NULL, &second, &e), ESC_OK, "%s", e.msg);
	cr_expect_gt(second, first);
	cr_expect_eq(classify_select(NULL, s, "p", NULL, NULL, 0, NULL, &got_pid, &got, &e), ESC_OK, "%s", e.msg);
	cr_expect_eq(got_pid, pid);
	cr_expect_eq(got, second);
	/* no reference: the newest profile */
	cr_expect_eq(classify_select(NULL, s, NULL, NULL, NULL, 0, NULL, &got_pid, &got, &e), ESC_OK, "%s", e.msg);
	cr_expect_eq(got, second);
	store_close(s);
}

Test(run, a_profile_without_analysis_is_joined_with_the_newest_build_and_that_is_noted)
{
	struct store *s = open_memory();
	struct err e = {0};
	struct buf notes;
	struct classify_notes n = {collect, &notes};
	int64_t pid = add_profile(s, S26 "chan_send.pb.gz", NULL), bid, got_pid, aid = 0;
	struct store_analysis_build *rows;
	size_t nrows;
	char want[128];

	add_build(s, S26 "goroutine.mm.txt", NULL);
	bid = add_build(s, S26 "chan_send.mm.txt", NULL);
	buf_init(&notes);
	cr_assert_eq(classify_select(&n, s, NULL, NULL, NULL, 0, NULL, &got_pid, &aid, &e), ESC_OK, "%s", e.msg);
	cr_expect_eq(got_pid, pid);
	snprintf(want, sizeof(want), "had no analysis yet: joined it with build %lld", (long long)bid);
	cr_expect(strstr(notes.data, want), "%s", notes.data);
	cr_assert_eq(store_analysis_builds(s, aid, &rows, &nrows, &e), ESC_OK, "%s", e.msg);
	cr_expect_eq(nrows, 1);
	cr_expect_eq(nrows ? rows[0].build_id : 0, bid);
	store_analysis_builds_free(rows, nrows);
	buf_release(&notes);
	store_close(s);
}

Test(run, a_build_of_another_program_is_left_out_and_noted)
{
	struct store *s = open_memory();
	struct err e = {0};
	struct buf notes;
	struct classify_notes n = {collect, &notes};
	/* chan_send's profile, the goroutine program's log and its own */
	int64_t pid = add_profile(s, S26 "chan_send.pb.gz", NULL);
	int64_t builds[2] = {add_build(s, S26 "goroutine.mm.txt", "other"),
			     add_build(s, S26 "chan_send.mm.txt", "own")};
	struct store_analysis_build *rows;
	size_t nrows;
	int64_t aid;
	char want[128];

	buf_init(&notes);
	cr_assert_eq(classify_run(&n, s, pid, builds, 2, NULL, &aid, &e), ESC_OK, "%s", e.msg);
	snprintf(want, sizeof(want), "build %lld ('other')", (long long)builds[0]);
	cr_expect(strstr(notes.data, want) && strstr(notes.data, "not used"), "%s", notes.data);
	cr_expect(!strstr(notes.data, "'own'"), "%s", notes.data);
	cr_assert_eq(store_analysis_builds(s, aid, &rows, &nrows, &e), ESC_OK, "%s", e.msg);
	cr_expect_eq(nrows, 1);
	cr_expect_eq(nrows ? rows[0].build_id : 0, builds[1]);
	cr_expect_str_eq(nrows ? rows[0].name : "", "own");
	store_analysis_builds_free(rows, nrows);
	/* quiet: the same run says nothing */
	buf_reset(&notes);
	cr_assert_eq(classify_run(NULL, s, pid, builds, 2, NULL, &aid, &e), ESC_OK, "%s", e.msg);
	cr_expect_eq(notes.len, 0);
	buf_release(&notes);
	store_close(s);
}

Test(run, a_baseline_is_a_file_read_now_or_a_stored_name)
{
	struct store *s = open_memory();
	struct err e = {0};
	struct classify_baseline b, c;
	struct classify_baseline_opts o = {0};
	int64_t pid, bid = add_build(s, S26 "chan_send.mm.txt", "chan-build"), latest;

	/* a file: stored now, joined with the newest build (it had no analysis); pprof -raw
	 * prints no Duration line for it, so it has none */
	cr_assert_eq(classify_baseline(NULL, s, t_path(S26 "chan_send.pb.gz"), NULL, &b, &e), ESC_OK, "%s", e.msg);
	cr_expect(b.is_profile);
	cr_expect_gt(b.analysis_id, 0);
	cr_expect_eq(b.duration_nanos, 0);
	/* its stored name (the file's base name): the same profile, its newest analysis */
	cr_assert_eq(classify_baseline(NULL, s, "chan_send.pb.gz", &o, &c, &e), ESC_OK, "%s", e.msg);
	cr_expect_eq(c.profile_id, b.profile_id);
	cr_expect_eq(c.analysis_id, b.analysis_id);
	/* given builds: a new analysis */
	o.builds = &bid;
	o.nbuilds = 1;
	cr_assert_eq(classify_baseline(NULL, s, "chan_send.pb.gz", &o, &c, &e), ESC_OK, "%s", e.msg);
	cr_expect_gt(c.analysis_id, b.analysis_id);
	cr_assert_eq(store_latest_analysis(s, b.profile_id, &latest, &e), ESC_OK);
	cr_expect_eq(c.analysis_id, latest);
	/* a name that is nothing: a usage error naming it */
	cr_expect_eq(classify_baseline(NULL, s, "nothing-of-that-name", NULL, &c, &e), ESC_ENOTFOUND);
	cr_expect(strstr(e.msg, "'nothing-of-that-name'"), "%s", e.msg);
	/* builds too: a log file, a stored build's name, and neither */
	err_clear(&e);
	o = (struct classify_baseline_opts){.builds_too = 1};
	cr_assert_eq(classify_baseline(NULL, s, t_path(S26 "goroutine.mm.txt"), &o, &c, &e), ESC_OK, "%s", e.msg);
	cr_expect(!c.is_profile);
	cr_expect_gt(c.build_id, bid);
	cr_assert_eq(classify_baseline(NULL, s, "chan-build", &o, &c, &e), ESC_OK, "%s", e.msg);
	cr_expect(!c.is_profile);
	cr_expect_eq(c.build_id, bid);
	err_clear(&e);
	cr_expect_eq(classify_baseline(NULL, s, "nothing-of-that-name", &o, &c, &e), ESC_ENOTFOUND);
	cr_expect(strstr(e.msg, "neither a file nor a profile or build"), "%s", e.msg);
	/* a profile without analysis joined with another analysis's builds */
	pid = add_profile(s, S26 "goroutine.pb.gz", "base");
	o = (struct classify_baseline_opts){.builds_of = b.analysis_id};
	cr_assert_eq(classify_baseline(NULL, s, "base", &o, &c, &e), ESC_OK, "%s", e.msg);
	cr_expect_eq(c.profile_id, pid);
	{
		struct store_analysis_build *rows;
		size_t nrows;

		cr_assert_eq(store_analysis_builds(s, c.analysis_id, &rows, &nrows, &e), ESC_OK, "%s", e.msg);
		/* goroutine's profile does not fit chan_send's build: given, left out */
		cr_expect_eq(nrows, 0);
		store_analysis_builds_free(rows, nrows);
	}
	store_close(s);
}

/* A store file whose table `table` is gone behind escprof's back. */
static const char *store_without(const char *name, const char *table)
{
	const char *db = t_fresh("run-%s.db", name);
	struct store *s;
	struct err e = {0};
	char cmd[1024];

	cr_assert_eq(store_open(&s, db, STORE_READ_WRITE, &e), ESC_OK, "%s", e.msg);
	store_batch_begin(s);
	add_profile(s, S26 "chan_send.pb.gz", "p");
	add_build(s, S26 "chan_send.mm.txt", "b");
	cr_assert_eq(store_batch_commit(s, &e), ESC_OK, "%s", e.msg);
	store_close(s);
	snprintf(cmd, sizeof(cmd), "sqlite3 '%s' 'DROP TABLE %s'", db, table);
	cr_assert_eq(system(cmd), 0);
	return db;
}

Test(run, a_failed_store_query_reaches_the_caller_and_is_never_taken_for_not_found)
{
	struct store *s;
	struct err e = {0};
	struct classify_baseline b;
	struct classify_baseline_opts o = {.builds_too = 1};
	int64_t pid, aid;
	int ix;

	/* the builds' names: resolving a name that is no profile must fail, not say "neither" */
	cr_assert_eq(store_open(&s, store_without("nobuild", "build_name"), STORE_READ_WRITE, &e), ESC_OK, "%s", e.msg);
	cr_expect_eq(classify_baseline(NULL, s, "b", &o, &b, &e), ESC_EDB);
	cr_expect(!strstr(e.msg, "neither"), "%s", e.msg);
	store_close(s);
	/* the analyses' builds: running an analysis fails, nothing is selected */
	cr_assert_eq(store_open(&s, store_without("nofit", "analysis_build"), STORE_READ_WRITE, &e), ESC_OK,
		     "%s", e.msg);
	e = (struct err){0};
	aid = 0;
	cr_expect_eq(classify_select(NULL, s, "p", NULL, NULL, 0, NULL, &pid, &aid, &e), ESC_EDB);
	cr_expect_neq(e.msg[0], '\0');
	store_close(s);
	/* the sample types: the default cannot be chosen */
	cr_assert_eq(store_open(&s, store_without("notypes", "sample_type"), STORE_READ_WRITE, &e), ESC_OK,
		     "%s", e.msg);
	e = (struct err){0};
	cr_expect_eq(classify_sample_type(s, 1, NULL, &ix, &e), ESC_EDB);
	store_close(s);
}

Test(run, an_old_store_keeps_its_analyses_builds_in_their_order)
{
	const char *db = t_fresh("run-v3.db");
	struct store_analysis_build *rows;
	struct store *s;
	struct err e = {0};
	size_t nrows;
	int64_t aid;
	char cmd[2048];

	/* a version 3 store by hand: analysis 1 made before version 3 (no fits) with builds
	 * 3 then 1; analysis 2 given builds 2 and 3, of which it used 2 */
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && cat store/schema/001.sql store/schema/002.sql store/schema/003.sql | sqlite3 '%s'"
		 " && sqlite3 '%s' \"PRAGMA user_version = 3;"
		 " INSERT INTO profile VALUES (1, 'p', 's', 'h', 'pprof', 0, 0, 'space', 'bytes', 1, NULL,"
		 " 'now', 0, 0, 1, 2, 3);"
		 " INSERT INTO build VALUES (1, 'one', 's', 'h1', NULL, 'now'), (2, 'two', 's', 'h2', NULL, 'now'),"
		 " (3, 'three', 's', 'h3', 'go1.26', 'now');"
		 " INSERT INTO analysis VALUES (1, 1, '3,1', 'now'), (2, 1, '2', 'now');"
		 " INSERT INTO analysis_build VALUES (2, 2, 10, 9, 1), (2, 3, 10, 1, 0);\"",
		 t_src(), db, db);
	cr_assert_eq(system(cmd), 0);
	cr_assert_eq(store_open(&s, db, STORE_READ_WRITE, &e), ESC_OK, "%s", e.msg);
	/* the first write migrates */
	cr_assert_eq(store_add_analysis(s, 1, NULL, 0, NULL, 0, NULL, 0, NULL, 0, &aid, &e), ESC_OK, "%s", e.msg);
	cr_expect_eq(aid, 3);
	cr_assert_eq(store_analysis_builds(s, 1, &rows, &nrows, &e), ESC_OK, "%s", e.msg);
	cr_assert_eq(nrows, 2);
	cr_expect_eq(rows[0].build_id, 3);
	cr_expect_str_eq(rows[0].name, "three");
	cr_expect_str_eq(rows[0].go_version, "go1.26");
	cr_expect_eq(rows[1].build_id, 1);
	store_analysis_builds_free(rows, nrows);
	cr_assert_eq(store_analysis_builds(s, 2, &rows, &nrows, &e), ESC_OK, "%s", e.msg);
	cr_assert_eq(nrows, 1);
	cr_expect_eq(rows[0].build_id, 2);
	store_analysis_builds_free(rows, nrows);
	cr_assert_eq(store_analysis_builds(s, 3, &rows, &nrows, &e), ESC_OK, "%s", e.msg);
	cr_expect_eq(nrows, 0);
	store_analysis_builds_free(rows, nrows);
	store_close(s);
	snprintf(cmd, sizeof(cmd), "test \"$(sqlite3 '%s' 'PRAGMA user_version; SELECT count(*) FROM"
		 " analysis_build WHERE analysis_id = 2 AND lines = 10')\" = \"$(printf '8\\n2')\"", db);
	cr_expect_eq(system(cmd), 0, "the fits of analysis 2 are kept");
}
