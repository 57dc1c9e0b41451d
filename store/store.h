/* store.h — the only door to storage: open (creating or migrating the schema), load
 * profiles and compiler diagnostics, store analyses, and one function with one row struct
 * per question the engine asks (values bound; no caller sees SQL or reads a column by
 * position, and nothing in this contract needs SQLite: the PostgreSQL store, pg.c and
 * pg_sync.c, stands behind it too). Every write is one transaction; when it fails the
 * database is left exactly as it was, and a database file that this process created is
 * removed again. No sqlite3 or libpq type leaves this module; store_query is only the sql
 * command's window on the views. */
#ifndef ESC_STORE_H
#define ESC_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "gclog/gclog.h"
#include "profile/profile.h"

struct store;

enum store_mode {
	STORE_READ_ONLY,	/* fails when the file does not exist; writes are refused */
	STORE_READ_WRITE,	/* creates the file with its schema when there is none */
	STORE_TEMPORARY,	/* path unused: a new read-write store in an unnamed file of the
				   temporary directory ($SQLITE_TMPDIR, $TMPDIR, /var/tmp, /tmp),
				   removed as soon as it is opened, so that nothing is left even
				   when the process is killed; at most 16 MiB of it in memory */
};


/* path is an SQLite file, ":memory:", or a PostgreSQL database: a postgres:// or
 * postgresql:// URL or a libpq keyword string ("host=db dbname=escprof"), see
 * store_is_pg. */
enum esc_status store_open(struct store **out, const char *path, enum store_mode mode,
			   struct err *e);
/* Whether db names a PostgreSQL database rather than a file. */
int store_is_pg(const char *db);

/* How long a store waits for another process's write to finish before failing with
 * "database is locked" (applies to stores opened afterwards). */
#define STORE_DEFAULT_BUSY_MS 60000
void store_set_busy_timeout(int ms);

/* Fault injection for tests: every store opened afterwards may grow to at most `pages`
 * pages (PRAGMA max_page_count), so a write fails with "database or disk is full" part way
 * through. 0 (the default) leaves SQLite's limit. */
void store_test_max_pages(unsigned long pages);
/* Closes s; when s created its file, the file holds no profile and no build, and no other
 * escprof has it open, removes the file. */
void store_close(struct store *s);

/* One transaction for everything a command writes. After store_batch_begin, each write
 * through s (store_add_profile, a build, store_add_analysis, store_query_write) joins a
 * single transaction that the first of them begins: a write that fails is still undone
 * alone, but nothing is committed until store_batch_commit, and store_close before it
 * rolls every write of the batch back. A store that holds a read-write batch is locked
 * for other writers from its first write to the commit. */
void store_batch_begin(struct store *s);
/* Commits the batch (nothing to do when it wrote nothing) and ends it; ESC_EDB when
 * the commit fails or SQLite already rolled the batch back after a failed write. */
enum esc_status store_batch_commit(struct store *s, struct err *e);

struct store_profile_opts {
	const char *name;		/* NULL: the file's base name */
	const char *source;		/* where it was read from */
	const char *sha256;		/* hex digest of the bytes as read */
	const char *const *labels;	/* "key=value" strings */
	size_t nlabels;
	/* called now and then with the samples stored so far; may be NULL */
	void (*progress)(void *ctx, size_t done, size_t total);
	void *progress_ctx;
	/* the profile's row and sample types only, not its stacks and samples: for a
	 * temporary store whose join reads the samples from the decoded profile */
	int without_samples;
};

/* A load of at least min samples inserts its sample rows on a second thread when the
 * machine has that many cores (used counts the loads that did); tests move the bounds. */
struct store_pipe_policy {
	size_t min;
	long cores;
	size_t used;
};
extern struct store_pipe_policy store_pipe;

/* Looks up a profile by the sha256 of its bytes; *id = 0 when absent. */
enum esc_status store_find_profile(struct store *s, const char *sha256, int64_t *id,
				   struct err *e);

