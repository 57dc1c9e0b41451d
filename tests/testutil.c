/* testutil.c — helpers for the suites; see testutil.h. */
#include "testutil.h"

#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <libpq-fe.h>

const char *t_src(void)
{
	const char *s = getenv("ESCPROF_SRC");

	return s && *s ? s : ".";
}

const char *t_path(const char *fmt, ...)
{
	static char bufs[8][4096];
	static int next;
	char *b = bufs[next++ & 7];
	int n;
	va_list ap;

	n = snprintf(b, 4096, "%s/", t_src());
	va_start(ap, fmt);
	vsnprintf(b + n, 4096 - (size_t)n, fmt, ap);
	va_end(ap);
	return b;
}

const char *t_shared(void)
{
	static char p[4096];
	struct stat sb;

	snprintf(p, sizeof(p), "%s/../shared", t_src());
	return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode) ? p : NULL;
}

const char *t_tmpdir(void)
{
	static char p[64];

	if (!p[0]) {
		strcpy(p, "/tmp/escprof-test-XXXXXX");
		cr_assert_not_null(mkdtemp(p));
	}
	return p;
}

const char *t_fresh(const char *fmt, ...)
{
	static char bufs[8][600];
	static int next;
	char *b = bufs[next++ & 7], name[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	snprintf(b, 600, "%s/%d-%s", t_tmpdir(), getpid(), name);
	unlink(b);
	return b;
}

void t_read(struct buf *b, const char *path)
{
	buf_init(b);
	cr_assert_eq(buf_read_file(b, path, (size_t)1 << 32), 0, "cannot read %s", path);
}

void t_write(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	cr_assert_not_null(f, "cannot write %s", path);
	cr_assert_eq(fwrite(data, 1, len, f), len);
	fclose(f);
}

static void slurp(struct buf *b, const char *path)
{
	if (!b)
		return;
	buf_init(b);
	buf_read_file(b, path, (size_t)1 << 30);
}

int t_run(struct buf *out, struct buf *err, const char *fmt, ...)
{
	char cmd[16384], args[12288], o[512], e[512];
	const char *bin = getenv("ESCPROF");
	va_list ap;
	int st;

	cr_assert_not_null(bin, "ESCPROF is not set: run the suite through `make check`");
	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(o, sizeof(o), "%s/out.%d", t_tmpdir(), getpid());
	snprintf(e, sizeof(e), "%s/err.%d", t_tmpdir(), getpid());
	snprintf(cmd, sizeof(cmd), "cd '%s' && '%s' %s </dev/null >'%s' 2>'%s'", t_src(), bin, args, o, e);
	st = system(cmd);
	slurp(out, o);
	slurp(err, e);
	unlink(o);
	unlink(e);
	cr_assert(WIFEXITED(st), "'%s' did not exit normally", args);
	return WEXITSTATUS(st);
}

void pb_varint(struct buf *b, uint64_t v)
{
	do {
		unsigned char c = v & 0x7f;

		v >>= 7;
		if (v)
			c |= 0x80;
		buf_addc(b, (char)c);
	} while (v);
}

void pb_tag(struct buf *b, unsigned field, unsigned wt)
{
	pb_varint(b, (uint64_t)field << 3 | wt);
}

void pb_int(struct buf *b, unsigned field, uint64_t v)
{
	pb_tag(b, field, 0);
	pb_varint(b, v);
}

void pb_bytes(struct buf *b, unsigned field, const void *p, size_t n)
{
	pb_tag(b, field, 2);
	pb_varint(b, n);
	buf_add(b, p, n);
}

void pb_str(struct buf *b, unsigned field, const char *s)
{
	pb_bytes(b, field, s, strlen(s));
}

void t_gzip(struct buf *out, const void *in, size_t len)
{
	z_stream zs = {0};
	int rc;

	buf_init(out);
	cr_assert_eq(deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = (unsigned char *)in;
	zs.avail_in = (uInt)len;
	do {
		buf_grow(out, 1 << 16);
		zs.next_out = (unsigned char *)out->data + out->len;
		zs.avail_out = (uInt)(out->cap - out->len - 1);
		rc = deflate(&zs, Z_FINISH);
		out->len = (size_t)((char *)zs.next_out - out->data);
	} while (rc == Z_OK);
	cr_assert_eq(rc, Z_STREAM_END);
	deflateEnd(&zs);
}

long long t_expect(const char *path, const char *key)
{
	FILE *f = fopen(path, "r");
	char line[512];
	size_t kl = strlen(key);
	long long v = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, kl) && line[kl] == '=') {
			v = atoll(line + kl + 1);
			break;
		}
	fclose(f);
	return v;
}

