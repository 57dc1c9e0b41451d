/* cmd_analyze.c — `escprof analyze PROFILE [LOG|DIR...]`: the one-shot job. Loads the
 * profile and the compiler output (into --db, or a temporary store), joins
 * them, stores the analysis and prints the causes ranked by what they cost, then the top
 * sites with the compiler's words and the fix. The JSON form is a contract (README). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "common/num.h"
#include "output/output.h"

static const char usage[] =
	"usage: escprof analyze [--db FILE] [--name N] [--build REF]... [-sample_index TYPE]\n"
	"                       [-n N] [-source_path DIR]... [-trim_path PREFIX]\n"
	"                       [--format text|json] [--max-size N] [--max-depth N]\n"
	"                       [--max-string N] [--max-line N] PROFILE [LOG|DIR...]\n"
	"\n"
	"Joins a heap profile with the Go compiler's escape analysis of the same code and\n"
	"names the cause of every allocation: a table of causes (bytes, %, objects, sites),\n"
	"then the top sites with the compiler's explanation and a fix hint.\n"
	"\n"
	"LOG is the output of `go build -gcflags='-m -m' 2>LOG` (any Go 1.13-1.27 form)\n"
	"or a -json=0,DIR tree. Without --db everything happens in a temporary store.\n"
	CLI_URL_HELP
	"\n"
	"options:\n"
	"  --db FILE            keep the profile, builds and analysis in FILE\n"
	"  --name N             name the profile and the builds (for --baseline, --build)\n"
	"  --build REF          also use a build already in --db (id or name; repeatable)\n"
	"  -sample_index TYPE   alloc_space, alloc_objects, inuse_space or inuse_objects\n"
	"                       (default: the profile's default, as pprof chooses)\n"
	"  -n N                 sites to show (default 10; 0: all)\n"
	"  -source_path DIR     where to find sources for allocations the compiler does\n"
	"                       not report (append/map growth); repeatable or DIR:DIR\n"
	"  -trim_path PREFIX    strip PREFIX (or one of PREFIX:PREFIX...) from profile paths\n"
	"  --format text|json   output format (default text)\n"
	CLI_LIMIT_HELP
	"  --max-line N         refuse log lines longer than N bytes (default 1M)\n"
	"\n"
	CLI_GLOBAL_HELP
	"\n"
	"examples:\n"
	"  # the causes and the top sites of a profile, with the compiler's log\n"
	"  escprof analyze sample-profiles/out/go1.26/iface_fmt.pb.gz \\\n"
	"          sample-profiles/out/go1.26/iface_fmt.mm.txt\n"
	"  # five sites, sources read for what the compiler does not report\n"
	"  escprof analyze -n 5 -source_path sample-profiles -trim_path /src/samples \\\n"
	"          sample-profiles/out/go1.26/append_growth.pb.gz \\\n"
	"          sample-profiles/out/go1.26/append_growth.mm.txt\n"
	"  # keep everything in a store, named, for top, explain and report\n"
	"  escprof analyze --db escprof.db --name v1 sample-profiles/out/go1.26/chan_send.pb.gz \\\n"
	"          sample-profiles/out/go1.26/chan_send.mm.txt\n";

/* The analysis just stored, written as asked; the progress line (*prog) is gone before
 * anything is. */
static int write_analysis(struct cli *c, struct store *s, int64_t analysis, const char *profile,
			  int ix, int n, struct cli_progress **prog, struct err *e)
{
	struct classify_summary sum;
	int ret;

	if (classify_summarize(s, analysis, ix, n, &sum, e)) {
		cli_progress_stop(*prog);
		*prog = NULL;
		return cli_fail(c, e);
	}
	cli_progress_stop(*prog);
	*prog = NULL;
	if (c->format == OUT_JSON)
		ret = out_analysis_json(stdout, profile, &sum) ? cli_write_failed(c) : EXIT_OK;
	else
		ret = out_analysis_text(stdout, profile, &sum) ? EXIT_FAIL : EXIT_OK;
	classify_summary_release(&sum);
	return ret;
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
	struct profile *decoded = NULL;
	struct classify_grouping *grouping = NULL;
	struct classify_decoded *grouped = NULL;
	struct err e = {0};
	int opt, r, i, n = 10, ix, ret = EXIT_OK, temp;
	struct classify_ingest_profile_result pr;
	struct cli_progress *prog = NULL;

	c->usage = usage;
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
			if (cli_add_dirs(&dirs, &ndirs, &capdirs, optarg)) {
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
			if (num_parse_int(optarg, 0, INT_MAX, &n)) {
				ret = cli_usage_error(c, "-n wants a number of sites (0 for all)");
				goto out;
			}
			if (!n)
				n = INT_MAX;	/* 0 is all, as in report */
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
	if (store_open(&s, c->db, temp ? STORE_TEMPORARY : STORE_READ_WRITE, &e))
		goto fail;
	/* the profile, the builds and the analysis are kept together or not at all */
	store_batch_begin(s);
	prog = cli_progress_start(c);
	{
		/* a temporary store needs the profile's row, not its samples: the join reads
		 * them from the decoded profile either way */
		struct store_profile_opts po = {.name = name, .without_samples = temp,
						.progress = prog ? cli_progress_samples : NULL, .progress_ctx = prog};

		cli_progress_profile(prog, "loading", argv[optind], &lim);
		if (classify_ingest_profile_decoded(s, argv[optind], &po, &lim, &pr, &decoded, &e))
			goto fail;
		co.decoded = decoded;
	}
	/* the samples are grouped by stack for the join while the logs are read */
	if (optind + 1 < argc)
		grouping = classify_decoded_group_begin(decoded);
	for (i = optind + 1; i < argc; i++) {
		struct classify_ingest_build_result br;

		cli_progress_phase(prog, "reading %s", argv[i]);
		/* a temporary store keeps only what the join of this profile reads */
		if (temp ? classify_ingest_build_for(s, decoded, argv[i], name, (size_t)max_line, &br, &e) :
			   classify_ingest_build(s, argv[i], name, NULL, (size_t)max_line, &br, &e))
			goto fail;
		builds[nbuilds++] = br.id;
	}
	if (optind + 1 < argc) {
		enum esc_status gst = classify_decoded_group_end(grouping, decoded, &grouped, &e);

		grouping = NULL;
		if (gst)
			goto fail;
		co.grouped = grouped;
	}
	for (i = 0; i < (int)nbrefs; i++)
		if (store_resolve_build(s, brefs[i], &builds[nbuilds++], &e))
			goto fail;
	cli_progress_phase(prog, "joining the profile with %zu %s", nbuilds,
			   out_plural((int64_t)nbuilds, "build", "builds"));
	if (classify_sample_type(s, pr.id, want, &ix, &e) ||
	    classify_run(cli_notes(c), s, pr.id, builds, nbuilds, &co, &analysis, &e))
		goto fail;
	cli_progress_phase(prog, "summarizing");
	ret = write_analysis(c, s, analysis, argv[optind], ix, n, &prog, &e);
	ret = cli_store_done(c, s, ret, &e);
	goto out;
fail:
	cli_progress_stop(prog);
	prog = NULL;
	ret = cli_fail(c, &e);
out:
	cli_progress_stop(prog);
	store_close(s);
	if (grouping)
		classify_decoded_group_end(grouping, decoded, NULL, NULL);
	classify_decoded_free(grouped);
	profile_free(decoded);
	free(dirs);
	free(brefs);
	free(builds);
	return ret;
}
