/* join_int.h — what the files of the join share: the diagnostics kept per source line,
 * a stack's resolution and the join's state. Calls point one way: join.c (the passes,
 * the sites) -> join_index.c (passes A and B: the lines that matter, the diagnostics kept
 * there), join_match.c (whose code a frame is, which diagnostics fit it, how builds fit
 * the profile) and join_resolve.c (pass C: a stack's site and candidates, a sample's
 * choice); join_resolve.c calls join_match.c and join_index.c's keys. Private to classify/. */
#ifndef ESC_JOIN_INT_H
#define ESC_JOIN_INT_H

#include <stdint.h>
#include <string.h>

#include "classify.h"
#include "common/buf.h"
#include "common/hmap.h"
#include "srcread.h"

struct jdiag {
	int64_t build_id, diag_id;
	struct gc_diag d;	/* deep copy: strings and steps owned (free_diag) */
	char *norm_file;	/* d.file normalised (classify_norm_path), as stored */
	struct classify_verdict v;
	int go_minor;
	int panics;		/* its storage flows into panic(): an error path */
	int sink_read;		/* a size verdict was checked against the source */
	int index_read;		/* a slice-store verdict was checked against the source */
};

struct dvec {
	struct jdiag **v;
	size_t n, cap;
};

struct inline_call {
	unsigned col;
	char *callee;
};

struct ivec {
	struct inline_call *v;
	size_t n, cap;
};

/* The object sizes allocated at one leaf line, with their object counts. */
#define JOIN_SIZE_HIST_MAX 32
struct size_hist {
	int64_t size[JOIN_SIZE_HIST_MAX], objects[JOIN_SIZE_HIST_MAX];
	size_t n;
};

struct closure_pos {
	char *file;
	char *func;
	unsigned line, col;
	int goroutine;
};

/* what a stack resolves to */
struct resolution {
	size_t site;		/* frame index of the site */
	size_t leaf;		/* frame index of the first frame that is not the runtime's */
	int deferred;		/* the site called the dependency in a defer statement */
	const char *alt_cause;	/* a second allocation at the line with no diagnostic, of
				   the sizes other than the line's most frequent one */
	const char *via;	/* function the site was reached from, or NULL */
	const char *cause;	/* a cause known without a diagnostic, or NULL */
	const char *evidence;	/* how it was known */
	double confidence;
	struct jdiag **cand;	/* allocating diagnostics that may describe it */
	size_t ncand;
};

/* A frame as the walks see it: the sample walk keeps each string at one address, so a
 * frame met again (in another stack) is known by its pointers. */
struct frame_memo {
	const char *function, *file;
	int64_t line;
	int64_t own;	/* pass A: where a build of this code must have said something */
	int64_t value;	/* what the set's owner remembers of the frame (0 when put) */
};

/* Frames by their pointers, open addressing (function NULL: an empty slot). */
struct frame_set {
	struct frame_memo *v;
	size_t cap, n;
};

