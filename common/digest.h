/* digest.h — content digests: sha256 for "have we stored these bytes", and a fast 128-bit
 * hash for deduplicating stacks by content. */
#ifndef ESC_DIGEST_H
#define ESC_DIGEST_H

#include <stddef.h>
#include <stdint.h>

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

/* Feeds one 64-bit word into h (start from HASH128_INIT); order matters. Not collision
 * resistant against chosen input: a match proposes equality, it does not prove it. */
struct hash128 hash128_add(struct hash128 h, uint64_t word);
#define HASH128_INIT ((struct hash128){0x243f6a8885a308d3ULL, 0x13198a2e03707344ULL})

#endif
