/* cmd_report.c — `escprof report --html OUT`: one self-contained HTML page for a ticket
 * or a CI run. Parses the options, picks (or loads and analyses) the profile, its
 * analysis and a --baseline's, reads the report's data in one engine call
 * (classify_report_build) and hands it to the page writer (output/report_html.c), which
 * saves through a temporary file renamed into place: a failed run leaves no half report. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "common/num.h"
#include "common/paths.h"
#include "common/vec.h"
#include "output/output.h"

static const char usage[] =
	"usage: escprof report --html OUT [--db FILE] [--profile REF] [--build REF]...\n"
	"                      [--baseline REF|FILE] [--baseline-build REF|FILE]...\n"
	"                      [-sample_index TYPE] [-n N] [-source_path DIR]... [-trim_path PREFIX]\n"
	"                      [--title TEXT] [--max-size N] [--max-depth N] [--max-string N]\n"
	"                      [--label KEY=VALUE]... [--since WHEN] [--until WHEN]\n"
	"                      [--trend cause|package|function|none] [--trend-per profile|day]\n"
	"                      [PROFILE [LOG|DIR...]]\n"
	"\n"
	"Writes one HTML file that opens anywhere, offline: the totals and coverage, charts\n"
	"of the bytes by cause, by package and of the top sites, and a table of sites (sort\n"
	"by a column, filter by text or cause, open a row for the compiler's flow chain and\n"
	"the source around the line). When the store holds more than one analysed profile\n"
	"that the filters admit, a chart of how the causes moved across them, as trend\n"
	"shows it, with this profile marked.\n"
	"\n"
	"With PROFILE (and LOG or -json DIR), works like analyze: in a temporary store, or\n"
	"in --db when given. Without, reports a profile already in --db (the newest, or\n"
	"--profile) with its newest analysis, or one against --build.\n"
	CLI_URL_HELP
	"\n"
	"options:\n"
	"  --html OUT            the file to write ('-' for standard output)\n"
	"  --profile REF         the stored profile to report (id or name)\n"
	"  --build REF           a stored build to join with (id or name; repeatable)\n"
	"  --baseline REF|FILE   also chart the growth by cause since this profile\n"
	"  --baseline-build REF|FILE  the baseline's compiler output (repeatable; default:\n"
	"                        its newest analysis, else the report's builds)\n"
	"  -sample_index TYPE    alloc_space, alloc_objects, inuse_space or inuse_objects\n"
	"  -n N                  sites in the table, largest first (default 500; 0: all)\n"
	"  -source_path DIR      where to find sources to show around each site\n"
	"  -trim_path PREFIX     strip PREFIX (or one of PREFIX:PREFIX...) from profile paths\n"
	"  --title TEXT          the page's title (default: the profile's name)\n"
	"  --label, --since, --until  without PROFILE: which stored profiles the newest is\n"
	"                        chosen among (loaded with the label KEY=VALUE, repeatable;\n"
	"                        at or after WHEN; before WHEN: a UTC date or time, or 30d);\n"
	"                        the trend chart covers the profiles they admit\n"
	"  --trend KEY           chart the trend by cause (default), package or function;\n"
	"                        none leaves it out\n"
	"  --trend-per POINT     a point per profile (default) or per day\n"
	CLI_LIMIT_HELP
	"\n"
	CLI_GLOBAL_HELP
	"\n"
	"examples:\n"
	"  # one page from a profile and its compiler log, sources included\n"
	"  escprof report --html report.html -source_path sample-profiles \\\n"
	"          -trim_path /src/samples sample-profiles/out/go1.26/iface_fmt.pb.gz \\\n"
	"          sample-profiles/out/go1.26/iface_fmt.mm.txt\n"
	"  # the newest profile in the store, titled\n"
	"  escprof report --html report.html --title 'nightly heap'\n"
	"  # the same, its trend chart by package per day\n"
	"  escprof report --html report.html --trend package --trend-per day\n";

enum {
	OPT_HTML = 0x300, OPT_PROFILE, OPT_BUILD, OPT_BASELINE, OPT_BASELINE_BUILD, OPT_TITLE, OPT_TREND,
	OPT_TREND_PER,
};

/* --trend and --trend-per into ro; a usage error is said and returns EXIT_USAGE */
static int trend_options(struct cli *c, const char *by, const char *per, struct classify_report_opts *ro)
{
	ro->trend = strcmp(by, "none") != 0;
	ro->trend_by = STORE_TREND_BY_CAUSE;
	if (ro->trend && classify_trend_by_parse(by, &ro->trend_by))
		return cli_usage_error(c, "--trend takes cause, package, function or none");
	if (!strcmp(per, "profile"))
		ro->trend_per = CLASSIFY_TREND_PER_PROFILE;
	else if (!strcmp(per, "day"))
		ro->trend_per = CLASSIFY_TREND_PER_DAY;
	else
		return cli_usage_error(c, "--trend-per takes profile or day");
	ro->trend_keys = 8;
	return 0;
}

