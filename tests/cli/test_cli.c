/* test_cli.c — the escprof binary end to end: the info JSON contract, load + the public
 * views read back with SQL against pprof's own figures, deduplication, read-only sql,
 * output quoting, exit codes, and the database left byte-for-byte alone by bad input. */
#include <criterion/criterion.h>
#include <glob.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/testutil.h"

#define SAMPLE "sample-profiles/out/go1.19/pointer_returned"

static const char *db_path(const char *name)
{
	return t_fresh("%s.db", name);
}

/* runs a query and returns its single value as text (static buffer) */
static const char *q1(const char *db, const char *sql)
{
	static char v[4096];
	struct buf out, err;
	int rc = t_run(&out, &err, "sql --db '%s' --format tsv \"%s\"", db, sql);
	char *nl;

	cr_assert_eq(rc, 0, "sql failed: %s", err.data);
	nl = strchr(out.data, '\n');
	cr_assert_not_null(nl);
	snprintf(v, sizeof(v), "%s", nl + 1);
	v[strcspn(v, "\n")] = '\0';
	buf_release(&out);
	buf_release(&err);
	return v;
}

Test(cli, info_json_is_the_documented_contract)
{
	struct buf out;
	json_error_t je;
	json_t *j, *types;
	const char *expect = t_path(SAMPLE ".expect");
	static const char *const keys[] = {"file", "format", "sample_types", "samples", "locations",
					   "functions", "mappings", "period_type", "period", "time_nanos",
					   "duration_nanos", "default_sample_type", "max_inline_depth"};
	size_t i;

	cr_assert_eq(t_run(&out, NULL, "info --format json " SAMPLE ".pb.gz"), 0);
	j = json_loads(out.data, 0, &je);
	cr_assert_not_null(j, "not JSON: %s", je.text);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		cr_expect_not_null(json_object_get(j, keys[i]), "missing %s", keys[i]);
	cr_expect_eq(json_object_size(j), sizeof(keys) / sizeof(keys[0]));
	cr_expect_str_eq(json_string_value(json_object_get(j, "format")), "pprof-gzip");
	cr_expect_str_eq(json_string_value(json_object_get(j, "default_sample_type")), "alloc_space");
	cr_expect_eq(json_integer_value(json_object_get(j, "period")), 1);
	types = json_object_get(j, "sample_types");
	cr_assert_eq(json_array_size(types), 4);
	for (i = 0; i < 4; i++) {
		json_t *t = json_array_get(types, i);
		const char *name = json_string_value(json_object_get(t, "type"));

		cr_expect_eq(json_integer_value(json_object_get(t, "total")), t_expect(expect, name),
			     "%s total", name);
	}
	cr_expect_str_eq(json_string_value(json_object_get(json_object_get(j, "period_type"), "type")),
			 "space");
	json_decref(j);
	buf_release(&out);
}

Test(cli, info_on_a_missing_or_bad_file_is_exit_3_with_one_line)
{
	struct buf out, err;
	char bad[512];

	cr_expect_eq(t_run(&out, &err, "info /nonexistent/heap.pb.gz"), 3);
	cr_expect(strstr(err.data, "/nonexistent/heap.pb.gz"), "%s", err.data);
	cr_expect_eq(strchr(err.data, '\n'), err.data + err.len - 1, "one line: %s", err.data);
	snprintf(bad, sizeof(bad), "%s/garbage.pb.gz", t_tmpdir());
	t_write(bad, "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03garbage", 18);
	cr_expect_eq(t_run(&out, &err, "info '%s'", bad), 3);
	cr_expect(strstr(err.data, "garbage.pb.gz") && strstr(err.data, "byte"), "%s", err.data);
	cr_expect_eq(t_run(&out, &err, "info"), 2);
	cr_expect_eq(t_run(&out, &err, "info --format xml " SAMPLE ".pb.gz"), 2);
	cr_expect_eq(t_run(&out, &err, "nosuchcommand"), 2);
	cr_expect_eq(t_run(&out, &err, "info --help"), 0);
	cr_expect(strstr(out.data, "usage: escprof info"));
}

