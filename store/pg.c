/* pg.c — the store on a PostgreSQL server (--db postgres://…), through libpq.
 *
 * The tables are the SQLite store's, laid out for a fleet (store/pgschema/): every row
 * of a profile carries its profile_id, a profile's strings, functions, locations and
 * stack nodes are its own rows, and a build's diagnostics carry its build_id. A profile
 * is loaded the way the SQLite store loads one, into a temporary SQLite store of its own
 * (the working copy: the same code draws the same ids), whose rows are then streamed to
 * the server with COPY under the profile's new id, in the transaction of the command.
 * Two loads of the same bytes, from two hosts at the same moment, meet at the unique
 * sha256 of the profile table: the second waits for the first and keeps its profile.
 *
 * Each write is a transaction (in a batch, a savepoint of the batch's one), so a failed or
 * interrupted load leaves nothing behind. The password is libpq's business: it comes from
 * the URL, $PGPASSWORD or ~/.pgpass and never appears in a message, which names the
 * database as postgres://user@host:port/dbname. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libpq-fe.h>

#include "common/buf.h"
#include "pg_int.h"
#include "pq_shim.h"

extern const char *const store_pg_migrations[];
extern const int store_pg_nmigrations;

/* pg_type oids (catalog/pg_type.h is not installed by libpq-dev) */
enum { OID_BOOL = 16, OID_BYTEA = 17, OID_INT8 = 20, OID_INT2 = 21, OID_INT4 = 23,
       OID_OID = 26, OID_FLOAT4 = 700, OID_FLOAT8 = 701, OID_NUMERIC = 1700 };


int store_is_pg(const char *db)
{
	const char *p = db;

	if (!db)
		return 0;
	if (!strncmp(db, "postgres://", 11) || !strncmp(db, "postgresql://", 13))
		return 1;
	/* a libpq keyword string: "host=… dbname=…" (a file name has no "word=" first) */
	while (*p == ' ' || *p == '\t')
		p++;
	if (!isalpha((unsigned char)*p))
		return 0;
	while (isalnum((unsigned char)*p) || *p == '_')
		p++;
	while (*p == ' ' || *p == '\t')
		p++;
	return *p == '=';
}

/* postgres://user@host:port/dbname, from what libpq made of db (never its password) */
static char *display_name(const char *db, PGconn *conn)
{
	PQconninfoOption *o = NULL, *i;
	const char *user = NULL, *host = NULL, *port = NULL, *name = NULL;
	struct buf b;

	if (conn) {
		user = PQuser(conn);
		host = PQhost(conn);
		port = PQport(conn);
		name = PQdb(conn);
	} else if ((o = PQconninfoParse(db, NULL))) {
		for (i = o; i->keyword; i++) {
			if (!strcmp(i->keyword, "user"))
				user = i->val;
			else if (!strcmp(i->keyword, "host"))
				host = i->val;
			else if (!strcmp(i->keyword, "port"))
				port = i->val;
			else if (!strcmp(i->keyword, "dbname"))
				name = i->val;
		}
	}
	buf_init(&b);
	buf_adds(&b, "postgres://");
	if (user && *user) {
		buf_adds(&b, user);
		buf_addc(&b, '@');
	}
	buf_adds(&b, host && *host ? host : "");
	if (port && *port) {
		buf_addc(&b, ':');
		buf_adds(&b, port);
	}
	if (name && *name) {
		buf_addc(&b, '/');
		buf_adds(&b, name);
	}
	if (o)
		PQconninfoFree(o);
	return buf_detach(&b, NULL);
}

/* libpq's message, first line only, without its "ERROR:  " */
static const char *pg_message(const struct store *s, const PGresult *r, char *out, size_t n)
{
	const char *m = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	size_t k;

	if (!m || !*m)
		m = r && *PQresultErrorMessage(r) ? PQresultErrorMessage(r) : PQerrorMessage(s->pg->conn);
	if (!strncmp(m, "ERROR:  ", 8))
		m += 8;
	snprintf(out, n, "%s", m && *m ? m : "the server closed the connection");
	k = strcspn(out, "\n");
	out[k] = 0;
	return out;
}

