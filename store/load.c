/* load.c — storing one decoded profile in one transaction. Strings are interned, each
 * location is turned once into its frames (inlined lines innermost first) and stored
 * once, keyed by its lines, when a new stack first needs it; a stack is stored as the
 * list of its location ids. Each sample's stack is found by a 128-bit content hash of
 * its frames: first in this load's table, then in the database, and only then inserted,
 * so stacks shared by samples or by profiles are stored once. A hash only proposes a
 * stack: its stored locations must equal the sample's (a location is unique by its lines,
 * and a location ends where a frame is not inlined, so equal frames are equal location
 * lists), and stacks that differ but hash alike are stored apart under the hash plus a
 * collision number, so no hash, however weak or attacked, merges two stacks. The load
 * adds to the refs counts the shared rows keep for removal (a stack: the profiles
 * linking it, counted as each is linked; a location: the stacks listing it; a function:
 * the lines of locations naming it, counted in memory and written once per location and
 * function at the end). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/digest.h"
#include "common/hmap.h"
#include "common/vec.h"
#include "store_int.h"
#include "common/paths.h"

struct frame {
	int64_t func_id;
	size_t fn;		/* the profile's function index; NO_FN for none or an address */
	int64_t line, col;
	int inlined;
};

struct loc_frames {
	struct frame *v;
	size_t n;
	struct hash128 h;
	int64_t id;		/* the stored location; 0 until a stack needs it */
	uint32_t refs;		/* times the stacks this load stored list it */
};
#define NO_FN SIZE_MAX

/* A stack of this load: its frames are those of the nlocs locations at locs[off] of the
 * loader (the first sample's), or when nlocs is STACK_IN_STORE, those stored under id. */
struct stack_slot {
	struct hash128 h;
	int64_t id;		/* 0 = empty */
	uint32_t off, nlocs;
};
#define STACK_IN_STORE UINT32_MAX

struct loader {
	struct store *s;
	const struct store_profile_opts *o;
	const struct profile *p;
	struct err *e;
	int64_t profile_id;
	sqlite3_stmt *str_get, *str_put, *fn_get, *fn_put, *stk_get, *stk_put, *locs_get,
		*loc_get, *loc_put, *pstk_put, *stk_ref, *smp_put, *vx_put, *lbl_put, *fn_ref;
	int64_t *fids;			/* the stored function of each of the profile's */
	uint32_t *frefs;		/* lines of the locations this load stored naming it */
	struct buf text;		/* a location's lines or a stack's locations, as stored */
	struct loc_frames *locs;
	/* not common/hmap: probed once per sample by a 128-bit hash already made, no key copy */
	struct stack_slot *stacks;
	size_t nstacks, capstacks;
	uint32_t *locs_of;		/* location indices of the stacks, by stack_slot.off */
	size_t nlocs_of, caplocs_of;
	int stored_before;		/* the store held stacks when this load began */
	struct hmap strs;		/* string -> its index in str_ids + 1 */
	int64_t *str_ids;		/* str ids, in order of first use */
	size_t nstr_ids, capstr_ids;
};

/* Memory ran out while storing the profile read from o->source. */
static enum esc_status nomem(struct loader *L)
{
	return err_set(L->e, ESC_ENOMEM, "'%s': out of memory", L->o->source);
}

