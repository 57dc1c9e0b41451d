/* test_grammar.c — one command line for every command: each --help lists every option of
 * the command's getopt table and ends with examples that run on the bundled samples; a
 * mistyped option is one line with the option meant, exit 2; pprof flags escprof does not
 * take are refused by name, never read as bundles of short options. The commands are
 * read from `escprof help --commands`, so a command added later is checked too. */
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/testutil.h"

/* The command names, from the binary's own table: a NULL-terminated array in one
 * allocation with the names. */
static char **commands(void)
{
	struct buf out;
	char **v, *p;
	size_t n = 0, i;

	cr_assert_eq(t_run(&out, NULL, "help --commands"), 0);
	for (i = 0; i < out.len; i++)
		n += out.data[i] == '\n';
	cr_assert_geq(n, 9, "%s", out.data);
	v = calloc(n + 1, sizeof(*v));
	cr_assert_not_null(v);
	p = out.data;
	for (i = 0; i < n; i++) {
		char *nl = strchr(p, '\n');

		*nl = '\0';
		p[strcspn(p, "\t")] = '\0';
		v[i] = strdup(p);
		p = nl + 1;
	}
	buf_release(&out);
	return v;
}

static void free_commands(char **v)
{
	size_t i;

	for (i = 0; v[i]; i++)
		free(v[i]);
	free(v);
}

/* Whether the help lists the option word (--name, -name or -c) at the start of one of
 * its option lines, as "  --name ARG  what it does" or "  -n, -nodecount N  ...". */
static int listed(const char *help, const char *word)
{
	const char *line;
	size_t l = strlen(word);

	for (line = help; line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		const char *p = line;

		if (strncmp(p, "  -", 3))
			continue;
		for (p += 2;; p += 2) {
			size_t n = strcspn(p, " ,\n");

			if (n == l && !strncmp(p, word, l))
				return 1;
			p += n;
			if (strncmp(p, ", -", 3))
				break;
		}
	}
	return 0;
}

Test(grammar, the_table_lists_every_command_the_design_names)
{
	static const char *const want[] = {"analyze", "check", "diff", "escapes", "explain", "info",
					   "list", "load", "report", "sql", "top"};
	char **cmds = commands();
	size_t i, j;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		for (j = 0; cmds[j] && strcmp(cmds[j], want[i]); j++)
			;
		cr_expect_not_null(cmds[j], "'%s' is not in 'escprof help --commands'", want[i]);
	}
	for (j = 1; cmds[j]; j++)
		cr_expect_lt(strcmp(cmds[j - 1], cmds[j]), 0, "the table is not sorted at '%s'", cmds[j]);
	free_commands(cmds);
}

