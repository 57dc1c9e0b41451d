/* cmd_check.c — `escprof check --budget FILE`: the CI gate. Reads the options and the
 * budget, chooses the profile and the baselines its rules need, hands them to the
 * evaluator (classify_check_eval) and its results to a writer (output/output.h). Exit 1 on
 * any breach, 3 on a bad budget file or on anything that could not be computed: a rule
 * is never passed on a value that was not read. Paths in the reports are relative to the
 * source root (--srcroot, the first -source_path, else the current directory). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"
#include "common/buf.h"
#include "common/paths.h"
#include "output/output.h"

static const char usage[] =
	"usage: escprof check --budget FILE [--db FILE] [--profile REF] [--build REF]...\n"
	"                     [--baseline REF] [--baseline-build REF]\n"
	"                     [--format text|json|junit|github|sarif]\n"
	"                     [--srcroot DIR] [-source_path DIR]... [-trim_path PREFIX]\n"
	"                     [--label KEY=VALUE]... [--since WHEN] [--until WHEN]\n"
	"\n"
	"Checks a profile (the newest, or --profile) against a budget file and exits 1 when\n"
	"any rule is breached or matches nothing, 3 when the budget file is wrong (every\n"
	"format but text still writes a document saying why). Rules, one a line:\n"
	"  total TYPE <= LIMIT\n"
	"  package|function|site|cause PATTERN TYPE <= LIMIT\n"
	"  grown total|package|function|site|cause [PATTERN] TYPE <= +N%   (vs --baseline)\n"
	"  new-escapes [FILE-PATTERN] <= N                                 (vs the baseline build)\n"
	"TYPE is alloc_space, alloc_objects, inuse_space or inuse_objects; LIMIT a number\n"
	"with B KiB MiB GiB (bytes) or k M G, or a share of the profile's total (5%).\n"
	"PATTERN is a glob; a site is FILE:LINE (trailing path components); a cause is one\n"
	"of the causes table. package?, function? and site? make a rule optional: matching\n"
	"nothing skips it instead of failing.\n"
	"\n"
	"options:\n"
	"  --budget FILE          the budget to check (required)\n"
	"  --profile REF          the profile checked (id or name; default: the newest heap\n"
	"                         profile)\n"
	"  --build REF            the build whose diagnostics explain it (repeatable; the\n"
	"                         last one is the build new-escapes checks)\n"
	"  --baseline REF         the profile grown rules compare with, and the build\n"
	"                         new-escapes compares with\n"
	"  --baseline-build REF   the baseline build when it has another name\n"
	"  --label, --since, --until  which stored profiles the newest is chosen among:\n"
	"                         loaded with the label KEY=VALUE (repeatable), at or after\n"
	"                         WHEN, before WHEN (a UTC date or time, or an age: 30d)\n"
	"  --format FMT           text (default), json, junit (one testcase per rule, with\n"
	"                         times), github (workflow annotations) or sarif (2.1.0, for\n"
	"                         code scanning)\n"
	"  --srcroot DIR          the repository's root: github and sarif name files relative\n"
	"                         to it, and SARIF's %SRCROOT% is it (default: the first\n"
	"                         -source_path, else the current directory)\n"
	"  -source_path DIR       where the profile's files are found, as for list (DIR:DIR...\n"
	"                         or repeated)\n"
	"  -trim_path PREFIX      strip PREFIX (or one of PREFIX:PREFIX...) from the\n"
	"                         profile's paths: what is left is relative to the root\n"
	"A file that cannot be made relative to the root (a build path no -trim_path names)\n"
	"is never written as an absolute path: SARIF names the function instead, an\n"
	"annotation points at the budget's line.\n"
	"\n"
	CLI_GLOBAL_HELP
	"\n"
	"examples:\n"
	"  # the newest profile in escprof.db against a budget\n"
	"  escprof check --budget sample-profiles/iface_fmt.budget\n"
	"  # one testcase per rule for a CI test report\n"
	"  escprof check --budget sample-profiles/iface_fmt.budget --format junit\n"
	"  # for GitHub code scanning: files relative to the repository\n"
	"  escprof check --budget sample-profiles/iface_fmt.budget --format sarif \\\n"
	"      -trim_path /src/samples -source_path sample-profiles > escprof.sarif\n";

struct opts {
	const char *budget, *profile, *baseline, *baseline_build;
	const char **builds;		/* --build refs */
	size_t nbuilds;
	enum out_check_format format;
	const char *srcroot, *trim;
	const char **dirs;		/* -source_path */
	size_t ndirs, capdirs;
	struct cli_filter flt;		/* --label, --since, --until */
};

