/* test_fetch.c — profiles read from URLs, with no network past this machine: each test
 * forks a small HTTP/1.1 server on 127.0.0.1 (an ephemeral port) that serves a real sample
 * profile, a 404, redirects (and a loop of them), a body over --max-size with and without
 * Content-Length, a truncated body, a page behind Basic authentication, and a client it
 * never answers. What escprof reads from a URL must be what it reads from the file:
 * the totals of `go tool pprof -raw` (the .expect oracle) and those of `info FILE`. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <jansson.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/testutil.h"

#define SAMPLE "sample-profiles/out/go1.26/iface_fmt"

static pid_t server_pid;
static int server_port;

static void send_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	ssize_t k;

	while (n && (k = write(fd, c, n)) > 0) {
		c += k;
		n -= (size_t)k;
	}
}

static void respond(int fd, const char *status, const char *headers, const void *body, size_t n)
{
	char head[512];

	snprintf(head, sizeof(head), "HTTP/1.1 %s\r\nConnection: close\r\n%sContent-Length: %zu\r\n\r\n",
		 status, headers, n);
	send_all(fd, head, strlen(head));
	send_all(fd, body, n);
}

/* One connection: reads the request head, answers by its target. */
static void serve(int fd, const struct buf *profile)
{
	char req[8192], target[4096] = "";
	size_t n = 0;
	ssize_t k;

	while (n + 1 < sizeof(req) && (k = read(fd, req + n, sizeof(req) - 1 - n)) > 0) {
		n += (size_t)k;
		req[n] = '\0';
		if (strstr(req, "\r\n\r\n"))
			break;
	}
	req[n] = '\0';
	if (sscanf(req, "GET %4095s HTTP/1.1", target) != 1) {
		respond(fd, "400 Bad Request", "", "", 0);
		return;
	}
	if (!strcmp(target, "/debug/pprof/heap") || !strcmp(target, "/debug/pprof/allocs?seconds=30") ||
	    !strcmp(target, "/debug/pprof/allocs?debug=0&seconds=2")) {
		respond(fd, "200 OK", "Content-Type: application/octet-stream\r\n", profile->data, profile->len);
	} else if (!strcmp(target, "/moved")) {
		respond(fd, "302 Found", "Location: /hop/3\r\n", "", 0);
	} else if (!strncmp(target, "/hop/", 5)) {
		char loc[64];
		int left = atoi(target + 5);

		snprintf(loc, sizeof(loc), "Location: %s\r\n", left > 0 ? "" : "/debug/pprof/heap");
		if (left > 0)
			snprintf(loc, sizeof(loc), "Location: /hop/%d\r\n", left - 1);
		respond(fd, "302 Found", loc, "", 0);
	} else if (!strcmp(target, "/loop")) {
		respond(fd, "301 Moved Permanently", "Location: /loop\r\n", "", 0);
	} else if (!strcmp(target, "/big") || !strcmp(target, "/big-unsized")) {
		static char big[200 * 1024];

		memset(big, 'x', sizeof(big));
		if (!strcmp(target, "/big")) {
			respond(fd, "200 OK", "", big, sizeof(big));
		} else {
			/* no length said: the cap must hold while the bytes arrive */
			const char *h = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n";

			send_all(fd, h, strlen(h));
			send_all(fd, big, sizeof(big));
		}
	} else if (!strcmp(target, "/truncated")) {
		char head[256];

		snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: %zu\r\n\r\n",
			 profile->len);
		send_all(fd, head, strlen(head));
		send_all(fd, profile->data, profile->len / 2);
	} else if (!strcmp(target, "/private")) {
		/* "user:s3cret" in Basic */
		if (strstr(req, "Authorization: Basic dXNlcjpzM2NyZXQ=\r\n"))
			respond(fd, "200 OK", "", profile->data, profile->len);
		else
			respond(fd, "401 Unauthorized", "WWW-Authenticate: Basic realm=\"pprof\"\r\n", "", 0);
	} else if (!strcmp(target, "/silent")) {
		sleep(5);	/* never answers within the client's timeout */
	} else {
		respond(fd, "404 Not Found", "", "no such page\n", 13);
	}
}

