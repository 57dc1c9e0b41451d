/* diff.c — diff's writers: what grew, shrank, appeared and went between two profiles, and
 * the escapes two builds differ by. A profile diff's lists come in one order (grew,
 * shrank, new, gone), each biggest change first and cut at the limit: text in sections
 * with sizes for people, CSV and JSON one row per key with its fields apart (status,
 * function, file, line, cause) and exact integers; JSON as one object naming both sides. */
#include <math.h>
#include <string.h>

#include "output/output.h"

/* The lists in the order they are written; a row of another status is unchanged. */
static const enum classify_change order[] = {CLASSIFY_GREW, CLASSIFY_SHRANK, CLASSIFY_NEW, CLASSIFY_GONE};
#define NLISTS (sizeof(order) / sizeof(order[0]))

/* v for people: "+1.50 KiB" or "-312" (signed) or "1.50 KiB" */
static const char *human(char *buf, size_t n, double v, int bytes, int sign)
{
	int64_t i = (int64_t)llround(v);
	char num[48];

	out_size(num, sizeof(num), i < 0 ? -i : i, bytes);
	snprintf(buf, n, "%s%s", i < 0 ? "-" : sign ? "+" : "", num);
	return buf;
}

static const char *pct_text(char *buf, size_t n, const struct classify_diff_row *r)
{
	double p;

	char one[32];

	if (classify_diff_pct(r, &p)) {
		snprintf(buf, n, "new");
	} else {
		out_pct(one, sizeof(one), p);
		snprintf(buf, n, "%s%s", p >= 0 && one[0] != '-' ? "+" : "", one);
	}
	return buf;
}

/* Writes s as out_text does, padded with spaces to width bytes. */
static void padded(FILE *f, const char *s, size_t width)
{
	size_t l = strlen(s);

	out_text(f, s, l);
	fprintf(f, "%*s", (int)(width > l ? width - l : 0), "");
}

/* One list as an aligned text table: numbers to the right, names to the left, as
 * out_text shows them. */
static void text_list(FILE *f, const struct out_diff_opts *o, const struct classify_profile_diff *d,
		      enum classify_change want, size_t limit)
{
	static const char *const heads[4] = {"base", "new", "delta", "change"};
	char cells[4][64];
	size_t w[6], i, k, shown, pass;
	int site = !strcmp(o->by, "site");

	for (k = 0; k < 4; k++)
		w[k] = strlen(heads[k]);
	w[4] = strlen("function");
	w[5] = strlen("file:line");
	/* the first pass measures, the second writes */
	for (pass = 0; pass < 2; pass++) {
		if (pass) {
			out_textf(f, "\n%s (%zu):\n", classify_change_name(want), d->count[want]);
			fprintf(f, " ");
			for (k = 0; k < 4; k++)
				fprintf(f, " %*s ", (int)w[k], heads[k]);
			fprintf(f, " ");
			if (site) {
				padded(f, "function", w[4] + 2);
				padded(f, "file:line", w[5] + 2);
				fprintf(f, "cause\n");
			} else {
				out_textf(f, "%s\n", o->by);
			}
		}
		for (i = shown = 0; i < d->n && shown < limit; i++) {
			const struct classify_diff_row *r = &d->rows[i];
			const char *fn = r->function ? r->function : "", *file = r->file ? r->file : "";
			char at[32];

			if (r->change != want)
				continue;
			shown++;
			human(cells[0], sizeof(cells[0]), r->base_scaled, o->bytes, 0);
			human(cells[1], sizeof(cells[1]), (double)r->cur, o->bytes, 0);
			human(cells[2], sizeof(cells[2]), r->delta, o->bytes, 1);
			pct_text(cells[3], sizeof(cells[3]), r);
			snprintf(at, sizeof(at), ":%lld", (long long)r->line);
			if (!pass) {
				for (k = 0; k < 4; k++)
					if (strlen(cells[k]) > w[k])
						w[k] = strlen(cells[k]);
				if (site && strlen(fn) > w[4])
					w[4] = strlen(fn);
				if (site && strlen(file) + strlen(at) > w[5])
					w[5] = strlen(file) + strlen(at);
				continue;
			}
			fprintf(f, " ");
			for (k = 0; k < 4; k++)
				fprintf(f, " %*s ", (int)w[k], cells[k]);
			fprintf(f, " ");
			if (site) {
				padded(f, fn, w[4] + 2);
				out_text(f, file, strlen(file));
				fprintf(f, "%s%*s", at, (int)(w[5] + 2 - strlen(file) - strlen(at)), "");
				out_textf(f, "%s\n", r->cause ? r->cause : "");
			} else {
				out_textf(f, "%s\n", r->function ? r->function : r->cause ? r->cause : r->key);
			}
		}
	}
	if (d->count[want] > shown)
		fprintf(f, "  ... %zu more (-n 0 shows all)\n", d->count[want] - shown);
}

static json_t *str_or_null(const char *s)
{
	return s ? out_json_string(s, strlen(s)) : json_null();
}

