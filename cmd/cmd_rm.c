/* cmd_rm.c — `escprof rm REF...` and `escprof prune`: removing profiles and builds from
 * a store, with everything that hangs from them, in one transaction. Every reference is
 * resolved before anything is removed, so a bad one leaves the store as it was; both list
 * what they removed (or, with --dry-run, what they would remove). */
#include <ctype.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "common/num.h"
#include "common/paths.h"

static const char rm_usage[] =
	"usage: escprof rm [--profile | --build] [--force] [--dry-run] [--db FILE] REF...\n"
	"\n"
	"Removes profiles and builds from the store, each with everything that hangs from\n"
	"it (samples, labels, names, analyses and their sites; a build's diagnostics, flow\n"
	"steps and the analyses made with it) and the stacks, locations, functions and\n"
	"strings no remaining profile uses, all in one transaction. REF is an id or a name\n"
	"(any name the profile or build carries). A REF that matches nothing, a name that\n"
	"matches several, or an id that is both a profile and a build is an error (exit 3)\n"
	"and nothing is removed.\n"
	"\n"
	"options:\n"
	"  -p, --profile        the REFs are profiles\n"
	"  -b, --build          the REFs are builds\n"
	"  -f, --force          remove every profile or build a name matches; skip a REF\n"
	"                       that matches nothing\n"
	"  -n, --dry-run        list what would be removed and remove nothing\n"
	"  --format F           text, json, csv or tsv list of what was removed\n"
	"\n"
	CLI_GLOBAL_HELP
	"\n"
	"examples:\n"
	"  # what removing the profile named iface_fmt would take, removing nothing\n"
	"  escprof rm --profile --dry-run iface_fmt\n"
	"  # a build, by name, and a name no longer there, skipped\n"
	"  escprof rm --force --build iface_fmt nightly-heap\n"
	"  escprof rm --format json 1\n";

static const char prune_usage[] =
	"usage: escprof prune [--db FILE] [--older-than DATE|AGE] [--keep-last N] [--builds]\n"
	"                     [--dry-run]\n"
	"\n"
	"Removes the profiles (with --builds: the builds) loaded before a time, except the\n"
	"newest N, as `escprof rm` removes them, in one transaction. At least one of\n"
	"--older-than and --keep-last is needed.\n"
	"\n"
	"options:\n"
	"  --older-than WHEN    loaded before WHEN: a UTC date or time (2026-11-01,\n"
	"                       2026-11-01T12:00:00Z) or an age (90s, 45m, 12h, 30d, 2w)\n"
	"  --keep-last N        never remove the N most recently loaded\n"
	"  --builds             prune builds instead of profiles\n"
	"  -n, --dry-run        list what would be removed and remove nothing\n"
	"  --format F           text, json, csv or tsv list of what was removed\n"
	"\n"
	CLI_GLOBAL_HELP
	"\n"
	"examples:\n"
	"  # a month of profiles, but always the last ten\n"
	"  escprof prune --older-than 30d --keep-last 10\n"
	"  escprof prune --keep-last 0 --dry-run\n"
	"  escprof prune --builds --older-than 2026-06-01\n";

static const char *const kind_name[] = {"profile", "build"};

/* A usage error on one line, pointing at --help. */
static int bad_usage(const struct cli *c, const char *what, const char *arg)
{
	out_textf(stderr, "escprof %s: %s '%s' (see 'escprof %s --help')\n", c->cmd, what, arg, c->cmd);
	return EXIT_USAGE;
}

/* Writes the items (kind, id, name, loaded_at) unless -q; 0 or -1 when a write failed. */
static int write_items(const struct cli *c, const struct store_item *v, size_t n)
{
	static const char *const cols[] = {"kind", "id", "name", "loaded_at"};
	struct out_table *t;
	size_t i;
	int bad = 0;

	/* a text table of nothing would be a header alone: the note says it */
	if (c->quiet || (!n && c->format == OUT_TEXT))
		return 0;
	if (!(t = out_table_new(stdout, c->format, 4, cols)))
		return -1;
	for (i = 0; i < n && !bad; i++) {
		const struct out_cell row[4] = {
			{.type = OUT_STR, .s = kind_name[v[i].kind], .len = strlen(kind_name[v[i].kind])},
			{.type = OUT_INT, .i = v[i].id},
			{.type = OUT_STR, .s = v[i].name, .len = strlen(v[i].name)},
			{.type = OUT_STR, .s = v[i].loaded_at, .len = strlen(v[i].loaded_at)},
		};

		bad = out_table_row(t, row);
	}
	return out_table_end(t) || bad ? -1 : 0;
}

