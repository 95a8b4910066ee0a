/* hash.h - fast non-cryptographic hashing for hash tables: flows and other
 * arrays of 64-bit words, byte strings and small integers.
 *
 * Not collision-resistant against an attacker who knows the basis; callers
 * that hash untrusted keys (the megaflow cache, the classifier) should pick a
 * random basis at start-up.  Pure functions, safe from any thread.  The
 * values are stable within one build only (do not store them). */
#ifndef PB_HASH_H
#define PB_HASH_H

#include <stddef.h>
#include <stdint.h>

/* Hash of the 'n' words at 'p', with 'basis'.  Word order matters. */
uint32_t hash_words64(const uint64_t *p, size_t n, uint32_t basis);
/* Same as hash_words64() over the words p[i] & mask[i]: equal masked inputs
 * hash equal, without building the masked copy. */
uint32_t hash_words64_masked(const uint64_t *p, const uint64_t *mask, size_t n, uint32_t basis);
/* Hash of 'n' bytes at 'p' (any alignment). */
uint32_t hash_bytes(const void *p, size_t n, uint32_t basis);

/* Incremental hashing of a few values (murmur3-style): start with
 * h = basis, add values with hash_add32/hash_add64, then hash_finish(h,
 * total_bytes_added).  Order matters. */
static inline uint32_t hash_rotl32(uint32_t x, int r)
{
	return (x << r) | (x >> (32 - r));
}

static inline uint32_t hash_add32(uint32_t h, uint32_t data)
{
	data *= 0xcc9e2d51u;
	data = hash_rotl32(data, 15);
	data *= 0x1b873593u;
	h ^= data;
	h = hash_rotl32(h, 13);
	return h * 5 + 0xe6546b64u;
}

static inline uint32_t hash_add64(uint32_t h, uint64_t data)
{
	return hash_add32(hash_add32(h, (uint32_t)data), (uint32_t)(data >> 32));
}

static inline uint32_t hash_finish(uint32_t h, uint32_t n_bytes)
{
	h ^= n_bytes;
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	return h ^ (h >> 16);
}

/* Hashes of one integer (good avalanche: usable directly as a bucket index). */
static inline uint32_t hash_int(uint32_t x, uint32_t basis)
{
	return hash_finish(hash_add32(basis, x), 4);
}

static inline uint32_t hash_u64(uint64_t x, uint32_t basis)
{
	return hash_finish(hash_add64(basis, x), 8);
}

#endif
