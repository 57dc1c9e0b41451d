/* check.c — the writers of a budget check (check.h). Every format says the same sentence
 * for a breach or a rule that matched nothing (describe); amounts read as the rule wrote
 * its limit: sizes, counts, shares or growth. */
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "output/output.h"

int out_check_parse_format(const char *s, enum out_check_format *f)
{
	static const char *const names[] = {"text", "json", "junit", "github", "sarif"};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i])) {
			*f = (enum out_check_format)i;
			return 0;
		}
	return -1;
}

static const char *amount(char *buf, size_t n, double v, const struct budget_rule *r)
{
	if (r->scope == BUDGET_NEW_ESCAPES)
		snprintf(buf, n, "%.0f", v);
	else if (r->limit_kind == BUDGET_GROWTH)
		isinf(v) ? snprintf(buf, n, "new") : snprintf(buf, n, "%+.2f%%", v);
	else if (r->limit_kind == BUDGET_SHARE)
		snprintf(buf, n, "%.2f%%", v);
	else
		out_size(buf, n, (int64_t)llround(v), store_heap_is_bytes(r->type));
	return buf;
}

static const char *verdict_name(enum classify_check_verdict v)
{
	return v == CLASSIFY_CHECK_PASS ? "pass" : v == CLASSIFY_CHECK_BREACH ? "BREACH" :
	       v == CLASSIFY_CHECK_NO_MATCH ? "NO MATCH" : "skipped";
}

/* Nothing matched: the rule has no actual value and no worst entity. */
static int unmatched(const struct classify_check_result *x)
{
	return x->verdict == CLASSIFY_CHECK_NO_MATCH || x->verdict == CLASSIFY_CHECK_SKIPPED;
}

/* one sentence per result, shared by every format */
static void describe(const struct classify_check_result *x, char *buf, size_t n)
{
	const struct budget_rule *r = x->rule;
	char a[64], l[64];

	if (x->verdict == CLASSIFY_CHECK_NO_MATCH) {
		snprintf(buf, n, "%s: the rule matches nothing in the profile (a misspelt name? a '?'"
			 " after the scope makes a rule optional)", r->text);
		return;
	}
	if (x->verdict == CLASSIFY_CHECK_SKIPPED) {
		snprintf(buf, n, "%s: optional, and it matches nothing in the profile", r->text);
		return;
	}
	if (r->scope == BUDGET_NEW_ESCAPES) {
		snprintf(buf, n, "%s: %.0f new escape%s against the baseline build%s%s", r->text, x->actual,
			 x->actual == 1 ? "" : "s", x->detail ? ", first: " : "", x->detail ? x->detail : "");
		return;
	}
	snprintf(buf, n, "%s: %s %s, limit %s%s", r->text, x->name ? x->name : "",
		 amount(a, sizeof(a), x->actual, r), amount(l, sizeof(l), r->limit, r),
		 x->breaches > 1 ? " (and more)" : "");
}

static struct out_cell str_cell(const char *s)
{
	return (struct out_cell){.type = OUT_STR, .s = s, .len = strlen(s)};
}

/* "N rules, B breached[, M matched nothing][, S skipped]" */
static void counts(FILE *f, const struct classify_check_result *res, size_t n)
{
	size_t i, k[4] = {0};

	for (i = 0; i < n; i++)
		k[res[i].verdict]++;
	fprintf(f, "%zu rule%s, %zu breached", n, n == 1 ? "" : "s", k[CLASSIFY_CHECK_BREACH]);
	if (k[CLASSIFY_CHECK_NO_MATCH])
		fprintf(f, ", %zu matched nothing", k[CLASSIFY_CHECK_NO_MATCH]);
	if (k[CLASSIFY_CHECK_SKIPPED])
		fprintf(f, ", %zu skipped", k[CLASSIFY_CHECK_SKIPPED]);
}

