/* test_pg.c — the store on PostgreSQL (--db postgres://…), against the suite's own
 * server (tests/with-postgres.sh; every test has a new database). The oracles: the
 * SQLite store loaded with the same files, compared view by view and row by row; pprof's
 * totals of each profile (.expect); and queries written here, run through libpq rather
 * than escprof. */
#include <criterion/criterion.h>
#include <glob.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "common/buf.h"
#include "store/store.h"
#include "tests/testutil.h"

#define S19 "sample-profiles/out/go1.19/"
#define S26 "sample-profiles/out/go1.26/"

/* the tables that hold a profile's rows, each with profile_id */
static const char *const profile_tables[] = {
	"profile_name", "profile_label", "sample_type", "str", "func", "location", "stack",
	"sample", "sample_value_x", "sample_label", "alloc_site",
};
#define NPROFILE_TABLES (sizeof(profile_tables) / sizeof(profile_tables[0]))

/* every sample program's profile of the repository and two real-code ones (paths from
 * its top); the SQLite store's frames view expands every stack of every profile, which the
 * real-code profiles all together make a minute's work */
static glob_t sample_files(void)
{
	glob_t g;
	size_t skip = strlen(t_src()) + 1;
	size_t i;

	cr_assert_eq(glob(t_path("sample-profiles/out/go1.*/*.pb.gz"), 0, NULL, &g), 0);
	cr_assert_eq(glob(t_path("sample-profiles/real/std-tar/go1.19/heap.pb.gz"), GLOB_APPEND, NULL, &g), 0);
	cr_assert_eq(glob(t_path("sample-profiles/real/gorilla-mux/go1.26/heap.pb.gz"), GLOB_APPEND, NULL, &g), 0);
	for (i = 0; i < g.gl_pathc; i++)
		memmove(g.gl_pathv[i], g.gl_pathv[i] + skip, strlen(g.gl_pathv[i] + skip) + 1);
	cr_assert_gt(g.gl_pathc, 30);
	return g;
}

/* "a b c" of files [from, to) */
static void join_files(struct buf *b, const glob_t *g, size_t from, size_t to)
{
	size_t i;

	buf_reset(b);
	for (i = from; i < to; i++)
		buf_printf(b, " '%s'", g->gl_pathv[i]);
}

static void load_ok(const char *db, const char *args)
{
	struct buf err;

	cr_assert_eq(t_run(NULL, &err, "load -q --db '%s' %s", db, args), 0, "load %s: %s", args, err.data);
	buf_release(&err);
}

/* escprof sql's TSV of sql on db */
static void sql_tsv(struct buf *out, const char *db, const char *sql)
{
	struct buf err;

	cr_assert_eq(t_run(out, &err, "sql --db '%s' --format tsv \"%s\"", db, sql), 0, "%s on %s: %s", sql,
		     db, err.data);
	buf_release(&err);
}

static long long rows_of(const char *url, int64_t profile_id)
{
	char sql[256];
	long long n = 0;
	size_t i;

	for (i = 0; i < NPROFILE_TABLES; i++) {
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s WHERE profile_id = %lld", profile_tables[i],
			 (long long)profile_id);
		n += t_pg_int(url, sql);
	}
	return n;
}

static long long all_rows(const char *url)
{
	char sql[128];
	long long n = t_pg_int(url, "SELECT count(*) FROM profile");
	size_t i;

	for (i = 0; i < NPROFILE_TABLES; i++) {
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", profile_tables[i]);
		n += t_pg_int(url, sql);
	}
	return n;
}

/* Every public view that a load fills, in an order that is total on both engines
 * (NULLs ordered by hand: SQLite puts them first, PostgreSQL last). Left out: the stored
 * time of the load (the two loads ran at different seconds) and the stack ids, which name
 * a stack within one store only (an SQLite store shares its stacks' nodes among its
 * profiles, so two SQLite stores loaded in another order number them differently too):
 * frames are compared through the samples that have them. An expression is named by its
 * alias: each engine names an unnamed one its own way. */
