/* cmd_analyze.c — `escprof analyze PROFILE [LOG|DIR...]`: the one-shot job. Loads the
 * profile and the compiler output (into --db, or a temporary in-memory store), joins
 * them, stores the analysis and prints the causes ranked by what they cost, then the top
 * sites with the compiler's words and the fix. The JSON form is a contract (README). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify/classify.h"
#include "report.h"
#include "common/num.h"

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
	"  -trim_path PREFIX    strip PREFIX (or one of PREFIX:PREFIX...) from profile paths\n"
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
		json_object_set_new(o, "percent", json_real(num_pct(v[1].i, a->total)));
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

		snprintf(p, sizeof(p), "%.1f%%", num_pct(v[1].i, a->total));
		for (int i = 1; i < 4; i++)
			c[i].len = strlen(c[i].s);
		out_table_row(a->t, c);
	}
	return 0;
}

/* One cause of a line: the alloc_site rows of the same cause and diagnostic, whatever
 * dependency they were allocated through. */
struct site_part {
	char *cause, *vias, *message, *hint, *evidence;
	double confidence;
	int64_t value, objects;
};

/* The top lines, each once with its parts biggest first. */
struct sites_acc {
	json_t *arr;
	int ix;
	int64_t total;
	int rank;
	/* the line being gathered */
	char *function, *file;
	int64_t line, value, objects;
	struct site_part *parts;
	size_t nparts, cap;
};

static json_t *opt_str(const char *s)
{
	return s ? out_json_string(s, strlen(s)) : json_null();
}

static char *text_or_null(const struct store_value *v)
{
	return v->type == STORE_TEXT ? strndup(v->s, v->len) : NULL;
}

static int same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static void line_release(struct sites_acc *a)
{
	size_t i;

	for (i = 0; i < a->nparts; i++) {
		free(a->parts[i].cause);
		free(a->parts[i].vias);
		free(a->parts[i].message);
		free(a->parts[i].hint);
		free(a->parts[i].evidence);
	}
	a->nparts = 0;
	free(a->function);
	free(a->file);
	a->function = a->file = NULL;
	a->value = a->objects = 0;
}

static void print_part(const struct sites_acc *a, const struct site_part *p, int alone)
{
	char b1[32], b2[32];

	if (alone)
		out_textf(stdout, "      %s (confidence %.2f), %s objects\n", p->cause, p->confidence,
			  report_size(b2, sizeof(b2), p->objects, 0));
	else
		out_textf(stdout, "      %s %s (%.0f%%), confidence %.2f, %s objects\n", p->cause,
			  report_size(b1, sizeof(b1), p->value, report_is_bytes(a->ix)),
			  num_pct(p->value, a->value), p->confidence, report_size(b2, sizeof(b2), p->objects, 0));
	if (p->vias)
		out_textf(stdout, "      allocated in %s\n", p->vias);
	if (p->message)
		out_textf(stdout, "      compiler: %s\n", p->message);
	else if (p->evidence)
		out_textf(stdout, "      why: %s\n", p->evidence);
	if (p->hint)
		out_textf(stdout, "      fix: %s\n", p->hint);
}

/* Prints (or appends to the JSON) the line gathered so far. */
static int line_flush(struct sites_acc *a)
{
	char b1[32];
	size_t i;

	if (!a->function)
		return 0;
	if (a->arr) {
		json_t *o = json_object(), *parts = json_array();
		const struct site_part *top = &a->parts[0];

		json_object_set_new(o, "function", opt_str(a->function));
		json_object_set_new(o, "file", opt_str(a->file));
		json_object_set_new(o, "line", json_integer(a->line));
		json_object_set_new(o, "value", json_integer(a->value));
		json_object_set_new(o, "percent", json_real(num_pct(a->value, a->total)));
		json_object_set_new(o, "cause", opt_str(top->cause));
		json_object_set_new(o, "confidence", json_real(top->confidence));
		json_object_set_new(o, "attributed_via", opt_str(top->vias));
		json_object_set_new(o, "diagnostic", opt_str(top->message));
		json_object_set_new(o, "hint", opt_str(top->hint));
		for (i = 0; i < a->nparts; i++) {
			const struct site_part *p = &a->parts[i];
			json_t *x = json_object();

			json_object_set_new(x, "cause", opt_str(p->cause));
			json_object_set_new(x, "value", json_integer(p->value));
			json_object_set_new(x, "percent", json_real(num_pct(p->value, a->total)));
			json_object_set_new(x, "objects", json_integer(p->objects));
			json_object_set_new(x, "confidence", json_real(p->confidence));
			json_object_set_new(x, "attributed_via", opt_str(p->vias));
			json_object_set_new(x, "diagnostic", opt_str(p->message));
			json_object_set_new(x, "evidence", opt_str(p->evidence));
			json_object_set_new(x, "hint", opt_str(p->hint));
			json_array_append_new(parts, x);
		}
		json_object_set_new(o, "parts", parts);
		json_array_append_new(a->arr, o);
	} else {
		a->rank++;
		out_textf(stdout, "%3d. %10s %5.1f%%  %s  %s:%" PRId64 "\n", a->rank,
			  report_size(b1, sizeof(b1), a->value, report_is_bytes(a->ix)),
			  num_pct(a->value, a->total), a->function, a->file, a->line);
		for (i = 0; i < a->nparts; i++)
			print_part(a, &a->parts[i], a->nparts == 1);
	}
	line_release(a);
	return 0;
}

