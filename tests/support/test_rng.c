/*
 * test_rng.c - xorshift64* for randomized tests (see test_rng.h).
 */
#include "test_rng.h"

void
xg_test_rng_seed(xg_test_rng *r, uint64_t seed)
{
    r->state = seed != 0 ? seed : 1;
}

uint64_t
xg_test_rng_next(xg_test_rng *r)
{
    r->state ^= r->state >> 12;
    r->state ^= r->state << 25;
    r->state ^= r->state >> 27;
    return r->state * UINT64_C(2685821657736338717);
}

int
xg_test_rng_below(xg_test_rng *r, int n)
{
    return (int)(xg_test_rng_next(r) % (uint64_t)n);
}
