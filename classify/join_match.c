/* join_match.c — whose code a frame is and which diagnostics fit it: the user's packages among those the builds cover, whether a diagnostic's
 * package and file fit a frame's (main packages by the path that fits best, generic code
 * where it was instantiated), and how well each build fits the profile. Basenames are
 * compared by the callers; here the rest of the path and the package decide. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/paths.h"
#include "join_int.h"

/* A standard-library import path: no dot in its first element (main and
 * command-line-arguments are the user's). */
static int is_std_path(const char *pkg)
{
	size_t first = strcspn(pkg, "/"), len = strlen(pkg);

	if (!strcmp(pkg, "main") || !strcmp(pkg, "command-line-arguments"))
		return 0;
	if (len > 5 && !strcmp(pkg + len - 5, ".test") && first == len)
		first -= 5;	/* "regexp.test": the test main of regexp */
	return !memchr(pkg, '.', first);
}

/* Frames that are never the user's line, whatever diagnostics are loaded: the runtime,
 * reflect and the standard library's internal packages. */
static int never_user(const char *function, const char *pkg)
{
	return classify_is_runtime(function) || !strcmp(pkg, "reflect") || join_starts(pkg, "internal/") ||
	       join_starts(pkg, "vendor/");
}

static int count_common_tail(const char *a, const char *b)
{
	const char *pa = a + strlen(a), *pb = b + strlen(b);
	int n = 0;

	for (;;) {
		const char *sa = pa, *sb = pb;

		while (sa > a && sa[-1] != '/')
			sa--;
		while (sb > b && sb[-1] != '/')
			sb--;
		if (pa - sa != pb - sb || memcmp(sa, sb, (size_t)(pa - sa)) || pa == sa)
			return n;
		n++;
		if (sa == a || sb == b)
			return n;
		pa = sa - 1;
		pb = sb - 1;
	}
}

static int count_components(const char *p)
{
	int n = *p ? 1 : 0;

	for (; *p; p++)
		n += *p == '/' && p[1];
	return n;
}

/* The log's path of a main package's file, as the part that must end the frame's path:
 * leading "../" dropped, and the package's import path when -trimpath printed it
 * ("example.com/shop/main.go" for a module built in /src). */
static const char *main_log_tail(const char *nd, const char *pkg)
{
	size_t pl = strlen(pkg);

	while (join_starts(nd, "../"))
		nd += 3;
	if (pl && !strncmp(nd, pkg, pl) && nd[pl] == '/')
		nd += pl + 1;
	return nd;
}

/* How well a main package of the log fits the frame: the components its file path shares
 * with the frame's, plus those its import path shares with the frame's directory (two
 * mains built each in its own directory both print "./main.go"). */
int join_main_fit(const char *frame_file, const char *diag_file, const char *diag_pkg)
{
	char nf[4096], nd[4096], p[1024], *slash;
	int file_fit;

	classify_norm_path(frame_file, nf, sizeof(nf));
	classify_norm_path(diag_file, nd, sizeof(nd));
	snprintf(p, sizeof(p), "%s", diag_pkg ? diag_pkg : "");
	p[strcspn(p, " ")] = '\0';
	file_fit = count_common_tail(nf, main_log_tail(nd, p));
	if ((slash = strrchr(nf, '/')))
		*slash = '\0';
	return 2 * file_fit + count_common_tail(nf, p);
}

/* Does the diagnostic's package and file fit the frame's? Basenames are already equal.
 * A frame of package main fits a log package that the profile does not name by its own
 * import path (the header prints the main package's import path, which need not end
 * with its directory) when the log's relative path ends the frame's path. With generic
 * != 0, a file of the frame's package reported in another package's log fits too
 * (generic code is compiled where it is instantiated). */
