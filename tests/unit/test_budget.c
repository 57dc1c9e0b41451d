/* test_budget.c — the budget evaluator and check's writers, in this process. The store is
 * made by the binary (`analyze` of the budget sample's before and after pair, Go 1.26)
 * and read here through store.h; expected values come from pprof's totals (the .expect
 * files), from sums over the store's public views computed here with SQLite, and from
 * the sample's README (one added escape: `moved to heap: p` at main.go:61). A store whose
 * table or view was dropped or renamed with SQLite shows that a failed query ends the
 * evaluation with an error and no verdict. The writers get results made by hand. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <jansson.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "classify/classify.h"
#include "output/output.h"
#include "store/store.h"
#include "tests/testutil.h"

#define BUD "sample-profiles/budget/out/go1.26/"

/* ---- a store of the budget sample ---- */

/* before and after analysed by the binary into a fresh store */
static const char *sample_store(void)
{
	const char *db = t_fresh("budget.db");

	cr_assert_eq(t_run(NULL, NULL, "analyze -q --db '%s' --name before " BUD "before.pb.gz " BUD
			   "before.mm.txt >/dev/null", db), 0);
	cr_assert_eq(t_run(NULL, NULL, "analyze -q --db '%s' --name after " BUD "after.pb.gz " BUD
			   "after.mm.txt >/dev/null", db), 0);
	return db;
}

/* Runs sql on db with SQLite itself: a change to the store or a sum over its views. */
static long long sql(const char *db, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static long long sql(const char *db, const char *fmt, ...)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *st;
	char q[1024];
	long long v = 0;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(q, sizeof(q), fmt, ap);
	va_end(ap);
	cr_assert_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(h, q, -1, &st, NULL), SQLITE_OK, "%s: %s", q, sqlite3_errmsg(h));
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	cr_assert_eq(sqlite3_finalize(st), SQLITE_OK, "%s: %s", q, sqlite3_errmsg(h));
	sqlite3_close(h);
	return v;
}

/* The sum of a column over the after profile's sites that match `where` (public view). */
static long long site_sum(const char *db, const char *col, const char *where)
{
	return sql(db, "SELECT coalesce(sum(s.%s), 0) FROM alloc_sites s JOIN profiles p USING (profile_id)"
		   " WHERE p.name = 'after' AND %s", col, where);
}

/* The escapes of a build as check reads them: its allocating diagnostics. */
struct escapes {
	struct classify_escape *v;
	char **file, **msg;
	size_t n;
	struct classify_check_escapes x;
};

static int take_escape(void *ctx, int64_t build, int64_t diag, const struct gc_diag *d,
		       const char *norm_file)
{
	struct escapes *es = ctx;

	(void)build;
	(void)diag;
	if (d->kind != GC_MOVED_TO_HEAP && d->kind != GC_ESCAPES && d->kind != GC_APPEND_ESCAPES)
		return 0;
	es->v = realloc(es->v, (es->n + 1) * sizeof(*es->v));
	es->file = realloc(es->file, (es->n + 1) * sizeof(*es->file));
	es->msg = realloc(es->msg, (es->n + 1) * sizeof(*es->msg));
	cr_assert(es->v && es->file && es->msg);
	es->v[es->n] = (struct classify_escape){strdup(norm_file), d->line, strdup(gc_kind_name(d->kind)),
						strdup(d->subject ? d->subject : ""), 0};
	es->file[es->n] = strdup(d->file);
	es->msg[es->n] = strdup(d->message);
	es->n++;
	return 0;
}

static struct classify_check_escapes *load_escapes(struct store *s, const char *build, struct escapes *es)
{
	struct err e = {0};
	int64_t id;

	memset(es, 0, sizeof(*es));
	cr_assert_eq(store_resolve_build(s, build, &id, &e), ESC_OK, "%s", e.msg);
	cr_assert_eq(store_foreach_diag(s, &id, 1, take_escape, es, &e), 0, "%s", e.msg);
	es->x = (struct classify_check_escapes){es->v, es->file, es->msg, es->n};
	return &es->x;
}

/* The store opened here, the input naming `after` checked against `before`. */
struct fixture {
	struct store *s;
	struct classify_check_input in;
	struct budget b;
	struct classify_check_result *res;
	size_t n;
	struct err e;
};

