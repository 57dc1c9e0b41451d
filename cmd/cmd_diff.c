/* cmd_diff.c — `escprof diff BASE NEW`: two profiles (what grew, shrank, appeared and went,
 * by site, function or cause, per sample type; each side joined with its compiler logs
 * when given) or two builds (escapes added and removed, matched by file, kind and
 * expression so that code that only moved is not reported). BASE and NEW are files
 * (loaded into a temporary store unless --db) or names/ids in --db. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "common/num.h"
#include "common/paths.h"
#include "common/vec.h"
#include "output/output.h"

static const char usage[] =
	"usage: escprof diff [--by site|function|cause] [-sample_index TYPE] [-n N]\n"
	"                    [--base-build LOG|REF]... [--build LOG|REF]...\n"
	"                    [-trim_path PREFIX] [-source_path DIR]...\n"
	"                    [--format text|json|csv] [--db FILE] BASE NEW\n"
	"       escprof diff [options] -diff_base BASE NEW\n"
	"\n"
	"Two profiles: every site (function, cause) that grew, shrank, appeared (new) or\n"
	"disappeared (gone) from BASE to NEW, each with both values, the delta and the\n"
	"change in percent, biggest change first, and the totals. When both profiles carry\n"
	"a duration, BASE is scaled to NEW's duration (said).\n"
	"Two builds (compiler logs): the escapes NEW added and removed; an escape whose\n"
	"expression is unchanged but moved to another line is not reported.\n"
	"BASE and NEW are files, or profile/build ids or names in --db; a profile may be\n"
	"a URL (http://host:6060/debug/pprof/heap).\n"
	"\n"
	"options:\n"
	"  -diff_base BASE       BASE as pprof takes it (also --diff_base); NEW follows\n"
	"  --by KEY              what a row is: site (default: function, file:line, cause),\n"
	"                        function or cause\n"
	"  -sample_index TYPE    alloc_space, alloc_objects, inuse_space or inuse_objects\n"
	"                        (default: NEW's default, as pprof chooses)\n"
	"  -n N                  rows of each list: grew, shrank, new, gone (default 30;\n"
	"                        0: all)\n"
	"  --build LOG|REF       NEW's compiler output (go build -gcflags='-m -m'), a file\n"
	"                        or a build in --db; repeatable. Without --base-build\n"
	"                        the same builds explain BASE too\n"
	"  --base-build LOG|REF  BASE's compiler output; repeatable\n"
	"  -trim_path PREFIX     strip PREFIX (or one of PREFIX:PREFIX...) from file\n"
	"                        paths, so that profiles built elsewhere meet\n"
	"  -source_path DIR      where the sources are (for causes read from the source);\n"
	"                        paths under DIR print relative to it (DIR:DIR...)\n"
	"  --format FMT          text (default), json or csv: one row per change, exact\n"
	"                        integers, percent to 2 decimals, null when BASE had none\n"
	"With --db, the files given are loaded and analysed into that store and kept;\n"
	"without it, into a temporary one.\n"
	"\n"
	CLI_GLOBAL_HELP
	"\n"
	"examples:\n"
	"  # what changed between two runs, by cause, with the compiler's output\n"
	"  escprof diff --by cause \\\n"
	"      --build sample-profiles/diffpair/out/go1.19/diffpair.mm.txt \\\n"
	"      sample-profiles/diffpair/out/go1.19/base.pb.gz \\\n"
	"      sample-profiles/diffpair/out/go1.19/new.pb.gz\n"
	"  # pprof's spelling; objects instead of bytes, as JSON\n"
	"  escprof diff -diff_base sample-profiles/diffpair/out/go1.19/base.pb.gz \\\n"
	"      -sample_index alloc_objects --format json \\\n"
	"      sample-profiles/diffpair/out/go1.19/new.pb.gz\n"
	"  # two builds: the escapes added and removed\n"
	"  escprof diff sample-profiles/budget/out/go1.26/before.mm.txt \\\n"
	"      sample-profiles/budget/out/go1.26/after.mm.txt\n";

enum { OPT_BUILD = 0x300, OPT_BASE_BUILD, OPT_DIFF_BASE };

struct side {
	int is_profile;
	int64_t id, analysis;
	const char *label;
};

/* A file becomes a stored profile or build; a name or id is looked up. A profile comes
 * with a new analysis against builds when there are some, else its newest one, else
 * one with the store's newest build. */
static enum esc_status resolve_side(struct cli *c, struct store *s, const char *arg, const int64_t *builds,
				    size_t nbuilds, const struct classify_opts *co, struct side *x,
				    struct err *e)
{
	const struct classify_baseline_opts o = {.builds = builds, .nbuilds = nbuilds, .builds_too = 1,
						 .join = co};
	struct classify_baseline bl;
	enum esc_status st;

	x->label = arg;
	if ((st = classify_baseline(cli_notes(c), s, arg, &o, &bl, e)))
		return st;
	x->is_profile = bl.is_profile;
	x->id = bl.is_profile ? bl.profile_id : bl.build_id;
	x->analysis = bl.analysis_id;
	return ESC_OK;
}

