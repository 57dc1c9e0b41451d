/* top.c — top's writer: one table row per group, its value, percentage of the whole
 * profile and running sum, its objects, then the grouping's key columns. Numbers in the
 * table writers' one style: "1.50 MiB" and "12.5%" in text, exact bytes and percentages
 * rounded to two decimals in the other formats. */
#include <stdio.h>
#include <string.h>

#include "common/buf.h"
#include "common/num.h"
#include "output/output.h"

/* A group's key columns, by grouping. */
static const char *const key_heads[][5] = {
	[STORE_TOP_BY_SITE] = {"function", "file", "line", "cause", "via"},
	[STORE_TOP_BY_FUNCTION] = {"function", "causes"},
	[STORE_TOP_BY_PACKAGE] = {"package", "causes"},
	[STORE_TOP_BY_CAUSE] = {"cause", "sites"},
	[STORE_TOP_BY_SIZE] = {"object_size"},
};
static const size_t nkeys[] = {5, 2, 2, 2, 1};

int out_top_write(FILE *f, const struct out_top_opts *o, const struct store_top_row *rows, size_t n)
{
	const char *heads[9] = {store_heap_is_bytes(o->type) ? "bytes" : "count", "%", "sum%", "objects"};
	struct out_cell cell[9];
	struct out_table *t;
	struct buf causes, vias;
	double cum = 0;
	size_t i, nk = nkeys[o->by];
	int ret = 0;

	for (i = 0; i < nk; i++)
		heads[4 + i] = key_heads[o->by][i];
	if (!(t = out_table_new(f, o->fmt, 4 + nk, heads)))
		return -1;
	buf_init(&causes);
	buf_init(&vias);
	for (i = 0; i < n && !ret; i++) {
		const struct store_top_row *r = &rows[i];
		const char *text[5] = {0};
		size_t k;

		if (classify_top_causes(&causes, &vias, r, o->by)) {
			ret = -1;
			break;
		}
		switch (o->by) {
		case STORE_TOP_BY_SITE:
			text[0] = r->function, text[1] = r->file, text[3] = causes.data, text[4] = vias.data;
			cell[6] = (struct out_cell){.type = OUT_INT, .i = r->line};
			break;
		case STORE_TOP_BY_FUNCTION: text[0] = r->function, text[1] = causes.data; break;
		case STORE_TOP_BY_PACKAGE: text[0] = r->package, text[1] = causes.data; break;
		case STORE_TOP_BY_CAUSE:
			text[0] = r->cause;
			cell[5] = (struct out_cell){.type = OUT_INT, .i = r->sites};
			break;
		case STORE_TOP_BY_SIZE: cell[4] = (struct out_cell){.type = OUT_INT, .i = r->object_size}; break;
		}
		for (k = 0; k < nk; k++)
			if (text[k])
				cell[4 + k] = (struct out_cell){.type = OUT_STR, .s = text[k], .len = strlen(text[k])};
		cum += num_pct(r->value, o->total);
		cell[0] = (struct out_cell){.type = store_heap_is_bytes(o->type) ? OUT_BYTES : OUT_INT,
					    .i = r->value};
		cell[1] = (struct out_cell){.type = OUT_PCT, .r = num_pct(r->value, o->total)};
		cell[2] = (struct out_cell){.type = OUT_PCT, .r = cum};
		cell[3] = (struct out_cell){.type = OUT_INT, .i = r->objects};
		ret = out_table_row(t, cell) ? -1 : 0;
	}
	buf_release(&causes);
	buf_release(&vias);
	return out_table_end(t) || ret ? -1 : 0;
}
