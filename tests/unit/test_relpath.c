/* test_relpath.c — a profile's path made relative to the repository for code scanning
 * (classify_source_relative, classify_local_relative): what -trim_path leaves, what a
 * -trimpath build wrote already, what the sources find under the root; and nothing —
 * never an absolute path, never one climbing out with "..". The expected paths are the
 * inputs with their prefix removed by hand. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "classify/classify.h"
#include "tests/testutil.h"

struct rel_case {
	char trim[64];
	char path[96];
	char want[64];		/* "" when the path cannot be made relative */
};

ParameterizedTestParameters(relpath, a_path_is_relative_after_the_trim_or_not_at_all)
{
	static struct rel_case v[] = {
		{"/build", "/build/pkg/x.go", "pkg/x.go"},
		{"/build/", "/build/pkg/x.go", "pkg/x.go"},
		{"/other:/build", "/build/pkg/x.go", "pkg/x.go"},
		{"/build", "/buildx/pkg/x.go", ""},		/* a prefix is whole components */
		{"", "/build/pkg/x.go", ""},			/* a build path, no trim */
		{"", "/usr/local/go/src/runtime/malloc.go", ""},
		{"", "example.com/app/pkg/x.go", "example.com/app/pkg/x.go"},	/* -trimpath */
		{"example.com/app", "example.com/app/pkg/x.go", "pkg/x.go"},
		{"", "./pkg/../x.go", "x.go"},
		{"", "../sib/x.go", ""},
		{"/build", "/build/../etc/passwd", ""},
		{"", "pkg\\win\\x.go", "pkg/win/x.go"},
		{"", "C:\\build\\x.go", ""},
		{"", "/proc/self/cwd/pkg/x.go", "pkg/x.go"},	/* a container's build */
		{"/build", "/build", ""},
	};
	return cr_make_param_array(struct rel_case, v, sizeof(v) / sizeof(v[0]));
}

ParameterizedTest(struct rel_case *c, relpath, a_path_is_relative_after_the_trim_or_not_at_all)
{
	struct classify_sources s;
	char out[256];
	int rc;

	classify_sources_init(&s, NULL, 0, c->trim[0] ? c->trim : NULL);
	/* a root that holds none of these files: only the path's own text decides */
	rc = classify_source_relative(&s, "/nonexistent-root", c->path, out, sizeof(out));
	if (c->want[0]) {
		cr_expect_eq(rc, 0, "%s (trim %s) not made relative", c->path, c->trim);
		cr_expect_str_eq(out, c->want, "%s (trim %s)", c->path, c->trim);
	} else {
		cr_expect_eq(rc, -1, "%s (trim %s) made '%s'", c->path, c->trim, rc ? "" : out);
	}
	classify_sources_release(&s);
}

static void mkdirs(const char *path)
{
	char p[PATH_MAX];
	size_t i;

	snprintf(p, sizeof(p), "%s", path);
	for (i = 1; p[i]; i++)
		if (p[i] == '/') {
			p[i] = '\0';
			mkdir(p, 0777);
			p[i] = '/';
		}
	mkdir(p, 0777);
}

/* A build path found under a source directory inside the root is the root's file; one
 * found outside the root is not the repository's. */
Test(relpath, a_file_the_sources_find_under_the_root_is_named_from_the_root)
{
	char root[PATH_MAX], src[PATH_MAX + 16], out[256], budget[PATH_MAX + 32];
	const char *base = t_fresh("relroot"), *outside = t_fresh("relout");
	const char *dirs[1];
	struct classify_sources s;

	mkdirs(base);
	cr_assert_not_null(realpath(base, root));
	snprintf(src, sizeof(src), "%s/svc/pkg", root);
	mkdirs(src);
	snprintf(src, sizeof(src), "%s/svc/pkg/x.go", root);
	t_write(src, "package pkg\n", 12);
	dirs[0] = root;
	classify_sources_init(&s, dirs, 1, NULL);
	/* pprof's search: leading components dropped until root/svc/pkg/x.go exists */
	cr_expect_eq(classify_source_relative(&s, root, "/gone/ci/svc/pkg/x.go", out, sizeof(out)), 0);
	cr_expect_str_eq(out, "svc/pkg/x.go");
	/* the file itself, by its absolute path, as on the machine that built it */
	cr_expect_eq(classify_source_relative(&s, root, src, out, sizeof(out)), 0);
	cr_expect_str_eq(out, "svc/pkg/x.go");
	classify_sources_release(&s);
	/* the same file is outside another root: nothing */
	mkdirs(outside);
	dirs[0] = root;
	classify_sources_init(&s, dirs, 1, NULL);
	cr_assert_not_null(realpath(outside, budget));
	cr_expect_eq(classify_source_relative(&s, budget, "/gone/ci/svc/pkg/x.go", out, sizeof(out)), -1);
	classify_sources_release(&s);

	/* the budget, a file of this machine */
	snprintf(budget, sizeof(budget), "%s/svc/mem.budget", root);
	t_write(budget, "total alloc_space <= 1\n", 23);
	cr_expect_eq(classify_local_relative(root, budget, out, sizeof(out)), 0);
	cr_expect_str_eq(out, "svc/mem.budget");
	snprintf(src, sizeof(src), "%s/svc", root);
	cr_expect_eq(classify_local_relative(src, budget, out, sizeof(out)), 0);
	cr_expect_str_eq(out, "mem.budget");
	cr_assert_not_null(realpath(outside, src));
	cr_expect_eq(classify_local_relative(src, budget, out, sizeof(out)), -1);
	cr_expect_eq(classify_local_relative(root, "/nonexistent/mem.budget", out, sizeof(out)), -1);
}
