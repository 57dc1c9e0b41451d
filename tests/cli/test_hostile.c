/* test_hostile.c — input built to hurt what comes after the decoders: stacks made to
 * collide in the store's stack hash, empty diffs, endless and exploding inputs, memory
 * and file-size exhaustion, stores that cannot be written or are corrupt, SQL that
 * reaches for more than the store, and the place every bad-input message names. */
#include <criterion/criterion.h>
#include <regex.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/digest.h"
#include "common/wrap.h"
#include "tests/testutil.h"

/* ---- stack-hash collisions ---- */

/* The inverse of digest.c's mixing step, written from its definition: each of its
 * operations (xorshift by 29 or 32, multiplication by an odd constant) is a bijection. */
ESC_WRAPS static uint64_t inv_odd(uint64_t k)
{
	uint64_t x = k;	/* Newton: each round doubles the correct low bits */
	int i;

	for (i = 0; i < 6; i++)
		x *= 2 - k * x;
	return x;
}

ESC_WRAPS static uint64_t unmix(uint64_t x, uint64_t k)
{
	x ^= x >> 32;
	x *= inv_odd(0xbf58476d1ce4e5b9ULL);
	x ^= (x >> 29) ^ (x >> 58);
	x *= inv_odd(k);
	x ^= x >> 32;
	return x;
}

/* The word that takes the low lane from lo to want: hash128_add sets lo to
 * mix(lo ^ word, K1) + C1. */
ESC_WRAPS static uint64_t word_to(uint64_t lo, uint64_t want)
{
	return lo ^ unmix(want - 0x632be59bd9b4e019ULL, 0x9e3779b97f4a7c15ULL);
}

/* Two frames of one function (its id fid), (line a, column ca) and (line b, column cb),
 * with the same 128-bit location hash as store/load.c computes it: words fid, line,
 * 2 * column + inlined. The low lane is steered to P after the line of the first and to
 * P ^ D after the line of the second, D all ones but bit 0; the columns differ by D
 * (bit 0, the inlined flag, stays 0), which brings the low lanes together again, and
 * the high lanes meet when hi_a + 2ca = hi_b + 2cb, i.e. when hi_a - hi_b = 2M - 4ca
 * with M = 2^63 - 1: solvable for the quarter of the P where hi_a - hi_b = 2 mod 4. */
ESC_WRAPS static void colliding_frames(uint64_t fid, int64_t *a, int64_t *ca, int64_t *b, int64_t *cb)
{
	const uint64_t D = ~(uint64_t)1, M = ((uint64_t)1 << 63) - 1;
	struct hash128 h0 = hash128_add(HASH128_INIT, fid);
	uint64_t p;

	for (p = 1;; p++) {
		uint64_t la = word_to(h0.lo, p), lb = word_to(h0.lo, p ^ D), y;
		struct hash128 ha = hash128_add(h0, la), hb = hash128_add(h0, lb);
		struct hash128 fa, fb;

		cr_assert_eq(ha.lo, p);
		cr_assert_eq(hb.lo, p ^ D);
		if (((ha.hi - hb.hi) & 3) != 2)
			continue;
		y = ((2 * M - (ha.hi - hb.hi)) >> 2) & (M >> 1);
		*a = (int64_t)la;
		*b = (int64_t)lb;
		*ca = (int64_t)y;
		*cb = (int64_t)(M - y);
		fa = hash128_add(ha, (uint64_t)*ca * 2);
		fb = hash128_add(hb, (uint64_t)*cb * 2);
		cr_assert(fa.lo == fb.lo && fa.hi == fb.hi, "the frames must collide");
		return;
	}
}

/* A pprof profile with one function (main.f in main.go) and one location and one sample
 * per (line, column) pair; sample i allocates 100 * (i + 1) bytes in i + 1 objects. */
static void profile_of_frames(struct buf *b, const int64_t *line, const int64_t *col, size_t n)
{
	static const char *const strs[] = {"", "alloc_objects", "count", "alloc_space", "bytes",
					   "main.f", "main.go", "space"};
	struct buf m, sub, pk;
	size_t i;

	buf_init(b);
	buf_init(&m);
	buf_init(&sub);
	buf_init(&pk);
	for (i = 0; i < 2; i++) {
		buf_reset(&m);
		pb_int(&m, 1, 1 + 2 * i);
		pb_int(&m, 2, 2 + 2 * i);
		pb_bytes(b, 1, m.data, m.len);
	}
	for (i = 0; i < n; i++) {
		buf_reset(&m);
		buf_reset(&pk);
		pb_varint(&pk, i + 1);
		pb_bytes(&m, 1, pk.data, pk.len);
		buf_reset(&pk);
		pb_varint(&pk, i + 1);
		pb_varint(&pk, 100 * (i + 1));
		pb_bytes(&m, 2, pk.data, pk.len);
		pb_bytes(b, 2, m.data, m.len);
	}
	for (i = 0; i < n; i++) {
		buf_reset(&sub);
		pb_int(&sub, 1, 1);
		pb_int(&sub, 2, (uint64_t)line[i]);
		pb_int(&sub, 3, (uint64_t)col[i]);
		buf_reset(&m);
		pb_int(&m, 1, i + 1);
		pb_bytes(&m, 4, sub.data, sub.len);
		pb_bytes(b, 4, m.data, m.len);
	}
	buf_reset(&m);
	pb_int(&m, 1, 1);
	pb_int(&m, 2, 5);
	pb_int(&m, 4, 6);
	pb_bytes(b, 5, m.data, m.len);
	for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		pb_str(b, 6, strs[i]);
	buf_reset(&m);
	pb_int(&m, 1, 7);
	pb_int(&m, 2, 4);
	pb_bytes(b, 11, m.data, m.len);
	pb_int(b, 12, 1);
	buf_release(&m);
	buf_release(&sub);
	buf_release(&pk);
}

/* Each stored sample's leaf line, column and bytes, by profile and bytes. */
static void leaves(const char *db, struct buf *out)
{
	struct buf err;

	cr_assert_eq(t_run(out, &err, "sql --db '%s' --format tsv \"SELECT f.line, f.column,"
			   " h.alloc_space FROM heap_samples h JOIN frames f ON f.profile_id ="
			   " h.profile_id AND f.stack_id = h.stack_id AND f.depth = 0"
			   " ORDER BY h.profile_id, h.alloc_space\"", db), 0, "%s", err.data);
	buf_release(&err);
}

