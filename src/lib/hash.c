/* hash.c - word hashing (see hash.h).  Pairs of words are mixed by one
 * 64x64->128-bit multiply each (independent multiplies pipeline well, so a
 * 22-word flow hashes in ~20 cycles), then the sum is avalanched. */
#include "lib/hash.h"

#include <string.h>

/* Per-position keys (random constants) so that moving a value to another
 * word changes the hash.  Positions beyond the table wrap around with a
 * rotation of the key. */
#define HASH_N_KEYS 32
static const uint64_t hash_keys[HASH_N_KEYS] = {
        0xbe4ba423396cfeb8ull, 0x1cad21f72c81017cull, 0xdb979083e96dd4deull, 0x1f67b3b7a4a44072ull,
        0x78e5c0cc4ee679cbull, 0x2172ffcc7dd05a82ull, 0x8e2443f7744608b8ull, 0x4c263a81e69035e0ull,
        0xcb00c391bb52283cull, 0xa32e531b8b65d088ull, 0x4ef90da297486471ull, 0xd8acdea946ef1938ull,
        0x3f349ce33f76faa8ull, 0x1d4f0bc7c7bbdcf9ull, 0x3159b4cd4be0518aull, 0x647378d9c97e9fc8ull,
        0xf2a74de452e6b438ull, 0x6513270e269e0d37ull, 0x0c5c7fd0a6a3a450ull, 0xd23f0824128b2f33ull,
        0x1818e811892f902bull, 0x9531985d5d9dc9f8ull, 0xe8e25d940ed90475ull, 0x36f675cc81e74ef5ull,
        0x1600a35a099950d8ull, 0x6b0d549b6f03675aull, 0x3d9c172411e20b8full, 0x8d116ece1738f7d9ull,
        0x0f21ddb66cad4a26ull, 0x90c192cfd3ac94afull, 0xf28c105d1fb17c23ull, 0xa170b33839263059ull,
};

static inline uint64_t hash_key(size_t i, uint64_t basis)
{
	uint64_t k;

	if (i < HASH_N_KEYS)
		return hash_keys[i] + basis;
	k = hash_keys[i % HASH_N_KEYS];
	k = (k << (i / HASH_N_KEYS % 63 + 1)) | (k >> (63 - i / HASH_N_KEYS % 63));
	return k + basis;
}

static inline uint64_t hash_mul_fold(uint64_t a, uint64_t b)
{
	unsigned __int128 p = (unsigned __int128)a * b;

	return (uint64_t)p ^ (uint64_t)(p >> 64);
}

static inline uint32_t hash_avalanche(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return (uint32_t)(h >> 32) ^ (uint32_t)h;
}

uint32_t hash_words64(const uint64_t *p, size_t n, uint32_t basis)
{
	uint64_t b = basis * 0x9e3779b97f4a7c15ull;
	uint64_t acc = n * 0x165667b19e3779f9ull ^ b;
	size_t i;

	for (i = 0; i + 2 <= n; i += 2)
		acc += hash_mul_fold(p[i] ^ hash_key(i, b), p[i + 1] ^ hash_key(i + 1, b));
	if (i < n)
		acc += hash_mul_fold(p[i] ^ hash_key(i, b), hash_key(i + 1, b));
	return hash_avalanche(acc);
}

uint32_t hash_words64_masked(const uint64_t *p, const uint64_t *mask, size_t n, uint32_t basis)
{
	uint64_t b = basis * 0x9e3779b97f4a7c15ull;
	uint64_t acc = n * 0x165667b19e3779f9ull ^ b;
	size_t i;

	for (i = 0; i + 2 <= n; i += 2)
		acc += hash_mul_fold((p[i] & mask[i]) ^ hash_key(i, b),
		                     (p[i + 1] & mask[i + 1]) ^ hash_key(i + 1, b));
	if (i < n)
		acc += hash_mul_fold((p[i] & mask[i]) ^ hash_key(i, b), hash_key(i + 1, b));
	return hash_avalanche(acc);
}

uint32_t hash_bytes(const void *p, size_t n, uint32_t basis)
{
	const uint8_t *s = p;
	uint64_t b = basis * 0x9e3779b97f4a7c15ull;
	uint64_t acc = n * 0x165667b19e3779f9ull ^ b;
	size_t i = 0, w = 0;

	for (; n - i >= 16; i += 16, w += 2) {
		uint64_t x, y;

		memcpy(&x, s + i, 8);
		memcpy(&y, s + i + 8, 8);
		acc += hash_mul_fold(x ^ hash_key(w, b), y ^ hash_key(w + 1, b));
	}
	if (i < n) {
		uint64_t tail[2] = {0, 0};

		memcpy(tail, s + i, n - i);
		acc += hash_mul_fold(tail[0] ^ hash_key(w, b), tail[1] ^ hash_key(w + 1, b));
	}
	return hash_avalanche(acc);
}