/* "removed 2 profiles and 1 build" (or "would remove ...") for stderr. */
static void say_counts(struct cli *c, const struct store_item *v, size_t n, int dry)
{
	size_t k[2] = {0, 0}, i;

	for (i = 0; i < n; i++)
		k[v[i].kind]++;
	if (c->quiet)
		return;
	if (!n) {
		cli_note(c, "nothing to remove\n");
		return;
	}
	cli_note(c, "%s %zu profile%s and %zu build%s\n",
		 dry ? "would remove" : "removed", k[0], k[0] == 1 ? "" : "s", k[1], k[1] == 1 ? "" : "s");
}

/* Removes (or lists) the items and ends the command. */
static int finish_remove(struct cli *c, struct store *s, const struct store_item *v, size_t n,
			 int dry)
{
	struct err e = {0};

	if (!dry && n && store_remove(s, v, n, &e))
		return cli_fail(c, &e);
	if (write_items(c, v, n))
		return cli_write_failed(c);
	say_counts(c, v, n, dry);
	return EXIT_OK;
}

static int has_item(const struct store_item *v, size_t n, const struct store_item *x)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].kind == x->kind && v[i].id == x->id)
			return 1;
	return 0;
}

/* Adds what ref matches to *all (taking the rows it keeps); EXIT_OK or the exit code. */
static int resolve_ref(struct cli *c, struct store *s, unsigned kinds, int force, const char *ref,
		       struct store_item **all, size_t *n, size_t *cap)
{
	struct store_item *m = NULL;
	size_t nm = 0, i;
	struct err e = {0};
	char *end;
	int ret = EXIT_OK, numeric;

	(void)strtoll(ref, &end, 10);
	numeric = *ref && !*end;
	if (store_match(s, kinds, ref, &m, &nm, &e))
		return cli_fail(c, &e);
	if (!nm && !force) {
		err_set(&e, ESC_ENOTFOUND, "no %s '%s' in '%s'",
			kinds == STORE_KIND_BIT(STORE_PROFILE) ? "profile" :
			kinds == STORE_KIND_BIT(STORE_BUILD) ? "build" : "profile or build", ref, store_path(s));
		ret = cli_fail(c, &e);
	} else if (nm > 1 && numeric) {
		err_set(&e, ESC_EINPUT, "'%s' is profile %s and build %s: say --profile or --build",
			ref, ref, ref);
		ret = cli_fail(c, &e);
	} else if (nm > 1 && !force) {
		struct buf ids;

		buf_init(&ids);
		for (i = 0; i < nm && i < 5; i++)
			buf_printf(&ids, "%s%s %" PRId64, i ? ", " : "", kind_name[m[i].kind], m[i].id);
		err_set(&e, ESC_EINPUT, "'%s' names %zu profiles and builds (%s%s): give an id, or"
			" --force to remove them all", ref, nm, ids.data ? ids.data : "",
			nm > 5 ? ", ..." : "");
		buf_release(&ids);
		ret = cli_fail(c, &e);
	}
	for (i = 0; !ret && i < nm; i++) {
		if (has_item(*all, *n, &m[i]))
			continue;
		if (*n == *cap) {
			size_t nc = *cap ? *cap * 2 : 8;
			struct store_item *g = realloc(*all, nc * sizeof(*g));

			if (!g) {
				err_set(&e, ESC_ENOMEM, "out of memory");
				ret = cli_fail(c, &e);
				break;
			}
			*all = g;
			*cap = nc;
		}
		(*all)[(*n)++] = m[i];
		m[i].name = m[i].loaded_at = NULL;
	}
	store_items_free(m, nm);
	return ret;
}

/* Opens the store named by --db: read-only for a dry run; never creates one. */
static int open_store(struct cli *c, struct store **s, int dry)
{
	struct err e = {0};

	if (!cli_store_exists(c, &e))
		return cli_fail(c, &e);
	if (store_open(s, c->db, dry ? STORE_READ_ONLY : STORE_READ_WRITE, &e))
		return cli_fail(c, &e);
	return EXIT_OK;
}

