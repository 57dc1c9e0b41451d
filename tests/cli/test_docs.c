/* test_docs.c — what `make install` puts beside the binary: the man page renders with
 * man(1) without a warning and has a section for every command of `escprof help
 * --commands` and every cause of the causes view; the bash completion, run as bash runs
 * it, offers every command, a command's options and the values of --format and --by; the
 * zsh completion parses (and, with the completion system's builtins stubbed, offers the
 * same); `make install DESTDIR=...` installs every file and `make uninstall` removes them. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/testutil.h"

/* Runs a shell script in the repository with the escprof under test first in PATH;
 * stdout and stderr into out and err, returns the exit code. */
static int sh(struct buf *out, struct buf *err, const char *shell, const char *script)
{
	char cmd[8192], bindir[4096], path[600], o[600], e[600];
	const char *bin = getenv("ESCPROF");
	FILE *f;
	int st;

	cr_assert_not_null(bin, "ESCPROF is not set: run the suite through `make check`");
	snprintf(bindir, sizeof(bindir), "%s", bin);
	*strrchr(bindir, '/') = '\0';
	snprintf(o, sizeof(o), "%s", t_fresh("docs-out"));
	snprintf(e, sizeof(e), "%s", t_fresh("docs-err"));
	snprintf(path, sizeof(path), "%s", t_fresh("docs-script"));
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(script, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "cd '%s' && PATH='%s':\"$PATH\" %s '%s' </dev/null >'%s' 2>'%s'",
		 t_src(), bindir, shell, path, o, e);
	st = system(cmd);
	t_read(out, o);
	t_read(err, e);
	unlink(o);
	unlink(e);
	unlink(path);
	cr_assert(WIFEXITED(st));
	return WEXITSTATUS(st);
}

/* The commands as the binary lists them, one a line ("name\tsummary" cut to the name). */
static struct buf command_names(void)
{
	struct buf out;
	char *p, *q;

	cr_assert_eq(t_run(&out, NULL, "help --commands"), 0);
	for (p = q = out.data; *p; p++) {
		if (*p == '\t')
			while (p[1] && p[1] != '\n')
				p++;
		else
			*q++ = *p;
	}
	*q = '\0';
	out.len = (size_t)(q - out.data);
	return out;
}

/* Whether the word list (separated by spaces or newlines) has word. */
static int has_word(const char *list, const char *word)
{
	size_t l = strlen(word);
	const char *p;

	for (p = strstr(list, word); p; p = strstr(p + 1, word))
		if ((p == list || p[-1] == ' ' || p[-1] == '\n') && (!p[l] || p[l] == ' ' || p[l] == '\n'))
			return 1;
	return 0;
}

Test(docs, the_man_page_renders_without_warnings_and_has_every_command_and_cause)
{
	const char *man = getenv("ESCPROF_MAN"), *db = t_fresh("docs.db");
	struct buf out, err, names, causes;
	char script[2048], *name, *save = NULL;

	cr_assert_not_null(man, "ESCPROF_MAN is not set: run the suite through `make check`");
	cr_assert_eq(system("command -v man >/dev/null && command -v groff >/dev/null"), 0,
		     "man-db and groff-base are test dependencies (scripts/install-deps.sh test)");
	snprintf(script, sizeof(script), "MANWIDTH=80 man --warnings=w -E UTF-8 -l '%s'\n", man);
	cr_expect_eq(sh(&out, &err, "sh", script), 0, "%s", err.data);
	cr_expect_eq(err.len, 0, "man warned: %s", err.data);
	cr_expect(strstr(out.data, "ESCPROF(1)"), "%.200s", out.data);
	names = command_names();
	for (name = strtok_r(names.data, "\n", &save); name; name = strtok_r(NULL, "\n", &save)) {
		char want[160];

		/* the section heading, and the command's usage inside it */
		snprintf(want, sizeof(want), "\n   escprof %s\n", name);
		cr_expect(strstr(out.data, want), "no section 'escprof %s' in the man page", name);
		snprintf(want, sizeof(want), "usage: escprof %s", name);
		cr_expect(strstr(out.data, want), "no usage of %s in the man page", name);
	}
	/* every cause the store knows is described */
	cr_assert_eq(t_run(NULL, &err, "analyze -q --db '%s' sample-profiles/out/go1.26/iface_fmt.pb.gz", db), 0,
		     "%s", err.data);
	buf_release(&err);
	cr_assert_eq(t_run(&causes, NULL, "sql --db '%s' --format tsv 'SELECT cause FROM causes'", db), 0);
	save = NULL;
	name = strtok_r(causes.data, "\n", &save);	/* the header */
	for (name = strtok_r(NULL, "\n", &save); name; name = strtok_r(NULL, "\n", &save)) {
		char want[160], want2[160];

		/* a tag of .TP: alone on its line, or with the description after it */
		snprintf(want, sizeof(want), "\n       %s\n", name);
		snprintf(want2, sizeof(want2), "\n       %s ", name);
		cr_expect(strstr(out.data, want) || strstr(out.data, want2),
			  "cause %s is not in the man page's CAUSES", name);
	}
	buf_release(&causes);
	buf_release(&names);
	buf_release(&out);
	buf_release(&err);
}

