/* escprof.c — the command table and dispatch. Each subcommand lives in cmd_<name>.c with
 * its own usage text and option table; this file only finds it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int main(int argc, char **argv)
{
	struct cli c = {0};
	const char *env = getenv("ESCPROF_DB");
	size_t i;

	c.db = env && *env ? env : "escprof.db";
	c.db_set = env && *env;
	/* how long to wait on another escprof writing the same store, in milliseconds */
	if ((env = getenv("ESCPROF_BUSY_TIMEOUT")) && *env)
		store_set_busy_timeout((int)strtol(env, NULL, 10));
	/* tests only: make the store run out of room part way through a write */
	if ((env = getenv("ESCPROF_TEST_MAX_DB_PAGES")) && *env)
		store_test_max_pages(strtoul(env, NULL, 10));
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("escprof %s\n", ESCPROF_VERSION);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (!strcmp(argv[1], commands[i].name)) {
			c.cmd = commands[i].name;
			return commands[i].fn(&c, argc - 1, argv + 1);
		}
	}
	fprintf(stderr, "escprof: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
