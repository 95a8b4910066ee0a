/* test-rand.h - the deterministic pseudo-random numbers the randomized unit
 * tests share (xorshift64*): each test sets 'rng_state' to its own seed, so
 * a failure replays exactly.  Header-only; include it from one file of a
 * test program. */
#ifndef PB_TEST_RAND_H
#define PB_TEST_RAND_H

#include <stdint.h>

static uint64_t rng_state;

static inline uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

/* A number in [0, n). */
static inline uint32_t rnd_n(uint32_t n)
{
	return (uint32_t)(rnd() % n);
}

#endif