enum esc_status store_pg_fail(struct store *s, struct err *e, const char *what, const PGresult *r)
{
	char m[384];

	return err_set(e, ESC_EDB, "database '%s': %s: %s", s->path, what, pg_message(s, r, m, sizeof(m)));
}

/* Runs sql with text parameters (NULL for SQL NULL); the result when it succeeded. */
PGresult *store_pg_run(struct store *s, const char *sql, int n, const char *const *vals,
			const char *what, struct err *e)
{
	PGresult *r = PQexecParams(s->pg->conn, sql, n, NULL, vals, NULL, NULL, 0);
	ExecStatusType t = PQresultStatus(r);

	if (t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK)
		return r;
	store_pg_fail(s, e, what, r);
	PQclear(r);
	return NULL;
}

enum esc_status store_pg_do(struct store *s, const char *sql, const char *what, struct err *e)
{
	PGresult *r = store_pg_run(s, sql, 0, NULL, what, e);

	if (!r)
		return ESC_EDB;
	PQclear(r);
	return ESC_OK;
}

/* a script of several statements, in the simple protocol (each migration is one) */
static enum esc_status pg_script(struct store *s, const char *sql, const char *what, struct err *e)
{
	PGresult *r = PQexec(s->pg->conn, sql);
	enum esc_status st = ESC_OK;

	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		st = store_pg_fail(s, e, what, r);
	PQclear(r);
	return st;
}

static void quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* Creates or migrates the schema in one transaction, under a lock that makes a second
 * escprof wait for the first's schema; refuses a newer one. */
static enum esc_status pg_schema(struct store *s, struct err *e)
{
	PGresult *r;
	enum esc_status st;
	int v = 0, i;

	if ((st = store_pg_do(s, "BEGIN", "cannot begin a transaction", e)))
		return st;
	if ((st = store_pg_do(s, "SELECT pg_advisory_xact_lock(7431245310)", "cannot lock the schema", e)))
		goto fail;
	if (!(r = store_pg_run(s, "SELECT to_regclass('escprof_schema') IS NOT NULL", 0, NULL,
			 "cannot read the schema version", e))) {
		st = ESC_EDB;
		goto fail;
	}
	if (!strcmp(PQgetvalue(r, 0, 0), "t")) {
		PQclear(r);
		if (!(r = store_pg_run(s, "SELECT max(version) FROM escprof_schema", 0, NULL,
				 "cannot read the schema version", e))) {
			st = ESC_EDB;
			goto fail;
		}
		v = atoi(PQgetvalue(r, 0, 0));
	} else if (s->mode == STORE_READ_ONLY) {
		PQclear(r);
		st = err_set(e, ESC_EDB, "database '%s' holds no escprof store", s->path);
		goto fail;
	}
	PQclear(r);
	if (v > store_pg_nmigrations) {
		st = err_set(e, ESC_ESCHEMA, "'%s': schema version %d, newer than this escprof's %d:"
			     " upgrade escprof", s->path, v, store_pg_nmigrations);
		goto fail;
	}
	for (i = v; i < store_pg_nmigrations; i++)
		if ((st = pg_script(s, store_pg_migrations[i], "cannot create the schema", e)))
			goto fail;
	if (v < store_pg_nmigrations) {
		char sql[64];

		snprintf(sql, sizeof(sql), "UPDATE escprof_schema SET version = %d", store_pg_nmigrations);
		if ((st = store_pg_do(s, sql, "cannot set the schema version", e)))
			goto fail;
	}
	return store_pg_do(s, "COMMIT", "cannot commit the schema", e);
fail:
	PQclear(PQexec(s->pg->conn, "ROLLBACK"));
	return st;
}

