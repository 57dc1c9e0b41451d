/* store.c — opening the database, schema creation and migration by PRAGMA user_version,
 * transactions, and the read-only query path. A database from a newer escprof is refused
 * rather than guessed at; writes happen only inside store_begin/store_commit, which in a
 * batch are savepoints of one transaction that only store_batch_commit commits, and the
 * first one of a connection only after PRAGMA quick_check found the file intact. A new
 * store appears whole (schema and WAL) or not at all, however many processes race to
 * create it, and one that ends up holding nothing is removed only when no other escprof
 * has it open. A store that cannot be written is opened read-only; every connection is
 * SQLite-defensive. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "store_int.h"

extern const char *const store_migrations[];
/* the newest schema made at once (generated from the migrations at build time) */
extern const char store_fresh_schema[];

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
	int rc = sqlite3_errcode(s->db) & 0xff, sys = sqlite3_system_errno(s->db);

	if (rc == SQLITE_CORRUPT)
		return err_set(e, ESC_EDB, "'%s': the store is corrupt (%s: %s)", s->path, what,
			       sqlite3_errmsg(s->db));

	/* "disk I/O error" alone hides the cause: a full disk, EFBIG past ulimit -f, EACCES */
	if (sys && (rc == SQLITE_IOERR || rc == SQLITE_FULL || rc == SQLITE_CANTOPEN ||
		    rc == SQLITE_READONLY))
		return err_set(e, ESC_EDB, "database '%s': %s: %s (%s)", s->path, what,
			       sqlite3_errmsg(s->db), strerror(sys));
	return err_set(e, ESC_EDB, "database '%s': %s: %s", s->path, what, sqlite3_errmsg(s->db));
}

enum esc_status store_prepare(struct store *s, const char *sql, sqlite3_stmt **st, struct err *e)
{
	*st = NULL;
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

/* The schema version and the number of schema objects, read in one statement so that
 * both come from one snapshot (another process may commit between two). */
static int schema_state(struct store *s, int *v, int *n)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, "SELECT (SELECT user_version FROM pragma_user_version),"
			       " (SELECT count(*) FROM sqlite_schema)", -1, &st, NULL) != SQLITE_OK)
		return -1;
	rc = sqlite3_step(st);
	*v = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	*n = rc == SQLITE_ROW ? sqlite3_column_int(st, 1) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* Foreign keys back on once the transaction that bulk-loaded without them has ended. */
static void fk_restore(struct store *s)
{
	if (s->fk_off && s->db && sqlite3_get_autocommit(s->db)) {
		sqlite3_db_config(s->db, SQLITE_DBCONFIG_ENABLE_FKEY, 1, NULL);
		s->fk_off = 0;
	}
}

void store_bulk(struct store *s)
{
	/* SQLite changes the setting only between transactions; a working copy never
	 * checks its keys (store_pg_working_copy) */
	if (!s->pg && !s->fk_off && sqlite3_get_autocommit(s->db)) {
		sqlite3_db_config(s->db, SQLITE_DBCONFIG_ENABLE_FKEY, 0, NULL);
		s->fk_off = 1;
	}
}

