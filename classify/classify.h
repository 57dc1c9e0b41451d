/* classify.h — the engine: the why of each allocation (path normalisation, the join of
 * profile frames with compiler diagnostics, the cause taxonomy) and everything the
 * commands ask of it (ingest, choosing and running analyses, baselines, budgets, diffs,
 * explain, list, analyze's summary, the HTML report's data). It reads and writes through
 * store.h only, never prints and never exits; results are plain structs the writers of
 * output/ take. The compiler-output parser has its own header, gclog/gclog.h. */
#ifndef ESC_CLASSIFY_H
#define ESC_CLASSIFY_H

#include <stdarg.h>
#include <stddef.h>

#include "common/hmap.h"
#include "gclog/gclog.h"
#include "store/store.h"

/* Normalises a source path as printed by the compiler or recorded in a profile: '\' becomes
 * '/', a drive letter and leading "./" go, "dir/../" collapses, duplicate slashes fold.
 * Writes at most n bytes (NUL included) to out; returns the full length. */
size_t classify_norm_path(const char *path, char *out, size_t n);

struct classify_cause {
	const char *id;		/* stable identifier, e.g. "pointer-returned" */
	const char *title;
	const char *hint;	/* the suggested fix */
};

/* The taxonomy in precedence order; static storage. */
const struct classify_cause *classify_causes(size_t *n);
const struct classify_cause *classify_cause_by_id(const char *id);

/* Source lookup, as pprof's -source_path and -trim_path. */
struct classify_sources {
	const char *const *dirs;	/* borrowed */
	size_t ndirs;
	const char *trim;		/* prefix removed from profile paths; may be NULL */
	struct hmap files;		/* path -> loaded file (or a missing marker) */
};
void classify_sources_init(struct classify_sources *s, const char *const *dirs, size_t ndirs,
			   const char *trim);
void classify_sources_release(struct classify_sources *s);
/* Line `line` (1-based) of the profile path, without its newline; -1 when the file or the
 * line cannot be found. The text stays valid until release. */
int classify_source_line(struct classify_sources *s, const char *path, int64_t line,
			 const char **text, size_t *len);
/* The profile path as a path relative to root (a canonical absolute directory, as
 * realpath gives it), into out (n bytes): the file the sources resolve it to when it lies
 * under root; else the path after trimming when the trim removed a prefix or the path was
 * relative already. Normalised, '/'-separated, never absolute, never climbing out with
 * "..". Returns 0, or -1 when the path cannot be made relative (a build path that no trim
 * prefix names and no source directory holds under root) or does not fit. */
int classify_source_relative(struct classify_sources *s, const char *root, const char *path,
			     char *out, size_t n);
/* A file of this machine (the budget) relative to root as above: 0, or -1 when it does not
 * exist or lies outside root. */
int classify_local_relative(const char *root, const char *path, char *out, size_t n);
/* path past the first of the ':'-separated prefixes in trim (NULL: none) it starts with
 * as whole components, else past a container's "/proc/self/cwd/", else path itself:
 * pprof's -trim_path. Borrows from path. */
const char *classify_trim_path(const char *trim, const char *path);
/* The file the path resolved to, or NULL; the number of lines (0 when not found). */
const char *classify_source_path(struct classify_sources *s, const char *path);
int64_t classify_source_lines(struct classify_sources *s, const char *path);

/* What kind of expression a diagnostic's subject prints (ir/fmt.go's forms). */
enum classify_expr {
	CLASSIFY_EXPR_NONE,
	CLASSIFY_EXPR_CLOSURE,		/* func literal */
	CLASSIFY_EXPR_VARIADIC,		/* ... argument */
	CLASSIFY_EXPR_STRING,		/* string(b), ([]byte)(s), "a" + b */
	CLASSIFY_EXPR_PLUS,		/* a + b: a string or a number */
	CLASSIFY_EXPR_MAP,		/* make(map[...]...), map[K]V{...} */
	CLASSIFY_EXPR_APPEND,		/* append(...) (Go 1.25+) */
	CLASSIFY_EXPR_EXPLICIT,		/* &x, new(T), make(...), T{...} */
	CLASSIFY_EXPR_OPERAND,		/* x, x.f, f(x), 42: printed alone, an implicit conversion */
};
enum classify_expr classify_expr_kind(const char *subject);
/* A make whose length (or capacity) is not an integer literal: "make([]T, n)". */
int classify_make_is_variable(const char *subject);

/* What one diagnostic's classification may ask of the rest of the build. */
struct classify_context {
	void *ctx;
	int go_minor;	/* Go 1.x minor version of the build, 0 when unknown */
	/* Is expr[0..len) ("m[k]") the destination of a map put elsewhere in the build? */
	int (*is_map_put)(void *ctx, const struct gc_diag *d, const char *expr, size_t len);
	/* Is the closure capturing at step s (one of d's) the closure of a go statement? */
	int (*closure_is_goroutine)(void *ctx, const struct gc_diag *d, const struct gc_step *s);
};

