/* escprof.c — the command table and dispatch. Each subcommand lives in cmd_<name>.c with
 * its own usage text and option table; this file only finds it. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "store/store.h"

static const struct command {
	const char *name;
	cmd_fn fn;
	const char *summary;
} commands[] = {	/* sorted by name */
	{"analyze", cmd_analyze, "join a profile with compiler output: causes ranked by bytes, top sites"},
	{"check", cmd_check, "CI gate: check a profile against a budget file; exit 1 on a breach"},
	{"diff", cmd_diff, "what grew between two profiles; escapes added/removed between two builds"},
	{"escapes", cmd_escapes, "store compiler diagnostics (-m, -m -m, -m=2 logs or -json trees)"},
	{"explain", cmd_explain, "why one site allocates: the compiler's flow chain, the cause, the fix"},
	{"info", cmd_info, "describe a profile: sample types with totals, counts, period"},
	{"list", cmd_list, "source lines with the bytes, objects and cause at each line"},
	{"load", cmd_load, "store heap profiles in the database"},
	{"report", cmd_report, "a self-contained HTML report: charts by cause, package and site, a sortable table"},
	{"sql", cmd_sql, "run a read-only SQL query on the database"},
	{"top", cmd_top, "rank a stored profile's allocations by site, function, package, cause, size"},
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: escprof [--version] [--help] COMMAND [ARGS]\n\n"
		   "Why is this on the heap? escprof joins Go heap profiles with the Go\n"
		   "compiler's escape analysis and names the cause of each allocation.\n\n"
		   "commands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nglobal options: --db FILE (default escprof.db or $ESCPROF_DB), "
		   "--format text|json|csv|tsv, -q\n"
		   "'escprof COMMAND --help' describes one command.\n");
}

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

void cli_note(struct cli *c, const char *fmt, ...)
{
	va_list ap;

	buf_printf(&c->notes, "escprof %s: ", c->cmd);
	va_start(ap, fmt);
	out_text_vformat(&c->notes, fmt, ap);
	va_end(ap);
	buf_addc(&c->notes, '\n');
}

int cli_write_failed(const struct cli *c)
{
	if (!ferror(stdout))
		fprintf(stderr, "escprof %s: out of memory while writing the output\n", c->cmd);
	return EXIT_FAIL;
}

/* Standard output, when it could be opened as an out_file (it always can, but for lack of
 * memory): the end of the run learns from it why a write failed. */
static struct out_file std_out;

static void watch_stdout(void)
{
	if (!out_file_open(&std_out, STDOUT_FILENO))
		stdout = std_out.f;
}

/* The end of every run: standard output is flushed and closed here, so that a write that
 * failed anywhere (a full disk, a file too large) is exit 3 with one message, whatever
 * the command returned; the notes are said only after a run that did what it was asked. */
static int finish(struct cli *c, int ret)
{
	int failed = 0;

	errno = 0;
	if (std_out.f)
		failed = out_file_close(&std_out);
	else if ((fflush(stdout) || ferror(stdout) || fclose(stdout)))
		failed = errno ? errno : EIO;
	if (failed) {
		fprintf(stderr, "escprof%s%s: cannot write to standard output: %s\n", c->cmd ? " " : "",
			c->cmd ? c->cmd : "", strerror(failed));
		ret = EXIT_FAIL;
	} else if (ret == EXIT_OK || ret == EXIT_BREACH) {
		fputs(c->notes.data, stderr);
	}
	buf_release(&c->notes);
	return ret;
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
		fputs(c->usage, stdout);
		return 100 + EXIT_OK;
	case '?':
		fprintf(stderr, "%s", c->usage);
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

int main(int argc, char **argv)
{
	struct cli c = {0};
	const char *env = getenv("ESCPROF_DB");
	size_t i;

	/* past a file-size limit (ulimit -f) a write fails with EFBIG and is reported like any
	 * failed write, with the store rolled back and temporary files removed; by default
	 * SIGXFSZ would kill the process half-way instead */
	signal(SIGXFSZ, SIG_IGN);
	c.db = env && *env ? env : "escprof.db";
	c.db_set = env && *env;
	/* how long to wait on another escprof writing the same store, in milliseconds */
	if ((env = getenv("ESCPROF_BUSY_TIMEOUT")) && *env)
		store_set_busy_timeout((int)strtol(env, NULL, 10));
	/* tests only: make the store run out of room part way through a write */
	if ((env = getenv("ESCPROF_TEST_MAX_DB_PAGES")) && *env)
		store_test_max_pages(strtoul(env, NULL, 10));
	buf_init(&c.notes);
	watch_stdout();
	if (argc < 2) {
		usage(stderr);
		return finish(&c, EXIT_USAGE);
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("escprof %s\n", ESCPROF_VERSION);
		return finish(&c, EXIT_OK);
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return finish(&c, EXIT_OK);
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (!strcmp(argv[1], commands[i].name)) {
			c.cmd = commands[i].name;
			return finish(&c, commands[i].fn(&c, argc - 1, argv + 1));
		}
	}
	out_textf(stderr, "escprof: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return finish(&c, EXIT_USAGE);
}
