/* escset.c — a build's escapes as a set to compare builds by (check's new-escapes rule,
 * diff): the three arrays grow together, index i of each is the same diagnostic, and
 * every string is the set's own copy. */
#include <stdlib.h>
#include <string.h>

#include "classify.h"

enum esc_status classify_escset_load(struct store *s, int64_t build_id, struct classify_escset *set,
				     struct err *e)
{
	struct store_escape_row *rows;
	size_t n, i;
	enum esc_status st;

	memset(set, 0, sizeof(*set));
	if ((st = store_escapes_of_build(s, build_id, &rows, &n, e)))
		return st;
	if (n && (!(set->v = calloc(n, sizeof(*set->v))) || !(set->msg = calloc(n, sizeof(*set->msg))) ||
		  !(set->file = calloc(n, sizeof(*set->file))))) {
		st = err_set(e, ESC_ENOMEM, "out of memory");
		goto out;
	}
	set->cap = n;
	for (i = 0; i < n; i++) {
		struct classify_escape *x = &set->v[i];
		char norm[4096];

		classify_norm_path(rows[i].file ? rows[i].file : "", norm, sizeof(norm));
		/* the row's strings change hands; the normalised file and a missing subject are new */
		set->file[i] = rows[i].file;
		set->msg[i] = rows[i].message;
		x->kind = rows[i].kind;
		x->subject = rows[i].subject ? rows[i].subject : strdup("");
		x->file = strdup(norm);
		x->line = (unsigned)rows[i].line;
		rows[i] = (struct store_escape_row){0};
		set->n++;
		if (!x->file || !x->subject) {
			st = err_set(e, ESC_ENOMEM, "out of memory");
			goto out;
		}
	}
out:
	store_escape_rows_free(rows, n);
	if (st)
		classify_escset_release(set);
	return st;
}

void classify_escset_release(struct classify_escset *set)
{
	size_t i;

	for (i = 0; i < set->n; i++) {
		free((char *)set->v[i].file);
		free((char *)set->v[i].kind);
		free((char *)set->v[i].subject);
		free(set->msg[i]);
		free(set->file[i]);
	}
	free(set->v);
	free(set->msg);
	free(set->file);
	memset(set, 0, sizeof(*set));
}
