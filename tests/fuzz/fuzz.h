/* Fuzz targets: each defines LLVMFuzzerTestOneInput over one parser's entry point. The
 * same object links against libFuzzer (make fuzz) or against replay.c (make check), which
 * feeds it the committed regression inputs and the seed files. */
#ifndef ESC_FUZZ_H
#define ESC_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reads every byte of s so that a dangling or unterminated string is caught by ASan. */
static inline size_t fuzz_touch(const char *s)
{
	size_t n = 0;

	while (s && s[n])
		n++;
	return n;
}

#endif
