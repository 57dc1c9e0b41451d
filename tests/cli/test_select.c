/* test_select.c — which stored profile a reading command reads: the newest of those that
 * --label, --since and --until admit. A store holds three sample programs loaded as three
 * services (their loaded_at set to three days through the sqlite3 shell); which profile a
 * command chose is told by pprof's own total of it (the .expect oracle): top's bytes by
 * cause add up to it, a budget at a total between two profiles' breaches or passes, the
 * report's title is the profile's name, and explain finds a line only its program has. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "tests/testutil.h"

#define S26 "sample-profiles/out/go1.26/"

/* api-eu (chan_send) loaded 2026-01-10, web (iface_fmt) 2026-02-10, api-us (map_insert)
 * 2026-03-10, in that order. */
static const char *fleet(void)
{
	const char *db = t_fresh("fleet.db");
	struct buf out;

	cr_assert_eq(t_run(NULL, NULL, "load -q --db '%s' --name api-eu --label service=api --label region=eu "
			   S26 "chan_send.pb.gz", db), 0);
	cr_assert_eq(t_run(NULL, NULL, "load -q --db '%s' --name web --label service=web " S26 "iface_fmt.pb.gz",
			   db), 0);
	cr_assert_eq(t_run(NULL, NULL, "load -q --db '%s' --name api-us --label service=api --label region=us "
			   S26 "map_insert.pb.gz", db), 0);
	t_sqlite3(&out, db, "UPDATE profile SET loaded_at = CASE name WHEN 'api-eu' THEN '2026-01-10T08:00:00Z'"
			    " WHEN 'web' THEN '2026-02-10T08:00:00Z' ELSE '2026-03-10T08:00:00Z' END");
	buf_release(&out);
	return db;
}

/* pprof's alloc_space total of a sample program */
static long long total_of(const char *name)
{
	long long v = t_expect(t_path(S26 "%s.expect", name), "alloc_space");

	cr_assert_gt(v, 0, "%s: no alloc_space in its .expect", name);
	return v;
}