static int site_row(void *ctx, size_t ncols, const char *const *names, const struct store_value *v)
{
	struct sites_acc *a = ctx;
	struct site_part *p = NULL;
	char *msg;
	size_t i;

	(void)ncols;
	(void)names;
	if (!v)
		return 0;
	/* function, file, line, value, cause, confidence, via, message, hint, objects, evidence */
	if (a->function && (a->line != v[2].i || strlen(a->function) != v[0].len ||
			    memcmp(a->function, v[0].s, v[0].len) || strlen(a->file) != v[1].len ||
			    memcmp(a->file, v[1].s, v[1].len)))
		line_flush(a);
	if (!a->function) {
		a->function = strndup(v[0].s, v[0].len);
		a->file = strndup(v[1].s, v[1].len);
		a->line = v[2].i;
		if (!a->function || !a->file)
			return ESC_ENOMEM;
	}
	a->value += v[3].i;
	a->objects += v[9].i;
	msg = text_or_null(&v[7]);
	for (i = 0; i < a->nparts; i++)
		if (a->parts[i].cause && strlen(a->parts[i].cause) == v[4].len &&
		    !memcmp(a->parts[i].cause, v[4].s, v[4].len) && same(a->parts[i].message, msg))
			p = &a->parts[i];
	if (!p) {
		if (a->nparts == a->cap) {
			size_t nc = a->cap ? 2 * a->cap : 4;
			struct site_part *np = realloc(a->parts, nc * sizeof(*np));

			if (!np) {
				free(msg);
				return ESC_ENOMEM;
			}
			a->parts = np;
			a->cap = nc;
		}
		p = &a->parts[a->nparts++];
		memset(p, 0, sizeof(*p));
		p->cause = strndup(v[4].s, v[4].len);
		p->message = msg;
		p->hint = text_or_null(&v[8]);
		p->evidence = text_or_null(&v[10]);
		p->confidence = v[5].r;
		msg = NULL;
	}
	free(msg);
	p->value += v[3].i;
	p->objects += v[9].i;
	if (v[6].type == STORE_TEXT) {
		size_t ol = p->vias ? strlen(p->vias) : 0;
		char *nv = realloc(p->vias, ol + v[6].len + 3);

		if (!nv)
			return ESC_ENOMEM;
		if (ol)
			memcpy(nv + ol, ", ", 2), ol += 2;
		memcpy(nv + ol, v[6].s, v[6].len);
		nv[ol + v[6].len] = '\0';
		p->vias = nv;
	}
	return 0;
}

/* "builds": how each build given to the analysis fits the profile, and whether it was used */
static int build_row(void *ctx, const struct store_build_fit *f, const char *name)
{
	json_t *o = json_object();

	json_object_set_new(o, "build_id", json_integer(f->build_id));
	json_object_set_new(o, "name", out_json_string(name, strlen(name)));
	json_object_set_new(o, "match", json_real(num_pct(f->matched, f->lines)));
	json_object_set_new(o, "lines", json_integer(f->lines));
	json_object_set_new(o, "matched", json_integer(f->matched));
	json_object_set_new(o, "used", json_boolean(f->used));
	json_array_append_new(ctx, o);
	return 0;
}

/* The query of the top n source lines of an analysis, every alloc_site row of each, the
 * line's biggest first; rows of one line are consecutive. */
