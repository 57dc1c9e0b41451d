/* cmd_check.c — `escprof check --budget FILE`: the CI gate. Every rule of the budget is
 * evaluated against the profile's analysis (and, for grown and new-escapes rules, a
 * baseline profile or build); exit 1 on any breach, 3 on a bad budget file. A rule that
 * matches nothing is reported, never counted as a pass in silence. Writers for text,
 * json, JUnit XML, GitHub workflow annotations and SARIF 2.1.0. */
#include <fnmatch.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/vec.h"
#include "escset.h"
#include "cli.h"

static const char usage[] =
	"usage: escprof check --budget FILE [--db FILE] [--profile REF] [--build REF]...\n"
	"                     [--baseline REF] [--baseline-build REF]\n"
	"                     [--format text|json|junit|github|sarif]\n"
	"\n"
	"Checks a profile (the newest, or --profile) against a budget file and exits 1 when\n"
	"any rule is breached, 3 when the budget file is wrong. Rules, one a line:\n"
	"  total TYPE <= LIMIT\n"
	"  package|function|site|cause PATTERN TYPE <= LIMIT\n"
	"  grown total|package|function|site|cause [PATTERN] TYPE <= +N%   (vs --baseline)\n"
	"  new-escapes [FILE-PATTERN] <= N                                 (vs the baseline build)\n"
	"TYPE is alloc_space, alloc_objects, inuse_space or inuse_objects; LIMIT a number\n"
	"with B KiB MiB GiB (bytes) or k M G, or a share of the profile's total (5%).\n"
	"PATTERN is a glob; a site is FILE:LINE (trailing path components).\n"
	"--baseline names a profile for grown rules and a build for new-escapes (give\n"
	"--baseline-build when the build has another name).\n";

enum verdict { V_PASS, V_BREACH, V_NOMATCH };

struct result {
	const struct budget_rule *r;
	enum verdict v;
	double actual;		/* worst entity: value, share or growth */
	double base;		/* its baseline value (growth rules) */
	int64_t value;		/* its value */
	size_t matched, breaches;
	char *name;		/* worst entity */
	char *file;		/* where to point: the entity's biggest site */
	int64_t line;
	char *detail;		/* one line of explanation */
};

struct entity {
	char *name;
	int64_t value;
	char *file;
	int64_t line;
};

struct entities {
	struct entity *v;
	size_t n, cap;
};

static int take_entity(void *ctx, size_t ncols, const char *const *names, const struct store_value *v)
{
	struct entities *es = ctx;
	struct entity *x;

	(void)ncols;
	(void)names;
	if (!v)
		return 0;
	if (vec_reserve(&es->v, &es->cap, es->n + 1, sizeof(*es->v), 64))
		return ESC_ENOMEM;
	x = &es->v[es->n++];
	x->name = v[0].type == STORE_TEXT ? strndup(v[0].s, v[0].len) : strdup("");
	x->value = v[1].i;
	x->file = v[2].type == STORE_TEXT ? strndup(v[2].s, v[2].len) : NULL;
	x->line = v[3].type == STORE_INT ? v[3].i : 0;
	return x->name ? 0 : ESC_ENOMEM;
}

static void free_entities(struct entities *es)
{
	size_t i;

	for (i = 0; i < es->n; i++) {
		free(es->v[i].name);
		free(es->v[i].file);
	}
	free(es->v);
	memset(es, 0, sizeof(*es));
}

/* The entities of a scope with their values: one SQL grouping per scope. */
static enum esc_status load_entities(struct store *s, int64_t analysis, enum budget_scope scope,
				     int type, struct entities *es, struct err *e)
{
	static const char *const key[] = {"'total'", "coalesce(package, '')", "function",
					  "file || ':' || line", "cause"};
	const char *col = store_heap_types[type];
	char sql[1024];

	memset(es, 0, sizeof(*es));
	/* with one max() the bare file and line come from the biggest site of the group */
	snprintf(sql, sizeof(sql),
		 "SELECT %s AS k, coalesce(sum(%s), 0), file, line, max(%s) FROM alloc_site"
		 " WHERE analysis_id = %" PRId64 " GROUP BY k", key[scope], col, col, analysis);
	if (store_query(s, sql, take_entity, es, e))
		return e->status ? e->status : ESC_ENOMEM;
	return ESC_OK;
}