static const char *const view_queries[] = {
	"SELECT profile_id, name, source, sha256, format, time_nanos, duration_nanos, period_type,"
	" period_unit, period, default_sample_type FROM profiles ORDER BY profile_id",
	"SELECT * FROM profile_labels ORDER BY profile_id, key, value",
	"SELECT * FROM profile_names ORDER BY profile_id, name",
	"SELECT * FROM sample_types ORDER BY profile_id, idx",
	"SELECT * FROM sample_values ORDER BY profile_id, sample_id, type",
	"SELECT profile_id, sample_id, alloc_objects, alloc_space, inuse_objects, inuse_space,"
	" object_size FROM heap_samples ORDER BY profile_id, sample_id",
	"SELECT profile_id, count(DISTINCT stack_id) AS stacks FROM heap_samples GROUP BY profile_id"
	" ORDER BY profile_id",
	"SELECT * FROM sample_labels ORDER BY profile_id, sample_id, key, coalesce(str, ''),"
	" coalesce(num, -1), coalesce(unit, '')",
	"SELECT s.profile_id, s.sample_id, f.depth, f.function, f.file, f.line, f.\\\"column\\\","
	" f.inlined FROM heap_samples s JOIN frames f USING (profile_id, stack_id)"
	" ORDER BY 1, 2, 3",
	"SELECT profile_id, sum(alloc_space) AS a, sum(inuse_objects) AS b, count(*) AS n FROM heap_samples"
	" GROUP BY profile_id ORDER BY profile_id",
	"SELECT * FROM builds ORDER BY build_id",
	"SELECT * FROM alloc_sites ORDER BY profile_id, site_id",
	"SELECT * FROM causes",
};

Test(pg, every_view_equals_the_sqlite_stores_row_for_row)
{
	const char *url, *db = t_fresh("pgviews.db");
	glob_t g = sample_files();
	struct buf files, a, b, args;
	size_t i, half = g.gl_pathc / 2;

	T_PG_OR_SKIP(url);
	buf_init(&files);
	buf_init(&a);
	buf_init(&b);
	buf_init(&args);
	/* two loads, two services; then the first half again, as a no-op with a new name */
	join_files(&files, &g, 0, half);
	buf_printf(&args, "--label service=api --label region=eu %s", files.data);
	load_ok(db, args.data);
	load_ok(url, args.data);
	join_files(&files, &g, half, g.gl_pathc);
	buf_reset(&args);
	buf_printf(&args, "--label service=web %s", files.data);
	load_ok(db, args.data);
	load_ok(url, args.data);
	load_ok(db, "--name again " S19 "iface_fmt.pb.gz");
	load_ok(url, "--name again " S19 "iface_fmt.pb.gz");
	for (i = 0; i < sizeof(view_queries) / sizeof(view_queries[0]); i++) {
		sql_tsv(&a, db, view_queries[i]);
		sql_tsv(&b, url, view_queries[i]);
		cr_assert_str_eq(b.data, a.data, "PostgreSQL and SQLite differ on %s", view_queries[i]);
	}
	sql_tsv(&b, url, "SELECT count(*) FROM frames");
	cr_assert_gt(atoll(strchr(b.data, '\n') + 1), 1000, "%s", b.data);
	/* each profile's totals are pprof's (read through libpq, not escprof) */
	for (i = 0; i < g.gl_pathc; i++) {
		char expect[1024], sql[1024];
		size_t n = strlen(g.gl_pathv[i]) - strlen(".pb.gz");
		long long want;

		snprintf(expect, sizeof(expect), "%.*s.expect", (int)n, g.gl_pathv[i]);
		want = t_expect(t_path("%s", expect), "alloc_space");
		if (want < 0)
			continue;
		snprintf(sql, sizeof(sql), "SELECT coalesce(sum(h.alloc_space), 0) FROM heap_samples h"
			 " JOIN profiles p USING (profile_id) WHERE p.source = '%s'", g.gl_pathv[i]);
		cr_assert_eq(t_pg_int(url, sql), want, "%s: alloc_space", g.gl_pathv[i]);
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM profiles WHERE source = '%s'", g.gl_pathv[i]);
		cr_assert_eq(t_pg_int(url, sql), 1, "%s: stored once", g.gl_pathv[i]);
	}
	cr_assert_eq(t_pg_int(url, "SELECT count(*) FROM profile"), (long long)g.gl_pathc);
	cr_assert_eq(t_pg_int(url, "SELECT max(version) FROM escprof_schema"), 2);
	buf_release(&files);
	buf_release(&a);
	buf_release(&b);
	buf_release(&args);
	globfree(&g);
}

