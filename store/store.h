/* store.h — the SQLite store: open (creating or migrating the schema), load profiles and
 * compiler diagnostics, run read-only queries. Every write is one transaction; when it
 * fails the database is left exactly as it was, and a database file that this process
 * created is removed again. No sqlite3 type leaves this module. */
#ifndef ESC_STORE_H
#define ESC_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "profile/profile.h"

struct store;

enum store_mode {
	STORE_READ_ONLY,	/* fails when the file does not exist; writes are refused */
	STORE_READ_WRITE,	/* creates the file (and schema) on first write */
};

#define STORE_SCHEMA_VERSION 1

enum esc_status store_open(struct store **out, const char *path, enum store_mode mode,
			   struct err *e);
/* Closes s; when s created its file and nothing was ever committed, removes the file. */
void store_close(struct store *s);

struct store_profile_opts {
	const char *name;		/* NULL: the file's base name */
	const char *source;		/* where it was read from */
	const char *sha256;		/* hex digest of the bytes as read */
	const char *const *labels;	/* "key=value" strings */
	size_t nlabels;
};

/* Looks up a profile by the sha256 of its bytes; *id = 0 when absent. */
enum esc_status store_find_profile(struct store *s, const char *sha256, int64_t *id,
				   struct err *e);

/* Stores p in one transaction. When the same bytes are already stored, *id is the existing
 * profile and *added is 0. */
enum esc_status store_add_profile(struct store *s, const struct profile *p,
				  const struct store_profile_opts *o, int64_t *id, int *added,
				  struct err *e);

enum store_vtype { STORE_NULL, STORE_INT, STORE_REAL, STORE_TEXT, STORE_BLOB };

struct store_value {
	enum store_vtype type;
	int64_t i;
	double r;
	const char *s;	/* TEXT or BLOB bytes, valid during the callback */
	size_t len;
};

/* Called first with the column names (vals NULL), then once per row. A non-zero return
 * stops the query and is returned. */
typedef int (*store_row_fn)(void *ctx, size_t ncols, const char *const *names,
			    const struct store_value *vals);

/* Runs one read-only SQL statement (an authorizer refuses anything that writes). */
int store_query(struct store *s, const char *sql, store_row_fn fn, void *ctx, struct err *e);

#endif
