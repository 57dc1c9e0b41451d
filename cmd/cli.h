/* cli.h — what every subcommand shares: global options, error reporting, exit codes. */
#ifndef ESC_CLI_H
#define ESC_CLI_H

#include <getopt.h>
#include <stdint.h>

#include "classify/classify.h"
#include "output/output.h"
#include "common/buf.h"
#include "common/err.h"

#define ESCPROF_VERSION "0.1.0"
/* The project's home: SARIF's informationUri, and with a README section's anchor its
 * helpUri. One constant; the README's headings are the anchors. */
#define ESCPROF_HOME "https://github.com/escprof/escprof"

enum { EXIT_OK = 0, EXIT_BREACH = 1, EXIT_USAGE = 2, EXIT_FAIL = 3 };

struct cli {
	const char *cmd;		/* subcommand name */
	const char *usage;		/* its usage text */
	const char *db;			/* --db, else $ESCPROF_DB, else escprof.db */
	int db_set;			/* --db or $ESCPROF_DB was given */
	enum out_format format;
	int format_set;
	int quiet;
	struct buf notes;		/* cli_note's lines, said once the run is known good */
	struct classify_notes to_notes;	/* cli_notes: the engine's notices into notes */
};

/* Long options every subcommand accepts; splice into a getopt_long table. */
#define CLI_COMMON_OPTIONS \
	{"db", required_argument, NULL, 'D'}, \
	{"format", required_argument, NULL, 'F'}, \
	{"quiet", no_argument, NULL, 'q'}, \
	{"help", no_argument, NULL, 'h'}

/* Handles a common option: returns 1 when handled, 0 when c is not one, or an exit
 * code + 100 when the command must stop (help printed: 100; bad value: 102). */
int cli_common(struct cli *c, int opt, const char *arg);

/* Prints "escprof CMD: message" and returns the exit code for status. Strings in messages
 * are shown as out_text shows them: a message is always one line. */
int cli_fail(const struct cli *c, const struct err *e);
/* Whether --db names a store that is there (a file, or a PostgreSQL database holding
 * escprof's schema), for the commands that never create one; else e says why not. */