/* What _escprof offers for the words given (the last is the one being completed). */
static void bash_complete(struct buf *out, const char *words)
{
	char script[1024];
	struct buf err;

	snprintf(script, sizeof(script),
		 ". completion/escprof.bash\n"
		 "COMP_WORDS=(%s)\nCOMP_CWORD=$((${#COMP_WORDS[@]} - 1))\n"
		 "_escprof\nprintf '%%s\\n' \"${COMPREPLY[@]}\"\n", words);
	cr_assert_eq(sh(out, &err, "bash --norc --noprofile", script), 0, "%s", err.data);
	cr_expect_eq(err.len, 0, "%s: %s", words, err.data);
	buf_release(&err);
}

Test(docs, bash_completes_every_command_each_commands_options_and_format_values)
{
	struct buf names, out, opts;
	char *name, *save = NULL;

	names = command_names();
	bash_complete(&out, "escprof ''");
	for (name = strtok_r(names.data, "\n", &save); name; name = strtok_r(NULL, "\n", &save)) {
		char words[256];
		char *o, *osave = NULL;

		cr_expect(has_word(out.data, name), "'escprof <TAB>' does not offer %s: %s", name, out.data);
		/* each command's options, as its getopt table has them */
		cr_assert_eq(t_run(&opts, NULL, "help --options %s", name), 0);
		snprintf(words, sizeof(words), "escprof %s --", name);
		{
			struct buf got;

			bash_complete(&got, words);
			for (o = strtok_r(opts.data, "\n", &osave); o; o = strtok_r(NULL, "\n", &osave)) {
				o[strcspn(o, "=")] = '\0';
				if (!strncmp(o, "--", 2))
					cr_expect(has_word(got.data, o), "'escprof %s --<TAB>' lacks %s: %s", name, o,
						  got.data);
			}
			buf_release(&got);
		}
		buf_release(&opts);
	}
	cr_expect(has_word(out.data, "help"), "%s", out.data);
	buf_release(&out);
	/* a prefix, global options before the command, the values of --format and --by */
	bash_complete(&out, "escprof to");
	cr_expect_str_eq(out.data, "top\n");
	buf_release(&out);
	bash_complete(&out, "escprof --db x.db top --by ''");
	cr_expect_str_eq(out.data, "site\nfunction\npackage\ncause\nsize\n");
	buf_release(&out);
	bash_complete(&out, "escprof top --format ''");
	cr_expect_str_eq(out.data, "text\njson\ncsv\ntsv\n");
	buf_release(&out);
	bash_complete(&out, "escprof top -sample_index in");
	cr_expect_str_eq(out.data, "inuse_space\ninuse_objects\n");
	buf_release(&out);
	/* PROFILE and LOG arguments are files */
	bash_complete(&out, "escprof analyze sample-profiles/out/go1.26/iface_fmt.pb");
	cr_expect_str_eq(out.data, "sample-profiles/out/go1.26/iface_fmt.pb.gz\n");
	buf_release(&out);
	buf_release(&names);
}

