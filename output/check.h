/* check.h — the writers of a budget check's verdicts: an aligned text table, JSON, JUnit
 * XML, GitHub workflow annotations and SARIF 2.1.0. They take the evaluator's plain
 * results and never touch the store; every string from a profile, a log or the budget is
 * escaped for its format (see output.h). */
#ifndef ESC_OUTPUT_CHECK_H
#define ESC_OUTPUT_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "classify/classify.h"

enum out_check_format {
	OUT_CHECK_TEXT, OUT_CHECK_JSON, OUT_CHECK_JUNIT, OUT_CHECK_GITHUB, OUT_CHECK_SARIF,
};

/* Parses "text", "json", "junit", "github", "sarif"; returns 0 or -1. */
int out_check_parse_format(const char *s, enum out_check_format *f);

/* What the reports say besides the results; all borrowed. */
struct out_check_run {
	const char *budget;	/* the budget file as named (annotations point at it) */
	int64_t profile_id;	/* the profile checked */
	const char *version;	/* escprof's, SARIF's driver version */
};

/* Writes the results of one check (one per rule, in the budget's order) to f in fmt.
 * Returns 0, or -1 when a write failed or memory ran out. */
int out_check_write(FILE *f, enum out_check_format fmt, const struct out_check_run *run,
		    const struct classify_check_result *res, size_t n);

#endif