/* Stores p in one transaction. When the same bytes are already stored, *id is the existing
 * profile and *added is 0. */
enum esc_status store_add_profile(struct store *s, const struct profile *p,
				  const struct store_profile_opts *o, int64_t *id, int *added,
				  struct err *e);

/* ---- compiler diagnostics ---- */

/* Diagnostics are gclog's struct gc_diag; the store writes kinds as gc_kind_name and
 * gc_step_kind_name text and reads them back as enums. norm_file is the diagnostic's file
 * normalised by the caller (see classify_norm_path), stored beside it for the join. */

struct store_build;

struct store_build_opts {
	const char *name;		/* NULL: the source's base name */
	const char *source;
	/* in a temporary store: the diagnostics are for the one join that follows (its
	 * store_foreach_diag), and only those its analysis cites need be in the tables,
	 * which store_add_analysis writes; held in memory up to a bound. Ignored in a store
	 * that others read. */
	int held;
};

/* Starts writing one build in its own transaction. */
enum esc_status store_build_begin(struct store *s, const struct store_build_opts *o,
				  struct store_build **out, struct err *e);
/* Adds d (borrowed; nothing is kept after the call) with its steps to the build. */
enum esc_status store_build_add(struct store_build *b, const struct gc_diag *d, const char *norm_file,
				struct err *e);
/* Commits the build; sha256 identifies its content (a build with the same digest already
 * stored is kept and this one dropped: *added = 0, *id the existing build). */
enum esc_status store_build_commit(struct store_build *b, const char *sha256,
				   const char *go_version, int64_t *id, int *added, struct err *e);
/* Rolls back and frees an unfinished build; NULL is a no-op. */
void store_build_abort(struct store_build *b);

/* ---- attribution ---- */

/* Resolves "ID" or "NAME" to an id; ESC_ENOTFOUND when none. A profile or build has the
 * name it was stored with and each name a later load of the same bytes gave it; a name
 * means the one it was given to last. */
enum esc_status store_resolve_profile(struct store *s, const char *ref, int64_t *id, struct err *e);
enum esc_status store_resolve_build(struct store *s, const char *ref, int64_t *id, struct err *e);
/* The newest heap profile (one with a heap sample type: a CPU or goroutine profile loaded
 * after it is not "the newest") / the newest build; *id = 0 when the store has none. */
enum esc_status store_latest_profile(struct store *s, int64_t *id, struct err *e);
/* Which stored profiles a reading command considers: those loaded with every label
 * ("key=value", split at the first '='; as `load --label` gave them) and loaded in
 * [since, until) (ISO-8601 UTC times as loaded_at holds them; NULL: unbounded). */
struct store_profile_filter {
	const char *const *labels;
	size_t nlabels;
	const char *since, *until;
};
/* Whether f (NULL allowed) filters anything out. */
int store_profile_filter_any(const struct store_profile_filter *f);
/* The newest heap profile f admits; *id = 0 when none. */
enum esc_status store_latest_profile_where(struct store *s, const struct store_profile_filter *f,
					   int64_t *id, struct err *e);
/* ---- trend ---- */

enum store_trend_by { STORE_TREND_BY_CAUSE, STORE_TREND_BY_PACKAGE, STORE_TREND_BY_FUNCTION };
/* One profile's value of one key (a cause, a package, "" for none, or a function) in its
 * newest analysis. Strings are malloc'd. */
struct store_trend_row {
	int64_t profile_id;
	char *name, *loaded_at;
	char *key;
	int64_t value;
};
/* Every heap profile f admits that has an analysis, oldest first (loaded_at, then id),
 * with the value of heap type ix of each key of its newest analysis, biggest first (keys
 * of value 0 left out); *unanalysed: how many profiles f admits have no analysis. */
enum esc_status store_trend(struct store *s, const struct store_profile_filter *f, int ix,
			    enum store_trend_by by, struct store_trend_row **rows, size_t *n,
			    int64_t *unanalysed, struct err *e);