struct classify_verdict {
	const char *cause;	/* taxonomy id; static storage */
	double confidence;	/* 0..1 */
	int decisive;		/* index of the deciding step, -1 when none */
	const char *evidence;	/* why, in a few words; static storage */
	int allocating;		/* 0: the diagnostic describes no allocation */
	int by_size;		/* the cause is a size reason, the only one the chain printed:
				   a sink the compiler did not print may still apply (the source
				   tells: the join reads it) */
	int selector;		/* "x.f" taken for boxing with no conversion printed: a method
				   value (a closure) when the source declares f a method */
};

/* Classifies one diagnostic (borrowed); cx may be NULL. */
void classify_diag(const struct gc_diag *d, const struct classify_context *cx,
		   struct classify_verdict *v);

/* ---- the join ---- */

struct classify_decoded;

struct classify_opts {
	const char *const *source_path;	/* directories to look for sources in */
	size_t nsource;
	const char *trim_path;		/* prefix to strip from profile paths first */
	/* the decoded profile whose samples are the stored profile's (the same bytes): the
	 * join reads them from memory instead of the store; NULL reads the store */
	const struct profile *decoded;
	/* decoded's samples already grouped (classify_decoded_group), kept by the caller
	 * across analyses; NULL: each analysis groups them */
	const struct classify_decoded *grouped;
};

/* Calls fn for every sample of the decoded heap profile p as store_foreach_heap_sample
 * does for p stored: grouped by stack in order of first appearance, file order within a
 * stack, the same frames, heap values and object sizes (samples.c). */
int classify_foreach_decoded_sample(const struct profile *p, store_sample_fn fn, void *ctx,
				    struct err *e);
/* The same, in two steps for several walks: the samples grouped once (free with
 * classify_decoded_free), then walked as often as needed. */
struct classify_decoded;
enum esc_status classify_decoded_group(const struct profile *p, struct classify_decoded **out,
				       struct err *e);
/* With ids_only, a sample's frames are not put together: smp->frames is NULL and frame i
 * is smp->frame_table[smp->frame_ids[i]]. */
int classify_decoded_foreach(const struct classify_decoded *g, int ids_only, store_sample_fn fn,
			     void *ctx, struct err *e);
void classify_decoded_free(struct classify_decoded *g);
/* classify_decoded_group of p on another thread, while the caller reads a log (both only
 * read p, which must outlive the end). End waits and gives the grouping into *out, or,
 * with out NULL, releases it; every begin is ended once. Without a thread (begin NULL:
 * no memory, or none started) end groups p itself. */
struct classify_grouping;
struct classify_grouping *classify_decoded_group_begin(const struct profile *p);
enum esc_status classify_decoded_group_end(struct classify_grouping *j, const struct profile *p,
					   struct classify_decoded **out, struct err *e);

/* Which diagnostics of one log a join of profile p can use, and how much of each: whole
 * at any line of p's locations and for escaping closures; the steps that say what a line
 * does; the first of each package and of each (package, file) pair without steps
 * (join_index.c, beside the join that reads them). A temporary store keeps only these,
 * so its size follows the profile, not the log. */
struct classify_diag_filter;
enum esc_status classify_diag_filter_new(const struct profile *p, struct classify_diag_filter **out,
					 struct err *e);
enum classify_keep {
	CLASSIFY_DROP,
	CLASSIFY_KEEP,		/* whole: at a line of the profile, or an escaping closure */
	CLASSIFY_KEEP_NOTES,	/* with only its steps that matter as notes */
	CLASSIFY_KEEP_HEAD,	/* without steps: the first of its package or file */
	CLASSIFY_KEEP_NOMEM,	/* memory ran out */
};
enum classify_keep classify_diag_filter_keeps(struct classify_diag_filter *f,
					      const struct gc_diag *d, const char *norm_file);
/* Whether to keep a step while the log is parsed, before its diagnostic is known: a
 * superset of the steps classify_diag_filter_keeps stores (gc_log_set_step_filter). */
int classify_diag_filter_wants_step(struct classify_diag_filter *f, const struct gc_step_view *v);
/* Whether the join of the filter's profile reads step s of d away from the profile's
 * lines: a map put's expression anywhere, what one of the profile's lines does. */
int classify_diag_filter_step_matters(const struct classify_diag_filter *f, const struct gc_diag *d,
				      const struct gc_step *s);
/* Whether step s of d says what its line does (a map put, an append, an appended slice
 * returned): what the join reads from steps away from the profile's lines. */
int classify_step_notes(const struct gc_diag *d, const struct gc_step *s);
/* A filter with parent's lines (shared, read only, so another thread may use it while
 * parent lives) and none of its packages and files seen yet: for a later part of the same
 * log, whose first diagnostic of a package or pair it keeps, as parent would when it had
 * seen nothing before. NULL when memory runs out. */
struct classify_diag_filter *classify_diag_filter_fork(const struct classify_diag_filter *parent);

/* When classify_ingest_build_for reads a log file in two parts at once (ingest.c): a
 * regular file of at least min bytes on a machine with two cores or more (any file and
 * machine when min is 0), cut at its first section header from byte `from` on (-1: from
 * the middle). The result is the same either way; tests move the cut. */
