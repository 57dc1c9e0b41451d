/* cli.c — what every subcommand shares (cli.h): the common options, error and usage
 * messages, held notes (the engine's too), pprof-style options, exit codes, byte sizes,
 * the decoder's limits and the end of a command that wrote to the store. The command
 * table, main and the check of standard output at exit are in escprof.c, so the commands
 * can also be linked without main (the fuzz targets). */
#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "common/paths.h"
#include "common/suggest.h"
#include "common/num.h"
#include "common/vec.h"
#include "profile/profile.h"
#include "store/store.h"

#undef getopt_long	/* cli_getopt calls the real one */

int cli_exit_code(enum esc_status st)
{
	switch (st) {
	case ESC_OK: return EXIT_OK;
	case ESC_EUSAGE: return EXIT_USAGE;
	default: return EXIT_FAIL;
	}
}

int cli_fail(const struct cli *c, const struct err *e)
{
	out_textf(stderr, "escprof %s: %s\n", c->cmd, e->msg[0] ? e->msg : err_status_name(e->status));
	return cli_exit_code(e->status);
}

int cli_store_exists(const struct cli *c, struct err *e)
{
	struct store *s;

	if (!store_is_pg(c->db)) {
		if (path_exists(c->db))
			return 1;
		err_set(e, ESC_EIO, "'%s': no such store", c->db);
		return 0;
	}
	if (store_open(&s, c->db, STORE_READ_ONLY, e))
		return 0;
	store_close(s);
	return 1;
}

int cli_usage_error(const struct cli *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "escprof %s: ", c->cmd);
	va_start(ap, fmt);
	out_vtextf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%s", c->usage);
	return EXIT_USAGE;
}

static void vnote(void *ctx, const char *fmt, va_list ap)
{
	struct cli *c = ctx;

	buf_printf(&c->notes, "escprof %s: ", c->cmd);
	out_text_vformat(&c->notes, fmt, ap);
	buf_addc(&c->notes, '\n');
}

void cli_note(struct cli *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vnote(c, fmt, ap);
	va_end(ap);
}

const struct classify_notes *cli_notes(struct cli *c)
{
	if (c->quiet)
		return NULL;
	c->to_notes = (struct classify_notes){vnote, c};
	return &c->to_notes;
}

/* The long options pprof spells with one dash (-sample_index): taken so wherever a
 * command has the long option. */
static const char *const pprof_spelled[] = {"sample_index", "source_path", "trim_path", "focus",
					    "nodecount", "seconds", "timeout", "diff_base"};
#define NSPELLED (sizeof(pprof_spelled) / sizeof(pprof_spelled[0]))

static const struct option *find_long(const struct option *lo, const char *name, size_t len,
				      int *nprefix);

/* "-name" and "-name=value" become "--name" and "--name=value" for the pprof spellings
 * that are long options of lo, up to "--". */
static void respell(int argc, char **argv, const struct option *lo)
{
	static char rewritten[NSPELLED][32];
	int i, n;
	size_t k;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++)
		for (k = 0; k < NSPELLED; k++) {
			size_t l = strlen(pprof_spelled[k]);
			const char *a = argv[i];

			if (a[0] != '-' || strncmp(a + 1, pprof_spelled[k], l) || (a[l + 1] && a[l + 1] != '='))
				continue;
			if (!find_long(lo, pprof_spelled[k], l, &n))
				continue;
			if (a[l + 1] == '=') {
				/* a copy that lives until exit */
				char *s = malloc(strlen(a) + 2);

				if (s) {
					s[0] = '-';
					strcpy(s + 1, a);
					argv[i] = s;
				}
			} else {
				snprintf(rewritten[k], sizeof(rewritten[k]), "--%s", pprof_spelled[k]);
				argv[i] = rewritten[k];
			}
			break;
		}
}

int cli_add_dirs(const char ***dirs, size_t *n, size_t *cap, char *arg)
{
	char *save = NULL, *tok;

	for (tok = strtok_r(arg, ":", &save); tok; tok = strtok_r(NULL, ":", &save)) {
		if (vec_reserve(dirs, cap, *n + 1, sizeof(**dirs), 4))
			return -1;
		(*dirs)[(*n)++] = tok;
	}
	return 0;
}