enum esc_status store_pg_open(struct store **out, const char *db, enum store_mode mode,
			      struct err *e)
{
	static const char *const keys[] = {"dbname", "fallback_application_name", NULL};
	const char *vals[] = {db, "escprof", NULL};
	struct store *s;
	enum esc_status st;

	*out = NULL;
	if (mode == STORE_TEMPORARY)
		return err_set(e, ESC_EUSAGE, "a temporary store is never on a server");
	if (!(s = calloc(1, sizeof(*s))) || !(s->pg = calloc(1, sizeof(*s->pg)))) {
		free(s);
		return err_set(e, ESC_ENOMEM, "out of memory");
	}
	s->mode = mode;
	s->lock_fd = -1;
	if ((st = pq_shim_load(e))) {
		free(s->pg);
		free(s);
		return st;
	}
	s->pg->conn = PQconnectdbParams(keys, vals, 1);
	if (!s->pg->conn || PQstatus(s->pg->conn) != CONNECTION_OK) {
		char *name = display_name(db, NULL);
		char m[384];

		if (!s->pg->conn)
			st = err_set(e, ESC_ENOMEM, "out of memory");
		else {
			s->path = name;
			st = err_set(e, ESC_EDB, "cannot connect to database '%s': %s", name ? name : "?",
				     pg_message(s, NULL, m, sizeof(m)));
			s->path = NULL;
		}
		free(name);
		goto fail;
	}
	PQsetNoticeProcessor(s->pg->conn, quiet, NULL);
	/* the store's text is UTF-8 (the decoders make it so); the server converts it to its
	 * own encoding, or says which text it cannot hold */
	if (PQsetClientEncoding(s->pg->conn, "UTF8")) {
		st = err_set(e, ESC_EDB, "cannot connect to database: the server does not take UTF-8");
		goto fail;
	}
	if (!(s->path = display_name(db, s->pg->conn))) {
		st = err_set(e, ESC_ENOMEM, "out of memory");
		goto fail;
	}
	if ((st = pg_schema(s, e)) || (st = store_pg_working_copy(s, e)))
		goto fail;
	*out = s;
	return ESC_OK;
fail:
	store_pg_close(s);
	return st;
}

void store_pg_close(struct store *s)
{
	if (s->pg->conn) {
		if (s->pg->in_tx && PQtransactionStatus(s->pg->conn) != PQTRANS_IDLE)
			PQclear(PQexec(s->pg->conn, "ROLLBACK"));
		PQfinish(s->pg->conn);
	}
	/* the working copy: s->db is its connection */
	store_close(s->pg->wc);
	s->db = NULL;
	free(s->pg->profiles);
	free(s->pg->analyses);
	free(s->pg->builds);
	free(s->pg);
	free(s->path);
	free(s);
}

/* ---- transactions: the server's half of store_begin/store_commit/store_rollback (the
 * working copy's half is store.c's) ---- */

enum esc_status store_pg_begin(struct store *s, struct err *e)
{
	struct store_pg *pg = s->pg;
	enum esc_status st;

	if (s->mode == STORE_READ_ONLY)
		return err_set(e, ESC_EUSAGE, "database '%s' is open read-only", s->path);
	if (pg->lost)
		return err_set(e, ESC_EDB, "database '%s': an earlier write of this command was"
			       " rolled back", s->path);
	if (!(s->batch && pg->in_tx)) {
		if ((st = store_pg_do(s, "BEGIN", "cannot begin a transaction", e)))
			return st;
		pg->in_tx = 1;
	}
	if (!s->batch)
		return ESC_OK;
	if ((st = store_pg_do(s, "SAVEPOINT write", "cannot begin a transaction", e)))
		return st;
	pg->depth++;
	return ESC_OK;
}

