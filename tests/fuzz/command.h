/* What the pipeline and check targets share: a private temporary directory, running an
 * escprof command in this process with its standard output and error caught in memory
 * (the writers are the commands' own and print to stdout), and checks on what a command
 * wrote that hold whatever the input: JSON parses, CSV and TSV have one record per row,
 * GitHub annotations one command per line, markup is UTF-8 with no raw control bytes and
 * no script but the page's own, and a failure is one line on stderr. A check that fails
 * aborts, so the fuzzer keeps the input. */
#ifndef ESC_FUZZ_COMMAND_H
#define ESC_FUZZ_COMMAND_H

#include <ftw.h>
#include <getopt.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cli.h"
#include "output/output.h"
#include "tests/fuzz/fuzz.h"

#define FUZZ_MAX_ARGS 32

struct fuzz_out {
	const char *cmd;
	int rc;
	char *out, *err;	/* NUL-terminated; freed by the next fuzz_run */
	size_t nout, nerr;
};

static char fuzz_dir[256];

static inline int fuzz_rm(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static inline void fuzz_dir_remove(void)
{
	if (fuzz_dir[0])
		nftw(fuzz_dir, fuzz_rm, 8, FTW_DEPTH | FTW_PHYS);
}

/* The directory every file of this process goes in, made on the first call. */
static inline const char *fuzz_tmpdir(void)
{
	const char *tmp = getenv("TMPDIR");

	if (fuzz_dir[0])
		return fuzz_dir;
	snprintf(fuzz_dir, sizeof(fuzz_dir), "%s/escprof-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(fuzz_dir)) {
		perror("fuzz: mkdtemp");
		abort();
	}
	atexit(fuzz_dir_remove);
	return fuzz_dir;
}

/* fuzz_dir/name into buf */
static inline const char *fuzz_path(char *buf, size_t n, const char *name)
{
	snprintf(buf, n, "%s/%s", fuzz_tmpdir(), name);
	return buf;
}

static inline void fuzz_write(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");

	if (!f || (n && fwrite(data, 1, n, f) != n) || fclose(f)) {
		perror(path);
		abort();
	}
}

/* A path under the source tree, whatever directory the target runs in ($ESCPROF_SRC, as
 * for the tests, else the current directory); aborts when the file is missing, so that a
 * replay never passes without its inputs. */
static inline const char *fuzz_src(char *buf, size_t n, const char *rel)
{
	const char *src = getenv("ESCPROF_SRC");

	snprintf(buf, n, "%s/%s", src && *src ? src : ".", rel);
	if (access(buf, R_OK)) {
		fprintf(stderr, "fuzz: cannot read '%s' (run from the source tree or set ESCPROF_SRC)\n", buf);
		abort();
	}
	return buf;
}

static inline void fuzz_out_release(struct fuzz_out *o)
{
	free(o->out);
	free(o->err);
	o->out = o->err = NULL;
	o->nout = o->nerr = 0;
}

/* Runs `escprof NAME ARG...` (the list ends with NULL) through fn, as main would. */
static inline int fuzz_run(struct fuzz_out *o, cmd_fn fn, const char *name, ...)
{
	char *argv[FUZZ_MAX_ARGS + 2], *own[FUZZ_MAX_ARGS + 1];
	FILE *out, *err, *so = stdout, *se = stderr;
	struct cli c = {0};
	const char *a;
	va_list ap;
	int argc = 0, i;

	fuzz_out_release(o);
	va_start(ap, name);
	for (a = name; a && argc <= FUZZ_MAX_ARGS; a = va_arg(ap, const char *))
		if (!(own[argc] = argv[argc] = strdup(a)))
			abort();
		else
			argc++;
	va_end(ap);
	if (a)
		abort();	/* more than FUZZ_MAX_ARGS arguments */
	argv[argc] = NULL;
	if (!(out = open_memstream(&o->out, &o->nout)) || !(err = open_memstream(&o->err, &o->nerr)))
		abort();
	c.cmd = name;
	buf_init(&c.notes);
	c.db = fuzz_tmpdir();	/* never written: every command given a store names it */
	optind = 0;		/* glibc: start getopt over for a new argv */
	stdout = out;		/* glibc's stdout and stderr are plain variables */
	stderr = err;
	o->cmd = name;
	o->rc = fn(&c, argc, argv);
	/* as main's end of the run: the notes only after a run that did what it was asked */
	if (o->rc == EXIT_OK || o->rc == EXIT_BREACH)
		fputs(c.notes.data, err);
	buf_release(&c.notes);
	stdout = so;
	stderr = se;
	if (fclose(out) || fclose(err))
		abort();
	for (i = 0; i < argc; i++)
		free(own[i]);
	return o->rc;
}

static inline void fuzz_fail(const struct fuzz_out *o, const char *what)
{
	fprintf(stderr, "fuzz: escprof %s (exit %d): %s\n--- stdout ---\n%.*s\n--- stderr ---\n%.*s\n",
		o->cmd, o->rc, what, (int)(o->nout < 4096 ? o->nout : 4096), o->out,
		(int)(o->nerr < 4096 ? o->nerr : 4096), o->err);
	abort();
}

/* Text for people, terminals and CI logs: valid UTF-8 with no control character but TAB
 * and LF, and no line that a CI runner would take for a workflow command ("::"). */
static inline const char *fuzz_text_fault(const char *text, size_t len)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0, k;

	while (i < len) {
		if ((s[i] < 0x20 && s[i] != '\t' && s[i] != '\n') || s[i] == 0x7f)
			return "a control character in text";
		if (!(k = out_utf8_seq(s + i, len - i)))
			return "invalid UTF-8 in text";
		if ((k == 2 && s[i] == 0xc2 && s[i + 1] < 0xa0))
			return "a C1 control character in text";
		if (s[i] == ':' && i + 1 < len && s[i + 1] == ':' && (i == 0 || s[i - 1] == '\n'))
			return "a line in text that starts a workflow command";
		i += k;
	}
	return NULL;
}

