/* The profile decoder on any bytes: gzip, zlib, raw protobuf or legacy text. The samples of
 * a pprof profile are also read twice more, by protobuf-c alone and the usual way (the
 * hand-read path for the common shape, protobuf-c for the rest): the two must agree on
 * every sample and on the error, or the input is a finding. */
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "profile/profile_int.h"
#include "tests/fuzz/walk.h"

static int record(void *ctx, const struct profile_sample *s)
{
	struct buf *b = ctx;
	size_t i;

	buf_printf(b, "#%zu", s->index);
	for (i = 0; i < s->nlocations; i++)
		buf_printf(b, " %p", (const void *)s->locations[i]);
	for (i = 0; i < s->nvalues; i++)
		buf_printf(b, " %lld", (long long)s->values[i]);
	for (i = 0; i < s->nlabels; i++)
		buf_printf(b, " %p=%p|%lld %p", (const void *)s->labels[i].key,
			   (const void *)s->labels[i].str, (long long)s->labels[i].num,
			   (const void *)s->labels[i].num_unit);
	return buf_addc(b, '\n');
}

static void record_by(const struct profile *p, enum sample_reader by, struct buf *out)
{
	struct err e = {0};
	int rc = profile_foreach_pprof_by(p, by, record, out, &e);

	buf_printf(out, "rc=%d %s", rc, rc ? e.msg : "");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* small caps keep a zip bomb from exhausting the fuzzer's memory limit */
	const struct profile_limits lim = { .max_size = 16u << 20, .max_depth = 256, .max_string = 4096 };
	struct profile *p = NULL;
	struct err e;

	if (profile_open(&p, "fuzz", data, size, &lim, &e) == ESC_OK) {
		fuzz_walk(p);
		if (p->format != PROFILE_LEGACY_HEAP) {
			struct buf either, pb;

			buf_init(&either);
			buf_init(&pb);
			record_by(p, SAMPLES_EITHER, &either);
			record_by(p, SAMPLES_PROTOBUF_C, &pb);
			/* an out-of-memory on one side only is no disagreement */
			if ((either.len != pb.len || memcmp(either.data, pb.data, pb.len)) &&
			    !strstr(either.data, "out of memory") && !strstr(pb.data, "out of memory"))
				abort();
			buf_release(&either);
			buf_release(&pb);
		}
		profile_free(p);
	}
	return 0;
}