Test(cli, loaded_profiles_read_back_through_the_views_match_pprof)
{
	const char *db = db_path("views");
	struct buf out, err;
	glob_t g;
	char pat[4096];
	size_t i;

	snprintf(pat, sizeof(pat), "%s/sample-profiles/out/go1.2*/*.pb.gz", t_src());
	cr_assert_eq(glob(pat, 0, NULL, &g), 0);
	for (i = 0; i < g.gl_pathc; i++) {
		char expect[4096], sql[1024];
		const char *path = g.gl_pathv[i];
		static const char *const keys[] = {"alloc_objects", "alloc_space", "inuse_objects",
						   "inuse_space"};
		int k;

		cr_assert_eq(t_run(&out, &err, "load -q --db '%s' --label run=%zu '%s'", db, i, path), 0,
			     "%s", err.data);
		snprintf(expect, sizeof(expect), "%.*s.expect", (int)(strlen(path) - 6), path);
		for (k = 0; k < 4; k++) {
			snprintf(sql, sizeof(sql),
				 "SELECT sum(h.%s) FROM heap_samples h JOIN profiles p USING (profile_id)"
				 " WHERE p.source = '%s'", keys[k], path);
			cr_expect_eq(atoll(q1(db, sql)), t_expect(expect, keys[k]), "%s %s", path, keys[k]);
			snprintf(sql, sizeof(sql),
				 "SELECT sum(v.value) FROM sample_values v JOIN profiles p USING (profile_id)"
				 " WHERE p.source = '%s' AND v.type = '%s'", path, keys[k]);
			cr_expect_eq(atoll(q1(db, sql)), t_expect(expect, keys[k]), "%s %s", path, keys[k]);
		}
	}
	cr_expect_eq(atoll(q1(db, "SELECT count(*) FROM profiles")), (long long)g.gl_pathc);
	cr_expect_eq(atoll(q1(db, "SELECT count(DISTINCT profile_id) FROM profile_labels WHERE key = 'run'")),
		     (long long)g.gl_pathc);
	cr_expect_eq(atoll(q1(db, "SELECT count(*) FROM sample_types")), 4 * (long long)g.gl_pathc);
	/* Go puts the bytes label on every heap sample that allocated */
	cr_expect_eq(atoll(q1(db, "SELECT count(*) FROM heap_samples WHERE object_size IS NULL"
				  " AND alloc_objects > 0")), 0);
	cr_expect_eq(atoll(q1(db, "SELECT count(*) FROM heap_samples WHERE object_size IS NOT NULL")),
		     atoll(q1(db, "SELECT count(*) FROM sample_labels WHERE key = 'bytes'")));
	cr_expect_eq(atoll(q1(db, "SELECT count(*) FROM heap_samples WHERE alloc_space > 0"
				  " AND alloc_space != alloc_objects * object_size")), 0);
	/* frames: depth 0 is the leaf and depths are contiguous */
	cr_expect_eq(atoll(q1(db, "SELECT count(*) FROM (SELECT profile_id, stack_id, max(depth) AS m,"
				  " count(*) AS n FROM frames GROUP BY 1, 2) WHERE m + 1 != n")), 0);
	cr_expect_gt(atoll(q1(db, "SELECT count(*) FROM frames WHERE inlined = 1")), 0);
	globfree(&g);
	buf_release(&out);
	buf_release(&err);
}

