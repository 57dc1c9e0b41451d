/* trend.c — trend's product rules over the store's rows: one point per profile or per day
 * of loading (a day's profiles summed, as pprof merges profiles), the keys of most value
 * over the whole range kept and the rest summed as "(other)", each point's keys by value
 * with their share of the point. */
#include <stdlib.h>
#include <string.h>

#include "classify/classify.h"
#include "common/hmap.h"
#include "common/num.h"
#include "common/vec.h"

const char classify_trend_other[] = "(other)";

static const char *const by_names[] = {
	[STORE_TREND_BY_CAUSE] = "cause", [STORE_TREND_BY_PACKAGE] = "package",
	[STORE_TREND_BY_FUNCTION] = "function",
};

const char *classify_trend_by_name(enum store_trend_by by)
{
	return by >= STORE_TREND_BY_CAUSE && by <= STORE_TREND_BY_FUNCTION ? by_names[by] : "?";
}

int classify_trend_by_parse(const char *name, enum store_trend_by *by)
{
	for (enum store_trend_by b = STORE_TREND_BY_CAUSE; b <= STORE_TREND_BY_FUNCTION; b++)
		if (!strcmp(name, by_names[b])) {
			*by = b;
			return 0;
		}
	return -1;
}

struct key_total {
	const char *key;
	int64_t total;
};

static int cmp_totals(const void *a, const void *b)
{
	const struct key_total *x = a, *y = b;

	if (x->total != y->total)
		return x->total < y->total ? 1 : -1;
	return strcmp(x->key, y->key);
}

static int cmp_rows(const void *a, const void *b)
{
	const struct classify_trend_row *x = a, *y = b;

	/* "(other)" last in its point, then by value, then by key */
	if ((x->key == classify_trend_other) != (y->key == classify_trend_other))
		return x->key == classify_trend_other ? 1 : -1;
	if (x->value != y->value)
		return x->value < y->value ? 1 : -1;
	return strcmp(x->key, y->key);
}

/* The keys kept: a set of the nkeys keys of most value over all rows (0: every key). */
static enum esc_status kept_keys(const struct store_trend_row *in, size_t nin, size_t nkeys,
				 struct hmap *kept, struct err *e)
{
	struct hmap totals;
	struct key_total *v = NULL;
	size_t n = 0, cap = 0, i;
	enum esc_status st = ESC_OK;

	hmap_init(&totals);
	for (i = 0; i < nin; i++) {
		void **slot = hmap_put(&totals, in[i].key, strlen(in[i].key));

		if (!slot) {
			st = err_set(e, ESC_ENOMEM, "out of memory");
			goto out;
		}
		if (!*slot) {
			if (vec_reserve(&v, &cap, n + 1, sizeof(*v), 64)) {
				st = err_set(e, ESC_ENOMEM, "out of memory");
				goto out;
			}
			v[n] = (struct key_total){in[i].key, 0};
			*slot = (void *)(uintptr_t)++n;
		}
		v[(uintptr_t)*slot - 1].total += in[i].value;
	}
	if (n)	/* qsort's array may not be NULL, even empty */
		qsort(v, n, sizeof(*v), cmp_totals);
	for (i = 0; i < n && (!nkeys || i < nkeys); i++) {
		void **slot = hmap_put(kept, v[i].key, strlen(v[i].key));

		if (!slot) {
			st = err_set(e, ESC_ENOMEM, "out of memory");
			goto out;
		}
		*slot = (void *)1;
	}
out:
	free(v);
	hmap_release(&totals);
	return st;
}

enum esc_status classify_trend(const struct store_trend_row *in, size_t nin, enum classify_trend_per per,
			       size_t nkeys, struct classify_trend *out, struct err *e)
{
	struct hmap kept, at;	/* the kept keys; a point's keys -> index + 1 in out */
	size_t cap = 0, i = 0, first;
	enum esc_status st;

	memset(out, 0, sizeof(*out));
	hmap_init(&kept);
	hmap_init(&at);
	if ((st = kept_keys(in, nin, nkeys, &kept, e)))
		goto out;
	while (i < nin) {
		const struct store_trend_row *p = &in[i];
		int64_t total = 0, profiles = 0, last = 0;
		size_t j;

		/* a point: one profile, or the profiles loaded on one day (rows come by loaded_at) */
		first = out->n;
		hmap_release(&at);
		hmap_init(&at);
		for (; i < nin && (per == CLASSIFY_TREND_PER_DAY ? !strncmp(in[i].loaded_at, p->loaded_at, 10)
								  : in[i].profile_id == p->profile_id); i++) {
			const char *key = hmap_get(&kept, in[i].key, strlen(in[i].key)) ? in[i].key
											 : classify_trend_other;
			void **slot = hmap_put(&at, key, strlen(key));
			struct classify_trend_row *r;

			if (!slot || (!*slot && vec_reserve(&out->rows, &cap, out->n + 1, sizeof(*out->rows), 64))) {
				st = err_set(e, ESC_ENOMEM, "out of memory");
				goto out;
			}
			if (!*slot) {
				r = &out->rows[out->n];
				memset(r, 0, sizeof(*r));
				snprintf(r->point, sizeof(r->point), "%.*s", per == CLASSIFY_TREND_PER_DAY ? 10 : 31,
					 p->loaded_at);
				if (per == CLASSIFY_TREND_PER_PROFILE) {
					r->profile_id = p->profile_id;
					r->name = p->name;
				}
				r->key = key;
				*slot = (void *)(uintptr_t)++out->n;
			}
			r = &out->rows[(uintptr_t)*slot - 1];
			r->value += in[i].value;
			total += in[i].value;
			if (in[i].profile_id != last)
				profiles++, last = in[i].profile_id;
		}
		qsort(out->rows + first, out->n - first, sizeof(*out->rows), cmp_rows);
		for (j = first; j < out->n; j++) {
			out->rows[j].profiles = profiles;
			out->rows[j].pct = num_pct(out->rows[j].value, total);
		}
		out->points++;
	}
out:
	hmap_release(&kept);
	hmap_release(&at);
	if (st)
		classify_trend_release(out);
	return st;
}

void classify_trend_release(struct classify_trend *t)
{
	free(t->rows);
	memset(t, 0, sizeof(*t));
}