int cli_write_failed(const struct cli *c)
{
	if (!ferror(stdout))
		fprintf(stderr, "escprof %s: out of memory while writing the output\n", c->cmd);
	return EXIT_FAIL;
}

/* pprof's own flags (`go tool pprof -h`): a pprof user types them out of habit; the
 * ones escprof takes are respelled, the others refused by name. */
static const char *const pprof_flags[] = {
	"add_comment", "addresses", "alloc_objects", "alloc_space", "base", "buildid", "call_tree",
	"callgrind", "comments", "compact_labels", "contentions", "cum", "diff_base", "disasm",
	"divide_by", "dot", "drop_negative", "edgefraction", "eog", "evince", "filefunctions",
	"files", "flat", "focus", "functions", "gif", "gv", "hide", "http", "ignore", "intel_syntax",
	"inuse_objects", "inuse_space", "kcachegrind", "lines", "list", "mean", "mean_delay",
	"no_browser", "nodecount", "nodefraction", "noinlines", "normalize", "output", "pdf", "peek",
	"png", "proto", "prune_from", "ps", "raw", "relative_percentages", "sample_index", "seconds",
	"show", "show_from", "source_path", "svg", "symbolize", "tagfocus", "taghide", "tagignore",
	"tagleaf", "tagroot", "tags", "tagshow", "text", "timeout", "tls_ca", "tls_cert", "tls_key",
	"tools", "top", "topproto", "traces", "tree", "trim", "trim_path", "unit", "web", "weblist",
};

/* The mistake cli_getopt found, said by cli_common: one run is one command. */
static struct {
	enum { MISTAKE_NONE, MISTAKE_UNKNOWN, MISTAKE_AMBIGUOUS, MISTAKE_NEEDS_VALUE, MISTAKE_NO_VALUE,
	       MISTAKE_PPROF } kind;
	char word[128];			/* the option as typed, without a value */
	char meant[128];		/* what was probably meant, or "" */
} mistake;
static int listing;		/* cli_list_options was called */

void cli_list_options(void)
{
	listing = 1;
}

static int in_list(const char *name, size_t len, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strlen(list[i]) == len && !strncmp(list[i], name, len))
			return 1;
	return 0;
}

static void set_word(char *dst, size_t cap, const char *word, size_t len)
{
	snprintf(dst, cap, "%.*s", (int)len, word);
}

/* The long option named name[0..len) exactly, or the one it abbreviates uniquely; NULL
 * when none, *nprefix how many it abbreviates. */
static const struct option *find_long(const struct option *lo, const char *name, size_t len,
				      int *nprefix)
{
	const struct option *hit = NULL;

	*nprefix = 0;
	for (; lo && lo->name; lo++) {
		if (strncmp(lo->name, name, len))
			continue;
		if (strlen(lo->name) == len) {
			*nprefix = 1;
			return lo;
		}
		if (!(*nprefix)++)
			hit = lo;
	}
	return *nprefix == 1 ? hit : NULL;
}

/* "did you mean": the long option closest to name[0..len), spelt as the user would type
 * it (single dash for pprof's spellings when the user typed one dash). */
static void suggest_long(const struct option *lo, const char *name, size_t len, int one_dash)
{
	const char *cands[64], *s;
	char word[128];
	size_t n = 0;

	for (; lo && lo->name && n < sizeof(cands) / sizeof(cands[0]); lo++)
		cands[n++] = lo->name;
	set_word(word, sizeof(word), name, len);
	mistake.meant[0] = '\0';
	if ((s = suggest(word, cands, n)))
		snprintf(mistake.meant, sizeof(mistake.meant), "%s%s",
			 one_dash && in_list(s, strlen(s), pprof_spelled, NSPELLED) ? "-" : "--", s);
}

/* Whether short option ch exists (1), takes a value (2), or not (0). */
static int short_kind(const char *so, int ch)
{
	const char *p = ch && ch != ':' ? strchr(so, ch) : NULL;

	return !p ? 0 : p[1] == ':' ? 2 : 1;
}

