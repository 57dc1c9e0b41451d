/* test_progress.c — the progress line of load, analyze and report: on a terminal (a
 * pseudo-terminal made by forkpty) it appears and is erased, standard output is the same
 * byte for byte as with standard error in a pipe, where no progress ever appears, nor
 * under -q, nor before the delay. ESCPROF_PROGRESS_DELAY_MS=0 makes a short run show it;
 * a generated profile of 300000 samples makes a load long enough to count them. Also the
 * line `make check` ends with (scripts/test-skips.sh), from hand-written TAP reports. */
#include <criterion/criterion.h>
#include <poll.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/testutil.h"

#define SAMPLE "sample-profiles/out/go1.26/iface_fmt"
#define COLS 120

struct ran {
	struct buf out;		/* standard output */
	struct buf err;		/* standard error: the terminal's bytes, or the pipe's */
	int code;
};

/* Runs `ENV $ESCPROF ARGS` with standard output into a pipe and standard error (and
 * input) on a new pseudo-terminal of COLS columns when tty, else into a second pipe. */
static void run(struct ran *r, int tty, const char *env, const char *args)
{
	const char *bin = getenv("ESCPROF");
	struct winsize ws = {.ws_row = 24, .ws_col = COLS};
	struct pollfd fds[2];
	struct buf *into[2];
	char cmd[8192], chunk[4096];
	int out[2], err[2] = {-1, -1}, open_fds = 2, st, i;
	pid_t pid;

	cr_assert_not_null(bin, "ESCPROF is not set: run the suite through `make check`");
	snprintf(cmd, sizeof(cmd), "cd '%s' && exec env %s '%s' %s", t_src(), env, bin, args);
	buf_init(&r->out);
	buf_init(&r->err);
	cr_assert_eq(pipe(out), 0);
	if (tty) {
		pid = forkpty(&err[0], NULL, NULL, &ws);
	} else {
		cr_assert_eq(pipe(err), 0);
		pid = fork();
	}
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		dup2(out[1], STDOUT_FILENO);
		if (!tty) {
			dup2(err[1], STDERR_FILENO);
			close(STDIN_FILENO);
		}
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(out[1]);
	if (!tty)
		close(err[1]);
	fds[0] = (struct pollfd){.fd = out[0], .events = POLLIN};
	fds[1] = (struct pollfd){.fd = err[0], .events = POLLIN};
	into[0] = &r->out;
	into[1] = &r->err;
	while (open_fds) {
		cr_assert_gt(poll(fds, 2, 120000), 0, "'%s' wrote nothing for two minutes", args);
		for (i = 0; i < 2; i++) {
			ssize_t n;

			if (fds[i].fd < 0 || !fds[i].revents)
				continue;
			/* a terminal's master reads EIO once the last writer has gone */
			if ((n = read(fds[i].fd, chunk, sizeof(chunk))) > 0) {
				buf_add(into[i], chunk, (size_t)n);
			} else {
				close(fds[i].fd);
				fds[i].fd = -1;
				open_fds--;
			}
		}
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st));
	r->code = WEXITSTATUS(st);
	buf_addc(&r->out, '\0');
	r->out.len--;
	buf_addc(&r->err, '\0');
	r->err.len--;
}

static void ran_release(struct ran *r)
{
	buf_release(&r->out);
	buf_release(&r->err);
}

/* The terminal's bytes are progress lines only, each "\rescprof CMD: ..." within the
 * width, and end erased: blanks over the longest, then "\r". Returns how many lines. */
static int expect_progress_erased(const struct ran *r, const char *cmd)
{
	char prefix[64];
	const char *p = r->err.data, *end = p + r->err.len, *last_blank = NULL;
	size_t longest = 0;
	int lines = 0;

	snprintf(prefix, sizeof(prefix), "escprof %s: ", cmd);
	cr_assert_gt(r->err.len, 0, "no progress on the terminal");
	cr_assert_eq(*p, '\r', "the terminal got '%s'", r->err.data);
	while (p < end) {
		const char *q = memchr(p + 1, '\r', (size_t)(end - p - 1));
		size_t len = (size_t)((q ? q : end) - (p + 1)), text = len;

		while (text && p[text] == ' ')
			text--;
		if (!q) {
			cr_expect_eq(len, 0, "the terminal ends with '%.*s'", (int)len, p + 1);
			break;
		}
		if (text == 0) {
			last_blank = p;
			cr_expect_geq(len, longest, "the blanks (%zu) do not cover the line (%zu)", len, longest);
		} else {
			cr_expect(!strncmp(p + 1, prefix, strlen(prefix)), "a line '%.*s'", (int)len, p + 1);
			cr_expect_lt(text, COLS, "a line wider than the terminal: '%.*s'", (int)len, p + 1);
			cr_expect_null(memchr(p + 1, '\n', len), "a progress line ends a line");
			cr_expect_null(memchr(p + 1, '\x1b', len), "an escape sequence in '%.*s'", (int)len, p + 1);
			if (text > longest)
				longest = text;
			lines++;
			last_blank = NULL;
		}
		p = q;
	}
	cr_expect_not_null(last_blank, "the last progress line is not erased: '%s'", r->err.data);
	return lines;
}

