/* decode.c — pprof protobuf decoding. The outer Profile is walked field by field by hand
 * (a Profile is mostly a list of sub-messages and strings); every sub-message is unpacked
 * by protobuf-c. Pass one keeps the small tables and counts samples; samples are unpacked
 * one at a time later, each into an arena that is reset between samples. Every string
 * index and id is checked before use: a profile that passes profile_open cannot make a
 * later reader index out of range. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/vec.h"
#include "profile/profile.pb-c.h"
#include "profile_int.h"

enum { WT_VARINT = 0, WT_I64 = 1, WT_LEN = 2, WT_I32 = 5 };

struct field {
	uint32_t num;
	uint32_t wt;
	uint64_t v;			/* varint / fixed value, or length */
	const unsigned char *p;		/* WT_LEN payload */
	size_t off;			/* offset of the field's tag */
};

struct reader {
	const unsigned char *base, *p, *end;
};

static inline int read_varint(struct reader *r, uint64_t *v)
{
	uint64_t x = 0;
	unsigned shift = 0;

	if (r->p < r->end && *r->p < 0x80) {	/* most are one byte: tags, ids, small counts */
		*v = *r->p++;
		return 0;
	}
	while (r->p < r->end) {
		unsigned char c = *r->p++;

		if (shift == 63 && c > 1)
			return -1;
		x |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80)) {
			*v = x;
			return 0;
		}
		shift += 7;
		if (shift > 63)
			return -1;
	}
	return -1;
}

/* Reads one field; returns 0, 1 at the end, -1 on malformed input with *why set. */
static int next_field(struct reader *r, struct field *f, const char **why)
{
	uint64_t tag;

	if (r->p >= r->end)
		return 1;
	f->off = (size_t)(r->p - r->base);
	if (read_varint(r, &tag)) {
		*why = "truncated varint";
		return -1;
	}
	f->num = (uint32_t)(tag >> 3);
	f->wt = (uint32_t)(tag & 7);
	if (tag >> 3 == 0 || tag >> 3 > 536870911) {
		*why = "invalid field number";
		return -1;
	}
	switch (f->wt) {
	case WT_VARINT:
		if (read_varint(r, &f->v)) {
			*why = "truncated varint";
			return -1;
		}
		return 0;
	case WT_I64:
		if (r->end - r->p < 8) {
			*why = "truncated fixed64";
			return -1;
		}
		memcpy(&f->v, r->p, 8);
		r->p += 8;
		return 0;
	case WT_I32:
		if (r->end - r->p < 4) {
			*why = "truncated fixed32";
			return -1;
		}
		f->v = 0;
		memcpy(&f->v, r->p, 4);
		r->p += 4;
		return 0;
	case WT_LEN:
		if (read_varint(r, &f->v)) {
			*why = "truncated length";
			return -1;
		}
		if (f->v > (uint64_t)(r->end - r->p)) {
			*why = "length runs past the end of the data";
			return -1;
		}
		f->p = r->p;
		r->p += f->v;
		return 0;
	default:
		*why = "unsupported wire type";
		return -1;
	}
}

/* protobuf-c allocator that draws from an arena. protobuf-c returns NULL both for bad
 * input and for a failed allocation; failed tells them apart. */
struct pb_arena {
	struct arena *arena;
	int failed;
};

static void *arena_pb_alloc(void *data, size_t size)
{
	struct pb_arena *a = data;
	void *p = arena_alloc(a->arena, size);

	if (!p)
		a->failed = 1;
	return p;
}

static void arena_pb_free(void *data, void *p)
{
	(void)data;
	(void)p;
}