int join_compatible(const struct join *J, const char *frame_file, const char *frame_pkg,
		    const char *diag_file, const char *diag_pkg, int generic)
{
	char nf[4096], nd[4096], p[1024];
	int common;

	classify_norm_path(frame_file, nf, sizeof(nf));
	classify_norm_path(diag_file, nd, sizeof(nd));
	common = count_common_tail(nf, nd);
	if (common < 1)
		return 0;
	if (!diag_pkg || !*diag_pkg)
		return common >= 2;
	snprintf(p, sizeof(p), "%s", diag_pkg);
	p[strcspn(p, " ")] = '\0';	/* "pkg [pkg.test]" */
	if (!strcmp(frame_pkg, "main")) {
		const char *tail;

		if (strcmp(p, "main") && strcmp(p, "command-line-arguments") &&
		    hmap_get(&J->profile_pkgs, p, strlen(p)))
			return 0;	/* the profile names that package by its path: not main */
		if (nd[0] == '/')
			return common >= 2;
		tail = main_log_tail(nd, p);
		return count_common_tail(nf, tail) == count_components(tail);
	}
	if (!strcmp(p, frame_pkg))
		return 1;
	if (!generic)
		return 0;
	/* generic code is compiled (and reported) in the instantiating package: the file's
	 * own directory then names the function's package */
	{
		char dir[4096], *slash;
		int want = 1;
		const char *q;

		snprintf(dir, sizeof(dir), "%s", nd);
		slash = strrchr(dir, '/');
		if (!slash)
			return 0;
		*slash = '\0';
		for (q = frame_pkg; *q; q++)
			want += *q == '/';
		return count_common_tail(dir, frame_pkg) >= want;
	}
}

/* Whether a build has diagnostics for the frame's file in the frame's package; with
 * user != 0, in one of the user's packages. */
static int has_diags_in(struct join *J, const struct store_frame *f, int user)
{
	const struct dvec *dv = hmap_get(&J->files, path_base(f->file), strlen(path_base(f->file)));
	char pkg[1024];
	size_t i;

	if (!dv)
		return 0;
	classify_package_of(f->function, pkg, sizeof(pkg));
	for (i = 0; i < dv->n; i++) {
		const struct jdiag *d = dv->v[i];

		if (user && (!d->d.package || !hmap_get(&J->user, d->d.package, strcspn(d->d.package, " "))))
			continue;
		if (join_compatible(J, f->file, pkg, d->norm_file, d->d.package, 0))
			return 1;
	}
	return 0;
}

/* The user's own code: a frame of one of the user's packages (for main, of a main
 * package of the builds that fits the frame's file, but never go test's generated
 * _testmain.go), never the runtime, reflect or the standard library's internals. A standard-library generic instantiated for the caller
 * (slices.Grow[...], sync.OnceValue[...]) is reported in the caller's build but is the
 * caller's only when that package is itself under test. */
static int is_user(struct join *J, const struct store_frame *f)
{
	char pkg[1024];

	classify_package_of(f->function, pkg, sizeof(pkg));
	if (never_user(f->function, pkg))
		return 0;
	/* the test main go test generates is nobody's code */
	if (!strcmp(pkg, "main") && !strcmp(path_base(f->file), "_testmain.go"))
		return 0;
	if (!strcmp(pkg, "main"))
		return J->covered.len ? has_diags_in(J, f, 1) : 1;
	return hmap_get(&J->user, pkg, strlen(pkg)) != NULL;
}

int join_is_user(struct join *J, const struct store_sample *smp, size_t i)
{
	/* asked for frame after frame of every stack: the answer is remembered by the
	 * frame's id, else by its function and file pointers (the walk keeps each string at
	 * one address) */
	const struct store_frame *f;
	struct frame_memo key = {0}, *slot;
	uint8_t *fl;
	int added;

	if (smp->frame_ids && (fl = join_frame_flags(J, smp->frame_ids[i]))) {
		if (!(*fl & JOIN_FRAME_USER_KNOWN))
			*fl |= (uint8_t)(JOIN_FRAME_USER_KNOWN |
					 (is_user(J, join_frame(smp, i)) ? JOIN_FRAME_USER : 0));
		return !!(*fl & JOIN_FRAME_USER);
	}
	f = join_frame(smp, i);
	key.function = f->function;
	key.file = f->file;
	if (!f->function || !(slot = join_frame_set_put(&J->user_memo, &key, &added)))
		return is_user(J, f);	/* not remembered: asked again */
	if (added)
		slot->value = is_user(J, f) + 1;
	return (int)slot->value - 1;
}