struct classify_split_policy {
	size_t min;
	long long from;
	size_t cuts;	/* how many logs were read in two parts so far */
};
extern struct classify_split_policy classify_split;

/* How the join resolves stacks (join.c): a stack whose decisive frames (those its
 * resolution reads) were resolved before takes that resolution and its sites, when the
 * walk numbers its frames and memo is set. The result is the same either way; tests turn
 * it off to show that. */
struct classify_join_policy {
	int memo;
	size_t resolved, reused;	/* stacks resolved, and of them taken as remembered, so far */
};
extern struct classify_join_policy classify_join;
void classify_diag_filter_free(struct classify_diag_filter *f);

/* How well a build fits the profile: of the profile's frame lines in packages the build
 * covers, how many carry a diagnostic of that build. */
struct classify_match {
	int64_t build_id;
	size_t lines, matched;
};
/* Whether a build fits the profile: its diagnostics are at a third or more of the
 * profile's own lines it covers (the build of the same code is at most of them; another
 * program's or another commit's at few). */
int classify_build_fits(const struct classify_match *m);

struct classify_result {
	struct store_site *sites;	/* biggest alloc_space first; strings owned by the result */
	size_t nsites;
	void **aggs;			/* internal */
	int has[STORE_NHEAP];		/* which heap types the profile has */
	int64_t total[STORE_NHEAP];	/* per type: every sample's value */
	int64_t attributed[STORE_NHEAP];	/* values whose cause is not unknown */
	int64_t joined[STORE_NHEAP];	/* values joined to a compiler diagnostic */
	struct classify_match *matches;	/* one per build, in the order given */
	size_t nmatches;
};

/* Attributes every sample of the profile to a site and a cause using the diagnostics of
 * the given builds. Fills r (release with classify_result_release). */
enum esc_status classify_analyze(struct store *s, int64_t profile_id, const int64_t *builds,
				 size_t nbuilds, const struct classify_opts *o,
				 struct classify_result *r, struct err *e);
void classify_result_release(struct classify_result *r);

/* Whether a function symbol is the runtime's own (runtime.*, internal/runtime/...). */
int classify_is_runtime(const char *function);
/* The import path of a function symbol ("go/token.(*File).AddLine" -> "go/token") into out
 * (n bytes, NUL included; n may be 0), with the linker's %xx escapes decoded
 * ("gopkg.in/yaml%2ev3.F" -> "gopkg.in/yaml.v3"); returns the length of the package part
 * as the symbol spells it (where the name within the package starts, minus one). */
size_t classify_package_of(const char *function, char *out, size_t n);

/* ---- CI budgets ---- */

enum budget_scope {
	BUDGET_SCOPE_NONE = -1,
	BUDGET_TOTAL, BUDGET_PACKAGE, BUDGET_FUNCTION, BUDGET_SITE, BUDGET_CAUSE,
	BUDGET_NEW_ESCAPES,
};
enum budget_limit { BUDGET_ABSOLUTE, BUDGET_SHARE, BUDGET_GROWTH };

struct budget_rule {
	size_t line;			/* in the budget file */
	char *text;			/* the rule as written */
	enum budget_scope scope;
	char *pattern;			/* glob of names; NULL for total (new-escapes: of files) */
	int type;			/* STORE_* sample type */
	int growth;			/* a `grown` rule: against the baseline profile */
	int strict;			/* < instead of <= */
	int optional;			/* "function? ...": matching nothing is no failure */
	enum budget_limit limit_kind;
	double limit;			/* bytes or objects, percent, or growth percent */
};

struct budget {
	struct budget_rule *rules;
	size_t n, cap;
	size_t error_line;		/* after a failed budget_parse: the line at fault, 0 none */
};

/* Parses a budget file's text; name is used in messages ("budget.txt:3: unknown unit"). */
enum esc_status budget_parse(const char *name, const char *text, size_t len, struct budget *b,
			     struct err *e);
void budget_release(struct budget *b);
const char *budget_scope_name(enum budget_scope s);

/* An escape of one build, for comparing builds. */
struct classify_escape {
	const char *file;	/* normalised path */
	unsigned line;
	const char *kind;	/* moved_to_heap, escapes, append_escapes */
	const char *subject;	/* the expression as printed */
	int matched;		/* set by classify_match_escapes */
};

/* Pairs the escapes of two builds: the same (file, kind, expression) at the same line
 * first, then at the nearest other line (code moved). Unmatched ones in cur were added,
 * unmatched ones in base removed. Returns 0, or -1 when memory runs out. */
int classify_match_escapes(struct classify_escape *base, size_t nb, struct classify_escape *cur,
			   size_t nc);

/* The minor version in a version string ("go1.26.10" -> 26, "go1.25+" -> 25), 0 if none. */
int classify_go_minor(const char *version);

/* ---- engine: budget evaluation ---- */

/* The escapes of one build as check compares them: the list (its matched flags are
 * written by the evaluation) with each escape's file and diagnostic as printed. */
struct classify_check_escapes {
	struct classify_escape *v;
	char *const *file, *const *msg;
	size_t n;
};

