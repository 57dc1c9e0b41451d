/* test_sarif.c — what GitHub code scanning and CI publishers read from `check`: every SARIF
 * document (breach, pass, skipped optional rule, error) validated by python3-jsonschema
 * against the OASIS SARIF 2.1.0 schema in tests/data/sarif, every artifact URI relative,
 * inside the repository and percent-encoded; rule ids and fingerprints that stay when the
 * budget is edited; paths made relative by -trim_path, -source_path and --srcroot; JUnit's
 * times; the README's CI commands run as written on a bundled sample; check --help.
 * The samples were built in /src/samples (their profiles' paths say so), and
 * iface_fmt/main.go:33 is formatRecord's only line. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/digest.h"
#include "tests/testutil.h"

#define S26 "sample-profiles/out/go1.26/"
#define SCHEMA "tests/data/sarif/sarif-schema-2.1.0.json"

static const char *sample_db(const char *name)
{
	const char *db = t_fresh("sarif-%s.db", name);

	cr_assert_eq(t_run(NULL, NULL, "analyze -q --db '%s' --name %s " S26 "iface_fmt.pb.gz " S26
			   "iface_fmt.mm.txt >/dev/null", db, name), 0);
	return db;
}

/* a fresh directory standing for the repository's checkout, canonical */
static const char *repo(const char *name)
{
	static char p[4][PATH_MAX];
	static int n;
	char *r = p[n++ & 3];
	const char *d = t_fresh("repo-%s", name);

	cr_assert_eq(mkdir(d, 0777), 0);
	cr_assert_not_null(realpath(d, r));
	return r;
}

static const char *put(const char *dir, const char *name, const char *text)
{
	static char p[8][PATH_MAX + 64];
	static int n;
	char *path = p[n++ & 7];

	snprintf(path, PATH_MAX + 64, "%s/%s", dir, name);
	t_write(path, text, strlen(text));
	return path;
}

/* Validates the SARIF files against the schema and the relative-URI rule; skips the test,
 * saying why, when python3-jsonschema is missing. */
static void expect_valid(const char *const *files, size_t n)
{
	char cmd[8192];
	struct buf out;
	size_t i, k;
	int st;

	k = (size_t)snprintf(cmd, sizeof(cmd), "cd '%s' && python3 tests/data/sarif/validate.py " SCHEMA, t_src());
	for (i = 0; i < n; i++)
		k += (size_t)snprintf(cmd + k, sizeof(cmd) - k, " '%s'", files[i]);
	snprintf(cmd + k, sizeof(cmd) - k, " >'%s/validate.%d' 2>&1", t_tmpdir(), getpid());
	st = system(cmd);
	snprintf(cmd, sizeof(cmd), "%s/validate.%d", t_tmpdir(), getpid());
	t_read(&out, cmd);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 77) {
		buf_release(&out);
		cr_skip_test("python3-jsonschema is not installed: SARIF not validated against its schema"
			     " (scripts/install-deps.sh test installs it)");
	}
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "SARIF refused:\n%s", out.data);
	buf_release(&out);
}

static json_t *load(const char *path)
{
	json_error_t je;
	json_t *j = json_load_file(path, 0, &je);

	cr_assert_not_null(j, "%s: %s", path, je.text);
	return j;
}

static json_t *run_of(json_t *doc)
{
	return json_array_get(json_object_get(doc, "runs"), 0);
}

static json_t *artifact(json_t *result)
{
	return json_object_get(json_object_get(json_array_get(json_object_get(result, "locations"), 0),
					       "physicalLocation"), "artifactLocation");
}

/* runs check with stdout into out_path; returns its exit code */
static int check_to(const char *out_path, const char *db, const char *budget, const char *extra)
{
	struct buf out;
	int rc = t_run(&out, NULL, "check --db '%s' --budget '%s' %s", db, budget, extra);

	t_write(out_path, out.data, out.len);
	buf_release(&out);
	return rc;
}

