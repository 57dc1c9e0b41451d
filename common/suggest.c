/* suggest.c — see suggest.h. Damerau-Levenshtein (optimal string alignment) over two
 * rows plus the one before them; words are short, so the cost does not matter. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "suggest.h"

static size_t min3(size_t a, size_t b, size_t c)
{
	size_t m = a < b ? a : b;

	return m < c ? m : c;
}

/* The edit distance between a and b, or (size_t)-1 when memory runs out. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, d;
	size_t *prev2 = calloc(lb + 1, sizeof(size_t)), *prev = calloc(lb + 1, sizeof(size_t)),
	       *cur = calloc(lb + 1, sizeof(size_t));

	if (!prev2 || !prev || !cur) {
		free(prev2);
		free(prev);
		free(cur);
		return (size_t)-1;
	}
	for (j = 0; j <= lb; j++)
		prev[j] = j;
	for (i = 1; i <= la; i++) {
		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			int same = tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1]);

			cur[j] = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (same ? 0 : 1));
			if (i > 1 && j > 1 && tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) == tolower((unsigned char)b[j - 1]) &&
			    prev2[j - 2] + 1 < cur[j])
				cur[j] = prev2[j - 2] + 1;
		}
		{
			size_t *t = prev2;

			prev2 = prev;
			prev = cur;
			cur = t;
		}
	}
	d = prev[lb];
	free(prev2);
	free(prev);
	free(cur);
	return d;
}

const char *suggest(const char *word, const char *const *cands, size_t n)
{
	const char *best = NULL;
	size_t bestd = (size_t)-1, i;

	for (i = 0; i < n; i++) {
		size_t d = distance(word, cands[i]), lw = strlen(word), lc = strlen(cands[i]);
		size_t allowed = (lw > lc ? lw : lc) / 3;

		if (allowed < 1)
			allowed = 1;
		if (d != (size_t)-1 && d <= allowed && d < bestd) {
			best = cands[i];
			bestd = d;
		}
	}
	return best;
}
