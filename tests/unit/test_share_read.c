/*
 * test_share_read.c - share_read.c reads share.lua's answers and the ban
 * channel's messages exactly, and refuses every other shape (the
 * answers are parsed from raw RESP by hiredis's reader, as the gateway's
 * connection parses them).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <hiredis/hiredis.h>

#include "redis.h"
#include "share.h"

/* resp parsed into a reply (given: freeReplyObject). */
static redisReply *
parse(const char *resp)
{
    redisReader *rd = redisReaderCreate();
    void *reply = NULL;
    assert_int_equal(redisReaderFeed(rd, resp, strlen(resp)), REDIS_OK);
    assert_int_equal(redisReaderGetReply(rd, &reply), REDIS_OK);
    assert_non_null(reply);
    redisReaderFree(rd);
    return reply;
}

static xg_err
take(const char *resp, size_t n, xg__share_answer *a)
{
    redisReply *r = parse(resp);
    xg_err e = xg__share_read_take(r, n, a);
    freeReplyObject(r);
    return e;
}

static xg_err
status(const char *resp, xg__share_answer *a)
{
    redisReply *r = parse(resp);
    xg_err e = xg__share_read_status(r, a);
    freeReplyObject(r);
    return e;
}

static void
test_take_granted_wait_banned_never(void **state)
{
    (void)state;
    xg__share_answer a;
    assert_int_equal(take("*7\r\n:0\r\n:17\r\n:1700000000000\r\n"
                          ":1700000000500\r\n$6\r\ngw-1:5\r\n"
                          ":1700000000000\r\n:0\r\n",
                          2, &a),
                     XG_OK);
    assert_int_equal(a.status, XG_SHARE_GRANTED);
    assert_int_equal(a.copies, 17);
    assert_int_equal(a.now_ms, 1700000000000);
    assert_int_equal(a.at_ms, 1700000000500);
    assert_string_equal(a.lease_id, "gw-1:5");
    assert_int_equal(a.win[0], 1700000000000);
    assert_int_equal(a.win[1], 0);

    assert_int_equal(
        take("*3\r\n:1\r\n:1700000001020\r\n:1700000000010\r\n", 2, &a), XG_OK);
    assert_int_equal(a.status, XG_SHARE_WAIT);
    assert_int_equal(a.at_ms, 1700000001020);

    assert_int_equal(take("*5\r\n:2\r\n:1700000120000\r\n$11\r\n-1003 a\nb\tc"
                          "\r\n$4\r\ngw-0\r\n:1700000000000\r\n",
                          1, &a),
                     XG_OK);
    assert_int_equal(a.status, XG_SHARE_BANNED);
    assert_int_equal(a.at_ms, 1700000120000);
    assert_string_equal(a.gateway, "gw-0");
    /* Shown, so control characters become spaces. */
    assert_string_equal(a.reason, "-1003 a b c");

    assert_int_equal(take("*2\r\n:3\r\n:1700000000000\r\n", 1, &a), XG_OK);
    assert_int_equal(a.status, XG_SHARE_NEVER);
}

static void
test_take_refuses_other_shapes(void **state)
{
    (void)state;
    xg__share_answer a;
    /* A window per bucket asked: two asked, one given. */
    assert_int_equal(
        take("*6\r\n:0\r\n:1\r\n:1\r\n:2\r\n$3\r\ng:1\r\n:0\r\n", 2, &a),
        XG_ERR_BAD_RESPONSE);
    /* No copies, no lease id, numbers as strings, beyond 2^53. */
    assert_int_equal(
        take("*6\r\n:0\r\n:0\r\n:1\r\n:2\r\n$3\r\ng:1\r\n:0\r\n", 1, &a),
        XG_ERR_BAD_RESPONSE);
    assert_int_equal(
        take("*6\r\n:0\r\n:1\r\n:1\r\n:2\r\n$0\r\n\r\n:0\r\n", 1, &a),
        XG_ERR_BAD_RESPONSE);
    assert_int_equal(take("*3\r\n:1\r\n$4\r\n1020\r\n:10\r\n", 1, &a),
                     XG_ERR_BAD_RESPONSE);
    assert_int_equal(take("*3\r\n:1\r\n:9007199254740993\r\n:10\r\n", 1, &a),
                     XG_ERR_BAD_RESPONSE);
    assert_int_equal(take("*2\r\n:7\r\n:10\r\n", 1, &a), XG_ERR_BAD_RESPONSE);
    assert_int_equal(take(":0\r\n", 1, &a), XG_ERR_BAD_RESPONSE);
    assert_int_equal(take("-NOSCRIPT x\r\n", 1, &a), XG_ERR_BAD_RESPONSE);
    assert_int_equal(take("*-1\r\n", 1, &a), XG_ERR_BAD_RESPONSE);
    assert_int_equal(take("*2\r\n*1\r\n:0\r\n:1\r\n", 1, &a),
                     XG_ERR_BAD_RESPONSE);
    /* A lease id too long for the gateway to give back. */
    char big[512];
    char id[200];
    memset(id, 'x', sizeof id - 1);
    id[sizeof id - 1] = '\0';
    snprintf(big, sizeof big,
             "*6\r\n:0\r\n:1\r\n:1\r\n:2\r\n$%zu\r\n%s\r\n:0\r\n", strlen(id),
             id);
    assert_int_equal(take(big, 1, &a), XG_ERR_BAD_RESPONSE);
}