/* Before getopt reads argv (pprof's spellings of the command's options already
 * respelled): a single-dash word that names a pprof flag, or is no bundle of this
 * command's short options, is a long option typed with one dash (pprof's habit), never a
 * bundle. Values of options are skipped; "--" ends the options. Returns 0, or -1 with
 * the mistake set. */
static int scan_single_dash(int argc, char *const *argv, const char *so, const struct option *lo)
{
	int i, n;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *p;
		size_t len;

		if (!strcmp(a, "--"))
			break;
		if (a[0] != '-' || !a[1])
			continue;
		if (a[1] == '-') {
			const struct option *o;

			len = strcspn(a + 2, "=");
			o = find_long(lo, a + 2, len, &n);
			if (o && o->has_arg == required_argument && !a[2 + len])
				i++;
			continue;
		}
		len = strcspn(a + 1, "=");
		/* pprof's name first: -nodecount is no -n with the value "odecount" */
		if (a[2] && in_list(a + 1, len, pprof_flags, sizeof(pprof_flags) / sizeof(pprof_flags[0]))) {
			set_word(mistake.word, sizeof(mistake.word), a, len + 1);
			mistake.kind = MISTAKE_PPROF;
			return -1;
		}
		for (p = a + 1; *p; p++) {
			int k = short_kind(so, *p);

			if (!k)
				break;
			if (k == 2) {
				if (!p[1])
					i++;
				p = "";
				break;
			}
		}
		if (!*p || !a[2])
			continue;	/* a bundle, or one unknown letter: getopt's to say */
		set_word(mistake.word, sizeof(mistake.word), a, len + 1);
		mistake.meant[0] = '\0';
		mistake.kind = MISTAKE_UNKNOWN;
		if (find_long(lo, a + 1, len, &n))	/* -format: --format, or its abbreviation */
			snprintf(mistake.meant, sizeof(mistake.meant), "-%.*s", (int)len + 1, a);
		else
			suggest_long(lo, a + 1, len, 1);
		return -1;
	}
	return 0;
}

/* getopt said '?': what was wrong, from where it stopped. */
static void read_mistake(char *const *argv, const char *so, const struct option *lo)
{
	const char *a = optind > 0 ? argv[optind - 1] : "";
	size_t len;
	int n;

	mistake.meant[0] = '\0';
	if (a && a[0] == '-' && a[1] == '-') {
		const struct option *o;

		len = strcspn(a + 2, "=");
		set_word(mistake.word, sizeof(mistake.word), a, len + 2);
		o = find_long(lo, a + 2, len, &n);
		if (optopt && o) {
			mistake.kind = a[2 + len] ? MISTAKE_NO_VALUE : MISTAKE_NEEDS_VALUE;
			return;
		}
		if (n > 1) {
			mistake.kind = MISTAKE_AMBIGUOUS;
			return;
		}
		mistake.kind = MISTAKE_UNKNOWN;
		suggest_long(lo, a + 2, len, 0);
		return;
	}
	snprintf(mistake.word, sizeof(mistake.word), "-%c", optopt ? optopt : '?');
	mistake.kind = short_kind(so, optopt) == 2 ? MISTAKE_NEEDS_VALUE : MISTAKE_UNKNOWN;
}

/* One option a line; pprof's spellings too, for the ones the command has. */
static void list_options(const char *so, const struct option *lo)
{
	for (; lo && lo->name; lo++) {
		const char *val = lo->has_arg == required_argument ? "=" : "";

		printf("--%s%s\n", lo->name, val);
		if (in_list(lo->name, strlen(lo->name), pprof_spelled, NSPELLED))
			printf("-%s%s\n", lo->name, val);
	}
	for (; *so; so++)
		if (*so != ':' && *so != '+' && *so != '-')
			printf("-%c%s\n", *so, so[1] == ':' ? "=" : "");
}