/* What a budget is checked against; everything is borrowed. */
struct classify_check_input {
	int64_t profile_id, analysis_id;		/* the profile checked and its analysis */
	int64_t base_profile_id, base_analysis_id;	/* grown rules' baseline; 0 when none */
	struct classify_check_escapes *escapes;		/* new-escapes rules: the build checked */
	struct classify_check_escapes *base_escapes;	/* and the baseline build; NULL when none */
};

/* A rule that matches nothing fails (a misspelt name must not pass CI), unless it is
 * optional ("function? ..."): then it is skipped. */
enum classify_check_verdict {
	CLASSIFY_CHECK_PASS, CLASSIFY_CHECK_BREACH, CLASSIFY_CHECK_NO_MATCH, CLASSIFY_CHECK_SKIPPED
};

/* The verdict on one rule, from its worst entity (the biggest value, share or growth). */
struct classify_check_result {
	const struct budget_rule *rule;		/* borrowed from the budget */
	enum classify_check_verdict verdict;
	double actual;		/* the worst's value, share (%) or growth (%, INFINITY when its
				   baseline is 0); new-escapes: the number added */
	double base;		/* growth: the worst's baseline value, scaled by duration */
	int64_t value;		/* the worst's own value */
	size_t matched;		/* entities (escapes) the rule matched */
	size_t breaches;	/* of them, over the limit */
	char *name;		/* the worst entity; NULL when none */
	char *file;		/* where to point: its biggest site (an escape's file); or NULL */
	int64_t line;		/* 0 when none */
	char *function;		/* the biggest site's function; NULL when none (new-escapes) */
	char *detail;		/* new-escapes: the first added, "FILE:LINE: MESSAGE"; or NULL */
	char *rel;		/* file relative to the source root (classify_check_locate); or
				   NULL when it cannot be made relative or was not asked */
	double seconds;		/* wall time the rule's evaluation took */
};

/* Evaluates every rule of b (in order) against the input: one result per rule into *out
 * (*n = b->n; free with classify_check_results_free). Growth compares with the baseline's
 * values scaled to the profile's duration when both profiles have one. Any store error,
 * a grown rule without a baseline, a new-escapes rule without both builds or a rule on a
 * heap type a profile lacks is an error and gives no result: what could not be computed
 * never passes. */
enum esc_status classify_check_eval(struct store *s, const struct budget *b,
				    const struct classify_check_input *in,
				    struct classify_check_result **out, size_t *n, struct err *e);
void classify_check_results_free(struct classify_check_result *r, size_t n);
/* Where check's reports point, as code scanning wants it: repository-relative. */
struct classify_check_paths {
	const char *srcroot;		/* the repository's root: an existing directory */
	const char *const *source_path;	/* where to look for the profile's files; may be empty */
	size_t nsource;
	const char *trim_path;		/* prefix(es) to strip from profile paths; may be NULL */
};
/* Sets every result's rel: its file relative to p->srcroot (classify_source_relative).
 * Returns ESC_OK, or ESC_ENOMEM. */
enum esc_status classify_check_locate(const struct classify_check_paths *p,
				      struct classify_check_result *r, size_t n, struct err *e);
/* How many results are breaches. */
size_t classify_check_breaches(const struct classify_check_result *r, size_t n);
/* The results that fail the check: breaches and required rules that matched nothing. */
size_t classify_check_failures(const struct classify_check_result *r, size_t n);


/* ---- trend (trend.c) ---- */

enum classify_trend_per { CLASSIFY_TREND_PER_PROFILE, CLASSIFY_TREND_PER_DAY };
/* The key that stands for every key not kept. */
extern const char classify_trend_other[];
/* A grouping's name ("cause", "package", "function"), and back: 0, or -1 for a name that
 * is none of them. */
const char *classify_trend_by_name(enum store_trend_by by);
int classify_trend_by_parse(const char *name, enum store_trend_by *by);
/* One key's value at one point: a profile, or the profiles loaded on one day (UTC). */
struct classify_trend_row {
	char point[32];		/* the profile's loaded_at, or its day (YYYY-MM-DD) */
	int64_t profile_id;	/* per profile; 0 per day */
	const char *name;	/* the profile's name per profile, else NULL (borrowed) */
	int64_t profiles;	/* how many profiles the point sums */
	const char *key;	/* borrowed from the store's rows, or classify_trend_other */
	int64_t value;
	double pct;		/* of the point's total */
};
struct classify_trend {
	struct classify_trend_row *rows;
	size_t n;
	int64_t points;
};
/* The store's rows (store_trend's order) as points, per profile or per day, keeping the
 * nkeys keys of most value over all of them (0: every key) and summing the others into
 * one classify_trend_other row per point; a point's rows by value, "(other)" last. The
 * result borrows strings from in. */
enum esc_status classify_trend(const struct store_trend_row *in, size_t nin, enum classify_trend_per per,
			       size_t nkeys, struct classify_trend *out, struct err *e);
void classify_trend_release(struct classify_trend *t);

/* ---- engine: the HTML report's data ---- */

/* What the report shows, read from the store by classify_report_build in one call: plain
 * structs that a writer turns into a page without asking the store anything. Every
 * string and array is owned by the report (classify_report_release frees them). */

