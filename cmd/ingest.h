/* ingest.h — reading profiles and compiler logs into the store, for every command that
 * takes files. Each input (a file, "-", a pipe, <(...) or a named FIFO) is read once. */
#ifndef ESC_INGEST_H
#define ESC_INGEST_H

#include "gclog/gclog.h"
#include "profile/profile.h"
#include "store/store.h"

struct ingest_build_result {
	int64_t id;		/* 0 in a dry run */
	int added;		/* 0 when the same build was already stored */
	struct gc_stats st;
	size_t kinds[GC_KIND_COUNT];
	char version[64];	/* given, inferred, or "" */
	char sha256[65];
};

/* Parses a log, a -json file or tree, or "-" and stores it as one build; s NULL parses
 * only. */
enum esc_status ingest_build(struct store *s, const char *path, const char *name,
			     const char *version, size_t max_line, struct ingest_build_result *res,
			     struct err *e);

struct ingest_profile_result {
	int64_t id;
	int added;
	size_t nsamples, nsample_types;
	char sha256[65];
};

/* Stores the profile at path ("-" for standard input; o->sha256 and o->source are filled
 * in here). */
enum esc_status ingest_profile(struct store *s, const char *path, const struct store_profile_opts *o,
			       const struct profile_limits *lim, struct ingest_profile_result *res,
			       struct err *e);

/* Stores path as a profile when its bytes are one, else as a build (a log, a -json file or
 * tree); *is_profile says which and *id is the stored profile or build. A broken profile
 * is reported as one. */
enum esc_status ingest_profile_or_build(struct store *s, const char *path, int64_t *id,
					int *is_profile, struct err *e);

#endif
