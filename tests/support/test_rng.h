/*
 * test_rng.h - the pseudo-random sequence randomized tests draw from
 * (xorshift64*): small, and the same sequence from a seed on every
 * platform, so a failing run replays from its printed seed.
 */
#ifndef XGATE_TEST_RNG_H
#define XGATE_TEST_RNG_H

#include <stdint.h>

typedef struct xg_test_rng {
    uint64_t state; /* never 0 */
} xg_test_rng;

/* Start the sequence of seed (0 counts as 1). */
void xg_test_rng_seed(xg_test_rng *r, uint64_t seed);

uint64_t xg_test_rng_next(xg_test_rng *r);

/* Uniform enough in [0, n) for tests; n > 0. */
int xg_test_rng_below(xg_test_rng *r, int n);

#endif
