/* test_analyze.c — the reading commands end to end on sample data: analyze's JSON
 * contract and coverage arithmetic, the default sample type as pprof picks it, top's
 * groupings adding up, explain showing the compiler's chain as printed, list reading
 * sources through -source_path/-trim_path, the alloc_sites and causes views, and a large
 * log read in two parts at once giving what one reader gives. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/testutil.h"

#define S26 "sample-profiles/out/go1.26/"

static const char *db_path(const char *name)
{
	return t_fresh("rep-%s.db", name);
}

static json_t *run_json(const char *fmt, const char *a, const char *b)
{
	struct buf out, err;
	json_error_t je;
	json_t *j;
	char args[4096];

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	snprintf(args, sizeof(args), fmt, a, b);
#pragma GCC diagnostic pop
	cr_assert_eq(t_run(&out, &err, "%s", args), 0, "%s: %s", args, err.data);
	j = json_loads(out.data, 0, &je);
	cr_assert_not_null(j, "%s: not JSON (%s)", args, je.text);
	buf_release(&out);
	buf_release(&err);
	return j;
}

Test(analyze, analyze_json_is_the_documented_contract)
{
	json_t *j = run_json("analyze --format json %s.pb.gz %s.mm.txt", S26 "chan_send", S26 "chan_send");
	json_t *causes = json_object_get(j, "causes"), *sites = json_object_get(j, "sites");
	json_t *cov = json_object_get(j, "coverage");
	long long total = json_integer_value(json_object_get(j, "total")), sum = 0;
	size_t i;
	int unknown = 0;

	cr_expect_str_eq(json_string_value(json_object_get(j, "sample_index")), "alloc_space");
	cr_expect_eq(total, t_expect(t_path(S26 "chan_send.expect"), "alloc_space"));
	cr_expect(json_is_number(json_object_get(cov, "attributed_pct")));
	cr_expect(json_is_number(json_object_get(cov, "joined_pct")));
	for (i = 0; i < json_array_size(causes); i++) {
		json_t *c = json_array_get(causes, i);

		sum += json_integer_value(json_object_get(c, "value"));
		unknown |= !strcmp(json_string_value(json_object_get(c, "cause")), "unknown");
		cr_expect(json_is_integer(json_object_get(c, "sites")));
		cr_expect(json_is_number(json_object_get(c, "percent")));
	}
	cr_expect_eq(sum, total, "the causes add up to the total");
	cr_expect(unknown, "unknown is always shown");
	cr_assert_gt(json_array_size(sites), 1);
	{
		static const char *const keys[] = {"function", "file", "line", "value", "percent", "cause",
						   "confidence", "attributed_via", "diagnostic", "hint"};
		json_t *s = json_array_get(sites, 0);

		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			cr_expect_not_null(json_object_get(s, keys[i]), "site lacks %s", keys[i]);
		cr_expect_str_eq(json_string_value(json_object_get(s, "cause")), "channel-send");
		cr_expect_str_eq(json_string_value(json_object_get(s, "diagnostic")), "&job{...} escapes to heap");
	}
	json_decref(j);
}

Test(analyze, the_default_sample_type_is_the_one_pprof_picks)
{
	/* the allocs profile names alloc_space; a legacy text profile names none: the last */
	json_t *a = run_json("analyze --format json %s.pb.gz%s", S26 "map_insert", "");
	json_t *b = run_json("analyze --format json %s.heap.txt%s", S26 "map_insert", "");
	json_t *c = run_json("analyze --format json -sample_index %s %s.pb.gz", "inuse_objects", S26 "map_insert");
	json_t *d = run_json("analyze --format json -sample_index=%s %s.pb.gz", "0", S26 "map_insert");

	cr_expect_str_eq(json_string_value(json_object_get(a, "sample_index")), "alloc_space");
	cr_expect_str_eq(json_string_value(json_object_get(b, "sample_index")), "inuse_space");
	cr_expect_str_eq(json_string_value(json_object_get(c, "sample_index")), "inuse_objects");
	cr_expect_eq(json_integer_value(json_object_get(c, "total")),
		     t_expect(t_path(S26 "map_insert.expect"), "inuse_objects"));
	cr_expect_str_eq(json_string_value(json_object_get(d, "sample_index")), "alloc_objects");
	json_decref(a);
	json_decref(b);
	json_decref(c);
	json_decref(d);
	cr_expect_eq(t_run(NULL, NULL, "analyze -sample_index cpu " S26 "map_insert.pb.gz"), 2);
}

