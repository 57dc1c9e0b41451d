/* diff.c — two profiles or two builds compared. A profile diff merges the two sides' sums
 * by key through a hash map (each key once, whatever the order of the rows), scales the
 * base to the new profile's duration and orders keys by growth, ties by key, so the order
 * is total and the same on every run. A build diff pairs the escapes of both builds. */
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "common/buf.h"
#include "common/vec.h"

const char *classify_change_name(enum classify_change c)
{
	switch (c) {
	case CLASSIFY_NEW: return "new";
	case CLASSIFY_GONE: return "gone";
	case CLASSIFY_GREW: return "grew";
	case CLASSIFY_SHRANK: return "shrank";
	default: return "same";
	}
}

struct merge {
	struct classify_profile_diff *d;
	size_t cap;
	struct hmap index;	/* key -> 1 + its row */
	struct buf key;
};

/* The identity of a group, also what tests look rows up by: "function file:line cause" for
 * a site (the file as trimmed), the name alone for a function or a cause. */
static int key_of(struct buf *b, enum store_site_group by, const struct store_site_sum *r,
		  const char *file)
{
	buf_reset(b);
	switch (by) {
	case STORE_GROUP_FUNCTION: return buf_adds(b, r->function ? r->function : "");
	case STORE_GROUP_CAUSE: return buf_adds(b, r->cause ? r->cause : "");
	default:
		return buf_printf(b, "%s %s:%" PRId64 " %s", r->function ? r->function : "", file, r->line,
				  r->cause ? r->cause : "");
	}
}

static char *dup_or_null(const char *s, int *oom)
{
	char *d;

	if (!s)
		return NULL;
	if (!(d = strdup(s)))
		*oom = 1;
	return d;
}

/* A new row for the group r, its fields copied (the file as trimmed). */
static int new_row(struct classify_diff_row *row, enum store_site_group by, const struct store_site_sum *r,
		   const char *file, const struct buf *key)
{
	int oom = 0;

	memset(row, 0, sizeof(*row));
	if (!(row->key = strdup(key->data)))
		return -1;
	if (by != STORE_GROUP_CAUSE)
		row->function = dup_or_null(r->function ? r->function : "", &oom);
	if (by == STORE_GROUP_SITE) {
		row->file = dup_or_null(file, &oom);
		row->line = r->line;
	}
	if (by != STORE_GROUP_FUNCTION)
		row->cause = dup_or_null(r->cause ? r->cause : "", &oom);
	return -oom;
}

static enum esc_status add_side(struct merge *m, struct store *s, const struct classify_diff_side *side,
				int type, enum store_site_group by, int cur, struct err *e)
{
	struct store_site_sum *rows;
	size_t n, i;
	enum esc_status st;

	if ((st = store_site_sums(s, side->analysis_id, type, by, &rows, &n, e)))
		return st;
	for (i = 0; i < n; i++) {
		const char *file = classify_trim_path(side->trim, rows[i].file ? rows[i].file : "");
		struct classify_diff_row *r;
		void **slot;

		if (key_of(&m->key, by, &rows[i], file) || !(slot = hmap_put(&m->index, m->key.data, m->key.len))) {
			st = err_set(e, ESC_ENOMEM, "out of memory");
			break;
		}
		if (!*slot) {
			if (vec_reserve(&m->d->rows, &m->cap, m->d->n + 1, sizeof(*m->d->rows), 64) ||
			    new_row(&m->d->rows[m->d->n], by, &rows[i], file, &m->key)) {
				if (m->d->rows && m->cap > m->d->n)
					m->d->n++;	/* its copies are freed with the diff */
				st = err_set(e, ESC_ENOMEM, "out of memory");
				break;
			}
			*slot = (void *)(uintptr_t)++m->d->n;
		}
		r = &m->d->rows[(uintptr_t)*slot - 1];
		if (cur) {
			r->cur += rows[i].value;
			m->d->cur_total += rows[i].value;
		} else {
			r->base += rows[i].value;
			m->d->base_total += rows[i].value;
		}
	}
	store_site_sums_free(rows, n);
	return st;
}