enum esc_status store_pg_commit(struct store *s, struct err *e)
{
	enum esc_status st = store_pg_do(s, s->batch ? "RELEASE write" : "COMMIT", "cannot commit", e);

	if (st) {
		store_pg_rollback(s);
		return st;
	}
	if (s->batch)
		s->pg->depth--;
	else
		s->pg->in_tx = 0;
	return ESC_OK;
}

void store_pg_rollback(struct store *s)
{
	struct store_pg *pg = s->pg;
	PGconn *c = pg->conn;

	if (!s->batch || !pg->depth) {
		if (pg->in_tx && PQtransactionStatus(c) != PQTRANS_IDLE)
			PQclear(PQexec(c, "ROLLBACK"));
		pg->in_tx = 0;
		pg->depth = 0;
		return;
	}
	pg->depth--;
	/* a connection lost (a backend terminated) takes the whole batch with it */
	if (PQstatus(c) != CONNECTION_OK || PQtransactionStatus(c) == PQTRANS_IDLE) {
		pg->lost = 1;
		pg->in_tx = 0;
		pg->depth = 0;
		return;
	}
	PQclear(PQexec(c, "ROLLBACK TO write"));
	PQclear(PQexec(c, "RELEASE write"));
}

enum esc_status store_pg_batch_commit(struct store *s, struct err *e)
{
	struct store_pg *pg = s->pg;
	enum esc_status st = ESC_OK;
	int batch = s->batch;

	if (pg->lost)
		st = err_set(e, ESC_EDB, "database '%s': a write failed and was rolled back", s->path);
	else if (pg->depth)
		st = err_set(e, ESC_EDB, "database '%s': a write was left unfinished", s->path);
	else if (pg->in_tx && !(st = store_pg_do(s, "COMMIT", "cannot commit", e)))
		pg->in_tx = 0;
	s->batch = 0;
	store_pg_rollback(s);
	s->batch = batch;
	pg->lost = 0;
	return st;
}

/* ---- names ---- */

static const char *const name_sql[] = {
	/* nothing when the name already means this one; else it is given, as the newest */
	"INSERT INTO profile_name (profile_id, name) SELECT $1, $2"
	" WHERE $1::bigint IS DISTINCT FROM (SELECT profile_id FROM profile_name WHERE name = $2"
	"                                    ORDER BY seq DESC LIMIT 1)"
	" ON CONFLICT (profile_id, name)"
	" DO UPDATE SET seq = nextval(pg_get_serial_sequence('profile_name', 'seq'))",
	"INSERT INTO build_name (build_id, name) SELECT $1, $2"
	" WHERE $1::bigint IS DISTINCT FROM (SELECT build_id FROM build_name WHERE name = $2"
	"                                    ORDER BY seq DESC LIMIT 1)"
	" ON CONFLICT (build_id, name)"
	" DO UPDATE SET seq = nextval(pg_get_serial_sequence('build_name', 'seq'))",
};

enum esc_status store_pg_add_name(struct store *s, enum store_kind kind, int64_t id,
				   const char *name, struct err *e)
{
	char num[24];
	const char *v[2] = {num, name};
	PGresult *r;

	snprintf(num, sizeof(num), "%" PRId64, id);
	if (!(r = store_pg_run(s, name_sql[kind], 2, v, "cannot store a name", e)))
		return ESC_EDB;
	PQclear(r);
	return ESC_OK;
}

/* ---- loading a profile ---- */

/* ---- the sql command ---- */

/* The first word of a statement, past spaces and comments. */
static size_t first_word(const char *sql, const char **w)
{
	const char *p = sql;

	for (;;) {
		while (isspace((unsigned char)*p) || *p == '(')
			p++;
		if (p[0] == '-' && p[1] == '-') {
			p += strcspn(p, "\n");
		} else if (p[0] == '/' && p[1] == '*') {
			const char *end = strstr(p + 2, "*/");

			p = end ? end + 2 : p + strlen(p);
		} else {
			break;
		}
	}
	*w = p;
	while (isalpha((unsigned char)*p))
		p++;
	return (size_t)(p - *w);
}