Test(progress, analyze_on_a_terminal_shows_progress_erases_it_and_writes_the_same_output)
{
	struct ran tty, pipe_;

	run(&tty, 1, "ESCPROF_PROGRESS_DELAY_MS=0", "analyze " SAMPLE ".pb.gz " SAMPLE ".mm.txt");
	cr_assert_eq(tty.code, 0, "%s", tty.err.data);
	cr_expect_geq(expect_progress_erased(&tty, "analyze"), 1);
	cr_expect(strstr(tty.err.data, "\rescprof analyze: loading " SAMPLE ".pb.gz"), "%s", tty.err.data);

	run(&pipe_, 0, "ESCPROF_PROGRESS_DELAY_MS=0", "analyze " SAMPLE ".pb.gz " SAMPLE ".mm.txt");
	cr_assert_eq(pipe_.code, 0);
	cr_expect_eq(pipe_.err.len, 0, "progress in a pipe: '%s'", pipe_.err.data);
	cr_expect_gt(tty.out.len, 0);
	cr_expect_str_eq(tty.out.data, pipe_.out.data, "standard output differs with a terminal");
	ran_release(&tty);
	ran_release(&pipe_);
}

Test(progress, escapes_on_a_terminal_names_the_log_it_reads_and_never_in_a_pipe)
{
	struct ran tty, pipe_;

	run(&tty, 1, "ESCPROF_PROGRESS_DELAY_MS=0", "escapes --dry-run " SAMPLE ".mm.txt");
	cr_assert_eq(tty.code, 0, "%s", tty.err.data);
	cr_expect_geq(expect_progress_erased(&tty, "escapes"), 1);
	cr_expect(strstr(tty.err.data, "\rescprof escapes: reading " SAMPLE ".mm.txt"), "%s", tty.err.data);

	run(&pipe_, 0, "ESCPROF_PROGRESS_DELAY_MS=0", "escapes --dry-run " SAMPLE ".mm.txt");
	cr_assert_eq(pipe_.code, 0);
	cr_expect_eq(pipe_.err.len, 0, "progress in a pipe: '%s'", pipe_.err.data);
	cr_expect_str_eq(tty.out.data, pipe_.out.data, "standard output differs with a terminal");
	ran_release(&tty);
	ran_release(&pipe_);
}

Test(progress, report_on_a_terminal_shows_progress_and_the_same_page_goes_to_a_pipe)
{
	struct ran tty, pipe_;

	run(&tty, 1, "ESCPROF_PROGRESS_DELAY_MS=0",
	    "report --html - --title t " SAMPLE ".pb.gz " SAMPLE ".mm.txt");
	cr_assert_eq(tty.code, 0, "%s", tty.err.data);
	cr_expect_geq(expect_progress_erased(&tty, "report"), 1);
	run(&pipe_, 0, "ESCPROF_PROGRESS_DELAY_MS=0",
	    "report --html - --title t " SAMPLE ".pb.gz " SAMPLE ".mm.txt");
	cr_assert_eq(pipe_.code, 0);
	cr_expect_eq(pipe_.err.len, 0, "progress in a pipe: '%s'", pipe_.err.data);
	cr_expect(strstr(tty.out.data, "</html>"));
	cr_expect_str_eq(tty.out.data, pipe_.out.data, "the page differs with a terminal");
	ran_release(&tty);
	ran_release(&pipe_);
}

Test(progress, nothing_under_quiet_nor_before_the_delay)
{
	const char *db = t_fresh("quiet.db");
	char args[1024];
	struct ran r;

	run(&r, 1, "ESCPROF_PROGRESS_DELAY_MS=0", "analyze -q " SAMPLE ".pb.gz " SAMPLE ".mm.txt");
	cr_assert_eq(r.code, 0);
	cr_expect_eq(r.err.len, 0, "progress under -q: '%s'", r.err.data);
	ran_release(&r);
	/* a run far shorter than the delay shows nothing */
	snprintf(args, sizeof(args), "load --db '%s' " SAMPLE ".pb.gz", db);
	run(&r, 1, "ESCPROF_PROGRESS_DELAY_MS=600000", args);
	cr_assert_eq(r.code, 0);
	cr_expect_eq(r.err.len, 0, "progress before the delay: '%s'", r.err.data);
	ran_release(&r);
}

