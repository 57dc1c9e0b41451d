/* test_common.c — the small shared pieces of common/: the one hash map (binary keys, NUL
 * bytes inside keys, growth past its first table), the one path and number helpers, the
 * library opened at first use (found, or missing and said so). The
 * expected values are the definitions in the headers, checked case by case. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/digest.h"
#include "common/dynlib.h"
#include "common/hmap.h"
#include "common/num.h"
#include "common/paths.h"
#include "common/suggest.h"

Test(common, hmap_keys_are_bytes_so_keys_differing_after_a_nul_are_distinct)
{
	struct hmap m;
	static int a, b;
	const char ka[] = {'k', 0, 'a'}, kb[] = {'k', 0, 'b'};
	void **slot;

	hmap_init(&m);
	cr_assert_not_null(slot = hmap_put(&m, ka, sizeof(ka)));
	*slot = &a;
	cr_assert_not_null(slot = hmap_put(&m, kb, sizeof(kb)));
	*slot = &b;
	cr_expect_eq(hmap_get(&m, ka, sizeof(ka)), &a);
	cr_expect_eq(hmap_get(&m, kb, sizeof(kb)), &b);
	cr_expect_null(hmap_get(&m, "k", 1), "a prefix up to the NUL is another key");
	cr_expect_eq(m.len, 2);
	hmap_release(&m);
}

Test(common, hmap_holds_integer_keys_through_many_growths)
{
	struct hmap m;
	int64_t k;
	size_t n = 0, pos = 0;
	const char *key;
	void *v;

	hmap_init(&m);
	for (k = -50000; k < 50000; k++) {
		void **slot = hmap_put(&m, &k, sizeof(k));

		cr_assert_not_null(slot);
		cr_assert_null(*slot, "key %lld inserted twice", (long long)k);
		*slot = (void *)(intptr_t)(k + 1000000);
	}
	cr_expect_eq(m.len, 100000);
	for (k = -50000; k < 50000; k++)
		cr_assert_eq((intptr_t)hmap_get(&m, &k, sizeof(k)), k + 1000000);
	while (hmap_next(&m, &pos, &key, &v))
		n++;
	cr_expect_eq(n, 100000, "the iteration visits every key once");
	k = 50000;
	cr_expect_null(hmap_get(&m, &k, sizeof(k)));
	hmap_release(&m);
}

/* strings held in the parameters themselves: Criterion may run each case in a freshly
 * started copy of the binary, where another process's pointers mean nothing */
struct base_case {
	char path[32], base[32];
};

