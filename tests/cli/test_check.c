/* test_check.c — CI budgets and diffs on sample data: budgets that pass and that breach by
 * one byte, by a share and by growth (limits computed here from pprof's own totals), a new
 * escape between a before/after pair, bad budget files as exit 3 with file:line, every
 * output format read back (JSON, JUnit XML through a small well-formedness checker, SARIF
 * 2.1.0's required fields, GitHub annotation lines), a store that fails a query part way
 * through as exit 3 and never a pass, and diffs of profiles and builds. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/testutil.h"

#define S22 "sample-profiles/out/go1.22/"
#define S26 "sample-profiles/out/go1.26/"
#define BUD "sample-profiles/budget/out/go1.26/"

static const char *db_path(const char *name)
{
	return t_fresh("chk-%s.db", name);
}

static const char *budget(const char *text)
{
	static char p[4][512];
	static int n;
	char *b = p[n++ & 3];

	snprintf(b, 512, "%s/budget-%d-%d.txt", t_tmpdir(), getpid(), n);
	t_write(b, text, strlen(text));
	return b;
}

static int check(const char *db, const char *rules, const char *extra, struct buf *out)
{
	return t_run(out, NULL, "check --db '%s' --budget '%s' %s", db, budget(rules), extra ? extra : "");
}

static const char *loaded(const char *name, const char *profile, const char *log)
{
	const char *db = db_path(name);

	cr_assert_eq(t_run(NULL, NULL, "analyze -q --db '%s' --name %s %s %s >/dev/null", db, name, profile,
			   log ? log : ""), 0);
	return db;
}

Test(check, a_budget_passes_at_the_total_and_breaches_one_byte_under_it)
{
	const char *db = loaded("exact", S26 "chan_send.pb.gz", S26 "chan_send.mm.txt");
	long long total = t_expect(t_path(S26 "chan_send.expect"), "alloc_space");
	long long objects = t_expect(t_path(S26 "chan_send.expect"), "alloc_objects");
	char rules[512];

	snprintf(rules, sizeof(rules), "total alloc_space <= %lld\ntotal alloc_objects <= %lld\n", total, objects);
	cr_expect_eq(check(db, rules, NULL, NULL), 0);
	snprintf(rules, sizeof(rules), "total alloc_space <= %lld\n", total - 1);
	cr_expect_eq(check(db, rules, NULL, NULL), 1);
	snprintf(rules, sizeof(rules), "total alloc_space < %lld\n", total);
	cr_expect_eq(check(db, rules, NULL, NULL), 1, "< is strict");
	/* units: 1 KiB is 1024 bytes; k counts thousands */
	snprintf(rules, sizeof(rules), "total alloc_space <= %lldKiB\n", (total + 1023) / 1024);
	cr_expect_eq(check(db, rules, NULL, NULL), 0);
	snprintf(rules, sizeof(rules), "total alloc_objects <= %lldk\n", objects / 1000);
	cr_expect_eq(check(db, rules, NULL, NULL), objects % 1000 ? 1 : 0);
}

Test(check, shares_are_percent_of_the_profile_total)
{
	const char *db = loaded("share", S26 "chan_send.pb.gz", S26 "chan_send.mm.txt");

	cr_expect_eq(check(db, "total alloc_space <= 100%\n", NULL, NULL), 0);
	cr_expect_eq(check(db, "total alloc_space <= 99.99%\n", NULL, NULL), 1);
	/* every cause is part of the whole: none can be over 100%, all of them at 0% breach */
	cr_expect_eq(check(db, "cause * alloc_space <= 100%\n", NULL, NULL), 0);
	cr_expect_eq(check(db, "cause channel-send alloc_space <= 0%\n", NULL, NULL), 1);
}

