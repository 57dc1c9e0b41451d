/* load.c — storing one decoded profile in one transaction (schema 7). Strings are
 * interned under ids drawn from a hash of their text; each location is turned once into
 * its frames (inlined lines innermost first) and stored once, found by a hash of its
 * lines, when a stack first needs it. Each sample's stack is found in this load's table
 * by its stored location ids (a location is unique by its lines and ends where a frame
 * is not inlined, so equal frames are equal location lists), else in the store under the
 * id its path draws, probed past ids holding other content: a hash only proposes, the
 * content decides. Once every sample is stored, the load's stacks are sorted by path
 * and cut where they part into a tree of nodes (see make_tree); the new nodes are
 * stored, in id order, each holding the locations it adds below its parent. The load
 * adds to the refs counts the shared rows keep for removal (a node: the profiles with
 * samples on it and the nodes below it; a location: the nodes listing it; a function:
 * the lines of locations naming it), counted in memory and written once at the end. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/digest.h"
#include "common/hmap.h"
#include "common/vec.h"
#include "store_int.h"
#include "common/paths.h"
#include "rowpipe.h"

_Static_assert(ROWPIPE_VALUES == STORE_INLINE_VALUES, "a sample row holds the inline values");

struct store_pipe_policy store_pipe = {4096, 2, 0};

struct frame {
	int64_t func_id;
	size_t fn;		/* the profile's function index; NO_FN for none or an address */
	int64_t line, col;
	int inlined;
};

struct loc_frames {
	struct frame *v;
	size_t n;
	int64_t id;		/* the stored location; 0 until a stack needs it */
	uint32_t refs;		/* times the nodes this load stored list it */
};
#define NO_FN SIZE_MAX

/* A distinct stack of this load: the n locations at locs_of[off], leaf first */
struct dstack {
	uint64_t h;		/* a hash of its location ids, for this load's table */
	int64_t id;		/* its node */
	uint32_t off, n;
	int is_new;		/* its node is this load's to store */
};

/* A node of the tree of this load's stacks: the path of the first len locations, root
 * first, of stack rep; its parent the node of the longest shorter path the tree has
 * (NO_NODE: none, a root) */
struct tnode {
	uint32_t rep, len, parent;
	uint32_t refs;		/* what this load adds to the node's refs */
	int64_t id;		/* 0 until a new node needs it as its parent */
	unsigned char is_new, is_stack;
};

/* A node id, and the path it is (rep, len) */
struct id_slot {
	int64_t id;
	uint32_t rep, len;
};

/* An open table of node ids (id 0: empty) */
struct id_table {
	struct id_slot *v;
	size_t n, cap;
};

struct loader {
	struct store *s;
	const struct store_profile_opts *o;
	const struct profile *p;
	struct err *e;
	int64_t profile_id;
	sqlite3_stmt *str_get, *str_put, *fn_get, *fn_put, *node_get, *node_put, *node_ref,
		*loc_get, *loc_put, *smp_put, *vx_put, *lbl_put, *fn_ref;
	int64_t *fids;			/* the stored function of each of the profile's */
	uint32_t *frefs;		/* lines of the locations this load stored naming it */
	struct buf text;		/* a location's lines or a node's locations, as stored */
	struct loc_frames *locs;
	struct dstack *ds;		/* the distinct stacks, in order of first sample */
	size_t nds, capds;
	/* not common/hmap: probed once per sample by a hash already made, no key copy */
	uint32_t *slots;		/* index in ds + 1 by hash; 0 empty */
	size_t capslots;
	uint32_t *locs_of;		/* location indices of the stacks, by dstack.off */
	size_t nlocs_of, caplocs_of;
	struct tnode *T;		/* the tree, once every sample is stored */
	size_t nt;
	struct id_table claimed;	/* the ids of this load's new nodes */
	struct id_table known;		/* stored nodes found to be a path of this load */
	struct id_slot *chain;		/* node_is's nodes walked */
	size_t capchain;
	int stored_before;		/* the store held stacks when this load began */
	int aliased;			/* and stacks of before version 7 (stack_alias) */
	uint32_t node_ids;		/* node and string ids are 1 .. node_ids */
	int strs_before;		/* the store held strings when this load began */
	struct id_table new_strs;	/* ids of this load's new strings; rep: index in new_text */
	char **new_text;
	size_t nnew_text, capnew_text;
	sqlite3_stmt *alias_get;
	struct hmap strs;		/* string -> its index in str_ids + 1 */
	int64_t *str_ids;		/* str ids, in order of first use */
	size_t nstr_ids, capstr_ids;
	struct rowpipe *pipe;		/* the sample rows' writer; NULL: inserted in place */
};

/* Around every call on the connection while the samples stream: the writer shares it. */
static void db_lock(struct loader *L)
{
	if (L->pipe)
		rowpipe_lock(L->pipe);
}

static void db_unlock(struct loader *L)
{
	if (L->pipe)
		rowpipe_unlock(L->pipe);
}

/* Memory ran out while storing the profile read from o->source. */
static enum esc_status nomem(struct loader *L)
{
	return err_set(L->e, ESC_ENOMEM, "'%s': out of memory", L->o->source);
}

/* Returns the str id of s, inserting it; 0 on failure with L->e set. */
/* Stacks and strings take ids drawn from a hash of what they hold: 1 .. NODE_IDS, four
 * bytes wherever one is stored, probed one by one past ids held by something else; the
 * content decides, never the hash, and no index of hashes is kept. */
#define NODE_IDS 2147483647u
#define NODE_PROBES 65536	/* ids tried for one before giving up */

/* The ids drawn from: all of them, or for tests the first ESCPROF_TEST_STACK_IDS, so that
 * paths meet on ids often enough to exercise the probing */
static uint32_t node_id_space(void)
{
	const char *t = getenv("ESCPROF_TEST_STACK_IDS");
	long n = t ? strtol(t, NULL, 10) : 0;

	return n > 0 && n < (long)NODE_IDS ? (uint32_t)n : NODE_IDS;
}

ESC_WRAPS static inline size_t id_home(int64_t id, size_t cap)
{
	return (size_t)(((uint64_t)id * 0x9e3779b97f4a7c15ULL) >> 20) & (cap - 1);
}

/* The slot of id in the open table of node ids (0 = empty), grown to keep it half
 * empty; NULL when memory runs out. */
static struct id_slot *id_slot(struct id_table *t, int64_t id)
{
	size_t i;

	if (2 * (t->n + 1) > t->cap) {
		size_t n = t->cap ? t->cap * 2 : 1024;
		struct id_slot *v = calloc(n, sizeof(*v));

		if (!v)
			return NULL;
		for (i = 0; i < t->cap; i++)
			if (t->v[i].id) {
				size_t h = id_home(t->v[i].id, n);

				while (v[h].id)
					h = (h + 1) & (n - 1);
				v[h] = t->v[i];
			}
		free(t->v);
		t->v = v;
		t->cap = n;
	}
	for (i = id_home(id, t->cap); t->v[i].id && t->v[i].id != id; i = (i + 1) & (t->cap - 1))
		;
	return &t->v[i];
}