static int write_text(FILE *f, const struct out_check_run *run, const struct classify_check_result *res,
		      size_t n)
{
	static const char *const heads[] = {"rule", "limit", "actual", "verdict", "where"};
	struct out_table *t = out_table_new(f, OUT_TEXT, 5, heads);
	size_t i;

	if (!t)
		return -1;
	for (i = 0; i < n; i++) {
		const struct classify_check_result *x = &res[i];
		char where[1024] = "", a[64], l[64];
		struct out_cell cell[5];

		if (!unmatched(x) && x->name && x->rule->scope != BUDGET_NEW_ESCAPES)
			snprintf(where, sizeof(where), "%s", x->name);
		else if (x->detail)
			snprintf(where, sizeof(where), "%s", x->detail);
		amount(l, sizeof(l), x->rule->limit, x->rule);
		if (unmatched(x))
			snprintf(a, sizeof(a), "-");
		else
			amount(a, sizeof(a), x->actual, x->rule);
		cell[0] = str_cell(x->rule->text);
		cell[1] = str_cell(l);
		cell[2] = str_cell(a);
		cell[3] = str_cell(verdict_name(x->verdict));
		cell[4] = str_cell(where);
		out_table_row(t, cell);
	}
	if (out_table_end(t))
		return -1;
	counts(f, res, n);
	fprintf(f, " (profile %" PRId64 ")\n", run->profile_id);
	return ferror(f) ? -1 : 0;
}

static json_t *str_or_null(const char *s)
{
	return s ? out_json_string(s, strlen(s)) : json_null();
}

static int write_json(FILE *f, const struct out_check_run *run, const struct classify_check_result *res,
		      size_t n)
{
	json_t *o = json_object(), *arr = json_array();
	size_t i;

	for (i = 0; i < n; i++) {
		const struct classify_check_result *x = &res[i];
		const struct budget_rule *r = x->rule;
		json_t *j = json_object();

		json_object_set_new(j, "line", json_integer((json_int_t)r->line));
		json_object_set_new(j, "rule", out_json_string(r->text, strlen(r->text)));
		json_object_set_new(j, "scope", json_string(budget_scope_name(r->scope)));
		json_object_set_new(j, "sample_type", r->scope == BUDGET_NEW_ESCAPES ? json_null() :
				    json_string(store_heap_types[r->type]));
		json_object_set_new(j, "limit", json_real(r->limit));
		json_object_set_new(j, "limit_kind", json_string(r->limit_kind == BUDGET_SHARE ? "share" :
				    r->limit_kind == BUDGET_GROWTH ? "growth" : "absolute"));
		json_object_set_new(j, "actual", unmatched(x) || isinf(x->actual) ?
				    json_null() : json_real(x->actual));
		json_object_set_new(j, "verdict", json_string(x->verdict == CLASSIFY_CHECK_PASS ? "pass" :
				    x->verdict == CLASSIFY_CHECK_BREACH ? "breach" :
				    x->verdict == CLASSIFY_CHECK_NO_MATCH ? "no-match" : "skipped"));
		json_object_set_new(j, "optional", json_boolean(r->optional));
		json_object_set_new(j, "matched", json_integer((json_int_t)x->matched));
		json_object_set_new(j, "breaches", json_integer((json_int_t)x->breaches));
		json_object_set_new(j, "worst", str_or_null(x->name));
		json_object_set_new(j, "file", str_or_null(x->file));
		json_object_set_new(j, "line_in_file", x->line ? json_integer(x->line) : json_null());
		json_array_append_new(arr, j);
	}
	json_object_set_new(o, "budget", out_json_string(run->budget, strlen(run->budget)));
	json_object_set_new(o, "profile_id", json_integer(run->profile_id));
	json_object_set_new(o, "breaches", json_integer((json_int_t)classify_check_breaches(res, n)));
	json_object_set_new(o, "failures", json_integer((json_int_t)classify_check_failures(res, n)));
	json_object_set_new(o, "rules", arr);
	return out_json_dump(f, o);
}

static void markup(FILE *f, const char *s)
{
	out_markup_escape(f, s, strlen(s));
}

static int write_junit(FILE *f, const struct out_check_run *run, const struct classify_check_result *res,
		       size_t n)
{
	char line[2048];
	size_t i, failures = classify_check_failures(res, n), skipped = 0;

	for (i = 0; i < n; i++)
		skipped += res[i].verdict == CLASSIFY_CHECK_SKIPPED;
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(f, "<testsuites name=\"escprof\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\">\n",
		n, failures, skipped);
	fprintf(f, "  <testsuite name=\"");
	markup(f, run->budget);
	fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\">\n", n, failures, skipped);
	for (i = 0; i < n; i++) {
		describe(&res[i], line, sizeof(line));
		fprintf(f, "    <testcase classname=\"escprof.budget\" name=\"");
		markup(f, res[i].rule->text);
		fprintf(f, "\">");
		if (res[i].verdict == CLASSIFY_CHECK_BREACH || res[i].verdict == CLASSIFY_CHECK_NO_MATCH) {
			fprintf(f, "\n      <failure type=\"%s\" message=\"",
				res[i].verdict == CLASSIFY_CHECK_BREACH ? "budget" : "no-match");
			markup(f, line);
			fprintf(f, "\">");
			markup(f, line);
			fprintf(f, "</failure>\n    ");
		} else if (res[i].verdict == CLASSIFY_CHECK_SKIPPED) {
			fprintf(f, "\n      <skipped message=\"");
			markup(f, line);
			fprintf(f, "\"/>\n    ");
		}
		fprintf(f, "</testcase>\n");
	}
	fprintf(f, "  </testsuite>\n</testsuites>\n");
	return ferror(f) ? -1 : 0;
}