Test(pg, reloading_the_same_bytes_adds_nothing_but_a_name)
{
	const char *url;
	struct buf out, err;
	long long before;

	T_PG_OR_SKIP(url);
	load_ok(url, S26 "map_insert.pb.gz " S26 "chan_send.pb.gz");
	before = all_rows(url);
	cr_assert_eq(t_run(&out, &err, "load --db '%s' --name cache " S26 "map_insert.pb.gz", url), 0, "%s",
		     err.data);
	cr_assert(strstr(out.data, "already loaded as profile 1"), "%s", out.data);
	cr_assert_eq(all_rows(url), before + 1, "only the name is new");
	cr_assert_eq(t_pg_int(url, "SELECT profile_id FROM profile_name WHERE name = 'cache'"), 1);
	/* the name given last means its profile: rm finds it */
	cr_assert_eq(t_run(&out, &err, "rm --db '%s' cache", url), 0, "%s", err.data);
	cr_assert_eq(t_pg_int(url, "SELECT count(*) FROM profile WHERE id = 1"), 0);
	buf_release(&out);
	buf_release(&err);
}

Test(pg, a_failed_load_leaves_the_database_as_it_was)
{
	const char *url, *bad = t_fresh("cut.pb.gz");
	struct buf in, err;
	long long before;

	T_PG_OR_SKIP(url);
	t_read(&in, t_path(S26 "iface_fmt.pb.gz"));
	t_write(bad, in.data, in.len / 2);
	load_ok(url, S26 "chan_send.pb.gz");
	before = all_rows(url);
	/* one transaction for the command: the good files before the bad one go too */
	cr_assert_eq(t_run(NULL, &err, "load --db '%s' " S26 "map_insert.pb.gz " S26 "too_large.pb.gz '%s'",
			   url, bad), 3);
	cr_assert(strstr(err.data, "cut.pb.gz"), "%s", err.data);
	cr_assert_eq(strchr(err.data, '\n'), err.data + err.len - 1, "one line: %s", err.data);
	cr_assert_eq(all_rows(url), before);
	cr_assert_eq(t_pg_int(url, "SELECT count(*) FROM profile"), 1);
	/* and the next load of the good ones succeeds */
	load_ok(url, S26 "map_insert.pb.gz " S26 "too_large.pb.gz");
	cr_assert_eq(t_pg_int(url, "SELECT count(*) FROM profile"), 3);
	buf_release(&in);
	buf_release(&err);
}

/* a file of this test's temporary directory, kept (t_fresh removes what it names) */
static const char *tmp_file(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s.%d", t_tmpdir(), name, (int)getpid());
	return out;
}

static pid_t spawn(const char *const *argv, const char *err_path)
{
	pid_t pid = fork();

	cr_assert_neq(pid, -1);
	if (!pid) {
		FILE *f = freopen(err_path, "w", stderr);

		(void)f;
		if (!freopen("/dev/null", "w", stdout) || chdir(t_src()))
			_exit(127);
		execv(getenv("ESCPROF"), (char *const *)argv);
		_exit(127);
	}
	return pid;
}