/* The first frames of a sample's stack in the view, as pprof -raw prints that stack */
Test(cli, frames_expand_inlined_lines_innermost_first_as_pprof_does)
{
	const char *db = db_path("inline");
	struct buf raw;
	const char *p = "sample-profiles/out/go1.26/pointer_returned";
	char *line, *save = NULL;
	int in_locs = 0, checked = 0;

	cr_assert_eq(t_run(NULL, NULL, "load -q --db '%s' %s.pb.gz", db, p), 0);
	t_read(&raw, t_path("%s.raw.txt", p));
	/* every inlined location in -raw: a header line then indented further lines */
	for (line = strtok_r(raw.data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char fn1[512], fn2[512], sql[2048];
		char *next;

		if (!strncmp(line, "Locations", 9)) {
			in_locs = 1;
			continue;
		}
		if (!in_locs || !strstr(line, ": 0x"))
			continue;
		next = save;	/* peek at the following line */
		if (!next || next[0] != ' ')
			continue;
		{
			char peek[4096];

			snprintf(peek, sizeof(peek), "%.*s", (int)strcspn(next, "\n"), next);
			if (strstr(peek, ": 0x") || !strstr(peek, " s="))
				continue;
			if (sscanf(line, " %*u: 0x%*x M=%*d %511s", fn1) != 1 || sscanf(peek, " %511s", fn2) != 1)
				continue;
		}
		/* innermost (line[0]) is inlined into the next: same stack, depth d and d+1 */
		snprintf(sql, sizeof(sql),
			 "SELECT count(*) FROM frames a JOIN frames b ON b.profile_id = a.profile_id"
			 " AND b.stack_id = a.stack_id AND b.depth = a.depth + 1"
			 " WHERE a.function = '%s' AND a.inlined = 1 AND b.function = '%s'", fn1, fn2);
		cr_expect_gt(atoll(q1(db, sql)), 0, "%s inlined into %s not found", fn1, fn2);
		checked++;
	}
	cr_expect_gt(checked, 0, "no inlined location in %s.raw.txt", p);
	buf_release(&raw);
}

Test(cli, loading_the_same_bytes_twice_stores_them_once)
{
	const char *db = db_path("dup");
	struct buf out;

	cr_assert_eq(t_run(&out, NULL, "load --db '%s' " SAMPLE ".pb.gz", db), 0);
	cr_expect(strstr(out.data, "loaded as profile 1"), "%s", out.data);
	cr_assert_eq(t_run(&out, NULL, "load --db '%s' " SAMPLE ".pb.gz", db), 0);
	cr_expect(strstr(out.data, "already loaded as profile 1"), "%s", out.data);
	cr_expect_eq(atoll(q1(db, "SELECT count(*) FROM profiles")), 1);
	cr_assert_eq(t_run(&out, NULL, "load --db '%s' --format json " SAMPLE ".pb.gz", db), 0);
	cr_expect(strstr(out.data, "\"added\": false"), "%s", out.data);
	buf_release(&out);
}

Test(cli, stacks_shared_by_profiles_are_stored_once)
{
	const char *db = db_path("share");

	/* the same run written as protobuf and as legacy text: its own stacks are the same */
	cr_assert_eq(t_run(NULL, NULL, "load -q --db '%s' " SAMPLE ".pb.gz " SAMPLE ".heap.txt", db), 0);
	cr_expect_eq(atoll(q1(db, "SELECT count(*) FROM profiles")), 2);
	cr_expect_gt(atoll(q1(db, "SELECT count(*) FROM (SELECT stack_id FROM frames WHERE depth = 0"
				  " AND function LIKE 'main.%' GROUP BY stack_id HAVING count(DISTINCT profile_id) = 2)")), 1);
	/* no two stacks of the store have the same frames */
	cr_expect_eq(atoll(q1(db, "SELECT count(*) FROM (SELECT k FROM (SELECT stack_id,"
				  " group_concat(function || ':' || file || ':' || line || ':' || [column] || ':' || inlined, ';') AS k"
				  " FROM (SELECT DISTINCT stack_id, depth, function, file, line, [column], inlined FROM frames"
				  " ORDER BY stack_id, depth) GROUP BY stack_id) GROUP BY k HAVING count(*) > 1)")), 0);
}

static void file_bytes(const char *path, struct buf *b)
{
	t_read(b, path);
}

Test(cli, bad_input_leaves_the_database_byte_for_byte_unchanged)
{
	const char *db = db_path("atomic");
	char bad[512];
	struct buf before, after, err;

	snprintf(bad, sizeof(bad), "%s/trunc-%d.pb.gz", t_tmpdir(), getpid());
	{
		struct buf good;

		t_read(&good, t_path(SAMPLE ".pb.gz"));
		t_write(bad, good.data, good.len / 2);
		buf_release(&good);
	}
	cr_assert_eq(t_run(NULL, NULL, "load -q --db '%s' " SAMPLE ".pb.gz", db), 0);
	file_bytes(db, &before);
	cr_expect_eq(t_run(NULL, &err, "load --db '%s' '%s'", db, bad), 3);
	cr_expect(strstr(err.data, "truncated gzip stream at byte"), "%s", err.data);
	/* a good file followed by a bad one: nothing of either is stored */
	cr_expect_eq(t_run(NULL, &err, "load --db '%s' sample-profiles/out/go1.19/chan_send.pb.gz '%s'", db, bad), 3);
	file_bytes(db, &after);
	cr_expect_eq(before.len, after.len);
	cr_expect(before.len == after.len && !memcmp(before.data, after.data, before.len),
		  "database bytes changed");
	buf_release(&before);
	buf_release(&after);
	buf_release(&err);
}

Test(cli, a_failed_first_load_creates_no_database)
{
	const char *db = db_path("nofile");
	struct stat sb;

	cr_expect_eq(t_run(NULL, NULL, "load --db '%s' README.md", db), 3);
	cr_expect_neq(stat(db, &sb), 0, "database file was left behind");
}

Test(cli, sql_is_read_only)
{
	const char *db = db_path("ro");
	struct buf before, after, err;
	static const char *const writes[] = {
		"DELETE FROM profile", "DROP VIEW frames", "INSERT INTO str (s) VALUES ('x')",
		"PRAGMA user_version = 7", "ATTACH DATABASE '/tmp/x.db' AS x",
		"CREATE TABLE t (x)", "UPDATE profile SET name = 'x'",
	};
	size_t i;

	cr_assert_eq(t_run(NULL, NULL, "load -q --db '%s' " SAMPLE ".pb.gz", db), 0);
	file_bytes(db, &before);
	for (i = 0; i < sizeof(writes) / sizeof(writes[0]); i++) {
		cr_expect_eq(t_run(NULL, &err, "sql --db '%s' \"%s\"", db, writes[i]), 2, "%s", writes[i]);
		cr_expect_neq(err.len, 0);
	}
	cr_expect_eq(t_run(NULL, &err, "sql --db '%s' \"SELECT 1; DELETE FROM profile\"", db), 2);
	cr_expect_eq(t_run(NULL, &err, "sql --db '%s' \"PRAGMA table_info(frames)\"", db), 0,
		     "reading pragmas is allowed: %s", err.data);
	file_bytes(db, &after);
	cr_expect(before.len == after.len && !memcmp(before.data, after.data, before.len));
	cr_expect_eq(t_run(NULL, &err, "sql --db /nonexistent/x.db \"SELECT 1\""), 3);
	cr_expect(strstr(err.data, "no database"), "%s", err.data);
	buf_release(&before);
	buf_release(&after);
	buf_release(&err);
}

Test(cli, sql_output_formats_escape_what_they_must)
{
	const char *db = db_path("fmt");
	struct buf out;
	json_t *j;
	json_error_t je;
	const char *sql = "SELECT 'a,b' AS c1, 'say \\\"hi\\\"' AS c2, 'x' || char(10) || 'y' AS c3,"
			  " 'tab' || char(9) AS c4, 42 AS n, NULL AS z, CAST(x'ff41' AS TEXT) AS bad";

	cr_assert_eq(t_run(NULL, NULL, "load -q --db '%s' " SAMPLE ".pb.gz", db), 0);
	cr_assert_eq(t_run(&out, NULL, "sql --db '%s' --format csv \"%s\"", db, sql), 0);
	cr_expect(strstr(out.data, "\"a,b\",\"say \"\"hi\"\"\",\"x\ny\",tab\t,42,,"), "%s", out.data);
	cr_assert_eq(t_run(&out, NULL, "sql --db '%s' --format tsv \"%s\"", db, sql), 0);
	cr_expect(strstr(out.data, "a,b\tsay \"hi\"\tx\\ny\ttab\\t\t42\t\t"), "%s", out.data);
	cr_assert_eq(t_run(&out, NULL, "sql --db '%s' --format json \"%s\"", db, sql), 0);
	j = json_loads(out.data, 0, &je);
	cr_assert_not_null(j, "not JSON (%s): %s", je.text, out.data);
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(j, 0), "c3")), "x\ny");
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(j, 0), "bad")), "\xef\xbf\xbd" "A");
	cr_expect(json_is_null(json_object_get(json_array_get(j, 0), "z")));
	cr_expect_eq(json_integer_value(json_object_get(json_array_get(j, 0), "n")), 42);
	json_decref(j);
	cr_assert_eq(t_run(&out, NULL, "sql --db '%s' \"%s\"", db, sql), 0);
	cr_expect(strstr(out.data, "x\\x0ay"), "text mode shows control characters escaped: %s", out.data);
	buf_release(&out);
}

