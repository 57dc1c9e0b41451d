/* join.c — the attribution: every sample of a heap profile lands on one site and one
 * cause. Three passes: the profile's stacks tell which source lines matter and the
 * builds' diagnostics are kept only at those lines (join_index.c), each build is measured
 * against the profile (join_match.c); then each stack is resolved once and each sample
 * chooses its diagnostic (join_resolve.c), and its values are added to its site here.
 * Every value lands in exactly one site. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/vec.h"
#include "join_int.h"

struct agg {
	struct store_site s;
	char *function, *package, *file, *via, *diagnostic, *evidence;
	int deferred;
};

/* "F[]" -> "F[...]": a dependency named readably, without its instantiation's shapes. */
static char *readable_args(const char *stripped)
{
	char *out = malloc(strlen(stripped) * 5 / 2 + 1), *o = out;
	const char *p;

	if (!out)
		return NULL;
	for (p = stripped; *p; p++)
		if (p[0] == '[' && p[1] == ']') {
			memcpy(o, "[...]", 5);
			o += 5;
			p++;
		} else {
			*o++ = *p;
		}
	*o = '\0';
	return out;
}

static int add_to_site(struct join *J, const struct store_sample *smp, const struct store_frame *sf,
		       const char *via, const char *cause, double conf, const struct jdiag *d,
		       const char *evidence, int deferred)
{
	struct buf key;
	void **slot;
	struct agg *a;
	char pkg[1024];
	size_t m;
	int i;

	/* the key is the stack's but for the cause and the diagnostic: a sample of a stack
	 * goes where an earlier one with the same two went */
	for (m = 0; m < J->cur->nsite_memo; m++)
		if (J->cur->site_memo[m].d == d && !strcmp(J->cur->site_memo[m].cause, cause))
			break;
	if (m < J->cur->nsite_memo) {
		a = J->cur->site_memo[m].agg;
		goto add;
	}
	{
		/* the strings with their NULs, then the numbers as bytes */
		int64_t nums[4] = {sf->line, deferred, d ? d->build_id : 0, d ? d->diag_id : 0};

		buf_init(&key);
		if (buf_add(&key, sf->function, strlen(sf->function) + 1) ||
		    buf_add(&key, sf->file, strlen(sf->file) + 1) ||
		    buf_add(&key, via ? via : "", via ? strlen(via) + 1 : 1) ||
		    buf_add(&key, cause, strlen(cause) + 1) || buf_add(&key, nums, sizeof(nums)))
			slot = NULL;
		else
			slot = hmap_put(&J->sites, key.data, key.len);
		buf_release(&key);
	}
	if (!slot)
		return err_set(J->e, ESC_ENOMEM, "out of memory");
	if (!*slot) {
		if (!(a = calloc(1, sizeof(*a))))
			return err_set(J->e, ESC_ENOMEM, "out of memory");
		classify_package_of(sf->function, pkg, sizeof(pkg));
		a->function = strdup(sf->function);
		a->file = strdup(sf->file);
		a->package = strdup(pkg);
		if (via) {
			char rv[1024];

			join_strip_type_args(via, rv, sizeof(rv));
			a->via = readable_args(rv);
		}
		a->s.function = a->function;
		a->s.file = a->file;
		a->s.package = a->package;
		a->s.attributed_via = a->via;
		a->deferred = deferred;
		a->s.line = sf->line;
		a->s.cause = cause;
		a->s.confidence = conf;
		a->s.build_id = d ? d->build_id : 0;
		a->s.diag_id = d ? d->diag_id : 0;
		a->s.decisive_seq = d && d->v.decisive >= 0 ? d->v.decisive + 1 : 0;
		a->s.evidence = d ? d->v.evidence : evidence;
		if (deferred && a->s.evidence) {
			size_t el = strlen(a->s.evidence) + 40;

			if ((a->evidence = malloc(el)))
				snprintf(a->evidence, el, "in a deferred call: %s", a->s.evidence);
			a->s.evidence = a->evidence;
		}
		a->diagnostic = d ? join_dup0(d->d.message) : NULL;
		a->s.diagnostic = a->diagnostic;
		*slot = a;
	}
	a = *slot;
	if (J->cur->nsite_memo < sizeof(J->cur->site_memo) / sizeof(J->cur->site_memo[0]))
		J->cur->site_memo[J->cur->nsite_memo++] = (struct site_memo){cause, d, a};
add:
	for (i = 0; i < STORE_NHEAP; i++)
		a->s.values[i] += smp->values[i];
	a->s.samples++;
	for (i = 0; i < STORE_NHEAP; i++) {
		J->r->total[i] += smp->values[i];
		if (strcmp(cause, "unknown"))
			J->r->attributed[i] += smp->values[i];
		if (d)
			J->r->joined[i] += smp->values[i];
	}
	return 0;
}

