/* The legacy text heap parser: every input is made to start like a legacy heap profile,
 * so that mutations explore the text grammar rather than the format sniffing. */
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz.h"
#include "profile/profile.h"

static int sample(void *ctx, const struct profile_sample *s)
{
	size_t *n = ctx, i, j;

	for (i = 0; i < s->nlocations; i++)
		for (j = 0; j < s->locations[i]->nlines; j++)
			if (s->locations[i]->lines[j].function)
				*n += fuzz_touch(s->locations[i]->lines[j].function->name);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char head[] = "heap profile: ";
	const struct profile_limits lim = { .max_size = 16u << 20, .max_depth = 256, .max_string = 4096 };
	struct profile *p = NULL;
	struct err e;
	size_t n = 0, off = 0;
	char *buf;

	if (size < sizeof(head) - 1 || memcmp(data, head, sizeof(head) - 1) != 0)
		off = sizeof(head) - 1;
	if (!(buf = malloc(off + size + 1)))
		return 0;
	memcpy(buf, head, off);
	if (size)
		memcpy(buf + off, data, size);
	if (profile_open(&p, "fuzz", buf, off + size, &lim, &e) == ESC_OK) {
		profile_foreach_sample(p, sample, &n, &e);
		profile_free(p);
	}
	free(buf);
	return 0;
}