Test(cli, every_corpus_profile_loads_or_fails_with_exit_3)
{
	const char *sh = t_shared();
	const char *db = db_path("corpus");
	glob_t g;
	char pat[4096];
	size_t i;
	int loaded = 0;

	if (!sh)
		cr_skip_test("../shared is absent");
	snprintf(pat, sizeof(pat), "%s/corpus/profiles/*", sh);
	cr_assert_eq(glob(pat, 0, NULL, &g), 0);
	for (i = 0; i < g.gl_pathc; i++) {
		const char *f = g.gl_pathv[i];
		struct buf out, err;
		int rc;

		if (strstr(f, ".string") || strstr(f, ".txt") || strstr(f, "MANIFEST"))
			continue;
		rc = t_run(&out, &err, "load -q --db '%s' '%s'", db, f);
		cr_expect(rc == 0 || rc == 3, "%s: exit %d", f, rc);
		if (rc == 3)
			cr_expect(strstr(err.data, f) && strchr(err.data, '\n') == err.data + err.len - 1,
				  "%s: %s", f, err.data);
		else
			loaded++;
		buf_release(&out);
		buf_release(&err);
	}
	globfree(&g);
	cr_expect_geq(loaded, 28);
	/* generic values: every type of the .NET profile is there */
	cr_expect_eq(atoll(q1(db, "SELECT count(DISTINCT type) FROM sample_values v JOIN profiles p"
				  " USING (profile_id) WHERE p.name LIKE 'dotnet%'")), 6);
	/* string labels of the CPU profile with pprof labels */
	cr_expect_gt(atoll(q1(db, "SELECT count(*) FROM sample_labels WHERE key = 'func'")), 0);
}

/* Each resource limit is an exit-3 error that names the flag raising it, and raising it
 * lets the same input through. The figures straddle what other tools measure: iface_fmt's
 * first sample has 7 frames (go tool pprof -raw), it is 4608 bytes after zcat, and the
 * longest line of its log is 617 bytes (awk length). */
Test(cli, every_resource_limit_names_its_flag_and_the_flag_raises_it)
{
	static const struct {
		const char *verb, *input, *low, *high, *flag;
	} cases[] = {
		{"info", "sample-profiles/out/go1.26/iface_fmt.pb.gz", "--max-depth 3", "--max-depth 64", "--max-depth"},
		{"info", "sample-profiles/out/go1.26/iface_fmt.pb.gz", "--max-string 10", "--max-string 4K", "--max-string"},
		{"info", "sample-profiles/out/go1.26/iface_fmt.pb.gz", "--max-size 1K", "--max-size 1M", "--max-size"},
		{"info", "sample-profiles/out/go1.19/chan_send.heap.txt", "--max-depth 2", "--max-depth 64", "--max-depth"},
		{"escapes --dry-run", "sample-profiles/out/go1.26/iface_fmt.mm.txt", "--max-line 20", "--max-line 4K", "--max-line"},
		{"analyze", "sample-profiles/out/go1.26/iface_fmt.pb.gz sample-profiles/out/go1.26/iface_fmt.mm.txt",
		 "--max-line 20", "--max-line 4K", "--max-line"},
	};
	char cmd[512];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buf err;

		buf_init(&err);
		snprintf(cmd, sizeof(cmd), "%s %s %s", cases[i].verb, cases[i].low, cases[i].input);
		cr_expect_eq(t_run(NULL, &err, "%s", cmd), 3, "%s", cmd);
		buf_addc(&err, '\0');
		cr_expect_not_null(strstr(err.data, cases[i].flag), "%s: %s", cmd, err.data);
		cr_expect_null(strchr(err.data, '\n') == err.data + err.len - 2 ? NULL : err.data,
			       "%s: not one line: %s", cmd, err.data);
		snprintf(cmd, sizeof(cmd), "%s %s %s", cases[i].verb, cases[i].high, cases[i].input);
		cr_expect_eq(t_run(NULL, NULL, "%s", cmd), 0, "%s", cmd);
		buf_release(&err);
	}
}

/* sql reads: a statement that writes, however it is dressed, is refused and the file is
 * untouched; --write runs one statement in a transaction, so a failing one changes nothing;
 * and --write never creates a store. */
