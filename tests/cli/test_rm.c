/* test_rm.c — removing profiles and builds (`rm`, `prune`, DELETE through the views) and
 * the names a reload adds. What must be gone is read from the views before the removal
 * (the frames, functions and files only the removed profile had); what must stay is every
 * other profile's and build's views, row for row; the shared rows are counted against a
 * store loaded with only the profiles that remain. Foreign keys and the file are checked by
 * SQLite itself (foreign_key_check, integrity_check) through the sqlite3 shell, which
 * never runs escprof's code. A version-5 store, made with the schema's own SQL, migrates
 * with its views unchanged and then removes as a new one does. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "store/store.h"
#include "tests/testutil.h"

#define S26 "sample-profiles/out/go1.26/"
#define S22 "sample-profiles/out/go1.22/"

static void expect_same(const char *db_a, const char *db_b, const char *sql, const char *what)
{
	struct buf a, b;

	t_sqlite3(&a, db_a, sql);
	t_sqlite3(&b, db_b, sql);
	cr_expect_eq(a.len, b.len, "%s: %zu bytes, was %zu", what, b.len, a.len);
	cr_expect(a.len == b.len && !memcmp(a.data, b.data, a.len), "%s differs", what);
	buf_release(&a);
	buf_release(&b);
}

static void copy_file(const char *from, const char *to)
{
	char cmd[2048];

	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", from, to);
	cr_assert_eq(system(cmd), 0);
}

/* The same profile in other bytes: recompressed, so it is stored as a second profile
 * whose stacks are all the first one's. */
static const char *recompressed(const char *profile)
{
	const char *out = t_fresh("recompressed.pb.gz");
	char cmd[2048];

	snprintf(cmd, sizeof(cmd), "cd '%s' && zcat '%s' | gzip -1 >'%s'", t_src(), profile, out);
	cr_assert_eq(system(cmd), 0);
	return out;
}