int cli_store_exists(const struct cli *c, struct err *e);
/* Prints a usage error and the usage text; returns EXIT_USAGE. */
int cli_usage_error(const struct cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cli_exit_code(enum esc_status st);

struct store;
/* Ends a command that wrote through s in a batch (store_batch_begin): when ret is a
 * success (EXIT_OK, or EXIT_BREACH: a breach is a finding, not a failure) and standard
 * output took everything printed to it, commits the batch; otherwise leaves it for
 * store_close to roll back. Returns the command's exit code. */
int cli_store_done(struct cli *c, struct store *s, int ret, struct err *e);

/* A notice for stderr ("escprof CMD: ..."), held until the command has succeeded and its
 * output is written: a failing command says its error and nothing else. */
void cli_note(struct cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Where the engine's notices go for this command: cli_note, or nowhere (NULL) under
 * --quiet. The pointer lives as long as c. */
const struct classify_notes *cli_notes(struct cli *c);

/* Every command's option loop: getopt_long (same contract), with what the command line
 * says about a mistake made here once for all commands. getopt's own messages are off;
 * a mistake returns '?' and cli_common prints it in one line: an unknown option with the
 * one probably meant, a missing or unexpected value, a pprof option escprof does not
 * take, a single-dash word that is no bundle of short options (-hide is not -h -i -d -e).
 * pprof's spellings of the command's long options (-sample_index) are read as them.
 * The macro below routes every command's getopt_long here, so a command added later
 * gets the same grammar (and is listed by `escprof help --options CMD`) by including
 * this header. */
int cli_getopt(int argc, char *const *argv, const char *shortopts, const struct option *longopts,
	       int *longindex);
#define getopt_long cli_getopt

/* Makes the next command run list its options instead of running: one per line, long
 * ones as --name (and -name too for pprof's spellings), short ones as -c, with '='
 * appended when the option takes a value; the command then returns EXIT_OK through
 * cli_common, as for --help. */
void cli_list_options(void);

/* The lines every command's help lists for the global options, before its examples. */
#define CLI_GLOBAL_HELP \
	"global options (before or after the command):\n" \
	"  --db FILE|URL        the store (default escprof.db, or $ESCPROF_DB): an SQLite file,\n" \
	"                       or a PostgreSQL database (postgres://user@host:port/dbname)\n" \
	"  --format F           output format, of those the command writes\n" \
	"  -q, --quiet          print nothing but errors\n" \
	"  -h, --help           this help\n"

/* Appends the DIR:DIR... list arg (split in place; the array borrows its pieces) to the
 * growing array *dirs of *n entries; -1 when memory runs out. */
int cli_add_dirs(const char ***dirs, size_t *n, size_t *cap, char *arg);

/* What a command returns when a writer to standard output failed: EXIT_FAIL. A failed
 * write is reported once, at the end of the run (with every other failed write to
 * standard output); anything else (memory) is reported here. */
int cli_write_failed(const struct cli *c);

/* Whether stderr is a terminal (progress goes there, never into pipes). */
int cli_progress_ok(const struct cli *c);

/* Progress of a command that may take more than a second (progress.c): started where
 * cli_progress_ok (else NULL, which every function below takes and ignores), shown once
 * the command has run a second ($ESCPROF_PROGRESS_DELAY_MS), redrawn at most ten times a
 * second. A phase is a printf format whose strings are shown as out_text shows them; a
 * count (done of total) belongs to the phase it follows. Stop (it erases the line and
 * frees p) before writing anything else to standard error or to a terminal. */
struct cli_progress;
struct cli_progress *cli_progress_start(const struct cli *c);
void cli_progress_phase(struct cli_progress *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cli_progress_count(struct cli_progress *p, size_t done, size_t total);
/* cli_progress_count as the store's progress callback (store_profile_opts.progress, with
 * the cli_progress as its context): the samples stored of the profile's. */
void cli_progress_samples(void *p, size_t done, size_t total);
void cli_progress_stop(struct cli_progress *p);
/* The phase "VERB SOURCE" for a profile: a URL named without its user name or password. */
void cli_progress_profile(struct cli_progress *p, const char *verb, const char *source,
			  const struct profile_limits *lim);

/* Parses a byte size: digits with an optional B, K/KiB, M/MiB, G/GiB suffix (k, M, G are
 * powers of 1024 here, as for memory limits). Returns 0 or -1. */
int cli_parse_size(const char *s, uint64_t *out);

/* --max-size, --max-depth and --max-string: the decoder's resource limits, for the
 * commands that read profiles. */
enum { CLI_OPT_MAX_SIZE = 0x200, CLI_OPT_MAX_DEPTH, CLI_OPT_MAX_STRING, CLI_OPT_TIMEOUT,
       CLI_OPT_SECONDS };
/* ... and, for a PROFILE given as a URL, pprof's --timeout SECONDS and --seconds N */
#define CLI_LIMIT_OPTIONS \
	{"max-size", required_argument, NULL, CLI_OPT_MAX_SIZE}, \
	{"max-depth", required_argument, NULL, CLI_OPT_MAX_DEPTH}, \
	{"max-string", required_argument, NULL, CLI_OPT_MAX_STRING}, \
	{"timeout", required_argument, NULL, CLI_OPT_TIMEOUT}, \
	{"seconds", required_argument, NULL, CLI_OPT_SECONDS}
#define CLI_LIMIT_HELP \
	"  --max-size N         refuse profiles larger than N bytes decompressed (default 1G)\n" \
	"  --max-depth N        refuse samples of more than N frames (default 4096)\n" \
	"  --max-string N       refuse strings longer than N bytes (default 1M)\n" \
	"  -timeout S           a PROFILE URL: give up after S seconds (default 60, or 1.5\n" \
	"                       times -seconds)\n" \
	"  -seconds N           a PROFILE URL: a delta profile over N seconds (?seconds=N)\n"
struct profile_limits;
/* The line every --help of a command that reads a PROFILE has about URLs. */
#define CLI_URL_HELP \
	"PROFILE may be a URL (http://host:6060/debug/pprof/heap, --timeout S, -seconds N)\n"
/* Returns 1 when opt is a limit option and its value is good, -1 when the value is bad
 * (a usage error printed), 0 when opt is not a limit option. */
int cli_limit_option(struct cli *c, int opt, const char *arg, struct profile_limits *lim);

/* The ISO-8601 UTC time (as loaded_at holds it) that WHEN means, into out: a date
 * (2026-11-01), a time (2026-11-01T12:00:00Z) or an age before now (90s, 45m, 12h, 30d,
 * 2w); -1 when it is none of these. */
int cli_parse_when(const char *when, char out[32]);

/* --label KEY=VALUE (repeatable), --since WHEN, --until WHEN: which stored profiles a
 * reading command considers (store_profile_filter). */
enum { CLI_OPT_LABEL = 0x280, CLI_OPT_SINCE, CLI_OPT_UNTIL };
#define CLI_FILTER_OPTIONS \
	{"label", required_argument, NULL, CLI_OPT_LABEL}, \
	{"since", required_argument, NULL, CLI_OPT_SINCE}, \
	{"until", required_argument, NULL, CLI_OPT_UNTIL}
#define CLI_FILTER_HELP \
	"  --label KEY=VALUE    only profiles loaded with this label (repeatable: all of them)\n" \
	"  --since WHEN         only profiles loaded at or after WHEN: a UTC date or time\n" \
	"                       (2026-11-01, 2026-11-01T12:00:00Z) or an age (12h, 30d)\n" \
	"  --until WHEN         only profiles loaded before WHEN\n"
struct cli_filter {
	struct store_profile_filter f;	/* what the options said; pointers into the below */
	const char **labels;		/* borrowed from argv */
	char since_at[32], until_at[32];
};
/* Returns 1 when opt is a filter option and its value is good, -1 when it is bad (a usage
 * error printed), 0 when opt is not one. */
int cli_filter_option(struct cli *c, int opt, const char *arg, struct cli_filter *f);
void cli_filter_release(struct cli_filter *f);

typedef int (*cmd_fn)(struct cli *c, int argc, char **argv);
int cmd_info(struct cli *c, int argc, char **argv);
int cmd_load(struct cli *c, int argc, char **argv);
int cmd_sql(struct cli *c, int argc, char **argv);
int cmd_escapes(struct cli *c, int argc, char **argv);
int cmd_analyze(struct cli *c, int argc, char **argv);
int cmd_top(struct cli *c, int argc, char **argv);
int cmd_trend(struct cli *c, int argc, char **argv);
int cmd_explain(struct cli *c, int argc, char **argv);
int cmd_list(struct cli *c, int argc, char **argv);
int cmd_check(struct cli *c, int argc, char **argv);
int cmd_diff(struct cli *c, int argc, char **argv);
int cmd_report(struct cli *c, int argc, char **argv);
int cmd_rm(struct cli *c, int argc, char **argv);
int cmd_prune(struct cli *c, int argc, char **argv);



#endif