/* Exit codes are 0, 1 (a breach), 2 (a usage error: a name the data lacks) or 3; a
 * failure says why on stderr in one line: "escprof CMD: message"; whatever is said on
 * stderr is text (fuzz_text_fault). */
static inline void fuzz_check_exit(const struct fuzz_out *o)
{
	char head[64];
	const char *fault;
	size_t n;

	if (o->rc < 0 || o->rc > 3)
		fuzz_fail(o, "exit code out of range");
	if ((fault = fuzz_text_fault(o->err, o->nerr)))
		fuzz_fail(o, fault);
	if (o->rc != EXIT_FAIL)
		return;
	n = (size_t)snprintf(head, sizeof(head), "escprof %s: ", o->cmd);
	if (o->nerr <= n || strncmp(o->err, head, n) || o->err[o->nerr - 1] != '\n' ||
	    memchr(o->err, '\n', o->nerr - 1) || strlen(o->err) != o->nerr)
		fuzz_fail(o, "a failure is not one line on stderr");
}

/* A text writer: its output is text (fuzz_text_fault) too. */
static inline void fuzz_check_text(const struct fuzz_out *o)
{
	const char *fault;

	fuzz_check_exit(o);
	if ((fault = fuzz_text_fault(o->out, o->nout)))
		fuzz_fail(o, fault);
}

static inline void fuzz_check_json(const struct fuzz_out *o)
{
	json_error_t je;
	json_t *v;

	fuzz_check_exit(o);
	if (o->rc != EXIT_OK && o->rc != EXIT_BREACH)
		return;
	if (!(v = json_loadb(o->out, o->nout, 0, &je)))
		fuzz_fail(o, je.text);
	json_decref(v);
}

/* RFC 4180: every record has the header's number of fields. */
static inline void fuzz_check_csv(const struct fuzz_out *o)
{
	size_t i, fields = 1, want = 0;
	int quoted = 0, records = 0;

	fuzz_check_exit(o);
	if (o->rc != EXIT_OK)
		return;
	for (i = 0; i < o->nout; i++) {
		char ch = o->out[i];

		if (quoted) {
			if (ch == '"' && i + 1 < o->nout && o->out[i + 1] == '"')
				i++;
			else if (ch == '"')
				quoted = 0;
		} else if (ch == '"') {
			quoted = 1;
		} else if (ch == ',') {
			fields++;
		} else if (ch == '\n') {
			if (!records++)
				want = fields;
			else if (fields != want)
				fuzz_fail(o, "a CSV record with another number of fields than the header");
			fields = 1;
		}
	}
	if (quoted || (o->nout && o->out[o->nout - 1] != '\n'))
		fuzz_fail(o, "CSV output ends inside a record");
}

/* TSV: a record is a line, fields are separated by tabs, neither occurs in a field. */
static inline void fuzz_check_tsv(const struct fuzz_out *o)
{
	size_t i, tabs = 0, want = 0;
	int lines = 0;

	fuzz_check_exit(o);
	if (o->rc != EXIT_OK)
		return;
	for (i = 0; i < o->nout; i++) {
		if (o->out[i] == '\t') {
			tabs++;
		} else if (o->out[i] == '\n') {
			if (!lines++)
				want = tabs;
			else if (tabs != want)
				fuzz_fail(o, "a TSV line with another number of fields than the header");
			tabs = 0;
		}
	}
}

/* Each line is a workflow command or the summary; data cannot start a new command. */
static inline void fuzz_check_github(const struct fuzz_out *o)
{
	const char *p = o->out, *end = o->out + o->nout;

	fuzz_check_exit(o);
	if (o->rc != EXIT_OK && o->rc != EXIT_BREACH)
		return;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if (strncmp(p, "::error ", 8) && strncmp(p, "::warning ", 10) && strncmp(p, "escprof: ", 9))
			fuzz_fail(o, "a GitHub annotation line that is not a workflow command");
		if (!nl)
			fuzz_fail(o, "GitHub annotations end inside a line");
		p = nl + 1;
	}
}

static inline size_t fuzz_count(const char *s, size_t n, const char *needle)
{
	size_t c = 0, k = strlen(needle);
	const char *p = s, *end = s + n;

	while ((p = memmem(p, (size_t)(end - p), needle, k))) {
		c++;
		p += k;
	}
	return c;
}

/* XML and HTML: valid UTF-8, no control characters but TAB, LF and CR; in HTML the
 * page's own script is the only one. */
static inline void fuzz_check_markup(const struct fuzz_out *o, int html)
{
	const unsigned char *s = (const unsigned char *)o->out;
	size_t i = 0, k;

	fuzz_check_exit(o);
	if (o->rc != EXIT_OK && o->rc != EXIT_BREACH)
		return;
	while (i < o->nout) {
		if (s[i] < 0x20 && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			fuzz_fail(o, "a control character in markup");
		if (!(k = out_utf8_seq(s + i, o->nout - i)))
			fuzz_fail(o, "invalid UTF-8 in markup");
		i += k;
	}
	if (html && (fuzz_count(o->out, o->nout, "<script") != 1 ||
		     fuzz_count(o->out, o->nout, "</script") != 1))
		fuzz_fail(o, "a script element in the report that is not the page's own");
}

#endif
