/* ingest.c — reading inputs into the store, shared by the commands that take files: a
 * profile (decoded and validated as it is stored) and a compiler log or -json tree
 * (streamed into one build). Every input is opened and read exactly once — standard
 * input, pipes, <(...) and named FIFOs included — and its format is told from the bytes
 * already read, never by reading it again. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "classify/classify.h"
#include "common/buf.h"
#include "common/digest.h"
#include "common/paths.h"
#include "common/vec.h"

/* The filtered run's digest: two 64-bit polynomial hashes of the pieces' hashes
 * (h = h * K + piece, wrapping), so that the digest of a log read in two parts at once is
 * the first part's times K^n (n: the second part's pieces) plus the second's, the same
 * however the log was cut. */
struct poly {
	uint64_t a, b;		/* the two lanes */
	uint64_t pa, pb;	/* K^n of each, n the pieces so far */
};
#define POLY_KA 0x9e3779b97f4a7c15ULL
#define POLY_KB 0xc2b2ae3d27d4eb4fULL
#define POLY_INIT ((struct poly){0, 0, 1, 1})

ESC_WRAPS static void poly_add(struct poly *h, uint64_t piece)
{
	h->a = h->a * POLY_KA + piece;
	h->b = h->b * POLY_KB + ((piece ^ (piece >> 29)) * 0xbf58476d1ce4e5b9ULL);
	h->pa *= POLY_KA;
	h->pb *= POLY_KB;
}

/* h followed by next: as if next's pieces had been added to h one by one. */
ESC_WRAPS static void poly_join(struct poly *h, const struct poly *next)
{
	h->a = h->a * next->pa + next->a;
	h->b = h->b * next->pb + next->b;
	h->pa *= next->pa;
	h->pb *= next->pb;
}

struct escapes_run {
	const char *path;		/* the log or -json tree being read */
	struct store_build *b;		/* NULL in a dry run and in a later part of a log */
	struct classify_diag_filter *keep;	/* what is stored; NULL: everything */
	/* a later part of a log, read at once with the first: what keep (a fork) keeps, to
	 * be decided again, in order, once the first part has been stored */
	struct gc_diag_list *later;
	/* the content digest: sha256, or in a filtered (temporary) store the polynomial */
	struct digest_sha256 sha;
	struct poly fast;
	int steps_hashed;		/* the parser's step filter hashed every step */
	char *last_file;		/* the last diagnostic's file, and its normal form */
	char last_norm[4096];
	size_t kinds[GC_KIND_COUNT];
	struct err *e;
};

/* Feeds n bytes at p into the run's digest: sha256, or the fast hash, which folds each
 * piece's 64-bit hash (and so its length and order) into its 128-bit state. */
static void hash_bytes(struct escapes_run *r, const void *p, size_t n)
{
	if (!r->keep)
		digest_sha256_update(&r->sha, p, n);
	else
		poly_add(&r->fast, hash64_bytes(p, n));
}

/* Feeds s and its NUL (a NULL string as one 0xff byte) into the run's digest. */
static void hash_str(struct escapes_run *r, const char *s)
{
	hash_bytes(r, s ? s : "\xff", s ? strlen(s) + 1 : 1);
}

/* The parser's step filter: every step is hashed as it is read (those dropped too, so
 * the digest still covers the whole log), and kept when the join may read it. */
static int keep_step(void *ctx, const struct gc_step_view *v)
{
	struct escapes_run *r = ctx;

	hash_bytes(r, v->text, v->len);
	return classify_diag_filter_wants_step(r->keep, v);
}

/* The digest as hex: 64 digits of sha256, or 32 of the fast hash. */
static void hash_final(struct escapes_run *r, char out[65])
{
	if (!r->keep) {
		digest_sha256_final(&r->sha, out);
		return;
	}
	snprintf(out, 65, "%016llx%016llx", (unsigned long long)hash64_bytes(&r->fast.b, 8),
		 (unsigned long long)hash64_bytes(&r->fast.a, 8));
}

