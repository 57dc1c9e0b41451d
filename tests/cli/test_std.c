/* test_std.c — the standard library as a real case: benchmark heap profiles of
 * encoding/json, go/parser and regexp joined with the -m -m output of the same test
 * binaries (sample-profiles/std/). The oracle is computed here from pprof's -raw dump and
 * the log's own lines: every byte whose leaf line carries an allocating diagnostic must be
 * joined (no misses from path or line handling), and with the sources at hand at least
 * 95% of alloc_space must get a cause other than unknown. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/hmap.h"
#include "tests/testutil.h"

/* the same file seen by the log and by the profile: GOROOT and $WORK prefixes dropped */
static const char *strip(const char *p)
{
	static const char *const pre[] = {"/usr/local/go/src/", "$WORK/"};
	size_t i;

	for (i = 0; i < 2; i++)
		if (!strncmp(p, pre[i], strlen(pre[i]))) {
			p += strlen(pre[i]);
			if (i == 1 && strchr(p, '/'))	/* $WORK/b001/_testmain.go */
				p = strchr(p, '/') + 1;
		}
	return p;
}

/* lines of the log that allocate: "moved to heap: x", "... escapes to heap[ in f][:]",
 * except constants converted to interfaces, which point at read-only data */
static void allocating_lines(const char *log, struct hmap *lines)
{
	struct buf b;
	char *line, *save = NULL;

	t_read(&b, log);
	for (line = strtok_r(b.data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char file[1024], key[1100], *msg;
		int ln, col, n = 0;
		size_t ml;

		if (sscanf(line, "%1023[^:]:%d:%d: %n", file, &ln, &col, &n) != 3 || !n)
			continue;
		msg = line + n;
		ml = strlen(msg);
		if (ml && msg[ml - 1] == ':')
			msg[--ml] = '\0';
		if (strstr(msg, " escapes to heap in "))
			*strstr(msg, " escapes to heap in ") = '\0', ml = strlen(msg), strcat(msg, " escapes to heap"),
			ml = strlen(msg);
		if (strncmp(msg, "moved to heap: ", 15) &&
		    !(ml > 16 && !strcmp(msg + ml - 16, " escapes to heap")))
			continue;
		if (msg[0] == '"' || (msg[0] == '(' && strstr(msg, "(\"")))
			continue;
		snprintf(key, sizeof(key), "%s:%d", strip(file), ln);
		*hmap_put(lines, key, strlen(key)) = (void *)1;
	}
	buf_release(&b);
}

/* bytes of the profile per leaf "file:line" among lines, from -raw, for leaves in the
 * package under test (import path prefix); returns the total. A leaf elsewhere (a
 * standard-library generic such as sync.OnceValue[...] reported in this package's log,
 * internal/sync) is located at the package's own calling line by design: the real-code
 * cases test that. */
static long long leaf_bytes_at(const char *raw, const char *import, const struct hmap *lines,
			       struct hmap *per_line)
{
	struct t_raw r;
	long long total;
	size_t i, il = strlen(import);

	t_raw_read(&r, raw);
	for (i = 0; i < r.n; i++) {
		const char *fl = r.s[i].pos ? strip(r.s[i].pos) : NULL;
		const char *fn = r.s[i].function;

		if (!fn || strncmp(fn, import, il) || (fn[il] != '.' && fn[il] != '/'))
			continue;
		if (fl && hmap_get(lines, fl, strlen(fl))) {
			void **slot = hmap_put(per_line, fl, strlen(fl));

			*slot = (void *)((long long)(intptr_t)*slot + r.s[i].alloc_space);
		}
	}
	total = r.total;
	t_raw_release(&r);
	return total;
}

static const char *const pkgs[] = {"encoding_json", "go_parser", "regexp"};
static const char *const imports[] = {"encoding/json", "go/parser", "regexp"};

static void check_package(int minor, const char *pkg, const char *import)
{
	char base[512], db[512], src[512];
	struct hmap lines, per_line;
	struct buf out;
	json_t *j;
	json_error_t je;
	struct stat sb;
	long long total;
	size_t pos = 0;
	const char *k;
	void *v;
	int have_src;
	long long joinable = 0;

	snprintf(base, sizeof(base), "sample-profiles/std/go1.%d/%s", minor, pkg);
	snprintf(db, sizeof(db), "%s/std-%d-%s-%d.db", t_tmpdir(), minor, pkg, getpid());
	unlink(db);
	hmap_init(&lines);
	hmap_init(&per_line);
	allocating_lines(t_path("%s.mm.txt", base), &lines);
	total = leaf_bytes_at(t_path("%s.raw.txt", base), import, &lines, &per_line);
	cr_assert_eq(total, t_expect(t_path("%s.expect", base), "alloc_space"));
	/* the sources of that Go version, when installed, for what the compiler never reports */
	snprintf(src, sizeof(src), "/usr/share/go-1.%d/src", minor);
	have_src = stat(src, &sb) == 0;
	cr_assert_eq(t_run(&out, NULL, "analyze --db '%s' --format json -sample_index alloc_space %s%s %s.pb.gz %s.mm.txt",
			   db, have_src ? "-source_path " : "", have_src ? src : "", base, base), 0);
	j = json_loads(out.data, 0, &je);
	cr_assert_not_null(j);
	cr_expect_eq(json_integer_value(json_object_get(j, "total")), total);
	if (have_src)
		cr_expect_geq(json_number_value(json_object_get(json_object_get(j, "coverage"), "attributed_pct")), 95.0,
			      "go1.%d %s: under 95%% attributed", minor, pkg);
	else if (minor >= 25)
		cr_expect_geq(json_number_value(json_object_get(json_object_get(j, "coverage"), "attributed_pct")), 95.0,
			      "go1.%d %s: under 95%% attributed (1.25+ reports appends itself)", minor, pkg);
	json_decref(j);
	buf_release(&out);
	/* no misses: at every leaf line with an allocating diagnostic, escprof joined at least
	 * the bytes the oracle puts there */
	cr_expect_gt(per_line.len, 10, "go1.%d %s: the oracle found only %zu joinable lines", minor, pkg,
		     per_line.len);
	while (hmap_next(&per_line, &pos, &k, &v)) {
		char file[1024], sql[2048], *colon;
		long long want = (long long)(intptr_t)v, got;

		snprintf(file, sizeof(file), "%s", k);
		colon = strrchr(file, ':');
		*colon = '\0';
		snprintf(sql, sizeof(sql), "SELECT coalesce(sum(alloc_space), 0) FROM alloc_sites WHERE"
			 " diag_id IS NOT NULL AND line = %s AND (file = '%s' OR file LIKE '%%/%s')",
			 colon + 1, file, file);
		cr_assert_eq(t_run(&out, NULL, "sql --db '%s' --format tsv \"%s\"", db, sql), 0);
		got = atoll(strchr(out.data, '\n') + 1);
		cr_expect_geq(got, want, "go1.%d %s: %s: %lld bytes joined, %lld at an allocating line",
			      minor, pkg, k, got, want);
		joinable += want;
		buf_release(&out);
	}
	/* the oracle's share, for the record: go1.26 regexp puts 98% of its bytes there */
	cr_log_info("go1.%d %s: %lld of %lld bytes at allocating lines (%.1f%%)", minor, pkg, joinable,
		    total, 100.0 * (double)joinable / (double)total);
	cr_expect_gt(joinable, total / 20);
	hmap_release(&lines);
	hmap_release(&per_line);
	unlink(db);
}

Test(std, encoding_json_go_parser_and_regexp_with_go_1_19)
{
	size_t i;

	for (i = 0; i < 3; i++)
		check_package(19, pkgs[i], imports[i]);
}

Test(std, encoding_json_go_parser_and_regexp_with_go_1_26)
{
	size_t i;

	for (i = 0; i < 3; i++)
		check_package(26, pkgs[i], imports[i]);
}