enum {
	CLASSIFY_REPORT_CONTEXT = 3,		/* source lines on each side of a site */
	CLASSIFY_REPORT_GROWTH_SITES = 15,	/* sites in the growth table */
};

struct classify_report_profile {
	int64_t id;
	char *name, *source, *sha256, *format;
	int64_t time_nanos, duration_nanos;	/* 0 when not recorded */
	int has[STORE_NHEAP];			/* the heap types it has */
	int64_t totals[STORE_NHEAP];		/* per type: every site of the analysis */
};

struct classify_report_build {
	int64_t id;
	char *name, *source, *go_version;	/* go_version "" when unknown */
};

/* A cause of the analysis or of the baseline (one list, merged by name: the analysis's
 * causes in its order, then those only the baseline has). */
struct classify_report_cause {
	char *cause;
	int64_t value, sites, objects;	/* in the analysis; sites: those with a value */
	int64_t base;			/* the baseline's value as it was */
	int64_t base_scaled;		/* ... scaled to this profile's duration, rounded */
	int64_t change;			/* value - base_scaled */
};

/* A package and its value by cause, largest cause first. */
struct classify_report_share {
	char *cause;
	int64_t value;
};
struct classify_report_package {
	char *name;			/* "" for sites with no package */
	int64_t total;
	struct classify_report_share *causes;	/* points into the report's shares */
	size_t ncauses;
};

/* A line the compiler printed under a diagnostic's message. */
struct classify_report_step {
	int64_t seq;
	char *text;
	int is_flow;			/* a "flow:" line: the lines under it are its parts */
};

/* A line of source around a site (text without its newline; it may hold any byte). */
struct classify_report_source_line {
	int64_t line;
	char *text;
	size_t len;
};

struct classify_report_site {
	int64_t site_id;
	char *function, *package, *file;	/* package NULL when unknown */
	int64_t line, value, objects;
	char *cause;
	double confidence;
	char *via;			/* the dependency it allocated in; NULL for the leaf */
	char *evidence;			/* NULL when none */
	/* the compiler diagnostic joined to it: message NULL when none */
	char *diag_file, *message;
	int64_t diag_line, diag_col;	/* col 0 when none */
	int64_t decisive_seq;		/* the step that decided the cause; 0 when none */
	struct classify_report_step *steps;
	size_t nsteps;
	/* the source around the line: source_path NULL when the file was not found or is
	 * shorter than the line */
	char *source_path;
	struct classify_report_source_line *source;
	size_t nsource;
};

/* A site that grew since the baseline (store_analysis_growth_sites). */
struct classify_report_growth_site {
	char *function, *file_name, *via;	/* via "" for the leaf */
	int64_t line;
	char *cause;			/* the cause now, else the one it had */
	int64_t now, base_scaled, change;
};

struct classify_report {
	int ix;				/* the STORE_* sample type reported */
	int64_t analysis_id;
	struct classify_report_profile profile;
	struct store_totals totals;
	int64_t nsites_all;		/* sites with a value */
	struct classify_report_build *builds;	/* those the analysis joined, by id */
	size_t nbuilds;
	struct classify_report_cause *causes;
	size_t ncauses;
	struct classify_report_package *packages;	/* largest first */
	size_t npackages;
	struct classify_report_share *shares;	/* every package's causes */
	size_t nshares;
	struct classify_report_site *sites;	/* largest first, at most max_sites */
	size_t nsites;
	int64_t shown_value;		/* the value of sites[] */
	/* against a baseline; base_analysis_id 0 when there is none */
	int64_t base_analysis_id;
	struct classify_report_profile base_profile;
	struct store_totals base_totals;
	double base_scale;		/* this profile's duration over the baseline's, else 1 */
	size_t *by_growth;		/* indexes of causes[], largest change first */
	struct classify_report_growth_site *growth;	/* largest growth first */
	size_t ngrowth;
	/* the trend of the stored profiles around it (classify_report_opts.trend); its
	 * points 0 when not asked for */
	enum store_trend_by trend_by;
	enum classify_trend_per trend_per;
	struct classify_trend trend;
	struct store_trend_row *trend_rows;	/* what trend's strings point into */
	size_t ntrend_rows;
	int64_t trend_unanalysed;	/* profiles the filter admits that have no analysis */
};

struct classify_report_opts {
	size_t max_sites;			/* 0: every site */
	const struct classify_opts *sources;	/* where to read source lines; may be NULL */
	/* the trend: when trend is set, the trend_by key's value over the stored profiles
	 * trend_filter admits (NULL: all), per trend_per, trend_keys keys kept (0: all) */
	int trend;
	enum store_trend_by trend_by;
	enum classify_trend_per trend_per;
	size_t trend_keys;
	const struct store_profile_filter *trend_filter;
};

/* Reads everything the report shows of an analysis (of profile_id) for sample type ix
 * and, when base_analysis_id is not 0, of the baseline's analysis (of base_profile_id).
 * On any failure r holds nothing and the store's error is returned: a report is whole or
 * not made. Release r with classify_report_release either way. */