static int suffix_glob(const char *pattern, const char *name)
{
	char p[4096];

	if (!fnmatch(pattern, name, 0))
		return 1;
	/* a site or file pattern matches by trailing path components */
	snprintf(p, sizeof(p), "*/%s", pattern);
	return !fnmatch(p, name, 0);
}

static int matches(const struct budget_rule *r, const char *name)
{
	if (r->scope == BUDGET_TOTAL)
		return 1;
	if (r->scope == BUDGET_SITE)
		return suffix_glob(r->pattern, name);
	return !fnmatch(r->pattern, name, 0);
}

static int64_t total_of(struct store *s, int64_t profile, int type, struct err *e)
{
	char sql[256];
	int64_t t = 0;

	snprintf(sql, sizeof(sql), "SELECT coalesce(sum(%s), 0) FROM heap_samples WHERE profile_id = %" PRId64,
		 store_heap_types[type], profile);
	store_query(s, sql, cli_take_int, &t, e);
	return t;
}

static int over(const struct budget_rule *r, double actual)
{
	return r->strict ? actual >= r->limit : actual > r->limit;
}

struct ctx {
	struct store *s;
	int64_t profile, analysis;
	int64_t base_profile, base_analysis;
	double base_scale;	/* baseline values are multiplied by this before comparing */
	int64_t build, base_build;
	int has_base_profile, has_base_build;
	struct err *e;
};

static void set_where(struct result *res, const char *name, const char *file, int64_t line)
{
	free(res->name);
	free(res->file);
	res->name = strdup(name);
	res->file = file ? strdup(file) : NULL;
	res->line = line;
}

static enum esc_status eval_scope(struct ctx *cx, const struct budget_rule *r, struct result *res)
{
	struct entities cur = {0}, base = {0};
	int64_t total = 0;
	enum esc_status st;
	size_t i, j;
	int first = 1;

	if ((st = load_entities(cx->s, cx->analysis, r->scope, r->type, &cur, cx->e)))
		return st;
	if (r->growth && (st = load_entities(cx->s, cx->base_analysis, r->scope, r->type, &base, cx->e)))
		goto out;
	if (r->limit_kind == BUDGET_SHARE)
		total = total_of(cx->s, cx->profile, r->type, cx->e);
	for (i = 0; i < cur.n; i++) {
		const struct entity *x = &cur.v[i];
		double actual, b = 0;

		if (!matches(r, x->name))
			continue;
		res->matched++;
		if (r->limit_kind == BUDGET_GROWTH) {
			for (j = 0; j < base.n && strcmp(base.v[j].name, x->name); j++)
				;
			b = j < base.n ? (double)base.v[j].value * cx->base_scale : 0;
			actual = b > 0 ? 100.0 * ((double)x->value - b) / b : x->value > 0 ? INFINITY : 0;
		} else if (r->limit_kind == BUDGET_SHARE) {
			actual = total ? 100.0 * (double)x->value / (double)total : 0;
		} else {
			actual = (double)x->value;
		}
		if (over(r, actual))
			res->breaches++;
		if (first || actual > res->actual) {
			res->actual = actual;
			res->value = x->value;
			res->base = b;
			set_where(res, x->name, x->file, x->line);
			first = 0;
		}
	}
	if (r->scope == BUDGET_TOTAL && !res->matched) {
		/* an empty analysis still has a total: zero */
		res->matched = 1;
		res->actual = 0;
		set_where(res, "total", NULL, 0);
	}
	res->v = !res->matched ? V_NOMATCH : res->breaches ? V_BREACH : V_PASS;
out:
	free_entities(&cur);
	free_entities(&base);
	return st;
}

static enum esc_status eval_new_escapes(struct ctx *cx, const struct budget_rule *r,
					struct result *res)
{
	struct escset cur = {0}, base = {0};
	enum esc_status st;
	size_t i;
	int64_t added = 0;

