/* report.h — what analyze, top and explain share: choosing the sample type, running and
 * storing an analysis, and printing sizes. */
#ifndef ESC_REPORT_H
#define ESC_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "classify/classify.h"
#include "cli.h"
#include "common/paths.h"
#include "store/store.h"

/* Rewrites pprof-style single-dash long options (-sample_index, -source_path, -trim_path,
 * -focus, -nodecount) to the double-dash form getopt_long reads. */
void report_pprof_args(int argc, char **argv);

/* Appends the DIR:DIR... list arg (split in place; the array borrows its pieces) to the
 * growing array *dirs of *n entries; -1 when memory runs out. */
int report_add_dirs(const char ***dirs, size_t *n, size_t *cap, char *arg);

/* The heap type to report: want (a name or an index among the profile's sample types) or
 * pprof's default (default_sample_type, else the last type). Sets *ix (STORE_*). */
enum esc_status report_sample_index(struct store *s, int64_t profile_id, const char *want,
				    int *ix, struct err *e);

/* Runs the join of profile against builds and stores it; *analysis_id is the new one. A
 * build that does not fit the profile (classify_build_fits) is left out of the join, and
 * that is a cli_note unless quiet; how each build fits is stored with the analysis. */
enum esc_status report_analyze(struct cli *c, struct store *s, int64_t profile_id,
			       const int64_t *builds, size_t nbuilds, const struct classify_opts *o,
			       int64_t *analysis_id, struct err *e);

/* The latest analysis of a profile (0 when none). */
enum esc_status report_latest_analysis(struct store *s, int64_t profile_id, int64_t *id,
				       struct err *e);

/* The profile a reading command is about: ref, else the newest. */
enum esc_status report_select_profile(const struct cli *c, struct store *s, const char *profile_ref,
				      int64_t *profile_id, struct err *e);

/* Picks the profile (as report_select_profile) and its analysis: a new one when builds
 * are given, else the newest stored one, else one with the newest build (a cli_note
 * unless quiet). Needs a read-write store only when it has to analyse. */
enum esc_status report_select(struct cli *c, struct store *s, const char *profile_ref,
			      const char *const *build_refs, size_t nbuild_refs,
			      const struct classify_opts *o, int64_t *profile_id,
			      int64_t *analysis_id, struct err *e);

/* Prints (or writes as JSON) an analysis: causes, coverage and the top n sites. */
int report_print_analysis(struct cli *c, struct store *s, int64_t analysis, const char *profile,
			  int ix, int n, struct err *e);

/* A store_query callback that keeps the first column of the first row (an integer) in
 * *(int64_t *)ctx. */
int report_take_int(void *ctx, size_t ncols, const char *const *names, const struct store_value *v);

/* "1.5 MiB", "312 B" for bytes; "12.3k" for counts: into buf, returned. */
const char *report_size(char *buf, size_t n, int64_t v, int bytes);
/* Whether the type at ix counts bytes. */
int report_is_bytes(int ix);

/* The column of alloc_site for a STORE_* index, and the object count that goes with it
 * (the index's own column for the object types). */
const char *report_column(int ix);
const char *report_objects_column(int ix);

/* An analysis's totals for one sample type: everything, what has a cause other than
 * unknown, what was joined to a compiler diagnostic, and the objects. */
#define report_totals store_totals
enum esc_status report_get_totals(struct store *s, int64_t analysis, int ix,
				  struct report_totals *t, struct err *e);

/* Writes into sql the query of an analysis's causes, biggest first: cause, value, sites
 * (those with a value), objects; every cause with a value, and unknown always (it is
 * never hidden). */
void report_causes_sql(char *sql, size_t n, int64_t analysis, int ix);

#endif
