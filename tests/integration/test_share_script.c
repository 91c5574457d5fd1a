/*
 * test_share_script.c - the shared-limit admission script (core/share.lua)
 * against a real redis-server.
 *
 * One Redis runs for the whole file; each test starts from an empty
 * database. The script is the one compiled into the core (xg__share_lua),
 * loaded with SCRIPT LOAD and called with EVALSHA as the gateway calls it.
 * Numbers are asserted exactly: every time the script answers is derived
 * from the `now` it returns (Redis's clock) and the offset the test passed,
 * so the tests do not depend on how fast they run. Fixed windows are
 * aligned on the venue's axis (Redis time + offset_ms), so a test "moves"
 * to any point of a window by choosing the offset instead of sleeping;
 * only sliding-window expiry and token refill, which run on Redis's clock,
 * sleep (a few hundred ms at most).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include <cmocka.h>
#include <hiredis/hiredis.h>

#include "redis_check.h"
#include "redis_launch.h"
#include "share_script.h"

#define META     "{xgt}:meta"
#define GATEWAY  "gw-a"
#define CHANNEL  "xg:bans"
#define MAX_ARGS 80
#define MAX_BKTS 4
#define SLACK_MS 1000 /* share.lua's SLACK_MS */

/* The server and connection shared by all tests (group setup). */
static xg_redis_proc redis;
static redisContext *rc;
static char sha[41];

typedef struct bucket {
    const char *key;
    long long kind; /* 1 fixed, 2 sliding, 3 token */
    long long anchor;
    long long limit;
    long long window_ms;
    long long guard_ms;
} bucket;

/* One descriptor of a call: a bucket with the op's amount and extra. */
typedef struct charge {
    const bucket *b;
    long long amount;
    long long extra;
} charge;

/* A take's answer, by its code. */
typedef struct take_out {
    long long code;        /* 0 taken, 1 wait, 2 banned, 3 never fits */
    long long n;           /* 0: requests admitted (1 + lease multiplier) */
    long long at;          /* 1: earliest Redis ms; 2: ban_until */
    long long now;         /* Redis ms of the call */
    long long valid_until; /* 0: Redis ms */
    char lease[64];        /* 0 */
    char reason[64];       /* 2 */
    char gateway[64];      /* 2 */
    long long win[MAX_BKTS];
} take_out;

/* Buckets the tests use; each test starts from an empty database. */
static const bucket fixed5 = {"{xgt}:a", 1, 0, 5, 1000, 100};
static const bucket fixed100 = {"{xgt}:a", 1, 0, 100, 1000, 100};
static const bucket first_use3 = {"{xgt}:a", 1, 1, 3, 1000, 100};
static const bucket sliding10 = {"{xgt}:s", 2, 0, 10, 1000, 100};
static const bucket token10 = {"{xgt}:t", 3, 0, 10, 60000, 0};

/* --- talking to Redis ------------------------------------------------ */

static redisContext *
connect_redis(void)
{
    struct timeval tv = {.tv_sec = 5, .tv_usec = 0};
    redisContext *c = redisConnectWithTimeout("127.0.0.1", redis.port, tv);

    if (c == NULL || c->err != 0 || redisSetTimeout(c, tv) != REDIS_OK) {
        redisFree(c);
        return NULL;
    }
    return c;
}

static long long
redis_now_ms(void)
{
    return xg_redis_now_ms(rc);
}

/* An integer hash field, -1 if absent. */
static long long
hget(const char *key, const char *field)
{
    return xg_redis_hget(rc, key, field);
}

static long long
pttl(const char *key)
{
    return xg_redis_reply_int(redisCommand(rc, "PTTL %s", key));
}

static long long
exists(const char *key)
{
    return xg_redis_reply_int(redisCommand(rc, "EXISTS %s", key));
}

/* The score of member in key's sorted set, -1 if absent. */
static long long
zscore(const char *key, const char *member)
{
    return xg_redis_number_or_nil(
        redisCommand(rc, "ZSCORE %s %s", key, member));
}

/* Copies key's members (ascending by score, at most cap) into out as
 * "member@score" strings; returns how many there are. */
static size_t
zmembers(const char *key, char out[][64], size_t cap)
{
    redisReply *r = redisCommand(rc, "ZRANGE %s 0 -1 WITHSCORES", key);
    size_t n = 0;

    assert_non_null(r);
    assert_int_equal(r->type, REDIS_REPLY_ARRAY);
    n = r->elements / 2;
    assert_true(n <= cap);
    for (size_t i = 0; i < n; i++) {
        snprintf(out[i], 64, "%s@%s", r->element[2 * i]->str,
                 r->element[2 * i + 1]->str);
    }
    freeReplyObject(r);
    return n;
}

/* --- calling the script --------------------------------------------- */

typedef struct call {
    const char *argv[MAX_ARGS];
    char text[MAX_ARGS][32];
    int argc;
} call;

static void
arg_str(call *c, const char *s)
{
    assert_true(c->argc < MAX_ARGS);
    c->argv[c->argc++] = s;
}

static void
arg_int(call *c, long long v)
{
    assert_true(c->argc < MAX_ARGS);
    snprintf(c->text[c->argc], sizeof(c->text[0]), "%lld", v);
    c->argv[c->argc] = c->text[c->argc];
    c->argc++;
}

/* EVALSHA sha 1+n META key... (the op's head arguments follow). */
static void
call_begin(call *c, const charge *ch, size_t n)
{
    c->argc = 0;
    arg_str(c, "EVALSHA");
    arg_str(c, sha);
    arg_int(c, (long long)n + 1);
    arg_str(c, META);
    for (size_t i = 0; i < n; i++) {
        arg_str(c, ch[i].b->key);
    }
}

static void
call_descriptors(call *c, const charge *ch, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        arg_int(c, ch[i].b->kind);
        arg_int(c, ch[i].b->anchor);
        arg_int(c, ch[i].b->limit);
        arg_int(c, ch[i].b->window_ms);
        arg_int(c, ch[i].b->guard_ms);
        arg_int(c, ch[i].amount);
        arg_int(c, ch[i].extra);
    }
}

/* Runs the call; given: free with freeReplyObject. */
static redisReply *
call_run(call *c)
{
    redisReply *r = redisCommandArgv(rc, c->argc, c->argv, NULL);

    assert_non_null(r);
    if (r->type == REDIS_REPLY_ERROR) {
        fail_msg("script error: %s", r->str);
    }
    assert_int_equal(r->type, REDIS_REPLY_ARRAY);
    return r;
}