Test(sarif, every_document_check_writes_is_valid_against_the_oasis_schema)
{
	const char *db = sample_db("valid"), *r = repo("valid");
	long long total = t_expect(t_path(S26 "iface_fmt.expect"), "alloc_space");
	const char *files[6];
	char extra[PATH_MAX + 128], rules[256], want_root[PATH_MAX + 16];
	json_t *j, *run, *res, *inv;

	snprintf(want_root, sizeof(want_root), "%s/.github", r);
	cr_assert_eq(mkdir(want_root, 0777), 0);
	snprintf(extra, sizeof(extra), "--format sarif -trim_path /src --srcroot '%s'", r);
	files[0] = t_fresh("breach.sarif");
	cr_expect_eq(check_to(files[0], db, put(r, ".github/breach.budget",
						"function main.formatRecord alloc_space <= 1KiB\n"
						"cause interface-conversion alloc_space <= 10%\n"
						"function main.noSuchFunction alloc_space <= 1\n"), extra), 1);
	/* the total is the profile's, from the sample's oracle: a pass at exactly it */
	snprintf(rules, sizeof(rules), "total alloc_space <= %lld\n", total);
	files[1] = t_fresh("pass.sarif");
	cr_expect_eq(check_to(files[1], db, put(r, ".github/pass.budget", rules), extra), 0);
	files[2] = t_fresh("skipped.sarif");
	cr_expect_eq(check_to(files[2], db, put(r, ".github/skip.budget", "function? main.prase alloc_space <= 1%\n"
						"total alloc_space <= 1GiB\n"), extra), 0);
	files[3] = t_fresh("error.sarif");
	cr_expect_eq(check_to(files[3], db, put(r, ".github/error.budget", "total alloc_space <= 1GiB\n"
						"cause interface-convertion alloc_space <= 1%\n"), extra), 3);
	/* untrimmed: the build path is no file of the repository */
	snprintf(extra, sizeof(extra), "--format sarif --srcroot '%s'", r);
	files[4] = t_fresh("untrimmed.sarif");
	cr_expect_eq(check_to(files[4], db, put(r, ".github/breach.budget", "function main.formatRecord alloc_space"
						" <= 1KiB\n"), extra), 1);
	/* a root that is no directory: exit 3 and still a document */
	files[5] = t_fresh("badroot.sarif");
	cr_expect_eq(check_to(files[5], db, put(r, ".github/pass.budget", rules),
			      "--format sarif --srcroot /nonexistent/root"), 3);
	expect_valid(files, 6);

	/* the breach: the site trimmed of /src, the rule that matched nothing at its budget line */
	j = load(files[0]);
	run = run_of(j);
	snprintf(want_root, sizeof(want_root), "file://%s/", r);
	cr_expect_str_eq(json_string_value(json_object_get(json_object_get(json_object_get(run, "originalUriBaseIds"),
				"%SRCROOT%"), "uri")), want_root);
	res = json_object_get(run, "results");
	cr_assert_eq(json_array_size(res), 3);
	cr_expect_str_eq(json_string_value(json_object_get(artifact(json_array_get(res, 0)), "uri")),
			 "samples/iface_fmt/main.go");
	cr_expect_str_eq(json_string_value(json_object_get(artifact(json_array_get(res, 0)), "uriBaseId")), "%SRCROOT%");
	cr_expect_eq(json_integer_value(json_object_get(json_object_get(json_object_get(json_array_get(json_object_get(
		     json_array_get(res, 0), "locations"), 0), "physicalLocation"), "region"), "startLine")), 33);
	cr_expect_str_eq(json_string_value(json_object_get(artifact(json_array_get(res, 2)), "uri")),
			 ".github/breach.budget");
	cr_expect_str_eq(json_string_value(json_object_get(json_object_get(json_object_get(run, "tool"), "driver"),
							   "informationUri")), "https://github.com/escprof/escprof");
	json_decref(j);

	/* a pass and a skipped optional rule: no alert; the skip is a note */
	j = load(files[1]);
	cr_expect_eq(json_array_size(json_object_get(run_of(j), "results")), 0);
	json_decref(j);
	j = load(files[2]);
	run = run_of(j);
	inv = json_array_get(json_object_get(run, "invocations"), 0);
	cr_expect_eq(json_array_size(json_object_get(run, "results")), 0);
	cr_expect(json_is_true(json_object_get(inv, "executionSuccessful")));
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(inv,
				"toolExecutionNotifications"), 0), "level")), "note");
	json_decref(j);
	j = load(files[3]);
	inv = json_array_get(json_object_get(run_of(j), "invocations"), 0);
	cr_expect(json_is_false(json_object_get(inv, "executionSuccessful")));
	json_decref(j);

	/* untrimmed: the function stands for the site, no physical location at all */
	j = load(files[4]);
	res = json_object_get(run_of(j), "results");
	cr_assert_eq(json_array_size(res), 1);
	{
		json_t *loc = json_array_get(json_object_get(json_array_get(res, 0), "locations"), 0);

		cr_expect_null(json_object_get(loc, "physicalLocation"));
		cr_expect_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(loc, "logicalLocations"), 0),
								   "fullyQualifiedName")), "main.formatRecord");
	}
	json_decref(j);
}

