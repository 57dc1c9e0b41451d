/* trend.c — trend's writer: one table row per point (a profile or a day) and key, oldest
 * point first, with the value and its share of the point. */
#include <stdio.h>
#include <string.h>

#include "output/output.h"

static struct out_cell str_cell(const char *s)
{
	return (struct out_cell){.type = OUT_STR, .s = s, .len = strlen(s)};
}

int out_trend_write(FILE *f, const struct out_trend_opts *o, const struct classify_trend *t)
{
	const char *value = store_heap_is_bytes(o->type) ? "bytes" : "count";
	const char *per_profile[] = {"loaded_at", "profile", "name", classify_trend_by_name(o->by), value, "%"};
	const char *per_day[] = {"day", "profiles", classify_trend_by_name(o->by), value, "%"};
	int day = o->per == CLASSIFY_TREND_PER_DAY, ret = 0;
	struct out_cell cell[6];
	struct out_table *tb;
	size_t i, k;

	if (!(tb = out_table_new(f, o->fmt, day ? 5 : 6, day ? per_day : per_profile)))
		return -1;
	for (i = 0; i < t->n && !ret; i++) {
		const struct classify_trend_row *r = &t->rows[i];

		k = 0;
		cell[k++] = str_cell(r->point);
		if (day) {
			cell[k++] = (struct out_cell){.type = OUT_INT, .i = r->profiles};
		} else {
			cell[k++] = (struct out_cell){.type = OUT_INT, .i = r->profile_id};
			cell[k++] = str_cell(r->name ? r->name : "");
		}
		cell[k++] = str_cell(r->key);
		cell[k++] = (struct out_cell){.type = store_heap_is_bytes(o->type) ? OUT_BYTES : OUT_INT,
					      .i = r->value};
		cell[k++] = (struct out_cell){.type = OUT_PCT, .r = r->pct};
		ret = out_table_row(tb, cell) ? -1 : 0;
	}
	return out_table_end(tb) || ret ? -1 : 0;
}
