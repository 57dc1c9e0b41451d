/* test_merge.c — `top --merge`: the stored profiles the filters choose, each by its newest
 * analysis, summed as one profile. The oracles: pprof's totals of each program (.expect)
 * for what the merge adds up to, and the public alloc_sites view summed by SQL run in the
 * sqlite3 shell for each cause's value. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "tests/testutil.h"

#define S26 "sample-profiles/out/go1.26/"

/* api-eu (chan_send), web (iface_fmt), api-us (map_insert), each analysed with its log;
 * batch (closure_capture) loaded and never analysed */
static const char *fleet(void)
{
	static const char *const load[][3] = {
		{"api-eu", "--label service=api --label region=eu", "chan_send"},
		{"web", "--label service=web", "iface_fmt"},
		{"api-us", "--label service=api --label region=us", "map_insert"},
		{"batch", "--label service=batch", "closure_capture"},
	};
	const char *db = t_fresh("merge.db");
	size_t i;

	for (i = 0; i < 4; i++) {
		cr_assert_eq(t_run(NULL, NULL, "load -q --db '%s' --name %s %s " S26 "%s.pb.gz", db, load[i][0],
				   load[i][1], load[i][2]), 0);
		if (i == 3)
			break;
		cr_assert_eq(t_run(NULL, NULL, "escapes -q --db '%s' " S26 "%s.mm.txt", db, load[i][2]), 0);
		cr_assert_eq(t_run(NULL, NULL, "top -q --db '%s' --profile %s --build %s.mm.txt -n 1", db,
				   load[i][0], load[i][2]), 0);
	}
	return db;
}

static long long expect(const char *program, const char *key)
{
	long long v = t_expect(t_path(S26 "%s.expect", program), key);

	cr_assert_geq(v, 0, "%s: no %s in its .expect", program, key);
	return v;
}

/* the sum of the first column of top's CSV, and its rows */
static long long first_column_sum(const char *csv, int *rows)
{
	const char *p = strchr(csv, '\n');
	long long sum = 0;

	*rows = 0;
	while (p && p[1]) {
		sum += strtoll(p + 1, NULL, 10);
		(*rows)++;
		p = strchr(p + 1, '\n');
	}
	return sum;
}

Test(merge, the_merge_adds_up_to_the_profiles_totals_and_each_cause_to_its_sites)
{
	const char *db = fleet();
	struct buf out, err;
	char *line, *save = NULL;
	int rows, causes = 0;

	cr_assert_eq(t_run(&out, &err, "top --db '%s' --merge --by cause --format csv -n 0", db), 0, "%s", err.data);
	cr_assert_eq(first_column_sum(out.data, &rows),
		     expect("chan_send", "alloc_space") + expect("iface_fmt", "alloc_space") +
		     expect("map_insert", "alloc_space"));
	cr_assert(strstr(err.data, "3 profiles merged"), "%s", err.data);
	cr_assert(strstr(err.data, "1 without an analysis left out"), "%s", err.data);
	/* each cause: the newest analyses' sites, summed by the sqlite3 shell */
	for (line = strtok_r(out.data + strcspn(out.data, "\n") + 1, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char q[512], *cause = line;
		int k;

		for (k = 0; k < 4; k++)
			cause = strchr(cause, ',') + 1;
		cause[strcspn(cause, ",")] = '\0';
		snprintf(q, sizeof(q), "SELECT coalesce(sum(alloc_space), 0) FROM alloc_sites WHERE cause = '%s'",
			 cause);
		cr_assert_eq(strtoll(line, NULL, 10), t_sqlite3_int(db, q), "%s", cause);
		causes++;
	}
	cr_assert_geq(causes, 5);
	buf_release(&out);
	buf_release(&err);
}

Test(merge, filters_choose_what_is_merged)
{
	const char *db = fleet();
	struct buf out, err, one;
	int rows;

	cr_assert_eq(t_run(&out, &err, "top --db '%s' --merge --label service=api --format csv -n 0", db), 0,
		     "%s", err.data);
	cr_assert_eq(first_column_sum(out.data, &rows),
		     expect("chan_send", "alloc_space") + expect("map_insert", "alloc_space"));
	cr_assert(strstr(err.data, "2 profiles merged"), "%s", err.data);
	cr_assert_null(strstr(err.data, "without an analysis"), "%s", err.data);
	/* by object size, the samples themselves, in use */
	cr_assert_eq(t_run(&out, &err, "top --db '%s' --merge --label service=api --by size"
			   " -sample_index inuse_space --format csv -n 0", db), 0, "%s", err.data);
	cr_assert_eq(first_column_sum(out.data, &rows),
		     expect("chan_send", "inuse_space") + expect("map_insert", "inuse_space"));
	/* one profile merged is that profile */
	cr_assert_eq(t_run(&out, &err, "top --db '%s' --merge --label service=web -n 0 --format json", db), 0);
	cr_assert_eq(t_run(&one, &err, "top --db '%s' --profile web -n 0 --format json", db), 0);
	cr_assert_str_eq(out.data, one.data);
	/* none chosen, and a merge told which profile to take */
	cr_assert_eq(t_run(&out, &err, "top --db '%s' --merge --label service=nobody", db), 3);
	cr_assert(strstr(err.data, "no stored heap profile that the filters choose"), "%s", err.data);
	cr_assert_eq(t_run(&out, &err, "top --db '%s' --merge --profile web", db), 2);
	cr_assert_eq(t_run(&out, &err, "top --db '%s' --merge --build web", db), 2);
	buf_release(&out);
	buf_release(&err);
	buf_release(&one);
}
