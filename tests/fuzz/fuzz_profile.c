/* The profile decoder on any bytes: gzip, zlib, raw protobuf or legacy text. */
#include "tests/fuzz/walk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* small caps keep a zip bomb from exhausting the fuzzer's memory limit */
	const struct profile_limits lim = { .max_size = 16u << 20, .max_depth = 256, .max_string = 4096 };
	struct profile *p = NULL;
	struct err e;

	if (profile_open(&p, "fuzz", data, size, &lim, &e) == ESC_OK) {
		fuzz_walk(p);
		profile_free(p);
	}
	return 0;
}