static void open_sample(struct fixture *f, const char *db)
{
	struct err e = {0};

	memset(f, 0, sizeof(*f));
	cr_assert_eq(store_open(&f->s, db, STORE_READ_ONLY, &e), ESC_OK, "%s", e.msg);
	cr_assert_eq(store_resolve_profile(f->s, "after", &f->in.profile_id, &e), ESC_OK, "%s", e.msg);
	cr_assert_eq(store_latest_analysis(f->s, f->in.profile_id, &f->in.analysis_id, &e), ESC_OK);
	cr_assert_eq(store_resolve_profile(f->s, "before", &f->in.base_profile_id, &e), ESC_OK, "%s", e.msg);
	cr_assert_eq(store_latest_analysis(f->s, f->in.base_profile_id, &f->in.base_analysis_id, &e), ESC_OK);
	cr_assert(f->in.analysis_id && f->in.base_analysis_id);
}

static enum esc_status eval(struct fixture *f, const char *rules)
{
	struct err e = {0};

	classify_check_results_free(f->res, f->n);
	budget_release(&f->b);
	f->res = NULL;
	f->n = 0;
	err_clear(&f->e);
	cr_assert_eq(budget_parse("test.budget", rules, strlen(rules), &f->b, &e), ESC_OK, "%s", e.msg);
	return classify_check_eval(f->s, &f->b, &f->in, &f->res, &f->n, &f->e);
}

static void close_sample(struct fixture *f)
{
	classify_check_results_free(f->res, f->n);
	budget_release(&f->b);
	store_close(f->s);
}

static long long expect_of(const char *which, const char *key)
{
	char p[256];

	snprintf(p, sizeof(p), BUD "%s.expect", which);
	return t_expect(t_path("%s", p), key);
}

/* ---- budgets that pass and breach ---- */

struct heap_type {
	char name[16];
};

ParameterizedTestParameters(budget, a_total_passes_at_pprofs_sum_and_breaches_one_under_it)
{
	static struct heap_type types[] = {{"alloc_objects"}, {"alloc_space"}, {"inuse_objects"}, {"inuse_space"}};

	return cr_make_param_array(struct heap_type, types, sizeof(types) / sizeof(types[0]));
}

ParameterizedTest(struct heap_type *t, budget, a_total_passes_at_pprofs_sum_and_breaches_one_under_it)
{
	long long total = expect_of("after", t->name);
	struct fixture f;
	char rules[512];

	cr_assert_gt(total, 0);
	open_sample(&f, sample_store());
	snprintf(rules, sizeof(rules), "total %s <= %lld\ntotal %s <= %lld\ntotal %s < %lld\n", t->name, total,
		 t->name, total - 1, t->name, total);
	cr_assert_eq(eval(&f, rules), ESC_OK, "%s", f.e.msg);
	cr_assert_eq(f.n, 3);
	cr_expect_eq(f.res[0].verdict, CLASSIFY_CHECK_PASS);
	cr_expect_eq(f.res[1].verdict, CLASSIFY_CHECK_BREACH, "one under the total");
	cr_expect_eq(f.res[2].verdict, CLASSIFY_CHECK_BREACH, "< is strict");
	cr_expect_eq(f.res[0].value, total);
	cr_expect_eq(f.res[0].actual, (double)total);
	cr_expect_str_eq(f.res[0].name, "total");
	cr_expect_eq(f.res[0].matched, 1);
	close_sample(&f);
}