Test(pg, sixteen_loaders_at_once_store_each_profile_exactly_once, .timeout = 300)
{
	/* eight loaders of one profile, and eight of four others, two each */
	static const char *const files[16] = {
		S19 "iface_fmt.pb.gz", S19 "iface_fmt.pb.gz", S19 "iface_fmt.pb.gz", S19 "iface_fmt.pb.gz",
		S19 "iface_fmt.pb.gz", S19 "iface_fmt.pb.gz", S19 "iface_fmt.pb.gz", S19 "iface_fmt.pb.gz",
		S19 "map_insert.pb.gz", S19 "chan_send.pb.gz", S19 "realistic_json.pb.gz",
		"sample-profiles/real/std-tar/go1.19/heap.pb.gz",
		S19 "map_insert.pb.gz", S19 "chan_send.pb.gz", S19 "realistic_json.pb.gz",
		"sample-profiles/real/std-tar/go1.19/heap.pb.gz",
	};
	const char *url;
	pid_t pids[16];
	size_t i;

	T_PG_OR_SKIP(url);
	for (i = 0; i < 16; i++) {
		const char *argv[] = {"escprof", "load", "-q", "--db", url, files[i], NULL};

		char path[512], name[32];

		snprintf(name, sizeof(name), "loader%zu.err", i);
		pids[i] = spawn(argv, tmp_file(path, sizeof(path), name));
	}
	for (i = 0; i < 16; i++) {
		int st;
		struct buf err;
		char path[512], name[32];

		snprintf(name, sizeof(name), "loader%zu.err", i);
		cr_assert_eq(waitpid(pids[i], &st, 0), pids[i]);
		t_read(&err, tmp_file(path, sizeof(path), name));
		cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "loader %zu (%s): %s", i, files[i], err.data);
		buf_release(&err);
	}
	cr_assert_eq(t_pg_int(url, "SELECT count(*) FROM profile"), 5);
	cr_assert_eq(t_pg_int(url, "SELECT count(DISTINCT sha256) FROM profile"), 5);
	for (i = 8; i < 12; i++) {
		char expect[512], sql[512];
		size_t n = strlen(files[i]) - strlen(".pb.gz");

		snprintf(expect, sizeof(expect), "%.*s.expect", (int)n, files[i]);
		snprintf(sql, sizeof(sql), "SELECT sum(h.alloc_space) FROM heap_samples h JOIN profile p"
			 " ON p.id = h.profile_id WHERE p.source = '%s'", files[i]);
		cr_assert_eq(t_pg_int(url, sql), t_expect(t_path("%s", expect), "alloc_space"), "%s", files[i]);
		snprintf(sql, sizeof(sql), "SELECT sum(h.inuse_objects) FROM heap_samples h JOIN profile p"
			 " ON p.id = h.profile_id WHERE p.source = '%s'", files[i]);
		cr_assert_eq(t_pg_int(url, sql), t_expect(t_path("%s", expect), "inuse_objects"), "%s", files[i]);
	}
	cr_assert_eq(t_pg_int(url, "SELECT sum(h.alloc_space) FROM heap_samples h JOIN profile p"
			      " ON p.id = h.profile_id WHERE p.source = '" S19 "iface_fmt.pb.gz'"),
		     t_expect(t_path(S19 "iface_fmt.expect"), "alloc_space"));
}