static double magnitude(double x)
{
	return x < 0 ? -x : x;
}

/* biggest change first, either way, base compared scaled; then by key */
static int cmp_rows(const void *a, const void *b)
{
	const struct classify_diff_row *x = a, *y = b;
	double mx = magnitude(x->delta), my = magnitude(y->delta);

	if (mx != my)
		return mx < my ? 1 : -1;
	return strcmp(x->key, y->key);
}

enum esc_status classify_diff_profiles(struct store *s, const struct classify_diff_side *base,
				       const struct classify_diff_side *cur, int type,
				       enum store_site_group by, struct classify_profile_diff *d,
				       struct err *e)
{
	struct merge m = {d, 0, {0}, {0}};
	int64_t bdur, cdur;
	enum esc_status st;
	size_t i;

	memset(d, 0, sizeof(*d));
	d->scale = 1.0;
	hmap_init(&m.index);
	buf_init(&m.key);
	if ((st = store_profile_duration(s, base->profile_id, &bdur, e)) ||
	    (st = store_profile_duration(s, cur->profile_id, &cdur, e)))
		goto out;
	if (bdur > 0 && cdur > 0)
		d->scale = (double)cdur / (double)bdur;
	if ((st = add_side(&m, s, base, type, by, 0, e)) || (st = add_side(&m, s, cur, type, by, 1, e)))
		goto out;
	for (i = 0; i < d->n; i++) {
		struct classify_diff_row *r = &d->rows[i];

		r->base_scaled = (double)r->base * d->scale;
		r->delta = (double)r->cur - r->base_scaled;
		r->change = r->base == 0 && r->cur == 0 ? CLASSIFY_SAME : r->base == 0 ? CLASSIFY_NEW :
			    r->cur == 0 ? CLASSIFY_GONE : r->delta > 0 ? CLASSIFY_GREW :
			    r->delta < 0 ? CLASSIFY_SHRANK : CLASSIFY_SAME;
		d->count[r->change]++;
	}
	if (d->n)
		qsort(d->rows, d->n, sizeof(*d->rows), cmp_rows);
out:
	hmap_release(&m.index);
	buf_release(&m.key);
	return st;
}

int classify_diff_pct(const struct classify_diff_row *r, double *pct)
{
	if (r->base == 0 || r->base_scaled == 0)
		return -1;
	*pct = 100.0 * r->delta / r->base_scaled;
	return 0;
}

void classify_profile_diff_release(struct classify_profile_diff *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->rows[i].key);
		free(d->rows[i].function);
		free(d->rows[i].file);
		free(d->rows[i].cause);
	}
	free(d->rows);
	memset(d, 0, sizeof(*d));
}

enum esc_status classify_diff_builds(struct store *s, int64_t base_build, int64_t cur_build,
				     struct classify_build_diff *d, struct err *e)
{
	enum esc_status st;
	size_t i;

	memset(d, 0, sizeof(*d));
	if ((st = classify_escset_load(s, base_build, &d->base, e)) ||
	    (st = classify_escset_load(s, cur_build, &d->cur, e)))
		return st;
	if (classify_match_escapes(d->base.v, d->base.n, d->cur.v, d->cur.n))
		return err_set(e, ESC_ENOMEM, "out of memory");
	for (i = 0; i < d->cur.n; i++)
		d->added += !d->cur.v[i].matched;
	for (i = 0; i < d->base.n; i++)
		d->removed += !d->base.v[i].matched;
	return ESC_OK;
}

void classify_build_diff_release(struct classify_build_diff *d)
{
	classify_escset_release(&d->base);
	classify_escset_release(&d->cur);
	d->added = d->removed = 0;
}