static void run_ok(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Runs escprof with the arguments fmt makes; anything but exit 0 fails the test. */
static void run_ok(const char *fmt, ...)
{
	struct buf err;
	char args[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	cr_assert_eq(t_run(NULL, &err, "%s", args), 0, "%s: %s", args, err.data);
	buf_release(&err);
}

/* Profiles: 1 chan_send with build 1 (analysed), 2 the same bytes recompressed, 3
 * append_growth with build 2 (analysed), 4 map_insert of Go 1.22 with a label. */
static const char *make_store(const char *name)
{
	const char *db = t_fresh("%s.db", name);

	run_ok("analyze -q --db '%s' '%s' '%s' >/dev/null", db, S26 "chan_send.pb.gz",
	       S26 "chan_send.mm.txt");
	run_ok("load -q --db '%s' --name copy '%s'", db, recompressed(S26 "chan_send.pb.gz"));
	run_ok("analyze -q --db '%s' '%s' '%s' >/dev/null", db, S26 "append_growth.pb.gz",
	       S26 "append_growth.mm.txt");
	run_ok("load -q --db '%s' --name map --label env=ci '%s'", db, S22 "map_insert.pb.gz");
	cr_assert_eq(t_sqlite3_int(db, "SELECT count(*) FROM profile"), 4);
	cr_assert_eq(t_sqlite3_int(db, "SELECT count(*) FROM build"), 2);
	cr_assert_eq(t_sqlite3_int(db, "SELECT count(*) FROM analysis"), 2);
	return db;
}

/* Every view with a profile_id, for the profiles where `cond` holds, in a fixed order. */
static const char *const profile_views[][2] = {
	{"profiles", "1"},
	{"profile_labels", "1, 2, 3"},
	{"profile_names", "1, 2"},
	{"sample_types", "1, 2"},
	{"sample_values", "1, 2, 3"},
	{"heap_samples", "1, 2"},
	{"sample_labels", "1, 2, 3, 4, 5"},
	{"frames", "1, 2, 3"},
	{"alloc_sites", "1, 3"},
};

static void expect_profiles_unchanged(const char *before, const char *after, const char *cond)
{
	char sql[512];

	for (size_t i = 0; i < sizeof(profile_views) / sizeof(profile_views[0]); i++) {
		snprintf(sql, sizeof(sql), "SELECT * FROM %s WHERE profile_id %s ORDER BY %s",
			 profile_views[i][0], cond, profile_views[i][1]);
		expect_same(before, after, sql, sql);
	}
}

static void expect_other_profiles_unchanged(const char *before, const char *after, int p)
{
	char cond[32];

	snprintf(cond, sizeof(cond), "!= %d", p);
	expect_profiles_unchanged(before, after, cond);
}

/* SQLite's own checks, and every reference between the tables resolved, and no shared
 * row left that nothing refers to; the refs counts what they count. */
static void expect_consistent(const char *db)
{
	struct buf b;

	t_sqlite3(&b, db, "PRAGMA foreign_key_check");
	cr_expect_eq(b.len, 0, "foreign_key_check: %s", b.data);
	buf_release(&b);
	t_sqlite3(&b, db, "PRAGMA integrity_check");
	cr_expect_str_eq(b.data, "ok\n");
	buf_release(&b);
	cr_expect_eq(t_sqlite3_int(db, "SELECT count(*) FROM sample s LEFT JOIN stack k ON k.id = s.stack_id"
			    " WHERE k.id IS NULL"), 0, "samples on a missing stack");
	cr_expect_eq(t_sqlite3_int(db, "SELECT count(*) FROM sample s LEFT JOIN stack k ON k.id = s.stack_id"
			    " WHERE k.id IS NULL"), 0, "a profile linking a missing stack");
	cr_expect_eq(t_sqlite3_int(db, "SELECT count(*) FROM stack WHERE id NOT IN (SELECT stack_id FROM sample)"
			    " AND id NOT IN (SELECT parent FROM stack WHERE parent IS NOT NULL)"),
		     0, "stack nodes no profile links and no node has as its parent");
	cr_expect_eq(t_sqlite3_int(db, "SELECT count(*) FROM stack s WHERE parent IS NOT NULL"
			    " AND parent NOT IN (SELECT id FROM stack)"), 0, "a stack node with a missing parent");
	cr_expect_eq(t_sqlite3_int(db, "SELECT count(*) FROM stack s WHERE refs !="
			    " (SELECT count(DISTINCT p.profile_id) FROM sample p WHERE p.stack_id = s.id)"
			    " + (SELECT count(*) FROM stack c WHERE c.parent = s.id)"), 0,
		     "a stack node's refs is not the profiles linking it and the nodes below it");
	cr_expect_eq(t_sqlite3_int(db, "SELECT count(*) FROM stack s, json_each(s.locs) j"
			    " WHERE j.value NOT IN (SELECT id FROM location)"), 0, "a stack listing a missing location");
	cr_expect_eq(t_sqlite3_int(db, "SELECT count(*) FROM location WHERE id NOT IN"
			    " (SELECT j.value FROM stack s, json_each(s.locs) j)"), 0, "locations no stack lists");
	cr_expect_eq(t_sqlite3_int(db, "SELECT count(*) FROM location l WHERE refs !="
			    " (SELECT count(*) FROM stack s, json_each(s.locs) j WHERE j.value = l.id)"), 0,
		     "a location's refs is not the stacks listing it");
	cr_expect_eq(t_sqlite3_int(db, "SELECT count(*) FROM location l, json_each(l.lines) ll, json_each(ll.value, '\\$[0]') f"
			    " WHERE f.value NOT IN (SELECT id FROM func)"), 0, "a location naming a missing function");
	cr_expect_eq(t_sqlite3_int(db, "SELECT count(*) FROM func f WHERE refs != (SELECT count(*) FROM location l,"
			    " json_each(l.lines) ll, json_each(ll.value, '\\$[0]') x WHERE x.value = f.id)"), 0,
		     "a function's refs is not the lines naming it");
	cr_expect_eq(t_sqlite3_int(db, "SELECT count(*) FROM func WHERE name_id NOT IN (SELECT id FROM str)"
			    " OR file_id NOT IN (SELECT id FROM str)"), 0, "a function naming a missing string");
	cr_expect_eq(t_sqlite3_int(db, "SELECT count(*) FROM sample_label WHERE key_id NOT IN (SELECT id FROM str)"
			    " OR coalesce(str_id, 1) NOT IN (SELECT id FROM str UNION SELECT 1)"
			    " OR coalesce(unit_id, 1) NOT IN (SELECT id FROM str UNION SELECT 1)"), 0,
		     "a label naming a missing string");
	cr_expect_eq(t_sqlite3_int(db, "SELECT count(*) FROM alloc_site s WHERE s.diag_id IS NOT NULL AND NOT EXISTS"
			    " (SELECT 1 FROM diagnostic d WHERE d.build_id = s.build_id AND d.diag_id = s.diag_id)"),
		     0, "a site joined to a missing diagnostic");
}

/* Nothing in any table refers to profile p (or to analyses it had, given as a list). */
static void expect_no_trace_of_profile(const char *db, int p, const char *analyses)
{
	static const char *const tables[] = {"profile_label", "profile_name", "sample_type",
					     "sample", "sample_value_x", "sample_label",
					     "analysis"};
	char sql[512];

	cr_expect_eq(t_sqlite3_int(db, (snprintf(sql, sizeof(sql), "SELECT count(*) FROM profile WHERE id = %d", p), sql)), 0);
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s WHERE profile_id = %d", tables[i], p);
		cr_expect_eq(t_sqlite3_int(db, sql), 0, "%s", sql);
	}
	if (analyses) {
		snprintf(sql, sizeof(sql), "SELECT (SELECT count(*) FROM alloc_site WHERE analysis_id IN (%s))"
			 " + (SELECT count(*) FROM analysis_build WHERE analysis_id IN (%s))", analyses, analyses);
		cr_expect_eq(t_sqlite3_int(db, sql), 0, "%s", sql);
	}
}

static void expect_profiles(const char *db, const char *ids)
{
	struct buf b;

	t_sqlite3(&b, db, "SELECT group_concat(id, ',') FROM (SELECT id FROM profile ORDER BY id)");
	cr_expect_str_eq(b.data, ids);
	buf_release(&b);
}

Test(rm, a_profile_goes_with_everything_only_it_had)
{
	const char *db = make_store("rm-one"), *before = t_fresh("rm-one-before.db");
	const char *fresh = t_fresh("rm-one-fresh.db");
	struct buf out, err, gone;

	copy_file(db, before);
	/* what only profile 3 has, read from the views before: its functions and files */
	t_sqlite3(&gone, db, "SELECT count(*) FROM (SELECT function FROM frames WHERE profile_id = 3 EXCEPT"
	   " SELECT function FROM frames WHERE profile_id != 3)");
	cr_assert_gt(atoll(gone.data), 0, "the fixture has functions only profile 3 calls");
	buf_release(&gone);
	cr_assert_eq(t_run(&out, &err, "rm --db '%s' append_growth.pb.gz", db), 0, "%s", err.data);
	cr_expect(strstr(out.data, "profile") && strstr(out.data, "append_growth.pb.gz"), "%s", out.data);
	cr_expect(strstr(err.data, "removed 1 profile and 0 builds"), "%s", err.data);
	buf_release(&out);
	buf_release(&err);
	expect_no_trace_of_profile(db, 3, "2");
	expect_other_profiles_unchanged(before, db, 3);
	expect_same(before, db, "SELECT * FROM builds ORDER BY 1", "builds");
	expect_same(before, db, "SELECT * FROM diagnostics ORDER BY 1, 2", "diagnostics");
	expect_consistent(db);
	/* the functions and file names only it had are gone from the strings */
	{
		char sql[1024];
		struct buf names;

		snprintf(sql, sizeof(sql), "ATTACH '%s' AS b; SELECT count(*) FROM (SELECT function FROM b.frames"
			 " WHERE profile_id = 3 EXCEPT SELECT function FROM b.frames WHERE profile_id != 3)"
			 " WHERE function IN (SELECT s FROM main.str)", before);
		t_sqlite3(&names, db, sql);
		cr_expect_eq(atoll(names.data), 0, "functions only the removed profile had are still stored");
		buf_release(&names);
	}
	/* as many stacks and locations as a store of the three that remain */
	run_ok("load -q --db '%s' '%s' '%s'", fresh, S26 "chan_send.pb.gz", recompressed(S26 "chan_send.pb.gz"));
	run_ok("load -q --db '%s' '%s'", fresh, S22 "map_insert.pb.gz");
	cr_expect_eq(t_sqlite3_int(db, "SELECT count(*) FROM stack"), t_sqlite3_int(fresh, "SELECT count(*) FROM stack"));
	cr_expect_eq(t_sqlite3_int(db, "SELECT count(*) FROM location"), t_sqlite3_int(fresh, "SELECT count(*) FROM location"));
	cr_expect_eq(t_sqlite3_int(db, "SELECT count(*) FROM func WHERE refs > 0"),
		     t_sqlite3_int(fresh, "SELECT count(*) FROM func WHERE refs > 0"));
}

Test(rm, a_profile_sharing_every_stack_leaves_them_to_the_other)
{
	const char *db = make_store("rm-shared"), *before = t_fresh("rm-shared-before.db");
	long long stacks;

	copy_file(db, before);
	stacks = t_sqlite3_int(db, "SELECT count(*) FROM stack");
	/* the same bytes recompressed: no stack is its own */
	run_ok("rm -q --db '%s' --profile 1", db);
	expect_no_trace_of_profile(db, 1, "1");
	expect_other_profiles_unchanged(before, db, 1);
	cr_expect_eq(t_sqlite3_int(db, "SELECT count(*) FROM stack"), stacks);
	expect_consistent(db);
	/* then the copy: its stacks go now */
	run_ok("rm -q --db '%s' copy", db);
	expect_no_trace_of_profile(db, 2, NULL);
	expect_profiles_unchanged(before, db, "NOT IN (1, 2)");
	cr_expect_lt(t_sqlite3_int(db, "SELECT count(*) FROM stack"), stacks);
	expect_consistent(db);
}

Test(rm, a_build_goes_with_its_diagnostics_and_the_analyses_made_with_it)
{
	const char *db = make_store("rm-build"), *before = t_fresh("rm-build-before.db");
	struct buf err;

	copy_file(db, before);
	cr_assert_eq(t_sqlite3_int(db, "SELECT count(*) FROM flow_step WHERE build_id = 1") > 0, 1);
	cr_assert_eq(t_run(NULL, &err, "rm -q --db '%s' --build chan_send.mm.txt", db), 0, "%s", err.data);
	buf_release(&err);
	cr_expect_eq(t_sqlite3_int(db, "SELECT (SELECT count(*) FROM build WHERE id = 1) + (SELECT count(*) FROM"
			    " build_name WHERE build_id = 1) + (SELECT count(*) FROM diagnostic WHERE build_id = 1)"
			    " + (SELECT count(*) FROM flow_step WHERE build_id = 1) + (SELECT count(*) FROM"
			    " analysis_build WHERE build_id = 1) + (SELECT count(*) FROM alloc_site WHERE build_id = 1)"),
		     0);
	/* the analysis made with it is gone, the profile stays with all its samples */
	cr_expect_eq(t_sqlite3_int(db, "SELECT count(*) FROM analysis WHERE id = 1"), 0);
	cr_expect_eq(t_sqlite3_int(db, "SELECT count(*) FROM alloc_site WHERE analysis_id = 1"), 0);
	expect_other_profiles_unchanged(before, db, 1);
	expect_same(before, db, "SELECT * FROM frames WHERE profile_id = 1 ORDER BY 1, 2, 3", "frames of 1");
	expect_same(before, db, "SELECT * FROM diagnostics WHERE build_id != 1 ORDER BY 1, 2", "diagnostics");
	expect_same(before, db, "SELECT * FROM flow_steps WHERE build_id != 1 ORDER BY 1, 2, 3", "flow_steps");
	expect_consistent(db);
}

Test(rm, delete_from_the_profiles_and_builds_views_removes_as_rm_does)
{
	const char *db = make_store("rm-sql"), *before = t_fresh("rm-sql-before.db");
	struct buf err;

	copy_file(db, before);
	cr_assert_eq(t_run(NULL, &err, "sql --write --db '%s' \"DELETE FROM profiles WHERE name = 'append_growth.pb.gz'\"", db),
		     0, "%s", err.data);
	buf_release(&err);
	expect_no_trace_of_profile(db, 3, "2");
	expect_other_profiles_unchanged(before, db, 3);
	expect_consistent(db);
	cr_assert_eq(t_run(NULL, &err, "sql --write --db '%s' \"DELETE FROM builds WHERE build_id = 1\"", db),
		     0, "%s", err.data);
	buf_release(&err);
	cr_expect_eq(t_sqlite3_int(db, "SELECT count(*) FROM diagnostic WHERE build_id = 1"), 0);
	cr_expect_eq(t_sqlite3_int(db, "SELECT count(*) FROM analysis"), 0);
	expect_consistent(db);
	/* a string still named cannot be deleted behind escprof's back */
	cr_expect_eq(t_run(NULL, &err, "sql --write --db '%s' \"DELETE FROM str\"", db), 3);
	buf_release(&err);
	expect_consistent(db);
}

Test(rm, the_rest_of_the_store_can_be_removed_down_to_nothing)
{
	const char *db = make_store("rm-all");

	run_ok("rm -q --db '%s' --force --profile chan_send.pb.gz copy", db);
	run_ok("rm -q --db '%s' --profile append_growth.pb.gz map", db);
	run_ok("rm -q --db '%s' --build chan_send.mm.txt append_growth.mm.txt", db);
	cr_expect_eq(t_sqlite3_int(db, "SELECT (SELECT count(*) FROM stack) + (SELECT count(*) FROM location)"
			    " + (SELECT count(*) FROM str) + (SELECT count(*) FROM func WHERE refs > 0)"
			    " + (SELECT count(*) FROM sample) + (SELECT count(*) FROM diagnostic)"
			    " + (SELECT count(*) FROM alloc_site)"), 0);
	expect_consistent(db);
}

/* Sample labels with strings (a CPU profile of the corpus): they stay while another
 * profile's labels hold them and go with the last. */
Test(rm, label_strings_go_with_the_last_profile_holding_them)
{
	const char *db = t_fresh("rm-labels.db"), *gz = t_fresh("labels.pb.gz");
	char path[4096], cmd[8192];
	long long held;

	if (!t_shared()) {
		cr_log_warn("no ../shared/corpus: label strings not checked");
		return;
	}
	snprintf(path, sizeof(path), "%s/corpus/profiles/go-cpu_sqlprof_go1.23.3_labels.pprof", t_shared());
	if (access(path, R_OK)) {
		cr_log_warn("%s absent: label strings not checked", path);
		return;
	}
	/* the same profile in other bytes: compressed again */
	snprintf(cmd, sizeof(cmd), "zcat -f '%s' | gzip -1 >'%s'", path, gz);
	cr_assert_eq(system(cmd), 0);
	run_ok("load -q --db '%s' '%s' '%s' '%s'", db, path, gz, S26 "chan_send.pb.gz");
	/* the strings only labels name, as the view shows them */
	held = t_sqlite3_int(db, "SELECT count(*) FROM (SELECT str FROM sample_labels WHERE str IS NOT NULL"
		      " UNION SELECT key FROM sample_labels WHERE key != 'bytes')"
		      " WHERE str NOT IN (SELECT n.s FROM func f JOIN str n ON n.id IN (f.name_id, f.file_id))");
	cr_assert_gt(held, 0, "the corpus profile has string labels");
	run_ok("rm -q --db '%s' --profile 1", db);
	expect_consistent(db);
	cr_expect_eq(t_sqlite3_int(db, "SELECT count(*) FROM str WHERE id IN (SELECT key_id FROM sample_label"
			    " UNION SELECT str_id FROM sample_label)"),
		     t_sqlite3_int(db, "SELECT count(*) FROM (SELECT DISTINCT key_id FROM sample_label UNION"
			    " SELECT str_id FROM sample_label WHERE str_id IS NOT NULL)"), "label strings lost");
	run_ok("rm -q --db '%s' --profile 2", db);
	expect_consistent(db);
	cr_expect_eq(t_sqlite3_int(db, "SELECT count(*) FROM sample_label"), 0);
	/* what is left is chan_send's own: the strings its stacks' functions name in a store
	 * of it alone */
	{
		const char *alone = t_fresh("rm-labels-alone.db");

		run_ok("load -q --db '%s' '%s'", alone, S26 "chan_send.pb.gz");
		cr_expect_eq(t_sqlite3_int(db, "SELECT count(*) FROM str"),
			     t_sqlite3_int(alone, "SELECT count(*) FROM str WHERE id IN (SELECT name_id FROM func"
				    " WHERE refs > 0 UNION SELECT file_id FROM func WHERE refs > 0)"));
	}
}

/* ---- bad arguments: one line, exit 2 or 3, the store unchanged ---- */

struct bad_case {
	char args[64];	/* an array: the cases reach the test's process by value */
	int code;
};

ParameterizedTestParameters(rm, bad_arguments_change_nothing)
{
	static struct bad_case cases[] = {
		{"rm", 2},
		{"rm --bogus 3", 2},
		{"rm ''", 2},
		{"rm nosuch", 3},
		{"rm 99", 3},
		{"rm 1", 3},		/* profile 1 and build 1 */
		{"rm --profile nosuch append_growth.pb.gz", 3},	/* nothing removed when one REF is bad */
		{"rm --build 3", 3},
		{"prune", 2},
		{"prune --older-than yesterday", 2},
		{"prune --older-than 2026-02-31", 2},
		{"prune --older-than 30x", 2},
		{"prune --keep-last -1", 2},
		{"prune --keep-last many", 2},
		{"prune --keep-last 1 extra", 2},
		{"prune --bogus", 2},
	};

	return cr_make_param_array(struct bad_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct bad_case *c, rm, bad_arguments_change_nothing)
{
	const char *db = make_store("rm-bad");
	struct buf before, after, err;
	char *nl;

	t_sqlite3(&before, db, ".dump");
	cr_expect_eq(t_run(NULL, &err, "%s --db '%s'", c->args, db), c->code, "%s: %s", c->args, err.data);
	nl = strchr(err.data, '\n');
	cr_expect(nl && !nl[1], "%s: not one line: %s", c->args, err.data);
	buf_release(&err);
	t_sqlite3(&after, db, ".dump");
	cr_expect_eq(before.len, after.len, "%s changed the store", c->args);
	cr_expect(before.len == after.len && !memcmp(before.data, after.data, before.len), "%s changed the store",
		  c->args);
	buf_release(&before);
	buf_release(&after);
}

Test(rm, a_name_matching_several_needs_force)
{
	const char *db = make_store("rm-several");
	struct buf err;

	/* profile 2 also named chan: the same name on other bytes */
	run_ok("sql -q --write --db '%s' \"INSERT INTO profile_name (profile_id, name) VALUES (2, 'chan_send.pb.gz')\"",
	       db);
	cr_expect_eq(t_run(NULL, &err, "rm --db '%s' chan_send.pb.gz", db), 3);
	cr_expect(strstr(err.data, "'chan_send.pb.gz' names 2 profiles and builds") && strstr(err.data, "--force"), "%s",
		  err.data);
	buf_release(&err);
	cr_expect_eq(t_sqlite3_int(db, "SELECT count(*) FROM profile"), 4);
	cr_expect_eq(t_run(NULL, &err, "rm --db '%s' --force chan_send.pb.gz nosuch", db), 0, "%s", err.data);
	buf_release(&err);
	expect_profiles(db, "3,4\n");
	expect_consistent(db);
}

Test(rm, a_missing_store_is_not_created)
{
	const char *db = t_fresh("rm-none.db");
	struct buf err;

	cr_expect_eq(t_run(NULL, &err, "rm --db '%s' 1", db), 3);
	cr_expect(strstr(err.data, "no such store"), "%s", err.data);
	buf_release(&err);
	cr_expect_eq(t_run(NULL, &err, "prune --db '%s' --keep-last 1", db), 3);
	buf_release(&err);
	cr_expect_eq(access(db, F_OK), -1);
}

Test(rm, help_lists_the_options_with_examples)
{
	static const char *const cmds[] = {"rm", "prune"};

	for (size_t i = 0; i < 2; i++) {
		struct buf out;

		cr_expect_eq(t_run(&out, NULL, "%s --help", cmds[i]), 0);
		cr_expect(strstr(out.data, "--dry-run") && strstr(out.data, "examples:"), "%s", out.data);
		cr_expect(strstr(out.data, i ? "--older-than" : "--force"), "%s", out.data);
		buf_release(&out);
	}
}

/* ---- prune ---- */

/* The store with profiles loaded at hand-set times: 1 on 2026-01-01, 2 on 2026-02-01, 3
 * forty days ago, 4 ten days ago; builds 1 on 2026-01-01, 2 now. */
static const char *dated_store(const char *name)
{
	const char *db = make_store(name);
	char cmd[2048];

	snprintf(cmd, sizeof(cmd), "sqlite3 '%s' \"UPDATE profile SET loaded_at = CASE id"
		 " WHEN 1 THEN '2026-01-01T00:00:00Z' WHEN 2 THEN '2026-02-01T00:00:00Z'"
		 " WHEN 3 THEN strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', 'now', '-40 days')"
		 " ELSE strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', 'now', '-10 days') END;"
		 " UPDATE build SET loaded_at = '2026-01-01T00:00:00Z' WHERE id = 1\"", db);
	cr_assert_eq(system(cmd), 0);
	return db;
}

Test(prune, older_than_an_age_or_a_date)
{
	const char *db = dated_store("prune-age"), *before = t_fresh("prune-age-before.db");
	struct buf out, err;

	copy_file(db, before);
	/* the dry run lists and keeps */
	cr_assert_eq(t_run(&out, &err, "prune --db '%s' --older-than 30d --dry-run --format csv", db), 0, "%s",
		     err.data);
	cr_expect(strstr(out.data, "kind,id,name,loaded_at") && strstr(out.data, "profile,1,chan_send.pb.gz,"
		  "2026-01-01T00:00:00Z") && strstr(out.data, "profile,3,"), "%s", out.data);
	cr_expect(!strstr(out.data, "profile,4,"), "%s", out.data);
	cr_expect(strstr(err.data, "would remove 3 profiles"), "%s", err.data);
	buf_release(&out);
	buf_release(&err);
	expect_profiles(db, "1,2,3,4\n");
	cr_assert_eq(t_run(NULL, &err, "prune -q --db '%s' --older-than 2026-01-15", db), 0, "%s", err.data);
	buf_release(&err);
	expect_profiles(db, "2,3,4\n");
	cr_assert_eq(t_run(NULL, &err, "prune -q --db '%s' --older-than 30d", db), 0, "%s", err.data);
	buf_release(&err);
	expect_profiles(db, "4\n");
	expect_profiles_unchanged(before, db, "= 4");
	expect_consistent(db);
}

Test(prune, keep_last_keeps_the_newest)
{
	const char *db = dated_store("prune-keep");
	struct buf err;

	/* older than 30 days are 1, 2 and 3; the newest two (4 and 3) are kept */
	cr_assert_eq(t_run(NULL, &err, "prune -q --db '%s' --older-than 30d --keep-last 2", db), 0, "%s", err.data);
	buf_release(&err);
	expect_profiles(db, "3,4\n");
	cr_assert_eq(t_run(NULL, &err, "prune -q --db '%s' --keep-last 1", db), 0, "%s", err.data);
	buf_release(&err);
	expect_profiles(db, "4\n");
	expect_consistent(db);
	/* builds apart: the one of 2026-01-01 */
	cr_assert_eq(t_run(NULL, &err, "prune -q --db '%s' --builds --older-than 2026-06-01T00:00:00Z", db), 0, "%s",
		     err.data);
	buf_release(&err);
	cr_expect_eq(t_sqlite3_int(db, "SELECT group_concat(id) FROM build"), 2);
	expect_consistent(db);
}

/* ---- names given again ---- */

Test(names, a_log_stored_again_under_a_new_name_answers_to_both)
{
	const char *db = t_fresh("names-log.db"), *budget = t_fresh("names.budget");
	struct buf out, err;

	t_write(budget, "total alloc_space <= 1GiB\n", 26);
	run_ok("load -q --db '%s' '%s'", db, S26 "chan_send.pb.gz");
	run_ok("escapes -q --db '%s' --name main '%s'", db, S26 "chan_send.mm.txt");
	run_ok("escapes -q --db '%s' --name pr '%s'", db, S26 "chan_send.mm.txt");
	cr_expect_eq(t_sqlite3_int(db, "SELECT count(*) FROM build"), 1);
	t_sqlite3(&out, db, "SELECT name FROM build_names ORDER BY name");
	cr_expect_str_eq(out.data, "main\npr\n");
	buf_release(&out);
	cr_expect_eq(t_run(&out, &err, "check --db '%s' --budget '%s' --build pr", db, budget), 0, "%s%s", out.data,
		     err.data);
	buf_release(&out);
	buf_release(&err);
	cr_expect_eq(t_run(&out, &err, "check --db '%s' --budget '%s' --build main", db, budget), 0, "%s%s",
		     out.data, err.data);
	buf_release(&out);
	buf_release(&err);
	/* the builds view keeps the name it was stored with */
	t_sqlite3(&out, db, "SELECT name FROM builds");
	cr_expect_str_eq(out.data, "main\n");
	buf_release(&out);
}

Test(names, a_name_means_the_one_given_it_last)
{
	const char *db = t_fresh("names-last.db");
	const char *copy = recompressed(S26 "chan_send.pb.gz");
	struct store *s;
	struct err e = {0};
	int64_t id;

	run_ok("load -q --db '%s' --name x '%s' '%s'", db, S26 "chan_send.pb.gz", copy);
	cr_assert_eq(store_open(&s, db, STORE_READ_ONLY, &e), ESC_OK, "%s", e.msg);
	cr_expect_eq(store_resolve_profile(s, "x", &id, &e), ESC_OK, "%s", e.msg);
	cr_expect_eq(id, 2);
	store_close(s);
	/* the first file again, with the name: x is profile 1 now; without a name: nothing */
	run_ok("load -q --db '%s' --name x '%s'", db, S26 "chan_send.pb.gz");
	cr_assert_eq(store_open(&s, db, STORE_READ_ONLY, &e), ESC_OK, "%s", e.msg);
	cr_expect_eq(store_resolve_profile(s, "x", &id, &e), ESC_OK, "%s", e.msg);
	cr_expect_eq(id, 1);
	store_close(s);
	{
		const char *before = t_fresh("names-last-before.db");
		struct buf a, b;

		copy_file(db, before);
		run_ok("load -q --db '%s' '%s'", db, copy);
		t_sqlite3(&a, before, ".dump");
		t_sqlite3(&b, db, ".dump");
		cr_expect_str_eq(a.data, b.data, "a reload without --name changed the store");
		buf_release(&a);
		buf_release(&b);
	}
	cr_expect_eq(t_sqlite3_int(db, "SELECT count(*) FROM profile"), 2);
	cr_expect_eq(t_sqlite3_int(db, "SELECT count(*) FROM profile_names WHERE name = 'x'"), 2);
}

/* ---- migration from version 5 ---- */

/* A version-5 store holding what v6 (a store of this version) holds, made with the
 * schema's own SQL of versions 1 to 5 and the tables copied column for column, but for
 * the stacks: version 5 stored each linked stack whole, under any unique key. */
static void make_v5_store(const char *v5, const char *v6)
{
	char cmd[16384];

	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && cat store/schema/001.sql store/schema/002.sql store/schema/003.sql"
		 " store/schema/004.sql store/schema/005.sql | sqlite3 -bail '%s' && sqlite3 -bail '%s' \""
		 "PRAGMA user_version = 5; ATTACH '%s' AS n; BEGIN;"
		 " INSERT INTO str SELECT * FROM n.str; INSERT INTO func SELECT id, name_id, file_id FROM n.func;"
		 " INSERT INTO location SELECT id, lines FROM n.location; INSERT INTO stack SELECT s.id, CAST(printf('%%016d', s.id) AS BLOB), s.depth,"
		 " (WITH RECURSIVE c (node, part, locs) AS (SELECT parent, 0, locs FROM n.stack WHERE id = s.id"
		 " UNION ALL SELECT t.parent, c.part + 1, t.locs FROM c JOIN n.stack t ON t.id = c.node)"
		 " SELECT '[' || coalesce(group_concat(nullif(substr(locs, 2, length(locs) - 2), '')), '') || ']'"
		 " FROM (SELECT locs FROM c ORDER BY part))"
		 " FROM n.stack s WHERE s.id IN (SELECT stack_id FROM n.sample);"
		 " INSERT INTO profile SELECT * FROM n.profile; INSERT INTO profile_label SELECT * FROM n.profile_label;"
		 " INSERT INTO sample_type SELECT * FROM n.sample_type;"
		 " INSERT INTO profile_stack SELECT DISTINCT profile_id, stack_id FROM n.sample;"
		 T_COPY_SAMPLES_BEFORE_V8
		 " INSERT INTO sample_label SELECT * FROM n.sample_label;"
		 " INSERT INTO build SELECT * FROM n.build; INSERT INTO diagnostic SELECT * FROM n.diagnostic;"
		 " INSERT INTO flow_step SELECT * FROM n.flow_step; INSERT INTO cause SELECT * FROM n.cause;"
		 " INSERT INTO analysis SELECT * FROM n.analysis; INSERT INTO alloc_site SELECT * FROM n.alloc_site;"
		 " INSERT INTO analysis_build SELECT * FROM n.analysis_build; COMMIT;\"",
		 t_src(), v5, v5, v6);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
}

Test(migration, a_version_5_store_keeps_every_view_and_then_removes_cleanly)
{
	const char *v6 = make_store("mig-v6"), *v5 = t_fresh("mig-v5.db");
	static const char *const views[] = {
		"SELECT * FROM profiles ORDER BY 1", "SELECT * FROM profile_labels ORDER BY 1, 2, 3",
		"SELECT * FROM sample_types ORDER BY 1, 2", "SELECT * FROM sample_values ORDER BY 1, 2, 3",
		"SELECT * FROM heap_samples ORDER BY 1, 2", "SELECT * FROM sample_labels ORDER BY 1, 2, 3, 4, 5",
		"SELECT * FROM frames ORDER BY 1, 2, 3", "SELECT * FROM builds ORDER BY 1",
		"SELECT * FROM diagnostics ORDER BY 1, 2", "SELECT * FROM flow_steps ORDER BY 1, 2, 3",
		"SELECT * FROM alloc_sites ORDER BY 1, 3", "SELECT * FROM causes",
	};
	struct buf err;

	make_v5_store(v5, v6);
	cr_assert_eq(t_sqlite3_int(v5, "PRAGMA user_version"), 5);
	/* an orphan a v5 store could hold: labels of a profile deleted by hand */
	{
		char cmd[1024];

		snprintf(cmd, sizeof(cmd), "sqlite3 '%s' \"INSERT INTO profile_label VALUES (77, 'k', 'v')\"", v5);
		cr_assert_eq(system(cmd), 0);
	}
	/* the first write migrates */
	cr_assert_eq(t_run(NULL, &err, "sql --write --db '%s' \"CREATE TABLE mine (x)\"", v5), 0, "%s", err.data);
	buf_release(&err);
	cr_expect_eq(t_sqlite3_int(v5, "PRAGMA user_version"), 8);
	for (size_t i = 0; i < sizeof(views) / sizeof(views[0]); i++)
		expect_same(v6, v5, views[i], views[i]);
	cr_expect_eq(t_sqlite3_int(v5, "SELECT count(*) FROM profile_label WHERE profile_id = 77"), 0);
	expect_consistent(v5);
	/* names came from the name column */
	expect_same(v6, v5, "SELECT * FROM profile_names ORDER BY 1, 2", "profile_names");
	run_ok("rm -q --db '%s' --profile append_growth.pb.gz", v5);
	run_ok("rm -q --db '%s' --build 1", v5);
	expect_no_trace_of_profile(v5, 3, "2");
	cr_expect_eq(t_sqlite3_int(v5, "SELECT count(*) FROM diagnostic WHERE build_id = 1"), 0);
	expect_consistent(v5);
}
