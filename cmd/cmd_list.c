/* cmd_list.c — `escprof list REGEX|FILE[:LINE]`: source lines annotated with what they
 * allocated and why, like pprof's list: for every function matching REGEX (or every
 * site in FILE, or the lines around FILE:LINE), the lines around its sites with bytes,
 * objects and cause. Sources are found through -source_path and -trim_path. */
#include <inttypes.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "common/num.h"
#include "output/output.h"

static const char usage[] =
	"usage: escprof list [--db FILE] [--profile ID|NAME] [--build ID|NAME]...\n"
	"                    [-sample_index TYPE] [-source_path DIR]... [-trim_path PREFIX]\n"
	"                    [--label KEY=VALUE]... [--since WHEN] [--until WHEN]\n"
	"                    [--format text|json] REGEX|FILE[:LINE]\n"
	"\n"
	"Prints the source of the functions matching REGEX (or of FILE, or around\n"
	"FILE:LINE) with the bytes, objects and cause at each line that allocates.\n"
	"\n"
	"options:\n"
	"  --profile REF        the stored profile (id or name; default: the newest)\n"
	"  --build REF          join with this stored build (id or name; repeatable)\n"
	"  -sample_index TYPE   alloc_space, alloc_objects, inuse_space or inuse_objects\n"
	"  -source_path DIR     where to find the sources; repeatable or DIR:DIR\n"
	"  -trim_path PREFIX    strip PREFIX (or one of PREFIX:PREFIX...) from profile paths\n"
	CLI_FILTER_HELP
	"  --format text|json   output format (default text)\n"
	"\n"
	CLI_GLOBAL_HELP
	"\n"
	"examples:\n"
	"  # a function's source with the bytes at each line\n"
	"  escprof list -source_path sample-profiles -trim_path /src/samples formatRecord\n"
	"  # the lines around one line of a file\n"
	"  escprof list -source_path sample-profiles -trim_path /src/samples main.go:33\n";

int cmd_list(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{"profile", required_argument, NULL, 'p'},
		{"build", required_argument, NULL, 'b'},
		{"sample_index", required_argument, NULL, 'i'},
		{"source_path", required_argument, NULL, 's'},
		{"trim_path", required_argument, NULL, 't'},
		CLI_FILTER_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	const char **brefs = calloc((size_t)argc + 1, sizeof(*brefs));
	const char **dirs = NULL;
	const char *profile = NULL, *want = NULL, *trim = NULL, *file = NULL;
	struct classify_sources src;
	struct out_list_opts o = {0};
	struct store_line_sum *lines = NULL;
	struct store *s = NULL;
	struct cli_filter flt = {0};
	struct err e = {0};
	regex_t re;
	size_t nb = 0, nd = 0, capd = 0, n = 0;
	int opt, rc, ret = EXIT_OK, ix, have_re = 0;
	int64_t pid, aid;
	char *target = NULL, *colon;

	c->usage = usage;
	if (!brefs)
		return EXIT_FAIL;
	while ((opt = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		if ((rc = cli_common(c, opt, optarg)) >= 100) {
			ret = rc - 100;
			goto out;
		}
		if ((rc = cli_filter_option(c, opt, optarg, &flt)) < 0) {
			ret = EXIT_USAGE;
			goto out;
		}
		switch (opt) {
		case 'p': profile = optarg; break;
		case 'b': brefs[nb++] = optarg; break;
		case 'i': want = optarg; break;
		case 's':
			if (cli_add_dirs(&dirs, &nd, &capd, optarg)) {
				ret = EXIT_FAIL;
				goto out;
			}
			break;
		case 't': trim = optarg; break;
		}
	}
	classify_sources_init(&src, dirs, nd, trim);
	if (argc - optind != 1) {
		ret = cli_usage_error(c, "need one REGEX or FILE[:LINE]");
		goto out_src;
	}
	if (c->format != OUT_TEXT && c->format != OUT_JSON) {
		ret = cli_usage_error(c, "list writes text or json");
		goto out_src;
	}
	o.fmt = c->format;
	if (!(target = strdup(argv[optind]))) {
		ret = EXIT_FAIL;
		goto out_src;
	}
	colon = strrchr(target, ':');
	if (colon && colon[1] && strspn(colon + 1, "0123456789") == strlen(colon + 1)) {
		if (num_parse_i64(colon + 1, 0, INT64_MAX, &o.at)) {
			ret = cli_usage_error(c, "line out of range in '%s'", argv[optind]);
			goto out_src;
		}
		*colon = '\0';
		file = target;
	} else if (strstr(target, ".go")) {
		file = target;
	} else if (regcomp(&re, target, REG_EXTENDED | REG_NOSUB)) {
		ret = cli_usage_error(c, "bad regular expression '%s'", target);
		goto out_src;
	} else {
		have_re = 1;
	}
	if (store_open(&s, c->db, STORE_READ_WRITE, &e))
		goto fail;
	/* an analysis made on the way is kept only when the command succeeds */
	store_batch_begin(s);
	if (classify_select_profile(s, profile, &flt.f, &pid, &e) ||
	    classify_sample_type(s, pid, want, &ix, &e) ||
	    classify_select(cli_notes(c), s, profile, &flt.f, brefs, nb, NULL, &pid, &aid, &e) ||
	    classify_list_lines(s, aid, ix, have_re ? &re : NULL, file, &lines, &n, &e))
		goto fail;
	if (!n) {
		err_set(&e, ESC_ENOTFOUND, "nothing allocates in '%s' in profile %" PRId64, argv[optind], pid);
		goto fail;
	}
	o.type = ix;
	if (out_list_write(stdout, &o, &src, lines, n))
		ret = cli_write_failed(c);
	ret = cli_store_done(c, s, ret, &e);
	goto done;
fail:
	ret = cli_fail(c, &e);
done:
	store_line_sums_free(lines, n);
	store_close(s);
out_src:
	if (have_re)
		regfree(&re);
	classify_sources_release(&src);
out:
	cli_filter_release(&flt);
	free(target);
	free(brefs);
	free(dirs);
	return ret;
}