Test(cli, sql_is_read_only_unless_write_and_write_is_one_transaction)
{
	const char *db = db_path("sqlw");
	static const char *const writes[] = {
		"DELETE FROM profile",
		"DROP VIEW heap_samples",
		"CREATE TABLE t(x)",
		"ATTACH 'other.db' AS o",
		"PRAGMA user_version = 7",
		"WITH x AS (SELECT 1) UPDATE profile SET name = 'x'",
		"SELECT 1; DELETE FROM profile",
	};
	struct buf before, after, err;
	size_t i;

	cr_assert_eq(t_run(NULL, NULL, "load -q --db '%s' sample-profiles/out/go1.26/iface_fmt.pb.gz", db), 0);
	t_read(&before, db);
	for (i = 0; i < sizeof(writes) / sizeof(writes[0]); i++) {
		buf_init(&err);
		cr_expect_neq(t_run(NULL, &err, "sql --db '%s' \"%s\"", db, writes[i]), 0, "%s ran", writes[i]);
		buf_release(&err);
	}
	t_read(&after, db);
	cr_expect(before.len == after.len && memcmp(before.data, after.data, before.len) == 0,
		  "a refused statement changed the store");
	cr_expect_str_eq(q1(db, "SELECT count(*) FROM profiles"), "1");

	cr_assert_eq(t_run(NULL, NULL, "sql --db '%s' --write \"CREATE TABLE notes(x UNIQUE)\"", db), 0);
	/* the third row breaks the constraint: the first two must not stay */
	cr_expect_eq(t_run(NULL, NULL, "sql --db '%s' --write \"INSERT INTO notes VALUES (1), (2), (1)\"", db), 3);
	cr_expect_str_eq(q1(db, "SELECT count(*) FROM notes"), "0");
	cr_expect_eq(t_run(NULL, NULL, "sql --db '%s' --write \"INSERT INTO notes VALUES (1), (2)\"", db), 0);
	cr_expect_str_eq(q1(db, "SELECT count(*) FROM notes"), "2");

	char none[600];

	snprintf(none, sizeof(none), "%s/none.db", t_tmpdir());
	buf_init(&err);
	cr_expect_eq(t_run(NULL, &err, "sql --db '%s' --write \"SELECT 1\"", none), 3);
	cr_expect_neq(access(none, F_OK), 0, "--write created a store");
	buf_release(&err);
	buf_release(&before);
	buf_release(&after);
}

/* ---- inputs read once: pipes, process substitution, FIFOs and standard input ---- */

#include <criterion/logging.h>
#include <stdarg.h>
#include <sys/wait.h>

/* Runs a bash script in the repository with $E set to escprof and $T to a fresh directory,
 * stdout into out; a run that takes more than 20 seconds is killed (exit 124), so a hang
 * fails the test instead of stalling the suite. Returns the exit code. */
static int bash_run(struct buf *out, const char *script)
{
	static int runs;
	const char *dir = t_fresh("pipe%d", runs++);
	char path[700], cmd[4096];
	int st;

	cr_assert_eq(mkdir(dir, 0700), 0);
	snprintf(path, sizeof(path), "%s/script.sh", dir);
	t_write(path, script, strlen(script));
	snprintf(cmd, sizeof(cmd), "cd '%s' && E='%s' T='%s' timeout -k 2 20 bash '%s' >'%s/out' 2>'%s/err'",
		 t_src(), getenv("ESCPROF"), dir, path, dir, dir);
	st = system(cmd);
	snprintf(path, sizeof(path), "%s/out", dir);
	t_read(out, path);
	cr_assert(WIFEXITED(st), "the script did not exit normally");
	if (WEXITSTATUS(st)) {
		struct buf err;

		snprintf(path, sizeof(path), "%s/err", dir);
		t_read(&err, path);
		cr_log_error("exit %d: %s", WEXITSTATUS(st), err.data);
		buf_release(&err);
	}
	return WEXITSTATUS(st);
}

/* The first integer of a command's output (grep -c, wc -l). */
static long long shell_int(const char *fmt, ...)
{
	char cmd[2048], line[128] = "";
	va_list ap;
	FILE *p;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	cr_assert_not_null(fgets(line, sizeof(line), p), "%s printed nothing", cmd);
	pclose(p);
	return atoll(line);
}

static json_t *json_of(const struct buf *b)
{
	json_error_t je;
	json_t *j = json_loadb(b->data, b->len, 0, &je);

	cr_assert_not_null(j, "not JSON (%s): %.200s", je.text, b->data);
	return j;
}

/* A 16 KB go1.19 -m -m log, four times the 4 KB a sniffing read could swallow. In Go
 * 1.19's form every diagnostic is one unindented "pos: message" line that does not end
 * in ':' (block headers do, flow lines are indented), so grep counts them. */
#define PIPE_LOG "sample-profiles/out/go1.19/realistic_tokenizer.mm.txt"
#define PIPE_PROFILE "sample-profiles/out/go1.19/realistic_tokenizer.pb.gz"

Test(cli, a_log_through_a_pipe_a_substitution_or_a_fifo_loses_no_diagnostic)
{
	static const char *const ways[] = {
		"\"$E\" escapes --dry-run --format json " PIPE_LOG,
		"cat " PIPE_LOG " | \"$E\" escapes --dry-run --format json -",
		"cat " PIPE_LOG " | \"$E\" escapes --dry-run --format json /dev/stdin",
		"\"$E\" escapes --dry-run --format json <(cat " PIPE_LOG ")",
		"mkfifo \"$T/fifo\"; cat " PIPE_LOG " >\"$T/fifo\" & \"$E\" escapes --dry-run --format json \"$T/fifo\"",
	};
	long long want = shell_int("cd '%s' && grep -cE '^[^ ]+:[0-9]+:[0-9]+: [^ ](.*[^:])?$' " PIPE_LOG, t_src());
	long long lines = shell_int("cd '%s' && wc -l < " PIPE_LOG, t_src());
	size_t i;

	cr_assert_gt(want, 40);
	for (i = 0; i < sizeof(ways) / sizeof(ways[0]); i++) {
		struct buf out;
		json_t *j, *r;

		cr_assert_eq(bash_run(&out, ways[i]), 0, "%s", ways[i]);
		j = json_of(&out);
		r = json_array_get(j, 0);
		cr_expect_eq(json_integer_value(json_object_get(r, "diagnostics")), want, "%s", ways[i]);
		cr_expect_eq(json_integer_value(json_object_get(r, "lines")), lines, "%s", ways[i]);
		cr_expect_eq(json_integer_value(json_object_get(r, "skipped")), 0, "%s", ways[i]);
		json_decref(j);
		buf_release(&out);
	}
}

