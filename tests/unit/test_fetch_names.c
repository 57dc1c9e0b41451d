/* test_fetch_names.c — which PROFILE arguments are URLs and how a URL is named, without
 * any network: the forms pprof's adjustURL completes (host:port, an empty path, -seconds
 * replacing the URL's own), and the user name and password that must never be shown. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "profile/profile.h"
#include "tests/testutil.h"

Test(fetch_names, urls_are_told_from_files_as_pprof_tells_them)
{
	static const struct { const char *arg; bool url; } cases[] = {
		{"http://localhost:6060/debug/pprof/heap", true},
		{"HTTPS://example.com/debug/pprof/allocs", true},
		{"localhost:6060", true},
		{"localhost:6060/debug/pprof/allocs", true},
		{"10.0.0.7:6060", true},
		{"[::1]:6060/debug/pprof/heap", true},
		{"heap.pb.gz", false},
		{"-", false},
		{"./localhost:6060", false},
		{"host:", false},
		{"host:http", false},
		{"ftp://example.com/heap", false},
		{"C:\\profiles\\heap.pb.gz", false},
		{"", false},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_expect_eq(profile_is_url(cases[i].arg), cases[i].url, "%s", cases[i].arg);
}

Test(fetch_names, an_existing_file_is_never_a_url)
{
	char dir[4096], path[4200];
	FILE *f;

	snprintf(dir, sizeof(dir), "%s", t_tmpdir());
	cr_assert_eq(chdir(dir), 0);
	snprintf(path, sizeof(path), "%s/myhost:6060", dir);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fclose(f);
	cr_expect(!profile_is_url("myhost:6060"));
	cr_expect(profile_is_url("myhost:6061"));
	remove(path);
}

Test(fetch_names, urls_are_named_as_fetched_without_credentials)
{
	static const struct { const char *arg; unsigned seconds; const char *name; } cases[] = {
		{"localhost:6060", 0, "http://localhost:6060/debug/pprof/heap"},
		{"http://localhost:6060/", 0, "http://localhost:6060/debug/pprof/heap"},
		{"localhost:6060/debug/pprof/allocs", 30, "http://localhost:6060/debug/pprof/allocs?seconds=30"},
		/* -seconds replaces the URL's own, as pprof's values.Set does */
		{"http://h:1/debug/pprof/allocs?seconds=3&debug=0", 30, "http://h:1/debug/pprof/allocs?debug=0&seconds=30"},
		{"http://h:1/debug/pprof/allocs?seconds=3", 0, "http://h:1/debug/pprof/allocs?seconds=3"},
		{"http://user:s3cret@h:1/debug/pprof/heap", 0, "http://h:1/debug/pprof/heap"},
		{"https://user@h/debug/pprof/heap#frag", 0, "https://h/debug/pprof/heap"},
		{"heap.pb.gz", 30, "heap.pb.gz"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct profile_limits lim = {.seconds = cases[i].seconds};
		char *name = profile_source_name(cases[i].arg, &lim);

		cr_assert_not_null(name);
		cr_expect_str_eq(name, cases[i].name, "%s", cases[i].arg);
		free(name);
	}
}

Test(fetch_names, a_url_that_does_not_parse_is_an_error_without_its_password)
{
	struct profile_limits lim = {.timeout = 1};
	struct err e = {0};
	struct buf b;
	char *name = NULL;

	buf_init(&b);
	cr_expect_eq(profile_fetch("http://user:s3cret@bad host:1/x", &lim, &b, &name, &e), ESC_EINPUT);
	cr_expect(!strstr(e.msg, "s3cret"), "%s", e.msg);
	cr_expect(!name || !strstr(name, "s3cret"));
	cr_expect_eq(b.len, 0);
	free(name);
	buf_release(&b);
}