Test(budget, a_function_is_the_sum_of_its_sites_and_points_at_the_biggest)
{
	const char *db = sample_store();
	long long render = site_sum(db, "alloc_space", "s.function = 'main.render'");
	long long line = sql(db, "SELECT s.line FROM alloc_sites s JOIN profiles p USING (profile_id) WHERE"
			     " p.name = 'after' AND s.function = 'main.render' ORDER BY s.alloc_space DESC,"
			     " s.site_id LIMIT 1");
	long long biggest = sql(db, "SELECT max(v) FROM (SELECT sum(s.alloc_space) AS v FROM alloc_sites s"
				" JOIN profiles p USING (profile_id) WHERE p.name = 'after' GROUP BY s.function)");
	struct fixture f;
	char rules[512];

	cr_assert_gt(render, 0);
	cr_assert_eq(render, biggest, "render is the program's biggest function (README)");
	open_sample(&f, db);
	snprintf(rules, sizeof(rules), "function main.render alloc_space <= %lld\n"
		 "function main.render alloc_space <= %lld\nfunction main.* alloc_space <= %lld\n",
		 render, render - 1, render - 1);
	cr_assert_eq(eval(&f, rules), ESC_OK, "%s", f.e.msg);
	cr_expect_eq(f.res[0].verdict, CLASSIFY_CHECK_PASS);
	cr_expect_eq(f.res[1].verdict, CLASSIFY_CHECK_BREACH);
	cr_expect_eq(f.res[1].value, render);
	cr_expect_eq(f.res[1].line, line);
	cr_expect(strstr(f.res[1].file, "budget/app/main.go"), "%s", f.res[1].file);
	/* a glob: every main function matched, only the biggest over the limit */
	cr_expect_str_eq(f.res[2].name, "main.render");
	cr_expect_eq(f.res[2].breaches, 1);
	cr_expect_eq(f.res[2].matched, (size_t)sql(db, "SELECT count(DISTINCT s.function) FROM alloc_sites s"
						     " JOIN profiles p USING (profile_id) WHERE p.name = 'after'"
						     " AND s.function LIKE 'main.%%'"));
	close_sample(&f);
}

Test(budget, a_share_is_a_percentage_of_the_profiles_samples)
{
	const char *db = sample_store();
	long long cause = site_sum(db, "alloc_space", "s.cause = 'string-build'");
	double share = 100.0 * (double)cause / (double)expect_of("after", "alloc_space");
	struct fixture f;
	char rules[512];

	cr_assert_gt(cause, 0);
	open_sample(&f, db);
	snprintf(rules, sizeof(rules), "cause string-build alloc_space <= %.4f%%\n"
		 "cause string-build alloc_space <= %.4f%%\ntotal alloc_space <= 100%%\n",
		 share + 0.001, share - 0.001);
	cr_assert_eq(eval(&f, rules), ESC_OK, "%s", f.e.msg);
	cr_expect_eq(f.res[0].verdict, CLASSIFY_CHECK_PASS, "%f%%", share);
	cr_expect_eq(f.res[1].verdict, CLASSIFY_CHECK_BREACH, "%f%%", share);
	cr_expect_float_eq(f.res[1].actual, share, 1e-9);
	cr_expect_float_eq(f.res[2].actual, 100.0, 1e-9, "the sites hold every sample");
	close_sample(&f);
}

Test(budget, growth_is_against_the_baseline_and_a_new_function_is_new)
{
	long long a = expect_of("before", "alloc_space"), b = expect_of("after", "alloc_space");
	double growth = 100.0 * (double)(b - a) / (double)a;
	struct fixture f;
	char rules[512];

	open_sample(&f, sample_store());
	snprintf(rules, sizeof(rules), "grown total alloc_space <= +%.4f%%\ngrown total alloc_space <= +%.4f%%\n"
		 "grown function main.parse alloc_space <= +1000%%\n", growth + 0.001, growth - 0.001);
	cr_assert_eq(eval(&f, rules), ESC_OK, "%s", f.e.msg);
	cr_expect_eq(f.res[0].verdict, CLASSIFY_CHECK_PASS, "%f%%", growth);
	cr_expect_eq(f.res[1].verdict, CLASSIFY_CHECK_BREACH, "%f%%", growth);
	cr_expect_float_eq(f.res[1].actual, growth, 1e-9);
	cr_expect_float_eq(f.res[1].base, (double)a, 1e-9);
	/* parse allocates only after the change (README): no baseline value, any limit breached */
	cr_expect_eq(f.res[2].verdict, CLASSIFY_CHECK_BREACH);
	cr_expect(isinf(f.res[2].actual));
	cr_expect_eq(f.res[2].value, 96000, "20 x 200 calls of 24 bytes (README)");
	close_sample(&f);
}

Test(budget, a_baseline_of_twice_the_duration_counts_half)
{
	const char *db = sample_store();
	long long a = expect_of("before", "alloc_space"), b = expect_of("after", "alloc_space");
	double base = (double)a / 2, growth = 100.0 * ((double)b - base) / base;
	struct fixture f;

	sql(db, "UPDATE profile SET duration_nanos = 2000000000 WHERE name = 'before'");
	sql(db, "UPDATE profile SET duration_nanos = 1000000000 WHERE name = 'after'");
	open_sample(&f, db);
	cr_assert_eq(eval(&f, "grown total alloc_space <= +0%\n"), ESC_OK, "%s", f.e.msg);
	cr_expect_float_eq(f.res[0].base, base, 1e-9);
	cr_expect_float_eq(f.res[0].actual, growth, 1e-9);
	close_sample(&f);
}