Test(check, growth_is_measured_against_the_baseline_profile)
{
	const char *db = db_path("growth");
	long long a = t_expect(t_path(S22 "iface_fmt.expect"), "alloc_space");
	long long b = t_expect(t_path(S26 "iface_fmt.expect"), "alloc_space");
	const char *base = a <= b ? S22 "iface_fmt.pb.gz" : S26 "iface_fmt.pb.gz";
	const char *cur = a <= b ? S26 "iface_fmt.pb.gz" : S22 "iface_fmt.pb.gz";
	long long lo = a <= b ? a : b, hi = a <= b ? b : a;
	double growth = 100.0 * (double)(hi - lo) / (double)lo;
	char rules[256];

	cr_assert_eq(t_run(NULL, NULL, "load -q --db '%s' --name base %s", db, base), 0);
	cr_assert_eq(t_run(NULL, NULL, "load -q --db '%s' --name new %s", db, cur), 0);
	snprintf(rules, sizeof(rules), "grown total alloc_space <= +%.4f%%\n", growth + 0.001);
	cr_expect_eq(check(db, rules, "--profile new --baseline base", NULL), 0, "growth %.4f%%", growth);
	snprintf(rules, sizeof(rules), "grown total alloc_space <= +%.4f%%\n", growth - 0.001);
	cr_expect_eq(check(db, rules, "--profile new --baseline base", NULL), growth > 0.001 ? 1 : 0);
	cr_expect_eq(check(db, "grown total alloc_space <= +5%\n", "--profile new", NULL), 2,
		     "a grown rule without a baseline is a usage error");
}

Test(check, one_added_escape_is_a_new_escape_and_nothing_else)
{
	const char *db = db_path("escape");
	struct buf out;

	cr_assert_eq(t_run(NULL, NULL, "analyze -q --db '%s' --name before " BUD "before.pb.gz " BUD "before.mm.txt >/dev/null", db), 0);
	cr_assert_eq(t_run(NULL, NULL, "analyze -q --db '%s' --name after " BUD "after.pb.gz " BUD "after.mm.txt >/dev/null", db), 0);
	cr_expect_eq(check(db, "new-escapes <= 0\n", "--profile after --build after --baseline before", &out), 1);
	cr_expect(strstr(out.data, "BREACH"), "%s", out.data);
	buf_release(&out);
	cr_expect_eq(check(db, "new-escapes <= 1\n", "--profile after --build after --baseline before", NULL), 0);
	/* and the reverse: going back removes it, adds none */
	cr_expect_eq(check(db, "new-escapes <= 0\n", "--profile before --build before --baseline after", NULL), 0);
	cr_assert_eq(t_run(&out, NULL, "diff --db '%s' --format json %s %s", db, BUD "before.mm.txt", BUD "after.mm.txt"), 0);
	{
		json_error_t je;
		json_t *j = json_loads(out.data, 0, &je);

		cr_assert_not_null(j, "%s", out.data);
		cr_expect_eq(json_array_size(json_object_get(j, "added")), 1, "%s", out.data);
		cr_expect_eq(json_array_size(json_object_get(j, "removed")), 0, "%s", out.data);
		json_decref(j);
	}
	buf_release(&out);
}

Test(check, a_go_upgrade_diff_lists_what_the_compiler_changed_and_nothing_else)
{
	struct buf out;

	/* Go 1.24 moves variables over 128 KiB to the heap (go-escape-messages.md §3) */
	cr_assert_eq(t_run(&out, NULL, "diff " S22 "too_large.mm.txt " S26 "too_large.mm.txt"), 0);
	cr_expect(strstr(out.data, "+ too_large/main.go:47: moved to heap: table\n"), "%s", out.data);
	cr_expect(strstr(out.data, "1 added, 0 removed"), "%s", out.data);
	buf_release(&out);
	/* Go 1.25 gives variable-size makes a stack buffer: the escapes go */
	cr_assert_eq(t_run(&out, NULL, "diff " S22 "nonconst_size.mm.txt " S26 "nonconst_size.mm.txt"), 0);
	cr_expect(strstr(out.data, "0 added, 3 removed"), "%s", out.data);
	buf_release(&out);
	/* a program whose escapes did not change: nothing */
	cr_assert_eq(t_run(&out, NULL, "diff " S22 "chan_send.mm.txt " S26 "chan_send.mm.txt"), 0);
	cr_expect(strstr(out.data, "0 added, 0 removed"), "%s", out.data);
	buf_release(&out);
}

