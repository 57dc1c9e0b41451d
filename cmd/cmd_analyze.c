/* cmd_analyze.c — `escprof analyze PROFILE [LOG|DIR...]`: the one-shot job. Loads the
 * profile and the compiler output (into --db, or a temporary in-memory store), joins
 * them, stores the analysis and prints the causes ranked by what they cost, then the top
 * sites with the compiler's words and the fix. The JSON form is a contract (README). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest.h"
#include "report.h"

static const char usage[] =
	"usage: escprof analyze [--db FILE] [-sample_index TYPE] [-n N] [--format text|json]\n"
	"                       [-source_path DIR]... [-trim_path PREFIX] [--build REF]...\n"
	"                       [--max-size N] [--max-depth N] [--max-string N] [--max-line N]\n"
	"                       PROFILE [LOG|DIR...]\n"
	"\n"
	"Joins a heap profile with the Go compiler's escape analysis of the same code and\n"
	"names the cause of every allocation: a table of causes (bytes, %, objects, sites),\n"
	"then the top sites with the compiler's explanation and a fix hint.\n"
	"\n"
	"LOG is the output of `go build -gcflags='-m -m' 2>LOG` (any Go 1.13-1.27 form)\n"
	"or a -json=0,DIR tree. Without --db everything happens in a temporary store.\n"
	"\n"
	"  --db FILE            keep the profile, builds and analysis in FILE\n"
	"  --name N             name the profile and the builds (for --baseline, --build)\n"
	"  --build REF          also use a build already in --db (id or name; repeatable)\n"
	"  -sample_index TYPE   alloc_space, alloc_objects, inuse_space or inuse_objects\n"
	"                       (default: the profile's default, as pprof chooses)\n"
	"  -n N                 sites to show (default 10)\n"
	"  -source_path DIR     where to find sources for allocations the compiler does\n"
	"                       not report (append/map growth); repeatable or DIR:DIR\n"
	"  -trim_path PREFIX    strip PREFIX from profile paths before looking them up\n"
	"  --format text|json   output format\n"
	"  --max-size N         refuse profiles larger than N bytes decompressed (default 1G)\n"
	"  --max-depth N        refuse samples of more than N frames (default 4096)\n"
	"  --max-string N       refuse strings longer than N bytes (default 1M)\n"
	"  --max-line N         refuse log lines longer than N bytes (default 1M)\n";

struct causes_acc {
	json_t *arr;
	struct out_table *t;
	int ix;
	int64_t total;
};

static double pct(int64_t v, int64_t total)
{
	return total ? 100.0 * (double)v / (double)total : 0;
}

static int cause_row(void *ctx, size_t ncols, const char *const *names, const struct store_value *v)
{
	struct causes_acc *a = ctx;
	char b1[32], b2[32], p[16];

	(void)ncols;
	(void)names;
	if (!v)
		return 0;
	if (a->arr) {
		json_t *o = json_object();

		json_object_set_new(o, "cause", out_json_string(v[0].s, v[0].len));
		json_object_set_new(o, "value", json_integer(v[1].i));
		json_object_set_new(o, "percent", json_real(pct(v[1].i, a->total)));
		json_object_set_new(o, "sites", json_integer(v[2].i));
		json_object_set_new(o, "objects", json_integer(v[3].i));
		json_array_append_new(a->arr, o);
	} else {
		struct out_cell c[5] = {
			{.type = OUT_STR, .s = v[0].s, .len = v[0].len},
			{.type = OUT_STR, .s = report_size(b1, sizeof(b1), v[1].i, report_is_bytes(a->ix))},
			{.type = OUT_STR, .s = p},
			{.type = OUT_STR, .s = report_size(b2, sizeof(b2), v[3].i, 0)},
			{.type = OUT_INT, .i = v[2].i},
		};

		snprintf(p, sizeof(p), "%.1f%%", pct(v[1].i, a->total));
		for (int i = 1; i < 4; i++)
			c[i].len = strlen(c[i].s);
		out_table_row(a->t, c);
	}
	return 0;
}

struct sites_acc {
	json_t *arr;
	int ix;
	int64_t total;
	int rank;
};

static json_t *opt_string(const struct store_value *v)
{
	return v->type == STORE_TEXT ? out_json_string(v->s, v->len) : json_null();
}

static int site_row(void *ctx, size_t ncols, const char *const *names, const struct store_value *v)
{
	struct sites_acc *a = ctx;
	char b1[32], b2[32];

	(void)ncols;
	(void)names;
	if (!v)
		return 0;
	/* function, file, line, value, cause, confidence, via, message, hint, objects, evidence */
	if (a->arr) {
		json_t *o = json_object();

		json_object_set_new(o, "function", out_json_string(v[0].s, v[0].len));
		json_object_set_new(o, "file", out_json_string(v[1].s, v[1].len));
		json_object_set_new(o, "line", json_integer(v[2].i));
		json_object_set_new(o, "value", json_integer(v[3].i));
		json_object_set_new(o, "percent", json_real(pct(v[3].i, a->total)));
		json_object_set_new(o, "cause", out_json_string(v[4].s, v[4].len));
		json_object_set_new(o, "confidence", json_real(v[5].r));
		json_object_set_new(o, "attributed_via", opt_string(&v[6]));
		json_object_set_new(o, "diagnostic", opt_string(&v[7]));
		json_object_set_new(o, "hint", opt_string(&v[8]));
		json_array_append_new(a->arr, o);
		return 0;
	}
	a->rank++;
	printf("%3d. %10s %5.1f%%  %.*s  %.*s:%" PRId64 "\n", a->rank,
	       report_size(b1, sizeof(b1), v[3].i, report_is_bytes(a->ix)), pct(v[3].i, a->total),
	       (int)v[0].len, v[0].s, (int)v[1].len, v[1].s, v[2].i);
	printf("      %.*s (confidence %.2f), %s objects\n", (int)v[4].len, v[4].s, v[5].r,
	       report_size(b2, sizeof(b2), v[9].i, 0));
	if (v[6].type == STORE_TEXT)
		printf("      allocated in %.*s\n", (int)v[6].len, v[6].s);
	if (v[7].type == STORE_TEXT)
		printf("      compiler: %.*s\n", (int)v[7].len, v[7].s);
	else if (v[10].type == STORE_TEXT)
		printf("      why: %.*s\n", (int)v[10].len, v[10].s);
	if (v[8].type == STORE_TEXT)
		printf("      fix: %.*s\n", (int)v[8].len, v[8].s);
	return 0;
}

