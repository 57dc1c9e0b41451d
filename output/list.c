/* list.c — list's writer, like pprof's list: per file, the source lines around those that
 * allocate, each beside its value, objects and causes. Source text is shown as out_text
 * shows it, but for its tabs (the indentation); a line not found is shown without it. */
#include <inttypes.h>
#include <string.h>

#include "common/buf.h"
#include "output/output.h"

/* "cause" or "cause1,cause2": a line's causes as one field */
static void join_causes(struct buf *b, const struct store_line_sum *r)
{
	size_t i;

	buf_reset(b);
	for (i = 0; i < r->ncauses; i++) {
		if (i)
			buf_addc(b, ',');
		buf_adds(b, r->causes[i] ? r->causes[i] : "");
	}
}

int out_list_write(FILE *f, const struct out_list_opts *o, struct classify_sources *src,
		   const struct store_line_sum *v, size_t n)
{
	json_t *out = o->fmt == OUT_JSON ? json_array() : NULL;
	struct buf causes;
	size_t i, j;

	buf_init(&causes);
	for (i = 0; i < n; i = j) {
		int64_t first = v[i].line, last, from, to, ln, total_lines;
		const char *path = v[i].file;
		char b1[32];

		for (j = i; j < n && !strcmp(v[j].file, path); j++)
			;
		last = v[j - 1].line;
		if (o->at)
			first = last = o->at;
		from = first > 3 ? first - 3 : 1;
		to = last + 3;
		total_lines = classify_source_lines(src, path);
		if (total_lines && to > total_lines)
			to = total_lines;
		if (!out) {
			size_t k, q;

			fprintf(f, "ROUTINE ======================== ");
			for (k = i; k < j; k++) {
				for (q = i; q < k && strcmp(v[q].function, v[k].function); q++)
					;
				if (q == k)
					out_textf(f, "%s%s", k > i ? ", " : "", v[k].function);
			}
			out_textf(f, " in %s\n", classify_source_path(src, path) ?
				  classify_source_path(src, path) : path);
			if (!total_lines)
				fprintf(f, "(source not found: give -source_path and -trim_path)\n");
		}
		for (ln = from; ln <= to; ln++) {
			const char *text = NULL;
			size_t len = 0, k;
			const struct store_line_sum *hit = NULL;

			for (k = i; k < j; k++)
				if (v[k].line == ln)
					hit = &v[k];
			if (classify_source_line(src, path, ln, &text, &len) && !hit)
				continue;
			if (hit)
				join_causes(&causes, hit);
			if (out) {
				json_t *row = json_object();

				json_object_set_new(row, "file", out_json_string(path, strlen(path)));
				json_object_set_new(row, "line", json_integer(ln));
				json_object_set_new(row, "value", json_integer(hit ? hit->value : 0));
				json_object_set_new(row, "objects", json_integer(hit ? hit->objects : 0));
				json_object_set_new(row, "cause", hit ? out_json_string(causes.data, causes.len) :
						      json_null());
				json_object_set_new(row, "source", text ? out_json_string(text, len) : json_null());
				json_array_append_new(out, row);
				continue;
			}
			if (hit)
				out_textf(f, "%10s %8" PRId64 "  %-22s %5" PRId64 ": ",
					  out_size(b1, sizeof(b1), hit->value, store_heap_is_bytes(o->type)), hit->objects,
					  causes.data, ln);
			else
				fprintf(f, "%10s %8s  %-22s %5" PRId64 ": ", ".", ".", "", ln);
			/* the source as out_text shows it, but for its indentation */
			for (k = 0; text && k < len; k++) {
				const char *tab = memchr(text + k, '\t', len - k);
				size_t m = tab ? (size_t)(tab - (text + k)) : len - k;

				out_text(f, text + k, m);
				k += m;
				if (tab)
					fputc('\t', f);
			}
			fputc('\n', f);
		}
	}
	buf_release(&causes);
	return out ? out_json_dump(f, out) : 0;
}

