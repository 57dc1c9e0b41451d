/* top.c — which groups top shows: those that reach --min percent of the whole profile
 * and match -focus, at most -n of them, biggest first as the store gives them. -focus
 * is matched against the group's key columns as they are written, a line's causes and
 * what they were allocated through joined into one field each (classify_top_causes). */
#include <string.h>

#include "classify/classify.h"
#include "common/buf.h"
#include "common/num.h"

int classify_top_causes(struct buf *causes, struct buf *vias, const struct store_top_row *r,
			enum store_top_by by)
{
	size_t i, k;
	int bad = 0;

	buf_reset(causes);
	buf_reset(vias);
	for (i = 0; i < r->ncauses; i++) {
		const struct store_top_cause *c = &r->causes[i];

		bad |= buf_adds(causes, i ? by == STORE_TOP_BY_SITE ? ", " : "," : "");
		bad |= buf_adds(causes, c->cause);
		if (!c->nvias)
			continue;
		bad |= buf_adds(vias, vias->len ? ", " : "");
		for (k = 0; k < c->nvias; k++) {
			const char *p;

			/* every comma, a name's own included, is followed by a space */
			for (p = c->vias[k]; *p; p++)
				bad |= *p == ',' ? buf_adds(vias, ", ") : buf_addc(vias, *p);
			if (k + 1 < c->nvias)
				bad |= buf_adds(vias, ", ");
		}
	}
	return bad ? -1 : 0;
}

/* Whether focus matches one of the grouping's key columns of r. */
static int focused(const regex_t *focus, const struct store_top_row *r, enum store_top_by by,
		   const struct buf *causes, const struct buf *vias)
{
	const char *text[4] = {0};
	size_t k;

	switch (by) {
	case STORE_TOP_BY_SITE:
		text[0] = r->function, text[1] = r->file, text[2] = causes->data, text[3] = vias->data;
		break;
	case STORE_TOP_BY_FUNCTION: text[0] = r->function, text[1] = causes->data; break;
	case STORE_TOP_BY_PACKAGE: text[0] = r->package, text[1] = causes->data; break;
	case STORE_TOP_BY_CAUSE: text[0] = r->cause; break;
	case STORE_TOP_BY_SIZE: break;
	}
	for (k = 0; k < 4; k++)
		if (text[k] && !regexec(focus, text[k], 0, NULL, 0))
			return 1;
	return 0;
}

enum esc_status classify_top_select(struct store_top_row *rows, size_t n, enum store_top_by by,
				    int64_t total, const regex_t *focus, double min_pct, size_t limit,
				    size_t *shown, struct err *e)
{
	struct buf causes, vias;
	enum esc_status st = ESC_OK;
	size_t i, k = 0;

	buf_init(&causes);
	buf_init(&vias);
	for (i = 0; i < n && k < limit; i++) {
		struct store_top_row keep;

		if (num_pct(rows[i].value, total) < min_pct)
			continue;
		if (focus) {
			if (classify_top_causes(&causes, &vias, &rows[i], by)) {
				st = err_set(e, ESC_ENOMEM, "out of memory");
				break;
			}
			if (!focused(focus, &rows[i], by, &causes, &vias))
				continue;
		}
		/* a swap keeps the kept rows in order and every row in the array */
		keep = rows[i];
		rows[i] = rows[k];
		rows[k++] = keep;
	}
	buf_release(&causes);
	buf_release(&vias);
	*shown = st ? 0 : k;
	return st;
}