static void server_start(void)
{
	struct sockaddr_in a = {0};
	socklen_t len = sizeof(a);
	struct buf profile;
	int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	cr_assert_geq(s, 0);
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
	cr_assert_eq(listen(s, 16), 0);
	cr_assert_eq(getsockname(s, (struct sockaddr *)&a, &len), 0);
	server_port = ntohs(a.sin_port);
	t_read(&profile, t_path(SAMPLE ".pb.gz"));
	server_pid = fork();
	cr_assert_geq(server_pid, 0);
	if (server_pid == 0) {
		signal(SIGCHLD, SIG_IGN);	/* handlers are reaped by the kernel */
		alarm(60);			/* never outlives a stuck test */
		for (;;) {
			int c = accept(s, NULL, NULL);

			if (c < 0)
				continue;
			if (fork() == 0) {
				close(s);
				serve(c, &profile);
				close(c);
				_exit(0);
			}
			close(c);
		}
	}
	close(s);
	buf_release(&profile);
}

static void server_stop(void)
{
	if (server_pid > 0) {
		kill(server_pid, SIGKILL);
		waitpid(server_pid, NULL, 0);
	}
}

TestSuite(fetch, .init = server_start, .fini = server_stop);

/* The sample types' totals of `info --format json` output, in order. */
static void info_totals(const char *json, long long *tot, size_t n, const char **file)
{
	static char name[4096];
	json_error_t je;
	json_t *j = json_loads(json, 0, &je), *types;
	size_t i;

	cr_assert_not_null(j, "not JSON: %s", je.text);
	types = json_object_get(j, "sample_types");
	cr_assert_eq(json_array_size(types), n);
	for (i = 0; i < n; i++)
		tot[i] = json_integer_value(json_object_get(json_array_get(types, i), "total"));
	snprintf(name, sizeof(name), "%s", json_string_value(json_object_get(j, "file")));
	*file = name;
	json_decref(j);
}

Test(fetch, info_of_a_url_has_the_totals_of_pprof_raw_and_of_the_file)
{
	static const char *const types[] = {"alloc_objects", "alloc_space", "inuse_objects", "inuse_space"};
	long long url[4], file[4];
	const char *name;
	char want[128];
	struct buf out, err;
	size_t i;

	cr_assert_eq(t_run(&out, &err, "info --format json http://127.0.0.1:%d/debug/pprof/heap", server_port),
		     0, "%s", err.data);
	info_totals(out.data, url, 4, &name);
	snprintf(want, sizeof(want), "http://127.0.0.1:%d/debug/pprof/heap", server_port);
	cr_expect_str_eq(name, want);
	cr_assert_eq(t_run(&out, &err, "info --format json " SAMPLE ".pb.gz"), 0, "%s", err.data);
	info_totals(out.data, file, 4, &name);
	for (i = 0; i < 4; i++) {
		cr_expect_eq(url[i], t_expect(t_path(SAMPLE ".expect"), types[i]), "%s", types[i]);
		cr_expect_eq(url[i], file[i], "%s", types[i]);
	}
	buf_release(&out);
	buf_release(&err);
}

Test(fetch, a_bare_host_port_is_the_heap_endpoint_as_in_pprof)
{
	struct buf out, err;
	char want[128];

	cr_assert_eq(t_run(&out, &err, "info 127.0.0.1:%d", server_port), 0, "%s", err.data);
	snprintf(want, sizeof(want), "http://127.0.0.1:%d/debug/pprof/heap\n", server_port);
	cr_expect(strstr(out.data, want), "%s", out.data);
	/* a path after host:port is kept */
	cr_expect_eq(t_run(&out, &err, "info 127.0.0.1:%d/nothing/here", server_port), 3);
	cr_expect(strstr(err.data, "/nothing/here: HTTP 404 Not Found"), "%s", err.data);
	buf_release(&out);
	buf_release(&err);
}

Test(fetch, an_existing_file_named_like_host_port_is_read_as_a_file)
{
	struct buf out, err;
	const char *dir = t_tmpdir();
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "cp '%s' '%s/localhost:%d'", t_path(SAMPLE ".pb.gz"), dir, server_port);
	cr_assert_eq(system(cmd), 0);
	cr_assert_eq(t_run(&out, &err, "info --format json '%s/localhost:%d'", dir, server_port), 0, "%s",
		     err.data);
	cr_expect(strstr(out.data, "\"file\": \"") && !strstr(out.data, "http://"), "%s", out.data);
	buf_release(&out);
	buf_release(&err);
}