static const struct id_slot *id_find(const struct id_table *t, int64_t id)
{
	size_t i;

	if (!t->cap)
		return NULL;
	for (i = id_home(id, t->cap); t->v[i].id; i = (i + 1) & (t->cap - 1))
		if (t->v[i].id == id)
			return &t->v[i];
	return NULL;
}

/* Whether stored string id is s (n bytes): 1 yes, 0 no, 2 no such string, -1 on failure. */
static int str_is(struct loader *L, int64_t id, const char *s, size_t n)
{
	int rc, same = 2;

	sqlite3_bind_int64(L->str_get, 1, id);
	rc = sqlite3_step(L->str_get);
	if (rc == SQLITE_ROW)
		same = (size_t)sqlite3_column_bytes(L->str_get, 0) == n &&
		       (!n || !memcmp(sqlite3_column_blob(L->str_get, 0), s, n));
	sqlite3_reset(L->str_get);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		store_fail(L->s, L->e, "cannot look up a string");
		return -1;
	}
	return same;
}

/* Returns the str id of s: the stored string's, or an id drawn from its hash (as a
 * stack's is) for a new one, stored at the end of the load; 0 on failure with L->e set. */
static int64_t intern(struct loader *L, const char *s)
{
	size_t n = strlen(s);
	void **slot = hmap_put(&L->strs, s, n);
	uint64_t h;
	uint32_t k;
	int64_t id = 0;

	if (slot && *slot)
		return L->str_ids[(uintptr_t)*slot - 1];
	if (!slot || vec_reserve(&L->str_ids, &L->capstr_ids, L->nstr_ids + 1, sizeof(*L->str_ids), 256)) {
		nomem(L);
		return 0;
	}
	h = hash64_bytes(s, n) % L->node_ids;
	for (k = 0; k < NODE_PROBES && !id; k++) {
		int64_t c = 1 + (int64_t)((h + k) % L->node_ids);
		struct id_slot *t;
		int r = 2;

		if (id_find(&L->new_strs, c))
			continue;
		if (L->strs_before && (r = str_is(L, c, s, n)) < 0)
			return 0;
		if (r == 1)
			id = c;
		else if (r == 2) {
			if (!(t = id_slot(&L->new_strs, c))) {
				nomem(L);
				return 0;
			}
			if (vec_reserve(&L->new_text, &L->capnew_text, L->nnew_text + 1,
					sizeof(*L->new_text), 256) ||
			    !(L->new_text[L->nnew_text] = strdup(s))) {
				nomem(L);
				return 0;
			}
			*t = (struct id_slot){c, (uint32_t)L->nnew_text++, 0};
			L->new_strs.n++;
			id = c;
		}
	}
	if (!id) {
		err_set(L->e, ESC_EDB, "database '%s': too many strings share one hash", L->s->path);
		return 0;
	}
	L->str_ids[L->nstr_ids++] = id;
	*slot = (void *)(uintptr_t)L->nstr_ids;
	return id;
}

static int64_t func_id(struct loader *L, const char *name, const char *file)
{
	int64_t n = intern(L, name), f = n ? intern(L, file) : 0, id = 0;

	if (!n || !f)
		return 0;
	sqlite3_bind_int64(L->fn_get, 1, n);
	sqlite3_bind_int64(L->fn_get, 2, f);
	if (sqlite3_step(L->fn_get) == SQLITE_ROW)
		id = sqlite3_column_int64(L->fn_get, 0);
	sqlite3_reset(L->fn_get);
	if (id)
		return id;
	sqlite3_bind_int64(L->fn_put, 1, n);
	sqlite3_bind_int64(L->fn_put, 2, f);
	if (sqlite3_step(L->fn_put) != SQLITE_DONE) {
		store_fail(L->s, L->e, "cannot store a function");
		sqlite3_reset(L->fn_put);
		return 0;
	}
	sqlite3_reset(L->fn_put);
	return sqlite3_last_insert_rowid(L->s->db);
}

/* Frames of every location, computed once; function ids are per function. */
static enum esc_status prepare_locations(struct loader *L)
{
	const struct profile *p = L->p;
	int64_t *fids = L->fids = calloc(p->nfunctions + 1, sizeof(*fids));
	size_t i, j;
	int64_t none = 0;

	L->frefs = calloc(p->nfunctions + 1, sizeof(*L->frefs));
	L->locs = calloc(p->nlocations + 1, sizeof(*L->locs));
	if (!fids || !L->frefs || !L->locs)
		return nomem(L);
	for (i = 0; i < p->nfunctions; i++)
		if (!(fids[i] = func_id(L, p->functions[i].name, p->functions[i].file)))
			goto fail;
	for (i = 0; i < p->nlocations; i++) {
		const struct profile_location *l = &p->locations[i];
		struct loc_frames *lf = &L->locs[i];
		size_t n = l->nlines ? l->nlines : 1;

		lf->v = calloc(n, sizeof(*lf->v));
		if (!lf->v) {
			nomem(L);
			goto fail;
		}
		lf->n = n;
		if (!l->nlines) {
			/* unsymbolised: the address stands in for the function, as pprof shows it */
			char addr[32];

			snprintf(addr, sizeof(addr), "0x%llx", (unsigned long long)l->address);
			if (!(lf->v[0].func_id = func_id(L, addr, "")))
				goto fail;
			lf->v[0].fn = NO_FN;
		}
		for (j = 0; j < l->nlines; j++) {
			const struct profile_line *ln = &l->lines[j];

			if (ln->function) {
				lf->v[j].fn = (size_t)(ln->function - p->functions);
				lf->v[j].func_id = fids[lf->v[j].fn];
			} else {
				if (!none && !(none = func_id(L, "", "")))
					goto fail;
				lf->v[j].func_id = none;
				lf->v[j].fn = NO_FN;
			}
			lf->v[j].line = ln->line;
			lf->v[j].col = ln->column;
			lf->v[j].inlined = j + 1 < l->nlines;
		}
	}
	return ESC_OK;
fail:
	return L->e->status ? L->e->status : ESC_EDB;
}

static int step_done(struct loader *L, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		store_fail(L->s, L->e, what);
		return -1;
	}
	return 0;
}

/* The hash a location is found by: 31 bits of its lines' (four bytes stored). */
static int64_t location_hash(const void *lines, size_t n)
{
	return (int64_t)(hash64_bytes(lines, n) >> 33);
}

/* Appends v in decimal, after sep when sep is not 0; -1 when memory runs out. */
static int add_int(struct buf *b, char sep, long long v)
{
	char t[24], *q = t + sizeof(t);
	/* |v| without overflow, LLONG_MIN included */
	unsigned long long u = v < 0 ? (unsigned long long)-(v + 1) + 1 : (unsigned long long)v;

	do
		*--q = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--q = '-';
	if (sep)
		*--q = sep;
	return buf_add(b, q, (size_t)(t + sizeof(t) - q));
}

/* The id of stored location i of the profile, storing it on first use (its lines are
 * its key: the JSON array of [func, line, col] per line, innermost first); 0 on failure. */
static int64_t location_id_stored(struct loader *L, size_t i);