struct classify_join_policy classify_join = {1, 0, 0};

/* At most this many resolutions are remembered (about 300 bytes each). */
#define JOIN_MAX_RESOLVED 65536

/* smp's stack resolved: as an earlier stack of the same decisive frames was, else afresh
 * (remembered when the walk numbers its frames); NULL when memory runs out. */
static struct resolved *resolved_for(struct join *J, const struct store_sample *smp)
{
	struct resolved *x = NULL;
	void **slot = NULL;

	if (classify_join.memo && smp->frame_ids) {
		int none;
		size_t n = join_decisive_frames(J, smp, &none);
		unsigned char tail = (unsigned char)none;

		buf_reset(&J->key);
		if (buf_add(&J->key, smp->frame_ids, n * sizeof(*smp->frame_ids)) ||
		    buf_add(&J->key, &tail, 1))
			return NULL;
		if ((x = hmap_get(&J->resolved, J->key.data, J->key.len))) {
			classify_join.resolved++;
			classify_join.reused++;
			return x;
		}
		if (J->resolved.len < JOIN_MAX_RESOLVED && (x = calloc(1, sizeof(*x))) &&
		    !(slot = hmap_put(&J->resolved, J->key.data, J->key.len))) {
			free(x);
			return NULL;
		}
	}
	if (!x) {
		if (!J->scratch && !(J->scratch = calloc(1, sizeof(*J->scratch))))
			return NULL;
		x = J->scratch;
		x->nsite_memo = 0;
	}
	if (smp->frames) {
		join_resolve_stack(J, smp, &x->res);
	} else {
		/* frames by id only: put together, as the resolution reads them side by side */
		struct store_sample whole = *smp;
		size_t i;

		if (vec_reserve(&J->fbuf, &J->capfbuf, smp->nframes + 1, sizeof(*J->fbuf), 64)) {
			if (slot)
				*slot = x;	/* (released with the others) */
			return NULL;
		}
		for (i = 0; i < smp->nframes; i++)
			J->fbuf[i] = smp->frame_table[smp->frame_ids[i]];
		whole.frames = J->fbuf;
		join_resolve_stack(J, &whole, &x->res);
	}
	if (slot)
		*slot = x;
	classify_join.resolved++;
	return x;
}

static int attribute(void *ctx, const struct store_sample *smp)
{
	struct join *J = ctx;
	const struct resolution *r;
	const struct jdiag *d = NULL;
	const char *cause;
	double conf;

	if (!J->cur || smp->stack_id != J->cur_stack) {
		if (!(J->cur = resolved_for(J, smp)))
			return err_set(J->e, ESC_ENOMEM, "out of memory");
		J->cur_stack = smp->stack_id;
	}
	r = &J->cur->res;
	if (!smp->nframes) {
		static const struct store_frame none = {"(no frames)", "", 0, 0};

		return add_to_site(J, smp, &none, NULL, "unknown", 0, NULL, "no stack", 0);
	}
	if (r->alt_cause && smp->object_size > 0 &&
	    smp->object_size != join_most_frequent_size(J, join_frame(smp, r->leaf))) {
		/* the line's other allocation, with no diagnostic: a map's buckets */
		cause = r->alt_cause;
		conf = 0.7;
	} else if (r->ncand) {
		d = join_choose(J, smp, r, &conf);
		cause = d->v.cause;
	} else {
		cause = r->cause;
		conf = r->confidence;
	}
	return add_to_site(J, smp, join_frame(smp, r->site), r->via, cause, conf, d, r->evidence,
			   r->deferred);
}

