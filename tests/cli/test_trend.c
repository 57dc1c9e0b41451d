/* test_trend.c — `escprof trend`, and the trend chart of `report --html`, over a store of
 * four sample programs loaded as services on three days, each joined with its own -m -m
 * log. The oracles: pprof's own totals of
 * each program (.expect) for what a point adds up to, and the public alloc_sites view
 * summed by SQL written here (the sqlite3 shell, not escprof) for each cause's value. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "tests/testutil.h"

#define S26 "sample-profiles/out/go1.26/"

/* api-eu (chan_send) 2026-01-10, web (iface_fmt) 2026-02-10 08:00, api-us (map_insert)
 * 2026-02-10 09:00, batch (closure_capture, not analysed) 2026-03-10; each but the last
 * analysed with its log, api-eu also before that with web's log. */
static const char *fleet(void)
{
	static const char *const load[][3] = {
		{"api-eu", "--label service=api --label region=eu", "chan_send"},
		{"web", "--label service=web", "iface_fmt"},
		{"api-us", "--label service=api --label region=us", "map_insert"},
		{"batch", "--label service=batch", "closure_capture"},
	};
	const char *db = t_fresh("trend.db");
	struct buf out;
	size_t i;

	for (i = 0; i < 4; i++) {
		cr_assert_eq(t_run(NULL, NULL, "load -q --db '%s' --name %s %s " S26 "%s.pb.gz", db, load[i][0],
				   load[i][1], load[i][2]), 0);
		if (i == 3)
			break;
		cr_assert_eq(t_run(NULL, NULL, "escapes -q --db '%s' " S26 "%s.mm.txt", db, load[i][2]), 0);
		if (i == 1)	/* an older analysis of api-eu, with another program's log: not read */
			cr_assert_eq(t_run(NULL, NULL, "top -q --db '%s' --profile api-eu --build iface_fmt.mm.txt -n 1",
					   db), 0);
		cr_assert_eq(t_run(NULL, NULL, "top -q --db '%s' --profile %s --build %s.mm.txt -n 1", db, load[i][0],
				   load[i][2]), 0);
	}
	t_sqlite3(&out, db, "UPDATE profile SET loaded_at = CASE name WHEN 'api-eu' THEN '2026-01-10T08:00:00Z'"
			    " WHEN 'web' THEN '2026-02-10T08:00:00Z' WHEN 'api-us' THEN '2026-02-10T09:00:00Z'"
			    " ELSE '2026-03-10T08:00:00Z' END");
	buf_release(&out);
	return db;
}

static long long total_of(const char *name)
{
	long long v = t_expect(t_path(S26 "%s.expect", name), "alloc_space");

	cr_assert_gt(v, 0, "%s: no alloc_space in its .expect", name);
	return v;
}

/* trend's CSV, run with args; exits 0 */
static void trend_csv(struct buf *out, struct buf *err, const char *db, const char *args)
{
	cr_assert_eq(t_run(out, err, "trend --db '%s' -sample_index alloc_space --format csv %s", db, args), 0,
		     "%s: %s", args, err->data);
}

/* The sum of the value column (the field before the last) of the rows whose first
 * field is point. */
static long long point_sum(const char *csv, const char *point, int *rows)
{
	char *copy = strdup(csv), *line, *save = NULL;
	long long sum = 0;

	cr_assert_not_null(copy);
	*rows = 0;
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *last = strrchr(line, ','), *prev;

		if (strncmp(line, point, strlen(point)) || line[strlen(point)] != ',' || !last)
			continue;
		*last = '\0';
		prev = strrchr(line, ',');
		sum += strtoll(prev + 1, NULL, 10);
		++*rows;
	}
	free(copy);
	return sum;
}