static void expect_leaves(const char *db, const int64_t *line, const int64_t *col,
			  const long *bytes, size_t n)
{
	struct buf got, want;
	size_t i;

	leaves(db, &got);
	buf_init(&want);
	buf_adds(&want, "line\tcolumn\talloc_space\n");
	for (i = 0; i < n; i++)
		buf_printf(&want, "%lld\t%lld\t%ld\n", (long long)line[i], (long long)col[i], bytes[i]);
	cr_expect_str_eq(got.data, want.data);
	buf_release(&got);
	buf_release(&want);
}

/* The store's function ids start at 1: main.f, the only function, hashes as word 1. */
static void expect_one_function(const char *db)
{
	cr_assert_eq(t_sql_int(db, "SELECT count(*) FROM func WHERE id = 1"), 1);
	cr_assert_eq(t_sql_int(db, "SELECT count(*) FROM func"), 1);
}

Test(hostile, two_stacks_with_the_same_hash_in_one_profile_keep_their_own_frames_and_bytes)
{
	const char *db = t_fresh("collide1.db"), *pb = t_fresh("collide1.pb");
	int64_t line[2], col[2];
	const long bytes[2] = {100, 200};
	struct buf b, err;

	colliding_frames(1, &line[0], &col[0], &line[1], &col[1]);
	cr_assert(line[0] != line[1] && col[0] != col[1]);
	profile_of_frames(&b, line, col, 2);
	t_write(pb, b.data, b.len);
	cr_assert_eq(t_run(NULL, &err, "load -q --db '%s' '%s'", db, pb), 0, "%s", err.data);
	expect_one_function(db);
	expect_leaves(db, line, col, bytes, 2);
	cr_expect_eq(t_sql_int(db, "SELECT count(DISTINCT stack_id) FROM heap_samples"), 2);
	buf_release(&b);
	buf_release(&err);
}

Test(hostile, a_stack_that_collides_with_a_stored_one_is_stored_apart)
{
	const char *db = t_fresh("collide2.db"), *pa = t_fresh("collide2a.pb"),
		   *pb = t_fresh("collide2b.pb"), *pab = t_fresh("collide2ab.pb");
	int64_t line[2], col[2], lines[4], cols[4];
	const long bytes[4] = {100, 100, 100, 200};
	struct buf b, err;

	colliding_frames(1, &line[0], &col[0], &line[1], &col[1]);
	profile_of_frames(&b, &line[0], &col[0], 1);
	t_write(pa, b.data, b.len);
	buf_release(&b);
	profile_of_frames(&b, &line[1], &col[1], 1);
	t_write(pb, b.data, b.len);
	buf_release(&b);
	profile_of_frames(&b, line, col, 2);
	t_write(pab, b.data, b.len);
	buf_release(&b);
	/* one profile each, then both stacks again in a third: found, not stored anew */
	cr_assert_eq(t_run(NULL, &err, "load -q --db '%s' '%s' '%s' '%s'", db, pa, pb, pab), 0,
		     "%s", err.data);
	expect_one_function(db);
	lines[0] = lines[2] = line[0];
	lines[1] = lines[3] = line[1];
	cols[0] = cols[2] = col[0];
	cols[1] = cols[3] = col[1];
	expect_leaves(db, lines, cols, bytes, 4);
	cr_expect_eq(t_sql_int(db, "SELECT count(*) FROM stack"), 2);
	buf_release(&err);
}

/* ---- empty inputs ---- */

/* A valid profile with one sample type (alloc_space, bytes) and no sample at all;
 * time_nanos makes two of them different files. */
static void empty_profile(struct buf *b, uint64_t time_nanos)
{
	struct buf vt;

	buf_init(b);
	buf_init(&vt);
	pb_int(&vt, 1, 1);
	pb_int(&vt, 2, 2);
	pb_bytes(b, 1, vt.data, vt.len);
	pb_str(b, 6, "");
	pb_str(b, 6, "alloc_space");
	pb_str(b, 6, "bytes");
	if (time_nanos)
		pb_int(b, 9, time_nanos);
	buf_release(&vt);
}

/* Nothing on either side: no rows to sort (qsort_r must not be handed the NULL of an
 * empty array), the header, the totals and no list. */
Test(hostile, diff_of_two_empty_profiles_is_an_empty_table)
{
	const char *a = t_fresh("empty-a.pb"), *b = t_fresh("empty-b.pb");
	struct buf pa, pb, out, err;

	empty_profile(&pa, 0);
	empty_profile(&pb, 5);
	t_write(a, pa.data, pa.len);
	t_write(b, pb.data, pb.len);
	cr_assert_eq(t_run(&out, &err, "diff -q '%s' '%s'", a, b), 0, "%s", err.data);
	cr_expect(strstr(out.data, "alloc_space by site\n") && strstr(out.data, "total: 0 B -> 0 B, +0 B\n"),
		  "%s", out.data);
	cr_expect(strstr(out.data, "\n0 grew, 0 shrank, 0 new, 0 gone, 0 unchanged\n"), "%s", out.data);
	cr_expect_eq(strchr(strstr(out.data, "0 unchanged\n"), '\n')[1], '\0', "%s", out.data);
	buf_release(&out);
	cr_assert_eq(t_run(&out, &err, "diff -q --format json '%s' '%s'", a, b), 0, "%s", err.data);
	cr_expect(strstr(out.data, "\"changes\": []"), "%s", out.data);
	buf_release(&out);
	buf_release(&err);
	buf_release(&pa);
	buf_release(&pb);
}

/* ---- endless and exploding input ---- */

/* Runs `$ESCPROF args` (a shell word list, no redirections) in its own process with
 * stdout and stderr to /dev/null; returns the exit code and sets *kib to the peak
 * resident memory of the process (ru_maxrss of exactly that child). */
