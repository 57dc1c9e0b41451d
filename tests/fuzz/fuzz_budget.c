/* The budget file parser. */
#include "tests/fuzz/fuzz.h"
#include "classify/classify.h"
#include "common/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct budget b = {0};
	struct err e;
	size_t i, n = 0;

	if (budget_parse("fuzz.budget", (const char *)data, size, &b, &e) == ESC_OK) {
		for (i = 0; i < b.n; i++)
			n += fuzz_touch(b.rules[i].text) + fuzz_touch(b.rules[i].pattern);
		(void)n;
	}
	budget_release(&b);
	return 0;
}