/* sha256 of "ID\0FUNCTION\0FILE", the fingerprint's definition */
static void fingerprint(const char *id, const char *fn, const char *file, char hex[65])
{
	char b[1024];
	size_t n = 0;

	n += (size_t)snprintf(b + n, sizeof(b) - n, "%s", id) + 1;
	n += (size_t)snprintf(b + n, sizeof(b) - n, "%s", fn) + 1;
	n += (size_t)snprintf(b + n, sizeof(b) - n, "%s", file);
	digest_sha256_hex(b, n, hex);
}

static const char *fp_of(json_t *result)
{
	return json_string_value(json_object_get(json_object_get(result, "partialFingerprints"), "escprof/v1"));
}

Test(sarif, rule_ids_say_what_a_rule_checks_and_stay_when_the_budget_is_edited)
{
	const char *db = sample_db("ids"), *r = repo("ids");
	const char *a = t_fresh("a.sarif"), *b = t_fresh("b.sarif");
	char extra[PATH_MAX + 128], want[65];
	json_t *ja, *jb, *ra, *rb;
	size_t i;

	snprintf(extra, sizeof(extra), "--format sarif -trim_path /src --srcroot '%s'", r);
	cr_expect_eq(check_to(a, db, put(r, "a.budget", "cause interface-conversion alloc_space <= 10%\n"
					 "function main.formatRecord alloc_space <= 1KiB\n"), extra), 1);
	/* lines inserted, the rules swapped, their limits changed */
	cr_expect_eq(check_to(b, db, put(r, "a.budget", "# memory budget\n\ntotal alloc_space <= 1GiB\n"
					 "function  main.formatRecord  alloc_space <= 2KiB\n"
					 "cause interface-conversion alloc_space <= 5%\n"), extra), 1);
	ja = load(a);
	jb = load(b);
	ra = json_object_get(run_of(ja), "results");
	rb = json_object_get(run_of(jb), "results");
	cr_assert_eq(json_array_size(ra), 2);
	cr_assert_eq(json_array_size(rb), 2);
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(ra, 0), "ruleId")),
			 "cause/interface-conversion/alloc_space");
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(ra, 1), "ruleId")),
			 "function/main.formatRecord/alloc_space");
	for (i = 0; i < 2; i++) {
		cr_expect_str_eq(json_string_value(json_object_get(json_array_get(ra, i), "ruleId")),
				 json_string_value(json_object_get(json_array_get(rb, 1 - i), "ruleId")));
		cr_expect_str_eq(fp_of(json_array_get(ra, i)), fp_of(json_array_get(rb, 1 - i)));
	}
	fingerprint("function/main.formatRecord/alloc_space", "main.formatRecord", "samples/iface_fmt/main.go", want);
	cr_expect_str_eq(fp_of(json_array_get(ra, 1)), want);
	/* the rule's descriptor: the cause's meaning and fix from the causes table, the README */
	{
		json_t *rules = json_object_get(json_object_get(json_object_get(run_of(ja), "tool"), "driver"), "rules");
		json_t *cause = json_array_get(rules, 0);
		const char *md = json_string_value(json_object_get(json_object_get(cause, "help"), "markdown"));
		const char *txt = json_string_value(json_object_get(json_object_get(cause, "help"), "text"));

		cr_expect_str_eq(json_string_value(json_object_get(cause, "id")), "cause/interface-conversion/alloc_space");
		cr_expect_str_eq(json_string_value(json_object_get(cause, "helpUri")),
				 "https://github.com/escprof/escprof#causes");
		cr_expect_str_eq(json_string_value(json_object_get(json_array_get(rules, 1), "helpUri")),
				 "https://github.com/escprof/escprof#budgets-and-ci");
		cr_assert_not_null(md);
		cr_assert_not_null(txt);
		cr_expect(strstr(txt, "interface-conversion: value boxed into an interface. Fix: "), "%s", txt);
		cr_expect(strstr(md, "**`interface-conversion`**"), "%s", md);
		cr_expect_not(strstr(txt, "closure-capture"), "a cause rule's help is its cause's: %s", txt);
		cr_expect(json_is_string(json_object_get(json_object_get(cause, "fullDescription"), "text")));
		cr_expect_str_eq(json_string_value(json_object_get(json_object_get(cause, "shortDescription"), "text")),
				 "cause interface-conversion alloc_space <= 10%");
	}
	json_decref(ja);
	json_decref(jb);
}