static int64_t location_id(struct loader *L, size_t i)
{
	int64_t id;

	if (L->locs[i].id)
		return L->locs[i].id;
	db_lock(L);
	id = location_id_stored(L, i);
	db_unlock(L);
	return id;
}

static int64_t location_id_stored(struct loader *L, size_t i)
{
	struct loc_frames *lf = &L->locs[i];
	size_t j;
	int bad = 0, rc;
	int64_t h;

	buf_reset(&L->text);
	bad |= buf_addc(&L->text, '[');
	for (j = 0; j < lf->n; j++)
		bad |= (j ? buf_addc(&L->text, ',') : 0) | add_int(&L->text, '[', lf->v[j].func_id) |
		       add_int(&L->text, ',', lf->v[j].line) | add_int(&L->text, ',', lf->v[j].col) |
		       buf_addc(&L->text, ']');
	bad |= buf_addc(&L->text, ']');
	if (bad) {
		nomem(L);
		return 0;
	}
	h = location_hash(L->text.data, L->text.len);
	sqlite3_bind_int64(L->loc_get, 1, h);
	while ((rc = sqlite3_step(L->loc_get)) == SQLITE_ROW)
		if ((size_t)sqlite3_column_bytes(L->loc_get, 1) == L->text.len &&
		    !memcmp(sqlite3_column_blob(L->loc_get, 1), L->text.data, L->text.len)) {
			lf->id = sqlite3_column_int64(L->loc_get, 0);
			break;
		}
	sqlite3_reset(L->loc_get);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		store_fail(L->s, L->e, "cannot look up a location");
		return 0;
	}
	if (lf->id)
		return lf->id;
	sqlite3_bind_text(L->loc_put, 1, L->text.data, (int)L->text.len, SQLITE_STATIC);
	sqlite3_bind_int64(L->loc_put, 2, h);
	if (step_done(L, L->loc_put, "cannot store a location"))
		return 0;
	lf->id = sqlite3_last_insert_rowid(L->s->db);
	for (j = 0; j < lf->n; j++) {
		if (lf->v[j].fn != NO_FN) {
			L->frefs[lf->v[j].fn]++;
			continue;
		}
		/* a function the profile does not list: rare, counted at once */
		sqlite3_bind_int64(L->fn_ref, 1, 1);
		sqlite3_bind_int64(L->fn_ref, 2, lf->v[j].func_id);
		if (step_done(L, L->fn_ref, "cannot count a function's uses"))
			return lf->id = 0;
	}
	return lf->id;
}

/* ---- stacks: nodes of a tree ----
 * A path is the first len locations, root first, of this load's distinct stack rep. Its
 * node id is drawn from a hash of its location ids: ids 1 to 2^31 - 1, four bytes
 * wherever one is stored, probed one by one past ids taken by other paths. A stored node
 * is this path only if its locations and its parents' are exactly the path's. */
#define NO_NODE UINT32_MAX

static inline int64_t id_at(const struct loader *L, uint32_t rep, uint32_t j)
{
	const struct dstack *d = &L->ds[rep];

	return L->locs[L->locs_of[d->off + d->n - 1 - j]].id;
}

static uint64_t path_hash(const struct loader *L, uint32_t rep, uint32_t len)
{
	struct hash128 h = HASH128_INIT;
	uint32_t j;

	for (j = 0; j < len; j++)
		h = hash128_add(h, (uint64_t)id_at(L, rep, j));
	return hash128_add(h, len).lo;
}

static int same_prefix(const struct loader *L, uint32_t a, uint32_t b, uint32_t len)
{
	uint32_t j;

	for (j = 0; j < len; j++)
		if (id_at(L, a, j) != id_at(L, b, j))
			return 0;
	return 1;
}

/* Whether stored node id is the path (rep, len): 1 yes, 0 no, 2 no such node, -1 on
 * failure (L->e set). The nodes found equal are remembered with the prefix they are. */
static int node_is(struct loader *L, int64_t id, uint32_t rep, uint32_t len)
{
	sqlite3_stmt *q = L->node_get;
	size_t chain = 0, i;
	int first = 1, same = 0;

	for (;;) {
		const struct id_slot *m = id_find(&L->known, id);
		const char *p;
		int64_t parent, got;
		uint32_t t = 0;
		int rc, r;

		if (m) {
			same = m->len == len && same_prefix(L, m->rep, rep, len);
			break;
		}
		if (vec_reserve(&L->chain, &L->capchain, chain + 1, sizeof(*L->chain), 64)) {
			nomem(L);
			return -1;
		}
		L->chain[chain++] = (struct id_slot){id, rep, len};
		sqlite3_bind_int64(q, 1, id);
		rc = sqlite3_step(q);
		if (rc != SQLITE_ROW) {
			sqlite3_reset(q);
			if (rc != SQLITE_DONE) {
				store_fail(L->s, L->e, "cannot read a stack");
				return -1;
			}
			return first ? 2 : 0;	/* a missing parent: damaged, never this path */
		}
		first = 0;
		parent = sqlite3_column_type(q, 0) == SQLITE_NULL ? 0 : sqlite3_column_int64(q, 0);
		p = (const char *)sqlite3_column_text(q, 1);
		/* the node's locations, leaf first: the last of the path first */
		r = p ? store_next_id(&p, 0, &got) : -1;
		while (r == 1 && t < len && got == id_at(L, rep, len - 1 - t))
			r = store_next_id(&p, ++t, &got);
		same = r == 0 && (t || !len);
		sqlite3_reset(q);
		if (!same)
			break;
		len -= t;
		if (!parent) {
			same = !len;
			break;
		}
		if (!len) {
			same = 0;	/* the parent's locations would make it longer */
			break;
		}
		id = parent;
	}
	if (same)
		for (i = 0; i < chain; i++) {
			struct id_slot *k = id_slot(&L->known, L->chain[i].id);

			if (!k) {
				nomem(L);
				return -1;
			}
			if (!k->id)
				L->known.n++;
			*k = L->chain[i];
		}
	return same;
}

/* The node of path (rep, len) of hash h: the stored node that is it, or else an id no
 * stored node and no other path of this load holds (*is_new); 0 on failure. */
static int64_t node_for(struct loader *L, uint32_t rep, uint32_t len, uint64_t h, int *is_new)
{
	uint32_t k;

	h %= L->node_ids;
	/* a stack stored before version 7, under the id it had */
	if (L->aliased) {
		int rc;

		sqlite3_bind_int64(L->alias_get, 1, (int64_t)h);
		while ((rc = sqlite3_step(L->alias_get)) == SQLITE_ROW) {
			int r = node_is(L, sqlite3_column_int64(L->alias_get, 0), rep, len);

			if (r < 0 || r == 1) {
				int64_t id = r == 1 ? sqlite3_column_int64(L->alias_get, 0) : 0;

				sqlite3_reset(L->alias_get);
				*is_new = 0;
				return id;
			}
		}
		sqlite3_reset(L->alias_get);
		if (rc != SQLITE_DONE) {
			store_fail(L->s, L->e, "cannot look up a stack");
			return 0;
		}
	}
	for (k = 0; k < NODE_PROBES; k++) {
		int64_t id = 1 + (int64_t)((h + k) % L->node_ids);
		struct id_slot *c;
		int r = 2;

		if (id_find(&L->claimed, id))
			continue;
		if (L->stored_before && (r = node_is(L, id, rep, len)) < 0)
			return 0;
		if (r == 1) {
			*is_new = 0;
			return id;
		}
		if (r == 0)
			continue;
		if (!(c = id_slot(&L->claimed, id))) {
			nomem(L);
			return 0;
		}
		*c = (struct id_slot){id, rep, len};
		L->claimed.n++;
		*is_new = 1;
		return id;
	}
	err_set(L->e, ESC_EDB, "database '%s': too many stacks share one hash", L->s->path);
	return 0;
}