static int cmp_site(const void *a, const void *b)
{
	const struct agg *x = *(const struct agg *const *)a, *y = *(const struct agg *const *)b;
	int i;

	/* bytes allocated first, then the other types, then a stable order */
	static const int order[] = {STORE_ALLOC_SPACE, STORE_INUSE_SPACE, STORE_ALLOC_OBJECTS,
				    STORE_INUSE_OBJECTS};
	for (i = 0; i < 4; i++)
		if (x->s.values[order[i]] != y->s.values[order[i]])
			return x->s.values[order[i]] < y->s.values[order[i]] ? 1 : -1;
	if ((i = strcmp(x->s.file, y->s.file)))
		return i;
	if (x->s.line != y->s.line)
		return x->s.line < y->s.line ? -1 : 1;
	if ((i = strcmp(x->s.cause, y->s.cause)))
		return i;
	/* then everything else that tells sites apart, so equal values never leave the
	 * order to the hash table */
	if ((i = strcmp(x->s.function, y->s.function)))
		return i;
	if ((i = strcmp(x->via ? x->via : "", y->via ? y->via : "")) || (!x->via) != (!y->via))
		return i ? i : x->via ? 1 : -1;
	if (x->s.build_id != y->s.build_id)
		return x->s.build_id < y->s.build_id ? -1 : 1;
	if (x->s.diag_id != y->s.diag_id)
		return x->s.diag_id < y->s.diag_id ? -1 : 1;
	return x->deferred - y->deferred;
}

/* Every sample of the profile, from memory when the caller decoded it, else the store. */
static int foreach_sample(struct join *J, int64_t profile_id, store_sample_fn fn)
{
	if (J->o && J->o->grouped)
		return classify_decoded_foreach(J->o->grouped, 1, fn, J, J->e);
	if (J->decoded)
		return classify_decoded_foreach(J->decoded, 1, fn, J, J->e);
	return store_foreach_heap_sample(J->st, profile_id, fn, J, J->e);
}

enum esc_status classify_analyze(struct store *s, int64_t profile_id, const int64_t *builds,
				 size_t nbuilds, const struct classify_opts *o,
				 struct classify_result *r, struct err *e)
{
	struct join J = {0};
	enum esc_status st = ESC_OK;
	size_t pos = 0, i;
	const char *k;
	void *v;
	int rc;

