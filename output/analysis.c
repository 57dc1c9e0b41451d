/* analysis.c — analyze's writer (analysis.h). The text is for people: sizes as out_size
 * writes them, percentages as out_pct does, of the whole profile except a part's, which
 * is of its line; the JSON's percentages are out_json_pct's (two decimals at most).
 * The JSON is a contract: field names, types and order do not change. */
#include <inttypes.h>
#include <string.h>

#include "common/num.h"
#include "output/output.h"

static void print_part(FILE *f, const struct classify_line *l, const struct classify_part *p,
		       int bytes)
{
	char b1[32], b2[32], p1[16];

	if (l->nparts == 1)
		out_textf(f, "      %s (confidence %.2f), %s %s\n", p->cause, p->confidence,
			  out_size(b2, sizeof(b2), p->objects, 0), out_plural(p->objects, "object", "objects"));
	else
		out_textf(f, "      %s %s (%s), confidence %.2f, %s %s\n", p->cause,
			  out_size(b1, sizeof(b1), p->value, bytes),
			  out_pct(p1, sizeof(p1), num_pct(p->value, l->value)), p->confidence,
			  out_size(b2, sizeof(b2), p->objects, 0), out_plural(p->objects, "object", "objects"));
	if (p->vias)
		out_textf(f, "      allocated in %s\n", p->vias);
	if (p->message)
		out_textf(f, "      compiler: %s\n", p->message);
	else if (p->evidence)
		out_textf(f, "      why: %s\n", p->evidence);
	if (p->hint)
		out_textf(f, "      fix: %s\n", p->hint);
}

int out_analysis_text(FILE *f, const char *profile, const struct classify_summary *sum)
{
	static const char *const heads[] = {"cause", "value", "%", "objects", "sites"};
	const char *col = store_heap_types[sum->ix];
	const struct store_totals *t = &sum->totals;
	int bytes = store_heap_is_bytes(sum->ix);
	struct out_table *tab;
	char b1[32], b2[32], p[16];
	size_t i, k;

	out_textf(f, "%s: %s, total %s in %s %s\n", profile, col,
		  out_size(b1, sizeof(b1), t->total, bytes), out_size(b2, sizeof(b2), t->objects, 0),
		  out_plural(t->objects, "object", "objects"));
	out_textf(f, "coverage: %s attributed to a cause, %s joined to a compiler diagnostic\n\n",
		  out_pct(b1, sizeof(b1), num_pct(t->attributed, t->total)),
		  out_pct(b2, sizeof(b2), num_pct(t->joined, t->total)));
	if (!(tab = out_table_new(f, OUT_TEXT, 5, heads)))
		return -1;
	for (i = 0; i < sum->ncauses; i++) {
		const struct store_cause_total *c = &sum->causes[i];
		/* the numbers as top shows them, right-aligned */
		struct out_cell cells[5] = {
			{.type = OUT_STR, .s = c->cause, .len = strlen(c->cause)},
			{.type = bytes ? OUT_BYTES : OUT_INT, .i = c->value},
			{.type = OUT_PCT, .r = num_pct(c->value, t->total)},
			{.type = OUT_INT, .i = c->objects},
			{.type = OUT_INT, .i = c->sites},
		};

		out_table_row(tab, cells);
	}
	out_table_end(tab);
	out_textf(f, "\ntop sites by %s:\n", col);
	for (i = 0; i < sum->nlines; i++) {
		const struct classify_line *l = &sum->lines[i];

		out_textf(f, "%3d. %10s %6s  %s  %s:%" PRId64 "\n", (int)i + 1,
			  out_size(b1, sizeof(b1), l->value, bytes),
			  out_pct(p, sizeof(p), num_pct(l->value, t->total)), l->function, l->file, l->line);
		for (k = 0; k < l->nparts; k++)
			print_part(f, l, &l->parts[k], bytes);
	}
	return 0;
}

static json_t *opt_str(const char *s)
{
	return s ? out_json_string(s, strlen(s)) : json_null();
}

