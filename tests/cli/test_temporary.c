/* test_temporary.c — analyze, report --html and diff without --db keep their store in an
 * unnamed file of the temporary directory: it is there while they run (unlinked) and
 * nothing is left behind, whether the command succeeds, fails on a bad log or is killed;
 * and the store of a big log is not held in memory. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/testutil.h"

#define S "sample-profiles/out/go1.26"

/* A new empty directory that the commands run from here take as their temporary one. */
static const char *temp_dir(const char *name)
{
	const char *d = t_fresh("%s", name);

	cr_assert_eq(mkdir(d, 0700), 0);
	setenv("TMPDIR", d, 1);
	setenv("SQLITE_TMPDIR", d, 1);
	return d;
}

/* The names in dir (not . and ..), one per line, into b. */
static size_t list(const char *dir, struct buf *b)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	buf_init(b);
	buf_adds(b, "");
	cr_assert_not_null(d, "cannot list %s", dir);
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			buf_printf(b, "%s\n", de->d_name);
			n++;
		}
	closedir(d);
	return n;
}

static void expect_empty(const char *dir, const char *after)
{
	struct buf b;

	cr_expect_eq(list(dir, &b), 0, "after %s, the temporary directory holds:\n%s", after, b.data);
	buf_release(&b);
}

Test(temporary, nothing_is_left_in_tmpdir_after_a_command_without_db)
{
	const char *dir = temp_dir("tmp-ok");
	const char *html = t_fresh("report.html");
	struct buf err;

	cr_expect_eq(t_run(NULL, &err, "analyze " S "/chan_send.pb.gz " S "/chan_send.mm.txt"), 0,
		     "%s", err.data);
	buf_release(&err);
	expect_empty(dir, "analyze");
	cr_expect_eq(t_run(NULL, &err, "report --html '%s' " S "/chan_send.pb.gz " S "/chan_send.mm.txt",
			   html), 0, "%s", err.data);
	buf_release(&err);
	expect_empty(dir, "report --html");
	cr_expect_eq(t_run(NULL, &err, "diff " S "/chan_send.pb.gz " S "/goroutine.pb.gz"), 0, "%s",
		     err.data);
	buf_release(&err);
	expect_empty(dir, "diff of two profiles");
	cr_expect_eq(t_run(NULL, &err, "diff " S "/chan_send.mm.txt " S "/goroutine.mm.txt"), 0, "%s",
		     err.data);
	buf_release(&err);
	expect_empty(dir, "diff of two logs");
	unlink(html);
}

Test(temporary, nothing_is_left_in_tmpdir_when_the_command_fails)
{
	const char *dir = temp_dir("tmp-fail");
	const char *bad = t_fresh("bad.log");

	t_write(bad, "no diagnostics here\n", 20);
	cr_expect_eq(t_run(NULL, NULL, "analyze " S "/chan_send.pb.gz '%s'", bad), 3);
	expect_empty(dir, "analyze with a bad log");
	cr_expect_eq(t_run(NULL, NULL, "analyze " S "/chan_send.pb.gz " S "/chan_send.mm.txt '%s'", bad), 3);
	expect_empty(dir, "analyze with a bad second log");
	cr_expect_eq(t_run(NULL, NULL, "report --html '%s' " S "/chan_send.pb.gz '%s'",
			   t_fresh("r.html"), bad), 3);
	expect_empty(dir, "report --html with a bad log");
	cr_expect_eq(t_run(NULL, NULL, "diff " S "/chan_send.mm.txt '%s'", bad), 3);
	expect_empty(dir, "diff with a bad log");
	unlink(bad);
}

