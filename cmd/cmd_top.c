/* cmd_top.c — `escprof top`: the analysis of a stored profile, grouped by site, function,
 * package, cause or object size, biggest first, in any table format. Filters (--focus,
 * --min) apply to the groups; percentages are of the whole profile. */
#include <limits.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "common/num.h"

static const char usage[] =
	"usage: escprof top [--db FILE] [--by site|function|package|cause|size]\n"
	"                   [-sample_index TYPE] [-n N] [--profile ID|NAME] [--build ID|NAME]...\n"
	"                   [-focus REGEX] [--min PCT] [--merge] [--label KEY=VALUE]...\n"
	"                   [--since WHEN] [--until WHEN] [--format text|json|csv|tsv]\n"
	"\n"
	"Ranks what the profile allocated, grouped as asked, with the cause of each group\n"
	"(the newest analysis of the profile; --build runs a new one with those builds).\n"
	"With --merge, every profile the filters choose, as one (pprof's merge).\n"
	"\n"
	"options:\n"
	"  --by KEY             site (default), function, package, cause or size (object size)\n"
	"  -sample_index TYPE   alloc_space, alloc_objects, inuse_space or inuse_objects\n"
	"  -n, -nodecount N     rows to show (default 20; 0: all)\n"
	"  --profile REF        the stored profile (id or name; default: the newest)\n"
	"  --build REF          join with this stored build (id or name; repeatable)\n"
	"  -focus REGEX         only groups whose function, file, package or cause matches\n"
	"  --min PCT            hide groups under PCT percent\n"
	"  --merge              every stored profile the filters choose (all when none) with\n"
	"                       an analysis, its newest, summed as one profile; percentages\n"
	"                       of their sum\n"
	CLI_FILTER_HELP
	"  --format F           text (default), json, csv or tsv\n"
	"\n"
	CLI_GLOBAL_HELP
	"\n"
	"examples:\n"
	"  # the bytes by cause\n"
	"  escprof top --by cause\n"
	"  # the five biggest sites in one function, objects instead of bytes\n"
	"  escprof top -n 5 -sample_index alloc_objects -focus formatRecord\n"
	"  # the profiles of the past week as one, by cause (--label KEY=VALUE: one service's)\n"
	"  escprof top --merge --since 7d --by cause\n";