/* The helpUri anchors are the README's own headings, as GitHub makes anchors of them. */
Test(sarif, the_help_anchors_are_headings_of_the_readme)
{
	struct buf b;

	t_read(&b, t_path("README.md"));
	cr_expect(strstr(b.data, "\n## Causes\n"), "no '## Causes' heading for #causes");
	cr_expect(strstr(b.data, "\n## Budgets and CI\n"), "no '## Budgets and CI' heading for #budgets-and-ci");
	buf_release(&b);
}

/* -source_path finds the profile's file in this repository: the path is the repository's
 * own (sample-profiles/iface_fmt/main.go), the same in SARIF and annotations. */
Test(sarif, source_path_makes_the_path_the_one_in_the_repository)
{
	const char *db = sample_db("srcpath");
	const char *b = put(t_tmpdir(), "srcpath.budget", "function main.formatRecord alloc_space <= 1KiB\n");
	const char *f = t_fresh("srcpath.sarif");
	struct buf out;
	json_t *j;

	cr_expect_eq(check_to(f, db, b, "--format sarif -source_path sample-profiles --srcroot ."), 1);
	expect_valid(&f, 1);
	j = load(f);
	cr_expect_str_eq(json_string_value(json_object_get(artifact(json_array_get(json_object_get(run_of(j), "results"),
			 0)), "uri")), "sample-profiles/iface_fmt/main.go");
	json_decref(j);
	/* the root defaults to the first -source_path */
	cr_expect_eq(t_run(&out, NULL, "check --db '%s' --budget '%s' --format github -source_path sample-profiles",
			   db, b), 1);
	cr_expect(!strncmp(out.data, "::error file=iface_fmt/main.go,line=33,title=escprof budget::", 61),
		  "%s", out.data);
	buf_release(&out);
}

static int count(const char *s, const char *what)
{
	int n = 0;

	for (; (s = strstr(s, what)); s++)
		n++;
	return n;
}

/* every time="S.mmm" in order, into t; returns how many */
static int times(const char *s, double *t, int max)
{
	int n = 0;

	while (n < max && (s = strstr(s, " time=\""))) {
		char *end;

		s += 7;
		t[n] = strtod(s, &end);
		cr_expect(end > s && *end == '"' && end - strchr(s, '.') == 4, "time %.10s", s);
		n++;
	}
	return n;
}