Test(check, a_profile_diff_shows_what_changed)
{
	struct buf out;
	json_error_t je;
	json_t *j;

	cr_assert_eq(t_run(&out, NULL, "diff --format json --by cause " BUD "before.pb.gz " BUD "after.pb.gz"), 0);
	j = json_loads(out.data, 0, &je);
	cr_assert_not_null(j, "%s", out.data);
	cr_expect_str_eq(json_string_value(json_object_get(j, "kind")), "profiles");
	cr_expect_gt(json_array_size(json_object_get(j, "changes")), 0, "%s", out.data);
	json_decref(j);
	buf_release(&out);
	cr_expect_eq(t_run(NULL, NULL, "diff " S26 "chan_send.pb.gz " S26 "chan_send.mm.txt"), 2,
		     "a profile and a build do not diff");
}

Test(check, bad_budget_files_are_exit_3_with_file_and_line)
{
	static const char *const bad[] = {
		"total alloc_space <= 5 MB\n",		/* unit split from the number */
		"total alloc_space <= 5MB\n",		/* not a unit */
		"total alloc_bytes <= 5MiB\n",		/* not a sample type */
		"pkg main alloc_space <= 5MiB\n",	/* not a rule */
		"total alloc_objects <= 5MiB\n",	/* bytes for a count */
		"grown total alloc_space <= 5%\n",	/* growth without + */
		"total alloc_space <= +5%\n",		/* + without grown */
		"function 'main.f alloc_space <= 5\n",	/* unterminated quote */
		"total alloc_space\n",			/* no limit */
		"# only a comment\n",			/* no rules: would always pass */
	};
	const char *db = loaded("bad", S26 "chan_send.pb.gz", NULL);
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct buf err;
		const char *b = budget(bad[i]);
		char want[600];

		cr_expect_eq(t_run(NULL, &err, "check --db '%s' --budget '%s'", db, b), 3, "%s", bad[i]);
		snprintf(want, sizeof(want), "'%s':1: ", b);
		cr_expect(strstr(err.data, want) || strstr(err.data, "no rules"), "%s -> %s", bad[i], err.data);
		buf_release(&err);
	}
	cr_expect_eq(t_run(NULL, NULL, "check --db '%s' --budget /nonexistent/budget.txt", db), 3);
}

/* ---- failing closed ---- */

struct broken {
	char change[96];	/* done to the store with SQLite between two checks */
	char rules[64];		/* pass on the intact store */
	char extra[64];
	char says[32];		/* in the one line on stderr */
};