static void gh_escape(FILE *f, const char *s, int property)
{
	out_github_escape(f, s, strlen(s), property);
}

/* a breach points at its worst site; a rule that matched nothing at the budget's line */
static int write_github(FILE *f, const struct out_check_run *run, const struct classify_check_result *res,
			size_t n)
{
	char line[2048];
	size_t i;

	for (i = 0; i < n; i++) {
		const struct classify_check_result *x = &res[i];

		if (x->verdict == CLASSIFY_CHECK_PASS)
			continue;
		describe(x, line, sizeof(line));
		fprintf(f, x->verdict == CLASSIFY_CHECK_SKIPPED ? "::notice " : "::error ");
		fprintf(f, "file=");
		if (x->verdict == CLASSIFY_CHECK_BREACH && x->file) {
			gh_escape(f, x->file, 1);
			if (x->line)
				fprintf(f, ",line=%" PRId64, x->line);
		} else {
			gh_escape(f, run->budget, 1);
			fprintf(f, ",line=%zu", x->rule->line);
		}
		fprintf(f, ",title=");
		gh_escape(f, "escprof budget", 1);
		fprintf(f, "::");
		gh_escape(f, line, 0);
		fprintf(f, "\n");
	}
	fprintf(f, "escprof: ");
	counts(f, res, n);
	fprintf(f, "\n");
	return ferror(f) ? -1 : 0;
}

/* A SARIF physicalLocation: uri (percent-encoded) and, when known, the line. */
static json_t *sarif_location(const char *uri, int64_t line)
{
	json_t *loc = json_object(), *phys = json_object(), *art = json_object();

	json_object_set_new(art, "uri", out_json_uri(uri, strlen(uri)));
	json_object_set_new(phys, "artifactLocation", art);
	if (line > 0) {
		json_t *reg = json_object();

		json_object_set_new(reg, "startLine", json_integer(line));
		json_object_set_new(phys, "region", reg);
	}
	json_object_set_new(loc, "physicalLocation", phys);
	return loc;
}

/* a breach at its worst site; a rule that matched nothing at its line of the budget */
static json_t *sarif_result(const struct out_check_run *run, const struct classify_check_result *x,
			    size_t index, const char *id)
{
	json_t *r = json_object(), *msg = json_object(), *locs = json_array();
	char line[2048];

	describe(x, line, sizeof(line));
	json_object_set_new(r, "ruleId", json_string(id));
	json_object_set_new(r, "ruleIndex", json_integer((json_int_t)index));
	json_object_set_new(r, "level", json_string("error"));
	json_object_set_new(msg, "text", out_json_string(line, strlen(line)));
	json_object_set_new(r, "message", msg);
	if (x->verdict == CLASSIFY_CHECK_NO_MATCH)
		json_array_append_new(locs, sarif_location(run->budget, (int64_t)x->rule->line));
	else if (x->file)
		json_array_append_new(locs, sarif_location(x->file, x->line));
	json_object_set_new(r, "locations", locs);
	return r;
}

/* The run's tool, its invocation (successful or not, with an error's notification) and
 * its results: every SARIF document escprof writes has this shape. */
static json_t *sarif_run(const struct out_check_run *run, json_t *rules, json_t *results,
			 const char *error, size_t error_line)
{
	json_t *rn = json_object(), *tool = json_object(), *drv = json_object();
	json_t *invs = json_array(), *inv = json_object();

	json_object_set_new(drv, "name", json_string("escprof"));
	json_object_set_new(drv, "version", json_string(run->version));
	json_object_set_new(drv, "informationUri", json_string("https://escprof.invalid/budgets"));
	json_object_set_new(drv, "rules", rules);
	json_object_set_new(tool, "driver", drv);
	json_object_set_new(rn, "tool", tool);
	json_object_set_new(inv, "executionSuccessful", json_boolean(!error));
	if (error) {
		json_t *notes = json_array(), *note = json_object(), *msg = json_object(), *locs = json_array();

		json_object_set_new(note, "level", json_string("error"));
		json_object_set_new(msg, "text", out_json_string(error, strlen(error)));
		json_object_set_new(note, "message", msg);
		json_array_append_new(locs, sarif_location(run->budget, (int64_t)error_line));
		json_object_set_new(note, "locations", locs);
		json_array_append_new(notes, note);
		json_object_set_new(inv, "toolExecutionNotifications", notes);
	}
	json_array_append_new(invs, inv);
	json_object_set_new(rn, "invocations", invs);
	json_object_set_new(rn, "results", results);
	return rn;
}

