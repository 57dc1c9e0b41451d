/* pg_int.h — what pg.c (the connection, transactions, sql, rm) and pg_sync.c (the working
 * copy and what goes between it and the server) share. */
#ifndef ESC_PG_INT_H
#define ESC_PG_INT_H

#include <libpq-fe.h>

#include "store_int.h"

/* A store on a server. Its struct store's db is the working copy: a temporary SQLite
 * store (owned by wc) where every question store.h asks is answered, as on SQLite, from
 * the rows that the question needs, brought from the server once; and where a write is
 * made first, then sent to the server in the same transaction. The struct store's own
 * transaction fields are the working copy's; these are the server's. */
struct store_pg {
	PGconn *conn;
	struct store *wc;
	int in_tx;		/* BEGIN sent */
	int depth;		/* savepoints open in a batch */
	int lost;		/* the server ended the batch's transaction */
	/* what the working copy holds: profiles (the k-th one's strings, functions,
	 * locations and stack nodes under its ids plus k << 32), analyses, whole builds */
	int64_t *profiles, *analyses, *builds;
	size_t nprofiles, nanalyses, nbuilds;
};

/* "database 'postgres://…': what: <the server's message>" into e; ESC_EDB */
enum esc_status store_pg_fail(struct store *s, struct err *e, const char *what, const PGresult *r);
/* Runs sql with text parameters (NULL for SQL NULL); the result when it succeeded, else
 * NULL with e filled. */
PGresult *store_pg_run(struct store *s, const char *sql, int n, const char *const *vals,
		       const char *what, struct err *e);
enum esc_status store_pg_do(struct store *s, const char *sql, const char *what, struct err *e);
/* Opens the working copy and brings the catalog (profiles, builds, analyses, their names
 * and labels) into it. */
enum esc_status store_pg_working_copy(struct store *s, struct err *e);

#endif
