/* cmd_explain.c — `escprof explain FILE:LINE|SITE`: everything escprof knows of one site:
 * what it allocated, the cause and how sure, the compiler's diagnostic with its flow chain
 * exactly as printed (the deciding step marked), the other diagnostics at that line,
 * and the fix. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "common/num.h"
#include "output/output.h"

static const char usage[] =
	"usage: escprof explain [--db FILE] [--profile ID|NAME] [--build ID|NAME]...\n"
	"                       [--label KEY=VALUE]... [--since WHEN] [--until WHEN]\n"
	"                       [--format text|json] FILE:LINE|SITE\n"
	"\n"
	"Shows why the allocations at a site are on the heap: the bytes and objects, the\n"
	"cause, the compiler's explanation (flow chain) with the deciding step marked, the\n"
	"other diagnostics at that line, and the fix. FILE matches by whole trailing path\n"
	"components (main.go, pkg/main.go, /abs/pkg/main.go); SITE is a site id from top.\n"
	"\n"
	"options:\n"
	"  --profile REF        the stored profile (id or name; default: the newest)\n"
	"  --build REF          join with this stored build (id or name; repeatable)\n"
	CLI_FILTER_HELP
	"  --format text|json   output format (default text)\n"
	"\n"
	CLI_GLOBAL_HELP
	"\n"
	"examples:\n"
	"  # why the bytes at a line are on the heap\n"
	"  escprof explain iface_fmt/main.go:33\n"
	"  # a site by the id top printed, as json\n"
	"  escprof explain --format json 1\n";

/* Digits only (no sign, no space), and in range. */
static int number(const char *s, int64_t *v)
{
	return *s && strspn(s, "0123456789") == strlen(s) && !num_parse_i64(s, 0, INT64_MAX, v);
}

int cmd_explain(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{"profile", required_argument, NULL, 'p'},
		{"build", required_argument, NULL, 'b'},
		CLI_FILTER_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	const char **brefs = calloc((size_t)argc + 1, sizeof(*brefs));
	const char *profile = NULL, *file = NULL;
	struct classify_explain x = {0};
	struct cli_filter flt = {0};
	struct store *s = NULL;
	struct err e = {0};
	size_t nb = 0;
	int opt, rc, ret = EXIT_OK;
	int64_t pid, aid, line = 0, site = 0;
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
		if (opt == 'p')
			profile = optarg;
		else if (opt == 'b')
			brefs[nb++] = optarg;
	}
	if (argc - optind != 1) {
		ret = cli_usage_error(c, "need one FILE:LINE or SITE");
		goto out;
	}
	if (c->format != OUT_TEXT && c->format != OUT_JSON) {
		ret = cli_usage_error(c, "explain writes text or json");
		goto out;
	}
	if (!(target = strdup(argv[optind]))) {
		ret = EXIT_FAIL;
		goto out;
	}
	colon = strrchr(target, ':');
	if (number(target, &site)) {
		/* a site id */
	} else if (colon && number(colon + 1, &line)) {
		*colon = '\0';
		file = target;
	} else {
		ret = cli_usage_error(c, "'%s' is neither FILE:LINE nor a site id", argv[optind]);
		goto out;
	}
	if (store_open(&s, c->db, STORE_READ_WRITE, &e))
		goto fail;
	/* an analysis made on the way is kept only when the command succeeds */
	store_batch_begin(s);
	if (classify_select(cli_notes(c), s, profile, &flt.f, brefs, nb, NULL, &pid, &aid, &e) ||
	    classify_explain(s, aid, site, line, file, &x, &e))
		goto fail;
	if (!x.n) {
		err_set(&e, ESC_ENOTFOUND, "no allocation site at %s in profile %" PRId64, argv[optind], pid);
		goto fail;
	}
	if (out_explain_write(stdout, c->format, &x))
		ret = cli_write_failed(c);
	ret = cli_store_done(c, s, ret, &e);
	goto done;
fail:
	ret = cli_fail(c, &e);
done:
	classify_explain_release(&x);
	store_close(s);
out:
	cli_filter_release(&flt);
	free(brefs);
	free(target);
	return ret;
}
