/*
 * redis_check.c - a test's direct questions to a Redis server (see
 * redis_check.h).
 */
#include "redis_check.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "share_script.h"

int
xg_redis_load_share_script(redisContext *c, char sha[41])
{
    const char *argv[] = {"SCRIPT", "LOAD", xg__share_lua};
    const size_t lens[] = {6, 4, xg__share_lua_len};
    redisReply *r = redisCommandArgv(c, 3, argv, lens);
    int ok = r != NULL && r->type == REDIS_REPLY_STRING && r->len == 40;

    if (ok) {
        memcpy(sha, r->str, 41);
    } else {
        fprintf(stderr, "SCRIPT LOAD: %s\n",
                r != NULL && r->str != NULL ? r->str : c->errstr);
    }
    freeReplyObject(r);
    return ok ? 0 : -1;
}

long long
xg_redis_reply_int(redisReply *r)
{
    long long v = 0;

    assert_non_null(r);
    assert_int_equal(r->type, REDIS_REPLY_INTEGER);
    v = r->integer;
    freeReplyObject(r);
    return v;
}

long long
xg_redis_now_ms(redisContext *c)
{
    redisReply *r = redisCommand(c, "TIME");
    long long ms = 0;

    assert_non_null(r);
    assert_int_equal(r->type, REDIS_REPLY_ARRAY);
    assert_int_equal(r->elements, 2);
    ms = strtoll(r->element[0]->str, NULL, 10) * 1000 +
         strtoll(r->element[1]->str, NULL, 10) / 1000;
    freeReplyObject(r);
    return ms;
}

long long
xg_redis_number_or_nil(redisReply *r)
{
    long long v = -1;

    assert_non_null(r);
    if (r->type == REDIS_REPLY_STRING) {
        v = strtoll(r->str, NULL, 10);
    } else {
        assert_int_equal(r->type, REDIS_REPLY_NIL);
    }
    freeReplyObject(r);
    return v;
}

long long
xg_redis_hget(redisContext *c, const char *key, const char *field)
{
    return xg_redis_number_or_nil(redisCommand(c, "HGET %s %s", key, field));
}

long long
xg_redis_int_at(const redisReply *r, size_t i)
{
    assert_true(i < r->elements);
    assert_int_equal(r->element[i]->type, REDIS_REPLY_INTEGER);
    return r->element[i]->integer;
}
