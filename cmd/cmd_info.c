/* cmd_info.c — `escprof info PROFILE`: decode without a database and describe the profile.
 * The JSON form is a contract (see README): field names and types do not change. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "profile/profile.h"

static const char usage[] =
	"usage: escprof info [--format text|json] [--max-size N] [--max-depth N]\n"
	"                    [--max-string N] PROFILE\n"
	"\n"
	"Decodes PROFILE (gzip, zlib or raw pprof protobuf, or a Go legacy text heap\n"
	"profile) and prints its sample types with totals, the number of samples,\n"
	"locations, functions and mappings, the period, time and the deepest inlining.\n"
	"No database is read or written.\n"
	CLI_URL_HELP
	"\n"
	"options:\n"
	"  --format text|json   output format (default text)\n"
	CLI_LIMIT_HELP
	"\n"
	CLI_GLOBAL_HELP
	"\n"
	"examples:\n"
	"  escprof info sample-profiles/out/go1.26/iface_fmt.pb.gz\n"
	"  escprof info --format json sample-profiles/out/go1.19/map_insert.heap.txt\n";

struct totals {
	int64_t *sum;
	size_t n;
};

static int add_sample(void *ctx, const struct profile_sample *s)
{
	struct totals *t = ctx;
	size_t i;

	for (i = 0; i < s->nvalues && i < t->n; i++)
		t->sum[i] += s->values[i]; /* profile_foreach_sample refuses totals past 64 bits */
	return 0;
}

int cmd_info(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		CLI_LIMIT_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	struct profile_limits lim = {0};
	struct profile *p = NULL;
	struct totals t = {0};
	struct err e = {0};
	int opt, r, ret;

	c->usage = usage;
	while ((opt = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		if ((r = cli_common(c, opt, optarg)) >= 100)
			return r - 100;
		if (r)
			continue;
		if (cli_limit_option(c, opt, optarg, &lim) < 0)
			return EXIT_USAGE;
	}
	if (c->format != OUT_TEXT && c->format != OUT_JSON)
		return cli_usage_error(c, "info writes text or json");
	if (argc - optind != 1)
		return cli_usage_error(c, "need exactly one PROFILE");
	if (profile_open_file(&p, argv[optind], &lim, &e))
		return cli_fail(c, &e);
	t.n = p->nsample_types;
	t.sum = calloc(t.n + 1, sizeof(*t.sum));
	if (!t.sum) {
		err_set(&e, ESC_ENOMEM, "'%s': out of memory", p->name);
		ret = cli_fail(c, &e);
		goto out;
	}
	if ((r = profile_foreach_sample(p, add_sample, &t, &e))) {
		ret = cli_fail(c, &e);
		goto out;
	}
	ret = out_info_write(stdout, c->format, p, t.sum) ? cli_write_failed(c) : EXIT_OK;
out:
	free(t.sum);
	profile_free(p);
	return ret;
}
