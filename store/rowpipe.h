/* rowpipe.h — a load's sample rows inserted by a second thread while the first goes on
 * decoding and finding stacks. Both threads share the one SQLite connection (opened
 * without SQLite's own mutex), so each holds the pipe's lock around every call it makes
 * on it: the writer one row at a time, the loader around the few statements it runs
 * while samples stream (a new location, a stored stack looked up, a label). */
#ifndef ESC_ROWPIPE_H
#define ESC_ROWPIPE_H

#include <pthread.h>
#include <stdint.h>

#include "common/err.h"

#define ROWPIPE_VALUES 4	/* STORE_INLINE_VALUES: the values a sample row holds */

struct sample_row {
	int64_t sid, stack, size;	/* size: the object size, when has_size */
	int64_t v[ROWPIPE_VALUES];
	uint32_t nv;			/* values given; the rest are NULL */
	int has_size;
};

/* Inserts one row; called on the writer thread with the lock held. 0, or -1 with e set. */
typedef int (*rowpipe_put_fn)(void *ctx, const struct sample_row *r, struct err *e);

struct rowpipe;

/* Starts the writer; NULL when it cannot (no memory, no thread): insert in place then. */
struct rowpipe *rowpipe_start(rowpipe_put_fn put, void *ctx);
/* The lock of the connection, to hold around any other call on it while the pipe runs. */
void rowpipe_lock(struct rowpipe *p);
void rowpipe_unlock(struct rowpipe *p);
/* Queues a copy of r: 0, or -1 once the writer has failed (its error comes at the end). */
int rowpipe_add(struct rowpipe *p, const struct sample_row *r);
/* Waits for every queued row (all of them when flush, else the writer stops at once),
 * ends the thread and frees the pipe: 0, or -1 with e set to the writer's failure. */
int rowpipe_finish(struct rowpipe *p, int flush, struct err *e);

#endif
