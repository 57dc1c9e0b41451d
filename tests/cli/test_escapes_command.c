/* test_escapes_command.c — `escprof escapes` end to end: what the diagnostics and flow_steps views
 * hold for real compiler output, counted independently here (grep-style), one block read
 * back step by step as printed, the text and -json forms of one build agreeing, the Go
 * version, and bad inputs leaving the database as it was. */
#include <criterion/criterion.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/testutil.h"

static const char *db_path(const char *name)
{
	return t_fresh("esc-%s.db", name);
}

/* lines of path containing needle (the oracle: what grep -c would say) */
static long long grep_c(const char *path, const char *needle)
{
	struct buf b;
	long long n = 0;
	char *line, *save = NULL;

	t_read(&b, path);
	for (line = strtok_r(b.data, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (strstr(line, needle))
			n++;
	buf_release(&b);
	return n;
}

Test(escapes, every_sample_log_stores_one_diagnostic_per_summary_line)
{
	glob_t g;
	char pat[4096];
	size_t i;

	snprintf(pat, sizeof(pat), "%s/sample-profiles/out/go*/*.mm.txt", t_src());
	cr_assert_eq(glob(pat, 0, NULL, &g), 0);
	cr_assert_geq(g.gl_pathc, 60);
	for (i = 0; i < g.gl_pathc; i++) {
		const char *db = db_path("count");
		const char *log = g.gl_pathv[i];
		char sql[1024];
		struct buf err;

		if (strstr(log, ".trimpath."))
			continue;
		cr_assert_eq(t_run(NULL, &err, "escapes -q --db '%s' '%s'", db, log), 0, "%s: %s", log, err.data);
		buf_release(&err);
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM diagnostics WHERE kind = 'moved_to_heap'");
		cr_expect_eq(t_sql_int(db, sql), grep_c(log, ": moved to heap: "), "%s moved_to_heap", log);
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM diagnostics WHERE kind = 'cannot_inline'");
		cr_expect_eq(t_sql_int(db, sql), grep_c(log, ": cannot inline "), "%s cannot_inline", log);
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM diagnostics WHERE kind = 'inline'");
		cr_expect_eq(t_sql_int(db, sql), grep_c(log, ": can inline ") + grep_c(log, ": inlining call to "),
			     "%s inline", log);
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM diagnostics WHERE kind = 'append_escapes'");
		cr_expect_eq(t_sql_int(db, sql), grep_c(log, ": append escapes to heap"), "%s append", log);
		/* every step line of the log is stored once */
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM flow_steps");
		cr_expect_eq(t_sql_int(db, sql), grep_c(log, ":   flow: ") + grep_c(log, ":     from ") +
					  grep_c(log, ":   warning: "), "%s steps", log);
		unlink(db);
	}
	globfree(&g);
}

/* ./main.go:17:2 in the Go 1.22 sample (go-escape-messages.md §6.1), as printed:
 *   ./main.go:17:2: t escapes to heap:
 *   ./main.go:17:2:   flow: ~r0 = &t:
 *   ./main.go:17:2:     from &t (address-of) at ./main.go:18:9
 *   ./main.go:17:2:     from return &t (return) at ./main.go:18:2
 *   ./main.go:17:2: moved to heap: t */
Test(escapes, a_block_is_stored_step_by_step_as_printed)
{
	const char *sh = t_shared();
	const char *db = db_path("block");
	struct buf out;

	if (!sh)
		cr_skip_test("../shared is absent");
	cr_assert_eq(t_run(NULL, NULL, "escapes -q --db '%s' '%s/reference/gc-samples/m-out-mm-1.22.txt'", db, sh), 0);
	cr_assert_eq(t_run(&out, NULL, "sql --db '%s' --format tsv \"SELECT s.seq, s.kind, s.dst, s.src, s.derefs,"
			   " s.why, s.expr, s.file, s.line, s.col FROM diagnostics d JOIN flow_steps s USING"
			   " (build_id, diag_id) WHERE d.line = 17 AND d.col = 2 AND d.kind = 'moved_to_heap'"
			   " ORDER BY s.seq\"", db), 0);
	cr_expect_str_eq(out.data,
			 "seq\tkind\tdst\tsrc\tderefs\twhy\texpr\tfile\tline\tcol\n"
			 "1\tflow\t~r0\tt\t-1\t\t\t\t\t\n"
			 "2\tfrom\t\t\t\taddress-of\t&t\t./main.go\t18\t9\n"
			 "3\tfrom\t\t\t\treturn\treturn &t\t./main.go\t18\t2\n");
	cr_expect_eq(t_sql_int(db, "SELECT count(*) FROM diagnostics WHERE line = 17 AND col = 2"), 1,
		     "header and summary are one diagnostic");
	buf_release(&out);
}

Test(escapes, the_arrow_form_of_go_1_25_is_stored_alike)
{
	const char *sh = t_shared();
	const char *db = db_path("arrow");
	struct buf out;

	if (!sh)
		cr_skip_test("../shared is absent");
	cr_assert_eq(t_run(NULL, NULL, "escapes -q --db '%s' '%s/reference/gc-samples/m-out-mm-1.26.txt'", db, sh), 0);
	cr_assert_eq(t_run(&out, NULL, "sql --db '%s' --format tsv \"SELECT d.func, s.kind, s.dst, s.src,"
			   " s.derefs, s.why FROM diagnostics d JOIN flow_steps s USING (build_id, diag_id)"
			   " WHERE d.line = 36 AND d.col = 13 AND d.kind = 'escapes' ORDER BY s.seq\"", db), 0);
	/* ./main.go:36:13: make([]byte, 1048576) escapes to heap in makes:
	 *   flow: {heap} ← &{storage for make([]byte, 1048576)}:
	 *     from make([]byte, 1048576) (too large for stack) at ./main.go:36:13 */
	cr_expect_str_eq(out.data,
			 "func\tkind\tdst\tsrc\tderefs\twhy\n"
			 "makes\tflow\t{heap}\t{storage for make([]byte, 1048576)}\t-1\t\n"
			 "makes\tfrom\t\t\t\ttoo large for stack\n");
	cr_expect_eq(t_sql_int(db, "SELECT count(*) FROM builds WHERE go_version = 'go1.25+'"), 1);
	buf_release(&out);
}

static void same_sets(const char *db, long long tb, long long jb)
{
	char sql[2048];
	const char *kinds = "('moved_to_heap','escapes','leaking_param','leaking_param_content',"
			    "'leaking_param_to_result','cannot_inline')";

	/* the set of (file base name, line, col, kind) in one and not the other, both ways */
	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM (SELECT replace(file, rtrim(file, replace(file, '/', '')), ''),"
		 " line, col, kind FROM diagnostics WHERE build_id = %lld AND kind IN %s EXCEPT"
		 " SELECT replace(file, rtrim(file, replace(file, '/', '')), ''), line, col, kind FROM"
		 " diagnostics WHERE build_id = %lld AND kind IN %s)", tb, kinds, jb, kinds);
	cr_expect_eq(t_sql_int(db, sql), 0, "text has diagnostics the json lacks");
	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM (SELECT replace(file, rtrim(file, replace(file, '/', '')), ''),"
		 " line, col, kind FROM diagnostics WHERE build_id = %lld AND kind IN %s EXCEPT"
		 " SELECT replace(file, rtrim(file, replace(file, '/', '')), ''), line, col, kind FROM"
		 " diagnostics WHERE build_id = %lld AND kind IN %s)", jb, kinds, tb, kinds);
	cr_expect_eq(t_sql_int(db, sql), 0, "json has diagnostics the text lacks");
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM diagnostics WHERE build_id = %lld AND kind IN %s", tb, kinds);
	cr_expect_gt(t_sql_int(db, sql), 3);
}

Test(escapes, the_text_and_json_forms_of_one_build_agree)
{
	static const char *const scen[] = {"pointer_returned", "iface_fmt", "closure_capture", "map_insert"};
	static const char *const vers[] = {"go1.19", "go1.26"};
	size_t i, v;

	for (v = 0; v < 2; v++)
		for (i = 0; i < 4; i++) {
			const char *db = db_path("twins");

			cr_assert_eq(t_run(NULL, NULL, "escapes -q --db '%s' sample-profiles/out/%s/%s.mm.txt"
					   " sample-profiles/out/%s/%s.json", db, vers[v], scen[i], vers[v], scen[i]), 0);
			same_sets(db, 1, 2);
			cr_expect_eq(t_sql_int(db, "SELECT count(*) FROM builds WHERE build_id = 2 AND go_version LIKE 'go1.%.%'"), 1);
		}
}

Test(escapes, a_file_with_no_diagnostics_is_exit_3_and_changes_nothing)
{
	const char *sh = t_shared();
	const char *db = db_path("neg");
	struct buf before, after, err;
	char empty[512];

	cr_assert_eq(t_run(NULL, NULL, "escapes -q --db '%s' sample-profiles/out/go1.26/chan_send.mm.txt", db), 0);
	t_read(&before, db);
	snprintf(empty, sizeof(empty), "%s/empty-%d.log", t_tmpdir(), getpid());
	t_write(empty, "", 0);
	cr_expect_eq(t_run(NULL, &err, "escapes --db '%s' '%s'", db, empty), 3);
	cr_expect(strstr(err.data, "no Go compiler diagnostics found"), "%s", err.data);
	if (sh) {
		cr_expect_eq(t_run(NULL, &err, "escapes --db '%s' '%s/corpus/escape-logs/negative_vnet_gctrace_not_escape.log'",
				   db, sh), 3);
		cr_expect(strstr(err.data, "negative_vnet_gctrace_not_escape.log"), "%s", err.data);
	}
	/* a good log before a bad one: the good one is its own transaction and stays */
	cr_expect_eq(t_run(NULL, &err, "escapes --db '%s' '%s' sample-profiles/out/go1.26/map_insert.mm.txt", db, empty), 3);
	t_read(&after, db);
	cr_expect(before.len == after.len && !memcmp(before.data, after.data, before.len),
		  "database bytes changed");
	cr_expect_eq(t_run(NULL, &err, "escapes --db '%s' /nonexistent/build.log", db), 3);
	buf_release(&before);
	buf_release(&after);
	buf_release(&err);
}

Test(escapes, the_same_build_twice_is_stored_once_and_the_version_can_be_given)
{
	const char *db = db_path("dup");
	struct buf out;

	cr_assert_eq(t_run(NULL, NULL, "escapes -q --db '%s' --go-version go1.19.8 sample-profiles/out/go1.19/chan_send.mm.txt", db), 0);
	cr_assert_eq(t_run(&out, NULL, "escapes --db '%s' sample-profiles/out/go1.19/chan_send.mm.txt", db), 0);
	cr_expect(strstr(out.data, "already stored as build 1"), "%s", out.data);
	cr_expect_eq(t_sql_int(db, "SELECT count(*) FROM builds"), 1);
	cr_expect_eq(t_sql_int(db, "SELECT count(*) FROM builds WHERE go_version = 'go1.19.8'"), 1);
	cr_assert_eq(t_run(&out, NULL, "escapes --dry-run --format json sample-profiles/out/go1.19/chan_send.mm.txt"), 0);
	cr_expect(strstr(out.data, "\"build_id\": null") && strstr(out.data, "\"go_version\": \"go1.14-1.24\""),
		  "%s", out.data);
	buf_release(&out);
}

Test(escapes, windows_utf16_logs_store_like_their_utf8_transcoding)
{
	const char *sh = t_shared();
	const char *db = db_path("utf16");
	char u8[512], cmd[2048];

	if (!sh)
		cr_skip_test("../shared is absent");
	snprintf(u8, sizeof(u8), "%s/u8-%d.txt", t_tmpdir(), getpid());
	snprintf(cmd, sizeof(cmd), "iconv -f UTF-16 -t UTF-8 '%s/corpus/escape-logs/m1_discordcore_utf16le_powershell.txt' > '%s'",
		 sh, u8);
	if (system(cmd))
		cr_skip_test("iconv is not available");
	cr_assert_eq(t_run(NULL, NULL, "escapes -q --db '%s' '%s/corpus/escape-logs/m1_discordcore_utf16le_powershell.txt'",
			   db, sh), 0);
	cr_expect_gt(t_sql_int(db, "SELECT count(*) FROM diagnostics WHERE build_id = 1"), 500);
	/* the content digest covers every diagnostic and step: the transcoding is the same build */
	{
		struct buf out;

		cr_assert_eq(t_run(&out, NULL, "escapes --db '%s' '%s'", db, u8), 0);
		cr_expect(strstr(out.data, "already stored as build 1"), "%s", out.data);
		buf_release(&out);
	}
	cr_expect_eq(t_sql_int(db, "SELECT count(*) FROM builds"), 1);
}

Test(escapes, every_corpus_log_parses)
{
	const char *sh = t_shared();
	glob_t g;
	char pat[4096];
	size_t i;

	if (!sh)
		cr_skip_test("../shared is absent");
	snprintf(pat, sizeof(pat), "%s/corpus/escape-logs/*.txt", sh);
	cr_assert_eq(glob(pat, 0, NULL, &g), 0);
	for (i = 0; i < g.gl_pathc; i++) {
		struct buf out, err;

		cr_expect_eq(t_run(&out, &err, "escapes --dry-run '%s'", g.gl_pathv[i]), 0, "%s: %s",
			     g.gl_pathv[i], err.data);
		buf_release(&out);
		buf_release(&err);
	}
	globfree(&g);
}