enum esc_status classify_report_build(struct store *s, int64_t profile_id, int64_t analysis_id,
				      int64_t base_profile_id, int64_t base_analysis_id, int ix,
				      const struct classify_report_opts *o, struct classify_report *r,
				      struct err *e);
void classify_report_release(struct classify_report *r);

/* ---- engine: choosing and running analyses, baselines, ingest ---- */

/* Choosing and running analyses (run.c). Nothing here prints: notices go to the
 * caller's notes, failures (the store's included) are returned. */

/* Where the engine's notices go (a build left out, an analysis made on the way): fn gets
 * a printf format and its arguments, strings among them untrusted (a build's name), and
 * no "escprof CMD: " prefix or newline. Every function below takes a NULL notes (or a
 * NULL fn) to say nothing. */
struct classify_notes {
	void (*fn)(void *ctx, const char *fmt, va_list ap);
	void *ctx;
};

/* The profile a reading command is about: profile_ref ("ID" or "NAME", the newest of
 * that name), else the newest profile; among those the filter f admits (NULL: all),
 * ESC_EINPUT when the store holds none (or the one named is not admitted). */
enum esc_status classify_select_profile(struct store *s, const char *profile_ref,
					const struct store_profile_filter *f, int64_t *profile_id,
					struct err *e);

/* The heap type to report, as a STORE_* index in *ix: want (a type's name, or an index
 * among the profile's own sample types as pprof counts them) or, want NULL, pprof's
 * default: the profile's default_sample_type, else its last sample type, else (neither a
 * heap type) the last heap type it has. ESC_EUSAGE when want is not one of its heap types. */
enum esc_status classify_sample_type(struct store *s, int64_t profile_id, const char *want,
				     int *ix, struct err *e);

/* Runs the join of a profile against builds (in order; none: the profile alone) and
 * stores it as a new analysis, *analysis_id. A build that does not fit the profile
 * (classify_build_fits) is left out of the join and a note says so; how every build
 * given fitted is stored with the analysis (store_foreach_build_fit). */
enum esc_status classify_run(const struct classify_notes *n, struct store *s, int64_t profile_id,
			     const int64_t *builds, size_t nbuilds, const struct classify_opts *o,
			     int64_t *analysis_id, struct err *e);

/* The profile (as classify_select_profile) and its analysis: with build refs (ids or
 * names), a new one with those builds; else its newest stored one; else a new one with
 * the store's newest build (noted). o may be NULL. Writes only when it has to analyse. */
enum esc_status classify_select(const struct classify_notes *n, struct store *s,
				const char *profile_ref, const struct store_profile_filter *f,
				const char *const *build_refs,
				size_t nbuild_refs, const struct classify_opts *o,
				int64_t *profile_id, int64_t *analysis_id, struct err *e);

/* Baselines: what check --baseline, diff BASE and report --baseline compare against. */
struct classify_baseline_opts {
	const int64_t *builds;		/* join the baseline profile with these (a new
					   analysis, e.g. report --baseline-build) ... */
	size_t nbuilds;
	int64_t builds_of;		/* ... else its newest analysis, else a new one with
					   the builds this analysis joined (report: its own);
					   0: with the store's newest build (noted) */
	int builds_too;			/* a build may be the baseline too (diff): a log, a
					   -json tree or a stored build's id or name */
	const struct classify_opts *join;	/* for a new analysis; may be NULL */
	const struct profile_limits *lim;	/* for a profile file (not with builds_too,
						   which reads with the defaults); may be NULL */
};

struct classify_baseline {
	int is_profile;			/* 0: a build (only with builds_too) */
	int64_t profile_id;		/* a profile: it, */
	int64_t analysis_id;		/* the analysis to compare with, */
	int64_t duration_nanos;		/* and its duration (0 when it has none): scale the
					   baseline's values by new/base when both have one */
	int64_t build_id;		/* a build: it (no analysis) */
};

/* Resolves ref, the one way every command does: a path that exists is read now (once: a
 * pipe or FIFO works) and stored as a profile (with builds_too: a profile when its bytes
 * are one, else a build); anything else is a stored profile's id or name (with
 * builds_too: else a stored build's), ESC_EUSAGE when there is none. A profile comes
 * with its analysis, chosen as the opts say, and its duration. o may be NULL (a profile
 * only; its newest analysis, else one with the newest build). Store failures are
 * returned, never taken for "not found". */
enum esc_status classify_baseline(const struct classify_notes *n, struct store *s, const char *ref,
				  const struct classify_baseline_opts *o, struct classify_baseline *b,
				  struct err *e);

