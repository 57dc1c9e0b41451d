/* test_real.c — escprof on real code nobody here wrote (sample-profiles/real/): for every
 * case, Go version and profile, `escprof analyze` with the case's logs and sources must
 * join every build (each fits the profile), add up to pprof's total, and give each judged
 * allocation (verdicts.tsv: a person's reading of the source, the object sizes and the
 * compiler's words) its cause. A judged (site, cause) is right when escprof puts at least
 * 90% of its bytes there; the ones escprof still gets wrong are listed, with why, in
 * known-gaps.tsv, and must stay wrong until that file is updated. The judged-bytes figure
 * per case is written to build/real-score.tsv. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "common/hmap.h"
#include "tests/testutil.h"

#define REAL "sample-profiles/real"

struct conf {
	char versions[256], profiles[256], logs[512], args[2048];
};

/* KEY="value" lines; # comments */
static void read_conf(const char *cs, struct conf *c)
{
	struct buf b;
	char *line, *save = NULL;

	memset(c, 0, sizeof(*c));
	snprintf(c->profiles, sizeof(c->profiles), "heap");
	t_read(&b, t_path(REAL "/%s/case.conf", cs));
	for (line = strtok_r(b.data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char key[64], val[2048];

		if (sscanf(line, "%63[A-Z_]=\"%2047[^\"]\"", key, val) != 2)
			continue;
		if (!strcmp(key, "CASE_VERSIONS"))
			snprintf(c->versions, sizeof(c->versions), "%s", val);
		else if (!strcmp(key, "CASE_PROFILES"))
			snprintf(c->profiles, sizeof(c->profiles), "%s", val);
		else if (!strcmp(key, "CASE_LOGS"))
			snprintf(c->logs, sizeof(c->logs), "%s", val);
		else if (!strcmp(key, "CASE_ARGS"))
			snprintf(c->args, sizeof(c->args), "%s", val);
	}
	buf_release(&b);
}

/* the standard library's sources of Go `version` (make check fetches them) */
static const char *gosrc(const char *version)
{
	static char p[1024];
	const char *root = getenv("ESCPROF_GOSRC");
	struct stat sb;

	snprintf(p, sizeof(p), "%s/go%s/src", root && *root ? root : t_path("build/gosrc"), version);
	cr_assert(stat(p, &sb) == 0, "no Go %s sources at %s (make check fetches them: "
		  "scripts/go-sources.sh build/gosrc %s)", version, p, version);
	return p;
}

/* args with @GOSRC@, @CASE@ and @GOCODE@ replaced */
static void expand(const char *in, const char *cs, const char *version, char *out, size_t n)
{
	struct buf b;

	buf_init(&b);
	while (*in) {
		if (!strncmp(in, "@GOSRC@", 7)) {
			buf_adds(&b, gosrc(version));
			in += 7;
		} else if (!strncmp(in, "@CASE@", 6)) {
			buf_adds(&b, t_path(REAL "/%s", cs));
			in += 6;
		} else if (!strncmp(in, "@GOCODE@", 8)) {
			buf_adds(&b, "/usr/share/gocode/src");
			in += 8;
		} else {
			buf_add(&b, in++, 1);
		}
	}
	snprintf(out, n, "%s", b.data);
	buf_release(&b);
}

/* a log as a plain file: NAME.gz is decompressed into the temporary directory */
static const char *plain_log(const char *path)
{
	static char out[8][1024];
	static int k;
	size_t pl = strlen(path);
	char *o = out[k++ % 8];
	gzFile in;
	FILE *f;
	char chunk[65536];
	int r;

	if (pl < 3 || strcmp(path + pl - 3, ".gz"))
		return path;
	snprintf(o, sizeof(out[0]), "%s", t_fresh("real-log-%d.txt", k));
	cr_assert_not_null(in = gzopen(path, "rb"), "%s", path);
	cr_assert_not_null(f = fopen(o, "wb"));
	while ((r = gzread(in, chunk, sizeof(chunk))) > 0)
		cr_assert_eq(fwrite(chunk, 1, (size_t)r, f), (size_t)r);
	cr_assert_geq(r, 0, "%s: not gzip", path);
	gzclose(in);
	fclose(f);
	return o;
}

/* the judged bytes of one (function, line, cause), and what escprof put there */
struct group {
	char *key;		/* "function\tline\tcause" */
	long long judged, got;
	int gap;		/* listed in known-gaps.tsv */
};

struct tally {
	long long judged, right;
	size_t groups, wrong, gaps;
};

static int known_gap(const char *cs, const char *ver, const char *prof, const char *key)
{
	static struct buf b;
	static int loaded;
	char want[2048];

	if (!loaded) {
		t_read(&b, t_path(REAL "/known-gaps.tsv"));
		loaded = 1;
	}
	/* case, go, profile, function, line, cause: one line each, tab-separated */
	snprintf(want, sizeof(want), "\n%s\t%s\t%s\t%s\t", cs, ver, prof, key);
	return strstr(b.data, want) != NULL;
}

static void check_profile(const char *cs, const struct conf *c, const char *ver, const char *prof,
			  struct tally *t, FILE *score)
{
	char args[4096], logs[4096] = "", *save = NULL, *tok, copy[512];
	struct buf out, err, vb;
	json_t *j, *sites, *builds;
	json_error_t je;
	struct hmap got;
	struct group *g = NULL;
	size_t ng = 0, capg = 0, i;
	char *line;
	struct tally here = {0};
	long long total;

	expand(c->args, cs, ver, args, sizeof(args));
	snprintf(copy, sizeof(copy), "%s", c->logs);
	for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		size_t l = strlen(logs);

		snprintf(logs + l, sizeof(logs) - l, " '%s'",
			 plain_log(t_path(REAL "/%s/go%s/%s", cs, ver, tok)));
	}
	cr_assert_eq(t_run(&out, &err, "analyze --format json -n 1000000 %s " REAL "/%s/go%s/%s.pb.gz%s",
			   args, cs, ver, prof, logs), 0, "%s go%s %s: %s", cs, ver, prof, err.data);
	j = json_loads(out.data, 0, &je);
	cr_assert_not_null(j, "%s", je.text);
	total = t_expect(t_path(REAL "/%s/go%s/%s.expect", cs, ver, prof), "alloc_space");
	cr_expect_eq(json_integer_value(json_object_get(j, "total")), total, "%s go%s %s: total", cs, ver, prof);
	/* every build given is the build of this code: it fits the profile */
	builds = json_object_get(j, "builds");
	cr_expect_gt(json_array_size(builds), 0);
	for (i = 0; i < json_array_size(builds); i++)
		cr_expect(json_is_true(json_object_get(json_array_get(builds, i), "used")),
			  "%s go%s %s: build %s does not fit (match %.1f%%)", cs, ver, prof,
			  json_string_value(json_object_get(json_array_get(builds, i), "name")),
			  json_number_value(json_object_get(json_array_get(builds, i), "match")));
	/* escprof's bytes per (function, line, cause) */
	hmap_init(&got);
	sites = json_object_get(j, "sites");
	for (i = 0; i < json_array_size(sites); i++) {
		json_t *s = json_array_get(sites, i), *parts = json_object_get(s, "parts");
		size_t q;

		for (q = 0; q < json_array_size(parts); q++) {
			json_t *p = json_array_get(parts, q);
			char key[2048];
			void **slot;

			snprintf(key, sizeof(key), "%s\t%lld\t%s", json_string_value(json_object_get(s, "function")),
				 (long long)json_integer_value(json_object_get(s, "line")),
				 json_string_value(json_object_get(p, "cause")));
			slot = hmap_put(&got, key, strlen(key));
			*slot = (void *)((intptr_t)*slot + (intptr_t)json_integer_value(json_object_get(p, "value")));
		}
	}
	/* the verdicts of this version and profile, grouped */
	t_read(&vb, t_path(REAL "/%s/verdicts.tsv", cs));
	save = NULL;
	for (line = strtok_r(vb.data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[8], *p = line, key[2048];
		size_t k;

		if (line[0] == '#' || !strncmp(line, "go\t", 3))
			continue;
		for (k = 0; k < 8; k++) {
			f[k] = p;
			p = strchr(p, '\t');
			if (!p)
				break;
			*p++ = '\0';
		}
		cr_assert_geq(k, 6, "%s verdicts.tsv: a row with %zu fields", cs, k + 1);
		if (strcmp(f[0], ver) || strcmp(f[1], prof))
			continue;
		snprintf(key, sizeof(key), "%s\t%s\t%s", f[2], f[3], f[5]);
		for (k = 0; k < ng && strcmp(g[k].key, key); k++)
			;
		if (k == ng) {
			if (ng == capg) {
				capg = capg ? 2 * capg : 32;
				g = realloc(g, capg * sizeof(*g));
				cr_assert_not_null(g);
			}
			g[ng].key = strdup(key);
			g[ng].judged = 0;
			g[ng].got = (long long)(intptr_t)hmap_get(&got, key, strlen(key));
			g[ng].gap = known_gap(cs, ver, prof, key);
			ng++;
		}
		g[k].judged += atoll(f[6]);
	}
	cr_expect_geq(ng, 10, "%s go%s %s: only %zu judged allocations", cs, ver, prof, ng);
	for (i = 0; i < ng; i++) {
		long long right = g[i].got < g[i].judged ? g[i].got : g[i].judged;
		int ok = 10 * right >= 9 * g[i].judged;

		here.judged += g[i].judged;
		here.right += right;
		here.groups++;
		if (g[i].gap) {
			here.gaps++;
			cr_expect(!ok, "%s go%s %s: %s is right now (%lld of %lld bytes): take it out of "
				  "known-gaps.tsv", cs, ver, prof, g[i].key, g[i].got, g[i].judged);
		} else if (!ok) {
			here.wrong++;
			cr_expect(ok, "%s go%s %s: %s: escprof puts %lld of the %lld judged bytes there",
				  cs, ver, prof, g[i].key, g[i].got, g[i].judged);
		}
		free(g[i].key);
	}
	fprintf(score, "%s\tgo%s\t%s\t%.1f\t%.1f\t%.1f\t%lld\t%zu\t%zu\n", cs, ver, prof,
		json_number_value(json_object_get(json_object_get(j, "coverage"), "attributed_pct")),
		json_number_value(json_object_get(json_object_get(j, "coverage"), "joined_pct")),
		here.judged ? 100.0 * (double)here.right / (double)here.judged : 0, here.judged, here.groups,
		here.gaps);
	t->judged += here.judged;
	t->right += here.right;
	t->groups += here.groups;
	t->wrong += here.wrong;
	t->gaps += here.gaps;
	free(g);
	hmap_release(&got);
	buf_release(&vb);
	json_decref(j);
	buf_release(&out);
	buf_release(&err);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void check_version(const char *want)
{
	DIR *d = opendir(t_path(REAL));
	struct dirent *de;
	char *cases[64];
	size_t nc = 0, i;
	struct tally t = {0};
	FILE *score;
	char path[600];

	cr_assert_not_null(d);
	while ((de = readdir(d)) && nc < 64) {
		struct stat sb;

		if (de->d_name[0] != '.' && stat(t_path(REAL "/%s/case.conf", de->d_name), &sb) == 0)
			cases[nc++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(cases, nc, sizeof(*cases), by_name);
	cr_assert_geq(nc, 10, "the real-code set has %zu cases", nc);
	snprintf(path, sizeof(path), "%s", t_path("build/real-score-go%s.tsv", want));
	score = fopen(path, "w");
	cr_assert_not_null(score);
	fprintf(score, "case\tgo\tprofile\tattributed%%\tjoined%%\tjudged-right%%\tjudged-bytes\tjudged\tknown-gaps\n");
	for (i = 0; i < nc; i++) {
		struct conf c;
		char vers[256], profs[256], *sv = NULL, *v;

		struct stat sb;

		if (stat(t_path(REAL "/%s/verdicts.tsv", cases[i]), &sb)) {
			cr_expect_fail("%s: no verdicts.tsv", cases[i]);
			free(cases[i]);
			continue;
		}
		read_conf(cases[i], &c);
		snprintf(vers, sizeof(vers), "%s", c.versions);
		for (v = strtok_r(vers, " ", &sv); v; v = strtok_r(NULL, " ", &sv)) {
			char *sp = NULL, *p;

			if (strcmp(v, want))
				continue;
			snprintf(profs, sizeof(profs), "%s", c.profiles);
			for (p = strtok_r(profs, " ", &sp); p; p = strtok_r(NULL, " ", &sp))
				check_profile(cases[i], &c, v, p, &t, score);
		}
		free(cases[i]);
	}
	fprintf(score, "all\tgo%s\t-\t-\t-\t%.1f\t%lld\t%zu\t%zu\n", want,
		t.judged ? 100.0 * (double)t.right / (double)t.judged : 0, t.judged, t.groups, t.gaps);
	fclose(score);
	cr_log_info("go%s: %.1f%% of %lld judged bytes right (%zu judged allocations, %zu known gaps)",
		    want, 100.0 * (double)t.right / (double)t.judged, t.judged, t.groups, t.gaps);
	cr_expect_geq(100.0 * (double)t.right / (double)t.judged, 95.0,
		      "go%s: only %.1f%% of the judged bytes right", want,
		      100.0 * (double)t.right / (double)t.judged);
}

Test(real, judged_causes_hold_on_code_nobody_here_wrote_go_1_19, .timeout = 600)
{
	check_version("1.19");
}

Test(real, judged_causes_hold_on_code_nobody_here_wrote_go_1_26, .timeout = 600)
{
	check_version("1.26");
}

/* The same build's log as Go prints it on Windows (backslashes in positions, CRLF) joins
 * the same way: every (site, cause) gets the same bytes. */
static json_t *sites_by_cause(const char *log)
{
	struct buf out, err;
	json_t *j, *res = json_object(), *sites;
	json_error_t je;
	size_t i, q;

	cr_assert_eq(t_run(&out, &err, "analyze --format json -n 1000000 -source_path %s -trim_path /src"
			   " -source_path /usr/share/gocode/src " REAL "/mod-shop/go1.26/heap.pb.gz '%s'",
			   t_path(REAL "/mod-shop"), log), 0, "%s", err.data);
	j = json_loads(out.data, 0, &je);
	cr_assert_not_null(j, "%s", je.text);
	sites = json_object_get(j, "sites");
	for (i = 0; i < json_array_size(sites); i++) {
		json_t *s = json_array_get(sites, i), *parts = json_object_get(s, "parts");

		for (q = 0; q < json_array_size(parts); q++) {
			json_t *p = json_array_get(parts, q);
			char key[2048];

			snprintf(key, sizeof(key), "%s:%lld %s", json_string_value(json_object_get(s, "function")),
				 (long long)json_integer_value(json_object_get(s, "line")),
				 json_string_value(json_object_get(p, "cause")));
			json_object_set_new(res, key, json_integer(json_integer_value(json_object_get(res, key)) +
								   json_integer_value(json_object_get(p, "value"))));
		}
	}
	cr_expect_gt(json_number_value(json_object_get(json_object_get(j, "coverage"), "joined_pct")), 40);
	json_decref(j);
	buf_release(&out);
	buf_release(&err);
	return res;
}

Test(real, a_windows_log_of_the_same_build_joins_the_same)
{
	struct buf in, win;
	const char *path = t_fresh("win-%d.log", 1), *p, *end;
	json_t *a, *b;
	const char *k;
	json_t *v;

	t_read(&in, t_path(REAL "/mod-shop/go1.26/build.mm.txt"));
	buf_init(&win);
	for (p = in.data; *p; p = end + (*end == '\n')) {
		const char *colon, *at;

		end = strchr(p, '\n');
		if (!end)
			end = p + strlen(p);
		colon = strstr(p, ": ");
		if (p[0] == '#' || !colon || colon > end)
			colon = p;	/* headers keep the import path's slashes */
		for (; p < end; p++) {
			int in_pos = p < colon;

			/* " at PATH:LINE:COL" positions of the flow steps */
			if (!in_pos && (at = strstr(p, " at ")) && at < end && p >= at + 4) {
				const char *stop = strchr(at + 4, ':');

				in_pos = stop && p < stop;
			}
			buf_addc(&win, *p == '/' && in_pos ? '\\' : *p);
		}
		buf_add(&win, "\r\n", 2);
	}
	t_write(path, win.data, win.len);
	cr_assert(strstr(win.data, "vendor\\gopkg.in\\ini.v1\\") && strstr(win.data, ".\\main.go:"));
	a = sites_by_cause(t_path(REAL "/mod-shop/go1.26/build.mm.txt"));
	b = sites_by_cause(path);
	cr_expect_eq(json_object_size(a), json_object_size(b));
	json_object_foreach(a, k, v)
		cr_expect_eq(json_integer_value(json_object_get(b, k)), json_integer_value(v), "%s", k);
	json_decref(a);
	json_decref(b);
	buf_release(&in);
	buf_release(&win);
}