static const char *const bys[] = {
	[STORE_TOP_BY_SITE] = "site", [STORE_TOP_BY_FUNCTION] = "function",
	[STORE_TOP_BY_PACKAGE] = "package", [STORE_TOP_BY_CAUSE] = "cause",
	[STORE_TOP_BY_SIZE] = "size",
};

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
		{"merge", no_argument, NULL, 'M'},
		CLI_FILTER_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	const char *by_name = "site", *want = NULL, *profile = NULL, *focus = NULL;
	const char **brefs = calloc((size_t)argc + 1, sizeof(*brefs));
	struct store_top_row *rows = NULL;
	size_t nb = 0, nrows = 0, shown;
	struct out_top_opts o;
	struct store *s = NULL;
	struct cli_filter flt = {0};
	struct err e = {0};
	regex_t re;
	enum store_top_by by = STORE_TOP_BY_SITE;
	double min_pct = 0;
	int opt, rc, ix, n = 20, ret = EXIT_OK, have_re = 0, merge = 0;
	int64_t pid, aid, total, unanalysed = 0, *pids = NULL, *aids = NULL;
	size_t nmerged = 0;

	c->usage = usage;
	if (!brefs)
		return EXIT_FAIL;
	while ((opt = getopt_long(argc, argv, "qhn:", opts, NULL)) != -1) {
		if ((rc = cli_common(c, opt, optarg)) >= 100) {
			ret = rc - 100;
			goto out;
		}
		if (rc)
			continue;
		if ((rc = cli_filter_option(c, opt, optarg, &flt))) {
			if (rc > 0)
				continue;
			ret = EXIT_USAGE;
			goto out;
		}
		switch (opt) {
		case 'B': by_name = optarg; break;
		case 'i': want = optarg; break;
		case 'p': profile = optarg; break;
		case 'b': brefs[nb++] = optarg; break;
		case 'f': focus = optarg; break;
		case 'M': merge = 1; break;
		case 'm':
			if (num_parse_double(optarg, 0, 100, &min_pct)) {
				ret = cli_usage_error(c, "--min wants a percentage from 0 to 100");
				goto out;
			}
			break;
		case 'n':
			if (num_parse_int(optarg, 0, INT_MAX, &n)) {
				ret = cli_usage_error(c, "-n wants a number of rows (0 for all)");
				goto out;
			}
			if (!n)
				n = INT_MAX;	/* 0 is all, as in report */
			break;
		}
	}
	if (optind != argc) {
		ret = cli_usage_error(c, "unexpected argument '%s'", argv[optind]);
		goto out;
	}
	if (merge && (profile || nb)) {
		ret = cli_usage_error(c, "--merge takes the profiles the filters choose, not --%s",
				      profile ? "profile" : "build");
		goto out;
	}
	while (by <= STORE_TOP_BY_SIZE && strcmp(by_name, bys[by]))
		by++;
	if (by > STORE_TOP_BY_SIZE) {
		ret = cli_usage_error(c, "--by takes site, function, package, cause or size");
		goto out;
	}
	if (focus) {
		if (regcomp(&re, focus, REG_EXTENDED | REG_NOSUB)) {
			ret = cli_usage_error(c, "bad regular expression '%s'", focus);
			goto out;
		}
		have_re = 1;
	}
	if (store_open(&s, c->db, STORE_READ_WRITE, &e))
		goto fail;
	/* an analysis made on the way is kept only when the command succeeds; the arguments
	 * are checked against the profile before an analysis is run for it */
	store_batch_begin(s);
	if (merge) {
		if (store_newest_analyses(s, &flt.f, &pids, &aids, &nmerged, &unanalysed, &e))
			goto fail;
		if (!nmerged) {
			err_set(&e, ESC_ENOTFOUND, "no stored heap profile %swith an analysis to merge",
				store_profile_filter_any(&flt.f) ? "that the filters choose " : "");
			goto fail;
		}
		/* the sample type by the newest profile, as without --merge */
		if (classify_sample_type(s, pids[nmerged - 1], want, &ix, &e) ||
		    store_top_merged(s, pids, aids, nmerged, ix, by, &rows, &nrows, &total, &e))
			goto fail;
		cli_note(c, "%zu profile%s merged", nmerged, nmerged == 1 ? "" : "s");
		if (unanalysed)
			cli_note(c, "%lld without an analysis left out", (long long)unanalysed);
	} else if (classify_select_profile(s, profile, &flt.f, &pid, &e) ||
	    classify_sample_type(s, pid, want, &ix, &e) ||
	    classify_select(cli_notes(c), s, profile, &flt.f, brefs, nb, NULL, &pid, &aid, &e) ||
	    store_profile_total(s, pid, ix, &total, &e) ||
	    store_top(s, pid, aid, ix, by, &rows, &nrows, &e)) {
		goto fail;
	}
	if (classify_top_select(rows, nrows, by, total, have_re ? &re : NULL, min_pct, (size_t)n, &shown, &e))
		goto fail;
	/* every group's percentage is of the whole profile */
	o = (struct out_top_opts){c->format, by, ix, total};
	if (out_top_write(stdout, &o, rows, shown)) {
		ret = cli_write_failed(c);
		goto out;
	}
	ret = cli_store_done(c, s, ret, &e);
	goto out;
fail:
	ret = cli_fail(c, &e);
out:
	if (have_re)
		regfree(&re);
	store_top_rows_free(rows, nrows);
	free(pids);
	free(aids);
	store_close(s);
	cli_filter_release(&flt);
	free(brefs);
	return ret;
}