void store_trend_rows_free(struct store_trend_row *rows, size_t n);

/* Whether f admits profile id, into *yes. */
enum esc_status store_profile_admitted(struct store *s, int64_t id, const struct store_profile_filter *f,
				       int *yes, struct err *e);
enum esc_status store_latest_build(struct store *s, int64_t *id, struct err *e);

/* The Go version a build was made with ("go1.26.10", "go1.25+") into out; "" when unknown. */
enum esc_status store_build_go_version(struct store *s, int64_t build_id, char *out, size_t n,
				       struct err *e);

/* Calls fn for every diagnostic of the builds (in build, diag order) with its steps and
 * normalised file; d and norm_file are valid during the call only. A kind the store holds
 * that this version does not know reads as GC_OTHER (a step's as GC_STEP_WARNING). */
typedef int (*store_diag_fn)(void *ctx, int64_t build_id, int64_t diag_id,
			     const struct gc_diag *d, const char *norm_file);
int store_foreach_diag(struct store *s, const int64_t *builds, size_t nbuilds, store_diag_fn fn,
		       void *ctx, struct err *e);

/* Go heap sample types in the fixed order of alloc_sites */
enum { STORE_ALLOC_OBJECTS, STORE_ALLOC_SPACE, STORE_INUSE_OBJECTS, STORE_INUSE_SPACE, STORE_NHEAP };
extern const char *const store_heap_types[STORE_NHEAP];

struct store_frame {
	const char *function;
	const char *file;
	int64_t line;
	int inlined;	/* inlined into the next (outer) frame */
};

struct store_sample {
	int64_t sample_id, stack_id;
	int64_t values[STORE_NHEAP];	/* 0 where the profile lacks the type */
	int64_t object_size;		/* 0 when the sample has no bytes label */
	const struct store_frame *frames;	/* leaf first */
	size_t nframes;
	/* frames[i]'s place among the walk's distinct frames (the lines of its locations):
	 * one id is one frame throughout a walk, ids counted from 0, and frame_table[id] is
	 * that frame (valid during the call); both NULL when the walk numbers none */
	const uint32_t *frame_ids;
	const struct store_frame *frame_table;
};

/* Which heap types a profile has (has[i] for store_heap_types[i]); ESC_EINPUT when none. */
enum esc_status store_heap_types_of(struct store *s, int64_t profile_id, int has[STORE_NHEAP],
				    struct err *e);

/* Calls fn for every sample of a heap profile, grouped by stack (frames are fetched once
 * per stack and valid during the calls for that stack). The frames' strings stay valid
 * and unchanged until the walk returns: a pointer seen twice is the same string, so a
 * caller may remember work by pointer. */
typedef int (*store_sample_fn)(void *ctx, const struct store_sample *smp);
int store_foreach_heap_sample(struct store *s, int64_t profile_id, store_sample_fn fn, void *ctx,
			      struct err *e);

struct store_cause_row {
	const char *cause, *title, *hint;
};

struct store_site {
	const char *function, *package, *file;
	int64_t line;
	int64_t values[STORE_NHEAP];
	const char *cause;
	double confidence;
	int64_t build_id, diag_id;	/* 0 when not joined */
	const char *attributed_via;	/* NULL when the site is the leaf */
	int64_t samples;
	int decisive_seq;		/* flow step (1-based) that decided the cause; 0 = none */
	const char *evidence;		/* why, in a few words */
	const char *diagnostic;		/* the compiler's message (not stored: diagnostics has it) */
};

/* How well a build given to an analysis fits its profile, and whether it was used. */
struct store_build_fit {
	int64_t build_id;
	int64_t lines, matched;	/* the profile's own lines the build covers; with a diagnostic */
	int used;
};

/* Calls fn for every build given to an analysis, in build order: how it fitted the
 * profile, whether it was used, and its name (valid during the call). */