/* Returns the str id of s, inserting it; 0 on failure with L->e set. */
static int64_t intern(struct loader *L, const char *s)
{
	void **slot = hmap_put(&L->strs, s, strlen(s));
	int64_t id = 0;

	if (slot && *slot)
		return L->str_ids[(uintptr_t)*slot - 1];
	if (!slot || vec_reserve(&L->str_ids, &L->capstr_ids, L->nstr_ids + 1, sizeof(*L->str_ids), 256)) {
		nomem(L);
		return 0;
	}
	sqlite3_bind_text(L->str_get, 1, s, -1, SQLITE_STATIC);
	if (sqlite3_step(L->str_get) == SQLITE_ROW)
		id = sqlite3_column_int64(L->str_get, 0);
	sqlite3_reset(L->str_get);
	if (!id) {
		sqlite3_bind_text(L->str_put, 1, s, -1, SQLITE_STATIC);
		if (sqlite3_step(L->str_put) != SQLITE_DONE) {
			store_fail(L->s, L->e, "cannot store a string");
			sqlite3_reset(L->str_put);
			return 0;
		}
		sqlite3_reset(L->str_put);
		id = sqlite3_last_insert_rowid(L->s->db);
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
		lf->h = HASH128_INIT;
		for (j = 0; j < n; j++) {
			lf->h = hash128_add(lf->h, (uint64_t)lf->v[j].func_id);
			lf->h = hash128_add(lf->h, (uint64_t)lf->v[j].line);
			lf->h = hash128_add(lf->h, (uint64_t)lf->v[j].col * 2 + (uint64_t)lf->v[j].inlined);
		}
	}
	return ESC_OK;
fail:
	return L->e->status ? L->e->status : ESC_EDB;
}