struct escape_case {
	char rules[64];
	enum classify_check_verdict verdict;
	size_t added;
};

ParameterizedTestParameters(budget, new_escapes_are_what_the_baseline_build_lacks)
{
	static struct escape_case cases[] = {
		{"new-escapes <= 0\n", CLASSIFY_CHECK_BREACH, 1},
		{"new-escapes < 1\n", CLASSIFY_CHECK_BREACH, 1},
		{"new-escapes <= 1\n", CLASSIFY_CHECK_PASS, 1},
		{"new-escapes app/main.go <= 0\n", CLASSIFY_CHECK_BREACH, 1},	/* trailing components */
		{"new-escapes */main.go <= 0\n", CLASSIFY_CHECK_BREACH, 1},
		{"new-escapes other.go <= 0\n", CLASSIFY_CHECK_PASS, 0},
	};

	return cr_make_param_array(struct escape_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct escape_case *c, budget, new_escapes_are_what_the_baseline_build_lacks)
{
	struct escapes cur, base;
	struct fixture f;

	open_sample(&f, sample_store());
	f.in.escapes = load_escapes(f.s, "after", &cur);
	f.in.base_escapes = load_escapes(f.s, "before", &base);
	cr_assert_gt(base.n, 0);
	cr_assert_eq(eval(&f, c->rules), ESC_OK, "%s", f.e.msg);
	cr_expect_eq(f.res[0].verdict, c->verdict, "%s", c->rules);
	cr_expect_eq(f.res[0].value, (int64_t)c->added, "%s", c->rules);
	if (c->added) {
		cr_expect_eq(f.res[0].line, 61, "%s", c->rules);
		cr_expect(strstr(f.res[0].detail, "main.go:61: moved to heap: p"), "%s", f.res[0].detail);
	} else {
		cr_expect_eq(f.res[0].matched, 0);
	}
	close_sample(&f);
}

Test(budget, a_rule_that_matches_nothing_is_a_verdict_of_its_own)
{
	struct fixture f;

	open_sample(&f, sample_store());
	cr_assert_eq(eval(&f, "function no.such alloc_space <= 1\ncause * alloc_space <= 100%\n"), ESC_OK);
	cr_expect_eq(f.res[0].verdict, CLASSIFY_CHECK_NO_MATCH);
	cr_expect_eq(f.res[0].matched, 0);
	cr_expect_eq(f.res[1].verdict, CLASSIFY_CHECK_PASS);
	cr_expect_eq(classify_check_breaches(f.res, f.n), 0);
	/* it fails the check: a misspelt name must not pass CI */
	cr_expect_eq(classify_check_failures(f.res, f.n), 1);
	close_sample(&f);
}

Test(budget, an_optional_rule_that_matches_nothing_is_skipped_and_fails_nothing)
{
	struct fixture f;

	open_sample(&f, sample_store());
	cr_assert_eq(eval(&f, "function? no.such alloc_space <= 1\nsite? nosuch.go:9 alloc_space <= 1\n"), ESC_OK);
	cr_expect_eq(f.res[0].verdict, CLASSIFY_CHECK_SKIPPED);
	cr_expect_eq(f.res[1].verdict, CLASSIFY_CHECK_SKIPPED);
	cr_expect_eq(classify_check_failures(f.res, f.n), 0);
	close_sample(&f);
}

/* ---- failing closed ---- */

struct broken {
	char change[96];	/* what SQLite does to the store */
	char rule[64];		/* passes on the intact store */
	char says[32];		/* in the error */
};

ParameterizedTestParameters(budget, a_query_that_fails_is_an_error_and_no_verdict)
{
	static struct broken cases[] = {
		/* the profile's total: left at 0, a share rule used to pass */
		{"DROP VIEW heap_samples", "cause * alloc_space <= 100%", "heap_samples"},
		{"ALTER TABLE alloc_site RENAME TO alloc_site_gone", "function * alloc_space <= 1GiB", "alloc_site"},
		/* the durations that scale the baseline */
		{"DROP VIEW profiles", "grown total alloc_space <= +100%", "profiles"},
	};

	return cr_make_param_array(struct broken, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct broken *c, budget, a_query_that_fails_is_an_error_and_no_verdict)
{
	const char *db = sample_store();
	struct fixture f;

	open_sample(&f, db);
	cr_assert_eq(eval(&f, c->rule), ESC_OK, "%s", f.e.msg);
	cr_assert_eq(f.res[0].verdict, CLASSIFY_CHECK_PASS, "%s passes on the intact store", c->rule);
	close_sample(&f);
	sql(db, "%s", c->change);
	open_sample(&f, db);
	cr_expect_eq(eval(&f, c->rule), ESC_EDB, "%s after %s", c->rule, c->change);
	cr_expect_null(f.res);
	cr_expect_eq(f.n, 0);
	cr_expect(strstr(f.e.msg, c->says), "%s", f.e.msg);
	cr_expect_null(strchr(f.e.msg, '\n'));
	close_sample(&f);
}

Test(budget, a_heap_type_the_profile_lacks_is_an_error_not_a_zero)
{
	const char *db = sample_store();
	struct fixture f;

	sql(db, "UPDATE profile SET ix_inuse_space = NULL WHERE name = 'after'");
	open_sample(&f, db);
	cr_expect_eq(eval(&f, "total inuse_space <= 1GiB\n"), ESC_EINPUT);
	cr_expect(strstr(f.e.msg, "has no inuse_space samples"), "%s", f.e.msg);
	cr_expect_null(f.res);
	cr_expect_eq(eval(&f, "total alloc_space <= 1GiB\n"), ESC_OK, "the other types still check");
	close_sample(&f);
}

Test(budget, a_rule_without_its_baseline_is_an_error)
{
	struct fixture f;

	open_sample(&f, sample_store());
	f.in.base_profile_id = f.in.base_analysis_id = 0;
	cr_expect_eq(eval(&f, "total alloc_space <= 1GiB\ngrown total alloc_space <= +5%\n"), ESC_EUSAGE);
	cr_expect(strstr(f.e.msg, "needs a baseline profile"), "%s", f.e.msg);
	cr_expect_eq(eval(&f, "new-escapes <= 0\n"), ESC_EUSAGE);
	cr_expect(strstr(f.e.msg, "needs a baseline build"), "%s", f.e.msg);
	cr_expect_null(f.res);
	close_sample(&f);
}

/* ---- the writers, on results made by hand ---- */

static const char hand_rules[] =
	"total alloc_space <= 1KiB\n"
	"function main.f alloc_objects <= 5%\n"
	"grown cause * inuse_space <= +10%\n"
	"new-escapes <= 0\n"
	"function none alloc_space <= 1\n";

struct hand {
	struct budget b;
	struct classify_check_result r[5];
};

static void hand_results(struct hand *h)
{
	struct err e = {0};

	cr_assert_eq(budget_parse("ci.budget", hand_rules, strlen(hand_rules), &h->b, &e), ESC_OK, "%s", e.msg);
	cr_assert_eq(h->b.n, 5);
	memset(h->r, 0, sizeof(h->r));
	/* a.go and c.go are in the repository (rel), b.go outside it: its function stands in */
	h->r[0] = (struct classify_check_result){&h->b.rules[0], CLASSIFY_CHECK_BREACH, 2048, 0, 2048, 1, 1,
						 "total", "/src/a.go", 7, "main.a", NULL, "a.go", 0.25};
	h->r[1] = (struct classify_check_result){&h->b.rules[1], CLASSIFY_CHECK_PASS, 2.5, 0, 25, 1, 0,
						 "main.f", "/src/a.go", 9, "main.f", NULL, "a.go", 0};
	h->r[2] = (struct classify_check_result){&h->b.rules[2], CLASSIFY_CHECK_BREACH, INFINITY, 0, 64, 3, 2,
						 "string-build", "/src/b.go", 3, "main.b", NULL, NULL, 0};
	h->r[3] = (struct classify_check_result){&h->b.rules[3], CLASSIFY_CHECK_BREACH, 1, 0, 1, 4, 1,
						 "moved to heap: x", "/src/c.go", 4, NULL, "/src/c.go:4: moved to heap: x",
						 "c.go", 0};
	h->r[4] = (struct classify_check_result){&h->b.rules[4], CLASSIFY_CHECK_NO_MATCH, 0, 0, 0, 0, 0,
						 NULL, NULL, 0, NULL, NULL, NULL, 0};
}

/* what a writer wrote for run, NUL-terminated; free() it */
static char *written_run(enum out_check_format fmt, struct hand *h, const struct out_check_run *run)
{
	char *data = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&data, &len);

	cr_assert_not_null(f);
	cr_assert_eq(out_check_write(f, fmt, run, h->r, 5), 0);
	cr_assert_eq(fclose(f), 0);
	return data;
}

static char *written(enum out_check_format fmt, struct hand *h)
{
	const struct out_check_run run = {"ci.budget", 42, "9.9.9", "ci.budget", "/home/ci/app",
					  "https://example.org/escprof", 1.5};

	return written_run(fmt, h, &run);
}

Test(budget, the_text_table_aligns_every_rule_and_counts_the_breaches)
{
	/* columns as wide as their widest cell, two blanks apart; sizes as the rule's unit */
	static const char want[] =
		"rule                                 limit     actual    verdict   where\n"
		"total alloc_space <= 1KiB            1.00 KiB  2.00 KiB  BREACH    total\n"
		"function main.f alloc_objects <= 5%  5.0%      2.5%      pass      main.f\n"
		"grown cause * inuse_space <= +10%    +10.0%    new       BREACH    string-build\n"
		"new-escapes <= 0                     0         1         BREACH    /src/c.go:4: moved to heap: x\n"
		"function none alloc_space <= 1       1 B       -         NO MATCH  \n"
		"5 rules, 3 breached, 1 matched nothing (profile 42)\n";
	struct hand h;
	char *out;

	hand_results(&h);
	out = written(OUT_CHECK_TEXT, &h);
	cr_expect_str_eq(out, want);
	free(out);
	budget_release(&h.b);
}

Test(budget, json_has_one_object_per_rule_and_null_for_what_is_not_a_number)
{
	struct hand h;
	json_error_t je;
	json_t *j, *rules;
	char *out;

	hand_results(&h);
	out = written(OUT_CHECK_JSON, &h);
	j = json_loads(out, 0, &je);
	cr_assert_not_null(j, "%s: %s", je.text, out);
	cr_expect_str_eq(json_string_value(json_object_get(j, "budget")), "ci.budget");
	cr_expect_eq(json_integer_value(json_object_get(j, "profile_id")), 42);
	cr_expect_eq(json_integer_value(json_object_get(j, "breaches")), 3);
	rules = json_object_get(j, "rules");
	cr_assert_eq(json_array_size(rules), 5);
	cr_expect_float_eq(json_real_value(json_object_get(json_array_get(rules, 0), "actual")), 2048.0, 1e-9);
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(rules, 1), "limit_kind")), "share");
	cr_expect(json_is_null(json_object_get(json_array_get(rules, 2), "actual")), "growth from nothing");
	cr_expect(json_is_null(json_object_get(json_array_get(rules, 3), "sample_type")));
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(rules, 4), "verdict")), "no-match");
	cr_expect(json_is_null(json_object_get(json_array_get(rules, 4), "file")));
	cr_expect_eq(json_integer_value(json_object_get(json_array_get(rules, 0), "line_in_file")), 7);
	json_decref(j);
	free(out);
	budget_release(&h.b);
}