static void
str_at(const redisReply *r, size_t i, char *out, size_t cap)
{
    assert_true(i < r->elements);
    assert_int_equal(r->element[i]->type, REDIS_REPLY_STRING);
    assert_true(r->element[i]->len < cap);
    memcpy(out, r->element[i]->str, r->element[i]->len + 1);
}

static take_out
take(long long offset, long long max_extra, long long hold_ms, const charge *ch,
     size_t n)
{
    call c;
    take_out o;
    redisReply *r = NULL;

    memset(&o, 0, sizeof(o));
    assert_true(n <= MAX_BKTS);
    call_begin(&c, ch, n);
    arg_str(&c, "take");
    arg_str(&c, GATEWAY);
    arg_int(&c, offset);
    arg_int(&c, max_extra);
    arg_int(&c, hold_ms);
    call_descriptors(&c, ch, n);
    r = call_run(&c);
    o.code = xg_redis_int_at(r, 0);
    switch (o.code) {
    case 0:
        assert_int_equal(r->elements, 5 + n);
        o.n = xg_redis_int_at(r, 1);
        o.now = xg_redis_int_at(r, 2);
        o.valid_until = xg_redis_int_at(r, 3);
        str_at(r, 4, o.lease, sizeof(o.lease));
        for (size_t i = 0; i < n; i++) {
            o.win[i] = xg_redis_int_at(r, 5 + i);
        }
        break;
    case 1:
        assert_int_equal(r->elements, 3);
        o.at = xg_redis_int_at(r, 1);
        o.now = xg_redis_int_at(r, 2);
        break;
    case 2:
        assert_int_equal(r->elements, 5);
        o.at = xg_redis_int_at(r, 1);
        str_at(r, 2, o.reason, sizeof(o.reason));
        str_at(r, 3, o.gateway, sizeof(o.gateway));
        o.now = xg_redis_int_at(r, 4);
        break;
    case 3:
        assert_int_equal(r->elements, 2);
        o.now = xg_redis_int_at(r, 1);
        break;
    default:
        fail_msg("take answered code %lld", o.code);
    }
    freeReplyObject(r);
    return o;
}

/* One bucket, no lease. */
static take_out
take1(const bucket *b, long long cost, long long keep, long long offset)
{
    const charge ch[] = {{b, cost, keep}};

    return take(offset, 0, 0, ch, 1);
}

/* give, observe or seed (lease is only give's); returns the call's now. */
static long long
adjust(const char *op, long long offset, const char *lease, const charge *ch,
       size_t n)
{
    call c;
    redisReply *r = NULL;
    long long now = 0;

    call_begin(&c, ch, n);
    arg_str(&c, op);
    arg_int(&c, offset);
    if (lease != NULL) {
        arg_str(&c, lease);
    }
    call_descriptors(&c, ch, n);
    r = call_run(&c);
    assert_int_equal(r->elements, 2);
    assert_int_equal(xg_redis_int_at(r, 0), 0);
    now = xg_redis_int_at(r, 1);
    freeReplyObject(r);
    return now;
}

static long long
ban(const char *gateway, long long until_ms, const char *reason)
{
    call c;
    redisReply *r = NULL;
    long long code = 0;

    call_begin(&c, NULL, 0);
    arg_str(&c, "ban");
    arg_str(&c, gateway);
    arg_int(&c, until_ms);
    arg_str(&c, reason);
    arg_str(&c, CHANNEL);
    arg_str(&c, "binance");
    r = call_run(&c);
    assert_int_equal(r->elements, 2);
    code = xg_redis_int_at(r, 0);
    freeReplyObject(r);
    return code;
}

/* status: ban_until (0 if none), returning reason and gateway. */
static long long
status(char *reason, char *gateway)
{
    call c;
    redisReply *r = NULL;
    long long until = 0;

    call_begin(&c, NULL, 0);
    arg_str(&c, "status");
    r = call_run(&c);
    assert_int_equal(r->elements, 4);
    until = xg_redis_int_at(r, 0);
    str_at(r, 1, reason, 64);
    str_at(r, 2, gateway, 64);
    assert_true(xg_redis_int_at(r, 3) > 0);
    freeReplyObject(r);
    return until;
}

/* --- placing the venue's clock ---------------------------------------- */

/* The offset that puts the venue's clock at venue_ms when the next call
 * runs (or a few ms later: the latency of the calls in between). */
static long long
offset_for(long long venue_ms)
{
    return venue_ms - redis_now_ms();
}

/* The start of a window of window_ms a few windows ahead of Redis's
 * clock; tests place the venue's clock in it with offset_for. */
static long long
window_ahead(long long window_ms)
{
    return (redis_now_ms() / window_ms + 3) * window_ms;
}

/* The call that answered now ran with the venue's clock in [from, to):
 * where the test meant to place it. Only a machine stalled for the whole
 * margin (tens of ms or more) fails this. */
static void
assert_venue_in(long long now, long long offset, long long from, long long to)
{
    assert_in_range(now + offset, from, to - 1);
}

static void
sleep_until_redis(long long t_ms)
{
    struct timespec ts = {.tv_sec = 0, .tv_nsec = 5 * 1000000L};

    for (int i = 0; i < 1000 && redis_now_ms() < t_ms; i++) {
        nanosleep(&ts, NULL);
    }
    assert_true(redis_now_ms() >= t_ms);
}

/* --- fixtures --------------------------------------------------------- */

static int
group_setup(void **state)
{
    (void)state;
    if (xg_redis_start(&redis) != XG_OK) {
        fprintf(stderr, "could not start redis-server\n");
        return -1;
    }
    rc = connect_redis();
    if (rc == NULL) {
        return -1;
    }
    return xg_redis_load_share_script(rc, sha);
}

static int
group_teardown(void **state)
{
    (void)state;
    redisFree(rc);
    rc = NULL;
    xg_redis_stop(&redis);
    return 0;
}

static int
empty_database(void **state)
{
    redisReply *r = redisCommand(rc, "FLUSHALL");
    int ok = r != NULL && r->type == REDIS_REPLY_STATUS;

    (void)state;
    freeReplyObject(r);
    return ok ? 0 : -1;
}

/* --- the embedded text ------------------------------------------------ */