/* Stores d as the filter decided (k): whole, without steps, with the steps that matter as
 * notes, or not at all. */
static int store_kept(struct escapes_run *r, const struct gc_diag *d, const char *norm,
		      enum classify_keep k)
{
	struct gc_diag part = *d;
	struct gc_step *steps;
	size_t i;
	int ret;

	switch (k) {
	case CLASSIFY_DROP:
		return 0;
	case CLASSIFY_KEEP_NOMEM:
		return err_set(r->e, ESC_ENOMEM, "'%s': out of memory", r->path);
	case CLASSIFY_KEEP_HEAD:
		part.steps = NULL;
		part.nsteps = 0;
		return store_build_add(r->b, &part, norm, r->e);
	case CLASSIFY_KEEP_NOTES:
		if (!(steps = calloc(d->nsteps, sizeof(*steps))))
			return err_set(r->e, ESC_ENOMEM, "'%s': out of memory", r->path);
		part.steps = steps;
		part.nsteps = 0;
		for (i = 0; i < d->nsteps; i++)
			if (classify_diag_filter_step_matters(r->keep, d, &d->steps[i]))
				steps[part.nsteps++] = d->steps[i];
		ret = store_build_add(r->b, &part, norm, r->e);
		free(steps);
		return ret;
	case CLASSIFY_KEEP:
		break;
	}
	return store_build_add(r->b, d, norm, r->e);
}

static int on_diag(void *ctx, const struct gc_diag *d)
{
	struct escapes_run *r = ctx;
	enum classify_keep k;
	const char *norm;
	char pos[64];
	size_t i;

	if ((size_t)d->kind < GC_KIND_COUNT)
		r->kinds[d->kind]++;
	if (!r->b && !r->later)
		return 0;	/* a dry run counts; it neither stores nor needs the digest */
	/* the content digest: what a build says, independent of how it was spelled on disk */
	hash_str(r, d->package);
	hash_str(r, d->file);
	if (r->keep) {
		/* the fast hash is never compared across versions: the numbers as they are */
		poly_add(&r->fast, (uint64_t)d->line << 32 | d->col);
		poly_add(&r->fast, (uint64_t)d->kind);
	} else {
		snprintf(pos, sizeof(pos), "%u:%u:%d", d->line, d->col, (int)d->kind);
		hash_str(r, pos);
	}
	hash_str(r, d->message);
	for (i = 0; i < d->nsteps && !r->steps_hashed; i++)
		hash_str(r, d->steps[i].text);
	/* a package's diagnostics come file by file: the last file's form is reused */
	if (!r->last_file || strcmp(r->last_file, d->file)) {
		free(r->last_file);
		if (!(r->last_file = strdup(d->file)))
			return err_set(r->e, ESC_ENOMEM, "'%s': out of memory", r->path);
		classify_norm_path(d->file, r->last_norm, sizeof(r->last_norm));
	}
	norm = r->last_norm;
	if (!r->keep)
		return store_build_add(r->b, d, norm, r->e);
	k = classify_diag_filter_keeps(r->keep, d, norm);
	if (!r->later || k == CLASSIFY_KEEP_NOMEM)
		return store_kept(r, d, norm, k);
	/* a later part: whatever its own filter keeps may be kept, decided in order later */
	if (k != CLASSIFY_DROP && gc_diag_list_add(r->later, d, norm))
		return err_set(r->e, ESC_ENOMEM, "'%s': out of memory", r->path);
	return 0;
}