/* One per classify_analyze, which releases everything it holds. */
struct join {
	struct store *st;
	struct classify_decoded *decoded;	/* the samples, when read from memory */
	struct err *e;
	const struct classify_opts *o;
	struct classify_sources src;
	int nbuilds;
	struct hmap needed;		/* "base:line" of every frame */
	struct hmap by_line;		/* "base:line" -> struct dvec (allocating + inline) */
	struct hmap diag_seen;		/* an allocating diagnostic's identity -> its jdiag */
	struct hmap inlines;		/* "base:line" -> struct ivec */
	struct hmap files;		/* "base" -> struct dvec of one diagnostic per (package, file) */
	struct hmap file_seen;		/* "package\0normfile" */
	struct hmap map_puts;		/* "m[k]" destinations of map puts */
	struct hmap line_flags;		/* "base:line" -> flags of notes at that line */
	struct hmap build_minor;	/* build id -> go minor */
	struct hmap profile_pkgs;	/* import paths the profile's symbols name */
	struct hmap covered;		/* packages of the builds' "# pkg" headers */
	struct hmap user;		/* the user's packages among them (see join_user_packages) */
	struct hmap sizes;		/* "base:line" of a leaf -> struct size_hist */
	struct srcread sr;		/* reading the frames' sources */
	struct hmap own_lines;		/* "pkg\0base:line" of every frame outside the runtime */
	struct hmap build_pkgs;		/* "build\0pkg" for the packages each build covers */
	struct hmap build_hits;		/* "build\0base:line" where a build has a diagnostic */
	struct closure_pos *closures;
	size_t nclosures, capclosures;
	struct hmap sites;		/* key -> struct agg */
	const struct jdiag *classifying;	/* the diagnostic join_classify_all is at */
	struct classify_result *r;
	/* per-stack cache */
	int64_t cur_stack;
	struct resolved *cur;		/* pass C: the current stack's resolution, or NULL */
	struct resolved *scratch;	/* the one resolved afresh for each stack not remembered */
	struct hmap resolved;		/* decisive frame ids (join_decisive_frames) -> struct resolved */
	struct buf key;
	struct store_frame *fbuf;	/* a stack's frames put together for join_resolve_stack */
	size_t capfbuf;
	/* what is known of each frame: by its id when the walk numbers frames, else by its
	 * pointers */
	uint8_t *fflags;		/* frame id -> JOIN_FRAME_* */
	size_t capfflags;
	struct frame_set frames_seen;	/* frames pass A has done */
	struct frame_set user_memo;	/* pass C: (function, file) -> value: is user + 1 */
	struct size_hist *leaf_sizes;	/* the current stack's leaf line's sizes, or NULL */
	int leaf_known;			/* leaf_sizes is set for the current stack */
};

/* A stack's resolution and the sites its samples went to (by their cause and diagnostic),
 * which every stack of the same decisive frames shares. */
struct resolved {
	struct resolution res;
	struct site_memo {
		const char *cause;
		const struct jdiag *d;
		void *agg;
	} site_memo[8];
	size_t nsite_memo;
};

/* the flags of join.fflags: pass A has done the frame where it is (not) its code's own
 * line; whether it is the user's code is known, and it is; the frame's facts are known:
 * whether it is the runtime's, and inlined */
enum {
	JOIN_FRAME_SEEN = 1, JOIN_FRAME_SEEN_OWN = 2, JOIN_FRAME_USER_KNOWN = 4, JOIN_FRAME_USER = 8,
	JOIN_FRAME_KNOWN = 16, JOIN_FRAME_RUNTIME = 32, JOIN_FRAME_INLINED = 64
};

/* the flags of join.line_flags: what the notes at a line say it does */
enum { JOIN_NOTE_MAP_PUT = 1, JOIN_NOTE_APPEND = 2, JOIN_NOTE_APPEND_RETURNED = 4 };

static inline int join_starts(const char *s, const char *p)
{
	return s && !strncmp(s, p, strlen(p));
}

/* smp's frame i: the join walks the decoded samples by frame id only (frames NULL), and
 * puts a stack's frames together where it reads them side by side (join_resolve_stack) */
static inline const struct store_frame *join_frame(const struct store_sample *smp, size_t i)
{
	return smp->frames ? &smp->frames[i] : &smp->frame_table[smp->frame_ids[i]];
}