Test(fetch, http_errors_are_one_line_naming_the_url_and_exit_3)
{
	struct buf out, err;
	char want[256];

	cr_expect_eq(t_run(&out, &err, "info http://127.0.0.1:%d/missing", server_port), 3);
	snprintf(want, sizeof(want), "escprof info: http://127.0.0.1:%d/missing: HTTP 404 Not Found\n",
		 server_port);
	cr_expect_str_eq(err.data, want);
	cr_expect_eq(out.len, 0);
	buf_release(&out);
	buf_release(&err);
}

Test(fetch, redirects_are_followed_up_to_five)
{
	struct buf out, err;

	/* /moved -> /hop/3 -> /hop/2 -> /hop/1 -> /hop/0 -> /debug/pprof/heap: five */
	cr_expect_eq(t_run(&out, &err, "info http://127.0.0.1:%d/moved", server_port), 0, "%s", err.data);
	cr_expect(strstr(out.data, "samples:     31"), "%s", out.data);
	cr_expect_eq(t_run(&out, &err, "info http://127.0.0.1:%d/loop", server_port), 3);
	cr_expect(strstr(err.data, "/loop: more than 5 redirects\n"), "%s", err.data);
	buf_release(&out);
	buf_release(&err);
}

Test(fetch, the_size_cap_holds_while_downloading)
{
	struct buf out, err;
	const char *paths[] = {"big", "big-unsized"};
	size_t i;

	for (i = 0; i < 2; i++) {
		cr_expect_eq(t_run(&out, &err, "info --max-size 100K http://127.0.0.1:%d/%s", server_port,
				   paths[i]), 3, "%s", paths[i]);
		cr_expect(strstr(err.data, "larger than the size limit (raise it with --max-size)"), "%s",
			  err.data);
		cr_expect_eq(strchr(err.data, '\n'), err.data + err.len - 1, "one line: %s", err.data);
	}
	/* raised, the 200 KiB of 'x' arrive and are refused as what they are */
	cr_expect_eq(t_run(&out, &err, "info --max-size 1M http://127.0.0.1:%d/big", server_port), 3);
	cr_expect(strstr(err.data, "not a pprof profile"), "%s", err.data);
	buf_release(&out);
	buf_release(&err);
}

Test(fetch, a_server_that_never_answers_times_out)
{
	struct buf out, err;

	cr_expect_eq(t_run(&out, &err, "info --timeout 1 http://127.0.0.1:%d/silent", server_port), 3);
	cr_expect(strstr(err.data, "/silent: no answer within 1 second (raise it with --timeout)\n"), "%s",
		  err.data);
	cr_expect_eq(t_run(&out, &err, "info -timeout 0 http://127.0.0.1:%d/silent", server_port), 2);
	buf_release(&out);
	buf_release(&err);
}

Test(fetch, a_truncated_body_is_an_error_not_half_a_profile)
{
	struct buf out, err;

	cr_expect_eq(t_run(&out, &err, "info http://127.0.0.1:%d/truncated", server_port), 3);
	cr_expect(strstr(err.data, "/truncated: "), "%s", err.data);
	cr_expect_eq(strchr(err.data, '\n'), err.data + err.len - 1, "one line: %s", err.data);
	cr_expect_eq(out.len, 0);
	buf_release(&out);
	buf_release(&err);
}

Test(fetch, seconds_asks_for_a_delta_profile_as_pprof_does)
{
	struct buf out, err;

	/* the server answers only the URL pprof would build */
	cr_expect_eq(t_run(&out, &err, "info -seconds 30 http://127.0.0.1:%d/debug/pprof/allocs", server_port),
		     0, "%s", err.data);
	cr_expect_eq(t_run(&out, &err, "info --seconds=2 'http://127.0.0.1:%d/debug/pprof/allocs?debug=0&seconds=9'",
			   server_port), 0, "%s", err.data);
	cr_expect_eq(t_run(&out, &err, "info http://127.0.0.1:%d/debug/pprof/allocs", server_port), 3);
	buf_release(&out);
	buf_release(&err);
}