static int is_dir(const char *path)
{
	struct stat sb;

	return strcmp(path, "-") && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* ---- inputs, each read once ----
 * "-" (standard input), a file, a pipe, a <(...) substitution or a named FIFO is opened
 * once; the bytes read to tell what it holds stay in head and are handed out again
 * before the rest, so nothing is read twice (a pipe cannot be) and nothing is lost. */
struct input {
	const char *path;
	char *url;		/* a downloaded profile's public URL (path points to it) */
	FILE *f;		/* NULL for a URL: head holds every byte */
	struct buf head;
	size_t pos;		/* next byte of head to hand out */
	int error;		/* errno of a failed read, 0 while none */
	int reread;		/* bytes that are not a profile are read again, as a log */
};

enum { SNIFF = 4096 };	/* what is read to tell a log from JSON or a profile */

/* Opens path; a profile (lim not NULL) may also be a URL, downloaded here whole. */
static enum esc_status input_open(struct input *in, const char *path,
				  const struct profile_limits *lim, struct err *e)
{
	enum esc_status st;

	memset(in, 0, sizeof(*in));
	in->path = path;
	buf_init(&in->head);
	if (lim && profile_is_url(path)) {
		st = profile_fetch(path, lim, &in->head, &in->url, e);
		if (in->url)
			in->path = in->url;
		return st;
	}
	in->f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!in->f)
		return err_set(e, ESC_EIO, "cannot open '%s': %s", path, strerror(errno));
	return ESC_OK;
}

static void input_close(struct input *in)
{
	if (in->f && in->f != stdin)
		fclose(in->f);
	buf_release(&in->head);
	free(in->url);
}

static int read_failed(struct input *in)
{
	in->error = errno ? errno : EIO;
	return -1;
}

/* Reads on until head holds want bytes or the input ends: 0, -1 on a read error (in
 * error), -2 when memory runs out. */
static int input_fill(struct input *in, size_t want)
{
	while (in->f && in->head.len < want) {
		size_t room, n;
		int c;

		/* a buffer sized to the file is not grown just to find its end */
		if (in->head.len + 1 >= in->head.cap) {
			if ((c = getc(in->f)) == EOF)
				return ferror(in->f) ? read_failed(in) : 0;
			ungetc(c, in->f);
		}
		/* doubling, but never past want: memory stays near a cap, not twice it */
		if (buf_grow_within(&in->head, want - in->head.len < (1 << 16) ? want - in->head.len : 1 << 16,
				    want))
			return -2;
		room = in->head.cap - in->head.len - 1;
		if (room > want - in->head.len)
			room = want - in->head.len;
		n = fread(in->head.data + in->head.len, 1, room, in->f);
		in->head.len += n;
		in->head.data[in->head.len] = '\0';
		if (n < room)
			return ferror(in->f) ? read_failed(in) : 0;
	}
	return 0;
}

/* Up to n bytes: what is left of head, then the input; 0 at its end or on a read error
 * (in->error tells which). */
static size_t input_read(struct input *in, char *out, size_t n)
{
	size_t k;

	if (in->pos < in->head.len) {
		k = in->head.len - in->pos < n ? in->head.len - in->pos : n;
		memcpy(out, in->head.data + in->pos, k);
		in->pos += k;
		return k;
	}
	if (in->error || !in->f)
		return 0;
	k = fread(out, 1, n, in->f);
	if (!k && ferror(in->f))
		read_failed(in);
	return k;
}

static ssize_t cookie_read(void *cookie, char *out, size_t n)
{
	struct input *in = cookie;
	size_t k = input_read(in, out, n);

	if (!k && in->error) {
		errno = in->error;
		return -1;
	}
	return (ssize_t)k;
}

/* A -json=0 file: its first line is a logopt header, '{' first and a "gc_version". */
static int input_is_json(const struct input *in)
{
	const char *nl = memchr(in->head.data, '\n', in->head.len);
	size_t n = nl ? (size_t)(nl - in->head.data) : in->head.len;

	return n && in->head.data[0] == '{' && memmem(in->head.data, n, "\"gc_version\"", 12);
}

static int parse_json(struct input *in, struct escapes_run *r, struct gc_stats *st,
		      struct err *e)
{
	static const cookie_io_functions_t io = {.read = cookie_read};
	FILE *f = fopencookie(in, "rb", io);
	int rc;

	if (!f)
		return err_set(e, ESC_ENOMEM, "'%s': out of memory", in->path);
	rc = gc_parse_json_stream(f, in->path, on_diag, r, st, e);
	fclose(f);
	return rc;
}