int cli_getopt(int argc, char *const *argv, const char *shortopts, const struct option *longopts,
	       int *longindex)
{
	int opt;

	opterr = 0;
	if (listing) {
		list_options(shortopts, longopts);
		return 'h';
	}
	if (optind <= 1) {
		/* getopt permutes argv although its type says const: so may we */
		respell(argc, (char **)argv, longopts);
		if (scan_single_dash(argc, argv, shortopts, longopts))
			return '?';
	}
	opt = getopt_long(argc, argv, shortopts, longopts, longindex);
	if (opt == '?')
		read_mistake(argv, shortopts, longopts);
	return opt;
}

/* Says the mistake cli_getopt found, in one line. */
static void say_mistake(const struct cli *c)
{
	const char *cmd = c->cmd ? c->cmd : "";

	switch (mistake.kind) {
	case MISTAKE_PPROF:
		out_textf(stderr, "escprof %s: '%s' is a pprof option escprof %s does not support;"
			  " 'escprof help %s' lists its options\n", cmd, mistake.word, cmd, cmd);
		break;
	case MISTAKE_AMBIGUOUS:
		out_textf(stderr, "escprof %s: ambiguous option '%s'; 'escprof help %s' lists its options\n",
			  cmd, mistake.word, cmd);
		break;
	case MISTAKE_NEEDS_VALUE:
		out_textf(stderr, "escprof %s: option '%s' needs a value\n", cmd, mistake.word);
		break;
	case MISTAKE_NO_VALUE:
		out_textf(stderr, "escprof %s: option '%s' takes no value\n", cmd, mistake.word);
		break;
	default:
		if (mistake.meant[0])
			out_textf(stderr, "escprof %s: unknown option '%s' (did you mean '%s'?)\n", cmd,
				  mistake.word, mistake.meant);
		else
			out_textf(stderr, "escprof %s: unknown option '%s'; 'escprof help %s' lists its"
				  " options\n", cmd, mistake.word, cmd);
	}
}

int cli_common(struct cli *c, int opt, const char *arg)
{
	switch (opt) {
	case 'D':
		c->db = arg;
		c->db_set = 1;
		return 1;
	case 'F':
		if (out_parse_format(arg, &c->format)) {
			cli_usage_error(c, "unknown format '%s'", arg);
			return 100 + EXIT_USAGE;
		}
		c->format_set = 1;
		return 1;
	case 'q':
		c->quiet = 1;
		return 1;
	case 'h':
		if (!listing)
			fputs(c->usage, stdout);
		return 100 + EXIT_OK;
	case '?':
		/* one line: the whole usage would bury it */
		say_mistake(c);
		return 100 + EXIT_USAGE;
	default:
		return 0;
	}
}

int cli_parse_size(const char *s, uint64_t *out)
{
	static const struct { const char *suffix; unsigned shift; } units[] = {
		{"", 0}, {"B", 0}, {"K", 10}, {"k", 10}, {"KiB", 10}, {"KB", 10}, {"M", 20},
		{"MiB", 20}, {"MB", 20}, {"G", 30}, {"GiB", 30}, {"GB", 30},
	};
	char *end;
	unsigned long long v;
	size_t i;

	if (!s || *s < '0' || *s > '9')
		return -1;
	v = strtoull(s, &end, 10);
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].suffix))
			continue;
		if (v > (UINT64_MAX >> units[i].shift))
			return -1;
		*out = (uint64_t)v << units[i].shift;
		return 0;
	}
	return -1;
}

int cli_limit_option(struct cli *c, int opt, const char *arg, struct profile_limits *lim)
{
	uint64_t v;

	if (opt == CLI_OPT_TIMEOUT || opt == CLI_OPT_SECONDS) {
		uint32_t *to = opt == CLI_OPT_TIMEOUT ? &lim->timeout : &lim->seconds;
		int n;

		if (num_parse_int(arg, 1, 365 * 24 * 3600, &n)) {
			cli_usage_error(c, "bad %s '%s'", opt == CLI_OPT_TIMEOUT ? "timeout" : "seconds", arg);
			return -1;
		}
		*to = (uint32_t)n;
		return 1;
	}
	if (opt != CLI_OPT_MAX_SIZE && opt != CLI_OPT_MAX_DEPTH && opt != CLI_OPT_MAX_STRING)
		return 0;
	if (cli_parse_size(arg, &v) || v == 0 || (opt != CLI_OPT_MAX_SIZE && v > UINT32_MAX)) {
		cli_usage_error(c, "bad %s '%s'", opt == CLI_OPT_MAX_SIZE ? "size" :
				opt == CLI_OPT_MAX_DEPTH ? "depth" : "string length", arg);
		return -1;
	}
	if (opt == CLI_OPT_MAX_SIZE)
		lim->max_size = v;
	else if (opt == CLI_OPT_MAX_DEPTH)
		lim->max_depth = (uint32_t)v;
	else
		lim->max_string = (uint32_t)v;
	return 1;
}

