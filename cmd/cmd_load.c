/* cmd_load.c — `escprof load PROFILE...`: every file is read once and stored, all of
 * them in one transaction, so a bad file (or any failure before the commit) leaves the
 * database as it was. Bytes already stored (same sha256) are reported, not stored. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
	"usage: escprof load [--db FILE] [--name N] [--label k=v]... [--max-size N]\n"
	"                    [--max-depth N] [--max-string N] PROFILE...\n"
	"\n"
	"Stores heap profiles (gzip/zlib/raw pprof protobuf, or Go legacy text heap\n"
	"profiles) in the database, all of them in one transaction: when one fails,\n"
	"nothing is stored. Loading the same bytes again is a no-op. Query the result\n"
	"with `escprof sql`.\n"
	"\n"
	"  --db FILE        database (default escprof.db or $ESCPROF_DB)\n"
	"  --name N         name of the profile (default: the file's base name)\n"
	"                   (of bytes already stored: added to that profile's names)\n"
	"  --label k=v      attach a label to the profile (repeatable)\n"
	CLI_LIMIT_HELP
	"  --format F       text or json report of what was loaded\n"
	"  -q, --quiet      print nothing but errors\n";

static void progress(void *ctx, size_t done, size_t total)
{
	fprintf(stderr, "\r%s: %zu/%zu samples", (const char *)ctx, done, total);
	if (done >= total)
		fputc('\n', stderr);
}

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
	struct out_ingest_opts report;
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
	store_batch_begin(s);
	for (i = optind; i < argc; i++) {
		struct store_profile_opts o = {.name = name, .source = argv[i], .labels = labels,
						 .nlabels = nlabels, .progress_ctx = argv[i]};

		/* progress on a terminal only, never into a pipe or a log */
		if (cli_progress_ok(c))
			o.progress = progress;
		if (classify_ingest_profile(s, argv[i], &o, &lim, &results[i], &e)) {
			ret = cli_fail(c, &e);
			goto out;
		}
		if (o.progress && results[i].nsamples > 0xffff)
			fputc('\n', stderr);
	}
	/* what was stored, said once every file is in (and before it is committed) */
	report = (struct out_ingest_opts){c->format, c->quiet, 0};
	if (out_load_write(stdout, &report, (const char *const *)argv + optind, results + optind,
			   (size_t)(argc - optind)))
		ret = cli_write_failed(c);
	ret = cli_store_done(c, s, ret, &e);
out:
	store_close(s);
	free(results);
	free(labels);
	return ret;
}
