/* suggest.h — "did you mean": the closest of a list of known words to a misspelt one. */
#ifndef ESC_SUGGEST_H
#define ESC_SUGGEST_H

#include <stddef.h>

/* The candidate closest to word by edit distance (insertions, deletions, substitutions
 * and swaps of two neighbours, case-insensitive), when it is close enough to be what was
 * meant: at most a third of the longer word's length, and at least 1 edit allowed; NULL
 * when none is. Ties go to the first candidate. */
const char *suggest(const char *word, const char *const *cands, size_t n);

#endif