typedef int (*store_fit_fn)(void *ctx, const struct store_build_fit *fit, const char *name);
int store_foreach_build_fit(struct store *s, int64_t analysis_id, store_fit_fn fn, void *ctx,
			    struct err *e);

/* Stores one analysis (the taxonomy, then every site, then how each build given fitted;
 * builds[] are those used) in one transaction. */
enum esc_status store_add_analysis(struct store *s, int64_t profile_id, const int64_t *builds,
				   size_t nbuilds, const struct store_cause_row *causes,
				   size_t ncauses, const struct store_site *sites, size_t nsites,
				   const struct store_build_fit *fits, size_t nfits,
				   int64_t *analysis_id, struct err *e);

/* ---- removing profiles and builds (rm, prune) ---- */

enum store_kind { STORE_PROFILE, STORE_BUILD };
#define STORE_KIND_BIT(k) (1u << (k))

/* A profile or a build, as rm and prune list them. Strings are malloc'd; free the array
 * with store_items_free. */
struct store_item {
	enum store_kind kind;
	int64_t id;
	char *name;		/* the name it was stored with */
	char *loaded_at;	/* ISO-8601 UTC, as in the views */
};
void store_items_free(struct store_item *rows, size_t n);

/* What ref names among the kinds asked for (STORE_KIND_BIT of each): an id is the profile
 * and the build of that id, a name every one carrying it (any of its names); profiles
 * first, then by id. None is not an error (*n = 0). */
enum esc_status store_match(struct store *s, unsigned kinds, const char *ref,
			    struct store_item **rows, size_t *n, struct err *e);

/* The profiles (or builds) loaded before `before` (an ISO-8601 UTC time as loaded_at
 * holds them, "2026-11-02T00:00:00Z"; NULL: whenever), except the keep_last newest
 * (by loaded_at, then id; 0: none kept): oldest first. */
enum esc_status store_prune_list(struct store *s, enum store_kind kind, const char *before,
				 int64_t keep_last, struct store_item **rows, size_t *n,
				 struct err *e);

/* Removes the items in one transaction, with every row that hangs from them (samples,
 * labels, names, analyses and their sites and build links; diagnostics and their flow
 * steps; the analyses made with a removed build) and the stacks, locations, functions
 * and strings no remaining profile holds. An id no longer there is skipped. */
enum esc_status store_remove(struct store *s, const struct store_item *items, size_t n,
			     struct err *e);

enum store_vtype { STORE_NULL, STORE_INT, STORE_REAL, STORE_TEXT, STORE_BLOB };

struct store_value {
	enum store_vtype type;
	int64_t i;
	double r;
	const char *s;	/* TEXT or BLOB bytes, valid during the callback */
	size_t len;
};

/* Called first with the column names (vals NULL), then once per row. A non-zero return
 * stops the query and is returned. */
typedef int (*store_row_fn)(void *ctx, size_t ncols, const char *const *names,
			    const struct store_value *vals);

/* Runs one read-only SQL statement (an authorizer refuses anything that writes). */
int store_query(struct store *s, const char *sql, store_row_fn fn, void *ctx, struct err *e);
/* Runs one statement that may write (escprof sql --write), in its own transaction: an
 * error rolls it back. */
int store_query_write(struct store *s, const char *sql, store_row_fn fn, void *ctx, struct err *e);


/* ---- queries: an analysis and its profile (analyze, top, report, the engine) ----
 * Each question is one function; `ix` is a STORE_* heap type. Strings in the row structs
 * are malloc'd and freed by the matching _release/_free function. */

/* The newest analysis of a profile; *id = 0 when it has none. */
enum esc_status store_latest_analysis(struct store *s, int64_t profile_id, int64_t *id,
				      struct err *e);

/* An analysis's totals for one sample type: everything, what has a cause other than
 * unknown, what was joined to a compiler diagnostic, and the objects that go with it
 * (the type's own column for the object types, else its object count). */
