/* escprof.c — the command table and dispatch. Each subcommand lives in cmd_<name>.c with
 * its own usage text and option table; this file only finds it, and checks at exit that
 * standard output took everything written to it. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "common/num.h"
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

int main(int argc, char **argv)
{
	struct cli c = {0};
	const char *env = getenv("ESCPROF_DB");
	int ms;
	size_t i;

	/* past a file-size limit (ulimit -f) a write fails with EFBIG and is reported like any
	 * failed write, with the store rolled back and temporary files removed; by default
	 * SIGXFSZ would kill the process half-way instead */
	signal(SIGXFSZ, SIG_IGN);
	c.db = env && *env ? env : "escprof.db";
	c.db_set = env && *env;
	/* how long to wait on another escprof writing the same store, in milliseconds */
	if ((env = getenv("ESCPROF_BUSY_TIMEOUT")) && !num_parse_int(env, 0, INT_MAX, &ms))
		store_set_busy_timeout(ms);
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