Test(analyze, top_groupings_add_up_and_filter)
{
	const char *db = db_path("top");
	long long total = t_expect(t_path(S26 "goroutine.expect"), "alloc_space");
	static const char *const bys[] = {"site", "function", "package", "cause", "size"};
	size_t k;

	cr_assert_eq(t_run(NULL, NULL, "load -q --db '%s' " S26 "goroutine.pb.gz", db), 0);
	cr_assert_eq(t_run(NULL, NULL, "escapes -q --db '%s' " S26 "goroutine.mm.txt", db), 0);
	for (k = 0; k < sizeof(bys) / sizeof(bys[0]); k++) {
		json_t *j = run_json("top --db %s --format json -n 100000 --by %s", db, bys[k]);
		long long sum = 0;
		size_t i;

		for (i = 0; i < json_array_size(j); i++)
			sum += json_integer_value(json_object_get(json_array_get(j, i), "bytes"));
		cr_expect_eq(sum, total, "--by %s adds up to %lld, not %lld", bys[k], total, sum);
		json_decref(j);
	}
	{
		json_t *j = run_json("top --db %s --format json --by site -focus %s", db, "spawnClosure");
		size_t i;

		cr_assert_gt(json_array_size(j), 0);
		for (i = 0; i < json_array_size(j); i++) {
			cr_expect_str_eq(json_string_value(json_object_get(json_array_get(j, i), "function")),
					 "main.spawnClosure");
			cr_expect_str_eq(json_string_value(json_object_get(json_array_get(j, i), "cause")), "goroutine");
		}
		json_decref(j);
	}
	{
		struct buf out;

		cr_assert_eq(t_run(&out, NULL, "top --db '%s' --by cause --format csv --min 10", db), 0);
		cr_expect(strstr(out.data, "goroutine") && !strstr(out.data, "unknown"), "%s", out.data);
		buf_release(&out);
	}
	cr_expect_eq(t_run(NULL, NULL, "top --db '%s' --by nothing", db), 2);
	cr_expect_eq(t_run(NULL, NULL, "top --db '%s' -focus '('", db), 2);
}

Test(analyze, explain_shows_the_compilers_chain_as_printed)
{
	const char *db = db_path("explain");
	struct buf out;

	cr_assert_eq(t_run(NULL, NULL, "analyze -q --db '%s' " S26 "pointer_returned.pb.gz " S26 "pointer_returned.mm.txt >/dev/null", db), 0);
	cr_assert_eq(t_run(&out, NULL, "explain --db '%s' pointer_returned/main.go:37", db), 0);
	/* as the log prints it (sample-profiles/out/go1.26/pointer_returned.mm.txt):
	 * pointer_returned/main.go:37:2: p escapes to heap in newPoint:
	 * pointer_returned/main.go:37:2:   flow: ~r0 ← &p:
	 * pointer_returned/main.go:37:2:     from &p (address-of) at pointer_returned/main.go:38:9
	 * pointer_returned/main.go:37:2:     from return &p (return) at pointer_returned/main.go:38:2
	 * pointer_returned/main.go:37:2: moved to heap: p */
	cr_expect(strstr(out.data, "cause: pointer-returned"), "%s", out.data);
	cr_expect(strstr(out.data, "moved to heap: p"), "%s", out.data);
	cr_expect(strstr(out.data, ">> flow: ~r0 ← &p:"), "%s", out.data);
	cr_expect(strstr(out.data, "from return &p (return) at pointer_returned/main.go:38:2"), "%s", out.data);
	cr_expect(strstr(out.data, "fix: return the value instead of a pointer"), "%s", out.data);
	buf_release(&out);
	/* a lookup that finds nothing is exit 3, as a missing file is */
	cr_expect_eq(t_run(NULL, NULL, "explain --db '%s' ointer_returned/main.go:37", db), 3,
		     "a partial path component is not a match");
	cr_expect_eq(t_run(NULL, NULL, "explain --db '%s' nonsense", db), 2, "not FILE:LINE nor a site id");
}