Test(docs, the_zsh_completion_parses_and_offers_every_command_and_options)
{
	struct buf out, err, names;
	char *name, *save = NULL;

	if (system("command -v zsh >/dev/null 2>&1"))
		cr_skip_test("zsh is not installed: the zsh completion is not checked");
	cr_expect_eq(sh(&out, &err, "sh", "zsh -n completion/_escprof\n"), 0, "%s", err.data);
	buf_release(&out);
	buf_release(&err);
	/* the completion system's builtins stubbed to print what they would offer */
	cr_expect_eq(sh(&out, &err, "zsh -f",
			"compadd() { [[ $1 == -- ]] && shift; print -l -- \"$@\"; }\n"
			"_describe() { local -a a; a=( \"${(@P)4}\" ); print -l -- ${a%%:*}; }\n"
			"_files() { print -- '<files>'; }\n"
			"_call_program() { shift; \"$@\"; }\n"
			"words=(escprof ''); CURRENT=2; PREFIX=''\n"
			"source completion/_escprof\n"
			"print -- ---\n"
			"words=(escprof top --); CURRENT=3; PREFIX=--\n"
			"source completion/_escprof\n"
			"print -- ---\n"
			"words=(escprof check --format ''); CURRENT=4; PREFIX=''\n"
			"source completion/_escprof\n"), 0, "%s", err.data);
	cr_expect_eq(err.len, 0, "%s", err.data);
	names = command_names();
	for (name = strtok_r(names.data, "\n", &save); name; name = strtok_r(NULL, "\n", &save))
		cr_expect(has_word(out.data, name), "zsh does not offer %s: %s", name, out.data);
	cr_expect(strstr(out.data, "---\n--db\n--format\n--quiet\n--help\n--by\n"), "%s", out.data);
	cr_expect(strstr(out.data, "---\ntext\njson\njunit\ngithub\nsarif\n"), "%s", out.data);
	buf_release(&names);
	buf_release(&out);
	buf_release(&err);
}

/* make install into a staging directory: every file where the FHS puts it, the binary
 * runs, the page is the built one; make uninstall leaves nothing. The built binary and
 * page are named (and marked old with -o) so that the install never rebuilds them, under
 * whatever build directory the suite runs. */
Test(docs, make_install_installs_every_file_and_uninstall_removes_them)
{
	const char *bin = getenv("ESCPROF"), *man = getenv("ESCPROF_MAN");
	char dest[600], script[4096];
	static const char *const files[] = {
		"usr/local/bin/escprof", "usr/local/share/man/man1/escprof.1",
		"usr/local/share/bash-completion/completions/escprof",
		"usr/local/share/zsh/site-functions/_escprof",
	};
	struct buf out, err;
	struct stat sb;
	size_t i;

	cr_assert_not_null(man);
	snprintf(dest, sizeof(dest), "%s", t_fresh("destdir"));
	snprintf(script, sizeof(script),
		 "exec env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s install PREFIX=/usr/local DESTDIR='%s'"
		 " BIN='%s' MAN='%s' -o '%s' -o '%s'\n", dest, bin, man, bin, man);
	cr_assert_eq(sh(&out, &err, "sh", script), 0, "%s%s", out.data, err.data);
	buf_release(&out);
	buf_release(&err);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char p[800];

		snprintf(p, sizeof(p), "%s/%s", dest, files[i]);
		cr_expect_eq(stat(p, &sb), 0, "%s was not installed", files[i]);
		if (i == 0)
			cr_expect(sb.st_mode & S_IXUSR, "the binary is not executable");
	}
	snprintf(script, sizeof(script), "'%s/usr/local/bin/escprof' --version && cmp '%s' "
		 "'%s/usr/local/share/man/man1/escprof.1'\n", dest, man, dest);
	cr_expect_eq(sh(&out, &err, "sh", script), 0, "%s", err.data);
	cr_expect(!strncmp(out.data, "escprof ", 8), "%s", out.data);
	buf_release(&out);
	buf_release(&err);
	snprintf(script, sizeof(script),
		 "exec env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s uninstall PREFIX=/usr/local DESTDIR='%s'\n",
		 dest);
	cr_expect_eq(sh(&out, &err, "sh", script), 0, "%s", err.data);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char p[800];

		snprintf(p, sizeof(p), "%s/%s", dest, files[i]);
		cr_expect_neq(stat(p, &sb), 0, "%s is still there after uninstall", files[i]);
	}
	buf_release(&out);
	buf_release(&err);
}