static inline char *join_dup0(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* join_index.c */

/* "base:line" of file's line: the key of every per-line index */
void join_line_key(char *out, size_t n, const char *file, int64_t line);
/* The value of the key a[0..al) followed by b[0..bl), or NULL. */
void *join_get_pair(const struct hmap *m, const void *a, size_t al, const void *b, size_t bl);
/* The slot of m (function not NULL) in fs, put there with value 0 when new (*added = 1);
 * NULL when memory runs out. Asked for every frame of every stack, so the pointers are
 * hashed, not the bytes. */
struct frame_memo *join_frame_set_put(struct frame_set *fs, const struct frame_memo *m, int *added);
/* join_frame_flags past the table's end: the table grown to hold id. */
uint8_t *join_frame_grow(struct join *J, uint32_t id);

/* The flags of frame id (JOIN_FRAME_*, 0 at first); NULL when memory runs out. */
static inline uint8_t *join_frame_flags(struct join *J, uint32_t id)
{
	return id < J->capfflags ? &J->fflags[id] : join_frame_grow(J, id);
}
/* join_frame_facts of a frame not known yet: read from the frame, and remembered. */
unsigned join_frame_learn(struct join *J, const struct store_sample *smp, size_t i);

/* What smp's frame i is (JOIN_FRAME_RUNTIME, JOIN_FRAME_INLINED), remembered by its id. */
static inline unsigned join_frame_facts(struct join *J, const struct store_sample *smp, size_t i)
{
	uint32_t id;

	if (smp->frame_ids && (id = smp->frame_ids[i]) < J->capfflags && (J->fflags[id] & JOIN_FRAME_KNOWN))
		return J->fflags[id];
	return join_frame_learn(J, smp, i);
}

static inline int join_is_runtime(struct join *J, const struct store_sample *smp, size_t i)
{
	return !!(join_frame_facts(J, smp, i) & JOIN_FRAME_RUNTIME);
}
/* Pass A, per sample (store_foreach_heap_sample): the lines that matter, the leaf's sizes. */
int join_collect_lines(void *ctx, const struct store_sample *smp);
/* Pass B, per diagnostic (store_foreach_diag): keeps those at the lines that matter. */
int join_keep_diag(void *ctx, int64_t build, int64_t id, const struct gc_diag *d,
		   const char *norm_file);
/* The verdict of every diagnostic kept. */
void join_classify_all(struct join *J);
/* Releases a map of struct dvec (and their diagnostics when free_items). */
void join_free_dvec_map(struct hmap *m, int free_items);

/* join_match.c */

/* How well a main package of the log fits the frame (the more, the better). */
int join_main_fit(const char *frame_file, const char *diag_file, const char *diag_pkg);
/* Whether the diagnostic's package and file fit the frame's (basenames already equal);
 * generic: a file of the frame's package reported where it was instantiated fits too. */
int join_compatible(const struct join *J, const char *frame_file, const char *frame_pkg,
		    const char *diag_file, const char *diag_pkg, int generic);
/* Whether smp's frame i is the user's own code (J->user filled; asked in pass C only,
 * whose walk keeps each string at one address). */
int join_is_user(struct join *J, const struct store_sample *smp, size_t i);
/* Fills J->r->matches: how well each build fits the profile; -1 when memory runs out. */
int join_build_match(struct join *J, const int64_t *builds, size_t nbuilds);
/* Fills J->user with the user's packages; -1 when memory runs out. */
int join_user_packages(struct join *J);

/* join_resolve.c */

/* Copies s without the contents of its square brackets: "F[go.shape.int]" -> "F[]". */
void join_strip_type_args(const char *s, char *out, size_t n);
/* The site, the cause or the candidate diagnostics of smp's stack, into r (r->cand is
 * freed and replaced). */
void join_resolve_stack(struct join *J, const struct store_sample *smp, struct resolution *r);
/* How many of smp's frames, leaf first, join_resolve_stack reads (it reads no other), and
 * into *none whether none of the others is the user's code either (2: every frame is the
 * runtime's): two stacks alike in both resolve alike. */
size_t join_decisive_frames(struct join *J, const struct store_sample *smp, int *none);
/* The candidate of r that smp's allocation is, and how sure (r->ncand > 0). */
const struct jdiag *join_choose(struct join *J, const struct store_sample *smp,
				const struct resolution *r, double *conf);
/* The object size allocated most often at frame x's line (by objects), 0 when unknown. */
int64_t join_most_frequent_size(struct join *J, const struct store_frame *x);

#endif
