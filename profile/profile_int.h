/* profile_int.h — what the files of profile/ share and nobody else sees. Calls point one
 * way: profile.c (open, dispatch, free) -> gunzip.c, decode.c, legacy.c -> locations.c;
 * the two decoders never call each other. */
#ifndef ESC_PROFILE_INT_H
#define ESC_PROFILE_INT_H

#include "common/arena.h"
#include "common/buf.h"
#include "profile.h"

struct profile_priv {
	struct arena arena;		/* strings and tables */
	struct buf data;		/* decompressed bytes (or a copy of the raw input) */
	struct profile_limits limits;
	char *name;			/* profile.name when this module made it (a URL's) */
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

/* legacy.c. True when data starts like a Go legacy heap text profile. */
int profile_is_legacy_heap(const char *data, size_t len);
/* Fills p from the legacy text held in p->priv->data. */
enum esc_status profile_parse_legacy(struct profile *p, struct err *e);
/* profile_foreach_sample of a legacy profile. */
int profile_foreach_legacy(const struct profile *p, profile_sample_fn fn, void *ctx);
/* Frees the sample tables profile_parse_legacy put in pv (not pv itself). */
void profile_legacy_release(struct profile_priv *pv);

/* decode.c. Fills p from the pprof protobuf held in p->priv->data. */
enum esc_status profile_decode_pprof(struct profile *p, struct err *e);
/* profile_foreach_sample of a pprof profile. */
int profile_foreach_pprof(const struct profile *p, profile_sample_fn fn, void *ctx, struct err *e);
/* Who reads each Sample: the hand-read path for the common shape and protobuf-c for the
 * rest (what profile_foreach_pprof does); protobuf-c alone, the reference the hand-read
 * path is tested against; or the hand-read path alone, an error at any sample it leaves
 * to protobuf-c, so a test can tell that it was taken. */
enum sample_reader { SAMPLES_EITHER, SAMPLES_PROTOBUF_C, SAMPLES_BY_HAND };
int profile_foreach_pprof_by(const struct profile *p, enum sample_reader by, profile_sample_fn fn,
			     void *ctx, struct err *e);
/* Whether d[0..n) can start a Profile message (its first field is one Profile has, with
 * that field's wire type); true for n == 0. */
int profile_pprof_can_start(const unsigned char *d, size_t n);

/* locations.c. Builds the location-id index (freed by profile_free); fails on a duplicate
 * or zero id. */
enum esc_status profile_index_locations(struct profile *p, struct err *e);

#endif
