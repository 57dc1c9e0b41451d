/* test_failures.c — a command that fails changes nothing. Every command that takes --db,
 * given a failing input in each position it reads one (a bad profile, a bad log, a second
 * log that is bad, a missing baseline or build, an output path that cannot be created, a
 * bad or missing budget, a bad query), exits 3 (2 for a usage error), prints nothing on
 * standard output, leaves an existing store byte for byte as it was, and leaves no file
 * at all behind for a --db path that did not exist. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <glob.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/testutil.h"

/* One failing run. In cmd, @db is the store, @t/ a directory holding bad.pb.gz (half of
 * a gzip profile), bad.log (no diagnostics), bad.budget (an unknown rule) and
 * grown.budget (a rule that needs --baseline); @s/ the go1.26 sample outputs. */
struct failing {
	char name[48];
	char cmd[256];
	int code;		/* exit code on the store below */
	int code_new;		/* exit code when @db does not exist yet */
};

ParameterizedTestParameters(failures, a_failing_command_leaves_the_store_as_it_was)
{
	static struct failing cases[] = {
		{"load: second profile bad", "load --db @db @s/chan_send.pb.gz @t/bad.pb.gz", 3, 3},
		{"load: second profile missing", "load --db @db @s/chan_send.pb.gz @t/missing.pb.gz", 3, 3},
		{"escapes: bad log", "escapes --db @db @t/bad.log", 3, 3},
		{"escapes: second log bad", "escapes --db @db @s/chan_send.mm.txt @t/bad.log", 3, 3},
		{"escapes: second log missing", "escapes --db @db @s/chan_send.mm.txt @t/missing.log", 3, 3},
		{"analyze: bad profile", "analyze --db @db @t/bad.pb.gz @s/chan_send.mm.txt", 3, 3},
		{"analyze: bad log", "analyze --db @db @s/chan_send.pb.gz @t/bad.log", 3, 3},
		{"analyze: second log bad",
		 "analyze --db @db @s/chan_send.pb.gz @s/chan_send.mm.txt @t/bad.log", 3, 3},
		{"analyze: missing build",
		 "analyze --db @db --build nosuch @s/chan_send.pb.gz @s/chan_send.mm.txt", 3, 3},
		{"report: bad log", "report --db @db --html @t/out.html @s/chan_send.pb.gz @t/bad.log", 3, 3},
		{"report: unwritable output",
		 "report --db @db --html /nonexistent/dir/x.html @s/chan_send.pb.gz @s/chan_send.mm.txt", 3, 3},
		{"report: missing baseline",
		 "report --db @db --html @t/out.html --baseline nosuch @s/chan_send.pb.gz @s/chan_send.mm.txt",
		 3, 3},
		{"report: stored, unwritable output", "report --db @db --html /nonexistent/dir/x.html", 3, 3},
		{"check: bad budget", "check --db @db --budget @t/bad.budget", 3, 3},
		{"check: missing budget", "check --db @db --budget @t/missing.budget", 3, 3},
		{"check: missing baseline", "check --db @db --budget @t/grown.budget --baseline nosuch", 3, 3},
		{"top: bad sample type", "top --db @db -sample_index bogus", 2, 3},
		{"explain: no such site", "explain --db @db nosuch.go:1", 3, 3},
		{"list: nothing matches", "list --db @db nosuch_function", 3, 3},
		{"diff: second profile bad", "diff --db @db @s/chan_send.pb.gz @t/bad.pb.gz", 3, 3},
		{"diff: second log bad", "diff --db @db @s/chan_send.mm.txt @t/bad.log", 3, 3},
		{"sql: bad query", "sql --db @db \"SELECT nosuch\"", 2, 3},
		{"sql: failing write", "sql --db @db --write \"INSERT INTO nosuch VALUES (1)\"", 2, 3},
	};

	return cr_make_param_array(struct failing, cases, sizeof(cases) / sizeof(cases[0]));
}

