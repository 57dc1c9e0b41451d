/* query_int.h — the row helpers every question of store/ (query_*.c) reads with: a heap
 * type's validity, LIMIT's value, copies of a row's text taken before the next step, the
 * out-of-memory message, and one loop that reads every row of a statement into an array
 * of row structs. */
#ifndef ESC_QUERY_INT_H
#define ESC_QUERY_INT_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

/* Whether ix is an index into store_heap_types. */
static inline int query_valid_ix(int ix)
{
	return ix >= 0 && ix < STORE_NHEAP;
}

/* LIMIT's value for at most limit rows, 0 meaning all: SQLite reads a negative one as none. */
static inline int64_t query_limit(size_t limit)
{
	return limit && (uint64_t)limit <= (uint64_t)INT64_MAX ? (int64_t)limit : -1;
}

/* A copy of text column i, NULL for NULL; the caller frees it. *oom is set (never
 * cleared) when the copy failed, so that a row's columns can be taken in a row and
 * checked once. */
char *query_text(sqlite3_stmt *st, int i, int *oom);

/* The same for a column that has a value in every row: NULL reads as "". */
char *query_text_req(sqlite3_stmt *st, int i, int *oom);

/* ESC_ENOMEM with "'<store path>': out of memory". */
enum esc_status query_oom(struct store *s, struct err *e);

/* Reads the current row into row (zeroed); -1 when memory ran out. The loop then drops
 * the row, so take need not undo what it copied. */
typedef int (*query_take_fn)(sqlite3_stmt *st, void *row);
/* Frees what one row struct owns (not the struct). */
typedef void (*query_drop_fn)(void *row);

/* Steps st to its end, one row struct of size bytes per row read with take, and
 * finalizes it. On success *(T **)out is the array (the caller frees it, with the
 * question's *_free) and *n its length; on failure they are NULL and 0, every row taken
 * has been dropped, and e says "<what>" (a SQLite failure) or out of memory. */
enum esc_status query_rows(struct store *s, sqlite3_stmt *st, size_t size, query_take_fn take,
			   query_drop_fn drop, void *out, size_t *n, const char *what,
			   struct err *e);

/* Drops each of the n row structs of size bytes at rows, then frees rows (NULL: nothing). */
void query_rows_free(void *rows, size_t n, size_t size, query_drop_fn drop);

#endif
