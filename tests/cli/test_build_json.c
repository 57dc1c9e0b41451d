/* test_build_json.c — `go build -json` output given to escapes and analyze, as a file and
 * on standard input: the same build as the plain -m -m log made by the same script and
 * toolchain (the oracle), so the same stored content (the second is "already stored"),
 * the same analysis; a broken event is exit 3 naming the JSON line, the store unchanged. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "tests/testutil.h"

#define S "sample-profiles/out/go1.26/"

/* `escprof args` with file on its standard input; its standard output into out. */
static int run_stdin(struct buf *out, const char *file, const char *args)
{
	char cmd[2048], chunk[4096];
	FILE *p;
	size_t n;
	int st;

	snprintf(cmd, sizeof(cmd), "cd '%s' && '%s' %s < '%s' 2>/dev/null", t_src(), getenv("ESCPROF"), args,
		 file);
	buf_init(out);
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		buf_add(out, chunk, n);
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

Test(build_json, a_build_json_log_stores_the_build_of_its_text_log)
{
	static const char *const scen[] = {"iface_fmt", "realistic_json"};
	struct buf out, err;

	for (size_t i = 0; i < 2; i++) {
		const char *db = t_fresh("bj%zu.db", i);

		cr_assert_eq(t_run(&out, &err, "escapes --db '%s' " S "%s.build.json", db, scen[i]), 0, "%s",
			     err.data);
		cr_expect(strstr(out.data, "stored as build 1:"), "%s", out.data);
		/* the same diagnostics, flows and packages: the content digest is the text log's */
		cr_assert_eq(t_run(&out, &err, "escapes --db '%s' " S "%s.mm.txt", db, scen[i]), 0, "%s",
			     err.data);
		cr_expect(strstr(out.data, "already stored as build 1:"), "%s: %s", scen[i], out.data);
		cr_expect_eq(t_sql_int(db, "SELECT count(DISTINCT package) FROM diagnostics"), 1);
	}
	buf_release(&out);
	buf_release(&err);
}

Test(build_json, analyze_reads_build_json_from_a_file_and_stdin_as_the_text_log)
{
	struct buf text, js, in, err;

	cr_assert_eq(t_run(&text, &err, "analyze " S "iface_fmt.pb.gz " S "iface_fmt.mm.txt"), 0, "%s", err.data);
	cr_assert_eq(t_run(&js, &err, "analyze " S "iface_fmt.pb.gz " S "iface_fmt.build.json"), 0, "%s",
		     err.data);
	cr_expect_str_eq(js.data, text.data);
	cr_assert_eq(run_stdin(&in, S "iface_fmt.build.json", "analyze " S "iface_fmt.pb.gz -"), 0);
	cr_expect_str_eq(in.data, text.data);
	buf_release(&text);
	buf_release(&js);
	buf_release(&in);
	buf_release(&err);
}

Test(build_json, escapes_dry_run_counts_build_json_like_its_text_log)
{
	struct buf text, js, err;
	const char *t, *j;

	cr_assert_eq(t_run(&text, &err, "escapes --dry-run " S "realistic_json.mm.txt"), 0, "%s", err.data);
	cr_assert_eq(run_stdin(&js, S "realistic_json.build.json", "escapes --dry-run -"), 0);
	/* "NAME: N diagnostics (...)": all but the name */
	t = strstr(text.data, ": ");
	j = strstr(js.data, ": ");
	cr_assert(t && j);
	cr_expect_str_eq(j, t);
	buf_release(&text);
	buf_release(&js);
	buf_release(&err);
}

Test(build_json, a_broken_event_is_exit_3_naming_its_line_and_the_store_is_unchanged)
{
	struct buf out, err, before, after;
	const char *db = t_fresh("bjbad.db"), *bad = t_fresh("bad.build.json");
	char want[512];
	FILE *f;

	cr_assert_eq(t_run(&out, &err, "escapes --db '%s' " S "iface_fmt.mm.txt", db), 0, "%s", err.data);
	t_read(&before, db);
	f = fopen(bad, "w");
	cr_assert_not_null(f);
	fputs("{\"ImportPath\":\"p\",\"Action\":\"build-output\",\"Output\":\"# p\\nx.go:1:2: moved to heap: v\\n\"}\n"
	      "{\"ImportPath\":\"p\",\"Action\":\"build-output\",\"Output\":\"x.go:2:2: moved to heap: w\\n\"}\n"
	      "{\"ImportPath\":\"p\",\"Action\":\"build-output\",\"Output\":\"x.go:3:2: moved to heap: \\x\"}\n", f);
	fclose(f);
	cr_expect_eq(t_run(&out, &err, "escapes --db '%s' '%s'", db, bad), 3);
	snprintf(want, sizeof(want), "escprof escapes: '%s':3: not a go build -json event: bad escape at column 79\n",
		 bad);
	cr_expect_str_eq(err.data, want);
	cr_expect_eq(t_run(&out, &err, "analyze " S "iface_fmt.pb.gz '%s'", bad), 3);
	cr_expect(strstr(err.data, "':3: not a go build -json event"), "%s", err.data);
	t_read(&after, db);
	cr_expect(before.len == after.len && !memcmp(before.data, after.data, before.len));
	buf_release(&out);
	buf_release(&err);
	buf_release(&before);
	buf_release(&after);
}
