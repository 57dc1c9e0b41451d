/* digest.c — sha256 from libmd (the BSD <sha2.h> API); hash128 is two independent
 * 64-bit multiply-xorshift lanes, enough to make an accidental stack collision
 * practically impossible without paying for a cryptographic hash per stack. */
#include "digest.h"

#include <sys/types.h>
#include <sha2.h>

void digest_sha256_hex(const void *data, size_t len, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	uint8_t md[SHA256_DIGEST_LENGTH];
	SHA2_CTX ctx;
	int i;

	SHA256Init(&ctx);
	SHA256Update(&ctx, data, len);
	SHA256Final(md, &ctx);
	for (i = 0; i < SHA256_DIGEST_LENGTH; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
}

static uint64_t mix(uint64_t x, uint64_t k)
{
	x ^= x >> 32;
	x *= k;
	x ^= x >> 29;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 32;
	return x;
}

struct hash128 hash128_add(struct hash128 h, uint64_t word)
{
	h.lo = mix(h.lo ^ word, 0x9e3779b97f4a7c15ULL) + 0x632be59bd9b4e019ULL;
	h.hi = mix((h.hi + word) * 0xd6e8feb86659fd93ULL, 0xc2b2ae3d27d4eb4fULL) ^ h.lo;
	return h;
}