struct store_totals {
	int64_t total, attributed, joined, objects;
};
enum esc_status store_analysis_totals(struct store *s, int64_t analysis_id, int ix,
				      struct store_totals *t, struct err *e);

/* An analysis's causes for one sample type, biggest first (then by name): every cause
 * with a value, and unknown always (it is never hidden). */
struct store_cause_total {
	char *cause;
	int64_t value, sites, objects;	/* sites: those with a value */
};
enum esc_status store_analysis_causes(struct store *s, int64_t analysis_id, int ix,
				      struct store_cause_total **rows, size_t *n, struct err *e);
void store_cause_totals_free(struct store_cause_total *rows, size_t n);

/* What the store knows of one profile. */
struct store_profile_info {
	char *name, *source, *sha256, *format;
	int64_t time_nanos, duration_nanos;	/* 0 when the profile has none */
	char *default_sample_type;		/* "" when none */
	char *last_sample_type;			/* the type of the highest index; "" when none */
};
enum esc_status store_profile_info(struct store *s, int64_t profile_id,
				   struct store_profile_info *p, struct err *e);
void store_profile_info_release(struct store_profile_info *p);

/* The name of the profile's sample type at idx (in the profile's own order) into out;
 * ESC_EUSAGE when there is none. */
enum esc_status store_sample_type_at(struct store *s, int64_t profile_id, int64_t idx,
				     char *out, size_t n, struct err *e);

/* The builds an analysis joined (its used builds), in the order they were given: what
 * analysis.builds listed before version 4. Builds given and left out are not among them
 * (store_foreach_build_fit tells those, for the analyses that measured the fit). */
struct store_analysis_build {
	int64_t build_id;
	char *name, *source, *go_version;	/* "" when unknown */
};
enum esc_status store_analysis_builds(struct store *s, int64_t analysis_id,
				      struct store_analysis_build **rows, size_t *n, struct err *e);
void store_analysis_builds_free(struct store_analysis_build *rows, size_t n);

/* The sum of heap type ix over every sample of a profile (0 when it has none): what
 * shares of the whole profile are of. */
enum esc_status store_profile_total(struct store *s, int64_t profile_id, int ix, int64_t *total,
				    struct err *e);

/* The STORE_* index of a heap type's name; -1 when it is none. Whether it counts bytes. */
int store_heap_type_index(const char *name);
int store_heap_is_bytes(int ix);
/* The object count that goes with type ix: ix itself for the object types. */
int store_heap_objects_of(int ix);

/* ---- queries: budgets (check) ---- */

/* What a budget groups an analysis's sites by. */
enum store_group {
	STORE_BY_TOTAL,		/* one entity, "total" */
	STORE_BY_PACKAGE,	/* the package; "" when unknown */
	STORE_BY_FUNCTION,
	STORE_BY_SITE,		/* "FILE:LINE" */
	STORE_BY_CAUSE,
};

/* One entity of an analysis: its name, the sum of its sites' values of one type, and
 * where its biggest site is (the first in site order when several are as big). */
struct store_entity {
	char *name;
	int64_t value;
	char *file;		/* the group's biggest site: its file, line and function */
	int64_t line;
	char *function;
};
/* The entities of an analysis grouped by `by`, for heap type ix, in byte order of name
 * (none when the analysis has no site). Free the rows with store_entities_free. */
enum esc_status store_analysis_entities(struct store *s, int64_t analysis_id, enum store_group by,
					int ix, struct store_entity **rows, size_t *n, struct err *e);
void store_entities_free(struct store_entity *rows, size_t n);


/* ---- queries: the HTML report ---- */

/* How many sites of an analysis have a value of heap type ix. */
enum esc_status store_analysis_site_count(struct store *s, int64_t analysis_id, int ix,
					  int64_t *n, struct err *e);