static int peak_rss(long *kib, const char *args)
{
	struct rusage ru;
	int st;
	pid_t pid = fork();

	cr_assert_geq(pid, 0);
	if (pid == 0) {
		char cmd[4096];

		snprintf(cmd, sizeof(cmd), "exec '%s' %s >/dev/null 2>&1 </dev/null", getenv("ESCPROF"), args);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	cr_assert_eq(wait4(pid, &st, 0, &ru), pid);
	cr_assert(WIFEXITED(st), "%s: killed by signal %d", args, WTERMSIG(st));
	*kib = ru.ru_maxrss;
	return WEXITSTATUS(st);
}

/* prefix followed by path in single quotes, in a static buffer */
static const char *args_then_path(const char *path, const char *prefix)
{
	static char b[4096];

	snprintf(b, sizeof(b), "%s'%s'", prefix, path);
	return b;
}

/* The cap is 64 MiB; a process that keeps what it reads within the cap peaks near it.
 * Doubling a buffer and filling the whole capacity before looking peaks at twice. Under
 * AddressSanitizer the peak measures its allocator instead (realloc always copies, and
 * freed blocks wait in a quarantine of 256 MiB), so there the bytes read are the proof. */
#define CAP_KIB (64L * 1024)
#if defined(__SANITIZE_ADDRESS__)
#define T_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define T_ASAN 1
#endif
#endif
#ifndef T_ASAN
#define T_ASAN 0
#endif

/* Writes zeros to `$ESCPROF args` on its stdin until it stops reading; the bytes it
 * took (within the pipe's buffer and one write). */
static long long bytes_taken(const char *args, int *code)
{
	static char zeros[1 << 16];
	long long sent = 0;
	int fd[2], st;
	pid_t pid;

	signal(SIGPIPE, SIG_IGN);
	cr_assert_eq(pipe(fd), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		char cmd[4096];

		dup2(fd[0], 0);
		close(fd[0]);
		close(fd[1]);
		snprintf(cmd, sizeof(cmd), "exec '%s' %s >/dev/null 2>&1", getenv("ESCPROF"), args);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(fd[0]);
	for (;;) {
		ssize_t n = write(fd[1], zeros, sizeof(zeros));

		if (n <= 0)
			break;
		sent += n;
	}
	close(fd[1]);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st));
	*code = WEXITSTATUS(st);
	return sent;
}

Test(hostile, endless_input_is_refused_near_the_size_cap_not_at_twice_it)
{
	long kib;
	long long sent;
	int code;

	/* at most the cap and one byte are read, whatever the allocator */
	sent = bytes_taken("info --max-size 64M -", &code);
	cr_expect_eq(code, 3);
	cr_expect_leq(sent, CAP_KIB * 1024 + 1 + 2 * (1 << 16) + (1 << 20),
		      "info read %lld bytes past a %ld KiB cap", sent, CAP_KIB);
	cr_expect_gt(sent, CAP_KIB * 1024);
	cr_assert_eq(peak_rss(&kib, "info --max-size 64M /dev/zero"), 3);
	if (!T_ASAN)
		cr_expect_lt(kib, CAP_KIB * 3 / 2, "info /dev/zero peaked at %ld KiB for a %ld KiB cap",
			     kib, CAP_KIB);
	cr_assert_eq(peak_rss(&kib, args_then_path(t_fresh("zero.db"), "load -q --max-size 64M /dev/zero --db ")), 3);
	if (!T_ASAN)
		cr_expect_lt(kib, CAP_KIB * 3 / 2, "load /dev/zero peaked at %ld KiB for a %ld KiB cap",
			     kib, CAP_KIB);
}

/* A regular file's size is known before reading: one past the cap is refused unread. */
Test(hostile, a_file_larger_than_the_cap_is_refused_before_it_is_read)
{
	const char *big = t_fresh("sparse.pb");
	struct buf err;
	long kib;
	FILE *f = fopen(big, "wb");

	cr_assert_not_null(f);
	cr_assert_eq(ftruncate(fileno(f), (off_t)CAP_KIB * 1024 + 1), 0);	/* sparse: no disk used */
	fclose(f);
	cr_assert_eq(peak_rss(&kib, args_then_path(big, "info --max-size 64M ")), 3);
	cr_expect_lt(kib, CAP_KIB / 2, "info peaked at %ld KiB on a file past a %ld KiB cap", kib, CAP_KIB);
	cr_assert_eq(t_run(NULL, &err, "info --max-size 64M '%s'", big), 3);
	cr_expect(strstr(err.data, "larger than 67108864 bytes"), "%s", err.data);
	buf_release(&err);
}

/* 2 GiB of zeros in 32 gzip members of 64 MiB: the decompressed bytes stop at the cap. */
Test(hostile, a_gzip_bomb_is_refused_near_the_size_cap)
{
	const char *bomb = t_fresh("bomb.gz");
	size_t chunk = (size_t)64 << 20;
	char *zeros = calloc(chunk, 1);
	struct buf one;
	long kib;
	FILE *f = fopen(bomb, "wb");
	int i;

	cr_assert(zeros && f);
	t_gzip(&one, zeros, chunk);
	free(zeros);
	for (i = 0; i < 32; i++)
		cr_assert_eq(fwrite(one.data, 1, one.len, f), one.len);
	fclose(f);
	buf_release(&one);
	cr_assert_eq(peak_rss(&kib, args_then_path(bomb, "info --max-size 64M ")), 3);
	if (!T_ASAN)
		cr_expect_lt(kib, CAP_KIB * 3 / 2, "info peaked at %ld KiB for a %ld KiB cap", kib, CAP_KIB);
}

/* ---- out of memory ---- */

/* Runs `$ESCPROF args` from the repository after the shell command limit (a ulimit);
 * stderr into err, the exit code returned. */
static int run_limited(struct buf *err, const char *limit, const char *args)
{
	char cmd[4096];
	int st;

	snprintf(cmd, sizeof(cmd), "cd '%s' && %s && '%s' %s >/dev/null 2>'%s.err'", t_src(), limit,
		 getenv("ESCPROF"), args, t_tmpdir());
	st = system(cmd);
	snprintf(cmd, sizeof(cmd), "%s.err", t_tmpdir());
	t_read(err, cmd);
	cr_assert(WIFEXITED(st), "%s", err->data);
	return WEXITSTATUS(st);
}

/* Runs `$ESCPROF args` with memory that runs out: `ulimit -v` (40 MB of address space),
 * or under AddressSanitizer (which needs terabytes of address space) any single
 * allocation past 12 MiB failing instead. escprof itself needs less than 20 MB here. */