/* One location id into a stack's hash for this load's table (not stored anywhere). */
ESC_WRAPS static inline uint64_t stack_mix(uint64_t h, uint64_t loc)
{
	h = (h ^ loc) * 0xff51afd7ed558ccdULL;
	return h ^ (h >> 32);
}

/* Whether stack x has the stored locations of s's. */
static int same_ids(const struct loader *L, const struct dstack *x, const struct profile_sample *s)
{
	size_t i;

	for (i = 0; i < x->n; i++)
		if (L->locs[L->locs_of[x->off + i]].id != L->locs[s->locations[i]->index].id)
			return 0;
	return 1;
}

static int slots_grow(struct loader *L)
{
	size_t n = L->capslots ? L->capslots * 2 : 4096, i;
	uint32_t *t = calloc(n, sizeof(*t));

	if (!t)
		return -1;
	for (i = 0; i < L->capslots; i++)
		if (L->slots[i]) {
			size_t h = L->ds[L->slots[i] - 1].h & (n - 1);

			while (t[h])
				h = (h + 1) & (n - 1);
			t[h] = L->slots[i];
		}
	free(L->slots);
	L->slots = t;
	L->capslots = n;
	return 0;
}

/* The node of a sample's stack; 0 on failure. Equal frames are
 * equal lists of stored locations (a location is unique by its lines, and one ends where
 * a frame is not inlined), so stacks are compared by those. */
static int64_t stack_for(struct loader *L, const struct profile_sample *s)
{
	size_t i, slot, n = s->nlocations;
	uint64_t h = n;
	struct dstack *d;
	int is_new;

	/* this load's table is keyed by a cheap hash; a new stack's node id by path_hash */
	for (i = 0; i < n; i++) {
		int64_t loc = location_id(L, s->locations[i]->index);

		if (!loc)
			return 0;
		h = stack_mix(h, (uint64_t)loc);
	}
	if (2 * (L->nds + 1) > L->capslots && slots_grow(L)) {
		nomem(L);
		return 0;
	}
	for (slot = h & (L->capslots - 1); L->slots[slot]; slot = (slot + 1) & (L->capslots - 1)) {
		d = &L->ds[L->slots[slot] - 1];
		if (d->h == h && d->n == n && same_ids(L, d, s))
			return d->id;
	}
	if (L->nlocs_of + n >= UINT32_MAX || L->nds >= UINT32_MAX / 2) {
		err_set(L->e, ESC_EINPUT, "'%s': too many stacks", L->o->source);
		return 0;
	}
	if (vec_reserve(&L->locs_of, &L->caplocs_of, L->nlocs_of + n, sizeof(*L->locs_of), 4096) ||
	    vec_reserve(&L->ds, &L->capds, L->nds + 1, sizeof(*L->ds), 1024)) {
		nomem(L);
		return 0;
	}
	for (i = 0; i < n; i++)
		L->locs_of[L->nlocs_of + i] = (uint32_t)s->locations[i]->index;
	d = &L->ds[L->nds];
	*d = (struct dstack){h, 0, (uint32_t)L->nlocs_of, (uint32_t)n, 0};
	L->nlocs_of += n;
	L->nds++;
	{
		/* a store holding stacks is asked whether it holds this one */
		int asks = L->stored_before || L->aliased;
		uint64_t ph = path_hash(L, (uint32_t)(L->nds - 1), (uint32_t)n);

		if (asks)
			db_lock(L);
		d->id = node_for(L, (uint32_t)(L->nds - 1), (uint32_t)n, ph, &is_new);
		if (asks)
			db_unlock(L);
		if (!d->id)
			return 0;
	}
	d->is_new = is_new;
	L->slots[slot] = (uint32_t)L->nds;
	return d->id;
}

/* Orders stacks by their location ids, root first (a path before its extensions). */
static int cmp_paths(const void *a, const void *b, void *ctx)
{
	const struct loader *L = ctx;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	uint32_t n = L->ds[x].n < L->ds[y].n ? L->ds[x].n : L->ds[y].n, j;

	for (j = 0; j < n; j++) {
		int64_t p = id_at(L, x, j), q = id_at(L, y, j);

		if (p != q)
			return p < q ? -1 : 1;
	}
	return (L->ds[x].n > L->ds[y].n) - (L->ds[x].n < L->ds[y].n);
}

static int cmp_node_ids(const void *a, const void *b, void *ctx)
{
	const struct tnode *T = ctx;
	int64_t x = T[*(const uint32_t *)a].id, y = T[*(const uint32_t *)b].id;

	return (x > y) - (x < y);
}

/* Counts node t in its parent's refs, first giving the parent its node: a stored one, or
 * a new one holding its own parent in turn; -1 on failure. */
static int hold_parent(struct loader *L, uint32_t t)
{
	uint32_t p = L->T[t].parent;
	int is_new;

	if (p == NO_NODE)
		return 0;
	if (!L->T[p].id) {
		struct tnode *q = &L->T[p];

		if (!(q->id = node_for(L, q->rep, q->len, path_hash(L, q->rep, q->len), &is_new)))
			return -1;
		q->is_new = (unsigned char)is_new;
		if (is_new && hold_parent(L, p))
			return -1;
	}
	L->T[p].refs++;
	return 0;
}

/* Makes the tree of this load's stacks: sorted by path, two neighbours part after their
 * common prefix, and the prefixes where stacks part are its inner nodes (each stack
 * below the deepest of them on its path). The stacks of a path the store holds keep
 * their stored node. */
static enum esc_status make_tree(struct loader *L)
{
	uint32_t *order = malloc((L->nds + 1) * sizeof(*order));
	uint32_t *open = malloc((L->nds + 1) * sizeof(*open));
	size_t i, top = 0;

