/* profile.h — decode pprof profiles (gzip, zlib or raw protobuf) and Go's legacy text heap
 * profiles into one read-only model. The small tables (strings, functions, locations,
 * mappings) are decoded and validated by profile_open; samples are decoded one at a time
 * by profile_foreach_sample, so a large profile never holds every Sample at once.
 * No protobuf-c or zlib type leaves this module. */
#ifndef ESC_PROFILE_H
#define ESC_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/err.h"

enum profile_format {
	PROFILE_PPROF_GZIP,
	PROFILE_PPROF_ZLIB,
	PROFILE_PPROF,
	PROFILE_LEGACY_HEAP,
};

struct profile_limits {
	uint64_t max_size;	/* decompressed bytes; default 1 GiB */
	uint32_t max_depth;	/* locations per sample; default 4096 */
	uint32_t max_string;	/* bytes per string; default 1 MiB */
	/* a URL (profile_fetch): seconds to connect and download, default 60, or 1.5 times
	 * the delta's length as pprof's -timeout; and pprof's -seconds: ?seconds=N, a delta
	 * profile over N seconds (0: as the URL says) */
	uint32_t timeout;
	uint32_t seconds;
};
#define PROFILE_DEFAULT_MAX_SIZE (UINT64_C(1) << 30)
#define PROFILE_DEFAULT_MAX_DEPTH 4096
#define PROFILE_DEFAULT_MAX_STRING (1u << 20)

struct profile_value_type {
	const char *type;
	const char *unit;
};

struct profile_function {
	uint64_t id;
	const char *name;
	const char *system_name;
	const char *file;
	int64_t start_line;
};

struct profile_line {
	const struct profile_function *function;	/* NULL when the line names none */
	int64_t line;
	int64_t column;
};

struct profile_location {
	uint64_t id;
	uint64_t mapping_id;
	uint64_t address;
	const struct profile_line *lines;	/* lines[0] is the innermost (inlined) frame */
	size_t nlines;
	bool is_folded;
	size_t index;	/* position in profile.locations */
};

struct profile_mapping {
	uint64_t id;
	uint64_t memory_start, memory_limit, file_offset;
	const char *file;
	const char *build_id;
};

struct profile_label {
	const char *key;
	const char *str;	/* NULL for a numeric label */
	int64_t num;
	const char *num_unit;	/* NULL when unset */
};

/* One sample, valid only during the callback that receives it. */
struct profile_sample {
	size_t index;		/* 0-based position in the profile */
	const struct profile_location *const *locations;	/* leaf first */
	size_t nlocations;
	const int64_t *values;	/* one per sample type */
	size_t nvalues;
	const struct profile_label *labels;
	size_t nlabels;
};

struct profile {
	const char *name;		/* as given to profile_open */
	enum profile_format format;
	uint64_t input_size;		/* bytes as read */
	uint64_t decoded_size;		/* bytes after decompression */

	const struct profile_value_type *sample_types;
	size_t nsample_types;
	struct profile_value_type period_type;	/* "" strings when absent */
	int64_t period;
	int64_t time_nanos;
	int64_t duration_nanos;
	const char *default_sample_type;	/* NULL when the profile names none */
	const char *const *comments;
	size_t ncomments;
	const char *doc_url;		/* NULL when absent */

	const struct profile_mapping *mappings;
	size_t nmappings;
	const struct profile_location *locations;
	size_t nlocations;
	const struct profile_function *functions;
	size_t nfunctions;

	size_t nsamples;
	size_t max_inline_depth;	/* most lines in one location */
	struct profile_priv *priv;
};

/* Decodes data (len bytes, the whole file as read; borrowed only during the call) into a
 * new profile that the caller frees with profile_free. name appears in error messages.
 * limits may be NULL for the defaults. Returns ESC_OK, or ESC_EINPUT / ESC_ELIMIT /
 * ESC_ENOMEM with e naming the file and byte offset. */
enum esc_status profile_open(struct profile **out, const char *name, const void *data,
			     size_t len, const struct profile_limits *limits, struct err *e);

/* Whether head, the first bytes of an input (a few KiB are plenty), can begin a profile
 * that profile_open reads: gzip, zlib and protobuf are binary, so that is anything that
 * is not text, and text only when it is the header of a Go legacy heap profile. A
 * compiler log (UTF-8) is text and answers false. */
bool profile_sniff(const void *head, size_t len);

/* Whether source names a profile to download rather than a file: an http:// or https://
 * URL, or host:port[/path] (as pprof completes it) when no file has that name. */
bool profile_is_url(const char *source);

/* Downloads the profile at source (profile_is_url) and appends its bytes to out, as
 * `go tool pprof URL` does: host:port becomes http://host:port, an empty path
 * /debug/pprof/heap, lim->seconds sets ?seconds=N; up to 5 redirects are followed, and
 * lim's max_size and timeout bound the transfer. *name receives the URL as it is shown and
 * stored, without user name or password (the caller frees it; it may be set on error).
 * Errors name that URL: "URL: HTTP 404 Not Found" (ESC_EIO), a timeout or a refused
 * connection (ESC_EIO), a body over the cap (ESC_ELIMIT). out is unchanged on error. */
enum esc_status profile_fetch(const char *source, const struct profile_limits *lim,
			      struct buf *out, char **name, struct err *e);

/* How source is named in messages and in the store: a URL as profile_fetch completes it,
 * without user name or password; anything else as it is. A new string (caller frees), or
 * NULL when memory runs out. */
char *profile_source_name(const char *source, const struct profile_limits *lim);

/* Reads path ("-" for stdin, or a URL: profile_is_url) and decodes it as profile_open
 * does; a URL's profile is named by its public form (profile_fetch). */
enum esc_status profile_open_file(struct profile **out, const char *path,
				  const struct profile_limits *limits, struct err *e);

/* Calls fn for each sample in file order after validating it (location ids exist, one
 * value per sample type, label strings in range, and each type's sum of magnitudes so
 * far within 64 bits, so no sum over any set of samples overflows). A non-zero return from fn stops the
 * walk and is returned as is; a bad sample returns ESC_EINPUT with e set. */
typedef int (*profile_sample_fn)(void *ctx, const struct profile_sample *s);
int profile_foreach_sample(const struct profile *p, profile_sample_fn fn, void *ctx,
			   struct err *e);

/* Looks up a location by id; NULL when there is none. */
const struct profile_location *profile_location_by_id(const struct profile *p, uint64_t id);

/* Index of the sample type named type, or -1. */
int profile_sample_type_index(const struct profile *p, const char *type);

/* The sample index pprof would default to: default_sample_type when set and present,
 * otherwise the last sample type; -1 when there is none. */
int profile_default_sample_index(const struct profile *p);

/* "pprof-gzip", "pprof-zlib", "pprof" or "legacy-heap-text". */
const char *profile_format_name(enum profile_format f);

void profile_free(struct profile *p);

#endif