static int run_short_of_memory(struct buf *err, const char *args)
{
	return run_limited(err, T_ASAN ? "export ASAN_OPTIONS=\"$ASAN_OPTIONS:allocator_may_return_null=1:"
			   "max_allocation_size_mb=12\"" : "ulimit -v 40000", args);
}

/* What escprof wrote to stderr, from its first line on (AddressSanitizer warns first
 * when an allocation fails). */
static const char *escprof_lines(const struct buf *err)
{
	const char *p = strstr(err->data, "escprof ");

	return p ? p : err->data;
}

/* Well-formed messages that take far more memory decoded than on disk: a Location of
 * 2 Mi empty Lines (2 bytes each on disk, a pointer and a message each decoded), a
 * Sample of 4 Mi location ids (1 byte each on disk, 8 decoded). protobuf-c answers NULL
 * when its allocator fails as when the bytes are bad: the file is not malformed. */
Test(hostile, running_out_of_memory_is_said_so_naming_the_file_not_called_malformed)
{
	const char *loc = t_fresh("bigloc.pb"), *smp = t_fresh("bigsmp.pb");
	struct buf b, m, ids, err;
	char want[700];
	size_t i;

	buf_init(&b);
	buf_init(&m);
	pb_int(&m, 1, 1);
	for (i = 0; i < (size_t)2 << 20; i++)
		pb_bytes(&m, 4, "", 0);
	pb_bytes(&b, 4, m.data, m.len);
	pb_str(&b, 6, "");
	t_write(loc, b.data, b.len);

	buf_reset(&b);
	buf_reset(&m);
	buf_init(&ids);
	pb_int(&m, 1, 1);
	pb_int(&m, 2, 1);
	pb_bytes(&b, 1, m.data, m.len);
	for (i = 0; i < (size_t)4 << 20; i++)
		buf_addc(&ids, 1);
	buf_reset(&m);
	pb_bytes(&m, 1, ids.data, ids.len);
	pb_bytes(&b, 2, m.data, m.len);
	buf_reset(&m);
	pb_int(&m, 1, 1);
	pb_bytes(&b, 4, m.data, m.len);
	pb_str(&b, 6, "");
	pb_str(&b, 6, "x");
	t_write(smp, b.data, b.len);

	cr_expect_eq(run_short_of_memory(&err, args_then_path(loc, "info ")), 3);
	snprintf(want, sizeof(want), "escprof info: '%s': out of memory\n", loc);
	cr_expect_str_eq(escprof_lines(&err), want);
	buf_release(&err);
	cr_expect_eq(run_short_of_memory(&err, args_then_path(smp, "info ")), 3);
	snprintf(want, sizeof(want), "escprof info: '%s': out of memory\n", smp);
	cr_expect_str_eq(escprof_lines(&err), want);
	buf_release(&err);
	snprintf(want, sizeof(want), "load -q --db '%s' ", t_fresh("oom.db"));
	cr_expect_eq(run_short_of_memory(&err, args_then_path(loc, want)), 3);
	snprintf(want, sizeof(want), "escprof load: '%s': out of memory\n", loc);
	cr_expect_str_eq(escprof_lines(&err), want);
	buf_release(&err);
	/* with the memory it needs, the same file is a valid profile */
	cr_expect_eq(t_run(NULL, &err, "info '%s'", loc), 0, "%s", err.data);
	buf_release(&err);
	buf_release(&b);
	buf_release(&m);
	buf_release(&ids);
}

/* ---- file-size limits ---- */

/* The names in dir, sorted, one per line. */
static void dir_names(const char *dir, struct buf *out)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "ls -A '%s' > '%s.ls'", dir, dir);
	cr_assert_eq(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "%s.ls", dir);
	t_read(out, cmd);
}

/* Past `ulimit -f` a write fails with EFBIG (SIGXFSZ is ignored, not fatal): exit 3 with
 * the reason, the store as it was, no temporary file left. 50 KiB stops the first write;
 * the six std profiles in one load need about 3.6 MB of store, more than SQLite's page
 * cache holds, so 400 KiB stops one half-way (before the commit). */
Test(hostile, a_file_size_limit_is_exit_3_with_a_message_and_leaves_nothing_behind)
{
	const char *dir = t_fresh("xfsz"), *big = "sample-profiles/std/go1.26/go_parser.pb.gz";
	char db[700], html[700], args[2048];
	struct buf err, before, after, names;

	cr_assert_eq(mkdir(dir, 0755), 0);
	snprintf(db, sizeof(db), "%s/t.db", dir);
	snprintf(html, sizeof(html), "%s/r.html", dir);

	/* a first load creates nothing */
	snprintf(args, sizeof(args), "load -q --db '%s' %s", db, big);
	cr_expect_eq(run_limited(&err, "ulimit -f 50", args), 3, "%s", err.data);
	cr_expect(strstr(err.data, "escprof load: database '") && strstr(err.data, "t.db'") &&
		  strstr(err.data, "File too large") && !strchr(err.data, '\n')[1], "%s", err.data);
	buf_release(&err);
	dir_names(dir, &names);
	cr_expect_str_eq(names.data, "", "left behind: %s", names.data);
	buf_release(&names);

	/* a load into a store that holds a profile leaves it as it was */
	cr_assert_eq(t_run(NULL, &err, "load -q --db '%s' sample-profiles/out/go1.19/chan_send.pb.gz", db), 0,
		     "%s", err.data);
	buf_release(&err);
	t_read(&before, db);
	snprintf(args, sizeof(args), "load -q --db '%s' sample-profiles/std/*/*.pb.gz", db);
	cr_expect_eq(run_limited(&err, "ulimit -f 400", args), 3, "%s", err.data);
	cr_expect(strstr(err.data, "File too large"), "%s", err.data);
	buf_release(&err);
	t_read(&after, db);
	cr_expect(before.len == after.len && !memcmp(before.data, after.data, before.len),
		  "the store changed");
	dir_names(dir, &names);
	cr_expect_str_eq(names.data, "t.db\n", "left behind: %s", names.data);
	buf_release(&names);
	cr_expect_eq(t_sql_int(db, "SELECT count(*) FROM profiles"), 1);

	/* a report too large for the limit: no report, no temporary one */
	buf_release(&before);
	dir_names(dir, &before);
	snprintf(args, sizeof(args), "report -q --html '%s' %s", html, big);
	cr_expect_eq(run_limited(&err, "ulimit -f 10", args), 3, "%s", err.data);
	cr_expect(strstr(err.data, "r.html") && strstr(err.data, "File too large"), "%s", err.data);
	buf_release(&err);
	dir_names(dir, &names);
	cr_expect_str_eq(names.data, before.data, "left behind: %s", names.data);
	buf_release(&names);
	buf_release(&before);
	buf_release(&after);
}

