/* escprof.c — the command table and dispatch. Each subcommand lives in cmd_<name>.c with
 * its own usage text and option table; this file only finds it, and checks at exit that
 * standard output took everything written to it. */
#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "common/num.h"
#include "common/suggest.h"
#include "store/store.h"

static const struct command {
	const char *name;
	cmd_fn fn;
	const char *summary;
} commands[] = {	/* sorted by name */
	{"analyze", cmd_analyze, "join a profile with compiler output: causes ranked by bytes, top sites"},
	{"check", cmd_check, "CI gate: check a profile against a budget file; exit 1 on a breach"},
	{"diff", cmd_diff, "two profiles: what grew, shrank, came or went; two builds: escapes added, removed"},
	{"escapes", cmd_escapes, "store compiler diagnostics (-m, -m -m, -m=2 logs, -json trees, go build -json)"},
	{"explain", cmd_explain, "why one site allocates: the compiler's flow chain, the cause, the fix"},
	{"info", cmd_info, "describe a profile: sample types with totals, counts, period"},
	{"list", cmd_list, "source lines with the bytes, objects and cause at each line"},
	{"load", cmd_load, "store heap profiles (files or URLs) in the database"},
	{"prune", cmd_prune, "remove the profiles (or builds) loaded before a time, keeping the newest N"},
	{"report", cmd_report, "a self-contained HTML report: charts by cause, package and site, a sortable table"},
	{"rm", cmd_rm, "remove profiles or builds and everything that hangs from them"},
	{"sql", cmd_sql, "run a read-only SQL query on the database"},
	{"top", cmd_top, "rank a stored profile's allocations by site, function, package, cause, size"},
	{"trend", cmd_trend, "the bytes of each cause, package or function across stored profiles, over time"},
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
	fprintf(f, "\nglobal options, before or after the command: --db FILE|URL (default escprof.db\n"
		   "or $ESCPROF_DB; a postgres:// URL for PostgreSQL), --format FORMAT, -q\n"
		   "'escprof help COMMAND' (or 'escprof COMMAND --help') describes one command.\n");
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

static const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(name, commands[i].name))
			return &commands[i];
	return NULL;
}

/* One line for a word that is no command, with the one probably meant; before the
 * command, an option is one of the global ones. */
static int unknown_command(struct cli *c, const char *word)
{
	static const char *const globals[] = {"--db", "--format", "--quiet", "--help", "--version"};
	const char *names[sizeof(commands) / sizeof(commands[0])], *s;
	size_t i;

	if (word[0] == '-' && word[1]) {
		char name[128];

		/* -format as well as --formt: the word is compared with its dashes */
		snprintf(name, sizeof(name), "%s%s", word[1] == '-' ? "" : "-", word);
		name[strcspn(name, "=")] = '\0';
		s = suggest(name, globals, sizeof(globals) / sizeof(globals[0]));
		if (s && !strcmp(s, word) && (!strcmp(s, "--db") || !strcmp(s, "--format")))
			out_textf(stderr, "escprof: option '%s' needs a value\n", word);
		else if (s && strcmp(s, word))
			out_textf(stderr, "escprof: unknown option '%s' (did you mean '%s'?)\n", word, s);
		else
			out_textf(stderr, "escprof: unknown option '%s'; the command comes first ('escprof"
				  " help' lists the commands)\n", word);
		return finish(c, EXIT_USAGE);
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		names[i] = commands[i].name;
	s = suggest(word, names, sizeof(commands) / sizeof(commands[0]));
	if (s)
		out_textf(stderr, "escprof: unknown command '%s' (did you mean '%s'?); 'escprof help'"
			  " lists the commands\n", word, s);
	else
		out_textf(stderr, "escprof: unknown command '%s'; 'escprof help' lists the commands\n", word);
	return finish(c, EXIT_USAGE);
}

/* How many words a global option given before the command takes (1 or 2), 0 when
 * argv[i] is none: --db FILE, --db=FILE, --format F, --format=F, -q, --quiet. */
static int global_option(int argc, char **argv, int i)
{
	const char *a = argv[i];

	if (!strcmp(a, "-q") || !strcmp(a, "--quiet") || !strncmp(a, "--db=", 5) ||
	    !strncmp(a, "--format=", 9))
		return 1;
	if ((!strcmp(a, "--db") || !strcmp(a, "--format")) && i + 1 < argc)
		return 2;
	return 0;
}

int main(int argc, char **argv)
{
	struct cli c = {0};
	const char *env = getenv("ESCPROF_DB");
	const struct command *cmd;
	int ms, first, k;
	size_t i;

	/* past a file-size limit (ulimit -f) a write fails with EFBIG and is reported like any
	 * failed write, with the store rolled back and temporary files removed; by default
	 * SIGXFSZ would kill the process half-way instead */
	signal(SIGXFSZ, SIG_IGN);
	/* a fixed threshold: every large buffer (a profile's bytes, a load's tables) is its
	 * own mapping, grown in place by mremap and given back when freed. glibc's default
	 * raises the threshold to the largest block freed so far, so the buffers after it
	 * come from the heap, where what a doubling leaves behind stays resident. Below a
	 * megabyte, blocks are reused from the heap: each fresh page costs a fault */
	mallopt(M_MMAP_THRESHOLD, 1024 * 1024);
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
	/* global options before the command are the command's own: moved after its name */
	for (first = 1; first < argc && (k = global_option(argc, argv, first)); first += k)
		;
	if (first >= argc) {
		usage(stderr);
		return finish(&c, EXIT_USAGE);
	}
	if (!strcmp(argv[first], "--version") || !strcmp(argv[first], "version")) {
		printf("escprof %s\n", ESCPROF_VERSION);
		return finish(&c, EXIT_OK);
	}
	if (!strcmp(argv[first], "--help") || !strcmp(argv[first], "-h") || !strcmp(argv[first], "help")) {
		static char help[] = "--help";

		if (first + 1 >= argc) {
			usage(stdout);
			return finish(&c, EXIT_OK);
		}
		/* for the man page and the shell completions (not in the usage): the commands,
		 * and one command's options, as the table and its getopt table have them */
		if (!strcmp(argv[first + 1], "--commands")) {
			for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
				printf("%s\t%s\n", commands[i].name, commands[i].summary);
			return finish(&c, EXIT_OK);
		}
		if (!strcmp(argv[first + 1], "--options") && first + 2 < argc) {
			first++;
			cli_list_options();
		}
		/* escprof help COMMAND: the command's own --help */
		if (!(cmd = find_command(argv[first + 1])))
			return unknown_command(&c, argv[first + 1]);
		c.cmd = cmd->name;
		{
			char *hargv[] = {argv[first + 1], help, NULL};

			optind = 1;
			return finish(&c, cmd->fn(&c, 2, hargv));
		}
	}
	if (!(cmd = find_command(argv[first])))
		return unknown_command(&c, argv[first]);
	c.cmd = cmd->name;
	if (first > 1) {
		char **nargv = calloc((size_t)argc + 1, sizeof(*nargv));
		int n = 0, ret;

		if (!nargv)
			return finish(&c, EXIT_FAIL);
		nargv[n++] = argv[first];
		for (i = 1; i < (size_t)first; i++)
			nargv[n++] = argv[i];
		for (i = (size_t)first + 1; i < (size_t)argc; i++)
			nargv[n++] = argv[i];
		ret = cmd->fn(&c, n, nargv);
		free(nargv);
		return finish(&c, ret);
	}
	return finish(&c, cmd->fn(&c, argc - 1, argv + 1));
}
