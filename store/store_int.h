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
	int fk_off;		/* foreign keys are off until the transaction ends (store_bulk) */
	int temporary;		/* STORE_TEMPORARY: nobody else reads it, nothing outlives it */
	struct store_held *held;	/* builds whose diagnostics are held in memory */
	struct store_pg *pg;	/* on a PostgreSQL server (pg.c): db is its working copy */
};

/* ---- the store on PostgreSQL (pg.c): what store.h's functions become there ---- */
enum esc_status store_pg_open(struct store **out, const char *db, enum store_mode mode,
			      struct err *e);
void store_pg_close(struct store *s);
enum esc_status store_pg_begin(struct store *s, struct err *e);
enum esc_status store_pg_commit(struct store *s, struct err *e);
void store_pg_rollback(struct store *s);
enum esc_status store_pg_batch_commit(struct store *s, struct err *e);
enum esc_status store_pg_find_profile(struct store *s, const char *sha256, int64_t *id,
				      struct err *e);
enum esc_status store_pg_add_profile(struct store *s, const struct profile *p,
				     const struct store_profile_opts *o, int64_t *id, int *added,
				     struct err *e);
int store_pg_query(struct store *s, const char *sql, int write, store_row_fn fn, void *ctx,
		   struct err *e);
enum esc_status store_pg_match(struct store *s, unsigned kinds, const char *ref,
			       struct store_item **rows, size_t *n, struct err *e);
enum esc_status store_pg_prune_list(struct store *s, enum store_kind kind, const char *before,
				    int64_t keep_last, struct store_item **rows, size_t *n,
				    struct err *e);
enum esc_status store_pg_remove(struct store *s, const struct store_item *items, size_t n,
				struct err *e);
enum esc_status store_pg_trend(struct store *s, const struct store_profile_filter *f, int ix,
			       enum store_trend_by by, struct store_trend_row **rows, size_t *n,
			       int64_t *unanalysed, struct err *e);
/* store_top_merged by cause on a server: the causes of the analyses summed there, no
 * site brought over; *total their sites' sum. Rows unordered. */
enum esc_status store_pg_top_causes(struct store *s, const int64_t *analyses, size_t count, int ix,
				    struct store_top_row **rows, size_t *n, int64_t *total, struct err *e);
/* A build or an analysis made in the working copy, sent to the server inside the
 * transaction that made it (pg_sync.c). For a build: *existing is the build of the same
 * digest already on the server (nothing sent), else 0. */
enum esc_status store_pg_push_build(struct store *s, int64_t id, int64_t *existing, struct err *e);
enum esc_status store_pg_push_analysis(struct store *s, int64_t id, struct err *e);
/* Brings a build's row and names into the working copy. */
enum esc_status store_pg_pull_build(struct store *s, int64_t id, struct err *e);
/* The next id of the server's build or analysis table, for a row the working copy makes. */
enum esc_status store_pg_next_id(struct store *s, const char *table, int64_t *id, struct err *e);
/* Gives the name on the server too (store_add_name does both). */
enum esc_status store_pg_add_name(struct store *s, enum store_kind kind, int64_t id,
				  const char *name, struct err *e);

/* What a read needs in the working copy of a store on a server, brought there once (from
 * the server's tables, in pg_sync.c); nothing to do on SQLite. A profile's samples and
 * stacks; an analysis's sites and the diagnostics they cite; a build's diagnostics. */
enum esc_status store_need_profile(struct store *s, int64_t profile_id, struct err *e);
enum esc_status store_need_analysis(struct store *s, int64_t analysis_id, struct err *e);
/* several at once, in one question to the server */
enum esc_status store_need_analyses(struct store *s, const int64_t *ids, size_t n, struct err *e);
enum esc_status store_need_build(struct store *s, int64_t build_id, struct err *e);
enum esc_status store_need_diag(struct store *s, int64_t build_id, int64_t diag_id, struct err *e);
/* the diagnostics at a line of the builds an analysis used */
enum esc_status store_need_line(struct store *s, int64_t analysis_id, int64_t line, struct err *e);
#define STORE_NEED(call) do { \
		enum esc_status need_ = (call); \
		if (need_) \
			return need_; \
	} while (0)
