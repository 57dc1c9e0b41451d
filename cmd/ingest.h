/* ingest.h — reading profiles and compiler logs into the store (used by load, escapes
 * and analyze). */
#ifndef ESC_INGEST_H
#define ESC_INGEST_H

#include "classify/gclog.h"
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

/* Parses a log, directory (-json tree) or "-" and stores it as one build; s NULL parses
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

/* Reads and decodes path (sha256 of its bytes into sha). */
enum esc_status ingest_open_profile(const char *path, const struct profile_limits *lim,
				    struct profile **p, char sha[65], struct err *e);
/* Stores the profile at path (o->sha256 and o->source are filled in here). */
enum esc_status ingest_profile(struct store *s, const char *path, const struct store_profile_opts *o,
			       const struct profile_limits *lim, struct ingest_profile_result *res,
			       struct err *e);

#endif