Test(budget, junit_passes_xmllint_with_a_failure_per_breach_and_per_rule_matching_nothing)
{
	const char *path = t_fresh("check.xml");
	struct hand h;
	char cmd[1024], *out;
	int st;

	hand_results(&h);
	out = written(OUT_CHECK_JUNIT, &h);
	t_write(path, out, strlen(out));
	snprintf(cmd, sizeof(cmd), "xmllint --noout '%s'", path);
	st = system(cmd);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "xmllint refused:\n%s", out);
	cr_expect(strstr(out, "tests=\"5\" failures=\"4\" errors=\"0\" skipped=\"0\" time=\"1.500\""), "%s", out);
	cr_expect(strstr(out, "name=\"total alloc_space &lt;= 1KiB\" time=\"0.250\""), "%s", out);
	cr_expect(strstr(out, "name=\"total alloc_space &lt;= 1KiB\""), "%s", out);
	cr_expect(strstr(out, "<failure type=\"no-match\" message=\"function none alloc_space &lt;= 1: the rule"
			      " matches nothing"), "%s", out);
	free(out);
	budget_release(&h.b);
}

Test(budget, github_points_a_breach_at_its_relative_site_and_else_at_the_budget)
{
	static const char want[] =
		"::error file=a.go,line=7,title=escprof budget::total alloc_space <= 1KiB: total 2.00 KiB,"
		" limit 1.00 KiB\n"
		"::error file=ci.budget,line=3,title=escprof budget::grown cause * inuse_space <= +10%25:"
		" string-build new, limit +10.0%25 (and more)\n"
		"::error file=c.go,line=4,title=escprof budget::new-escapes <= 0: 1 new escape against the"
		" baseline build, first: /src/c.go:4: moved to heap: x\n"
		"::error file=ci.budget,line=5,title=escprof budget::function none alloc_space <= 1: the rule"
		" matches nothing in the profile (a misspelt name? a '?' after the scope makes a rule optional)\n"
		"escprof: 5 rules, 3 breached, 1 matched nothing\n";
	struct hand h;
	char *out;

	hand_results(&h);
	out = written(OUT_CHECK_GITHUB, &h);
	cr_expect_str_eq(out, want);
	free(out);
	budget_release(&h.b);
}