Test(fetch, credentials_are_used_but_never_shown_or_stored)
{
	struct buf out, err;
	const char *db = t_fresh("cred.db");

	cr_expect_eq(t_run(&out, &err, "info http://user:wrong@127.0.0.1:%d/private", server_port), 3);
	cr_expect(strstr(err.data, "HTTP 401 Unauthorized") && !strstr(err.data, "wrong") &&
		  !strstr(err.data, "user"), "%s", err.data);
	cr_assert_eq(t_run(&out, &err, "load --db '%s' http://user:s3cret@127.0.0.1:%d/private", db, server_port),
		     0, "%s", err.data);
	cr_expect(!strstr(out.data, "s3cret") && !strstr(out.data, "user"), "%s", out.data);
	cr_assert_eq(t_run(&out, &err, "sql --db '%s' --format tsv 'SELECT name, source FROM profiles'", db), 0);
	cr_expect(!strstr(out.data, "s3cret") && !strstr(out.data, "user@"), "%s", out.data);
	cr_expect(strstr(out.data, "/private\thttp://127.0.0.1:"), "the name is the URL: %s", out.data);
	buf_release(&out);
	buf_release(&err);
}

Test(fetch, load_and_analyze_from_a_url_give_what_the_file_gives)
{
	struct buf url, file, err;
	const char *db = t_fresh("url.db");
	char *nl;

	cr_assert_eq(t_run(&url, &err, "load --db '%s' --label from=url http://127.0.0.1:%d/debug/pprof/heap",
			   db, server_port), 0, "%s", err.data);
	cr_expect_eq(t_sql_int(db, "SELECT sum(alloc_space) FROM heap_samples"),
		     t_expect(t_path(SAMPLE ".expect"), "alloc_space"));
	cr_expect_eq(t_sql_int(db, "SELECT sum(inuse_objects) FROM heap_samples"),
		     t_expect(t_path(SAMPLE ".expect"), "inuse_objects"));
	/* the same bytes from the file are the same profile */
	cr_assert_eq(t_run(&url, &err, "load --db '%s' " SAMPLE ".pb.gz", db), 0, "%s", err.data);
	cr_expect_eq(t_sql_int(db, "SELECT count(*) FROM profiles"), 1);

	cr_assert_eq(t_run(&url, &err, "analyze --format json http://127.0.0.1:%d/debug/pprof/heap " SAMPLE
			   ".mm.txt", server_port), 0, "%s", err.data);
	cr_assert_eq(t_run(&file, &err, "analyze --format json " SAMPLE ".pb.gz " SAMPLE ".mm.txt"), 0, "%s",
		     err.data);
	/* all but the first field, the profile's name */
	nl = strstr(url.data, "\"sample_index\"");
	cr_assert_not_null(nl);
	cr_expect_str_eq(nl, strstr(file.data, "\"sample_index\""));
	buf_release(&url);
	buf_release(&file);
	buf_release(&err);
}

Test(fetch, a_failed_download_leaves_the_store_unchanged)
{
	struct buf out, err, before, after;
	const char *db = t_fresh("keep.db");

	cr_assert_eq(t_run(&out, &err, "load --db '%s' " SAMPLE ".pb.gz", db), 0, "%s", err.data);
	t_read(&before, db);
	cr_expect_eq(t_run(&out, &err, "load --db '%s' http://127.0.0.1:%d/debug/pprof/heap "
			   "http://127.0.0.1:%d/truncated", db, server_port, server_port), 3);
	t_read(&after, db);
	cr_expect(before.len == after.len && !memcmp(before.data, after.data, before.len));
	cr_expect_eq(t_sql_int(db, "SELECT count(*) FROM profiles"), 1);
	buf_release(&out);
	buf_release(&err);
	buf_release(&before);
	buf_release(&after);
}

Test(fetch, a_refused_connection_is_one_line_exit_3)
{
	struct buf out, err;

	/* the server is stopped: nothing listens on its port any more */
	server_stop();
	server_pid = 0;
	cr_expect_eq(t_run(&out, &err, "info http://127.0.0.1:%d/debug/pprof/heap", server_port), 3);
	cr_expect(strstr(err.data, "escprof info: http://127.0.0.1:"), "%s", err.data);
	cr_expect_eq(strchr(err.data, '\n'), err.data + err.len - 1, "one line: %s", err.data);
	buf_release(&out);
	buf_release(&err);
}
