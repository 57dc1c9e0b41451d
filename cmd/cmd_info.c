/* cmd_info.c — `escprof info PROFILE`: decode without a database and describe the profile.
 * The JSON form is a contract (see README): field names and types do not change. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "profile/profile.h"

static const char usage[] =
	"usage: escprof info [--format text|json] [--max-size N] [--max-depth N]\n"
	"                    [--max-string N] PROFILE\n"
	"\n"
	"Decodes PROFILE (gzip, zlib or raw pprof protobuf, or a Go legacy text heap\n"
	"profile) and prints its sample types with totals, the number of samples,\n"
	"locations, functions and mappings, the period, time and the deepest inlining.\n"
	"\n"
	"  --format text|json   output format (default text)\n"
	"  --max-size N         refuse profiles larger than N bytes decompressed (default 1G)\n"
	"  --max-depth N        refuse samples of more than N frames (default 4096)\n"
	"  --max-string N       refuse strings longer than N bytes (default 1M)\n";

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

static int print_json(const struct profile *p, const struct totals *t)
{
	json_t *o = json_object(), *types = json_array(), *pt = json_object();
	size_t i;

	for (i = 0; i < p->nsample_types; i++) {
		json_t *ty = json_object();

		json_object_set_new(ty, "type", out_json_string(p->sample_types[i].type,
								strlen(p->sample_types[i].type)));
		json_object_set_new(ty, "unit", out_json_string(p->sample_types[i].unit,
								strlen(p->sample_types[i].unit)));
		json_object_set_new(ty, "total", json_integer(t->sum[i]));
		json_array_append_new(types, ty);
	}
	json_object_set_new(pt, "type", out_json_string(p->period_type.type, strlen(p->period_type.type)));
	json_object_set_new(pt, "unit", out_json_string(p->period_type.unit, strlen(p->period_type.unit)));
	json_object_set_new(o, "file", out_json_string(p->name, strlen(p->name)));
	json_object_set_new(o, "format", json_string(profile_format_name(p->format)));
	json_object_set_new(o, "sample_types", types);
	json_object_set_new(o, "samples", json_integer((json_int_t)p->nsamples));
	json_object_set_new(o, "locations", json_integer((json_int_t)p->nlocations));
	json_object_set_new(o, "functions", json_integer((json_int_t)p->nfunctions));
	json_object_set_new(o, "mappings", json_integer((json_int_t)p->nmappings));
	json_object_set_new(o, "period_type", pt);
	json_object_set_new(o, "period", json_integer(p->period));
	json_object_set_new(o, "time_nanos", json_integer(p->time_nanos));
	json_object_set_new(o, "duration_nanos", json_integer(p->duration_nanos));
	json_object_set_new(o, "default_sample_type",
			    p->default_sample_type ?
			    out_json_string(p->default_sample_type, strlen(p->default_sample_type)) :
			    json_null());
	json_object_set_new(o, "max_inline_depth", json_integer((json_int_t)p->max_inline_depth));
	return out_json_dump(stdout, o);
}

static void print_text(const struct profile *p, const struct totals *t)
{
	int def = profile_default_sample_index(p);
	size_t i;

	out_textf(stdout, "file:        %s\n", p->name);
	printf("format:      %s (%" PRIu64 " bytes read, %" PRIu64 " decoded)\n",
	       profile_format_name(p->format), p->input_size, p->decoded_size);
	out_textf(stdout, "period:      %" PRId64 " %s/%s\n", p->period, p->period_type.type, p->period_type.unit);
	if (p->time_nanos) {
		time_t secs = (time_t)(p->time_nanos / 1000000000);
		struct tm tm;
		char when[32];

		gmtime_r(&secs, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		printf("time:        %s\n", when);
	}
	if (p->duration_nanos)
		printf("duration:    %.3fs\n", (double)p->duration_nanos / 1e9);
	printf("samples:     %zu\n", p->nsamples);
	printf("locations:   %zu (deepest inlining: %zu lines)\n", p->nlocations, p->max_inline_depth);
	printf("functions:   %zu\n", p->nfunctions);
	printf("mappings:    %zu\n", p->nmappings);
	printf("sample types%s:\n", def >= 0 ? " (* = default)" : "");
	for (i = 0; i < p->nsample_types; i++)
		out_textf(stdout, "  %c %-16s %-12s %20" PRId64 "\n", (int)i == def ? '*' : ' ',
			  p->sample_types[i].type, p->sample_types[i].unit, t->sum[i]);
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
	if (c->format == OUT_JSON)
		ret = print_json(p, &t) ? cli_write_failed(c) : EXIT_OK;
	else
		print_text(p, &t), ret = EXIT_OK;
out:
	free(t.sum);
	profile_free(p);
	return ret;
}