	if ((st = escset_load(cx->s, cx->build, &cur, cx->e)) ||
	    (st = escset_load(cx->s, cx->base_build, &base, cx->e)))
		goto out;
	if (classify_match_escapes(base.v, base.n, cur.v, cur.n)) {
		st = err_set(cx->e, ESC_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < cur.n; i++) {
		if (r->pattern && !suffix_glob(r->pattern, cur.v[i].file))
			continue;
		res->matched++;
		if (cur.v[i].matched)
			continue;
		if (!added++) {
			char d[1024];

			set_where(res, cur.msg[i], cur.file[i], cur.v[i].line);
			snprintf(d, sizeof(d), "%s:%u: %s", cur.file[i], cur.v[i].line, cur.msg[i]);
			free(res->detail);
			res->detail = strdup(d);
		}
	}
	res->actual = (double)added;
	res->value = added;
	res->breaches = over(r, (double)added) ? (size_t)added : 0;
	res->v = res->breaches ? V_BREACH : V_PASS;	/* no escape at all is a pass, not "no match" */
out:
	escset_release(&cur);
	escset_release(&base);
	return st;
}

static const char *fmt_amount(char *buf, size_t n, double v, const struct budget_rule *r)
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

static const char *verdict_name(enum verdict v)
{
	return v == V_PASS ? "pass" : v == V_BREACH ? "BREACH" : "no match";
}

/* one sentence per result, shared by every format */
static void describe(const struct result *x, char *buf, size_t n)
{
	char a[64], l[64];
	const struct budget_rule *r = x->r;

	if (x->v == V_NOMATCH) {
		snprintf(buf, n, "%s: the rule matches nothing in the profile", r->text);
		return;
	}
	if (r->scope == BUDGET_NEW_ESCAPES) {
		snprintf(buf, n, "%s: %.0f new escape%s against the baseline build%s%s", r->text, x->actual,
			 x->actual == 1 ? "" : "s", x->detail ? ", first: " : "", x->detail ? x->detail : "");
		return;
	}
	snprintf(buf, n, "%s: %s %s, limit %s%s%s", r->text, x->name ? x->name : "",
		 fmt_amount(a, sizeof(a), x->actual, r), fmt_amount(l, sizeof(l), r->limit, r),
		 x->breaches > 1 ? " (and more)" : "", x->v == V_BREACH ? "" : "");
}

static void gh_escape(FILE *f, const char *s, int property)
{
	out_github_escape(f, s, strlen(s), property);
}

static int write_results(struct cli *c, const char *budget, const struct result *res, size_t n,
			 int64_t profile)
{
	char line[2048], a[64], l[64];
	size_t i, breaches = 0;

	for (i = 0; i < n; i++)
		breaches += res[i].v == V_BREACH;
	switch ((int)c->check_format) {
	case CHECK_TEXT: {
		static const char *const heads[] = {"rule", "limit", "actual", "verdict", "where"};
		struct out_table *t = out_table_new(stdout, OUT_TEXT, 5, heads);

		if (!t)
			return -1;
		for (i = 0; i < n; i++) {
			char where[1024] = "";
			struct out_cell cell[5];

			if (res[i].v != V_NOMATCH && res[i].name && res[i].r->scope != BUDGET_NEW_ESCAPES)
				snprintf(where, sizeof(where), "%s", res[i].name);
			else if (res[i].detail)
				snprintf(where, sizeof(where), "%s", res[i].detail);
			fmt_amount(l, sizeof(l), res[i].r->limit, res[i].r);
			if (res[i].v == V_NOMATCH)
				snprintf(a, sizeof(a), "-");
			else
				fmt_amount(a, sizeof(a), res[i].actual, res[i].r);
			cell[0] = (struct out_cell){.type = OUT_STR, .s = res[i].r->text, .len = strlen(res[i].r->text)};
			cell[1] = (struct out_cell){.type = OUT_STR, .s = l, .len = strlen(l)};
			cell[2] = (struct out_cell){.type = OUT_STR, .s = a, .len = strlen(a)};
			cell[3] = (struct out_cell){.type = OUT_STR, .s = verdict_name(res[i].v),
						    .len = strlen(verdict_name(res[i].v))};
			cell[4] = (struct out_cell){.type = OUT_STR, .s = where, .len = strlen(where)};
			out_table_row(t, cell);
		}
		out_table_end(t);
		printf("%zu rule%s, %zu breached (profile %" PRId64 ")\n", n, n == 1 ? "" : "s", breaches, profile);
		return 0;
	}
	case CHECK_JSON: {
		json_t *o = json_object(), *arr = json_array();

		for (i = 0; i < n; i++) {
			json_t *x = json_object();
			const struct budget_rule *r = res[i].r;

			json_object_set_new(x, "line", json_integer((json_int_t)r->line));
			json_object_set_new(x, "rule", out_json_string(r->text, strlen(r->text)));
			json_object_set_new(x, "scope", json_string(budget_scope_name(r->scope)));
			json_object_set_new(x, "sample_type", r->scope == BUDGET_NEW_ESCAPES ? json_null() :
					    json_string(store_heap_types[r->type]));
			json_object_set_new(x, "limit", json_real(r->limit));
			json_object_set_new(x, "limit_kind", json_string(r->limit_kind == BUDGET_SHARE ? "share" :
					    r->limit_kind == BUDGET_GROWTH ? "growth" : "absolute"));
			json_object_set_new(x, "actual", res[i].v == V_NOMATCH || isinf(res[i].actual) ?
					    json_null() : json_real(res[i].actual));
			json_object_set_new(x, "verdict", json_string(res[i].v == V_PASS ? "pass" :
					    res[i].v == V_BREACH ? "breach" : "no-match"));
			json_object_set_new(x, "matched", json_integer((json_int_t)res[i].matched));
			json_object_set_new(x, "breaches", json_integer((json_int_t)res[i].breaches));
			json_object_set_new(x, "worst", res[i].name ? out_json_string(res[i].name, strlen(res[i].name)) : json_null());
			json_object_set_new(x, "file", res[i].file ? out_json_string(res[i].file, strlen(res[i].file)) : json_null());
			json_object_set_new(x, "line_in_file", res[i].line ? json_integer(res[i].line) : json_null());
			json_array_append_new(arr, x);
		}
		json_object_set_new(o, "budget", out_json_string(budget, strlen(budget)));
		json_object_set_new(o, "profile_id", json_integer(profile));
		json_object_set_new(o, "breaches", json_integer((json_int_t)breaches));
		json_object_set_new(o, "rules", arr);
		return out_json_dump(stdout, o);
	}
	case CHECK_JUNIT:
		printf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
		printf("<testsuites name=\"escprof\" tests=\"%zu\" failures=\"%zu\">\n", n, breaches);
		printf("  <testsuite name=\"");
		out_markup_escape(stdout, budget, strlen(budget));
		printf("\" tests=\"%zu\" failures=\"%zu\" skipped=\"%zu\">\n", n, breaches, (size_t)0);
		for (i = 0; i < n; i++) {
			describe(&res[i], line, sizeof(line));
			printf("    <testcase classname=\"escprof.budget\" name=\"");
			out_markup_escape(stdout, res[i].r->text, strlen(res[i].r->text));
			printf("\">");
			if (res[i].v == V_BREACH) {
				printf("\n      <failure type=\"budget\" message=\"");
				out_markup_escape(stdout, line, strlen(line));
				printf("\">");
				out_markup_escape(stdout, line, strlen(line));
				printf("</failure>\n    ");
			} else if (res[i].v == V_NOMATCH) {
				printf("\n      <system-out>");
				out_markup_escape(stdout, line, strlen(line));
				printf("</system-out>\n    ");
			}
			printf("</testcase>\n");
		}
		printf("  </testsuite>\n</testsuites>\n");
		return ferror(stdout) ? -1 : 0;
	case CHECK_GITHUB:
		for (i = 0; i < n; i++) {
			if (res[i].v == V_PASS)
				continue;
			describe(&res[i], line, sizeof(line));
			printf(res[i].v == V_BREACH ? "::error " : "::warning ");
			if (res[i].v == V_BREACH && res[i].file) {
				printf("file=");
				gh_escape(stdout, res[i].file, 1);
				if (res[i].line)
					printf(",line=%" PRId64, res[i].line);
			} else {
				printf("file=");
				gh_escape(stdout, budget, 1);
				printf(",line=%zu", res[i].r->line);
			}
			printf(",title=");
			gh_escape(stdout, "escprof budget", 1);
			printf("::");
			gh_escape(stdout, line, 0);
			printf("\n");
		}
		printf("escprof: %zu rule%s, %zu breached\n", n, n == 1 ? "" : "s", breaches);
		return ferror(stdout) ? -1 : 0;
	case CHECK_SARIF: {
		json_t *root = json_object(), *run = json_object(), *tool = json_object(), *drv = json_object();
		json_t *rules = json_array(), *results = json_array(), *runs = json_array();

		for (i = 0; i < n; i++) {
			json_t *rule = json_object(), *sd = json_object();
			char id[32];

			snprintf(id, sizeof(id), "budget/%zu", res[i].r->line);
			json_object_set_new(rule, "id", json_string(id));
			json_object_set_new(sd, "text", out_json_string(res[i].r->text, strlen(res[i].r->text)));
			json_object_set_new(rule, "shortDescription", sd);
			json_array_append_new(rules, rule);
			if (res[i].v != V_BREACH)
				continue;
			{
				json_t *r = json_object(), *msg = json_object(), *locs = json_array();

				describe(&res[i], line, sizeof(line));
				json_object_set_new(r, "ruleId", json_string(id));
				json_object_set_new(r, "ruleIndex", json_integer((json_int_t)i));
				json_object_set_new(r, "level", json_string("error"));
				json_object_set_new(msg, "text", out_json_string(line, strlen(line)));
				json_object_set_new(r, "message", msg);
				if (res[i].file) {
					json_t *loc = json_object(), *phys = json_object(), *art = json_object();

					json_object_set_new(art, "uri", out_json_uri(res[i].file, strlen(res[i].file)));
					json_object_set_new(phys, "artifactLocation", art);
					if (res[i].line) {
						json_t *reg = json_object();

						json_object_set_new(reg, "startLine", json_integer(res[i].line));
						json_object_set_new(phys, "region", reg);
					}
					json_object_set_new(loc, "physicalLocation", phys);
					json_array_append_new(locs, loc);
				}
				json_object_set_new(r, "locations", locs);
				json_array_append_new(results, r);
			}
		}
		json_object_set_new(drv, "name", json_string("escprof"));
		json_object_set_new(drv, "version", json_string(ESCPROF_VERSION));
		json_object_set_new(drv, "informationUri", json_string("https://escprof.invalid/budgets"));
		json_object_set_new(drv, "rules", rules);
		json_object_set_new(tool, "driver", drv);
		json_object_set_new(run, "tool", tool);
		json_object_set_new(run, "results", results);
		json_array_append_new(runs, run);
		json_object_set_new(root, "$schema", json_string("https://json.schemastore.org/sarif-2.1.0.json"));
		json_object_set_new(root, "version", json_string("2.1.0"));
		json_object_set_new(root, "runs", runs);
		return out_json_dump(stdout, root);
	}
	}
	return -1;
}

/* Baseline values are scaled to the new profile's duration when both have one. */
static double duration_scale(struct store *s, int64_t base, int64_t cur, struct err *e)
{
	char sql[256];
	int64_t db = 0, dc = 0;

	snprintf(sql, sizeof(sql), "SELECT duration_nanos FROM profiles WHERE profile_id = %" PRId64, base);
	store_query(s, sql, cli_take_int, &db, e);
	snprintf(sql, sizeof(sql), "SELECT duration_nanos FROM profiles WHERE profile_id = %" PRId64, cur);
	store_query(s, sql, cli_take_int, &dc, e);
	return db > 0 && dc > 0 ? (double)dc / (double)db : 1.0;
}

int cmd_check(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{"budget", required_argument, NULL, 'B'},
		{"profile", required_argument, NULL, 'p'},
		{"build", required_argument, NULL, 'b'},
		{"baseline", required_argument, NULL, 'L'},
		{"baseline-build", required_argument, NULL, 'l'},
		{NULL, 0, NULL, 0},
	};
	const char **brefs = calloc((size_t)argc + 1, sizeof(*brefs));
	const char *budget_path = NULL, *profile = NULL, *baseline = NULL, *baseline_build = NULL;
	struct budget b = {0};
	struct result *res = NULL;
	struct store *s = NULL;
	struct err e = {0};
	struct buf text;
	struct ctx cx = {0};
	size_t nb = 0, i, breaches = 0;
	int opt, rc, ret = EXIT_OK;