Test(sarif, junit_has_measured_times_and_an_element_per_verdict)
{
	const char *db = sample_db("junit");
	const char *b = put(t_tmpdir(), "junit.budget", "function main.formatRecord alloc_space <= 1KiB\n"
			    "total alloc_space <= 1GiB\n"
			    "function? main.prase alloc_space <= 1%\n"
			    "function main.noSuchFunction alloc_space <= 1\n");
	const char *xml = t_fresh("junit.xml");
	char cmd[1024];
	double t[8];
	int st, i;
	struct buf out;

	cr_expect_eq(check_to(xml, db, b, "--format junit"), 1);
	snprintf(cmd, sizeof(cmd), "xmllint --noout '%s'", xml);
	st = system(cmd);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "xmllint refused %s", xml);
	t_read(&out, xml);
	/* suites and suite, then the four testcases */
	cr_assert_eq(times(out.data, t, 8), 6, "%s", out.data);
	for (i = 2; i < 6; i++)
		cr_expect(t[i] >= 0 && t[i] <= t[1] + 0.0005, "a testcase took longer than its suite:\n%s", out.data);
	cr_expect(t[0] == t[1]);
	cr_expect_eq(count(out.data, "<failure "), 2, "%s", out.data);
	cr_expect_eq(count(out.data, "<skipped message="), 1, "%s", out.data);
	cr_expect(strstr(out.data, "tests=\"4\" failures=\"2\" errors=\"0\" skipped=\"1\" time=\""), "%s", out.data);
	buf_release(&out);
	/* a check that cannot be made: one <error> testcase, timed too */
	cr_expect_eq(check_to(xml, db, put(t_tmpdir(), "junit-err.budget", "totl alloc_space <= 1\n"),
			      "--format junit"), 3);
	st = system(cmd);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "xmllint refused %s", xml);
	t_read(&out, xml);
	cr_expect_eq(count(out.data, "<error "), 1, "%s", out.data);
	cr_expect_eq(times(out.data, t, 8), 3, "%s", out.data);
	buf_release(&out);
}

/* The README's CI job: its `escprof` lines, run as written in a checkout holding the
 * bundled sample's profile, log and a budget, with $GITHUB_WORKSPACE the sample's build
 * root. The SARIF it uploads and the annotations name iface_fmt/main.go:33. */
Test(sarif, the_readme_ci_job_runs_as_written_and_its_output_is_valid)
{
	const char *r = repo("readme"), *bin = getenv("ESCPROF");
	char dir[PATH_MAX], cmd[16384], path[PATH_MAX + 64], *line, *nl, *slash;
	struct buf readme, script, out;
	const char *block, *end;
	int st, nlines = 0, upload;
	json_t *j, *res;

	cr_assert_not_null(bin);
	cr_assert_not_null(realpath(bin, dir));
	slash = strrchr(dir, '/');
	*slash = '\0';
	t_read(&readme, t_path("README.md"));
	block = strstr(readme.data, "```yaml\njobs:");
	cr_assert_not_null(block, "no GitHub Actions job in README.md");
	end = strstr(block + 7, "```");
	cr_assert_not_null(end);
	upload = strstr(block, "github/codeql-action/upload-sarif@") && strstr(block, "github/codeql-action/upload-sarif@") < end;
	cr_expect(upload, "the job does not upload its SARIF");
	buf_init(&script);
	buf_adds(&script, "set -eu\n");
	/* every shell line of the job that runs escprof, as written */
	for (line = (char *)block; line < end; line = nl + 1) {
		char *p = line, one[1024];

		nl = strchr(line, '\n');
		while (*p == ' ')
			p++;
		if (!strncmp(p, "run: ", 5))
			p += 5;
		if (strncmp(p, "escprof ", 8))
			continue;
		snprintf(one, sizeof(one), "%.*s", (int)(nl - p), p);
		/* a breach exits 1 and the job goes on to the next step; the annotations go to
		 * the log, here a file */
		buf_adds(&script, one);
		buf_adds(&script, strstr(one, "--format github") && !strchr(one, '>') ? " > annotations.txt || true\n" :
			 strncmp(one, "escprof check ", 14) ? "\n" : " || true\n");
		nlines++;
	}
	cr_expect_eq(nlines, 3, "analyze, check --format sarif, check --format github:\n%s", script.data);
	cr_expect(strstr(script.data, "--format sarif") && strstr(script.data, "> escprof.sarif"), "%s", script.data);
	snprintf(path, sizeof(path), "%s/.github", r);
	cr_assert_eq(mkdir(path, 0777), 0);
	put(r, ".github/memory.budget", "function main.formatRecord alloc_space <= 1KiB\n"
	    "total alloc_space <= 1GiB\n"
	    "function? main.parseConfig alloc_space <= 1MiB\n");
	put(r, "ci.sh", script.data);
	snprintf(cmd, sizeof(cmd), "cd '%s' && cp '%s/" S26 "iface_fmt.pb.gz' heap.pb.gz && cp '%s/" S26
		 "iface_fmt.mm.txt' build.log && PATH='%s':\"$PATH\" GITHUB_WORKSPACE=/src/samples sh ci.sh"
		 " >ci.out 2>&1", r, t_src(), t_src(), dir);
	st = system(cmd);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the job's script failed (ci.out in %s)", r);
	snprintf(path, sizeof(path), "%s/escprof.sarif", r);
	{
		const char *f = path;

		expect_valid(&f, 1);
	}
	j = load(path);
	res = json_object_get(run_of(j), "results");
	cr_assert_eq(json_array_size(res), 1);
	cr_expect_str_eq(json_string_value(json_object_get(artifact(json_array_get(res, 0)), "uri")), "iface_fmt/main.go");
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(res, 0), "ruleId")),
			 "function/main.formatRecord/alloc_space");
	json_decref(j);
	snprintf(path, sizeof(path), "%s/annotations.txt", r);
	t_read(&out, path);
	cr_expect(!strncmp(out.data, "::error file=iface_fmt/main.go,line=33,title=escprof budget::", 61), "%s", out.data);
	cr_expect(strstr(out.data, "::notice file=.github/memory.budget,line=3,"), "%s", out.data);
	st = count(out.data, "::");
	cr_expect_eq(st, 4, "two annotations:\n%s", out.data);
	buf_release(&out);
	buf_release(&script);
	buf_release(&readme);
}