struct table_state {
	const char *name;
	size_t nstrings;
	const char **strings;
	struct field *strfields;	/* offsets, resolved after pass one */
	size_t cap_strings;
	int64_t drop_frames, keep_frames, default_sample_type, doc_url;
	int64_t period_type_type, period_type_unit;
	int64_t *comment_ix;
	size_t ncomments, cap_comments;
	Perftools__Profiles__ValueType **sample_types;
	size_t nsample_types, cap_sample_types;
	Perftools__Profiles__Mapping **mappings;
	size_t nmappings, cap_mappings;
	Perftools__Profiles__Location **locations;
	size_t nlocations, cap_locations;
	Perftools__Profiles__Function **functions;
	size_t nfunctions, cap_functions;
	/* where each came from, for messages: the byte offset of its field's tag */
	size_t *comment_off, cap_comment_off;
	size_t *sample_type_off, cap_sample_type_off;
	size_t *mapping_off, cap_mapping_off;
	size_t *location_off, cap_location_off;
	size_t *function_off, cap_function_off;
	size_t drop_frames_off, keep_frames_off, default_sample_type_off, doc_url_off;
	size_t period_type_off, first_sample_off;
};

static int push(void *arr_p, size_t *n, size_t *cap, size_t elem, const void *item)
{
	void **arr = arr_p;

	if (vec_reserve(arr_p, cap, *n + 1, elem, 16))
		return -1;
	memcpy((char *)*arr + *n * elem, item, elem);
	(*n)++;
	return 0;
}

/* Appends msg and off to a table and its offsets (n counts both). */
static int push_at(void *arr_p, size_t *n, size_t *cap, void *msg, size_t **offs,
		   size_t *cap_offs, size_t off)
{
	if (vec_reserve(offs, cap_offs, *n + 1, sizeof(**offs), 16))
		return -1;
	(*offs)[*n] = off;
	return push(arr_p, n, cap, sizeof(msg), &msg);
}

static void free_tables(struct table_state *t)
{
	free(t->strings);
	free(t->strfields);
	free(t->comment_ix);
	free(t->comment_off);
	free(t->sample_type_off);
	free(t->mapping_off);
	free(t->location_off);
	free(t->function_off);
	free(t->sample_types);
	free(t->mappings);
	free(t->locations);
	free(t->functions);
}

