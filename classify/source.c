/* source.c — finding and reading the source lines of profile frames, as pprof does with
 * -source_path and -trim_path: the profile's path (after trimming) is tried as is, then
 * under each source directory with leading components dropped one at a time. Files are
 * read once and kept for the life of the struct. The same rules make a profile's path
 * relative to the repository for code scanning: relative, or nothing. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "classify.h"
#include "common/buf.h"
#include "common/hmap.h"

struct src_file {
	struct buf text;
	size_t *line_off;	/* start of each line */
	size_t nlines;
	char *resolved;
};

void classify_sources_init(struct classify_sources *s, const char *const *dirs, size_t ndirs,
			   const char *trim)
{
	s->dirs = dirs;
	s->ndirs = ndirs;
	s->trim = trim;
	hmap_init(&s->files);
}

void classify_sources_release(struct classify_sources *s)
{
	size_t pos = 0;
	const char *k;
	void *v;

	while (hmap_next(&s->files, &pos, &k, &v)) {
		struct src_file *f = v;

		if (f) {
			buf_release(&f->text);
			free(f->line_off);
			free(f->resolved);
			free(f);
		}
	}
	hmap_release(&s->files);
}

static int is_file(const char *p)
{
	struct stat sb;

	return stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
}

const char *classify_trim_path(const char *trim, const char *path)
{
	const char *t = trim ? trim : "";

	for (;;) {
		size_t tl = strcspn(t, ":");
		size_t l = tl;

		while (l > 1 && t[l - 1] == '/')
			l--;
		if (l && !strncmp(path, t, l) && (path[l] == '/' || !path[l]))
			return path + l + (path[l] == '/');
		if (!t[tl])
			break;
		t += tl + 1;
	}
	if (!strncmp(path, "/proc/self/cwd/", 15))
		return path + 15;
	return path;
}

static const char *trimmed(const struct classify_sources *s, const char *path)
{
	return classify_trim_path(s->trim, path);
}

/* Writes the first existing candidate for path into out; 0 when found. As pprof does:
 * the profile's own path (after trimming) first, then under each source directory what
 * follows that directory's own name in the path, the whole path and then with leading
 * components dropped one at a time — down to a directory and a file name, never the file
 * name alone (that would find a same-named file of another package), unless trimming
 * left only the file name. */
static int resolve(const struct classify_sources *s, const char *path, char *out, size_t n)
{
	const char *p = trimmed(s, path);
	size_t i;

	if ((size_t)snprintf(out, n, "%s", p) < n && is_file(out))
		return 0;
	for (i = 0; i < s->ndirs; i++) {
		const char *suffix = p, *base = strrchr(s->dirs[i], '/'), *at;
		char want[1024];

		/* pprof's guess: the search directory's own name in the path, and the rest
		 * under it ("/go/src/example.com/tool/main.go" in ".../tool") */
		base = base ? base + 1 : s->dirs[i];
		if (*base && (size_t)snprintf(want, sizeof(want), "/%s/", base) < sizeof(want) &&
		    (at = strstr(path, want)) &&
		    (size_t)snprintf(out, n, "%s/%s", s->dirs[i], at + strlen(want)) < n && is_file(out))
			return 0;
		while (*suffix == '/')
			suffix++;
		for (;;) {
			const char *next = strchr(suffix, '/');

			if ((size_t)snprintf(out, n, "%s/%s", s->dirs[i], suffix) < n && is_file(out))
				return 0;
			if (!next || !strchr(next + 1, '/'))
				break;	/* what is left is "dir/file.go" */
			suffix = next + 1;
		}
	}
	return -1;
}

static struct src_file *load(struct classify_sources *s, const char *path)
{
	void **slot = hmap_put(&s->files, path, strlen(path));
	struct src_file *f;
	char real[4096];
	size_t i, cap = 256;

	if (!slot)
		return NULL;
	if (*slot)
		return *slot;
	f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	buf_init(&f->text);
	*slot = f;
	if (resolve(s, path, real, sizeof(real)) || buf_read_file(&f->text, real, 64 << 20))
		return f;	/* remembered as missing: nlines 0 */
	f->resolved = strdup(real);
	f->line_off = malloc(cap * sizeof(*f->line_off));
	if (!f->line_off)
		return f;
	f->line_off[f->nlines++] = 0;
	for (i = 0; i < f->text.len; i++) {
		if (f->text.data[i] != '\n' || i + 1 >= f->text.len)
			continue;
		if (f->nlines == cap) {
			size_t *no = realloc(f->line_off, 2 * cap * sizeof(*no));

			if (!no)
				break;
			f->line_off = no;
			cap *= 2;
		}
		f->line_off[f->nlines++] = i + 1;
	}
	return f;
}

int classify_source_line(struct classify_sources *s, const char *path, int64_t line,
			 const char **text, size_t *len)
{
	struct src_file *f = load(s, path);
	size_t start, end;

	if (!f || line < 1 || (size_t)line > f->nlines)
		return -1;
	start = f->line_off[line - 1];
	end = (size_t)line < f->nlines ? f->line_off[line] : f->text.len;
	while (end > start && (f->text.data[end - 1] == '\n' || f->text.data[end - 1] == '\r'))
		end--;
	*text = f->text.data + start;
	*len = end - start;
	return 0;
}

const char *classify_source_path(struct classify_sources *s, const char *path)
{
	struct src_file *f = load(s, path);

	return f ? f->resolved : NULL;
}

int64_t classify_source_lines(struct classify_sources *s, const char *path)
{
	struct src_file *f = load(s, path);

	return f ? (int64_t)f->nlines : 0;
}

/* p, normalised, when it is a relative path that stays inside its root */
static int relative_ok(const char *p, char *out, size_t n)
{
	char norm[4096];
	size_t l = classify_norm_path(p, norm, sizeof(norm));

	if (!l || l >= sizeof(norm) || l >= n || norm[0] == '/' || !strcmp(norm, "..") ||
	    !strncmp(norm, "../", 3))
		return -1;
	memcpy(out, norm, l + 1);
	return 0;
}

/* real (canonical) without root and its slash, when it lies under root */
static int under_root(const char *root, const char *real, char *out, size_t n)
{
	size_t rl = strlen(root);

	while (rl && root[rl - 1] == '/')
		rl--;
	if (strncmp(real, root, rl) || real[rl] != '/')
		return -1;
	return relative_ok(real + rl + 1, out, n);
}

static int is_absolute(const char *p)
{
	return p[0] == '/' || p[0] == '\\' ||
	       (((p[0] >= 'A' && p[0] <= 'Z') || (p[0] >= 'a' && p[0] <= 'z')) && p[1] == ':');
}

int classify_source_relative(struct classify_sources *s, const char *root, const char *path,
			     char *out, size_t n)
{
	const char *found = classify_source_path(s, path), *p;
	char real[PATH_MAX];

	/* the file itself, found under the root: the surest answer */
	if (found && realpath(found, real) && !under_root(root, real, out, n))
		return 0;
	/* else what the trim leaves, or a path the build already made relative (-trimpath) */
	p = trimmed(s, path);
	if (p == path && is_absolute(path))
		return -1;
	return relative_ok(p, out, n);
}

int classify_local_relative(const char *root, const char *path, char *out, size_t n)
{
	char real[PATH_MAX];

	if (!realpath(path, real))
		return -1;
	return under_root(root, real, out, n);
}