/* ---- stores that cannot be written ---- */

/* Runs `$ESCPROF args` from the repository as a process the file permissions apply to:
 * root keeps its uid but loses every capability (CAP_DAC_OVERRIDE first of all), so a
 * mode of 0555 or 0444 means what it says; anyone else runs as is. */
static int run_unprivileged(struct buf *out, struct buf *err, const char *args)
{
	char cmd[8192], o[600], e[600];
	int st;

	snprintf(o, sizeof(o), "%s/ro-out.%d", t_tmpdir(), getpid());
	snprintf(e, sizeof(e), "%s/ro-err.%d", t_tmpdir(), getpid());
	snprintf(cmd, sizeof(cmd), "cd '%s' && %s'%s' %s </dev/null >'%s' 2>'%s'", t_src(),
		 geteuid() == 0 ? "setpriv --bounding-set=-all " : "", getenv("ESCPROF"), args, o, e);
	st = system(cmd);
	t_read(out, o);
	t_read(err, e);
	cr_assert(WIFEXITED(st));
	return WEXITSTATUS(st);
}

#define RO_PROFILE "sample-profiles/out/go1.26/iface_fmt"

/* The reading commands, each with what it prints on the store while it can be written. */
static const char *const ro_commands[] = {
	"top -n 5", "top --by cause --format json", "explain main.go:33", "list formatRecord",
	"sql \"SELECT count(*) FROM alloc_sites\"", "diff 1 1", "check --budget",
};
#define RO_N (sizeof(ro_commands) / sizeof(ro_commands[0]))

static void ro_args(char *args, size_t n, size_t i, const char *db)
{
	if (!strcmp(ro_commands[i], "check --budget"))
		snprintf(args, n, "check --budget '%s/ro-budget.txt' --db '%s'", t_tmpdir(), db);
	else
		snprintf(args, n, "%s --db '%s'", ro_commands[i], db);
}

static void ro_reference(const char *db, struct buf ref[RO_N])
{
	char args[2048], budget[600];
	size_t i;

	snprintf(budget, sizeof(budget), "%s/ro-budget.txt", t_tmpdir());
	t_write(budget, "total alloc_space <= 1GiB\n", 26);
	cr_assert_eq(t_run(NULL, NULL, "analyze -q --db '%s' " RO_PROFILE ".pb.gz " RO_PROFILE ".mm.txt >/dev/null",
			   db), 0);
	for (i = 0; i < RO_N; i++) {
		struct buf err;

		ro_args(args, sizeof(args), i, db);
		cr_assert_eq(t_run(&ref[i], &err, "%s", args), 0, "%s: %s", args, err.data);
		buf_release(&err);
	}
}

/* Every reading command prints what it printed while the store could be written, and a
 * load fails with exit 3 saying why, the store unchanged. */
static void expect_reads_alike(const char *db, struct buf ref[RO_N], const char *what)
{
	char args[2048];
	struct buf out, err, before, after;
	size_t i;

	for (i = 0; i < RO_N; i++) {
		ro_args(args, sizeof(args), i, db);
		cr_expect_eq(run_unprivileged(&out, &err, args), 0, "%s, %s: %s", what, args, err.data);
		cr_expect_str_eq(out.data, ref[i].data, "%s, %s", what, args);
		buf_release(&out);
		buf_release(&err);
	}
	t_read(&before, db);
	snprintf(args, sizeof(args), "load --db '%s' sample-profiles/out/go1.19/chan_send.pb.gz", db);
	cr_expect_eq(run_unprivileged(&out, &err, args), 3, "%s: %s", what, err.data);
	cr_expect(strstr(err.data, "cannot write database '") && strstr(err.data, "read-only"),
		  "%s: %s", what, err.data);
	t_read(&after, db);
	cr_expect(before.len == after.len && !memcmp(before.data, after.data, before.len),
		  "%s: the store changed", what);
	buf_release(&out);
	buf_release(&err);
	buf_release(&before);
	buf_release(&after);
}

Test(hostile, reading_commands_work_on_a_store_in_a_read_only_directory)
{
	const char *dir = t_fresh("rodir");
	char db[700];
	struct buf ref[RO_N];
	size_t i;

	cr_assert_eq(mkdir(dir, 0755), 0);
	snprintf(db, sizeof(db), "%s/s.db", dir);
	ro_reference(db, ref);
	cr_assert_eq(chmod(dir, 0555), 0);
	expect_reads_alike(db, ref, "read-only directory");
	chmod(dir, 0755);
	for (i = 0; i < RO_N; i++)
		buf_release(&ref[i]);
}

Test(hostile, reading_commands_work_on_a_read_only_store_file)
{
	const char *dir = t_fresh("rofile");
	char db[700];
	struct buf ref[RO_N];
	size_t i;

	cr_assert_eq(mkdir(dir, 0755), 0);
	snprintf(db, sizeof(db), "%s/s.db", dir);
	ro_reference(db, ref);
	cr_assert_eq(chmod(db, 0444), 0);
	expect_reads_alike(db, ref, "read-only file");
	cr_assert_eq(chmod(dir, 0555), 0);
	expect_reads_alike(db, ref, "read-only file in a read-only directory");
	chmod(dir, 0755);
	for (i = 0; i < RO_N; i++)
		buf_release(&ref[i]);
}

/* A commit still in the WAL (its writer died before a checkpoint) is read through the
 * WAL's -shm; without the -shm it cannot be, and the store is refused rather than read
 * without the commit. */