/* ---- a large log read in two parts at once ----
 * With a second core, a filtered run (analyze without --db) reads the second half of a
 * large log file, from the first section header past the middle, in a thread of its own
 * while this one reads the first half. The second reader starts fresh at that header,
 * which resets everything one package's lines set up in a text parser; its own filter
 * (a fork) keeps whatever may be kept, and once the first part is stored those are
 * decided again, in order, as a single reader would have decided them. When the first
 * reader is not at a plain boundary there (a raw string open, PowerShell's rejoined
 * lines, UTF-16), when the second part failed, or when the file grew, the second part's
 * work is dropped and the first reader reads on alone: the result never depends on the
 * cut, nor on whether there was one. */
struct classify_split_policy classify_split = {(size_t)8 << 20, -1, 0};

enum { CHUNK = 1 << 16, SPLIT_SCAN = 8 << 20 };

struct later_part {
	int fd;
	off_t from, end;
	struct gc_log *p;
	struct escapes_run r;
	struct gc_diag_list kept;	/* what its filter keeps, in order */
	struct err e;
	int rc;
};

/* The offset of the first section header line at or after from (within SPLIT_SCAN bytes
 * of it), or 0 when there is none. */
static off_t find_header(int fd, off_t size, off_t from)
{
	char *buf = malloc(CHUNK);
	off_t at = from, found = 0;

	while (buf && !found && at < size && at - from < SPLIT_SCAN) {
		ssize_t n = pread(fd, buf, CHUNK, at);
		const char *q = buf, *end = buf + (n > 0 ? n : 0);
		off_t next = at + n;

		if (n <= 0)
			break;
		while (!found && (q = memchr(q, '\n', (size_t)(end - q)))) {
			const char *ls = q + 1, *le = memchr(ls, '\n', (size_t)(end - ls));

			if (!le) {
				/* the line goes on past what was read: read again from its start,
				 * unless it started the window (a line longer than the window) */
				if (q != buf)
					next = at + (q - buf);
				break;
			}
			if (gc_log_is_section_header(ls, (size_t)(le - ls)))
				found = at + (ls - buf);
			q = le;
		}
		at = next;
	}
	free(buf);
	return found > 0 && found < size ? found : 0;
}