/* An analysis as analyze shows it (summary.c). */
struct classify_part {			/* the sites of one cause and one diagnostic */
	const char *cause;
	char *vias;			/* "a, b": what they were allocated through; NULL:
					   the leaf */
	const char *message;		/* the compiler's diagnostic; NULL when not joined */
	const char *hint, *evidence;	/* NULL when none */
	double confidence;
	int64_t value, objects;
};
struct classify_line {			/* a source line: function, file and line */
	const char *function, *file;
	int64_t line, value, objects;
	struct classify_part *parts;	/* biggest first */
	size_t nparts;
};
struct classify_fit {			/* a build given, how it fitted, whether used */
	struct store_build_fit fit;
	char *name;
};
struct classify_summary {
	int ix;				/* the heap type (STORE_*) */
	struct store_totals totals;
	struct store_cause_total *causes;	/* biggest first; unknown always there */
	size_t ncauses;
	struct classify_line *lines;	/* the top lines, biggest first */
	size_t nlines;
	struct classify_fit *fits;	/* by build id */
	size_t nfits;
	/* what the lines borrow from */
	struct store_line_site *rows;
	size_t nrows;
	struct classify_part *parts;
	size_t nparts;
};
/* Fills sum for heap type ix and the top nlines lines; every string belongs to sum:
 * release with classify_summary_release (also after a failure: a no-op then). */
enum esc_status classify_summarize(struct store *s, int64_t analysis_id, int ix, int nlines,
				   struct classify_summary *sum, struct err *e);
void classify_summary_release(struct classify_summary *sum);

/* Ingest (ingest.c): reading inputs into the store. Each input (a file, "-", a pipe,
 * <(...) or a named FIFO) is opened and read once; what it holds is told from the bytes
 * already read. */

struct classify_ingest_build_result {
	int64_t id;		/* 0 in a dry run */
	int added;		/* 0 when the same build was already stored */
	struct gc_stats st;
	size_t kinds[GC_KIND_COUNT];
	char version[64];	/* given, inferred, or "" */
	char sha256[65];
};

/* Parses a log, a -json file or tree, or "-" and stores it as one build (name NULL: the
 * input's base name; version NULL: inferred; max_line 0: the parser's default); s NULL
 * parses and counts only. */
enum esc_status classify_ingest_build(struct store *s, const char *path, const char *name,
				      const char *version, size_t max_line,
				      struct classify_ingest_build_result *res, struct err *e);
/* Appends to the growing array *ids (*n entries of *cap) the build ref names: a file or
 * directory that exists is compiler output, stored now (unless stored_only); anything
 * else a stored build's id or name. */
enum esc_status classify_build_ref(struct store *s, const char *ref, int stored_only, int64_t **ids,
				   size_t *n, size_t *cap, struct err *e);
/* As classify_ingest_build, storing only the diagnostics a join of profile p can use
 * (classify_diag_filter): for a temporary store that joins p and is thrown away. The
 * build's digest, counts and version are those of the whole log. */
enum esc_status classify_ingest_build_for(struct store *s, const struct profile *p,
					  const char *path, const char *name, size_t max_line,
					  struct classify_ingest_build_result *res, struct err *e);

struct classify_ingest_profile_result {
	int64_t id;
	int added;		/* 0 when the same bytes were already stored */
	size_t nsamples, nsample_types;
	char sha256[65];
};

/* Stores the profile at path ("-" for standard input); o->sha256 and o->source are
 * filled in here, lim may be NULL (the decoder's defaults). */
enum esc_status classify_ingest_profile(struct store *s, const char *path,
					const struct store_profile_opts *o,
					const struct profile_limits *lim,
					struct classify_ingest_profile_result *res, struct err *e);

/* As classify_ingest_profile, and hands the decoded profile to the caller (*decoded, to
 * free with profile_free; NULL on failure), for a join that reads its samples from it. */
enum esc_status classify_ingest_profile_decoded(struct store *s, const char *path,
						const struct store_profile_opts *o,
						const struct profile_limits *lim,
						struct classify_ingest_profile_result *res,
						struct profile **decoded, struct err *e);

/* Stores path as a profile when its bytes are one, else as a build (a log, a -json file or
 * tree); *is_profile says which and *id is the stored profile or build. A broken profile
 * is reported as one. */
enum esc_status classify_ingest_profile_or_build(struct store *s, const char *path, int64_t *id,
						 int *is_profile, struct err *e);



/* ---- engine: diffs and escape sets ---- */

#include <regex.h>

/* The escapes of a stored build (its diagnostics that put a value on the heap), in the
 * order the compiler printed them: v[i] for classify_match_escapes, with the file and the
 * message as printed beside it. Everything is owned by the set. */
struct classify_escset {
	struct classify_escape *v;	/* file normalised (classify_norm_path) */
	char **msg;			/* the diagnostic as printed */
	char **file;			/* the file as printed */
	size_t n, cap;
};
/* Fills set (which need not be initialised); on failure set is empty. Release with
 * classify_escset_release (also on an empty or zeroed set). */
enum esc_status classify_escset_load(struct store *s, int64_t build_id, struct classify_escset *set,
				     struct err *e);
void classify_escset_release(struct classify_escset *set);

/* How one key changed from the base profile to the new one. */
enum classify_change { CLASSIFY_SAME, CLASSIFY_NEW, CLASSIFY_GONE, CLASSIFY_GREW, CLASSIFY_SHRANK };
/* "same", "new", "gone", "grew", "shrank"; static storage. */
const char *classify_change_name(enum classify_change c);

/* One key of a profile diff: a site (function, file, line and cause), a function or a
 * cause. New fields go at the end: writers' tests build rows positionally. */
