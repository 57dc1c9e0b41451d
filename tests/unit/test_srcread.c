/* test_srcread.c — the join's reading of Go source (classify/srcread.c) on a small package
 * written here: each sink the compiler leaves unsaid when it prints only a size, maps and
 * methods told by their declarations, deferred calls, lines with no diagnostic. The
 * expected answers are what the Go below does, read by hand. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "classify/srcread.h"
#include "tests/testutil.h"

static const char pkg_go[] =
	"package shop\n"					/* 1 */
	"\n"
	"type Header map[string][]string\n"
	"\n"
	"type Cart struct {\n"					/* 5 */
	"\titems map[string]int\n"
	"\tbuf   []byte\n"
	"}\n"
	"\n"
	"func (c *Cart) reset(buf []byte) {\n"			/* 10 */
	"\t*c = Cart{\n"
	"\t\tbuf: buf,\n"
	"\t}\n"
	"}\n"
	"\n"							/* 15 */
	"func returned(n int) []byte {\n"
	"\tb := make([]byte, n)\n"
	"\tb[0] = 1\n"
	"\treturn b[:n]\n"
	"}\n"							/* 20 */
	"\n"
	"func named(n int) (out []int) {\n"
	"\tout = make([]int, n)\n"
	"\treturn\n"
	"}\n"							/* 25 */
	"\n"
	"func local(n int) int {\n"
	"\tb := make([]byte, n)\n"
	"\treturn len(b) + int(b[0])\n"
	"}\n"							/* 30 */
	"\n"
	"func (c *Cart) fill(n int) {\n"
	"\tc.buf = make([]byte, n)\n"
	"\tc.reset(make([]byte, n))\n"
	"\th := Header{}\n"					/* 35 */
	"\th[\"k\"] = make([]string, n)\n"
	"\tc.items[\"x\"] = 1\n"
	"}\n"
	"\n"
	"func lit(n int) *Cart {\n"				/* 40 */
	"\treturn &Cart{\n"
	"\t\tbuf: make([]byte, n),\n"
	"\t}\n"
	"}\n"
	"\n"							/* 45 */
	"func send(ch chan []byte, n int) {\n"
	"\tb := make([]byte, n)\n"
	"\tch <- b\n"
	"}\n"
	"\n"							/* 50 */
	"func work(c *Cart) {\n"
	"\tdefer c.reset(nil)\n"
	"\tc.items = nil\n"
	"}\n";

static struct classify_sources src;
static struct srcread sr;
static struct hmap map_puts;
static char dir[512];

static void setup(void)
{
	char path[600];
	static const char *dirs[1];

	snprintf(dir, sizeof(dir), "%s/srcread-%d", t_tmpdir(), getpid());
	snprintf(path, sizeof(path), "mkdir -p '%s/shop'", dir);
	cr_assert_eq(system(path), 0);
	snprintf(path, sizeof(path), "%s/shop/cart.go", dir);
	t_write(path, pkg_go, sizeof(pkg_go) - 1);
	dirs[0] = dir;
	classify_sources_init(&src, dirs, 1, NULL);
	hmap_init(&map_puts);
	srcread_init(&sr, &src, &map_puts);
}

static void teardown(void)
{
	char cmd[600];

	srcread_release(&sr);
	hmap_release(&map_puts);
	classify_sources_release(&src);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_expect_eq(system(cmd), 0);
}

/* a frame of the package at that line, as a profile built in /build would name it */
static struct store_frame at(int64_t line)
{
	return (struct store_frame){"example.com/shop.f", "/build/shop/cart.go", line, 0};
}

static const char *sink(int64_t line, const char *subject)
{
	struct store_frame f = at(line);
	int64_t lit = 0;
	const char *s = srcread_sink(&sr, &f, subject, &lit);

	return s ? s : "(local)";
}

TestSuite(srcread, .init = setup, .fini = teardown);