/* Starts `escprof analyze args...` from the repository; its pid. */
static pid_t start(const char *a1, const char *a2)
{
	const char *bin = getenv("ESCPROF");
	pid_t pid;

	cr_assert_not_null(bin, "ESCPROF is not set: run the suite through `make check`");
	pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		if (chdir(t_src()))
			_exit(127);
		if (a2)
			execl(bin, bin, "analyze", a1, a2, (char *)NULL);
		else
			execl(bin, bin, "analyze", a1, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* Whether process pid has a file of dir open that is no longer in dir. */
static int holds_unlinked(pid_t pid, const char *dir)
{
	char fds[64], link[PATH_MAX + 32], target[PATH_MAX + 32];
	DIR *d;
	struct dirent *de;
	int found = 0;
	size_t n = strlen(dir);

	snprintf(fds, sizeof(fds), "/proc/%d/fd", (int)pid);
	if (!(d = opendir(fds)))
		return 0;
	while (!found && (de = readdir(d))) {
		ssize_t len;

		snprintf(link, sizeof(link), "%s/%s", fds, de->d_name);
		len = readlink(link, target, sizeof(target) - 1);
		if (len <= 0)
			continue;
		target[len] = 0;
		found = !strncmp(target, dir, n) && target[n] == '/' && strstr(target, " (deleted)");
	}
	closedir(d);
	return found;
}

/* A store bigger than the page cache spills into its file in TMPDIR, which is already
 * unlinked: killed right then, the command leaves nothing. */
Test(temporary, a_killed_analyze_leaves_nothing_in_tmpdir, .timeout = 300)
{
	const char *log = t_fresh("kill.log");
	const char *dir;
	char cmd[4096];
	struct timespec pause = {0, 2000000};
	pid_t pid;
	int st, seen = 0;

	/* a 70 MB log of the profile's own program, its diagnostics repeated: the store
	 * keeps those at the profile's lines, each time, and they outgrow its page cache,
	 * so SQLite must have made its temporary file before the end */
	snprintf(cmd, sizeof(cmd), "cd '%s' && for i in $(seq 2000); do cat %s/realistic_tokenizer.mm.txt;"
		 " done > '%s'", t_src(), S, log);
	cr_assert_eq(system(cmd), 0);
	dir = temp_dir("tmp-kill");
	pid = start(S "/realistic_tokenizer.pb.gz", log);
	while (!(seen = holds_unlinked(pid, dir)) && waitpid(pid, &st, WNOHANG) == 0)
		nanosleep(&pause, NULL);
	if (seen) {
		kill(pid, SIGKILL);
		cr_assert_eq(waitpid(pid, &st, 0), pid);
	}
	cr_expect(seen, "analyze never held an unlinked file in TMPDIR (status %d)", st);
	expect_empty(dir, "analyze killed");
	unlink(log);
}

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

/* Peak RSS in KiB of `escprof analyze a1 [a2]`, which must succeed. */
static long peak_kib(const char *a1, const char *a2)
{
	struct rusage ru;
	int st;
	pid_t pid = start(a1, a2);

	cr_assert_eq(wait4(pid, &st, 0, &ru), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "analyze %s %s failed (status %d)", a1,
		  a2 ? a2 : "", st);
	return ru.ru_maxrss;
}

/* A 66 MB log (the sample logs six times over) raises the peak RSS of analyze by far less
 * than 64 MiB over the profile alone: its diagnostics are stored on disk, not in memory
 * (in memory they cost about 115 MB). */
Test(temporary, a_big_log_costs_analyze_less_than_64_mib, .timeout = 600)
{
	const char *log = t_fresh("big.log");
	char cmd[4096];
	long alone, with_log;

#ifdef UNDER_ASAN
	cr_skip_test("peak RSS means nothing under AddressSanitizer");
#endif
	temp_dir("tmp-rss");
	snprintf(cmd, sizeof(cmd), "cd '%s' && for i in 1 2 3 4 5 6; do cat sample-profiles/out/go*/*.mm.txt"
		 " sample-profiles/std/go*/*.mm.txt; done > '%s'", t_src(), log);
	cr_assert_eq(system(cmd), 0);
	alone = peak_kib(S "/chan_send.pb.gz", NULL);
	with_log = peak_kib(S "/chan_send.pb.gz", log);
	cr_expect_lt(with_log, alone + 64 * 1024, "peak RSS %ld KiB with the log, %ld KiB without",
		     with_log, alone);
	unlink(log);
}
