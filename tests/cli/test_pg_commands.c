/* test_pg_commands.c — every command on a store on PostgreSQL says what it says on
 * SQLite. One fleet (three sample programs loaded as services, each with its -m -m log,
 * one of them analysed twice), made by the same commands in an SQLite file and in a new
 * database of the suite's server (tests/with-postgres.sh); then each reading command's
 * output on the two must be the same bytes, once each store's own name is put aside, and
 * so must every view the analyses filled. The outputs themselves are held to pprof's
 * totals (.expect) and to the compiler's log by the SQLite suites. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "tests/testutil.h"

#define S26 "sample-profiles/out/go1.26/"

/* out with every occurrence of db replaced by "DB" */
static void unname(struct buf *out, const char *db)
{
	struct buf b;
	const char *p = out->data, *q;
	size_t n = strlen(db);

	buf_init(&b);
	while ((q = strstr(p, db))) {
		buf_add(&b, p, (size_t)(q - p));
		buf_adds(&b, "DB");
		p = q + n;
	}
	buf_adds(&b, p);
	buf_release(out);
	*out = b;
}

static void run_ok(struct buf *out, const char *db, const char *shown, const char *args)
{
	struct buf err;

	buf_init(out);
	cr_assert_eq(t_run(out, &err, "%s --db '%s'", args, db), 0, "%s on %s: %s", args, db, err.data);
	unname(out, shown);
	unname(out, db);
	buf_release(&err);
}

/* the fleet, made by commands alone */
static void fleet(const char *db)
{
	static const char *const steps[] = {
		"load -q --name api-eu --label service=api --label region=eu " S26 "chan_send.pb.gz",
		"load -q --name web --label service=web " S26 "iface_fmt.pb.gz",
		"load -q --name api-us --label service=api --label region=us " S26 "map_insert.pb.gz",
		"escapes -q " S26 "chan_send.mm.txt",
		"escapes -q " S26 "iface_fmt.mm.txt",
		"escapes -q --name maps " S26 "map_insert.mm.txt",
		/* the same log again: nothing new but its name */
		"escapes -q --name chan " S26 "chan_send.mm.txt",
		"top -q --profile api-eu --build iface_fmt.mm.txt -n 1",
		"top -q --profile api-eu --build chan -n 1",
		"top -q --profile web --build iface_fmt.mm.txt -n 1",
		"top -q --profile api-us --build maps -n 1",
	};
	struct buf err;
	size_t i;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		cr_assert_eq(t_run(NULL, &err, "%s --db '%s'", steps[i], db), 0, "%s on %s: %s", steps[i], db,
			     err.data);
	buf_release(&err);
}

#define PIN_TIMES \
	"UPDATE profile SET loaded_at = CASE name WHEN 'api-eu' THEN '2026-01-10T08:00:00Z'" \
	" WHEN 'web' THEN '2026-02-10T08:00:00Z' ELSE '2026-02-11T09:00:00Z' END;" \
	" UPDATE build SET loaded_at = '2026-01-09T08:00:00Z';" \
	" UPDATE analysis SET created_at = '2026-03-01T08:00:00Z';"

/* What is asked of both: each reading command, in text and JSON where it has both. */
static const char *const questions[] = {
	"top -n 0",
	"top -n 0 --format json",
	"top --profile api-eu --by function -n 0",
	"top --profile web --by package --format csv -n 0",
	"top --label service=api -n 5",
	"top --label region=eu --format json -n 0",
	"explain --profile web 1",
	"explain --profile api-eu --format json 1",
	"list --profile web 'main\\.'",
	"list --profile api-us --format json .",
	"check --profile web --budget sample-profiles/iface_fmt.budget",
	"check --profile web --budget sample-profiles/iface_fmt.budget --format json",
	"diff api-eu api-us",
	"diff --format json web api-eu",
	"top --merge -n 0",
	"top --merge --by cause --format json",
	"top --merge --label service=api --by function --format csv -n 0",
	"top --merge --by size -sample_index inuse_space -n 0",
	"top --merge --label service=api --by cause -sample_index alloc_objects --format csv",
	"report --html - --label service=api --trend package",
	"report --html - --profile web --trend-per day",
	"trend -sample_index alloc_space --format csv",
	"trend --by package --per profile --format json",
	"trend --label service=api --by function -n 3",
	("sql --format tsv \"SELECT profile_id, build_id, site_id, function, package, file, line,"
	" alloc_objects, alloc_space, inuse_objects, inuse_space, cause, confidence, diag_id,"
	" attributed_via, hint, decisive_seq, evidence, samples, analysis_id FROM alloc_sites"
	" ORDER BY profile_id, site_id\""),
	"sql --format tsv \"SELECT * FROM diagnostics ORDER BY build_id, diag_id\"",
	"sql --format tsv \"SELECT * FROM flow_steps ORDER BY build_id, diag_id, seq\"",
	"sql --format tsv \"SELECT build_id, name, source, go_version FROM builds ORDER BY build_id\"",
	"sql --format tsv \"SELECT * FROM build_names ORDER BY build_id, name\"",
	"sql --format tsv \"SELECT * FROM causes\"",
	("sql --format tsv \"SELECT a.profile_id, a.analysis_id, count(*) AS n FROM alloc_sites a"
	" GROUP BY a.profile_id, a.analysis_id ORDER BY 1\""),
};