Test(pg, a_backend_killed_mid_load_fails_the_load_and_leaves_nothing, .timeout = 300)
{
	const char *url, *big = t_fresh("big.pb.gz"), *gen = getenv("ESCPROF_GEN");
	const char *argv[] = {"escprof", "load", "-q", "--db", NULL, big, NULL};
	char cmd[1024], errf[512];
	struct buf err;
	PGconn *c;
	pid_t pid;
	int st, killed = 0, tries;

	T_PG_OR_SKIP(url);
	cr_assert_not_null(gen, "ESCPROF_GEN is not set: run the suite through `make check`");
	snprintf(cmd, sizeof(cmd), "'%s' 200000 '%s' 7", gen, big);
	cr_assert_eq(system(cmd), 0);
	argv[4] = url;
	/* the schema first, so that the load below spends its time on the profile */
	load_ok(url, S26 "chan_send.pb.gz");
	c = PQconnectdb(url);
	cr_assert_eq(PQstatus(c), CONNECTION_OK);
	pid = spawn(argv, tmp_file(errf, sizeof(errf), "killed.err"));
	/* the loader's backend, once it streams rows; terminated there */
	for (tries = 0; tries < 60000 && !killed; tries++) {
		PGresult *r = PQexec(c, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
				     " WHERE application_name = 'escprof' AND query LIKE 'COPY %'"
				     "   AND datname = current_database()");

		cr_assert_eq(PQresultStatus(r), PGRES_TUPLES_OK, "%s", PQerrorMessage(c));
		killed = PQntuples(r) > 0 && !strcmp(PQgetvalue(r, 0, 0), "t");
		PQclear(r);
		if (!killed) {
			cr_assert_eq(waitpid(pid, &st, WNOHANG), 0, "the load ended before it could be stopped");
			usleep(1000);
		}
	}
	cr_assert(killed, "no COPY seen");
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	t_read(&err, errf);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 3, "exit %d: %s", WEXITSTATUS(st), err.data);
	cr_assert(strstr(err.data, "database 'postgres://escprof@"), "%s", err.data);
	cr_assert_eq(strchr(err.data, '\n'), err.data + err.len - 1, "one line: %s", err.data);
	PQfinish(c);
	cr_assert_eq(t_pg_int(url, "SELECT count(*) FROM profile"), 1);
	cr_assert_eq(rows_of(url, 2), 0, "nothing of the killed load");
	cr_assert_eq(t_pg_int(url, "SELECT sum(alloc_space) FROM heap_samples"),
		     t_expect(t_path(S26 "chan_send.expect"), "alloc_space"));
	/* the next load succeeds */
	load_ok(url, big);
	cr_assert_eq(t_pg_int(url, "SELECT count(*) FROM profile"), 2);
	cr_assert_eq(t_pg_int(url, "SELECT count(*) FROM sample WHERE profile_id <> 1"), 200000);
	buf_release(&err);
}

Test(pg, sql_only_reads_without_write)
{
	static const char *const writes[] = {
		"DELETE FROM profile",
		"WITH x AS (DELETE FROM profile RETURNING id) SELECT * FROM x",
		"SELECT nextval('profile_id_seq')",
		"COPY profile TO STDOUT",
		"CREATE TABLE t (x int)",
		"/* a comment */ UPDATE profile SET name = 'x'",
	};
	const char *url, *db = t_fresh("pgsql.db");
	struct buf out, err, a;
	size_t i;

	T_PG_OR_SKIP(url);
	load_ok(url, S26 "iface_fmt.pb.gz");
	load_ok(db, S26 "iface_fmt.pb.gz");
	for (i = 0; i < sizeof(writes) / sizeof(writes[0]); i++) {
		cr_assert_eq(t_run(&out, &err, "sql --db '%s' \"%s\"", url, writes[i]), 2, "%s: %s", writes[i],
			     err.data);
		cr_assert(strstr(err.data, "only reading statements"), "%s: %s", writes[i], err.data);
	}
	cr_assert_eq(t_pg_int(url, "SELECT count(*) FROM profile WHERE name = 'iface_fmt.pb.gz'"), 1);
	cr_assert_eq(t_pg_int(url, "SELECT count(*) FROM pg_tables WHERE tablename = 't'"), 0);
	cr_assert_eq(t_run(&out, &err, "sql --db '%s' \"SELECT 1; SELECT 2\"", url), 2);
	cr_assert(strstr(err.data, "one statement at a time"), "%s", err.data);
	cr_assert_eq(t_run(&out, &err, "sql --db '%s' \"SELECT * FROM no_such_view\"", url), 2);
	cr_assert(strstr(err.data, "no_such_view"), "%s", err.data);
	/* --write writes, in its own transaction */
	cr_assert_eq(t_run(&out, &err, "sql --write --db '%s' \"UPDATE profile SET name = 'x'\"", url), 0,
		     "%s", err.data);
	cr_assert_eq(t_pg_int(url, "SELECT count(*) FROM profile WHERE name = 'x'"), 1);
	/* values read as SQLite's do: integers (a numeric sum too), reals, text, NULL */
	buf_init(&a);
	cr_assert_eq(t_run(&a, &err, "sql --db '%s' --format json \"SELECT 7 AS i, 2.5 AS r, 'it''s' AS t,"
			   " NULL AS n, (SELECT sum(alloc_space) FROM heap_samples) AS s\"", db), 0, "%s", err.data);
	cr_assert_eq(t_run(&out, &err, "sql --db '%s' --format json \"SELECT 7 AS i, 2.5::float8 AS r,"
			   " 'it''s' AS t, NULL AS n, (SELECT sum(alloc_space) FROM heap_samples) AS s\"", url), 0,
		     "%s", err.data);
	cr_assert_str_eq(out.data, a.data);
	buf_release(&a);
	buf_release(&out);
	buf_release(&err);
}

