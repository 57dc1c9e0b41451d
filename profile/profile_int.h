/* profile_int.h — what the files of profile/ share and nobody else sees. */
#ifndef ESC_PROFILE_INT_H
#define ESC_PROFILE_INT_H

#include "common/arena.h"
#include "common/buf.h"
#include "profile.h"

struct profile_priv {
	struct arena arena;		/* strings and tables */
	struct buf data;		/* decompressed bytes (or a copy of the raw input) */
	struct profile_limits limits;
	/* location lookup: dense id table when ids are small, else sorted by id */
	const struct profile_location **by_id;
	uint64_t by_id_len;
	size_t *location_off;		/* pprof: byte of each location's field, for messages */
	/* the string table, for sample labels decoded in pass two */
	const char *const *strings;
	size_t nstrings;
	/* legacy text profiles materialise their samples here */
	struct legacy_sample *legacy;
	size_t nlegacy;
	const struct profile_location **legacy_locs;
	int64_t *legacy_values;
	struct profile_label *legacy_labels;
};

struct legacy_sample {
	size_t first_loc, nlocs;	/* range in priv->legacy_locs */
	size_t first_value;		/* nsample_types values in priv->legacy_values */
	size_t label;			/* index in priv->legacy_labels */
};

/* Decompresses gzip or zlib input into out (bounded by max). When the input is neither,
 * returns ESC_OK with *compressed = false and out untouched. */
enum esc_status profile_inflate(const char *name, const unsigned char *in, size_t len,
				uint64_t max, struct buf *out, enum profile_format *fmt,
				int *compressed, struct err *e);

/* True when data starts like a Go legacy heap text profile. */
int profile_is_legacy_heap(const char *data, size_t len);

/* Fills p from the legacy text held in p->priv->data. */
enum esc_status profile_parse_legacy(struct profile *p, struct err *e);

/* Builds the location-id index; fails on a duplicate or zero id. */
enum esc_status profile_index_locations(struct profile *p, struct err *e);

#endif
