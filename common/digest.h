/* digest.h — content digests: sha256 for "have we stored these bytes", and a fast 128-bit
 * hash for deduplicating stacks by content. */
#ifndef ESC_DIGEST_H
#define ESC_DIGEST_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/wrap.h"

/* Hex sha256 of len bytes, NUL-terminated, into out. */
void digest_sha256_hex(const void *data, size_t len, char out[65]);

/* Incremental sha256; the context is opaque storage for libmd's SHA2_CTX. */
struct digest_sha256 {
	_Alignas(16) unsigned char ctx[256];
};
void digest_sha256_init(struct digest_sha256 *d);
void digest_sha256_update(struct digest_sha256 *d, const void *data, size_t len);
void digest_sha256_final(struct digest_sha256 *d, char out[65]);

struct hash128 {
	uint64_t lo, hi;
};

/* A 64-bit hash of n bytes, a word at a time (the tail zero-padded, the length mixed in
 * last, then an avalanche): for tables and in-process identity, not a defence against
 * chosen input. */
ESC_WRAPS static inline uint64_t hash64_bytes(const void *key, size_t n)
{
	const unsigned char *p = key;
	uint64_t h = 0x9e3779b97f4a7c15ULL, w;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	if (i < n) {
		w = 0;
		memcpy(&w, p + i, n - i);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	h ^= (uint64_t)n;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

ESC_WRAPS static inline uint64_t hash128_mix(uint64_t x, uint64_t k)
{
	x ^= x >> 32;
	x *= k;
	x ^= x >> 29;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 32;
	return x;
}

/* Feeds one 64-bit word into h (start from HASH128_INIT); order matters. Not collision
 * resistant against chosen input: a match proposes equality, it does not prove it. The
 * stored stack keys are made of it: it never changes. Inline: a load calls it for every
 * location of every sample. */
ESC_WRAPS static inline struct hash128 hash128_add(struct hash128 h, uint64_t word)
{
	h.lo = hash128_mix(h.lo ^ word, 0x9e3779b97f4a7c15ULL) + 0x632be59bd9b4e019ULL;
	h.hi = hash128_mix((h.hi + word) * 0xd6e8feb86659fd93ULL, 0xc2b2ae3d27d4eb4fULL) ^ h.lo;
	return h;
}
#define HASH128_INIT ((struct hash128){0x243f6a8885a308d3ULL, 0x13198a2e03707344ULL})

#endif