/* The analysis of a log or a profile read from a pipe is the analysis of the same file:
 * the same causes, sites and coverage (only the build's name, taken from the path, may
 * differ). */
Test(cli, analyze_reads_pipes_and_fifos_as_it_reads_files)
{
	static const char *const ways[] = {
		"\"$E\" analyze --format json -n 50 " PIPE_PROFILE " <(cat " PIPE_LOG ")",
		"cat " PIPE_LOG " | \"$E\" analyze --format json -n 50 " PIPE_PROFILE " -",
		"cat " PIPE_PROFILE " | \"$E\" analyze --format json -n 50 - " PIPE_LOG,
		"\"$E\" analyze --format json -n 50 <(cat " PIPE_PROFILE ") <(cat " PIPE_LOG ")",
		"mkfifo \"$T/fifo\"; cat " PIPE_LOG " >\"$T/fifo\" & \"$E\" analyze --format json -n 50 "
		PIPE_PROFILE " \"$T/fifo\"",
	};
	struct buf out;
	json_t *want;
	size_t i;

	cr_assert_eq(bash_run(&out, "\"$E\" analyze --format json -n 50 " PIPE_PROFILE " " PIPE_LOG), 0);
	want = json_of(&out);
	buf_release(&out);
	cr_assert_gt(json_array_size(json_object_get(want, "sites")), 5);
	for (i = 0; i < sizeof(ways) / sizeof(ways[0]); i++) {
		json_t *got;
		static const char *const keys[] = {"total", "coverage", "causes", "sites"};
		size_t k;

		cr_assert_eq(bash_run(&out, ways[i]), 0, "%s", ways[i]);
		got = json_of(&out);
		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			cr_expect(json_equal(json_object_get(want, keys[k]), json_object_get(got, keys[k])),
				  "%s: %s differs", ways[i], keys[k]);
		cr_expect_eq(json_integer_value(json_object_get(json_array_get(json_object_get(got, "builds"), 0),
								  "matched")),
			     json_integer_value(json_object_get(json_array_get(json_object_get(want, "builds"), 0),
								  "matched")), "%s", ways[i]);
		json_decref(got);
		buf_release(&out);
	}
	json_decref(want);
}

/* load reads each argument once: two process substitutions, a gzip profile on standard
 * input and one through a FIFO are all stored, with the sha256 of their bytes. */
Test(cli, load_stores_profiles_from_substitutions_stdin_and_fifos)
{
	static const char *const a = "sample-profiles/out/go1.26/chan_send.pb.gz";
	static const char *const b = "sample-profiles/out/go1.26/iface_fmt.pb.gz";
	static const char *const c = "sample-profiles/out/go1.22/map_insert.pb.gz";
	static const char *const d = "sample-profiles/out/go1.19/closure_capture.pb.gz";
	const char *db = db_path("pipes");
	char script[2048], want[4][65];
	struct buf out;
	const char *files[4] = {a, b, c, d};
	size_t i;

	for (i = 0; i < 4; i++) {
		char cmd[1024];
		FILE *p;

		snprintf(cmd, sizeof(cmd), "cd '%s' && sha256sum %s", t_src(), files[i]);
		p = popen(cmd, "r");
		cr_assert_not_null(p);
		cr_assert_not_null(fgets(want[i], sizeof(want[i]), p));
		pclose(p);
	}
	snprintf(script, sizeof(script),
		 "set -e; \"$E\" load -q --db '%s' <(cat %s) <(cat %s)\n"
		 "cat %s | \"$E\" load -q --db '%s' -\n"
		 "mkfifo \"$T/fifo\"; cat %s >\"$T/fifo\" & \"$E\" load -q --db '%s' \"$T/fifo\"\n",
		 db, a, b, c, db, d, db);
	cr_assert_eq(bash_run(&out, script), 0);
	buf_release(&out);
	cr_expect_eq(t_sql_int(db, "SELECT count(*) FROM profiles"), 4);
	for (i = 0; i < 4; i++) {
		char sql[256];

		snprintf(sql, sizeof(sql), "SELECT count(*) FROM profiles WHERE sha256 = '%s'", want[i]);
		cr_expect_eq(t_sql_int(db, sql), 1, "%s is not stored with its sha256", files[i]);
	}
}

/* A single -json=0 file is recognised by its first line wherever it comes from. */
Test(cli, a_json_log_on_stdin_is_parsed_as_json)
{
	static const char json[] = "sample-profiles/out/go1.26/realistic_tokenizer.json/main/main.json";
	long long lines = shell_int("cd '%s' && wc -l < %s", t_src(), json);
	struct buf file, out;
	json_t *rf, *rp, *jf, *jp;
	char script[512];

	snprintf(script, sizeof(script), "\"$E\" escapes --dry-run --format json %s", json);
	cr_assert_eq(bash_run(&file, script), 0);
	snprintf(script, sizeof(script), "cat %s | \"$E\" escapes --dry-run --format json -", json);
	cr_assert_eq(bash_run(&out, script), 0);
	rf = json_of(&file);
	rp = json_of(&out);
	jf = json_array_get(rf, 0);
	jp = json_array_get(rp, 0);
	cr_expect_eq(json_integer_value(json_object_get(jp, "lines")), lines);
	cr_expect_gt(json_integer_value(json_object_get(jf, "diagnostics")), 20);
	cr_expect_eq(json_integer_value(json_object_get(jp, "diagnostics")),
		     json_integer_value(json_object_get(jf, "diagnostics")));
	cr_expect_str_eq(json_string_value(json_object_get(jp, "go_version")), "go1.26.10");
	json_decref(rf);
	json_decref(rp);
	buf_release(&file);
	buf_release(&out);
}