/* As store_add_name, in the working copy only (a build not yet on the server). */
enum esc_status store_add_name_local(struct store *s, enum store_kind kind, int64_t id,
				     const char *name, struct err *e);

/* A sample row holds the values of this many sample types (a Go heap profile's four);
 * sample_value_x holds the rest. */
#define STORE_INLINE_VALUES 4

/* head (a query of the profile table as p, ending in a WHERE condition, with nhead values
 * of its own) AND what f (NULL allowed) admits, then tail; f's values are bound after the
 * head's (analysis.c). NULL on failure (e filled). */
sqlite3_stmt *store_filtered(struct store *s, const char *head, int nhead,
			     const struct store_profile_filter *f, const char *tail, struct err *e);

/* How many bytes of diagnostics a build holds in memory before it writes them all to the
 * tables and goes on there (escapes.c; tests lower it). */
extern size_t store_held_max;
/* A temporary store's build held in memory (escapes.c): NULL when build_id is not. */
struct store_held *store_held_of(struct store *s, int64_t build_id);
/* Calls fn for each of its diagnostics in diag_id order, as store_foreach_diag does. */
int store_held_foreach(struct store_held *h, store_diag_fn fn, void *ctx);
/* Writes the held diagnostics that sites cite into the tables, with their steps (each
 * once), inside the caller's transaction. */
enum esc_status store_held_write_cited(struct store *s, const struct store_site *sites,
				       size_t nsites, struct err *e);
void store_held_release(struct store *s);

/* Converts a SQLite failure into e: "database 'x': <what>: <sqlite message>". */
enum esc_status store_fail(struct store *s, struct err *e, const char *what);

/* BEGIN IMMEDIATE, creating the schema on a new database inside the same transaction.
 * In a batch, the first write begins the batch's transaction and each write is a
 * savepoint in it: store_commit releases the savepoint, store_rollback undoes only it. */
enum esc_status store_begin(struct store *s, struct err *e);
enum esc_status store_commit(struct store *s, struct err *e);
void store_rollback(struct store *s);

/* Turns foreign keys off until the transaction that the next store_begin opens has
 * ended, when no transaction is open yet (else nothing changes): for a bulk load of rows
 * whose keys the loader itself guarantees (each key check costs a lookup per row). The
 * rest of a batch runs without them too, so a batch that bulk-loads deletes nothing. */
void store_bulk(struct store *s);

/* Prepares sql; on failure fills e. */
enum esc_status store_prepare(struct store *s, const char *sql, sqlite3_stmt **st, struct err *e);

/* Gives profile or build id the name as its newest (a name means the one given it last);
 * nothing when the name already means it. Inside the caller's transaction. */
enum esc_status store_add_name(struct store *s, enum store_kind kind, int64_t id, const char *name,
			       struct err *e);

/* ISO-8601 UTC time of now, for loaded_at. */
void store_now(char out[32]);

/* Reads the next id of a stored JSON array of ids ("[id,id,...]", as a stack node's
 * locations are kept): call with *p at the '[' and k = 0, then with k counting the ids
 * read. 1: an id in *v, *p past it; 0: the array ended (*p at its ']', nothing after);
 * -1: not such an array. */
int store_next_id(const char **p, size_t k, int64_t *v);

/* The part of the migration to version 7 that SQL cannot do (store/load.c): files each
 * stack (a root holding all its locations, under the id it had) in stack_alias by the
 * hash a load makes of its path, so that later loads find it, gives each string the id
 * loads draw for it, and each location the hash loads find it by. */
enum esc_status store_migrate_v7(struct store *s, struct err *e);

#endif