	L->T = calloc(2 * L->nds + 1, sizeof(*L->T));
	if (!order || !open || !L->T) {
		free(order);
		free(open);
		return nomem(L);
	}
	for (i = 0; i < L->nds; i++)
		order[i] = (uint32_t)i;
	qsort_r(order, L->nds, sizeof(*order), cmp_paths, L);
	for (i = 0; i < L->nds; i++) {
		uint32_t r = order[i], l = 0, last = NO_NODE, n = L->ds[r].n;

		if (i)
			while (l < n && l < L->ds[order[i - 1]].n && id_at(L, order[i - 1], l) == id_at(L, r, l))
				l++;
		while (top && L->T[open[top - 1]].len > l)
			last = open[--top];
		if ((top ? L->T[open[top - 1]].len : 0) < l) {
			L->T[L->nt] = (struct tnode){r, l, top ? open[top - 1] : NO_NODE, 0, 0, 0, 0};
			if (last != NO_NODE)
				L->T[last].parent = (uint32_t)L->nt;
			open[top++] = (uint32_t)L->nt++;
		}
		/* a path no longer than the common prefix is a prefix of the one before it,
		 * which sorted order rules out but for the empty stack: a root of its own */
		L->T[L->nt] = (struct tnode){r, n, n > l && top ? open[top - 1] : NO_NODE, 1,
					      L->ds[r].id, (unsigned char)L->ds[r].is_new, 1};
		if (n > l)
			open[top++] = (uint32_t)L->nt;
		L->nt++;
	}
	free(order);
	free(open);
	for (i = 0; i < L->nt; i++)
		if (L->T[i].is_stack && L->T[i].is_new && hold_parent(L, (uint32_t)i))
			return L->e->status ? L->e->status : ESC_EDB;
	return ESC_OK;
}

/* Stores the new nodes, in id order, and adds this load's counts to the stored ones. */
static enum esc_status store_tree(struct loader *L)
{
	uint32_t *fresh = malloc((L->nt + 1) * sizeof(*fresh));
	size_t nfresh = 0, i;
	enum esc_status st = ESC_OK;

	if (!fresh)
		return nomem(L);
	for (i = 0; i < L->nt; i++)
		if (L->T[i].is_new)
			fresh[nfresh++] = (uint32_t)i;
	qsort_r(fresh, nfresh, sizeof(*fresh), cmp_node_ids, L->T);
	for (i = 0; i < nfresh && !st; i++) {
		const struct tnode *t = &L->T[fresh[i]];
		const struct dstack *d = &L->ds[t->rep];
		uint32_t from = t->parent == NO_NODE ? 0 : L->T[t->parent].len, j;
		int64_t depth = 0;
		int bad;

		buf_reset(&L->text);
		bad = buf_addc(&L->text, '[');
		for (j = 0; j < t->len; j++)
			depth += (int64_t)L->locs[L->locs_of[d->off + d->n - 1 - j]].n;
		/* positions len - 1 down to from, root first: the node's locations leaf first */
		for (j = t->len; j > from; j--) {
			struct loc_frames *lf = &L->locs[L->locs_of[d->off + d->n - j]];

			bad |= add_int(&L->text, j < t->len ? ',' : 0, lf->id);
			lf->refs++;
		}
		bad |= buf_addc(&L->text, ']');
		if (bad) {
			st = nomem(L);
			break;
		}
		sqlite3_bind_int64(L->node_put, 1, t->id);
		if (t->parent == NO_NODE)
			sqlite3_bind_null(L->node_put, 2);
		else
			sqlite3_bind_int64(L->node_put, 2, L->T[t->parent].id);
		sqlite3_bind_int64(L->node_put, 3, depth);
		sqlite3_bind_int64(L->node_put, 4, t->refs);
		sqlite3_bind_text(L->node_put, 5, L->text.data, (int)L->text.len, SQLITE_STATIC);
		if (step_done(L, L->node_put, "cannot store a stack"))
			st = ESC_EDB;
	}
	free(fresh);
	for (i = 0; i < L->nt && !st; i++)
		if (!L->T[i].is_new && L->T[i].refs) {
			sqlite3_bind_int64(L->node_ref, 1, L->T[i].refs);
			sqlite3_bind_int64(L->node_ref, 2, L->T[i].id);
			if (step_done(L, L->node_ref, "cannot count a stack's holders"))
				st = ESC_EDB;
		}
	return st;
}

/* Inserts a sample's row (on the writer thread when there is one). */
static int put_row(void *ctx, const struct sample_row *r, struct err *e)
{
	struct loader *L = ctx;
	uint32_t i;
	int rc;

	sqlite3_bind_int64(L->smp_put, 1, L->profile_id);
	sqlite3_bind_int64(L->smp_put, 2, r->sid);
	sqlite3_bind_int64(L->smp_put, 3, r->stack);
	if (r->has_size)
		sqlite3_bind_int64(L->smp_put, 4, r->size);
	else
		sqlite3_bind_null(L->smp_put, 4);
	for (i = 0; i < STORE_INLINE_VALUES; i++) {
		if (i < r->nv)
			sqlite3_bind_int64(L->smp_put, 5 + (int)i, r->v[i]);
		else
			sqlite3_bind_null(L->smp_put, 5 + (int)i);
	}
	rc = sqlite3_step(L->smp_put);
	sqlite3_reset(L->smp_put);
	if (rc != SQLITE_DONE) {
		store_fail(L->s, e, "cannot store a sample");
		return -1;
	}
	return 0;
}

/* A sample's labels but the object size, and its values past the row's: their own rows,
 * inserted here. */
static int put_extras(struct loader *L, const struct profile_sample *s, int64_t sid,
		      int size_label)
{
	size_t i;

	for (i = 0; i < s->nlabels; i++) {
		const struct profile_label *l = &s->labels[i];
		int64_t k, v = 0, u = 0;

		if ((int)i == size_label)
			continue;
		k = intern(L, l->key);
		if (!k || (l->str && !(v = intern(L, l->str))) ||
		    (l->num_unit && !(u = intern(L, l->num_unit))))
			return L->e->status;
		sqlite3_bind_int64(L->lbl_put, 1, L->profile_id);
		sqlite3_bind_int64(L->lbl_put, 2, sid);
		sqlite3_bind_int64(L->lbl_put, 3, k);
		if (v)
			sqlite3_bind_int64(L->lbl_put, 4, v);
		else
			sqlite3_bind_null(L->lbl_put, 4);
		if (l->str)
			sqlite3_bind_null(L->lbl_put, 5);
		else
			sqlite3_bind_int64(L->lbl_put, 5, l->num);
		if (u)
			sqlite3_bind_int64(L->lbl_put, 6, u);
		else
			sqlite3_bind_null(L->lbl_put, 6);
		if (step_done(L, L->lbl_put, "cannot store a label"))
			return ESC_EDB;
	}
	for (i = STORE_INLINE_VALUES; i < s->nvalues; i++) {
		sqlite3_bind_int64(L->vx_put, 1, L->profile_id);
		sqlite3_bind_int64(L->vx_put, 2, sid);
		sqlite3_bind_int64(L->vx_put, 3, (int64_t)i);
		sqlite3_bind_int64(L->vx_put, 4, s->values[i]);
		if (step_done(L, L->vx_put, "cannot store a value"))
			return ESC_EDB;
	}
	return 0;
}

