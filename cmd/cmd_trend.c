/* cmd_trend.c — `escprof trend`: the bytes of each cause, package or function over the
 * stored profiles a filter admits, per profile or per day, oldest first. It reads each
 * profile's newest analysis and writes nothing: a profile with none is left out, and
 * said. */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "common/num.h"

static const char usage[] =
	"usage: escprof trend [--db FILE] [--by cause|package|function] [--per profile|day]\n"
	"                     [-sample_index TYPE] [-n N] [--label KEY=VALUE]... [--since WHEN]\n"
	"                     [--until WHEN] [--format text|json|csv|tsv]\n"
	"\n"
	"Shows how the heap's causes (or packages, or functions) move across the stored\n"
	"profiles, oldest first: per profile, each key's value in its newest analysis and\n"
	"its share of the profile; per day (of loading, UTC), the day's profiles summed, as\n"
	"pprof merges profiles. The keys of most value over the whole range are kept and the\n"
	"rest summed as (other). A profile with no analysis yet is left out (said on\n"
	"stderr; top --profile REF makes one).\n"
	"\n"
	"options:\n"
	"  --by KEY             cause (default), package or function\n"
	"  --per POINT          profile (default) or day\n"
	"  -sample_index TYPE   alloc_space, alloc_objects, inuse_space or inuse_objects\n"
	"                       (default: pprof's choice for the newest profile)\n"
	"  -n, -nodecount N     keys to keep (default 10; 0: all)\n"
	CLI_FILTER_HELP
	"  --format F           text (default), json, csv or tsv\n"
	"\n"
	CLI_GLOBAL_HELP
	"\n"
	"examples:\n"
	"  # the causes of each stored profile's bytes, oldest first\n"
	"  escprof trend\n"
	"  # the packages per day over the last month, for a spreadsheet\n"
	"  escprof trend --since 30d --per day --by package --format csv\n";

int cmd_trend(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{"by", required_argument, NULL, 'B'},
		{"per", required_argument, NULL, 'P'},
		{"sample_index", required_argument, NULL, 'i'},
		{"nodecount", required_argument, NULL, 'n'},
		CLI_FILTER_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	const char *by_name = "cause", *per_name = "profile", *want = NULL;
	struct store_trend_row *rows = NULL;
	struct classify_trend t = {0};
	struct out_trend_opts o = {0};
	struct cli_filter flt = {0};
	struct store *s = NULL;
	struct err e = {0};
	size_t nrows = 0;
	int opt, rc, n = 10, ret = EXIT_OK, ix;
	int64_t newest, unanalysed;

	c->usage = usage;
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
		case 'P': per_name = optarg; break;
		case 'i': want = optarg; break;
		case 'n':
			if (num_parse_int(optarg, 0, INT_MAX, &n)) {
				ret = cli_usage_error(c, "-n wants a number of keys (0 for all)");
				goto out;
			}
			break;
		}
	}
	if (optind != argc) {
		ret = cli_usage_error(c, "unexpected argument '%s'", argv[optind]);
		goto out;
	}
	o.fmt = c->format;
	if (classify_trend_by_parse(by_name, &o.by)) {
		ret = cli_usage_error(c, "--by takes cause, package or function");
		goto out;
	}
	if (!strcmp(per_name, "profile")) {
		o.per = CLASSIFY_TREND_PER_PROFILE;
	} else if (!strcmp(per_name, "day")) {
		o.per = CLASSIFY_TREND_PER_DAY;
	} else {
		ret = cli_usage_error(c, "--per takes profile or day");
		goto out;
	}
	if (store_open(&s, c->db, STORE_READ_ONLY, &e) ||
	    classify_select_profile(s, NULL, &flt.f, &newest, &e) ||
	    classify_sample_type(s, newest, want, &ix, &e) ||
	    store_trend(s, &flt.f, ix, o.by, &rows, &nrows, &unanalysed, &e) ||
	    classify_trend(rows, nrows, o.per, (size_t)n, &t, &e))
		goto fail;
	if (unanalysed)
		cli_note(c, "%" PRId64 " %s no analysis yet and %s left out (top --profile REF makes one)",
			 unanalysed, out_plural(unanalysed, "profile has", "profiles have"),
			 unanalysed == 1 ? "is" : "are");
	if (!t.points) {
		err_set(&e, ESC_EINPUT, "no profile chosen has an analysis (top --profile REF makes one)");
		goto fail;
	}
	o.type = ix;
	if (out_trend_write(stdout, &o, &t))
		ret = cli_write_failed(c);
	goto out;
fail:
	ret = cli_fail(c, &e);
out:
	classify_trend_release(&t);
	store_trend_rows_free(rows, nrows);
	store_close(s);
	cli_filter_release(&flt);
	return ret;
}