int cmd_rm(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{"profile", no_argument, NULL, 'p'},
		{"build", no_argument, NULL, 'b'},
		{"force", no_argument, NULL, 'f'},
		{"dry-run", no_argument, NULL, 'n'},
		{NULL, 0, NULL, 0},
	};
	struct store *s = NULL;
	struct store_item *all = NULL;
	size_t n = 0, cap = 0, i;
	unsigned kinds = 0;
	int opt, r, force = 0, dry = 0, ret;

	c->usage = rm_usage;
	while ((opt = getopt_long(argc, argv, "qhpbfn", opts, NULL)) != -1) {
		if ((r = cli_common(c, opt, optarg)) >= 100)
			return r - 100;
		if (r)
			continue;
		if (opt == 'p')
			kinds |= STORE_KIND_BIT(STORE_PROFILE);
		else if (opt == 'b')
			kinds |= STORE_KIND_BIT(STORE_BUILD);
		else if (opt == 'f')
			force = 1;
		else if (opt == 'n')
			dry = 1;
	}
	if (optind >= argc)
		return bad_usage(c, "need a profile or build to remove: an id or a name, e.g.", "12");
	if (!kinds)
		kinds = STORE_KIND_BIT(STORE_PROFILE) | STORE_KIND_BIT(STORE_BUILD);
	for (i = (size_t)optind; i < (size_t)argc; i++)
		if (!*argv[i])
			return bad_usage(c, "an empty reference", argv[i]);
	if ((ret = open_store(c, &s, dry)))
		return ret;
	for (i = (size_t)optind; i < (size_t)argc && !ret; i++)
		ret = resolve_ref(c, s, kinds, force, argv[i], &all, &n, &cap);
	if (!ret)
		ret = finish_remove(c, s, all, n, dry);
	store_items_free(all, n);
	store_close(s);
	return ret;
}

int cmd_prune(struct cli *c, int argc, char **argv)
{
	enum { OPT_OLDER = 256, OPT_KEEP, OPT_BUILDS };
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{"older-than", required_argument, NULL, OPT_OLDER},
		{"keep-last", required_argument, NULL, OPT_KEEP},
		{"builds", no_argument, NULL, OPT_BUILDS},
		{"dry-run", no_argument, NULL, 'n'},
		{NULL, 0, NULL, 0},
	};
	struct store *s = NULL;
	struct store_item *v = NULL;
	struct err e = {0};
	size_t n = 0;
	char before[32];
	const char *when = NULL;
	int64_t keep = -1;
	enum store_kind kind = STORE_PROFILE;
	int opt, r, dry = 0, ret;

	c->usage = prune_usage;
	while ((opt = getopt_long(argc, argv, "qhn", opts, NULL)) != -1) {
		if ((r = cli_common(c, opt, optarg)) >= 100)
			return r - 100;
		if (r)
			continue;
		if (opt == OPT_OLDER) {
			if (cli_parse_when(optarg, before))
				return bad_usage(c, "--older-than takes a date (2026-11-01), a time"
						 " (2026-11-01T12:00:00Z) or an age (30d, 12h), not", optarg);
			when = before;
		} else if (opt == OPT_KEEP) {
			if (num_parse_i64(optarg, 0, INT64_MAX, &keep))
				return bad_usage(c, "--keep-last takes a count, not", optarg);
		} else if (opt == OPT_BUILDS) {
			kind = STORE_BUILD;
		} else if (opt == 'n') {
			dry = 1;
		}
	}
	if (optind < argc)
		return bad_usage(c, "prune takes no arguments, only options; got", argv[optind]);
	if (!when && keep < 0) {
		out_textf(stderr, "escprof prune: say what to remove: --older-than WHEN, --keep-last N"
			  " or both (see 'escprof prune --help')\n");
		return EXIT_USAGE;
	}
	if ((ret = open_store(c, &s, dry)))
		return ret;
	if (store_prune_list(s, kind, when, keep < 0 ? 0 : keep, &v, &n, &e))
		ret = cli_fail(c, &e);
	else
		ret = finish_remove(c, s, v, n, dry);
	store_items_free(v, n);
	store_close(s);
	return ret;
}