/* Asked after those: questions that join profiles anew, two at a time (the second one's
 * stacks are brought into the working copy beside the first's), and store what they load. */
static const char *const joins[] = {
	"diff --build chan --by function -n 0 api-eu web",
	"diff --base-build maps --build iface_fmt.mm.txt --format json -n 0 api-us web",
	("diff -trim_path /src/samples --build sample-profiles/diffpair/out/go1.19/diffpair.mm.txt"
	" sample-profiles/diffpair/out/go1.19/base.pb.gz sample-profiles/diffpair/out/go1.19/new.pb.gz"),
	"sql --format tsv \"SELECT profile_id, name, source FROM profiles ORDER BY profile_id\"",
	("sql --format tsv \"SELECT profile_id, count(*) AS n, sum(alloc_space) AS s FROM alloc_sites"
	" GROUP BY profile_id ORDER BY profile_id\""),
};

/* Each question on both stores: the same bytes, and something said. */
static void ask_both(const char *db, const char *url, const char *shown, const char *const *q, size_t n)
{
	struct buf a, b;
	size_t i;

	for (i = 0; i < n; i++) {
		run_ok(&a, db, db, q[i]);
		run_ok(&b, url, shown, q[i]);
		cr_assert_gt(a.len, 0, "%s: nothing", q[i]);
		cr_assert_str_eq(b.data, a.data, "PostgreSQL and SQLite differ on %s", q[i]);
		buf_release(&a);
		buf_release(&b);
	}
}

Test(pg_cmd, every_reading_command_says_on_postgresql_what_it_says_on_sqlite, .timeout = 600)
{
	const char *url, *db = t_fresh("pgcmd.db");
	char shown[512];
	struct buf a;

	T_PG_OR_SKIP(url);
	/* how messages name the server's database: without its password */
	snprintf(shown, sizeof(shown), "postgres://escprof@%s", strchr(url, '@') + 1);
	fleet(db);
	fleet(url);
	/* the times the two made them at, made the same (and three days) */
	t_sqlite3(&a, db, PIN_TIMES);
	buf_release(&a);
	t_pg_exec(url, PIN_TIMES);
	ask_both(db, url, shown, questions, sizeof(questions) / sizeof(questions[0]));
	/* the analyses are there once each: two of api-eu, one each of the others */
	cr_assert_eq(t_pg_int(url, "SELECT count(*) FROM analysis"), 4);
	cr_assert_eq(t_pg_int(url, "SELECT count(*) FROM build"), 3);
	cr_assert_eq(t_pg_int(url, "SELECT count(*) FROM alloc_site s JOIN analysis a ON a.id = s.analysis_id"
			      " WHERE a.profile_id <> s.profile_id"), 0);
	/* the newest analysis of each adds up to pprof's total */
	cr_assert_eq(t_pg_int(url, "SELECT sum(alloc_space) FROM alloc_sites WHERE profile_id = 2"),
		     t_expect(t_path(S26 "iface_fmt.expect"), "alloc_space"));
	ask_both(db, url, shown, joins, sizeof(joins) / sizeof(joins[0]));
	cr_assert_eq(t_pg_int(url, "SELECT count(*) FROM profile"), 5);
}

Test(pg_cmd, analyze_and_report_on_postgresql_equal_sqlite, .timeout = 600)
{
	const char *url, *db = t_fresh("pgan.db");
	const char *ha = t_fresh("a.html"), *hb = t_fresh("b.html");
	char shown[512], args[1024];
	struct buf a, b;

	T_PG_OR_SKIP(url);
	snprintf(shown, sizeof(shown), "postgres://escprof@%s", strchr(url, '@') + 1);
	snprintf(args, sizeof(args), "analyze -n 0 --format json -source_path sample-profiles"
		 " -trim_path /src/samples " S26 "iface_fmt.pb.gz " S26 "iface_fmt.mm.txt");
	run_ok(&a, db, db, args);
	run_ok(&b, url, shown, args);
	cr_assert_str_eq(b.data, a.data);
	buf_release(&a);
	buf_release(&b);
	/* again: the same profile and log, a second analysis */
	run_ok(&a, db, db, args);
	run_ok(&b, url, shown, args);
	cr_assert_str_eq(b.data, a.data);
	buf_release(&a);
	buf_release(&b);
	cr_assert_eq(t_pg_int(url, "SELECT count(*) FROM profile"), 1);
	cr_assert_eq(t_pg_int(url, "SELECT count(*) FROM build"), 1);
	cr_assert_eq(t_pg_int(url, "SELECT count(*) FROM analysis"), 2);
	/* the HTML report of the stored profile */
	snprintf(args, sizeof(args), "report -q --html '%s' -source_path sample-profiles -trim_path /src/samples", ha);
	run_ok(&a, db, db, args);
	snprintf(args, sizeof(args), "report -q --html '%s' -source_path sample-profiles -trim_path /src/samples", hb);
	run_ok(&b, url, shown, args);
	buf_release(&a);
	buf_release(&b);
	t_read(&a, ha);
	t_read(&b, hb);
	unname(&a, db);
	unname(&b, shown);
	cr_assert_gt(a.len, 10000);
	cr_assert_str_eq(b.data, a.data, "the two reports differ");
	buf_release(&a);
	buf_release(&b);
}
