/* store.c — opening the database, schema creation and migration by PRAGMA user_version,
 * transactions, and the read-only query path. A database from a newer escprof is refused
 * rather than guessed at; writes happen only inside store_begin/store_commit. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store_int.h"

extern const char *const store_migrations[];

static unsigned long max_pages;	/* fault injection, see store_test_max_pages */

void store_test_max_pages(unsigned long pages)
{
	max_pages = pages;
}

static int busy_ms = STORE_DEFAULT_BUSY_MS;

void store_set_busy_timeout(int ms)
{
	busy_ms = ms;
}
extern const int store_nmigrations;

enum esc_status store_fail(struct store *s, struct err *e, const char *what)
{
	return err_set(e, ESC_EDB, "database '%s': %s: %s", s->path, what, sqlite3_errmsg(s->db));
}

enum esc_status store_prepare(struct store *s, const char *sql, sqlite3_stmt **st, struct err *e)
{
	if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK)
		return store_fail(s, e, "cannot prepare statement");
	return ESC_OK;
}

void store_now(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int user_version(struct store *s, int *v)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return -1;
	rc = sqlite3_step(st);
	*v = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

static int table_count(struct store *s, int *n)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM sqlite_schema", -1, &st, NULL) != SQLITE_OK)
		return -1;
	rc = sqlite3_step(st);
	*n = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* No schema yet: a new file, or one whose creator has not committed. */
static int is_empty(struct store *s)
{
	int v, n;

	return !user_version(s, &v) && !table_count(s, &n) && v == 0 && n == 0;
}

/* Checks the schema version; read-only handles only check. */
static enum esc_status check_version(struct store *s, struct err *e)
{
	int v, n;

	if (user_version(s, &v) || table_count(s, &n))
		return store_fail(s, e, "cannot read the schema version");
	if (v > store_nmigrations)
		return err_set(e, ESC_ESCHEMA,
			       "database '%s' has schema version %d, newer than this escprof's %d: upgrade escprof",
			       s->path, v, store_nmigrations);
	if (v == 0 && n > 0)
		return err_set(e, ESC_EINPUT, "'%s' is an SQLite database but not an escprof store",
			       s->path);
	return ESC_OK;
}

enum esc_status store_open(struct store **out, const char *path, enum store_mode mode,
			   struct err *e)
{
	struct store *s;
	struct stat sb;
	int flags, exists;
	enum esc_status st;

	*out = NULL;
	exists = !strcmp(path, ":memory:") || stat(path, &sb) == 0;
	if (mode == STORE_READ_ONLY && !exists)
		return err_set(e, ESC_EIO, "no database '%s' (load a profile first)", path);
	s = calloc(1, sizeof(*s));
	if (!s || !(s->path = strdup(path))) {
		free(s);
		return err_set(e, ESC_ENOMEM, "out of memory");
	}
	s->mode = mode;
	s->created = !exists;
	flags = mode == STORE_READ_ONLY ? SQLITE_OPEN_READONLY :
		SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
		st = err_set(e, ESC_EDB, "cannot open database '%s': %s", path,
			     s->db ? sqlite3_errmsg(s->db) : "out of memory");
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	/* writers queue behind each other (WAL: readers never wait) */
	sqlite3_busy_timeout(s->db, busy_ms);
	if ((st = check_version(s, e)))
		goto fail;
	if (max_pages) {
		char pragma[64];

		snprintf(pragma, sizeof(pragma), "PRAGMA max_page_count = %lu", max_pages);
		sqlite3_exec(s->db, pragma, NULL, NULL, NULL);
	}
	if (mode == STORE_READ_WRITE && strcmp(path, ":memory:") && is_empty(s) &&
	    sqlite3_exec(s->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL) != SQLITE_OK) {
		st = store_fail(s, e, "cannot choose the WAL journal");
		goto fail;
	}
	*out = s;
	return ESC_OK;
fail:
	store_close(s);
	return st;
}

void store_close(struct store *s)
{
	int remove;

	if (!s)
		return;
	if (s->in_tx)
		store_rollback(s);
	/* a file this process created and nobody (another process may have) filled: as if
	 * the command had never run */
	remove = s->created && !s->committed && strcmp(s->path, ":memory:") && s->db && is_empty(s);
	sqlite3_close(s->db);
	if (remove) {
		static const char *const ext[] = {"", "-journal", "-wal", "-shm"};
		char f[4096];
		size_t i;

		for (i = 0; i < 4; i++) {
			snprintf(f, sizeof(f), "%s%s", s->path, ext[i]);
			unlink(f);
		}
	}
	free(s->path);
	free(s);
}

/* Applies store/schema/NNN.sql from version from+1 on, inside the caller's transaction:
 * a new database runs them all, an older one only what it lacks. */
static enum esc_status migrate(struct store *s, int from, struct err *e)
{
	int v;

	for (v = from; v < store_nmigrations; v++)
		if (sqlite3_exec(s->db, store_migrations[v], NULL, NULL, NULL) != SQLITE_OK)
			return store_fail(s, e, "cannot migrate the schema");
	return ESC_OK;
}

enum esc_status store_begin(struct store *s, struct err *e)
{
	int v, n;
	enum esc_status st;
	char pragma[64];

	if (s->mode == STORE_READ_ONLY)
		return err_set(e, ESC_EUSAGE, "database '%s' is open read-only", s->path);
	if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return store_fail(s, e, "cannot begin a transaction");
	s->in_tx = 1;
	if (user_version(s, &v) || table_count(s, &n)) {
		st = store_fail(s, e, "cannot read the schema version");
		goto fail;
	}
	if (v > store_nmigrations) {
		st = err_set(e, ESC_ESCHEMA,
			     "database '%s' has schema version %d, newer than this escprof's %d: upgrade escprof",
			     s->path, v, store_nmigrations);
		goto fail;
	}
	if (v == 0 && n > 0) {
		st = err_set(e, ESC_EINPUT, "'%s' is an SQLite database but not an escprof store",
			     s->path);
		goto fail;
	}
	if (v < store_nmigrations && (st = migrate(s, v, e)))
		goto fail;
	if (v != store_nmigrations) {
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", store_nmigrations);
		if (sqlite3_exec(s->db, pragma, NULL, NULL, NULL) != SQLITE_OK) {
			st = store_fail(s, e, "cannot set the schema version");
			goto fail;
		}
	}
	return ESC_OK;
fail:
	store_rollback(s);
	return st;
}

enum esc_status store_commit(struct store *s, struct err *e)
{
	if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		enum esc_status st = store_fail(s, e, "cannot commit");

		store_rollback(s);
		return st;
	}
	s->in_tx = 0;
	s->committed = 1;
	return ESC_OK;
}