Test(budget, sarif_lists_every_rule_and_a_result_per_failure)
{
	struct hand h;
	json_error_t je;
	json_t *j, *run, *results;
	char *out;

	hand_results(&h);
	out = written(OUT_CHECK_SARIF, &h);
	j = json_loads(out, 0, &je);
	cr_assert_not_null(j, "%s: %s", je.text, out);
	cr_expect_str_eq(json_string_value(json_object_get(j, "version")), "2.1.0");
	run = json_array_get(json_object_get(j, "runs"), 0);
	cr_expect_str_eq(json_string_value(json_object_get(json_object_get(json_object_get(run, "tool"), "driver"),
							   "version")), "9.9.9");
	cr_expect_eq(json_array_size(json_object_get(json_object_get(json_object_get(run, "tool"), "driver"),
						     "rules")), 5);
	results = json_object_get(run, "results");
	/* three breaches and the rule that matches nothing, at its line of the budget */
	cr_assert_eq(json_array_size(results), 4);
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(results, 0), "ruleId")), "total/alloc_space");
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(results, 1), "ruleId")),
			 "grown/cause/*/inuse_space");
	cr_expect_eq(json_integer_value(json_object_get(json_array_get(results, 1), "ruleIndex")), 2);
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(results, 2), "ruleId")), "new-escapes");
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(results, 3), "ruleId")),
			 "function/none/alloc_space");
	{
		/* b.go is outside the repository: no file, the function instead */
		json_t *loc = json_array_get(json_object_get(json_array_get(results, 1), "locations"), 0);

		cr_expect_null(json_object_get(loc, "physicalLocation"));
		cr_expect_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(loc, "logicalLocations"), 0),
								   "fullyQualifiedName")), "main.b");
	}
	{
		json_t *phys = json_object_get(json_array_get(json_object_get(json_array_get(results, 3), "locations"), 0),
					       "physicalLocation");

		cr_expect_str_eq(json_string_value(json_object_get(json_object_get(phys, "artifactLocation"), "uri")),
				 "ci.budget");
		cr_expect_str_eq(json_string_value(json_object_get(json_object_get(phys, "artifactLocation"),
								   "uriBaseId")), "%SRCROOT%");
		cr_expect_eq(json_integer_value(json_object_get(json_object_get(phys, "region"), "startLine")), 5);
	}
	cr_expect(json_is_true(json_object_get(json_array_get(json_object_get(run, "invocations"), 0),
					       "executionSuccessful")));
	json_decref(j);
	free(out);
	budget_release(&h.b);
}