/* The baseline's profile (ref: stored, or a file loaded now) and its analysis: against
 * the --baseline-build builds, else its newest, else a new one with the report's builds. */
static enum esc_status select_baseline(struct cli *c, struct store *s, const char *ref, char **brefs,
				       size_t nb, int64_t analysis_id, const struct classify_opts *co,
				       const struct profile_limits *lim, int64_t *pid, int64_t *aid,
				       struct err *e)
{
	struct classify_baseline_opts o = {.builds_of = analysis_id, .join = co, .lim = lim};
	struct classify_baseline bl;
	int64_t *ids = NULL;
	size_t n = 0, cap = 0, i;
	enum esc_status st = ESC_OK;

	for (i = 0; i < nb && !st; i++)
		st = classify_build_ref(s, brefs[i], 0, &ids, &n, &cap, e);
	o.builds = ids;
	o.nbuilds = n;
	if (!st && !(st = classify_baseline(cli_notes(c), s, ref, &o, &bl, e))) {
		*pid = bl.profile_id;
		*aid = bl.analysis_id;
	}
	free(ids);
	return st;
}

int cmd_report(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{"html", required_argument, NULL, OPT_HTML},
		{"profile", required_argument, NULL, OPT_PROFILE},
		{"build", required_argument, NULL, OPT_BUILD},
		{"baseline", required_argument, NULL, OPT_BASELINE},
		{"baseline-build", required_argument, NULL, OPT_BASELINE_BUILD},
		{"title", required_argument, NULL, OPT_TITLE},
		{"trend", required_argument, NULL, OPT_TREND},
		{"trend-per", required_argument, NULL, OPT_TREND_PER},
		{"sample_index", required_argument, NULL, 'i'},
		{"source_path", required_argument, NULL, 's'},
		{"trim_path", required_argument, NULL, 't'},
		CLI_LIMIT_OPTIONS,
		CLI_FILTER_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	const char *out = NULL, *profile = NULL, *baseline = NULL, *want = NULL;
	const char *trend = "cause", *trend_per = "profile";
	char **brefs = calloc((size_t)argc + 1, sizeof(*brefs));
	char **bbrefs = calloc((size_t)argc + 1, sizeof(*bbrefs));
	const char **dirs = NULL;
	size_t nbrefs = 0, nbbrefs = 0, ndirs = 0, capdirs = 0, nbuilds = 0, capbuilds = 0, i;
	struct out_html_opts ho = {NULL, ESCPROF_VERSION};
	struct classify_opts co = {0};
	struct classify_report_opts ro = {.max_sites = 500, .sources = &co};
	struct classify_report rep = {0};
	struct profile_limits lim = {0};
	struct cli_filter flt = {0};
	struct store *s = NULL;
	struct err e = {0};
	int64_t *builds = NULL, pid = 0, aid = 0, base_pid = 0, base_aid = 0;
	int opt, rc, n, ix, ret = EXIT_OK, temp, stored;
	struct cli_progress *prog = NULL;

	c->usage = usage;
	if (!brefs || !bbrefs) {
		free(brefs);
		free(bbrefs);
		return EXIT_FAIL;
	}
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
		case OPT_HTML: out = optarg; break;
		case OPT_PROFILE: profile = optarg; break;
		case OPT_BUILD: brefs[nbrefs++] = optarg; break;
		case OPT_BASELINE: baseline = optarg; break;
		case OPT_BASELINE_BUILD: bbrefs[nbbrefs++] = optarg; break;
		case OPT_TITLE: ho.title = optarg; break;
		case OPT_TREND: trend = optarg; break;
		case OPT_TREND_PER: trend_per = optarg; break;
		case 'i': want = optarg; break;
		case 't': co.trim_path = optarg; break;
		case 's':
			if (cli_add_dirs(&dirs, &ndirs, &capdirs, optarg)) {
				ret = EXIT_FAIL;
				goto out;
			}
			break;
		case 'n':
			if (num_parse_int(optarg, 0, 1000000, &n)) {
				ret = cli_usage_error(c, "-n wants a number of sites (0 for all)");
				goto out;
			}
			ro.max_sites = (size_t)n;
			break;
		case CLI_OPT_MAX_SIZE:
		case CLI_OPT_MAX_DEPTH:
		case CLI_OPT_MAX_STRING:
			if (cli_limit_option(c, opt, optarg, &lim) < 0) {
				ret = EXIT_USAGE;
				goto out;
			}
			break;
		}
	}
	if (!out) {
		ret = cli_usage_error(c, "need --html OUT");
		goto out;
	}
	if (c->format_set) {
		ret = cli_usage_error(c, "report writes HTML (--html OUT); --format does not apply");
		goto out;
	}
	if (optind < argc && profile) {
		ret = cli_usage_error(c, "give a PROFILE file or --profile, not both");
		goto out;
	}
	if (optind < argc && store_profile_filter_any(&flt.f)) {
		ret = cli_usage_error(c, "--label, --since and --until choose a stored profile, not a PROFILE file");
		goto out;
	}
	if (trend_options(c, trend, trend_per, &ro)) {
		ret = EXIT_USAGE;
		goto out;
	}
	ro.trend_filter = &flt.f;
	if (nbbrefs && !baseline) {
		ret = cli_usage_error(c, "--baseline-build needs --baseline");
		goto out;
	}
	temp = optind < argc && !c->db_set;
	for (i = 0, stored = nbrefs > 0; i < nbbrefs; i++)
		stored |= !path_exists(bbrefs[i]);
	if (temp && (stored || (baseline && !path_exists(baseline)))) {
		ret = cli_usage_error(c, "stored builds and profiles need --db");
		goto out;
	}
	co.source_path = dirs;
	co.nsource = ndirs;
	if (store_open(&s, c->db, temp ? STORE_TEMPORARY : STORE_READ_WRITE, &e))
		goto fail;
	/* what is loaded and analysed for the report is kept only when the report is written */
	store_batch_begin(s);
	prog = cli_progress_start(c);
	if (optind < argc) {
		struct store_profile_opts po = {.progress = prog ? cli_progress_samples : NULL, .progress_ctx = prog};
		struct classify_ingest_profile_result pr;

		cli_progress_profile(prog, "loading", argv[optind], &lim);
		if (classify_ingest_profile(s, argv[optind], &po, &lim, &pr, &e))
			goto fail;
		pid = pr.id;
		cli_progress_phase(prog, "reading the builds");
		for (i = (size_t)optind + 1; i < (size_t)argc; i++)
			if (classify_build_ref(s, argv[i], 0, &builds, &nbuilds, &capbuilds, &e))
				goto fail;
		for (i = 0; i < nbrefs; i++)
			if (classify_build_ref(s, brefs[i], 1, &builds, &nbuilds, &capbuilds, &e))
				goto fail;
		cli_progress_phase(prog, "joining the profile with %zu %s", nbuilds,
				   out_plural((int64_t)nbuilds, "build", "builds"));
		if (classify_run(cli_notes(c), s, pid, builds, nbuilds, &co, &aid, &e))
			goto fail;
	} else {
		cli_progress_phase(prog, "choosing the profile and its analysis");
		if (classify_select(cli_notes(c), s, profile, &flt.f, (const char *const *)brefs, nbrefs, &co,
				    &pid, &aid, &e))
			goto fail;
	}
	if (baseline)
		cli_progress_profile(prog, "analysing the baseline", baseline, &lim);
	if (classify_sample_type(s, pid, want, &ix, &e) ||
	    (baseline && select_baseline(c, s, baseline, bbrefs, nbbrefs, aid, &co, &lim, &base_pid,
					 &base_aid, &e)))
		goto fail;
	cli_progress_phase(prog, "gathering the report");
	if (classify_report_build(s, pid, aid, base_pid, base_aid, ix, &ro, &rep, &e))
		goto fail;
	/* the page on a terminal comes after the progress line is gone */
	if (!strcmp(out, "-")) {
		cli_progress_stop(prog);
		prog = NULL;
	}
	cli_progress_phase(prog, "writing %s", out);
	/* standard output is checked at the end of the run */
	if (strcmp(out, "-") ? out_html_save(out, &rep, &ho, &e) : out_html_write(stdout, &rep, &ho, &e))
		goto fail;
	cli_progress_stop(prog);
	prog = NULL;
	ret = cli_store_done(c, s, ret, &e);
	goto done;
fail:
	cli_progress_stop(prog);
	prog = NULL;
	ret = cli_fail(c, &e);
done:
	classify_report_release(&rep);
	store_close(s);
out:
	cli_filter_release(&flt);
	free(builds);
	free(dirs);
	free(brefs);
	free(bbrefs);
	return ret;
}
