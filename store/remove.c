/* remove.c — the names of profiles and builds, finding them by id or name, choosing what
 * prune removes, and removing them. A removal is one DELETE of the profile or build row
 * per item, in one transaction: the schema's foreign keys cascade to every row hanging
 * from it, and its triggers remove the analyses made with a build and the shared rows
 * (stacks, locations, functions, strings) no other profile holds (schema/006.sql). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query_int.h"

static const char *const name_table[] = {"profile_name", "build_name"};
static const char *const name_key[] = {"profile_id", "build_id"};
static const char *const item_table[] = {"profile", "build"};

enum esc_status store_add_name(struct store *s, enum store_kind kind, int64_t id, const char *name,
			       struct err *e)
{
	enum esc_status st = store_add_name_local(s, kind, id, name, e);

	if (!st && s->pg)
		st = store_pg_add_name(s, kind, id, name, e);
	return st;
}

enum esc_status store_add_name_local(struct store *s, enum store_kind kind, int64_t id,
				     const char *name, struct err *e)
{
	char sql[256];
	sqlite3_stmt *st;
	int64_t now = 0;
	int rc;

	/* nothing to do when the name already means this one */
	snprintf(sql, sizeof(sql), "SELECT %s FROM %s WHERE name = ? ORDER BY seq DESC LIMIT 1",
		 name_key[kind], name_table[kind]);
	if (store_prepare(s, sql, &st, e))
		return ESC_EDB;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		now = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(s, e, "cannot look up a name");
	if (now == id)
		return ESC_OK;
	/* REPLACE: a name it had before is given again, as the newest */
	snprintf(sql, sizeof(sql), "INSERT OR REPLACE INTO %s (%s, name) VALUES (?,?)",
		 name_table[kind], name_key[kind]);
	if (store_prepare(s, sql, &st, e))
		return ESC_EDB;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_fail(s, e, "cannot store a name");
	return ESC_OK;
}

static int take_item(sqlite3_stmt *st, void *row)
{
	struct store_item *r = row;
	int oom = 0;

	r->kind = (enum store_kind)sqlite3_column_int(st, 0);
	r->id = sqlite3_column_int64(st, 1);
	r->name = query_text_req(st, 2, &oom);
	r->loaded_at = query_text_req(st, 3, &oom);
	return -oom;
}

static void drop_item(void *row)
{
	struct store_item *r = row;

	free(r->name);
	free(r->loaded_at);
}

void store_items_free(struct store_item *rows, size_t n)
{
	query_rows_free(rows, n, sizeof(*rows), drop_item);
}

enum esc_status store_match(struct store *s, unsigned kinds, const char *ref,
			    struct store_item **rows, size_t *n, struct err *e)
{
	sqlite3_stmt *st;
	char *end;
	long long id = strtoll(ref, &end, 10);
	int numeric = *ref && !*end;

	if (s->pg)
		return store_pg_match(s, kinds, ref, rows, n, e);
	*rows = NULL;
	*n = 0;
	/* an id is that profile and that build; a name, all that carry it */
	if (store_prepare(s, numeric ?
			  "SELECT 0, id, name, loaded_at FROM profile WHERE ?1 & 1 AND id = ?2"
			  " UNION ALL SELECT 1, id, name, loaded_at FROM build WHERE ?1 & 2 AND id = ?2"
			  " ORDER BY 1, 2" :
			  "SELECT 0, id, name, loaded_at FROM profile WHERE ?1 & 1 AND id IN"
			  "  (SELECT profile_id FROM profile_name WHERE name = ?3)"
			  " UNION ALL SELECT 1, id, name, loaded_at FROM build WHERE ?1 & 2 AND id IN"
			  "  (SELECT build_id FROM build_name WHERE name = ?3)"
			  " ORDER BY 1, 2", &st, e))
		return ESC_EDB;
	sqlite3_bind_int(st, 1, (int)kinds);
	if (numeric)
		sqlite3_bind_int64(st, 2, id);
	else
		sqlite3_bind_text(st, 3, ref, -1, SQLITE_STATIC);
	return query_rows(s, st, sizeof(**rows), take_item, drop_item, rows, n,
			  "cannot look up profiles and builds", e);
}

enum esc_status store_prune_list(struct store *s, enum store_kind kind, const char *before,
				 int64_t keep_last, struct store_item **rows, size_t *n,
				 struct err *e)
{
	char sql[512];
	sqlite3_stmt *st;

	if (s->pg)
		return store_pg_prune_list(s, kind, before, keep_last, rows, n, e);
	*rows = NULL;
	*n = 0;
	snprintf(sql, sizeof(sql),
		 "SELECT %d, id, name, loaded_at FROM %s"
		 " WHERE (?1 IS NULL OR loaded_at < ?1)"
		 "   AND id NOT IN (SELECT id FROM %s ORDER BY loaded_at DESC, id DESC LIMIT ?2)"
		 " ORDER BY loaded_at, id", (int)kind, item_table[kind], item_table[kind]);
	if (store_prepare(s, sql, &st, e))
		return ESC_EDB;
	if (before)
		sqlite3_bind_text(st, 1, before, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, keep_last > 0 ? keep_last : 0);
	return query_rows(s, st, sizeof(**rows), take_item, drop_item, rows, n,
			  "cannot choose what to prune", e);
}

enum esc_status store_remove(struct store *s, const struct store_item *items, size_t n,
			     struct err *e)
{
	sqlite3_stmt *st[2] = {NULL, NULL};
	enum esc_status ret;
	size_t i;

	if (s->pg)
		return store_pg_remove(s, items, n, e);
	if ((ret = store_begin(s, e)))
		return ret;
	if ((ret = store_prepare(s, "DELETE FROM profile WHERE id = ?", &st[STORE_PROFILE], e)) ||
	    (ret = store_prepare(s, "DELETE FROM build WHERE id = ?", &st[STORE_BUILD], e)))
		goto fail;
	for (i = 0; i < n; i++) {
		sqlite3_stmt *q = st[items[i].kind == STORE_BUILD];

		sqlite3_bind_int64(q, 1, items[i].id);
		if (sqlite3_step(q) != SQLITE_DONE) {
			ret = store_fail(s, e, items[i].kind == STORE_BUILD ? "cannot remove a build" :
					 "cannot remove a profile");
			goto fail;
		}
		sqlite3_reset(q);
	}
	sqlite3_finalize(st[0]);
	sqlite3_finalize(st[1]);
	return store_commit(s, e);
fail:
	sqlite3_finalize(st[0]);
	sqlite3_finalize(st[1]);
	store_rollback(s);
	return ret;
}
