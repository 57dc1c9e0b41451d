/* diff.c — diff's writers: what grew or appeared between two profiles (its key column
 * named after the grouping), and the escapes two builds differ by. Text for people, an
 * aligned table of the rows in the other formats; JSON as one object naming both sides. */
#include <math.h>
#include <string.h>

#include "output/output.h"

int out_diff_profiles(FILE *f, const struct out_diff_opts *o, const struct classify_profile_diff *d,
		      size_t n)
{
	const char *const heads[6] = {"base", "new", "delta", "growth", "status", o->by};
	struct out_table *t = NULL;
	json_t *arr = NULL, *j;
	size_t i;

	if (o->fmt == OUT_TEXT) {
		out_textf(f, "%s -> %s, %s by %s", o->base, o->cur, o->column, o->by);
		if (d->scale != 1.0)
			fprintf(f, "; BASE scaled by %.4g to NEW's duration", d->scale);
		fprintf(f, "\n");
	}
	if (o->fmt == OUT_JSON)
		arr = json_array();
	else
		t = out_table_new(f, o->fmt, 6, heads);
	for (i = 0; i < n && i < d->n; i++) {
		const struct classify_diff_row *r = &d->rows[i];
		const char *status = classify_change_name(r->change);
		char g[32];

		if (r->base == 0)
			snprintf(g, sizeof(g), "new");
		else
			snprintf(g, sizeof(g), "%+.1f%%", 100.0 * r->delta / r->base_scaled);
		if (arr) {
			j = json_object();
			json_object_set_new(j, o->by, out_json_string(r->key, strlen(r->key)));
			json_object_set_new(j, "base", json_integer(r->base));
			json_object_set_new(j, "base_scaled", json_real(r->base_scaled));
			json_object_set_new(j, "new", json_integer(r->cur));
			json_object_set_new(j, "delta", json_real(r->delta));
			json_object_set_new(j, "growth_pct", r->base ? json_real(100.0 * r->delta / r->base_scaled) :
					    json_null());
			json_object_set_new(j, "status", json_string(status));
			json_array_append_new(arr, j);
		} else {
			struct out_cell cell[6] = {
				{.type = OUT_INT, .i = (int64_t)llround(r->base_scaled)},
				{.type = OUT_INT, .i = r->cur},
				{.type = OUT_INT, .i = (int64_t)llround(r->delta)},
				{.type = OUT_STR, .s = g, .len = strlen(g)},
				{.type = OUT_STR, .s = status, .len = strlen(status)},
				{.type = OUT_STR, .s = r->key, .len = strlen(r->key)},
			};

			out_table_row(t, cell);
		}
	}
	if (t)
		return out_table_end(t);
	j = json_object();
	json_object_set_new(j, "kind", json_string("profiles"));
	json_object_set_new(j, "base", out_json_string(o->base, strlen(o->base)));
	json_object_set_new(j, "new", out_json_string(o->cur, strlen(o->cur)));
	json_object_set_new(j, "sample_index", json_string(o->column));
	json_object_set_new(j, "by", json_string(o->by));
	json_object_set_new(j, "base_scale", json_real(d->scale));
	json_object_set_new(j, "grown", arr);
	return out_json_dump(f, j);
}

int out_diff_builds(FILE *f, const struct out_diff_opts *o, const struct classify_build_diff *d)
{
	static const char *const heads[] = {"change", "file", "line", "kind", "message"};
	struct out_table *t = NULL;
	json_t *obj = NULL, *lists[2] = {NULL, NULL};
	int pass;
	size_t i;

	if (o->fmt == OUT_JSON) {
		obj = json_object();
		lists[0] = json_array();
		lists[1] = json_array();
	} else if (o->fmt != OUT_TEXT) {
		t = out_table_new(f, o->fmt, 5, heads);
	} else {
		out_textf(f, "escapes %s -> %s\n", o->base, o->cur);
	}
	for (pass = 0; pass < 2; pass++) {
		const struct classify_escset *set = pass ? &d->base : &d->cur;
		const char *change = pass ? "removed" : "added";

		for (i = 0; i < set->n; i++) {
			const struct classify_escape *x = &set->v[i];

			if (x->matched)
				continue;
			if (obj) {
				json_t *j = json_object();

				json_object_set_new(j, "file", out_json_string(set->file[i], strlen(set->file[i])));
				json_object_set_new(j, "line", json_integer(x->line));
				json_object_set_new(j, "kind", json_string(x->kind));
				json_object_set_new(j, "message", out_json_string(set->msg[i], strlen(set->msg[i])));
				json_array_append_new(lists[pass], j);
			} else if (t) {
				struct out_cell cell[5] = {
					{.type = OUT_STR, .s = change, .len = strlen(change)},
					{.type = OUT_STR, .s = set->file[i], .len = strlen(set->file[i])},
					{.type = OUT_INT, .i = x->line},
					{.type = OUT_STR, .s = x->kind, .len = strlen(x->kind)},
					{.type = OUT_STR, .s = set->msg[i], .len = strlen(set->msg[i])},
				};

				out_table_row(t, cell);
			} else {
				out_textf(f, "%s %s:%u: %s\n", pass ? "-" : "+", set->file[i], x->line, set->msg[i]);
			}
		}
	}
	if (t)
		return out_table_end(t);
	if (!obj) {
		fprintf(f, "%zu added, %zu removed (%zu and %zu escapes)\n", d->added, d->removed, d->base.n,
			d->cur.n);
		return 0;
	}
	json_object_set_new(obj, "kind", json_string("builds"));
	json_object_set_new(obj, "base", out_json_string(o->base, strlen(o->base)));
	json_object_set_new(obj, "new", out_json_string(o->cur, strlen(o->cur)));
	json_object_set_new(obj, "added", lists[0]);
	json_object_set_new(obj, "removed", lists[1]);
	return out_json_dump(f, obj);
}