Test(hostile, a_read_only_store_with_commits_in_its_wal_is_read_whole_or_refused)
{
	const char *dir = t_fresh("rowal");
	char db[700], shm[720], args[1024];
	struct buf out, err;
	pid_t pid;
	int st;

	cr_assert_eq(mkdir(dir, 0755), 0);
	snprintf(db, sizeof(db), "%s/s.db", dir);
	snprintf(shm, sizeof(shm), "%s-shm", db);
	cr_assert_eq(t_run(NULL, NULL, "load -q --db '%s' " RO_PROFILE ".pb.gz", db), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		sqlite3 *h;

		if (sqlite3_open(db, &h) != SQLITE_OK ||
		    sqlite3_exec(h, "PRAGMA wal_autocheckpoint = 0;"
				 " INSERT INTO profile_label VALUES (1, 'only', 'in the wal')",
				 NULL, NULL, NULL) != SQLITE_OK)
			_exit(1);
		_exit(0);	/* no close: the commit stays in the WAL */
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	cr_assert_eq(access(shm, F_OK), 0);
	cr_assert_eq(chmod(dir, 0555), 0);
	snprintf(args, sizeof(args), "sql --format tsv --db '%s' \"SELECT value FROM profile_labels\"", db);
	cr_expect_eq(run_unprivileged(&out, &err, args), 0, "%s", err.data);
	cr_expect_str_eq(out.data, "value\nin the wal\n");
	buf_release(&out);
	buf_release(&err);
	chmod(dir, 0755);
	cr_assert_eq(unlink(shm), 0);
	cr_assert_eq(chmod(dir, 0555), 0);
	cr_expect_eq(run_unprivileged(&out, &err, args), 3, "%s", out.data);
	cr_expect(strstr(err.data, "-wal holds changes"), "%s", err.data);
	buf_release(&out);
	buf_release(&err);
	chmod(dir, 0755);
}

/* ---- SQL that reaches past the store ---- */

/* fts3_tokenizer('simple') answers with the address of SQLite's tokenizer module: a
 * pointer from the process, whether asked directly, with --write, or through a view a
 * hostile store carries. writable_schema would let one statement rewrite sqlite_master
 * (and corrupt the file on purpose); it is refused, and the connection is defensive. */
Test(hostile, sql_discloses_no_pointer_and_cannot_make_the_schema_writable)
{
	const char *db = t_fresh("defensive.db");
	static const char *const refused[] = {
		"SELECT hex(fts3_tokenizer('simple'))", "SELECT fts3_tokenizer('porter')",
		"SELECT * FROM tok", "PRAGMA writable_schema = 1", "PRAGMA writable_schema = ON",
		"SELECT load_extension('libm')",
	};
	struct buf out, err;
	char cmd[1024];
	size_t i;

	cr_assert_eq(t_run(NULL, NULL, "load -q --db '%s' sample-profiles/out/go1.19/chan_send.pb.gz", db), 0);
	snprintf(cmd, sizeof(cmd), "sqlite3 '%s' \"CREATE VIEW tok AS SELECT hex(fts3_tokenizer('simple')) AS p\"", db);
	cr_assert_eq(system(cmd), 0);
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		cr_expect_neq(t_run(&out, &err, "sql --db '%s' \"%s\"", db, refused[i]), 0, "%s", refused[i]);
		cr_expect_eq(out.len, 0, "%s: %s", refused[i], out.data);
		cr_expect(err.len && !strchr(err.data, '\n')[1], "%s: %s", refused[i], err.data);
		buf_release(&out);
		buf_release(&err);
		cr_expect_neq(t_run(&out, &err, "sql --write --db '%s' \"%s\"", db, refused[i]), 0,
			      "--write %s", refused[i]);
		cr_expect_eq(out.len, 0, "--write %s: %s", refused[i], out.data);
		buf_release(&out);
		buf_release(&err);
	}
	/* reading the setting is harmless, and says the schema is not writable */
	cr_expect_eq(t_sql_int(db, "PRAGMA writable_schema"), 0);
	cr_expect_eq(t_sql_int(db, "PRAGMA trusted_schema"), 0);
	cr_expect_eq(t_sql_int(db, "SELECT count(*) FROM profiles"), 1);
}

/* ---- corrupt stores ---- */

/* Whether the sqlite3 shell finds db intact (the oracle, independent of escprof). */
static int shell_says_ok(const char *db)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), "sqlite3 '%s' 'PRAGMA quick_check(1)' 2>/dev/null | grep -qx ok", db);
	return system(cmd) == 0;
}

/* Overwrites the first 16 bytes of page n's b-tree header (1-based; the page size is the
 * big-endian 16-bit number at offset 16 of the file header, and page 1's b-tree header
 * follows the 100 bytes of the file header, as the file format says). */
static void smash_page(const char *db, long n)
{
	unsigned char hdr[18], junk[16];
	FILE *f = fopen(db, "r+b");
	long size;

	cr_assert_not_null(f);
	cr_assert_eq(fread(hdr, 1, sizeof(hdr), f), sizeof(hdr));
	size = hdr[16] << 8 | hdr[17];
	if (size == 1)
		size = 65536;
	memset(junk, 0xa5, sizeof(junk));
	cr_assert_eq(fseek(f, (n - 1) * size + (n == 1 ? 100 : 0), SEEK_SET), 0);
	cr_assert_eq(fwrite(junk, 1, sizeof(junk), f), sizeof(junk));
	fclose(f);
}

/* A damaged page in the middle of a store that a new analysis would not read: SQLite
 * itself would not notice, and the analysis would be written into the damaged file. The
 * write is refused before it begins, the file is left as it was, and the message says
 * which page is bad. */