int report_print_analysis(struct cli *c, struct store *s, int64_t analysis, const char *profile,
			  int ix, int n, struct err *e)
{
	const char *col = report_column(ix);
	const char *obj = report_objects_column(ix);
	char sql[2048], b[32];
	struct report_totals t = {0};
	struct causes_acc ca = {0};
	struct sites_acc sa = {0};

	if (report_get_totals(s, analysis, ix, &t, e))
		return cli_fail(c, e);
	ca.ix = sa.ix = ix;
	ca.total = sa.total = t.total;
	report_causes_sql(sql, sizeof(sql), analysis, ix);
	if (c->format == OUT_JSON) {
		json_t *o = json_object(), *cov = json_object();
		int r;

		ca.arr = json_array();
		sa.arr = json_array();
		if (store_query(s, sql, cause_row, &ca, e)) {
			json_decref(o);
			json_decref(ca.arr);
			json_decref(sa.arr);
			return cli_fail(c, e);
		}
		snprintf(sql, sizeof(sql),
			 "SELECT s.function, s.file, s.line, s.%s, s.cause, s.confidence, s.attributed_via,"
			 " d.message, k.hint, s.%s, s.evidence FROM alloc_site s LEFT JOIN diagnostic d ON"
			 " d.build_id = s.build_id AND d.diag_id = s.diag_id LEFT JOIN cause k ON"
			 " k.cause = s.cause WHERE s.analysis_id = %" PRId64 " AND s.%s != 0"
			 " ORDER BY s.%s DESC, s.file, s.line LIMIT %d", col, obj, analysis, col, col, n);
		r = store_query(s, sql, site_row, &sa, e);
		json_object_set_new(o, "profile", out_json_string(profile, strlen(profile)));
		json_object_set_new(o, "sample_index", json_string(col));
		json_object_set_new(o, "total", json_integer(t.total));
		json_object_set_new(cov, "attributed_pct", json_real(pct(t.attributed, t.total)));
		json_object_set_new(cov, "joined_pct", json_real(pct(t.joined, t.total)));
		json_object_set_new(o, "coverage", cov);
		json_object_set_new(o, "causes", ca.arr);
		json_object_set_new(o, "sites", sa.arr);
		if (r) {
			json_decref(o);
			return cli_fail(c, e);
		}
		return out_json_dump(stdout, o) ? EXIT_FAIL : EXIT_OK;
	}
	printf("%s: %s, total %s in %s objects\n", profile, col,
	       report_size(b, sizeof(b), t.total, report_is_bytes(ix)), report_size(sql, 32, t.objects, 0));
	printf("coverage: %.1f%% attributed to a cause, %.1f%% joined to a compiler diagnostic\n\n",
	       pct(t.attributed, t.total), pct(t.joined, t.total));
	{
		static const char *const heads[] = {"cause", "value", "%", "objects", "sites"};

		ca.t = out_table_new(stdout, OUT_TEXT, 5, heads);
		if (!ca.t)
			return EXIT_FAIL;
		report_causes_sql(sql, sizeof(sql), analysis, ix);
		if (store_query(s, sql, cause_row, &ca, e)) {
			out_table_end(ca.t);
			return cli_fail(c, e);
		}
		out_table_end(ca.t);
	}
	printf("\ntop sites by %s:\n", col);
	snprintf(sql, sizeof(sql),
		 "SELECT s.function, s.file, s.line, s.%s, s.cause, s.confidence, s.attributed_via,"
		 " d.message, k.hint, s.%s, s.evidence FROM alloc_site s LEFT JOIN diagnostic d ON"
		 " d.build_id = s.build_id AND d.diag_id = s.diag_id LEFT JOIN cause k ON"
		 " k.cause = s.cause WHERE s.analysis_id = %" PRId64 " AND s.%s != 0"
		 " ORDER BY s.%s DESC, s.file, s.line LIMIT %d", col, obj, analysis, col, col, n);
	if (store_query(s, sql, site_row, &sa, e))
		return cli_fail(c, e);
	return EXIT_OK;
}

