/* cmd_diff.c — `escprof diff BASE NEW`: two profiles (what grew or appeared, by site,
 * function or cause, per sample type) or two builds (escapes added and removed, matched by
 * file, kind and expression so that code that only moved is not reported). BASE and NEW
 * are files (loaded into a temporary store unless --db) or names/ids in --db. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "common/num.h"
#include "output/output.h"

static const char usage[] =
	"usage: escprof diff [--db FILE] [--by site|function|cause] [-sample_index TYPE] [-n N]\n"
	"                    [--format text|json|csv] BASE NEW\n"
	"\n"
	"Two profiles: the sites (functions, causes) that appeared or grew from BASE to NEW.\n"
	"When both profiles carry a duration, BASE is scaled to NEW's duration (said).\n"
	"Two builds (compiler logs): the escapes NEW added and removed; an escape whose\n"
	"expression is unchanged but moved to another line is not reported.\n"
	"BASE and NEW may be profile URLs (http://host:6060/debug/pprof/heap).\n"
	"BASE and NEW are files, or profile/build ids or names in --db.\n";

struct side {
	int is_profile;
	int64_t id, analysis;
	char *label;
};

/* A file becomes a stored profile or build; a name or id is looked up (a profile comes
 * with its newest analysis, or one with the newest build). */
static enum esc_status resolve_side(struct cli *c, struct store *s, const char *arg, struct side *x,
				    struct err *e)
{
	const struct classify_baseline_opts o = {.builds_too = 1};
	struct classify_baseline bl;
	enum esc_status st;

	if (!(x->label = strdup(arg)))
		return err_set(e, ESC_ENOMEM, "out of memory");
	if ((st = classify_baseline(cli_notes(c), s, arg, &o, &bl, e)))
		return st;
	x->is_profile = bl.is_profile;
	x->id = bl.is_profile ? bl.profile_id : bl.build_id;
	x->analysis = bl.analysis_id;
	return ESC_OK;
}

static int diff(struct cli *c, struct store *s, const struct side *b, const struct side *n,
		const char *by, const char *want, int limit, struct err *e)
{
	enum store_site_group group = !strcmp(by, "function") ? STORE_GROUP_FUNCTION :
				      !strcmp(by, "cause") ? STORE_GROUP_CAUSE : STORE_GROUP_SITE;
	struct classify_diff_side bs = {b->id, b->analysis}, ns = {n->id, n->analysis};
	struct classify_profile_diff pd = {0};
	struct classify_build_diff bd = {0};
	struct out_diff_opts o = {c->format, b->label, n->label, NULL, by};
	int ix, ret = EXIT_OK;

	if (b->is_profile) {
		if (classify_sample_type(s, n->id, want, &ix, e) ||
		    classify_diff_profiles(s, &bs, &ns, ix, group, &pd, e)) {
			ret = cli_fail(c, e);
		} else {
			o.column = store_heap_types[ix];
			if (out_diff_profiles(stdout, &o, &pd, classify_diff_grown(&pd, (size_t)limit)))
				ret = cli_write_failed(c);
		}
	} else {
		if (classify_diff_builds(s, b->id, n->id, &bd, e))
			ret = cli_fail(c, e);
		else if (out_diff_builds(stdout, &o, &bd))
			ret = cli_write_failed(c);
	}
	classify_profile_diff_release(&pd);
	classify_build_diff_release(&bd);
	return ret;
}

int cmd_diff(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{"by", required_argument, NULL, 'B'},
		{"sample_index", required_argument, NULL, 'i'},
		{NULL, 0, NULL, 0},
	};
	const char *by = "site", *want = NULL;
	struct side b = {0}, n = {0};
	struct store *s = NULL;
	struct err e = {0};
	int opt, rc, ret, limit = 30;

	c->usage = usage;
	cli_pprof_args(argc, argv);
	while ((opt = getopt_long(argc, argv, "qhn:", opts, NULL)) != -1) {
		if ((rc = cli_common(c, opt, optarg)) >= 100)
			return rc - 100;
		if (opt == 'B')
			by = optarg;
		else if (opt == 'i')
			want = optarg;
		else if (opt == 'n' && num_parse_int(optarg, 1, INT_MAX, &limit))
			return cli_usage_error(c, "-n wants a positive number");
	}
	if (argc - optind != 2)
		return cli_usage_error(c, "need BASE and NEW");
	if (strcmp(by, "site") && strcmp(by, "function") && strcmp(by, "cause"))
		return cli_usage_error(c, "--by takes site, function or cause");
	if (c->format == OUT_TSV)
		return cli_usage_error(c, "diff writes text, json or csv");
	if (store_open(&s, c->db, c->db_set ? STORE_READ_WRITE : STORE_TEMPORARY, &e)) {
		ret = cli_fail(c, &e);
		goto out;
	}
	/* both sides and their analyses are kept together, and only when the diff is made */
	store_batch_begin(s);
	if (resolve_side(c, s, argv[optind], &b, &e) || resolve_side(c, s, argv[optind + 1], &n, &e)) {
		ret = cli_fail(c, &e);
		goto out;
	}
	if (b.is_profile != n.is_profile) {
		ret = cli_usage_error(c, "'%s' and '%s' are not both profiles or both builds", b.label, n.label);
		goto out;
	}
	ret = diff(c, s, &b, &n, by, want, limit, &e);
	ret = cli_store_done(c, s, ret, &e);
out:
	store_close(s);
	free(b.label);
	free(n.label);
	return ret;
}
