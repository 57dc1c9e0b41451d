/* list.c — the lines list annotates: an analysis's allocating lines kept by function
 * (a regular expression) or by file (whole trailing components), ordered by file and
 * line so that each file's lines are one block. */
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "common/paths.h"

static int cmp_line(const void *a, const void *b)
{
	const struct store_line_sum *x = a, *y = b;
	int c = strcmp(x->file, y->file);

	return c ? c : x->line < y->line ? -1 : x->line > y->line;
}

enum esc_status classify_list_lines(struct store *s, int64_t analysis_id, int type,
				    const regex_t *re, const char *file,
				    struct store_line_sum **rows, size_t *n, struct err *e)
{
	struct store_line_sum *v;
	size_t nv, i, k = 0;
	enum esc_status st;

	*rows = NULL;
	*n = 0;
	if ((st = store_line_sums(s, analysis_id, type, &v, &nv, e)))
		return st;
	/* the kept rows change hands to a new array; the rest go with the old */
	if (nv && !(*rows = calloc(nv, sizeof(**rows)))) {
		store_line_sums_free(v, nv);
		return err_set(e, ESC_ENOMEM, "out of memory");
	}
	for (i = 0; i < nv; i++) {
		int keep = re ? regexec(re, v[i].function, 0, NULL, 0) == 0 :
				!file || path_has_suffix(v[i].file, file);

		if (keep) {
			(*rows)[k++] = v[i];
			memset(&v[i], 0, sizeof(v[i]));
		}
	}
	store_line_sums_free(v, nv);
	*n = k;
	if (k)	/* not for an empty array: qsort may not take NULL */
		qsort(*rows, k, sizeof(**rows), cmp_line);
	return ESC_OK;
}