static void
test_status_with_and_without_a_ban(void **state)
{
    (void)state;
    xg__share_answer a;
    assert_int_equal(status("*4\r\n:1700000120000\r\n$5\r\n-1003\r\n$4\r\n"
                            "gw-2\r\n:1700000000000\r\n",
                            &a),
                     XG_OK);
    assert_int_equal(a.status, XG_SHARE_BANNED);
    assert_int_equal(a.at_ms, 1700000120000);
    assert_string_equal(a.gateway, "gw-2");
    assert_string_equal(a.reason, "-1003");
    assert_int_equal(status("*4\r\n:0\r\n$0\r\n\r\n$0\r\n\r\n:17\r\n", &a),
                     XG_OK);
    assert_int_equal(a.status, XG_SHARE_GRANTED);
    assert_int_equal(a.now_ms, 17);
    assert_int_equal(status("*3\r\n:0\r\n$0\r\n\r\n$0\r\n\r\n", &a),
                     XG_ERR_BAD_RESPONSE);
    assert_int_equal(status("$2\r\nok\r\n", &a), XG_ERR_BAD_RESPONSE);
}

static void
test_ban_message(void **state)
{
    (void)state;
    xg__share_ban b;
    const char m[] = "binance\t1700000120000\tgw-0\t-1003 IP\r\nbanned";
    assert_int_equal(xg__share_read_ban(m, sizeof m - 1, &b), XG_OK);
    assert_string_equal(b.venue, "binance");
    assert_int_equal(b.until_ms, 1700000120000);
    assert_string_equal(b.gateway, "gw-0");
    assert_string_equal(b.reason, "-1003 IP  banned");
    /* An empty reason is a reason. */
    const char empty[] = "okx\t1\tg\t";
    assert_int_equal(xg__share_read_ban(empty, sizeof empty - 1, &b), XG_OK);
    assert_string_equal(b.reason, "");
    static const char *const bad[] = {
        "binance\t1700000120000\tgw-0",        /* no reason field */
        "binance\t-5\tgw-0\tx",                /* not a time */
        "binance\t17x\tgw-0\tx",               /* not a time */
        "\t1\tg\tx",                           /* no venue */
        "binance\t1\t\tx",                     /* no gateway */
        "averyveryverylongvenue\t1\tg\tx",     /* no such venue name */
        "binance\t12345678901234567890\tg\tx", /* beyond any time */
        "",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(xg__share_read_ban(bad[i], strlen(bad[i]), &b),
                         XG_ERR_BAD_RESPONSE);
    }
    /* A NUL inside a field is refused, not cut. */
    const char nul[] = "bin\0ance\t1\tg\tx";
    assert_int_equal(xg__share_read_ban(nul, sizeof nul - 1, &b),
                     XG_ERR_BAD_RESPONSE);
}

static void
test_guarded_reader_refuses_a_huge_array_before_allocating(void **state)
{
    (void)state;
    redisReader *rd = redisReaderCreate();
    void *reply = NULL;
    xg__redis_guard_reader(rd);
    const char huge[] = "*500000000\r\n:1\r\n";
    assert_int_equal(redisReaderFeed(rd, huge, sizeof huge - 1), REDIS_OK);
    assert_int_equal(redisReaderGetReply(rd, &reply), REDIS_ERR);
    assert_null(reply);
    redisReaderFree(rd);
    /* What the script answers still reads. */
    rd = redisReaderCreate();
    xg__redis_guard_reader(rd);
    const char ok[] = "*3\r\n:1\r\n:2\r\n:3\r\n";
    assert_int_equal(redisReaderFeed(rd, ok, sizeof ok - 1), REDIS_OK);
    assert_int_equal(redisReaderGetReply(rd, &reply), REDIS_OK);
    assert_non_null(reply);
    assert_int_equal(((redisReply *)reply)->elements, 3);
    freeReplyObject(reply);
    redisReaderFree(rd);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_take_granted_wait_banned_never),
        cmocka_unit_test(test_take_refuses_other_shapes),
        cmocka_unit_test(test_status_with_and_without_a_ban),
        cmocka_unit_test(test_ban_message),
        cmocka_unit_test(
            test_guarded_reader_refuses_a_huge_array_before_allocating),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