/* The bytes top attributes, by cause, of the profile `filters` choose in db. */
static long long top_total(const char *db, const char *filters)
{
	struct buf out, err;
	long long sum = 0;
	char *line, *save = NULL;

	cr_assert_eq(t_run(&out, &err, "top -q --db '%s' --by cause -n 0 --format csv %s", db, filters), 0,
		     "%s: %s", filters, err.data);
	for (line = strtok_r(out.data, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (line[0] >= '0' && line[0] <= '9')
			sum += strtoll(line, NULL, 10);
	buf_release(&out);
	buf_release(&err);
	return sum;
}

Test(select, top_reads_the_newest_profile_the_labels_and_times_admit)
{
	const char *db = fleet();
	long long eu = total_of("chan_send"), web = total_of("iface_fmt"), us = total_of("map_insert");

	cr_assert(eu != web && web != us && eu != us);
	cr_expect_eq(top_total(db, ""), us, "no filter: the newest");
	cr_expect_eq(top_total(db, "--label service=api"), us);
	cr_expect_eq(top_total(db, "--label service=api --label region=eu"), eu, "every label must match");
	cr_expect_eq(top_total(db, "--label region=eu --label service=api"), eu);
	cr_expect_eq(top_total(db, "--label service=web"), web);
	cr_expect_eq(top_total(db, "--since 2026-02-01 --until 2026-03-01"), web);
	cr_expect_eq(top_total(db, "--until 2026-02-01"), eu);
	/* since is inclusive, until exclusive, to the second */
	cr_expect_eq(top_total(db, "--since 2026-03-10T08:00:00Z"), us);
	cr_expect_eq(top_total(db, "--until 2026-03-10T08:00:00Z"), web);
	cr_expect_eq(top_total(db, "--label service=api --until 2026-03-10T08:00:00Z"), eu);
	/* an age is before now: every profile here is older than a day */
	cr_expect_eq(top_total(db, "--until 1d"), us);
	/* --profile is checked against them */
	cr_expect_eq(top_total(db, "--profile web --label service=web"), web);
}

Test(select, a_filter_that_admits_nothing_says_so_and_bad_values_are_usage_errors)
{
	const char *db = fleet();
	struct buf out, err;

	cr_expect_eq(t_run(&out, &err, "top --db '%s' --label service=db", db), 3);
	cr_expect(strstr(err.data, "no heap profile in") && strstr(err.data, "matches --label service=db"),
		  "%s", err.data);
	buf_release(&out);
	buf_release(&err);
	cr_expect_eq(t_run(&out, &err, "top --db '%s' --since 2026-04-01", db), 3);
	cr_expect(strstr(err.data, "matches --since 2026-04-01T00:00:00Z"), "%s", err.data);
	buf_release(&out);
	buf_release(&err);
	cr_expect_eq(t_run(&out, &err, "top --db '%s' --profile web --label service=api", db), 3);
	cr_expect(strstr(err.data, "profile 'web' does not match --label service=api"), "%s", err.data);
	buf_release(&out);
	buf_release(&err);
	cr_expect_eq(t_run(&out, &err, "top --db '%s' --label service", db), 2);
	cr_expect(strstr(err.data, "--label takes KEY=VALUE"), "%s", err.data);
	buf_release(&out);
	buf_release(&err);
	cr_expect_eq(t_run(&out, &err, "top --db '%s' --label =api", db), 2);
	buf_release(&out);
	buf_release(&err);
	cr_expect_eq(t_run(&out, &err, "top --db '%s' --since yesterday", db), 2);
	cr_expect(strstr(err.data, "--since takes a date"), "%s", err.data);
	buf_release(&out);
	buf_release(&err);
	cr_expect_eq(t_run(&out, &err, "top --db '%s' --until 2026-02-31", db), 2);
	buf_release(&out);
	buf_release(&err);
	/* a PROFILE file is not chosen among stored ones */
	cr_expect_eq(t_run(&out, &err, "report --html - --db '%s' --label service=api " S26 "chan_send.pb.gz", db),
		     2);
	cr_expect(strstr(err.data, "choose a stored profile"), "%s", err.data);
	buf_release(&out);
	buf_release(&err);
	/* nothing was written by any of them */
	cr_expect_eq(t_sql_int(db, "SELECT count(*) FROM analysis"), 0);
}

Test(select, explain_check_and_report_choose_as_top_does)
{
	const char *db = fleet(), *budget = t_fresh("fleet.budget");
	long long eu = total_of("chan_send"), us = total_of("map_insert");
	char rule[128];
	struct buf out, err;

	/* a line only chan_send has */
	cr_expect_neq(t_run(&out, &err, "explain -q --db '%s' chan_send/main.go:27", db), 0,
		      "the newest profile (map_insert) has no such line");
	buf_release(&out);
	buf_release(&err);
	cr_expect_eq(t_run(&out, &err, "explain -q --db '%s' --label region=eu chan_send/main.go:27", db), 0,
		     "%s", err.data);
	cr_expect(strstr(out.data, "chan_send/main.go"), "%s", out.data);
	buf_release(&out);
	buf_release(&err);
	/* a budget between the two api profiles' totals */
	cr_assert_lt(eu, us);
	snprintf(rule, sizeof(rule), "total alloc_space <= %lld\n", (eu + us) / 2);
	t_write(budget, rule, strlen(rule));
	cr_expect_eq(t_run(&out, &err, "check -q --db '%s' --budget '%s' --label service=api", db, budget), 1,
		     "%s%s", out.data, err.data);
	buf_release(&out);
	buf_release(&err);
	cr_expect_eq(t_run(&out, &err, "check -q --db '%s' --budget '%s' --label service=api --label region=eu", db,
			   budget), 0, "%s%s", out.data, err.data);
	buf_release(&out);
	buf_release(&err);
	/* the report's title is the chosen profile's name */
	cr_expect_eq(t_run(&out, &err, "report -q --db '%s' --html - --since 2026-02-01 --until 2026-03-01", db),
		     0, "%s", err.data);
	cr_expect(strstr(out.data, "<title>escprof: web</title>") != NULL, "%.300s", out.data);
	buf_release(&out);
	buf_release(&err);
	cr_expect_eq(t_run(&out, &err, "list -q --db '%s' --label service=web formatRecord", db), 0, "%s", err.data);
	cr_expect(strstr(out.data, "iface_fmt/main.go") || strstr(out.data, "formatRecord"), "%s", out.data);
	buf_release(&out);
	buf_release(&err);
}