/* A site of an analysis with the compiler diagnostic it was joined to. */
struct store_report_site {
	int64_t site_id;
	char *function, *package, *file;	/* package NULL when unknown */
	int64_t line;
	int64_t value, objects;		/* of type ix and the object count that goes with it */
	char *cause;
	double confidence;
	int64_t build_id, diag_id;	/* 0 when not joined */
	char *via;			/* the dependency it allocated in; NULL for the leaf */
	int64_t decisive_seq;		/* the flow step that decided the cause; 0 when none */
	char *evidence;			/* NULL when none */
	char *diag_file, *message;	/* NULL when not joined */
	int64_t diag_line, diag_col;	/* col 0 when none */
};
/* The sites with a value of type ix, largest first (then by file, line, site id); at most
 * limit of them, every one when limit is 0. */
enum esc_status store_report_sites(struct store *s, int64_t analysis_id, int ix, size_t limit,
				   struct store_report_site **rows, size_t *n, struct err *e);
void store_report_sites_free(struct store_report_site *rows, size_t n);

/* The lines a compiler diagnostic printed under its message, in order. kind is the
 * flow_steps view's ("flow", "from", "warning"). */
struct store_step_line {
	int64_t seq;
	char *kind, *text;
};
enum esc_status store_diag_step_lines(struct store *s, int64_t build_id, int64_t diag_id,
				      struct store_step_line **rows, size_t *n, struct err *e);
void store_step_lines_free(struct store_step_line *rows, size_t n);

/* An analysis's value of type ix by package and cause, non-zero ones only: the largest
 * package first (by its total, then by name), each package's causes together, largest
 * first (then by name). package is "" for sites with none. */
struct store_package_cause {
	char *package, *cause;
	int64_t value, package_total;
};
enum esc_status store_analysis_package_causes(struct store *s, int64_t analysis_id, int ix,
					      struct store_package_cause **rows, size_t *n,
					      struct err *e);
void store_package_causes_free(struct store_package_cause *rows, size_t n);

/* The sites that grew most from a baseline analysis to an analysis. A site here is its
 * function, file name (the path after its last '/'), line and the dependency it allocated
 * in, so that builds in different directories still meet. Rows are those where now -
 * base_scale * before >= 0.5, by that growth (largest first, then function, file name,
 * line, via); at most limit. cause_now / cause_before are NULL where the site is absent. */
struct store_growth_site {
	char *function, *file_name, *via;	/* via "" for the leaf */
	int64_t line;
	char *cause_now, *cause_before;
	int64_t now, before;			/* the values of type ix; before is unscaled */
};
enum esc_status store_analysis_growth_sites(struct store *s, int64_t analysis_id,
					    int64_t base_analysis_id, int ix, double base_scale,
					    size_t limit, struct store_growth_site **rows,
					    size_t *n, struct err *e);
void store_growth_sites_free(struct store_growth_site *rows, size_t n);

/* ---- queries: top, info, the analysis run ---- */

/* The path the store was opened with ("temporary store" for STORE_TEMPORARY), for messages;
 * borrowed from s. */
const char *store_path(const struct store *s);

/* How store_top groups: the analysis's sites by source line, function, package or
 * cause, or the profile's samples by object size (the `bytes` label). */
enum store_top_by {
	STORE_TOP_BY_SITE, STORE_TOP_BY_FUNCTION, STORE_TOP_BY_PACKAGE, STORE_TOP_BY_CAUSE,
	STORE_TOP_BY_SIZE,
};

/* One cause of a group, and (by site) the dependencies its sites were allocated through:
 * distinct, lowest site first; none when the sites are the leaf. */
struct store_top_cause {
	char *cause;
	char **vias;
	size_t nvias;
};

/* One group. Only the grouping's own fields are set (the others NULL or 0): by site
 * function, file and line; by function function; by package package ("" when unknown);
 * by cause cause and sites (every site of the cause, with a value or not); by size
 * object_size (0: no label). */
struct store_top_row {
	char *function, *file, *package, *cause;
	int64_t line, object_size, sites;
	struct store_top_cause *causes;	/* by site: the line's causes with a value, biggest
					   first; by function or package: its distinct causes,
					   lowest site first */
	size_t ncauses;
	int64_t value, objects;		/* type ix, and the objects that go with it */
};

