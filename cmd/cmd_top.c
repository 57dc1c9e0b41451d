/* cmd_top.c — `escprof top`: the analysis of a stored profile, grouped by site, function,
 * package, cause or object size, biggest first, in any table format. Filters (--focus,
 * --min) apply to the groups; percentages are of the whole profile. */
#include <inttypes.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "common/num.h"

static const char usage[] =
	"usage: escprof top [--db FILE] [--by site|function|package|cause|size]\n"
	"                   [-sample_index TYPE] [-n N] [--profile ID|NAME] [--build ID|NAME]...\n"
	"                   [-focus REGEX] [--min PCT] [--format text|json|csv|tsv]\n"
	"\n"
	"Ranks what the profile allocated, grouped as asked, with the cause of each group\n"
	"(the newest analysis of the profile; --build runs a new one with those builds).\n"
	"\n"
	"  --by KEY           site (default), function, package, cause or size (object size)\n"
	"  -sample_index T    alloc_space, alloc_objects, inuse_space or inuse_objects\n"
	"  -n N               rows to show (default 20)\n"
	"  --profile REF      the profile (default: the newest)\n"
	"  --build REF        join with this build (repeatable)\n"
	"  -focus REGEX       only groups whose function, file, package or cause matches\n"
	"  --min PCT          hide groups under PCT percent\n";

struct top_rows {
	struct out_table *t;
	enum out_format fmt;
	regex_t *focus;
	double min_pct;
	int64_t total;
	int ix, n, shown, by_size;
	double cum;
	const char *by;
};


/* columns from SQL: key..., value, objects; the key columns differ per --by */
static int top_row(void *ctx, size_t ncols, const char *const *names, const struct store_value *v)
{
	struct top_rows *r = ctx;
	struct out_cell c[12];
	char p1[16], p2[16], conf[16];
	size_t i, nk = ncols - 2;
	int64_t value;

	if (!v) {
		const char *heads[12];
		size_t h = 0;

		heads[h++] = r->ix == STORE_ALLOC_SPACE || r->ix == STORE_INUSE_SPACE ? "bytes" : "count";
		heads[h++] = "%";
		heads[h++] = "sum%";
		heads[h++] = "objects";
		for (i = 0; i < nk; i++)
			heads[h++] = names[i];
		r->t = out_table_new(stdout, r->fmt, h, heads);
		return r->t ? 0 : ESC_ENOMEM;
	}
	value = v[nk].i;
	if (r->shown >= r->n || num_pct(value, r->total) < r->min_pct)
		return 0;
	if (r->focus) {
		int hit = 0;

		for (i = 0; i < nk && !hit; i++)
			if (v[i].type == STORE_TEXT) {
				char *s = strndup(v[i].s, v[i].len);

				hit = s && !regexec(r->focus, s, 0, NULL, 0);
				free(s);
			}
		if (!hit)
			return 0;
	}
	r->cum += num_pct(value, r->total);
	snprintf(p1, sizeof(p1), "%.2f%%", num_pct(value, r->total));
	snprintf(p2, sizeof(p2), "%.2f%%", r->cum);
	c[0] = (struct out_cell){.type = OUT_INT, .i = value};
	if (r->fmt == OUT_TEXT) {
		c[1] = (struct out_cell){.type = OUT_STR, .s = p1, .len = strlen(p1)};
		c[2] = (struct out_cell){.type = OUT_STR, .s = p2, .len = strlen(p2)};
	} else {
		c[1] = (struct out_cell){.type = OUT_REAL, .r = num_pct(value, r->total)};
		c[2] = (struct out_cell){.type = OUT_REAL, .r = r->cum};
	}
	c[3] = (struct out_cell){.type = OUT_INT, .i = v[nk + 1].i};
	for (i = 0; i < nk; i++) {
		switch (v[i].type) {
		case STORE_INT: c[4 + i] = (struct out_cell){.type = OUT_INT, .i = v[i].i}; break;
		case STORE_REAL:
			snprintf(conf, sizeof(conf), "%.2f", v[i].r);
			c[4 + i] = (struct out_cell){.type = OUT_STR, .s = conf, .len = strlen(conf)};
			break;
		case STORE_TEXT: c[4 + i] = (struct out_cell){.type = OUT_STR, .s = v[i].s, .len = v[i].len}; break;
		default: c[4 + i] = (struct out_cell){.type = OUT_NULL};
		}
	}
	r->shown++;
	return out_table_row(r->t, c) ? ESC_ENOMEM : 0;
}