/* diff tells a profile from a log by the bytes it has read, so two pipes are diffed as
 * the two files are (only the names of the sides differ). */
Test(cli, diff_reads_both_sides_from_pipes)
{
	static const char *const pairs[][2] = {
		{"sample-profiles/out/go1.19/iface_fmt.pb.gz", "sample-profiles/out/go1.26/iface_fmt.pb.gz"},
		{"sample-profiles/out/go1.19/iface_fmt.mm.txt", "sample-profiles/out/go1.26/iface_fmt.mm.txt"},
	};
	size_t i;

	for (i = 0; i < 2; i++) {
		char script[1024];
		struct buf out;
		json_t *files, *pipes;

		snprintf(script, sizeof(script), "\"$E\" diff -q --format json %s %s", pairs[i][0], pairs[i][1]);
		cr_assert_eq(bash_run(&out, script), 0, "%s", script);
		files = json_of(&out);
		buf_release(&out);
		snprintf(script, sizeof(script), "\"$E\" diff -q --format json <(cat %s) <(cat %s)", pairs[i][0],
			 pairs[i][1]);
		cr_assert_eq(bash_run(&out, script), 0, "%s", script);
		pipes = json_of(&out);
		buf_release(&out);
		json_object_del(files, "base");
		json_object_del(files, "new");
		json_object_del(pipes, "base");
		json_object_del(pipes, "new");
		cr_expect_gt(json_object_size(files), 2);
		cr_expect(json_equal(files, pipes), "%s: the diff of two pipes differs", script);
		json_decref(files);
		json_decref(pipes);
	}
}

/* One grammar: the global options go before or after the command, `help CMD` is the
 * command's --help, and a mistyped command or option is one short line (with the command
 * probably meant), never the whole usage. */
Test(cli, global_options_go_before_or_after_the_command_and_mistakes_take_one_line)
{
	const char *db = db_path("grammar");
	struct buf out, err, out2;

	cr_assert_eq(t_run(NULL, NULL, "load -q --db '%s' " SAMPLE ".pb.gz", db), 0);
	cr_expect_eq(t_run(&out, NULL, "top --db '%s' --format json -n 3", db), 0);
	cr_expect_eq(t_run(&out2, NULL, "--db '%s' --format json top -n 3", db), 0);
	cr_expect_str_eq(out2.data, out.data);
	buf_release(&out2);
	cr_expect_eq(t_run(&out2, NULL, "-q --db='%s' --format=json top -n 3", db), 0);
	cr_expect_str_eq(out2.data, out.data);
	buf_release(&out2);
	buf_release(&out);

	cr_expect_eq(t_run(&out, NULL, "help top"), 0);
	cr_expect_eq(t_run(&out2, NULL, "top --help"), 0);
	cr_expect(strstr(out.data, "usage: escprof top"), "%s", out.data);
	cr_expect_str_eq(out.data, out2.data);
	buf_release(&out);
	buf_release(&out2);

	cr_expect_eq(t_run(&out, &err, "tpo"), 2);
	cr_expect(strstr(err.data, "unknown command 'tpo' (did you mean 'top'?)"), "%s", err.data);
	cr_expect_eq(strchr(err.data, '\n'), err.data + err.len - 1, "one line: %s", err.data);
	buf_release(&out);
	buf_release(&err);
	cr_expect_eq(t_run(&out, &err, "help nosuchcommand"), 2);
	cr_expect(strstr(err.data, "unknown command 'nosuchcommand'; 'escprof help'"), "%s", err.data);
	buf_release(&out);
	buf_release(&err);
	cr_expect_eq(t_run(&out, &err, "top --db '%s' --frmat json", db), 2);
	cr_expect_str_eq(err.data, "escprof top: unknown option '--frmat' (did you mean '--format'?)\n");
	cr_expect_null(strstr(err.data, "usage:"), "%s", err.data);
	buf_release(&out);
	buf_release(&err);
}

/* -n 0 is "all" wherever -n counts rows, as report has it: the same rows as a limit
 * larger than any profile, and more than the default */
Test(cli, n_zero_means_all_rows)
{
	const char *db = db_path("nzero");
	const char *p = "sample-profiles/out/go1.26/realistic_tokenizer";
	struct buf all, big, dflt;

	cr_expect_eq(t_run(&all, NULL, "analyze --format json -n 0 %s.pb.gz %s.mm.txt", p, p), 0);
	cr_expect_eq(t_run(&big, NULL, "analyze --format json -n 100000 %s.pb.gz %s.mm.txt", p, p), 0);
	cr_expect_eq(t_run(&dflt, NULL, "analyze --format json %s.pb.gz %s.mm.txt", p, p), 0);
	cr_expect_str_eq(all.data, big.data);
	cr_expect_gt(all.len, dflt.len, "the default shows 10 sites of more");
	buf_release(&all);
	buf_release(&big);
	buf_release(&dflt);
	/* go/parser's profile has some 180 sites */
	p = "sample-profiles/std/go1.26/go_parser";
	cr_assert_eq(t_run(NULL, NULL, "analyze -q --db '%s' %s.pb.gz %s.mm.txt >/dev/null", db, p, p), 0);
	cr_expect_eq(t_run(&all, NULL, "top --db '%s' -n 0", db), 0);
	cr_expect_eq(t_run(&big, NULL, "top --db '%s' -n 100000", db), 0);
	cr_expect_eq(t_run(&dflt, NULL, "top --db '%s'", db), 0);
	cr_expect_str_eq(all.data, big.data);
	cr_expect_gt(all.len, dflt.len, "the default shows 20 rows of more");
	buf_release(&all);
	buf_release(&big);
	buf_release(&dflt);
	cr_expect_eq(t_run(NULL, NULL, "top --db '%s' -n -1", db), 2);
}