Test(grammar, every_help_names_every_option_of_its_command_and_ends_with_examples)
{
	char **cmds = commands();
	size_t i;

	for (i = 0; cmds[i]; i++) {
		struct buf help, opts;
		char *line, *save = NULL, *ex;

		cr_assert_eq(t_run(&opts, NULL, "help --options %s", cmds[i]), 0, "%s", cmds[i]);
		cr_assert_eq(t_run(&help, NULL, "help %s", cmds[i]), 0, "%s", cmds[i]);
		cr_expect(strstr(opts.data, "--help\n") && strstr(opts.data, "--db="), "%s: %s", cmds[i],
			  opts.data);
		for (line = strtok_r(opts.data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			char word[128], one_dash[128];

			snprintf(word, sizeof(word), "%.*s", (int)strcspn(line, "="), line);
			snprintf(one_dash, sizeof(one_dash), "%s", word + 1);
			cr_expect(listed(help.data, word) || (word[1] == '-' && listed(help.data, one_dash)),
				  "escprof %s --help does not list %s with what it does", cmds[i], word);
		}
		ex = strstr(help.data, "\nexamples:\n");
		cr_expect_not_null(ex, "escprof %s --help has no examples", cmds[i]);
		if (ex) {
			size_t n = 0;
			const char *p;

			for (p = ex; (p = strstr(p, "\n  escprof ")); p++)
				n++;
			cr_expect(n >= 2 && n <= 3, "escprof %s --help: %zu examples (2 or 3)", cmds[i], n);
			/* the examples end the help: no other section after them */
			for (p = ex + strlen("\nexamples:\n"); *p; p = strchr(p, '\n') + 1)
				cr_expect(!strncmp(p, "  ", 2), "escprof %s --help: '%.20s' after examples",
					  cmds[i], p);
		}
		buf_release(&opts);
		buf_release(&help);
	}
	free_commands(cmds);
}

/* Runs sh -c script in dir with the escprof under test first in PATH; returns the exit
 * code, stderr in err. */
static int sh_in(const char *dir, struct buf *err, const char *script)
{
	char cmd[16384], bindir[4096], path[600], e[600];
	const char *bin = getenv("ESCPROF");
	FILE *f;
	int st;

	cr_assert_not_null(bin);
	snprintf(bindir, sizeof(bindir), "%s", bin);
	*strrchr(bindir, '/') = '\0';
	snprintf(e, sizeof(e), "%s", t_fresh("sh-err"));
	snprintf(path, sizeof(path), "%s", t_fresh("script.sh"));
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(script, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "cd '%s' && env -u ESCPROF_DB PATH='%s':\"$PATH\" sh '%s' </dev/null"
		 " >/dev/null 2>'%s'", dir, bindir, path, e);
	st = system(cmd);
	t_read(err, e);
	unlink(e);
	unlink(path);
	cr_assert(WIFEXITED(st));
	return WEXITSTATUS(st);
}

/* The examples are what a user types in a checkout: each runs, exit 0, in a directory with
 * the samples and a store holding one analysed sample (what the reading commands need). */
Test(grammar, every_example_in_the_helps_runs_on_the_samples)
{
	char **cmds = commands();
	size_t i;

	for (i = 0; cmds[i]; i++) {
		struct buf help, err;
		char dir[600], script[8192], *ex, *p;
		size_t n = 0, len;

		cr_assert_eq(t_run(&help, NULL, "help %s", cmds[i]), 0);
		ex = strstr(help.data, "\nexamples:\n");
		cr_assert_not_null(ex, "%s", cmds[i]);
		snprintf(dir, sizeof(dir), "%s", t_fresh("examples-%s", cmds[i]));
		cr_assert_eq(mkdir(dir, 0700), 0);
		len = (size_t)snprintf(script, sizeof(script),
			"set -e\nln -s '%s/sample-profiles' sample-profiles\n"
			"escprof analyze -q --db escprof.db --name iface_fmt"
			" sample-profiles/out/go1.26/iface_fmt.pb.gz sample-profiles/out/go1.26/iface_fmt.mm.txt\n",
			t_src());
		/* the lines that start with "escprof", continuations joined */
		for (p = ex + strlen("\nexamples:\n"); *p; ) {
			char *nl = strchr(p, '\n');
			int run = !strncmp(p, "  escprof ", 10);

			while (nl && nl > p && nl[-1] == '\\')
				nl = strchr(nl + 1, '\n');
			if (run) {
				len += (size_t)snprintf(script + len, sizeof(script) - len, "%.*s\n",
							(int)(nl - p), p);
				n++;
			}
			p = nl + 1;
		}
		cr_assert_lt(len, sizeof(script));
		cr_expect_geq(n, 1, "%s: no example to run", cmds[i]);
		cr_expect_eq(sh_in(dir, &err, script), 0, "an example of escprof %s failed:\n%s%s",
			     cmds[i], script, err.data);
		buf_release(&err);
		buf_release(&help);
	}
	free_commands(cmds);
}

/* A mistyped option, in every command: one line naming it and the option meant, exit 2,
 * nothing on stdout (neither help nor usage). The expected word is the typo's nearest
 * option by hand: --formt is --format with one letter dropped. */
Test(grammar, a_mistyped_option_is_one_line_with_the_option_meant_in_every_command)
{
	char **cmds = commands();
	size_t i;

	for (i = 0; cmds[i]; i++) {
		struct buf out, err;
		char want[256];

		cr_expect_eq(t_run(&out, &err, "%s --formt json x", cmds[i]), 2, "%s", cmds[i]);
		snprintf(want, sizeof(want), "escprof %s: unknown option '--formt' (did you mean '--format'?)\n",
			 cmds[i]);
		cr_expect_str_eq(err.data, want);
		cr_expect_eq(out.len, 0, "%s: %s", cmds[i], out.data);
		buf_release(&out);
		buf_release(&err);
		/* after the command's arguments as well, and with a value glued on */
		cr_expect_eq(t_run(&out, &err, "%s x --qiuet", cmds[i]), 2, "%s", cmds[i]);
		snprintf(want, sizeof(want), "escprof %s: unknown option '--qiuet' (did you mean '--quiet'?)\n",
			 cmds[i]);
		cr_expect_str_eq(err.data, want);
		buf_release(&out);
		buf_release(&err);
	}
	free_commands(cmds);
}

struct said {
	char args[64], err[160];	/* arrays: the parameters cross into a fresh process */
};

static struct said said[] = {
	{"top --sampel_index alloc_space", "escprof top: unknown option '--sampel_index' (did you mean '--sample_index'?)\n"},
	{"top -sampel_index=alloc_space", "escprof top: unknown option '-sampel_index' (did you mean '-sample_index'?)\n"},
	{"list -trim_pth /x main.go", "escprof list: unknown option '-trim_pth' (did you mean '-trim_path'?)\n"},
	{"report --baseline-biuld x", "escprof report: unknown option '--baseline-biuld' (did you mean '--baseline-build'?)\n"},
	/* a long option typed with one dash, as Go's flag package allows: said, not guessed */
	{"top -format json", "escprof top: unknown option '-format' (did you mean '--format'?)\n"},
	{"load -name x y.pb.gz", "escprof load: unknown option '-name' (did you mean '--name'?)\n"},
	{"top --zzzzzz", "escprof top: unknown option '--zzzzzz'; 'escprof help top' lists its options\n"},
	{"top -x", "escprof top: unknown option '-x'; 'escprof help top' lists its options\n"},
	{"top --db", "escprof top: option '--db' needs a value\n"},
	{"top -n", "escprof top: option '-n' needs a value\n"},
	{"sql --write=yes 'SELECT 1'", "escprof sql: option '--write' takes no value\n"},
	{"top --b x", "escprof top: ambiguous option '--b'; 'escprof help top' lists its options\n"},
	/* before the command, the global options are the candidates */
	{"--formt json top", "escprof: unknown option '--formt' (did you mean '--format'?)\n"},
	{"-format json top", "escprof: unknown option '-format' (did you mean '--format'?)\n"},
	{"--verison", "escprof: unknown option '--verison' (did you mean '--version'?)\n"},
	{"--zzzzzz top", "escprof: unknown option '--zzzzzz'; the command comes first ('escprof help' lists the commands)\n"},
	{"--db", "escprof: option '--db' needs a value\n"},
	/* pprof's flags that escprof does not take: by name, never as -h -i -d -e */
	{"top -hide runtime", "escprof top: '-hide' is a pprof option escprof top does not support; 'escprof help top' lists its options\n"},
	{"top -tagfocus=bytes=1k", "escprof top: '-tagfocus' is a pprof option escprof top does not support; 'escprof help top' lists its options\n"},
	{"analyze -inuse_space x.pb.gz", "escprof analyze: '-inuse_space' is a pprof option escprof analyze does not support; 'escprof help analyze' lists its options\n"},
	{"info -sample_index alloc_space x.pb.gz", "escprof info: '-sample_index' is a pprof option escprof info does not support; 'escprof help info' lists its options\n"},
	{"analyze -nodecount 5 x.pb.gz", "escprof analyze: '-nodecount' is a pprof option escprof analyze does not support; 'escprof help analyze' lists its options\n"},
	{"explain -hide x main.go:1", "escprof explain: '-hide' is a pprof option escprof explain does not support; 'escprof help explain' lists its options\n"},
};

ParameterizedTestParameters(grammar, option_mistakes_are_said_in_one_line_with_exit_2)
{
	return cr_make_param_array(struct said, said, sizeof(said) / sizeof(said[0]));
}

ParameterizedTest(struct said *s, grammar, option_mistakes_are_said_in_one_line_with_exit_2)
{
	struct buf out, err;

	cr_expect_eq(t_run(&out, &err, "--db /nonexistent/escprof.db %s", s->args), 2, "%s: %s", s->args,
		     err.data);
	cr_expect_str_eq(err.data, s->err);
	cr_expect_eq(out.len, 0, "%s printed: %s", s->args, out.data);
	buf_release(&out);
	buf_release(&err);
}

/* What still works: bundles of short options, a value glued to -n, pprof's spellings the
 * commands take, and values that begin with a dash. */
Test(grammar, short_bundles_pprof_spellings_and_dash_values_still_parse)
{
	const char *db = t_fresh("grammar.db");
	struct buf out, err;

	cr_assert_eq(t_run(NULL, &err, "analyze -q --db '%s' sample-profiles/out/go1.26/iface_fmt.pb.gz"
			   " sample-profiles/out/go1.26/iface_fmt.mm.txt", db), 0, "%s", err.data);
	buf_release(&err);
	cr_expect_eq(t_run(&out, &err, "top -qn2 --db '%s'", db), 0, "%s", err.data);
	buf_release(&out);
	buf_release(&err);
	cr_expect_eq(t_run(&out, &err, "top -n3 -sample_index=alloc_objects -nodecount 2 --db '%s'", db), 0,
		     "%s", err.data);
	buf_release(&out);
	buf_release(&err);
	/* a --focus value that looks like a pprof flag is a value */
	cr_expect_eq(t_run(&out, &err, "top --db '%s' --focus -hide", db), 0, "%s", err.data);
	buf_release(&out);
	buf_release(&err);
	cr_expect_eq(t_run(&out, &err, "top -h"), 0);
	cr_expect(strstr(out.data, "usage: escprof top"), "%s", out.data);
	buf_release(&out);
	buf_release(&err);
}
