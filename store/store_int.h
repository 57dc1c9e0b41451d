/* store_int.h — what the files of store/ share: the connection and its helpers. */
#ifndef ESC_STORE_INT_H
#define ESC_STORE_INT_H

#include <sqlite3.h>

#include "store.h"

struct store {
	sqlite3 *db;
	char *path;
	enum store_mode mode;
	int created;		/* this process created the file */
	int read_only;		/* the file or its directory cannot be written */
	int intact;		/* quick_check passed on this connection */
	int lock_fd;		/* holds the shared flock on the file; -1 in memory */
	int in_tx;		/* a transaction is open (in a batch: the batch's) */
	int batch;		/* store_batch_begin: writes are savepoints of one transaction */
	int depth;		/* savepoints open inside the batch's transaction */
	int lost;		/* SQLite rolled the batch's transaction back on its own */
};

/* Converts a SQLite failure into e: "database 'x': <what>: <sqlite message>". */
enum esc_status store_fail(struct store *s, struct err *e, const char *what);

/* BEGIN IMMEDIATE, creating the schema on a new database inside the same transaction.
 * In a batch, the first write begins the batch's transaction and each write is a
 * savepoint in it: store_commit releases the savepoint, store_rollback undoes only it. */
enum esc_status store_begin(struct store *s, struct err *e);
enum esc_status store_commit(struct store *s, struct err *e);
void store_rollback(struct store *s);

/* Prepares sql; on failure fills e. */
enum esc_status store_prepare(struct store *s, const char *sql, sqlite3_stmt **st, struct err *e);

/* ISO-8601 UTC time of now, for loaded_at. */
void store_now(char out[32]);

#endif