static void sites_sql(char *sql, size_t n, int64_t analysis, int ix, int lines)
{
	const char *col = report_column(ix), *obj = report_objects_column(ix);

	snprintf(sql, n,
		 "WITH l AS (SELECT function, file, line, sum(%s) AS t FROM alloc_site WHERE"
		 " analysis_id = %" PRId64 " AND %s != 0 GROUP BY function, file, line"
		 " ORDER BY t DESC, file, line LIMIT %d)"
		 " SELECT s.function, s.file, s.line, s.%s, s.cause, s.confidence, s.attributed_via,"
		 " d.message, k.hint, s.%s, s.evidence FROM alloc_site s JOIN l ON l.function = s.function"
		 " AND l.file = s.file AND l.line = s.line LEFT JOIN diagnostic d ON"
		 " d.build_id = s.build_id AND d.diag_id = s.diag_id LEFT JOIN cause k ON"
		 " k.cause = s.cause WHERE s.analysis_id = %" PRId64 " AND s.%s != 0"
		 " ORDER BY l.t DESC, s.file, s.line, s.function, s.%s DESC, s.cause",
		 col, analysis, col, lines, col, obj, analysis, col, col);
}

int report_print_analysis(struct cli *c, struct store *s, int64_t analysis, const char *profile,
			  int ix, int n, struct err *e)
{
	const char *col = report_column(ix);
	char sql[2048], b[32];
	struct report_totals t = {0};
	struct causes_acc ca = {0};
	struct sites_acc sa = {0};
	int r;

	if (report_get_totals(s, analysis, ix, &t, e))
		return cli_fail(c, e);
	ca.ix = sa.ix = ix;
	ca.total = sa.total = t.total;
	report_causes_sql(sql, sizeof(sql), analysis, ix);
	if (c->format == OUT_JSON) {
		json_t *o = json_object(), *cov = json_object();

		ca.arr = json_array();
		sa.arr = json_array();
		if (store_query(s, sql, cause_row, &ca, e)) {
			json_decref(o);
			json_decref(ca.arr);
			json_decref(sa.arr);
			return cli_fail(c, e);
		}
		sites_sql(sql, sizeof(sql), analysis, ix, n);
		if (!(r = store_query(s, sql, site_row, &sa, e)))
			line_flush(&sa);
		line_release(&sa);
		free(sa.parts);
		if (!r) {
			json_t *fits = json_array();

			r = store_foreach_build_fit(s, analysis, build_row, fits, e);
			json_object_set_new(o, "builds", fits);
		}
		json_object_set_new(o, "profile", out_json_string(profile, strlen(profile)));
		json_object_set_new(o, "sample_index", json_string(col));
		json_object_set_new(o, "total", json_integer(t.total));
		json_object_set_new(cov, "attributed_pct", json_real(num_pct(t.attributed, t.total)));
		json_object_set_new(cov, "joined_pct", json_real(num_pct(t.joined, t.total)));
		json_object_set_new(o, "coverage", cov);
		json_object_set_new(o, "causes", ca.arr);
		json_object_set_new(o, "sites", sa.arr);
		if (r) {
			json_decref(o);
			return cli_fail(c, e);
		}
		return out_json_dump(stdout, o) ? cli_write_failed(c) : EXIT_OK;
	}
	out_textf(stdout, "%s: %s, total %s in %s objects\n", profile, col,
		  report_size(b, sizeof(b), t.total, report_is_bytes(ix)), report_size(sql, 32, t.objects, 0));
	out_textf(stdout, "coverage: %.1f%% attributed to a cause, %.1f%% joined to a compiler diagnostic\n\n",
		  num_pct(t.attributed, t.total), num_pct(t.joined, t.total));
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
	sites_sql(sql, sizeof(sql), analysis, ix, n);
	r = store_query(s, sql, site_row, &sa, e);
	if (!r)
		line_flush(&sa);
	line_release(&sa);
	free(sa.parts);
	return r ? cli_fail(c, e) : EXIT_OK;
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
	struct classify_ingest_profile_result pr;

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
	/* the profile, the builds and the analysis are kept together or not at all */
	store_batch_begin(s);
	{
		struct store_profile_opts po = {.name = name};

		if (classify_ingest_profile(s, argv[optind], &po, &lim, &pr, &e))
			goto fail;
	}
	for (i = optind + 1; i < argc; i++) {
		struct classify_ingest_build_result br;

		if (classify_ingest_build(s, argv[i], name, NULL, (size_t)max_line, &br, &e))
			goto fail;
		builds[nbuilds++] = br.id;
	}
	for (i = 0; i < (int)nbrefs; i++)
		if (store_resolve_build(s, brefs[i], &builds[nbuilds++], &e))
			goto fail;
	if (report_sample_index(s, pr.id, want, &ix, &e) ||
	    report_analyze(c, s, pr.id, builds, nbuilds, &co, &analysis, &e))
		goto fail;
	ret = report_print_analysis(c, s, analysis, argv[optind], ix, n, &e);
	ret = cli_store_done(c, s, ret, &e);
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