struct classify_diff_row {
	char *key;			/* the grouping's identity, unique in the diff: for sorting
					   and lookups, never for output */
	int64_t base, cur;		/* the sums on each side, as stored */
	double base_scaled;		/* base times the diff's scale */
	double delta;			/* cur - base_scaled */
	enum classify_change change;	/* NEW when base is 0, GONE when cur is 0, else by delta */
	char *function, *file;		/* the grouping's fields (file trimmed as the side's
					   trim says); NULL when not part of the grouping */
	int64_t line;			/* 0 when not part of the grouping */
	char *cause;
};

struct classify_profile_diff {
	double scale;			/* NEW's duration over BASE's when both have one, else 1 */
	struct classify_diff_row *rows;	/* every key of either side, biggest |delta| first, then
					   by key; owned */
	size_t n;
	int64_t base_total, cur_total;	/* the sums of each side over every key, as stored */
	size_t count[CLASSIFY_SHRANK + 1];	/* rows of each enum classify_change */
};

/* A profile and the analysis of it a diff reads. */
struct classify_diff_side {
	int64_t profile_id, analysis_id;
	/* pprof's -trim_path: ':'-separated prefixes the side's file paths lose (the first
	 * that matches), so that sides built in other directories meet; may be NULL */
	const char *trim;
};

/* The percentage r changed by, against its scaled base, into *pct (unrounded: the
 * writers round it once, in the one number style); 0 when there is one, -1 when the
 * base is 0 (no percentage: new). */
int classify_diff_pct(const struct classify_diff_row *r, double *pct);

/* Sums heap type `type` (STORE_*) over the sites of both analyses by `by`, scales the base
 * to the new profile's duration and orders the keys by the size of their change. Fills d (release with
 * classify_profile_diff_release, also after a failure). */
enum esc_status classify_diff_profiles(struct store *s, const struct classify_diff_side *base,
				       const struct classify_diff_side *cur, int type,
				       enum store_site_group by, struct classify_profile_diff *d,
				       struct err *e);
void classify_profile_diff_release(struct classify_profile_diff *d);

/* The escapes two builds differ by: those of cur left unmatched (v[i].matched == 0) were
 * added, those of base left unmatched removed; an escape whose expression only moved to
 * another line is matched (classify_match_escapes). */
struct classify_build_diff {
	struct classify_escset base, cur;
	size_t added, removed;
};
enum esc_status classify_diff_builds(struct store *s, int64_t base_build, int64_t cur_build,
				     struct classify_build_diff *d, struct err *e);
void classify_build_diff_release(struct classify_build_diff *d);

/* Everything known of one allocation site: the site, its cause in the taxonomy, the
 * compiler's diagnostic with its flow steps, and the other verdicts at its line. */
struct classify_explained {
	struct store_site_row site;
	const struct classify_cause *cause;	/* NULL when the taxonomy has no such cause */
	int diag_found;			/* site.diag_id is set and the diagnostic is stored */
	struct store_diag_row diag;
	struct store_flow_step_row *steps;	/* the diagnostic's, in order */
	size_t nsteps;
	struct store_diag_row *also;	/* the verdicts at the line in a file of the same base
					   name, but the site's own diagnostic, in the builds of
					   the analysis */
	size_t nalso;
};

struct classify_explain {
	struct classify_explained *v;	/* biggest alloc_space first; owned */
	size_t n;
};

/* The site site_id of an analysis, or (site_id 0) its sites at line in files ending in
 * `file` by whole components (any file when NULL). None found is x->n == 0, not an
 * error. Release x with classify_explain_release, also after a failure. */
enum esc_status classify_explain(struct store *s, int64_t analysis_id, int64_t site_id,
				 int64_t line, const char *file, struct classify_explain *x,
				 struct err *e);
void classify_explain_release(struct classify_explain *x);

/* The lines of an analysis that allocate (heap type `type`) in functions matching re, or
 * (re NULL) in files ending in `file` by whole components; ordered by file, then line.
 * Free the rows with store_line_sums_free. */
enum esc_status classify_list_lines(struct store *s, int64_t analysis_id, int type,
				    const regex_t *re, const char *file,
				    struct store_line_sum **rows, size_t *n, struct err *e);

/* ---- engine: what a command shows of its rows ---- */

struct buf;
/* A top group's causes as one field ("a, b" by site, "a,b" by function or package) into
 * causes, and (by site) what they were allocated through into vias: each cause's
 * dependencies joined by ", ", every comma in a name followed by a space. Both buffers
 * are reset first. Returns 0, or -1 when memory runs out. */
int classify_top_causes(struct buf *causes, struct buf *vias, const struct store_top_row *r,
			enum store_top_by by);

/* Moves the groups of rows (n, as store_top gives them) that top shows to the front, in
 * their order: those at least min_pct percent of total whose key columns (by site the
 * function, file, causes and vias; by function or package the name and causes; by cause
 * the cause) match focus when it is set, limit at most. *shown is their number; every
 * row stays in rows, for store_top_rows_free(rows, n). */
enum esc_status classify_top_select(struct store_top_row *rows, size_t n, enum store_top_by by,
				    int64_t total, const regex_t *focus, double min_pct, size_t limit,
				    size_t *shown, struct err *e);

#endif