/* Without --write, only a statement that reads is sent, and inside a READ ONLY
 * transaction: the server refuses any write in it, a data-modifying WITH included. */
static int reads(const char *sql)
{
	static const char *const ok[] = {"select", "with", "values", "table", "explain", "show"};
	const char *w;
	size_t n = first_word(sql, &w), i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (n == strlen(ok[i]) && !strncasecmp(w, ok[i], n))
			return 1;
	return 0;
}

static void take_value(struct store_value *v, const PGresult *r, int row, int col,
		       unsigned char **unescaped)
{
	const char *t = PQgetvalue(r, row, col);
	char *end;

	*v = (struct store_value){.type = STORE_NULL};
	if (PQgetisnull(r, row, col))
		return;
	switch (PQftype(r, col)) {
	case OID_BOOL:
		*v = (struct store_value){.type = STORE_INT, .i = *t == 't'};
		return;
	case OID_INT2: case OID_INT4: case OID_INT8: case OID_OID:
		*v = (struct store_value){.type = STORE_INT, .i = strtoll(t, NULL, 10)};
		return;
	case OID_NUMERIC:
		/* sum() of bigints is numeric: a whole number that fits reads as an integer */
		errno = 0;
		v->i = strtoll(t, &end, 10);
		if (!*end && !errno) {
			v->type = STORE_INT;
			return;
		}
		/* fall through */
	case OID_FLOAT4: case OID_FLOAT8:
		*v = (struct store_value){.type = STORE_REAL, .r = strtod(t, NULL)};
		return;
	case OID_BYTEA: {
		size_t n = 0;

		*unescaped = PQunescapeBytea((const unsigned char *)t, &n);
		*v = (struct store_value){.type = STORE_BLOB, .s = (const char *)*unescaped, .len = n};
		if (!*unescaped)
			*v = (struct store_value){.type = STORE_NULL};
		return;
	}
	default:
		*v = (struct store_value){.type = STORE_TEXT, .s = t, .len = (size_t)PQgetlength(r, row, col)};
	}
}

static int run_query(struct store *s, const char *sql, store_row_fn fn, void *ctx, struct err *e)
{
	PGconn *c = s->pg->conn;
	PGresult *r;
	const char **names = NULL;
	struct store_value *vals = NULL;
	unsigned char **blobs = NULL;
	int ret = 0, named = 0, n = 0, i, failed = 0;

	if (!PQsendQueryParams(c, sql, 0, NULL, NULL, NULL, NULL, 0))
		return store_pg_fail(s, e, "sql", NULL);
	PQsetSingleRowMode(c);
	while ((r = PQgetResult(c))) {
		ExecStatusType t = PQresultStatus(r);

		if (ret || failed) {
			PQclear(r);
			continue;
		}
		if (t == PGRES_EMPTY_QUERY) {
			ret = err_set(e, ESC_EUSAGE, "sql: empty statement");
		} else if (t == PGRES_SINGLE_TUPLE || t == PGRES_TUPLES_OK || t == PGRES_COMMAND_OK) {
			if (!named) {
				n = PQnfields(r);
				names = calloc((size_t)n + 1, sizeof(*names));
				vals = calloc((size_t)n + 1, sizeof(*vals));
				blobs = calloc((size_t)n + 1, sizeof(*blobs));
				if (!names || !vals || !blobs) {
					ret = err_set(e, ESC_ENOMEM, "'%s': out of memory", s->path);
					PQclear(r);
					continue;
				}
				for (i = 0; i < n; i++)
					names[i] = strdup(PQfname(r, i));
				named = 1;
				for (i = 0; i < n; i++)
					if (!names[i])
						ret = err_set(e, ESC_ENOMEM, "'%s': out of memory", s->path);
				if (!ret)
					ret = fn(ctx, (size_t)n, names, NULL);
			}
			if (t == PGRES_SINGLE_TUPLE && !ret) {
				for (i = 0; i < n; i++)
					take_value(&vals[i], r, 0, i, &blobs[i]);
				ret = fn(ctx, (size_t)n, names, vals);
				for (i = 0; i < n; i++) {
					PQfreemem(blobs[i]);
					blobs[i] = NULL;
				}
			}
		} else {
			const char *code = PQresultErrorField(r, PG_DIAG_SQLSTATE);
			char m[384];

			pg_message(s, r, m, sizeof(m));
			failed = 1;
			/* 42: the statement itself (syntax, no such table); 25006: a write in
			 * the read-only transaction */
			if (code && !strcmp(code, "25006"))
				ret = err_set(e, ESC_EUSAGE, "sql: only reading statements are allowed"
					      " without --write (%s)", m);
			else if (code && !strcmp(code, "42601") && strstr(m, "multiple commands"))
				ret = err_set(e, ESC_EUSAGE, "sql: one statement at a time");
			else if (code && !strncmp(code, "42", 2))
				ret = err_set(e, ESC_EUSAGE, "sql: %s", m);
			else
				ret = err_set(e, ESC_EDB, "sql: %s", m);
		}
		PQclear(r);
	}
	for (i = 0; names && i < n; i++)
		free((char *)names[i]);
	free(names);
	free(vals);
	free(blobs);
	return ret;
}