static json_t *json_line(const struct classify_line *l, int64_t total)
{
	json_t *o = json_object(), *parts = json_array();
	const struct classify_part *top = &l->parts[0];
	size_t i;

	json_object_set_new(o, "function", opt_str(l->function));
	json_object_set_new(o, "file", opt_str(l->file));
	json_object_set_new(o, "line", json_integer(l->line));
	json_object_set_new(o, "value", json_integer(l->value));
	json_object_set_new(o, "percent", out_json_pct(num_pct(l->value, total)));
	json_object_set_new(o, "cause", opt_str(top->cause));
	json_object_set_new(o, "confidence", json_real(top->confidence));
	json_object_set_new(o, "attributed_via", opt_str(top->vias));
	json_object_set_new(o, "diagnostic", opt_str(top->message));
	json_object_set_new(o, "hint", opt_str(top->hint));
	for (i = 0; i < l->nparts; i++) {
		const struct classify_part *p = &l->parts[i];
		json_t *x = json_object();

		json_object_set_new(x, "cause", opt_str(p->cause));
		json_object_set_new(x, "value", json_integer(p->value));
		json_object_set_new(x, "percent", out_json_pct(num_pct(p->value, total)));
		json_object_set_new(x, "objects", json_integer(p->objects));
		json_object_set_new(x, "confidence", json_real(p->confidence));
		json_object_set_new(x, "attributed_via", opt_str(p->vias));
		json_object_set_new(x, "diagnostic", opt_str(p->message));
		json_object_set_new(x, "evidence", opt_str(p->evidence));
		json_object_set_new(x, "hint", opt_str(p->hint));
		json_array_append_new(parts, x);
	}
	json_object_set_new(o, "parts", parts);
	return o;
}

int out_analysis_json(FILE *f, const char *profile, const struct classify_summary *sum)
{
	const struct store_totals *t = &sum->totals;
	json_t *o = json_object(), *cov = json_object(), *builds = json_array(),
	       *causes = json_array(), *lines = json_array();
	size_t i;

	for (i = 0; i < sum->nfits; i++) {
		const struct store_build_fit *fit = &sum->fits[i].fit;
		json_t *x = json_object();

		json_object_set_new(x, "build_id", json_integer(fit->build_id));
		json_object_set_new(x, "name", opt_str(sum->fits[i].name));
		json_object_set_new(x, "match", out_json_pct(num_pct(fit->matched, fit->lines)));
		json_object_set_new(x, "lines", json_integer(fit->lines));
		json_object_set_new(x, "matched", json_integer(fit->matched));
		json_object_set_new(x, "used", json_boolean(fit->used));
		json_array_append_new(builds, x);
	}
	for (i = 0; i < sum->ncauses; i++) {
		const struct store_cause_total *c = &sum->causes[i];
		json_t *x = json_object();

		json_object_set_new(x, "cause", opt_str(c->cause));
		json_object_set_new(x, "value", json_integer(c->value));
		json_object_set_new(x, "percent", out_json_pct(num_pct(c->value, t->total)));
		json_object_set_new(x, "sites", json_integer(c->sites));
		json_object_set_new(x, "objects", json_integer(c->objects));
		json_array_append_new(causes, x);
	}
	for (i = 0; i < sum->nlines; i++)
		json_array_append_new(lines, json_line(&sum->lines[i], t->total));
	json_object_set_new(o, "builds", builds);
	json_object_set_new(o, "profile", opt_str(profile));
	json_object_set_new(o, "sample_index", json_string(store_heap_types[sum->ix]));
	json_object_set_new(o, "total", json_integer(t->total));
	json_object_set_new(cov, "attributed_pct", out_json_pct(num_pct(t->attributed, t->total)));
	json_object_set_new(cov, "joined_pct", out_json_pct(num_pct(t->joined, t->total)));
	json_object_set_new(o, "coverage", cov);
	json_object_set_new(o, "causes", causes);
	json_object_set_new(o, "sites", lines);
	return out_json_dump(f, o);
}