Test(trend, per_profile_each_cause_is_the_views_sum_and_a_profile_adds_up_to_pprofs_total)
{
	const char *db = fleet();
	static const char *const names[] = {"api-eu", "web", "api-us"};
	static const char *const progs[] = {"chan_send", "iface_fmt", "map_insert"};
	static const char *const points[] = {"2026-01-10T08:00:00Z", "2026-02-10T08:00:00Z",
					     "2026-02-10T09:00:00Z"};
	struct buf out, err, want;
	char sql[512], *line, *save = NULL;
	int rows;

	trend_csv(&out, &err, db, "-n 0");
	cr_expect(strstr(err.data, "1 profile has no analysis yet"), "%s", err.data);
	cr_expect(!strstr(out.data, "batch"), "%s", out.data);
	/* oldest first */
	cr_expect(strstr(out.data, points[0]) < strstr(out.data, points[1]) &&
		  strstr(out.data, points[1]) < strstr(out.data, points[2]), "%s", out.data);
	for (size_t i = 0; i < 3; i++) {
		cr_expect_eq(point_sum(out.data, points[i], &rows), total_of(progs[i]), "%s", names[i]);
		/* each cause: the newest analysis's sites summed by cause, as the view has them */
		snprintf(sql, sizeof(sql),
			 "SELECT cause || ',' || sum(alloc_space) FROM alloc_sites WHERE analysis_id ="
			 " (SELECT max(a.id) FROM analysis a JOIN profile p ON p.id = a.profile_id WHERE p.name = '%s')"
			 " GROUP BY cause HAVING sum(alloc_space) != 0", names[i]);
		t_sqlite3(&want, db, sql);
		cr_assert_gt(want.len, 0);
		save = NULL;
		for (line = strtok_r(want.data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			char row[512];

			snprintf(row, sizeof(row), ",%s,%s,", names[i], line);
			cr_expect(strstr(out.data, row), "%s: no row '%s' in\n%s", names[i], row, out.data);
		}
		buf_release(&want);
	}
	buf_release(&out);
	buf_release(&err);
}

Test(trend, per_day_sums_the_days_profiles_and_n_folds_the_rest_into_other)
{
	const char *db = fleet();
	struct buf out, err, top;
	long long web = total_of("iface_fmt"), us = total_of("map_insert"), eu = total_of("chan_send");
	char want[128];
	int rows;

	trend_csv(&out, &err, db, "--per day -n 0");
	cr_expect(!strncmp(out.data, "day,profiles,cause,bytes,%\n", 26), "%s", out.data);
	cr_expect_eq(point_sum(out.data, "2026-02-10", &rows), web + us);
	cr_expect(strstr(out.data, "2026-02-10,2,"), "two profiles on the day:\n%s", out.data);
	cr_expect_eq(point_sum(out.data, "2026-01-10", &rows), eu);
	cr_expect(strstr(out.data, "2026-01-10,1,"), "%s", out.data);
	buf_release(&out);
	buf_release(&err);
	/* -n 1: the cause of most bytes over the range, and (other) */
	t_sqlite3(&top, db, "SELECT cause FROM alloc_sites WHERE analysis_id IN (SELECT max(id) FROM analysis"
			    " GROUP BY profile_id) GROUP BY cause ORDER BY sum(alloc_space) DESC, cause LIMIT 1");
	top.data[strcspn(top.data, "\n")] = '\0';
	trend_csv(&out, &err, db, "--per day -n 1");
	cr_expect_eq(point_sum(out.data, "2026-02-10", &rows), web + us, "folding keeps the sum");
	cr_expect_eq(rows, 2, "%s", out.data);
	snprintf(want, sizeof(want), "2026-02-10,2,%s,", top.data);
	cr_expect(strstr(out.data, want), "no '%s' in\n%s", want, out.data);
	cr_expect(strstr(out.data, "2026-02-10,2,(other),"), "%s", out.data);
	buf_release(&out);
	buf_release(&err);
	buf_release(&top);
}

Test(trend, the_filters_choose_the_profiles_and_mistakes_are_said)
{
	const char *db = fleet();
	struct buf out, err;
	int rows;

	trend_csv(&out, &err, db, "--label service=api -n 0");
	cr_expect(strstr(out.data, ",api-eu,") && strstr(out.data, ",api-us,") && !strstr(out.data, ",web,"),
		  "%s", out.data);
	cr_expect_eq(point_sum(out.data, "2026-02-10T09:00:00Z", &rows), total_of("map_insert"));
	buf_release(&out);
	buf_release(&err);
	trend_csv(&out, &err, db, "--since 2026-02-01 --until 2026-02-10T09:00:00Z --by package");
	cr_expect(strstr(out.data, ",web,main,") && !strstr(out.data, "api-"), "%s", out.data);
	buf_release(&out);
	buf_release(&err);
	/* chosen profiles without an analysis: nothing to show, exit 3 */
	cr_expect_eq(t_run(&out, &err, "trend --db '%s' --label service=batch", db), 3);
	cr_expect(strstr(err.data, "no profile chosen has an analysis"), "%s", err.data);
	buf_release(&out);
	buf_release(&err);
	cr_expect_eq(t_run(&out, &err, "trend --db '%s' --label service=db", db), 3);
	buf_release(&out);
	buf_release(&err);
	cr_expect_eq(t_run(&out, &err, "trend --db '%s' --by site", db), 2);
	cr_expect(strstr(err.data, "--by takes cause, package or function"), "%s", err.data);
	buf_release(&out);
	buf_release(&err);
	cr_expect_eq(t_run(&out, &err, "trend --db '%s' --per week", db), 2);
	buf_release(&out);
	buf_release(&err);
	/* it writes nothing: the store's analyses are as they were */
	cr_expect_eq(t_sql_int(db, "SELECT count(*) FROM analysis"), 4);
}

/* ---- the trend chart of the HTML report ---- */

/* report --html - on the fleet with args; exits 0, the page in out */
static void report_page(struct buf *out, const char *db, const char *args)
{
	struct buf err;

	cr_assert_eq(t_run(out, &err, "report --db '%s' -sample_index alloc_space --html - %s", db, args), 0,
		     "%s: %s", args, err.data);
	buf_release(&err);
}

/* The numbers row of point in the page, as a string (freed by the caller); NULL if none. */
static char *trend_row(const char *page, const char *point)
{
	char key[96];
	const char *at, *end;

	snprintf(key, sizeof(key), "<tr data-point=\"%s\"", point);
	if (!(at = strstr(page, key)) || !(end = strstr(at, "</tr>")))
		return NULL;
	return strndup(at, (size_t)(end - at));
}

/* The number after attr=" in row (after the cell of data-key="key" when key is given). */
static long long row_value(const char *row, const char *key, const char *attr)
{
	char want[160];
	const char *at = row;

	if (key) {
		snprintf(want, sizeof(want), "data-key=\"%s\"", key);
		if (!(at = strstr(row, want)))
			return -1;
	}
	snprintf(want, sizeof(want), "%s=\"", attr);
	if (!(at = strstr(at, want)))
		return -1;
	return strtoll(at + strlen(want), NULL, 10);
}

Test(trend, the_report_charts_the_trend_of_the_profiles_its_filters_admit)
{
	const char *db = fleet();
	static const char *const names[] = {"api-eu", "api-us"};
	static const char *const progs[] = {"chan_send", "map_insert"};
	static const char *const points[] = {"2026-01-10T08:00:00Z", "2026-02-10T09:00:00Z"};
	struct buf page, want;
	char sql[512], *line, *save, *row;

	report_page(&page, db, "--label service=api");
	cr_assert(strstr(page.data, "<section id=\"trend\">"), "no trend section");
	cr_expect(strstr(page.data, "<svg class=\"chart trend\" id=\"chart-trend\""));
	/* the label's two analysed profiles, not web's; the newest (the report's) marked */
	cr_expect(!strstr(page.data, "<tr data-point=\"2026-02-10T08:00:00Z\""), "web is not of the label");
	cr_expect(strstr(page.data, "<line class=\"mark\"") &&
		  strstr(strstr(page.data, "<line class=\"mark\""), "<title>api-us</title>"), "api-us is not marked");
	for (size_t i = 0; i < 2; i++) {
		cr_assert(row = trend_row(page.data, points[i]), "no row for %s", names[i]);
		/* the point adds up to pprof's total of the program */
		cr_expect_eq(row_value(row, NULL, "data-total"), total_of(progs[i]), "%s", names[i]);
		/* each cause: the newest analysis's sites summed by cause, by the sqlite3 shell
		 * (at most 8 causes are kept: every cause of these programs is among them) */
		snprintf(sql, sizeof(sql),
			 "SELECT cause, sum(alloc_space) FROM alloc_sites WHERE analysis_id ="
			 " (SELECT max(a.id) FROM analysis a JOIN profile p ON p.id = a.profile_id WHERE p.name = '%s')"
			 " GROUP BY cause HAVING sum(alloc_space) != 0", names[i]);
		t_sqlite3(&want, db, sql);
		cr_assert_gt(want.len, 0);
		save = NULL;
		for (line = strtok_r(want.data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			char *bar = strchr(line, '|');

			cr_assert_not_null(bar);
			*bar = '\0';
			cr_expect_eq(row_value(row, line, "data-value"), strtoll(bar + 1, NULL, 10), "%s: %s",
				     names[i], line);
		}
		buf_release(&want);
		free(row);
	}
	buf_release(&page);
}

Test(trend, the_reports_trend_per_day_by_package_or_none_and_its_mistakes)
{
	const char *db = fleet();
	struct buf page, err;
	char *row;

	/* per day: 2026-02-10 sums web and api-us; batch, not analysed, is left out (the
	 * report is of web: a report of the newest would analyse batch) */
	report_page(&page, db, "--profile web --trend package --trend-per day");
	cr_expect(strstr(page.data, "<line class=\"mark\" x1=\"692.0\"") &&
		  strstr(strstr(page.data, "<line class=\"mark\""), "<title>web</title>"),
		  "web's day, the last point, is not marked");
	cr_assert(strstr(page.data, "<h2>How the bytes moved, by package</h2>"));
	cr_assert(row = trend_row(page.data, "2026-02-10"));
	cr_expect_eq(row_value(row, NULL, "data-total"), total_of("iface_fmt") + total_of("map_insert"));
	cr_expect(strstr(row, "data-key=\"main\""), "%s", row);
	free(row);
	cr_assert(row = trend_row(page.data, "2026-01-10"));
	cr_expect_eq(row_value(row, NULL, "data-total"), total_of("chan_send"));
	free(row);
	cr_expect(strstr(page.data, "1 without an analysis left out"), "batch has no analysis");
	row = trend_row(page.data, "2026-03-10");
	cr_expect(!row, "batch has no point: %s", row);
	free(row);
	buf_release(&page);
	report_page(&page, db, "--trend none");
	cr_expect(strstr(page.data, "<section id=\"causes\">") && !strstr(page.data, "id=\"trend\""));
	buf_release(&page);
	/* one profile is no trend: a report of a file in a store of its own has none */
	cr_assert_eq(t_run(&page, &err, "report --html - " S26 "chan_send.pb.gz " S26 "chan_send.mm.txt"), 0, "%s",
		     err.data);
	cr_expect(strstr(page.data, "<section id=\"causes\">") && !strstr(page.data, "id=\"trend\""));
	buf_release(&page);
	buf_release(&err);
	cr_expect_eq(t_run(&page, &err, "report --db '%s' --html - --trend site", db), 2);
	cr_expect(strstr(err.data, "--trend takes cause, package, function or none"), "%s", err.data);
	buf_release(&page);
	buf_release(&err);
	cr_expect_eq(t_run(&page, &err, "report --db '%s' --html - --trend-per week", db), 2);
	cr_expect(strstr(err.data, "--trend-per takes profile or day"), "%s", err.data);
	buf_release(&page);
	buf_release(&err);
}
