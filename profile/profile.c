/* profile.c — opening a profile: the input is inflated when compressed (gunzip.c), told
 * apart by its bytes and handed to one decoder, decode.c (pprof protobuf) or legacy.c (Go
 * legacy heap text); reading its samples goes back to the decoder that made it. The
 * decoders know nothing of each other: both build the model and the location index
 * (locations.c) that this file and every reader share. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "profile_int.h"

int profile_foreach_sample(const struct profile *p, profile_sample_fn fn, void *ctx,
			   struct err *e)
{
	if (p->format == PROFILE_LEGACY_HEAP)
		return profile_foreach_legacy(p, fn, ctx);
	return profile_foreach_pprof(p, fn, ctx, e);
}

static int looks_like_text(const unsigned char *d, size_t n)
{
	size_t i, lim = n < 64 ? n : 64;

	for (i = 0; i < lim; i++)
		if (d[i] < 0x09 || (d[i] > 0x0d && d[i] < 0x20 && d[i] != 0x1b))
			return 0;
	return n > 0;
}

bool profile_sniff(const void *head, size_t len)
{
	return !looks_like_text(head, len) || profile_is_legacy_heap(head, len);
}

enum esc_status profile_open(struct profile **out, const char *name, const void *data,
			     size_t len, const struct profile_limits *limits, struct err *e)
{
	struct profile *p;
	struct profile_priv *pv;
	enum esc_status st;
	int compressed = 0;

	*out = NULL;
	p = calloc(1, sizeof(*p));
	pv = calloc(1, sizeof(*pv));
	if (!p || !pv) {
		free(p);
		free(pv);
		return err_set(e, ESC_ENOMEM, "'%s': out of memory", name);
	}
	p->priv = pv;
	p->name = name;
	p->input_size = len;
	arena_init(&pv->arena, 256 * 1024);
	buf_init(&pv->data);
	pv->limits.max_size = limits && limits->max_size ? limits->max_size : PROFILE_DEFAULT_MAX_SIZE;
	pv->limits.max_depth = limits && limits->max_depth ? limits->max_depth : PROFILE_DEFAULT_MAX_DEPTH;
	pv->limits.max_string = limits && limits->max_string ? limits->max_string : PROFILE_DEFAULT_MAX_STRING;

	if (len == 0) {
		st = err_set(e, ESC_EINPUT, "'%s': empty file", name);
		goto fail;
	}
	p->format = PROFILE_PPROF;
	st = profile_inflate(name, data, len, pv->limits.max_size, &pv->data, &p->format,
			     &compressed, e);
	if (st)
		goto fail;
	if (!compressed) {
		if (len > pv->limits.max_size) {
			st = err_set(e, ESC_ELIMIT, "'%s': size %zu exceeds %llu bytes (raise it with --max-size)",
				     name, len, (unsigned long long)pv->limits.max_size);
			goto fail;
		}
		if (buf_add(&pv->data, data, len)) {
			st = err_set(e, ESC_ENOMEM, "'%s': out of memory", name);
			goto fail;
		}
	}
	p->decoded_size = pv->data.len;
	if (profile_is_legacy_heap(pv->data.data, pv->data.len)) {
		p->format = PROFILE_LEGACY_HEAP;
		st = profile_parse_legacy(p, e);
	} else {
		st = profile_decode_pprof(p, e);
		/* a text file, or bytes that cannot start a Profile, are not a profile at all */
		if (st == ESC_EINPUT && (looks_like_text((const unsigned char *)pv->data.data, pv->data.len) ||
					 !profile_pprof_can_start((const unsigned char *)pv->data.data,
								  pv->data.len))) {
			err_clear(e);
			st = err_set(e, ESC_EINPUT,
				     "'%s': not a pprof profile (gzip, zlib or protobuf) nor a Go heap text profile",
				     name);
		}
	}
	if (st)
		goto fail;
	*out = p;
	return ESC_OK;
fail:
	profile_free(p);
	return st;
}

enum esc_status profile_open_file(struct profile **out, const char *path,
				  const struct profile_limits *limits, struct err *e)
{
	struct buf b;
	enum esc_status st;
	uint64_t max = limits && limits->max_size ? limits->max_size : PROFILE_DEFAULT_MAX_SIZE;
	char *name = NULL;
	int r;

	*out = NULL;
	buf_init(&b);
	if (profile_is_url(path)) {
		if (!(st = profile_fetch(path, limits, &b, &name, e)) &&
		    !(st = profile_open(out, name, b.data, b.len, limits, e))) {
			(*out)->priv->name = name;
			name = NULL;
		}
		goto out;
	}
	/* compressed input is at most the cap too: deflate never expands much */
	r = buf_read_file(&b, path, max);
	if (r == -1 && errno == ENOMEM) {
		st = err_set(e, ESC_ENOMEM, "'%s': out of memory", path);
	} else if (r == -1) {
		st = err_set(e, ESC_EIO, "cannot read '%s': %m", path);
	} else if (r == -2) {
		st = err_set(e, ESC_ELIMIT, "'%s': larger than %llu bytes (raise it with --max-size)",
			     path, (unsigned long long)max);
	} else {
		st = profile_open(out, path, b.data, b.len, limits, e);
	}
out:
	free(name);
	buf_release(&b);
	return st;
}

int profile_sample_type_index(const struct profile *p, const char *type)
{
	size_t i;

	for (i = 0; i < p->nsample_types; i++)
		if (!strcmp(p->sample_types[i].type, type))
			return (int)i;
	return -1;
}

int profile_default_sample_index(const struct profile *p)
{
	int i;

	if (p->default_sample_type && (i = profile_sample_type_index(p, p->default_sample_type)) >= 0)
		return i;
	return p->nsample_types ? (int)p->nsample_types - 1 : -1;
}

const char *profile_format_name(enum profile_format f)
{
	switch (f) {
	case PROFILE_PPROF_GZIP: return "pprof-gzip";
	case PROFILE_PPROF_ZLIB: return "pprof-zlib";
	case PROFILE_PPROF: return "pprof";
	case PROFILE_LEGACY_HEAP: return "legacy-heap-text";
	}
	return "unknown";
}

void profile_free(struct profile *p)
{
	if (!p)
		return;
	if (p->priv) {
		if (p->format == PROFILE_LEGACY_HEAP)
			profile_legacy_release(p->priv);
		free(p->priv->by_id);
		free(p->priv->name);
		arena_release(&p->priv->arena);
		buf_release(&p->priv->data);
		free(p->priv);
	}
	free(p);
}