/* The builds a new-escapes rule compares: the one checked (the last --build, else the
 * newest) and the baseline's. */
struct builds {
	struct classify_escset set[2];
	struct classify_check_escapes esc[2];
};

static enum esc_status load_builds(struct store *s, const struct opts *o, struct builds *bs,
				   struct classify_check_input *in, struct err *e)
{
	int64_t id[2] = {0, 0};
	enum esc_status st;
	int i;

	if ((st = store_resolve_build(s, o->baseline_build ? o->baseline_build : o->baseline, &id[1], e)))
		return st;
	st = o->nbuilds ? store_resolve_build(s, o->builds[o->nbuilds - 1], &id[0], e) :
	     store_latest_build(s, &id[0], e);
	for (i = 0; i < 2 && !st; i++) {
		if ((st = classify_escset_load(s, id[i], &bs->set[i], e)))
			break;
		bs->esc[i] = (struct classify_check_escapes){bs->set[i].v, bs->set[i].file, bs->set[i].msg,
							     bs->set[i].n};
	}
	in->escapes = st ? NULL : &bs->esc[0];
	in->base_escapes = st ? NULL : &bs->esc[1];
	return st;
}

/* The baselines the rules need, in the budget's order; a rule whose baseline was not
 * named is a usage error at its line. */
static enum esc_status baselines(struct cli *c, struct store *s, const struct opts *o,
				 const struct budget *b, struct builds *bs,
				 struct classify_check_input *in, struct err *e)
{
	enum esc_status st;
	size_t i;

	for (i = 0; i < b->n; i++) {
		const struct budget_rule *r = &b->rules[i];

		if (r->growth && !in->base_analysis_id) {
			if (!o->baseline)
				return err_set(e, ESC_EUSAGE, "%s:%zu: a grown rule needs --baseline PROFILE",
					       o->budget, r->line);
			struct classify_baseline bl;

			if ((st = classify_baseline(cli_notes(c), s, o->baseline, NULL, &bl, e)))
				return st;
			in->base_profile_id = bl.profile_id;
			in->base_analysis_id = bl.analysis_id;
		}
		if (r->scope == BUDGET_NEW_ESCAPES && !in->escapes) {
			if (!o->baseline_build && !o->baseline)
				return err_set(e, ESC_EUSAGE, "%s:%zu: new-escapes needs --baseline (or"
					       " --baseline-build) BUILD", o->budget, r->line);
			if ((st = load_builds(s, o, bs, in, e)))
				return st;
		}
	}
	return ESC_OK;
}