void t_raw_read(struct t_raw *r, const char *path)
{
	struct buf b;
	char *line, *save = NULL;
	int section = 0, ix = -1;
	size_t i, capsmp = 1024, caploc = 256, nloc = 0;
	struct { unsigned long long loc; long long v; } *smp = malloc(capsmp * sizeof(*smp));
	struct { unsigned long long id; char *function, *pos; } *locs = malloc(caploc * sizeof(*locs));

	cr_assert(smp && locs);
	memset(r, 0, sizeof(*r));
	t_read(&b, path);
	for (line = strtok_r(b.data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "Samples:", 8)) {
			section = 1;
			continue;
		}
		if (!strncmp(line, "Locations", 9)) {
			section = 2;
			continue;
		}
		if (!strncmp(line, "Mappings", 8))
			break;
		if (section == 1 && ix < 0) {
			/* the type header: which column is alloc_space */
			char *t = line;
			int k = 0;

			for (; *t; k++) {
				while (*t == ' ')
					t++;
				if (!strncmp(t, "alloc_space/", 12))
					ix = k;
				while (*t && *t != ' ')
					t++;
			}
			cr_assert_geq(ix, 0, "%s: no alloc_space column", path);
		} else if (section == 1 && strchr(line, ':') && !strchr(line, '[')) {
			/* "   v0 v1 v2 v3: loc loc ..." (label lines hold "[") */
			char *t = line;
			long long v = 0;

			for (int k = 0; k <= ix; k++)
				v = strtoll(t, &t, 10);
			if (r->n == capsmp)
				cr_assert_not_null(smp = realloc(smp, (capsmp *= 2) * sizeof(*smp)));
			smp[r->n].v = v;
			smp[r->n++].loc = strtoull(strchr(line, ':') + 1, NULL, 10);
			r->total += v;
		} else if (section == 2 && strstr(line, ": 0x")) {
			/* "   id: 0xaddr M=1 function file:line[:col] s=N"; lines without an id are
			 * the location's inlined callers */
			char *s = strstr(line, " s="), *pos, *fn, *c1, *c2;

			if (!s)
				continue;
			*s = '\0';
			if (!(pos = strrchr(line, ' ')))
				continue;
			*pos++ = '\0';
			fn = strrchr(line, ' ');
			fn = fn ? fn + 1 : line;
			if ((c1 = strrchr(pos, ':'))) {
				*c1 = '\0';
				c2 = strrchr(pos, ':');
				if (!c2 || !c2[1] || strspn(c2 + 1, "0123456789") != strlen(c2 + 1))
					*c1 = ':';	/* no column: keep "file:line" */
			}
			if (nloc == caploc)
				cr_assert_not_null(locs = realloc(locs, (caploc *= 2) * sizeof(*locs)));
			locs[nloc].id = strtoull(line, NULL, 10);
			cr_assert_not_null(locs[nloc].function = strdup(fn));
			cr_assert_not_null(locs[nloc++].pos = strdup(pos));
		}
	}
	cr_assert_not_null(r->s = calloc(r->n + 1, sizeof(*r->s)));
	cr_assert_not_null(r->strs = calloc(2 * nloc + 1, sizeof(*r->strs)));
	for (i = 0; i < nloc; i++) {
		r->strs[r->nstrs++] = locs[i].function;
		r->strs[r->nstrs++] = locs[i].pos;
	}
	for (i = 0; i < r->n; i++) {
		size_t at = nloc;

		r->s[i].alloc_space = smp[i].v;
		/* -raw numbers locations 1..n in order; search only when it did not */
		if (smp[i].loc >= 1 && smp[i].loc <= nloc && locs[smp[i].loc - 1].id == smp[i].loc)
			at = smp[i].loc - 1;
		else
			for (at = 0; at < nloc && locs[at].id != smp[i].loc; at++)
				;
		if (at < nloc) {
			r->s[i].function = locs[at].function;
			r->s[i].pos = locs[at].pos;
		}
	}
	free(smp);
	free(locs);
	buf_release(&b);
}

