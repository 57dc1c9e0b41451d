/* testutil.h — what the Criterion suites share: where the repository, the shared corpus
 * and the escprof binary are, whole-file reads, a tiny protobuf writer for hand-made
 * negative inputs, and running the CLI with its output captured. */
#ifndef ESC_TESTUTIL_H
#define ESC_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

/* $ESCPROF_SRC or "." */
const char *t_src(void);
/* path under the repository, in a static rotating buffer */
const char *t_path(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* ../shared next to the repository, or NULL when absent */
const char *t_shared(void);
/* a fresh temporary directory for this test (removed at exit is not guaranteed) */
const char *t_tmpdir(void);

/* a path in t_tmpdir() named by fmt plus this process's id, removed if it exists: a
 * fresh file name per test process (in a rotating buffer of 8) */
const char *t_fresh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* reads a file; aborts the test when it cannot */
void t_read(struct buf *b, const char *path);
void t_write(const char *path, const void *data, size_t len);

/* runs `$ESCPROF args...` (a shell command line); stdout/stderr into out/err (may be NULL)
 * and returns the exit code */
int t_run(struct buf *out, struct buf *err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* protobuf writer */
void pb_varint(struct buf *b, uint64_t v);
void pb_tag(struct buf *b, unsigned field, unsigned wt);
void pb_int(struct buf *b, unsigned field, uint64_t v);
void pb_bytes(struct buf *b, unsigned field, const void *p, size_t n);
void pb_str(struct buf *b, unsigned field, const char *s);

/* For a store of a version before 8 made by hand, attached as n the store of this
 * version it copies: SQL that puts n's samples in the sample table of before (eight value
 * columns, types 4 to 7 back from sample_value_x) and the rest of n's values in
 * sample_value_x. A piece of a longer statement list: it begins and ends with a space. */
#define T_COPY_SAMPLES_BEFORE_V8 \
	" INSERT INTO sample SELECT s.*, x4.value, x5.value, x6.value, x7.value FROM n.sample s" \
	"   LEFT JOIN n.sample_value_x x4 ON x4.profile_id = s.profile_id AND x4.sample_id = s.sample_id AND x4.idx = 4" \
	"   LEFT JOIN n.sample_value_x x5 ON x5.profile_id = s.profile_id AND x5.sample_id = s.sample_id AND x5.idx = 5" \
	"   LEFT JOIN n.sample_value_x x6 ON x6.profile_id = s.profile_id AND x6.sample_id = s.sample_id AND x6.idx = 6" \
	"   LEFT JOIN n.sample_value_x x7 ON x7.profile_id = s.profile_id AND x7.sample_id = s.sample_id AND x7.idx = 7;" \
	" INSERT INTO sample_value_x SELECT * FROM n.sample_value_x WHERE idx >= 8; "

/* gzip-compresses in into out */
void t_gzip(struct buf *out, const void *in, size_t len);

/* value of "key=N" in a key=value file (the .expect oracles); -1 when absent */
long long t_expect(const char *path, const char *key);

/* the sample programs under sample-profiles/, one per scenario */
#define T_NSCENARIOS 15
extern const char *const t_scenarios[T_NSCENARIOS];

/* One row of sample-profiles/expected-causes.tsv (written by hand from the programs). */
struct t_expect_cause {
	char scen[64], fn[128], versions[32], via[128], cause[64];
	long line;
	int seen;
};
/* Every row; free() the array. */
struct t_expect_cause *t_expect_causes(size_t *n);
/* Whether a row's versions ("all", "<=1.23", ">=1.24", "1.19,1.24") include go1.minor. */
int t_version_matches(const char *spec, int minor);
/* Whether a row's via ("-", a function, or a prefix ending in '*') matches got (NULL
 * when the site allocates itself). */
int t_via_matches(const char *want, const char *got);

/* The leaves of a `go tool pprof -raw` dump: every sample's alloc_space with the
 * function and "file:line" of the first line of its first location (NULL when the dump
 * does not list that location). The oracle for bytes per allocating line. */
struct t_raw_sample {
	long long alloc_space;
	const char *function, *pos;	/* owned by the t_raw */
};
struct t_raw {
	struct t_raw_sample *s;
	size_t n;
	long long total;		/* sum of alloc_space */
	char **strs;			/* what function and pos point into */
	size_t nstrs;
};
void t_raw_read(struct t_raw *r, const char *path);
/* The output of the sqlite3 shell (-bail) on db, which reads what escprof sql refuses
 * (pragmas, the schema); an error fails the test. */
void t_sqlite3(struct buf *out, const char *db, const char *sql);
/* The integer that output starts with. */
long long t_sqlite3_int(const char *db, const char *sql);
/* The integer in the first column of the first row of `escprof sql` on db. */
long long t_sql_int(const char *db, const char *sql);
void t_raw_release(struct t_raw *r);

/* Headless Chromium ($ESCPROF_CHROMIUM, else chromium or chromium-browser on PATH), or
 * NULL when there is none. */
const char *t_chromium(void);
/* Loads file://path#fragment (fragment may be NULL) and puts the DOM after the page's
 * scripts ran into dom; returns the exit code. */
int t_chromium_dom(struct buf *dom, const char *path, const char *fragment);
/* Screenshots file://path at width x height into png; returns the exit code. */
int t_chromium_screenshot(const char *png, const char *path, int width, int height);

/* A new empty database on the suite's PostgreSQL server (tests/with-postgres.sh), as a
 * URL (in a rotating buffer of 4); NULL when there is none ($ESCPROF_TEST_PG unset). */
const char *t_pg(void);
#define T_PG_OR_SKIP(url) do { \
		if (!((url) = t_pg())) \
			cr_skip_test("no PostgreSQL server: the suite runs with one under" \
				     " tests/with-postgres.sh (make check does)"); \
	} while (0)
/* The integer in the first row and column of sql, run through libpq (not escprof). */
long long t_pg_int(const char *url, const char *sql);
/* Runs sql through libpq; a failure fails the test. */
void t_pg_exec(const char *url, const char *sql);
#endif