Test(sarif, check_help_lists_every_option_with_examples)
{
	static const char *const opts[] = {"--budget FILE", "--profile REF", "--build REF", "--baseline REF",
					   "--baseline-build REF", "--format", "--srcroot DIR", "-source_path DIR",
					   "-trim_path PREFIX", "--db FILE", "--quiet", "--help"};
	struct buf out;
	const char *ex;
	size_t i;

	cr_assert_eq(t_run(&out, NULL, "check --help"), 0);
	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		cr_expect(strstr(out.data, opts[i]), "check --help does not list %s:\n%s", opts[i], out.data);
	ex = strstr(out.data, "examples:\n");
	cr_assert_not_null(ex, "%s", out.data);
	cr_expect_geq(count(ex, "\n  escprof check "), 2, "%s", ex);
	cr_expect(strstr(ex, "--format sarif"), "%s", ex);
	buf_release(&out);
}

/* Two rules on one subject (a size and a share) are one rule of code scanning: one
 * descriptor, both results pointing at it. */
Test(sarif, rules_on_the_same_subject_share_one_descriptor)
{
	const char *db = sample_db("dup"), *f = t_fresh("dup.sarif");
	const char *b = put(t_tmpdir(), "dup.budget", "function main.formatRecord alloc_space <= 1KiB\n"
			    "function main.formatRecord alloc_space <= 1%\n");
	json_t *j, *run, *res;

	cr_expect_eq(check_to(f, db, b, "--format sarif -trim_path /src"), 1);
	expect_valid(&f, 1);
	j = load(f);
	run = run_of(j);
	res = json_object_get(run, "results");
	cr_expect_eq(json_array_size(json_object_get(json_object_get(json_object_get(run, "tool"), "driver"), "rules")), 1);
	cr_assert_eq(json_array_size(res), 2);
	cr_expect_eq(json_integer_value(json_object_get(json_array_get(res, 0), "ruleIndex")), 0);
	cr_expect_eq(json_integer_value(json_object_get(json_array_get(res, 1), "ruleIndex")), 0);
	json_decref(j);
}
