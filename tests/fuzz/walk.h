/* What the profile targets do with a decoded profile: walk every sample and read every
 * name, label and value it reaches, so that a bad pointer left by the decoder shows. */
#ifndef ESC_FUZZ_WALK_H
#define ESC_FUZZ_WALK_H

#include "tests/fuzz/fuzz.h"
#include "profile/profile.h"

static int fuzz_sample(void *ctx, const struct profile_sample *s)
{
	size_t *n = ctx, i, j;

	for (i = 0; i < s->nlocations; i++)
		for (j = 0; j < s->locations[i]->nlines; j++)
			if (s->locations[i]->lines[j].function)
				*n += fuzz_touch(s->locations[i]->lines[j].function->name) +
				      fuzz_touch(s->locations[i]->lines[j].function->file);
	for (i = 0; i < s->nlabels; i++)
		*n += fuzz_touch(s->labels[i].key) + fuzz_touch(s->labels[i].str);
	for (i = 0; i < s->nvalues; i++)
		*n ^= (size_t)s->values[i];	/* values may be negative: mixed, not summed */
	return 0;
}

static inline void fuzz_walk(const struct profile *p)
{
	struct err e;
	size_t n = 0;

	profile_default_sample_index(p);
	profile_foreach_sample(p, fuzz_sample, &n, &e);
}

#endif