ParameterizedTestParameters(check, a_query_that_fails_mid_check_is_exit_3_and_never_a_pass)
{
	static struct broken cases[] = {
		/* the profile's total read after the sites: it used to stay 0, the share 0% */
		{"DROP VIEW heap_samples", "total alloc_space <= 100%\n", "", "heap_samples"},
		{"ALTER TABLE alloc_site RENAME TO alloc_site_gone", "function * alloc_space <= 1GiB\n", "",
		 "alloc_site"},
		/* the durations that scale a baseline */
		{"DROP VIEW profiles", "grown total alloc_space <= +0%\n", "--profile broken --baseline broken",
		 "profiles"},
	};

	return cr_make_param_array(struct broken, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct broken *c, check, a_query_that_fails_mid_check_is_exit_3_and_never_a_pass)
{
	const char *db = loaded("broken", S26 "chan_send.pb.gz", S26 "chan_send.mm.txt");
	struct buf out, err;
	sqlite3 *h = NULL;

	cr_assert_eq(check(db, c->rules, c->extra, NULL), 0, "%s passes on the intact store", c->rules);
	cr_assert_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(h, c->change, NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg(h));
	sqlite3_close(h);
	cr_expect_eq(t_run(&out, &err, "check --db '%s' --budget '%s' %s", db, budget(c->rules), c->extra), 3,
		     "%s after %s", c->rules, c->change);
	cr_expect_eq(out.len, 0, "no verdict is written: %s", out.data);
	cr_expect(strstr(err.data, c->says) && strchr(err.data, '\n') == err.data + err.len - 1,
		  "one line naming %s: %s", c->says, err.data);
	buf_release(&out);
	buf_release(&err);
}

/* ---- formats ---- */

/* A small XML well-formedness check: balanced elements, quoted attributes, known
 * entities; counts elements named `count_name`. Returns -1 when malformed. */
static int xml_check(const char *s, const char *count_name)
{
	const char *stack[64];
	size_t len[64];
	int depth = 0, count = 0;

	if (!strncmp(s, "<?xml", 5)) {
		s = strstr(s, "?>");
		if (!s)
			return -1;
		s += 2;
	}
	while (*s) {
		if (*s == '&') {
			if (strncmp(s, "&lt;", 4) && strncmp(s, "&gt;", 4) && strncmp(s, "&amp;", 5) &&
			    strncmp(s, "&quot;", 6) && strncmp(s, "&apos;", 6))
				return -1;
			s++;
			continue;
		}
		if (*s != '<') {
			s++;
			continue;
		}
		if (s[1] == '/') {
			size_t n = strcspn(s + 2, ">");

			if (!depth || n != len[depth - 1] || strncmp(s + 2, stack[depth - 1], n))
				return -1;
			depth--;
			s += 3 + n;
			continue;
		}
		{
			const char *name = s + 1;
			size_t n = strcspn(name, " />");
			int self = 0;

			if (!n)
				return -1;
			if (strlen(count_name) == n && !strncmp(name, count_name, n))
				count++;
			s = name + n;
			while (*s && *s != '>' && !(s[0] == '/' && s[1] == '>')) {
				if (*s == '=') {
					char q = s[1];
					const char *end;

					if (q != '"' && q != '\'')
						return -1;
					end = strchr(s + 2, q);
					if (!end || memchr(s + 2, '<', (size_t)(end - s - 2)))
						return -1;
					s = end + 1;
					continue;
				}
				s++;
			}
			if (!*s)
				return -1;
			if (*s == '/') {
				self = 1;
				s++;
			}
			s++;
			if (!self) {
				if (depth == 64)
					return -1;
				stack[depth] = name;
				len[depth++] = n;
			}
		}
	}
	return depth ? -1 : count;
}

static const char *const RULES =
	"total alloc_space <= 512MiB\n"
	"function main.formatRecord alloc_space <= 1KiB\n"
	"cause interface-conversion alloc_space <= 10%\n"
	"function main.noSuchFunction alloc_space <= 1\n";

Test(check, junit_is_well_formed_with_one_testcase_per_rule)
{
	const char *db = loaded("junit", S26 "iface_fmt.pb.gz", S26 "iface_fmt.mm.txt");
	struct buf out;

	cr_expect_eq(check(db, RULES, "--format junit", &out), 1);
	cr_expect_eq(xml_check(out.data, "testcase"), 4, "%s", out.data);
	/* two breaches and a rule that matches nothing */
	cr_expect_eq(xml_check(out.data, "failure"), 3, "%s", out.data);
	cr_expect(strstr(out.data, "failure type=\"no-match\""), "%s", out.data);
	cr_expect(strstr(out.data, "&lt;= 512MiB"), "%s", out.data);
	buf_release(&out);
	cr_expect_eq(xml_check("<a><b x=\"1\"></a>", "b"), -1, "the checker catches a bad nesting");
}

Test(check, sarif_has_the_fields_2_1_0_requires)
{
	const char *db = loaded("sarif", S26 "iface_fmt.pb.gz", S26 "iface_fmt.mm.txt");
	struct buf out;
	json_error_t je;
	json_t *j, *run, *results;
	size_t i;

	char extra[700];

	snprintf(extra, sizeof(extra), "--format sarif -trim_path /src --srcroot '%s'", t_tmpdir());
	cr_expect_eq(check(db, RULES, extra, &out), 1);
	j = json_loads(out.data, 0, &je);
	cr_assert_not_null(j, "%s", je.text);
	cr_expect_str_eq(json_string_value(json_object_get(j, "version")), "2.1.0");
	cr_assert_eq(json_array_size(json_object_get(j, "runs")), 1);
	run = json_array_get(json_object_get(j, "runs"), 0);
	cr_expect_str_eq(json_string_value(json_object_get(json_object_get(json_object_get(run, "tool"), "driver"), "name")),
			 "escprof");
	cr_expect(json_is_true(json_object_get(json_array_get(json_object_get(run, "invocations"), 0),
						"executionSuccessful")));
	results = json_object_get(run, "results");
	/* the two breaches at their sites, the rule that matches nothing at its budget line */
	cr_assert_eq(json_array_size(results), 3);
	for (i = 0; i < json_array_size(results); i++) {
		json_t *r = json_array_get(results, i), *loc;
		const char *uri;

		cr_expect(json_is_string(json_object_get(json_object_get(r, "message"), "text")));
		cr_expect(json_is_string(json_object_get(r, "ruleId")));
		loc = json_object_get(json_array_get(json_object_get(r, "locations"), 0), "physicalLocation");
		uri = json_string_value(json_object_get(json_object_get(loc, "artifactLocation"), "uri"));
		cr_assert_not_null(uri);
		if (i < 2)
			cr_expect_str_eq(uri, "samples/iface_fmt/main.go");
		else
			cr_expect(!strncmp(uri, "budget-", 7), "%s", uri);
		cr_expect_str_eq(json_string_value(json_object_get(json_object_get(loc, "artifactLocation"), "uriBaseId")),
				 "%SRCROOT%");
		cr_expect_gt(json_integer_value(json_object_get(json_object_get(loc, "region"), "startLine")), 0);
	}
	json_decref(j);
	buf_release(&out);
}

Test(check, github_annotations_point_at_the_offending_line)
{
	const char *db = loaded("gh", S26 "iface_fmt.pb.gz", S26 "iface_fmt.mm.txt");
	struct buf out;

	char extra[700];

	/* the samples were built in /src/samples: trimmed, the path is the repository's */
	snprintf(extra, sizeof(extra), "--format github -trim_path /src --srcroot '%s'", t_tmpdir());
	cr_expect_eq(check(db, "function main.formatRecord alloc_space <= 1KiB\n"
			       "function main.noSuchFunction alloc_space <= 1\n", extra, &out), 1);
	/* iface_fmt/main.go:33 is `return fmt.Sprintf("%v", r)`, formatRecord's only line */
	cr_expect(strstr(out.data, "::error file=samples/iface_fmt/main.go,line=33,title=escprof budget::"
				   "function main.formatRecord alloc_space <= 1KiB: main.formatRecord "),
		  "%s", out.data);
	/* a rule that matches nothing fails at its own line of the budget, relative to the root */
	cr_expect(strstr(out.data, "::error file=budget-"), "%s", out.data);
	cr_expect(strstr(out.data, ".txt,line=2,title=escprof budget::function main.noSuchFunction alloc_space"
				   " <= 1: the rule matches nothing"), "%s", out.data);
	cr_expect_not(strstr(out.data, "::warning"), "%s", out.data);
	cr_expect_not(strstr(out.data, "file=/"), "%s", out.data);
	buf_release(&out);
	/* untrimmed, the build path is no file of the repository: the breach points at the
	 * budget's line instead, never at /src/... */
	snprintf(extra, sizeof(extra), "--format github --srcroot '%s'", t_tmpdir());
	cr_expect_eq(check(db, "function main.formatRecord alloc_space <= 1KiB\n", extra, &out), 1);
	cr_expect(strstr(out.data, ".txt,line=1,title=escprof budget::function main.formatRecord"), "%s", out.data);
	cr_expect_not(strstr(out.data, "/src/"), "%s", out.data);
	buf_release(&out);
	/* a root the budget is not under: no file at all */
	cr_expect_eq(check(db, "function main.noSuchFunction alloc_space <= 1\n",
			   "--format github --srcroot sample-profiles", &out), 1);
	cr_expect(!strncmp(out.data, "::error title=escprof budget::function main.noSuchFunction", 58),
		  "%s", out.data);
	buf_release(&out);
}

Test(check, json_reports_every_rule)
{
	const char *db = loaded("json", S26 "iface_fmt.pb.gz", S26 "iface_fmt.mm.txt");
	struct buf out;
	json_error_t je;
	json_t *j;

	cr_expect_eq(check(db, RULES, "--format json", &out), 1);
	j = json_loads(out.data, 0, &je);
	cr_assert_not_null(j, "%s", je.text);
	cr_expect_eq(json_integer_value(json_object_get(j, "breaches")), 2);
	cr_expect_eq(json_integer_value(json_object_get(j, "failures")), 3);
	cr_expect_eq(json_array_size(json_object_get(j, "rules")), 4);
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(j, "rules"), 3), "verdict")),
			 "no-match");
	json_decref(j);
	buf_release(&out);
}

