/* rowpipe.c — a bounded queue of sample-row blocks and the thread that inserts them. The
 * loader fills one block while the writer inserts the ones before it; at most
 * ROWPIPE_BLOCKS are in flight, so memory is fixed whatever the profile's size. */
#include <stdlib.h>
#include <string.h>

#include "rowpipe.h"

enum { ROWPIPE_ROWS = 1024, ROWPIPE_BLOCKS = 8 };

struct rowpipe {
	rowpipe_put_fn put;
	void *ctx;
	pthread_t th;
	pthread_mutex_t db;		/* the connection */
	pthread_mutex_t q;		/* the fields below */
	pthread_cond_t more, room;
	size_t produced, consumed;	/* blocks published and inserted, ever */
	size_t nrows[ROWPIPE_BLOCKS];
	int closing, stop, failed;
	size_t fill;			/* rows in the block being filled (the loader's alone) */
	struct err err;			/* the writer's failure */
	struct sample_row rows[ROWPIPE_BLOCKS][ROWPIPE_ROWS];
};

static void *writer(void *arg)
{
	struct rowpipe *p = arg;

	pthread_mutex_lock(&p->q);
	for (;;) {
		size_t b, i, n;

		while (p->consumed == p->produced && !p->closing)
			pthread_cond_wait(&p->more, &p->q);
		if (p->consumed == p->produced || p->stop)
			break;
		b = p->consumed % ROWPIPE_BLOCKS;
		n = p->nrows[b];
		pthread_mutex_unlock(&p->q);
		for (i = 0; i < n && !p->failed; i++) {
			int rc;

			pthread_mutex_lock(&p->db);
			rc = p->put(p->ctx, &p->rows[b][i], &p->err);
			pthread_mutex_unlock(&p->db);
			if (rc) {
				pthread_mutex_lock(&p->q);
				p->failed = 1;	/* the loader reads it under q */
				pthread_mutex_unlock(&p->q);
			}
		}
		pthread_mutex_lock(&p->q);
		p->consumed++;
		pthread_cond_signal(&p->room);
	}
	pthread_mutex_unlock(&p->q);
	return NULL;
}

struct rowpipe *rowpipe_start(rowpipe_put_fn put, void *ctx)
{
	struct rowpipe *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->put = put;
	p->ctx = ctx;
	if (pthread_mutex_init(&p->db, NULL)) {
		free(p);
		return NULL;
	}
	if (pthread_mutex_init(&p->q, NULL))
		goto no_q;
	if (pthread_cond_init(&p->more, NULL))
		goto no_more;
	if (pthread_cond_init(&p->room, NULL))
		goto no_room;
	if (pthread_create(&p->th, NULL, writer, p))
		goto no_thread;
	return p;
no_thread:
	pthread_cond_destroy(&p->room);
no_room:
	pthread_cond_destroy(&p->more);
no_more:
	pthread_mutex_destroy(&p->q);
no_q:
	pthread_mutex_destroy(&p->db);
	free(p);
	return NULL;
}

void rowpipe_lock(struct rowpipe *p)
{
	pthread_mutex_lock(&p->db);
}

void rowpipe_unlock(struct rowpipe *p)
{
	pthread_mutex_unlock(&p->db);
}

/* Hands the block being filled to the writer, waiting for room for the next. */
static int publish(struct rowpipe *p)
{
	int failed;

	pthread_mutex_lock(&p->q);
	p->nrows[p->produced % ROWPIPE_BLOCKS] = p->fill;
	p->produced++;
	pthread_cond_signal(&p->more);
	while (p->produced - p->consumed >= ROWPIPE_BLOCKS && !p->failed)
		pthread_cond_wait(&p->room, &p->q);
	failed = p->failed;
	pthread_mutex_unlock(&p->q);
	p->fill = 0;
	return failed ? -1 : 0;
}

int rowpipe_add(struct rowpipe *p, const struct sample_row *r)
{
	p->rows[p->produced % ROWPIPE_BLOCKS][p->fill++] = *r;
	return p->fill == ROWPIPE_ROWS ? publish(p) : 0;
}

int rowpipe_finish(struct rowpipe *p, int flush, struct err *e)
{
	int failed;

	if (flush && p->fill)
		publish(p);
	pthread_mutex_lock(&p->q);
	p->closing = 1;
	p->stop = !flush;
	pthread_cond_signal(&p->more);
	pthread_mutex_unlock(&p->q);
	pthread_join(p->th, NULL);
	failed = p->failed;
	if (failed && e)
		*e = p->err;
	pthread_cond_destroy(&p->room);
	pthread_cond_destroy(&p->more);
	pthread_mutex_destroy(&p->q);
	pthread_mutex_destroy(&p->db);
	free(p);
	return failed ? -1 : 0;
}