static void
test_embedded_script_is_share_lua(void **state)
{
    FILE *f = fopen(XG_SOURCE_DIR "/core/share.lua", "rb");
    char *text = NULL;
    long len = 0;

    (void)state;
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    len = ftell(f);
    assert_int_equal(fseek(f, 0, SEEK_SET), 0);
    text = malloc((size_t)len);
    assert_non_null(text);
    assert_int_equal(fread(text, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    assert_int_equal(xg__share_lua_len, (size_t)len);
    assert_memory_equal(xg__share_lua, text, (size_t)len);
    assert_int_equal(xg__share_lua[len], '\0');
    free(text);
}

/* --- fixed windows ---------------------------------------------------- */

static void
test_fixed_window_admits_up_to_limit_less_keep_then_waits(void **state)
{
    const long long ws = window_ahead(1000);
    const long long off = offset_for(ws + 300);
    take_out o;

    (void)state;
    for (int i = 0; i < 4; i++) {
        o = take1(&fixed5, 1, 1, off);
        assert_int_equal(o.code, 0);
        assert_int_equal(o.n, 1);
        assert_int_equal(o.win[0], ws);
        assert_venue_in(o.now, off, ws + 300, ws + 900);
    }
    assert_int_equal(hget(fixed5.key, "start"), ws);
    assert_int_equal(hget(fixed5.key, "used"), 4);
    /* The fifth unit is kept for cancels: the next window's start plus
     * guard, in Redis time. */
    o = take1(&fixed5, 1, 1, off);
    assert_int_equal(o.code, 1);
    assert_int_equal(o.at, ws + 1000 + 100 - off);
    /* A cancel (keep 0) may use it; then nothing fits. */
    o = take1(&fixed5, 1, 0, off);
    assert_int_equal(o.code, 0);
    o = take1(&fixed5, 1, 0, off);
    assert_int_equal(o.code, 1);
    assert_int_equal(o.at, ws + 1100 - off);
    /* Costing nothing is never refused and charges no window. */
    o = take1(&fixed5, 0, 0, off);
    assert_int_equal(o.code, 0);
    assert_int_equal(o.win[0], 0);
    assert_int_equal(hget(fixed5.key, "used"), 5);
}

static void
test_fixed_window_near_boundary_charges_both_windows(void **state)
{
    const long long ws = window_ahead(1000);
    long long off = offset_for(ws + 905);
    take_out o;

    (void)state;
    /* Within guard before the boundary the venue may count the request
     * in either window: both are charged, and the later one reported. */
    o = take1(&fixed5, 2, 0, off);
    assert_int_equal(o.code, 0);
    assert_venue_in(o.now, off, ws + 905, ws + 1000);
    assert_int_equal(o.win[0], ws + 1000);
    assert_int_equal(o.valid_until, ws + 2000 - 100 - off);
    assert_int_equal(hget(fixed5.key, "start"), ws);
    assert_int_equal(hget(fixed5.key, "used"), 2);
    assert_int_equal(hget(fixed5.key, "next"), 2);
    /* Well inside the next window its 2 units still count. */
    off = offset_for(ws + 1300);
    o = take1(&fixed5, 4, 0, off);
    assert_int_equal(o.code, 1);
    assert_venue_in(o.now, off, ws + 1300, ws + 1900);
    assert_int_equal(o.at, ws + 2000 + 100 - off);
    o = take1(&fixed5, 3, 0, off);
    assert_int_equal(o.code, 0);
    assert_int_equal(o.win[0], ws + 1000);
    assert_int_equal(hget(fixed5.key, "start"), ws + 1000);
    assert_int_equal(hget(fixed5.key, "used"), 5);
    assert_int_equal(hget(fixed5.key, "next"), 0);
}

static void
test_fixed_window_count_applies_until_successor_start_plus_guard(void **state)
{
    const long long ws = window_ahead(1000);
    long long off = offset_for(ws + 300);
    take_out o;

    (void)state;
    o = take1(&fixed5, 5, 0, off);
    assert_int_equal(o.code, 0);
    /* Just past the boundary the venue may still be in the old window. */
    off = offset_for(ws + 1005);
    o = take1(&fixed5, 1, 0, off);
    assert_int_equal(o.code, 1);
    assert_venue_in(o.now, off, ws + 1005, ws + 1100);
    assert_int_equal(o.at, ws + 1000 + 100 - off);
    /* From successor start + guard on, the new window is empty. */
    off = offset_for(ws + 1150);
    o = take1(&fixed5, 5, 0, off);
    assert_int_equal(o.code, 0);
    assert_venue_in(o.now, off, ws + 1150, ws + 1900);
    assert_int_equal(o.win[0], ws + 1000);
}

static void
test_fixed_window_holds_for_a_caller_whose_clock_is_behind(void **state)
{
    const long long ws = window_ahead(1000);
    long long off = offset_for(ws + 1300);
    take_out o;

    (void)state;
    assert_int_equal(take1(&fixed5, 5, 0, off).code, 0);
    /* Another gateway estimates the venue's clock a window behind: the
     * window already counted is its window too (and is not reset). */
    off = offset_for(ws + 500);
    o = take1(&fixed5, 1, 0, off);
    assert_int_equal(o.code, 1);
    assert_venue_in(o.now, off, ws + 500, ws + 900);
    assert_int_equal(o.at, ws + 2000 + 100 - off);
    assert_int_equal(hget(fixed5.key, "start"), ws + 1000);
    assert_int_equal(hget(fixed5.key, "used"), 5);
}

static void
test_fixed_first_use_window_starts_at_first_take(void **state)
{
    const long long off = 12345; /* any: the window follows the take */
    take_out o;
    take_out o2;
    long long start = 0;
    long long off2 = 0;

    (void)state;
    o = take1(&first_use3, 2, 0, off);
    assert_int_equal(o.code, 0);
    start = o.now + off;
    assert_int_equal(o.win[0], start);
    assert_int_equal(o.valid_until, start + 1000 - 100 - off);
    o2 = take1(&first_use3, 2, 0, off);
    assert_int_equal(o2.code, 1);
    assert_int_equal(o2.at, start + 1000 + 100 - off);
    o2 = take1(&first_use3, 1, 0, off);
    assert_int_equal(o2.code, 0);
    assert_int_equal(o2.win[0], start);
    /* Past the window's end but within guard it still counts. */
    off2 = offset_for(start + 1000 + 5);
    o2 = take1(&first_use3, 1, 0, off2);
    assert_int_equal(o2.code, 1);
    assert_venue_in(o2.now, off2, start + 1005, start + 1100);
    assert_int_equal(o2.at, start + 1100 - off2);
    /* After start + window + guard the next take opens a new window. */
    off2 = offset_for(start + 1100 + 5);
    o2 = take1(&first_use3, 3, 0, off2);
    assert_int_equal(o2.code, 0);
    assert_int_equal(o2.win[0], o2.now + off2);
    assert_true(o2.win[0] >= start + 1100);
    assert_int_equal(hget(first_use3.key, "used"), 3);
}

/* --- all buckets or none, never fits ---------------------------------- */

static void
test_take_is_all_or_none_across_buckets(void **state)
{
    static const bucket big = {"{xgt}:a", 1, 0, 10, 1000, 100};
    static const bucket small = {"{xgt}:b", 1, 0, 2, 1000, 100};
    static const bucket slow = {"{xgt}:s", 2, 0, 1, 5000, 100};
    const long long ws = window_ahead(1000);
    const long long off = offset_for(ws + 300);
    const charge both[] = {{&big, 1, 0}, {&small, 1, 0}};
    take_out o;
    take_out s;

    (void)state;
    for (int i = 0; i < 2; i++) {
        o = take(off, 0, 0, both, 2);
        assert_int_equal(o.code, 0);
        assert_int_equal(o.win[0], ws);
        assert_int_equal(o.win[1], ws);
    }
    o = take(off, 0, 0, both, 2);
    assert_int_equal(o.code, 1);
    assert_venue_in(o.now, off, ws + 300, ws + 900);
    assert_int_equal(o.at, ws + 1100 - off);
    /* The refused take charged neither bucket. */
    assert_int_equal(hget(big.key, "used"), 2);
    assert_int_equal(hget(small.key, "used"), 2);
    assert_int_equal(take1(&big, 8, 0, off).code, 0);
    assert_int_equal(take1(&big, 1, 0, off).code, 1);

    /* Several refusing buckets: the latest of their times, whichever
     * comes first in the call. */
    s = take1(&slow, 1, 0, off);
    assert_int_equal(s.code, 0);
    const charge mixed[] = {{&slow, 1, 0}, {&small, 1, 0}, {&token10, 1, 0}};
    o = take(off, 0, 0, mixed, 3);
    assert_int_equal(o.code, 1);
    assert_int_equal(o.at, s.now + 5000 + 100);
    assert_int_equal(exists(token10.key), 0);
}

static void
test_cost_beyond_limit_less_keep_never_fits(void **state)
{
    static const bucket small = {"{xgt}:b", 1, 0, 2, 1000, 100};
    const long long off = offset_for(window_ahead(1000) + 300);
    take_out o;

    (void)state;
    o = take1(&fixed5, 4, 2, off);
    assert_int_equal(o.code, 3);
    assert_true(o.now > 0);
    /* Even when another bucket only asks to wait. */
    assert_int_equal(take1(&small, 2, 0, off).code, 0);
    const charge ch[] = {{&small, 1, 0}, {&fixed5, 6, 0}};
    assert_int_equal(take(off, 0, 0, ch, 2).code, 3);
    assert_int_equal(exists(fixed5.key), 0);
}

/* --- leases ----------------------------------------------------------- */

static void
test_lease_takes_half_of_what_is_free_far_from_the_limit(void **state)
{
    static const bucket capped = {"{xgt}:b", 1, 0, 100, 1000, 100};
    static const bucket wide = {"{xgt}:c", 1, 0, 1000, 1000, 100};
    static const bucket narrow = {"{xgt}:d", 1, 0, 100, 1000, 100};
    const long long ws = window_ahead(1000);
    const long long off = offset_for(ws + 300);
    const charge a[] = {{&fixed100, 2, 10}};
    take_out o;

    (void)state;
    /* used 0: free 90, m = floor((90 - 2) / 4) = 22. */
    o = take(off, 100, 0, a, 1);
    assert_int_equal(o.code, 0);
    assert_int_equal(o.n, 23);
    assert_int_equal(hget(fixed100.key, "used"), 46);
    assert_string_equal(o.lease, GATEWAY ":1");
    /* used 46: 48 <= 50 still, free 44, m = floor(42 / 4) = 10. */
    o = take(off, 100, 0, a, 1);
    assert_int_equal(o.n, 11);
    assert_int_equal(hget(fixed100.key, "used"), 68);
    assert_string_equal(o.lease, GATEWAY ":2");
    /* used 68: past half the limit, no lease. */
    o = take(off, 100, 0, a, 1);
    assert_int_equal(o.n, 1);
    assert_int_equal(hget(fixed100.key, "used"), 70);

    /* max_extra caps it. */
    const charge b[] = {{&capped, 2, 10}};
    o = take(off, 5, 0, b, 1);
    assert_int_equal(o.n, 6);
    assert_int_equal(hget(capped.key, "used"), 12);

    /* The tightest bucket decides: m = min(249, 24). */
    const charge cd[] = {{&wide, 2, 0}, {&narrow, 2, 0}};
    o = take(off, 1000, 0, cd, 2);
    assert_int_equal(o.n, 25);
    assert_int_equal(hget(wide.key, "used"), 50);
    assert_int_equal(hget(narrow.key, "used"), 50);
    /* Half the limit counts this request too: 50 + 1 > 100 / 2. */
    const charge d1[] = {{&narrow, 1, 0}};
    o = take(off, 1000, 0, d1, 1);
    assert_int_equal(o.n, 1);
    assert_int_equal(hget(narrow.key, "used"), 51);

    /* A bucket the request does not cost does not constrain it, even past
     * half its limit, and is not charged: wide alone gives
     * m = floor((950 - 2) / 4) = 237. */
    const charge ac[] = {{&fixed100, 0, 0}, {&wide, 2, 0}};
    o = take(off, 1000, 0, ac, 2);
    assert_int_equal(o.code, 0);
    assert_int_equal(o.n, 238);
    assert_int_equal(o.win[0], 0);
    assert_int_equal(o.win[1], ws);
    assert_int_equal(hget(fixed100.key, "used"), 70);
    assert_int_equal(hget(wide.key, "used"), 50 + 476);
    assert_venue_in(o.now, off, ws + 300, ws + 900);
}

static void
test_lease_is_valid_until_the_first_bucket_ends(void **state)
{
    const long long ws = window_ahead(1000);
    const long long off = offset_for(ws + 300);
    const charge all[] = {
        {&fixed100, 1, 0}, {&sliding10, 1, 0}, {&token10, 1, 0}};
    const charge tok[] = {{&token10, 1, 0}};
    char member[80];
    take_out o;

    (void)state;
    /* Sliding: now + hold, sooner than the fixed window's end - guard. */
    o = take(off, 0, 200, all, 3);
    assert_int_equal(o.code, 0);
    assert_venue_in(o.now, off, ws + 300, ws + 600);
    assert_int_equal(o.valid_until, o.now + 200);
    assert_int_equal(o.win[0], ws);
    assert_int_equal(o.win[1], 0);
    assert_int_equal(o.win[2], 0);
    /* The lease's entry counts until hold + window + guard. */
    snprintf(member, sizeof(member), "%s:1", o.lease);
    assert_int_equal(zscore(sliding10.key, member), o.now + 200 + 1100);
    /* A long hold: the fixed window ends first. */
    o = take(off, 0, 5000, all, 3);
    assert_int_equal(o.valid_until, ws + 1000 - 100 - off);
    /* A token bucket alone: an hour. */
    o = take(off, 0, 0, tok, 1);
    assert_int_equal(o.valid_until, o.now + 3600000);
}

/* --- give ------------------------------------------------------------- */

static void
test_give_returns_fixed_units_to_the_window_charged_only(void **state)
{
    static const bucket b = {"{xgt}:b", 1, 0, 100, 1000, 100};
    const long long ws = window_ahead(1000);
    long long off = offset_for(ws + 300);
    const charge a1[] = {{&fixed100, 1, 0}};
    take_out o;

    (void)state;
    /* m = min(9, floor(99 / 2)): ten requests, ten units. */
    o = take(off, 9, 0, a1, 1);
    assert_int_equal(o.n, 10);
    assert_int_equal(hget(fixed100.key, "used"), 10);
    const charge give7[] = {{&fixed100, 7, o.win[0]}};
    adjust("give", off, o.lease, give7, 1);
    assert_int_equal(hget(fixed100.key, "used"), 3);
    /* Another window's units are not ours to return. */
    const charge stale[] = {{&fixed100, 3, ws - 1000}};
    adjust("give", off, o.lease, stale, 1);
    assert_int_equal(hget(fixed100.key, "used"), 3);
    /* Never below zero. */
    const charge too_many[] = {{&fixed100, 50, o.win[0]}};
    adjust("give", off, o.lease, too_many, 1);
    assert_int_equal(hget(fixed100.key, "used"), 0);

    /* Charged to two windows near the boundary: both get units back. */
    off = offset_for(ws + 905);
    const charge b1[] = {{&b, 1, 0}};
    o = take(off, 3, 0, b1, 1);
    assert_venue_in(o.now, off, ws + 905, ws + 1000);
    assert_int_equal(o.n, 4);
    assert_int_equal(o.win[0], ws + 1000);
    const charge give2[] = {{&b, 2, o.win[0]}};
    adjust("give", off, o.lease, give2, 1);
    assert_int_equal(hget(b.key, "used"), 2);
    assert_int_equal(hget(b.key, "next"), 2);
    /* Once the later window is the current one, to it alone. */
    off = offset_for(ws + 1300);
    assert_int_equal(take1(&b, 1, 0, off).code, 0);
    assert_int_equal(hget(b.key, "start"), ws + 1000);
    assert_int_equal(hget(b.key, "used"), 3);
    adjust("give", off, o.lease, give2, 1);
    assert_int_equal(hget(b.key, "used"), 1);
}

static void
test_give_shrinks_the_sliding_lease_entry(void **state)
{
    static const bucket s = {"{xgt}:s", 2, 0, 100, 1000, 100};
    const charge s2[] = {{&s, 2, 0}};
    const charge give2[] = {{&s, 2, 0}};
    const charge give4[] = {{&s, 4, 0}};
    const charge give_all[] = {{&s, 10, 0}};
    char m[4][64];
    char want[2][64];
    take_out first;
    take_out o;
    redisReply *r = NULL;

    (void)state;
    /* Lease ids GATEWAY:1 and GATEWAY:10, whose entry expires first:
     * giving to GATEWAY:1 must not take the entry its id prefixes. */
    first = take(0, 0, 500, s2, 1);
    assert_string_equal(first.lease, GATEWAY ":1");
    r = redisCommand(rc, "HSET %s seq 9", META);
    freeReplyObject(r);
    /* m = min(4, floor(98 / 4)) = 4: five requests, ten units. */
    o = take(0, 4, 0, s2, 1);
    assert_string_equal(o.lease, GATEWAY ":10");
    assert_int_equal(o.n, 5);
    assert_true(o.now < first.now + 500);

    /* Same score, fewer units. */
    adjust("give", 0, o.lease, give4, 1);
    assert_int_equal(zmembers(s.key, m, 4), 2);
    snprintf(want[0], 64, GATEWAY ":10:6@%lld", o.now + 1100);
    snprintf(want[1], 64, GATEWAY ":1:2@%lld", first.now + 500 + 1100);
    assert_string_equal(m[0], want[0]);
    assert_string_equal(m[1], want[1]);
    adjust("give", 0, first.lease, give2, 1);
    assert_int_equal(zmembers(s.key, m, 4), 1);
    assert_string_equal(m[0], want[0]);
    /* An unknown lease changes nothing; all of it removes the entry. */
    adjust("give", 0, GATEWAY ":77", give_all, 1);
    assert_int_equal(zmembers(s.key, m, 4), 1);
    adjust("give", 0, o.lease, give_all, 1);
    assert_int_equal(exists(s.key), 0);
}

static void
test_give_refills_a_token_bucket_up_to_capacity(void **state)
{
    const charge t4[] = {{&token10, 4, 0}};
    const charge t3[] = {{&token10, 3, 0}};
    const charge t5[] = {{&token10, 5, 0}};
    take_out o;

    (void)state;
    o = take(0, 0, 0, t4, 1);
    assert_int_equal(o.code, 0);
    assert_int_equal(hget(token10.key, "level"), 6);
    adjust("give", 0, o.lease, t3, 1);
    assert_int_equal(hget(token10.key, "level"), 9);
    adjust("give", 0, o.lease, t5, 1);
    assert_int_equal(hget(token10.key, "level"), 10);
    assert_int_equal(hget(token10.key, "carry"), 0);
}

/* --- observe ---------------------------------------------------------- */

static void
test_observe_raises_a_fixed_count_and_never_lowers_it(void **state)
{
    const long long ws = window_ahead(1000);
    const long long off = offset_for(ws + 300);
    const charge seen30[] = {{&fixed100, 30, -1}};
    const charge seen10[] = {{&fixed100, 10, -1}};
    take_out o;

    (void)state;
    assert_int_equal(take1(&fixed100, 5, 0, off).code, 0);
    adjust("observe", off, NULL, seen30, 1);
    assert_int_equal(hget(fixed100.key, "used"), 30);
    adjust("observe", off, NULL, seen10, 1);
    assert_int_equal(hget(fixed100.key, "used"), 30);
    assert_int_equal(take1(&fixed100, 70, 0, off).code, 0);
    o = take1(&fixed100, 1, 0, off);
    assert_int_equal(o.code, 1);
    assert_venue_in(o.now, off, ws + 300, ws + 900);
    assert_int_equal(o.at, ws + 1100 - off);

    /* A FIRST_USE report with no window open starts one now. */
    static const bucket fu = {"{xgt}:b", 1, 1, 3, 1000, 100};
    const charge fu2[] = {{&fu, 2, -1}};
    long long now = adjust("observe", 777, NULL, fu2, 1);
    assert_int_equal(hget(fu.key, "start"), now + 777);
    assert_int_equal(hget(fu.key, "used"), 2);
}

static void
test_observe_adds_sliding_excess_until_the_venue_resets(void **state)
{
    const charge seen5[] = {{&sliding10, 5, 300}};
    const charge seen4[] = {{&sliding10, 4, 0}};
    const charge seen7[] = {{&sliding10, 7, 0}};
    char m[4][64];
    char want[64];
    take_out t;
    take_out o;
    long long now1 = 0;
    long long now2 = 0;

    (void)state;
    t = take1(&sliding10, 2, 0, 0);
    assert_int_equal(t.code, 0);
    /* 3 more than we count, until the venue's reset + guard. */
    now1 = adjust("observe", 0, NULL, seen5, 1);
    assert_int_equal(zmembers(sliding10.key, m, 4), 2);
    snprintf(want, sizeof(want), "obs:2:3@%lld", now1 + 300 + 100);
    assert_string_equal(m[0], want);
    /* Less than the sum: nothing. */
    adjust("observe", 0, NULL, seen4, 1);
    assert_int_equal(zmembers(sliding10.key, m, 4), 2);
    /* Reset unknown: held for a whole window. */
    now2 = adjust("observe", 0, NULL, seen7, 1);
    assert_int_equal(zmembers(sliding10.key, m, 4), 3);
    snprintf(want, sizeof(want), "obs:3:2@%lld", now2 + 1000 + 100);
    assert_string_equal(m[2], want);
    /* 7 counted: 4 more need 1 unit to expire, the first (the 3 observed
     * units, ending at the venue's reset). */
    o = take1(&sliding10, 4, 0, 0);
    assert_int_equal(o.code, 1);
    assert_int_equal(o.at, now1 + 400);
}

static void
test_observe_lowers_a_token_level(void **state)
{
    const charge seen7[] = {{&token10, 7, 0}};
    const charge seen2[] = {{&token10, 2, 0}};
    take_out o;
    long long now = 0;

    (void)state;
    now = adjust("observe", 0, NULL, seen7, 1);
    assert_int_equal(hget(token10.key, "level"), 3);
    adjust("observe", 0, NULL, seen2, 1);
    assert_int_equal(hget(token10.key, "level"), 3);
    assert_int_equal(take1(&token10, 3, 0, 0).code, 0);
    /* One unit per 6 s, counted from the report (the carry keeps the
     * fraction refilled since). */
    o = take1(&token10, 1, 0, 0);
    assert_int_equal(o.code, 1);
    assert_int_equal(o.at, now + 6000);
}

/* --- seed ------------------------------------------------------------- */

static void
test_seed_adds_units_to_every_kind(void **state)
{
    const long long ws = window_ahead(1000);
    const long long off = offset_for(ws + 300);
    const charge all[] = {
        {&fixed100, 40, 0}, {&sliding10, 3, 0}, {&token10, 12, 0}};
    char m[4][64];
    char want[64];
    take_out o;
    long long now = 0;

    (void)state;
    now = adjust("seed", off, NULL, all, 3);
    assert_venue_in(now, off, ws + 300, ws + 900);
    assert_int_equal(hget(fixed100.key, "start"), ws);
    assert_int_equal(hget(fixed100.key, "used"), 40);
    assert_int_equal(zmembers(sliding10.key, m, 4), 1);
    snprintf(want, sizeof(want), "seed:1:3@%lld", now + 1100);
    assert_string_equal(m[0], want);
    assert_int_equal(hget(token10.key, "level"), 0);
    o = take1(&fixed100, 61, 0, off);
    assert_int_equal(o.code, 1);
    assert_int_equal(take1(&fixed100, 60, 0, off).code, 0);
    /* Nothing to seed is fine too. */
    assert_true(adjust("seed", off, NULL, NULL, 0) > 0);
}

/* --- sliding windows and token buckets over time ------------------------ */

static void
test_sliding_entries_expire_after_window_plus_guard(void **state)
{
    static const bucket s = {"{xgt}:s", 2, 0, 3, 200, 20};
    char m[4][64];
    take_out first;
    take_out o;

    (void)state;
    first = take1(&s, 3, 0, 0);
    assert_int_equal(first.code, 0);
    o = take1(&s, 1, 0, 0);
    assert_int_equal(o.code, 1);
    assert_int_equal(o.at, first.now + 220);
    sleep_until_redis(o.at);
    o = take1(&s, 1, 0, 0);
    assert_int_equal(o.code, 0);
    /* The expired entry is gone. */
    assert_int_equal(zmembers(s.key, m, 4), 1);
}

static void
test_sliding_earliest_walks_entries_by_expiry(void **state)
{
    static const bucket s = {"{xgt}:s", 2, 0, 3, 1000, 100};
    struct timespec gap = {.tv_sec = 0, .tv_nsec = 20 * 1000000L};
    take_out one;
    take_out two;

    (void)state;
    one = take1(&s, 1, 0, 0);
    nanosleep(&gap, NULL);
    two = take1(&s, 2, 0, 0);
    assert_int_equal(two.code, 0);
    assert_true(two.now > one.now);
    /* One unit must expire: the oldest entry. */
    assert_int_equal(take1(&s, 1, 0, 0).at, one.now + 1100);
    /* Two: the oldest holds only one, so the second entry too. */
    assert_int_equal(take1(&s, 2, 0, 0).at, two.now + 1100);
    assert_int_equal(take1(&s, 3, 0, 0).at, two.now + 1100);
    /* Keeping one unit needs as much room as a cost of two. */
    assert_int_equal(take1(&s, 1, 1, 0).at, two.now + 1100);
}

static void
test_token_bucket_refills_continuously(void **state)
{
    static const bucket t = {"{xgt}:t", 3, 0, 10, 1000, 0};
    take_out first;
    take_out o;

    (void)state;
    assert_int_equal(exists(t.key), 0);
    first = take1(&t, 10, 0, 0); /* a new bucket is full */
    assert_int_equal(first.code, 0);
    assert_int_equal(hget(t.key, "level"), 0);
    /* One unit per 100 ms from the take on. */
    assert_int_equal(take1(&t, 1, 0, 0).at, first.now + 100);
    assert_int_equal(take1(&t, 3, 0, 0).at, first.now + 300);
    assert_int_equal(take1(&t, 3, 2, 0).at, first.now + 500);
    sleep_until_redis(first.now + 300);
    o = take1(&t, 3, 0, 0);
    assert_int_equal(o.code, 0);
    assert_in_range(o.now, first.now + 300, first.now + 399);
    /* The fraction refilled since is carried, not lost. */
    o = take1(&t, 1, 0, 0);
    assert_int_equal(o.code, 1);
    assert_int_equal(o.at, first.now + 400);

    /* A unit every 333.3 ms: the first whole one is there at 334. */
    static const bucket thirds = {"{xgt}:u", 3, 0, 3, 1000, 0};
    first = take1(&thirds, 3, 0, 0);
    assert_int_equal(first.code, 0);
    assert_int_equal(take1(&thirds, 1, 0, 0).at, first.now + 334);
    assert_int_equal(take1(&thirds, 2, 0, 0).at, first.now + 667);
}

/* --- bans ------------------------------------------------------------- */

static void
expect_published(redisContext *sub, const char *text)
{
    redisReply *r = NULL;

    assert_int_equal(redisGetReply(sub, (void **)&r), REDIS_OK);
    assert_non_null(r);
    assert_int_equal(r->type, REDIS_REPLY_ARRAY);
    assert_int_equal(r->elements, 3);
    assert_string_equal(r->element[0]->str, "message");
    assert_string_equal(r->element[1]->str, CHANNEL);
    assert_string_equal(r->element[2]->str, text);
    freeReplyObject(r);
}

static void
test_ban_is_recorded_published_and_never_shortened(void **state)
{
    redisContext *sub = connect_redis();
    redisReply *r = NULL;
    char reason[64];
    char gateway[64];
    char text[128];
    long long until = 0;

    (void)state;
    assert_non_null(sub);
    r = redisCommand(sub, "SUBSCRIBE %s", CHANNEL);
    assert_non_null(r);
    assert_int_equal(r->type, REDIS_REPLY_ARRAY);
    freeReplyObject(r);

    assert_int_equal(status(reason, gateway), 0);
    assert_string_equal(reason, "");
    until = redis_now_ms() + 60000;
    assert_int_equal(ban("gw-a", until, "418\tteapot\n"), 1);
    snprintf(text, sizeof(text), "binance\t%lld\tgw-a\t418 teapot ", until);
    expect_published(sub, text);
    assert_int_equal(status(reason, gateway), until);
    assert_string_equal(reason, "418 teapot ");
    assert_string_equal(gateway, "gw-a");

    /* An earlier or equal end never shortens it, and is not published. */
    assert_int_equal(ban("gw-b", until - 1000, "429"), 0);
    assert_int_equal(ban("gw-b", until, "429"), 0);
    assert_int_equal(status(reason, gateway), until);
    assert_string_equal(gateway, "gw-a");
    /* A later one replaces it. */
    assert_int_equal(ban("gw-b", until + 5000, "418 again"), 1);
    snprintf(text, sizeof(text), "binance\t%lld\tgw-b\t418 again",
             until + 5000);
    expect_published(sub, text);
    assert_int_equal(status(reason, gateway), until + 5000);
    assert_string_equal(gateway, "gw-b");
    redisFree(sub);
}

static void
test_ban_in_force_makes_take_answer_banned(void **state)
{
    const long long now = redis_now_ms();
    take_out o;

    (void)state;
    assert_int_equal(ban("gw-b", now + 60000, "418"), 1);
    o = take1(&fixed5, 1, 0, 0);
    assert_int_equal(o.code, 2);
    assert_int_equal(o.at, now + 60000);
    assert_string_equal(o.reason, "418");
    assert_string_equal(o.gateway, "gw-b");
    assert_true(o.now >= now);
    assert_int_equal(exists(fixed5.key), 0);
}

static void
test_ban_that_ended_does_not_block(void **state)
{
    take_out o;

    (void)state;
    assert_int_equal(ban("gw-b", redis_now_ms() - 1, "418"), 1);
    o = take1(&fixed5, 1, 0, 0);
    assert_int_equal(o.code, 0);
}

/* --- housekeeping ----------------------------------------------------- */

static void
test_keys_expire_when_nothing_in_them_counts(void **state)
{
    static const bucket t = {"{xgt}:t", 3, 0, 10, 1000, 0};
    const long long ws = window_ahead(1000);
    const long long off = offset_for(ws + 300);
    take_out o;
    long long ttl = 0;
    long long want = 0;

    (void)state;
    /* Fixed: until its window stops applying (end + guard), plus slack. */
    o = take1(&fixed100, 1, 0, off);
    want = ws + 1000 + 100 - (o.now + off) + SLACK_MS;
    ttl = pttl(fixed100.key);
    assert_in_range(ttl, want - 50, want);
    /* Sliding: with its last entry. */
    o = take1(&sliding10, 1, 0, 0);
    want = 1000 + 100 + SLACK_MS;
    ttl = pttl(sliding10.key);
    assert_in_range(ttl, want - 50, want);
    /* Token: until full again (4 units at 100 ms each). */
    assert_int_equal(take1(&t, 4, 0, 0).code, 0);
    want = 400 + SLACK_MS;
    ttl = pttl(t.key);
    assert_in_range(ttl, want - 50, want);
    /* meta holds the lease counter and bans: no expiry. */
    assert_int_equal(pttl(META), -1);
}

/* Error reply "xg: bad arguments: ..." for EVALSHA sha nkeys args... */
static void
expect_bad_arguments(int argc, const char **args)
{
    const char *argv[MAX_ARGS];
    redisReply *r = NULL;

    assert_true(argc + 2 <= MAX_ARGS);
    argv[0] = "EVALSHA";
    argv[1] = sha;
    for (int i = 0; i < argc; i++) {
        argv[2 + i] = args[i];
    }
    r = redisCommandArgv(rc, argc + 2, argv, NULL);
    assert_non_null(r);
    assert_int_equal(r->type, REDIS_REPLY_ERROR);
    if (strncmp(r->str, "xg: bad arguments: ", 19) != 0) {
        fail_msg("not a bad-arguments reply: %s", r->str);
    }
    freeReplyObject(r);
}

#define BAD(...)                                                               \
    do {                                                                       \
        const char *args_[] = {__VA_ARGS__};                                   \
        expect_bad_arguments((int)(sizeof(args_) / sizeof(args_[0])), args_);  \
    } while (0)

static void
test_malformed_arguments_answer_an_error_and_write_nothing(void **state)
{
    (void)state;
    BAD("0");
    BAD("1", META);
    BAD("1", META, "frobnicate");
    BAD("0", "status");
    BAD("1", META, "status", "extra");
    /* take: a descriptor of 6 values, keys not matching descriptors. */
    BAD("2", META, "{xgt}:a", "take", "gw", "0", "0", "0", "1", "0", "5",
        "1000", "100", "1");
    BAD("3", META, "{xgt}:a", "{xgt}:b", "take", "gw", "0", "0", "0", "1", "0",
        "5", "1000", "100", "1", "0");
    /* Values that are not plain integers, though Lua would read some. */
    BAD("2", META, "{xgt}:a", "take", "gw", "1.5", "0", "0", "1", "0", "5",
        "1000", "100", "1", "0");
    BAD("2", META, "{xgt}:a", "take", "gw", "inf", "0", "0", "1", "0", "5",
        "1000", "100", "1", "0");
    BAD("2", META, "{xgt}:a", "take", "gw", "0", "0", "0", "1", "0", "0x10",
        "1000", "100", "1", "0");
    BAD("2", META, "{xgt}:a", "take", "gw", "0", "0", "0", "1", "0", "", "1000",
        "100", "1", "0");
    BAD("2", META, "{xgt}:a", "take", "gw", "0", "0", "0", "1", "0",
        "99999999999999999999", "1000", "100", "1", "0");
    /* Out of range: kind, anchor, limit, cost, keep, hold_ms. */
    BAD("2", META, "{xgt}:a", "take", "gw", "0", "0", "0", "4", "0", "5",
        "1000", "100", "1", "0");
    BAD("2", META, "{xgt}:a", "take", "gw", "0", "0", "0", "1", "2", "5",
        "1000", "100", "1", "0");
    BAD("2", META, "{xgt}:a", "take", "gw", "0", "0", "0", "1", "0", "0",
        "1000", "100", "1", "0");
    BAD("2", META, "{xgt}:a", "take", "gw", "0", "0", "0", "1", "0", "5",
        "1000", "100", "-1", "0");
    BAD("2", META, "{xgt}:a", "take", "gw", "0", "0", "0", "1", "0", "5",
        "1000", "100", "1", "-1");
    BAD("2", META, "{xgt}:a", "take", "gw", "0", "0", "-5", "1", "0", "5",
        "1000", "100", "1", "0");
    /* A gateway name that would break the ban message's fields. */
    BAD("2", META, "{xgt}:a", "take", "g\tw", "0", "0", "0", "1", "0", "5",
        "1000", "100", "1", "0");
    BAD("2", META, "{xgt}:a", "take", "", "0", "0", "0", "1", "0", "5", "1000",
        "100", "1", "0");
    /* The same bucket twice. */
    BAD("3", META, "{xgt}:a", "{xgt}:a", "take", "gw", "0", "0", "0", "1", "0",
        "5", "1000", "100", "1", "0", "1", "0", "5", "1000", "100", "1", "0");
    /* The first bucket is fine, the second is not: nothing is charged. */
    BAD("3", META, "{xgt}:a", "{xgt}:b", "take", "gw", "0", "0", "0", "1", "0",
        "5", "1000", "100", "1", "0", "1", "0", "5", "1000", "100", "x", "0");
    /* The other ops. */
    BAD("1", META, "ban", "gw", "123", "r", "ch");
    BAD("1", META, "ban", "gw", "soon", "r", "ch", "binance");
    BAD("1", META, "ban", "gw", "123", "r", "", "binance");
    BAD("2", META, "{xgt}:a", "give", "0", "", "1", "0", "5", "1000", "100",
        "1", "0");
    BAD("2", META, "{xgt}:a", "observe", "0", "1", "0", "5", "1000", "100",
        "1");
    BAD("2", META, "{xgt}:a", "seed", "x", "1", "0", "5", "1000", "100", "1",
        "0");

    assert_int_equal(xg_redis_reply_int(redisCommand(rc, "DBSIZE")), 0);
}

/* Last: it restarts the server under the other tests' connection. */
static void
test_restarted_redis_is_empty_and_needs_the_script_again(void **state)
{
    const int port = redis.port;
    redisReply *r = NULL;

    (void)state;
    assert_int_equal(take1(&fixed5, 1, 0, 0).code, 0);
    assert_int_equal(xg_redis_kill(&redis), XG_OK);
    assert_int_equal(redis.pid, 0);
    assert_int_equal(xg_redis_restart(&redis), XG_OK);
    assert_int_equal(redis.port, port);
    redisFree(rc);
    rc = connect_redis();
    assert_non_null(rc);
    assert_int_equal(xg_redis_reply_int(redisCommand(rc, "DBSIZE")), 0);
    r = redisCommand(rc, "EVALSHA %s 0", sha);
    assert_non_null(r);
    assert_int_equal(r->type, REDIS_REPLY_ERROR);
    assert_memory_equal(r->str, "NOSCRIPT", 8);
    freeReplyObject(r);
    assert_int_equal(xg_redis_load_share_script(rc, sha), 0);
    assert_int_equal(take1(&fixed5, 1, 0, 0).code, 0);
    assert_int_equal(hget(fixed5.key, "used"), 1);
}

#define T(f) cmocka_unit_test_setup(f, empty_database)

int
main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_embedded_script_is_share_lua),
        T(test_fixed_window_admits_up_to_limit_less_keep_then_waits),
        T(test_fixed_window_near_boundary_charges_both_windows),
        T(test_fixed_window_count_applies_until_successor_start_plus_guard),
        T(test_fixed_window_holds_for_a_caller_whose_clock_is_behind),
        T(test_fixed_first_use_window_starts_at_first_take),
        T(test_take_is_all_or_none_across_buckets),
        T(test_cost_beyond_limit_less_keep_never_fits),
        T(test_lease_takes_half_of_what_is_free_far_from_the_limit),
        T(test_lease_is_valid_until_the_first_bucket_ends),
        T(test_give_returns_fixed_units_to_the_window_charged_only),
        T(test_give_shrinks_the_sliding_lease_entry),
        T(test_give_refills_a_token_bucket_up_to_capacity),
        T(test_observe_raises_a_fixed_count_and_never_lowers_it),
        T(test_observe_adds_sliding_excess_until_the_venue_resets),
        T(test_observe_lowers_a_token_level),
        T(test_seed_adds_units_to_every_kind),
        T(test_sliding_entries_expire_after_window_plus_guard),
        T(test_sliding_earliest_walks_entries_by_expiry),
        T(test_token_bucket_refills_continuously),
        T(test_ban_is_recorded_published_and_never_shortened),
        T(test_ban_in_force_makes_take_answer_banned),
        T(test_ban_that_ended_does_not_block),
        T(test_keys_expire_when_nothing_in_them_counts),
        T(test_malformed_arguments_answer_an_error_and_write_nothing),
        T(test_restarted_redis_is_empty_and_needs_the_script_again),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
