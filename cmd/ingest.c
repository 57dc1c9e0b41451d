/* ingest.c — reading inputs into the store, shared by load, escapes and analyze: a
 * profile file (decoded and validated, then stored in one transaction) and a compiler
 * log or -json tree (streamed into one build, also one transaction). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "classify/classify.h"
#include "cmd/ingest.h"
#include "common/buf.h"
#include "common/digest.h"

struct escapes_run {
	const char *path;		/* the log or -json tree being read */
	struct store_build *b;		/* NULL in a dry run */
	struct digest_sha256 sha;
	size_t kinds[GC_KIND_COUNT];
	struct store_step *steps;
	size_t capsteps;
	struct err *e;
};

static void hash_str(struct digest_sha256 *d, const char *s)
{
	if (s)
		digest_sha256_update(d, s, strlen(s) + 1);
	else
		digest_sha256_update(d, "\xff", 1);
}

static int on_diag(void *ctx, const struct gc_diag *d)
{
	struct escapes_run *r = ctx;
	static const char *const step_kinds[] = {"flow", "from", "warning"};
	char norm[4096], pos[64];
	struct store_diag sd;
	size_t i;

	if ((size_t)d->kind < GC_KIND_COUNT)
		r->kinds[d->kind]++;
	if (!r->b)
		return 0;	/* a dry run counts; it neither stores nor needs the digest */
	/* the content digest: what a build says, independent of how it was spelled on disk */
	hash_str(&r->sha, d->package);
	hash_str(&r->sha, d->file);
	snprintf(pos, sizeof(pos), "%u:%u:%d", d->line, d->col, (int)d->kind);
	hash_str(&r->sha, pos);
	hash_str(&r->sha, d->message);
	for (i = 0; i < d->nsteps; i++)
		hash_str(&r->sha, d->steps[i].text);
	if (d->nsteps > r->capsteps) {
		size_t nc = d->nsteps * 2;
		struct store_step *ns = realloc(r->steps, nc * sizeof(*ns));

		if (!ns)
			return err_set(r->e, ESC_ENOMEM, "'%s': out of memory", r->path);
		r->steps = ns;
		r->capsteps = nc;
	}
	for (i = 0; i < d->nsteps; i++) {
		const struct gc_step *g = &d->steps[i];

		r->steps[i] = (struct store_step){step_kinds[g->kind], g->dst, g->src, g->derefs,
						  g->why, g->expr, g->file, g->line, g->col, g->text};
	}
	classify_norm_path(d->file, norm, sizeof(norm));
	sd = (struct store_diag){d->package, d->file, norm, d->line, d->col, gc_kind_name(d->kind),
				 d->subject, d->func, d->message ? d->message : "", r->steps,
				 d->nsteps};
	return store_build_add(r->b, &sd, r->e);
}