int store_pg_query(struct store *s, const char *sql, int write, store_row_fn fn, void *ctx,
		   struct err *e)
{
	int r;

	if (!write) {
		if (!reads(sql))
			return err_set(e, ESC_EUSAGE, "sql: only reading statements are allowed without --write");
		if ((r = store_pg_do(s, "BEGIN TRANSACTION READ ONLY", "cannot begin a transaction", e)))
			return r;
		s->pg->in_tx = 1;
		r = run_query(s, sql, fn, ctx, e);
		PQclear(PQexec(s->pg->conn, r ? "ROLLBACK" : "COMMIT"));
		s->pg->in_tx = 0;
		return r;
	}
	if ((r = store_pg_begin(s, e)))
		return r;
	if ((r = run_query(s, sql, fn, ctx, e))) {
		store_pg_rollback(s);
		return r;
	}
	return store_pg_commit(s, e);
}

/* ---- rm and prune ---- */

static enum esc_status take_items(struct store *s, PGresult *r, struct store_item **rows,
				  size_t *n, struct err *e)
{
	int k = PQntuples(r), i;

	*rows = NULL;
	*n = 0;
	if (!k) {
		PQclear(r);
		return ESC_OK;
	}
	if (!(*rows = calloc((size_t)k, sizeof(**rows)))) {
		PQclear(r);
		return err_set(e, ESC_ENOMEM, "'%s': out of memory", s->path);
	}
	for (i = 0; i < k; i++) {
		struct store_item *it = &(*rows)[i];

		it->kind = (enum store_kind)atoi(PQgetvalue(r, i, 0));
		it->id = strtoll(PQgetvalue(r, i, 1), NULL, 10);
		it->name = strdup(PQgetvalue(r, i, 2));
		it->loaded_at = strdup(PQgetvalue(r, i, 3));
		*n = (size_t)i + 1;
		if (!it->name || !it->loaded_at) {
			PQclear(r);
			store_items_free(*rows, *n);
			*rows = NULL;
			*n = 0;
			return err_set(e, ESC_ENOMEM, "'%s': out of memory", s->path);
		}
	}
	PQclear(r);
	return ESC_OK;
}

enum esc_status store_pg_match(struct store *s, unsigned kinds, const char *ref,
			       struct store_item **rows, size_t *n, struct err *e)
{
	char k[16], num[24];
	const char *v[2] = {k, num};
	char *end;
	long long id = strtoll(ref, &end, 10);
	int numeric = *ref && !*end;
	PGresult *r;