static int add_sample(void *ctx, const struct profile_sample *s)
{
	struct loader *L = ctx;
	struct sample_row r = {(int64_t)s->index + 1, stack_for(L, s), 0, {0}, 0, 0};
	int size_label = -1, rc;
	size_t i;

	if (!r.stack)
		return L->e->status ? (int)L->e->status : ESC_EDB;
	/* the object size: the first numeric "bytes" label without a unit */
	for (i = 0; i < s->nlabels && size_label < 0; i++)
		if (!s->labels[i].str && !s->labels[i].num_unit && !strcmp(s->labels[i].key, "bytes")) {
			r.size = s->labels[i].num;
			r.has_size = 1;
			size_label = (int)i;
		}
	r.nv = s->nvalues < STORE_INLINE_VALUES ? (uint32_t)s->nvalues : STORE_INLINE_VALUES;
	if (r.nv)	/* a profile of no sample types has no values array at all */
		memcpy(r.v, s->values, r.nv * sizeof(*r.v));
	if (s->nlabels > (size_t)(size_label >= 0) || s->nvalues > STORE_INLINE_VALUES) {
		db_lock(L);
		rc = put_extras(L, s, r.sid, size_label);
		db_unlock(L);
		if (rc)
			return rc;
	}
	if (L->pipe) {
		if (rowpipe_add(L->pipe, &r))
			return ESC_EDB;	/* the writer's error is taken when it ends */
	} else if (put_row(L, &r, L->e)) {
		return ESC_EDB;
	}
	if (L->o->progress && (s->index & 0xffff) == 0xffff)
		L->o->progress(L->o->progress_ctx, s->index + 1, L->p->nsamples);
	return 0;
}

enum esc_status store_find_profile(struct store *s, const char *sha256, int64_t *id,
				   struct err *e)
{
	if (s->pg)
		return store_pg_find_profile(s, sha256, id, e);
	sqlite3_stmt *st;
	int rc;

	*id = 0;
	if (store_prepare(s, "SELECT id FROM profile WHERE sha256 = ?", &st, e))
		return ESC_EDB;
	sqlite3_bind_text(st, 1, sha256, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(s, e, "cannot look up a profile");
	return ESC_OK;
}


static enum esc_status insert_profile(struct loader *L, const struct store_profile_opts *o)
{
	const struct profile *p = L->p;
	sqlite3_stmt *st = NULL;
	char now[32];
	const char *heap[4] = {"alloc_objects", "alloc_space", "inuse_objects", "inuse_space"};
	size_t i;
	int k;
	enum esc_status ret = ESC_OK;

	store_now(now);
	if ((ret = store_prepare(L->s,
				 "INSERT INTO profile (name, source, sha256, format, time_nanos, duration_nanos,"
				 " period_type, period_unit, period, default_sample_type, loaded_at, nsamples,"
				 " ix_alloc_objects, ix_alloc_space, ix_inuse_objects, ix_inuse_space)"
				 " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", &st, L->e)))
		return ret;
	sqlite3_bind_text(st, 1, o->name ? o->name : path_base(o->source), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, o->source, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, o->sha256, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, profile_format_name(p->format), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, p->time_nanos);
	sqlite3_bind_int64(st, 6, p->duration_nanos);
	sqlite3_bind_text(st, 7, p->period_type.type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, p->period_type.unit, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 9, p->period);
	if (p->default_sample_type)
		sqlite3_bind_text(st, 10, p->default_sample_type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 12, (int64_t)p->nsamples);
	for (k = 0; k < 4; k++) {
		int ix = profile_sample_type_index(p, heap[k]);

		if (ix >= 0)
			sqlite3_bind_int(st, 13 + k, ix);
	}
	if (sqlite3_step(st) != SQLITE_DONE) {
		ret = store_fail(L->s, L->e, "cannot store the profile");
		goto out;
	}
	L->profile_id = sqlite3_last_insert_rowid(L->s->db);
	sqlite3_finalize(st);
	st = NULL;
	if ((ret = store_add_name(L->s, STORE_PROFILE, L->profile_id,
				  o->name ? o->name : path_base(o->source), L->e)))
		return ret;

	if ((ret = store_prepare(L->s, "INSERT INTO sample_type VALUES (?,?,?,?)", &st, L->e)))
		return ret;
	for (i = 0; i < p->nsample_types; i++) {
		sqlite3_bind_int64(st, 1, L->profile_id);
		sqlite3_bind_int64(st, 2, (int64_t)i);
		sqlite3_bind_text(st, 3, p->sample_types[i].type, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, p->sample_types[i].unit, -1, SQLITE_STATIC);
		if (step_done(L, st, "cannot store a sample type")) {
			ret = ESC_EDB;
			goto out;
		}
	}
	sqlite3_finalize(st);
	st = NULL;

	if ((ret = store_prepare(L->s, "INSERT OR IGNORE INTO profile_label VALUES (?,?,?)", &st, L->e)))
		return ret;
	for (i = 0; i < o->nlabels; i++) {
		const char *eq = strchr(o->labels[i], '=');

		if (!eq || eq == o->labels[i]) {
			ret = err_set(L->e, ESC_EUSAGE, "label '%s' is not key=value", o->labels[i]);
			goto out;
		}
		sqlite3_bind_int64(st, 1, L->profile_id);
		sqlite3_bind_text(st, 2, o->labels[i], (int)(eq - o->labels[i]), SQLITE_STATIC);
		sqlite3_bind_text(st, 3, eq + 1, -1, SQLITE_STATIC);
		if (step_done(L, st, "cannot store a label")) {
			ret = ESC_EDB;
			goto out;
		}
	}
out:
	sqlite3_finalize(st);
	return ret;
}

static int cmp_slot_ids(const void *a, const void *b)
{
	int64_t x = ((const struct id_slot *)a)->id, y = ((const struct id_slot *)b)->id;

	return (x > y) - (x < y);
}

/* Stores this load's new strings, in id order. */
static enum esc_status store_strings(struct loader *L)
{
	struct id_slot *v = malloc((L->new_strs.n + 1) * sizeof(*v));
	size_t n = 0, i;
	enum esc_status st = ESC_OK;

	if (!v)
		return nomem(L);
	for (i = 0; i < L->new_strs.cap; i++)
		if (L->new_strs.v[i].id)
			v[n++] = L->new_strs.v[i];
	qsort(v, n, sizeof(*v), cmp_slot_ids);
	for (i = 0; i < n && !st; i++) {
		sqlite3_bind_int64(L->str_put, 1, v[i].id);
		sqlite3_bind_text(L->str_put, 2, L->new_text[v[i].rep], -1, SQLITE_STATIC);
		if (step_done(L, L->str_put, "cannot store a string"))
			st = ESC_EDB;
	}
	free(v);
	return st;
}

/* Adds what this load counted to the refs of the locations and functions it used. */
static enum esc_status write_refs(struct loader *L)
{
	sqlite3_stmt *st = NULL;
	size_t i;