void store_rollback(struct store *s)
{
	if (s->in_tx)
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	s->in_tx = 0;
}

/* The `sql` command is read-only even on a read-write handle. */
static int readonly_authorizer(void *ctx, int action, const char *a, const char *b,
			       const char *c, const char *d)
{
	(void)ctx;
	(void)b;
	(void)c;
	(void)d;
	switch (action) {
	case SQLITE_SELECT:
	case SQLITE_READ:
	case SQLITE_FUNCTION:
	case SQLITE_RECURSIVE:
		return SQLITE_OK;
	case SQLITE_PRAGMA:
		/* table_info(x) and friends read; a pragma that sets something is refused by
		 * sqlite3_stmt_readonly below and by the read-only connection */
		return SQLITE_OK;
	default:
		(void)a;
		return SQLITE_DENY;
	}
}

static int query(struct store *s, const char *sql, int write, store_row_fn fn, void *ctx,
		 struct err *e)
{
	sqlite3_stmt *st = NULL;
	const char *tail = NULL;
	const char **names = NULL;
	struct store_value *vals = NULL;
	int rc, ret = 0, n, i;

	if (!write)
		sqlite3_set_authorizer(s->db, readonly_authorizer, NULL);
	rc = sqlite3_prepare_v2(s->db, sql, -1, &st, &tail);
	sqlite3_set_authorizer(s->db, NULL, NULL);
	if (rc != SQLITE_OK) {
		ret = rc == SQLITE_AUTH ?
			err_set(e, ESC_EUSAGE, "sql: only reading statements are allowed without --write (%s)",
				sqlite3_errmsg(s->db)) :
			err_set(e, ESC_EUSAGE, "sql: %s", sqlite3_errmsg(s->db));
		goto out;
	}
	if (!st) {
		ret = err_set(e, ESC_EUSAGE, "sql: empty statement");
		goto out;
	}
	while (tail && (*tail == ' ' || *tail == '\t' || *tail == '\n' || *tail == '\r' || *tail == ';'))
		tail++;
	if (tail && *tail) {
		ret = err_set(e, ESC_EUSAGE, "sql: one statement at a time (extra text: '%.40s')", tail);
		goto out;
	}
	if (!write && !sqlite3_stmt_readonly(st)) {
		ret = err_set(e, ESC_EUSAGE, "sql: only reading statements are allowed without --write");
		goto out;
	}
	n = sqlite3_column_count(st);
	names = calloc((size_t)n + 1, sizeof(*names));
	vals = calloc((size_t)n + 1, sizeof(*vals));
	if (!names || !vals) {
		ret = err_set(e, ESC_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++)
		names[i] = sqlite3_column_name(st, i);
	if ((ret = fn(ctx, (size_t)n, names, NULL)))
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (i = 0; i < n; i++) {
			struct store_value *v = &vals[i];

			switch (sqlite3_column_type(st, i)) {
			case SQLITE_INTEGER:
				*v = (struct store_value){.type = STORE_INT, .i = sqlite3_column_int64(st, i)};
				break;
			case SQLITE_FLOAT:
				*v = (struct store_value){.type = STORE_REAL, .r = sqlite3_column_double(st, i)};
				break;
			case SQLITE_TEXT:
				v->type = STORE_TEXT;
				v->s = (const char *)sqlite3_column_text(st, i);
				v->len = (size_t)sqlite3_column_bytes(st, i);
				break;
			case SQLITE_BLOB:
				v->type = STORE_BLOB;
				v->s = sqlite3_column_blob(st, i);
				v->len = (size_t)sqlite3_column_bytes(st, i);
				break;
			default:
				*v = (struct store_value){.type = STORE_NULL};
			}
		}
		if ((ret = fn(ctx, (size_t)n, names, vals)))
			goto out;
	}
	if (rc != SQLITE_DONE)
		ret = err_set(e, ESC_EDB, "sql: %s", sqlite3_errmsg(s->db));
out:
	sqlite3_finalize(st);
	free(names);
	free(vals);
	return ret;
}

int store_query(struct store *s, const char *sql, store_row_fn fn, void *ctx, struct err *e)
{
	return query(s, sql, 0, fn, ctx, e);
}

int store_query_write(struct store *s, const char *sql, store_row_fn fn, void *ctx, struct err *e)
{
	int r;

	if ((r = store_begin(s, e)))
		return r;
	if ((r = query(s, sql, 1, fn, ctx, e))) {
		store_rollback(s);
		return r;
	}
	return store_commit(s, e);
}
