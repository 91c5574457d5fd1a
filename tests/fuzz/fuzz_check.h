/*
 * fuzz_check.h - the property checks the fuzz targets share: a violated
 * property aborts, which libFuzzer (or fuzz_replay.c) reports as a crash.
 */
#ifndef XGATE_FUZZ_CHECK_H
#define XGATE_FUZZ_CHECK_H

#include <stdlib.h>
#include <string.h>

static inline void
check(int cond)
{
    if (!cond) {
        abort();
    }
}

/* s holds a NUL within its cap bytes. */
static inline void
check_terminated(const char *s, size_t cap)
{
    check(memchr(s, '\0', cap) != NULL);
}

#endif
