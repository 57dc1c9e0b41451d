/* The legacy text heap parser: every input is made to start like a legacy heap profile,
 * so that mutations explore the text grammar rather than the format sniffing. */
#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/walk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char head[] = "heap profile: ";
	const struct profile_limits lim = { .max_size = 16u << 20, .max_depth = 256, .max_string = 4096 };
	struct profile *p = NULL;
	struct err e;
	size_t off = 0;
	char *buf;

	if (size < sizeof(head) - 1 || memcmp(data, head, sizeof(head) - 1) != 0)
		off = sizeof(head) - 1;
	if (!(buf = malloc(off + size + 1)))
		return 0;
	memcpy(buf, head, off);
	if (size)
		memcpy(buf + off, data, size);
	if (profile_open(&p, "fuzz", buf, off + size, &lim, &e) == ESC_OK) {
		fuzz_walk(p);
		profile_free(p);
	}
	free(buf);
	return 0;
}