Test(hostile, a_corrupt_store_is_refused_before_anything_is_written)
{
	const char *db = t_fresh("corrupt.db"), *copy = t_fresh("corrupt.copy");
	struct buf before, after, err;
	struct stat sb;
	long page;
	char want[700];

	cr_assert_eq(t_run(NULL, NULL, "analyze -q --db '%s' " RO_PROFILE ".pb.gz " RO_PROFILE ".mm.txt >/dev/null",
			   db), 0);
	cr_assert_eq(stat(db, &sb), 0);
	t_read(&before, db);
	/* from the middle on, the first page whose damage the shell's quick_check sees */
	for (page = sb.st_size / 4096 / 2; page <= sb.st_size / 4096; page++) {
		t_write(copy, before.data, before.len);
		smash_page(copy, page);
		if (!shell_says_ok(copy))
			break;
	}
	cr_assert_leq(page, sb.st_size / 4096, "no page's damage was seen");
	buf_release(&before);
	t_read(&before, copy);
	cr_expect_eq(t_run(NULL, &err, "analyze -q --db '%s' sample-profiles/out/go1.26/chan_send.pb.gz"
			   " sample-profiles/out/go1.26/chan_send.mm.txt", copy), 3);
	snprintf(want, sizeof(want), "escprof analyze: '%s': the store is corrupt (Page ", copy);
	cr_expect(!strncmp(err.data, want, strlen(want)) && !strchr(err.data, '\n')[1], "%s", err.data);
	buf_release(&err);
	cr_expect_eq(t_run(NULL, &err, "load --db '%s' sample-profiles/out/go1.19/chan_send.pb.gz", copy), 3);
	cr_expect(strstr(err.data, "the store is corrupt"), "%s", err.data);
	buf_release(&err);
	t_read(&after, copy);
	cr_expect(before.len == after.len && !memcmp(before.data, after.data, before.len),
		  "the corrupt store was written");
	buf_release(&after);

	/* page 1 holds the schema: any command finds out when it opens the store */
	smash_page(copy, 1);
	cr_expect_eq(t_run(NULL, &err, "sql --db '%s' \"SELECT 1\"", copy), 3);
	snprintf(want, sizeof(want), "escprof sql: '%s': the store is corrupt (", copy);
	cr_expect(!strncmp(err.data, want, strlen(want)), "%s", err.data);
	buf_release(&err);
	buf_release(&before);
}

/* ---- where every bad-input message points ---- */

/* Hand-made profile parts (field numbers from profile.proto). */
static void vt(struct buf *b, unsigned field, uint64_t type, uint64_t unit)
{
	struct buf m;

	buf_init(&m);
	pb_int(&m, 1, type);
	pb_int(&m, 2, unit);
	pb_bytes(b, field, m.data, m.len);
	buf_release(&m);
}

static void fn(struct buf *b, uint64_t id, uint64_t name, uint64_t file)
{
	struct buf m;

	buf_init(&m);
	if (id)
		pb_int(&m, 1, id);
	pb_int(&m, 2, name);
	pb_int(&m, 4, file);
	pb_bytes(b, 5, m.data, m.len);
	buf_release(&m);
}

static void loc(struct buf *b, uint64_t id, uint64_t mapping, uint64_t function)
{
	struct buf m, l;

	buf_init(&m);
	buf_init(&l);
	if (id)
		pb_int(&m, 1, id);
	if (mapping)
		pb_int(&m, 2, mapping);
	pb_int(&l, 1, function);
	pb_int(&l, 2, 7);
	pb_bytes(&m, 4, l.data, l.len);
	pb_bytes(b, 4, m.data, m.len);
	buf_release(&m);
	buf_release(&l);
}

static void smp(struct buf *b, uint64_t location, int64_t value)
{
	struct buf m, pk;

	buf_init(&m);
	buf_init(&pk);
	pb_varint(&pk, location);
	pb_bytes(&m, 1, pk.data, pk.len);
	buf_reset(&pk);
	pb_varint(&pk, (uint64_t)value);
	pb_bytes(&m, 2, pk.data, pk.len);
	pb_bytes(b, 2, m.data, m.len);
	buf_release(&m);
	buf_release(&pk);
}

static void strs(struct buf *b)
{
	static const char *const s[] = {"", "alloc_space", "bytes", "main.f", "main.go"};
	size_t i;

	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		pb_str(b, 6, s[i]);
}

/* A profile with one fault each; the bytes before it make a valid start. */
static void faulty_profile(struct buf *b, int which)
{
	struct buf m;

	buf_init(b);
	vt(b, 1, 1, 2);
	switch (which) {
	case 0:	/* a function's name is string 99 of 5 */
		fn(b, 1, 99, 4), loc(b, 1, 0, 1), smp(b, 1, 1), strs(b);
		break;
	case 1:	/* a function without id among functions with ids */
		fn(b, 1, 3, 4), fn(b, 0, 3, 4), loc(b, 1, 0, 1), smp(b, 1, 1), strs(b);
		break;
	case 2:	/* two functions with id 1 */
		fn(b, 1, 3, 4), fn(b, 1, 3, 4), loc(b, 1, 0, 1), smp(b, 1, 1), strs(b);
		break;
	case 3:	/* a mapping with id 0 */
		buf_init(&m);
		pb_int(&m, 2, 4096);
		pb_bytes(b, 3, m.data, m.len);
		buf_release(&m);
		fn(b, 1, 3, 4), loc(b, 1, 0, 1), strs(b);
		break;
	case 4:	/* a location in mapping 9 of none */
		fn(b, 1, 3, 4), loc(b, 1, 9, 1), strs(b);
		break;
	case 5:	/* a location calling function 9 of 1 */
		fn(b, 1, 3, 4), loc(b, 1, 0, 9), strs(b);
		break;
	case 6:	/* a location with id 0 */
		fn(b, 1, 3, 4), loc(b, 0, 0, 1), strs(b);
		break;
	case 7:	/* two locations with id 1 */
		fn(b, 1, 3, 4), loc(b, 1, 0, 1), loc(b, 1, 0, 1), strs(b);
		break;
	case 8:	/* sample types and no string table */
		break;
	case 9:	/* a default_sample_type of string 42 */
		strs(b), pb_int(b, 14, 42);
		break;
	case 10: /* a comment of string 42 */
		strs(b), pb_int(b, 13, 42);
		break;
	case 11: /* a period type of string 42 */
		strs(b), vt(b, 11, 1, 42);
		break;
	case 12: /* a sample at location 5 of 1 */
		fn(b, 1, 3, 4), loc(b, 1, 0, 1), smp(b, 5, 1), strs(b);
		break;
	case 13: /* string 0 is not empty */
		pb_str(b, 6, "x");
		break;
	case 14: /* a varint cut short at the end */
		strs(b), pb_tag(b, 9, 0), buf_addc(b, (char)0x80);
		break;
	case 15: /* a sample whose location ids run past its field */
		strs(b), fn(b, 1, 3, 4), loc(b, 1, 0, 1), buf_adds(b, "\x12\x04\x0a\x09\x01\x02");
		break;
	case 16: /* period as a length-delimited field */
		strs(b), pb_bytes(b, 12, "ab", 2);
		break;
	}
}