int cli_store_done(struct cli *c, struct store *s, int ret, struct err *e)
{
	if (!s || (ret != EXIT_OK && ret != EXIT_BREACH))
		return ret;
	/* what a reader never got is not kept either; the write error is reported where
	 * standard output is checked at exit */
	if (fflush(stdout) || ferror(stdout))
		return EXIT_FAIL;
	if (store_batch_commit(s, e))
		return cli_fail(c, e);
	return ret;
}

int cli_progress_ok(const struct cli *c)
{
	return !c->quiet && isatty(STDERR_FILENO);
}

int cli_parse_when(const char *when, char out[32])
{
	static const char *const forms[] = {"%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S",
					    "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"};
	struct tm tm, back;
	size_t i;
	char *end;
	time_t t;

	if (isdigit((unsigned char)when[0])) {
		unsigned long long v = strtoull(when, &end, 10);
		long long unit = 0;

		if (end[0] && !end[1]) {
			unit = *end == 's' ? 1 : *end == 'm' ? 60 : *end == 'h' ? 3600 :
			       *end == 'd' ? 86400 : *end == 'w' ? 7 * 86400 : 0;
		}
		if (unit && v <= (unsigned long long)(LLONG_MAX / 2) / (unsigned long long)unit) {
			long long ago = (long long)v * unit;

			t = time(NULL);
			/* before the epoch: every loaded_at is later */
			t = (long long)t > ago ? t - (time_t)ago : 0;
			gmtime_r(&t, &tm);
			strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
			return 0;
		}
	}
	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		memset(&tm, 0, sizeof(tm));
		end = strptime(when, forms[i], &tm);
		if (!end || *end)
			continue;
		/* strptime takes 2026-02-31; a round trip through timegm does not */
		back = tm;
		t = timegm(&back);
		if (t == (time_t)-1 || back.tm_mday != tm.tm_mday || back.tm_mon != tm.tm_mon)
			return -1;
		strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &back);
		return 0;
	}
	return -1;
}


int cli_filter_option(struct cli *c, int opt, const char *arg, struct cli_filter *f)
{
	char *when = opt == CLI_OPT_SINCE ? f->since_at : f->until_at;

	if (opt == CLI_OPT_LABEL) {
		const char **grown;

		if (!strchr(arg, '=') || arg[0] == '=') {
			cli_usage_error(c, "--label takes KEY=VALUE, not '%s'", arg);
			return -1;
		}
		if (!(grown = realloc(f->labels, (f->f.nlabels + 1) * sizeof(*grown)))) {
			cli_usage_error(c, "out of memory");
			return -1;
		}
		f->labels = grown;
		f->labels[f->f.nlabels++] = arg;
		f->f.labels = f->labels;
		return 1;
	}
	if (opt != CLI_OPT_SINCE && opt != CLI_OPT_UNTIL)
		return 0;
	if (cli_parse_when(arg, when)) {
		cli_usage_error(c, "--%s takes a date (2026-11-01), a time (2026-11-01T12:00:00Z) or an"
				" age (30d, 12h), not '%s'", opt == CLI_OPT_SINCE ? "since" : "until", arg);
		return -1;
	}
	*(opt == CLI_OPT_SINCE ? &f->f.since : &f->f.until) = when;
	return 1;
}

void cli_filter_release(struct cli_filter *f)
{
	free(f->labels);
	memset(f, 0, sizeof(*f));
}