static int diff(struct cli *c, struct store *s, const struct side *b, const struct side *n,
		const char *by, const char *want, const char *trim, size_t limit, struct err *e)
{
	enum store_site_group group = !strcmp(by, "function") ? STORE_GROUP_FUNCTION :
				      !strcmp(by, "cause") ? STORE_GROUP_CAUSE : STORE_GROUP_SITE;
	struct classify_diff_side bs = {b->id, b->analysis, trim}, ns = {n->id, n->analysis, trim};
	struct classify_profile_diff pd = {0};
	struct classify_build_diff bd = {0};
	struct out_diff_opts o = {c->format, b->label, n->label, NULL, by, 0};
	int ix, ret = EXIT_OK;

	if (b->is_profile) {
		if (classify_sample_type(s, n->id, want, &ix, e) ||
		    classify_diff_profiles(s, &bs, &ns, ix, group, &pd, e)) {
			ret = cli_fail(c, e);
		} else {
			o.column = store_heap_types[ix];
			o.bytes = store_heap_is_bytes(ix);
			if (out_diff_profiles(stdout, &o, &pd, limit))
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
		{"trim_path", required_argument, NULL, 't'},
		{"source_path", required_argument, NULL, 's'},
		{"build", required_argument, NULL, OPT_BUILD},
		{"base-build", required_argument, NULL, OPT_BASE_BUILD},
		{"diff_base", required_argument, NULL, OPT_DIFF_BASE},
		{NULL, 0, NULL, 0},
	};
	const char *by = "site", *want = NULL, *base_arg = NULL, *trim_opt = NULL, *names[2];
	const char **brefs = NULL, **bbrefs = NULL, **dirs = NULL;
	size_t nbrefs = 0, nbbrefs = 0, ndirs = 0, capdirs = 0, i;
	int64_t *nb = NULL, *bb = NULL;
	size_t nnb = 0, capnb = 0, nbb = 0, capbb = 0;
	struct classify_opts co = {0};
	struct side b = {0}, n = {0};
	struct store *s = NULL;
	struct buf trim;
	struct err e = {0};
	int opt, rc, ret, limit = 30, nargs;

	c->usage = usage;
	buf_init(&trim);
	brefs = calloc((size_t)argc + 1, sizeof(*brefs));
	bbrefs = calloc((size_t)argc + 1, sizeof(*bbrefs));
	if (!brefs || !bbrefs) {
		ret = EXIT_FAIL;
		goto out;
	}
	while ((opt = getopt_long(argc, argv, "qhn:", opts, NULL)) != -1) {
		if ((rc = cli_common(c, opt, optarg)) >= 100) {
			ret = rc - 100;
			goto out;
		}
		if (rc)
			continue;
		switch (opt) {
		case 'B': by = optarg; break;
		case 'i': want = optarg; break;
		case 't': trim_opt = optarg; break;
		case OPT_BUILD: brefs[nbrefs++] = optarg; break;
		case OPT_BASE_BUILD: bbrefs[nbbrefs++] = optarg; break;
		case OPT_DIFF_BASE: base_arg = optarg; break;
		case 's':
			if (cli_add_dirs(&dirs, &ndirs, &capdirs, optarg)) {
				ret = EXIT_FAIL;
				goto out;
			}
			break;
		case 'n':
			if (num_parse_int(optarg, 0, INT_MAX, &limit)) {
				ret = cli_usage_error(c, "-n wants a number of rows (0 for all)");
				goto out;
			}
			break;
		default:
			break;
		}
	}
	nargs = argc - optind;
	if (base_arg ? nargs != 1 : nargs != 2) {
		ret = cli_usage_error(c, base_arg ? "-diff_base BASE takes one more argument, NEW" :
					 "need BASE and NEW");
		goto out;
	}
	names[0] = base_arg ? base_arg : argv[optind];
	names[1] = argv[argc - 1];
	if (strcmp(by, "site") && strcmp(by, "function") && strcmp(by, "cause")) {
		ret = cli_usage_error(c, "--by takes site, function or cause");
		goto out;
	}
	if (c->format == OUT_TSV) {
		ret = cli_usage_error(c, "diff writes text, json or csv");
		goto out;
	}
	/* what the sides' file paths lose: -trim_path's prefixes, then the source directories */
	if (trim_opt && buf_adds(&trim, trim_opt))
		goto oom;
	for (i = 0; i < ndirs; i++)
		if ((trim.len && buf_adds(&trim, ":")) || buf_adds(&trim, dirs[i]))
			goto oom;
	co.trim_path = trim_opt;
	co.source_path = dirs;
	co.nsource = ndirs;
	if (store_open(&s, c->db, c->db_set ? STORE_READ_WRITE : STORE_TEMPORARY, &e)) {
		ret = cli_fail(c, &e);
		goto out;
	}
	/* the builds, both sides and their analyses are kept together, and only when the diff
	 * is made */
	store_batch_begin(s);
	for (i = 0; i < nbrefs; i++)
		if (classify_build_ref(s, brefs[i], 0, &nb, &nnb, &capnb, &e))
			goto fail;
	for (i = 0; i < nbbrefs; i++)
		if (classify_build_ref(s, bbrefs[i], 0, &bb, &nbb, &capbb, &e))
			goto fail;
	if (resolve_side(c, s, names[0], nbbrefs ? bb : nb, nbbrefs ? nbb : nnb, &co, &b, &e) ||
	    resolve_side(c, s, names[1], nb, nnb, &co, &n, &e))
		goto fail;
	if (b.is_profile != n.is_profile) {
		ret = cli_usage_error(c, "'%s' and '%s' are not both profiles or both builds", b.label, n.label);
		goto out;
	}
	if (!b.is_profile && (nbrefs || nbbrefs)) {
		ret = cli_usage_error(c, "--build and --base-build explain profiles; '%s' and '%s' are builds",
				      b.label, n.label);
		goto out;
	}
	ret = diff(c, s, &b, &n, by, want, trim.len ? trim.data : NULL, limit ? (size_t)limit : SIZE_MAX, &e);
	ret = cli_store_done(c, s, ret, &e);
	goto out;
oom:
	err_set(&e, ESC_ENOMEM, "out of memory");
fail:
	ret = cli_fail(c, &e);
out:
	store_close(s);
	buf_release(&trim);
	free(brefs);
	free(bbrefs);
	free(dirs);
	free(nb);
	free(bb);
	return ret;
}