Test(analyze, list_reads_sources_through_source_path_and_trim_path)
{
	const char *db = db_path("list");
	struct buf out;

	cr_assert_eq(t_run(NULL, NULL, "analyze -q --db '%s' " S26 "string_concat.pb.gz " S26 "string_concat.mm.txt >/dev/null", db), 0);
	cr_assert_eq(t_run(&out, NULL, "list --db '%s' -source_path sample-profiles -trim_path /src/samples 'main.join$'", db), 0);
	cr_expect(strstr(out.data, "string-build") && strstr(out.data, "return a + \"/\" + b"), "%s", out.data);
	buf_release(&out);
	cr_assert_eq(t_run(&out, NULL, "list --db '%s' 'main.join$'", db), 0);
	cr_expect(strstr(out.data, "source not found"), "%s", out.data);
	buf_release(&out);
	/* more DIR:DIR components than arguments: the list grows, the right one is found */
	cr_assert_eq(t_run(&out, NULL, "list --db '%s' -source_path a:b:c:d:e:f:g:h:i:j:k:l:m:n:o:p:q:r:s:t:u:v:w:x:y:z:sample-profiles"
			   " -trim_path /src/samples 'main.join$'", db), 0);
	cr_expect(strstr(out.data, "return a + \"/\" + b"), "%s", out.data);
	buf_release(&out);
}

Test(analyze, the_views_alloc_sites_and_causes_are_queryable)
{
	const char *db = db_path("views");
	struct buf out;

	cr_assert_eq(t_run(NULL, NULL, "analyze -q --db '%s' " S26 "too_large.pb.gz " S26 "too_large.mm.txt >/dev/null", db), 0);
	cr_assert_eq(t_run(&out, NULL, "sql --db '%s' --format tsv \"SELECT count(*) FROM causes\"", db), 0);
	cr_expect(strstr(out.data, "\n19\n"), "the taxonomy has 19 causes: %s", out.data);
	buf_release(&out);
	cr_assert_eq(t_run(&out, NULL, "sql --db '%s' --format tsv \"SELECT title FROM causes WHERE cause = 'channel-make'\"", db), 0);
	cr_expect(strstr(out.data, "channel always lives on the heap"), "%s", out.data);
	buf_release(&out);
	cr_assert_eq(t_run(&out, NULL, "sql --db '%s' --format tsv \"SELECT a.function, a.line, a.cause, d.kind"
			   " FROM alloc_sites a JOIN diagnostics d USING (build_id, diag_id) WHERE a.function = 'main.bigTable'\"", db), 0);
	cr_expect(strstr(out.data, "main.bigTable\t47\ttoo-large-for-stack\tmoved_to_heap"), "%s", out.data);
	buf_release(&out);
}

Test(analyze, a_build_of_another_program_is_not_joined_and_that_is_said)
{
	const char *db = db_path("fit");
	struct buf out, err;
	json_t *j, *builds;
	json_error_t je;

	/* the chan_send profile with the goroutine program's log, then with both logs */
	cr_assert_eq(t_run(&out, &err, "analyze --format json " S26 "chan_send.pb.gz " S26 "goroutine.mm.txt "
			   S26 "chan_send.mm.txt"), 0);
	cr_expect(strstr(err.data, "('goroutine.mm.txt')") && strstr(err.data, "not the build of this profile"),
		  "%s", err.data);
	cr_expect(!strstr(err.data, "chan_send.mm.txt"), "%s", err.data);
	j = json_loads(out.data, 0, &je);
	cr_assert_not_null(j, "%s", je.text);
	builds = json_object_get(j, "builds");
	cr_assert_eq(json_array_size(builds), 2);
	cr_expect(json_is_false(json_object_get(json_array_get(builds, 0), "used")));
	cr_expect_lt(json_number_value(json_object_get(json_array_get(builds, 0), "match")), 33.4);
	cr_expect(json_is_true(json_object_get(json_array_get(builds, 1), "used")));
	cr_expect_geq(json_number_value(json_object_get(json_array_get(builds, 1), "match")), 33.4);
	/* its own build alone gives the profile's causes: nothing of the other was joined */
	cr_expect_gt(json_number_value(json_object_get(json_object_get(j, "coverage"), "joined_pct")), 50);
	json_decref(j);
	buf_release(&out);
	buf_release(&err);
	/* top with no analysis yet never joins the newest build silently when it does not fit */
	cr_assert_eq(t_run(NULL, NULL, "load -q --db '%s' " S26 "chan_send.pb.gz", db), 0);
	cr_assert_eq(t_run(NULL, NULL, "escapes -q --db '%s' " S26 "goroutine.mm.txt", db), 0);
	cr_assert_eq(t_run(&out, &err, "top --db '%s' --format csv", db), 0);
	cr_expect(strstr(err.data, "not the build of this profile"), "%s", err.data);
	cr_expect_eq(t_sql_int(db, "SELECT count(*) FROM alloc_sites WHERE diag_id IS NOT NULL"), 0);
	cr_expect_eq(t_sql_int(db, "SELECT used FROM analysis_build"), 0);
	buf_release(&out);
	buf_release(&err);
}