Test(pg, a_newer_schema_is_refused)
{
	const char *url;
	struct buf err;

	T_PG_OR_SKIP(url);
	load_ok(url, S26 "chan_send.pb.gz");
	t_pg_exec(url, "UPDATE escprof_schema SET version = 99");
	cr_assert_eq(t_run(NULL, &err, "load --db '%s' " S26 "map_insert.pb.gz", url), 3);
	cr_assert(strstr(err.data, "schema version 99, newer than this escprof's 2"), "%s", err.data);
	cr_assert_eq(t_run(NULL, &err, "sql --db '%s' \"SELECT 1\"", url), 3);
	cr_assert_eq(t_pg_int(url, "SELECT count(*) FROM profile"), 1);
	buf_release(&err);
}

Test(pg, a_password_is_never_printed)
{
	const char *url, *at, *colon;
	char wrong[768], keywords[768], bare[768], host[128], port[16], name[64];
	struct buf out, err;

	T_PG_OR_SKIP(url);
	/* postgres://escprof:PASSWORD@HOST:PORT/NAME */
	at = strchr(url, '@');
	colon = strchr(at, ':');
	snprintf(host, sizeof(host), "%.*s", (int)(colon - at - 1), at + 1);
	snprintf(port, sizeof(port), "%.*s", (int)strcspn(colon + 1, "/"), colon + 1);
	snprintf(name, sizeof(name), "%s", strrchr(url, '/') + 1);
	snprintf(wrong, sizeof(wrong), "postgres://escprof:Sekr1t-wrong@%s", at + 1);
	cr_assert_eq(t_run(NULL, &err, "sql --db '%s' \"SELECT 1\"", wrong), 3);
	cr_assert(strstr(err.data, "cannot connect to database 'postgres://escprof@"), "%s", err.data);
	cr_assert_null(strstr(err.data, "Sekr1t"), "%s", err.data);
	snprintf(keywords, sizeof(keywords), "host=%s port=%s user=escprof password=Sekr1t-wrong dbname=%s", host,
		 port, name);
	cr_assert_eq(t_run(NULL, &err, "load --db '%s' " S26 "chan_send.pb.gz", keywords), 3);
	cr_assert_null(strstr(err.data, "Sekr1t"), "%s", err.data);
	cr_assert(strstr(err.data, "password authentication failed"), "%s", err.data);
	/* libpq's own sources of the password: $PGPASSWORD here, and the database from
	 * $ESCPROF_DB */
	snprintf(bare, sizeof(bare), "postgres://escprof@%s", at + 1);
	setenv("PGPASSWORD", "escprof-test", 1);
	setenv("ESCPROF_DB", bare, 1);
	cr_assert_eq(t_run(&out, &err, "load " S26 "chan_send.pb.gz"), 0, "%s", err.data);
	cr_assert_eq(t_pg_int(url, "SELECT count(*) FROM profile"), 1);
	unsetenv("ESCPROF_DB");
	unsetenv("PGPASSWORD");
	buf_release(&out);
	buf_release(&err);
}