static const char *result_uri(json_t *results, size_t i)
{
	return json_string_value(json_object_get(json_object_get(json_object_get(json_array_get(json_object_get(
		json_array_get(results, i), "locations"), 0), "physicalLocation"), "artifactLocation"), "uri"));
}

static const char *result_fp(json_t *results, size_t i)
{
	return json_string_value(json_object_get(json_object_get(json_array_get(results, i), "partialFingerprints"),
						 "escprof/v1"));
}

/* RFC 3986: a path segment keeps only unreserved characters (and '/' separates them);
 * GitHub's workflow commands escape %, CR, LF, and in properties ':' and ','. */
Test(budget, paths_are_percent_encoded_in_sarif_and_escaped_in_annotations)
{
	const struct out_check_run run = {"ci.budget", 42, "9.9.9", "ci.budget", "/home/ci/my app",
					  "https://example.org/escprof", 0};
	struct hand h;
	json_error_t je;
	json_t *j, *results;
	char *out, fp[65];

	hand_results(&h);
	h.r[0].rel = "dir with space/100%/a#b?c/\xc3\xa9,x:y.go";
	out = written_run(OUT_CHECK_SARIF, &h, &run);
	j = json_loads(out, 0, &je);
	cr_assert_not_null(j, "%s: %s", je.text, out);
	results = json_object_get(json_array_get(json_object_get(j, "runs"), 0), "results");
	cr_expect_str_eq(result_uri(results, 0), "dir%20with%20space/100%25/a%23b%3Fc/%C3%A9%2Cx%3Ay.go");
	cr_expect_str_eq(json_string_value(json_object_get(json_object_get(json_object_get(json_array_get(
		json_object_get(j, "runs"), 0), "originalUriBaseIds"), "%SRCROOT%"), "uri")), "file:///home/ci/my%20app/");
	snprintf(fp, sizeof(fp), "%s", result_fp(results, 0));
	json_decref(j);
	free(out);

	out = written_run(OUT_CHECK_GITHUB, &h, &run);
	{
		static const char want[] = "::error file=dir with space/100%25/a#b?c/\xc3\xa9%2Cx%3Ay.go,line=7,"
					   "title=escprof budget::total alloc_space <= 1KiB: total 2.00 KiB, limit"
					   " 1.00 KiB\n";

		cr_expect(!strncmp(out, want, strlen(want)), "%s", out);
	}
	free(out);

	/* the code moved to another line: the same alert; to another file: another */
	h.r[0].line = 70;
	out = written_run(OUT_CHECK_SARIF, &h, &run);
	j = json_loads(out, 0, &je);
	cr_assert_not_null(j);
	results = json_object_get(json_array_get(json_object_get(j, "runs"), 0), "results");
	cr_expect_str_eq(result_fp(results, 0), fp);
	json_decref(j);
	free(out);
	h.r[0].rel = "other.go";
	out = written_run(OUT_CHECK_SARIF, &h, &run);
	j = json_loads(out, 0, &je);
	cr_assert_not_null(j);
	results = json_object_get(json_array_get(json_object_get(j, "runs"), 0), "results");
	cr_expect_str_neq(result_fp(results, 0), fp);
	cr_expect_eq(strlen(result_fp(results, 0)), 64);
	json_decref(j);
	free(out);
	budget_release(&h.b);
}