static int stack_rehash(struct loader *L)
{
	size_t n = L->capstacks ? L->capstacks * 2 : 4096, i;
	struct stack_slot *t = calloc(n, sizeof(*t));

	if (!t)
		return -1;
	for (i = 0; i < L->capstacks; i++)
		if (L->stacks[i].id) {
			size_t h = L->stacks[i].h.lo & (n - 1);

			while (t[h].id)
				h = (h + 1) & (n - 1);
			t[h] = L->stacks[i];
		}
	free(L->stacks);
	L->stacks = t;
	L->capstacks = n;
	return 0;
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

/* The stored key of the n-th distinct stack with hash h: the 16 bytes of the hash, then
 * for n > 0 the number, big-endian (the first keeps the key older stores have). */
static size_t stack_key(struct hash128 h, uint32_t n, unsigned char key[20])
{
	int i;

	memcpy(key, &h.lo, 8);
	memcpy(key + 8, &h.hi, 8);
	if (!n)
		return 16;
	for (i = 0; i < 4; i++)
		key[16 + i] = (unsigned char)(n >> (24 - 8 * i));
	return 20;
}

/* The id of the stored stack with key n of hash h (0 when none); -1 on error. */
static int64_t stored_stack(struct loader *L, struct hash128 h, uint32_t n)
{
	unsigned char key[20];
	int64_t id = 0;
	int rc;

	sqlite3_bind_blob(L->stk_get, 1, key, (int)stack_key(h, n, key), SQLITE_STATIC);
	rc = sqlite3_step(L->stk_get);
	if (rc == SQLITE_ROW)
		id = sqlite3_column_int64(L->stk_get, 0);
	sqlite3_reset(L->stk_get);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		store_fail(L->s, L->e, "cannot look up a stack");
		return -1;
	}
	return id;
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
static int64_t location_id(struct loader *L, size_t i)
{
	struct loc_frames *lf = &L->locs[i];
	size_t j;
	int bad = 0;

	if (lf->id)
		return lf->id;
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
	sqlite3_bind_text(L->loc_get, 1, L->text.data, (int)L->text.len, SQLITE_STATIC);
	if (sqlite3_step(L->loc_get) == SQLITE_ROW)
		lf->id = sqlite3_column_int64(L->loc_get, 0);
	sqlite3_reset(L->loc_get);
	if (lf->id)
		return lf->id;
	sqlite3_bind_text(L->loc_put, 1, L->text.data, (int)L->text.len, SQLITE_STATIC);
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

/* Inserts s's stack under key n of hash h; its id, or 0 on failure. */
static int64_t insert_stack(struct loader *L, const struct profile_sample *s,
			    struct hash128 h, uint32_t n, size_t depth)
{
	unsigned char key[20];
	size_t i;
	int bad = 0;

	for (i = 0; i < s->nlocations; i++) {
		if (!location_id(L, s->locations[i]->index))
			return 0;
		L->locs[s->locations[i]->index].refs++;
	}
	buf_reset(&L->text);
	bad |= buf_addc(&L->text, '[');
	for (i = 0; i < s->nlocations; i++)
		bad |= add_int(&L->text, i ? ',' : 0, L->locs[s->locations[i]->index].id);
	bad |= buf_addc(&L->text, ']');
	if (bad) {
		nomem(L);
		return 0;
	}
	sqlite3_bind_blob(L->stk_put, 1, key, (int)stack_key(h, n, key), SQLITE_STATIC);
	sqlite3_bind_int64(L->stk_put, 2, (int64_t)depth);
	sqlite3_bind_text(L->stk_put, 3, L->text.data, (int)L->text.len, SQLITE_STATIC);
	if (step_done(L, L->stk_put, "cannot store a stack"))
		return 0;
	return sqlite3_last_insert_rowid(L->s->db);
}

/* Whether the locations a (n of them, indices) expand to the frames of s's locations. */
static int same_locations(const struct loader *L, const uint32_t *a, size_t n,
			  const struct profile_sample *s)
{
	size_t i = 0, j = 0, k = 0, l = 0;

	if (n == s->nlocations) {
		for (i = 0; i < n && a[i] == s->locations[i]->index; i++)
			;
		if (i == n)
			return 1;
		i = 0;
	}
	/* different locations may still hold the same frames: compare frame by frame */
	for (;;) {
		const struct loc_frames *x, *y;

		while (i < n && j == L->locs[a[i]].n) {
			i++;
			j = 0;
		}
		while (k < s->nlocations && l == L->locs[s->locations[k]->index].n) {
			k++;
			l = 0;
		}
		if (i == n || k == s->nlocations)
			return i == n && k == s->nlocations;
		x = &L->locs[a[i]];
		y = &L->locs[s->locations[k]->index];
		if (x->v[j].func_id != y->v[l].func_id || x->v[j].line != y->v[l].line ||
		    x->v[j].col != y->v[l].col || x->v[j].inlined != y->v[l].inlined)
			return 0;
		j++;
		l++;
	}
}

/* Whether stored stack id holds exactly the frames of s's locations: 1 yes, 0 no,
 * -1 on failure (L->e set). Equal frames are equal lists of stored locations. */
static int same_frames(struct loader *L, int64_t id, const struct profile_sample *s)
{
	sqlite3_stmt *q = L->locs_get;
	const char *p = NULL;
	size_t i;
	int rc, same = 0;

	sqlite3_bind_int64(q, 1, id);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		p = (const char *)sqlite3_column_text(q, 0);
	if (rc != SQLITE_ROW || !p || *p++ != '[') {
		sqlite3_reset(q);
		if (rc == SQLITE_ROW || rc == SQLITE_DONE)
			return 0;
		store_fail(L->s, L->e, "cannot read a stack");
		return -1;
	}
	/* "[id,id,...]" */
	for (i = 0; i < s->nlocations; i++) {
		int64_t want = location_id(L, s->locations[i]->index);
		char *end;
		long long got;

		if (!want) {
			sqlite3_reset(q);
			return -1;
		}
		/* location_id ran other statements: the text of q stays valid until q's reset */
		if (i && *p++ != ',')
			break;
		got = strtoll(p, &end, 10);
		if (end == p || got != want)
			break;
		p = end;
	}
	same = i == s->nlocations && p[0] == ']' && !p[1];
	sqlite3_reset(q);
	return same;
}

/* The stack id of a sample's locations; 0 on failure. */
static int64_t stack_for(struct loader *L, const struct profile_sample *s)
{
	struct hash128 h = HASH128_INIT;
	size_t i, depth = 0, slot;
	int64_t id = 0;
	uint32_t n;
	int same, collides = 0;

	for (i = 0; i < s->nlocations; i++) {
		const struct loc_frames *lf = &L->locs[s->locations[i]->index];

		h = hash128_add(h, lf->h.lo);
		h = hash128_add(h, lf->h.hi);
		depth += lf->n;
	}
	h = hash128_add(h, depth);
	if (2 * (L->nstacks + 1) > L->capstacks && stack_rehash(L)) {
		nomem(L);
		return 0;
	}
	/* this load's stacks first: one of the same hash is this one only if its frames are */
	for (slot = h.lo & (L->capstacks - 1); L->stacks[slot].id;
	     slot = (slot + 1) & (L->capstacks - 1))
		if (L->stacks[slot].h.lo == h.lo && L->stacks[slot].h.hi == h.hi) {
			const struct stack_slot *x = &L->stacks[slot];

			collides = 1;
			same = x->nlocs == STACK_IN_STORE ? same_frames(L, x->id, s) :
				same_locations(L, L->locs_of + x->off, x->nlocs, s);
			if (same < 0)
				return 0;
			if (same)
				return x->id;
		}
	/* then the store's: the stacks of this hash, in the order they were stored (none
	 * when the store held no stack before this load and none of this hash was added) */
	for (n = 0; L->stored_before || collides; n++) {
		if ((id = stored_stack(L, h, n)) < 0)
			return 0;
		if (!id)
			break;
		if ((same = same_frames(L, id, s)) < 0)
			return 0;
		if (same)
			break;
		if (n == UINT32_MAX) {
			err_set(L->e, ESC_EDB, "database '%s': too many stacks share one hash",
				L->s->path);
			return 0;
		}
	}
	if (!id) {
		/* a new stack is stored linked once: by this profile */
		if (!(id = insert_stack(L, s, h, n, depth)))
			return 0;
	} else {
		/* a stored one gains this profile (rm removes a stack when none is left) */
		sqlite3_bind_int64(L->stk_ref, 1, id);
		if (step_done(L, L->stk_ref, "cannot count a stack's profiles"))
			return 0;
	}
	sqlite3_bind_int64(L->pstk_put, 1, L->profile_id);
	sqlite3_bind_int64(L->pstk_put, 2, id);
	if (step_done(L, L->pstk_put, "cannot link a stack"))
		return 0;
	/* the locations for comparing later samples in memory, while indices fit 32 bits */
	L->stacks[slot] = (struct stack_slot){h, id, (uint32_t)L->nlocs_of, STACK_IN_STORE};
	if (L->nlocs_of + s->nlocations < STACK_IN_STORE) {
		if (vec_reserve(&L->locs_of, &L->caplocs_of, L->nlocs_of + s->nlocations,
				sizeof(*L->locs_of), 4096)) {
			nomem(L);
			return 0;
		}
		for (i = 0; i < s->nlocations && s->locations[i]->index < STACK_IN_STORE; i++)
			L->locs_of[L->nlocs_of + i] = (uint32_t)s->locations[i]->index;
		if (i == s->nlocations) {
			L->stacks[slot].nlocs = (uint32_t)i;
			L->nlocs_of += i;
		}
	}
	L->nstacks++;
	return id;
}

static int add_sample(void *ctx, const struct profile_sample *s)
{
	struct loader *L = ctx;
	int64_t stack = stack_for(L, s), sid = (int64_t)s->index + 1;
	int have_size = 0;
	size_t i;

	if (!stack)
		return L->e->status ? (int)L->e->status : ESC_EDB;
	sqlite3_bind_int64(L->smp_put, 1, L->profile_id);
	sqlite3_bind_int64(L->smp_put, 2, sid);
	sqlite3_bind_int64(L->smp_put, 3, stack);
	for (i = 0; i < 8; i++) {
		if (i < s->nvalues)
			sqlite3_bind_int64(L->smp_put, 5 + (int)i, s->values[i]);
		else
			sqlite3_bind_null(L->smp_put, 5 + (int)i);
	}
	sqlite3_bind_null(L->smp_put, 4);
	for (i = 0; i < s->nlabels; i++) {
		const struct profile_label *l = &s->labels[i];

		if (!have_size && !l->str && !l->num_unit && !strcmp(l->key, "bytes")) {
			sqlite3_bind_int64(L->smp_put, 4, l->num);
			have_size = 1;
			continue;
		}
		{
			int64_t k = intern(L, l->key), v = 0, u = 0;

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
	}
	if (step_done(L, L->smp_put, "cannot store a sample"))
		return ESC_EDB;
	if (L->o->progress && (s->index & 0xffff) == 0xffff)
		L->o->progress(L->o->progress_ctx, s->index + 1, L->p->nsamples);
	for (i = 8; i < s->nvalues; i++) {
		sqlite3_bind_int64(L->vx_put, 1, L->profile_id);
		sqlite3_bind_int64(L->vx_put, 2, sid);
		sqlite3_bind_int64(L->vx_put, 3, (int64_t)i);
		sqlite3_bind_int64(L->vx_put, 4, s->values[i]);
		if (step_done(L, L->vx_put, "cannot store a value"))
			return ESC_EDB;
	}
	return 0;
}

enum esc_status store_find_profile(struct store *s, const char *sha256, int64_t *id,
				   struct err *e)
{
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

		if (ix >= 0 && ix < 8)
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
	sqlite3_finalize(L->stk_get);
	sqlite3_finalize(L->stk_put);
	sqlite3_finalize(L->locs_get);
	sqlite3_finalize(L->loc_get);
	sqlite3_finalize(L->loc_put);
	sqlite3_finalize(L->pstk_put);
	sqlite3_finalize(L->stk_ref);
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
	free(L->stacks);
	free(L->locs_of);
	buf_release(&L->text);
	hmap_release(&L->strs);
	free(L->str_ids);
}

enum esc_status store_add_profile(struct store *s, const struct profile *p,
				  const struct store_profile_opts *o, int64_t *id, int *added,
				  struct err *e)
{
	struct loader L = {.s = s, .o = o, .p = p, .e = e};
	struct err local = {0};
	enum esc_status st;
	int rc;

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
	if ((st = store_prepare(s, "SELECT id FROM str WHERE s = ?", &L.str_get, e)) ||
	    (st = store_prepare(s, "INSERT INTO str (s) VALUES (?)", &L.str_put, e)) ||
	    (st = store_prepare(s, "SELECT id FROM func WHERE name_id = ? AND file_id = ?", &L.fn_get, e)) ||
	    (st = store_prepare(s, "INSERT INTO func (name_id, file_id) VALUES (?,?)", &L.fn_put, e)) ||
	    (st = store_prepare(s, "SELECT id FROM stack WHERE hash = ?", &L.stk_get, e)) ||
	    (st = store_prepare(s, "INSERT INTO stack (hash, depth, locs, refs) VALUES (?,?,?,1)", &L.stk_put, e)) ||
	    (st = store_prepare(s, "UPDATE stack SET refs = refs + 1 WHERE id = ?", &L.stk_ref, e)) ||
	    (st = store_prepare(s, "SELECT locs FROM stack WHERE id = ?", &L.locs_get, e)) ||
	    (st = store_prepare(s, "SELECT id FROM location WHERE lines = ?", &L.loc_get, e)) ||
	    (st = store_prepare(s, "INSERT INTO location (lines) VALUES (?)", &L.loc_put, e)) ||
	    (st = store_prepare(s, "INSERT OR IGNORE INTO profile_stack VALUES (?,?)", &L.pstk_put, e)) ||
	    (st = store_prepare(s, "INSERT INTO sample VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", &L.smp_put, e)) ||
	    (st = store_prepare(s, "INSERT INTO sample_value_x VALUES (?,?,?,?)", &L.vx_put, e)) ||
	    (st = store_prepare(s, "INSERT INTO sample_label VALUES (?,?,?,?,?,?)", &L.lbl_put, e)) ||
	    (st = store_prepare(s, "UPDATE func SET refs = refs + ? WHERE id = ?", &L.fn_ref, e)))
		goto fail;
	if ((st = insert_profile(&L, o)))
		goto fail;
	{
		sqlite3_stmt *q;

		if ((st = store_prepare(s, "SELECT EXISTS (SELECT 1 FROM stack)", &q, e)))
			goto fail;
		if (sqlite3_step(q) == SQLITE_ROW)
			L.stored_before = sqlite3_column_int(q, 0);
		else
			st = store_fail(s, e, "cannot look up the stacks");
		sqlite3_finalize(q);
		if (st)
			goto fail;
	}
	if (o->without_samples)
		rc = 0;
	else if ((st = prepare_locations(&L)))
		goto fail;
	else
		rc = profile_foreach_sample(p, add_sample, &L, e);
	if (rc) {
		st = e->status ? e->status : (enum esc_status)rc;
		goto fail;
	}
	if (!o->without_samples && (st = write_refs(&L)))
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
