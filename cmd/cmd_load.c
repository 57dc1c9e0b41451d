/* cmd_load.c — `escprof load PROFILE...`: every file is read once and stored, all of
 * them in one transaction, so a bad file (or any failure before the commit) leaves the
 * database as it was. Bytes already stored (same sha256) are reported, not stored. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
	"usage: escprof load [--db FILE] [--name N] [--label k=v]... [--format text|json]\n"
	"                    [--max-size N] [--max-depth N] [--max-string N] PROFILE...\n"
	"\n"
	"Stores heap profiles (gzip/zlib/raw pprof protobuf, or Go legacy text heap\n"
	"profiles) in the database, all of them in one transaction: when one fails,\n"
	"nothing is stored. Loading the same bytes again is a no-op. Query the result\n"
	"with `escprof sql`.\n"
	CLI_URL_HELP
	"\n"
	"options:\n"
	"  --name N             name of the profile (default: the file's base name; a\n"
	"                       profile already stored gets the name added to its names)\n"
	"  --label k=v          attach a label to the profile (repeatable)\n"
	"  --format text|json   what was loaded, as text or json (default text)\n"
	CLI_LIMIT_HELP
	"\n"
	CLI_GLOBAL_HELP
	"\n"
	"examples:\n"
	"  escprof load sample-profiles/out/go1.26/iface_fmt.pb.gz\n"
	"  escprof load --db prod.db --name api-1 --label host=api-1 \\\n"
	"          sample-profiles/out/go1.26/map_insert.pb.gz\n"
	"  curl -s http://localhost:6060/debug/pprof/heap | escprof load --name live -\n";

int cmd_load(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{"name", required_argument, NULL, 'n'},
		{"label", required_argument, NULL, 'l'},
		CLI_LIMIT_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	struct profile_limits lim = {0};
	struct store *s = NULL;
	struct err e = {0};
	const char **labels = NULL;
	const char *name = NULL;
	struct classify_ingest_profile_result *results = NULL;
	char **shown = NULL;	/* each PROFILE as named: a URL without its password */
	struct out_ingest_opts report;
	struct cli_progress *prog = NULL;
	size_t nlabels = 0;
	int opt, r, i, ret = EXIT_OK;

	c->usage = usage;
	labels = calloc((size_t)argc + 1, sizeof(*labels));
	if (!labels)
		return EXIT_FAIL;
	while ((opt = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		if ((r = cli_common(c, opt, optarg)) >= 100) {
			free(labels);
			return r - 100;
		}
		if (r)
			continue;
		if (opt == 'n') {
			name = optarg;
		} else if (opt == 'l') {
			const char *eq = strchr(optarg, '=');

			if (!eq || eq == optarg) {
				free(labels);
				return cli_usage_error(c, "label '%s' is not key=value", optarg);
			}
			labels[nlabels++] = optarg;
		} else if (cli_limit_option(c, opt, optarg, &lim) < 0) {
			free(labels);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		free(labels);
		return cli_usage_error(c, "need at least one PROFILE");
	}
	if (c->format != OUT_TEXT && c->format != OUT_JSON) {
		free(labels);
		return cli_usage_error(c, "load reports in text or json");
	}
	results = calloc((size_t)argc, sizeof(*results));
	if (!results) {
		ret = EXIT_FAIL;
		goto out;
	}
	/* one transaction for every file: a bad one leaves the store as it was */
	if (store_open(&s, c->db, STORE_READ_WRITE, &e)) {
		ret = cli_fail(c, &e);
		goto out;
	}
	if (!(shown = calloc((size_t)argc + 1, sizeof(*shown)))) {
		ret = EXIT_FAIL;
		goto out;
	}
	for (i = optind; i < argc; i++)
		if (!(shown[i] = profile_source_name(argv[i], &lim))) {
			err_set(&e, ESC_ENOMEM, "out of memory");
			ret = cli_fail(c, &e);
			goto out;
		}
	store_batch_begin(s);
	/* progress on a terminal only, never into a pipe or a log */
	prog = cli_progress_start(c);
	for (i = optind; i < argc; i++) {
		struct store_profile_opts o = {.name = name, .source = argv[i], .labels = labels,
						 .nlabels = nlabels, .progress = prog ? cli_progress_samples : NULL,
						 .progress_ctx = prog};

		cli_progress_phase(prog, "loading %s", shown[i]);
		if (classify_ingest_profile(s, argv[i], &o, &lim, &results[i], &e)) {
			cli_progress_stop(prog);
			prog = NULL;
			ret = cli_fail(c, &e);
			goto out;
		}
	}
	cli_progress_stop(prog);
	prog = NULL;
	/* what was stored, said once every file is in (and before it is committed) */
	report = (struct out_ingest_opts){c->format, c->quiet, 0};
	if (out_load_write(stdout, &report, (const char *const *)shown + optind, results + optind,
			   (size_t)(argc - optind)))
		ret = cli_write_failed(c);
	ret = cli_store_done(c, s, ret, &e);
out:
	store_close(s);
	for (i = 0; shown && i < argc; i++)
		free(shown[i]);
	free(shown);
	free(results);
	free(labels);
	return ret;
}
