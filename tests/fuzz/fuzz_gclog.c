/* The -m / -m=2 text log parser, fed in two pieces split at a point the input chooses,
 * so that lines (and UTF-16 code units) broken across reads are exercised. */
#include "tests/fuzz/fuzz.h"
#include "gclog/gclog.h"
#include "common/err.h"

static int diag(void *ctx, const struct gc_diag *d)
{
	size_t *n = ctx, i;

	*n += fuzz_touch(d->package) + fuzz_touch(d->file) + fuzz_touch(d->subject) +
	      fuzz_touch(d->func) + fuzz_touch(d->message);
	for (i = 0; i < d->nsteps; i++)
		*n += fuzz_touch(d->steps[i].text) + fuzz_touch(d->steps[i].dst) +
		      fuzz_touch(d->steps[i].src) + fuzz_touch(d->steps[i].why) +
		      fuzz_touch(d->steps[i].expr) + fuzz_touch(d->steps[i].file);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gc_log *p = gc_log_new("fuzz.log");
	struct gc_stats st;
	struct err e;
	size_t n = 0, cut = size ? data[0] % (size + 1) : 0;

	if (!p)
		return 0;
	gc_log_set_max_line(p, 4096);
	if (gc_log_feed(p, (const char *)data, cut, diag, &n, &e) == 0 &&
	    gc_log_feed(p, (const char *)data + cut, size - cut, diag, &n, &e) == 0)
		gc_log_finish(p, diag, &n, &st, &e);
	gc_log_free(p);
	return 0;
}