/* a build's rows: its diagnostics and their steps */
static long long build_rows(const char *url, int64_t build_id)
{
	char sql[160];

	snprintf(sql, sizeof(sql), "SELECT (SELECT count(*) FROM diagnostic WHERE build_id = %lld) +"
		 " (SELECT count(*) FROM flow_step WHERE build_id = %lld)", (long long)build_id, (long long)build_id);
	return t_pg_int(url, sql);
}

Test(pg, rm_and_prune_take_every_row_of_a_profile_and_nothing_else)
{
	static const char *const progs[] = {"chan_send", "iface_fmt", "map_insert"};
	const char *url;
	struct buf out, err;
	long long rows2, rows3, build2;

	T_PG_OR_SKIP(url);
	load_ok(url, "--name a " S26 "chan_send.pb.gz");
	load_ok(url, "--name b --label service=api " S26 "iface_fmt.pb.gz");
	load_ok(url, "--name c " S26 "map_insert.pb.gz");
	/* each analysed with its log: sites, diagnostics and steps to remove too */
	for (size_t i = 0; i < 3; i++) {
		cr_assert_eq(t_run(&out, &err, "escapes -q --db '%s' " S26 "%s.mm.txt", url, progs[i]), 0, "%s",
			     err.data);
		cr_assert_eq(t_run(&out, &err, "top -q --db '%s' --profile %c --build %s.mm.txt -n 1", url, 'a' + (int)i,
				   progs[i]), 0, "%s", err.data);
	}
	cr_assert_gt(t_pg_int(url, "SELECT count(*) FROM alloc_site WHERE profile_id = 1"), 0);
	rows2 = rows_of(url, 2);
	rows3 = rows_of(url, 3);
	build2 = build_rows(url, 2);
	cr_assert_gt(rows_of(url, 1), 100);
	cr_assert_gt(build_rows(url, 1), 100);
	/* a build: its diagnostics and steps, none of another's */
	cr_assert_eq(t_run(&out, &err, "rm --db '%s' chan_send.mm.txt", url), 0, "%s", err.data);
	cr_assert_eq(build_rows(url, 1), 0);
	cr_assert_eq(build_rows(url, 2), build2);
	cr_assert_eq(t_pg_int(url, "SELECT count(*) FROM build"), 2);
	/* the analysis made with it, and that analysis's sites */
	cr_assert_eq(t_pg_int(url, "SELECT count(*) FROM analysis WHERE profile_id = 1"), 0);
	cr_assert_eq(t_pg_int(url, "SELECT count(*) FROM alloc_site WHERE profile_id = 1"), 0);
	cr_assert_gt(t_pg_int(url, "SELECT count(*) FROM alloc_site WHERE profile_id = 2"), 0);
	rows2 = rows_of(url, 2);
	cr_assert_eq(t_run(&out, &err, "rm --db '%s' a", url), 0, "%s", err.data);
	cr_assert_eq(rows_of(url, 1), 0);
	cr_assert_eq(rows_of(url, 2), rows2);
	cr_assert_eq(rows_of(url, 3), rows3);
	cr_assert_eq(t_run(&out, &err, "rm --db '%s' a", url), 3);
	cr_assert(strstr(err.data, "no profile or build 'a' in 'postgres://escprof@"), "%s", err.data);
	cr_assert_null(strstr(err.data, "escprof-test"), "%s", err.data);
	/* the newest kept */
	cr_assert_eq(t_run(&out, &err, "prune --db '%s' --keep-last 1", url), 0, "%s", err.data);
	cr_assert_eq(rows_of(url, 2), 0);
	cr_assert_eq(rows_of(url, 3), rows3);
	cr_assert_eq(t_pg_int(url, "SELECT count(*) FROM profile"), 1);
	buf_release(&out);
	buf_release(&err);
}

static int no_rows(void *ctx, size_t ncols, const char *const *names, const struct store_value *vals)
{
	(void)ctx;
	(void)ncols;
	(void)names;
	(void)vals;
	return 0;
}

/* Through store.h: in a batch (one transaction for a command), a write that fails is
 * undone alone, and the batch's other writes are committed. */
