/* The -json=0,DIR logopt parser. It reads files, so each input is written to one private
 * temporary .json file first. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "tests/fuzz/fuzz.h"
#include "gclog/gclog.h"
#include "common/err.h"

static int diag(void *ctx, const struct gc_diag *d)
{
	size_t *n = ctx, i;

	*n += fuzz_touch(d->package) + fuzz_touch(d->file) + fuzz_touch(d->subject) +
	      fuzz_touch(d->message);
	for (i = 0; i < d->nsteps; i++)
		*n += fuzz_touch(d->steps[i].text) + fuzz_touch(d->steps[i].file);
	return 0;
}

static char path[64];

static void cleanup(void)
{
	if (path[0])
		unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gc_stats st;
	struct err e;
	size_t n = 0;
	FILE *f;

	if (!path[0]) {
		const char *tmp = getenv("TMPDIR");
		int fd;

		snprintf(path, sizeof(path), "%s/escprof-fuzz-XXXXXX.json", tmp && *tmp ? tmp : "/tmp");
		if ((fd = mkstemps(path, 5)) < 0) {
			path[0] = 0;
			return 0;
		}
		close(fd);
		atexit(cleanup);
	}
	if (!(f = fopen(path, "wb")))
		return 0;
	if (size)
		fwrite(data, 1, size, f);
	fclose(f);
	gc_parse_json_dir(path, diag, &n, &st, &e);
	return 0;
}