/* Parses the options into o; returns -1 to go on, else the exit code. */
static int parse(struct cli *c, int argc, char **argv, struct opts *o)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{"budget", required_argument, NULL, 'B'},
		{"profile", required_argument, NULL, 'p'},
		{"build", required_argument, NULL, 'b'},
		{"baseline", required_argument, NULL, 'L'},
		{"baseline-build", required_argument, NULL, 'l'},
		{"srcroot", required_argument, NULL, 'R'},
		{"source_path", required_argument, NULL, 's'},
		{"trim_path", required_argument, NULL, 't'},
		CLI_FILTER_OPTIONS,
		{NULL, 0, NULL, 0},
	};
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		if ((rc = cli_filter_option(c, opt, optarg, &o->flt)) < 0)
			return EXIT_USAGE;
		if (rc)
			continue;
		switch (opt) {
		case 'F':	/* check's own formats, before cli_common sees the table ones */
			if (out_check_parse_format(optarg, &o->format))
				return cli_usage_error(c, "unknown format '%s' (text, json, junit, github, sarif)",
						       optarg);
			break;
		case 'B': o->budget = optarg; break;
		case 'p': o->profile = optarg; break;
		case 'b': o->builds[o->nbuilds++] = optarg; break;
		case 'L': o->baseline = optarg; break;
		case 'l': o->baseline_build = optarg; break;
		case 'R': o->srcroot = optarg; break;
		case 't': o->trim = optarg; break;
		case 's':
			if (cli_add_dirs(&o->dirs, &o->ndirs, &o->capdirs, optarg))
				return EXIT_FAIL;
			break;
		default:
			if ((rc = cli_common(c, opt, optarg)) >= 100)
				return rc - 100;
		}
	}
	if (!o->budget)
		return cli_usage_error(c, "need --budget FILE");
	if (optind != argc)
		return cli_usage_error(c, "unexpected argument '%s'", argv[optind]);
	return -1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int cmd_check(struct cli *c, int argc, char **argv)
{
	struct opts o = {.format = OUT_CHECK_TEXT};
	struct classify_check_input in = {0};
	struct classify_check_result *res = NULL;
	struct out_check_run run = {.version = ESCPROF_VERSION, .home = ESCPROF_HOME};
	struct builds bs = {0};
	struct budget b = {0};
	struct store *s = NULL;
	struct err e = {0};
	struct buf text;
	char root[PATH_MAX], budget_rel[PATH_MAX];
	double t0 = now();
	size_t n = 0;
	int ret;

	c->usage = usage;
	buf_init(&text);
	if (!(o.builds = calloc((size_t)argc + 1, sizeof(*o.builds))))
		return EXIT_FAIL;
	if ((ret = parse(c, argc, argv, &o)) >= 0)
		goto out;
	run.budget = o.budget;
	/* where every reported path is relative to: asked, else where sources are, else here */
	{
		const char *want = o.srcroot ? o.srcroot : o.ndirs ? o.dirs[0] : ".";
		struct stat sb;

		if (!realpath(want, root) || stat(root, &sb) || !S_ISDIR(sb.st_mode)) {
			err_set(&e, ESC_EINPUT, "cannot use '%s' as the source root: not a directory", want);
			goto fail;
		}
		run.srcroot = root;
		if (!classify_local_relative(root, o.budget, budget_rel, sizeof(budget_rel)))
			run.budget_rel = budget_rel;
	}
	/* the budget first: a wrong file is exit 3 whatever the store holds */
	if (buf_read_file(&text, o.budget, 1 << 20)) {
		err_set(&e, ESC_EIO, "cannot read budget '%s'", o.budget);
		goto fail;
	}
	if (budget_parse(o.budget, text.data, text.len, &b, &e) ||
	    store_open(&s, c->db, STORE_READ_WRITE, &e))
		goto fail;
	/* an analysis made on the way is kept only when the check comes to a verdict */
	store_batch_begin(s);
	if (classify_select(cli_notes(c), s, o.profile, &o.flt.f, o.builds, o.nbuilds, NULL, &in.profile_id,
			    &in.analysis_id, &e) ||
	    baselines(c, s, &o, &b, &bs, &in, &e) ||
	    classify_check_eval(s, &b, &in, &res, &n, &e) ||
	    classify_check_locate(&(struct classify_check_paths){root, o.dirs, o.ndirs, o.trim}, res, n, &e))
		goto fail;
	run.profile_id = in.profile_id;
	run.seconds = now() - t0;
	if (out_check_write(stdout, o.format, &run, res, n))
		ret = cli_write_failed(c);
	else
		ret = cli_store_done(c, s, classify_check_failures(res, n) ? EXIT_BREACH : EXIT_OK, &e);
	goto out;
fail:
	/* a CI publisher reads stdout: every format but text says what went wrong there */
	run.seconds = now() - t0;
	if (o.format != OUT_CHECK_TEXT &&
	    out_check_write_error(stdout, o.format, &run, e.msg, b.error_line))
		cli_write_failed(c);
	ret = cli_fail(c, &e);
out:
	classify_check_results_free(res, n);
	classify_escset_release(&bs.set[0]);
	classify_escset_release(&bs.set[1]);
	budget_release(&b);
	buf_release(&text);
	store_close(s);
	cli_filter_release(&o.flt);
	free(o.builds);
	free(o.dirs);
	return ret;
}
