/* test_diff_cli.c — `escprof diff` at the command line: two runs of one program
 * (sample-profiles/diffpair) and the budget before/after pair, whose sites grew, shrank,
 * appeared and went as `go tool pprof -raw` of each profile and the programs' allocation
 * sizes say, with the causes the compiler's -m -m logs give (README.md of each sample);
 * pprof's -diff_base spelling, -trim_path and -source_path, -n, the structured JSON and
 * CSV, --help, bad input (exit 3, the store unchanged) and the diff of two builds. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/testutil.h"

#define DP "sample-profiles/diffpair/out/go1.19/"
#define BUD "sample-profiles/budget/out/go1.26/"
#define PAIR DP "base.pb.gz " DP "new.pb.gz"

/* runs the command line fmt makes and reads its JSON */
static json_t *run_json(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static json_t *run_json(const char *fmt, ...)
{
	struct buf out, err;
	json_error_t je;
	json_t *j;
	char cmd[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	cr_assert_eq(t_run(&out, &err, "%s", cmd), 0, "%s: %s", cmd, err.data);
	j = json_loads(out.data, 0, &je);
	cr_assert_not_null(j, "%s", out.data);
	buf_release(&out);
	buf_release(&err);
	return j;
}

/* the change of function at file:line (file ending so; NULL: any), else NULL */
static json_t *change(json_t *doc, const char *function, const char *file, long line)
{
	json_t *arr = json_object_get(doc, "changes"), *r;
	size_t i;

	json_array_foreach(arr, i, r) {
		const char *f = json_string_value(json_object_get(r, "function"));
		const char *path = json_string_value(json_object_get(r, "file"));
		size_t pl = path ? strlen(path) : 0, fl = file ? strlen(file) : 0;

		if (!f || strcmp(f, function) || json_integer_value(json_object_get(r, "line")) != line)
			continue;
		if (file && (pl < fl || strcmp(path + pl - fl, file)))
			continue;
		return r;
	}
	return NULL;
}

static long long alloc_at(const char *rel, const char *pos)
{
	struct t_raw raw;
	long long v = 0;

	t_raw_read(&raw, t_path("%s", rel));
	for (size_t i = 0; i < raw.n; i++)
		if (raw.s[i].pos && strstr(raw.s[i].pos, pos))
			v += raw.s[i].alloc_space;
	t_raw_release(&raw);
	return v;
}

static void expect_change(json_t *r, const char *status, const char *cause, long long base, long long cur)
{
	cr_assert_not_null(r);
	cr_expect_str_eq(json_string_value(json_object_get(r, "status")), status);
	cr_expect_str_eq(json_string_value(json_object_get(r, "cause")), cause);
	cr_expect_eq(json_integer_value(json_object_get(r, "base")), base);
	cr_expect_eq(json_integer_value(json_object_get(r, "new")), cur);
	cr_expect_eq(json_integer_value(json_object_get(r, "delta")), cur - base);
	cr_expect(json_is_integer(json_object_get(r, "base")) && json_is_integer(json_object_get(r, "delta")));
	if (base)	/* a number: an integer when whole (200), else two decimals */
		cr_expect(json_is_number(json_object_get(r, "percent")));
	else
		cr_expect(json_is_null(json_object_get(r, "percent")), "no percentage of nothing");
}

Test(diff_cli, each_site_that_grew_shrank_appeared_or_went_has_its_values_and_cause)
{
	json_t *j = run_json("diff -q --format json -n 0 --build %s " PAIR, DP "diffpair.mm.txt");
	json_t *r;

	/* values: pprof -raw of each profile (= calls x size: 24, 32, 64 B, 128 KiB) */
	expect_change(change(j, "main.newPoint", "diffpair/main.go", 38), "grew", "pointer-returned",
		      alloc_at(DP "base.raw.txt", "main.go:38"), alloc_at(DP "new.raw.txt", "main.go:38"));
	expect_change(change(j, "main.box", "diffpair/main.go", 45), "shrank", "interface-conversion",
		      alloc_at(DP "base.raw.txt", "main.go:45"), alloc_at(DP "new.raw.txt", "main.go:45"));
	/* gone: only BASE had it, so its cause proves BASE was joined with the --build log */
	expect_change(change(j, "main.scratch", "diffpair/main.go", 50), "gone", "non-constant-size", 100 * 64, 0);
	expect_change(change(j, "main.table", "diffpair/main.go", 57), "new", "too-large-for-stack", 0, 3 * 131072);
	r = change(j, "main.newPoint", NULL, 38);
	cr_expect_eq(json_number_value(json_object_get(r, "percent")), 200.0);
	cr_expect_eq(json_number_value(json_object_get(change(j, "main.box", NULL, 45), "percent")), -75.0);
	cr_expect_str_eq(json_string_value(json_object_get(r, "file")), "/src/samples/diffpair/main.go");
	/* no packed site string */
	cr_expect_null(json_object_get(r, "site"));
	/* totals: pprof's of each profile */
	r = json_object_get(j, "totals");
	cr_expect_eq(json_integer_value(json_object_get(r, "base")), t_expect(t_path(DP "base.expect"), "alloc_space"));
	cr_expect_eq(json_integer_value(json_object_get(r, "new")), t_expect(t_path(DP "new.expect"), "alloc_space"));
	cr_expect_str_eq(json_string_value(json_object_get(j, "sample_index")), "alloc_space");
	json_decref(j);
}

Test(diff_cli, the_change_lists_come_in_order_biggest_change_first)
{
	json_t *j = run_json("diff -q --format json -n 0 %s " PAIR, "");
	json_t *arr = json_object_get(j, "changes"), *r;
	static const char *const order[] = {"grew", "shrank", "new", "gone"};
	size_t i, list = 0;
	long long last = -1;

	json_array_foreach(arr, i, r) {
		const char *st = json_string_value(json_object_get(r, "status"));
		long long d = llabs(json_integer_value(json_object_get(r, "delta")));

		while (list < 4 && strcmp(st, order[list])) {
			list++;
			last = -1;
		}
		cr_assert_lt(list, 4, "%s out of order", st);
		cr_expect(last < 0 || d <= last, "%s: |delta| %lld after %lld", st, d, last);
		last = d;
	}
	json_decref(j);
}

Test(diff_cli, objects_by_function_follow_the_number_of_calls)
{
	/* the calls each run made (generate.sh), one object each */
	static const struct {
		const char *function;
		long long base, cur;
	} want[] = {{"main.newPoint", 1000, 3000}, {"main.box", 2000, 500}, {"main.scratch", 100, 0},
		    {"main.table", 0, 3}};
	json_t *j = run_json("diff -q --format json --by function -sample_index %s " PAIR, "alloc_objects");
	json_t *arr = json_object_get(j, "changes"), *r;
	size_t i;
	int seen = 0;

	cr_expect_str_eq(json_string_value(json_object_get(j, "sample_index")), "alloc_objects");
	json_array_foreach(arr, i, r) {
		const char *f = json_string_value(json_object_get(r, "function"));
		long long b = json_integer_value(json_object_get(r, "base")), n = json_integer_value(json_object_get(r, "new"));

		cr_expect(json_is_null(json_object_get(r, "file")) && json_is_null(json_object_get(r, "cause")));
		for (size_t k = 0; k < sizeof(want) / sizeof(*want); k++)
			if (!strcmp(f, want[k].function)) {
				seen++;
				cr_expect(b == want[k].base && n == want[k].cur, "%s: %lld -> %lld", f, b, n);
			}
	}
	cr_expect_eq(seen, 4);
	json_decref(j);
}

/* --base-build and --build: each profile with its own build's log, so the site the
 * change added is explained (budget/README.md: parse returns &p, 4000 x 24 B) */
Test(diff_cli, each_side_joined_with_its_own_build_names_the_cause_that_grew)
{
	json_t *j = run_json("diff -q --format json --by cause %s " BUD "before.pb.gz " BUD "after.pb.gz",
			     "--base-build " BUD "before.mm.txt --build " BUD "after.mm.txt");
	json_t *r = NULL, *x;
	size_t i;

	json_array_foreach(json_object_get(j, "changes"), i, x)
		if (!strcmp(json_string_value(json_object_get(x, "cause")), "pointer-returned"))
			r = x;
	cr_assert_not_null(r, "pointer-returned is among the changes");
	cr_expect_null(json_string_value(json_object_get(r, "function")));
	cr_expect_eq(json_integer_value(json_object_get(r, "new")) - json_integer_value(json_object_get(r, "base")),
		     96000);
	json_decref(j);
	j = run_json("diff -q --format json -n 0 %s " BUD "before.pb.gz " BUD "after.pb.gz",
		     "--base-build " BUD "before.mm.txt --build " BUD "after.mm.txt");
	expect_change(change(j, "main.parse", "budget/app/main.go", 61), "new", "pointer-returned", 0, 96000);
	json_decref(j);
	/* without the log the new site is not explained by the compiler */
	j = run_json("diff -q --format json -n 0 %s " BUD "before.pb.gz " BUD "after.pb.gz", "");
	r = change(j, "main.parse", "budget/app/main.go", 61);
	cr_assert_not_null(r);
	cr_expect_str_neq(json_string_value(json_object_get(r, "cause")), "pointer-returned");
	json_decref(j);
}

Test(diff_cli, pprofs_diff_base_spelling_is_the_same_diff)
{
	static const char *const ways[] = {
		"-diff_base " DP "base.pb.gz " DP "new.pb.gz",
		"--diff_base " DP "base.pb.gz " DP "new.pb.gz",
		"-diff_base=" DP "base.pb.gz " DP "new.pb.gz",
		DP "new.pb.gz --diff_base " DP "base.pb.gz",
	};
	json_t *want = run_json("diff -q --format json %s", PAIR);

	for (size_t i = 0; i < sizeof(ways) / sizeof(*ways); i++) {
		json_t *got = run_json("diff -q --format json %s", ways[i]);

		cr_expect(json_equal(want, got), "%s", ways[i]);
		json_decref(got);
	}
	json_decref(want);
	cr_expect_eq(t_run(NULL, NULL, "diff -diff_base " PAIR " " DP "new.pb.gz"), 2,
		     "-diff_base is BASE: only NEW follows");
	cr_expect_eq(t_run(NULL, NULL, "diff -diff_base " DP "base.pb.gz"), 2);
}

Test(diff_cli, trim_path_and_source_path_make_file_paths_relative)
{
	static const char *const ways[] = {"-trim_path /src/samples", "-trim_path=/x:/src/samples/",
					   "-source_path /src/samples"};

	for (size_t i = 0; i < sizeof(ways) / sizeof(*ways); i++) {
		struct buf out, err;
		json_t *j = run_json("diff -q --format json --build " DP "diffpair.mm.txt %s " PAIR, ways[i]);
		json_t *r = change(j, "main.table", NULL, 57);

		cr_assert_not_null(r, "%s", ways[i]);
		cr_expect_str_eq(json_string_value(json_object_get(r, "file")), "diffpair/main.go", "%s", ways[i]);
		json_decref(j);
		cr_assert_eq(t_run(&out, &err, "diff -q --build " DP "diffpair.mm.txt %s " PAIR, ways[i]), 0);
		cr_expect(strstr(out.data, " main.table  ") && strstr(out.data, " diffpair/main.go:57 "), "%s", out.data);
		cr_expect(!strstr(out.data, "/src/samples/diffpair"), "%s", out.data);
		buf_release(&out);
		buf_release(&err);
	}
}

Test(diff_cli, n_limits_each_list_and_zero_means_all)
{
	struct buf out, err;
	json_t *all = run_json("diff -q --format json -n %s " PAIR, "0");
	json_t *counts = json_object_get(all, "counts");
	size_t want = 0, rows = 0;
	const char *p;

	want = (size_t)(json_integer_value(json_object_get(counts, "grew")) +
			json_integer_value(json_object_get(counts, "shrank")) +
			json_integer_value(json_object_get(counts, "new")) +
			json_integer_value(json_object_get(counts, "gone")));
	cr_expect_eq(json_array_size(json_object_get(all, "changes")), want);
	/* the program made two of each at least: -n 1 keeps one a list */
	cr_assert_eq(t_run(&out, &err, "diff -q --format csv -n 1 " PAIR), 0, "%s", err.data);
	cr_expect(!strncmp(out.data, "status,function,file,line,cause,base,new,delta,percent\r\n", 56), "%s", out.data);
	for (p = out.data; (p = strchr(p, '\n')); p++)
		rows++;
	cr_expect_eq(rows, 1 + 4, "%s", out.data);
	cr_expect(strstr(out.data, "\r\ngrew,") && strstr(out.data, "\r\nshrank,") && strstr(out.data, "\r\nnew,") &&
		  strstr(out.data, "\r\ngone,"), "%s", out.data);
	/* the new table: no percentage; the grown points: 200 (a whole percentage, no decimals) */
	cr_expect(strstr(out.data, "new,main.table,/src/samples/diffpair/main.go,57,") &&
		  strstr(out.data, ",0,393216,393216,\r\n"), "%s", out.data);
	cr_expect(strstr(out.data, "grew,main.newPoint,/src/samples/diffpair/main.go,38,") &&
		  strstr(out.data, ",24000,72000,48000,200\r\n"), "%s", out.data);
	buf_release(&out);
	buf_release(&err);
	cr_assert_eq(t_run(&out, &err, "diff -q -n 1 " PAIR), 0, "%s", err.data);
	cr_expect(strstr(out.data, "\ntotal: "), "%s", out.data);
	cr_expect(strstr(out.data, "more (-n 0 shows all)"), "%s", out.data);
	buf_release(&out);
	buf_release(&err);
	cr_expect_eq(t_run(NULL, NULL, "diff -n -1 " PAIR), 2);
	json_decref(all);
}

Test(diff_cli, help_lists_every_option_with_examples)
{
	static const char *const opts[] = {"--db", "--by", "-sample_index", "-n N", "--build", "--base-build",
					   "-diff_base", "-trim_path", "-source_path", "--format"};
	struct buf out, err;
	const char *p;
	int examples = 0;

	cr_assert_eq(t_run(&out, &err, "diff --help"), 0);
	for (size_t i = 0; i < sizeof(opts) / sizeof(*opts); i++)
		cr_expect(strstr(out.data, opts[i]), "%s", opts[i]);
	cr_expect(strstr(out.data, "same builds explain BASE too"), "%s", out.data);
	for (p = out.data; (p = strstr(p, "\n  escprof diff ")); p++)
		examples++;
	cr_expect_geq(examples, 2, "%s", out.data);
	buf_release(&out);
	buf_release(&err);
}

Test(diff_cli, a_bad_log_or_profile_is_exit_3_naming_it_and_the_store_is_unchanged)
{
	const char *db = t_fresh("diff-bad.db"), *bad = t_fresh("bad.log"), *badpb = t_fresh("bad.pb.gz");
	struct buf before, after, err;

	t_write(bad, "this is not a compiler log\n", 27);
	t_write(badpb, "\x1f\x8b\x08\x00garbage", 12);
	cr_assert_eq(t_run(NULL, NULL, "load -q --db '%s' " DP "base.pb.gz", db), 0);
	t_read(&before, db);
	cr_expect_eq(t_run(NULL, &err, "diff --db '%s' --build '%s' " PAIR, db, bad), 3);
	cr_expect(strstr(err.data, "bad.log"), "%s", err.data);
	cr_expect_eq(strchr(err.data, '\n') - err.data + 1, (long)err.len, "one line: %s", err.data);
	buf_release(&err);
	cr_expect_eq(t_run(NULL, &err, "diff --db '%s' " DP "base.pb.gz '%s'", db, badpb), 3);
	cr_expect(strstr(err.data, "bad.pb.gz"), "%s", err.data);
	buf_release(&err);
	t_read(&after, db);
	cr_expect(before.len == after.len && !memcmp(before.data, after.data, before.len), "the store changed");
	buf_release(&before);
	buf_release(&after);
	/* logs explain profiles: two builds with --build is a usage error */
	cr_expect_eq(t_run(NULL, NULL, "diff --build " BUD "after.mm.txt " BUD "before.mm.txt " BUD "after.mm.txt"), 2);
}

/* the other mode: two builds (budget/README.md: after adds `moved to heap: p` at 61) */
Test(diff_cli, two_builds_still_diff_by_their_escapes)
{
	struct buf out, err;
	json_t *j;

	cr_assert_eq(t_run(&out, &err, "diff " BUD "before.mm.txt " BUD "after.mm.txt"), 0, "%s", err.data);
	cr_expect(strstr(out.data, "+ budget/app/main.go:61: moved to heap: p\n"), "%s", out.data);
	cr_expect(strstr(out.data, "1 added, 0 removed"), "%s", out.data);
	buf_release(&out);
	buf_release(&err);
	j = run_json("diff --format json %s", BUD "before.mm.txt " BUD "after.mm.txt");
	cr_expect_str_eq(json_string_value(json_object_get(j, "kind")), "builds");
	cr_expect_eq(json_array_size(json_object_get(j, "added")), 1);
	cr_expect_eq(json_integer_value(json_object_get(json_array_get(json_object_get(j, "added"), 0), "line")), 61);
	cr_expect_eq(json_array_size(json_object_get(j, "removed")), 0);
	json_decref(j);
}