static int sarif_dump(FILE *f, json_t *rn)
{
	json_t *root = json_object(), *runs = json_array();

	json_array_append_new(runs, rn);
	json_object_set_new(root, "$schema", json_string("https://json.schemastore.org/sarif-2.1.0.json"));
	json_object_set_new(root, "version", json_string("2.1.0"));
	json_object_set_new(root, "runs", runs);
	return out_json_dump(f, root);
}

static int write_sarif(FILE *f, const struct out_check_run *run, const struct classify_check_result *res,
		       size_t n)
{
	json_t *rules = json_array(), *results = json_array();
	size_t i;

	for (i = 0; i < n; i++) {
		json_t *rule = json_object(), *sd = json_object();
		char id[32];

		snprintf(id, sizeof(id), "budget/%zu", res[i].rule->line);
		json_object_set_new(rule, "id", json_string(id));
		json_object_set_new(sd, "text", out_json_string(res[i].rule->text, strlen(res[i].rule->text)));
		json_object_set_new(rule, "shortDescription", sd);
		json_array_append_new(rules, rule);
		if (res[i].verdict == CLASSIFY_CHECK_BREACH || res[i].verdict == CLASSIFY_CHECK_NO_MATCH)
			json_array_append_new(results, sarif_result(run, &res[i], i, id));
	}
	return sarif_dump(f, sarif_run(run, rules, results, NULL, 0));
}

int out_check_write(FILE *f, enum out_check_format fmt, const struct out_check_run *run,
		    const struct classify_check_result *res, size_t n)
{
	switch (fmt) {
	case OUT_CHECK_TEXT: return write_text(f, run, res, n);
	case OUT_CHECK_JSON: return write_json(f, run, res, n);
	case OUT_CHECK_JUNIT: return write_junit(f, run, res, n);
	case OUT_CHECK_GITHUB: return write_github(f, run, res, n);
	case OUT_CHECK_SARIF: return write_sarif(f, run, res, n);
	}
	return -1;
}

int out_check_write_error(FILE *f, enum out_check_format fmt, const struct out_check_run *run,
			  const char *message, size_t line)
{
	switch (fmt) {
	case OUT_CHECK_TEXT:
		return 0;	/* the message goes to standard error */
	case OUT_CHECK_JSON: {
		json_t *o = json_object(), *err = json_object();

		json_object_set_new(err, "message", out_json_string(message, strlen(message)));
		json_object_set_new(err, "line", line ? json_integer((json_int_t)line) : json_null());
		json_object_set_new(o, "budget", out_json_string(run->budget, strlen(run->budget)));
		json_object_set_new(o, "error", err);
		json_object_set_new(o, "rules", json_array());
		return out_json_dump(f, o);
	}
	case OUT_CHECK_JUNIT:
		fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
		fprintf(f, "<testsuites name=\"escprof\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\">\n");
		fprintf(f, "  <testsuite name=\"");
		markup(f, run->budget);
		fprintf(f, "\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\">\n");
		fprintf(f, "    <testcase classname=\"escprof.budget\" name=\"the budget is checked\">\n");
		fprintf(f, "      <error type=\"escprof\" message=\"");
		markup(f, message);
		fprintf(f, "\">");
		markup(f, message);
		fprintf(f, "</error>\n    </testcase>\n  </testsuite>\n</testsuites>\n");
		return ferror(f) ? -1 : 0;
	case OUT_CHECK_GITHUB:
		fprintf(f, "::error file=");
		gh_escape(f, run->budget, 1);
		if (line)
			fprintf(f, ",line=%zu", line);
		fprintf(f, ",title=");
		gh_escape(f, "escprof budget", 1);
		fprintf(f, "::");
		gh_escape(f, message, 0);
		fprintf(f, "\nescprof: the budget could not be checked\n");
		return ferror(f) ? -1 : 0;
	case OUT_CHECK_SARIF:
		return sarif_dump(f, sarif_run(run, json_array(), json_array(), message, line));
	}
	return -1;
}