/* ---- budgets fail closed ---- */

/* A misspelt name fails the check; "?" after the scope makes a rule optional. */
Test(check, a_rule_that_matches_nothing_fails_unless_it_is_optional)
{
	const char *db = loaded("nomatch", S26 "iface_fmt.pb.gz", S26 "iface_fmt.mm.txt");
	struct buf out;

	cr_expect_eq(check(db, "function main.prase alloc_space <= 10%\n", NULL, &out), 1, "%s", out.data);
	cr_expect(strstr(out.data, "NO MATCH"), "%s", out.data);
	cr_expect(strstr(out.data, "1 rule, 0 breached, 1 matched nothing"), "%s", out.data);
	buf_release(&out);
	cr_expect_eq(check(db, "function? main.prase alloc_space <= 10%\n"
			       "package? no/such/pkg alloc_space <= 1%\n"
			       "site? nosuch.go:1 alloc_space <= 1\n"
			       "total alloc_space <= 1GiB\n", NULL, &out), 0, "%s", out.data);
	cr_expect(strstr(out.data, "4 rules, 0 breached, 3 skipped"), "%s", out.data);
	buf_release(&out);
	cr_expect_eq(check(db, "function? main.prase alloc_space <= 10%\n", "--format junit", &out), 0);
	cr_expect_eq(xml_check(out.data, "skipped"), 1, "%s", out.data);
	cr_expect(strstr(out.data, "skipped=\"1\""), "%s", out.data);
	buf_release(&out);
	/* an optional rule that does match is checked as any other */
	cr_expect_eq(check(db, "function? main.formatRecord alloc_space <= 1KiB\n", NULL, &out), 1, "%s", out.data);
	buf_release(&out);
}