/* Where in's log is cut, or 0 when it is read whole by one reader. */
static off_t split_point(const struct input *in)
{
	struct stat sb;
	off_t from;

	if (!in->f || in->f == stdin || fstat(fileno(in->f), &sb) || !S_ISREG(sb.st_mode) ||
	    (uint64_t)sb.st_size < classify_split.min || sb.st_size < 2)
		return 0;
	if (classify_split.min && sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return 0;
	from = classify_split.from >= 0 ? (off_t)classify_split.from : sb.st_size / 2;
	return from < sb.st_size ? find_header(fileno(in->f), sb.st_size, from) : 0;
}

static void *read_later(void *arg)
{
	struct later_part *w = arg;
	char *chunk = malloc(CHUNK);
	off_t at = w->from;

	if (!chunk)
		w->rc = err_set(&w->e, ESC_ENOMEM, "out of memory");
	while (!w->rc && at < w->end) {
		size_t want = w->end - at < CHUNK ? (size_t)(w->end - at) : CHUNK;
		ssize_t n = pread(w->fd, chunk, want, at);

		if (n <= 0) {
			w->rc = err_set(&w->e, ESC_EIO, "cannot read");
			break;
		}
		at += n;
		w->rc = gc_log_feed(w->p, chunk, (size_t)n, on_diag, &w->r, &w->e);
	}
	if (!w->rc)
		w->rc = gc_log_finish(w->p, on_diag, &w->r, NULL, &w->e);
	free(chunk);
	return NULL;
}

static void later_free(struct later_part *w)
{
	if (!w)
		return;
	gc_log_free(w->p);
	classify_diag_filter_free(w->r.keep);
	free(w->r.last_file);
	gc_diag_list_release(&w->kept);
	free(w);
}

/* The second reader of in from split on, set up as the first (r, with p's settings); NULL
 * when memory runs out (the first reader then reads alone). */
static struct later_part *later_new(struct input *in, off_t split, size_t max_line,
				    const struct escapes_run *r, const char *name)
{
	struct later_part *w = calloc(1, sizeof(*w));
	struct stat sb;

	if (!w || fstat(fileno(in->f), &sb)) {
		free(w);
		return NULL;
	}
	w->fd = fileno(in->f);
	w->from = split;
	w->end = sb.st_size;
	gc_diag_list_init(&w->kept);
	w->r.path = r->path;
	w->r.later = &w->kept;
	w->r.fast = POLY_INIT;
	w->r.e = &w->e;
	w->r.steps_hashed = 1;
	w->r.keep = classify_diag_filter_fork(r->keep);
	w->p = gc_log_new(name);
	if (!w->r.keep || !w->p) {
		later_free(w);
		return NULL;
	}
	if (max_line)
		gc_log_set_max_line(w->p, max_line);
	gc_log_set_step_filter(w->p, keep_step, &w->r);
	return w;
}

/* The first reader p reached the cut: takes the second part's work, as if p had read it,
 * into *taken = 1; or leaves it (*taken = 0), p reading on alone. */
static int take_later(struct later_part *w, struct gc_log *p, struct escapes_run *r, int *taken,
		      struct err *e)
{
	char probe;
	size_t i;
	int rc;

	*taken = 0;
	if (w->rc || !gc_log_at_boundary(p) || pread(w->fd, &probe, 1, w->end) != 0)
		return 0;
	*taken = 1;
	classify_split.cuts++;
	/* what the header would have delivered, then the second part's, decided in order */
	if ((rc = gc_log_end_section(p, on_diag, r, e)))
		return rc;
	for (i = 0; i < w->kept.n; i++) {
		const char *norm;
		const struct gc_diag *d = gc_diag_list_at(&w->kept, i, &norm);

		if ((rc = store_kept(r, d, norm, classify_diag_filter_keeps(r->keep, d, norm))))
			return rc;
	}
	gc_log_absorb(p, w->p);
	poly_join(&r->fast, &w->r.fast);
	for (i = 0; i < GC_KIND_COUNT; i++)
		r->kinds[i] += w->r.kinds[i];
	return 0;
}

static int parse_text(struct input *in, size_t max_line, struct escapes_run *r,
		      struct gc_stats *st, struct err *e)
{
	const char *name = strcmp(in->path, "-") ? in->path : "<stdin>";
	struct gc_log *p = gc_log_new(name);
	struct gc_build_json *bj = NULL;
	char *chunk = malloc(CHUNK);
	struct later_part *w = NULL;
	pthread_t th;
	off_t split = 0, fed = 0;
	size_t n;
	int rc = 0;

	if (!p || !chunk) {
		rc = err_set(e, ESC_ENOMEM, "'%s': out of memory", in->path);
		goto out;
	}
	if (max_line)
		gc_log_set_max_line(p, max_line);
	/* a dry run counts without keeping steps; a filtered one keeps those it may store */
	gc_log_set_counting(p, !r->b);
	if (r->b && r->keep) {
		gc_log_set_step_filter(p, keep_step, r);
		r->steps_hashed = 1;
	}
	/* `go build -json` wraps the same text in JSON events */
	if (gc_build_json_sniff(in->head.data, in->head.len) &&
	    !(bj = gc_build_json_new(p, name))) {
		rc = err_set(e, ESC_ENOMEM, "'%s': out of memory", in->path);
		goto out;
	}
	if (r->b && r->keep && !bj && (split = split_point(in)) > 0 &&
	    (w = later_new(in, split, max_line, r, name)) && pthread_create(&th, NULL, read_later, w)) {
		later_free(w);
		w = NULL;
	}
	while (!rc && (n = input_read(in, chunk, CHUNK)) > 0) {
		size_t take = w && (off_t)n >= split - fed ? (size_t)(split - fed) : n;
		int taken;

		rc = bj ? gc_build_json_feed(bj, chunk, take, on_diag, r, e) :
			  gc_log_feed(p, chunk, take, on_diag, r, e);
		fed += (off_t)take;
		if (rc || !w || fed < split)
			continue;
		pthread_join(th, NULL);
		rc = take_later(w, p, r, &taken, e);
		later_free(w);
		w = NULL;
		if (rc || taken)
			break;
		/* the second part is read again, by this reader */
		if (take < n)
			rc = gc_log_feed(p, chunk + take, n - take, on_diag, r, e);
	}
	if (w) {
		pthread_join(th, NULL);
		later_free(w);
	}
	if (!rc && in->error)
		rc = err_set(e, ESC_EIO, "cannot read '%s': %s", in->path, strerror(in->error));
	if (!rc)
		rc = bj ? gc_build_json_finish(bj, on_diag, r, st, e) : gc_log_finish(p, on_diag, r, st, e);
out:
	gc_build_json_free(bj);
	gc_log_free(p);
	free(chunk);
	return rc;
}

/* A log (text, or go build -json events) or a single -json file, told apart by their
 * first lines. */
static int parse_input(struct input *in, size_t max_line, struct escapes_run *r,
		       struct gc_stats *st, struct err *e)
{
	if (input_fill(in, SNIFF) == -2)
		return err_set(e, ESC_ENOMEM, "'%s': out of memory", in->path);
	/* a read error is reported by the parser when it gets there */
	return input_is_json(in) ? parse_json(in, r, st, e) : parse_text(in, max_line, r, st, e);
}

/* Stores (s NULL: parses only) the build that in or the -json tree at dir holds. */
static enum esc_status build_from(struct store *s, struct input *in, const char *dir,
				  const char *name, const char *version, size_t max_line,
				  struct classify_diag_filter *keep,
				  struct classify_ingest_build_result *res, struct err *e)
{
	const char *path = in ? in->path : dir;
	/* a filtered build is read by one join: held in memory, as far as the store can */
	struct store_build_opts o = {.name = name, .source = path, .held = keep != NULL};
	struct escapes_run run = {0};
	const char *v;
	int r;

	memset(res, 0, sizeof(*res));
	run.keep = keep;
	run.fast = POLY_INIT;
	run.e = e;
	run.path = path;
	digest_sha256_init(&run.sha);
	if (s && store_build_begin(s, &o, &run.b, e))
		return e->status;
	r = in ? parse_input(in, max_line, &run, &res->st, e) :
		 gc_parse_json_dir(dir, on_diag, &run, &res->st, e);
	free(run.last_file);
	if (r) {
		if (!e->status)
			err_set(e, (enum esc_status)r, "'%s': cannot parse", path);
		store_build_abort(run.b);
		return e->status;
	}
	memcpy(res->kinds, run.kinds, sizeof(res->kinds));
	v = version ? version : res->st.go_version;
	snprintf(res->version, sizeof(res->version), "%s", v ? v : "");
	hash_final(&run, res->sha256);
	if (s && store_build_commit(run.b, res->sha256, res->version, &res->id, &res->added, e))
		return e->status;
	return ESC_OK;
}

static enum esc_status ingest_build(struct store *s, const char *path, const char *name,
				    const char *version, size_t max_line,
				    struct classify_diag_filter *keep,
				    struct classify_ingest_build_result *res, struct err *e)
{
	struct input in;
	enum esc_status st;

	if (is_dir(path))
		return build_from(s, NULL, path, name, version, max_line, keep, res, e);
	memset(res, 0, sizeof(*res));
	if ((st = input_open(&in, path, NULL, e)))
		return st;
	st = build_from(s, &in, NULL, name, version, max_line, keep, res, e);
	input_close(&in);
	return st;
}

enum esc_status classify_ingest_build(struct store *s, const char *path, const char *name,
				      const char *version, size_t max_line,
				      struct classify_ingest_build_result *res, struct err *e)
{
	return ingest_build(s, path, name, version, max_line, NULL, res, e);
}

enum esc_status classify_ingest_build_for(struct store *s, const struct profile *p,
					  const char *path, const char *name, size_t max_line,
					  struct classify_ingest_build_result *res, struct err *e)
{
	struct classify_diag_filter *keep;
	enum esc_status st;

	memset(res, 0, sizeof(*res));
	if ((st = classify_diag_filter_new(p, &keep, e)))
		return st;
	st = ingest_build(s, path, name, NULL, max_line, keep, res, e);
	classify_diag_filter_free(keep);
	return st;
}

/* The sha256 of bytes another thread decodes meanwhile. */
struct digest_job {
	const void *data;
	size_t len;
	char *hex;
};

static void *digest_job_run(void *arg)
{
	struct digest_job *j = arg;

	digest_sha256_hex(j->data, j->len, j->hex);
	return NULL;
}

/* Reads the rest of in into its head and decodes all of it (sha256 of the bytes into sha);
 * the head is released then, as the profile holds what it needs, unless it may be read
 * again (in->reread). */
static enum esc_status profile_from(struct input *in, const struct profile_limits *lim,
				    struct profile **p, char sha[65], struct err *e)
{
	uint64_t max = lim && lim->max_size ? lim->max_size : PROFILE_DEFAULT_MAX_SIZE;
	struct stat sb;
	int r;

	*p = NULL;
	/* a file's size is known: refused unread when too large, else one allocation
	 * instead of doublings (and a byte more, to see its end) */
	if (in->f && !fstat(fileno(in->f), &sb) && S_ISREG(sb.st_mode)) {
		if ((uint64_t)sb.st_size > max)
			return err_set(e, ESC_ELIMIT, "'%s': larger than the size limit (raise it with --max-size)",
				       in->path);
		if ((size_t)sb.st_size + 1 > in->head.len &&
		    buf_grow_within(&in->head, (size_t)sb.st_size + 1 - in->head.len, (size_t)sb.st_size + 1))
			return err_set(e, ESC_ENOMEM, "'%s': out of memory", in->path);
	}
	/* compressed input is at most the cap too: deflate never expands much */
	r = input_fill(in, max > SIZE_MAX - 1 ? SIZE_MAX - 1 : (size_t)max + 1);
	if (r == -1)
		return err_set(e, ESC_EIO, "cannot read '%s': %s", in->path, strerror(in->error));
	if (r == -2)
		return err_set(e, ESC_ENOMEM, "'%s': out of memory", in->path);
	if (in->head.len > max)
		return err_set(e, ESC_ELIMIT, "'%s': larger than the size limit (raise it with --max-size)",
			       in->path);
	{
		/* the digest and the decoder read the same bytes: on a second core, both at
		 * once (from a quarter megabyte, a millisecond of digest: more than a thread
		 * costs) */
		struct digest_job job = {in->head.data, in->head.len, sha};
		pthread_t th;
		int apart = in->head.len >= (1u << 18) && sysconf(_SC_NPROCESSORS_ONLN) > 1 &&
			    !pthread_create(&th, NULL, digest_job_run, &job);
		enum esc_status st;

		if (!apart)
			digest_job_run(&job);
		st = profile_open(p, in->path, in->head.data, in->head.len, lim, e);
		if (apart)
			pthread_join(th, NULL);
		/* a profile's compressed bytes are not read again: a large load keeps less */
		if (!st && !in->reread) {
			buf_release(&in->head);
			buf_init(&in->head);
			in->pos = 0;
		}
		return st;
	}
}

/* Stores the profile in holds (o->sha256 and o->source are filled in here). */
static enum esc_status add_profile(struct store *s, struct input *in,
				   const struct store_profile_opts *o, const struct profile_limits *lim,
				   struct classify_ingest_profile_result *res, struct profile **decoded,
				   struct err *e)
{
	struct store_profile_opts oo = *o;
	struct profile *p = NULL;
	enum esc_status st;

	memset(res, 0, sizeof(*res));
	if ((st = profile_from(in, lim, &p, res->sha256, e)))
		return st;
	oo.sha256 = res->sha256;
	oo.source = in->path;
	/* a URL's last part ("heap") would name nothing: the profile is named by its URL */
	if (!oo.name && in->url)
		oo.name = in->url;
	res->nsamples = p->nsamples;
	res->nsample_types = p->nsample_types;
	st = store_add_profile(s, p, &oo, &res->id, &res->added, e);
	if (!st && decoded)
		*decoded = p;
	else
		profile_free(p);
	return st;
}

enum esc_status classify_ingest_profile(struct store *s, const char *path,
					const struct store_profile_opts *o,
					const struct profile_limits *lim,
					struct classify_ingest_profile_result *res, struct err *e)
{
	struct input in;
	enum esc_status st;

	static const struct profile_limits none;

	memset(res, 0, sizeof(*res));
	if ((st = input_open(&in, path, lim ? lim : &none, e)))
		goto out;
	st = add_profile(s, &in, o, lim, res, NULL, e);
out:
	input_close(&in);
	return st;
}

enum esc_status classify_ingest_profile_decoded(struct store *s, const char *path,
						const struct store_profile_opts *o,
						const struct profile_limits *lim,
						struct classify_ingest_profile_result *res,
						struct profile **decoded, struct err *e)
{
	struct input in;
	enum esc_status st;

	static const struct profile_limits none;

	memset(res, 0, sizeof(*res));
	*decoded = NULL;
	if ((st = input_open(&in, path, lim ? lim : &none, e)))
		goto out;
	st = add_profile(s, &in, o, lim, res, decoded, e);
out:
	input_close(&in);
	return st;
}

enum esc_status classify_ingest_profile_or_build(struct store *s, const char *path, int64_t *id,
						 int *is_profile, struct err *e)
{
	struct classify_ingest_profile_result pr;
	struct classify_ingest_build_result br;
	struct store_profile_opts po = {0};
	struct err perr = {0};
	struct input in;
	enum esc_status st;

	*id = 0;
	*is_profile = 0;
	if (is_dir(path)) {
		if ((st = build_from(s, NULL, path, NULL, NULL, 0, NULL, &br, e)))
			return st;
		*id = br.id;
		return ESC_OK;
	}
	static const struct profile_limits none;

	if ((st = input_open(&in, path, &none, e)))
		goto out;
	if (input_fill(&in, SNIFF) == -2) {
		st = err_set(e, ESC_ENOMEM, "'%s': out of memory", path);
		goto out;
	}
	/* text that is not a legacy heap profile is a log; what may be a profile is tried as
	 * one, and as a log (UTF-16) when it is not, from the same bytes */
	if (profile_sniff(in.head.data, in.head.len)) {
		in.reread = 1;
		st = add_profile(s, &in, &po, NULL, &pr, NULL, &perr);
		if (!st) {
			*id = pr.id;
			*is_profile = 1;
			goto out;
		}
		if (st != ESC_EINPUT) {
			*e = perr;
			goto out;
		}
	}
	if ((st = build_from(s, &in, NULL, NULL, NULL, 0, NULL, &br, e))) {
		/* bytes that are not a log and looked like a profile are a broken profile */
		if (st == ESC_EINPUT && perr.status) {
			*e = perr;
			st = perr.status;
		}
		goto out;
	}
	*id = br.id;
out:
	input_close(&in);
	return st;
}

enum esc_status classify_build_ref(struct store *s, const char *ref, int stored_only, int64_t **ids,
				   size_t *n, size_t *cap, struct err *e)
{
	struct classify_ingest_build_result br;

	if (vec_reserve(ids, cap, *n + 1, sizeof(**ids), 4))
		return err_set(e, ESC_ENOMEM, "out of memory");
	if (stored_only || !path_exists(ref)) {
		if (store_resolve_build(s, ref, &(*ids)[*n], e))
			return e->status;
	} else if (classify_ingest_build(s, ref, NULL, NULL, 0, &br, e)) {
		return e->status;
	} else {
		(*ids)[*n] = br.id;
	}
	(*n)++;
	return ESC_OK;
}
