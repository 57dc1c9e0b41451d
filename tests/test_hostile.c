/* test_hostile.c — input built to hurt what comes after the decoders: stacks made to
 * collide in the store's stack hash, empty diffs, endless and exploding inputs, memory
 * and file-size exhaustion, stores that cannot be written or are corrupt, SQL that
 * reaches for more than the store, and the place every bad-input message names. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/digest.h"
#include "testutil.h"

/* ---- stack-hash collisions ---- */

/* The inverse of digest.c's mixing step, written from its definition: each of its
 * operations (xorshift by 29 or 32, multiplication by an odd constant) is a bijection. */
static uint64_t inv_odd(uint64_t k)
{
	uint64_t x = k;	/* Newton: each round doubles the correct low bits */
	int i;

	for (i = 0; i < 6; i++)
		x *= 2 - k * x;
	return x;
}

static uint64_t unmix(uint64_t x, uint64_t k)
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
static uint64_t word_to(uint64_t lo, uint64_t want)
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
static void colliding_frames(uint64_t fid, int64_t *a, int64_t *ca, int64_t *b, int64_t *cb)
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
 * empty array), the header and an empty list. */
Test(hostile, diff_of_two_empty_profiles_is_an_empty_table)
{
	const char *a = t_fresh("empty-a.pb"), *b = t_fresh("empty-b.pb");
	struct buf pa, pb, out, err;

	empty_profile(&pa, 0);
	empty_profile(&pb, 5);
	t_write(a, pa.data, pa.len);
	t_write(b, pb.data, pb.len);
	cr_assert_eq(t_run(&out, &err, "diff -q '%s' '%s'", a, b), 0, "%s", err.data);
	cr_expect(strstr(out.data, "alloc_space by site\n") && strstr(out.data, "status  site\n"),
		  "%s", out.data);
	cr_expect_eq(strchr(strstr(out.data, "status  site\n"), '\n')[1], '\0', "%s", out.data);
	buf_release(&out);
	cr_assert_eq(t_run(&out, &err, "diff -q --format json '%s' '%s'", a, b), 0, "%s", err.data);
	cr_expect(strstr(out.data, "\"grown\": []"), "%s", out.data);
	buf_release(&out);
	buf_release(&err);
	buf_release(&pa);
	buf_release(&pb);
}
