/* cli.c — what every subcommand shares (cli.h): the common options, error and usage
 * messages, held notes (the engine's too), pprof-style options, exit codes, byte sizes,
 * the decoder's limits and the end of a command that wrote to the store. The command
 * table, main and the check of standard output at exit are in escprof.c, so the commands
 * can also be linked without main (the fuzz targets). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "common/num.h"
#include "common/vec.h"
#include "profile/profile.h"
#include "store/store.h"

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

void cli_pprof_args(int argc, char **argv)
{
	static const char *const names[] = {"-sample_index", "-source_path", "-trim_path", "-focus",
					    "-nodecount", "-seconds", "-timeout"};
	static char rewritten[7][32];
	int i;
	size_t k;

	for (i = 1; i < argc; i++)
		for (k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
			size_t l = strlen(names[k]);

			if (strncmp(argv[i], names[k], l) || (argv[i][l] != '\0' && argv[i][l] != '='))
				continue;
			if (argv[i][l] == '=') {
				/* "-name=value" becomes "--name=value", a copy that lives until exit */
				char *s = malloc(strlen(argv[i]) + 2);

				if (s) {
					s[0] = '-';
					strcpy(s + 1, argv[i]);
					argv[i] = s;
				}
			} else {
				snprintf(rewritten[k], sizeof(rewritten[k]), "-%s", names[k]);
				argv[i] = rewritten[k];
			}
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
		/* getopt said which option; the whole usage would bury it */
		fprintf(stderr, "escprof %s: 'escprof help %s' lists its options\n", c->cmd ? c->cmd : "",
			c->cmd ? c->cmd : "");
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
