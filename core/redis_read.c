/*
 * redis_read.c - how far the gateway trusts what Redis sends it (part of
 * redis.c's module).
 *
 * hiredis's reader allocates an array's elements as soon as it has read
 * the array's declared length, before any element arrives: a reply that
 * says "*500000000" costs 4 GB of address space for nothing (found by
 * tests/fuzz/fuzz_share.c). No answer the gateway asks for has more than
 * a dozen elements, so a reader guarded here refuses any array longer
 * than REPLY_ELEMENTS_MAX: the reader fails as if out of memory, hiredis
 * drops the connection, and the shared limits fall back as for any
 * broken connection.
 */
#include "redis.h"

#include <stddef.h>

#include <hiredis/read.h>

#define REPLY_ELEMENTS_MAX 64

/* hiredis's own reply functions with createArray wrapped. Filled once,
 * from the first reader guarded (hiredis keeps its defaults private),
 * and only ever read after that: the loop's thread is the only user. */
static redisReplyObjectFunctions guarded;
static void *(*create_array)(const redisReadTask *, int);

static void *
create_small_array(const redisReadTask *task, int elements)
{
    if (elements > REPLY_ELEMENTS_MAX) {
        return NULL;
    }
    return create_array(task, elements);
}

void
xg__redis_guard_reader(struct redisReader *rd)
{
    if (create_array == NULL) {
        guarded = *rd->fn;
        create_array = guarded.createArray;
        guarded.createArray = create_small_array;
    }
    rd->fn = &guarded;
}