/* The groups of an analysis (by size: of its profile) for heap type ix, biggest first,
 * then by the group's key (by site: file, line, then function, the later name first); a
 * group that sums to 0 is left out, but by cause unknown is always there when it has a
 * site. A line's causes of equal value come the later name first. */
enum esc_status store_top(struct store *s, int64_t profile_id, int64_t analysis_id, int ix,
			  enum store_top_by by, struct store_top_row **rows, size_t *n,
			  struct err *e);
void store_top_rows_free(struct store_top_row *rows, size_t n);

/* ---- merged: several profiles as one, as pprof merges profiles ---- */

/* Every heap profile f admits that has an analysis, oldest first (loaded_at, then id),
 * with its newest analysis (malloc'd arrays of *n); *unanalysed: how many it admits
 * without one. */
enum esc_status store_newest_analyses(struct store *s, const struct store_profile_filter *f,
				      int64_t **profiles, int64_t **analyses, size_t *n,
				      int64_t *unanalysed, struct err *e);
/* store_top over the analyses[i] of profiles[i] at once: their sites (by size, their
 * samples) summed as if one profile's; *total: their sites' sum of type ix, which is the
 * sum of the profiles' totals (every sample lands in one site). */
enum esc_status store_top_merged(struct store *s, const int64_t *profiles, const int64_t *analyses,
				 size_t count, int ix, enum store_top_by by, struct store_top_row **rows,
				 size_t *n, int64_t *total, struct err *e);

/* One site of an analysis, with what analyze says of it. */
struct store_line_site {
	char *function, *file;
	int64_t line;
	int64_t value, objects;		/* type ix, and the objects that go with it */
	char *cause;
	double confidence;
	char *attributed_via;		/* NULL when the site is the leaf */
	char *message;			/* the compiler's diagnostic; NULL when not joined */
	char *hint;			/* the cause's fix; NULL when none */
	char *evidence;			/* NULL when none */
};

/* The sites of an analysis's top nlines source lines (function, file, line) by heap type
 * ix, those with a value only: lines biggest first (then by file and line), the sites of a
 * line together, biggest first (then by cause). */
enum esc_status store_top_line_sites(struct store *s, int64_t analysis_id, int ix, int64_t nlines,
				     struct store_line_site **rows, size_t *n, struct err *e);
void store_line_sites_free(struct store_line_site *rows, size_t n);


/* ---- queries: diff, explain, list ---- */

/* Every function here fills an array of row structs whose strings the rows own; free the
 * array with the matching _free (NULL is a no-op). On failure nothing is left to free. */

/* How store_site_sums groups an analysis's sites. */
enum store_site_group {
	STORE_GROUP_SITE,	/* function, file, line and cause */
	STORE_GROUP_FUNCTION,
	STORE_GROUP_CAUSE,
};

/* One group of sites and the sum of one heap type over it (0 where the profile lacks the
 * type). Only the grouping's own fields are set: the others are NULL (line 0). */
struct store_site_sum {
	char *function, *file, *cause;
	int64_t line;
	int64_t value;
};
/* The sum of heap type `type` (STORE_ALLOC_OBJECTS...) over the sites of an analysis, one
 * row per group, in no particular order. */
enum esc_status store_site_sums(struct store *s, int64_t analysis_id, int type,
				enum store_site_group group, struct store_site_sum **rows,
				size_t *n, struct err *e);
void store_site_sums_free(struct store_site_sum *rows, size_t n);

/* How long a profile's samples were collected over, in nanoseconds (0 when it says
 * nothing); ESC_EUSAGE when there is no such profile. */
enum esc_status store_profile_duration(struct store *s, int64_t profile_id, int64_t *nanos,
				       struct err *e);