	if (store_prepare(L->s, "UPDATE location SET refs = refs + ? WHERE id = ?", &st, L->e))
		return ESC_EDB;
	for (i = 0; i < L->p->nlocations; i++)
		if (L->locs[i].refs) {
			sqlite3_bind_int64(st, 1, L->locs[i].refs);
			sqlite3_bind_int64(st, 2, L->locs[i].id);
			if (step_done(L, st, "cannot count a location's uses"))
				break;
		}
	sqlite3_finalize(st);
	if (i < L->p->nlocations)
		return ESC_EDB;
	for (i = 0; i < L->p->nfunctions; i++)
		if (L->frefs[i]) {
			sqlite3_bind_int64(L->fn_ref, 1, L->frefs[i]);
			sqlite3_bind_int64(L->fn_ref, 2, L->fids[i]);
			if (step_done(L, L->fn_ref, "cannot count a function's uses"))
				return ESC_EDB;
		}
	return ESC_OK;
}

static void loader_release(struct loader *L)
{
	size_t i;

	sqlite3_finalize(L->str_get);
	sqlite3_finalize(L->str_put);
	sqlite3_finalize(L->fn_get);
	sqlite3_finalize(L->fn_put);
	sqlite3_finalize(L->node_get);
	sqlite3_finalize(L->node_put);
	sqlite3_finalize(L->node_ref);
	sqlite3_finalize(L->alias_get);
	sqlite3_finalize(L->loc_get);
	sqlite3_finalize(L->loc_put);
	sqlite3_finalize(L->smp_put);
	sqlite3_finalize(L->vx_put);
	sqlite3_finalize(L->lbl_put);
	sqlite3_finalize(L->fn_ref);
	free(L->fids);
	free(L->frefs);
	if (L->locs)
		for (i = 0; i < L->p->nlocations; i++)
			free(L->locs[i].v);
	free(L->locs);
	free(L->ds);
	free(L->slots);
	free(L->locs_of);
	free(L->T);
	free(L->claimed.v);
	free(L->known.v);
	free(L->chain);
	for (i = 0; i < L->nnew_text; i++)
		free(L->new_text[i]);
	free(L->new_text);
	free(L->new_strs.v);
	buf_release(&L->text);
	hmap_release(&L->strs);
	free(L->str_ids);
}

enum esc_status store_add_profile(struct store *s, const struct profile *p,
				  const struct store_profile_opts *o, int64_t *id, int *added,
				  struct err *e)
{
	struct loader L = {.s = s, .o = o, .p = p, .e = e, .node_ids = node_id_space()};
	struct err local = {0};
	enum esc_status st;
	int rc;

	if (s->pg)
		return store_pg_add_profile(s, p, o, id, added, e ? e : &local);
	buf_init(&L.text);
	if (!e)
		L.e = e = &local;
	*id = 0;
	*added = 0;
	store_bulk(s);
	if ((st = store_begin(s, e)))
		return st;
	/* the same bytes twice: the first load stands */
	{
		sqlite3_stmt *q;

		if ((st = store_prepare(s, "SELECT id FROM profile WHERE sha256 = ?", &q, e)))
			goto fail;
		sqlite3_bind_text(q, 1, o->sha256, -1, SQLITE_STATIC);
		if (sqlite3_step(q) == SQLITE_ROW)
			*id = sqlite3_column_int64(q, 0);
		sqlite3_finalize(q);
		/* a name given to the same bytes again is added to the profile's names */
		if (*id && o->name && (st = store_add_name(s, STORE_PROFILE, *id, o->name, e)))
			goto fail;
		if (*id && o->name)
			return store_commit(s, e);
		if (*id) {
			store_rollback(s);
			return ESC_OK;
		}
	}
	if ((st = store_prepare(s, "SELECT s FROM str WHERE id = ?", &L.str_get, e)) ||
	    (st = store_prepare(s, "INSERT INTO str (id, s) VALUES (?,?)", &L.str_put, e)) ||
	    (st = store_prepare(s, "SELECT id FROM func WHERE name_id = ? AND file_id = ?", &L.fn_get, e)) ||
	    (st = store_prepare(s, "INSERT INTO func (name_id, file_id) VALUES (?,?)", &L.fn_put, e)) ||
	    (st = store_prepare(s, "SELECT parent, locs FROM stack WHERE id = ?", &L.node_get, e)) ||
	    (st = store_prepare(s, "INSERT INTO stack (id, parent, depth, refs, locs) VALUES (?,?,?,?,?)",
				&L.node_put, e)) ||
	    (st = store_prepare(s, "UPDATE stack SET refs = refs + ? WHERE id = ?", &L.node_ref, e)) ||
	    (st = store_prepare(s, "SELECT id FROM stack_alias WHERE h = ?", &L.alias_get, e)) ||
	    (st = store_prepare(s, "SELECT id, lines FROM location WHERE h = ?", &L.loc_get, e)) ||
	    (st = store_prepare(s, "INSERT INTO location (lines, h) VALUES (?,?)", &L.loc_put, e)) ||
	    (st = store_prepare(s, "INSERT INTO sample VALUES (?,?,?,?,?,?,?,?)", &L.smp_put, e)) ||
	    (st = store_prepare(s, "INSERT INTO sample_value_x VALUES (?,?,?,?)", &L.vx_put, e)) ||
	    (st = store_prepare(s, "INSERT INTO sample_label VALUES (?,?,?,?,?,?)", &L.lbl_put, e)) ||
	    (st = store_prepare(s, "UPDATE func SET refs = refs + ? WHERE id = ?", &L.fn_ref, e)))
		goto fail;
	if ((st = insert_profile(&L, o)))
		goto fail;
	{
		sqlite3_stmt *q;

		if ((st = store_prepare(s, "SELECT EXISTS (SELECT 1 FROM stack),"
				       " EXISTS (SELECT 1 FROM stack_alias), EXISTS (SELECT 1 FROM str)", &q, e)))
			goto fail;
		if (sqlite3_step(q) == SQLITE_ROW) {
			L.stored_before = sqlite3_column_int(q, 0);
			L.aliased = sqlite3_column_int(q, 1);
			L.strs_before = sqlite3_column_int(q, 2);
		} else
			st = store_fail(s, e, "cannot look up the stacks");
		sqlite3_finalize(q);
		if (st)
			goto fail;
	}
	if (o->without_samples)
		rc = 0;
	else if ((st = prepare_locations(&L)))
		goto fail;
	else {
		/* a large profile's sample rows go in on a second core, if there is one */
		if (p->nsamples >= store_pipe.min && sysconf(_SC_NPROCESSORS_ONLN) >= store_pipe.cores &&
		    (L.pipe = rowpipe_start(put_row, &L)))
			store_pipe.used++;
		rc = profile_foreach_sample(p, add_sample, &L, e);
		if (L.pipe) {
			struct err we = {0};

			if (rowpipe_finish(L.pipe, !rc, &we) && !e->status) {
				*e = we;
				rc = ESC_EDB;
			}
			L.pipe = NULL;
		}
	}
	if (rc) {
		st = e->status ? e->status : (enum esc_status)rc;
		goto fail;
	}
	if ((!o->without_samples &&
	     ((st = make_tree(&L)) || (st = store_tree(&L)) || (st = write_refs(&L)))) ||
	    (st = store_strings(&L)))
		goto fail;
	loader_release(&L);
	if ((st = store_commit(s, e)))
		return st;
	*id = L.profile_id;
	*added = 1;
	return ESC_OK;
fail:
	loader_release(&L);
	store_rollback(s);
	return st ? st : ESC_EDB;
}

static enum esc_status alias_stacks(struct store *s, struct err *e)
{
	sqlite3_stmt *q = NULL, *put = NULL;
	int64_t *ids = NULL;
	size_t nids = 0, capids = 0, i;
	uint32_t space = node_id_space();
	enum esc_status st = ESC_OK;
	int rc;