/* A minimal CPU profile, written field by field (profile.proto): sample types
 * samples/count and cpu/nanoseconds, one sample of main.f at main.go:12. */
static void cpu_profile(const char *path)
{
	struct buf b, vt, smp, pk, line, loc, fn;
	const char *strs[] = {"", "samples", "count", "cpu", "nanoseconds", "main.f", "main.go"};
	size_t i;

	buf_init(&b);
	buf_init(&vt);
	buf_init(&smp);
	buf_init(&pk);
	buf_init(&line);
	buf_init(&loc);
	buf_init(&fn);
	pb_int(&vt, 1, 1);
	pb_int(&vt, 2, 2);
	pb_bytes(&b, 1, vt.data, vt.len);
	buf_reset(&vt);
	pb_int(&vt, 1, 3);
	pb_int(&vt, 2, 4);
	pb_bytes(&b, 1, vt.data, vt.len);
	pb_varint(&pk, 1);
	pb_bytes(&smp, 1, pk.data, pk.len);
	buf_reset(&pk);
	pb_varint(&pk, 7);
	pb_varint(&pk, 70000000);
	pb_bytes(&smp, 2, pk.data, pk.len);
	pb_bytes(&b, 2, smp.data, smp.len);
	pb_int(&line, 1, 1);
	pb_int(&line, 2, 12);
	pb_int(&loc, 1, 1);
	pb_bytes(&loc, 4, line.data, line.len);
	pb_bytes(&b, 4, loc.data, loc.len);
	pb_int(&fn, 1, 1);
	pb_int(&fn, 2, 5);
	pb_int(&fn, 4, 6);
	pb_bytes(&b, 5, fn.data, fn.len);
	for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		pb_str(&b, 6, strs[i]);
	t_write(path, b.data, b.len);
	buf_release(&b);
	buf_release(&vt);
	buf_release(&smp);
	buf_release(&pk);
	buf_release(&line);
	buf_release(&loc);
	buf_release(&fn);
}

/* A CPU profile loaded after a heap profile is not "the newest profile" the reading
 * commands take: they go on reading the heap profile; a store of CPU profiles only has
 * no heap profile, said in one line with exit 3. */
Test(cli, a_cpu_profile_loaded_last_is_not_the_newest_heap_profile)
{
	const char *db = db_path("cpu-last"), *cpu = t_fresh("cpu.pb"), *only = db_path("cpu-only");
	struct buf out, named, err;

	cpu_profile(cpu);
	cr_assert_eq(t_run(NULL, NULL, "info '%s' >/dev/null", cpu), 0, "the hand-made profile decodes");
	cr_assert_eq(t_run(NULL, NULL, "load -q --db '%s' --name heap " SAMPLE ".pb.gz", db), 0);
	cr_assert_eq(t_run(NULL, NULL, "load -q --db '%s' --name cpu '%s'", db, cpu), 0);
	cr_expect_eq(t_run(&out, NULL, "top --db '%s' --format csv", db), 0);
	cr_expect_eq(t_run(&named, NULL, "top --db '%s' --format csv --profile heap", db), 0);
	cr_expect_str_eq(out.data, named.data);
	cr_expect_gt(out.len, 0);
	buf_release(&out);
	buf_release(&named);

	cr_assert_eq(t_run(NULL, NULL, "load -q --db '%s' '%s'", only, cpu), 0);
	cr_expect_eq(t_run(&out, &err, "top --db '%s'", only), 3);
	cr_expect(strstr(err.data, "no heap profile in"), "%s", err.data);
	cr_expect_eq(strchr(err.data, '\n'), err.data + err.len - 1, "one line: %s", err.data);
	buf_release(&out);
	buf_release(&err);
}

/* libcurl and libpq are opened only for a URL or a server: reading a file maps neither
 * (nor the thirty libraries they need), as the dynamic loader itself reports */
Test(cli, a_local_profile_is_read_without_loading_libcurl_or_libpq)
{
	char cmd[8192], line[1024];
	size_t files = 0;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "LD_DEBUG=files '%s' analyze -q '%s' '%s' 2>&1 >/dev/null", getenv("ESCPROF"),
		 t_path(SAMPLE ".pb.gz"), t_path(SAMPLE ".mm.txt"));
	cr_assert_not_null(f = popen(cmd, "r"));
	while (fgets(line, sizeof(line), f)) {
		cr_assert_null(strstr(line, "libcurl"), "%s", line);
		cr_assert_null(strstr(line, "libpq"), "%s", line);
		files += strstr(line, "file=libsqlite3") != NULL;
	}
	cr_assert_eq(pclose(f), 0);
	cr_assert_gt(files, 0, "the loader reported no libraries at all");
}