	memset(r, 0, sizeof(*r));
	J.st = s;
	J.e = e;
	J.o = o;
	J.r = r;
	J.nbuilds = (int)nbuilds;
	J.cur_stack = -1;
	classify_sources_init(&J.src, o ? o->source_path : NULL, o ? o->nsource : 0,
			      o ? o->trim_path : NULL);
	srcread_init(&J.sr, &J.src, &J.map_puts);
	hmap_init(&J.needed);
	hmap_init(&J.by_line);
	hmap_init(&J.diag_seen);
	hmap_init(&J.inlines);
	hmap_init(&J.files);
	hmap_init(&J.file_seen);
	hmap_init(&J.map_puts);
	hmap_init(&J.line_flags);
	hmap_init(&J.build_minor);
	hmap_init(&J.profile_pkgs);
	hmap_init(&J.covered);
	hmap_init(&J.user);
	hmap_init(&J.sizes);
	hmap_init(&J.own_lines);
	hmap_init(&J.build_pkgs);
	hmap_init(&J.build_hits);
	hmap_init(&J.sites);
	hmap_init(&J.resolved);
	buf_init(&J.key);
	if ((st = store_heap_types_of(s, profile_id, r->has, e)))
		goto out;
	if (o && o->decoded && !o->grouped && (st = classify_decoded_group(o->decoded, &J.decoded, e)))
		goto out;
	for (i = 0; i < nbuilds; i++) {
		char version[64];
		void **slot;

		if ((st = store_build_go_version(s, builds[i], version, sizeof(version), e)))
			goto out;
		if (!(slot = hmap_put(&J.build_minor, &builds[i], sizeof(builds[i])))) {
			st = err_set(e, ESC_ENOMEM, "out of memory");
			goto out;
		}
		*slot = (void *)(uintptr_t)classify_go_minor(version);
	}
	if ((rc = foreach_sample(&J, profile_id, join_collect_lines)) ||
	    (rc = store_foreach_diag(s, builds, nbuilds, join_keep_diag, &J, e))) {
		st = e->status ? e->status : (enum esc_status)rc;
		goto out;
	}
	if (join_user_packages(&J) || join_build_match(&J, builds, nbuilds)) {
		st = err_set(e, ESC_ENOMEM, "out of memory");
		goto out;
	}
	join_classify_all(&J);
	J.cur_stack = -1;
	J.cur = NULL;
	/* a frame's number holds within one walk: what pass A learnt by number is forgotten */
	if (J.fflags)
		memset(J.fflags, 0, J.capfflags);
	if ((rc = foreach_sample(&J, profile_id, attribute))) {
		st = e->status ? e->status : (enum esc_status)rc;
		goto out;
	}
	/* the sites, biggest first */
	r->sites = calloc(J.sites.len + 1, sizeof(*r->sites));
	r->aggs = calloc(J.sites.len + 1, sizeof(void *));
	if (!r->sites || !r->aggs) {
		st = err_set(e, ESC_ENOMEM, "out of memory");
		goto out;
	}
	while (hmap_next(&J.sites, &pos, &k, &v))
		r->aggs[r->nsites++] = v;
	qsort(r->aggs, r->nsites, sizeof(*r->aggs), cmp_site);
	for (i = 0; i < r->nsites; i++)
		r->sites[i] = ((struct agg *)r->aggs[i])->s;
	hmap_release(&J.sites);
out:
	if (st) {
		pos = 0;
		while (hmap_next(&J.sites, &pos, &k, &v)) {
			struct agg *a = v;

			free(a->function);
			free(a->file);
			free(a->package);
			free(a->via);
			free(a->diagnostic);
			free(a->evidence);
			free(a);
		}
		hmap_release(&J.sites);
	}
	pos = 0;
	while (hmap_next(&J.resolved, &pos, &k, &v)) {
		struct resolved *x = v;

		if (x)
			free(x->res.cand);
		free(x);
	}
	hmap_release(&J.resolved);
	if (J.scratch)
		free(J.scratch->res.cand);
	free(J.scratch);
	buf_release(&J.key);
	free(J.fbuf);
	join_free_dvec_map(&J.by_line, 1);
	hmap_release(&J.diag_seen);
	join_free_dvec_map(&J.files, 1);
	pos = 0;
	while (hmap_next(&J.inlines, &pos, &k, &v)) {
		struct ivec *iv = v;

		for (i = 0; i < iv->n; i++)
			free(iv->v[i].callee);
		free(iv->v);
		free(iv);
	}
	hmap_release(&J.inlines);
	for (i = 0; i < J.nclosures; i++) {
		free(J.closures[i].file);
		free(J.closures[i].func);
	}
	free(J.closures);
	hmap_release(&J.needed);
	free(J.frames_seen.v);
	free(J.user_memo.v);
	free(J.fflags);
	classify_decoded_free(J.decoded);
	hmap_release(&J.file_seen);
	hmap_release(&J.map_puts);
	hmap_release(&J.line_flags);
	hmap_release(&J.build_minor);
	hmap_release(&J.profile_pkgs);
	hmap_release(&J.covered);
	hmap_release(&J.user);
	pos = 0;
	while (hmap_next(&J.sizes, &pos, &k, &v))
		free(v);
	hmap_release(&J.sizes);
	srcread_release(&J.sr);
	hmap_release(&J.own_lines);
	hmap_release(&J.build_pkgs);
	hmap_release(&J.build_hits);
	classify_sources_release(&J.src);
	if (st)
		classify_result_release(r);
	return st;
}

void classify_result_release(struct classify_result *r)
{
	size_t i;

	if (r->aggs)
		for (i = 0; i < r->nsites; i++) {
			struct agg *a = r->aggs[i];

			free(a->function);
			free(a->file);
			free(a->package);
			free(a->via);
			free(a->diagnostic);
			free(a->evidence);
			free(a);
		}
	free(r->aggs);
	free(r->sites);
	free(r->matches);
	memset(r, 0, sizeof(*r));
}
