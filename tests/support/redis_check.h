/*
 * redis_check.h - what the Redis tests ask a server directly (hiredis's
 * synchronous API): load the shared-limit script, read the clock, a hash
 * field, an integer reply or element. Failures are cmocka assertions.
 */
#ifndef XGATE_REDIS_CHECK_H
#define XGATE_REDIS_CHECK_H

#include <stddef.h>

#include <hiredis/hiredis.h>

/* SCRIPT LOAD core/share.lua (the embedded text) on c; its SHA-1 into
 * sha (41 bytes). 0, or -1 with the reason on stderr. */
int xg_redis_load_share_script(redisContext *c, char sha[41]);

/* r's integer, asserting it is one; frees r. */
long long xg_redis_reply_int(redisReply *r);

/* Redis's clock (TIME) in ms. */
long long xg_redis_now_ms(redisContext *c);

/* A bulk reply holding a number, or nil (-1); frees r. */
long long xg_redis_number_or_nil(redisReply *r);

/* An integer hash field, -1 if absent. */
long long xg_redis_hget(redisContext *c, const char *key, const char *field);

/* Element i of an array reply, asserting it is an integer. */
long long xg_redis_int_at(const redisReply *r, size_t i);

#endif
