/* classify.h — the why of each allocation: path normalisation for joining profile frames
 * with compiler diagnostics, the join itself and the cause taxonomy. The compiler-output
 * parser has its own header, gclog/gclog.h. */
#ifndef ESC_CLASSIFY_H
#define ESC_CLASSIFY_H

#include <stddef.h>

#include "common/hmap.h"
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
	int (*is_map_put)(void *ctx, const struct store_diag *d, const char *expr, size_t len);
	/* Is the closure capturing at step s the closure of a go statement? */
	int (*closure_is_goroutine)(void *ctx, const struct store_diag *d, const struct store_step *s);
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

/* Classifies one diagnostic; cx may be NULL. */
void classify_diag(const struct store_diag *d, const struct classify_context *cx,
		   struct classify_verdict *v);

/* ---- the join ---- */

struct classify_opts {
	const char *const *source_path;	/* directories to look for sources in */
	size_t nsource;
	const char *trim_path;		/* prefix to strip from profile paths first */
};

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
	enum budget_limit limit_kind;
	double limit;			/* bytes or objects, percent, or growth percent */
};

struct budget {
	struct budget_rule *rules;
	size_t n, cap;
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
};

struct classify_report_opts {
	size_t max_sites;			/* 0: every site */
	const struct classify_opts *sources;	/* where to read source lines; may be NULL */
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



#endif