/* A rule id is text whatever bytes the budget's pattern holds (the fuzzer found a pattern
 * of 0xff bytes turning the id into invalid UTF-8, which jansson refuses): bytes outside
 * printable ASCII, and '%', are %XX; a short buffer cuts between whole escapes. */
Test(budget, a_rule_id_is_printable_ascii_whatever_the_pattern)
{
	static const char rules[] = "function main.\xff\xfe% alloc_space <= 1KiB\n"
				    "new-escapes caf\xc3\xa9/*.go <= 0\n";
	struct budget b;
	struct err e = {0};
	char id[64], small[20];

	cr_assert_eq(budget_parse("ids.budget", rules, strlen(rules), &b, &e), ESC_OK, "%s", e.msg);
	cr_assert_eq(b.n, 2);
	cr_expect_str_eq(out_check_rule_id(&b.rules[0], id, sizeof(id)), "function/main.%FF%FE%25/alloc_space");
	cr_expect_str_eq(out_check_rule_id(&b.rules[1], id, sizeof(id)), "new-escapes/caf%C3%A9/*.go");
	/* 19 bytes and the NUL: "function/main." is 14, "%FF" 17, "%FE" would pass 19 */
	cr_expect_str_eq(out_check_rule_id(&b.rules[0], small, sizeof(small)), "function/main.%FF");
	budget_release(&b);
}