int cmd_top(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{"by", required_argument, NULL, 'B'},
		{"sample_index", required_argument, NULL, 'i'},
		{"profile", required_argument, NULL, 'p'},
		{"build", required_argument, NULL, 'b'},
		{"focus", required_argument, NULL, 'f'},
		{"min", required_argument, NULL, 'm'},
		{"nodecount", required_argument, NULL, 'n'},
		{NULL, 0, NULL, 0},
	};
	const char *by = "site", *want = NULL, *profile = NULL, *focus = NULL;
	const char **brefs = calloc((size_t)argc + 1, sizeof(*brefs));
	size_t nb = 0;
	struct top_rows r = {0};
	struct store *s = NULL;
	struct err e = {0};
	regex_t re;
	int opt, rc, ret = EXIT_OK, have_re = 0;
	int64_t pid, aid;
	char sql[2048];

	c->usage = usage;
	r.n = 20;
	report_pprof_args(argc, argv);
	if (!brefs)
		return EXIT_FAIL;
	while ((opt = getopt_long(argc, argv, "qhn:", opts, NULL)) != -1) {
		if ((rc = cli_common(c, opt, optarg)) >= 100) {
			free(brefs);
			return rc - 100;
		}
		if (rc)
			continue;
		switch (opt) {
		case 'B': by = optarg; break;
		case 'i': want = optarg; break;
		case 'p': profile = optarg; break;
		case 'b': brefs[nb++] = optarg; break;
		case 'f': focus = optarg; break;
		case 'm': r.min_pct = atof(optarg); break;
		case 'n':
			if ((r.n = atoi(optarg)) <= 0) {
				free(brefs);
				return cli_usage_error(c, "-n wants a positive number");
			}
			break;
		}
	}
	if (optind != argc) {
		free(brefs);
		return cli_usage_error(c, "unexpected argument '%s'", argv[optind]);
	}
	if (strcmp(by, "site") && strcmp(by, "function") && strcmp(by, "package") &&
	    strcmp(by, "cause") && strcmp(by, "size")) {
		free(brefs);
		return cli_usage_error(c, "--by takes site, function, package, cause or size");
	}
	if (focus) {
		if (regcomp(&re, focus, REG_EXTENDED | REG_NOSUB)) {
			free(brefs);
			return cli_usage_error(c, "bad regular expression '%s'", focus);
		}
		have_re = 1;
		r.focus = &re;
	}
	if (store_open(&s, c->db, STORE_READ_WRITE, &e))
		goto fail;
	/* an analysis made on the way is kept only when the command succeeds; the arguments
	 * are checked against the profile before an analysis is run for it */
	store_batch_begin(s);
	if (report_select_profile(c, s, profile, &pid, &e) ||
	    report_sample_index(s, pid, want, &r.ix, &e) ||
	    report_select(c, s, profile, brefs, nb, NULL, &pid, &aid, &e))
		goto fail;
	{
		const char *col = report_column(r.ix);
		const char *obj = r.ix == STORE_INUSE_SPACE || r.ix == STORE_INUSE_OBJECTS ? "inuse_objects" :
				  "alloc_objects";
		char tq[256];

		/* every group's percentage is of the whole profile */
		snprintf(tq, sizeof(tq), "SELECT coalesce(sum(%s), 0) FROM heap_samples WHERE profile_id = %"
			 PRId64, col, pid);
		if (store_query(s, tq, report_take_int, &r.total, &e))
			goto fail;
		if (!strcmp(by, "size"))
			snprintf(sql, sizeof(sql),
				 "SELECT coalesce(object_size, 0) AS object_size, coalesce(sum(%s), 0), coalesce(sum(%s), 0)"
				 " FROM heap_samples WHERE profile_id = %" PRId64 " GROUP BY 1 HAVING sum(%s) != 0"
				 " ORDER BY 2 DESC, 1", col, obj, pid, col);
		else if (!strcmp(by, "site"))
			/* a source line once, with its causes (and the dependencies it allocated
			 * through) biggest first */
			snprintf(sql, sizeof(sql),
				 "SELECT function, file, line, group_concat(cause, ', ') AS cause,"
				 " coalesce(group_concat(via, ', '), '') AS via, sum(v), sum(o) FROM"
				 " (SELECT function, file, line, cause,"
				 " replace(group_concat(DISTINCT attributed_via), ',', ', ') AS via,"
				 " sum(%s) AS v, sum(%s) AS o FROM alloc_site WHERE analysis_id = %" PRId64
				 " GROUP BY function, file, line, cause HAVING v != 0 ORDER BY function, file, line, v DESC)"
				 " GROUP BY function, file, line ORDER BY 6 DESC, 2, 3",
				 col, obj, aid);
		else if (!strcmp(by, "function"))
			snprintf(sql, sizeof(sql),
				 "SELECT function, group_concat(DISTINCT cause) AS causes, sum(%s), sum(%s) FROM"
				 " alloc_site WHERE analysis_id = %" PRId64 " GROUP BY function HAVING sum(%s) != 0"
				 " ORDER BY 3 DESC, 1", col, obj, aid, col);
		else if (!strcmp(by, "package"))
			snprintf(sql, sizeof(sql),
				 "SELECT coalesce(package, '') AS package, group_concat(DISTINCT cause) AS causes,"
				 " sum(%s), sum(%s) FROM alloc_site WHERE analysis_id = %" PRId64
				 " GROUP BY 1 HAVING sum(%s) != 0 ORDER BY 3 DESC, 1", col, obj, aid, col);
		else
			snprintf(sql, sizeof(sql),
				 "SELECT cause, count(*) AS sites, sum(%s), sum(%s) FROM alloc_site WHERE"
				 " analysis_id = %" PRId64 " GROUP BY cause HAVING sum(%s) != 0 OR cause = 'unknown'"
				 " ORDER BY 3 DESC, 1", col, obj, aid, col);
	}
	r.by = by;
	r.fmt = c->format;
	rc = store_query(s, sql, top_row, &r, &e);
	if (r.t && out_table_end(r.t) && !rc) {
		ret = cli_write_failed(c);
		goto out;
	}
	if (rc)
		goto fail;
	ret = cli_store_done(c, s, ret, &e);
	goto out;
fail:
	ret = cli_fail(c, &e);
out:
	if (have_re)
		regfree(&re);
	store_close(s);
	free(brefs);
	return ret;
}
