/* gen_profile.c — writes a synthetic but realistic Go heap profile: gzip pprof, the four
 * Go heap sample types, the `bytes` label, stacks 5 to 64 deep that share prefixes (a
 * program's call tree), locations with inlined lines. Samples are packed one by one with
 * protobuf-c and streamed through zlib, so N can reach millions.
 *   gen_profile N OUT.pb.gz [SEED] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "common/wrap.h"
#include "profile/profile.pb-c.h"

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

ESC_WRAPS static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* another seed's stream: the seed spread over the bits (a multiply that wraps) */
ESC_WRAPS static void reseed(uint64_t seed)
{
	rng ^= seed * 0x2545F4914F6CDD1DULL;
}

static gzFile out;

static void put_varint(uint64_t v)
{
	unsigned char b[10];
	int n = 0;

	do {
		b[n] = v & 0x7f;
		v >>= 7;
		if (v)
			b[n] |= 0x80;
		n++;
	} while (v);
	gzwrite(out, b, (unsigned)n);
}

static void put_field(unsigned field, const ProtobufCMessage *m)
{
	size_t len = protobuf_c_message_get_packed_size(m);
	uint8_t *buf = malloc(len + 1);

	protobuf_c_message_pack(m, buf);
	put_varint((uint64_t)field << 3 | 2);
	put_varint(len);
	gzwrite(out, buf, (unsigned)len);
	free(buf);
}

static void put_string(const char *s)
{
	put_varint(6 << 3 | 2);
	put_varint(strlen(s));
	gzwrite(out, s, (unsigned)strlen(s));
}

enum { NFUNC = 3000, NLOC = 8000, NPATH = 600, NLEAF = 8, MAXDEPTH = 64 };

int main(int argc, char **argv)
{
	static uint64_t paths[NPATH][MAXDEPTH], leaves[NPATH][NLEAF];
	static const int64_t sizes[] = {8, 16, 24, 32, 48, 64, 96, 128, 256, 512, 1024, 4096, 32768};
	size_t n, i, j;
	int nstr;

	if (argc < 3) {
		fprintf(stderr, "usage: gen_profile N OUT.pb.gz [SEED]\n");
		return 2;
	}
	n = strtoull(argv[1], NULL, 10);
	if (argc > 3)
		reseed(strtoull(argv[3], NULL, 10));
	out = gzopen(argv[2], "wb6");
	if (!out)
		return 3;
	/* strings: 0 "", 1..4 types, 5 count, 6 bytes, 7 space, then names and files */
	{
		Perftools__Profiles__ValueType vt;
		static const int64_t types[4][2] = {{1, 5}, {2, 6}, {3, 5}, {4, 6}};

		for (i = 0; i < 4; i++) {
			perftools__profiles__value_type__init(&vt);
			vt.type = types[i][0];
			vt.unit = types[i][1];
			put_field(1, &vt.base);
		}
	}
	/* call paths: each one a random walk; samples take a prefix, so prefixes are shared */
	for (i = 0; i < NPATH; i++) {
		/* paths branch off one another: the first half of a path is another path's */
		for (j = 0; j < MAXDEPTH; j++)
			paths[i][j] = j < 3 ? j + 1 : i && j < MAXDEPTH / 2 && next() % 4 ?
				      paths[next() % i][j] : 1 + next() % NLOC;
		for (j = 0; j < NLEAF; j++)
			leaves[i][j] = 1 + next() % NLOC;
	}
	for (i = 0; i < n; i++) {
		Perftools__Profiles__Sample s;
		Perftools__Profiles__Label l;
		Perftools__Profiles__Label *lp = &l;
		uint64_t locs[MAXDEPTH];
		int64_t vals[4];
		/* most stacks are 5 to 20 deep, one in twenty reaches up to 64 */
		size_t p = next() % NPATH, k, depth = next() % 20 ? 5 + next() % 8 + next() % 8 :
							       5 + next() % (MAXDEPTH - 4);
		int64_t sz = sizes[next() % (sizeof(sizes) / sizeof(sizes[0]))];
		int64_t cnt = 1 + (int64_t)(next() % 64);

		/* leaf first: the path read from its far end */
		for (k = 0; k < depth; k++)
			locs[k] = paths[p][depth - 1 - k];
		locs[0] = leaves[p][next() % NLEAF];	/* a few allocating lines under each stack */
		vals[0] = cnt;
		vals[1] = cnt * sz;
		vals[2] = (int64_t)(next() % (uint64_t)(cnt + 1));
		vals[3] = vals[2] * sz;
		perftools__profiles__sample__init(&s);
		perftools__profiles__label__init(&l);
		l.key = 6;	/* "bytes" */
		l.num = sz;
		s.n_location_id = depth;
		s.location_id = locs;
		s.n_value = 4;
		s.value = vals;
		s.n_label = 1;
		s.label = &lp;
		put_field(2, &s.base);
	}
	{
		Perftools__Profiles__Mapping m;

		perftools__profiles__mapping__init(&m);
		m.id = 1;
		m.memory_start = 0x400000;
		m.memory_limit = 0x1000000;
		m.filename = 8;
		m.has_functions = m.has_filenames = m.has_line_numbers = m.has_inline_frames = 1;
		put_field(3, &m.base);
	}
	for (i = 1; i <= NLOC; i++) {
		Perftools__Profiles__Location l;
		Perftools__Profiles__Line lines[3], *lp[3];
		size_t nl = next() % 8 == 0 ? 2 + next() % 2 : 1;

		perftools__profiles__location__init(&l);
		l.id = i;
		l.mapping_id = 1;
		l.address = 0x400000 + i * 16;
		for (j = 0; j < nl; j++) {
			perftools__profiles__line__init(&lines[j]);
			lines[j].function_id = 1 + (i * 7 + j * 13) % NFUNC;
			lines[j].line = 10 + (int64_t)(next() % 900);
			lp[j] = &lines[j];
		}
		l.n_line = nl;
		l.line = lp;
		put_field(4, &l.base);
	}
	nstr = 9;
	for (i = 1; i <= NFUNC; i++) {
		Perftools__Profiles__Function f;

		perftools__profiles__function__init(&f);
		f.id = i;
		f.name = nstr + (int)(2 * (i - 1));
		f.system_name = f.name;
		f.filename = nstr + (int)(2 * (i - 1)) + 1;
		put_field(5, &f.base);
	}
	put_string("");
	put_string("alloc_objects");
	put_string("alloc_space");
	put_string("inuse_objects");
	put_string("inuse_space");
	put_string("count");
	put_string("bytes");
	put_string("space");
	put_string("/usr/local/bin/server");
	for (i = 1; i <= NFUNC; i++) {
		char name[128], file[128];

		snprintf(name, sizeof(name), "example.com/app/pkg%zu.(*T%zu).Method%zu", i % 97, i % 13, i);
		snprintf(file, sizeof(file), "/src/app/pkg%zu/file%zu.go", i % 97, i % 11);
		put_string(name);
		put_string(file);
	}
	{
		Perftools__Profiles__ValueType pt;

		perftools__profiles__value_type__init(&pt);
		pt.type = 7;
		pt.unit = 6;
		put_field(11, &pt.base);
	}
	put_varint(9 << 3);
	put_varint(1700000000000000000ULL);
	put_varint(12 << 3);
	put_varint(524288);
	put_varint(14 << 3);
	put_varint(2);	/* default_sample_type alloc_space */
	return gzclose(out) == Z_OK ? 0 : 3;
}