/* Ends the open transaction, with every savepoint in it. */
static void rollback_all(struct store *s)
{
	if (s->in_tx && s->db && !sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	s->in_tx = 0;
	s->depth = 0;
	fk_restore(s);
}

/* Whether the store has neither a profile nor a build: nothing anyone would miss. */
static int holds_nothing(struct store *s)
{
	sqlite3_stmt *st;
	int rc, none = 0;

	if (sqlite3_prepare_v2(s->db, "SELECT NOT EXISTS (SELECT 1 FROM profile) AND"
			       " NOT EXISTS (SELECT 1 FROM build)", -1, &st, NULL) != SQLITE_OK)
		return 0;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		none = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return none;
}

/* Checks the schema version; read-only handles only check. *empty is set for a file
 * with no schema at all (a new file, or one made empty outside escprof). */
static enum esc_status check_version(struct store *s, int *empty, struct err *e)
{
	int v, n;

	if (schema_state(s, &v, &n))
		return store_fail(s, e, "cannot read the schema version");
	if (v > store_nmigrations)
		return err_set(e, ESC_ESCHEMA,
			       "'%s': schema version %d, newer than this escprof's %d: upgrade escprof",
			       s->path, v, store_nmigrations);
	if (v == 0 && n > 0)
		return err_set(e, ESC_EINPUT, "'%s' is an SQLite database but not an escprof store",
			       s->path);
	*empty = v == 0;
	return ESC_OK;
}

/* Gives a store with no schema the current one, in one transaction; files switch to WAL
 * first (readers never wait for the writer). */
static enum esc_status init_schema(struct store *s, int wal, struct err *e)
{
	enum esc_status st;

	if (wal && sqlite3_exec(s->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL) != SQLITE_OK)
		return store_fail(s, e, "cannot choose the WAL journal");
	if ((st = store_begin(s, e)))
		return st;
	return store_commit(s, e);
}

/* Creates the store at path whole or not at all: built under a temporary name in the
 * same directory (schema, WAL), then linked into place. *won says whether this link made
 * path; when another process got there first, its store is the one used. */
static enum esc_status create_file(const char *path, int *won, struct err *e)
{
	struct store t = {0};
	char *tmp = NULL, f[4096];
	enum esc_status st = ESC_OK;
	mode_t m;
	size_t i;
	int fd;

	*won = 0;
	if (asprintf(&tmp, "%s.new-XXXXXX", path) < 0)
		return err_set(e, ESC_ENOMEM, "'%s': out of memory", path);
	if ((fd = mkstemp(tmp)) < 0) {
		st = err_set(e, ESC_EIO, "cannot create database '%s': %s", path, strerror(errno));
		free(tmp);
		return st;
	}
	/* the permissions sqlite3_open would have given it */
	m = umask(0);
	umask(m);
	if (fchmod(fd, 0666 & ~m)) {
		/* mkstemp's 0600 is safe if narrower */
	}
	close(fd);
	t.path = (char *)path;	/* messages name the store, not the temporary */
	t.mode = STORE_READ_WRITE;
	if (sqlite3_open_v2(tmp, &t.db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		st = err_set(e, ESC_EDB, "cannot create database '%s': %s", path,
			     t.db ? sqlite3_errmsg(t.db) : "out of memory");
	else
		st = init_schema(&t, 1, e);
	sqlite3_close(t.db);	/* the last connection: the WAL is folded in and removed */
	if (!st) {
		if (link(tmp, path) == 0)
			*won = 1;
		else if (errno != EEXIST)
			st = err_set(e, ESC_EIO, "cannot create database '%s': %s", path, strerror(errno));
	}
	for (i = 0; i < 4; i++) {
		static const char *const ext[] = {"", "-journal", "-wal", "-shm"};

		snprintf(f, sizeof(f), "%s%s", tmp, ext[i]);
		unlink(f);
	}
	free(tmp);
	return st;
}

/* Opens path with a shared advisory lock held for the store's life: an escprof that
 * created the file may remove it again only while nobody else holds one. Retries when
 * the file was removed between the lookup and the lock. */
static enum esc_status open_locked(struct store *s, struct err *e)
{
	struct stat a, b;
	int tries, won;
	enum esc_status st;

	for (tries = 0; tries < 100; tries++) {
		if (stat(s->path, &b)) {
			if (errno != ENOENT)
				return err_set(e, ESC_EIO, "cannot open database '%s': %s", s->path, strerror(errno));
			if (s->mode == STORE_READ_ONLY)
				return err_set(e, ESC_EIO, "no database '%s' (load a profile first)", s->path);
			if ((st = create_file(s->path, &won, e)))
				return st;
			s->created = won;
		}
		s->lock_fd = open(s->path, (s->mode == STORE_READ_ONLY ? O_RDONLY : O_RDWR) | O_CLOEXEC);
		if (s->lock_fd < 0 && (errno == EACCES || errno == EROFS)) {
			/* a write-protected store still reads; SQLite opens it read-only too */
			s->lock_fd = open(s->path, O_RDONLY | O_CLOEXEC);
			s->read_only = 1;
		}
		if (s->lock_fd < 0) {
			if (errno == ENOENT) {
				s->created = 0;
				continue;
			}
			return err_set(e, ESC_EIO, "cannot open database '%s': %s", s->path, strerror(errno));
		}
		while (flock(s->lock_fd, LOCK_SH) && errno == EINTR)
			;
		if (!fstat(s->lock_fd, &a) && !stat(s->path, &b) && a.st_ino == b.st_ino && a.st_dev == b.st_dev)
			return ESC_OK;
		close(s->lock_fd);
		s->lock_fd = -1;
		s->created = 0;
	}
	return err_set(e, ESC_EIO, "cannot open database '%s': it keeps being removed", s->path);
}

/* "file:" and path with the characters a URI gives meaning to escaped, in a new string. */
static char *file_uri(const char *path, const char *query)
{
	struct buf u;
	const char *p;

	buf_init(&u);
	buf_adds(&u, "file:");
	for (p = path; *p; p++)
		if (*p == '%' || *p == '?' || *p == '#')
			buf_printf(&u, "%%%02x", (unsigned char)*p);
		else
			buf_addc(&u, *p);
	if (buf_adds(&u, query)) {
		buf_release(&u);
		return NULL;
	}
	return buf_detach(&u, NULL);
}

/* Opens s->db with flags (uri when not NULL) and reads the schema state once, which is
 * when SQLite finds out whether it can set up the WAL's -shm; the SQLite result code. */
static int connect(struct store *s, const char *uri, int flags)
{
	/* one thread uses a connection (the progress line's never does): no mutex on it */
	int v, n, rc = sqlite3_open_v2(uri ? uri : s->path, &s->db, flags | SQLITE_OPEN_NOMUTEX, NULL);

	if (rc == SQLITE_OK) {
		sqlite3_extended_result_codes(s->db, 1);
		/* what SQL typed by a user or stored in a hostile file may not do: corrupt the
		 * file on purpose (writable_schema and the like), call functions that are
		 * unsafe from a view or trigger, load extensions, or reach fts3_tokenizer's
		 * pointers (the authorizer also refuses the function itself) */
		sqlite3_db_config(s->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
		sqlite3_db_config(s->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
		sqlite3_db_config(s->db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
		sqlite3_db_config(s->db, SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER, 0, NULL);
		/* rows hanging from a profile, build or analysis go with it (schema 006) */
		sqlite3_db_config(s->db, SQLITE_DBCONFIG_ENABLE_FKEY, 1, NULL);
		/* a stack node that goes lets its parent go when that held nothing else
		 * (schema 007: the trigger deletes from its own table) */
		sqlite3_exec(s->db, "PRAGMA recursive_triggers = ON", NULL, NULL, NULL);
		/* writers queue behind each other (WAL: readers never wait) */
		sqlite3_busy_timeout(s->db, busy_ms);
		if (schema_state(s, &v, &n))
			rc = sqlite3_errcode(s->db);
	}
	if (rc != SQLITE_OK && s->db) {
		sqlite3_close(s->db);
		s->db = NULL;
	}
	return rc & 0xff;
}

/* The error for a connection that failed with SQLite result rc. */
static enum esc_status open_failed(const char *path, int rc, struct err *e)
{
	if (rc == SQLITE_CORRUPT)
		return err_set(e, ESC_EDB, "'%s': the store is corrupt (%s)", path, sqlite3_errstr(rc));
	return err_set(e, ESC_EDB, "cannot open database '%s': %s", path, sqlite3_errstr(rc));
}

/* Size of path's write-ahead log: 0 when there is none or it is empty; -1 on error. */
static long long wal_size(const char *path)
{
	char f[4096];
	struct stat sb;

	snprintf(f, sizeof(f), "%s-wal", path);
	if (stat(f, &sb))
		return errno == ENOENT ? 0 : -1;
	return (long long)sb.st_size;
}

/* Opens a store file that this process may only read (the file or its directory is
 * read-only). SQLite reads a WAL store through its -shm, creating it if missing; in a
 * read-only directory it cannot, and then the store is opened immutable (no -shm, no
 * locks) when its WAL holds nothing: nobody can create a WAL in that directory, so
 * nobody can commit while it is read. A non-empty WAL without a usable -shm cannot be
 * read correctly, and is refused rather than ignored. */
static enum esc_status connect_read_only(struct store *s, struct err *e)
{
	char *uri;
	long long wal;
	int rc = connect(s, NULL, SQLITE_OPEN_READONLY);

	if (rc == SQLITE_OK)
		return ESC_OK;
	if (rc != SQLITE_CANTOPEN && rc != SQLITE_READONLY)
		return open_failed(s->path, rc, e);
	if ((wal = wal_size(s->path)) != 0)
		return err_set(e, ESC_EIO,
			       "cannot read database '%s': its directory is read-only and %s-wal holds"
			       " changes that need %s-shm (open it once where it can be written)",
			       s->path, s->path, s->path);
	if (!(uri = file_uri(s->path, "?immutable=1")))
		return err_set(e, ESC_ENOMEM, "'%s': out of memory", s->path);
	rc = connect(s, uri, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI);
	free(uri);
	if (rc != SQLITE_OK)
		return open_failed(s->path, rc, e);
	return ESC_OK;
}

enum esc_status store_open(struct store **out, const char *path, enum store_mode mode,
			   struct err *e)
{
	struct store *s;
	int temporary = mode == STORE_TEMPORARY;
	int memory = temporary || !strcmp(path, ":memory:"), empty = 0, rc;
	enum esc_status st;

	*out = NULL;
	if (!temporary && store_is_pg(path))
		return store_pg_open(out, path, mode, e);
	if (temporary)
		path = "temporary store";
	s = calloc(1, sizeof(*s));
	if (!s || !(s->path = strdup(path))) {
		free(s);
		return err_set(e, ESC_ENOMEM, "'%s': out of memory", path);
	}
	s->mode = temporary ? STORE_READ_WRITE : mode;
	s->temporary = temporary;
	s->lock_fd = -1;
	if (!memory && (st = open_locked(s, e)))
		goto fail;
	if (memory) {
		/* "" is SQLite's private temporary database: a file that its unix VFS unlinks
		 * right after opening it, and creates only when the page cache spills */
		if ((rc = connect(s, temporary ? "" : NULL,
				  SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)) != SQLITE_OK) {
			st = open_failed(path, rc, e);
			goto fail;
		}
		/* nobody else ever sees it, and nothing of it outlives the process: no
		 * journal on disk (rollbacks still work, from memory), no fsync, a page cache
		 * of 16 MiB rather than the whole store, and SQLite's own scratch (sorts,
		 * statement journals) in files too */
		if (temporary && sqlite3_exec(s->db, "PRAGMA journal_mode = MEMORY;"
					      " PRAGMA synchronous = OFF;"
					      " PRAGMA cache_size = -16384;"
					      " PRAGMA temp_store = FILE", NULL, NULL, NULL) != SQLITE_OK) {
			st = store_fail(s, e, "cannot set up the temporary store");
			goto fail;
		}
	} else {
		/* a store that cannot be written still reads: the commands that only read work
		 * on it, and the first write says why it cannot be done */
		if (mode == STORE_READ_WRITE && s->read_only)
			s->mode = STORE_READ_ONLY;
		else if (mode == STORE_READ_WRITE &&
			 (rc = connect(s, NULL, SQLITE_OPEN_READWRITE)) != SQLITE_OK) {
			if (rc != SQLITE_CANTOPEN && rc != SQLITE_READONLY) {
				st = open_failed(path, rc, e);
				goto fail;
			}
			s->mode = STORE_READ_ONLY;
			s->read_only = 1;
		}
		if (s->mode == STORE_READ_ONLY && (st = connect_read_only(s, e)))
			goto fail;
	}
	if ((st = check_version(s, &empty, e)))
		goto fail;
	if (max_pages) {
		char pragma[64];

		snprintf(pragma, sizeof(pragma), "PRAGMA max_page_count = %lu", max_pages);
		sqlite3_exec(s->db, pragma, NULL, NULL, NULL);
	}
	/* a store in memory, or a file emptied outside escprof, gets its schema now */
	if (empty && s->mode == STORE_READ_WRITE && (st = init_schema(s, !memory, e)))
		goto fail;
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
	if (s->pg) {
		store_pg_close(s);
		return;
	}
	rollback_all(s);
	/* a file this process created that holds nothing, and that no other escprof has
	 * open (the exclusive lock proves it): as if the command had never run */
	remove = s->created && s->db && s->lock_fd >= 0 && !flock(s->lock_fd, LOCK_EX | LOCK_NB) &&
		 holds_nothing(s);
	sqlite3_close(s->db);
	store_held_release(s);
	if (remove) {
		/* the database file last: until it is gone no other escprof can create a new
		 * store at this path, whose -wal and -shm would otherwise be unlinked here */
		static const char *const ext[] = {"-journal", "-wal", "-shm", ""};
		char f[4096];
		size_t i;

		for (i = 0; i < 4; i++) {
			snprintf(f, sizeof(f), "%s%s", s->path, ext[i]);
			unlink(f);
		}
	}
	/* only now: closing any descriptor of the file drops this process's SQLite locks */
	if (s->lock_fd >= 0)
		close(s->lock_fd);
	free(s->path);
	free(s);
}

/* Applies store/schema/NNN.sql from version from+1 on, inside the caller's transaction:
 * a new database runs them all, an older one only what it lacks. */
static enum esc_status migrate(struct store *s, int from, struct err *e)
{
	int v;

	enum esc_status st;

	/* a new store: the schema the migrations make, in one script (parsing each migration
	 * and re-reading the schema at each table rebuild cost a new store about 40 ms) */
	if (from == 0) {
		if (sqlite3_exec(s->db, store_fresh_schema, NULL, NULL, NULL) != SQLITE_OK)
			return store_fail(s, e, "cannot create the schema");
		return ESC_OK;
	}
	for (v = from; v < store_nmigrations; v++) {
		if (sqlite3_exec(s->db, store_migrations[v], NULL, NULL, NULL) != SQLITE_OK)
			return store_fail(s, e, "cannot migrate the schema");
		/* to version 7: the stacks, kept under their ids, filed by their hash; the
		 * strings under the ids loads draw for them */
		if (v == 6 && (st = store_migrate_v7(s, e)))
			return st;
	}
	return ESC_OK;
}

/* Refuses to write into a store with a damaged page: SQLite finds one only when a
 * statement reads it, and a write may well never read it, so the first write of a
 * connection runs PRAGMA quick_check (every page and index; about 6 ms per MB) inside
 * its transaction, before anything is written. Reading commands that never write do not
 * pay for it: SQLite checks the pages they read as it reads them. */
static enum esc_status check_intact(struct store *s, struct err *e)
{
	sqlite3_stmt *st;
	enum esc_status ret = ESC_OK;
	int rc;

	if (s->intact)
		return ESC_OK;
	if (sqlite3_prepare_v2(s->db, "PRAGMA quick_check(1)", -1, &st, NULL) != SQLITE_OK)
		return store_fail(s, e, "cannot check the store");
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(st, 0), "ok")) {
		char why[256];

		/* "*** in database main ***\nPage 20: ...": the first problem, on one line */
		snprintf(why, sizeof(why), "%s", (const char *)sqlite3_column_text(st, 0));
		if (!strncmp(why, "*** in database main ***", 24))
			memmove(why, why + 25, strlen(why + 25) + 1);
		ret = err_set(e, ESC_EDB, "'%s': the store is corrupt (%s)", s->path, why);
	} else if (rc != SQLITE_ROW) {
		ret = store_fail(s, e, "cannot check the store");
	}
	sqlite3_finalize(st);
	s->intact = !ret;
	return ret;
}

/* The migrations before version 6 rebuild tables that other tables name in foreign keys,
 * which SQLite allows only with foreign keys off, and it turns them off or on only
 * between transactions: a store older than version 6 is migrated in a transaction of its
 * own before the write's (a write that then fails leaves it migrated, its views as they
 * were). A new store, and later versions, migrate inside the write's transaction. */
#define STORE_FK_SAFE_VERSION 7

static enum esc_status migrate_apart(struct store *s, struct err *e)
{
	int v, n;
	enum esc_status st = ESC_OK;
	char pragma[64];

	if (schema_state(s, &v, &n))
		return store_fail(s, e, "cannot read the schema version");
	if (v == 0 || v >= STORE_FK_SAFE_VERSION || v > store_nmigrations)
		return ESC_OK;
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_ENABLE_FKEY, 0, NULL);
	if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		st = store_fail(s, e, "cannot begin a transaction");
		goto out;
	}
	s->in_tx = 1;
	if ((st = check_intact(s, e)))
		goto out;
	/* another escprof may have migrated it meanwhile */
	if (schema_state(s, &v, &n)) {
		st = store_fail(s, e, "cannot read the schema version");
		goto out;
	}
	if (v > 0 && v < STORE_FK_SAFE_VERSION && v < store_nmigrations) {
		if ((st = migrate(s, v, e)))
			goto out;
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", store_nmigrations);
		if (sqlite3_exec(s->db, pragma, NULL, NULL, NULL) != SQLITE_OK) {
			st = store_fail(s, e, "cannot set the schema version");
			goto out;
		}
	}
	if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		st = store_fail(s, e, "cannot commit the migration");
out:
	if (s->in_tx && !sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	s->in_tx = 0;
	if (!s->fk_off)
		sqlite3_db_config(s->db, SQLITE_DBCONFIG_ENABLE_FKEY, 1, NULL);
	return st;
}

/* BEGIN IMMEDIATE and the schema checks that must see the same snapshot as the write. */
static enum esc_status begin_tx(struct store *s, struct err *e)
{
	int v, n;
	enum esc_status st;
	char pragma[64];

	if ((st = migrate_apart(s, e))) {
		fk_restore(s);
		return st;
	}

	if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return store_fail(s, e, "cannot begin a transaction");
	s->in_tx = 1;
	if ((st = check_intact(s, e)))
		goto fail;
	if (schema_state(s, &v, &n)) {
		st = store_fail(s, e, "cannot read the schema version");
		goto fail;
	}
	if (v > store_nmigrations) {
		st = err_set(e, ESC_ESCHEMA,
			     "'%s': schema version %d, newer than this escprof's %d: upgrade escprof",
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
	rollback_all(s);
	return st;
}

enum esc_status store_begin(struct store *s, struct err *e)
{
	enum esc_status st;

	/* on a server: its transaction, then the working copy's (a plain one: nobody else
	 * opens it, and it is made whole) */
	if (s->pg) {
		if ((st = store_pg_begin(s, e)))
			return st;
		if (!(s->batch && s->in_tx)) {
			if (sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
				goto pg_fail;
			s->in_tx = 1;
		}
		if (!s->batch)
			return ESC_OK;
		if (sqlite3_exec(s->db, "SAVEPOINT write", NULL, NULL, NULL) != SQLITE_OK)
			goto pg_fail;
		s->depth++;
		return ESC_OK;
pg_fail:
		st = store_fail(s, e, "cannot begin a transaction in the working copy");
		store_pg_rollback(s);
		return st;
	}
	if (s->read_only || s->mode == STORE_READ_ONLY || s->lost) {
		fk_restore(s);
		if (s->read_only)
			return err_set(e, ESC_EIO, "cannot write database '%s': the file or its"
				       " directory is read-only", s->path);
		if (s->mode == STORE_READ_ONLY)
			return err_set(e, ESC_EUSAGE, "database '%s' is open read-only", s->path);
		return err_set(e, ESC_EDB, "database '%s': an earlier write of this command was"
			       " rolled back", s->path);
	}
	if (!(s->batch && s->in_tx) && (st = begin_tx(s, e)))
		return st;
	if (!s->batch)
		return ESC_OK;
	if (sqlite3_exec(s->db, "SAVEPOINT write", NULL, NULL, NULL) != SQLITE_OK)
		return store_fail(s, e, "cannot begin a transaction");
	s->depth++;
	return ESC_OK;
}

static void rollback_wc(struct store *s);

enum esc_status store_commit(struct store *s, struct err *e)
{
	const char *sql = s->batch ? "RELEASE write" : "COMMIT";

	if (s->pg) {
		enum esc_status st = store_pg_commit(s, e);

		if (st) {
			rollback_wc(s);
			return st;
		}
	}
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		enum esc_status st = store_fail(s, e, "cannot commit");

		store_rollback(s);
		return st;
	}
	if (s->batch)
		s->depth--;
	else
		s->in_tx = 0;
	fk_restore(s);
	return ESC_OK;
}

void store_rollback(struct store *s)
{
	if (s->pg)
		store_pg_rollback(s);
	rollback_wc(s);
}

/* the working copy's half of store_rollback (all of it on SQLite) */
static void rollback_wc(struct store *s)
{
	if (!s->batch || !s->depth) {
		rollback_all(s);
		return;
	}
	s->depth--;
	/* a full disk or an I/O error can make SQLite end the whole transaction itself: the
	 * batch's earlier writes are gone too, and the batch must not commit what is left */
	if (sqlite3_get_autocommit(s->db)) {
		s->lost = 1;
		s->in_tx = 0;
		s->depth = 0;
		return;
	}
	sqlite3_exec(s->db, "ROLLBACK TO write", NULL, NULL, NULL);
	sqlite3_exec(s->db, "RELEASE write", NULL, NULL, NULL);
}

void store_batch_begin(struct store *s)
{
	if (s && s->mode == STORE_READ_WRITE)
		s->batch = 1;
}

enum esc_status store_batch_commit(struct store *s, struct err *e)
{
	enum esc_status st = ESC_OK;

	if (!s)
		return ESC_OK;
	if (s->pg && (st = store_pg_batch_commit(s, e)))
		s->lost = 1;	/* and the working copy's batch is rolled back too */
	if (s->lost || (s->in_tx && sqlite3_get_autocommit(s->db)))
		st = err_set(e, ESC_EDB, "database '%s': a write failed and was rolled back", s->path);
	else if (s->depth)
		st = err_set(e, ESC_EDB, "database '%s': a write was left unfinished", s->path);
	else if (s->in_tx && sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		st = store_fail(s, e, "cannot commit");
	rollback_all(s);
	s->batch = 0;
	s->lost = 0;
	return st;
}

/* The `sql` command is read-only even on a read-write handle (ctx NULL), and with or
 * without --write (ctx non-NULL) never reaches past the store: no pointer from
 * fts3_tokenizer, no extension, no writable schema. */
static int sql_authorizer(void *ctx, int action, const char *a, const char *b,
			  const char *c, const char *d)
{
	(void)c;
	(void)d;
	switch (action) {
	case SQLITE_FUNCTION:
		return b && (!strcasecmp(b, "fts3_tokenizer") || !strcasecmp(b, "load_extension")) ?
			       SQLITE_DENY : SQLITE_OK;
	case SQLITE_PRAGMA:
		/* table_info(x) and friends read; a pragma that sets something is refused by
		 * sqlite3_stmt_readonly below and by the read-only connection */
		return a && !strcasecmp(a, "writable_schema") && b ? SQLITE_DENY : SQLITE_OK;
	case SQLITE_SELECT:
	case SQLITE_READ:
	case SQLITE_RECURSIVE:
		return SQLITE_OK;
	default:
		return ctx ? SQLITE_OK : SQLITE_DENY;
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

	/* kept until the statement is done: a statement SQLite prepares again on a schema
	 * change is authorized again */
	sqlite3_set_authorizer(s->db, sql_authorizer, write ? s : NULL);
	rc = sqlite3_prepare_v2(s->db, sql, -1, &st, &tail);
	if (rc != SQLITE_OK) {
		ret = rc == SQLITE_AUTH && !write ?
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
		ret = err_set(e, ESC_ENOMEM, "'%s': out of memory", s->path);
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
	sqlite3_set_authorizer(s->db, NULL, NULL);
	free(names);
	free(vals);
	return ret;
}

int store_query(struct store *s, const char *sql, store_row_fn fn, void *ctx, struct err *e)
{
	if (s->pg)
		return store_pg_query(s, sql, 0, fn, ctx, e);
	return query(s, sql, 0, fn, ctx, e);
}

int store_query_write(struct store *s, const char *sql, store_row_fn fn, void *ctx, struct err *e)
{
	int r;

	if (s->pg)
		return store_pg_query(s, sql, 1, fn, ctx, e);
	if ((r = store_begin(s, e)))
		return r;
	if ((r = query(s, sql, 1, fn, ctx, e))) {
		store_rollback(s);
		return r;
	}
	return store_commit(s, e);
}

int store_next_id(const char **p, size_t k, int64_t *v)
{
	const char *q = *p;
	char *end;
	long long x;

	if (!k && *q++ != '[')
		return -1;
	if (*q == ']')
		return q[1] ? -1 : (*p = q, 0);
	if (k && *q++ != ',')
		return -1;
	if (*q != '-' && (*q < '0' || *q > '9'))
		return -1;	/* strtoll would skip spaces and take a '+' */
	x = strtoll(q, &end, 10);
	if (end == q)
		return -1;
	*v = x;
	*p = end;
	return 1;
}