struct misspelt {
	char rule[96];
	char says[96];		/* in the message, after "'FILE':1: " */
};

ParameterizedTestParameters(check, misspelt_words_are_exit_3_with_what_was_meant)
{
	static struct misspelt v[] = {
		{"cause interface-convertion alloc_space <= 10%", "(did you mean 'interface-conversion'?)"},
		{"cause pointer-return alloc_space <= 10%", "(did you mean 'pointer-returned'?)"},
		{"cause fmt* alloc_space <= 10%", "'fmt*' is no cause escprof knows"},
		{"total alloc_spac <= 1MiB", "(did you mean 'alloc_space'?)"},
		{"total inuse_space <= 1Mib", "(did you mean 'MiB'?)"},
		{"functoin main.f alloc_space <= 1", "(did you mean 'function'?)"},
		{"total? alloc_space <= 1MiB", "no '?'"},
		{"cause? closure-capture alloc_space <= 1", "no '?'"},
	};
	return cr_make_param_array(struct misspelt, v, sizeof(v) / sizeof(v[0]));
}

ParameterizedTest(struct misspelt *m, check, misspelt_words_are_exit_3_with_what_was_meant)
{
	const char *db = loaded("misspelt", S26 "chan_send.pb.gz", NULL);
	const char *b = budget(m->rule);
	struct buf err;
	char want[700];

	cr_expect_eq(t_run(NULL, &err, "check --db '%s' --budget '%s'", db, b), 3, "%s", m->rule);
	snprintf(want, sizeof(want), "'%s':1: ", b);
	cr_expect(strstr(err.data, want), "%s -> %s", m->rule, err.data);
	cr_expect(strstr(err.data, m->says), "%s -> %s", m->rule, err.data);
	buf_release(&err);
}

