/* digest.c — sha256 from libmd (the BSD <sha2.h> API); hash128 is two independent
 * 64-bit multiply-xorshift lanes, enough to make an accidental stack collision
 * practically impossible without paying for a cryptographic hash per stack. Each step is
 * invertible, so collisions can be built on purpose: users of hash128 must compare the
 * content on a match (the store does), never take equal hashes for equal input. */
#include "digest.h"
#include "wrap.h"

#include <sys/types.h>
#include <sha2.h>

_Static_assert(sizeof(SHA2_CTX) <= sizeof(((struct digest_sha256 *)0)->ctx),
	       "struct digest_sha256 is too small for SHA2_CTX");

void digest_sha256_init(struct digest_sha256 *d)
{
	SHA256Init((SHA2_CTX *)(void *)d->ctx);
}

void digest_sha256_update(struct digest_sha256 *d, const void *data, size_t len)
{
	SHA256Update((SHA2_CTX *)(void *)d->ctx, data, len);
}

void digest_sha256_final(struct digest_sha256 *d, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	uint8_t md[SHA256_DIGEST_LENGTH];
	int i;

	SHA256Final(md, (SHA2_CTX *)(void *)d->ctx);
	for (i = 0; i < SHA256_DIGEST_LENGTH; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
}

void digest_sha256_hex(const void *data, size_t len, char out[65])
{
	struct digest_sha256 d;

	digest_sha256_init(&d);
	digest_sha256_update(&d, data, len);
	digest_sha256_final(&d, out);
}