Test(pg, a_failed_write_in_a_batch_is_undone_alone)
{
	const char *url;
	struct store *s;
	struct err e = {0};

	T_PG_OR_SKIP(url);
	cr_assert_eq(store_open(&s, url, STORE_READ_WRITE, &e), ESC_OK, "%s", e.msg);
	store_batch_begin(s);
	cr_assert_eq(store_query_write(s, "INSERT INTO cause VALUES ('before', 't', 'h', 98)", no_rows, NULL, &e),
		     0, "%s", e.msg);
	cr_assert_neq(store_query_write(s, "INSERT INTO no_such_table VALUES (1)", no_rows, NULL, &e), 0);
	err_clear(&e);
	cr_assert_eq(store_query_write(s, "INSERT INTO cause VALUES ('after', 't', 'h', 99)", no_rows, NULL, &e),
		     0, "%s", e.msg);
	cr_assert_eq(store_batch_commit(s, &e), ESC_OK, "%s", e.msg);
	store_close(s);
	cr_assert_eq(t_pg_int(url, "SELECT count(*) FROM cause WHERE cause IN ('before', 'after')"), 2);
	/* and a batch never committed leaves nothing */
	cr_assert_eq(store_open(&s, url, STORE_READ_WRITE, &e), ESC_OK, "%s", e.msg);
	store_batch_begin(s);
	cr_assert_eq(store_query_write(s, "DELETE FROM cause", no_rows, NULL, &e), 0, "%s", e.msg);
	store_close(s);
	cr_assert_eq(t_pg_int(url, "SELECT count(*) FROM cause WHERE cause IN ('before', 'after')"), 2);
}

/* A database made by the first version of the schema (001.sql alone, run here by libpq)
 * is brought to the current one by the next escprof that opens it: its data kept, the
 * bulk tables without their foreign keys (002.sql), and the loads and removals after it
 * whole. */
Test(pg, a_version_1_database_is_migrated_and_keeps_its_profiles)
{
	const char *url;
	struct buf v1, out, err;

	T_PG_OR_SKIP(url);
	t_read(&v1, t_path("store/pgschema/001.sql"));
	t_pg_exec(url, v1.data);
	buf_release(&v1);
	cr_assert_eq(t_pg_int(url, "SELECT version FROM escprof_schema"), 1);
	cr_assert_gt(t_pg_int(url, "SELECT count(*) FROM pg_constraint WHERE contype = 'f'"
			      " AND conrelid = 'str'::regclass"), 0);
	load_ok(url, "--name a " S26 "chan_send.pb.gz");
	cr_assert_eq(t_pg_int(url, "SELECT version FROM escprof_schema"), 2);
	cr_assert_eq(t_pg_int(url, "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conrelid IN"
			      " ('str'::regclass, 'func'::regclass, 'location'::regclass, 'stack'::regclass,"
			      " 'sample'::regclass, 'sample_value_x'::regclass, 'sample_label'::regclass,"
			      " 'alloc_site'::regclass, 'diagnostic'::regclass, 'flow_step'::regclass)"), 0);
	/* the small tables keep theirs */
	cr_assert_gt(t_pg_int(url, "SELECT count(*) FROM pg_constraint WHERE contype = 'f'"
			      " AND conrelid = 'profile_name'::regclass"), 0);
	load_ok(url, "--name b " S26 "iface_fmt.pb.gz");
	cr_assert_eq(t_pg_int(url, "SELECT count(*) FROM profile"), 2);
	cr_assert_eq(t_pg_int(url, "SELECT sum(alloc_space) FROM heap_samples WHERE profile_id = 1"),
		     t_expect(t_path(S26 "chan_send.expect"), "alloc_space"));
	cr_assert_eq(t_run(&out, &err, "rm --db '%s' a", url), 0, "%s", err.data);
	cr_assert_eq(rows_of(url, 1), 0);
	cr_assert_gt(rows_of(url, 2), 100);
	buf_release(&out);
	buf_release(&err);
}