	snprintf(k, sizeof(k), "%u", kinds);
	if (numeric)
		snprintf(num, sizeof(num), "%lld", id);
	else
		v[1] = ref;
	r = store_pg_run(s, numeric ?
		   "SELECT 0, id, name, loaded_at FROM profile WHERE $1::int & 1 <> 0 AND id = $2::bigint"
		   " UNION ALL SELECT 1, id, name, loaded_at FROM build"
		   "  WHERE $1::int & 2 <> 0 AND id = $2::bigint ORDER BY 1, 2" :
		   "SELECT 0, id, name, loaded_at FROM profile WHERE $1::int & 1 <> 0 AND id IN"
		   "  (SELECT profile_id FROM profile_name WHERE name = $2)"
		   " UNION ALL SELECT 1, id, name, loaded_at FROM build WHERE $1::int & 2 <> 0 AND id IN"
		   "  (SELECT build_id FROM build_name WHERE name = $2) ORDER BY 1, 2",
		   2, v, "cannot look up profiles and builds", e);
	if (!r)
		return ESC_EDB;
	return take_items(s, r, rows, n, e);
}

enum esc_status store_pg_prune_list(struct store *s, enum store_kind kind, const char *before,
				    int64_t keep_last, struct store_item **rows, size_t *n,
				    struct err *e)
{
	static const char *const sql[] = {
		"SELECT 0, id, name, loaded_at FROM profile WHERE ($1::text IS NULL OR loaded_at < $1)"
		" AND id NOT IN (SELECT id FROM profile ORDER BY loaded_at DESC, id DESC LIMIT $2)"
		" ORDER BY loaded_at, id",
		"SELECT 1, id, name, loaded_at FROM build WHERE ($1::text IS NULL OR loaded_at < $1)"
		" AND id NOT IN (SELECT id FROM build ORDER BY loaded_at DESC, id DESC LIMIT $2)"
		" ORDER BY loaded_at, id",
	};
	char keep[24];
	const char *v[2] = {before, keep};
	PGresult *r;

	snprintf(keep, sizeof(keep), "%" PRId64, keep_last > 0 ? keep_last : 0);
	if (!(r = store_pg_run(s, sql[kind == STORE_BUILD], 2, v, "cannot choose what to prune", e)))
		return ESC_EDB;
	return take_items(s, r, rows, n, e);
}

enum esc_status store_pg_remove(struct store *s, const struct store_item *items, size_t n,
				struct err *e)
{
	/* what is deleted for a profile or a build, in this order */
	static const char *const profile_rows[] = {
		"alloc_site", "sample_label", "sample_value_x", "sample", "stack", "location", "func", "str",
		NULL,
	};
	static const char *const build_rows[] = {"flow_step", "diagnostic", NULL};
	enum esc_status st;
	size_t i;

	if ((st = store_pg_begin(s, e)))
		return st;
	for (i = 0; i < n; i++) {
		char num[24];
		const char *v = num;
		int build = items[i].kind == STORE_BUILD;
		PGresult *r;

		snprintf(num, sizeof(num), "%" PRId64, items[i].id);
		/* the bulk rows first (they have no foreign key: 002.sql), then the row whose
		 * ON DELETE CASCADE takes the rest */
		for (const char *const *t = build ? build_rows : profile_rows;; t++) {
			char sql[96];

			if (*t)
				snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE %s = $1", *t,
					 build ? "build_id" : "profile_id");
			else
				snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE id = $1", build ? "build" : "profile");
			if (!(r = store_pg_run(s, sql, 1, &v, build ? "cannot remove a build" : "cannot remove a profile",
					       e))) {
				store_pg_rollback(s);
				return ESC_EDB;
			}
			PQclear(r);
			if (!*t)
				break;
		}
	}
	return store_pg_commit(s, e);
}

