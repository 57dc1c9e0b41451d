/* cmd_escapes.c — `escprof escapes LOG|DIR|-...`: parse Go compiler diagnostics (-m text
 * logs of any form, or -json=0,DIR trees) and store each input as one build, all of them
 * in one transaction. --dry-run parses and counts without a database. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
	"usage: escprof escapes [--db FILE] [--name N] [--go-version V] [--dry-run]\n"
	"                       [--max-line N] [--format text|json] LOG|DIR|- ...\n"
	"\n"
	"Stores the Go compiler's escape-analysis output: text logs of -m, -m -m, -m=2\n"
	"or -m=3 (`go build -gcflags='-m -m' ./... 2>build.log`; Go 1.13 to 1.27, both\n"
	"flow forms, # pkg headers, CRLF, UTF-16 from PowerShell), or a -json=0,DIR tree.\n"
	"Each input is one build; all are stored in one transaction, so when one fails\n"
	"nothing is stored. Lines that are not diagnostics (banners, prompts, build\n"
	"errors) are skipped and counted; an input with no diagnostics at all is an error.\n"
	"\n"
	"options:\n"
	"  --name N             name of the build (default: the input's base name; a log\n"
	"                       already stored gets the name added to its names)\n"
	"  --go-version V       the Go version that printed it (default: inferred)\n"
	"  --dry-run            parse and count only; no database\n"
	"  --max-line N         longest line accepted (default 1M)\n"
	"  --format text|json   what was stored, as text or json (default text)\n"
	"\n"
	CLI_GLOBAL_HELP
	"\n"
	"examples:\n"
	"  # store a build's diagnostics under a name\n"
	"  escprof escapes --name v1 sample-profiles/out/go1.26/iface_fmt.mm.txt\n"
	"  # count what a log holds without storing it\n"
	"  escprof escapes --dry-run sample-profiles/out/go1.19/append_growth.mm.txt\n"
	"  # straight from the compiler\n"
	"  go build -gcflags='-m -m' ./... 2>&1 | escprof escapes --name pr-42 -\n";

int cmd_escapes(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{"name", required_argument, NULL, 'n'},
		{"go-version", required_argument, NULL, 'g'},
		{"dry-run", no_argument, NULL, 'N'},
		{"max-line", required_argument, NULL, 'L'},
		{NULL, 0, NULL, 0},
	};
	const char *name = NULL, *version = NULL;
	struct store *s = NULL;
	struct err e = {0};
	struct classify_ingest_build_result *results;
	struct cli_progress *prog = NULL;
	uint64_t max_line = 0;
	int opt, r, i, dry = 0, ret = EXIT_OK;

	c->usage = usage;
	while ((opt = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		if ((r = cli_common(c, opt, optarg)) >= 100)
			return r - 100;
		if (r)
			continue;
		if (opt == 'n')
			name = optarg;
		else if (opt == 'g')
			version = optarg;
		else if (opt == 'N')
			dry = 1;
		else if (opt == 'L' && (cli_parse_size(optarg, &max_line) || !max_line))
			return cli_usage_error(c, "bad line length '%s'", optarg);
	}
	if (optind >= argc)
		return cli_usage_error(c, "need at least one LOG, DIR or -");
	if (c->format != OUT_TEXT && c->format != OUT_JSON)
		return cli_usage_error(c, "escapes reports in text or json");
	results = calloc((size_t)argc, sizeof(*results));
	if (!results)
		return EXIT_FAIL;
	/* every input in one transaction: a bad one leaves the store as it was */
	if (!dry && store_open(&s, c->db, STORE_READ_WRITE, &e)) {
		free(results);
		return cli_fail(c, &e);
	}
	store_batch_begin(s);
	/* progress on a terminal only, never into a pipe or a log */
	prog = cli_progress_start(c);
	for (i = optind; i < argc && ret == EXIT_OK; i++) {
		cli_progress_phase(prog, "reading %s", argv[i]);
		if (classify_ingest_build(dry ? NULL : s, argv[i], name, version, (size_t)max_line, &results[i], &e)) {
			cli_progress_stop(prog);
			prog = NULL;
			ret = cli_fail(c, &e);
		}
	}
	cli_progress_stop(prog);
	if (ret == EXIT_OK) {
		const struct out_ingest_opts o = {c->format, c->quiet, dry};

		if (out_escapes_write(stdout, &o, (const char *const *)argv + optind, results + optind,
				      (size_t)(argc - optind)))
			ret = cli_write_failed(c);
		ret = cli_store_done(c, s, ret, &e);
	}
	store_close(s);
	free(results);
	return ret;
}
