/* test_docs.c — what `make install` puts beside the binary: the man page renders with
 * man(1) without a warning and has a section for every command of `escprof help
 * --commands` and every cause of the causes view. */
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