static enum esc_status bad(struct err *e, const char *name, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static enum esc_status bad(struct err *e, const char *name, size_t off, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return err_set(e, ESC_EINPUT, "'%s': %s at byte %zu", name, msg, off);
}

static enum esc_status read_int_field(const struct field *f, int64_t *out, const char *name,
				      struct err *e)
{
	if (f->wt != WT_VARINT)
		return bad(e, name, f->off, "field %u has wire type %u, want varint", f->num, f->wt);
	*out = (int64_t)f->v;
	return ESC_OK;
}

/* Pass one: everything but samples. */
static enum esc_status walk_tables(struct profile *p, struct table_state *t, struct err *e)
{
	struct profile_priv *pv = p->priv;
	struct pb_arena pa = {&pv->arena, 0};
	ProtobufCAllocator alloc = {arena_pb_alloc, arena_pb_free, &pa};
	struct reader r = {(const unsigned char *)pv->data.data,
			   (const unsigned char *)pv->data.data,
			   (const unsigned char *)pv->data.data + pv->data.len};
	struct field f;
	const char *why = NULL;
	int rc;

	while ((rc = next_field(&r, &f, &why)) == 0) {
		void *msg = NULL;

		switch (f.num) {
		case 1: case 2: case 3: case 4: case 5: case 6: case 11:
			if (f.wt != WT_LEN)
				return bad(e, p->name, f.off, "field %u has wire type %u, want bytes",
					   f.num, f.wt);
			break;
		default:
			break;
		}
		switch (f.num) {
		case 1:
			msg = perftools__profiles__value_type__unpack(&alloc, f.v, f.p);
			if (!msg)
				goto badmsg;
			if (push_at(&t->sample_types, &t->nsample_types, &t->cap_sample_types, msg,
				    &t->sample_type_off, &t->cap_sample_type_off, f.off))
				goto nomem;
			break;
		case 2:
			if (p->nsamples == SIZE_MAX)
				goto badmsg;
			if (!p->nsamples++)
				t->first_sample_off = f.off;
			break;
		case 3:
			msg = perftools__profiles__mapping__unpack(&alloc, f.v, f.p);
			if (!msg)
				goto badmsg;
			if (push_at(&t->mappings, &t->nmappings, &t->cap_mappings, msg, &t->mapping_off,
				    &t->cap_mapping_off, f.off))
				goto nomem;
			break;
		case 4:
			msg = perftools__profiles__location__unpack(&alloc, f.v, f.p);
			if (!msg)
				goto badmsg;
			if (push_at(&t->locations, &t->nlocations, &t->cap_locations, msg,
				    &t->location_off, &t->cap_location_off, f.off))
				goto nomem;
			break;
		case 5:
			msg = perftools__profiles__function__unpack(&alloc, f.v, f.p);
			if (!msg)
				goto badmsg;
			if (push_at(&t->functions, &t->nfunctions, &t->cap_functions, msg,
				    &t->function_off, &t->cap_function_off, f.off))
				goto nomem;
			break;
		case 6:
			if (f.v > pv->limits.max_string)
				return err_set(e, ESC_ELIMIT,
					       "'%s': string of %llu bytes at byte %zu exceeds the limit of %u"
					       " (raise it with --max-string)",
					       p->name, (unsigned long long)f.v, f.off,
					       pv->limits.max_string);
			if (push(&t->strfields, &t->nstrings, &t->cap_strings, sizeof(f), &f))
				return err_set(e, ESC_ENOMEM, "'%s': out of memory", p->name);
			break;
		case 7: case 8: case 9: case 10: case 12: case 14: case 15: {
			int64_t v = 0;
			enum esc_status st = read_int_field(&f, &v, p->name, e);

			if (st)
				return st;
			if (f.num == 7) t->drop_frames = v, t->drop_frames_off = f.off;
			else if (f.num == 8) t->keep_frames = v, t->keep_frames_off = f.off;
			else if (f.num == 9) p->time_nanos = v;
			else if (f.num == 10) p->duration_nanos = v;
			else if (f.num == 12) p->period = v;
			else if (f.num == 14) t->default_sample_type = v, t->default_sample_type_off = f.off;
			else t->doc_url = v, t->doc_url_off = f.off;
			break;
		}
		case 11: {
			Perftools__Profiles__ValueType *vt =
				perftools__profiles__value_type__unpack(&alloc, f.v, f.p);

			if (!vt)
				goto badmsg;
			t->period_type_type = vt->type;
			t->period_type_unit = vt->unit;
			t->period_type_off = f.off;
			break;
		}
		case 13:
			if (f.wt == WT_VARINT) {
				int64_t v = (int64_t)f.v;

				if (vec_reserve(&t->comment_off, &t->cap_comment_off, t->ncomments + 1,
						sizeof(size_t), 16) ||
				    push(&t->comment_ix, &t->ncomments, &t->cap_comments, sizeof(v), &v))
					return err_set(e, ESC_ENOMEM, "'%s': out of memory", p->name);
				t->comment_off[t->ncomments - 1] = f.off;
			} else if (f.wt == WT_LEN) {
				struct reader pr = {r.base, f.p, f.p + f.v};
				uint64_t v;

				while (pr.p < pr.end) {
					size_t at = (size_t)(pr.p - r.base);
					int64_t iv;

					if (read_varint(&pr, &v))
						return bad(e, p->name, at, "truncated packed comment");
					iv = (int64_t)v;
					if (vec_reserve(&t->comment_off, &t->cap_comment_off,
							t->ncomments + 1, sizeof(size_t), 16) ||
					    push(&t->comment_ix, &t->ncomments, &t->cap_comments,
						 sizeof(iv), &iv))
						return err_set(e, ESC_ENOMEM, "'%s': out of memory", p->name);
					t->comment_off[t->ncomments - 1] = at;
				}
			} else {
				return bad(e, p->name, f.off, "field 13 has wire type %u", f.wt);
			}
			break;
		default:
			break;	/* unknown fields are skipped, as protobuf requires */
		}
		continue;
nomem:
		return err_set(e, ESC_ENOMEM, "'%s': out of memory", p->name);
badmsg:
		if (pa.failed)
			goto nomem;
		return bad(e, p->name, f.off, "malformed %s message",
			   f.num == 1 ? "sample_type ValueType" : f.num == 2 ? "Sample" :
			   f.num == 3 ? "Mapping" : f.num == 4 ? "Location" :
			   f.num == 5 ? "Function" : "period_type ValueType");
	}
	if (rc < 0)
		return bad(e, p->name, f.off, "%s", why);
	return ESC_OK;
}

/* String ix of the table, for the field what of the message at byte off. */
static enum esc_status string_at(const struct profile *p, const struct table_state *t,
				 int64_t ix, const char **out, const char *what, size_t off,
				 struct err *e)
{
	if (ix < 0 || (uint64_t)ix >= t->nstrings)
		return bad(e, p->name, off, "%s string index %lld out of range (%zu strings)", what,
			   (long long)ix, t->nstrings);
	*out = t->strings[ix];
	return ESC_OK;
}

static int cmp_fn_id(const void *a, const void *b)
{
	const struct profile_function *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static const struct profile_function *function_by_id(const struct profile *p, uint64_t id)
{
	struct profile_function key = {.id = id};

	return bsearch(&key, p->functions, p->nfunctions, sizeof(key), cmp_fn_id);
}

/* Turns the unpacked messages into the public model, checking every reference. */
static enum esc_status build_model(struct profile *p, struct table_state *t, struct err *e)
{
	struct profile_priv *pv = p->priv;
	struct arena *a = &pv->arena;
	struct profile_value_type *types;
	struct profile_function *fns;
	struct profile_mapping *maps;
	struct profile_location *locs;
	const char **comments;
	enum esc_status st;
	size_t i, j;

	t->strings = calloc(t->nstrings ? t->nstrings : 1, sizeof(*t->strings));
	if (!t->strings)
		return err_set(e, ESC_ENOMEM, "'%s': out of memory", p->name);
	for (i = 0; i < t->nstrings; i++) {
		t->strings[i] = arena_strndup(a, (const char *)t->strfields[i].p,
					      (size_t)t->strfields[i].v);
		if (!t->strings[i])
			return err_set(e, ESC_ENOMEM, "'%s': out of memory", p->name);
	}
	if (t->nstrings == 0) {
		if (t->nsample_types || t->nfunctions || p->nsamples)
			return err_set(e, ESC_EINPUT, "'%s': the string table is empty, yet the %s at"
				       " byte %zu refers to strings", p->name,
				       t->nsample_types ? "sample type" : t->nfunctions ? "function" :
				       "sample", t->nsample_types ? t->sample_type_off[0] :
				       t->nfunctions ? t->function_off[0] : t->first_sample_off);
	} else if (t->strings[0][0] != '\0') {
		return bad(e, p->name, t->strfields[0].off,
			   "string_table[0] must be empty, found %zu bytes", (size_t)t->strfields[0].v);
	}

	types = arena_alloc(a, (t->nsample_types + 1) * sizeof(*types));
	if (!types)
		return err_set(e, ESC_ENOMEM, "'%s': out of memory", p->name);
	for (i = 0; i < t->nsample_types; i++) {
		size_t off = t->sample_type_off[i];

		if ((st = string_at(p, t, t->sample_types[i]->type, &types[i].type, "sample type", off, e)) ||
		    (st = string_at(p, t, t->sample_types[i]->unit, &types[i].unit, "sample unit", off, e)))
			return st;
	}
	p->sample_types = types;
	p->nsample_types = t->nsample_types;

	if (t->nstrings) {
		if ((st = string_at(p, t, t->period_type_type, &p->period_type.type, "period type",
				    t->period_type_off, e)) ||
		    (st = string_at(p, t, t->period_type_unit, &p->period_type.unit, "period unit",
				    t->period_type_off, e)))
			return st;
	} else {
		p->period_type.type = p->period_type.unit = "";
	}
	if (t->default_sample_type) {
		if ((st = string_at(p, t, t->default_sample_type, &p->default_sample_type,
				    "default_sample_type", t->default_sample_type_off, e)))
			return st;
	}
	if (t->doc_url && (st = string_at(p, t, t->doc_url, &p->doc_url, "doc_url", t->doc_url_off, e)))
		return st;
	if (t->drop_frames && (st = string_at(p, t, t->drop_frames, &(const char *){0}, "drop_frames",
					      t->drop_frames_off, e)))
		return st;
	if (t->keep_frames && (st = string_at(p, t, t->keep_frames, &(const char *){0}, "keep_frames",
					      t->keep_frames_off, e)))
		return st;
	comments = arena_alloc(a, (t->ncomments + 1) * sizeof(*comments));
	if (!comments)
		return err_set(e, ESC_ENOMEM, "'%s': out of memory", p->name);
	for (i = 0; i < t->ncomments; i++)
		if ((st = string_at(p, t, t->comment_ix[i], &comments[i], "comment", t->comment_off[i], e)))
			return st;
	p->comments = comments;
	p->ncomments = t->ncomments;

	maps = arena_alloc(a, (t->nmappings + 1) * sizeof(*maps));
	if (!maps)
		return err_set(e, ESC_ENOMEM, "'%s': out of memory", p->name);
	for (i = 0; i < t->nmappings; i++) {
		const Perftools__Profiles__Mapping *m = t->mappings[i];
		size_t off = t->mapping_off[i];

		if (m->id == 0)
			return bad(e, p->name, off, "mapping %zu has id 0", i + 1);
		maps[i] = (struct profile_mapping){m->id, m->memory_start, m->memory_limit,
						   m->file_offset, "", ""};
		if ((st = string_at(p, t, m->filename, &maps[i].file, "mapping filename", off, e)) ||
		    (st = string_at(p, t, m->build_id, &maps[i].build_id, "mapping build_id", off, e)))
			return st;
	}
	p->mappings = maps;
	p->nmappings = t->nmappings;

	fns = arena_alloc(a, (t->nfunctions + 1) * sizeof(*fns));
	if (!fns)
		return err_set(e, ESC_ENOMEM, "'%s': out of memory", p->name);
	/* .NET's exporter writes functions without ids and refers to them by position */
	for (j = 0; j < t->nfunctions && t->functions[j]->id == 0; j++)
		;
	for (i = 0; i < t->nfunctions; i++) {
		const Perftools__Profiles__Function *f = t->functions[i];
		size_t off = t->function_off[i];

		if (f->id == 0 && j < t->nfunctions)
			return bad(e, p->name, off, "function %zu has id 0", i + 1);
		fns[i].id = f->id ? f->id : i + 1;
		fns[i].start_line = f->start_line;
		if ((st = string_at(p, t, f->name, &fns[i].name, "function name", off, e)) ||
		    (st = string_at(p, t, f->system_name, &fns[i].system_name, "function system_name",
				    off, e)) ||
		    (st = string_at(p, t, f->filename, &fns[i].file, "function filename", off, e)))
			return st;
	}
	qsort(fns, t->nfunctions, sizeof(*fns), cmp_fn_id);
	for (i = 1; i < t->nfunctions; i++)
		if (fns[i].id == fns[i - 1].id) {
			/* the second of that id in the file is the one at fault */
			for (j = 0; t->functions[j]->id != fns[i].id; j++)
				;
			for (j++; t->functions[j]->id != fns[i].id; j++)
				;
			return bad(e, p->name, t->function_off[j], "duplicate function id %llu",
				   (unsigned long long)fns[i].id);
		}
	p->functions = fns;
	p->nfunctions = t->nfunctions;

	locs = arena_alloc(a, (t->nlocations + 1) * sizeof(*locs));
	if (!locs)
		return err_set(e, ESC_ENOMEM, "'%s': out of memory", p->name);
	for (i = 0; i < t->nlocations; i++) {
		const Perftools__Profiles__Location *l = t->locations[i];
		struct profile_line *lines;

		locs[i] = (struct profile_location){.id = l->id, .mapping_id = l->mapping_id,
						    .address = l->address, .nlines = l->n_line,
						    .is_folded = l->is_folded, .index = i};
		if (l->mapping_id) {
			for (j = 0; j < p->nmappings && maps[j].id != l->mapping_id; j++)
				;
			if (j == p->nmappings)
				return bad(e, p->name, t->location_off[i],
					   "location %llu refers to missing mapping %llu",
					   (unsigned long long)l->id, (unsigned long long)l->mapping_id);
		}
		lines = arena_alloc(a, (l->n_line + 1) * sizeof(*lines));
		if (!lines)
			return err_set(e, ESC_ENOMEM, "'%s': out of memory", p->name);
		for (j = 0; j < l->n_line; j++) {
			const Perftools__Profiles__Line *ln = l->line[j];

			lines[j] = (struct profile_line){NULL, ln->line, ln->column};
			if (ln->function_id) {
				lines[j].function = function_by_id(p, ln->function_id);
				if (!lines[j].function)
					return bad(e, p->name, t->location_off[i],
						   "location %llu refers to missing function %llu",
						   (unsigned long long)l->id,
						   (unsigned long long)ln->function_id);
			}
		}
		locs[i].lines = lines;
		if (l->n_line > p->max_inline_depth)
			p->max_inline_depth = l->n_line;
	}
	p->locations = locs;
	p->nlocations = t->nlocations;
	pv->location_off = arena_alloc(a, (t->nlocations + 1) * sizeof(*pv->location_off));
	if (!pv->location_off)
		return err_set(e, ESC_ENOMEM, "'%s': out of memory", p->name);
	if (t->nlocations)
		memcpy(pv->location_off, t->location_off, t->nlocations * sizeof(*pv->location_off));
	return profile_index_locations(p, e);
}

enum esc_status profile_decode_pprof(struct profile *p, struct err *e)
{
	struct table_state t = {.name = p->name};
	enum esc_status st;

	st = walk_tables(p, &t, e);
	if (!st)
		st = build_model(p, &t, e);
	if (!st) {
		/* keep the string table (pointers into the arena) for labels */
		const char **keep = arena_alloc(&p->priv->arena, (t.nstrings + 1) * sizeof(*keep));

		if (!keep) {
			st = err_set(e, ESC_ENOMEM, "'%s': out of memory", p->name);
		} else {
			memcpy(keep, t.strings, t.nstrings * sizeof(*keep));
			p->priv->strings = keep;
			p->priv->nstrings = t.nstrings;
		}
	}
	free_tables(&t);
	return st;
}

/* Every type's sum of magnitudes must fit 64 bits: then no sum of any subset of the
 * samples (a site's, a cause's, a diff's) can overflow, whatever the signs. */
static int add_magnitude(uint64_t *total, int64_t v)
{
	/* -(v + 1) + 1: the magnitude of INT64_MIN too, with nothing that overflows or wraps */
	uint64_t m = v < 0 ? (uint64_t)-(v + 1) + 1 : (uint64_t)v;

	return __builtin_add_overflow(*total, m, total) || *total > INT64_MAX;
}

/* One Sample's contents, whichever way it was read: ids, values and labels as the wire has
 * them (label strings still indexes). */
struct raw_label {
	int64_t key, str, num, num_unit;
};

struct raw_sample {
	const uint64_t *ids;
	size_t nids;
	const int64_t *values;
	size_t nvalues;
	const struct raw_label *labels;
	size_t nlabels;
};

/* Room the fast path reuses from sample to sample. */
struct sample_room {
	uint64_t *ids;
	size_t cap_ids;
	int64_t *values;
	size_t cap_values;
	struct raw_label *labels;
	size_t cap_labels;
};

/* Appends the varints of a field to out: one for a varint field, all of them for a packed
 * one. 0, or -1 when the field is one the fast path leaves to protobuf-c. */
static int take_varints(const struct field *f, uint64_t *out, size_t *n)
{
	struct reader pr;

	if (f->wt == WT_VARINT) {
		out[(*n)++] = f->v;
		return 0;
	}
	if (f->wt != WT_LEN)
		return -1;
	pr = (struct reader){f->p, f->p, f->p + f->v};
	while (pr.p < pr.end)
		if (read_varint(&pr, &out[(*n)++]))
			return -1;
	return 0;
}

/* A Label of varints only, each at most once or last one kept, as protobuf-c keeps it. */
static int read_label(const struct field *lf, struct raw_label *l)
{
	struct reader r = {lf->p, lf->p, lf->p + lf->v};
	struct field f;
	const char *why;
	int rc;

	*l = (struct raw_label){0};
	while ((rc = next_field(&r, &f, &why)) == 0) {
		if (f.wt != WT_VARINT)
			return -1;
		switch (f.num) {
		case 1: l->key = (int64_t)f.v; break;
		case 2: l->str = (int64_t)f.v; break;
		case 3: l->num = (int64_t)f.v; break;
		case 4: l->num_unit = (int64_t)f.v; break;
		default: return -1;
		}
	}
	return rc < 0 ? -1 : 0;
}

/* Reads a Sample of the shape every profiler writes (location ids and values, packed or
 * not, and labels of known varint fields) without protobuf-c's generic unpacking, which
 * was a third of decoding a large profile. Anything else (an unknown field, a wire type
 * or varint protobuf-c would refuse) returns -1 and the sample goes to protobuf-c, so the
 * two never differ on what a sample holds nor on whether it is malformed. A field of len
 * bytes holds at most len varints, which bounds every array. */
static int read_sample_fast(const struct field *sf, struct sample_room *room,
			    struct raw_sample *out)
{
	struct reader r = {sf->p, sf->p, sf->p + sf->v};
	size_t len = (size_t)sf->v + 1, nids = 0, nvalues = 0, nlabels = 0;
	struct field f;
	const char *why;
	int rc;

	if (vec_reserve(&room->ids, &room->cap_ids, len, sizeof(*room->ids), 64) ||
	    vec_reserve(&room->values, &room->cap_values, len, sizeof(*room->values), 64) ||
	    vec_reserve(&room->labels, &room->cap_labels, len, sizeof(*room->labels), 16))
		return -1;
	while ((rc = next_field(&r, &f, &why)) == 0) {
		switch (f.num) {
		case 1:
			if (take_varints(&f, room->ids, &nids))
				return -1;
			break;
		case 2:
			if (take_varints(&f, (uint64_t *)room->values, &nvalues))
				return -1;
			break;
		case 3:
			if (f.wt != WT_LEN || read_label(&f, &room->labels[nlabels++]))
				return -1;
			break;
		default:
			return -1;
		}
	}
	if (rc < 0)
		return -1;
	*out = (struct raw_sample){room->ids, nids, room->values, nvalues, room->labels, nlabels};
	return 0;
}

/* The same sample through protobuf-c, into the scratch arena. */
static enum esc_status read_sample_pb(const struct profile *p, const struct field *sf,
				      struct arena *scratch, struct raw_sample *out, struct err *e)
{
	struct pb_arena pa = {scratch, 0};
	ProtobufCAllocator alloc = {arena_pb_alloc, arena_pb_free, &pa};
	Perftools__Profiles__Sample *s = perftools__profiles__sample__unpack(&alloc, sf->v, sf->p);
	struct raw_label *labels;
	size_t i;

	if (!s)
		return pa.failed ? err_set(e, ESC_ENOMEM, "'%s': out of memory", p->name) :
			bad(e, p->name, sf->off, "malformed Sample message");
	labels = arena_alloc(scratch, (s->n_label + 1) * sizeof(*labels));
	if (!labels)
		return err_set(e, ESC_ENOMEM, "'%s': out of memory", p->name);
	for (i = 0; i < s->n_label; i++)
		labels[i] = (struct raw_label){s->label[i]->key, s->label[i]->str, s->label[i]->num,
					       s->label[i]->num_unit};
	*out = (struct raw_sample){s->location_id, s->n_location_id, s->value, s->n_value, labels,
				   s->n_label};
	return ESC_OK;
}

/* Pass two: one Sample at a time. */
int profile_foreach_pprof(const struct profile *p, profile_sample_fn fn, void *ctx, struct err *e)
{
	return profile_foreach_pprof_by(p, SAMPLES_EITHER, fn, ctx, e);
}

int profile_foreach_pprof_by(const struct profile *p, enum sample_reader by, profile_sample_fn fn,
			     void *ctx, struct err *e)
{
	struct profile_priv *pv = p->priv;
	const char *const *strings = pv->strings;
	size_t nstrings = pv->nstrings;
	struct arena scratch;
	struct sample_room room = {0};
	struct reader r = {(const unsigned char *)pv->data.data,
			   (const unsigned char *)pv->data.data,
			   (const unsigned char *)pv->data.data + pv->data.len};
	struct field f;
	const char *why = NULL;
	size_t index = 0;
	int rc, ret = 0;
	uint64_t *totals = calloc(p->nsample_types + 1, sizeof(*totals));

	if (!totals)
		return err_set(e, ESC_ENOMEM, "'%s': out of memory", p->name);
	arena_init(&scratch, 64 * 1024);
	while ((rc = next_field(&r, &f, &why)) == 0) {
		struct raw_sample s = {0};
		const struct profile_location **locs;
		struct profile_label *labels;
		struct profile_sample ps;
		size_t i;

		if (f.num != 2)
			continue;
		arena_reset(&scratch);
		if (by == SAMPLES_PROTOBUF_C || read_sample_fast(&f, &room, &s)) {
			if (by == SAMPLES_BY_HAND) {
				ret = bad(e, p->name, f.off, "sample %zu is not of the hand-read shape",
					  index + 1);
				break;
			}
			if ((ret = read_sample_pb(p, &f, &scratch, &s, e)))
				break;
		}
		if (s.nvalues != p->nsample_types) {
			ret = bad(e, p->name, f.off, "sample %zu has %zu values for %zu sample types",
				  index + 1, s.nvalues, p->nsample_types);
			break;
		}
		if (s.nids > pv->limits.max_depth) {
			ret = err_set(e, ESC_ELIMIT,
				      "'%s': sample %zu at byte %zu has %zu frames, more than the limit of %u"
				      " (raise it with --max-depth)",
				      p->name, index + 1, f.off, s.nids, pv->limits.max_depth);
			break;
		}
		locs = arena_alloc(&scratch, (s.nids + 1) * sizeof(*locs));
		labels = arena_alloc(&scratch, (s.nlabels + 1) * sizeof(*labels));
		if (!locs || !labels) {
			ret = err_set(e, ESC_ENOMEM, "'%s': out of memory", p->name);
			break;
		}
		for (i = 0; i < s.nids; i++) {
			locs[i] = profile_location_by_id(p, s.ids[i]);
			if (!locs[i]) {
				ret = bad(e, p->name, f.off, "sample %zu refers to missing location %llu",
					  index + 1, (unsigned long long)s.ids[i]);
				goto out;
			}
		}
		for (i = 0; i < s.nlabels; i++) {
			const struct raw_label *l = &s.labels[i];

			if (l->key <= 0 || (uint64_t)l->key >= nstrings || l->str < 0 ||
			    (uint64_t)l->str >= nstrings || l->num_unit < 0 ||
			    (uint64_t)l->num_unit >= nstrings) {
				ret = bad(e, p->name, f.off, "sample %zu has a label string index out of range",
					  index + 1);
				goto out;
			}
			labels[i].key = strings[l->key];
			labels[i].str = l->str ? strings[l->str] : NULL;
			labels[i].num = l->num;
			labels[i].num_unit = l->num_unit ? strings[l->num_unit] : NULL;
		}
		for (i = 0; i < s.nvalues; i++)
			if (add_magnitude(&totals[i], s.values[i])) {
				ret = bad(e, p->name, f.off, "sample %zu makes the %s total overflow 64 bits",
					  index + 1, p->sample_types[i].type);
				goto out;
			}
		ps = (struct profile_sample){index, locs, s.nids, s.values, s.nvalues, labels,
					     s.nlabels};
		index++;
		ret = fn(ctx, &ps);
		if (ret)
			break;
	}
	if (rc < 0 && !ret)
		ret = bad(e, p->name, f.off, "%s", why);
out:
	arena_release(&scratch);
	free(room.ids);
	free(room.values);
	free(room.labels);
	free(totals);
	return ret;
}

/* Whether the first byte can start a Profile: a known field with its wire type. Anything
 * else is not a pprof profile at all, and is said so rather than "bad field at byte 0". */
int profile_pprof_can_start(const unsigned char *d, size_t n)
{
	unsigned f, wt;

	if (!n)
		return 1;	/* an empty message is a valid, empty profile */
	f = d[0] >> 3;
	wt = d[0] & 7;
	switch (f) {
	case 1: case 2: case 3: case 4: case 5: case 6: case 11: return wt == 2;
	case 7: case 8: case 9: case 10: case 12: case 14: case 15: return wt == 0;
	case 13: return wt == 0 || wt == 2;
	default: return 0;
	}
}