/* One diagnostic of a build that puts a value on the heap. */
struct store_escape_row {
	char *file;		/* as printed */
	int64_t line;
	char *kind;		/* moved_to_heap, escapes, append_escapes */
	char *subject;		/* the expression as printed; NULL when the line names none */
	char *message;
};
/* The diagnostics of a build that say a value is on the heap (kinds moved_to_heap,
 * escapes and append_escapes), in the order the compiler printed them. */
enum esc_status store_escapes_of_build(struct store *s, int64_t build_id,
				       struct store_escape_row **rows, size_t *n, struct err *e);
void store_escape_rows_free(struct store_escape_row *rows, size_t n);

/* One allocation site of an analysis, as stored. */
struct store_site_row {
	int64_t site_id;
	char *function, *file;
	int64_t line;
	int64_t values[STORE_NHEAP];	/* 0 where the profile lacks the type */
	char *cause;
	double confidence;
	int64_t build_id, diag_id;	/* 0 when not joined to a diagnostic */
	char *attributed_via;		/* NULL when the site is the leaf */
	int64_t decisive_seq;		/* the flow step that decided the cause; 0 = none */
	char *evidence;			/* NULL when none */
	int64_t samples;
};
/* The site with that id, or the sites at that line (of any file), of an analysis: biggest
 * alloc_space first, then inuse_space; none is not an error (*n = 0). */
enum esc_status store_site_by_id(struct store *s, int64_t analysis_id, int64_t site_id,
				 struct store_site_row **rows, size_t *n, struct err *e);
enum esc_status store_sites_at_line(struct store *s, int64_t analysis_id, int64_t line,
				    struct store_site_row **rows, size_t *n, struct err *e);
void store_site_rows_free(struct store_site_row *rows, size_t n);

/* One compiler diagnostic, as printed. */
struct store_diag_row {
	int64_t build_id, diag_id;
	char *file;
	int64_t line, col;	/* col 0 = none */
	char *kind, *message;
};
/* The diagnostic (build_id, diag_id): *found is 0 (and *row zeroed) when there is none. */
enum esc_status store_diagnostic(struct store *s, int64_t build_id, int64_t diag_id,
				 struct store_diag_row *row, int *found, struct err *e);
/* The escape analysis's verdicts at a line (of any file) in the builds an analysis joined:
 * diagnostics of kinds moved_to_heap, escapes, append_escapes and does_not_escape, by
 * build, then column (none first), then diagnostic. */
enum esc_status store_diagnostics_at(struct store *s, int64_t analysis_id, int64_t line,
				     struct store_diag_row **rows, size_t *n, struct err *e);
/* Frees the strings of one row (not the row). */
void store_diag_row_release(struct store_diag_row *row);
void store_diag_rows_free(struct store_diag_row *rows, size_t n);

/* One step of a diagnostic's explanation, as printed. */
struct store_flow_step_row {
	int64_t seq;		/* 1-based */
	char *kind;		/* "flow", "from", "warning" */
	char *text;
};
/* The steps of a diagnostic, in order. */
enum esc_status store_flow_steps(struct store *s, int64_t build_id, int64_t diag_id,
				 struct store_flow_step_row **rows, size_t *n, struct err *e);
void store_flow_step_rows_free(struct store_flow_step_row *rows, size_t n);

/* One source line of an analysis that allocates: its sites summed. */
struct store_line_sum {
	char *function, *file;
	int64_t line;
	char **causes;		/* the distinct causes of its sites, lowest site id first */
	size_t ncauses;
	int64_t value;		/* the heap type asked for */
	int64_t objects;	/* alloc_objects for the alloc types, inuse_objects for the inuse */
};
/* The lines (function, file, line) of an analysis whose sites sum to a non-zero value of
 * heap type `type`, ordered by function, file, line. */
enum esc_status store_line_sums(struct store *s, int64_t analysis_id, int type,
				struct store_line_sum **rows, size_t *n, struct err *e);
void store_line_sums_free(struct store_line_sum *rows, size_t n);

#endif