int cmd_analyze(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{"sample_index", required_argument, NULL, 'i'},
		{"source_path", required_argument, NULL, 's'},
		{"trim_path", required_argument, NULL, 't'},
		{"build", required_argument, NULL, 'b'},
		CLI_LIMIT_OPTIONS,
		{"max-line", required_argument, NULL, 'L'},
		{"name", required_argument, NULL, 'N'},
		{NULL, 0, NULL, 0},
	};
	const char *name = NULL;
	struct classify_opts co = {0};
	struct profile_limits lim = {0};
	uint64_t max_line = 0;
	const char **dirs = NULL, **brefs = NULL;
	const char *want = NULL;
	size_t ndirs = 0, capdirs = 0, nbrefs = 0;
	int64_t *builds = NULL, analysis = 0;
	size_t nbuilds = 0;
	struct store *s = NULL;
	struct err e = {0};
	int opt, r, i, n = 10, ix, ret = EXIT_OK, temp;
	struct ingest_profile_result pr;

	c->usage = usage;
	report_pprof_args(argc, argv);
	brefs = calloc((size_t)argc + 1, sizeof(*brefs));
	builds = calloc((size_t)argc + 1, sizeof(*builds));
	if (!brefs || !builds) {
		free(brefs);
		free(builds);
		return EXIT_FAIL;
	}
	temp = !c->db_set;
	while ((opt = getopt_long(argc, argv, "qhn:", opts, NULL)) != -1) {
		if ((r = cli_common(c, opt, optarg)) >= 100) {
			ret = r - 100;
			goto out;
		}
		if (r) {
			if (opt == 'D')
				temp = 0;
			continue;
		}
		switch (opt) {
		case 'i': want = optarg; break;
		case 's':
			if (report_add_dirs(&dirs, &ndirs, &capdirs, optarg)) {
				ret = EXIT_FAIL;
				goto out;
			}
			break;
		case 't': co.trim_path = optarg; break;
		case 'N': name = optarg; break;
		case 'b': brefs[nbrefs++] = optarg; break;
		case 'L':
			if (cli_parse_size(optarg, &max_line) || !max_line) {
				ret = cli_usage_error(c, "bad line length '%s'", optarg);
				goto out;
			}
			break;
		case CLI_OPT_MAX_SIZE:
		case CLI_OPT_MAX_DEPTH:
		case CLI_OPT_MAX_STRING:
			if (cli_limit_option(c, opt, optarg, &lim) < 0) {
				ret = EXIT_USAGE;
				goto out;
			}
			break;
		case 'n':
			n = atoi(optarg);
			if (n <= 0) {
				ret = cli_usage_error(c, "-n wants a positive number");
				goto out;
			}
			break;
		}
	}
	if (optind >= argc) {
		ret = cli_usage_error(c, "need a PROFILE");
		goto out;
	}
	if (c->format != OUT_TEXT && c->format != OUT_JSON) {
		ret = cli_usage_error(c, "analyze writes text or json");
		goto out;
	}
	if (temp && nbrefs) {
		ret = cli_usage_error(c, "--build needs --db");
		goto out;
	}
	co.source_path = dirs;
	co.nsource = ndirs;
	if (store_open(&s, temp ? ":memory:" : c->db, STORE_READ_WRITE, &e))
		goto fail;
	{
		struct store_profile_opts po = {.name = name};

		if (ingest_profile(s, argv[optind], &po, &lim, &pr, &e))
			goto fail;
	}
	for (i = optind + 1; i < argc; i++) {
		struct ingest_build_result br;

		if (ingest_build(s, argv[i], name, NULL, (size_t)max_line, &br, &e))
			goto fail;
		builds[nbuilds++] = br.id;
	}
	for (i = 0; i < (int)nbrefs; i++)
		if (store_resolve_build(s, brefs[i], &builds[nbuilds++], &e))
			goto fail;
	if (report_sample_index(s, pr.id, want, &ix, &e) ||
	    report_analyze(s, pr.id, builds, nbuilds, &co, &analysis, &e))
		goto fail;
	ret = report_print_analysis(c, s, analysis, argv[optind], ix, n, &e);
	goto out;
fail:
	ret = cli_fail(c, &e);
out:
	store_close(s);
	free(dirs);
	free(brefs);
	free(builds);
	return ret;
}