/* How well each build fits the profile: of the profile's own frame lines (outside the
 * runtime) in packages the build covers (main: when the build has a package the profile
 * does not name by its path), the share where the build has a diagnostic of any kind.
 * The build of the profile's own code has one at most lines of its stacks (inlined
 * calls, allocations, parameters); another program's, or another commit's, at few. */
int join_build_match(struct join *J, const int64_t *builds, size_t nbuilds)
{
	size_t b;

	J->r->matches = calloc(nbuilds ? nbuilds : 1, sizeof(*J->r->matches));
	if (!J->r->matches)
		return -1;
	J->r->nmatches = nbuilds;
	for (b = 0; b < nbuilds; b++) {
		struct classify_match *m = &J->r->matches[b];
		size_t pos = 0;
		const char *k;
		void *v;
		int main_fits = 0;

		m->build_id = builds[b];
		/* a main package: one the profile does not name by its own import path */
		while (hmap_next(&J->build_pkgs, &pos, &k, &v)) {
			int64_t id;

			memcpy(&id, k, sizeof(id));
			if (id == builds[b] && !hmap_get(&J->profile_pkgs, k + sizeof(id), strlen(k + sizeof(id))))
				main_fits = 1;
		}
		pos = 0;
		while (hmap_next(&J->own_lines, &pos, &k, &v)) {
			const char *line = k + strlen(k) + 1;

			if ((strcmp(k, "main") || !main_fits) &&
			    !join_get_pair(&J->build_pkgs, &builds[b], sizeof(builds[b]), k, strlen(k)))
				continue;
			m->lines++;
			m->matched += join_get_pair(&J->build_hits, &builds[b], sizeof(builds[b]), line, strlen(line)) != NULL;
		}
	}
	return 0;
}

int classify_build_fits(const struct classify_match *m)
{
	return m->lines > 0 && 3 * m->matched >= m->lines;
}

/* The user's packages among those the builds cover: the ones outside the standard
 * library; when all of them are the standard library's and the runtime is among them
 * (-gcflags=all: every package of the binary), the packages under test (P for a covered
 * P_test or P.test); else all of them. With no build, the profile's own packages outside
 * the standard library (and main). */
int join_user_packages(struct join *J)
{
	size_t pos = 0;
	const char *k;
	void *v;
	int pass;

	/* no build at all: the profile's own packages outside the standard library */
	if (!J->covered.len) {
		while (hmap_next(&J->profile_pkgs, &pos, &k, &v)) {
			void **slot;

			if (is_std_path(k))
				continue;
			if (!(slot = hmap_put(&J->user, k, strlen(k))))
				return -1;
			*slot = (void *)1;
		}
		return 0;
	}
	for (pass = 0; pass < 3 && !J->user.len; pass++) {
		if (pass == 1 && !hmap_get(&J->covered, "runtime", 7))
			continue;
		pos = 0;
		while (hmap_next(&J->covered, &pos, &k, &v)) {
			size_t kl = strlen(k), base = kl;
			void **slot;

			if (pass == 0 && is_std_path(k))
				continue;
			if (pass == 1) {
				if (kl > 5 && (!strcmp(k + kl - 5, ".test") || !strcmp(k + kl - 5, "_test")))
					base = kl - 5;
				else
					continue;
				if (!(slot = hmap_put(&J->user, k, base)))
					return -1;
				*slot = (void *)1;
				{
					char t[1024];

					snprintf(t, sizeof(t), "%.*s_test", (int)base, k);
					if (!(slot = hmap_put(&J->user, t, strlen(t))))
						return -1;
					*slot = (void *)1;
				}
				continue;
			}
			if (!(slot = hmap_put(&J->user, k, kl)))
				return -1;
			*slot = (void *)1;
		}
	}
	return 0;
}