	c->usage = usage;
	buf_init(&text);
	if (!brefs)
		return EXIT_FAIL;
	while ((opt = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		switch (opt) {
		case 'F':	/* check's own formats, before cli_common sees the table ones */
			if (!strcmp(optarg, "text")) c->check_format = CHECK_TEXT;
			else if (!strcmp(optarg, "json")) c->check_format = CHECK_JSON;
			else if (!strcmp(optarg, "junit")) c->check_format = CHECK_JUNIT;
			else if (!strcmp(optarg, "github")) c->check_format = CHECK_GITHUB;
			else if (!strcmp(optarg, "sarif")) c->check_format = CHECK_SARIF;
			else {
				ret = cli_usage_error(c, "unknown format '%s' (text, json, junit, github, sarif)", optarg);
				goto out;
			}
			break;
		case 'B': budget_path = optarg; break;
		case 'p': profile = optarg; break;
		case 'b': brefs[nb++] = optarg; break;
		case 'L': baseline = optarg; break;
		case 'l': baseline_build = optarg; break;
		default:
			if ((rc = cli_common(c, opt, optarg)) >= 100) {
				ret = rc - 100;
				goto out;
			}
		}
	}
	if (!budget_path || optind != argc) {
		ret = cli_usage_error(c, budget_path ? "unexpected argument '%s'" : "need --budget FILE%s",
				      budget_path ? argv[optind] : "");
		goto out;
	}
	/* the budget first: a wrong file is exit 3 whatever the store holds */
	if (buf_read_file(&text, budget_path, 1 << 20)) {
		err_set(&e, ESC_EIO, "cannot read budget '%s'", budget_path);
		goto fail;
	}
	if (budget_parse(budget_path, text.data, text.len, &b, &e))
		goto fail;
	if (store_open(&s, c->db, STORE_READ_WRITE, &e))
		goto fail;
	/* an analysis made on the way is kept only when the check comes to a verdict */
	store_batch_begin(s);
	if (classify_select(cli_notes(c), s, profile, brefs, nb, NULL, &cx.profile, &cx.analysis, &e))
		goto fail;
	cx.s = s;
	cx.e = &e;
	cx.base_scale = 1;
	for (i = 0; i < b.n; i++) {
		if (b.rules[i].growth && !cx.has_base_profile) {
			struct err ignore = {0};

			if (!baseline) {
				err_set(&e, ESC_EUSAGE, "%s:%zu: a grown rule needs --baseline PROFILE", budget_path,
					b.rules[i].line);
				goto fail;
			}
			if (store_resolve_profile(s, baseline, &cx.base_profile, &e) ||
			    classify_select(cli_notes(c), s, baseline, NULL, 0, NULL, &cx.base_profile, &cx.base_analysis, &e))
				goto fail;
			cx.base_scale = duration_scale(s, cx.base_profile, cx.profile, &ignore);
			cx.has_base_profile = 1;
		}
		if (b.rules[i].scope == BUDGET_NEW_ESCAPES && !cx.has_base_build) {
			const char *ref = baseline_build ? baseline_build : baseline;

			if (!ref) {
				err_set(&e, ESC_EUSAGE, "%s:%zu: new-escapes needs --baseline (or --baseline-build) BUILD",
					budget_path, b.rules[i].line);
				goto fail;
			}
			if (store_resolve_build(s, ref, &cx.base_build, &e))
				goto fail;
			if (nb) {
				if (store_resolve_build(s, brefs[nb - 1], &cx.build, &e))
					goto fail;
			} else if (store_latest_build(s, &cx.build, &e)) {
				goto fail;
			}
			cx.has_base_build = 1;
		}
	}
	res = calloc(b.n, sizeof(*res));
	if (!res) {
		err_set(&e, ESC_ENOMEM, "out of memory");
		goto fail;
	}
	for (i = 0; i < b.n; i++) {
		res[i].r = &b.rules[i];
		if ((b.rules[i].scope == BUDGET_NEW_ESCAPES ? eval_new_escapes(&cx, &b.rules[i], &res[i]) :
		     eval_scope(&cx, &b.rules[i], &res[i])))
			goto fail;
		breaches += res[i].v == V_BREACH;
	}
	if (write_results(c, budget_path, res, b.n, cx.profile))
		ret = cli_write_failed(c);
	else
		ret = cli_store_done(c, s, breaches ? EXIT_BREACH : EXIT_OK, &e);
	goto out;
fail:
	ret = cli_fail(c, &e);
out:
	if (res)
		for (i = 0; i < b.n; i++) {
			free(res[i].name);
			free(res[i].file);
			free(res[i].detail);
		}
	free(res);
	budget_release(&b);
	buf_release(&text);
	store_close(s);
	free(brefs);
	return ret;
}