ParameterizedTestParameters(common, path_base_is_the_last_component)
{
	static struct base_case cases[] = {
		{"/src/x/main.go", "main.go"}, {"main.go", "main.go"},
		{"C:\\work\\app\\main.go", "main.go"}, {"a/b\\c.go", "c.go"},
		{"dir/", "dir/"}, {"", ""}, {"/", "/"},
	};
	return cr_make_param_array(struct base_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct base_case *c, common, path_base_is_the_last_component)
{
	cr_expect_str_eq(path_base(c->path), c->base, "path_base(\"%s\")", c->path);
}

struct suffix_case {
	char path[32], suffix[32];
	int want;
};

ParameterizedTestParameters(common, path_suffixes_match_by_whole_components)
{
	static struct suffix_case cases[] = {
		{"/src/x/main.go", "main.go", 1}, {"/src/x/main.go", "x/main.go", 1},
		{"/src/x/main.go", "in.go", 0}, {"/src/x/main.go", "/src/x/main.go", 1},
		{"main.go", "main.go", 1}, {"x/main.go", "/x/main.go", 0},
		{"C:\\app\\main.go", "main.go", 1}, {"a.go", "aa.go", 0},
	};
	return cr_make_param_array(struct suffix_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct suffix_case *c, common, path_suffixes_match_by_whole_components)
{
	cr_expect_eq(path_has_suffix(c->path, c->suffix), c->want, "\"%s\" ends with \"%s\"", c->path,
		     c->suffix);
}

struct num_case {
	char s[32];
	int ok;
	int64_t v;
};

ParameterizedTestParameters(common, numbers_are_read_whole_and_in_range)
{
	static struct num_case cases[] = {
		{"0", 1, 0}, {"42", 1, 42}, {"-7", 1, -7}, {"1000", 1, 1000},
		{"1001", 0, 0}, {"-1001", 0, 0}, {"", 0, 0}, {"12x", 0, 0}, {"x12", 0, 0},
		{" 5", 0, 0}, {"5 ", 0, 0}, {"99999999999999999999", 0, 0}, {"0x10", 0, 0},
	};
	return cr_make_param_array(struct num_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct num_case *c, common, numbers_are_read_whole_and_in_range)
{
	int64_t v = -12345;
	int iv = -12345;

	cr_expect_eq(num_parse_i64(c->s, -1000, 1000, &v) == 0, c->ok, "\"%s\"", c->s);
	cr_expect_eq(v, c->ok ? c->v : -12345, "\"%s\" leaves the value alone when refused", c->s);
	cr_expect_eq(num_parse_int(c->s, -1000, 1000, &iv) == 0, c->ok, "\"%s\" as int", c->s);
}

Test(common, a_percentage_of_nothing_is_zero)
{
	cr_expect_float_eq(num_pct(1, 4), 25.0, 1e-12);
	cr_expect_float_eq(num_pct(5, 0), 0.0, 0);
	cr_expect_float_eq(num_pct(-1, 2), -50.0, 1e-12);
}

struct real_case {
	char s[32];
	int ok;
	double v;
};

ParameterizedTestParameters(common, decimal_numbers_are_read_whole_finite_and_in_range)
{
	static struct real_case cases[] = {
		{"0", 1, 0}, {"2.5", 1, 2.5}, {"100", 1, 100}, {".5", 1, 0.5}, {"1e1", 1, 10},
		{"100.5", 0, 0}, {"-1", 0, 0}, {"", 0, 0}, {"5%", 0, 0}, {" 5", 0, 0},
		{"0x10", 0, 0}, {"inf", 0, 0}, {"nan", 0, 0}, {"1e999", 0, 0},
	};
	return cr_make_param_array(struct real_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct real_case *c, common, decimal_numbers_are_read_whole_finite_and_in_range)
{
	double v = -7;

	cr_expect_eq(num_parse_double(c->s, 0, 100, &v) == 0, c->ok, "\"%s\"", c->s);
	cr_expect_float_eq(v, c->ok ? c->v : -7, 1e-12, "\"%s\"", c->s);
}

/* Stored stacks are keyed by this hash: a store loaded before must still find its stacks,
 * so its output never changes. The value is the formula worked in Python's integers. */
Test(common, the_stack_hash_is_the_one_stores_were_keyed_by)
{
	struct hash128 h = HASH128_INIT;
	const uint64_t w[] = {1, 2, 3, UINT64_MAX};

	for (size_t i = 0; i < 4; i++)
		h = hash128_add(h, w[i]);
	cr_assert_eq(h.lo, UINT64_C(0x15a936f3f16cd638));
	cr_assert_eq(h.hi, UINT64_C(0x7537d5a2dc99041a));
}

/* path_base takes the last separator of either kind; a trailing one leaves the path. */
Test(common, path_base_is_after_the_last_slash_or_backslash)
{
	cr_assert_str_eq(path_base("a/b/c.go"), "c.go");
	cr_assert_str_eq(path_base("a\\b/c.go"), "c.go");
	cr_assert_str_eq(path_base("a/b\\c.go"), "c.go");
	cr_assert_str_eq(path_base("c.go"), "c.go");
	cr_assert_str_eq(path_base("a/b/"), "a/b/");
	cr_assert_str_eq(path_base(""), "");
}

/* "did you mean": the closest word within a third of its length, none when nothing is */
Test(common, suggest_finds_the_word_meant_and_nothing_when_none_is_close)
{
	static const char *const words[] = {"alloc_space", "alloc_objects", "inuse_space", "inuse_objects"};
	static const char *const units[] = {"B", "KiB", "MiB", "GiB"};

	cr_assert_str_eq(suggest("alloc_spac", words, 4), "alloc_space");
	cr_assert_str_eq(suggest("inuse_sapce", words, 4), "inuse_space");	/* a swap */
	cr_assert_str_eq(suggest("ALLOC_SPACE", words, 4), "alloc_space");	/* case */
	cr_assert_str_eq(suggest("Mib", units, 4), "MiB");
	cr_assert_str_eq(suggest("MiBB", units, 4), "MiB");
	cr_assert_null(suggest("bytes", words, 4));
	cr_assert_null(suggest("zzz", units, 4));
	cr_assert_null(suggest("anything", words, 0));
}

/* zlib is on every machine escprof builds on: opened, its functions found, once */
Test(common, a_library_opened_at_first_use_finds_its_functions)
{
	static const char *const names[] = {"zlibVersion", "crc32"};
	static void *fns[2];
	static struct dynlib z = {"libz.so.1", "zlib1g", "a test", names, fns, 2, 0, 0, ""};
	struct err e = {0};
	const char *(*version)(void);

	cr_assert_eq(dynlib_load(&z, &e), ESC_OK, "%s", e.msg);
	cr_assert(dynlib_ready(&z));
	cr_assert_not_null(fns[0]);
	cr_assert_not_null(fns[1]);
	version = (const char *(*)(void))fns[0];
	cr_assert_eq(version()[0], '1', "zlib %s", version());
}

/* a missing library, or a function the library lacks: the one-line error names the
 * library, what needs it and the package to install; later calls do not try again */
Test(common, a_library_that_cannot_be_opened_says_what_to_install)
{
	static const char *const names[] = {"f"};
	static void *fns[1];
	static struct dynlib none = {"libescprof-none.so.9", "libnone9", "a test of a missing library",
				     names, fns, 1, 0, 0, ""};
	static const char *const bad[] = {"zlibVersion", "no_such_function_in_zlib"};
	static void *badfns[2];
	static struct dynlib lacking = {"libz.so.1", "zlib1g", "a test of a lacking library", bad,
					badfns, 2, 0, 0, ""};
	struct err e = {0};

	cr_assert_eq(dynlib_load(&none, &e), ESC_EINPUT);
	cr_assert(strstr(e.msg, "a test of a missing library needs libescprof-none.so.9"), "%s", e.msg);
	cr_assert(strstr(e.msg, "apt-get install libnone9"), "%s", e.msg);
	cr_assert_null(strchr(e.msg, '\n'), "%s", e.msg);
	cr_assert_not(dynlib_ready(&none));
	cr_assert_eq(none.tried, 1);
	err_clear(&e);
	cr_assert_eq(dynlib_load(&lacking, &e), ESC_EINPUT);
	cr_assert(strstr(e.msg, "it has no no_such_function_in_zlib"), "%s", e.msg);
	cr_assert_not(dynlib_ready(&lacking));
}