Test(srcread, a_make_explained_by_its_size_takes_the_sink_the_source_shows)
{
	cr_expect_str_eq(sink(17, "make([]byte, n)"), "pointer-returned");	/* return b[:n] */
	cr_expect_str_eq(sink(23, "make([]int, n)"), "pointer-returned");	/* a named result */
	cr_expect_str_eq(sink(28, "make([]byte, n)"), "(local)");		/* len(b), b[0]: copies */
	cr_expect_str_eq(sink(33, "make([]byte, n)"), "global-store");	/* c.buf = */
	cr_expect_str_eq(sink(34, "make([]byte, n)"), "global-store");	/* reset stores *c = Cart{buf: buf} */
	cr_expect_str_eq(sink(36, "make([]string, n)"), "map-store");	/* h is a Header, a map type */
	cr_expect_str_eq(sink(47, "make([]byte, n)"), "channel-send");
}

Test(srcread, a_field_of_a_literal_takes_the_literals_fate)
{
	struct store_frame f = at(42);
	int64_t lit = 0;

	cr_expect_eq(srcread_sink(&sr, &f, "make([]byte, n)", &lit), SRCREAD_LITERAL);
	cr_expect_eq(lit, 41);
}

Test(srcread, maps_and_methods_are_told_by_their_declarations)
{
	struct store_frame f = at(37);

	cr_expect(srcread_indexes_map(&sr, &f, "c.items[\"x\"]", 12));
	cr_expect(srcread_indexes_map(&sr, &f, "h[\"k\"]", 6));
	cr_expect(!srcread_indexes_map(&sr, &f, "b[0]", 4));
	cr_expect(srcread_assigns_map(&sr, &f));
	cr_expect(srcread_declared(&sr, &f, "reset", 5, SRCREAD_METHOD));
	cr_expect(!srcread_declared(&sr, &f, "returned", 8, SRCREAD_METHOD));
}

Test(srcread, a_deferred_call_is_found_from_the_return)
{
	struct store_frame f[2] = {{"example.com/shop.(*Cart).reset", "/build/shop/cart.go", 11, 0},
				   {"example.com/shop.work", "/build/shop/cart.go", 53, 0}};

	cr_expect(srcread_deferred(&sr, f, 1));
	f[0].function = "example.com/shop.local";
	cr_expect(!srcread_deferred(&sr, f, 1));
}

Test(srcread, written_on_reads_the_compilers_spelling)
{
	cr_expect_eq(srcread_written_on("&io.LimitedReader{...}", "return &LimitedReader{r, n}"), 1);
	cr_expect_eq(srcread_written_on("([]byte)(s)", "b := []byte(s)"), 1);
	cr_expect_eq(srcread_written_on("sub.buf", "buf := make([]byte, 8)"), 1);
	cr_expect_eq(srcread_written_on("&node{...}", "n := p.node(kind)"), 0);
	cr_expect_eq(srcread_written_on("... argument", "fmt.Println(x)"), -1);
}

Test(srcread, a_line_without_a_diagnostic_says_what_it_grows)
{
	double conf;
	static const char *const lines[] = {"s = append(s, v)", "m[k] = v", "ch := make(chan int, 8)",
					    "x := string(b)", "return n + 1"};
	static const char *const want[] = {"append-growth", "map-growth", "channel-make", "string-build", NULL};
	size_t i;

	for (i = 0; i < 5; i++) {
		const char *c = srcread_line_cause(lines[i], strlen(lines[i]), 0, &conf);

		if (want[i])
			cr_expect_str_eq(c, want[i], "%s", lines[i]);
		else
			cr_expect_null(c, "%s", lines[i]);
	}
	/* a map made inside a dependency is not growth */
	cr_expect_null(srcread_line_cause("m := make(map[string]int)", 25, 1, &conf));
	cr_expect(srcread_explicit_rhs("h[k] = []string{v}", 18));
	cr_expect(!srcread_explicit_rhs("h[k] = v", 8));
}
