/* The profile decoder on any bytes: gzip, zlib, raw protobuf or legacy text. */
#include "fuzz/fuzz.h"
#include "profile/profile.h"

static int sample(void *ctx, const struct profile_sample *s)
{
	size_t *n = ctx, i, j;

	for (i = 0; i < s->nlocations; i++)
		for (j = 0; j < s->locations[i]->nlines; j++)
			if (s->locations[i]->lines[j].function)
				*n += fuzz_touch(s->locations[i]->lines[j].function->name);
	for (i = 0; i < s->nlabels; i++)
		*n += fuzz_touch(s->labels[i].key) + fuzz_touch(s->labels[i].str);
	for (i = 0; i < s->nvalues; i++)
		*n += (size_t)s->values[i];
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* small caps keep a zip bomb from exhausting the fuzzer's memory limit */
	const struct profile_limits lim = { .max_size = 16u << 20, .max_depth = 256, .max_string = 4096 };
	struct profile *p = NULL;
	struct err e;
	size_t n = 0;

	if (profile_open(&p, "fuzz", data, size, &lim, &e) == ESC_OK) {
		profile_default_sample_index(p);
		profile_foreach_sample(p, sample, &n, &e);
		profile_free(p);
	}
	return 0;
}