/* Numbers on the command line are read whole and in range, one way in every command:
 * what atoi or atof would have cut short ("2x" as 2, "5%" as 5) is a usage error. */
Test(analyze, a_number_option_with_anything_after_its_digits_is_a_usage_error)
{
	static const char *const bad[] = {
		"analyze -n 2x " S26 "map_insert.pb.gz",
		"analyze -n 99999999999 " S26 "map_insert.pb.gz",
		"top --min 5%",
		"top --min 101",
		"top -n 0x10",
		"diff -n 3k a b",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct buf err;

		buf_init(&err);
		cr_expect_eq(t_run(NULL, &err, "%s", bad[i]), 2, "%s: %s", bad[i], err.data ? err.data : "");
		buf_release(&err);
	}
}

/* A log of 8 MiB or more is read in two parts at once when analyze runs without --db (on
 * two cores); with --db it is read whole, by one reader, and stored. Both must give the
 * same analysis: a CI log of several programs, Go 1.19's, the profile's own last. */
Test(analyze, a_large_log_read_in_two_parts_gives_what_one_reader_gives)
{
	static const char *const logs[] = {
		"sample-profiles/std/go1.19/encoding_json.mm.txt", "sample-profiles/std/go1.19/regexp.mm.txt",
		"sample-profiles/real/std-tar/go1.19/build.mm.txt", "sample-profiles/real/yaml-v2/go1.19/build.mm.txt",
		"sample-profiles/real/std-printer/go1.19/build.mm.txt",
		/* the profile's own program last: what joins is in the second part */
		"sample-profiles/std/go1.19/go_parser.mm.txt",
	};
	const char *log = t_fresh("large.mm.txt"), *db = db_path("large");
	struct buf all, part, temp, stored, err;
	json_t *j;
	json_error_t je;

	buf_init(&all);
	for (size_t i = 0; i < sizeof(logs) / sizeof(logs[0]); i++) {
		t_read(&part, t_path("%s", logs[i]));
		cr_assert_eq(buf_add(&all, part.data, part.len), 0);
		buf_release(&part);
	}
	cr_assert_geq(all.len, (size_t)8 << 20, "the log must be large enough to be cut");
	t_write(log, all.data, all.len);
	cr_assert_eq(t_run(&temp, &err, "analyze -n 0 --format json sample-profiles/std/go1.19/go_parser.pb.gz '%s'", log),
		     0, "%s", err.data);
	buf_release(&err);
	cr_assert_eq(t_run(&stored, &err, "analyze --db '%s' -n 0 --format json "
				      "sample-profiles/std/go1.19/go_parser.pb.gz '%s'", db, log), 0, "%s", err.data);
	cr_expect(temp.len == stored.len && !memcmp(temp.data, stored.data, temp.len),
		  "the analyses differ:\n%s\n---\n%s", temp.data, stored.data);
	j = json_loads(temp.data, 0, &je);
	cr_assert_not_null(j, "%s", je.text);
	cr_expect_gt(json_number_value(json_object_get(json_object_get(j, "coverage"), "joined_pct")), 50);
	json_decref(j);
	unlink(log);
	buf_release(&all);
	buf_release(&temp);
	buf_release(&stored);
	buf_release(&err);
}