Test(progress, a_long_load_counts_its_samples_on_a_terminal_and_says_nothing_in_a_pipe)
{
	const char *gen = getenv("ESCPROF_GEN");
	const char *big = t_fresh("big.pb.gz"), *db1 = t_fresh("big1.db"), *db2 = t_fresh("big2.db");
	char cmd[2048];
	struct ran tty, pipe_;

	cr_assert_not_null(gen, "ESCPROF_GEN is not set: run the suite through `make check`");
	snprintf(cmd, sizeof(cmd), "'%s' 300000 '%s' 7 >/dev/null", gen, big);
	cr_assert_eq(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "load --db '%s' '%s'", db1, big);
	run(&tty, 1, "ESCPROF_PROGRESS_DELAY_MS=0", cmd);
	cr_assert_eq(tty.code, 0, "%s", tty.err.data);
	expect_progress_erased(&tty, "load");
	/* the store counts every 65536 samples stored, of the 300000 generated */
	cr_expect(strstr(tty.err.data, "/300000 ("), "no count of samples in '%s'", tty.err.data);
	snprintf(cmd, sizeof(cmd), "load --db '%s' '%s'", db2, big);
	run(&pipe_, 0, "ESCPROF_PROGRESS_DELAY_MS=0", cmd);
	cr_assert_eq(pipe_.code, 0);
	cr_expect_eq(pipe_.err.len, 0, "progress in a pipe: '%s'", pipe_.err.data);
	cr_expect(strstr(pipe_.out.data, "(300000 samples, 4 sample types)"), "%s", pipe_.out.data);
	cr_expect_str_eq(strchr(tty.out.data, ':'), strchr(pipe_.out.data, ':'));
	ran_release(&tty);
	ran_release(&pipe_);
}

Test(progress, a_load_that_fails_on_a_terminal_erases_the_line_before_its_error)
{
	const char *bad = t_fresh("bad.pb.gz");
	char args[1024];
	struct ran r;
	const char *msg;

	t_write(bad, "\x1f\x8b\x08\x00garbage", 12);
	snprintf(args, sizeof(args), "load --db '%s' '%s'", t_fresh("bad.db"), bad);
	run(&r, 1, "ESCPROF_PROGRESS_DELAY_MS=0", args);
	cr_assert_eq(r.code, 3);
	/* the error: the one "escprof load: " that is not a progress line */
	for (msg = strstr(r.err.data, "escprof load: "); msg && !strncmp(msg + 14, "loading ", 8);
	     msg = strstr(msg + 1, "escprof load: "))
		;
	cr_assert_not_null(msg, "no error in '%s'", r.err.data);
	cr_assert_gt(msg, r.err.data, "no progress before the error: '%s'", r.err.data);
	/* it starts on a clean line: the progress blanked out, then "\r" */
	cr_expect_eq(msg[-1], '\r', "'%s'", r.err.data);
	cr_expect(msg - 2 >= r.err.data && msg[-2] == ' ', "the progress line is not blanked: '%s'",
		  r.err.data);
	cr_expect_null(strstr(msg, "loading"), "progress after the error: '%s'", r.err.data);
	ran_release(&r);
}

/* ---- the line make check ends with ---- */

static void expect_skips(const char *tap, const char *want)
{
	const char *path = t_fresh("suite.tap");
	char cmd[1024];
	FILE *p;
	char line[1024] = "";

	t_write(path, tap, strlen(tap));
	snprintf(cmd, sizeof(cmd), "'%s/scripts/test-skips.sh' '%s'", t_src(), path);
	cr_assert_not_null(p = popen(cmd, "r"));
	cr_assert_not_null(fgets(line, sizeof(line), p));
	cr_expect_eq(pclose(p), 0);
	line[strcspn(line, "\n")] = '\0';
	cr_expect_str_eq(line, want);
}

Test(progress, make_check_names_each_skipped_test_and_why)
{
	expect_skips("TAP version 13\n1..2\n# Criterion v2.4.1\n"
		     "ok - cli::a  (0.01s)\nok - cli::b  (0.00s)\n", "skipped 0");
	/* a suite skipped whole is named "suite/" and a star, one test of another by its name */
	expect_skips("TAP version 13\n1..5\n"
		     "ok - report::browser_one  # SKIP chromium is not installed\n"
		     "ok - report::browser_two  # SKIP chromium is not installed\n"
		     "ok - real::go119  (0.30s)\n"
		     "ok - real::go126  # SKIP no Go 1.26 sources\n"
		     "not ok - real::broken  (0.10s)\n",
		     "skipped 3: report/* (chromium is not installed), real/go126 (no Go 1.26 sources)");
	/* what --filter did not select is counted apart */
	expect_skips("TAP version 13\n1..3\n"
		     "ok - a::x  (0.01s)\n"
		     "ok - a::y  # SKIP test was skipped\n"
		     "ok - b::z  # SKIP test was skipped\n",
		     "skipped 0; 2 not run (not selected by --filter, or disabled)");
}
