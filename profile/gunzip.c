/* gunzip.c — the only file that talks to zlib: gzip (any number of members) and zlib
 * streams are inflated into a buffer that never grows past the configured cap (its
 * capacity included, not only what is written), so a gzip bomb is an error and not an
 * out-of-memory kill, and memory stays near the cap. */
#include <stdint.h>
#include <zlib.h>

#include "profile_int.h"

static int is_zlib_header(const unsigned char *in, size_t len)
{
	return len >= 2 && (in[0] & 0x0f) == 8 && (in[0] >> 4) <= 7 &&
	       ((in[0] << 8) | in[1]) % 31 == 0;
}

enum esc_status profile_inflate(const char *name, const unsigned char *in, size_t len,
				uint64_t max, struct buf *out, enum profile_format *fmt,
				int *compressed, struct err *e)
{
	const char *what;
	z_stream zs = {0};
	int gzip, zr;
	enum esc_status st = ESC_OK;

	*compressed = 0;
	if (len >= 2 && in[0] == 0x1f && in[1] == 0x8b) {
		gzip = 1;
		what = "gzip";
	} else if (is_zlib_header(in, len)) {
		gzip = 0;
		what = "zlib";
	} else {
		return ESC_OK;
	}
	*compressed = 1;
	*fmt = gzip ? PROFILE_PPROF_GZIP : PROFILE_PPROF_ZLIB;
	if (max > SIZE_MAX - 2)
		max = SIZE_MAX - 2;	/* the capacity, max + 2 at most, must not wrap */
	if (inflateInit2(&zs, gzip ? 16 + MAX_WBITS : MAX_WBITS) != Z_OK)
		return err_set(e, ESC_ENOMEM, "'%s': out of memory (starting the %s decoder)", name,
			       what);
	zs.next_in = (unsigned char *)in;
	zs.avail_in = len > UINT32_MAX ? UINT32_MAX : (uInt)len;
	/* a gzip member ends with its size mod 2^32: reserve that much (within the cap) so
	 * the output is not copied again and again as it grows */
	if (gzip && len >= 18) {
		uint64_t isize = (uint64_t)in[len - 4] | (uint64_t)in[len - 3] << 8 |
				 (uint64_t)in[len - 2] << 16 | (uint64_t)in[len - 1] << 24;

		if (isize && isize < max)	/* a hint only: failure is harmless */
			buf_grow_within(out, (size_t)isize + 1, (size_t)isize + 1);
	}
	for (;;) {
		size_t room, step;

		if (out->len >= max) {
			st = err_set(e, ESC_ELIMIT,
				     "'%s': decompressed size exceeds %llu bytes (raise it with --max-size)",
				     name, (unsigned long long)max);
			break;
		}
		step = max - out->len + 1 < (1 << 16) ? (size_t)(max - out->len + 1) : (1 << 16);
		if (buf_grow_within(out, step, (size_t)max + 1)) {
			st = err_set(e, ESC_ENOMEM, "'%s': out of memory while decompressing", name);
			break;
		}
		room = out->cap - out->len - 1;
		if (room > max - out->len)
			room = (size_t)(max - out->len) + 1;	/* one byte more tells us it overflowed */
		if (room > UINT32_MAX)
			room = UINT32_MAX;
		zs.next_out = (unsigned char *)out->data + out->len;
		zs.avail_out = (uInt)room;
		zr = inflate(&zs, Z_NO_FLUSH);
		out->len = (size_t)((unsigned char *)zs.next_out - (unsigned char *)out->data);
		out->data[out->len] = '\0';
		if (zs.avail_in == 0 && len - (size_t)((const unsigned char *)zs.next_in - in) > 0) {
			size_t left = len - (size_t)((const unsigned char *)zs.next_in - in);
			zs.avail_in = left > UINT32_MAX ? UINT32_MAX : (uInt)left;
		}
		if (zr == Z_STREAM_END) {
			size_t used = (size_t)((const unsigned char *)zs.next_in - in);

			/* concatenated gzip members form one stream; trailing zero padding is ignored */
			while (used < len && in[used] == 0)
				used++;
			if (!gzip || used >= len)
				break;
			if (len - used < 2 || in[used] != 0x1f || in[used + 1] != 0x8b) {
				st = err_set(e, ESC_EINPUT, "'%s': garbage after gzip data at byte %zu",
					     name, used);
				break;
			}
			inflateReset(&zs);
			zs.next_in = (unsigned char *)in + used;
			zs.avail_in = (len - used) > UINT32_MAX ? UINT32_MAX : (uInt)(len - used);
			continue;
		}
		if (zr == Z_OK)
			continue;
		if (zr == Z_BUF_ERROR && zs.avail_in == 0) {
			st = err_set(e, ESC_EINPUT, "'%s': truncated %s stream at byte %zu", name, what,
				     len);
			break;
		}
		if (zr == Z_MEM_ERROR) {
			st = err_set(e, ESC_ENOMEM, "'%s': out of memory while decompressing", name);
			break;
		}
		st = err_set(e, ESC_EINPUT, "'%s': corrupt %s data at byte %zu%s%s", name, what,
			     (size_t)((const unsigned char *)zs.next_in - in), zs.msg ? ": " : "",
			     zs.msg ? zs.msg : "");
		break;
	}
	inflateEnd(&zs);
	return st;
}
