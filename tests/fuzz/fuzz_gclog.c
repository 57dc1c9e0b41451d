/* The -m / -m=2 text log parser, fed in two pieces split at a point the input chooses,
 * so that lines (and UTF-16 code units) broken across reads are exercised; an input that
 * sniffs as `go build -json` goes through its decoder into the same parser. */
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

static int feed(struct gc_log *p, struct gc_build_json *j, const uint8_t *d, size_t n, size_t *ctx,
		struct err *e)
{
	return j ? gc_build_json_feed(j, (const char *)d, n, diag, ctx, e) :
		   gc_log_feed(p, (const char *)d, n, diag, ctx, e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gc_log *p = gc_log_new("fuzz.log");
	struct gc_build_json *j = NULL;
	struct gc_stats st;
	struct err e;
	size_t n = 0, cut = size ? data[0] % (size + 1) : 0;

	if (!p)
		return 0;
	gc_log_set_max_line(p, 4096);
	if (gc_build_json_sniff((const char *)data, size < 4096 ? size : 4096) &&
	    !(j = gc_build_json_new(p, "fuzz.json"))) {
		gc_log_free(p);
		return 0;
	}
	if (feed(p, j, data, cut, &n, &e) == 0 && feed(p, j, data + cut, size - cut, &n, &e) == 0) {
		if (j)
			gc_build_json_finish(j, diag, &n, &st, &e);
		else
			gc_log_finish(p, diag, &n, &st, &e);
	}
	gc_build_json_free(j);
	gc_log_free(p);
	return 0;
}
