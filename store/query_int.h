/* query_int.h — what the query files of store/ (query_*.c) share: copying a row's text
 * out of a statement before the next step, and the out-of-memory message. */
#ifndef ESC_QUERY_INT_H
#define ESC_QUERY_INT_H

#include <stdlib.h>
#include <string.h>

#include "store_int.h"

/* A copy of text column i (NULL for NULL); *oom is set when the copy failed. */
static inline char *query_col_dup(sqlite3_stmt *st, int i, int *oom)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	char *d;

	if (!t)
		return NULL;
	if (!(d = strdup((const char *)t)))
		*oom = 1;
	return d;
}

static inline enum esc_status query_oom(struct store *s, struct err *e)
{
	return err_set(e, ESC_ENOMEM, "'%s': out of memory", s->path);
}

#endif