static json_t *json_row(const struct classify_diff_row *r)
{
	json_t *j = json_object();
	double p;

	json_object_set_new(j, "status", json_string(classify_change_name(r->change)));
	json_object_set_new(j, "function", str_or_null(r->function));
	json_object_set_new(j, "file", str_or_null(r->file));
	json_object_set_new(j, "line", r->file ? json_integer(r->line) : json_null());
	json_object_set_new(j, "cause", str_or_null(r->cause));
	json_object_set_new(j, "base", json_integer(r->base));
	json_object_set_new(j, "new", json_integer(r->cur));
	json_object_set_new(j, "delta", json_integer((json_int_t)llround(r->delta)));
	json_object_set_new(j, "percent", classify_diff_pct(r, &p) ? json_null() : out_json_pct(p));
	return j;
}

static void csv_row(struct out_table *t, const struct classify_diff_row *r)
{
	const char *status = classify_change_name(r->change);
	double p;
	struct out_cell cell[9] = {
		{.type = OUT_STR, .s = status, .len = strlen(status)},
		{.type = OUT_NULL}, {.type = OUT_NULL}, {.type = OUT_NULL}, {.type = OUT_NULL},
		{.type = OUT_INT, .i = r->base},
		{.type = OUT_INT, .i = r->cur},
		{.type = OUT_INT, .i = (int64_t)llround(r->delta)},
		{.type = OUT_NULL},
	};

	if (r->function)
		cell[1] = (struct out_cell){.type = OUT_STR, .s = r->function, .len = strlen(r->function)};
	if (r->file) {
		cell[2] = (struct out_cell){.type = OUT_STR, .s = r->file, .len = strlen(r->file)};
		cell[3] = (struct out_cell){.type = OUT_INT, .i = r->line};
	}
	if (r->cause)
		cell[4] = (struct out_cell){.type = OUT_STR, .s = r->cause, .len = strlen(r->cause)};
	/* two decimals, without the binary fraction's noise */
	if (!classify_diff_pct(r, &p))
		cell[8] = (struct out_cell){.type = OUT_PCT, .r = p};
	out_table_row(t, cell);
}

/* the totals as one more row: the sums of both sides over every key */
static struct classify_diff_row totals_of(const struct classify_profile_diff *d)
{
	struct classify_diff_row t = {0};

	t.base = d->base_total;
	t.cur = d->cur_total;
	t.base_scaled = (double)d->base_total * d->scale;
	t.delta = (double)d->cur_total - t.base_scaled;
	return t;
}

int out_diff_profiles(FILE *f, const struct out_diff_opts *o, const struct classify_profile_diff *d,
		      size_t limit)
{
	static const char *const heads[9] = {"status", "function", "file", "line", "cause",
					     "base", "new", "delta", "percent"};
	const struct classify_diff_row tot = totals_of(d);
	struct out_table *t = NULL;
	json_t *arr = NULL, *j;
	size_t l, i, shown;
	char b1[64], b2[64], b3[64], b4[64];

	if (o->fmt == OUT_TEXT) {
		out_textf(f, "%s -> %s, %s by %s", o->base, o->cur, o->column, o->by);
		if (d->scale != 1.0)
			fprintf(f, "; BASE scaled by %.4g to NEW's duration", d->scale);
		fprintf(f, "\ntotal: %s -> %s, %s", human(b1, sizeof(b1), tot.base_scaled, o->bytes, 0),
			human(b2, sizeof(b2), (double)tot.cur, o->bytes, 0), human(b3, sizeof(b3), tot.delta, o->bytes, 1));
		if (tot.base)
			fprintf(f, " (%s)", pct_text(b4, sizeof(b4), &tot));
		fprintf(f, "\n");
		fprintf(f, "%zu grew, %zu shrank, %zu new, %zu gone, %zu unchanged\n", d->count[CLASSIFY_GREW],
			d->count[CLASSIFY_SHRANK], d->count[CLASSIFY_NEW], d->count[CLASSIFY_GONE],
			d->count[CLASSIFY_SAME]);
		for (l = 0; l < NLISTS; l++)
			if (d->count[order[l]])
				text_list(f, o, d, order[l], limit);
		return ferror(f) ? -1 : 0;
	}
	if (o->fmt == OUT_JSON)
		arr = json_array();
	else if (!(t = out_table_new(f, o->fmt, 9, heads)))
		return -1;
	for (l = 0; l < NLISTS; l++)
		for (i = shown = 0; i < d->n && shown < limit; i++) {
			if (d->rows[i].change != order[l])
				continue;
			shown++;
			if (arr)
				json_array_append_new(arr, json_row(&d->rows[i]));
			else
				csv_row(t, &d->rows[i]);
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
	{
		json_t *x = json_object(), *c = json_object();
		double p;

		json_object_set_new(x, "base", json_integer(tot.base));
		json_object_set_new(x, "new", json_integer(tot.cur));
		json_object_set_new(x, "delta", json_integer((json_int_t)llround(tot.delta)));
		json_object_set_new(x, "percent", classify_diff_pct(&tot, &p) ? json_null() : out_json_pct(p));
		json_object_set_new(j, "totals", x);
		for (l = 0; l < NLISTS; l++)
			json_object_set_new(c, classify_change_name(order[l]),
					    json_integer((json_int_t)d->count[order[l]]));
		json_object_set_new(c, "same", json_integer((json_int_t)d->count[CLASSIFY_SAME]));
		json_object_set_new(j, "counts", c);
	}
	json_object_set_new(j, "changes", arr);
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