/* cmd with @db, @t and @s replaced */
static void expand(char *out, size_t n, const char *cmd, const char *db, const char *dir)
{
	size_t o = 0;

	while (*cmd && o + 1 < n) {
		const char *with = NULL;
		size_t skip = 0;

		if (!strncmp(cmd, "@db", 3))
			with = db, skip = 3;
		else if (!strncmp(cmd, "@t", 2))
			with = dir, skip = 2;
		else if (!strncmp(cmd, "@s", 2))
			with = "sample-profiles/out/go1.26", skip = 2;
		if (with) {
			o += (size_t)snprintf(out + o, n - o, "'%s'", with);
			cmd += skip;
		} else {
			out[o++] = *cmd++;
		}
	}
	cr_assert_lt(o + 1, n, "command too long");
	out[o] = '\0';
}

/* Folds whatever a -wal file holds into the store, so that its bytes are all it holds. */
static void settle(const char *db)
{
	sqlite3 *h = NULL;

	cr_assert_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK, "cannot open %s", db);
	cr_assert_eq(sqlite3_exec(h, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL), SQLITE_OK,
		     "%s", sqlite3_errmsg(h));
	sqlite3_close(h);
}

static void write_inputs(const char *dir)
{
	char p[700];
	struct buf good;
	static const char grown[] = "grown function * alloc_space <= +10%\n";

	t_read(&good, t_path("sample-profiles/out/go1.26/iface_fmt.pb.gz"));
	snprintf(p, sizeof(p), "%s/bad.pb.gz", dir);
	t_write(p, good.data, good.len / 2);
	buf_release(&good);
	snprintf(p, sizeof(p), "%s/bad.log", dir);
	t_write(p, "this is not a compiler log\n", 27);
	snprintf(p, sizeof(p), "%s/bad.budget", dir);
	t_write(p, "bogus rule\n", 11);
	snprintf(p, sizeof(p), "%s/grown.budget", dir);
	t_write(p, grown, sizeof(grown) - 1);
}

ParameterizedTest(struct failing *f, failures, a_failing_command_leaves_the_store_as_it_was)
{
	const char *dir = t_fresh("fail");
	char db[700], fresh[700], cmd[2048];
	struct buf before, after, out, err;
	glob_t g = {0};
	int rc;

	cr_assert_eq(mkdir(dir, 0700), 0);
	write_inputs(dir);
	snprintf(db, sizeof(db), "%s/store.db", dir);
	/* a profile and a build but no analysis yet: a reading command would store one */
	cr_assert_eq(t_run(NULL, NULL, "load -q --db '%s' sample-profiles/out/go1.26/iface_fmt.pb.gz", db), 0);
	cr_assert_eq(t_run(NULL, NULL, "escapes -q --db '%s' sample-profiles/out/go1.26/iface_fmt.mm.txt", db), 0);
	cr_assert_eq(t_sql_int(db, "SELECT count(*) FROM analysis"), 0);
	settle(db);
	t_read(&before, db);

	expand(cmd, sizeof(cmd), f->cmd, db, dir);
	rc = t_run(&out, &err, "%s", cmd);
	cr_expect_eq(rc, f->code, "%s: exit %d, not %d: %s", f->name, rc, f->code, err.data);
	cr_expect_eq(out.len, 0, "%s: printed on stdout: %s", f->name, out.data);
	settle(db);
	t_read(&after, db);
	cr_expect(before.len == after.len && !memcmp(before.data, after.data, before.len),
		  "%s: the store changed", f->name);
	buf_release(&out);
	buf_release(&err);

	snprintf(fresh, sizeof(fresh), "%s/new.db", dir);
	expand(cmd, sizeof(cmd), f->cmd, fresh, dir);
	rc = t_run(&out, &err, "%s", cmd);
	cr_expect_eq(rc, f->code_new, "%s (new store): exit %d, not %d: %s", f->name, rc, f->code_new,
		     err.data);
	snprintf(fresh, sizeof(fresh), "%s/new.db*", dir);
	cr_expect_eq(glob(fresh, 0, NULL, &g), GLOB_NOMATCH, "%s: left %s behind", f->name,
		     g.gl_pathc ? g.gl_pathv[0] : "");
	globfree(&g);
	buf_release(&out);
	buf_release(&err);
	buf_release(&before);
	buf_release(&after);
}