/* A valid profile whose strings are up to 11 bytes long, for --max-string. */
static void minimal_for_limits(struct buf *b)
{
	buf_init(b);
	vt(b, 1, 1, 2);
	fn(b, 1, 3, 4), loc(b, 1, 0, 1), smp(b, 1, 1), strs(b);
}

struct fault {
	const char *cmd;	/* the command; the file is appended */
	const char *text;	/* the file's bytes, NULL for faulty_profile(profile) */
	int profile;
	int whole;		/* a fault of the file as a whole: no place to name */
	const char *says;	/* what the message must say */
};

static const struct fault faults[] = {
	{"info", NULL, 0, 0, "function name string index 99 out of range"},
	{"info", NULL, 1, 0, "function 2 has id 0"},
	{"info", NULL, 2, 0, "duplicate function id 1"},
	{"info", NULL, 3, 0, "mapping 1 has id 0"},
	{"info", NULL, 4, 0, "refers to missing mapping 9"},
	{"info", NULL, 5, 0, "refers to missing function 9"},
	{"info", NULL, 6, 0, "location 1 has id 0"},
	{"info", NULL, 7, 0, "location 2 repeats location id 1"},
	{"info", NULL, 8, 0, "the string table is empty"},
	{"info", NULL, 9, 0, "default_sample_type string index 42"},
	{"info", NULL, 10, 0, "comment string index 42"},
	{"info", NULL, 11, 0, "period unit string index 42"},
	{"info", NULL, 12, 0, "refers to missing location 5"},
	{"info", NULL, 13, 0, "string_table[0] must be empty"},
	{"info", NULL, 14, 0, "truncated varint"},
	{"info", NULL, 15, 0, "malformed Sample message"},
	{"info", NULL, 16, 0, "want varint"},
	{"info", "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xff\xff\xff", 0, 0, "gzip"},
	{"info", "heap profile: 1: 2 [3: 4] @ heap/x\n", 0, 0, "bad sampling rate"},
	{"info", "heap profile: 1: 2 [3: 4] @ cpu/1\n", 0, 0, "unsupported heap profile kind"},
	{"info", "heap profile: 1: 2 [3: 4] heap/1\n", 0, 0, "malformed heap profile header"},
	{"info", "heap profile: 1: 2 [3: 4] @ heap/1\n1: 2 [3: 4] @ 0x1 zz\n", 0, 0, "malformed address"},
	{"info", "heap profile: 1: 2 [3: 4] @ heap/1\n\n1: 2 [3 4] @ 0x1\n", 0, 0, "malformed sample line"},
	{"info --max-depth 2", "heap profile: 1: 2 [3: 4] @ heap/1\n1: 2 [3: 4] @ 0x1 0x2 0x3\n", 0, 0,
	 "more than 2 frames"},
	{"info --max-string 3", NULL, 0, 0, "exceeds the limit of 3"},
	{"escapes --dry-run --max-line 20", "# p\n./a.go:1:1: can inline f\n./a.go:2:1: moved to heap: xxxxxxxxxxx\n",
	 0, 0, "line longer than 20 bytes"},
	{"check --budget", "total alloc_space <= 5MiB\ntotal alloc_space <= 5 MB\n", 0, 0, "after the limit"},
	{"check --budget", "# a comment\ntotal alloc_bytes <= 5MiB\n", 0, 0, "unknown sample type 'alloc_bytes'"},
	/* the file as a whole */
	{"info", "", 0, 1, "empty file"},
	{"info", "this is not a profile\n", 0, 1, "not a pprof profile"},
	{"info --max-size 8", "heap profile: 1: 2 [3: 4] @ heap/1\n", 0, 1, "larger than 8 bytes"},
	{"escapes --dry-run", "nothing the compiler said\n", 0, 1, "no Go compiler diagnostics found"},
	{"check --budget", "# only a comment\n", 0, 1, "no rules"},
};

/* Every message for bad input is one line, `escprof CMD: 'FILE'` and then `:LINE: ` or
 * a text with ` at byte N`; a fault of the whole file (empty, too large, of another
 * format, with nothing in it) names the file alone. */
Test(hostile, every_bad_input_message_names_the_file_and_the_line_or_byte)
{
	const char *db = t_fresh("faults.db");
	regex_t located, whole;
	size_t i;

	cr_assert_eq(regcomp(&located, "^escprof [a-z]+: '[^']+'(:[0-9]+: |: .* at byte [0-9]+([ :,(].*)?$)",
			     REG_EXTENDED | REG_NOSUB), 0);
	cr_assert_eq(regcomp(&whole, "^escprof [a-z]+: '[^']+': ", REG_EXTENDED | REG_NOSUB), 0);
	cr_assert_eq(t_run(NULL, NULL, "load -q --db '%s' sample-profiles/out/go1.19/chan_send.pb.gz", db), 0);
	for (i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
		const struct fault *f = &faults[i];
		const char *path = t_fresh("fault-%zu", i);
		struct buf b, err;
		char line[1024];

		if (f->text) {
			t_write(path, f->text, strlen(f->text));
		} else {
			if (strstr(f->cmd, "--max-string"))
				minimal_for_limits(&b);
			else
				faulty_profile(&b, f->profile);
			t_write(path, b.data, b.len);
			buf_release(&b);
		}
		cr_expect_eq(t_run(NULL, &err, "%s '%s' --db '%s'", f->cmd, path, db), 3, "case %zu (%s): %s",
			     i, f->says, err.data);
		snprintf(line, sizeof(line), "%s", err.data);
		cr_expect(err.len && strchr(err.data, '\n') == err.data + err.len - 1, "case %zu: not one line: %s",
			  i, err.data);
		line[strcspn(line, "\n")] = '\0';
		cr_expect(strstr(line, path), "case %zu: %s", i, line);
		cr_expect(strstr(line, f->says), "case %zu: want '%s': %s", i, f->says, line);
		if (f->whole)
			cr_expect_eq(regexec(&whole, line, 0, NULL, 0), 0, "case %zu: %s", i, line);
		else
			cr_expect_eq(regexec(&located, line, 0, NULL, 0), 0, "case %zu: names no line or byte: %s",
				     i, line);
		buf_release(&err);
	}
	regfree(&located);
	regfree(&whole);
}