static int is_dir(const char *path)
{
	struct stat sb;

	return strcmp(path, "-") && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* A single -json file (first byte '{' and a logopt header) is parsed as JSON too. */
static int is_json_file(const char *path)
{
	FILE *f;
	char head[256];
	size_t n;

	if (!strcmp(path, "-") || !(f = fopen(path, "rb")))
		return 0;
	n = fread(head, 1, sizeof(head) - 1, f);
	fclose(f);
	head[n] = '\0';
	return n && head[0] == '{' && strstr(head, "\"gc_version\"");
}

static int parse_input(const char *path, size_t max_line, struct escapes_run *r,
		       struct gc_stats *st, struct err *e)
{
	if (is_dir(path) || is_json_file(path))
		return gc_parse_json_dir(path, on_diag, r, st, e);
	if (max_line || !r->b) {
		/* the streaming API: to apply the limit, or to count without keeping steps */
		FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
		struct gc_log *p;
		char *chunk;
		size_t n;
		int rc = 0;

		if (!f)
			return err_set(e, ESC_EIO, "cannot read '%s': %m", path);
		p = gc_log_new(path);
		chunk = malloc(1 << 16);
		if (!p || !chunk) {
			if (f != stdin)
				fclose(f);
			gc_log_free(p);
			free(chunk);
			return err_set(e, ESC_ENOMEM, "'%s': out of memory", path);
		}
		if (max_line)
			gc_log_set_max_line(p, max_line);
		gc_log_set_counting(p, !r->b);
		while (!rc && (n = fread(chunk, 1, 1 << 16, f)) > 0)
			rc = gc_log_feed(p, chunk, n, on_diag, r, e);
		if (!rc && ferror(f))
			rc = err_set(e, ESC_EIO, "cannot read '%s'", path);
		if (!rc)
			rc = gc_log_finish(p, on_diag, r, st, e);
		if (f != stdin)
			fclose(f);
		gc_log_free(p);
		free(chunk);
		return rc;
	}
	return gc_parse_log_file(path, on_diag, r, st, e);
}


enum esc_status ingest_build(struct store *s, const char *path, const char *name,
			     const char *version, size_t max_line, struct ingest_build_result *res,
			     struct err *e)
{
	struct store_build_opts o = {name, path};
	struct escapes_run run = {0};
	const char *v;
	int r;

	memset(res, 0, sizeof(*res));
	run.e = e;
	run.path = path;
	digest_sha256_init(&run.sha);
	if (s && store_build_begin(s, &o, &run.b, e))
		return e->status;
	if ((r = parse_input(path, max_line, &run, &res->st, e))) {
		if (!e->status)
			err_set(e, (enum esc_status)r, "'%s': cannot parse", path);
		store_build_abort(run.b);
		free(run.steps);
		return e->status;
	}
	memcpy(res->kinds, run.kinds, sizeof(res->kinds));
	v = version ? version : res->st.go_version;
	snprintf(res->version, sizeof(res->version), "%s", v ? v : "");
	digest_sha256_final(&run.sha, res->sha256);
	free(run.steps);
	if (s && store_build_commit(run.b, res->sha256, res->version, &res->id, &res->added, e))
		return e->status;
	return ESC_OK;
}

static int count_sample(void *ctx, const struct profile_sample *smp)
{
	(void)smp;
	(*(size_t *)ctx)++;
	return 0;
}

enum esc_status ingest_open_profile(const char *path, const struct profile_limits *lim,
				    struct profile **p, char sha[65], struct err *e)
{
	struct buf b;
	enum esc_status st;
	int r;

	*p = NULL;
	buf_init(&b);
	r = buf_read_file(&b, path, lim && lim->max_size ? lim->max_size : PROFILE_DEFAULT_MAX_SIZE);
	if (r == -1 && errno == ENOMEM)
		st = err_set(e, ESC_ENOMEM, "'%s': out of memory", path);
	else if (r == -1)
		st = err_set(e, ESC_EIO, "cannot read '%s': %m", path);
	else if (r == -2)
		st = err_set(e, ESC_ELIMIT, "'%s': larger than the size limit (raise it with --max-size)",
			     path);
	else {
		digest_sha256_hex(b.data, b.len, sha);
		st = profile_open(p, path, b.data, b.len, lim, e);
	}
	buf_release(&b);
	return st;
}

enum esc_status ingest_check_profile(const char *path, const struct profile_limits *lim,
				     struct err *e)
{
	struct profile *p = NULL;
	char sha[65];
	size_t n = 0;
	enum esc_status st = ingest_open_profile(path, lim, &p, sha, e);

	if (!st && profile_foreach_sample(p, count_sample, &n, e))
		st = e->status ? e->status : ESC_EINPUT;
	profile_free(p);
	return st;
}

enum esc_status ingest_profile(struct store *s, const char *path, const struct store_profile_opts *o,
			       const struct profile_limits *lim, struct ingest_profile_result *res,
			       struct err *e)
{
	struct store_profile_opts oo = *o;
	struct profile *p = NULL;
	enum esc_status st;

	memset(res, 0, sizeof(*res));
	if ((st = ingest_open_profile(path, lim, &p, res->sha256, e)))
		return st;
	oo.sha256 = res->sha256;
	oo.source = path;
	res->nsamples = p->nsamples;
	res->nsample_types = p->nsample_types;
	st = store_add_profile(s, p, &oo, &res->id, &res->added, e);
	profile_free(p);
	return st;
}