	if ((st = store_prepare(s, "SELECT id, locs FROM stack", &q, e)) ||
	    (st = store_prepare(s, "INSERT INTO stack_alias (id, h) VALUES (?,?)", &put, e)))
		goto out;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *p = (const char *)sqlite3_column_text(q, 1);
		struct hash128 h = HASH128_INIT;
		int64_t v;
		int r = p ? store_next_id(&p, 0, &v) : -1;

		/* its locations, leaf first */
		for (nids = 0; r == 1; r = store_next_id(&p, nids, &v)) {
			if (vec_reserve(&ids, &capids, nids + 1, sizeof(*ids), 64)) {
				st = err_set(e, ESC_ENOMEM, "'%s': out of memory", s->path);
				goto out;
			}
			ids[nids++] = v;
		}
		if (r) {
			st = err_set(e, ESC_EDB, "database '%s': stack %lld is damaged", s->path,
				     (long long)sqlite3_column_int64(q, 0));
			goto out;
		}
		/* the path's hash as a load makes it: root first, then the length */
		for (i = nids; i > 0; i--)
			h = hash128_add(h, (uint64_t)ids[i - 1]);
		h = hash128_add(h, nids);
		sqlite3_bind_int64(put, 1, sqlite3_column_int64(q, 0));
		sqlite3_bind_int64(put, 2, (int64_t)(h.lo % space));
		rc = sqlite3_step(put);
		sqlite3_reset(put);
		if (rc != SQLITE_DONE) {
			st = store_fail(s, e, "cannot migrate the stacks");
			goto out;
		}
	}
	if (rc != SQLITE_DONE)
		st = store_fail(s, e, "cannot migrate the stacks");
out:
	sqlite3_finalize(q);
	sqlite3_finalize(put);
	free(ids);
	return st;
}

/* Gives every string the id a load draws for it, and its holders the new ids. */
static enum esc_status rekey_strings(struct store *s, struct err *e)
{
	sqlite3_stmt *q = NULL, *put = NULL;
	struct id_table taken = {0};
	uint32_t space = node_id_space();
	enum esc_status st = ESC_OK;
	int rc;

	if (sqlite3_exec(s->db, "CREATE TEMP TABLE str_rekey (old INTEGER PRIMARY KEY, new INTEGER NOT NULL)",
			 NULL, NULL, NULL) != SQLITE_OK)
		return store_fail(s, e, "cannot migrate the strings");
	if ((st = store_prepare(s, "SELECT id, s FROM str ORDER BY id", &q, e)) ||
	    (st = store_prepare(s, "INSERT INTO temp.str_rekey VALUES (?,?)", &put, e)))
		goto out;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		uint64_t h = hash64_bytes(sqlite3_column_blob(q, 1), (size_t)sqlite3_column_bytes(q, 1)) % space;
		int64_t id = 0;
		uint32_t k;

		for (k = 0; k < NODE_PROBES && !id; k++) {
			int64_t c = 1 + (int64_t)((h + k) % space);
			struct id_slot *t;

			if (id_find(&taken, c))
				continue;
			if (!(t = id_slot(&taken, c))) {
				st = err_set(e, ESC_ENOMEM, "'%s': out of memory", s->path);
				goto out;
			}
			*t = (struct id_slot){c, 0, 0};
			taken.n++;
			id = c;
		}
		if (!id) {
			st = err_set(e, ESC_EDB, "database '%s': too many strings share one hash", s->path);
			goto out;
		}
		sqlite3_bind_int64(put, 1, sqlite3_column_int64(q, 0));
		sqlite3_bind_int64(put, 2, id);
		rc = sqlite3_step(put);
		sqlite3_reset(put);
		if (rc != SQLITE_DONE) {
			st = store_fail(s, e, "cannot migrate the strings");
			goto out;
		}
	}
	if (rc != SQLITE_DONE) {
		st = store_fail(s, e, "cannot migrate the strings");
		goto out;
	}
	/* through negative ids, so that no id or pair of ids is held twice meanwhile */
	if (sqlite3_exec(s->db,
			 "UPDATE str SET id = -id;"
			 " UPDATE str SET id = (SELECT new FROM temp.str_rekey WHERE old = -str.id);"
			 " UPDATE func SET name_id = -name_id, file_id = -file_id;"
			 " UPDATE func SET name_id = (SELECT new FROM temp.str_rekey WHERE old = -func.name_id),"
			 "   file_id = (SELECT new FROM temp.str_rekey WHERE old = -func.file_id);"
			 " UPDATE sample_label SET key_id = (SELECT new FROM temp.str_rekey WHERE old = key_id),"
			 "   str_id = (SELECT new FROM temp.str_rekey WHERE old = str_id),"
			 "   unit_id = (SELECT new FROM temp.str_rekey WHERE old = unit_id);",
			 NULL, NULL, NULL) != SQLITE_OK)
		st = store_fail(s, e, "cannot migrate the strings");
out:
	sqlite3_finalize(q);
	sqlite3_finalize(put);
	free(taken.v);
	if (sqlite3_exec(s->db, "DROP TABLE IF EXISTS temp.str_rekey", NULL, NULL, NULL) != SQLITE_OK && !st)
		st = store_fail(s, e, "cannot migrate the strings");
	return st;
}

/* Gives every location the hash loads find it by: read first, then written, so that no
 * row changes under the statement reading them. */
static enum esc_status hash_locations(struct store *s, struct err *e)
{
	sqlite3_stmt *q = NULL, *put = NULL;
	int64_t (*v)[2] = NULL;
	size_t n = 0, cap = 0, i;
	enum esc_status st = ESC_OK;
	int rc;

	if ((st = store_prepare(s, "SELECT id, lines FROM location", &q, e)) ||
	    (st = store_prepare(s, "UPDATE location SET h = ? WHERE id = ?", &put, e)))
		goto out;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (vec_reserve(&v, &cap, n + 1, sizeof(*v), 1024)) {
			st = err_set(e, ESC_ENOMEM, "'%s': out of memory", s->path);
			goto out;
		}
		v[n][0] = sqlite3_column_int64(q, 0);
		v[n++][1] = location_hash(sqlite3_column_blob(q, 1), (size_t)sqlite3_column_bytes(q, 1));
	}
	if (rc != SQLITE_DONE) {
		st = store_fail(s, e, "cannot migrate the locations");
		goto out;
	}
	for (i = 0; i < n && !st; i++) {
		sqlite3_bind_int64(put, 1, v[i][1]);
		sqlite3_bind_int64(put, 2, v[i][0]);
		if (sqlite3_step(put) != SQLITE_DONE)
			st = store_fail(s, e, "cannot migrate the locations");
		sqlite3_reset(put);
	}
out:
	sqlite3_finalize(q);
	sqlite3_finalize(put);
	free(v);
	return st;
}

enum esc_status store_migrate_v7(struct store *s, struct err *e)
{
	enum esc_status st = alias_stacks(s, e);

	if (!st)
		st = rekey_strings(s, e);
	return st ? st : hash_locations(s, e);
}