/* A CI publisher reads the file it is given: a budget that cannot be checked still makes
 * a valid document of each format, saying why and where. */
Test(check, every_format_describes_a_budget_that_cannot_be_checked)
{
	const char *db = loaded("errdoc", S26 "chan_send.pb.gz", NULL);
	const char *b = budget("total alloc_space <= 1MiB\ncause interface-convertion alloc_space <= 1%\n");
	const char *xml = t_fresh("err.xml");
	struct buf out;
	json_error_t je;
	json_t *j, *inv, *note;
	char cmd[1024];
	int st;

	cr_expect_eq(t_run(&out, NULL, "check --db '%s' --budget '%s' --format junit", db, b), 3);
	t_write(xml, out.data, out.len);
	snprintf(cmd, sizeof(cmd), "xmllint --noout '%s'", xml);
	st = system(cmd);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "xmllint refused:\n%s", out.data);
	cr_expect_eq(xml_check(out.data, "error"), 1, "%s", out.data);
	cr_expect(strstr(out.data, "errors=\"1\""), "%s", out.data);
	cr_expect(strstr(out.data, "interface-conversion"), "%s", out.data);
	buf_release(&out);

	cr_expect_eq(t_run(&out, NULL, "check --db '%s' --budget '%s' --format sarif --srcroot '%s'", db, b,
			   t_tmpdir()), 3);
	j = json_loads(out.data, 0, &je);
	cr_assert_not_null(j, "%s: %s", je.text, out.data);
	inv = json_array_get(json_object_get(json_array_get(json_object_get(j, "runs"), 0), "invocations"), 0);
	cr_expect(json_is_false(json_object_get(inv, "executionSuccessful")), "%s", out.data);
	note = json_array_get(json_object_get(inv, "toolExecutionNotifications"), 0);
	cr_expect_str_eq(json_string_value(json_object_get(note, "level")), "error");
	cr_expect_eq(json_integer_value(json_object_get(json_object_get(json_object_get(json_array_get(
		     json_object_get(note, "locations"), 0), "physicalLocation"), "region"), "startLine")), 2);
	cr_expect_eq(json_array_size(json_object_get(json_array_get(json_object_get(j, "runs"), 0), "results")), 0);
	json_decref(j);
	buf_release(&out);

	cr_expect_eq(t_run(&out, NULL, "check --db '%s' --budget '%s' --format json", db, b), 3);
	j = json_loads(out.data, 0, &je);
	cr_assert_not_null(j, "%s: %s", je.text, out.data);
	cr_expect_eq(json_integer_value(json_object_get(json_object_get(j, "error"), "line")), 2);
	cr_expect(strstr(json_string_value(json_object_get(json_object_get(j, "error"), "message")),
			 "interface-convertion"));
	json_decref(j);
	buf_release(&out);

	cr_expect_eq(t_run(&out, NULL, "check --db '%s' --budget '%s' --format github --srcroot '%s'", db, b,
			   t_tmpdir()), 3);
	cr_expect(!strncmp(out.data, "::error file=", 13) && strstr(out.data, ",line=2,title=escprof budget::"),
		  "%s", out.data);
	buf_release(&out);

	/* a store without a profile: the same documents, no line */
	cr_expect_eq(t_run(&out, NULL, "check --db '%s' --budget '%s' --format json", t_fresh("empty.db"),
			   budget("total alloc_space <= 1MiB\n")), 3);
	j = json_loads(out.data, 0, &je);
	cr_assert_not_null(j, "%s: %s", je.text, out.data);
	cr_expect(json_is_null(json_object_get(json_object_get(j, "error"), "line")), "%s", out.data);
	json_decref(j);
	buf_release(&out);
}