void t_raw_release(struct t_raw *r)
{
	size_t i;

	for (i = 0; i < r->nstrs; i++)
		free(r->strs[i]);
	free(r->strs);
	free(r->s);
	memset(r, 0, sizeof(*r));
}

const char *const t_scenarios[T_NSCENARIOS] = {
	"pointer_returned", "too_large", "nonconst_size", "iface_fmt", "iface_var",
	"closure_capture", "chan_send", "slice_ptrs", "append_growth", "map_insert",
	"iface_method", "string_concat", "goroutine", "realistic_json", "realistic_tokenizer",
};

struct t_expect_cause *t_expect_causes(size_t *n)
{
	struct buf b;
	struct t_expect_cause *v = calloc(256, sizeof(*v));
	char *line, *save = NULL;

	cr_assert_not_null(v);
	*n = 0;
	t_read(&b, t_path("sample-profiles/expected-causes.tsv"));
	for (line = strtok_r(b.data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct t_expect_cause *x = &v[*n];

		if (line[0] == '#')
			continue;
		cr_assert_lt(*n, 256);
		cr_assert_eq(sscanf(line, "%63[^\t]\t%127[^\t]\t%ld\t%31[^\t]\t%127[^\t]\t%63[^\t]",
				    x->scen, x->fn, &x->line, x->versions, x->via, x->cause), 6,
			     "bad line: %s", line);
		(*n)++;
	}
	buf_release(&b);
	return v;
}

int t_version_matches(const char *spec, int minor)
{
	char tmp[32], *tok, *save = NULL;

	if (!strcmp(spec, "all"))
		return 1;
	if (!strncmp(spec, ">=1.", 4))
		return minor >= atoi(spec + 4);
	if (!strncmp(spec, "<=1.", 4))
		return minor <= atoi(spec + 4);
	snprintf(tmp, sizeof(tmp), "%s", spec);
	for (tok = strtok_r(tmp, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		if (!strncmp(tok, "1.", 2) && atoi(tok + 2) == minor)
			return 1;
	return 0;
}

int t_via_matches(const char *want, const char *got)
{
	size_t n = strlen(want);

	if (!strcmp(want, "-"))
		return got == NULL;
	if (!got)
		return 0;
	/* got may list several dependencies: "a, b" */
	for (;;) {
		size_t gl = strcspn(got, ",");

		if (n && want[n - 1] == '*' ? !strncmp(want, got, n - 1) : (gl == n && !strncmp(want, got, n)))
			return 1;
		if (!got[gl])
			return 0;
		got += gl + 1;
		while (*got == ' ')
			got++;
	}
}

const char *t_chromium(void)
{
	static const char *const names[] = {"chromium", "chromium-browser"};
	static char found[4096];
	const char *env = getenv("ESCPROF_CHROMIUM"), *path = getenv("PATH");
	size_t i;

	if (env && *env)
		return access(env, X_OK) == 0 ? env : NULL;
	if (found[0])
		return found;
	for (i = 0; path && i < sizeof(names) / sizeof(names[0]); i++) {
		const char *p = path;

		while (*p) {
			size_t n = strcspn(p, ":");

			snprintf(found, sizeof(found), "%.*s/%s", (int)n, p, names[i]);
			if (n && access(found, X_OK) == 0)
				return found;
			p += n + (p[n] == ':');
		}
	}
	found[0] = '\0';
	return NULL;
}

/* Runs headless Chromium on file://path with extra arguments, its own profile directory
 * (so that runs in parallel do not share one) and a time limit. */
static int chromium(struct buf *out, const char *path, const char *fragment, const char *args)
{
	char cmd[16384], abs[4096], prof[600], o[600];
	const char *bin = t_chromium();
	int st;

	cr_assert_not_null(bin);
	cr_assert_not_null(realpath(path, abs), "no file %s", path);
	snprintf(prof, sizeof(prof), "%s/chromium-%d-XXXXXX", t_tmpdir(), getpid());
	cr_assert_not_null(mkdtemp(prof));
	snprintf(o, sizeof(o), "%s/dom", prof);
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && HOME='%s' timeout 90 '%s' --headless --no-sandbox --disable-gpu"
		 " --no-first-run --user-data-dir='%s' %s 'file://%s%s%s' >'%s' 2>/dev/null",
		 prof, prof, bin, prof, args, abs, fragment ? "#" : "", fragment ? fragment : "", o);
	st = system(cmd);
	slurp(out, o);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", prof);
	if (system(cmd)) {
		/* a leftover profile directory in the test's temporary directory is harmless */
	}
	cr_assert(WIFEXITED(st), "chromium did not exit normally");
	return WEXITSTATUS(st);
}

int t_chromium_dom(struct buf *dom, const char *path, const char *fragment)
{
	return chromium(dom, path, fragment, "--dump-dom");
}

int t_chromium_screenshot(const char *png, const char *path, int width, int height)
{
	char args[1200];

	snprintf(args, sizeof(args), "--hide-scrollbars --window-size=%d,%d --screenshot='%s'", width, height, png);
	return chromium(NULL, path, NULL, args);
}

void t_sqlite3(struct buf *out, const char *db, const char *sql)
{
	char cmd[8192], o[600];

	snprintf(o, sizeof(o), "%s/sqlite3.%d", t_tmpdir(), getpid());
	snprintf(cmd, sizeof(cmd), "sqlite3 -bail '%s' \"%s\" >'%s'", db, sql, o);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	t_read(out, o);
	unlink(o);
}

long long t_sqlite3_int(const char *db, const char *sql)
{
	struct buf b;
	long long v;

	t_sqlite3(&b, db, sql);
	v = atoll(b.data);
	buf_release(&b);
	return v;
}

long long t_sql_int(const char *db, const char *sql)
{
	struct buf out, err;
	long long v;
	char *nl;

	cr_assert_eq(t_run(&out, &err, "sql --db '%s' --format tsv \"%s\"", db, sql), 0, "%s", err.data);
	nl = strchr(out.data, '\n');
	cr_assert_not_null(nl);
	v = atoll(nl + 1);
	buf_release(&out);
	buf_release(&err);
	return v;
}

const char *t_pg(void)
{
	static char urls[4][512];
	static unsigned n;
	const char *base = getenv("ESCPROF_TEST_PG"), *slash;
	char name[64], sql[128];
	char *url;
	PGconn *c;
	PGresult *r;

	if (!base || !*base)
		return NULL;
	url = urls[n % 4];
	snprintf(name, sizeof(name), "t%d_%u", (int)getpid(), n++);
	c = PQconnectdb(base);
	cr_assert_eq(PQstatus(c), CONNECTION_OK, "the test server: %s", PQerrorMessage(c));
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", name);
	r = PQexec(c, sql);
	cr_assert_eq(PQresultStatus(r), PGRES_COMMAND_OK, "%s: %s", sql, PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
	slash = strrchr(base, '/');
	cr_assert_not_null(slash);
	snprintf(url, sizeof(urls[0]), "%.*s/%s", (int)(slash - base), base, name);
	return url;
}

/* a query through libpq, not escprof: one result of rows */
static PGresult *pg_query(PGconn **c, const char *url, const char *sql)
{
	PGresult *r;

	*c = PQconnectdb(url);
	cr_assert_eq(PQstatus(*c), CONNECTION_OK, "%s", PQerrorMessage(*c));
	r = PQexec(*c, sql);
	cr_assert(PQresultStatus(r) == PGRES_TUPLES_OK || PQresultStatus(r) == PGRES_COMMAND_OK,
		  "%s: %s", sql, PQerrorMessage(*c));
	return r;
}

long long t_pg_int(const char *url, const char *sql)
{
	PGconn *c;
	PGresult *r = pg_query(&c, url, sql);
	long long v;

	cr_assert(PQntuples(r) >= 1 && PQnfields(r) >= 1, "%s: no value", sql);
	v = atoll(PQgetvalue(r, 0, 0));
	PQclear(r);
	PQfinish(c);
	return v;
}

void t_pg_exec(const char *url, const char *sql)
{
	PGconn *c;

	PQclear(pg_query(&c, url, sql));
	PQfinish(c);
}
