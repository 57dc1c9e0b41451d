/* analysis.h — analyze's writer: an analysis summary (classify_summarize) as text for
 * people or as the JSON contract of README.md. Takes plain structs; never touches the
 * store. */
#ifndef ESC_OUTPUT_ANALYSIS_H
#define ESC_OUTPUT_ANALYSIS_H

#include <stdio.h>

#include "classify/classify.h"

/* Writes the summary of the analysis of profile (as named on the command line): the
 * totals and coverage, the causes as a table, then the top lines with their parts.
 * Returns 0, or -1 when memory runs out. */
int out_analysis_text(FILE *f, const char *profile, const struct classify_summary *sum);

/* The same as one JSON object (the builds given too); 0, or -1 when it could not be
 * written. */
int out_analysis_json(FILE *f, const char *profile, const struct classify_summary *sum);

#endif
